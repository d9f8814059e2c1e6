"""Senders' quotas and staff caps as hard rules, the least burden among optimal plans, and their words (design §9).

Hand-made cases here; ``test_sender_rules_reference.py`` compares generated programmes with a plain CP-SAT model.
"""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import planning
from planning.allocation import check_plan

from builders import make_wb, ok, placed, reasons, table


def with_senders(wb, staff=(), quotas=(), batches=()):
    wb.sender_staff = table("sender_staff", list(staff))
    wb.quotas = table("quotas", list(quotas))
    wb.batches = table("batches", list(batches))
    return wb


def _three_seats(**person):
    people = [dict(id=f"P{i}", sending_unit="U1", **person) for i in (1, 2, 3)]
    return make_wb(people, [dict(id="O1", headcount=3)])


def test_a_staff_cap_bounds_the_unit_people_on_post():
    # 派出单位1 has 4 teachers on its payroll and may send half: two of its three free teachers go
    wb = with_senders(_three_seats(), staff=[dict(unit="U1", sector="教育", staff=4, max_share=0.5)])
    plan = ok(wb, planning.allocate(wb))
    assert len(plan.assignments) == 2 and plan.objective.status == "optimal"
    assert reasons(plan) == {"O1": "staff_cap"}
    _, u = plan.with_text("zh")
    assert u["reason_text"].tolist() == ["派出单位1 已达外派上限（2/4，50%）"]
    _, u = plan.with_text("en")
    assert u["reason_text"].tolist() == ["派出单位1 has reached its cap on people away (2/4, 50%)"]
    # without the share, staff alone bounds nothing
    wb = with_senders(_three_seats(), staff=[dict(unit="U1", sector="教育", staff=4, max_share=None)])
    assert len(ok(wb, planning.allocate(wb)).assignments) == 3


def test_people_on_post_count_against_the_cap():
    # one of the unit's teachers is on post until March: only one more may go before then, two after
    people = [dict(id=f"P{i}", sending_unit="U1", available_from="2026-01-01") for i in (1, 2, 3, 4)]
    orders = [dict(id="OX", start="2026-01-01", end="2027-03-31"), dict(id="O1", start="2027-01-01",
                                                                        end="2027-12-31", headcount=1),
              dict(id="O2", start="2027-04-01", end="2027-12-31", headcount=1)]
    wb = make_wb(people, orders, assignments=[dict(person="P4", order="OX", start="2026-01-01", end="2027-03-31")])
    wb = with_senders(wb, staff=[dict(unit="U1", sector="教育", staff=4, max_share=0.5)])
    plan = ok(wb, planning.allocate(wb))
    assert sorted(plan.assignments["order"]) == ["O1", "O2"]
    wb.sender_staff = table("sender_staff", [dict(unit="U1", sector="教育", staff=4, max_share=0.25)])
    plan = ok(wb, planning.allocate(wb))  # P4 alone fills the cap until March; O1 begins in January
    assert placed(plan) and set(plan.assignments["order"]) == {"O2"} and reasons(plan) == {"O1": "staff_cap"}


def test_a_quota_bounds_what_a_sender_gives_a_batch():
    batch = [dict(id="B1", name="2027年批", dispatch="2027-01-01", window_end="2027-12-31")]
    wb = with_senders(_three_seats(), quotas=[dict(sender="C1", sector="教育", batch="B1", count=1)], batches=batch)
    plan = ok(wb, planning.allocate(wb))
    assert len(plan.assignments) == 1 and reasons(plan) == {"O1": "quota"}
    _, u = plan.with_text("zh")
    assert u["reason_text"].tolist() == ["派出市1 已达2027年批教育名额（1 人）"]
    # a seat beginning outside the batch's window is not the batch's
    wb.batches = table("batches", [dict(id="B1", dispatch="2027-06-01", window_end="2027-12-31")])
    assert len(ok(wb, planning.allocate(wb)).assignments) == 3
    # another sector's quota, or another sender's, bounds nothing here
    wb = with_senders(_three_seats(), quotas=[dict(sender="C2", sector="教育", batch="B1", count=0),
                                              dict(sender="C1", sector="医疗", batch="B1", count=0)], batches=batch)
    assert len(ok(wb, planning.allocate(wb)).assignments) == 3


