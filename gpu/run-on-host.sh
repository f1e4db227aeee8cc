#!/usr/bin/env bash
# Run ON THE GPU HOST, in the repository root, with the bundle `.gpu/` made by gpu/prepare.sh carried along:
#
#   run(command: "bash gpu/run-on-host.sh", carry: [".gpu"])
#
# One call does everything, writing under $OUT (default target/gpu-out):
#   nvidia-smi.txt, nvidia-smi-q.txt   the GPU, driver, clocks, memory
#   bundle-info.txt, gated-info.txt    the CUDA libraries found; `gated info` (backends and device selection)
#   tests-native-kernels.txt           native-kernels' own tests (dev.gated.cuda), run in native-kernels/
#   tests-integration-tests.txt        every GPU class of integration-tests (conformance, parity, memory,
#                                      out-of-memory, selection) and the CPU parity harness
#   test-reports/<part>/*.xml          JUnit XML reports of both
#   bench-gated.json, bench-gated.log  GpuBench: training-step times, FP32 and TF32, LSTM and GRU, S/M/L/M2
#   bench-pytorch.json, bench-pytorch.log  the same step in PyTorch (benchmarks/gpu/pytorch_bench.py)
#   bench-table.md                     both joined: ms/step, ratio, TFLOP/s, % of peak (benchmarks/gpu/join.py)
#   summary.txt                        what ran and each part's exit status
# Exit status: the tests' status when a test failed (the benchmark still runs); else the benchmark's (3: no GPU).
#
# Environment: OUT, NATIVE_TEST_TIMEOUT (s, default 90), TEST_TIMEOUT (s, integration tests, default 270),
# BENCH_TIMEOUT (s per tool, default 120; the defaults add up to the 600 s a `run` call may take), BENCH_ARGS (extra
# arguments for both benches, e.g. "--steps 20"), TEST_SELECT (JUnit launcher selectors for the integration tests).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/target/gpu-out}
B=.gpu
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)  # absolute: the native-kernels tests run in their module folder
SUMMARY=$OUT/summary.txt
: > "$SUMMARY"
note() { echo "run-on-host: $*" | tee -a "$SUMMARY"; }

if [[ ! -f $B/run.sh ]]; then
  note "no bundle in $B: run gpu/prepare.sh where Maven is, and carry .gpu"
  exit 2
fi
# the CPU backend (the parity suite's reference side) uses the Vector API when the module is there
export JDK_JAVA_OPTIONS="--add-modules jdk.incubator.vector ${JDK_JAVA_OPTIONS:-}"

nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || echo "(nvidia-smi failed or is absent: no NVIDIA driver here)" >> "$OUT/nvidia-smi.txt"
nvidia-smi -q > "$OUT/nvidia-smi-q.txt" 2>&1 || true
bash $B/run.sh info > "$OUT/bundle-info.txt" 2>&1
note "bundle info: exit $?"
bash $B/run.sh java -cp "$B/lib/*" dev.gated.cli.Gated info > "$OUT/gated-info.txt" 2>&1
note "gated info: exit $? ($(grep -m1 -- '--device auto' "$OUT/gated-info.txt" | sed 's/^ *//'))"

# --- tests: native-kernels' own tests (run in their module folder: some read src/main/cuda), then every GPU
# class of integration-tests and the CPU parity harness (proves the comparison code on this host too) ---
run_tests() { # run_tests NAME DIR TIMEOUT SELECTORS...
  local name=$1 dir=$2 limit=$3
  shift 3
  (cd "$dir" && timeout "$limit" bash "$ROOT/$B/run.sh" test "$@" --reports-dir "$OUT/test-reports/$name" \
    --disable-banner --disable-ansi-colors) > "$OUT/tests-$name.txt" 2>&1
  local rc=$?
  note "tests $name: exit $rc ($(grep -E '^\[ *[0-9]+ tests (successful|failed|aborted|skipped)' "$OUT/tests-$name.txt" \
    | tr -s ' ' | paste -sd, -))"
  grep -E "^SKIPPED" "$OUT/tests-$name.txt" | sort -u | sed 's/^/run-on-host:   /' | tee -a "$SUMMARY"
  return $rc
}
ROOT=$PWD
tests=0
run_tests native-kernels native-kernels "${NATIVE_TEST_TIMEOUT:-90}" --select-package dev.gated.cuda || tests=$?
if [[ -n ${TEST_SELECT:-} ]]; then
  read -r -a select <<< "$TEST_SELECT"
else
  select=(--select-package dev.gated.it --include-classname '^dev\.gated\.it\.(Gpu[A-Za-z0-9]*|Cpu[A-Za-z0-9]*Parity)Test$')
fi
run_tests integration-tests . "${TEST_TIMEOUT:-270}" "${select[@]}" || tests=$?

# --- benchmark: Gated, then PyTorch, one after the other on the same GPU ---
read -r -a extra <<< "${BENCH_ARGS:-}"
timeout "${BENCH_TIMEOUT:-120}" bash $B/run.sh java -cp "$B/lib/*" dev.gated.bench.GpuBench --out "$OUT/bench-gated.json" \
  "${extra[@]}" > "$OUT/bench-gated.log" 2>&1
gated=$?
note "gated bench: exit $gated ($(tail -n 1 "$OUT/bench-gated.log"))"
timeout "${BENCH_TIMEOUT:-120}" python3 benchmarks/gpu/pytorch_bench.py --out "$OUT/bench-pytorch.json" "${extra[@]}" \
  > "$OUT/bench-pytorch.log" 2>&1
torch=$?
note "pytorch bench: exit $torch ($(tail -n 1 "$OUT/bench-pytorch.log"))"
gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)
python3 benchmarks/gpu/join.py "$OUT/bench-gated.json" "$OUT/bench-pytorch.json" ${gpu_name:+--gpu-name "$gpu_name"} \
  > "$OUT/bench-table.md" 2>> "$SUMMARY"
note "join: exit $? -> $OUT/bench-table.md"
cat "$OUT/bench-table.md"

if (( tests != 0 )); then
  note "FAILED: tests exited $tests (see tests-*.txt and test-reports/)"
  exit "$tests"
fi
bench=$(( gated != 0 ? gated : torch ))
(( bench == 3 )) && note "no GPU here: the GPU tests were skipped and the benchmarks did not run"
exit "$bench"
