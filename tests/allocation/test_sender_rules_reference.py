"""Allocation with quotas and staff caps equals a plain CP-SAT model on generated programmes (design §9).

The reference is written here from the rules, not from the project's model: the seats and the
eligible (person, seat) pairs come from plain loops over dict rows (sector, skill, level, lead,
availability over the whole stint, busy with any existing assignment, one exclusive pairing); one
Boolean per pair; a seat takes at most its places left; a person's overlapping stints exclude each
other pairwise; a staff cap bounds, on every first day of a stint, the unit's people of the sector
on post (live assignments and new ones) by ``floor(max_share × staff)``; a quota bounds the
sender's placements in the sector whose stint begins in the batch's window, live ones included.
It maximises the sum of ``2**(priority-1)``, then finds the least largest burden by asking, level
by level from the bottom, whether a plan of that first objective keeps every unit × sector within
it. ``planning.allocate`` must reach the same first objective and the same largest burden.
"""
from __future__ import annotations

import datetime as dt
import math
import os
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

import planning
from planning.allocation import check_plan

from builders import make_wb, table

EXAMPLES = int(os.environ.get("SENDER_RULES_EXAMPLES", 50))
TODAY = dt.date(2026, 11, 22)
DAYS = [dt.date(2026, 6, 1), dt.date(2026, 11, 22), dt.date(2027, 1, 1), dt.date(2027, 3, 1),
        dt.date(2027, 6, 30), dt.date(2027, 9, 1), dt.date(2027, 12, 31), dt.date(2028, 6, 30)]
UNITS = {"U1": "C1", "U2": "C2", "U3": "C3", "U4": "C1"}   # sending unit → its city (all under province S)
SECTORS = ["教育", "医疗"]


@st.composite
def programmes(draw):
    n_people, n_orders = draw(st.integers(2, 9)), draw(st.integers(1, 5))
    people = []
    for i in range(n_people):  # most of them U1's or U4's teachers, free over the whole horizon: caps bind often
        a, b = sorted(draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=2)))
        free = draw(st.integers(0, 3)) > 0
        people.append(dict(id=f"P{i}", sending_unit=draw(st.sampled_from(["U1", "U1", "U4", "U2", "U3"])),
                           sector=draw(st.sampled_from(SECTORS + SECTORS[:1])),
                           skill=draw(st.sampled_from(["数学", "数学", "物理"])),
                           level=draw(st.integers(1, 3)), can_lead=draw(st.booleans()),
                           available_from=DAYS[0] if free else a,
                           available_to=dt.date(2029, 12, 31) if free else b))
    orders = []
    for i in range(n_orders):
        a, b = sorted(draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=2, unique=True)))
        orders.append(dict(id=f"O{i}", host_unit=draw(st.sampled_from(["HA", "HB"])),
                           sector=draw(st.sampled_from(SECTORS + SECTORS[:1])),
                           skill=draw(st.sampled_from([None, "数学"])),
                           role=draw(st.sampled_from(["member", "member", "lead"])), headcount=draw(st.integers(1, 3)),
                           start=a, end=b, priority=draw(st.integers(1, 5)), min_level=draw(st.integers(1, 2))))
    assignments = []
    for p in draw(st.lists(st.sampled_from([p["id"] for p in people]), max_size=3, unique=True)):
        o = draw(st.sampled_from(orders))
        a, b = sorted(draw(st.lists(st.sampled_from([d for d in DAYS if o["start"] <= d <= o["end"]] or [o["start"]]),
                                    min_size=2, max_size=2)))
        assignments.append(dict(person=p, order=o["id"], start=a, end=b,
                                status=draw(st.sampled_from(["active", "planned", "done"]))))
    pairings = [dict(sender="C2", host="HB")] if draw(st.booleans()) else []
    staff = []
    for u, s in draw(st.lists(st.tuples(st.sampled_from(["U1", "U1", "U4", "U2"]), st.sampled_from(SECTORS[:1] * 2 + SECTORS)),
                              max_size=3, unique=True)):
        staff.append(dict(unit=u, sector=s, staff=draw(st.integers(1, 6)),
                          max_share=draw(st.sampled_from([None, 0.25, 0.5, 0.34, 0.5, 1.0]))))
    dispatch = draw(st.sampled_from([TODAY, dt.date(2027, 1, 1), dt.date(2027, 3, 1)]))
    batches = [dict(id="B1", dispatch=dispatch, window_end=draw(st.sampled_from([None, dt.date(2027, 6, 30)])))]
    quotas = []
    for snd, s in draw(st.lists(st.tuples(st.sampled_from(["S", "C1", "C2", "U1", "U4"]), st.sampled_from(SECTORS)),
                                max_size=2, unique=True)):
        quotas.append(dict(sender=snd, sector=s, batch="B1", count=draw(st.integers(0, 3))))
    return dict(people=people, orders=orders, assignments=assignments, pairings=pairings, staff=staff,
                batches=batches, quotas=quotas)


