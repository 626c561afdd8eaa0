"""Exact resampling shared by the letterbox and the face crop.  Its loop-level statement is
``packager.reference.statements.resample``; this module is the vectorized form tested against it.

The image lies on an infinite canvas of ``fill`` pixels.  A source rectangle
``(x0, y0, x1, y1)`` (pixel units; pixel ``k`` covers ``[k, k+1)``, its centre is ``k + 0.5``)
is mapped onto an ``out_w × out_h`` grid.  Output column ``j`` samples the source at

    c = x0 + (j + 0.5) · (x1 − x0) / out_w

and rows likewise.  Three interpolations:

* ``bilinear`` — each output sample is the mean of ``s × s`` bilinear sub-samples, each reading
  the 2×2 source pixels around it, in integer fixed point; ``s = min(MAX_SUBSAMPLES, ceil(step))``
  per axis with ``step = (x1 − x0) / out_w`` (1 when upscaling, 2 for any downscale beyond 1×:
  a cheap pre-reduction measured to keep the short-range detector's borderline faces in 16:9
  frames, docs/DESIGN.md "Resampling").  Per axis, sub-sample ``q`` (0 ≤ q < out · s) lies at
  ``c = x0 + (q + 0.5) · ((x1 − x0) / (out · s))``; ``p = c − 0.5``, ``k = floor(p)``,
  ``a = floor((p − k) · 2048 + 0.5)`` (0..2048; ``FRACTION_BITS`` = 11, OpenCV's INTER_LINEAR
  precision); taps ``k`` and ``k + 1`` weigh ``2048 − a`` and ``a``.  A tap outside the image
  reads ``fill`` (an integer 0..255).  Per channel, with ``P[y][x]`` the uint8 pixel and output
  sample ``o`` taking sub-samples ``o · s … o · s + s − 1`` on each axis::

      h(y, q) = wx0(q) · P[y][kx(q)] + wx1(q) · P[y][kx(q) + 1]               (integers)
      sum     = Σ over the s_y × s_x sub-samples (qy, qx) of
                wy0(qy) · h(ky(qy), qx) + wy1(qy) · h(ky(qy) + 1, qx)          (int64)
      value   = sum / (s_x · s_y · 2**22)                            (exact: a power of two)

  Cost follows the output: at most 16 pixels per sample; nothing else of the frame is read.
* ``antialias`` — a triangle filter of radius ``r = max(1, (x1 − x0) / out_w)`` source pixels
  (plain bilinear when upscaling, widened into an antialiasing filter when downscaling, as
  Pillow's BILINEAR does).  Tap ``k`` weighs ``max(0, 1 − |k + 0.5 − c| / r)`` for every
  integer ``k`` in ``[floor(c − 0.5 − r), ceil(c − 0.5 + r)]``; weights are divided by their
  sum; taps outside the image read ``fill``.  Columns are filtered first, then rows, both
  accumulated in float64.  Reads every pixel under the rectangle: cost follows the frame.
* ``nearest`` — tap ``floor(c)``, ``fill`` when outside the image.

``c`` and ``p`` are computed in float64 as written (no fused multiply-add).  A rectangle that is
not finite, empty, beyond ``MAX_COORDINATE`` or wider than ``MAX_STEP`` source pixels per output
sample is refused.

Kotlin and Swift implement exactly these formulas: ``bilinear`` and ``nearest`` give the same
float64 values bit for bit in all three languages, ``antialias`` to 1e-12.
"""

from __future__ import annotations

import math

import numpy as np

INTERPOLATIONS = ("bilinear", "antialias", "nearest")
#: Fixed-point precision of the ``bilinear`` weights: 2**FRACTION_BITS per pixel.
FRACTION_BITS = 11
#: Largest number of ``bilinear`` sub-samples per output sample along one axis.
MAX_SUBSAMPLES = 2

#: Largest source span per output sample, in pixels, and largest |coordinate| of a source
#: rectangle.  Only bad input (a runaway face box) goes beyond them: the tap loops of the
#: generated code would run for seconds and tap indices would stop being exact.  Every language
#: refuses such a rectangle (here ValueError), so the three agree on what is rejected.
MAX_STEP = 16384.0
MAX_COORDINATE = 1e12


