// Runtime library of packager (hand-written, not generated), the same for every recipe.

import Foundation

/// The execution provider a `ModelSession` asks ONNX Runtime for.
public enum Provider: Sendable, Equatable {
  /// Core ML (ONNX Runtime's CoreML execution provider); nodes it cannot take run on the CPU.
  case coreML(CoreMLOptions)
  /// ONNX Runtime's CPU kernels only (float32 throughout).
  case cpu

  /// The name `ModelSession.providerInUse` reports: "CoreML" or "CPU".
  public var name: String {
    switch self {
    case .coreML: return "CoreML"
    case .cpu: return "CPU"
    }
  }
}

/// Options of ONNX Runtime's CoreML execution provider (its provider options
/// `MLComputeUnits`, `ModelFormat`, `RequireStaticInputShapes`, `ModelCacheDirectory`, passed
/// through `appendCoreMLExecutionProvider(withOptionsV2:)`).
public struct CoreMLOptions: Sendable, Equatable {
  /// The hardware Core ML may use (`MLComputeUnits`).
  public enum ComputeUnits: String, Sendable, Equatable {
    /// CPU, GPU and Neural Engine.
    case all = "ALL"
    /// CPU and Neural Engine.
    case cpuAndNeuralEngine = "CPUAndNeuralEngine"
    /// CPU and GPU.
    case cpuAndGPU = "CPUAndGPU"
    /// CPU only (float32; for debugging the provider).
    case cpuOnly = "CPUOnly"
  }

  /// The model format the ONNX graph is compiled to (`ModelFormat`).
  public enum ModelFormat: String, Sendable, Equatable {
    /// MLProgram (Core ML 5+, iOS 15+): the newer format; takes every node of the bundle's
    /// BlazeFace in one partition.
    case mlProgram = "MLProgram"
    /// NeuralNetwork (Core ML 3+).
    case neuralNetwork = "NeuralNetwork"
  }

  /// Compute units; default `.all`.
  public var computeUnits: ComputeUnits
  /// Model format; default `.mlProgram`.
  public var modelFormat: ModelFormat
  /// Where Core ML keeps the compiled model between launches (`ModelCacheDirectory`; created
  /// when missing). Without one, an MLProgram is compiled again at every session creation.
  /// nil: no cache.
  public var modelCacheDirectory: URL?
  /// Let Core ML take only nodes whose inputs have static shapes (`RequireStaticInputShapes`);
  /// the bundle's models have static shapes.
  public var staticInputShapes: Bool

  /// Options; by default all compute units, MLProgram, static input shapes and the model cache
  /// in `defaultModelCacheDirectory`.
  public init(
    computeUnits: ComputeUnits = .all, modelFormat: ModelFormat = .mlProgram,
    modelCacheDirectory: URL? = CoreMLOptions.defaultModelCacheDirectory,
    staticInputShapes: Bool = true
  ) {
    self.computeUnits = computeUnits
    self.modelFormat = modelFormat
    self.modelCacheDirectory = modelCacheDirectory
    self.staticInputShapes = staticInputShapes
  }

  /// `<app's Caches directory>/FaceEmotion/CoreML`: kept across launches, purged by the system
  /// only under storage pressure (then Core ML compiles again).
  public static var defaultModelCacheDirectory: URL? {
    FileManager.default.urls(for: .cachesDirectory, in: .userDomainMask).first?
      .appendingPathComponent("FaceEmotion", isDirectory: true)
      .appendingPathComponent("CoreML", isDirectory: true)
  }

  /// The folder a model's compiled form is cached in: `<modelCacheDirectory>/<file name up to
  /// its first dot>-<contentKey of its bytes>` (nil without a cache directory). ONNX Runtime
  /// finds a cached compilation by the model's path and never checks it against the model, so
  /// a model updated in place would run its stale compilation: one folder per content makes
  /// an updated model compile afresh.
  public func cacheFolder(model name: String, content: Data) -> URL? {
    let stem = name.split(separator: ".").first.map(String.init) ?? name
    return modelCacheDirectory?.appendingPathComponent(
      "\(stem)-\(Self.contentKey(content))", isDirectory: true)
  }

  /// A short, stable name for a model's content: FNV-1a 64 of its bytes, 16 hex digits.
  public static func contentKey(_ data: Data) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    data.withUnsafeBytes { bytes in
      for byte in bytes {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
      }
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  /// The provider options as ONNX Runtime's CoreML execution provider reads them, for a model
  /// whose compiled form is cached in `cacheFolder` (nil: no cache; see `cacheFolder(model:content:)`).
  public func providerOptions(cacheFolder: URL?) -> [String: String] {
    var options = [
      "MLComputeUnits": computeUnits.rawValue,
      "ModelFormat": modelFormat.rawValue,
      "RequireStaticInputShapes": staticInputShapes ? "1" : "0",
    ]
    if let cacheFolder {
      options["ModelCacheDirectory"] = cacheFolder.path
    }
    return options
  }
}
