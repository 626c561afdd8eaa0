"""The Kotlin wrapper: golden files, the runtime library, and model constants coming only from
the recipes.

The golden files are the generated sources committed in android_wrapper/ (Recipes.kt): one copy
serves as both the golden set and the module an app includes, and the test proves it equals a
fresh render.  Update them after an intended change with
``PACKAGER_UPDATE_GOLDEN=1 pytest tests/kotlin/test_kotlin_codegen.py``, then review the diff.
The module's other files are the runtime library itself (packager/runtime/ points at them).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from packager import codegen, recipes
from packager.codegen import kotlin as settings

from golden import UPDATE_FLAG, check_tree

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "android_wrapper"
TEMPLATES = codegen.TEMPLATES / "kotlin"


def test_golden_files_in_the_committed_module():
    """android_wrapper/ holds exactly what the templates render for the default recipes (a diff
    is shown otherwise); every other file of its source folder is a listed runtime file."""
    runtime = set(codegen.runtime_files("kotlin"))
    check_tree(MODULE, codegen.render_templates("kotlin"),
               lambda rel: rel.startswith(settings.SOURCE_DIR + "/") and rel not in runtime,
               f"run {UPDATE_FLAG}=1 pytest tests/kotlin/test_kotlin_codegen.py and review the diff")


def test_runtime_library_is_the_committed_module():
    """The runtime files the package copies are the module's own files, byte for byte."""
    files = codegen.runtime_files("kotlin")
    assert len(files) == len(settings.RUNTIME)
    for rel, text in files.items():
        assert (MODULE / rel).read_bytes() == text.encode(), rel


def test_output_paths():
    files = codegen.render("kotlin")
    assert "src/main/kotlin/dev/packager/face/FaceDetectionWrapper.kt" in files
    assert "src/main/AndroidManifest.xml" in files and "build.gradle.kts" in files
    names = {p.rsplit("/", 1)[-1] for p in files}
    assert {"FaceDetectionWrapper.kt", "FaceEmotionRecognitionWrapper.kt", "FaceEmotionPipeline.kt"} <= names
    # one template per generated file, partials render nothing of their own; the rest is runtime
    templates = {p.name[: -len(".j2")] for p in TEMPLATES.glob("*.j2") if not p.name.startswith("_")}
    assert templates == {"Recipes.kt"}
    assert names == templates | {rel.rsplit("/", 1)[-1] for rel in settings.RUNTIME}


def test_core_has_no_platform_imports():
    for path, text in codegen.render("kotlin").items():
        platform = re.search(r"^import (android|androidx|ai\.onnxruntime)\.", text, re.M) is not None
        assert platform == (path.endswith(".kt") and not settings.is_core(path)), path


@pytest.mark.parametrize("default", list(recipes.EMOTIONS))
def test_any_default_emotion(tmp_path, default):
    """``packager build`` renders the wrapper slot for whichever emotion model it ships."""
    written = codegen.write("kotlin", tmp_path, default_emotion=default)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == set(codegen.render("kotlin"))
    text = (tmp_path / settings.SOURCE_DIR / "Recipes.kt").read_text()
    assert f"val defaultEmotion: EmotionRecipe get() = {codegen.camel(default)}\n" in text
    base = codegen.render("kotlin")
    changed = [p for p, t in codegen.render("kotlin", default_emotion=default).items() if t != base[p]]
    assert changed == ([] if default == recipes.DEFAULT_EMOTION else [f"{settings.SOURCE_DIR}/Recipes.kt"])


def _numbers(obj) -> set[float]:
    """Every number in a recipe (recursively)."""
    if isinstance(obj, bool):
        return set()
    if isinstance(obj, (int, float)):
        return {float(obj)}
    if isinstance(obj, dict):
        return set().union(*(_numbers(v) for v in obj.values()))
    if isinstance(obj, (list, tuple)):
        return set().union(*(_numbers(v) for v in obj)) if obj else set()
    return set()


def _strings(obj) -> set[str]:
    if isinstance(obj, str):
        return {obj}
    if isinstance(obj, dict):
        return set().union(*(_strings(v) for v in obj.values()))
    if isinstance(obj, (list, tuple)):
        return set().union(*(_strings(v) for v in obj)) if obj else set()
    return set()


#: Numbers that belong to the algorithm, not to a model, where they collide with recipe values.
#: ARGB channel bit shifts (p shr 16, p shr 8); in CameraFrame.kt also the 8-bit chroma zero 128
#: and video range's Y 16..235 of the YUV format's definition (packager/reference/frames.py), and
#: in Bilinear.kt and BilinearYuv.kt that chroma zero again (a YUV frame's sums are converted
#: there; Resample.kt, PackedBilinear.kt and Antialias.kt share the ARGB shifts, and Resample.kt's
#: comments name the detector's 128 × 128); in
#: Npy.kt the .npy header's layout (version byte at 6, header length at 8, 64-byte alignment).
ALGORITHM_NUMBERS = {"Resample.kt": {8.0, 16.0, 128.0}, "Bilinear.kt": {8.0, 16.0, 128.0},
                     "BilinearYuv.kt": {8.0, 16.0, 128.0}, "Antialias.kt": {8.0, 16.0},
                     "PackedBilinear.kt": {8.0, 16.0},
                     "Types.kt": {8.0, 16.0}, "CameraFrame.kt": {8.0, 16.0, 128.0},
                     "Npy.kt": {6.0, 8.0, 64.0}}


