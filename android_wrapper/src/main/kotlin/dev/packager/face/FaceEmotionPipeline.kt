// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

// Android-only runtime glue (ONNX Runtime for Android); every line of logic is in the core.

import ai.onnxruntime.OnnxTensor
import ai.onnxruntime.OrtSession
import android.content.Context
import java.nio.FloatBuffer
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock

/**
 * Options of [FaceEmotionPipeline] (the same names as the Swift package's).
 *
 * @property scoreThreshold faces scoring below it are dropped; null (default): the detector recipe's
 *   `minScore` (`Recipes.defaultDetector.minScore` for the shipped one).
 * @property iouThreshold weighted NMS merges boxes overlapping the best one by more; null: the recipe's.
 * @property maxFaces at most this many faces, the best first, are classified and returned.
 * @property session provider choice, CPU fallback, threads and the session-options hook for both models.
 * @property precision which shipped variant [FaceEmotionPipeline.fromAssets] opens (`<model>.ort`,
 *   `.fp16.ort`, `.int8.ort`); default [Recipes.defaultPrecision], the build's choice for Android
 *   (manifest.json `precision`: INT8 when NNAPI takes the int8 models whole).
 */
data class PipelineOptions @JvmOverloads @Throws(InvalidConfigException::class) constructor(
    val scoreThreshold: Double? = null,
    val iouThreshold: Double? = null,
    val maxFaces: Int = Int.MAX_VALUE,
    val session: SessionSettings = SessionSettings(),
    val precision: Precision = Recipes.defaultPrecision,
) {
    init {
        requireConfig(scoreThreshold == null || scoreThreshold in 0.0..1.0) {
            "scoreThreshold $scoreThreshold is not in 0..1"
        }
        requireConfig(iouThreshold == null || iouThreshold in 0.0..1.0) {
            "iouThreshold $iouThreshold is not in 0..1"
        }
        requireConfig(maxFaces > 0) { "maxFaces $maxFaces < 1" }
    }
}

/**
 * The bundle's two models on ONNX Runtime: detect → crop → classify every face.
 *
 * Threads: a pipeline may be shared; its calls are serialized (one frame at a time, as the
 * wrappers reuse their buffers). [close] waits for a running call; a call after close throws
 * [ClosedException]. Errors: every failure is a [PackagerException] (a bad frame:
 * [InvalidImageException]; ONNX Runtime: [InferenceException]).
 *
 * ```
 * FaceEmotionPipeline.fromAssets(context).use { pipeline ->
 *     val faces = pipeline.run(bitmap)   // ImageAdapters.kt
 * }
 * ```
 *
 * @param detectorAsset, emotionAsset the asset names the models came from: [selfCheck] reads their
 *   samples (`<stem>.sample_input.npy`, …) and the models again from the app's assets.
 */
