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


def _nan_rows_astronaut(path):
    """The astronaut in gray as a float TIFF in 0..1 with no-data (NaN) rows across the top and
    bottom, away from her face."""
    from packager import samples

    gray = samples.astronaut().mean(axis=2).astype(np.float32) / 255.0
    gray[:30] = np.nan
    gray[-20:] = np.nan
    Image.fromarray(gray, "F").save(path)
    return path


def _corrupt_exif_jpeg(path):
    from packager import samples

    exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\x05\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00" + b"\xff" * 10
    Image.fromarray(samples.astronaut()).save(path, exif=exif)
    return path


def test_nan_rows_are_black_and_the_rest_keeps_its_scale(tmp_path):
    import warnings

    ramp = np.linspace(0.0, 1.0, 64 * 64, dtype=np.float32).reshape(64, 64)
    ramp[10:20] = np.nan
    ramp[30, 0], ramp[31, 0] = np.inf, -np.inf
    Image.fromarray(ramp, "F").save(tmp_path / "f.tif")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's RuntimeWarning on casting NaN was printed on success
        rgb = image.load_image(tmp_path / "f.tif")
    assert (rgb[10:20] == 0).all() and rgb[-1, -1, 0] == 255 and rgb[40, 40, 0] > 100
    assert rgb[30, 0, 0] == 255 and rgb[31, 0, 0] == 0


def test_corrupt_exif_is_ignored_without_a_warning(tmp_path):
    import warnings

    path = _corrupt_exif_jpeg(tmp_path / "x.jpg")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rgb = image.load_image(path)
    assert rgb.shape == (512, 512, 3)


def test_run_says_nothing_but_its_results_on_such_images(tmp_path, prepared_default):
    from packager_cli import packager

    for path in (_nan_rows_astronaut(tmp_path / "nan_rows.tif"), _corrupt_exif_jpeg(tmp_path / "exif.jpg")):
        r = packager("run", path, "--quiet")
        assert r.returncode == 0 and r.stderr == "", r.stderr
        assert r.stdout.startswith(f"{path}: 1 face"), r.stdout
