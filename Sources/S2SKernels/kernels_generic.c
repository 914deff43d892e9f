// The kernels for any CPU: baseline x86-64 (fused multiply-adds through libm's fmaf) or another
// architecture. Slow where the others use FMA, but the same bits.
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "S2SKernels.h"

#define S2S_TABLE s2s_kernels_generic
#define S2S_LEVEL S2S_CPU_GENERIC
#define S2S_LEVEL_NAME "generic"
#include "body/all.h"
