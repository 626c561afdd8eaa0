// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

/**
 * Interpolation of the resampler (packager/reference/resample.py; the exact formulas are in
 * Resample.kt).
 */
enum class Interpolation {
    /** Bilinear 2 × 2 taps per sub-sample, 2 × 2 sub-samples when downscaling, integer weights. */
    BILINEAR,

    /** Triangle filter widened on downscale (reads every pixel under the rectangle). */
    ANTIALIAS,

    /** The pixel under the sample. */
    NEAREST,
}

/** Channel order of a model input; GRAY is the BT.601 weighted sum of R, G, B. */
enum class ColorOrder(val channels: Int) { GRAY(1), RGB(3), BGR(3) }

/** Memory layout of a 4-D input tensor. */
enum class TensorLayout { NHWC, NCHW }

/**
 * SSD anchor grid of the BlazeFace family.
 *
 * @property inputSize square model input side in pixels.
 * @property strides one stride per feature layer; consecutive equal strides share one grid.
 * @property anchorsPerLayer anchors each layer contributes per cell.
 * @property offset anchor centre within a cell, in cells (0.5 = cell centre).
 */
data class Anchors @Throws(InvalidConfigException::class) constructor(
    val inputSize: Int,
    val strides: List<Int>,
    val anchorsPerLayer: Int,
    val offset: Double,
) {
    init {
        requireConfig(inputSize > 0 && strides.isNotEmpty() && strides.all { it > 0 } && anchorsPerLayer > 0) {
            "invalid anchor grid $this"
        }
    }
}

/**
 * A face detector of the BlazeFace family (packager.recipes.DetectorRecipe).
 *
 * Input: [1, size, size, 3] NHWC, RGB, tensor = pixel * [normScale] + [normOffset].
 * Outputs: [regressorsName] [1, N, 4 + 2 K] and [classificatorsName] [1, N, 1].
 *
 * @property scale raw box and keypoint values are divided by it (the input size).
 * @property keypointNames in output order for an un-mirrored image: left/right are the subject's own.
 * @property keypointMirror the left/right pairs of [keypointNames] as a permutation (entry i: the
 *   index of name i with left and right exchanged, i itself for a name without a side): on a
 *   mirrored frame, name i takes the model's keypoint keypointMirror[i], so that the names stay
 *   the subject's own (packager.reference.detect.subject_keypoints).
 * @property fill pixel value (0..255) of the letterbox padding.
 * @property scoreClip raw scores are clipped to ±scoreClip before the sigmoid.
 * @property minScore detections below this probability are dropped.
 * @property iouThreshold weighted NMS merges boxes whose IoU with the best one exceeds it.
 */
data class DetectorRecipe @Throws(InvalidConfigException::class) constructor(
    val name: String,
    val inputName: String,
    val inputShape: List<Int>,
    val regressorsName: String,
    val classificatorsName: String,
    val scale: Double,
    val normScale: Double,
    val normOffset: Double,
    val fill: Double,
    val anchors: Anchors,
    val numKeypoints: Int,
    val keypointNames: List<String>,
    val keypointMirror: List<Int>,
    val scoreClip: Double,
    val minScore: Double,
    val iouThreshold: Double,
    val resize: Interpolation,
) {
    /** Square model input side in pixels. */
    val inputSize: Int get() = anchors.inputSize

    /** Values per regressor row: box (cx, cy, w, h) then (x, y) per keypoint. */
    val rowLength: Int get() = 4 + 2 * numKeypoints

    init {
        requireConfig(inputShape == listOf(1, inputSize, inputSize, 3)) {
            "detector $name: input shape $inputShape does not match the anchor input size $inputSize"
        }
        requireConfig(numKeypoints >= 0 && keypointNames.size == numKeypoints) {
            "detector $name: ${keypointNames.size} keypoint names for $numKeypoints keypoints"
        }
        requireConfig(keypointMirror.sorted() == (0 until numKeypoints).toList()) {
            "detector $name: keypointMirror $keypointMirror is not a permutation of the $numKeypoints keypoints"
        }
        requireConfig(scale > 0.0 && scale.isFinite()) { "detector $name: scale must be positive" }
    }
}

/**
 * A facial emotion classifier on one square face crop (packager.recipes.EmotionRecipe).
 *
 * tensor = (pixel 0..255 in [color] order − [mean]) · [scale], per channel, laid out as [layout].
 *
 * @property cropScale side of the square crop = max(face width, face height) · cropScale.
 * @property fill pixel value (0..255) of crop regions outside the image.
 * @property outputsAreLogits apply softmax to the output (else it already sums to 1).
 * @property labels class names in output order.
 */
data class EmotionRecipe @Throws(InvalidConfigException::class) constructor(
    val name: String,
    val inputName: String,
    val inputShape: List<Int>,
    val outputName: String,
    val layout: TensorLayout,
    val color: ColorOrder,
    val resize: Interpolation,
    val scale: List<Double>,
    val mean: List<Double>,
    val cropScale: Double,
    val fill: Double,
    val outputsAreLogits: Boolean,
    val labels: List<String>,
) {
    /** Crop side in pixels. */
    val size: Int get() = if (layout == TensorLayout.NHWC) inputShape[1] else inputShape[2]

    /** Channels of the input tensor. */
    val channels: Int get() = color.channels

    init {
        requireConfig(inputShape.size == 4 && inputShape[0] == 1) {
            "emotion model $name: input shape $inputShape is not [1, …]"
        }
        val (h, w, c) = when (layout) {
            TensorLayout.NHWC -> Triple(inputShape[1], inputShape[2], inputShape[3])
            TensorLayout.NCHW -> Triple(inputShape[2], inputShape[3], inputShape[1])
        }
        requireConfig(h == w && h > 0 && c == color.channels) {
            "emotion model $name: input shape $inputShape is not a square $color crop"
        }
        requireConfig(scale.size == channels && mean.size == channels) {
            "emotion model $name: needs one scale and one mean per channel"
        }
        requireConfig(labels.isNotEmpty()) { "emotion model $name has no labels" }
    }
}
