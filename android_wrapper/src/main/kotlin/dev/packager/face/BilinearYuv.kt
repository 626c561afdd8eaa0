// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.nio.ByteBuffer

// The BILINEAR loops of [Resampler] for YUV frames ([bilinearYuv]): the common 2 × 2 sub-sample
// downscale written out over the tables and scratch of Bilinear.kt's [OutputTaps], and other
// sub-sample counts ([bilinearYuvGeneral]). The same integers as [Resampler.bilinearSums] and the
// reference, so the same bits; docs/DESIGN.md ("Camera frames") has what each shape measured.

/**
 * YUV frames (packager/reference/frames.py, "Resampling a YUV frame"): the planes' integer
 * sums over the same taps — Y by the main tables, U and V by the chroma ones — then BT.601
 * once per output value, on the sums, exactly ([YuvSums.store]).
 *
 * The weights are products of a row weight and a column weight, so a plane's sum over the
 * sample's taps factors: Σ over its outer taps of their weight times Σ over its inner taps of
 * theirs times the value ([OutputTaps]). Chroma samples are shared by neighbouring pixels
 * (4:2:0), so along the outer axis equal chroma index parts are merged (their weights added):
 * the same integers, fewer reads. The common downscale (2 × 2 sub-samples: 4 taps per axis):
 * per outer sample its chroma weighted down the merged lines once per chroma sample the inner
 * taps use, U | V shl 32 in a Long ([OutputTaps.chromaUV]; the merged lines' spans copied when
 * the luma lines are, [OutputTaps.chromaCopied], else read in place); its luma lines copied when
 * the inner taps' span is at most [COPY_BYTES_PER_TAP] bytes per tap ([yuv2x2Copied]: one bulk
 * copy per line instead of a bounds-checked `ByteBuffer.get` per tap) and weighted down the lines
 * at each inner tap (at every byte of the span first where it has no more bytes than the taps,
 * [lumaPerByte]), else its 16 taps per sample read in place, weighted down the lines per inner
 * tap inside the sample ([yuv2x2InPlace]); then per sample 4 multiply-adds for Y and 4 for U and
 * V together ([yuv2x2]), and the model input written as each sample is summed (a method per
 * model input: [yuvCopiedAffine] ..). Other sample counts take
 * [bilinearYuvGeneral]. A luma sum down the lines is at most 255 · 2 · ONE < 2^20, and times an
 * inner weight ≤ ONE below 2^31 (an Int); a chroma plane's weighted sum down the merged lines
 * (their weights add up to at most 2 · ONE) is below 2^20, and summed over the inner taps below
 * 255 · 4 · ONE² < 2^32: a Long's 32-bit lane.
 */
internal fun Resampler.bilinearYuv(frame: CameraFrame, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int) {
    if (sx != 2 || sy != 2) return throughOut(outW, outH) { bilinearYuvGeneral(frame, outW, outH, sx, sy, fill) }
    walkTaps(outW, outH, frame.rotationDegrees % 180 == 0, true)
    val t = innerTaps
    t.scratch()
    val span = t.span()
    val chromaSpan = t.chromaSpan()
    // Copied where the taps are dense enough in their span that one bulk copy per line costs less
    // than the reads it replaces (k12mp32, kfuse32: DESIGN "Camera frames"). Two methods, not two
    // branches of one: C2 compiled the in-place loop 1.4-2.7x slower when both were one method.
    val copied = span <= COPY_BYTES_PER_TAP * (t.to - t.from)
    val w = sink
    when {
        w.kind == SampleWriter.AFFINE && foldsNorm(w.scale) ->
            if (copied) yuvCopiedAffine(frame, fill, span, chromaSpan, w) else yuvInPlaceAffine(frame, fill, w)
        w.kind == SampleWriter.GRAY ->
            if (copied) yuvCopiedGray(frame, fill, span, chromaSpan, w) else yuvInPlaceGray(frame, fill, w)
        else -> throughOut(outW, outH) {
            if (copied) yuvCopiedDoubles(frame, fill, span, chromaSpan) else yuvInPlaceDoubles(frame, fill)
        }
    }
}

