// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

// Android-only runtime glue (ONNX Runtime for Android): one model, one session. Generic: named
// float32 tensors in and out, no knowledge of faces.

import ai.onnxruntime.OnnxJavaType
import ai.onnxruntime.OnnxTensor
import ai.onnxruntime.OrtEnvironment
import ai.onnxruntime.OrtException
import ai.onnxruntime.OrtSession
import ai.onnxruntime.TensorInfo
import android.content.Context
import android.os.Build
import android.util.Log
import java.io.File
import java.io.IOException
import java.nio.ByteOrder
import java.nio.FloatBuffer
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock

/** Adjusts ONNX Runtime's session options after the library set them (see [SessionSettings.configureSession]). */
fun interface SessionConfigurator {
    @Throws(OrtException::class)
    fun configure(options: OrtSession.SessionOptions, provider: Provider)
}

/**
 * How [ModelSession] opens a model.
 *
 * @property provider where the model runs; default [Provider.deviceDefault]: NNAPI with CPU_DISABLED on
 *   API 29-34, XNNPACK otherwise.
 * @property cpuFallback when the provider cannot be registered on this device (NNAPI below API 27) or
 *   its session cannot be opened, open a CPU one instead (logged with android.util.Log and reported
 *   as [ModelSession.fallbackReason]); false: fail with [ModelLoadException].
 * @property intraOpThreads CPU threads per session; 0 lets ONNX Runtime choose. With XNNPACK, n > 0
 *   threads are XNNPACK's (ONNX Runtime's own pool is then 1 thread, as its XNNPACK guide says).
 * @property configureSession called last on each session's options (e.g. `setOptimizationLevel`,
 *   `addConfigEntry`); it is called again, with [Provider.Cpu], for a CPU fallback session.
 */
data class SessionSettings @JvmOverloads @Throws(InvalidConfigException::class) constructor(
    val provider: Provider = Provider.deviceDefault(),
    val cpuFallback: Boolean = true,
    val intraOpThreads: Int = 0,
    val configureSession: SessionConfigurator? = null,
) {
    init {
        requireConfig(intraOpThreads >= 0) { "intraOpThreads $intraOpThreads < 0" }
    }
}

/**
 * One model on ONNX Runtime with named float32 inputs and outputs, checked at open.
 *
 * Copies: a native-order direct input buffer (the wrappers' tensors are) is read by ONNX Runtime
 * in place, its OnnxTensor kept while the same buffer comes back; another buffer is copied once
 * into the session's own direct buffer. Outputs are written by ONNX Runtime into the session's
 * pinned direct buffers (`OrtSession.run(inputs, pinnedOutputs)`) and copied once into reused
 * FloatArrays, which [run] returns: they are overwritten by the next run.
 *
 * Threads: calls are serialized (one run at a time); [close] waits for a running call and frees
 * the native memory; a call after close throws [ClosedException]. The returned arrays belong to
 * the session: a caller sharing it between threads reads (or copies) them before the next run.
 */