def workbook(g):
    wb = make_wb(g["people"], g["orders"], pairings=g["pairings"], assignments=g["assignments"])
    wb.units = table("units", wb.units.to_dict("records") + [dict(id="U4", name="派出单位4", kind="hospital",
                                                                  region="C1", side="sending")])
    wb.sender_staff = table("sender_staff", g["staff"])
    wb.batches = table("batches", g["batches"])
    wb.quotas = table("quotas", g["quotas"])
    return wb


# ---- the plain reference --------------------------------------------------------------------

def overlap(a0, a1, b0, b1):
    return a0 <= b1 and b0 <= a1


def under(unit, sender):
    return sender in (unit, UNITS[unit], "S")


def window(batch):
    if batch["window_end"] is not None:
        return batch["dispatch"], batch["window_end"]
    d = batch["dispatch"]
    return d, dt.date(d.year + 1, d.month, d.day) - dt.timedelta(days=1)


def reference_pairs(g):
    """Seats (order, start, end, places, priority, sector) and eligible (person, seat) pairs, by plain loops."""
    live = [a for a in g["assignments"] if a["status"] in ("active", "planned")]
    seats = []
    for o in g["orders"]:
        if o["end"] < TODAY:
            continue
        start = max(o["start"], TODAY)
        held = sum(1 for a in live if a["order"] == o["id"] and overlap(a["start"], a["end"], start, o["end"]))
        if o["headcount"] - held > 0:
            seats.append(dict(order=o, start=start, end=o["end"], places=o["headcount"] - held))
    pairs = []
    for p in g["people"]:
        for s, seat in enumerate(seats):
            o = seat["order"]
            if p["sector"] != o["sector"] or (o["skill"] is not None and p["skill"] != o["skill"]):
                continue
            if p["level"] < o["min_level"] or (o["role"] == "lead" and not p["can_lead"]):
                continue
            if p["available_from"] > seat["start"] or p["available_to"] < seat["end"]:
                continue
            if any(a["person"] == p["id"] and overlap(a["start"], a["end"], seat["start"], seat["end"])
                   for a in g["assignments"]):
                continue
            if g["pairings"] and o["host_unit"] == "HB" and not under(p["sending_unit"], "C2"):
                continue
            pairs.append((p, s))
    return seats, pairs


