// A behavioural fake of ONNX Runtime's Objective-C API (the Swift signatures of
// fixtures/onnxruntime_objc.swift, plus ORTSessionOptions.addConfigEntry(withKey:value:), a real
// method the checks' hook calls), compiled as module OnnxRuntimeBindings so that
// test_swift_glue.py can RUN the runtime glue on Linux: models are registered by path with their
// declared input/output names and shapes and a function; a run checks the shapes of inputs and
// preallocated outputs as ONNX Runtime does and writes the outputs into their memory. What the
// glue asked for (providers, provider options, threads, output memory) is recorded. Test-only.
// The enums and ORTEnv / ORTRunOptions are the stand-in's own (fixtures/onnxruntime_shared.swift,
// compiled with this file).

import Foundation

public struct FakeModel {
  public var inputs: [String: [Int]]
  public var outputs: [String: [Int]]
  /// CPU result; the "CoreML" result adds `coreMLError` to every value (float16 stands in).
  public var compute: @Sendable ([String: [Float]]) -> [String: [Float]]
  public init(
    inputs: [String: [Int]], outputs: [String: [Int]],
    compute: @escaping @Sendable ([String: [Float]]) -> [String: [Float]]
  ) {
    self.inputs = inputs
    self.outputs = outputs
    self.compute = compute
  }
}

public enum Fake {
  nonisolated(unsafe) public static var models: [String: FakeModel] = [:]
  nonisolated(unsafe) public static var coreMLAvailable = true
  nonisolated(unsafe) public static var coreMLOpenFails = false
  nonisolated(unsafe) public static var coreMLRunFails = false
  nonisolated(unsafe) public static var coreMLError: Float = 0
  nonisolated(unsafe) public static var coreMLOptions: [[String: String]] = []
  nonisolated(unsafe) public static var threads: [Int32] = []
  nonisolated(unsafe) public static var outputMemory: [ObjectIdentifier] = []
  nonisolated(unsafe) public static var runs = 0
  nonisolated(unsafe) public static var liveSessions = 0
  static let lock = NSLock()

  static func error(_ message: String, code: Int = 2) -> NSError {
    NSError(domain: "onnxruntime", code: code, userInfo: [NSLocalizedDescriptionKey: message])
  }
}

public class ORTSessionOptions {
  var coreML: [String: String]?
  public var optimizationLevel: ORTGraphOptimizationLevel?
  public init() throws {}
  public func setIntraOpNumThreads(_ intraOpNumThreads: Int32) throws {
    Fake.threads.append(intraOpNumThreads)
  }
  public func setGraphOptimizationLevel(_ graphOptimizationLevel: ORTGraphOptimizationLevel)
    throws
  { optimizationLevel = graphOptimizationLevel }
  public func addConfigEntry(withKey key: String, value: String) throws {
    throw Fake.error("unknown config key \(key)")
  }
  public func appendCoreMLExecutionProvider(withOptionsV2 provider_options: [AnyHashable: Any])
    throws
  {
    var options: [String: String] = [:]
    for (k, v) in provider_options {
      guard let k = k as? String, let v = v as? String else { throw Fake.error("not strings") }
      options[k] = v
    }
    coreML = options
    Fake.coreMLOptions.append(options)
  }
}

public func ORTIsCoreMLExecutionProviderAvailable() -> Bool { Fake.coreMLAvailable }

public class ORTValue {
  let data: NSMutableData
  let shape: [Int]
  public init(
    tensorData: NSMutableData, elementType: ORTTensorElementDataType, shape: [NSNumber]
  ) throws {
    guard elementType == .float else { throw Fake.error("only float") }
    self.data = tensorData
    self.shape = shape.map(\.intValue)
    guard data.length == self.shape.reduce(1, *) * 4 else { throw Fake.error("data/shape") }
  }
  func floats() -> [Float] {
    [Float](unsafeUninitializedCapacity: data.length / 4) { out, n in
      UnsafeMutableRawBufferPointer(out).copyMemory(
        from: UnsafeRawBufferPointer(start: data.bytes, count: data.length))
      n = data.length / 4
    }
  }
}

public class ORTSession {
  let model: FakeModel
  let coreML: Bool

  public init(env: ORTEnv, modelPath path: String, sessionOptions: ORTSessionOptions?) throws {
    guard let model = Fake.models[path] else { throw Fake.error("Load model \(path) failed") }
    coreML = sessionOptions?.coreML != nil
    if coreML && Fake.coreMLOpenFails { throw Fake.error("CoreML cannot compile the model", code: 6) }
    self.model = model
    Fake.lock.lock()
    Fake.liveSessions += 1
    Fake.lock.unlock()
  }

  deinit {
    Fake.lock.lock()
    Fake.liveSessions -= 1
    Fake.lock.unlock()
  }

  public func run(
    withInputs inputs: [String: ORTValue], outputs: [String: ORTValue], runOptions: ORTRunOptions?
  ) throws {
    if coreML && Fake.coreMLRunFails { throw Fake.error("CoreML prediction failed", code: 1) }
    for (name, shape) in model.inputs where inputs[name]?.shape != shape {
      throw Fake.error("Got invalid dimensions for input: \(name)")
    }
    for (name, shape) in model.outputs where outputs[name]?.shape != shape {
      throw Fake.error("Got invalid dimensions for output: \(name)")
    }
    let result = model.compute(inputs.mapValues { $0.floats() })
    Fake.lock.lock()
    Fake.runs += 1
    Fake.outputMemory += outputs.values.map { ObjectIdentifier($0.data) }
    Fake.lock.unlock()
    for (name, value) in outputs {
      let values = (result[name] ?? []).map { coreML ? $0 + Fake.coreMLError : $0 }
      values.withUnsafeBytes { src in
        if let base = src.baseAddress {
          value.data.mutableBytes.copyMemory(from: base, byteCount: min(src.count, value.data.length))
        }
      }
    }
  }
  public func inputNames() throws -> [String] { model.inputs.keys.sorted() }
  public func outputNames() throws -> [String] { model.outputs.keys.sorted() }
}
