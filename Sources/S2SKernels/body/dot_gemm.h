// C = X·Wᵀ (+ C) with W stored [n, k] (see DotGEMM in S2SCore for why not BLAS). Every element is
// the same dot product whatever the number of rows and whichever tile computed it: 8 lanes of fused
// multiply-adds over k in order, the lanes summed pairwise, the k tail last. So a row's result never
// depends on the other rows, and beam search gives a sentence the same translation in any batch.

/// The 8 lanes summed pairwise: the one reduction every element ends with.
static inline float lane_sum(v8f lanes) {
    v4f half = lanes.lo + lanes.hi;
    v2f quarter = half.lo + half.hi;
    return quarter[0] + quarter[1];
}

static inline float finish(v8f lanes, long k, const float *xi, const float *wj) {
    float sum = lane_sum(lanes);
    for (long kk = k & ~7L; kk < k; kk++) sum = fma1(xi[kk], wj[kk], sum);
    return sum;
}

static inline void put(float value, float *p, float beta) { *p = beta == 0 ? value : *p + value; }

/// `rows` (1...5) rows from i against W rows j0..<j1, two W rows at a time (up to 10 accumulators):
/// for a beam of 5, W is read once. Unused row slots read row i again (never stored).
static void tiles5x2(long rows, long i, long j0, long j1, long k, const float *x, long lda, const float *w, long ldb,
                     float beta, float *c, long ldc) {
    long kv = k & ~7L;
    const float *xr[5];
    for (long slot = 0; slot < 5; slot++) xr[slot] = x + (i + (slot < rows ? slot : rows - 1)) * lda;
    const float *x0 = xr[0], *x1 = xr[1], *x2 = xr[2], *x3 = xr[3], *x4 = xr[4];
    long j = j0;
    while (j < j1) {
        int pair = j + 1 < j1;
        const float *w0 = w + j * ldb, *w1 = pair ? w0 + ldb : w0;
        v8f a00 = 0, a10 = 0, a20 = 0, a30 = 0, a40 = 0, a01 = 0, a11 = 0, a21 = 0, a31 = 0, a41 = 0;
        for (long kk = 0; kk < kv; kk += 8) {
            v8f b0 = load8(w0 + kk), b1 = load8(w1 + kk), v;
            v = load8(x0 + kk); a00 = fma8(v, b0, a00); a01 = fma8(v, b1, a01);
            v = load8(x1 + kk); a10 = fma8(v, b0, a10); a11 = fma8(v, b1, a11);
            v = load8(x2 + kk); a20 = fma8(v, b0, a20); a21 = fma8(v, b1, a21);
            v = load8(x3 + kk); a30 = fma8(v, b0, a30); a31 = fma8(v, b1, a31);
            v = load8(x4 + kk); a40 = fma8(v, b0, a40); a41 = fma8(v, b1, a41);
        }
        v8f first[5] = {a00, a10, a20, a30, a40}, second[5] = {a01, a11, a21, a31, a41};
        for (long row = 0; row < rows; row++) {
            float *out = c + (i + row) * ldc + j;
            put(finish(first[row], k, xr[row], w0), out, beta);
            if (pair) put(finish(second[row], k, xr[row], w1), out + 1, beta);
        }
        j += pair ? 2 : 1;
    }
}

