"""The Swift wrapper: golden files, the runtime library, constants from the recipes, literals,
a render for other recipes that still compiles and lints clean, and the code that compiles away
on Linux (platform adapters, ONNX Runtime glue), every Swift block of ios_wrapper/README.md and the
sample app, compiled as an app compiles them: the two packages' modules (FaceEmotionCore, then
FaceEmotion on ONNX Runtime) against stand-ins of the SDK APIs, then the app's code as a module of
its own that imports FaceEmotion, in Swift 6 mode, with and without `-default-isolation MainActor`.

The golden files are the generated sources committed in ios_wrapper/FaceEmotionCore/Sources/
FaceEmotionCore (Recipes.swift): one copy serves as both the golden set and the package an app adds,
and the test proves it equals a fresh render (``PACKAGER_UPDATE_GOLDEN=1`` rewrites it; a failure
shows a unified diff).  The folder's other sources are the runtime library itself."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest

import swiftbuild
from packager import codegen, recipes
from packager.codegen import swift as swift_settings
from packager.parity import swift_harness

from golden import UPDATE_FLAG, check_tree


def _flat(rendered: dict[str, str]) -> dict[str, str]:
    """Golden files are stored by file name (all generated Swift shares one folder)."""
    return {Path(rel).name: text for rel, text in rendered.items()}


def test_golden_files_in_the_committed_package():
    """The generated files equal a fresh render; every other source of the core's folder is a
    listed runtime file."""
    rendered = _flat(codegen.render_templates("swift"))
    runtime = frozenset(_flat({rel: text for rel, text in codegen.runtime_files("swift").items()
                               if rel.startswith(swift_settings.SOURCE_DIR + "/")}))
    hint = (f"regenerate: {UPDATE_FLAG}=1 python -m pytest tests/swift/test_swift_codegen.py, or "
            "python -c \"from packager import codegen; codegen.write('swift', 'ios_wrapper')\"")
    check_tree(swift_harness.WRAPPER / swift_settings.SOURCE_DIR, rendered,
               lambda rel: rel.endswith(".swift") and rel not in runtime, hint)


def test_runtime_library_is_the_committed_package():
    """The runtime files the package copies are ios_wrapper's own files, byte for byte, each at
    the same path under the wrapper root."""
    files = codegen.runtime_files("swift")
    assert len(files) == len(swift_settings.RUNTIME)
    for rel, text in files.items():
        assert (swift_harness.WRAPPER / rel).read_bytes() == text.encode(), rel


def _committed() -> set[str]:
    """Every file of ios_wrapper's two packages and sample app, but the harness, the tests and
    SwiftPM's own folders."""
    out = set()
    for folder in (swift_settings.CORE, swift_settings.PIPELINE, swift_settings.SAMPLE):
        for p in (swift_harness.WRAPPER / folder).rglob("*"):
            rel = p.relative_to(swift_harness.WRAPPER)
            if p.is_file() and not {".build", ".swiftpm", "ParityHarness", "Tests"} & set(rel.parts):
                out.add(rel.as_posix())
    return out


