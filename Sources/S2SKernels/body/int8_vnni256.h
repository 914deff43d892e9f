// The int8 product with 256-bit vpdpbusd (32 byte multiply-adds per instruction, into int32 with no
// saturation): AVX-VNNI's VEX form (Alder Lake and later, Zen 5) and AVX-512 VNNI's EVEX form on ymm,
// which is the same operation. Included by kernels_int8_avxvnni.c once per form, with
//   INT8_VNNI256_NAME          the function's name
//   INT8_VNNI256_DPBUSD(a,x,w) acc + Σ of 4 unsigned-by-signed byte products per int32 lane
// Same contract and bits as int8_gemm_portable (body/int8.h): X's bytes are q + 128 as vpdpbusd wants
// them, the sums are exact, and the +128 is taken back with W's row sums before the float epilogue.

/// Stores 8 finished columns of one row (`columns` ≤ 8 of them) as int8_value does.
static void INT8_VNNI256_FINISH(__m256i acc, const int32_t *sums, const float *scales, float sx, float beta, float *out,
                                long columns) {
    if (columns == 8) {
        __m256i shifted = _mm256_sub_epi32(acc, _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)sums), 7));
        __m256 value = _mm256_mul_ps(_mm256_cvtepi32_ps(shifted), _mm256_mul_ps(_mm256_set1_ps(sx), _mm256_loadu_ps(scales)));
        if (beta != 0) value = _mm256_add_ps(_mm256_loadu_ps(out), value);
        _mm256_storeu_ps(out, value);
        return;
    }
    int32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, acc);
    int8_finish_lanes(lanes, sums, sx, scales, beta, out, columns);
}

__attribute__((visibility("hidden")))
void INT8_VNNI256_NAME(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                       const int32_t *sums, float beta, float *c, long ldc) {
    // 6 rows × one panel (two ymm of 8 W rows): 12 accumulators + 2 weight vectors + 1 broadcast of 16.
    enum { ROWS = 6 };
    if (m <= 0 || n <= 0) return;
    long quads = (k + 3) / 4, kp = 4 * quads;
    uint8_t *xq = malloc((size_t)(m * kp));
    float *sx = malloc(sizeof(float) * (size_t)m);
    if (!xq || !sx) abort();
    int8_quantize_rows(m, k, kp, x, lda, xq, sx, 127.0f);
    // Panel outer: its bytes (k bytes per W row, 8 KB at k = 512) stay in L1 while every row tile passes.
    for (long panel = 0; panel < (n + 15) / 16; panel++) {
        const int8_t *wp = w + panel * quads * 64;
        long j0 = 16 * panel, left = n - j0;
        for (long i0 = 0; i0 < m; i0 += ROWS) {
            long rows = m - i0 < ROWS ? m - i0 : ROWS;
            const uint8_t *xr[ROWS];
            for (long r = 0; r < ROWS; r++) xr[r] = xq + (i0 + (r < rows ? r : rows - 1)) * kp;   // repeats never stored
            __m256i acc[ROWS][2];
            for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
            for (long p = 0; p < quads; p++) {
                __m256i b0 = _mm256_loadu_si256((const __m256i *)(wp + 64 * p));
                __m256i b1 = _mm256_loadu_si256((const __m256i *)(wp + 64 * p + 32));
                for (int r = 0; r < ROWS; r++) {
                    int32_t word;
                    __builtin_memcpy(&word, xr[r] + 4 * p, sizeof word);
                    __m256i v = _mm256_set1_epi32(word);
                    acc[r][0] = INT8_VNNI256_DPBUSD(acc[r][0], v, b0);
                    acc[r][1] = INT8_VNNI256_DPBUSD(acc[r][1], v, b1);
                }
            }
            for (long r = 0; r < rows; r++) {
                float *out = c + (i0 + r) * ldc + j0;
                INT8_VNNI256_FINISH(acc[r][0], sums + j0, scales + j0, sx[i0 + r], beta, out, left < 8 ? left : 8);
                if (left > 8)
                    INT8_VNNI256_FINISH(acc[r][1], sums + j0 + 8, scales + j0 + 8, sx[i0 + r], beta, out + 8,
                                        left - 8 < 8 ? left - 8 : 8);
            }
        }
    }
    free(xq);
    free(sx);
}
