"""The fast reference computes what its loop-level statement (``packager.reference.statements``)
says, on real images: every float64 stage agrees to 1e-9, every float32 tensor to one float32
rounding step of the float64 value."""

import numpy as np
import pytest

from packager import samples
from packager.recipes import BLAZEFACE_SHORT_RANGE, EMOTION_FERPLUS, EMO_AFFECTNET, FER_MINIXCEPTION
from packager.reference import detect, emotion, frames, resample
from packager.reference import statements

TOL = 1e-9


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
        spec = statements.resample(rgb, rect, out_w, out_h, method, fill)
        assert ours.shape == spec.shape and ours.dtype == np.float64
        assert np.abs(ours - spec).max() < TOL, (rect, method, fill)


@pytest.mark.parametrize("layout,rotation,mirrored,full_range",
                         [("nv21", 90, False, True), ("nv12", 270, True, False), ("i420", 180, True, True)])
def test_yuv_frames_are_the_docstring(layout, rotation, mirrored, full_range):
    """Camera frames resampled by their planes (``frames.resample``), bit for bit: every value is
    an exact integer over a power of two; odd sizes (chroma edges) and rectangles beyond the frame."""
    photo = samples.astronaut()[90:291, 140:373]  # 233 × 201
    frame = frames.from_rgb(photo, layout, rotation, mirrored, full_range)
    for rect, out_w, out_h in (((0.0, -16.0, 233.0, 217.0), 32, 32), ((60.3, 40.7, 120.2, 110.1), 24, 28),
                               ((-30.0, 150.5, 40.0, 230.0), 9, 11), ((100.0, 100.0, 104.0, 103.0), 13, 10)):
        for fill in (0.0, 37.0):
            ours = frames.resample(frame, rect, out_w, out_h, "bilinear", fill)
            spec = statements.yuv_frame_bilinear(frame, rect, out_w, out_h, fill)
            assert np.array_equal(ours, spec), (rect, fill)


def test_resample_in_strips_is_the_docstring(monkeypatch):
    """Large frames are filtered in strips of rows; small strips force many of them here."""
    monkeypatch.setattr(resample, "STRIP_BYTES", 8 * 3 * 512 * 5)  # 5 rows of the astronaut per strip
    rgb = samples.astronaut()
    for rect, out_w, out_h in RECTS[:3]:
        ours = resample.resample(rgb, rect, out_w, out_h, "antialias", 3.0)
        assert np.abs(ours - statements.resample(rgb, rect, out_w, out_h, "antialias", 3.0)).max() < TOL


def test_resample_other_shapes_and_dtypes():
    """``antialias`` takes any numeric pixels; ``bilinear`` any channel count of uint8."""
    rng = np.random.default_rng(3)
    for shape, dtype in (((37, 53, 1), np.uint8), ((20, 9, 3), np.float32), ((5, 300, 2), np.uint16)):
        img = (rng.uniform(0, 200, shape)).astype(dtype)
        methods = ("antialias", "bilinear") if dtype == np.uint8 else ("antialias",)
        for rect in ((0, 0, shape[1], shape[0]), (-3.5, 2.25, shape[1] * 1.5, shape[0] - 1.0)):
            for method in methods:
                ours = resample.resample(img, rect, 31, 17, method, 5.0)
                assert np.abs(ours - statements.resample(img, rect, 31, 17, method, 5.0)).max() < TOL


IMAGES = ["astronaut", "two_faces", "portrait", "landscape", "no_face", "lfw7"]


@pytest.fixture(scope="module")
def images():
    return samples.parity_images()