def test_every_template_and_runtime_file_lands_in_its_package():
    """Two packages, each in a folder named after its module with its manifest at its root and
    its sources in its library target; the generated file in the core; the sample app's files in
    a folder of their own; nothing committed that the render does not write."""
    templates = sorted(p.name[: -len(".j2")] for p in (codegen.TEMPLATES / "swift").glob("*.j2") if not p.name.startswith("_"))
    assert templates == ["Recipes.swift"]
    rendered = codegen.render("swift")
    assert set(rendered) == _committed()
    assert [rel for rel in rendered if rel.endswith(swift_settings.MANIFEST)] == [
        f"{swift_settings.PIPELINE}/Package.swift", f"{swift_settings.CORE}/Package.swift"]
    modules = {rel: swift_settings.module_of(rel) for rel in rendered}
    assert modules[f"{swift_settings.SOURCE_DIR}/Recipes.swift"] == swift_settings.CORE
    pipeline = sorted(Path(rel).name for rel, m in modules.items() if m == swift_settings.PIPELINE)
    assert pipeline == ["Exports.swift", "FaceEmotionPipeline.swift", "FaceVideoPipeline.swift", "ModelSession.swift",
                        "OnnxRuntimeSupport.swift"]
    assert {"FaceDetectionWrapper.swift", "FaceEmotionRecognitionWrapper.swift", "Providers.swift"} <= {
        Path(rel).name for rel, m in modules.items() if m == swift_settings.CORE}
    others = {rel for rel, m in modules.items() if m is None and not rel.endswith(swift_settings.MANIFEST)}
    assert others and all(rel.startswith(swift_settings.SAMPLE + "/") for rel in others)


