#!/usr/bin/env python3
"""Markdown table of `bottleneck bench adbench --out` rows (one or several CSV files).

    bench/adbench_table.py results.csv [more.csv ...]

Per set: mean over seeds of ROC-AUC / PR-AUC for each method, Bottleneck's fit seconds and
scoring rows/s; last row: the mean over sets. Plain Python (no third-party modules).
"""
import csv
import sys
from collections import defaultdict


def main():
    rows = [r for path in sys.argv[1:] for r in csv.DictReader(open(path))]
    methods = list(dict.fromkeys(r["method"] for r in rows))
    by = defaultdict(list)
    for r in rows:
        by[(r["set"], r["method"])].append(r)
    sets = sorted({r["set"] for r in rows}, key=str.lower)
    ours = [m for m in methods if m not in ("iforest", "pca")]
    head = ["set"] + [f"{m} ROC / PR" for m in methods] + [f"{m} fit s / score rows/s" for m in ours]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    totals = defaultdict(list)
    for s in sets:
        cells = [s]
        for m in methods:
            rs = by[(s, m)]
            roc = sum(float(r["roc_auc"]) for r in rs) / len(rs)
            pr = sum(float(r["average_precision"]) for r in rs) / len(rs)
            totals[m].append((roc, pr))
            cells.append(f"{roc:.3f} / {pr:.3f}")
        for m in ours:
            rs = by[(s, m)]
            fit = sum(float(r["fit_seconds"]) for r in rs) / len(rs)
            speed = sum(float(r["score_rows_per_second"]) for r in rs) / len(rs)
            cells.append(f"{fit:.1f} / {speed:,.0f}")
        print("| " + " | ".join(cells) + " |")
    cells = [f"**mean of {len(sets)}**"]
    for m in methods:
        t = totals[m]
        cells.append(f"**{sum(a for a, _ in t) / len(t):.3f} / {sum(b for _, b in t) / len(t):.3f}**")
    cells += [""] * len(ours)
    print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
