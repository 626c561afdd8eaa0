// Runtime library of packager (hand-written, not generated), the same for every recipe.

// The bilinear loops of `Resampler` (Resample.swift: the formulas' statement and the entry
// points): integer sums over fixed-point taps straight from the frame's bytes, walked in buffer
// order, the 2 × 2 sub-sample case four rows at a time.
extension Resampler {
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
  static func bilinear<R: PixelReader, W: SampleWriter>(
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
}
