// The kernels for any CPU: baseline x86-64 (SSE2, no FMA instruction) or another architecture. On
// x86-64 multiply-adds are not fused (see fma16 in body/prelude.h): float32 results differ from the
// AVX2 and AVX-512 levels' in the last bits. Architectures whose baseline fuses (aarch64) keep their bits.
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "S2SKernels.h"

#define S2S_TABLE s2s_kernels_generic
#define S2S_LEVEL S2S_CPU_GENERIC
#define S2S_LEVEL_NAME "generic"
#if defined(__x86_64__) && !defined(__FMA__)
#define S2S_UNFUSED 1
#endif
#include "body/all.h"
