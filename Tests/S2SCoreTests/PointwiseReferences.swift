// The scalar oracles the fused pointwise kernels (LSTMPointwise, GRUPointwise, RNNPointwise) are held to,
// written the obvious way with glibc-free Float math.
import S2SCore

/// The scalar oracle for `LSTMPointwise`, written the obvious way with glibc-free Float math.
enum LSTMPointwiseReference {
    static func forward(hidden H: Int, gates: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                               cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                               tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        for k in 0..<(4 * H) { gates[k] += bias[k] }
        func sigmoid(_ x: Float) -> Float { 1 / (1 + Float(exp(Double(-x)))) }
        func tanh(_ x: Float) -> Float { let e = exp(Double(2 * x)); return x > 20 ? 1 : Float((e - 1) / (e + 1)) }
        for j in 0..<H {
            let i = sigmoid(gates[j]), f = sigmoid(gates[H + j]), g = tanh(gates[2 * H + j]), o = sigmoid(gates[3 * H + j])
            gates[j] = i; gates[H + j] = f; gates[2 * H + j] = g; gates[3 * H + j] = o
            c[j] = f * cPrev[j] + i * g
            tanhC[j] = tanh(c[j])
            h[j] = o * tanhC[j]
        }
    }

    static func exp(_ x: Double) -> Double {
        // Σ x^k/k! after range reduction by halving: slow, exact enough, independent of libm.
        var reduced = x, squarings = 0
        while abs(reduced) > 0.5 { reduced /= 2; squarings += 1 }
        var term = 1.0, sum = 1.0
        for k in 1...20 { term *= reduced / Double(k); sum += term }
        for _ in 0..<squarings { sum *= sum }
        return sum
    }
}

/// The scalar oracles for `GRUPointwise` and `RNNPointwise` (forward), written the obvious way.
enum RecurrentPointwiseReference {
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + Float(LSTMPointwiseReference.exp(Double(-x)))) }
    static func tanh(_ x: Float) -> Float {
        if x > 20 { return 1 }
        if x < -20 { return -1 }
        let e = LSTMPointwiseReference.exp(2 * Double(x))
        return Float((e - 1) / (e + 1))
    }

    static func gru(hidden H: Int, gates: UnsafeMutablePointer<Float>, recurrent: UnsafePointer<Float>,
                           hiddenN: UnsafeMutablePointer<Float>, biasIH: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                           hPrev: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>) {
        for j in 0..<H {
            let r = sigmoid(gates[j] + recurrent[j] + biasIH[j] + biasHH[j])
            let z = sigmoid(gates[H + j] + recurrent[H + j] + biasIH[H + j] + biasHH[H + j])
            let un = recurrent[2 * H + j] + biasHH[2 * H + j]
            let candidate = tanh(gates[2 * H + j] + biasIH[2 * H + j] + r * un)
            gates[j] = r; gates[H + j] = z; gates[2 * H + j] = candidate; hiddenN[j] = un
            h[j] = (1 - z) * candidate + z * hPrev[j]
        }
    }

    static func rnn(hidden H: Int, relu: Bool, pre: UnsafePointer<Float>, biasIH: UnsafePointer<Float>,
                           biasHH: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>) {
        for j in 0..<H {
            let a = pre[j] + biasIH[j] + biasHH[j]
            h[j] = relu ? max(a, 0) : tanh(a)
        }
    }
}
