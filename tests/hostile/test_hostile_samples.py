"""Samples mean what they say: a big-endian ``.npy`` is read as its values (not its raw bytes), an
empty one or one holding NaN/Inf is refused as the sample's fault, and a declared size past the
memory budget (a made sample, a ``.npy`` header) is one line naming the tensor and its size,
refused before anything is allocated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper
from packager_cli import one_line_error, packager

import hostile_models as hm


def _values() -> np.ndarray:
    return np.random.default_rng(3).uniform(-2, 2, (1, 3, 8, 8)).astype(np.float32)


def test_big_endian_sample_is_read_as_its_values(tmp_path):
    import onnxruntime as ort

    model = hm.tiny_onnx(tmp_path / "tiny.onnx")
    x = _values()
    np.save(tmp_path / "x_be.npy", x.astype(">f4"))
    r = packager("convert", model, "-i", tmp_path / "x_be.npy", "--out", tmp_path / "out", "--target", "android",
                 "--quiet")
    assert r.returncode == 0, r.stderr
    samples = tmp_path / "out" / "android" / "samples"
    bundled = np.load(samples / "tiny.sample_input.npy")
    assert bundled.dtype == np.dtype("<f4") and np.array_equal(bundled, x)
    expected = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, {"image": x})[0]
    got = np.load(samples / "tiny.sample_output.features.npy")
    assert np.abs(got - expected).max() <= 1e-4 * max(1.0, np.abs(expected).max())
    assert np.abs(got).max() < 100  # the raw bytes read as little-endian give ~1e37


def _dynamic(path: Path) -> Path:
    """Identity on ``x`` [?, 3] float32."""
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "dyn",
                              [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["n", 3])],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["n", 3])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
    return path


def _huge(path: Path) -> Path:
    """Identity on ``x`` declared [1, 100000, 100000, 100000] float32: 4e15 bytes."""
    shape = [1, 100000, 100000, 100000]
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "huge",
                              [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, shape)])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
    return path


def _npy_header_only(path: Path, shape, dtype="<f4", data: bytes = b"") -> Path:
    """A ``.npy`` whose header declares ``shape`` and whose data is ``data``."""
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, {"descr": dtype, "fortran_order": False, "shape": tuple(shape)})
        f.write(data)
    return path


def _save(path: Path, x: np.ndarray) -> Path:
    np.save(path, x)
    return path


def _with(x: np.ndarray, at, value) -> np.ndarray:
    x = x.copy()
    x[at] = value
    return x


CASES = {
    "empty sample": (lambda t: [_dynamic(t / "dyn.onnx"), "-i", _save(t / "e.npy", np.zeros((0, 3), np.float32))],
                     ["sample", "for input 'x' is empty (shape [0, 3])"]),
    "NaN in the sample": (lambda t: [hm.tiny_onnx(t / "tiny.onnx"), "-i",
                                     _save(t / "n.npy", _with(_values(), (0, 1, 2, 3), np.nan))],
                          ["for input 'image' holds 1 NaN of its 192 values", "finite"]),
    "Inf in the sample": (lambda t: [hm.tiny_onnx(t / "tiny.onnx"), "-i",
                                     _save(t / "i.npy", _with(_values(), (0, 0, slice(None), 0), -np.inf))],
                          ["for input 'image' holds 8 Inf of its 192 values"]),
    "npy header of 10^15 values": (lambda t: [_dynamic(t / "dyn.onnx"), "-i",
                                              _npy_header_only(t / "big.npy", (10**15 // 3, 3))],
                                   ["for input 'x' is [333333333333333, 3] float32: 3.55 PiB", "more than packager"]),
    "npy header past the end of the file": (lambda t: [hm.tiny_onnx(t / "tiny.onnx"), "-i",
                                                       _npy_header_only(t / "cut.npy", (1, 3, 8, 8), data=bytes(100))],
                                            ["is truncated", "declares [1, 3, 8, 8] float32 (768 bytes), the file holds 100"]),
    "declared shape of 4e15 bytes, no sample": (lambda t: [_huge(t / "huge.onnx")],
                                                ["input 'x' (no sample given, made from its declared shape) is "
                                                 "[1, 100000, 100000, 100000] float32: 3.55 PiB"]),
    "--shape of 4e15 bytes": (lambda t: [_dynamic(t / "dyn.onnx"), "--shape", "x=1000000000000000,3"],
                              ["input 'x'", "[1000000000000000, 3] float32: 10.7 PiB"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_sample_is_the_samples_fault(case, tmp_path):
    make, needles = CASES[case]
    args = make(tmp_path)
    r = packager("convert", *args, "--out", tmp_path / "out")
    one_line_error(r, *needles)
    assert "broken" not in r.stderr  # the model is not blamed
    assert not (tmp_path / "out").exists()


def test_nan_in_a_calibration_file_names_the_file(tmp_path):
    model = hm.tiny_onnx(tmp_path / "tiny.onnx")
    calib = tmp_path / "calib"
    calib.mkdir()
    for i in range(8):
        np.save(calib / f"{i:02d}.npy", _values())
    np.save(calib / "05.npy", _with(_values(), (0, 0, 0, 0), np.nan))
    r = packager("convert", model, "--quantize", "int8", "--calibration", calib, "--out", tmp_path / "out")
    one_line_error(r, "05.npy for input 'image' holds 1 NaN")
    assert not (tmp_path / "out").exists()
