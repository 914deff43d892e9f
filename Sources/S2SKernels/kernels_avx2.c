// The kernels compiled for AVX2 + FMA (Haswell and later, Zen and later).
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include "S2SKernels.h"

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define S2S_TABLE s2s_kernels_avx2
#define S2S_LEVEL S2S_CPU_AVX2
#define S2S_LEVEL_NAME "avx2"
// The product tile: 6 rows × 16 columns (two ymm), 12 accumulators of the 16 registers (Haswell's classic),
// and 4-row tiles to cover a remainder (see gemm.h): 32 rows are 4 × 6 + 2 × 4.
typedef float gemm_vector __attribute__((ext_vector_type(8)));
#define S2S_GEMM_MR 6
#define S2S_GEMM_MR_SHORT 4
// int8 products: AVX-VNNI when the CPU has it (kernels_int8_avxvnni.c, the same bits as every 8-bit
// product), else the 7-bit vpmaddubsw product (kernels_int8_avx2.c); chosen in dispatch.c.
void s2s_int8_gemm_level_avx2(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                              const int32_t *sums, float beta, float *c, long ldc);
#define S2S_INT8_GEMM s2s_int8_gemm_level_avx2
#include "body/all.h"
#pragma clang attribute pop
#endif
