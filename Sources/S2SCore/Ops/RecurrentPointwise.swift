// The elementwise math of the GRU and the plain (Elman) RNN for one time step, fused and vectorised
// (S2SKernels' recurrent.h), with the scalar versions beside them as the oracles the tests compare
// against. PyTorch's gate order and equations (nn.GRU: r, z, n, with b_hn inside the reset product; nn.RNN: tanh or relu):
//
//   GRU   r = σ(a_r + b_r)   z = σ(a_z + b_z)   n = tanh(a_n + b_in + r·(u_n + b_hn))   h' = (1 − z)·n + z·h
//         where a = x·W_ihᵀ + h·W_hhᵀ for r and z, a_n = (x·W_ihᵀ)_n, u_n = (h·W_hhᵀ)_n, b = b_ih + b_hh
//   RNN   h' = act(x·W_ihᵀ + h·W_hhᵀ + b_ih + b_hh)
//
// Shapes per row: GRU `gates` [3H] (the input part in, r, z, n out), `recurrent` [3H], `hiddenN` [H]
// (u_n + b_hn out: backward needs it); RNN `pre` [H].

public enum GRUPointwise {
    /// Forward for one row of H units. `gates` holds the input part x·W_ihᵀ [3H] (no bias) on entry and
    /// r, z, n on exit; `recurrent` the recurrent part h·W_hhᵀ [3H] (no bias); `hiddenN` receives
    /// u_n + b_hn [H] (backward needs it).
    @inline(__always)
    public static func forward(hidden H: Int, gates: UnsafeMutablePointer<Float>, recurrent: UnsafePointer<Float>,
                               hiddenN: UnsafeMutablePointer<Float>, biasIH: UnsafePointer<Float>, biasHH: UnsafePointer<Float>,
                               hPrev: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>) {
        Kernels.current.gruForward(H, gates, recurrent, hiddenN, biasIH, biasHH, hPrev, h)
    }

    /// Backward for one row. Given dh (into h' from later steps) and dOutput (into h' from this step's
    /// output, if any), writes the gradients of the input-side pre-activations into `dInput` [3H] and
    /// of the recurrent-side ones (r, z, u_n) into `dHidden` [3H], and the direct part of the gradient
    /// into h (through z) into `dhDirect` [H].
    @inline(__always)
    public static func backward(hidden H: Int, gates: UnsafePointer<Float>, hiddenN: UnsafePointer<Float>,
                                hPrev: UnsafePointer<Float>, dh: UnsafePointer<Float>, dOutput: UnsafePointer<Float>?,
                                dInput: UnsafeMutablePointer<Float>, dHidden: UnsafeMutablePointer<Float>,
                                dhDirect: UnsafeMutablePointer<Float>) {
        Kernels.current.gruBackward(H, gates, hiddenN, hPrev, dh, dOutput, dInput, dHidden, dhDirect)
    }
}

public enum RNNPointwise {
    /// h' = act(pre + b_ih + b_hh), written into `h`; `pre` is x·W_ihᵀ + h·W_hhᵀ.
    @inline(__always)
    public static func forward(hidden H: Int, relu: Bool, pre: UnsafePointer<Float>, biasIH: UnsafePointer<Float>,
                               biasHH: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>) {
        Kernels.current.rnnForward(H, relu: relu, pre, biasIH, biasHH, h)
    }

    /// dPre = (dh + dOutput)·act'(h'), from the activation h' itself.
    @inline(__always)
    public static func backward(hidden H: Int, relu: Bool, h: UnsafePointer<Float>, dh: UnsafePointer<Float>,
                                dOutput: UnsafePointer<Float>?, dPre: UnsafeMutablePointer<Float>) {
        Kernels.current.rnnBackward(H, relu: relu, h, dh, dOutput, dPre)
    }
}
