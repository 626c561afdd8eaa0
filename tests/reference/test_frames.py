"""Camera frames: the orientation mapping is the camera's (checked against Pillow's EXIF
transpose), the RGB formats are lossless, the YUV formula is BT.601 as written in
``packager.reference.frames`` and the three YUV layouts read the same pixels."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from packager import samples
from packager.reference import frames


@pytest.fixture(scope="module")
def photo():
    return samples.astronaut()[100:301, 50:356]  # odd width and height: chroma edges


@pytest.mark.parametrize("layout", ["argb", "rgba", "bgra"])
@pytest.mark.parametrize("rotation", frames.ROTATIONS)
@pytest.mark.parametrize("mirrored", [False, True])
def test_rgb_layouts_give_back_the_upright_photo(photo, layout, rotation, mirrored):
    f = frames.from_rgb(photo, layout, rotation, mirrored)
    assert f.upright_size == (photo.shape[1], photo.shape[0])
    assert np.array_equal(f.rgb(), photo)


@pytest.mark.parametrize("orientation", sorted(frames.ORIENTATIONS))
def test_orientations_are_exif_and_core_graphics(photo, orientation):
    """A JPEG's stored pixels with EXIF orientation N, read as a frame with ORIENTATIONS[N], are
    what Pillow's exif_transpose shows."""
    stored = Image.fromarray(photo)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    stored.save(buf, format="PNG", exif=exif)
    shown = np.asarray(ImageOps.exif_transpose(Image.open(buf)))
    rotation, mirrored = frames.ORIENTATIONS[orientation]
    p = np.ascontiguousarray(photo)
    f = frames.Frame("rgba", p.shape[1], p.shape[0],
                     (frames.Plane(np.concatenate([p, np.zeros_like(p[..., :1])], -1).reshape(-1), 4 * p.shape[1], 4),),
                     rotation, mirrored)
    assert np.array_equal(f.rgb(), shown)


@pytest.mark.parametrize("full_range", [True, False])
def test_yuv_layouts_read_the_same_pixels_and_stay_close_to_the_photo(photo, full_range):
    got = {lay: frames.from_rgb(photo, lay, 90, False, full_range).rgb() for lay in ("i420", "nv12", "nv21")}
    assert np.array_equal(got["i420"], got["nv12"]) and np.array_equal(got["i420"], got["nv21"])
    err = np.abs(got["i420"].astype(int) - photo).mean()
    assert err < 6, err  # 4:2:0 chroma and 8-bit rounding, not a wrong formula


def test_yuv_formula_on_known_values():
    """Grey stays grey; the BT.601 primaries at full and video range; clamping."""
    def one(y, u, v, full):
        planes = (frames.Plane(np.array([y], np.uint8), 1), frames.Plane(np.array([u], np.uint8), 1),
                  frames.Plane(np.array([v], np.uint8), 1))
        return tuple(int(c) for c in frames.Frame("yuv", 1, 1, planes, full_range=full).rgb()[0, 0])

    assert one(128, 128, 128, True) == (128, 128, 128)
    assert one(235, 128, 128, False) == (255, 255, 255) and one(16, 128, 128, False) == (0, 0, 0)
    assert one(76, 85, 255, True) == (254, 0, 0)  # BT.601 red: Y 76.2, Cb 84.97, Cr 255.5
    assert one(0, 0, 0, True) == (0, 135, 0)  # far outside the gamut: clamped per channel


def test_bad_frames_are_refused(photo):
    with pytest.raises(ValueError, match="rotation"):
        frames.from_rgb(photo, "argb", 45)
    with pytest.raises(ValueError, match="unknown frame layout"):
        frames.from_rgb(photo, "yuyv")
