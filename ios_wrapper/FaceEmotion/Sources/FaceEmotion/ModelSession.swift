// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// Runtime glue: one ONNX Runtime session over named float32 tensors, on ONNX Runtime's
// Objective-C API as its Swift package exposes it (module OnnxRuntimeBindings, product onnxruntime
// of onnxruntime-swift-package-manager). Imported unconditionally: without ONNX Runtime this file
// does not compile, so no build can silently lose the session or the pipeline on top of it.

import Foundation
import OnnxRuntimeBindings

/// How a `ModelSession` opens its model.
public struct SessionSettings: Sendable {
  /// The execution provider asked for; default Core ML (MLProgram, all compute units, model
  /// cache under Caches).
  public var provider: Provider
  /// When the provider cannot open the model (or its session fails the first run), open a
  /// CPU session instead; `ModelSession.fallbackReason` says why, and the fallback is
  /// logged. false: throw.
  public var cpuFallback: Bool
  /// CPU threads per session; 0 lets ONNX Runtime choose. Checked when a session opens
  /// (`.invalidConfig` below 0, as Kotlin's constructor refuses it).
  public var intraOpThreads: Int
  /// Called with the session options after the settings above are applied and before the
  /// session is created (graph optimization level, config entries, another provider, …).
  public var configureSession: (@Sendable (ORTSessionOptions) throws -> Void)?

  /// Settings; by default Core ML with CPU fallback.
  public init(
    provider: Provider = .coreML(CoreMLOptions()), cpuFallback: Bool = true,
    intraOpThreads: Int = 0,
    configureSession: (@Sendable (ORTSessionOptions) throws -> Void)? = nil
  ) {
    self.provider = provider
    self.cpuFallback = cpuFallback
    self.intraOpThreads = intraOpThreads
    self.configureSession = configureSession
  }
}

/// One model on ONNX Runtime, run on named float32 tensors.
///
/// Opening checks the model against the given `TensorSpec`s: its input and output names
/// (ONNX Runtime's `inputNames()` / `outputNames()`), then its shapes, by one run on zeros
/// into outputs of the declared shapes (the Objective-C API exposes no shapes; ONNX Runtime
/// refuses inputs and preallocated outputs of other shapes). A difference is one
/// `PackagerError.modelMismatch` naming it.
///
/// Memory: every input and output lives in one `NSMutableData` wrapped by one `ORTValue`,
/// made when the session opens. A run copies each input into its bytes, ONNX Runtime writes
/// the outputs straight into the output bytes (`run(withInputs:outputs:runOptions:)`), and
/// the values are copied out once.
///
/// Threads: `Sendable`. Runs are serialized by a lock; `close()` waits for a running run and
/// frees the session; a run after it throws `.closed`.
public final class ModelSession: @unchecked Sendable {
  // @unchecked: the mutable state (session, tensors) is read and written only with `lock`
  // held, and no ONNX Runtime object is ever handed out; everything else is an immutable
  // Sendable value.

  /// The model file.
  public let model: URL
  /// The model file's name without its extension ("face_detection" for face_detection.ort,
  /// "face_detection.int8" for face_detection.int8.ort): the stem of its self-check samples.
  public var modelName: String { model.deletingPathExtension().lastPathComponent }
  /// The inputs, as checked at open.
  public let inputs: [TensorSpec]
  /// The outputs, as checked at open; `run` returns them in this order.
  public let outputs: [TensorSpec]
  /// "CoreML" or "CPU": the provider asked for (`settings.provider.name`).
  public var requestedProvider: String { settings.provider.name }
  /// "CoreML" or "CPU": the execution provider actually registered with the session that runs,
  /// after any CPU fallback (then "CPU" and `fallbackReason` says why). It names the session's
  /// provider, not where each node runs: nodes Core ML cannot take run on ONNX Runtime's CPU
  /// kernels inside a "CoreML" session, and ONNX Runtime's Objective-C API does not report that
  /// per-node assignment. How many of a model's nodes and partitions Core ML (MLProgram,
  /// NeuralNetwork) takes is measured at build time: the bundle's manifest.json
  /// (`models.<model>.coverage.after`) and report.html.
  public let providerInUse: String
  /// Why the session runs on the CPU although `requestedProvider` was another; nil when it did
  /// not fall back.
  public let fallbackReason: String?
  /// The settings the session was opened with (`selfCheck` opens its CPU session with their
  /// threads and hook).
  public let settings: SessionSettings

