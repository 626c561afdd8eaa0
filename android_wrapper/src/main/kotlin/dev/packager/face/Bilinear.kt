// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.nio.Buffer
import java.nio.ByteBuffer

// The BILINEAR loops of [Resampler] shaped for speed: the common 2 × 2 sub-sample downscale's
// tables and scratch ([OutputTaps]) and walk ([walk2x2]); the loops are packed RGB's ([packed2x2],
// PackedBilinear.kt: lines weighted in loops over arrays) and YUV's (BilinearYuv.kt). The same
// integers as [Resampler.bilinearSums] and the reference, so the same bits; docs/DESIGN.md
// ("Camera frames") has what each shape measured on HotSpot.

/**
 * The taps of one axis regrouped per output sample for the 2 × 2 loops: slots 4o ..< 4o + 4 of
 * [tap], [weight] and [chroma] are output sample o's taps (sub-sample 2o's taps k, k + 1, then
 * sub-sample 2o + 1's) as [bilinearTaps] writes them; with merging, its distinct chroma index
 * parts are merged[4o ..< 4o + mergedCount[o]], with their summed weights in [mergedWeight].
 * [count] output samples, [inside] their weights inside the image, [step] the distance of
 * neighbouring samples in the output (3 along a row, 3 · width down a column); slots [from] ..<
 * [to] are those of the samples with a tap inside the image (the others lie in the letterbox's
 * bars).
 *
 * The inner axis' table also holds the 2 × 2 loops' per-line scratch: [line0] .. [line3], one
 * outer sample's 4 lines of taps gathered at the inner slots, and [sum0] .. [sum2], their
 * weighted sums down the lines per channel ([combine]); so that the weighting is loops over
 * arrays, which HotSpot's C2 vectorises; [row0] .. [row3], YUV's luma lines copied
 * ([copyRows]; weighted down the lines at each inner tap into [sum2]), and [rel], the inner taps
 * less [lo], their least ([span]); YUV's chroma weighted
 * down the outer sample's merged lines, U | V shl 32 per chroma sample the inner taps use, in
 * [chromaUV] at [chromaRel] (each inner slot's chroma index part less [chromaLo]: [chromaSpan],
 * [chromaCopied], [chromaInPlace]).
 */
internal class OutputTaps {
    var tap = IntArray(0)
    var weight = IntArray(0)
    var chroma = IntArray(0)
    var merged = IntArray(0)
    var mergedWeight = IntArray(0)
    var mergedCount = IntArray(0)
    var count = 0
    var inside = IntArray(0)
    var step = 0
    var from = 0
    var to = 0
    var line0 = IntArray(0); var line1 = IntArray(0); var line2 = IntArray(0); var line3 = IntArray(0)
    var sum0 = IntArray(0); var sum1 = IntArray(0); var sum2 = IntArray(0)
    var lo = 0
    var rel = IntArray(0)
    var row0 = ByteArray(0); var row1 = ByteArray(0); var row2 = ByteArray(0); var row3 = ByteArray(0)
    var chromaLo = 0
    var chromaRel = IntArray(0)
    var chromaUV = LongArray(0)
    private var chromaCols = IntArray(0)
    private var chromaColCount = 0
    private var least = 0
    private var used = BooleanArray(0)
    private var u0 = ByteArray(0); private var u1 = ByteArray(0)
    private var u2 = ByteArray(0); private var u3 = ByteArray(0)
    private var v0 = ByteArray(0); private var v1 = ByteArray(0)
    private var v2 = ByteArray(0); private var v3 = ByteArray(0)
    private val yView = PlaneView()
    private val uView = PlaneView()
    private val vView = PlaneView()

    /**
     * The byte span of the taps in slots [from] ..< [to] (0 if none): sets [lo], their least, and
     * [rel], each tap less [lo].
     */
    fun span(): Int {
        if (rel.size < 4 * count) rel = IntArray(4 * count)
        val span = relative(tap, rel)
        lo = least
        return span
    }

