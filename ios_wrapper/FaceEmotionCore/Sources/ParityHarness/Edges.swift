// Edges mode: named bad inputs and their outcome, the same cases as the Kotlin harness's
// (android_wrapper/harness/Edges.kt), so that tests/edge_cases.py holds both languages to one
// table: the same PackagerError case for the same bad input.
// Hand-written: the harness is test infrastructure, not generated code.

import FaceEmotionCore
import Foundation

/// Writes `outFile`: {"edges": {scenario name: outcome}}. An outcome is the `PackagerError` case
/// thrown ("invalidImage", …), "faces=N" (detector), "values=a..b" (range of a tensor),
/// "top=I" (emotion), or "unexpected: …" for any other error.
func edges(outFile: URL) throws {
  var lines: [String] = []
  for (name, run) in edgeScenarios() {
    let outcome: String
    do {
      outcome = try run()
    } catch let error as PackagerError {
      outcome = Mirror(reflecting: error).children.first?.label ?? "\(error)"
    } catch {
      outcome = "unexpected: \(error)"
    }
    lines.append("\(JSON.string(name)): \(JSON.string(outcome))")
  }
  try ("{\"edges\": {" + lines.joined(separator: ", ") + "}}").write(
    to: outFile, atomically: true, encoding: .utf8)
}

private func edgeScenarios() -> [(String, () throws -> String)] {
  let det = FaceDetectionWrapper()
  let emo = FaceEmotionRecognitionWrapper()
  let n = det.numAnchors
  let row = det.config.rowLength
  let labels = emo.config.labels.count
  let image = [UInt8](repeating: 128, count: 40 * 30 * 4)
  let letterbox = Letterbox.fit(width: 40, height: 30, size: det.config.inputSize)
  func reg(_ v: Float) -> [Float] { [Float](repeating: v, count: n * row) }
  func cls(_ v: Float) -> [Float] { [Float](repeating: v, count: n) }
  func faces(_ r: [Float], _ c: [Float], _ d: FaceDetectionWrapper = det, mirrored: Bool = false)
    throws -> String
  {
    let found = try d.postprocess(
      regressors: r, classificators: c, letterbox: letterbox, mirrored: mirrored)
    return "faces=\(found.count)"
  }
  func detect(_ pixels: [UInt8], _ w: Int, _ h: Int) throws -> String {
    range(try det.preprocess(pixels: pixels, width: w, height: h).tensor)
  }
  func crop(_ pixels: [UInt8], _ w: Int, _ h: Int, _ b: Box) throws -> String {
    range(try emo.preprocess(pixels: pixels, width: w, height: h, box: b).tensor)
  }
  func top(_ output: [Float]) throws -> String {
    "top=\(try emo.postprocess(output: output).topIndex)"
  }
  func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Box {
    Box(xmin: x0, ymin: y0, xmax: x1, ymax: y1)
  }
  return [
    ("detector_zero_width", { try detect([], 0, 30) }),
    ("detector_zero_height", { try detect([], 40, 0) }),
    ("detector_negative_size", { try detect([], -4, -3) }),
    ("detector_short_pixels", { try detect(Array(image.dropLast(4)), 40, 30) }),
    ("detector_long_pixels", { try detect(image + [128, 128, 128, 128], 40, 30) }),
    ("regressors_short", { try faces(Array(reg(0).dropLast()), cls(0)) }),
    ("classificators_long", { try faces(reg(0), cls(0) + [0]) }),
    ("outputs_empty", { try faces([], []) }),
    ("outputs_nan", { try faces(reg(.nan), cls(.nan)) }),
    ("scores_nan", { try faces(reg(0), cls(.nan)) }),
    ("regressors_nan", { try faces(reg(.nan), cls(10)) }),
    ("regressors_inf", { try faces(reg(.infinity), cls(10)) }),
    ("scores_plus_inf", { try faces(reg(0), cls(.infinity)) }),
    ("scores_minus_inf", { try faces(reg(0), cls(-.infinity)) }),
    (
      "detector_keypoint_mirror_not_permutation",
      {
        let bad = FaceDetectionWrapper(config: withMirror(det.config, [0, 0, 2, 3, 4, 5]))
        return try faces(reg(0), cls(0), bad, mirrored: true)
      }
    ),
    ("crop_zero_size_image", { try crop([], 0, 0, box(0, 0, 10, 10)) }),
    ("crop_box_nan", { try crop(image, 40, 30, box(.nan, 0, 10, 10)) }),
    ("crop_box_inf", { try crop(image, 40, 30, box(0, 0, .infinity, 10)) }),
    ("crop_box_empty", { try crop(image, 40, 30, box(5, 5, 5, 5)) }),
    ("crop_box_inverted", { try crop(image, 40, 30, box(20, 20, 10, 10)) }),
    ("crop_box_outside", { try crop(image, 40, 30, box(-500, -500, -400, -400)) }),
    ("crop_box_huge", { try crop(image, 40, 30, box(0, 0, 1e12, 1e12)) }),
    ("emotion_output_short", { try top([Float](repeating: 0, count: labels - 1)) }),
    ("emotion_output_nan", { try top((0..<labels).map { $0 == 1 ? .nan : 0 }) }),
    ("emotion_output_inf", { try top((0..<labels).map { $0 == 1 ? .infinity : 0 }) }),
    ("emotion_output_ties", { try top((0..<labels).map { $0 >= 2 ? 0.5 : 0.1 }) }),
    (
      "frame_rotation_45",
      {
        try image.withUnsafeBytes { raw in
          guard let base = raw.baseAddress else { return "no pixels" }
          _ = try CameraFrame(.rgba(base, bytesPerRow: 160), width: 40, height: 30, rotation: 45)
          return "frame"
        }
      }
    ),
    (
      "tracker_time_not_increasing",
      {
        var tracker = FaceTracker(config: Recipes.tracking)
        _ = try tracker.update(faces: [], emotions: [], timestampMs: 10)
        return "tracks=\(try tracker.update(faces: [], emotions: [], timestampMs: 10).count)"
      }
    ),
    (
      "tracker_lists_differ",
      {
        var tracker = FaceTracker(config: Recipes.tracking)
        return "tracks=\(try tracker.update(faces: [], emotions: [nil], timestampMs: 0).count)"
      }
    ),
    (
      "npy_shape_mismatch",
      {
        _ = try Npy(shape: [2], values: [0])
        return "npy"
      }
    ),
    ("scaled_diff_lengths", { "diff=\(try scaledDiff(actual: [0], expected: [0, 0]))" }),
    ("steps_max_faces_zero", { try stepsFaces(image, maxFaces: 0) }),
    ("steps_max_faces_negative", { try stepsFaces(image, maxFaces: -1) }),
  ]
}

