// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.nio.ByteBuffer
import kotlin.math.abs
import kotlin.math.ceil
import kotlin.math.floor
import kotlin.math.max
import kotlin.math.min

// Exact resampling shared by the letterbox and the face crop: BILINEAR, ANTIALIAS and NEAREST as
// the module docstring of packager/reference/resample.py states them (their one home: canvas,
// sample positions, fixed-point weights, filters, what is refused); this file implements those
// formulas, checked against the reference bit for bit (antialias to 1e-12).
// Kotlin specifics: c and p are computed in Double exactly as written (the JVM never fuses a
// multiply and an add); the image is the upright image of a CameraFrame (CameraFrame.kt): each
// pixel read is mapped to the buffer; a YUV frame's BILINEAR sums its Y, U and V planes and converts
// each output value once (the reference's frames.py), the other methods convert each pixel they read.

// The limits MAX_RESAMPLE_STEP, MAX_RESAMPLE_COORDINATE, FRACTION_BITS and MAX_SUBSAMPLES are in
// Recipes.kt (rendered from packager/reference/resample.py).

/** The sum of the two BILINEAR weights of a sub-sample. */
private const val ONE: Int = 1 shl FRACTION_BITS

/**
 * The source step per output sample of the span [start, end) sampled [out] times, after refusing
 * ([InvalidBoxException], Swift's `.invalidBox`) what every method and language refuses.
 */
internal fun checkedStep(start: Double, end: Double, out: Int): Double {
    val step = (end - start) / out
    val accepted =
        out > 0 && start.isFinite() && end.isFinite() && abs(start) <= MAX_RESAMPLE_COORDINATE &&
            abs(end) <= MAX_RESAMPLE_COORDINATE && step > 0.0 && step <= MAX_RESAMPLE_STEP
    if (!accepted) throw InvalidBoxException("cannot resample the span [$start, $end) onto $out samples")
    return step
}

/** BILINEAR sub-samples per output sample along an axis: min(MAX_SUBSAMPLES, ceil(step)), at least 1. */
internal fun subsamples(step: Double): Int = min(MAX_SUBSAMPLES, max(1, ceil(step).toInt()))

/** Checks an ARGB pixel buffer; InvalidImageException for a zero-size image or a wrong length. */
internal fun checkImage(pixels: IntArray, width: Int, height: Int) {
    requireImage(width > 0 && height > 0) { "image has zero size ($width × $height)" }
    requireImage(pixels.size.toLong() == width.toLong() * height) {
        "pixel array has ${pixels.size} values; a $width × $height image needs ${width.toLong() * height}"
    }
}

/**
 * The resampler of one wrapper: its tap tables and its output are kept and reused by the next
 * call (grown when a call needs more), so that BILINEAR and NEAREST allocate nothing per frame.
 * Not thread-safe.
 *
 * It samples the upright image of a [CameraFrame]: the tap tables hold, per upright column and
 * row, the part of the buffer index (and of the chroma index) that it contributes, so that a
 * rotated or mirrored frame costs what an upright one does, and a pixel is converted to RGB only
 * where a tap reads it.
 */
internal class Resampler {
    // BILINEAR, per sub-sample of the x axis: the index parts of taps k and k + 1 in the frame's
    // main plane (col0, col1) and chroma planes (chroma0, chroma1), and their weights. A tap
    // outside the image points at index part 0 with weight 0; its weight goes to the fill, whose
    // share of output sample j is what its sub-samples' weights inside, colInside[j], leave.
    // NEAREST uses col0 and chroma0 alone, col0 = −1 for the fill.
    private var col0 = IntArray(0)
    private var col1 = IntArray(0)
    private var colChroma0 = IntArray(0)
    private var colChroma1 = IntArray(0)
    private var colWeight0 = IntArray(0)
    private var colWeight1 = IntArray(0)
    private var colInside = IntArray(0)

    // The same for the y axis.
    private var row0 = IntArray(0)
    private var row1 = IntArray(0)
    private var rowChroma0 = IntArray(0)
    private var rowChroma1 = IntArray(0)
    private var rowWeight0 = IntArray(0)
    private var rowWeight1 = IntArray(0)
    private var rowInside = IntArray(0)

    /** R, G, B of the last BILINEAR or NEAREST call. */
    private var out = DoubleArray(0)

    /** [rgb] of a packed upright ARGB image (width · height pixels, row-major). */
    fun rgb(
        pixels: IntArray, width: Int, height: Int,
        x0: Double, y0: Double, x1: Double, y1: Double,
        outW: Int, outH: Int, method: Interpolation, fill: Double,
    ): DoubleArray {
        checkImage(pixels, width, height)
        return rgb(CameraFrame.argb(pixels, width, height), x0, y0, x1, y1, outW, outH, method, fill)
    }

    /**
     * Resamples the source rectangle (x0, y0, x1, y1) of the frame's upright image onto
     * outW × outH pixels: R, G, B doubles 0..255, row-major, 3 per pixel. BILINEAR and NEAREST
     * return this resampler's own array, overwritten by the next call; ANTIALIAS a new one.
     * InvalidBoxException for a rectangle the reference refuses, InvalidConfigException for a fill it
     * refuses (checked before anything is written).
     */
    fun rgb(
        frame: CameraFrame,
        x0: Double, y0: Double, x1: Double, y1: Double,
        outW: Int, outH: Int, method: Interpolation, fill: Double,
    ): DoubleArray {
        if (method == Interpolation.ANTIALIAS) {
            return resampleAntialias(frame, x0, y0, x1, y1, outW, outH, fill)
        }
        if (method == Interpolation.BILINEAR) {
            requireConfig(fill == floor(fill) && fill >= 0.0 && fill <= 255.0) {
                "bilinear resampling takes an integer fill 0..255, not $fill"
            }
        }
        checkedStep(x0, x1, outW)
        checkedStep(y0, y1, outH)
        if (out.size != outW * outH * 3) out = DoubleArray(outW * outH * 3)
        if (method == Interpolation.BILINEAR) {
            bilinear(frame, x0, y0, x1, y1, outW, outH, fill.toInt())
        } else {
            nearest(frame, x0, y0, x1, y1, outW, outH, fill)
        }
        return out
    }

