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
/// `<model>.sample_input.npy` and `<model>.sample_output.<output, file-safe>.npy`.
public enum SelfCheckSamples {
  /// The sample input's file name.
  public static func inputFile(model: String) -> String { "\(model).sample_input.npy" }

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
