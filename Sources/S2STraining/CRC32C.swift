// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TFRecord framing in
// TensorBoard event files, and TFRecord's "masked" form of it. Slicing-by-8 tables: eight bytes per
// iteration; `bytewiseChecksum` is the one-table reference it is tested against.

/// CRC-32C checksums.
///
///     CRC32C.checksum(Array("123456789".utf8))    // 0xE306_9283 (the standard check value)
///     maskedCRC32C(bytes)                         // what a TFRecord stores
///
/// Complexity: O(n), about one table lookup per byte.
public enum CRC32C {
    static let polynomial: UInt32 = 0x82F6_3B78

    /// tables[k·256 + b]: the CRC of byte b followed by k zero bytes. Table 0 is the classic one.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[byte] = crc
        }
        for k in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(k - 1) * 256 + byte]
                tables[k * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The CRC-32C of `bytes`; pass a previous result as `crc` to continue over more bytes.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var crc = ~crc
        var i = 0
        tables.withUnsafeBufferPointer { t in
            while i + 8 <= bytes.count {
                let low = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                i += 8
            }
            while i < bytes.count {
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(bytes[i])) & 0xFF)]
                i += 1
            }
        }
        return ~crc
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// One byte at a time with table 0: the reference for `checksum`.
    static func bytewiseChecksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = ~0
        for byte in bytes { crc = (crc >> 8) ^ tables[Int((crc ^ UInt32(byte)) & 0xFF)] }
        return ~crc
    }

    /// TFRecord's masking: rotate right by 15 bits and add a constant, so a CRC stored inside
    /// checksummed data does not checksum to a fixed value.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// The masked CRC-32C of `bytes`, as TFRecord stores it after the length and after the data.
public func maskedCRC32C(_ bytes: [UInt8]) -> UInt32 {
    CRC32C.mask(CRC32C.checksum(bytes))
}
