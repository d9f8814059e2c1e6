"""Allocation at national scale beside a bare OR-Tools min-cost flow measured in the same run.

(a) 50,000 people, 5,000 host units, 8 sectors, no team rules, on a market with shared pairings
    (every host prefecture held exclusively by 25 sending cities together, province-wide
    preferred pairings, nested county, per-sector and unit-level pairings, some ending
    mid-horizon; about a million allowed pairs): ``planning.allocate`` end to
    end (seats, eligible pairs, busy filter, tie-breakers, flow, reasons for every
    unfilled seat, explanations' tables, the workbook copy) beside a **peer**: a
    bare ``SimpleMinCostFlow`` (person cap 1 → seat cap remaining, weights
    2^(priority-1), no tie-breakers, no reasons). The peer is timed twice: with
    the eligible pairs built inside its timing (the same ``eligible_pairs`` call
    plus its own busy filter: "incl. pairs") and on pairs built beforehand
    ("flow only"). Both must reach the same first-objective value. Target:
    allocate ≤ 1.5 × peer (incl. pairs).
    The window is one day (the seats open on 2027-03-01), so every person's
    candidate seats overlap and the flow path is exact; over a longer window the
    synthetic people's candidate seats do not overlap and CP-SAT is used.
    Also times ``networkx.network_simplex`` on the same construction at 10,000 people.
(b) 5,000 people with team rules (same_source, lead_required): CP-SAT to proven
    optimal over the whole horizon (target < 60 s); prints status and gap.
(c) with ``--year``: the 50,000 people over a 12-month window, where people can serve
    several seats one after another (CP-SAT), with ``--year-limit`` seconds (default 60):
    prints the status, the plan's value beside the starting plan's, and the time taken.

    .venv/bin/python benchmarks/bench_allocate.py [--people 50000] [--host-units 5000] [--repeat 3] [--year]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from _harness import timed  # noqa: E402  (benchmarks/ is on the path when a benchmark runs)

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PLANNING_TODAY", "2026-11-22")

import planning  # noqa: E402
from planning.allocate import planned_seats  # noqa: E402
from planning.eligibility import eligible_pairs  # noqa: E402
from planning.synthetic import synthetic_workbook  # noqa: E402

DAY = ("2027-03-01", "2027-03-01")


def peer_inputs(wb):
    """Seats with places left and allowed pairs minus busy people: the peer's own short pipeline."""
    seats = planned_seats(wb, DAY)
    seats = seats[seats["remaining"] > 0].reset_index(drop=True)
    pairs = eligible_pairs(wb, slots=seats)
    key = pd.MultiIndex.from_frame(seats[["order", "slot"]])
    seat = key.get_indexer(pd.MultiIndex.from_frame(pairs[["order", "slot"]]))
    a = wb.assignments
    b = pairs[["person"]].assign(i=np.arange(len(pairs)), s=seats["start"].to_numpy()[seat],
                                 e=seats["end"].to_numpy()[seat]).merge(a[["person", "start", "end"]], on="person")
    busy = b.loc[(b["s"] <= b["end"]) & (b["e"] >= b["start"]), "i"].to_numpy()
    keep = np.ones(len(pairs), dtype=bool)
    keep[busy] = False
    person, _ = pd.factorize(pairs["person"].to_numpy()[keep])
    return person, seat[keep], seats["remaining"].to_numpy(), 2 ** (seats["priority"].to_numpy() - 1)


def peer_flow(person, seat, cap, w):
    """Bare min-cost flow: source → person (1) → seat (cost −w) → sink (cap), bypass source → sink."""
    from ortools.graph.python import min_cost_flow

    n_p, n_s = int(person.max()) + 1, len(cap)
    src, snk, p0 = 0, 1, 2
    s0 = p0 + n_p
    tails = np.concatenate([np.zeros(n_p, np.int32), p0 + person, s0 + np.arange(n_s), [src]]).astype(np.int32)
    heads = np.concatenate([p0 + np.arange(n_p), s0 + seat, np.full(n_s, snk), [snk]]).astype(np.int32)
    caps = np.concatenate([np.ones(n_p + len(person), np.int64), cap, [n_p]]).astype(np.int64)
    costs = np.concatenate([np.zeros(n_p, np.int64), -w[seat], np.zeros(n_s + 1, np.int64)]).astype(np.int64)
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    f.set_nodes_supplies(np.array([src, snk], np.int32), np.array([n_p, -n_p], np.int64))
    assert f.solve() == f.OPTIMAL
    return -f.optimal_cost()


def networkx_peer(person, seat, cap, w):
    import networkx as nx

    n_p = int(person.max()) + 1
    G = nx.DiGraph()
    G.add_node("s", demand=-n_p)
    G.add_node("t", demand=n_p)
    G.add_edges_from((("s", ("p", i)) for i in range(n_p)), capacity=1, weight=0)
    G.add_edges_from(((("p", int(p)), ("q", int(s)), {"capacity": 1, "weight": -int(w[s])})
                      for p, s in zip(person, seat)))
    G.add_edges_from(((("q", i), "t", {"capacity": int(c), "weight": 0}) for i, c in enumerate(cap)))
    G.add_edge("s", "t", capacity=n_p, weight=0)
    cost, _ = nx.network_simplex(G)
    return -cost


