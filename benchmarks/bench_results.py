"""Results at national scale: 10 indicators for each of 5,000 host units over 24 months, beside staffing.

Each measurement runs in a fresh Python process (peak memory is that step's own). The
workbook is the synthetic one of ``bench_coverage.py`` (50,000 people, 5,000 host units)
with, for every host unit, 10 indicators (sums, a mean, and a ratio of two sums) given
for every month of 2026–2027 (1.2 million values). Steps:

* ``results``: ``planning.results`` (progress per unit × indicator × month), the rollups
  by county, prefecture and sector, the staffing by seat-days for the 24 months, and the
  places behind and short-staffed: everything a results page shows;
* ``page``: the 成效 page's first build (``ResultsApp``: results, the places behind and
  short-staffed, the rollup by county);
* ``peer``: the same staffing figures the way a planner would get them with the library's
  day-by-day coverage (``coverage_at`` on every day of the two years, then summed by
  month). Both must give the same filled and demanded seat-days.

    python benchmarks/bench_results.py [--people 50000] [--host-units 5000] [--repeat 1]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _harness import PEAK_MB, best_run  # noqa: E402  (benchmarks/ is on the path when a benchmark runs)

ROOT = Path(__file__).resolve().parent.parent

STEP = r"""
import json, sys, time
import numpy as np, pandas as pd
kind, people, units = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
import planning
from planning.contract import with_contract_types
from planning.programme import results as R
from planning.samples.synthetic import synthetic_workbook
wb = synthetic_workbook(people=people, host_units=units)
rng = np.random.default_rng(30)
hosts = wb.units.loc[wb.units.side.eq("host"), "id"].to_numpy()
sectors = wb.orders.groupby("host_unit")["sector"].first()
defs = pd.DataFrame({"id": [f"I{k}" for k in range(10)], "name": [f"指标{k}" for k in range(10)],
                     "aggregation": ["sum"] * 7 + ["mean", "ratio", "sum"], "direction": ["higher"] * 9 + ["lower"],
                     "numerator": [None] * 8 + ["I0", None], "denominator": [None] * 8 + ["I1", None],
                     "subject": "host_unit", "sector": None, "measure": None})
months = [str(p) for p in pd.period_range("2026-01", "2027-12", freq="M")]
n = len(hosts) * len(months)
frames = []
for k, ind in enumerate(defs["id"]):
    if ind == "I8":
        continue  # the ratio comes from its parts
    base = rng.integers(0, 50, n).astype(float)
    frames.append(pd.DataFrame({"subject": np.repeat(hosts, len(months)), "indicator": ind,
                                "period": np.tile(months, len(hosts)), "baseline": base,
                                "target": base + rng.integers(1, 40, n), "actual": base + rng.integers(0, 45, n)}))
vals = pd.concat(frames, ignore_index=True)
wb.indicator_definitions = with_contract_types("indicator_definitions", defs)
wb.indicator_values = with_contract_types("indicator_values", vals)
# each indicator measures the unit's own most-ordered sector, so staffing lines up with it
wb.indicator_definitions["sector"] = None
out = {"values": len(vals)}
on = "2027-03-15"
if kind == "results":
    t = time.perf_counter()
    res = planning.results(wb, on=on)
    res["sector"] = res["subject"].map(sectors)
    out["results_seconds"] = time.perf_counter() - t
    t1 = time.perf_counter()
    for by in ("county", "prefecture", "sector"):
        R.rollup(wb, res, by, on=on)
    out["rollup_seconds"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    st = R.staffing(wb, months)
    out["staffing_seconds"] = time.perf_counter() - t1
    t1 = time.perf_counter()
    bs = R.behind_and_short(wb, res, on=on)
    out["behind_short_seconds"] = time.perf_counter() - t1
    out["seconds"] = time.perf_counter() - t
    out["rows"] = len(res)
    out["behind_and_short"] = len(bs)
    out["check"] = [int(st.demand_days.sum()), int(st.filled_days.sum())]
elif kind == "page":
    import os
    os.environ["PLANNING_TODAY"] = on
    from planning.apps import ResultsApp
    t = time.perf_counter()
    app = ResultsApp(wb=wb, lang="zh")
    out["seconds"] = time.perf_counter() - t
    assert "app-ready" in app.root._dom_classes and app.body.children
elif kind == "peer":
    from planning.programme.coverage import coverage_at
    t = time.perf_counter()
    days = pd.date_range("2026-01-01", "2027-12-31")
    c = coverage_at(wb, days)
    filled = (c["demand"] - c["gap"])
    out["seconds"] = time.perf_counter() - t
    out["check"] = [int(c["demand"].sum()), int(filled.sum())]
out["peak_mb"] = PEAK_MB_EXPR
print(json.dumps(out))
""".replace("PEAK_MB_EXPR", PEAK_MB)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--host-units", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    ours = best_run(STEP, "results", a.people, a.host_units, repeat=a.repeat)
    page = best_run(STEP, "page", a.people, a.host_units, repeat=a.repeat)
    peer = best_run(STEP, "peer", a.people, a.host_units, repeat=a.repeat)
    print(f"results at {a.people:,} people, {a.host_units:,} host units, {ours['values']:,} values:")
    print(f"  planning.results {ours['results_seconds']:.2f} s, rollups (county, prefecture, sector) "
          f"{ours['rollup_seconds']:.2f} s, staffing over 24 months {ours['staffing_seconds']:.2f} s, behind and "
          f"short-staffed {ours['behind_short_seconds']:.2f} s; in all {ours['seconds']:.2f} s, "
          f"peak {ours['peak_mb']:.0f} MB; {ours['behind_and_short']:,} places behind and short")
    print(f"  the 成效 page's first build (ResultsApp): {page['seconds']:.2f} s, peak {page['peak_mb']:.0f} MB")
    print(f"  peer (coverage_at on each of 730 days): {peer['seconds']:.2f} s, peak {peer['peak_mb']:.0f} MB")
    same = ours["check"] == peer["check"]
    print(f"  same seat-days: {same} {ours['check']} {peer['check']}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
