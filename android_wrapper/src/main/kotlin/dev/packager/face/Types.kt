// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.nio.FloatBuffer

/** An axis-aligned box (xmin, ymin, xmax, ymax); image pixels or normalized, as documented at use. */
data class Box(val xmin: Double, val ymin: Double, val xmax: Double, val ymax: Double) {
    val width: Double get() = xmax - xmin
    val height: Double get() = ymax - ymin
}

/** A point (x, y); image pixels or normalized, as documented at use. */
data class Point(val x: Double, val y: Double)

/**
 * Where the detector's square input lies on the source image (packager.reference.detect.Letterbox).
 *
 * The image is scaled by s = min(size / w, size / h) and centred; the input then covers the source
 * rectangle (x0, y0, x1, y1) in pixels, which may reach outside the image:
 * x0 = (w − size / s) / 2, x1 = x0 + size / s, rows likewise. A normalized coordinate u maps back
 * to the source pixel x0 + u · (x1 − x0), and a source pixel x to x / [width] normalized to the image.
 *
 * @property width, height the source (upright) image's size in pixels.
 */
data class Letterbox(
    val x0: Double, val y0: Double, val x1: Double, val y1: Double, val width: Int, val height: Int,
) {
    /** Normalized model coordinates → source pixels. */
    fun toImage(p: Point): Point = Point(x0 + p.x * (x1 - x0), y0 + p.y * (y1 - y0))

    /** Normalized box → source pixels. */
    fun toImage(b: Box): Box {
        val sx = x1 - x0
        val sy = y1 - y0
        return Box(x0 + b.xmin * sx, y0 + b.ymin * sy, x0 + b.xmax * sx, y0 + b.ymax * sy)
    }

    /** Source pixels → normalized to the image: (x / width, y / height). */
    fun toNormalized(p: Point): Point = Point(p.x / width, p.y / height)

    /** A box in source pixels → normalized to the image. */
    fun toNormalized(b: Box): Box = Box(b.xmin / width, b.ymin / height, b.xmax / width, b.ymax / height)

    companion object {
        /** The letterbox of a [width] × [height] image on a [size] × [size] input (both > 0). */
        fun fit(width: Int, height: Int, size: Int): Letterbox {
            require(width > 0 && height > 0 && size > 0) { "image has zero size" }
            val s = minOf(size.toDouble() / width, size.toDouble() / height)
            val span = size / s
            val x0 = (width - span) / 2.0
            val y0 = (height - span) / 2.0
            return Letterbox(x0, y0, x0 + span, y0 + span, width, height)
        }
    }
}

/**
 * One detected face.
 *
 * @property box face box in the (upright) source image's pixels.
 * @property keypoints in source-image pixels, in [DetectorRecipe.keypointNames] order: left/right
 *   are the subject's own, on mirrored frames too ([DetectorRecipe.keypointMirror]).
 * @property score detection probability 0..1.
 * @property normalizedBox the box normalized to the upright image: x / width, y / height (0..1
 *   inside it), e.g. to draw on a view of any size showing the same image.
 * @property normalizedKeypoints the keypoints normalized likewise.
 * @property letterboxBox the box as the detector gives it, normalized to its square input (0..1
 *   across the letterbox, [Letterbox]; the parity tolerance is stated in these coordinates).
 * @property letterboxKeypoints the keypoints likewise.
 */
data class Face(
    val box: Box,
    val keypoints: List<Point>,
    val score: Double,
    val normalizedBox: Box,
    val normalizedKeypoints: List<Point>,
    val letterboxBox: Box,
    val letterboxKeypoints: List<Point>,
)

/**
 * The detector's input tensor.
 *
 * @property tensor float32 values, [shape] = [1, size, size, 3], NHWC, RGB, in a native-order
 *   direct buffer (position 0, limit = the number of values) that ONNX Runtime takes without a
 *   copy: `OnnxTensor.createTensor(env, input.tensor, shape)`. The buffer belongs to the wrapper
 *   and is overwritten by its next preprocess call: run the model before preprocessing the next
 *   frame, or copy the values ([tensorValues]) to keep them.
 * @property letterbox where the input lies on the source image (needed by postprocess).
 * @property mirrored the image is a mirror image (a mirrored frame): postprocess names the
 *   keypoints for the subject ([DetectorRecipe.keypointMirror]).
 */
class DetectionInput(val tensor: FloatBuffer, val shape: List<Int>, val letterbox: Letterbox, val mirrored: Boolean) {
    /** A copy of the tensor's values (allocates: for tests and debugging, not per frame). */
    fun tensorValues(): FloatArray = copyValues(tensor)
}

/**
 * An emotion model's input tensor: float32, [shape] in the model's layout, in a native-order
 * direct buffer that ONNX Runtime takes without a copy. As for [DetectionInput.tensor], the
 * buffer belongs to the wrapper and is overwritten by its next preprocess call.
 */
class EmotionInput(val tensor: FloatBuffer, val shape: List<Int>) {
    /** A copy of the tensor's values (allocates: for tests and debugging, not per frame). */
    fun tensorValues(): FloatArray = copyValues(tensor)
}

private fun copyValues(b: FloatBuffer): FloatArray = FloatArray(b.limit()) { b.get(it) }

/**
 * Non-premultiplied ARGB pixels (what Bitmap.getPixels returns) composited over black, in place:
 * each channel c becomes round(c · a / 255) = (c · a + 127) / 255 and alpha 255, exactly what the
 * reference does with an image file's alpha (packager.imagefiles.to_rgb: Pillow's alpha_composite
 * over opaque black). The core itself ignores alpha; the Bitmap adapters call this first.
 */
internal fun compositeOverBlack(pixels: IntArray) {
    for (i in pixels.indices) {
        val p = pixels[i]
        val a = p ushr 24
        if (a == 0xFF) continue
        val r = ((p shr 16 and 0xFF) * a + 127) / 255
        val g = ((p shr 8 and 0xFF) * a + 127) / 255
        val b = ((p and 0xFF) * a + 127) / 255
        pixels[i] = (0xFF shl 24) or (r shl 16) or (g shl 8) or b
    }
}

/**
 * One reusable ARGB array (the Android adapters read each Bitmap frame into it): re-allocated
 * only when the pixel count changes. Not thread-safe, like the wrapper that holds it.
 */
internal class ArgbBuffer {
    private var pixels = IntArray(0)

    /** The array, of exactly [size] values; its content is whatever the last user wrote. */
    fun of(size: Int): IntArray {
        if (pixels.size != size) pixels = IntArray(size)
        return pixels
    }
}

/**
 * Class probabilities of one face.
 *
 * @property probabilities one per label, summing to 1.
 * @property labels the model's labels, same order.
 * @property topIndex index of the largest probability (the first one on ties).
 */
data class EmotionResult(val probabilities: List<Double>, val labels: List<String>, val topIndex: Int) {
    val topLabel: String get() = labels[topIndex]
    val topProbability: Double get() = probabilities[topIndex]
}

/** A face and the emotion of its crop (null when the crop or the model output was unusable). */
data class FaceResult(val face: Face, val emotion: EmotionResult?)
