// Which level of kernels this process runs: the best the CPU and the OS support (cpuid, and xgetbv for
// the register state the OS saves), unless S2S_CPU names a lower one. Chosen once, on first use.
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "S2SKernels.h"

extern const s2s_kernel_table s2s_kernels_generic;
#if defined(__x86_64__)
#include <cpuid.h>
extern const s2s_kernel_table s2s_kernels_avx2;
extern const s2s_kernel_table s2s_kernels_avx512;

typedef struct { int avx2, avx512, bf16, vnni, avx_vnni; } cpu_features;

static uint64_t xgetbv0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}

static cpu_features detect(void) {
    cpu_features f = {0, 0, 0, 0, 0};
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx) return f;
    uint64_t xcr0 = xgetbv0();
    int ymm_state = (xcr0 & 0x6) == 0x6, zmm_state = (xcr0 & 0xE6) == 0xE6;
    if (__get_cpuid_max(0, 0) < 7) return f;
    __cpuid_count(7, 0, a, b, c, d);
    int avx2 = (b >> 5) & 1;
    int avx512 = ((b >> 16) & 1) && ((b >> 17) & 1) && ((b >> 30) & 1) && ((b >> 31) & 1);   // F, DQ, BW, VL
    int vnni = (c >> 11) & 1;
    __cpuid_count(7, 1, a, b, c, d);
    int bf16 = (a >> 5) & 1, avx_vnni = (a >> 4) & 1;
    f.avx2 = ymm_state && avx2 && fma;
    f.avx_vnni = f.avx2 && avx_vnni;
    f.avx512 = f.avx2 && zmm_state && avx512;
    f.bf16 = f.avx512 && bf16;
    f.vnni = f.avx512 && vnni;
    return f;
}
#endif

s2s_cpu_level s2s_cpu_best_level(void) {
#if defined(__x86_64__)
    cpu_features f = detect();
    return f.avx512 ? S2S_CPU_AVX512 : f.avx2 ? S2S_CPU_AVX2 : S2S_CPU_GENERIC;
#else
    return S2S_CPU_GENERIC;
#endif
}

int s2s_cpu_has_avx512_bf16(void) {
#if defined(__x86_64__)
    return detect().bf16;
#else
    return 0;
#endif
}

int s2s_cpu_has_avx512_vnni(void) {
#if defined(__x86_64__)
    return detect().vnni;
#else
    return 0;
#endif
}

int s2s_cpu_has_avx_vnni(void) {
#if defined(__x86_64__)
    return detect().avx_vnni;
#else
    return 0;
#endif
}

const s2s_kernel_table *s2s_kernels_at(s2s_cpu_level level) {
    if (level > s2s_cpu_best_level()) return NULL;
    switch (level) {
    case S2S_CPU_GENERIC: return &s2s_kernels_generic;
#if defined(__x86_64__)
    case S2S_CPU_AVX2: return &s2s_kernels_avx2;
    case S2S_CPU_AVX512: return &s2s_kernels_avx512;
#endif
    default: return NULL;
    }
}

static const s2s_kernel_table *choose(void) {
    s2s_cpu_level best = s2s_cpu_best_level();
    const char *names[] = {"generic", "avx2", "avx512"};
    const char *forced = getenv("S2S_CPU");
    if (!forced || !*forced) return s2s_kernels_at(best);
    for (int level = 0; level < 3; level++) {
        if (strcmp(forced, names[level]) != 0) continue;
        if (level <= (int)best) return s2s_kernels_at((s2s_cpu_level)level);
        fprintf(stderr, "s2s: S2S_CPU=%s: this CPU does not support it; using %s\n", forced, names[best]);
        return s2s_kernels_at(best);
    }
    fprintf(stderr, "s2s: S2S_CPU=%s is not a kernel level (generic, avx2 or avx512); using %s\n", forced,
            names[best]);
    return s2s_kernels_at(best);
}