class ModelSession private constructor(
    /** The model's name in messages, logs and self-check results (the file stem, e.g. `face_detection`). */
    val modelName: String,
    val inputs: List<TensorSpec>,
    val outputs: List<TensorSpec>,
    private val env: OrtEnvironment,
    private val session: OrtSession,
    private val sessionOptions: OrtSession.SessionOptions,
    /** The provider [SessionSettings.provider] asked for: "NNAPI", "XNNPACK" or "CPU". */
    val requestedProvider: String,
    /**
     * The provider registered with the session that runs, after any fallback: "NNAPI", "XNNPACK" or
     * "CPU" (nodes it does not take run on ONNX Runtime's CPU kernels).
     */
    val providerInUse: String,
    /** Why [providerInUse] is not [requestedProvider] (the device, or the provider's error); null when it is. */
    val fallbackReason: String?,
    /** The settings the session was opened with ([selfCheck] opens its CPU session with their threads and hook). */
    val settings: SessionSettings,
) : AutoCloseable {
    private val lock = ReentrantLock()
    private var closed = false
    private val ownInputs = HashMap<String, FloatBuffer>()
    private val inputTensors = HashMap<String, Pair<FloatBuffer, OnnxTensor>>()
    private val feed = HashMap<String, OnnxTensor>()
    private val pinned = LinkedHashMap<String, OnnxTensor>()
    private val pinnedBuffers = HashMap<String, FloatBuffer>()
    private val results = LinkedHashMap<String, FloatArray>()
    private val inputNames: Set<String> = inputs.map { it.name }.toSet()

    init {
        try {
            for (spec in outputs) {
                val buffer = directFloats(spec.size)
                pinnedBuffers[spec.name] = buffer
                pinned[spec.name] = OnnxTensor.createTensor(env, buffer, longShape(spec))
                results[spec.name] = FloatArray(spec.size)
            }
        } catch (e: OrtException) {
            freeNative()
            throw ModelLoadException("model $modelName: cannot allocate its outputs: ${e.message}", e)
        }
    }

    /**
     * Runs the model on [values] (input name → float32 values in the input's shape, C order) and
     * returns output name → values, in arrays this session reuses (overwritten by the next run).
     */
    @Throws(PackagerException::class)
    fun run(values: Map<String, FloatBuffer>): Map<String, FloatArray> = lock.withLock {
        if (closed) throw ClosedException("model $modelName: the session is closed")
        if (values.keys != inputNames) {
            val expected = inputs.map { it.name }
            throw InvalidTensorException("model $modelName: inputs ${values.keys.toList()}; expected $expected")
        }
        try {
            for (spec in inputs) feed[spec.name] = inputTensor(spec, values.getValue(spec.name))
            session.run(feed, pinned).close()  // the Result does not own pinned outputs: they stay open
        } catch (e: OrtException) {
            throw InferenceException("model $modelName on $providerInUse: ${e.message}", e)
        }
        for ((outputName, buffer) in pinnedBuffers) {
            buffer.get(results.getValue(outputName))  // at position 0: allocated there, rewound after each read
            (buffer as java.nio.Buffer).rewind()
        }
        results
    }

    /**
     * Runs the model on sample `.npy` files ([inputFiles] in [inputs] order, the expected
     * [outputFiles] in [outputs] order; [read] gives a file's bytes by name: the app's assets, a
     * folder) in a new CPU session of [model] (this session's model bytes, opened with [settings]'
     * threads and hook, no fallback) and compares each output within [tolerance] (max |out −
     * expected| / max(1, max |expected|)); this session's own difference on the same sample is
     * reported beside it, not judged, when it is not the CPU (NNAPI and XNNPACK may compute in
     * fp16). Swift's `ModelSession.selfCheck(inputFiles:outputFiles:in:tolerance:)`.
     * [InvalidFileException] for a sample that cannot be read, is no float32 .npy or has another
     * shape than its tensor.
     */
    @Throws(PackagerException::class)
    fun selfCheck(
        model: ByteArray,
        inputFiles: List<String>,
        outputFiles: List<String>,
        read: (String) -> ByteArray,
        tolerance: Double,
    ): SelfCheckResult {
        val (feed, expected) = readSamples(inputFiles, outputFiles, read)
        val cpu = cpuSession(model)
        val diff = cpu.use { maxScaledDiff(it.run(feed), expected) }
        val accelerated = if (providerInUse == Provider.Cpu.name) null else maxScaledDiff(run(feed), expected)
        return SelfCheckResult(
            modelName, cpu.providerInUse, diff, tolerance, providerInUse.takeIf { accelerated != null }, accelerated,
        )
    }

    /**
     * [selfCheck] on sample files in [folder] (Swift's `selfCheck(inputFiles:outputFiles:in:tolerance:)`,
     * its samples in a directory).
     */
    @Throws(PackagerException::class)
    fun selfCheck(
        model: ByteArray,
        inputFiles: List<String>,
        outputFiles: List<String>,
        folder: File,
        tolerance: Double,
    ): SelfCheckResult = selfCheck(model, inputFiles, outputFiles, { File(folder, it).readBytes() }, tolerance)

    /** [selfCheck] on sample files in the app's assets, under [folder] ("" or "samples/"). */
    @Throws(PackagerException::class)
    fun selfCheck(
        model: ByteArray,
        inputFiles: List<String>,
        outputFiles: List<String>,
        context: Context,
        folder: String,
        tolerance: Double,
    ): SelfCheckResult = selfCheck(model, inputFiles, outputFiles, { readAsset(context, folder + it) }, tolerance)

    /** A new session of [model] (this session's model file) on the CPU, no fallback: what the build verified. */
    internal fun cpuSession(model: ByteArray): ModelSession =
        open(modelName, model, inputs, outputs, settings.copy(provider = Provider.Cpu, cpuFallback = false))

    /** The sample feed and expected outputs of [selfCheck], read from [inputFiles] / [outputFiles]. */
    internal fun readSamples(
        inputFiles: List<String>,
        outputFiles: List<String>,
        read: (String) -> ByteArray,
    ): Pair<Map<String, FloatBuffer>, Map<String, FloatArray>> {
        if (inputFiles.size != inputs.size || outputFiles.size != outputs.size) {
            throw InvalidConfigException(
                "model $modelName takes ${inputs.size} inputs and ${outputs.size} outputs, " +
                    "got sample files $inputFiles and $outputFiles",
            )
        }
        fun sample(file: String, spec: TensorSpec): FloatArray {
            val bytes = try {
                read(file)
            } catch (e: IOException) {
                throw InvalidFileException(
                    "$file cannot be read (${e.message}): the self-check needs the bundle's samples " +
                        "(`packager build --self-check` puts them in the app; " +
                        "a `packager convert` bundle has them in samples/)",
                    e,
                )
            }
            return readSample(bytes, file, spec)
        }
        val feed = inputs.zip(inputFiles).associate { (spec, file) ->
            spec.name to FloatBuffer.wrap(sample(file, spec))
        }
        val expected = outputs.zip(outputFiles).associate { (spec, file) -> spec.name to sample(file, spec) }
        return feed to expected
    }

    /** Frees the session and its tensors; waits for a running call. Closing twice does nothing. */
    override fun close() = lock.withLock {
        if (closed) return@withLock
        closed = true
        freeNative()
    }

    private fun freeNative() {
        for ((_, tensor) in inputTensors.values) tensor.close()
        for (tensor in pinned.values) tensor.close()
        inputTensors.clear()
        pinned.clear()
        closeSession(modelName, session, sessionOptions)
    }

    /** The OnnxTensor over [given] (a direct native-order buffer) or over the session's copy of it. */
    private fun inputTensor(spec: TensorSpec, given: FloatBuffer): OnnxTensor {
        if (given.remaining() != spec.size) {
            val why = "input ${spec.name} has ${given.remaining()} values; expected ${spec.size} ${spec.shape}"
            throw InvalidTensorException("model $modelName: $why")
        }
        // ONNX Runtime reads a direct native-order buffer from its start to its capacity in place.
        val direct = given.isDirect && given.order() == ByteOrder.nativeOrder() && given.position() == 0 &&
            given.capacity() == spec.size
        val source = if (direct) given else ownInputs.getOrPut(spec.name) { directFloats(spec.size) }.also {
            putAll(it, given.duplicate())
        }
        val cached = inputTensors[spec.name]
        if (cached != null && cached.first === source) return cached.second
        cached?.second?.close()
        val tensor = OnnxTensor.createTensor(env, source, longShape(spec))
        inputTensors[spec.name] = source to tensor
        return tensor
    }

    companion object {
        private const val TAG = "FaceEmotion"

        /**
         * The bytes of [asset] in the app's assets (a model: [ModelLoadException] when it cannot be
         * read; wrap [readAsset] for another file).
         */
        @Throws(PackagerException::class)
        internal fun modelAsset(context: Context, asset: String): ByteArray = try {
            readAsset(context, asset)
        } catch (e: IOException) {
            throw ModelLoadException("asset $asset cannot be read: ${e.message}", e)
        }

        private fun readAsset(context: Context, asset: String): ByteArray =
            context.assets.open(asset).use { it.readBytes() }

        /**
         * Opens [model] (the bytes of an .ort or .onnx file) with [settings] and checks that it
         * declares exactly [inputs] and [outputs] (float32, same names and shapes; a dimension the
         * model leaves free matches any). [ModelLoadException] when no session can be opened,
         * [ModelMismatchException] when the model is not the expected one.
         */
        @JvmStatic
        @JvmOverloads
        @Throws(PackagerException::class)
        fun open(
            name: String,
            model: ByteArray,
            inputs: List<TensorSpec>,
            outputs: List<TensorSpec>,
            settings: SessionSettings = SessionSettings(),
        ): ModelSession {
            val env = OrtEnvironment.getEnvironment()
            val opened = openWithFallback(name, env, model, settings)
            val session = opened.session
            val options = opened.options
            val mismatch = try {
                TensorSpec.mismatch(name, TensorRole.INPUT, declared(session.inputInfo), inputs)
                    ?: TensorSpec.mismatch(name, TensorRole.OUTPUT, declared(session.outputInfo), outputs)
            } catch (e: OrtException) {
                "model $name: its inputs and outputs cannot be read: ${e.message}"
            }
            if (mismatch != null) {
                closeSession(name, session, options)
                throw ModelMismatchException(mismatch)
            }
            return ModelSession(
                name, inputs, outputs, env, session, options,
                settings.provider.name, opened.provider.name, opened.fallbackReason, settings,
            )
        }

        /** A session, the options it was made with, the provider registered with it and the fallback reason. */
        private class Opened(
            val session: OrtSession,
            val options: OrtSession.SessionOptions,
            val provider: Provider,
            val fallbackReason: String?,
        )

        /**
         * A session on [SessionSettings.provider]; when that provider cannot be registered on this
         * device ([Provider.unavailableReason]) or ONNX Runtime cannot open the session on it, a CPU
         * session with the reason (logged), if [SessionSettings.cpuFallback] allows.
         */
        private fun openWithFallback(
            name: String, env: OrtEnvironment, model: ByteArray, settings: SessionSettings,
        ): Opened {
            val requested = settings.provider
            val unavailable = Provider.unavailableReason(requested, Build.VERSION.SDK_INT)
            val failure = if (unavailable != null) null else try {
                val (session, options) = createSession(env, model, settings, requested)
                return Opened(session, options, requested, null)
            } catch (e: OrtException) {
                e
            }
            val tried = requested.name
            val why = unavailable ?: failure?.message
            if (!settings.cpuFallback || requested == Provider.Cpu) {
                throw ModelLoadException("model $name: ONNX Runtime cannot open it on $tried: $why", failure)
            }
            val reason = "$tried: $why"
            Log.w(TAG, "model $name: the $tried session failed, running on the CPU instead: $why")
            val (session, options) = try {
                createSession(env, model, settings, Provider.Cpu)
            } catch (e: OrtException) {
                throw ModelLoadException("model $name: ONNX Runtime cannot open it ($reason; CPU: ${e.message})", e)
            }
            return Opened(session, options, Provider.Cpu, reason)
        }

        /**
         * A session on [provider] and the options it was made with: ONNX Runtime's SessionOptions
         * must stay open until the session is closed (its documentation), so they are closed together.
         */
        private fun createSession(
            env: OrtEnvironment, model: ByteArray, settings: SessionSettings, provider: Provider,
        ): Pair<OrtSession, OrtSession.SessionOptions> {
            val options = OrtSession.SessionOptions()
            try {
                val threads = settings.intraOpThreads
                when (provider) {
                    is Provider.Nnapi -> {
                        if (threads > 0) options.setIntraOpNumThreads(threads)
                        options.addNnapi(provider.flags)
                    }
                    Provider.Xnnpack -> if (threads > 0) {
                        // ONNX Runtime's XNNPACK guide: XNNPACK's own thread pool does the work; ORT's
                        // pool stays at one thread and does not spin.
                        options.addConfigEntry("session.intra_op.allow_spinning", "0")
                        options.setIntraOpNumThreads(1)
                        options.addXnnpack(mapOf("intra_op_num_threads" to threads.toString()))
                    } else {
                        options.addXnnpack(emptyMap())
                    }
                    Provider.Cpu -> if (threads > 0) options.setIntraOpNumThreads(threads)
                }
                settings.configureSession?.configure(options, provider)
                return env.createSession(model, options) to options
            } catch (e: Throwable) {
                options.close()
                throw e
            }
        }

        private fun closeSession(name: String, session: OrtSession, options: OrtSession.SessionOptions) {
            try {
                session.close()
            } catch (e: OrtException) {
                Log.w(TAG, "model $name: closing the session failed: ${e.message}")
            } finally {
                options.close()
            }
        }

        /** name → shape of every declared tensor (null for one that is not a float32 tensor). */
        private fun declared(info: Map<String, ai.onnxruntime.NodeInfo>): Map<String, List<Long>?> =
            info.mapValues { (_, node) ->
                val value = node.info
                if (value is TensorInfo && value.type == OnnxJavaType.FLOAT) value.shape.toList() else null
            }

        private fun longShape(spec: TensorSpec) = LongArray(spec.shape.size) { spec.shape[it].toLong() }
    }
}
