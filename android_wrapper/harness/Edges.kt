// Hand-written test code (not generated): named bad inputs and their outcome, so that the Python
// tests can hold the core to its documented behaviour (and the reference's) case by case. The Swift
// harness runs the same cases (ParityHarness/Edges.swift); tests/edge_cases.py holds both to one table.
package dev.packager.face.harness

import dev.packager.face.Box
import dev.packager.face.CameraFrame
import dev.packager.face.DetectorOutputs
import dev.packager.face.FaceEmotionSteps
import dev.packager.face.FaceDetectionWrapper
import dev.packager.face.FaceEmotionRecognitionWrapper
import dev.packager.face.FaceTracker
import dev.packager.face.PackagerException
import dev.packager.face.Recipes
import dev.packager.face.scaledDiff
import dev.packager.face.Letterbox
import dev.packager.face.Npy

/**
 * Scenario name → outcome: the PackagerException thrown, named as Swift's `PackagerError` case
 * ("invalidImage" for InvalidImageException, …), "faces=N" (detector), "values=a..b" (range of a
 * tensor) or "top=I" (emotion), or "unexpected: …" for anything else (IllegalArgumentException too).
 */
fun edgeOutcomes(): Map<String, String> {
    val det = FaceDetectionWrapper()
    val emo = FaceEmotionRecognitionWrapper()
    val n = det.numAnchors
    val row = det.config.rowLength
    val labels = emo.config.labels.size
    val image = IntArray(40 * 30) { 0xFF808080.toInt() }
    val box = Letterbox.fit(40, 30, det.config.inputSize)
    fun reg(v: Float) = FloatArray(n * row) { v }
    fun cls(v: Float) = FloatArray(n) { v }
    val scenarios: Map<String, () -> String> = linkedMapOf(
        "detector_zero_width" to { tensorRange(det.preprocess(IntArray(0), 0, 30).tensorValues()) },
        "detector_zero_height" to { tensorRange(det.preprocess(IntArray(0), 40, 0).tensorValues()) },
        "detector_negative_size" to { tensorRange(det.preprocess(IntArray(0), -4, -3).tensorValues()) },
        "detector_short_pixels" to { tensorRange(det.preprocess(image.copyOf(40 * 30 - 1), 40, 30).tensorValues()) },
        "detector_long_pixels" to { tensorRange(det.preprocess(image.copyOf(40 * 30 + 1), 40, 30).tensorValues()) },
        "regressors_short" to { faces(det.postprocess(reg(0f).copyOf(n * row - 1), cls(0f), box, false)) },
        "classificators_long" to { faces(det.postprocess(reg(0f), cls(0f).copyOf(n + 1), box, false)) },
        "outputs_empty" to { faces(det.postprocess(FloatArray(0), FloatArray(0), box, false)) },
        "outputs_nan" to { faces(det.postprocess(reg(Float.NaN), cls(Float.NaN), box, false)) },
        "scores_nan" to { faces(det.postprocess(reg(0f), cls(Float.NaN), box, false)) },
        "regressors_nan" to { faces(det.postprocess(reg(Float.NaN), cls(10f), box, false)) },
        "regressors_inf" to { faces(det.postprocess(reg(Float.POSITIVE_INFINITY), cls(10f), box, false)) },
        "scores_plus_inf" to { faces(det.postprocess(reg(0f), cls(Float.POSITIVE_INFINITY), box, false)) },
        "scores_minus_inf" to { faces(det.postprocess(reg(0f), cls(Float.NEGATIVE_INFINITY), box, false)) },
        "detector_keypoint_mirror_not_permutation" to {
            faces(FaceDetectionWrapper(det.config.copy(keypointMirror = listOf(0, 0, 2, 3, 4, 5))).postprocess(reg(0f), cls(0f), box, true))
        },
        "crop_zero_size_image" to { tensorRange(emo.preprocess(IntArray(0), 0, 0, Box(0.0, 0.0, 10.0, 10.0)).tensorValues()) },
        "crop_box_nan" to { tensorRange(emo.preprocess(image, 40, 30, Box(Double.NaN, 0.0, 10.0, 10.0)).tensorValues()) },
        "crop_box_inf" to { tensorRange(emo.preprocess(image, 40, 30, Box(0.0, 0.0, Double.POSITIVE_INFINITY, 10.0)).tensorValues()) },
        "crop_box_empty" to { tensorRange(emo.preprocess(image, 40, 30, Box(5.0, 5.0, 5.0, 5.0)).tensorValues()) },
        "crop_box_inverted" to { tensorRange(emo.preprocess(image, 40, 30, Box(20.0, 20.0, 10.0, 10.0)).tensorValues()) },
        "crop_box_outside" to { tensorRange(emo.preprocess(image, 40, 30, Box(-500.0, -500.0, -400.0, -400.0)).tensorValues()) },
        "crop_box_huge" to { tensorRange(emo.preprocess(image, 40, 30, Box(0.0, 0.0, 1e12, 1e12)).tensorValues()) },
        "emotion_output_short" to { top(emo.postprocess(FloatArray(labels - 1))) },
        "emotion_output_nan" to { top(emo.postprocess(FloatArray(labels) { if (it == 1) Float.NaN else 0f })) },
        "emotion_output_inf" to { top(emo.postprocess(FloatArray(labels) { if (it == 1) Float.POSITIVE_INFINITY else 0f })) },
        "emotion_output_ties" to { top(emo.postprocess(FloatArray(labels) { if (it >= 2) 0.5f else 0.1f })) },
        "frame_rotation_45" to { CameraFrame.argb(image, 40, 30, rotationDegrees = 45).let { "frame" } },
        "tracker_time_not_increasing" to {
            val tracker = FaceTracker(Recipes.tracking)
            tracker.update(emptyList(), emptyList(), 10)
            "tracks=${tracker.update(emptyList(), emptyList(), 10).size}"
        },
        "tracker_lists_differ" to {
            "tracks=${FaceTracker(Recipes.tracking).update(emptyList(), listOf(null), 0).size}"
        },
        "npy_shape_mismatch" to { Npy(listOf(2), FloatArray(1)).let { "npy" } },
        "scaled_diff_lengths" to { "diff=${scaledDiff(FloatArray(1), FloatArray(2))}" },
        "steps_max_faces_zero" to { stepsFaces(image, 0) },
        "steps_max_faces_negative" to { stepsFaces(image, -1) },
    )
    return scenarios.mapValues { (_, run) ->
        try {
            run()
        } catch (e: PackagerException) {
            errorCase(e)
        } catch (e: Throwable) {
            "unexpected: $e"
        }
    }
}

/** The `PackagerError` case of [e]: its class name without "Exception", lower camel case. */
internal fun errorCase(e: PackagerException): String =
    e.javaClass.simpleName.removeSuffix("Exception").replaceFirstChar { it.lowercase() }

private fun faces(list: List<*>) = "faces=${list.size}"

/** FaceEmotionSteps limited to [maxFaces] run on a 40×30 [image] with models that find no face. */
private fun stepsFaces(image: IntArray, maxFaces: Int): String {
    val steps = FaceEmotionSteps(maxFaces = maxFaces)
    val n = steps.detection.numAnchors
    val noFace = DetectorOutputs(FloatArray(n * steps.detection.config.rowLength), FloatArray(n) { -100f })
    return faces(steps.run(image, 40, 30, { noFace }, { FloatArray(steps.recognition.config.labels.size) }))
}

private fun top(r: dev.packager.face.EmotionResult) = "top=${r.topIndex}"

private fun tensorRange(t: FloatArray) = "values=${t.minOrNull()}..${t.maxOrNull()}"
