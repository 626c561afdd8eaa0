// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// Each public struct spells out its memberwise `init`: Swift synthesizes one only with internal
// access, and an app outside the module (tests, previews) needs to build these values. The
// inits look alike across types (and DetectorOutputs in FaceEmotionSteps.swift); they are the
// types' own, not one logic written twice.

/// An axis-aligned box (xmin, ymin, xmax, ymax).
public struct Box: Sendable, Equatable {
  public var xmin: Double
  public var ymin: Double
  public var xmax: Double
  public var ymax: Double

  /// A box from its corners.
  public init(xmin: Double, ymin: Double, xmax: Double, ymax: Double) {
    self.xmin = xmin
    self.ymin = ymin
    self.xmax = xmax
    self.ymax = ymax
  }

  /// xmax − xmin.
  public var width: Double { xmax - xmin }
  /// ymax − ymin.
  public var height: Double { ymax - ymin }
}

/// A point (x, y).
public struct Point: Sendable, Equatable {
  public var x: Double
  public var y: Double

  /// A point from its coordinates.
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

/// Where the detector's square input lies on the source image.
///
/// The image is scaled by s = min(size / w, size / h) and centred; the model input covers the
/// source rectangle (x0, y0, x1, y1) in pixels, which may reach outside the image:
/// x0 = (w − size / s) / 2, x1 = x0 + size / s, rows likewise. A normalized model coordinate u
/// maps back to the source pixel x0 + u · (x1 − x0), and a source pixel x to x / width
/// normalized to the image.
public struct Letterbox: Sendable, Equatable {
  public var x0: Double
  public var y0: Double
  public var x1: Double
  public var y1: Double
  /// The source (upright) image's width in pixels.
  public var width: Int
  /// The source (upright) image's height in pixels.
  public var height: Int

  /// A letterbox from its source rectangle and the image's size.
  public init(x0: Double, y0: Double, x1: Double, y1: Double, width: Int, height: Int) {
    self.x0 = x0
    self.y0 = y0
    self.x1 = x1
    self.y1 = y1
    self.width = width
    self.height = height
  }

  /// The letterbox of a width × height image on a size × size input (all positive).
  public static func fit(width: Int, height: Int, size: Int) -> Letterbox {
    let s = min(Double(size) / Double(width), Double(size) / Double(height))
    let span = Double(size) / s
    let x0 = (Double(width) - span) / 2.0
    let y0 = (Double(height) - span) / 2.0
    return Letterbox(
      x0: x0, y0: y0, x1: x0 + span, y1: y0 + span, width: width, height: height)
  }

  /// A normalized input point mapped to source pixels.
  public func toImage(_ p: Point) -> Point {
    Point(x: x0 + p.x * (x1 - x0), y: y0 + p.y * (y1 - y0))
  }

  /// A normalized input box mapped to source pixels.
  public func toImage(_ b: Box) -> Box {
    let sx = x1 - x0
    let sy = y1 - y0
    return Box(
      xmin: x0 + b.xmin * sx, ymin: y0 + b.ymin * sy, xmax: x0 + b.xmax * sx,
      ymax: y0 + b.ymax * sy)
  }

  /// A point in source pixels normalized to the image: (x / width, y / height).
  public func toNormalized(_ p: Point) -> Point {
    Point(x: p.x / Double(width), y: p.y / Double(height))
  }

  /// A box in source pixels normalized to the image.
  public func toNormalized(_ b: Box) -> Box {
    let w = Double(width)
    let h = Double(height)
    return Box(xmin: b.xmin / w, ymin: b.ymin / h, xmax: b.xmax / w, ymax: b.ymax / h)
  }
}

/// One detected face.
public struct Face: Sendable, Equatable {
  /// Box in the (upright) source image's pixels.
  public var box: Box
  /// Keypoints in source-image pixels, in `DetectorRecipe.keypointNames` order: left/right are
  /// the subject's own, on mirrored frames too (`DetectorRecipe.keypointMirror`).
  public var keypoints: [Point]
  /// Detection probability 0...1.
  public var score: Double
  /// Box normalized to the upright image: x / width, y / height (0...1 inside it), e.g. to draw
  /// on a view of any size showing the same image.
  public var normalizedBox: Box
  /// Keypoints normalized to the upright image likewise.
  public var normalizedKeypoints: [Point]
  /// Box as the detector gives it, normalized to its square input (0...1 across the letterbox,
  /// `Letterbox`; the parity tolerance is stated in these coordinates).
  public var letterboxBox: Box
  /// Keypoints normalized to the letterbox likewise.
  public var letterboxKeypoints: [Point]

  /// A face from its parts.
  public init(
    box: Box, keypoints: [Point], score: Double, normalizedBox: Box,
    normalizedKeypoints: [Point], letterboxBox: Box, letterboxKeypoints: [Point]
  ) {
    self.box = box
    self.keypoints = keypoints
    self.score = score
    self.normalizedBox = normalizedBox
    self.normalizedKeypoints = normalizedKeypoints
    self.letterboxBox = letterboxBox
    self.letterboxKeypoints = letterboxKeypoints
  }
}

/// The detector's input tensor, where it lies on the source image, and whether that image is a
/// mirror image.
public struct DetectionInput: Sendable, Equatable {
  /// Float32 values in `shape` order (the recipe's layout).
  public var tensor: [Float]
  /// Tensor shape, e.g. [1, 128, 128, 3].
  public var shape: [Int]
  /// Source rectangle covered by the tensor.
  public var letterbox: Letterbox
  /// The image is a mirror image (a mirrored frame): postprocess names the keypoints for the
  /// subject (`DetectorRecipe.keypointMirror`).
  public var mirrored: Bool

  /// A detector input from its parts.
  public init(tensor: [Float], shape: [Int], letterbox: Letterbox, mirrored: Bool) {
    self.tensor = tensor
    self.shape = shape
    self.letterbox = letterbox
    self.mirrored = mirrored
  }
}

/// The emotion model's input tensor for one face.
public struct EmotionInput: Sendable, Equatable {
  /// Float32 values in `shape` order (the recipe's layout).
  public var tensor: [Float]
  /// Tensor shape, e.g. [1, 64, 64, 1].
  public var shape: [Int]

  /// An emotion input from its parts.
  public init(tensor: [Float], shape: [Int]) {
    self.tensor = tensor
    self.shape = shape
  }
}

/// Class probabilities of one face.
public struct EmotionResult: Sendable, Equatable {
  /// One probability per label, summing to 1.
  public var probabilities: [Double]
  /// The recipe's labels, same order.
  public var labels: [String]
  /// Index of the largest probability (the first one on ties).
  public var topIndex: Int

  /// A result from its parts.
  public init(probabilities: [Double], labels: [String], topIndex: Int) {
    self.probabilities = probabilities
    self.labels = labels
    self.topIndex = topIndex
  }

  /// The label with the largest probability ("" when there are no labels).
  public var topLabel: String {
    labels.indices.contains(topIndex) ? labels[topIndex] : ""
  }

  /// The largest probability (0 when there are none).
  public var topProbability: Double {
    probabilities.indices.contains(topIndex) ? probabilities[topIndex] : 0
  }
}
