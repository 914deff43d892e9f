// C = op(A)·op(B) (+ C), row-major, for training's products (the LSTM layers, the generator, attention):
// on AVX2 and AVX-512 this runs at 1.6× OpenBLAS 0.3.21 here (169 against 102 GFLOP/s on one Zen 4 core
// for [2048, 512]·[512, 2048]ᵀ). BLIS's loop nest: B packed in KC×NC blocks of NR-wide panels, A in
// MC×KC blocks of MR-high panels, an MR×NR micro-kernel of 2·MR vector accumulators.
//
// Every element is one chain of fused multiply-adds over k in order, starting from C (beta 1) or 0:
// the accumulators are loaded from C and stored back at every KC block, which rounds nothing. So the
// result does not depend on the tile sizes, the vector width or the other rows: AVX2 and AVX-512 give
// the same bits, and so does the scalar oracle (fmaf in a loop).
//
// The level file defines S2S_GEMM_MR and the vector type gemm_vector (NR = 2 of them); without them
// (the generic level) there is no kernel here and BLAS.gemm calls OpenBLAS.
#ifdef S2S_GEMM_MR

#define GEMM_MR S2S_GEMM_MR
#define GEMM_LANES ((long)(sizeof(gemm_vector) / sizeof(float)))
#define GEMM_NR (2 * GEMM_LANES)
#define GEMM_KC 256L
#define GEMM_MC (12L * GEMM_MR)
#define GEMM_NC 2048L