  /// The outputs' names, in `outputs` order (made once).
  private let outputNames: [String]

  private let lock = NSLock()
  private let env: ORTEnv
  private var session: ORTSession?
  private var inputTensors: [TensorMemory]
  private var outputTensors: [TensorMemory]
  /// The tensors by name, as `ORTSession.run` takes them (made once).
  private var feeds: Feeds

  /// Opens `model` (`.ort` or `.onnx`) and checks it against `inputs` and `outputs`;
  /// `.invalidConfig` for a negative `settings.intraOpThreads` or repeated tensor names.
  public init(
    model: URL, inputs: [TensorSpec], outputs: [TensorSpec],
    settings: SessionSettings = SessionSettings()
  ) throws {
    self.model = model
    self.inputs = inputs
    self.outputs = outputs
    self.settings = settings
    outputNames = outputs.map(\.name)
    let file = model.lastPathComponent
    guard settings.intraOpThreads >= 0 else {
      throw PackagerError.invalidConfig("intraOpThreads \(settings.intraOpThreads) < 0")
    }
    guard FileManager.default.fileExists(atPath: model.path) else {
      throw PackagerError.modelLoad("no model file at \(model.path)")
    }
    let env = try onnxRuntime("create the environment") { try ORTEnv(loggingLevel: .warning) }
    for specs in [inputs, outputs] where Set(specs.map(\.name)).count != specs.count {
      throw PackagerError.invalidConfig("tensor names repeat in \(specs)")
    }
    let ins = try inputs.map(TensorMemory.init)
    let outs = try outputs.map(TensorMemory.init)
    let feeds = Feeds(inputs: ins, outputs: outs)
    let opened = try Self.open(model, settings: settings, env: env)
    var session = opened.session
    var reason = opened.fallbackReason
    var provider = reason == nil ? settings.provider.name : "CPU"
    try Self.checkNames(session, file: file, inputs: inputs, outputs: outputs)
    do {
      try feeds.run(session)
    } catch {
      guard provider != "CPU", settings.cpuFallback else {
        throw Self.mismatch(file, inputs, outputs, error)
      }
      reason = "the \(provider) session failed its first run: \(Self.describe(error))"
      provider = "CPU"
      session = try Self.cpuSession(model, settings: settings, env: env)
      do {
        try feeds.run(session)
      } catch {
        throw Self.mismatch(file, inputs, outputs, error)
      }
    }
    self.env = env
    inputTensors = ins
    outputTensors = outs
    self.feeds = feeds
    self.session = session
    providerInUse = provider
    fallbackReason = reason
    if let reason {
      logFallback("\(file): \(settings.provider.name) unavailable, running on the CPU: \(reason)")
    }
  }

  /// Runs the model: every input by name (values in C order, as many as its shape holds) →
  /// every output by name.
  public func run(_ inputs: [String: [Float]]) throws -> [String: [Float]] {
    let values = try self.inputs.map { spec in
      guard let v = inputs[spec.name] else {
        throw PackagerError.invalidTensor(
          "\(model.lastPathComponent) takes inputs \(self.inputs.map(\.name)), got \(inputs.keys.sorted())"
        )
      }
      return v
    }
    let out = try run(values)
    return Dictionary(uniqueKeysWithValues: zip(outputNames, out))
  }

  /// Runs the model on its inputs in `inputs` order → its outputs in `outputs` order.
  public func run(_ values: [[Float]]) throws -> [[Float]] {
    lock.lock()
    defer { lock.unlock() }
    guard let session else {
      throw PackagerError.closed("the session of \(model.lastPathComponent) is closed")
    }
    guard values.count == inputs.count else {
      throw PackagerError.invalidTensor(
        "\(model.lastPathComponent) takes \(inputs.count) inputs, got \(values.count)")
    }
    for (i, v) in values.enumerated() {
      guard v.count == inputs[i].count else {
        throw PackagerError.invalidTensor(
          "input \(inputs[i]) takes \(inputs[i].count) values, got \(v.count)")
      }
      inputTensors[i].write(v)
    }
    try onnxRuntime("run \(model.lastPathComponent)", as: PackagerError.inference) {
      try feeds.run(session)
    }
    return outputTensors.map { $0.read() }
  }