/**
 * [write] fills [Resampler.out] (outW × outH samples); [Resampler.sink] then puts it in a pass of
 * its own, unless it is the doubles themselves: the YUV loops without a method per model input.
 */
private inline fun Resampler.throughOut(outW: Int, outH: Int, write: () -> Unit) {
    if (out.size != outW * outH * 3) out = DoubleArray(outW * outH * 3)
    write()
    val w = sink
    if (w.kind != SampleWriter.DOUBLES) w.putAll(out, outW * outH)
}

// [bilinearYuv]'s 2 × 2 loops, one method per model input ([SampleWriter]: the floats written as
// each sample is summed, as ARGB's [argbAffine] / [argbGray]) and per luma read (copied, in place).
// A sample's value x is X · NORM_2X2 (X the integer [YuvSums.put] gives, NORM_2X2 a power of two:
// exact), and X · NORM_2X2 · c = X · (NORM_2X2 · c) to the bit (scaling by a power of two commutes
// with rounding) unless NORM_2X2 · c underflows ([foldsNorm]): so the wrappers' x · c takes one
// multiply, the same bits.

/**
 * The luma span per inner tap up to which [bilinearYuv] copies the lines: 4 copies the 640 × 480
 * and 1080p detector inputs' lines too. With the per-model-input loops, 4 against 1 (those two
 * read in place), 3 alternating pairs: 640 × 480 NV21 pre+post 0.242–0.252 against 0.260–0.261 ms,
 * 1080p 0.246–0.255 against 0.252–0.258 ms, 12 MP alike.
 */
private const val COPY_BYTES_PER_TAP = 4

/** 1 / (the 2 × 2 sample's weight · 2^16), a power of two. */
private val NORM_2X2 = 1.0 / ((4L * ONE * ONE) shl 16).toDouble()

/** Whether [c] · NORM_2X2 is exact (no underflow; zero, infinities and NaN give the same bits too). */
private fun foldsNorm(c: Double): Boolean = c == 0.0 || Math.abs(c) * NORM_2X2 >= java.lang.Double.MIN_NORMAL

private fun Resampler.yuvCopiedAffine(frame: CameraFrame, fill: Int, span: Int, chromaSpan: Int, w: SampleWriter) {
    val f = w.floats; val s = w.scale * NORM_2X2; val c = w.offset
    yuv2x2Copied(frame, fill, span, chromaSpan) { at, r, g, b ->
        putAffine(f, s, c, at, r.toDouble(), g.toDouble(), b.toDouble())
    }
}

private fun Resampler.yuvInPlaceAffine(frame: CameraFrame, fill: Int, w: SampleWriter) {
    val f = w.floats; val s = w.scale * NORM_2X2; val c = w.offset
    yuv2x2InPlace(frame, fill) { at, r, g, b -> putAffine(f, s, c, at, r.toDouble(), g.toDouble(), b.toDouble()) }
}

private fun Resampler.yuvCopiedGray(frame: CameraFrame, fill: Int, span: Int, chromaSpan: Int, w: SampleWriter) {
    val f = w.floats; val s = w.scale; val m = w.offset
    val w0 = w.w0 * NORM_2X2; val w1 = w.w1 * NORM_2X2; val w2 = w.w2 * NORM_2X2
    yuv2x2Copied(frame, fill, span, chromaSpan) { at, r, g, b ->
        putGray(f, w0, w1, w2, m, s, at / 3, r.toDouble(), g.toDouble(), b.toDouble())
    }
}

