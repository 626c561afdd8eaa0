"""The Android bundles in an app (issue 22): the face bundle (``packager build``) and a ``packager
convert`` bundle compile together into one app-shaped compile — kotlinc over both modules'
sources and an app file that uses ``FaceEmotionPipeline`` and the runner — against the Android
stand-ins, without a duplicate class, and the app runs on the JVM test doubles of
``ai.onnxruntime`` (tests/kotlin/fakes). The face bundle's sample app (``sample/``) compiles as an
app would compile it: on its own, against the module's compiled classes and the stand-ins.

Gradle cannot run here (no Android SDK, no Google Maven): what is checked is what the compiler
and the JVM can check; the dex merge of a real build rejects duplicate classes as kotlinc
rejects a redeclaration in one compile."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from packager_cli import packager

import standins
from packager import layout
from packager.codegen import kotlin as kotlin_settings
from packager.parity import kotlin_harness

ROOT = Path(__file__).resolve().parents[2]
STANDINS = ROOT / "android_wrapper" / "standins"
FAKES = ROOT / "tests" / "kotlin" / "fakes"
MODULE = "Ferplus"  # layout.module_name("ferplus")
CONVERT_PACKAGE = kotlin_settings.runner_package(MODULE)


def _kotlinc(sources: list[Path], out: Path, classpath: list[Path] = ()) -> subprocess.CompletedProcess:
    java, compiler, stdlib = kotlin_harness.toolchain()
    cmd = [java, "-Xss8m", "-cp", str(compiler), "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler", "-no-stdlib", "-no-reflect",
           "-classpath", ":".join(map(str, [stdlib, *classpath])), "-jvm-target", "17", *map(str, sources), str(STANDINS),
           "-d", str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kotlin_harness.COMPILE_TIMEOUT)


def _classes(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*.class")}


@pytest.fixture(scope="module")
def face(default_build) -> Path:
    return default_build.bundle("android")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    """``packager convert`` of the FER+ stand-in (one input, one output), Android only."""
    tmp = tmp_path_factory.mktemp("convert-ferplus")
    sample = tmp / "gray.npy"
    np.save(sample, np.random.default_rng(7).uniform(0, 255, (1, 1, 64, 64)).astype(np.float32))
    r = packager("convert", standins.write_ferplus(tmp / "ferplus.onnx"), "-i", sample, "--target", "android",
                 "--out", tmp / "out")
    assert r.returncode == 0, r.stderr
    return tmp / "out" / "android"


#: An app that uses both modules (RUNNER: the convert module's runner class, PACKAGE its package).
APP = """\
package dev.packager.app

import android.content.Context
import android.content.res.AssetManager
import dev.packager.face.FaceEmotionPipeline
import dev.packager.face.FaceResult
import dev.packager.face.PipelineOptions
import PACKAGE.RUNNER
import java.io.File

fun main(args: Array<String>) {
    System.setProperty("fake.assets", args[0])
    val context = object : Context() {
        override fun getAssets(): AssetManager = AssetManager::class.java.getDeclaredConstructor().newInstance()
    }
    val lines = mutableListOf<String>()
    FaceEmotionPipeline.fromAssets(context, PipelineOptions(maxFaces = 2)).use { pipeline ->
        val faces: List<FaceResult> = pipeline.run(IntArray(64 * 48) { 0xFF808080.toInt() }, 64, 48)
        lines += "faces " + faces.size
        lines += "pipeline " + pipeline.providersInUse.values.joinToString(" ")
    }
    RUNNER.fromAssets(context).use { runner ->
        val outputs = runner.run(RUNNER.INPUTS.associate { it.name to FloatArray(it.size) { 1f } })
        lines += "runner " + runner.session.providerInUse + " " + outputs.values.first().take(2).joinToString(" ")
    }
    // The same runtime piece in each module: two classes, one per package.
    lines += "sessions " + dev.packager.face.ModelSession::class.java.name + " " + PACKAGE.ModelSession::class.java.name
    File(args[1]).writeText(lines.joinToString("\\n"))
}
"""


def _fake_model(entry: dict) -> str:
    """A model for the fakes (tests/kotlin/fakes FakeModel.java) declaring the manifest's tensors."""
    return json.dumps({k: {t["name"]: t["shape"] for t in entry[k]} for k in ("inputs", "outputs")})


