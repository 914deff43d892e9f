// Vectorised exp, sigmoid and tanh on SIMD16<Float>. glibc's expf costs ~4 ns and tanhf 15–20 ns per
// element; these polynomials cost under 1 ns, which is what keeps the LSTM gate math from costing as
// much as its GEMMs. Accuracy: a few ulp (Cephes-style minimax polynomials), checked in tests against
// glibc over a dense sweep.

public typealias Float16x = SIMD16<Float>

public enum VectorMath {
    /// e^x, lane-wise; 0 below −87.3, +∞ above 88.72, and inputs in (88, 88.72] are clamped to 88
    /// (so 2^n never overflows; nothing in s2s exponentiates such values without subtracting a max).
    @inlinable @inline(__always)
    public static func exp(_ x: Float16x) -> Float16x {
        let high = Float16x(repeating: 88), low = Float16x(repeating: -87.33654)
        let clamped = x.replacing(with: high, where: x .> high).replacing(with: low, where: x .< low)
        // x = n·ln2 + r with |r| ≤ ln2/2; ln2 split in two for an exact n·ln2.
        let n = (clamped * 1.442_695_04 + 0.5).rounded(.down)
        var r = clamped.addingProduct(n, -0.693_359_375)
        r = r.addingProduct(n, 2.121_944_4e-4)
        var p = Float16x(repeating: 1.987_569_15e-4)
        p = Float16x(repeating: 1.398_199_95e-3).addingProduct(p, r)
        p = Float16x(repeating: 8.333_451_9e-3).addingProduct(p, r)
        p = Float16x(repeating: 4.166_579_59e-2).addingProduct(p, r)
        p = Float16x(repeating: 1.666_666_55e-1).addingProduct(p, r)
        p = Float16x(repeating: 5.000_000_12e-1).addingProduct(p, r)
        p = (r + 1).addingProduct(p, r * r)
        // 2^n from the bits: adding 1.5·2^23 puts the integer n in the low mantissa bits (a
        // vectorised float→int conversion; SIMD's own init converts lane by lane).
        let magic = Float16x(repeating: 12_582_912)
        let nBits = unsafeBitCast(n + magic, to: SIMD16<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: Float16x.self)
        return (p * scale).replacing(with: Float16x(repeating: 0), where: x .< low)
            .replacing(with: Float16x(repeating: .infinity), where: x .> 88.722_83)
    }

    /// 1 / (1 + e^−x), lane-wise.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float16x) -> Float16x {
        1 / (1 + exp(-x))
    }

    /// tanh, lane-wise: an odd polynomial near zero (keeps relative accuracy for tiny x), and
    /// 1 − 2/(e^{2|x|} + 1) elsewhere.
    @inlinable @inline(__always)
    public static func tanh(_ x: Float16x) -> Float16x {
        let magnitude = x.replacing(with: -x, where: x .< 0)
        let z = x * x
        var p: Float16x = .init(repeating: -5.704_988_72e-3)
        p = Float16x(repeating: 2.063_908_88e-2).addingProduct(p, z)
        p = Float16x(repeating: -5.373_971_56e-2).addingProduct(p, z)
        p = Float16x(repeating: 1.333_144_22e-1).addingProduct(p, z)
        p = Float16x(repeating: -3.333_328_19e-1).addingProduct(p, z)
        let small = x.addingProduct(p * z, x)
        let e = exp(2 * magnitude)
        var large = 1 - 2 / (e + 1)
        large = large.replacing(with: -large, where: x .< 0)
        return large.replacing(with: small, where: magnitude .< 0.625)
    }

    // Buffer forms: apply over `count` elements, 16 at a time, the tail through a zero-padded vector.

    @inlinable
    public static func apply(_ count: Int, _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
                             _ function: (Float16x) -> Float16x) {
        var i = 0
        while i + 16 <= count {
            output.storeVector(function(input.loadVector(at: i)), at: i)
            i += 16
        }
        if i < count {
            var tail = Float16x.zero
            for lane in 0..<(count - i) { tail[lane] = input[i + lane] }
            let result = function(tail)
            for lane in 0..<(count - i) { output[i + lane] = result[lane] }
        }
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
