// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

// The face pipeline's model inputs as the resampler writes them. Not in TensorSpec.kt: that file
// is also copied alone into every `packager convert` bundle's runner, which has no GRAY_WEIGHTS.

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
