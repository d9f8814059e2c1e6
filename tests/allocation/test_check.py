"""check_plan re-derives every hard rule; every plan obeys them (property)."""
import pandas as pd
from hypothesis import HealthCheck, given, settings, strategies as st

import planning
from planning.allocation import (REASONS, check_plan, planned_seats)
from planning.samples.synthetic import synthetic_workbook

from builders import make_wb


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
