// Loads and stores for the last, partial SIMD16 vector of a buffer. The optimizers run their update
// body on a zero-padded vector for the tail, so every element goes through identical arithmetic.
import S2SCore

extension SIMD16 where Scalar == Float {
    /// The first `count` (< 16) floats at `pointer`, the other lanes zero.
    @inline(__always)
    static func padded(_ pointer: UnsafePointer<Float>, _ count: Int) -> Float16x {
        var v = Float16x.zero
        for lane in 0..<count { v[lane] = pointer[lane] }
        return v
    }

    @inline(__always)
    static func padded(_ pointer: UnsafeMutablePointer<Float>, _ count: Int) -> Float16x {
        padded(UnsafePointer(pointer), count)
    }

    /// Stores the first `count` lanes at `pointer`.
    @inline(__always)
    func storePrefix(_ count: Int, to pointer: UnsafeMutablePointer<Float>) {
        for lane in 0..<count { pointer[lane] = self[lane] }
    }
}
