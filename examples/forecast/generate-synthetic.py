#!/usr/bin/env python3
"""Writes synthetic-trend-season.csv: a SYNTHETIC (generated, not measured) monthly series for the docs. CC0.

Usage: python3 generate-synthetic.py [OUTPUT.csv]     (default: synthetic-trend-season.csv next to this script)

240 rows, months 2000-01 to 2019-12, header `month,value`, UTF-8, LF line ends, values with 3 decimals:
    value[t] = 100 + 0.8*t + 10*sin(2*pi*t/12) + e[t],   t = 0..239,   e[t] ~ Normal(0, sd 2), independent
The noise comes from random.Random(SEED).random() (Mersenne Twister, whose sequence for an integer seed Python
guarantees not to change across versions) through the Box-Muller transform written out here, not from
random.gauss(), whose algorithm Python does not promise to keep. Running it twice gives identical bytes.
Python 3 standard library only.
"""
import math
import random
import sys
from pathlib import Path

SEED = 20001
ROWS = 240
START_YEAR = 2000


def gaussians(rng):
    """Standard normal deviates, two per pair of uniforms (Box-Muller)."""
    while True:
        u1 = 1.0 - rng.random()  # in (0, 1], so log(u1) is finite
        u2 = rng.random()
        r = math.sqrt(-2.0 * math.log(u1))
        yield r * math.cos(2.0 * math.pi * u2)
        yield r * math.sin(2.0 * math.pi * u2)


def main(argv):
    output = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "synthetic-trend-season.csv"
    noise = gaussians(random.Random(SEED))
    lines = ["month,value"]
    for t in range(ROWS):
        value = 100.0 + 0.8 * t + 10.0 * math.sin(2.0 * math.pi * t / 12.0) + 2.0 * next(noise)
        lines.append(f"{START_YEAR + t // 12:04d}-{t % 12 + 1:02d},{value:.3f}")
    output.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))


if __name__ == "__main__":
    main(sys.argv)
