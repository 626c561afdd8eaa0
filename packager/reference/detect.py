"""BlazeFace pre- and post-processing: letterbox, anchors, decode, weighted NMS."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from packager.recipes import Anchors, DetectorRecipe
from packager.reference import frames


@dataclass(frozen=True)
class Letterbox:
    """Where the model's square input lies on the source image.

    The image is scaled by ``s = min(size / w, size / h)`` and centred; the model input then
    covers the source rectangle ``(x0, y0, x1, y1)`` (pixels, may reach outside the image):
    ``x0 = (w − size / s) / 2``, ``x1 = x0 + size / s``, rows likewise.  A normalized model
    coordinate ``u`` maps back to the source pixel ``x0 + u · (x1 − x0)``, and a source pixel
    coordinate ``x`` to the image-normalized ``x / width`` (``y / height``).

    Attributes:
        x0, y0, x1, y1: the source rectangle in pixels.
        width, height: the source image's size in pixels (``w``, ``h``).
    """

    x0: float
    y0: float
    x1: float
    y1: float
    width: int
    height: int

    @classmethod
    def fit(cls, width: int, height: int, size: int) -> "Letterbox":
        s = min(size / width, size / height)
        span = size / s
        x0 = (width - span) / 2.0
        y0 = (height - span) / 2.0
        return cls(x0, y0, x0 + span, y0 + span, width, height)

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)


def preprocess(recipe: DetectorRecipe, image: "np.ndarray | frames.Frame") -> tuple[np.ndarray, Letterbox]:
    """RGB uint8 H×W×3 or a camera frame (its upright image) → (input tensor [1, size, size, 3]
    float32, letterbox)."""
    w, h = frames.size(image)
    if h == 0 or w == 0:
        raise ValueError("image has zero size")
    size = recipe.input_size
    box = Letterbox.fit(w, h, size)
    pixels = frames.resample(image, box.rect, size, size, recipe.resize, recipe.fill)
    tensor = pixels * recipe.norm_scale + recipe.norm_offset
    return tensor[None].astype(np.float32), box


def anchors(a: Anchors) -> np.ndarray:
    """Anchor centres [N, 2] (x, y) in normalized input coordinates, in model output order.

    Layers with equal strides share one grid; per cell, anchors of all those layers follow each
    other (MediaPipe's SsdAnchorsCalculator with fixed anchor size).
    """
    return _anchor_table(a)


@functools.lru_cache(maxsize=16)
def _anchor_table(a: Anchors) -> np.ndarray:
    # Keyed by the (frozen) anchor description; read-only, so sharing it is safe.
    out = []
    for cells, per_cell in a.grids():
        for y in range(cells):
            for x in range(cells):
                c = ((x + a.offset) / cells, (y + a.offset) / cells)
                out.extend([c] * per_cell)
    table = np.asarray(out, dtype=np.float64)
    table.setflags(write=False)
    return table


@dataclass(frozen=True)
class Detection:
    """One face in normalized model-input coordinates.

    Attributes:
        box: (xmin, ymin, xmax, ymax), 0..1 across the letterboxed input.
        keypoints: [K, 2] (x, y), same frame, in the recipe's ``keypoint_names`` order, each
            named for the subject's own side (``subject_keypoints``).
        score: probability 0..1.
    """

    box: tuple[float, float, float, float]
    keypoints: np.ndarray
    score: float


def decode(recipe: DetectorRecipe, regressors: np.ndarray, classificators: np.ndarray):
    """Raw outputs → (boxes [M, 4] xmin,ymin,xmax,ymax; keypoints [M, K, 2]; scores [M]) of
    the anchors scoring at least ``min_score``, in anchor order.

    Row layout: [cx, cy, w, h, kx0, ky0, …], pixels of the model input; cx, cy and keypoints are
    offsets from the anchor centre.  score = sigmoid(clip(raw, ±score_clip)).
    """
    anc = anchors(recipe.anchors)
    n, k = len(anc), recipe.num_keypoints
    reg = np.asarray(regressors, dtype=np.float64).reshape(-1)
    cls = np.asarray(classificators, dtype=np.float64).reshape(-1)
    if reg.size != n * (4 + 2 * k) or cls.size != n:
        raise ValueError(
            f"detector outputs have {reg.size} and {cls.size} values; expected {n * (4 + 2 * k)} and {n}"
        )
    reg = reg.reshape(n, 4 + 2 * k) / recipe.scale
    raw = np.clip(cls, -recipe.score_clip, recipe.score_clip)
    scores = 1.0 / (1.0 + np.exp(-raw))
    # NaN scores compare false and are dropped; NaN boxes are dropped too.
    keep = (scores >= recipe.min_score) & np.isfinite(reg).all(axis=1)
    reg, a, scores = reg[keep], anc[keep], scores[keep]
    cx = reg[:, 0] + a[:, 0]
    cy = reg[:, 1] + a[:, 1]
    half_w, half_h = reg[:, 2] / 2.0, reg[:, 3] / 2.0
    boxes = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)
    kps = reg[:, 4:].reshape(-1, k, 2) + a[:, None, :]
    return boxes, kps, scores


def iou(a, b) -> float:
    """Intersection over union of two (xmin, ymin, xmax, ymax) boxes; 0 when the union is
    empty."""
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def weighted_nms(boxes, keypoints, scores, threshold: float) -> list[Detection]:
    """MediaPipe's WEIGHTED non-maximum suppression.

    Repeatedly take the best remaining detection (highest score, lower index on ties); every
    remaining detection whose IoU with it exceeds ``threshold`` (itself included) is merged:
    box corners and keypoints averaged with the scores as weights.  The merged detection keeps
    the best one's score.
    """
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    out = []
    while order:
        top = order[0]
        merged = [i for i in order if iou(boxes[top], boxes[i]) > threshold]
        if top not in merged:  # a degenerate (empty) box still stands for itself
            merged.insert(0, top)
        order = [i for i in order if i not in merged]
        w = scores[merged]
        total = w.sum()
        box = (boxes[merged] * w[:, None]).sum(axis=0) / total
        kps = (keypoints[merged] * w[:, None, None]).sum(axis=0) / total
        out.append(Detection(tuple(float(v) for v in box), kps, float(scores[top])))
    return out


def subject_keypoints(recipe: DetectorRecipe, keypoints: np.ndarray, mirrored: bool) -> np.ndarray:
    """A detection's keypoints [K, 2] in ``recipe.keypoint_names`` order, each named for the
    subject's own side; the coordinates are not changed.

    The model's outputs are in ``keypoint_names`` order for an un-mirrored image: output 0,
    ``right_eye``, is the eye on the image's left, which is the subject's own right eye.  When
    the image is a mirror image (a mirrored camera frame, ``frames.Frame.mirrored``: Android
    ``mirrored = true``, iOS ``.upMirrored``, ``.leftMirrored``, …), the upright image the
    detector sees shows the subject's right eye on the image's right, and output 0 — still the
    eye on the image's left — is the subject's LEFT eye.  The rule: for a mirrored image, name
    ``i`` takes output ``recipe.keypoint_mirror[i]`` (the left/right pairs swapped:
    ``right_eye`` ↔ ``left_eye``, ``right_ear_tragion`` ↔ ``left_ear_tragion``; ``nose_tip``
    and ``mouth_center`` stay); else output ``i``.  Coordinates stay in the upright image.

    Measured (``tests/reference/test_mirrored_frames.py``): the 512×512 astronaut as a mirrored
    frame, upright image = the photo flipped.  Un-mirrored, her right eye is at x = 203.8, so
    in the flipped image at 512 − 203.8 = 308.2; the model's output 0 is at x = 268.3 (her left
    eye: 512 − 248.0 = 264.0 un-mirrored).  Without the swap ``right_eye.x`` was 268.3; with it,
    310.6 — her own right eye.
    """
    return keypoints[list(recipe.keypoint_mirror)] if mirrored else keypoints


def postprocess(recipe: DetectorRecipe, regressors, classificators, mirrored: bool = False) -> list[Detection]:
    """Raw outputs → faces in normalized model-input coordinates, best first, keypoints named
    for the subject (``subject_keypoints``: swapped left/right pairs when the image is
    ``mirrored``)."""
    boxes, kps, scores = decode(recipe, regressors, classificators)
    dets = weighted_nms(boxes, kps, scores, recipe.iou_threshold)
    if not mirrored:
        return dets
    return [Detection(d.box, subject_keypoints(recipe, d.keypoints, True), d.score) for d in dets]
