// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// Runtime glue: video mode over FaceEmotionPipeline. The tracking and
// smoothing are the core's FaceTracker (Tracking.swift), checked against the reference.

import Foundation

/// Video mode (as MediaPipe's `detectForVideo`): every face of each frame with its track id
/// and its smoothed emotion. Frames come in time order with their timestamps in milliseconds
/// (a sample buffer's presentation time, a decoded video frame's); how many frames are skipped
/// does not change the smoothing, whose strength is a time (`TrackingRecipe.smoothingSeconds`).
///
///     let video = FaceVideoPipeline(pipeline: try FaceEmotionPipeline())
///     for f in try video.run(frame, timestampMs: ms) {
///       print(f.track, f.smoothed?.topLabel ?? "?")
///     }
///
/// `Sendable`: calls are serialized by a lock (the tracker expects one stream of frames; call
/// `reset()` before a new video).
public final class FaceVideoPipeline: @unchecked Sendable {
  /// The pipeline it runs every frame through.
  public let pipeline: FaceEmotionPipeline
  private var tracker: FaceTracker
  private let lock = NSLock()

  /// Video mode over `pipeline`, with the build's tracking constants by default.
  public init(pipeline: FaceEmotionPipeline, tracking: TrackingRecipe = Recipes.tracking) {
    self.pipeline = pipeline
    self.tracker = FaceTracker(config: tracking)
  }

  /// The faces of an RGBA8 frame shown at `timestampMs`, tracked and smoothed.
  public func run(pixels: [UInt8], width: Int, height: Int, timestampMs: Int64) throws
    -> [TrackedFace]
  {
    try lock.withLock {
      let found = try pipeline.run(pixels: pixels, width: width, height: height)
      return try tracker.update(
        faces: found.map(\.face), emotions: found.map(\.emotion), timestampMs: timestampMs)
    }
  }

  /// The faces of a camera frame shown at `timestampMs`, in upright pixels, tracked and
  /// smoothed.
  public func run(_ frame: CameraFrame, timestampMs: Int64) throws -> [TrackedFace] {
    try lock.withLock {
      let found = try pipeline.run(frame)
      return try tracker.update(
        faces: found.map(\.face), emotions: found.map(\.emotion), timestampMs: timestampMs)
    }
  }

  /// Forget every track: the next frame starts a new video (ids from 1).
  public func reset() {
    lock.withLock { tracker.reset() }
  }

  /// Frees the pipeline's sessions (`FaceEmotionPipeline.close`); later runs throw `.closed`.
  public func close() {
    pipeline.close()
  }
}
