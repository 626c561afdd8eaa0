"""Compiling Swift as an app would, shared by the Swift, export and convert suites.

- ``stand_ins``: the compile-only stand-ins of Apple's SDK modules and of ONNX Runtime's
  Objective-C API (tests/swift/fixtures/, their Swift signatures), compiled into modules.
- ``emit_modules``: the two library modules of a rendered wrapper (FaceEmotionCore, then
  FaceEmotion importing it and OnnxRuntimeBindings), compiled as SwiftPM compiles them: one module
  per package, nothing of the pipeline's compiled away.
- ``typecheck_app``: app sources as a module of their own that imports the package, in Swift 6
  mode, with or without ``-default-isolation MainActor`` (Xcode 26's app default).
- ``fake_ort_repo`` and ``app_package``: SwiftPM offline. ONNX Runtime's Swift package is replaced
  through a SwiftPM mirror by a local git repository tagged with the version the bundles pin,
  whose package is named like the real one (package ``onnxruntime``, product ``onnxruntime``,
  module ``OnnxRuntimeBindings``) and holds the behavioural fake of its API
  (tests/swift/fakes/OnnxRuntimeFake.swift); an app-shaped package depends on bundles by path.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from packager.codegen import swift as swift_settings
from packager.parity import swift_harness

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "swift" / "fixtures"
FAKES = TESTS / "swift" / "fakes"
#: ONNX Runtime's Swift package, as the bundles' manifests name it.
ORT_URL = "https://github.com/microsoft/onnxruntime-swift-package-manager"
#: The SDK stand-ins, in dependency order.
SDK = ("CoreGraphics", "UIKit", "CoreVideo", "CoreMedia", "ImageIO", "AVFoundation", "os", "SwiftUI")
#: ONNX Runtime's module in its Swift package.
ORT_MODULE = "OnnxRuntimeBindings"
#: What the ONNX Runtime stand-in and fake declare alike (enums, empty classes): compiled into both.
ORT_SHARED = FIXTURES / "onnxruntime_shared.swift"


def swiftc() -> str:
    return str(Path(swift_harness.swift()).with_name("swiftc"))


def stand_ins(mod: Path, names=SDK + (ORT_MODULE,)) -> Path:
    """Compile fixtures/<name>.swift into modules in ``mod`` (ONNX Runtime's from
    fixtures/onnxruntime_objc.swift, its Objective-C API's Swift signatures)."""
    mod.mkdir(parents=True, exist_ok=True)
    for name in names:
        srcs = [FIXTURES / "onnxruntime_objc.swift", ORT_SHARED] if name == ORT_MODULE else [FIXTURES / f"{name}.swift"]
        subprocess.run([swiftc(), "-emit-module", "-parse-as-library", "-module-name", name, "-I", str(mod),
                        *map(str, srcs), "-emit-module-path", str(mod / f"{name}.swiftmodule")],
                       check=True, capture_output=True, timeout=600)
    return mod


def fake_ort_library(mod: Path) -> Path:
    """The behavioural fake of ONNX Runtime compiled as module OnnxRuntimeBindings, a static
    library in ``mod``."""
    mod.mkdir(parents=True, exist_ok=True)
    subprocess.run([swiftc(), "-parse-as-library", "-emit-library", "-static", "-module-name", ORT_MODULE,
                    "-emit-module", "-emit-module-path", str(mod / f"{ORT_MODULE}.swiftmodule"),
                    "-o", str(mod / f"lib{ORT_MODULE}.a"), str(FAKES / "OnnxRuntimeFake.swift"), str(ORT_SHARED)],
                   check=True, capture_output=True, timeout=600)
    return mod


def module_sources(root: Path, module: str) -> list[Path]:
    """The Swift sources of one library target of a wrapper written at ``root``."""
    return sorted((root / swift_settings.source_dir(module)).glob("*.swift"))


def emit_modules(root: Path, mod: Path, *, library: bool = False, flags=()) -> subprocess.CompletedProcess:
    """Compile FaceEmotionCore, then FaceEmotion, from the wrapper at ``root`` into ``mod`` (Swift 6
    mode, warnings as errors), as modules (``library``: also static libraries to link).  Returns
    the last compile; a failed one is returned at once."""
    proc = None
    for module in (swift_settings.CORE, swift_settings.PIPELINE):
        out = ["-emit-library", "-static", "-o", str(mod / f"lib{module}.a")] if library else []
        proc = subprocess.run([swiftc(), "-parse-as-library", "-swift-version", "6", "-warnings-as-errors", *flags,
                               "-I", str(mod), "-module-name", module, "-emit-module",
                               "-emit-module-path", str(mod / f"{module}.swiftmodule"), *out,
                               *map(str, module_sources(root, module))],
                              capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            return proc
    return proc


#: The two isolation modes an app compiles in: Swift 6's default (nonisolated) and Xcode 26's
#: app-target default (``-default-isolation MainActor``).
ISOLATION = {"nonisolated": (), "MainActor": ("-default-isolation", "MainActor")}


def typecheck_app(mod: Path, sources, isolation: str, module: str = "App") -> subprocess.CompletedProcess:
    """Type-check ``sources`` as the app module ``module`` against the modules in ``mod``, Swift 6
    mode, in an ``ISOLATION`` mode (``-parse-as-library``: an app's ``@main``)."""
    return subprocess.run([swiftc(), "-typecheck", "-parse-as-library", "-swift-version", "6", *ISOLATION[isolation],
                           "-I", str(mod), "-module-name", module, *map(str, sources)],
                          capture_output=True, text=True, timeout=900)


FAKE_ORT_MANIFEST = """\
// swift-tools-version:5.9
// Test-only: ONNX Runtime's Swift package as a local git repository (package onnxruntime, product
// onnxruntime, module OnnxRuntimeBindings) holding the behavioural fake of its API.
import PackageDescription

let package = Package(
  name: "onnxruntime",
  platforms: [.iOS(.v12), .macOS(.v11)],
  products: [.library(name: "onnxruntime", targets: ["OnnxRuntimeBindings"])],
  targets: [.target(name: "OnnxRuntimeBindings")]
)
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=packager-test", "-c", "user.email=test@packager.invalid",
                    "-c", "init.defaultBranch=main", *args], cwd=repo, check=True, capture_output=True, timeout=120)


def fake_ort_repo(repo: Path, version: str) -> Path:
    """A git repository at ``repo`` shaped like onnxruntime-swift-package-manager, tagged
    ``version``, with the fake as its module."""
    src = repo / "Sources" / ORT_MODULE
    src.mkdir(parents=True)
    (repo / "Package.swift").write_text(FAKE_ORT_MANIFEST)
    for file in (FAKES / "OnnxRuntimeFake.swift", ORT_SHARED):
        (src / file.name).write_bytes(file.read_bytes())
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "fake onnxruntime")
    _git(repo, "tag", version)
    return repo


APP_MANIFEST = """\
// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "App",
  platforms: [.macOS(.v14)],
  dependencies: [{dependencies}],
  targets: [
    .executableTarget(name: "App", dependencies: [{products}])
  ]
)
"""


def app_package(app: Path, packages: dict[str, Path], main: str) -> Path:
    """An app-shaped package at ``app``: an executable target ``App`` whose ``main.swift`` is
    ``main``, depending by path on each package folder of ``packages`` (product name → folder; a
    local package's identity is its folder's name)."""
    (app / "Sources" / "App").mkdir(parents=True)
    deps = ", ".join(f".package(path: {json.dumps(str(p))})" for p in packages.values())
    products = ", ".join(f".product(name: {json.dumps(n)}, package: {json.dumps(p.name)})" for n, p in packages.items())
    (app / "Package.swift").write_text(APP_MANIFEST.replace("{dependencies}", deps).replace("{products}", products))
    (app / "Sources" / "App" / "main.swift").write_text(main)
    return app


def swiftpm(*args: str, cwd: Path | None = None, timeout: float = 1800) -> subprocess.CompletedProcess:
    return subprocess.run([swift_harness.swift(), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def build_offline(app: Path, ort_repo: Path, scratch: Path) -> subprocess.CompletedProcess:
    """``swift build`` of ``app`` with no trait flag and nothing fetched: ONNX Runtime's URL is
    mirrored to ``ort_repo`` (``swift package config set-mirror``, in the app's folder), the
    dependency cache and the scratch path are under ``scratch``."""
    mirror = swiftpm("package", "config", "set-mirror", "--original", ORT_URL, "--mirror", ort_repo.as_uri(), cwd=app)
    assert mirror.returncode == 0, mirror.stderr
    return swiftpm("build", "--package-path", str(app), "--scratch-path", str(scratch / "build"),
                   "--cache-path", str(scratch / "cache"), "--manifest-cache", "none", cwd=app)