def reference(g):
    """(first objective, least largest burden or None) of the plain model."""
    from ortools.sat.python import cp_model

    seats, pairs = reference_pairs(g)
    live = [a for a in g["assignments"] if a["status"] in ("active", "planned")]
    person = {p["id"]: p for p in g["people"]}
    sector_of = {o["id"]: o["sector"] for o in g["orders"]}

    def on_post(unit, sector, day):
        return len({a["person"] for a in live if person[a["person"]]["sending_unit"] == unit
                    and person[a["person"]]["sector"] == sector and a["start"] <= day <= a["end"]})

    def unit_rows(unit, sector):
        """Per day worth a row: (the pairs of the unit's people of the sector covering it, people on post)."""
        mine = [k for k, (p, s) in enumerate(pairs) if p["sending_unit"] == unit and p["sector"] == sector]
        days = {seats[pairs[k][1]]["start"] for k in mine}
        days |= {a["start"] for a in live if person[a["person"]]["sending_unit"] == unit}
        out = []
        for d in sorted(days):
            cover = [k for k in mine if seats[pairs[k][1]]["start"] <= d <= seats[pairs[k][1]]["end"]]
            if cover:
                out.append((cover, on_post(unit, sector, d)))
        return out

    def model(first_at_least=None, level=None):
        m = cp_model.CpModel()
        x = [m.new_bool_var(f"x{k}") for k in range(len(pairs))]
        for s, seat in enumerate(seats):
            m.add(sum(x[k] for k, (_, t) in enumerate(pairs) if t == s) <= seat["places"])
        for i, (p, s) in enumerate(pairs):
            for j in range(i + 1, len(pairs)):
                q, t = pairs[j]
                if q["id"] == p["id"] and overlap(seats[s]["start"], seats[s]["end"], seats[t]["start"], seats[t]["end"]):
                    m.add(x[i] + x[j] <= 1)
        for r in g["staff"]:
            for cover, held in unit_rows(r["unit"], r["sector"]):
                if r["max_share"] is not None:
                    m.add(sum(x[k] for k in cover) <= max(0, math.floor(r["max_share"] * r["staff"] + 1e-9) - held))
                if level is not None:
                    m.add(sum(x[k] for k in cover) + held <= math.floor(level * r["staff"]))
        for q in g["quotas"]:
            w0, w1 = window(g["batches"][0])
            held = sum(1 for a in live if under(person[a["person"]]["sending_unit"], q["sender"])
                       and sector_of[a["order"]] == q["sector"] and w0 <= a["start"] <= w1)
            mine = [k for k, (p, s) in enumerate(pairs) if under(p["sending_unit"], q["sender"])
                    and seats[s]["order"]["sector"] == q["sector"] and w0 <= seats[s]["start"] <= w1]
            m.add(sum(x[k] for k in mine) <= max(0, q["count"] - held))
        first = sum(2 ** (seats[s]["order"]["priority"] - 1) * x[k] for k, (_, s) in enumerate(pairs))
        if first_at_least is None:
            m.maximize(first)
        else:
            m.add(first >= first_at_least)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        status = solver.solve(m)
        return status, (int(round(solver.objective_value)) if first_at_least is None else None)

    status, best = model()
    assert status == cp_model.OPTIMAL
    rows = [(r, unit_rows(r["unit"], r["sector"])) for r in g["staff"]]
    rows = [(r, rs) for r, rs in rows if rs]
    if not rows:
        return best, None
    levels = sorted({Fraction(c, r["staff"]) for r, rs in rows
                     for c in range(max(h + len({pairs[k][0]["id"] for k in cover}) for cover, h in rs) + 1)})
    for v in levels:  # the first level a plan of the best first objective keeps to
        if model(best, v)[0] in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return best, v
    raise AssertionError("no level holds")


def plan_burden(g, plan):
    """The plan's largest burden on the reference's rows (the days where a unit × sector has candidate stints)."""
    seats, pairs = reference_pairs(g)
    live = [a for a in g["assignments"] if a["status"] in ("active", "planned")]
    person = {p["id"]: p for p in g["people"]}
    new = [dict(person=r.person, start=r.start.date(), end=r.end.date()) for r in plan.assignments.itertuples()]
    worst = None
    for r in g["staff"]:
        mine = [k for k, (p, s) in enumerate(pairs) if p["sending_unit"] == r["unit"] and p["sector"] == r["sector"]]
        days = {seats[pairs[k][1]]["start"] for k in mine} | {a["start"] for a in live}
        for d in days:
            if not any(seats[pairs[k][1]]["start"] <= d <= seats[pairs[k][1]]["end"] for k in mine):
                continue
            n = len({a["person"] for a in live + new if person[a["person"]]["sending_unit"] == r["unit"]
                     and person[a["person"]]["sector"] == r["sector"] and a["start"] <= d <= a["end"]})
            b = Fraction(n, r["staff"])
            worst = b if worst is None or b > worst else worst
    return worst


def _teachers(n, **more):
    return [dict(id=f"P{i}", sending_unit="U1", sector="教育", skill="数学", level=2, can_lead=False,
                 available_from=DAYS[0], available_to=dt.date(2029, 12, 31), **more) for i in range(n)]


SEATS = [dict(id="O1", host_unit="HA", sector="教育", skill=None, role="member", headcount=3, start=dt.date(2027, 1, 1),
              end=dt.date(2027, 6, 30), priority=3, min_level=1)]
BATCH = [dict(id="B1", dispatch=dt.date(2027, 1, 1), window_end=None)]
#: a cap that binds (2 of 4 away) and a quota that binds (C1 gives one), whatever the draws
CAP = dict(people=_teachers(3), orders=SEATS, assignments=[], pairings=[], batches=BATCH, quotas=[],
           staff=[dict(unit="U1", sector="教育", staff=4, max_share=0.5)])
