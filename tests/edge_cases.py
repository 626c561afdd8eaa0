"""Named bad inputs both cores run (android_wrapper/harness/Edges.kt, the Swift parity harness's
``--edges`` mode, ParityHarness/Edges.swift), and the one table both are held to: the reference's
outcome on the same input, or, where the reference refuses it (ValueError) or cannot express it,
the ``PackagerError`` case both languages throw (Kotlin's subclass of the same name: one error
taxonomy, Errors.kt / Errors.swift).

Outcomes: ``faces=N`` (detector), ``values=a..b`` (range of a tensor), ``top=I`` (emotion), or
a case name (``invalidImage``, ``invalidBox``, ``invalidTensor``, ``invalidConfig``,
``invalidFile``).
"""

from __future__ import annotations

import numpy as np

from packager import recipes
from packager.reference import detect, emotion

#: The case each refused input must be, in both languages.
REFUSED = {
    "detector_zero_width": "invalidImage",
    "detector_zero_height": "invalidImage",
    "detector_negative_size": "invalidImage",
    "detector_short_pixels": "invalidImage",
    "detector_long_pixels": "invalidImage",
    "regressors_short": "invalidTensor",
    "classificators_long": "invalidTensor",
    "outputs_empty": "invalidTensor",
    "detector_keypoint_mirror_not_permutation": "invalidConfig",
    "crop_zero_size_image": "invalidImage",
    "crop_box_nan": "invalidBox",
    "crop_box_inf": "invalidBox",
    "crop_box_empty": "invalidBox",
    "crop_box_inverted": "invalidBox",
    "crop_box_huge": "invalidBox",
    "emotion_output_short": "invalidTensor",
    "emotion_output_nan": "invalidTensor",
    "emotion_output_inf": "invalidTensor",
    "frame_rotation_45": "invalidImage",
    "tracker_time_not_increasing": "invalidImage",
    "tracker_lists_differ": "invalidImage",
    "npy_shape_mismatch": "invalidFile",
    "scaled_diff_lengths": "invalidTensor",
    "steps_max_faces_zero": "invalidConfig",
    "steps_max_faces_negative": "invalidConfig",
}

#: Inputs the reference cannot be given (a numpy image cannot have a pixel array of the wrong
#: length or a negative size; the reference derives the keypoint mirror from the names), or
#: given to parts it has no twin of here (camera frames, the tracker, .npy files, scaledDiff, the
#: steps' face limit: Kotlin refuses it when FaceEmotionSteps is made, Swift when it runs).
TYPED_ONLY = {
    "detector_negative_size",
    "detector_short_pixels",
    "detector_long_pixels",
    "detector_keypoint_mirror_not_permutation",
    "frame_rotation_45",
    "tracker_time_not_increasing",
    "tracker_lists_differ",
    "npy_shape_mismatch",
    "scaled_diff_lengths",
    "steps_max_faces_zero",
    "steps_max_faces_negative",
}


def reference_outcomes() -> dict:
    """Scenario name → a function giving the reference's outcome on the same input as the
    harnesses (ValueError where the reference refuses)."""
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


def expected_outcomes() -> dict[str, str]:
    """Scenario name → the outcome both harnesses must report."""
    want = {name: REFUSED[name] for name in TYPED_ONLY}
    for name, run in reference_outcomes().items():
        try:
            want[name] = run()
        except ValueError:
            want[name] = REFUSED[name]
    return want
