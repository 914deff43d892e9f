// Every kernel body, in dependency order; included once per level by kernels_*.c.
#include "prelude.h"
#include "vector_math.h"
#include "recurrent.h"
#include "optimizers.h"
#include "dot_gemm.h"
#include "gemm.h"
#include "table.h"