private fun Resampler.yuvInPlaceGray(frame: CameraFrame, fill: Int, w: SampleWriter) {
    val f = w.floats; val s = w.scale; val m = w.offset
    val w0 = w.w0 * NORM_2X2; val w1 = w.w1 * NORM_2X2; val w2 = w.w2 * NORM_2X2
    yuv2x2InPlace(frame, fill) { at, r, g, b ->
        putGray(f, w0, w1, w2, m, s, at / 3, r.toDouble(), g.toDouble(), b.toDouble())
    }
}

private fun Resampler.yuvCopiedDoubles(frame: CameraFrame, fill: Int, span: Int, chromaSpan: Int) {
    val o = out
    yuv2x2Copied(frame, fill, span, chromaSpan) { at, r, g, b ->
        o[at] = r.toDouble() * NORM_2X2; o[at + 1] = g.toDouble() * NORM_2X2; o[at + 2] = b.toDouble() * NORM_2X2
    }
}

private fun Resampler.yuvInPlaceDoubles(frame: CameraFrame, fill: Int) {
    val o = out
    yuv2x2InPlace(frame, fill) { at, r, g, b ->
        o[at] = r.toDouble() * NORM_2X2; o[at + 1] = g.toDouble() * NORM_2X2; o[at + 2] = b.toDouble() * NORM_2X2
    }
}

/**
 * [bilinearYuv]'s 2 × 2 loop with each outer sample's 4 luma lines copied, the span of bytes its
 * inner taps cover ([OutputTaps.copyRows]; at most [COPY_BYTES_PER_TAP] bytes per tap), into byte arrays, and
 * weighted down the lines at each inner tap ([OutputTaps.sum2]).
 */
private inline fun Resampler.yuv2x2Copied(
    frame: CameraFrame, fill: Int, span: Int, chromaSpan: Int, put: (Int, Long, Long, Long) -> Unit,
) {
    // The outer axis' taps (a) and weights (v), the inner axis' (b, u): the sums are symmetric
    // in the two axes.
    val t = innerTaps
    val outer = outerTaps
    val aTap = outer.tap; val aWeight = outer.weight
    val ub = frame.u; val vb = frame.v
    val sY = t.sum2
    val perByte = span <= t.to - t.from
    yuv2x2(frame, fill, put, { qa ->
        t.copyRows(frame.bytes, aTap[qa], aTap[qa + 1], aTap[qa + 2], aTap[qa + 3], span)
        val v0 = aWeight[qa]; val v1 = aWeight[qa + 1]; val v2 = aWeight[qa + 2]; val v3 = aWeight[qa + 3]
        // Each < 255 · 2 · ONE < 2^20.
        if (perByte) t.lumaPerByte(v0, v1, v2, v3, span) else t.lumaPerTap(v0, v1, v2, v3)
        t.chromaCopied(ub, vb, outer, qa, chromaSpan)
    }) { qb, u0, u1, u2, u3 ->
        (u0 * sY[qb]).toLong() + (u1 * sY[qb + 1]).toLong() + (u2 * sY[qb + 2]).toLong() +
            (u3 * sY[qb + 3]).toLong()
    }
}

/**
 * [yuv2x2Copied]'s luma weighed down the copied lines ([v0] .. [v3]) into [OutputTaps.sum2] at
 * each inner tap, where the span has no more bytes than the taps: at every byte of the span first
 * (into [OutputTaps.sum0], as long as the taps: a loop over neighbouring bytes, its bounds checks
 * hoisted), then gathered per tap (one load and check instead of four).
 */
private fun OutputTaps.lumaPerByte(v0: Int, v1: Int, v2: Int, v3: Int, span: Int) {
    val r0 = row0; val r1 = row1; val r2 = row2; val r3 = row3
    val s = sum0
    for (x in 0 until span) s[x] = v0 * ub(r0, x) + v1 * ub(r1, x) + v2 * ub(r2, x) + v3 * ub(r3, x)
    val sY = sum2; val rel = rel
    for (j in from until to) sY[j] = s[rel[j]]
}

