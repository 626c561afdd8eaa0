"""A cache that cannot be written is one line and exit 2, nothing written; written files follow
the umask.  (Each bad output path of each command: tests/hostile/test_hostile_outputs.py.)"""

import os
import stat

import numpy as np
import pytest
from packager_cli import one_line_error, packager
from PIL import Image

from packager.cache import write_atomic


@pytest.fixture
def place(tmp_path):
    Image.fromarray(np.full((32, 32, 3), 7, np.uint8)).save(tmp_path / "photo.png")
    (tmp_path / "a_file").write_text("not a folder")
    return tmp_path


def snapshot(root):
    return {p: (p.read_bytes(), p.stat().st_mode) for p in root.rglob("*") if p.is_file()}


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
