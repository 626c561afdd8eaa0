"""Graph rewrites on small graphs: every form onnxruntime runs to the same numbers as the
original, and graphs the rewrite does not understand are left alone."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from packager.export import rewrite


#: The IR version of the test graphs: the first for opset 13.  onnx 1.23's default (IR 14) is newer
#: than onnxruntime 1.24 reads (13).
IR_VERSION = 7


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    return sess.run(None, {"x": x})[0]


def _pad_model(pads: list[int], value: float | None = None, mode: str = "constant") -> onnx.ModelProto:
    inits = [numpy_helper.from_array(np.asarray(pads, np.int64), "pads")]
    ins = ["x", "pads"]
    if value is not None:
        inits.append(numpy_helper.from_array(np.asarray(value, np.float32), "value"))
        ins.append("value")
    node = helper.make_node("Pad", ins, ["padded"], mode=mode)
    relu = helper.make_node("Relu", ["padded"], ["y"])
    graph = helper.make_graph([node, relu], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=IR_VERSION)


X = np.random.default_rng(0).standard_normal((1, 3, 4, 5)).astype(np.float32)


@pytest.mark.parametrize("pads", [
    [0, 0, 0, 0, 0, 4, 0, 0],   # BlazeFace: channels appended
    [0, 2, 0, 0, 0, 1, 0, 0],   # before and after
    [0, 0, 0, 0, 0, 0, 0, 3],   # another axis (Concat only)
])
def test_pad_rewrites_compute_the_same_values(pads):
    model = _pad_model(pads)
    want = _run(model, X)
    concat = rewrite.pad_to_concat(model)
    assert concat.nodes == 1 and "Pad" not in {n.op_type for n in concat.model.graph.node}
    assert np.array_equal(_run(concat.model, X), want)
    conv = rewrite.pad_to_conv1x1(model)
    if pads[1] or pads[5]:
        assert conv.nodes == 1 and np.array_equal(_run(conv.model, X), want)
    else:
        assert conv.nodes == 0  # a 1×1 conv only widens the channel axis


@pytest.mark.parametrize("model", [
    _pad_model([0, 0, 0, 0, 0, 4, 0, 0], value=1.0),          # not zeros
    _pad_model([0, 0, 0, 0, 0, 4, 0, 0], mode="reflect"),       # not constant
    _pad_model([0, 0, 1, 0, 0, 4, 0, 0]),                       # two axes
])
def test_pads_that_are_not_a_zero_widening_are_left_alone(model):
    assert rewrite.pad_to_concat(model).nodes == 0 and rewrite.pad_to_conv1x1(model).nodes == 0


@pytest.mark.parametrize("axis_scale", [None, 0])
def test_folded_dequantize_is_bit_identical_to_onnxruntime(axis_scale):
    rng = np.random.default_rng(1)
    q = rng.integers(-128, 128, (4, 3, 2, 2)).astype(np.int8)
    scale = (rng.random(4) * 0.01 + 0.001).astype(np.float32) if axis_scale == 0 else np.float32(0.0071)
    zp = rng.integers(-5, 5, 4).astype(np.int8) if axis_scale == 0 else np.int8(3)
    inits = [numpy_helper.from_array(q, "q"), numpy_helper.from_array(np.asarray(scale), "s"),
             numpy_helper.from_array(np.asarray(zp), "z")]
    dq = helper.make_node("DequantizeLinear", ["q", "s", "z"], ["w"], axis=0)
    conv = helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[2, 2])
    graph = helper.make_graph([dq, conv], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=IR_VERSION)
    folded = rewrite.fold_dequantize(model)
    assert folded.nodes == 1 and [n.op_type for n in folded.model.graph.node] == ["Conv"]
    assert [i.name for i in folded.model.graph.initializer] == ["w"]  # q, s, z dropped
    assert np.array_equal(_run(folded.model, X), _run(model, X))


def test_canonical_names_keep_values_and_the_signature():
    model = _pad_model([0, 0, 0, 0, 0, 4, 0, 0])
    named = rewrite.canonical_names(model)
    assert [i.name for i in named.graph.input] == ["x"] and [o.name for o in named.graph.output] == ["y"]
    assert [n.name for n in named.graph.node] == ["Pad_0", "Relu_1"]
    assert np.array_equal(_run(named, X), _run(model, X))