/**
 * [yuv2x2Copied]'s luma weighed down the copied lines ([v0] .. [v3]) into [OutputTaps.sum2] at
 * each inner tap.
 */
private fun OutputTaps.lumaPerTap(v0: Int, v1: Int, v2: Int, v3: Int) {
    val r0 = row0; val r1 = row1; val r2 = row2; val r3 = row3
    val sY = sum2; val rel = rel
    for (j in from until to) {
        val b = rel[j]
        sY[j] = v0 * ub(r0, b) + v1 * ub(r1, b) + v2 * ub(r2, b) + v3 * ub(r3, b)
    }
}

/** [bilinearYuv]'s 2 × 2 loop with the luma taps read in place (a wide span: few taps on long rows). */
private inline fun Resampler.yuv2x2InPlace(frame: CameraFrame, fill: Int, put: (Int, Long, Long, Long) -> Unit) {
    val t = innerTaps
    val aTap = outerTaps.tap; val aWeight = outerTaps.weight
    var v0 = 0; var v1 = 0; var v2 = 0; var v3 = 0
    val yb = frame.bytes
    val bTap = t.tap
    var a0 = 0; var a1 = 0; var a2 = 0; var a3 = 0
    val ub = frame.u; val vb = frame.v
    val outer = outerTaps
    yuv2x2(frame, fill, put, { qa ->
        a0 = aTap[qa]; a1 = aTap[qa + 1]; a2 = aTap[qa + 2]; a3 = aTap[qa + 3]
        v0 = aWeight[qa]; v1 = aWeight[qa + 1]; v2 = aWeight[qa + 2]; v3 = aWeight[qa + 3]
        t.chromaInPlace(ub, vb, outer, qa)
    }) { qb, u0, u1, u2, u3 ->
        // Down the lines first, per inner tap (each < 255 · 2 · ONE < 2^20, times u below 2^31):
        // the outer taps and weights stay in registers across the samples, a tap's only for its
        // column.
        (u0 * column(yb, bTap[qb], a0, a1, a2, a3, v0, v1, v2, v3)).toLong() +
            (u1 * column(yb, bTap[qb + 1], a0, a1, a2, a3, v0, v1, v2, v3)).toLong() +
            (u2 * column(yb, bTap[qb + 2], a0, a1, a2, a3, v0, v1, v2, v3)).toLong() +
            (u3 * column(yb, bTap[qb + 3], a0, a1, a2, a3, v0, v1, v2, v3)).toLong()
    }
}

/** Σ v_i · Y(a_i + [b]): one inner tap's luma weighted down the outer sample's 4 lines. */
@Suppress("NOTHING_TO_INLINE")
private inline fun column(
    yb: ByteBuffer, b: Int, a0: Int, a1: Int, a2: Int, a3: Int, v0: Int, v1: Int, v2: Int, v3: Int,
): Int = v0 * byte(yb, a0 + b) + v1 * byte(yb, a1 + b) + v2 * byte(yb, a2 + b) + v3 * byte(yb, a3 + b)

/**
 * The walk of [bilinearYuv]'s 2 × 2 loop: [line] (the outer axis' slot 4a) loads an outer
 * sample's luma lines and weighs its chroma down the merged lines ([OutputTaps.chromaUV]); per
 * output sample (the inner slot 4b and the inner weights) [luma] gives the luma sum, and the
 * chroma sums are 4 multiply-adds of U | V shl 32 (each sum < 255 · 4 · ONE² < 2^32, so a Long's
 * lanes, its products wrapping exactly).
 */
