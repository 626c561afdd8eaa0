// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

// Android-only adapters: Bitmap (+ rotation) → an ARGB CameraFrame for the core. No logic of their own.

import android.graphics.Bitmap
import android.os.Build

/**
 * The bitmap's ARGB pixels, row-major (Bitmap.getPixels), in a new array; hardware bitmaps are
 * copied first; a bitmap with alpha is composited over black ([compositeOverBlack], as the reference reads files).
 */
fun Bitmap.argbPixels(): IntArray = argbPixels(ArgbBuffer())

/**
 * The bitmap's ARGB pixels in [buffer]'s array (allocated once per frame size, overwritten by the
 * next call); hardware bitmaps are copied first; transparent pixels are composited over black.
 */
internal fun Bitmap.argbPixels(buffer: ArgbBuffer): IntArray {
    val hardware = Build.VERSION.SDK_INT >= Build.VERSION_CODES.O && config == Bitmap.Config.HARDWARE
    val source = if (hardware) copy(Bitmap.Config.ARGB_8888, false) else this
    val pixels = buffer.of(source.width * source.height)
    source.getPixels(pixels, 0, source.width, 0, 0, source.width, source.height)
    if (source.hasAlpha()) compositeOverBlack(pixels)
    return pixels
}

/**
 * The bitmap as a frame upright after turning [rotationDegrees] clockwise (then [mirrored]); its
 * pixels are read into [buffer]'s array.
 */
internal fun Bitmap.cameraFrame(buffer: ArgbBuffer, rotationDegrees: Int, mirrored: Boolean): CameraFrame =
    CameraFrame.argb(argbPixels(buffer), width, height, width, rotationDegrees, mirrored)

/**
 * `val input = faceDetection.preprocess(bitmap)` (the pixels are read into the wrapper's reused
 * array); a bitmap that is upright after turning [rotationDegrees] clockwise gives faces in upright pixels.
 */
@Throws(InvalidImageException::class)
fun FaceDetectionWrapper.preprocess(
    bitmap: Bitmap, rotationDegrees: Int = 0, mirrored: Boolean = false,
): DetectionInput = preprocess(bitmap.cameraFrame(argbBuffer, rotationDegrees, mirrored))

/** `val input = faceEmotionRecognition.preprocess(bitmap, face)` (pixels read into the wrapper's reused array). */
@Throws(PackagerException::class)
fun FaceEmotionRecognitionWrapper.preprocess(
    bitmap: Bitmap, face: Face, rotationDegrees: Int = 0, mirrored: Boolean = false,
): EmotionInput = preprocess(bitmap.cameraFrame(argbBuffer, rotationDegrees, mirrored), face)

/** The crop of a face box given in (upright) bitmap pixels (pixels read into the wrapper's reused array). */
@Throws(PackagerException::class)
fun FaceEmotionRecognitionWrapper.preprocess(
    bitmap: Bitmap, box: Box, rotationDegrees: Int = 0, mirrored: Boolean = false,
): EmotionInput = preprocess(bitmap.cameraFrame(argbBuffer, rotationDegrees, mirrored), box)

/** Every face of the bitmap with its emotion, in upright pixels (the pixels are read once, into a reused array). */
@JvmOverloads
@Throws(PackagerException::class)
fun FaceEmotionPipeline.run(bitmap: Bitmap, rotationDegrees: Int = 0, mirrored: Boolean = false): List<FaceResult> =
    runFrame { buffer -> bitmap.cameraFrame(buffer, rotationDegrees, mirrored) }
