// s2s's SIMD kernels in C, compiled once per CPU level and chosen at run time.
//
// Why C: Swift has no per-function target attributes, so fast Swift SIMD code needed the whole package
// built with `-target-cpu haswell` — an unsafe flag that SwiftPM refuses in any package used by
// version. Here each kernel body is compiled three times (generic x86-64, AVX2+FMA, AVX-512) and the
// first call picks the table for this CPU, or the one `S2S_CPU=generic|avx2|avx512` names.
//
// Every level performs the same IEEE operations in the same order (fused multiply-adds where the
// body says fma, nothing contracted otherwise), so float32 results are identical bit for bit on every
// level that fuses: AVX2, AVX-512, and the generic level where the architecture's baseline has a fused
// multiply-add (aarch64). Baseline x86-64 has none, and emulating it cost the generic level 24–112×
// its speed, so there the generic level multiplies and adds separately (`fused` is 0): the same
// operations otherwise, results within a few ulp of the other levels'. The product kernel (gemm) exists on AVX2 and AVX-512 only — the generic level multiplies with
// OpenBLAS, whose sums differ — so a model trains to the same bytes on every machine with AVX2.
#ifndef S2S_KERNELS_H
#define S2S_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Kernel levels, lowest first.
typedef enum {
    S2S_CPU_GENERIC = 0,   // baseline x86-64 (or any other architecture): fma through libm
    S2S_CPU_AVX2 = 1,      // AVX2 + FMA
    S2S_CPU_AVX512 = 2,    // AVX-512 F/BW/DQ/VL (+ BF16 and VNNI for the low-precision products)
} s2s_cpu_level;

/// One level's kernels. Sizes are element counts; pointers may alias where a comment says so.
typedef struct {
    s2s_cpu_level level;
    const char *name;
    /// 1 when multiply-adds are fused (every level but generic x86-64, see body/prelude.h): the fused
    /// levels give the same float32 bits; the unfused one differs from them in the last bits.
    int fused;

    // Vector math over n floats (y may be x): e^x, 1/(1+e^−x), tanh x.
    void (*exp)(long n, const float *x, float *y);
    void (*sigmoid)(long n, const float *x, float *y);
    void (*tanh)(long n, const float *x, float *y);
    /// lanes[l] = Σ e^(x[16b + l] − shift) over blocks b (the last block padded with −∞): the 16 partial
    /// sums of a log-sum-exp, which the caller adds in lane order.
    void (*exp_sum_lanes)(long n, const float *x, float shift, float lanes[16]);
    /// dx[i] += scale·(e^(x[i] − lse) − uniform).
    void (*softmax_gradient_add)(long n, const float *x, float lse, float scale, float uniform, float *dx);
    /// x[i] = scale·(e^(x[i] − lse) − uniform): blocks of 16 through the vector exp, the last n mod 16
    /// through double-precision libm exp.
    void (*softmax_gradient_in_place)(long n, float *x, float lse, float scale, float uniform);

    // Recurrent cells, one row of H units (see LSTMPointwise / RecurrentPointwise in S2SCore).
    void (*lstm_forward)(long H, float *gates, const float *bias, const float *c_prev, float *c, float *tanh_c, float *h);
    void (*lstm_backward)(long H, const float *gates, const float *c_prev, const float *tanh_c, const float *dh,
                          const float *d_output, float *dc, float *d_gates);
    void (*gru_forward)(long H, float *gates, const float *recurrent, float *hidden_n, const float *bias_ih,
                        const float *bias_hh, const float *h_prev, float *h);
    void (*gru_backward)(long H, const float *gates, const float *hidden_n, const float *h_prev, const float *dh,
                         const float *d_output, float *d_input, float *d_hidden, float *dh_direct);
    void (*rnn_forward)(long H, int relu, const float *pre, const float *bias_ih, const float *bias_hh, float *h);
    void (*rnn_backward)(long H, int relu, const float *h, const float *dh, const float *d_output, float *d_pre);

    // Optimizer updates over n parameters (see Adam / SGD in S2SNN for the constants).
    void (*adam)(long n, float *p, const float *g, float *m, float *v, float l2, float shrink, float lerp_weight,
                 float beta2, float one_minus_beta2, float bias_correction2_sqrt, float epsilon, float negative_step);
    void (*sgd)(long n, float *p, const float *g, float lr, float decay);
    void (*sgd_momentum)(long n, float *p, const float *g, float *b, float lr, float mu, float decay, int nesterov,
                         int first);
    /// Σ x² in double: 8 lanes of fused multiply-adds, the lanes added in order, the tail last.
    double (*sum_of_squares)(long n, const float *x);

    // Row-stable products C = X·Wᵀ (+ C), W stored [n, k] (see DotGEMM in S2SCore). beta is 0 or 1.
    void (*dot_gemm)(long m, long n, long k, const float *x, long lda, const float *w, long ldb, float beta,
                     float *c, long ldc);
    /// The same with W packed as bfloat16 pairs (BFloat16Matrix): row_stride words per row, k columns.
    void (*dot_gemm_bf16)(long m, long n, long k, const float *x, long lda, const uint32_t *w, long row_stride,
                          float beta, float *c, long ldc);

    // Training's products, C = op(A)·op(B) + beta·C with beta 0 or 1 (see gemm.h): one chain of fused
    // multiply-adds per element, k in order. NULL on the generic level (BLAS.gemm then calls OpenBLAS).
    void (*gemm)(int trans_a, int trans_b, long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                 float beta, float *c, long ldc);
    /// op(B) [k, n] packed once for many products (floats needed, the packing, the product with it).
    long (*gemm_packed_b_size)(long k, long n);
    void (*gemm_pack_b)(long k, long n, const float *b, long ldb, int trans_b, float *packed);
    void (*gemm_packed)(int trans_a, long m, long n, long k, const float *a, long lda, const float *packed_b,
                        float beta, float *c, long ldc);

    /// int8 step products (see body/int8.h): W [n, k] quantized per row in panels of 16 rows (Int8Matrix),
    /// each row of X quantized on the fly; VNNI on the AVX-512 level when the CPU has it, AVX-VNNI or
    /// vpmaddubsw on AVX2 (and AVX-512 without VNNI), 16-bit madd on the generic level. Same bits on every level.
    void (*int8_gemm)(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                      const int32_t *sums, float beta, float *c, long ldc);
    /// bfloat16 products with bfloat16 activations (see body/bf16_dot.h): W packed as pairs in panels of 16
    /// rows (BFloat16PairMatrix); vdpbf16ps on the AVX-512 level when the CPU has AVX512_BF16, within a
    /// bound of the portable chain elsewhere.
    void (*bf16_dot_gemm)(long m, long n, long k, const float *x, long lda, const uint32_t *w, float beta, float *c,
                          long ldc);
} s2s_kernel_table;

