// Hand-written test code (not generated): entry point of the JVM harness that
// packager/parity/kotlin_harness.py compiles together with the core (codegen.render("kotlin")).
package dev.packager.face.harness

import dev.packager.face.compositeOverBlack
import java.io.File
import kotlin.system.exitProcess

private const val USAGE = """usage:
  parity CASES_ROOT OUT_ROOT         run every parity case folder (exit 1 when a case threw)
  fuzz SEED ITERATIONS OUT.json      random images and model outputs through the core (exit 1 on
                                     an exception other than a PackagerException)
  bench CASES_ROOT WARMUP REPEATS OUT.json
                                     median time of pre- plus post-processing per case, and the
                                     bytes allocated per frame
  resample JOBS.json OUT_DIR         the resampler alone on a list of rectangles (Resampling.kt)
  composite IN.bin OUT.bin           compositeOverBlack on little-endian ARGB int32s
  sequence JOB.json OUT.json         FaceTracker on the faces of a sequence of frames (Sequences.kt)
  selfcheck JOBS.json OUT_DIR        .npy reading and writing, scaledDiff, TensorSpec checks and the
                                     self-check sample names (SelfChecks.kt)"""

private val ARITY = mapOf("parity" to 3, "fuzz" to 4, "bench" to 5, "resample" to 3, "selfcheck" to 3, "composite" to 3,
    "sequence" to 3)

fun main(args: Array<String>) {
    if (args.isEmpty() || ARITY[args[0]] != args.size) {
        System.err.println(USAGE)
        exitProcess(2)
    }
    val code = when (args[0]) {
        "parity" -> if (runParity(File(args[1]), File(args[2])) == 0) 0 else 1
        "fuzz" -> runFuzz(args[1].toLong(), args[2].toInt(), File(args[3]))
        "resample" -> runResampling(File(args[1]), File(args[2]))
        "selfcheck" -> runSelfChecks(File(args[1]), File(args[2]))
        "sequence" -> runSequence(File(args[1]), File(args[2]))
        "composite" -> {
            val pixels = readI32(File(args[1]))
            compositeOverBlack(pixels)
            writeI32(File(args[2]), pixels)
            0
        }
        else -> runBench(File(args[1]), args[2].toInt(), args[3].toInt(), File(args[4]))
    }
    exitProcess(code)
}
