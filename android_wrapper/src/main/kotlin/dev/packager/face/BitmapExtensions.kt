// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

// Android-only adapters: Bitmap → ARGB pixels for the core. No logic of their own.

import android.graphics.Bitmap
import android.os.Build

/** The bitmap's ARGB pixels, row-major (Bitmap.getPixels), in a new array; hardware bitmaps are copied first. */
fun Bitmap.argbPixels(): IntArray = argbPixels(ArgbBuffer())

/**
 * The bitmap's ARGB pixels in [buffer]'s array (allocated once per frame size, overwritten by the
 * next call); hardware bitmaps are copied first.
 */
internal fun Bitmap.argbPixels(buffer: ArgbBuffer): IntArray {
    val hardware = Build.VERSION.SDK_INT >= Build.VERSION_CODES.O && config == Bitmap.Config.HARDWARE
    val source = if (hardware) copy(Bitmap.Config.ARGB_8888, false) else this
    val pixels = buffer.of(source.width * source.height)
    source.getPixels(pixels, 0, source.width, 0, 0, source.width, source.height)
    return pixels
}

/** `val input = faceDetection.preprocess(bitmap)` (the pixels are read into the wrapper's reused array). */
fun FaceDetectionWrapper.preprocess(bitmap: Bitmap): DetectionInput =
    preprocess(bitmap.argbPixels(argbBuffer), bitmap.width, bitmap.height)

/** `val input = faceEmotionRecognition.preprocess(bitmap, face)` (pixels read into the wrapper's reused array). */
fun FaceEmotionRecognitionWrapper.preprocess(bitmap: Bitmap, face: Face): EmotionInput =
    preprocess(bitmap.argbPixels(argbBuffer), bitmap.width, bitmap.height, face)

/** The crop of a face box given in bitmap pixels (pixels read into the wrapper's reused array). */
fun FaceEmotionRecognitionWrapper.preprocess(bitmap: Bitmap, box: Box): EmotionInput =
    preprocess(bitmap.argbPixels(argbBuffer), bitmap.width, bitmap.height, box)

/** Every face of the bitmap with its emotion (the pixels are read once, into a reused array). */
fun FaceEmotionPipeline.run(bitmap: Bitmap): List<FaceEmotion> =
    run(bitmap.argbPixels(detection.argbBuffer), bitmap.width, bitmap.height)
