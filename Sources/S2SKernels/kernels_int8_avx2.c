// The int8 product with AVX2 (vpmaddubsw, then vpmaddwd), for the AVX2 level and for the AVX-512 level
// on CPUs without VNNI (Skylake-X, Cascade Lake). Same contract and bits as int8_gemm_portable
// (body/int8.h): the integer sums are exact and the float epilogue does the same operations.
//
// vpmaddubsw multiplies unsigned bytes by signed ones and adds neighbouring pairs into int16, saturating.
// With VNNI's operands (x + 128 up to 255 against w down to −127) a pair can reach 2·255·127 and
// saturate, so this kernel moves the activation's sign onto the weight instead: |x| · (w · sign x). Both
// are at most 127 in magnitude (quantization clamps to ±127), so a pair is at most 2·127² = 32,258 < 2¹⁵
// and exact; vpmaddwd with ones adds pairs of those into int32, also exact. The sum is then Σ x·w
// itself, with no +128 offset to take back. 32 byte products take 4 instructions (sign, maddubs, madd,
// add): about twice float32 FMA's multiply-adds per instruction, on a quarter of its bytes.
//
// Shapes: X [m, k] float rows (lda), W in Int8Matrix's panels (16 rows × 4 columns per 64 bytes), C [m, n].
#include <stdint.h>
#include <stdlib.h>
#include "S2SKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "body/prelude.h"
#include "body/int8.h"

/// Finishes 8 columns of one row (`columns` ≤ 8 of them) as int8_value does: float(acc) · (sx · scale).
static void finish8(__m256i acc, const float *scales, float sx, float beta, float *out, long columns) {
    if (columns == 8) {
        __m256 value = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_mul_ps(_mm256_set1_ps(sx), _mm256_loadu_ps(scales)));
        if (beta != 0) value = _mm256_add_ps(_mm256_loadu_ps(out), value);
        _mm256_storeu_ps(out, value);
        return;
    }
    int32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, acc);
    int8_finish_lanes(lanes, NULL, sx, scales, beta, out, columns);
}

/// Both halves of a panel (W rows j0 ..< j0 + 16, of which n − j0 exist) for one row of X.
static void finish16(__m256i low, __m256i high, const float *scales, float sx, float beta, float *out, long left) {
    finish8(low, scales, sx, beta, out, left < 8 ? left : 8);
    if (left > 8) finish8(high, scales + 8, sx, beta, out + 8, left - 8 < 8 ? left - 8 : 8);
}

static inline __m256i broadcast_word(const uint8_t *p) {
    int32_t word;
    __builtin_memcpy(&word, p, sizeof word);
    return _mm256_set1_epi32(word);
}

// A beam (m ≤ 5): the weights' own bytes, every row of X in one tile, so W is read once from memory —
// at batch 1 the product is bound by reading W, a quarter of float32's bytes.
enum { BEAM_ROWS = 5 };

static void product_bytes(long m, long n, long quads, long kp, const uint8_t *xs, const uint8_t *xa, const float *sx,
                          const int8_t *w, const float *scales, float beta, float *c, long ldc) {
    const __m256i ones = _mm256_set1_epi16(1);
    const uint8_t *sr[BEAM_ROWS], *ar[BEAM_ROWS];
    for (long r = 0; r < BEAM_ROWS; r++) {
        long i = r < m ? r : m - 1;   // unused slots repeat the last row (never stored)
        sr[r] = xs + i * kp;
        ar[r] = xa + i * kp;
    }
    for (long panel = 0; panel < (n + 15) / 16; panel++) {
        const int8_t *wp = w + panel * quads * 64;
        __m256i acc[BEAM_ROWS][2];
        for (int r = 0; r < BEAM_ROWS; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
        for (long p = 0; p < quads; p++) {
            __m256i b0 = _mm256_loadu_si256((const __m256i *)(wp + 64 * p));
            __m256i b1 = _mm256_loadu_si256((const __m256i *)(wp + 64 * p + 32));
            for (int r = 0; r < BEAM_ROWS; r++) {
                __m256i sign = broadcast_word(sr[r] + 4 * p), magnitude = broadcast_word(ar[r] + 4 * p);
                __m256i pairs0 = _mm256_maddubs_epi16(magnitude, _mm256_sign_epi8(b0, sign));
                __m256i pairs1 = _mm256_maddubs_epi16(magnitude, _mm256_sign_epi8(b1, sign));
                acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(pairs0, ones));
                acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(pairs1, ones));
            }
        }
        for (long r = 0; r < m; r++)
            finish16(acc[r][0], acc[r][1], scales + 16 * panel, sx[r], beta, c + r * ldc + 16 * panel, n - 16 * panel);
    }
}

// Many rows: each panel widened once to int16 (16 KB for k = 512, in L1), then vpmaddwd on 16-bit
// activations: one multiply instruction per 16 products where the beam path needs two per 32 plus a sign,
// which leaves the multiply ports less busy (1.5× → 1.7× float32's products at 320 rows, one Zen 4 core at AVX2).
enum { WIDE_ROWS = 2 };   // 2 rows × 4 vectors: 8 accumulators, the panel's 4 vectors of a quad, 2 broadcasts

