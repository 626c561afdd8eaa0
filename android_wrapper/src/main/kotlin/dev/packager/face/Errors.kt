// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

/**
 * The one error type of the library's model-running API ([ModelSession], [FaceEmotionPipeline],
 * [Npy]): catch it to handle every failure, or `when` over its nine subclasses, the cases of
 * Swift's `PackagerError` under the same names (Errors.swift). A checked exception for Java
 * callers (the entry points declare it with `@Throws`); the ONNX Runtime or argument error behind
 * it is its [cause].
 *
 * The step-by-step wrappers (`FaceDetectionWrapper`, `FaceEmotionRecognitionWrapper`) throw
 * [InvalidBoxException] where they check a face box or a resampled rectangle, as Swift's throw
 * `.invalidBox` at the same place; for other bad arguments they keep Kotlin's convention,
 * IllegalArgumentException, which the pipeline turns into [InvalidImageException] (its arguments
 * are frames).
 */
sealed class PackagerException(message: String, cause: Throwable? = null) : Exception(message, cause)

/**
 * A frame, pixel array or image the library cannot use: zero size, wrong length, unknown format
 * (Swift `.invalidImage`).
 */
class InvalidImageException(message: String, cause: Throwable? = null) : PackagerException(message, cause)

/** A face box that is empty, not finite, or too large to resample (Swift `.invalidBox`). */
class InvalidBoxException(message: String, cause: Throwable? = null) : PackagerException(message, cause)

/**
 * A tensor of the wrong name, length or values: handed to [ModelSession.run], or a model's output
 * (Swift `.invalidTensor`).
 */
class InvalidTensorException(message: String, cause: Throwable? = null) : PackagerException(message, cause)

/**
 * A configuration the library cannot work with, e.g. fewer mean values than channels (Swift
 * `.invalidConfig`).
 */
class InvalidConfigException(message: String, cause: Throwable? = null) : PackagerException(message, cause)

/**
 * A self-check sample that is missing, not a float32 little-endian C-order .npy file, or not the
 * model's shape (Swift `.invalidFile`).
 */
class InvalidFileException(message: String, cause: Throwable? = null) : PackagerException(message, cause)

/**
 * A model (or an asset) that cannot be read, or a session that ONNX Runtime cannot open (Swift
 * `.modelLoad`).
 */
class ModelLoadException(message: String, cause: Throwable? = null) : PackagerException(message, cause)

/**
 * A model whose declared inputs or outputs (names, shapes, element type) differ from the expected
 * ones (Swift `.modelMismatch`).
 */
class ModelMismatchException(message: String, cause: Throwable? = null) : PackagerException(message, cause)

/** ONNX Runtime failed while running a model (Swift `.inference`). */
class InferenceException(message: String, cause: Throwable? = null) : PackagerException(message, cause)

/** A call on a session or pipeline after its close() (Swift `.closed`). */
class ClosedException(message: String, cause: Throwable? = null) : PackagerException(message, cause)
