// Runtime library of packager (hand-written, not generated), the same for every recipe.

/// How far a model output is from the expected one, in the expected output's own scale:
/// max |actual − expected| / max(1, max |expected|) (packager.difference.scaled_diff). A NaN or
/// infinity on either side makes it infinite; empty outputs give 0. Throws
/// `PackagerError.invalidTensor` when the lengths differ.
public func scaledDiff(actual: [Float], expected: [Float]) throws -> Double {
  guard actual.count == expected.count else {
    throw PackagerError.invalidTensor(
      "\(actual.count) values compared with \(expected.count) expected")
  }
  var worst = 0.0
  var scale = 1.0
  for (a, e) in zip(actual, expected) {
    let x = Double(a)
    let y = Double(e)
    guard x.isFinite, y.isFinite else { return .infinity }
    worst = max(worst, abs(x - y))
    scale = max(scale, abs(y))
  }
  return worst / scale
}

/// The on-device self-check of one model (`FaceEmotionPipeline.selfCheck()`): the model run on
/// its bundled sample input by a CPU session, compared with the outputs `packager build`
/// computed (worst output's `scaledDiff`), within `tolerance` (`Recipes.selfCheckTolerance`).
/// The accelerator session's difference is reported beside it and not judged: CoreML computes
/// in float16.
public struct SelfCheckResult: Sendable, Equatable {
  /// Model file stem, e.g. "face_detection".
  public var model: String
  /// The provider of the judged run ("CPU").
  public var provider: String
  /// Worst `scaledDiff` over the model's outputs.
  public var scaledDiff: Double
  /// The limit `scaledDiff` is judged against.
  public var tolerance: Double
  /// The provider of the pipeline's own session, when it is not the CPU.
  public var acceleratorProvider: String?
  /// That session's worst `scaledDiff` on the same sample (not judged).
  public var acceleratorScaledDiff: Double?

  /// A result from its parts.
  public init(
    model: String, provider: String, scaledDiff: Double, tolerance: Double,
    acceleratorProvider: String? = nil, acceleratorScaledDiff: Double? = nil
  ) {
    self.model = model
    self.provider = provider
    self.scaledDiff = scaledDiff
    self.tolerance = tolerance
    self.acceleratorProvider = acceleratorProvider
    self.acceleratorScaledDiff = acceleratorScaledDiff
  }

  /// scaledDiff ≤ tolerance (false for NaN).
  public var passed: Bool { scaledDiff <= tolerance }
}

/// The names `packager build --self-check` gives a model's samples, next to the model file:
/// `<model>.sample_input.npy` and `<model>.sample_output.<output, file-safe>.npy`. A variant's
/// stem ("face_detection.int8") names its own expected outputs and shares its model's input.
public enum SelfCheckSamples {
  /// The sample input's file name (a variant's is its model's: `Precision.baseStem`).
  public static func inputFile(model: String) -> String {
    "\(Precision.baseStem(model)).sample_input.npy"
  }

  /// The expected output's file name; in the output name every character outside
  /// [A-Za-z0-9_.-] becomes "_".
  public static func outputFile(model: String, output: String) -> String {
    let safe = String(
      output.unicodeScalars.map { c -> Character in
        let ok =
          ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
          || "_.-".unicodeScalars.contains(c)
        return ok ? Character(c) : "_"
      })
    return "\(model).sample_output.\(safe).npy"
  }
}

/// A model's precision variant (packager.export.precision.VARIANTS). A bundle ships the variants
/// its accelerator takes whole (manifest.json `precision`; `Recipes.defaultPrecision` is its
/// default): the files are `<model>.ort` (fp32), `<model>.fp16.ort` and `<model>.int8.ort`.
public enum Precision: String, Sendable, CaseIterable {
  /// The converted model as verified against its source.
  case fp32
  /// Weights and computation in half precision, float32 inputs and outputs.
  case fp16
  /// QDQ int8 (uint8 activations, int8 weights), float32 inputs and outputs.
  case int8

  /// What the variant adds to a model's file stem ("" for fp32).
  public var suffix: String { self == .fp32 ? "" : ".\(rawValue)" }

  /// The file of `model` (a stem: "face_detection") in this precision: "face_detection.int8.ort".
  public func modelFile(_ model: String) -> String { "\(model)\(suffix).ort" }

  /// The precision of a model file stem ("face_detection.int8" → .int8; no suffix: .fp32).
  public static func of(stem: String) -> Precision {
    allCases.last { $0 != .fp32 && stem.hasSuffix($0.suffix) } ?? .fp32
  }

  /// A model file stem without its precision suffix ("face_detection.int8" → "face_detection").
  public static func baseStem(_ stem: String) -> String {
    let suffix = of(stem: stem).suffix
    return suffix.isEmpty ? stem : String(stem.dropLast(suffix.count))
  }
}
