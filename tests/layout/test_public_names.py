"""One API in two languages: the Kotlin runtime library (android_wrapper/) and the Swift one
(ios_wrapper/) have the same file names, type names, enum cases and public methods and
properties (STYLE.md 8, issue 28), up to the platform idioms listed below.

Each idiom is a rule for how one name is spelled in each language, or a name that exists on one
platform only because the platform does; every entry says why.  A difference no rule explains
fails the test, naming it: rename (and add the rename to the lead's sed list) or, for a true
platform difference, add a justified entry here.  The generated files (Recipes.kt /
Recipes.swift) are included: they are rendered from one recipe table.
"""

from __future__ import annotations

import re
from pathlib import Path

from apinames import declarations
from packager.codegen import kotlin as kotlin_settings
from packager.codegen import swift as swift_settings

ROOT = Path(__file__).resolve().parents[2]
KOTLIN = ROOT / "android_wrapper" / kotlin_settings.SOURCE_DIR
SWIFT = [ROOT / "ios_wrapper" / swift_settings.SOURCE_DIR,
         ROOT / "ios_wrapper" / swift_settings.source_dir(swift_settings.PIPELINE)]

#: Kotlin names a Swift initializer replaces: Swift constructs with a (throwing) `init`, Kotlin
#: with a constructor or, where the object is checked before it exists or read from Android
#: assets, a companion factory.  Swift's `init`s themselves are not compared (constructors).
FACTORIES = {"ModelSession.open", "FaceEmotionPipeline.fromAssets", "Npy.read"}

#: The string form and equality: Kotlin overrides toString/equals/hashCode, Swift conforms to
#: CustomStringConvertible (`description`) and Equatable.
STRING_FORMS = {"toString", "equals", "hashCode", "description"}

#: Collection size: Kotlin's standard library says `size`, Swift's `count`; a TensorSpec is
#: measured like a collection (its element count).
SIZE = {"TensorSpec.size": "TensorSpec.count"}

#: Types that belong to one platform, with what stands for them on the other.
PLATFORM_TYPES = {
    "kotlin": {
        # Android's execution providers: NNAPI is Android's (and XNNPACK ships in
        # onnxruntime-android); Swift's Provider has .cpu and .coreML instead.
        "Provider.Nnapi": "NNAPI exists on Android only",
        "Provider.Xnnpack": "XNNPACK ships in onnxruntime-android only",
        # A SAM interface so Java callers can pass a lambda that throws OrtException; Swift
        # takes a throwing closure (SessionSettings.configureSession).
        "SessionConfigurator": "Java-callable hook; Swift uses a closure type",
        # Kotlin has no enums with payloads: a camera frame's pixel layout is this enum plus the
        # factories argb/bgra/rgba/yuv; Swift's CameraFrame.Pixels carries the planes as
        # associated values.
        "FrameFormat": "Swift: CameraFrame.Pixels (an enum with associated values)",
    },
    "swift": {
        "CoreMLOptions": "Core ML exists on Apple platforms only (Provider.coreML's options)",
        "CoreMLOptions.ComputeUnits": "Core ML's own option",
        "CoreMLOptions.ModelFormat": "Core ML's own option",
        # Swift has no ARGB Int pixel arrays from a Bitmap: its images are RGBA8 bytes with a
        # size; Kotlin passes IntArray ARGB pixels (Bitmap.getPixels' format) with width and height.
        "RGBAImage": "Kotlin: IntArray ARGB pixels + width, height",
        "CameraFrame.Pixels": "Kotlin: FrameFormat + factories (no enum payloads)",
    },
}

