"""Architecture-faithful stand-ins for the two user-supplied emotion models (random weights).

Their real weights cannot be downloaded here; these have the same graph shape, input/output
names and opset, so they drive the same converter paths and pipeline code a real file does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

#: FER+ (arXiv:1608.01041): VGG-13 style conv blocks and dense layers.
FERPLUS_BLOCKS = ((64, 64), (128, 128), (256, 256, 256), (256, 256, 256))


def ferplus_model(seed: int = 0) -> onnx.ModelProto:
    """An opset-8, IR-version-3 FER+ graph: ``Input3`` [N,1,64,64] raw gray pixels →
    ``Plus692_Output_0`` [N,8] logits; every weight is also listed as a graph input, as in the
    ONNX model zoo file."""
    rng = np.random.default_rng(seed)
    nodes, inits = [], []

    def weight(name, shape, fan_in):
        a = (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        inits.append(numpy_helper.from_array(a, name))
        return name

    x, cin, n = "Input3", 1, 0
    # The zoo graph starts by scaling raw pixels; keep activations in range the same way.
    inits.append(numpy_helper.from_array(np.array([1 / 255.0], np.float32), "pixel_scale"))
    nodes.append(helper.make_node("Mul", [x, "pixel_scale"], ["scaled"]))
    x = "scaled"
    for block in FERPLUS_BLOCKS:
        for cout in block:
            n += 1
            w = weight(f"conv{n}_W", (cout, cin, 3, 3), cin * 9)
            b = weight(f"conv{n}_B", (cout,), 1e6)
            nodes.append(helper.make_node("Conv", [x, w, b], [f"conv{n}"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
            nodes.append(helper.make_node("Relu", [f"conv{n}"], [f"relu{n}"]))
            x, cin = f"relu{n}", cout
        nodes.append(helper.make_node("MaxPool", [x], [f"pool{n}"], kernel_shape=[2, 2], strides=[2, 2]))
        nodes.append(helper.make_node("Dropout", [f"pool{n}"], [f"drop{n}"], ratio=0.25))
        x = f"drop{n}"
    inits.append(numpy_helper.from_array(np.array([1, 4096], np.int64), "flat_shape"))
    nodes.append(helper.make_node("Reshape", [x, "flat_shape"], ["flat"]))
    x, fin = "flat", 4096
    for i, fout in enumerate((1024, 1024, 8)):
        w = weight(f"fc{i}_W", (fin, fout), fin)
        b = weight(f"fc{i}_B", (fout,), 1e6)
        out = "Plus692_Output_0" if fout == 8 else f"fc{i}"
        nodes.append(helper.make_node("Gemm", [x, w, b], [out]))
        if fout != 8:
            nodes.append(helper.make_node("Relu", [out], [f"fcrelu{i}"]))
            nodes.append(helper.make_node("Dropout", [f"fcrelu{i}"], [f"fcdrop{i}"], ratio=0.5))
            x = f"fcdrop{i}"
        fin = fout
    inputs = [helper.make_tensor_value_info("Input3", TensorProto.FLOAT, ["N", 1, 64, 64])]
    inputs += [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in inits]
    graph = helper.make_graph(
        nodes, "CNTKGraph", inputs,
        [helper.make_tensor_value_info("Plus692_Output_0", TensorProto.FLOAT, ["N", 8])], inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 8)], producer_name="CNTK")
    model.ir_version = 3
    return model


def write_ferplus(path: Path, seed: int = 0) -> Path:
    onnx.save(ferplus_model(seed), str(path))
    return path


def affectnet_state_dict(seed: int = 0) -> dict:
    """A random state_dict with EMO-AffectNet's names and shapes (batch-norm statistics
    randomized too, so that every parameter matters)."""
    import torch

    from packager.convert.affectnet import ResNet50

    torch.manual_seed(seed)
    model = ResNet50()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.0)
                m.bias.uniform_(-0.1, 0.1)
            elif isinstance(m, torch.nn.Conv2d):
                # scale so that raw BGR pixels (±130) do not blow up through 50 layers
                m.weight.mul_(0.5)
    return model.state_dict()


def write_affectnet(path: Path, seed: int = 0) -> Path:
    import torch

    torch.save(affectnet_state_dict(seed), str(path))
    return path


def write_affectnet_torchscript(path: Path, seed: int = 0) -> Path:
    import torch

    from packager.convert.affectnet import ResNet50

    model = ResNet50()
    model.load_state_dict(affectnet_state_dict(seed))
    traced = torch.jit.trace(model.eval(), torch.zeros(1, 3, 224, 224))
    traced.save(str(path))
    return path
