"""``packager build``: the face pipeline's verified Android / iOS bundles, written atomically.

Order: prepare the models, collect real inputs, make and verify every artifact in memory, then
write each bundle (the back end every bundle shares, ``bundle``; layout in ``packager.layout``)
into a staging folder and swap all of them in together, with ``<out>/report.html`` beside them:
the build report (``packager.htmlreport.buildreport``).  A face bundle is a bundle of models plus
its pipeline: the wrappers (runtime library + generated layer), the recipes' manifest part and
the precision choice.
"""

from __future__ import annotations

from pathlib import Path

from packager import layout, ortversion, preparation
from packager.cache import Cache
from packager.errors import PackagerError
from packager.export import artifacts as art
from packager.export import bundle, calibration, install, manifest, precision
from packager.export.facereadme import readme
from packager.export.summary import summary
from packager.htmlreport import buildreport
from packager.layout import Target
from packager.options import BuildOptions
from packager.progress import Progress


def check_options(opts: BuildOptions) -> dict[str, tuple[str, ...]]:
    """Everything that can be refused before a model is read; returns the parsed ``--precision``
    (target → variants, ``precision.parse``)."""
    bundle.check_choices(opts.targets, opts.quantize)
    chosen = precision.parse(list(opts.precision), opts.targets)
    if any("int8" in vs for vs in chosen.values()) and opts.quantize != "int8":
        raise PackagerError("--precision names int8: add --quantize int8")
    bundle.check_agreement(opts.min_int8_agreement)
    ortversion.runtime_version(opts.onnxruntime_version)
    out = bundle.check_out(opts.targets, opts.out, layout.ROLES)
    install.check_file(out / buildreport.NAME, buildreport.is_report)
    return chosen


def variants_made(opts: BuildOptions, chosen: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The variants the build makes: fp16 too when anything beyond fp32 is asked for."""
    asked = {v for vs in chosen.values() for v in vs}
    extra = opts.quantize == "int8" or bool(asked - {"fp32"})
    return ("fp32",) + (("fp16",) if extra else ()) + (("int8",) if opts.quantize == "int8" else ())


def make_artifacts(opts: BuildOptions, variants: tuple[str, ...], progress: Progress,
                   cache: Cache) -> dict[str, art.Artifacts]:
    """Every model's verified artifacts, by role, with the ``variants`` (``variants_made``)."""
    with progress.stage("preparing models (converted once, then cached)"):
        prepared = preparation.prepare(opts.detector, opts.emotion_recipe, opts.emotion_model)
    with progress.stage("finding faces for calibration and checks (LFW, astronaut)"):
        ref = preparation.build_pipeline(prepared, threads=1)
        real = calibration.real_inputs(ref)
    det, emo = prepared.detector, prepared.emotion
    d, e = layout.MODELS["detector"], layout.MODELS["emotion"]
    samples_in = {
        d: preparation.detector_check_input(det.recipe),
        e: preparation.emotion_check_input(emo.recipe, det.recipe, det.onnx_path),
    }
    proofs = {d: real.detector_held_out[: real.held_out_faces], e: real.emotion_held_out}
    out = {}
    for converted in (det, emo):
        role = layout.MODELS[converted.recipe.role]
        with progress.stage(f"{role}: provider rewrites, .ort, parity"):
            name = converted.recipe.input_name
            feeds = [{name: x} for x in [samples_in[role], *proofs[role]]]
            out[role] = art.build(role, converted, feeds, cache)
    held = {d: real.detector_held_out, e: real.emotion_held_out}
    if "fp16" in variants:
        for role, a in out.items():
            with progress.stage(f"{role}: fp16 and agreement"):
                a.fp16 = art.fp16_variant(a, held[role], real.held_out_faces, opts.min_int8_agreement, cache)
    if opts.quantize == "int8":
        calib = {d: real.detector_calibration, e: real.emotion_calibration}
        for role, a in out.items():
            with progress.stage(f"{role}: int8 quantization and agreement"):
                a.int8 = art.int8_variant(a, calib[role], held[role], real.held_out_faces, opts.min_int8_agreement, cache)
    return out


def write_wrapper(t: Target, root: Path, models: dict[str, art.Artifacts], onnxruntime_version: str | None = None,
                  default_precision: str = "fp32") -> dict:
    """The wrapper (runtime library + generated layer, defaults: the bundle's models) at the
    bundle root ``root``: with it the bundle is a complete module / package, asking for ONNX
    Runtime ``onnxruntime_version`` (None: the runtime library's own).  A missing template or
    runtime file stops the build (``PackagerError``)."""
    from packager import codegen

    written = codegen.write(t.language, root, onnxruntime_version,
                            default_detector=models[layout.MODELS["detector"]].recipe.name,
                            default_emotion=models[layout.MODELS["emotion"]].recipe.name,
                            default_precision=default_precision)
    return {"language": t.language, "status": "generated", "folder": ".",
            "files": sorted(p.relative_to(root).as_posix() for p in written)}


def write_bundle(t: Target, root: Path, models: dict[str, art.Artifacts], config: str, self_check: bool = False,
                 onnxruntime_version: str = ortversion.ONNXRUNTIME_VERSION, choice: dict | None = None) -> dict:
    """Write one complete face bundle into ``root`` (a staging folder); returns its manifest.
    With ``self_check`` the samples are also in the app (next to the models); its package asks
    for ONNX Runtime ``onnxruntime_version`` (``ortversion.runtime_version``).  ``choice``: the
    target's ``precision.choose`` record (None: chosen here, no variant asked for)."""
    runtime = bundle.runtime_fields(t, onnxruntime_version)
    choice = choice or precision.choose(models, t.name)
    files, paths = bundle.bundle_files(t, models, self_check, tuple(choice["shipped"]))
    bundle.add(files, layout.OPERATORS, config.encode())
    bundle.add(files, layout.README, readme(t, models, self_check, runtime, choice).encode())
    wrapper = write_wrapper(t, root, models, onnxruntime_version, choice["default"])
    entries = {role: manifest.pipeline_entry(a, paths[role]) for role, a in models.items()}
    package = {"kind": t.kind, "models": t.models, "samples": layout.SAMPLES, "samples_in_app": self_check}
    return bundle.write(t, root, files, models, entries, runtime, wrapper, package, {"precision": choice})


def build(opts: BuildOptions, progress: Progress, cache: Cache | None = None) -> dict:
    """Make, verify and install the bundles; returns the summary (``summary.summary``)."""
    chosen = check_options(opts)
    out = Path(opts.out)
    onnxruntime_version = ortversion.runtime_version(opts.onnxruntime_version)
    cache = cache or Cache()
    install.remove_stale(out)
    models = make_artifacts(opts, variants_made(opts, chosen), progress, cache)
    config = bundle.operators_config(models, cache, progress)
    choices = {t: precision.choose(models, t, chosen.get(t)) for t in opts.targets}

    def write_one(t: Target, root: Path) -> dict:
        return write_bundle(t, root, models, config, opts.self_check, onnxruntime_version, choices[t.name])

    manifests = bundle.install_all(out, opts.targets, write_one, progress,
                                   (buildreport.NAME, lambda ms: buildreport.stage(out, ms, models)))
    return {**summary(out, manifests, cache, models), "report": str(out / buildreport.NAME)}
