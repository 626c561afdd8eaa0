"""The temporal spec (``packager/reference/tracking.py``) on hand-reasoned sequences: which face
keeps which id, when a track is forgotten, and what the smoothing does over time.  Expected values
come from the rule's own formula (stated in each test), never from a run of the code."""

import math

import pytest

from packager.recipes import TRACKING, TrackingRecipe
from packager.reference import tracking
from packager.reference.emotion import EmotionResult
from packager.reference.pipeline import Face

LABELS = ("calm", "joy")


def _face(box, keypoints, emotion) -> Face:
    """A face in a 100 × 100 image (the normalized and letterbox fields, which the tracker does not
    read, are the box and keypoints over 100)."""
    norm = tuple(v / 100 for v in box)
    points = tuple((x / 100, y / 100) for x, y in keypoints)
    return Face(box, keypoints, 0.9, norm, points, norm, points, emotion)


def face(x0: float, width: float = 10.0, probs=(0.5, 0.5), y0: float = 0.0) -> Face:
    """A square face at (x0, y0) with a two-class emotion."""
    emo = EmotionResult(tuple(probs), LABELS, tracking.top_index(tuple(probs)))
    return _face((x0, y0, x0 + width, y0 + width), ((x0, y0),), emo)


def shifted_iou(width: float, d: float) -> float:
    """IoU of two equal squares shifted by d along x: overlap (w − d)·w over 2w² − (w − d)·w."""
    return (width - d) / (width + d)


def ids(tracker, faces, t):
    return [tf.track for tf in tracker.update(faces, t)]


def test_iou():
    assert tracking.iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(shifted_iou(10, 5))
    assert tracking.iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert tracking.iou((0, 0, 10, 10), (10, 0, 20, 10)) == 0.0  # touching edges share no area
    assert tracking.iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0
    # a 10-wide face 5 down and 5 across: overlap 25, union 175
    assert tracking.iou((0, 0, 10, 10), (5, 5, 15, 15)) == pytest.approx(25 / 175)


def test_default_threshold_in_face_widths():
    """The recipe's claim: at IoU t a face may move (1 − t)/(1 + t) of its width sideways, since
    (w − d)/(w + d) = t  ⇔  d = (1 − t)/(1 + t) · w."""
    t = TRACKING.iou_threshold
    d = (1 - t) / (1 + t) * 10
    assert shifted_iou(10, d) == pytest.approx(t)
    assert tracking.iou((0, 0, 10, 10), (d - 0.01, 0, 10 + d - 0.01, 10)) >= t
    assert tracking.iou((0, 0, 10, 10), (d + 0.01, 0, 10 + d + 0.01, 10)) < t


def test_match_is_greedy_highest_iou_first():
    """Track 0 at x=0, track 1 at x=4; faces at x=3 and x=1.
    IoUs: t0–f0 = (10−3)/13, t0–f1 = 9/11 (best), t1–f0 = 9/11, t1–f1 = 7/13.
    Highest first: (t0, f1) and (t1, f0), both 9/11; an index-order matcher would give t0 f0."""
    tracks = [(0, 0, 10, 10), (4, 0, 14, 10)]
    faces = [(3, 0, 13, 10), (1, 0, 11, 10)]
    assert tracking.match(tracks, faces, 0.3) == [(0, 1), (1, 0)]


def test_match_greedy_can_leave_a_face_for_a_new_track():
    """Track 0 at x=0 overlaps face 0 (x=2, IoU 8/12) and face 1 (x=1, IoU 9/11): it takes face 1;
    face 0 has no other track above the threshold and is left over."""
    assert tracking.match([(0, 0, 10, 10)], [(2, 0, 12, 10), (1, 0, 11, 10)], 0.3) == [(0, 1)]


def test_match_ties_go_to_the_older_track_then_the_first_face():
    # one face exactly between two tracks: equal IoU, the older (index 0) takes it
    assert tracking.match([(0, 0, 10, 10), (4, 0, 14, 10)], [(2, 0, 12, 10)], 0.3) == [(0, 0)]
    # one track exactly between two faces: the first face in the list
    assert tracking.match([(2, 0, 12, 10)], [(0, 0, 10, 10), (4, 0, 14, 10)], 0.3) == [(0, 0)]


