"""Kotlin settings for ``packager.codegen``: the runtime library's files, where each file goes in
the Android library module (``android_wrapper/``), and how numbers and strings are written.

Layout of the module (what ``codegen.write("kotlin", root)`` produces under ``root``)::

    build.gradle.kts, consumer-rules.pro      Gradle Kotlin DSL library module
    src/main/AndroidManifest.xml
    src/main/kotlin/dev/packager/face/*.kt    the pure Kotlin core + two Android-only files;
                                              Recipes.kt is generated, the rest is RUNTIME

Models are not part of the render: ``packager build`` writes this module as its Android bundle
and the models into the module's ``ASSETS_DIR``, merged into the app's assets, where the pipeline
loads ``MODEL_FILES`` from (``packager.layout``).

The core compiles on a plain JVM (the parity harness); ``ANDROID_ONLY`` files need the Android
SDK and onnxruntime-android and are left out of that compile.
"""

from __future__ import annotations

import json

from packager import layout
from packager.codegen import LanguageSettings, camel, register, shortest

#: Kotlin package of the generated code, and its source folder in the module.
PACKAGE = "dev.packager.face"
SOURCE_DIR = "src/main/kotlin/" + PACKAGE.replace(".", "/")

#: Android assets folder of the module (the bundle's models folder); FaceEmotionPipeline.fromAssets
#: loads MODEL_FILES from the app's merged assets.
ASSETS_DIR = layout.TARGETS["android"].models
MODEL_FILES = layout.model_files()

#: Files that import android.*, androidx.* or ai.onnxruntime.* (not compiled by the JVM harness;
#: ``tests/kotlin/test_kotlin_android.py`` compiles them against ``android_wrapper/standins/``).
ANDROID_ONLY = ("BitmapExtensions.kt", "CameraExtensions.kt", "FaceEmotionPipeline.kt", "FaceVideoPipeline.kt",
                "ModelSession.kt")

#: The runtime library, relative to ``codegen.RUNTIME``: ``kotlin/`` is the module's source
#: folder, ``android/`` its Gradle and manifest files.
RUNTIME = (
    "android/AndroidManifest.xml", "android/build.gradle.kts", "android/consumer-rules.pro",
    *(f"kotlin/{name}.kt" for name in ("BitmapExtensions", "CameraExtensions", "CameraFrame", "Config", "Decode",
                                       "Errors", "FaceDetectionWrapper", "FaceEmotionPipeline",
                                       "FaceEmotionRecognitionWrapper", "FaceEmotionSteps", "FaceVideoPipeline",
                                       "ModelSession", "Npy", "Resample", "SelfCheck", "TensorSpec", "Tracking",
                                       "Types")),
)

#: The generic runtime pieces a one-model runner (``packager convert``) needs: the module's Gradle
#: and manifest files, the session, its tensors, .npy samples, the self-check's measure and result,
#: the exceptions.
RUNNER_RUNTIME = (
    "android/AndroidManifest.xml", "android/build.gradle.kts", "android/consumer-rules.pro",
    *(f"kotlin/{name}.kt" for name in ("Errors", "ModelSession", "Npy", "SelfCheck", "TensorSpec")),
)

_PLACES = {"AndroidManifest.xml": "src/main/AndroidManifest.xml"}


def output_path(name: str) -> str:
    """File name (a template's without ``.j2``, or a runtime file's) → path in the module:
    ``X.kt`` → ``SOURCE_DIR/X.kt``, the manifest under ``src/main``, everything else (Gradle
    files) at the module root."""
    if name.endswith(".kt"):
        return f"{SOURCE_DIR}/{name}"
    return _PLACES.get(name, name)


def double(x: float) -> str:
    """Shortest round-tripping Double literal (``0.5``, ``1e-05``, ``128.0``)."""
    return shortest(x)


def float_literal(x: float) -> str:
    """Float literal: the shortest double text with an ``f`` suffix (Kotlin rounds it)."""
    return shortest(x) + "f"


def string(s: str) -> str:
    """Kotlin string literal: JSON escapes are valid Kotlin escapes; ``$`` must be escaped too."""
    return json.dumps(s, ensure_ascii=False).replace("$", "\\$")


SETTINGS = register(
    LanguageSettings(
        name="kotlin",
        output_path=output_path,
        double=double,
        float=float_literal,
        string=string,
        ident=camel,
        runtime=RUNTIME,
        runner_runtime=RUNNER_RUNTIME,
        runner_path=lambda module, name: output_path(name),
    )
)


def is_core(path: str) -> bool:
    """True for a Kotlin file of the pure core layer (no platform imports; compiled on the JVM)."""
    name = path.rsplit("/", 1)[-1]
    return path.endswith(".kt") and name not in ANDROID_ONLY
