// Part of packager's Android bundle (hand-written, not generated): the sample app's one screen.
package dev.packager.face.sample

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.os.Bundle
import android.util.Log
import android.widget.TextView
import androidx.activity.ComponentActivity
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.core.content.ContextCompat
import dev.packager.face.PackagerException
import dev.packager.face.FaceEmotionPipeline
import dev.packager.face.FaceResult
import dev.packager.face.PipelineOptions
import dev.packager.face.run
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

private const val TAG = "FaceEmotion"

/** The front camera's faces and emotions as text on screen (and in the log, tag "FaceEmotion"). */
class MainActivity : ComponentActivity() {
    /** CameraX calls the analyzer here; the pipeline is opened, run and closed on this one thread. */
    private val analysisThread: ExecutorService = Executors.newSingleThreadExecutor()
    private val analyzer by lazy { FaceAnalyzer(this) { text -> runOnUiThread { status.setText(text) } } }
    private lateinit var status: TextView

    private val cameraPermission = registerForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) startCamera() else status.setText("The camera permission is needed to find faces.")
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        status = TextView(this)
        setContentView(status)
        if (ContextCompat.checkSelfPermission(this, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) {
            startCamera()
        } else {
            cameraPermission.launch(Manifest.permission.CAMERA)
        }
    }

    private fun startCamera() {
        val analysis = ImageAnalysis.Builder()
            .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)  // drop frames while one runs
            .build()
        analysis.setAnalyzer(analysisThread, analyzer)
        val cameraProvider = ProcessCameraProvider.getInstance(this)
        cameraProvider.addListener(
            { cameraProvider.get().bindToLifecycle(this, CameraSelector.DEFAULT_FRONT_CAMERA, analysis) },
            ContextCompat.getMainExecutor(this),
        )
    }

    override fun onDestroy() {
        super.onDestroy()
        analysisThread.execute { analyzer.close() }
        analysisThread.shutdown()
    }
}

/**
 * Runs the face pipeline on every frame CameraX gives it ([analyze], on one thread) and [report]s
 * what it found: first the providers the models run on, then one line per face. The pipeline is
 * opened on the first frame, off the main thread (it reads and compiles both models).
 */
class FaceAnalyzer(private val context: Context, private val report: (String) -> Unit) :
    ImageAnalysis.Analyzer, AutoCloseable {
    private var pipeline: FaceEmotionPipeline? = null
    private var cannotOpen = false

    override fun analyze(image: ImageProxy) {
        image.use {
            val pipeline = open() ?: return
            try {
                report(describe(pipeline, pipeline.run(it)))
            } catch (e: PackagerException) {
                Log.w(TAG, "frame skipped", e)  // e.g. an image format other than YUV_420_888 / RGBA_8888
            }
        }
    }

    /** Frees the pipeline's sessions; call it on the analysis thread, after the last frame. */
    override fun close() {
        pipeline?.close()
        pipeline = null
    }

    private fun open(): FaceEmotionPipeline? {
        if (pipeline == null && !cannotOpen) {
            pipeline = try {
                FaceEmotionPipeline.fromAssets(context, PipelineOptions(maxFaces = 5)).also {
                    val asked = it.requestedProviders
                    Log.i(TAG, "models run on ${it.providersInUse} (asked for $asked) ${it.fallbackReasons}")
                }
            } catch (e: PackagerException) {
                cannotOpen = true
                Log.e(TAG, "the face pipeline cannot open", e)
                report("The face pipeline cannot open: ${e.message}")
                null
            }
        }
        return pipeline
    }

    private fun describe(pipeline: FaceEmotionPipeline, faces: List<FaceResult>): String =
        (listOf("Models on ${pipeline.providersInUse.values.joinToString(" + ")}; ${faces.size} face(s)") +
            faces.map { (face, emotion) ->
                val b = face.box
                val where = "%.0f, %.0f - %.0f, %.0f".format(b.xmin, b.ymin, b.xmax, b.ymax)
                val what = if (emotion == null) "?" else emotion.topLabel + " %.2f".format(emotion.topProbability)
                val score = "%.2f".format(face.score)
                "face at $where (score $score): $what"
            }).joinToString("\n")
}
