"""The Swift wrapper: golden files, the runtime library, constants from the recipes, literals,
a render for other recipes that still compiles and lints clean, and the code that compiles away
on Linux (platform adapters, ONNX Runtime glue, every Swift block of ios_wrapper/README.md)
type-checked in Swift 6 mode against stand-ins of the SDK APIs.

The golden files are the generated sources committed in ios_wrapper/Sources/FaceEmotion
(Recipes.swift): one copy serves as both the golden set and the package an app adds, and the
test proves it equals a fresh render (``PACKAGER_UPDATE_GOLDEN=1`` rewrites it; a failure shows
a unified diff).  The folder's other sources are the runtime library itself."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

from packager import codegen, recipes
from packager.codegen import swift as swift_settings
from packager.parity import swift

from swift_golden import UPDATE_FLAG, check_tree, updating, write_tree



def _flat(rendered: dict[str, str]) -> dict[str, str]:
    """Golden files are stored by file name (all Swift outputs share one folder)."""
    return {Path(rel).name: text for rel, text in rendered.items()}


def test_golden_files_in_the_committed_package():
    """The generated files equal a fresh render; every other source is a listed runtime file."""
    rendered = _flat(codegen.render_templates("swift"))
    runtime = frozenset(_flat(codegen.runtime_files("swift")))
    target = swift.PACKAGE / swift_settings.SOURCE_DIR
    if updating():
        write_tree(target, rendered, keep=runtime)
    hint = (f"regenerate: {UPDATE_FLAG}=1 python -m pytest tests/swift, or "
            "python -c \"from packager import codegen; codegen.write('swift', 'ios_wrapper')\"")
    problems = check_tree(target, rendered, hint, keep=runtime)
    assert not problems, "\n".join(problems)


def test_runtime_library_is_the_committed_package():
    """The runtime files the package copies are the Swift package's own sources, byte for byte."""
    files = codegen.runtime_files("swift")
    assert len(files) == len(swift_settings.RUNTIME)
    for rel, text in files.items():
        assert (swift.PACKAGE / rel).read_bytes() == text.encode(), rel


def test_every_template_and_runtime_file_lands_in_the_library_target():
    """Every source in the library target; the package manifest at the package root."""
    templates = sorted(p.name[: -len(".j2")] for p in (codegen.TEMPLATES / "swift").glob("*.j2") if not p.name.startswith("_"))
    assert templates == ["Recipes.swift"]
    runtime = [Path(rel).name for rel in swift_settings.RUNTIME]
    assert sorted(_flat(codegen.render("swift"))) == sorted(templates + runtime)
    sources = [rel for rel in codegen.render("swift") if rel != swift_settings.MANIFEST]
    assert all(rel.startswith(swift_settings.SOURCE_DIR + "/") for rel in sources)
    assert [rel for rel in codegen.render("swift") if not swift_settings.is_source(rel)] == ["Package.swift"]
    assert {"FaceDetectionWrapper.swift", "FaceEmotionRecognitionWrapper.swift", "FaceEmotionPipeline.swift"} <= set(runtime)


def _variant_recipes():
    """Recipes unlike the packaged ones: other constants, RGB/BGR, nearest, a reserved-word
    name, labels needing escapes."""
    det = dataclasses.replace(recipes.BLAZEFACE_SHORT_RANGE, name="blazeface-variant", min_score=0.625, iou_threshold=0.4375, fill=7.5)
    rgb = dataclasses.replace(
        recipes.FER_MINIXCEPTION, name="default", color="RGB", input_shape=(1, 48, 48, 3), resize="nearest",
        mean=(1.25, 2.5, 3.75), scale=(0.5, 0.25, 0.125), labels=('say "cheese"', "back\\slash"), crop_scale=1.375,
    )
    return det, (rgb, recipes.EMO_AFFECTNET)


