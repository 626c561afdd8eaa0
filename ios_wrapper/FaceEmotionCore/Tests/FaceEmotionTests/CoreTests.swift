// Unit tests of the generated core: the constants it was rendered with, the documented
// formulas on inputs whose answer follows from them, and the errors bad input gets.
// Numerical parity with the Python reference is proven by tests/swift (the parity harness).

import XCTest

@testable import FaceEmotionCore

final class RecipeTests: XCTestCase {
  func testLookupByName() throws {
    for config in Recipes.emotions {
      XCTAssertEqual(Recipes.emotion(config.name), config)
    }
    XCTAssertNil(Recipes.emotion("no-such-recipe"))
    XCTAssertEqual(Recipes.detector(Recipes.blazefaceShortRange.name), Recipes.blazefaceShortRange)
    XCTAssertNil(Recipes.detector("no-such-recipe"))
    XCTAssertTrue(Recipes.emotions.contains(Recipes.defaultEmotion))
  }

  func testShapesAgreeWithLayout() {
    for c in Recipes.emotions {
      let channelAxis = c.layout == .nhwc ? 3 : 1
      XCTAssertEqual(c.inputShape[channelAxis], c.channels, c.name)
      XCTAssertEqual(c.mean.count, c.channels, c.name)
      XCTAssertEqual(c.scale.count, c.channels, c.name)
    }
    let d = Recipes.blazefaceShortRange
    XCTAssertEqual(d.inputShape, [1, d.inputSize, d.inputSize, 3])
    XCTAssertEqual(d.keypointNames.count, d.numKeypoints)
  }
}

final class DetectionTests: XCTestCase {
  func testAnchorGrid() {
    let wrapper = FaceDetectionWrapper()
    let a = wrapper.config.anchors
    // Equal consecutive strides share one grid (docs/DESIGN.md: 16×16×2 + 8×8×6 for BlazeFace).
    var expected = 0
    var previous = -1
    for stride in a.strides where stride != previous {
      let cells = (a.inputSize + stride - 1) / stride
      expected += cells * cells * a.anchorsPerLayer * a.strides.filter { $0 == stride }.count
      previous = stride
    }
    XCTAssertEqual(wrapper.numAnchors, expected)
    let cells = Double((a.inputSize + a.strides[0] - 1) / a.strides[0])
    XCTAssertEqual(wrapper.anchors[0], Point(x: a.offset / cells, y: a.offset / cells))
  }

  func testLetterboxOfWideImage() {
    let box = Letterbox.fit(width: 200, height: 100, size: 128)
    XCTAssertEqual(box, Letterbox(x0: 0, y0: -50, x1: 200, y1: 150, width: 200, height: 100))
    XCTAssertEqual(box.toImage(Point(x: 0.5, y: 0.5)), Point(x: 100, y: 50))
  }

  func testUniformImageAndPadding() throws {
    let wrapper = FaceDetectionWrapper()
    let c = wrapper.config
    let (w, h, v) = (40, 20, 200)
    let pixels = [UInt8](repeating: UInt8(v), count: w * h * 4)
    let input = try wrapper.preprocess(pixels: pixels, width: w, height: h)
    XCTAssertEqual(input.shape, c.inputShape)
    XCTAssertEqual(input.tensor.count, c.inputSize * c.inputSize * 3)
    let centre = (c.inputSize / 2 * c.inputSize + c.inputSize / 2) * 3
    XCTAssertEqual(
      Double(input.tensor[centre]), Double(v) * c.normScale + c.normOffset, accuracy: 1e-6)
    // The top rows are letterbox padding: fill.
    XCTAssertEqual(Double(input.tensor[0]), c.fill * c.normScale + c.normOffset, accuracy: 1e-6)
  }

  func testWeightedNMSMergesOverlapsAndKeepsBestScore() {
    let a = Detection(
      box: Box(xmin: 0, ymin: 0, xmax: 1, ymax: 1), keypoints: [Point(x: 0, y: 0)], score: 0.9)
    let b = Detection(
      box: Box(xmin: 0.1, ymin: 0, xmax: 1.1, ymax: 1), keypoints: [Point(x: 1, y: 1)],
      score: 0.6)
    let far = Detection(
      box: Box(xmin: 5, ymin: 5, xmax: 6, ymax: 6), keypoints: [Point(x: 5, y: 5)], score: 0.7)
    let out = BlazeFace.weightedNMS([b, far, a], threshold: 0.3)
    XCTAssertEqual(out.count, 2)
    XCTAssertEqual(out[0].score, 0.9)
    XCTAssertEqual(out[0].box.xmin, (0.0 * 0.9 + 0.1 * 0.6) / 1.5, accuracy: 1e-12)
    XCTAssertEqual(out[0].keypoints[0].x, 0.6 / 1.5, accuracy: 1e-12)
    XCTAssertEqual(out[1].score, far.score)
    XCTAssertEqual(out[1].box.xmax, far.box.xmax, accuracy: 1e-12)
  }

