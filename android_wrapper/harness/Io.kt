// Hand-written test code (not generated): binary files of the parity contract
// (packager/parity/__init__.py): raw RGB bytes and little-endian float32 arrays.
package dev.packager.face.harness

import dev.packager.face.CameraFrame
import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder

/** Little-endian float32 file → floats. */
fun readF32(file: File): FloatArray {
    val buffer = littleEndian(file.readBytes()).asFloatBuffer()
    return FloatArray(buffer.remaining()).also { buffer.get(it) }
}

/** Floats → little-endian float32 file. */
fun writeF32(file: File, values: FloatArray) =
    file.writeBytes(fourByteValues(values.size) { it.asFloatBuffer().put(values) })

/** Little-endian int32 file → ints. */
fun readI32(file: File): IntArray {
    val buffer = littleEndian(file.readBytes()).asIntBuffer()
    return IntArray(buffer.remaining()).also { buffer.get(it) }
}

/** Ints → little-endian int32 file. */
fun writeI32(file: File, values: IntArray) =
    file.writeBytes(fourByteValues(values.size) { it.asIntBuffer().put(values) })

private fun littleEndian(bytes: ByteArray): ByteBuffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)

/** The bytes of [count] four-byte values that [put] writes into a little-endian buffer. */
private fun fourByteValues(count: Int, put: (ByteBuffer) -> Unit): ByteArray =
    littleEndian(ByteArray(4 * count)).also(put).array()

/** height · width · 3 RGB bytes → opaque ARGB ints, as Bitmap.getPixels would give them. */
fun readArgb(file: File, width: Int, height: Int): IntArray {
    val rgb = file.readBytes()
    require(rgb.size == width * height * 3) { "${file.name} has ${rgb.size} bytes; expected $width × $height × 3" }
    return IntArray(width * height) {
        val r = rgb[3 * it].toInt() and 0xFF
        val g = rgb[3 * it + 1].toInt() and 0xFF
        val b = rgb[3 * it + 2].toInt() and 0xFF
        (0xFF shl 24) or (r shl 16) or (g shl 8) or b
    }
}

/**
 * The camera frame of a case folder (case.json "frame", packager/parity/cases.py): its planes
 * `plane<i>.bin` (argb: little-endian int32; else bytes, in direct buffers as cameras give them),
 * strides and orientation, wrapped without a copy.
 */
fun readFrame(dir: File, spec: Map<*, *>): CameraFrame {
    fun int(v: Any?) = (v as Double).toInt()
    val width = int(spec["width"])
    val height = int(spec["height"])
    val rotation = int(spec["rotation"])
    val mirrored = spec["mirrored"] as Boolean
    val planes = (spec["planes"] as List<*>).map { it as Map<*, *> }
    val data = planes.map { File(dir, it["file"] as String).readBytes() }
    val rowStride = planes.map { int(it["row_stride"]) }
    val pixelStride = planes.map { int(it["pixel_stride"]) }
    fun direct(bytes: ByteArray): ByteBuffer = ByteBuffer.allocateDirect(bytes.size).put(bytes).also { it.rewind() }
    return when (val format = spec["format"] as String) {
        "argb" -> {
            require(pixelStride[0] == 1) { "argb pixel stride ${pixelStride[0]}" }
            val ints = ByteBuffer.wrap(data[0]).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer()
            CameraFrame.argb(IntArray(ints.remaining()).also { ints.get(it) }, width, height, rowStride[0], rotation, mirrored)
        }
        "rgba", "bgra" -> {
            require(pixelStride[0] == 4) { "$format pixel stride ${pixelStride[0]}" }
            val make = if (format == "rgba") CameraFrame::rgba else CameraFrame::bgra
            make(direct(data[0]), width, height, rowStride[0], rotation, mirrored)
        }
        "yuv" -> {
            require(pixelStride[0] == 1 && rowStride[1] == rowStride[2] && pixelStride[1] == pixelStride[2]) {
                "yuv strides $rowStride / $pixelStride: Y pixel stride 1, U and V alike"
            }
            CameraFrame.yuv(
                direct(data[0]), direct(data[1]), direct(data[2]), rowStride[0], rowStride[1], pixelStride[1],
                width, height, spec["full_range"] as Boolean, rotation, mirrored,
            )
        }
        else -> error("unknown frame format $format")
    }
}
