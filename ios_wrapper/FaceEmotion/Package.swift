// swift-tools-version:6.1
// FaceEmotion: FaceEmotionPipeline and ModelSession on ONNX Runtime, over FaceEmotionCore
// (../FaceEmotionCore, re-exported: `import FaceEmotion` is all an app writes). packager's
// runtime library; `packager build --target ios` copies this file as it is into
// <out>/ios/FaceEmotion, beside <out>/ios/FaceEmotionCore, with the .ort models in
// Sources/FaceEmotion/Resources. Xcode: File ▸ Add Package Dependencies ▸ Add Local… ▸ this
// folder.

import Foundation
import PackageDescription

/// Whether `path` (relative to this file) exists.
func exists(_ path: String) -> Bool {
  FileManager.default.fileExists(atPath: Context.packageDirectory + "/" + path)
}

// The models land flat at the root of the resource bundle (Bundle.module), where
// `Bundle.url(forResource:withExtension:)` finds them and codesign accepts the bundle.
// PACKAGE_RESOURCES tells the sources that Bundle.module exists (the committed package has no
// models).
let hasResources = exists("Sources/FaceEmotion/Resources")

let package = Package(
  name: "FaceEmotion",
  // ONNX Runtime's Swift package needs macOS 14; Core ML's MLProgram format needs iOS 15.
  platforms: [.iOS(.v15), .macOS(.v14)],
  products: [
    .library(name: "FaceEmotion", targets: ["FaceEmotion"])
  ],
  dependencies: [
    .package(path: "../FaceEmotionCore"),
    // The ONNX Runtime that writes and verifies the .ort files; Android pins the same version.
    .package(
      url: "https://github.com/microsoft/onnxruntime-swift-package-manager", exact: "1.24.2"),
  ],
  targets: [
    .target(
      name: "FaceEmotion",
      dependencies: [
        .product(name: "FaceEmotionCore", package: "FaceEmotionCore"),
        .product(name: "onnxruntime", package: "onnxruntime-swift-package-manager"),
      ],
      resources: hasResources ? [.process("Resources")] : nil,
      swiftSettings: hasResources ? [.define("PACKAGE_RESOURCES")] : nil)
  ]
)
