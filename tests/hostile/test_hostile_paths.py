"""Output paths are checked before any work: each bad one is one line and exit 2, and nothing
is written (the input photo least of all).  Runs as any user: the unwritable places are /proc
and /sys, which refuse new files even to root."""

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
    (tmp_path / "a_folder.png").mkdir()
    return tmp_path


def snapshot(root):
    return {p: (p.read_bytes(), p.stat().st_mode) for p in root.rglob("*") if p.is_file()}


BAD_TARGETS = {
    "annotate the input": (["run", "photo.png", "--annotate", "photo.png"], "is the input photo.png"),
    "annotate a folder": (["run", "photo.png", "--annotate", "a_folder.png"], "is a folder"),
    "annotate under a file": (["run", "photo.png", "--annotate", "a_file/x.png"], "a_file is a file, not a folder"),
    "annotate into /proc": (["run", "photo.png", "--annotate", "/proc/x.png"], "cannot write in /proc"),
    "annotate into /sys": (["run", "photo.png", "--annotate", "/sys/x.png"], "cannot write in /sys"),
    "out is a file": (["build", "--out", "a_file"], "a_file is a file, not a folder"),
    "out under a file": (["build", "--out", "a_file/dist"], "is under"),
    "out into /proc": (["build", "--out", "/proc/dist"], "cannot write in /proc"),
}


@pytest.mark.parametrize("case", sorted(BAD_TARGETS))
def test_bad_output_path(place, case):
    args, needle = BAD_TARGETS[case]
    before = snapshot(place)
    one_line_error(packager(*args, cwd=place), args[-2], needle)
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
