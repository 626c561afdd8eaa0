"""The Android module's Gradle files follow the rules that let one build file work under AGP 8.x
and AGP 9 (Gradle cannot run here: no Android SDK, no Google Maven; these tests read the files
for the rules the module relies on, and android_wrapper/README.md says so)."""

from __future__ import annotations

import re
from pathlib import Path

import onnxruntime

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
