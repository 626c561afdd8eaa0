// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

/**
 * The 2 × 2 sub-sample downscale of a packed RGB frame (4 taps per output sample and axis),
 * walked by [walk2x2]: per outer sample its 4 lines' taps gathered ([OutputTaps.line0] ..) and
 * weighted down the lines per channel ([OutputTaps.combine]), then per output sample each
 * channel's 4 inner taps; [put] (output index, R, G, B) takes the sample's values.
 */
internal inline fun Resampler.packed2x2(
    outW: Int, outH: Int, fill: Int, rowMajor: Boolean, pixel: (Int) -> Int, put: (Int, Double, Double, Double) -> Unit,
) {
    val total = 4L * ONE * ONE
    val norm = 1.0 / total.toDouble()
    // What [Resampler.store] gives for zero sums and the fill's whole weight.
    val fillOnly = (fill * total).toDouble() * norm
    walkTaps(outW, outH, rowMajor, false)
    val t = innerTaps
    t.scratch()
    val aTap = outerTaps.tap; val aWeight = outerTaps.weight
    val bTap = t.tap; val bWeight = t.weight
    val l0 = t.line0; val l1 = t.line1; val l2 = t.line2; val l3 = t.line3
    val sR = t.sum0; val sG = t.sum1; val sB = t.sum2
    walk2x2({ qa ->
        val a0 = aTap[qa]; val a1 = aTap[qa + 1]; val a2 = aTap[qa + 2]; val a3 = aTap[qa + 3]
        for (j in t.from until t.to) {
            val b = bTap[j]
            l0[j] = pixel(a0 + b); l1[j] = pixel(a1 + b); l2[j] = pixel(a2 + b); l3[j] = pixel(a3 + b)
        }
        val v0 = aWeight[qa]; val v1 = aWeight[qa + 1]; val v2 = aWeight[qa + 2]; val v3 = aWeight[qa + 3]
        t.combine(sR, 16, v0, v1, v2, v3)
        t.combine(sG, 8, v0, v1, v2, v3)
        t.combine(sB, 0, v0, v1, v2, v3)
    }, { at -> put(at, fillOnly, fillOnly, fillOnly) }) { at, qb, inside ->
        val u0 = bWeight[qb]; val u1 = bWeight[qb + 1]; val u2 = bWeight[qb + 2]; val u3 = bWeight[qb + 3]
        // Each sum is below 255 · 4 · ONE² < 2^32: exact in an Int read unsigned (Int arithmetic
        // wraps modulo 2^32).
        val r = u0 * sR[qb] + u1 * sR[qb + 1] + u2 * sR[qb + 2] + u3 * sR[qb + 3]
        val g = u0 * sG[qb] + u1 * sG[qb + 1] + u2 * sG[qb + 2] + u3 * sG[qb + 3]
        val b = u0 * sB[qb] + u1 * sB[qb + 1] + u2 * sB[qb + 2] + u3 * sB[qb + 3]
        // As [Resampler.store] gives them.
        val f = fill * (total - inside)
        put(
            at, (unsigned(r) + f).toDouble() * norm, (unsigned(g) + f).toDouble() * norm,
            (unsigned(b) + f).toDouble() * norm,
        )
    }
}

/**
 * ARGB's 2 × 2 loop writing [SampleWriter.affine]'s floats (the detector), in a method of its own:
 * no test per sample, and C2 compiles it for this one use.
 */
internal fun Resampler.argbAffine(
    pixels: IntArray, outW: Int, outH: Int, fill: Int, rowMajor: Boolean, w: SampleWriter,
) {
    val f = w.floats; val s = w.scale; val c = w.offset
    packed2x2(outW, outH, fill, rowMajor, { at -> pixels[at] }) { at, r, g, b -> putAffine(f, s, c, at, r, g, b) }
}

/** The same for [SampleWriter.gray] (the emotion crop). */
internal fun Resampler.argbGray(pixels: IntArray, outW: Int, outH: Int, fill: Int, rowMajor: Boolean, w: SampleWriter) {
    val f = w.floats; val s = w.scale; val m = w.offset; val w0 = w.w0; val w1 = w.w1; val w2 = w.w2
    packed2x2(outW, outH, fill, rowMajor, { at -> pixels[at] }) { at, r, g, b ->
        putGray(f, w0, w1, w2, m, s, at / 3, r, g, b)
    }
}

/** [x] read as an unsigned 32-bit integer. */
@Suppress("NOTHING_TO_INLINE")
internal inline fun unsigned(x: Int): Long = x.toLong() and 0xFFFFFFFFL
