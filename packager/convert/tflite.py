"""TFLite front end: tf2onnx, checked against TensorFlow's TFLite interpreter."""

from __future__ import annotations

import contextlib
import io
import logging
import os

import numpy as np

from packager.convert import Conversion, check_signature, register, run_onnx, verify
from packager.errors import PackagerError


@contextlib.contextmanager
def _silence_fd2():
    """TensorFlow's C++ side logs to file descriptor 2 before Python can stop it."""
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def _quiet_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    for name in ("tf2onnx", "tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _interpreter(path: str):
    import warnings

    with _silence_fd2():
        import tensorflow as tf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            # The reference kernels, not XNNPACK: the plainest arithmetic TFLite has.
            it = tf.lite.Interpreter(
                model_path=path, experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF
            )
            with _silence_fd2():
                it.allocate_tensors()
        except (ValueError, RuntimeError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise PackagerError(f"{path} is not a valid TFLite model ({first}); is the file truncated?") from None
    return it


def run_tflite(path: str, x: np.ndarray) -> dict[str, np.ndarray]:
    """Outputs of the TFLite interpreter, by tensor name."""
    it = _interpreter(path)
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return {d["name"]: it.get_tensor(d["index"]).copy() for d in it.get_output_details()}


@register("tflite")
def convert(path: str, recipe, check_input: np.ndarray) -> Conversion:
    """TFLite file → ONNX at the recipe's opset, verified on ``check_input``."""
    _quiet_tensorflow()
    _interpreter(path)  # a clear error for a file that is not a TFLite model
    import tf2onnx

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), _silence_fd2():
        model, _ = tf2onnx.convert.from_tflite(path, opset=recipe.opset)
    names = recipe.output_names
    check_signature(model, recipe, names, path)
    expected = run_tflite(path, check_input)
    ours = run_onnx(model, {recipe.input_name: check_input})
    diff = verify(recipe, path, ours, [expected[n] for n in names], "the TFLite interpreter")
    return Conversion(model, diff, "tflite")
