// Unit tests of CameraFrame: the orientation table, the per-axis offsets the resampler uses
// against the pixel mapping they stand for, and the same image in every byte layout.
// Bit-for-bit parity of every format × rotation with the Python reference is proven by
// tests/swift (the frame parity cases).

import XCTest

@testable import FaceEmotionCore

final class FrameTests: XCTestCase {
  func testOrientationTable() {
    // packager/reference/frames.py ORIENTATIONS (CGImagePropertyOrientation raw values).
    let expected: [UInt32: (Int, Bool)] = [
      1: (0, false), 2: (0, true), 3: (180, false), 4: (180, true), 5: (90, true), 6: (90, false),
      7: (270, true), 8: (270, false),
    ]
    for (raw, turn) in expected {
      let got = CameraFrame.turn(orientation: raw)
      XCTAssertEqual(got?.rotation, turn.0, "\(raw)")
      XCTAssertEqual(got?.mirrored, turn.1, "\(raw)")
    }
    XCTAssertNil(CameraFrame.turn(orientation: 0))
    XCTAssertNil(CameraFrame.turn(orientation: 9))
  }

  /// The column term plus the row term of upright (x, y) is the offset of buffer pixel
  /// bufferXY(x, y), for every turn, mirror and format, on an odd-sized frame.
  func testAxisTermsAddUpToTheBufferPixel() throws {
    var bytes = [UInt8](repeating: 0, count: 64)
    try bytes.withUnsafeBytes { raw in
      let p = try XCTUnwrap(raw.baseAddress)
      let layouts: [CameraFrame.Pixels] = [
        .bgra(p, bytesPerRow: 40),
        .yuv(
          y: p, u: p, v: p + 1, yBytesPerRow: 9, uvBytesPerRow: 11, uvPixelStride: 2,
          fullRange: true),
      ]
      for pixels in layouts {
        for rotation in [0, 90, 180, 270] {
          for mirrored in [false, true] {
            let f = try CameraFrame(
              pixels, width: 7, height: 5, rotation: rotation, mirrored: mirrored)
            let (ax, ay) = (f.axis(vertical: false), f.axis(vertical: true))
            for y in 0..<f.uprightHeight {
              for x in 0..<f.uprightWidth {
                let (bx, by) = f.bufferXY(x, y)
                let expected: Int
                if case .yuv = pixels {
                  expected = (by * 9 + bx) | ((by >> 1) * 11 + (bx >> 1) * 2) << 32
                } else {
                  expected = by * 40 + bx * 4
                }
                XCTAssertEqual(f.term(ax, x) + f.term(ay, y), expected, "\(rotation) \(mirrored)")
              }
            }
          }
        }
      }
    }
  }

  /// One 3×2 image as RGBA, BGRA (padded rows) and ARGB ints, turned 90° and mirrored, and as
  /// the upright RGBA pixels: the same tensor.
  func testByteLayoutsAgree() throws {
    let rgb: [[UInt8]] = [
      [10, 20, 30], [40, 50, 60], [70, 80, 90], [1, 2, 3], [4, 5, 6], [7, 8, 9],
    ]
    let (w, h) = (3, 2)
    var rgba: [UInt8] = []
    var bgra: [UInt8] = []
    var argb: [UInt32] = []
    for y in 0..<h {
      for x in 0..<w {
        let c = rgb[y * w + x]
        rgba += [c[0], c[1], c[2], 255]
        bgra += [c[2], c[1], c[0], 255]
        argb.append(0xFF00_0000 | UInt32(c[0]) << 16 | UInt32(c[1]) << 8 | UInt32(c[2]))
      }
      bgra += [0xA5, 0xA5, 0xA5, 0xA5]
      argb.append(0xA5A5_A5A5)
    }
    let detector = FaceDetectionWrapper()
    let reference = try detector.preprocess(pixels: rgba, width: w, height: h).tensor
    let fromBGRA = try bgra.withUnsafeBytes { b in
      try detector.preprocess(
        CameraFrame(.bgra(try XCTUnwrap(b.baseAddress), bytesPerRow: 16), width: w, height: h)
      )
      .tensor
    }
    let fromARGB = try argb.withUnsafeBytes { b in
      try detector.preprocess(
        CameraFrame(.argb(try XCTUnwrap(b.baseAddress), bytesPerRow: 16), width: w, height: h)
      )
      .tensor
    }
    XCTAssertEqual(fromBGRA, reference)
    XCTAssertEqual(fromARGB, reference)
    // Turning the upright RGBA by 180° twice is no turn; once, the tensor differs.
    let turned = try RGBAImage(pixels: rgba, width: w, height: h).withFrame(rotation: 180) {
      try detector.preprocess($0).tensor
    }
    XCTAssertNotEqual(turned, reference)
  }

  func testBadFramesAreRefused() throws {
    var bytes = [UInt8](repeating: 0, count: 16)
    try bytes.withUnsafeBytes { raw in
      let p = try XCTUnwrap(raw.baseAddress)
      XCTAssertThrowsError(try CameraFrame(.rgba(p, bytesPerRow: 4), width: 2, height: 1))
      XCTAssertThrowsError(try CameraFrame(.rgba(p, bytesPerRow: 8), width: 0, height: 1))
      XCTAssertThrowsError(
        try CameraFrame(.rgba(p, bytesPerRow: 8), width: 2, height: 1, rotation: 45))
      XCTAssertThrowsError(
        try CameraFrame(
          .yuv(
            y: p, u: p, v: p, yBytesPerRow: 4, uvBytesPerRow: 1, uvPixelStride: 2,
            fullRange: false), width: 4, height: 2))
      XCTAssertNil(try CameraFrame(.rgba(p, bytesPerRow: 8), width: 2, height: 1, orientation: 0))
    }
  }
}
