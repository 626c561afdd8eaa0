"""The fast reference still computes what its docstrings define.

The functions in packager/reference are vectorized for speed (``packager bench``).  Here each is
compared with a plain, loop-based transcription of its module docstring — the text the Kotlin and
Swift engineers implement — on real images: every float64 stage must agree to 1e-9, every
float32 tensor to one float32 rounding step of the float64 value.
"""

import math

import numpy as np
import pytest

from packager import samples
from packager.recipes import BLAZEFACE_SHORT_RANGE, EMOTION_FERPLUS, EMO_AFFECTNET, FER_MINIXCEPTION
from packager.reference import detect, emotion, resample

TOL = 1e-9


# --- transcriptions of the docstrings -------------------------------------------------------

def spec_taps(start, end, out, size, method):
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


def spec_bilinear(image, rect, out_w, out_h, fill):
    """``bilinear``: s × s sub-samples of 2×2 integer-weighted taps, summed as integers."""
    h, w, ch = image.shape

    def axis(start, end, out):
        s = min(2, max(1, math.ceil((end - start) / out)))
        taps = []
        for q in range(out * s):
            p = start + (q + 0.5) * ((end - start) / (out * s)) - 0.5
            k = math.floor(p)
            a = math.floor((p - k) * 2048 + 0.5)
            taps.append([(k, 2048 - a), (k + 1, a)])
        return s, taps

    sx, xt = axis(rect[0], rect[2], out_w)
    sy, yt = axis(rect[1], rect[3], out_h)
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


def spec_resample(image, rect, out_w, out_h, method, fill):
    """Columns first (every source row), then rows; float64; taps outside read ``fill``."""
    if method == "bilinear":
        return spec_bilinear(image, rect, out_w, out_h, fill)
    h, w, ch = image.shape
    x0, y0, x1, y1 = rect
    img = image.astype(np.float64)
    horiz = np.zeros((h, out_w, ch))
    for j, taps in enumerate(spec_taps(x0, x1, out_w, w, method)):
        for k, wt in taps:
            horiz[:, j] += wt * (img[:, k] if k is not None else fill)
    out = np.zeros((out_h, out_w, ch))
    for i, taps in enumerate(spec_taps(y0, y1, out_h, h, method)):
        for k, wt in taps:
            out[i] += wt * (horiz[k] if k is not None else fill)
    return out


def spec_letterbox(w, h, size):
    s = min(size / w, size / h)
    span = size / s
    return (w - span) / 2.0, (h - span) / 2.0, (w - span) / 2.0 + span, (h - span) / 2.0 + span


def spec_anchors(a):
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


def spec_postprocess(recipe, regressors, classificators):
    """decode + weighted NMS, row by row as the docstrings say."""
    reg = np.asarray(regressors, np.float64).reshape(-1, 4 + 2 * recipe.num_keypoints)
    cls = np.asarray(classificators, np.float64).reshape(-1)
    cands = []
    for (ax, ay), row, raw in zip(spec_anchors(recipe.anchors), reg, cls):
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
        merged = [i for i in order if detect.iou(cands[top][0], cands[i][0]) > recipe.iou_threshold]
        if top not in merged:
            merged.insert(0, top)
        order = [i for i in order if i not in merged]
        total = sum(cands[i][2] for i in merged)
        box = [sum(cands[i][0][c] * cands[i][2] for i in merged) / total for c in range(4)]
        kps = [[sum(cands[i][1][k][c] * cands[i][2] for i in merged) / total for c in range(2)]
               for k in range(recipe.num_keypoints)]
        faces.append((box, kps, cands[top][2]))
    return faces


