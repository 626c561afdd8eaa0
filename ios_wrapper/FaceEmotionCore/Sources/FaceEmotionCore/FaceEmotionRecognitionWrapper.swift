// Runtime library of packager (hand-written, not generated), the same for every recipe.

import Foundation

/// Facial emotion pre- and post-processing around one classifier.
///
///     let recognizer = FaceEmotionRecognitionWrapper()
///     let input = try recognizer.preprocess(pixels: rgba, width: w, height: h, face: face)
///     // run the model on input.tensor (shape input.shape) → output
///     let result = try recognizer.postprocess(output: output)
///     print(result.topLabel, result.topProbability)
///
/// Memory: a wrapper keeps the storage of the tensor it last wrote and reuses it for the next
/// crop, so a loop that lets go of each `EmotionInput` before preprocessing the next face
/// allocates nothing (keeping an input is safe: the next crop then gets new storage).
///
/// Threads: a wrapper (and its copies, which share that storage) may be used from any thread;
/// a call made while another thread is preprocessing with it uses storage of its own.
public struct FaceEmotionRecognitionWrapper: Sendable {
  /// The classifier's constants.
  public let config: EmotionRecipe

  /// The emotion model's input, as its session checks it (`config.inputSpec`).
  public var inputs: [TensorSpec] { [config.inputSpec] }

  /// The emotion model's output, as its session checks it (`config.outputSpec`).
  public var outputs: [TensorSpec] { [config.outputSpec] }
  private let workspace = Workspace()

  /// A wrapper for `config` (default: the build's choice, `Recipes.defaultEmotion`).
  public init(config: EmotionRecipe = Recipes.defaultEmotion) {
    self.config = config
  }

  /// The square source rectangle cropped for a face box (pixels): side
  /// max(width, height) · cropScale around the box centre.
  public func cropRect(for box: Box) -> Box {
    let side = max(box.xmax - box.xmin, box.ymax - box.ymin) * config.cropScale
    let cx = (box.xmin + box.xmax) / 2.0
    let cy = (box.ymin + box.ymax) / 2.0
    return Box(
      xmin: cx - side / 2.0, ymin: cy - side / 2.0, xmax: cx + side / 2.0, ymax: cy + side / 2.0)
  }

  /// RGBA8 pixels + a detected face → the model input for that face's crop.
  public func preprocess(pixels: [UInt8], width: Int, height: Int, face: Face) throws
    -> EmotionInput
  {
    try preprocess(pixels: pixels, width: width, height: height, box: face.box)
  }

  /// RGBA8 pixels (row-major, width · height · 4 bytes) + a face box in pixels → model input:
  /// `preprocess(_:box:)` on them as an upright `.rgba` frame.
  /// Throws `PackagerError.invalidImage` or `.invalidBox` (empty or non-finite crop).
  public func preprocess(pixels: [UInt8], width: Int, height: Int, box: Box) throws
    -> EmotionInput
  {
    try RGBAImage(pixels: pixels, width: width, height: height).withFrame {
      try preprocess($0, box: box)
    }
  }

  /// A camera frame + a detected face (upright pixels) → the model input for its crop.
  public func preprocess(_ frame: CameraFrame, _ face: Face) throws -> EmotionInput {
    try preprocess(frame, box: face.box)
  }

  /// A camera frame + a face box in the upright frame's pixels → model input.
  ///
  /// Order: resample the RGB crop (`cropRect`, `resize`; outside the image reads `fill`;
  /// `.bilinear` reads and converts only the pixels its taps need, straight from the planes),
  /// convert colour (gray is the BT.601 sum of the resampled channels), subtract `mean`,
  /// multiply by `scale`, lay out, store as Float32 in the wrapper's reused storage (see the
  /// type's documentation). Throws `PackagerError.invalidBox` (empty or non-finite crop).
  public func preprocess(_ frame: CameraFrame, box: Box) throws -> EmotionInput {
    let rect = cropRect(for: box)
    guard rect.xmin.isFinite, rect.ymin.isFinite, rect.xmax.isFinite, rect.ymax.isFinite,
      rect.xmax > rect.xmin
    else {
      throw PackagerError.invalidBox("face box \(box) is empty or not finite")
    }
    let channels = config.color.channels
    guard config.size > 0, config.mean.count >= channels, config.scale.count >= channels else {
      throw PackagerError.invalidConfig("\(config.name): size, mean or scale do not fit")
    }
    let size = config.size
    let writer = EmotionWriter(config)
    let tensor = try workspace.tensor(count: size * size * channels) { out, scratch in
      try Resampler.resample(
        frame, rect: rect, outWidth: size, outHeight: size, method: config.resize,
        fill: config.fill, writer: writer, into: out, scratch: &scratch)
    }
    return EmotionInput(tensor: tensor, shape: config.inputShape)
  }

