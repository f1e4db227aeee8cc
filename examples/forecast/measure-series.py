#!/usr/bin/env python3
"""Measures the bundled forecasting series: size, rows, lag-1 autocorrelation, trend and season strength.

Usage: python3 measure-series.py          (run from anywhere; reads the CSV files next to this script)
Prints Markdown tables as used in README.md. Python 3 standard library only.

Every series is put on an integer time axis t from its date column (YYYY-MM-DD and YYYY-MM: months; YYYY-Qn:
quarters; YYYY: years), so a missing month is a hole in t, not a shortened series. Empty cells are skipped.
  lag-1 autocorrelation  r1 = sum over pairs one step apart of (x[t]-m)(x[t+1]-m) / sum of (x-m)^2,
                         m the mean of the values present (the usual sample ACF when there are no holes)
  trend ratio            |b| * L / sd(x): b the least-squares slope per step of x on t, L the number of steps
                         from the first to the last observation (inclusive), sd the population standard
                         deviation. A straight line alone gives sqrt(12) = 3.46; pure noise gives about 0.
  trend R2               share of the variance of x explained by that straight line
  season (linear)        detrend by the straight line, then the share of the residual variance explained by
                         the mean residual of each calendar month (quarter): 1 - var(resid - month mean)/var(resid)
  season (MA)            the same share after detrending by the centred 2x12 (2x4 for quarters) moving average
                         instead of a straight line (classical decomposition), which follows a bent trend such
                         as a recession; points where the window is incomplete are left out
"""
import csv
import math
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def time_index(text):
    """(step, period) from a date: months for YYYY-MM[-DD], quarters for YYYY-Qn, years for YYYY."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})(-\d{2})?", text)
    if m:
        return int(m.group(1)) * 12 + int(m.group(2)) - 1, 12
    m = re.fullmatch(r"(\d{4})-Q([1-4])", text)
    if m:
        return int(m.group(1)) * 4 + int(m.group(2)) - 1, 4
    if re.fullmatch(r"\d{4}", text):
        return int(text), 1
    raise ValueError("unknown date format: " + text)


def mean(xs):
    return sum(xs) / len(xs)


def variance(xs):
    m = mean(xs)
    return sum((x - m) ** 2 for x in xs) / len(xs)


def season_share(points, period):
    """1 - var(x - mean of its season position) / var(x), for (t, x) pairs."""
    groups = {}
    for t, x in points:
        groups.setdefault(t % period, []).append(x)
    means = {k: mean(v) for k, v in groups.items()}
    xs = [x for _, x in points]
    rest = [x - means[t % period] for t, x in points]
    return 1.0 - variance(rest) / variance(xs)


def measure(series, period):
    """series: dict t -> value (holes allowed)."""
    ts = sorted(series)
    xs = [series[t] for t in ts]
    n = len(xs)
    m = mean(xs)
    denom = sum((x - m) ** 2 for x in xs)
    r1 = sum((series[t] - m) * (series[t + 1] - m) for t in ts if t + 1 in series) / denom
    tm = mean(ts)
    b = sum((t - tm) * (x - m) for t, x in zip(ts, xs)) / sum((t - tm) ** 2 for t in ts)
    a = m - b * tm
    resid = [(t, x - (a + b * t)) for t, x in zip(ts, xs)]
    span = ts[-1] - ts[0] + 1
    out = {
        "n": n,
        "r1": r1,
        "trend_ratio": abs(b) * span / math.sqrt(denom / n),
        "trend_r2": 1.0 - variance([e for _, e in resid]) / variance(xs),
        "slope": b,
        "season_linear": None,
        "season_ma": None,
    }
    if period > 1:
        out["season_linear"] = season_share(resid, period)
        half = period // 2
        detrended = []
        for t in ts:
            window = [t + k for k in range(-half, half + 1)]
            if all(u in series for u in window):
                ma = (0.5 * series[window[0]] + sum(series[u] for u in window[1:-1])
                      + 0.5 * series[window[-1]]) / period
                detrended.append((t, series[t] - ma))
        out["season_ma"] = season_share(detrended, period)
    return out


def read(name, date_column, value_column, group_column=None):
    """{group: {t: value}} (group None when there is no group column) and the period."""
    result, period = {}, None
    with open(HERE / name, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            cell = row[value_column].strip()
            t, period = time_index(row[date_column])
            if cell == "":
                continue
            group = row[group_column] if group_column else None
            result.setdefault(group, {})[t] = float(cell)
    return result, period


def fmt(v, digits=3):
    return "—" if v is None else f"{v:.{digits}f}"


def row(label, m):
    return (f"| {label} | {m['n']} | {fmt(m['r1'])} | {fmt(m['trend_ratio'], 2)} | {fmt(m['trend_r2'], 3)} | "
            f"{fmt(m['season_linear'])} | {fmt(m['season_ma'])} |")


HEADER = ("| series | values | lag-1 autocorr. | trend ratio | trend R² | season (linear detrend) | "
          "season (2×MA detrend) |\n|---|---:|---:|---:|---:|---:|---:|")

SINGLE = [
    ("co2-concentration.csv", "Date", ["CO2", "adjusted CO2"]),
    ("us-macro-quarterly.csv", "quarter", ["realgdp", "realcons", "realinv", "cpi", "unemp"]),
    ("global-temp.csv", "year", ["temp"]),
    ("synthetic-trend-season.csv", "month", ["value"]),
]


def main():
    print("| file | bytes | rows (without header) |\n|---|---:|---:|")
    for name in [s[0] for s in SINGLE] + ["unemployment-by-industry.csv"]:
        data = (HERE / name).read_bytes()
        rows = sum(1 for line in data.decode("utf-8").splitlines() if line) - 1
        print(f"| `{name}` | {len(data)} | {rows} |")
    print()
    print(HEADER)
    for name, date_column, columns in SINGLE:
        for column in columns:
            series, period = read(name, date_column, column)
            print(row(f"`{name}` `{column}`", measure(series[None], period)))
    print()
    for column in ["unemployed", "rate"]:
        print(f"unemployment-by-industry.csv, column `{column}`, one series per industry:\n")
        print(HEADER)
        groups, period = read("unemployment-by-industry.csv", "month", column, "industry")
        results = {g: measure(s, period) for g, s in sorted(groups.items())}
        for g, m in results.items():
            print(row(g, m))
        med = {k: sorted(m[k] for m in results.values())[len(results) // 2 - 1:len(results) // 2 + 1]
               for k in ("r1", "trend_ratio", "trend_r2", "season_linear", "season_ma")}
        med = {k: sum(v) / 2 for k, v in med.items()}
        med["n"] = sum(m["n"] for m in results.values())
        print(row("median of the 14 (values: total)", med))
        print()


if __name__ == "__main__":
    main()