@pytest.fixture(scope="module")
def app(face, converted, tmp_path_factory) -> dict:
    """One kotlinc run over the face module's sources, the convert module's and the app file;
    the compiled classes and the compiler's output."""
    tmp = tmp_path_factory.mktemp("android-app")
    app_file = tmp / "App.kt"
    app_file.write_text(APP.replace("RUNNER", f"{MODULE}Runner").replace("PACKAGE", CONVERT_PACKAGE))
    sources = [face / kotlin_settings.SOURCE_DIR, converted / kotlin_settings.package_dir(CONVERT_PACKAGE), app_file]
    done = _kotlinc(sources, tmp / "classes")
    return {"done": done, "classes": tmp / "classes", "tmp": tmp}


def test_the_two_modules_are_in_their_own_packages(face, converted):
    """Each module's sources are in its own package's folder only, and its Gradle namespace is
    that package: no class of one can be a class of the other."""
    assert CONVERT_PACKAGE == "dev.packager.ferplus" and kotlin_settings.PACKAGE == "dev.packager.face"
    for root, package in ((face, kotlin_settings.PACKAGE), (converted, CONVERT_PACKAGE)):
        kt = [p for p in (root / "src/main/kotlin").rglob("*.kt")]
        assert kt and {p.parent.relative_to(root).as_posix() for p in kt} == {kotlin_settings.package_dir(package)}
        assert all(f"\npackage {package}\n" in p.read_text() for p in kt)
        assert f'namespace = "{package}"' in (root / "build.gradle.kts").read_text()


def test_face_and_convert_modules_compile_into_one_app_without_duplicate_classes(app):
    done = app["done"]
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    classes = _classes(app["classes"])
    face = {c for c in classes if c.startswith("dev/packager/face/")}
    convert = {c for c in classes if c.startswith(CONVERT_PACKAGE.replace(".", "/") + "/")}
    assert {"dev/packager/face/FaceEmotionPipeline.class", "dev/packager/face/ModelSession.class"} <= face
    assert {f"dev/packager/ferplus/{MODULE}Runner.class", "dev/packager/ferplus/ModelSession.class"} <= convert
    assert "dev/packager/app/AppKt.class" in classes
    # Both carry the runtime pieces (ModelSession, TensorSpec, Npy, the errors): same names, other packages.
    shared = {Path(c).name for c in face} & {Path(c).name for c in convert}
    assert {"ModelSession.class", "TensorSpec.class", "PackagerException.class"} <= shared


def test_the_same_pieces_in_one_package_are_refused(face, converted, tmp_path):
    """The compile above can fail: the convert module's runtime pieces moved back into the face
    package (what every module did before) are a redeclaration for kotlinc."""
    moved = tmp_path / "src"
    moved.mkdir()
    for name in ("Errors.kt",):
        text = (converted / kotlin_settings.package_dir(CONVERT_PACKAGE) / name).read_text()
        (moved / name).write_text(text.replace(f"package {CONVERT_PACKAGE}\n", f"package {kotlin_settings.PACKAGE}\n"))
    done = _kotlinc([face / kotlin_settings.SOURCE_DIR / "Errors.kt", moved / "Errors.kt"], tmp_path / "classes")
    assert done.returncode != 0 and "redeclaration" in (done.stdout + done.stderr).lower(), done.stdout + done.stderr


