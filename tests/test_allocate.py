"""Allocation: every hard rule, every unfilled reason, the tie-breakers, both solver paths, pins and forbids."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import planning
from planning import schema
from planning.allocate import (REASONS, WHY, build_model, candidate_pairs, check_plan, flow_applies,
                               planned_seats, resolve_pins, solve_cpsat, solve_flow, busy_table, pairs_frame,
                               parse_window)
from planning.synthetic import synthetic_workbook
from planning.workbook import Workbook, empty_table

# ---------------------------------------------------------------------------
# tiny hand-made workbooks
# ---------------------------------------------------------------------------
PERSON = dict(sending_unit="U1", category="professional", sector="教育", skill="数学", level=2, can_lead=False,
              program="planned", available_from="2027-01-01", available_to="2029-12-31", wishes=None)
ORDER = dict(host_unit="HA", sector="教育", skill=None, role="member", headcount=1, start="2027-03-01",
             end="2027-12-31", priority=3, min_level=1, team=None, rotation_months=None)


def table(name, rows):
    """A typed contract table from a list of dicts (missing columns empty)."""
    base = empty_table(name)
    df = pd.DataFrame(list(rows), columns=list(base.columns)) if rows else base.copy()
    for c in base.columns:
        ty = schema.columns(name).loc[c, "type"]
        if ty == "date":
            df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
        elif ty in ("id", "str", "ref", "enum", "list"):
            df[c] = df[c].astype(object).where(pd.notna(df[c]), None).astype("str")
        else:
            df[c] = df[c].astype(base[c].dtype)
    return df


def make_wb(people, orders, teams=(), pairings=(), assignments=()):
    """Sending province S with cities C1–C3 (one unit each, U1–U3); host county HC with units HA, HB, HC1."""
    regions = table("regions", [
        dict(id="S", name="派出省", level="province", parent=None, side="sending"),
        *[dict(id=f"C{i}", name=f"派出市{i}", level="city", parent="S", side="sending") for i in (1, 2, 3)],
        dict(id="H", name="受援区", level="province", parent=None, side="host"),
        dict(id="HC", name="受援县", level="county", parent="H", side="host")])
    units = table("units", [
        *[dict(id=f"U{i}", name=f"派出单位{i}", kind="government", region=f"C{i}", side="sending") for i in (1, 2, 3)],
        *[dict(id=u, name=f"受援单位{u}", kind="school", region="HC", side="host") for u in ("HA", "HB", "HC1")]])
    ppl = table("people", [{**PERSON, "name": "人员" + p["id"], **p} for p in people])
    ords = table("orders", [{**ORDER, **o} for o in orders])
    tms = table("teams", [{"host": "HA", "model": "custom", "same_source": False, "lead_required": False, **t}
                          for t in teams])
    prs = table("pairings", [{"scope": "exclusive", **p} for p in pairings])
    asg = table("assignments", [{"status": "active", **a} for a in assignments])
    return Workbook(regions=regions, units=units, pairings=prs, people=ppl, teams=tms, orders=ords,
                    assignments=asg, mentorships=empty_table("mentorships"), local_staff=empty_table("local_staff"),
                    indicators=empty_table("indicators"), source="test")


def placed(plan):
    return sorted(zip(plan.assignments["person"], plan.assignments["order"]))


def reasons(plan):
    return dict(zip(plan.unfilled["order"], plan.unfilled["reason"]))


def ok(wb, plan):
    v = check_plan(wb, plan)
    assert v.empty, v
    return plan


# ---------------------------------------------------------------------------
# hard rules, one at a time
# ---------------------------------------------------------------------------
def test_sector_rule():
    wb = make_wb([dict(id="P1", sector="医疗")], [dict(id="O1")])
    plan = ok(wb, planning.allocate(wb))
    assert plan.assignments.empty and reasons(plan) == {"O1": "no_one_in_sector"}
    wb = make_wb([dict(id="P1", sector="医疗"), dict(id="P2")], [dict(id="O1")])
    assert placed(planning.allocate(wb)) == [("P2", "O1")]


def test_skill_rule():
    wb = make_wb([dict(id="P1", skill="物理")], [dict(id="O1", skill="数学"), dict(id="O2", skill=None,
                                                                                start="2028-03-01",
                                                                                end="2028-06-30")])
    plan = ok(wb, planning.allocate(wb))
    assert placed(plan) == [("P1", "O2")]
    assert reasons(plan) == {"O1": "no_one_in_sector"}


def test_level_rule():
    wb = make_wb([dict(id="P1", level=2)], [dict(id="O1", min_level=3)])
    assert reasons(planning.allocate(wb)) == {"O1": "no_one_in_sector"}
    wb = make_wb([dict(id="P1", level=3)], [dict(id="O1", min_level=3)])
    assert placed(planning.allocate(wb)) == [("P1", "O1")]


def test_lead_rule():
    wb = make_wb([dict(id="P1", can_lead=False)], [dict(id="O1", role="lead")])
    assert reasons(planning.allocate(wb)) == {"O1": "no_one_in_sector"}
    wb = make_wb([dict(id="P1", can_lead=True)], [dict(id="O1", role="lead")])
    assert placed(planning.allocate(wb)) == [("P1", "O1")]


def test_availability_over_the_whole_stint():
    # available until one day before the order ends: not eligible
    wb = make_wb([dict(id="P1", available_to="2027-12-30")], [dict(id="O1")])
    plan = ok(wb, planning.allocate(wb))
    assert plan.assignments.empty and reasons(plan) == {"O1": "no_one_free"}
    wb = make_wb([dict(id="P1", available_to="2027-12-31")], [dict(id="O1")])
    assert placed(planning.allocate(wb)) == [("P1", "O1")]


def test_one_assignment_at_a_time_higher_priority_wins():
    wb = make_wb([dict(id="P1")], [dict(id="O1", priority=3), dict(id="O2", priority=5, start="2027-06-01")])
    plan = ok(wb, planning.allocate(wb))
    assert placed(plan) == [("P1", "O2")]
    assert reasons(plan) == {"O1": "lost_to_higher_priority"}


def test_rotation_slots_taken_in_turn():
    wb = make_wb([dict(id="P1")], [dict(id="O1", start="2027-01-01", end="2027-12-31", rotation_months=3,
                                        headcount=1)])
    plan = ok(wb, planning.allocate(wb))
    a = plan.assignments
    assert list(a["slot"]) == [0, 1, 2, 3]
    assert a["start"].astype(str).tolist() == ["2027-01-01", "2027-04-01", "2027-07-01", "2027-10-01"]
    assert a["end"].astype(str).tolist() == ["2027-03-31", "2027-06-30", "2027-09-30", "2027-12-31"]
    assert plan.objective.method == "cpsat"  # the slots do not overlap: a person capacity of 1 would be wrong
    assert plan.objective.value == 4 * 4


def test_priority_weights_are_powers_of_two():
    # one priority-5 seat for a year vs slots of a rotating order over the same year
    three_p4 = [dict(id="X", priority=5, start="2027-01-01", end="2027-12-31"),
                dict(id="R", priority=4, start="2027-01-01", end="2027-12-31", rotation_months=4)]
    plan = ok(None or make_wb([dict(id="P1")], three_p4), planning.allocate(make_wb([dict(id="P1")], three_p4)))
    assert set(plan.assignments["order"]) == {"R"} and plan.objective.value == 3 * 8  # 24 > 16
    two_p3 = [dict(id="X", priority=5, start="2027-01-01", end="2027-12-31"),
              dict(id="R", priority=3, start="2027-01-01", end="2027-12-31", rotation_months=6)]
    plan = planning.allocate(make_wb([dict(id="P1")], two_p3))
    # 16 > 4 + 4, though the priorities 3 + 3 = 6 would beat 5
    assert placed(plan) == [("P1", "X")] and plan.objective.value == 16


def test_exclusive_pairing():
    pair = [dict(sender="C2", host="HA")]
    wb = make_wb([dict(id="P1", sending_unit="U1")], [dict(id="O1")], pairings=pair)
    plan = ok(wb, planning.allocate(wb))
    assert reasons(plan) == {"O1": "pairing"}
    wb = make_wb([dict(id="P1", sending_unit="U1"), dict(id="P2", sending_unit="U2")], [dict(id="O1")],
                 pairings=pair)
    assert placed(planning.allocate(wb)) == [("P2", "O1")]


def test_same_source_team():
    team = [dict(id="T", same_source=True)]
    orders = [dict(id="OA", team="T", skill="数学"), dict(id="OB", team="T", skill="物理")]
    people = [dict(id="P1", sending_unit="U1", skill="数学"), dict(id="P2", sending_unit="U2", skill="物理")]
    wb = make_wb(people, orders, teams=team)
    plan = ok(wb, planning.allocate(wb))
    assert len(plan.assignments) == 1 and plan.objective.method == "cpsat"
    assert list(plan.unfilled["reason"]) == ["team_rule"]
    # without the rule both seats fill
    wb2 = make_wb(people, orders, teams=[dict(id="T", same_source=False)])
    assert len(planning.allocate(wb2).assignments) == 2
    # an existing member from C2 fixes the team's city
    orders3 = orders + [dict(id="OC", team="T", skill="化学")]
    people3 = people + [dict(id="P3", sending_unit="U2", skill="化学")]
    wb3 = make_wb(people3, orders3, teams=team, assignments=[dict(person="P3", order="OC", start="2027-03-01",
                                                                 end="2027-12-31")])
    plan3 = ok(wb3, planning.allocate(wb3))
    assert placed(plan3) == [("P2", "OB")] and reasons(plan3) == {"OA": "team_rule"}


def test_lead_required_team():
    team = [dict(id="T", lead_required=True)]
    orders = [dict(id="OL", team="T", role="lead", priority=1), dict(id="OM", team="T", priority=5)]
    wb = make_wb([dict(id="P1", can_lead=False)], orders, teams=team)
    plan = ok(wb, planning.allocate(wb))
    assert plan.assignments.empty and reasons(plan) == {"OL": "no_one_in_sector", "OM": "team_rule"}
    wb = make_wb([dict(id="P1"), dict(id="P2", can_lead=True)], orders, teams=team)
    plan = ok(wb, planning.allocate(wb))
    assert placed(plan) == [("P1", "OM"), ("P2", "OL")] and plan.objective.value == 16 + 1
    # an existing lead overlapping the member seat is enough
    wb = make_wb([dict(id="P1"), dict(id="P9", can_lead=True)], orders, teams=team,
                 assignments=[dict(person="P9", order="OL", start="2027-01-01", end="2027-12-31")])
    plan = ok(wb, planning.allocate(wb))
    assert placed(plan) == [("P1", "OM")]


def test_existing_assignments_stay_and_take_seats():
    wb = make_wb([dict(id="P1"), dict(id="P2"), dict(id="P3")], [dict(id="O1", headcount=2)],
                 assignments=[dict(person="P3", order="O1", start="2027-03-01", end="2027-12-31")])
    plan = ok(wb, planning.allocate(wb))
    assert len(plan.assignments) == 1 and plan.assignments["person"].iloc[0] in {"P1", "P2"}
    w = plan.workbook.assignments
    assert len(w) == 2 and (w["person"] == "P3").any()
    assert dict(w.dtypes) == dict(wb.assignments.dtypes)


def test_busy_with_an_existing_assignment_of_any_status():
    other = [dict(id="OX", host_unit="HB", start="2026-06-01", end="2027-05-31")]
    for status in ("active", "planned", "done"):
        wb = make_wb([dict(id="P1", available_from="2026-01-01")], [dict(id="O1")] + other,
                     assignments=[dict(person="P1", order="OX", start="2026-06-01", end="2027-05-31",
                                       status=status)])
        plan = ok(wb, planning.allocate(wb))
        assert plan.assignments.empty, status
        assert reasons(plan)["O1"] == "no_one_free"


def test_window_and_past_slots():
    orders = [dict(id="OLD", start="2026-01-01", end="2026-10-31"), dict(id="A", start="2027-03-01",
                                                                          end="2027-06-30"),
              dict(id="B", start="2028-03-01", end="2028-06-30")]
    wb = make_wb([dict(id="P1", available_from="2025-01-01"), dict(id="P2", available_from="2025-01-01")], orders)
    assert set(planning.allocate(wb).assignments["order"]) == {"A", "B"}  # OLD ended before today
    plan = planning.allocate(wb, window=("2028-01-01", "2028-12-31"))
    assert set(plan.assignments["order"]) == {"B"} and set(plan.unfilled["order"]) == set()


def test_a_slot_under_way_is_filled_from_today():
    """Today is 2026-11-22: a new person starts today, not on the slot's first day; a seat left
    before today is open again, one held through today is not."""
    orders = [dict(id="RUN", start="2026-09-01", end="2027-08-31", headcount=2)]
    wb = make_wb([dict(id="P1", available_from="2026-11-01"), dict(id="P2", available_from="2026-11-01")], orders,
                 assignments=[dict(person="PX", order="RUN", start="2026-09-01", end="2026-10-31", status="done"),
                              dict(person="PY", order="RUN", start="2026-09-01", end="2027-08-31")])
    wb.people = pd.concat([wb.people, table("people", [{**PERSON, "id": i, "name": i, "available_from": "2026-01-01"}
                                                        for i in ("PX", "PY")])], ignore_index=True)
    plan = ok(wb, planning.allocate(wb))
    a = plan.assignments
    assert len(a) == 1 and a["start"].iloc[0] == pd.Timestamp("2026-11-22") and a["end"].iloc[0] == pd.Timestamp("2027-08-31")
    assert plan.unfilled.empty
    # someone available only from December cannot take it: the seat needs them from today
    wb2 = make_wb([dict(id="P1", available_from="2026-12-01")], orders)
    plan2 = ok(wb2, planning.allocate(wb2))
    assert plan2.assignments.empty and reasons(plan2)["RUN"] == "no_one_free"
    assert plan2.unfilled["start"].iloc[0] == pd.Timestamp("2026-11-22")


# ---------------------------------------------------------------------------
# pins and forbids
# ---------------------------------------------------------------------------
def test_pins_force_a_seat():
    wb = make_wb([dict(id="P1")], [dict(id="O1", priority=5), dict(id="O2", priority=1)])
    plan = ok(wb, planning.allocate(wb, pins=[("P1", "O2")]))
    assert placed(plan) == [("P1", "O2")]
    assert plan.assignments["reason"].tolist() == ["pinned"]
    assert plan.objective.value == 1 and reasons(plan) == {"O1": "no_one_free"}


@pytest.mark.parametrize("person, order, rule", [
    ("P1", "OS", "sector"), ("P1", "OK", "skill"), ("P1", "OL", "level"), ("P1", "OD", "lead"),
    ("P2", "O1", "availability"), ("P3", "O1", "busy"), ("P1", "OE", "pairing"),
    ("PX", "O1", "unknown_person"), ("P1", "OX", "unknown_order"), ("P1", "OF", "full"),
])
def test_bad_pin_names_the_pin_and_the_rule(person, order, rule):
    wb = make_wb([dict(id="P1"), dict(id="P2", available_to="2027-06-30"), dict(id="P3"), dict(id="P4")],
                 [dict(id="O1"), dict(id="OS", sector="医疗"), dict(id="OK", skill="物理"),
                  dict(id="OL", min_level=4), dict(id="OD", role="lead"), dict(id="OE", host_unit="HB"),
                  dict(id="OF"), dict(id="OB", host_unit="HC1")],
                 pairings=[dict(sender="C3", host="HB")],
                 assignments=[dict(person="P3", order="OB", start="2027-01-01", end="2027-12-31"),
                              dict(person="P4", order="OF", start="2027-03-01", end="2027-12-31")])
    with pytest.raises(planning.PlanError) as e:
        planning.allocate(wb, pins=[(person, order)], lang="en")
    msg = str(e.value)
    assert f"({person}, {order})" in msg and f"[{rule}]" in msg
    with pytest.raises(ValueError) as e:  # PlanError is a ValueError; Chinese by default
        planning.allocate(wb, pins=[(person, order)])
    assert "锁定" in str(e.value) and person in str(e.value)


def test_bad_pin_text_in_english():
    wb = make_wb([dict(id="P1", sector="医疗")], [dict(id="O1")])
    with pytest.raises(planning.PlanError, match=r"The pin \(P1, O1\) breaks a rule: sector differs"):
        planning.allocate(wb, pins=[("P1", "O1")], lang="en")


def test_two_pins_on_a_one_seat_order():
    wb = make_wb([dict(id="P1"), dict(id="P2")], [dict(id="O1")])
    with pytest.raises(planning.PlanError, match=r"〔full〕"):
        planning.allocate(wb, pins=[("P1", "O1"), ("P2", "O1")])


def test_forbids_remove_pairs():
    wb = make_wb([dict(id="P1"), dict(id="P2")], [dict(id="O1", priority=5), dict(id="O2", host_unit="HB")])
    plan = ok(wb, planning.allocate(wb, forbids=[("P1", "O1"), ("P2", "O1")]))
    assert set(plan.assignments["order"]) == {"O2"} and reasons(plan) == {"O1": "pairing"}
    with pytest.raises(planning.PlanError, match="forbidden"):
        planning.allocate(wb, pins=[("P1", "O1")], forbids=[("P1", "O1")], lang="en")


# ---------------------------------------------------------------------------
# tie-breakers
# ---------------------------------------------------------------------------
def test_preferred_pairing_breaks_the_tie():
    pair = [dict(sender="C2", host="HA", scope="preferred")]
    wb = make_wb([dict(id="P1", sending_unit="U1"), dict(id="P2", sending_unit="U2")], [dict(id="O1")],
                 pairings=pair)
    plan = planning.allocate(wb)
    assert placed(plan) == [("P2", "O1")] and plan.assignments["reason"].tolist() == ["preferred"]


def test_exact_skill_breaks_the_tie():
    wb = make_wb([dict(id="P1", skill="数学")], [dict(id="OG", host_unit="HB"), dict(id="OX", skill="数学")])
    plan = planning.allocate(wb)
    assert placed(plan) == [("P1", "OX")] and plan.assignments["reason"].tolist() == ["exact_skill"]


def test_wish_breaks_the_tie():
    wb = make_wb([dict(id="P1", wishes="HC1;HB")], [dict(id="OA"), dict(id="OB", host_unit="HB")])
    plan = planning.allocate(wb)
    assert placed(plan) == [("P1", "OB")] and plan.assignments["reason"].tolist() == ["wish"]
    # the first wish beats the second
    wb = make_wb([dict(id="P1", wishes="HC1;HB")], [dict(id="OB", host_unit="HB"), dict(id="OC", host_unit="HC1")])
    assert placed(planning.allocate(wb)) == [("P1", "OC")]


def test_fair_share_across_cities():
    # C2's second person would cost more than C1's first: O1 goes to C1
    people = [dict(id="P1", sending_unit="U1"), dict(id="P4", sending_unit="U1"),
              dict(id="P2", sending_unit="U2", skill="物理"), dict(id="P3", sending_unit="U2")]
    orders = [dict(id="OY", skill="物理", host_unit="HB"), dict(id="O1")]
    plan = planning.allocate(make_wb(people, orders))
    a = plan.assignments.set_index("order")
    assert a.loc["OY", "person"] == "P2" and a.loc["O1", "source_city"] == "C1"
    assert a.loc["O1", "reason"] == "fair_share"


def test_reason_codes_render_in_both_languages():
    from planning.allocate import reason_text, why_text

    for code in REASONS:
        assert reason_text(code, "zh") != reason_text(code, "en")
    for code in WHY:
        assert why_text(code, "zh") != why_text(code, "en")


# ---------------------------------------------------------------------------
# solvers
# ---------------------------------------------------------------------------
def _model(wb, window=None):
    w = parse_window(window)
    seats = planned_seats(wb, w)
    busy = busy_table(wb)
    none = pairs_frame((), 3, "pin")
    pinned = resolve_pins(wb, seats, none, pairs_frame((), 2, "forbid"), busy)
    pairs = candidate_pairs(wb, seats, busy, pairs_frame((), 2, "forbid"))
    return build_model(wb, seats, pairs, pinned)[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_flow_and_cpsat_reach_the_same_objective(seed):
    # every prefecture shared by all ten cities: a dense market, so there is much to compare
    wb = synthetic_workbook(people=400, host_units=40, sectors=4, seed=seed, teams=False, cities_per_prefecture=10)
    m = _model(wb, window=("2027-03-01", "2027-03-01"))  # seats open on one day: candidate seats overlap
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
    # the team rules bind on the sample: the CP-SAT path
    assert o.method == "cpsat"
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
        plan = ok(sample, planning.allocate(sample, time_limit=5))
    o = plan.objective
    assert (o.status, o.bound, o.gap) == ("time_limit", None, None) and "starting plan" in o.note
    assert 0 < o.value == int((2 ** (plan.assignments["priority"] - 1)).sum())
    reasons = set(plan.unfilled["reason"])
    assert "time_limit" in reasons and not reasons & {"team_rule", "lost_to_higher_priority"}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_starting_plan_obeys_every_rule(seed):
    """Rounds of flows with team rules enforced afterwards: a feasible plan, never above the optimum."""
    import importlib

    mod = importlib.import_module("planning.allocate")
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


# ---------------------------------------------------------------------------
# the checker and the property test
# ---------------------------------------------------------------------------
def test_check_plan_catches_a_broken_plan(sample):
    plan = planning.allocate(sample)
    a = plan.assignments.copy()
    people = sample.people.set_index("id")
    r0 = a.iloc[0]
    wrong = people.index[people["sector"] != r0["sector"]][0]
    broken = pd.concat([a, a.iloc[[0]]], ignore_index=True)  # the same seat twice: busy and maybe over capacity
    broken.loc[1, "person"] = wrong
    v = check_plan(sample, broken)
    assert {"sector", "overlap"} <= set(v["rule"])
    shifted = a.copy()
    shifted.loc[0, "start"] = shifted.loc[0, "start"] - pd.Timedelta(days=1)
    assert "slot" in set(check_plan(sample, shifted)["rule"])
    # an existing person put on a new seat while on post
    busy_person = sample.assignments[sample.assignments["status"] == "active"]["person"].iloc[0]
    clash = a.copy()
    clash.loc[0, "person"] = busy_person
    assert "busy" in set(check_plan(sample, clash)["rule"])


def test_check_plan_catches_team_rules():
    team = [dict(id="T", same_source=True, lead_required=True)]
    orders = [dict(id="OL", team="T", role="lead"), dict(id="OA", team="T"), dict(id="OB", team="T")]
    wb = make_wb([dict(id="P1", sending_unit="U1"), dict(id="P2", sending_unit="U2")], orders, teams=team)
    a = pd.DataFrame({"person": ["P1", "P2"], "order": ["OA", "OB"], "slot": [0, 0],
                      "start": pd.to_datetime(["2027-03-01"] * 2), "end": pd.to_datetime(["2027-12-31"] * 2)})
    assert {"same_source", "lead_required"} <= set(check_plan(wb, a)["rule"])


@st.composite
def small_workbooks(draw):
    seed = draw(st.integers(0, 10_000))
    teams = draw(st.booleans())
    people = draw(st.integers(20, 80))
    units = draw(st.integers(3, 10))
    wb = synthetic_workbook(people=people, host_units=units, sectors=draw(st.integers(1, 3)), seed=seed,
                            teams=teams)
    start = pd.Timestamp("2026-11-22") + pd.Timedelta(days=draw(st.integers(0, 500)))
    window = draw(st.sampled_from([None, (start, start), (start, start + pd.Timedelta(days=200))]))
    return wb, window


@given(small_workbooks())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_plan_obeys_every_hard_rule(case):
    wb, window = case
    plan = planning.allocate(wb, window=window)
    assert check_plan(wb, plan).empty, check_plan(wb, plan)
    assert plan.objective.status == "optimal" and plan.objective.value == plan.objective.bound
    seats = planned_seats(wb, window)
    assert plan.unfilled["seats"].sum() + len(plan.assignments) == seats["remaining"].sum()
    assert set(plan.unfilled["reason"]) <= set(REASONS)


# ---------------------------------------------------------------------------
# results as tables, workbook, explanations, diffs, stable matching
# ---------------------------------------------------------------------------
def test_plan_workbook_saves_and_loads(sample, tmp_path):
    plan = planning.allocate(sample)
    for out in (tmp_path / "plan.xlsx", tmp_path / "plan"):
        back = planning.load_workbook(planning.save_workbook(plan.workbook, out))
        assert back.equals(plan.workbook)
        assert len(back.assignments) == len(sample.assignments) + len(plan.assignments)


def test_assignment_and_unfilled_columns(sample):
    plan = planning.allocate(sample)
    assert list(plan.assignments.columns) == ["person", "order", "start", "end", "status", "slot", "role", "team",
                                              "host_unit", "sector", "priority", "source_city", "reason"]
    assert (plan.assignments["status"] == "planned").all()
    assert list(plan.unfilled.columns) == ["order", "slot", "start", "end", "seats", "host_unit", "sector",
                                           "priority", "reason", "senders"]
    a, u = plan.with_text("en")
    assert a["reason_text"].str.len().gt(0).all() and u["reason_text"].str.len().gt(0).all()


def test_explain_person_and_order():
    wb = make_wb([dict(id="P1"), dict(id="P2", sector="医疗")], [dict(id="O1"), dict(id="O2", sector="农业")])
    plan = planning.allocate(wb)
    zh = plan.explain("P1")
    assert "P1" in zh and "O1" in zh and "按岗位优先级" in zh
    en = plan.explain("P1", lang="en")
    assert "O1" in en and "seat priority" in en
    assert "not placed" in plan.explain("P2", lang="en")
    o2 = plan.explain("O2", lang="en")
    assert "1 empty" in o2 and "no one with the sector" in o2
    assert "No person or order" in plan.explain("nobody", lang="en")


def test_plan_diff_after_a_pin():
    # only P1 is senior enough for O1; pinning P1 on O2 leaves P2 without a seat
    wb = make_wb([dict(id="P1", level=3), dict(id="P2", level=2)],
                 [dict(id="O1", priority=5, min_level=3), dict(id="O2", priority=1, host_unit="HB")])
    a = planning.allocate(wb)
    assert placed(a) == [("P1", "O1"), ("P2", "O2")]
    b = planning.allocate(wb, pins=[("P1", "O2")])
    d = planning.plan_diff(a, b).set_index("person")
    assert d.loc["P1", "change"] == "moved" and d.loc["P1", "order_a"] == "O1" and d.loc["P1", "order_b"] == "O2"
    assert d.loc["P2", "change"] == "removed" and d.loc["P2", "order_a"] == "O2"
    assert planning.plan_diff(b, a).set_index("person").loc["P2", "change"] == "added"
    assert planning.plan_diff(a, a).empty


def test_stable_method_respects_the_rules_and_reports_blocking_pairs():
    wb = synthetic_workbook(people=300, host_units=30, sectors=3, seed=5, teams=True)
    plan = planning.allocate(wb, method="stable")
    assert check_plan(wb, plan).empty
    assert plan.objective.status == "stable" and plan.blocking_pairs is not None
    assert plan.objective.blocking_pairs == len(plan.blocking_pairs)
    opt = planning.allocate(wb)
    assert plan.objective.value <= opt.objective.value


def test_stable_method_gives_people_their_wish():
    # both people wish HB; the seat ranks the preferred-pairing person first
    wb = make_wb([dict(id="P1", wishes="HB"), dict(id="P2", sending_unit="U2", wishes="HB")],
                 [dict(id="OA"), dict(id="OB", host_unit="HB")],
                 pairings=[dict(sender="C2", host="HB", scope="preferred")])
    plan = planning.allocate(wb, method="stable")
    assert placed(plan) == [("P1", "OA"), ("P2", "OB")] and plan.blocking_pairs.empty


def test_bad_arguments():
    wb = make_wb([dict(id="P1")], [dict(id="O1")])
    with pytest.raises(planning.PlanError):
        planning.allocate(wb, window=("2028-01-01", "2027-01-01"))
    with pytest.raises(planning.PlanError):
        planning.allocate(wb, method="greedy")
    with pytest.raises(planning.PlanError):
        planning.allocate(wb, time_limit=0)
    with pytest.raises(planning.PlanError):
        planning.allocate(wb, pins=[("P1",)])


# ---------------------------------------------------------------------------
# command line and rosters
# ---------------------------------------------------------------------------
@pytest.fixture
def cli_env(monkeypatch):
    """``planning.cli.main`` sets PLANNING_LANG; restore it after each test."""
    monkeypatch.setenv("PLANNING_LANG", "zh")


def test_cli_allocate_writes_plan_and_rosters(tmp_path, capsys, cli_env):
    from openpyxl import load_workbook

    from planning.cli import main

    out = tmp_path / "plan.xlsx"
    assert main(["allocate", str(planning.SAMPLE), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "已证明最优" in text and "优先级 4" in text and "空缺原因" in text
    book = load_workbook(out)
    for name in ("派遣名单-按派出城市", "派遣名单-按受援单位", "派遣名单-按组团"):
        ws = book[name]
        assert ws.freeze_panes == "A2" and ws.max_row > 300
        assert ws.column_dimensions["A"].width >= 8
    assert book["派遣名单-按派出城市"]["A1"].value == "派出城市"
    statuses = {c.value for c in book["派遣名单-按受援单位"]["N"][1:]}
    assert {"本次安排", "在岗"} <= statuses
    team = book["派遣名单-按组团"]
    first = [(team.cell(r, 1).value, team.cell(r, 2).value) for r in range(2, team.max_row + 1)]
    by_team = {}
    for tm, role in first:
        by_team.setdefault(tm, []).append(role)
    assert all(roles.index("组长") == 0 for roles in by_team.values() if "组长" in roles)
    back = planning.load_workbook(out)
    assert len(back.assignments) > len(planning.load_workbook(planning.SAMPLE).assignments)


def test_cli_allocate_english_and_window(capsys, cli_env):
    from planning.cli import main

    assert main(["allocate", str(planning.SAMPLE), "--window", "2027-01-01:2027-06-30", "--lang", "en",
                 "--time-limit", "60"]) == 0
    text = capsys.readouterr().out
    assert "By priority" in text and "proven optimal" in text


@pytest.mark.parametrize("argv, needle", [
    (["--window", "2027-13-01:"], "--window"),
    (["--window", "2027-01-01"], "--window"),
    (["--out", "plan.csv"], ".xlsx"),
    (["--time-limit", "-1"], "time limit"),
])
def test_cli_allocate_bad_input(argv, needle, capsys, cli_env):
    from planning.cli import main

    assert main(["--lang", "en", "allocate", str(planning.SAMPLE)] + argv) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_cli_allocate_broken_workbook(tmp_path, capsys, cli_env):
    from planning.cli import main

    assert main(["allocate", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "不存在" in err and "Traceback" not in err


def _one_scaled_flow(m):
    """Reference: one min-cost flow over single people, the first objective scaled above every tie-breaker total."""
    from ortools.graph.python import min_cost_flow

    import importlib

    mod = importlib.import_module("planning.allocate")
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

    mod = importlib.import_module("planning.allocate")
    wb = synthetic_workbook(people=400, host_units=40, sectors=4, seed=seed, teams=False)
    m = _model(wb, window=("2027-03-01", "2027-03-01"))
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
    """Reference for ``_why``: the comparisons as pandas merges of each placed pair with its alternatives.

    A placed pair is compared with the alternatives it beat: the seat's other
    candidates, and the person's other seats of the same weight. Criteria are
    checked in order (preferred pairing, exact skill, wish, fair share); the
    first one on which the placed pair beats an alternative still tied on the
    earlier ones is the reason; with none, the seat's priority alone decided.
    The first ``n_pinned`` placements are pins.
    """
    import importlib

    mod = importlib.import_module("planning.allocate")
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
    f = pd.DataFrame({"seat": seat, "person": person, "w": w, "preferred": pref, "exact_skill": exact,
                      "wish_rank": wr, "source_city": city})
    c = f.iloc[chosen].reset_index(drop=True).assign(i=np.arange(n))
    is_chosen = np.zeros(len(pairs), dtype=bool)
    is_chosen[chosen] = True
    # a seat's other candidates matter only by their features: one row per distinct (seat, features)
    n_city = len(pool)
    feat = ((pref * 2 + exact) * (mod.WISH_RANKS + 2) + (wr + 1)) * n_city + city
    span = 4 * (mod.WISH_RANKS + 2) * n_city
    key = pd.unique(seat[~is_chosen] * span + feat[~is_chosen])
    rest = key % span
    ct, rest = rest % n_city, rest // n_city
    wk, rest = rest % (mod.WISH_RANKS + 2) - 1, rest // (mod.WISH_RANKS + 2)
    seat_alt = pd.DataFrame({"seat": key // span, "preferred": rest // 2, "exact_skill": rest % 2, "wish_rank": wk,
                             "source_city": ct})
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
    plan = planning.allocate(wb, window=("2027-03-01", "2027-03-01") if seed % 2 == 0 else None)
    pairs, seats = plan.inputs.pairs, plan.inputs.seats
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
    m = _model(wb, window=("2027-03-01", "2027-03-01"))
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


def _hand_model(person, seat, tie, cap, city):
    import importlib

    mod = importlib.import_module("planning.allocate")
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
    m = _hand_model(person, seat, tie, cap, city)
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

    assert set(SOLVERS) == {"optimal", "flow", "cpsat", "stable"}
    wb = synthetic_workbook(people=400, host_units=40, sectors=4, seed=2, teams=False, cities_per_prefecture=10)
    day = ("2027-03-01", "2027-03-01")
    flow, cpsat = planning.allocate(wb, window=day, method="flow"), planning.allocate(wb, window=day, method="cpsat")
    assert (flow.objective.method, cpsat.objective.method) == ("flow", "cpsat")
    assert flow.objective.value == cpsat.objective.value == planning.allocate(wb, window=day).objective.value
    with pytest.raises(planning.PlanError, match="cpsat"):
        planning.allocate(synthetic_workbook(people=300, host_units=30, sectors=3, seed=5, teams=True),
                          method="flow", lang="en")
