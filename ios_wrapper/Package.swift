// swift-tools-version:6.0
// The generated FaceEmotion core (Sources/FaceEmotion, rendered by packager from
// templates/swift/), the parity harness CI runs against the Python reference, and the tests.
// No outside dependency: the ONNX Runtime glue compiles only when the app's target can import
// onnxruntime_objc (see README.md).

import PackageDescription

let package = Package(
  name: "FaceEmotion",
  platforms: [.iOS(.v15), .macOS(.v12)],
  products: [
    .library(name: "FaceEmotion", targets: ["FaceEmotion"])
  ],
  targets: [
    .target(name: "FaceEmotion", resources: [.copy("Resources")]),
    .executableTarget(name: "ParityHarness", dependencies: ["FaceEmotion"]),
    .testTarget(name: "FaceEmotionTests", dependencies: ["FaceEmotion"]),
  ]
)
