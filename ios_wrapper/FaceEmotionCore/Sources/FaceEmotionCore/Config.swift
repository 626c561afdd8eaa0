// Runtime library of packager (hand-written, not generated), the same for every recipe.

/// How a source rectangle is resampled onto a model grid (the formulas are in Resample.swift).
public enum Interpolation: String, Sendable {
  /// 2×2 taps per sub-sample, at most 2×2 sub-samples per output sample (one when upscaling),
  /// integer fixed-point weights. Reads at most 16 pixels per sample: cost follows the model
  /// input, not the frame.
  case bilinear
  /// Triangle filter of radius max(1, step): plain bilinear when upscaling, antialiased when
  /// downscaling. Reads every pixel under the rectangle: cost follows the frame.
  case antialias
  /// The source pixel under each sample position.
  case nearest
}

/// Channel order of a model input.
public enum ColorOrder: String, Sendable {
  /// One channel: the ITU-R BT.601 weighted sum of R, G and B (`grayWeights`, in Recipes.swift).
  case gray = "GRAY"
  /// Red, green, blue.
  case rgb = "RGB"
  /// Blue, green, red.
  case bgr = "BGR"

  /// Channels per pixel: 1 for gray, else 3.
  public var channels: Int { self == .gray ? 1 : 3 }
}

/// Memory layout of a model input tensor with batch 1.
public enum TensorLayout: String, Sendable {
  /// [1, height, width, channels].
  case nhwc = "NHWC"
  /// [1, channels, height, width].
  case nchw = "NCHW"
}

/// SSD anchor grid of the BlazeFace family.
public struct Anchors: Sendable, Equatable {
  /// Square model input side in pixels.
  public let inputSize: Int
  /// One stride per feature layer, in input pixels; consecutive equal strides share one grid.
  public let strides: [Int]
  /// Anchors each layer contributes per cell.
  public let anchorsPerLayer: Int
  /// Anchor centre within a cell, in cells (0.5 = cell centre).
  public let offset: Double

  /// An anchor grid; a non-positive size or stride gives no anchors.
  public init(inputSize: Int, strides: [Int], anchorsPerLayer: Int, offset: Double) {
    self.inputSize = inputSize
    self.strides = strides
    self.anchorsPerLayer = anchorsPerLayer
    self.offset = offset
  }
}

/// A face detector of the BlazeFace family (packager.recipes.DetectorRecipe).
///
/// Input: [1, size, size, 3] NHWC, RGB, tensor = pixel · normScale + normOffset.
/// Outputs: `regressorsName` [1, N, 4 + 2K] and `classificatorsName` [1, N, 1].
public struct DetectorRecipe: Sendable, Equatable {
  /// Recipe name.
  public let name: String
  /// Model input tensor name.
  public let inputName: String
  /// Input tensor shape, [1, size, size, 3].
  public let inputShape: [Int]
  /// Output tensor with the boxes and keypoints.
  public let regressorsName: String
  /// Output tensor with the raw scores.
  public let classificatorsName: String
  /// Raw box and keypoint values are divided by it (the input size).
  public let scale: Double
  /// tensor = pixel (0...255) · normScale + normOffset.
  public let normScale: Double
  /// tensor = pixel (0...255) · normScale + normOffset.
  public let normOffset: Double
  /// Pixel value (0...255) of the letterbox padding and of everything outside the image.
  public let fill: Double
  /// The anchor grid.
  public let anchors: Anchors
  /// Keypoints per detection, each an (x, y) pair after the 4 box values.
  public let numKeypoints: Int
  /// Keypoint names in output order for an un-mirrored image: left/right are the subject's own.
  public let keypointNames: [String]
  /// The left/right pairs of `keypointNames` as a permutation (entry i: the index of name i with
  /// left and right exchanged, i itself for a name without a side): on a mirrored frame, name i
  /// takes the model's keypoint keypointMirror[i], so that the names stay the subject's own
  /// (packager.reference.detect.subject_keypoints).
  public let keypointMirror: [Int]
  /// Raw scores are clipped to ±scoreClip before the sigmoid.
  public let scoreClip: Double
  /// Detections below this probability are dropped (the recipe's value; set another on a copy,
  /// or through `PipelineOptions.scoreThreshold`).
  public var minScore: Double
  /// Weighted NMS merges boxes whose IoU with the best remaining one exceeds it (the recipe's
  /// value; set another on a copy, or through `PipelineOptions.iouThreshold`).
  public var iouThreshold: Double
  /// Letterbox interpolation: the recipe's choice; set another (e.g. `.antialias`) on a copy of
  /// the configuration to resample differently.
  public var resize: Interpolation

