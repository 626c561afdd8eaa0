"""Every output path of every command follows one rule (``packager.outputs``), checked before any
work: each bad path is one line and exit 2, and nothing is written, the input least of all.  A
write that fails midway (a full disk, a name too long, a read-only place) is one line and exit 2
too, and the previous output stays as it was with no temporary file left beside it.

The full-disk cases run on a small tmpfs, mounted when this process may (root); the same code
paths are also driven by an injected ``OSError`` so that they are tested everywhere."""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from packager_cli import one_line_error, packager
from PIL import Image

import hostile_models as hm
from packager import outputs
from packager.errors import PackagerError


@pytest.fixture
def place(tmp_path):
    Image.fromarray(np.full((32, 32, 3), 7, np.uint8)).save(tmp_path / "photo.png")
    (tmp_path / "a_file").write_text("not a folder")
    (tmp_path / "a_folder.html").mkdir()
    (tmp_path / "a_folder.png").mkdir()
    os.mkfifo(tmp_path / "fifo.html")
    os.mkfifo(tmp_path / "fifo.png")
    return tmp_path


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


LONG = "x" * 300

BAD = {
    "html onto the input photo": (["bench", "photo.png", "--html", "photo.png"], "is the input image photo.png"),
    "html onto a folder": (["bench", "photo.png", "--html", "a_folder.html"], "is a folder"),
    "html onto a fifo": (["bench", "photo.png", "--html", "fifo.html"], "is not a regular file"),
    "html onto a device": (["bench", "photo.png", "--html", "/dev/null"], "is not a regular file"),
    "html under a file": (["bench", "photo.png", "--html", "a_file/b.html"], "a_file is a file, not a folder"),
    "html into a missing folder": (["bench", "photo.png", "--html", "nope/b.html"], "folder nope does not exist"),
    "html empty": (["bench", "photo.png", "--html", ""], "--html is empty"),
    "html name too long": (["bench", "photo.png", "--html", LONG + ".html"], "305 bytes long"),
    "html into /proc": (["bench", "photo.png", "--html", "/proc/b.html"], "cannot write in /proc"),
    "annotate the input": (["run", "photo.png", "--annotate", "photo.png"], "is the input photo.png"),
    "annotate a folder": (["run", "photo.png", "--annotate", "a_folder.png"], "is a folder"),
    "annotate under a file": (["run", "photo.png", "--annotate", "a_file/x.png"], "a_file is a file, not a folder"),
    "annotate into /proc": (["run", "photo.png", "--annotate", "/proc/x.png"], "cannot write in /proc"),
    "annotate into /sys": (["run", "photo.png", "--annotate", "/sys/x.png"], "cannot write in /sys"),
    "annotate name too long": (["run", "photo.png", "--annotate", LONG + ".png"], "304 bytes long"),
    "annotate onto a fifo": (["run", "photo.png", "--annotate", "fifo.png"], "is not a regular file"),
    "build out empty": (["build", "--out", ""], "--out is empty"),
    "build out blank": (["build", "--out", "  "], "--out is empty"),
    "build out name too long": (["build", "--out", "d/" + LONG], "300 bytes long"),
    "build out is a file": (["build", "--out", "a_file"], "a_file is a file, not a folder"),
    "build out under a file": (["build", "--out", "a_file/dist"], "is under"),
    "build out into /proc": (["build", "--out", "/proc/dist"], "cannot write in /proc"),
    "convert out empty": (["convert", "MODEL", "--out", ""], "--out is empty"),
    "convert out under a file": (["convert", "MODEL", "--out", "a_file/out"], "is under"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_output_path_is_refused_before_any_work(place, case):
    args, needle = BAD[case]
    if "MODEL" in args:
        args = [str(hm.tiny_onnx(place / "tiny.onnx")) if a == "MODEL" else a for a in args]
    before = tree(place)
    names = sorted(p.name for p in place.iterdir())
    one_line_error(packager(*args, cwd=place), args[-2], needle)
    assert tree(place) == before and sorted(p.name for p in place.iterdir()) == names


def test_rule_unit_cases(tmp_path):
    (tmp_path / "in.png").write_bytes(b"photo")
    os.link(tmp_path / "in.png", tmp_path / "hardlink.png")
    with pytest.raises(PackagerError, match="is the input image"):
        outputs.check_file(tmp_path / "hardlink.png", "--annotate", inputs=[tmp_path / "in.png"], input_kind="input image")
    assert outputs.check_file(tmp_path / "new.png", "--annotate", inputs=[tmp_path / "in.png"]) == tmp_path / "new.png"
    assert outputs.check_folder(tmp_path / "a" / "b", "--out") == tmp_path / "a" / "b"
    assert not (tmp_path / "a").exists()  # checking creates nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hardlink.png", "in.png"]


# --- a write that fails midway --------------------------------------------------------------------

def failing(err: int):
    def fail(*args, **kwargs):
        raise OSError(err, os.strerror(err))
    return fail


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS, errno.ENAMETOOLONG])
def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch, err):
    target = tmp_path / "out.png"
    target.write_bytes(b"previous")
    monkeypatch.setattr(os, "replace", failing(err))
    with pytest.raises(PackagerError) as e:
        outputs.write_file(target, b"new bytes", "--annotate")
    msg = str(e.value)
    assert "\n" not in msg and os.strerror(err) in msg and "previous file" in msg
    assert ("disk is full" in msg) == (err == errno.ENOSPC)
    assert target.read_bytes() == b"previous" and sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_failed_bundle_write_keeps_the_previous_bundles(tmp_path, monkeypatch):
    from packager.export import bundle, modelbundle
    from packager.options import ConvertOptions
    from packager.progress import Progress

    model = hm.tiny_onnx(tmp_path / "tiny.onnx")
    out = tmp_path / "out"
    modelbundle.convert(ConvertOptions(str(model), out=out), Progress(quiet=True))
    before = tree(out)
    real = bundle.write_files

    def half_then_full(root, files):  # half the files written, then the disk is full
        items = sorted(files.items())
        real(root, dict(items[: len(items) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(root / items[-1][0]))

    monkeypatch.setattr(bundle, "write_files", half_then_full)
    with pytest.raises(PackagerError) as e:
        modelbundle.convert(ConvertOptions(str(model), out=out), Progress(quiet=True))
    assert "disk is full" in str(e.value) and "previous bundles are in place" in str(e.value)
    assert tree(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["android", "ios"]


# --- a real full disk -----------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs. Mounting it needs root, as the suite has on these machines and in CI (README
    requirements); without it the test fails and says so, never skips."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True, text=True)
    assert mounted.returncode == 0, f"mounting a 4 MB tmpfs failed (the full-disk tests run as root): {mounted.stderr}"
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=True)


def fill(disk: Path) -> None:
    """Leave no free block on ``disk``: write until the file system refuses, in 64 KiB steps, then
    in single bytes.  Unbuffered: a buffered writer keeps the refused tail of a write and tries it
    again when the file is closed, raising there (which free byte count it hits depends on the size
    of what is already on the disk)."""
    with open(disk / "filler", "wb", buffering=0) as f:
        for step in (b"\0" * 65536, b"\0"):
            try:
                while True:
                    f.write(step)
            except OSError as e:
                assert e.errno == errno.ENOSPC


def test_full_disk_under_convert_out(small_disk, tmp_path):
    model = hm.tiny_onnx(tmp_path / "tiny.onnx")
    out = small_disk / "out"
    assert packager("convert", model, "--out", out, "--quiet").returncode == 0
    before = tree(out)
    fill(small_disk)
    r = packager("convert", model, "--out", out, "--quiet")
    one_line_error(r, "writing the bundles into", "No space left on device (the disk is full)",
                   "the previous bundles are in place")
    assert tree(out) == before and sorted(p.name for p in out.iterdir()) == ["android", "ios"]


def test_full_disk_under_annotate(small_disk, prepared_default):
    Image.fromarray(np.full((64, 64, 3), 90, np.uint8)).save(small_disk / "photo.png")
    (small_disk / "drawn.png").write_bytes(b"previous annotation")
    fill(small_disk)
    r = packager("run", small_disk / "photo.png", "--annotate", small_disk / "drawn.png", "--quiet")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "writing --annotate" in lines[0] and "the disk is full" in lines[0], r.stderr
    assert (small_disk / "drawn.png").read_bytes() == b"previous annotation"
    assert sorted(p.name for p in small_disk.iterdir()) == ["drawn.png", "filler", "photo.png"]


def test_read_only_out_is_refused_before_any_work(small_disk, tmp_path):
    model = hm.tiny_onnx(tmp_path / "tiny.onnx")
    out = small_disk / "out"
    assert packager("convert", model, "--out", out, "--quiet").returncode == 0
    before = tree(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    one_line_error(packager("convert", model, "--out", out), "--out", "cannot write in", "Read-only file system")
    assert tree(out) == before
