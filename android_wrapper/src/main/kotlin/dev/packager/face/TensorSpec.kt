// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.nio.Buffer
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.FloatBuffer

/**
 * A float32 tensor a model takes or gives: its [name] in the model and its [shape] (every
 * dimension > 0). [ModelSession] checks a model's declared inputs and outputs against these.
 */
data class TensorSpec @Throws(InvalidConfigException::class) constructor(val name: String, val shape: List<Int>) {
    init {
        requireConfig(shape.all { it > 0 }) { "tensor $name: shape $shape has a dimension below 1" }
    }

    /** Number of values: the product of [shape]. */
    val size: Int get() = shape.fold(1) { a, b -> a * b }

    override fun toString(): String = "$name $shape"

    companion object {
        /**
         * Why a model's [declared] tensors (name → shape, -1 or any value < 1 for a dimension the
         * model leaves free; null shape for a tensor that is not float32) do not fit the
         * [expected] ones, or null when they fit: the same names, each float32, with the same rank
         * and every fixed dimension equal. [role] and [model] name the place in the message.
         */
        internal fun mismatch(
            model: String, role: TensorRole, declared: Map<String, List<Long>?>, expected: List<TensorSpec>,
        ): String? {
            val names = expected.map { it.name }
            if (declared.keys != names.toSet()) {
                return "model $model: ${role}s ${declared.keys.toList()}; expected ${names}"
            }
            for (spec in expected) {
                val shape = declared.getValue(spec.name)
                    ?: return "model $model: $role ${spec.name} is not a float32 tensor"
                val fits = shape.size == spec.shape.size &&
                    shape.indices.all { shape[it] < 1 || shape[it] == spec.shape[it].toLong() }
                if (!fits) return "model $model: $role ${spec.name} has shape $shape; expected ${spec.shape}"
            }
            return null
        }
    }
}

/** Whether a [TensorSpec] is a model's input or output (written in lower case in messages). */
internal enum class TensorRole {
    INPUT, OUTPUT;

    override fun toString(): String = name.lowercase()
}

/** A native-order direct buffer of [size] floats: what OnnxTensor.createTensor uses without a copy. */
internal fun directFloats(size: Int): FloatBuffer =
    ByteBuffer.allocateDirect(4 * size).order(ByteOrder.nativeOrder()).asFloatBuffer()

/**
 * [values] into [buffer] (of as many floats), leaving it at position 0. clear() and rewind() are
 * called as java.nio.Buffer's: FloatBuffer's own overrides exist only since Java 9 (Android 14),
 * and code compiled against them fails on older devices.
 */
internal fun putAll(buffer: FloatBuffer, values: FloatArray) {
    val b: Buffer = buffer
    b.clear()
    buffer.put(values)
    b.rewind()
}

/** The remaining [values] into [buffer] (of as many floats), leaving it at position 0; as [putAll] above. */
internal fun putAll(buffer: FloatBuffer, values: FloatBuffer) {
    val b: Buffer = buffer
    b.clear()
    buffer.put(values)
    b.rewind()
}

/**
 * Where the resampler puts its output samples (R, G, B Doubles 0..255, as the spec gives them):
 * [doubles] as they are ([Resampler.rgb]), or a model's float32 input computed from them with
 * the wrappers' own Double expressions in their order, so the same bits: [affine]:
 * floats[at + c] = Float(x_c · scale + offset), NHWC R, G, B (the detector); [gray]:
 * floats[at / 3] = Float((R · w0 + G · w1 + B · w2 − mean) · scale), GRAY_WEIGHTS (the emotion
 * crop). BILINEAR puts each sample as it sums it: one pass where resampling to a DoubleArray,
 * normalising into a FloatArray and copying that out were three.
 */
internal class SampleWriter private constructor(
    val kind: Int, val floats: FloatArray, val scale: Double, val offset: Double,
) {
    /** [doubles]' array (R, G, B per sample), set by the resampler. */
    var doubles = DoubleArray(0)
    val w0 = GRAY_WEIGHTS[0]
    val w1 = GRAY_WEIGHTS[1]
    val w2 = GRAY_WEIGHTS[2]

    /** Sample at / 3's R, G, B. */
    @Suppress("NOTHING_TO_INLINE")
    inline fun put(at: Int, r: Double, g: Double, b: Double) {
        when (kind) {
            DOUBLES -> { val d = doubles; d[at] = r; d[at + 1] = g; d[at + 2] = b }
            AFFINE -> putAffine(floats, scale, offset, at, r, g, b)
            else -> putGray(floats, w0, w1, w2, offset, scale, at / 3, r, g, b)
        }
    }

    /** [put] of the first [n] samples of [rgb] (R, G, B per sample). */
    fun putAll(rgb: DoubleArray, n: Int) {
        // One loop per kind, each as tight as the wrappers' own normalisation loops were.
        when (kind) {
            DOUBLES -> System.arraycopy(rgb, 0, doubles, 0, 3 * n)
            AFFINE -> {
                val f = floats; val s = scale; val c = offset
                for (i in 0 until 3 * n) f[i] = (rgb[i] * s + c).toFloat()
            }
            else -> {
                val f = floats; val s = scale; val m = offset; val u0 = w0; val u1 = w1; val u2 = w2
                for (p in 0 until n) putGray(f, u0, u1, u2, m, s, p, rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2])
            }
        }
    }

    companion object {
        const val DOUBLES = 0
        const val AFFINE = 1
        const val GRAY = 2
        private val NO_FLOATS = FloatArray(0)

        fun doubles() = SampleWriter(DOUBLES, NO_FLOATS, 1.0, 0.0)

        /** x · [scale] + [offset] per channel into [floats] (3 per sample). */
        fun affine(floats: FloatArray, scale: Double, offset: Double) = SampleWriter(AFFINE, floats, scale, offset)

        /** (gray − [mean]) · [scale] into [floats] (1 per sample). */
        fun gray(floats: FloatArray, mean: Double, scale: Double) = SampleWriter(GRAY, floats, scale, mean)
    }
}

/** [SampleWriter.affine]'s values of sample at / 3 into [f] (at, at + 1, at + 2). */
@Suppress("NOTHING_TO_INLINE")
internal inline fun putAffine(f: FloatArray, scale: Double, offset: Double, at: Int, r: Double, g: Double, b: Double) {
    f[at] = (r * scale + offset).toFloat()
    f[at + 1] = (g * scale + offset).toFloat()
    f[at + 2] = (b * scale + offset).toFloat()
}

/** [SampleWriter.gray]'s value of sample [p] into f[p]. */
@Suppress("NOTHING_TO_INLINE")
internal inline fun putGray(
    f: FloatArray, w0: Double, w1: Double, w2: Double, mean: Double, scale: Double,
    p: Int, r: Double, g: Double, b: Double,
) {
    f[p] = ((r * w0 + g * w1 + b * w2 - mean) * scale).toFloat()
}
