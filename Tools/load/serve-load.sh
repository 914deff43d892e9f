#!/usr/bin/env bash
# Load test of `s2s serve` with wrk (Debian's `wrk`): translation throughput one request at a time
# against 32 concurrent connections (the batching across requests), p50/p99 latency of each, errors,
# and the server's resident memory at the start and the end of a soak run.
#
#   Tools/load/serve-load.sh [MODEL_DIR] [SENTENCES] [SECONDS] [SOAK_SECONDS]
#   Tools/load/serve-load.sh Models/en-de ../shared/corpora/translation/multi30k/test_2016_flickr.en 30 120
#
# Sends traffic only to 127.0.0.1. Runs the release binaries (swift build -c release);
# measure on an idle machine (../shared/tools/quiet Tools/load/serve-load.sh …).
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=${1:-Models/en-de}
SENTENCES=${2:-../shared/corpora/translation/multi30k/test_2016_flickr.en}
SECONDS_EACH=${3:-30}
SOAK=${4:-120}
PORT=${S2S_LOAD_PORT:-18080}
S2S=${S2S_BINARY:-.build/release/s2s}
THREADS=${S2S_THREADS:-2}

command -v wrk >/dev/null || { echo "serve-load: needs wrk (apt-get install wrk)" >&2; exit 1; }
[ -x "$S2S" ] || { echo "serve-load: no $S2S (swift build -c release)" >&2; exit 1; }
export S2S_LOAD_SENTENCES=$SENTENCES

scratch=$(mktemp -d)
"$S2S" serve -m "$MODEL" --port "$PORT" --threads "$THREADS" 2> "$scratch/serve.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { echo "serve-load: server did not start:" >&2; cat "$scratch/serve.log" >&2; exit 1; }

rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status"; }

# One wrk run: "requests/s p50 p99 non2xx errors".
run() {   # connections seconds
    local out
    out=$(wrk -t1 -c"$1" -d"$2"s --timeout 30s --latency -s Tools/load/translate.lua "http://127.0.0.1:$PORT")
    local rps p50 p99 non2xx errors
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out"); non2xx=${non2xx:-0}
    errors=$(awk '/Socket errors/ {gsub(",", ""); print $4+$6+$8+$10}' <<<"$out"); errors=${errors:-0}
    echo "$rps $p50 $p99 $non2xx $errors"
}

run 1 3 >/dev/null   # warm-up: model pages, allocator
echo "model $MODEL, sentences $SENTENCES, $THREADS threads, ${SECONDS_EACH}s per run"
printf '%-12s %10s %10s %10s %8s %8s\n' connections "req/s" p50 p99 non-2xx errors
read -r rps1 p501 p991 bad1 err1 < <(run 1 "$SECONDS_EACH")
printf '%-12s %10s %10s %10s %8s %8s\n' 1 "$rps1" "$p501" "$p991" "$bad1" "$err1"
read -r rps32 p5032 p9932 bad32 err32 < <(run 32 "$SECONDS_EACH")
printf '%-12s %10s %10s %10s %8s %8s\n' 32 "$rps32" "$p5032" "$p9932" "$bad32" "$err32"
awk -v a="$rps32" -v b="$rps1" 'BEGIN { printf "throughput at 32 connections / one at a time: %.2fx\n", a / b }'

if [ "$SOAK" -gt 0 ]; then
    start_rss=$(rss)
    # RSS every tenth of the soak: growth that goes on (a leak) against a plateau (allocator warm-up).
    ( for _ in $(seq 10); do sleep "$((SOAK / 10))"; printf '%s ' "$(rss)"; done ) > "$scratch/rss.txt" &
    SAMPLER=$!
    read -r rpss p50s p99s bads errs < <(run 32 "$SOAK")
    wait $SAMPLER || true
    echo "soak ${SOAK}s at 32 connections: $rpss req/s, p50 $p50s, p99 $p99s, non-2xx $bads, errors $errs"
    echo "server RSS: ${start_rss} kB at the start, $(rss) kB at the end (peak $(hwm) kB)"
    echo "RSS every $((SOAK / 10)) s (kB): $(cat "$scratch/rss.txt")"
fi
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^s2s_batch_sentences_(sum|count)' || true
