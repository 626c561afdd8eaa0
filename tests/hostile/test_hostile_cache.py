"""Damaged cache entries of every kind are recomputed, never trusted and never fatal; concurrent
installs into the same empty --out never fail."""

import json
import os
import shutil
import threading

import pytest

from packager.cache import Cache
from packager.export import install

FILES = {"onnx": b"model bytes", "extra": b"more"}
INFO = {"max_abs_diff": 0.0, "source_runtime": "onnxruntime"}


def entry(cache, calls):
    def build():
        calls.append(1)
        return dict(FILES), dict(INFO)

    return cache.files("onnx", "k", build, names=("onnx",), fields=tuple(INFO))


def record(root):
    return root / "onnx" / "k.json"


def damage_record(edit):
    def apply(root):
        meta = json.loads(record(root).read_text())
        edit(meta)
        record(root).write_text(json.dumps(meta))
    return apply


def as_fifo(path):
    path.unlink()
    os.mkfifo(path)


def as_dir(path):
    path.unlink()
    (path / "inside").mkdir(parents=True)


DAMAGE = {
    "record not json": lambda r: record(r).write_text("{not json"),
    "record a list": lambda r: record(r).write_text("[]"),
    "record empty": lambda r: record(r).write_text(""),
    "record lacks files": damage_record(lambda m: m.pop("files")),
    "record lacks info": damage_record(lambda m: m.pop("info")),
    "record lacks info hash": damage_record(lambda m: m.pop("info_sha256")),
    "files is a list": damage_record(lambda m: m.update(files=["onnx"])),
    "file hash is a number": damage_record(lambda m: m["files"].update(onnx=5)),
    "record lists no files (self-consistent)": damage_record(lambda m: m.update(files={})),
    "info lacks a field (self-consistent)": damage_record(
        lambda m: (m["info"].pop("max_abs_diff"), m.update(info_sha256=__import__("packager.cache", fromlist=["x"])._info_hash(m["info"])))),
    "file truncated": lambda r: (r / "onnx" / "k.onnx").write_bytes(b"model"),
    "file missing": lambda r: (r / "onnx" / "k.onnx").unlink(),
    "file is a folder": lambda r: as_dir(r / "onnx" / "k.onnx"),
    "record is a folder": lambda r: as_dir(record(r)),
    "kind folder is a file": lambda r: (shutil.rmtree(r / "onnx"), (r / "onnx").write_text("x")),
    "file is a fifo": lambda r: as_fifo(r / "onnx" / "k.onnx"),
    "record is a fifo": lambda r: as_fifo(record(r)),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_entry_is_recomputed(tmp_path, damage):
    def check():
        try:
            calls = []
            entry(Cache(tmp_path), calls)
            DAMAGE[damage](tmp_path)
            files, info = entry(Cache(tmp_path), calls)
            assert calls == [1, 1] and files == FILES and info == INFO
            again = Cache(tmp_path)
            assert entry(again, calls) == (FILES, INFO) and calls == [1, 1] and again.hits == ["onnx/k"]
        except BaseException as e:  # noqa: BLE001 — raised again below, in the test's thread
            done.append(e)
        else:
            done.append(True)

    # in a thread: a cache that reads a FIFO blocks forever, and the test must say so, not hang
    done = []
    t = threading.Thread(target=check, daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), "reading the damaged entry blocked"
    if done[0] is not True:
        raise done[0]


def test_concurrent_installs_into_the_same_empty_out(tmp_path):
    for attempt in range(40):
        out = tmp_path / f"out{attempt}"
        out.mkdir()
        staged, errors = [], []
        for who in ("a", "b"):
            s = install.staging_dir(out, "android")
            (s / "manifest.json").write_text(who)
            staged.append(s)
        barrier = threading.Barrier(2)

        def go(s):
            try:
                barrier.wait()
                install.install({"android": s}, out)
            except BaseException as e:  # noqa: BLE001 — the test reports any failure
                errors.append(e)

        threads = [threading.Thread(target=go, args=(s,)) for s in staged]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert (out / "android" / "manifest.json").read_text() in ("a", "b")
        assert sorted(p.name for p in out.iterdir()) == ["android"]
