"""The management grid's checks at national scale (50,000 people), beside a bare pandas peer in the same run.

The synthetic workbook carries a three-level grid (an HQ per host province, a front HQ
per prefecture, a group per host unit running its team). Each check is timed best of 3:
people in no cell, units without a leader on post today, leadership cliffs, people in two
cells on post, and the lead seats the next batch needs (with the next batch's drafts made
first, outside the timing). The peer is the floor any such check pays: a bare pandas join
of live assignments with their orders and a count of who is on post per host unit today.

    python benchmarks/bench_grid.py [--people 50000]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import timed  # noqa: E402

os.environ.setdefault("PLANNING_TODAY", "2026-11-22")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    import pandas as pd

    from planning.programme import grid
    from planning.scenarios.rotation import next_batch_orders
    from planning.samples.synthetic import synthetic_workbook

    wb = synthetic_workbook(people=args.people, host_units=max(100, args.people // 10), sectors=30, seed=0)
    day = pd.Timestamp(os.environ["PLANNING_TODAY"])
    drafts = next_batch_orders(wb, start=day)
    print(f"{len(wb.people):,} people, {len(wb.assignments):,} assignments, "
          f"{len(wb.management_units):,} management units, {len(drafts):,} next-batch drafts")

    def peer():
        a = wb.assignments[wb.assignments["status"].isin(["active", "planned"])]
        a = a[(a["start"] <= day) & (a["end"] >= day)]
        return a.merge(wb.orders[["id", "host_unit", "team", "role"]], left_on="order", right_on="id") \
            .groupby("host_unit")["person"].nunique()

    checks = {
        "people in no cell": lambda: grid.people_in_no_cell(wb, day),
        "no leader on post today": lambda: grid.leaderless_today(wb, day),
        "leadership cliffs": lambda: grid.leadership_cliffs(wb, day),
        "two cells on post": lambda: grid.two_cells_on_post(wb, day),
        "lead seats the next batch needs": lambda: grid.lead_seats_needed(wb, drafts, on=day),
    }
    total = 0.0
    for name, f in checks.items():
        s, out = timed(f, repeat=args.repeat)
        total += s
        print(f"  {name:34s} {s:6.3f} s   ({len(out):,} rows)")
    s_all, _ = timed(lambda: [f() for f in checks.values()], repeat=args.repeat)
    s_peer, _ = timed(peer, repeat=args.repeat)
    print(f"  {'all five, one after another':34s} {s_all:6.3f} s")
    print(f"  {'peer: who is on post (bare pandas)':34s} {s_peer:6.3f} s   ratio {s_all / s_peer:.1f}")
    print("under a second each:", "yes" if total / len(checks) < 1 and max(
        timed(f)[0] for f in checks.values()) < 1 else "no")
    return 0


if __name__ == "__main__":
    sys.exit(main())
