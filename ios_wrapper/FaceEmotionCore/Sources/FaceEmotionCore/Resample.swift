// Runtime library of packager (hand-written, not generated), the same for every recipe.

import Foundation

/// Exact resampling shared by the letterbox and the face crop: bilinear, antialias and nearest
/// as the module docstring of packager/reference/resample.py states them (their one home:
/// canvas, sample positions, fixed-point weights, filters, what is refused), implemented here
/// and checked against the reference bit for bit (antialias to 1e-12): this file holds the
/// entry points, the dispatch on the frame's format and where the values go (`SampleWriter`,
/// `Workspace`); Bilinear.swift the bilinear loops, Antialias.swift the antialias and nearest
/// filter.
///
/// Swift specifics: c and p are computed in Double as written, one operation per statement
/// (Swift never fuses a multiply and an add into one FMA; the statements keep it so for any
/// reader or compiler); bilinear reads straight from the RGBA bytes.
enum Resampler {
  // The limits maxStep, maxCoordinate, fractionBits and maxSubsamples are in Recipes.swift
  // (rendered from packager/reference/resample.py).

  /// The source step per output sample of the span [lo, hi) sampled `out` times, after refusing
  /// what every language refuses (not finite, beyond maxCoordinate, empty, wider than maxStep).
  static func checkedStep(lo: Double, hi: Double, out: Int) throws -> Double {
    guard lo.isFinite, hi.isFinite, abs(lo) <= maxCoordinate, abs(hi) <= maxCoordinate else {
      throw PackagerError.invalidBox(
        "source rectangle [\(lo), \(hi)) is not finite or too large")
    }
    guard hi > lo, out > 0 else {
      throw PackagerError.invalidBox("source rectangle [\(lo), \(hi)) is empty")
    }
    let step = (hi - lo) / Double(out)
    guard step <= maxStep else {
      throw PackagerError.invalidBox("source span \(hi - lo) is too large for \(out) samples")
    }
    return step
  }

  /// Resample `rect` (x0, y0, x1, y1, upright pixels) of a frame onto outH × outW samples with
  /// `method`, handing each sample's R, G, B values (row-major sample index) to `writer`, which
  /// stores them in `out`. `scratch` is integer memory kept between calls (grown, never shrunk).
  /// The one switch on the frame's format: the loops below are specialized per reader.
  static func resample<W: SampleWriter>(
    _ frame: CameraFrame, rect: Box, outWidth: Int, outHeight: Int, method: Interpolation,
    fill: Double, writer: W, into out: UnsafeMutableBufferPointer<W.Element>,
    scratch: inout [Int]
  ) throws {
    let job = Job(
      frame: frame, rect: rect, outWidth: outWidth, outHeight: outHeight, method: method,
      fill: fill)
    switch frame.pixels {
    case .rgba(let base, _):
      try job.run(
        RGBReader(base: base, order: (0, 1, 2)), writer: writer, into: out, scratch: &scratch)
    case .bgra(let base, _):
      try job.run(
        RGBReader(base: base, order: (2, 1, 0)), writer: writer, into: out, scratch: &scratch)
    case .argb(let base, _):
      // 0xAARRGGBB in memory: B, G, R, A on a little-endian machine, A, R, G, B on a big one.
      let order = 1.littleEndian == 1 ? (2, 1, 0) : (1, 2, 3)
      try job.run(RGBReader(base: base, order: order), writer: writer, into: out, scratch: &scratch)
    case .yuv(let y, let u, let v, _, _, 2, let fullRange) where v == u + 1 || u == v + 1:
      let yuv = YUVReader(y: y, u: u, v: v, fullRange: fullRange)
      try job.run(
        InterleavedYUVReader(yuv: yuv, vFirst: v < u), writer: writer, into: out,
        scratch: &scratch)
    case .yuv(let y, let u, let v, _, _, _, let fullRange):
      try job.run(
        YUVReader(y: y, u: u, v: v, fullRange: fullRange), writer: writer, into: out,
        scratch: &scratch)
    }
  }

  /// One resampling: the frame, the source rectangle, the output grid and the method.
  struct Job {
    let frame: CameraFrame
    let rect: Box
    let outWidth: Int
    let outHeight: Int
    let method: Interpolation
    let fill: Double

