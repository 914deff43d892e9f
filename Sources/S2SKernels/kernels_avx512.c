// The kernels compiled for AVX-512 (Skylake-X, Ice Lake, Zen 4 and later): 16-lane vector math in one
// register, 32 vector registers for the product tiles.
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include "S2SKernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"))), apply_to = function)
#define S2S_TABLE s2s_kernels_avx512
#define S2S_LEVEL S2S_CPU_AVX512
#define S2S_LEVEL_NAME "avx512"
// The product tile: 8 rows × 32 columns (two zmm), 16 accumulators: a shard of 32 rows (batch 64 on
// two cores) is 4 full tiles; 12 rows left a third of the last tile empty (LSTM layer 0.96× → 1.12× torch).
typedef float gemm_vector __attribute__((ext_vector_type(16)));
#define S2S_GEMM_MR 8
// int8 products: AVX-512 VNNI when the CPU has it (kernels_vnni.c), else AVX-VNNI or AVX2's — the same bits;
// chosen in dispatch.c.
void s2s_int8_gemm_level_avx512(long m, long n, long k, const float *x, long lda, const int8_t *w,
                                const float *scales, const int32_t *sums, float beta, float *c, long ldc);
#define S2S_INT8_GEMM s2s_int8_gemm_level_avx512
// bfloat16-activation products: vdpbf16ps when the CPU has AVX512_BF16 (kernels_bf16.c), else the portable chain.
void s2s_bf16_dot_gemm_hardware(long m, long n, long k, const float *x, long lda, const uint32_t *w, float beta,
                                float *c, long ldc);
static void bf16_dot_gemm_portable(long m, long n, long k, const float *x, long lda, const uint32_t *w, float beta,
                                   float *c, long ldc);
static void bf16_dot_gemm_avx512(long m, long n, long k, const float *x, long lda, const uint32_t *w, float beta,
                                 float *c, long ldc) {
    static _Atomic int bf16 = -1;
    int has = atomic_load_explicit(&bf16, memory_order_relaxed);
    if (has < 0) atomic_store_explicit(&bf16, has = s2s_cpu_has_avx512_bf16(), memory_order_relaxed);
    (has ? s2s_bf16_dot_gemm_hardware : bf16_dot_gemm_portable)(m, n, k, x, lda, w, beta, c, ldc);
}
#define S2S_BF16_DOT_GEMM bf16_dot_gemm_avx512
#include "body/all.h"
#pragma clang attribute pop
#endif
