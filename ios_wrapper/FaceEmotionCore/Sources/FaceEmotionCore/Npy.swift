// Runtime library of packager (hand-written, not generated), the same for every recipe.

import Foundation

/// A float32 array in NumPy's .npy format (the self-check samples `packager build` writes with
/// `numpy.save`): little-endian `<f4`, C order, format 1.0 when written (1.0 to 3.0 read).
///
/// Reading refuses, with one `PackagerError.invalidFile` line, any other dtype (float64,
/// integers, big-endian `>f4`), Fortran order, a bad header and a file shorter or longer than
/// its shape says. `encoded()` gives the bytes `numpy.save` writes for the same array.
public struct Npy: Sendable, Equatable {
  /// Dimensions ([] for a scalar).
  public var shape: [Int]
  /// The values in C (row-major) order; count = product of `shape`.
  public var values: [Float]

  private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// An array from its shape and values; throws `.invalidFile` when they disagree.
  public init(shape: [Int], values: [Float]) throws {
    guard shape.allSatisfy({ $0 >= 0 }), Self.count(shape) == values.count else {
      throw PackagerError.invalidFile(
        "\(values.count) values do not fill the shape \(shape)")
    }
    self.shape = shape
    self.values = values
  }

  /// The array in a .npy file.
  public init(contentsOf url: URL) throws {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw PackagerError.invalidFile("cannot read \(url.path): \(error.localizedDescription)")
    }
    do {
      try self.init(data: data)
    } catch PackagerError.invalidFile(let why) {
      throw PackagerError.invalidFile("\(url.lastPathComponent): \(why)")
    }
  }

  /// The array in the bytes of a .npy file.
  public init(data: Data) throws {
    let bytes = [UInt8](data)
    guard bytes.count >= 10, Array(bytes[0..<6]) == Self.magic else {
      throw PackagerError.invalidFile("not a .npy file (no \\x93NUMPY magic)")
    }
    let major = bytes[6]
    let lengthBytes = major == 1 ? 2 : 4
    guard (1...3).contains(major), bytes.count >= 8 + lengthBytes else {
      throw PackagerError.invalidFile("unknown .npy format version \(major).\(bytes[7])")
    }
    let headerLength = bytes[8..<(8 + lengthBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
    let start = 8 + lengthBytes
    guard bytes.count >= start + headerLength,
      let header = String(bytes: bytes[start..<(start + headerLength)], encoding: .utf8)
    else {
      throw PackagerError.invalidFile("truncated .npy header")
    }
    let (descr, fortran, shape) = try Self.parse(header)
    guard descr == "<f4" else {
      let what = descr == ">f4" ? "big-endian float32" : "dtype \(descr)"
      throw PackagerError.invalidFile("\(what), expected little-endian float32 (<f4)")
    }
    guard !fortran else {
      throw PackagerError.invalidFile("Fortran order, expected C order")
    }
    let count = Self.count(shape)
    let body = bytes.count - start - headerLength
    guard count <= Int.max / 4, body == count * 4 else {
      let how = count > body / 4 ? "truncated" : "too long"
      throw PackagerError.invalidFile("\(how): \(body) data bytes for shape \(shape)")
    }
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBytes { out in
      bytes.withUnsafeBytes { src in
        out.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[(start + headerLength)...]))
      }
    }
    #if _endian(big)
      values = values.map { Float(bitPattern: $0.bitPattern.byteSwapped) }
    #endif
    self.shape = shape
    self.values = values
  }

  /// The .npy bytes `numpy.save` writes for this array (format 1.0; header padded with spaces
  /// and a newline to a multiple of 64 bytes).
  public func encoded() -> Data {
    let dims = shape.map(String.init)
    let tuple = dims.count == 1 ? "(\(dims[0]),)" : "(\(dims.joined(separator: ", ")))"
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(tuple), }"
    let unpadded = Self.magic.count + 4 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var out = Data(Self.magic + [1, 0])
    let length = header.utf8.count
    out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
    out.append(contentsOf: Array(header.utf8))
    for v in values {
      let bits = v.bitPattern.littleEndian
      out.append(contentsOf: [
        UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24),
      ])
    }
    return out
  }

  /// Writes `encoded()` to `url`.
  public func write(to url: URL) throws {
    do {
      try encoded().write(to: url)
    } catch {
      throw PackagerError.invalidFile("cannot write \(url.path): \(error.localizedDescription)")
    }
  }

  /// The product of the dimensions; Int.max when it overflows.
  private static func count(_ shape: [Int]) -> Int {
    var n = 1
    for d in shape {
      let (product, overflow) = n.multipliedReportingOverflow(by: d)
      if overflow { return .max }
      n = product
    }
    return n
  }

  /// The header dictionary: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
  private static func parse(_ header: String) throws -> (String, Bool, [Int]) {
    func value(_ key: String) throws -> Substring {
      guard let k = header.range(of: "'\(key)':") else {
        throw PackagerError.invalidFile("the .npy header has no '\(key)'")
      }
      return header[k.upperBound...].drop { $0 == " " }
    }
    let d = try value("descr")
    guard d.first == "'", let end = d.dropFirst().firstIndex(of: "'") else {
      throw PackagerError.invalidFile("bad 'descr' in the .npy header")
    }
    let descr = String(d[d.index(after: d.startIndex)..<end])
    let fortran = try value("fortran_order").hasPrefix("True")
    let s = try value("shape")
    guard s.first == "(", let close = s.firstIndex(of: ")") else {
      throw PackagerError.invalidFile("bad 'shape' in the .npy header")
    }
    var shape: [Int] = []
    for part in s[s.index(after: s.startIndex)..<close].split(separator: ",") {
      let text = part.trimmingCharacters(in: .whitespaces)
      guard let n = Int(text), n >= 0 else {
        throw PackagerError.invalidFile("bad dimension '\(text)' in the .npy header")
      }
      shape.append(n)
    }
    return (descr, fortran, shape)
  }
}