    func run<R: PixelReader, W: SampleWriter>(
      _ reader: R, writer: W, into out: UnsafeMutableBufferPointer<W.Element>,
      scratch: inout [Int]
    ) throws {
      if method == .bilinear {
        try bilinear(reader, self, writer: writer, into: out, scratch: &scratch)
        return
      }
      let rgb = try filter(reader, self)
      rgb.withUnsafeBufferPointer { v in
        for o in 0..<(outWidth * outHeight) {
          writer.write(o, v[3 * o], v[3 * o + 1], v[3 * o + 2], to: out)
        }
      }
    }
  }

  /// Resample `rect` (x0, y0, x1, y1, upright pixels) of a frame to outH × outW × 3 RGB Doubles,
  /// row-major (alpha is ignored), with any method.
  static func resample(
    _ frame: CameraFrame, rect: Box, outWidth: Int, outHeight: Int, method: Interpolation,
    fill: Double
  ) throws -> [Double] {
    let (area, o1) = outWidth.multipliedReportingOverflow(by: outHeight)
    let (count, o2) = area.multipliedReportingOverflow(by: 3)
    guard outWidth > 0, outHeight > 0, !o1, !o2 else {
      throw PackagerError.invalidBox("cannot resample onto \(outWidth)×\(outHeight) samples")
    }
    var values = [Double](repeating: 0, count: count)
    var scratch: [Int] = []
    try values.withUnsafeMutableBufferPointer { out in
      try resample(
        frame, rect: rect, outWidth: outWidth, outHeight: outHeight, method: method, fill: fill,
        writer: RGBWriter(), into: out, scratch: &scratch)
    }
    return values
  }

  /// The bilinear sub-samples per output sample of an axis whose step is `step` (≥ 1).
  static func subsamples(step: Double) -> Int {
    min(maxSubsamples, max(1, Int(step.rounded(.up))))
  }
}

/// Stores resampled samples: output sample `index` (row-major over the output grid) with its
/// R, G, B values becomes one or more elements of `out`.
protocol SampleWriter {
  associatedtype Element
  func write(
    _ index: Int, _ r: Double, _ g: Double, _ b: Double, to out: UnsafeMutableBufferPointer<Element>
  )
}

/// The values themselves: out[3 · index ..< 3 · index + 3] = R, G, B.
struct RGBWriter: SampleWriter {
  @inline(__always)
  func write(
    _ index: Int, _ r: Double, _ g: Double, _ b: Double, to out: UnsafeMutableBufferPointer<Double>
  ) {
    out[3 * index] = r
    out[3 * index + 1] = g
    out[3 * index + 2] = b
  }
}

/// Memory a wrapper reuses from call to call: the storage of its last tensor and the
/// resampling scratch, each allocated once and again only when the size it needs changes.
///
/// Copies of a wrapper share it (a reference). It is guarded by a lock that is never waited
/// on: a call that finds it taken (another thread is preprocessing with the same wrapper)
/// works in memory of its own instead. Wrappers therefore stay safe to use from any thread;
/// one thread at a time per wrapper gets the reuse.
final class Workspace: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [Float] = []
  private var scratch: [Int] = []

  /// A tensor of `count` values written by `write` (into its output buffer, with the scratch).
  ///
  /// The result shares its storage with the workspace. The next call writes into that storage
  /// again only when the caller no longer holds the result; otherwise copy-on-write gives the
  /// next tensor new storage, so a result the caller keeps never changes.
  func tensor(
    count: Int, _ write: (UnsafeMutableBufferPointer<Float>, inout [Int]) throws -> Void
  ) rethrows -> [Float] {
    guard lock.try() else {
      var own = [Float](repeating: 0, count: count)
      var ownScratch: [Int] = []
      try own.withUnsafeMutableBufferPointer { try write($0, &ownScratch) }
      return own
    }
    defer { lock.unlock() }
    if storage.count != count {
      storage = [Float](repeating: 0, count: count)
    }
    try storage.withUnsafeMutableBufferPointer { try write($0, &scratch) }
    return storage
  }
}
