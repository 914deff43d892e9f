// The int8 product without AVX2 or VNNI (see int8.h): the generic level's, the same bits as every other.
//
// Widening multiply-adds of 16-bit integers, which every vector ISA has (SSE2's pmaddwd is baseline
// x86-64; elsewhere the compiler vectorises the portable form): each 16-row panel of W is widened to
// int16 once, then every tile of rows of X multiplies with it, 8 products per instruction into 4 int32
// sums. |x|, |w| ≤ 127, so every product and sum is exact.
//
// Shapes: a widened panel holds, per group of 4 columns p, 16 rows × 4 int16 (row l at 64p + 4l), as
// Int8Matrix's bytes; one vector of 8 is two rows' 4 columns, and its madd gives (row a: columns 0+1,
// 2+3; row b: 0+1, 2+3).

typedef int16_t int8_v8s __attribute__((ext_vector_type(8)));
typedef int8_t int8_v8b __attribute__((ext_vector_type(8)));
typedef int32_t int8_v4i __attribute__((ext_vector_type(4)));
typedef int32_t int8_v8i __attribute__((ext_vector_type(8)));
typedef int64_t int8_v2l __attribute__((ext_vector_type(2)));

/// Pairwise products of 16-bit lanes added into 32 bits: (a0·b0 + a1·b1, a2·b2 + a3·b3, …).
static inline int8_v4i int8_madd(int8_v8s a, int8_v8s b) {
#if defined(__SSE2__)
    return (int8_v4i)__builtin_ia32_pmaddwd128((__attribute__((vector_size(16))) short)a,
                                               (__attribute__((vector_size(16))) short)b);
#else
    int8_v8i p = __builtin_convertvector(a, int8_v8i) * __builtin_convertvector(b, int8_v8i);
    return __builtin_shufflevector(p, p, 0, 2, 4, 6) + __builtin_shufflevector(p, p, 1, 3, 5, 7);
#endif
}

enum { INT8_PORTABLE_ROWS = 2 };   // rows of X per tile: 2 × 8 accumulators of a half panel

__attribute__((unused))   // the AVX2 and AVX-512 levels have their own
static void int8_gemm_portable(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                               const int32_t *sums, float beta, float *c, long ldc) {
    (void)sums;   // the +128 offset of the stored activations is taken off before multiplying
    if (m <= 0 || n <= 0) return;
    long quads = (k + 3) / 4, kp = 4 * quads, panels = (n + 15) / 16;
    uint8_t *xq = malloc((size_t)(m * kp));
    float *sx = malloc(sizeof(float) * (size_t)m);
    int16_t *xs = malloc(sizeof(int16_t) * (size_t)(m * kp));
    int16_t *wide = malloc(sizeof(int16_t) * (size_t)(quads * 64));
    if (!xq || !sx || !xs || !wide) abort();
    int8_quantize_rows(m, k, kp, x, lda, xq, sx, 127.0f);
    for (long p = 0; p < m * kp; p++) xs[p] = (int16_t)((int32_t)xq[p] - 128);
    for (long panel = 0; panel < panels; panel++) {
        const int8_t *wp = w + panel * quads * 64;
        for (long p = 0; p < quads * 8; p++) {
            int8_v8b bytes;
            __builtin_memcpy(&bytes, wp + 8 * p, sizeof bytes);
            int8_v8s widened = __builtin_convertvector(bytes, int8_v8s);
            __builtin_memcpy(wide + 8 * p, &widened, sizeof widened);
        }
        for (long half = 0; half < 2; half++) {   // W rows 16·panel + 8·half ..< + 8: 4 vectors of 2 rows
            long j0 = 16 * panel + 8 * half;
            if (j0 >= n) break;
            for (long i0 = 0; i0 < m; i0 += INT8_PORTABLE_ROWS) {
                long rows = m - i0 < INT8_PORTABLE_ROWS ? m - i0 : INT8_PORTABLE_ROWS;
                int8_v4i acc[INT8_PORTABLE_ROWS][4] = {{0}};
                for (long p = 0; p < quads; p++) {
                    int8_v8s b[4];
                    __builtin_memcpy(b, wide + 64 * p + 32 * half, sizeof b);
                    for (long r = 0; r < INT8_PORTABLE_ROWS; r++) {
                        int64_t word;   // the row's 4 columns, twice: one per W row of a vector
                        __builtin_memcpy(&word, xs + (i0 + (r < rows ? r : rows - 1)) * kp + 4 * p, sizeof word);
                        int8_v8s a = (int8_v8s)(int8_v2l){word, word};
                        for (int v = 0; v < 4; v++) acc[r][v] += int8_madd(a, b[v]);
                    }
                }
                for (long r = 0; r < rows; r++) {
                    long i = i0 + r;
                    for (int v = 0; v < 4; v++) {
                        for (int t = 0; t < 2; t++) {
                            long j = j0 + 2 * v + t;
                            if (j >= n) continue;
                            float value = int8_value(acc[r][v][2 * t] + acc[r][v][2 * t + 1], 0, sx[i], scales[j]);
                            float *out = c + i * ldc + j;
                            *out = beta == 0 ? value : *out + value;
                        }
                    }
                }
            }
        }
    }
    free(xq);
    free(sx);
    free(xs);
    free(wide);
}
