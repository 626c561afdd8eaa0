"""ONNX front end: the model as is, brought to the recipe's opset and static shape, checked
against onnxruntime on the original file."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import version_converter

from packager import signature
from packager.convert import (ANY_OPSET, MAX_OPSET, Conversion, check_signature, compare_named, fix_input_shape,
                              one_line, pin_shapes, register, register_any, run_onnx, verify)
from packager.errors import PackagerError


def load(path: str) -> onnx.ModelProto:
    """Parse an ONNX file with a clear error for anything that is not one."""
    try:
        model = onnx.load(path)
    except Exception as e:  # protobuf raises DecodeError, RuntimeError, ValueError...
        raise PackagerError(f"{path} is not a valid ONNX model ({type(e).__name__}); is the file truncated?") from None
    if not model.graph.node:
        raise PackagerError(f"{path} is not a valid ONNX model (no graph); is the file truncated?")
    bad = next((what for what, text in _names(model) if not isinstance(text, str)), None)
    if bad is not None:  # protobuf (upb) hands over a string field that is not UTF-8 as bytes
        raise PackagerError(f"{path} is not a valid ONNX model ({bad} is not UTF-8 text); is the file damaged?")
    if not model.graph.output:
        raise PackagerError(f"{path} declares no outputs: there is nothing to convert or check; is it a complete "
                            "model (not a fragment or a training graph)?")
    return model


def _names(model: onnx.ModelProto):
    """(what, text) of every name a runtime reads: opset domains, and in the graph and its
    subgraphs the operators' types, domains and names, and every tensor name."""
    for o in model.opset_import:
        yield "an opset domain", o.domain
    graphs = [model.graph]
    while graphs:
        g = graphs.pop()
        for kind, values in (("input", g.input), ("output", g.output), ("value", g.value_info)):
            for i, v in enumerate(values):
                yield f"graph {kind} {i}'s name", v.name
        for i, t in enumerate(g.initializer):
            yield f"initializer {i}'s name", t.name
        for i, n in enumerate(g.node):
            yield f"operator {i}'s type", n.op_type
            yield f"operator {i}'s domain", n.domain
            yield f"operator {i}'s name", n.name
            for name in [*n.input, *n.output]:
                yield f"a tensor name of operator {i}", name
            for a in n.attribute:
                yield f"an attribute name of operator {i}", a.name
                graphs += [a.g] if a.HasField("g") else []
                graphs += list(a.graphs)


def drop_initializer_inputs(model: onnx.ModelProto) -> onnx.ModelProto:
    """IR version 3 files list every weight as a graph input too; keep only the real inputs so
    that runtimes treat weights as constants (needed for constant folding and the mobile
    providers)."""
    inits = {i.name for i in model.graph.initializer}
    real = [i for i in model.graph.input if i.name not in inits]
    del model.graph.input[:]
    model.graph.input.extend(real)
    model.ir_version = max(model.ir_version, 4)
    return model


def opset(model: onnx.ModelProto) -> int:
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


@register("onnx")
def convert(path: str, recipe, check_input: np.ndarray) -> Conversion:
    """ONNX file → ONNX at ``recipe.opset`` (upgraded when older), verified on ``check_input``."""
    original = load(path)
    names = recipe.output_names
    check_signature(original, recipe, names, path)
    expected = run_onnx(original, {recipe.input_name: check_input}, path)
    model = drop_initializer_inputs(onnx.ModelProto.FromString(original.SerializeToString()))
    if opset(model) < recipe.opset:
        try:
            model = version_converter.convert_version(model, recipe.opset)
        except Exception as e:
            raise PackagerError(f"cannot upgrade {path} from opset {opset(model)} to {recipe.opset}: {e}") from None
    model = fix_input_shape(model, recipe)
    onnx.checker.check_model(model)
    ours = run_onnx(model, {recipe.input_name: check_input})
    diff = verify(recipe, path, ours, expected, "onnxruntime on the original file")
    return Conversion(model, diff, "onnxruntime")


def inputs(path: str) -> list[signature.TensorSpec]:
    """The model's real inputs (an IR-3 file's weights, also listed as inputs, left out)."""
    model = load(path)
    inits = {i.name for i in model.graph.initializer}
    return [signature.from_onnx_value(v) for v in model.graph.input if v.name not in inits]


#: The kernel sets an ONNX model is judged against (``convert.judge``): onnxruntime on the graph
#: as its author wrote it (no graph optimization: a quantized graph's QDQ units in float) and
#: with all its optimizations (fused integer kernels: QLinearConv...).
KERNELS = ("as written", "optimized")

#: Operators that make a graph quantized (its outputs then judged in steps: ``output_steps``).
QUANTIZED_OPS = {"QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv", "QLinearMatMul",
                 "ConvInteger", "MatMulInteger"}


def run_original(path: str, feeds: list[dict[str, np.ndarray]], kernels: str = KERNELS[0]) -> list[dict[str, np.ndarray]]:
    """The original file's outputs by name on each feed, in onnxruntime's CPU provider, the graph
    as written (``kernels`` ``as written``: the reference a converted model and its ``.ort`` are
    judged against) or optimized."""
    from packager import onnxrt

    original = load(path)
    try:
        sess = onnxrt.session(original.SerializeToString(), threads=0,
                              optimize=onnxrt.Optimize.NONE if kernels == KERNELS[0] else onnxrt.Optimize.DEFAULT)
        return [onnxrt.run(sess, f) for f in feeds]
    except Exception as e:  # onnxruntime raises its own exception types
        error = PackagerError(f"{path} fails in onnxruntime (no optimizations): {one_line(e)}")
    # An old opset onnxruntime no longer runs (convert_any upgrades it): onnx's reference evaluator
    # is the original's runtime, for both kernel sets.
    if not _has_default_domain(original) or opset(original) >= ANY_OPSET:
        raise error
    from onnx.reference import ReferenceEvaluator

    try:
        evaluator = ReferenceEvaluator(original)
        names = [o.name for o in original.graph.output]
        return [dict(zip(names, evaluator.run(None, f))) for f in feeds]
    except Exception:  # noqa: BLE001 — the evaluator raises anything: onnxruntime's reason is the one to give
        raise error from None


