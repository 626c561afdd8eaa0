"""Bad input never crashes the generated Kotlin: a documented IllegalArgumentException (a bad
box: InvalidBoxException) or an empty result, as the reference does (ValueError / no faces).  A
fuzz run with a fixed seed drives thousands of random images, boxes and model outputs through the
compiled core."""

from __future__ import annotations

import numpy as np
import pytest

from packager import recipes
from packager.parity import kotlin
from packager.reference import detect, emotion

FUZZ_SEED = 20240601
FUZZ_ITERATIONS = 5000


@pytest.fixture(scope="module")
def fuzz_result(kotlin_classes) -> dict:
    return kotlin.fuzz(FUZZ_SEED, FUZZ_ITERATIONS)


def test_fuzz_finds_nothing_unexpected(fuzz_result):
    assert fuzz_result["unexpected_count"] == 0, "\n".join(fuzz_result["unexpected"])


def test_fuzz_exercises_every_path(fuzz_result):
    """The random inputs reach both outcomes of every stage, and decode real numbers of faces."""
    stages = {"detector_preprocess", "detector_postprocess", "emotion_preprocess", "emotion_postprocess"}
    assert set(fuzz_result["calls"]) == stages
    for stage in stages:
        assert 0 < fuzz_result["rejected"].get(stage, 0) < fuzz_result["calls"][stage], stage
    assert fuzz_result["iterations"] == FUZZ_ITERATIONS
    assert fuzz_result["faces"] > FUZZ_ITERATIONS


def _reference_outcomes() -> dict:
    """What the reference does with the same inputs as android_wrapper/harness/Edges.kt."""
    det, emo = recipes.BLAZEFACE_SHORT_RANGE, recipes.DEFAULT_EMOTION
    emo = recipes.emotion_recipe(emo)
    n, row, labels = det.num_anchors, 4 + 2 * det.num_keypoints, len(emo.labels)
    gray = np.full((30, 40, 3), 128, np.uint8)

    def reg(v):
        return np.full(n * row, v, np.float32)

    def cls(v):
        return np.full(n, v, np.float32)

    def faces(r, c):
        return f"faces={len(detect.postprocess(det, r, c))}"

    def values(t):
        return f"values={float(t.min())}..{float(t.max())}"

    def top(out):
        return f"top={emotion.postprocess(emo, np.asarray(out, np.float32)).top_index}"

    ties = [0.5 if i >= 2 else 0.1 for i in range(labels)]
    return {
        "detector_zero_width": lambda: values(detect.preprocess(det, np.zeros((30, 0, 3), np.uint8))[0]),
        "detector_zero_height": lambda: values(detect.preprocess(det, np.zeros((0, 40, 3), np.uint8))[0]),
        "regressors_short": lambda: faces(reg(0)[:-1], cls(0)),
        "classificators_long": lambda: faces(reg(0), np.append(cls(0), 0)),
        "outputs_empty": lambda: faces(np.zeros(0, np.float32), np.zeros(0, np.float32)),
        "outputs_nan": lambda: faces(reg(np.nan), cls(np.nan)),
        "scores_nan": lambda: faces(reg(0), cls(np.nan)),
        "regressors_nan": lambda: faces(reg(np.nan), cls(10)),
        "regressors_inf": lambda: faces(reg(np.inf), cls(10)),
        "scores_plus_inf": lambda: faces(reg(0), cls(np.inf)),
        "scores_minus_inf": lambda: faces(reg(0), cls(-np.inf)),
        "crop_zero_size_image": lambda: values(emotion.preprocess(emo, np.zeros((0, 0, 3), np.uint8), (0, 0, 10, 10))),
        "crop_box_nan": lambda: values(emotion.preprocess(emo, gray, (np.nan, 0, 10, 10))),
        "crop_box_inf": lambda: values(emotion.preprocess(emo, gray, (0, 0, np.inf, 10))),
        "crop_box_empty": lambda: values(emotion.preprocess(emo, gray, (5, 5, 5, 5))),
        "crop_box_inverted": lambda: values(emotion.preprocess(emo, gray, (20, 20, 10, 10))),
        "crop_box_outside": lambda: values(emotion.preprocess(emo, gray, (-500, -500, -400, -400))),
        "crop_box_huge": lambda: values(emotion.preprocess(emo, gray, (0.0, 0.0, 1e12, 1e12))),
        "emotion_output_short": lambda: top(np.zeros(labels - 1)),
        "emotion_output_nan": lambda: top([np.nan if i == 1 else 0 for i in range(labels)]),
        "emotion_output_inf": lambda: top([np.inf if i == 1 else 0 for i in range(labels)]),
        "emotion_output_ties": lambda: top(ties),
    }


#: Kotlin-only inputs (a numpy image cannot have a pixel array of the wrong length; the
#: reference derives the keypoint mirror from the names), with the outcome the wrappers document.
KOTLIN_ONLY = {
    "detector_negative_size": "rejected",
    "detector_short_pixels": "rejected",
    "detector_long_pixels": "rejected",
    "detector_keypoint_mirror_not_permutation": "rejected",
}


@pytest.mark.parametrize("name", sorted(_reference_outcomes()))
def test_edge_like_the_reference(fuzz_result, name):
    """A box the reference refuses is InvalidBoxException (Swift's `.invalidBox`, thrown at the
    same place), any other refused input IllegalArgumentException."""
    try:
        want = _reference_outcomes()[name]()
    except ValueError:
        want = "invalid box" if name.startswith("crop_box_") else "rejected"
    assert fuzz_result["edges"][name] == want


def test_edge_kotlin_only(fuzz_result):
    assert {k: fuzz_result["edges"][k] for k in KOTLIN_ONLY} == KOTLIN_ONLY
    assert set(fuzz_result["edges"]) == set(_reference_outcomes()) | set(KOTLIN_ONLY)
