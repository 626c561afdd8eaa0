"""``packager convert`` on the opsets people have (issue 26, item 2), on the command line: a Keras
MobileNetV3 (hard-swish: ``HardSwish``, opset 14) written by TensorFlow's own converter, an
opset-6 model from onnx's backend test data, an ai.onnx.ml-only model.  Expected values come from
the source runtimes (the TFLite interpreter; PyPI onnx's stored PyTorch outputs)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper
from packager_cli import packager

BACKEND = Path(onnx.__file__).parent / "backend" / "test" / "data"


def _entry(dist: Path, name: str) -> dict:
    return json.loads((dist / "android/manifest.json").read_text())["models"][name]


def _bundle_run(dist: Path, entry: dict, feeds: dict) -> list[np.ndarray]:
    sess = ort.InferenceSession(str(dist / "android" / entry["artifacts"]["fp32"]["file"]),
                                providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def _keras_mobilenet_v3(path: Path) -> Path:
    """Keras' MobileNetV3Small (random weights: ``weights=None``), 96×96 RGB, pooled features
    (the classifier head of an untrained model gives the same 1/1000 for every input).  Its batch
    norms take the statistics of one random batch (momentum 0, one training step): with their
    initial ones the features shrink to 1e-10, where any conversion passes."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    m = tf.keras.applications.MobileNetV3Small(input_shape=(96, 96, 3), weights=None, include_top=False,
                                               pooling="avg", include_preprocessing=False)
    for layer in m.layers:
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            layer.momentum = 0.0
    m(np.random.default_rng(0).uniform(-1, 1, (8, 96, 96, 3)).astype(np.float32), training=True)
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(m).convert())
    return path


def test_keras_mobilenet_v3_with_hard_swish_converts_at_opset_14(tmp_path):
    model = _keras_mobilenet_v3(tmp_path / "mnv3.tflite")
    import tensorflow as tf

    it = tf.lite.Interpreter(model_path=str(model))
    name = it.get_input_details()[0]["name"]
    r = packager("convert", model, "--out", tmp_path / "dist")
    # its batch is dynamic: the hint pins it and keeps the image's sides
    assert r.returncode == 2 and f"--shape {name}=1,96,96,3" in r.stderr, r.stderr
    x = np.random.default_rng(3).uniform(-1, 1, (1, 96, 96, 3)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    r = packager("convert", model, "-i", tmp_path / "x.npy", "--out", tmp_path / "dist")
    assert r.returncode == 0, r.stderr
    assert "ONNX opset 14: the lowest that defines every operator of the model (HardSwish is newer than opset 13)" in r.stderr
    entry = _entry(tmp_path / "dist", "mnv3")
    assert entry["opset"] == 14
    it.resize_tensor_input(0, [1, 96, 96, 3])
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    expected = it.get_tensor(it.get_output_details()[0]["index"])
    (got,) = _bundle_run(tmp_path / "dist", entry, {name: x})
    assert np.ptp(expected) > 0.1  # the features depend on the image
    assert np.max(np.abs(got - expected)) / max(1.0, np.max(np.abs(expected))) <= 1e-4


def test_an_opset6_backend_model_converts_and_gives_pytorchs_outputs(tmp_path):
    case = BACKEND / "pytorch-converted" / "test_BatchNorm2d_eval"
    x = numpy_helper.to_array(onnx.load_tensor(str(case / "test_data_set_0/input_0.pb")))
    expected = numpy_helper.to_array(onnx.load_tensor(str(case / "test_data_set_0/output_0.pb")))
    np.save(tmp_path / "x.npy", x)
    model = tmp_path / "bn.onnx"
    model.write_bytes((case / "model.onnx").read_bytes())
    r = packager("convert", model, "-i", tmp_path / "x.npy", "--out", tmp_path / "dist")
    assert r.returncode == 0, r.stderr
    assert "opset 6 upgraded to 13 (onnx.version_converter), verified against onnx's reference evaluator" in r.stderr
    entry = _entry(tmp_path / "dist", "bn")
    assert entry["opset"] == 13 and entry["source"]["conversion"]["checked_against"] == "onnx's reference evaluator"
    (name,) = entry["samples"]["inputs"]
    (got,) = _bundle_run(tmp_path / "dist", entry, {name: x})
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-7)  # the onnx backend's own tolerance


def test_an_ai_onnx_ml_model_converts(tmp_path):
    from onnx import helper

    nodes = [helper.make_node("Scaler", ["x"], ["y"], domain="ai.onnx.ml", offset=[0.5, 1.0, -2.0],
                              scale=[2.0, 0.25, 1.5]),
             helper.make_node("Normalizer", ["y"], ["z"], domain="ai.onnx.ml", norm="L2")]
    g = helper.make_graph(nodes, "ml", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [None, 3])],
                          [helper.make_tensor_value_info("z", onnx.TensorProto.FLOAT, [None, 3])])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("ai.onnx.ml", 1)], ir_version=7),
              str(tmp_path / "ml.onnx"))
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    r = packager("convert", tmp_path / "ml.onnx", "-i", tmp_path / "x.npy", "--out", tmp_path / "dist")
    assert r.returncode == 0, r.stderr
    entry = _entry(tmp_path / "dist", "ml")
    assert entry["opset"] is None and entry["opsets"] == {"ai.onnx.ml": 1}
    assert entry["coverage"]["after"]["NNAPI"]["supported_nodes"] == 0  # no provider takes ai.onnx.ml operators
    y = (x - np.float32([0.5, 1.0, -2.0])) * np.float32([2.0, 0.25, 1.5])
    (got,) = _bundle_run(tmp_path / "dist", entry, {"x": x})
    np.testing.assert_allclose(got, y / np.linalg.norm(y, axis=1, keepdims=True), rtol=1e-6)