#: Members that exist on one platform only, with why.
PLATFORM_MEMBERS = {
    "kotlin": {
        # Android's provider policy is by API level (NNAPI from Android 8.1, default 10-14,
        # deprecated from 15); iOS has no such ladder.
        "Provider.defaultFor": "Android API-level policy",
        "Provider.deviceDefault": "Android API-level policy",
        "Provider.unavailableReason": "Android API-level policy",
        "Provider.NNAPI_DEFAULT_FROM_SDK": "Android API level",
        "Provider.NNAPI_DEPRECATED_SDK": "Android API level",
        "Provider.Nnapi.MIN_SDK": "Android API level",
        "Provider.Nnapi.flags": "ONNX Runtime's NNAPI flags",
        # ONNX Runtime for Android reads tensors from direct FloatBuffers in place (no copy);
        # Swift's tensors are [Float] already, so no copy-out accessor is needed.
        "DetectionInput.tensorValues": "FloatBuffer tensor → FloatArray copy",
        "EmotionInput.tensorValues": "FloatBuffer tensor → FloatArray copy",
        # Kotlin's factories for the enum-without-payload (FrameFormat, above).
        "CameraFrame.argb": "FrameFormat factory", "CameraFrame.bgra": "FrameFormat factory",
        "CameraFrame.rgba": "FrameFormat factory", "CameraFrame.yuv": "FrameFormat factory",
        "CameraFrame.format": "FrameFormat of the frame (Swift: the Pixels case)",
        "CameraFrame.fullRange": "YUV range (Swift: in the .yuv case's payload)",
    },
    "swift": {
        # The Swift session reopens its model file for the self-check; the Android model is
        # bytes from the app's assets, which the caller passes to selfCheck.
        "ModelSession.model": "the model file's URL (Android: asset bytes)",
        "Provider.coreML": "Core ML exists on Apple platforms only (Kotlin: Provider.Nnapi, Xnnpack)",
        "CameraFrame.pixels": "the Pixels case (Kotlin: format + plane properties)",
        # An iOS app finds a shipped model file by URL in a bundle (the package's resources or
        # the app's); Android reads assets by name (FaceEmotionPipeline.fromAssets with
        # Precision.modelFile), which needs no lookup.
        "FaceEmotionPipeline.resourceURL": "bundle URL lookup (Android: asset names)",
        "FaceEmotionPipeline.resources": "the package's resource bundle (Android: the app's assets)",
    },
}

#: Extensions of platform types (image and camera adapters, ONNX Runtime's result): each side
#: adapts its own platform's types, so these receivers exist on one side only.
PLATFORM_RECEIVERS = {
    "kotlin": {"Bitmap", "Image", "ImageProxy", "OrtSession.Result"},
    "swift": {"CGImage", "UIImage"},
}

#: Kotlin's error type is an exception class hierarchy, Swift's an enum: Kotlin
#: `PackagerException` ↔ Swift `PackagerError` (each platform's suffix for error types), and
#: each Kotlin subclass `XxxException` ↔ Swift case `PackagerError.xxx`.
ERROR_TYPE = ("PackagerException", "PackagerError")


def _camel(name: str) -> str:
    """UPPER_SNAKE (Kotlin enum entries and constants) → lowerCamel (Swift's spelling)."""
    if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name) or len(name) == 1:
        return name
    head, *rest = name.lower().split("_")
    return head + "".join(w.capitalize() for w in rest)