def output_steps(path: str) -> dict[str, float | None] | None:
    """None for a float graph (no ``QUANTIZED_OPS``), else each output's quantization step: 1 for
    an integer output, the scale of the DequantizeLinear producing a float output (one constant
    value), None otherwise."""
    from onnx import numpy_helper

    model = load(path)
    if not any(n.op_type in QUANTIZED_OPS for n in model.graph.node):
        return None
    consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    consts.update({n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in model.graph.node
                   if n.op_type == "Constant" and n.attribute and n.attribute[0].name == "value"})
    producer = {o: n for n in model.graph.node for o in n.output}
    out = {}
    for o in model.graph.output:
        elem = o.type.tensor_type.elem_type
        n = producer.get(o.name)
        scale = consts.get(n.input[1]) if n is not None and n.op_type == "DequantizeLinear" else None
        if elem in (onnx.TensorProto.INT8, onnx.TensorProto.UINT8, onnx.TensorProto.INT16, onnx.TensorProto.UINT16):
            out[o.name] = 1.0
        elif scale is not None and scale.size == 1:
            out[o.name] = float(scale.ravel()[0])
        else:
            out[o.name] = None
    return out



def _has_default_domain(model: onnx.ModelProto) -> bool:
    return any(o.domain in ("", "ai.onnx") for o in model.opset_import)


def _run_original(model: onnx.ModelProto, feeds: dict[str, np.ndarray], path: str, old: bool) -> tuple[list, str]:
    """The original file's outputs on ``feeds`` and what computed them: onnxruntime, or — for an
    ``old`` opset that onnxruntime does not run — onnx's reference evaluator (the ONNX spec
    written as numpy), so that an upgrade is verified against the graph as it was."""
    try:
        return run_onnx(model, feeds, path), "onnxruntime on the original file"
    except PackagerError as ort_error:
        if not old:
            raise
        from onnx.reference import ReferenceEvaluator

        try:
            return list(ReferenceEvaluator(model).run(None, feeds)), "onnx's reference evaluator on the original file"
        except Exception:  # noqa: BLE001 — the evaluator raises anything: onnxruntime's reason is the one to give
            raise ort_error from None


def _upgrade(model: onnx.ModelProto, path: str, found: int, target: int) -> onnx.ModelProto:
    try:
        return version_converter.convert_version(model, target)
    except Exception as e:  # the converter's C++ side raises RuntimeError, its Python side anything
        raise PackagerError(f"cannot upgrade {path} from opset {found} to {target} (onnx.version_converter: "
                            f"{one_line(e)}); re-export it at opset {target} or newer") from None


@register_any("onnx", inputs, run=run_original, kernels=KERNELS, steps=output_steps)
def convert_any(path: str, feeds: dict[str, np.ndarray], target_opset: int = ANY_OPSET) -> Conversion:
    """Any ONNX file → ONNX at ``target_opset`` or newer, weights as constants, shapes pinned to
    ``feeds``; verified on ``feeds`` against the original file (onnxruntime, or onnx's reference
    evaluator for an old opset onnxruntime does not run).

    A file older than ``target_opset`` is upgraded with ``onnx.version_converter``; the upgrade is
    kept only if it reproduces the original (``compare_named``).  A file that imports no default
    ONNX domain (``ai.onnx.ml`` only: scikit-learn exports) has no opset to upgrade and is kept."""
    original = load(path)
    found = opset(original) if _has_default_domain(original) else None
    if found is not None and found > MAX_OPSET:
        raise PackagerError(f"{path} uses opset {found}; the pinned onnxruntime runs opsets up to {MAX_OPSET} "
                            f"(re-export the model at opset {MAX_OPSET} or lower)")
    upgrade = found is not None and found < target_opset
    expected, runtime = _run_original(original, feeds, path, old=upgrade)
    notes = []
    model = onnx.ModelProto.FromString(original.SerializeToString())
    n_inputs = len(model.graph.input)
    model = drop_initializer_inputs(model)
    if original.ir_version < 4 and n_inputs > len(model.graph.input):
        notes.append(f"IR version {original.ir_version}: its {n_inputs - len(model.graph.input)} weights listed as "
                     "graph inputs are kept as constants")
    if upgrade:
        model = _upgrade(model, path, found, target_opset)
        notes.append(f"opset {found} upgraded to {target_opset} (onnx.version_converter), verified against "
                     + runtime.removesuffix(" on the original file"))
    model = pin_shapes(model, feeds, expected)
    try:
        onnx.checker.check_model(model)
    except Exception as e:
        raise PackagerError(f"{path} does not make a valid ONNX model once converted: {one_line(e)}") from None
    ours = run_onnx(model, feeds, f"{path} upgraded to opset {target_opset}" if upgrade else "the converted model")
    names = [o.name for o in model.graph.output]
    diff = compare_named(path, names, ours, expected, runtime)
    return Conversion(model, diff, runtime.removesuffix(" on the original file"), tuple(notes))
