"""``packager build``: verified Android / iOS bundles, written atomically.

Bundle layout (``<out>/android``; iOS the same with ``Resources/`` and ``swift/``)::

    README.md                      where each part goes in an app
    manifest.json                  see ``manifest``
    required_operators.config      operator list for a reduced ONNX Runtime build
    assets/                        copy into app/src/main/assets/ (iOS: Resources/, add to the target)
      face_detection.ort
      face_emotion_recognition.ort
      face_detection.int8.ort, face_emotion_recognition.int8.ort     (--quantize int8)
      samples/<model>/input.npy, samples/<model>/<output name>.npy  (astronaut photo)
      samples/<model>/int8/<output name>.npy                       (with --quantize int8)
    kotlin/                        generated wrapper sources (iOS: swift/), or a README saying
                                   why they are missing

and ``<out>/report.html`` beside the bundles: the build report (``packager.htmlreport.build``).

Order: prepare the models, collect real inputs, make and verify every artifact in memory, then
write each bundle into a staging folder and swap all of them in together (``install``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from packager import __version__, recipes
from packager.errors import PackagerError
from packager.export import artifacts as art
from packager.export import coverage, data, install, manifest
from packager.export import ort as ort_export
from packager.export.cache import Cache
from packager.export.quantize import DEFAULT_MIN_AGREEMENT
from packager.htmlreport import build as htmlreport
from packager.progress import Progress
from packager.reference import pipeline


@dataclass(frozen=True)
class Target:
    """Where a platform's developer puts things.

    Attributes:
        name: bundle folder name.
        models: folder of the model files and samples (an app's assets / resources).
        wrapper: folder of the generated wrapper sources.
        language: codegen language of the wrapper.
        hint: one line on how the models folder enters an app.
    """

    name: str
    models: str
    wrapper: str
    language: str
    hint: str


TARGETS = {
    "android": Target("android", "assets", "kotlin", "kotlin",
                      "copy `assets/` into `app/src/main/assets/` (or add it to `sourceSets.main.assets`)"),
    "ios": Target("ios", "Resources", "swift", "swift",
                  "add `Resources/` to the app target (Copy Bundle Resources)"),
}
ROLES = ("face_detection", "face_emotion_recognition")


@dataclass(frozen=True)
class BuildOptions:
    """What ``packager build`` was asked for.

    Attributes:
        targets: bundle names, from ``TARGETS``.
        out: output folder (bundles go to ``out/<target>``).
        quantize: ``None`` or ``"int8"``.
        min_int8_agreement: percent (0–100) an int8 artifact must agree with fp32 on held-out data.
        emotion_recipe, emotion_model: the emotion model (recipe name, user file or None).
    """

    targets: tuple[str, ...] = tuple(TARGETS)
    out: Path = Path("dist")
    quantize: str | None = None
    min_int8_agreement: float = DEFAULT_MIN_AGREEMENT
    emotion_recipe: str = recipes.DEFAULT_EMOTION
    emotion_model: str | None = None


def check_options(opts: BuildOptions) -> None:
    unknown = [t for t in opts.targets if t not in TARGETS]
    if unknown or not opts.targets:
        raise PackagerError(f"unknown target {unknown}; choose from: {', '.join(TARGETS)}, all")
    if opts.quantize not in (None, "int8"):
        raise PackagerError(f"unknown quantization {opts.quantize!r}; the only one is int8")
    if not 0.0 <= opts.min_int8_agreement <= 100.0:
        raise PackagerError(f"--min-int8-agreement {opts.min_int8_agreement:g}: give a percentage from 0 to 100")
    if opts.out.exists() and not opts.out.is_dir():
        raise PackagerError(f"--out {opts.out} exists and is not a folder")
    for t in opts.targets:
        install.check_target(opts.out / t, _is_bundle)
    install.check_file(opts.out / htmlreport.NAME, htmlreport.is_report)


def _is_bundle(path: Path) -> bool:
    return (path / manifest.NAME).is_file()


def make_artifacts(opts: BuildOptions, progress: Progress, cache: Cache) -> dict[str, art.Artifacts]:
    """Every model's verified artifacts, by role."""
    with progress.stage("preparing models (converted once, then cached)"):
        prepared = pipeline.prepare(emotion_name=opts.emotion_recipe, emotion_path=opts.emotion_model)
    with progress.stage("finding faces for calibration and checks (LFW, astronaut)"):
        ref = pipeline.build_pipeline(prepared, threads=1)
        real = data.real_inputs(ref)
    det, emo = prepared.detector, prepared.emotion
    samples_in = {
        ROLES[0]: pipeline.detector_check_input(det.recipe),
        ROLES[1]: pipeline.emotion_check_input(emo.recipe, det.recipe, det.onnx_path),
    }
    proofs = {ROLES[0]: real.detector_held_out[: real.held_out_faces], ROLES[1]: real.emotion_held_out}
    out = {}
    for role, converted in zip(ROLES, (det, emo)):
        with progress.stage(f"{role}: provider rewrites, .ort, parity"):
            out[role] = art.build(role, converted, samples_in[role], proofs[role], cache)
    if opts.quantize == "int8":
        calib = {ROLES[0]: real.detector_calibration, ROLES[1]: real.emotion_calibration}
        held = {ROLES[0]: real.detector_held_out, ROLES[1]: real.emotion_held_out}
        for role, a in out.items():
            with progress.stage(f"{role}: int8 quantization and agreement"):
                a.int8 = art.int8_variant(a, calib[role], held[role], real.held_out_faces, opts.min_int8_agreement, cache)
    return out


def _npy(x: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(x), allow_pickle=False)
    return buf.getvalue()


def bundle_files(t: Target, models: dict[str, art.Artifacts]) -> tuple[dict[str, bytes], dict[str, dict]]:
    """(relative path → bytes of every model file and sample, role → its manifest paths)."""
    files, paths = {}, {}
    for role, a in models.items():
        p = {"fp32": f"{t.models}/{role}.ort", "sample_input": f"{t.models}/samples/{role}/input.npy",
             "sample_outputs": {}}
        files[p["fp32"]] = a.ort
        files[p["sample_input"]] = _npy(a.sample_input)
        for name, value in a.sample_outputs.items():
            rel = f"{t.models}/samples/{role}/{ort_export.file_safe(name)}.npy"
            p["sample_outputs"][name] = rel
            files[rel] = _npy(value)
        if a.int8 is not None:
            p["int8"] = f"{t.models}/{role}.int8.ort"
            files[p["int8"]] = a.int8["ort"]
            p["int8_sample_outputs"] = {}
            for name, value in a.int8["sample_outputs"].items():
                rel = f"{t.models}/samples/{role}/int8/{ort_export.file_safe(name)}.npy"
                p["int8_sample_outputs"][name] = rel
                files[rel] = _npy(value)
        paths[role] = p
    return files, paths


def write_wrapper(t: Target, root: Path, default_emotion: str) -> dict:
    """Generated wrapper sources into ``root/<t.wrapper>``, or a README saying why not."""
    from packager import codegen

    slot = root / t.wrapper
    slot.mkdir(parents=True, exist_ok=True)
    try:
        codegen.language(t.language)
    except PackagerError as e:
        reason = str(e)
    except ModuleNotFoundError as e:
        if not (e.name or "").startswith("packager.codegen"):
            raise
        reason = f"no {t.language} code generator is installed ({e.name})"
    else:
        written = codegen.write(t.language, slot, default_emotion=default_emotion)
        return {"language": t.language, "status": "generated", "folder": t.wrapper,
                "files": sorted(p.relative_to(root).as_posix() for p in written)}
    (slot / "README.md").write_text(
        f"# {t.language.capitalize()} wrapper: not generated\n\n"
        f"This packager cannot render the {t.language} wrapper yet: {reason}.\n"
        "Rebuild the bundle with a packager that has it; nothing here is a stand-in.\n"
    )
    return {"language": t.language, "status": "not generated", "folder": t.wrapper, "reason": reason}


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


def write_bundle(t: Target, root: Path, models: dict[str, art.Artifacts], config: str, opts: BuildOptions) -> dict:
    """Write one complete bundle into ``root`` (a staging folder); returns its manifest."""
    import onnxruntime

    files, paths = bundle_files(t, models)
    files["required_operators.config"] = config.encode()
    files["README.md"] = readme(t, models).encode()
    for rel, payload in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(payload)
    wrapper = write_wrapper(t, root, opts.emotion_recipe)
    first = next(iter(models.values()))
    m = {
        "format": manifest.FORMAT, "target": t.name, "packager_version": __version__,
        "onnxruntime_version": onnxruntime.__version__,
        "ort_format_version": ort_export.ort_summary(first.ort)["format_version"],
        "models": {role: manifest.model_entry(a, paths[role]) for role, a in models.items()},
        "required_operators": "required_operators.config", "wrapper": wrapper,
    }
    m["files"] = manifest.file_hashes(root)
    (root / manifest.NAME).write_bytes(manifest.dumps(m))
    problems = manifest.problems(root)
    if problems:
        raise PackagerError(f"bundle {t.name} does not match its manifest: {problems[:3]}")
    return m


def build(opts: BuildOptions, progress: Progress, cache: Cache | None = None) -> dict:
    """Make, verify and install the bundles; returns the summary (see ``summary``)."""
    check_options(opts)
    cache = cache or Cache()
    install.remove_stale(opts.out)
    models = make_artifacts(opts, progress, cache)
    with progress.stage("listing required operators"):
        config = ort_export.required_operators_cached(_config_inputs(models), cache)
    opts.out.mkdir(parents=True, exist_ok=True)
    staged, manifests = {}, {}
    try:
        for name in opts.targets:
            with progress.stage(f"writing the {name} bundle"):
                staged[name] = install.staging_dir(opts.out, name)
                manifests[name] = write_bundle(TARGETS[name], staged[name], models, config, opts)
        with progress.stage("writing the build report"):
            staged[htmlreport.NAME] = htmlreport.stage(opts.out, manifests, models)
        with progress.stage("installing " + " and ".join(str(opts.out / n) for n in opts.targets)):
            install.install(staged, opts.out)
    finally:
        install.discard(p for p in staged.values() if p.exists())
    return {**summary(opts, manifests, cache, models), "report": str(opts.out / htmlreport.NAME)}


def _config_inputs(models: dict[str, art.Artifacts]) -> dict[str, tuple[bytes, bytes]]:
    out = {}
    for role, a in models.items():
        out[f"{role}.ort"] = (a.ort, a.ort_fixed)
        if a.int8 is not None:
            out[f"{role}.int8.ort"] = (a.int8["ort"], a.int8["ort_fixed"])
    return out


def summary(opts: BuildOptions, manifests: dict[str, dict], cache: Cache, artifacts: dict[str, art.Artifacts]) -> dict:
    """JSON-ready summary: bundles with their files and sizes, per model parity, coverage
    (before → after), int8 agreement (the gate's, and this machine's fused kernels' with its CPU),
    and which steps came from the cache."""
    any_m = next(iter(manifests.values()))
    models = {}
    for role, e in any_m["models"].items():
        fp32 = e["artifacts"]["fp32"]
        item = {"recipe": e["recipe"]["name"], "parity_max_scaled_diff": max(fp32["parity"]["max_scaled_diff"], fp32["parity"]["max_scaled_diff_replayed"]),
                "coverage_before": coverage.brief(e["coverage"]["before"]),
                "coverage_after": coverage.brief(e["coverage"]["after"]),
                "rewrites": [r["rewrite"] for r in e["rewrites"]]}
        if "int8" in e["artifacts"]:
            ag = e["artifacts"]["int8"]["agreement"]
            item["int8_agreement_percent"] = ag["percent"]
            item["int8_coverage"] = coverage.brief(e["artifacts"]["int8"]["coverage"])
            item["int8_host_kernels"] = artifacts[role].int8["host_kernels"]
        models[role] = item
    bundles = {name: {"path": str(opts.out / name), "files": {p: f["bytes"] for p, f in m["files"].items()},
                      "wrapper": m["wrapper"]["status"]} for name, m in manifests.items()}
    return {"bundles": bundles, "models": models,
            "cache": {"hits": len(cache.hits), "misses": len(cache.misses)}}


def summary_text(s: dict) -> str:
    """The summary for a person: files and sizes, parity, coverage, int8 agreement."""
    lines = []
    for name, b in s["bundles"].items():
        total = sum(b["files"].values())
        lines.append(f"{b['path']}: {len(b['files']) + 1} files, {total / 1e6:.2f} MB, wrapper {b['wrapper']}")
        for rel, size in b["files"].items():
            if rel.endswith(".ort"):
                lines.append(f"  {rel:<48} {size / 1e3:8.1f} kB")
    for role, m in s["models"].items():
        lines.append(f"{role} ({m['recipe']}): .ort vs ONNX {m['parity_max_scaled_diff']:.2g}"
                     + (f", rewrites: {', '.join(m['rewrites'])}" if m["rewrites"] else ""))
        for p, after in m["coverage_after"].items():
            before = m["coverage_before"][p]
            lines.append(f"  {p:<22} {after}" + ("" if before == after else f"   (was {before})"))
        if "int8_agreement_percent" in m:
            lines.append(f"  int8 agrees with fp32 on {m['int8_agreement_percent']:.1f}% of held-out inputs "
                         "(QDQ as written); coverage: " + "; ".join(f"{p} {v}" for p, v in m["int8_coverage"].items()))
            lines.append("  " + host_kernels_text(m["int8_host_kernels"], m["int8_agreement_percent"]))
    c = s["cache"]
    lines.append(f"cache: {c['hits']} steps reused, {c['misses']} computed")
    if "report" in s:
        lines.append(f"report: {s['report']}")
    return "\n".join(lines)


def host_kernels_text(h: dict, gate_percent: float) -> str:
    """One line on this machine's fused int8 kernels, with a warning when they stray from the
    defined semantics by more than the recorded gap."""
    cpu = h["cpu"]
    name = f"{cpu['model'] or cpu['machine']}, " + ("VNNI" if cpu["vnni"] else "no VNNI")
    line = f"this CPU's fused int8 kernels ({name}): {h['percent']:.1f}%"
    if abs(h["percent"] - gate_percent) > h["max_gap_percent"]:
        line += (f" — more than {h['max_gap_percent']:g} points from the QDQ semantics: this machine's "
                 "kernels are not what a phone runs; the gate uses the QDQ semantics")
    return line


def build_command(targets: list[str], out: str, quantize: str | None, min_agreement: float, emotion_recipe: str,
                  emotion_model: str | None, as_json: bool, progress: Progress, print_fn=print) -> int:
    """``packager build``: build, then print the summary (text, or JSON with ``as_json``)."""
    import json

    opts = BuildOptions(tuple(targets), Path(out), quantize, min_agreement, emotion_recipe, emotion_model)
    s = build(opts, progress)
    print_fn(json.dumps(s, indent=2) if as_json else summary_text(s))
    return 0
