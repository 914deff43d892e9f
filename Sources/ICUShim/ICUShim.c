#include "ICUShim.h"
#include <unicode/uversion.h>

int32_t icushim_version_major(void) {
    UVersionInfo info;
    u_getVersion(info);
    return info[0];
}
