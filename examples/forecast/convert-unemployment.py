#!/usr/bin/env python3
"""Converts vega-datasets 3.2.1 data/unemployment-across-industries.json to unemployment-by-industry.csv.

Usage: python3 convert-unemployment.py SOURCE.json [OUTPUT.csv]
  SOURCE.json  the file data/unemployment-across-industries.json from `npm pack vega-datasets@3.2.1`
               (sha256 c12e32b5b8bf66d5ce40081a22b5557b2a8649dbdcbe03028b3df65cd66257a1)
  OUTPUT.csv   default: unemployment-by-industry.csv next to this script

Output: UTF-8, LF line ends, header `industry,month,unemployed,rate`, one row per industry and month, sorted by
industry (Python string order) then month. `industry` is the source's `series`, `month` is `YYYY-MM` from its
`year` and `month`, `unemployed` its `count` (thousands of persons) as an integer, `rate` its `rate` (percent)
written with one decimal (the source writes e.g. 2 for 2.0). Stops with an error unless every industry has the
same months, with no gaps and no duplicates, and every record is complete and consistent with its `date` field.
Python 3 standard library only.
"""
import csv
import hashlib
import json
import sys
from pathlib import Path

EXPECTED_SHA256 = "c12e32b5b8bf66d5ce40081a22b5557b2a8649dbdcbe03028b3df65cd66257a1"


def fail(message):
    sys.exit("convert-unemployment.py: " + message)


def main(argv):
    if len(argv) not in (2, 3):
        fail("usage: convert-unemployment.py SOURCE.json [OUTPUT.csv]")
    source = Path(argv[1])
    output = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parent / "unemployment-by-industry.csv"
    raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != EXPECTED_SHA256:
        print(f"warning: {source} has sha256 {digest}, not the documented {EXPECTED_SHA256}", file=sys.stderr)
    records = json.loads(raw.decode("utf-8"))

    months_by_industry = {}
    rows = []
    for i, r in enumerate(records):
        if set(r) != {"series", "year", "month", "count", "rate", "date"}:
            fail(f"record {i}: unexpected fields {sorted(r)}")
        industry, year, month, count, rate = r["series"], r["year"], r["month"], r["count"], r["rate"]
        if not (isinstance(industry, str) and industry and isinstance(year, int) and isinstance(month, int)
                and 1 <= month <= 12 and isinstance(count, int) and count >= 0
                and isinstance(rate, (int, float)) and 0 <= rate <= 100):
            fail(f"record {i}: bad values {r}")
        if abs(round(rate, 1) - rate) > 1e-9:
            fail(f"record {i}: rate {rate} has more than one decimal")
        key = f"{year:04d}-{month:02d}"
        if not r["date"].startswith(key + "-01T"):
            fail(f"record {i}: date {r['date']} does not match year {year} month {month}")
        seen = months_by_industry.setdefault(industry, set())
        if key in seen:
            fail(f"record {i}: duplicate month {key} for {industry!r}")
        seen.add(key)
        rows.append((industry, key, count, f"{rate:.1f}"))

    # Same months for every industry, and those months consecutive (no gaps).
    all_months = sorted(next(iter(months_by_industry.values())))
    for industry, months in months_by_industry.items():
        if sorted(months) != all_months:
            fail(f"{industry!r} has different months from the others")
    for a, b in zip(all_months, all_months[1:]):
        ya, ma = map(int, a.split("-"))
        yb, mb = map(int, b.split("-"))
        if yb * 12 + mb != ya * 12 + ma + 1:
            fail(f"gap between {a} and {b}")

    rows.sort(key=lambda row: (row[0], row[1]))
    with open(output, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["industry", "month", "unemployed", "rate"])
        w.writerows(rows)
    print(f"{output}: {len(rows)} rows, {len(months_by_industry)} industries x {len(all_months)} months "
          f"({all_months[0]} to {all_months[-1]}), no gaps, no duplicates", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