/// The table every call uses: the best level this CPU and OS support, or the one S2S_CPU names
/// (generic, avx2 or avx512; a level the CPU lacks falls back to the best it has, with a warning on
/// stderr). Chosen once, on first use.
const s2s_kernel_table *s2s_kernels(void);

/// The table of one level if this CPU can run it, else NULL (tests compare levels with it).
const s2s_kernel_table *s2s_kernels_at(s2s_cpu_level level);

/// The best level this CPU and OS support.
s2s_cpu_level s2s_cpu_best_level(void);

/// How `table` multiplies int8 weights on this CPU: "avx512 vnni", "avx-vnni", "avx2 maddubs/maddwd",
/// "avx2 maddubs 7-bit" or "generic madd".
const char *s2s_int8_path(const s2s_kernel_table *table);

/// The largest |q| the named int8 product takes (weights and activations alike): 127, or 63 for
/// "avx2 maddubs 7-bit". Int8Matrix quantizes a model's weights for the current table's.
int s2s_int8_kernel_limit(const char *name);
int s2s_int8_limit(const s2s_kernel_table *table);

/// Every int8 product by name (NULL-terminated), and one of them if this CPU can run it, else NULL: tests
/// hold each to the oracle, including the EVEX form of avx-vnni's code ("avx-vnni (evex)") on CPUs with
/// AVX-512 VNNI and no AVX-VNNI.
typedef void (*s2s_int8_gemm_fn)(long m, long n, long k, const float *x, long lda, const int8_t *w,
                                 const float *scales, const int32_t *sums, float beta, float *c, long ldc);
const char *const *s2s_int8_kernel_names(void);
s2s_int8_gemm_fn s2s_int8_kernel_named(const char *name);

/// Whether `table` has a bfloat16 dot-product instruction on this CPU (AVX-512 BF16 on the AVX-512 level):
/// without it the bfloat16-activation product is a slow emulation, which callers avoid.
int s2s_bf16_dot_native(const s2s_kernel_table *table);

/// The CPU's model name as the OS reports it ("AMD EPYC 9R14 96-Core Processor"), or "unknown CPU".
const char *s2s_cpu_model(void);

/// Whether the CPU has the AVX-512 BF16 dot product (vdpbf16ps) and VNNI (vpdpbusd) instructions.
int s2s_cpu_has_avx512_bf16(void);
int s2s_cpu_has_avx512_vnni(void);
/// Whether the CPU has AVX-VNNI (vpdpbusd with a VEX encoding, on ymm: Alder Lake and later, Zen 5).
int s2s_cpu_has_avx_vnni(void);

#ifdef __cplusplus
}
#endif
#endif