def test_people_already_selected_for_the_batch_count_against_the_quota():
    # P9 of C1 holds a seat beginning in the batch's window (planned): C1's quota of 2 leaves one place
    batch = [dict(id="B1", dispatch="2027-01-01", window_end="2027-12-31")]
    people = [dict(id=f"P{i}", sending_unit="U1") for i in (1, 2, 3, 9)]
    orders = [dict(id="O1", headcount=3), dict(id="OX", host_unit="HB", start="2027-02-01")]
    wb = make_wb(people, orders, assignments=[dict(person="P9", order="OX", start="2027-02-01", end="2027-12-31",
                                                   status="planned")])
    wb = with_senders(wb, quotas=[dict(sender="C1", sector="教育", batch="B1", count=2)], batches=batch)
    plan = ok(wb, planning.allocate(wb))
    assert len(plan.assignments) == 1 and reasons(plan) == {"O1": "quota"}


def test_the_cap_moves_people_to_another_sender():
    # U1's teachers are capped at one: the second seat goes to U2, whose teacher is otherwise the fair-share loser
    people = [dict(id="P1", sending_unit="U1"), dict(id="P2", sending_unit="U1"), dict(id="P3", sending_unit="U2",
                                                                                       skill="物理")]
    wb = make_wb(people, [dict(id="O1", headcount=2)])
    assert len(planning.allocate(wb).assignments) == 2
    wb = with_senders(wb, staff=[dict(unit="U1", sector="教育", staff=2, max_share=0.5)])
    plan = ok(wb, planning.allocate(wb))
    assert sorted(plan.assignments["person"].str[:2]) in (["P1", "P3"], ["P2", "P3"])


def test_least_burden_among_optimal_plans():
    # one seat; U1 has 2 staff, U2 has 10: sending U2's teacher keeps the largest burden at 1/10
    people = [dict(id="P1", sending_unit="U1"), dict(id="P2", sending_unit="U2")]
    pair = [dict(sender="C1", host="HA", scope="preferred")]  # the preferred pairing alone would pick U1's
    wb = with_senders(make_wb(people, [dict(id="O1")], pairings=pair),
                      staff=[dict(unit="U1", sector="教育", staff=2), dict(unit="U2", sector="教育", staff=10)])
    plan = ok(wb, planning.allocate(wb))
    assert placed(plan) == [("P2", "O1")]
    wb.sender_staff = table("sender_staff", [])
    assert placed(planning.allocate(wb)) == [("P1", "O1")]


def test_check_plan_reports_a_broken_cap_and_quota():
    batch = [dict(id="B1", dispatch="2027-01-01", window_end="2027-12-31")]
    wb = with_senders(_three_seats(), staff=[dict(unit="U1", sector="教育", staff=4, max_share=0.5)],
                      quotas=[dict(sender="S", sector="教育", batch="B1", count=2)], batches=batch)
    plan = ok(wb, planning.allocate(wb))
    extra = plan.assignments.iloc[[0]].copy()
    extra["person"] = (set(wb.people["id"]) - set(plan.assignments["person"])).pop()
    plan.assignments = pd.concat([plan.assignments, extra], ignore_index=True)
    v = check_plan(wb, plan)
    assert set(v["rule"]) == {"staff_cap", "quota"} and len(v) == 6


