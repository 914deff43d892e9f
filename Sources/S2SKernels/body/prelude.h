// Vector types and helpers every kernel body uses. Included once per level (see kernels_*.c), after
// that file's system headers and inside its target attribute, so everything here is static.
//
// No contraction: a*b + c stays a multiply and an add, as in the Swift code these kernels replaced;
// only fma16/fma8 fuse. Without this, clang would fuse on the AVX2 level and not on the generic one.
#pragma clang fp contract(off)
// The v16f helpers are static inline and always inlined, so their by-value vector ABI never matters.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v16f __attribute__((ext_vector_type(16)));
typedef int32_t v16i __attribute__((ext_vector_type(16)));
typedef float v8f __attribute__((ext_vector_type(8)));
typedef float v4f __attribute__((ext_vector_type(4)));
typedef float v2f __attribute__((ext_vector_type(2)));
typedef uint32_t v8u __attribute__((ext_vector_type(8)));
typedef uint32_t v16u __attribute__((ext_vector_type(16)));
typedef double v8d __attribute__((ext_vector_type(8)));

static inline v16f load16(const float *p) { v16f v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline void store16(float *p, v16f v) { __builtin_memcpy(p, &v, sizeof v); }
static inline v8f load8(const float *p) { v8f v; __builtin_memcpy(&v, p, sizeof v); return v; }
static inline void store8(float *p, v8f v) { __builtin_memcpy(p, &v, sizeof v); }
static inline v8u load8u(const uint32_t *p) { v8u v; __builtin_memcpy(&v, p, sizeof v); return v; }

/// The first n (< 16) floats at p, the other lanes `pad`.
static inline v16f load16_partial(const float *p, long n, float pad) {
    v16f v = pad;
    for (long lane = 0; lane < n; lane++) v[lane] = p[lane];
    return v;
}
static inline void store16_partial(float *p, v16f v, long n) {
    for (long lane = 0; lane < n; lane++) p[lane] = v[lane];
}
/// Loads of up to 16 lanes (zero-padded), as the recurrent cells use for H not a multiple of 16.
static inline v16f load16_upto(const float *p, long n) { return n == 16 ? load16(p) : load16_partial(p, n, 0); }
static inline void store16_upto(float *p, v16f v, long n) {
    if (n == 16) store16(p, v); else store16_partial(p, v, n);
}

// The multiply-add every body uses. Fused where the level has the instruction (AVX2 and AVX-512 levels;
// the generic level on architectures whose baseline fuses, such as aarch64). Baseline x86-64 has no FMA
// instruction: there a fused multiply-add is a libm call per lane (a software emulation on CPUs without
// FMA), which made the generic level 24–112× slower than AVX2. So the generic level of x86-64 defines
// S2S_UNFUSED and multiplies, then adds: its float32 results differ from the other levels' in the last
// bits (tests hold it to a bound there), and it stays deterministic and row-stable.
#if defined(S2S_UNFUSED)
static inline v16f fma16(v16f a, v16f b, v16f c) { return a * b + c; }
static inline v8f fma8(v8f a, v8f b, v8f c) { return a * b + c; }
static inline v8d fma8d(v8d a, v8d b, v8d c) { return a * b + c; }
static inline float fma1(float a, float b, float c) { return a * b + c; }
#define S2S_FUSED 0
#else
static inline v16f fma16(v16f a, v16f b, v16f c) { return __builtin_elementwise_fma(a, b, c); }
static inline v8f fma8(v8f a, v8f b, v8f c) { return __builtin_elementwise_fma(a, b, c); }
static inline v8d fma8d(v8d a, v8d b, v8d c) { return __builtin_elementwise_fma(a, b, c); }
static inline float fma1(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
#define S2S_FUSED 1
#endif
/// mask ? a : b, lane-wise (mask lanes are all ones or all zeros, as comparisons give).
static inline v16f select16(v16i mask, v16f a, v16f b) { return (v16f)(((v16i)a & mask) | ((v16i)b & ~mask)); }