/// `FaceEmotionSteps` limited to `maxFaces` run on a 40×30 `image` with models that find no face.
private func stepsFaces(_ image: [UInt8], maxFaces: Int) throws -> String {
  let steps = FaceEmotionSteps(maxFaces: maxFaces)
  let n = steps.detection.numAnchors
  let noFace = DetectorOutputs(
    regressors: [Float](repeating: 0, count: n * steps.detection.config.rowLength),
    classificators: [Float](repeating: -100, count: n))
  let found = try steps.run(
    pixels: image, width: 40, height: 30, runDetector: { _ in noFace },
    runEmotion: { _ in [Float](repeating: 0, count: steps.recognition.config.labels.count) })
  return "faces=\(found.count)"
}

/// "values=min..max" of a tensor, the numbers as Kotlin's Float.toString writes them.
private func range(_ t: [Float]) -> String {
  "values=\(t.min().map { "\($0)" } ?? "null")..\(t.max().map { "\($0)" } ?? "null")"
}

/// `c` with another keypoint mirror (the recipe's fields are constants).
private func withMirror(_ c: DetectorRecipe, _ mirror: [Int]) -> DetectorRecipe {
  DetectorRecipe(
    name: c.name, inputName: c.inputName, inputShape: c.inputShape,
    regressorsName: c.regressorsName, classificatorsName: c.classificatorsName, scale: c.scale,
    normScale: c.normScale, normOffset: c.normOffset, fill: c.fill, anchors: c.anchors,
    numKeypoints: c.numKeypoints, keypointNames: c.keypointNames, keypointMirror: mirror,
    scoreClip: c.scoreClip, minScore: c.minScore, iouThreshold: c.iouThreshold,
    resize: c.resize)
}