/// Rows i..<i+3 against W rows j0..<j1, four W rows at a time (12 accumulators).
static void tiles3x4(long i, long j0, long j1, long k, const float *x, long lda, const float *w, long ldb, float beta,
                     float *c, long ldc) {
    long kv = k & ~7L;
    const float *x0 = x + i * lda, *x1 = x0 + lda, *x2 = x1 + lda;
    long j = j0;
    for (; j + 4 <= j1; j += 4) {
        const float *w0 = w + j * ldb, *w1 = w0 + ldb, *w2 = w1 + ldb, *w3 = w2 + ldb;
        v8f a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0, a20 = 0, a21 = 0, a22 = 0, a23 = 0;
        for (long kk = 0; kk < kv; kk += 8) {
            v8f v0 = load8(x0 + kk), v1 = load8(x1 + kk), v2 = load8(x2 + kk), b;
            b = load8(w0 + kk); a00 = fma8(v0, b, a00); a10 = fma8(v1, b, a10); a20 = fma8(v2, b, a20);
            b = load8(w1 + kk); a01 = fma8(v0, b, a01); a11 = fma8(v1, b, a11); a21 = fma8(v2, b, a21);
            b = load8(w2 + kk); a02 = fma8(v0, b, a02); a12 = fma8(v1, b, a12); a22 = fma8(v2, b, a22);
            b = load8(w3 + kk); a03 = fma8(v0, b, a03); a13 = fma8(v1, b, a13); a23 = fma8(v2, b, a23);
        }
        float *c0 = c + i * ldc + j, *c1 = c0 + ldc, *c2 = c1 + ldc;
        put(finish(a00, k, x0, w0), c0, beta); put(finish(a01, k, x0, w1), c0 + 1, beta);
        put(finish(a02, k, x0, w2), c0 + 2, beta); put(finish(a03, k, x0, w3), c0 + 3, beta);
        put(finish(a10, k, x1, w0), c1, beta); put(finish(a11, k, x1, w1), c1 + 1, beta);
        put(finish(a12, k, x1, w2), c1 + 2, beta); put(finish(a13, k, x1, w3), c1 + 3, beta);
        put(finish(a20, k, x2, w0), c2, beta); put(finish(a21, k, x2, w1), c2 + 1, beta);
        put(finish(a22, k, x2, w2), c2 + 2, beta); put(finish(a23, k, x2, w3), c2 + 3, beta);
    }
    if (j < j1) tiles5x2(3, i, j, j1, k, x, lda, w, ldb, beta, c, ldc);
}

static void dot_gemm(long m, long n, long k, const float *x, long lda, const float *w, long ldb, float beta, float *c,
                     long ldc) {
    if (m <= 0 || n <= 0) return;
    const long block = 128;   // W rows per block: 128 × k floats stay in L2 while every row group passes over them
    for (long j0 = 0; j0 < n; j0 += block) {
        long j1 = n < j0 + block ? n : j0 + block;
        long i = 0;
        if (m <= 5) {
            tiles5x2(m, 0, j0, j1, k, x, lda, w, ldb, beta, c, ldc);
            i = m;
        }
        for (; i + 3 <= m; i += 3) tiles3x4(i, j0, j1, k, x, lda, w, ldb, beta, c, ldc);
        if (i < m) tiles5x2(m - i, i, j0, j1, k, x, lda, w, ldb, beta, c, ldc);
    }
}

// bfloat16 weights (BFloat16Matrix): each row in blocks of 16 columns, word j (0..<8) of a block holding
// column 16b + j in its low half and 16b + 8 + j in its high half. `u << 16` gives the first 8 columns
// as floats, `u & 0xFFFF0000` the next 8. Same arithmetic as the float32 kernel, so on weights that are
// already bfloat16 values the result is bitwise the float32 kernel's.

static inline v8f bf16_low(v8u u) { return (v8f)(u << 16); }
static inline v8f bf16_high(v8u u) { return (v8f)(u & 0xFFFF0000u); }

static inline float bf16_element(const uint32_t *row, long column) {
    uint32_t word = row[(column >> 4) * 8 + (column & 15) % 8];
    uint32_t bits = (column & 15) < 8 ? word << 16 : word & 0xFFFF0000u;
    float value;
    __builtin_memcpy(&value, &bits, sizeof value);
    return value;
}

static inline float finish_bf16(v8f lanes, long k, const float *xi, const uint32_t *wj) {
    float sum = lane_sum(lanes);
    for (long kk = k & ~7L; kk < k; kk++) sum = fma1(xi[kk], bf16_element(wj, kk), sum);
    return sum;
}

