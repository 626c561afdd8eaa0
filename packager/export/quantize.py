"""int8 (QDQ) variants, statically quantized on real face data, and their measured agreement.

Quantization: ``onnxruntime.quantization.quantize_static`` in QDQ format (QuantizeLinear /
DequantizeLinear pairs around float operators, the form NNAPI's EP maps onto its quantized
kernels: uint8 activations, int8 weights symmetric per output channel); weights in the reduced
range [-64, 63], activation ranges from the 0.01–99.99 percentiles of the ``data.RealInputs``
calibration tensors (real photos, never noise); the first computing layer (``input_layers``) and
the output heads (``output_heads``) stay float.

Why the reduced weight range: on x86 CPUs without VNNI, onnxruntime's fused U8S8 kernels sum
pairs of uint8 × int8 products in int16 (``vpmaddubsw``), which saturates above 32767; with
|w| ≤ 64 a pair is at most 2 · 255 · 64 = 32640, so the integer kernels are exact on every CPU
and the host's fused run equals the phone's integer arithmetic.  Measured with full-range int8
weights under an emulated AMD EPYC (AVX2, no VNNI): the detector agreed on 51.0%, the emotion
model on 87.8% (96.5% / 96.9% on a VNNI CPU).  The percentile ranges and the float first layer
win back what the 7-bit weights lose (docs/DESIGN.md, "int8").

Agreement with fp32 is judged by the artifact's defined semantics: the QDQ graph as written
(the int8 .ort run without its saved runtime fusions), which is what NNAPI and an ARM CPU
implement.  The host's fused integer kernels are measured beside it and recorded with the CPU
features that produced them; they never decide the gate.  On held-out inputs only:
- emotion: the share of held-out face crops whose top-1 label is the same.
- detector: the share of held-out images (faces and non-faces) on which the int8 model finds
  the same faces: after the reference decode and weighted NMS, the same number of faces, and
  each fp32 face paired one-to-one (greedily, best IoU first) with an int8 face of IoU ≥
  ``MIN_IOU`` whose box corners lie within ``MAX_CORNER_SHIFT`` of the fp32 face's size.  The
  mean IoU and the largest corner shift of paired faces are recorded too.
"""

from __future__ import annotations

import contextlib
import io
import logging
import platform
import tempfile
from pathlib import Path

import numpy as np
import onnx

from packager import difference
from packager.difference import DEFAULT_MIN_AGREEMENT  # noqa: F401  (quantize.DEFAULT_MIN_AGREEMENT: its users)
from packager.errors import PackagerError
from packager.cache import Cache, key, sha256
from packager.reference import detect

from packager.difference import MAX_CORNER_SHIFT, MIN_IOU  # noqa: E402  (their home: tolerances beside difference)
SETTINGS = {"format": "QDQ", "weights": "int8 symmetric per channel, reduced range [-64, 63]",
            "activations": "uint8, percentile 99.99 calibration", "float": "first layer, output heads"}
#: Activation range: this percentile of the calibration values (and its mirror for the minimum).
PERCENTILE = 99.99
#: Largest gap (percentage points) allowed between the agreement of the defined semantics and of
#: the host's fused kernels before the build reports the host as unrepresentative.
MAX_HOST_GAP = 3.0
#: How an app compares its int8 outputs with the bundled int8 samples (its NNAPI / ARM integer
#: kernels round unlike the float QDQ graph the samples come from).  The detector's raw outputs
#: are no measure: on empty anchors, where nothing depends on them, the host's fused kernels
#: move regressors by up to 0.47 of their scale; the decoded faces are compared instead.  The
#: emotion tolerance covers the host's fused kernels (0.016 worst on the held-out crops) 3×.
SELF_CHECK = {
    "detector": {"measure": f"decoded faces: same count, each paired with IoU >= {MIN_IOU} and corners "
                            f"within {MAX_CORNER_SHIFT:g} of the face size", "tolerance": None},
    "emotion": {"measure": "max |out - expected| / max(1, max |expected|) per output", "tolerance": difference.VARIANT_TOLERANCE},
}
#: A model no recipe knows (``packager convert``) has no task measure: its outputs are compared
#: as the emotion model's are, each in its own scale.
SELF_CHECK["outputs"] = SELF_CHECK["emotion"]


def _reader(feeds: list[dict[str, np.ndarray]]):
    from onnxruntime.quantization import CalibrationDataReader

    class Reader(CalibrationDataReader):
        def __init__(self):
            self._it = iter(feeds)

        def get_next(self):
            return next(self._it, None)

    return Reader()


#: Operators that only move or normalize values at the end of a network.
TAIL_OPS = {"Reshape", "Transpose", "Concat", "Squeeze", "Unsqueeze", "Flatten", "Softmax", "Identity"}


