// Runtime library of packager (hand-written, not generated), the same for every recipe.

/// A camera buffer as the camera delivers it — one or three planes with their strides — and the
/// turn that makes it upright (packager/reference/frames.py, the spec).
///
/// Every stage reads the *upright* image: boxes and keypoints come back in its coordinates
/// (`uprightWidth` × `uprightHeight`). Its pixel (x, y) is buffer pixel `bufferXY(x, y)`, read
/// where the resampler reads it (bilinear sums a `.yuv` frame's Y, U, V and converts each output
/// value once: `YUVReader.values`); nothing converts, rotates or copies the frame. For a buffer
/// of W × H pixels, with x first mirrored (x → W' − 1 − x) when `mirrored`:
///
///       0°: (x, y)      90°: (y, H − 1 − x)      180°: (W − 1 − x, H − 1 − y)      270°: (W − 1 − y, x)
///
/// Formats (`Pixels`):
/// - `.argb`: one native-endian 32-bit integer 0xAARRGGBB per pixel (Android's
///   `Bitmap.getPixels`); alpha is ignored.
/// - `.rgba`, `.bgra`: bytes R, G, B, A or B, G, R, A per pixel (CoreGraphics RGBA8;
///   `kCVPixelFormatType_32BGRA`).
/// - `.yuv`: 4:2:0 Y, U (Cb), V (Cr) planes. Buffer pixel (bx, by) reads Y at
///   by · yBytesPerRow + bx and U, V at (by >> 1) · uvBytesPerRow + (bx >> 1) · uvPixelStride.
///   Bi-planar 420f / 420v: u = plane 1, v = plane 1 + 1 byte, uvPixelStride 2. Converted by
///   BT.601 in integers (u = U − 128, v = V − 128, ">>" flooring, clamp to 0...255; the
///   constants are `ColorOrder.yuvFullRange` / `yuvVideoRange`):
///
///       R = ((Y − off) · s + rv · v + 32768) >> 16
///       G = ((Y − off) · s − gu · u − gv · v + 32768) >> 16
///       B = ((Y − off) · s + bu · u + 32768) >> 16
///
/// The pointers are read only during the call that takes the frame; they must stay valid (a
/// `CVPixelBuffer` locked) until it returns, and every pixel of the W × H buffer must be
/// readable at the strides given.
public struct CameraFrame {
  /// The planes of a frame and their strides (in bytes).
  public enum Pixels {
    /// 32-bit 0xAARRGGBB integers (native byte order), `bytesPerRow` = 4 · row stride in pixels.
    case argb(UnsafeRawPointer, bytesPerRow: Int)
    /// Bytes R, G, B, A.
    case rgba(UnsafeRawPointer, bytesPerRow: Int)
    /// Bytes B, G, R, A.
    case bgra(UnsafeRawPointer, bytesPerRow: Int)
    /// Three 4:2:0 planes; U and V share their row and pixel strides.
    case yuv(
      y: UnsafeRawPointer, u: UnsafeRawPointer, v: UnsafeRawPointer, yBytesPerRow: Int,
      uvBytesPerRow: Int, uvPixelStride: Int, fullRange: Bool)
  }

  /// The planes.
  public let pixels: Pixels
  /// Buffer width in pixels (before the turn).
  public let width: Int
  /// Buffer height in pixels.
  public let height: Int
  /// Clockwise degrees that make the buffer upright: 0, 90, 180 or 270 (Android
  /// `rotationDegrees`).
  public let rotationDegrees: Int
  /// Flip the upright image left to right (front cameras).
  public let mirrored: Bool

  /// A frame; throws `PackagerError.invalidImage` for a zero size, a rotation other than
  /// 0, 90, 180, 270, or strides too small for the width (or too large to index).
  public init(
    _ pixels: Pixels, width: Int, height: Int, rotation: Int = 0, mirrored: Bool = false
  ) throws {
    guard width > 0, height > 0 else {
      throw PackagerError.invalidImage("frame has zero size (\(width)×\(height))")
    }
    guard [0, 90, 180, 270].contains(rotation) else {
      throw PackagerError.invalidImage("rotation \(rotation): choose 0, 90, 180 or 270")
    }
    // Offsets are Ints that must not overflow; YUV packs two of them into one (`YUVReader`).
    let limit = 1 << 31
    switch pixels {
    case .argb(_, let bytesPerRow), .rgba(_, let bytesPerRow), .bgra(_, let bytesPerRow):
      guard width <= limit / 4, bytesPerRow >= 4 * width, bytesPerRow <= limit / height else {
        throw PackagerError.invalidImage(
          "\(bytesPerRow) bytes per row do not fit a \(width)×\(height) frame")
      }
    case .yuv(_, _, _, let yBytesPerRow, let uvBytesPerRow, let uvPixelStride, _):
      let chroma = (width + 1) / 2
      guard yBytesPerRow >= width, yBytesPerRow <= limit / height, uvPixelStride >= 1,
        uvPixelStride <= limit / chroma, uvBytesPerRow >= (chroma - 1) * uvPixelStride + 1,
        uvBytesPerRow <= limit / ((height + 1) / 2)
      else {
        throw PackagerError.invalidImage(
          "strides \(yBytesPerRow), \(uvBytesPerRow), \(uvPixelStride) do not fit a "
            + "\(width)×\(height) YUV 4:2:0 frame")
      }
    }
    self.pixels = pixels
    self.width = width
    self.height = height
    self.rotationDegrees = rotation
    self.mirrored = mirrored
  }

