// Runs the ONNX Runtime glue (ModelSession, FaceEmotionPipeline) on the fake ONNX Runtime
// (OnnxRuntimeFake.swift): an executable importing FaceEmotion as an app does, linked by
// test_swift_glue.py with the two packages' modules. Prints one line per failed check and "checks: N passed"; exits 1 on a
// failure.

import FaceEmotion
import Foundation
import OnnxRuntimeBindings

nonisolated(unsafe) var failures: [String] = []
nonisolated(unsafe) var passed = 0

func check(_ ok: Bool, _ what: String, line: Int = #line) {
  if ok { passed += 1 } else { failures.append("line \(line): \(what)") }
}

func expectError(_ what: String, line: Int = #line, _ body: () throws -> Void) -> PackagerError? {
  do {
    try body()
    failures.append("line \(line): \(what): no error")
  } catch let error as PackagerError {
    passed += 1
    return error
  } catch {
    failures.append("line \(line): \(what): raw error \(error)")
  }
  return nil
}

let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glue-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: dir) }

func modelFile(_ name: String, _ model: FakeModel) -> URL {
  let url = dir.appendingPathComponent(name)
  FileManager.default.createFile(atPath: url.path, contents: Data("fake".utf8))
  Fake.models[url.path] = model
  return url
}

let double = FakeModel(inputs: ["x": [1, 4]], outputs: ["y": [1, 4], "s": [1, 1]]) { inputs in
  let x = inputs["x"] ?? []
  return ["y": x.map { 2 * $0 }, "s": [x.reduce(0, +)]]
}
let model = modelFile("double.ort", double)
let x = TensorSpec(name: "x", shape: [1, 4])
let outputs = [TensorSpec(name: "y", shape: [1, 4]), TensorSpec(name: "s", shape: [1, 1])]
let cpu = SessionSettings(provider: .cpu)

// runs on named tensors, outputs written into memory made once
do {
  let session = try ModelSession(model: model, inputs: [x], outputs: outputs, settings: cpu)
  check(
    session.requestedProvider == "CPU" && session.providerInUse == "CPU" && session.fallbackReason == nil,
    "CPU session")
  check(session.modelName == "double", "model name \(session.modelName)")
  Fake.outputMemory = []
  let a = try session.run(["x": [1, 2, 3, 4]])
  let b = try session.run([[0.5, 0, 0, -1]])
  check(a == ["y": [2, 4, 6, 8], "s": [10]], "named run \(a)")
  check(b == [[1, 0, 0, -2], [-0.5]], "ordered run \(b)")
  check(Set(Fake.outputMemory).count == 2 && Fake.outputMemory.count == 4, "outputs reused")
  let wrongCount = expectError("input of the wrong length") { _ = try session.run([[1, 2]]) }
  check(wrongCount.map { if case .invalidTensor = $0 { true } else { false } } ?? false, "\(String(describing: wrongCount))")
  let missing = expectError("missing input") { _ = try session.run(["z": [1, 2, 3, 4]]) }
  check("\(missing.map { "\($0)" } ?? "")".contains("takes inputs [\"x\"]"), "\(String(describing: missing))")
  session.close()
  let closed = expectError("run after close") { _ = try session.run([[1, 2, 3, 4]]) }
  check(closed == .closed("the session of double.ort is closed"), "\(String(describing: closed))")
}

