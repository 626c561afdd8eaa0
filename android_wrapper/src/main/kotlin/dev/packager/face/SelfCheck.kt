// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import kotlin.math.abs
import kotlin.math.max

/**
 * How far [actual] is from [expected] (packager.difference.scaled_diff, for one output):
 * max |actual − expected| / max(1, max |expected|), computed in Double; infinite when either side
 * holds NaN or infinity, so such an output never passes. 0 for empty arrays.
 */
@Throws(InvalidTensorException::class)
fun scaledDiff(actual: FloatArray, expected: FloatArray): Double {
    requireTensor(actual.size == expected.size) { "${actual.size} values vs ${expected.size} expected" }
    var diff = 0.0
    var scale = 1.0
    for (i in actual.indices) {
        val a = actual[i].toDouble()
        val e = expected[i].toDouble()
        if (!a.isFinite() || !e.isFinite()) return Double.POSITIVE_INFINITY
        diff = max(diff, abs(a - e))
        scale = max(scale, abs(e))
    }
    return diff / scale
}

/** The largest [scaledDiff] over [expected]'s outputs, each against the output of the same name in [actual]. */
internal fun maxScaledDiff(actual: Map<String, FloatArray>, expected: Map<String, FloatArray>): Double =
    expected.maxOf { (name, values) -> scaledDiff(actual.getValue(name), values) }

/**
 * A self-check sample's values: [bytes] (the .npy file [file]) read with [Npy.read] and checked to
 * have [spec]'s shape ([InvalidFileException] when not).
 */
internal fun readSample(bytes: ByteArray, file: String, spec: TensorSpec): FloatArray {
    val array = Npy.read(bytes, file)
    if (array.shape != spec.shape) {
        throw InvalidFileException("$file: shape ${array.shape}; the model's ${spec.name} is ${spec.shape}")
    }
    return array.values
}

/**
 * One model's on-device self-check: its bundled sample input run on a CPU session (the provider
 * the bundle's expected outputs were verified on; NNAPI and XNNPACK may compute in fp16) and
 * compared with the bundled expected outputs.
 *
 * @property model the model file's stem (`face_detection`).
 * @property provider the provider of the judged run ("CPU").
 * @property scaledDiff largest [scaledDiff] over the model's outputs.
 * @property tolerance the limit ([SELF_CHECK_TOLERANCE]).
 * @property passed scaledDiff ≤ tolerance.
 * @property acceleratorProvider the provider of the pipeline's own session when it is not the CPU, else null.
 * @property acceleratorScaledDiff that session's difference on the same sample: reported, not judged.
 */
data class SelfCheckResult(
    val model: String,
    val provider: String,
    val scaledDiff: Double,
    val tolerance: Double,
    val acceleratorProvider: String? = null,
    val acceleratorScaledDiff: Double? = null,
) {
    val passed: Boolean get() = scaledDiff <= tolerance
}

/**
 * Names of the self-check samples next to the models (`packager build --self-check` puts them in
 * the app's assets): `<model>.sample_input.npy` and `<model>.sample_output.<output>.npy`, the
 * output name made file-safe (every character outside `[A-Za-z0-9_.-]` becomes `_`;
 * packager.layout.file_safe). A variant's stem (`face_detection.int8`) names its own expected
 * outputs (`face_detection.int8.sample_output.<output>.npy`) and shares its model's input.
 */
object SelfCheckSamples {
    @JvmStatic
    fun inputFile(model: String): String = "${Precision.baseStem(model)}.sample_input.npy"

    @JvmStatic
    fun outputFile(model: String, output: String): String = "$model.sample_output.${fileSafe(output)}.npy"

    private fun fileSafe(name: String): String = name.replace(Regex("[^A-Za-z0-9_.-]"), "_").ifEmpty { "_" }
}

/**
 * A model's precision variant (packager.export.precision.VARIANTS). A bundle ships the variants its
 * accelerator takes whole (manifest.json `precision`; [Recipes.defaultPrecision] is its default):
 * the files are `<model>.ort` (FP32), `<model>.fp16.ort` and `<model>.int8.ort`.
 *
 * @property suffix what the variant adds to a model's file stem ("" for FP32).
 */
enum class Precision(val suffix: String) {
    /** The converted model as verified against its source. */
    FP32(""),

    /** Weights and computation in half precision, float32 inputs and outputs. */
    FP16(".fp16"),

    /** QDQ int8 (uint8 activations, int8 weights), float32 inputs and outputs. */
    INT8(".int8");

    /** The file of [model] (a stem: `face_detection`) in this precision: `face_detection.int8.ort`. */
    fun modelFile(model: String): String = "$model$suffix.ort"

    companion object {
        /** The precision of a model file stem (`face_detection.int8` → INT8; no suffix: FP32). */
        @JvmStatic
        fun of(stem: String): Precision =
            entries.lastOrNull { it.suffix.isNotEmpty() && stem.endsWith(it.suffix) } ?: FP32

        /** A model file stem without its precision suffix (`face_detection.int8` → `face_detection`). */
        @JvmStatic
        fun baseStem(stem: String): String = stem.removeSuffix(of(stem).suffix)
    }
}
