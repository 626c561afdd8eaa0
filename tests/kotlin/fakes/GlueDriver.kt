// Test code (tests/kotlin/test_kotlin_glue.py; never shipped): the Android-only glue
// (ModelSession, FaceEmotionPipeline) run on a JVM against the fake ONNX Runtime beside it.
// Compiled against the stand-ins with the runtime files; run with the fakes on the class path.
package dev.packager.face.glue

import android.content.Context
import android.content.res.AssetManager
import android.graphics.Bitmap
import dev.packager.face.PackagerException
import dev.packager.face.FaceEmotionPipeline
import dev.packager.face.ModelSession
import dev.packager.face.PipelineOptions
import dev.packager.face.Precision
import dev.packager.face.Recipes
import dev.packager.face.Provider
import dev.packager.face.SessionConfigurator
import dev.packager.face.SessionSettings
import dev.packager.face.TensorSpec
import dev.packager.face.run
import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.FloatBuffer

private val X = listOf(TensorSpec("x", listOf(1, 4)))
private val YZ = listOf(TensorSpec("y", listOf(1, 3)), TensorSpec("z", listOf(1, 2)))

private fun model(fail: String = "", sleepMs: Int = 0, y: String = "1, 3") =
    """{"inputs": {"x": [1, 4]}, "outputs": {"y": [$y], "z": [1, 2]}, "fail": [$fail], "sleepMs": $sleepMs}""".toByteArray()

private fun direct(vararg v: Float): FloatBuffer =
    ByteBuffer.allocateDirect(4 * v.size).order(ByteOrder.nativeOrder()).asFloatBuffer().put(v).also { it.rewind() }

/** The fake's record (ai.onnxruntime.Fake, reached by reflection: the glue is compiled against the stand-ins). */
private val fake = Class.forName("ai.onnxruntime.Fake")

@Suppress("UNCHECKED_CAST")
private val fakeLog: MutableList<String> get() = fake.getField("log").get(null) as MutableList<String>

/** Sets the fake device's API level (android.os.Build.VERSION.SDK_INT of the fakes, not final there). */
private fun setSdk(level: Int) = Class.forName("android.os.Build\$VERSION").getField("SDK_INT").setInt(null, level)

/** [block] on a device of API level [level]; the fakes' default (34) afterwards. */
private fun <T> onSdk(level: Int, block: () -> T): T {
    setSdk(level)
    try {
        return block()
    } finally {
        setSdk(DEFAULT_SDK)
    }
}

private const val DEFAULT_SDK = 34

/** A bitmap of the fakes (android.graphics.Bitmap's factories there, by reflection as [fake]). */
private fun bitmap(factory: String, vararg args: Any): Bitmap {
    val types = args.map { if (it is Int) Int::class.javaPrimitiveType!! else it.javaClass }.toTypedArray()
    return Bitmap::class.java.getMethod(factory, *types).invoke(null, *args) as Bitmap
}

/** What [block] threw ("Class: message", and "← Class" of its cause), or null when it returned. */
private fun failure(block: () -> Unit): String? = try {
    block()
    null
} catch (e: Exception) {
    "${e.javaClass.simpleName}: ${e.message}" + (e.cause?.let { " ← ${it.javaClass.simpleName}" } ?: "")
}

private fun counts() = listOf("sessions", "options", "tensors").associateWith {
    fake.getField("open" + it.replaceFirstChar(Char::uppercase)).getInt(null)
}

/** One scenario: its result map, plus the fake's call log and what is left open afterwards. */
private fun scenario(block: () -> Map<String, Any?>): Map<String, Any?> {
    fakeLog.clear()
    val result = try {
        block()
    } catch (e: PackagerException) {
        mapOf("error" to e.javaClass.simpleName, "message" to e.message)
    }
    return result + mapOf("log" to fakeLog.toList(), "open" to counts())
}

private fun quote(v: Any?): String = when (v) {
    null -> "null"
    is String -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\""
    is Map<*, *> -> v.entries.joinToString(", ", "{", "}") { (k, x) -> quote(k.toString()) + ": " + quote(x) }
    is Iterable<*> -> v.joinToString(", ", "[", "]") { quote(it) }
    is FloatArray -> v.toList().let(::quote)
    else -> v.toString()
}

