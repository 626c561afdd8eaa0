// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

// Android-only runtime glue (ONNX Runtime for Android); every line of logic is in the core.

import ai.onnxruntime.OnnxTensor
import ai.onnxruntime.OrtEnvironment
import ai.onnxruntime.OrtException
import ai.onnxruntime.OrtSession
import ai.onnxruntime.providers.NNAPIFlags
import android.content.Context
import java.nio.FloatBuffer
import java.util.EnumSet

/**
 * ONNX Runtime session options of the pipeline.
 *
 * @property useNnapi add the NNAPI execution provider; nodes it cannot take run on the CPU.
 * @property nnapiFlags NNAPI flags, e.g. USE_FP16 or CPU_DISABLED.
 * @property cpuFallback when a session with NNAPI cannot be created, create a CPU-only one.
 * @property intraOpThreads CPU threads per session; 0 lets ONNX Runtime choose.
 */
data class PipelineOptions(
    val useNnapi: Boolean = true,
    val nnapiFlags: EnumSet<NNAPIFlags> = EnumSet.noneOf(NNAPIFlags::class.java),
    val cpuFallback: Boolean = true,
    val intraOpThreads: Int = 0,
)

/**
 * The bundle's two models on ONNX Runtime: detect → crop → classify every face.
 *
 * Not thread-safe (the wrappers reuse their buffers from frame to frame): one pipeline per thread.
 *
 * ```
 * FaceEmotionPipeline.fromAssets(context).use { pipeline ->
 *     val faces = pipeline.run(bitmap)   // BitmapExtensions.kt
 * }
 * ```
 */
class FaceEmotionPipeline(
    detectorModel: ByteArray,
    emotionModel: ByteArray,
    val options: PipelineOptions = PipelineOptions(),
    val detection: FaceDetectionWrapper = FaceDetectionWrapper(),
    val recognition: FaceEmotionRecognitionWrapper = FaceEmotionRecognitionWrapper(),
) : AutoCloseable {
    private val env: OrtEnvironment = OrtEnvironment.getEnvironment()
    private val detector: OrtSession = createSession(detectorModel)
    private val classifier: OrtSession = createSession(emotionModel)
    private val steps = FaceEmotionSteps(detection, recognition)

    /** Every face of an ARGB image with its emotion, best face first (see [FaceEmotionSteps.run]). */
    fun run(pixels: IntArray, width: Int, height: Int): List<FaceEmotion> =
        steps.run(pixels, width, height, ::runDetector, ::runEmotion)

    /** Every face of a camera frame with its emotion, in upright pixels (see [FaceEmotionSteps.run]). */
    fun run(frame: CameraFrame): List<FaceEmotion> = steps.run(frame, ::runDetector, ::runEmotion)

    /** Runs the detector on a preprocessed input. */
    fun runDetector(input: DetectionInput): DetectorOutputs {
        val config = detection.config
        return tensor(input.tensor, input.shape).use { x ->
            detector.run(mapOf(config.inputName to x)).use { result ->
                DetectorOutputs(result.floats(config.regressorsName), result.floats(config.classificatorsName))
            }
        }
    }

    /** Runs the emotion model on a preprocessed crop. */
    fun runEmotion(input: EmotionInput): FloatArray {
        val config = recognition.config
        return tensor(input.tensor, input.shape).use { x ->
            classifier.run(mapOf(config.inputName to x)).use { it.floats(config.outputName) }
        }
    }

    override fun close() {
        detector.close()
        classifier.close()
    }

    /** The wrappers' tensors are native-order direct buffers: ONNX Runtime reads them without a copy. */
    private fun tensor(data: FloatBuffer, shape: List<Int>): OnnxTensor =
        OnnxTensor.createTensor(env, data, LongArray(shape.size) { shape[it].toLong() })

    private fun createSession(model: ByteArray): OrtSession {
        if (options.useNnapi) {
            try {
                return sessionOptions(nnapi = true).use { env.createSession(model, it) }
            } catch (e: OrtException) {
                if (!options.cpuFallback) throw e
            }
        }
        return sessionOptions(nnapi = false).use { env.createSession(model, it) }
    }

    private fun sessionOptions(nnapi: Boolean): OrtSession.SessionOptions =
        OrtSession.SessionOptions().apply {
            if (options.intraOpThreads > 0) setIntraOpNumThreads(options.intraOpThreads)
            if (nnapi) addNnapi(options.nnapiFlags)
        }

    companion object {
        /** Model files of the bundle (`packager build`: its `assets/` folder, copied into the app's assets). */
        const val DETECTOR_ASSET: String = "face_detection.ort"
        const val EMOTION_ASSET: String = "face_emotion_recognition.ort"

        /** The pipeline on models in the app's assets (pass the `.int8.ort` names for the int8 variants). */
        fun fromAssets(
            context: Context,
            options: PipelineOptions = PipelineOptions(),
            detectorAsset: String = DETECTOR_ASSET,
            emotionAsset: String = EMOTION_ASSET,
        ): FaceEmotionPipeline {
            val read = { name: String -> context.assets.open(name).use { it.readBytes() } }
            return FaceEmotionPipeline(read(detectorAsset), read(emotionAsset), options)
        }
    }
}

/** Output [name] of a result as floats (IllegalStateException when the model has no such output). */
fun OrtSession.Result.floats(name: String): FloatArray {
    val value = get(name).orElseThrow { IllegalStateException("the model has no output '$name'") }
    val buffer = (value as OnnxTensor).floatBuffer
    return FloatArray(buffer.remaining()).also { buffer.get(it) }
}

/** Decodes a detector result: `val faces = faceDetection.postprocess(result, input)`. */
fun FaceDetectionWrapper.postprocess(result: OrtSession.Result, input: DetectionInput): List<Face> =
    postprocess(result.floats(config.regressorsName), result.floats(config.classificatorsName), input)

/** Decodes an emotion result: `val emotion = faceEmotionRecognition.postprocess(result)`. */
fun FaceEmotionRecognitionWrapper.postprocess(result: OrtSession.Result): EmotionResult =
    postprocess(result.floats(config.outputName))
