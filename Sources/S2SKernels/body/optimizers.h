// Optimizer updates, 16 parameters at a time and the tail through the same body on zero-padded
// vectors, so every element goes through identical arithmetic (see Adam and SGD in S2SNN).

/// torch's Adam(W): m by lerp (torch's lerp_vec: fma(w, end − start, start) for w < 0.5, else
/// fma(w − 1, end − start, end)), v = β2·v + (1 − β2)·g², p += −step·m / (√v / √(1 − β2ᵗ) + ε).
static inline void adam16(v16f *p, v16f g, v16f *m, v16f *v, float l2, float shrink, float lerp_weight, float beta2,
                          float one_minus_beta2, float bias_correction2_sqrt, float epsilon, float negative_step) {
    v16f grad = l2 == 0 ? g : fma16((v16f)l2, *p, g);
    v16f param = shrink == 1 ? *p : *p * shrink;
    v16f mm = lerp_weight < 0.5f ? fma16((v16f)lerp_weight, grad - *m, *m)
                                 : fma16((v16f)(lerp_weight - 1.0f), grad - *m, grad);
    v16f vv = *v * beta2 + one_minus_beta2 * grad * grad;
    v16f denominator = __builtin_elementwise_sqrt(vv) / bias_correction2_sqrt + epsilon;
    *p = param + negative_step * mm / denominator;
    *m = mm;
    *v = vv;
}

static void adam(long n, float *p, const float *g, float *m, float *v, float l2, float shrink, float lerp_weight,
                 float beta2, float one_minus_beta2, float bias_correction2_sqrt, float epsilon, float negative_step) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        v16f pv = load16(p + i), mv = load16(m + i), vv = load16(v + i);
        adam16(&pv, load16(g + i), &mv, &vv, l2, shrink, lerp_weight, beta2, one_minus_beta2, bias_correction2_sqrt,
               epsilon, negative_step);
        store16(p + i, pv); store16(m + i, mv); store16(v + i, vv);
    }
    if (i < n) {
        long t = n - i;
        v16f pv = load16_partial(p + i, t, 0), mv = load16_partial(m + i, t, 0), vv = load16_partial(v + i, t, 0);
        adam16(&pv, load16_partial(g + i, t, 0), &mv, &vv, l2, shrink, lerp_weight, beta2, one_minus_beta2,
               bias_correction2_sqrt, epsilon, negative_step);
        store16_partial(p + i, pv, t); store16_partial(m + i, mv, t); store16_partial(v + i, vv, t);
    }
}

static inline v16f sgd16(v16f p, v16f g, float lr, float decay) {
    v16f grad = decay == 0 ? g : fma16((v16f)decay, p, g);
    return fma16((v16f)(-lr), grad, p);
}

static void sgd(long n, float *p, const float *g, float lr, float decay) {
    long i = 0;
    for (; i + 16 <= n; i += 16) store16(p + i, sgd16(load16(p + i), load16(g + i), lr, decay));
    if (i < n) store16_partial(p + i, sgd16(load16_partial(p + i, n - i, 0), load16_partial(g + i, n - i, 0), lr, decay), n - i);
}

static inline void momentum16(v16f *p, v16f g, v16f *b, float lr, float mu, float decay, int nesterov, int first) {
    v16f grad = decay == 0 ? g : fma16((v16f)decay, *p, g);
    v16f buffer = first ? grad : *b * mu + grad;
    v16f direction = nesterov ? fma16((v16f)mu, buffer, grad) : buffer;
    *p = fma16((v16f)(-lr), direction, *p);
    *b = buffer;
}

static void sgd_momentum(long n, float *p, const float *g, float *b, float lr, float mu, float decay, int nesterov,
                         int first) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        v16f pv = load16(p + i), bv = load16(b + i);
        momentum16(&pv, load16(g + i), &bv, lr, mu, decay, nesterov, first);
        store16(p + i, pv); store16(b + i, bv);
    }
    if (i < n) {
        long t = n - i;
        v16f pv = load16_partial(p + i, t, 0), bv = load16_partial(b + i, t, 0);
        momentum16(&pv, load16_partial(g + i, t, 0), &bv, lr, mu, decay, nesterov, first);
        store16_partial(p + i, pv, t); store16_partial(b + i, bv, t);
    }
}

static double sum_of_squares(long n, const float *x) {
    v8d lanes = 0.0;
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        v8d d = __builtin_convertvector(load8(x + i), v8d);
        lanes = fma8d(d, d, lanes);
    }
    double total = -0.0;
    for (int lane = 0; lane < 8; lane++) total += lanes[lane];
    for (; i < n; i++) total += (double)x[i] * (double)x[i];
    return total;
}
