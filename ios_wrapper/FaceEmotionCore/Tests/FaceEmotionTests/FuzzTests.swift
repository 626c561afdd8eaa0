// Fuzz tests: seeded random (and hostile) model outputs, boxes and image sizes driven through
// the decoders and preprocessors. Each must return a well-formed result or throw a
// PackagerError; a trap would crash the test process.

import XCTest

@testable import FaceEmotionCore

/// SplitMix64: a tiny seeded generator, so every run sees the same cases.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int {
    n <= 0 ? 0 : Int(next() % UInt64(n))
  }

  /// Mostly ordinary floats, sometimes NaN, ±infinity, extremes and subnormals.
  mutating func hostileFloat(_ ordinary: ClosedRange<Float>) -> Float {
    switch below(16) {
    case 0: return .nan
    case 1: return .infinity
    case 2: return -.infinity
    case 3: return .greatestFiniteMagnitude
    case 4: return -.greatestFiniteMagnitude
    case 5: return .leastNonzeroMagnitude
    default: return Float.random(in: ordinary, using: &self)
    }
  }

  mutating func hostileDouble(_ ordinary: ClosedRange<Double>) -> Double {
    switch below(20) {
    case 0: return .nan
    case 1: return .infinity
    case 2: return -.infinity
    case 3: return 1e300
    case 4: return -1e13
    default: return Double.random(in: ordinary, using: &self)
    }
  }
}

final class FuzzTests: XCTestCase {
  func testDetectorDecoderOnRandomOutputs() {
    var g = SplitMix64(seed: 0xFACE_0001)
    let wrapper = FaceDetectionWrapper()
    let c = wrapper.config
    let n = wrapper.numAnchors
    let row = c.rowLength
    var decodedFaces = 0
    for _ in 0..<2000 {
      let wrong = g.below(6) == 0
      let regCount = wrong && g.below(2) == 0 ? g.below(2 * n * row) : n * row
      let clsCount = wrong && regCount == n * row ? g.below(2 * n) : n
      let regressors = (0..<regCount).map { _ in g.hostileFloat(-300...300) }
      // Sparse confident anchors keep NMS busy without every anchor being a face.
      let classificators = (0..<clsCount).map { _ in
        g.below(30) == 0 ? g.hostileFloat(-5...50) : -20
      }
      let letterbox = Letterbox(
        x0: g.hostileDouble(-500...500), y0: g.hostileDouble(-500...500),
        x1: g.hostileDouble(-500...1500), y1: g.hostileDouble(-500...1500),
        width: g.below(3), height: g.below(3))
      let lengthsRight = regCount == n * row && clsCount == n
      do {
        let faces = try wrapper.postprocess(
          regressors: regressors, classificators: classificators, letterbox: letterbox,
          mirrored: g.below(2) == 0)
        XCTAssertTrue(lengthsRight, "wrong lengths \(regCount), \(clsCount) were accepted")
        decodedFaces += faces.count
        for f in faces {
          XCTAssertTrue(f.score >= c.minScore && f.score <= 1, "score \(f.score)")
          let b = f.letterboxBox
          XCTAssertTrue([b.xmin, b.ymin, b.xmax, b.ymax].allSatisfy { $0.isFinite })
          XCTAssertEqual(f.keypoints.count, c.numKeypoints)
          XCTAssertEqual(f.normalizedKeypoints.count, c.numKeypoints)
          XCTAssertEqual(f.letterboxKeypoints.count, c.numKeypoints)
        }
      } catch PackagerError.invalidTensor {
        XCTAssertFalse(lengthsRight, "right lengths were refused")
      } catch {
        XCTFail("unexpected error \(error)")
      }
    }
    XCTAssertGreaterThan(decodedFaces, 100, "the fuzz never reached NMS")
  }

