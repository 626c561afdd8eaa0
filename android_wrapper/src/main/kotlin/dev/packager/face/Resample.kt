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
internal const val ONE: Int = 1 shl FRACTION_BITS

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
    internal var col0 = IntArray(0)
    internal var col1 = IntArray(0)
    internal var colChroma0 = IntArray(0)
    internal var colChroma1 = IntArray(0)
    internal var colWeight0 = IntArray(0)
    internal var colWeight1 = IntArray(0)
    internal var colInside = IntArray(0)

    // The same for the y axis.
    internal var row0 = IntArray(0)
    internal var row1 = IntArray(0)
    internal var rowChroma0 = IntArray(0)
    internal var rowChroma1 = IntArray(0)
    internal var rowWeight0 = IntArray(0)
    internal var rowWeight1 = IntArray(0)
    internal var rowInside = IntArray(0)

    /** R, G, B of the last BILINEAR or NEAREST call. */
    internal var out = DoubleArray(0)

    /** Where BILINEAR puts its samples: [doubles] ([out]) for [rgb], the caller's for [tensor]. */
    private val doubles = SampleWriter.doubles()
    internal var sink = doubles

    /** The 2 × 2 loops' per-output tables of the axes walked outside and inside (Bilinear.kt). */
    internal val outerTaps = OutputTaps()
    internal val innerTaps = OutputTaps()

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
        checkArguments(x0, y0, x1, y1, outW, outH, method, fill)
        if (out.size != outW * outH * 3) out = DoubleArray(outW * outH * 3)
        doubles.doubles = out
        sink = doubles
        if (method == Interpolation.BILINEAR) {
            bilinear(frame, x0, y0, x1, y1, outW, outH, fill.toInt())
        } else {
            nearest(frame, x0, y0, x1, y1, outW, outH, fill)
        }
        return out
    }

    /**
     * [rgb], its values put by [writer] (a model's float32 input). BILINEAR's 2 × 2 loops put
     * each sample as they sum it (one pass); its other sub-sample counts of a YUV frame and the
     * other methods put [rgb]'s array afterwards: the same values.
     */
    fun tensor(
        frame: CameraFrame,
        x0: Double, y0: Double, x1: Double, y1: Double,
        outW: Int, outH: Int, method: Interpolation, fill: Double, writer: SampleWriter,
    ) {
        if (method != Interpolation.BILINEAR) {
            return writer.putAll(rgb(frame, x0, y0, x1, y1, outW, outH, method, fill), outW * outH)
        }
        checkArguments(x0, y0, x1, y1, outW, outH, method, fill)
        sink = writer
        bilinear(frame, x0, y0, x1, y1, outW, outH, fill.toInt())
    }

    /** Refuses (before anything is written) the rectangles and fills the reference refuses. */
    private fun checkArguments(
        x0: Double, y0: Double, x1: Double, y1: Double, outW: Int, outH: Int, method: Interpolation, fill: Double,
    ) {
        if (method == Interpolation.BILINEAR) {
            requireConfig(fill == floor(fill) && fill >= 0.0 && fill <= 255.0) {
                "bilinear resampling takes an integer fill 0..255, not $fill"
            }
        }
        checkedStep(x0, x1, outW)
        checkedStep(y0, y1, outH)
    }

    private fun ensureTaps(nx: Int, ny: Int, outW: Int, outH: Int) {
        if (col0.size < nx) {
            col0 = IntArray(nx); col1 = IntArray(nx); colChroma0 = IntArray(nx); colChroma1 = IntArray(nx)
            colWeight0 = IntArray(nx); colWeight1 = IntArray(nx)
        }
        if (row0.size < ny) {
            row0 = IntArray(ny); row1 = IntArray(ny); rowChroma0 = IntArray(ny); rowChroma1 = IntArray(ny)
            rowWeight0 = IntArray(ny); rowWeight1 = IntArray(ny)
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
    // detector's 128 × 128 on HotSpot: the short inner loops were not unrolled. [packed2x2] has
    // since gathered each outer sample's lines and weighted them in per-channel loops over arrays
    // instead, which C2 vectorises (pre+post 0.73–0.81× in the harness's bench mode). ARGB's 2 × 2
    // loop has a method per model input besides ([argbAffine], [argbGray]: the floats written as the
    // sample is summed, no test per sample; detector pre 0.17 → 0.155 ms at 640 × 480).

    private fun bilinearArgb(pixels: IntArray, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int, rowMajor: Boolean) {
        if (sx != 2 || sy != 2) return bilinearSums(outW, outH, sx, sy, fill) { at -> pixels[at] }
        val w = sink
        when (w.kind) {
            SampleWriter.AFFINE -> argbAffine(pixels, outW, outH, fill, rowMajor, w)
            SampleWriter.GRAY -> argbGray(pixels, outW, outH, fill, rowMajor, w)
            else -> packed2x2(outW, outH, fill, rowMajor, { at -> pixels[at] }) { at, r, g, b -> w.put(at, r, g, b) }
        }
    }

    /** [bytes] is the frame's big-endian view: R G B A → 0xRRGGBBAA. */
    private fun bilinearRgba(bytes: ByteBuffer, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int, rowMajor: Boolean) {
        if (sx != 2 || sy != 2) return bilinearSums(outW, outH, sx, sy, fill) { at -> bytes.getInt(at) ushr 8 }
        val w = sink
        packed2x2(outW, outH, fill, rowMajor, { at -> bytes.getInt(at) ushr 8 }) { at, r, g, b -> w.put(at, r, g, b) }
    }

    /** [bytes] is the frame's little-endian view: B G R A → 0xAARRGGBB. */
    private fun bilinearBgra(bytes: ByteBuffer, outW: Int, outH: Int, sx: Int, sy: Int, fill: Int, rowMajor: Boolean) {
        if (sx != 2 || sy != 2) return bilinearSums(outW, outH, sx, sy, fill) { at -> bytes.getInt(at) }
        val w = sink
        packed2x2(outW, outH, fill, rowMajor, { at -> bytes.getInt(at) }) { at, r, g, b -> w.put(at, r, g, b) }
    }

    /**
     * The integer sums of the spec at any sub-sample counts (the 2 × 2 downscale takes
     * [packed2x2]), per channel, in any order (integers: every order gives the same sum), over
     * pixels 0x··RRGGBB read by [pixel] (index). R and B are summed together in one Long, R in
     * the high 32 bits and B in the low ones: every partial sum of a channel is at most
     * 255 · sx · sy · ONE² ≤ 255 · 2^24 < 2^32, so B never carries into R (R may reach the sign
     * bit: it is read back unsigned). Taps outside the image weigh 0 here; the fill gets the rest
     * of each sample's weight at the end.
     */
    private inline fun bilinearSums(outW: Int, outH: Int, sx: Int, sy: Int, fill: Int, pixel: (Int) -> Int) {
        // The weight of one output sample, sx · sy · ONE², and 1 / it (a power of two: the
        // product is the exact quotient).
        val total = sx.toLong() * sy * ONE * ONE
        val norm = 1.0 / total.toDouble()
        var at = 0
        for (i in 0 until outH) {
            for (j in 0 until outW) {
                var rb = 0L
                var g = 0L
                forSubsamples(i, j, sx, sy) { r0, r1, _, _, v0, v1, c0, c1, _, _, u0, u1 ->
                    val p00 = pixel(r0 + c0)
                    val p01 = pixel(r0 + c1)
                    val p10 = pixel(r1 + c0)
                    val p11 = pixel(r1 + c1)
                    rb += sumRb(p00, p01, p10, p11, u0, u1, v0, v1)
                    g += sumG(p00, p01, p10, p11, u0, u1, v0, v1)
                }
                at = store(at, rb, g, fill * (total - rowInside[i].toLong() * colInside[j]), norm)
            }
        }
    }

    /**
     * The taps of output sample (row [i], column [j]) at [sx] × [sy] sub-samples, sub-sample by
     * sub-sample: [tap] gets the sub-sample's row index parts r0, r1 (chroma s0, s1) with their
     * weights v0, v1, and its column index parts c0, c1 (chroma d0, d1) with weights u0, u1.
     */
    internal inline fun forSubsamples(
        i: Int, j: Int, sx: Int, sy: Int,
        tap: (
            r0: Int, r1: Int, s0: Int, s1: Int, v0: Int, v1: Int,
            c0: Int, c1: Int, d0: Int, d1: Int, u0: Int, u1: Int,
        ) -> Unit,
    ) {
        for (qy in sy * i until sy * i + sy) {
            val r0 = row0[qy]; val r1 = row1[qy]; val s0 = rowChroma0[qy]; val s1 = rowChroma1[qy]
            val v0 = rowWeight0[qy]; val v1 = rowWeight1[qy]
            for (qx in sx * j until sx * j + sx) {
                tap(
                    r0, r1, s0, s1, v0, v1,
                    col0[qx], col1[qx], colChroma0[qx], colChroma1[qx], colWeight0[qx], colWeight1[qx],
                )
            }
        }
    }

    /**
     * Output sample values from the sums [rb] and [g] and the fill's share [f] (the sample's
     * weight less the weight of its taps inside, times the fill), put by [sink] at output index
     * [at] (R, G, B at at ..< at + 3); returns at + 3.
     */
    @Suppress("NOTHING_TO_INLINE")
    internal inline fun store(at: Int, rb: Long, g: Long, f: Long, norm: Double): Int {
        sink.put(
            at, ((rb ushr 32) + f).toDouble() * norm, (g + f).toDouble() * norm,
            ((rb and 0xFFFFFFFFL) + f).toDouble() * norm,
        )
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
internal inline fun lanesRb(p: Int): Long = ((p and 0xFF0000).toLong() shl 16) or (p and 0xFF).toLong()

/** G of pixel [p] (0x··RRGGBB). */
@Suppress("NOTHING_TO_INLINE")
internal inline fun green(p: Int): Int = (p shr 8) and 0xFF

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

