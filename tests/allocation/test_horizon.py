"""The horizon solver: its bound is never below the optimum and its plan never above, on small random programmes
with the shapes real ones take, checked against a plain CP-SAT model written here; time limits; planning dates."""
import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planning
from planning.allocation import check_plan
from planning.samples.synthetic import synthetic_workbook

from builders import make_wb, ok

def plain_optimum(plan) -> int:
    """The first objective's optimum over the plan's candidate pairs, by a plain CP-SAT model built from the tables.

    Independent of the project's model code: one Boolean per pair; seat places
    from the seats table; one stint at a time as pairwise exclusions of
    overlapping dates; ``lead_required`` and ``same_source`` from the teams,
    orders and assignments tables (a held lead or member is a live assignment
    still running on the planning date's eve, as the rules define them);
    ``min_size`` as the sentence says it: on every day, a team with a least size
    has either nobody on post or planned on its orders, or at least that many,
    the people already on post counting; on a day someone is already on post the
    plan may add anyone.
    """
    from ortools.sat.python import cp_model

    from planning.core.clock import today
    from planning.core.hierarchy import source_city

    wb, seats, pairs = plan.inputs.workbook, plan.inputs.seats, plan.inputs.pairs.reset_index(drop=True)
    md = cp_model.CpModel()
    x = [md.new_bool_var(f"x{k}") for k in range(len(pairs))]
    for s, ks in pairs.groupby("seat").indices.items():
        md.add(sum(x[k] for k in ks) <= int(seats["remaining"].iat[s]))
    for _, ks in pairs.groupby("person").indices.items():
        for i in ks:
            for j in ks:
                if i < j and pairs["start"].iat[i] <= pairs["end"].iat[j] and pairs["start"].iat[j] <= pairs["end"].iat[i]:
                    md.add(x[i] + x[j] <= 1)
    orders = wb.orders.set_index("id")
    team, role = pairs["order"].map(orders["team"]), pairs["order"].map(orders["role"])
    a = wb.assignments
    live = a[a["status"].isin(["active", "planned"]) & (a["end"] >= today())]
    live = live.assign(team=live["order"].map(orders["team"]), role=live["order"].map(orders["role"]))
    people_city = source_city(wb)  # the domain's rule (design §4), not the model's code
    for t in wb.teams.itertuples():
        mine = np.flatnonzero(team.eq(t.id).to_numpy())
        if t.lead_required:
            leads = [x[k] for k in mine if role.iat[k] == "lead"]
            held = live[(live["team"] == t.id) & (live["role"] == "lead")]
            for k in mine:
                if role.iat[k] != "lead" and not ((held["start"] <= pairs["end"].iat[k])
                                                  & (held["end"] >= pairs["start"].iat[k])).any():
                    md.add(sum(leads) >= 1).only_enforce_if(x[k]) if leads else md.add(x[k] == 0)
        if t.same_source:
            fixed = set(live.loc[live["team"] == t.id, "person"].map(people_city))
            by_city = {}
            for k in mine:
                by_city.setdefault(people_city[pairs["person"].iat[k]], []).append(x[k])
            used = []
            for c, xs in by_city.items():
                u = md.new_bool_var("")
                used.append(u)
                for v in xs:
                    md.add_implication(v, u)
                if fixed and c not in fixed:
                    md.add(u == 0)
            md.add_at_most_one(used)
        size = getattr(t, "min_size", None)
        if size is not None and not pd.isna(size):
            held = live[live["team"] == t.id]
            # the days the count can change: a new stint's first day, the day after a held one ends
            days = set(pairs["start"].iloc[mine]) | {e + pd.Timedelta(days=1) for e in held["end"]}
            for d in sorted(days):
                if ((held["start"] <= d) & (held["end"] >= d)).any():
                    continue  # someone is on post: the team exists, anyone may be added
                on = [x[k] for k in mine if pairs["start"].iat[k] <= d <= pairs["end"].iat[k]]
                if on:
                    staffed = md.new_bool_var("")
                    md.add(sum(on) >= int(size) * staffed)
                    for v in on:
                        md.add_implication(v, staffed)
    w = (2 ** (seats["priority"].to_numpy() - 1))[pairs["seat"].to_numpy()]
    md.maximize(sum(int(wk) * v for wk, v in zip(w, x)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(md) == cp_model.OPTIMAL
    return int(round(solver.objective_value))


@st.composite
def programmes(draw):
    """Small programmes: several cities sharing a host by exclusive pairings (some dated), rotation slots, teams."""
    n_people, n_orders = draw(st.integers(2, 9)), draw(st.integers(1, 7))
    month = lambda lo, hi: pd.Timestamp("2026-12-01") + pd.DateOffset(months=draw(st.integers(lo, hi)))  # noqa: E731
    people = []
    for i in range(n_people):
        start = month(0, 8)
        people.append(dict(id=f"P{i}", sending_unit=draw(st.sampled_from(["U1", "U2", "U3"])),
                           skill=draw(st.sampled_from(["数学", "物理"])), level=draw(st.integers(1, 3)),
                           can_lead=draw(st.booleans()), available_from=(start - pd.DateOffset(months=3)).date(),
                           available_to=(start + pd.DateOffset(months=draw(st.integers(3, 18)))).date()))
    teams = [dict(id="T1", host="HA", same_source=draw(st.booleans()), lead_required=draw(st.booleans()),
                  min_size=draw(st.sampled_from([None, None, 2, 3]))),
             dict(id="T2", host="HB", same_source=draw(st.booleans()), lead_required=draw(st.booleans()),
                  min_size=draw(st.sampled_from([None, 2, 3])))]
    orders = []
    for i in range(n_orders):
        start = month(-2, 9)
        host = draw(st.sampled_from(["HA", "HB", "HC1"]))
        orders.append(dict(id=f"O{i}", host_unit=host, skill=draw(st.sampled_from([None, "数学", "物理"])),
                           role=draw(st.sampled_from(["member", "member", "lead"])), headcount=draw(st.integers(1, 2)),
                           start=start.date(), end=(start + pd.DateOffset(months=draw(st.integers(2, 12)))
                                                    - pd.DateOffset(days=1)).date(),
                           priority=draw(st.integers(1, 5)), min_level=draw(st.integers(1, 2)),
                           team={"HA": "T1", "HB": "T2"}.get(host) if draw(st.booleans()) else None,
                           rotation_months=draw(st.sampled_from([None, None, 2, 3]))))
    pairings = []
    if draw(st.booleans()):  # two cities hold the county together; one city's pairing ends mid-way
        pairings = [dict(sender="C1", host="HC"),
                    dict(sender="C2", host="HC", end=draw(st.sampled_from([None, "2027-05-31"])))]
    if draw(st.booleans()):  # 一市包一校: one city alone for a unit, from a date
        pairings.append(dict(sender="C3", host="HB", start="2027-03-01"))
    assignments = []
    if draw(st.booleans()) and n_orders:  # someone already on post in an order
        assignments = [dict(person="P0", order="O0", start=orders[0]["start"], end=orders[0]["end"])]
    return make_wb(people, orders, teams=teams, pairings=pairings, assignments=assignments)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes(), st.booleans())
def test_bound_never_below_the_optimum_and_plan_never_above(monkeypatch_module, wb, later):
    window = ("2027-02-01", "2027-12-31") if later else ("2026-12-01", "2027-11-30")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the LP bound and the LP-guided plan alone (no CP-SAT to close the gap)
        monkeypatch_module.setattr("planning.allocation.solvers.horizon.driver.CPSAT_PAIRS", 0)
        plan = ok(wb, planning.allocate(wb, window=window, method="horizon"))
        monkeypatch_module.undo()
        best = ok(wb, planning.allocate(wb, window=window))
    opt = plain_optimum(plan)
    o = plan.objective
    assert o.value <= opt <= o.bound
    assert o.status in ("optimal", "feasible") and (o.status == "optimal") == (o.value == o.bound)
    assert 0 <= o.gap <= 1
    assert best.objective.status == "optimal" and best.objective.value == opt == best.objective.bound


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.mark.parametrize("sized", [False, True])
def test_random_multipliers_give_a_valid_bound(sized):
    """Any non-negative multipliers bound the optimum (weak duality), whatever the LP did; with teams of a
    least size too (every other team at least 3: their rows and columns in the LP)."""
    from planning.allocation.solvers.horizon import build_lp, lagrangian_bound

    wb = synthetic_workbook(people=400, host_units=40, sectors=4, seed=1, teams=True, cities_per_prefecture=10)
    if sized:
        wb.teams["min_size"] = pd.array(np.where(np.arange(len(wb.teams)) % 2 == 0, 3, None), dtype="Int64")
    plan = ok(wb, planning.allocate(wb, window=("2026-12-01", "2027-11-30")))
    m = plan.inputs.model
    assert bool(m.size_seats) == sized
    opt = plain_optimum(plan)
    assert plan.objective.value == opt == plan.objective.bound
    lp = build_lp(m)
    n = sum(r.n for r in lp.rows if r.relaxed)
    rng = np.random.default_rng(0)
    for scale in (0.0, 0.5, 4.0, 40.0):
        assert lagrangian_bound(m, lp, rng.random(n) * scale) >= opt


def test_time_limit_is_kept_on_a_slow_workbook():
    """A national-shaped year with team rules and a short limit: the best plan so far, with its bound and gap."""
    wb = synthetic_workbook(people=20_000, host_units=2_000, sectors=8, seed=4, teams=True, cities_per_prefecture=25)
    limit = 10.0
    with pytest.warns(UserWarning):
        plan = planning.allocate(wb, window=("2026-12-01", "2027-11-30"), time_limit=limit)
    o = plan.objective
    # stopped by the limit (how long that took on the clock: benchmarks/bench_allocate.py, not a test)
    assert o.status == "time_limit" and o.bound is not None and o.gap is not None
    assert 0 <= o.value <= o.bound and 0 < o.gap <= 1  # on a loaded machine the pairs alone may take most of it
    assert check_plan(wb, plan).empty


def test_new_assignments_start_on_the_planning_date():
    """A seat that has begun is planned from the dispatch date; rotation slots keep their own dates."""
    people = [dict(id="P1", available_from="2026-01-01"), dict(id="P2", available_from="2026-01-01")]
    orders = [dict(id="O1", start="2026-06-01", end="2027-12-31"),
              dict(id="O2", start="2027-01-01", end="2027-12-31", rotation_months=6)]
    wb = make_wb(people, orders)
    # the window starts ahead of today: that is the default planning date
    plan = ok(wb, planning.allocate(wb, window=("2027-03-01", "2027-12-31")))
    a = plan.assignments.set_index(["order", "slot"])
    assert str(a.loc[("O1", 0), "start"].date()) == "2027-03-01" and plan.planning_date == pd.Timestamp("2027-03-01")
    assert str(a.loc[("O2", 0), "start"].date()) == "2027-03-01"  # the slot had begun: from the planning date
    assert str(a.loc[("O2", 1), "start"].date()) == "2027-07-01"  # a later slot keeps its own start
    # an explicit dispatch date; a slot ending before it is not planned
    plan = ok(wb, planning.allocate(wb, planning_date="2027-08-15"))
    assert set(plan.assignments["start"].astype(str)) == {"2027-08-15"}
    assert ("O2", 0) not in set(zip(plan.assignments["order"], plan.assignments["slot"]))
    # from today by default
    plan = ok(wb, planning.allocate(wb))
    assert str(plan.assignments.set_index("order").loc["O1", "start"].date()) == "2026-11-22"
    with pytest.raises(planning.PlanError, match="2026-11-22"):
        planning.allocate(wb, planning_date="2026-01-01", lang="en")


def test_allocation_page_window_may_start_in_a_later_month(sample):
    """The page's window starting in a later month: new postings are dated from that month on."""
    from planning.apps import AllocationApp

    app = AllocationApp(wb=sample, lang="en")
    months = [v for _, v in app.window.options]
    app.window.value = (months[3], months[8])
    app.run_button.click()
    plan = app.plan
    assert plan is not None and len(plan.assignments) > 0 and plan.planning_date == months[3]
    assert (plan.assignments["start"] >= months[3]).all()
    assert check_plan(sample, plan).empty


# --- the Lagrangian bound against a plain one, on small models without team rules ---------------------

def plain_lagrangian(m, lp, u) -> int:
    """``u @ b`` plus, per person, the best set of non-overlapping seats at the pairs' reduced values.

    The reduced value of a pair is its first-objective weight less ``u`` times its entries in the relaxed
    rows; every subset of a person's pairs is tried (seats overlap unless one ends before the other starts).
    """
    value = [float(w) for w in (lp.first if lp.first is not None else lp.column_arrays()[0][:lp.n_pairs])]
    total, offset = 0.0, 0
    for r in (r for r in lp.rows if r.relaxed):
        total += sum(float(u[offset + i]) * float(r.upper[i]) for i in range(r.n))
        for row, col, val in zip(r.row, r.col, r.val):
            if col < lp.n_pairs:
                value[col] -= float(val) * float(u[offset + row])
        offset += r.n
    s, e = m.pair_start, m.pair_end
    for person in range(len(m.person_city)):
        mine = [p for p in range(m.n_pairs) if m.pair_person[p] == person
                and (m.fixed_off is None or not m.fixed_off[p])]
        total += max(sum(value[p] for p in chosen)
                     for k in range(len(mine) + 1) for chosen in itertools.combinations(mine, k)
                     if all(e[a] < s[b] or e[b] < s[a] for a, b in itertools.combinations(chosen, 2)))
    return math.floor(total + 1e-9)


@st.composite
def small_models(draw):
    from planning.allocation.model import Model

    n_person, n_seat = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    pairs = draw(st.lists(st.tuples(st.integers(0, n_person - 1), st.integers(0, n_seat - 1)), min_size=1,
                          max_size=7, unique=True))
    seat_w = draw(st.lists(st.integers(1, 16), min_size=n_seat, max_size=n_seat))
    seat_days = [sorted(draw(st.lists(st.integers(0, 30), min_size=2, max_size=2))) for _ in range(n_seat)]
    n = len(pairs)
    off = draw(st.one_of(st.none(), st.lists(st.booleans(), min_size=n, max_size=n).map(np.array)))
    return Model(pair_person=np.array([p for p, _ in pairs]), pair_seat=np.array([k for _, k in pairs]),
                 pair_w=np.array([seat_w[k] for _, k in pairs]), pair_tie=np.zeros(n, np.int64),
                 pair_start=np.array([seat_days[k][0] for _, k in pairs]),
                 pair_end=np.array([seat_days[k][1] for _, k in pairs]),
                 person_city=np.zeros(n_person, np.int64), cap=np.array(draw(st.lists(
                     st.integers(1, 2), min_size=n_seat, max_size=n_seat))), fair_levels=np.zeros((1, 16), np.int64),
                 fixed_off=off)


@given(m=small_models(), data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_lagrangian_bound_equals_a_plain_one(m, data):
    """The bound is the Lagrangian function itself at the (dyadic) multipliers, not merely above the optimum."""
    from planning.allocation.solvers.horizon import build_lp, lagrangian_bound

    lp = build_lp(m)
    n = sum(r.n for r in lp.rows if r.relaxed)
    u = np.array(data.draw(st.lists(st.integers(0, 40), min_size=n, max_size=n)), dtype=float) / 4
    assert lagrangian_bound(m, lp, u) == plain_lagrangian(m, lp, u)
    # no multipliers: every relaxed row free, each person's best sequence at full weight
    assert lagrangian_bound(m, lp, np.zeros(n)) == plain_lagrangian(m, lp, np.zeros(n))
    # the trivial multipliers: each capacity row priced at its seat's weight
    seat_w = dict(zip(m.pair_seat.tolist(), m.pair_w.tolist()))
    trivial = np.zeros(n)
    trivial[: len(lp.capacity_seats)] = [seat_w[k] for k in lp.capacity_seats]
    assert lagrangian_bound(m, lp, None) == plain_lagrangian(m, lp, trivial)
    # with taken: the same bound, the pairs of one best sequence and the pairs' reduced values
    bound, best, x = lagrangian_bound(m, lp, u, taken=True)
    assert bound == plain_lagrangian(m, lp, u) and best.dtype == bool and len(best) == len(x) == m.n_pairs
    assert all(x[p] == 0 for p in range(m.n_pairs) if m.fixed_off is not None and m.fixed_off[p])
    chosen = np.flatnonzero(best)
    assert all(m.pair_person[a] != m.pair_person[b] or m.pair_end[a] < m.pair_start[b] or m.pair_end[b] < m.pair_start[a]
               for a, b in itertools.combinations(chosen, 2))


def _team_programme():
    wb = synthetic_workbook(people=300, host_units=30, teams=True, sectors=3, cities_per_prefecture=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = planning.allocate(wb, window=("2026-12-01", "2027-11-30"), method="horizon")
    return plan


def test_closing_the_gap_from_a_loose_bound_proves_the_plain_optimum():
    """CP-SAT closes the gap without the bound as a cut: from the plain starting plan and a bound above the
    optimum, it returns the optimum (a plain model's) and lowers the bound to it."""
    from planning.allocation.solvers.cpsat import close_with_cpsat, starting_plan

    plan = _team_programme()
    m, best = plan.inputs.model, plain_optimum(plan)
    start = starting_plan(m)
    chosen, value, bound, status, *_ = close_with_cpsat(m, start, best + 7, 60)
    assert (value, bound, str(status)) == (best, best, "optimal")
    assert int(m.pair_w[chosen].sum()) == best


def test_closing_the_gap_stops_at_a_plan_reaching_the_bound(monkeypatch):
    """Given the optimum as the bound, the search stops at the first plan reaching it, proven by the bound; from a
    bound above the optimum it never stops early (CP-SAT proves the optimum itself)."""
    from planning.allocation.solvers import cpsat

    made = []
    real = cpsat._stop_at_bound
    monkeypatch.setattr(cpsat, "_stop_at_bound", lambda b: made.append(real(b)) or made[-1])
    plan = _team_programme()
    m, best = plan.inputs.model, plain_optimum(plan)
    start = cpsat.starting_plan(m)
    assert int(m.pair_w[start].sum()) < best  # there is a gap to close
    chosen, value, bound, status, *_ = cpsat.close_with_cpsat(m, start, best, 60)
    assert (value, bound, str(status)) == (best, best, "optimal") and made[-1].stopped
    chosen, value, bound, status, *_ = cpsat.close_with_cpsat(m, start, best + 7, 60)
    assert (value, bound, str(status)) == (best, best, "optimal") and not made[-1].stopped


def test_a_plan_is_handed_out_as_soon_as_its_first_objective_is_proven():
    """With team rules the plan's first objective is proven before the tie-breakers run: ``on_proven`` gets a
    whole plan then (every hard rule kept, its value the final one, its tie-breakers marked running), once."""
    wb = synthetic_workbook(people=300, host_units=30, teams=True, sectors=3, cities_per_prefecture=5)
    handed = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = planning.allocate(wb, window=("2026-12-01", "2027-11-30"), on_proven=handed.append)
    assert len(handed) == 1
    early = handed[0]
    assert (early.objective.status, early.objective.tiebreak_status) == ("optimal", "running")
    assert early.objective.value == early.objective.bound == plan.objective.value == plain_optimum(plan)
    assert check_plan(wb, early).empty and check_plan(wb, plan).empty
    assert plan.objective.tiebreak_status in ("optimal", "time_limit")
    assert plan.objective.tiebreak_value >= early.objective.tiebreak_value  # the hint is where CP-SAT starts


def test_the_flow_path_proves_both_at_once_and_hands_nothing_early():
    wb = synthetic_workbook(people=300, host_units=30, teams=False, sectors=3, cities_per_prefecture=5)
    handed = []
    plan = planning.allocate(wb, window=("2027-03-01", "2027-03-01"), on_proven=handed.append)
    assert plan.objective.method == "flow" and handed == []


def test_a_tie_breaker_stopped_short_states_its_ceiling():
    """Given no time for the tie-breakers, the plan says so, and a ceiling CP-SAT proved is never below the score."""
    from planning.allocation.plan import Objective, quality_words

    o = Objective(value=10, bound=10, status="optimal", gap=0.0, method="cpsat", seconds=1.0,
                  tiebreak_status="time_limit", tiebreak_value=900, tiebreak_bound=950)
    assert quality_words(o, "zh")[1] == "同样好的方案中的挑选在限时内停止：得分 900，最高可能 950"
    running = Objective(value=10, bound=10, status="optimal", gap=0.0, method="cpsat", seconds=1.0,
                        tiebreak_status="running")
    assert "挑选人选" in quality_words(running, "zh")[1]
    assert quality_words(Objective(value=10, bound=10, status="optimal", gap=0.0, method="flow", seconds=1.0), "zh")[1] == ""

