// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

/**
 * How faces are followed over time (packager.recipes.TrackingRecipe; Recipes.tracking holds the
 * build's values). Times are the frames' own timestamps, never frame counts, so the frame rate and
 * how many frames an app skips do not change what a person sees.
 *
 * @property iouThreshold a face continues a track when their boxes overlap with IoU ≥ this (0..1).
 * @property keepSeconds a face continues a track across missed frames only when the track's last
 *   face is at most this many seconds earlier (a track seen in the previous frame always may).
 * @property smoothingSeconds time constant τ of the per-track exponential smoothing of the emotion
 *   probabilities (seconds).
 */
data class TrackingRecipe(val iouThreshold: Double, val keepSeconds: Double, val smoothingSeconds: Double)

/**
 * One face of a video frame, followed over time.
 *
 * @property face the face as found in this frame.
 * @property emotion its emotion in this frame (null when not classified).
 * @property track its track id: 1, 2, … per [FaceTracker], stable while the face stays in view.
 * @property smoothed the track's smoothed emotion after this frame (null when [emotion] is null).
 */
data class TrackedFace(val face: Face, val emotion: EmotionResult?, val track: Int, val smoothed: EmotionResult?)

/** Intersection over union of two boxes; 0 when they do not overlap or either is empty. */
fun iou(a: Box, b: Box): Double {
    val iw = minOf(a.xmax, b.xmax) - maxOf(a.xmin, b.xmin)
    val ih = minOf(a.ymax, b.ymax) - maxOf(a.ymin, b.ymin)
    if (iw <= 0.0 || ih <= 0.0) return 0.0
    val inter = iw * ih
    val union = a.width * a.height + b.width * b.height - inter
    return if (union > 0.0) inter / union else 0.0
}

/**
 * Greedy IoU matching (packager.reference.tracking.match): every (track, face) pair with IoU ≥
 * [threshold], taken highest IoU first, ties to the smaller track index then the smaller face
 * index, each track and face at most once. Returns (track index, face index) pairs in that order.
 */
fun matchTracks(trackBoxes: List<Box>, faceBoxes: List<Box>, threshold: Double): List<Pair<Int, Int>> {
    data class Candidate(val iou: Double, val track: Int, val face: Int)
    val candidates = ArrayList<Candidate>()
    for (t in trackBoxes.indices) for (f in faceBoxes.indices) {
        val v = iou(trackBoxes[t], faceBoxes[f])
        if (v >= threshold) candidates.add(Candidate(v, t, f))
    }
    candidates.sortWith(compareByDescending<Candidate> { it.iou }.thenBy { it.track }.thenBy { it.face })
    val tracksTaken = BooleanArray(trackBoxes.size)
    val facesTaken = BooleanArray(faceBoxes.size)
    val out = ArrayList<Pair<Int, Int>>()
    for (c in candidates) {
        if (tracksTaken[c.track] || facesTaken[c.face]) continue
        tracksTaken[c.track] = true
        facesTaken[c.face] = true
        out.add(c.track to c.face)
    }
    return out
}

/** Weight of a new value after [dt] seconds with time constant [tau]: 1 − exp(−dt / τ). */
fun smoothingAlpha(dt: Double, tau: Double): Double = -Math.expm1(-dt / tau)

/**
 * Track ids and smoothed emotions for the frames of one video or camera session, in time order
 * (packager.reference.tracking.FaceTracker, the specification):
 * 0. a track that found no face in the previous frame and whose last face is more than keepSeconds
 *    before this one is forgotten for good;
 * 1.–2. faces are matched to the live tracks by [matchTracks];
 * 3. a face left over starts a new track (ids 1, 2, … in face order, never reused);
 * then per track `s ← s + α · (p − s)`, α = [smoothingAlpha] of the seconds since its previous face
 * (its first face is its own smoothed value); the smoothed label is the largest smoothed
 * probability, the first on ties. Not thread-safe: one tracker per stream of frames.
 */
class FaceTracker(val config: TrackingRecipe) {
    // seen: seconds (timestampMs / 1000.0) of the track's last face, computed as the reference does
    private class Track(val id: Int, var box: Box, var seen: Double, var smoothed: DoubleArray?)

    private var tracks = ArrayList<Track>()
    private var nextId = 1
    private var lastMs: Long? = null

    /** Forget every track (a new video); ids start again at 1. */
    fun reset() {
        tracks = ArrayList()
        nextId = 1
        lastMs = null
    }

    /**
     * The faces of the frame at [timestampMs] (after the previous frame's) with their emotions
     * (same order, null where not classified) → one [TrackedFace] per face, in the same order. Times
     * are taken as t = timestampMs / 1000.0 seconds and compared in seconds, as the reference does.
     * @throws InvalidImageException (Swift `.invalidImage`) when [timestampMs] does not increase or the
     *   lists differ in size.
     */
    @Throws(InvalidImageException::class)
    fun update(faces: List<Face>, emotions: List<EmotionResult?>, timestampMs: Long): List<TrackedFace> {
        requireImage(faces.size == emotions.size) { "${faces.size} faces but ${emotions.size} emotions" }
        lastMs?.let { last ->
            requireImage(timestampMs > last) {
                "frame time $timestampMs ms is not after the previous frame's $last ms"
            }
        }
        val previous = lastMs?.let { it / 1000.0 }
        lastMs = timestampMs
        val t = timestampMs / 1000.0
        tracks.removeAll { it.seen != previous && t - it.seen > config.keepSeconds }
        val pairs = matchTracks(tracks.map { it.box }, faces.map { it.box }, config.iouThreshold)
        val trackOf = arrayOfNulls<Track>(faces.size)
        for ((t, f) in pairs) trackOf[f] = tracks[t]
        val out = ArrayList<TrackedFace>(faces.size)
        for (i in faces.indices) {
            val track = trackOf[i] ?: Track(nextId++, faces[i].box, t, null).also { tracks.add(it) }
            out.add(TrackedFace(faces[i], emotions[i], track.id, smooth(track, emotions[i], t)))
            track.box = faces[i].box
            track.seen = t
        }
        return out
    }

    private fun smooth(track: Track, emotion: EmotionResult?, t: Double): EmotionResult? {
        if (emotion == null) return null
        val p = emotion.probabilities
        val s = track.smoothed
        val next = if (s == null) {
            DoubleArray(p.size) { p[it] }
        } else {
            val a = smoothingAlpha(t - track.seen, config.smoothingSeconds)
            DoubleArray(p.size) { s[it] + a * (p[it] - s[it]) }
        }
        track.smoothed = next
        var top = 0
        for (k in next.indices) if (next[k] > next[top]) top = k
        return EmotionResult(next.toList(), emotion.labels, top)
    }
}