def test_match_threshold_is_inclusive():
    d = 5.0  # IoU exactly 1/3
    t = shifted_iou(10, d)
    assert tracking.match([(0, 0, 10, 10)], [(d, 0, 10 + d, 10)], t) == [(0, 0)]
    assert tracking.match([(0, 0, 10, 10)], [(d, 0, 10 + d, 10)], math.nextafter(t, 1)) == []


def test_ids_count_up_per_video_and_are_never_reused():
    tr = tracking.FaceTracker()
    assert ids(tr, [face(0), face(100)], 0.0) == [1, 2]
    assert ids(tr, [face(101), face(1)], 0.1) == [2, 1]  # order of the list does not matter
    assert ids(tr, [face(200)], 0.2) == [3]  # both others missing; a new face far away
    assert ids(tr, [], 5.0) == []  # everybody forgotten
    assert ids(tr, [face(0)], 5.1) == [4]  # the place of track 1, but 1 is gone for good
    assert ids(tracking.FaceTracker(), [face(0)], 0.0) == [1]  # a new video starts at 1


def test_a_track_survives_keep_seconds_of_missed_frames():
    """keep 1.0 s, frames every 0.25 s (exact in binary): seen at 0; missing at 0.25 … 0.75;
    back at 1.0 (a gap of 1.0 ≤ 1.0) → still track 1.  Missing again at 1.25 … 2.0 and back at
    2.25 (a gap of 1.25 > 1.0) → track 2."""
    tr = tracking.FaceTracker(TrackingRecipe(keep_seconds=1.0))
    assert ids(tr, [face(0)], 0.0) == [1]
    for t in (0.25, 0.5, 0.75):
        assert ids(tr, [], t) == []
    assert ids(tr, [face(1)], 1.0) == [1]
    for t in (1.25, 1.5, 1.75, 2.0):
        tr.update([], t)
    assert ids(tr, [face(1)], 2.25) == [2]


def test_keep_is_time_not_frames():
    """keep 1.0 s: a face back 0.6 s later is the same track at 30 fps (17 missed frames between),
    and so is one back 1.0 s later at 2 fps (one missed frame); 1.2 s at 30 fps and 1.5 s at
    2 fps are too long a gap, however few frames were missed."""
    for fps, back, same in ((30, 18, True), (30, 36, False), (2, 2, True), (2, 3, False)):
        tr = tracking.FaceTracker()
        tr.update([face(0)], 0.0)
        for n in range(1, back):
            tr.update([], n / fps)
        assert ids(tr, [face(0)], back / fps) == ([1] if same else [2]), (fps, back)


def test_a_face_seen_in_every_analysed_frame_keeps_its_track_however_far_apart():
    """Frames 2 s apart (--every 60 at 30 fps): a still face is seen in each, so it stays track 1
    although every gap exceeds keep_seconds; missed once (4 s gap), it is a new track."""
    tr = tracking.FaceTracker()
    assert [ids(tr, [face(0)], t) for t in (0.0, 2.0, 4.0, 6.0)] == [[1]] * 4
    tr.update([], 8.0)
    assert ids(tr, [face(0)], 10.0) == [2]


def test_time_must_increase():
    tr = tracking.FaceTracker()
    tr.update([face(0)], 1.0)
    with pytest.raises(ValueError, match="not after"):
        tr.update([face(0)], 1.0)


def test_smoothing_first_face_is_its_own_value_then_the_formula():
    tau = 0.5
    tr = tracking.FaceTracker(TrackingRecipe(smoothing_seconds=tau))
    [a] = tr.update([face(0, probs=(0.8, 0.2))], 0.0)
    assert a.smoothed.probabilities == (0.8, 0.2) and a.smoothed.top_label == "calm"
    [b] = tr.update([face(0, probs=(0.2, 0.8))], 0.1)
    alpha = 1 - math.exp(-0.1 / tau)
    assert b.smoothed.probabilities == pytest.approx((0.8 + alpha * (0.2 - 0.8), 0.2 + alpha * (0.8 - 0.2)), abs=1e-15)
    assert b.face.emotion.top_label == "joy" and b.smoothed.top_label == "calm"  # one frame does not flip it
    assert sum(b.smoothed.probabilities) == pytest.approx(1.0, abs=1e-15)