def test_nothing_changes_without_a_quota_or_staff_that_applies():
    # a batch alone, a quota of another sector and staff of a unit without candidates: the flow path, the same plan
    people = [dict(id="P1", sending_unit="U1"), dict(id="P2", sending_unit="U2")]
    orders = [dict(id="O1", headcount=2, start="2027-03-01", end="2027-12-31")]
    plain = planning.allocate(make_wb(people, orders))
    batch = [dict(id="B1", dispatch="2027-01-01", window_end=None)]
    wb = with_senders(make_wb(people, orders), batches=batch,
                      quotas=[dict(sender="C1", sector="医疗", batch="B1", count=0)],
                      staff=[dict(unit="U3", sector="教育", staff=5, max_share=0.2)])
    plan = ok(wb, planning.allocate(wb))
    m = plan.inputs.model
    assert not m.limit_pairs and not m.burden_pairs and plan.objective.method == plain.objective.method == "flow"
    assert placed(plan) == placed(plain) and plan.objective.value == plain.objective.value
    assert (plan.objective.tiebreak_value == plain.objective.tiebreak_value)


def test_check_plan_counts_people_on_post_with_an_open_end_against_the_cap():
    """A teacher of U1 on post with no end fills U1's cap of one (4 on its payroll, a quarter away): the plan's
    only new assignment, of another U1 teacher, breaks the cap, and check_plan says so for that row."""
    people = [dict(id="P1", sending_unit="U1"), dict(id="P4", sending_unit="U1", available_from="2026-01-01")]
    orders = [dict(id="O1"), dict(id="OX", host_unit="HB", start="2026-01-01", end="2029-12-31")]
    wb = make_wb(people, orders, assignments=[dict(person="P4", order="OX", start="2026-01-01", end=None)])
    plan = ok(wb, planning.allocate(wb))  # no staff table yet: P1 goes
    assert placed(plan) == [("P1", "O1")]
    wb = with_senders(wb, staff=[dict(unit="U1", sector="教育", staff=4, max_share=0.25)])
    v = check_plan(wb, plan)
    assert v[["rule", "person", "order"]].values.tolist() == [["staff_cap", "P1", "O1"]]
    wb.sender_staff = table("sender_staff", [dict(unit="U1", sector="教育", staff=4, max_share=0.5)])
    assert check_plan(wb, plan).empty  # two of four may be away


def test_check_plan_reads_the_criteria_on_the_stints_first_day_not_the_orders():
    """Age is counted on the stint's first day (design §11): an order open since June 2026 planned from March 2027
    for someone who turns 46 in January 2027, under an age cap of 45, breaks the cap although they were 45 when the
    order opened."""
    people = [dict(id="P1", sending_unit="U1", available_from="2026-01-01", birth_date="1981-01-01")]
    wb = make_wb(people, [dict(id="O1", start="2026-06-01", end="2029-12-31")])
    plan = ok(wb, planning.allocate(wb, planning_date="2027-03-01"))
    assert placed(plan) == [("P1", "O1")] and str(plan.assignments["start"].iloc[0].date()) == "2027-03-01"
    wb.orders["age_cap"] = 45
    assert check_plan(wb, plan)[["person", "order"]].values.tolist() == [["P1", "O1"]]
    wb.orders["age_cap"] = 46
    assert check_plan(wb, plan).empty


def test_check_plan_reports_a_new_stint_when_a_later_live_one_raises_the_count():
    """U1 may have one teacher away: the plan's only new stint (from March 2027) is alone when it begins, but a
    teacher of U1 already planned from June 2027 joins it on post; that day breaks the cap, and the new row is
    reported."""
    people = [dict(id="P1", sending_unit="U1"), dict(id="P4", sending_unit="U1")]
    orders = [dict(id="O1", start="2027-01-01", end="2028-12-31"),
              dict(id="OX", host_unit="HB", start="2027-06-01", end="2028-12-31")]
    wb = make_wb(people, orders, assignments=[dict(person="P4", order="OX", start="2027-06-01", end="2028-12-31",
                                                   status="planned")])
    plan = ok(wb, planning.allocate(wb, planning_date="2027-03-01"))
    assert placed(plan) == [("P1", "O1")]
    wb = with_senders(wb, staff=[dict(unit="U1", sector="教育", staff=4, max_share=0.25)])
    assert check_plan(wb, plan)[["rule", "person"]].values.tolist() == [["staff_cap", "P1"]]


