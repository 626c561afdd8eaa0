// Runtime library of packager (hand-written, not generated), the same for every recipe.

/// A model input or output as the wrapper expects it: its name and float32 shape.
/// `ModelSession` checks a model's declared inputs and outputs against these when it opens.
public struct TensorSpec: Sendable, Equatable, CustomStringConvertible {
  /// Tensor name in the model.
  public var name: String
  /// Dimensions, e.g. [1, 128, 128, 3].
  public var shape: [Int]

  /// A tensor from its name and shape.
  public init(name: String, shape: [Int]) {
    self.name = name
    self.shape = shape
  }

  /// Number of values: the product of the dimensions (1 for a scalar).
  public var count: Int { shape.reduce(1, *) }

  /// `name [d0, d1, …]`.
  public var description: String {
    "\(name) [\(shape.map(String.init).joined(separator: ", "))]"
  }
}
