// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// Platform adapters: CGImage / UIImage → RGBA8 pixels for the core. Compiled only where
// CoreGraphics (and UIKit) exist; the core itself never imports them.

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

  extension FaceDetectionWrapper {
    /// `preprocess(pixels:width:height:)` on a CGImage.
    public func preprocess(_ image: CGImage) throws -> DetectionInput {
      let rgba = try image.rgbaImage()
      return try preprocess(pixels: rgba.pixels, width: rgba.width, height: rgba.height)
    }
  }

  extension FaceEmotionRecognitionWrapper {
    /// `preprocess(pixels:width:height:face:)` on a CGImage. With several faces, convert the
    /// image once (`rgbaImage()`) and use the pixel entry point.
    public func preprocess(_ image: CGImage, _ face: Face) throws -> EmotionInput {
      let rgba = try image.rgbaImage()
      return try preprocess(pixels: rgba.pixels, width: rgba.width, height: rgba.height, face: face)
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

  extension FaceDetectionWrapper {
    /// `preprocess(pixels:width:height:)` on a UIImage (orientation applied).
    public func preprocess(_ image: UIImage) throws -> DetectionInput {
      let rgba = try image.rgbaImage()
      return try preprocess(pixels: rgba.pixels, width: rgba.width, height: rgba.height)
    }
  }

  extension FaceEmotionRecognitionWrapper {
    /// `preprocess(pixels:width:height:face:)` on a UIImage (orientation applied).
    public func preprocess(_ image: UIImage, _ face: Face) throws -> EmotionInput {
      let rgba = try image.rgbaImage()
      return try preprocess(pixels: rgba.pixels, width: rgba.width, height: rgba.height, face: face)
    }
  }
#endif
