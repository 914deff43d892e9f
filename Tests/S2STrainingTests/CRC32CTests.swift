import Testing
import S2SCore
@testable import S2STraining

@Suite struct CRC32CTests {
    @Test func standardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        // RFC 3720 (iSCSI) test vectors: 32 bytes of zeros, of 0xFF, and 0…31.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    }

    @Test func slicingBy8MatchesBytewiseAtEveryLengthAndOffset() {
        var rng = Generator(seed: 11)
        let data = (0..<300).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for offset in 0..<8 {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 250] {
                let slice = Array(data[offset..<(offset + length)])
                let fast = data.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)])) }
                #expect(fast == CRC32C.bytewiseChecksum(slice), "offset \(offset) length \(length)")
            }
        }
    }

    @Test func continuesAcrossChunks() {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        let first = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<13])) }
        let whole = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[13...]), continuing: first) }
        #expect(whole == CRC32C.checksum(bytes))
    }

    @Test func maskIsTFRecordsAndInvertible() {
        let crc: UInt32 = 0xE306_9283
        #expect(CRC32C.mask(crc) == ((crc >> 15 | crc << 17) &+ 0xA282_EAD8))
        #expect(maskedCRC32C(Array("123456789".utf8)) == CRC32C.mask(crc))
        for value: UInt32 in [0, 1, 0xFFFF_FFFF, 0x1234_5678, crc] { #expect(CRC32C.unmask(CRC32C.mask(value)) == value) }
    }
}
