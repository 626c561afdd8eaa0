// Hand-written test code (not generated): the core's FaceTracker on a sequence of frames (the
// faces the reference found in a real video), so that the Python tests can hold track ids and
// smoothed probabilities to packager/reference/tracking.py.
package dev.packager.face.harness

import dev.packager.face.Box
import dev.packager.face.EmotionResult
import dev.packager.face.Face
import dev.packager.face.FaceTracker
import dev.packager.face.TrackingRecipe
import java.io.File

/**
 * [jobFile] (JSON, every number written as a decimal string so that each language reads the same
 * double): {"config": {"iou_threshold", "keep_seconds", "smoothing_seconds"}, "labels": [...],
 * "frames": [{"time_ms": t, "faces": [{"box": [x0, y0, x1, y1], "probabilities": [...] | null}, ...]}, ...]}.
 * Writes [outFile]: {"frames": [{"tracks": [...], "smoothed": [[...] | null, ...], "top": [i | null, ...]}, ...]}.
 */
fun runSequence(jobFile: File, outFile: File): Int {
    val spec = parseJson(jobFile.readText()) as Map<*, *>
    val c = spec["config"] as Map<*, *>
    val tracker = FaceTracker(
        TrackingRecipe(num(c["iou_threshold"]), num(c["keep_seconds"]), num(c["smoothing_seconds"])),
    )
    val labels = (spec["labels"] as List<*>).map { it as String }
    val frames = ArrayList<Map<String, Any?>>()
    for (frame in spec["frames"] as List<*>) {
        frame as Map<*, *>
        val faces = ArrayList<Face>()
        val emotions = ArrayList<EmotionResult?>()
        for (f in frame["faces"] as List<*>) {
            f as Map<*, *>
            val b = (f["box"] as List<*>).map(::num)
            val box = Box(b[0], b[1], b[2], b[3])
            faces.add(Face(box, emptyList(), 1.0, box, emptyList(), box, emptyList()))
            emotions.add((f["probabilities"] as List<*>?)?.let { p -> EmotionResult(p.map(::num), labels, 0) })
        }
        val tracked = tracker.update(faces, emotions, (frame["time_ms"] as String).toLong())
        frames.add(mapOf(
            "tracks" to tracked.map { it.track },
            "smoothed" to tracked.map { it.smoothed?.probabilities },
            "top" to tracked.map { it.smoothed?.topIndex },
        ))
    }
    outFile.writeText(toJson(mapOf("frames" to frames)))
    return 0
}

private fun num(v: Any?): Double = (v as String).toDouble()