    private fun ensureTaps(nx: Int, ny: Int, outW: Int, outH: Int) {
        if (col0.size < nx) {
            col0 = IntArray(nx)
            col1 = IntArray(nx)
            colChroma0 = IntArray(nx)
            colChroma1 = IntArray(nx)
            colWeight0 = IntArray(nx)
            colWeight1 = IntArray(nx)
        }
        if (row0.size < ny) {
            row0 = IntArray(ny)
            row1 = IntArray(ny)
            rowChroma0 = IntArray(ny)
            rowChroma1 = IntArray(ny)
            rowWeight0 = IntArray(ny)
            rowWeight1 = IntArray(ny)
        }
        if (colInside.size < outW) colInside = IntArray(outW)
        if (rowInside.size < outH) rowInside = IntArray(outH)
    }

    /**
     * BILINEAR: the tap tables, then the sums, in a loop specialised per pixel format (each
     * branch inlines its own copy of [bilinearSums] or [packed2x2] with its own pixel read: no
     * call or format test per pixel).
     */
    private fun bilinear(
        frame: CameraFrame,
        x0: Double, y0: Double, x1: Double, y1: Double,
        outW: Int, outH: Int, fill: Int,
    ) {
        val sx = subsamples((x1 - x0) / outW)
        val sy = subsamples((y1 - y0) / outH)
        ensureTaps(outW * sx, outH * sy, outW, outH)
        bilinearTaps(
            x0, x1, outW, sx, frame, true, col0, col1, colChroma0, colChroma1, colWeight0, colWeight1, colInside,
        )
        bilinearTaps(
            y0, y1, outH, sy, frame, false, row0, row1, rowChroma0, rowChroma1, rowWeight0, rowWeight1, rowInside,
        )
        // Walk the frame in buffer order (see bilinearYuv).
        val rowMajor = frame.rotationDegrees % 180 == 0
        when (frame.format) {
            FrameFormat.ARGB -> bilinearArgb(frame.ints, outW, outH, sx, sy, fill, rowMajor)
            FrameFormat.RGBA -> bilinearRgba(frame.bytes, outW, outH, sx, sy, fill, rowMajor)
            FrameFormat.BGRA -> bilinearBgra(frame.bytes, outW, outH, sx, sy, fill, rowMajor)
            FrameFormat.YUV -> bilinearYuv(frame, outW, outH, sx, sy, fill)
        }
    }

    // One method per pixel format, each with its own copy of the loop ([packed2x2] for the common
    // 2 × 2 downscale, [bilinearSums] otherwise; both inline), so that every loop is compiled for
    // one pixel read. Without chroma the main tables stand in for the chroma ones: the JIT loads
    // them once. Writing the 16 taps of the 2 × 2 case out, rather than looping over sub-samples,
    // measured 0.53 → 0.41 ms (ARGB) and 0.92 → 0.55 ms (NV21, with merged chroma) for the
    // detector's 128 × 128 on HotSpot: the short inner loops were not unrolled.

    private fun bilinearArgb(pixels: IntArray, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int, rowMajor: Boolean) =
        if (sx == 2 && sy == 2) packed2x2(outW, outH, fill, rowMajor) { at -> pixels[at] }
        else bilinearSums(outW, outH, sx, sy, fill, col0, col1, row0, row1) { at, _ -> pixels[at] }

    /** [bytes] is the frame's big-endian view: R G B A → 0xRRGGBBAA. */
    private fun bilinearRgba(bytes: ByteBuffer, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int, rowMajor: Boolean) =
        if (sx == 2 && sy == 2) packed2x2(outW, outH, fill, rowMajor) { at -> bytes.getInt(at) ushr 8 }
        else bilinearSums(outW, outH, sx, sy, fill, col0, col1, row0, row1) { at, _ -> bytes.getInt(at) ushr 8 }

    /** [bytes] is the frame's little-endian view: B G R A → 0xAARRGGBB. */
    private fun bilinearBgra(bytes: ByteBuffer, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int, rowMajor: Boolean) =
        if (sx == 2 && sy == 2) packed2x2(outW, outH, fill, rowMajor) { at -> bytes.getInt(at) }
        else bilinearSums(outW, outH, sx, sy, fill, col0, col1, row0, row1) { at, _ -> bytes.getInt(at) }