static void product_wide(long m, long n, long quads, long kp, const int16_t *xw, const float *sx, const int8_t *w,
                         const float *scales, float beta, float *c, long ldc, int16_t *wide) {
    for (long panel = 0; panel < (n + 15) / 16; panel++) {
        const int8_t *wp = w + panel * quads * 64;
        for (long p = 0; p < quads * 4; p++)
            _mm256_storeu_si256((__m256i *)(wide + 16 * p), _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(wp + 16 * p))));
        for (long i0 = 0; i0 < m; i0 += WIDE_ROWS) {
            long rows = m - i0 < WIDE_ROWS ? m - i0 : WIDE_ROWS;
            const int16_t *xr[WIDE_ROWS];
            for (long r = 0; r < WIDE_ROWS; r++) xr[r] = xw + (i0 + (r < rows ? r : rows - 1)) * kp;
            // acc[r][v]: W rows 4v ..< 4v + 4 of the panel, two partial sums each (columns 0+1, 2+3).
            __m256i acc[WIDE_ROWS][4];
            for (int r = 0; r < WIDE_ROWS; r++) acc[r][0] = acc[r][1] = acc[r][2] = acc[r][3] = _mm256_setzero_si256();
            for (long p = 0; p < quads; p++) {
                const int16_t *wq = wide + 64 * p;
                __m256i b0 = _mm256_loadu_si256((const __m256i *)wq), b1 = _mm256_loadu_si256((const __m256i *)(wq + 16));
                __m256i b2 = _mm256_loadu_si256((const __m256i *)(wq + 32)), b3 = _mm256_loadu_si256((const __m256i *)(wq + 48));
                for (int r = 0; r < WIDE_ROWS; r++) {
                    int64_t word;   // the row's 4 columns as int16, once per W row of a vector
                    __builtin_memcpy(&word, xr[r] + 4 * p, sizeof word);
                    __m256i a = _mm256_set1_epi64x(word);
                    acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(a, b0));
                    acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(a, b1));
                    acc[r][2] = _mm256_add_epi32(acc[r][2], _mm256_madd_epi16(a, b2));
                    acc[r][3] = _mm256_add_epi32(acc[r][3], _mm256_madd_epi16(a, b3));
                }
            }
            for (long r = 0; r < rows; r++) {
                // hadd within 128-bit halves gives rows (0 1 4 5 | 2 3 6 7); the permute puts them in order.
                __m256i low = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][0], acc[r][1]), 0xD8);
                __m256i high = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[r][2], acc[r][3]), 0xD8);
                finish16(low, high, scales + 16 * panel, sx[i0 + r], beta, c + (i0 + r) * ldc + 16 * panel, n - 16 * panel);
            }
        }
    }
}

__attribute__((visibility("hidden")))
void s2s_int8_gemm_avx2(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                        const int32_t *sums, float beta, float *c, long ldc) {
    (void)sums;   // the +128 offset they undo is never added here
    if (m <= 0 || n <= 0) return;
    long quads = (k + 3) / 4, kp = 4 * quads;
    uint8_t *xq = malloc((size_t)(m * kp));
    float *sx = malloc(sizeof(float) * (size_t)m);
    if (!xq || !sx) abort();
    int8_quantize_rows(m, k, kp, x, lda, xq, sx, 127.0f);
    if (m <= BEAM_ROWS) {
        // Each row as signed bytes (the stored q + 128, xor 128) and as magnitudes.
        uint8_t *xs = malloc((size_t)(2 * m * kp));
        if (!xs) abort();
        uint8_t *xa = xs + m * kp;
        for (long p = 0; p < m * kp; p++) {
            int8_t q = (int8_t)(xq[p] ^ 0x80);
            xs[p] = (uint8_t)q;
            xa[p] = (uint8_t)(q < 0 ? -q : q);
        }
        product_bytes(m, n, quads, kp, xs, xa, sx, w, scales, beta, c, ldc);
        free(xs);
    } else {
        int16_t *xw = malloc(sizeof(int16_t) * (size_t)(m * kp + quads * 64));
        if (!xw) abort();
        for (long p = 0; p < m * kp; p++) xw[p] = (int16_t)((int32_t)xq[p] - 128);
        product_wide(m, n, quads, kp, xw, sx, w, scales, beta, c, ldc, xw + m * kp);
        free(xw);
    }
    free(xq);
    free(sx);
}