  /// A detector configuration; the generated `Recipes` holds the packaged ones.
  public init(
    name: String, inputName: String, inputShape: [Int], regressorsName: String,
    classificatorsName: String, scale: Double, normScale: Double, normOffset: Double,
    fill: Double, anchors: Anchors, numKeypoints: Int, keypointNames: [String],
    keypointMirror: [Int], scoreClip: Double, minScore: Double, iouThreshold: Double,
    resize: Interpolation
  ) {
    self.name = name
    self.inputName = inputName
    self.inputShape = inputShape
    self.regressorsName = regressorsName
    self.classificatorsName = classificatorsName
    self.scale = scale
    self.normScale = normScale
    self.normOffset = normOffset
    self.fill = fill
    self.anchors = anchors
    self.numKeypoints = numKeypoints
    self.keypointNames = keypointNames
    self.keypointMirror = keypointMirror
    self.scoreClip = scoreClip
    self.minScore = minScore
    self.iouThreshold = iouThreshold
    self.resize = resize
  }

  /// Square model input side in pixels.
  public var inputSize: Int { anchors.inputSize }

  /// Values per regressor row: box (cx, cy, w, h) then (x, y) per keypoint.
  public var rowLength: Int { 4 + 2 * numKeypoints }
}

/// A facial emotion classifier on one square face crop (packager.recipes.EmotionRecipe).
///
/// tensor = (pixel 0...255 in `color` order − mean) · scale, per channel, laid out as `layout`.
public struct EmotionRecipe: Sendable, Equatable {
  /// Recipe name.
  public let name: String
  /// Model input tensor name.
  public let inputName: String
  /// Input tensor shape with batch 1, in `layout` order.
  public let inputShape: [Int]
  /// Model output tensor name.
  public let outputName: String
  /// Input layout.
  public let layout: TensorLayout
  /// Input channel order.
  public let color: ColorOrder
  /// Crop interpolation: the recipe's choice; set another (e.g. `.antialias`) on a copy of the
  /// configuration to resample differently.
  public var resize: Interpolation
  /// Per channel (in `color` order): tensor = (pixel − mean) · scale.
  public let scale: [Double]
  /// Per channel (in `color` order): tensor = (pixel − mean) · scale.
  public let mean: [Double]
  /// Side of the square crop = max(face width, face height) · cropScale, centred on the box.
  public let cropScale: Double
  /// Pixel value (0...255) of crop regions outside the image.
  public let fill: Double
  /// Apply softmax to the output (else it already holds probabilities).
  public let outputsAreLogits: Bool
  /// Class names in output order.
  public let labels: [String]

  /// An emotion configuration; the generated `Recipes` holds the packaged ones.
  public init(
    name: String, inputName: String, inputShape: [Int], outputName: String,
    layout: TensorLayout, color: ColorOrder, resize: Interpolation, scale: [Double],
    mean: [Double], cropScale: Double, fill: Double, outputsAreLogits: Bool, labels: [String]
  ) {
    self.name = name
    self.inputName = inputName
    self.inputShape = inputShape
    self.outputName = outputName
    self.layout = layout
    self.color = color
    self.resize = resize
    self.scale = scale
    self.mean = mean
    self.cropScale = cropScale
    self.fill = fill
    self.outputsAreLogits = outputsAreLogits
    self.labels = labels
  }

  /// Crop side in pixels (0 when the input shape is not 4-D).
  public var size: Int {
    let axis = layout == .nhwc ? 1 : 2
    return inputShape.count == 4 ? inputShape[axis] : 0
  }

  /// Channels of the input tensor.
  public var channels: Int { color.channels }
}

extension DetectorRecipe {
  /// The detector's input: `inputName`, `inputShape`.
  public var inputSpec: TensorSpec { TensorSpec(name: inputName, shape: inputShape) }

  /// The detector's outputs for `anchors` anchors: regressors [1, N, 4 + 2K] and
  /// classificators [1, N, 1], in that order.
  public func outputSpecs(anchors: Int) -> [TensorSpec] {
    [
      TensorSpec(name: regressorsName, shape: [1, anchors, rowLength]),
      TensorSpec(name: classificatorsName, shape: [1, anchors, 1]),
    ]
  }
}

extension EmotionRecipe {
  /// The emotion model's input: `inputName`, `inputShape`.
  public var inputSpec: TensorSpec { TensorSpec(name: inputName, shape: inputShape) }

  /// The emotion model's output: one value per label, [1, labels].
  public var outputSpec: TensorSpec { TensorSpec(name: outputName, shape: [1, labels.count]) }
}
