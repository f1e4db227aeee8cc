# Sourced by ./gated and benchmarks/run-peers.sh (one definition of how Gated's JVM starts): sets the array
# GATED_JAVA_FLAGS.
# The CPU backend may use the Vector API (an incubator module in Java 17) when the JVM has it.
GATED_JAVA_FLAGS=(--add-modules jdk.incubator.vector)
# Transparent huge pages for the heap where Linux offers them (mode "always" or "madvise"): the weight-gradient
# GEMMs read dG^T with an 8 KiB stride, one TLB entry per row with 4 KiB pages (LSTM M step ~5% faster, see
# docs/BENCHMARKS.md). Where the mode is "never" (or not Linux) the JVM would print a warning, so the flag is left
# out there. GATED_JAVA_OPTS=-XX:-UseTransparentHugePages turns it off in ./gated, GATED_THP=0 in run-peers.sh.
case "${GATED_THP:-1}" in
    0 | 1) ;;
    *) echo "gated: GATED_THP must be 0 (no huge pages) or 1 (huge pages where Linux offers them), got '$GATED_THP'" >&2
       exit 2 ;;
esac
if [ "${GATED_THP:-1}" = 1 ] && [ -r /sys/kernel/mm/transparent_hugepage/enabled ]; then
    read -r thp </sys/kernel/mm/transparent_hugepage/enabled
    case "$thp" in *"[never]"*) ;; *) GATED_JAVA_FLAGS+=(-XX:+UseTransparentHugePages) ;; esac
fi
