// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder

/**
 * A float32 array of NumPy's .npy format (numpy.lib.format): [values] in C order, [shape] its
 * dimensions; the self-check samples of a bundle. Swift's `Npy` (`init(data:)` is [read]).
 *
 * [read] takes format versions 1.0, 2.0 and 3.0 with dtype `<f4` (little-endian float32) in C
 * order; anything else is a [InvalidFileException] naming what was found (another dtype,
 * big-endian, Fortran order, a truncated file). [encoded] gives the bytes numpy.save writes for
 * the same array (version 1.0, header padded to 64 bytes).
 */
class Npy @Throws(InvalidFileException::class) constructor(val shape: List<Int>, val values: FloatArray) {
    init {
        if (!shape.all { it >= 0 } || shape.fold(1L) { a, b -> a * b } != values.size.toLong()) {
            throw InvalidFileException("shape $shape does not hold ${values.size} values")
        }
    }

    /** The .npy bytes of this array, as numpy.save writes them (format 1.0, `<f4`, C order). */
    fun encoded(): ByteArray {
        val dims = when (shape.size) {
            1 -> "(${shape[0]},)"
            else -> shape.joinToString(", ", "(", ")")
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': $dims, }"
        header += " ".repeat((ALIGN - (header.length + 1 + 10) % ALIGN) % ALIGN) + "\n"
        val out = ByteBuffer.allocate(10 + header.length + 4 * values.size).order(ByteOrder.LITTLE_ENDIAN)
        out.put(MAGIC).put(1).put(0).putShort(header.length.toShort()).put(header.toByteArray(Charsets.US_ASCII))
        for (v in values) out.putFloat(v)
        return out.array()
    }

    /** Writes [encoded] to [file]; [InvalidFileException] when it cannot (Swift's `write(to:)`). */
    @Throws(InvalidFileException::class)
    fun write(file: File) = try {
        file.writeBytes(encoded())
    } catch (e: java.io.IOException) {
        throw InvalidFileException("cannot write ${file.path}: ${e.message}", e)
    }

    companion object {
        private val MAGIC = byteArrayOf(0x93.toByte(), 'N'.code.toByte(), 'U'.code.toByte(), 'M'.code.toByte(),
            'P'.code.toByte(), 'Y'.code.toByte())
        private const val ALIGN = 64

        /** The array in [bytes] ([name] is used in error messages). */
        @JvmStatic
        @Throws(InvalidFileException::class)
        fun read(bytes: ByteArray, name: String = "array"): Npy {
            fun fail(why: String): Nothing = throw InvalidFileException("$name: $why")
            if (bytes.size < 10 || !MAGIC.indices.all { bytes[it] == MAGIC[it] }) fail("not a .npy file")
            val major = bytes[6].toInt()
            val b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
            val (headerLength, start) = when (major) {
                1 -> (b.getShort(8).toInt() and 0xFFFF).toLong() to 10
                2, 3 -> if (bytes.size < 12) fail("truncated header") else (b.getInt(8).toLong() and 0xFFFFFFFFL) to 12
                else -> fail("unknown .npy format version $major")
            }
            if (start + headerLength > bytes.size) fail("truncated header")
            val header = String(bytes, start, headerLength.toInt(), Charsets.UTF_8)
            fun field(pattern: String): String? = Regex(pattern).find(header)?.groupValues?.get(1)
            val descr = field("""'descr'\s*:\s*'([^']*)'""") ?: fail("no dtype in the header")
            when {
                descr == "<f4" -> {}
                descr == ">f4" -> fail("big-endian float32; expected little-endian float32 ('<f4')")
                else -> fail("dtype '$descr'; expected little-endian float32 ('<f4')")
            }
            val fortran = field("""'fortran_order'\s*:\s*(True|False)""")
                ?: fail("no fortran_order in the header")
            if (fortran == "True") fail("Fortran order; expected C order")
            val dims = field("""'shape'\s*:\s*\(([^)]*)\)""") ?: fail("no shape in the header")
            val shape = dims.split(',').map { it.trim() }.filter { it.isNotEmpty() }.map {
                it.removeSuffix("L").toIntOrNull()?.takeIf { d -> d >= 0 }
                    ?: fail("shape ($dims) is not a tuple of sizes")
            }
            // Each factor is an Int, so a product of two stays within a Long; past Int.MAX_VALUE it is refused.
            val count = shape.fold(1L) { a, d ->
                (a * d).takeIf { it <= Int.MAX_VALUE } ?: fail("shape $shape is too big")
            }
            val data = start + headerLength
            val available = bytes.size - data
            if (count > available / 4) {
                fail("truncated: shape $shape needs ${4 * count} bytes of data, found $available")
            }
            if (count * 4 != available) fail("${available - 4 * count} bytes after the data")
            val floats = ByteBuffer.wrap(bytes, data.toInt(), 4 * count.toInt()).order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
            return Npy(shape, FloatArray(count.toInt()).also { floats.get(it) })
        }
    }
}
