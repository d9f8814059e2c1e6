"""A plain reference for the per-assignment hard rules of ``check_plan`` (DESIGN §5), one loop per rule.

Written from the rules, not from the library's code: dict rows, nested loops, dates compared as
days (inclusive). The seats' dates come from ``slots_from_today`` (the allocation's own seat
list, checked elsewhere) and a seat's deciding senders from ``exclusive_senders`` (checked
against the pairing reference in ``tests/pairings``); everything else is re-derived here. The
team rules (``lead_required``, ``same_source``) are left to the hand-made cases. The selection
criteria of DESIGN §11 come from the criteria's own plain reference (``tests/criteria``), asked of
each stint as placed (its first day the dispatch date).
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "criteria"))
from criteria_reference import failing_criteria, tables  # noqa: E402

LIVE = {"active", "planned"}


def _missing(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v))


def _overlap(s1, e1, s2, e2) -> bool:
    """Inclusive date ranges overlap (a missing end is open)."""
    return (_missing(e2) or s1 <= e2) and (_missing(e1) or s2 <= e1)


def reference_violations(wb, plan_rows: list[dict], slots: pd.DataFrame, deciding: pd.DataFrame) -> Counter:
    """``Counter`` of ``(rule, person, order, slot)`` over the per-assignment rules."""
    people = {r["id"]: r for r in wb.people.to_dict("records")}
    orders = {r["id"]: r for r in wb.orders.to_dict("records")}
    parent = {r["id"]: r["parent"] for r in wb.regions.to_dict("records")}
    parent.update({r["id"]: r["region"] for r in wb.units.to_dict("records")})
    seats = {(r["order"], int(r["slot"])): r for r in slots.to_dict("records")}
    senders: dict = {}
    for r in deciding.to_dict("records"):
        senders.setdefault((r["order"], int(r["slot"])), set()).add(r["sender"])

    existing = wb.assignments.to_dict("records")
    criteria_tables = tables(wb)
    plain_orders = {r["id"]: r for r in criteria_tables["orders"]}
    plain_people = {r["id"]: r for r in criteria_tables["people"]}

    def above(person_id):
        node, out = people[person_id]["sending_unit"], set()
        while not _missing(node) and node not in out:
            out.add(node)
            node = parent.get(node)
        return out

    out = Counter()
    for i, a in enumerate(plan_rows):
        key = (a["person"], a["order"], int(a["slot"]))
        p, o = people.get(a["person"]), orders.get(a["order"])
        if p is None or o is None:
            out["unknown", *key] += 1
            continue
        if p["sector"] != o["sector"]:
            out["sector", *key] += 1
        if not _missing(o["skill"]) and p["skill"] != o["skill"]:
            out["skill", *key] += 1
        if p["level"] < o["min_level"]:
            out["level", *key] += 1
        if o["role"] == "lead" and p["can_lead"] is not True:
            out["lead", *key] += 1
        if (p["available_from"] > a["start"]) or (not _missing(p["available_to"]) and p["available_to"] < a["end"]):
            out["availability", *key] += 1
        for criterion in failing_criteria(plain_people[a["person"]], plain_orders[a["order"]],
                                          pd.Timestamp(a["start"]).date(), pd.Timestamp(a["end"]).date(), criteria_tables):
            out[criterion, *key] += 1
        seat = seats.get((a["order"], int(a["slot"])))
        if seat is None or (seat["start"], seat["end"]) != (a["start"], a["end"]):
            out["slot", *key] += 1
        need = senders.get((a["order"], int(a["slot"])))
        if need and not (need & above(a["person"])):
            out["pairing", *key] += 1
        if any(x["person"] == a["person"] and _overlap(a["start"], a["end"], x["start"], x["end"])
               for x in existing):
            out["busy", *key] += 1
        if any(j != i and b["person"] == a["person"] and _overlap(a["start"], a["end"], b["start"], b["end"])
               for j, b in enumerate(plan_rows)):
            out["overlap", *key] += 1
        if seat is not None and (seat["start"], seat["end"]) == (a["start"], a["end"]):
            held = sum(1 for x in existing if x["order"] == a["order"]
                       and x["status"] in LIVE and _overlap(seat["start"], seat["end"], x["start"], x["end"]))
            new = sum(1 for b in plan_rows if (b["order"], int(b["slot"]), b["start"], b["end"])
                      == (a["order"], int(a["slot"]), seat["start"], seat["end"]))
            if held + new > seat["headcount"]:
                out["full", *key] += 1
    return out
