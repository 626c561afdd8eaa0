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
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from packager.cache import Cache, key, sha256

#: Provider name → the checker's supported-operator table.
PROVIDERS = {
    "NNAPI": "nnapi_supported_ops.md",
    "CoreML NeuralNetwork": "coreml_supported_neuralnetwork_ops.md",
    "CoreML MLProgram": "coreml_supported_mlprogram_ops.md",
}


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
    for provider, table in PROVIDERS.items():
        if provider == "NNAPI":
            info = uc.check_nnapi_partitions(model, require_fixed_input_sizes=True)
        else:
            info = uc.check_coreml_partitions(model, True, table)
        out[provider] = {
            "nodes": info.num_nodes,
            "supported_nodes": info.num_supported_nodes,
            "partitions": info.num_partitions,
            "partition_sizes": [len(g) for g in info.supported_groups],
            "unsupported_ops": sorted(info.unsupported_ops),
            "caveats": info.supported_ops_checker.get_caveats(),
        }
    return out


def measure(onnx_bytes: bytes, cache: Cache) -> dict:
    """Coverage of a model: ``{"static_shapes": bool, provider: {"nodes", "supported_nodes",
    "partitions", "partition_sizes", "unsupported_ops", "caveats"}}``, cached by content."""
    return cache.value("coverage", key("coverage", sha256(onnx_bytes)), lambda: _measure(onnx_bytes),
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
