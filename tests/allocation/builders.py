"""Small hand-made allocation inputs shared by the allocation tests."""
import pandas as pd

from planning.allocation import (build_model, candidate_pairs, check_plan, planned_seats, resolve_pins, busy_table, pairs_frame,
                               parse_window)
from planning.allocation.inputs import planning_day
from planning.contract import Workbook, empty_table, with_contract_types


PERSON = dict(sending_unit="U1", category="professional", sector="教育", skill="数学", level=2, can_lead=False,
              program="planned", available_from="2027-01-01", available_to="2029-12-31", wishes=None)
ORDER = dict(host_unit="HA", sector="教育", skill=None, role="member", headcount=1, start="2027-03-01",
             end="2027-12-31", priority=3, min_level=1, team=None, rotation_months=None)


def table(name, rows):
    """A typed contract table from a list of dicts (missing columns empty)."""
    base = empty_table(name)
    df = pd.DataFrame(list(rows), columns=list(base.columns)) if rows else base.copy()
    return with_contract_types(name, df)


def make_wb(people, orders, teams=(), pairings=(), assignments=()):
    """Sending province S with cities C1–C3 (one unit each, U1–U3); host county HC with units HA, HB, HC1."""
    regions = table("regions", [
        dict(id="S", name="派出省", level="province", parent=None, side="sending"),
        *[dict(id=f"C{i}", name=f"派出市{i}", level="city", parent="S", side="sending") for i in (1, 2, 3)],
        dict(id="H", name="受援区", level="province", parent=None, side="host"),
        dict(id="HC", name="受援县", level="county", parent="H", side="host")])
    units = table("units", [
        *[dict(id=f"U{i}", name=f"派出单位{i}", kind="government", region=f"C{i}", side="sending") for i in (1, 2, 3)],
        *[dict(id=u, name=f"受援单位{u}", kind="school", region="HC", side="host") for u in ("HA", "HB", "HC1")]])
    ppl = table("people", [{**PERSON, "name": "人员" + p["id"], **p} for p in people])
    ords = table("orders", [{**ORDER, **o} for o in orders])
    tms = table("teams", [{"host": "HA", "model": "custom", "same_source": False, "lead_required": False, **t}
                          for t in teams])
    prs = table("pairings", [{"scope": "exclusive", **p} for p in pairings])
    asg = table("assignments", [{"status": "active", **a} for a in assignments])
    return Workbook(regions=regions, units=units, pairings=prs, people=ppl, teams=tms, orders=ords,
                    assignments=asg, mentorships=empty_table("mentorships"), local_staff=empty_table("local_staff"),
                    indicators=empty_table("indicators"), source="test")


def placed(plan):
    return sorted(zip(plan.assignments["person"], plan.assignments["order"]))


def reasons(plan):
    return dict(zip(plan.unfilled["order"], plan.unfilled["reason"]))


def ok(wb, plan):
    v = check_plan(wb, plan)
    assert v.empty, v
    return plan


def model_of(wb, window=None):
    w = parse_window(window)
    seats = planned_seats(wb, w, planning_day(w))  # as allocate plans them
    busy = busy_table(wb)
    none = pairs_frame((), 3, "pin")
    pinned = resolve_pins(wb, seats, none, pairs_frame((), 2, "forbid"), busy)
    pairs = candidate_pairs(wb, seats, busy, pairs_frame((), 2, "forbid"))
    return build_model(wb, seats, pairs, pinned)[0]