  /// A frame turned by an iOS `CGImagePropertyOrientation` raw value (also EXIF's, 1...8)
  /// instead of a rotation; nil for another value.
  public init?(_ pixels: Pixels, width: Int, height: Int, orientation: UInt32) throws {
    guard let (rotation, mirrored) = Self.turn(orientation: orientation) else {
      return nil
    }
    try self.init(pixels, width: width, height: height, rotation: rotation, mirrored: mirrored)
  }

  /// (rotation, mirrored) of a `CGImagePropertyOrientation` raw value (frames.ORIENTATIONS):
  /// 1 up, 2 up mirrored, 3 down, 4 down mirrored, 5 left mirrored, 6 right, 7 right mirrored,
  /// 8 left; nil for another value.
  static func turn(orientation: UInt32) -> (rotation: Int, mirrored: Bool)? {
    switch orientation {
    case 1: return (0, false)
    case 2: return (0, true)
    case 3: return (180, false)
    case 4: return (180, true)
    case 5: return (90, true)
    case 6: return (90, false)
    case 7: return (270, true)
    case 8: return (270, false)
    default: return nil
    }
  }

  /// Width of the upright image.
  public var uprightWidth: Int { rotationDegrees % 180 == 0 ? width : height }
  /// Height of the upright image.
  public var uprightHeight: Int { rotationDegrees % 180 == 0 ? height : width }

  /// The buffer pixel of upright pixel (x, y) (the type's documentation).
  func bufferXY(_ x: Int, _ y: Int) -> (x: Int, y: Int) {
    let xm = mirrored ? uprightWidth - 1 - x : x
    switch rotationDegrees {
    case 90: return (y, height - 1 - xm)
    case 180: return (width - 1 - xm, height - 1 - y)
    case 270: return (width - 1 - y, xm)
    default: return (xm, y)
    }
  }

  /// Where an upright axis lies in the buffer: upright coordinate k is buffer coordinate
  /// origin + sign · k along the buffer's columns (`alongRow`) or rows.
  struct Axis {
    let alongRow: Bool
    let origin: Int
    let sign: Int
  }

  /// The buffer axis of the upright x axis (`vertical` false) or y axis (the table in the
  /// type's documentation): every turn and mirror moves each upright axis onto one buffer axis,
  /// so a pixel's offset is the sum of a column term and a row term, each computed once per tap
  /// (Bilinear.swift, Antialias.swift).
  func axis(vertical: Bool) -> Axis {
    let (w, h) = (width - 1, height - 1)
    if vertical {
      switch rotationDegrees {
      case 90: return Axis(alongRow: true, origin: 0, sign: 1)
      case 180: return Axis(alongRow: false, origin: h, sign: -1)
      case 270: return Axis(alongRow: true, origin: w, sign: -1)
      default: return Axis(alongRow: false, origin: 0, sign: 1)
      }
    }
    let a: Axis
    switch rotationDegrees {
    case 90: a = Axis(alongRow: false, origin: h, sign: -1)
    case 180: a = Axis(alongRow: true, origin: w, sign: -1)
    case 270: a = Axis(alongRow: false, origin: 0, sign: 1)
    default: a = Axis(alongRow: true, origin: 0, sign: 1)
    }
    guard mirrored else {
      return a
    }
    return Axis(alongRow: a.alongRow, origin: a.origin + a.sign * (uprightWidth - 1), sign: -a.sign)
  }

  /// The part of a tap's offset that upright coordinate k (in 0..<size of that axis) on
  /// `axis` contributes: bytes for packed formats; for `.yuv`, the luma offset plus the chroma
  /// offset shifted left by 32 (both below 2^31: `init` checks the strides).
  func term(_ axis: Axis, _ k: Int) -> Int {
    let c = axis.origin + axis.sign * k
    switch pixels {
    case .argb(_, let bytesPerRow), .rgba(_, let bytesPerRow), .bgra(_, let bytesPerRow):
      return axis.alongRow ? c * 4 : c * bytesPerRow
    case .yuv(_, _, _, let yBytesPerRow, let uvBytesPerRow, let uvPixelStride, _):
      let luma = axis.alongRow ? c : c * yBytesPerRow
      let chroma = axis.alongRow ? (c >> 1) * uvPixelStride : (c >> 1) * uvBytesPerRow
      return luma | chroma << 32
    }
  }
}

