"""ONNX front end: the model as is, brought to the recipe's opset and static shape, checked
against onnxruntime on the original file."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import version_converter

from packager.convert import Conversion, check_signature, fix_input_shape, register, run_onnx, verify
from packager.errors import PackagerError


def load(path: str) -> onnx.ModelProto:
    """Parse an ONNX file with a clear error for anything that is not one."""
    try:
        model = onnx.load(path)
    except Exception as e:  # protobuf raises DecodeError, RuntimeError, ValueError...
        raise PackagerError(f"{path} is not a valid ONNX model ({type(e).__name__}); is the file truncated?") from None
    if not model.graph.node:
        raise PackagerError(f"{path} is not a valid ONNX model (no graph); is the file truncated?")
    return model


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
