// A weight matrix [n, k] stored as bfloat16 (the top 16 bits of a float32) for inference.
//
// Why: a beam step at batch 1 reads every decoder and generator weight once (29 MB for the Multi30k
// model) to multiply it with 5 rows, so the products run at memory speed; half the bytes nearly
// halve the time. bfloat16 rather than IEEE half because widening it back is one shift or mask per
// 8 weights, so in cache it costs no more than float32 (IEEE half needs 5 instructions without F16C,
// and Swift's SIMD conversion compiles to scalar code). Rounding is to nearest even, a relative
// error of at most 2⁻⁸ per weight; sums stay in float32.
//
// Layout: each row is cut into blocks of 16 columns; lane j (0..<8) of a block is one UInt32 holding
// column 16b + j in its low half and column 16b + 8 + j in its high half. `u << 16` then gives the
// first 8 columns as floats, `u & 0xFFFF0000` the next 8 — no shuffles. Columns past k are zero.
public struct BFloat16Matrix: Sendable {
    public let rows: Int
    public let columns: Int
    /// UInt32 words per row: 8 per block of 16 columns.
    let rowStride: Int
    let words: [UInt32]

    /// Packs columns `columnOffset ..< columnOffset + columns` of the row-major float matrix `w`
    /// (leading dimension `ldw`).
    ///
    ///     let generator = BFloat16Matrix(rows: V, columns: H, weight.baseAddress!, ldw: H)
    public init(rows: Int, columns: Int, _ w: UnsafePointer<Float>, ldw: Int, columnOffset: Int = 0) {
        precondition(rows >= 0 && columns >= 0 && columnOffset >= 0, "BFloat16Matrix: negative size")
        self.rows = rows
        self.columns = columns
        let blocks = (columns + 15) / 16
        rowStride = blocks * 8
        var words = [UInt32](repeating: 0, count: rows * rowStride)
        for r in 0..<rows {
            let source = w + r * ldw + columnOffset
            for column in 0..<columns {
                let (block, offset) = column.quotientAndRemainder(dividingBy: 16)
                let word = r * rowStride + block * 8 + offset % 8
                let half = UInt32(Self.round(source[column]))
                words[word] |= offset < 8 ? half : half << 16
            }
        }
        self.words = words
    }

    /// float32 → bfloat16 bits, rounding to nearest even (NaN stays NaN).
    public static func round(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x40 }
        return UInt16((bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// The stored value of element [row, column], widened back to float32.
    public func value(row: Int, column: Int) -> Float {
        words.withUnsafeBufferPointer { Self.element($0.baseAddress! + row * rowStride, column: column) }
    }

    /// Element `column` of the packed row at `row`, as float32.
    @inline(__always)
    static func element(_ row: UnsafePointer<UInt32>, column: Int) -> Float {
        let (block, offset) = (column >> 4, column & 15)
        let word = row[block * 8 + offset % 8]
        return Float(bitPattern: offset < 8 ? word << 16 : word & 0xFFFF_0000)
    }
}