def output_heads(model: onnx.ModelProto) -> list[str]:
    """Names of the nodes that form the output heads, kept in float: walking back from each graph
    output through ``TAIL_OPS`` up to and including the first node that computes (any other
    operator: BlazeFace's head convolutions, fer-minixception's global average pool).

    Why: a head's output range can be huge where nothing depends on it (BlazeFace's raw scores
    reach −30000 on empty anchors), and one uint8 step over that range rounds every score near
    the 0.5 threshold to a logit of exactly 0, i.e. a detection on every image."""
    producer = {o: n for n in model.graph.node for o in n.output}
    inits = {i.name for i in model.graph.initializer}
    out, todo = set(), [o.name for o in model.graph.output]
    while todo:
        node = producer.get(todo.pop())
        if node is None or node.name in out:
            continue
        if node.name:  # the quantizer excludes nodes by name
            out.add(node.name)
        if node.op_type in TAIL_OPS:
            todo.extend(i for i in node.input if i and i not in inits)
    return sorted(out)


#: Operators that only move values between the model input and its first computing layer.
MOVE_OPS = {"Reshape", "Transpose", "Squeeze", "Unsqueeze", "Flatten", "Identity"}


def input_layers(model: onnx.ModelProto) -> list[str]:
    """Names of the first computing nodes: walking forward from each graph input through
    ``MOVE_OPS`` to the first node that computes (BlazeFace's 5×5 input convolution,
    fer-minixception's first 3×3 convolution).

    Why: the first layer sees the raw input quantized to 256 levels with 7-bit weights; kept
    float, the detector found 98 of the 98 held-out faces fp32 finds instead of 95."""
    consumers: dict[str, list] = {}
    for n in model.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    out, todo = set(), [i.name for i in model.graph.input]
    while todo:
        for node in consumers.get(todo.pop(), []):
            if node.op_type in MOVE_OPS:
                todo.extend(node.output)
            elif node.name:
                out.add(node.name)
    return sorted(out)


def quantize(onnx_bytes: bytes, calibration: list[dict[str, np.ndarray]], cache: Cache) -> bytes:
    """fp32 ONNX → int8 QDQ ONNX (output heads kept float), cached by model, calibration data
    (dicts of inputs by name) and settings."""
    if not calibration:
        raise PackagerError("no calibration inputs: the detector found no face on the calibration photos")
    digest = sha256(b"".join(np.ascontiguousarray(f[n], np.float32).tobytes() for f in calibration for n in sorted(f)))

    def build():
        from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

        with tempfile.TemporaryDirectory(prefix="packager-quant-") as tmp:
            src, out = Path(tmp) / "model.onnx", Path(tmp) / "model.int8.onnx"
            src.write_bytes(onnx_bytes)
            model = onnx.load_from_string(onnx_bytes)
            keep_float = output_heads(model) + input_layers(model)
            logging.disable(logging.WARNING)  # "consider pre-processing" advice on the root logger
            # the percentile calibrator prints its progress to stdout (it would corrupt --json)
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    quantize_static(
                        str(src), str(out), _reader(calibration), quant_format=QuantFormat.QDQ,
                        per_channel=True, reduce_range=True, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.Percentile,
                        nodes_to_exclude=keep_float,
                        extra_options={"WeightSymmetric": True, "ActivationSymmetric": False,
                                       "CalibPercentile": PERCENTILE},
                    )
            finally:
                logging.disable(logging.NOTSET)
            model = onnx.load(str(out))
        return {"onnx": model.SerializeToString(deterministic=True)}, {}

    files, _ = cache.files("int8", key("int8", sha256(onnx_bytes), digest, SETTINGS), build, names=("onnx",))
    return files["onnx"]


def emotion_agreement(fp32_outputs: list[dict], int8_outputs: list[dict]) -> dict:
    """Top-1 agreement (percent), the confusion matrix (``counts[fp32 label][int8 label]``, in
    output order) and the largest output difference, from both models' outputs on the same
    held-out face crops (one dict of outputs per crop)."""
    if not fp32_outputs:
        raise PackagerError("no held-out face crops: the detector found no face on the held-out photos")
    same, worst, confusion = 0, 0.0, None
    for a, b in zip(fp32_outputs, int8_outputs):
        (ya,), (yb,) = a.values(), b.values()
        if confusion is None:
            confusion = np.zeros((np.size(ya), np.size(ya)), dtype=np.int64)
        confusion[np.argmax(ya), np.argmax(yb)] += 1
        same += int(np.argmax(ya) == np.argmax(yb))
        worst = max(worst, difference.max_abs_diff(a, b))
    n = len(fp32_outputs)
    return {"metric": "top-1 label agreement", "inputs": n, "agreeing": same,
            "percent": 100.0 * same / n, "max_abs_output_diff": worst,
            "confusion": {"rows": "fp32 top-1 label", "columns": "int8 top-1 label", "counts": confusion.tolist()}}


