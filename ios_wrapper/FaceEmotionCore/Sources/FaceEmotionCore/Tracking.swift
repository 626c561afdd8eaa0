// Runtime library of packager (hand-written, not generated), the same for every recipe.

import Foundation

/// How faces are followed over time (packager.recipes.TrackingRecipe; `Recipes.tracking` holds
/// the build's values). Times are the frames' own timestamps, never frame counts, so the frame
/// rate and how many frames an app skips do not change what a person sees.
public struct TrackingRecipe: Sendable, Equatable {
  /// A face continues a track when their boxes overlap with IoU ≥ this (0...1).
  public var iouThreshold: Double
  /// A face continues a track across missed frames only when the track's last face is at most
  /// this many seconds earlier (a track seen in the previous frame always may).
  public var keepSeconds: Double
  /// Time constant τ (seconds) of the per-track exponential smoothing of the probabilities.
  public var smoothingSeconds: Double

  /// A configuration from its parts.
  public init(iouThreshold: Double, keepSeconds: Double, smoothingSeconds: Double) {
    self.iouThreshold = iouThreshold
    self.keepSeconds = keepSeconds
    self.smoothingSeconds = smoothingSeconds
  }
}

/// One face of a video frame, followed over time.
public struct TrackedFace: Sendable, Equatable {
  /// The face as found in this frame.
  public var face: Face
  /// Its emotion in this frame (nil when not classified).
  public var emotion: EmotionResult?
  /// Its track id: 1, 2, … per `FaceTracker`, stable while the face stays in view.
  public var track: Int
  /// The track's smoothed emotion after this frame (nil when `emotion` is nil).
  public var smoothed: EmotionResult?

  /// A tracked face from its parts.
  public init(face: Face, emotion: EmotionResult?, track: Int, smoothed: EmotionResult?) {
    self.face = face
    self.emotion = emotion
    self.track = track
    self.smoothed = smoothed
  }
}

/// Intersection over union of two boxes; 0 when they do not overlap or either is empty.
public func iou(_ a: Box, _ b: Box) -> Double {
  let iw = min(a.xmax, b.xmax) - max(a.xmin, b.xmin)
  let ih = min(a.ymax, b.ymax) - max(a.ymin, b.ymin)
  if iw <= 0 || ih <= 0 { return 0 }
  let inter = iw * ih
  let union = (a.xmax - a.xmin) * (a.ymax - a.ymin) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter
  return union > 0 ? inter / union : 0
}

/// Greedy IoU matching (packager.reference.tracking.match): every (track, face) pair with
/// IoU ≥ `threshold`, taken highest IoU first, ties to the smaller track index then the smaller
/// face index, each track and face at most once. Returns (track index, face index) pairs in that
/// order.
public func matchTracks(_ trackBoxes: [Box], _ faceBoxes: [Box], threshold: Double) -> [(
  track: Int, face: Int
)] {
  var candidates: [(iou: Double, track: Int, face: Int)] = []
  for t in trackBoxes.indices {
    for f in faceBoxes.indices {
      let v = iou(trackBoxes[t], faceBoxes[f])
      if v >= threshold { candidates.append((v, t, f)) }
    }
  }
  candidates.sort { a, b in
    if a.iou != b.iou { return a.iou > b.iou }
    if a.track != b.track { return a.track < b.track }
    return a.face < b.face
  }
  var tracksTaken = [Bool](repeating: false, count: trackBoxes.count)
  var facesTaken = [Bool](repeating: false, count: faceBoxes.count)
  var out: [(track: Int, face: Int)] = []
  for c in candidates where !tracksTaken[c.track] && !facesTaken[c.face] {
    tracksTaken[c.track] = true
    facesTaken[c.face] = true
    out.append((c.track, c.face))
  }
  return out
}

/// Weight of a new value after `dt` seconds with time constant `tau`: 1 − exp(−dt / τ).
public func smoothingAlpha(_ dt: Double, tau: Double) -> Double {
  -expm1(-dt / tau)
}

