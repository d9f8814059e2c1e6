"""Mentor pairing (青蓝工程) at national scale, beside networkx's max-flow-min-cost on the same graph.

Each measurement runs in a fresh Python process (peak memory is that step's own,
read from ``VmHWM``). ``planning.programme.mentoring.pair_mentors`` builds its candidate
arcs with pandas joins and solves one min-cost flow with OR-Tools (the OR-Tools
import is done before the clock starts). The peer takes the same candidate
arcs (``mentor_candidates``), builds a ``networkx.DiGraph`` and runs
``networkx.max_flow_min_cost`` with cost −1 per exact-skill pair; its time
includes the candidate join, the graph build and the solve. Both must cover the
same number of local staff with the same number of exact-skill pairs.

The default synthetic workbook has 30 sectors, so few local staff share a
sector with a mentor at their unit; a denser run with 3 sectors (about ten
times the arcs) follows.

    python benchmarks/bench_mentoring.py [--people 50000] [--host-units 5000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _harness import best_run  # noqa: E402  (benchmarks/ is on the path when a benchmark runs)

ROOT = Path(__file__).resolve().parent.parent
ON = "2026-11-22"

STEP = r"""
import json, sys, time
kind, people, units, sectors, on = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
from ortools.graph.python import min_cost_flow  # noqa: F401  (import outside the timing)
import networkx as nx
from planning.samples.synthetic import synthetic_workbook
from planning.programme.mentoring import mentor_candidates, pair_cadre_mentors, pair_mentors
wb = synthetic_workbook(people=people, host_units=units, sectors=sectors)
out = {}
if kind == "ours":
    t = time.perf_counter()
    new = pair_mentors(wb, on=on)
    out["seconds"] = time.perf_counter() - t
    out["covered"], out["exact"] = len(new), int(new.exact_skill.sum())
    out["arcs"] = len(mentor_candidates(wb, on=on))
elif kind == "cadre":
    t = time.perf_counter()
    new = pair_cadre_mentors(wb, on=on)
    out["seconds"] = time.perf_counter() - t
    out["covered"], out["exact"] = len(new), int(new.exact_skill.sum())
elif kind == "peer":
    t = time.perf_counter()
    c = mentor_candidates(wb, on=on)
    G = nx.DiGraph()
    m = c.drop_duplicates("mentor")
    G.add_edges_from(("s", "p:" + x, {"capacity": int(k), "weight": 0}) for x, k in zip(m.mentor, m.capacity))
    G.add_edges_from(("p:" + x, "l:" + y, {"capacity": 1, "weight": -int(e)})
                     for x, y, e in zip(c.mentor, c.apprentice, c.exact_skill))
    G.add_edges_from(("l:" + y, "t", {"capacity": 1, "weight": 0}) for y in c.apprentice.unique())
    t_build = time.perf_counter()
    flow = nx.max_flow_min_cost(G, "s", "t") if len(c) else {}
    out["seconds"] = time.perf_counter() - t
    out["solve_seconds"] = time.perf_counter() - t_build
    out["covered"] = sum(flow[u]["t"] for u in G.predecessors("t")) if len(c) else 0
    out["exact"] = -nx.cost_of_flow(G, flow) if len(c) else 0
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
out["peak_mb"] = int(hwm) / 1024
print(json.dumps(out))
"""


def run(kind, args, sectors):
    return best_run(STEP, kind, args.people, args.host_units, sectors, ON, repeat=args.repeat)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--host-units", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ok = True
    for sectors in (30, 3):
        print(f"mentor pairing on {ON}, synthetic workbook: {args.people:,} people, {args.host_units:,} host units, "
              f"{sectors} sectors, capacity 3 (best of {args.repeat})")
        ours = run("ours", args, sectors)
        peer = run("peer", args, sectors)
        cadre = run("cadre", args, sectors)
        same = (ours["covered"], ours["exact"]) == (peer["covered"], peer["exact"])
        ok &= same
        print(f"  candidate arcs: {ours['arcs']:,}")
        print(f"  {'step':<44}{'seconds':>9}{'peak MB':>9}{'covered':>9}{'exact':>7}")
        print(f"  {'planning pair_mentors (OR-Tools flow)':<44}{ours['seconds']:>9.3f}{ours['peak_mb']:>9.0f}"
              f"{ours['covered']:>9,}{ours['exact']:>7,}")
        print(f"  {'peer: networkx max_flow_min_cost':<44}{peer['seconds']:>9.3f}{peer['peak_mb']:>9.0f}"
              f"{peer['covered']:>9,}{peer['exact']:>7,}")
        print(f"  {'  of which the networkx solve':<44}{peer['solve_seconds']:>9.3f}")
        print(f"  {'planning pair_cadre_mentors (no peer)':<44}{cadre['seconds']:>9.3f}{cadre['peak_mb']:>9.0f}"
              f"{cadre['covered']:>9,}{cadre['exact']:>7,}")
        print(f"  ratio ours / peer: {ours['seconds'] / peer['seconds']:.2f}   same covered and exact: {same}")
    if not ok:
        sys.exit("the peer and planning.programme.mentoring disagree")


if __name__ == "__main__":
    main()
