// e^x, σ(x) and tanh x on 16 lanes (Cephes-style minimax polynomials, a few ulp; glibc's expf costs
// ~4 ns and tanhf 15–20 ns per element, these under 1 ns), and the softmax passes built on them.

/// e^x; 0 below −87.3, +∞ above 88.72, and inputs in (88, 88.72] clamped to 88 (so 2^n never overflows).
static inline v16f exp16(v16f x) {
    const v16f high = 88.0f, low = -87.33654f;
    v16f clamped = select16(x > high, high, x);
    clamped = select16(x < low, low, clamped);
    // x = n·ln2 + r with |r| ≤ ln2/2; ln2 split in two for an exact n·ln2.
    v16f n = __builtin_elementwise_floor(clamped * 1.44269504f + 0.5f);
    v16f r = fma16(n, (v16f)-0.693359375f, clamped);
    r = fma16(n, (v16f)2.1219444e-4f, r);
    v16f p = 1.98756915e-4f;
    p = fma16(p, r, (v16f)1.39819995e-3f);
    p = fma16(p, r, (v16f)8.3334519e-3f);
    p = fma16(p, r, (v16f)4.16657959e-2f);
    p = fma16(p, r, (v16f)1.66666655e-1f);
    p = fma16(p, r, (v16f)5.00000012e-1f);
    p = fma16(p, r * r, r + 1.0f);
    // 2^n from the bits: adding 1.5·2^23 puts the integer n in the low mantissa bits.
    v16i nBits = (v16i)(n + 12582912.0f) - 0x4B400000;
    v16f scale = (v16f)((v16u)(nBits + 127) << 23);
    v16f result = select16(x < low, (v16f)0.0f, p * scale);
    return select16(x > 88.72283f, (v16f)__builtin_inff(), result);
}

static inline v16f sigmoid16(v16f x) { return 1.0f / (1.0f + exp16(-x)); }

/// An odd polynomial near zero (keeps relative accuracy for tiny x), 1 − 2/(e^{2|x|} + 1) elsewhere.
static inline v16f tanh16(v16f x) {
    v16f magnitude = select16(x < 0.0f, -x, x);
    v16f z = x * x;
    v16f p = -5.70498872e-3f;
    p = fma16(p, z, (v16f)2.06390888e-2f);
    p = fma16(p, z, (v16f)-5.37397156e-2f);
    p = fma16(p, z, (v16f)1.33314422e-1f);
    p = fma16(p, z, (v16f)-3.33332819e-1f);
    v16f small = fma16(p * z, x, x);
    v16f e = exp16(2.0f * magnitude);
    v16f large = 1.0f - 2.0f / (e + 1.0f);
    large = select16(x < 0.0f, -large, large);
    return select16(magnitude < 0.625f, small, large);
}

// Buffer forms: 16 at a time, the tail through a zero-padded vector (same arithmetic per lane).
#define S2S_MAP(name, function)                                                        \
    static void name(long n, const float *x, float *y) {                               \
        long i = 0;                                                                    \
        for (; i + 16 <= n; i += 16) store16(y + i, function(load16(x + i)));          \
        if (i < n) store16_partial(y + i, function(load16_partial(x + i, n - i, 0)), n - i); \
    }
S2S_MAP(vexp, exp16)
S2S_MAP(vsigmoid, sigmoid16)
S2S_MAP(vtanh, tanh16)
#undef S2S_MAP

static void exp_sum_lanes(long n, const float *x, float shift, float lanes[16]) {
    v16f sums = 0.0f;
    long i = 0;
    for (; i + 16 <= n; i += 16) sums += exp16(load16(x + i) - shift);
    if (i < n) sums += exp16(load16_partial(x + i, n - i, -__builtin_inff()) - shift);   // e^−∞ = 0
    store16(lanes, sums);
}

static void softmax_gradient_add(long n, const float *x, float lse, float scale, float uniform, float *dx) {
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        v16f p = exp16(load16(x + i) - lse);
        store16(dx + i, load16(dx + i) + scale * (p - uniform));
    }
    if (i < n) {
        v16f p = exp16(load16_partial(x + i, n - i, 0) - lse);
        for (long lane = 0; lane < n - i; lane++) dx[i + lane] += scale * (p[lane] - uniform);
    }
}

static void softmax_gradient_in_place(long n, float *x, float lse, float scale, float uniform) {
    long i = 0;
    for (; i + 16 <= n; i += 16) store16(x + i, scale * (exp16(load16(x + i) - lse) - uniform));
    for (; i < n; i++) x[i] = scale * ((float)exp((double)(x[i] - lse)) - uniform);
}
