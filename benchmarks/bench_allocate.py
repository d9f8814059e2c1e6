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
    With ``--senders``: the same market with and without senders' quotas and staff caps
    (:func:`planning.samples.synthetic.with_senders`: a batch dispatched on the window's day, a quota per
    sending city × sector, staff and a largest share away per sending unit × sector), both timed end
    to end in the same run: seconds, first objective, status, how many seats a quota or cap keeps
    empty, the largest burden, ``check_plan`` on the plan with them, and the ratio (target ≤ 1.5).
(b) 5,000 people with team rules (same_source, lead_required): CP-SAT to proven
    optimal over the whole horizon (target < 60 s); prints status and gap.
(c) with ``--year`` (or ``--year-only``): the shared-pairing market of (a) over a 12-month window, where
    people serve several seats one after another (the horizon solver), at 50,000 people with and
    without team rules, with ``--year-limit`` seconds for the whole call (default 60): status,
    value, proven bound, gap, time and peak memory (each run in a fresh interpreter), and
    ``check_plan`` on the plan. Target: gap ≤ 1 % within 120 s and ≤ 3 GB (goal ≤ 0.5 % in 60 s).
    At 5,000 people the plan must be proven optimal: the **peer** is a plain CP-SAT model written
    here (:func:`plain_cpsat`) over the same candidate pairs, solved in the same run; both must
    prove the same optimum.

    .venv/bin/python benchmarks/bench_allocate.py [--people 50000] [--host-units 5000] [--repeat 3] [--year]
    .venv/bin/python benchmarks/bench_allocate.py --year-only [--year-limit 60] [--check-limit 600]
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

from _harness import best_run, timed  # noqa: E402  (benchmarks/ is on the path when a benchmark runs)

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PLANNING_TODAY", "2026-11-22")

import planning  # noqa: E402
from planning.allocation import planned_seats  # noqa: E402
from planning.programme.eligibility import eligible_pairs  # noqa: E402
from planning.samples.synthetic import synthetic_workbook  # noqa: E402

DAY = ("2027-03-01", "2027-03-01")


def peer_inputs(wb):
    """Seats with places left and allowed pairs minus busy people: the peer's own short pipeline."""
    seats = planned_seats(wb, DAY, DAY[0])  # planned from the window's start, as allocate plans them
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


def part_a(people, host_units, repeat, sectors=8, per_prefecture=25, criteria=False):
    wb = synthetic_workbook(people=people, host_units=host_units, teams=False, sectors=sectors,
                            cities_per_prefecture=per_prefecture)
    if criteria:  # every selection criterion of design §11 set, in the allocation and in the peer's pairs alike
        from planning.samples.synthetic import with_criteria

        wb = with_criteria(wb)
    print(f"(a) {wb!r}, window {DAY[0]} (seats open that day), no team rules"
          + (", every selection criterion set" if criteria else ""))
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


def part_senders(people, host_units, repeat, sectors=8, per_prefecture=25, time_limit=None):
    """(a) with senders' quotas and staff caps beside the same market without them, in the same run."""
    import warnings

    from planning.allocation import check_plan
    from planning.allocation.sender_rules import largest_burden
    from planning.samples.synthetic import with_senders

    wb = synthetic_workbook(people=people, host_units=host_units, teams=False, sectors=sectors,
                            cities_per_prefecture=per_prefecture)
    ws = with_senders(wb, dispatch=DAY[0])
    caps = int(ws.sender_staff["max_share"].notna().sum())
    print(f"(a, senders) {wb!r}, window {DAY[0]}: {len(ws.quotas):,} quotas (city × sector), "
          f"{len(ws.sender_staff):,} sending units' staff rows, {caps:,} with a largest share away")
    t0, p0 = timed(planning.allocate, wb, window=DAY, time_limit=time_limit, repeat=repeat)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t1, p1 = timed(planning.allocate, ws, window=DAY, time_limit=time_limit, repeat=repeat)
    m = p1.inputs.model
    held = p1.unfilled[p1.unfilled["reason"].isin(["quota", "staff_cap"])].groupby("reason")["seats"].sum()
    burden = largest_burden(m, _chosen(p1))
    print(f"    pairs {m.n_pairs:,}; rows: {len(m.limit_pairs):,} binding quota/cap rows, "
          f"{len(m.burden_pairs):,} burden rows")
    print(f"    {'run':<34} {'seconds':>8} {'first objective':>16} {'bound':>12}  status / tie-breakers")
    for name, t, p in (("without quotas and caps", t0, p0), ("with quotas and caps", t1, p1)):
        o = p.objective
        print(f"    {name + ' (' + o.method + ')':<34} {t:>8.2f} {o.value:>16,} {o.bound or 0:>12,}  "
              f"{o.status} / {o.tiebreak_status}")
    print(f"    seats held empty by a quota {int(held.get('quota', 0)):,}, by a staff cap "
          f"{int(held.get('staff_cap', 0)):,}; largest burden {'—' if burden is None else f'{float(burden):.1%}'}")
    broken = check_plan(ws, p1)
    print(f"    check_plan on the plan with them: {len(broken)} broken rules")
    print(f"    ratio with / without: {t1 / t0:.2f} (target ≤ 1.5)")
    return broken.empty


