#!/usr/bin/env python3
"""PyTorch's time for the training step Gated's GpuBench times, on the same shapes, on CUDA.

The step (dev.gated.bench.ModelStep in Java): the batch (x [T, B, I], y [B, 1]) copied from host memory,
torch.nn.LSTM/GRU forward, a torch.nn.Linear head on the last step, MSE, the loss read back (loss.item(), as a
training loop that logs it does), backward, Adam. float32 parameters; precision "fp32" turns TF32 off in cuDNN and
cuBLAS, "tf32" turns it on. Each timed step is bracketed by torch.cuda.synchronize(); the JSON gives the median,
minimum and mean. --resident keeps x and y on the device and skips loss.item() (PyTorch's best case).

    python3 benchmarks/gpu/pytorch_bench.py --out torch.json [--precision fp32,tf32] [--cells lstm,gru]
            [--shapes S,M,L,M2] [--warmup 10] [--steps 50] [--resident]

Exit status: 0 done, 3 no PyTorch or no CUDA device (the reason is printed), 2 bad arguments.
"""
import argparse
import datetime
import json
import statistics
import sys
import time

# name: (layers, input, hidden, seq, batch) -- issue 5's shapes, as in GpuBench.SHAPES
SHAPES = {
    "S": (1, 128, 128, 100, 16),
    "M": (1, 512, 512, 100, 64),
    "L": (1, 1024, 1024, 50, 256),
    "M2": (2, 512, 512, 100, 64),
}
OUTPUTS = 1


def training_flops(cell, layers, inp, hidden, seq, batch):
    """RnnSpec.trainingFlops (6*B*T*G*H*(I_l + H) per layer, forward + two backward GEMMs) plus the head."""
    gates = 4 if cell == "lstm" else 3
    total = 0.0
    for layer in range(layers):
        layer_in = inp if layer == 0 else hidden
        total += 6.0 * batch * seq * gates * hidden * (layer_in + hidden)
    return total + 6.0 * batch * hidden * OUTPUTS


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", help="JSON file (default: stdout)")
    p.add_argument("--precision", default="fp32,tf32")
    p.add_argument("--cells", default="lstm,gru")
    p.add_argument("--shapes", default="S,M,L,M2")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--resident", action="store_true", help="keep the batch on the device, no loss.item()")
    a = p.parse_args(argv)
    for s in a.shapes.split(","):
        if s not in SHAPES:
            p.error("unknown shape %r (expected one of %s)" % (s, ", ".join(SHAPES)))
    for c in a.cells.split(","):
        if c not in ("lstm", "gru"):
            p.error("unknown cell %r (expected lstm or gru)" % c)
    for q in a.precision.split(","):
        if q not in ("fp32", "tf32"):
            p.error("unknown precision %r (expected fp32 or tf32)" % q)
    if a.steps < 1 or a.warmup < 0:
        p.error("--steps must be >= 1 and --warmup >= 0")
    return a


def measure(torch, cell, shape, precision, args):
    layers, inp, hidden, seq, batch = SHAPES[shape]
    tf32 = precision == "tf32"
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    dev = torch.device("cuda")
    torch.manual_seed(1)
    rnn_cls = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
    rnn = rnn_cls(inp, hidden, num_layers=layers).to(dev)
    head = torch.nn.Linear(hidden, OUTPUTS).to(dev)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x_host = torch.rand(seq, batch, inp) * 2 - 1
    y_host = torch.rand(batch, OUTPUTS) * 2 - 1
    x_dev, y_dev = x_host.to(dev), y_host.to(dev)

    def step():
        x = x_dev if args.resident else x_host.to(dev)
        y = y_dev if args.resident else y_host.to(dev)
        out, _ = rnn(x)
        loss = torch.nn.functional.mse_loss(head(out[-1]), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss if args.resident else loss.item()

    first = float(step())
    for _ in range(max(0, args.warmup - 1)):
        step()
    ms = []
    last = first
    for _ in range(args.steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        last = step()
        torch.cuda.synchronize()
        ms.append((time.perf_counter() - t0) * 1e3)
    return {
        "cell": cell, "shape": shape, "layers": layers, "input": inp, "hidden": hidden, "seq": seq, "batch": batch,
        "outputs": OUTPUTS, "precision": precision, "ms_median": statistics.median(ms), "ms_min": min(ms),
        "ms_mean": statistics.fmean(ms), "flops": training_flops(cell, layers, inp, hidden, seq, batch),
        "first_loss": first, "last_loss": float(last),
    }


def main(argv):
    args = parse_args(argv)
    try:
        import torch
    except ImportError as e:
        print("pytorch-bench: PyTorch is not installed here (%s)" % e, file=sys.stderr)
        return 3
    if not torch.cuda.is_available():
        print("pytorch-bench: no CUDA device (torch %s, torch.version.cuda %s)" % (torch.__version__, torch.version.cuda),
              file=sys.stderr)
        return 3
    rows = []
    for precision in args.precision.split(","):
        for shape in args.shapes.split(","):
            for cell in args.cells.split(","):
                r = measure(torch, cell, shape, precision, args)
                rows.append(r)
                print("pytorch-bench: %s %s %s: %.3f ms/step (median of %d), %.2f TFLOP/s"
                      % (cell, shape, precision, r["ms_median"], args.steps, r["flops"] / r["ms_median"] / 1e9),
                      file=sys.stderr)
    doc = {
        "tool": "pytorch",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
        "step": "batch copied from host (x, y), forward, Linear head on the last step, MSE, loss.item(), backward, "
                "Adam (foreach); each step bracketed by torch.cuda.synchronize()"
                + ("; --resident: batch on the device, no loss.item()" if args.resident else ""),
        "warmup": args.warmup, "steps": args.steps, "rows": rows,
    }
    text = json.dumps(doc, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
        print("pytorch-bench: wrote " + args.out, file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
