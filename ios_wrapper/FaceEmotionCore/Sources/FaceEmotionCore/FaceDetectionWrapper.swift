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
  public let config: DetectorRecipe
  /// Anchor centres (normalized input coordinates), in model output order.
  let anchors: [Point]
  /// `config.keypointMirror` when it is a permutation of the keypoints, else nil (postprocess
  /// then throws).
  private let keypointMirror: [Int]?
  private let workspace = Workspace()

  /// Number of anchors = rows the model outputs.
  public var numAnchors: Int { anchors.count }

  /// The detector's input, as its session checks it (`config.inputSpec`).
  public var inputs: [TensorSpec] { [config.inputSpec] }

  /// The detector's outputs, as its session checks them (`config.outputSpecs`).
  public var outputs: [TensorSpec] { config.outputSpecs(anchors: numAnchors) }

  /// A wrapper for `config` (default: the build's detector, `Recipes.defaultDetector`).
  public init(config: DetectorRecipe = Recipes.defaultDetector) {
    self.config = config
    self.anchors = BlazeFace.anchors(config.anchors)
    let mirror = config.keypointMirror
    let isPermutation =
      mirror.count == config.numKeypoints && mirror.sorted() == Array(0..<mirror.count)
    self.keypointMirror = isPermutation ? mirror : nil
  }

  /// RGBA8 pixels (row-major, width · height · 4 bytes, alpha ignored) → the model input:
  /// `preprocess(_:)` on them as an upright `.rgba` frame.
  /// Throws `PackagerError.invalidImage` for a zero size or a pixel array of the wrong length.
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
      throw PackagerError.invalidConfig("input size \(size) is not positive")
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
    return DetectionInput(
      tensor: tensor, shape: config.inputShape, letterbox: letterbox, mirrored: frame.mirrored)
  }

  /// Raw model outputs → faces, best first, in source-image pixels (and normalized to the image
  /// and to the letterbox), keypoints named for the subject when `input` is mirrored.
  ///
  /// `regressors` holds anchors × (4 + 2 · keypoints) values, `classificators` one raw score
  /// per anchor. Throws `PackagerError.invalidTensor` when the lengths are wrong; anchors
  /// with NaN or infinite values are dropped.
  public func postprocess(
    regressors: [Float], classificators: [Float], input: DetectionInput
  ) throws -> [Face] {
    try postprocess(
      regressors: regressors, classificators: classificators, letterbox: input.letterbox,
      mirrored: input.mirrored)
  }

  /// As `postprocess(regressors:classificators:input:)`, with the letterbox of the input and
  /// whether its image is a mirror image: then the left/right keypoint pairs are swapped
  /// (`DetectorRecipe.keypointMirror`) so that the names stay the subject's own; coordinates
  /// are not changed. Throws `PackagerError.invalidConfig` when `keypointMirror` is not a
  /// permutation of the keypoints.
  public func postprocess(
    regressors: [Float], classificators: [Float], letterbox: Letterbox, mirrored: Bool
  ) throws -> [Face] {
    guard let mirror = keypointMirror else {
      throw PackagerError.invalidConfig(
        "keypointMirror \(config.keypointMirror) is not a permutation of the "
          + "\(config.numKeypoints) keypoints")
    }
    let detections = try BlazeFace.decode(
      config, anchors: anchors, regressors: regressors, classificators: classificators)
    return BlazeFace.weightedNMS(detections, threshold: config.iouThreshold).map { d in
      // Name i is the model's keypoint mirror[i] on a mirror image.
      let named = mirrored ? mirror.map { d.keypoints[$0] } : d.keypoints
      let box = letterbox.toImage(d.box)
      let keypoints = named.map { letterbox.toImage($0) }
      return Face(
        box: box,
        keypoints: keypoints,
        score: d.score,
        normalizedBox: letterbox.toNormalized(box),
        normalizedKeypoints: keypoints.map { letterbox.toNormalized($0) },
        letterboxBox: d.box,
        letterboxKeypoints: named)
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
    out[3 &* index] = normalize(r)
    out[3 &* index &+ 1] = normalize(g)
    out[3 &* index &+ 2] = normalize(b)
  }

  @inline(__always)
  private func normalize(_ v: Double) -> Float {
    let scaled = v * normScale
    return Float(scaled + normOffset)
  }
}
