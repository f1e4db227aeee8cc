#!/usr/bin/env bash
# Run HERE (a machine with a JDK and Maven, no GPU needed), from anywhere in the repository:
#
#   gpu/prepare.sh
#
# builds the project and the bundle `.gpu/` (a Java runtime, every jar, the test classes, the retargeted JCublas
# natives; ../shared/gpu/make-bundle.sh), checks that it fits the 64 MiB a `run` call may carry, and keeps it out
# of git. Then a session with a GPU runs everything in one call (docs/GPU.md):
#
#   run(command: "bash gpu/run-on-host.sh", carry: [".gpu"])
#
# Environment: GATED_SHARED (default ../shared: where gpu/make-bundle.sh lives).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${GATED_SHARED:-../shared}
LIMIT=$((64 * 1024 * 1024))

[[ -f $SHARED/gpu/make-bundle.sh ]] || { echo "prepare: $SHARED/gpu/make-bundle.sh not found (set GATED_SHARED)" >&2; exit 2; }

# The CPU backend's float32 kernels use the Vector API: the bundled runtime needs jdk.incubator.vector too
# (run-on-host.sh adds the module).
export JRT_MODULES=${JRT_MODULES:-java.base,java.logging,java.management,java.naming,java.xml,java.desktop,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.incubator.vector}
bash "$SHARED/gpu/make-bundle.sh" .gpu

# The shaded jars (cli's gated.jar, benchmarks.jar; ~35 MB) repeat the module jars and dependencies that lib/ already
# holds one by one; without them the bundle fits the 64 MiB a call may carry.
for shaded in gated.jar benchmarks.jar; do
  [[ -f .gpu/lib/$shaded ]] || continue
  module_jar=$( [[ $shaded == gated.jar ]] && echo gated-cli || echo gated-benchmarks )
  ls .gpu/lib/"$module_jar"-*.jar >/dev/null 2>&1 || { echo "prepare: .gpu/lib lacks $module_jar-*.jar, keeping $shaded" >&2; continue; }
  rm -f ".gpu/lib/$shaded"
done

# ONNX Runtime (~52 MiB, natives for every platform) is a test dependency of engine only: the ONNX export's tests
# run here, never on the GPU host (run-on-host.sh runs native-kernels' and integration-tests' GPU classes), and they
# skip with a reason where it is missing. Without it the bundle stays under the limit.
rm -f .gpu/lib/onnxruntime-*.jar

# Likewise dependencies that no GPU-host test loads: Testcontainers, docker-java and their JNA (the container tests
# run in CI, not on the GPU host); DJL's Hugging Face tokenizers with its API and commons-compress/-io (~21 MB, used
# only with data.tokenizer: {huggingface: ...}, which no GPU class reads); XChart's PDF/SVG back ends (pdfbox,
# fontbox, VectorGraphics2D: the plots are PNG, and no GPU class draws one).
rm -f .gpu/lib/testcontainers-*.jar .gpu/lib/docker-java-*.jar .gpu/lib/jna-*.jar \
  .gpu/lib/tokenizers-*.jar .gpu/lib/api-0.*.jar .gpu/lib/commons-compress-*.jar .gpu/lib/commons-io-*.jar \
  .gpu/lib/pdfbox-*.jar .gpu/lib/fontbox-*.jar .gpu/lib/graphics2d-*.jar .gpu/lib/VectorGraphics2D-*.jar

# what the host needs besides the bundle comes with the working tree: gpu/run-on-host.sh, benchmarks/gpu/*.py
size=$(du -sb .gpu | cut -f1)
printf 'prepare: .gpu is %s bytes (%.1f MiB; limit 64 MiB)\n' "$size" "$(echo "$size / 1048576" | bc -l)"
if (( size >= LIMIT )); then
  echo "prepare: .gpu is too large to carry (>= 64 MiB); leave test dependencies out or compress more" >&2
  exit 1
fi

exclude=$(git rev-parse --git-path info/exclude 2>/dev/null || echo .git/info/exclude)
mkdir -p "$(dirname "$exclude")"
grep -qxF '/.gpu/' "$exclude" 2>/dev/null || echo '/.gpu/' >> "$exclude"
echo "prepare: done; on the GPU host: bash gpu/run-on-host.sh   (carry .gpu)"