def _centres(start: float, end: float, out: int) -> np.ndarray:
    """Sample centres ``c`` of one axis (float64), after refusing what every language refuses."""
    if not (math.isfinite(start) and math.isfinite(end) and max(abs(start), abs(end)) <= MAX_COORDINATE):
        raise ValueError(f"source span [{start}, {end}) is not finite or beyond ±{MAX_COORDINATE:g} pixels")
    step = (end - start) / out if out > 0 else 0.0
    if not 0.0 < step <= MAX_STEP:
        raise ValueError(f"cannot resample the span [{start}, {end}) onto {out} samples (limit {MAX_STEP:g} pixels per sample)")
    return start + (np.arange(out) + 0.5) * step


def subsamples(start: float, end: float, out: int) -> int:
    """``s`` of the ``bilinear`` method along one axis: min(MAX_SUBSAMPLES, ceil(step)), ≥ 1."""
    step = (end - start) / out
    return min(MAX_SUBSAMPLES, max(1, math.ceil(step)))


def bilinear_taps(start: float, end: float, out: int, size: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The two taps of each ``bilinear`` sub-sample along one axis: (index [out · s, 2] int64
    into ``0..size``, where ``size`` stands for the fill; integer weights [out · s, 2] summing to
    2048; ``s``)."""
    _centres(start, end, out)  # refuses what every language refuses
    n = subsamples(start, end, out)
    p = _centres(start, end, out * n) - 0.5
    k = np.floor(p)
    a = np.floor((p - k) * (1 << FRACTION_BITS) + 0.5).astype(np.int64)
    k = k.astype(np.int64)[:, None] + np.arange(2)[None, :]
    w = np.stack([(1 << FRACTION_BITS) - a, a], axis=1)
    return np.where((k >= 0) & (k < size), k, size), w, n


def _tap_sums(image: np.ndarray, rect, out_w: int, out_h: int):
    """The taps of every ``bilinear`` sub-sample, gathered (the 4 taps of each and nothing else):
    per sub-sample and channel, the sum over its taps inside the image of wy · wx · pixel, uint32
    [out_h · s_y, out_w · s_x, C]; and per axis, x then y, the weights of its taps inside the image
    and outside it (int64 [out · s, 2]) and ``s``.  One sub-sample's sum is at most 255 · 2**22
    (its weights sum to 2**22)."""
    h, w = image.shape[:2]
    xi, xw, sx = bilinear_taps(rect[0], rect[2], out_w, w)
    yi, yw, sy = bilinear_taps(rect[1], rect[3], out_h, h)
    flat = image.reshape(h * w, image.shape[2])
    x_in, y_in = np.where(xi < w, xw, 0), np.where(yi < h, yw, 0)
    wx = x_in.astype(np.uint32)[:, :, None]  # [nx, 2, 1]
    wy = y_in.astype(np.uint32)[:, :, None, None]  # [ny, 2, 1, 1]
    xs, ys = np.minimum(xi, w - 1), np.minimum(yi, h - 1)
    total = None
    for t in (0, 1):
        base = (ys[:, t] * w)[:, None]
        row = np.take(flat, base + xs[None, :, 0], axis=0) * wx[:, 0]
        row += np.take(flat, base + xs[None, :, 1], axis=0) * wx[:, 1]
        row *= wy[:, t]
        total = row if total is None else total + row
    return total, (x_in, xw - x_in, sx), (y_in, yw - y_in, sy)


def bilinear_sums(image: np.ndarray, rect, out_w: int, out_h: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The integer parts of ``bilinear``, vectorized: (per output sample and channel, the sum over
    its taps inside the image of wy · wx · pixel, int64 [out_h, out_w, C]; per output sample, the
    summed weight wy · wx of those taps, int64 [out_h, out_w]; the weight of every sample,
    ``s_x · s_y · 2**22``).  A sample's taps outside the image weigh the total less the inside
    weight: they read ``fill``."""
    total, (x_in, _, sx), (y_in, _, sy) = _tap_sums(image, rect, out_w, out_h)
    total = total.astype(np.int64)
    col_in = x_in.sum(axis=1).reshape(out_w, sx).sum(axis=1)
    row_in = y_in.sum(axis=1).reshape(out_h, sy).sum(axis=1)
    if sx * sy > 1:
        v = total.reshape(out_h, sy, out_w, sx, image.shape[2])
        total = v.sum(axis=(1, 3))
    return total, row_in[:, None] * col_in[None, :], sx * sy * (1 << (2 * FRACTION_BITS))


def _bilinear(image: np.ndarray, rect, out_w: int, out_h: int, fill: int) -> np.ndarray:
    """``bilinear`` on an RGB image: the sub-samples' tap sums (``_tap_sums``) completed with
    ``fill`` for the taps outside the image and added up in place in uint32 — the same integers
    as ``bilinear_sums``, which a YUV frame's planes go through: its int64 sums cost an RGB
    letterbox 2 ms more, 5.9 against 3.9 ms for 640×480 → 128×128 on this machine.  The
    ``s_x · s_y`` ≤ 4 sub-samples of an output sample fit uint32: at most 4 · 255 · 2**22 =
    4 278 190 080 < 2**32."""
    total, (x_in, x_out, sx), (y_in, y_out, sy) = _tap_sums(image, rect, out_w, out_h)
    if x_out.any() or y_out.any():
        fill_x = x_out.sum(axis=1)[None, :, None] * y_in.sum(axis=1)[:, None, None]
        fill_y = y_out.sum(axis=1)[:, None, None] * (1 << FRACTION_BITS)
        total += (fill * (fill_x + fill_y)).astype(np.uint32)
    if sx * sy > 1:
        v = total.reshape(out_h, sy, out_w, sx, image.shape[2])
        total = v[:, 0, :, 0].copy()
        for i, j in [(i, j) for i in range(sy) for j in range(sx)][1:]:
            total += v[:, i, :, j]
    return total / float(sx * sy * (1 << (2 * FRACTION_BITS)))


def taps(start: float, end: float, out: int, size: int, method: str):
    """Tap indices and weights of ``antialias`` or ``nearest`` along one axis.

    Returns ``(index, weight)``: int64 ``[out, T]`` indices into ``0..size`` where ``size``
    stands for the fill pixel, and float64 ``[out, T]`` weights summing to 1 per row.
    """
    centres = _centres(start, end, out)
    if method == "nearest":
        k = np.floor(centres).astype(np.int64)[:, None]
        return np.where((k >= 0) & (k < size), k, size), np.ones((out, 1))
    if method != "antialias":
        raise ValueError(f"unknown interpolation {method!r}; choose one of {INTERPOLATIONS}")
    radius = max(1.0, (end - start) / out)
    width = int(math.ceil(2 * radius)) + 2
    first = np.floor(centres - 0.5 - radius).astype(np.int64)
    k = first[:, None] + np.arange(width)[None, :]
    w = np.maximum(0.0, 1.0 - np.abs(k + 0.5 - centres[:, None]) / radius)
    w /= w.sum(axis=1, keepdims=True)
    return np.where((k >= 0) & (k < size), k, size), w


#: Output rows (or columns) per matrix product.  Small blocks keep the product's band of source
#: pixels narrow (little work on zero weights); measured fastest for 4× letterbox downscales
#: and face-crop upscales alike.
BLOCK = 8


def _band(index: np.ndarray, weight: np.ndarray, lo: int, hi: int, size: int):
    """Taps as a dense matrix [out, hi − lo] over source positions ``lo..hi−1`` (every tap in
    the image lies there), and the summed weight of each output's ``fill`` taps [out]."""
    out = index.shape[0]
    inside = index < size
    rows = np.broadcast_to(np.arange(out)[:, None], index.shape)
    m = np.zeros((out, hi - lo))
    m[rows[inside], index[inside] - lo] = weight[inside]
    return m, np.where(inside, 0.0, weight).sum(axis=1)


def _blocks(m: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Per block of ``BLOCK`` outputs (rows of ``m``): (b0, b1, a, b) with every non-zero weight of
    those outputs in source positions ``a..b−1``; blocks that read only the fill are left out."""
    nz = m != 0
    n = m.shape[1]
    first = np.where(nz.any(axis=1), nz.argmax(axis=1), n)
    last = np.where(nz.any(axis=1), n - 1 - nz[:, ::-1].argmax(axis=1), -1)
    starts = np.arange(0, m.shape[0], BLOCK)
    lo = np.minimum.reduceat(first, starts).tolist()
    hi = (np.maximum.reduceat(last, starts) + 1).tolist()
    return [(b0, min(b0 + BLOCK, m.shape[0]), a, b) for b0, a, b in zip(starts.tolist(), lo, hi) if b > a]


#: Bytes of float64 source pixels converted at a time: large frames are filtered in strips of
#: rows that stay in cache (a 512×512 photo is one strip; 1080p becomes ~12).
STRIP_BYTES = 1 << 22


def _columns(image: np.ndarray, rows: tuple[int, int], cols: tuple[int, int], index, weight, size: int,
             fill: float) -> np.ndarray:
    """Filter the columns of ``image[rows, cols]`` → [C, out, n_rows]:
    out[:, j, r] = Σ_t weight[j, t] · (pixel (r, index[j, t]), or ``fill``)."""
    m, fill_w = _band(index, weight, cols[0], cols[1], size)
    blocks = _blocks(m)
    c, n = image.shape[2], rows[1] - rows[0]
    out = np.zeros((c, m.shape[0], n))
    step = max(1, STRIP_BYTES // ((cols[1] - cols[0]) * c * 8))
    for r0 in range(0, n, step):
        r1 = min(r0 + step, n)
        # Laid out [C, x, y] (transposed while still 1-byte pixels), so that each block of
        # outputs is one product over contiguous source columns.
        src = np.ascontiguousarray(image[rows[0] + r0:rows[0] + r1, cols[0]:cols[1]].transpose(2, 1, 0))
        src = src.astype(np.float64)
        for b0, b1, a, b in blocks:
            np.matmul(m[b0:b1, a:b], src[:, a:b], out=out[:, b0:b1, r0:r1])
    if fill != 0.0:
        out += fill * fill_w[:, None]
    return out


def _filter_last(src: np.ndarray, index, weight, lo: int, size: int, fill: float) -> np.ndarray:
    """Filter the last axis of ``src`` [C, M, n] (source positions ``lo..lo+n−1``) → [C, M, out]:
    out[..., j] = Σ_t weight[j, t] · (src at index[j, t], or ``fill``)."""
    m, fill_w = _band(index, weight, lo, lo + src.shape[2], size)
    out = np.zeros((src.shape[0], src.shape[1], m.shape[0]))
    for b0, b1, a, b in _blocks(m):
        np.matmul(src[:, :, a:b], m[b0:b1, a:b].T, out=out[:, :, b0:b1])
    if fill != 0.0:
        out += fill * fill_w
    return out


def _window(index: np.ndarray, size: int) -> tuple[int, int] | None:
    """The source range ``[lo, hi)`` every in-image tap lies in; None when no tap is inside."""
    inside = index[index < size]
    return (int(inside.min()), int(inside.max()) + 1) if inside.size else None


def resample(image: np.ndarray, rect, out_w: int, out_h: int, method: str, fill: float) -> np.ndarray:
    """Resample ``rect`` of ``image`` (H×W×C; uint8 for ``bilinear``, any numeric dtype
    otherwise) to out_h×out_w×C float64."""
    if method == "bilinear":
        if image.dtype != np.uint8 or fill != int(fill) or not 0 <= fill <= 255:
            raise ValueError("bilinear resampling takes uint8 pixels and an integer fill 0..255")
        return _bilinear(image, rect, out_w, out_h, int(fill))
    h, w = image.shape[:2]
    x0, y0, x1, y1 = rect
    xi, xw = taps(x0, x1, out_w, w, method)
    yi, yw = taps(y0, y1, out_h, h, method)
    cols, rows = _window(xi, w), _window(yi, h)
    if cols is None or rows is None:  # every tap reads the fill
        return np.full((out_h, out_w, image.shape[2]), float(fill))
    # Only the pixels some tap reads are converted and filtered.
    horiz = _columns(image, rows, cols, xi, xw, w, fill)  # columns first: [C, out_w, rows]
    out = _filter_last(horiz, yi, yw, rows[0], h, fill)  # then rows: [C, out_w, out_h]
    return np.ascontiguousarray(out.transpose(2, 1, 0))
