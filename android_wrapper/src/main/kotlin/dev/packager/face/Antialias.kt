// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import kotlin.math.abs
import kotlin.math.ceil
import kotlin.math.floor
import kotlin.math.max
import kotlin.math.min

// ANTIALIAS resampling (packager/reference/resample.py): a triangle filter as wide as the step,
// in Double, separable (rows first), checked against the reference to 1e-12. Not the camera
// path (BILINEAR is): an option of the recipes.

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
internal fun resampleAntialias(
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
