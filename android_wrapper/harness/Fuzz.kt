// Hand-written test code (not generated): random images, boxes and model outputs through the
// generated core. The documented errors are the PackagerExceptions (Errors.kt); any other exception
// (an IllegalArgumentException, an out-of-bounds read, a NegativeArraySizeException, ...) or a
// broken invariant is recorded as unexpected and makes the run fail.
package dev.packager.face.harness

import dev.packager.face.Box
import dev.packager.face.FaceDetectionWrapper
import dev.packager.face.FaceEmotionRecognitionWrapper
import dev.packager.face.Letterbox
import dev.packager.face.PackagerException
import dev.packager.face.Recipes
import java.io.File
import kotlin.random.Random

/** Counts per stage, and what went wrong. */
private class Tally {
    val calls = sortedMapOf<String, Int>()
    val rejected = sortedMapOf<String, Int>()
    val unexpected = ArrayList<String>()
    var faces = 0

    /** Runs [block] as one call of [stage]; a PackagerException counts as a rejection. */
    fun <T> call(stage: String, iteration: Int, block: () -> T): T? {
        calls[stage] = (calls[stage] ?: 0) + 1
        return try {
            block()
        } catch (e: PackagerException) {
            rejected[stage] = (rejected[stage] ?: 0) + 1
            null
        } catch (e: Throwable) {
            fail(stage, iteration, e.toString())
            null
        }
    }

    fun check(ok: Boolean, stage: String, iteration: Int, what: () -> String) {
        if (!ok) fail(stage, iteration, "invariant: ${what()}")
    }

    fun fail(stage: String, iteration: Int, what: String) {
        if (unexpected.size < 50) unexpected.add("iteration $iteration, $stage: $what")
        unexpectedCount++
    }

    var unexpectedCount = 0
}

/** Runs [iterations] rounds with a fixed [seed]; writes a JSON summary; exit code 1 on anything unexpected. */
fun runFuzz(seed: Long, iterations: Int, outFile: File): Int {
    val rng = Random(seed)
    val tally = Tally()
    val detection = FaceDetectionWrapper()
    val recognitions = Recipes.emotions.map { FaceEmotionRecognitionWrapper(it) }
    for (n in 0 until iterations) {
        val letterbox = randomLetterbox(rng)
        val faces = fuzzDetector(rng, detection, letterbox, tally, n)
        for (face in faces.take(3)) fuzzCrop(rng, recognitions.random(rng), face.box, tally, n)
        fuzzCrop(rng, recognitions.random(rng), randomBox(rng), tally, n)
        fuzzEmotionOutput(rng, recognitions.random(rng), tally, n)
        if (n % 4 == 0) fuzzImage(rng, detection, tally, n)
    }
    val edges = edgeOutcomes()
    for ((name, outcome) in edges) if (outcome.startsWith("unexpected")) tally.fail("edge $name", -1, outcome)
    val summary = mapOf(
        "edges" to edges,
        "seed" to seed, "iterations" to iterations, "faces" to tally.faces,
        "calls" to tally.calls, "rejected" to tally.rejected,
        "unexpected_count" to tally.unexpectedCount, "unexpected" to tally.unexpected,
    )
    outFile.writeText(toJson(summary))
    return if (tally.unexpectedCount == 0) 0 else 1
}

/** A value of any kind a broken model or a bad conversion could give. */
private fun weird(rng: Random): Float = when (rng.nextInt(10)) {
    0 -> Float.NaN
    1 -> if (rng.nextBoolean()) Float.POSITIVE_INFINITY else Float.NEGATIVE_INFINITY
    2 -> if (rng.nextBoolean()) Float.MAX_VALUE else -Float.MAX_VALUE
    3 -> (if (rng.nextBoolean()) 1e30f else -1e30f) * rng.nextFloat()
    4 -> if (rng.nextBoolean()) Float.MIN_VALUE else -0.0f
    5 -> (rng.nextDouble(-1e6, 1e6)).toFloat()
    else -> (rng.nextDouble(-200.0, 200.0)).toFloat()
}

/** Mostly the right length, sometimes not. */
private fun length(rng: Random, right: Int): Int = when (rng.nextInt(24)) {
    0 -> 0
    1 -> right + if (rng.nextBoolean()) 1 else -1
    2 -> rng.nextInt(2 * right + 2)
    else -> right
}

private fun randomLetterbox(rng: Random): Letterbox = when (rng.nextInt(8)) {
    0 -> Letterbox(weird(rng).toDouble(), weird(rng).toDouble(), weird(rng).toDouble(), weird(rng).toDouble(), rng.nextInt(-2, 3), rng.nextInt(-2, 3))
    else -> Letterbox.fit(1 + rng.nextInt(if (rng.nextBoolean()) 64 else 6000), 1 + rng.nextInt(if (rng.nextBoolean()) 64 else 6000), 128)
}

