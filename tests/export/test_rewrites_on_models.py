"""The provider rewrites of issue 26 on real models, through the build's own step
(``artifacts.optimize_for_providers``): each fires where its operator splits a model, leaves every
output bit-identical on real inputs (the astronaut photo resized to the input, and uniform noise),
and raises the coverage ONNX Runtime's usability checker measures.

The models: onnx's backend test data (the ONNX model zoo's light ResNet-50 and SqueezeNet, and
PyTorch's BatchNorm2d export, opset 6) and torchvision's MobileNetV3-small architecture
(``tools/torch_architectures.py``) exported by torch; a small torch network for the padding forms
Keras writes (ZeroPadding2D before a strided convolution and before the stem's max pool)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from PIL import Image

from packager import samples
from packager.cache import Cache
from packager.convert import onnxfile
from packager.export import artifacts, coverage, rewrite

REPO = Path(__file__).resolve().parents[2]
BACKEND = Path(onnx.__file__).parent / "backend" / "test" / "data"


def _astronaut(shape) -> np.ndarray:
    """The astronaut photo resized to an NCHW input of ``shape``, in [0, 1]."""
    img = Image.fromarray(samples.astronaut()).resize((shape[3], shape[2]))
    return np.ascontiguousarray(np.asarray(img, np.float32).transpose(2, 0, 1)[None] / 255.0)


def _feeds(name: str, shape) -> list[dict]:
    rng = np.random.default_rng(0)
    return [{name: _astronaut(shape)}, {name: rng.uniform(0, 1, shape).astype(np.float32)},
            {name: rng.normal(0, 2, shape).astype(np.float32)}]


def _run_as_written(model: bytes, feed: dict) -> list[np.ndarray]:
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(model, so, providers=["CPUExecutionProvider"]).run(None, feed)


def _optimized(model: onnx.ModelProto, feeds: list[dict], tmp_path) -> tuple[bytes, bytes, list, dict, dict]:
    named = rewrite.canonical_names(model).SerializeToString(deterministic=True)
    out, records, before, after = artifacts.optimize_for_providers(named, feeds, Cache(tmp_path / "cache"))
    for feed in feeds:  # the build proved it; say it again here, value by value
        for a, b in zip(_run_as_written(named, feed), _run_as_written(out, feed)):
            assert np.array_equal(a, b)
    return named, out, records, before, after


def _cells(cov: dict) -> dict:
    return {p: (cov[p]["supported_nodes"], cov[p]["nodes"], cov[p]["partitions"]) for p in coverage.PROVIDERS}


def _light(name: str) -> tuple[onnx.ModelProto, str, list[int]]:
    """A zoo light graph as ``packager convert`` makes it (opset 9 → 13, weights as constants,
    shapes pinned) on the astronaut."""
    path = BACKEND / "light" / f"light_{name}.onnx"
    m = onnx.load(str(path))
    inits = {i.name for i in m.graph.initializer}
    (x,) = [i for i in m.graph.input if i.name not in inits]
    shape = [d.dim_value for d in x.type.tensor_type.shape.dim]
    return onnxfile.convert_any(str(path), {x.name: _astronaut(shape)}).model, x.name, shape


def test_sum_to_add_makes_the_zoo_resnet50_whole_on_every_provider(tmp_path):
    model, name, shape = _light("resnet50")
    _, _, records, before, after = _optimized(model, _feeds(name, shape), tmp_path)
    assert [(r["rewrite"], r["nodes"], r["max_abs_diff"]) for r in records] == [("sum-to-add", 16, 0.0)]
    assert all(c == (107, 123, 17) for c in _cells(before).values())
    assert all(c == (123, 123, 1) for c in _cells(after).values()) and coverage.complete(after)


def test_flatten_to_reshape_gives_mlprogram_the_zoo_squeezenets_head(tmp_path):
    model, name, shape = _light("squeezenet")
    _, _, records, before, after = _optimized(model, _feeds(name, shape), tmp_path)
    assert [r["rewrite"] for r in records] == ["flatten-to-reshape"]
    assert _cells(before)["CoreML MLProgram"] == (66, 67, 2) and coverage.complete(after)


def test_batchnorm_to_mul_add_on_pytorchs_batchnorm_export(tmp_path):
    case = BACKEND / "pytorch-converted" / "test_BatchNorm2d_eval"
    x = onnx.numpy_helper.to_array(onnx.load_tensor(str(case / "test_data_set_0/input_0.pb")))
    expected = onnx.numpy_helper.to_array(onnx.load_tensor(str(case / "test_data_set_0/output_0.pb")))
    conv = onnxfile.convert_any(str(case / "model.onnx"), {"0": x})  # opset 6 → 13, checked
    rng = np.random.default_rng(1)
    feeds = [{"0": x}, {"0": rng.normal(0, 3, x.shape).astype(np.float32)}]
    _, out, records, before, after = _optimized(conv.model, feeds, tmp_path)
    assert [r["rewrite"] for r in records] == ["batchnorm-to-mul-add"]
    assert _cells(before)["CoreML MLProgram"] == (0, 1, 0) and coverage.complete(after)
    np.testing.assert_allclose(_run_as_written(out, {"0": x})[0], expected, rtol=1e-3, atol=1e-7)  # PyTorch's own


def _torch_onnx(module, shape, path: Path) -> onnx.ModelProto:
    import torch

    with torch.no_grad():
        torch.onnx.export(module.eval(), (torch.rand(*shape),), str(path), dynamo=False, opset_version=13,
                          input_names=["x"], output_names=["y"])
    return onnx.load(str(path))


def test_hard_activations_decomposed_make_mobilenet_v3_small_whole(tmp_path):
    import torch

    sys.path.insert(0, str(REPO / "tools"))
    from torch_architectures import mobilenet_v3_small

    torch.manual_seed(0)
    net = mobilenet_v3_small()
    shape = [1, 3, 224, 224]
    model = _torch_onnx(net, shape, tmp_path / "mnv3.onnx")
    feeds = _feeds("x", shape)
    _, out, records, before, after = _optimized(model, feeds, tmp_path)
    assert [(r["rewrite"], r["nodes"]) for r in records] == [("decompose-hard-activations", 28), ("flatten-to-reshape", 1)]
    assert _cells(before)["NNAPI"] == (113, 141, 29)  # the count for torchvision's model
    assert coverage.complete(after)
    ops = {n.op_type for n in onnx.load_from_string(out).graph.node}
    assert not ops & {"HardSwish", "HardSigmoid", "Flatten"}
    with torch.no_grad():
        want = net(torch.from_numpy(feeds[0]["x"])).numpy()
    assert np.max(np.abs(_run_as_written(out, feeds[0])[0] - want)) <= 1e-4 * max(1.0, np.max(np.abs(want)))
    # NNAPI takes a Clip only as relu1 or relu6: the gate is Relu(Clip(-1, 1)), never Clip(0, 1)
    g = onnx.load_from_string(out).graph
    consts = {i.name: onnx.numpy_helper.to_array(i) for i in g.initializer}
    bounds = {(float(consts[n.input[1]]), float(consts[n.input[2]])) for n in g.node if n.op_type == "Clip"}
    assert bounds <= {(-1.0, 1.0), (0.0, 6.0)}


def _keras_stem(path: Path) -> Path:
    """Keras' ResNet50 stem (ZeroPadding2D → Conv 7×7 stride 2 'valid' → ReLU → ZeroPadding2D →
    MaxPool 3×3 stride 2), then a 1×1 Conv, a tanh, a pad and an average pool, written by
    TensorFlow's TFLite converter."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    k = tf.keras.layers
    x = tf.keras.Input((64, 64, 3), batch_size=1)
    y = k.MaxPooling2D(3, 2)(k.ZeroPadding2D(1)(k.ReLU()(k.Conv2D(8, 7, 2)(k.ZeroPadding2D(3)(x)))))
    y = k.AveragePooling2D(2, 2)(k.ZeroPadding2D(1)(k.Activation("tanh")(k.Conv2D(4, 1)(y))))
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(tf.keras.Model(x, y)).convert())
    return path


