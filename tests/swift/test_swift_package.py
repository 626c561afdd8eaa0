"""The Swift packages of ios_wrapper/: the core's XCTest suite (unit + seeded fuzz tests) passes on
Linux, `swift format lint` finds nothing, and the two manifests declare what the contract says (no
traits; the core depends on nothing, the pipeline on the core and ONNX Runtime, exact version)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from packager import ortversion
from packager.codegen import swift as swift_settings
from packager.parity import swift_harness
from test_swift_codegen import readme_swift_blocks


def test_xctest_suite_passes(swift_binary):
    root = swift_harness.staged_package()  # the same staged sources the harness was built from
    proc = swift_harness.swift_command(root, "test")
    summary = re.findall(r"Executed (\d+) tests?, with (\d+) failures?", proc.stdout)
    assert summary, proc.stdout[-3000:]
    executed, failures = map(int, summary[-1])
    assert failures == 0, proc.stdout[-6000:]
    assert executed >= 20, f"only {executed} XCTests ran"
    for name in ("testDetectorDecoderOnRandomOutputs", "testEmotionDecoderOnRandomOutputs", "testUniformImageAndPadding"):
        assert f"{name}' passed" in proc.stdout, name


def test_swift_format_lint_is_clean():
    wrapper = swift_harness.WRAPPER
    cmd = [swift_harness.swift(), "format", "lint", "--strict", "--recursive", "--configuration", str(wrapper / ".swift-format"),
           *(str(wrapper / folder) for folder in (swift_settings.CORE, swift_settings.PIPELINE, swift_settings.SAMPLE))]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr[-6000:]


def test_lint_configuration_forbids_force_unwrap_and_force_try():
    rules = json.loads((swift_harness.WRAPPER / ".swift-format").read_text())["rules"]
    assert rules["NeverForceUnwrap"] and rules["NeverUseForceTry"] and rules["NeverUseImplicitlyUnwrappedOptionals"]


def _dump(package_dir: Path) -> dict:
    """The manifest as SwiftPM evaluates it (no manifest cache: the manifest looks at folders)."""
    proc = subprocess.run([swift_harness.swift(), "package", "dump-package", "--manifest-cache", "none", "--package-path", str(package_dir)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_core_package_depends_on_nothing(swift_binary):
    """The core package declares no dependency and no trait (the harness was just built from it
    offline, with no flag); its targets are the library, the harness and the tests."""
    manifest = _dump(swift_harness.staged_package() / "package")
    assert manifest["dependencies"] == [] and manifest.get("traits", []) == []
    targets = {t["name"]: t for t in manifest["targets"]}
    assert set(targets) == {"FaceEmotionCore", "ParityHarness", "FaceEmotionTests"}
    assert targets["FaceEmotionCore"]["dependencies"] == []
    assert [p["name"] for p in manifest["products"]] == ["FaceEmotionCore"]


def ort_version_in(manifest: dict) -> str:
    """The exact version of ONNX Runtime's Swift package a dumped manifest pins."""
    [dep] = [d for d in manifest["dependencies"] if "sourceControl" in d]
    source = dep["sourceControl"][0]
    assert source["location"]["remote"][0]["urlString"] == "https://github.com/microsoft/onnxruntime-swift-package-manager"
    assert source["requirement"] == {"exact": [ortversion.ONNXRUNTIME_VERSION]}
    [version] = source["requirement"]["exact"]
    return version


def test_pipeline_package_is_the_core_and_onnx_runtime_without_traits(tmp_path):
    """The pipeline package depends on ../FaceEmotionCore and ONNX Runtime's Swift package at the
    exact version ``codegen.swift.ort_package_version`` reads, with no trait and no condition:
    its target always links ONNX Runtime. Without models it declares no resources."""
    manifest = _dump(swift_harness.WRAPPER / swift_settings.PIPELINE)
    assert manifest.get("traits", []) == []
    [local] = [d for d in manifest["dependencies"] if "fileSystem" in d]
    assert Path(local["fileSystem"][0]["path"]) == (swift_harness.WRAPPER / swift_settings.CORE).resolve()
    assert ort_version_in(manifest) == swift_settings.ort_package_version() == "1.24.2"
    [target] = manifest["targets"]
    assert target["name"] == "FaceEmotion" and [p["name"] for p in manifest["products"]] == ["FaceEmotion"]
    assert target["dependencies"] == [
        {"product": ["FaceEmotionCore", "FaceEmotionCore", None, None]},
        {"product": ["onnxruntime", "onnxruntime-swift-package-manager", None, None]}]
    assert target["resources"] == [] and target["settings"] == []


def test_the_same_manifest_makes_the_bundle_package(tmp_path):
    """Copied into a folder shaped like dist/ios/FaceEmotion (the library and its models), the
    manifest declares the models processed flat into Bundle.module."""
    pkg = tmp_path / swift_settings.PIPELINE
    lib = pkg / "Sources" / "FaceEmotion"
    (lib / "Resources").mkdir(parents=True)
    (pkg / "Package.swift").write_bytes((swift_harness.WRAPPER / swift_settings.PIPELINE / "Package.swift").read_bytes())
    (lib / "Resources" / "face_detection.ort").write_bytes(b"model")
    manifest = _dump(pkg)
    [target] = manifest["targets"]
    assert target["resources"] == [{"path": "Resources", "rule": {"process": {}}}]
    assert target["settings"] == [{"kind": {"define": {"_0": "PACKAGE_RESOURCES"}}, "tool": "swift"}]


def test_the_core_alone_is_a_local_dependency_of_an_app_as_the_readme_says(tmp_path):
    """An app package that takes the core alone (pre- and post-processing around its own
    inference, as ios_wrapper/README.md says) builds and runs offline: nothing to fetch."""
    from packager import codegen

    [manifest] = [b for b in readme_swift_blocks() if b.startswith("// swift-tools-version")]
    assert '.package(path: "../dist/ios/FaceEmotion")' in manifest and "traits" not in manifest
    ios = tmp_path / "dist" / "ios"
    for rel, text in codegen.render("swift").items():
        (ios / rel).parent.mkdir(parents=True, exist_ok=True)
        (ios / rel).write_text(text)
    app = tmp_path / "app"
    (app / "Sources" / "App").mkdir(parents=True)
    (app / "Package.swift").write_text(manifest.replace('"../dist/ios/FaceEmotion"', '"../dist/ios/FaceEmotionCore"')
                                       .replace('.product(name: "FaceEmotion", package: "FaceEmotion")',
                                                '.product(name: "FaceEmotionCore", package: "FaceEmotionCore")'))
    (app / "Sources" / "App" / "main.swift").write_text(
        "import FaceEmotionCore\nprint(FaceDetectionWrapper().numAnchors, Recipes.selfCheckTolerance)\n")
    proc = subprocess.run([swift_harness.swift(), "run", "--package-path", str(app), "--scratch-path", str(tmp_path / "build"),
                           "--manifest-cache", "none", "App"], capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert proc.stdout.split()[-2:] == ["896", "0.0001"]
