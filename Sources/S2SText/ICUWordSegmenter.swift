// ICUWordSegmenter: UAX #29 word segmentation of UTF-8 text through the ICU shim, with one break
// iterator reused for every call (ubrk_setUText). Internal: the public face is `Tokenizer`.
internal import ICUShim

/// One ICU break iterator. Not thread-safe; create one per thread.
final class ICUWordSegmenter {
    private let handle: OpaquePointer
    private var ends: [Int32] = []
    private var statuses: [Int32] = []

    /// ICU rule status ranges (ubrk.h): numbers, letters, kana, ideographs; below 100 = none.
    static let numberStatus: ClosedRange<Int32> = 100...199

    init(locale: String) throws(TextError) {
        var error: Int32 = 0
        guard let handle = icushim_words_open(locale, &error) else {
            throw TextError(.icu, "cannot open an ICU word break iterator for locale '\(locale)': \(icuErrorName(error))")
        }
        self.handle = handle
    }

    deinit { icushim_words_close(handle) }

    /// Calls `body(start, end, status)` for each segment of `bytes` (valid UTF-8), in order, with
    /// byte offsets into `bytes`.
    func segment(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, Int32) -> Void) throws(TextError) {
        let capacity = bytes.count + 1
        if ends.count < capacity {
            ends = [Int32](repeating: 0, count: capacity)
            statuses = [Int32](repeating: 0, count: capacity)
        }
        var error: Int32 = 0
        let count = ends.withUnsafeMutableBufferPointer { ends in
            statuses.withUnsafeMutableBufferPointer { statuses in
                bytes.withMemoryRebound(to: CChar.self) { text in
                    icushim_words_segment(handle, text.baseAddress, Int32(bytes.count),
                                          ends.baseAddress, statuses.baseAddress, Int32(capacity), &error)
                }
            }
        }
        guard count >= 0 else { throw TextError(.icu, "ICU word segmentation failed: \(icuErrorName(error))") }
        var start = 0
        for i in 0..<Int(count) {
            let end = Int(ends[i])
            body(start, end, statuses[i])
            start = end
        }
    }
}

/// ICU's name for an error code.
func icuErrorName(_ code: Int32) -> String { String(cString: icushim_error_name(code)) }
