#!/usr/bin/env bash
# Cross-compiles the C kernels (Sources/S2SKernels) for aarch64 with the toolchain's clang against Debian's
# arm64 C headers (libc6-dev-arm64-cross): arm64 servers and Apple silicon get the generic level, and this
# keeps every kernel file building there, warnings as errors. It compiles; it does not run (no arm64 here).
#     Tools/cross/aarch64-kernels.sh        # after: apt-get install -y libc6-dev-arm64-cross
set -euo pipefail
cd "$(dirname "$0")/../.."
sysroot=/usr/aarch64-linux-gnu
[ -d "$sysroot/include" ] || { echo "aarch64-kernels.sh: $sysroot/include is missing (apt-get install -y libc6-dev-arm64-cross)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count=0
for source in Sources/S2SKernels/*.c; do
    clang --target=aarch64-linux-gnu --sysroot="$sysroot" -isystem "$sysroot/include" -O2 -Wall -Wextra -Werror \
        -Wno-unused-parameter -I Sources/S2SKernels/include -c "$source" -o "$out/$(basename "$source").o"
    count=$((count + 1))
done
# The generic table must be there and be the only one: the x86 levels compile to nothing on aarch64.
nm "$out/kernels_generic.c.o" | grep -q ' s2s_kernels_generic$' || { echo "aarch64: no generic kernel table" >&2; exit 1; }
if nm "$out/kernels_avx2.c.o" | grep -q 's2s_kernels_avx2'; then echo "aarch64: an x86 level compiled for arm64" >&2; exit 1; fi
machine=$(readelf -h "$out/kernels_generic.c.o" | sed -n 's/^ *Machine: *//p')
[ "$machine" = "AArch64" ] || { echo "aarch64: built for '$machine'" >&2; exit 1; }
echo "aarch64 cross-compile: $count kernel files built for $machine"
