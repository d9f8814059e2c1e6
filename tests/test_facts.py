"""Facts about a workbook are derived once per question and are never stale (``planning.core.facts``)."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import planning
from planning.apps import OverviewApp
from planning.core import facts
from planning.core.hierarchy import CITY_LEVELS, ancestors, host_tree, nearest_of_levels, person_ancestors, source_city
from planning.core.live import live_assignments
from planning.core.names import names
from planning.core.pairings import deciding_pairings, order_seats
from planning.programme.coverage import coverage
from planning.programme.eligibility import eligible_rows
from planning.programme.seats import order_slots
from planning.programme.standing import standing

ONCE = ["planning.core.hierarchy.ancestors", "planning.core.hierarchy.person_ancestors",
        "planning.core.hierarchy.source_city", "planning.programme.seats.order_slots",
        "planning.programme.eligibility.eligible_rows", "planning.core.live.live_assignments"]


@pytest.fixture
def wb():
    return planning.load_workbook(planning.SAMPLE)  # a workbook of its own: no fact derived yet


def test_one_allocate_and_one_standing_derive_each_fact_once(wb, monkeypatch):
    monkeypatch.setenv("PLANNING_TODAY", "2026-12-07")
    facts.RUNS.clear()
    planning.allocate(wb)
    standing(wb)
    first = dict(facts.RUNS)
    for name in ONCE:
        assert first.get(name) == 1, (name, first)
    # the hierarchy's facts, the order slots and eligibility are derived once for both calls together,
    # and asking the same questions again derives nothing at all
    planning.allocate(wb)
    standing(wb)
    assert dict(facts.RUNS) == first


def test_the_same_question_built_twice_is_one_fact(wb):
    seats = order_seats(wb)
    facts.RUNS.clear()
    a = deciding_pairings(wb, seats)
    b = deciding_pairings(wb, seats.copy(deep=True))  # another frame, the same seats
    assert a.equals(b) and facts.RUNS["planning.core.pairings.deciding_pairings"] == 1
    c = deciding_pairings(wb, seats.iloc[:3])  # other seats: another fact
    assert len(c) < len(a) and facts.RUNS["planning.core.pairings.deciding_pairings"] == 2


def test_a_table_replaced_or_changed_in_place_gives_fresh_facts(wb):
    before = source_city(wb)
    assert source_city(wb).equals(before) and facts.RUNS['planning.core.hierarchy.source_city'] >= 1
    # changed in place: the first person moves to a unit of another city
    other = wb.units.loc[wb.units["side"].eq("sending") & ~wb.units["id"].eq(wb.people.loc[0, "sending_unit"])]
    moved = other[other["id"].map(lambda u: source_city(dataclasses.replace(
        wb, people=wb.people.assign(sending_unit=u))).iloc[0]) != before.iloc[0]]["id"].iloc[0]
    wb.people.loc[0, "sending_unit"] = moved
    after = source_city(wb)
    assert after.iloc[0] != before.iloc[0]
    assert after.equals(source_city.derivation(wb))
    # replaced
    wb.regions = wb.regions.assign(name=wb.regions["name"] + "·")
    assert ancestors(wb).equals(ancestors.derivation(wb))
    wb.orders.loc[0, "headcount"] = 7
    assert order_slots(wb.orders).equals(order_slots.derivation(wb.orders))


def test_a_fact_changed_by_its_caller_stays_as_derived(wb):
    a = ancestors(wb)
    kept = a.copy(deep=True)
    a["extra"] = 1
    a.loc[0, "depth"] = 99
    assert ancestors(wb).equals(kept)


def test_facts_after_the_pages_and_the_plan_equal_fresh_derivations(wb):
    from planning.programme.criteria import host_altitude, workbook_person_facts

    """Every module shares the facts: none of them may change one (a page, the plan, standing, coverage)."""
    OverviewApp(wb=wb, lang="zh")
    planning.allocate(wb)
    standing(wb)
    coverage(wb)
    checks = [(ancestors, ()), (person_ancestors, ()), (source_city, ()), (host_tree, ()), (names, ()),
              (order_seats, ()), (live_assignments, ()), (nearest_of_levels, (CITY_LEVELS,)), (eligible_rows, ()),
              (host_altitude, ()), (workbook_person_facts, ())]
    for f, args in checks:
        shared, fresh = f(wb, *args), f.derivation(wb, *args)
        if isinstance(shared, pd.DataFrame):
            pd.testing.assert_frame_equal(shared, fresh)
        else:
            pd.testing.assert_series_equal(shared, fresh)
    pd.testing.assert_frame_equal(order_slots(wb.orders), order_slots.derivation(wb.orders))


def test_facts_go_with_their_workbook():
    import gc
    w = planning.load_workbook(planning.SAMPLE)
    ancestors(w)
    key = id(w)
    assert key in facts._FACTS
    del w
    gc.collect()
    assert key not in facts._FACTS
