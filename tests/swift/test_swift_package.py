"""The Swift package ios_wrapper/: its XCTest suite (unit + seeded fuzz tests) passes on Linux,
and `swift format lint` finds nothing."""

from __future__ import annotations

import re
import subprocess

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


def test_package_depends_on_nothing_outside(swift_harness):
    """As committed, Package.swift fetches nothing (the ONNX Runtime switch is off)."""
    import json

    root = swift.staged_package()
    manifest = json.loads(swift.swift_command(root, "package", "dump-package").stdout)
    assert manifest["dependencies"] == []
    assert {t["name"] for t in manifest["targets"]} == {"FaceEmotion", "ParityHarness", "FaceEmotionTests"}