/// Reads one pixel at an offset made of `CameraFrame.term`s: one type per format, so that the
/// resampler's loops are specialized for each (no dispatch per pixel).
protocol PixelReader {
  /// R, G, B of the pixel (antialias and nearest, and the upright image).
  func rgb(_ offset: Int) -> (Int, Int, Int)
  /// The channels bilinear sums: R, G, B (a YUV frame: Y, U, V).
  func sample(_ offset: Int) -> (Int, Int, Int)
  /// R, G, B values of one bilinear output sample from its sums of `sample` channels over its
  /// taps inside the image, their weight `inside`, `fill` times the weight outside, and `unit`
  /// = 1 / the sample's weight (packager/reference/frames.py, "Resampling a YUV frame").
  func values(_ sums: (Int, Int, Int), inside: Int, fill: Int, unit: Double) -> (
    Double, Double, Double
  )
  /// An offset term (`CameraFrame.term`) as `packed` reads it: a YUV frame's luma and chroma
  /// offsets apart, split once per row or column rather than once per tap.
  associatedtype Term
  func split(_ term: Int) -> Term
  /// The `sample` channels of the pixel at row + column as the bytes of a number, in the
  /// reader's order (`sums` puts them back in channel order; the fourth byte is not read).
  func packed(_ row: Term, _ column: Term) -> UInt32
  /// The channel sums from the sums of `packed`'s bytes, byte 0 first.
  func sums(_ lanes: SIMD4<UInt32>) -> (Int, Int, Int)
}

extension PixelReader {
  @inline(__always)
  func sample(_ offset: Int) -> (Int, Int, Int) {
    rgb(offset)
  }

  @inline(__always)
  func values(_ sums: (Int, Int, Int), inside: Int, fill: Int, unit: Double) -> (
    Double, Double, Double
  ) {
    (Double(sums.0 &+ fill) * unit, Double(sums.1 &+ fill) * unit, Double(sums.2 &+ fill) * unit)
  }
}

/// A 4-byte pixel whose R, G, B are its bytes `order` (`.rgba`: 0, 1, 2; `.bgra` and `.argb`
/// on a little-endian machine: 2, 1, 0; `.argb` on a big-endian one: 1, 2, 3).
struct RGBReader: PixelReader {
  let base: UnsafeRawPointer
  let order: (r: Int, g: Int, b: Int)

  @inline(__always)
  func rgb(_ offset: Int) -> (Int, Int, Int) {
    (
      Int(base.load(fromByteOffset: offset &+ order.r, as: UInt8.self)),
      Int(base.load(fromByteOffset: offset &+ order.g, as: UInt8.self)),
      Int(base.load(fromByteOffset: offset &+ order.b, as: UInt8.self))
    )
  }

  @inline(__always)
  func split(_ term: Int) -> Int {
    term
  }

  @inline(__always)
  func packed(_ row: Int, _ column: Int) -> UInt32 {
    UInt32(littleEndian: base.loadUnaligned(fromByteOffset: row &+ column, as: UInt32.self))
  }

  @inline(__always)
  func sums(_ lanes: SIMD4<UInt32>) -> (Int, Int, Int) {
    (Int(lanes[order.r]), Int(lanes[order.g]), Int(lanes[order.b]))
  }
}

/// BT.601 YUV → RGB of one pixel (`CameraFrame`'s documentation); the offset holds the luma
/// offset in its low 32 bits and the chroma offset above.
struct YUVReader: PixelReader {
  let y: UnsafeRawPointer
  let u: UnsafeRawPointer
  let v: UnsafeRawPointer
  /// The constants (`ColorOrder.yuvFullRange` / `yuvVideoRange`).
  let k: (scale: Int, vr: Int, ug: Int, vg: Int, ub: Int, yOffset: Int)

  init(y: UnsafeRawPointer, u: UnsafeRawPointer, v: UnsafeRawPointer, fullRange: Bool) {
    (self.y, self.u, self.v) = (y, u, v)
    let c = fullRange ? ColorOrder.yuvFullRange : ColorOrder.yuvVideoRange
    k = (c[0], c[1], c[2], c[3], c[4], c[5])
  }

