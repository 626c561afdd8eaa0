"""The bundles are drop-in (issue 11): ``dist/android`` is a complete Android library module and
``dist/ios`` two complete Swift packages (``FaceEmotion`` on ``FaceEmotionCore``) and a sample app,
with the models where each platform reads them, under unique flat names, and the self-check
samples out of the app unless ``--self-check``.

The Swift packages are built here with SwiftPM as a local dependency of an app package (what
Xcode's Add Local… does), offline: ONNX Runtime's package is mirrored to a local fake
(tests/swiftbuild.py); the module's Kotlin is compiled against the Android
stand-ins (there is no Android SDK or Gradle here).  The READMEs' integration steps are checked
against what they name."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from packager import codegen, layout, recipes
from packager.codegen import kotlin as kotlin_settings
from packager.codegen import swift as swift_settings
from packager.export import manifest
from packager.parity import kotlin_harness

import swiftbuild

ROOT = Path(__file__).resolve().parents[2]
TARGETS = tuple(layout.TARGETS)
ROOT_FILES = {layout.README, layout.MANIFEST, layout.OPERATORS}


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _models(int8: bool) -> set[str]:
    return {layout.model_file(r, int8=q) for r in layout.ROLES for q in ((False, True) if int8 else (False,))}


def _samples(m: dict, in_app: bool = False) -> dict[str, str]:
    """Bundle path → the fp32 sample's role and kind, from the manifest (in the app or in samples/)."""
    out = {}
    for role, e in m["models"].items():
        s = e["samples"]["in_app"] if in_app else e["samples"]
        out.update({p: role for p in s["inputs"].values()})
        out.update({p: role for p in s["outputs"].values()})
    return out


def _int8_shipped(m: dict) -> bool:
    """Whether the bundle ships int8: Android (NNAPI takes it whole), not iOS (Core ML splits it)."""
    return "int8" in m["precision"]["shipped"]


def _int8_sample_names(m: dict) -> set[str]:
    return {layout.variant_sample_output(role, o["name"], "int8") for role, e in m["models"].items() for o in e["outputs"]}


def _expected_sample_names(m: dict) -> set[str]:
    """The fp32 sample file names the layout gives the bundle's models and outputs."""
    names = set()
    for role, e in m["models"].items():
        names.add(layout.sample_input(role))
        names |= {layout.sample_output(role, o["name"]) for o in e["outputs"]}
    return names


@pytest.mark.parametrize("target", TARGETS)
def test_bundle_is_the_wrapper_models_samples_and_nothing_else(default_build, target):
    """Every file: the rendered module / package at the root, the models (fp32 + int8) flat in
    the models folder, the samples (fp32 + int8) flat in samples/, and the three root files."""
    t = layout.TARGETS[target]
    root, m = default_build.bundle(target), default_build.manifest(target)
    wrapper = set(codegen.render(t.language, default_emotion=recipes.DEFAULT_EMOTION))
    assert _int8_shipped(m) == (target == "android")
    models = {t.model_path(f) for f in _models(int8=_int8_shipped(m))}
    int8_samples = _int8_sample_names(m) if _int8_shipped(m) else set()
    samples = {layout.sample_path(f) for f in _expected_sample_names(m) | int8_samples}
    assert _files(root) == wrapper | models | samples | ROOT_FILES
    assert m["wrapper"]["files"] == sorted(wrapper) and m["wrapper"]["folder"] == "."
    assert m["package"] == {"kind": t.kind, "models": t.models, "samples": layout.SAMPLES, "samples_in_app": False}
    assert all(e["samples"]["in_app"] is None for e in m["models"].values())
    assert set(_samples(m)) | {p for e in m["models"].values()
                               for p in (e["artifacts"]["int8"]["sample_outputs"]["files"] or {}).values()} == samples