def test_model_constants_come_from_the_recipe():
    det, emos = _variant_recipes()
    text = codegen.render("swift", detectors=(det,), emotions=emos, default_emotion="default", default_detector=det.name)[f"{swift_settings.SOURCE_DIR}/Recipes.swift"]
    for literal in ("minScore: 0.625", "iouThreshold: 0.4375", "fill: 7.5", "mean: [1.25, 2.5, 3.75]",
                    "scale: [0.5, 0.25, 0.125]", "cropScale: 1.375", "inputShape: [1, 48, 48, 3]", "resize: .nearest",
                    "color: .rgb", r'"say \"cheese\""', r'"back\\slash"', "static let `default` = EmotionConfig(",
                    "public static let defaultEmotion = `default`", "static let blazefaceVariant = DetectorConfig("):
        assert literal in text
    assert "ferMinixception" not in text and "minScore: 0.5," not in text


@pytest.mark.parametrize("value, literal", [(0.5, "0.5"), (1e-05, "1e-05"), (1 / 127.5, "0.00784313725490196"), (-1.0, "-1.0"), (128.0, "128.0")])
def test_double_literals_round_trip(value, literal):
    assert swift_settings.double(value) == literal
    assert float(literal) == value


def test_string_and_identifier_literals():
    assert swift_settings.string('a"b\\c\nd\x01') == '"a\\"b\\\\c\\nd\\u{1}"'
    assert swift_settings.ident("fer-minixception") == "ferMinixception"
    assert swift_settings.ident("default") == "`default`"
    with pytest.raises(ValueError):
        swift_settings.ident("1-bad")


