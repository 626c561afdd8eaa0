"""``packager.feeds``: how ``packager convert`` matches samples to a model's declared inputs (pure
numpy, no model run)."""

import numpy as np
import pytest

from packager import feeds
from packager.errors import PackagerError
from packager.signature import TensorSpec

IMAGE = TensorSpec("image", (None, 3, 8, 8), "float32")
MASK = TensorSpec("mask", (1, 8), "float32")


def _save(tmp_path, name, shape, dtype=np.float32):
    p = tmp_path / f"{name}.npy"
    np.save(p, np.arange(np.prod(shape)).reshape(shape).astype(dtype))
    return str(p)


def test_samples_by_order_and_by_name(tmp_path):
    img, mask = _save(tmp_path, "img", (2, 3, 8, 8)), _save(tmp_path, "mask", (1, 8))
    for args in ([img, mask], [f"mask={mask}", img], [f"mask={mask}", f"image={img}"]):
        got, notes = feeds.make([IMAGE, MASK], args, [])
        assert list(got) == ["image", "mask"] and got["image"].shape == (2, 3, 8, 8)
        assert notes == ["input 'image': dynamic dimensions of [?, 3, 8, 8] float32 pinned to the sample's [2, 3, 8, 8]"]


def test_made_samples_are_deterministic_and_said(tmp_path):
    a, notes = feeds.make([IMAGE, MASK], [], ["image=1,3,8,8"])
    b, _ = feeds.make([IMAGE, MASK], [], ["image=1,3,8,8"])
    assert all(np.array_equal(a[n], b[n]) for n in a) and a["mask"].dtype == np.float32
    assert 0.0 <= a["image"].min() and a["image"].max() < 1.0
    assert len(notes) == 2 and all("no sample given" in n and "(seed 0)" in n for n in notes)


@pytest.mark.parametrize("args, shapes, needle", [
    (["x.npy"], [], "no sample for input(s) mask"),
    ([], [], "dynamic dimensions [?, 3, 8, 8]"),
    ([], ["image=1,3,8"], "does not fit input 'image'"),
    ([], ["image=1,3,8,0"], "positive integers"),
    ([], ["1,3,8,8"], "write NAME=D,D,..."),
])
def test_refusals(args, shapes, needle):
    with pytest.raises(PackagerError) as e:
        feeds.make([IMAGE, MASK], args, shapes)
    assert needle in str(e.value) and "\n" not in str(e.value)


def test_spec_fits_and_describes():
    assert IMAGE.fits((5, 3, 8, 8)) and not IMAGE.fits((5, 3, 8)) and not IMAGE.fits((1, 1, 8, 8))
    assert IMAGE.describe() == "[?, 3, 8, 8] float32" and not IMAGE.static and MASK.static
    assert TensorSpec("x", None, None).fits((1, 2)) and TensorSpec("x", None, None).describe() == "? of any dtype"


@pytest.mark.parametrize("shape, hint", [
    ((None, None, None, 3), "image=1,224,224,3"),      # NHWC with dynamic height and width (Keras)
    ((None, 3, None, None), "image=1,3,224,224"),      # NCHW (torch)
    ((None, 1, None, None), "image=1,1,224,224"),      # gray
    ((None, 192, 192, 3), "image=1,192,192,3"),        # static sides are kept
    ((None, None), "image=1,1"),                       # not an image: every dynamic dimension 1
    ((None, 7, None, None), "image=1,7,1,1"),          # 7 channels: not an image either
])
def test_shape_hints_make_sense_for_images(shape, hint):
    with pytest.raises(PackagerError, match=f"--shape {hint}$"):
        feeds.make([TensorSpec("image", shape, "float32")], [], [])
