"""The solvers: flow and CP-SAT agree, proofs and time limits, starting plans, flow internals, solvers by name."""
import numpy as np
import pandas as pd
import pytest

import planning
from planning.allocation import (REASONS, WHY, flow_applies,
                               planned_seats, solve_cpsat, solve_flow)
from planning.samples.synthetic import synthetic_workbook

from builders import make_wb, model_of, ok, placed, reasons


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_flow_and_cpsat_reach_the_same_objective(seed):
    # every prefecture shared by all ten cities: a dense market, so there is much to compare
    wb = synthetic_workbook(people=400, host_units=40, sectors=4, seed=seed, teams=False, cities_per_prefecture=10)
    m = model_of(wb, window=("2027-03-01", "2027-03-01"))  # seats open on one day: candidate seats overlap
    assert flow_applies(m) and m.n_pairs > 100
    f, c = solve_flow(m), solve_cpsat(m)
    assert f.value == c.value > 0 and c.status == "optimal" and c.bound == c.value
    assert f.tiebreak_value == c.tiebreak_value
    plan = planning.allocate(wb, window=("2027-03-01", "2027-03-01"))
    assert plan.objective.method == "flow" and plan.objective.value == f.value
    ok(wb, plan)


def test_sample_plan_is_proven_optimal(sample):
    plan = ok(sample, planning.allocate(sample))
    o = plan.objective
    assert o.status == "optimal" and o.bound == o.value and o.gap == 0 and o.value > 0
    assert o.tiebreak_status == "optimal"
    assert set(plan.unfilled["reason"]) <= set(REASONS) and set(plan.assignments["reason"]) <= set(WHY)
    # the team rules bind on the sample: the horizon path (LP bound, CP-SAT closing the gap)
    assert o.method == "horizon"
    # every open seat is either filled or reported
    seats = planned_seats(sample)
    assert plan.unfilled["seats"].sum() + len(plan.assignments) == seats["remaining"].sum()


def test_time_limit_is_stated(recwarn):
    wb = synthetic_workbook(people=3000, host_units=300, sectors=10, seed=3, teams=True)
    plan = planning.allocate(wb, time_limit=0.01)
    o = plan.objective
    if o.status == "time_limit":
        assert any("time limit" in str(w.message) or "时间限制" in str(w.message) for w in recwarn.list)
        assert o.bound is None or o.bound >= o.value
        assert o.gap is None or 0 <= o.gap <= 1
        assert o.value > 0 or o.bound is None  # no solution: no proven bound is claimed
    else:  # a fast machine may prove it anyway
        assert o.status == "optimal" and o.bound == o.value
    ok(wb, plan)


def test_stopped_without_a_solution_returns_the_starting_plan(sample, monkeypatch):
    """A solver stopped before any solution: the starting plan, no bound claimed, free seats say time ran out."""
    from ortools.sat.python import cp_model

    monkeypatch.setattr(cp_model.CpSolver, "solve", lambda self, model, *a, **k: cp_model.UNKNOWN)
    with pytest.warns(UserWarning):
        plan = ok(sample, planning.allocate(sample, time_limit=5, method="cpsat"))
    o = plan.objective
    assert (o.status, o.bound, o.gap) == ("time_limit", None, None) and "starting plan" in o.note
    assert 0 < o.value == int((2 ** (plan.assignments["priority"] - 1)).sum())
    reasons = set(plan.unfilled["reason"])
    assert "time_limit" in reasons and not reasons & {"team_rule", "lost_to_higher_priority"}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_starting_plan_obeys_every_rule(seed):
    """Rounds of flows with team rules enforced afterwards: a feasible plan, never above the optimum."""
    import importlib

    mod = importlib.import_module("planning.allocation")
    wb = synthetic_workbook(people=800, host_units=80, sectors=4, seed=seed, teams=True)
    plan = planning.allocate(wb)
    m = plan.inputs.model
    start = mod.starting_plan(m)
    assert len(start) and len(np.unique(start)) == len(start)
    assert (np.bincount(m.pair_seat[start], minlength=len(m.cap)) <= m.cap).all()
    o = np.lexsort((m.pair_start[start], m.pair_person[start]))
    p, s, e = m.pair_person[start][o], m.pair_start[start][o], m.pair_end[start][o]
    assert not ((p[1:] == p[:-1]) & (s[1:] <= e[:-1])).any()  # one seat at a time
    assert (mod.enforce_team_rules(m, start) == start).all()
    assert int(m.pair_w[start].sum()) <= plan.objective.value