static inline gemm_vector gemm_load(const float *p) { gemm_vector v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline void gemm_store(float *p, gemm_vector v) { __builtin_memcpy(p, &v, sizeof v); }

/// C[ROWS, NR] (row stride ldc) = (load ? C : 0) + Σ_k a[k][r]·b[k][c] over one KC block, k in order.
#define GEMM_MICRO(name, ROWS)                                                                      \
    static void name(long kc, const float *pa, const float *pb, float *c, long ldc, int load) {     \
        gemm_vector acc[ROWS][2];                                                                   \
        for (int r = 0; r < ROWS; r++) {                                                            \
            acc[r][0] = load ? gemm_load(c + r * ldc) : (gemm_vector)0.0f;                          \
            acc[r][1] = load ? gemm_load(c + r * ldc + GEMM_LANES) : (gemm_vector)0.0f;             \
        }                                                                                           \
        for (long k = 0; k < kc; k++) {                                                             \
            gemm_vector b0 = gemm_load(pb + k * GEMM_NR), b1 = gemm_load(pb + k * GEMM_NR + GEMM_LANES); \
            for (int r = 0; r < ROWS; r++) {                                                        \
                gemm_vector a = pa[k * ROWS + r];                                                   \
                acc[r][0] = __builtin_elementwise_fma(a, b0, acc[r][0]);                            \
                acc[r][1] = __builtin_elementwise_fma(a, b1, acc[r][1]);                            \
            }                                                                                       \
        }                                                                                           \
        for (int r = 0; r < ROWS; r++) {                                                            \
            gemm_store(c + r * ldc, acc[r][0]);                                                     \
            gemm_store(c + r * ldc + GEMM_LANES, acc[r][1]);                                        \
        }                                                                                           \
    }
GEMM_MICRO(gemm_micro, GEMM_MR)

// Row tiles: GEMM_MR rows each, except where the level has a shorter tile (S2S_GEMM_MR_SHORT) and the
// rows of a block leave a remainder: then the last tiles are short ones when that wastes fewer rows. A
// training shard of 32 rows is 4 × 6 + 2 × 4 on AVX2 instead of 6 × 6 with a third of a tile empty (95 →
// 105 GFLOP/s for a packed [32, 512]·[512, 2048] on one Zen 4 core). The chain per element is the same.
#ifdef S2S_GEMM_MR_SHORT
#define GEMM_MRS S2S_GEMM_MR_SHORT
#define GEMM_SHORT_MICRO gemm_micro_short
GEMM_MICRO(gemm_micro_short, GEMM_MRS)
/// How many tall tiles start a block of mc rows (the rest are short).
static long gemm_tall_tiles(long mc) {
    long best = (mc + GEMM_MR - 1) / GEMM_MR, best_slots = best * GEMM_MR;
    for (long tall = mc / GEMM_MR; tall >= 0 && tall + GEMM_MRS > mc / GEMM_MR; tall--) {
        long slots = tall * GEMM_MR + (mc - tall * GEMM_MR + GEMM_MRS - 1) / GEMM_MRS * GEMM_MRS;
        if (slots < best_slots) { best = tall; best_slots = slots; }
    }
    return best;
}
#else
#define GEMM_MRS GEMM_MR
#define GEMM_SHORT_MICRO gemm_micro
static long gemm_tall_tiles(long mc) { return (mc + GEMM_MR - 1) / GEMM_MR; }
#endif

/// The height of the tile at row ip of a block whose first `tall` tiles are GEMM_MR high.
static inline long gemm_tile_height(long ip, long tall) { return ip < tall * GEMM_MR ? GEMM_MR : GEMM_MRS; }

/// Rows i0..<i0+mc, columns k0..<k0+kc of op(A) as panels of the tiles' heights ([k][h], zero-padded),
/// panel ip at pa + ip·kc.
static void gemm_pack_a(long mc, long kc, const float *a, long lda, int trans_a, long i0, long k0, float *pa) {
    long tall = gemm_tall_tiles(mc);
    for (long ip = 0, h; ip < mc; ip += h) {
        h = gemm_tile_height(ip, tall);
        long rows = mc - ip < h ? mc - ip : h;
        float *dst = pa + ip * kc;
        for (long k = 0; k < kc; k++) {
            if (trans_a) {
                const float *src = a + (k0 + k) * lda + i0 + ip;
                for (long r = 0; r < rows; r++) dst[k * h + r] = src[r];
            } else {
                for (long r = 0; r < rows; r++) dst[k * h + r] = a[(i0 + ip + r) * lda + k0 + k];
            }
            for (long r = rows; r < h; r++) dst[k * h + r] = 0;
        }
    }
}

/// Rows k0..<k0+kc, columns j0..<j0+nc of op(B) as NR-wide panels ([k][NR], the last zero-padded).
/// out[q][i] = rows[i][q] for 8 rows of 8 floats (row stride ld): an 8 × 8 transpose in registers.
static inline void gemm_transpose8(const float *rows, long ld, v8f out[8]) {
    v8f r[8], t[8], u[8];
    for (int i = 0; i < 8; i++) r[i] = load8(rows + i * ld);
    for (int i = 0; i < 8; i += 2) {   // interleave pairs of rows within each 128-bit half
        t[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {   // then pairs of pairs: four rows' element k in each quarter
        u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int q = 0; q < 4; q++) {      // and the halves: rows 0–3 with rows 4–7
        out[q] = __builtin_shufflevector(u[q], u[q + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        out[q + 4] = __builtin_shufflevector(u[q], u[q + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

static void gemm_pack_b_block(long kc, long nc, const float *b, long ldb, int trans_b, long k0, long j0, float *pb) {
    if (!trans_b) {
        // Row by row of B, each row's panels in turn: B is read once, in order (a strip of one panel at a
        // time walked a page per row, 2× slower for 16-column panels).
        for (long k = 0; k < kc; k++) {
            const float *src = b + (k0 + k) * ldb + j0;
            for (long jp = 0; jp < nc; jp += GEMM_NR) {
                long cols = nc - jp < GEMM_NR ? nc - jp : GEMM_NR;
                float *dst = pb + jp * kc + k * GEMM_NR;
                if (cols == GEMM_NR) { __builtin_memcpy(dst, src + jp, sizeof(float) * GEMM_NR); continue; }
                for (long col = 0; col < cols; col++) dst[col] = src[jp + col];
                for (long col = cols; col < GEMM_NR; col++) dst[col] = 0;
            }
        }
        return;
    }
    for (long jp = 0; jp < nc; jp += GEMM_NR) {
        long cols = nc - jp < GEMM_NR ? nc - jp : GEMM_NR;
        float *dst = pb + jp * kc;
        long done = 0;   // columns packed 8 at a time (8 × 8 blocks transposed in registers)
        if (cols == GEMM_NR) {
            long k8 = kc & ~7L;
            for (long c8 = 0; c8 < GEMM_NR; c8 += 8) {
                const float *src = b + (j0 + jp + c8) * ldb + k0;
                for (long k = 0; k < k8; k += 8) {
                    v8f out[8];
                    gemm_transpose8(src + k, ldb, out);
                    for (int q = 0; q < 8; q++) store8(dst + (k + q) * GEMM_NR + c8, out[q]);
                }
                for (long col = 0; col < 8; col++)
                    for (long k = k8; k < kc; k++) dst[k * GEMM_NR + c8 + col] = src[col * ldb + k];
            }
            done = GEMM_NR;
        }
        for (long col = done; col < cols; col++) {
            const float *src = b + (j0 + jp + col) * ldb + k0;
            for (long k = 0; k < kc; k++) dst[k * GEMM_NR + col] = src[k];
        }
        for (long col = cols; col < GEMM_NR; col++)
            for (long k = 0; k < kc; k++) dst[k * GEMM_NR + col] = 0;
    }
}

static inline long gemm_padded(long nc) { return (nc + GEMM_NR - 1) / GEMM_NR * GEMM_NR; }

/// Floats a packed op(B) [k, n] takes: every NC block of columns, padded to NR, times k.
static long gemm_packed_b_size(long k, long n) {
    long size = 0;
    for (long j0 = 0; j0 < n; j0 += GEMM_NC) size += k * gemm_padded(n - j0 < GEMM_NC ? n - j0 : GEMM_NC);
    return size;
}

/// op(B) [k, n] packed once, for many products with it (a recurrent layer's W_hh at every step): block
/// (j0, k0) at offset j0·k + k0·padded(nc).
static void gemm_pack_b(long k, long n, const float *b, long ldb, int trans_b, float *packed) {
    for (long j0 = 0; j0 < n; j0 += GEMM_NC) {
        long nc = n - j0 < GEMM_NC ? n - j0 : GEMM_NC;
        for (long k0 = 0; k0 < k; k0 += GEMM_KC) {
            long kc = k - k0 < GEMM_KC ? k - k0 : GEMM_KC;
            gemm_pack_b_block(kc, nc, b, ldb, trans_b, k0, j0, packed + j0 * k + k0 * gemm_padded(nc));
        }
    }
}

/// Per-thread packing buffers: the training shards run on long-lived worker threads, each packing its own.
typedef struct { float *a, *b; } gemm_buffers;
static gemm_buffers *gemm_thread_buffers(void);

/// Rows 0..<m of C, columns j0..<j0+nc, over one packed KC block of B.
static void gemm_block(int trans_a, long m, long nc, long kc, long k0, const float *a, long lda, const float *pb,
                       int load, float *c, long ldc, long j0, float *pa) {
    float edge[GEMM_MR * GEMM_NR];
    for (long i0 = 0; i0 < m; i0 += GEMM_MC) {
        long mc = m - i0 < GEMM_MC ? m - i0 : GEMM_MC, tall = gemm_tall_tiles(mc);
        gemm_pack_a(mc, kc, a, lda, trans_a, i0, k0, pa);
        for (long jp = 0; jp < nc; jp += GEMM_NR) {
            long cols = nc - jp < GEMM_NR ? nc - jp : GEMM_NR;
            for (long ip = 0, h; ip < mc; ip += h) {
                h = gemm_tile_height(ip, tall);
                long rows = mc - ip < h ? mc - ip : h;
                float *tile = c + (i0 + ip) * ldc + j0 + jp;
                if (load) {   // the next tile's C rows, which the next micro-kernel starts by loading
                    const float *next = ip + h < mc ? tile + h * ldc : tile + GEMM_NR;
                    for (long r = 0; r < GEMM_MR; r++) {
                        __builtin_prefetch(next + r * ldc);
                        __builtin_prefetch(next + r * ldc + GEMM_NR - 1);
                    }
                }
                void (*micro)(long, const float *, const float *, float *, long, int) =
                    h == GEMM_MR ? gemm_micro : GEMM_SHORT_MICRO;
                if (rows == h && cols == GEMM_NR) {
                    micro(kc, pa + ip * kc, pb + jp * kc, tile, ldc, load);
                    continue;
                }
                // An edge tile: through a full-size scratch tile, the same chain per element.
                if (load)
                    for (long r = 0; r < rows; r++)
                        for (long q = 0; q < cols; q++) edge[r * GEMM_NR + q] = tile[r * ldc + q];
                micro(kc, pa + ip * kc, pb + jp * kc, edge, GEMM_NR, load);
                for (long r = 0; r < rows; r++)
                    for (long q = 0; q < cols; q++) tile[r * ldc + q] = edge[r * GEMM_NR + q];
            }
        }
    }
}

/// C = op(A)·op(B) + beta·C, beta 0 or 1; `packed_b` is op(B) from gemm_pack_b, or NULL to pack B here.
static void gemm_any(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b,
                     long ldb, const float *packed_b, float beta, float *c, long ldc) {
    if (m <= 0 || n <= 0) return;
    gemm_buffers *buffers = gemm_thread_buffers();
    for (long j0 = 0; j0 < n; j0 += GEMM_NC) {
        long nc = n - j0 < GEMM_NC ? n - j0 : GEMM_NC;
        for (long k0 = 0; k0 < k; k0 += GEMM_KC) {
            long kc = k - k0 < GEMM_KC ? k - k0 : GEMM_KC;
            const float *pb;
            if (packed_b) {
                pb = packed_b + j0 * k + k0 * gemm_padded(nc);
            } else {
                gemm_pack_b_block(kc, nc, b, ldb, trans_b, k0, j0, buffers->b);
                pb = buffers->b;
            }
            gemm_block(trans_a, m, nc, kc, k0, a, lda, pb, k0 > 0 || beta != 0, c, ldc, j0, buffers->a);
        }
    }
}

static void gemm(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                 float beta, float *c, long ldc) {
    gemm_any(trans_a, trans_b, m, n, k, a, lda, b, ldb, NULL, beta, c, ldc);
}

static void gemm_packed(int trans_a, long m, long n, long k, const float *a, long lda, const float *packed_b, float beta,
                        float *c, long ldc) {
    gemm_any(trans_a, 0, m, n, k, a, lda, NULL, 0, packed_b, beta, c, ldc);
}

static void gemm_buffers_free(void *p) {
    gemm_buffers *buffers = p;
    free(buffers->a);
    free(buffers->b);
    free(buffers);
}

static pthread_key_t gemm_key;
static pthread_once_t gemm_key_once = PTHREAD_ONCE_INIT;
static void gemm_make_key(void) { pthread_key_create(&gemm_key, gemm_buffers_free); }

static gemm_buffers *gemm_thread_buffers(void) {
    pthread_once(&gemm_key_once, gemm_make_key);
    gemm_buffers *buffers = pthread_getspecific(gemm_key);
    if (buffers) return buffers;
    buffers = malloc(sizeof *buffers);
    buffers->a = aligned_alloc(64, sizeof(float) * GEMM_MC * GEMM_KC);
    buffers->b = aligned_alloc(64, sizeof(float) * GEMM_KC * (GEMM_NC + GEMM_NR));
    if (!buffers->a || !buffers->b) abort();
    pthread_setspecific(gemm_key, buffers);
    return buffers;
}

#define S2S_GEMM_ENTRIES .gemm = gemm, .gemm_packed_b_size = gemm_packed_b_size, .gemm_pack_b = gemm_pack_b, \
    .gemm_packed = gemm_packed,
#else
#define S2S_GEMM_ENTRIES
#endif
