"""Front ends: one module per source format, each turning a model file into a verified ONNX
model.  ``@register("tflite")`` adds one; heavy frameworks are imported inside the front end,
only when a model of that format is converted."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import onnx

from packager import difference, onnxrt
from packager.difference import MAX_CONVERSION_DIFF
from packager.errors import PackagerError


@dataclass(frozen=True)
class Conversion:
    """A converted model and the proof that it matches its source.

    Attributes:
        model: the ONNX model, static input shape, opset as the recipe asks.
        max_abs_diff: largest |ONNX − source runtime| on the check input, per output relative to
            max(1, max |output|) (see ``compare``).
        source_runtime: what produced the reference outputs (``tflite``, ``torch``,
            ``onnxruntime``).
    """

    model: onnx.ModelProto
    max_abs_diff: float
    source_runtime: str
    notes: tuple[str, ...] = field(default=())


FrontEnd = Callable[..., Conversion]
_REGISTRY: dict[str, FrontEnd] = {}


@dataclass(frozen=True)
class AnyFrontEnd:
    """How a format converts a model no recipe knows (``packager convert``).

    Attributes:
        inputs: ``inputs(path)`` → the model's inputs as its file declares them
            (``packager.signature.TensorSpec``), in the order the model takes them.
        convert: ``convert(path, feeds, opset)`` → a ``Conversion`` with every dimension pinned to
            the feeds' shapes (verified on them against the source runtime, ``compare_named``,
            where the front end has one kernel set; else by the caller, ``convert.judge``).
        run: ``run(path, feeds_list, kernels)`` → the source runtime's outputs (a dict by the
            converted model's output names) on each feed, with kernel set ``kernels``.
        kernels: the source runtime's kernel sets the conversion is judged against, each run in
            a child process of its own call (one may crash where another runs).
        steps: ``steps(path)`` → None for a float model, else each output's quantization step
            (None for an output with no fixed scale): ``convert.judge``'s rule.
    """

    inputs: Callable
    convert: Callable
    run: Callable | None = None
    kernels: tuple[str, ...] = ("",)
    steps: Callable | None = None


_ANY: dict[str, AnyFrontEnd] = {}

#: The lowest opset models no recipe knows are brought to (the recipes' own, see
#: ``packager.recipes``): older ONNX files are upgraded to it (``onnx.version_converter``, the
#: result verified against the original), newer ones kept; a converter's graph that needs a newer
#: operator (Keras hard-swish: ``HardSwish``, opset 14) gets the lowest opset defining all of its
#: operators (``needed_opset``).
ANY_OPSET = 13
#: The newest default-domain opset the pinned onnxruntime (1.24.2) loads: it refuses 26
#: (``tests/convert/test_opsets.py`` holds the number to the installed runtime).
MAX_OPSET = 25


def register(name: str):
    """Decorator adding a front end ``fn(path, recipe, check_input) -> Conversion``."""

    def wrap(fn: FrontEnd) -> FrontEnd:
        _REGISTRY[name] = fn
        return fn

    return wrap


def register_any(name: str, inputs: Callable, run: Callable | None = None, kernels: tuple[str, ...] = ("",),
                 steps: Callable | None = None):
    """Decorator adding the ``packager convert`` front end of a format: the decorated function is
    its ``convert``, ``inputs`` reads its declared inputs (the rest: ``AnyFrontEnd``)."""

    def wrap(fn: Callable) -> Callable:
        _ANY[name] = AnyFrontEnd(inputs, fn, run, kernels, steps)
        return fn

    return wrap


def any_front_end(name: str) -> AnyFrontEnd:
    """The ``packager convert`` front end of a format; an unknown name lists the valid ones."""
    _load_all()
    if name not in _ANY:
        raise PackagerError(f"unknown model format {name!r}; choose one of: {', '.join(sorted(_ANY))}")
    return _ANY[name]


def front_end(name: str) -> FrontEnd:
    """The front end for a source format; an unknown name lists the valid ones."""
    _load_all()
    if name not in _REGISTRY:
        raise PackagerError(f"unknown model format {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def _load_all() -> None:
    # Importing the modules registers them; they import their frameworks lazily.
    from packager.convert import onnxfile, pytorch, tflite  # noqa: F401


def run_onnx(model: onnx.ModelProto, feeds: dict[str, np.ndarray], path: str = "the converted model") -> list[np.ndarray]:
    """Run an in-memory ONNX model on the CPU provider; a model onnxruntime cannot load or run
    (``path`` names it in the message) is a ``PackagerError`` naming the unknown operators."""
    try:
        sess = onnxrt.session(model.SerializeToString(), threads=0)
    except Exception as e:
        unknown = unknown_operators(model)
        what = f"unknown operator(s) {', '.join(unknown)}" if unknown else one_line(e)
        raise PackagerError(f"{path} does not load in onnxruntime's CPU provider: {what}") from None
    try:
        return list(onnxrt.run(sess, feeds).values())
    except Exception as e:
        shapes = ", ".join(f"{k} {list(np.shape(v))}" for k, v in feeds.items())
        raise PackagerError(f"{path} fails in onnxruntime on input {shapes}: {one_line(e)}") from None


def unknown_operators(model: onnx.ModelProto) -> list[str]:
    """``domain::Op`` of every node type neither ONNX nor onnxruntime's contrib set defines."""
    known_domains = {"", "ai.onnx", "ai.onnx.ml", "com.microsoft", "com.microsoft.nchwc"}
    out = set()
    for node in model.graph.node:
        if node.domain not in known_domains or (node.domain in ("", "ai.onnx", "ai.onnx.ml")
                                                and not onnx.defs.has(node.op_type, node.domain)):
            out.add(f"{node.domain or 'ai.onnx'}::{node.op_type}")
    return sorted(out)