  /// One confident anchor whose keypoint k lies k input pixels right of the anchor.
  private func oneFace(_ c: DetectorRecipe, anchors n: Int) -> (reg: [Float], cls: [Float]) {
    var regressors = [Float](repeating: 0, count: n * c.rowLength)
    var scores = [Float](repeating: -20, count: n)
    scores[5] = 10
    regressors[5 * c.rowLength + 2] = 20  // width and height, input pixels
    regressors[5 * c.rowLength + 3] = 20
    for k in 0..<c.numKeypoints {
      regressors[5 * c.rowLength + 4 + 2 * k] = Float(k)
    }
    return (regressors, scores)
  }

  /// A mirrored input names the keypoints for the subject: the left/right pairs swapped
  /// (keypointMirror), the points and the box unchanged; normalizedBox is the pixel box over
  /// the image's size, letterboxBox the detector's own.
  func testMirroredInputSwapsTheLeftRightPairs() throws {
    let wrapper = FaceDetectionWrapper()
    let c = wrapper.config
    let (reg, cls) = oneFace(c, anchors: wrapper.numAnchors)
    let letterbox = Letterbox.fit(width: 256, height: 128, size: c.inputSize)
    let plain = try wrapper.postprocess(
      regressors: reg, classificators: cls, letterbox: letterbox, mirrored: false)
    let mirrored = try wrapper.postprocess(
      regressors: reg, classificators: cls, letterbox: letterbox, mirrored: true)
    XCTAssertEqual(plain.count, 1)
    XCTAssertEqual(mirrored.count, 1)
    XCTAssertEqual(mirrored[0].box, plain[0].box)
    XCTAssertEqual(mirrored[0].keypoints, c.keypointMirror.map { plain[0].keypoints[$0] })
    let names = c.keypointNames
    guard let right = names.firstIndex(of: "right_eye"),
      let left = names.firstIndex(of: "left_eye"),
      let nose = names.firstIndex(of: "nose_tip")
    else { return XCTFail("keypoint names \(names)") }
    XCTAssertEqual(mirrored[0].keypoints[right], plain[0].keypoints[left])
    XCTAssertEqual(mirrored[0].letterboxKeypoints[left], plain[0].letterboxKeypoints[right])
    XCTAssertEqual(mirrored[0].keypoints[nose], plain[0].keypoints[nose])
    let f = plain[0]
    XCTAssertEqual(f.normalizedBox.xmax, f.box.xmax / 256, accuracy: 1e-15)
    XCTAssertEqual(f.normalizedBox.ymin, f.box.ymin / 128, accuracy: 1e-15)
    XCTAssertEqual(f.normalizedKeypoints[right].y, f.keypoints[right].y / 128, accuracy: 1e-15)
    XCTAssertEqual(f.box, letterbox.toImage(f.letterboxBox))
  }

  func testAKeypointMirrorThatIsNoPermutationIsRefused() {
    let d = Recipes.blazefaceShortRange
    let bad = DetectorRecipe(
      name: d.name, inputName: d.inputName, inputShape: d.inputShape,
      regressorsName: d.regressorsName, classificatorsName: d.classificatorsName, scale: d.scale,
      normScale: d.normScale, normOffset: d.normOffset, fill: d.fill, anchors: d.anchors,
      numKeypoints: d.numKeypoints, keypointNames: d.keypointNames,
      keypointMirror: [0, 0, 2, 3, 4, 5], scoreClip: d.scoreClip, minScore: d.minScore,
      iouThreshold: d.iouThreshold, resize: d.resize)
    let wrapper = FaceDetectionWrapper(config: bad)
    let (reg, cls) = oneFace(bad, anchors: wrapper.numAnchors)
    XCTAssertThrowsError(
      try wrapper.postprocess(
        regressors: reg, classificators: cls,
        letterbox: Letterbox.fit(width: 8, height: 8, size: bad.inputSize), mirrored: false)
    ) { error in
      guard case PackagerError.invalidConfig = error else {
        return XCTFail("unexpected error \(error)")
      }
    }
  }

