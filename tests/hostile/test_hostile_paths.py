"""Output paths are checked before any work: each bad one is one line and exit 2, and nothing
is written (the input photo least of all).  Runs as any user: the unwritable places are /proc
and /sys, which refuse new files even to root."""

import os
import stat

import numpy as np
import pytest
from packager_cli import packager
from PIL import Image

from packager.cache import write_atomic
from test_hostile_models import one_line_error


@pytest.fixture
def place(tmp_path):
    Image.fromarray(np.full((32, 32, 3), 7, np.uint8)).save(tmp_path / "photo.png")
    (tmp_path / "a_file").write_text("not a folder")
    (tmp_path / "a_folder.png").mkdir()
    return tmp_path


def snapshot(root):
    return {p: (p.read_bytes(), p.stat().st_mode) for p in root.rglob("*") if p.is_file()}


ANNOTATE = {
    "photo.png": "is the input image",
    "a_folder.png": "is a folder",
    "a_file/x.png": "a_file is a file, not a folder",
    "/proc/x.png": "cannot write in /proc",
    "/sys/x.png": "cannot write in /sys",
}


@pytest.mark.parametrize("target", sorted(ANNOTATE))
def test_bad_annotate_target(place, target):
    before = snapshot(place)
    r = packager("run", "photo.png", "--annotate", target, cwd=place)
    one_line_error(r, "--annotate", ANNOTATE[target])
    assert snapshot(place) == before


BUILD_OUT = {
    "a_file": "a_file is a file, not a folder",
    "a_file/dist": "is under",
    "/proc/dist": "cannot write in /proc",
}


@pytest.mark.parametrize("out", sorted(BUILD_OUT))
def test_bad_build_out(place, out):
    before = snapshot(place)
    one_line_error(packager("build", "--out", out, cwd=place), "--out", BUILD_OUT[out])
    assert snapshot(place) == before


@pytest.mark.parametrize("cache", ["a_file", "/proc/packager-cache"])
def test_bad_packager_cache(place, cache, monkeypatch):
    monkeypatch.setenv("PACKAGER_CACHE", cache)
    before = snapshot(place)
    one_line_error(packager("run", "photo.png", cwd=place), "$PACKAGER_CACHE")
    one_line_error(packager("build", "--out", "dist", cwd=place), "$PACKAGER_CACHE")
    assert snapshot(place) == before and not (place / "dist").exists()


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_files_follow_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "f.png", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f.png").stat().st_mode) == 0o666 & ~umask