    /**
     * YUV frames (packager/reference/frames.py, "Resampling a YUV frame"): the planes' integer
     * sums over the same taps — Y by the main tables, U and V by the chroma ones — then BT.601
     * once per output value, on the sums, exactly ([YuvSums.store]).
     *
     * The weights are products of a row weight and a column weight, so a plane's sum over the
     * sample's taps factors: Σ over its row taps of the row weight times Σ over its column taps
     * of the column weight times the value ([outputTaps]: per output sample, its 2s taps of an
     * axis). Chroma samples are shared by neighbouring pixels (4:2:0), so along the axis walked
     * in the outer loop equal chroma index parts are merged (their weights added): the same
     * integers, fewer reads. The common downscale (2 × 2 sub-samples: 4 taps per axis) is one
     * loop with the 16 luma taps written out; other sample counts take [bilinearYuvGeneral].
     * A line's inner sum is at most 255 · 2 · ONE < 2^20, times its weight ≤ ONE below 2^31 (an
     * Int); a merged chroma weight reaches 2 · ONE, so the chroma products are Longs, as the sums.
     */
    private fun bilinearYuv(frame: CameraFrame, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int) {
        if (sx != 2 || sy != 2) return bilinearYuvGeneral(frame, outW, outH, sx, sy, fill)
        val yb = frame.bytes
        val ub = frame.u
        val vb = frame.v
        val k = if (frame.fullRange) YUV_SUMS_FULL_RANGE else YUV_SUMS_VIDEO_RANGE
        val total = 4L * ONE * ONE
        // 1 / (total · 2^16): a power of two, so the product is the exact quotient.
        val norm = 1.0 / (total shl 16).toDouble()
        // Walk the frame in buffer order: along upright rows when they run along buffer rows
        // (0°, 180°), else down upright columns (90°, 270°: an upright column is a buffer row),
        // so that consecutive samples read neighbouring bytes.
        val rowMajor = frame.rotationDegrees % 180 == 0
        ensureOutputTaps(outW * 4, outH * 4)
        outputTaps(outW, 2, col0, col1, colChroma0, colChroma1, colWeight0, colWeight1,
            xTap, xWeight, xChroma, xMerged, xMergedWeight, xMergedCount, !rowMajor)
        outputTaps(outH, 2, row0, row1, rowChroma0, rowChroma1, rowWeight0, rowWeight1,
            yTap, yWeight, yChroma, yMerged, yMergedWeight, yMergedCount, rowMajor)
        val out = out
        val colInside = colInside; val rowInside = rowInside
        // The outer axis' taps (a) and merged chroma taps (m), the inner axis' taps (b) and
        // chroma taps (e): the sums are symmetric in the two axes.
        val aTap = if (rowMajor) yTap else xTap
        val aWeight = if (rowMajor) yWeight else xWeight
        val mTap = if (rowMajor) yMerged else xMerged
        val mWeight = if (rowMajor) yMergedWeight else xMergedWeight
        val mCount = if (rowMajor) yMergedCount else xMergedCount
        val bTap = if (rowMajor) xTap else yTap
        val bWeight = if (rowMajor) xWeight else yWeight
        val bChroma = if (rowMajor) xChroma else yChroma
        val outer = if (rowMajor) outH else outW
        val inner = if (rowMajor) outW else outH
        val aInside = if (rowMajor) rowInside else colInside
        val bInside = if (rowMajor) colInside else rowInside
        val stepA = if (rowMajor) 3 * outW else 3
        val stepB = if (rowMajor) 3 else 3 * outW
        for (a in 0 until outer) {
            val qa = 4 * a
            val a0 = aTap[qa]; val a1 = aTap[qa + 1]; val a2 = aTap[qa + 2]; val a3 = aTap[qa + 3]
            val v0 = aWeight[qa]; val v1 = aWeight[qa + 1]; val v2 = aWeight[qa + 2]; val v3 = aWeight[qa + 3]
            val nm = mCount[a]
            val insideA = aInside[a].toLong()
            var at = a * stepA
            for (b in 0 until inner) {
                val qb = 4 * b
                val b0 = bTap[qb]; val b1 = bTap[qb + 1]; val b2 = bTap[qb + 2]; val b3 = bTap[qb + 3]
                val u0 = bWeight[qb]; val u1 = bWeight[qb + 1]; val u2 = bWeight[qb + 2]; val u3 = bWeight[qb + 3]
                val e0 = bChroma[qb]; val e1 = bChroma[qb + 1]; val e2 = bChroma[qb + 2]; val e3 = bChroma[qb + 3]
                val sY = (v0 * (u0 * byte(yb, a0 + b0) + u1 * byte(yb, a0 + b1) +
                        u2 * byte(yb, a0 + b2) + u3 * byte(yb, a0 + b3))).toLong() +
                    (v1 * (u0 * byte(yb, a1 + b0) + u1 * byte(yb, a1 + b1) +
                        u2 * byte(yb, a1 + b2) + u3 * byte(yb, a1 + b3))).toLong() +
                    (v2 * (u0 * byte(yb, a2 + b0) + u1 * byte(yb, a2 + b1) +
                        u2 * byte(yb, a2 + b2) + u3 * byte(yb, a2 + b3))).toLong() +
                    (v3 * (u0 * byte(yb, a3 + b0) + u1 * byte(yb, a3 + b1) +
                        u2 * byte(yb, a3 + b2) + u3 * byte(yb, a3 + b3))).toLong()
                var sU = 0L
                var sV = 0L
                for (t in qa until qa + nm) {
                    val m = mTap[t]
                    val w = mWeight[t].toLong()  // merged: up to 2 · ONE
                    sU += w * (u0 * byte(ub, m + e0) + u1 * byte(ub, m + e1) +
                        u2 * byte(ub, m + e2) + u3 * byte(ub, m + e3))
                    sV += w * (u0 * byte(vb, m + e0) + u1 * byte(vb, m + e1) +
                        u2 * byte(vb, m + e2) + u3 * byte(vb, m + e3))
                }
                val inside = insideA * bInside[b]
                k.store(out, at, sY, sU, sV, inside, fill * (total - inside), norm)
                at += stepB
            }
        }
    }