def test_a_render_for_other_recipes_compiles_and_lints_clean(tmp_path):
    det, emos = _variant_recipes()
    written = codegen.write("swift", tmp_path, detectors=(det,), emotions=emos, default_emotion="default", default_detector=det.name)
    files = [p for p in written if swift_settings.is_source(p.relative_to(tmp_path).as_posix())]
    swiftc = str(Path(swift.swift()).with_name("swiftc"))
    proc = subprocess.run([swiftc, "-typecheck", "-swift-version", "6", "-module-name", "FaceEmotion", *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    lint = subprocess.run([swift.swift(), "format", "lint", "--strict", "--configuration", str(swift.PACKAGE / ".swift-format"), *map(str, files)],
                          capture_output=True, text=True, timeout=600)
    assert lint.returncode == 0 and not lint.stderr.strip(), lint.stderr[-4000:]


#: Uses every platform entry point of the generated code.
PLATFORM_USE = """\
import Foundation
import UIKit

func useAll(_ url: URL, _ cg: CGImage, _ ui: UIImage, _ face: Face) throws -> [FaceResult] {
  let coreML = CoreMLOptions(
    computeUnits: .cpuAndNeuralEngine, modelFormat: .neuralNetwork, modelCacheDirectory: nil,
    staticInputShapes: false)
  var options = PipelineOptions(
    scoreThreshold: 0.6, iouThreshold: 0.4, maxFaces: 3,
    session: SessionSettings(
      provider: .coreML(coreML), cpuFallback: false, intraOpThreads: 2,
      configureSession: { try $0.setGraphOptimizationLevel(.all) }))
  options.session.provider = .cpu
  let p = try FaceEmotionPipeline(detectorModel: url, emotionModel: url, options: options)
  _ = try FaceEmotionPipeline(bundle: nil)
  let results: [SelfCheckResult] = try p.selfCheck()
  _ = results.allSatisfy(\.passed)
  let providers: [String: String] = p.providersInUse
  _ = (providers, p.detector.fallbackReason, p.classifier.providerInUse)
  let session = try ModelSession(
    model: url, inputs: [TensorSpec(name: "x", shape: [1, 4])],
    outputs: [TensorSpec(name: "y", shape: [1, 2])])
  let out: [String: [Float]] = try session.run(["x": [0, 1, 2, 3]])
  _ = (out, try session.selfCheck(samplesIn: url, tolerance: 1e-3))
  session.close()
  p.close()
  _ = try FaceDetectionWrapper().preprocess(cg)
  _ = try FaceDetectionWrapper().preprocess(ui)
  _ = try FaceEmotionRecognitionWrapper().preprocess(cg, face)
  _ = try FaceEmotionRecognitionWrapper().preprocess(ui, face)
  _ = try p.run(ui)
  return try p.run(cg)
}

func sendable<T: Sendable>(_: T.Type) {}

func sharedAcrossTasks(_ p: FaceEmotionPipeline, _ frame: CVPixelBuffer) async throws {
  sendable(FaceEmotionPipeline.self)
  sendable(ModelSession.self)
  sendable(PipelineOptions.self)
  let cpu = try await Task.detached {
    try FaceEmotionPipeline(options: PipelineOptions(session: SessionSettings(provider: .cpu)))
  }.value
  async let a = Task.detached { try p.selfCheck() }.value
  async let b = Task.detached { try cpu.selfCheck() }.value
  _ = try await (a, b)
}

func useFrames(
  _ p: FaceEmotionPipeline, _ sample: CMSampleBuffer, _ buffer: CVPixelBuffer, _ cg: CGImage,
  _ face: Face
) throws -> [FaceResult] {
  _ = try FaceDetectionWrapper().preprocess(buffer, orientation: .right)
  _ = try FaceEmotionRecognitionWrapper().preprocess(buffer, orientation: .leftMirrored, face)
  _ = try FaceDetectionWrapper().preprocess(cg, orientation: .down)
  _ = try FaceEmotionRecognitionWrapper().preprocess(cg, orientation: .down, face)
  _ = try FaceEmotionSteps().run(
    buffer, runDetector: { _ in DetectorOutputs(regressors: [], classificators: []) },
    runEmotion: { _ in [] })
  _ = try CameraFrame.withSampleBuffer(sample, orientation: .right) { $0.uprightWidth }
  _ = try p.run(buffer, orientation: .up)
  return try p.run(sample, orientation: .right)
}
"""

#: Stand-in modules (fixtures/<name>.swift), in dependency order; fixtures/SwiftUI.swift serves
#: the README's sample app only.
STAND_INS = ("CoreGraphics", "UIKit", "CoreVideo", "CoreMedia", "ImageIO", "AVFoundation", "os")


def readme_swift_blocks() -> list[str]:
    """Every ```swift block of ios_wrapper/README.md."""
    text = (swift.PACKAGE / "README.md").read_text()
    return re.findall(r"```swift\n(.*?)```", text, flags=re.S)


#: What the README's statement snippets may refer to without declaring it.
SNIPPET_PARAMETERS = ("cgImage: CGImage, pixelBuffer: CVPixelBuffer, pipeline: FaceEmotionPipeline, "
                      "regressors: [Float], classificators: [Float], output: [Float]")


def readme_sources() -> dict[str, str]:
    """The README's Swift as files of the module FaceEmotion: blocks that declare types (the
    sample app) as they are, statement snippets inside a function each, `import FaceEmotion`
    dropped (they are type-checked inside that module); the manifest block is left to
    test_swift_package.py."""
    files = {}
    for i, block in enumerate(readme_swift_blocks()):
        if block.startswith("// swift-tools-version"):
            continue
        code = block.replace("import FaceEmotion\n", "")
        if re.search(r"^(final class|struct|class) ", code, flags=re.M):
            files[f"ReadmeApp{i}.swift"] = code
        else:
            imports = "".join(line + "\n" for line in code.splitlines() if line.startswith("import "))
            body = "".join(line + "\n" for line in code.splitlines() if not line.startswith("import "))
            files[f"ReadmeSnippet{i}.swift"] = (f"import AVFoundation\nimport UIKit\n{imports}\n"
                                                f"func readmeSnippet{i}({SNIPPET_PARAMETERS}) throws {{\n{body}}}\n")
    return files


def _stand_in_modules(tmp_path: Path, names) -> Path:
    """Compile fixtures/<name>.swift into modules (ORT's under the given module name)."""
    swiftc = str(Path(swift.swift()).with_name("swiftc"))
    fixtures = Path(__file__).parent / "fixtures"
    mod = tmp_path / "modules"
    mod.mkdir()
    for name in names:
        src = "onnxruntime_objc" if name in ORT_MODULES else name
        subprocess.run([swiftc, "-emit-module", "-parse-as-library", "-module-name", name, "-I", str(mod),
                        str(fixtures / f"{src}.swift"), "-emit-module-path", str(mod / f"{name}.swiftmodule")],
                       check=True, capture_output=True, timeout=600)
    return mod


#: ONNX Runtime's Objective-C API: module OnnxRuntimeBindings (the Swift package, product
#: onnxruntime), onnxruntime_objc (the onnxruntime-objc pod).
ORT_MODULES = ("OnnxRuntimeBindings", "onnxruntime_objc")


def _typecheck(tmp_path: Path, mod: Path, *extra: str, flags=(), warnings_as_errors=True) -> subprocess.CompletedProcess:
    swiftc = str(Path(swift.swift()).with_name("swiftc"))
    # the library's sources (not a package manifest, should codegen write one)
    files = [p for p in codegen.write("swift", tmp_path / "src") if swift_settings.is_source(p.relative_to(tmp_path / "src").as_posix())]
    strict = ["-warnings-as-errors"] if warnings_as_errors else []
    return subprocess.run([swiftc, "-typecheck", *strict, "-swift-version", "6", "-I", str(mod), *flags,
                           "-module-name", "FaceEmotion", *map(str, files), *extra],
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("ort_module, unified_log", [("OnnxRuntimeBindings", True), ("onnxruntime_objc", True),
                                                     ("OnnxRuntimeBindings", False)])
def test_platform_code_typechecks_against_the_sdk_apis(tmp_path, ort_module, unified_log):
    """The code that compiles away on Linux — CGImage/UIImage adapters, the camera-frame
    adapters (CVPixelBuffer, CMSampleBuffer, CGImagePropertyOrientation), the ONNX Runtime
    glue (module OnnxRuntimeBindings from the Swift package, with the package's trait
    ONNXRuntime; onnxruntime_objc from the pod, sources copied into an app), with and without
    the unified log (os.Logger) — and a use of every entry point type-check without warnings in Swift 6 mode against compile-only stand-ins of those APIs
    (fixtures/*.swift, the SDKs' Swift signatures; test-only, never in the package or a
    bundle)."""
    names = [m for m in STAND_INS if unified_log or m != "os"] + [ort_module]
    mod = _stand_in_modules(tmp_path, names)
    use = tmp_path / "UsesPlatform.swift"
    use.write_text(PLATFORM_USE.replace("import UIKit", "import AVFoundation\nimport UIKit"))
    flags = ("-D", "ONNXRuntime") if ort_module == "OnnxRuntimeBindings" else ()
    proc = _typecheck(tmp_path, mod, str(use), flags=flags)
    assert proc.returncode == 0, proc.stderr[-4000:]


def test_readme_code_typechecks_in_swift_6_mode(tmp_path):
    """Every Swift block of ios_wrapper/README.md — the SwiftUI + AVFoundation camera app
    (a checked-Sendable capture delegate holding the pipeline, the pipeline opened in a detached
    task and handed to the main actor), the options, the self-check, the step-by-step use —
    type-checks in Swift 6 mode against the stand-ins, the app itself without a warning."""
    mod = _stand_in_modules(tmp_path, [*STAND_INS, "SwiftUI", "OnnxRuntimeBindings"])
    sources = readme_sources()
    assert len([f for f in sources if f.startswith("ReadmeApp")]) == 2, sorted(sources)
    assert "AVCaptureVideoDataOutputSampleBufferDelegate, Sendable" in "".join(sources.values())
    paths = []
    for name, code in sources.items():
        (tmp_path / name).write_text(code)
        paths.append(str(tmp_path / name))
    proc = _typecheck(tmp_path, mod, *paths, flags=("-D", "ONNXRuntime"), warnings_as_errors=False)
    assert proc.returncode == 0, proc.stderr[-6000:]
    app_warnings = [line for line in proc.stderr.splitlines() if "ReadmeApp" in line and "warning:" in line]
    assert not app_warnings, "\n".join(app_warnings)


def test_the_trait_without_onnx_runtime_is_a_compile_error(tmp_path):
    """With the trait ONNXRuntime on and no ONNX Runtime module, the glue does not compile
    away: it stops the build with one #error naming the missing module."""
    mod = _stand_in_modules(tmp_path, ["os"])
    proc = _typecheck(tmp_path, mod, flags=("-D", "ONNXRuntime"))
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert errors and all("ONNX Runtime cannot be imported" in line for line in errors), proc.stderr[-4000:]
