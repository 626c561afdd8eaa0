// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// RGBA8 images: `RGBAImage` (checked pixels, read as a frame or resampled) and the platform
// adapters that make one, CGImage / UIImage → RGBA8 pixels for the core, with the wrappers'
// entry points on them. Those on an `RGBAImage` compile everywhere; the CGImage and UIImage
// ones only where CoreGraphics (and UIKit) exist; the core itself never imports them.

/// An RGBA8 image whose size has been checked: width, height > 0 and
/// pixels.count == width · height · 4 (row-major, as a CoreGraphics RGBA8 context gives).
public struct RGBAImage: Sendable, Equatable {
  /// RGBA bytes, row-major; alpha is ignored by the core.
  public let pixels: [UInt8]
  /// Width in pixels.
  public let width: Int
  /// Height in pixels.
  public let height: Int

  /// Checks the size; throws `PackagerError.invalidImage` otherwise.
  public init(pixels: [UInt8], width: Int, height: Int) throws {
    guard width > 0, height > 0 else {
      throw PackagerError.invalidImage("image has zero size (\(width)×\(height))")
    }
    let (area, o1) = width.multipliedReportingOverflow(by: height)
    let (count, o2) = area.multipliedReportingOverflow(by: 4)
    guard !o1, !o2, pixels.count == count else {
      throw PackagerError.invalidImage(
        "expected \(width)×\(height)×4 RGBA bytes, got \(pixels.count)")
    }
    self.pixels = pixels
    self.width = width
    self.height = height
  }
}

extension RGBAImage {
  /// `rect` (x0, y0, x1, y1 in pixels; it may reach outside the image, which reads `fill`)
  /// resampled onto width × height samples with `method`, exactly as the wrappers resample the
  /// letterbox and the face crops (Resample.swift): R, G, B Doubles per sample, row-major.
  ///
  /// Throws `PackagerError.invalidBox` for a rectangle the reference refuses (not finite,
  /// empty, beyond the coordinate limit or wider than the step limit, or an empty output) and
  /// `.invalidConfig` for a `.bilinear` fill that is not an integer 0...255.
  public func resampled(
    _ rect: Box, width: Int, height: Int, method: Interpolation, fill: Double
  ) throws -> [Double] {
    try withFrame { frame in
      try Resampler.resample(
        frame, rect: rect, outWidth: width, outHeight: height, method: method, fill: fill)
    }
  }
}

extension RGBAImage {
  /// `body` with this image as a frame (`.rgba`, tightly packed) turned by `rotation`
  /// (clockwise degrees: 0, 90, 180, 270) and `mirrored`: e.g. a CGImage drawn as it is stored,
  /// with its orientation, read upright by the wrappers' frame entry points.
  public func withFrame<T>(
    rotation: Int = 0, mirrored: Bool = false, _ body: (CameraFrame) throws -> T
  ) throws -> T {
    try pixels.withUnsafeBytes { bytes in
      guard let base = bytes.baseAddress else {
        throw PackagerError.invalidImage("image has no pixels")
      }
      let frame = try CameraFrame(
        .rgba(base, bytesPerRow: width * 4), width: width, height: height, rotation: rotation,
        mirrored: mirrored)
      return try body(frame)
    }
  }
}

