// ICUShim implementation: word segmentation over UTF-8 (UText) and NFKC + case folding (UTF-16
// scratch buffers kept in the handle). See include/ICUShim.h for the contract of each call.
#include "ICUShim.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/uversion.h>
#include <unicode/utypes.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/uchar.h>

int32_t icushim_version_major(void) {
    UVersionInfo info;
    u_getVersion(info);
    return info[0];
}

const char *icushim_error_name(int32_t error) { return u_errorName((UErrorCode)error); }

// ---- Word segmentation ----

struct icushim_words {
    UBreakIterator *iterator;
    UText *text;   // reused by utext_openUTF8 on every call
};

icushim_words *icushim_words_open(const char *locale, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    icushim_words *words = calloc(1, sizeof *words);
    if (!words) { *error = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    words->iterator = ubrk_open(UBRK_WORD, locale, NULL, 0, &status);
    if (U_FAILURE(status)) { *error = status; free(words); return NULL; }
    *error = U_ZERO_ERROR;
    return words;
}

void icushim_words_close(icushim_words *words) {
    if (!words) return;
    if (words->iterator) ubrk_close(words->iterator);
    if (words->text) utext_close(words->text);
    free(words);
}

int32_t icushim_words_segment(icushim_words *words, const char *text, int32_t length,
                              int32_t *ends, int32_t *statuses, int32_t capacity, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    words->text = utext_openUTF8(words->text, text, length, &status);
    if (U_FAILURE(status)) { *error = status; return -1; }
    ubrk_setUText(words->iterator, words->text, &status);
    if (U_FAILURE(status)) { *error = status; return -1; }
    int32_t count = 0;
    for (int32_t end = ubrk_next(words->iterator); end != UBRK_DONE; end = ubrk_next(words->iterator)) {
        if (count >= capacity) { *error = U_BUFFER_OVERFLOW_ERROR; return -1; }
        ends[count] = end;
        statuses[count] = ubrk_getRuleStatus(words->iterator);
        count++;
    }
    *error = U_ZERO_ERROR;
    return count;
}

// ---- Normalization ----

typedef struct { UChar *chars; int32_t capacity; } buffer16;

static int grow(buffer16 *buffer, int32_t needed) {
    if (needed <= buffer->capacity) return 1;
    int32_t capacity = needed < 256 ? 256 : needed + needed / 2;
    UChar *chars = realloc(buffer->chars, (size_t)capacity * sizeof(UChar));
    if (!chars) return 0;
    buffer->chars = chars;
    buffer->capacity = capacity;
    return 1;
}

struct icushim_normalizer {
    const UNormalizer2 *nfkc;   // owned by ICU, never closed
    buffer16 a, b;
};

icushim_normalizer *icushim_normalizer_open(int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&status);
    if (U_FAILURE(status)) { *error = status; return NULL; }
    icushim_normalizer *normalizer = calloc(1, sizeof *normalizer);
    if (!normalizer) { *error = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    normalizer->nfkc = nfkc;
    *error = U_ZERO_ERROR;
    return normalizer;
}

void icushim_normalizer_close(icushim_normalizer *normalizer) {
    if (!normalizer) return;
    free(normalizer->a.chars);
    free(normalizer->b.chars);
    free(normalizer);
}

// NFKC of `from` (length n) into `to`; returns the new length or -1.
static int32_t nfkc(icushim_normalizer *nz, buffer16 *from, int32_t n, buffer16 *to, UErrorCode *status) {
    for (;;) {
        *status = U_ZERO_ERROR;
        int32_t m = unorm2_normalize(nz->nfkc, from->chars, n, to->chars, to->capacity, status);
        if (*status == U_BUFFER_OVERFLOW_ERROR) { if (!grow(to, m + 1)) { *status = U_MEMORY_ALLOCATION_ERROR; return -1; } continue; }
        return U_FAILURE(*status) ? -1 : m;
    }
}

static int32_t fold(buffer16 *from, int32_t n, buffer16 *to, uint32_t options, UErrorCode *status) {
    for (;;) {
        *status = U_ZERO_ERROR;
        int32_t m = u_strFoldCase(to->chars, to->capacity, from->chars, n, options, status);
        if (*status == U_BUFFER_OVERFLOW_ERROR) { if (!grow(to, m + 1)) { *status = U_MEMORY_ALLOCATION_ERROR; return -1; } continue; }
        return U_FAILURE(*status) ? -1 : m;
    }
}

int32_t icushim_normalize(icushim_normalizer *nz, const char *text, int32_t length,
                          int32_t foldMode, char *out, int32_t capacity, int32_t *unchanged, int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    *unchanged = 0;
    // UTF-8 -> UTF-16 into a. A UTF-8 string never has more UTF-16 units than bytes.
    if (!grow(&nz->a, length + 1)) { *error = U_MEMORY_ALLOCATION_ERROR; return -1; }
    int32_t n = 0;
    u_strFromUTF8(nz->a.chars, nz->a.capacity, &n, text, length, &status);
    if (U_FAILURE(status)) { *error = status; return -1; }

    buffer16 *result = &nz->a;
    if (unorm2_spanQuickCheckYes(nz->nfkc, nz->a.chars, n, &status) < n) {
        n = nfkc(nz, &nz->a, n, &nz->b, &status);
        if (n < 0) { *error = status; return -1; }
        result = &nz->b;
    } else if (U_FAILURE(status)) { *error = status; return -1; }
    if (foldMode != ICUSHIM_FOLD_NONE) {
        buffer16 *other = result == &nz->a ? &nz->b : &nz->a;
        uint32_t options = foldMode == ICUSHIM_FOLD_TURKIC ? U_FOLD_CASE_EXCLUDE_SPECIAL_I : U_FOLD_CASE_DEFAULT;
        n = fold(result, n, other, options, &status);
        if (n < 0) { *error = status; return -1; }
        result = other;
        // Folding can leave text that is not NFKC (e.g. U+0390); normalize once more.
        if (unorm2_spanQuickCheckYes(nz->nfkc, result->chars, n, &status) < n) {
            buffer16 *next = result == &nz->a ? &nz->b : &nz->a;
            n = nfkc(nz, result, n, next, &status);
            if (n < 0) { *error = status; return -1; }
            result = next;
        }
    }
    if (result == &nz->a && foldMode == ICUSHIM_FOLD_NONE) {   // already NFKC, nothing to do
        *unchanged = 1;
        *error = U_ZERO_ERROR;
        return length;
    }
    int32_t bytes = 0;
    status = U_ZERO_ERROR;
    u_strToUTF8(out, capacity, &bytes, result->chars, n, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) status = U_ZERO_ERROR;
    if (U_FAILURE(status)) { *error = status; return -1; }
    *error = U_ZERO_ERROR;
    return bytes;
}