def test_a_pinned_person_counts_against_the_cap():
    """A pin is a placement the plan keeps: it uses the unit's room under its cap like any other."""
    wb = with_senders(_three_seats(), staff=[dict(unit="U1", sector="教育", staff=4, max_share=0.5)])
    plan = ok(wb, planning.allocate(wb, pins=[("P3", "O1")]))
    assert "P3" in set(plan.assignments["person"]) and len(plan.assignments) == 2
    assert reasons(plan) == {"O1": "staff_cap"}


def _day_rows_reference(k, start, end, person, h_start, h_end, h_person):
    """Design §9's staff-cap rows of one unit, as plain loops: on each first day of a candidate stint or of a held
    stint within the candidates' span, the candidate pairs covering it (none: no row), the distinct people held
    and the distinct candidates; of rows with the same pairs, the first with the most people held."""
    lo, hi = min(start), max(end)
    days = sorted(set(start) | {d for d in h_start if lo <= d <= hi})
    rows = []
    for d in days:
        cover = [kk for kk, s, e in sorted(zip(k, start, end), key=lambda x: x[1]) if s <= d <= e]
        if not cover:
            continue
        held = len({p for s, e, p in zip(h_start, h_end, h_person) if s <= d <= e})
        people = len({p for kk, s, e, p in zip(k, start, end, person) if s <= d <= e})
        rows.append((cover, held, people))
    out = []
    for i, (cover, held, people) in enumerate(rows):
        same = [j for j, r in enumerate(rows) if r[0] == cover]
        best = max(rows[j][1] for j in same)
        if i == next(j for j in same if rows[j][1] == best):
            out.append((cover, held, people))
    return out


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_a_units_day_rows_equal_a_plain_reference(data):
    from planning.allocation.sender_rules import _day_rows

    n = data.draw(st.integers(1, 8))
    start = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    end = [s + data.draw(st.integers(0, 6)) for s in start]
    person = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    m = data.draw(st.integers(0, 5))
    h_start = data.draw(st.lists(st.integers(-2, 14), min_size=m, max_size=m))
    h_end = [s + data.draw(st.integers(0, 6)) for s in h_start]
    h_person = data.draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    k = np.arange(100, 100 + n)
    arr = lambda x: np.asarray(x, np.int64)  # noqa: E731
    rows, held, people = _day_rows(k, arr(start), arr(end), arr(person), arr(h_start), arr(h_end), arr(h_person))
    got = [(r.tolist(), int(h), int(p)) for r, h, p in zip(rows, held, people)]
    assert got == _day_rows_reference(k.tolist(), start, end, person, h_start, h_end, h_person)


@pytest.mark.parametrize("pairs, held, want", [
    # a held stint beginning on the candidates' last day: that day is a row, with one more held
    ([(0, 5, 0)], [(5, 9, 7)], [([100], 1, 1)]),
    # four days, three with the same pairs: the one with the most held is kept, in day order
    ([(0, 9, 0), (3, 9, 1)], [(5, 6, 1), (7, 8, 2), (7, 8, 3)], [([100], 0, 1), ([100, 101], 2, 2)]),
    # rows of more than eight pairs (more than one byte when packed)
    ([(0, 9, p) for p in range(10)] + [(3, 9, 10)], [(5, 6, 1)],
     [(list(range(100, 110)), 0, 10), (list(range(100, 111)), 1, 11)]),
])
def test_a_units_day_rows_on_hand_made_days(pairs, held, want):
    from planning.allocation.sender_rules import _day_rows

    arr = lambda x: np.asarray(x, np.int64)  # noqa: E731
    start, end, person = (list(c) for c in zip(*pairs))
    h_start, h_end, h_person = (list(c) for c in zip(*held))
    k = np.arange(100, 100 + len(pairs))
    rows, n_held, people = _day_rows(k, arr(start), arr(end), arr(person), arr(h_start), arr(h_end), arr(h_person))
    got = [(r.tolist(), int(h), int(p)) for r, h, p in zip(rows, n_held, people)]
    assert got == want == _day_rows_reference(k.tolist(), start, end, person, h_start, h_end, h_person)
