"""TFLite front end: tf2onnx, checked against TensorFlow's TFLite interpreter."""

from __future__ import annotations

import contextlib
import io
import logging
import os

import numpy as np
import onnx

from packager import signature
from packager.convert import (ANY_OPSET, MAX_OPSET, Conversion, check_signature, needed_opset, one_line,
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


#: The kernel sets a TFLite model is judged against (``convert.judge``): TFLite's reference
#: kernels, the plainest arithmetic it has, and its default resolver, XNNPACK (what an app runs).
KERNELS = ("reference kernels", "XNNPACK")


def _interpreter(path: str, kernels: str = KERNELS[0], allocate: bool = True):
    """A TFLite interpreter on ``path`` with ``kernels``; ``allocate=False`` only reads the
    model's tensors (their details), running no kernel's preparation."""
    import warnings

    check_structure(path)

    with _silence_fd2():
        import tensorflow as tf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            # The reference kernels by default: the plainest arithmetic TFLite has.
            resolver = tf.lite.experimental.OpResolverType
            it = tf.lite.Interpreter(model_path=path, experimental_op_resolver_type=resolver.BUILTIN_REF
                                     if kernels == KERNELS[0] else resolver.AUTO)
            if allocate:
                with _silence_fd2():
                    it.allocate_tensors()
        except (ValueError, RuntimeError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise PackagerError(f"{path} is not a valid TFLite model ({first}); is the file truncated?") from None
    return it


def run_tflite(path: str, feeds: np.ndarray | dict[str, np.ndarray], kernels: str = KERNELS[0]) -> dict[str, np.ndarray]:
    """Outputs of the TFLite interpreter (``kernels``: one of ``KERNELS``), by tensor name, on one
    input array (a one-input model) or on inputs by name (dynamic dimensions resized to the feeds'
    shapes)."""
    it = _interpreter(path, kernels)
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
            for d in _interpreter(path, allocate=False).get_input_details()]


def run_any(path: str, feeds: list[dict[str, np.ndarray]], kernels: str) -> list[dict[str, np.ndarray]]:
    """The TFLite interpreter's outputs (by tensor name: tf2onnx keeps them) on each feed, with
    ``kernels`` (one of ``KERNELS``).  Run in a child process per kernel set: TFLite's reference
    kernels abort the process on some untrained int8 models (SIGABRT) that XNNPACK runs."""
    _quiet_tensorflow()
    out = []
    for f in feeds:
        try:
            out.append(run_tflite(path, f, kernels))
        except (ValueError, RuntimeError) as e:
            raise PackagerError(f"the TFLite interpreter ({kernels}) fails on {path} with these inputs: "
                                f"{one_line(e)}") from None
    return out


#: TFLite tensor types that carry a quantization scale (``_TYPES`` keys): uint8, int16, int8.
_QUANTIZED = {3, 7, 9}


def output_steps(path: str) -> dict[str, float | None] | None:
    """None for a float model (no quantized tensor), else each output's quantization step: 1 for
    an integer output (compared in its own units), the scale of the tensor a DEQUANTIZE turns into
    a float output, None for a float output with no fixed scale (a hybrid model: int8 weights,
    activations quantized on the fly)."""
    from tf2onnx.tflite.Model import Model

    from pathlib import Path

    m = Model.GetRootAs(Path(path).read_bytes(), 0)
    g = m.Subgraphs(0)
    tensors = [g.Tensors(i) for i in range(g.TensorsLength())]
    if not any(t.Type() in _QUANTIZED for t in tensors):
        return None
    dequantize = {}
    for i in range(g.OperatorsLength()):
        op = g.Operators(i)
        if m.OperatorCodes(op.OpcodeIndex()).BuiltinCode() == 6:  # BuiltinOperator.DEQUANTIZE
            dequantize[int(op.Outputs(0))] = int(op.Inputs(0))
    out = {}
    for j in range(g.OutputsLength()):
        t = tensors[g.Outputs(j)]
        source = tensors[dequantize[g.Outputs(j)]] if g.Outputs(j) in dequantize else None
        q = source.Quantization() if source is not None else None
        name = (t.Name() or b"").decode("utf-8")
        if t.Type() in _QUANTIZED:
            out[name] = 1.0
        elif q is not None and q.ScaleLength() == 1:
            out[name] = float(q.Scale(0))
        else:
            out[name] = None
    return out


def _saturates(lo: float | None, hi: float | None, scale: np.ndarray, zp: np.ndarray) -> bool:
    """QuantizeLinear with ``scale``/``zp`` (one value each) maps every x ≤ lo to the same value as lo
    and every x ≥ hi to the same as hi: its own saturation is the clip."""
    if scale.size != 1 or zp.size != 1 or zp.dtype.kind not in "iu":
        return False
    info, s, z = np.iinfo(zp.dtype), float(scale.ravel()[0]), int(zp.ravel()[0])
    q = (lambda x: np.rint(np.float32(x) / np.float32(s)) + z)
    return (lo is None or q(lo) <= info.min) and (hi is None or q(hi) >= info.max)


def drop_clip_before_quantize(model):
    """tf2onnx writes a fused activation of a quantized TFLite operator as Conv → Relu / Clip →
    QuantizeLinear.  Where the QuantizeLinear saturates at the activation's bounds anyway (TFLite
    sets a ReLU6 output's range to exactly [0, 6]: zero point −128, scale 6/255), the Relu / Clip is
    dropped: the outputs are the same to the bit (``_saturates``).  Why: onnxruntime 1.24.2's QDQ
    fusion (QDQSelectorActionTransformer) makes two nodes of one name from Conv → Relu → Q, or a
    runtime optimization record it cannot replay from Conv → Clip → Q, and the ``.ort`` then
    fails to load at the extended optimization level (every phone's default)."""
    from onnx import numpy_helper

    consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    consumers: dict[str, list] = {}
    for n in model.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    outputs = {o.name for o in model.graph.output}
    renamed, keep = {}, []
    for n in model.graph.node:
        users = consumers.get(n.output[0], []) if n.op_type in ("Relu", "Clip") else []
        bounds = [consts.get(b) if b else None for b in n.input[1:3]] if n.op_type == "Clip" else [np.float32(0)]
        if len(users) == 1 and users[0].op_type == "QuantizeLinear" and n.output[0] not in outputs \
                and len(users[0].input) > 2 and all(i in consts for i in users[0].input[1:3]) \
                and not any(b is None and i < len(n.input) - 1 and n.input[i + 1] for i, b in enumerate(bounds)):
            lo, hi = (float(b) if b is not None else None for b in (bounds + [None])[:2])
            if _saturates(lo, hi, consts[users[0].input[1]], consts[users[0].input[2]]):
                renamed[n.output[0]] = n.input[0]
                continue
        keep.append(n)
    for n in keep:
        n.input[:] = [renamed.get(i, i) for i in n.input]
    del model.graph.node[:]
    model.graph.node.extend(keep)
    return model


def unshare_node_inputs(model):
    """tf2onnx merges equal constants, so an untrained layer's all-zero int32 bias can be the same
    initializer as its DequantizeLinear's zero point (``DequantizeLinear(c, s, c)``).  Each second
    use by one node gets a copy of its own: same values, so the same outputs.  Why: onnxruntime
    1.24.2's QDQ fusion miscounts such a node's inputs ("the sum of input arg count is not equal
    to size of input defs") and the ``.ort`` cannot be written (Keras MobileNetV2, random weights)."""
    inits = {i.name: i for i in model.graph.initializer}
    taken = set(inits) | {o for n in model.graph.node for o in n.output}
    for n in model.graph.node:
        seen = set()
        for j, name in enumerate(n.input):
            if name in inits and name in seen:
                copy = onnx.TensorProto()
                copy.CopyFrom(inits[name])
                k = 1
                while f"{name}_{k}" in taken:
                    k += 1
                copy.name = f"{name}_{k}"
                taken.add(copy.name)
                model.graph.initializer.append(copy)
                n.input[j] = copy.name
            seen.add(name)
    return model


def _tf2onnx(path: str, opset: int):
    import tf2onnx

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), _silence_fd2():
            model, _ = tf2onnx.convert.from_tflite(path, opset=opset)
    except Exception as e:
        raise PackagerError(f"tf2onnx cannot convert {path}: {one_line(e)}") from None
    return model


@register_any("tflite", inputs, run=run_any, kernels=KERNELS, steps=output_steps)
def convert_any(path: str, feeds: dict[str, np.ndarray], opset: int = ANY_OPSET) -> Conversion:
    """Any TFLite file → ONNX (tf2onnx, at ``opset`` or the lowest newer one its operators need:
    ``needed_opset``) with shapes pinned to ``feeds``; the caller judges it against TFLite's kernel
    sets (``KERNELS``, each in a child of its own: ``convert.judge``), so ``max_abs_diff`` is NaN
    here."""
    _quiet_tensorflow()
    _interpreter(path, allocate=False)
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
    details = _interpreter(path, allocate=False).get_output_details()
    names = [o.name for o in model.graph.output]
    if sorted(names) != sorted(d["name"] for d in details):
        raise PackagerError(f"tf2onnx renamed the outputs of {path} ({names} vs {sorted(d['name'] for d in details)}); "
                            "cannot verify it")
    model = unshare_node_inputs(drop_clip_before_quantize(model))
    model = pin_shapes(model, feeds, run_onnx(model, feeds))  # the output shapes on these feeds
    return Conversion(model, float("nan"), "tflite", notes)


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
