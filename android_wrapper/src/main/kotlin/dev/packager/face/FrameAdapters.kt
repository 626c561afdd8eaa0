// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

// Android-only adapters: camera images → CameraFrame over their own plane buffers (no copy, no
// conversion; CameraFrame.kt reads them in place). No logic of their own.

import android.graphics.ImageFormat
import android.graphics.PixelFormat
import android.media.Image
import androidx.camera.core.ImageProxy
import java.nio.ByteBuffer

/**
 * A CameraX frame (`ImageAnalysis`: `YUV_420_888`, the default, or `RGBA_8888`) as a
 * [CameraFrame], made upright by `imageInfo.rotationDegrees`; [mirrored] gives boxes in the
 * coordinates of a mirrored (front camera) preview. The frame reads the image's buffers: use it
 * before closing the image. The crop rect is not applied. InvalidImageException for another format.
 */
@Throws(InvalidImageException::class)
fun ImageProxy.toCameraFrame(mirrored: Boolean = false): CameraFrame {
    val p = planes
    return cameraFrame(
        format, width, height, imageInfo.rotationDegrees, mirrored, p.size,
        { p[it].buffer }, { p[it].rowStride }, { p[it].pixelStride },
    )
}

/**
 * An `android.media.Image` (`YUV_420_888` from Camera2 / ImageReader, or `RGBA_8888`) as a
 * [CameraFrame], upright after turning [rotationDegrees] clockwise; as [ImageProxy.toCameraFrame].
 */
@Throws(InvalidImageException::class)
fun Image.toCameraFrame(rotationDegrees: Int, mirrored: Boolean = false): CameraFrame {
    val p = planes
    return cameraFrame(
        format, width, height, rotationDegrees, mirrored, p.size,
        { p[it].buffer }, { p[it].rowStride }, { p[it].pixelStride },
    )
}

/**
 * Every face of a CameraX frame with its emotion, in upright pixels (see [ImageProxy.toCameraFrame]);
 * an image format other than YUV_420_888 or RGBA_8888 is an [InvalidImageException].
 */
@JvmOverloads
@Throws(PackagerException::class)
fun FaceEmotionPipeline.run(image: ImageProxy, mirrored: Boolean = false): List<FaceResult> =
    runFrame { image.toCameraFrame(mirrored) }

/** The frame of an image's planes, read through [buffer], [rowStride] and [pixelStride] by plane index. */
private inline fun cameraFrame(
    format: Int, width: Int, height: Int, rotationDegrees: Int, mirrored: Boolean, planes: Int,
    buffer: (Int) -> ByteBuffer, rowStride: (Int) -> Int, pixelStride: (Int) -> Int,
): CameraFrame = when {
    format == ImageFormat.YUV_420_888 && planes == 3 -> {
        // YUV_420_888 guarantees Y pixel stride 1 and the same strides for U and V; NV21's V
        // buffer starting one byte before U is pixel stride 2 here.
        requireImage(pixelStride(0) == 1) { "Y plane pixel stride ${pixelStride(0)}" }
        CameraFrame.yuv(
            buffer(0), buffer(1), buffer(2), rowStride(0), rowStride(1), pixelStride(1),
            width, height, true, rotationDegrees, mirrored,
        )
    }
    format == PixelFormat.RGBA_8888 && planes == 1 ->
        CameraFrame.rgba(buffer(0), width, height, rowStride(0), rotationDegrees, mirrored)
    else -> throw InvalidImageException("image format $format with $planes plane(s): use YUV_420_888 or RGBA_8888")
}
