"""The reference pipeline: image → faces with keypoints and emotions, numpy + onnxruntime.

Every intermediate (tensors, raw outputs, decoded detections) is exposed by ``trace`` so that
the Kotlin and Swift cores can be checked stage by stage against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from packager import onnxrt
from packager.recipes import DetectorRecipe, EmotionRecipe
from packager.reference import detect, emotion, frames
from packager.reference.emotion import EmotionResult


@dataclass(frozen=True)
class Face:
    """One detected face, in the (upright) source image's pixels.

    Attributes:
        box: (xmin, ymin, xmax, ymax) in pixels.
        keypoints: ((x, y), …) in pixels, in the recipe's ``keypoint_names`` order; left/right
            are the subject's own, on mirrored frames too (``detect.subject_keypoints``).
        score: detection probability.
        normalized_box: ``box`` normalized to the image: x / width, y / height (0..1 inside it).
        normalized_keypoints: ``keypoints`` normalized likewise.
        letterbox_box: the box as the detector gives it, normalized to its square input (0..1
            across the letterbox, ``detect.Letterbox``; the parity tolerance is stated in these).
        letterbox_keypoints: the keypoints likewise.
        emotion: classification of the face crop (None when not classified).
    """

    box: tuple[float, float, float, float]
    keypoints: tuple[tuple[float, float], ...]
    score: float
    normalized_box: tuple[float, float, float, float]
    normalized_keypoints: tuple[tuple[float, float], ...]
    letterbox_box: tuple[float, float, float, float]
    letterbox_keypoints: tuple[tuple[float, float], ...]
    emotion: EmotionResult | None = None


def to_pixels(det: detect.Detection, box: detect.Letterbox) -> tuple:
    """Normalized detection → (box, keypoints) in source pixels through the letterbox."""
    sx, sy = box.x1 - box.x0, box.y1 - box.y0
    b = det.box
    px = (box.x0 + b[0] * sx, box.y0 + b[1] * sy, box.x0 + b[2] * sx, box.y0 + b[3] * sy)
    kps = tuple((box.x0 + float(x) * sx, box.y0 + float(y) * sy) for x, y in det.keypoints)
    return px, kps


def to_face(det: detect.Detection, box: detect.Letterbox, emotion: EmotionResult | None = None) -> Face:
    """A detection as a ``Face``: in pixels (``to_pixels``), normalized to the image (pixels
    divided by ``box.width``, ``box.height``) and as the detector gave it."""
    px, kps = to_pixels(det, box)
    w, h = box.width, box.height
    return Face(
        px, kps, det.score,
        (px[0] / w, px[1] / h, px[2] / w, px[3] / h), tuple((x / w, y / h) for x, y in kps),
        tuple(float(v) for v in det.box), tuple((float(x), float(y)) for x, y in det.keypoints),
        emotion,
    )


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
    """Detector + emotion classifier sessions, created once and reused (``threads`` 0 lets
    onnxruntime choose)."""

    def __init__(self, detector: DetectorRecipe, detector_path, emotion_recipe: EmotionRecipe, emotion_path, threads: int = 0):
        self.detector = detector
        self.emotion = emotion_recipe
        self.det_session = onnxrt.session(detector_path, threads=threads)
        self.emo_session = onnxrt.session(emotion_path, threads=threads) if emotion_path is not None else None

    def run_detector(self, x: np.ndarray):
        reg, cls = self.det_session.run(
            [self.detector.regressors_name, self.detector.classificators_name], {self.detector.input_name: x}
        )
        return reg, cls

    def run_emotion(self, x: np.ndarray) -> np.ndarray:
        return self.emo_session.run([self.emotion.output_name], {self.emotion.input_name: x})[0]

    def trace(self, image: np.ndarray | frames.Frame) -> Trace:
        """Every stage on an RGB image, or on a camera frame's upright image (a mirrored frame's
        keypoints named for the subject: ``detect.subject_keypoints``)."""
        mirrored = isinstance(image, frames.Frame) and image.mirrored
        x, box = detect.preprocess(self.detector, image)
        reg, cls = self.run_detector(x)
        dets = detect.postprocess(self.detector, reg, cls, mirrored)
        t = Trace(box, x, reg, cls, dets, [])
        for det in dets:
            px, _ = to_pixels(det, box)
            result = None
            if self.emo_session is not None:
                t.crop_rects.append(emotion.crop_rect(self.emotion, px))
                ex = emotion.preprocess(self.emotion, image, px)
                out = self.run_emotion(ex)
                t.emotion_inputs.append(ex)
                t.emotion_outputs.append(out)
                result = emotion.postprocess(self.emotion, out)
            t.faces.append(to_face(det, box, result))
        return t

    def __call__(self, image: np.ndarray | frames.Frame) -> list[Face]:
        return self.trace(image).faces


class AutoPipeline:
    """Two pipelines that differ in their detector (``recipes.AUTO_DETECTOR``): per image, the
    faces of the one that finds more, ``primary``'s on a tie."""

    def __init__(self, primary: ReferencePipeline, secondary: ReferencePipeline):
        self.primary, self.secondary = primary, secondary
        self.detector, self.emotion = primary.detector, primary.emotion

    def __call__(self, image: np.ndarray | frames.Frame) -> list[Face]:
        faces, more = self.primary(image), self.secondary(image)
        return more if len(more) > len(faces) else faces