QUOTA = dict(CAP, staff=[], quotas=[dict(sender="C1", sector="教育", batch="B1", count=1)])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes())
@example(CAP)
@example(QUOTA)
def test_allocation_equals_the_plain_model(g):
    wb = workbook(g)
    plan = planning.allocate(wb)
    assert check_plan(wb, plan).empty
    best, burden = reference(g)
    assert plan.objective.status == "optimal" and plan.objective.value == best
    assert plan_burden(g, plan) == burden
    event("a quota or cap keeps a seat empty" if plan.unfilled["reason"].isin(["quota", "staff_cap"]).any()
          else "no seat kept empty by a quota or cap")
    event("burden weighed" if burden is not None else "no burden")


ONE_DAY = dt.date(2027, 3, 1)


@st.composite
def one_day_programmes(draw):
    """Programmes whose seats all begin on one day (a batch's seats): each person's candidate seats share it, so
    the flow path plans them, with the quotas, caps and burden as capacities of the flow."""
    g = draw(programmes())
    ends = [d for d in DAYS if d >= ONE_DAY]
    orders = [dict(o, start=ONE_DAY, end=draw(st.sampled_from(ends))) for o in g["orders"]]
    span = {o["id"]: (o["start"], o["end"]) for o in orders}
    assignments = []
    for a in g["assignments"]:
        a0, a1 = span[a["order"]]
        s, e = max(a["start"], a0), min(a["end"], a1)
        assignments.append(dict(a, start=s, end=e) if s <= e else dict(a, start=a0, end=a0))
    return dict(g, orders=orders, assignments=assignments)


ONE_SEAT = [dict(SEATS[0], start=ONE_DAY, headcount=1)]
#: one seat, a teacher of U1 and one of U4: the least burden takes the one whose unit has the larger staff
TWO_UNITS = dict(people=[dict(_teachers(1)[0], sending_unit=u, id=f"P{i}") for i, u in enumerate(["U1", "U4"])],
                 orders=ONE_SEAT, assignments=[], pairings=[], batches=BATCH, quotas=[],
                 staff=[dict(unit="U1", sector="教育", staff=2, max_share=None),
                        dict(unit="U4", sector="教育", staff=10, max_share=None)])
#: the tie-breakers prefer U2's teacher (C2's preferred pairing), whose unit may send no one (cap 0 of 2)
PREFERRED_CAPPED = dict(TWO_UNITS, people=[dict(_teachers(1)[0], sending_unit=u, id=f"P{i}")
                                           for i, u in enumerate(["U2", "U1"])],
                        pairings=[dict(sender="C2", host="HA", scope="preferred")],
                        staff=[dict(unit="U2", sector="教育", staff=2, max_share=0.25)])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_day_programmes())
@example(dict(CAP, orders=[dict(SEATS[0], start=ONE_DAY)]))
@example(dict(QUOTA, orders=[dict(SEATS[0], start=ONE_DAY)]))
@example(TWO_UNITS)
@example(dict(TWO_UNITS, staff=[dict(r, staff=12 - r["staff"]) for r in TWO_UNITS["staff"]]))
@example(PREFERRED_CAPPED)
def test_the_flow_with_quotas_and_caps_equals_the_plain_model(g):
    """The flow path with senders' rows as capacities (``solvers.sender_flow``; the horizon solver when the rows
    make no tree: a unit's later day with more people held over fewer stints) against the plain model: the same
    first objective and the same least largest burden, every rule kept."""
    wb = workbook(g)
    plan = planning.allocate(wb)
    assert check_plan(wb, plan).empty
    best, burden = reference(g)
    o = plan.objective
    assert o.status == "optimal" and o.value == best
    assert plan_burden(g, plan) == burden
    event(f"method {o.method}, tie-breakers {o.tiebreak_status}")


def _one_day(g):
    return dict(g, orders=[dict(o, start=ONE_DAY) for o in g["orders"]])