def _chosen(plan):
    """The model's pair indices of a plan's new assignments (for the burden)."""
    pairs = plan.inputs.pairs
    key = pd.MultiIndex.from_frame(pairs[["person", "order", "slot"]].astype({"slot": np.int64}))
    a = plan.assignments[["person", "order", "slot"]].astype({"slot": np.int64})
    k = key.get_indexer(pd.MultiIndex.from_frame(a))
    return k[k >= 0]


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


YEAR = ("2026-12-01", "2027-11-30")

#: one horizon run in a fresh interpreter (its own peak memory): ``people teams time_limit``
YEAR_STEP = r"""
import json, os, sys, time, warnings
os.environ.setdefault("PLANNING_TODAY", "2026-11-22")
import planning
from planning.allocation import check_plan
from planning.samples.synthetic import synthetic_workbook
people, teams, limit = int(sys.argv[1]), sys.argv[2] == "1", float(sys.argv[3])
wb = synthetic_workbook(people=people, host_units=people // 10, teams=teams, sectors=8, cities_per_prefecture=25)
t = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    plan = planning.allocate(wb, window=("2026-12-01", "2027-11-30"), time_limit=limit)
dt = time.perf_counter() - t
o, m = plan.objective, plan.inputs.model
broken = len(check_plan(wb, plan))
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(json.dumps({"seconds": dt, "peak_mb": int(hwm) / 1024, "value": o.value, "bound": o.bound, "gap": o.gap,
                  "status": o.status, "method": o.method, "note": o.note, "pairs": m.n_pairs,
                  "tiebreak": o.tiebreak_status, "broken": broken, "placed": len(plan.assignments),
                  "proof": o.proof_seconds, "tie_value": o.tiebreak_value, "tie_bound": o.tiebreak_bound}))
"""


