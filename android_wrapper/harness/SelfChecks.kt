// Hand-written test code (not generated): the self-check core (Npy, scaledDiff, TensorSpec,
// SelfCheckSamples) on jobs written by tests/kotlin/test_kotlin_selfcheck.py.
package dev.packager.face.harness

import dev.packager.face.FaceDetectionWrapper
import dev.packager.face.FaceEmotionRecognitionWrapper
import dev.packager.face.Npy
import dev.packager.face.Recipes
import dev.packager.face.SelfCheckSamples
import dev.packager.face.InvalidFileException
import dev.packager.face.TensorRole
import dev.packager.face.TensorSpec
import dev.packager.face.scaledDiff
import java.io.File

/**
 * Runs the jobs of [jobsFile] (JSON) and writes OUT_DIR/result.json:
 * - "npy": .npy paths → {"shape", "error"} each; a file read without error is written back with
 *   Npy.write as OUT_DIR/npy<i>.npy;
 * - "diff": [actual.npy, expected.npy] pairs → scaledDiff of their values;
 * - "signature": {"model", "role", "declared": {name: shape | null}, "expected": [[name, shape]]}
 *   → TensorSpec.mismatch's message or null;
 * - "files": [model, output] pairs → [SelfCheckSamples.inputFile(model), SelfCheckSamples.outputFile(model, output)];
 * - "specs" (always): per recipe, the wrapper's inputs and outputs as [[name, shape]].
 */
fun runSelfChecks(jobsFile: File, outDir: File): Int {
    val jobs = parseJson(jobsFile.readText()) as Map<*, *>
    outDir.mkdirs()
    val npy = (jobs["npy"] as List<*>).mapIndexed { i, path ->
        try {
            val array = Npy.read(File(path as String).readBytes(), File(path).name)
            array.write(File(outDir, "npy$i.npy"))
            mapOf("shape" to array.shape, "error" to null)
        } catch (e: InvalidFileException) {
            mapOf("shape" to null, "error" to e.message)
        }
    }
    val diff = (jobs["diff"] as List<*>).map { pair ->
        val (a, b) = (pair as List<*>).map { Npy.read(File(it as String).readBytes()).values }
        scaledDiff(a, b)
    }
    val signature = (jobs["signature"] as List<*>).map { job ->
        val j = job as Map<*, *>
        val declared = (j["declared"] as Map<*, *>).entries.associate { (k, v) ->
            k as String to (v as List<*>?)?.map { (it as Double).toLong() }
        }
        val role = TensorRole.valueOf((j["role"] as String).uppercase())
        TensorSpec.mismatch(j["model"] as String, role, declared, specs(j["expected"] as List<*>))
    }
    val files = (jobs["files"] as List<*>).map { pair ->
        val (model, output) = (pair as List<*>).map { it as String }
        listOf(SelfCheckSamples.inputFile(model), SelfCheckSamples.outputFile(model, output))
    }
    fun json(list: List<TensorSpec>) = list.map { listOf(it.name, it.shape) }
    val specs = Recipes.detectors.associate { c ->
        FaceDetectionWrapper(c).let { w -> c.name to mapOf("inputs" to json(w.inputs), "outputs" to json(w.outputs)) }
    } + Recipes.emotions.associate { c ->
        FaceEmotionRecognitionWrapper(c).let { w -> c.name to mapOf("inputs" to json(w.inputs), "outputs" to json(w.outputs)) }
    }
    val result = mapOf("npy" to npy, "diff" to diff, "signature" to signature, "files" to files, "specs" to specs)
    File(outDir, "result.json").writeText(toJson(result))
    return 0
}

private fun specs(list: List<*>): List<TensorSpec> = list.map { item ->
    val (name, shape) = item as List<*>
    TensorSpec(name as String, (shape as List<*>).map { (it as Double).toInt() })
}
