#!/usr/bin/env bash
# The library as another package meets it: a throw-away package that depends on s2s *by version*
# (`.package(url:from: "0.1.0")`, product S2S) from a local git URL with a tag, built and run. SwiftPM
# treats a versioned dependency more strictly than a path one (the Examples package): it refuses any
# target with unsafe build flags, which is why the SIMD kernels are a C target chosen at run time
# (S2SKernels) rather than Swift built with -target-cpu. CI runs it (.ci/run).
#
#   Tools/consumer/check.sh            # builds the consumer against the current commit (HEAD)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/s2s-consumer.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

git clone -q "$ROOT" "$WORK/s2s"
git -C "$WORK/s2s" tag -f 0.1.0 >/dev/null

mkdir -p "$WORK/consumer/Sources/consumer"
cat > "$WORK/consumer/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "consumer",
    dependencies: [.package(url: "file://$WORK/s2s", from: "0.1.0")],
    targets: [.executableTarget(name: "consumer", dependencies: [.product(name: "S2S", package: "s2s")])])
SWIFT
cat > "$WORK/consumer/Sources/consumer/main.swift" <<'SWIFT'
import S2SCore
import S2STasks

// Something of each layer: the task layer's options and its generated corpus (text → files), and the
// C kernels (which level this CPU runs, and one of them).
var options = TranslationOptions()
options.beamSize = 3
let corpus = try TranslationTrainingJob.Files.dates(directory: NSTemporaryDirectory() + "s2s-consumer-dates")
let x: [Float] = [-20, -0.5, 0, 0.5, 20]
var y: [Float] = [Float](repeating: 0, count: 5)
VectorMath.tanh(count: 5, x, &y)
guard y[0] == -1, y[2] == 0, y[4] == 1, abs(y[3] - 0.46211717) < 1e-6 else { fatalError("tanh gave \(y)") }
print("s2s as a versioned dependency: beam \(options.beamSize), dates corpus at \(corpus.trainSource), \(KernelLevel.summary)")
SWIFT
sed -i '1i import Foundation' "$WORK/consumer/Sources/consumer/main.swift"

swift build -c release --package-path "$WORK/consumer"
"$WORK/consumer/.build/release/consumer"
