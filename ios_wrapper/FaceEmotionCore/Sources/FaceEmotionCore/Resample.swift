// Runtime library of packager (hand-written, not generated), the same for every recipe.

import Foundation

/// Exact resampling shared by the letterbox and the face crop: bilinear, antialias and nearest
/// as the module docstring of packager/reference/resample.py states them (their one home:
/// canvas, sample positions, fixed-point weights, filters, what is refused); this file
/// implements those formulas, checked against the reference bit for bit (antialias to 1e-12).
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
  private struct Job {
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

  /// bilinear (see the type's documentation). The sums are of the reader's `sample` channels
  /// (R, G, B; a YUV frame's Y, U, V), turned into values by its `values` (a YUV frame's
  /// conversion happens there, once per output value).
  ///
  /// `scratch` holds, in this order: per sub-sample column qx, 4 values (element offsets of its
  /// taps k and k + 1 — tap index · 4 —, then their weights); the same per sub-sample row (tap
  /// index · width · 4); per output column and per output row, the summed in-image weight of
  /// its sub-samples; one output row of R, G, B integer sums.
  ///
  /// A tap outside the image is read as the pixel nearest to it with weight 0, and its weight
  /// goes to the fill: per output sample, fill · (s_x · s_y · 2^(2 · fractionBits) − Y · X),
  /// where Y and X are the summed in-image weights of its sub-sample rows and columns (the sum
  /// of wy · wx over the taps inside the image on both axes is Y · X). Every sum is an exact
  /// integer (at most 255 · 4 · 2^22 < 2^33), so the order of the additions does not matter.
  private static func bilinear<R: PixelReader, W: SampleWriter>(
    _ px: R, _ job: Job, writer: W, into out: UnsafeMutableBufferPointer<W.Element>,
    scratch: inout [Int]
  ) throws {
    let (frame, rect, fill) = (job.frame, job.rect, job.fill)
    let (outWidth, outHeight) = (job.outWidth, job.outHeight)
    guard fill >= 0, fill <= 255, fill.rounded(.down) == fill else {
      throw PackagerError.invalidConfig(
        "bilinear resampling needs an integer fill 0...255, not \(fill)")
    }
    let sx = subsamples(step: try checkedStep(lo: rect.xmin, hi: rect.xmax, out: outWidth))
    let sy = subsamples(step: try checkedStep(lo: rect.ymin, hi: rect.ymax, out: outHeight))
    // Far beyond any model input; keeps the section sizes below from overflowing.
    guard outWidth <= Int.max >> 5, outHeight <= Int.max >> 5 else {
      throw PackagerError.invalidBox("cannot resample onto \(outWidth)×\(outHeight) samples")
    }
    let xtEnd = outWidth * sx * 4
    let ytEnd = xtEnd + outHeight * sy * 4
    let xinEnd = ytEnd + outWidth
    let yinEnd = xinEnd + outHeight
    let accEnd = yinEnd + max(outWidth, outHeight) * 3
    if scratch.count < accEnd {
      scratch = [Int](repeating: 0, count: accEnd)
    }
    let full = sx * sy << (2 * fractionBits)
    // A power of two: multiplying by its reciprocal is the reference's exact division.
    let unit = 1.0 / Double(full)
    let fillValue = Int(fill)
    // Walk the frame in buffer order: along upright rows when they run along buffer rows (0°,
    // 180°), else down upright columns (90°, 270°: an upright column is a buffer row). A tap's
    // offset is the sum of its row and column terms and the sums are integers, so the columns
    // can play the rows' part unchanged.
    let transposed = frame.rotationDegrees % 180 != 0
    let (nOuter, nInner) = transposed ? (outWidth, outHeight) : (outHeight, outWidth)
    let (sOuter, sInner) = transposed ? (sx, sy) : (sy, sx)
    scratch.withUnsafeMutableBufferPointer { s in
      let xt = UnsafeMutableBufferPointer(rebasing: s[0..<xtEnd])
      let yt = UnsafeMutableBufferPointer(rebasing: s[xtEnd..<ytEnd])
      let xin = UnsafeMutableBufferPointer(rebasing: s[ytEnd..<xinEnd])
      let yin = UnsafeMutableBufferPointer(rebasing: s[xinEnd..<yinEnd])
      let acc = UnsafeMutableBufferPointer(rebasing: s[yinEnd..<(yinEnd + nInner * 3)])
      bilinearTaps(
        lo: rect.xmin, hi: rect.xmax, out: outWidth, subsamples: sx, frame: frame,
        vertical: false, taps: xt, inside: xin)
      bilinearTaps(
        lo: rect.ymin, hi: rect.ymax, out: outHeight, subsamples: sy, frame: frame,
        vertical: true, taps: yt, inside: yin)
      let (outerTaps, innerTaps) = transposed ? (xt, yt) : (yt, xt)
      let (outerIn, innerIn) = transposed ? (xin, yin) : (yin, xin)
      for a in 0..<nOuter {
        let q = 8 * a
        let ot = outerTaps
        if sx == 2 && sy == 2 && fractionBits <= 11 && ot[q + 2] != 0 && ot[q + 3] != 0
          && ot[q + 6] != 0 && ot[q + 7] != 0
        {
          sumFourRows(
            px, rows: (ot[q], ot[q + 1], ot[q + 4], ot[q + 5]),
            weights: (ot[q + 2], ot[q + 3], ot[q + 6], ot[q + 7]), taps: innerTaps, into: acc)
        } else {
          acc.update(repeating: 0)
          for qo in (a * sOuter)..<(a * sOuter + sOuter) {
            for t in 0..<2 {
              let w = ot[4 * qo + 2 + t]
              if w == 0 {
                continue  // a tap outside the image, or one of weight 0: adds exactly nothing
              }
              sumRow(
                px, row: ot[4 * qo + t], weight: w, subsamples: sInner, taps: innerTaps, into: acc)
            }
          }
        }
        let o = outerIn[a]
        // Output sample (outer a, inner b) is first + b · step (row-major over the output).
        let (first, step) = transposed ? (a, outWidth) : (a &* outWidth, 1)
        for b in 0..<nInner {
          let inside = o &* innerIn[b]
          let (r, g, bl) = px.values(
            (acc[3 &* b], acc[3 &* b &+ 1], acc[3 &* b &+ 2]), inside: inside,
            fill: fillValue &* (full &- inside), unit: unit)
          writer.write(first &+ b &* step, r, g, bl, to: out)
        }
      }
    }
  }

  /// acc[3j + c] += weight · Σ over output column j's sub-samples qx of
  /// (w0(qx) · pixel(row + k(qx)) + w1(qx) · pixel(row + k(qx) + 1)), channel c; `row` and the
  /// taps are offset terms (`CameraFrame.term`).
  ///
  /// Unchecked reads and wrapping integer operators are safe by construction: every tap was
  /// clamped into the image, and no sum comes near 2^63.
  @inline(__always)
  private static func sumRow<R: PixelReader>(
    _ px: R, row: Int, weight: Int, subsamples sx: Int,
    taps xt: UnsafeMutableBufferPointer<Int>, into acc: UnsafeMutableBufferPointer<Int>
  ) {
    let outWidth = acc.count / 3
    if sx == 2 {  // every downscale: two sub-samples, four taps per output column
      for j in 0..<outWidth {
        let t = 8 &* j
        let p0 = px.sample(row &+ xt[t])
        let p1 = px.sample(row &+ xt[t + 1])
        let p2 = px.sample(row &+ xt[t + 4])
        let p3 = px.sample(row &+ xt[t + 5])
        let w0 = xt[t + 2]
        let w1 = xt[t + 3]
        let w2 = xt[t + 6]
        let w3 = xt[t + 7]
        let r = w0 &* p0.0 &+ w1 &* p1.0 &+ w2 &* p2.0 &+ w3 &* p3.0
        let g = w0 &* p0.1 &+ w1 &* p1.1 &+ w2 &* p2.1 &+ w3 &* p3.1
        let b = w0 &* p0.2 &+ w1 &* p1.2 &+ w2 &* p2.2 &+ w3 &* p3.2
        acc[3 &* j] = acc[3 &* j] &+ weight &* r
        acc[3 &* j &+ 1] = acc[3 &* j &+ 1] &+ weight &* g
        acc[3 &* j &+ 2] = acc[3 &* j &+ 2] &+ weight &* b
      }
      return
    }
    for j in 0..<outWidth {
      var r = 0
      var g = 0
      var b = 0
      for qx in (j * sx)..<(j * sx + sx) {
        let p0 = px.sample(row &+ xt[4 * qx])
        let p1 = px.sample(row &+ xt[4 * qx + 1])
        let w0 = xt[4 * qx + 2]
        let w1 = xt[4 * qx + 3]
        r = r &+ w0 &* p0.0 &+ w1 &* p1.0
        g = g &+ w0 &* p0.1 &+ w1 &* p1.1
        b = b &+ w0 &* p0.2 &+ w1 &* p1.2
      }
      acc[3 * j] = acc[3 * j] &+ weight &* r
      acc[3 * j + 1] = acc[3 * j + 1] &+ weight &* g
      acc[3 * j + 2] = acc[3 * j + 2] &+ weight &* b
    }
  }

  /// sumRow over four rows at once (two sub-sample rows of two taps, two sub-samples per
  /// output column), storing the sums: the same integers, computed on all channels of a pixel
  /// at once (`PixelReader.packed`). A row's sum takes two taps per 16-bit vector multiply-add
  /// (a weight ≤ 2^fractionBits and a byte: products and sums below 2^31); the four rows'
  /// weighted sum is below 255 · 4 · 2^(2 · fractionBits) = 255 · 2^24 < 2^32, exact in UInt32
  /// (for fractionBits ≤ 11: `bilinear` takes this path only then).
  @inline(__always)
  private static func sumFourRows<R: PixelReader>(
    _ px: R, rows: (Int, Int, Int, Int), weights: (Int, Int, Int, Int),
    taps xt: UnsafeMutableBufferPointer<Int>, into acc: UnsafeMutableBufferPointer<Int>
  ) {
    let wy = (
      SIMD4<UInt32>(repeating: UInt32(truncatingIfNeeded: weights.0)),
      SIMD4<UInt32>(repeating: UInt32(truncatingIfNeeded: weights.1)),
      SIMD4<UInt32>(repeating: UInt32(truncatingIfNeeded: weights.2)),
      SIMD4<UInt32>(repeating: UInt32(truncatingIfNeeded: weights.3))
    )
    // w0 · pixel a + w1 · pixel b, per channel (lanes in the reader's order).
    @inline(__always)
    func pair(_ a: UInt32, _ b: UInt32, _ w: SIMD8<Int32>) -> SIMD4<Int32> {
      let bytes = unsafeBitCast((UInt64(a) | UInt64(b) << 32).littleEndian, to: SIMD8<UInt8>.self)
      let products = SIMD8<Int32>(truncatingIfNeeded: bytes) &* w
      return products.lowHalf &+ products.highHalf
    }
    @inline(__always)
    func weightPair(_ w0: Int, _ w1: Int) -> SIMD8<Int32> {
      let (a, b) = (Int16(truncatingIfNeeded: w0), Int16(truncatingIfNeeded: w1))
      return SIMD8<Int32>(truncatingIfNeeded: SIMD8<Int16>(a, a, a, a, b, b, b, b))
    }
    let r = (px.split(rows.0), px.split(rows.1), px.split(rows.2), px.split(rows.3))
    for j in 0..<(acc.count / 3) {
      let t = 8 &* j
      let w01 = weightPair(xt[t + 2], xt[t + 3])
      let w23 = weightPair(xt[t + 6], xt[t + 7])
      let c = (px.split(xt[t]), px.split(xt[t + 1]), px.split(xt[t + 4]), px.split(xt[t + 5]))
      @inline(__always)
      func h(_ row: R.Term) -> SIMD4<UInt32> {
        let left = pair(px.packed(row, c.0), px.packed(row, c.1), w01)
        let right = pair(px.packed(row, c.2), px.packed(row, c.3), w23)
        return SIMD4<UInt32>(truncatingIfNeeded: left &+ right)
      }
      let top = wy.0 &* h(r.0) &+ wy.1 &* h(r.1)
      let bottom = wy.2 &* h(r.2) &+ wy.3 &* h(r.3)
      let (r, g, b) = px.sums(top &+ bottom)
      acc[3 &* j] = r
      acc[3 &* j &+ 1] = g
      acc[3 &* j &+ 2] = b
    }
  }

  /// The bilinear taps of one upright axis of `frame` (span [lo, hi), already checked, `out`
  /// samples of `subsamples` sub-samples each) into `taps` (4 per sub-sample: the offset terms
  /// of taps k and k + 1, `CameraFrame.term`, then their weights) and `inside` (one per output
  /// sample); see `bilinear`.
  private static func bilinearTaps(
    lo: Double, hi: Double, out: Int, subsamples s: Int, frame: CameraFrame, vertical: Bool,
    taps: UnsafeMutableBufferPointer<Int>, inside: UnsafeMutableBufferPointer<Int>
  ) {
    let axis = frame.axis(vertical: vertical)
    let size = vertical ? frame.uprightHeight : frame.uprightWidth
    let one = 1 << fractionBits
    let scale = Double(one)
    let n = out * s
    let step = (hi - lo) / Double(n)
    for o in 0..<out {
      inside[o] = 0
    }
    for q in 0..<n {
      // One operation per statement, in the reference's order.
      let position = Double(q) + 0.5
      let offset = position * step
      let c = lo + offset
      let p = c - 0.5
      let floorP = p.rounded(.down)
      let fraction = p - floorP
      let scaled = fraction * scale
      let rounded = scaled + 0.5
      let a = Int(rounded.rounded(.down))
      let k = Int(floorP)
      let w0 = k >= 0 && k < size ? one - a : 0
      let w1 = k + 1 >= 0 && k + 1 < size ? a : 0
      taps[4 * q] = frame.term(axis, min(max(k, 0), size - 1))
      taps[4 * q + 1] = frame.term(axis, min(max(k + 1, 0), size - 1))
      taps[4 * q + 2] = w0
      taps[4 * q + 3] = w1
      inside[q / s] += w0 + w1
    }
  }

  /// The taps of one axis: for output sample o, `index[start[o]..<start[o + 1]]` are the
  /// in-image source indices with their `weight`s, and `fillWeight[o]` is the summed weight of
  /// the taps that fall outside the image.
  struct Taps {
    var start: [Int]
    var index: [Int]
    var weight: [Double]
    var fillWeight: [Double]
  }

  /// antialias or nearest taps along one axis of `size` source pixels for the span [lo, hi)
  /// sampled `out` times.
  static func taps(lo: Double, hi: Double, out: Int, size: Int, method: Interpolation) throws
    -> Taps
  {
    let step = try checkedStep(lo: lo, hi: hi, out: out)
    var taps = Taps(start: [0], index: [], weight: [], fillWeight: [])
    taps.start.reserveCapacity(out + 1)
    taps.fillWeight.reserveCapacity(out)
    if method == .nearest {
      for j in 0..<out {
        let k = Int((lo + (Double(j) + 0.5) * step).rounded(.down))
        if k >= 0 && k < size {
          taps.index.append(k)
          taps.weight.append(1.0)
          taps.fillWeight.append(0.0)
        } else {
          taps.fillWeight.append(1.0)
        }
        taps.start.append(taps.index.count)
      }
      return taps
    }
    let radius = max(1.0, step)
    let width = Int((2.0 * radius).rounded(.up)) + 2
    for j in 0..<out {
      let centre = lo + (Double(j) + 0.5) * step
      let first = Int((centre - 0.5 - radius).rounded(.down))
      var sum = 0.0
      for t in 0..<width {
        sum += max(0.0, 1.0 - abs(Double(first + t) + 0.5 - centre) / radius)
      }
      var outside = 0.0
      for t in 0..<width {
        let k = first + t
        let w = max(0.0, 1.0 - abs(Double(k) + 0.5 - centre) / radius) / sum
        if w == 0 {
          continue  // adds exactly nothing; the window is wider than the filter's support
        }
        if k >= 0 && k < size {
          taps.index.append(k)
          taps.weight.append(w)
        } else {
          outside += w
        }
      }
      taps.fillWeight.append(outside)
      taps.start.append(taps.index.count)
    }
    return taps
  }

  /// antialias or nearest: `rect` (x0, y0, x1, y1) of the upright frame to outH × outW × 3
  /// RGB Doubles, row-major (alpha is ignored).
  private static func filter<R: PixelReader>(_ px: R, _ job: Job) throws -> [Double] {
    let (frame, rect, fill, method) = (job.frame, job.rect, job.fill, job.method)
    let (outWidth, outHeight) = (job.outWidth, job.outHeight)
    let (width, height) = (frame.uprightWidth, frame.uprightHeight)
    let xt = try taps(lo: rect.xmin, hi: rect.xmax, out: outWidth, size: width, method: method)
    let yt = try taps(lo: rect.ymin, hi: rect.ymax, out: outHeight, size: height, method: method)
    let (xAxis, yAxis) = (frame.axis(vertical: false), frame.axis(vertical: true))
    let columns = (0..<width).map { frame.term(xAxis, $0) }
    // Only the source rows some output row reads are filtered horizontally.
    var slotOfRow = [Int](repeating: -1, count: height)
    var rows: [Int] = []
    for k in yt.index where slotOfRow[k] < 0 {
      slotOfRow[k] = rows.count
      rows.append(k)
    }
    let rowLength = outWidth * 3
    var horiz = [Double](repeating: 0, count: rows.count * rowLength)
    // Source rows as Doubles (R, G, B per pixel), converted once and read by every tap; two
    // rows per pass give the CPU two independent sums to overlap (each keeps its tap order).
    let lineLength = width * 3
    var lines = [Double](repeating: 0, count: 2 * lineLength)
    horiz.withUnsafeMutableBufferPointer { h in
      lines.withUnsafeMutableBufferPointer { lines in
        var slot = 0
        while slot < rows.count {
          let pair = min(2, rows.count - slot)
          for j in 0..<pair {
            let row = frame.term(yAxis, rows[slot + j])
            for x in 0..<width {
              let (r, g, b) = px.sample(row &+ columns[x])
              lines[j * lineLength + x * 3] = Double(r)
              lines[j * lineLength + x * 3 + 1] = Double(g)
              lines[j * lineLength + x * 3 + 2] = Double(b)
            }
          }
          // A lone last row is filtered twice into the same place.
          let second = pair == 2 ? 1 : 0
          filterRows(
            UnsafeBufferPointer(lines), lineLength: lineLength, second: second, taps: xt,
            fill: fill, into: h, at: (slot * rowLength, (slot + second) * rowLength))
          slot += pair
        }
      }
    }
    var out = [Double](repeating: 0, count: outHeight * rowLength)
    out.withUnsafeMutableBufferPointer { o in
      horiz.withUnsafeBufferPointer { h in
        for p in 0..<outHeight {
          let base = p * rowLength
          let fillPart = fill * yt.fillWeight[p]
          for i in 0..<rowLength {
            o[base + i] = fillPart
          }
          for t in yt.start[p]..<yt.start[p + 1] {
            let w = yt.weight[t]
            let src = slotOfRow[yt.index[t]] * rowLength
            for i in 0..<rowLength {
              o[base + i] += w * h[src + i]
            }
          }
        }
      }
    }
    return out
  }

  /// Horizontal pass over lines 0 and `second` of `lines` (RGB Doubles, `lineLength` each)
  /// into `horiz[at.0...]` and `horiz[at.1...]`, outCount · 3 values each.
  ///
  /// Unchecked buffer access in this hot loop is safe by construction: `taps` only holds
  /// indices in 0..<width, `lines` holds two lines of width · 3 values, and `horiz` has room
  /// for every row's outCount · 3 values.
  private static func filterRows(
    _ lines: UnsafeBufferPointer<Double>, lineLength: Int, second: Int, taps: Taps,
    fill: Double, into horiz: UnsafeMutableBufferPointer<Double>, at: (Int, Int)
  ) {
    let outCount = taps.fillWeight.count
    let offset = second * lineLength
    taps.index.withUnsafeBufferPointer { index in
      taps.weight.withUnsafeBufferPointer { weight in
        for o in 0..<outCount {
          let fillPart = fill * taps.fillWeight[o]
          var (r0, g0, b0) = (fillPart, fillPart, fillPart)
          var (r1, g1, b1) = (fillPart, fillPart, fillPart)
          for t in taps.start[o]..<taps.start[o + 1] {
            let w = weight[t]
            let p = index[t] * 3
            r0 += w * lines[p]
            g0 += w * lines[p + 1]
            b0 += w * lines[p + 2]
            r1 += w * lines[offset + p]
            g1 += w * lines[offset + p + 1]
            b1 += w * lines[offset + p + 2]
          }
          horiz[at.0 + o * 3] = r0
          horiz[at.0 + o * 3 + 1] = g0
          horiz[at.0 + o * 3 + 2] = b0
          horiz[at.1 + o * 3] = r1
          horiz[at.1 + o * 3 + 1] = g1
          horiz[at.1 + o * 3 + 2] = b1
        }
      }
    }
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