def test_orders_and_people_limit_the_plan(sample):
    flexible = set(sample.people.loc[sample.people["program"].eq("flexible"), "id"])
    rotating = sample.orders.loc[sample.orders["rotation_months"].notna(), "id"]
    plan = planning.allocate(sample, orders=rotating, people=flexible)
    assert len(plan.assignments) > 0
    assert set(plan.assignments["person"]) <= flexible and set(plan.assignments["order"]) <= set(rotating)
    assert set(plan.unfilled["order"]) <= set(rotating)
    # a pool that cannot do the work: seats are judged against the pool, not against everyone
    teachers = set(sample.people.loc[sample.people["sector"].eq("教育"), "id"])
    none = planning.allocate(sample, orders=rotating, people=teachers)
    assert none.assignments.empty and set(none.unfilled["reason"]) == {"no_one_in_sector"}




def _one_scaled_flow(m):
    """Reference: one min-cost flow over single people, the first objective scaled above every tie-breaker total."""
    from ortools.graph.python import min_cost_flow

    import importlib

    mod = importlib.import_module("planning.allocation")
    big = (int(m.pair_tie.max(initial=0)) + mod.FAIR_MAX + 1) * (len(m.person_city) + 1)
    n_city, n_person, n_seat = m.fair_levels.shape[0], len(m.person_city), len(m.cap)
    seat0, city0 = n_person, n_person + n_seat
    sink = city0 + n_city
    lc, lv = np.nonzero(m.fair_levels)
    # person (supply 1) → seat (cost -(w * big + tie)) → sink, or person → city → sink (fair-share levels)
    tails = np.concatenate([m.pair_person, seat0 + np.arange(n_seat), np.arange(n_person), city0 + lc])
    heads = np.concatenate([seat0 + m.pair_seat, np.full(n_seat, sink), city0 + m.person_city, np.full(len(lc), sink)])
    caps = np.concatenate([np.ones(m.n_pairs), m.cap, np.ones(n_person), m.fair_levels[lc, lv]])
    costs = np.concatenate([-(m.pair_w * big + m.pair_tie), np.zeros(n_seat + n_person), -lv])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                              caps.astype(np.int64), costs.astype(np.int64))
    smcf.set_nodes_supplies(np.append(np.arange(n_person), sink).astype(np.int32),
                            np.append(np.ones(n_person), -n_person).astype(np.int64))
    assert smcf.solve() == smcf.OPTIMAL
    chosen = np.flatnonzero(smcf.flows(np.arange(m.n_pairs)) > 0)
    return int(m.pair_w[chosen].sum()), mod.tie_value(m, chosen)


@pytest.mark.parametrize("seed", [3, 4, 5, 6, 7])
def test_two_step_flow_equals_one_scaled_flow(seed):
    """Maximum flows per weight level, then tie-breakers: the same optimum as one lexicographically scaled flow."""
    import importlib

    mod = importlib.import_module("planning.allocation")
    wb = synthetic_workbook(people=400, host_units=40, sectors=4, seed=seed, teams=False)
    m = model_of(wb, window=("2027-03-01", "2027-03-01"))
    assert flow_applies(m) and len(np.unique(m.pair_w)) > 1
    levels, counts = mod.filled_by_level(m)
    sol = solve_flow(m)
    assert sol.value == sol.bound == int((levels * counts).sum())
    assert (sol.value, sol.tiebreak_value) == _one_scaled_flow(m)


def test_undated_records_neither_block_nor_qualify():
    """A past assignment without a start blocks no one; no sector or no lead flag qualifies no one."""
    wb = make_wb([dict(id="P1")], [dict(id="O0", start="2026-01-01", end="2026-06-30"), dict(id="O1")],
                 assignments=[dict(person="P1", order="O0", start=None, end="2027-06-30", status="done")])
    assert placed(ok(wb, planning.allocate(wb, orders=["O1"]))) == [("P1", "O1")]
    wb = make_wb([dict(id="P1", sector=None)], [dict(id="O1", sector=None)])
    assert reasons(planning.allocate(wb)) == {"O1": "no_one_in_sector"}
    wb = make_wb([dict(id="P1")], [dict(id="O1", role="lead")])
    wb.people["can_lead"] = pd.Series([np.nan], dtype=object)
    assert reasons(planning.allocate(wb)) == {"O1": "no_one_in_sector"}