@pytest.mark.parametrize("target", TARGETS)
def test_app_resources_are_flat_unique_and_hold_no_samples(default_build, target):
    """What the app gets (the models folder) has no sub-folder, no .npy, and no two names that
    collide, even on a case-insensitive file system (Xcode: "Multiple commands produce …")."""
    folder = default_build.bundle(target) / layout.TARGETS[target].models
    entries = list(folder.iterdir())
    assert all(p.is_file() for p in entries)
    names = [p.name for p in entries]
    assert len({n.lower() for n in names}) == len(names)
    assert set(names) == _models(int8=_int8_shipped(default_build.manifest(target)))
    assert not [p for p in default_build.bundle(target).rglob("*.npy") if p.parent.name != layout.SAMPLES]


def test_android_bundle_is_a_complete_library_module(default_build):
    """Gradle's library module layout with packager's own Gradle files, a well-formed manifest
    without a package attribute (AGP 8+ takes the namespace from build.gradle.kts), the models
    in the module's assets (merged into the app's) stored uncompressed."""
    root = default_build.bundle("android")
    for rel in kotlin_settings.RUNTIME:
        if not rel.endswith(".kt"):
            assert (root / kotlin_settings.runtime_path(rel)).read_bytes() == (codegen.RUNTIME / rel).read_bytes(), rel
    manifest_xml = ET.parse(root / "src/main/AndroidManifest.xml").getroot()
    assert manifest_xml.tag == "manifest" and "package" not in manifest_xml.attrib
    gradle = (root / "build.gradle.kts").read_text()
    assert 'id("com.android.library")' in gradle and f'namespace = "{kotlin_settings.PACKAGE}"' in gradle
    assert re.search(r'noCompress\s*\+=\s*(listOf\()?"ort"', gradle)
    assert layout.TARGETS["android"].models == "src/main/assets" == kotlin_settings.ASSETS_DIR
    kt = {p.name for p in (root / kotlin_settings.SOURCE_DIR).glob("*.kt")}
    assert kt == {Path(rel).name for rel in codegen.render("kotlin") if rel.endswith(".kt") and not kotlin_settings.is_sample(rel)}
    assert not (root / "settings.gradle.kts").exists()  # the app's settings include it


def test_android_module_sources_compile_against_the_standins(default_build, tmp_path):
    """The module's whole src/main/kotlin (core, adapters, ONNX Runtime glue) as the bundle
    holds it compiles with the project's Kotlin compiler against the Android stand-ins."""
    java, compiler, stdlib = kotlin_harness.toolchain()
    src = default_build.bundle("android") / kotlin_settings.SOURCE_DIR
    cmd = [java, "-Xss8m", "-cp", str(compiler), "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler", "-no-stdlib",
           "-no-reflect", "-classpath", str(stdlib), "-jvm-target", "17", str(src), str(ROOT / "android_wrapper/standins"),
           "-d", str(tmp_path / "classes")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=kotlin_harness.COMPILE_TIMEOUT)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    classes = {p.name for p in (tmp_path / "classes").rglob("*.class")}
    assert {"FaceEmotionPipeline.class", "ImageAdaptersKt.class", "FrameAdaptersKt.class"} <= classes


def test_ios_bundle_is_two_complete_swift_packages_and_the_sample_app(default_build):
    """Each package in a folder named after its module, its Package.swift packager's own, its
    Swift sources in its library target; the models in the pipeline target's Resources folder;
    the sample app's files beside them; no harness and no tests."""
    root = default_build.bundle("ios")
    for rel in swift_settings.RUNTIME:
        out = swift_settings.runtime_path(rel)
        assert (root / out).read_bytes() == (codegen.RUNTIME / rel).read_bytes(), rel
    for module in (swift_settings.CORE, swift_settings.PIPELINE):
        sources = {p.relative_to(root).as_posix() for p in (root / module / "Sources").rglob("*.swift")}
        assert sources == {rel for rel in codegen.render("swift") if swift_settings.module_of(rel) == module}
        assert {p.name for p in (root / module / "Sources").iterdir()} == {module}
        assert not (root / module / "Tests").exists()
    assert layout.TARGETS["ios"].models == f"{swift_settings.source_dir(swift_settings.PIPELINE)}/Resources"
    assert sorted(p.name for p in (root / swift_settings.SAMPLE).iterdir()) == sorted(
        rel.rsplit("/", 1)[1] for rel in swift_settings.RUNTIME if rel.startswith(f"ios/{swift_settings.SAMPLE}/"))
    folders = {p.name for p in root.iterdir() if p.is_dir()}
    assert folders == {swift_settings.CORE, swift_settings.PIPELINE, swift_settings.SAMPLE, layout.SAMPLES}


