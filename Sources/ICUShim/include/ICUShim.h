// ICUShim: the few ICU calls s2s uses, under plain names. Debian's ICU exports version-suffixed
// symbols (ubrk_open_72) behind macros Swift cannot import, and its types clash with Foundation's
// bundled ICU, so this header exposes no ICU type: only opaque pointers and fixed-width integers.
#ifndef ICUSHIM_H
#define ICUSHIM_H
#include <stdint.h>

/// ICU's major version, e.g. 72.
int32_t icushim_version_major(void);

#endif