// I/O checked at open: names, then shapes
do {
  let names = expectError("wrong output name") {
    _ = try ModelSession(
      model: model, inputs: [x], outputs: [TensorSpec(name: "z", shape: [1, 4])], settings: cpu)
  }
  check(
    names == .modelMismatch("double.ort has outputs [\"s\", \"y\"], the configuration expects [\"z\"]"),
    "\(String(describing: names))")
  let shapes = expectError("wrong input shape") {
    _ = try ModelSession(
      model: model, inputs: [TensorSpec(name: "x", shape: [1, 5])], outputs: outputs, settings: cpu)
  }
  if case .modelMismatch(let m) = shapes {
    check(m.contains("x [1, 5]") && m.contains("invalid dimensions for input: x"), m)
  } else {
    check(false, "\(String(describing: shapes))")
  }
  let outShape = expectError("wrong output shape") {
    _ = try ModelSession(
      model: model, inputs: [x], outputs: [outputs[0], TensorSpec(name: "s", shape: [1])],
      settings: cpu)
  }
  check("\(outShape.map { "\($0)" } ?? "")".contains("invalid dimensions for output: s"), "\(String(describing: outShape))")
  let noFile = expectError("no model file") {
    _ = try ModelSession(model: dir.appendingPathComponent("none.ort"), inputs: [x], outputs: outputs)
  }
  check(noFile.map { if case .modelLoad = $0 { true } else { false } } ?? false, "\(String(describing: noFile))")
  let repeated = expectError("repeated names") {
    _ = try ModelSession(model: model, inputs: [x, x], outputs: outputs, settings: cpu)
  }
  check(repeated.map { if case .invalidConfig = $0 { true } else { false } } ?? false, "\(String(describing: repeated))")
  // Kotlin's SessionSettings refuses a negative thread count when made, Swift's when it opens
  let threads = expectError("negative threads") {
    _ = try ModelSession(
      model: model, inputs: [x], outputs: outputs,
      settings: SessionSettings(provider: .cpu, intraOpThreads: -1))
  }
  check(threads == .invalidConfig("intraOpThreads -1 < 0"), "\(String(describing: threads))")
  check(Fake.liveSessions == 0, "half-opened sessions freed: \(Fake.liveSessions)")
}

// Core ML: provider options, model cache created, hook called last, threads
do {
  let cacheRoot = dir.appendingPathComponent("cache/CoreML", isDirectory: true)
  let coreML = CoreMLOptions(computeUnits: .cpuAndGPU, modelCacheDirectory: cacheRoot)
  // one cache folder per model content, below the cache directory
  let cache = cacheRoot.appendingPathComponent(
    "double-\(CoreMLOptions.contentKey(Data("fake".utf8)))", isDirectory: true)
  let settings = SessionSettings(
    provider: .coreML(coreML),
    intraOpThreads: 3, configureSession: { try $0.setGraphOptimizationLevel(.extended) })
  Fake.coreMLOptions = []
  Fake.threads = []
  let session = try ModelSession(model: model, inputs: [x], outputs: outputs, settings: settings)
  check(session.providerInUse == "CoreML" && session.fallbackReason == nil, "CoreML session")
  check(
    Fake.coreMLOptions == [
      [
        "MLComputeUnits": "CPUAndGPU", "ModelFormat": "MLProgram", "RequireStaticInputShapes": "1",
        "ModelCacheDirectory": cache.path,
      ]
    ], "\(Fake.coreMLOptions)")
  check(FileManager.default.fileExists(atPath: cache.path), "model cache created")
  check(Fake.threads == [3], "threads \(Fake.threads)")
  let hookError = expectError("hook error wrapped") {
    _ = try ModelSession(
      model: model, inputs: [x], outputs: outputs,
      settings: SessionSettings(
        provider: .cpu, configureSession: { try $0.addConfigEntry(withKey: "k", value: "v") }))
  }
  check(
    hookError == .modelLoad("configureSession: unknown config key k (onnxruntime 2)"),
    "\(String(describing: hookError))")
}

// CPU fallback: reason reported (and logged), or the error thrown when not allowed
do {
  Fake.coreMLAvailable = false
  let a = try ModelSession(model: model, inputs: [x], outputs: outputs)
  check(a.requestedProvider == "CoreML" && a.providerInUse == "CPU", "fallback provider")
  check(a.fallbackReason?.contains("no CoreML execution provider") ?? false, "\(String(describing: a.fallbackReason))")
  Fake.coreMLAvailable = true
  Fake.coreMLOpenFails = true
  let b = try ModelSession(model: model, inputs: [x], outputs: outputs)
  check(b.fallbackReason == "cannot load the model: open double.ort with CoreML: CoreML cannot compile the model (onnxruntime 6)", "\(String(describing: b.fallbackReason))")
  let strict = expectError("no fallback") {
    _ = try ModelSession(model: model, inputs: [x], outputs: outputs, settings: SessionSettings(cpuFallback: false))
  }
  check(strict == .modelLoad("open double.ort with CoreML: CoreML cannot compile the model (onnxruntime 6)"), "\(String(describing: strict))")
  Fake.coreMLOpenFails = false
  Fake.coreMLRunFails = true
  let c = try ModelSession(model: model, inputs: [x], outputs: outputs)
  check(c.requestedProvider == "CoreML" && c.providerInUse == "CPU" && (c.fallbackReason?.hasPrefix("the CoreML session failed its first run") ?? false), "\(String(describing: c.fallbackReason))")
  Fake.coreMLRunFails = false
}