def one_line(e: BaseException, last: bool = False, limit: int = 300) -> str:
    """An exception's message as one line (frameworks' messages span many); ``last`` keeps only
    its last line (TorchScript puts its own traceback before the error).  Past ``limit``
    characters the middle goes, not the end: runtimes put the cause last (onnxruntime's
    INVALID_GRAPH names the node, its inputs, then "No Op registered for HardSwish with
    domain_version of 13")."""
    lines = [line for line in str(e).splitlines() if line.strip()]
    text = " ".join(" ".join(lines[-1:] if last else lines).split()) or type(e).__name__
    if len(text) <= limit:
        return text
    head = limit // 3
    return text[:head] + " … " + text[len(text) - (limit - head - 3):]


@functools.cache
def _first_opsets(domain: str) -> dict[str, int]:
    """Operator type → the first opset of ``domain`` that defines it (onnx's schemas)."""
    first: dict[str, int] = {}
    for s in onnx.defs.get_all_schemas_with_history():
        if s.domain == domain:
            first[s.name] = min(first.get(s.name, s.since_version), s.since_version)
    return first


def _first_opset_by_operator(model: onnx.ModelProto) -> dict[str, int]:
    """ONNX operator type of the graph and its subgraphs → the first default-domain opset that
    defines it (operators of other domains, or unknown to onnx, are left out)."""
    first = _first_opsets("")
    graphs, out = [model.graph], {}
    while graphs:
        g = graphs.pop()
        for n in g.node:
            if n.domain in ("", "ai.onnx") and n.op_type in first:
                out[n.op_type] = first[n.op_type]
            for a in n.attribute:
                graphs += ([a.g] if a.HasField("g") else []) + list(a.graphs)
    return out


def needed_opset(model: onnx.ModelProto) -> int:
    """The lowest default-domain opset that defines every ONNX operator of the graph and its
    subgraphs; 1 for a graph without any."""
    return max(_first_opset_by_operator(model).values(), default=1)


def operators_newer_than(model: onnx.ModelProto, opset: int) -> list[str]:
    """The graph's ONNX operator types that ``opset`` does not define yet, sorted."""
    return sorted(op for op, first in _first_opset_by_operator(model).items() if first > opset)


def compare(name: str, ours: list[np.ndarray], theirs: list[np.ndarray], runtime: str) -> float:
    """Largest difference between two runs (``packager.difference.scaled_diff``, each output in
    its own scale).  Above MAX_CONVERSION_DIFF, or not finite, the conversion fails."""
    for a, b in zip(ours, theirs):
        if np.shape(a) != np.shape(b):
            raise PackagerError(f"conversion of {name} is wrong: output shape {np.shape(a)} differs from {runtime}'s {np.shape(b)}")
    diff = difference.scaled_diff(dict(enumerate(ours)), dict(enumerate(theirs)))
    if not diff <= MAX_CONVERSION_DIFF:
        raise PackagerError(
            f"conversion of {name} is wrong: ONNX output differs from {runtime} by {diff:.3g} "
            f"(limit {MAX_CONVERSION_DIFF:g}); the model may use an operator the converter mishandles"
        )
    return diff


def check_outputs(recipe, path: str, outputs: list[np.ndarray], runtime: str) -> None:
    """What the recipe needs of a model's outputs on the check input: as many as it names, each
    of the recipe's shape (one score per label; the detector's anchors × values), every value
    finite."""
    want = recipe.output_shapes
    if len(outputs) != len(want):
        raise PackagerError(
            f"{path} does not fit recipe {recipe.name}: {len(outputs)} outputs, the recipe expects {len(want)}"
        )
    for name, got, shape in zip(recipe.output_names, outputs, want):
        if tuple(np.shape(got)) != tuple(shape):
            raise PackagerError(
                f"{path} does not fit recipe {recipe.name}: output {name!r} has shape {list(np.shape(got))}, "
                f"the recipe expects {list(shape)}" + _labels_hint(recipe, shape)
            )
    check_finite(path, recipe.output_names, outputs, runtime)