  func testOutputsOfWrongLengthThrow() {
    let wrapper = FaceDetectionWrapper()
    let n = wrapper.numAnchors
    let row = wrapper.config.rowLength
    let box = Letterbox(x0: 0, y0: 0, x1: 1, y1: 1, width: 1, height: 1)
    XCTAssertThrowsError(
      try wrapper.postprocess(
        regressors: [Float](repeating: 0, count: n * row - 1),
        classificators: [Float](repeating: 0, count: n), letterbox: box, mirrored: false))
    XCTAssertThrowsError(
      try wrapper.postprocess(
        regressors: [], classificators: [], letterbox: box, mirrored: false))
  }

  func testNonFiniteOutputsAreDropped() throws {
    let wrapper = FaceDetectionWrapper()
    let n = wrapper.numAnchors
    var regressors = [Float](repeating: 10, count: n * wrapper.config.rowLength)
    var scores = [Float](repeating: .nan, count: n)
    scores[3] = 50  // a confident anchor whose box is NaN
    regressors[3 * wrapper.config.rowLength + 2] = .nan
    scores[7] = .infinity  // clipped, then kept
    let faces = try wrapper.postprocess(
      regressors: regressors, classificators: scores,
      letterbox: Letterbox(x0: 0, y0: 0, x1: 1, y1: 1, width: 1, height: 1), mirrored: false)
    XCTAssertEqual(faces.count, 1)
    XCTAssertEqual(
      faces[0].letterboxBox.xmin, wrapper.anchors[7].x + (10 - 5) / 128, accuracy: 1e-12)
  }

  func testBadImagesThrow() {
    let wrapper = FaceDetectionWrapper()
    for (w, h, count) in [
      (0, 0, 0), (0, 5, 0), (-1, 4, 16), (4, 4, 63), (4, 4, 65), (Int.max, 2, 8),
    ] {
      XCTAssertThrowsError(
        try wrapper.preprocess(pixels: [UInt8](repeating: 0, count: count), width: w, height: h)
      ) { error in
        guard case PackagerError.invalidImage = error else {
          return XCTFail("\(w)×\(h): \(error)")
        }
      }
    }
  }
}

final class EmotionTests: XCTestCase {
  func testCropRectIsSquareAroundTheBox() {
    let wrapper = FaceEmotionRecognitionWrapper()
    let rect = wrapper.cropRect(for: Box(xmin: 10, ymin: 20, xmax: 30, ymax: 60))
    let side = 40 * wrapper.config.cropScale
    XCTAssertEqual(
      rect, Box(xmin: 20 - side / 2, ymin: 40 - side / 2, xmax: 20 + side / 2, ymax: 40 + side / 2))
  }

  func testIdentityResampleAndLayout() throws {
    // A crop exactly the size of the model input samples every pixel once, for every recipe.
    for c in Recipes.emotions {
      let s = c.size
      var pixels = [UInt8](repeating: 0, count: s * s * 4)
      for i in 0..<(s * s) {
        pixels[i * 4] = UInt8(i % 251)
        pixels[i * 4 + 1] = UInt8(i % 13)
        pixels[i * 4 + 2] = UInt8(i % 7)
      }
      let box = Box(xmin: 0, ymin: 0, xmax: Double(s), ymax: Double(s))
      let x = try FaceEmotionRecognitionWrapper(config: c).preprocess(
        pixels: pixels, width: s, height: s, box: box)
      XCTAssertEqual(x.tensor.count, s * s * c.channels)
      let i = s * 3 + 5  // pixel (5, 3)
      let rgb = [Double(pixels[i * 4]), Double(pixels[i * 4 + 1]), Double(pixels[i * 4 + 2])]
      let first: Double
      switch c.color {
      case .gray:
        let (wr, wg, wb) = ColorOrder.grayWeights
        first = rgb[0] * wr + rgb[1] * wg + rgb[2] * wb
      case .rgb: first = rgb[0]
      case .bgr: first = rgb[2]
      }
      let expected = (first - c.mean[0]) * c.scale[0]
      let index = c.layout == .nhwc ? i * c.channels : i
      XCTAssertEqual(Double(x.tensor[index]), expected, accuracy: 1e-4, c.name)
    }
  }

  func testBoxOutsideTheImageReadsFill() throws {
    for c in Recipes.emotions {
      let pixels = [UInt8](repeating: 255, count: 8 * 8 * 4)
      let x = try FaceEmotionRecognitionWrapper(config: c).preprocess(
        pixels: pixels, width: 8, height: 8, box: Box(xmin: 100, ymin: 100, xmax: 120, ymax: 130))
      for (i, v) in x.tensor.enumerated() {
        let channel = c.layout == .nhwc ? i % c.channels : i / (c.size * c.size)
        XCTAssertEqual(Double(v), (c.fill - c.mean[channel]) * c.scale[channel], accuracy: 1e-4)
      }
    }
  }

