// ICUNormalizer: NFKC normalization and full Unicode case folding through the ICU shim, with an
// ASCII fast path (NFKC leaves ASCII unchanged; folding ASCII is A-Z -> a-z). Internal: the public
// face is `TextNormalizer`.
internal import ICUShim

/// How to fold case after NFKC.
enum CaseFolding: Sendable {
    case none
    /// Full Unicode case folding (ß -> ss, ﬁ -> fi).
    case full
    /// Full folding with the Turkic dotted/dotless i rules (İ -> i, I -> ı).
    case turkic
}

/// NFKC + optional case folding. Not thread-safe (reuses scratch buffers).
final class ICUNormalizer {
    private let handle: OpaquePointer
    private var output: [UInt8] = []

    init() throws(TextError) {
        var error: Int32 = 0
        guard let handle = icushim_normalizer_open(&error) else {
            throw TextError(.icu, "cannot open the ICU NFKC normalizer: \(icuErrorName(error))")
        }
        self.handle = handle
    }

    deinit { icushim_normalizer_close(handle) }

    /// NFKC(text), or NFKC(fold(NFKC(text))) when folding.
    func normalize(_ text: String, folding: CaseFolding) throws(TextError) -> String {
        var text = text
        let result: Result<String?, TextError> = text.withUTF8 { bytes in
            if isASCII(bytes) {
                return .success(folding == .none ? nil : asciiLowercased(bytes))
            }
            do throws(TextError) { return .success(try normalizeNonASCII(bytes, folding: folding)) }
            catch { return .failure(error) }
        }
        switch result {
        case .success(let normalized): return normalized ?? text
        case .failure(let error): throw error
        }
    }

    /// nil when unchanged.
    private func normalizeNonASCII(_ bytes: UnsafeBufferPointer<UInt8>, folding: CaseFolding) throws(TextError) -> String? {
        let mode: Int32 = switch folding {
        case .none: 0
        case .full: 1
        case .turkic: 2
        }
        var capacity = max(64, bytes.count * 2 + 16)
        while true {
            if output.count < capacity { output = [UInt8](repeating: 0, count: capacity) }
            var unchanged: Int32 = 0, error: Int32 = 0
            let length = output.withUnsafeMutableBufferPointer { out in
                out.withMemoryRebound(to: CChar.self) { out in
                    bytes.withMemoryRebound(to: CChar.self) { text in
                        icushim_normalize(handle, text.baseAddress, Int32(bytes.count), mode,
                                          out.baseAddress, Int32(out.count), &unchanged, &error)
                    }
                }
            }
            guard length >= 0 else { throw TextError(.icu, "ICU normalization failed: \(icuErrorName(error))") }
            if unchanged != 0 { return nil }
            if Int(length) <= output.count {
                return String(decoding: output[0..<Int(length)], as: UTF8.self)
            }
            capacity = Int(length) + 16
        }
    }
}

/// True when every byte is below 0x80.
func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    let n = bytes.count
    if let base = bytes.baseAddress {
        let raw = UnsafeRawPointer(base)
        while i + 8 <= n {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
    }
    while i < n {
        if bytes[i] >= 0x80 { return false }
        i += 1
    }
    return true
}

private func asciiLowercased(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
    return String(unsafeUninitializedCapacity: bytes.count) { out in
        for i in 0..<bytes.count {
            let b = bytes[i]
            out[i] = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
        }
        return bytes.count
    }
}