const s2s_kernel_table *s2s_kernels(void) {
    static _Atomic(const s2s_kernel_table *) chosen = NULL;
    const s2s_kernel_table *table = atomic_load_explicit(&chosen, memory_order_acquire);
    if (table) return table;
    // Two threads may both choose on first use; they choose the same table (the warning may print twice).
    table = choose();
    atomic_store_explicit(&chosen, table, memory_order_release);
    return table;
}

// The int8 products, by the name s2s --version gives their path. Every 8-bit one gives the same bits
// (Int8MatrixTests holds each to the oracle), so the choice among them is speed alone; the 7-bit one
// (the AVX2 level's without AVX-VNNI) takes weights quantized to ±63 (s2s_int8_kernel_limit) and gives
// its own oracle's bits.
#if defined(__x86_64__)
void s2s_int8_gemm_avx2(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                        const int32_t *sums, float beta, float *c, long ldc);
void s2s_int8_gemm_avx2_seven(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                              const int32_t *sums, float beta, float *c, long ldc);
void s2s_int8_gemm_avxvnni(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                           const int32_t *sums, float beta, float *c, long ldc);
void s2s_int8_gemm_avxvnni_evex(long m, long n, long k, const float *x, long lda, const int8_t *w,
                                const float *scales, const int32_t *sums, float beta, float *c, long ldc);
void s2s_int8_gemm_vnni(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                        const int32_t *sums, float beta, float *c, long ldc);
#endif

static const char *const int8_names[] = {
    "generic madd",
#if defined(__x86_64__)
    "avx2 maddubs/maddwd", "avx2 maddubs 7-bit", "avx-vnni", "avx-vnni (evex)", "avx512 vnni",
#endif
    NULL};

const char *const *s2s_int8_kernel_names(void) { return int8_names; }

s2s_int8_gemm_fn s2s_int8_kernel_named(const char *name) {
    if (strcmp(name, "generic madd") == 0) return s2s_kernels_generic.int8_gemm;
#if defined(__x86_64__)
    cpu_features f = detect();
    if (strcmp(name, "avx2 maddubs/maddwd") == 0) return f.avx2 ? s2s_int8_gemm_avx2 : NULL;
    if (strcmp(name, "avx2 maddubs 7-bit") == 0) return f.avx2 ? s2s_int8_gemm_avx2_seven : NULL;
    if (strcmp(name, "avx-vnni") == 0) return f.avx_vnni ? s2s_int8_gemm_avxvnni : NULL;
    // The EVEX form of the same 256-bit instruction: how a CPU with AVX-512 VNNI and no AVX-VNNI (Zen 4)
    // runs avx-vnni's code; only tests call it.
    if (strcmp(name, "avx-vnni (evex)") == 0) return f.vnni ? s2s_int8_gemm_avxvnni_evex : NULL;
    if (strcmp(name, "avx512 vnni") == 0) return f.vnni ? s2s_int8_gemm_vnni : NULL;
#endif
    return NULL;
}

static const char *int8_path_at(s2s_cpu_level level) {
#if defined(__x86_64__)
    // S2S_INT8 names another product the CPU runs, for benchmarks: "avx-vnni (evex)" measures AVX-VNNI's
    // code on a CPU with AVX-512 VNNI only. The AVX2 and AVX-512 levels honour it.
    const char *forced = getenv("S2S_INT8");
    if (level >= S2S_CPU_AVX2 && forced && *forced) {
        for (const char *const *name = int8_names; *name; name++)
            if (strcmp(forced, *name) == 0 && s2s_int8_kernel_named(*name)) return *name;
        static _Atomic int warned = 0;
        if (!atomic_exchange(&warned, 1))
            fprintf(stderr, "s2s: S2S_INT8=%s is not an int8 product this CPU runs; using the level's own\n", forced);
    }
    cpu_features f = detect();
    // AVX-512 VNNI multiplies 64 bytes per instruction, AVX-VNNI 32; without them the AVX2 level trades a
    // bit of each operand for speed (the 7-bit product), the AVX-512 level (Skylake-X) keeps 8 bits.
    if (level == S2S_CPU_AVX512 && f.vnni) return "avx512 vnni";
    if (level == S2S_CPU_AVX512) return f.avx_vnni ? "avx-vnni" : "avx2 maddubs/maddwd";
    if (level == S2S_CPU_AVX2) return f.avx_vnni ? "avx-vnni" : "avx2 maddubs 7-bit";
#else
    (void)level;
#endif
    return "generic madd";
}

