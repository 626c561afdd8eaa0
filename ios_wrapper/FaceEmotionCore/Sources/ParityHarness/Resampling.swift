// Resample mode: the generated resampler alone on a list of source rectangles, so that the
// Python tests can hold it to packager/reference/resample.py value by value.
// Hand-written: the harness is test infrastructure, not generated code.

import FaceEmotionCore
import Foundation

/// `jobsFile` (JSON): {"width", "height", "pixels": RGB file beside it, "jobs": [{"rect":
/// [x0, y0, x1, y1], "out": [w, h], "method": "bilinear" | "antialias" | "nearest", "fill": f},
/// ...]}, every coordinate and fill written as a decimal string (so that NaN and ±infinity
/// pass). Writes `outDir`/status.json ({"status": ["ok" | "rejected", ...]}) and
/// `outDir`/values.f64: the R, G, B values of every accepted job, in order, little-endian
/// float64. One image serves every job.
func resampling(jobsFile: URL, outDir: URL) throws {
  let data = try Data(contentsOf: jobsFile)
  guard let spec = try JSONSerialization.jsonObject(with: data) as? [String: Any],
    let width = spec["width"] as? Int, let height = spec["height"] as? Int,
    let file = spec["pixels"] as? String, let jobs = spec["jobs"] as? [[String: Any]]
  else {
    throw HarnessError(description: "\(jobsFile.path) is malformed")
  }
  let rgba = try readRGBA(
    jobsFile.deletingLastPathComponent().appendingPathComponent(file), width: width, height: height)
  let image = try RGBAImage(pixels: rgba, width: width, height: height)
  var status: [String] = []
  var values: [Double] = []
  for job in jobs {
    guard let rect = (job["rect"] as? [String])?.compactMap(Double.init), rect.count == 4,
      let out = job["out"] as? [Int], out.count == 2,
      let raw = job["method"] as? String, let method = Interpolation(rawValue: raw),
      let fillText = job["fill"] as? String, let fill = Double(fillText)
    else {
      throw HarnessError(description: "\(jobsFile.path): a job is malformed: \(job)")
    }
    do {
      values += try image.resampled(
        Box(xmin: rect[0], ymin: rect[1], xmax: rect[2], ymax: rect[3]), width: out[0],
        height: out[1], method: method, fill: fill)
      status.append("ok")
    } catch is PackagerError {
      status.append("rejected")
    }
  }
  try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
  try ("{\"status\": [" + status.map(JSON.string).joined(separator: ", ") + "]}").write(
    to: outDir.appendingPathComponent("status.json"), atomically: true, encoding: .utf8)
  var bytes = [UInt8]()
  bytes.reserveCapacity(values.count * 8)
  for v in values {
    let bits = v.bitPattern
    for shift in stride(from: 0, to: 64, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
    }
  }
  try Data(bytes).write(to: outDir.appendingPathComponent("values.f64"))
}
