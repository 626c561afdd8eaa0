"""The int8 gate's rule for a model no recipe knows (``export.int8gate``), on the output shapes
that made the old rule (every element within 0.05) wrong: a detector's dense outputs with a few
far-off elements on empty anchors, a classifier whose top two are tied."""

from __future__ import annotations

import numpy as np

from packager.export import int8gate, quantize


def _blazeface_like(seed: int = 0) -> tuple[dict, dict]:
    """Regressors [1, 896, 16] in pixels (±150) and one anchor's box 0.48 of the scale off, every
    other element 1 % off: BlazeFace's int8 on one held-out image, issue 26."""
    rng = np.random.default_rng(seed)
    ref = rng.uniform(-150, 150, (1, 896, 16))
    scale = np.max(np.abs(ref))
    q = ref + rng.choice([-1, 1], ref.shape) * 0.01 * scale
    q[0, 17, :4] = ref[0, 17, :4] + 0.48 * scale
    return {"regressors": q}, {"regressors": ref}


def test_a_dense_output_with_one_far_anchor_agrees():
    ours, theirs = _blazeface_like()
    e = int8gate.output_errors(ours["regressors"], theirs["regressors"])
    assert e["max"] > 0.47 and e["mean"] < 0.02 and e["p99"] < 0.02
    assert int8gate.passes(e)
    record = int8gate.agreement({"XNNPACK": [theirs]}, [ours], "TFLite")
    assert record["percent"] == 100.0 and record["against"] == "TFLite"
    # the rule it replaces refused exactly this
    assert quantize.output_agreement([theirs], [ours])["percent"] == 0.0


def test_an_output_off_everywhere_is_refused():
    ours, theirs = _blazeface_like()
    bad = {"regressors": theirs["regressors"] * 1.2}
    assert not int8gate.passes(int8gate.output_errors(bad["regressors"], theirs["regressors"]))
    assert int8gate.agreement({"XNNPACK": [theirs]}, [bad], "TFLite")["percent"] == 0.0


def _two_top(first: float, second: float) -> np.ndarray:
    y = np.zeros((1, 1000))
    y[0, 3], y[0, 7] = first, second
    return y


def test_a_classifier_must_keep_its_top1_unless_tied():
    """1000 scores, the top two swapped: mean and p99 see almost nothing, the argmax does."""
    gap = 1.5 * int8gate.TIE
    ref, flipped = _two_top(0.5 + gap / 2, 0.5 - gap / 2), _two_top(0.5 - gap / 2, 0.5 + gap / 2)
    e = int8gate.output_errors(flipped, ref)
    assert e["mean"] <= int8gate.MEAN_LIMIT and e["p99"] <= int8gate.P99_LIMIT
    assert e["same_top1"] is False and int8gate.judged_argmax(e) is False and not int8gate.passes(e)
    gap = 0.5 * int8gate.TIE  # a tie at int8 resolution: not judged
    e = int8gate.output_errors(_two_top(0.5 - gap / 2, 0.5 + gap / 2), _two_top(0.5 + gap / 2, 0.5 - gap / 2))
    assert e["same_top1"] is False and int8gate.judged_argmax(e) is None and int8gate.passes(e)


def test_classifier_shape_is_one_vector_of_scores():
    assert int8gate.classifier_shaped((1, 1000)) and int8gate.classifier_shaped((1, 10, 1, 1))
    assert not int8gate.classifier_shaped((1, 896, 16)) and not int8gate.classifier_shaped((1, 1))


def test_every_kernel_set_must_agree_and_non_finite_never_does():
    ref = {"y": np.array([[0.2, 0.8]])}
    other = {"y": np.array([[0.8, 0.2]])}
    record = int8gate.agreement({"reference kernels": [ref], "XNNPACK": [other]}, [ref], "TFLite")
    assert record["percent"] == 0.0 and record["outputs"]["y"]["same_argmax_percent"] == 50.0
    nan = {"y": np.array([[np.nan, 0.8]])}
    assert int8gate.agreement({"XNNPACK": [ref]}, [nan], "TFLite")["percent"] == 0.0
