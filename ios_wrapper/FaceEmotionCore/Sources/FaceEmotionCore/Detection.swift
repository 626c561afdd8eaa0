// Runtime library of packager (hand-written, not generated), the same for every recipe.

import Foundation

/// One face in normalized model-input coordinates (0...1 across the letterboxed input).
struct Detection: Sendable, Equatable {
  var box: Box
  var keypoints: [Point]
  var score: Double
}

/// BlazeFace post-processing (packager/reference/detect.py): anchors, decode, weighted NMS.
enum BlazeFace {
  /// Anchor centres in normalized input coordinates, in model output order.
  ///
  /// Layers with equal strides share one grid of ceil(inputSize / stride)² cells; per cell, the
  /// anchors of all those layers follow each other; centre = ((x + offset) / cells,
  /// (y + offset) / cells). A non-positive stride or size gives no anchors (and every output
  /// is then refused as having the wrong length).
  static func anchors(_ a: Anchors) -> [Point] {
    guard a.inputSize > 0, a.anchorsPerLayer > 0, a.strides.allSatisfy({ $0 > 0 }) else {
      return []
    }
    var out: [Point] = []
    var i = 0
    while i < a.strides.count {
      var j = i
      while j < a.strides.count && a.strides[j] == a.strides[i] {
        j += 1
      }
      let cells = (a.inputSize + a.strides[i] - 1) / a.strides[i]
      let perCell = a.anchorsPerLayer * (j - i)
      for y in 0..<cells {
        for x in 0..<cells {
          let centre = Point(
            x: (Double(x) + a.offset) / Double(cells), y: (Double(y) + a.offset) / Double(cells))
          out.append(contentsOf: repeatElement(centre, count: perCell))
        }
      }
      i = j
    }
    return out
  }

  /// Raw outputs → the anchors scoring at least `minScore`, in anchor order.
  ///
  /// Row layout: [cx, cy, w, h, kx0, ky0, …] in input pixels (divided by `scale`); cx, cy and
  /// the keypoints are offsets from the anchor centre. score = sigmoid(clip(raw, ±scoreClip)).
  /// NaN scores and rows with a non-finite value are dropped.
  static func decode(
    _ c: DetectorRecipe, anchors: [Point], regressors: [Float], classificators: [Float]
  ) throws -> [Detection] {
    guard c.numKeypoints >= 0, c.numKeypoints <= 1 << 16 else {
      throw PackagerError.invalidConfig("numKeypoints \(c.numKeypoints) is out of range")
    }
    let n = anchors.count
    let k = c.numKeypoints
    let stride = c.rowLength
    guard regressors.count == n * stride, classificators.count == n else {
      throw PackagerError.invalidTensor(
        "detector outputs have \(regressors.count) and \(classificators.count) values; "
          + "expected \(n * stride) and \(n)")
    }
    var out: [Detection] = []
    for i in 0..<n {
      let raw = Double(classificators[i])
      let clipped = raw.isNaN ? raw : min(max(raw, -c.scoreClip), c.scoreClip)
      let score = 1.0 / (1.0 + exp(-clipped))
      guard score >= c.minScore else { continue }
      let row = regressors[(i * stride)..<((i + 1) * stride)].map { Double($0) / c.scale }
      guard row.allSatisfy({ $0.isFinite }) else { continue }
      let a = anchors[i]
      let cx = row[0] + a.x
      let cy = row[1] + a.y
      let halfW = row[2] / 2.0
      let halfH = row[3] / 2.0
      let box = Box(xmin: cx - halfW, ymin: cy - halfH, xmax: cx + halfW, ymax: cy + halfH)
      let keypoints = (0..<k).map { Point(x: row[4 + 2 * $0] + a.x, y: row[5 + 2 * $0] + a.y) }
      out.append(Detection(box: box, keypoints: keypoints, score: score))
    }
    return out
  }

