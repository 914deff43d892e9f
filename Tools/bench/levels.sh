#!/usr/bin/env bash
# Beam-search speed of one translator at every kernel level this CPU can run (S2S_CPU=generic|avx2|avx512)
# and every weight precision, beside PyTorch's float32 beam search in the same runs: one table of
# level × precision × batch with the ratios to float32 on that level and to PyTorch. Then, with --benches,
# `s2s bench lstm|lm|classify` at every level, their result lines tagged with the level.
#
#     Tools/bench/levels.sh -m Models/en-de [--python PYTHON] [--sentences 64] [--rounds 2] \
#         [--bleu-src test.en --bleu-ref test.de] [--benches "lstm lm classify"]
#
# --python defaults to .venv/bin/python when Tools/reference/setup.sh has made it (else no reference).
# Each cell is `s2s bench translate --skip-train` (medians of its rounds, s2s and PyTorch alternating);
# run it on an idle machine (../shared/tools/quiet Tools/bench/levels.sh …). The first lines name the CPU.
# A level below the CPU's best is forced for everything measured, so that it stands in for a CPU that has
# no more: S2S_CPU for s2s's kernels, and for the libraries beside them OpenBLAS's core type (s2s's gemv
# and the sgemm ceiling) and PyTorch's ATen, oneDNN and MKL instruction sets (the reference).
# With --bleu-src/--bleu-ref each cell also translates that file (beam 5) and scores it lowercased.
set -euo pipefail
cd "$(dirname "$0")/../.."

model="" python=$([ -x .venv/bin/python ] && echo .venv/bin/python || echo none) sentences=64 rounds=2 bleu_src="" bleu_ref="" benches=""
levels="" precisions="float32 bfloat16 bfloat16-dot int8"
s2s=${S2S:-.build/release/s2s}
while [ $# -gt 0 ]; do
    case "$1" in
        -m|--model) model=$2; shift 2 ;;
        --python) python=$2; shift 2 ;;
        --sentences) sentences=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --levels) levels=$2; shift 2 ;;
        --precisions) precisions=$2; shift 2 ;;
        --bleu-src) bleu_src=$2; shift 2 ;;
        --bleu-ref) bleu_ref=$2; shift 2 ;;
        --benches) benches=$2; shift 2 ;;
        *) echo "levels.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$model" ] || [ -n "$benches" ] || { echo "levels.sh: give the translator with -m DIR (or --benches)" >&2; exit 2; }
[ -x "$s2s" ] || { echo "levels.sh: $s2s is missing (swift build -c release --product s2s, or set S2S)" >&2; exit 2; }
best=$("$s2s" --version | sed -n 's/.*best \([a-z0-9]*\).*/\1/p')
if [ -z "$levels" ]; then   # every level up to the best this CPU has
    case "$best" in avx512) levels="generic avx2 avx512" ;; avx2) levels="generic avx2" ;; *) levels="generic" ;; esac
fi

# The environment that forces a level on s2s and on the libraries (only S2S_CPU at the CPU's best).
force() {
    case "$1" in
        "$best") echo "S2S_CPU=$1" ;;
        avx2) echo "S2S_CPU=avx2 OPENBLAS_CORETYPE=Haswell ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2" ;;
        generic) echo "S2S_CPU=generic OPENBLAS_CORETYPE=Prescott ATEN_CPU_CAPABILITY=default ONEDNN_MAX_CPU_ISA=SSE41 MKL_ENABLE_INSTRUCTIONS=SSE4_2" ;;
        *) echo "S2S_CPU=$1" ;;
    esac
}

echo "$(date -u +%Y-%m-%d) commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $("$s2s" --version | sed 's/^[^—]*— //')"
[ -n "$model" ] && echo "model $model, beam 5, $sentences sentences, $rounds rounds; s2s bench translate --skip-train --python $python"
[ -n "$model" ] && printf '%-8s %-13s | %10s %8s %8s | %10s %8s %8s | %6s\n' level precision "b1 sent/s" "×f32" "×torch" "b64 sent/s" "×f32" "×torch" BLEU
for level in ${model:+$levels}; do
    f32_b1="" f32_b64=""
    for precision in $precisions; do
        output=$(env $(force "$level") "$s2s" bench translate -m "$model" --skip-train --weight-precision "$precision" \
                 --python "$python" --sentences "$sentences" --rounds "$rounds" 2>&1) || { echo "$output" >&2; exit 1; }
        read -r b1 t1 < <(echo "$output" | awk '$1 == "beam_b1" { print $2, ($4 == "" ? "-" : $4) }')
        read -r b64 t64 < <(echo "$output" | awk '$1 == "beam_b64" { print $2, ($4 == "" ? "-" : $4) }')
        [ "$precision" = float32 ] && { f32_b1=$b1; f32_b64=$b64; }
        ratio() { [ -n "$2" ] && [ "$2" != "-" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || echo "-"; }
        bleu="-"
        if [ -n "$bleu_src" ]; then
            bleu=$(env $(force "$level") "$s2s" translate -m "$model" --beam-size 5 --weight-precision "$precision" "$bleu_src" 2>/dev/null \
                   | "$s2s" bleu --ref "$bleu_ref" --lowercase | awk '{ print $3 }')
        fi
        printf '%-8s %-13s | %10s %8s %8s | %10s %8s %8s | %6s\n' "$level" "$precision" "$b1" "$(ratio "$b1" "$f32_b1")" \
            "$(ratio "$b1" "$t1")" "$b64" "$(ratio "$b64" "$f32_b64")" "$(ratio "$b64" "$t64")" "$bleu"
    done
done

# The other benchmarks: each one's lines after its kernel summary, tagged with the level.
for bench in $benches; do
    for level in $levels; do
        output=$(env $(force "$level") "$s2s" bench "$bench" --python "$python" 2>&1) || { echo "$output" >&2; exit 1; }
        echo "$output" | sed -n '/^kernels /,$p' | tail -n +2 | sed "s/^/$bench $level  /"
    done
done