    /** [bilinearYuv] for any sub-sample counts, sub-sample by sub-sample. */
    private fun bilinearYuvGeneral(frame: CameraFrame, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int) {
        val yb = frame.bytes
        val ub = frame.u
        val vb = frame.v
        val k = if (frame.fullRange) YUV_SUMS_FULL_RANGE else YUV_SUMS_VIDEO_RANGE
        val total = sx.toLong() * sy * ONE * ONE
        // 1 / (total · 2^16): a power of two, so the product is the exact quotient.
        val norm = 1.0 / (total shl 16).toDouble()
        val out = out
        val col0 = col0; val col1 = col1; val cc0 = colChroma0; val cc1 = colChroma1
        val colWeight0 = colWeight0; val colWeight1 = colWeight1; val colInside = colInside
        val row0 = row0; val row1 = row1; val rc0 = rowChroma0; val rc1 = rowChroma1
        val rowWeight0 = rowWeight0; val rowWeight1 = rowWeight1; val rowInside = rowInside
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
                for (qy in sy * i until sy * i + sy) {
                    val r0 = row0[qy]; val r1 = row1[qy]; val s0 = rc0[qy]; val s1 = rc1[qy]
                    val v0 = rowWeight0[qy]; val v1 = rowWeight1[qy]
                    for (qx in sx * j until sx * j + sx) {
                        val c0 = col0[qx]; val c1 = col1[qx]; val d0 = cc0[qx]; val d1 = cc1[qx]
                        val u0 = colWeight0[qx]; val u1 = colWeight1[qx]
                        sY += v0 * (u0 * byte(yb, r0 + c0) + u1 * byte(yb, r0 + c1)) +
                            v1 * (u0 * byte(yb, r1 + c0) + u1 * byte(yb, r1 + c1))
                        sU += v0 * (u0 * byte(ub, s0 + d0) + u1 * byte(ub, s0 + d1)) +
                            v1 * (u0 * byte(ub, s1 + d0) + u1 * byte(ub, s1 + d1))
                        sV += v0 * (u0 * byte(vb, s0 + d0) + u1 * byte(vb, s0 + d1)) +
                            v1 * (u0 * byte(vb, s1 + d0) + u1 * byte(vb, s1 + d1))
                    }
                }
                val inside = rowInside[i].toLong() * colInside[j]
                k.store(out, 3 * (i * outW + j), sY, sU, sV, inside, fill * (total - inside), norm)
            }
        }
    }

    /**
     * The 2 × 2 sub-sample downscale of a packed RGB frame (4 taps per output sample and axis,
     * [outputTaps]), walked in buffer order as [bilinearYuv] is, its 16 taps written out: R and
     * B summed together as in [bilinearSums], G alone.
     */
    private inline fun packed2x2(outW: Int, outH: Int, fill: Int, rowMajor: Boolean, pixel: (Int) -> Int) {
        val total = 4L * ONE * ONE
        val norm = 1.0 / total.toDouble()
        ensureOutputTaps(outW * 4, outH * 4)
        outputTaps(outW, 2, col0, col1, colChroma0, colChroma1, colWeight0, colWeight1,
            xTap, xWeight, xChroma, xMerged, xMergedWeight, xMergedCount, false)
        outputTaps(outH, 2, row0, row1, rowChroma0, rowChroma1, rowWeight0, rowWeight1,
            yTap, yWeight, yChroma, yMerged, yMergedWeight, yMergedCount, false)
        val out = out
        val aTap = if (rowMajor) yTap else xTap
        val aWeight = if (rowMajor) yWeight else xWeight
        val bTap = if (rowMajor) xTap else yTap
        val bWeight = if (rowMajor) xWeight else yWeight
        val outer = if (rowMajor) outH else outW
        val inner = if (rowMajor) outW else outH
        val aInside = if (rowMajor) rowInside else colInside
        val bInside = if (rowMajor) colInside else rowInside
        val stepA = if (rowMajor) 3 * outW else 3
        val stepB = if (rowMajor) 3 else 3 * outW
        for (a in 0 until outer) {
            val qa = 4 * a
            val a0 = aTap[qa]; val a1 = aTap[qa + 1]; val a2 = aTap[qa + 2]; val a3 = aTap[qa + 3]
            val v0 = aWeight[qa]; val v1 = aWeight[qa + 1]; val v2 = aWeight[qa + 2]; val v3 = aWeight[qa + 3]
            val insideA = aInside[a].toLong()
            var at = a * stepA
            for (b in 0 until inner) {
                val qb = 4 * b
                val b0 = bTap[qb]; val b1 = bTap[qb + 1]; val b2 = bTap[qb + 2]; val b3 = bTap[qb + 3]
                val u0 = bWeight[qb]; val u1 = bWeight[qb + 1]; val u2 = bWeight[qb + 2]; val u3 = bWeight[qb + 3]
                val p00 = pixel(a0 + b0); val p01 = pixel(a0 + b1); val p02 = pixel(a0 + b2); val p03 = pixel(a0 + b3)
                val p10 = pixel(a1 + b0); val p11 = pixel(a1 + b1); val p12 = pixel(a1 + b2); val p13 = pixel(a1 + b3)
                val p20 = pixel(a2 + b0); val p21 = pixel(a2 + b1); val p22 = pixel(a2 + b2); val p23 = pixel(a2 + b3)
                val p30 = pixel(a3 + b0); val p31 = pixel(a3 + b1); val p32 = pixel(a3 + b2); val p33 = pixel(a3 + b3)
                val rb = v0 * (u0 * lanesRb(p00) + u1 * lanesRb(p01) + u2 * lanesRb(p02) + u3 * lanesRb(p03)) +
                    v1 * (u0 * lanesRb(p10) + u1 * lanesRb(p11) + u2 * lanesRb(p12) + u3 * lanesRb(p13)) +
                    v2 * (u0 * lanesRb(p20) + u1 * lanesRb(p21) + u2 * lanesRb(p22) + u3 * lanesRb(p23)) +
                    v3 * (u0 * lanesRb(p30) + u1 * lanesRb(p31) + u2 * lanesRb(p32) + u3 * lanesRb(p33))
                val g = (v0 * (u0 * green(p00) + u1 * green(p01) + u2 * green(p02) + u3 * green(p03))).toLong() +
                    (v1 * (u0 * green(p10) + u1 * green(p11) + u2 * green(p12) + u3 * green(p13))).toLong() +
                    (v2 * (u0 * green(p20) + u1 * green(p21) + u2 * green(p22) + u3 * green(p23))).toLong() +
                    (v3 * (u0 * green(p30) + u1 * green(p31) + u2 * green(p32) + u3 * green(p33))).toLong()
                store(at, rb, g, fill * (total - insideA * bInside[b]), norm)
                at += stepB
            }
        }
    }

    // Per output sample of each axis (YUV BILINEAR): its 2s taps' index parts, weights and chroma
    // index parts, in slots o · 2s ..< o · 2s + 2s; and, on the axis walked outside, its distinct
    // chroma index parts with their summed weights in the first mergedCount[o] of those slots.
    private var xTap = IntArray(0)
    private var xWeight = IntArray(0)
    private var xChroma = IntArray(0)
    private var xMerged = IntArray(0)
    private var xMergedWeight = IntArray(0)
    private var xMergedCount = IntArray(0)
    private var yTap = IntArray(0)
    private var yWeight = IntArray(0)
    private var yChroma = IntArray(0)
    private var yMerged = IntArray(0)
    private var yMergedWeight = IntArray(0)
    private var yMergedCount = IntArray(0)

    private fun ensureOutputTaps(nx: Int, ny: Int) {
        if (xTap.size < nx) {
            xTap = IntArray(nx); xWeight = IntArray(nx); xChroma = IntArray(nx)
            xMerged = IntArray(nx); xMergedWeight = IntArray(nx); xMergedCount = IntArray(nx)
        }
        if (yTap.size < ny) {
            yTap = IntArray(ny); yWeight = IntArray(ny); yChroma = IntArray(ny)
            yMerged = IntArray(ny); yMergedWeight = IntArray(ny); yMergedCount = IntArray(ny)
        }
    }

    /**
     * The sub-sample tables of an axis ([index0] … [weight1], as [bilinearTaps] writes them)
     * regrouped per output sample o: slot o · 2s + 2 (q − s · o) + t holds tap t of sub-sample q.
     * With [merge], merged[o · 2s ..< o · 2s + mergedCount[o]] are the sample's distinct chroma
     * index parts, mergedWeight their summed weights.
     */
    private fun outputTaps(
        out: Int, s: Int, index0: IntArray, index1: IntArray, chroma0: IntArray, chroma1: IntArray,
        weight0: IntArray, weight1: IntArray, tap: IntArray, weight: IntArray, chroma: IntArray,
        merged: IntArray, mergedWeight: IntArray, mergedCount: IntArray, merge: Boolean,
    ) {
        for (q in 0 until out * s) {
            tap[2 * q] = index0[q]; tap[2 * q + 1] = index1[q]
            weight[2 * q] = weight0[q]; weight[2 * q + 1] = weight1[q]
            chroma[2 * q] = chroma0[q]; chroma[2 * q + 1] = chroma1[q]
        }
        if (!merge) return
        val l = 2 * s
        for (o in 0 until out) {
            val base = o * l
            var n = 0
            for (t in base until base + l) {
                var m = base
                while (m < base + n && merged[m] != chroma[t]) m++
                if (m == base + n) {
                    merged[m] = chroma[t]
                    mergedWeight[m] = 0
                    n++
                }
                mergedWeight[m] += weight[t]
            }
            mergedCount[o] = n
        }
    }

    /**
     * The integer sums of the spec, per channel, in any order (integers: every order gives the
     * same sum), over pixels 0x··RRGGBB read by [pixel] (main index, chroma index; the chroma
     * index parts come from the tables [cc0], [cc1], [rc0], [rc1]). R and B are summed together
     * in one Long, R in the high 32 bits and B in the low ones: every partial sum of a channel is
     * at most 255 · sx · sy · ONE² ≤ 255 · 2^24 < 2^32, so B never carries into R (R may reach the
     * sign bit: it is read back unsigned). Taps outside the image weigh 0 here; the fill gets the
     * rest of each sample's weight at the end.
     */
    private inline fun bilinearSums(
        outW: Int, outH: Int, sx: Int, sy: Int, fill: Int,
        cc0: IntArray, cc1: IntArray, rc0: IntArray, rc1: IntArray,
        pixel: (Int, Int) -> Int,
    ) {
        // The weight of one output sample, sx · sy · ONE², and 1 / it (a power of two: the
        // product is the exact quotient).
        val total = sx.toLong() * sy * ONE * ONE
        val norm = 1.0 / total.toDouble()
        val out = out
        val col0 = col0; val col1 = col1; val colWeight0 = colWeight0; val colWeight1 = colWeight1
        val row0 = row0; val row1 = row1; val rowWeight0 = rowWeight0; val rowWeight1 = rowWeight1
        val colInside = colInside
        var at = 0
        for (i in 0 until outH) {
            if (sx == 2 && sy == 2) {
                // The common downscale: the two sub-sample rows' tables read once per output row.
                val qa = 2 * i
                val qb = qa + 1
                val a0 = row0[qa]; val a1 = row1[qa]; val sa0 = rc0[qa]; val sa1 = rc1[qa]
                val va0 = rowWeight0[qa]; val va1 = rowWeight1[qa]
                val b0 = row0[qb]; val b1 = row1[qb]; val sb0 = rc0[qb]; val sb1 = rc1[qb]
                val vb0 = rowWeight0[qb]; val vb1 = rowWeight1[qb]
                for (j in 0 until outW) {
                    var rb = 0L
                    var g = 0L
                    for (qx in 2 * j until 2 * j + 2) {
                        val c0 = col0[qx]; val c1 = col1[qx]; val d0 = cc0[qx]; val d1 = cc1[qx]
                        val u0 = colWeight0[qx]; val u1 = colWeight1[qx]
                        val p00 = pixel(a0 + c0, sa0 + d0)
                        val p01 = pixel(a0 + c1, sa0 + d1)
                        val p10 = pixel(a1 + c0, sa1 + d0)
                        val p11 = pixel(a1 + c1, sa1 + d1)
                        val q00 = pixel(b0 + c0, sb0 + d0)
                        val q01 = pixel(b0 + c1, sb0 + d1)
                        val q10 = pixel(b1 + c0, sb1 + d0)
                        val q11 = pixel(b1 + c1, sb1 + d1)
                        rb += sumRb(p00, p01, p10, p11, u0, u1, va0, va1) + sumRb(q00, q01, q10, q11, u0, u1, vb0, vb1)
                        g += sumG(p00, p01, p10, p11, u0, u1, va0, va1)
                        g += sumG(q00, q01, q10, q11, u0, u1, vb0, vb1)
                    }
                    at = store(at, rb, g, fill * (total - rowInside[i].toLong() * colInside[j]), norm)
                }
            } else {
                for (j in 0 until outW) {
                    var rb = 0L
                    var g = 0L
                    for (qy in sy * i until sy * i + sy) {
                        val r0 = row0[qy]; val r1 = row1[qy]; val s0 = rc0[qy]; val s1 = rc1[qy]
                        val v0 = rowWeight0[qy]; val v1 = rowWeight1[qy]
                        for (qx in sx * j until sx * j + sx) {
                            val c0 = col0[qx]; val c1 = col1[qx]; val d0 = cc0[qx]; val d1 = cc1[qx]
                            val p00 = pixel(r0 + c0, s0 + d0)
                            val p01 = pixel(r0 + c1, s0 + d1)
                            val p10 = pixel(r1 + c0, s1 + d0)
                            val p11 = pixel(r1 + c1, s1 + d1)
                            rb += sumRb(p00, p01, p10, p11, colWeight0[qx], colWeight1[qx], v0, v1)
                            g += sumG(p00, p01, p10, p11, colWeight0[qx], colWeight1[qx], v0, v1)
                        }
                    }
                    at = store(at, rb, g, fill * (total - rowInside[i].toLong() * colInside[j]), norm)
                }
            }
        }
    }

    /**
     * Output sample values from the sums [rb] and [g] and the fill's share [f] (the sample's
     * weight less the weight of its taps inside, times the fill) at out[at ..< at + 3]; returns at + 3.
     */
    @Suppress("NOTHING_TO_INLINE")
    private inline fun store(at: Int, rb: Long, g: Long, f: Long, norm: Double): Int {
        out[at] = ((rb ushr 32) + f).toDouble() * norm
        out[at + 1] = (g + f).toDouble() * norm
        out[at + 2] = ((rb and 0xFFFFFFFFL) + f).toDouble() * norm
        return at + 3
    }

    private fun nearest(
        frame: CameraFrame,
        x0: Double, y0: Double, x1: Double, y1: Double,
        outW: Int, outH: Int, fill: Double,
    ) {
        ensureTaps(outW, outH, outW, outH)
        nearestTaps(x0, x1, outW, frame, true, col0, colChroma0)
        nearestTaps(y0, y1, outH, frame, false, row0, rowChroma0)
        val out = out
        var at = 0
        for (i in 0 until outH) {
            val row = row0[i]
            for (j in 0 until outW) {
                val col = col0[j]
                if (row < 0 || col < 0) {
                    out[at] = fill
                    out[at + 1] = fill
                    out[at + 2] = fill
                } else {
                    val p = frame.rgbAt(row + col, rowChroma0[i] + colChroma0[j])
                    out[at] = ((p shr 16) and 0xFF).toDouble()
                    out[at + 1] = ((p shr 8) and 0xFF).toDouble()
                    out[at + 2] = (p and 0xFF).toDouble()
                }
                at += 3
            }
        }
    }
}

