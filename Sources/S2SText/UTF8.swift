// UTF8: small helpers over UTF-8 bytes: decoding one scalar, validating with the offset of the first
// bad byte, and UTF-8 byte order for deterministic sorting.

/// Decodes the scalar starting at `i` in valid-or-not UTF-8; nil when the bytes there are not UTF-8.
func decodeScalar<C: RandomAccessCollection<UInt8>>(_ bytes: C, at i: C.Index) -> (Unicode.Scalar, Int)? where C.Index == Int {
    let length = validSequenceLength(bytes, at: i)
    guard length > 0 else { return nil }
    let b0 = UInt32(bytes[i])
    var value: UInt32
    switch length {
    case 1: value = b0
    case 2: value = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
    case 3: value = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
    default:
        value = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
            | UInt32(bytes[i + 3] & 0x3F)
    }
    guard let scalar = Unicode.Scalar(value) else { return nil }
    return (scalar, length)
}

/// Length of the well-formed UTF-8 sequence at `i` (1–4), or 0 if the bytes there are ill-formed
/// (Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
func validSequenceLength<C: RandomAccessCollection<UInt8>>(_ bytes: C, at i: C.Index) -> Int where C.Index == Int {
    let end = bytes.endIndex
    let b0 = bytes[i]
    if b0 < 0x80 { return 1 }
    func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
        i + k < end && range.contains(bytes[i + k])
    }
    switch b0 {
    case 0xC2...0xDF: return continuation(1) ? 2 : 0
    case 0xE0: return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : 0
    case 0xE1...0xEC, 0xEE...0xEF: return continuation(1) && continuation(2) ? 3 : 0
    case 0xED: return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : 0
    case 0xF0: return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF1...0xF3: return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
    case 0xF4: return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : 0
    default: return 0
    }
}

/// Offset (relative to `bytes.startIndex`) of the first byte that is not part of well-formed UTF-8,
/// or nil when all of `bytes` is UTF-8.
func firstInvalidUTF8Offset<C: RandomAccessCollection<UInt8>>(_ bytes: C) -> Int? where C.Index == Int {
    var i = bytes.startIndex
    while i < bytes.endIndex {
        if bytes[i] < 0x80 { i += 1; continue }
        let length = validSequenceLength(bytes, at: i)
        if length == 0 { return i - bytes.startIndex }
        i += length
    }
    return nil
}

/// Orders strings by their UTF-8 bytes: the deterministic tie-break used for vocabularies and BPE.
func utf8Precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

/// Splits at an ASCII byte (not at a Character: " " followed by a combining mark is one Character
/// but two scalars, and the markup splits at the space).
func splitASCII<S: StringProtocol>(_ text: S, at separator: UInt8, omittingEmpty: Bool) -> [Substring] {
    let whole = Substring(text)
    return whole.utf8.split(separator: separator, omittingEmptySubsequences: omittingEmpty).map { Substring($0) }
}
