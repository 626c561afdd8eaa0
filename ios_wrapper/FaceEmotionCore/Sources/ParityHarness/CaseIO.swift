// Reading parity case folders and writing harness outputs (packager/parity/__init__.py).
// Hand-written: the harness is test infrastructure, not generated code.

import FaceEmotionCore
import Foundation

/// A harness failure: printed, then the process exits with status 1.
struct HarnessError: Error, CustomStringConvertible {
  let description: String
}

/// One parity case folder as Python wrote it.
struct ParityCase {
  let name: String
  let folder: URL
  let detector: DetectorRecipe
  let emotion: EmotionRecipe
  let image: RGBAImage
  /// The camera frame of a frame case (case.json "frame"): the core is run on its planes,
  /// not on `image`.
  let planes: FramePlanes?
  let cropBoxes: [Box]

  /// Reads `case.json` and `pixels.rgb` (height · width · 3 bytes) of `folder`, and the planes
  /// of a frame case. The interpolation of each stage is the case's `resize` {"detector": …,
  /// "emotion": …} when present (the reference may run a recipe with another method), else the
  /// recipe's.
  init(folder: URL) throws {
    self.folder = folder
    let data = try Data(contentsOf: folder.appendingPathComponent("case.json"))
    guard let meta = try JSONSerialization.jsonObject(with: data) as? [String: Any],
      let name = meta["name"] as? String,
      let detectorName = meta["detector_recipe"] as? String,
      let emotionName = meta["emotion_recipe"] as? String,
      let width = meta["width"] as? Int,
      let height = meta["height"] as? Int,
      let boxes = meta["crop_boxes"] as? [[Double]]
    else {
      throw HarnessError(description: "\(folder.path): case.json is malformed")
    }
    guard var detector = Recipes.detector(detectorName) else {
      throw HarnessError(description: "\(name): unknown detector recipe \(detectorName)")
    }
    guard var emotion = Recipes.emotion(emotionName) else {
      throw HarnessError(description: "\(name): unknown emotion recipe \(emotionName)")
    }
    if let resize = meta["resize"] {
      guard let stages = resize as? [String: String] else {
        throw HarnessError(description: "\(name): case.json resize is malformed")
      }
      func method(_ stage: String) throws -> Interpolation? {
        guard let raw = stages[stage] else {
          return nil
        }
        guard let m = Interpolation(rawValue: raw) else {
          throw HarnessError(description: "\(name): unknown \(stage) interpolation \(raw)")
        }
        return m
      }
      detector.resize = try method("detector") ?? detector.resize
      emotion.resize = try method("emotion") ?? emotion.resize
    }
    let rgba = try readRGBA(
      folder.appendingPathComponent("pixels.rgb"), width: width, height: height)
    self.name = name
    self.detector = detector
    self.emotion = emotion
    self.image = try RGBAImage(pixels: rgba, width: width, height: height)
    self.planes = try meta["frame"].map { spec in
      guard let spec = spec as? [String: Any] else {
        throw HarnessError(description: "\(name): case.json frame is malformed")
      }
      return try FramePlanes(spec, folder: folder, name: name)
    }
    self.cropBoxes = try boxes.map { b in
      guard b.count == 4 else {
        throw HarnessError(description: "\(name): a crop box has \(b.count) values")
      }
      return Box(xmin: b[0], ymin: b[1], xmax: b[2], ymax: b[3])
    }
  }

  /// The detector input: from the frame's planes in a frame case, else from the RGBA pixels.
  func detectorInput(_ detection: FaceDetectionWrapper) throws -> DetectionInput {
    if let planes {
      return try detection.preprocess(planes.frame)
    }
    return try detection.preprocess(pixels: image.pixels, width: image.width, height: image.height)
  }

  /// The emotion input of a crop box, from the frame or the pixels (as `detectorInput`).
  func emotionInput(_ recognition: FaceEmotionRecognitionWrapper, box: Box) throws
    -> EmotionInput
  {
    if let planes {
      return try recognition.preprocess(planes.frame, box: box)
    }
    return try recognition.preprocess(
      pixels: image.pixels, width: image.width, height: image.height, box: box)
  }

  /// FaceEmotionSteps on the frame or the pixels (as `detectorInput`).
  func run(
    _ steps: FaceEmotionSteps, runDetector: (DetectionInput) throws -> DetectorOutputs,
    runEmotion: (EmotionInput) throws -> [Float]
  ) throws -> [FaceResult] {
    if let planes {
      return try steps.run(planes.frame, runDetector: runDetector, runEmotion: runEmotion)
    }
    return try steps.run(
      pixels: image.pixels, width: image.width, height: image.height, runDetector: runDetector,
      runEmotion: runEmotion)
  }

  /// A little-endian float32 file of the case folder.
  func floats(_ file: String) throws -> [Float] {
    try readFloats(folder.appendingPathComponent(file))
  }
}

/// Every case folder (one holding case.json) directly under `root`, sorted by name.
func caseFolders(_ root: URL) throws -> [URL] {
  let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
  return names.map { root.appendingPathComponent($0) }.filter {
    FileManager.default.fileExists(atPath: $0.appendingPathComponent("case.json").path)
  }
}

/// Little-endian float32 values of a file.
func readFloats(_ url: URL) throws -> [Float] {
  let data = try Data(contentsOf: url)
  guard data.count % 4 == 0 else {
    throw HarnessError(description: "\(url.path): \(data.count) bytes is not whole float32s")
  }
  return stride(from: 0, to: data.count, by: 4).map { i in
    let bits =
      UInt32(data[i]) | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2]) << 16
      | UInt32(data[i + 3]) << 24
    return Float(bitPattern: bits)
  }
}