def part_a(people, host_units, repeat, sectors=8, per_prefecture=25):
    wb = synthetic_workbook(people=people, host_units=host_units, teams=False, sectors=sectors,
                            cities_per_prefecture=per_prefecture)
    print(f"(a) {wb!r}, window {DAY[0]} (seats open that day), no team rules")
    shared = wb.pairings[wb.pairings["scope"].eq("exclusive")].groupby("host")["sender"].nunique()
    print(f"    shared pairings: {int((shared > 1).sum()):,} hosts held exclusively by several senders together "
          f"(up to {int(shared.max())}), {len(wb.pairings):,} pairings in all")
    t_alloc, plan = timed(planning.allocate, wb, window=DAY, repeat=repeat)
    t_peer_all, (inputs) = timed(peer_inputs, wb, repeat=repeat)
    t_flow, v_peer = timed(peer_flow, *inputs, repeat=repeat)
    t_peer_all += t_flow
    o = plan.objective
    print(f"    pairs {len(inputs[0]):,}, seats open {int((inputs[2] > 0).sum()):,}, "
          f"new assignments {len(plan.assignments):,}, unfilled seats {int(plan.unfilled['seats'].sum()):,}")
    print(f"    {'run':<34} {'seconds':>8} {'first objective':>16}")
    print(f"    {'planning.allocate (' + o.method + ', end to end)':<34} {t_alloc:>8.2f} {o.value:>16,}")
    print(f"    {'peer: pairs + bare OR-Tools flow':<34} {t_peer_all:>8.2f} {v_peer:>16,}")
    print(f"    {'peer: bare OR-Tools flow only':<34} {t_flow:>8.2f} {v_peer:>16,}")
    print(f"    ratio allocate / peer incl. pairs: {t_alloc / t_peer_all:.2f} (target ≤ 1.5); "
          f"allocate / flow only: {t_alloc / t_flow:.2f}; same first objective: {o.value == v_peer}")
    return o.value == v_peer


def part_nx(people, host_units):
    wb = synthetic_workbook(people=people, host_units=host_units, teams=False)
    inputs = peer_inputs(wb)
    t_or, v_or = timed(peer_flow, *inputs)
    t_nx, v_nx = timed(networkx_peer, *inputs)
    print(f"    {people:,} people, {len(inputs[0]):,} pairs: networkx.network_simplex {t_nx:.2f} s "
          f"(objective {v_nx:,}); OR-Tools flow {t_or:.2f} s (objective {v_or:,}); same: {v_nx == v_or}")


def part_b(people, host_units, time_limit):
    wb = synthetic_workbook(people=people, host_units=host_units, teams=True)
    n_rules = int((wb.teams["same_source"] | wb.teams["lead_required"]).sum())
    print(f"(b) {wb!r}: {n_rules:,} teams with rules, whole horizon from today")
    t, plan = timed(planning.allocate, wb, time_limit=time_limit)
    o = plan.objective
    print(f"    {o.method}: first objective {o.status} after {o.proof_seconds:.2f} s of solving "
          f"(target < 60 s to proven optimal); objective {o.value:,}, bound {o.bound:,}, gap {o.gap:.4%}")
    print(f"    end to end {t:.2f} s incl. the tie-breaker phase ({o.tiebreak_status}); "
          f"{len(plan.assignments):,} new assignments, {int(plan.unfilled['seats'].sum()):,} seats unfilled")
    print("    unfilled by reason: " + ", ".join(f"{k} {v}" for k, v in
                                                 plan.unfilled.groupby("reason")["seats"].sum().items()))


def part_c(people, host_units, time_limit):
    import importlib
    import warnings

    mod = importlib.import_module("planning.allocate")
    wb = synthetic_workbook(people=people, host_units=host_units, teams=False)
    window = ("2026-12-01", "2027-11-30")
    print(f"(c) {people:,} people, window {window[0]} to {window[1]}, time limit {time_limit:.0f} s")
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = planning.allocate(wb, window=window, time_limit=time_limit)
    dt = time.perf_counter() - t
    o, m = plan.objective, plan.inputs.model
    t = time.perf_counter()
    start = int(m.pair_w[mod.starting_plan(m)].sum())
    t_start = time.perf_counter() - t
    print(f"    pairs {m.n_pairs:,}; {o.method} {o.status} after {dt:.1f} s: objective {o.value:,}, "
          f"bound {'none' if o.bound is None else f'{o.bound:,}'}; starting plan {start:,} ({t_start:.1f} s); "
          f"{len(plan.assignments):,} new assignments{'; ' + o.note if o.note else ''}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--host-units", type=int, default=5_000)
    ap.add_argument("--nx-people", type=int, default=10_000)
    ap.add_argument("--team-people", type=int, default=5_000)
    ap.add_argument("--time-limit", type=float, default=None, help="CP-SAT seconds for (b) (default: none)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N for (a) (the machines are shared and noisy)")
    ap.add_argument("--year", action="store_true", help="also (c): the people over a 12-month window")
    ap.add_argument("--year-limit", type=float, default=60.0, help="time limit for (c)")
    args = ap.parse_args()
    same = part_a(args.people, args.host_units, args.repeat)
    part_nx(args.nx_people, args.nx_people // 10)
    part_b(args.team_people, args.team_people // 10, args.time_limit)
    if args.year:
        part_c(args.people, args.host_units, args.year_limit)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