const char *s2s_int8_path(const s2s_kernel_table *table) { return int8_path_at(table->level); }

int s2s_int8_kernel_limit(const char *name) { return strcmp(name, "avx2 maddubs 7-bit") == 0 ? 63 : 127; }

int s2s_int8_limit(const s2s_kernel_table *table) { return s2s_int8_kernel_limit(s2s_int8_path(table)); }

#if defined(__x86_64__)
/// The int8 entry of the AVX2 and AVX-512 tables: the best product of the level on this CPU, chosen once.
static void int8_gemm_at(s2s_cpu_level level, long m, long n, long k, const float *x, long lda, const int8_t *w,
                         const float *scales, const int32_t *sums, float beta, float *c, long ldc) {
    static _Atomic(s2s_int8_gemm_fn) chosen[3];
    s2s_int8_gemm_fn product = atomic_load_explicit(&chosen[level], memory_order_acquire);
    if (!product) {   // two threads may both choose; they choose the same
        product = s2s_int8_kernel_named(int8_path_at(level));
        atomic_store_explicit(&chosen[level], product, memory_order_release);
    }
    product(m, n, k, x, lda, w, scales, sums, beta, c, ldc);
}

void s2s_int8_gemm_level_avx2(long m, long n, long k, const float *x, long lda, const int8_t *w, const float *scales,
                              const int32_t *sums, float beta, float *c, long ldc) {
    int8_gemm_at(S2S_CPU_AVX2, m, n, k, x, lda, w, scales, sums, beta, c, ldc);
}

void s2s_int8_gemm_level_avx512(long m, long n, long k, const float *x, long lda, const int8_t *w,
                                const float *scales, const int32_t *sums, float beta, float *c, long ldc) {
    int8_gemm_at(S2S_CPU_AVX512, m, n, k, x, lda, w, scales, sums, beta, c, ldc);
}
#endif

int s2s_bf16_dot_native(const s2s_kernel_table *table) {
    return table->level == S2S_CPU_AVX512 && s2s_cpu_has_avx512_bf16();
}

const char *s2s_cpu_model(void) {
    // Read once; two threads may both read it on first use (the same text).
    static char model[128];
    static _Atomic int state = 0;   // 0 unread, 1 read
    if (atomic_load_explicit(&state, memory_order_acquire)) return model;
    char found[128] = "unknown CPU";
    FILE *file = fopen("/proc/cpuinfo", "r");
    if (file) {
        char line[512];
        while (fgets(line, sizeof line, file)) {
            // x86: "model name : …"; aarch64 kernels have no model name line.
            if (strncmp(line, "model name", 10) != 0) continue;
            char *colon = strchr(line, ':');
            if (!colon) continue;
            char *start = colon + 1;
            while (*start == ' ' || *start == '\t') start++;
            size_t length = strcspn(start, "\n");
            while (length > 0 && start[length - 1] == ' ') length--;
            if (length == 0) continue;
            if (length >= sizeof found) length = sizeof found - 1;
            memcpy(found, start, length);
            found[length] = 0;
            break;
        }
        fclose(file);
    }
#if defined(__x86_64__)
    // Virtual machines often report only "AMD EPYC": the family and model numbers tell the generations
    // apart (Zen 3 and Zen 4 are both family 25; Zen 4's EPYC models are 16–31 and 160–175).
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        unsigned family = (a >> 8) & 0xF, model_number = (a >> 4) & 0xF;
        if (family == 0xF) family += (a >> 20) & 0xFF;
        if (family >= 6) model_number += ((a >> 16) & 0xF) << 4;
        size_t used = strlen(found);
        snprintf(found + used, sizeof found - used, " (family %u, model %u)", family, model_number);
    }
#endif
    memcpy(model, found, sizeof model);
    atomic_store_explicit(&state, 1, memory_order_release);
    return model;
}
