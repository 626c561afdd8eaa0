// Hand-written test code (not generated): runs the generated core on every parity case folder
// and writes what packager/parity/compare.py reads (format in packager/parity/__init__.py).
package dev.packager.face.harness

import dev.packager.face.Box
import dev.packager.face.CameraFrame
import dev.packager.face.DetectionInput
import dev.packager.face.DetectorOutputs
import dev.packager.face.EmotionInput
import dev.packager.face.Face
import dev.packager.face.FaceDetectionWrapper
import dev.packager.face.FaceEmotionRecognitionWrapper
import dev.packager.face.FaceEmotionSteps
import dev.packager.face.FaceResult
import dev.packager.face.Interpolation
import dev.packager.face.Point
import dev.packager.face.Recipes
import java.io.File

/** One parity case folder, read. */
class Case(val dir: File) {
    val meta = parseJson(File(dir, "case.json").readText()) as Map<*, *>
    val width = (meta["width"] as Double).toInt()
    val height = (meta["height"] as Double).toInt()
    val pixels = readArgb(File(dir, "pixels.rgb"), width, height)
    /** The camera frame the case is run from (case.json "frame"), or null: run from [pixels]. */
    val frame: CameraFrame? = (meta["frame"] as? Map<*, *>)?.let { readFrame(dir, it) }
    val regressors = readF32(File(dir, "regressors.f32"))
    val classificators = readF32(File(dir, "classificators.f32"))
    /** The interpolation of each stage: the case's, which may differ from the recipe's. */
    private val resize = meta["resize"] as? Map<*, *> ?: error("case.json has no resize")
    val detection = FaceDetectionWrapper(
        (Recipes.detector(meta["detector_recipe"] as String) ?: error("unknown detector ${meta["detector_recipe"]}"))
            .copy(resize = interpolation(resize["detector"])),
    )
    val recognition = FaceEmotionRecognitionWrapper(
        (Recipes.emotion(meta["emotion_recipe"] as String) ?: error("unknown emotion model ${meta["emotion_recipe"]}"))
            .copy(resize = interpolation(resize["emotion"])),
    )
    val cropBoxes: List<Box> = (meta["crop_boxes"] as List<*>).map { b ->
        val v = (b as List<*>).map { it as Double }
        Box(v[0], v[1], v[2], v[3])
    }

    val emotionOutputs: List<FloatArray> = cropBoxes.indices.map { readF32(File(dir, "emotion_output_$it.f32")) }

    // The core's entry points on the case's input: its camera frame, else its ARGB pixels.
    fun detectorInput(): DetectionInput =
        frame?.let { detection.preprocess(it) } ?: detection.preprocess(pixels, width, height)

    fun emotionInput(box: Box): EmotionInput =
        frame?.let { recognition.preprocess(it, box) } ?: recognition.preprocess(pixels, width, height, box)

    fun emotionInput(face: Face): EmotionInput =
        frame?.let { recognition.preprocess(it, face) } ?: recognition.preprocess(pixels, width, height, face)

    fun chain(runDetector: (DetectionInput) -> DetectorOutputs, runEmotion: (EmotionInput) -> FloatArray): List<FaceResult> {
        val steps = FaceEmotionSteps(detection, recognition)
        return frame?.let { steps.run(it, runDetector, runEmotion) }
            ?: steps.run(pixels, width, height, runDetector, runEmotion)
    }

    companion object {
        /** "bilinear", "antialias", "nearest" → the enum value. */
        fun interpolation(name: Any?): Interpolation =
            Interpolation.values().firstOrNull { it.name.equals(name as? String, ignoreCase = true) }
                ?: error("unknown interpolation $name")

        /** Every case folder under [root], by name. */
        fun all(root: File): List<File> =
            (root.listFiles() ?: emptyArray()).filter { File(it, "case.json").isFile }.sortedBy { it.name }
    }
}

/** Runs every case under [casesRoot] into [outRoot]/<case>; returns how many cases threw. */
fun runParity(casesRoot: File, outRoot: File): Int {
    val dirs = Case.all(casesRoot)
    var failed = 0
    for (dir in dirs) {
        val out = File(outRoot, dir.name).apply { mkdirs() }
        try {
            runCase(Case(dir), out)
        } catch (e: Exception) {
            failed++
            File(out, "error.txt").writeText(e.stackTraceToString())
            System.err.println("${dir.name}: ${e.stackTraceToString()}")
        }
    }
    println("parity: ${dirs.size} case(s), $failed failed")
    return failed
}

private fun runCase(case: Case, out: File) {
    val input = case.detectorInput()
    writeF32(File(out, "detector_input.f32"), input.tensorValues())
    val faces = case.detection.postprocess(case.regressors, case.classificators, input)
    val names = case.detection.config.keypointNames
    File(out, "faces.json").writeText(toJson(mapOf("faces" to faces.map { faceJson(it, names) })))
    val emotions = case.cropBoxes.mapIndexed { i, box ->
        val x = case.emotionInput(box)
        writeF32(File(out, "emotion_input_$i.f32"), x.tensorValues())
        val result = case.recognition.postprocess(case.emotionOutputs[i])
        mapOf("probabilities" to result.probabilities, "top_label" to result.topLabel)
    }
    File(out, "emotion.json").writeText(toJson(mapOf("faces" to emotions)))
    // The whole chain, with the reference's model outputs standing in for the runtime (in call order).
    var next = 0
    val chain = case.chain(
        { DetectorOutputs(case.regressors, case.classificators) },
        { if (next < case.cropBoxes.size) case.emotionOutputs[next++] else FloatArray(0) },
    )
    val chainJson = chain.map { mapOf("box_px" to boxList(it.face.box), "top_label" to it.emotion?.topLabel) }
    File(out, "pipeline.json").writeText(toJson(mapOf("faces" to chainJson)))
}

private fun boxList(b: Box) = listOf(b.xmin, b.ymin, b.xmax, b.ymax)

/** One face of faces.json: keypoints by name (the recipe's names, in the core's order). */
private fun faceJson(f: Face, names: List<String>) = mapOf(
    "box" to boxList(f.letterboxBox),
    "keypoints" to named(names, f.letterboxKeypoints),
    "score" to f.score,
    "box_px" to boxList(f.box),
    "keypoints_px" to named(names, f.keypoints),
    "normalized_box" to boxList(f.normalizedBox),
    "normalized_keypoints" to named(names, f.normalizedKeypoints),
)

private fun named(names: List<String>, points: List<Point>): Map<String, List<Double>> {
    require(names.size == points.size) { "${points.size} keypoints for ${names.size} names" }
    return names.zip(points).associate { (name, p) -> name to listOf(p.x, p.y) }
}
