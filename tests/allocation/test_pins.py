"""Pins and forbids: placed first, or refused in a sentence naming the rule."""
import pytest

import planning

from builders import make_wb, ok, placed, reasons


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
