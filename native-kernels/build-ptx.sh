#!/usr/bin/env bash
# Regenerates the committed PTX of Gated's CUDA kernels from src/main/cuda/kernels.cu, and records the nvcc that
# made it. Run it after changing any .cu/.h file, then commit both outputs. The Maven build never needs nvcc;
# CommittedPtxTest fails when the committed PTX is stale (if the local nvcc is the recorded version).
#
#   -arch=compute_75  the oldest virtual architecture nvcc 13 offers; the driver JIT-compiles it for the GPU
#                     at hand (sm_80, sm_90, ...) when the module is loaded.
#   -fmad=false       no FMA contraction: a*b+c rounds twice, as Java does, so results match the CPU backend.
#   (no --use_fast_math: IEEE division and square root)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/src/main/resources/dev/gated/cuda"
NVCC="${NVCC:-nvcc}"
mkdir -p "$out"
cd "$here/src/main/cuda"   # relative paths only, so the PTX does not depend on where the tree lives
"$NVCC" -ptx -arch=compute_75 -O3 -fmad=false -o "$out/kernels.ptx" kernels.cu
"$NVCC" --version | grep -E '^Cuda compilation tools' > "$out/kernels.ptx.nvcc-version"
echo "wrote $out/kernels.ptx ($(wc -c < "$out/kernels.ptx") bytes) with $(cat "$out/kernels.ptx.nvcc-version")"
