// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import kotlin.math.abs
import kotlin.math.exp
import kotlin.math.max
import kotlin.math.min

// BlazeFace decoding and weighted non-maximum suppression (packager/reference/detect.py).

/**
 * Anchor centres in model output order: [x0, y0, x1, y1, …], normalized input coordinates.
 * Layers with equal strides share one grid; per cell, the anchors of all those layers follow
 * each other (MediaPipe's SsdAnchorsCalculator with fixed anchor size).
 */
internal fun anchorCentres(a: Anchors): DoubleArray {
    val out = ArrayList<Double>()
    var i = 0
    while (i < a.strides.size) {
        var j = i
        while (j < a.strides.size && a.strides[j] == a.strides[i]) j++
        val cells = (a.inputSize + a.strides[i] - 1) / a.strides[i]
        val perCell = a.anchorsPerLayer * (j - i)
        for (y in 0 until cells) {
            for (x in 0 until cells) {
                val cx = (x + a.offset) / cells
                val cy = (y + a.offset) / cells
                repeat(perCell) { out.add(cx); out.add(cy) }
            }
        }
        i = j
    }
    return out.toDoubleArray()
}

/**
 * Scratch memory of one detector's postprocess, sized once for every anchor and reused per
 * frame (not thread-safe). Candidates: boxes [m × 4] (xmin, ymin, xmax, ymax), keypoints
 * [m × 2K] (x, y) and scores [m], normalized, in anchor order, the first [size] valid. Merged
 * detections (weighted NMS): the same layout in mergedBoxes, mergedKeypoints, mergedScores, the
 * first [mergedSize] valid, best first.
 */
internal class Detections(anchors: Int, numKeypoints: Int, rowLength: Int) {
    /** Values per keypoint row: 2K. */
    val kn = 2 * numKeypoints
    val boxes = DoubleArray(4 * anchors)
    val keypoints = DoubleArray(kn * anchors)
    val scores = DoubleArray(anchors)
    var size = 0

    val mergedBoxes = DoubleArray(4 * anchors)
    val mergedKeypoints = DoubleArray(kn * anchors)
    val mergedScores = DoubleArray(anchors)
    var mergedSize = 0

    /** One regressor row. */
    internal val row = DoubleArray(rowLength)

    /** Candidates still in play, best first, and the members of the current merge. */
    internal val order = IntArray(anchors)
    internal val sortScratch = IntArray(anchors)
    internal val members = IntArray(anchors)
}

/**
 * Raw outputs → the anchors scoring at least minScore whose row is finite, into [out]'s
 * candidates.
 *
 * Row layout: [cx, cy, w, h, kx0, ky0, …] in input pixels (divided by scale); cx, cy and the
 * keypoints are offsets from the anchor centre; score = sigmoid(clip(raw, ±scoreClip)).
 * NaN scores compare false and are dropped, like rows holding NaN or infinity.
 */
internal fun decode(
    config: DetectorRecipe,
    anchors: DoubleArray,
    regressors: FloatArray,
    classificators: FloatArray,
    out: Detections,
) {
    val n = anchors.size / 2
    val row = config.rowLength
    val k = config.numKeypoints
    requireTensor(regressors.size.toLong() == n.toLong() * row && classificators.size == n) {
        "detector outputs have ${regressors.size} and ${classificators.size} values; " +
            "expected ${n.toLong() * row} and $n"
    }
    val r = out.row
    var m = 0
    for (a in 0 until n) {
        val raw = classificators[a].toDouble().coerceIn(-config.scoreClip, config.scoreClip)
        val score = 1.0 / (1.0 + exp(-raw))
        if (!(score >= config.minScore)) continue
        var finite = true
        for (i in 0 until row) {
            r[i] = regressors[a * row + i] / config.scale
            if (!r[i].isFinite()) finite = false
        }
        if (!finite) continue
        val ax = anchors[2 * a]
        val ay = anchors[2 * a + 1]
        val cx = r[0] + ax
        val cy = r[1] + ay
        val halfW = r[2] / 2.0
        val halfH = r[3] / 2.0
        out.boxes[4 * m] = cx - halfW
        out.boxes[4 * m + 1] = cy - halfH
        out.boxes[4 * m + 2] = cx + halfW
        out.boxes[4 * m + 3] = cy + halfH
        for (p in 0 until k) {
            out.keypoints[2 * k * m + 2 * p] = r[4 + 2 * p] + ax
            out.keypoints[2 * k * m + 2 * p + 1] = r[5 + 2 * p] + ay
        }
        out.scores[m] = score
        m++
    }
    out.size = m
}

