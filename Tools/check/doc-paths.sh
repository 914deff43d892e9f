#!/usr/bin/env bash
# Every repository path the README and the docs name exists: `Sources/…`, `Tests/…`, `Tools/…`, `Docs/…`,
# `Examples/…` as written, and a target's file such as `S2SCore/Ops/Attention.swift` under Sources/ or
# Tests/. CI runs it, so a rename that leaves a document behind fails the build instead of misleading.
set -euo pipefail
cd "$(dirname "$0")/../.."
documents=(README.md Docs/*.md Tools/*/README.md Tests/*/Fixtures/README.md)
missing=0
check() {   # document, path as written, candidates…
    local document=$1 path=$2; shift 2
    for candidate in "$@"; do [ -e "$candidate" ] && return 0; done
    echo "$document: names $path, which does not exist" >&2
    missing=1
}
for document in "${documents[@]}"; do
    [ -f "$document" ] || continue
    # Repository paths, not preceded by a letter (S2SNNTests/Fixtures is a target's folder, below).
    while read -r path; do
        path=${path%%[.,:;)]}; path=${path%%\*}
        check "$document" "$path" "$path" $(compgen -G "${path}*" || true)
    done < <(grep -oE '(^|[^A-Za-z0-9_])(Sources|Tests|Tools|Docs|Examples)/[A-Za-z0-9_./+*-]*' "$document" \
             | sed -E 's/^[^A-Za-z]//' | sort -u)
    # A target's files, in backticks: `S2SCore/Ops/Attention.swift`, `s2s-serve/main.swift`.
    while read -r path; do
        check "$document" "$path" "Sources/$path" "Tests/$path"
    done < <(grep -oE '`(S2S[A-Za-z]*|s2s[a-z-]*)/[A-Za-z0-9_./-]+`' "$document" | tr -d '`' | sort -u)
done
[ "$missing" = 0 ] && echo "doc-paths: every path the docs name exists" >&2
exit "$missing"
