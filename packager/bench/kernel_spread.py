"""The measurement behind the pre-quantized rule (``convert.judge``, docs/DESIGN.md "Pre-quantized
models"): ``python -m packager.bench.kernel_spread``.

Each model goes through ``preparation.convert_any`` (what ``packager convert`` runs) on its sample
and check inputs; printed per model and output: the spread of the source runtime's own kernel sets
(TFLite's reference kernels vs XNNPACK; onnxruntime as written vs optimized), the converted ONNX's
worst difference from them and the limit the rule sets, each in steps of the output's
quantization scale or scaled (``difference.scaled_diff``); then per check input the pairwise
differences, so the spread's origin is visible.

Models: fer's ``emotion_model_quantized.tflite`` (hybrid: int8 weights, float activations) on a
made sample (as ``packager convert`` without ``-i``); a Keras CNN trained on the LFW subset (two classes: face or not),
full int8 with float, int8 and uint8 I/O; Keras MobileNetV2 (α 0.35, 96×96, ``weights=None``)
full int8; fer's float ``emotion_model.hdf5`` quantized by onnxruntime in QOperator form (uint8
weights, the zoo's FER+ int8 layout) and in QDQ form.  A model the converter or a kernel set
refuses is a row saying why.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from pathlib import Path

import numpy as np

from packager import difference, isolated, onnxrt, preparation, samples
from packager.errors import PackagerError


class _Quiet(contextlib.ExitStack):
    def __enter__(self):
        super().__enter__()
        self.enter_context(contextlib.redirect_stdout(io.StringIO()))
        self.enter_context(contextlib.redirect_stderr(io.StringIO()))
        return self


def _lfw_set(size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """LFW faces (label 1) and non-faces (label 0) at ``size``, RGB in [0, 1]."""
    faces = [samples.upscale(im, size) for im in samples.lfw(True)]
    other = [samples.upscale(im, size) for im in samples.lfw(False)]
    x = np.stack(faces + other).astype(np.float32) / 255.0
    return x, np.array([1] * len(faces) + [0] * len(other))


def _tflite_int8(model, rep: np.ndarray, io_type, path: Path) -> Path:
    import tensorflow as tf

    def data():
        for x in rep:
            yield [x[None]]

    c = tf.lite.TFLiteConverter.from_keras_model(model)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.representative_dataset = data
    c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if io_type is not None:
        c.inference_input_type = c.inference_output_type = io_type
    with _Quiet():
        path.write_bytes(c.convert())
    return path


def _in_dtype(x01: np.ndarray, io_name: str) -> np.ndarray:
    """One LFW image in [0, 1] as the model's input type (batch 1), integers spanning their whole
    range as the [0, 1] calibration range does."""
    if io_name == "int8":
        return np.round(x01 * 255.0 - 128.0).astype(np.int8)[None]
    if io_name == "uint8":
        return np.round(x01 * 255.0).astype(np.uint8)[None]
    return x01[None].astype(np.float32)


def make_models(folder: Path) -> dict[str, tuple[Path, np.ndarray | None]]:
    """name → (model file, sample input or None for the made one); the Keras models declare a
    dynamic batch, so they get a face from LFW as their sample."""
    import tensorflow as tf

    from packager.bench.int8_gate import _face_pipeline, _package_file

    cache_root = folder / "cache"
    _, real = _face_pipeline(None)
    crop = real.emotion_held_out[0]
    out = {"fer emotion_model_quantized.tflite (hybrid)": (_package_file("fer", "data/emotion_model_quantized.tflite"), None)}
    x, y = _lfw_set()
    tf.keras.utils.set_random_seed(0)
    i = tf.keras.Input((32, 32, 3))
    h = tf.keras.layers.Conv2D(8, 3, activation="relu")(i)
    h = tf.keras.layers.DepthwiseConv2D(3, activation="relu")(h)
    h = tf.keras.layers.Conv2D(16, 1, activation="relu")(h)
    h = tf.keras.layers.GlobalAveragePooling2D()(h)
    cnn = tf.keras.Model(i, tf.keras.layers.Softmax()(tf.keras.layers.Dense(2)(h)))
    cnn.compile("adam", "sparse_categorical_crossentropy")
    cnn.fit(x, y, epochs=15, batch_size=16, verbose=0)
    for io_name, io_type in (("float", None), ("int8", tf.int8), ("uint8", tf.uint8)):
        p = _tflite_int8(cnn, x[::5], io_type, folder / f"lfw_cnn_int8_{io_name}_io.tflite")
        out[f"Keras CNN trained on LFW, full int8, {io_name} I/O"] = (p, _in_dtype(x[63], io_name))
    tf.keras.utils.set_random_seed(0)
    mb = tf.keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10)
    rep = np.stack([samples.upscale(im, 96) for im in samples.lfw(True)[::5]]).astype(np.float32) / 127.5 - 1
    out["Keras MobileNetV2 α 0.35, random weights, full int8"] = (_tflite_int8(mb, rep, None, folder / "mnv2_int8.tflite"),
                                                                  rep[12][None])
    fer_onnx = _fer_float_onnx(folder, cache_root, crop)
    for fmt in ("QOperator", "QDQ"):
        out[f"fer float emotion model, onnxruntime {fmt}"] = (_ort_quantized(fer_onnx, fmt, real.emotion_calibration[::4], folder), crop)
    return out


def _fer_float_onnx(folder: Path, cache_root: Path, crop: np.ndarray) -> Path:
    from packager.bench.int8_gate import _fer_float_onnx as make

    return make(folder, cache_root, crop)


def _ort_quantized(src: Path, fmt: str, calibration: list[np.ndarray], folder: Path) -> Path:
    import onnx
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static

    from packager.export.quantize import _reader

    name = onnx.load(str(src)).graph.input[0].name
    dst = folder / f"fer_emotion_{fmt.lower()}.onnx"
    with _Quiet():
        quantize_static(str(src), str(dst), _reader([{name: x} for x in calibration]),
                        quant_format=getattr(QuantFormat, fmt), activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QUInt8 if fmt == "QOperator" else QuantType.QInt8)
    return dst


def _measure_text(w: dict) -> str:
    return f"{w['diff']:.3g} steps" if w["measure"] == "steps" else f"{w['diff']:.3g} scaled"


def measure(name: str, path: Path, sample: np.ndarray | None, cache_root: Path) -> list[str]:
    """Table rows of one model: the rule's record, then per check input the pairwise differences."""
    from packager import feeds as feeds_mod

    try:
        with isolated.Child() as child:
            specs = preparation.declared_inputs(str(path), child)
            given = {specs[0].name: sample} if sample is not None else feeds_mod.make(specs, [], [])[0]
            conv = preparation.convert_any(str(path), given, cache_root, child)
    except PackagerError as e:
        return [f"| {name} | — | refused: {e} | — | — |"]
    c = conv.check
    rows = []
    for n, lim in c["outputs"].items():
        s = c["spread"][n]
        spread = "one kernel set ran" if s is None else (f"{s:.3g} steps" if lim["measure"] == "steps" else f"{s:.3g} scaled")
        w = c["worst"]
        worst = f"{_measure_text(w)} ({w['input']}, {w['kernels']})" if w["output"] == n else "—"
        rows.append(f"| {name} | {n} | {spread} ({' vs '.join(c['kernels'])}) | {worst} | {lim['limit']:.3g} |")
    refs = preparation.load_references(conv.references)
    sess = onnxrt.session(conv.onnx_path.read_bytes(), threads=0)
    for (label, f), *per_kernel in zip(conv.checks, *refs.values()):
        ours = onnxrt.run(sess, f)
        sets = {"ONNX": ours, **dict(zip(refs, per_kernel))}
        keys = list(sets)
        pairs = [f"{a} vs {b} {difference.scaled_diff(sets[a], sets[b]):.2g}" for i, a in enumerate(keys) for b in keys[i + 1:]]
        top1 = {k: [int(np.argmax(v[n])) for n in v] for k, v in sets.items()}
        rows.append(f"|  | on {label} | " + "; ".join(pairs) + " (scaled) | top-1 " +
                    ("the same" if len({tuple(t) for t in top1.values()}) == 1 else str(top1)) + " | |")
    return rows


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m packager.bench.kernel_spread", description=__doc__.split("\n\n")[0]).parse_args(argv)
    lines = ["| model | output / check input | spread of the source runtime's kernels | ONNX worst | limit |",
             "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="packager-spread-") as tmp:
        for name, (path, sample) in make_models(Path(tmp)).items():
            lines += measure(name, path, sample, Path(tmp) / "cache")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