/** Intersection over union of boxes i and j of [b]; 0 when they do not overlap or the union is empty. */
internal fun iou(b: DoubleArray, i: Int, j: Int): Double {
    val iw = min(b[4 * i + 2], b[4 * j + 2]) - max(b[4 * i], b[4 * j])
    val ih = min(b[4 * i + 3], b[4 * j + 3]) - max(b[4 * i + 1], b[4 * j + 1])
    if (iw <= 0 || ih <= 0) return 0.0
    val inter = iw * ih
    val areaI = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1])
    val areaJ = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1])
    val union = areaI + areaJ - inter
    return if (union > 0) inter / union else 0.0
}

/**
 * MediaPipe's WEIGHTED non-maximum suppression of [d]'s candidates into its merged detections.
 *
 * Repeatedly take the best remaining detection (highest score, lower index on ties); every
 * remaining detection whose IoU with it exceeds [threshold] (itself included) is merged: box
 * corners and keypoints averaged with the scores as weights. The merged detection keeps the best
 * one's score.
 */
internal fun weightedNms(d: Detections, threshold: Double) {
    val order = d.order
    var remaining = d.size
    for (i in 0 until remaining) order[i] = i
    sortByScoreDescending(order, d.sortScratch, remaining, d.scores)
    var merged = 0
    while (remaining > 0) {
        val top = order[0]
        // The best one leads its merge, even when its IoU with itself is not above the threshold
        // (a degenerate, empty box still stands for itself); the others keep their order.
        d.members[0] = top
        var count = 1
        var kept = 0
        for (t in 1 until remaining) {
            val other = order[t]
            if (iou(d.boxes, top, other) > threshold) d.members[count++] = other else order[kept++] = other
        }
        remaining = kept
        average(d, count, merged)
        merged++
    }
    d.mergedSize = merged
}

/**
 * Stable sort of order[0 ..< n] by descending score (a bottom-up merge sort; lower index first on
 * ties, as the reference's stable sort).
 */
private fun sortByScoreDescending(order: IntArray, scratch: IntArray, n: Int, scores: DoubleArray) {
    var src = order
    var dst = scratch
    var width = 1
    while (width < n) {
        var lo = 0
        while (lo < n) {
            val mid = min(lo + width, n)
            val hi = min(lo + 2 * width, n)
            var i = lo
            var j = mid
            var k = lo
            while (i < mid && j < hi) dst[k++] = if (scores[src[j]] > scores[src[i]]) src[j++] else src[i++]
            while (i < mid) dst[k++] = src[i++]
            while (j < hi) dst[k++] = src[j++]
            lo = hi
        }
        val swap = src
        src = dst
        dst = swap
        width *= 2
    }
    if (src !== order) System.arraycopy(src, 0, order, 0, n)
}

/**
 * Score-weighted average of the boxes and keypoints of members[0 ..< count], in their order, into
 * merged detection [at]; it keeps the first member's score.
 */
private fun average(d: Detections, count: Int, at: Int) {
    val kn = d.kn
    var total = 0.0
    for (i in 0 until count) total += d.scores[d.members[i]]
    for (i in 0 until 4) d.mergedBoxes[4 * at + i] = 0.0
    for (i in 0 until kn) d.mergedKeypoints[kn * at + i] = 0.0
    for (c in 0 until count) {
        val m = d.members[c]
        val w = d.scores[m]
        for (i in 0 until 4) d.mergedBoxes[4 * at + i] += d.boxes[4 * m + i] * w
        for (i in 0 until kn) d.mergedKeypoints[kn * at + i] += d.keypoints[kn * m + i] * w
    }
    for (i in 0 until 4) d.mergedBoxes[4 * at + i] /= total
    for (i in 0 until kn) d.mergedKeypoints[kn * at + i] /= total
    d.mergedScores[at] = d.scores[d.members[0]]
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
