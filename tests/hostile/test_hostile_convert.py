"""``packager convert`` refuses bad models and bad samples with one line and exit 2, before
anything is converted, and leaves a previous bundle byte-identical.

Every case here is refused while reading the model's declared inputs or the samples (ONNX,
TorchScript and numpy files: fast); the TFLite cases, which import TensorFlow, are in
tests/convert_any/."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper
from packager_cli import one_line_error, packager

import hostile_models as hm


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous_convert_bundle(tmp_path_factory) -> Path:
    """A bundle folder that a real ``packager convert`` wrote (the tiny ONNX model)."""
    d = tmp_path_factory.mktemp("previous_convert_bundle")
    model = hm.tiny_onnx(d / "tiny.onnx")
    r = packager("convert", model, "--out", d / "out", "--quiet")
    assert r.returncode == 0, r.stderr
    assert (d / "out" / "android" / "src/main/assets/tiny.ort").is_file()
    return d / "out"


def _files(tmp: Path) -> dict[str, Path]:
    """The hostile inputs, made fresh in ``tmp``."""
    f = {
        "tiny": hm.tiny_onnx(tmp / "tiny.onnx"),
        "ferplus": hm.standins.write_ferplus(tmp / "ferplus.onnx"),
        "opset26": hm.tiny_onnx(tmp / "new.onnx", opset=26),
        "index": hm.tiny_onnx(tmp / "index.onnx", index_input=True),
        "keras": tmp / "model.h5",
        "empty": tmp / "empty.onnx",
        "truncated": tmp / "truncated.onnx",
        "pickled": hm.pickled_npy(tmp / "pickled.npy"),
        "notnpy": tmp / "notnpy.npy",
    }
    # a real int64-input model: PyTorch's nn.Embedding from onnx's backend test data (opset 6), its own input
    embedding = Path(onnx.__file__).parent / "backend/test/data/pytorch-converted/test_Embedding"
    f["embedding"] = embedding / "model.onnx"
    f["embedding_x"] = tmp / "embedding_x.npy"
    np.save(f["embedding_x"], numpy_helper.to_array(onnx.load_tensor(str(embedding / "test_data_set_0/input_0.pb"))))
    f["argmax"] = _argmax_onnx(tmp / "argmax.onnx")
    f["keras"].write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    f["empty"].write_bytes(b"")
    f["truncated"].write_bytes(f["tiny"].read_bytes()[:50])
    f["notnpy"].write_bytes(b"not a numpy file")
    for name, shape, dtype in (("image", (1, 3, 8, 8), np.float32), ("image64", (1, 3, 8, 8), np.float64),
                               ("small", (1, 3, 4, 4), np.float32), ("rank3", (3, 8, 8), np.float32),
                               ("gray", (1, 1, 64, 64), np.float32), ("index_f", (1,), np.float32),
                               ("index_i", (1,), np.int64)):
        f[name] = tmp / f"{name}.npy"
        np.save(f[name], np.zeros(shape, dtype))
    return f


def _argmax_onnx(path: Path) -> Path:
    """``x`` [1, 5] float32 → ArgMax → ``label`` [1, 1] int64: a model with an integer output."""
    g = onnx.helper.make_graph([onnx.helper.make_node("ArgMax", ["x"], ["label"], axis=1)], "argmax",
                               [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 5])],
                               [onnx.helper.make_tensor_value_info("label", onnx.TensorProto.INT64, [1, 1])])
    onnx.save(onnx.helper.make_model(g, opset_imports=[onnx.helper.make_opsetid("", 13)], ir_version=7), str(path))
    return path


CASES = {
    "unknown format": (lambda f: [f["keras"]], ["unknown model format .h5", ".tflite", ".onnx", ".pt"]),
    "empty file": (lambda f: [f["empty"]], ["model file is empty"]),
    "corrupt file": (lambda f: [f["truncated"]], ["is not a valid ONNX model", "truncated"]),
    "missing file": (lambda f: [f["tiny"].with_name("nope.onnx")], ["model file not found"]),
    "opset newer than the runtime": (lambda f: [f["opset26"]], ["uses opset 26", "runs opsets up to 25"]),
    "sample of another shape": (lambda f: [f["tiny"], "-i", f["small"]],
                                ["has shape [1, 3, 4, 4]", "input 'image' takes [1, 3, 8, 8] float32"]),
    "sample of another rank": (lambda f: [f["tiny"], "-i", f["rank3"]], ["has shape [3, 8, 8]"]),
    "sample of another dtype": (lambda f: [f["tiny"], "-i", f["image64"]], ["is float64, input 'image' takes float32"]),
    "float sample for an int input": (lambda f: [f["index"], "-i", f["image"], "-i", f["index_f"]],
                                      ["is float32, input 'index' takes int64", "not a float input"]),
    "int input and no sample": (lambda f: [f["index"]], ["input 'index' is int64, not float", "-i"]),
    "int64 input the runtime cannot feed": (lambda f: [f["index"], "-i", f["image"], "-i", f["index_i"]],
                                            ["input 'index' is int64", "ModelSession and runner (Kotlin and Swift) pass "
                                             "float32 tensors only"]),
    "int64 input of a real model": (lambda f: [f["embedding"], "-i", f["embedding_x"]],
                                    ["input '0' is int64", "float32 tensors only"]),
    "int64 output the runtime cannot read": (lambda f: [f["argmax"]],
                                             ["output 'label' is int64", "the app could not read it"]),
    "one sample for two inputs": (lambda f: [f["index"], "-i", f["image"]], ["no sample for input(s) index"]),
    "two samples for one input": (lambda f: [f["tiny"], "-i", f["image"], "-i", f["image"]],
                                  ["2 -i samples for a model with 1 input(s) (image)"]),
    "sample that does not exist": (lambda f: [f["tiny"], "-i", f["tiny"].with_name("nope.npy")],
                                   ["sample for input 'image' not found"]),
    "pickled sample": (lambda f: [f["tiny"], "-i", f["pickled"]], ["not a numeric .npy array", "Python objects"]),
    "sample that is not npy": (lambda f: [f["tiny"], "-i", f["notnpy"]], ["not a numeric .npy array", "no .npy header"]),
    "dynamic dimensions and no sample": (lambda f: [f["ferplus"]],
                                         ["dynamic dimensions [?, 1, 64, 64]", "--shape Input3=1,1,64,64"]),
    "--shape for no input": (lambda f: [f["ferplus"], "--shape", "Input=1,1,64,64"], ["has no input 'Input'"]),
    "--shape that does not fit": (lambda f: [f["ferplus"], "--shape", "Input3=1,3,64,64"],
                                  ["does not fit input 'Input3'"]),
    "--shape against the sample": (lambda f: [f["ferplus"], "-i", f["gray"], "--shape", "Input3=2,1,64,64"],
                                   ["differs from the shape of sample"]),
}


def _named_tiny(args: list, tmp: Path) -> list:
    """``args`` with the model (the first) under the name of the previous bundle's model, so that
    the model, not the name, is what is refused (another model's bundle is not replaced)."""
    model = Path(args[0])
    named = tmp / "named" / f"tiny{model.suffix}"
    named.parent.mkdir()
    if model.exists():
        named.write_bytes(model.read_bytes())
    return [named, *args[1:]]


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_one_line_and_the_previous_bundle_intact(case, previous_convert_bundle, tmp_path):
    make_args, needles = CASES[case]
    before = _tree(previous_convert_bundle)
    r = packager("convert", *_named_tiny(make_args(_files(tmp_path)), tmp_path), "--out", previous_convert_bundle)
    one_line_error(r, *needles)
    assert _tree(previous_convert_bundle) == before
    assert not [p for p in previous_convert_bundle.iterdir() if p.name.startswith(".")], "a staging folder was left behind"


def test_another_model_is_not_written_over_the_bundle_of_the_first(previous_convert_bundle, tmp_path):
    """Two models into one --out: the second is refused (naming the first), the first stays."""
    before = _tree(previous_convert_bundle)
    other = hm.tiny_onnx(tmp_path / "other.onnx")
    r = packager("convert", other, "--out", previous_convert_bundle)
    one_line_error(r, f"{previous_convert_bundle / 'android'} holds the bundle of model tiny",
                   "refusing to replace it with model other", "choose another --out")
    assert _tree(previous_convert_bundle) == before
    assert not [p for p in previous_convert_bundle.iterdir() if p.name.startswith(".")]


#: What an app developer's tools leave in a bundle folder (Gradle, Android Studio, SwiftPM, Xcode).
PLANTED = {"local.properties": "sdk.dir=/opt/android-sdk\n", "build/intermediates/classes/X.class": "classes",
           ".gradle/8.7/fileHashes/fileHashes.lock": "lock", ".swiftpm/xcode/package.xcworkspace/contents.xcworkspacedata": "x",
           ".build/debug.yaml": "swiftpm"}


def test_the_same_model_replaces_its_bundle_and_keeps_the_developers_files(previous_convert_bundle, tmp_path):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(previous_convert_bundle, out, symlinks=True)
    ours = {t: _tree(out / t) for t in ("android", "ios")}
    for t in ("android", "ios"):
        for rel, text in PLANTED.items():
            (out / t / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / t / rel).write_text(text)
        (out / t / ".swiftpm" / "configuration").mkdir()  # an empty folder is kept too
    r = packager("convert", hm.tiny_onnx(tmp_path / "tiny.onnx"), "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    for t in ("android", "ios"):
        tree = _tree(out / t)
        assert {rel: tree[rel] for rel in ours[t]} == ours[t]  # the same bytes again
        assert set(tree) == set(ours[t]) | set(PLANTED)
        assert all((out / t / rel).read_text() == text for rel, text in PLANTED.items())
        assert (out / t / ".swiftpm" / "configuration").is_dir()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_state_dict_needs_an_architecture(tmp_path):
    import torch

    path = tmp_path / "weights.pt"
    torch.save(torch.nn.Linear(3, 2).state_dict(), path)
    r = packager("convert", path, "--out", tmp_path / "out")
    one_line_error(r, "holds a state_dict (weights only)", "needs its architecture", "torch.jit.trace")
    assert not (tmp_path / "out").exists()


def test_malicious_pickle_is_never_unpickled(tmp_path):
    marker = tmp_path / "pwned"
    path = hm.malicious_pickle(tmp_path / "evil.pt", marker)
    r = packager("convert", path, "--out", tmp_path / "out")
    one_line_error(r, "neither a PyTorch state_dict nor a TorchScript file")
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_a_folder_that_is_not_a_bundle_is_not_replaced(tmp_path):
    model = hm.tiny_onnx(tmp_path / "tiny.onnx")
    (tmp_path / "out" / "android").mkdir(parents=True)
    (tmp_path / "out" / "android" / "app.kt").write_text("mine")
    r = packager("convert", model, "--out", tmp_path / "out")
    one_line_error(r, "is not a packager bundle")
    assert (tmp_path / "out" / "android" / "app.kt").read_text() == "mine"


def _calibration(tmp: Path, n: int, shape=(1, 3, 8, 8), dtype=np.float32) -> Path:
    d = tmp / f"calib_{n}_{'x'.join(map(str, shape))}_{np.dtype(dtype).name}"
    d.mkdir()
    for i in range(n):
        np.save(d / f"{i:02d}.npy", np.zeros(shape, dtype))
    return d


INT8_CASES = {
    "--quantize without --calibration": (lambda f, t: ["--quantize", "int8"], ["needs --calibration"]),
    "--calibration without --quantize": (lambda f, t: ["--calibration", _calibration(t, 8)], ["needs --calibration"]),
    "--calibration that is not a folder": (lambda f, t: ["--quantize", "int8", "--calibration", f["image"]],
                                          ["not a folder of .npy files"]),
    "too few calibration files": (lambda f, t: ["--quantize", "int8", "--calibration", _calibration(t, 3)],
                                  ["3 .npy files; give at least 8"]),
    "calibration of another shape": (lambda f, t: ["--quantize", "int8", "--calibration", _calibration(t, 8, (1, 3, 4, 4))],
                                     ["is [1, 3, 4, 4] float32; input 'image' is [1, 3, 8, 8] float32"]),
    "--min-int8-agreement out of range": (lambda f, t: ["--quantize", "int8", "--calibration", _calibration(t, 8),
                                                        "--min-int8-agreement", "101"], ["percentage from 0 to 100"]),
}


@pytest.mark.parametrize("case", sorted(INT8_CASES))
def test_int8_options_refused_with_one_line(case, previous_convert_bundle, tmp_path):
    make_args, needles = INT8_CASES[case]
    before = _tree(previous_convert_bundle)
    f = _files(tmp_path)
    r = packager("convert", f["tiny"], "-i", f["image"], *make_args(f, tmp_path), "--out", previous_convert_bundle)
    one_line_error(r, *needles)
    assert _tree(previous_convert_bundle) == before


def test_int8_of_a_two_input_model_is_refused(tmp_path):
    f = _files(tmp_path)
    index = tmp_path / "index.npy"
    np.save(index, np.zeros((1,), np.int64))
    r = packager("convert", f["index"], "-i", f["image"], "-i", index, "--quantize", "int8", "--calibration",
                 _calibration(tmp_path, 8), "--out", tmp_path / "out")
    one_line_error(r, "--calibration takes one-input models; this one has 2 inputs")
    assert not (tmp_path / "out").exists()