def plain_cpsat(plan, time_limit=600.0, workers=1):
    """A plain CP-SAT model of the plan's pairs, written here from the tables (not the project's model code).

    One Boolean per candidate pair (``plan.inputs.pairs``); per seat at most its
    remaining places; per person and per day one of their stints starts, at most
    one of the stints covering that day (two stints overlap exactly when one
    covers the other's first day); per
    ``lead_required`` team, a member seat with no live lead of the team on post
    over part of it is filled only if some new lead of the team is placed; per
    ``same_source`` team, new members from one city, one of its live members' cities
    if it has any. Maximises sum of 2^(priority-1). Returns (status, value, bound, seconds).
    """
    from ortools.sat.python import cp_model

    from planning.core.clock import today
    from planning.core.hierarchy import source_city

    wb, seats, pairs = plan.inputs.workbook, plan.inputs.seats, plan.inputs.pairs.reset_index(drop=True)
    md = cp_model.CpModel()
    x = [md.new_bool_var("") for _ in range(len(pairs))]
    day = lambda c: pd.DatetimeIndex(pairs[c]).to_numpy().astype("datetime64[D]").astype(np.int64)  # noqa: E731
    start, end = day("start"), day("end")
    for s, ks in pairs.groupby("seat").indices.items():
        md.add(sum(x[k] for k in ks) <= int(seats["remaining"].iat[s]))
    for _, ks in pairs.groupby("person").indices.items():
        if len(ks) > 1:
            for d in np.unique(start[ks]):
                on = ks[(start[ks] <= d) & (end[ks] >= d)]
                if len(on) > 1:
                    md.add_at_most_one([x[k] for k in on])
    order = wb.orders.set_index("id")
    team = pairs["order"].map(order["team"]).to_numpy()
    role = pairs["order"].map(order["role"]).to_numpy()
    live = wb.assignments[wb.assignments["status"].isin(["active", "planned"]) & (wb.assignments["end"] >= today())]
    live = live.assign(team=live["order"].map(order["team"]), role=live["order"].map(order["role"]))
    all_city = source_city(wb)
    tm = wb.teams.set_index("id")
    for t_id, row in tm.iterrows():
        in_team = np.flatnonzero(team == t_id)
        if len(in_team) == 0:
            continue
        if bool(row["lead_required"]):
            leads = [x[k] for k in in_team if role[k] == "lead"]
            any_lead = md.new_bool_var("")
            md.add_max_equality(any_lead, leads) if leads else md.add(any_lead == 0)
            held = live[(live["team"] == t_id) & (live["role"] == "lead")]
            for k in in_team:
                if role[k] != "lead":
                    covered = ((held["start"] <= pairs["end"].iat[k]) & (held["end"] >= pairs["start"].iat[k])).any()
                    if not covered:
                        md.add_implication(x[k], any_lead)
        if bool(row["same_source"]):
            members = live[live["team"] == t_id]
            fixed = set(members["person"].map(all_city))
            by_city = {}
            for k in in_team:
                by_city.setdefault(pairs["source_city"].iat[k], []).append(x[k])
            used = {c: md.new_bool_var("") for c in by_city}
            for c, xs in by_city.items():
                for v in xs:
                    md.add_implication(v, used[c])
                if fixed and c not in fixed:
                    md.add(used[c] == 0)
            md.add_at_most_one(list(used.values()))
    w = (2 ** (seats["priority"].to_numpy().astype(np.int64) - 1))[pairs["seat"].to_numpy()]
    md.maximize(sum(int(wk) * v for wk, v in zip(w, x)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.linearization_level = 2  # its LP relaxation on every node: what proves optimality here
    solver.parameters.max_time_in_seconds = time_limit
    t = time.perf_counter()
    st = solver.solve(md)
    return (solver.status_name(st), int(round(solver.objective_value)), int(math.floor(solver.best_objective_bound + 1e-6)),
            time.perf_counter() - t)


def part_c(people, time_limit, check_people=5_000, check_limit=600.0):
    """The horizon problem over 12 months: value, bound, gap, time, peak memory; optimality at 5,000 people."""
    print(f"(c) 12 months ({YEAR[0]} to {YEAR[1]}), shared-pairing market (8 sectors, prefectures held by 25 cities "
          f"together), time limit {time_limit:.0f} s for the whole call; each run in a fresh interpreter")
    print(f"    {'people':>7} {'teams':>5} {'pairs':>10} {'status':>10} {'value':>9} {'bound':>9} {'gap':>8} "
          f"{'seconds':>8} {'peak MB':>8} {'rules broken':>12}")
    ok = True
    for n, teams in ((people, False), (people, True), (check_people, False), (check_people, True)):
        r = best_run(YEAR_STEP, n, int(teams), time_limit)
        gap = "—" if r["gap"] is None else f"{r['gap']:.3%}"
        bound = "—" if r["bound"] is None else f"{r['bound']:,}"
        print(f"    {n:>7,} {'yes' if teams else 'no':>5} {r['pairs']:>10,} {r['status']:>10} {r['value']:>9,} "
              f"{bound:>9} {gap:>8} {r['seconds']:>8.1f} {r['peak_mb']:>8,.0f} {r['broken']:>12}")
        ties = r["tiebreak"] + ("" if r.get("tie_bound") is None else f" (score {r['tie_value']:,} of at most {r['tie_bound']:,})")
        proof = "" if r.get("proof") is None else f"; first objective proven after {r['proof']:.1f} s of solving"
        print(f"            {r['method']}: {r['note']}{proof}; tie-breakers {ties}; {r['placed']:,} new assignments")
        ok &= r["broken"] == 0
    # optimality at check_people, against a plain CP-SAT model of the same pairs (in this process)
    import warnings

    print(f"    check at {check_people:,} people: the plan beside a plain CP-SAT model of the same candidate pairs "
          f"(one stint a day per person, team rules from the tables), {check_limit:.0f} s limit")
    for teams in (False, True):
        wb = synthetic_workbook(people=check_people, host_units=check_people // 10, teams=teams, sectors=8,
                                cities_per_prefecture=25)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = time.perf_counter()
            plan = planning.allocate(wb, window=YEAR, time_limit=time_limit)
            dt = time.perf_counter() - t
        st, v, b, secs = plain_cpsat(plan, check_limit)
        o = plan.objective
        same = st == "OPTIMAL" and v == o.value == o.bound and o.status == "optimal"
        ok &= same
        print(f"      teams {'yes' if teams else 'no '}: planning.allocate {o.status} {o.value:,} (bound {o.bound:,}) "
              f"in {dt:.1f} s end to end, proven after {o.proof_seconds or 0:.1f} s of solving; plain CP-SAT {st} {v:,} (bound {b:,}) in {secs:.1f} s; ratio {secs / dt:.1f}; "
              f"same proven optimum: {same}")
    return ok


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
    ap.add_argument("--year-only", action="store_true", help="run (c) alone")
    ap.add_argument("--check-limit", type=float, default=600.0, help="seconds for the plain CP-SAT check in (c)")
    ap.add_argument("--criteria", action="store_true", help="(a) with every selection criterion set (design §11)")
    ap.add_argument("--a-only", action="store_true", help="run (a) alone")
    ap.add_argument("--senders", action="store_true",
                    help="run (a) with senders' quotas and staff caps beside it without them, alone")
    ap.add_argument("--senders-limit", type=float, default=None, help="time limit of each run with --senders")
    args = ap.parse_args()
    if args.senders:
        return 0 if part_senders(args.people, args.host_units, args.repeat, time_limit=args.senders_limit) else 1
    same = True
    if not args.year_only:
        same = part_a(args.people, args.host_units, args.repeat, criteria=args.criteria)
        if args.a_only:
            return 0 if same else 1
        part_nx(args.nx_people, args.nx_people // 10)
        part_b(args.team_people, args.team_people // 10, args.time_limit)
    if args.year or args.year_only:
        same &= part_c(args.people, args.year_limit, args.team_people, args.check_limit)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
