"""Front ends: one module per source format, each turning a model file into a verified ONNX
model.  ``@register("tflite")`` adds one; heavy frameworks are imported inside the front end,
only when a model of that format is converted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import onnx

from packager import difference, onnxrt
from packager.errors import PackagerError

#: A conversion whose output differs from the source runtime's by more than this fails.
MAX_CONVERSION_DIFF = 1e-4


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


FrontEnd = Callable[..., Conversion]
_REGISTRY: dict[str, FrontEnd] = {}


def register(name: str):
    """Decorator adding a front end ``fn(path, recipe, check_input) -> Conversion``."""

    def wrap(fn: FrontEnd) -> FrontEnd:
        _REGISTRY[name] = fn
        return fn

    return wrap


def front_end(name: str) -> FrontEnd:
    """The front end for a source format; an unknown name lists the valid ones."""
    _load_all()
    if name not in _REGISTRY:
        raise PackagerError(f"unknown model format {name!r}; choose one of: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def _load_all() -> None:
    # Importing the modules registers them; they import their frameworks lazily.
    from packager.convert import onnxfile, pytorch, tflite  # noqa: F401


def run_onnx(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
    """Run an in-memory ONNX model on the CPU provider."""
    return list(onnxrt.run(onnxrt.session(model.SerializeToString(), threads=0), feeds).values())


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
