"""Resampling cases every language's resampler is held to, value by value, against
packager/reference/resample.py: rectangles chosen to be awkward (sub-pixel and random-bit
coordinates, up- and downscales with different sub-sample counts per axis, rectangles partly or
wholly outside the image, every fill, weights at the ends of their range, the refusal limits)
and the spans where computing c otherwise than the spec writes it would move a tap.
``bilinear`` and ``nearest`` must give the same float64 values bit for bit; ``antialias`` within
1e-12 (the spec's statement)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from packager.reference import resample as ref

#: Image shapes (h, w) and seeds the language suites run the cases on.
SHAPES = [((37, 53), 0), ((1, 1), 1), ((3, 200), 2), ((64, 5), 3)]

METHODS = ("bilinear", "antialias", "nearest")


def jobs(w: int, h: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    jobs = []

    def add(rect, out, method=None, fill=None):
        for m in ([method] if method else METHODS):
            f = fill if fill is not None else float(rng.choice([0, 7, 128, 255]))
            jobs.append({"rect": tuple(float(v) for v in rect), "out": out, "method": m, "fill": f})

    add((0, 0, w, h), (w, h))  # identity
    add((0, 0, w, h), (max(1, w // 4), max(1, h // 3)))  # downscale, 2×2 sub-samples
    add((0, 0, w, h), (3 * w, 2 * h))  # upscale, one sub-sample
    add((0, 0, w, h), (3 * w, max(1, h // 3)))  # one axis up, the other down (sx ≠ sy)
    add((-w, -h, 2 * w, 2 * h), (17, 11))  # the image inside a larger rectangle
    add((-100.0, -100.0, -50.0, -50.0), (4, 4))  # wholly outside
    add((w + 0.25, 0, w + 3.75, h), (5, 5))
    add((0.5, 0.5, w - 0.5, h - 0.5), (w - 1, h - 1))  # taps exactly on pixel centres
    add((0, 0, w, h), (2 * w, 2 * h))  # sub-samples on quarter pixels
    for _ in range(120):  # random rectangles of random bits
        x0, y0 = rng.uniform(-1.5 * w, 1.5 * w), rng.uniform(-1.5 * h, 1.5 * h)
        x1, y1 = x0 + rng.uniform(0.01, 3 * w), y0 + rng.uniform(0.01, 3 * h)
        add((x0, y0, x1, y1), (int(rng.integers(1, 40)), int(rng.integers(1, 40))))
    # weights at the ends of their range: p − k just below 1 (a rounds up to 2048) and just above 0
    eps = 2.0 ** -14
    add((eps, eps, w + eps, h + eps), (w, h), "bilinear", 0.0)
    add((-eps, -eps, w - eps, h - eps), (w, h), "bilinear", 255.0)
    # the refusal limits: exactly MAX_STEP per sample is accepted, beyond it refused
    add((0, 0, 2 * ref.MAX_STEP, 1), (2, 1), None, 0.0)
    add((0, 0, 2 * ref.MAX_STEP + 1, 1), (2, 1), None, 0.0)
    add((ref.MAX_COORDINATE - 10, 0, ref.MAX_COORDINATE, 5), (4, 2), None, 0.0)  # far away: all fill
    add((0, 0, math.nextafter(ref.MAX_COORDINATE, math.inf), 5), (4, 2), None, 0.0)
    add((-ref.MAX_COORDINATE, -ref.MAX_COORDINATE, -ref.MAX_COORDINATE + 3, -ref.MAX_COORDINATE + 3), (2, 2))
    add((0, 0, math.inf, 5), (4, 2))
    add((math.nan, 0, 5, 5), (4, 2))
    add((5, 5, 5, 9), (4, 2))  # empty
    add((9, 5, 5, 9), (4, 2))  # inverted
    # bilinear takes an integer fill 0..255 only
    add((0, 0, w, h), (5, 5), "bilinear", 7.5)
    add((0, 0, w, h), (5, 5), "bilinear", 256.0)
    add((0, 0, w, h), (5, 5), "bilinear", -1.0)
    add((0, 0, w, h), (5, 5), "nearest", 7.5)
    add((0, 0, w, h), (5, 5), "antialias", 7.5)
    return jobs


#: Spans (start, end, out) of the 53-pixel axis (x) and the 37-pixel axis (y) of the main test
#: image where computing c otherwise than the spec writes it, ``start + (q + 0.5) · ((end −
#: start) / n)``, moves a tap inside the image: as ``start + (q + 0.5) · (end − start) / n``
#: ("order") or with a fused multiply-add ("fma"), moves a tap or changes a weight inside the
#: image; found by a random search (bilinear: ends on multiples of 2^-12, where the weight's
#: rounding of half-way values is decided by the last bit of c; nearest: simple fractions),
#: checked by test_the_sensitive_spans_are_sensitive.
SENSITIVE = {
    ("bilinear", "order"): {53: [(0.100830078125, 35.188720703125, 27), (-45.233642578125, 16.778076171875, 7),
                                 (-3.025634765625, 8.446044921875, 45), (-26.857666015625, 95.638427734375, 13)],
                            37: [(-30.519287109375, 60.160400390625, 21), (-6.60693359375, 34.31982421875, 5),
                                 (-14.539306640625, 24.423583984375, 13), (-13.613525390625, 87.782958984375, 49)]},
    ("bilinear", "fma"): {53: [(-29.889892578125, 21.666748046875, 13), (-28.5419921875, 86.228515625, 63),
                               (-11.902099609375, 60.894775390625, 13), (-16.351318359375, 16.726806640625, 5)],
                          37: [(-16.9228515625, 31.302734375, 21), (-20.11572265625, 2.1162109375, 27),
                               (-22.758056640625, 9.458740234375, 25), (-33.6708984375, 57.935546875, 25)]},
    ("nearest", "order"): {53: [(-38.333333333333336, 13.666666666666664, 27), (-40.6, 72.6, 55),
                                (18.666666666666668, 61.33333333333333, 48), (0.0, 155.42857142857142, 34)],
                           37: [(-14.0, 59.33333333333333, 33), (-57.42857142857143, 23.14285714285714, 38),
                                (-30.083333333333332, 61.25, 36), (-13.5, 4.833333333333332, 35)]},
    ("nearest", "fma"): {53: [(17.666666666666668, 70.33333333333333, 33), (-21.0, 17.666666666666664, 29),
                              (-11.666666666666666, 55.666666666666664, 39), (-31.333333333333332, 99.33333333333333, 3)],
                         37: [(-7.666666666666667, 47.0, 41), (-24.333333333333332, 59.0, 45),
                              (-5.142857142857143, 13.142857142857142, 32), (12.714285714285714, 64.14285714285714, 63)]},
}


def _centres(start: float, end: float, n: int, how: str) -> np.ndarray:
    q = np.arange(n) + 0.5
    if how == "spec":
        return start + q * ((end - start) / n)
    if how == "order":
        return start + q * (end - start) / n
    step = (end - start) / n  # fused: one rounding of the exact q · step + start
    return np.array([float(Fraction(float(x)) * Fraction(step) + Fraction(start)) for x in q])


def moved(start: float, end: float, out: int, size: int, method: str, how: str) -> bool:
    """True when computing c by ``how`` changes a tap (or a weight) that lies inside the image."""
    if method == "nearest":
        k, k2 = np.floor(_centres(start, end, out, "spec")), np.floor(_centres(start, end, out, how))
        return bool(((k != k2) & (k >= 0) & (k < size) & (k2 >= 0) & (k2 < size)).any())
    n = out * ref.subsamples(start, end, out)
    k, a = _weights(_centres(start, end, n, "spec"))
    k2, a2 = _weights(_centres(start, end, n, how))
    return bool((((a != a2) | (k != k2)) & (np.minimum(k, k2) >= 0) & (np.maximum(k, k2) <= size - 2)).any())


def _weights(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(k, a) of each bilinear sub-sample, with (k, 2048) written as (k + 1, 0): the same taps."""
    one = 1 << ref.FRACTION_BITS
    p = c - 0.5
    k = np.floor(p)
    a = np.floor((p - k) * one + 0.5)
    return np.where(a == one, k + 1, k), np.where(a == one, 0, a)