def test_no_public_type_is_named_like_its_module():
    """`FaceEmotion.Point` must resolve: no public type of either module (the pipeline re-exports
    the core) is named like a module."""
    declared = set()
    for rel, text in codegen.render("swift").items():
        if swift_settings.module_of(rel):
            declared |= set(re.findall(r"^\s*public (?:final )?(?:struct|class|enum|protocol|actor|typealias) (\w+)", text, re.M))
    assert {"FaceResult", "FaceEmotionPipeline", "ModelSession", "Face"} <= declared
    assert not {swift_settings.CORE, swift_settings.PIPELINE} & declared


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
                    "color: .rgb", r'"say \"cheese\""', r'"back\\slash"', "static let `default` = EmotionRecipe(",
                    "public static let defaultEmotion = `default`", "static let blazefaceVariant = DetectorRecipe("):
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
    core = [p for p in written if swift_settings.module_of(p.relative_to(tmp_path).as_posix()) == swift_settings.CORE]
    proc = subprocess.run([swiftbuild.swiftc(), "-typecheck", "-swift-version", "6", "-module-name", swift_settings.CORE,
                           *map(str, core)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    files = [p for p in written if p.suffix == ".swift"]
    lint = subprocess.run([swift_harness.swift(), "format", "lint", "--strict", "--configuration", str(swift_harness.WRAPPER / ".swift-format"),
                           *map(str, files)], capture_output=True, text=True, timeout=600)
    assert lint.returncode == 0 and not lint.stderr.strip(), lint.stderr[-4000:]


PLATFORM_USE = """\
import AVFoundation
import FaceEmotion
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
  let requested: [String: String] = p.requestedProviders
  _ = (providers, requested, p.detector.fallbackReason, p.classifier.providerInUse)
  _ = (p.detector.requestedProvider, p.classifier.settings.provider == .cpu)
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


@pytest.fixture(scope="module")
def app_modules(tmp_path_factory) -> Path:
    """The SDK and ONNX Runtime stand-ins, then FaceEmotionCore and FaceEmotion as the package
    renders them, compiled into modules (Swift 6 mode, warnings as errors): what an app imports."""
    mod = swiftbuild.stand_ins(tmp_path_factory.mktemp("app-modules"))
    root = tmp_path_factory.mktemp("wrapper")
    codegen.write("swift", root)
    proc = swiftbuild.emit_modules(root, mod)
    assert proc.returncode == 0, proc.stderr[-6000:]
    return mod


def _app_errors_and_warnings(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stderr.splitlines() if "error:" in line or "warning:" in line]


@pytest.mark.parametrize("isolation", sorted(swiftbuild.ISOLATION))
def test_platform_code_compiles_for_an_app_against_the_sdk_apis(app_modules, tmp_path, isolation):
    """The code that compiles away on Linux — CGImage/UIImage adapters, the camera-frame adapters
    (CVPixelBuffer, CMSampleBuffer, CGImagePropertyOrientation), the ONNX Runtime glue — compiles
    without a warning in its two modules against compile-only stand-ins of those APIs
    (fixtures/*.swift, the SDKs' Swift signatures; test-only, never in the package or a bundle),
    and a use of every entry point type-checks as an app module that imports FaceEmotion alone."""
    use = tmp_path / "UsesPlatform.swift"
    use.write_text(PLATFORM_USE)
    proc = swiftbuild.typecheck_app(app_modules, [use], isolation)
    assert proc.returncode == 0 and not _app_errors_and_warnings(proc), proc.stderr[-4000:]


def test_the_glue_compiles_without_the_unified_log(tmp_path):
    """Where there is no `os` module (Linux), the fallback goes to standard error: the modules
    still compile without a warning."""
    mod = swiftbuild.stand_ins(tmp_path / "modules", [m for m in swiftbuild.SDK if m != "os"] + [swiftbuild.ORT_MODULE])
    codegen.write("swift", tmp_path / "src")
    proc = swiftbuild.emit_modules(tmp_path / "src", mod)
    assert proc.returncode == 0, proc.stderr[-4000:]


def test_without_onnx_runtime_the_pipeline_does_not_compile(tmp_path):
    """Nothing compiles away: without ONNX Runtime's module the core still builds, and the
    pipeline package stops the build naming the missing module."""
    mod = swiftbuild.stand_ins(tmp_path / "modules", swiftbuild.SDK)
    codegen.write("swift", tmp_path / "src")
    proc = swiftbuild.emit_modules(tmp_path / "src", mod)
    assert proc.returncode != 0
    assert (mod / f"{swift_settings.CORE}.swiftmodule").is_file()
    errors = {line.split("error: ", 1)[1] for line in proc.stderr.splitlines() if "error: " in line}
    assert errors - {"emit-module command failed with exit code 1 (use -v to see invocation)"} == {
        "no such module 'OnnxRuntimeBindings'"}, proc.stderr[-4000:]


def readme_swift_blocks(text: str | None = None) -> list[str]:
    """Every ```swift block of ios_wrapper/README.md (or of ``text``)."""
    text = (swift_harness.WRAPPER / "README.md").read_text() if text is None else text
    return re.findall(r"```swift\n(.*?)```", text, flags=re.S)


#: What the READMEs' statement snippets may refer to without declaring it.
SNIPPET_PARAMETERS = ("cgImage: CGImage, pixelBuffer: CVPixelBuffer, pipeline: FaceEmotionPipeline, "
                      "regressors: [Float], classificators: [Float], output: [Float], "
                      "faceDetection: FaceDetectionWrapper, faceEmotionRecognition: FaceEmotionRecognitionWrapper")


def readme_sources(blocks: list[str], stem: str = "Readme") -> dict[str, str]:
    """README Swift blocks as files of an app module that imports FaceEmotion: blocks that declare
    types (the camera app) as they are, statement snippets inside a function each (with
    `import FaceEmotion`); package manifests are left to test_swift_package.py."""
    files = {}
    for i, block in enumerate(blocks):
        if block.startswith("// swift-tools-version"):
            continue
        if re.search(r"^(nonisolated )?(final class|struct|class) ", block, flags=re.M):
            files[f"{stem}App{i}.swift"] = block
        else:
            imports = {line for line in block.splitlines() if line.startswith("import ")}
            imports |= {"import AVFoundation", "import FaceEmotion", "import UIKit"}
            body = "".join(line + "\n" for line in block.splitlines() if not line.startswith("import "))
            files[f"{stem}Snippet{i}.swift"] = ("".join(sorted(line + "\n" for line in imports))
                                                + f"\nfunc {stem.lower()}Snippet{i}({SNIPPET_PARAMETERS}) throws {{\n{body}}}\n")
    return files


def _sample_files() -> dict[str, str]:
    folder = swift_harness.WRAPPER / swift_settings.SAMPLE
    return {p.name: p.read_text() for p in sorted(folder.glob("*.swift"))}


def test_the_readme_camera_app_is_the_sample_app():
    """The README's camera app is the bundle's sample app, file for file (the delegate and the
    camera; the model): one text, compiled below."""
    apps = [b for b in readme_swift_blocks() if re.search(r"^(nonisolated )?final class ", b, flags=re.M)]
    sample = _sample_files()
    assert sorted(apps) == sorted([sample["FaceEmotionAnalyzer.swift"], sample["FaceEmotionModel.swift"]])


@pytest.mark.parametrize("isolation", sorted(swiftbuild.ISOLATION))
def test_readme_code_compiles_as_an_app(app_modules, tmp_path, isolation):
    """Every Swift block of ios_wrapper/README.md, of the iOS bundle README and the project
    README's wrapper snippet — the camera app
    (a nonisolated capture delegate holding the pipeline, the camera on its own queue, the pipeline
    opened in a detached task and its results hopped to the main actor), the options, the
    self-check, the step-by-step use — type-checks as a module of its own that imports
    FaceEmotion, in Swift 6 mode, in both isolation modes; the camera app without a warning."""
    from packager.export import facereadme

    sources = readme_sources(readme_swift_blocks())
    sources |= readme_sources(readme_swift_blocks(facereadme.STEPS["ios"]), stem="BundleReadme")
    # the project README's wrapper snippet (its runner snippet needs a convert bundle: tests/convert_any)
    top = [b for b in readme_swift_blocks((swift_harness.WRAPPER.parent / "README.md").read_text()) if "Runner" not in b]
    assert top
    sources |= readme_sources(top, stem="ProjectReadme")
    assert len([f for f in sources if f.startswith("ReadmeApp")]) == 2, sorted(sources)
    assert any(f.startswith("BundleReadmeSnippet") for f in sources), sorted(sources)
    paths = []
    for name, code in sources.items():
        (tmp_path / name).write_text(code)
        paths.append(tmp_path / name)
    proc = swiftbuild.typecheck_app(app_modules, paths, isolation)
    assert proc.returncode == 0, proc.stderr[-6000:]
    # snippets leave values unused (a comment stands for the work); the app has no warning
    app_warnings = [line for line in _app_errors_and_warnings(proc) if "ReadmeApp" in line]
    assert not app_warnings, "\n".join(app_warnings)


@pytest.mark.parametrize("isolation", sorted(swiftbuild.ISOLATION))
def test_sample_app_compiles_as_an_app(app_modules, tmp_path, isolation):
    """The bundle's sample app (ios_wrapper/FaceEmotionSample: `@main` SwiftUI app, view, model,
    capture delegate and camera) type-checks as an app module importing FaceEmotion, Swift 6 mode,
    without a warning, with and without Xcode 26's `-default-isolation MainActor`."""
    files = sorted((swift_harness.WRAPPER / swift_settings.SAMPLE).glob("*.swift"))
    assert len(files) == 4
    proc = swiftbuild.typecheck_app(app_modules, files, isolation)
    assert proc.returncode == 0 and not _app_errors_and_warnings(proc), proc.stderr[-6000:]


def test_the_main_actor_mode_is_real(app_modules, tmp_path):
    """The check can fail: the camera without `nonisolated` (the README's earlier version) does not
    compile under `-default-isolation MainActor` (its queue closure touches main-actor state), and
    compiles without it."""
    sample = _sample_files()
    for name, text in sample.items():
        (tmp_path / name).write_text(text.replace("nonisolated final class", "final class"))
    files = sorted(tmp_path.glob("*.swift"))
    assert swiftbuild.typecheck_app(app_modules, files, "nonisolated").returncode == 0
    proc = swiftbuild.typecheck_app(app_modules, files, "MainActor")
    assert proc.returncode != 0 and "can not be referenced from a Sendable closure" in proc.stderr, proc.stderr[-3000:]