  /// Intersection over union of two boxes; 0 when they do not overlap or the union is empty.
  static func iou(_ a: Box, _ b: Box) -> Double {
    let iw = min(a.xmax, b.xmax) - max(a.xmin, b.xmin)
    let ih = min(a.ymax, b.ymax) - max(a.ymin, b.ymin)
    if iw <= 0 || ih <= 0 {
      return 0
    }
    let inter = iw * ih
    let union = a.width * a.height + b.width * b.height - inter
    return union > 0 ? inter / union : 0
  }

  /// MediaPipe's WEIGHTED non-maximum suppression.
  ///
  /// Repeatedly take the best remaining detection (highest score, lower index on ties); every
  /// remaining detection whose IoU with it exceeds `threshold` (itself included) is merged: box
  /// corners and keypoints averaged with the scores as weights. The merged detection keeps the
  /// best one's score.
  static func weightedNMS(_ dets: [Detection], threshold: Double) -> [Detection] {
    var order = dets.indices.sorted { a, b in
      dets[a].score != dets[b].score ? dets[a].score > dets[b].score : a < b
    }
    var out: [Detection] = []
    while let top = order.first {
      var merged = order.filter { iou(dets[top].box, dets[$0].box) > threshold }
      if !merged.contains(top) {  // a degenerate (empty) box still stands for itself
        merged.insert(top, at: 0)
      }
      let mergedSet = Set(merged)
      order.removeAll { mergedSet.contains($0) }
      out.append(average(merged.map { dets[$0] }, score: dets[top].score))
    }
    return out
  }

  /// Score-weighted mean of boxes and keypoints.
  private static func average(_ group: [Detection], score: Double) -> Detection {
    var total = 0.0
    for d in group {
      total += d.score
    }
    var box = Box(xmin: 0, ymin: 0, xmax: 0, ymax: 0)
    let k = group.first?.keypoints.count ?? 0
    var keypoints = [Point](repeating: Point(x: 0, y: 0), count: k)
    for d in group {
      let w = d.score
      box.xmin += d.box.xmin * w
      box.ymin += d.box.ymin * w
      box.xmax += d.box.xmax * w
      box.ymax += d.box.ymax * w
      for (j, p) in d.keypoints.prefix(k).enumerated() {
        keypoints[j].x += p.x * w
        keypoints[j].y += p.y * w
      }
    }
    box = Box(
      xmin: box.xmin / total, ymin: box.ymin / total, xmax: box.xmax / total,
      ymax: box.ymax / total)
    keypoints = keypoints.map { Point(x: $0.x / total, y: $0.y / total) }
    return Detection(box: box, keypoints: keypoints, score: score)
  }
}

/// The decoded-faces measure of a detector variant's self-check (packager.export.quantize's
/// same-faces rule): `expected` and `actual` boxes (in one coordinate frame) are paired one to
/// one, greedily by IoU (best first); the result is the largest corner shift of a pair over the
/// expected face's larger side, or infinity when the counts differ or a pair's IoU is below
/// `minIou`. Judged against `Recipes.variantSelfCheckMaxCornerShift`.
public func facesShift(
  expected: [Box], actual: [Box], minIou: Double = Recipes.variantSelfCheckMinIou
) -> Double {
  guard expected.count == actual.count else { return .infinity }
  var pairs: [(iou: Double, i: Int, j: Int)] = []
  for (i, e) in expected.enumerated() {
    for (j, a) in actual.enumerated() { pairs.append((iou(e, a), i, j)) }
  }
  pairs.sort { ($0.iou, -$0.i, -$0.j) > ($1.iou, -$1.i, -$1.j) }
  var usedE = Set<Int>()
  var usedA = Set<Int>()
  var worst = 0.0
  for p in pairs where !usedE.contains(p.i) && !usedA.contains(p.j) && p.iou >= minIou {
    usedE.insert(p.i)
    usedA.insert(p.j)
    let e = expected[p.i]
    let a = actual[p.j]
    let size = max(e.xmax - e.xmin, e.ymax - e.ymin)
    let shift = max(
      abs(e.xmin - a.xmin), abs(e.ymin - a.ymin), abs(e.xmax - a.xmax), abs(e.ymax - a.ymax))
    worst = max(worst, size > 0 ? shift / size : .infinity)
  }
  return usedE.count == expected.count ? worst : .infinity
}
