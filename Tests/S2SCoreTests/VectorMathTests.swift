import Testing
import Foundation
@testable import S2SCore

@Suite struct VectorMathTests {
    /// Runs the buffer form `simd` and `libm` over a dense sweep of [low, high] and returns the worst relative error.
    func worstError(_ low: Float, _ high: Float, simd: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
                    libm: (Double) -> Double) -> Double {
        let n = 100_000
        var xs = [Float](repeating: 0, count: n), ys = xs
        for i in 0..<n { xs[i] = low + (high - low) * Float(i) / Float(n - 1) }
        xs.withUnsafeBufferPointer { x in ys.withUnsafeMutableBufferPointer { y in
            simd(n, x.baseAddress!, y.baseAddress!)
        } }
        var worst = 0.0
        for (x, y) in zip(xs, ys) {
            let exact = libm(Double(x))
            worst = max(worst, abs(Double(y) - exact) / max(abs(exact), 1e-30))
        }
        return worst
    }

    @Test func expIsAccurate() {
        #expect(worstError(-87, 88, simd: { VectorMath.exp(count: $0, $1, $2) }, libm: Foundation.exp) < 5e-7)
    }

    @Test func tanhIsAccurateIncludingTinyInputs() {
        #expect(worstError(-12, 12, simd: { VectorMath.tanh(count: $0, $1, $2) }, libm: Foundation.tanh) < 5e-7)
        #expect(worstError(-1e-3, 1e-3, simd: { VectorMath.tanh(count: $0, $1, $2) }, libm: Foundation.tanh) < 5e-7)
    }

    @Test func sigmoidIsAccurate() {
        #expect(worstError(-30, 30, simd: { VectorMath.sigmoid(count: $0, $1, $2) }, libm: { 1 / (1 + Foundation.exp(-$0)) }) < 5e-7)
    }

    @Test func extremesSaturate() {
        let x = Float16x([-1000, -100, -88, 100, 1000, 0, 1, -1, .infinity, -.infinity, 50, -50, 20, -20, 10, -10])
        let e = VectorMath.exp(x), s = VectorMath.sigmoid(x), t = VectorMath.tanh(x)
        #expect(e[0] == 0 && e[1] == 0 && e[3] == .infinity && e[5] == 1)
        #expect(s[0] == 0 && s[4] == 1 && s[8] == 1 && s[9] == 0)
        #expect(t[0] == -1 && t[4] == 1 && t[8] == 1 && t[9] == -1 && t[5] == 0)
        for lane in 0..<16 { #expect(!s[lane].isNaN && !t[lane].isNaN) }
    }
}
