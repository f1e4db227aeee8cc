#!/usr/bin/env python3
"""Converts statsmodels' macrodata.csv (Debian python3-statsmodels 0.13.5+dfsg-7) to us-macro-quarterly.csv.

Usage: python3 convert-macrodata.py SOURCE.csv [OUTPUT.csv]
  SOURCE.csv  statsmodels/datasets/macrodata/macrodata.csv from the package
              (sha256 d93c0d3a7a77ef83c3af14e46032bb1d02ae3a512b22ab94159a8ca226fcf708)
  OUTPUT.csv  default: us-macro-quarterly.csv next to this script

Output: UTF-8, LF line ends, header `quarter,realgdp,realcons,realinv,cpi,unemp`, rows in the source's order.
`quarter` is `YYYY-Qn` from the source's `year` and `quarter`; the other five fields are copied as text, character
for character (no number is re-formatted). Dropped: realgovt, realdpi, m1, tbilrate, pop, infl, realint (and
year/quarter, merged into `quarter`). Stops with an error unless the quarters are consecutive with no gaps or
duplicates and every kept field is a number. Python 3 standard library only.
"""
import csv
import hashlib
import io
import re
import sys
from pathlib import Path

EXPECTED_SHA256 = "d93c0d3a7a77ef83c3af14e46032bb1d02ae3a512b22ab94159a8ca226fcf708"
KEPT = ["realgdp", "realcons", "realinv", "cpi", "unemp"]
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def fail(message):
    sys.exit("convert-macrodata.py: " + message)


def main(argv):
    if len(argv) not in (2, 3):
        fail("usage: convert-macrodata.py SOURCE.csv [OUTPUT.csv]")
    source = Path(argv[1])
    output = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parent / "us-macro-quarterly.csv"
    raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != EXPECTED_SHA256:
        print(f"warning: {source} has sha256 {digest}, not the documented {EXPECTED_SHA256}", file=sys.stderr)
    table = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    header, records = table[0], [r for r in table[1:] if r]
    index = {name: i for i, name in enumerate(header)}

    rows = []
    previous = None
    for line, r in enumerate(records, start=2):
        if len(r) != len(header):
            fail(f"line {line}: {len(r)} fields, header has {len(header)}")
        year, quarter = int(r[index["year"]]), int(r[index["quarter"]])
        if not 1 <= quarter <= 4:
            fail(f"line {line}: quarter {quarter}")
        step = year * 4 + quarter - 1
        if previous is not None and step != previous + 1:
            fail(f"line {line}: {year}-Q{quarter} does not follow the previous row's quarter")
        previous = step
        values = [r[index[name]] for name in KEPT]
        for name, v in zip(KEPT, values):
            if not NUMBER.fullmatch(v):
                fail(f"line {line}: {name} is {v!r}, not a number")
        rows.append([f"{year:04d}-Q{quarter}"] + values)

    with open(output, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["quarter"] + KEPT)
        w.writerows(rows)
    print(f"{output}: {len(rows)} rows, {rows[0][0]} to {rows[-1][0]}, no gaps, no duplicates", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
