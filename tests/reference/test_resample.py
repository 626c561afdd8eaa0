"""The resampling definition: ``bilinear`` (2×2 taps per sub-sample, integer fixed point, equal
to its loop-level statement), ``antialias`` (a triangle filter widened on downscale), exact on
identity, the canvas ``fill`` outside the image."""

import numpy as np
from PIL import Image

import pytest

from packager.reference import statements
from packager.reference.resample import bilinear_taps, resample, taps

RECTS = [  # (rect, out_w, out_h, fill): up- and downscales, partly and fully outside, sub-pixel
    ((-5.3, 2.2, 60.7, 30.1), 17, 11, 0),
    ((10.1, -20.0, 14.2, 50.0), 9, 23, 128),
    ((0.0, 0.0, 53.0, 37.0), 7, 5, 3),
    ((-100.0, -100.0, -50.0, -50.0), 4, 4, 9),
    ((0.0, 0.0, 53.0, 37.0), 40, 30, 0),
    ((20.25, 10.5, 20.75, 11.0), 6, 6, 255),
]


@pytest.mark.parametrize("method", ["bilinear", "antialias"])
def test_identity_is_exact(method):
    img = np.random.default_rng(0).integers(0, 256, (37, 53, 3)).astype(np.uint8)
    out = resample(img, (0, 0, 53, 37), 53, 37, method, 0.0)
    assert np.array_equal(out, img.astype(np.float64))


@pytest.mark.parametrize("rect, out_w, out_h, fill", RECTS)
def test_bilinear_equals_its_loop_level_statement(rect, out_w, out_h, fill):
    img = np.random.default_rng(3).integers(0, 256, (37, 53, 3)).astype(np.uint8)
    assert np.array_equal(resample(img, rect, out_w, out_h, "bilinear", fill), statements.bilinear(img, rect, out_w, out_h, fill))


def test_bilinear_reads_two_taps_per_subsample_and_two_subsamples_when_downscaling():
    idx, w, s = bilinear_taps(0.0, 40.0, 10, 40)  # 4× downscale
    assert s == 2 and idx.shape == (20, 2) and (w.sum(axis=1) == 2048).all()
    # sub-sample 0 lies at c = 1.0: p = 0.5 → pixels 0 and 1, half each
    assert idx[0].tolist() == [0, 1] and w[0].tolist() == [1024, 1024]
    assert bilinear_taps(0.0, 10.0, 20, 10)[2] == 1  # upscale: one sub-sample


def test_bilinear_refuses_what_it_cannot_state_exactly():
    img = np.zeros((4, 4, 3), np.uint8)
    with pytest.raises(ValueError):
        resample(img.astype(np.float32), (0, 0, 4, 4), 2, 2, "bilinear", 0.0)
    with pytest.raises(ValueError):
        resample(img, (0, 0, 4, 4), 2, 2, "bilinear", 0.5)


def test_weights_are_normalized_triangles():
    idx, w = taps(0.0, 40.0, 10, 40, "antialias")  # 4× downscale: radius 4
    assert np.allclose(w.sum(axis=1), 1.0)
    c = 0 + 4.5 * 4.0  # centre of output column 4
    k = idx[4][w[4] > 0]
    assert set(k.tolist()) == set(range(int(np.ceil(c - 0.5 - 4)), int(np.floor(c - 0.5 + 4)) + 1))


def test_downscale_agrees_with_pillow_inside_the_image():
    """Pillow's BILINEAR resize is the same triangle filter widened by the scale; away from
    the borders (where Pillow renormalizes and we read the fill) the two must agree."""
    rng = np.random.default_rng(1)
    img = rng.uniform(0, 255, (96, 128)).astype(np.float32)
    ours = resample(img[..., None], (0, 0, 128, 96), 32, 24, "antialias", 0.0)[..., 0]
    theirs = np.asarray(Image.fromarray(img, "F").resize((32, 24), Image.Resampling.BILINEAR))
    assert np.abs(ours[2:-2, 2:-2] - theirs[2:-2, 2:-2]).max() < 1e-3


def test_outside_the_image_reads_fill():
    img = np.full((10, 10, 1), 200, np.uint8)
    for method in ("bilinear", "antialias"):
        out = resample(img, (-10, 0, 20, 10), 30, 10, method, 7.0)
        assert np.allclose(out[:, :9], 7.0) and np.allclose(out[:, 11:19], 200.0) and np.allclose(out[:, 21:], 7.0)
    near = resample(img, (-10, 0, 20, 10), 30, 10, "nearest", 7.0)
    assert np.all(near[:, :10] == 7.0) and np.all(near[:, 10:20] == 200.0)


def test_nearest_picks_the_pixel_under_the_sample():
    img = np.arange(16, dtype=np.uint8).reshape(4, 4, 1)
    out = resample(img, (0, 0, 4, 4), 8, 8, "nearest", 0.0)[..., 0]
    assert out[0, 0] == 0 and out[0, 1] == 0 and out[0, 2] == 1 and out[7, 7] == 15


def test_runaway_rectangles_are_refused():
    """The limits every language shares (MAX_STEP, MAX_COORDINATE): beyond them only bad input
    is possible, and all three refuse it alike."""
    from packager.reference.resample import MAX_COORDINATE, MAX_STEP

    img = np.zeros((8, 8, 1), np.uint8)
    for method in ("bilinear", "antialias", "nearest"):
        ok = resample(img, (0, 0, MAX_STEP * 2, 8), 2, 8, method, 0.0)
        assert ok.shape == (8, 2, 1)
        for rect in [(0, 0, MAX_STEP * 2 + 1, 8), (0, 0, 8, MAX_COORDINATE * 2), (float("nan"), 0, 8, 8), (4, 0, 4, 8)]:
            with pytest.raises(ValueError):
                resample(img, rect, 2, 8, method, 0.0)


def test_the_sensitive_spans_are_sensitive():
    """Each span of resample_cases.SENSITIVE really moves a tap when c is computed in another
    order or with a fused multiply-add: the language suites' comparison on them can fail."""
    import resample_cases

    for (method, how), spans in resample_cases.SENSITIVE.items():
        for size, found in spans.items():
            for start, end, out in found:
                assert resample_cases.moved(start, end, out, size, method, how), (method, how, size, start, end, out)