static void bf16_tiles5x2(long rows, long i, long j0, long j1, long k, const float *x, long lda, const uint32_t *w,
                          long ldw, float beta, float *c, long ldc) {
    long kv = k & ~15L;
    const float *xr[5];
    for (long slot = 0; slot < 5; slot++) xr[slot] = x + (i + (slot < rows ? slot : rows - 1)) * lda;
    const float *x0 = xr[0], *x1 = xr[1], *x2 = xr[2], *x3 = xr[3], *x4 = xr[4];
    long j = j0;
    while (j < j1) {
        int pair = j + 1 < j1;
        const uint32_t *w0 = w + j * ldw, *w1 = pair ? w0 + ldw : w0;
        v8f a00 = 0, a10 = 0, a20 = 0, a30 = 0, a40 = 0, a01 = 0, a11 = 0, a21 = 0, a31 = 0, a41 = 0;
        long kk = 0;
        for (; kk < kv; kk += 16) {
            v8u u0 = load8u(w0 + (kk >> 1)), u1 = load8u(w1 + (kk >> 1));
            v8f b0 = bf16_low(u0), b1 = bf16_low(u1), v;
            v = load8(x0 + kk); a00 = fma8(v, b0, a00); a01 = fma8(v, b1, a01);
            v = load8(x1 + kk); a10 = fma8(v, b0, a10); a11 = fma8(v, b1, a11);
            v = load8(x2 + kk); a20 = fma8(v, b0, a20); a21 = fma8(v, b1, a21);
            v = load8(x3 + kk); a30 = fma8(v, b0, a30); a31 = fma8(v, b1, a31);
            v = load8(x4 + kk); a40 = fma8(v, b0, a40); a41 = fma8(v, b1, a41);
            b0 = bf16_high(u0); b1 = bf16_high(u1);
            v = load8(x0 + kk + 8); a00 = fma8(v, b0, a00); a01 = fma8(v, b1, a01);
            v = load8(x1 + kk + 8); a10 = fma8(v, b0, a10); a11 = fma8(v, b1, a11);
            v = load8(x2 + kk + 8); a20 = fma8(v, b0, a20); a21 = fma8(v, b1, a21);
            v = load8(x3 + kk + 8); a30 = fma8(v, b0, a30); a31 = fma8(v, b1, a31);
            v = load8(x4 + kk + 8); a40 = fma8(v, b0, a40); a41 = fma8(v, b1, a41);
        }
        if (k - kv >= 8) {   // a last half block: its low 8 columns, as the float32 kernel's last 8-step
            v8f b0 = bf16_low(load8u(w0 + (kk >> 1))), b1 = bf16_low(load8u(w1 + (kk >> 1))), v;
            v = load8(x0 + kk); a00 = fma8(v, b0, a00); a01 = fma8(v, b1, a01);
            v = load8(x1 + kk); a10 = fma8(v, b0, a10); a11 = fma8(v, b1, a11);
            v = load8(x2 + kk); a20 = fma8(v, b0, a20); a21 = fma8(v, b1, a21);
            v = load8(x3 + kk); a30 = fma8(v, b0, a30); a31 = fma8(v, b1, a31);
            v = load8(x4 + kk); a40 = fma8(v, b0, a40); a41 = fma8(v, b1, a41);
        }
        v8f first[5] = {a00, a10, a20, a30, a40}, second[5] = {a01, a11, a21, a31, a41};
        for (long row = 0; row < rows; row++) {
            float *out = c + (i + row) * ldc + j;
            put(finish_bf16(first[row], k, xr[row], w0), out, beta);
            if (pair) put(finish_bf16(second[row], k, xr[row], w1), out + 1, beta);
        }
        j += pair ? 2 : 1;
    }
}

/// One packed row (`words` words) as floats, 16 per 8 words, in column order.
static void bf16_widen_row(const uint32_t *row, long words, float *out) {
    for (long word = 0; word < words; word += 8) {
        v8u u = load8u(row + word);
        store8(out + 2 * word, bf16_low(u));
        store8(out + 2 * word + 8, bf16_high(u));
    }
}

static void dot_gemm_bf16(long m, long n, long k, const float *x, long lda, const uint32_t *w, long row_stride,
                          float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    const long block = 128;   // W rows per block: they stay in L2 while every group of rows passes over them
    if (m <= 5) {   // a beam: W read once, widened in registers
        for (long j0 = 0; j0 < n; j0 += block) {
            long j1 = n < j0 + block ? n : j0 + block;
            bf16_tiles5x2(m, 0, j0, j1, k, x, lda, w, row_stride, beta, c, ldc);
        }
        return;
    }
    // Many rows: widen each block of W once into float32 and run the float32 kernel on it (same
    // arithmetic, so the same bits as the path above).
    long ld = 2 * row_stride;
    float *scratch = malloc(sizeof(float) * block * ld);   // 256 KB for k = 512: too much for a thread's stack
    if (!scratch) abort();
    for (long j0 = 0; j0 < n; j0 += block) {
        long j1 = n < j0 + block ? n : j0 + block;
        for (long j = j0; j < j1; j++) bf16_widen_row(w + j * row_stride, row_stride, scratch + (j - j0) * ld);
        dot_gemm(m, j1 - j0, k, x, lda, scratch, ld, beta, c + j0, ldc);
    }
    free(scratch);
}
