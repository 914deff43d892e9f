// ICUShim: the few ICU calls s2s uses, under plain names. Debian's ICU exports version-suffixed
// symbols (ubrk_open_72) behind macros Swift cannot import, and its types clash with Foundation's
// bundled ICU, so this header exposes no ICU type: only opaque pointers and fixed-width integers.
//
// All text crosses this boundary as UTF-8 (byte pointer + length); offsets are UTF-8 byte offsets.
// Error codes are ICU's UErrorCode values (0 = success, > 0 = failure); see u_errorName.
// Handles are not thread-safe: use one per thread.
#ifndef ICUSHIM_H
#define ICUSHIM_H
#include <stdint.h>

/// ICU's major version, e.g. 72.
int32_t icushim_version_major(void);

/// The name of an ICU error code, e.g. "U_ILLEGAL_ARGUMENT_ERROR".
const char *icushim_error_name(int32_t error);

// ---- Word segmentation (UAX #29 word boundaries, dictionary segmentation for Thai, CJK, ...) ----

/// A word break iterator over UTF-8 text, reused across calls.
typedef struct icushim_words icushim_words;

/// Opens a word break iterator for `locale` ("" = root). Returns NULL and sets *error on failure.
icushim_words *icushim_words_open(const char *locale, int32_t *error);

void icushim_words_close(icushim_words *words);

/// Segments `length` bytes of valid UTF-8 at `text`. For segment i writes its end offset to ends[i]
/// (the first segment starts at 0, segment i+1 starts at ends[i]) and its ICU rule status to
/// statuses[i] (0 = none/space/punctuation, 100.. number, 200.. letter, 300.. kana, 400.. ideograph).
/// `capacity` >= length + 1 always suffices. Returns the number of segments, or -1 with *error set.
int32_t icushim_words_segment(icushim_words *words, const char *text, int32_t length,
                              int32_t *ends, int32_t *statuses, int32_t capacity, int32_t *error);

// ---- Normalization ----

/// NFKC normalizer and case folder with reusable UTF-16 scratch buffers.
typedef struct icushim_normalizer icushim_normalizer;

icushim_normalizer *icushim_normalizer_open(int32_t *error);

void icushim_normalizer_close(icushim_normalizer *normalizer);

/// Fold modes for icushim_normalize.
enum { ICUSHIM_FOLD_NONE = 0, ICUSHIM_FOLD_DEFAULT = 1, ICUSHIM_FOLD_TURKIC = 2 };

/// Writes NFKC(text) — or, with a fold mode, NFKC(fold(NFKC(text))) using full Unicode case folding —
/// as UTF-8 to `out`. If the result equals the input, sets *unchanged = 1, writes nothing and returns
/// `length`. Otherwise returns the result's byte length; if that exceeds `capacity`, nothing useful is
/// written and the caller retries with a larger buffer. Returns -1 with *error set on failure.
int32_t icushim_normalize(icushim_normalizer *normalizer, const char *text, int32_t length,
                          int32_t fold, char *out, int32_t capacity, int32_t *unchanged, int32_t *error);

#endif
