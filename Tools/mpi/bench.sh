#!/bin/bash
# Distributed training throughput: target tokens/s of train-translate on Multi30k en→de (the README's
# model and recipe) with 1 rank × 1 thread, 2 ranks × 1 thread on loopback, and 2 ranks across the two
# network namespaces of hosts.sh with the link shaped to RATE (root only); each with the batch of 64
# cut in two (strong scaling) and with 64 per rank (weak scaling), beside one process with two threads
# and two separate single-rank processes at once (the most two ranks could reach on this machine).
# Prints the median tokens/s of the report windows after the first, the scaling over 1 rank, and where
# a distributed step's time went (the run's last line): forward and backward, the gradient exchange
# (with the time spent waiting for the slowest rank's backward pass, and the megabytes sent), clipping
# and the update. With ROUNDS > 1 it does all of that ROUNDS times and ends with each row's median
# tokens/s and its scaling over the median 1-rank tokens/s (and, for reference, each round's scaling
# over that round's own 1-rank run): on a shared machine a single slow or fast 1-rank run skews a whole
# table. So each distributed row also says what share of its step went to the work a lone process does
# (forward, backward, clipping and update) rather than to the exchange and the wait: read from one run,
# that share does not move with the machine's speed between runs, and ranks × share is the speed-up over
# one process running one rank's part of each batch, were each rank to compute as fast as that process
# (the separate-processes row says how near that comes on this machine).
#
#   Tools/mpi/bench.sh [STEPS=120] [RATE=1gbit] [ROUNDS=1]   # run alone on a quiet machine
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${1:-120}; rate=${2:-1gbit}; rounds=${3:-1}
s2s=$(pwd)/.build/release/s2s
C=$(cd ../shared/corpora/translation/multi30k && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"; Tools/mpi/hosts.sh down >/dev/null 2>&1 || true' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

args() {  # $1 model dir, $2 threads, $3 batch size
    echo train-translate --train-src "$C/train.en" --train-tgt "$C/train.de" --valid-src "$C/val.en" --valid-tgt "$C/val.de" \
        --model-dir "$1" --max-steps "$steps" --report-every 10 --threads "${2:-1}" --batch-size "${3:-64}"
}

# The median tokens/s of the train events after the first (warm-up) window, from metrics.jsonl.
median() {
    grep '"event" : "train"\|"event":"train"' "$1/metrics.jsonl" | sed -n 's/.*"tokens_per_s" *: *\([0-9.e+-]*\).*/\1/p' \
        | tail -n +2 | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The share of a distributed run's step spent as a lone process spends it, from the step breakdown its
# log ends with ("… ms per step: forward and backward … ms, …, clipping and update … ms"); empty for any
# other text.
working_share() {
    printf '%s\n' "$1" \
        | sed -n 's/^\([0-9.]*\) ms per step: forward and backward \([0-9.]*\) ms.*clipping and update \([0-9.]*\) ms.*/\1 \2 \3/p' \
        | awk '$1 > 0 { printf "%.3f", ($2 + $3) / $1 }'
}

report() {  # name dir log baseline [tok/s, when not the median of dir]
    local rate; rate=${5:-$(median "$2")}
    local exchange="" share=""
    if [ -n "$3" ]; then
        exchange=$(grep -o '[0-9.]* ms per step: .*' "$3" | tail -1 || true)
        share=$(working_share "$exchange")
    fi
    local ratio; ratio=$(awk -v a="$rate" -v b="${4:-$rate}" 'BEGIN { printf "%.3f", a / b }')
    [ -n "$share" ] && exchange="working share $share (x 2 ranks = $(awk -v s="$share" 'BEGIN { printf "%.2f", 2 * s }')x); $exchange"
    printf '%-28s %9.0f tok/s  %5.2fx  %s\n' "$1" "$rate" "$ratio" "$exchange"
    printf '%s\t%s\t%s\t%s\n' "$1" "$rate" "$ratio" "$share" >> "$work/rows.tsv"
}

one_round() {
    # Strong scaling: the same batches of 64, cut in two. Beside it, one core on half a batch, and one
    # process with two threads doing the same split without an exchange.
    rm -rf "$work"/*/ "$work"/*.log
    $s2s $(args "$work/one") > "$work/one.log" 2>&1
    base=$(median "$work/one")
    report "1 rank x 1 thread" "$work/one" "$work/one.log" "$base"
    $s2s $(args "$work/half" 1 32) > "$work/half.log" 2>&1
    report "1 rank x 1 thread, batch 32" "$work/half" "$work/half.log" "$base"
    $s2s $(args "$work/threads" 2) > "$work/threads.log" 2>&1
    report "1 process x 2 threads" "$work/threads" "$work/threads.log" "$base"
    # What the machine gives two processes that never wait for each other: two single-rank runs at once
    # (both on the same batches). The ranks' bound: each step they wait for the slower one, then exchange.
    $s2s $(args "$work/pairA") > "$work/pairA.log" 2>&1 & pair=$!
    $s2s $(args "$work/pairB") > "$work/pairB.log" 2>&1; wait $pair
    both=$(awk -v a="$(median "$work/pairA")" -v b="$(median "$work/pairB")" 'BEGIN { print a + b }')
    report "2 separate processes at once" "" "" "$base" "$both"
    mpirun --oversubscribe -np 2 $s2s $(args "$work/loop") --distributed > "$work/loop.log" 2>&1
    report "2 ranks x 1 thread, loopback" "$work/loop" "$work/loop.log" "$base"
    # Weak scaling, as data-parallel training usually runs: each rank keeps the single process's 64 per step.
    mpirun --oversubscribe -np 2 $s2s $(args "$work/loop128" 1 128) --distributed > "$work/loop128.log" 2>&1
    report "2 ranks, loopback, batch 128" "$work/loop128" "$work/loop128.log" "$base"

    if [ "$(id -u)" = 0 ]; then
        Tools/mpi/hosts.sh up "$rate"
        Tools/mpi/mpirun-two-hosts.sh $s2s $(args "$work/veth") --distributed > "$work/veth.log" 2>&1
        report "2 ranks, veth at $rate" "$work/veth" "$work/veth.log" "$base"
        Tools/mpi/mpirun-two-hosts.sh $s2s $(args "$work/veth128" 1 128) --distributed > "$work/veth128.log" 2>&1
        report "2 ranks, veth, batch 128" "$work/veth128" "$work/veth128.log" "$base"
        Tools/mpi/hosts.sh down >/dev/null 2>&1
    fi
}

for round in $(seq "$rounds"); do
    [ "$rounds" -gt 1 ] && echo "round $round of $rounds"
    one_round
done
if [ "$rounds" -gt 1 ]; then
    echo "medians over $rounds rounds"
    # Rows in their first round's order; for each, the median tokens/s over the median of the first row's.
    awk -F '\t' '
        function median(list,   n, v, i, j, t) {
            n = split(list, v, " ")
            for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
            return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        }
        !($1 in rates) { order[++rows] = $1 }
        { rates[$1] = rates[$1] " " $2; ratios[$1] = ratios[$1] " " $3; if ($4 != "") shares[$1] = shares[$1] " " $4 }
        END {
            base = median(rates[order[1]])
            for (r = 1; r <= rows; r++) {
                rate = median(rates[order[r]])
                share = order[r] in shares ? sprintf("; working share %.3f (each round:%s)", median(shares[order[r]]), shares[order[r]]) : ""
                printf "%-28s %9.0f tok/s  %5.2fx  (each round:%s)%s\n", order[r], rate, rate / base, ratios[order[r]], share
            }
        }
    ' "$work/rows.tsv"
fi
