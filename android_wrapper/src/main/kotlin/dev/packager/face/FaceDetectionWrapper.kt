// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.nio.FloatBuffer

/**
 * Pre- and post-processing of a BlazeFace-family face detector.
 *
 * ```
 * val input = faceDetection.preprocess(frame)   // CameraFrame: camera planes, or ARGB pixels
 * // run the model on input.tensor (shape input.shape) → regressors, classificators
 * val faces = faceDetection.postprocess(regressors, classificators, input)
 * ```
 *
 * The wrapper keeps its working memory (the input tensor, the resampler's tables, the decoding
 * arrays) and reuses it on every call, so that a frame allocates little more than its results:
 * [DetectionInput.tensor] is overwritten by the next [preprocess]. Not thread-safe: use one
 * wrapper per thread.
 *
 * Errors, as Swift's at the same places: [InvalidImageException] for a zero-size image or a pixel
 * array of the wrong length, [InvalidTensorException] for model outputs of the wrong length,
 * [InvalidConfigException] for a recipe it cannot work with (when the recipe is made). NaN or
 * infinite model outputs are not errors: such anchors are dropped, as in the reference.
 */
class FaceDetectionWrapper(val config: DetectorRecipe = Recipes.defaultDetector) {
    private val anchors: DoubleArray = anchorCentres(config.anchors)
    private val resampler = Resampler()
    private val detections = Detections(anchors.size / 2, config.numKeypoints, config.rowLength)
    private val values = FloatArray(config.inputSize * config.inputSize * 3)
    private val tensor: FloatBuffer = directFloats(values.size)
    private val writer = SampleWriter.affine(values, config.normScale, config.normOffset)
    private val keypointMirror: IntArray = config.keypointMirror.toIntArray()

    /** The Android adapters' reusable frame pixels (ImageAdapters.kt). */
    internal val argbBuffer = ArgbBuffer()

    /** Number of anchors, i.e. rows of the model's outputs. */
    val numAnchors: Int get() = anchors.size / 2

    /** The model's input, as ModelSession checks it: [DetectorRecipe.inputShape]. */
    val inputs: List<TensorSpec> get() = listOf(TensorSpec(config.inputName, config.inputShape))

    /** The model's outputs: regressors [1, numAnchors, 4 + 2K], classificators [1, numAnchors, 1]. */
    val outputs: List<TensorSpec>
        get() = listOf(
            TensorSpec(config.regressorsName, listOf(1, numAnchors, config.rowLength)),
            TensorSpec(config.classificatorsName, listOf(1, numAnchors, 1)),
        )

    /**
     * ARGB pixels (row-major, width · height, as Bitmap.getPixels returns them; alpha ignored) →
     * the detector input; the same as [preprocess] of `CameraFrame.argb(pixels, width, height)`.
     */
    @Throws(InvalidImageException::class)
    fun preprocess(pixels: IntArray, width: Int, height: Int): DetectionInput {
        checkImage(pixels, width, height)
        return preprocess(CameraFrame.argb(pixels, width, height))
    }

    /**
     * A camera frame → the detector input: its upright image letterboxed onto size × size
     * (aspect kept, padded with fill, resampled as in Resample.kt, converted to RGB only at the
     * pixels read), tensor = pixel · normScale + normOffset, NHWC RGB float32. The tensor is this
     * wrapper's buffer, overwritten by the next call; the letterbox and so the faces are in the
     * upright image's pixels.
     */
    @Throws(InvalidImageException::class)
    fun preprocess(frame: CameraFrame): DetectionInput {
        val size = config.inputSize
        val box = Letterbox.fit(frame.uprightWidth, frame.uprightHeight, size)
        resampler.tensor(frame, box.x0, box.y0, box.x1, box.y1, size, size, config.resize, config.fill, writer)
        putAll(tensor, values)
        return DetectionInput(tensor, config.inputShape, box, frame.mirrored)
    }

    /**
     * Raw model outputs → faces (best first), mapped to image pixels through [input]'s letterbox,
     * keypoints named for the subject when [input] is mirrored.
     */
    @Throws(PackagerException::class)
    fun postprocess(regressors: FloatArray, classificators: FloatArray, input: DetectionInput): List<Face> =
        postprocess(regressors, classificators, input.letterbox, input.mirrored)

    /**
     * Raw model outputs ([regressors] N · (4 + 2K) values, [classificators] N values, in model
     * order) → faces, best first: decoded, weighted-NMS merged, mapped through [letterbox]. On a
     * [mirrored] image the left/right keypoint pairs are swapped ([DetectorRecipe.keypointMirror])
     * so that the names stay the subject's own; coordinates are not changed.
     */
    @Throws(PackagerException::class)
    fun postprocess(
        regressors: FloatArray, classificators: FloatArray, letterbox: Letterbox, mirrored: Boolean,
    ): List<Face> {
        val d = detections
        decode(config, anchors, regressors, classificators, d)
        weightedNms(d, config.iouThreshold)
        val faces = ArrayList<Face>(d.mergedSize)
        for (i in 0 until d.mergedSize) faces.add(toFace(d, i, letterbox, mirrored))
        return faces
    }

    private fun toFace(d: Detections, i: Int, letterbox: Letterbox, mirrored: Boolean): Face {
        val b = d.mergedBoxes
        val box = Box(b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3])
        val pixelBox = letterbox.toImage(box)
        val kn = d.kn
        val points = ArrayList<Point>(kn / 2)
        val pixels = ArrayList<Point>(kn / 2)
        val normalized = ArrayList<Point>(kn / 2)
        for (p in 0 until kn / 2) {
            val k = if (mirrored) keypointMirror[p] else p  // name p is the model's keypoint k
            val point = Point(d.mergedKeypoints[kn * i + 2 * k], d.mergedKeypoints[kn * i + 2 * k + 1])
            val pixel = letterbox.toImage(point)
            points.add(point)
            pixels.add(pixel)
            normalized.add(letterbox.toNormalized(pixel))
        }
        return Face(pixelBox, pixels, d.mergedScores[i], letterbox.toNormalized(pixelBox), normalized, box, points)
    }
}
