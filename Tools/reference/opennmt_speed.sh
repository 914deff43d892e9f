#!/bin/bash
# onmt_translate against s2s on the same imported model and sentences, one run, one at a time:
# beam 5, length penalty avg, batch 30 and 1; s2s in float32 and int8. Prints seconds, peak RSS and how
# many best outputs equal onmt_translate's. Run under ../shared/tools/quiet (a benchmark).
#
#   Tools/reference/opennmt_speed.sh PYTHON MODEL.pt S2S_MODEL_DIR SOURCE
#
# PYTHON: a venv's python with OpenNMT-py 3.5.1; S2S_MODEL_DIR: `s2s import opennmt MODEL.pt` of it;
# SOURCE: tokenized sentences, one a line (e.g. the test set opennmt_fixtures.py writes).
set -eu
python=$1 model=$2 imported=$3 source=$4
here=$(cd "$(dirname "$0")" && pwd)
s2s=$here/../../.build/release/s2s
out=$(mktemp -d)
export TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1
lines=$(wc -l < "$source")
for batch in 30 1; do
    echo "== onmt_translate, batch $batch"
    /usr/bin/time -f "%e s wall, %M KB peak" "$python" "$here/opennmt_fixtures.py" --onmt-translate -model "$model" -src "$source" \
        -output "$out/onmt.$batch" -beam_size 5 -batch_size "$batch" 2>&1 | grep -E "Time w/o|wall"
    for precision in float32 int8; do
        echo "== s2s $precision, batch $batch"
        /usr/bin/time -f "%e s wall, %M KB peak" "$s2s" translate -m "$imported" --beam-size 5 --length-penalty avg \
            --batch-size "$batch" --weight-precision "$precision" "$source" 2>&1 > "$out/s2s.$precision.$batch" | grep -E "wall|translated"
        echo "   the same best output as onmt_translate: $(paste -d'\t' "$out/s2s.$precision.$batch" "$out/onmt.$batch" | awk -F'\t' '$1==$2' | wc -l) of $lines"
    done
done
rm -rf "$out"