  func testBadBoxesThrow() {
    let wrapper = FaceEmotionRecognitionWrapper()
    let pixels = [UInt8](repeating: 0, count: 4 * 4 * 4)
    let boxes = [
      Box(xmin: 1, ymin: 1, xmax: 1, ymax: 1),
      Box(xmin: .nan, ymin: 0, xmax: 2, ymax: 2),
      Box(xmin: 0, ymin: 0, xmax: .infinity, ymax: 2),
      Box(xmin: 3, ymin: 3, xmax: 1, ymax: 1),
      Box(xmin: 0, ymin: 0, xmax: 1e300, ymax: 1e300),
    ]
    for box in boxes {
      XCTAssertThrowsError(try wrapper.preprocess(pixels: pixels, width: 4, height: 4, box: box)) {
        guard case PackagerError.invalidBox = $0 else {
          return XCTFail("\(box): \($0)")
        }
      }
    }
  }

  func testSoftmaxAndFirstMaximum() throws {
    guard let logits = Recipes.emotions.first(where: { $0.outputsAreLogits }) else {
      return XCTFail("no recipe with logits")
    }
    let wrapper = FaceEmotionRecognitionWrapper(config: logits)
    let n = logits.labels.count
    let uniform = try wrapper.postprocess(output: [Float](repeating: 3, count: n))
    XCTAssertEqual(uniform.topIndex, 0)
    for p in uniform.probabilities {
      XCTAssertEqual(p, 1 / Double(n), accuracy: 1e-12)
    }
    var output = [Float](repeating: 0, count: n)
    output[n - 1] = 2
    let r = try wrapper.postprocess(output: output)
    XCTAssertEqual(r.topLabel, logits.labels[n - 1])
    XCTAssertEqual(r.topProbability, exp(2) / (exp(2) + Double(n - 1)), accuracy: 1e-12)
  }

  func testBadOutputsThrow() {
    let wrapper = FaceEmotionRecognitionWrapper()
    let n = wrapper.config.labels.count
    for output in [[], [Float](repeating: 0.1, count: n + 1), [Float](repeating: .nan, count: n)] {
      XCTAssertThrowsError(try wrapper.postprocess(output: output)) {
        guard case PackagerError.invalidTensor = $0 else {
          return XCTFail("\($0)")
        }
      }
    }
  }
}

final class StepsTests: XCTestCase {
  func testStepsChainDetectionAndEmotion() throws {
    let steps = FaceEmotionSteps()
    let detection = steps.detection
    let n = detection.numAnchors
    var scores = [Float](repeating: -20, count: n)
    scores[100] = 5
    let regressors = [Float](repeating: 0, count: n * detection.config.rowLength).enumerated().map {
      $0.offset % detection.config.rowLength < 4 && $0.offset % detection.config.rowLength >= 2
        ? Float(20) : Float(0)
    }
    let labels = steps.recognition.config.labels
    var calls = 0
    let results = try steps.run(
      pixels: [UInt8](repeating: 90, count: 64 * 48 * 4), width: 64, height: 48,
      runDetector: { _ in DetectorOutputs(regressors: regressors, classificators: scores) },
      runEmotion: { input in
        calls += 1
        XCTAssertEqual(input.shape, steps.recognition.config.inputShape)
        return [Float](repeating: 1, count: labels.count)
      })
    XCTAssertEqual(results.count, 1)
    XCTAssertEqual(calls, 1)
    XCTAssertEqual(results[0].emotion?.labels, labels)
  }

  func testMaxFacesBelowOneIsRefusedBeforeAnyModelRuns() {
    // Kotlin's FaceEmotionSteps refuses it when made, with the same words (Errors.swift).
    for maxFaces in [0, -1] {
      var calls = 0
      XCTAssertThrowsError(
        try FaceEmotionSteps(maxFaces: maxFaces).run(
          pixels: [UInt8](repeating: 90, count: 8 * 8 * 4), width: 8, height: 8,
          runDetector: { _ in
            calls += 1
            return DetectorOutputs(regressors: [], classificators: [])
          },
          runEmotion: { _ in [] })
      ) { error in
        XCTAssertEqual(error as? PackagerError, .invalidConfig("maxFaces \(maxFaces) < 1"))
      }
      XCTAssertEqual(calls, 0)
    }
  }
}
