"""TFLite front end: tf2onnx, checked against TensorFlow's TFLite interpreter."""

from __future__ import annotations

import contextlib
import io
import logging
import os

import numpy as np

from packager import signature
from packager.convert import (ANY_OPSET, MAX_OPSET, Conversion, check_signature, compare_named, needed_opset, one_line,
                              operators_newer_than, pin_shapes, register, register_any, run_onnx, verify)
from packager.errors import PackagerError


#: TFLite ``TensorType`` → numpy dtype (the ones whose size matters; others count as 1 byte).
_TYPES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 6: "bool", 7: "int16", 8: "complex64",
          9: "int8", 10: "float64", 11: "complex128", 12: "uint64", 15: "uint32", 16: "uint16"}


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


def check_structure(path: str) -> None:
    """Walk the file's flatbuffer in Python before TensorFlow sees it: TFLite's C++ loader trusts
    the file, and a truncated or damaged one crashes the process (SIGSEGV: measured on the first
    4000 bytes of iris_landmark.tflite).  In Python a read past the end is an exception."""
    from pathlib import Path

    _quiet_tensorflow()
    with _silence_fd2():  # tf2onnx imports TensorFlow
        from tf2onnx.tflite.Model import Model

    buf = Path(path).read_bytes()
    try:
        if len(buf) < 8 or buf[4:8] != b"TFL3":
            raise ValueError("no TFL3 file identifier")
        m = Model.GetRootAs(buf, 0)
        sizes = []
        n_buffers, n_codes = m.BuffersLength(), m.OperatorCodesLength()
        for i in range(n_buffers):
            b = m.Buffers(i)
            if b.Offset() > 1 and b.Offset() + b.Size() > len(buf):
                raise ValueError(f"buffer {i} ends past the end of the file")
            b.DataAsNumpy()
        for i in range(n_codes):
            m.OperatorCodes(i).BuiltinCode()
        for s in range(m.SubgraphsLength()):
            g = m.Subgraphs(s)
            n_tensors = g.TensorsLength()
            for i in range(n_tensors):
                t = g.Tensors(i)
                shape, _ = t.ShapeAsNumpy(), t.ShapeSignatureAsNumpy()
                name = (t.Name() or b"").decode("utf-8")  # TFLite's Python API decodes names: a bad one would raise there
                if t.Buffer() >= n_buffers:
                    raise ValueError(f"tensor {i} refers to a missing buffer")
                if not isinstance(shape, int):  # declared sizes: TFLite allocates them when it loads the file
                    sizes.append((name, [max(int(d), 1) for d in shape], _TYPES.get(t.Type(), "uint8")))
            refs = [g.InputsAsNumpy(), g.OutputsAsNumpy()]
            for i in range(g.OperatorsLength()):
                op = g.Operators(i)
                if op.OpcodeIndex() >= n_codes:
                    raise ValueError(f"operator {i} has an unknown opcode")
                refs += [op.InputsAsNumpy(), op.OutputsAsNumpy()]
            if any(np.any(np.asarray(r) >= n_tensors) for r in refs if not isinstance(r, int)):
                raise ValueError("an operator refers to a missing tensor")
    except UnicodeDecodeError:
        raise PackagerError(f"{path} is not a valid TFLite model (a tensor name is not UTF-8 text); is the file "
                            "damaged?") from None
    except Exception as e:  # flatbuffers raises struct.error, IndexError, ValueError...
        raise PackagerError(f"{path} is not a valid TFLite model ({one_line(e, limit=200)}); is the file truncated?") from None
    for name, shape, dtype in sizes:
        signature.check_size(f"{path}: tensor {name!r}", shape, dtype)


def _interpreter(path: str):
    import warnings

    check_structure(path)

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


def run_tflite(path: str, feeds: np.ndarray | dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Outputs of the TFLite interpreter, by tensor name, on one input array (a one-input model)
    or on inputs by name (dynamic dimensions resized to the feeds' shapes)."""
    it = _interpreter(path)
    details = it.get_input_details()
    if not isinstance(feeds, dict):
        feeds = {details[0]["name"]: feeds}
    if any(tuple(d["shape"]) != feeds[d["name"]].shape for d in details):
        for d in details:
            it.resize_tensor_input(d["index"], list(feeds[d["name"]].shape))
        with _silence_fd2():
            it.allocate_tensors()
    for d in details:
        it.set_tensor(d["index"], feeds[d["name"]])
    it.invoke()
    return {d["name"]: it.get_tensor(d["index"]).copy() for d in it.get_output_details()}


def inputs(path: str) -> list[signature.TensorSpec]:
    """The inputs the TFLite file declares (``shape_signature``: −1 for a dynamic dimension)."""
    _quiet_tensorflow()
    return [signature.TensorSpec(d["name"], tuple(None if n < 0 else int(n) for n in d["shape_signature"]),
                                 np.dtype(d["dtype"]).name)
            for d in _interpreter(path).get_input_details()]


def _tf2onnx(path: str, opset: int):
    import tf2onnx

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), _silence_fd2():
            model, _ = tf2onnx.convert.from_tflite(path, opset=opset)
    except Exception as e:
        raise PackagerError(f"tf2onnx cannot convert {path}: {one_line(e)}") from None
    return model


@register_any("tflite", inputs)
def convert_any(path: str, feeds: dict[str, np.ndarray], opset: int = ANY_OPSET) -> Conversion:
    """Any TFLite file → ONNX (tf2onnx, at ``opset`` or the lowest newer one its operators need:
    ``needed_opset``) with shapes pinned to ``feeds``, verified on them against TensorFlow's TFLite
    interpreter (reference kernels)."""
    _quiet_tensorflow()
    _interpreter(path)
    import tf2onnx

    model, notes = _tf2onnx(path, opset), ()
    need = needed_opset(model)
    if need > opset:  # tf2onnx writes some TFLite operators as is (HARD_SWISH: HardSwish, opset 14)
        top = min(MAX_OPSET, max(tf2onnx.constants.OPSET_TO_IR_VERSION))
        newer = ", ".join(operators_newer_than(model, opset))
        if need > top:
            raise PackagerError(f"{path} needs ONNX opset {need} ({newer}); tf2onnx and the pinned onnxruntime go "
                                f"up to {top}")
        model = _tf2onnx(path, need)
        notes = (f"ONNX opset {need}: the lowest that defines every operator of the model ({newer} is newer than "
                 f"opset {opset})",)
    try:
        expected = run_tflite(path, feeds)
    except (ValueError, RuntimeError) as e:
        raise PackagerError(f"the TFLite interpreter fails on {path} with these inputs: {one_line(e)}") from None
    names = [o.name for o in model.graph.output]
    if sorted(names) != sorted(expected):
        raise PackagerError(f"tf2onnx renamed the outputs of {path} ({names} vs {sorted(expected)}); cannot verify it")
    theirs = [expected[n] for n in names]
    model = pin_shapes(model, feeds, theirs)
    ours = run_onnx(model, feeds)
    return Conversion(model, compare_named(path, names, ours, theirs, "the TFLite interpreter"), "tflite", notes)


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
