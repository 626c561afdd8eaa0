// Sample app of packager (hand-written, not generated): a minimal camera app on the
// FaceEmotion package, the same for every bundle. See README.md in this folder.

import AVFoundation
import FaceEmotion
import ImageIO

/// Runs the pipeline on every camera frame, on the capture queue. `nonisolated`: its delegate
/// method is called there, never on the main actor (an app target's default isolation may be
/// the main actor). Checked `Sendable`: its properties are immutable and `Sendable`, the
/// pipeline included.
nonisolated final class FaceEmotionAnalyzer: NSObject,
  AVCaptureVideoDataOutputSampleBufferDelegate, Sendable
{
  let pipeline: FaceEmotionPipeline
  let orientation: CGImagePropertyOrientation
  let onResults: @Sendable ([FaceResult]) -> Void

  init(
    pipeline: FaceEmotionPipeline, orientation: CGImagePropertyOrientation,
    onResults: @escaping @Sendable ([FaceResult]) -> Void
  ) {
    self.pipeline = pipeline
    self.orientation = orientation
    self.onResults = onResults
  }

  func captureOutput(
    _ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer,
    from connection: AVCaptureConnection
  ) {
    if let results = try? pipeline.run(sampleBuffer, orientation: orientation) {
      onResults(results)
    }
  }
}

/// The capture session, configured and started on its own serial queue (`startRunning()`
/// blocks). `nonisolated` and `@unchecked Sendable`: `session` and `output` are touched only on
/// `queue`.
nonisolated final class Camera: @unchecked Sendable {
  private let session = AVCaptureSession()
  private let output = AVCaptureVideoDataOutput()
  private let queue = DispatchQueue(label: "camera")

  func start(position: AVCaptureDevice.Position, analyzer: FaceEmotionAnalyzer) {
    queue.async { [self] in
      session.beginConfiguration()
      if let device = AVCaptureDevice.default(
        .builtInWideAngleCamera, for: .video, position: position),
        let input = try? AVCaptureDeviceInput(device: device), session.canAddInput(input)
      {
        session.addInput(input)
      }
      output.videoSettings = [
        kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange
      ]
      output.alwaysDiscardsLateVideoFrames = true
      output.setSampleBufferDelegate(analyzer, queue: queue)
      if session.canAddOutput(output) {
        session.addOutput(output)
      }
      session.commitConfiguration()
      session.startRunning()
    }
  }

  func stop() {
    queue.async { [self] in session.stopRunning() }
  }
}
