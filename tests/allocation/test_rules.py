"""Allocation: every hard rule (sector, skill, level, lead, dates, one at a time, pairings, teams, existing assignments)."""
import pandas as pd

import planning

from builders import PERSON, make_wb, ok, placed, reasons, table


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
    assert plan.objective.method == "horizon"  # the slots do not overlap: a person capacity of 1 would be wrong
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
    assert len(plan.assignments) == 1 and plan.objective.method == "horizon"
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
