// The parity harness: runs the FaceEmotion core over parity case folders and writes
// its results for packager/parity/compare.py; in bench mode, times pre- plus post-processing.
//
//   ParityHarness CASES_ROOT OUT_ROOT
//   ParityHarness --bench CASES_ROOT WARMUP REPEATS OUT.json   (packager/parity/harness_bench.py)
//   ParityHarness --resample JOBS.json OUT_DIR   (the resampler alone, Resampling.swift)
//   ParityHarness --npy NPY_DIR OUT_DIR   (.npy files and scaledDiff, NpyCheck.swift)
//   ParityHarness --sequence JOB.json OUT.json   (FaceTracker on a sequence, Sequences.swift)
//   ParityHarness --edges OUT.json   (named bad inputs and their outcome, Edges.swift)

import FaceEmotionCore
import Foundation

/// Runs one case and writes detector_input.f32, faces.json, emotion_input_<i>.f32 and
/// emotion.json into `out`.
func runCase(_ c: ParityCase, into out: URL) throws {
  try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
  let detection = FaceDetectionWrapper(config: c.detector)
  let input = try c.detectorInput(detection)
  try writeFloats(input.tensor, to: out.appendingPathComponent("detector_input.f32"))
  let faces = try detection.postprocess(
    regressors: c.floats("regressors.f32"), classificators: c.floats("classificators.f32"),
    input: input)
  let names = c.detector.keypointNames
  let faceLines = try faces.map { f in
    "{\"box\": \(JSON.array(corners(f.letterboxBox))), "
      + "\"keypoints\": \(try named(names, f.letterboxKeypoints)), "
      + "\"score\": \(JSON.number(f.score)), "
      + "\"box_px\": \(JSON.array(corners(f.box))), "
      + "\"keypoints_px\": \(try named(names, f.keypoints)), "
      + "\"normalized_box\": \(JSON.array(corners(f.normalizedBox))), "
      + "\"normalized_keypoints\": \(try named(names, f.normalizedKeypoints))}"
  }
  try ("{\"faces\": [" + faceLines.joined(separator: ", ") + "]}").write(
    to: out.appendingPathComponent("faces.json"), atomically: true, encoding: .utf8)
  let recognition = FaceEmotionRecognitionWrapper(config: c.emotion)
  var emotionLines: [String] = []
  for (i, box) in c.cropBoxes.enumerated() {
    let x = try c.emotionInput(recognition, box: box)
    try writeFloats(x.tensor, to: out.appendingPathComponent("emotion_input_\(i).f32"))
    let result = try recognition.postprocess(output: c.floats("emotion_output_\(i).f32"))
    emotionLines.append(
      "{\"probabilities\": \(JSON.array(result.probabilities)), "
        + "\"top_label\": \(JSON.string(result.topLabel))}")
  }
  try ("{\"faces\": [" + emotionLines.joined(separator: ", ") + "]}").write(
    to: out.appendingPathComponent("emotion.json"), atomically: true, encoding: .utf8)
  try runChain(c, into: out)
}

/// FaceEmotionSteps (detect → crop → classify) with the case's model outputs standing in for
/// the runtime: face i gets emotion_output_<i>.f32. Writes pipeline.json
/// {"faces": [{"box_px": [...], "top_label": "..." or null}]}.
func runChain(_ c: ParityCase, into out: URL) throws {
  let outputs = try c.cropBoxes.indices.map { try c.floats("emotion_output_\($0).f32") }
  var next = 0
  let steps = FaceEmotionSteps(
    detection: FaceDetectionWrapper(config: c.detector),
    recognition: FaceEmotionRecognitionWrapper(config: c.emotion))
  let results = try c.run(
    steps,
    runDetector: { _ in
      DetectorOutputs(
        regressors: try c.floats("regressors.f32"),
        classificators: try c.floats("classificators.f32"))
    },
    runEmotion: { _ in
      defer { next += 1 }
      return next < outputs.count ? outputs[next] : []
    })
  let lines = results.map { r in
    "{\"box_px\": \(JSON.array(corners(r.face.box))), \"top_label\": "
      + (r.emotion.map { JSON.string($0.topLabel) } ?? "null") + "}"
  }
  try ("{\"faces\": [" + lines.joined(separator: ", ") + "]}").write(
    to: out.appendingPathComponent("pipeline.json"), atomically: true, encoding: .utf8)
}

func corners(_ b: Box) -> [Double] {
  [b.xmin, b.ymin, b.xmax, b.ymax]
}

/// Keypoints by name, {"name": [x, y], …}: the recipe's names, in the core's order.
func named(_ names: [String], _ points: [Point]) throws -> String {
  guard names.count == points.count else {
    throw HarnessError(description: "\(points.count) keypoints for \(names.count) names")
  }
  let pairs = zip(names, points).map { "\(JSON.string($0)): \(JSON.array([$1.x, $1.y]))" }
  return "{" + pairs.joined(separator: ", ") + "}"
}

func parity(casesRoot: URL, outRoot: URL) throws {
  let folders = try caseFolders(casesRoot)
  guard !folders.isEmpty else {
    throw HarnessError(description: "no case folders under \(casesRoot.path)")
  }
  for folder in folders {
    let c = try ParityCase(folder: folder)
    try runCase(c, into: outRoot.appendingPathComponent(folder.lastPathComponent))
  }
  print("ran \(folders.count) case(s)")
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
  if arguments.first == "--bench", arguments.count == 5, let warmUp = Int(arguments[2]),
    let repeats = Int(arguments[3])
  {
    try bench(
      casesRoot: URL(fileURLWithPath: arguments[1]), warmUp: warmUp, repeats: repeats,
      out: URL(fileURLWithPath: arguments[4]))
  } else if arguments.first == "--resample", arguments.count == 3 {
    try resampling(
      jobsFile: URL(fileURLWithPath: arguments[1]), outDir: URL(fileURLWithPath: arguments[2]))
  } else if arguments.first == "--npy", arguments.count == 3 {
    try npyCheck(
      dir: URL(fileURLWithPath: arguments[1]), outDir: URL(fileURLWithPath: arguments[2]))
  } else if arguments.first == "--sequence", arguments.count == 3 {
    try sequence(
      jobFile: URL(fileURLWithPath: arguments[1]), outFile: URL(fileURLWithPath: arguments[2]))
  } else if arguments.first == "--edges", arguments.count == 2 {
    try edges(outFile: URL(fileURLWithPath: arguments[1]))
  } else if arguments.count == 2 {
    try parity(
      casesRoot: URL(fileURLWithPath: arguments[0]), outRoot: URL(fileURLWithPath: arguments[1]))
  } else {
    throw HarnessError(
      description:
        "usage: ParityHarness CASES_ROOT OUT_ROOT | --bench CASES_ROOT WARMUP REPEATS OUT.json "
        + "| --resample JOBS.json OUT_DIR | --npy NPY_DIR OUT_DIR | --sequence JOB.json OUT.json "
        + "| --edges OUT.json")
  }
} catch {
  FileHandle.standardError.write("ParityHarness: \(error)\n".data(using: .utf8) ?? Data())
  exit(1)
}
