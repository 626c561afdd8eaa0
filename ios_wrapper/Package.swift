// swift-tools-version:6.1
// The FaceEmotion library (Sources/FaceEmotion: packager's Swift runtime library + Recipes.swift,
// rendered from templates/swift/). `packager build --target ios` copies this file as it is into
// dist/ios, which holds only the library (and its .ort models in Sources/FaceEmotion/Resources);
// here, beside the library, are the parity harness CI runs against the Python reference and the
// tests. A target is declared only when its folder exists, so the one manifest serves both.

import Foundation
import PackageDescription

/// Whether `path` (relative to this file) exists.
func exists(_ path: String) -> Bool {
  FileManager.default.fileExists(atPath: Context.packageDirectory + "/" + path)
}

// The trait ONNXRuntime (on by default) brings ONNX Runtime's Swift package and, with it,
// FaceEmotionPipeline and ModelSession. `--disable-default-traits` leaves a package that
// depends on nothing: the pure-Swift core, as CI builds and tests it on Linux. SwiftPM fetches
// a dependency only when an enabled trait uses it.
let onnxRuntime = Target.Dependency.product(
  name: "onnxruntime", package: "onnxruntime-swift-package-manager",
  condition: .when(traits: ["ONNXRuntime"]))

// The models land flat at the root of the resource bundle (Bundle.module), where
// `Bundle.url(forResource:withExtension:)` finds them and codesign accepts the bundle.
// PACKAGE_RESOURCES tells the sources that Bundle.module exists.
let hasResources = exists("Sources/FaceEmotion/Resources")

var targets: [Target] = [
  .target(
    name: "FaceEmotion", dependencies: [onnxRuntime],
    resources: hasResources ? [.process("Resources")] : nil,
    swiftSettings: hasResources ? [.define("PACKAGE_RESOURCES")] : nil)
]
if exists("Sources/ParityHarness") {
  targets.append(.executableTarget(name: "ParityHarness", dependencies: ["FaceEmotion"]))
}
if exists("Tests/FaceEmotionTests") {
  targets.append(.testTarget(name: "FaceEmotionTests", dependencies: ["FaceEmotion"]))
}

let package = Package(
  name: "FaceEmotion",
  // ONNX Runtime's Swift package needs macOS 14.
  platforms: [.iOS(.v15), .macOS(.v14)],
  products: [
    .library(name: "FaceEmotion", targets: ["FaceEmotion"])
  ],
  traits: [
    .trait(
      name: "ONNXRuntime",
      description: "FaceEmotionPipeline and ModelSession on ONNX Runtime (CoreML or CPU)"),
    .default(enabledTraits: ["ONNXRuntime"]),
  ],
  dependencies: [
    // Exactly the onnxruntime (PyPI) that writes the .ort files; Android asks for the same version.
    .package(url: "https://github.com/microsoft/onnxruntime-swift-package-manager", exact: "1.24.2")
  ],
  targets: targets
)