def sensitive_jobs(w: int, h: int) -> list[dict]:
    """Each sensitive span on its axis, the other axis the identity (c on pixel centres)."""
    jobs = []
    for (method, _), spans in SENSITIVE.items():
        for x0, x1, out in spans[w]:
            jobs.append({"rect": (x0, 0.0, x1, float(h)), "out": (out, h), "method": method, "fill": 0.0})
        for y0, y1, out in spans[h]:
            jobs.append({"rect": (0.0, y0, float(w), y1), "out": (w, out), "method": method, "fill": 0.0})
    return jobs


def reference(image, job):
    try:
        return ref.resample(image, job["rect"], *job["out"], job["method"], job["fill"])
    except ValueError:
        return None


def cases(shape: tuple[int, int], seed: int) -> tuple[np.ndarray, list[dict]]:
    """The random test image of ``shape`` and its jobs (with the sensitive spans on 37×53)."""
    image = np.random.default_rng(seed + 100).integers(0, 256, (*shape, 3)).astype(np.uint8)
    js = jobs(shape[1], shape[0], seed) + (sensitive_jobs(shape[1], shape[0]) if shape == (37, 53) else [])
    return image, js


def problems(image: np.ndarray, js: list[dict], got: list, lang: str) -> list[str]:
    """Where a language's outputs (None for a refusal) differ from the reference; also fails
    when the comparison ran on too few accepted jobs per method or too few refusals."""
    out = []
    for job, value in zip(js, got):
        want = reference(image, job)
        if (want is None) != (value is None):
            out.append(f"{job}: reference {'refuses' if want is None else 'accepts'}, {lang} does not")
        elif want is None:
            continue
        elif job["method"] == "antialias":
            if not np.allclose(value, want, rtol=0, atol=1e-12):
                out.append(f"{job}: differs by {np.abs(value - want).max():.3g}")
        elif not np.array_equal(value, want):
            out.append(f"{job}: {int((value != want).sum())} values differ, by up to {np.abs(value - want).max():.3g}")
    if len(got) != len(js):
        out.append(f"{lang} answered {len(got)} of {len(js)} jobs")
    methods = [j["method"] for j, v in zip(js, got) if v is not None]
    out += [f"only {methods.count(m)} accepted {m} jobs" for m in METHODS if methods.count(m) <= 100]
    if sum(v is None for v in got) < 10:
        out.append("fewer than 10 refusals exercised")
    return out