private fun fuzzDetector(rng: Random, detection: FaceDetectionWrapper, letterbox: Letterbox, tally: Tally, n: Int): List<dev.packager.face.Face> {
    val config = detection.config
    val anchors = detection.numAnchors
    val weirdRate = listOf(0.0, 0.001, 0.05, 1.0).random(rng)
    val faceRate = listOf(0.0, 0.005, 0.05, 0.5).random(rng)
    val reg = FloatArray(length(rng, anchors * config.rowLength)) {
        if (rng.nextDouble() < weirdRate) weird(rng) else (rng.nextDouble(-30.0, 30.0) + if (it % config.rowLength in 2..3) 40.0 else 0.0).toFloat()
    }
    val cls = FloatArray(length(rng, anchors)) {
        when {
            rng.nextDouble() < weirdRate -> weird(rng)
            rng.nextDouble() < faceRate -> rng.nextDouble(0.0, 12.0).toFloat()
            else -> rng.nextDouble(-12.0, 0.0).toFloat()
        }
    }
    val faces = tally.call("detector_postprocess", n) { detection.postprocess(reg, cls, letterbox, rng.nextBoolean()) } ?: return emptyList()
    tally.faces += faces.size
    tally.check(faces.size <= anchors, "detector_postprocess", n) { "${faces.size} faces from $anchors anchors" }
    for (f in faces) {
        tally.check(f.score >= config.minScore && f.score <= 1.0, "detector_postprocess", n) { "score ${f.score}" }
        tally.check(f.keypoints.size == config.numKeypoints && f.normalizedKeypoints.size == config.numKeypoints &&
                f.letterboxKeypoints.size == config.numKeypoints, "detector_postprocess", n) { "keypoints" }
    }
    return faces
}

private fun randomBox(rng: Random): Box {
    if (rng.nextInt(4) == 0) return Box(weird(rng).toDouble(), weird(rng).toDouble(), weird(rng).toDouble(), weird(rng).toDouble())
    val x = rng.nextDouble(-100.0, 100.0)
    val y = rng.nextDouble(-100.0, 100.0)
    return Box(x, y, x + rng.nextDouble(-5.0, 150.0), y + rng.nextDouble(-5.0, 150.0))
}

/** A random ARGB image, sometimes of zero size or with a pixel array of the wrong length. */
private fun randomImage(rng: Random): Triple<IntArray, Int, Int> {
    val extreme = rng.nextInt(10) == 0
    val w = if (extreme) rng.nextInt(1, 3000) else rng.nextInt(-1, 48)
    val h = if (extreme) rng.nextInt(1, 3) else rng.nextInt(-1, 48)
    val size = if (w > 0 && h > 0) length(rng, w * h) else rng.nextInt(4)
    return Triple(IntArray(size) { rng.nextInt() }, w, h)
}

private fun fuzzCrop(rng: Random, recognition: FaceEmotionRecognitionWrapper, box: Box, tally: Tally, n: Int) {
    val (pixels, w, h) = randomImage(rng)
    val tensor = tally.call("emotion_preprocess", n) { recognition.preprocess(pixels, w, h, box).tensorValues() } ?: return
    val c = recognition.config
    tally.check(tensor.size == c.size * c.size * c.channels, "emotion_preprocess", n) { "tensor of ${tensor.size} values" }
    // Every value is a weighted mean of pixels 0..255 and fill, then (x − mean) · scale.
    val lows = (0 until c.channels).map { minOf((0.0 - c.mean[it]) * c.scale[it], (255.0 - c.mean[it]) * c.scale[it]) }
    val highs = (0 until c.channels).map { maxOf((0.0 - c.mean[it]) * c.scale[it], (255.0 - c.mean[it]) * c.scale[it]) }
    val bad = tensor.indices.firstOrNull { i ->
        val ch = if (c.layout == dev.packager.face.TensorLayout.NHWC) i % c.channels else i / (c.size * c.size)
        val v = tensor[i]
        !(v >= lows[ch] - 1e-3 && v <= highs[ch] + 1e-3)
    }
    tally.check(bad == null, "emotion_preprocess", n) { "value ${bad?.let { tensor[it] }} outside the pixel range" }
}

private fun fuzzEmotionOutput(rng: Random, recognition: FaceEmotionRecognitionWrapper, tally: Tally, n: Int) {
    val labels = recognition.config.labels.size
    val weirdRate = listOf(0.0, 0.1, 1.0).random(rng)
    val out = FloatArray(length(rng, labels)) { if (rng.nextDouble() < weirdRate) weird(rng) else rng.nextDouble(-20.0, 20.0).toFloat() }
    val result = tally.call("emotion_postprocess", n) { recognition.postprocess(out) }
    val valid = out.size == labels && out.all { it.isFinite() }
    tally.check((result != null) == valid, "emotion_postprocess", n) { "accepted=${result != null} for valid=$valid" }
    if (result == null) return
    val p = result.probabilities
    tally.check(result.topIndex in p.indices && p.all { it <= p[result.topIndex] }, "emotion_postprocess", n) { "top ${result.topIndex} of $p" }
    if (recognition.config.outputsAreLogits) {
        tally.check(p.all { it.isFinite() && it >= 0.0 } && kotlin.math.abs(p.sum() - 1.0) < 1e-9, "emotion_postprocess", n) { "softmax $p" }
    }
}

private fun fuzzImage(rng: Random, detection: FaceDetectionWrapper, tally: Tally, n: Int) {
    val (pixels, w, h) = randomImage(rng)
    val tensor = tally.call("detector_preprocess", n) { detection.preprocess(pixels, w, h).tensorValues() } ?: return
    val c = detection.config
    val lo = minOf(c.normOffset, 255 * c.normScale + c.normOffset) - 1e-6
    val hi = maxOf(c.normOffset, 255 * c.normScale + c.normOffset) + 1e-6
    tally.check(tensor.size == c.inputSize * c.inputSize * 3, "detector_preprocess", n) { "tensor of ${tensor.size} values" }
    tally.check(tensor.all { it >= lo && it <= hi }, "detector_preprocess", n) { "value outside [$lo, $hi]" }
}
