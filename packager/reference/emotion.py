"""Emotion pre- and post-processing: square face crop → tensor; outputs → probabilities."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from packager.recipes import EmotionRecipe
from packager.reference import frames

#: ITU-R BT.601 luma weights, as Pillow's ``convert("L")`` (without its rounding).
GRAY_WEIGHTS = (0.299, 0.587, 0.114)


def crop_rect(recipe: EmotionRecipe, box_px) -> tuple[float, float, float, float]:
    """Square source rectangle for a face box (xmin, ymin, xmax, ymax in image pixels): side
    ``max(width, height) · crop_scale`` around the box centre."""
    xmin, ymin, xmax, ymax = box_px
    side = max(xmax - xmin, ymax - ymin) * recipe.crop_scale
    cx, cy = (xmin + xmax) / 2.0, (ymin + ymax) / 2.0
    return (cx - side / 2.0, cy - side / 2.0, cx + side / 2.0, cy + side / 2.0)


def preprocess(recipe: EmotionRecipe, image: "np.ndarray | frames.Frame", box_px) -> np.ndarray:
    """RGB uint8 H×W×3 or a camera frame (its upright image) + face box in pixels → input tensor
    (recipe shape, float32).

    Order: resample the RGB crop (``resize``), convert colour (``GRAY`` is the BT.601 weighted
    sum of the resampled channels), subtract ``mean``, multiply by ``scale``, lay out.
    """
    w, h = frames.size(image)
    if h == 0 or w == 0:
        raise ValueError("image has zero size")
    rect = crop_rect(recipe, box_px)
    if not all(np.isfinite(rect)) or rect[2] <= rect[0]:
        raise ValueError(f"face box {tuple(box_px)} is empty or not finite")
    size = recipe.size
    crop = frames.resample(image, rect, size, size, recipe.resize, recipe.fill)
    if recipe.color == "GRAY":
        # R·wr + G·wg + B·wb, left to right, each product rounded (no BLAS: a matmul's summation
        # order and fused multiply-adds vary with the CPU; the wrappers must reproduce this bit for bit).
        wr, wg, wb = GRAY_WEIGHTS
        crop = (crop[..., 0] * wr + crop[..., 1] * wg + crop[..., 2] * wb)[..., None]
    elif recipe.color == "BGR":
        crop = crop[..., ::-1]
    tensor = (crop - np.asarray(recipe.mean)) * np.asarray(recipe.scale)
    if recipe.layout == "NCHW":
        tensor = tensor.transpose(2, 0, 1)
    return tensor[None].astype(np.float32)


@dataclass(frozen=True)
class EmotionResult:
    """Class probabilities of one face.

    Attributes:
        probabilities: one per label, summing to 1.
        labels: the recipe's labels, same order.
        top_index: index of the largest probability (first one on ties).
    """

    probabilities: tuple[float, ...]
    labels: tuple[str, ...]
    top_index: int

    @property
    def top_label(self) -> str:
        return self.labels[self.top_index]

    @property
    def top_probability(self) -> float:
        return self.probabilities[self.top_index]


def softmax(x: np.ndarray) -> np.ndarray:
    """exp(x − max) / sum, in float64."""
    e = np.exp(x - x.max())
    return e / e.sum()


def postprocess(recipe: EmotionRecipe, output) -> EmotionResult:
    """Model output → probabilities (softmax when the recipe says logits)."""
    x = np.asarray(output, dtype=np.float64).reshape(-1)
    if x.size != len(recipe.labels):
        raise ValueError(f"emotion output has {x.size} values; expected {len(recipe.labels)}")
    if not np.isfinite(x).all():
        raise ValueError("emotion output contains NaN or infinity")
    p = softmax(x) if recipe.outputs_are_logits else x
    return EmotionResult(tuple(float(v) for v in p), recipe.labels, int(np.argmax(p)))