#if canImport(CoreGraphics)
  import CoreGraphics

  extension CGImage {
    /// The image drawn into an RGBA8 context (row-major, top row first).
    ///
    /// RGB images keep their own colour space, so no colour management changes the values
    /// (the reference reads the stored values too); other models are converted to device RGB.
    /// Transparent pixels come out premultiplied, i.e. composited over black, as the reference
    /// does when it drops alpha.
    public func rgbaImage() throws -> RGBAImage {
      let w = width
      let h = height
      let (area, o1) = w.multipliedReportingOverflow(by: h)
      let (count, o2) = area.multipliedReportingOverflow(by: 4)
      guard w > 0, h > 0, !o1, !o2 else {
        throw PackagerError.invalidImage("CGImage has size \(w)×\(h)")
      }
      var pixels = [UInt8](repeating: 0, count: count)
      let space =
        colorSpace.flatMap { $0.model == .rgb ? $0 : nil } ?? CGColorSpaceCreateDeviceRGB()
      let info = CGImageAlphaInfo.premultipliedLast.rawValue | CGBitmapInfo.byteOrder32Big.rawValue
      let drawn = pixels.withUnsafeMutableBytes { buffer -> Bool in
        guard
          let context = CGContext(
            data: buffer.baseAddress, width: w, height: h, bitsPerComponent: 8,
            bytesPerRow: w * 4, space: space, bitmapInfo: info)
        else {
          return false
        }
        context.draw(self, in: CGRect(x: 0, y: 0, width: w, height: h))
        return true
      }
      guard drawn else {
        throw PackagerError.invalidImage("cannot create an RGBA8 context for the CGImage")
      }
      return try RGBAImage(pixels: pixels, width: w, height: h)
    }
  }
#endif

#if canImport(UIKit)
  import UIKit

  extension UIImage {
    /// The upright image (orientation applied, as the reference applies EXIF orientation) as
    /// RGBA8 pixels at its full pixel size.
    public func rgbaImage() throws -> RGBAImage {
      if imageOrientation == .up, let cg = cgImage {
        return try cg.rgbaImage()
      }
      let format = UIGraphicsImageRendererFormat.default()
      format.scale = scale
      format.opaque = false
      // sRGB 8 bits per channel, as the reference reads the file: the default format follows
      // the screen and may draw into an extended-range (wide colour, 16-bit) context.
      format.preferredRange = .standard
      let upright = UIGraphicsImageRenderer(size: size, format: format).image { _ in
        self.draw(in: CGRect(origin: .zero, size: self.size))
      }
      guard let cg = upright.cgImage else {
        throw PackagerError.invalidImage("UIImage has no bitmap")
      }
      return try cg.rgbaImage()
    }
  }
#endif

extension FaceDetectionWrapper {
  /// `preprocess(pixels:width:height:)` on an image's RGBA8 pixels (`CGImage.rgbaImage()`,
  /// `UIImage.rgbaImage()`).
  public func preprocess(_ image: RGBAImage) throws -> DetectionInput {
    try image.withFrame { try preprocess($0) }
  }
}

extension FaceEmotionRecognitionWrapper {
  /// `preprocess(pixels:width:height:face:)` on an image's RGBA8 pixels: convert an image once
  /// for all its faces.
  public func preprocess(_ image: RGBAImage, _ face: Face) throws -> EmotionInput {
    try image.withFrame { try preprocess($0, face) }
  }
}

#if canImport(CoreGraphics)
  // One extension per wrapper for both image types (a UIImage is drawn into a CGImage first).
  extension FaceDetectionWrapper {
    /// `preprocess(_:)` (an `RGBAImage`) on a CGImage.
    public func preprocess(_ image: CGImage) throws -> DetectionInput {
      try preprocess(image.rgbaImage())
    }

    #if canImport(UIKit)
      /// `preprocess(_:)` (an `RGBAImage`) on a UIImage (orientation applied).
      public func preprocess(_ image: UIImage) throws -> DetectionInput {
        try preprocess(image.rgbaImage())
      }
    #endif
  }

  extension FaceEmotionRecognitionWrapper {
    /// `preprocess(_:_:)` (an `RGBAImage`) on a CGImage. With several faces, convert the image
    /// once (`rgbaImage()`) and pass the `RGBAImage`.
    public func preprocess(_ image: CGImage, _ face: Face) throws -> EmotionInput {
      try preprocess(image.rgbaImage(), face)
    }

    #if canImport(UIKit)
      /// `preprocess(_:_:)` (an `RGBAImage`) on a UIImage (orientation applied).
      public func preprocess(_ image: UIImage, _ face: Face) throws -> EmotionInput {
        try preprocess(image.rgbaImage(), face)
      }
    #endif
  }
#endif
