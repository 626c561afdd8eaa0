"""Render the Kotlin and Swift wrappers from ``templates/<language>/``.

One template per generated file (``FaceDetectionWrapper.kt.j2`` renders
``FaceDetectionWrapper.kt``); partials start with ``_``.  Jinja runs with ``StrictUndefined``.
Everything language-specific is a ``LanguageSettings`` row (``kotlin.py``, ``swift.py``): file
placement, number and string literals.  Every model constant reaches a template through
``context()``, from the recipes; templates hold none of their own.

Output is deterministic: files in sorted order, floats written as the shortest literal that
round-trips (``repr``), no timestamps.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import jinja2

from packager import recipes
from packager.errors import PackagerError
from packager.reference import emotion as ref_emotion
from packager.reference import resample as ref_resample

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class LanguageSettings:
    """What differs between languages.

    Attributes:
        name: ``kotlin`` or ``swift``.
        output_path: template file name (without ``.j2``) → path of the generated file, relative
            to the wrapper root (e.g. ``src/main/kotlin/.../X.kt``).
        double: float → double literal.
        float: float → single-precision literal.
        string: str → string literal.
        ident: recipe name → identifier (``fer-minixception`` → ``ferMinixception``).
    """

    name: str
    output_path: Callable[[str], str]
    double: Callable[[float], str]
    float: Callable[[float], str]
    string: Callable[[str], str]
    ident: Callable[[str], str]


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
    detector: recipes.DetectorRecipe = recipes.BLAZEFACE_SHORT_RANGE,
    emotions: tuple[recipes.EmotionRecipe, ...] = tuple(recipes.EMOTIONS.values()),
    default_emotion: str = recipes.DEFAULT_EMOTION,
) -> dict:
    """The template context: the recipes as plain data, plus derived constants."""
    det = dataclasses.asdict(detector)
    det["input_size"] = detector.input_size
    det["num_anchors"] = detector.num_anchors
    emos = []
    for r in emotions:
        e = dataclasses.asdict(r)
        e["size"] = r.size
        e["channels"] = r.channels
        emos.append(e)
    if default_emotion not in {r.name for r in emotions}:
        raise PackagerError(f"default emotion recipe {default_emotion!r} is not among the rendered ones")
    return {
        "detector": det,
        "emotions": emos,
        "default_emotion": default_emotion,
        "gray_weights": ref_emotion.GRAY_WEIGHTS,
        "resample_limits": {"max_step": ref_resample.MAX_STEP, "max_coordinate": ref_resample.MAX_COORDINATE,
                            "fraction_bits": ref_resample.FRACTION_BITS, "max_subsamples": ref_resample.MAX_SUBSAMPLES},
    }


def environment(lang: LanguageSettings) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / lang.name)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(double=lang.double, float=lang.float, string=lang.string, ident=lang.ident)
    return env


def render(lang_name: str, **ctx_args) -> dict[str, str]:
    """Every generated file of a language: relative path → text, in sorted order."""
    lang = language(lang_name)
    env = environment(lang)
    ctx = context(**ctx_args)
    files = {}
    for name in sorted(env.list_templates(filter_func=lambda n: n.endswith(".j2"))):
        if Path(name).name.startswith("_"):
            continue
        files[lang.output_path(name[: -len(".j2")])] = env.get_template(name).render(ctx)
    return dict(sorted(files.items()))


def write(lang_name: str, root: Path, **ctx_args) -> list[Path]:
    """Render into ``root`` (created as needed); returns the written paths."""
    out = []
    for rel, text in render(lang_name, **ctx_args).items():
        path = Path(root) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        out.append(path)
    return out
