#!/usr/bin/env bash
# An honest unseen-data estimate for the tweet classifier: the dev set picks each run's best
# epoch, so its score overstates unseen tweets. Here every 10th line of train.tsv is held out of training
# *and* of model selection; models train on the other 90% with dev.tsv for selection and are scored on
# the held-out 10% — single models (one per seed) and ensembles of their probabilities.
#
#   Tools/quality/classifier-holdout.sh [SEEDS] [MEMBERS] [-- extra train-classify options]
#     SEEDS    ensembles to build (default 3); MEMBERS models per ensemble (default 3, seeds differ)
#   S2S=.build/release/s2s CORPORA=../shared/corpora LABELS=positive,negative (the binary task) OUT=dir
#   PRETRAIN=3m|0: train-classify's --pretrain (3m: 3 minutes of a word language model on the text of
#     the training tweets — never the held-out ones — which the classifier then starts from; 0, the
#     default, from scratch)
#   EXTRA_TRAIN=FILE: label<TAB>text lines added to the training 90% (other data; never scored)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
S2S=${S2S:-$ROOT/.build/release/s2s}
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
SEEDS=${1:-3}; MEMBERS=${2:-3}; shift $(( $# > 2 ? 2 : $# )); [ "${1:-}" = "--" ] && shift
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/s2s-holdout.XXXXXX")}
DATA=$CORPORA/sentiment/airline
mkdir -p "$OUT"
{ awk 'NR % 10 != 0' "$DATA/train.tsv"; [ -z "${EXTRA_TRAIN:-}" ] || cat "$EXTRA_TRAIN"; } > "$OUT/train90.tsv"
awk 'NR % 10 == 0' "$DATA/train.tsv" > "$OUT/holdout.tsv"
LABEL_ARGS=(); [ -n "${LABELS:-}" ] && LABEL_ARGS=(--labels "$LABELS")
score() { "$S2S" test-classify --json "$@" "$OUT/holdout.tsv" 2>/dev/null \
          | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.4f %.4f" % (d["accuracy"], d["macro_f1"]))'; }

echo "held out: $(wc -l < "$OUT/holdout.tsv") lines of train.tsv; training on $(wc -l < "$OUT/train90.tsv"); labels ${LABELS:-all}"
PRETRAIN_ARGS=(); [ -n "${PRETRAIN:-}" ] && PRETRAIN_ARGS=(--pretrain "$PRETRAIN")
for s in $(seq 1 "$SEEDS"); do
    members=()
    for m in $(seq 1 "$MEMBERS"); do
        seed=$(( (s - 1) * MEMBERS + m )); dir="$OUT/model-$seed"
        start=$(date +%s)
        "$S2S" train-classify --train "$OUT/train90.tsv" --valid "$DATA/dev.tsv" "${LABEL_ARGS[@]}" --seed "$seed" \
            --model-dir "$dir" --overwrite "${PRETRAIN_ARGS[@]}" "$@" > "$dir.log" 2>&1
        echo "seed $seed: held-out accuracy/macro-F1 $(score -m "$dir") ($(( $(date +%s) - start )) s)"
        members+=(-m "$dir")
    done
    if [ "$MEMBERS" -gt 1 ]; then echo "ensemble $s ($MEMBERS members): $(score "${members[@]}")"; fi
done
echo "models in $OUT"
