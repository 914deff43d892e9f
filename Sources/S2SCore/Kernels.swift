// The SIMD kernels of the S2SKernels C target, as Swift calls. The C target compiles each kernel for
// generic x86-64, AVX2+FMA and AVX-512 and picks one level per process (the best this CPU has, or the
// one `S2S_CPU=generic|avx2|avx512` names); every level that fuses multiply-adds gives the same bits.
// The generic level of x86-64 does not fuse (`fusesMultiplyAdd`; within a few ulp) and has no product
// kernel of its own (BLAS.gemm then calls OpenBLAS). See S2SKernels.h.
import S2SKernels

/// The level of kernels this process runs, and the CPU's low-precision dot products.
public enum KernelLevel: Int, CaseIterable, Sendable, CustomStringConvertible {
    case generic = 0, avx2 = 1, avx512 = 2

    /// The level every kernel call uses (chosen on first use; `S2S_CPU` can lower it).
    public static var current: KernelLevel { KernelLevel(rawValue: Int(Kernels.table.pointee.level.rawValue))! }
    /// The best level this CPU and OS support.
    public static var best: KernelLevel { KernelLevel(rawValue: Int(s2s_cpu_best_level().rawValue))! }
    /// The levels this CPU can run (tests compare every one against the others).
    public static var supported: [KernelLevel] { allCases.filter { $0.rawValue <= best.rawValue } }

    public var description: String { ["generic", "avx2", "avx512"][rawValue] }

    /// The CPU's model as the OS names it, with its family and model numbers on x86-64.
    public static var cpuModel: String { String(cString: s2s_cpu_model()) }

    /// One line for `--version` and benchmarks: the CPU, its best level, the level running and the path each
    /// precision takes, e.g. "kernels avx2 (CPU AMD EPYC (family 25, model 17), best avx512 with BF16 and
    /// VNNI); int8: avx2 maddubs 7-bit, bfloat16-dot: bfloat16's path".
    public static var summary: String {
        var cpu = best.description
        let extras = [s2s_cpu_has_avx512_bf16() != 0 ? "BF16" : nil, s2s_cpu_has_avx512_vnni() != 0 ? "VNNI" : nil,
                      s2s_cpu_has_avx_vnni() != 0 ? "AVX-VNNI" : nil]
            .compactMap { $0 }
        if !extras.isEmpty { cpu += " with " + extras.joined(separator: " and ") }
        let kernels = Kernels.current
        let level = kernels.fusesMultiplyAdd ? "\(current)" : "\(current), unfused"
        let bfloat16Dot = kernels.hasNativeBFloat16Dot ? "avx512 bf16" : "bfloat16's path"
        return "kernels \(level) (CPU \(cpuModel), best \(cpu)); int8: \(kernels.int8Path), bfloat16-dot: \(bfloat16Dot)"
    }
}

/// Calls into one level's kernel table: `Kernels.current` for the process's level, `Kernels(level)`
/// for a given one (tests).
public struct Kernels: @unchecked Sendable {
    nonisolated(unsafe) static let table: UnsafePointer<s2s_kernel_table> = s2s_kernels()
    let table: UnsafePointer<s2s_kernel_table>

    public static var current: Kernels { Kernels(table: table) }

    /// The kernels of `level`; nil when this CPU cannot run it.
    public init?(_ level: KernelLevel) {
        guard let table = s2s_kernels_at(s2s_cpu_level(rawValue: UInt32(level.rawValue))) else { return nil }
        self.table = table
    }

    init(table: UnsafePointer<s2s_kernel_table>) { self.table = table }

    public var level: KernelLevel { KernelLevel(rawValue: Int(table.pointee.level.rawValue))! }
    /// Whether multiply-adds are fused: every level but the generic one on x86-64, whose float32 results
    /// differ from the others' in the last bits.
    public var fusesMultiplyAdd: Bool { table.pointee.fused != 0 }
    /// a·b + c as this level's kernels compute it: fused, or on the unfused level a rounded product then a
    /// rounded sum. The Swift oracles use it, so that they stay bitwise on every level.
    @inline(__always)
    public func multiplyAdd(_ a: Float, _ b: Float, _ c: Float) -> Float {
        fusesMultiplyAdd ? c.addingProduct(a, b) : a * b + c
    }
    /// How int8 weights are multiplied on this CPU: "avx512 vnni", "avx-vnni", "avx2 maddubs/maddwd",
    /// "avx2 maddubs 7-bit" or "generic madd".
    public var int8Path: String { String(cString: s2s_int8_path(table)) }
    /// The largest |q| this level's int8 product takes: 127, or 63 for "avx2 maddubs 7-bit" (see Int8Matrix).
    public var int8Limit: Int { Int(s2s_int8_limit(table)) }
    /// Whether this level has a bfloat16 dot-product instruction on this CPU (AVX-512 BF16); without it
    /// `.bfloat16Dot` takes `.bfloat16`'s path (see WeightPrecision.effective).
    public var hasNativeBFloat16Dot: Bool { s2s_bf16_dot_native(table) != 0 }

