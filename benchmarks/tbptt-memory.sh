#!/usr/bin/env bash
# The memory table of docs/TEXT.md ("Long texts: truncated BPTT"): truncated-BPTT training of the first N characters
# of the King James Bible (examples/text/kjv.txt.gz) with fixed K1 = 100, K2 = 50, 32 streams and an LSTM of 128,
# STEPS optimizer steps each, one JVM per length (-Xmx2g, so that the heap is not sized by the machine); then, for
# the contrast, ordinary training (no tbptt) of the same model on windows of W characters of the 1,000,000-character
# text, WSTEPS steps each, for each W in WINDOWS. One line per run: mode, chars, steps, heap MiB after GC once loaded,
# peak heap MiB after GC while training, their difference, peak RSS MiB.
#
#   benchmarks/tbptt-memory.sh                        # LENGTHS="100000 1000000 4000000", STEPS=40, WINDOWS="100 1000 4000"
#   LENGTHS="100000 400000" STEPS=20 benchmarks/tbptt-memory.sh
#
# Environment: LENGTHS, STEPS, WINDOWS, WSTEPS (10), TEXT (examples/text/kjv.txt.gz), OUT (benchmarks/target/tbptt-memory),
# BENCH_JAR (benchmarks/target/benchmarks.jar; build it with mvn -B -q package -DskipTests -pl benchmarks -am).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LENGTHS=${LENGTHS:-"100000 1000000 4000000"}
STEPS=${STEPS:-40}
WINDOWS=${WINDOWS:-"100 1000 4000"}
WSTEPS=${WSTEPS:-10}
TEXT=${TEXT:-$ROOT/examples/text/kjv.txt.gz}
OUT=${OUT:-$ROOT/benchmarks/target/tbptt-memory}
BENCH_JAR=${BENCH_JAR:-$ROOT/benchmarks/target/benchmarks.jar}
[ -f "$BENCH_JAR" ] || { echo "no $BENCH_JAR: build it with mvn -B -q package -DskipTests -pl benchmarks -am" >&2; exit 2; }
printf 'mode\tchars\tsteps\theap_loaded_mib\theap_training_peak_mib\ttraining_mib\tpeak_rss_mib\n'
for n in $LENGTHS; do
    java --add-modules jdk.incubator.vector -Xmx2g -cp "$BENCH_JAR" dev.gated.bench.TbpttMemory "$TEXT" "$n" \
        "$STEPS" "$OUT" 2>/dev/null
done
for w in $WINDOWS; do
    java --add-modules jdk.incubator.vector -Xmx2g -cp "$BENCH_JAR" dev.gated.bench.TbpttMemory "$TEXT" 1000000 \
        "$WSTEPS" "$OUT" "$w" 2>/dev/null
done
