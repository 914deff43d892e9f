// Test support: reads back TFRecord files and the few protobuf messages TensorBoardWriter writes,
// checking framing and both CRCs of every record.
import S2SCore
@testable import S2STraining

struct RecordError: Error, CustomStringConvertible { let description: String }

/// The data of every record in `bytes`, after verifying lengths and masked CRCs.
func readRecords(_ bytes: [UInt8]) throws -> [[UInt8]] {
    func uint<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: T.self)) }
    }
    var records: [[UInt8]] = []
    var offset = 0
    while offset < bytes.count {
        guard offset + 12 <= bytes.count else { throw RecordError(description: "truncated header at \(offset)") }
        let length = Int(uint(offset, UInt64.self))
        guard uint(offset + 8, UInt32.self) == maskedCRC32C(Array(bytes[offset..<(offset + 8)])) else {
            throw RecordError(description: "bad length CRC at \(offset)")
        }
        let start = offset + 12, end = start + length
        guard end + 4 <= bytes.count else { throw RecordError(description: "truncated record at \(offset)") }
        let data = Array(bytes[start..<end])
        guard uint(end, UInt32.self) == maskedCRC32C(data) else { throw RecordError(description: "bad data CRC at \(offset)") }
        records.append(data)
        offset = end + 4
    }
    return records
}

/// One decoded protobuf field: its number and its value (varint, fixed64, fixed32 or bytes).
enum ProtoValue: Equatable {
    case varint(UInt64), fixed64(UInt64), fixed32(UInt32), bytes([UInt8])
}

/// The fields of a protobuf message in order.
func decodeFields(_ bytes: [UInt8]) throws -> [(field: Int, value: ProtoValue)] {
    var i = 0
    func varint() throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard i < bytes.count, shift < 64 else { throw RecordError(description: "bad varint") }
            let byte = bytes[i]; i += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }
    func fixed<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard i + size <= bytes.count else { throw RecordError(description: "truncated fixed field") }
        defer { i += size }
        return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: T.self)) }
    }
    var fields: [(field: Int, value: ProtoValue)] = []
    while i < bytes.count {
        let key = try varint()
        let field = Int(key >> 3)
        switch key & 7 {
        case 0: fields.append((field, .varint(try varint())))
        case 1: fields.append((field, .fixed64(try fixed(UInt64.self))))
        case 5: fields.append((field, .fixed32(try fixed(UInt32.self))))
        case 2:
            let length = Int(try varint())
            guard i + length <= bytes.count else { throw RecordError(description: "truncated bytes field") }
            fields.append((field, .bytes(Array(bytes[i..<(i + length)]))))
            i += length
        default: throw RecordError(description: "unexpected wire type \(key & 7)")
        }
    }
    return fields
}

/// A decoded tensorflow.Event with only the fields the writer uses.
struct DecodedEvent: Equatable {
    var wallTime: Double?
    var step: Int64?
    var fileVersion: String?
    var scalars: [(tag: String, value: Float)] = []

    static func == (a: DecodedEvent, b: DecodedEvent) -> Bool {
        a.wallTime == b.wallTime && a.step == b.step && a.fileVersion == b.fileVersion
            && a.scalars.map(\.tag) == b.scalars.map(\.tag) && a.scalars.map(\.value) == b.scalars.map(\.value)
    }

    init(_ bytes: [UInt8]) throws {
        for (field, value) in try decodeFields(bytes) {
            switch (field, value) {
            case let (1, .fixed64(bits)): wallTime = Double(bitPattern: bits)
            case let (2, .varint(raw)): step = Int64(bitPattern: raw)
            case let (3, .bytes(text)): fileVersion = String(decoding: text, as: UTF8.self)
            case let (5, .bytes(summary)):
                for case let (1, .bytes(valueBytes)) in try decodeFields(summary) {
                    var tag = "", simple: Float = .nan
                    for (valueField, v) in try decodeFields(valueBytes) {
                        switch (valueField, v) {
                        case let (1, .bytes(t)): tag = String(decoding: t, as: UTF8.self)
                        case let (2, .fixed32(bits)): simple = Float(bitPattern: bits)
                        default: throw RecordError(description: "unexpected Summary.Value field \(valueField)")
                        }
                    }
                    scalars.append((tag, simple))
                }
            default: throw RecordError(description: "unexpected Event field \(field)")
            }
        }
    }
}
