"""The loop-level statement of every step of the reference: plain Python loops, transcribed from
the module docstrings (the text the Kotlin and Swift engineers implement), independent of the
vectorized code in ``resample``, ``detect`` and ``emotion`` that is tested against them
(``tests/reference/test_statements.py``).  Slow by design: small images only.
"""

from __future__ import annotations

import math

import numpy as np


def axis_taps(start, end, out, size, method):
    """Per output position: list of (source index or None for fill, weight)."""
    step = (end - start) / out
    result = []
    for j in range(out):
        c = start + (j + 0.5) * step
        if method == "nearest":
            k = math.floor(c)
            result.append([(k if 0 <= k < size else None, 1.0)])
            continue
        r = max(1.0, step)
        ks = range(math.floor(c - 0.5 - r), math.ceil(c - 0.5 + r) + 1)
        w = [max(0.0, 1.0 - abs(k + 0.5 - c) / r) for k in ks]
        total = sum(w)
        result.append([(k if 0 <= k < size else None, wk / total) for k, wk in zip(ks, w)])
    return result


def bilinear_axis(start, end, out):
    """One axis of ``bilinear``: s sub-samples per output sample (1, or 2 for any downscale) and
    each sub-sample's two taps (pixel, weight in 2^-11)."""
    s = min(2, max(1, math.ceil((end - start) / out)))
    taps = []
    for q in range(out * s):
        p = start + (q + 0.5) * ((end - start) / (out * s)) - 0.5
        k = math.floor(p)
        a = math.floor((p - k) * 2048 + 0.5)
        taps.append([(k, 2048 - a), (k + 1, a)])
    return s, taps


def bilinear(image, rect, out_w, out_h, fill):
    """``bilinear``: s × s sub-samples of 2×2 integer-weighted taps (weights in 2^-11), summed as
    integers, divided by s_x · s_y · 2^22."""
    h, w, ch = image.shape

    sx, xt = bilinear_axis(rect[0], rect[2], out_w)
    sy, yt = bilinear_axis(rect[1], rect[3], out_h)
    out = np.zeros((out_h, out_w, ch))
    for i in range(out_h):
        for j in range(out_w):
            for c in range(ch):
                total = 0
                for qy in range(i * sy, (i + 1) * sy):
                    for ky, wy in yt[qy]:
                        for qx in range(j * sx, (j + 1) * sx):
                            for kx, wx in xt[qx]:
                                inside = 0 <= ky < h and 0 <= kx < w
                                total += wy * wx * (int(image[ky, kx, c]) if inside else fill)
                out[i, j, c] = total / (sx * sy * 2 ** 22)
    return out


def yuv_frame_bilinear(frame, rect, out_w, out_h, fill):
    """``bilinear`` on a YUV camera frame (``frames`` docstring): per output sample, the taps'
    weighted Y, U, V sums inside the image, converted once (no rounding), clamped, mixed with the
    fill.  Pixel by pixel through ``Frame.buffer_xy`` and the planes' strides."""
    uw, uh = frame.upright_size
    yp, up, vp = frame.planes
    yscale, rv, gu, gv, bu, offset = {True: (65536, 91881, 22554, 46802, 116130, 0),
                                      False: (76309, 104597, 25675, 53279, 132201, 16)}[frame.full_range]

    sx, xt = bilinear_axis(rect[0], rect[2], out_w)
    sy, yt = bilinear_axis(rect[1], rect[3], out_h)
    total = sx * sy * 2 ** 22
    out = np.zeros((out_h, out_w, 3))
    for i in range(out_h):
        for j in range(out_w):
            sums, inside = [0, 0, 0], 0
            for qy in range(i * sy, (i + 1) * sy):
                for ky, wy in yt[qy]:
                    for qx in range(j * sx, (j + 1) * sx):
                        for kx, wx in xt[qx]:
                            if not (0 <= ky < uh and 0 <= kx < uw):
                                continue
                            bx, by = frame.buffer_xy(kx, ky)
                            cx, cy = bx // 2, by // 2
                            yuv = (int(yp.data[by * yp.row_stride + bx * yp.pixel_stride]),
                                   int(up.data[cy * up.row_stride + cx * up.pixel_stride]),
                                   int(vp.data[cy * vp.row_stride + cx * vp.pixel_stride]))
                            for c in range(3):
                                sums[c] += wy * wx * yuv[c]
                            inside += wy * wx
            lum = (sums[0] - offset * inside) * yscale
            u, v = sums[1] - 128 * inside, sums[2] - 128 * inside
            for c, x in enumerate((lum + rv * v, lum - gu * u - gv * v, lum + bu * u)):
                x = min(max(x, 0), 255 * inside * 65536)
                out[i, j, c] = (x + fill * (total - inside) * 65536) / (total * 65536)
    return out


