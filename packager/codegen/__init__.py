"""The Kotlin and Swift wrappers: the runtime library plus a thin layer rendered from templates.

A language's output is two kinds of file (``render``):

- the **runtime library**: code that is the same for every recipe, plain ``.kt`` / ``.swift``
  sources (and the Android module's Gradle/manifest files) whose one home is the committed
  module (``android_wrapper/``, ``ios_wrapper/``).  The package reaches them through
  ``packager/runtime/`` (symlinks in the repository, copies in an installed wheel) and copies
  them byte for byte; ``LanguageSettings.runtime`` lists them.
- the **generated layer**: one template per file in ``packager/templates/<language>/``
  (``Recipes.kt.j2`` renders ``Recipes.kt``); partials start with ``_``.  Jinja runs with
  ``StrictUndefined``.  Every model constant reaches a template through ``context()``, from the
  recipes and the reference; templates and runtime files hold none of their own.

Everything language-specific is a ``LanguageSettings`` row (``kotlin.py``, ``swift.py``): file
placement, the runtime files, number and string literals.  A missing template folder or runtime
file is a ``PackagerError``: a wrapper is complete or not written.

Output is deterministic: files in sorted order, floats written as the shortest literal that
round-trips (``repr``), no timestamps.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2

from packager import recipes
from packager.errors import PackagerError
from packager import difference, layout
from packager.difference import FP32_TOLERANCE
from packager.reference import emotion as ref_emotion
from packager.reference import frames as ref_frames
from packager.reference import resample as ref_resample

#: The package folder: templates and runtime files are package data inside it.
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: ``<language>/*.j2``: the generated layer.
TEMPLATES = PACKAGE_DIR / "templates"
#: The runtime library, as listed by ``LanguageSettings.runtime`` (relative to this folder).
RUNTIME = PACKAGE_DIR / "runtime"


@dataclass(frozen=True)
class RuntimePin:
    """Where a language's package manifest names the ONNX Runtime an app gets.

    Attributes:
        package: where apps get ONNX Runtime (a Maven coordinate, a SwiftPM package URL).
        file: name of the manifest that names its version (``build.gradle.kts``, ``Package.swift``).
        version: regular expression whose group 1 is that version in the file.
    """

    package: str
    file: str
    version: str

    def found(self, text: str) -> list[str]:
        """The versions of ONNX Runtime the manifest text asks for."""
        return re.findall(self.version, text)


@dataclass(frozen=True)
class LanguageSettings:
    """What differs between languages.

    Attributes:
        name: ``kotlin`` or ``swift``.
        output_path: file name (a template's without ``.j2``, or a runtime file's) → its path
            relative to the wrapper root (e.g. ``src/main/kotlin/.../X.kt``).
        double: float → double literal.
        float: float → single-precision literal.
        string: str → string literal.
        ident: recipe name → identifier (``fer-minixception`` → ``ferMinixception``).
        runtime: the runtime library's files, relative to ``RUNTIME``; each is copied to
            ``runtime_path(<its path>)``.
        runtime_path: a runtime file (relative to ``RUNTIME``) → its path relative to the
            wrapper root, where file names alone are not unique (Swift: two ``Package.swift``);
            default ``output_path(<its file name>)``.
        runner_runtime: the generic pieces of the runtime library (``ModelSession``, ``TensorSpec``,
            ``Npy``, the self-check) that a one-model runner (``packager convert``) uses, relative
            to ``RUNTIME``.
        runner_path: (module name, file name) → path of a runner bundle's source file.
        runner_package: module name → the package of a runner bundle's code (Kotlin:
            ``dev.packager.<module>``, so that modules compose in one app), given to the runner
            templates as ``package``; None where a module is its own namespace (Swift).
        repackage: (file name, text, package) → a runtime piece's text moved into ``package`` (only
            its package declaration changes); used with ``runner_package``.
        onnxruntime: where the package manifest names ONNX Runtime's version (``pin_onnxruntime``).
    """

    name: str
    output_path: Callable[[str], str]
    double: Callable[[float], str]
    float: Callable[[float], str]
    string: Callable[[str], str]
    ident: Callable[[str], str]
    runtime: tuple[str, ...]
    runner_runtime: tuple[str, ...] = ()
    runtime_path: Callable[[str], str] | None = None
    runner_path: Callable[[str, str], str] | None = None
    runner_package: Callable[[str], str] | None = None
    repackage: Callable[[str, str, str], str] | None = None
    onnxruntime: RuntimePin | None = None


_LANGUAGES: dict[str, LanguageSettings] = {}


def register(settings: LanguageSettings) -> LanguageSettings:
    _LANGUAGES[settings.name] = settings
    return settings


def language(name: str) -> LanguageSettings:
    """Settings of a language; an unknown name lists the valid ones."""
    from packager.codegen import kotlin, swift  # noqa: F401  (registers them)

    if name not in _LANGUAGES:
        raise PackagerError(f"unknown language {name!r}; choose one of: {', '.join(sorted(_LANGUAGES))}")
    return _LANGUAGES[name]


def shortest(x: float) -> str:
    """Shortest decimal that round-trips to the same double (``repr``), finite only."""
    if not math.isfinite(x):
        raise ValueError(f"cannot write {x} as a literal")
    return repr(float(x))


def camel(name: str) -> str:
    """``fer-minixception`` → ``ferMinixception``."""
    head, *rest = name.replace("_", "-").split("-")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def context(
    detectors: tuple[recipes.DetectorRecipe, ...] = tuple(recipes.DETECTORS.values()),
    emotions: tuple[recipes.EmotionRecipe, ...] = tuple(recipes.EMOTIONS.values()),
    default_emotion: str = recipes.DEFAULT_EMOTION,
    default_detector: str = recipes.DEFAULT_DETECTOR,
    default_precision: str = "fp32",
) -> dict:
    """The template context: the recipes as plain data, plus derived constants.  Every recipe is
    rendered; the defaults are the models a bundle ships and the precision variant its app opens
    (``export.precision``: the target's default)."""
    if default_precision not in layout.VARIANTS:
        raise PackagerError(f"default precision {default_precision!r} is not one of {', '.join(layout.VARIANTS)}")
    for kind, default, rendered in (("detector", default_detector, detectors), ("emotion", default_emotion, emotions)):
        if default not in {r.name for r in rendered}:
            raise PackagerError(f"default {kind} recipe {default!r} is not among the rendered ones")
    dets = [dict(dataclasses.asdict(r), input_size=r.input_size, num_anchors=r.num_anchors,
                 keypoint_mirror=r.keypoint_mirror) for r in detectors]
    emos = [dict(dataclasses.asdict(r), size=r.size, channels=r.channels) for r in emotions]
    return {
        "detectors": dets,
        "emotions": emos,
        "default_emotion": default_emotion,
        "default_detector": default_detector,
        "gray_weights": ref_emotion.GRAY_WEIGHTS,
        "yuv": {"full": ref_frames.YUV_COEFFICIENTS[True], "video": ref_frames.YUV_COEFFICIENTS[False]},
        # The on-device self-check (samples shipped with --self-check) compares a CPU session's
        # outputs with the bundled expected outputs, max |a - b| / max(1, max |expected|) per output
        # (packager.difference.scaled_diff), within the limit the build verified the .ort with.
        "self_check_tolerance": FP32_TOLERANCE,
        # An fp16 / int8 variant's self-check (export.quantize.SELF_CHECK): the emotion model's outputs within
        # a scaled tolerance, the detector's decoded faces paired by IoU with bounded corner shifts.
        "default_precision": default_precision,
        "variant_self_check": {"tolerance": difference.VARIANT_TOLERANCE, "min_iou": difference.MIN_IOU,
                               "max_corner_shift": difference.MAX_CORNER_SHIFT},
        # Faces over time (video mode): the tracker's and the smoother's constants.
        "tracking": dataclasses.asdict(recipes.TRACKING),
        "resample_limits": {"max_step": ref_resample.MAX_STEP, "max_coordinate": ref_resample.MAX_COORDINATE,
                            "fraction_bits": ref_resample.FRACTION_BITS, "max_subsamples": ref_resample.MAX_SUBSAMPLES},
    }


def environment(lang: LanguageSettings, folder: Path | None = None) -> jinja2.Environment:
    folder = folder or TEMPLATES / lang.name
    if not folder.is_dir():
        raise PackagerError(f"the {lang.name} templates are missing ({folder}); reinstall packager")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(double=lang.double, float=lang.float, string=lang.string, ident=lang.ident)
    return env


def render_templates(lang_name: str, **ctx_args) -> dict[str, str]:
    """The generated layer of a language: relative path → rendered text, in sorted order."""
    lang = language(lang_name)
    env = environment(lang)
    names = sorted(n for n in env.list_templates(filter_func=lambda n: n.endswith(".j2")) if not Path(n).name.startswith("_"))
    if not names:
        raise PackagerError(f"no {lang.name} templates in {TEMPLATES / lang.name}; reinstall packager")
    ctx = context(**ctx_args)
    return {lang.output_path(n[: -len(".j2")]): env.get_template(n).render(ctx) for n in names}


def runtime_files(lang_name: str) -> dict[str, str]:
    """The runtime library of a language: relative output path → its text, unchanged."""
    lang = language(lang_name)
    out = {}
    for rel in lang.runtime:
        path = RUNTIME / rel
        if not path.is_file():
            raise PackagerError(f"the {lang.name} runtime file {rel} is missing ({path}); reinstall packager")
        place = lang.runtime_path(rel) if lang.runtime_path else lang.output_path(Path(rel).name)
        out[place] = path.read_bytes().decode("utf-8")
    return out


def render(lang_name: str, **ctx_args) -> dict[str, str]:
    """Every file of a language's wrapper (runtime library + generated layer): relative path →
    text, in sorted order."""
    runtime = runtime_files(lang_name)
    generated = render_templates(lang_name, **ctx_args)
    both = sorted(runtime.keys() & generated.keys())
    if both:
        raise PackagerError(f"{lang_name}: {', '.join(both)} is both a runtime file and a template")
    return dict(sorted({**runtime, **generated}.items()))


def pin_onnxruntime(lang_name: str, files: dict[str, str], version: str) -> dict[str, str]:
    """``files`` (relative path → text) with the one ONNX Runtime version their package manifest
    asks for (``LanguageSettings.onnxruntime``) set to ``version``; the other files unchanged.
    Exactly one version must be found."""
    pin = language(lang_name).onnxruntime

    def pinned(m: re.Match) -> str:
        """The match with its group 1 (the version) replaced."""
        return m.string[m.start(0):m.start(1)] + version + m.string[m.end(1):m.end(0)]

    out, found = dict(files), 0
    for rel, text in files.items():
        if Path(rel).name == pin.file and pin.found(text):
            found += len(pin.found(text))
            out[rel] = re.sub(pin.version, pinned, text)
    if found != 1:
        raise PackagerError(f"{found} ONNX Runtime versions in the {lang_name} {pin.file}, not 1; reinstall packager")
    return out


def write(lang_name: str, root: Path, onnxruntime_version: str | None = None, **ctx_args) -> list[Path]:
    """Write the wrapper into ``root`` (created as needed), byte for byte, but for the ONNX
    Runtime version its package manifest asks for, when ``onnxruntime_version`` is given
    (``pin_onnxruntime``); returns the written paths."""
    files = render(lang_name, **ctx_args)
    if onnxruntime_version is not None:
        files = pin_onnxruntime(lang_name, files, onnxruntime_version)
    out = []
    for rel, text in files.items():
        path = Path(root) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        out.append(path)
    return out


#: ``runner_<language>/Runner.<ext>.j2``: the one-model runner of ``packager convert``, written as
#: ``<module>Runner.<ext>``; the folder's other templates keep their names (a package manifest).
RUNNER_TEMPLATE = "Runner"


def render_runner(lang_name: str, module: str, ctx: dict) -> dict[str, str]:
    """A one-model runner bundle's code (``packager convert``): the generic runtime pieces
    (``LanguageSettings.runner_runtime``; byte for byte but for their package declaration, which
    ``LanguageSettings.repackage`` sets to the bundle's ``runner_package``) and the templates of
    ``templates/runner_<language>/`` rendered with ``ctx`` (the model's tensors, files and
    tolerance, see ``packager.export.modelbundle.runner_context``), ``module`` and ``package``:
    relative path → text, in sorted order.  The package manifest asks for ONNX Runtime
    ``ctx["onnxruntime_version"]`` (``pin_onnxruntime``)."""
    lang = language(lang_name)
    folder = TEMPLATES / f"runner_{lang.name}"
    env = environment(lang, folder)
    names = sorted(n for n in env.list_templates(filter_func=lambda n: n.endswith(".j2")) if not Path(n).name.startswith("_"))
    if not any(n.startswith(RUNNER_TEMPLATE + ".") for n in names) or lang.runner_path is None:
        raise PackagerError(f"the {lang.name} runner template is missing ({folder}); reinstall packager")
    package = lang.runner_package(module) if lang.runner_package else None
    out = {}
    for rel in lang.runner_runtime:
        path, name = RUNTIME / rel, Path(rel).name
        if not path.is_file():
            raise PackagerError(f"the {lang.name} runtime file {rel} is missing ({path}); reinstall packager")
        text = path.read_bytes().decode("utf-8")
        out[lang.runner_path(module, name)] = lang.repackage(name, text, package) if package else text
    for n in names:
        name = n[: -len(".j2")]
        name = module + name if name.startswith(RUNNER_TEMPLATE + ".") else name
        out[lang.runner_path(module, name)] = env.get_template(n).render(dict(ctx, module=module, package=package))
    return dict(sorted(pin_onnxruntime(lang.name, out, ctx["onnxruntime_version"]).items()))
