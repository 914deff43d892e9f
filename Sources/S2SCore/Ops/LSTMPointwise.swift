// The LSTM cell's elementwise math for one time step, fused and vectorised (S2SKernels' recurrent.h),
// with the plain scalar version kept beside it as the oracle the tests compare against. Gate order is PyTorch's: i, f, g, o.
//
//   i = σ(a_i)  f = σ(a_f)  g = tanh(a_g)  o = σ(a_o)
//   c' = f·c + i·g          h' = o·tanh(c')
//
// `gates` holds a row's pre-activations without bias [4H] on entry (the bias b_ih + b_hh is added
// here, saving a pass over all T·B rows) and the activations i, f, g, o on exit (backward needs exactly
// those).

public enum LSTMPointwise {
    /// Forward for one row of H units. Writes activations into `gates`, and c', tanh(c'), h'.
    @inline(__always)
    public static func forward(hidden: Int, gates: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                               cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                               tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>) {
        Kernels.current.lstmForward(hidden, gates, bias, cPrev, c, tanhC, h)
    }

    /// Backward for one row. Given dh (gradient into h' from later steps), dOutput (into h' from this
    /// step's output, if any) and dc (into c'), writes the pre-activation gradients into `dGates` [4H]
    /// and replaces `dc` by the gradient into c.
    @inline(__always)
    public static func backward(hidden: Int, gates: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                                tanhC: UnsafePointer<Float>, dh: UnsafePointer<Float>, dOutput: UnsafePointer<Float>?,
                                dc: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>) {
        Kernels.current.lstmBackward(hidden, gates, cPrev, tanhC, dh, dOutput, dc, dGates)
    }
}

/// The scalar oracle for `LSTMPointwise`, written the obvious way with glibc-free Float math.
public enum LSTMPointwiseReference {
    public static func forward(hidden H: Int, gates: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
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
