"""Kotlin settings for ``packager.codegen``: the runtime library's files, where each file goes in
the Android library module (``android_wrapper/``), and how numbers and strings are written.

Layout of the module (what ``codegen.write("kotlin", root)`` produces under ``root``)::

    build.gradle.kts, consumer-rules.pro      Gradle Kotlin DSL library module
    src/main/AndroidManifest.xml
    src/main/kotlin/dev/packager/face/*.kt    the pure Kotlin core + the Android-only files;
                                              Recipes.kt is generated, the rest is RUNTIME
    sample/                                   the sample app (SAMPLE_APP), a Gradle project of its own

Models are not part of the render: ``packager build`` writes this module as its Android bundle
and the models into the module's ``ASSETS_DIR``, merged into the app's assets, where the pipeline
loads ``MODEL_FILES`` from (``packager.layout``).

The core compiles on a plain JVM (the parity harness); ``ANDROID_ONLY`` files need the Android
SDK and onnxruntime-android and are left out of that compile.
"""

from __future__ import annotations

import json
import re

from packager import layout
from packager.codegen import LanguageSettings, RuntimePin, camel, register, shortest
from packager.errors import PackagerError

#: Kotlin package and Gradle namespace of the face module (``packager build``), and its source
#: folder in the module. A ``packager convert`` module has its own (``runner_package``).
PACKAGE = "dev.packager.face"
SOURCE_DIR = "src/main/kotlin/" + PACKAGE.replace(".", "/")

#: Android assets folder of the module (the bundle's models folder); FaceEmotionPipeline.fromAssets
#: loads MODEL_FILES from the app's merged assets.
ASSETS_DIR = layout.TARGETS["android"].models
MODEL_FILES = layout.model_files()

#: Files that import android.*, androidx.* or ai.onnxruntime.* (not compiled by the JVM harness;
#: ``tests/kotlin/test_kotlin_android.py`` compiles them against ``android_wrapper/standins/``).
ANDROID_ONLY = ("FaceEmotionPipeline.kt", "FaceVideoPipeline.kt", "FrameAdapters.kt", "ImageAdapters.kt",
                "ModelSession.kt", "Providers.kt")

#: The face bundle's sample app (``android/sample/``, one home: ``android_wrapper/sample/``): a
#: minimal CameraX Activity on the pipeline, written at ``sample/`` in the module folder (a Gradle
#: project of its own, outside the library's sources). Compiled in CI against the module's classes
#: and the stand-ins, never with the core.
SAMPLE_APP = (
    "android/sample/build.gradle.kts", "android/sample/gradle.properties", "android/sample/settings.gradle.kts",
    "android/sample/src/main/AndroidManifest.xml",
    "android/sample/src/main/kotlin/dev/packager/face/sample/MainActivity.kt",
)
SAMPLE_DIR = "sample"

#: The runtime library, relative to ``codegen.RUNTIME``: ``kotlin/`` is the module's source
#: folder, ``android/`` its Gradle and manifest files.
RUNTIME = (
    "android/AndroidManifest.xml", "android/build.gradle.kts", "android/consumer-rules.pro",
    *(f"kotlin/{name}.kt" for name in ("Antialias", "Bilinear", "BilinearYuv", "CameraFrame", "Config", "Detection",
                                       "Errors", "FaceDetectionWrapper",
                                       "FaceEmotionPipeline", "FaceEmotionRecognitionWrapper", "FaceEmotionSteps",
                                       "FaceVideoPipeline", "FrameAdapters", "ImageAdapters", "ModelSession", "Npy",
                                       "PackedBilinear", "Providers", "Resample", "SampleWriter", "SelfCheck", "TensorSpec",
                                       "Tracking", "Types")),
    *SAMPLE_APP,
)

#: The generic runtime pieces a one-model runner (``packager convert``) needs: the module's Gradle
#: and manifest files, the session, its tensors, .npy samples, the self-check's measure and result,
#: the exceptions.
RUNNER_RUNTIME = (
    "android/AndroidManifest.xml", "android/build.gradle.kts", "android/consumer-rules.pro",
    *(f"kotlin/{name}.kt" for name in ("Errors", "ModelSession", "Npy", "Providers", "SelfCheck", "TensorSpec")),
)

_PLACES = {"AndroidManifest.xml": "src/main/AndroidManifest.xml"}

#: Java and Kotlin (hard) keywords: not valid as a package name part (the Gradle namespace is also
#: the package of the module's generated R class, Java code).
_RESERVED = frozenset("""
    abstract assert boolean break byte case catch char class const continue default do double else enum extends
    false final finally float for goto if implements import instanceof int interface long native new null package
    private protected public return short static strictfp super switch synchronized this throw throws transient
    true try void volatile while as fun in is object typealias typeof val var when""".split())


