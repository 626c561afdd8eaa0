"""Faces at any distance: the full-range detector on composed group photos finds every face a
person sees, down to about a tenth of the frame width, where the short-range one misses most;
neither sees a face where there is none; ``auto`` keeps the detector that finds more."""

from __future__ import annotations

import numpy as np
import pytest

from packager import preparation, recipes, samples

#: (face widths as fractions of the frame width, frame size): faces from 11% to 17% of the width,
#: i.e. 21 to 33 pixels in the full-range model's 192×192 input.
GROUPS = [((0.11, 0.13, 0.15), (1000, 667)), ((0.12, 0.11, 0.14), (1280, 720)),
          ((0.11, 0.12), (800, 800)), ((0.11, 0.12, 0.11, 0.13), (1920, 1080)), ((0.17, 0.15), (1200, 800))]


@pytest.fixture(scope="module")
def pipes(prepared_default):
    return {name: preparation.build_pipeline(preparation.prepare(name))
            for name in (*recipes.DETECTORS, recipes.AUTO_DETECTOR)}


def tally(faces, rects) -> tuple[int, int]:
    """(faces found inside a pasted patch, one per patch at most; faces found elsewhere)."""
    def inside(f, r):
        cx, cy = (f.box[0] + f.box[2]) / 2, (f.box[1] + f.box[3]) / 2
        return r[0] <= cx <= r[2] and r[1] <= cy <= r[3]

    hits = sum(any(inside(f, r) for f in faces) for r in rects)
    return hits, sum(not any(inside(f, r) for r in rects) for f in faces)


def test_full_range_finds_every_face_of_the_group_photos(pipes):
    for widths, (w, h) in GROUPS:
        rgb, rects = samples.group(widths, w, h)
        faces = pipes["blazeface-full-range"](rgb)
        assert tally(faces, rects) == (len(rects), 0), (widths, w, h)
        assert len(faces) == len(rects)


def test_short_range_misses_distant_faces(pipes):
    short = full = total = 0
    for widths, (w, h) in GROUPS:
        rgb, rects = samples.group(widths, w, h)
        short += tally(pipes["blazeface-short-range"](rgb), rects)[0]
        full += tally(pipes["blazeface-full-range"](rgb), rects)[0]
        total += len(rects)
    assert full == total and short < total, (short, full, total)  # measured: short range 8 of 14


def test_no_face_no_detection(pipes):
    rng = np.random.default_rng(0)
    non_faces = [samples.upscale(p, 192) for p in samples.lfw(False)[rng.choice(100, 10, replace=False)]]
    for rgb in [samples.no_face(), *non_faces]:
        assert pipes["blazeface-full-range"](rgb) == [] and pipes[recipes.AUTO_DETECTOR](rgb) == []


@pytest.mark.parametrize("name", ["astronaut", "portrait", "landscape", "two_faces"])
def test_portraits_give_their_faces(pipes, name):
    rgb = samples.parity_images()[name]
    want = 2 if name == "two_faces" else 1
    assert len(pipes["blazeface-full-range"](rgb)) == want
    assert pipes[recipes.AUTO_DETECTOR](rgb) == pipes["blazeface-short-range"](rgb)  # a tie keeps short range


def test_auto_keeps_the_detector_that_finds_more(pipes):
    widths, (w, h) = GROUPS[0]
    rgb, _ = samples.group(widths, w, h)
    assert pipes[recipes.AUTO_DETECTOR](rgb) == pipes["blazeface-full-range"](rgb)
    face = samples.parity_images()["lfw1"]  # a face that fills the image: short range only
    assert pipes["blazeface-full-range"](face) == []
    assert len(pipes[recipes.AUTO_DETECTOR](face)) == 1
