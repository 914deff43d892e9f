// The bfloat16-activation product with AVX-512 BF16 (vdpbf16ps: 32 multiply-adds per instruction), for the
// AVX-512 level on CPUs that have it (Cooper Lake, Sapphire Rapids, Zen 4). Same layout and chain as
// bf16_dot_gemm_portable (body/bf16_dot.h); the hardware's rounding inside a pair may differ from it.
#include <stdint.h>
#include <stdlib.h>
#include "S2SKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16,avx2,fma"))), apply_to = function)
#include "body/prelude.h"
#include "body/bf16_dot.h"

enum { ROWS = 5 };   // a beam of 5 is one tile; 10 accumulators + 2 weight vectors + 1 broadcast

static void finish16(__m512 acc, float beta, float *out, long columns) {
    if (columns == 16) {
        _mm512_storeu_ps(out, beta == 0 ? acc : _mm512_add_ps(_mm512_loadu_ps(out), acc));
        return;
    }
    float lanes[16];
    _mm512_storeu_ps(lanes, acc);
    for (long l = 0; l < columns; l++) out[l] = beta == 0 ? lanes[l] : out[l] + lanes[l];
}

__attribute__((visibility("hidden")))
void s2s_bf16_dot_gemm_hardware(long m, long n, long k, const float *x, long lda, const uint32_t *w, float beta,
                                float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    long pairs = (k + 1) / 2, panels = (n + 15) / 16;
    uint32_t *xw = malloc(sizeof(uint32_t) * (size_t)(m * pairs));
    if (!xw) abort();
    bf16_pack_rows(m, k, pairs, x, lda, xw);
    for (long panel = 0; panel < panels; panel += 2) {
        int pair = panel + 1 < panels;
        const uint32_t *w0 = w + panel * pairs * 16, *w1 = pair ? w0 + pairs * 16 : w0;
        long j0 = 16 * panel;
        for (long i0 = 0; i0 < m; i0 += ROWS) {
            long rows = m - i0 < ROWS ? m - i0 : ROWS;
            const uint32_t *xr[ROWS];
            for (long r = 0; r < ROWS; r++) xr[r] = xw + (i0 + (r < rows ? r : rows - 1)) * pairs;
            __m512 a[ROWS][2];
            for (int r = 0; r < ROWS; r++) a[r][0] = a[r][1] = _mm512_setzero_ps();
            for (long p = 0; p < pairs; p++) {
                __m512bh b0 = (__m512bh)_mm512_loadu_si512(w0 + 16 * p), b1 = (__m512bh)_mm512_loadu_si512(w1 + 16 * p);
                for (int r = 0; r < ROWS; r++) {
                    __m512bh v = (__m512bh)_mm512_set1_epi32((int32_t)xr[r][p]);
                    a[r][0] = _mm512_dpbf16_ps(a[r][0], v, b0);
                    a[r][1] = _mm512_dpbf16_ps(a[r][1], v, b1);
                }
            }
            for (long r = 0; r < rows; r++) {
                float *out = c + (i0 + r) * ldc + j0;
                finish16(a[r][0], beta, out, n - j0 < 16 ? n - j0 : 16);
                if (pair) finish16(a[r][1], beta, out + 16, n - j0 - 16 < 16 ? n - j0 - 16 : 16);
            }
        }
    }
    free(xw);
}
#pragma clang attribute pop
#endif