  func testEmotionDecoderOnRandomOutputs() {
    var g = SplitMix64(seed: 0xFACE_0002)
    for iteration in 0..<6000 {
      let config = Recipes.emotions[iteration % Recipes.emotions.count]
      let wrapper = FaceEmotionRecognitionWrapper(config: config)
      let n = config.labels.count
      let count = g.below(8) == 0 ? g.below(3 * n) : n
      let output = (0..<count).map { _ in
        g.below(4) == 0 ? g.hostileFloat(-1e6...1e6) : Float.random(in: -20...20, using: &g)
      }
      let valid = count == n && output.allSatisfy { $0.isFinite }
      do {
        let r = try wrapper.postprocess(output: output)
        XCTAssertTrue(valid, "\(output) was accepted")
        XCTAssertEqual(r.probabilities.count, n)
        XCTAssertTrue(r.probabilities.indices.contains(r.topIndex))
        XCTAssertEqual(r.probabilities.max(), r.topProbability)
        XCTAssertEqual(r.topLabel, config.labels[r.topIndex])
        if config.outputsAreLogits {
          XCTAssertEqual(r.probabilities.reduce(0, +), 1, accuracy: 1e-9)
          XCTAssertTrue(r.probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
      } catch PackagerError.invalidTensor {
        XCTAssertFalse(valid, "\(output) was refused")
      } catch {
        XCTFail("unexpected error \(error)")
      }
    }
  }

  func testEmotionPreprocessOnRandomBoxesAndImages() {
    var g = SplitMix64(seed: 0xFACE_0003)
    var made = 0
    for iteration in 0..<1500 {
      let config = Recipes.emotions[iteration % Recipes.emotions.count]
      let wrapper = FaceEmotionRecognitionWrapper(config: config)
      let w = g.below(12)
      let h = g.below(12)
      let count = g.below(10) == 0 ? g.below(w * h * 4 + 8) : w * h * 4
      let pixels = (0..<count).map { _ in UInt8(truncatingIfNeeded: g.next()) }
      let box = Box(
        xmin: g.hostileDouble(-30...30), ymin: g.hostileDouble(-30...30),
        xmax: g.hostileDouble(-30...60), ymax: g.hostileDouble(-30...60))
      do {
        let x = try wrapper.preprocess(pixels: pixels, width: w, height: h, box: box)
        XCTAssertEqual(x.tensor.count, config.size * config.size * config.channels)
        XCTAssertTrue(x.tensor.allSatisfy { $0.isFinite })
        XCTAssertTrue(w > 0 && h > 0 && count == w * h * 4)
        made += 1
      } catch PackagerError.invalidImage {
        XCTAssertFalse(w > 0 && h > 0 && count == w * h * 4)
      } catch PackagerError.invalidBox {
        continue
      } catch {
        XCTFail("unexpected error \(error)")
      }
    }
    XCTAssertGreaterThan(made, 300, "the fuzz rarely made a crop")
  }

  func testDetectorPreprocessOnRandomSizes() {
    var g = SplitMix64(seed: 0xFACE_0004)
    let wrapper = FaceDetectionWrapper()
    let c = wrapper.config
    for _ in 0..<300 {
      let w = g.below(3) == 0 ? g.below(3) : g.below(300)
      let h = g.below(3) == 0 ? g.below(3) : g.below(300)
      let count = g.below(8) == 0 ? g.below(w * h * 4 + 8) : w * h * 4
      let pixels = (0..<count).map { _ in UInt8(truncatingIfNeeded: g.next()) }
      let ok = w > 0 && h > 0 && count == w * h * 4
      do {
        let x = try wrapper.preprocess(pixels: pixels, width: w, height: h)
        XCTAssertTrue(ok)
        XCTAssertEqual(x.tensor.count, c.inputSize * c.inputSize * 3)
        let lo = Float(c.normOffset)
        let hi = Float(255 * c.normScale + c.normOffset)
        XCTAssertTrue(x.tensor.allSatisfy { $0 >= lo - 1e-5 && $0 <= hi + 1e-5 })
      } catch PackagerError.invalidImage {
        XCTAssertFalse(ok)
      } catch {
        XCTFail("unexpected error \(error)")
      }
    }
  }

  func testStepsOnRandomOutputs() throws {
    var g = SplitMix64(seed: 0xFACE_0005)
    let steps = FaceEmotionSteps()
    let n = steps.detection.numAnchors
    let row = steps.detection.config.rowLength
    let labels = steps.recognition.config.labels.count
    let pixels = (0..<(96 * 64 * 4)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
    for _ in 0..<200 {
      let regressors = (0..<(n * row)).map { _ in g.hostileFloat(-64...64) }
      let scores = (0..<n).map { _ in g.below(40) == 0 ? g.hostileFloat(0...10) : -10 }
      let results = try steps.run(
        pixels: pixels, width: 96, height: 64,
        runDetector: { _ in DetectorOutputs(regressors: regressors, classificators: scores) },
        runEmotion: { _ in
          (0..<(g.below(5) == 0 ? g.below(2 * labels) : labels)).map { _ in
            g.hostileFloat(0...1)
          }
        })
      for r in results {
        if let e = r.emotion {
          XCTAssertEqual(e.probabilities.count, labels)
        }
      }
    }
  }
}
