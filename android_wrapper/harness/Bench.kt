// Hand-written test code (not generated): times the generated core's pre- plus post-processing
// on parity case folders (the reference's real model outputs stand in for the runtime), and
// counts the bytes it allocates per frame.
package dev.packager.face.harness

import java.io.File
import java.lang.management.ManagementFactory

/**
 * The clock of every stage: the benchmark thread's CPU time (HotSpot reads the thread's CPU
 * clock; it allocates nothing), so that other processes on a shared machine do not lengthen the
 * times: the reference's inference they are divided by is timed the same way
 * (packager/parity/harness_bench.py).
 */
private val CPU = ManagementFactory.getThreadMXBean()

/** Timed stages, in output order; "pre_post_ms" is their sum per frame. */
private val STAGES = listOf("detector_pre_ms", "detector_post_ms", "emotion_pre_ms", "emotion_post_ms", "pre_post_ms")

/**
 * The benchmark protocol both harnesses share (packager/parity/harness_bench.py): for every case,
 * [warmup] untimed frames, then the median milliseconds (of thread CPU time) over [repeats] frames of detector pre-
 * and post-processing and, per face, emotion pre- and post-processing, and the bytes the
 * benchmark thread allocated per timed frame (`alloc_bytes_per_frame`, HotSpot's per-thread
 * allocation counter around the timed frames); written to [outFile] as JSON by case name.
 */
fun runBench(casesRoot: File, warmup: Int, repeats: Int, outFile: File): Int {
    val threads = ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean
    val thread = Thread.currentThread().id
    val results = LinkedHashMap<String, Any>()
    for (dir in Case.all(casesRoot)) {
        val case = Case(dir)
        // Nanoseconds per stage (STAGES order) and frame, written by the frame loop, which
        // allocates nothing itself: what the counter sees is the wrapper's.
        val times = Array(STAGES.size) { LongArray(repeats) }
        val warm = Array(STAGES.size) { LongArray(1) }
        var faces = 0
        repeat(warmup) { faces = frame(case, warm, 0) }
        val before = threads.getThreadAllocatedBytes(thread)
        for (n in 0 until repeats) frame(case, times, n)
        val allocated = threads.getThreadAllocatedBytes(thread) - before
        val row = LinkedHashMap<String, Any>()
        for ((s, name) in STAGES.withIndex()) row[name] = median(times[s]) / 1e6
        row["faces"] = faces
        row["width"] = case.width
        row["height"] = case.height
        row["alloc_bytes_per_frame"] = allocated.toDouble() / repeats
        results[dir.name] = row
    }
    outFile.writeText(toJson(results))
    return 0
}

/**
 * One frame: nanoseconds of each stage into times[stage][n] (STAGES order); returns the number
 * of faces.
 */
private fun frame(case: Case, times: Array<LongArray>, n: Int): Int {
    val t0 = CPU.currentThreadCpuTime
    val input = case.detectorInput()
    val t1 = CPU.currentThreadCpuTime
    val faces = case.detection.postprocess(case.regressors, case.classificators, input)
    val t2 = CPU.currentThreadCpuTime
    var pre = 0L
    var post = 0L
    for (i in 0 until faces.size) {
        val a = CPU.currentThreadCpuTime
        case.emotionInput(faces[i])
        val b = CPU.currentThreadCpuTime
        // The reference's output for its i-th face (the same face: parity checks that).
        if (i < case.emotionOutputs.size) case.recognition.postprocess(case.emotionOutputs[i])
        val c = CPU.currentThreadCpuTime
        pre += b - a
        post += c - b
    }
    times[0][n] = t1 - t0
    times[1][n] = t2 - t1
    times[2][n] = pre
    times[3][n] = post
    times[4][n] = t2 - t0 + pre + post
    return faces.size
}

/** Median of [v] (sorted in place), in the unit of its values. */
private fun median(v: LongArray): Double {
    v.sort()
    val m = v.size / 2
    return if (v.size % 2 == 1) v[m].toDouble() else (v[m - 1] + v[m]) / 2.0
}