  /// Runs the model on its self-check sample (`SelfCheckSamples` named after `modelName`: one
  /// input, the expected outputs, in `directory`, by default the model's own folder) in a CPU session opened with
  /// this session's `settings`' threads and hook, and compares within `tolerance`; this session's own
  /// difference is reported beside it when it is not a CPU session.
  public func selfCheck(
    samplesIn directory: URL? = nil, tolerance: Double = Recipes.selfCheckTolerance
  ) throws -> SelfCheckResult {
    let stem = modelName
    guard inputs.count == 1 else {
      throw PackagerError.modelMismatch(
        "\(stem): self-check samples hold one input, the model takes \(inputs.count)")
    }
    return try selfCheck(
      inputFiles: [SelfCheckSamples.inputFile(model: stem)],
      outputFiles: outputs.map { SelfCheckSamples.outputFile(model: stem, output: $0.name) },
      in: directory ?? model.deletingLastPathComponent(), tolerance: tolerance)
  }

  /// Runs the model on sample `.npy` files in `directory` (`inputFiles` in `inputs` order,
  /// the expected `outputFiles` in `outputs` order) in a CPU session opened with this
  /// session's `settings`' threads and hook, and compares each output within `tolerance`
  /// (max |out − expected| / max(1, max |expected|)); this session's own difference is
  /// reported beside it when it is not a CPU session.
  public func selfCheck(
    inputFiles: [String], outputFiles: [String], in directory: URL,
    tolerance: Double = Recipes.selfCheckTolerance
  ) throws -> SelfCheckResult {
    let (values, expected) = try readSamples(
      inputFiles: inputFiles, outputFiles: outputFiles, in: directory)
    let cpu = try cpuSession()
    defer { cpu.close() }
    let diff = try Self.worst(cpu.run(values), expected)
    let accelerated = providerInUse != "CPU"
    return SelfCheckResult(
      model: modelName, provider: cpu.providerInUse, scaledDiff: diff, tolerance: tolerance,
      acceleratorProvider: accelerated ? providerInUse : nil,
      acceleratorScaledDiff: accelerated ? try Self.worst(run(values), expected) : nil)
  }

  /// The sample inputs and expected outputs of `selfCheck`, read from `inputFiles` /
  /// `outputFiles` in `directory`; throws `.invalidConfig` for the wrong count of files and
  /// `.invalidFile` for a sample of the wrong shape.
  func readSamples(inputFiles: [String], outputFiles: [String], in directory: URL) throws -> (
    inputs: [[Float]], expected: [[Float]]
  ) {
    guard inputFiles.count == inputs.count, outputFiles.count == outputs.count else {
      throw PackagerError.invalidConfig(
        "\(modelName) takes \(inputs.count) inputs and \(outputs.count) outputs, got sample files \(inputFiles) and \(outputFiles)"
      )
    }
    func sample(_ file: String, _ spec: TensorSpec) throws -> [Float] {
      let array = try Npy(contentsOf: directory.appendingPathComponent(file))
      guard array.shape == spec.shape else {
        throw PackagerError.invalidFile(
          "\(file) has shape \(array.shape), the model's \(spec.name) is \(spec)")
      }
      return array.values
    }
    return (try zip(inputFiles, inputs).map(sample), try zip(outputFiles, outputs).map(sample))
  }

  /// A new session of the same model file on the CPU (no fallback): what the build verified.
  func cpuSession() throws -> ModelSession {
    var cpuSettings = settings
    cpuSettings.provider = .cpu
    cpuSettings.cpuFallback = false
    return try ModelSession(model: model, inputs: inputs, outputs: outputs, settings: cpuSettings)
  }

  /// Frees the session and its tensors (after a running run ends); later runs throw.
  public func close() {
    lock.lock()
    defer { lock.unlock() }
    session = nil
    inputTensors = []
    outputTensors = []
    feeds = Feeds(inputs: [], outputs: [])
  }

