// Runtime library of packager (hand-written, not generated), the same for every recipe.

// The antialias and nearest methods of `Resampler` (Resample.swift: the formulas' statement and
// the entry points): per-axis taps with Double weights, applied as a separable filter (rows
// first), checked against the reference to 1e-12. Not the camera path (bilinear is): an option
// of the recipes.
extension Resampler {
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
  static func filter<R: PixelReader>(_ px: R, _ job: Job) throws -> [Double] {
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