def runner_package(module: str) -> str:
    """Kotlin package and Gradle namespace of a ``packager convert`` module: ``dev.packager.`` and
    the module name in lowercase letters and digits (``FaceLandmark`` → ``dev.packager.facelandmark``),
    so that the face module and any number of convert modules compile into one app without
    duplicate classes. A name that is a Java or Kotlin keyword, or the face module's own
    (``face``), gets ``model`` appended (``Face`` → ``dev.packager.facemodel``)."""
    part = re.sub(r"[^a-z0-9]", "", module.lower())
    if not part or not part[0].isalpha():
        raise PackagerError(f"module name {module!r} gives no Kotlin package name")
    if part in _RESERVED or f"dev.packager.{part}" == PACKAGE:
        part += "model"
    return f"dev.packager.{part}"


def package_dir(package: str) -> str:
    """Source folder of a Kotlin package in the module: ``src/main/kotlin/dev/packager/face``."""
    return "src/main/kotlin/" + package.replace(".", "/")


def repackage(name: str, text: str, package: str) -> str:
    """A runtime file moved into ``package``: a ``.kt`` file's ``package`` line, the Gradle file's
    ``namespace``; nothing else changes (other files are returned as they are). Each runtime file
    declares the face package exactly once, or this is an error (a runtime file that no longer
    fits the rule)."""
    if name.endswith(".kt"):
        pattern, replacement = rf"^package {re.escape(PACKAGE)}$", f"package {package}"
    elif name == "build.gradle.kts":
        pattern, replacement = rf'^(\s*namespace = )"{re.escape(PACKAGE)}"$', rf'\g<1>"{package}"'
    else:
        return text
    moved, count = re.subn(pattern, replacement, text, flags=re.M)
    if count != 1:
        raise PackagerError(f"the Kotlin runtime file {name} declares {PACKAGE} {count} times, not once; reinstall packager")
    return moved


def runner_path(module: str, name: str) -> str:
    """Path of a file in a ``packager convert`` module: a ``.kt`` file in its package's folder
    (``runner_package``), the Gradle and manifest files where ``output_path`` puts them."""
    if name.endswith(".kt"):
        return f"{package_dir(runner_package(module))}/{name}"
    return output_path(name)


#: ONNX Runtime's Android package, as ``build.gradle.kts`` names it: ``ONNXRUNTIME.package:1.24.2``,
#: or a default value (``${findProperty("onnxruntimeVersion") ?: "1.24.2"}``).
ONNXRUNTIME = RuntimePin(
    package="com.microsoft.onnxruntime:onnxruntime-android", file="build.gradle.kts",
    version=r'com\.microsoft\.onnxruntime:onnxruntime-android:(?:\$\{findProperty\("onnxruntimeVersion"\) \?: ")?'
            r'([0-9][^"}$]*)"')


def output_path(name: str) -> str:
    """File name (a template's without ``.j2``, or a runtime file's) → path in the module:
    ``X.kt`` → ``SOURCE_DIR/X.kt``, the manifest under ``src/main``, everything else (Gradle
    files) at the module root."""
    if name.endswith(".kt"):
        return f"{SOURCE_DIR}/{name}"
    return _PLACES.get(name, name)


def runtime_path(rel: str) -> str:
    """A runtime file (relative to ``codegen.RUNTIME``) → its path in the module: the sample app's
    files keep their place under ``sample/``, the others go where ``output_path`` puts their name."""
    if rel.startswith("android/sample/"):
        return rel[len("android/"):]
    return output_path(rel.rsplit("/", 1)[-1])


def double(x: float) -> str:
    """Shortest round-tripping Double literal (``0.5``, ``1e-05``, ``128.0``)."""
    return shortest(x)


def float_literal(x: float) -> str:
    """Float literal: the shortest double text with an ``f`` suffix (Kotlin rounds it)."""
    return shortest(x) + "f"


def string(s: str) -> str:
    """Kotlin string literal: JSON escapes are valid Kotlin escapes; ``$`` must be escaped too."""
    return json.dumps(s, ensure_ascii=False).replace("$", "\\$")


register(  # registers the language (codegen.language("kotlin")); nothing reads the result
    LanguageSettings(
        name="kotlin",
        output_path=output_path,
        double=double,
        float=float_literal,
        string=string,
        ident=camel,
        runtime=RUNTIME,
        runtime_path=runtime_path,
        runner_runtime=RUNNER_RUNTIME,
        runner_path=runner_path,
        runner_package=runner_package,
        repackage=repackage,
        onnxruntime=ONNXRUNTIME,
    )
)


def is_core(path: str) -> bool:
    """True for a Kotlin file of the pure core layer (no platform imports; compiled on the JVM)."""
    name = path.rsplit("/", 1)[-1]
    return path.endswith(".kt") and name not in ANDROID_ONLY and not is_sample(path)


def is_sample(path: str) -> bool:
    """True for a file of the sample app (``SAMPLE_DIR``), not of the library module."""
    return path.startswith(SAMPLE_DIR + "/")
