"""The tie-breakers among optimal plans, and the words for reasons."""

import planning
from planning.allocation import (REASONS, WHY)

from builders import make_wb, placed


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
    from planning.allocation import reason_text, why_text

    for code in REASONS:
        assert reason_text(code, "zh") != reason_text(code, "en")
    for code in WHY:
        assert why_text(code, "zh") != why_text(code, "en")
