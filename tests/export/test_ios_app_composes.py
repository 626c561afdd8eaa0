"""Bundles compose in one iOS app (issue 22): an app-shaped SwiftPM package depends by path on the
face bundle's ``FaceEmotion`` package and on a ``packager convert`` bundle's ``<Module>`` package,
and ``swift build`` succeeds offline with no trait flag.  ONNX Runtime's Swift package, which both
pin ``exact:``, resolves through a SwiftPM mirror to a local git repository tagged with that
version and holding the behavioural fake of its API (tests/swiftbuild.py).  The app's main calls
both the pipeline and the runner: each opens its model from its own package's resource bundle,
which the fake (knowing no model) refuses by name.  What this does not show: the real ONNX Runtime
binary, Xcode, a device."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from packager_cli import packager

import standins
import swiftbuild
from packager import layout
from packager.codegen import swift as swift_settings
from packager.export import manifest

#: The app: both bundles imported in one file; the names both carry (Recipes, SessionSettings) are
#: qualified by module, as the bundle README says.
MAIN = """\
import FaceEmotion
import Ferplus

func attempt(_ what: String, _ body: () throws -> Void) {
  do {
    try body()
    print("\\(what): opened")
  } catch {
    print("\\(what): \\(error)")
  }
}

attempt("pipeline") { _ = try FaceEmotionPipeline() }
attempt("runner") { _ = try FerplusRunner(settings: Ferplus.SessionSettings(provider: .cpu)) }
print("tolerances", FaceEmotion.Recipes.selfCheckTolerance, Ferplus.Recipes.selfCheckTolerance)
print("runner inputs", FerplusRunner.inputs.map(\\.name).joined(separator: ","))
"""


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> Path:
    """``packager convert`` of the FER+ stand-in into its own --out: its iOS bundle folder."""
    tmp = tmp_path_factory.mktemp("convert-ferplus")
    model = standins.write_ferplus(tmp / "ferplus.onnx")
    gray = tmp / "gray.npy"
    np.save(gray, np.random.default_rng(3).uniform(0, 255, (1, 1, 64, 64)).astype(np.float32))
    r = packager("convert", model, "-i", gray, "--target", "ios", "--out", tmp / "conv")
    assert r.returncode == 0, r.stderr
    return tmp / "conv" / "ios"


def test_face_and_convert_bundles_build_into_one_app_offline(default_build, converted, tmp_path):
    face = default_build.bundle("ios")
    module = layout.module_name("ferplus")
    assert module == "Ferplus" and (converted / module / swift_settings.MANIFEST).is_file()
    # unique SwiftPM identities: every package folder is named after its module
    assert {p.parent.name for p in face.glob("*/Package.swift")} == {swift_settings.CORE, swift_settings.PIPELINE}
    assert [p.parent.name for p in converted.glob("*/Package.swift")] == [module]
    for package in (face / swift_settings.PIPELINE, converted / module):
        assert "traits" not in (package / swift_settings.MANIFEST).read_text()
    repo = swiftbuild.fake_ort_repo(tmp_path / "onnxruntime-swift-package-manager", swift_settings.ort_package_version())
    app = swiftbuild.app_package(tmp_path / "app", {"FaceEmotion": face / swift_settings.PIPELINE,
                                                    module: converted / module}, MAIN)
    build = swiftbuild.build_offline(app, repo, tmp_path)
    assert build.returncode == 0, (build.stdout + build.stderr)[-6000:]
    assert "Computed " + repo.as_uri() + " at " + swift_settings.ort_package_version() in build.stderr + build.stdout
    resolved = json.loads((app / "Package.resolved").read_text())
    [ort] = [p for p in resolved["pins"] if p["location"] == swiftbuild.ORT_URL]
    assert ort["state"]["version"] == swift_settings.ort_package_version() == "1.24.2"

    exe = tmp_path / "build" / "debug" / "App"
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60, check=True).stdout.splitlines()
    # each library ran its ONNX Runtime glue on the model in its own resource bundle
    assert re.fullmatch(r"pipeline: cannot load the model: open face_detection\.ort: Load model \S+/"
                        r"FaceEmotion_FaceEmotion\.resources/face_detection\.ort failed \(onnxruntime 2\)", out[0]), out
    assert re.fullmatch(r"runner: cannot load the model: open ferplus\.ort: Load model \S+/"
                        rf"{module}_{module}\.resources/ferplus\.ort failed \(onnxruntime 2\)", out[1]), out
    assert out[2:] == ["tolerances 0.0001 0.0001", "runner inputs Input3"], out
    # building wrote nothing into either bundle
    assert manifest.problems(face) == [] and manifest.problems(converted) == []