/** R (bits 32..63) and B (bits 0..31) of pixel [p] (0x··RRGGBB), as the two lanes of a Long. */
@Suppress("NOTHING_TO_INLINE")
private inline fun lanesRb(p: Int): Long = ((p and 0xFF0000).toLong() shl 16) or (p and 0xFF).toLong()

/** G of pixel [p] (0x··RRGGBB). */
@Suppress("NOTHING_TO_INLINE")
private inline fun green(p: Int): Int = (p shr 8) and 0xFF

/**
 * One sub-sample's R and B sums from its taps' pixels: v0 · h(top) + v1 · h(bottom) with
 * h = u0 · left + u1 · right, both channels at once (lanes of [lanesRb]; each lane stays below
 * 255 · ONE² < 2^30).
 */
@Suppress("NOTHING_TO_INLINE")
private inline fun sumRb(p00: Int, p01: Int, p10: Int, p11: Int, u0: Int, u1: Int, v0: Int, v1: Int): Long =
    v0 * (u0 * lanesRb(p00) + u1 * lanesRb(p01)) + v1 * (u0 * lanesRb(p10) + u1 * lanesRb(p11))

/** The same for G (at most 255 · ONE², an Int). */
@Suppress("NOTHING_TO_INLINE")
private inline fun sumG(p00: Int, p01: Int, p10: Int, p11: Int, u0: Int, u1: Int, v0: Int, v1: Int): Int =
    v0 * (u0 * green(p00) + u1 * green(p01)) + v1 * (u0 * green(p10) + u1 * green(p11))