def _sealed_to_cases(names: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Kotlin sealed-class objects/classes nested in a type that Swift makes an enum
    (``Provider.Cpu``) are Swift cases (``Provider.cpu``)."""
    out = set()
    for kind, name in names:
        if kind == "type" and name.count(".") == 1 and name.split(".")[0] == "Provider":
            owner, case = name.split(".")
            out.add(("case", f"{owner}.{case[0].lower()}{case[1:]}"))
        else:
            out.add((kind, name))
    return out


def normalize(names: set[tuple[str, str]], lang: str) -> set[tuple[str, str]]:
    """Both languages' names in one spelling, the idioms above applied."""
    out = set()
    if lang == "kotlin":
        names = _sealed_to_cases(names - {("type", n) for n in PLATFORM_TYPES["kotlin"]})
    else:
        names = names - {("type", n) for n in PLATFORM_TYPES["swift"]}
    for kind, name in names:
        owner, _, member = name.rpartition(".")
        if any(name == p or name.startswith(p + ".") for p in PLATFORM_TYPES[lang]):
            continue
        if owner and owner in PLATFORM_RECEIVERS[lang]:
            continue
        if name in PLATFORM_MEMBERS[lang] or member in STRING_FORMS or member == "init" or name in FACTORIES:
            continue
        if lang == "kotlin":
            if kind == "type" and name.endswith("Exception") and name != ERROR_TYPE[0]:
                base = name[:-len("Exception")]
                kind, name = "case", f"{ERROR_TYPE[1]}.{base[0].lower()}{base[1:]}"
            elif name == ERROR_TYPE[0]:
                name = ERROR_TYPE[1]
            elif kind == "property" and not owner and re.fullmatch(r"[A-Z][A-Z0-9_]+", name):
                # A generated top-level constant (Recipes.kt) is a static of Swift's Recipes.
                name = f"Recipes.{_camel(name)}"
            else:
                name = SIZE.get(name, f"{owner}.{_camel(member)}" if owner else _camel(member))
        out.add((kind, name))
    return out


def kotlin_names() -> set[tuple[str, str]]:
    return set().union(*(declarations(p.read_text(encoding="utf-8"), "kotlin") for p in sorted(KOTLIN.glob("*.kt"))))


def swift_names() -> set[tuple[str, str]]:
    return set().union(*(declarations(p.read_text(encoding="utf-8"), "swift")
                         for folder in SWIFT for p in sorted(folder.glob("*.swift"))))


#: Source files on one platform only: Swift's re-export of the core module into FaceEmotion
#: (`@_exported import`, Exports.swift) has no Kotlin counterpart (one Gradle module).
PLATFORM_FILES = {
    # PackedBilinear.kt and BilinearYuv.kt: Kotlin's 2 × 2 downscale loops of packed RGB and of YUV
    # planes, split from Bilinear.kt for HotSpot/ART (a method per model input or path, issue 24);
    # Swift's Bilinear.swift holds their counterparts.
    # SampleWriter.kt: the model input as the Kotlin resampler writes it (one pass), which Swift's
    # wrappers still do after resampling.
    "kotlin": {"PackedBilinear", "BilinearYuv", "SampleWriter"},
    # OnnxRuntimeSupport.swift: ModelSession's tensor memory (NSMutableData + ORTValue), NSError
    # wrapping and fallback log, split from ModelSession.swift by size; Kotlin's ModelSession.kt
    # holds its counterparts (pinned direct buffers, OrtException wrapping, android.util.Log).
    "swift": {"Exports", "OnnxRuntimeSupport"},
}


def test_same_file_names():
    kotlin = {p.stem for p in KOTLIN.glob("*.kt")} - PLATFORM_FILES["kotlin"]
    swift = {p.stem for folder in SWIFT for p in folder.glob("*.swift")} - PLATFORM_FILES["swift"]
    assert sorted(kotlin - swift) == [] and sorted(swift - kotlin) == [], (sorted(kotlin - swift), sorted(swift - kotlin))


def test_same_public_names():
    kotlin, swift = normalize(kotlin_names(), "kotlin"), normalize(swift_names(), "swift")
    only_kotlin, only_swift = sorted(kotlin - swift), sorted(swift - kotlin)
    assert (only_kotlin, only_swift) == ([], []), (
        f"Kotlin only: {only_kotlin}\nSwift only: {only_swift}\n"
        "rename one side (and add it to the renames list) or, for a platform difference, add a justified entry")


def test_the_idiom_tables_name_real_declarations():
    """No stale entry: every listed platform name is declared on its side."""
    declared = {"kotlin": {n for _, n in kotlin_names()}, "swift": {n for _, n in swift_names()}}
    for lang in ("kotlin", "swift"):
        listed = set(PLATFORM_TYPES[lang]) | set(PLATFORM_MEMBERS[lang])
        assert sorted(listed - declared[lang]) == [], lang
    assert FACTORIES <= declared["kotlin"]


def test_the_reader_sees_both_languages_declarations():
    """The name reader itself, on a small source per language: public members of types,
    constructor properties, enum entries, extensions; private and local names left out."""
    kotlin = declarations("""
        class A @JvmOverloads constructor(val x: Int, private val y: Int) {
            fun run(): Int { val local = 1; return local }
            private fun hidden() {}
            companion object { const val LIMIT: Int = 3 }
        }
        enum class Mode { FAST, SLOW_MODE }
        fun Bitmap.pixels(): IntArray = IntArray(0)
        internal class Hidden(val z: Int)
    """, "kotlin")
    assert kotlin == {("type", "A"), ("property", "A.x"), ("method", "A.run"), ("property", "A.LIMIT"),
                      ("type", "Mode"), ("case", "Mode.FAST"), ("case", "Mode.SLOW_MODE"), ("method", "Bitmap.pixels")}
    swift = declarations("""
        public struct A {
          public let x: Int
          let y: Int
          public init(x: Int) { self.x = x; let local = 2; y = local }
          public func run() -> Int { x }
        }
        public enum Mode { case fast, slowMode }
        public extension CGImage { func pixels() -> [UInt8] { [] } }
    """, "swift")
    assert ("property", "A.x") in swift and ("method", "A.run") in swift and ("case", "Mode.fast") in swift
    assert ("property", "A.y") not in swift and not any("local" in n for _, n in swift)
    assert normalize(kotlin, "kotlin") >= {("case", "Mode.fast"), ("case", "Mode.slowMode"), ("property", "A.limit")}