fun main(args: Array<String>) {
    val assets = File(args[1])
    System.setProperty("fake.assets", assets.path)
    val context = object : Context() {
        override fun getAssets(): AssetManager = AssetManager::class.java.getDeclaredConstructor().newInstance()
    }
    val out = linkedMapOf<String, Any?>()
    out["default"] = scenario {
        ModelSession.open("m", model(), X, YZ).use {
            mapOf("requested" to it.requestedProvider, "provider" to it.providerInUse, "fallback" to it.fallbackReason)
        }
    }
    out["defaults by api level"] = scenario {
        val levels = listOf(24, 26, 27, 28, 29, 30, 34, 35, 36)
        val opened = levels.associate { level ->
            level.toString() to onSdk(level) {
                ModelSession.open("m", model(), X, YZ).use { listOf(it.requestedProvider, it.providerInUse, it.fallbackReason) }
            }
        }
        mapOf("opened" to opened, "defaultFor" to levels.associate { it.toString() to Provider.defaultFor(it).toString() })
    }
    out["nnapi below api 27"] = scenario {
        onSdk(26) {
            ModelSession.open("m", model(), X, YZ, SessionSettings(Provider.Nnapi())).use {
                mapOf("requested" to it.requestedProvider, "provider" to it.providerInUse, "fallback" to it.fallbackReason)
            }
        }
    }
    out["nnapi below api 27 without fallback"] = scenario {
        onSdk(26) { ModelSession.open("m", model(), X, YZ, SessionSettings(Provider.Nnapi(), cpuFallback = false)).close() }
        mapOf()
    }
    out["nnapi asked for on api 35"] = scenario {
        onSdk(35) {
            ModelSession.open("m", model(), X, YZ, SessionSettings(Provider.Nnapi())).use {
                mapOf("requested" to it.requestedProvider, "provider" to it.providerInUse, "fallback" to it.fallbackReason)
            }
        }
    }
    out["fallback"] = scenario {
        ModelSession.open("m", model(fail = "\"NNAPI\""), X, YZ).use {
            mapOf("provider" to it.providerInUse, "fallback" to it.fallbackReason)
        }
    }
    out["no fallback"] = scenario {
        ModelSession.open("m", model(fail = "\"NNAPI\""), X, YZ, SessionSettings(cpuFallback = false)).close()
        mapOf()
    }
    out["negative threads"] = scenario { SessionSettings(intraOpThreads = -1); mapOf() }
    out["options out of range"] = scenario {
        val refused = listOf(
            { PipelineOptions(scoreThreshold = 1.5) }, { PipelineOptions(iouThreshold = -0.1) },
            { PipelineOptions(maxFaces = 0) }, { PipelineOptions(session = SessionSettings(intraOpThreads = -2)) },
        ).map { make -> failure { make() } }
        mapOf("refused" to refused)
    }
    out["mismatch"] = scenario { ModelSession.open("m", model(y = "1, 5"), X, YZ).close(); mapOf() }
    out["run"] = scenario {
        ModelSession.open("m", model(), X, YZ, SessionSettings(Provider.Cpu)).use { s ->
            val input = direct(1f, 2f, 3f, 6f)
            val first = s.run(mapOf("x" to input)).getValue("y").copyOf()
            s.run(mapOf("x" to input))
            val again = s.run(mapOf("x" to input))
            val heap = s.run(mapOf("x" to FloatBuffer.wrap(floatArrayOf(0f, 0f, 0f, 4f))))
            val same = again === heap
            mapOf("first" to first, "z" to heap.getValue("z").copyOf(), "y" to heap.getValue("y").copyOf(),
                "reusedMap" to same)
        }
    }
    out["wrong input"] = scenario {
        ModelSession.open("m", model(), X, YZ).use { it.run(mapOf("x" to direct(1f, 2f))) }
        mapOf()
    }
    out["xnnpack"] = scenario {
        ModelSession.open("m", model(), X, YZ, SessionSettings(Provider.Xnnpack, intraOpThreads = 4)).use {
            mapOf("provider" to it.providerInUse)
        }
    }
    out["xnnpack default threads"] = scenario {
        ModelSession.open("m", model(), X, YZ, SessionSettings(Provider.Xnnpack)).use { mapOf("provider" to it.providerInUse) }
    }
    out["hook"] = scenario {
        val seen = mutableListOf<String>()
        val hook = SessionConfigurator { options, provider -> seen.add(provider.toString()); options.addConfigEntry("k", "v") }
        ModelSession.open("m", model(fail = "\"NNAPI\""), X, YZ, SessionSettings(configureSession = hook)).close()
        mapOf("seen" to seen)
    }
    out["close waits"] = scenario {
        // The runner's run has begun (the fake's permit) before close is called, so close meets a run
        // in progress however the threads are scheduled; whether close waited is read off the fake's
        // log: the run's "run" comes before "closeSession" only if close waited for the run to end.
        val started = fake.getField("runsStarted").get(null) as java.util.concurrent.Semaphore
        started.drainPermits()
        val s = ModelSession.open("m", model(sleepMs = 200), X, YZ)
        var runError: String? = null
        val runner = Thread {
            try {
                s.run(mapOf("x" to direct(1f, 1f, 1f, 1f)))
            } catch (e: Throwable) {
                runError = e.toString()
            }
        }
        runner.start()
        started.acquire()
        s.close()
        runner.join()
        val after = try {
            s.run(mapOf("x" to direct(1f, 1f, 1f, 1f)))
            null
        } catch (e: PackagerException) {
            e.javaClass.simpleName
        }
        s.close()  // twice: nothing
        val log = fakeLog
        val closedAfterRun = "run" in log && log.indexOf("run") < log.indexOf("closeSession")
        mapOf("closeAfterRun" to closedAfterRun, "runError" to runError, "runAfterClose" to after)
    }
    out["pipeline"] = scenario {
        FaceEmotionPipeline.fromAssets(context, PipelineOptions(maxFaces = 2)).use { p ->
            val gray = IntArray(64 * 48) { 0xFF808080.toInt() }
            val faces = p.run(gray, 64, 48)
            val checks = p.selfCheck(context).map {
                mapOf("model" to it.model, "provider" to it.provider, "diff" to it.scaledDiff, "passed" to it.passed,
                    "accelerator" to it.acceleratorProvider, "acceleratorDiff" to it.acceleratorScaledDiff)
            }
            val invalid = try {
                p.run(IntArray(5), 64, 48)
                null
            } catch (e: PackagerException) {
                e.javaClass.simpleName + ": " + e.message
            }
            val unlimited = FaceEmotionPipeline.fromAssets(context).use { it.run(gray, 64, 48).size }
            val strict = FaceEmotionPipeline.fromAssets(context, PipelineOptions(scoreThreshold = 0.99)).use {
                it.run(gray, 64, 48).size
            }
            mapOf("providers" to p.providersInUse, "requested" to p.requestedProviders, "faces" to faces.size, "unlimited" to unlimited, "strict" to strict,
                "selfCheck" to checks, "invalid" to invalid)
        }
    }
    out["pipeline adapters"] = scenario {
        val gray = IntArray(64 * 48) { 0xFF808080.toInt() }
        val detector = File(assets, "face_detection.ort").readBytes()
        val emotion = File(assets, "face_emotion_recognition.ort").readBytes()
        // a detector whose runtime fails with an unchecked exception (a bug, not a bad image)
        val buggy = String(detector).replaceFirst("{", "{\"runThrows\": \"a bug in the runtime\", ").toByteArray()
        val unreadable = bitmap("unreadable", 64, 48, "x + width must be <= bitmap.width()")
        FaceEmotionPipeline(detector, emotion).use { p ->
            mapOf("pixels" to p.run(gray, 64, 48).size, "bitmap" to p.run(bitmap("of", 64, 48, gray)).size,
                "unreadable" to failure { p.run(unreadable) },
                "buggy" to FaceEmotionPipeline(buggy, emotion).use { failure { it.run(gray, 64, 48) } })
        }
    }
    out["pipeline fallback"] = scenario {
        onSdk(26) {
            FaceEmotionPipeline.fromAssets(context, PipelineOptions(session = SessionSettings(Provider.Nnapi()))).use {
                mapOf("requested" to it.requestedProviders, "providers" to it.providersInUse, "reasons" to it.fallbackReasons)
            }
        }
    }
    out["pipeline second fails"] = scenario {
        FaceEmotionPipeline.fromAssets(context, emotionAsset = "broken.ort").close()
        mapOf()
    }
    out["precision"] = scenario {
        val opened = Precision.entries.associate { pr ->
            pr.name to FaceEmotionPipeline.fromAssets(context, PipelineOptions(precision = pr)).use { p ->
                mapOf("assets" to listOf(p.detector.modelName + ".ort", p.classifier.modelName + ".ort"), "selfCheck" to p.selfCheck(context).map {
                    mapOf("model" to it.model, "diff" to it.scaledDiff, "tolerance" to it.tolerance, "passed" to it.passed)
                })
            }
        }
        opened + mapOf("default" to PipelineOptions().precision.name, "recipes" to Recipes.defaultPrecision.name)
    }
    out["no samples"] = scenario {
        FaceEmotionPipeline.fromAssets(context, detectorAsset = "copy/face_detection.ort").use { it.selfCheck(context) }
        mapOf()
    }
    File(args[0]).writeText(quote(out))
}
