// Vectorised exp, sigmoid and tanh (the S2SKernels C target; see Kernels). glibc's expf costs ~4 ns
// and tanhf 15–20 ns per element; these polynomials cost under 1 ns, which is what keeps the LSTM gate
// math from costing as much as its GEMMs. Accuracy: a few ulp (Cephes-style minimax polynomials),
// checked in tests against glibc over a dense sweep.

public typealias Float16x = SIMD16<Float>

public enum VectorMath {
    /// e^x, lane-wise; 0 below −87.3, +∞ above 88.72, and inputs in (88, 88.72] are clamped to 88
    /// (so 2^n never overflows; nothing in s2s exponentiates such values without subtracting a max).
    public static func exp(_ x: Float16x) -> Float16x { lanes(x, Kernels.current.exp) }

    /// 1 / (1 + e^−x), lane-wise.
    public static func sigmoid(_ x: Float16x) -> Float16x { lanes(x, Kernels.current.sigmoid) }

    /// tanh, lane-wise: an odd polynomial near zero (keeps relative accuracy for tiny x), and
    /// 1 − 2/(e^{2|x|} + 1) elsewhere.
    public static func tanh(_ x: Float16x) -> Float16x { lanes(x, Kernels.current.tanh) }

    // Buffer forms over `count` floats (y may be x).

    public static func exp(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        Kernels.current.exp(count, x, y)
    }

    public static func sigmoid(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        Kernels.current.sigmoid(count, x, y)
    }

    public static func tanh(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        Kernels.current.tanh(count, x, y)
    }

    private static func lanes(_ x: Float16x,
                              _ function: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> Float16x {
        var input = x, output = Float16x.zero
        withUnsafeBytes(of: &input) { i in
            withUnsafeMutableBytes(of: &output) { o in
                function(16, i.baseAddress!.assumingMemoryBound(to: Float.self), o.baseAddress!.assumingMemoryBound(to: Float.self))
            }
        }
        return output
    }
}

extension UnsafePointer where Pointee == Float {
    @inlinable @inline(__always)
    public func loadVector(at index: Int) -> Float16x {
        UnsafeRawPointer(self + index).loadUnaligned(as: Float16x.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inlinable @inline(__always)
    public func loadVector(at index: Int) -> Float16x {
        UnsafeRawPointer(self + index).loadUnaligned(as: Float16x.self)
    }

    @inlinable @inline(__always)
    public func storeVector(_ vector: Float16x, at index: Int) {
        UnsafeMutableRawPointer(self + index).storeBytes(of: vector, as: Float16x.self)
    }
}
