"""Provider coverage: how much of a model NNAPI, CoreML NeuralNetwork and CoreML MLProgram take.

Measured with onnxruntime's own usability checker
(``onnxruntime/tools/mobile_helpers/usability_checker.py``, what
``python -m onnxruntime.tools.check_onnx_model_mobile_usability`` prints): the model is first
optimized at the basic level (as the .ort conversion does), shapes are inferred, and each
provider's supported-operator table decides per node; partitions are counted the way ORT's
partitioner groups supported nodes.  The checker looks at operator types and static shapes, not
at every operator caveat (e.g. CoreML NeuralNetwork pads only the last two axes), so a graph
whose coverage is already complete can still carry a caveat; ``caveats`` lists the ones it
could not check.

The checker decides by operator type only; the execution providers also look at the data type of
a node's first input (onnxruntime's ``BaseOpBuilder::HasSupportedInputsImpl``), which matters for
the fp16 variant: the CoreML EP takes a float16 input only when it builds an ML Program
(``IsInputDtypeSupport``: "only MLProgram support FP16"), never in the NeuralNetwork format, and
the NNAPI EP takes float32 (and the quantized types of QDQ groups), not float16.  ``FLOAT16``
states that rule and ``_measure`` applies it on top of the checker's table.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from packager.cache import Cache, key, sha256
from packager.onnxrt import PROVIDERS


#: Provider → does it take a node whose first input is float16 (see the module docstring).
FLOAT16 = {"NNAPI": False, "CoreML NeuralNetwork": False, "CoreML MLProgram": True}
FLOAT16_TYPE = 10  # onnx.TensorProto.FLOAT16
#: Part of the cache key: coverage measured before the float16 rule must not be reused.
RULES = "checker table + first-input float16 rule"


def _with_dtype_rule(checker, elem_types: dict[str, int], takes_float16: bool):
    """``checker`` (the usability checker's ``_SupportedOpsChecker``) that also refuses a node
    whose first input is float16 when the provider does not take float16."""
    if takes_float16:
        return checker
    plain = checker.is_op_supported

    def is_op_supported(node) -> bool:
        first = node.input[0] if node.input else ""
        return plain(node) and elem_types.get(first) != FLOAT16_TYPE

    checker.is_op_supported = is_op_supported
    return checker


def _elem_types(model) -> dict[str, int]:
    """Tensor name → ONNX element type, from the shape-inferred graph and its initializers."""
    g = model.graph
    out = {v.name: v.type.tensor_type.elem_type for v in [*g.input, *g.output, *g.value_info]}
    out.update({i.name: i.data_type for i in g.initializer})
    return out


def _partitions(model, provider: str, elem_types: dict[str, int]):
    """The usability checker's partitioning of ``model`` for ``provider``, with the float16 rule."""
    from onnxruntime.tools.mobile_helpers import usability_checker as uc

    table = Path(uc.__file__).parent / PROVIDERS[provider]
    checker = _with_dtype_rule(uc._SupportedOpsChecker(table), elem_types, FLOAT16[provider])
    max_rank = 999 if provider == "NNAPI" else 5  # as check_nnapi_partitions / check_coreml_partitions
    info = uc.check_partitioning(model.graph, checker, True, max_rank)
    return info, checker


def _measure(onnx_bytes: bytes) -> dict:
    import onnxruntime as ort
    from onnxruntime.tools.mobile_helpers import usability_checker as uc
    from onnxruntime.tools.onnx_model_utils import ModelProtoWithShapeInfo, optimize_model

    with tempfile.TemporaryDirectory(prefix="packager-coverage-") as tmp:
        src, opt = Path(tmp) / "model.onnx", Path(tmp) / "model.opt.onnx"
        src.write_bytes(onnx_bytes)
        optimize_model(src, opt, level=ort.GraphOptimizationLevel.ORT_ENABLE_BASIC)
        model = ModelProtoWithShapeInfo(opt).model_with_shape_info
    if not model.graph.value_info:
        # The checker refuses a graph whose shape inference found no intermediate shape (most
        # ai.onnx.ml operators have none), though its own rule already counts a node with an
        # input of unknown shape as unsupported: hand it the inputs' value infos, which it reads anyway.
        model.graph.value_info.extend(model.graph.input)
    dynamic_inputs, _ = uc.check_shapes(model.graph, logging.getLogger("packager.coverage"))
    out = {"static_shapes": not dynamic_inputs}
    types = _elem_types(model)
    for provider in PROVIDERS:
        info, checker = _partitions(model, provider, types)
        out[provider] = {
            "nodes": info.num_nodes,
            "supported_nodes": info.num_supported_nodes,
            "partitions": info.num_partitions,
            "partition_sizes": [len(g) for g in info.supported_groups],
            "unsupported_ops": sorted(info.unsupported_ops),
            "caveats": checker.get_caveats(),
            "float16_input_nodes": sum(types.get(n.input[0] if n.input else "") == FLOAT16_TYPE for n in model.graph.node),
            "takes_float16": FLOAT16[provider],
        }
    return out


def measure(onnx_bytes: bytes, cache: Cache) -> dict:
    """Coverage of a model: ``{"static_shapes": bool, provider: {"nodes", "supported_nodes",
    "partitions", "partition_sizes", "unsupported_ops", "caveats"}}``, cached by content."""
    return cache.value("coverage", key("coverage", RULES, sha256(onnx_bytes)), lambda: _measure(onnx_bytes),
                       fields=("static_shapes", *PROVIDERS))


def complete(cov: dict) -> bool:
    """Every provider takes every node in one partition, with static shapes."""
    return cov["static_shapes"] and all(
        cov[p]["partitions"] == 1 and cov[p]["supported_nodes"] == cov[p]["nodes"] for p in PROVIDERS
    )


def brief(cov: dict) -> dict:
    """``{provider: "taken/total nodes, N partitions"}`` for summaries."""
    return {
        p: f"{cov[p]['supported_nodes']}/{cov[p]['nodes']} nodes, {cov[p]['partitions']} partition"
        + ("" if cov[p]["partitions"] == 1 else "s")
        for p in PROVIDERS
    }