def output_agreement(fp32_outputs: list[dict], int8_outputs: list[dict]) -> dict:
    """For a model no recipe knows: the share of held-out inputs on which every int8 output lies
    within ``SELF_CHECK["outputs"]`` of fp32 (``difference.scaled_diff``), with the worst
    difference and, per output, how often its argmax (a classifier's top-1) is the same."""
    tol = SELF_CHECK["outputs"]["tolerance"]
    diffs = [difference.scaled_diff(b, a) for a, b in zip(fp32_outputs, int8_outputs)]
    same = sum(d <= tol for d in diffs)
    n = len(diffs)
    top1 = {name: 100.0 * sum(int(np.argmax(a[name]) == np.argmax(b[name])) for a, b in zip(fp32_outputs, int8_outputs)) / n
            for name in (fp32_outputs[0] if fp32_outputs else {})}
    return {"metric": f"every output within {tol:g} of fp32 ({SELF_CHECK['outputs']['measure']})", "inputs": n,
            "agreeing": same, "percent": 100.0 * same / n if n else 0.0, "max_scaled_output_diff": max(diffs, default=0.0),
            "same_argmax_percent": top1}


def _pair(fa: list[detect.Detection], fb: list[detect.Detection]) -> list[tuple[float, float]]:
    """Greedy one-to-one pairing by IoU: [(iou, corner shift / face size)] of paired faces."""
    cand = sorted(((detect.iou(a.box, b.box), i, j) for i, a in enumerate(fa) for j, b in enumerate(fb)), key=lambda t: (-t[0], t[1], t[2]))
    used_a, used_b, out = set(), set(), []
    for v, i, j in cand:
        if i in used_a or j in used_b or v < MIN_IOU:
            continue
        used_a.add(i)
        used_b.add(j)
        a, b = fa[i].box, fb[j].box
        size = max(a[2] - a[0], a[3] - a[1])
        out.append((v, max(abs(p - q) for p, q in zip(a, b)) / size if size > 0 else float("inf")))
    return out


def detector_agreement(recipe, fp32_outputs: list[dict], int8_outputs: list[dict], faces: int) -> dict:
    """Same-faces agreement (percent, see the module docstring) from both models' outputs on the
    same held-out images, the first ``faces`` of which show a face."""
    same, ious, shifts, found32, found8 = 0, [], [], 0, 0
    for outs in zip(fp32_outputs, int8_outputs):
        fa, fb = (detect.postprocess(recipe, o[recipe.regressors_name], o[recipe.classificators_name]) for o in outs)
        found32, found8 = found32 + len(fa), found8 + len(fb)
        pairs = _pair(fa, fb)
        ious += [p[0] for p in pairs]
        shifts += [p[1] for p in pairs]
        if len(fa) == len(fb) == len(pairs) and all(s <= MAX_CORNER_SHIFT for _, s in pairs):
            same += 1
    return {
        "metric": f"same faces (count equal, each paired with IoU >= {MIN_IOU} and corners within "
                  f"{MAX_CORNER_SHIFT:g} of the face size)",
        "inputs": len(fp32_outputs), "face_images": faces, "agreeing": same,
        "percent": 100.0 * same / len(fp32_outputs),
        "faces_fp32": found32, "faces_int8": found8,
        "mean_iou": float(np.mean(ious)) if ious else None,
        "max_corner_shift": float(max(shifts)) if shifts else None,
    }


#: /proc/cpuinfo flags that decide which integer dot-product kernels onnxruntime runs.
INT8_CPU_FEATURES = ("avx2", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8", "asimddp", "i8mm")


def host_cpu() -> dict:
    """This machine's CPU as far as int8 kernels go: architecture, model name, the integer
    dot-product features present and whether x86 VNNI is among them (without it, full-range
    U8S8 kernels saturate; see the module docstring)."""
    info = {"machine": platform.machine(), "model": None, "features": [], "vnni": False}
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return info
    flags: set[str] = set()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        name = name.strip()
        if name in ("model name", "Model") and info["model"] is None:
            info["model"] = value.strip()
        elif name in ("flags", "Features") and not flags:
            flags = set(value.split())
    info["features"] = [f for f in INT8_CPU_FEATURES if f in flags]
    info["vnni"] = bool(flags & {"avx512_vnni", "avx_vnni"})
    return info


def host_gap(defined_outputs: list[dict], host_outputs: list[dict]) -> float:
    """How far the host's fused kernels land from the defined semantics: ``difference.scaled_diff`` per
    output, worst over the inputs (compare with ``SELF_CHECK["tolerance"]``)."""
    return max(difference.scaled_diff(h, d) for d, h in zip(defined_outputs, host_outputs))


def check(name: str, agreement: dict, minimum: float) -> None:
    """Fail the build when an int8 artifact agrees less than ``minimum`` percent (with fp32, or
    with what ``agreement["against"]`` names)."""
    if agreement["percent"] < minimum:
        raise PackagerError(
            f"{name} int8 agrees with {agreement.get('against', 'fp32')} on {agreement['percent']:.1f}% of held-out inputs "
            f"({agreement['agreeing']}/{agreement['inputs']}), below the required {minimum:g}%; "
            "ship fp32 only, or lower the bar with --min-int8-agreement"
        )
