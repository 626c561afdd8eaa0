"""Hostile user models, built from the stand-ins (tests/standins.py): each is a valid file of its
format that converts, but is wrong in a way only running it shows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

import standins

FERPLUS_OUTPUT = "Plus692_Output_0"


def ferplus_classes(path: Path, classes: int) -> Path:
    """The FER+ stand-in with ``classes`` outputs instead of the recipe's 8 labels."""
    model = standins.ferplus_model()
    inits = {t.name: t for t in model.graph.initializer}
    rng = np.random.default_rng(1)
    for name, shape in (("fc2_W", (1024, classes)), ("fc2_B", (classes,))):
        inits[name].CopyFrom(numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.01, name))
    for vi in list(model.graph.input) + list(model.graph.output):
        if vi.name in ("fc2_W", "fc2_B", FERPLUS_OUTPUT):
            vi.type.tensor_type.shape.dim[-1].dim_value = classes
    onnx.save(model, str(path))
    return path


def ferplus_tail(path: Path, *nodes_and_inits) -> Path:
    """The FER+ stand-in with nodes appended after its logits: ``(nodes, initializers)`` reading
    ``logits`` and writing the output."""
    model = standins.ferplus_model()
    for n in model.graph.node:
        n.output[:] = ["logits" if o == FERPLUS_OUTPUT else o for o in n.output]
    nodes, inits = nodes_and_inits
    model.graph.node.extend(nodes)
    model.graph.initializer.extend(inits)
    model.graph.input.extend(helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in inits)
    onnx.save(model, str(path))
    return path


def ferplus_nan(path: Path) -> Path:
    """Outputs ``Sqrt(logits − 1000)``: NaN everywhere."""
    k = numpy_helper.from_array(np.array([1000.0], np.float32), "k1000")
    return ferplus_tail(path, [helper.make_node("Sub", ["logits", "k1000"], ["shifted"]),
                               helper.make_node("Sqrt", ["shifted"], [FERPLUS_OUTPUT])], [k])


def ferplus_inf(path: Path) -> Path:
    """Outputs ``logits / 0``: ±Inf."""
    z = numpy_helper.from_array(np.array([0.0], np.float32), "zero")
    return ferplus_tail(path, [helper.make_node("Div", ["logits", "zero"], [FERPLUS_OUTPUT])], [z])


def ferplus_unknown_op(path: Path) -> Path:
    """The logits pass through ``com.example::Frobnicate``, an operator nobody implements."""
    model_path = ferplus_tail(path, [helper.make_node("Frobnicate", ["logits"], [FERPLUS_OUTPUT], domain="com.example")], [])
    model = onnx.load(str(model_path))
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    onnx.save(model, str(path))
    return path


def affectnet_nan(path: Path) -> Path:
    """The EMO-AffectNet stand-in state_dict with one NaN weight."""
    import torch

    sd = standins.affectnet_state_dict()
    name = next(k for k, v in sd.items() if k.endswith("weight") and v.dtype == torch.float32)
    sd[name].view(-1)[0] = float("nan")
    torch.save(sd, str(path))
    return path


def torchscript_wrong_architecture(path: Path) -> Path:
    """A TorchScript gray-image classifier (1 input channel), given to the RGB AffectNet recipe."""
    import torch

    net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.Flatten(), torch.nn.LazyLinear(7))
    net(torch.zeros(1, 1, 64, 64))
    torch.jit.trace(net.eval(), torch.zeros(1, 1, 64, 64)).save(str(path))
    return path


def malicious_pickle(path: Path, marker: Path) -> Path:
    """A pickle that would create ``marker`` when unpickled without ``weights_only``."""
    import pickle

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    path.write_bytes(pickle.dumps(Payload()))
    return path