    /**
     * The chroma span of the taps in slots [from] ..< [to] (0 if none): sets [chromaLo], their
     * least chroma index part, [chromaRel], each less [chromaLo], and the distinct ones, ascending
     * ([chromaCopied] and [chromaInPlace] weigh those).
     */
    fun chromaSpan(): Int {
        if (chromaRel.size < 4 * count) { chromaRel = IntArray(4 * count); chromaCols = IntArray(4 * count) }
        val span = relative(chroma, chromaRel)
        chromaLo = least
        if (chromaUV.size < span) { chromaUV = LongArray(span); used = BooleanArray(span) }
        java.util.Arrays.fill(used, 0, span, false)
        for (j in from until to) used[chromaRel[j]] = true
        var n = 0
        for (x in 0 until span) if (used[x]) chromaCols[n++] = x
        chromaColCount = n
        return span
    }

    /** The span of values[from ..< to] (0 if none); rel[j] = values[j] less their least ([least]). */
    private fun relative(values: IntArray, rel: IntArray): Int {
        if (from == to) { least = 0; return 0 }
        var l = Int.MAX_VALUE; var h = Int.MIN_VALUE
        for (j in from until to) { l = minOf(l, values[j]); h = maxOf(h, values[j]) }
        for (j in from until to) rel[j] = values[j] - l
        least = l
        return h - l + 1
    }

    /** Bytes lo + a ..< lo + a + [span] of [b] into [row0] .. [row3] for a = [a0] .. [a3]. */
    fun copyRows(b: ByteBuffer, a0: Int, a1: Int, a2: Int, a3: Int, span: Int) {
        if (row0.size < span) {
            row0 = ByteArray(span); row1 = ByteArray(span); row2 = ByteArray(span); row3 = ByteArray(span)
        }
        val v = yView.of(b)
        copy(v, a0 + lo, row0, span); copy(v, a1 + lo, row1, span)
        copy(v, a2 + lo, row2, span); copy(v, a3 + lo, row3, span)
    }

    /**
     * The chroma of [outer]'s sample at slot [qa] weighted down its merged lines at the chroma
     * samples the inner taps use in their chroma span [span] ([chromaSpan]): each merged line's
     * span of U and of V copied ([u] and [v] are separate buffers, even where they view one
     * plane), then U | V shl 32 into [chromaUV] at chroma index part less [chromaLo].
     */
    fun chromaCopied(ub: ByteBuffer, vb: ByteBuffer, outer: OutputTaps, qa: Int, span: Int) {
        if (u0.size < span) {
            u0 = ByteArray(span); u1 = ByteArray(span); u2 = ByteArray(span); u3 = ByteArray(span)
            v0 = ByteArray(span); v1 = ByteArray(span); v2 = ByteArray(span); v3 = ByteArray(span)
        }
        val n = outer.mergedCount[qa shr 2]
        val m = outer.merged
        val u = uView.of(ub); val v = vView.of(vb)
        val lo = chromaLo
        val a0 = u0; val a1 = u1; val a2 = u2; val a3 = u3
        val b0 = v0; val b1 = v1; val b2 = v2; val b3 = v3
        copy(u, m[qa] + lo, a0, span); copy(v, m[qa] + lo, b0, span)
        if (n > 1) { copy(u, m[qa + 1] + lo, a1, span); copy(v, m[qa + 1] + lo, b1, span) }
        if (n > 2) { copy(u, m[qa + 2] + lo, a2, span); copy(v, m[qa + 2] + lo, b2, span) }
        if (n > 3) { copy(u, m[qa + 3] + lo, a3, span); copy(v, m[qa + 3] + lo, b3, span) }
        weighChroma(
            outer, qa, { x -> uv(a0, b0, x) }, { x -> uv(a1, b1, x) }, { x -> uv(a2, b2, x) }, { x -> uv(a3, b3, x) },
        )
    }

    /**
     * [chromaCopied] read in place (a wide span: few chroma samples used on long lines), one
     * `ByteBuffer.get` per plane, merged line and chroma sample used.
     */
    fun chromaInPlace(ub: ByteBuffer, vb: ByteBuffer, outer: OutputTaps, qa: Int) {
        val m = outer.merged
        val lo = chromaLo
        val c0 = m[qa] + lo; val c1 = m[qa + 1] + lo; val c2 = m[qa + 2] + lo; val c3 = m[qa + 3] + lo
        weighChroma(
            outer, qa, { x -> uv(ub, vb, c0 + x) }, { x -> uv(ub, vb, c1 + x) }, { x -> uv(ub, vb, c2 + x) },
            { x -> uv(ub, vb, c3 + x) },
        )
    }