  @inline(__always)
  func rgb(_ offset: Int) -> (Int, Int, Int) {
    let chroma = offset &>> 32
    let luma = Int(y.load(fromByteOffset: offset & 0xFFFF_FFFF, as: UInt8.self))
    let cu = Int(u.load(fromByteOffset: chroma, as: UInt8.self)) &- 128
    let cv = Int(v.load(fromByteOffset: chroma, as: UInt8.self)) &- 128
    let base = (luma &- k.yOffset) &* k.scale &+ 32768
    return (
      clamp((base &+ k.vr &* cv) &>> 16), clamp((base &- k.ug &* cu &- k.vg &* cv) &>> 16),
      clamp((base &+ k.ub &* cu) &>> 16)
    )
  }

  @inline(__always)
  private func clamp(_ x: Int) -> Int {
    min(max(x, 0), 255)
  }

  /// Y, U, V as they are: bilinear resamples the planes and converts once per output value.
  @inline(__always)
  func sample(_ offset: Int) -> (Int, Int, Int) {
    let chroma = offset &>> 32
    return (
      Int(y.load(fromByteOffset: offset & 0xFFFF_FFFF, as: UInt8.self)),
      Int(u.load(fromByteOffset: chroma, as: UInt8.self)),
      Int(v.load(fromByteOffset: chroma, as: UInt8.self))
    )
  }

  @inline(__always)
  func split(_ term: Int) -> (luma: Int, chroma: Int) {
    (term & 0xFFFF_FFFF, term &>> 32)
  }

  @inline(__always)
  func packed(_ row: (luma: Int, chroma: Int), _ column: (luma: Int, chroma: Int)) -> UInt32 {
    let chroma = row.chroma &+ column.chroma
    let luma = UInt32(y.load(fromByteOffset: row.luma &+ column.luma, as: UInt8.self))
    let cu = UInt32(u.load(fromByteOffset: chroma, as: UInt8.self))
    let cv = UInt32(v.load(fromByteOffset: chroma, as: UInt8.self))
    return luma | cu &<< 8 | cv &<< 16
  }

  @inline(__always)
  func sums(_ lanes: SIMD4<UInt32>) -> (Int, Int, Int) {
    (Int(lanes[0]), Int(lanes[1]), Int(lanes[2]))
  }

  /// BT.601 on the sums, exactly: each channel of the mean Y, U, V of the taps inside the image,
  /// clamped to 0...255 · inside (in 2^-16), plus the fill, over the sample's weight · 2^16 (a
  /// power of two; every integer below 2^51, so each value is exact).
  @inline(__always)
  func values(_ sums: (Int, Int, Int), inside: Int, fill: Int, unit: Double) -> (
    Double, Double, Double
  ) {
    let l = (sums.0 &- k.yOffset &* inside) &* k.scale
    let cu = sums.1 &- 128 &* inside
    let cv = sums.2 &- 128 &* inside
    let top = 255 &* inside &<< 16
    let f = fill &<< 16
    let u16 = unit / 65536
    return (
      Double(min(max(l &+ k.vr &* cv, 0), top) &+ f) * u16,
      Double(min(max(l &- k.ug &* cu &- k.vg &* cv, 0), top) &+ f) * u16,
      Double(min(max(l &+ k.ub &* cu, 0), top) &+ f) * u16
    )
  }
}

/// A YUV frame whose U and V bytes are interleaved (uvPixelStride 2, V right after U — 420f,
/// 420v, NV12 — or before it — NV21): `YUVReader`, with both chroma bytes read by one load.
struct InterleavedYUVReader: PixelReader {
  let yuv: YUVReader
  /// Whether V comes first.
  let vFirst: Bool

  @inline(__always)
  func rgb(_ offset: Int) -> (Int, Int, Int) {
    yuv.rgb(offset)
  }

  @inline(__always)
  func sample(_ offset: Int) -> (Int, Int, Int) {
    yuv.sample(offset)
  }

  @inline(__always)
  func values(_ sums: (Int, Int, Int), inside: Int, fill: Int, unit: Double) -> (
    Double, Double, Double
  ) {
    yuv.values(sums, inside: inside, fill: fill, unit: unit)
  }

  @inline(__always)
  func split(_ term: Int) -> (luma: Int, chroma: Int) {
    yuv.split(term)
  }

  @inline(__always)
  func packed(_ row: (luma: Int, chroma: Int), _ column: (luma: Int, chroma: Int)) -> UInt32 {
    let luma = UInt32(yuv.y.load(fromByteOffset: row.luma &+ column.luma, as: UInt8.self))
    let pair = vFirst ? yuv.v : yuv.u
    let chroma = UInt16(
      littleEndian: pair.loadUnaligned(
        fromByteOffset: row.chroma &+ column.chroma, as: UInt16.self))
    return luma | UInt32(chroma) &<< 8
  }

  @inline(__always)
  func sums(_ lanes: SIMD4<UInt32>) -> (Int, Int, Int) {
    vFirst ? (Int(lanes[0]), Int(lanes[2]), Int(lanes[1])) : yuv.sums(lanes)
  }
}
