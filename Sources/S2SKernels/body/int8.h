// int8 step products (WeightPrecision.int8): C = X·Wᵀ (+ C) with W quantized per row (Int8Matrix in
// S2SCore) and every row of X quantized on the fly, so a beam step reads a quarter of float32's bytes
// and, with VNNI, does 64 multiply-adds per instruction (float32: 16).
//
// X row i: s_i = max|x|/127, q = rint(x·127/max|x|) in [−127, 127], stored + 128 as a byte (vpdpbusd
// multiplies unsigned bytes by signed ones). W row j: scale_j and q_j the same way; sums_j = Σ q_j.
// Then Σ_k (q_ik + 128)·q_jk − 128·sums_j is the exact integer dot product of the two rows, and
// c_ij = float(that) · (s_i · scale_j). Integer sums are exact, so every 8-bit product — VNNI or this
// portable loop — gives the same bits, and a row's result depends on that row alone (beam search stays
// independent of the batch). The AVX2 level without AVX-VNNI quantizes both sides to ±63 instead
// (kernels_int8_avx2.c): the same arithmetic with 63 for 127, its own bits.
//
// W layout: panels of 16 rows; panel P holds, for each group of 4 columns p, 16 × 4 bytes:
// row 16P + l's columns 4p..4p+3 at bytes 64p + 4l. Columns past k and rows past n are zero.

/// Rows of X as bytes (q + 128, padded with 128 to kp columns) and their scales; q in [−limit, limit]:
/// 127, or 63 for the 7-bit product (kernels_int8_avx2.c), whose weights Int8Matrix quantizes the same way.
static void int8_quantize_rows(long m, long k, long kp, const float *x, long lda, uint8_t *xq, float *sx, float limit) {
    for (long i = 0; i < m; i++) {
        const float *row = x + i * lda;
        uint8_t *out = xq + i * kp;
        float maximum = 0;
        for (long p = 0; p < k; p++) {
            float a = __builtin_fabsf(row[p]);
            maximum = a > maximum ? a : maximum;
        }
        if (!(maximum > 0) || maximum == __builtin_inff()) {   // all zero (or not finite): the zero row
            sx[i] = 0;
            for (long p = 0; p < kp; p++) out[p] = 128;
            continue;
        }
        float inverse = limit / maximum;
        sx[i] = maximum / limit;
        for (long p = 0; p < k; p++) {
            float q = __builtin_rintf(row[p] * inverse);
            q = q > limit ? limit : q < -limit ? -limit : q;
            out[p] = (uint8_t)((int32_t)q + 128);
        }
        for (long p = k; p < kp; p++) out[p] = 128;
    }
}

/// The one way an element is finished, on every level.
static inline float int8_value(int32_t acc, int32_t sum, float sx, float scale) {
    return (float)(acc - sum * 128) * (sx * scale);
}

/// The last `columns` (fewer than a vector) of one row, from its accumulator lanes: int8_value each, stored
/// or added. `sums` NULL: the lanes hold Σ x·w with no +128 offset to take back (AVX2's sign trick).
static inline void int8_finish_lanes(const int32_t *lanes, const int32_t *sums, float sx, const float *scales,
                                     float beta, float *out, long columns) {
    for (long l = 0; l < columns; l++) {
        float value = int8_value(lanes[l], sums ? sums[l] : 0, sx, scales[l]);
        out[l] = beta == 0 ? value : out[l] + value;
    }
}

