"""Exact resampling shared by the letterbox and the face crop.

The image lies on an infinite canvas of ``fill`` pixels.  A source rectangle
``(x0, y0, x1, y1)`` (pixel units; pixel ``k`` covers ``[k, k+1)``, its centre is ``k + 0.5``)
is mapped onto an ``out_w × out_h`` grid.  Output column ``j`` samples the source at

    c = x0 + (j + 0.5) · (x1 − x0) / out_w

and rows likewise.  Two interpolations:

* ``bilinear`` — a triangle filter of radius ``r = max(1, (x1 − x0) / out_w)`` source pixels
  (plain bilinear when upscaling, widened into an antialiasing filter when downscaling, as
  Pillow's BILINEAR does).  Tap ``k`` weighs ``max(0, 1 − |k + 0.5 − c| / r)`` for every
  integer ``k`` in ``[floor(c − 0.5 − r), ceil(c − 0.5 + r)]``; weights are divided by their
  sum; taps outside the image read ``fill``.  Columns are filtered first, then rows, both
  accumulated in float64.
* ``nearest`` — tap ``floor(c)``, ``fill`` when outside the image.

Both Kotlin and Swift implement exactly these formulas (in Double), which is what lets them
match this module to 1e-5.
"""

from __future__ import annotations

import math

import numpy as np

INTERPOLATIONS = ("bilinear", "nearest")


def taps(start: float, end: float, out: int, size: int, method: str):
    """Tap indices and weights along one axis.

    Returns ``(index, weight)``: int64 ``[out, T]`` indices into ``0..size`` where ``size``
    stands for the fill pixel, and float64 ``[out, T]`` weights summing to 1 per row.
    """
    step = (end - start) / out
    centres = start + (np.arange(out) + 0.5) * step
    if method == "nearest":
        k = np.floor(centres).astype(np.int64)[:, None]
        return np.where((k >= 0) & (k < size), k, size), np.ones((out, 1))
    if method != "bilinear":
        raise ValueError(f"unknown interpolation {method!r}; choose one of {INTERPOLATIONS}")
    radius = max(1.0, step)
    width = int(math.ceil(2 * radius)) + 2
    first = np.floor(centres - 0.5 - radius).astype(np.int64)
    k = first[:, None] + np.arange(width)[None, :]
    w = np.maximum(0.0, 1.0 - np.abs(k + 0.5 - centres[:, None]) / radius)
    w /= w.sum(axis=1, keepdims=True)
    return np.where((k >= 0) & (k < size), k, size), w


def resample(image: np.ndarray, rect, out_w: int, out_h: int, method: str, fill: float) -> np.ndarray:
    """Resample ``rect`` of ``image`` (H×W×C, any numeric dtype) to out_h×out_w×C float64."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = rect
    xi, xw = taps(x0, x1, out_w, w, method)
    yi, yw = taps(y0, y1, out_h, h, method)
    # Only the rows some output row reads are filtered horizontally.
    rows = np.unique(yi[yi < h])
    src = image[rows].astype(np.float64)
    padded = np.concatenate([src, np.full((len(rows), 1, src.shape[2]), fill)], axis=1)
    horiz = np.einsum("rotc,ot->roc", padded[:, xi], xw)  # [rows, out_w, C]
    lookup = np.full(h + 1, len(rows), dtype=np.int64)
    lookup[rows] = np.arange(len(rows))
    horiz = np.concatenate([horiz, np.full((1, out_w, src.shape[2]), fill)], axis=0)
    return np.einsum("ptoc,pt->poc", horiz[lookup[yi]], yw)