def test_templates_and_runtime_hold_no_model_constants():
    """No recipe number or name, and no constant of the reference (gray weights, resampling
    limits), is written into a template or a runtime file by hand. Small integers (0-4) and 0.5
    are excluded: they are also the algorithm's own (box size 4, pixel centre k + 0.5)."""
    all_recipes = [recipes.as_dict(r) for r in (*recipes.DETECTORS.values(), *recipes.EMOTIONS.values())]
    reference = codegen.context()
    numbers = set().union(*map(_numbers, [*all_recipes, reference["gray_weights"], reference["resample_limits"]]))
    numbers -= {0.0, 1.0, 2.0, 3.0, 4.0, 0.5, -1.0}
    words = {s for s in set().union(*map(_strings, all_recipes)) if len(s) > 2}
    words -= {"NHWC", "NCHW", "GRAY", "RGB", "BGR", "bilinear", "nearest"}  # enum names of the core
    runtime = [codegen.RUNTIME / rel for rel in settings.RUNTIME if rel.endswith(".kt")]
    kotlin_sources = [*TEMPLATES.glob("*.kt.j2"), *TEMPLATES.glob("_*.j2"), *runtime]  # not the Gradle/XML files
    assert len(runtime) > 5
    for path in kotlin_sources:
        text = path.read_text()
        literals = {float(m) for m in re.findall(r"(?<![\w.])(\d+\.\d*|\d+)(?:[eE][-+]?\d+)?(?![\w.])", text)}
        literals -= ALGORITHM_NUMBERS.get(path.name, set())
        assert not literals & numbers, f"{path.name} hard-codes {sorted(literals & numbers)}"
        quoted = set(re.findall(r'"([^"\n]*)"', text))
        assert not quoted & words, f"{path.name} hard-codes {sorted(quoted & words)}"


def test_every_recipe_constant_reaches_the_code():
    """Change every number of every recipe: the rendered Recipes.kt changes with it."""
    det = dataclasses.replace(
        recipes.BLAZEFACE_SHORT_RANGE, scale=130.5, norm_scale=0.25, norm_offset=-2.5, fill=12.0,
        score_clip=50.5, min_score=0.625, iou_threshold=0.375,
        anchors=dataclasses.replace(recipes.BLAZEFACE_SHORT_RANGE.anchors, strides=(8, 16, 32), offset=0.375),
    )
    emo = dataclasses.replace(recipes.EMO_AFFECTNET, mean=(1.25, 2.25, 3.25), scale=(0.125, 0.25, 0.375),
                              crop_scale=1.375, fill=7.5, labels=("a", "b", "c", "d", "e", "f", "g"))
    text = codegen.render("kotlin", detectors=(det,), emotions=(emo,), default_emotion=emo.name)[f"{settings.SOURCE_DIR}/Recipes.kt"]
    for expected in ["scale = 130.5", "normScale = 0.25", "normOffset = -2.5", "fill = 12.0", "scoreClip = 50.5",
                     "minScore = 0.625", "iouThreshold = 0.375", "strides = listOf(8, 16, 32)", "offset = 0.375",
                     "mean = listOf(1.25, 2.25, 3.25)", "scale = listOf(0.125, 0.25, 0.375)", "cropScale = 1.375",
                     "fill = 7.5"]:
        assert expected in text
    labels = text[text.index("labels = listOf("):]
    assert labels[: labels.index(")")].split()[3:] == ['"a",', '"b",', '"c",', '"d",', '"e",', '"f",', '"g",']
    assert "ferMinixception" not in text


def test_literals():
    assert settings.double(1 / 127.5) == "0.00784313725490196"
    assert settings.double(1e-5) == "1e-05"  # a valid Kotlin Double literal
    assert settings.string('a"b$c\\') == '"a\\"b\\$c\\\\"'


def test_pipeline_loads_the_bundle_model_files():
    text = codegen.render("kotlin")[f"{settings.SOURCE_DIR}/FaceEmotionPipeline.kt"]
    for name in settings.MODEL_FILES:
        assert f'"{name}"' in text


#: Longest line of the generated Kotlin (the module's style; Android Studio's default margin).
MAX_LINE = 120


def test_generated_lines_fit_the_margin():
    long = [f"{path}:{n}: {len(line)} columns"
            for path, text in codegen.render("kotlin").items() if path.endswith(".kt")
            for n, line in enumerate(text.splitlines(), 1) if len(line) > MAX_LINE]
    assert not long, "\n".join(long)
