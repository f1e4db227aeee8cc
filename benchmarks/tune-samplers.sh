#!/usr/bin/env bash
# The figures of docs/TUNING.md: random vs quasi-random (Sobol) vs model-based (TPE) search at the same budget
# (best validation objective after 10, 20 and 40 trials, per seed and the mean over SEEDS), ASHA's wall-time saving
# against the same random trials without pruning, and the default job against the best tuned one on the test split.
# Each study is the bundled examples/tune/seattle-weather.yaml with its sampler, seed, budget and pruner replaced;
# studies run one after the other, each with one worker using every core.
#
#   benchmarks/tune-samplers.sh                    # SEEDS="1 2 3", TRIALS=40, EPOCHS=8
#   SEEDS=1 TRIALS=10 EPOCHS=2 benchmarks/tune-samplers.sh    # a quick check
#
# Environment: SEEDS, TRIALS, EPOCHS (training.epochs of every trial, set in a copy of the base job), SAMPLERS
# ("random sobol tpe"), OUT (benchmarks/target/tune), GATED_JAR (cli/target/gated.jar).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SEEDS=${SEEDS:-"1 2 3"}
TRIALS=${TRIALS:-40}
EPOCHS=${EPOCHS:-8}
SAMPLERS=${SAMPLERS:-"random sobol tpe"}
OUT=${OUT:-$ROOT/benchmarks/target/tune}
GATED_JAR=${GATED_JAR:-$ROOT/cli/target/gated.jar}
[ -f "$GATED_JAR" ] || { echo "no $GATED_JAR: build it with mvn -B -q install -DskipTests" >&2; exit 2; }
gated() { java --add-modules jdk.incubator.vector -jar "$GATED_JAR" "$@" 2>/dev/null; }

mkdir -p "$OUT"
# The base job with fewer epochs, next to its data.
sed "s/^  epochs: .*/  epochs: $EPOCHS/; s|path: seattle-weather.csv|path: $ROOT/examples/forecast/seattle-weather.csv|" \
    "$ROOT/examples/forecast/seattle-weather.yaml" > "$OUT/job.yaml"

# study NAME SAMPLER SEED PRUNER -> writes $OUT/NAME.yaml and runs it; prints the wall seconds
study() {
    local name=$1 sampler=$2 seed=$3 pruner=$4 f="$OUT/$1.yaml"
    sed -e "s|job: ../forecast/seattle-weather.yaml|job: $OUT/job.yaml|" -e "s/^  seed: .*/  seed: $seed\n  dir: ${OUT//\//\\/}\/studies/" \
        -e "s/^  trials: .*/  trials: $TRIALS/" -e "s/^  time: .*/  time: 10h/" \
        -e "/^sampler:/,/^pruner:/{s/^  kind: .*/  kind: $sampler/}" \
        -e "/^pruner:/,/^space:/{s/^  kind: .*/  kind: $pruner/}" \
        "$ROOT/examples/tune/seattle-weather.yaml" > "$f"
    local start=$(date +%s.%N)
    gated tune "$f" > "$OUT/$name.log"
    echo "$(date +%s.%N) - $start" | bc
}

# best NAME K -> the best complete objective among trials 0..K-1 (from the leaderboard)
best() {
    awk -F, -v k="$2" 'NR > 1 && $2 == "complete" && $1 < k { if (b == "" || $3 < b) b = $3 } END { if (b != "") printf "%.4f\n", b }' \
        "$OUT/studies/$1/leaderboard.csv"
}

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
echo "## sampler comparison (no pruning), best val_rmse after k trials"
echo "| sampler | seed | 10 | 20 | 40 | wall s |"
echo "|---|---|---|---|---|---|"
for s in $SAMPLERS; do
    for seed in $SEEDS; do
        wall=$(study "$s-$seed" "$s" "$seed" none)
        echo "| $s | $seed | $(best "$s-$seed" 10) | $(best "$s-$seed" 20) | $(best "$s-$seed" 40) | ${wall%.*} |"
    done
done

echo "## ASHA against no pruning (random sampler, seed ${SEEDS%% *}: the same trials)"
seed=${SEEDS%% *}
wall=$(study "asha-$seed" random "$seed" asha)
echo "| random + asha | $seed | $(best "asha-$seed" 10) | $(best "asha-$seed" 20) | $(best "asha-$seed" 40) | ${wall%.*} |"
for st in "random-$seed" "asha-$seed"; do
    python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(sys.argv[2], 'trial seconds summed', round(s['seconds'], 1), '; pruned', s['pruned'], '; complete', s['complete'])" \
        "$OUT/studies/$st/study.json" "$st"
done
echo "pruned trials: $(grep -c '"type":"pruned"' "$OUT/studies/asha-$seed/journal.jsonl" || true) of $TRIALS"

echo "## default job vs best tuned job (test split)"
gated train "$OUT/job.yaml" --set output.dir="$OUT/final" --set output.name=default --overwrite > "$OUT/default.log"
best_study=$(for s in $SAMPLERS; do for seed in $SEEDS; do echo "$(best "$s-$seed" 1000000) $s-$seed"; done; done \
    | sort -g | head -1 | cut -d' ' -f2)
gated train "$OUT/studies/$best_study/best.yaml" --set output.dir="$OUT/final" --set output.name=tuned --overwrite \
    > "$OUT/tuned.log"
for run in default tuned; do
    python3 - "$OUT/final/$run/summary.json" "$run" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
keys = ["best_val_loss", "test_rmse", "test_mae", "test_mase", "test_last_value_rmse", "test_skill_rmse"]
print("| " + sys.argv[2] + " | " + " | ".join(f"{k} {s[k]:.4g}" for k in keys if k in s) + " |")
PY
done
echo "(tuned = best.yaml of $best_study)"