@pytest.mark.parametrize("target", TARGETS)
def test_self_check_puts_exactly_the_fp32_samples_next_to_the_models(self_check_build, default_build, target):
    """``--self-check``: the app's models folder gains the sample input and expected outputs of
    each model and of each shipped variant under their unique flat names (the same bytes as
    samples/), and nothing else; the manifest and README say where they are."""
    t = layout.TARGETS[target]
    root, m = self_check_build.bundle(target), self_check_build.manifest(target)
    folder = root / t.models
    names = [p.name for p in folder.iterdir()]
    assert all(p.is_file() for p in folder.iterdir()) and len({n.lower() for n in names}) == len(names)
    int8_in_app = _int8_sample_names(m) if _int8_shipped(m) else set()  # the shipped variant's own outputs
    assert set(names) == _models(int8=_int8_shipped(m)) | _expected_sample_names(m) | int8_in_app
    assert m["package"]["samples_in_app"] is True
    in_app = _samples(m, in_app=True)
    assert set(in_app) == {t.model_path(n) for n in _expected_sample_names(m)}
    for role, e in m["models"].items():
        pairs = [(e["samples"]["in_app"]["inputs"][k], e["samples"]["inputs"][k]) for k in e["samples"]["inputs"]]
        pairs += [(e["samples"]["in_app"]["outputs"][k], e["samples"]["outputs"][k]) for k in e["samples"]["outputs"]]
        for app_path, outside in pairs:
            assert Path(app_path).name == Path(outside).name and Path(outside).parent.as_posix() == layout.SAMPLES
            assert (root / app_path).read_bytes() == (root / outside).read_bytes()
            assert np.load(root / app_path).dtype == np.float32
    assert manifest.problems(root) == []
    assert "the self-check samples (built with `--self-check`)" in (root / layout.README).read_text()
    # everything else is the default bundle's
    default = default_build.bundle(target)
    assert _files(root) - _files(default) == set(in_app) | {t.model_path(n) for n in int8_in_app}
    for rel in _files(default) - {layout.MANIFEST, layout.README}:
        assert (root / rel).read_bytes() == (default / rel).read_bytes(), rel


#: The app's main: the package's recipes, and the pipeline opened from its own resources (the fake
#: ONNX Runtime knows no model: its refusal names the file it was given).
CONSUMER_MAIN = """\
import FaceEmotion

print("detectors", Recipes.detectors.count, "emotions", Recipes.emotions.count)
do {
  _ = try FaceEmotionPipeline()
} catch {
  print("pipeline:", error)
}
"""


@pytest.fixture(scope="module")
def ios_app(self_check_build, tmp_path_factory) -> tuple[Path, Path, str]:
    """An app package depending on dist/ios/FaceEmotion by path (what Xcode's Add Local… does),
    built offline with SwiftPM, no trait flag (ONNX Runtime's package mirrored to the fake), its
    scratch folder outside the bundle, then run.  Returns (bundle, scratch, the app's output)."""
    package = self_check_build.bundle("ios")
    tmp = tmp_path_factory.mktemp("ios-app")
    repo = swiftbuild.fake_ort_repo(tmp / "onnxruntime-swift-package-manager", swift_settings.ort_package_version())
    app = swiftbuild.app_package(tmp / "app", {"FaceEmotion": package / swift_settings.PIPELINE}, CONSUMER_MAIN)
    proc = swiftbuild.build_offline(app, repo, tmp)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    exe = next(p for p in (tmp / "build").rglob("App") if p.is_file() and p.stat().st_mode & 0o111)
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60, check=True).stdout
    return package, tmp / "build", out