def test_hosts_limit_the_seats_planned():
    wb = make_wb([dict(id="P1"), dict(id="P2")], [dict(id="OA"), dict(id="OB", host_unit="HB")])
    plan = ok(wb, planning.allocate(wb, hosts=["HB"]))
    assert set(plan.assignments["order"]) == {"OB"} and plan.unfilled.empty
    with pytest.raises(planning.PlanError, match="not_planned"):
        planning.allocate(wb, hosts=["HB"], pins=[("P1", "OA")])


def _why_by_merge(pairs: pd.DataFrame, w: np.ndarray, chosen: np.ndarray, n_pinned: int) -> np.ndarray:
    """Reference for ``_why`` (the rule is in its docstring): the comparisons as pandas merges of
    each placed pair with the alternatives it beat; the first ``n_pinned`` placements are pins."""
    import importlib

    mod = importlib.import_module("planning.allocation")
    n = len(chosen)
    out = np.full(n, "priority", dtype=object)
    if n == 0:
        return out
    person, _ = mod.factorize_codes(pairs, "person", "person_code")
    city, _ = mod.factorize_codes(pairs, "source_city", "city_code")
    first = np.unique(person, return_index=True)[1]
    pool = np.bincount(city[first], minlength=city.max() + 1)
    used = np.bincount(city[chosen], minlength=len(pool))
    seat = pairs["seat"].to_numpy().astype(np.int64)
    pref = pairs["preferred"].to_numpy().astype(np.int64)
    exact = pairs["exact_skill"].to_numpy().astype(np.int64)
    wr = np.clip(pairs["wish_rank"].to_numpy().astype(np.int64), -1, mod.WISH_RANKS)  # ranks past the last score alike
    pp = pairs["person_pref"].to_numpy().astype(np.int64) if "person_pref" in pairs else np.zeros(len(pairs), np.int64)
    f = pd.DataFrame({"seat": seat, "person": person, "w": w, "preferred": pref, "exact_skill": exact,
                      "wish_rank": wr, "person_pref": pp, "source_city": city})
    c = f.iloc[chosen].reset_index(drop=True).assign(i=np.arange(n))
    is_chosen = np.zeros(len(pairs), dtype=bool)
    is_chosen[chosen] = True
    # a seat's other candidates matter only by their features: one row per distinct (seat, features)
    n_city = len(pool)
    n_pp = mod.PERSON_MAX + 1
    feat = (((pref * 2 + exact) * (mod.WISH_RANKS + 2) + (wr + 1)) * n_pp + pp) * n_city + city
    span = 4 * (mod.WISH_RANKS + 2) * n_pp * n_city
    key = pd.unique(seat[~is_chosen] * span + feat[~is_chosen])
    rest = key % span
    ct, rest = rest % n_city, rest // n_city
    pk, rest = rest % n_pp, rest // n_pp
    wk, rest = rest % (mod.WISH_RANKS + 2) - 1, rest // (mod.WISH_RANKS + 2)
    seat_alt = pd.DataFrame({"seat": key // span, "preferred": rest // 2, "exact_skill": rest % 2, "wish_rank": wk,
                             "person_pref": pk, "source_city": ct})
    by_seat = c.merge(seat_alt, on="seat", suffixes=("", "_a"))
    # the person's other seats of the same weight
    placed = np.zeros(person.max() + 1, dtype=bool)
    placed[person[chosen]] = True
    alt = f[~is_chosen & placed[person]]
    by_person = c.merge(alt, on=["person", "w"], suffixes=("", "_a"))
    by_person = by_person[by_person["seat"] != by_person["seat_a"]]
    x = pd.concat([by_seat, by_person], ignore_index=True)
    if x.empty:
        out[:n_pinned] = "pinned"
        return out
    cm, ca = x["source_city"].to_numpy(), x["source_city_a"].to_numpy()
    share_mine = (used[cm] - 1) / pool[cm]
    share_alt = np.where(ca == cm, share_mine, used[ca] / pool[ca])
    ws = lambda r: np.where(r >= 0, mod.WISH_RANKS - np.minimum(r, mod.WISH_RANKS), 0)  # noqa: E731
    steps = [
        ("preferred", x["preferred"].to_numpy().astype(int), x["preferred_a"].to_numpy().astype(int)),
        ("exact_skill", x["exact_skill"].to_numpy().astype(int), x["exact_skill_a"].to_numpy().astype(int)),
        ("wish", ws(x["wish_rank"].to_numpy()), ws(x["wish_rank_a"].to_numpy())),
        ("person_pref", x["person_pref"].to_numpy().astype(int), x["person_pref_a"].to_numpy().astype(int)),
        ("fair_share", -share_mine, -share_alt),
    ]
    xi = x["i"].to_numpy()
    decided = np.zeros(n, dtype=bool)
    tie = np.ones(len(x), dtype=bool)
    for code, mine, theirs in steps:
        hit = np.zeros(n, dtype=bool)
        hit[xi[tie & (mine > theirs)]] = True
        hit &= ~decided
        out[hit] = code
        decided |= hit
        tie &= mine == theirs
    out[:n_pinned] = "pinned"
    return out


