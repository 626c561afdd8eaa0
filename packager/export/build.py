"""``packager build``: verified Android / iOS bundles, written atomically.

Order: prepare the models, collect real inputs, make and verify every artifact in memory, then
write each bundle (``bundle.write_bundle``, layout in ``packager.layout``) into a staging folder
and swap all of them in together (``install``), with ``<out>/report.html`` beside them: the build
report (``packager.htmlreport.build``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packager import layout, ortversion, outputs, preparation, recipes
from packager.cache import Cache
from packager.errors import PackagerError
from packager.export import artifacts as art
from packager.export import calibration, install, manifest, precision
from packager.export import ort as ort_export
from packager.export.bundle import write_bundle
from packager.export.quantize import DEFAULT_MIN_AGREEMENT
from packager.export.summary import summary, summary_text
from packager.htmlreport import build as htmlreport
from packager.layout import TARGETS
from packager.progress import Progress


@dataclass(frozen=True)
class BuildOptions:
    """What ``packager build`` was asked for.

    Attributes:
        targets: bundle names, from ``TARGETS``.
        out: output folder (bundles go to ``out/<target>``).
        quantize: ``None`` or ``"int8"``.
        min_int8_agreement: percent (0–100) an int8 artifact must agree with fp32 on held-out data.
        emotion_recipe, emotion_model: the emotion model (recipe name, user file or None).
        detector: the detector recipe name.
        self_check: also put the fp32 self-check samples in the app, next to the models (by
            default they are only in the bundle's ``samples/``, outside the app).
        onnxruntime_version: the ONNX Runtime the bundles' packages ask for; None: packager's
            (``ortversion.runtime_version`` states the rule).
        precision: target → the variants to ship, the first the default (``precision.parse`` of
            ``--precision``); a target not named gets ``precision.choose``'s rule.
    """

    targets: tuple[str, ...] = tuple(TARGETS)
    out: Path = Path("dist")
    quantize: str | None = None
    min_int8_agreement: float = DEFAULT_MIN_AGREEMENT
    emotion_recipe: str = recipes.DEFAULT_EMOTION
    emotion_model: str | None = None
    detector: str = recipes.DEFAULT_DETECTOR
    self_check: bool = False
    onnxruntime_version: str | None = None
    precision: dict = field(default_factory=dict)

    @property
    def variants_made(self) -> tuple[str, ...]:
        """The variants the build makes: fp16 too when anything beyond fp32 is asked for."""
        asked = {v for vs in self.precision.values() for v in vs}
        extra = self.quantize == "int8" or bool(asked - {"fp32"})
        return ("fp32",) + (("fp16",) if extra else ()) + (("int8",) if self.quantize == "int8" else ())


def check_choices(targets: tuple[str, ...], quantize: str | None) -> None:
    """Known targets and quantization (``build`` and ``convert``)."""
    unknown = [t for t in targets if t not in TARGETS]
    if unknown or not targets:
        raise PackagerError(f"unknown target {unknown}; choose from: {', '.join(TARGETS)}, all")
    if quantize not in (None, "int8"):
        raise PackagerError(f"unknown quantization {quantize!r}; the only one is int8")


def check_agreement(min_int8_agreement: float) -> None:
    if not 0.0 <= min_int8_agreement <= 100.0:
        raise PackagerError(f"--min-int8-agreement {min_int8_agreement:g}: give a percentage from 0 to 100")


def check_out(targets: tuple[str, ...], out: str | Path, models: tuple[str, ...]) -> Path:
    """An output folder (``outputs.check_folder``, on the name as given: ``''`` is not ``.``)
    whose bundles may be replaced (``build`` and ``convert``): each bundle folder is absent, empty
    or a previous bundle of the same ``models`` (bundle names) whose manifest says which files
    packager wrote (the rest is kept, ``install``)."""
    out = outputs.check_folder(out, "--out")
    for t in targets:
        install.check_target(out / t, is_bundle)
        if is_bundle(out / t):
            there = tuple(manifest.previous(out / t)["models"])
            if set(there) != set(models):
                raise PackagerError(f"{out / t} holds the bundle of {_models(there)}; refusing to replace it with "
                                    f"{_models(models)} (choose another --out)")
    return out


def _models(names: tuple[str, ...]) -> str:
    return ("model " if len(names) == 1 else "models ") + ", ".join(names)


def check_options(opts: BuildOptions) -> None:
    check_choices(opts.targets, opts.quantize)
    if any("int8" in vs for vs in opts.precision.values()) and opts.quantize != "int8":
        raise PackagerError("--precision names int8: add --quantize int8")
    check_agreement(opts.min_int8_agreement)
    ortversion.runtime_version(opts.onnxruntime_version)
    check_out(opts.targets, opts.out, layout.ROLES)
    install.check_file(opts.out / htmlreport.NAME, htmlreport.is_report)


def is_bundle(path: Path) -> bool:
    """A folder a previous build or convert wrote (it holds a manifest)."""
    return (path / layout.MANIFEST).is_file()


def make_artifacts(opts: BuildOptions, progress: Progress, cache: Cache) -> dict[str, art.Artifacts]:
    """Every model's verified artifacts, by role."""
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
    if "fp16" in opts.variants_made:
        for role, a in out.items():
            with progress.stage(f"{role}: fp16 and agreement"):
                a.fp16 = art.fp16_variant(a, held[role], real.held_out_faces, opts.min_int8_agreement, cache)
    if opts.quantize == "int8":
        calib = {d: real.detector_calibration, e: real.emotion_calibration}
        for role, a in out.items():
            with progress.stage(f"{role}: int8 quantization and agreement"):
                a.int8 = art.int8_variant(a, calib[role], held[role], real.held_out_faces, opts.min_int8_agreement, cache)
    return out


def build(opts: BuildOptions, progress: Progress, cache: Cache | None = None) -> dict:
    """Make, verify and install the bundles; returns the summary (see ``summary``)."""
    check_options(opts)
    onnxruntime_version = ortversion.runtime_version(opts.onnxruntime_version)
    cache = cache or Cache()
    install.remove_stale(opts.out)
    models = make_artifacts(opts, progress, cache)
    with progress.stage("listing required operators"):
        config = ort_export.required_operators_cached(_config_inputs(models), cache)
    choices = {t: precision.choose(models, t, opts.precision.get(t)) for t in opts.targets}
    staged, manifests = {}, {}
    try:
        opts.out.mkdir(parents=True, exist_ok=True)
        for name in opts.targets:
            with progress.stage(f"writing the {name} bundle"):
                staged[name] = install.staging_dir(opts.out, name)
                manifests[name] = write_bundle(TARGETS[name], staged[name], models, config, opts.self_check,
                                               onnxruntime_version, choices[name])
        with progress.stage("writing the build report"):
            staged[htmlreport.NAME] = htmlreport.stage(opts.out, manifests, models)
        with progress.stage("installing " + " and ".join(str(opts.out / n) for n in opts.targets)):
            try:
                install.install(staged, opts.out, manifest.written)
            except OSError as e:
                raise PackagerError(f"installing into {opts.out} failed ({e.strerror or e}); the previous bundles "
                                    "are in place; is another build writing there?") from None
    except OSError as e:  # a full disk, a read-only folder: the staging folders go, the old bundles stay
        raise outputs.failed(e, f"the bundles into {opts.out}", "the previous bundles are in place") from None
    finally:
        install.discard(p for p in staged.values() if p.exists())
    return {**summary(opts.out, manifests, cache, models), "report": str(opts.out / htmlreport.NAME)}


def _config_inputs(models: dict[str, art.Artifacts]) -> dict[str, tuple[bytes, bytes]]:
    out = {}
    for role, a in models.items():
        out[layout.model_file(role)] = (a.ort, a.ort_fixed)
        for v in ("fp16", "int8"):
            if art.variant(a, v) is not None:
                out[layout.variant_file(role, v)] = (art.variant(a, v)["ort"], art.variant(a, v)["ort_fixed"])
    return out


def build_command(targets: list[str], out: str, quantize: str | None, min_agreement: float, emotion_recipe: str,
                  emotion_model: str | None, as_json: bool, progress: Progress, print_fn=print,
                  detector: str = recipes.DEFAULT_DETECTOR, self_check: bool = False,
                  onnxruntime_version: str | None = None, precision: list[str] | None = None) -> int:
    """``packager build``: build, then print the summary (text, or JSON with ``as_json``)."""
    import json

    from packager.export import precision as prec

    check_out(tuple(targets), out, layout.ROLES)  # the name as given: Path("") would be "."
    opts = BuildOptions(tuple(targets), Path(out), quantize, min_agreement, emotion_recipe, emotion_model, detector,
                        self_check, onnxruntime_version, prec.parse(precision, tuple(targets)))
    s = build(opts, progress)
    print_fn(json.dumps(s, indent=2) if as_json else summary_text(s))
    return 0