private inline fun Resampler.yuv2x2(
    frame: CameraFrame, fill: Int, put: (Int, Long, Long, Long) -> Unit,
    line: (Int) -> Unit, luma: (Int, Int, Int, Int, Int) -> Long,
) {
    val k = if (frame.fullRange) YUV_SUMS_FULL_RANGE else YUV_SUMS_VIDEO_RANGE
    val total = 4L * ONE * ONE
    // What [YuvSums.put] gives for zero sums and the fill's whole weight.
    val fillOnly = (fill * total) shl 16
    val bWeight = innerTaps.weight
    val chromaRel = innerTaps.chromaRel
    val uv = innerTaps.chromaUV
    walk2x2(line, { at -> put(at, fillOnly, fillOnly, fillOnly) }) { at, qb, inside ->
        val u0 = bWeight[qb]; val u1 = bWeight[qb + 1]; val u2 = bWeight[qb + 2]; val u3 = bWeight[qb + 3]
        val sY = luma(qb, u0, u1, u2, u3)
        val sUV = u0.toLong() * uv[chromaRel[qb]] + u1.toLong() * uv[chromaRel[qb + 1]] +
            u2.toLong() * uv[chromaRel[qb + 2]] + u3.toLong() * uv[chromaRel[qb + 3]]
        // Inside the image (the common case) the weight is the constant total and the fill is 0.
        if (inside == total) k.put(at, sY, sUV and 0xFFFFFFFFL, sUV ushr 32, total, 0L, put)
        else k.put(at, sY, sUV and 0xFFFFFFFFL, sUV ushr 32, inside, fill * (total - inside), put)
    }
}

/** [bilinearYuv] for any sub-sample counts, sub-sample by sub-sample. */
internal fun Resampler.bilinearYuvGeneral(frame: CameraFrame, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int) {
    val yb = frame.bytes
    val ub = frame.u
    val vb = frame.v
    val k = if (frame.fullRange) YUV_SUMS_FULL_RANGE else YUV_SUMS_VIDEO_RANGE
    val total = sx.toLong() * sy * ONE * ONE
    // 1 / (total · 2^16): a power of two, so the product is the exact quotient.
    val norm = 1.0 / (total shl 16).toDouble()
    val out = out
    // Walk the frame in buffer order: along upright rows when they run along buffer rows
    // (0°, 180°), else down upright columns (90°, 270°: an upright column is a buffer row),
    // so that consecutive samples read neighbouring bytes.
    val rowMajor = frame.rotationDegrees % 180 == 0
    val outer = if (rowMajor) outH else outW
    val inner = if (rowMajor) outW else outH
    for (a in 0 until outer) {
        for (b in 0 until inner) {
            val i = if (rowMajor) a else b
            val j = if (rowMajor) b else a
            var sY = 0L
            var sU = 0L
            var sV = 0L
            forSubsamples(i, j, sx, sy) { r0, r1, s0, s1, v0, v1, c0, c1, d0, d1, u0, u1 ->
                sY += v0 * (u0 * byte(yb, r0 + c0) + u1 * byte(yb, r0 + c1)) +
                    v1 * (u0 * byte(yb, r1 + c0) + u1 * byte(yb, r1 + c1))
                sU += v0 * (u0 * byte(ub, s0 + d0) + u1 * byte(ub, s0 + d1)) +
                    v1 * (u0 * byte(ub, s1 + d0) + u1 * byte(ub, s1 + d1))
                sV += v0 * (u0 * byte(vb, s0 + d0) + u1 * byte(vb, s0 + d1)) +
                    v1 * (u0 * byte(vb, s1 + d0) + u1 * byte(vb, s1 + d1))
            }
            val inside = rowInside[i].toLong() * colInside[j]
            k.store(out, 3 * (i * outW + j), sY, sU, sV, inside, fill * (total - inside), norm)
        }
    }
}

/** The unsigned byte at [at] of [b]. */
@Suppress("NOTHING_TO_INLINE")
private inline fun ub(b: ByteArray, at: Int): Int = b[at].toInt() and 0xFF

/** The unsigned byte at absolute index [at] of [b]. */
@Suppress("NOTHING_TO_INLINE")
private inline fun byte(b: ByteBuffer, at: Int): Int = b.get(at).toInt() and 0xFF
