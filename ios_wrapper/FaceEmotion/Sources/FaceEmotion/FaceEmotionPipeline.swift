// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// Runtime glue: the bundle's two models in two `ModelSession`s (ModelSession.swift, on ONNX
// Runtime). Every line of pre- and post-processing lives in the core wrappers
// (FaceEmotionCore).

import Foundation

/// Options of `FaceEmotionPipeline`: detection limits and how its sessions open.
public struct PipelineOptions: Sendable {
  /// Faces below this probability (0...1) are dropped; nil: the detector recipe's `minScore`
  /// (0.5 for BlazeFace).
  public var scoreThreshold: Double?
  /// Weighted NMS merges boxes overlapping the best remaining one by more than this IoU
  /// (0...1); nil: the detector recipe's `iouThreshold` (0.3 for BlazeFace).
  public var iouThreshold: Double?
  /// At most this many faces (the best ones) are classified and returned; nil: all.
  public var maxFaces: Int?
  /// Provider (default Core ML MLProgram with a model cache, CPU fallback), threads and the
  /// session-options hook, for both models.
  public var session: SessionSettings
  /// Which shipped variant `FaceEmotionPipeline(bundle:options:)` opens (`<model>.ort`,
  /// `.fp16.ort`, `.int8.ort`); default `Recipes.defaultPrecision`, the build's choice for iOS
  /// (manifest.json `precision`: a variant Core ML would split into fragments is not shipped).
  public var precision: Precision

  /// Options; by default the recipe's thresholds, every face, Core ML with CPU fallback, the
  /// bundle's default precision.
  public init(
    scoreThreshold: Double? = nil, iouThreshold: Double? = nil, maxFaces: Int? = nil,
    session: SessionSettings = SessionSettings(), precision: Precision = Recipes.defaultPrecision
  ) {
    self.scoreThreshold = scoreThreshold
    self.iouThreshold = iouThreshold
    self.maxFaces = maxFaces
    self.session = session
    self.precision = precision
  }
}

/// The bundle's two models on ONNX Runtime: detect → crop → classify every face.
///
///     let pipeline = try FaceEmotionPipeline()  // the .ort files of the package or app
///     for result in try pipeline.run(cgImage) {
///       print(result.face.box, result.emotion?.topLabel ?? "?")
///     }
///
/// Opening checks each model's input and output names and shapes against the recipes
/// (`ModelSession`) and reports the provider each session got (`providersInUse`; a CPU
/// fallback is logged). `selfCheck()` runs the bundled samples (`packager build
/// --self-check`).
///
/// Memory: create one pipeline and run it on every frame: the wrappers reuse their tensors,
/// the sessions their input and output memory (`ModelSession`).
///
/// Threads: `Sendable`; share one pipeline between threads, tasks and a capture queue. Each
/// model's runs are serialized by its session's lock (two frames at once take turns on a
/// model; pre- and post-processing run in parallel); `close()` waits for running runs.
public final class FaceEmotionPipeline: Sendable {
  /// Model file of the detector in the bundle (copied there by `packager build`).
  public static let detectorModelFile = "face_detection.ort"
  /// Model file of the emotion classifier in the bundle.
  public static let emotionModelFile = "face_emotion_recognition.ort"
  /// The models' file stems (`Precision.modelFile` gives each variant's file).
  public static let detectorModel = "face_detection"
  public static let emotionModel = "face_emotion_recognition"

  /// The package's own resources (`Bundle.module`, where `packager build` puts the models and,
  /// with `--self-check`, the samples); nil where the package was built without them.
  public static var resources: Bundle? {
    #if PACKAGE_RESOURCES
      return Bundle.module
    #else
      return nil
    #endif
  }

  /// The URL of a model or sample file (`Precision.modelFile`, `SelfCheckSamples`) in `bundle`,
  /// or by default in the app's main bundle and then in the package's resources; nil when
  /// absent (a precision the bundle does not ship: manifest.json `precision.shipped`).
  public static func resourceURL(_ file: String, in bundle: Bundle? = nil) -> URL? {
    let bundles = bundle.map { [$0] } ?? [Bundle.main] + (resources.map { [$0] } ?? [])
    return bundles.lazy.compactMap { $0.url(forResource: file, withExtension: nil) }.first
  }

  /// The options the pipeline was opened with.
  public let options: PipelineOptions
  /// Detector pre- and post-processing (with the options' thresholds).
  public let detection: FaceDetectionWrapper
  /// Emotion pre- and post-processing.
  public let recognition: FaceEmotionRecognitionWrapper
  /// The detector's session.
  public let detector: ModelSession
  /// The emotion model's session.
  public let classifier: ModelSession
  /// The steps around the two sessions (made once from the wrappers and `options.maxFaces`).
  private let steps: FaceEmotionSteps

