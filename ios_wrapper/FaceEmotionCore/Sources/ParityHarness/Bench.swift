// Bench mode: pre- plus post-processing time per frame on real parity cases.

import FaceEmotionCore
import Foundation

/// The benchmark protocol both harnesses share (packager/parity/harness_bench.py): for each case
/// folder under `casesRoot`, `warmUp` untimed frames then `repeats` timed ones of: detector
/// preprocess, detector postprocess, then for every face emotion preprocess and postprocess
/// (model outputs read from the case; a frame case is run on its planes, with the frame entry
/// points), with one pair of wrappers for all frames, as an app's
/// frame loop keeps them. Writes `out` as one JSON object, case name → {"width", "height",
/// "faces", "detector_pre_ms", "detector_post_ms", "emotion_pre_ms", "emotion_post_ms",
/// "pre_post_ms", "alloc_bytes_per_frame"}, every time a median over the timed frames (of the
/// thread's CPU time: `Clock`);
/// alloc_bytes_per_frame is null (Swift has no per-thread allocation counter). Meant for a
/// release build (`swift build -c release`, as packager/parity/swift_harness.py builds it).
func bench(casesRoot: URL, warmUp: Int, repeats: Int, out: URL) throws {
  guard repeats > 0, warmUp >= 0 else {
    throw HarnessError(description: "repeats must be positive and warm-up not negative")
  }
  var rows: [String] = []
  for folder in try caseFolders(casesRoot) {
    let c = try ParityCase(folder: folder)
    let regressors = try c.floats("regressors.f32")
    let classificators = try c.floats("classificators.f32")
    let outputs = try c.cropBoxes.indices.map { try c.floats("emotion_output_\($0).f32") }
    let detection = FaceDetectionWrapper(config: c.detector)
    let recognition = FaceEmotionRecognitionWrapper(config: c.emotion)
    let image = c.image
    var stages = [[Double]](repeating: [], count: 5)
    var faces = 0
    for frame in 0..<(warmUp + repeats) {
      var clock = Clock()
      let input = try c.detectorInput(detection)
      let detectorPre = clock.lap()
      let found = try detection.postprocess(
        regressors: regressors, classificators: classificators, input: input)
      let detectorPost = clock.lap()
      var emotionPre = 0.0
      var emotionPost = 0.0
      for (i, face) in found.enumerated() where i < outputs.count {
        _ = try c.emotionInput(recognition, box: face.box)
        emotionPre += clock.lap()
        _ = try recognition.postprocess(output: outputs[i])
        emotionPost += clock.lap()
      }
      faces = found.count
      if frame >= warmUp {
        let times = [detectorPre, detectorPost, emotionPre, emotionPost]
        for (s, t) in times.enumerated() {
          stages[s].append(t)
        }
        stages[4].append(times.reduce(0, +))
      }
    }
    let keys = [
      "detector_pre_ms", "detector_post_ms", "emotion_pre_ms", "emotion_post_ms", "pre_post_ms",
    ]
    let fields = zip(keys, stages).map { "\"\($0)\": \(JSON.number(median($1)))" }
    rows.append(
      "\(JSON.string(c.name)): {" + fields.joined(separator: ", ")
        + ", \"faces\": \(faces), \"width\": \(image.width), \"height\": \(image.height), "
        + "\"alloc_bytes_per_frame\": null}")
  }
  try ("{" + rows.joined(separator: ", ") + "}").write(to: out, atomically: true, encoding: .utf8)
}

/// Milliseconds of this thread's CPU time between successive `lap()` calls: other processes on
/// a shared machine do not lengthen them, and the reference's inference they are divided by is
/// timed the same way (packager/parity/harness_bench.py).
struct Clock {
  private var last = Clock.threadNanoseconds()

  mutating func lap() -> Double {
    let now = Clock.threadNanoseconds()
    defer { last = now }
    return Double(now - last) / 1e6
  }

  private static func threadNanoseconds() -> Int {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Int(t.tv_sec) * 1_000_000_000 + Int(t.tv_nsec)
  }
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  guard !s.isEmpty else {
    return .nan
  }
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