    // Vector math (y may be x).
    public func exp(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) { table.pointee.exp(n, x, y) }
    public func sigmoid(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        table.pointee.sigmoid(n, x, y)
    }
    public func tanh(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) { table.pointee.tanh(n, x, y) }

    /// The 16 lane sums of e^(x − shift) (padding −∞), for a log-sum-exp that adds them in lane order.
    public func expSumLanes(_ n: Int, _ x: UnsafePointer<Float>, shift: Float) -> Float16x {
        var lanes = Float16x.zero
        withUnsafeMutableBytes(of: &lanes) { table.pointee.exp_sum_lanes(n, x, shift, $0.baseAddress!.assumingMemoryBound(to: Float.self)) }
        return lanes
    }

    /// dx[i] += scale·(e^(x[i] − lse) − uniform).
    public func softmaxGradientAdd(_ n: Int, _ x: UnsafePointer<Float>, lse: Float, scale: Float, uniform: Float,
                                   _ dx: UnsafeMutablePointer<Float>) {
        table.pointee.softmax_gradient_add(n, x, lse, scale, uniform, dx)
    }

    /// x[i] = scale·(e^(x[i] − lse) − uniform).
    public func softmaxGradientInPlace(_ n: Int, _ x: UnsafeMutablePointer<Float>, lse: Float, scale: Float, uniform: Float) {
        table.pointee.softmax_gradient_in_place(n, x, lse, scale, uniform)
    }

    // Recurrent cells (one row; see LSTMPointwise and RecurrentPointwise).
    public func lstmForward(_ H: Int, _ gates: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>,
                            _ cPrev: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                            _ tanhC: UnsafeMutablePointer<Float>, _ h: UnsafeMutablePointer<Float>) {
        table.pointee.lstm_forward(H, gates, bias, cPrev, c, tanhC, h)
    }
    public func lstmBackward(_ H: Int, _ gates: UnsafePointer<Float>, _ cPrev: UnsafePointer<Float>,
                             _ tanhC: UnsafePointer<Float>, _ dh: UnsafePointer<Float>, _ dOutput: UnsafePointer<Float>?,
                             _ dc: UnsafeMutablePointer<Float>, _ dGates: UnsafeMutablePointer<Float>) {
        table.pointee.lstm_backward(H, gates, cPrev, tanhC, dh, dOutput, dc, dGates)
    }
    public func gruForward(_ H: Int, _ gates: UnsafeMutablePointer<Float>, _ recurrent: UnsafePointer<Float>,
                           _ hiddenN: UnsafeMutablePointer<Float>, _ biasIH: UnsafePointer<Float>,
                           _ biasHH: UnsafePointer<Float>, _ hPrev: UnsafePointer<Float>, _ h: UnsafeMutablePointer<Float>) {
        table.pointee.gru_forward(H, gates, recurrent, hiddenN, biasIH, biasHH, hPrev, h)
    }
    public func gruBackward(_ H: Int, _ gates: UnsafePointer<Float>, _ hiddenN: UnsafePointer<Float>,
                            _ hPrev: UnsafePointer<Float>, _ dh: UnsafePointer<Float>, _ dOutput: UnsafePointer<Float>?,
                            _ dInput: UnsafeMutablePointer<Float>, _ dHidden: UnsafeMutablePointer<Float>,
                            _ dhDirect: UnsafeMutablePointer<Float>) {
        table.pointee.gru_backward(H, gates, hiddenN, hPrev, dh, dOutput, dInput, dHidden, dhDirect)
    }
    public func rnnForward(_ H: Int, relu: Bool, _ pre: UnsafePointer<Float>, _ biasIH: UnsafePointer<Float>,
                           _ biasHH: UnsafePointer<Float>, _ h: UnsafeMutablePointer<Float>) {
        table.pointee.rnn_forward(H, relu ? 1 : 0, pre, biasIH, biasHH, h)
    }
    public func rnnBackward(_ H: Int, relu: Bool, _ h: UnsafePointer<Float>, _ dh: UnsafePointer<Float>,
                            _ dOutput: UnsafePointer<Float>?, _ dPre: UnsafeMutablePointer<Float>) {
        table.pointee.rnn_backward(H, relu ? 1 : 0, h, dh, dOutput, dPre)
    }

