// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.nio.ByteBuffer
import java.nio.ByteOrder

/** How a [CameraFrame] stores its pixels (packager/reference/frames.py, `Frame.format`). */
enum class FrameFormat { ARGB, RGBA, BGRA, YUV }

/**
 * A camera buffer as the camera delivers it, plus the turn that makes it upright
 * (packager/reference/frames.py is the specification). Nothing is converted, rotated or copied:
 * the resampler maps each pixel it reads (at most 16 per model input sample) from the upright
 * image to the buffer; for YUV it sums the planes there and converts once per model input value.
 *
 * * ARGB: `0xAARRGGBB` ints ([android.graphics.Bitmap.getPixels]); row stride in pixels; alpha ignored.
 * * RGBA / BGRA: bytes R, G, B, A / B, G, R, A (CameraX `RGBA_8888`, iOS `32BGRA`); row stride in bytes.
 * * YUV: 4:2:0 planes Y, U (Cb), V (Cr), Android's `YUV_420_888` (I420 with chroma pixel stride 1,
 *   NV21 / NV12 with pixel stride 2: U and V are views one byte apart into one plane). Buffer pixel
 *   (bx, by) takes chroma sample (bx >> 1, by >> 1); BT.601 in integers, full or video range, with
 *   the coefficients YUV_FULL_RANGE / YUV_VIDEO_RANGE of Recipes.kt.
 *
 * [rotationDegrees] is how far the buffer must be turned clockwise to be upright (CameraX
 * `imageInfo.rotationDegrees`), then [mirrored] flips the upright image left to right (front
 * cameras). Boxes and keypoints come back in the upright image's pixels
 * ([uprightWidth] × [uprightHeight]). Upright pixel (x, y) (after undoing the mirror,
 * x → uprightWidth − 1 − x) is buffer pixel
 * 0°: (x, y); 90°: (y, height − 1 − x); 180°: (width − 1 − x, height − 1 − y); 270°: (width − 1 − y, x).
 *
 * Absolute indices are used (a ByteBuffer's position and byte order are neither read nor
 * changed). The frame holds the caller's buffers: they must stay unchanged while the frame is
 * used. Factories throw InvalidImageException for a zero size, a rotation other than
 * 0/90/180/270, a stride too small for the width, or a buffer too short for the strides.
 */
