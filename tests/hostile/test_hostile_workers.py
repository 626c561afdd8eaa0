"""``packager run`` over many images keeps every result it can: a worker that dies (the OOM
killer, a crash in a native decoder) costs at most the image it died on; files named one by one
behave as a folder does; globs name each file once, whatever symlinks do; bad worker and thread
counts are refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packager_cli import REPO, one_line_error, packager
from PIL import Image

from packager import pool, samples
from packager.runner import expand


# --- the pool itself (fast: no models) ------------------------------------------------------------

def _init(marker_dir: str) -> None:
    global _MARKERS
    _MARKERS = Path(marker_dir)


def _work(item: int):
    """Kills its own process on 13 always, and on 7 the first time only."""
    if item == 13 or (item == 7 and not (_MARKERS / "7").exists()):
        (_MARKERS / str(item)).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.01)
    return item * 10


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_a_dead_worker_costs_only_the_item_it_died_on(tmp_path, workers):
    got = []
    pool.run_all(list(range(20)), _work, workers, _init, (str(tmp_path),), lambda i, r: got.append((i, r)),
                 died=lambda item: f"died on {item}")
    assert [i for i, _ in got] == list(range(20))  # every item, in input order
    assert dict(got) == {i: (f"died on {i}" if i == 13 else i * 10) for i in range(20)}  # 7 was retried


# --- the command ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def many(tmp_path_factory, prepared_default) -> Path:
    d = tmp_path_factory.mktemp("many")
    img = Image.fromarray(samples.astronaut()).resize((256, 256))
    for i in range(60):
        img.save(d / f"img{i:02d}.png")
    return d


def test_json_survives_a_worker_killed_midway(many, tmp_path):
    """A worker is killed while it holds img07.png (it pauses there once, ``interrupts``; no timer
    raced): that image is retried, every result is kept."""
    marker = tmp_path / "paused"
    env = dict(os.environ, PYTHONPATH=str(REPO), PACKAGER_TEST_PAUSE_WORKER_AT=f"img07.png:{marker}")
    proc = subprocess.Popen([sys.executable, "-m", "packager", "run", str(many), "--workers", "2", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if line.startswith("worker paused at: img07.png "):
            os.kill(int(line.split()[-1]), signal.SIGKILL)
            break
    else:
        pytest.fail("no worker paused at img07.png: " + "".join(seen))
    out, err = proc.communicate(timeout=600)
    err = "".join(seen) + err
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "BrokenProcessPool" not in err
    doc = json.loads(out)
    assert [e["image"] for e in doc["images"]] == [str(many / f"img{i:02d}.png") for i in range(60)]
    assert all(len(e["faces"]) == 1 for e in doc["images"])
    assert doc["throughput"]["failed"] == 0 and doc["throughput"]["images"] == 60


@pytest.fixture
def named(tmp_path, prepared_default) -> dict[str, Path]:
    img = Image.fromarray(samples.astronaut())
    f = {"a": tmp_path / "a.png", "bad": tmp_path / "bad.png", "b": tmp_path / "b.jpg", "gone": tmp_path / "gone.png"}
    img.save(f["a"])
    f["bad"].write_text("not an image")
    img.save(f["b"])
    return f


def test_files_named_one_by_one_behave_as_a_folder(named):
    r = packager("run", named["a"], named["bad"], named["b"], named["gone"], "--quiet")
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert [l.split(":")[0] for l in r.stdout.splitlines() if ": 1 face" in l] == [str(named["a"]), str(named["b"])]
    errors = r.stderr.strip().splitlines()
    assert len(errors) == 2 and all(e.startswith("packager: error: ") for e in errors)
    assert "not an image Pillow can read" in errors[0] and str(named["bad"]) in errors[0]
    assert "image not found" in errors[1] and str(named["gone"]) in errors[1]
    j = packager("run", named["a"], named["bad"], named["b"], "--json")
    assert j.returncode == 1
    doc = json.loads(j.stdout)
    assert [e["image"] for e in doc["images"]] == [str(named[k]) for k in ("a", "bad", "b")]
    assert "error" in doc["images"][1] and len(doc["images"][0]["faces"]) == 1 == len(doc["images"][2]["faces"])


def test_one_bad_named_file_is_still_one_line():
    one_line_error(packager("run", "/nonexistent.png"), "image not found")


def _expand(cwd: Path, pattern: str) -> list[str]:
    """``expand([pattern])`` in a child process, killed after a minute: glob.glob through two
    symlink loops walks 2^40 paths, and the test must fail, not hang."""
    code = f"import json, sys; from packager.runner import expand; print(json.dumps(expand([{pattern!r}])[0]))"
    r = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=dict(os.environ, PYTHONPATH=str(REPO)),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_globs_name_each_file_once_through_symlink_loops(tmp_path):
    d = tmp_path / "d"
    (d / "sub").mkdir(parents=True)
    for p in (d / "a.png", d / "sub" / "b.png", d / ".hidden.png"):
        p.write_bytes(b"x")
    (d / "sub" / "up").symlink_to("..")
    (d / "self").symlink_to(".")
    (d / "again.png").symlink_to("a.png")
    assert _expand(tmp_path, "d/**/*.png") == ["d/a.png", "d/sub/b.png"]
    assert _expand(tmp_path, str(d / "*" / "*.png")) == [str(d / "self" / "a.png"), str(d / "sub" / "b.png")]
    assert _expand(tmp_path, "d/.*.png") == ["d/.hidden.png"]
    assert expand([str(d / "sub")]) == ([str(d / "sub" / "b.png")], True)  # a folder: not recursive


@pytest.mark.parametrize("args,needle", [
    (["--workers", "0"], "--workers 0: give 1 or more"),
    (["--workers", "-1"], "--workers -1: give 1 or more"),
    (["--threads", "-1"], "--threads -1: give 1 or more, or 0"),
])
def test_bad_worker_and_thread_counts_are_refused(tmp_path, args, needle):
    Image.new("RGB", (8, 8)).save(tmp_path / "x.png")
    one_line_error(packager("run", tmp_path / "x.png", *args), needle)
