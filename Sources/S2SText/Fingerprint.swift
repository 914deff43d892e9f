// Fingerprint: FNV-1a 64-bit hashes of canonical texts, written as 16 hex digits. Used to tell
// whether two tokenizer settings, BPE codes or vocabularies are the same; not a cryptographic hash.

/// FNV-1a 64 over UTF-8.
///
///     Fingerprint.of("")   // "cbf29ce484222325"
public enum Fingerprint {
    public static func of(_ text: String) -> String { of(bytes: text.utf8) }

    /// The same hash of any bytes (a file's, an encoded value's).
    public static func of<Bytes: Sequence<UInt8>>(bytes: Bytes) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The hash of a token-id sequence (each id as 8 little-endian bytes).
    public static func of(ids: [Int]) -> String {
        of(bytes: ids.lazy.flatMap { id in (0..<8).lazy.map { UInt8(truncatingIfNeeded: UInt64(bitPattern: Int64(id)) >> (8 * $0)) } })
    }
}