class CameraFrame private constructor(
    val format: FrameFormat,
    /** Buffer width in pixels (before rotation). */
    val width: Int,
    /** Buffer height in pixels (before rotation). */
    val height: Int,
    val rotationDegrees: Int,
    val mirrored: Boolean,
    /** YUV only: full (JFIF; Android cameras, iOS 420f) or video range (iOS 420v). */
    val fullRange: Boolean,
    /** ARGB: the pixels; other formats: empty. */
    internal val ints: IntArray,
    /** RGBA and BGRA: the bytes in the byte order that makes getInt give 0x··RRGGBB / 0xAARRGGBB; YUV: Y. */
    internal val bytes: ByteBuffer,
    internal val u: ByteBuffer,
    internal val v: ByteBuffer,
    /** Of [ints] / [bytes], in their elements. */
    internal val rowStride: Int,
    internal val pixelStride: Int,
    /** Of [u] and [v]. */
    internal val uvRowStride: Int,
    internal val uvPixelStride: Int,
) {
    /** Width of the upright image. */
    val uprightWidth: Int get() = if (rotationDegrees % 180 == 0) width else height

    /** Height of the upright image. */
    val uprightHeight: Int get() = if (rotationDegrees % 180 == 0) height else width

    /** Whether the upright x axis runs along the buffer's x axis (0°, 180°) or its y axis. */
    private val xAlongRows: Boolean get() = rotationDegrees % 180 == 0

    /** Whether buffer coordinates run against upright ones on the upright [xAxis] or y axis. */
    private fun reversed(xAxis: Boolean): Boolean =
        if (xAxis) (rotationDegrees == 90 || rotationDegrees == 180) != mirrored
        else rotationDegrees == 180 || rotationDegrees == 270

    /** The buffer coordinate of upright coordinate [k] (0 ≤ k < the axis' size) on the upright [xAxis] or y axis. */
    private fun bufferCoordinate(k: Int, xAxis: Boolean): Int {
        val size = if (xAxis) uprightWidth else uprightHeight
        return if (reversed(xAxis)) size - 1 - k else k
    }

    /**
     * Upright coordinate [k] on the [xAxis] or y axis → its part of the element index into [ints]
     * / [bytes] / Y: the index of upright pixel (x, y) is offset(x, true) + offset(y, false).
     */
    internal fun offset(k: Int, xAxis: Boolean): Int =
        bufferCoordinate(k, xAxis) * if (xAxis == xAlongRows) pixelStride else rowStride

    /** The same for the chroma sample's index into [u] and [v] (YUV; 0 for the other formats). */
    internal fun chromaOffset(k: Int, xAxis: Boolean): Int =
        (bufferCoordinate(k, xAxis) shr 1) * if (xAxis == xAlongRows) uvPixelStride else uvRowStride

    /** 0x··RRGGBB of the pixel at element index [at] and chroma index [chroma] (the slow, general read). */
    internal fun rgbAt(at: Int, chroma: Int): Int = when (format) {
        FrameFormat.ARGB -> ints[at]
        FrameFormat.RGBA -> bytes.getInt(at) ushr 8
        FrameFormat.BGRA -> bytes.getInt(at)
        FrameFormat.YUV -> yuvToRgb(
            bytes.get(at).toInt() and 0xFF, u.get(chroma).toInt() and 0xFF, v.get(chroma).toInt() and 0xFF,
            if (fullRange) YUV_FULL_RANGE else YUV_VIDEO_RANGE,
        )
    }

    /** 0x··RRGGBB of upright pixel (x, y). */
    internal fun rgb(x: Int, y: Int): Int =
        rgbAt(offset(x, true) + offset(y, false), chromaOffset(x, true) + chromaOffset(y, false))

    companion object {
        private val NO_INTS = IntArray(0)
        private val NO_BYTES: ByteBuffer = ByteBuffer.allocate(0)

        /**
         * ARGB ints `0xAARRGGBB` ([android.graphics.Bitmap.getPixels]); [rowStride] in pixels.
         * `argb(pixels, width, height)` is the packed upright image the IntArray entry points take.
         */
        @JvmStatic
        @JvmOverloads
        @Throws(InvalidImageException::class)
        fun argb(
            pixels: IntArray, width: Int, height: Int, rowStride: Int = width,
            rotationDegrees: Int = 0, mirrored: Boolean = false,
        ): CameraFrame {
            checkFrame(width, height, rotationDegrees)
            requireImage(rowStride >= width) { "row stride $rowStride is less than the width $width" }
            checkLength("pixel array", pixels.size, rowStride, height, width.toLong())
            return CameraFrame(
                FrameFormat.ARGB, width, height, rotationDegrees, mirrored, true,
                pixels, NO_BYTES, NO_BYTES, NO_BYTES, rowStride, 1, 0, 0,
            )
        }

        /** Bytes R, G, B, A per pixel (CameraX `OUTPUT_IMAGE_FORMAT_RGBA_8888`); [rowStride] in bytes. */
        @JvmStatic
        @JvmOverloads
        @Throws(InvalidImageException::class)
        fun rgba(
            bytes: ByteBuffer, width: Int, height: Int, rowStride: Int = 4 * width,
            rotationDegrees: Int = 0, mirrored: Boolean = false,
        ): CameraFrame = packed(FrameFormat.RGBA, bytes, width, height, rowStride, rotationDegrees, mirrored)

        /** Bytes B, G, R, A per pixel (iOS `32BGRA`); [rowStride] in bytes. */
        @JvmStatic
        @JvmOverloads
        @Throws(InvalidImageException::class)
        fun bgra(
            bytes: ByteBuffer, width: Int, height: Int, rowStride: Int = 4 * width,
            rotationDegrees: Int = 0, mirrored: Boolean = false,
        ): CameraFrame = packed(FrameFormat.BGRA, bytes, width, height, rowStride, rotationDegrees, mirrored)

        /**
         * 4:2:0 YUV planes as `YUV_420_888` gives them ([y] with pixel stride 1; [u] and [v] with
         * the same [uvRowStride] and [uvPixelStride]: 1 for I420, 2 for NV21 / NV12), all strides in
         * bytes; [fullRange] false for video range (Y 16..235).
         */
        @JvmStatic
        @JvmOverloads
        @Throws(InvalidImageException::class)
        fun yuv(
            y: ByteBuffer, u: ByteBuffer, v: ByteBuffer,
            yRowStride: Int, uvRowStride: Int, uvPixelStride: Int,
            width: Int, height: Int, fullRange: Boolean = true,
            rotationDegrees: Int = 0, mirrored: Boolean = false,
        ): CameraFrame {
            checkFrame(width, height, rotationDegrees)
            val cw = (width + 1) / 2
            requireImage(yRowStride >= width && uvPixelStride >= 1 && uvRowStride >= (cw - 1) * uvPixelStride + 1) {
                "strides $yRowStride, $uvRowStride, $uvPixelStride do not fit a $width-pixel row"
            }
            checkLength("Y plane", y.limit(), yRowStride, height, width.toLong())
            val chromaRow = (cw - 1).toLong() * uvPixelStride + 1
            checkLength("U plane", u.limit(), uvRowStride, (height + 1) / 2, chromaRow)
            checkLength("V plane", v.limit(), uvRowStride, (height + 1) / 2, chromaRow)
            return CameraFrame(
                FrameFormat.YUV, width, height, rotationDegrees, mirrored, fullRange,
                NO_INTS, y, u, v, yRowStride, 1, uvRowStride, uvPixelStride,
            )
        }

        private fun packed(
            format: FrameFormat, bytes: ByteBuffer, width: Int, height: Int, rowStride: Int,
            rotationDegrees: Int, mirrored: Boolean,
        ): CameraFrame {
            checkFrame(width, height, rotationDegrees)
            requireImage(rowStride >= 4L * width) { "row stride $rowStride is less than 4 × the width $width" }
            checkLength("pixel buffer", bytes.limit(), rowStride, height, 4L * width)
            // A view in the byte order that makes getInt(pixel) give R, G, B in its low 24 bits.
            val order = if (format == FrameFormat.RGBA) ByteOrder.BIG_ENDIAN else ByteOrder.LITTLE_ENDIAN
            return CameraFrame(
                format, width, height, rotationDegrees, mirrored, true,
                NO_INTS, bytes.duplicate().order(order), NO_BYTES, NO_BYTES, rowStride, 4, 0, 0,
            )
        }

        private fun checkFrame(width: Int, height: Int, rotationDegrees: Int) {
            requireImage(width > 0 && height > 0) { "frame has zero size ($width × $height)" }
            requireImage(rotationDegrees in listOf(0, 90, 180, 270)) {
                "rotation $rotationDegrees: choose one of 0, 90, 180, 270"
            }
        }

        /** [rows] rows of [stride] elements, the last one [lastRow] long, fit in [length] elements. */
        private fun checkLength(what: String, length: Int, stride: Int, rows: Int, lastRow: Long) {
            val need = (rows - 1).toLong() * stride + lastRow
            requireImage(length >= need) { "$what has $length elements; the frame needs $need" }
        }
    }
}

