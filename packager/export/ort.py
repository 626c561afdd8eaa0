"""ONNX → ORT format (``.ort``), the way ``onnxruntime.tools.convert_onnx_models_to_ort`` does it
with ``--optimization_style Runtime``, made byte-reproducible, and checked by running it.

Runtime style keeps the graph at basic optimizations (constant folding, redundant node removal)
and records the CPU-only fusions (e.g. Conv+Relu → FusedConv, QDQ → QLinearConv) as *saved
runtime optimizations*, replayed only for nodes NNAPI / CoreML leave to the CPU.  Fixed style
would bake those fused operators into the graph, where the NPU providers cannot take them
(docs/DESIGN.md, "Conversion to mobile artifacts").
"""

from __future__ import annotations

import tempfile
from pathlib import Path


from packager import onnxrt
from packager.errors import PackagerError
from packager.export import ortformat
from packager.cache import Cache, key, sha256
from packager.difference import FP32_TOLERANCE  # noqa: F401  (export.ort.FP32_TOLERANCE: its users here)


def _convert_file(onnx_path: Path, out_path: Path, runtime_style: bool) -> None:
    onnxrt.session(onnx_path, threads=0, save_as=out_path, config={
        "session.save_model_format": "ORT",
        # The bundles run on ARM phones, where int8 QDQ kernels are allowed (the tool's --target_platform arm).
        "session.qdqisint8allowed": "1",
        "optimization.minimal_build_optimizations": "save" if runtime_style else "apply",
    # NCHWc is an x86 layout; the tool excludes it for anything but amd64 targets.
    }, disabled_optimizers=("NchwcTransformer",))


def convert(onnx_bytes: bytes, cache: Cache) -> tuple[bytes, bytes, bool]:
    """ONNX model bytes → (runtime-style .ort, fixed-style .ort used only to list operators,
    cached?).  Both canonical (``ortformat.canonical``)."""

    def build():
        with tempfile.TemporaryDirectory(prefix="packager-ort-") as tmp:
            src = Path(tmp) / "model.onnx"
            src.write_bytes(onnx_bytes)
            out = {}
            for name, runtime in (("ort", True), ("apply.ort", False)):
                path = Path(tmp) / f"model.{name}"
                try:
                    _convert_file(src, path, runtime)
                except Exception as e:  # onnxruntime raises its own exception types
                    raise PackagerError(f"onnxruntime cannot convert the model to ORT format: {e}") from None
                out[name] = ortformat.canonical(path.read_bytes())
        return out, {}

    n_hits = len(cache.hits)
    files, _ = cache.files("ort", key("ort", sha256(onnx_bytes)), build, names=("ort", "apply.ort"))
    return files["ort"], files["apply.ort"], len(cache.hits) > n_hits


def required_operators_cached(models: dict[str, tuple[bytes, bytes]], cache: Cache) -> str:
    """``required_operators``, cached by the names and bytes of the models (parsing every .ort
    in Python takes seconds)."""
    k = key("operators", sorted((n, sha256(a), sha256(b)) for n, (a, b) in models.items()))
    return cache.value("operators", k, lambda: {"text": required_operators(models)}, fields=("text",))["text"]


def required_operators(models: dict[str, tuple[bytes, bytes]]) -> str:
    """``required_operators.config`` text (input of ORT's ``--include_ops_by_config`` reduced
    build) for bundle file name → (runtime-style, fixed-style) .ort bytes.  As the ORT tool does,
    both styles are read: the runtime-style file lists the fused operators its saved
    optimizations may create, the fixed-style file those of a session that applies them.  The
    header names the bundle files, not temporary paths, so the text is reproducible."""
    import logging

    from onnxruntime.tools.ort_format_model import create_config_from_models

    logging.getLogger("ort_format_model.utils").setLevel(logging.WARNING)  # "Created config in /tmp/…"
    with tempfile.TemporaryDirectory(prefix="packager-config-") as tmp:
        paths = []
        for name, (runtime, fixed) in models.items():
            for sub, data in (("runtime", runtime), ("fixed", fixed)):
                p = Path(tmp) / sub / name
                p.parent.mkdir(exist_ok=True)
                p.write_bytes(data)
                paths.append(p)
        config = Path(tmp) / "required_operators.config"
        create_config_from_models(paths, config, enable_type_reduction=False)
        text = config.read_text()
    body = [line for line in text.splitlines() if not line.startswith("#")]
    head = ["# Operators the bundle's models need; pass to an ONNX Runtime reduced build:",
            "#   build.sh --minimal_build extended --include_ops_by_config required_operators.config",
            "# Generated from model/s:"]
    head += [f"# - {name}" for name in sorted(models)]
    return "\n".join(head + body) + "\n"


def ort_summary(ort_bytes: bytes) -> dict:
    """What a phone needs to know about an .ort: opsets, operator count by type."""
    from onnxruntime.tools.ort_format_model.ort_flatbuffers_py import fbs

    sess = fbs.InferenceSession.InferenceSession.GetRootAs(ort_bytes, 0)
    model = sess.Model()
    graph = model.Graph()
    ops: dict[str, int] = {}
    for i in range(graph.NodesLength()):
        node = graph.Nodes(i)
        op = (node.Domain() or b"").decode() + ":" + node.OpType().decode() if node.Domain() else node.OpType().decode()
        ops[op] = ops.get(op, 0) + 1
    return {"format_version": sess.OrtVersion().decode(), "nodes": graph.NodesLength(), "operators": dict(sorted(ops.items()))}