@pytest.mark.parametrize("name", IMAGES)
def test_detector_stages_are_the_docstring(name, images, reference):
    rgb = images[name]
    recipe = BLAZEFACE_SHORT_RANGE
    x, box = detect.preprocess(recipe, rgb)
    rect = statements.letterbox(rgb.shape[1], rgb.shape[0], recipe.input_size)
    assert np.abs(np.array(box.rect) - rect).max() < TOL
    exact = statements.resample(rgb, rect, 128, 128, recipe.resize, recipe.fill) * recipe.norm_scale + recipe.norm_offset
    assert x.shape == (1, 128, 128, 3) and x.dtype == np.float32
    assert_float32_of(x[0], exact)

    reg, cls = reference.run_detector(x)
    ours = detect.postprocess(recipe, reg, cls)
    spec = statements.postprocess(recipe, reg, cls)
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
    spec = statements.postprocess(recipe, reg.astype(np.float32), cls.astype(np.float32))
    assert len(ours) == len(spec) > 5
    for d, (sbox, skps, score) in zip(ours, spec):
        assert np.abs(np.array(d.box) - sbox).max() < TOL and abs(d.score - score) < TOL
        assert np.abs(d.keypoints - np.array(skps)).max() < TOL
    assert np.array_equal(detect.anchors(recipe.anchors), np.array(statements.anchors(recipe.anchors)))


def test_iou_is_the_docstring():
    """detect.iou against its own loop-level statement: overlapping, nested, touching, disjoint on
    one axis or both, degenerate and reversed boxes, and random ones."""
    boxes = [(0.0, 0.0, 1.0, 1.0), (0.5, 0.25, 1.5, 2.0), (0.2, 0.2, 0.4, 0.3), (1.0, 0.0, 2.0, 1.0),
             (2.0, 2.0, 3.0, 3.0), (0.5, 5.0, 0.7, 6.0), (0.3, 0.3, 0.3, 0.9), (1.0, 1.0, 0.0, 0.0),
             (-1.0, -1.0, 0.5, 0.5)]
    rng = np.random.default_rng(11)
    corners = rng.uniform(-1, 2, (60, 2, 2))
    boxes += [(*c.min(axis=0), *c.max(axis=0)) for c in corners]
    for a in boxes:
        for b in boxes:
            assert abs(detect.iou(a, b) - statements.iou(a, b)) < TOL, (a, b)


def test_the_nms_statement_does_not_lean_on_the_code_it_checks(monkeypatch):
    """A broken detect.iou changes detect.postprocess, not its statement: the NMS comparison above
    would catch it."""
    recipe = BLAZEFACE_SHORT_RANGE
    rng = np.random.default_rng(7)
    reg = (rng.normal(0, 3, (1, 896, 16)) + np.r_[0, 0, 30, 30, np.zeros(12)]).astype(np.float32)
    cls = rng.normal(0, 2, (1, 896, 1)).astype(np.float32)
    spec = statements.postprocess(recipe, reg, cls)
    monkeypatch.setattr(detect, "iou", lambda a, b: 0.0)
    assert len(statements.postprocess(recipe, reg, cls)) == len(spec)
    assert len(detect.postprocess(recipe, reg, cls)) != len(spec)


@pytest.mark.parametrize("recipe", [FER_MINIXCEPTION, EMOTION_FERPLUS, EMO_AFFECTNET], ids=lambda r: r.name)
def test_emotion_stages_are_the_docstring(recipe, images):
    rgb = images["astronaut"]
    for box in ((177.1, 81.6, 271.4, 175.2), (-30.0, 400.0, 60.5, 530.0), (10.0, 10.0, 30.0, 60.0)):
        x = emotion.preprocess(recipe, rgb, box)
        exact = statements.emotion_tensor(recipe, rgb, box)
        assert x.shape == tuple(recipe.input_shape) and x.dtype == np.float32
        assert_float32_of(x[0], exact)
    logits = np.linspace(-3, 4, len(recipe.labels))
    result = emotion.postprocess(recipe, logits)
    e = np.exp(logits - logits.max())
    expected = e / e.sum() if recipe.outputs_are_logits else logits
    assert np.abs(np.array(result.probabilities) - expected).max() < TOL
    assert result.top_index == int(np.argmax(expected))