/** The unsigned byte at absolute index [at] of [b]. */
@Suppress("NOTHING_TO_INLINE")
private inline fun byte(b: ByteBuffer, at: Int): Int = b.get(at).toInt() and 0xFF

/**
 * BT.601 on a YUV frame's resampled sums (packager/reference/frames.py, "Resampling a YUV
 * frame"), with the coefficients [c] (YUV_FULL_RANGE / YUV_VIDEO_RANGE: scale, rv, gu, gv, bu,
 * offset) as Longs.
 */
private class YuvSums(c: IntArray) {
    private val scale = c[0].toLong()
    private val rv = c[1].toLong()
    private val gu = c[2].toLong()
    private val gv = c[3].toLong()
    private val bu = c[4].toLong()
    private val offset = c[5].toLong()

    /**
     * R, G, B of one output sample into out[at ..< at + 3]; returns at + 3. [sY], [sU], [sV]:
     * the weighted sums of its taps inside the image, [inside] their weight, [fill] the fill
     * times the rest of the sample's weight, [norm] 1 / (the sample's weight · 2^16). Every
     * integer stays below 2^51: exact as a Double.
     */
    @Suppress("NOTHING_TO_INLINE")
    inline fun store(
        out: DoubleArray, at: Int, sY: Long, sU: Long, sV: Long, inside: Long, fill: Long, norm: Double,
    ): Int {
        val l = (sY - offset * inside) * scale
        val u = sU - 128 * inside
        val v = sV - 128 * inside
        val top = (255 * inside) shl 16
        val f = fill shl 16
        out[at] = (clampTo(l + rv * v, top) + f).toDouble() * norm
        out[at + 1] = (clampTo(l - gu * u - gv * v, top) + f).toDouble() * norm
        out[at + 2] = (clampTo(l + bu * u, top) + f).toDouble() * norm
        return at + 3
    }
}

private val YUV_SUMS_FULL_RANGE = YuvSums(YUV_FULL_RANGE)
private val YUV_SUMS_VIDEO_RANGE = YuvSums(YUV_VIDEO_RANGE)

/** [x] clamped to 0..[top]. */
@Suppress("NOTHING_TO_INLINE")
private inline fun clampTo(x: Long, top: Long): Long = if (x < 0) 0 else if (x > top) top else x

