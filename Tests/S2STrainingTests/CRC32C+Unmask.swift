// The inverse of TFRecord's CRC masking, for the test that the mask is a bijection.
@testable import S2STraining

extension CRC32C {
    /// The inverse of `mask`.
    static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- 0xA282_EAD8
        return (rotated >> 17) | (rotated << 15)
    }
}