@pytest.mark.parametrize("seed, teams, pins", [(0, False, 0), (1, True, 0), (2, False, 3), (3, True, 2)])
def test_why_equals_merged_comparisons(seed, teams, pins):
    """The tie-breaker that decided, by key ranges, equals the pairwise comparison of every alternative."""
    import importlib

    wb = synthetic_workbook(people=1500, host_units=150, seed=seed, teams=teams, cities_per_prefecture=10)
    if seed % 2:  # orders preferring Party members or grass-roots experience (design §11), and people who have them
        r = np.random.default_rng(seed + 100)
        wb.orders = wb.orders.assign(party_preferred=r.random(len(wb.orders)) < 0.5,
                                     rural_preferred=r.random(len(wb.orders)) < 0.5)
        wb.people = wb.people.assign(party_status=np.where(r.random(len(wb.people)) < 0.5, "party_member", "masses"),
                                     rural_experience=r.random(len(wb.people)) < 0.5)
    plan = planning.allocate(wb, window=("2027-03-01", "2027-03-01") if seed % 2 == 0 else None)
    pairs, seats = plan.inputs.pairs, plan.inputs.seats
    assert (pairs["person_pref"].max() == 2) == bool(seed % 2)
    w = 2 ** (seats["priority"].to_numpy().astype(np.int64)[pairs["seat"].to_numpy()] - 1)
    rng = np.random.default_rng(seed)
    placed = pd.MultiIndex.from_frame(plan.assignments[["person", "order", "slot"]])
    rows = np.flatnonzero(pd.MultiIndex.from_frame(pairs[["person", "order", "slot"]]).isin(placed))
    if pins:  # the first rows stand for pins: their own copies appended, as write_back does
        pin_rows = rng.choice(len(pairs), pins, replace=False)
        pairs = pd.concat([pairs, pairs.iloc[pin_rows].drop(columns=["person_code", "city_code"])],
                          ignore_index=True)
        w = np.r_[w, w[pin_rows]]
        rows = np.r_[len(pairs) - pins + np.arange(pins), np.setdiff1d(rows, pin_rows)]
    n_free = len(pairs) - pins
    for chosen in [rows] + [np.r_[rows[:pins], rng.choice(n_free, min(k, n_free), replace=False)] for k in (20, 300)]:
        got = importlib.import_module("planning.allocation.write_back")._why(pairs, w, chosen, pins)
        assert (got == _why_by_merge(pairs, w, chosen, pins)).all()
    assert len(set(importlib.import_module("planning.allocation.write_back")._why(pairs, w, rows, pins))) > 2


