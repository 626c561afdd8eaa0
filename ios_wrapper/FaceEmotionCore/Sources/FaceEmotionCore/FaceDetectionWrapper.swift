// Runtime library of packager (hand-written, not generated), the same for every recipe.

/// Face detection pre- and post-processing around a BlazeFace-family model.
///
///     let detector = FaceDetectionWrapper()
///     let input = try detector.preprocess(frame)  // or (pixels: rgba, width: w, height: h)
///     // run the model on input.tensor (shape input.shape) → regressors, classificators
///     let faces = try detector.postprocess(
///       regressors: regressors, classificators: classificators, input: input)
///
/// Memory: a wrapper keeps the storage of the tensor it last wrote and reuses it for the next
/// frame, so a frame loop that lets go of each `DetectionInput` before preprocessing the next
/// frame allocates nothing (keeping an input is safe: the next frame then gets new storage).
/// Keep one wrapper for the frame stream rather than creating one per frame.
///
/// Threads: a wrapper (and its copies, which share that storage) may be used from any thread;
/// a call made while another thread is preprocessing with it uses storage of its own.
public struct FaceDetectionWrapper: Sendable {
  /// The detector's constants.
  public let config: DetectorConfig
  /// Anchor centres (normalized input coordinates), in model output order.
  public let anchors: [Point]
  private let workspace = Workspace()

  /// Number of anchors = rows the model outputs.
  public var numAnchors: Int { anchors.count }

  /// A wrapper for `config` (default: the build's detector, `Recipes.defaultDetector`).
  public init(config: DetectorConfig = Recipes.defaultDetector) {
    self.config = config
    self.anchors = BlazeFace.anchors(config.anchors)
  }

  /// RGBA8 pixels (row-major, width · height · 4 bytes, alpha ignored) → the model input:
  /// `preprocess(_:)` on them as an upright `.rgba` frame.
  /// Throws `FaceWrapperError.invalidImage` for a zero size or a pixel array of the wrong length.
  public func preprocess(pixels: [UInt8], width: Int, height: Int) throws -> DetectionInput {
    try RGBAImage(pixels: pixels, width: width, height: height).withFrame { try preprocess($0) }
  }

  /// A camera frame → the model input; the letterbox (and so every face found) is in the
  /// upright frame's pixels.
  ///
  /// The upright frame is letterboxed onto the square input (aspect kept, `fill` padding),
  /// resampled with `config.resize` as in Resample.swift (`.bilinear` reads and converts only
  /// the pixels its taps need, straight from the planes), then tensor = pixel · normScale +
  /// normOffset, stored as Float32 in the wrapper's reused storage (see the type's
  /// documentation).
  public func preprocess(_ frame: CameraFrame) throws -> DetectionInput {
    let size = config.inputSize
    guard size > 0 else {
      throw FaceWrapperError.invalidConfig("input size \(size) is not positive")
    }
    let letterbox = Letterbox.fit(
      width: frame.uprightWidth, height: frame.uprightHeight, size: size)
    let rect = Box(xmin: letterbox.x0, ymin: letterbox.y0, xmax: letterbox.x1, ymax: letterbox.y1)
    let writer = DetectorWriter(normScale: config.normScale, normOffset: config.normOffset)
    let tensor = try workspace.tensor(count: size * size * 3) { out, scratch in
      try Resampler.resample(
        frame, rect: rect, outWidth: size, outHeight: size, method: config.resize,
        fill: config.fill, writer: writer, into: out, scratch: &scratch)
    }
    return DetectionInput(tensor: tensor, shape: config.inputShape, letterbox: letterbox)
  }

  /// Raw model outputs → faces, best first, in source-image pixels (and normalized).
  ///
  /// `regressors` holds anchors × (4 + 2 · keypoints) values, `classificators` one raw score
  /// per anchor. Throws `FaceWrapperError.invalidOutput` when the lengths are wrong; anchors
  /// with NaN or infinite values are dropped.
  public func postprocess(
    regressors: [Float], classificators: [Float], input: DetectionInput
  ) throws -> [Face] {
    try postprocess(
      regressors: regressors, classificators: classificators, letterbox: input.letterbox)
  }

  /// As `postprocess(regressors:classificators:input:)`, with the letterbox of the input.
  public func postprocess(
    regressors: [Float], classificators: [Float], letterbox: Letterbox
  ) throws -> [Face] {
    let detections = try BlazeFace.decode(
      config, anchors: anchors, regressors: regressors, classificators: classificators)
    return BlazeFace.weightedNMS(detections, threshold: config.iouThreshold).map { d in
      Face(
        box: letterbox.toImage(d.box),
        keypoints: d.keypoints.map { letterbox.toImage($0) },
        score: d.score,
        normalizedBox: d.box,
        normalizedKeypoints: d.keypoints)
    }
  }
}

/// The detector tensor, NHWC RGB (the resampled order): value · normScale + normOffset, in
/// Double, stored as Float32.
struct DetectorWriter: SampleWriter {
  let normScale: Double
  let normOffset: Double

  @inline(__always)
  func write(
    _ index: Int, _ r: Double, _ g: Double, _ b: Double, to out: UnsafeMutableBufferPointer<Float>
  ) {
    out[3 * index] = normalize(r)
    out[3 * index + 1] = normalize(g)
    out[3 * index + 2] = normalize(b)
  }

  @inline(__always)
  private func normalize(_ v: Double) -> Float {
    let scaled = v * normScale
    return Float(scaled + normOffset)
  }
}
