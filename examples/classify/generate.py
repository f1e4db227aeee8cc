#!/usr/bin/env python3
"""Writes waveforms.csv: a generated sequence-classification data set (see README.md).

600 sequences of 20..60 time steps, 200 from each class (sine, square, sawtooth), in long format: one row per time
step, columns sequence,t,x1,x2,label. Each sequence has its own random period, phase, amplitude and offset;
x1 is the noisy waveform, x2 the noisy first difference of the clean waveform (a discrete derivative).

Python 3 standard library only. All randomness comes from random.Random(SEED).random(), whose sequence is the same
in every Python 3 version, so the output is the same byte for byte: run `python3 generate.py` in this folder and
compare with `git diff --stat` (or sha256sum).
"""

import math
import os
import random

SEED = 20240611
SEQUENCES_PER_CLASS = 200
CLASSES = ("sine", "square", "sawtooth")
MIN_LENGTH, MAX_LENGTH = 20, 60
NOISE_X1 = 0.10  # standard deviation of the noise added to x1
NOISE_X2 = 0.05  # standard deviation of the noise added to x2
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "waveforms.csv")

rng = random.Random(SEED)


def uniform(a, b):
    return a + (b - a) * rng.random()


def randint(a, b):
    """An integer in [a, b], from rng.random() only (randrange's algorithm is not promised to stay the same)."""
    return a + int(rng.random() * (b - a + 1))


def gauss(sigma):
    """Box-Muller from two rng.random() draws (random.gauss keeps state between calls; this is simpler)."""
    u1 = 1.0 - rng.random()  # (0, 1]
    u2 = rng.random()
    return sigma * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def shuffle(items):
    """Fisher-Yates with rng.random() only."""
    for i in range(len(items) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        items[i], items[j] = items[j], items[i]


def wave(kind, u):
    """One period of the waveform, u in [0, 1), values in [-1, 1]."""
    if kind == "sine":
        return math.sin(2.0 * math.pi * u)
    if kind == "square":
        return 1.0 if u < 0.5 else -1.0
    return 2.0 * u - 1.0  # sawtooth


def fmt(x):
    s = "%.4f" % x
    return "0.0000" if s == "-0.0000" else s


def sequence(kind):
    length = randint(MIN_LENGTH, MAX_LENGTH)
    period = uniform(6.0, 24.0)  # time steps per cycle
    phase = rng.random()  # fraction of a cycle
    amplitude = uniform(0.5, 2.0)
    offset = uniform(-0.5, 0.5)

    def clean(t):
        return offset + amplitude * wave(kind, (t / period + phase) % 1.0)

    rows = []
    for t in range(length):
        x1 = clean(t) + gauss(NOISE_X1)
        x2 = clean(t) - clean(t - 1) + gauss(NOISE_X2)
        rows.append((t, x1, x2))
    return rows


def main():
    labels = [kind for kind in CLASSES for _ in range(SEQUENCES_PER_CLASS)]
    shuffle(labels)  # the order of the sequences in the file, and so their ids, say nothing about the class
    lines = ["sequence,t,x1,x2,label"]
    for number, kind in enumerate(labels, start=1):
        sid = "s%04d" % number
        for t, x1, x2 in sequence(kind):
            lines.append("%s,%d,%s,%s,%s" % (sid, t, fmt(x1), fmt(x2), kind))
    with open(OUT, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s: %d sequences, %d rows" % (OUT, len(labels), len(lines) - 1))


if __name__ == "__main__":
    main()
