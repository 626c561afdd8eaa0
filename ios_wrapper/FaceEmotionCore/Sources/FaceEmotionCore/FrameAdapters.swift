// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// Platform adapters for camera frames: CVPixelBuffer / CMSampleBuffer with a
// CGImagePropertyOrientation → a CameraFrame over the locked planes (read in place, never
// copied). Compiled only where CoreVideo (CoreMedia for sample buffers) and ImageIO exist; the
// core itself never imports them.

#if canImport(CoreVideo) && canImport(ImageIO)
  import CoreVideo
  import ImageIO
  #if canImport(CoreMedia)
    import CoreMedia
  #endif

  extension CameraFrame {
    /// `body` with a frame over `pixelBuffer`'s planes, turned upright by `orientation`. The
    /// base address is locked read-only for the call and unlocked after it; nothing is copied.
    ///
    /// Formats: `kCVPixelFormatType_32BGRA`, `32RGBA`, `420YpCbCr8BiPlanarFullRange` ("420f")
    /// and `…VideoRange` ("420v": plane 0 Y, plane 1 Cb Cr interleaved). Throws
    /// `PackagerError.invalidImage` for another format or a buffer that cannot be locked.
    public static func withPixelBuffer<T>(
      _ pixelBuffer: CVPixelBuffer, orientation: CGImagePropertyOrientation = .up,
      _ body: (CameraFrame) throws -> T
    ) throws -> T {
      guard CVPixelBufferLockBaseAddress(pixelBuffer, .readOnly) == kCVReturnSuccess else {
        throw PackagerError.invalidImage("cannot lock the pixel buffer")
      }
      defer { _ = CVPixelBufferUnlockBaseAddress(pixelBuffer, .readOnly) }
      let format = CVPixelBufferGetPixelFormatType(pixelBuffer)
      let pixels: Pixels
      switch format {
      case kCVPixelFormatType_32BGRA, kCVPixelFormatType_32RGBA:
        guard let base = CVPixelBufferGetBaseAddress(pixelBuffer) else {
          throw PackagerError.invalidImage("the pixel buffer has no base address")
        }
        let bytesPerRow = CVPixelBufferGetBytesPerRow(pixelBuffer)
        pixels =
          format == kCVPixelFormatType_32BGRA
          ? .bgra(base, bytesPerRow: bytesPerRow) : .rgba(base, bytesPerRow: bytesPerRow)
      case kCVPixelFormatType_420YpCbCr8BiPlanarFullRange,
        kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange:
        guard CVPixelBufferGetPlaneCount(pixelBuffer) == 2,
          let y = CVPixelBufferGetBaseAddressOfPlane(pixelBuffer, 0),
          let uv = CVPixelBufferGetBaseAddressOfPlane(pixelBuffer, 1)
        else {
          throw PackagerError.invalidImage("the 4:2:0 pixel buffer lacks its two planes")
        }
        pixels = .yuv(
          y: y, u: uv, v: uv + 1, yBytesPerRow: CVPixelBufferGetBytesPerRowOfPlane(pixelBuffer, 0),
          uvBytesPerRow: CVPixelBufferGetBytesPerRowOfPlane(pixelBuffer, 1), uvPixelStride: 2,
          fullRange: format == kCVPixelFormatType_420YpCbCr8BiPlanarFullRange)
      default:
        throw PackagerError.invalidImage(
          "pixel format \(format): use 32BGRA, 32RGBA, 420f or 420v")
      }
      guard
        let frame = try CameraFrame(
          pixels, width: CVPixelBufferGetWidth(pixelBuffer),
          height: CVPixelBufferGetHeight(pixelBuffer), orientation: orientation.rawValue)
      else {
        throw PackagerError.invalidImage("orientation \(orientation.rawValue) is unknown")
      }
      return try body(frame)
    }

    #if canImport(CoreMedia)
      /// `withPixelBuffer` on the image buffer of a camera's sample buffer (what
      /// `AVCaptureVideoDataOutput` delivers). Throws `PackagerError.invalidImage` when it
      /// holds no image buffer.
      public static func withSampleBuffer<T>(
        _ sampleBuffer: CMSampleBuffer, orientation: CGImagePropertyOrientation = .up,
        _ body: (CameraFrame) throws -> T
      ) throws -> T {
        if let pixelBuffer = CMSampleBufferGetImageBuffer(sampleBuffer) {
          return try withPixelBuffer(pixelBuffer, orientation: orientation, body)
        }
        throw PackagerError.invalidImage("the sample buffer holds no image buffer")
      }
    #endif
  }

  extension FaceDetectionWrapper {
    /// `preprocess(_:)` on a camera's pixel buffer (`CameraFrame.withPixelBuffer`).
    public func preprocess(
      _ pixelBuffer: CVPixelBuffer, orientation: CGImagePropertyOrientation = .up
    ) throws -> DetectionInput {
      try CameraFrame.withPixelBuffer(pixelBuffer, orientation: orientation) {
        try preprocess($0)
      }
    }
  }

  extension FaceEmotionRecognitionWrapper {
    /// `preprocess(_:_:)` on a camera's pixel buffer; `face` in the upright frame's pixels.
    public func preprocess(
      _ pixelBuffer: CVPixelBuffer, orientation: CGImagePropertyOrientation = .up, _ face: Face
    ) throws -> EmotionInput {
      try CameraFrame.withPixelBuffer(pixelBuffer, orientation: orientation) {
        try preprocess($0, face)
      }
    }
  }

  extension FaceEmotionSteps {
    /// `run(_:runDetector:runEmotion:)` on a camera's pixel buffer, locked once for all faces.
    public func run(
      _ pixelBuffer: CVPixelBuffer, orientation: CGImagePropertyOrientation = .up,
      runDetector: (DetectionInput) throws -> DetectorOutputs,
      runEmotion: (EmotionInput) throws -> [Float]
    ) throws -> [FaceResult] {
      try CameraFrame.withPixelBuffer(pixelBuffer, orientation: orientation) {
        try run($0, runDetector: runDetector, runEmotion: runEmotion)
      }
    }
  }
#endif

#if canImport(CoreGraphics) && canImport(ImageIO)
  import CoreGraphics

  extension CGImage {
    /// `body` with this image drawn as it is stored (`rgbaImage()`) and read upright through
    /// `orientation` (e.g. a photo's EXIF orientation): the turn costs no extra pass.
    public func withFrame<T>(
      orientation: CGImagePropertyOrientation, _ body: (CameraFrame) throws -> T
    ) throws -> T {
      guard let (rotation, mirrored) = CameraFrame.turn(orientation: orientation.rawValue) else {
        throw PackagerError.invalidImage("orientation \(orientation.rawValue) is unknown")
      }
      return try rgbaImage().withFrame(rotation: rotation, mirrored: mirrored, body)
    }
  }

  extension FaceDetectionWrapper {
    /// `preprocess(_:)` on a CGImage shown with `orientation`.
    public func preprocess(_ image: CGImage, orientation: CGImagePropertyOrientation) throws
      -> DetectionInput
    {
      try image.withFrame(orientation: orientation) { try preprocess($0) }
    }
  }

  extension FaceEmotionRecognitionWrapper {
    /// `preprocess(_:_:)` on a CGImage shown with `orientation`; `face` in upright pixels.
    public func preprocess(
      _ image: CGImage, orientation: CGImagePropertyOrientation, _ face: Face
    ) throws -> EmotionInput {
      try image.withFrame(orientation: orientation) { try preprocess($0, face) }
    }
  }
#endif
