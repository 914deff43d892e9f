// The precisions a decoding step's weights can be packed in, and one packed matrix with its product:
// bfloat16 (`WeightPrecision.bfloat16`, `.bfloat16Dot`) or int8 (`.int8`), so every step reads a half or a
// quarter of the bytes. The translator's decoder packs its step weights with them (PackedStepWeights,
// S2SModels/Translation/Decoder).

/// How the weights of a decoding step are stored at inference.
public enum WeightPrecision: String, CaseIterable, Sendable {
    /// The trained weights as they are: translations identical to the float32 reference.
    case float32
    /// Rounded to bfloat16 (8 significant bits), sums in float32: faster beam search at small batches,
    /// translations that may differ from float32's in a few words.
    case bfloat16
    /// Rounded to bfloat16 with each step's inputs rounded too, float32 sums (AVX-512 BF16's dot product,
    /// twice float32's multiply-adds per instruction): between bfloat16 and int8 in speed and in fidelity.
    /// On a CPU without that instruction it runs as `.bfloat16` (see `effective`).
    case bfloat16Dot = "bfloat16-dot"
    /// Quantized to int8 per row, each step's inputs per row too, integer sums (VNNI on AVX-512, AVX-VNNI
    /// or vpmaddubsw/vpmaddwd on AVX2): the fastest at every batch size; translations that may differ from
    /// float32's in more words.
    case int8
    /// The fastest precision whose test BLEU this project has measured within 0.3 of float32's on this
    /// CPU's kernel level (see `automatic`); float32 stays the default.
    case auto

    /// What `.auto` picks on the level this process runs. int8 everywhere: on the README's 30-minute en→de
    /// model its test BLEU was 40.02 against float32's 40.18 with 8-bit products (exact integer sums: the
    /// same translation on every level that has them) and 40.12 with the AVX2 level's 7-bit product (CPUs
    /// without AVX-VNNI), and it was the fastest precision at batch 1 and 64 on every level (Docs/results.md,
    /// Zen 4: 3.4× / 2.2× float32 on generic, 4.9–5.4× / 1.66–1.67× on AVX2, 10.1× / 2.4× on AVX-512).
    /// A level where another precision wins gets its own case here.
    public static var automatic: WeightPrecision {
        switch KernelLevel.current {
        case .generic, .avx2, .avx512: .int8
        }
    }

    /// The precision the kernels run for this one on this CPU: `.auto` is `automatic`; `.bfloat16Dot`
    /// without a bfloat16 dot-product instruction is `.bfloat16` (emulating the instruction ran at 3% of
    /// float32's speed on an AVX2 CPU; bfloat16's path is faster and closer to float32); every other
    /// precision is itself.
    public var effective: WeightPrecision {
        switch self {
        case .auto: WeightPrecision.automatic.effective
        case .bfloat16Dot: Kernels.current.hasNativeBFloat16Dot ? self : .bfloat16
        case .float32, .bfloat16, .int8: self
        }
    }

    /// A note for the log when this CPU runs another precision's path, else nil.
    public var substitutionNote: String? {
        switch self {
        case _ where effective == self: nil
        case .auto: "auto: \(effective.rawValue) on this CPU (kernels \(KernelLevel.current))"
        default: "\(rawValue): this CPU (kernels \(KernelLevel.current)) has no bfloat16 dot-product instruction; using \(effective.rawValue)'s path"
        }
    }
}

/// One step weight matrix [n, k] in a precision below float32, and its product C = X·Wᵀ (+ C).
public enum StepMatrix: Sendable {
    case bfloat16(BFloat16Matrix)
    case bfloat16Dot(BFloat16PairMatrix)
    case int8(Int8Matrix)

    /// Columns `columnOffset ..< columnOffset + columns` of the row-major [rows, ldw] matrix `w`.
    public init(_ precision: WeightPrecision, rows: Int, columns: Int, _ w: UnsafePointer<Float>, ldw: Int,
                columnOffset: Int = 0) {
        switch precision.effective {
        case .float32, .bfloat16, .auto:   // (effective is never .auto)
            self = .bfloat16(BFloat16Matrix(rows: rows, columns: columns, w, ldw: ldw, columnOffset: columnOffset))
        case .bfloat16Dot:
            self = .bfloat16Dot(BFloat16PairMatrix(rows: rows, columns: columns, w, ldw: ldw, columnOffset: columnOffset))
        case .int8: self = .int8(Int8Matrix(rows: rows, columns: columns, w, ldw: ldw, columnOffset: columnOffset))
        }
    }

    public var rows: Int {
        switch self { case .bfloat16(let m): m.rows; case .bfloat16Dot(let m): m.rows; case .int8(let m): m.rows }
    }
    public var columns: Int {
        switch self { case .bfloat16(let m): m.columns; case .bfloat16Dot(let m): m.columns; case .int8(let m): m.columns }
    }
    /// Bytes held (scales and sums included).
    public var byteCount: Int {
        switch self {
        case .bfloat16(let m): 4 * m.words.count
        case .bfloat16Dot(let m): 4 * m.words.count
        case .int8(let m): m.bytes.count + 4 * (m.scales.count + m.sums.count)
        }
    }
}

extension DotGEMM {
    /// c[i, j] = beta·c[i, j] + x_i·w_j for i < m, j < w.rows (beta 0 or 1), row-stable in every precision.
    public static func gemm(m: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: StepMatrix, beta: Float,
                            _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        switch w {
        case .bfloat16(let matrix): gemm(m: m, x, lda: lda, matrix, beta: beta, c, ldc: ldc)
        case .bfloat16Dot(let matrix): gemm(m: m, x, lda: lda, matrix, beta: beta, c, ldc: ldc)
        case .int8(let matrix): gemm(m: m, x, lda: lda, matrix, beta: beta, c, ldc: ldc)
        }
    }
}
