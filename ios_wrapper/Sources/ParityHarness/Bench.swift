// Bench mode: pre- plus post-processing time per frame on real parity cases.

import FaceEmotion
import Foundation

/// Times, for each case folder, `repeats` frames of: detector preprocess + postprocess, then
/// for every face emotion preprocess + postprocess (model outputs read from the case). Prints
/// one JSON line per case: {"name", "width", "height", "faces", "median_ms", "min_ms"}.
func bench(repeats: Int, folders: [URL]) throws {
  guard repeats > 0 else {
    throw HarnessError(description: "repeats must be positive")
  }
  for folder in folders {
    let c = try ParityCase(folder: folder)
    let regressors = try c.floats("regressors.f32")
    let classificators = try c.floats("classificators.f32")
    let outputs = try c.cropBoxes.indices.map { try c.floats("emotion_output_\($0).f32") }
    let steps = FaceEmotionSteps(
      detection: FaceDetectionWrapper(config: c.detector),
      recognition: FaceEmotionRecognitionWrapper(config: c.emotion))
    var times: [Double] = []
    var faces = 0
    for _ in 0...repeats {  // one extra, untimed-in-effect warm-up frame (dropped below)
      let start = DispatchTime.now().uptimeNanoseconds
      var emotionIndex = 0
      let results = try steps.run(
        pixels: c.image.pixels, width: c.image.width, height: c.image.height,
        runDetector: { _ in DetectorOutputs(regressors: regressors, classificators: classificators)
        },
        runEmotion: { _ in
          defer { emotionIndex += 1 }
          return outputs.isEmpty ? [] : outputs[min(emotionIndex, outputs.count - 1)]
        })
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
      faces = results.count
    }
    let timed = Array(times.dropFirst()).sorted()
    let median =
      timed.count % 2 == 1
      ? timed[timed.count / 2] : (timed[timed.count / 2 - 1] + timed[timed.count / 2]) / 2
    print(
      "{\"name\": \(JSON.string(c.name)), \"width\": \(c.image.width), "
        + "\"height\": \(c.image.height), \"faces\": \(faces), "
        + "\"median_ms\": \(JSON.number(median)), \"min_ms\": \(JSON.number(timed[0]))}")
  }
}
