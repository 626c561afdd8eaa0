// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// Runtime glue: ONNX Runtime sessions for the bundle's two models. Compiled only where ONNX
// Runtime's Objective-C API can be imported: module onnxruntime_objc (the onnxruntime-objc
// pod) or OnnxRuntimeBindings (the onnxruntime Swift package). Every line of pre- and
// post-processing lives in the core wrappers.

#if canImport(onnxruntime_objc) || canImport(OnnxRuntimeBindings)
  import Foundation
  #if canImport(onnxruntime_objc)
    import onnxruntime_objc
  #else
    import OnnxRuntimeBindings
  #endif

  /// The model format the CoreML execution provider compiles the ONNX graph to.
  public enum CoreMLModelFormat: Sendable {
    /// NeuralNetwork (Core ML 3+); takes all of BlazeFace in one partition.
    case neuralNetwork
    /// MLProgram (Core ML 5+, iOS 15+).
    case mlProgram
  }

  /// ONNX Runtime session options of the pipeline.
  public struct PipelineOptions: Sendable {
    /// Add the CoreML execution provider (static input shapes); nodes it cannot take run on
    /// the CPU.
    public var useCoreML: Bool
    /// The CoreML model format.
    public var coreMLFormat: CoreMLModelFormat
    /// When a session with CoreML cannot be created, create a CPU-only one.
    public var cpuFallback: Bool
    /// CPU threads per session; 0 lets ONNX Runtime choose.
    public var intraOpThreads: Int

    /// Options; the defaults use CoreML NeuralNetwork with CPU fallback.
    public init(
      useCoreML: Bool = true, coreMLFormat: CoreMLModelFormat = .neuralNetwork,
      cpuFallback: Bool = true, intraOpThreads: Int = 0
    ) {
      self.useCoreML = useCoreML
      self.coreMLFormat = coreMLFormat
      self.cpuFallback = cpuFallback
      self.intraOpThreads = intraOpThreads
    }
  }

  /// The bundle's two models on ONNX Runtime: detect → crop → classify every face.
  ///
  ///     let pipeline = try FaceEmotionPipeline()  // the .ort files in the app bundle
  ///     for result in try pipeline.run(pixels: rgba, width: w, height: h) {
  ///       print(result.face.box, result.emotion?.topLabel ?? "?")
  ///     }
  ///
  /// Memory: create one pipeline and run it on every frame. Besides the wrappers' reused
  /// tensors (see `FaceDetectionWrapper`), each model's input lives in one `NSMutableData`
  /// wrapped by one `ORTValue`, both made on the first run (and again only if the input shape
  /// changes): each run copies the tensor into those bytes and runs the session on them.
  ///
  /// Threads: a non-`Sendable` class; use it from one task or actor. Even so, a model's input
  /// memory never serves two runs at once: a run that finds it in use (another thread running
  /// the same model) makes input memory of its own.
  public final class FaceEmotionPipeline {
    /// Model file of the detector in the bundle (copied there by `packager build`).
    public static let detectorModelFile = "face_detection.ort"
    /// Model file of the emotion classifier in the bundle.
    public static let emotionModelFile = "face_emotion_recognition.ort"

    /// Session options.
    public let options: PipelineOptions
    /// Detector pre- and post-processing.
    public let detection: FaceDetectionWrapper
    /// Emotion pre- and post-processing.
    public let recognition: FaceEmotionRecognitionWrapper
    private let env: ORTEnv
    private let detector: ORTSession
    private let classifier: ORTSession
    private let detectorInput = InputSlot()
    private let classifierInput = InputSlot()

    /// Sessions for two model files (`.ort` or `.onnx`).
    public init(
      detectorModel: URL, emotionModel: URL, options: PipelineOptions = PipelineOptions(),
      detection: FaceDetectionWrapper = FaceDetectionWrapper(),
      recognition: FaceEmotionRecognitionWrapper = FaceEmotionRecognitionWrapper()
    ) throws {
      self.options = options
      self.detection = detection
      self.recognition = recognition
      env = try ORTEnv(loggingLevel: .warning)
      detector = try Self.session(env: env, model: detectorModel, options: options)
      classifier = try Self.session(env: env, model: emotionModel, options: options)
    }

    /// Sessions for `face_detection.ort` and `face_emotion_recognition.ort` found in `bundle`,
    /// or by default in the app's main bundle and then (when built as the Swift package) in the
    /// package's own resources.
    public convenience init(bundle: Bundle? = nil, options: PipelineOptions = PipelineOptions())
      throws
    {
      var bundles = [bundle ?? Bundle.main]
      #if SWIFT_PACKAGE
        if bundle == nil {
          bundles.append(Bundle.module)
        }
      #endif
      func find(_ file: String) -> URL? {
        bundles.lazy.compactMap { $0.url(forResource: file, withExtension: nil) }.first
      }
      guard let detectorModel = find(Self.detectorModelFile),
        let emotionModel = find(Self.emotionModelFile)
      else {
        throw FaceWrapperError.runtime(
          "\(Self.detectorModelFile) or \(Self.emotionModelFile) is not in the bundle")
      }
      try self.init(detectorModel: detectorModel, emotionModel: emotionModel, options: options)
    }

    /// Every face of an RGBA8 image with its emotion, best face first (`FaceEmotionSteps.run`).
    public func run(pixels: [UInt8], width: Int, height: Int) throws -> [FaceEmotion] {
      try FaceEmotionSteps(detection: detection, recognition: recognition).run(
        pixels: pixels, width: width, height: height, runDetector: runDetector,
        runEmotion: runEmotion)
    }

    /// Every face of a camera frame with its emotion, best face first, in the upright frame's
    /// pixels (`FaceEmotionSteps.run`).
    public func run(_ frame: CameraFrame) throws -> [FaceEmotion] {
      try FaceEmotionSteps(detection: detection, recognition: recognition).run(
        frame, runDetector: runDetector, runEmotion: runEmotion)
    }

    /// Runs the detector on a preprocessed input.
    public func runDetector(_ input: DetectionInput) throws -> DetectorOutputs {
      let c = detection.config
      let out = try detectorInput.run(
        detector, input: c.inputName, tensor: input.tensor, shape: input.shape,
        outputs: [c.regressorsName, c.classificatorsName])
      return DetectorOutputs(regressors: out[0], classificators: out[1])
    }

    /// Runs the emotion model on a preprocessed crop.
    public func runEmotion(_ input: EmotionInput) throws -> [Float] {
      let c = recognition.config
      let out = try classifierInput.run(
        classifier, input: c.inputName, tensor: input.tensor, shape: input.shape,
        outputs: [c.outputName])
      return out[0]
    }

    private static func session(env: ORTEnv, model: URL, options: PipelineOptions) throws
      -> ORTSession
    {
      if options.useCoreML {
        do {
          let coreML = ORTCoreMLExecutionProviderOptions()
          coreML.createMLProgram = options.coreMLFormat == .mlProgram
          coreML.onlyAllowStaticInputShapes = true
          let so = try sessionOptions(options)
          try so.appendCoreMLExecutionProvider(with: coreML)
          return try ORTSession(env: env, modelPath: model.path, sessionOptions: so)
        } catch {
          if !options.cpuFallback {
            throw error
          }
        }
      }
      return try ORTSession(
        env: env, modelPath: model.path, sessionOptions: sessionOptions(options))
    }

    private static func sessionOptions(_ options: PipelineOptions) throws -> ORTSessionOptions {
      let so = try ORTSessionOptions()
      if options.intraOpThreads > 0 {
        try so.setIntraOpNumThreads(Int32(clamping: options.intraOpThreads))
      }
      return so
    }
  }

  /// The input memory of one model, reused from run to run: an `NSMutableData` and the
  /// `ORTValue` made on it. ONNX Runtime's `ORTValue(tensorData:elementType:shape:)` keeps a
  /// reference to the data and runs on its bytes without copying them, so rewriting the bytes
  /// gives the next run its input.
  private final class InputSlot {
    private let lock = NSLock()
    private var data: NSMutableData?
    private var value: ORTValue?
    private var shape: [Int] = []

    /// One float32 input → the named float32 outputs, in `outputs` order. Uses the slot's
    /// memory when no other run holds it, else memory made for this run.
    func run(
      _ session: ORTSession, input: String, tensor: [Float], shape: [Int], outputs: [String]
    ) throws -> [[Float]] {
      guard lock.try() else {
        let (data, value) = try Self.make(bytes: tensor.count * 4, shape: shape)
        Self.copy(tensor, into: data)
        return try Self.run(session, input: input, value: value, outputs: outputs)
      }
      defer { lock.unlock() }
      let bytes = tensor.count * 4
      if data?.length != bytes || self.shape != shape {
        let made = try Self.make(bytes: bytes, shape: shape)
        data = made.0
        value = made.1
        self.shape = shape
      }
      guard let data, let value else {
        throw FaceWrapperError.runtime("no input memory for \(input)")
      }
      Self.copy(tensor, into: data)
      return try Self.run(session, input: input, value: value, outputs: outputs)
    }

    private static func make(bytes: Int, shape: [Int]) throws -> (NSMutableData, ORTValue) {
      guard let data = NSMutableData(length: bytes) else {
        throw FaceWrapperError.runtime("cannot allocate \(bytes) bytes of model input")
      }
      let value = try ORTValue(
        tensorData: data, elementType: .float, shape: shape.map { NSNumber(value: $0) })
      return (data, value)
    }

    private static func copy(_ tensor: [Float], into data: NSMutableData) {
      tensor.withUnsafeBytes { src in
        if let base = src.baseAddress {
          data.mutableBytes.copyMemory(from: base, byteCount: min(src.count, data.length))
        }
      }
    }

    private static func run(
      _ session: ORTSession, input: String, value: ORTValue, outputs: [String]
    ) throws -> [[Float]] {
      let results = try session.run(
        withInputs: [input: value], outputNames: Set(outputs), runOptions: nil)
      return try outputs.map { name in
        guard let out = results[name] else {
          throw FaceWrapperError.runtime("the model gave no output \(name)")
        }
        let bytes = Data(referencing: try out.tensorData())
        return bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
      }
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
      ) throws -> [FaceEmotion] {
        try CameraFrame.withSampleBuffer(sampleBuffer, orientation: orientation) { try run($0) }
      }

      /// `run(_:)` on a camera's pixel buffer (`CameraFrame.withPixelBuffer`).
      public func run(
        _ pixelBuffer: CVPixelBuffer, orientation: CGImagePropertyOrientation = .up
      ) throws -> [FaceEmotion] {
        try CameraFrame.withPixelBuffer(pixelBuffer, orientation: orientation) { try run($0) }
      }
    }
  #endif

  #if canImport(CoreGraphics)
    import CoreGraphics

    extension FaceEmotionPipeline {
      /// `run(pixels:width:height:)` on a CGImage.
      public func run(_ image: CGImage) throws -> [FaceEmotion] {
        let rgba = try image.rgbaImage()
        return try run(pixels: rgba.pixels, width: rgba.width, height: rgba.height)
      }
    }
  #endif

  #if canImport(UIKit)
    import UIKit

    extension FaceEmotionPipeline {
      /// `run(pixels:width:height:)` on a UIImage (orientation applied).
      public func run(_ image: UIImage) throws -> [FaceEmotion] {
        let rgba = try image.rgbaImage()
        return try run(pixels: rgba.pixels, width: rgba.width, height: rgba.height)
      }
    }
  #endif
#endif
