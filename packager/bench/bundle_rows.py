"""Rows that come from other parts of the packager: ``packager build`` cold vs warm, the
artifacts it ships (fp32 vs int8 .ort: latency and size), and the generated Kotlin/Swift
pre/post.

Each is measured through the part's own public entry point (the ``packager build`` command, the
bundle's .ort files, ``packager.parity.<lang>.benchmark()``); when that part is missing or fails
here, the row says so with the reason.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from packager import layout
from packager.bench import ARTIFACTS, BUILD, MOBILE
from packager.bench.table import MEASURED, NOT_AVAILABLE, Row
from packager.timing import Stats, interleaved

TITLES = {
    ARTIFACTS: "Model artifacts: fp32 vs int8 (.ort from the bundle, session.run on the bench tensors)",
    BUILD: "packager build --target android --quantize int8: cold cache vs warm cache (one run each)",
    MOBILE: "Generated Kotlin / Swift pre- and post-processing per frame (same pixels and model outputs)",
}


def _missing(module: str, attr: str | None = None) -> str | None:
    """Why ``module.attr`` cannot be used, or None when it can."""
    try:
        mod = importlib.import_module(module)
    except ImportError as e:
        return f"not available: {module} cannot be imported ({e})"
    if attr and not hasattr(mod, attr):
        return f"not available: {module}.{attr} does not exist yet"
    return None


def _last_line(text: str) -> str:
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1] if lines else "no output"


def build_rows(workdir: Path, progress) -> tuple[list[Row], Path | None]:
    """Time ``packager build`` into a fresh cache (cold), then again with that cache (warm).
    Returns the rows and the bundle folder (None when the build failed)."""
    out, cache = workdir / "dist", workdir / "cache"
    args = [sys.executable, "-m", "packager", "build", "--target", "android", "--quantize", "int8",
            "--out", str(out), "--json", "--quiet"]
    rows, ok = [], True
    for key, name in (("build-cold", "packager build, cold cache (conversion, export, int8)"),
                      ("build-warm", "packager build, warm cache")):
        if not ok:
            rows.append(Row.unavailable(BUILD, key, name, NOT_AVAILABLE, "not available: the cold build failed"))
            continue
        with progress.stage(name):
            start = time.perf_counter()
            proc = subprocess.run(args, capture_output=True, text=True, timeout=3600,
                                  env={**os.environ, "PACKAGER_CACHE": str(cache)})
            took = time.perf_counter() - start
        if proc.returncode != 0:
            ok = False
            rows.append(Row.unavailable(BUILD, key, name, NOT_AVAILABLE,
                                        f"not available: packager build failed: {_last_line(proc.stderr)}"))
            continue
        hits = json.loads(proc.stdout).get("cache", {})
        rows.append(Row(BUILD, key, name, MEASURED, Stats.of([took]), "build-cold" if key == "build-warm" else None,
                        note=f"export cache: {hits.get('hits', '?')} steps reused, {hits.get('misses', '?')} computed"))
    return rows, (out / "android" if ok else None)


def artifact_rows(bundle: Path | None, pipe, prepared: list, repeats: int, threads: int, progress) -> list[Row]:
    """fp32 and int8 .ort files of the bundle, run on the reference's own tensors."""
    from packager import onnxrt

    names = [(f"{v}-{label}", f"{label} .ort {v}") for label, role in layout.MODELS.items() for v in ("fp32", "int8")]
    if bundle is None:
        return [Row.unavailable(ARTIFACTS, k, n, NOT_AVAILABLE, "not available: no bundle (packager build failed)")
                for k, n in names]
    det, emo = pipe.detector, pipe.emotion
    feeds = {"detector": [(det.input_name, p.detector_input) for p in prepared],
             "emotion": [(emo.input_name, x) for p in prepared for x in p.emotion_inputs]}
    runs, rows = {}, {}
    for label, role in layout.MODELS.items():
        for v in ("fp32", "int8"):
            path = bundle / layout.TARGETS["android"].models / layout.model_file(role, int8=v == "int8")
            key = f"{v}-{label}"
            if not path.is_file():
                rows[key] = Row.unavailable(ARTIFACTS, key, f"{label} .ort {v}", NOT_AVAILABLE,
                                            f"not available: the bundle has no {path.name}")
                continue
            sess = onnxrt.session(path, threads=threads)
            runs[key] = (lambda s=sess, f=feeds[label]: [s.run(None, {n: x}) for n, x in f])
            rows[key] = Row(ARTIFACTS, key, f"{label} .ort {v}", MEASURED, None,
                            f"fp32-{label}" if v == "int8" else None, size_bytes=path.stat().st_size,
                            note=f"{path.name}, {len(feeds[label])} run(s) per pass")
    with progress.stage(f"timing {len(runs)} artifacts × {repeats} runs"):
        stats = interleaved(runs, repeats)
    per_image = 1.0 / len(prepared)
    for key, s in stats.items():
        rows[key].stats = s.scaled(per_image)
    return [rows[k] for k, _ in names]