  /// Sessions for two model files (`.ort` or `.onnx`), checked against the wrappers'
  /// configurations. Throws `PackagerError`: `.invalidConfig` for options out of range,
  /// `.modelMismatch` for a model that is not the configured one, `.modelLoad` for a model
  /// ONNX Runtime cannot open.
  public init(
    detectorModel: URL, emotionModel: URL, options: PipelineOptions = PipelineOptions(),
    detection: FaceDetectionWrapper = FaceDetectionWrapper(),
    recognition: FaceEmotionRecognitionWrapper = FaceEmotionRecognitionWrapper()
  ) throws {
    var config = detection.config
    if let score = options.scoreThreshold {
      guard (0...1).contains(score) else {
        throw PackagerError.invalidConfig("scoreThreshold \(score) is not in 0..1")
      }
      config.minScore = score
    }
    if let iou = options.iouThreshold {
      guard (0...1).contains(iou) else {
        throw PackagerError.invalidConfig("iouThreshold \(iou) is not in 0..1")
      }
      config.iouThreshold = iou
    }
    if let maxFaces = options.maxFaces, maxFaces < 1 {
      throw PackagerError.invalidConfig("maxFaces \(maxFaces) < 1")
    }
    self.options = options
    self.detection = config == detection.config ? detection : FaceDetectionWrapper(config: config)
    self.recognition = recognition
    steps = FaceEmotionSteps(
      detection: self.detection, recognition: recognition, maxFaces: options.maxFaces)
    detector = try ModelSession(
      model: detectorModel, inputs: self.detection.inputs, outputs: self.detection.outputs,
      settings: options.session)
    classifier = try ModelSession(
      model: emotionModel, inputs: recognition.inputs, outputs: recognition.outputs,
      settings: options.session)
  }

  /// Sessions for the `options.precision` files (`face_detection.ort` and
  /// `face_emotion_recognition.ort` for fp32, `….int8.ort` for int8) found in `bundle`, or by
  /// default in the app's main bundle and then in the package's own resources (where
  /// `packager build` puts them: `Bundle.module`, `resources`).
  public convenience init(bundle: Bundle? = nil, options: PipelineOptions = PipelineOptions())
    throws
  {
    let files = [Self.detectorModel, Self.emotionModel].map { options.precision.modelFile($0) }
    guard let detectorModel = Self.resourceURL(files[0], in: bundle),
      let emotionModel = Self.resourceURL(files[1], in: bundle)
    else {
      throw PackagerError.modelLoad(
        "\(files[0]) or \(files[1]) is not in the bundle (manifest.json `precision.shipped` lists the "
          + "precisions it ships)")
    }
    try self.init(detectorModel: detectorModel, emotionModel: emotionModel, options: options)
  }

  /// Model file stem → the provider its session runs on after any CPU fallback
  /// (`ModelSession.providerInUse`: "CoreML" or "CPU"), e.g. ["face_detection": "CoreML",
  /// "face_emotion_recognition": "CoreML"]. A session's provider, not a per-node assignment:
  /// nodes Core ML cannot take run on the CPU inside a "CoreML" session (ONNX Runtime's
  /// Objective-C API does not report which; the manifest's `coverage` does, measured at build).
  public var providersInUse: [String: String] {
    Dictionary(
      [detector, classifier].map { ($0.modelName, $0.providerInUse) },
      uniquingKeysWith: { a, _ in a })
  }

  /// Model file stem → the provider asked for (`ModelSession.requestedProvider`); where it
  /// differs from `providersInUse`, that session's `fallbackReason` says why.
  public var requestedProviders: [String: String] {
    Dictionary(
      [detector, classifier].map { ($0.modelName, $0.requestedProvider) },
      uniquingKeysWith: { a, _ in a })
  }

  /// Model file stem → why its session runs on the CPU instead of the requested provider;
  /// empty when none does.
  public var fallbackReasons: [String: String] {
    Dictionary(
      [detector, classifier].compactMap { s in s.fallbackReason.map { (s.modelName, $0) } },
      uniquingKeysWith: { a, _ in a })
  }

  /// The on-device self-check, one call: each model run on its bundled sample
  /// (`packager build --self-check` puts them next to the models) by a CPU session and
  /// compared with that model file's own expected outputs: an fp32 model within
  /// `Recipes.selfCheckTolerance`; an fp16 or int8 variant (its kernels round unlike the
  /// build's CPU) the emotion model within `Recipes.variantSelfCheckTolerance`, the detector by
  /// its decoded faces (`facesShift` within `Recipes.variantSelfCheckMaxCornerShift`). The
  /// pipeline's own (accelerated) session's difference is reported beside it, not judged (Core
  /// ML computes in float16). Throws `.invalidFile` when the samples are missing.
  public func selfCheck() throws -> [SelfCheckResult] {
    let fp32 = [detector, classifier].map { Precision.of(stem: $0.modelName) == .fp32 }
    let detectorCheck = fp32[0] ? try detector.selfCheck() : try detectorVariantCheck()
    let emotionCheck = try classifier.selfCheck(
      tolerance: fp32[1] ? Recipes.selfCheckTolerance : Recipes.variantSelfCheckTolerance)
    return [detectorCheck, emotionCheck]
  }

