// Bench mode: pre- plus post-processing time per frame on real parity cases.

import FaceEmotion
import Foundation

/// Frames run before the timed ones: enough for caches, branch predictors and the wrappers'
/// reused memory to settle (the Kotlin bench warms up as long).
let warmUpFrames = 15

/// Times, for each case folder, `repeats` frames (after `warmUpFrames` untimed ones) of:
/// detector preprocess, detector postprocess, then for every face emotion preprocess and
/// postprocess (model outputs read from the case), with one pair of wrappers for all frames,
/// as an app's frame loop keeps them. Prints one JSON line per case: {"name", "width",
/// "height", "faces", "median_ms", "min_ms", "detector_pre_ms", "detector_post_ms",
/// "emotion_pre_ms", "emotion_post_ms"}, every time a median over the timed frames. Meant for a
/// release build (`swift build -c release`, as packager/parity/swift.py builds it).
func bench(repeats: Int, folders: [URL]) throws {
  guard repeats > 0 else {
    throw HarnessError(description: "repeats must be positive")
  }
  for folder in folders {
    let c = try ParityCase(folder: folder)
    let regressors = try c.floats("regressors.f32")
    let classificators = try c.floats("classificators.f32")
    let outputs = try c.cropBoxes.indices.map { try c.floats("emotion_output_\($0).f32") }
    let detection = FaceDetectionWrapper(config: c.detector)
    let recognition = FaceEmotionRecognitionWrapper(config: c.emotion)
    let image = c.image
    var stages = [[Double]](repeating: [], count: 5)
    var faces = 0
    for frame in 0..<(warmUpFrames + repeats) {
      var clock = Clock()
      let input = try detection.preprocess(
        pixels: image.pixels, width: image.width, height: image.height)
      let detectorPre = clock.lap()
      let found = try detection.postprocess(
        regressors: regressors, classificators: classificators, input: input)
      let detectorPost = clock.lap()
      var emotionPre = 0.0
      var emotionPost = 0.0
      for (i, face) in found.enumerated() where i < outputs.count {
        _ = try recognition.preprocess(
          pixels: image.pixels, width: image.width, height: image.height, face: face)
        emotionPre += clock.lap()
        _ = try recognition.postprocess(output: outputs[i])
        emotionPost += clock.lap()
      }
      faces = found.count
      if frame >= warmUpFrames {
        let times = [detectorPre, detectorPost, emotionPre, emotionPost]
        stages[0].append(times.reduce(0, +))
        for (s, t) in times.enumerated() {
          stages[s + 1].append(t)
        }
      }
    }
    let keys = [
      "median_ms", "detector_pre_ms", "detector_post_ms", "emotion_pre_ms", "emotion_post_ms",
    ]
    let fields = zip(keys, stages).map { "\"\($0)\": \(JSON.number(median($1)))" }
    print(
      "{\"name\": \(JSON.string(c.name)), \"width\": \(image.width), \"height\": \(image.height), "
        + "\"faces\": \(faces), \"min_ms\": \(JSON.number(stages[0].min() ?? .nan)), "
        + fields.joined(separator: ", ") + "}")
  }
}

/// Milliseconds between successive `lap()` calls.
struct Clock {
  private var last = DispatchTime.now().uptimeNanoseconds

  mutating func lap() -> Double {
    let now = DispatchTime.now().uptimeNanoseconds
    defer { last = now }
    return Double(now - last) / 1e6
  }
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  guard !s.isEmpty else {
    return .nan
  }
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
