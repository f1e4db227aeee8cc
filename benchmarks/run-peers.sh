#!/usr/bin/env bash
# Times training steps of Gated (bench report), the PyTorch peer (libtorch through DJL, ../shared/peers) and the
# Deeplearning4j peer (../shared/peers-dl4j) on the same shapes, one tool after the other (never at the same time),
# each run in a fresh JVM, in REPS alternating rounds. Prints one line per run and a markdown summary at the end.
# A tool whose jar is missing is skipped with a message. See docs/BENCHMARKS.md for what each tool times.
#
#   benchmarks/run-peers.sh                          # S and M, lstm and gru, 2 rounds, all cores
#   SHAPES="L1-I16-H32-T10-B8" STEPS=5 WARMUP=2 REPS=1 benchmarks/run-peers.sh   # a quick check
#
# Environment: SHAPES ("S M"; also L<layers>-I<input>-H<hidden>-T<seq>-B<batch>), CELLS ("lstm gru"), REPS (2),
# GATED_THP (1: Gated's JVM with transparent huge pages where Linux offers them, as `gated` starts it; 0: without),
# THREADS (all cores), STEPS / WARMUP (per shape: S 100/10, M 10/2, custom 20/3), TOOLS ("gated pytorch dl4j"),
# GATED_JAR, PEERS_JAR, DL4J_JAR (jar paths), LOG (stderr of every run; benchmarks/target/run-peers.log).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHAPES=${SHAPES:-"S M"}
CELLS=${CELLS:-"lstm gru"}
REPS=${REPS:-2}
THREADS=${THREADS:-$(nproc)}
TOOLS=${TOOLS:-"gated pytorch dl4j"}
GATED_JAR=${GATED_JAR:-$ROOT/benchmarks/target/benchmarks.jar}
PEERS_JAR=${PEERS_JAR:-$ROOT/../shared/peers/target/peers.jar}
DL4J_JAR=${DL4J_JAR:-$ROOT/../shared/peers-dl4j/target/peers-dl4j.jar}
LOG=${LOG:-$ROOT/benchmarks/target/run-peers.log}
mkdir -p "$(dirname "$LOG")"

# shape -> "layers input hidden seq batch steps warmup"
dims() {
    case "$1" in
        S) echo "1 32 128 50 32 ${STEPS:-100} ${WARMUP:-10}" ;;
        M) echo "2 256 512 100 64 ${STEPS:-10} ${WARMUP:-2}" ;;
        *)
            if [[ "$1" =~ ^L([0-9]+)-I([0-9]+)-H([0-9]+)-T([0-9]+)-B([0-9]+)$ ]]; then
                echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]} ${BASH_REMATCH[4]} ${BASH_REMATCH[5]} ${STEPS:-20} ${WARMUP:-3}"
            else
                echo "run-peers: unknown shape '$1' (expected S, M or L<l>-I<i>-H<h>-T<t>-B<b>)" >&2
                exit 2
            fi
            ;;
    esac
}

available() { # available TOOL
    local jar hint
    case "$1" in
        gated) jar=$GATED_JAR; hint="build it with: mvn -B -DskipTests package -pl benchmarks -am" ;;
        pytorch) jar=$PEERS_JAR; hint="build it with: (cd ../shared/peers && mvn -B package)" ;;
        dl4j) jar=$DL4J_JAR; hint="build it with: (cd ../shared/peers-dl4j && mvn -B package)" ;;
        *) echo "run-peers: unknown tool '$1' (expected gated, pytorch or dl4j)" >&2; exit 2 ;;
    esac
    if [ -f "$jar" ]; then return 0; fi
    echo "# $1: skipped, $jar is missing; $hint"
    return 1
}

ENABLED=()
for tool in $TOOLS; do
    if available "$tool"; then ENABLED+=("$tool"); fi
done
for shape in $SHAPES; do dims "$shape" >/dev/null || exit 2; done

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) threads=$THREADS reps=$REPS shapes='$SHAPES' cells='$CELLS' tools='${ENABLED[*]:-none}'"
echo "# machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; $(java -version 2>&1 | head -1)"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) run-peers threads=$THREADS" >>"$LOG"