class FaceEmotionPipeline @JvmOverloads @Throws(PackagerException::class) constructor(
    detectorModel: ByteArray,
    emotionModel: ByteArray,
    val options: PipelineOptions = PipelineOptions(),
    detectorConfig: DetectorRecipe = Recipes.defaultDetector,
    emotionConfig: EmotionRecipe = Recipes.defaultEmotion,
    private val detectorAsset: String = DETECTOR_MODEL_FILE,
    private val emotionAsset: String = EMOTION_MODEL_FILE,
) : AutoCloseable {
    val detection: FaceDetectionWrapper = FaceDetectionWrapper(
        detectorConfig.copy(
            minScore = options.scoreThreshold ?: detectorConfig.minScore,
            iouThreshold = options.iouThreshold ?: detectorConfig.iouThreshold,
        ),
    )
    val recognition: FaceEmotionRecognitionWrapper = FaceEmotionRecognitionWrapper(emotionConfig)
    private val steps = FaceEmotionSteps(detection, recognition, options.maxFaces)
    private val lock = ReentrantLock()
    private var closed = false
    /** The detector's session. */
    val detector: ModelSession =
        ModelSession.open(stem(detectorAsset), detectorModel, detection.inputs, detection.outputs, options.session)
    /** The emotion model's session. */
    val classifier: ModelSession = try {
        ModelSession.open(stem(emotionAsset), emotionModel, recognition.inputs, recognition.outputs, options.session)
    } catch (e: PackagerException) {
        detector.close()  // the first session must not leak when the second cannot open
        throw e
    }
    private val detectorFeed = HashMap<String, FloatBuffer>(2)
    private val emotionFeed = HashMap<String, FloatBuffer>(2)

    /** Model file stem → the provider [PipelineOptions.session] asked for ("NNAPI", "XNNPACK" or "CPU"). */
    val requestedProviders: Map<String, String> =
        linkedMapOf(
            detector.modelName to detector.requestedProvider,
            classifier.modelName to classifier.requestedProvider,
        )

    /**
     * Model file stem → the provider registered with the session that runs it, after any CPU
     * fallback ([ModelSession.providerInUse]).
     */
    val providersInUse: Map<String, String> =
        linkedMapOf(detector.modelName to detector.providerInUse, classifier.modelName to classifier.providerInUse)

    /** Model file stem → why its session runs on the CPU instead of the requested provider; empty when none does. */
    val fallbackReasons: Map<String, String> =
        listOf(detector, classifier).mapNotNull { s -> s.fallbackReason?.let { s.modelName to it } }.toMap()

    /** Every face of an ARGB image with its emotion, best face first (see [FaceEmotionSteps.run]). */
    @Throws(PackagerException::class)
    fun run(pixels: IntArray, width: Int, height: Int): List<FaceResult> =
        guarded { steps.run(pixels, width, height, ::detect, ::classify) }

    /** Every face of a camera frame with its emotion, in upright pixels (see [FaceEmotionSteps.run]). */
    @Throws(PackagerException::class)
    fun run(frame: CameraFrame): List<FaceResult> = guarded { steps.run(frame, ::detect, ::classify) }

    /**
     * Every face of the frame [make] gives (reading pixels into the [ArgbBuffer] it is given), under the lock.
     * [make] is an image adapter (ImageAdapters.kt, FrameAdapters.kt): an IllegalArgumentException from it
     * is Android's, a Bitmap or Image it cannot read, and becomes an [InvalidImageException]; anything
     * after it passes unchanged.
     */
    internal fun runFrame(make: (ArgbBuffer) -> CameraFrame): List<FaceResult> = guarded {
        val frame = try {
            make(detection.argbBuffer)
        } catch (e: IllegalArgumentException) {
            throw InvalidImageException(e.message ?: "the image cannot be read", e)
        }
        steps.run(frame, ::detect, ::classify)
    }

    /** Runs the detector on a preprocessed input. */
    @Throws(PackagerException::class)
    fun runDetector(input: DetectionInput): DetectorOutputs = guarded { detect(input) }

    /** Runs the emotion model on a preprocessed crop (the returned array is reused by the next call). */
    @Throws(PackagerException::class)
    fun runEmotion(input: EmotionInput): FloatArray = guarded { classify(input) }

    /**
     * The on-device self-check, in one call: for each model, its bundled sample input (the app's
     * assets, `packager build --self-check`) run on a new CPU session of the same model file and
     * compared with that file's own bundled expected outputs (the CPU is what the build verified;
     * NNAPI and XNNPACK may compute in fp16). An fp32 model must match within [SELF_CHECK_TOLERANCE];
     * an fp16 or int8 variant (its kernels round unlike the build's CPU) the emotion model within
     * [VARIANT_SELF_CHECK_TOLERANCE], the detector by its decoded faces ([facesShift] within
     * [VARIANT_SELF_CHECK_MAX_CORNER_SHIFT]). The pipeline's own session is run on the same sample
     * too, and its difference reported (not judged) when it is not the CPU.
     * [InvalidFileException] when the samples are not in the assets.
     */
    @Throws(PackagerException::class)
    fun selfCheck(context: Context): List<SelfCheckResult> = guarded {
        listOf(detector to detectorAsset, classifier to emotionAsset).map { (session, asset) ->
            // The samples sit beside the model in the assets (`packager build --self-check`).
            val folder = asset.substringBeforeLast('/', "").let { if (it.isEmpty()) it else "$it/" }
            val inputFiles = listOf(folder + SelfCheckSamples.inputFile(session.modelName))
            val outputFiles = session.outputs.map { folder + SelfCheckSamples.outputFile(session.modelName, it.name) }
            val read = { file: String -> context.assets.open(file).use { it.readBytes() } }
            val model = ModelSession.modelAsset(context, asset)
            when {
                Precision.of(session.modelName) == Precision.FP32 ->
                    session.selfCheck(model, inputFiles, outputFiles, read, SELF_CHECK_TOLERANCE)
                session === detector -> detectorVariantCheck(model, session.readSamples(inputFiles, outputFiles, read))
                else -> session.selfCheck(model, inputFiles, outputFiles, read, VARIANT_SELF_CHECK_TOLERANCE)
            }
        }
    }

    /** A detector variant's self-check: the CPU session's and the expected outputs decoded and compared as faces. */
    private fun detectorVariantCheck(
        model: ByteArray, samples: Pair<Map<String, FloatBuffer>, Map<String, FloatArray>>,
    ): SelfCheckResult {
        val (feed, expected) = samples
        val c = detection.config
        val square = Letterbox(0.0, 0.0, 1.0, 1.0, 1, 1)  // faces in the model's own 0..1 coordinates
        fun faces(out: Map<String, FloatArray>): List<Box> =
            detection.postprocess(out.getValue(c.regressorsName), out.getValue(c.classificatorsName), square, false)
                .map { it.box }
        val want = faces(expected)
        val cpu = detector.cpuSession(model)
        val diff = cpu.use { facesShift(want, faces(it.run(feed))) }
        val accelerated = if (detector.providerInUse == Provider.Cpu.name) null
        else facesShift(want, faces(detector.run(feed)))
        return SelfCheckResult(
            detector.modelName, cpu.providerInUse, diff, VARIANT_SELF_CHECK_MAX_CORNER_SHIFT,
            detector.providerInUse.takeIf { accelerated != null }, accelerated,
        )
    }

    /** Frees both sessions; waits for a running call. Closing twice does nothing. */
    override fun close() = lock.withLock {
        if (closed) return@withLock
        closed = true
        try {
            detector.close()
        } finally {
            classifier.close()
        }
    }

    private fun detect(input: DetectionInput): DetectorOutputs {
        val config = detection.config
        detectorFeed[config.inputName] = input.tensor
        val out = detector.run(detectorFeed)
        return DetectorOutputs(out.getValue(config.regressorsName), out.getValue(config.classificatorsName))
    }

    private fun classify(input: EmotionInput): FloatArray {
        emotionFeed[recognition.config.inputName] = input.tensor
        return classifier.run(emotionFeed).getValue(recognition.config.outputName)
    }

    /**
     * [block] under the pipeline's lock; [ClosedException] after [close]. The core and the sessions
     * throw PackagerExceptions themselves (Errors.kt), which FaceEmotionSteps passes through; Android's
     * IllegalArgumentException of an unreadable Bitmap or Image is translated where the adapter is
     * called ([runFrame]), so that any other exception (a bug) is not reported as a bad image.
     * [Letterbox.fit]'s cannot happen here: every frame is at least 1 × 1 (CameraFrame) and every
     * recipe's input size positive (DetectorRecipe).
     */
    private inline fun <T> guarded(block: () -> T): T = lock.withLock {
        if (closed) throw ClosedException("the pipeline is closed")
        block()
    }

    companion object {
        /** Model files of the bundle (`packager build`: the module's `src/main/assets`). */
        const val DETECTOR_MODEL_FILE: String = "face_detection.ort"
        const val EMOTION_MODEL_FILE: String = "face_emotion_recognition.ort"

        /** The models' file stems in the bundle (`<stem>.ort`, `<stem>.fp16.ort`, `<stem>.int8.ort`). */
        const val DETECTOR_MODEL: String = "face_detection"
        const val EMOTION_MODEL: String = "face_emotion_recognition"

        /**
         * The pipeline on models in the app's assets, by default the files of [PipelineOptions.precision]
         * ([Precision.modelFile]: `face_detection.int8.ort` for INT8).
         * [ModelLoadException] when an asset cannot be read (a precision the bundle does not ship:
         * manifest.json `precision.shipped`) or ONNX Runtime cannot open it.
         */
        @JvmStatic
        @JvmOverloads
        @Throws(PackagerException::class)
        fun fromAssets(
            context: Context,
            options: PipelineOptions = PipelineOptions(),
            detectorAsset: String = options.precision.modelFile(DETECTOR_MODEL),
            emotionAsset: String = options.precision.modelFile(EMOTION_MODEL),
        ): FaceEmotionPipeline = FaceEmotionPipeline(
            ModelSession.modelAsset(context, detectorAsset), ModelSession.modelAsset(context, emotionAsset), options,
            detectorAsset = detectorAsset, emotionAsset = emotionAsset,
        )

        private fun stem(asset: String): String = asset.substringAfterLast('/').removeSuffix(".ort")
    }
}

/** Output [name] of a result as floats (a copy); [InferenceException] when the model has no such float output. */
@Throws(PackagerException::class)
fun OrtSession.Result.floats(name: String): FloatArray {
    val value = get(name).orElse(null) as? OnnxTensor
        ?: throw InferenceException("the model has no tensor output '$name'")
    val buffer = value.floatBuffer ?: throw InferenceException("output '$name' is not float32")
    return FloatArray(buffer.remaining()).also { buffer.get(it) }
}

/** Decodes a detector result: `val faces = faceDetection.postprocess(result, input)`. */
@Throws(PackagerException::class)
fun FaceDetectionWrapper.postprocess(result: OrtSession.Result, input: DetectionInput): List<Face> =
    postprocess(result.floats(config.regressorsName), result.floats(config.classificatorsName), input)

/** Decodes an emotion result: `val emotion = faceEmotionRecognition.postprocess(result)`. */
@Throws(PackagerException::class)
fun FaceEmotionRecognitionWrapper.postprocess(result: OrtSession.Result): EmotionResult =
    postprocess(result.floats(config.outputName))
