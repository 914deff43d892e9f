// bfloat16 products with bfloat16 activations (WeightPrecision.bfloat16Dot): C = X·Wᵀ (+ C) with W packed
// as bfloat16 pairs (BFloat16PairMatrix in S2SCore) and every row of X rounded to bfloat16 on the fly, so
// AVX-512 BF16's vdpbf16ps does 32 multiply-adds per instruction (float32 FMA: 16) and the weights take half
// of float32's bytes. Unlike `.bfloat16` (weights rounded, activations and sums float32), the activations
// lose precision too.
//
// Pair p of a row holds columns 2p (low half) and 2p + 1 (high half). Element c_ij is a float32 chain over
// the pairs in order: acc += x·w for the high column, then for the low one (each product of two bfloat16
// values is exact in float32, so each step is one rounding — a fused multiply-add). This portable loop is
// that definition; vdpbf16ps computes the same chain in hardware, whose rounding inside the pair may differ
// (so the levels agree within a bound, not bit for bit). A row's result depends on that row alone.
//
// W layout: panels of 16 rows; panel P holds, for each pair p, 16 words: row 16P + l's pair p at word
// 16p + l. Columns past k and rows past n are zero.

/// Rows of X as bfloat16 pairs (round to nearest even), padded with zeros to `pairs` words.
static void bf16_pack_rows(long m, long k, long pairs, const float *x, long lda, uint32_t *xw) {
    for (long i = 0; i < m; i++) {
        const float *row = x + i * lda;
        for (long p = 0; p < pairs; p++) {
            uint32_t halves[2] = {0, 0};
            for (int h = 0; h < 2; h++) {
                if (2 * p + h >= k) continue;
                uint32_t bits;
                __builtin_memcpy(&bits, row + 2 * p + h, sizeof bits);
                halves[h] = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16;
            }
            xw[i * pairs + p] = halves[0] | (halves[1] << 16);
        }
    }
}

static inline float bf16_low_value(uint32_t word) { float v; uint32_t b = word << 16; __builtin_memcpy(&v, &b, 4); return v; }
static inline float bf16_high_value(uint32_t word) { float v; uint32_t b = word & 0xFFFF0000u; __builtin_memcpy(&v, &b, 4); return v; }

static void bf16_dot_gemm_portable(long m, long n, long k, const float *x, long lda, const uint32_t *w, float beta,
                                   float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    long pairs = (k + 1) / 2;
    uint32_t *xw = malloc(sizeof(uint32_t) * (size_t)(m * pairs));
    if (!xw) abort();
    bf16_pack_rows(m, k, pairs, x, lda, xw);
    for (long j = 0; j < n; j++) {
        const uint32_t *column = w + (j / 16) * pairs * 16 + j % 16;
        for (long i = 0; i < m; i++) {
            const uint32_t *xi = xw + i * pairs;
            float acc = 0;
            for (long p = 0; p < pairs; p++) {
                uint32_t a = xi[p], b = column[16 * p];
                acc = fma1(bf16_high_value(a), bf16_high_value(b), acc);
                acc = fma1(bf16_low_value(a), bf16_low_value(b), acc);
            }
            float *out = c + i * ldc + j;
            *out = beta == 0 ? acc : *out + acc;
        }
    }
    free(xw);
}
