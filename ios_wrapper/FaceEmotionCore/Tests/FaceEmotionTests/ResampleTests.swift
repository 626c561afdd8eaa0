// Unit tests of the resampler: every method against its statement in the reference's module
// docstring (packager/reference/resample.py) on inputs whose answer follows from it, the fill,
// what is refused, and the memory a wrapper reuses. Bit-for-bit parity with the Python reference
// is proven by tests/swift (the parity harness, the --resample mode).

import XCTest

@testable import FaceEmotionCore

final class ResampleTests: XCTestCase {
  static let methods: [Interpolation] = [.bilinear, .antialias, .nearest]

  /// A seeded random RGBA image.
  func randomImage(width: Int, height: Int, seed: UInt64) throws -> RGBAImage {
    var g = SplitMix64(seed: seed)
    let pixels = (0..<(width * height * 4)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
    return try RGBAImage(pixels: pixels, width: width, height: height)
  }

  /// Channel `ch` of pixel (x, y).
  func pixel(_ image: RGBAImage, _ x: Int, _ y: Int, _ ch: Int) -> Double {
    Double(image.pixels[(y * image.width + x) * 4 + ch])
  }

  /// bilinear as the documentation states it, in loops: per sub-sample the 2×2 taps with their
  /// integer weights, `fill` for a tap outside the image, one integer sum per output value
  /// divided by s_x · s_y · 2^22 (packager/reference/statements.py `bilinear`).
  func bilinearAsStated(
    _ image: RGBAImage, rect: Box, outWidth: Int, outHeight: Int, fill: Int
  ) -> [Double] {
    func axis(_ lo: Double, _ hi: Double, _ out: Int) -> (k: [Int], a: [Int], s: Int) {
      let s = min(2, max(1, Int(((hi - lo) / Double(out)).rounded(.up))))
      let step = (hi - lo) / Double(out * s)
      var k: [Int] = []
      var a: [Int] = []
      for q in 0..<(out * s) {
        let p = lo + (Double(q) + 0.5) * step - 0.5
        let floorP = p.rounded(.down)
        k.append(Int(floorP))
        a.append(Int(((p - floorP) * 2048 + 0.5).rounded(.down)))
      }
      return (k, a, s)
    }
    let x = axis(rect.xmin, rect.xmax, outWidth)
    let y = axis(rect.ymin, rect.ymax, outHeight)
    func read(_ row: Int, _ column: Int, _ ch: Int) -> Int {
      guard row >= 0, row < image.height, column >= 0, column < image.width else {
        return fill
      }
      return Int(image.pixels[(row * image.width + column) * 4 + ch])
    }
    var out: [Double] = []
    for i in 0..<outHeight {
      for j in 0..<outWidth {
        for ch in 0..<3 {
          var total = 0
          for qy in (i * y.s)..<(i * y.s + y.s) {
            for qx in (j * x.s)..<(j * x.s + x.s) {
              let wx = [2048 - x.a[qx], x.a[qx]]
              let wy = [2048 - y.a[qy], y.a[qy]]
              for ty in 0..<2 {
                var h = 0
                for tx in 0..<2 {
                  h += wx[tx] * read(y.k[qy] + ty, x.k[qx] + tx, ch)
                }
                total += wy[ty] * h
              }
            }
          }
          out.append(Double(total) / Double(x.s * y.s * (1 << 22)))
        }
      }
    }
    return out
  }

  func testIdentityIsExactForEveryMethod() throws {
    let image = try randomImage(width: 53, height: 37, seed: 1)
    for method in Self.methods {
      let out = try Resampler.resample(
        image, rect: Box(xmin: 0, ymin: 0, xmax: 53, ymax: 37), outWidth: 53, outHeight: 37,
        method: method, fill: 0)
      var same = true
      for y in 0..<37 {
        for x in 0..<53 {
          for ch in 0..<3 where out[(y * 53 + x) * 3 + ch] != pixel(image, x, y, ch) {
            same = false
          }
        }
      }
      XCTAssertTrue(same, "\(method)")
    }
  }

  func testBilinearEqualsItsStatement() throws {
    let image = try randomImage(width: 53, height: 37, seed: 3)
    // Up- and downscales, partly and fully outside, sub-pixel (as tests/reference).
    var cases: [(Box, Int, Int, Int)] = [
      (Box(xmin: -5.3, ymin: 2.2, xmax: 60.7, ymax: 30.1), 17, 11, 0),
      (Box(xmin: 10.1, ymin: -20.0, xmax: 14.2, ymax: 50.0), 9, 23, 128),
      (Box(xmin: 0, ymin: 0, xmax: 53, ymax: 37), 7, 5, 3),
      (Box(xmin: -100, ymin: -100, xmax: -50, ymax: -50), 4, 4, 9),
      (Box(xmin: 0, ymin: 0, xmax: 53, ymax: 37), 40, 30, 0),
      (Box(xmin: 20.25, ymin: 10.5, xmax: 20.75, ymax: 11.0), 6, 6, 255),
    ]
    var g = SplitMix64(seed: 0xB111_7EA8)
    for _ in 0..<60 {
      let x0 = Double.random(in: -30...60, using: &g)
      let y0 = Double.random(in: -30...45, using: &g)
      let side = Double.random(in: 0.2...150, using: &g)
      let aspect = Double.random(in: 0.5...2, using: &g)
      cases.append(
        (
          Box(xmin: x0, ymin: y0, xmax: x0 + side, ymax: y0 + side * aspect), 1 + g.below(40),
          1 + g.below(40), g.below(256)
        ))
    }
    for (rect, w, h, fill) in cases {
      let got = try Resampler.resample(
        image, rect: rect, outWidth: w, outHeight: h, method: .bilinear, fill: Double(fill))
      let want = bilinearAsStated(image, rect: rect, outWidth: w, outHeight: h, fill: fill)
      XCTAssertEqual(got, want, "\(rect) → \(w)×\(h), fill \(fill)")
    }
  }

  func testBilinearDownscaleByTwoIsTheMeanOfEachBlock() throws {
    let image = try randomImage(width: 8, height: 6, seed: 5)
    let out = try Resampler.resample(
      image, rect: Box(xmin: 0, ymin: 0, xmax: 8, ymax: 6), outWidth: 4, outHeight: 3,
      method: .bilinear, fill: 0)
    for i in 0..<3 {
      for j in 0..<4 {
        for ch in 0..<3 {
          let block =
            pixel(image, 2 * j, 2 * i, ch) + pixel(image, 2 * j + 1, 2 * i, ch)
            + pixel(image, 2 * j, 2 * i + 1, ch) + pixel(image, 2 * j + 1, 2 * i + 1, ch)
          XCTAssertEqual(out[(i * 4 + j) * 3 + ch], block / 4)
        }
      }
    }
  }

  func testBilinearHalfPixelShiftAveragesNeighboursAndTheFill() throws {
    let image = try randomImage(width: 6, height: 2, seed: 7)
    let fill = 40.0
    let out = try Resampler.resample(
      image, rect: Box(xmin: 0.5, ymin: 0, xmax: 6.5, ymax: 2), outWidth: 6, outHeight: 2,
      method: .bilinear, fill: fill)
    for y in 0..<2 {
      for x in 0..<6 {
        for ch in 0..<3 {
          let right = x + 1 < 6 ? pixel(image, x + 1, y, ch) : fill
          XCTAssertEqual(out[(y * 6 + x) * 3 + ch], (pixel(image, x, y, ch) + right) / 2)
        }
      }
    }
  }

  func testOutsideTheImageReadsFill() throws {
    let image = try RGBAImage(
      pixels: [UInt8](repeating: 200, count: 10 * 10 * 4), width: 10, height: 10)
    for method in Self.methods {
      let out = try Resampler.resample(
        image, rect: Box(xmin: -10, ymin: 0, xmax: 20, ymax: 10), outWidth: 30, outHeight: 10,
        method: method, fill: 7)
      // bilinear and nearest are exact; antialias divides by summed weights (1e-12).
      let tolerance = method == .antialias ? 1e-12 : 0
      for y in 0..<10 {
        for x in 0..<30 {
          let v = out[(y * 30 + x) * 3]
          if x < 9 || x >= 21 {
            XCTAssertEqual(v, 7, accuracy: tolerance, "\(method) (\(x), \(y))")
          } else if x >= 11 && x < 19 {
            XCTAssertEqual(v, 200, accuracy: tolerance, "\(method) (\(x), \(y))")
          }
        }
      }
      let outside = try Resampler.resample(
        image, rect: Box(xmin: -50, ymin: 30, xmax: -20, ymax: 60), outWidth: 5, outHeight: 4,
        method: method, fill: 7)
      XCTAssertEqual(outside.count, 5 * 4 * 3)
      for v in outside {
        XCTAssertEqual(v, 7, accuracy: tolerance, "\(method)")
      }
    }
  }

  func testBilinearRefusesAFillItCannotSumExactly() throws {
    let image = try randomImage(width: 4, height: 4, seed: 9)
    for fill in [0.5, -1, 256, .nan, .infinity] {
      XCTAssertThrowsError(
        try Resampler.resample(
          image, rect: Box(xmin: 0, ymin: 0, xmax: 4, ymax: 4), outWidth: 2, outHeight: 2,
          method: .bilinear, fill: fill)
      ) {
        guard case PackagerError.invalidConfig = $0 else {
          return XCTFail("\(fill): \($0)")
        }
      }
    }
  }

  func testRunawayRectanglesAreRefusedByEveryMethod() throws {
    let image = try randomImage(width: 8, height: 8, seed: 11)
    for method in Self.methods {
      let ok = try Resampler.resample(
        image, rect: Box(xmin: 0, ymin: 0, xmax: Resampler.maxStep * 2, ymax: 8), outWidth: 2,
        outHeight: 8, method: method, fill: 0)
      XCTAssertEqual(ok.count, 2 * 8 * 3)
      for rect in [
        Box(xmin: 0, ymin: 0, xmax: Resampler.maxStep * 2 + 1, ymax: 8),
        Box(xmin: 0, ymin: 0, xmax: 8, ymax: Resampler.maxCoordinate * 2),
        Box(xmin: .nan, ymin: 0, xmax: 8, ymax: 8),
        Box(xmin: 4, ymin: 0, xmax: 4, ymax: 8),
      ] {
        XCTAssertThrowsError(
          try Resampler.resample(
            image, rect: rect, outWidth: 2, outHeight: 8, method: method, fill: 0)
        ) {
          guard case PackagerError.invalidBox = $0 else {
            return XCTFail("\(method) \(rect): \($0)")
          }
        }
      }
    }
  }

  func testAKeptTensorIsNeverOverwritten() throws {
    let a = try randomImage(width: 40, height: 30, seed: 13)
    let b = try randomImage(width: 40, height: 30, seed: 14)
    let detector = FaceDetectionWrapper()
    let first = try detector.preprocess(pixels: a.pixels, width: 40, height: 30)
    let second = try detector.preprocess(pixels: b.pixels, width: 40, height: 30)
    let fresh = FaceDetectionWrapper()
    XCTAssertEqual(first, try fresh.preprocess(pixels: a.pixels, width: 40, height: 30))
    XCTAssertEqual(second, try fresh.preprocess(pixels: b.pixels, width: 40, height: 30))
    XCTAssertNotEqual(first.tensor, second.tensor)
    let recognizer = FaceEmotionRecognitionWrapper()
    let box = Box(xmin: 5, ymin: 5, xmax: 25, ymax: 25)
    let crop = try recognizer.preprocess(pixels: a.pixels, width: 40, height: 30, box: box)
    let other = try recognizer.preprocess(pixels: b.pixels, width: 40, height: 30, box: box)
    XCTAssertEqual(
      crop,
      try FaceEmotionRecognitionWrapper().preprocess(
        pixels: a.pixels, width: 40, height: 30, box: box))
    XCTAssertNotEqual(crop.tensor, other.tensor)
  }

  func testAWrapperSharedByThreadsGivesEachCallItsOwnResult() throws {
    let images = try (0..<8).map { try randomImage(width: 64, height: 48, seed: 100 + UInt64($0)) }
    let detector = FaceDetectionWrapper()
    let serial = try images.map {
      try FaceDetectionWrapper().preprocess(pixels: $0.pixels, width: 64, height: 48).tensor
    }
    let results = Results(count: images.count * 4)
    DispatchQueue.concurrentPerform(iterations: images.count * 4) { i in
      let image = images[i % images.count]
      results.set(i, try? detector.preprocess(pixels: image.pixels, width: 64, height: 48).tensor)
    }
    for i in 0..<(images.count * 4) {
      XCTAssertEqual(results.get(i), serial[i % images.count], "call \(i)")
    }
  }
}

/// Results written from several threads.
private final class Results: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [[Float]?]

  init(count: Int) {
    values = [[Float]?](repeating: nil, count: count)
  }

  func set(_ i: Int, _ value: [Float]?) {
    lock.lock()
    defer { lock.unlock() }
    values[i] = value
  }

  func get(_ i: Int) -> [Float]? {
    lock.lock()
    defer { lock.unlock() }
    return values[i]
  }
}

extension Resampler {
  /// The resampler on an RGBA image (`RGBAImage.resampled`, the image as an upright frame).
  static func resample(
    _ image: RGBAImage, rect: Box, outWidth: Int, outHeight: Int, method: Interpolation,
    fill: Double
  ) throws -> [Double] {
    try image.resampled(rect, width: outWidth, height: outHeight, method: method, fill: fill)
  }
}
