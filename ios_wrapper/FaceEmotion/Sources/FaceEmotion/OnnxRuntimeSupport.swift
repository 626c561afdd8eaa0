// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// Runtime glue: what `ModelSession` (ModelSession.swift) needs of ONNX Runtime besides the
// session itself — each tensor's memory, made once and read or written in place by ONNX
// Runtime; its `NSError`s as `PackagerError`; the log line of a CPU fallback.

import Foundation
import OnnxRuntimeBindings

#if canImport(os)
  import os
#endif

/// One tensor's memory: an `NSMutableData` and the `ORTValue` made on it. ONNX Runtime's
/// `ORTValue(tensorData:elementType:shape:)` keeps a reference to the data and reads (input)
/// or writes (preallocated output) its bytes in place.
final class TensorMemory {
  let spec: TensorSpec
  let data: NSMutableData
  let value: ORTValue

  init(_ spec: TensorSpec) throws {
    guard spec.shape.allSatisfy({ $0 > 0 }), spec.count <= Int.max / 4,
      let data = NSMutableData(length: spec.count * 4)
    else {
      throw PackagerError.invalidConfig("no memory for tensor \(spec)")
    }
    self.spec = spec
    self.data = data
    value = try onnxRuntime("make tensor \(spec)") {
      try ORTValue(
        tensorData: data, elementType: .float, shape: spec.shape.map { NSNumber(value: $0) })
    }
  }

  func write(_ values: [Float]) {
    values.withUnsafeBytes { src in
      if let base = src.baseAddress {
        data.mutableBytes.copyMemory(from: base, byteCount: min(src.count, data.length))
      }
    }
  }

  func read() -> [Float] {
    [Float](unsafeUninitializedCapacity: spec.count) { out, count in
      UnsafeMutableRawBufferPointer(out).copyMemory(
        from: UnsafeRawBufferPointer(start: data.bytes, count: data.length))
      count = spec.count
    }
  }
}

/// The tensors by name: inputs read in place, outputs preallocated (ONNX Runtime writes into
/// them and checks their shapes).
struct Feeds {
  let inputs: [String: ORTValue]
  let outputs: [String: ORTValue]

  init(inputs: [TensorMemory], outputs: [TensorMemory]) {
    self.inputs = Dictionary(uniqueKeysWithValues: inputs.map { ($0.spec.name, $0.value) })
    self.outputs = Dictionary(uniqueKeysWithValues: outputs.map { ($0.spec.name, $0.value) })
  }

  func run(_ session: ORTSession) throws {
    try session.run(withInputs: inputs, outputs: outputs, runOptions: nil)
  }
}

/// `body`, with ONNX Runtime's `NSError` wrapped in `kind` ("what: message (domain code)"):
/// `PackagerError.modelLoad` while opening, `.inference` for a run; a `PackagerError` passes
/// as it is.
func onnxRuntime<T>(
  _ what: @autoclosure () -> String, as kind: (String) -> PackagerError = PackagerError.modelLoad,
  _ body: () throws -> T
) throws -> T {
  do {
    return try body()
  } catch let error as PackagerError {
    throw error
  } catch {
    throw kind("\(what()): \(nsErrorLine(error))")
  }
}

/// An error as an `NSError`'s message, domain and code: "message (domain code)".
func nsErrorLine(_ error: Error) -> String {
  let ns = error as NSError
  return "\(ns.localizedDescription) (\(ns.domain) \(ns.code))"
}

/// A CPU fallback is never silent: it goes to the unified log (os.Logger, subsystem
/// "FaceEmotion"), where Xcode's console and Console.app show it; standard error where there
/// is no unified log (not an Apple platform).
func logFallback(_ message: String) {
  #if canImport(os)
    Logger(subsystem: "FaceEmotion", category: "ModelSession").warning(
      "\(message, privacy: .public)")
  #else
    FileHandle.standardError.write(Data("FaceEmotion: \(message)\n".utf8))
  #endif
}
