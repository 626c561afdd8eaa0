// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

/** The detector's raw outputs for one input, in model order. */
class DetectorOutputs(val regressors: FloatArray, val classificators: FloatArray)

/**
 * detect → crop → classify for every face, independent of the inference runtime: the caller
 * passes functions that run the two models ([FaceEmotionPipeline] passes ONNX Runtime sessions).
 * Keeping the chain here keeps it in the pure core, which CI compiles and runs.
 */
class FaceEmotionSteps @JvmOverloads @Throws(InvalidConfigException::class) constructor(
    val detection: FaceDetectionWrapper = FaceDetectionWrapper(),
    val recognition: FaceEmotionRecognitionWrapper = FaceEmotionRecognitionWrapper(),
    /** Only the best maxFaces faces are classified and returned (> 0). */
    val maxFaces: Int = Int.MAX_VALUE,
) {
    init {
        requireConfig(maxFaces > 0) { "maxFaces $maxFaces < 1" }
    }

    /**
     * Every face of an ARGB image (row-major, width · height) with its emotion, best face first;
     * the image is checked as in [FaceDetectionWrapper.preprocess] (InvalidImageException).
     */
    @Throws(PackagerException::class)
    fun run(
        pixels: IntArray,
        width: Int,
        height: Int,
        runDetector: (DetectionInput) -> DetectorOutputs,
        runEmotion: (EmotionInput) -> FloatArray,
    ): List<FaceResult> {
        checkImage(pixels, width, height)
        return run(CameraFrame.argb(pixels, width, height), runDetector, runEmotion)
    }

    /**
     * Every face of a camera frame's upright image with its emotion, best face first (boxes and
     * keypoints in upright pixels), at most [maxFaces]. A face whose crop cannot be made (empty or
     * non-finite box) or whose model output is unusable (wrong length, NaN) gets emotion = null.
     */
    @Throws(PackagerException::class)
    fun run(
        frame: CameraFrame,
        runDetector: (DetectionInput) -> DetectorOutputs,
        runEmotion: (EmotionInput) -> FloatArray,
    ): List<FaceResult> {
        val input = detection.preprocess(frame)
        val outputs = runDetector(input)
        val all = detection.postprocess(outputs.regressors, outputs.classificators, input)
        val faces = if (all.size > maxFaces) all.subList(0, maxFaces) else all
        return faces.map { face -> FaceResult(face, classify(frame, face, runEmotion)) }
    }

    private fun classify(
        frame: CameraFrame,
        face: Face,
        runEmotion: (EmotionInput) -> FloatArray,
    ): EmotionResult? {
        val input = try {
            recognition.preprocess(frame, face)
        } catch (e: InvalidBoxException) {
            return null
        }
        val output = runEmotion(input)  // its exceptions pass through, as Swift's
        return try {
            recognition.postprocess(output)
        } catch (e: InvalidTensorException) {
            null
        }
    }
}
