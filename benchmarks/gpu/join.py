#!/usr/bin/env python3
"""Joins GpuBench's and pytorch_bench.py's JSON into the markdown table docs/BENCHMARKS.md records.

    python3 benchmarks/gpu/join.py gated.json pytorch.json [--gpu-name NAME] > table.md

Either file may be missing or empty (that tool did not run): its columns then show "-". Achieved TFLOP/s is
each tool's flops (RnnSpec.trainingFlops + the head, the same formula in both) over its median ms/step, and
"% peak" relates it to the GPU's dense peak for the row's precision, looked up by device name.
"""
import argparse
import json
import sys

# Dense peak TFLOP/s (FP32, TF32 tensor core without sparsity), from NVIDIA's datasheets:
# H100 (SXM5 / PCIe): https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet
#   FP32 67 / 51 TFLOPS; TF32 Tensor Core 989 / 756 TFLOPS "with sparsity", i.e. 495 / 378 dense.
# H200 (SXM): https://www.nvidia.com/en-us/data-center/h200/ -- FP32 67 TFLOPS; TF32 989 with sparsity, 495 dense.
PEAKS = [  # (substring of the device name, FP32, TF32 dense); first match wins
    ("H200", 67.0, 495.0),
    ("H100 PCIe", 51.0, 378.0),
    ("H100", 67.0, 495.0),  # "NVIDIA H100 80GB HBM3" is the SXM part
]


def peak(name, precision):
    for key, fp32, tf32 in PEAKS:
        if name and key.lower() in name.lower():
            return tf32 if precision == "tf32" else fp32
    return None


def load(path):
    try:
        with open(path) as f:
            text = f.read().strip()
        return json.loads(text) if text else None
    except FileNotFoundError:
        return None


def fmt(v, pattern):
    return "-" if v is None else pattern % v


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("gated")
    p.add_argument("pytorch")
    p.add_argument("--gpu-name", help="device name for the peak lookup (default: from the PyTorch JSON)")
    a = p.parse_args(argv)
    gated, torch = load(a.gated), load(a.pytorch)
    if gated is None and torch is None:
        print("join: neither %s nor %s holds results" % (a.gated, a.pytorch), file=sys.stderr)
        return 1
    name = a.gpu_name or (torch or {}).get("device") or (gated or {}).get("device") or "unknown GPU"
    key = lambda r: (r["cell"], r["shape"], r["precision"])
    g = {key(r): r for r in (gated or {}).get("rows", [])}
    t = {key(r): r for r in (torch or {}).get("rows", [])}
    order = list(g) + [k for k in t if k not in g]
    out = []
    out.append("GPU: %s. Gated: %s. PyTorch: %s." % (
        name, (gated or {}).get("device", "not run"),
        "torch %s, CUDA %s, cuDNN %s" % (torch.get("torch"), torch.get("cuda"), torch.get("cudnn")) if torch else "not run"))
    out.append("")
    out.append("| cell | shape | L-I-H-T-B | precision | Gated ms/step | PyTorch ms/step | Gated / PyTorch "
               "| Gated TFLOP/s | % peak | PyTorch TFLOP/s | % peak |")
    out.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for k in order:
        gr, tr = g.get(k), t.get(k)
        r = gr or tr
        pk = peak(name, r["precision"])
        dims = "L%d-I%d-H%d-T%d-B%d" % (r["layers"], r["input"], r["hidden"], r["seq"], r["batch"])
        gms = gr["ms_median"] if gr else None
        tms = tr["ms_median"] if tr else None
        gtf = gr["flops"] / gms / 1e9 if gr else None
        ttf = tr["flops"] / tms / 1e9 if tr else None
        ratio = gms / tms if gms and tms else None
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["cell"], r["shape"], dims, r["precision"], fmt(gms, "%.3f"), fmt(tms, "%.3f"), fmt(ratio, "%.2f"),
            fmt(gtf, "%.2f"), fmt(gtf / pk * 100 if gtf and pk else None, "%.1f%%"), fmt(ttf, "%.2f"),
            fmt(ttf / pk * 100 if ttf and pk else None, "%.1f%%")))
    out.append("")
    out.append("ms/step: median of %s timed steps after %s warm-up steps, each bracketed by a device sync. "
               "Gated / PyTorch < 1 means Gated is faster. %% peak: of the dense %s peak for the row's precision."
               % ((gated or torch).get("steps"), (gated or torch).get("warmup"), name))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
