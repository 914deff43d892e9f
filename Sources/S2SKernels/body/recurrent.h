// The recurrent cells' elementwise math for one row of H units per time step, 16 units at a time
// (a last partial block zero-padded). Gate orders and equations are PyTorch's; see LSTMPointwise and
// RecurrentPointwise in S2SCore for the contracts and the scalar oracles.

/// `gates` [4H]: pre-activations without bias in, i, f, g, o out; c' = f·c + i·g, h' = o·tanh(c').
static void lstm_forward(long H, float *gates, const float *bias, const float *c_prev, float *c, float *tanh_c,
                         float *h) {
    for (long j = 0; j < H; j += 16) {
        long n = H - j < 16 ? H - j : 16;
        v16f i = sigmoid16(load16_upto(gates + j, n) + load16_upto(bias + j, n));
        v16f f = sigmoid16(load16_upto(gates + H + j, n) + load16_upto(bias + H + j, n));
        v16f g = tanh16(load16_upto(gates + 2 * H + j, n) + load16_upto(bias + 2 * H + j, n));
        v16f o = sigmoid16(load16_upto(gates + 3 * H + j, n) + load16_upto(bias + 3 * H + j, n));
        v16f c_new = fma16(i, g, f * load16_upto(c_prev + j, n));
        v16f tc = tanh16(c_new);
        store16_upto(gates + j, i, n); store16_upto(gates + H + j, f, n);
        store16_upto(gates + 2 * H + j, g, n); store16_upto(gates + 3 * H + j, o, n);
        store16_upto(c + j, c_new, n); store16_upto(tanh_c + j, tc, n); store16_upto(h + j, o * tc, n);
    }
}

/// dGates [4H] from the activations; `dc` in: gradient into c', out: into c.
static void lstm_backward(long H, const float *gates, const float *c_prev, const float *tanh_c, const float *dh,
                          const float *d_output, float *dc, float *d_gates) {
    for (long j = 0; j < H; j += 16) {
        long n = H - j < 16 ? H - j : 16;
        v16f i = load16_upto(gates + j, n), f = load16_upto(gates + H + j, n);
        v16f g = load16_upto(gates + 2 * H + j, n), o = load16_upto(gates + 3 * H + j, n);
        v16f tc = load16_upto(tanh_c + j, n);
        v16f dhv = load16_upto(dh + j, n);
        if (d_output) dhv += load16_upto(d_output + j, n);
        v16f dc_total = load16_upto(dc + j, n) + dhv * o * (1.0f - tc * tc);
        store16_upto(d_gates + j, dc_total * g * i * (1.0f - i), n);
        store16_upto(d_gates + H + j, dc_total * load16_upto(c_prev + j, n) * f * (1.0f - f), n);
        store16_upto(d_gates + 2 * H + j, dc_total * i * (1.0f - g * g), n);
        store16_upto(d_gates + 3 * H + j, dhv * tc * o * (1.0f - o), n);
        store16_upto(dc + j, dc_total * f, n);
    }
}

/// `gates` [3H]: the input part x·W_ihᵀ in, r, z, n out; `recurrent` [3H] h·W_hhᵀ; `hidden_n` [H] ← u_n + b_hn.
static void gru_forward(long H, float *gates, const float *recurrent, float *hidden_n, const float *bias_ih,
                        const float *bias_hh, const float *h_prev, float *h) {
    for (long j = 0; j < H; j += 16) {
        long n = H - j < 16 ? H - j : 16;
        v16f r = sigmoid16(load16_upto(gates + j, n) + load16_upto(recurrent + j, n) + load16_upto(bias_ih + j, n)
                           + load16_upto(bias_hh + j, n));
        v16f z = sigmoid16(load16_upto(gates + H + j, n) + load16_upto(recurrent + H + j, n)
                           + load16_upto(bias_ih + H + j, n) + load16_upto(bias_hh + H + j, n));
        v16f un = load16_upto(recurrent + 2 * H + j, n) + load16_upto(bias_hh + 2 * H + j, n);
        v16f candidate = tanh16(fma16(r, un, load16_upto(gates + 2 * H + j, n) + load16_upto(bias_ih + 2 * H + j, n)));
        v16f hp = load16_upto(h_prev + j, n);
        store16_upto(gates + j, r, n); store16_upto(gates + H + j, z, n); store16_upto(gates + 2 * H + j, candidate, n);
        store16_upto(hidden_n + j, un, n);
        store16_upto(h + j, candidate + z * (hp - candidate), n);
    }
}

static void gru_backward(long H, const float *gates, const float *hidden_n, const float *h_prev, const float *dh,
                         const float *d_output, float *d_input, float *d_hidden, float *dh_direct) {
    for (long j = 0; j < H; j += 16) {
        long n = H - j < 16 ? H - j : 16;
        v16f r = load16_upto(gates + j, n), z = load16_upto(gates + H + j, n);
        v16f candidate = load16_upto(gates + 2 * H + j, n), un = load16_upto(hidden_n + j, n);
        v16f dhv = load16_upto(dh + j, n);
        if (d_output) dhv += load16_upto(d_output + j, n);
        v16f dn = dhv * (1.0f - z) * (1.0f - candidate * candidate);
        v16f dz = dhv * (load16_upto(h_prev + j, n) - candidate) * z * (1.0f - z);
        v16f dr = dn * un * r * (1.0f - r);
        store16_upto(d_input + j, dr, n); store16_upto(d_input + H + j, dz, n); store16_upto(d_input + 2 * H + j, dn, n);
        store16_upto(d_hidden + j, dr, n); store16_upto(d_hidden + H + j, dz, n);
        store16_upto(d_hidden + 2 * H + j, dn * r, n);
        store16_upto(dh_direct + j, dhv * z, n);
    }
}

/// h' = act(pre + b_ih + b_hh), act tanh or relu.
static void rnn_forward(long H, int relu, const float *pre, const float *bias_ih, const float *bias_hh, float *h) {
    for (long j = 0; j < H; j += 16) {
        long n = H - j < 16 ? H - j : 16;
        v16f a = load16_upto(pre + j, n) + load16_upto(bias_ih + j, n) + load16_upto(bias_hh + j, n);
        store16_upto(h + j, relu ? select16(a < 0.0f, (v16f)0.0f, a) : tanh16(a), n);
    }
}

/// dPre = (dh + dOutput)·act'(h'), from h' itself.
static void rnn_backward(long H, int relu, const float *h, const float *dh, const float *d_output, float *d_pre) {
    for (long j = 0; j < H; j += 16) {
        long n = H - j < 16 ? H - j : 16;
        v16f dhv = load16_upto(dh + j, n);
        if (d_output) dhv += load16_upto(d_output + j, n);
        v16f hv = load16_upto(h + j, n);
        store16_upto(d_pre + j, relu ? select16(hv <= 0.0f, (v16f)0.0f, dhv) : dhv * (1.0f - hv * hv), n);
    }
}
