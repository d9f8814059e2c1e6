"""The plan as tables: columns, saving, explanations, diffs, the stable method, bad arguments."""
import pytest

import planning
from planning.allocation import (check_plan)
from planning.samples.synthetic import synthetic_workbook

from builders import make_wb, placed


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
                                           "priority", "reason", "senders", "limit"]
    a, u = plan.with_text("en")
    assert a["reason_text"].str.len().gt(0).all() and u["reason_text"].str.len().gt(0).all()


def test_explain_person_and_order():
    wb = make_wb([dict(id="P1"), dict(id="P2", sector="医疗")], [dict(id="O1"), dict(id="O2", sector="农业")])
    plan = planning.allocate(wb)
    zh = plan.explain("P1")
    name_p1 = wb.people.set_index("id").at["P1", "name"]
    assert name_p1 in zh and "按岗位优先级" in zh and "P1" not in zh.replace(name_p1, "")
    en = plan.explain("P1", lang="en")
    assert "seat priority" in en
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


def stable_preferences(plan):
    """The preferences the stable method documents, rebuilt from the plan's candidate pairs one pair at a time:
    a person ranks seats by wish (wished host units first, in wish order), then the seat's priority, preferred
    pairing, exact skill, start; a seat ranks people by preferred pairing, exact skill, level (higher first)."""
    level = plan.inputs.workbook.people.set_index("id")["level"]
    seats = plan.inputs.seats
    residents, hospitals = {}, {}
    for p in plan.inputs.pairs.itertuples():
        seat = f"{p.order}#{p.slot}"
        wish = p.wish_rank if p.wish_rank >= 0 else float("inf")
        residents.setdefault(p.person, []).append(
            ((wish, -seats.at[p.seat, "priority"], not p.preferred, not p.exact_skill, p.start, seat), seat))
        hospitals.setdefault(seat, []).append(((not p.preferred, not p.exact_skill, -level[p.person], p.person),
                                               p.person))
    capacity = {f"{o}#{s}": int(r) for o, s, r in zip(seats["order"], seats["slot"], seats["remaining"])}
    return ({r: [x for _, x in sorted(v)] for r, v in residents.items()},
            {h: [x for _, x in sorted(v)] for h, v in hospitals.items()}, capacity)


def test_stable_method_respects_the_rules_and_reports_blocking_pairs():
    from test_stable import brute_force_blocking

    wb = synthetic_workbook(people=300, host_units=30, sectors=3, seed=5, teams=True)
    plan = planning.allocate(wb, method="stable")
    assert check_plan(wb, plan).empty
    assert plan.objective.status == "stable" and plan.blocking_pairs is not None
    assert plan.objective.blocking_pairs == len(plan.blocking_pairs)
    # the pairs reported are exactly those that block the plan's matching, by the definition, pair by pair
    rp, hp, cap = stable_preferences(plan)
    new = plan.assignments
    matching = {h: [] for h in hp}
    for person, order, slot in zip(new["person"], new["order"], new["slot"]):
        matching[f"{order}#{slot}"].append(person)
    want = set(brute_force_blocking(matching, rp, hp, cap))
    got = {(p, f"{o}#{s}") for p, o, s in zip(plan.blocking_pairs["person"], plan.blocking_pairs["order"],
                                               plan.blocking_pairs["slot"])}
    assert want and got == want  # the team rules leave some pairs blocking here
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
