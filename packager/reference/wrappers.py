"""The reference under the names the generated Kotlin and Swift use (STYLE.md: same names in
all three languages): ``FaceDetectionWrapper.preprocess/postprocess`` and
``FaceEmotionRecognitionWrapper.preprocess/postprocess``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from packager import recipes
from packager.recipes import DetectorRecipe, EmotionRecipe
from packager.reference import detect, emotion
from packager.reference.emotion import EmotionResult
from packager.reference.pipeline import Face, to_pixels


@dataclass(frozen=True)
class DetectionInput:
    """The detector's input tensor [1, size, size, 3] and where it lies on the image."""

    tensor: np.ndarray
    letterbox: detect.Letterbox


class FaceDetectionWrapper:
    """RGB image → detector input; detector outputs → faces in image pixels."""

    def __init__(self, config: DetectorRecipe = recipes.BLAZEFACE_SHORT_RANGE):
        self.config = config

    def preprocess(self, rgb: np.ndarray) -> DetectionInput:
        return DetectionInput(*detect.preprocess(self.config, rgb))

    def postprocess(self, regressors, classificators, inputs: DetectionInput) -> list[Face]:
        dets = detect.postprocess(self.config, regressors, classificators)
        return [Face(*to_pixels(d, inputs.letterbox), d.score) for d in dets]


class FaceEmotionRecognitionWrapper:
    """RGB image + face → emotion input; emotion output → probabilities and labels."""

    def __init__(self, config: EmotionRecipe = recipes.FER_MINIXCEPTION):
        self.config = config

    def preprocess(self, rgb: np.ndarray, face: Face) -> np.ndarray:
        return emotion.preprocess(self.config, rgb, face.box)

    def postprocess(self, output) -> EmotionResult:
        return emotion.postprocess(self.config, output)