/**
 * BILINEAR taps of the out · [s] sub-samples of the span [start, end) on the upright x axis
 * ([xAxis]) or y axis of [frame]: index0[q] and index1[q] are the frame's index parts of taps k
 * and k + 1 ([CameraFrame.offset]), chroma0[q] and chroma1[q] their chroma index parts,
 * weight0[q] and weight1[q] their weights ONE − a and a; a tap outside the image gets index
 * parts 0 and weight 0 instead. inside[o] = the summed weight inside the image of output sample
 * o's sub-samples.
 */
private fun bilinearTaps(
    start: Double, end: Double, out: Int, s: Int, frame: CameraFrame, xAxis: Boolean,
    index0: IntArray, index1: IntArray, chroma0: IntArray, chroma1: IntArray,
    weight0: IntArray, weight1: IntArray, inside: IntArray,
) {
    val size = if (xAxis) frame.uprightWidth else frame.uprightHeight
    val n = out * s
    val step = (end - start) / n
    for (q in 0 until n) {
        val p = start + (q + 0.5) * step - 0.5
        val k = floor(p)
        val a = floor((p - k) * ONE + 0.5).toInt()
        // |k| ≤ MAX_RESAMPLE_COORDINATE + 1: exact in Double; converted to Int only inside the image.
        val in0 = k >= 0.0 && k < size
        val in1 = k + 1.0 >= 0.0 && k + 1.0 < size
        index0[q] = if (in0) frame.offset(k.toInt(), xAxis) else 0
        index1[q] = if (in1) frame.offset(k.toInt() + 1, xAxis) else 0
        chroma0[q] = if (in0) frame.chromaOffset(k.toInt(), xAxis) else 0
        chroma1[q] = if (in1) frame.chromaOffset(k.toInt() + 1, xAxis) else 0
        weight0[q] = if (in0) ONE - a else 0
        weight1[q] = if (in1) a else 0
    }
    for (o in 0 until out) {
        var w = 0
        for (q in s * o until s * o + s) w += weight0[q] + weight1[q]
        inside[o] = w
    }
}

/**
 * NEAREST taps of [out] samples of the span [start, end) on the upright [xAxis] or y axis of
 * [frame]: tap floor(c)'s index part (−1 for the fill) and chroma index part.
 */
private fun nearestTaps(
    start: Double, end: Double, out: Int, frame: CameraFrame, xAxis: Boolean, index: IntArray, chroma: IntArray,
) {
    val size = if (xAxis) frame.uprightWidth else frame.uprightHeight
    val step = (end - start) / out
    for (o in 0 until out) {
        val k = floor(start + (o + 0.5) * step)
        val inside = k >= 0.0 && k < size
        index[o] = if (inside) frame.offset(k.toInt(), xAxis) else -1
        chroma[o] = if (inside) frame.chromaOffset(k.toInt(), xAxis) else 0
    }
}

/**
 * Taps of one axis: output sample o reads source indices lo[o] until lo[o] + count[o] with the
 * weights weight[offset[o] + i], and the fill pixel with fillWeight[o]; they sum to 1.
 */
internal class Taps(
    val lo: IntArray,
    val count: IntArray,
    val offset: IntArray,
    val weight: DoubleArray,
    val fillWeight: DoubleArray,
)

/** ANTIALIAS taps for [out] samples of the source span [start, end) on an axis of [size] pixels. */
internal fun antialiasTaps(start: Double, end: Double, out: Int, size: Int): Taps {
    val step = checkedStep(start, end, out)
    val radius = max(1.0, step)
    val width = ceil(2 * radius).toInt() + 2
    val first = DoubleArray(out)
    val lo = IntArray(out)
    val count = IntArray(out)
    for (o in 0 until out) {
        val c = start + (o + 0.5) * step
        first[o] = floor(c - 0.5 - radius)
        // Taps with a nonzero weight lie in (c − 0.5 − r, c − 0.5 + r): skip spans off the image,
        // which also keeps the index arithmetic below far from Int and Double precision limits.
        if (c - 0.5 - radius > size || c + 0.5 + radius < 0) continue
        val from = max(first[o], 0.0)
        val to = min(first[o] + (width - 1), size - 1.0)
        if (to >= from) {
            lo[o] = from.toInt()
            count[o] = (to - from).toInt() + 1
        }
    }
    val offset = IntArray(out + 1)
    for (o in 0 until out) offset[o + 1] = offset[o] + count[o]
    val weight = DoubleArray(offset[out])
    val fillWeight = DoubleArray(out)
    for (o in 0 until out) {
        val c = start + (o + 0.5) * step
        if (c - 0.5 - radius > size || c + 0.5 + radius < 0) {
            fillWeight[o] = 1.0
            continue
        }
        var sum = 0.0
        var outside = 0.0
        for (t in 0 until width) {
            val k = first[o] + t
            val w = max(0.0, 1.0 - abs(k + 0.5 - c) / radius)
            sum += w
            if (k >= 0.0 && k < size) weight[offset[o] + (k.toInt() - lo[o])] = w else outside += w
        }
        for (i in offset[o] until offset[o + 1]) weight[i] /= sum
        fillWeight[o] = outside / sum
    }
    return Taps(lo, count, offset, weight, fillWeight)
}

/**
 * ANTIALIAS resampling of the source rectangle (x0, y0, x1, y1) of the frame's upright image
 * onto outW × outH pixels: R, G, B doubles 0..255, row-major, 3 per pixel (a new array).
 */