def test_a_pad_before_the_nhwc_transpose_moves_after_it(tmp_path):
    from packager.convert import tflite

    path = _keras_stem(tmp_path / "stem.tflite")
    (spec,) = tflite.inputs(str(path))
    nhwc = np.ascontiguousarray(_astronaut([1, 3, 64, 64]).transpose(0, 2, 3, 1))
    conv = tflite.convert_any(str(path), {spec.name: nhwc})
    rng = np.random.default_rng(2)
    feeds = [{spec.name: nhwc}, {spec.name: rng.normal(0, 2, nhwc.shape).astype(np.float32)}]
    _, out, records, before, after = _optimized(conv.model, feeds, tmp_path)
    assert [(r["rewrite"], r["nodes"]) for r in records] == [("pad-before-transpose", 1)]
    # the input's Pad, before the Transpose to NCHW, is the one node MLProgram does not take
    assert before["CoreML MLProgram"]["unsupported_ops"] == ["ai.onnx:Pad"]
    assert before["CoreML MLProgram"]["nodes"] - before["CoreML MLProgram"]["supported_nodes"] == 1
    assert coverage.complete(after)  # after it, onnxruntime folds it into the Conv (PadFusion)


@pytest.mark.parametrize("make", [rewrite.decompose_hard_activations, rewrite.sum_to_add, rewrite.flatten_to_reshape,
                                  rewrite.batchnorm_to_mul_add, rewrite.pad_before_transpose])
def test_a_graph_without_the_pattern_is_left_alone(make):
    model, _, _ = _light("squeezenet")
    if make is rewrite.flatten_to_reshape:
        model, _, _ = _light("vgg19")
    assert make(model).nodes == 0