#: programmes whose senders' rows make a tree, each for one part of the flow path:
TREES = {
    "cap": _one_day(CAP),
    "quota": _one_day(QUOTA),
    "two units": TWO_UNITS,
    "preferred, capped": PREFERRED_CAPPED,
    # a teacher of U3, under no row (outside the tree), left unplaced: the unplaced leave through their city
    "one outside the tree": dict(PREFERRED_CAPPED, people=PREFERRED_CAPPED["people"]
                                 + [dict(_teachers(1)[0], sending_unit="U3", id="P2")]),
    # nested rows: C1's quota (1) over U1's staff row; U4's teacher is under C1 alone
    "nested": dict(people=[dict(_teachers(1)[0], sending_unit=u, id=f"P{i}") for i, u in enumerate(["U1", "U1", "U4"])],
                   orders=_one_day(CAP)["orders"], assignments=[], pairings=[], batches=BATCH,
                   quotas=[dict(sender="C1", sector="教育", batch="B1", count=1)],
                   staff=[dict(unit="U1", sector="教育", staff=10, max_share=1.0)]),
    # U2 already holds one of its 4 on post: its preferred teachers would make it 3 of 4, U4's keep it at 1/4 (U4's
    # staff row first: a search for the least burden that started too high would take the first plan found)
    "someone on post": dict(PREFERRED_CAPPED,
                            people=[dict(_teachers(1)[0], sending_unit=u, id=i) for u, i in
                                    (("U2", "P0"), ("U2", "P1"), ("U2", "P2"), ("U4", "P3"), ("U4", "P4"),
                                     ("U2", "P9"))],
                            orders=[dict(ONE_SEAT[0], headcount=2), dict(ONE_SEAT[0], id="O2")],
                            assignments=[dict(person="P9", order="O2", start=ONE_DAY, end=dt.date(2027, 6, 30),
                                              status="planned")],
                            staff=[dict(unit="U4", sector="教育", staff=10, max_share=None),
                                   dict(unit="U2", sector="教育", staff=4, max_share=None)]),
    # three units with staff, each with a teacher for the one seat: U4's keeps the largest burden least (1/10);
    # each unit's burden is its own people over its own staff
    "three units": dict(TWO_UNITS, people=[dict(_teachers(1)[0], sending_unit=u, id=f"P{i}")
                                           for i, u in enumerate(["U1", "U4", "U2"])],
                        staff=[dict(unit="U1", sector="教育", staff=2, max_share=None),
                               dict(unit="U4", sector="教育", staff=10, max_share=None),
                               dict(unit="U2", sector="教育", staff=3, max_share=None)]),
    # U1's cap (2 of 4) on two days with one held each (P9 until June, P8 from September): the later day's row,
    # over fewer stints with no more room, is implied by the first day's and dropped, not sent to the horizon solver
    "a later day implied": dict(
        people=_teachers(3) + [dict(_teachers(1)[0], id="P9"),
                               dict(_teachers(1)[0], id="P8", available_from=dt.date(2027, 9, 1))],
        orders=[dict(SEATS[0], id="O1", start=ONE_DAY, end=dt.date(2027, 6, 30), headcount=2),
                dict(SEATS[0], id="O2", start=ONE_DAY, end=dt.date(2027, 12, 31), headcount=1),
                dict(SEATS[0], id="O3", start=ONE_DAY, end=dt.date(2027, 12, 31), headcount=1)],
        assignments=[dict(person="P9", order="O3", start=ONE_DAY, end=dt.date(2027, 6, 30), status="planned"),
                     dict(person="P8", order="O3", start=dt.date(2027, 9, 1), end=dt.date(2027, 12, 31),
                          status="planned")],
        pairings=[], batches=BATCH, quotas=[], staff=[dict(unit="U1", sector="教育", staff=4, max_share=0.5)]),
}


@pytest.mark.parametrize("name", list(TREES))
def test_rows_that_make_a_tree_are_planned_by_the_flow_to_the_plain_optimum(name):
    """Hand-made programmes whose rows nest (design §9): the flow path plans them (not the horizon solver), with
    the plain model's first objective and least largest burden, and the tie-breakers' value of an exact CP-SAT
    plan of the same programme (the flow reports the value it reached)."""
    g = TREES[name]
    wb = workbook(g)
    plan = planning.allocate(wb)
    assert check_plan(wb, plan).empty
    o = plan.objective
    assert o.method == "flow"
    best, burden = reference(g)
    assert (o.status, o.value, plan_burden(g, plan)) == ("optimal", best, burden)
    exact = planning.allocate(wb, method="cpsat").objective
    assert (exact.status, exact.tiebreak_status, exact.value) == ("optimal", "optimal", best)
    assert o.tiebreak_value == exact.tiebreak_value
