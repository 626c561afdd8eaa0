"""The Android module's Gradle files follow the rules that let one build file work under AGP 8.x
and AGP 9 (Gradle cannot run here: no Android SDK, no Google Maven; these tests read the files
for the rules the module relies on, and android_wrapper/README.md says so)."""

from __future__ import annotations

import re
from pathlib import Path

import onnxruntime

from packager import codegen
from packager.codegen import kotlin

ROOT = Path(__file__).resolve().parents[2] / "android_wrapper"
BUILD = (ROOT / "build.gradle.kts").read_text()
SETTINGS = (ROOT / "settings.gradle.kts").read_text()
README = (ROOT / "README.md").read_text()


def _code(text: str) -> str:
    """The Kotlin script without its comments."""
    return re.sub(r"//[^\n]*", "", text)


def test_the_kotlin_plugin_is_applied_only_without_built_in_kotlin():
    """AGP 9 registers the `kotlin` extension itself and fails when org.jetbrains.kotlin.android
    is applied too; AGP 8 (or AGP 9 with android.builtInKotlin=false) needs the plugin."""
    code = _code(BUILD)
    plugins = re.search(r"plugins\s*\{(.*?)\}", code, re.S).group(1)
    assert re.findall(r'id\("([^"]+)"\)', plugins) == ["com.android.library"]
    assert re.search(r'if \(extensions\.findByName\("kotlin"\) == null\) \{\s*'
                     r'apply\(plugin = "org\.jetbrains\.kotlin\.android"\)\s*\}', code)
    assert code.count("org.jetbrains.kotlin.android") == 1


def test_the_jvm_target_is_set_in_a_way_valid_under_both():
    """No `kotlin { }` / `kotlinOptions { }` accessor (absent when the plugin is applied with
    apply()); the compile tasks get JVM 17, the Java sources' target."""
    code = _code(BUILD)
    assert not re.search(r"^\s*kotlin(Options)?\s*\{", code, re.M)
    assert re.search(r"tasks\.withType<org\.jetbrains\.kotlin\.gradle\.tasks\.KotlinJvmCompile>\(\)\.configureEach \{\s*"
                     r"compilerOptions\.jvmTarget\.set\(org\.jetbrains\.kotlin\.gradle\.dsl\.JvmTarget\.JVM_17\)", code)
    assert "sourceCompatibility = JavaVersion.VERSION_17" in code
    assert "targetCompatibility = JavaVersion.VERSION_17" in code


def test_the_standalone_build_uses_agp_9_without_a_kotlin_plugin():
    code = _code(SETTINGS)
    version = re.search(r'id\("com\.android\.library"\) version "(\d+)\.', code)
    assert version and int(version.group(1)) >= 9
    assert "kotlin" not in code


def test_onnxruntime_android_is_the_onnxruntime_that_writes_the_models():
    """The module asks for the onnxruntime-android that wrote and verified its .ort files (an .ort
    file is read by an onnxruntime at least as new as the one that wrote it; pinned outputs,
    OrtSession.run(inputs, pinnedOutputs), need 1.16), named literally: no property decides it."""
    found = re.findall(r'api\("com\.microsoft\.onnxruntime:onnxruntime-android:([^"]+)"\)', _code(BUILD))
    assert found == [onnxruntime.__version__]
    assert tuple(int(x) for x in found[0].split(".")[:2]) >= (1, 16)
    assert "findProperty" not in _code(BUILD)


def test_a_convert_module_differs_from_the_face_module_in_its_namespace_only():
    """The one home of the Gradle file is this one; a convert bundle's copy is it with the
    namespace of its own package (kotlin.repackage), nothing else changed."""
    moved = kotlin.repackage("build.gradle.kts", BUILD, "dev.packager.facelandmark")
    assert re.findall(r'namespace = "([^"]+)"', moved) == ["dev.packager.facelandmark"]
    assert moved.replace('"dev.packager.facelandmark"', f'"{kotlin.PACKAGE}"') == BUILD
    assert re.findall(r'namespace = "([^"]+)"', BUILD) == [kotlin.PACKAGE]


def test_the_readme_states_the_versions_and_that_gradle_is_not_run_here():
    section = README.split("## Versions", 1)[1].split("\n## ", 1)[0]
    for words in ("AGP 8.6", "AGP 9", "Gradle 9.1", "Kotlin Gradle plugin 2.0", "built-in Kotlin",
                  "android.builtInKotlin=false", "not run in CI"):
        assert words in section, words


SAMPLE = ROOT / "sample"


def test_the_sample_app_is_an_application_on_the_face_module():
    """sample/ is an app module of its own: the application plugin (the Kotlin plugin as in the
    library, for AGP 8 and 9), the face module as ":face", the CameraX and Activity libraries its
    code imports; built alone, its settings include the module one folder up."""
    build = _code((SAMPLE / "build.gradle.kts").read_text())
    plugins = re.search(r"plugins\s*\{(.*?)\}", build, re.S).group(1)
    assert re.findall(r'id\("([^"]+)"\)', plugins) == ["com.android.application"]
    assert 'if (extensions.findByName("kotlin") == null) {' in build
    assert 'implementation(project(":face"))' in build
    deps = set(re.findall(r'implementation\("([^:"]+:[^:"]+):[^"]+"\)', build))
    assert deps == {"androidx.activity:activity", "androidx.camera:camera-camera2", "androidx.camera:camera-lifecycle"}
    assert re.search(r'namespace = "dev\.packager\.face\.sample"', build) and "minSdk = 24" in build
    settings = _code((SAMPLE / "settings.gradle.kts").read_text())
    assert 'include(":face")' in settings and 'project(":face").projectDir = file("..")' in settings
    assert re.search(r'id\("com\.android\.application"\) version "9\.', settings)
    assert "android.useAndroidX=true" in (SAMPLE / "gradle.properties").read_text()


def test_the_sample_manifest_asks_for_the_camera_and_launches_the_activity():
    import xml.etree.ElementTree as ET

    android = "{http://schemas.android.com/apk/res/android}"
    root = ET.parse(SAMPLE / "src/main/AndroidManifest.xml").getroot()
    assert [p.get(android + "name") for p in root.iter("uses-permission")] == ["android.permission.CAMERA"]
    (activity,) = root.iter("activity")
    assert activity.get(android + "name") == ".MainActivity" and activity.get(android + "exported") == "true"
    assert [a.get(android + "name") for a in activity.iter("action")] == ["android.intent.action.MAIN"]
    assert [c.get(android + "name") for c in activity.iter("category")] == ["android.intent.category.LAUNCHER"]
    main = (SAMPLE / "src/main/kotlin/dev/packager/face/sample/MainActivity.kt").read_text()
    assert "package dev.packager.face.sample\n" in main and "class MainActivity : ComponentActivity()" in main
    assert "ImageAnalysis.Analyzer" in main and "FaceEmotionPipeline.fromAssets(" in main


def test_the_sample_ships_with_the_face_module():
    """The sample's files are runtime files of the Kotlin module (copied into the bundle under
    sample/), never part of the library's sources or of the core's JVM compile."""
    rendered = codegen.render("kotlin")
    sample = {p for p in rendered if kotlin.is_sample(p)}
    assert sample == {rel[len("android/"):] for rel in kotlin.SAMPLE_APP}
    assert all((ROOT / p).read_text() == rendered[p] for p in sample)
    assert not any(kotlin.is_core(p) for p in sample)
