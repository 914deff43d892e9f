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
