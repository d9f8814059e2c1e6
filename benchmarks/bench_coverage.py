"""Coverage over 36 months at national scale, beside a plain month-by-month pandas count.

Each measurement runs in a fresh Python process (peak memory is that step's own,
read from ``VmHWM``). The peer is what a planner would write with pandas: for
every month, filter the open order slots and assignments and group them by host
unit × sector. Both must give the same table. Targets: ``planning.coverage``
under 2 s; a filter change in the coverage app (recomputing what the view shows)
under 0.3 s.

    python benchmarks/bench_coverage.py [--people 50000] [--host-units 5000] [--months 36] [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _harness import best_run  # noqa: E402  (benchmarks/ is on the path when a benchmark runs)

ROOT = Path(__file__).resolve().parent.parent

STEP = r"""
import json, sys, time
import numpy as np, pandas as pd
kind, people, units, months = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
import planning
from planning.samples.synthetic import synthetic_workbook
wb = synthetic_workbook(people=people, host_units=units)
start = wb.orders["start"].min().to_period("M").to_timestamp()
end = start + pd.DateOffset(months=months - 1)
out = {}
if kind == "coverage":
    t = time.perf_counter()
    cov = planning.coverage(wb, start, end)
    out["seconds"] = time.perf_counter() - t
    out["rows"] = len(cov)
    out["check"] = [int(cov.demand.sum()), int(cov.supply.sum()), int(cov.gap.sum())]
elif kind == "peer":
    from planning.programme.seats import order_slots
    t = time.perf_counter()
    slots = order_slots(wb.orders)
    a = wb.assignments.merge(wb.orders[["id", "host_unit", "sector"]], left_on="order", right_on="id")
    parts = []
    for m in pd.date_range(start, end, freq="MS"):
        d = slots[(slots.start <= m) & (slots.end >= m)].groupby(["host_unit", "sector"])["headcount"].sum()
        s = a[(a.start <= m) & (a.end >= m)].groupby(["host_unit", "sector"]).size()
        f = pd.concat([d.rename("demand"), s.rename("supply")], axis=1).fillna(0).astype(int)
        f["gap"] = (f["demand"] - f["supply"]).clip(lower=0)
        parts.append(f.assign(month=m))
    cov = pd.concat(parts)
    out["seconds"] = time.perf_counter() - t
    out["rows"] = len(cov)
    out["check"] = [int(cov.demand.sum()), int(cov.supply.sum()), int(cov.gap.sum())]
elif kind == "app":
    from planning.apps import CoverageApp
    import os
    os.environ["PLANNING_TODAY"] = str(start.date())
    t = time.perf_counter()
    app = CoverageApp(wb=wb, lang="zh")
    out["build_seconds"] = time.perf_counter() - t
    sectors = [v for _, v in app.sector.options if v][:3]
    areas = [v for _, v in app.area.options if v][:3]
    steps = []
    def timed(fn):
        t = time.perf_counter(); fn(); steps.append(time.perf_counter() - t)
    for s in sectors:
        timed(lambda: setattr(app.sector, "value", s))
    timed(lambda: setattr(app.sector, "value", ""))
    for a in areas:
        timed(lambda: setattr(app.area, "value", a))
        c = [v for _, v in app.county.options if v]
        if c:
            timed(lambda: setattr(app.county, "value", c[0]))
    n = len(app.range.options)
    timed(lambda: setattr(app.range, "index", (0, min(n - 1, 35))))
    timed(lambda: setattr(app.range, "index", (min(3, n - 1), min(n - 1, 14))))
    out["filter_changes"] = len(steps)
    out["filter_median"] = float(np.median(steps))
    out["filter_max"] = float(np.max(steps))
    out["seconds"] = out["filter_max"]
    assert "problems" not in app.status.value, app.status.value
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
out["peak_mb"] = int(hwm) / 1024
print(json.dumps(out))
"""


def run(kind, args):
    return best_run(STEP, kind, args.people, args.host_units, args.months, repeat=args.repeat)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--host-units", type=int, default=5_000)
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"coverage over {args.months} months, synthetic workbook: {args.people:,} people, "
          f"{args.host_units:,} host units (best of {args.repeat})")
    ours = run("coverage", args)
    peer = run("peer", args)
    same = ours["check"] == peer["check"]
    print(f"{'step':<34}{'seconds':>10}{'peak MB':>10}{'rows':>10}")
    print(f"{'planning.coverage':<34}{ours['seconds']:>10.3f}{ours['peak_mb']:>10.0f}{ours['rows']:>10,}")
    print(f"{'peer: pandas month by month':<34}{peer['seconds']:>10.3f}{peer['peak_mb']:>10.0f}{peer['rows']:>10,}")
    print(f"ratio ours / peer: {ours['seconds'] / peer['seconds']:.2f}   same totals: {same} {ours['check']}")
    print(f"target coverage < 2 s: {'met' if ours['seconds'] < 2 else 'NOT met'}")
    app = run("app", args)
    print(f"coverage app: build {app['build_seconds']:.2f} s; {app['filter_changes']} filter changes, "
          f"median {app['filter_median']:.3f} s, max {app['filter_max']:.3f} s, peak {app['peak_mb']:.0f} MB")
    print(f"target filter change < 0.3 s: {'met' if app['filter_max'] < 0.3 else 'NOT met'}")
    if not same:
        sys.exit("the peer and planning.coverage disagree")


if __name__ == "__main__":
    main()
