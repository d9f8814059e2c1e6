"""A plain reference for the selection criteria (DESIGN.md §11), written from the text, not the library.

Loops over dict rows (``pairing_reference.rows``); for small generated programmes only. Together
with ``pairing_reference`` (sector, skill, level, lead, availability and pairings, §4) it gives the
full eligibility rule.

The rules as read here
----------------------
* Ranks low to high: 科员 副科 正科 副处 正处 副厅 正厅; titles 初级 中级 副高级 正高级; stages in
  order 推荐 资格审查 考察 体检 决定 公示.
* The dispatch date of a seat is its first day.
* Term rule of an order: the row of the term rules table for the order's programme and its role;
  when there is none, the row for the programme with no role; when the order names no programme or
  there is no such row, no rule.
* Rank: a post rank is met by the same rank, or one rank below when the rule allows promotion on
  posting. A person without a rank does not meet it.
* Team lead's rank: a lead seat of a team stating a lowest rank for its lead is met by that rank
  or a higher one; a person without a rank does not meet it. Member seats ask no such rank.
* Title: the lowest title or higher; no title does not meet it.
* Sending unit's grade (一级 < 二乙 < 二甲 < 三乙 < 三甲): an order's lowest grade is met when the
  person's sending unit has that grade or a higher one; a unit without a grade does not meet it.
* Age: whole years on the seat's first day (a birthday on that day counts) <= the cap; no birth
  date does not meet it.
* Party: a post requiring membership needs 中共党员 (not 预备党员); Party years and service years
  are whole years from the date joined / started work to the dispatch date, at least the post's
  least; a missing date does not meet them.
* Medical check: needed when the order has a term rule or its host is at or above 3,000 m (the
  unit's altitude, else its region's, else the nearest region above with one). Valid when the
  result is 合格, it was taken on or before the dispatch date, and the dispatch date is no later
  than the day before the same day ``medical months`` (the rule's, default 12) later.
* Altitude: a host at or above 3,000 m needs the clearance 适宜高原.
* Vetting: an order with a term rule needs the person through the stage from which people may be
  planned (the rule's 可拟派环节, default 决定), or through its last stage (default 公示) when that comes
  earlier; planned short of the last stage, the assignment is pending (test_pending.py).
* Term: the stint's shortest and longest months are the order's own, else the rule's; a stint of
  m months from day d ends the day before the same day m months later; a stint ending before that
  day for the shortest, or after it for the longest, breaks the rule.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "pairings"))

from pairing_reference import add_months, rows, slots_of_order  # noqa: E402

RANKS = ["clerk", "deputy_section", "section", "deputy_division", "full_division", "deputy_bureau", "bureau"]
TITLES = ["junior", "intermediate", "associate_senior", "senior"]
GRADES = ["grade_1", "grade_2b", "grade_2a", "grade_3b", "grade_3a"]
STAGES = ["recommended", "checked", "vetted", "medical", "decided", "publicised"]


def whole_years(since: dt.date, on: dt.date) -> int:
    years = on.year - since.year
    if (on.month, on.day) < (since.month, since.day):
        years -= 1
    return years


def altitude_of(unit_id, units: list[dict], regions: list[dict]):
    unit = next(u for u in units if u["id"] == unit_id)
    if unit.get("altitude") is not None:
        return unit["altitude"]
    region_id, seen = unit["region"], set()
    while region_id is not None and region_id not in seen:
        seen.add(region_id)
        region = next((r for r in regions if r["id"] == region_id), None)
        if region is None:
            return None
        if region.get("altitude") is not None:
            return region["altitude"]
        region_id = region.get("parent")
    return None


def term_rule(order: dict, rules: list[dict]):
    programme = order.get("programme")
    if programme is None:
        return None
    role = order.get("role") or "member"
    for r in rules:
        if r["programme"] == programme and r.get("role") == role:
            return r
    for r in rules:
        if r["programme"] == programme and r.get("role") is None:
            return r
    return None


def failing_criteria(person: dict, order: dict, seat_start: dt.date, seat_end: dt.date, t: dict) -> set[str]:
    """The criteria of §11 that exclude ``person`` from the seat."""
    out = set()
    rule = term_rule(order, t["term_rules"])
    dispatch = seat_start
    if order.get("post_rank") is not None:
        need = RANKS.index(order["post_rank"])
        have = RANKS.index(person["rank"]) if person.get("rank") is not None else None
        promotion = bool(rule and rule.get("promotion_allowed"))
        if not (have == need or (promotion and have is not None and have == need - 1)):
            out.add("rank")
    team = next((x for x in t.get("teams", []) if x["id"] == order.get("team")), None)
    if order.get("role") == "lead" and team is not None and team.get("lead_rank") is not None:
        if person.get("rank") is None or RANKS.index(person["rank"]) < RANKS.index(team["lead_rank"]):
            out.add("lead_rank")
    if order.get("min_title") is not None:
        if person.get("title") is None or TITLES.index(person["title"]) < TITLES.index(order["min_title"]):
            out.add("title")
    if order.get("min_sender_grade") is not None:
        unit = next((u for u in t["units"] if u["id"] == person["sending_unit"]), None)
        grade = unit.get("grade") if unit is not None else None
        if grade is None or GRADES.index(grade) < GRADES.index(order["min_sender_grade"]):
            out.add("sender_grade")
    if order.get("age_cap") is not None:
        if person.get("birth_date") is None or whole_years(person["birth_date"], dispatch) > order["age_cap"]:
            out.add("age")
    if order.get("party_required"):
        if person.get("party_status") != "party_member":
            out.add("party")
    for criterion, least, since in (("party_years", "min_party_years", "party_joined"),
                                    ("service_years", "min_service_years", "work_started")):
        if order.get(least) is not None:
            if person.get(since) is None or whole_years(person[since], dispatch) < order[least]:
                out.add(criterion)
    altitude = altitude_of(order["host_unit"], t["units"], t["regions"])
    high = altitude is not None and altitude >= 3000
    if rule is not None or high:
        months = rule.get("medical_months") if rule and rule.get("medical_months") is not None else 12
        checked = person.get("medical_date")
        valid = (person.get("medical_result") == "fit" and checked is not None and checked <= dispatch
                 and dispatch <= add_months(checked, months) - dt.timedelta(days=1))
        if not valid:
            out.add("medical")
    if high and person.get("altitude_clearance") != "cleared":
        out.add("altitude")
    if rule is not None:
        last = rule.get("last_stage") or "publicised"
        plan = rule.get("plan_stage") or "decided"
        need = plan if STAGES.index(plan) < STAGES.index(last) else last
        if person.get("vetting_stage") is None or STAGES.index(person["vetting_stage"]) < STAGES.index(need):
            out.add("vetting")
    shortest = order.get("min_months") if order.get("min_months") is not None else (rule or {}).get("min_months")
    longest = order.get("max_months") if order.get("max_months") is not None else (rule or {}).get("max_months")
    if shortest is not None and seat_end < add_months(seat_start, shortest) - dt.timedelta(days=1):
        out.add("term")
    if longest is not None and seat_end > add_months(seat_start, longest) - dt.timedelta(days=1):
        out.add("term")
    return out


def tables(wb) -> dict[str, list[dict]]:
    return {n: rows(getattr(wb, n)) for n in ("regions", "units", "people", "orders", "term_rules", "teams")}


def reference_criteria_failures(wb) -> dict[tuple[str, str, int], set[str]]:
    """For every person and seat, the criteria that exclude the person (an empty set: none)."""
    t = tables(wb)
    out = {}
    for order in t["orders"]:
        for k, s, e in slots_of_order(order):
            for person in t["people"]:
                out[person["id"], order["id"], k] = failing_criteria(person, order, s, e, t)
    return out