  private static func worst(_ actual: [[Float]], _ expected: [[Float]]) throws -> Double {
    try zip(actual, expected).map { try scaledDiff(actual: $0, expected: $1) }.max() ?? 0
  }

  private static func open(_ model: URL, settings: SessionSettings, env: ORTEnv) throws -> (
    session: ORTSession, fallbackReason: String?
  ) {
    guard case .coreML(let coreML) = settings.provider else {
      return (try cpuSession(model, settings: settings, env: env), nil)
    }
    do {
      guard ORTIsCoreMLExecutionProviderAvailable() else {
        throw PackagerError.modelLoad("this ONNX Runtime has no CoreML execution provider")
      }
      var cacheFolder: URL?
      if coreML.modelCacheDirectory != nil {
        do {
          cacheFolder = coreML.cacheFolder(
            model: model.lastPathComponent, content: try Data(contentsOf: model))
          if let dir = cacheFolder {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
          }
        } catch {
          throw PackagerError.modelLoad(
            "cannot make the Core ML model cache for \(model.lastPathComponent): "
              + error.localizedDescription)
        }
      }
      let options = try sessionOptions(settings) { options in
        try onnxRuntime("add the CoreML execution provider") {
          try options.appendCoreMLExecutionProvider(
            withOptionsV2: coreML.providerOptions(cacheFolder: cacheFolder))
        }
      }
      let session = try onnxRuntime("open \(model.lastPathComponent) with CoreML") {
        try ORTSession(env: env, modelPath: model.path, sessionOptions: options)
      }
      return (session, nil)
    } catch {
      guard settings.cpuFallback else { throw error }
      return (try cpuSession(model, settings: settings, env: env), describe(error))
    }
  }

  private static func cpuSession(_ model: URL, settings: SessionSettings, env: ORTEnv) throws
    -> ORTSession
  {
    let options = try sessionOptions(settings) { _ in }
    return try onnxRuntime("open \(model.lastPathComponent)") {
      try ORTSession(env: env, modelPath: model.path, sessionOptions: options)
    }
  }

  /// Session options: threads, then `provider` (adds the execution provider), then the hook.
  private static func sessionOptions(
    _ settings: SessionSettings, provider: (ORTSessionOptions) throws -> Void
  ) throws -> ORTSessionOptions {
    let options = try onnxRuntime("create session options") { try ORTSessionOptions() }
    if settings.intraOpThreads > 0 {
      try onnxRuntime("set \(settings.intraOpThreads) threads") {
        try options.setIntraOpNumThreads(Int32(clamping: settings.intraOpThreads))
      }
    }
    try provider(options)
    if let hook = settings.configureSession {
      try onnxRuntime("configureSession") { try hook(options) }
    }
    return options
  }

  private static func checkNames(
    _ session: ORTSession, file: String, inputs: [TensorSpec], outputs: [TensorSpec]
  ) throws {
    let declaredInputs = try onnxRuntime("read the input names of \(file)") {
      try session.inputNames()
    }
    let declaredOutputs = try onnxRuntime("read the output names of \(file)") {
      try session.outputNames()
    }
    for (kind, expected, declared) in [
      ("inputs", inputs.map(\.name), declaredInputs),
      ("outputs", outputs.map(\.name), declaredOutputs),
    ] where Set(expected) != Set(declared) {
      throw PackagerError.modelMismatch(
        "\(file) has \(kind) \(declared.sorted()), the configuration expects \(expected.sorted())"
      )
    }
  }

  private static func mismatch(
    _ file: String, _ inputs: [TensorSpec], _ outputs: [TensorSpec], _ error: Error
  ) -> PackagerError {
    .modelMismatch(
      "\(file) does not run with the configured shapes (inputs \(inputs), outputs \(outputs)): "
        + describe(error))
  }

  /// One line for an error: a PackagerError's description, an NSError's message, domain
  /// and code.
  private static func describe(_ error: Error) -> String {
    if let error = error as? PackagerError {
      return error.description
    }
    return nsErrorLine(error)
  }
}
