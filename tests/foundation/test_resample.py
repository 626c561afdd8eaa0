"""The resampling definition: exact on identity, an antialiasing triangle filter on downscale,
the canvas ``fill`` outside the image."""

import numpy as np
from PIL import Image

from packager.reference.resample import resample, taps


def test_identity_is_exact():
    img = np.random.default_rng(0).integers(0, 256, (37, 53, 3)).astype(np.uint8)
    out = resample(img, (0, 0, 53, 37), 53, 37, "bilinear", 0.0)
    assert np.array_equal(out, img.astype(np.float64))


def test_weights_are_normalized_triangles():
    idx, w = taps(0.0, 40.0, 10, 40, "bilinear")  # 4× downscale: radius 4
    assert np.allclose(w.sum(axis=1), 1.0)
    c = 0 + 4.5 * 4.0  # centre of output column 4
    k = idx[4][w[4] > 0]
    assert set(k.tolist()) == set(range(int(np.ceil(c - 0.5 - 4)), int(np.floor(c - 0.5 + 4)) + 1))


def test_downscale_agrees_with_pillow_inside_the_image():
    """Pillow's BILINEAR resize is the same triangle filter widened by the scale; away from
    the borders (where Pillow renormalizes and we read the fill) the two must agree."""
    rng = np.random.default_rng(1)
    img = rng.uniform(0, 255, (96, 128)).astype(np.float32)
    ours = resample(img[..., None], (0, 0, 128, 96), 32, 24, "bilinear", 0.0)[..., 0]
    theirs = np.asarray(Image.fromarray(img, "F").resize((32, 24), Image.Resampling.BILINEAR))
    assert np.abs(ours[2:-2, 2:-2] - theirs[2:-2, 2:-2]).max() < 1e-3


def test_outside_the_image_reads_fill():
    img = np.full((10, 10, 1), 200, np.uint8)
    out = resample(img, (-10, 0, 20, 10), 30, 10, "bilinear", 7.0)
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
    import pytest

    from packager.reference.resample import MAX_COORDINATE, MAX_STEP

    img = np.zeros((8, 8, 1), np.uint8)
    ok = resample(img, (0, 0, MAX_STEP * 2, 8), 2, 8, "bilinear", 0.0)
    assert ok.shape == (8, 2, 1)
    for rect in [(0, 0, MAX_STEP * 2 + 1, 8), (0, 0, 8, MAX_COORDINATE * 2), (float("nan"), 0, 8, 8), (4, 0, 4, 8)]:
        with pytest.raises(ValueError):
            resample(img, rect, 2, 8, "bilinear", 0.0)
        with pytest.raises(ValueError):
            resample(img, rect, 2, 8, "nearest", 0.0)