def spec_emotion_tensor(recipe, rgb, box):
    xmin, ymin, xmax, ymax = box
    side = max(xmax - xmin, ymax - ymin) * recipe.crop_scale
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    rect = (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
    crop = spec_resample(rgb, rect, recipe.size, recipe.size, recipe.resize, recipe.fill)
    if recipe.color == "GRAY":
        crop = (0.299 * crop[..., 0] + 0.587 * crop[..., 1] + 0.114 * crop[..., 2])[..., None]
    elif recipe.color == "BGR":
        crop = crop[..., ::-1]
    t = np.empty_like(crop)
    for c in range(crop.shape[2]):
        t[..., c] = (crop[..., c] - recipe.mean[c]) * recipe.scale[c]
    return t.transpose(2, 0, 1) if recipe.layout == "NCHW" else t


# --- comparisons ------------------------------------------------------------------------------

def assert_float32_of(tensor32, exact64):
    """``tensor32`` is ``exact64`` rounded to float32, give or take one rounding step (a float64
    difference of 1e-13 may land on the other side of a float32 rounding boundary)."""
    ulp = np.spacing(np.abs(exact64).astype(np.float32)).astype(np.float64)
    assert np.all(np.abs(tensor32.astype(np.float64) - exact64) <= ulp), np.abs(tensor32 - exact64).max()


RECTS = [((0.0, 0.0, 512.0, 512.0), 128, 128), ((177.3, 81.9, 271.2, 175.8), 64, 64),
         ((-40.5, 10.25, 600.0, 400.75), 96, 80), ((100.0, 100.0, 112.0, 107.0), 48, 40),
         ((-90.0, -80.0, -10.0, -5.0), 8, 8), ((495.0, 500.0, 530.0, 545.0), 17, 23)]


@pytest.mark.parametrize("rect,out_w,out_h", RECTS)
@pytest.mark.parametrize("method", ["bilinear", "antialias", "nearest"])
def test_resample_is_the_docstring(rect, out_w, out_h, method):
    rgb = samples.astronaut()
    for fill in (0.0, 37.0) if method == "bilinear" else (0.0, 37.5):
        ours = resample.resample(rgb, rect, out_w, out_h, method, fill)
        spec = spec_resample(rgb, rect, out_w, out_h, method, fill)
        assert ours.shape == spec.shape and ours.dtype == np.float64
        assert np.abs(ours - spec).max() < TOL, (rect, method, fill)


def test_resample_in_strips_is_the_docstring(monkeypatch):
    """Large frames are filtered in strips of rows; small strips force many of them here."""
    monkeypatch.setattr(resample, "STRIP_BYTES", 8 * 3 * 512 * 5)  # 5 rows of the astronaut per strip
    rgb = samples.astronaut()
    for rect, out_w, out_h in RECTS[:3]:
        ours = resample.resample(rgb, rect, out_w, out_h, "antialias", 3.0)
        assert np.abs(ours - spec_resample(rgb, rect, out_w, out_h, "antialias", 3.0)).max() < TOL


def test_resample_other_shapes_and_dtypes():
    """``antialias`` takes any numeric pixels; ``bilinear`` any channel count of uint8."""
    rng = np.random.default_rng(3)
    for shape, dtype in (((37, 53, 1), np.uint8), ((20, 9, 3), np.float32), ((5, 300, 2), np.uint16)):
        img = (rng.uniform(0, 200, shape)).astype(dtype)
        methods = ("antialias", "bilinear") if dtype == np.uint8 else ("antialias",)
        for rect in ((0, 0, shape[1], shape[0]), (-3.5, 2.25, shape[1] * 1.5, shape[0] - 1.0)):
            for method in methods:
                ours = resample.resample(img, rect, 31, 17, method, 5.0)
                assert np.abs(ours - spec_resample(img, rect, 31, 17, method, 5.0)).max() < TOL


IMAGES = ["astronaut", "two_faces", "portrait", "landscape", "no_face", "lfw7"]


@pytest.fixture(scope="module")
def images():
    return samples.parity_images()


@pytest.mark.parametrize("name", IMAGES)
def test_detector_stages_are_the_docstring(name, images, reference):
    rgb = images[name]
    recipe = BLAZEFACE_SHORT_RANGE
    x, box = detect.preprocess(recipe, rgb)
    rect = spec_letterbox(rgb.shape[1], rgb.shape[0], recipe.input_size)
    assert np.abs(np.array(box.rect) - rect).max() < TOL
    exact = spec_resample(rgb, rect, 128, 128, recipe.resize, recipe.fill) * recipe.norm_scale + recipe.norm_offset
    assert x.shape == (1, 128, 128, 3) and x.dtype == np.float32
    assert_float32_of(x[0], exact)

    reg, cls = reference.run_detector(x)
    ours = detect.postprocess(recipe, reg, cls)
    spec = spec_postprocess(recipe, reg, cls)
    assert len(ours) == len(spec)
    for d, (sbox, skps, score) in zip(ours, spec):
        assert np.abs(np.array(d.box) - sbox).max() < TOL
        assert np.abs(d.keypoints - np.array(skps)).max() < TOL and abs(d.score - score) < TOL


def test_nms_on_many_overlapping_candidates():
    """Random raw outputs with hundreds of candidates: merge order, ties and weights."""
    recipe = BLAZEFACE_SHORT_RANGE
    rng = np.random.default_rng(7)
    reg = rng.normal(0, 3, (1, 896, 16)) + np.r_[0, 0, 30, 30, np.zeros(12)]
    cls = rng.normal(0, 2, (1, 896, 1))
    cls[0, 100:110] = 2.0  # ties
    ours = detect.postprocess(recipe, reg.astype(np.float32), cls.astype(np.float32))
    spec = spec_postprocess(recipe, reg.astype(np.float32), cls.astype(np.float32))
    assert len(ours) == len(spec) > 5
    for d, (sbox, skps, score) in zip(ours, spec):
        assert np.abs(np.array(d.box) - sbox).max() < TOL and abs(d.score - score) < TOL
        assert np.abs(d.keypoints - np.array(skps)).max() < TOL
    assert np.array_equal(detect.anchors(recipe.anchors), np.array(spec_anchors(recipe.anchors)))


@pytest.mark.parametrize("recipe", [FER_MINIXCEPTION, EMOTION_FERPLUS, EMO_AFFECTNET], ids=lambda r: r.name)
def test_emotion_stages_are_the_docstring(recipe, images):
    rgb = images["astronaut"]
    for box in ((177.1, 81.6, 271.4, 175.2), (-30.0, 400.0, 60.5, 530.0), (10.0, 10.0, 30.0, 60.0)):
        x = emotion.preprocess(recipe, rgb, box)
        exact = spec_emotion_tensor(recipe, rgb, box)
        assert x.shape == tuple(recipe.input_shape) and x.dtype == np.float32
        assert_float32_of(x[0], exact)
    logits = np.linspace(-3, 4, len(recipe.labels))
    result = emotion.postprocess(recipe, logits)
    e = np.exp(logits - logits.max())
    expected = e / e.sum() if recipe.outputs_are_logits else logits
    assert np.abs(np.array(result.probabilities) - expected).max() < TOL
    assert result.top_index == int(np.argmax(expected))
