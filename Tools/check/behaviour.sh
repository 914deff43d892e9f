#!/usr/bin/env bash
# What a refactoring must not change, as checksums: the model bytes of each train-* command after a few
# steps (seeded, one thread per shard, so deterministic), and the beam-search output of a trained
# translator on test_2016. Run it before and after a change and diff the two files:
#
#     Tools/check/behaviour.sh before.txt [-m Models/en-de]    # on the old commit
#     Tools/check/behaviour.sh after.txt  [-m Models/en-de]    # on the new one; then: diff before.txt after.txt
#
# Uses the release binary of this checkout (swift build -c release --product s2s) and ../shared/corpora.
# About 3 minutes on 2 cores (plus the translation, about 10 s a precision).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1; shift
model=""
[ "${1:-}" = "-m" ] && model=$2
s2s=${S2S:-$root/.build/release/s2s}
C=${CORPORA:-$root/../shared/corpora}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sum() { sha256sum "$@" | awk '{ print $1 }'; }
: > "$out"
echo "# $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown) — $("$s2s" --version)" >> "$out"

"$s2s" train-translate --train-src "$C/translation/multi30k/train.en" --train-tgt "$C/translation/multi30k/train.de" \
    --valid-src "$C/translation/multi30k/val.en" --valid-tgt "$C/translation/multi30k/val.de" --bpe-merges 2000 \
    --lowercase --max-steps 12 --validate-every 6 --model-dir "$work/translate" --threads 2 > /dev/null 2>&1
echo "train-translate model.safetensors $(sum "$work/translate/model.safetensors")" >> "$out"
"$s2s" train-lm --train "$C/lm/tinyshakespeare/train.txt" --valid "$C/lm/tinyshakespeare/val.txt" \
    --max-steps 12 --validate-every 6 --model-dir "$work/lm" --threads 2 > /dev/null 2>&1
echo "train-lm model.safetensors $(sum "$work/lm/model.safetensors")" >> "$out"
"$s2s" train-classify --train "$C/sentiment/airline/train.tsv" --valid "$C/sentiment/airline/dev.tsv" \
    --max-steps 12 --model-dir "$work/classify" --threads 2 > /dev/null 2>&1
echo "train-classify model.safetensors $(sum "$work/classify/model.safetensors")" >> "$out"
# What the trained models then produce.
head -50 "$C/translation/multi30k/test_2016_flickr.en" | "$s2s" translate -m "$work/translate" 2>/dev/null > "$work/t.txt"
echo "translate (12-step model, 50 lines) $(sum "$work/t.txt")" >> "$out"
"$s2s" generate -m "$work/lm" --prompt "ROMEO:" --max-tokens 100 --seed 3 2>/dev/null > "$work/g.txt"
echo "generate (12-step model) $(sum "$work/g.txt")" >> "$out"
"$s2s" classify -m "$work/classify" --prob < <(cut -f2 "$C/sentiment/airline/dev.tsv" | head -200) 2>/dev/null > "$work/c.txt"
echo "classify (12-step model, 200 lines) $(sum "$work/c.txt")" >> "$out"
if [ -n "$model" ]; then
    for precision in float32 bfloat16 int8; do
        "$s2s" translate -m "$model" --beam-size 5 --weight-precision "$precision" \
            < "$C/translation/multi30k/test_2016_flickr.en" 2>/dev/null > "$work/test.$precision"
        echo "translate $model test_2016 beam 5 $precision $(sum "$work/test.$precision")" >> "$out"
    done
fi
cat "$out"
