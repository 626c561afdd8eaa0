// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

/**
 * The one error type of the library: catch it to handle every failure, or `when` over its nine
 * subclasses, the cases of Swift's `PackagerError` under the same names (Errors.swift). Every public
 * entry point (the pipeline, [ModelSession], [Npy], [scaledDiff], the step-by-step wrappers,
 * [CameraFrame], [FaceTracker], the recipes) throws for bad input the subclass Swift throws at the
 * same place: a bad frame or pixel array [InvalidImageException], a bad face box
 * [InvalidBoxException], a model output of the wrong length or with NaN [InvalidTensorException], a
 * recipe or option out of range [InvalidConfigException] (Kotlin checks recipes and options when
 * they are made, Swift when they are used); tests/edge_cases.py holds both languages to one table.
 * A checked exception for Java callers (the entry points declare it with `@Throws`); the ONNX
 * Runtime or I/O error behind it is its [cause].
 *
 * A [FaceEmotionSteps.maxFaces] or [PipelineOptions.maxFaces] below 1 and a negative
 * [SessionSettings.intraOpThreads] are [InvalidConfigException] in both languages, with the same
 * words ("maxFaces 0 < 1", "intraOpThreads -1 < 0"): here when they are made, in Swift (whose
 * structs' fields are `var`) when the steps run or a session opens.
 *
 * What stays IllegalArgumentException, and why: only [Letterbox.fit] with a size below 1, a geometry
 * helper every entry point calls on an image it has checked (Swift's returns non-finite numbers
 * instead). Where only Kotlin refuses, it refuses with the subclass of the same family: the recipe
 * checks Swift does not make (a detector's scale, input shape and keypoint names; an emotion
 * model's input rank and labels) are [InvalidConfigException]. The lambdas passed to
 * [FaceEmotionSteps] may throw what they like; their exceptions pass through unchanged.
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

/** `require` for a frame or pixel array: [InvalidImageException] with [message] unless [ok]. */
internal inline fun requireImage(ok: Boolean, message: () -> String) {
    if (!ok) throw InvalidImageException(message())
}

/** `require` for a recipe or option: [InvalidConfigException] with [message] unless [ok]. */
internal inline fun requireConfig(ok: Boolean, message: () -> String) {
    if (!ok) throw InvalidConfigException(message())
}

/** `require` for a model output: [InvalidTensorException] with [message] unless [ok]. */
internal inline fun requireTensor(ok: Boolean, message: () -> String) {
    if (!ok) throw InvalidTensorException(message())
}
