// Runtime library of packager (hand-written, not generated), the same for every recipe.

/// The one error type of the package: nine cases, the subclasses of Kotlin's sealed
/// `PackagerException` under the same names (`.invalidImage` ↔ `InvalidImageException`, …;
/// Errors.kt). The core never traps on bad input: it throws one of these or returns an empty
/// result; the runtime glue wraps ONNX Runtime's `NSError`s in `.modelLoad` (opening) or
/// `.inference` (running). For the same bad input Kotlin throws the subclass of the same name
/// at the same place (tests/edge_cases.py holds both to one table); Kotlin checks recipes and
/// options when they are made (`.invalidConfig` there), Swift when they are used.
///
/// A `FaceEmotionSteps.maxFaces` or `PipelineOptions.maxFaces` below 1 and a negative
/// `SessionSettings.intraOpThreads` are `.invalidConfig` in both, with Kotlin's wording ("maxFaces
/// 0 < 1", "intraOpThreads -1 < 0"): Kotlin's constructors refuse them, Swift's structs (whose
/// fields are `var`) when the steps run or a session opens.
///
/// Where the two differ: Kotlin's `Letterbox.fit` refuses a size below 1 with
/// IllegalArgumentException (a geometry helper every entry point calls on a checked image; this
/// one returns non-finite numbers), and Kotlin refuses with `InvalidConfigException` recipe checks
/// Swift does not make: a detector recipe whose scale, input shape or keypoint names do not hold
/// together, an emotion recipe without labels or of another rank.
public enum PackagerError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Zero or negative size, a pixel array of the wrong length, an unknown pixel format, or an
  /// image too large to index.
  case invalidImage(String)
  /// A face box that is empty, not finite, or too large to resample.
  case invalidBox(String)
  /// A tensor of the wrong name, length or values: handed to `ModelSession.run`, or a model's
  /// output (of the wrong length, or, emotion, containing NaN or infinity).
  case invalidTensor(String)
  /// A configuration the core cannot work with (e.g. fewer mean values than channels).
  case invalidConfig(String)
  /// A self-check sample that is missing, no float32 little-endian C-order .npy, or not the
  /// model's shape.
  case invalidFile(String)
  /// A model file that is not there or cannot be read, or a session ONNX Runtime cannot open:
  /// what was being done, then ONNX Runtime's error (message, domain and code).
  case modelLoad(String)
  /// A model whose inputs or outputs are not the ones the configuration declares (names,
  /// shapes).
  case modelMismatch(String)
  /// ONNX Runtime failed while running a model: what was run, then its error.
  case inference(String)
  /// A call on a session or pipeline after its `close()`.
  case closed(String)

  public var description: String {
    switch self {
    case .invalidImage(let m): return "invalid image: \(m)"
    case .invalidBox(let m): return "invalid face box: \(m)"
    case .invalidTensor(let m): return "invalid tensor: \(m)"
    case .invalidConfig(let m): return "invalid configuration: \(m)"
    case .invalidFile(let m): return "invalid file: \(m)"
    case .modelLoad(let m): return "cannot load the model: \(m)"
    case .modelMismatch(let m): return "model mismatch: \(m)"
    case .inference(let m): return "inference failed: \(m)"
    case .closed(let m): return "closed: \(m)"
    }
  }
}