    /**
     * chromaUV[x] = Σ_i w_i · line_i(x) for the chroma samples x the inner taps use, over [outer]'s
     * merged lines at slot [qa] (line_i: U | V shl 32 of merged line i at x), a loop per line count.
     */
    private inline fun weighChroma(
        outer: OutputTaps, qa: Int, line0: (Int) -> Long, line1: (Int) -> Long, line2: (Int) -> Long,
        line3: (Int) -> Long,
    ) {
        val mw = outer.mergedWeight
        val w0 = mw[qa].toLong(); val w1 = mw[qa + 1].toLong()
        val w2 = mw[qa + 2].toLong(); val w3 = mw[qa + 3].toLong()
        val c = chromaUV
        val cols = chromaCols
        val count = chromaColCount
        when (outer.mergedCount[qa shr 2]) {
            1 -> for (k in 0 until count) { val x = cols[k]; c[x] = w0 * line0(x) }
            2 -> for (k in 0 until count) { val x = cols[k]; c[x] = w0 * line0(x) + w1 * line1(x) }
            3 -> for (k in 0 until count) { val x = cols[k]; c[x] = w0 * line0(x) + w1 * line1(x) + w2 * line2(x) }
            else -> for (k in 0 until count) {
                val x = cols[k]
                c[x] = w0 * line0(x) + w1 * line1(x) + w2 * line2(x) + w3 * line3(x)
            }
        }
    }

    fun set(
        out: Int, index0: IntArray, index1: IntArray, chroma0: IntArray, chroma1: IntArray,
        weight0: IntArray, weight1: IntArray, inside: IntArray, step: Int, merge: Boolean,
    ) {
        if (tap.size < 4 * out) {
            tap = IntArray(4 * out); weight = IntArray(4 * out); chroma = IntArray(4 * out)
            merged = IntArray(4 * out); mergedWeight = IntArray(4 * out); mergedCount = IntArray(out)
        }
        count = out
        this.inside = inside
        this.step = step
        for (q in 0 until 2 * out) {
            tap[2 * q] = index0[q]; tap[2 * q + 1] = index1[q]
            weight[2 * q] = weight0[q]; weight[2 * q + 1] = weight1[q]
            chroma[2 * q] = chroma0[q]; chroma[2 * q + 1] = chroma1[q]
        }
        if (merge) for (o in 0 until out) mergedCount[o] = mergeChroma(4 * o)
        var first = 0
        while (first < out && inside[first] == 0) first++
        var last = out
        while (last > first && inside[last - 1] == 0) last--
        from = 4 * first
        to = 4 * last
    }

    /** Sizes the scratch arrays for [count] samples (once: later frames reuse them). */
    fun scratch() {
        if (line0.size < 4 * count) {
            line0 = IntArray(4 * count); line1 = IntArray(4 * count)
            line2 = IntArray(4 * count); line3 = IntArray(4 * count)
            sum0 = IntArray(4 * count); sum1 = IntArray(4 * count); sum2 = IntArray(4 * count)
        }
    }

    /**
     * dst[j] = Σ_i v_i · ((line_i[j] shr [shift]) and 0xFF) over slots [from] ..< [to]: one
     * channel of the 4 lines weighted by the outer taps' weights (each below 255 · 2 · ONE).
     */
    fun combine(dst: IntArray, shift: Int, v0: Int, v1: Int, v2: Int, v3: Int) {
        val l0 = line0; val l1 = line1; val l2 = line2; val l3 = line3
        for (j in from until to) {
            dst[j] = v0 * ((l0[j] shr shift) and 0xFF) + v1 * ((l1[j] shr shift) and 0xFF) +
                v2 * ((l2[j] shr shift) and 0xFF) + v3 * ((l3[j] shr shift) and 0xFF)
        }
    }

    /** Merges the equal chroma index parts of slots base ..< base + 4; returns how many are distinct. */
    private fun mergeChroma(base: Int): Int {
        var n = 0
        for (t in base until base + 4) {
            var m = base
            while (m < base + n && merged[m] != chroma[t]) m++
            if (m == base + n) {
                merged[m] = chroma[t]
                mergedWeight[m] = 0
                n++
            }
            mergedWeight[m] += weight[t]
        }
        return n
    }
}

/**
 * A view of a buffer with its own position, made once per buffer (later frames of it reuse it), and
 * again when the buffer's limit has moved since (a view keeps the limit it was made with).
 */