def resample(image, rect, out_w, out_h, method, fill):
    """Columns first (every source row), then rows; float64; taps outside read ``fill``."""
    if method == "bilinear":
        return bilinear(image, rect, out_w, out_h, fill)
    h, w, ch = image.shape
    x0, y0, x1, y1 = rect
    img = image.astype(np.float64)
    horiz = np.zeros((h, out_w, ch))
    for j, taps in enumerate(axis_taps(x0, x1, out_w, w, method)):
        for k, wt in taps:
            horiz[:, j] += wt * (img[:, k] if k is not None else fill)
    out = np.zeros((out_h, out_w, ch))
    for i, taps in enumerate(axis_taps(y0, y1, out_h, h, method)):
        for k, wt in taps:
            out[i] += wt * (horiz[k] if k is not None else fill)
    return out


def letterbox(w, h, size):
    """The square source rectangle that letterboxes a w×h image into size×size, centred."""
    s = min(size / w, size / h)
    span = size / s
    return (w - span) / 2.0, (h - span) / 2.0, (w - span) / 2.0 + span, (h - span) / 2.0 + span


def anchors(a):
    """Anchor centres (x, y), layer by layer, cell by cell, as ``Anchors`` describes them."""
    out = []
    i = 0
    while i < len(a.strides):
        j = i
        while j < len(a.strides) and a.strides[j] == a.strides[i]:
            j += 1
        cells = math.ceil(a.input_size / a.strides[i])
        for y in range(cells):
            for x in range(cells):
                for _ in range(a.anchors_per_layer * (j - i)):
                    out.append(((x + a.offset) / cells, (y + a.offset) / cells))
        i = j
    return out


def iou(a, b):
    """Intersection over union of two (xmin, ymin, xmax, ymax) boxes, axis by axis: the overlap of
    the two intervals on each axis (none when they do not overlap), their product the intersection;
    0 when there is no intersection or the union is empty."""
    inter = 1.0
    for lo, hi in ((0, 2), (1, 3)):
        overlap = min(a[hi], b[hi]) - max(a[lo], b[lo])
        if not overlap > 0:
            return 0.0
        inter *= overlap
    area = [(box[2] - box[0]) * (box[3] - box[1]) for box in (a, b)]
    union = area[0] + area[1] - inter
    return inter / union if union > 0 else 0.0


def postprocess(recipe, regressors, classificators):
    """decode + weighted NMS, row by row as the docstrings say."""
    reg = np.asarray(regressors, np.float64).reshape(-1, 4 + 2 * recipe.num_keypoints)
    cls = np.asarray(classificators, np.float64).reshape(-1)
    cands = []
    for (ax, ay), row, raw in zip(anchors(recipe.anchors), reg, cls):
        score = 1.0 / (1.0 + math.exp(-min(max(raw, -recipe.score_clip), recipe.score_clip)))
        v = [x / recipe.scale for x in row]
        if not score >= recipe.min_score or not all(math.isfinite(x) for x in v):
            continue
        cx, cy = v[0] + ax, v[1] + ay
        box = (cx - v[2] / 2, cy - v[3] / 2, cx + v[2] / 2, cy + v[3] / 2)
        kps = [(v[4 + 2 * k] + ax, v[5 + 2 * k] + ay) for k in range(recipe.num_keypoints)]
        cands.append((box, kps, score))
    order = sorted(range(len(cands)), key=lambda i: (-cands[i][2], i))
    faces = []
    while order:
        top = order[0]
        merged = [i for i in order if iou(cands[top][0], cands[i][0]) > recipe.iou_threshold]
        if top not in merged:
            merged.insert(0, top)
        order = [i for i in order if i not in merged]
        total = sum(cands[i][2] for i in merged)
        box = [sum(cands[i][0][c] * cands[i][2] for i in merged) / total for c in range(4)]
        kps = [[sum(cands[i][1][k][c] * cands[i][2] for i in merged) / total for c in range(2)]
               for k in range(recipe.num_keypoints)]
        faces.append((box, kps, cands[top][2]))
    return faces


def emotion_tensor(recipe, rgb, box):
    """The emotion model's input for a face box: square crop, resample, colour, normalize, layout."""
    xmin, ymin, xmax, ymax = box
    side = max(xmax - xmin, ymax - ymin) * recipe.crop_scale
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    rect = (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
    crop = resample(rgb, rect, recipe.size, recipe.size, recipe.resize, recipe.fill)
    if recipe.color == "GRAY":
        crop = (0.299 * crop[..., 0] + 0.587 * crop[..., 1] + 0.114 * crop[..., 2])[..., None]
    elif recipe.color == "BGR":
        crop = crop[..., ::-1]
    t = np.empty_like(crop)
    for c in range(crop.shape[2]):
        t[..., c] = (crop[..., c] - recipe.mean[c]) * recipe.scale[c]
    return t.transpose(2, 0, 1) if recipe.layout == "NCHW" else t
