#!/usr/bin/env bash
# The figures of docs/TUNING.md: random vs quasi-random (Sobol) vs model-based (TPE) search at the same budget
# (best validation objective after 10, 20 and 40 trials, per seed and the mean over SEEDS), ASHA's wall-time saving
# against the same random trials without pruning, and the default job against the best tuned one on the test split.
# Each study is the study file STUDY (default: the bundled examples/tune/seattle-weather.yaml) with its sampler,
# seed, budget and pruner replaced; studies run one after the other, each with one worker using every core.
#
#   benchmarks/tune-samplers.sh                    # SEEDS="1 2 3", TRIALS=40, EPOCHS=8
#   SEEDS=1 TRIALS=10 EPOCHS=2 benchmarks/tune-samplers.sh    # a quick check
#   STUDY=examples/tune/co2-concentration.yaml EPOCHS=30 benchmarks/tune-samplers.sh
#
# Environment: STUDY, SEEDS, TRIALS, EPOCHS (training.epochs of every trial, set in a copy of the base job),
# SAMPLERS ("random sobol tpe"), OUT (benchmarks/target/tune), GATED_JAR (cli/target/gated.jar).
# The study file is read line by line, so it must be YAML laid out as the bundled ones are: top-level sections
# (study, objective, budget, sampler and pruner among them) with their keys indented by two spaces.
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

STUDY=$(realpath -m "${STUDY:-$ROOT/examples/tune/seattle-weather.yaml}")
[ -f "$STUDY" ] || { echo "no study file $STUDY" >&2; exit 2; }
# key SECTION KEY FILE -> the value of "  KEY:" under the top-level "SECTION:" (comment and quotes removed)
key() {
    awk -v sec="$1:" -v key="  $2:" '/^[^ #]/ { in_sec = ($1 == sec) }
        in_sec && index($0, key) == 1 { v = substr($0, length(key) + 1); sub(/[ \t]+#.*/, "", v); gsub(/^[ \t"\x27]+|[ \t"\x27]+$/, "", v); print v; exit }' "$3"
}
# The base job is relative to the study file, its data.path relative to the job.
job=$(key study job "$STUDY"); [ "${job#/}" != "$job" ] || job=$(realpath -m "$(dirname "$STUDY")/$job")
[ -f "$job" ] || { echo "no base job $job (study.job of $STUDY)" >&2; exit 2; }
data=$(key data path "$job"); [ "${data#/}" != "$data" ] || data=$(realpath -m "$(dirname "$job")/$data")
# The objective and its direction, with gated's defaults (val_loss; maximize for accuracy- and f1-like metrics).
METRIC=$(key objective metric "$STUDY"); METRIC=${METRIC:-val_loss}
DIRECTION=$(key objective direction "$STUDY")
[ -n "$DIRECTION" ] || case $METRIC in *accuracy|*f1) DIRECTION=maximize ;; *) DIRECTION=minimize ;; esac

mkdir -p "$OUT"
# The base job with fewer epochs (replaced, or added when the job leaves training.epochs out), next to its data.
awk -v epochs="$EPOCHS" -v data="$data" '
    /^[^ #]/ { if (sec == "training:" && !done) print "  epochs: " epochs; sec = $1; done = 0 }
    sec == "data:" && /^  path:/ { print "  path: " data; next }
    sec == "training:" && /^  epochs:/ { print "  epochs: " epochs; done = 1; next }
    { print }
    END { if (sec == "training:" && !done) print "  epochs: " epochs }' "$job" > "$OUT/job.yaml"

# study NAME SAMPLER SEED PRUNER -> writes $OUT/NAME.yaml and runs it; prints the wall seconds
study() {
    local name=$1 sampler=$2 seed=$3 pruner=$4 f="$OUT/$1.yaml"
    # The study section's job, seed, dir and name are replaced (the study folder is $OUT/studies/NAME).
    sed -e "/^study:/,/^[^ #]/{/^  \(job\|seed\|dir\|name\):/d}" \
        -e "s|^study:.*|study:\n  job: $OUT/job.yaml\n  seed: $seed\n  dir: $OUT/studies|" \
        -e "s/^  trials: .*/  trials: $TRIALS/" -e "s/^  time: .*/  time: 10h/" \
        -e "/^sampler:/,/^[^ #]/{s/^  kind: .*/  kind: $sampler/}" \
        -e "/^pruner:/,/^[^ #]/{s/^  kind: .*/  kind: $pruner/}" \
        "$STUDY" > "$f"
    local start=$(date +%s.%N)
    gated tune "$f" > "$OUT/$name.log"
    echo "$(date +%s.%N) - $start" | bc
}

# best NAME K -> the best complete objective among trials 0..K-1 (from the leaderboard), in the study's direction
best() {
    awk -F, -v k="$2" -v max="$([ "$DIRECTION" = maximize ] && echo 1 || echo 0)" \
        'NR > 1 && $2 == "complete" && $1 < k { if (b == "" || (max ? $3 > b : $3 < b)) b = $3 } END { if (b != "") printf "%.4f\n", b }' \
        "$OUT/studies/$1/leaderboard.csv"
}

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
echo "## sampler comparison (no pruning), best $METRIC after k trials"
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
    | sort -g $([ "$DIRECTION" = maximize ] && echo -r) | head -1 | cut -d' ' -f2)
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
