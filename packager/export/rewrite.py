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