def test_smoothing_does_not_depend_on_the_frame_rate():
    """A step from p to q at t = 0: s(T) = q + (p − q)·exp(−T/τ) whatever the frame spacing,
    because the alphas of consecutive steps multiply: Π exp(−dt_i/τ) = exp(−Σ dt_i/τ)."""
    p, q, tau, T = (0.9, 0.1), (0.3, 0.7), TRACKING.smoothing_seconds, 1
    want = tuple(qi + (pi - qi) * math.exp(-T / tau) for pi, qi in zip(p, q))
    for fps in (60, 30, 24, 4, 1):
        tr = tracking.FaceTracker()
        tr.update([face(0, probs=p)], 0.0)
        for n in range(1, fps * T + 1):
            [got] = tr.update([face(0, probs=q)], n / fps)
        assert got.smoothed.probabilities == pytest.approx(want, abs=1e-12), fps


def test_missed_frames_are_a_longer_dt():
    """Seen at 0 (p) and at 0.5 (q) with misses between: one step with dt = 0.5."""
    p, q = (0.9, 0.1), (0.3, 0.7)
    tr = tracking.FaceTracker()
    tr.update([face(0, probs=p)], 0.0)
    for t in (0.1, 0.2, 0.3, 0.4):
        tr.update([], t)
    [got] = tr.update([face(0, probs=q)], 0.5)
    assert got.smoothed.probabilities == pytest.approx(tracking.smooth(p, q, 0.5, TRACKING.smoothing_seconds), abs=0)


def test_smoothed_label_delay_on_a_clean_step():
    """Two labels swapping p = (a, b) → (b, a) after the frame at t = 0: the smoothed first label
    is b + (a − b)·exp(−T/τ), which falls below ½ once exp(−T/τ) < ½, i.e. after T = τ·ln 2.
    At 30 fps the smoothed label flips at the first frame past that."""
    tau, fps = TRACKING.smoothing_seconds, 30
    tr = tracking.FaceTracker()
    tr.update([face(0, probs=(0.7, 0.3))], 0.0)
    flipped = None
    for n in range(1, 3 * fps):
        [f] = tr.update([face(0, probs=(0.3, 0.7))], n / fps)
        if flipped is None and f.smoothed.top_label == "joy":
            flipped = n
    # T = n / fps; the first n with T > τ ln 2 (10.4 frames at τ = 0.5 s: no tie to round)
    assert flipped == math.floor(tau * math.log(2) * fps) + 1


def test_flicker_is_removed():
    """A steady 'calm' face (0.6, 0.4) whose raw label flips to 'joy' (0.4, 0.6) on every 5th
    frame at 30 fps: the raw label changes twice per flip, the smoothed one never (each flip moves
    s by alpha = 1 − exp(−1/15) ≈ 6 % of 0.2, and the steady frames pull it back)."""
    tr = tracking.FaceTracker()
    raw, smoothed = [], []
    for n in range(90):
        probs = (0.4, 0.6) if n % 5 == 4 else (0.6, 0.4)
        [f] = tr.update([face(0, probs=probs)], n / 30)
        raw.append(f.face.emotion.top_label)
        smoothed.append(f.smoothed.top_label)
    changes = lambda xs: sum(a != b for a, b in zip(xs, xs[1:]))  # noqa: E731
    assert changes(raw) == 2 * (90 // 5) - 1 and changes(smoothed) == 0


def test_faces_without_emotion_have_no_smoothed_value():
    tr = tracking.FaceTracker()
    [f] = tr.update([_face((0, 0, 10, 10), (), None)], 0.0)
    assert f.track == 1 and f.smoothed is None


def test_top_index_is_numpys_argmax():
    import numpy as np

    for v in [(0.2, 0.5, 0.5), (0.9, 0.05, 0.05), (1 / 3, 1 / 3, 1 / 3), (0.1, 0.2, 0.7)]:
        assert tracking.top_index(v) == int(np.argmax(v))
