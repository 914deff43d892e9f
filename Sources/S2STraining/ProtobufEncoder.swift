// A minimal protocol-buffers wire-format encoder: just the field kinds TensorBoard events use
// (varint, 64-bit double, 32-bit float, length-delimited bytes/strings/messages). Hand-encoding these
// few fields spares a protobuf dependency.

/// Appends protobuf fields to a byte buffer.
///
///     var value = ProtobufEncoder()
///     value.string(1, "loss")          // tag
///     value.float(2, 2.5)              // simple_value
///     var summary = ProtobufEncoder()
///     summary.message(1, value)        // repeated Value
public struct ProtobufEncoder: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    enum WireType: UInt64 { case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5 }

    mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// An int64 field (negative values take ten bytes, as protobuf's int64 does).
    public mutating func int64(_ field: Int, _ value: Int64) {
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    public mutating func double(_ field: Int, _ value: Double) {
        key(field, .fixed64)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func bytes(_ field: Int, _ data: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(data.count))
        bytes.append(contentsOf: data)
    }

    public mutating func string(_ field: Int, _ text: String) {
        bytes(field, Array(text.utf8))
    }

    public mutating func message(_ field: Int, _ message: ProtobufEncoder) {
        bytes(field, message.bytes)
    }
}
