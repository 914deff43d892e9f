#!/usr/bin/env bash
# Regenerates Docs/callpaths.md: the files, targets and functions one translator training step and one
# beam-search step run through, from perf samples of a debug build (README.md beside this script).
# Needs linux-perf, binutils and python3; CI does not run it, it checks the result
# (Tools/check/doc-paths.sh: every file and function the map names still exists).
#
#     Tools/callpath/map.sh          # about 5 minutes on 2 cores; then commit Docs/callpaths.md
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
swift build --product s2s >/dev/null
binary=.build/debug/s2s
perf record -q -F 4000 -g -o "$work/step.data" "$binary" train-translate --model-dir "$work/model" \
    --max-steps 3 --threads 1 --validate-every 1000 --batch-size 8 >/dev/null 2>&1
perf script -i "$work/step.data" -F ip,sym > "$work/step.txt" 2>/dev/null
head -n 200 Corpora/dates/test.src > "$work/source.txt"
perf record -q -F 4000 -g -o "$work/beam.data" "$binary" translate -m "$work/model" --beam-size 5 --threads 1 \
    < "$work/source.txt" >/dev/null 2>&1
perf script -i "$work/beam.data" -F ip,sym > "$work/beam.txt" 2>/dev/null
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
{
    echo "# Call paths (generated: do not edit)"
    echo
    echo "Written by \`Tools/callpath/map.sh\` on $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD), $cpu:"
    echo "perf samples of a debug build (debug keeps functions apart), \`train-translate\` on the dates corpus (3 steps,"
    echo "batch 8, one thread) and \`translate --beam-size 5\` of 200 of its test lines. Files are listed in the order the"
    echo "sampled chains reach them, from the step's own function down to the C kernels. CI checks that every file and"
    echo "function named here still exists (\`Tools/check/doc-paths.sh\`), so a rename fails the build until this map is"
    echo "regenerated. The prose version, with what each file does: [layout.md](layout.md)."
    echo
    python3 Tools/callpath/callpath.py "$work/step.txt" "$binary" trainStep --markdown "One translator training step"
    python3 Tools/callpath/callpath.py "$work/beam.txt" "$binary" 10BeamSearchV6decode --markdown "One beam-search step"
} > Docs/callpaths.md
echo "wrote Docs/callpaths.md" >&2