/**
 * BT.601 YUV → 0x00RRGGBB in integers (packager/reference/frames.py): with u = U − 128,
 * v = V − 128, base = (Y − offset) · c[0] + 32768: R = (base + c[1] · v) >> 16,
 * G = (base − c[2] · u − c[3] · v) >> 16, B = (base + c[4] · u) >> 16, each clamped to 0..255;
 * c = YUV_FULL_RANGE or YUV_VIDEO_RANGE (c[5] = offset).
 */
internal fun yuvToRgb(y: Int, u: Int, v: Int, c: IntArray): Int =
    yuvToRgb(y, u, v, c[0], c[1], c[2], c[3], c[4], c[5])

/** [yuvToRgb] with the coefficients as values (the resampler's hot loop keeps them in registers). */
@Suppress("NOTHING_TO_INLINE")
internal inline fun yuvToRgb(y: Int, u: Int, v: Int, cy: Int, rv: Int, gu: Int, gv: Int, bu: Int, off: Int): Int {
    val du = u - 128
    val dv = v - 128
    val base = (y - off) * cy + 32768
    val r = clampByte((base + rv * dv) shr 16)
    val g = clampByte((base - gu * du - gv * dv) shr 16)
    val b = clampByte((base + bu * du) shr 16)
    return (r shl 16) or (g shl 8) or b
}

