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


def tiny_onnx(path: Path, opset: int = 13, index_input: bool = False) -> Path:
    """A small real ONNX model: ``image`` [1,3,8,8] float32 → Conv 3×3 → Relu → ``features``
    [1,4,8,8]; with ``index_input``, a second input ``index`` [1] int64 picks one channel (Gather):
    a model with a non-float input."""
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w"),
             numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "b")]
    nodes = [helper.make_node("Conv", ["image", "w", "b"], ["conv"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["conv"], ["features"])]
    inputs = [helper.make_tensor_value_info("image", onnx.TensorProto.FLOAT, [1, 3, 8, 8])]
    outputs = [helper.make_tensor_value_info("features", onnx.TensorProto.FLOAT, [1, 4, 8, 8])]
    if index_input:
        nodes[-1].output[0] = "relu"
        nodes.append(helper.make_node("Gather", ["relu", "index"], ["features"], axis=1))
        inputs.append(helper.make_tensor_value_info("index", onnx.TensorProto.INT64, [1]))
        outputs = [helper.make_tensor_value_info("features", onnx.TensorProto.FLOAT, [1, 1, 8, 8])]
    graph = helper.make_graph(nodes, "tiny", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7 if opset >= 7 else 3
    onnx.save(model, str(path))
    return path


def pickled_npy(path: Path) -> Path:
    """A ``.npy`` holding a Python object array (loading it needs pickle)."""
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    return path
