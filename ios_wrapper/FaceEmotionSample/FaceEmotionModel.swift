// Sample app of packager (hand-written, not generated): a minimal camera app on the
// FaceEmotion package, the same for every bundle. See README.md in this folder.

import AVFoundation
import FaceEmotion
import SwiftUI

/// What the view shows, on the main actor.
@MainActor
@Observable
final class FaceEmotionModel {
  var faces: [FaceResult] = []
  var status = "Opening the models…"
  private let camera = Camera()

  /// Opens the pipeline off the main actor (Core ML compiles the models at the first launch;
  /// the pipeline is Sendable, so it comes back), then starts the front camera. The results of
  /// each frame hop from the capture queue to the main actor.
  func start() async {
    guard await AVCaptureDevice.requestAccess(for: .video) else {
      status = "No camera access"
      return
    }
    do {
      let pipeline = try await Task.detached { try FaceEmotionPipeline() }.value
      status = Self.providers(pipeline)
      let analyzer = FaceEmotionAnalyzer(pipeline: pipeline, orientation: .leftMirrored) {
        faces in
        Task { @MainActor in self.faces = faces }
      }
      camera.start(position: .front, analyzer: analyzer)
    } catch {
      status = "\(error)"
    }
  }

  func stop() {
    camera.stop()
  }

  /// "face_detection: CoreML, …": the provider each model runs on, and why one fell back.
  static func providers(_ pipeline: FaceEmotionPipeline) -> String {
    [pipeline.detector, pipeline.classifier].map { session in
      let reason = session.fallbackReason.map { " (\(session.requestedProvider) failed: \($0))" }
      return "\(session.modelName): \(session.providerInUse)\(reason ?? "")"
    }.joined(separator: ", ")
  }
}
