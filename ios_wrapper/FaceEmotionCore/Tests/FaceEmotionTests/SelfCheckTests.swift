// Unit tests of the self-check and session core: .npy files, scaledDiff, sample names,
// tensor specs from the recipes, Core ML provider options, and the pipeline's face limits.
// tests/swift/test_swift_selfcheck.py checks Npy and scaledDiff on files numpy wrote.

import Foundation
import XCTest

@testable import FaceEmotionCore

final class NpyTests: XCTestCase {
  func testRoundTrip() throws {
    for shape in [[], [3], [1, 896, 16], [2, 0]] {
      let count = shape.reduce(1, *)
      let a = try Npy(shape: shape, values: (0..<count).map { Float($0) * 0.5 - 3 })
      let data = a.encoded()
      XCTAssertEqual(try Npy(data: data), a)
      let headerLength = Int(data[8]) | Int(data[9]) << 8
      XCTAssertEqual((10 + headerLength) % 64, 0, "\(shape)")
      XCTAssertEqual(data.count, 10 + headerLength + 4 * count)
    }
  }

  func testHeaderIsNumpys() throws {
    let data = try Npy(shape: [3], values: [1, 2, 3]).encoded()
    let header = String(decoding: data[10..<(data.count - 12)], as: UTF8.self)
    XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"))
    XCTAssertTrue(header.hasSuffix(" \n"))
  }

  func testShapeAndValuesMustAgree() {
    XCTAssertThrowsError(try Npy(shape: [2, 2], values: [1, 2, 3]))
    XCTAssertThrowsError(try Npy(shape: [-1], values: []))
  }

  func testRefusesOtherLayouts() throws {
    let good = try Npy(shape: [2], values: [1, 2]).encoded()
    func replacing(_ old: String, _ new: String) -> Data {
      XCTAssertEqual(old.utf8.count, new.utf8.count)
      var data = good
      if let range = data.range(of: Data(old.utf8)) {
        data.replaceSubrange(range, with: Data(new.utf8))
      } else {
        XCTFail("no \(old) in the header")
      }
      return data
    }
    let cases: [(Data, String)] = [
      (replacing("'<f4'", "'>f4'"), "big-endian"),
      (replacing("'<f4'", "'<f8'"), "dtype <f8"),
      (replacing("False", "True "), "Fortran order"),
      (good.dropLast(1), "truncated"),
      (good + Data([0, 0, 0, 0]), "too long"),
      (Data("not numpy".utf8), "not a .npy file"),
      (Data(good.prefix(9)), "not a .npy file"),
    ]
    for (data, words) in cases {
      XCTAssertThrowsError(try Npy(data: data), words) { error in
        guard case PackagerError.invalidFile(let message) = error else {
          return XCTFail("\(error)")
        }
        XCTAssertTrue(message.contains(words), message)
      }
    }
  }

  func testFileErrorsNameTheFile() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "face_emotion_missing_\(UUID().uuidString).npy")
    XCTAssertThrowsError(try Npy(contentsOf: url)) { error in
      XCTAssertTrue("\(error)".contains(url.lastPathComponent), "\(error)")
    }
    let a = try Npy(shape: [1, 2], values: [0.25, -1])
    try a.write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    XCTAssertEqual(try Npy(contentsOf: url), a)
  }
}

final class ScaledDiffTests: XCTestCase {
  func testFormula() throws {
    // within ±1: the absolute difference
    XCTAssertEqual(try scaledDiff(actual: [0.5, 0.25], expected: [0.5, 0.5]), 0.25)
    // beyond: relative to the largest expected magnitude
    XCTAssertEqual(try scaledDiff(actual: [150, -10], expected: [148, -10]), 2.0 / 148.0)
    XCTAssertEqual(try scaledDiff(actual: [-200, 0], expected: [-100, 0]), 1.0)
    XCTAssertEqual(try scaledDiff(actual: [], expected: []), 0)
  }

  func testNonFiniteIsInfinite() throws {
    XCTAssertEqual(try scaledDiff(actual: [.nan, 0], expected: [0, 0]), .infinity)
    XCTAssertEqual(try scaledDiff(actual: [0, 0], expected: [0, .infinity]), .infinity)
    XCTAssertEqual(try scaledDiff(actual: [.infinity], expected: [.infinity]), .infinity)
  }

  func testLengthsMustAgree() {
    XCTAssertThrowsError(try scaledDiff(actual: [1], expected: [1, 2])) { error in
      guard case PackagerError.invalidTensor = error else { return XCTFail("\(error)") }
    }
  }

  func testResultIsJudgedAgainstItsTolerance() {
    let tolerance = Recipes.selfCheckTolerance
    XCTAssertEqual(tolerance, 1e-4)
    XCTAssertTrue(
      SelfCheckResult(model: "m", provider: "CPU", scaledDiff: tolerance, tolerance: tolerance)
        .passed)
    XCTAssertFalse(
      SelfCheckResult(model: "m", provider: "CPU", scaledDiff: 2e-4, tolerance: tolerance).passed)
    XCTAssertFalse(
      SelfCheckResult(model: "m", provider: "CPU", scaledDiff: .nan, tolerance: tolerance).passed)
  }

