"""Withdrawal costs, single points of failure and dependence equal remove-and-recompute loops."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planning
from planning.allocation.model import flow_applies
from planning.allocation.resilience import (dependence, objective_changes, single_points, withdrawal_costs,
                                            withdrawal_seats)

from builders import make_wb
from network_programmes import programmes
from network_reference import (candidates_by_seat, objective_change_by_replanning, seats_lost_by_loops,
                               sender_of)

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def lost_table(plan, by):
    w = withdrawal_seats(plan, by)
    return {(r.sender, r.host_unit, r.sector): r.seats for r in w.itertuples()}


@settings(max_examples=40, **SETTINGS)
@given(programmes(one_period=True), st.sampled_from(["city", "unit", "person"]))
def test_flow_path_equals_replanning(wb, by):
    plan = planning.allocate(wb)
    assert flow_applies(plan.inputs.model)
    assert lost_table(plan, by) == seats_lost_by_loops(plan, by)
    want = objective_change_by_replanning(plan, by)
    got = objective_changes(plan, by)
    assert {k: int(v) for k, v in got.items()} == want
    w = withdrawal_costs(plan, by)
    assert dict(zip(w["sender"], w["objective_change"])) == want


@settings(max_examples=15, **SETTINGS)
@given(programmes())
def test_rotation_and_periods_equal_replanning(wb):
    plan = planning.allocate(wb)
    assert lost_table(plan, "city") == seats_lost_by_loops(plan, "city")
    assert {k: int(v) for k, v in objective_changes(plan, "city").items()} == objective_change_by_replanning(
        plan, "city")


@settings(max_examples=40, **SETTINGS)
@given(programmes())
def test_single_points_and_dependence_equal_loops(wb):
    plan = planning.allocate(wb)
    seats, cap = plan.inputs.seats, plan.inputs.model.cap
    cand = candidates_by_seat(plan)
    places = {}
    for s, people in cand.items():
        if cap[s] > 0:
            k = (seats["host_unit"].iloc[s], seats["sector"].iloc[s])
            places.setdefault(k, set()).update(people)
    want = {}
    for k, people in places.items():
        cities = {sender_of(plan.inputs.workbook, p, "city") for p in people}
        if len(people) == 1 or len(cities) == 1:
            want[k] = ("person" if len(people) == 1 else "sender", len(people), len(cities))
    sp = single_points(plan)
    assert {(r.host_unit, r.sector): (r.kind, r.people, r.senders) for r in sp.itertuples()} == want
    alone = {}
    for (unit, _), people in places.items():
        cities = {sender_of(plan.inputs.workbook, p, "city") for p in people}
        if len(cities) == 1:
            alone.setdefault(cities.pop(), set()).add(unit)
    assert dict(zip(dependence(plan)["sender"], dependence(plan)["host_units"])) == {
        k: len(v) for k, v in alone.items()}


def test_sole_city_withdrawal_empties_its_school():
    # city C1 alone staffs HA (一市包一校); C2 shares HB with C1
    people = [dict(id="P1", sending_unit="U1"), dict(id="P2", sending_unit="U1"), dict(id="P3", sending_unit="U2")]
    orders = [dict(id="O1", host_unit="HA", headcount=2, priority=3),
              dict(id="O2", host_unit="HB", headcount=1, priority=1)]
    wb = make_wb(people, orders, pairings=[dict(sender="U1", host="HA")])
    plan = planning.allocate(wb)
    w = withdrawal_costs(plan).set_index("sender")
    assert w.loc["C1", "seats_lost"] == 2 and w.loc["C1", "objective_change"] == -8
    # nobody is C2's alone, yet without P3 the seat at HB goes empty: C1's two are needed at HA
    assert w.loc["C2", "seats_lost"] == 0 and w.loc["C2", "objective_change"] == -1
    sp = single_points(plan).set_index("host_unit")
    assert sp.loc["HA", "kind"] == "sender" and sp.loc["HA", "sender"] == "C1"
    with pytest.raises(ValueError):
        withdrawal_seats(plan, by="province")