private class PlaneView {
    private var view: ByteBuffer? = null
    private var viewOf: ByteBuffer? = null

    fun of(b: ByteBuffer): ByteBuffer {
        val v = view
        if (viewOf !== b || v == null || v.limit() != b.limit()) {
            view = b.duplicate(); viewOf = b
        }
        return view!!
    }
}

/** Bytes [at] ..< [at] + [n] of [v] (a [PlaneView]) into dst[0 ..< n]. */
private fun copy(v: ByteBuffer, at: Int, dst: ByteArray, n: Int) {
    // Positioned through Buffer: ByteBuffer.position(Int) returning ByteBuffer is Java 9+, a
    // method older Android versions lack.
    val p: Buffer = v
    p.position(at)
    v.get(dst, 0, n)
}

/** U | V shl 32 of byte [x] of [u] and [v] (unsigned). */
@Suppress("NOTHING_TO_INLINE")
private inline fun uv(u: ByteBuffer, v: ByteBuffer, x: Int): Long =
    (u.get(x).toInt() and 0xFF).toLong() or ((v.get(x).toInt() and 0xFF).toLong() shl 32)

/** U | V shl 32 of byte [x] of [u] and [v] (unsigned). */
@Suppress("NOTHING_TO_INLINE")
private inline fun uv(u: ByteArray, v: ByteArray, x: Int): Long =
    (u[x].toInt() and 0xFF).toLong() or ((v[x].toInt() and 0xFF).toLong() shl 32)

/**
 * The 2 × 2 loops' tables ([OutputTaps]) for an outW × outH output: the axis walked in the outer
 * loop into [Resampler.outerTaps] (its chroma merged when [merge]), the other into
 * [Resampler.innerTaps]. The walk follows the buffer: along upright rows when they run along
 * buffer rows ([rowMajor]: 0°, 180°), else down upright columns (90°, 270°: an upright column is a
 * buffer row), so that consecutive samples read neighbouring bytes.
 */
internal fun Resampler.walkTaps(outW: Int, outH: Int, rowMajor: Boolean, merge: Boolean) {
    val rows = if (rowMajor) outerTaps else innerTaps
    val cols = if (rowMajor) innerTaps else outerTaps
    rows.set(outH, row0, row1, rowChroma0, rowChroma1, rowWeight0, rowWeight1, rowInside, 3 * outW, merge && rowMajor)
    cols.set(outW, col0, col1, colChroma0, colChroma1, colWeight0, colWeight1, colInside, 3, merge && !rowMajor)
}

/**
 * The walk of the 2 × 2 loops over the output ([walkTaps]): [line] (the outer axis' slot 4a) once
 * per outer sample, for the caller to load that sample's taps out of the inner loop; then [value]
 * (index into the output, the inner axis' slot 4b, the sample's weight inside the image) for every
 * sample with a tap inside; [fillOnly] (index) for the others, whose taps all lie outside (the
 * letterbox's bars): the fill alone, as their zero-weight sums would give, without reading taps.
 * An outer sample with no tap inside is a whole line of those, walked without a test per sample
 * (kargb32: detector pre −3 to −9 % at 44 % / 25 % bars, ARGB and NV21).
 */
internal inline fun Resampler.walk2x2(line: (Int) -> Unit, fillOnly: (Int) -> Unit, value: (Int, Int, Long) -> Unit) {
    val aInside = outerTaps.inside
    val bInside = innerTaps.inside
    val stepA = outerTaps.step
    val stepB = innerTaps.step
    val inner = innerTaps.count
    val first = innerTaps.from shr 2
    val last = innerTaps.to shr 2
    for (a in 0 until outerTaps.count) {
        val insideA = aInside[a].toLong()
        var at = a * stepA
        if (insideA == 0L) {
            // A line in the letterbox's bars, in a loop of its own: no test per sample.
            for (b in 0 until inner) { fillOnly(at); at += stepB }
            continue
        }
        line(4 * a)
        // The inner samples with a tap inside lie in first ..< last ([OutputTaps.set]); one of
        // them whose taps inside all weigh 0 gives the fill alone through [value] too.
        for (b in 0 until first) { fillOnly(at); at += stepB }
        for (b in first until last) { value(at, 4 * b, insideA * bInside[b]); at += stepB }
        for (b in last until inner) { fillOnly(at); at += stepB }
    }
}

