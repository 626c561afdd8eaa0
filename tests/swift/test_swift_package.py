"""The Swift package ios_wrapper/: its XCTest suite (unit + seeded fuzz tests) passes on Linux,
and `swift format lint` finds nothing."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from packager import ortversion
from packager.parity import swift


def test_xctest_suite_passes(swift_harness):
    root = swift.staged_package()  # the same staged sources the harness was built from
    proc = swift.swift_command(root, "test")
    summary = re.findall(r"Executed (\d+) tests?, with (\d+) failures?", proc.stdout)
    assert summary, proc.stdout[-3000:]
    executed, failures = map(int, summary[-1])
    assert failures == 0, proc.stdout[-6000:]
    assert executed >= 20, f"only {executed} XCTests ran"
    for name in ("testDetectorDecoderOnRandomOutputs", "testEmotionDecoderOnRandomOutputs", "testUniformImageAndPadding"):
        assert f"{name}' passed" in proc.stdout, name


def test_swift_format_lint_is_clean():
    pkg = swift.PACKAGE
    cmd = [swift.swift(), "format", "lint", "--strict", "--recursive", "--configuration", str(pkg / ".swift-format"),
           str(pkg / "Package.swift"), str(pkg / "Sources"), str(pkg / "Tests")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr[-6000:]


def test_lint_configuration_forbids_force_unwrap_and_force_try():
    import json

    rules = json.loads((swift.PACKAGE / ".swift-format").read_text())["rules"]
    assert rules["NeverForceUnwrap"] and rules["NeverUseForceTry"] and rules["NeverUseImplicitlyUnwrappedOptionals"]


def _dump(package_dir: Path) -> dict:
    """The manifest as SwiftPM evaluates it (no manifest cache: the manifest looks at folders)."""
    proc = subprocess.run([swift.swift(), "package", "dump-package", "--manifest-cache", "none", "--package-path", str(package_dir)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_package_depends_on_nothing_outside(swift_harness):
    """With its default trait off (how CI builds: swift.PURE_CORE) the package needs nothing —
    the harness was just built offline that way; the one declared dependency, ONNX Runtime's
    Swift package, is used only by the trait ONNXRuntime, which is on by default."""
    root = swift.staged_package()
    manifest = _dump(root / "package")
    assert swift.PURE_CORE == ("--disable-default-traits",)
    [dep] = manifest["dependencies"]
    source = dep["sourceControl"][0]
    assert source["location"]["remote"][0]["urlString"] == "https://github.com/microsoft/onnxruntime-swift-package-manager"
    assert source["requirement"] == {"exact": [ortversion.ONNXRUNTIME_VERSION]}
    assert {t["name"]: t["enabledTraits"] for t in manifest["traits"]} == {"default": ["ONNXRuntime"], "ONNXRuntime": []}
    targets = {t["name"]: t for t in manifest["targets"]}
    assert set(targets) == {"FaceEmotion", "ParityHarness", "FaceEmotionTests"}
    assert targets["FaceEmotion"]["dependencies"] == [
        {"product": ["onnxruntime", "onnxruntime-swift-package-manager", None, {"platformNames": [], "traits": ["ONNXRuntime"]}]}]
    # no models in the committed package: no resources, no Bundle.module
    assert targets["FaceEmotion"]["resources"] == [] and targets["FaceEmotion"]["settings"] == []


def test_the_same_manifest_makes_the_bundle_package(tmp_path):
    """Copied into a folder shaped like dist/ios (the library and its models only), the
    manifest declares the library alone, its models processed flat into Bundle.module."""
    (tmp_path / "Package.swift").write_bytes((swift.PACKAGE / "Package.swift").read_bytes())
    lib = tmp_path / "Sources" / "FaceEmotion"
    (lib / "Resources").mkdir(parents=True)
    (lib / "Resources" / "face_detection.ort").write_bytes(b"model")
    manifest = _dump(tmp_path)
    [target] = manifest["targets"]
    assert target["name"] == "FaceEmotion"
    assert target["resources"] == [{"path": "Resources", "rule": {"process": {}}}]
    assert target["settings"] == [{"kind": {"define": {"_0": "PACKAGE_RESOURCES"}}, "tool": "swift"}]
    assert [p["name"] for p in manifest["products"]] == ["FaceEmotion"]


def test_an_app_package_builds_on_the_bundle_as_the_readme_says(tmp_path):
    """ios_wrapper/README.md's manifest of an app package, next to a folder shaped like dist/ios
    (this Package.swift, the library's sources, a model in Resources), builds offline: with
    `traits: []` nothing is fetched, and the app links the library and its resource bundle."""
    from packager import codegen
    from test_swift_codegen import readme_swift_blocks

    [manifest] = [b for b in readme_swift_blocks() if b.startswith("// swift-tools-version")]
    assert '.package(path: "../dist/ios", traits: [])' in manifest
    ios = tmp_path / "dist" / "ios"
    for rel, text in codegen.render("swift").items():
        (ios / rel).parent.mkdir(parents=True, exist_ok=True)
        (ios / rel).write_text(text)
    (ios / "Package.swift").write_bytes((swift.PACKAGE / "Package.swift").read_bytes())
    (ios / "Sources" / "FaceEmotion" / "Resources").mkdir()
    (ios / "Sources" / "FaceEmotion" / "Resources" / "face_detection.ort").write_bytes(b"model")
    app = tmp_path / "app"
    (app / "Sources" / "App").mkdir(parents=True)
    (app / "Package.swift").write_text(manifest)
    (app / "Sources" / "App" / "main.swift").write_text(
        "import FaceEmotion\nprint(FaceDetectionWrapper().numAnchors, Recipes.selfCheckTolerance)\n")
    proc = subprocess.run([swift.swift(), "run", "--package-path", str(app), "--scratch-path", str(tmp_path / "build"),
                           "--manifest-cache", "none", "App"], capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert proc.stdout.split()[-2:] == ["896", "0.0001"]