// ---------------------------------------------------------------------------------------------------
// The 7-bit product ("avx2 maddubs 7-bit"), the AVX2 level's own on CPUs without AVX-VNNI. Without VNNI
// an exact 8-bit product costs a multiply µop per 16 products (above), which bounds it at twice float32's
// FMA; with X and W quantized to ±63 instead of ±127, x + 64 is an unsigned byte ≤ 127 and a vpmaddubsw
// pair at most 2·127·63 = 16,002, so the pairs of two groups of 4 columns add in int16 (≤ 32,004) before
// one vpmaddwd widens them: 3 multiply µops per 64 products instead of 4 (1.3–1.5× the widened product's
// speed at 320 rows). The price is precision, a quantization step twice as coarse on each side: a
// different quantization from every other level's (so different int8 translations; same bits as its
// oracle, `DotGEMM.reference` with a 7-bit Int8Matrix). Σ (x + 64)·w − 64·Σ w is the exact Σ x·w.
enum { SEVEN_ROWS = 4 };   // rows of X per tile: 4 × 2 int32 and 4 × 2 int16 accumulators

/// 8 columns of one row from Σ (x + 64)·w: minus 64·sums, then float(·) · (sx · scale), stored or added.
static void finish8_offset(__m256i acc, const int32_t *sums, const float *scales, float sx, float beta, float *out,
                           long columns) {
    if (columns <= 0) return;
    if (columns == 8) {
        acc = _mm256_sub_epi32(acc, _mm256_slli_epi32(_mm256_loadu_si256((const __m256i *)sums), 6));
        finish8(acc, scales, sx, beta, out, 8);
        return;
    }
    int32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, acc);
    for (long l = 0; l < columns; l++) lanes[l] -= 64 * sums[l];
    int8_finish_lanes(lanes, NULL, sx, scales, beta, out, columns);
}

static void product_seven(long m, long n, long quads, long kp, const uint8_t *xu, const float *sx, const int8_t *w,
                          const float *scales, const int32_t *sums, float beta, float *c, long ldc) {
    const __m256i ones = _mm256_set1_epi16(1);
    for (long panel = 0; panel < (n + 15) / 16; panel++) {
        const int8_t *wp = w + panel * quads * 64;
        long left = n - 16 * panel;
        for (long i0 = 0; i0 < m; i0 += SEVEN_ROWS) {
            long rows = m - i0 < SEVEN_ROWS ? m - i0 : SEVEN_ROWS;
            const uint8_t *xr[SEVEN_ROWS];
            for (long r = 0; r < SEVEN_ROWS; r++) xr[r] = xu + (i0 + (r < rows ? r : rows - 1)) * kp;
            __m256i acc[SEVEN_ROWS][2];
            for (int r = 0; r < SEVEN_ROWS; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
            for (long p = 0; p < quads; p += 2) {
                // Vector 0: W rows 0..7 of the panel, 4 bytes each; vector 1: rows 8..15.
                __m256i b0 = _mm256_loadu_si256((const __m256i *)(wp + 64 * p));
                __m256i b1 = _mm256_loadu_si256((const __m256i *)(wp + 64 * p + 32));
                int two = p + 1 < quads;
                __m256i d0 = two ? _mm256_loadu_si256((const __m256i *)(wp + 64 * p + 64)) : _mm256_setzero_si256();
                __m256i d1 = two ? _mm256_loadu_si256((const __m256i *)(wp + 64 * p + 96)) : _mm256_setzero_si256();
                for (int r = 0; r < SEVEN_ROWS; r++) {
                    __m256i a = broadcast_word(xr[r] + 4 * p);
                    __m256i e = two ? broadcast_word(xr[r] + 4 * p + 4) : _mm256_setzero_si256();
                    __m256i s0 = _mm256_add_epi16(_mm256_maddubs_epi16(a, b0), _mm256_maddubs_epi16(e, d0));
                    __m256i s1 = _mm256_add_epi16(_mm256_maddubs_epi16(a, b1), _mm256_maddubs_epi16(e, d1));
                    acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(s0, ones));
                    acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(s1, ones));
                }
            }
            for (long r = 0; r < rows; r++) {
                float *out = c + (i0 + r) * ldc + 16 * panel;
                finish8_offset(acc[r][0], sums + 16 * panel, scales + 16 * panel, sx[i0 + r], beta, out, left < 8 ? left : 8);
                finish8_offset(acc[r][1], sums + 16 * panel + 8, scales + 16 * panel + 8, sx[i0 + r], beta, out + 8,
                               left - 8 < 8 ? left - 8 : 8);
            }
        }
    }
}

__attribute__((visibility("hidden")))
void s2s_int8_gemm_avx2_seven(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                              const int32_t *sums, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    long quads = (k + 3) / 4, kp = 4 * quads;
    uint8_t *xq = malloc((size_t)(m * kp));
    float *sx = malloc(sizeof(float) * (size_t)m);
    if (!xq || !sx) abort();
    int8_quantize_rows(m, k, kp, x, lda, xq, sx, 63.0f);
    for (long p = 0; p < m * kp; p++) xq[p] = (uint8_t)(xq[p] - 64);   // q + 128 → q + 64, in 1 ... 127
    product_seven(m, n, quads, kp, xq, sx, w, scales, sums, beta, c, ldc);
    free(xq);
    free(sx);
}
#pragma clang attribute pop
#endif