def test_interchangeable_people_merge_only_when_identical(monkeypatch):
    """Groups hold people with identical candidate lists; a hash that tells no one apart merges no one."""
    import importlib

    mod = importlib.import_module("planning.allocation.solvers.flow")
    wb = synthetic_workbook(people=600, host_units=60, sectors=3, seed=8, teams=False)
    m = model_of(wb, window=("2027-03-01", "2027-03-01"))
    g = mod.interchangeable(m)
    assert g.n_groups < len(m.person_city) and g.size.sum() == len(m.person_city)
    lists = pd.Series(list(zip(m.pair_seat, m.pair_tie))).groupby(m.pair_person).agg(lambda x: tuple(sorted(x)))
    assert lists.groupby(g.of_person[lists.index]).nunique().eq(1).all()
    assert len(set(lists)) == g.n_groups
    sol = solve_flow(m)
    monkeypatch.setattr(mod, "_mix", lambda x: np.zeros(len(x), np.uint64))
    assert mod.interchangeable(m).n_groups == len(m.person_city)
    alone = solve_flow(m)
    assert (alone.value, alone.tiebreak_value) == (sol.value, sol.tiebreak_value)


def _handmodel_of(person, seat, tie, cap, city):
    import importlib

    mod = importlib.import_module("planning.allocation")
    n, pc = len(person), np.array(city)
    return mod.Model(pair_person=np.array(person), pair_seat=np.array(seat), pair_w=np.ones(n, np.int64),
                     pair_tie=np.array(tie, np.int64), pair_start=np.zeros(n, np.int64),
                     pair_end=np.zeros(n, np.int64), person_city=pc, cap=np.array(cap),
                     fair_levels=importlib.import_module("planning.allocation.model")._fair_levels(pc, pc.max() + 1))


@pytest.mark.parametrize("person, seat, tie, cap, city", [
    ([0, 0], [0, 0], [0, 5], [1], [0]),                      # one person, the same seat twice
    ([0, 0, 1, 1], [0, 0, 0, 0], [0, 5, 0, 5], [2], [0, 0]),  # two interchangeable people, the same
    ([0, 1], [1, 0], [-1, 5], [1, 1], [0, 1]),                # a negative reward aliasing another seat
])
def test_group_flow_on_hand_models(person, seat, tie, cap, city):
    """Duplicate (person, seat) pairs keep their own reward; negative rewards never merge different people."""
    m = _handmodel_of(person, seat, tie, cap, city)
    f, c = solve_flow(m), solve_cpsat(m)
    assert (f.value, f.tiebreak_value) == (c.value, c.tiebreak_value) == _one_scaled_flow(m)


def test_wish_rank_on_codes():
    """Ranks from the people's wish lists; a seat without a host unit is never wished."""
    from types import SimpleNamespace
    import importlib

    people = pd.DataFrame({"id": ["P0", "P1"], "wishes": ["H0;HX;H1", "H1; H0"]})
    host, hosts = pd.factorize(np.array(["H0", "HX", None, "H1"], dtype=object))
    person, seat = np.array([0, 0, 1, 1, 1, 0]), np.array([0, 1, 2, 3, 0, 2])
    got = importlib.import_module("planning.allocation.candidates")._wish_rank(SimpleNamespace(people=people), person, pd.Index(people["id"]), host[seat], pd.Index(hosts))
    assert got.tolist() == [0, 1, -1, 0, 1, -1]


def test_solvers_chosen_by_name_reach_the_same_optimum():
    """``method=`` picks a solver from the table; flow and CP-SAT agree where the flow applies."""
    from planning.allocation.pipeline import SOLVERS

    assert set(SOLVERS) == {"optimal", "flow", "cpsat", "horizon", "stable"}
    wb = synthetic_workbook(people=400, host_units=40, sectors=4, seed=2, teams=False, cities_per_prefecture=10)
    day = ("2027-03-01", "2027-03-01")
    flow, cpsat = planning.allocate(wb, window=day, method="flow"), planning.allocate(wb, window=day, method="cpsat")
    assert (flow.objective.method, cpsat.objective.method) == ("flow", "cpsat")
    assert flow.objective.value == cpsat.objective.value == planning.allocate(wb, window=day).objective.value
    with pytest.raises(planning.PlanError, match="cpsat"):
        planning.allocate(synthetic_workbook(people=300, host_units=30, sectors=3, seed=5, teams=True),
                          method="flow", lang="en")
