"""Image files that decode into something other than they look like, or cannot be read."""

import numpy as np
import pytest
from PIL import Image

from packager.errors import PackagerError
from packager import imagefiles as image


def test_float_tiff_in_0_to_1_is_not_read_as_black(tmp_path):
    ramp = np.linspace(0.0, 1.0, 64 * 64, dtype=np.float32).reshape(64, 64)
    Image.fromarray(ramp, "F").save(tmp_path / "f.tif")
    rgb = image.load_image(tmp_path / "f.tif")
    assert rgb[0, 0, 0] == 0 and rgb[-1, -1, 0] == 255


def test_float_tiff_in_0_to_255_keeps_its_scale(tmp_path):
    Image.fromarray(np.full((8, 8), 128.0, np.float32), "F").save(tmp_path / "f.tif")
    assert (image.load_image(tmp_path / "f.tif") == 128).all()


def test_unreadable_image_is_not_called_truncated(tmp_path, monkeypatch):
    # Root reads any file whatever its mode, so the refusal is what the OS says to other users.
    Image.new("RGB", (8, 8)).save(tmp_path / "x.png")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(image.Image, "open", refuse)
    with pytest.raises(PackagerError) as e:
        image.load_image(tmp_path / "x.png")
    assert "cannot read image" in str(e.value) and "Permission denied" in str(e.value)
    assert "truncated" not in str(e.value)