// self-check: CPU judged, Core ML reported
do {
  try Npy(shape: [1, 4], values: [1, -2, 3, 0.5]).write(to: dir.appendingPathComponent("double.sample_input.npy"))
  try Npy(shape: [1, 4], values: [2, -4, 6, 1]).write(to: dir.appendingPathComponent("double.sample_output.y.npy"))
  try Npy(shape: [1, 1], values: [2.5]).write(to: dir.appendingPathComponent("double.sample_output.s.npy"))
  Fake.coreMLError = 0.01
  let session = try ModelSession(model: model, inputs: [x], outputs: outputs)
  let result = try session.selfCheck()
  check(result.passed && result.scaledDiff == 0 && result.provider == "CPU", "\(result)")
  // +0.01 on every value: worst over the outputs of 0.01 / max(1, max |expected|): s (2.5)
  check(result.acceleratorProvider == "CoreML" && abs((result.acceleratorScaledDiff ?? 0) - 0.01 / 2.5) < 1e-6, "\(result)")
  try Npy(shape: [1, 1], values: [2.6]).write(to: dir.appendingPathComponent("double.sample_output.s.npy"))
  let failed = try session.selfCheck()
  check(!failed.passed && abs(failed.scaledDiff - 0.1 / 2.6) < 1e-6, "\(failed)")
  try FileManager.default.removeItem(at: dir.appendingPathComponent("double.sample_output.s.npy"))
  let missing = expectError("missing sample") { _ = try session.selfCheck() }
  check("\(missing.map { "\($0)" } ?? "")".contains("double.sample_output.s.npy"), "\(String(describing: missing))")
  Fake.coreMLError = 0
}

// threads: runs from many threads at once, and close() racing them
do {
  let session = try ModelSession(model: model, inputs: [x], outputs: outputs, settings: cpu)
  let bad = NSLock()
  nonisolated(unsafe) var wrong = 0
  DispatchQueue.concurrentPerform(iterations: 64) { i in
    let v = Float(i)
    if i == 40 { session.close() }
    do {
      let out = try session.run([[v, v, v, v]])
      if out != [[2 * v, 2 * v, 2 * v, 2 * v], [4 * v]] {
        bad.lock(); wrong += 1; bad.unlock()
      }
    } catch PackagerError.closed {
    } catch {
      bad.lock(); wrong += 1; bad.unlock()
    }
  }
  check(wrong == 0, "\(wrong) runs gave another frame's values or an unexpected error")
}

