// swift-tools-version:6.1
// FaceEmotionCore: packager's pure-Swift runtime library (frames, resampling, detection decode,
// the wrappers' pre- and post-processing, types, TensorSpec, Npy, the self-check's measure, the
// Core ML options) + the generated Recipes.swift. It depends on nothing: CI builds and tests it
// on Linux, offline. `packager build --target ios` copies this file as it is into
// <out>/ios/FaceEmotionCore; here, beside the library, are the parity harness CI runs against
// the Python reference and the tests. A target is declared only when its folder exists, so the
// one manifest serves both. The package FaceEmotion (../FaceEmotion) adds ONNX Runtime on top.

import Foundation
import PackageDescription

/// Whether `path` (relative to this file) exists.
func exists(_ path: String) -> Bool {
  FileManager.default.fileExists(atPath: Context.packageDirectory + "/" + path)
}

var targets: [Target] = [.target(name: "FaceEmotionCore")]
if exists("Sources/ParityHarness") {
  targets.append(.executableTarget(name: "ParityHarness", dependencies: ["FaceEmotionCore"]))
}
if exists("Tests/FaceEmotionTests") {
  targets.append(.testTarget(name: "FaceEmotionTests", dependencies: ["FaceEmotionCore"]))
}

let package = Package(
  name: "FaceEmotionCore",
  platforms: [.iOS(.v15), .macOS(.v14)],
  products: [
    .library(name: "FaceEmotionCore", targets: ["FaceEmotionCore"])
  ],
  targets: targets
)
