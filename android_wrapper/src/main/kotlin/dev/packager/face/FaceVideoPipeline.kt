// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
//
// Runtime glue: video mode over FaceEmotionPipeline (Android-only like it). The tracking and
// smoothing are the core's FaceTracker (Tracking.kt), checked against the reference.
package dev.packager.face

import android.graphics.Bitmap
import androidx.camera.core.ImageProxy

/**
 * Video mode (as MediaPipe's `detectForVideo`): every face of each frame with its track id and its
 * smoothed emotion. Frames come in time order with their timestamps in milliseconds (a camera
 * frame's `imageInfo.timestamp / 1_000_000`, a decoded video frame's presentation time); how many
 * frames are skipped does not change the smoothing, whose strength is a time
 * ([TrackingRecipe.smoothingSeconds]).
 *
 * ```
 * FaceVideoPipeline(FaceEmotionPipeline.fromAssets(context)).use { video ->
 *     for (face in video.run(imageProxy)) draw(face.face.box, "#${face.track} ${face.smoothed?.topLabel}")
 * }
 * ```
 *
 * It owns [pipeline] (closes it). Calls are serialized by the pipeline; the tracker expects one
 * stream of frames: call [reset] before a new video.
 */
class FaceVideoPipeline @JvmOverloads constructor(
    val pipeline: FaceEmotionPipeline,
    tracking: TrackingRecipe = Recipes.tracking,
) : AutoCloseable {
    private val tracker = FaceTracker(tracking)

    /** The faces of an ARGB frame shown at [timestampMs], tracked and smoothed. */
    @Throws(PackagerException::class)
    fun run(pixels: IntArray, width: Int, height: Int, timestampMs: Long): List<TrackedFace> =
        track(pipeline.run(pixels, width, height).map { it.face to it.emotion }, timestampMs)

    /** The faces of a camera frame shown at [timestampMs], in upright pixels, tracked and smoothed. */
    @Throws(PackagerException::class)
    fun run(frame: CameraFrame, timestampMs: Long): List<TrackedFace> =
        track(pipeline.run(frame).map { it.face to it.emotion }, timestampMs)

    /** The faces of a Bitmap shown at [timestampMs] (see [FaceEmotionPipeline.run] for Bitmaps). */
    @Throws(PackagerException::class)
    fun run(bitmap: Bitmap, timestampMs: Long, rotationDegrees: Int = 0, mirrored: Boolean = false): List<TrackedFace> =
        track(pipeline.run(bitmap, rotationDegrees, mirrored).map { it.face to it.emotion }, timestampMs)

    /** The faces of a CameraX frame, at its own timestamp (`imageInfo.timestamp`, nanoseconds). */
    @Throws(PackagerException::class)
    fun run(image: ImageProxy, mirrored: Boolean = false): List<TrackedFace> {
        val timestampMs = image.imageInfo.timestamp / 1_000_000
        return track(pipeline.run(image, mirrored).map { it.face to it.emotion }, timestampMs)
    }

    /** Forget every track: the next frame starts a new video (ids from 1). */
    fun reset() = synchronized(tracker) { tracker.reset() }

    override fun close() = pipeline.close()

    private fun track(found: List<Pair<Face, EmotionResult?>>, timestampMs: Long): List<TrackedFace> =
        synchronized(tracker) { tracker.update(found.map { it.first }, found.map { it.second }, timestampMs) }
}
