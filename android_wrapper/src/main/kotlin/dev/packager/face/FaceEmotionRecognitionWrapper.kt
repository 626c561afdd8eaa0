// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.nio.FloatBuffer
import kotlin.math.exp

/**
 * Pre- and post-processing of a facial emotion classifier working on one square face crop
 * (packager/reference/emotion.py).
 *
 * ```
 * val input = faceEmotionRecognition.preprocess(frame, face)   // the frame the face was found in
 * // run the model on input.tensor (shape input.shape) → output
 * val emotion = faceEmotionRecognition.postprocess(output)   // emotion.topLabel
 * ```
 *
 * The wrapper keeps its working memory (the input tensor, the resampler's tables) and reuses it
 * on every call: [EmotionInput.tensor] is overwritten by the next [preprocess]. Not thread-safe:
 * use one wrapper per thread.
 *
 * Errors: [InvalidBoxException] (Swift's `.invalidBox`) for an empty or non-finite face box or a
 * crop more than MAX_RESAMPLE_STEP source pixels per input pixel; [InvalidImageException]
 * (`.invalidImage`) for a zero-size image or a pixel array of the wrong length;
 * [InvalidTensorException] (`.invalidTensor`) for a model output of the wrong length or holding
 * NaN or infinity.
 */
class FaceEmotionRecognitionWrapper(val config: EmotionRecipe = Recipes.defaultEmotion) {
    private val resampler = Resampler()
    private val values = FloatArray(config.size * config.size * config.channels)
    private val tensor: FloatBuffer = directFloats(values.size)
    private val mean = config.mean.toDoubleArray()
    private val scale = config.scale.toDoubleArray()
    private val probabilities = DoubleArray(config.labels.size)

    /** GRAY's tensor values straight from the resampler (SampleWriter.kt); null for RGB and BGR. */
    private val grayWriter = if (config.color == ColorOrder.GRAY) SampleWriter.gray(values, mean[0], scale[0]) else null

    /** The Android adapters' reusable frame pixels (ImageAdapters.kt). */
    internal val argbBuffer = ArgbBuffer()

    /** The model's input, as ModelSession checks it: [EmotionRecipe.inputShape]. */
    val inputs: List<TensorSpec> get() = listOf(TensorSpec(config.inputName, config.inputShape))

    /** The model's output: [1, number of labels]. */
    val outputs: List<TensorSpec> get() = listOf(TensorSpec(config.outputName, listOf(1, config.labels.size)))

    /** Square crop (x0, y0, x1, y1) in image pixels: side max(width, height) · cropScale around the box centre. */
    fun cropRect(box: Box): Box {
        val side = maxOf(box.xmax - box.xmin, box.ymax - box.ymin) * config.cropScale
        val cx = (box.xmin + box.xmax) / 2.0
        val cy = (box.ymin + box.ymax) / 2.0
        return Box(cx - side / 2.0, cy - side / 2.0, cx + side / 2.0, cy + side / 2.0)
    }

    /** The input tensor for [face]'s crop; see the [Box] overload. */
    @Throws(PackagerException::class)
    fun preprocess(pixels: IntArray, width: Int, height: Int, face: Face): EmotionInput =
        preprocess(pixels, width, height, face.box)

    /**
     * ARGB pixels (row-major, as Bitmap.getPixels returns them; alpha ignored) + a face [box] in
     * image pixels → the model input; the same as [preprocess] of `CameraFrame.argb(pixels, width, height)`.
     */
    @Throws(PackagerException::class)
    fun preprocess(pixels: IntArray, width: Int, height: Int, box: Box): EmotionInput {
        checkImage(pixels, width, height)
        return preprocess(CameraFrame.argb(pixels, width, height), box)
    }

    /** The input tensor for [face]'s crop of [frame]; see the [Box] overload. */
    @Throws(PackagerException::class)
    fun preprocess(frame: CameraFrame, face: Face): EmotionInput = preprocess(frame, face.box)

    /**
     * A camera frame + a face [box] in its upright image's pixels → the model input: the square
     * [cropRect] of the upright image resampled to size × size (outside the image reads fill;
     * converted to RGB only at the pixels read), colour converted (GRAY = the BT.601 sum with
     * GRAY_WEIGHTS), then (x − mean) · scale per channel, laid out NHWC or NCHW, float32.
     */
    @Throws(PackagerException::class)
    fun preprocess(frame: CameraFrame, box: Box): EmotionInput {
        val r = cropRect(box)
        val finite = r.xmin.isFinite() && r.ymin.isFinite() && r.xmax.isFinite() && r.ymax.isFinite()
        if (!finite || r.xmax <= r.xmin) throw InvalidBoxException("face box $box is empty or not finite")
        val size = config.size
        val gray = grayWriter
        if (gray != null) {
            // One channel: NHWC and NCHW lay it out alike.
            resampler.tensor(frame, r.xmin, r.ymin, r.xmax, r.ymax, size, size, config.resize, config.fill, gray)
        } else {
            val rgb = resampler.rgb(frame, r.xmin, r.ymin, r.xmax, r.ymax, size, size, config.resize, config.fill)
            val channels = config.channels
            val nhwc = config.layout == TensorLayout.NHWC
            for (p in 0 until size * size) {
                for (c in 0 until channels) {
                    val v = (channel(rgb, p, c) - mean[c]) * scale[c]
                    values[if (nhwc) p * channels + c else c * size * size + p] = v.toFloat()
                }
            }
        }
        putAll(tensor, values)
        return EmotionInput(tensor, config.inputShape)
    }

    /** Channel [c] (in the model's colour order, RGB or BGR: GRAY is [grayWriter]'s) of resampled pixel [p]. */
    private fun channel(rgb: DoubleArray, p: Int, c: Int): Double =
        if (config.color == ColorOrder.BGR) rgb[3 * p + 2 - c] else rgb[3 * p + c]

    /**
     * Model output (one value per label) → probabilities: softmax exp(x − max) / sum in Double
     * when the model gives logits, else the values as they are; top = the first largest.
     */
    @Throws(InvalidTensorException::class)
    fun postprocess(output: FloatArray): EmotionResult {
        requireTensor(output.size == config.labels.size) {
            "emotion output has ${output.size} values; expected ${config.labels.size}"
        }
        requireTensor(output.all { it.isFinite() }) { "emotion output contains NaN or infinity" }
        val p = probabilities
        for (i in p.indices) p[i] = output[i].toDouble()
        if (config.outputsAreLogits) softmaxInPlace(p)
        var top = 0
        for (i in p.indices) if (p[i] > p[top]) top = i
        val list = ArrayList<Double>(p.size)
        for (v in p) list.add(v)
        return EmotionResult(list, config.labels, top)
    }

    companion object {
        /** x ← exp(x − max) / sum, in Double. */
        internal fun softmaxInPlace(x: DoubleArray) {
            var m = x[0]
            for (v in x) m = maxOf(m, v)
            for (i in x.indices) x[i] = exp(x[i] - m)
            var sum = 0.0
            for (v in x) sum += v
            for (i in x.indices) x[i] = x[i] / sum
        }
    }
}