/// Track ids and smoothed emotions for the frames of one video or camera session, in time
/// order (packager.reference.tracking.FaceTracker, the specification):
/// 0. a track that found no face in the previous frame and whose last face is more than
///    `keepSeconds` before this one is forgotten for good;
/// 1.–2. faces are matched to the live tracks by `matchTracks`;
/// 3. a face left over starts a new track (ids 1, 2, … in face order, never reused);
/// then per track `s ← s + α · (p − s)`, α = `smoothingAlpha` of the seconds since its previous
/// face (its first face is its own smoothed value); the smoothed label is the largest smoothed
/// probability, the first on ties. A value type: one tracker per stream of frames.
public struct FaceTracker: Sendable {
  private struct Track: Sendable {
    let id: Int
    var box: Box
    var seen: Double  // seconds (timestampMs / 1000) of its last face, as the reference computes
    var smoothed: [Double]?
  }

  /// The constants it runs with.
  public let config: TrackingRecipe
  private var tracks: [Track] = []
  private var nextId = 1
  private var lastMs: Int64?

  /// A tracker with no track yet.
  public init(config: TrackingRecipe = Recipes.tracking) {
    self.config = config
  }

  /// Forget every track (a new video); ids start again at 1.
  public mutating func reset() {
    tracks = []
    nextId = 1
    lastMs = nil
  }

  /// The faces of the frame at `timestampMs` (after the previous frame's) with their emotions
  /// (same order, nil where not classified) → one `TrackedFace` per face, in the same order.
  /// Times are taken as t = timestampMs / 1000 seconds and compared in seconds, as the reference
  /// does. Throws `.invalidImage` when the time does not increase or the arrays differ in size.
  public mutating func update(
    faces: [Face], emotions: [EmotionResult?], timestampMs: Int64
  ) throws -> [TrackedFace] {
    guard faces.count == emotions.count else {
      throw PackagerError.invalidImage("\(faces.count) faces but \(emotions.count) emotions")
    }
    if let last = lastMs, timestampMs <= last {
      throw PackagerError.invalidImage(
        "frame time \(timestampMs) ms is not after the previous frame's \(last) ms")
    }
    let previous = lastMs.map { Double($0) / 1000.0 }
    lastMs = timestampMs
    let t = Double(timestampMs) / 1000.0
    tracks.removeAll { $0.seen != previous && t - $0.seen > config.keepSeconds }
    let pairs = matchTracks(tracks.map(\.box), faces.map(\.box), threshold: config.iouThreshold)
    var trackOf = [Int?](repeating: nil, count: faces.count)
    for p in pairs { trackOf[p.face] = p.track }
    var out: [TrackedFace] = []
    out.reserveCapacity(faces.count)
    for i in faces.indices {
      let k: Int
      if let matched = trackOf[i] {
        k = matched
      } else {
        tracks.append(Track(id: nextId, box: faces[i].box, seen: t, smoothed: nil))
        nextId += 1
        k = tracks.count - 1
      }
      let smoothed = smooth(&tracks[k], emotions[i], t)
      out.append(
        TrackedFace(face: faces[i], emotion: emotions[i], track: tracks[k].id, smoothed: smoothed))
      tracks[k].box = faces[i].box
      tracks[k].seen = t
    }
    return out
  }

  private func smooth(_ track: inout Track, _ emotion: EmotionResult?, _ t: Double)
    -> EmotionResult?
  {
    guard let emotion else { return nil }
    let p = emotion.probabilities
    var next = p
    if let s = track.smoothed {
      let a = smoothingAlpha(t - track.seen, tau: config.smoothingSeconds)
      for k in p.indices { next[k] = s[k] + a * (p[k] - s[k]) }
    }
    track.smoothed = next
    var top = 0
    for k in next.indices where next[k] > next[top] { top = k }
    return EmotionResult(probabilities: next, labels: emotion.labels, topIndex: top)
  }
}
