#!/usr/bin/env bash
# Runs the commands of Docs/tutorial.md as written: every ```sh block, in order, in a scratch directory,
# with `s2s` the release binary of this checkout and C the shared corpora.
#
#     Tools/tutorial/run.sh [--short] [--keep DIR]
#
# --short (what CI runs, about 2 minutes on 2 cores) changes only the budgets: every --time-budget
# becomes 20s, `s2s lesson` gets --quick, and --max-tokens is capped at 60; the server gets a free port.
# A command that fails stops the run with its block's number.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
short=0 keep=""
while [ $# -gt 0 ]; do
    case "$1" in
        --short) short=1; shift ;;
        --keep) keep=$2; shift 2 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
binary=${S2S:-$root/.build/release/s2s}
[ -x "$binary" ] || { echo "run.sh: $binary is missing (swift build -c release --product s2s)" >&2; exit 2; }
corpora=${CORPORA:-$root/../shared/corpora}
work=${keep:-$(mktemp -d)}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)

# The blocks, each as one script.
awk '/^```sh$/ { inside = 1; n++; next } /^```$/ { inside = 0; next } inside { print > (dir "/block" n ".sh") }' \
    dir="$work" "$root/Docs/tutorial.md"
cd "$work"
for block in $(ls block*.sh | sort -V); do
    if [ "$short" = 1 ]; then
        sed -i -E 's/--time-budget [0-9]+[smh]?/--time-budget 20s/g; s/^s2s lesson /s2s lesson --quick /;
                   s/--max-tokens [0-9]+/--max-tokens 60/g' "$block"
    fi
    sed -i "s/8080/$port/g; s|^C=\.\./shared/corpora.*|: the corpora are \$C|" "$block"
    echo "== $block" >&2
    # `s2s` is this checkout's binary; C (the tutorial's C=../shared/corpora) the corpora wherever they are.
    # A block that hangs (a server that never answers) fails after its limit instead of holding CI.
    S2S_BINARY="$binary" C="$corpora" timeout "$([ "$short" = 1 ] && echo 600 || echo 3600)" bash -euo pipefail -c '
        s2s() { "$S2S_BINARY" "$@"; }
        export -f s2s
        source "$1"' _ "$block" < /dev/null || { echo "run.sh: $block of Docs/tutorial.md failed" >&2; exit 1; }
done
echo "tutorial: every block of Docs/tutorial.md ran$([ "$short" = 1 ] && echo ' (short budgets)')" >&2
