"""The one way packager opens an onnxruntime session, and runs it.

Every session runs on the CPU provider (the build machine's stand-in for a phone's CPU
fallback); NNAPI and CoreML are only measured (``export.coverage``), never run here.
"""

from __future__ import annotations

import os
from enum import Enum

import numpy as np

#: The phone providers packager measures (``export.coverage``) and reports on (``htmlreport``),
#: in the order they are shown: name → onnxruntime's usability-checker supported-operator table.
PROVIDERS = {
    "NNAPI": "nnapi_supported_ops.md",
    "CoreML NeuralNetwork": "coreml_supported_neuralnetwork_ops.md",
    "CoreML MLProgram": "coreml_supported_mlprogram_ops.md",
}


class Optimize(Enum):
    """How much onnxruntime may rewrite the graph before running it."""

    DEFAULT = "default"  # onnxruntime's own choice (all optimizations)
    NONE = "none"  # the graph exactly as written (proofs that two graphs compute the same)


def session(model: bytes | str | os.PathLike, *, threads: int = 1, ort_format: bool = False, replay: bool = False,
            optimize: Optimize = Optimize.DEFAULT, save_as: str | os.PathLike | None = None,
            config: dict[str, str] | None = None, disabled_optimizers: tuple[str, ...] = ()):
    """A CPU session on model bytes or a file.

    Args:
        threads: intra-op threads; 1 gives bit-identical results run to run, 0 lets onnxruntime
            choose.
        ort_format: the model is an ``.ort``; ``replay`` then applies its saved runtime
            optimizations, as a phone's CPU fallback does (without it the graph runs as stored).
        optimize: ``Optimize.NONE`` runs the graph as written.
        save_as: write the optimized model there (how ``.ort`` files are made).
        config: further session config entries.
        disabled_optimizers: onnxruntime optimizer names to leave out.
    """
    import onnxruntime as ort

    ort.set_default_logger_severity(3)  # no native warnings on stderr: packager words what it reports
    so = ort.SessionOptions()
    so.log_severity_level = 3
    so.intra_op_num_threads = threads
    if threads == 1:
        so.inter_op_num_threads = 1
    if optimize is Optimize.NONE:
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    if save_as is not None:
        so.optimized_model_filepath = str(save_as)
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if ort_format:
        so.add_session_config_entry("session.load_model_format", "ORT")
        so.add_session_config_entry("session.enable_saved_runtime_optimizations", "1" if replay else "0")
    for k, v in (config or {}).items():
        so.add_session_config_entry(k, v)
    if not isinstance(model, (bytes, str)):
        model = os.fspath(model)
    extra = {"disabled_optimizers": list(disabled_optimizers)} if disabled_optimizers else {}
    return ort.InferenceSession(model, so, providers=["CPUExecutionProvider"], **extra)


def run(sess, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Outputs by name, in the model's output order."""
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, feeds)))