    // Optimizer updates (see Adam and SGD in S2SNN).
    public func adam(_ n: Int, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>,
                     _ v: UnsafeMutablePointer<Float>, l2: Float, shrink: Float, lerpWeight: Float, beta2: Float,
                     oneMinusBeta2: Float, biasCorrection2Sqrt: Float, epsilon: Float, negativeStepSize: Float) {
        table.pointee.adam(n, p, g, m, v, l2, shrink, lerpWeight, beta2, oneMinusBeta2, biasCorrection2Sqrt, epsilon,
                           negativeStepSize)
    }
    public func sgd(_ n: Int, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, lr: Float, decay: Float) {
        table.pointee.sgd(n, p, g, lr, decay)
    }
    public func sgdMomentum(_ n: Int, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                            _ b: UnsafeMutablePointer<Float>, lr: Float, mu: Float, decay: Float, nesterov: Bool, first: Bool) {
        table.pointee.sgd_momentum(n, p, g, b, lr, mu, decay, nesterov ? 1 : 0, first ? 1 : 0)
    }
    /// Σ x² in double (8 fused lanes, added in order, then the tail).
    public func sumOfSquares(_ n: Int, _ x: UnsafePointer<Float>) -> Double { table.pointee.sum_of_squares(n, x) }

    // Row-stable products (see DotGEMM).
    public func dotGEMM(m: Int, n: Int, k: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<Float>, ldb: Int,
                        beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        table.pointee.dot_gemm(m, n, k, x, lda, w, ldb, beta, c, ldc)
    }
    /// Whether this level has its own product kernel (AVX2 and AVX-512; generic uses OpenBLAS).
    public var hasGEMM: Bool { table.pointee.gemm != nil }

    /// C = op(A)·op(B) + beta·C, beta 0 or 1 (requires `hasGEMM`).
    public func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int,
                     _ b: UnsafePointer<Float>, ldb: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        table.pointee.gemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, a, lda, b, ldb, beta, c, ldc)
    }

    /// Floats that op(B) [k, n] takes packed (requires `hasGEMM`).
    public func packedSize(k: Int, n: Int) -> Int { table.pointee.gemm_packed_b_size(k, n) }

    public func pack(transposeB: Bool, k: Int, n: Int, _ b: UnsafePointer<Float>, ldb: Int,
                     into packed: UnsafeMutablePointer<Float>) {
        table.pointee.gemm_pack_b(k, n, b, ldb, transposeB ? 1 : 0, packed)
    }

    /// C = op(A)·B + beta·C with B packed by `pack` (same k and n).
    public func gemm(transposeA: Bool, m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int,
                     packed: UnsafePointer<Float>, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        table.pointee.gemm_packed(transposeA ? 1 : 0, m, n, k, a, lda, packed, beta, c, ldc)
    }

    /// The int8 product (see Int8Matrix).
    public func int8GEMM(m: Int, n: Int, k: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<Int8>,
                         scales: UnsafePointer<Float>, sums: UnsafePointer<Int32>, beta: Float,
                         _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        table.pointee.int8_gemm(m, n, k, x, lda, w, scales, sums, beta, c, ldc)
    }

    /// The bfloat16-activation product (see BFloat16PairMatrix).
    public func bfloat16DotGEMM(m: Int, n: Int, k: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<UInt32>,
                                beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        table.pointee.bf16_dot_gemm(m, n, k, x, lda, w, beta, c, ldc)
    }

    public func dotGEMMBFloat16(m: Int, n: Int, k: Int, _ x: UnsafePointer<Float>, lda: Int, _ w: UnsafePointer<UInt32>,
                                rowStride: Int, beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        table.pointee.dot_gemm_bf16(m, n, k, x, lda, w, rowStride, beta, c, ldc)
    }
}
