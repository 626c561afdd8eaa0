"""PyTorch front end: an EMO-AffectNet state_dict (loaded into the architecture in
``affectnet.py``) or a TorchScript file, exported with torch's ONNX exporter and checked
against torch."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import warnings

import numpy as np
import onnx

from packager import signature
from packager.convert import (ANY_OPSET, Conversion, check_outputs, check_signature, compare, compare_named, one_line,
                              pin_shapes, register, register_any, run_onnx)
from packager.errors import PackagerError


def _load(path: str):
    """A TorchScript module, or what a weights-only unpickler reads (tensors, dicts, lists,
    numbers: never code).  A pickle of anything else is refused without being unpickled."""
    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TorchScript archives are handled below
            return torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        try:
            return torch.jit.load(path, map_location="cpu").eval()
        except Exception:
            raise PackagerError(
                f"{path} is neither a PyTorch state_dict nor a TorchScript file (pickles of anything but tensors are refused)"
            ) from None


def load_module(path: str, recipe):
    """A state_dict for the recipe's architecture, or a TorchScript module."""
    import torch

    obj = _load(path)
    if isinstance(obj, torch.jit.ScriptModule):
        return obj
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise PackagerError(f"{path} holds a {type(obj).__name__}, not a state_dict of tensors")
    from packager.convert.affectnet import ResNet50

    model = ResNet50(num_classes=len(recipe.labels))
    try:
        model.load_state_dict(obj, strict=True)
    except RuntimeError as e:
        detail = " ".join(str(e).split())[:300]
        raise PackagerError(f"{path} does not fit recipe {recipe.name}: {detail}") from None
    return model.eval()


@register("pytorch")
def convert(path: str, recipe, check_input: np.ndarray) -> Conversion:
    """PyTorch file → ONNX (opset ``recipe.opset``, static shape), verified on ``check_input``."""
    import torch

    module = load_module(path, recipe)
    x = torch.from_numpy(check_input)
    try:
        with torch.no_grad():
            expected = as_arrays(module(x), path)
    except PackagerError:
        raise
    except Exception as e:  # a TorchScript of another architecture fails inside its forward
        raise PackagerError(
            f"{path} does not fit recipe {recipe.name}: it fails on the recipe's input {list(check_input.shape)}: "
            f"{one_line(e, last=True)}"
        ) from None
    check_outputs(recipe, path, expected, "torch")
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = os.path.join(tmp, "model.onnx")
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                torch.onnx.export(
                    module, (x,), out, dynamo=False, opset_version=recipe.opset,
                    input_names=[recipe.input_name], output_names=recipe.output_names,
                )
        except Exception as e:
            raise PackagerError(f"torch cannot export {path} to ONNX: {one_line(e)}") from None
        model = onnx.load(out)
    check_signature(model, recipe, recipe.output_names, path)
    ours = run_onnx(model, {recipe.input_name: check_input})
    diff = compare(recipe.name, ours, expected, "torch")  # expected passed check_outputs above
    return Conversion(model, diff, "torch")


def as_arrays(result, path: str) -> list[np.ndarray]:
    """A module's result (a tensor, or a tuple/list of them) as arrays."""
    import torch

    items = list(result) if isinstance(result, (tuple, list)) else [result]
    if not all(isinstance(t, torch.Tensor) for t in items):
        raise PackagerError(f"{path} returns {type(result).__name__}, not tensors")
    return [t.detach().numpy() for t in items]


def load_torchscript(path: str):
    """A TorchScript module; a state_dict (weights without their architecture) is refused with
    what to do instead."""
    import torch

    obj = _load(path)
    if not isinstance(obj, torch.jit.ScriptModule):
        what = "a state_dict (weights only)" if isinstance(obj, dict) else f"a {type(obj).__name__}"
        raise PackagerError(
            f"{path} holds {what}, not a model: converting it needs its architecture; save the model with "
            "torch.jit.trace(model, example).save(path) (TorchScript) or export it to ONNX, and convert that"
        )
    return obj


def inputs(path: str) -> list[signature.TensorSpec]:
    """The forward arguments of a TorchScript module, by name; TorchScript declares no shapes."""
    module = load_torchscript(path)
    args = module.forward.schema.arguments[1:]  # [0] is self
    return [signature.TensorSpec(a.name, None, None) for a in args]


def run_module(path: str, feeds: list[dict[str, np.ndarray]], kernels: str = "") -> list[dict[str, np.ndarray]]:
    """torch's outputs on each feed, named as the converted model's (``output`` / ``output_<i>``)."""
    module = load_torchscript(path)
    names = [a.name for a in module.forward.schema.arguments[1:]]
    out = []
    for f in feeds:
        got = _forward(module, names, f, path)[1]
        out.append(dict(zip(_output_names(len(got)), got)))
    return out


def _forward(module, names: list[str], feed: dict[str, np.ndarray], path: str) -> tuple[tuple, list[np.ndarray]]:
    """``module`` on ``feed`` (its inputs in the order of ``names``): (the input tensors, the
    outputs as arrays); whatever torch raises is one line that names the input shapes."""
    import torch

    xs = tuple(torch.from_numpy(np.ascontiguousarray(feed[n])) for n in names)
    try:
        with torch.no_grad():
            return xs, as_arrays(module(*xs), path)
    except PackagerError:
        raise
    except Exception as e:
        shapes = ", ".join(f"{n} {list(x.shape)}" for n, x in zip(names, xs))
        raise PackagerError(f"{path} fails in torch on input {shapes}: {one_line(e, last=True)}") from None


def _output_names(count: int) -> list[str]:
    """The converted model's output names: ``output`` (one) or ``output_0``, ``output_1``…"""
    return ["output"] if count == 1 else [f"output_{i}" for i in range(count)]


@register_any("pytorch", inputs, run=run_module)
def convert_any(path: str, feeds: dict[str, np.ndarray], opset: int = ANY_OPSET) -> Conversion:
    """A TorchScript file → ONNX (torch's TorchScript exporter, static shapes), verified on
    ``feeds`` against torch.  Outputs are named ``output`` (one) or ``output_0``, ``output_1``…"""
    import torch

    module = load_torchscript(path)
    names = [a.name for a in module.forward.schema.arguments[1:]]
    xs, expected = _forward(module, names, feeds, path)
    out_names = _output_names(len(expected))
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = os.path.join(tmp, "model.onnx")
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                torch.onnx.export(module, xs, out, dynamo=False, opset_version=opset, input_names=names,
                                  output_names=out_names)
        except Exception as e:
            raise PackagerError(f"torch cannot export {path} to ONNX: {one_line(e)}") from None
        model = onnx.load(out)
    model = pin_shapes(model, feeds, expected)
    ours = run_onnx(model, feeds)
    return Conversion(model, compare_named(path, out_names, ours, expected, "torch"), "torch")
