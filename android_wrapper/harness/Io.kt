// Hand-written test code (not generated): binary files of the parity contract
// (packager/parity/__init__.py): raw RGB bytes and little-endian float32 arrays.
package dev.packager.face.harness

import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder

/** Little-endian float32 file → floats. */
fun readF32(file: File): FloatArray {
    val buffer = ByteBuffer.wrap(file.readBytes()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
    return FloatArray(buffer.remaining()).also { buffer.get(it) }
}

/** Floats → little-endian float32 file. */
fun writeF32(file: File, values: FloatArray) {
    val buffer = ByteBuffer.allocate(4 * values.size).order(ByteOrder.LITTLE_ENDIAN)
    buffer.asFloatBuffer().put(values)
    file.writeBytes(buffer.array())
}

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
