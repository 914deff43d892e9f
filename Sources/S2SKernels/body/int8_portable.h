// The int8 product without VNNI (see int8.h): every element as one integer dot product, the same bits.

/// The portable product: every element as one integer dot product.
static void int8_gemm_portable(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                               const int32_t *sums, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    long quads = (k + 3) / 4, kp = 4 * quads;
    uint8_t *xq = malloc((size_t)(m * kp));
    float *sx = malloc(sizeof(float) * (size_t)m);
    if (!xq || !sx) abort();
    int8_quantize_rows(m, k, kp, x, lda, xq, sx);
    for (long j = 0; j < n; j++) {
        const int8_t *column = w + (j / 16) * quads * 64 + (j % 16) * 4;
        for (long i = 0; i < m; i++) {
            const uint8_t *xi = xq + i * kp;
            int32_t acc = 0;
            for (long p = 0; p < quads; p++)
                for (int q = 0; q < 4; q++) acc += (int32_t)xi[4 * p + q] * (int32_t)column[64 * p + q];
            float value = int8_value(acc, sums[j], sx[i], scales[j]);
            float *out = c + i * ldc + j;
            *out = beta == 0 ? value : *out + value;
        }
    }
    free(xq);
    free(sx);
}