def test_the_app_runs_both_modules_on_the_fakes(app, face, converted):
    """The compiled app, run with the ONNX Runtime and Android test doubles: the face pipeline and
    the runner each open their own model (NNAPI, the default on the fakes' API 34), run, and their
    ModelSession classes are two."""
    assert app["done"].returncode == 0
    tmp = app["tmp"]
    assets = tmp / "assets"
    assets.mkdir()
    face_manifest = json.loads((face / layout.MANIFEST).read_text())
    for role, entry in face_manifest["models"].items():  # every shipped variant (the default opens int8)
        for variant in face_manifest["precision"]["shipped"]:
            (assets / layout.variant_file(role, variant)).write_text(_fake_model(entry))
    (name, entry), = json.loads((converted / layout.MANIFEST).read_text())["models"].items()
    (assets / layout.model_file(name)).write_text(_fake_model(entry))
    fakes = tmp / "fakes"
    javac = subprocess.run(["javac", "-d", str(fakes), *map(str, FAKES.rglob("*.java"))], capture_output=True, text=True,
                           timeout=300)
    assert javac.returncode == 0, javac.stderr
    java, _, stdlib = kotlin_harness.toolchain()
    report = tmp / "report.txt"
    run = subprocess.run([java, "-cp", f"{fakes}:{app['classes']}:{stdlib}", "dev.packager.app.AppKt", str(assets),
                          str(report)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = dict(line.split(" ", 1) for line in report.read_text().splitlines())
    assert lines["faces"] == "2"  # maxFaces = 2 of the fake detector's many
    assert lines["pipeline"] == "NNAPI NNAPI"
    assert lines["runner"] == "NNAPI 1.0 1.001"  # the fakes' rule: mean of the inputs + j / 1000
    assert lines["sessions"] == f"dev.packager.face.ModelSession {CONVERT_PACKAGE}.ModelSession"


@pytest.fixture(scope="module")
def face_classes(face, tmp_path_factory) -> Path:
    """The face module's sources compiled on their own (what Gradle does for the library)."""
    out = tmp_path_factory.mktemp("face-classes")
    done = _kotlinc([face / kotlin_settings.SOURCE_DIR], out)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return out


def test_the_sample_app_compiles_against_the_module(face, face_classes, tmp_path):
    """The bundle's sample app (sample/: the Activity and its CameraX analyzer) is compiled as an
    app module: its own sources only, the face module's classes on the class path, the Android /
    CameraX / ONNX Runtime stand-ins for the rest."""
    sample = face / kotlin_settings.SAMPLE_DIR
    sources = sorted(sample.rglob("*.kt"))
    assert [p.name for p in sources] == ["MainActivity.kt"]
    done = _kotlinc(sources, tmp_path / "classes", classpath=[face_classes])
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    classes = _classes(tmp_path / "classes")
    assert {"dev/packager/face/sample/MainActivity.class", "dev/packager/face/sample/FaceAnalyzer.class"} <= classes
    assert not {c for c in classes if not c.startswith("dev/packager/face/sample/")}  # the module came from its classes
    # Against classes without the pipeline, the same sources do not compile: the class path is what it used.
    bare = _kotlinc(sources, tmp_path / "bare")
    assert bare.returncode != 0 and "FaceEmotionPipeline" in bare.stdout + bare.stderr


def test_the_bundle_readme_carries_the_api_reference_and_the_sample(face):
    """The README a developer opens: the integration steps, then the module's API reference
    (android_wrapper/API.md from its first section: results, options, providers and defaults,
    threads, self-check, errors, Java, camera frames, the sample app), then what each file is."""
    readme = (face / layout.README).read_text()
    api = (ROOT / "android_wrapper" / "API.md").read_text()
    reference = "## " + api.split("\n## ", 1)[1]
    assert reference.rstrip("\n") in readme
    order = [readme.index(h) for h in ("## Add it to your app", "## Use it", "### Options", "### Threads",
                                       "### Self-check", "### Errors", "### Java", "## Camera frames", "## Sample app",
                                       "## What is here")]
    assert order == sorted(order)
    for words in ("requestedProvider", "providerInUse", "fallbackReason", "Provider.defaultFor", "FaceResult",
                  "PackagerException", "`sample/`"):
        assert words in readme, words
    assert (face / kotlin_settings.SAMPLE_DIR / "src/main/AndroidManifest.xml").is_file()