  func testSampleNames() {
    XCTAssertEqual(
      SelfCheckSamples.inputFile(model: "face_detection"), "face_detection.sample_input.npy")
    XCTAssertEqual(
      SelfCheckSamples.outputFile(model: "face_detection", output: "regressors"),
      "face_detection.sample_output.regressors.npy")
    XCTAssertEqual(
      SelfCheckSamples.outputFile(model: "m", output: "a/b:c d-e.f_ü"),
      "m.sample_output.a_b_c_d-e.f__.npy")
  }
}

final class SessionCoreTests: XCTestCase {
  func testTensorSpecsFollowTheRecipes() {
    let detection = FaceDetectionWrapper()
    let c = detection.config
    XCTAssertEqual(c.inputSpec, TensorSpec(name: c.inputName, shape: c.inputShape))
    XCTAssertEqual(
      c.outputSpecs(anchors: detection.numAnchors),
      [
        TensorSpec(name: c.regressorsName, shape: [1, 896, 16]),
        TensorSpec(name: c.classificatorsName, shape: [1, 896, 1]),
      ])
    let e = Recipes.ferMinixception
    XCTAssertEqual(e.outputSpec, TensorSpec(name: e.outputName, shape: [1, e.labels.count]))
    XCTAssertEqual(TensorSpec(name: "x", shape: [1, 64, 64, 1]).count, 4096)
    XCTAssertEqual(TensorSpec(name: "x", shape: [1, 2]).description, "x [1, 2]")
  }

  func testCoreMLProviderOptions() throws {
    XCTAssertEqual(
      CoreMLOptions(modelCacheDirectory: nil).providerOptions(cacheFolder: nil),
      ["MLComputeUnits": "ALL", "ModelFormat": "MLProgram", "RequireStaticInputShapes": "1"])
    let dir = URL(fileURLWithPath: "/tmp/cache", isDirectory: true)
    let options = CoreMLOptions(
      computeUnits: .cpuAndNeuralEngine, modelFormat: .neuralNetwork, modelCacheDirectory: dir,
      staticInputShapes: false)
    let folder = options.cacheFolder(model: "face_detection.ort", content: Data("abc".utf8))
    // FNV-1a 64 of "abc" (the published test vector)
    XCTAssertEqual(folder?.path, "/tmp/cache/face_detection-e71fa2190541574b")
    XCTAssertNotEqual(
      folder, options.cacheFolder(model: "face_detection.ort", content: Data("abd".utf8)))
    XCTAssertNil(
      CoreMLOptions(modelCacheDirectory: nil).cacheFolder(model: "m.ort", content: Data()))
    XCTAssertEqual(CoreMLOptions.contentKey(Data()), "cbf29ce484222325")
    XCTAssertEqual(
      options.providerOptions(cacheFolder: folder),
      [
        "MLComputeUnits": "CPUAndNeuralEngine", "ModelFormat": "NeuralNetwork",
        "RequireStaticInputShapes": "0",
        "ModelCacheDirectory": "/tmp/cache/face_detection-e71fa2190541574b",
      ])
    XCTAssertEqual(CoreMLOptions.ComputeUnits.cpuAndGPU.rawValue, "CPUAndGPU")
    XCTAssertEqual(CoreMLOptions.ComputeUnits.cpuOnly.rawValue, "CPUOnly")
    let cache = try XCTUnwrap(CoreMLOptions().modelCacheDirectory)
    XCTAssertEqual(cache, CoreMLOptions.defaultModelCacheDirectory)
    XCTAssertTrue(cache.path.hasSuffix("/FaceEmotion/CoreML"), cache.path)
    XCTAssertEqual(Provider.coreML(CoreMLOptions()).name, "CoreML")
    XCTAssertEqual(Provider.cpu.name, "CPU")
  }

  func testMaxFacesKeepsTheBestFaces() throws {
    // two well separated faces from made-up detector outputs: the best one alone survives
    // maxFaces 1
    let detection = FaceDetectionWrapper()
    let c = detection.config
    var regressors = [Float](repeating: 0, count: detection.numAnchors * c.rowLength)
    var scores = [Float](repeating: -100, count: detection.numAnchors)
    for (anchor, score) in [(0, Float(3)), (detection.numAnchors - 1, Float(5))] {
      scores[anchor] = score
      regressors[anchor * c.rowLength + 2] = 10  // w, h in input pixels
      regressors[anchor * c.rowLength + 3] = 10
    }
    let outputs = DetectorOutputs(regressors: regressors, classificators: scores)
    let pixels = [UInt8](repeating: 128, count: 64 * 64 * 4)
    func run(_ maxFaces: Int?) throws -> [FaceResult] {
      try FaceEmotionSteps(maxFaces: maxFaces).run(
        pixels: pixels, width: 64, height: 64, runDetector: { _ in outputs },
        runEmotion: { _ in [Float](repeating: 0, count: Recipes.defaultEmotion.labels.count) })
    }
    let all = try run(nil)
    XCTAssertEqual(all.count, 2)
    XCTAssertEqual(try run(1), Array(all.prefix(1)))
    XCTAssertGreaterThan(all[0].face.score, all[1].face.score)
  }

  func testThresholdsAreSettableOnACopy() {
    var c = Recipes.blazefaceShortRange
    c.minScore = 0.75
    c.iouThreshold = 0.5
    XCTAssertEqual(FaceDetectionWrapper(config: c).config.minScore, 0.75)
    XCTAssertNotEqual(c, Recipes.blazefaceShortRange)
  }
}
