// The int8 product with 256-bit VNNI (body/int8_vnni256.h), compiled twice:
// - AVX-VNNI's VEX vpdpbusd, which the AVX2 level takes on CPUs that have it (Intel Alder Lake and
//   later, AMD Zen 5): cpuid leaf 7 subleaf 1, EAX bit 4;
// - AVX-512 VNNI's EVEX vpdpbusd on ymm: the same operation, so a CPU with AVX-512 VNNI (this project's
//   Zen 4, which has no AVX-VNNI) runs and tests the same body (s2s_int8_kernel_named).
#include <stdint.h>
#include <stdlib.h>
#include "S2SKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// The shared helpers as AVX2 code, so that both forms inline them and neither needs the other's feature.
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "body/prelude.h"
#include "body/int8.h"
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avxvnni,avx2,fma"))), apply_to = function)
#define INT8_VNNI256_NAME s2s_int8_gemm_avxvnni
#define INT8_VNNI256_FINISH finish_avxvnni
#define INT8_VNNI256_DPBUSD(acc, x, w) _mm256_dpbusd_avx_epi32(acc, x, w)
#include "body/int8_vnni256.h"
#undef INT8_VNNI256_NAME
#undef INT8_VNNI256_FINISH
#undef INT8_VNNI256_DPBUSD
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512vnni,avx2,fma"))), apply_to = function)
#define INT8_VNNI256_NAME s2s_int8_gemm_avxvnni_evex
#define INT8_VNNI256_FINISH finish_avxvnni_evex
#define INT8_VNNI256_DPBUSD(acc, x, w) _mm256_dpbusd_epi32(acc, x, w)
#include "body/int8_vnni256.h"
#pragma clang attribute pop
#endif
