"""Decode and weighted NMS on hand-made outputs: every number follows from docs/DESIGN.md's rules."""

import numpy as np
import pytest

from packager import recipes
from packager.reference import detect

R = recipes.BLAZEFACE_SHORT_RANGE


def outputs(entries):
    """entries: anchor index → (raw score, [16 raw regressor values])."""
    reg = np.zeros((1, 896, 16), np.float32)
    cls = np.full((1, 896, 1), -50.0, np.float32)
    for i, (score, row) in entries.items():
        cls[0, i, 0] = score
        reg[0, i] = row
    return reg, cls


def test_decode_adds_offsets_to_the_anchor_centre():
    row = [12.8, -6.4, 32.0, 25.6] + [1.28 * k for k in range(12)]
    reg, cls = outputs({0: (5.0, row)})
    [d] = detect.postprocess(R, reg, cls)
    ax = ay = 0.5 / 16
    cx, cy = ax + 0.1, ay - 0.05
    assert d.box == pytest.approx((cx - 0.125, cy - 0.1, cx + 0.125, cy + 0.1))
    assert d.keypoints[0] == pytest.approx([ax + 0.0, ay + 0.01])
    assert d.score == pytest.approx(1 / (1 + np.exp(-5.0)))


def test_scores_below_half_are_dropped_and_clipped_scores_are_finite():
    reg, cls = outputs({0: (-0.01, [0] * 4 + [0] * 12), 1: (1e30, [0, 0, 10, 10] + [0] * 12)})
    dets = detect.postprocess(R, reg, cls)
    assert len(dets) == 1 and dets[0].score == pytest.approx(1 / (1 + np.exp(-100.0)))


def test_weighted_nms_averages_overlapping_boxes_by_score():
    a = [0, 0, 20, 20] + [0] * 12
    b = [2, 0, 20, 20] + [1.28] * 12
    reg, cls = outputs({100: (2.0, a)})
    reg[0, 101] = b
    cls[0, 101, 0] = 1.0
    dets = detect.postprocess(R, reg, cls)
    assert len(dets) == 1
    s1, s2 = 1 / (1 + np.exp(-2.0)), 1 / (1 + np.exp(-1.0))
    # anchors 100 and 101 share a cell (stride 8 grid, 2 per cell): same centre
    assert dets[0].box[0] - detect.postprocess(R, *outputs({100: (2.0, a)}))[0].box[0] == pytest.approx(
        (2 / 128) * s2 / (s1 + s2)  # b's centre is 2 px to the right
    )
    assert dets[0].score == pytest.approx(s1)


def test_separate_faces_stay_separate_and_best_comes_first():
    reg, cls = outputs({0: (1.0, [0, 0, 10, 10] + [0] * 12), 895: (3.0, [0, 0, 10, 10] + [0] * 12)})
    dets = detect.postprocess(R, reg, cls)
    assert [round(d.score, 4) for d in dets] == [round(1 / (1 + np.exp(-3.0)), 4), round(1 / (1 + np.exp(-1.0)), 4)]


def test_nan_rows_are_dropped_and_wrong_lengths_rejected():
    reg, cls = outputs({0: (5.0, [np.nan] + [0] * 15), 1: (np.nan, [0] * 16)})
    assert detect.postprocess(R, reg, cls) == []
    with pytest.raises(ValueError, match="expected 14336 and 896"):
        detect.postprocess(R, reg[:, :800], cls)


def test_letterbox_centres_the_image():
    box = detect.Letterbox.fit(200, 100, 128)  # landscape: full width, padded rows
    assert box.rect == pytest.approx((0.0, -50.0, 200.0, 150.0))
    box = detect.Letterbox.fit(100, 400, 128)
    assert box.rect == pytest.approx((-150.0, 0.0, 250.0, 400.0))
