#!/usr/bin/env python3
"""Writes long-memory.csv: a generated long-memory classification data set (see README.md).

500 sequences of 100..120 time steps, half of class "pos", half "neg", in long format: one row per time step,
columns sequence,x,marker,label. At step 0 `marker` is +1 (class pos) or -1 (class neg); at every later step it
is 0. `x` is Gaussian noise (standard deviation 1) at every step, the first included, and says nothing about the
class. So the label depends only on the first step of a sequence of 100+ steps: a recurrent model has to carry
one number across the whole sequence, and the gradient from the loss at the last step has to flow back ~100
steps to reach the weights that read the marker. A model that does not manage it stays at chance (50 %).

Python 3 standard library only. All randomness comes from random.Random(SEED).random(), whose sequence is the same
in every Python 3 version, so the output is the same byte for byte: run `python3 generate.py` in this folder and
compare with `git diff --stat` (or sha256sum).

Dedicated to the public domain (CC0 1.0), like the data it writes.
"""

import math
import os
import random

SEED = 20261123
SEQUENCES_PER_CLASS = 250
MIN_LENGTH, MAX_LENGTH = 100, 120
NOISE = 1.0  # standard deviation of x
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "long-memory.csv")

rng = random.Random(SEED)


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


def fmt(x):
    s = "%.2f" % x  # two decimals keep the file under 1 MB; the noise needs no more
    return "0.00" if s == "-0.00" else s


def main():
    labels = ["pos"] * SEQUENCES_PER_CLASS + ["neg"] * SEQUENCES_PER_CLASS
    shuffle(labels)  # classes interleaved in the file
    with open(OUT, "w", newline="\n") as f:
        f.write("sequence,x,marker,label\n")
        for n, label in enumerate(labels, start=1):
            length = randint(MIN_LENGTH, MAX_LENGTH)
            for t in range(length):
                marker = (1 if label == "pos" else -1) if t == 0 else 0
                f.write("q%03d,%s,%d,%s\n" % (n, fmt(gauss(NOISE)), marker, label))


if __name__ == "__main__":
    main()