// the pipeline on models shaped like the bundle's
do {
  let detection = FaceDetectionWrapper()
  let c = detection.config
  let e = Recipes.defaultEmotion
  let n = detection.numAnchors
  let detector = modelFile("face_detection.ort", FakeModel(
    inputs: [c.inputName: c.inputShape],
    outputs: [c.regressorsName: [1, n, c.rowLength], c.classificatorsName: [1, n, 1]]) { _ in
      var scores = [Float](repeating: -100, count: n)
      scores[0] = 5
      var regressors = [Float](repeating: 0, count: n * c.rowLength)
      regressors[2] = 20
      regressors[3] = 20
      return [c.regressorsName: regressors, c.classificatorsName: scores]
    })
  let emotion = modelFile("face_emotion_recognition.ort", FakeModel(
    inputs: [e.inputName: e.inputShape], outputs: [e.outputName: [1, e.labels.count]]) { _ in
      [e.outputName: (0..<e.labels.count).map { $0 == 3 ? 10 : 0 }]
    })
  let pipeline = try FaceEmotionPipeline(detectorModel: detector, emotionModel: emotion)
  check(pipeline.providersInUse == ["face_detection": "CoreML", "face_emotion_recognition": "CoreML"], "\(pipeline.providersInUse)")
  check(pipeline.requestedProviders == pipeline.providersInUse, "\(pipeline.requestedProviders)")
  // Core ML sessions that fail their first run: both models fall back, and say so
  Fake.coreMLRunFails = true
  let fallen = try FaceEmotionPipeline(detectorModel: detector, emotionModel: emotion)
  Fake.coreMLRunFails = false
  check(
    fallen.requestedProviders == ["face_detection": "CoreML", "face_emotion_recognition": "CoreML"]
      && fallen.providersInUse == ["face_detection": "CPU", "face_emotion_recognition": "CPU"],
    "\(fallen.requestedProviders) \(fallen.providersInUse)")
  check(fallen.classifier.fallbackReason?.hasPrefix("the CoreML session failed") ?? false, "reason")
  fallen.close()
  let results = try pipeline.run(pixels: [UInt8](repeating: 90, count: 64 * 48 * 4), width: 64, height: 48)
  check(results.count == 1 && results.first?.emotion?.topIndex == 3, "\(results)")
  let strict = try FaceEmotionPipeline(
    detectorModel: detector, emotionModel: emotion,
    options: PipelineOptions(scoreThreshold: 0.999, session: cpu))
  check(try strict.run(pixels: [UInt8](repeating: 90, count: 64 * 48 * 4), width: 64, height: 48).isEmpty, "scoreThreshold applied")
  check(strict.detection.config.minScore == 0.999 && strict.providersInUse.values.allSatisfy { $0 == "CPU" }, "options")
  // Kotlin's constructors refuse the same options with the same words (test_kotlin_glue.py)
  for (bad, words) in [
    (PipelineOptions(scoreThreshold: 1.5), "scoreThreshold 1.5 is not in 0..1"),
    (PipelineOptions(iouThreshold: -0.1), "iouThreshold -0.1 is not in 0..1"),
    (PipelineOptions(maxFaces: 0), "maxFaces 0 < 1"),
    (PipelineOptions(session: SessionSettings(intraOpThreads: -2)), "intraOpThreads -2 < 0"),
  ] {
    let error = expectError("options out of range") {
      _ = try FaceEmotionPipeline(detectorModel: detector, emotionModel: emotion, options: bad)
    }
    check(error == .invalidConfig(words), "\(String(describing: error))")
  }
  let wrongRecipe = expectError("another emotion recipe") {
    _ = try FaceEmotionPipeline(
      detectorModel: detector, emotionModel: emotion,
      recognition: FaceEmotionRecognitionWrapper(config: Recipes.emotionFerplus))
  }
  check(wrongRecipe.map { if case .modelMismatch = $0 { true } else { false } } ?? false, "\(String(describing: wrongRecipe))")
  // video mode: the same face in every frame is one track, its smoothed emotion settles on the
  // raw one; a timestamp that does not increase is refused
  let video = FaceVideoPipeline(pipeline: pipeline)
  let frame = [UInt8](repeating: 90, count: 64 * 48 * 4)
  var tracks: [Int] = []
  for ms: Int64 in [0, 33, 67, 1000] {
    let faces = try video.run(pixels: frame, width: 64, height: 48, timestampMs: ms)
    tracks += faces.map(\.track)
    check(faces.count == 1 && faces[0].smoothed?.topIndex == 3, "video frame at \(ms) ms: \(faces)")
  }
  check(tracks == [1, 1, 1, 1], "one face, one track: \(tracks)")
  let late = expectError("a timestamp that does not increase") {
    _ = try video.run(pixels: frame, width: 64, height: 48, timestampMs: 1000)
  }
  check(late.map { if case .invalidImage = $0 { true } else { false } } ?? false, "\(String(describing: late))")
  video.reset()
  check(try video.run(pixels: frame, width: 64, height: 48, timestampMs: 0).map(\.track) == [1], "reset: ids from 1")
  // precision: each variant's files, its self-check against its own expected outputs (the input
  // shared): int8 as the models answer (the emotion model 0.01 off: within 0.05 of its scale
  // 10, outside fp32's 1e-4), fp16 wrong (the detector's expected scores find no face, the
  // emotion model 1.0 off)
  for p in Precision.allCases {
    check(p.modelFile("m") == "m\(p.suffix).ort" && Precision.of(stem: "m\(p.suffix)") == p, "\(p)")
  }
  check(Precision.baseStem("face_detection.int8") == "face_detection", "base stem")
  check(SelfCheckSamples.inputFile(model: "face_detection.fp16") == "face_detection.sample_input.npy", "shared input")
  check(PipelineOptions().precision == Recipes.defaultPrecision && Recipes.defaultPrecision == .fp32, "default precision")
  let sample = [Float](repeating: 0.5, count: c.inputShape.reduce(1, *))
  try Npy(shape: c.inputShape, values: sample).write(to: dir.appendingPathComponent("face_detection.sample_input.npy"))
  let crop = [Float](repeating: 0.5, count: e.inputShape.reduce(1, *))
  try Npy(shape: e.inputShape, values: crop).write(to: dir.appendingPathComponent("face_emotion_recognition.sample_input.npy"))
  let detOut = try strict.detector.run([sample])
  let emoOut = try strict.classifier.run([crop])[0]
  for (v, noFace, drift) in [(Precision.int8, false, Float(0.01)), (.fp16, true, 1)] {
    _ = modelFile(v.modelFile("face_detection"), Fake.models[detector.path]!)
    _ = modelFile(v.modelFile("face_emotion_recognition"), Fake.models[emotion.path]!)
    let stem = "face_detection\(v.suffix)"
    try Npy(shape: [1, n, c.rowLength], values: detOut[0]).write(
      to: dir.appendingPathComponent(SelfCheckSamples.outputFile(model: stem, output: c.regressorsName)))
    try Npy(shape: [1, n, 1], values: noFace ? [Float](repeating: -100, count: n) : detOut[1]).write(
      to: dir.appendingPathComponent(SelfCheckSamples.outputFile(model: stem, output: c.classificatorsName)))
    try Npy(shape: [1, e.labels.count], values: emoOut.map { $0 + drift }).write(
      to: dir.appendingPathComponent(
        SelfCheckSamples.outputFile(model: "face_emotion_recognition\(v.suffix)", output: e.outputName)))
  }
  let int8 = try FaceEmotionPipeline(
    detectorModel: dir.appendingPathComponent("face_detection.int8.ort"),
    emotionModel: dir.appendingPathComponent("face_emotion_recognition.int8.ort"),
    options: PipelineOptions(precision: .int8))
  let ok = try int8.selfCheck()
  check(ok[0].model == "face_detection.int8" && ok[0].passed && ok[0].scaledDiff == 0
    && ok[0].tolerance == Recipes.variantSelfCheckMaxCornerShift && ok[0].acceleratorScaledDiff == 0, "\(ok[0])")
  check(ok[1].model == "face_emotion_recognition.int8" && ok[1].passed && abs(ok[1].scaledDiff - 0.01 / 10.01) < 1e-6
    && ok[1].tolerance == Recipes.variantSelfCheckTolerance, "\(ok[1])")
  int8.close()
  let fp16 = try FaceEmotionPipeline(
    detectorModel: dir.appendingPathComponent("face_detection.fp16.ort"),
    emotionModel: dir.appendingPathComponent("face_emotion_recognition.fp16.ort"),
    options: PipelineOptions(session: cpu, precision: .fp16))
  let bad = try fp16.selfCheck()
  check(!bad[0].passed && bad[0].scaledDiff == .infinity && !bad[1].passed && abs(bad[1].scaledDiff - 1 / 11.0) < 1e-6, "\(bad)")
  fp16.close()
  check(FaceEmotionPipeline.resourceURL("face_detection.int8.ort", in: Bundle(path: dir.path))?.lastPathComponent
    == "face_detection.int8.ort", "a shipped variant's file is reachable")
  let empty = dir.appendingPathComponent("empty")
  try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
  let missing = expectError("a precision the bundle does not ship") {
    _ = try FaceEmotionPipeline(bundle: Bundle(path: empty.path), options: PipelineOptions(precision: .int8))
  }
  check("\(missing.map { "\($0)" } ?? "")".contains("face_detection.int8.ort"), "\(String(describing: missing))")
  check(facesShift(expected: [], actual: []) == 0, "no face, no face")
  pipeline.close()
  check(Fake.liveSessions > 0, "sessions alive elsewhere")
}

for f in failures { print("FAILED \(f)") }
print("checks: \(passed) passed, \(failures.count) failed")
exit(failures.isEmpty ? 0 : 1)
