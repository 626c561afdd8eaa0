"""The reference under the names the generated Kotlin and Swift use (STYLE.md: same names in
all three languages): ``FaceDetectionWrapper.preprocess/postprocess`` and
``FaceEmotionRecognitionWrapper.preprocess/postprocess``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from packager import recipes
from packager.recipes import DetectorRecipe, EmotionRecipe
from packager.reference import detect, emotion, frames
from packager.reference.emotion import EmotionResult
from packager.reference.pipeline import Face, to_face


@dataclass(frozen=True)
class DetectionInput:
    """The detector's input tensor [1, size, size, 3], where it lies on the image, and whether
    the image is a mirror image (a mirrored frame: keypoint names are swapped back)."""

    tensor: np.ndarray
    letterbox: detect.Letterbox
    mirrored: bool = False


class FaceDetectionWrapper:
    """RGB image or camera frame → detector input; detector outputs → faces in (upright) image
    pixels, keypoints named for the subject."""

    def __init__(self, config: DetectorRecipe = recipes.BLAZEFACE_SHORT_RANGE):
        self.config = config

    def preprocess(self, image: np.ndarray | frames.Frame) -> DetectionInput:
        mirrored = isinstance(image, frames.Frame) and image.mirrored
        return DetectionInput(*detect.preprocess(self.config, image), mirrored)

    def postprocess(self, regressors, classificators, inputs: DetectionInput) -> list[Face]:
        dets = detect.postprocess(self.config, regressors, classificators, inputs.mirrored)
        return [to_face(d, inputs.letterbox) for d in dets]


class FaceEmotionRecognitionWrapper:
    """RGB image or camera frame + face → emotion input; emotion output → probabilities and
    labels."""

    def __init__(self, config: EmotionRecipe = recipes.FER_MINIXCEPTION):
        self.config = config

    def preprocess(self, image: np.ndarray | frames.Frame, face: Face) -> np.ndarray:
        return emotion.preprocess(self.config, image, face.box)

    def postprocess(self, output) -> EmotionResult:
        return emotion.postprocess(self.config, output)