@Suppress("NOTHING_TO_INLINE")
internal inline fun clampByte(x: Int): Int = if (x < 0) 0 else if (x > 255) 255 else x

/**
 * BT.601 on a YUV frame's resampled sums (packager/reference/frames.py, "Resampling a YUV
 * frame"), with the coefficients [c] (YUV_FULL_RANGE / YUV_VIDEO_RANGE: scale, rv, gu, gv, bu,
 * offset) as Longs.
 */
internal class YuvSums(c: IntArray) {
    val scale = c[0].toLong()
    val rv = c[1].toLong()
    val gu = c[2].toLong()
    val gv = c[3].toLong()
    val bu = c[4].toLong()
    val offset = c[5].toLong()

    /**
     * R, G, B of one output sample into out[at ..< at + 3]; returns at + 3. [sY], [sU], [sV]:
     * the weighted sums of its taps inside the image, [inside] their weight, [fill] the fill
     * times the rest of the sample's weight, [norm] 1 / (the sample's weight · 2^16). Every
     * integer stays below 2^51: exact as a Double.
     */
    @Suppress("NOTHING_TO_INLINE")
    inline fun store(
        out: DoubleArray, at: Int, sY: Long, sU: Long, sV: Long, inside: Long, fill: Long, norm: Double,
    ): Int {
        put(at, sY, sU, sV, inside, fill) { i, r, g, b ->
            out[i] = r.toDouble() * norm; out[i + 1] = g.toDouble() * norm; out[i + 2] = b.toDouble() * norm
        }
        return at + 3
    }

    /**
     * [store]'s R, G, B of the sample at output index [at] before the normalisation (each times
     * the sample's weight · 2^16: integers below 2^51) given to [put] (index, R, G, B).
     */
    inline fun put(
        at: Int, sY: Long, sU: Long, sV: Long, inside: Long, fill: Long, put: (Int, Long, Long, Long) -> Unit,
    ) {
        val l = (sY - offset * inside) * scale
        val u = sU - 128 * inside
        val v = sV - 128 * inside
        val top = (255 * inside) shl 16
        val f = fill shl 16
        put(at, clampTo(l + rv * v, top) + f, clampTo(l - gu * u - gv * v, top) + f, clampTo(l + bu * u, top) + f)
    }
}

internal val YUV_SUMS_FULL_RANGE = YuvSums(YUV_FULL_RANGE)
internal val YUV_SUMS_VIDEO_RANGE = YuvSums(YUV_VIDEO_RANGE)

/** [x] clamped to 0..[top]. */
@Suppress("NOTHING_TO_INLINE")
internal inline fun clampTo(x: Long, top: Long): Long = if (x < 0) 0 else if (x > top) top else x