def _labels_hint(recipe, shape) -> str:
    labels = getattr(recipe, "labels", None)
    return f" (one score per label: {', '.join(labels)})" if labels else ""


def verify(recipe, path: str, ours: list[np.ndarray], theirs: list[np.ndarray], runtime: str) -> float:
    """The source's outputs fit the recipe (``check_outputs``), and ours equal them (``compare``)."""
    check_outputs(recipe, path, theirs, runtime)
    return compare(recipe.name, ours, theirs, runtime)


def check_finite(path: str, names: list[str], outputs: list[np.ndarray], runtime: str) -> None:
    """Every value of every output finite on the check input; else the model is broken."""
    for name, got in zip(names, outputs):
        bad = ~np.isfinite(np.asarray(got, np.float64))
        if bad.any():
            kinds = " and ".join(k for k, m in (("NaN", np.isnan(got)), ("Inf", np.isinf(got))) if np.any(m))
            raise PackagerError(
                f"{path} is broken: output {name!r} is {kinds} in {int(bad.sum())} of {bad.size} values "
                f"on the check input ({runtime})"
            )


def compare_named(path: str, names: list[str], ours: list[np.ndarray], theirs: list[np.ndarray], runtime: str) -> float:
    """A model no recipe knows: as many outputs as the source, the source's finite on the sample
    input (``check_finite``), ours equal to them (``compare``)."""
    if len(ours) != len(theirs):
        raise PackagerError(f"conversion of {path} is wrong: {len(ours)} outputs, {runtime} gives {len(theirs)}")
    check_finite(path, names, theirs, runtime)
    return compare(path, ours, theirs, runtime)


def pin_shapes(model: onnx.ModelProto, feeds: dict[str, np.ndarray], outputs: list[np.ndarray]) -> onnx.ModelProto:
    """Every input dimension pinned to its feed's shape and every output's to the shape the source
    runtime gave on them (NNAPI and CoreML want static shapes), then shapes re-inferred."""
    inits = {i.name for i in model.graph.initializer}
    pinned = [(v, feeds[v.name].shape) for v in model.graph.input if v.name not in inits]
    pinned += list(zip(model.graph.output, (np.shape(o) for o in outputs)))
    for value, shape in pinned:
        t = value.type.tensor_type
        del t.shape.dim[:]
        for n in shape:
            t.shape.dim.add().dim_value = n
    del model.graph.value_info[:]
    return onnx.shape_inference.infer_shapes(model)


def check_signature(model: onnx.ModelProto, recipe, outputs: list[str], path: str) -> None:
    """The model's real inputs and outputs must be the recipe's, with its static shape."""
    inits = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in inits]
    names = [i.name for i in inputs]
    if names != [recipe.input_name]:
        raise PackagerError(
            f"{path} does not fit recipe {recipe.name}: model inputs are {names}, the recipe expects "
            f"[{recipe.input_name!r}]; pick the recipe that matches the model (--emotion-recipe)"
        )
    dims = [d.dim_value if d.HasField("dim_value") else -1 for d in inputs[0].type.tensor_type.shape.dim]
    want = list(recipe.input_shape)
    if len(dims) != len(want) or any(d not in (w, -1) for d, w in zip(dims, want)):
        raise PackagerError(
            f"{path} does not fit recipe {recipe.name}: input {recipe.input_name!r} has shape {dims}, "
            f"the recipe expects {want}"
        )
    got = [o.name for o in model.graph.output]
    if got != outputs:
        raise PackagerError(
            f"{path} does not fit recipe {recipe.name}: model outputs are {got}, the recipe expects {outputs}"
        )


def fix_input_shape(model: onnx.ModelProto, recipe) -> onnx.ModelProto:
    """Pin a dynamic batch dimension to the recipe's static shape (NNAPI and CoreML want static
    shapes) and re-run shape inference."""
    inits = {i.name for i in model.graph.initializer}
    for inp in model.graph.input:
        if inp.name in inits:
            continue
        for d, v in zip(inp.type.tensor_type.shape.dim, recipe.input_shape):
            d.ClearField("dim_param")
            d.dim_value = v
    for out in model.graph.output:
        dims = out.type.tensor_type.shape.dim
        if dims and not dims[0].HasField("dim_value"):
            dims[0].ClearField("dim_param")
            dims[0].dim_value = recipe.input_shape[0]
    del model.graph.value_info[:]
    return onnx.shape_inference.infer_shapes(model)
