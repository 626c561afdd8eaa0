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

  /// The provider options as ONNX Runtime's CoreML execution provider reads them.
  public var providerOptions: [String: String] {
    var options = [
      "MLComputeUnits": computeUnits.rawValue,
      "ModelFormat": modelFormat.rawValue,
      "RequireStaticInputShapes": staticInputShapes ? "1" : "0",
    ]
    if let dir = modelCacheDirectory {
      options["ModelCacheDirectory"] = dir.path
    }
    return options
  }
}