RESULTS=()
ERR=$(mktemp)
trap 'rm -f "$ERR"' EXIT
# hs_err files of crashed JVMs go next to the log, not into the current folder.
JVM_ERRFILE="-XX:ErrorFile=$(dirname "$LOG")/hs_err_pid%p.log"
# Gated runs with the JVM flags its `gated` command uses: huge pages where Linux offers them (GATED_THP=0: off).
# shellcheck source=../gated-java-flags.sh
. "$ROOT/gated-java-flags.sh"
echo "# gated JVM flags: ${GATED_JAVA_FLAGS[*]}"

run_one() { # run_one TOOL CELL SHAPE
    local tool=$1 cell=$2 shape=$3 out line rc
    read -r L I H T B S W <<<"$(dims "$shape")"
    case "$tool" in
        gated)
            # Gated warms up for at least W steps and 2 s (JIT compilation); the peers run native code.
            out=$(java "$JVM_ERRFILE" "${GATED_JAVA_FLAGS[@]}" -cp "$GATED_JAR" dev.gated.bench.BenchReport \
                --format lines --cells "$cell" --shapes "L$L-I$I-H$H-T$T-B$B" --threads "$THREADS" --steps "$S" \
                --warmup "$W" 2>"$ERR") ;;
        pytorch)
            out=$(java "$JVM_ERRFILE" -jar "$PEERS_JAR" bench --cell "$cell" --layers "$L" --input "$I" --hidden "$H" \
                --seq "$T" --batch "$B" --steps "$S" --warmup "$W" --threads "$THREADS" 2>"$ERR") ;;
        dl4j)
            if [ "$cell" != lstm ]; then
                echo "# dl4j $cell $shape: skipped, the DL4J peer times LSTM only"
                return
            fi
            out=$(OMP_NUM_THREADS=$THREADS java "$JVM_ERRFILE" -jar "$DL4J_JAR" bench --layers "$L" --input "$I" \
                --hidden "$H" --seq "$T" --batch "$B" --out-dim 1 --steps "$S" --warmup "$W" --threads "$THREADS" \
                2>"$ERR") ;;
    esac
    rc=$?
    { echo "## $tool $cell $shape (exit code $rc)"; cat "$ERR"; } >>"$LOG"
    line=$(grep -E '^samples_per_s=' <<<"$out" | tail -1)
    if [ -z "$line" ]; then
        local why="exit code $rc, no samples_per_s line; see $LOG"
        if grep -q SIGILL "$ERR" || grep -q SIGILL <<<"$out"; then
            why="crashed with SIGILL: its native code uses instructions this CPU lacks"
            [ "$tool" = dl4j ] && why="$why (the jar is built for AVX-512 by default; rebuild it with
#   (cd ../shared/peers-dl4j && mvn -B package -Dnd4j.classifier=linux-x86_64-onednn-avx2))"
        fi
        echo "# $tool $cell $shape: FAILED, $why"
        return
    fi
    echo "$tool $cell $shape $line"
    RESULTS+=("$tool $cell $shape $line")
}

for ((r = 1; r <= REPS; r++)); do
    for shape in $SHAPES; do
        for cell in $CELLS; do
            for tool in "${ENABLED[@]}"; do
                run_one "$tool" "$cell" "$shape"
            done
        done
    done
done

[ ${#RESULTS[@]} -gt 0 ] || { echo "# no results"; exit 1; }
echo
echo "| shape | cell | tool | runs | ms/step (median of runs) | range | samples/s |"
echo "|---|---|---|---:|---:|---|---:|"
printf '%s\n' "${RESULTS[@]}" | sed -E 's/samples_per_s=([^ ]+) ms_per_step=([^ ]+)/\1 \2/' | sort -k3,3 -k2,2 -k1,1 -s | awk '
    function flush() {
        if (n == 0) return
        for (i = 2; i <= n; i++) { v = ms[i]; for (j = i - 1; j >= 1 && ms[j] > v; j--) ms[j + 1] = ms[j]; ms[j + 1] = v }
        med = (n % 2) ? ms[(n + 1) / 2] : (ms[n / 2] + ms[n / 2 + 1]) / 2
        printf "| %s | %s | %s | %d | %.2f | %.2f to %.2f | %.0f |\n", s, c, t, n, med, ms[1], ms[n], batch * 1000 / med
        n = 0
    }
    { key = $1 " " $2 " " $3
      if (key != prev) { flush(); prev = key; t = $1; c = $2; s = $3 }
      n++; ms[n] = $5; batch = $4 * $5 / 1000 }
    END { flush() }'
