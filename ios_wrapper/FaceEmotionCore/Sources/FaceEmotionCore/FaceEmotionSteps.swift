// Runtime library of packager (hand-written, not generated), the same for every recipe.

/// The detector's raw outputs for one input, in model order.
public struct DetectorOutputs: Sendable, Equatable {
  /// anchors × (4 + 2 · keypoints) values.
  public var regressors: [Float]
  /// One raw score per anchor.
  public var classificators: [Float]

  /// Outputs from their two tensors.
  public init(regressors: [Float], classificators: [Float]) {
    self.regressors = regressors
    self.classificators = classificators
  }
}

/// One detected face with its emotion (nil when its crop or model output was unusable).
public struct FaceResult: Sendable, Equatable {
  /// The face, in source-image pixels.
  public var face: Face
  /// The classification of its crop.
  public var emotion: EmotionResult?

  /// A face with its emotion.
  public init(face: Face, emotion: EmotionResult?) {
    self.face = face
    self.emotion = emotion
  }
}

/// detect → crop → classify for every face, independent of the inference runtime: the caller
/// passes closures that run the two models (`FaceEmotionPipeline` passes ONNX Runtime
/// sessions). Keeping the chain here keeps it in the pure core, which CI compiles and tests.
public struct FaceEmotionSteps: Sendable {
  /// Detector pre- and post-processing.
  public let detection: FaceDetectionWrapper
  /// Emotion pre- and post-processing.
  public let recognition: FaceEmotionRecognitionWrapper
  /// At most this many faces (the best ones) are kept and classified (> 0); nil: all. Checked
  /// when the steps run (`.invalidConfig` below 1, as Kotlin's constructor refuses it).
  public var maxFaces: Int?

  /// The steps for two wrappers (default: the packaged recipes).
  public init(
    detection: FaceDetectionWrapper = FaceDetectionWrapper(),
    recognition: FaceEmotionRecognitionWrapper = FaceEmotionRecognitionWrapper(),
    maxFaces: Int? = nil
  ) {
    self.detection = detection
    self.recognition = recognition
    self.maxFaces = maxFaces
  }

  /// Every face of an RGBA8 image (row-major, width · height · 4 bytes) with its emotion, best
  /// face first: `run(_:runDetector:runEmotion:)` on it as an upright `.rgba` frame.
  ///
  /// `maxFaces` below 1 is `.invalidConfig`. The image is checked as in
  /// `FaceDetectionWrapper.preprocess` (thrown `PackagerError`), and so are the detector
  /// outputs; errors of `runDetector` and
  /// `runEmotion` propagate. A face whose crop cannot be made (empty or non-finite box) or whose
  /// emotion output is unusable (wrong length, NaN) gets `emotion == nil`.
  public func run(
    pixels: [UInt8], width: Int, height: Int,
    runDetector: (DetectionInput) throws -> DetectorOutputs,
    runEmotion: (EmotionInput) throws -> [Float]
  ) throws -> [FaceResult] {
    try checkMaxFaces()
    return try RGBAImage(pixels: pixels, width: width, height: height).withFrame { frame in
      try run(frame, runDetector: runDetector, runEmotion: runEmotion)
    }
  }

  /// Every face of a camera frame with its emotion, best face first, in the upright frame's
  /// pixels (as `run(pixels:width:height:runDetector:runEmotion:)`).
  public func run(
    _ frame: CameraFrame, runDetector: (DetectionInput) throws -> DetectorOutputs,
    runEmotion: (EmotionInput) throws -> [Float]
  ) throws -> [FaceResult] {
    try checkMaxFaces()
    let input = try detection.preprocess(frame)
    let outputs = try runDetector(input)
    let faces = try detection.postprocess(
      regressors: outputs.regressors, classificators: outputs.classificators, input: input)
    return try faces.prefix(maxFaces ?? faces.count).map { face in
      guard let x = try? recognition.preprocess(frame, face) else {
        return FaceResult(face: face, emotion: nil)
      }
      let output = try runEmotion(x)
      return FaceResult(face: face, emotion: try? recognition.postprocess(output: output))
    }
  }

  /// `.invalidConfig` unless `maxFaces` is nil or positive (Kotlin: "maxFaces 0 < 1").
  private func checkMaxFaces() throws {
    if let maxFaces, maxFaces < 1 {
      throw PackagerError.invalidConfig("maxFaces \(maxFaces) < 1")
    }
  }
}
