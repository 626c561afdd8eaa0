"""The conversion check's rule (``packager.convert.judge``) and its check inputs
(``packager.feeds.check_inputs``), on small arrays: what passes, what fails and what it says."""

from __future__ import annotations

import numpy as np
import pytest

from packager import feeds
from packager.convert import MAX_CONVERSION_DIFF, judge
from packager.errors import PackagerError

LABELS = ["the sample", "a photo"]


def _outs(*values):
    return [{"y": np.asarray(v, np.float32)} for v in values]


def test_a_float_model_is_held_to_float32_rounding():
    theirs = {"": _outs([0.5, 0.25], [0.1, 0.9])}
    rec = judge.judge("m", ["y"], LABELS, _outs([0.5, 0.25], [0.1, 0.9 + 5e-5]), theirs, "torch")
    assert rec["worst"]["input"] == "a photo" and rec["worst"]["limit"] == MAX_CONVERSION_DIFF
    with pytest.raises(PackagerError, match=r"output 'y' differs from torch on a photo by 0.001 \(scaled; limit 0.0001\)"):
        judge.judge("m", ["y"], LABELS, _outs([0.5, 0.25], [0.1, 0.901]), theirs, "torch")


def test_a_quantized_output_is_judged_in_steps_of_its_scale_against_every_kernel_set():
    step = 1 / 256
    theirs = {"reference kernels": _outs([0.5, 0.5]), "XNNPACK": _outs([0.5, 0.5 + step])}
    ours = _outs([0.5 + step, 0.5])
    rec = judge.judge("m", ["y"], LABELS[:1], ours, theirs, "TFLite", {"y": step})
    assert rec["worst"]["diff"] == pytest.approx(1.0) and rec["spread"]["y"] == pytest.approx(1.0)
    with pytest.raises(PackagerError, match=r"TFLite \(XNNPACK\) on the sample by 2 steps of its scale 0.00391 \(limit 1\)"):
        judge.judge("m", ["y"], LABELS[:1], _outs([0.5, 0.5 - step]), theirs, "TFLite", {"y": step})


def test_an_output_with_no_fixed_scale_gets_twice_the_kernels_spread():
    theirs = {"reference kernels": _outs([0.50], [0.2]), "XNNPACK": _outs([0.51], [0.2])}
    rec = judge.judge("m", ["y"], LABELS, _outs([0.52], [0.2]), theirs, "TFLite", {"y": None})
    assert rec["outputs"]["y"]["limit"] == pytest.approx(0.02, rel=1e-5)
    with pytest.raises(PackagerError, match="on the sample by 0.03"):
        judge.judge("m", ["y"], LABELS, _outs([0.53], [0.2]), theirs, "TFLite", {"y": None})


def test_outputs_that_do_not_depend_on_the_input_are_named():
    theirs = {"": [{"y": np.ones(3, np.float32), "z": np.zeros(2)}, {"y": np.ones(3, np.float32), "z": np.ones(2)}]}
    rec = judge.judge("m", ["y", "z"], LABELS, theirs[""], theirs, "onnxruntime")
    assert rec["constant_outputs"] == ["y"]


@pytest.mark.parametrize("shape,layout", [((1, 64, 64, 1), "NHWC"), ((1, 3, 32, 48), "NCHW"), ((1, 10), None),
                                          ((2, 32, 32, 3), None), ((1, 4, 4, 3), None)])
def test_image_shaped_inputs_get_a_photo(shape, layout):
    sample = {"x": np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)}
    got = feeds.check_inputs(sample)
    assert [label for label, _ in got] == ["the sample"] + (["a photo"] if layout else []) + ["random input 1", "random input 2"]
    assert feeds.image_layout(shape) == layout
    for _, f in got[1:]:
        assert f["x"].shape == shape and f["x"].dtype == np.float32
        assert -1 <= f["x"].min() and f["x"].max() <= 1  # the sample's range
    if layout:
        photo = got[1][1]["x"]
        assert photo.std() > 0.1  # a real picture, not flat
        assert not np.array_equal(photo, sample["x"])


def test_integer_image_inputs_get_the_photo_in_their_dtype_and_single_valued_integers_are_kept():
    img = {"x": np.random.default_rng(0).integers(-128, 128, (1, 32, 32, 3)).astype(np.int8)}
    photo = feeds.check_inputs(img)[1][1]["x"]
    assert photo.dtype == np.int8 and photo.min() < -100 and photo.max() > 100
    ids = {"ids": np.full((1, 8), 3, np.int64)}
    assert all(np.array_equal(f["ids"], ids["ids"]) for _, f in feeds.check_inputs(ids))
