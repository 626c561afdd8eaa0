// Harness mode --npy: the .npy reader and writer and scaledDiff on files numpy wrote
// (tests/swift/test_swift_selfcheck.py checks them against numpy and
// packager.difference.scaled_diff).

import FaceEmotionCore
import Foundation

/// Reads every `*.npy` in `dir`: a readable one is written again (`Npy.encoded()`) into
/// `outDir` under the same name; each `<name>.actual.npy` / `<name>.expected.npy` pair is
/// compared. Writes `outDir/results.json`: {"files": {file: {"shape": [...]} or {"error": ...}},
/// "pairs": {name: {"scaled_diff": x} or {"error": ...}}}.
func npyCheck(dir: URL, outDir: URL) throws {
  try FileManager.default.createDirectory(at: outDir, withIntermediateDirectories: true)
  let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    .filter { $0.hasSuffix(".npy") }.sorted()
  var read: [String: Npy] = [:]
  var fileLines: [String] = []
  for file in files {
    do {
      let npy = try Npy(contentsOf: dir.appendingPathComponent(file))
      try npy.write(to: outDir.appendingPathComponent(file))
      read[file] = npy
      let shape = npy.shape.map(String.init).joined(separator: ", ")
      fileLines.append("\(JSON.string(file)): {\"shape\": [\(shape)]}")
    } catch {
      fileLines.append("\(JSON.string(file)): {\"error\": \(JSON.string("\(error)"))}")
    }
  }
  var pairLines: [String] = []
  for file in files where file.hasSuffix(".expected.npy") {
    let name = String(file.dropLast(".expected.npy".count))
    guard let expected = read[file], let actual = read["\(name).actual.npy"] else { continue }
    do {
      let d = try scaledDiff(actual: actual.values, expected: expected.values)
      pairLines.append("\(JSON.string(name)): {\"scaled_diff\": \(JSON.number(d))}")
    } catch {
      pairLines.append("\(JSON.string(name)): {\"error\": \(JSON.string("\(error)"))}")
    }
  }
  let json =
    "{\"files\": {" + fileLines.joined(separator: ", ") + "}, \"pairs\": {"
    + pairLines.joined(separator: ", ") + "}}"
  try json.write(
    to: outDir.appendingPathComponent("results.json"), atomically: true, encoding: .utf8)
}
