// The int8 product with AVX-512 VNNI (vpdpbusd: 64 byte multiply-adds per instruction), for the AVX-512
// level on CPUs that have it (Ice Lake, Zen 4 and later). Same contract and bits as int8_gemm_portable
// (body/int8.h): integer sums are exact, and the float epilogue does the same operations lane by lane.
#include <stdint.h>
#include <stdlib.h>
#include "S2SKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma"))), apply_to = function)
#include "body/prelude.h"
#include "body/int8.h"

enum { ROWS = 5 };   // a beam of 5 is one tile; 10 accumulators + 2 weight vectors + 1 broadcast

/// Stores 16 finished columns of row i (all of them when `columns` is 16).
static void finish16(__m512i acc, const int32_t *sums, const float *scales, float sx, float beta, float *out, long columns) {
    if (columns == 16) {
        __m512i shifted = _mm512_sub_epi32(acc, _mm512_slli_epi32(_mm512_loadu_si512(sums), 7));
        __m512 value = _mm512_mul_ps(_mm512_cvtepi32_ps(shifted), _mm512_mul_ps(_mm512_set1_ps(sx), _mm512_loadu_ps(scales)));
        if (beta != 0) value = _mm512_add_ps(_mm512_loadu_ps(out), value);
        _mm512_storeu_ps(out, value);
        return;
    }
    int32_t lanes[16];
    _mm512_storeu_si512(lanes, acc);
    int8_finish_lanes(lanes, sums, sx, scales, beta, out, columns);
}

__attribute__((visibility("hidden")))
void s2s_int8_gemm_vnni(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                        const int32_t *sums, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    long quads = (k + 3) / 4, kp = 4 * quads, panels = (n + 15) / 16;
    uint8_t *xq = malloc((size_t)(m * kp));
    float *sx = malloc(sizeof(float) * (size_t)m);
    if (!xq || !sx) abort();
    int8_quantize_rows(m, k, kp, x, lda, xq, sx, 127.0f);
    // Two panels (32 columns) at a time, every row tile over them while they sit in L1.
    for (long panel = 0; panel < panels; panel += 2) {
        int pair = panel + 1 < panels;
        const int8_t *w0 = w + panel * quads * 64, *w1 = pair ? w0 + quads * 64 : w0;
        long j0 = 16 * panel;
        for (long i0 = 0; i0 < m; i0 += ROWS) {
            long rows = m - i0 < ROWS ? m - i0 : ROWS;
            const int32_t *xr[ROWS];
            for (long r = 0; r < ROWS; r++) xr[r] = (const int32_t *)(xq + (i0 + (r < rows ? r : rows - 1)) * kp);
            __m512i a[ROWS][2];
            for (int r = 0; r < ROWS; r++) a[r][0] = a[r][1] = _mm512_setzero_si512();
            for (long p = 0; p < quads; p++) {
                __m512i b0 = _mm512_loadu_si512(w0 + 64 * p), b1 = _mm512_loadu_si512(w1 + 64 * p);
                for (int r = 0; r < ROWS; r++) {
                    int32_t word;
                    __builtin_memcpy(&word, xr[r] + p, sizeof word);
                    __m512i v = _mm512_set1_epi32(word);
                    a[r][0] = _mm512_dpbusd_epi32(a[r][0], v, b0);
                    a[r][1] = _mm512_dpbusd_epi32(a[r][1], v, b1);
                }
            }
            for (long r = 0; r < rows; r++) {
                float *out = c + (i0 + r) * ldc + j0;
                long first = n - j0 < 16 ? n - j0 : 16;
                finish16(a[r][0], sums + j0, scales + j0, sx[i0 + r], beta, out, first);
                if (pair) {
                    long second = n - j0 - 16 < 16 ? n - j0 - 16 : 16;
                    finish16(a[r][1], sums + j0 + 16, scales + j0 + 16, sx[i0 + r], beta, out + 16, second);
                }
            }
        }
    }
    free(xq);
    free(sx);
}
#pragma clang attribute pop
#endif