private fun resampleAntialias(
    frame: CameraFrame,
    x0: Double, y0: Double, x1: Double, y1: Double,
    outW: Int, outH: Int, fill: Double,
): DoubleArray {
    val width = frame.uprightWidth
    val height = frame.uprightHeight
    val xt = antialiasTaps(x0, x1, outW, width)
    val yt = antialiasTaps(y0, y1, outH, height)
    // Only the source rows some output row reads are filtered; slot[row] is their place in horiz.
    val slot = IntArray(height)
    for (oy in 0 until outH) for (i in 0 until yt.count[oy]) slot[yt.lo[oy] + i] = 1
    var n = 0
    for (row in 0 until height) slot[row] = if (slot[row] != 0) n++ else -1
    val rows = IntArray(n)
    for (row in 0 until height) if (slot[row] >= 0) rows[slot[row]] = row
    val line = outW * 3
    val horiz = filterColumns(frame, rows, xt, outW, fill)
    val out = DoubleArray(outH * line)
    for (oy in 0 until outH) {
        val base = oy * line
        val off = yt.offset[oy]
        for (i in 0 until yt.count[oy]) {
            val src = slot[yt.lo[oy] + i] * line
            val w = yt.weight[off + i]
            for (j in 0 until line) out[base + j] += w * horiz[src + j]
        }
        val fw = yt.fillWeight[oy]
        if (fw != 0.0) for (j in 0 until line) out[base + j] += fw * fill
    }
    return out
}

/** Source rows filtered together: 4 rows × 3 channels give 12 independent sums per tap. */
private const val ROWS_PER_PASS = 4

/** Doubles per converted source column: R, G, B of each of the [ROWS_PER_PASS] rows. */
private const val COLUMN_STRIDE = 3 * ROWS_PER_PASS

/**
 * The source [rows] filtered by the column taps: rows.size × outW × 3 doubles, row-major. Per
 * value, the same operations in the same order as one row at a time: Σ w · pixel over the taps
 * in order, from 0.0, then + fillWeight · fill.
 */
private fun filterColumns(
    frame: CameraFrame, rows: IntArray, xt: Taps, outW: Int, fill: Double,
): DoubleArray {
    // Only the columns some tap reads are converted: [xlo, xhi).
    var xlo = frame.uprightWidth
    var xhi = 0
    for (j in 0 until outW) {
        if (xt.count[j] > 0) {
            xlo = min(xlo, xt.lo[j])
            xhi = max(xhi, xt.lo[j] + xt.count[j])
        }
    }
    val cols = max(0, xhi - xlo)
    val lines = DoubleArray(cols * COLUMN_STRIDE)
    val horiz = DoubleArray(rows.size * outW * 3)
    var first = 0
    while (first < rows.size) {
        val m = min(ROWS_PER_PASS, rows.size - first)
        convertRows(frame, rows, first, m, xlo, cols, lines)
        filterPass(lines, xlo, xt, outW, fill, first, m, horiz)
        first += m
    }
    return horiz
}

/**
 * Source rows rows[first ..< first + m] (the last one repeated up to 4), columns xlo ..< xlo +
 * cols, as Doubles into [lines]: column x holds R, G, B of row 0, then of row 1, 2, 3, so that
 * one tap reads [COLUMN_STRIDE] neighbouring values. Every pixel is converted once, not once per tap.
 */
private fun convertRows(
    frame: CameraFrame, rows: IntArray, first: Int, m: Int, xlo: Int, cols: Int, lines: DoubleArray,
) {
    val y0 = rows[first]
    val y1 = rows[first + min(1, m - 1)]
    val y2 = rows[first + min(2, m - 1)]
    val y3 = rows[first + min(3, m - 1)]
    for (x in 0 until cols) {
        val d = COLUMN_STRIDE * x
        unpack(frame.rgb(xlo + x, y0), lines, d)
        unpack(frame.rgb(xlo + x, y1), lines, d + 3)
        unpack(frame.rgb(xlo + x, y2), lines, d + 2 * 3)
        unpack(frame.rgb(xlo + x, y3), lines, d + 3 * 3)
    }
}

/** R, G, B of pixel [p] (0x··RRGGBB) as Doubles into to[at], to[at + 1], to[at + 2]. */
@Suppress("NOTHING_TO_INLINE")
private inline fun unpack(p: Int, to: DoubleArray, at: Int) {
    to[at] = ((p shr 16) and 0xFF).toDouble()
    to[at + 1] = ((p shr 8) and 0xFF).toDouble()
    to[at + 2] = (p and 0xFF).toDouble()
}

/**
 * Column taps over the 4 rows converted in [lines]; the first [m] of them are rows
 * first ..< first + m of [horiz] (outW × 3 values each). Rows repeated to fill the pass are not stored.
 */
private fun filterPass(
    lines: DoubleArray, xlo: Int, xt: Taps, outW: Int, fill: Double, first: Int, m: Int, horiz: DoubleArray,
) {
    val line = outW * 3
    for (j in 0 until outW) {
        var r0 = 0.0; var g0 = 0.0; var b0 = 0.0
        var r1 = 0.0; var g1 = 0.0; var b1 = 0.0
        var r2 = 0.0; var g2 = 0.0; var b2 = 0.0
        var r3 = 0.0; var g3 = 0.0; var b3 = 0.0
        val off = xt.offset[j]
        var d = (xt.lo[j] - xlo) * COLUMN_STRIDE
        for (i in 0 until xt.count[j]) {
            val w = xt.weight[off + i]
            r0 += w * lines[d]; g0 += w * lines[d + 1]; b0 += w * lines[d + 2]
            val d1 = d + 3
            r1 += w * lines[d1]; g1 += w * lines[d1 + 1]; b1 += w * lines[d1 + 2]
            val d2 = d1 + 3
            r2 += w * lines[d2]; g2 += w * lines[d2 + 1]; b2 += w * lines[d2 + 2]
            val d3 = d2 + 3
            r3 += w * lines[d3]; g3 += w * lines[d3 + 1]; b3 += w * lines[d3 + 2]
            d += COLUMN_STRIDE
        }
        val fw = xt.fillWeight[j] * fill
        var h = first * line + 3 * j
        horiz[h] = r0 + fw; horiz[h + 1] = g0 + fw; horiz[h + 2] = b0 + fw
        if (m > 1) { h += line; horiz[h] = r1 + fw; horiz[h + 1] = g1 + fw; horiz[h + 2] = b1 + fw }
        if (m > 2) { h += line; horiz[h] = r2 + fw; horiz[h + 1] = g2 + fw; horiz[h + 2] = b2 + fw }
        if (m > 3) { h += line; horiz[h] = r3 + fw; horiz[h + 1] = g3 + fw; horiz[h + 2] = b3 + fw }
    }
}
