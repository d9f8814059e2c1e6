"""Withdrawal costs and the bottleneck certificate at national scale, beside re-planning sender by sender.

50,000 people, 5,000 host units, 8 sectors, no team rules, the shared-pairing market of
``bench_allocate.py`` (a), on the one-day window (the flow path). Times, after one
``planning.allocate``:

- ``withdrawal_costs(plan)``: every source city's places lost, host units relying on it alone and the
  change in the first objective when re-planned without it (target: all senders within 60 s);
- ``single_points(plan)`` and ``bottlenecks(plan)`` (the groups of seats with fewer candidates);
- the **peer**, in the same run: ``planning.allocate`` again without each sender's people, one by one,
  on a sample of senders (``--sample``, default 4); each must give the same change in the first
  objective, and its time per sender × the number of senders is what re-planning them all would take.

    .venv/bin/python benchmarks/bench_resilience.py [--people 50000] [--host-units 5000] [--sample 4]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PLANNING_TODAY", "2026-11-22")

import planning  # noqa: E402
from planning.allocation.bottleneck import bottleneck_sentences, bottlenecks  # noqa: E402
from planning.allocation.resilience import single_points, withdrawal_costs  # noqa: E402
from planning.core.hierarchy import source_city  # noqa: E402
from planning.samples.synthetic import synthetic_workbook  # noqa: E402

DAY = ("2027-03-01", "2027-03-01")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--host-units", type=int, default=5_000)
    ap.add_argument("--sample", type=int, default=4)
    a = ap.parse_args()
    t = time.perf_counter()
    wb = synthetic_workbook(people=a.people, host_units=a.host_units, teams=False, sectors=8,
                            cities_per_prefecture=25)
    print(f"workbook: {len(wb.people):,} people, {int(wb.units['side'].eq('host').sum()):,} host units "
          f"({time.perf_counter() - t:.1f} s)")
    t = time.perf_counter()
    plan = planning.allocate(wb, window=DAY)
    print(f"allocate: {time.perf_counter() - t:.1f} s, method {plan.objective.method}, value {plan.objective.value:,}, "
          f"{len(plan.inputs.pairs):,} candidate pairs")
    t, c = time.perf_counter(), time.process_time()
    w = withdrawal_costs(plan)
    t_all, c_all = time.perf_counter() - t, time.process_time() - c
    print(f"withdrawal_costs, all {len(w)} senders: {t_all:.1f} s wall, {c_all:.1f} s CPU (target ≤ 60 s)")
    print(w.head(5).to_string(index=False))
    t = time.perf_counter()
    sp = single_points(plan)
    print(f"single_points: {time.perf_counter() - t:.2f} s, {len(sp):,} host unit × sector")
    t = time.perf_counter()
    b = bottlenecks(plan)
    s = bottleneck_sentences(plan, b)
    print(f"bottlenecks: {time.perf_counter() - t:.1f} s, {len(b):,} groups; e.g. {s[:1]}")
    # the peer: re-plan without each sampled sender
    rng = np.random.default_rng(0)
    sample = rng.choice(w["sender"].to_numpy(), size=min(a.sample, len(w)), replace=False)
    city = source_city(wb)
    ids = wb.people["id"]
    peer = []
    peer_cpu = []
    for x in sample:
        t, c = time.perf_counter(), time.process_time()
        again = planning.allocate(wb, window=DAY, people=ids[~ids.map(city).eq(x).to_numpy()])
        peer.append(time.perf_counter() - t)
        peer_cpu.append(time.process_time() - c)
        mine = int(w.set_index("sender").at[x, "objective_change"])
        theirs = int(again.objective.value) - int(plan.objective.value)
        print(f"  peer {x}: {peer[-1]:.1f} s, change {theirs} (ours {mine})")
        if mine != theirs:
            sys.exit(f"objective change differs for {x}: {mine} vs {theirs}")
    per = float(np.mean(peer))
    per_cpu = float(np.mean(peer_cpu))
    print(f"peer: {per:.1f} s wall ({per_cpu:.1f} s CPU) per sender → {per * len(w):.0f} s wall "
          f"({per_cpu * len(w):.0f} s CPU) for all {len(w)} senders; ours {t_all:.1f} s wall ({c_all:.1f} s CPU): "
          f"{per_cpu * len(w) / max(c_all, 1e-9):.0f}× less CPU")


if __name__ == "__main__":
    main()