  /// Model output → probabilities (softmax exp(x − max) / sum when the recipe gives logits),
  /// labels and the top index (first maximum).
  ///
  /// Throws `PackagerError.invalidTensor` when the length is not the number of labels or a
  /// value is NaN or infinite.
  public func postprocess(output: [Float]) throws -> EmotionResult {
    guard !config.labels.isEmpty, output.count == config.labels.count else {
      throw PackagerError.invalidTensor(
        "emotion output has \(output.count) values; expected \(config.labels.count)")
    }
    let x = output.map { Double($0) }
    guard x.allSatisfy({ $0.isFinite }) else {
      throw PackagerError.invalidTensor("emotion output contains NaN or infinity")
    }
    let p = config.outputsAreLogits ? softmax(x) : x
    var top = 0
    for i in p.indices where p[i] > p[top] {
      top = i
    }
    return EmotionResult(probabilities: p, labels: config.labels, topIndex: top)
  }

  /// exp(x − max) / sum, in Double (x finite and not empty).
  private func softmax(_ x: [Double]) -> [Double] {
    let m = x.max() ?? 0
    let e = x.map { exp($0 - m) }
    var sum = 0.0
    for v in e {
      sum += v
    }
    return e.map { $0 / sum }
  }
}

/// The emotion tensor: per sample, the colour conversion (gray = R · wr + G · wg + B · wb, in
/// that order), then (value − mean) · scale per channel in Double, stored as Float32 at its
/// place in the layout (NHWC: channel last; NCHW: one plane per channel).
struct EmotionWriter: SampleWriter {
  let color: ColorOrder
  let planar: Bool
  let plane: Int
  let mean: (Double, Double, Double)
  let scale: (Double, Double, Double)

  /// The writer of a configuration whose mean and scale have a value per channel.
  init(_ config: EmotionRecipe) {
    let three = config.color.channels == 3
    color = config.color
    planar = config.layout == .nchw
    plane = config.size * config.size
    mean = (config.mean[0], three ? config.mean[1] : 0, three ? config.mean[2] : 0)
    scale = (config.scale[0], three ? config.scale[1] : 0, three ? config.scale[2] : 0)
  }

  @inline(__always)
  func write(
    _ index: Int, _ r: Double, _ g: Double, _ b: Double, to out: UnsafeMutableBufferPointer<Float>
  ) {
    switch color {
    case .gray:
      let (wr, wg, wb) = ColorOrder.grayWeights
      let red = r * wr
      let green = g * wg
      let blue = b * wb
      let redGreen = red + green
      let y = redGreen + blue
      out[index] = normalize(y, mean.0, scale.0)  // one channel: NHWC and NCHW agree
    case .rgb:
      put(index, r, g, b, to: out)
    case .bgr:
      put(index, b, g, r, to: out)
    }
  }

  @inline(__always)
  private func put(
    _ index: Int, _ c0: Double, _ c1: Double, _ c2: Double,
    to out: UnsafeMutableBufferPointer<Float>
  ) {
    let v0 = normalize(c0, mean.0, scale.0)
    let v1 = normalize(c1, mean.1, scale.1)
    let v2 = normalize(c2, mean.2, scale.2)
    if planar {
      out[index] = v0
      out[plane &+ index] = v1
      out[2 &* plane &+ index] = v2
    } else {
      out[3 &* index] = v0
      out[3 &* index &+ 1] = v1
      out[3 &* index &+ 2] = v2
    }
  }

  @inline(__always)
  private func normalize(_ v: Double, _ m: Double, _ s: Double) -> Float {
    let centred = v - m
    return Float(centred * s)
  }
}
