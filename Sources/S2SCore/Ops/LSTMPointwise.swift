// The LSTM cell's elementwise math for one time step, fused and vectorised, with the plain scalar
// version kept beside it as the oracle the tests compare against. Gate order is PyTorch's: i, f, g, o.
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
        let H = hidden
        var j = 0
        while j < H {
            let n = min(16, H - j)
            let i = VectorMath.sigmoid(load(gates, j, n) + load(bias, j, n))
            let f = VectorMath.sigmoid(load(gates, H + j, n) + load(bias, H + j, n))
            let g = VectorMath.tanh(load(gates, 2 * H + j, n) + load(bias, 2 * H + j, n))
            let o = VectorMath.sigmoid(load(gates, 3 * H + j, n) + load(bias, 3 * H + j, n))
            let cNew = (f * load(cPrev, j, n)).addingProduct(i, g)
            let tc = VectorMath.tanh(cNew)
            store(i, gates, j, n); store(f, gates, H + j, n); store(g, gates, 2 * H + j, n); store(o, gates, 3 * H + j, n)
            store(cNew, c, j, n); store(tc, tanhC, j, n); store(o * tc, h, j, n)
            j += 16
        }
    }

    /// Backward for one row. Given dh (gradient into h' from later steps), dOutput (into h' from this
    /// step's output, if any) and dc (into c'), writes the pre-activation gradients into `dGates` [4H]
    /// and replaces `dc` by the gradient into c.
    @inline(__always)
    public static func backward(hidden: Int, gates: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                                tanhC: UnsafePointer<Float>, dh: UnsafePointer<Float>, dOutput: UnsafePointer<Float>?,
                                dc: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>) {
        let H = hidden
        var j = 0
        while j < H {
            let n = min(16, H - j)
            let i = load(gates, j, n), f = load(gates, H + j, n)
            let g = load(gates, 2 * H + j, n), o = load(gates, 3 * H + j, n)
            let tc = load(tanhC, j, n)
            var dhv = load(dh, j, n)
            if let dOutput { dhv += load(dOutput, j, n) }
            let dcTotal = load(dc, j, n) + dhv * o * (1 - tc * tc)
            store(dcTotal * g * i * (1 - i), dGates, j, n)
            store(dcTotal * load(cPrev, j, n) * f * (1 - f), dGates, H + j, n)
            store(dcTotal * i * (1 - g * g), dGates, 2 * H + j, n)
            store(dhv * tc * o * (1 - o), dGates, 3 * H + j, n)
            store(dcTotal * f, dc, j, n)
            j += 16
        }
    }

    // Loads/stores of up to 16 lanes; the partial form is for hidden sizes that are not multiples of 16.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ offset: Int, _ n: Int) -> Float16x {
        if n == 16 { return p.loadVector(at: offset) }
        var v = Float16x(repeating: 0)
        for lane in 0..<n { v[lane] = p[offset + lane] }
        return v
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>, _ offset: Int, _ n: Int) -> Float16x {
        load(UnsafePointer(p), offset, n)
    }

    @inline(__always)
    static func store(_ v: Float16x, _ p: UnsafeMutablePointer<Float>, _ offset: Int, _ n: Int) {
        if n == 16 { p.storeVector(v, at: offset); return }
        for lane in 0..<n { p[offset + lane] = v[lane] }
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
