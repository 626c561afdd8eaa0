// swift-tools-version:6.0
// The FaceEmotion library (Sources/FaceEmotion: packager's Swift runtime library + Recipes.swift,
// rendered from templates/swift/), the parity harness CI runs against the Python reference, and
// the tests.

import PackageDescription

// Set to true to compile FaceEmotionPipeline (ONNX Runtime sessions with the CoreML execution
// provider) into the package; SwiftPM then fetches ONNX Runtime's Swift package. Left false,
// the package depends on nothing and the runtime glue compiles away: that is how CI builds and
// tests the pure-Swift core on Linux (see README.md).
let withONNXRuntime = false

let onnxRuntime: [Target.Dependency] =
  withONNXRuntime
  ? [.product(name: "onnxruntime", package: "onnxruntime-swift-package-manager")] : []

let package = Package(
  name: "FaceEmotion",
  platforms: [.iOS(.v15), .macOS(.v12)],
  products: [
    .library(name: "FaceEmotion", targets: ["FaceEmotion"])
  ],
  dependencies: withONNXRuntime
    ? [
      .package(
        url: "https://github.com/microsoft/onnxruntime-swift-package-manager", from: "1.20.0")
    ] : [],
  targets: [
    .target(name: "FaceEmotion", dependencies: onnxRuntime, resources: [.copy("Resources")]),
    .executableTarget(name: "ParityHarness", dependencies: ["FaceEmotion"]),
    .testTarget(name: "FaceEmotionTests", dependencies: ["FaceEmotion"]),
  ]
)
