"""One bundle: its model files and samples, README, wrapper sources and manifest, written into a
staging folder (layout: ``packager.layout``)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from packager import __version__, layout
from packager.errors import PackagerError
from packager.export import artifacts as art
from packager.export import coverage, manifest
from packager.export import ort as ort_export
from packager.layout import Target


def npy_bytes(x: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(x), allow_pickle=False)
    return buf.getvalue()


def bundle_files(t: Target, models: dict[str, art.Artifacts]) -> tuple[dict[str, bytes], dict[str, dict]]:
    """(relative path → bytes of every model file and sample, role → its manifest paths)."""
    files, paths = {}, {}
    for role, a in models.items():
        p = {"fp32": f"{t.models}/{layout.model_file(role)}", "sample_input": f"{t.models}/{layout.sample_input(role)}",
             "sample_outputs": {}}
        files[p["fp32"]] = a.ort
        files[p["sample_input"]] = npy_bytes(a.sample_input)
        for name, value in a.sample_outputs.items():
            rel = f"{t.models}/{layout.sample_output(role, name)}"
            p["sample_outputs"][name] = rel
            files[rel] = npy_bytes(value)
        if a.int8 is not None:
            p["int8"] = f"{t.models}/{layout.model_file(role, int8=True)}"
            files[p["int8"]] = a.int8["ort"]
            p["int8_sample_outputs"] = {}
            for name, value in a.int8["sample_outputs"].items():
                rel = f"{t.models}/{layout.sample_output(role, name, int8=True)}"
                p["int8_sample_outputs"][name] = rel
                files[rel] = npy_bytes(value)
        paths[role] = p
    return files, paths


def write_wrapper(t: Target, root: Path, models: dict[str, art.Artifacts]) -> dict:
    """The wrapper sources (runtime library + generated layer, defaults: the bundle's models) into
    ``root/<t.wrapper>``.  A missing template or runtime file stops the build (``PackagerError``)."""
    from packager import codegen

    written = codegen.write(t.language, root / t.wrapper, default_detector=models[layout.MODELS["detector"]].recipe.name,
                            default_emotion=models[layout.MODELS["emotion"]].recipe.name)
    return {"language": t.language, "status": "generated", "folder": t.wrapper,
            "files": sorted(p.relative_to(root).as_posix() for p in written)}


def readme(t: Target, models: dict[str, art.Artifacts]) -> str:
    lines = [f"# Face pipeline bundle ({t.name})", "",
             f"- Models and self-check samples: {t.hint}.",
             f"- Wrapper sources: `{t.wrapper}/`.",
             "- `required_operators.config`: operators for a reduced ONNX Runtime build "
             "(`--minimal_build extended --include_ops_by_config`).",
             "- `manifest.json`: shapes, preprocessing, labels, provider coverage, parity, sha256 of every file.",
             "", "Models:"]
    for role, a in models.items():
        lines.append(f"- `{role}.ort`: {a.recipe.name}, fp32; " + "; ".join(f"{p} {v}" for p, v in coverage.brief(a.coverage_after).items()))
        if a.int8:
            lines.append(f"- `{role}.int8.ort`: int8 (QDQ), agrees with fp32 on {a.int8['agreement']['percent']:.1f}% of "
                         "held-out inputs (its QDQ graph as written); " + "; ".join(f"{p} {v}" for p, v in coverage.brief(a.int8["coverage"]).items())
                         + " (a provider that does not take a whole model runs the rest on the CPU: prefer fp32 there). "
                         f"Self-check: `samples/{role}/int8/` holds its outputs as written; integer kernels "
                         f"round differently, so compare {_self_check_text(a.int8['self_check'])}")
    return "\n".join(lines) + "\n"


def _self_check_text(c: dict) -> str:
    return c["measure"] + ("" if c["tolerance"] is None else f" <= {c['tolerance']:g}")


def write_bundle(t: Target, root: Path, models: dict[str, art.Artifacts], config: str) -> dict:
    """Write one complete bundle into ``root`` (a staging folder); returns its manifest."""
    import onnxruntime

    files, paths = bundle_files(t, models)
    files[layout.OPERATORS] = config.encode()
    files[layout.README] = readme(t, models).encode()
    write_files(root, files)
    wrapper = write_wrapper(t, root, models)
    first = next(iter(models.values()))
    m = {
        "format": manifest.FORMAT, "target": t.name, "packager_version": __version__,
        "onnxruntime_version": onnxruntime.__version__,
        "ort_format_version": ort_export.ort_summary(first.ort)["format_version"],
        "models": {role: manifest.model_entry(a, paths[role]) for role, a in models.items()},
        "required_operators": layout.OPERATORS, "wrapper": wrapper,
    }
    return seal(t, root, m)


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write bundle files (relative path → bytes) under ``root``."""
    for rel, payload in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(payload)


def seal(t: Target, root: Path, m: dict) -> dict:
    """Finish a bundle: the manifest ``m`` gets the hashes of every file under ``root`` and is
    written; the bundle is read back against it.  Returns the manifest."""
    m["files"] = manifest.file_hashes(root)
    (root / layout.MANIFEST).write_bytes(manifest.dumps(m))
    problems = manifest.problems(root)
    if problems:
        raise PackagerError(f"bundle {t.name} does not match its manifest: {problems[:3]}")
    return m
