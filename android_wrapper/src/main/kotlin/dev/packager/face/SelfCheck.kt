// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import kotlin.math.abs
import kotlin.math.max
import kotlin.math.min

/**
 * How far [actual] is from [expected] (packager.difference.scaled_diff, for one output):
 * max |actual − expected| / max(1, max |expected|), computed in Double; infinite when either side
 * holds NaN or infinity, so such an output never passes. 0 for empty arrays.
 */
fun scaledDiff(actual: FloatArray, expected: FloatArray): Double {
    require(actual.size == expected.size) { "${actual.size} values vs ${expected.size} expected" }
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
 * The decoded-faces measure of a detector variant's self-check (packager.export.quantize's same-faces
 * rule): [expected] and [actual] faces (boxes in one coordinate frame) are paired one to one,
 * greedily by IoU (best first); the result is the largest corner shift of a pair over the expected
 * face's larger side, or infinity when the counts differ or a pair's IoU is below [minIou].
 * Judged against [VARIANT_SELF_CHECK_MAX_CORNER_SHIFT].
 */
fun facesShift(expected: List<Box>, actual: List<Box>, minIou: Double = VARIANT_SELF_CHECK_MIN_IOU): Double {
    if (expected.size != actual.size) return Double.POSITIVE_INFINITY
    val pairs = expected.indices
        .flatMap { i -> actual.indices.map { j -> Triple(boxIou(expected[i], actual[j]), i, j) } }
        .sortedWith(compareBy({ -it.first }, { it.second }, { it.third }))
    val usedE = HashSet<Int>()
    val usedA = HashSet<Int>()
    var worst = 0.0
    for ((v, i, j) in pairs) {
        if (i in usedE || j in usedA || v < minIou) continue
        usedE.add(i)
        usedA.add(j)
        val e = expected[i]
        val a = actual[j]
        val size = max(e.xmax - e.xmin, e.ymax - e.ymin)
        val shift = maxOf(abs(e.xmin - a.xmin), abs(e.ymin - a.ymin), abs(e.xmax - a.xmax), abs(e.ymax - a.ymax))
        worst = max(worst, if (size > 0) shift / size else Double.POSITIVE_INFINITY)
    }
    return if (usedE.size == expected.size) worst else Double.POSITIVE_INFINITY
}

private fun boxIou(a: Box, b: Box): Double {
    val w = min(a.xmax, b.xmax) - max(a.xmin, b.xmin)
    val h = min(a.ymax, b.ymax) - max(a.ymin, b.ymin)
    if (w <= 0 || h <= 0) return 0.0
    val inter = w * h
    val union = (a.xmax - a.xmin) * (a.ymax - a.ymin) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter
    return if (union > 0) inter / union else 0.0
}
