// Hand-written test code (not generated): the generated resampler alone on a list of source
// rectangles, so that the Python tests can hold it to packager/reference/resample.py value by value.
package dev.packager.face.harness

import dev.packager.face.PackagerException
import dev.packager.face.Resampler
import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder

/**
 * [jobsFile] (JSON): {"width", "height", "pixels": RGB file, "jobs": [{"rect": [x0, y0, x1, y1],
 * "out": [w, h], "method": "bilinear" | "antialias" | "nearest", "fill": f}, ...]}. Writes
 * [outDir]/status.json ({"status": ["ok" | "rejected", ...]}) and [outDir]/values.f64: the R, G, B
 * values of every accepted job, in order, as little-endian float64. One Resampler serves every
 * job, as one wrapper serves every frame (its reused tables must not leak from job to job).
 */
fun runResampling(jobsFile: File, outDir: File): Int {
    val spec = parseJson(jobsFile.readText()) as Map<*, *>
    val width = (spec["width"] as Double).toInt()
    val height = (spec["height"] as Double).toInt()
    val pixels = readArgb(File(jobsFile.parentFile, spec["pixels"] as String), width, height)
    val resampler = Resampler()
    val status = ArrayList<String>()
    val values = ArrayList<DoubleArray>()
    for (job in spec["jobs"] as List<*>) {
        job as Map<*, *>
        val r = (job["rect"] as List<*>).map { it as Double }
        val out = (job["out"] as List<*>).map { (it as Double).toInt() }
        val method = Case.interpolation(job["method"])
        try {
            val rgb = resampler.rgb(
                pixels, width, height, r[0], r[1], r[2], r[3], out[0], out[1], method, job["fill"] as Double,
            )
            values.add(rgb.copyOf(out[0] * out[1] * 3))
            status.add("ok")
        } catch (e: PackagerException) {
            status.add("rejected")
        }
    }
    outDir.mkdirs()
    File(outDir, "status.json").writeText(toJson(mapOf("status" to status)))
    val buffer = ByteBuffer.allocate(8 * values.sumOf { it.size }).order(ByteOrder.LITTLE_ENDIAN)
    val doubles = buffer.asDoubleBuffer()
    for (v in values) doubles.put(v)
    File(outDir, "values.f64").writeBytes(buffer.array())
    return 0
}
