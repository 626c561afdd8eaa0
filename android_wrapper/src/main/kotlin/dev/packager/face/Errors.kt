// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

/**
 * The one error type of the library's model-running API ([ModelSession], [FaceEmotionPipeline],
 * [Npy]): catch it to handle every failure. A checked exception for Java callers (the entry points
 * declare it with `@Throws`); the ONNX Runtime or argument error behind it is its [cause].
 *
 * The step-by-step wrappers (`FaceDetectionWrapper`, `FaceEmotionRecognitionWrapper`) are plain
 * functions of their arguments and keep Kotlin's convention: IllegalArgumentException for a bad
 * argument. The pipeline turns those into [InvalidInputException].
 */
open class FaceEmotionException(message: String, cause: Throwable? = null) : Exception(message, cause)

/** A frame, pixel array, tensor or face box the library cannot use (the message says why). */
class InvalidInputException(message: String, cause: Throwable? = null) : FaceEmotionException(message, cause)

/** A model (or an asset) that cannot be read, or a session that ONNX Runtime cannot open. */
class ModelLoadException(message: String, cause: Throwable? = null) : FaceEmotionException(message, cause)

/** A model whose declared inputs or outputs (names, shapes, element type) differ from the expected ones. */
class ModelMismatchException(message: String) : FaceEmotionException(message)

/** ONNX Runtime failed while running a model. */
class InferenceException(message: String, cause: Throwable? = null) : FaceEmotionException(message, cause)

/** A call on a session or pipeline after its close(). */
class ClosedException(message: String) : FaceEmotionException(message)

/** A self-check sample that is missing or is not a float32 little-endian C-order .npy file. */
class SampleFormatException(message: String, cause: Throwable? = null) : FaceEmotionException(message, cause)
