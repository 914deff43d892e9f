// safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a
// JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {string: string}}, then raw
// little-endian data. s2s writes F32 with PyTorch-style names so Python's `safetensors` and torch
// modules load it unchanged; it reads F32, F64, F16, BF16, I32 and I64 (converted to Float).
import Foundation

public enum SafeTensors {
    public struct Error: Swift.Error, CustomStringConvertible {
        public let source: String
        public let problem: String
        public var description: String { "\(source): not a valid safetensors file: \(problem)" }
    }

    /// Reads every tensor of the file at `path`.
    public static func read(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try decode(try AtomicFile.read(path), source: path)
    }

    /// Writes `tensors` in the given order, atomically, streaming each tensor's bytes to the file.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             to path: String) throws {
        let header = try encodeHeader(tensors, metadata: metadata)
        try AtomicFile.write(to: path) { file in
            try header.withUnsafeBytes { try file.write($0) }
            for (_, tensor) in tensors { try tensor.withUnsafeBufferPointer { try file.write(UnsafeRawBufferPointer($0)) } }
        }
    }

    /// The whole file in memory (what `write` streams).
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) throws -> [UInt8] {
        var bytes = try encodeHeader(tensors, metadata: metadata)
        for (_, tensor) in tensors {
            tensor.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeRawBufferPointer($0)) }
        }
        return bytes
    }

    /// The length prefix and the JSON header, padded so the data starts 8-aligned.
    static func encodeHeader(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) throws -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, tensor) in tensors {
            precondition(header[name] == nil, "duplicate tensor name \(name)")
            let size = tensor.count * 4
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        var json = Array(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        while json.count % 8 != 0 { json.append(0x20) }  // pad with spaces so data starts 8-aligned

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + json.count)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        return bytes
    }

    public static func decode(_ bytes: [UInt8], source: String = "<memory>") throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        func fail(_ problem: String) -> Error { Error(source: source, problem: problem) }
        guard bytes.count >= 8 else { throw fail("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        let headerLength = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail("header length \(headerLength) runs past the end of the file (\(bytes.count) bytes): truncated?")
        }
        let dataStart = 8 + Int(headerLength)
        let headerObject: Any
        do {
            headerObject = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        } catch {
            throw fail("header is not valid JSON")
        }
        guard let header = headerObject as? [String: Any] else { throw fail("header is not a JSON object") }

        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in header {
            if name == "__metadata__" {
                guard let map = entry as? [String: String] else { throw fail("__metadata__ is not a string map") }
                metadata = map
                continue
            }
            guard let info = entry as? [String: Any],
                  let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int],
                  let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else { throw fail("entry \"\(name)\" lacks dtype, shape or data_offsets") }
            guard let width = elementWidth[dtype] else { throw fail("tensor \"\(name)\" has unsupported dtype \(dtype)") }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor \"\(name)\" has a negative dimension \(shape)") }
            let count = shape.reduce(1, *)
            let begin = dataStart + offsets[0], end = dataStart + offsets[1]
            guard offsets[0] >= 0, offsets[0] <= offsets[1], end <= bytes.count else {
                throw fail("tensor \"\(name)\" data \(offsets) runs past the end of the file: truncated?")
            }
            guard end - begin == count * width else {
                throw fail("tensor \"\(name)\" of shape \(shape) and dtype \(dtype) needs \(count * width) bytes, has \(end - begin)")
            }
            tensors[name] = Tensor(shape: shape, scalars: convert(bytes[begin..<end], dtype: dtype, count: count))
        }
        return (tensors, metadata)
    }

    private static let elementWidth = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I32": 4, "I64": 8]

    private static func convert(_ raw: ArraySlice<UInt8>, dtype: String, count: Int) -> [Float] {
        raw.withUnsafeBytes { p in
            (0..<count).map { i -> Float in
                switch dtype {
                case "F32": return Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                case "F64": return Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                case "F16": return Float(halfBits: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                case "BF16": return Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                case "I32": return Float(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                default: return Float(Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                }
            }
        }
    }
}

extension Float {
    /// IEEE half-precision bits to Float (no dependence on the platform's Float16 support).
    init(halfBits h: UInt16) {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            self = (sign != 0 ? -1 : 1) * Float(mantissa) * 0x1p-24  // zero or subnormal
        } else if exponent == 31 {
            self = Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        } else {
            self = Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
        }
    }
}
