"""Preferences an order states (design §11: Party members, grass-roots experience) rank among the eligible,
after pairings, exact skill and wishes, before the fair share; they never exclude anyone."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "allocation"))

from builders import make_wb, ok, placed  # noqa: E402

import planning  # noqa: E402
from planning.programme.eligibility import eligible_pairs  # noqa: E402


def two_for_one(order, a=None, b=None):
    """Two people from one city for one seat, alike but for what ``a`` and ``b`` say."""
    base = dict(party_status="masses", rural_experience=False)
    people = [{**base, "id": "PA", **(a or {})}, {**base, "id": "PB", **(b or {})}]
    return make_wb(people, [dict(id="O1", **order)])


@pytest.mark.parametrize("order, b", [(dict(party_preferred=True), dict(party_status="party_member")),
                                      (dict(rural_preferred=True), dict(rural_experience=True))])
def test_the_person_an_order_prefers_is_placed(order, b):
    wb = two_for_one(order, b=b)
    plan = ok(wb, planning.allocate(wb))
    assert placed(plan) == [("PB", "O1")]
    assert plan.assignments["reason"].tolist() == ["person_pref"]
    assert "党员或有基层经历者优先" in plan.explain("PB", "zh")
    # they do not exclude: both are eligible, and without the preference the first of equals is taken
    assert len(eligible_pairs(wb)) == 2
    assert placed(planning.allocate(two_for_one({}, b=b))) == [("PA", "O1")]


def test_a_probationary_member_is_not_a_preferred_party_member():
    wb = two_for_one(dict(party_preferred=True), a=dict(party_status="probationary_member"),
                     b=dict(party_status="party_member"))
    assert placed(planning.allocate(wb)) == [("PB", "O1")]


def test_both_preferences_outweigh_one():
    wb = two_for_one(dict(party_preferred=True, rural_preferred=True),
                     a=dict(party_status="party_member"), b=dict(party_status="party_member", rural_experience=True))
    assert placed(planning.allocate(wb)) == [("PB", "O1")]


def test_a_wish_outweighs_the_preferences():
    wb = two_for_one(dict(party_preferred=True, rural_preferred=True), a=dict(wishes="HA"),
                     b=dict(party_status="party_member", rural_experience=True))
    plan = planning.allocate(wb)
    assert placed(plan) == [("PA", "O1")] and plan.assignments["reason"].tolist() == ["wish"]