def test_ios_packages_are_a_local_dependency_of_an_app(ios_app):
    """The app builds with no network and runs: it sees the recipes through `import FaceEmotion`
    (the core, re-exported), and the pipeline opens the models from its own resource bundle."""
    package, scratch, out = ios_app
    lines = out.splitlines()
    assert lines[0].split() == ["detectors", str(len(recipes.DETECTORS)), "emotions", str(len(recipes.EMOTIONS))]
    assert re.fullmatch(r"pipeline: cannot load the model: open face_detection\.ort: Load model \S+/"
                        r"FaceEmotion_FaceEmotion\.resources/face_detection\.ort failed \(onnxruntime 2\)", lines[1]), lines
    assert manifest.problems(package) == []  # building it wrote nothing into the bundle
    for module in (swift_settings.CORE, swift_settings.PIPELINE):
        assert not (package / module / ".build").exists() and not (package / module / ".swiftpm").exists()
    products = json.loads(swiftbuild.swiftpm("package", "dump-package", "--package-path",
                                             str(package / swift_settings.PIPELINE)).stdout)["products"]
    assert [(p["name"], p["targets"]) for p in products] == [("FaceEmotion", ["FaceEmotion"])]


def test_ios_resources_are_flat_at_the_root_of_bundle_module(ios_app):
    """SwiftPM's resource bundle of the FaceEmotion target (``Bundle.module``) holds every file of
    the models folder at its root, byte for byte: ``Bundle.url(forResource:withExtension:)``
    finds them without a subdirectory."""
    package, scratch, _ = ios_app
    (bundle,) = [p for p in scratch.rglob("FaceEmotion_FaceEmotion.resources") if p.is_dir()]
    models = package / layout.TARGETS["ios"].models
    assert {p.name for p in bundle.iterdir()} == {p.name for p in models.iterdir()}
    assert all((bundle / p.name).read_bytes() == p.read_bytes() for p in models.iterdir())
    assert {layout.model_file(r) for r in layout.ROLES} <= {p.name for p in bundle.iterdir()}


def test_ios_readme_names_the_package_folders_and_documents_the_api(default_build):
    readme = (default_build.bundle("ios") / layout.README).read_text()
    assert "Add Package Dependencies" in readme and "Add Local" in readme and "choose the\n   `FaceEmotion` folder" in readme
    assert '.product(name: "FaceEmotion", package: "FaceEmotion")' in readme
    assert f"`{layout.TARGETS['ios'].models}/`" in readme
    for name in ("FaceResult", "PipelineOptions", "Sendable", "PackagerError", "selfCheck()", "providersInUse",
                 "requestedProviders", "fallbackReason", "per-node assignment", "coverage.after", "FaceEmotionSample/",
                 "iOS 15"):
        assert name in readme, name


def test_android_readme_steps_name_this_module(default_build):
    """The README's Gradle lines are the literal include / dependency lines, for the module's
    own name, and the loader they point at exists."""
    root = default_build.bundle("android")
    blocks = re.findall(r"```kotlin\n(.*?)```", (root / layout.README).read_text(), re.S)
    text = "\n".join(b.strip() for b in blocks)
    assert 'include(":face")' in text
    assert 'project(":face").projectDir = file("<path to this folder>")' in text
    assert 'implementation(project(":face"))' in text
    readme = (root / layout.README).read_text()
    assert f"`{layout.TARGETS['android'].models}/`" in readme
    assert f"namespace `{kotlin_settings.PACKAGE}`" in readme
    pipeline = (root / kotlin_settings.SOURCE_DIR / "FaceEmotionPipeline.kt").read_text()
    assert re.search(r"fun fromAssets\(\s*context", pipeline)
