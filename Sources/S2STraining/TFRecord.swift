// TFRecord framing, the container of TensorBoard event files: each record is
//   uint64 length (little-endian) · uint32 masked CRC-32C of those 8 bytes · data · uint32 masked CRC-32C of data.

public enum TFRecord {
    /// The framed bytes of one record holding `data`.
    ///
    ///     TFRecord.frame(eventBytes)   // 8 + 4 + eventBytes.count + 4 bytes
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(data.count + 16)
        let length = littleEndianBytes(UInt64(data.count))
        record.append(contentsOf: length)
        record.append(contentsOf: littleEndianBytes(maskedCRC32C(length)))
        record.append(contentsOf: data)
        record.append(contentsOf: littleEndianBytes(maskedCRC32C(data)))
        return record
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
