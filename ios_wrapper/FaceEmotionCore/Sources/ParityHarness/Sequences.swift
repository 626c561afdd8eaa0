// Sequence mode: the core's FaceTracker on a sequence of frames (the faces the reference found
// in a real video), so that the Python tests can hold track ids and smoothed probabilities to
// packager/reference/tracking.py.
// Hand-written: the harness is test infrastructure, not generated code.

import FaceEmotionCore
import Foundation

/// `jobFile` (JSON, every number written as a decimal string): {"config": {"iou_threshold",
/// "keep_seconds", "smoothing_seconds"}, "labels": [...], "frames": [{"time_ms": t, "faces":
/// [{"box": [x0, y0, x1, y1], "probabilities": [...] | null}, ...]}, ...]}. Writes `outFile`:
/// {"frames": [{"tracks": [...], "smoothed": [[...] | null, ...], "top": [i | null, ...]}, ...]}.
func sequence(jobFile: URL, outFile: URL) throws {
  let data = try Data(contentsOf: jobFile)
  func numbers(_ v: Any?) throws -> [Double] {
    guard let texts = v as? [String] else {
      throw HarnessError(
        description: "\(jobFile.path): expected a list of decimal strings: \(v ?? "nil")")
    }
    return try texts.map { t in
      guard let x = Double(t) else {
        throw HarnessError(description: "\(jobFile.path): not a number: \(t)")
      }
      return x
    }
  }
  guard let spec = try JSONSerialization.jsonObject(with: data) as? [String: Any],
    let c = spec["config"] as? [String: String], let labels = spec["labels"] as? [String],
    let frames = spec["frames"] as? [[String: Any]],
    let iouThreshold = c["iou_threshold"].flatMap(Double.init),
    let keep = c["keep_seconds"].flatMap(Double.init),
    let tau = c["smoothing_seconds"].flatMap(Double.init)
  else {
    throw HarnessError(description: "\(jobFile.path) is malformed")
  }
  var tracker = FaceTracker(
    config: TrackingRecipe(iouThreshold: iouThreshold, keepSeconds: keep, smoothingSeconds: tau))
  var lines: [String] = []
  for frame in frames {
    guard let ms = (frame["time_ms"] as? String).flatMap(Int64.init),
      let faceSpecs = frame["faces"] as? [[String: Any]]
    else {
      throw HarnessError(description: "\(jobFile.path): a frame is malformed: \(frame)")
    }
    var faces: [Face] = []
    var emotions: [EmotionResult?] = []
    for f in faceSpecs {
      let b = try numbers(f["box"])
      let box = Box(xmin: b[0], ymin: b[1], xmax: b[2], ymax: b[3])
      faces.append(
        Face(
          box: box, keypoints: [], score: 1, normalizedBox: box, normalizedKeypoints: [],
          letterboxBox: box, letterboxKeypoints: []))
      if f["probabilities"] is NSNull || f["probabilities"] == nil {
        emotions.append(nil)
      } else {
        emotions.append(
          EmotionResult(probabilities: try numbers(f["probabilities"]), labels: labels, topIndex: 0)
        )
      }
    }
    let tracked = try tracker.update(faces: faces, emotions: emotions, timestampMs: ms)
    let smoothed = tracked.map { $0.smoothed.map { JSON.array($0.probabilities) } ?? "null" }
    let top = tracked.map { $0.smoothed.map { String($0.topIndex) } ?? "null" }
    lines.append(
      "{\"tracks\": [\(tracked.map { String($0.track) }.joined(separator: ", "))], "
        + "\"smoothed\": [\(smoothed.joined(separator: ", "))], "
        + "\"top\": [\(top.joined(separator: ", "))]}")
  }
  try ("{\"frames\": [" + lines.joined(separator: ", ") + "]}").write(
    to: outFile, atomically: true, encoding: .utf8)
}
