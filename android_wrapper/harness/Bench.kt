// Hand-written test code (not generated): times the generated core's pre- plus post-processing
// on parity case folders (the reference's real model outputs stand in for the runtime).
package dev.packager.face.harness

import dev.packager.face.Face
import java.io.File

/** Warm-up runs before timing, so that the JIT has compiled the hot loops (as on a device
 *  after the first frames). */
private const val WARMUP = 15

/**
 * For every case: median milliseconds over [repeats] frames of detector pre- and post-processing
 * and, per face, emotion pre- and post-processing; written to [outFile] as JSON by case name.
 */
fun runBench(casesRoot: File, repeats: Int, outFile: File): Int {
    val results = LinkedHashMap<String, Any>()
    for (dir in Case.all(casesRoot)) {
        val case = Case(dir)
        val stages = mapOf("detector_pre" to ArrayList<Double>(), "detector_post" to ArrayList(), "emotion_pre" to ArrayList(), "emotion_post" to ArrayList(), "total" to ArrayList())
        var faces = 0
        repeat(WARMUP + repeats) { n ->
            val times = frame(case).also { faces = it.second }.first
            if (n >= WARMUP) times.forEach { (k, v) -> stages.getValue(k).add(v) }
        }
        results[dir.name] = stages.mapValues { median(it.value) } + mapOf("faces" to faces, "width" to case.width, "height" to case.height)
    }
    outFile.writeText(toJson(results))
    return 0
}

/** One frame: stage → milliseconds, and the number of faces. */
private fun frame(case: Case): Pair<Map<String, Double>, Int> {
    val t0 = System.nanoTime()
    val input = case.detection.preprocess(case.pixels, case.width, case.height)
    val t1 = System.nanoTime()
    val faces: List<Face> = case.detection.postprocess(case.regressors, case.classificators, input)
    val t2 = System.nanoTime()
    var pre = 0L
    var post = 0L
    faces.forEachIndexed { i, face ->
        val a = System.nanoTime()
        case.recognition.preprocess(case.pixels, case.width, case.height, face)
        val b = System.nanoTime()
        // The reference's output for its i-th face (the same face: parity checks that).
        if (i < case.emotionOutputs.size) case.recognition.postprocess(case.emotionOutputs[i])
        val c = System.nanoTime()
        pre += b - a
        post += c - b
    }
    val ms = { ns: Long -> ns / 1e6 }
    val times = mapOf(
        "detector_pre" to ms(t1 - t0), "detector_post" to ms(t2 - t1),
        "emotion_pre" to ms(pre), "emotion_post" to ms(post),
        "total" to ms(t2 - t0 + pre + post),
    )
    return times to faces.size
}

private fun median(v: List<Double>): Double {
    val s = v.sorted()
    return if (s.size % 2 == 1) s[s.size / 2] else (s[s.size / 2 - 1] + s[s.size / 2]) / 2
}