#: What one harness process is, in a row's note.
PROCESS = {"kotlin": "JVMs", "swift": "processes"}


def mobile_rows(repeats: int, progress, pipe=None, threads: int | None = None) -> list[Row]:
    """``packager.parity.<lang>_harness.benchmark()`` (``parity.HARNESSES``): the generated core's
    pre+post per frame, divided by model inference on the same frame's faces timed right before and
    right after the harness processes ran that frame (the row: the median of
    ``harness_bench.PROCESSES`` processes' medians, ``Row.runs`` each process's), with ``pipe`` (the
    bench's own sessions: the floor's settings)."""
    from packager import parity
    from packager.parity.harness_bench import STAGES, spread

    rows = []
    for lang in parity.LANGUAGES:
        field, name = f"{lang}_pre_post_ms", f"{lang.capitalize()} pre+post"
        why = _missing(parity.HARNESSES[lang], "benchmark")
        if why:
            rows.append(Row.unavailable(MOBILE, f"mobile-{lang}", name, NOT_AVAILABLE, why))
            continue
        try:
            with progress.stage(f"{lang} pre/post benchmark (compiles the harness once)"):
                kw = {} if pipe is None else {"pipe": pipe, "threads": threads}
                result = importlib.import_module(parity.HARNESSES[lang]).benchmark(repeats, **kw)
        except Exception as e:  # noqa: BLE001 — a toolchain failure is reported, not fatal to the bench
            rows.append(Row.unavailable(MOBILE, f"mobile-{lang}", name, NOT_AVAILABLE,
                                        f"not available: {type(e).__name__}: {_last_line(str(e))}"))
            continue
        for size, r in result["sizes"].items():
            stages = {s: r[f"{lang}_{s}_ms"] for s in STAGES}
            runs = r[f"{lang}_pre_post_runs_ms"]
            note = (f"median of {len(runs)} {PROCESS[lang]}' medians of {result['repeats']} frames after "
                    f"{result['warmup']} (pre+post {spread(runs)} ms), {r['faces']} face(s); "
                    + ", ".join(f"{s.replace('_', ' ')} {v:.2f} ms" for s, v in stages.items())
                    + f" → pre+post is {r['ratio']:.2f}× inference")
            if "reference_pre_post_ms" in r:
                note += f"; the numpy reference's own pre+post {r['reference_pre_post_ms']:.2f} ms"
            alloc = r.get(f"{lang}_alloc_bytes_per_frame")
            if alloc is not None:
                note += f"; allocates {alloc:,.0f} bytes per frame"
            base = f"mobile-inference-{lang}-{size}"
            rows.append(Row(MOBILE, base, f"  model inference (reference), {size} frame", MEASURED,
                            Stats(r["reference_inference_ms"], None, 2 * result["repeats"]), faces=r["faces"],
                            note=(f"the denominator of the row below: detector once, emotion model once per face, "
                                  f"the floor's sessions; CPU time, as the harness times pre+post; timed right before "
                                  f"({r['inference_before_ms']:.2f} ms) and right after ({r['inference_after_ms']:.2f} ms) "
                                  f"the harness processes ran this frame")))
            rows.append(Row(MOBILE, f"mobile-{lang}-{size}", f"{name}, {size} frame", MEASURED,
                            Stats(r[field], None, result["repeats"] * len(runs)), baseline=base, faces=r["faces"],
                            note=note, bytes_per_frame=None if alloc is None else int(alloc), stages=stages,
                            runs=runs))
    return rows


def rows(workdir: Path, pipe, prepared: list, repeats: int, threads: int, skip: list[str], progress) -> list[Row]:
    out: list[Row] = []
    bundle = None
    if BUILD in skip:
        out.append(_skipped(BUILD))
    else:
        built, bundle = build_rows(workdir, progress)
        out += built
    if ARTIFACTS in skip:
        out.append(_skipped(ARTIFACTS))
    else:
        if BUILD in skip:  # the artifacts still come from a real build (untimed, the user's cache)
            bundle = _untimed_build(workdir, progress)
        out += artifact_rows(bundle, pipe, prepared, repeats, threads, progress)
    out += [_skipped(MOBILE)] if MOBILE in skip else mobile_rows(max(3, min(repeats, 30)), progress, pipe, threads)
    return out


def _skipped(section: str) -> Row:
    return Row.unavailable(section, f"{section}-skipped", TITLES[section].split(":")[0], NOT_AVAILABLE,
                           f"skipped (--skip {section})")


def _untimed_build(workdir: Path, progress) -> Path | None:
    out = workdir / "dist-untimed"
    with progress.stage("packager build (for the artifacts rows)"):
        proc = subprocess.run([sys.executable, "-m", "packager", "build", "--target", "android", "--quantize", "int8",
                               "--out", str(out), "--quiet"], capture_output=True, text=True, timeout=3600)
    return out / "android" if proc.returncode == 0 else None