/// Writes little-endian float32 values.
func writeFloats(_ values: [Float], to url: URL) throws {
  var bytes = [UInt8]()
  bytes.reserveCapacity(values.count * 4)
  for v in values {
    let bits = v.bitPattern
    bytes += [
      UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24),
    ]
  }
  try Data(bytes).write(to: url)
}

/// A minimal JSON writer: Doubles as Swift's shortest round-trip text (JSONSerialization on
/// Linux may shorten them), non-finite values as Python's NaN / Infinity tokens.
enum JSON {
  static func number(_ x: Double) -> String {
    if x.isNaN {
      return "NaN"
    }
    if x.isInfinite {
      return x > 0 ? "Infinity" : "-Infinity"
    }
    return "\(x)"
  }

  static func array(_ xs: [Double]) -> String {
    "[" + xs.map(number).joined(separator: ", ") + "]"
  }

  static func string(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
      default: out.unicodeScalars.append(u)
      }
    }
    return out + "\""
  }
}

/// A case's packed RGB bytes (``width`` × ``height`` × 3) as the RGBA bytes the core takes
/// (alpha 255).
func readRGBA(_ file: URL, width: Int, height: Int) throws -> [UInt8] {
  let rgb = try [UInt8](Data(contentsOf: file))
  guard rgb.count == width * height * 3 else {
    throw HarnessError(
      description: "\(file.path) has \(rgb.count) bytes, not \(width * height * 3)")
  }
  var rgba = [UInt8](repeating: 255, count: width * height * 4)
  for i in 0..<(width * height) {
    rgba[i * 4] = rgb[i * 3]
    rgba[i * 4 + 1] = rgb[i * 3 + 1]
    rgba[i * 4 + 2] = rgb[i * 3 + 2]
  }
  return rgba
}

/// The planes of a frame case (packager/parity/cases.py `write_frame`: plane<i>.bin, bytes;
/// argb: little-endian int32 with the row stride in pixels) in memory the harness owns, and
/// the `CameraFrame` over them.
final class FramePlanes {
  private let memory: [UnsafeMutableRawBufferPointer]
  let frame: CameraFrame

  init(_ spec: [String: Any], folder: URL, name: String) throws {
    guard let format = spec["format"] as? String, let width = spec["width"] as? Int,
      let height = spec["height"] as? Int, let rotation = spec["rotation"] as? Int,
      let mirrored = spec["mirrored"] as? Bool, let fullRange = spec["full_range"] as? Bool,
      let planes = spec["planes"] as? [[String: Any]]
    else {
      throw HarnessError(description: "\(name): case.json frame is malformed")
    }
    var memory: [UnsafeMutableRawBufferPointer] = []
    var strides: [(row: Int, pixel: Int)] = []
    for plane in planes {
      guard let file = plane["file"] as? String, let row = plane["row_stride"] as? Int,
        let pixel = plane["pixel_stride"] as? Int
      else {
        for m in memory {
          m.deallocate()
        }
        throw HarnessError(description: "\(name): a frame plane is malformed")
      }
      let data = try Data(contentsOf: folder.appendingPathComponent(file))
      let bytes = UnsafeMutableRawBufferPointer.allocate(
        byteCount: max(data.count, 1), alignment: 4)
      bytes.copyBytes(from: data)
      memory.append(bytes)
      strides.append((row, pixel))
    }
    self.memory = memory
    let base = memory.map { UnsafeRawPointer($0.baseAddress) }
    func plane(_ i: Int) throws -> UnsafeRawPointer {
      guard i < base.count, let p = base[i] else {
        throw HarnessError(description: "\(name): a \(format) frame lacks plane \(i)")
      }
      return p
    }
    let pixels: CameraFrame.Pixels
    switch (format, strides.first?.pixel) {
    case ("argb", 1):
      pixels = .argb(try plane(0), bytesPerRow: 4 * strides[0].row)
    case ("rgba", 4):
      pixels = .rgba(try plane(0), bytesPerRow: strides[0].row)
    case ("bgra", 4):
      pixels = .bgra(try plane(0), bytesPerRow: strides[0].row)
    case ("yuv", 1) where strides.count == 3 && strides[1] == strides[2]:
      var (u, v) = (try plane(1), try plane(2))
      // Interleaved chroma (one plane's bytes are the other's one byte on): read it as a
      // camera delivers it, from one buffer (v = u + 1 or u = v + 1), as the adapters do.
      if strides[1].pixel == 2 {
        let (a, b) = (memory[1], memory[2])
        if a.count == b.count + 1, a.dropFirst().elementsEqual(b) {
          v = u + 1
        } else if b.count == a.count + 1, b.dropFirst().elementsEqual(a) {
          u = v + 1
        }
      }
      pixels = .yuv(
        y: try plane(0), u: u, v: v, yBytesPerRow: strides[0].row,
        uvBytesPerRow: strides[1].row, uvPixelStride: strides[1].pixel, fullRange: fullRange)
    default:
      throw HarnessError(description: "\(name): unsupported \(format) frame layout \(strides)")
    }
    frame = try CameraFrame(
      pixels, width: width, height: height, rotation: rotation, mirrored: mirrored)
  }

  deinit {
    for m in memory {
      m.deallocate()
    }
  }
}