  /// A detector variant's self-check: the CPU session's and the expected outputs decoded and
  /// compared as faces (in the model's own 0...1 coordinates).
  private func detectorVariantCheck() throws -> SelfCheckResult {
    let stem = detector.modelName
    let (inputs, expected) = try detector.readSamples(
      inputFiles: [SelfCheckSamples.inputFile(model: stem)],
      outputFiles: detector.outputs.map {
        SelfCheckSamples.outputFile(model: stem, output: $0.name)
      },
      in: detector.model.deletingLastPathComponent())
    let input = inputs[0]
    let square = Letterbox(x0: 0, y0: 0, x1: 1, y1: 1, width: 1, height: 1)
    func faces(_ out: [[Float]]) throws -> [Box] {
      try detection.postprocess(
        regressors: out[0], classificators: out[1], letterbox: square, mirrored: false
      )
      .map(\.box)
    }
    let want = try faces(expected)
    let cpu = try detector.cpuSession()
    defer { cpu.close() }
    let diff = facesShift(expected: want, actual: try faces(cpu.run([input])))
    let accelerated = detector.providerInUse != "CPU"
    return SelfCheckResult(
      model: stem, provider: cpu.providerInUse, scaledDiff: diff,
      tolerance: Recipes.variantSelfCheckMaxCornerShift,
      acceleratorProvider: accelerated ? detector.providerInUse : nil,
      acceleratorScaledDiff: accelerated
        ? facesShift(expected: want, actual: try faces(detector.run([input]))) : nil)
  }

  /// Frees both sessions (after running runs end); later runs throw `.closed`.
  public func close() {
    detector.close()
    classifier.close()
  }

  /// Every face of an RGBA8 image with its emotion, best face first (`FaceEmotionSteps.run`).
  public func run(pixels: [UInt8], width: Int, height: Int) throws -> [FaceResult] {
    try steps.run(
      pixels: pixels, width: width, height: height, runDetector: runDetector,
      runEmotion: runEmotion)
  }

  /// Every face of a camera frame with its emotion, best face first, in the upright frame's
  /// pixels (`FaceEmotionSteps.run`).
  public func run(_ frame: CameraFrame) throws -> [FaceResult] {
    try steps.run(frame, runDetector: runDetector, runEmotion: runEmotion)
  }

  /// Runs the detector on a preprocessed input.
  public func runDetector(_ input: DetectionInput) throws -> DetectorOutputs {
    let out = try detector.run([input.tensor])
    return DetectorOutputs(regressors: out[0], classificators: out[1])
  }

  /// Runs the emotion model on a preprocessed crop.
  public func runEmotion(_ input: EmotionInput) throws -> [Float] {
    try classifier.run([input.tensor])[0]
  }
}

#if canImport(CoreMedia) && canImport(ImageIO)
  import CoreMedia
  import ImageIO

  extension FaceEmotionPipeline {
    /// `run(_:)` on a camera's sample buffer (`AVCaptureVideoDataOutput`), read upright
    /// through `orientation` straight from its locked planes (`CameraFrame.withSampleBuffer`).
    public func run(
      _ sampleBuffer: CMSampleBuffer, orientation: CGImagePropertyOrientation = .up
    ) throws -> [FaceResult] {
      try CameraFrame.withSampleBuffer(sampleBuffer, orientation: orientation) { try run($0) }
    }

    /// `run(_:)` on a camera's pixel buffer (`CameraFrame.withPixelBuffer`).
    public func run(
      _ pixelBuffer: CVPixelBuffer, orientation: CGImagePropertyOrientation = .up
    ) throws -> [FaceResult] {
      try CameraFrame.withPixelBuffer(pixelBuffer, orientation: orientation) { try run($0) }
    }
  }
#endif

extension FaceEmotionPipeline {
  /// `run(pixels:width:height:)` on an image's RGBA8 pixels (`CGImage.rgbaImage()`,
  /// `UIImage.rgbaImage()`).
  public func run(_ image: RGBAImage) throws -> [FaceResult] {
    try image.withFrame { try run($0) }
  }
}

#if canImport(CoreGraphics)
  import CoreGraphics
  #if canImport(UIKit)
    import UIKit
  #endif

  // One extension for both image types (a UIImage is drawn into a CGImage first).
  extension FaceEmotionPipeline {
    /// `run(_:)` (an `RGBAImage`) on a CGImage.
    public func run(_ image: CGImage) throws -> [FaceResult] {
      try run(image.rgbaImage())
    }

    #if canImport(UIKit)
      /// `run(_:)` (an `RGBAImage`) on a UIImage (orientation applied).
      public func run(_ image: UIImage) throws -> [FaceResult] {
        try run(image.rgbaImage())
      }
    #endif
  }
#endif
