"""The reference pipeline: image → faces with keypoints and emotions, numpy + onnxruntime.

Every intermediate (tensors, raw outputs, decoded detections) is exposed by ``trace`` so that
the Kotlin and Swift cores can be checked stage by stage against it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from packager import models, recipes, samples
from packager.recipes import DetectorRecipe, EmotionRecipe
from packager.reference import detect, emotion
from packager.reference.emotion import EmotionResult


@dataclass(frozen=True)
class Face:
    """One detected face, in source-image pixels.

    Attributes:
        box: (xmin, ymin, xmax, ymax) in pixels.
        keypoints: ((x, y), …) in pixels, in the recipe's ``keypoint_names`` order.
        score: detection probability.
        emotion: classification of the face crop (None when not classified).
    """

    box: tuple[float, float, float, float]
    keypoints: tuple[tuple[float, float], ...]
    score: float
    emotion: EmotionResult | None = None


def to_pixels(det: detect.Detection, box: detect.Letterbox) -> tuple:
    """Normalized detection → (box, keypoints) in source pixels through the letterbox."""
    sx, sy = box.x1 - box.x0, box.y1 - box.y0
    b = det.box
    px = (box.x0 + b[0] * sx, box.y0 + b[1] * sy, box.x0 + b[2] * sx, box.y0 + b[3] * sy)
    kps = tuple((box.x0 + float(x) * sx, box.y0 + float(y) * sy) for x, y in det.keypoints)
    return px, kps


def session(path: str | os.PathLike, threads: int = 0):
    """A CPU onnxruntime session; ``threads`` 0 lets onnxruntime choose."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


@dataclass
class Trace:
    """Every stage of one image through the pipeline (for parity checks)."""

    letterbox: detect.Letterbox
    detector_input: np.ndarray
    regressors: np.ndarray
    classificators: np.ndarray
    detections: list
    faces: list
    crop_rects: list = field(default_factory=list)
    emotion_inputs: list = field(default_factory=list)
    emotion_outputs: list = field(default_factory=list)


class ReferencePipeline:
    """Detector + emotion classifier sessions, created once and reused."""

    def __init__(self, detector: DetectorRecipe, detector_path, emotion_recipe: EmotionRecipe, emotion_path, threads: int = 0):
        self.detector = detector
        self.emotion = emotion_recipe
        self.det_session = session(detector_path, threads)
        self.emo_session = session(emotion_path, threads) if emotion_path is not None else None

    def run_detector(self, x: np.ndarray):
        reg, cls = self.det_session.run(
            [self.detector.regressors_name, self.detector.classificators_name], {self.detector.input_name: x}
        )
        return reg, cls

    def run_emotion(self, x: np.ndarray) -> np.ndarray:
        return self.emo_session.run([self.emotion.output_name], {self.emotion.input_name: x})[0]

    def trace(self, rgb: np.ndarray) -> Trace:
        x, box = detect.preprocess(self.detector, rgb)
        reg, cls = self.run_detector(x)
        dets = detect.postprocess(self.detector, reg, cls)
        t = Trace(box, x, reg, cls, dets, [])
        for det in dets:
            px, kps = to_pixels(det, box)
            result = None
            if self.emo_session is not None:
                t.crop_rects.append(emotion.crop_rect(self.emotion, px))
                ex = emotion.preprocess(self.emotion, rgb, px)
                out = self.run_emotion(ex)
                t.emotion_inputs.append(ex)
                t.emotion_outputs.append(out)
                result = emotion.postprocess(self.emotion, out)
            t.faces.append(Face(px, kps, det.score, result))
        return t

    def __call__(self, rgb: np.ndarray) -> list[Face]:
        return self.trace(rgb).faces


def detector_check_input(recipe: DetectorRecipe) -> np.ndarray:
    """The detector's real check input: the astronaut photo, letterboxed."""
    return detect.preprocess(recipe, samples.astronaut())[0]


def emotion_check_input(recipe: EmotionRecipe, det_recipe: DetectorRecipe, det_path) -> np.ndarray:
    """The emotion model's real check input: the astronaut's face, found by the detector."""
    rgb = samples.astronaut()
    x, box = detect.preprocess(det_recipe, rgb)
    sess = session(det_path)
    reg, cls = sess.run([det_recipe.regressors_name, det_recipe.classificators_name], {det_recipe.input_name: x})
    dets = detect.postprocess(det_recipe, reg, cls)
    if not dets:
        raise RuntimeError("the detector finds no face on the astronaut photo; the detector model is broken")
    px, _ = to_pixels(dets[0], box)
    return emotion.preprocess(recipe, rgb, px)


@dataclass(frozen=True)
class PreparedModels:
    """Both models of a pipeline, converted and verified."""

    detector: models.ConvertedModel
    emotion: models.ConvertedModel


def prepare(
    detector_name: str = recipes.DEFAULT_DETECTOR,
    emotion_name: str = recipes.DEFAULT_EMOTION,
    emotion_path: str | None = None,
    cache=None,
) -> PreparedModels:
    """Convert (or take from the cache) the detector and the emotion model."""
    det_recipe = recipes.detector_recipe(detector_name)
    emo_recipe = recipes.emotion_recipe(emotion_name)
    # Check the user's file before the (slow) detector conversion.
    models.source_path(emo_recipe, emotion_path)
    det = models.convert(det_recipe, None, lambda: detector_check_input(det_recipe), cache)
    emo = models.convert(
        emo_recipe, emotion_path, lambda: emotion_check_input(emo_recipe, det_recipe, det.onnx_path), cache
    )
    return PreparedModels(det, emo)


def build_pipeline(prepared: PreparedModels, threads: int = 0) -> ReferencePipeline:
    return ReferencePipeline(
        prepared.detector.recipe, prepared.detector.onnx_path, prepared.emotion.recipe, prepared.emotion.onnx_path, threads
    )
