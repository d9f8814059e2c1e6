"""A plain reference for senders' tasks (DESIGN.md §9 on top of §4), by loops over dict rows.

Written from the design text, not from ``planning.programme.senders``: batches and their windows,
the batch's seats (order slots with headcount left, first day to staff in the window), the
responsible senders of each seat (§4, by ``pairing_reference.seat_decision``), tasks sole and
shared, quotas given or split by the largest remainder, nominations and shortfall; and burden.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "pairings"))  # the §4 reference and programmes

from pairing_reference import add_months, chain, is_under, rows, seat_decision, slots_of_order

LIVE = ("active", "planned")


def split(task: int, weights: dict) -> dict:
    """``task`` split in proportion to ``weights`` (all zero: equal), largest remainder, then sender id."""
    names = sorted(weights)
    w = {s: weights[s] for s in names}
    if sum(w.values()) == 0:
        w = {s: 1 for s in names}
    total = sum(w.values())
    part = {}
    rest = {}
    for s in names:
        part[s] = (task * w[s]) // total
        rest[s] = (task * w[s]) - part[s] * total
    left = task - sum(part.values())
    while left > 0:
        best = None
        for s in names:
            if rest[s] is None:
                continue
            if best is None or rest[s] > rest[best]:
                best = s  # names are sorted: the first of equal remainders keeps the place
        part[best] += 1
        rest[best] = None
        left -= 1
    return part


def windows(batches: list[dict]) -> dict:
    out = {}
    for b in batches:
        end = b.get("window_end")
        if end is None:
            later = [c["dispatch"] for c in batches if c["dispatch"] > b["dispatch"]]
            if later:
                end = min(later) - dt.timedelta(days=1)
            else:
                end = add_months(b["dispatch"], 12) - dt.timedelta(days=1)
        out[b["id"]] = (b["dispatch"], end)
    return out


def overlaps(a0, a1, b0, b1) -> bool:
    return a0 <= b1 and b0 <= a1


def fits(person: dict, order: dict, s0, s1) -> bool:
    if person["sector"] != order["sector"]:
        return False
    if order.get("skill") is not None and person.get("skill") != order["skill"]:
        return False
    if (person.get("level") or 1) < (order.get("min_level") or 1):
        return False
    if order.get("role") == "lead" and not person.get("can_lead"):
        return False
    return person["available_from"] <= s0 and person["available_to"] >= s1


def reference_tasks(wb, batch=None) -> dict:
    """``{(batch, sender, sector): {seats, shared_seats, shared_with, quota, quota_given, nominated, shortfall}}``."""
    regions, units = rows(wb.regions), rows(wb.units)
    parent = {}
    for r in regions:
        parent[r["id"]] = r.get("parent")
    for u in units:
        parent[u["id"]] = u.get("region")
    pairings, people, orders = rows(wb.pairings), rows(wb.people), rows(wb.orders)
    assignments = [a for a in rows(wb.assignments) if (a.get("status") or "planned") in LIVE]
    win = windows(rows(wb.batches))
    unit_of = {p["id"]: p["sending_unit"] for p in people}

    def under(person, sender):
        return is_under(unit_of[person["id"]], sender, parent)

    # the batch's seats: (batch, order, start, end, count, responsible senders)
    seats = []
    for b, (d0, d1) in win.items():
        if batch is not None and b != batch:
            continue
        for o in orders:
            for k, s0, s1 in slots_of_order(o):
                taken = 0
                for a in assignments:
                    if a["order"] == o["id"] and overlaps(a["start"], a["end"], s0, s1):
                        taken += 1
                left = o["headcount"] - taken
                if left <= 0 or s1 < d0:
                    continue
                first = s0 if s0 >= d0 else d0
                if not (d0 <= first <= d1):
                    continue
                deciding, responsible = seat_decision(o, first, s1, pairings, parent)
                senders = sorted({p["sender"] for p in responsible})
                seats.append({"batch": b, "order": o, "start": first, "end": s1, "n": left,
                              "senders": senders, "deciding": sorted({p["sender"] for p in deciding})})
    out = {}

    def row(key):
        if key not in out:
            out[key] = {"seats": 0, "shared_seats": 0, "shared_with": set(), "quota": 0, "quota_given": False,
                        "nominated": 0, "task_seats": []}
        return out[key]

    groups = {}
    for s in seats:
        if not s["senders"]:
            continue
        for x in s["senders"]:
            r = row((s["batch"], x, s["order"]["sector"]))
            r["seats"] += s["n"]
            r["task_seats"].append(s)
            if len(s["senders"]) > 1:
                r["shared_seats"] += s["n"]
                r["shared_with"].update(y for y in s["senders"] if y != x)
        groups.setdefault((s["batch"], s["order"]["sector"], tuple(s["senders"])), []).append(s)
    # derived quotas: a sole sender's task; a shared task split by people free for one of its seats
    for (b, sector, senders), group in groups.items():
        task = sum(s["n"] for s in group)
        if len(senders) == 1:
            row((b, senders[0], sector))["quota"] += task
            continue
        weights = {}
        for x in senders:
            n = 0
            for p in people:
                if p["sector"] != sector or not under(p, x):
                    continue
                free_for_one = False
                for s in group:
                    if not (p["available_from"] <= s["start"] and p["available_to"] >= s["end"]):
                        continue
                    busy = False
                    for a in assignments:
                        if a["person"] == p["id"] and overlaps(a["start"], a["end"], s["start"], s["end"]):
                            busy = True
                    if not busy:
                        free_for_one = True
                if free_for_one:
                    n += 1
            weights[x] = n
        for x, part in split(task, weights).items():
            row((b, x, sector))["quota"] += part
    for q in rows(wb.quotas):
        if batch is not None and q["batch"] != batch:
            continue
        r = row((q["batch"], q["sender"], q["sector"]))
        if not r["quota_given"]:
            r["quota"] = 0
        r["quota_given"] = True
        r["quota"] += q["count"]
    for (b, x, sector), r in out.items():
        n = 0
        for p in people:
            if p.get("nomination") not in ("nominated", "selected") or p.get("batch") != b or not under(p, x):
                continue
            for s in r["task_seats"]:
                if not fits(p, s["order"], s["start"], s["end"]):
                    continue
                if s["deciding"] and not any(is_under(unit_of[p["id"]], d, parent) for d in s["deciding"]):
                    continue
                n += 1
                break
        r["nominated"] = n
        r["shortfall"] = max(0, r["quota"] - n)
        r["shared_with"] = ";".join(sorted(r["shared_with"]))
        del r["task_seats"]
    return out


def reference_burden(wb, on: dt.date) -> list[tuple]:
    """``[(unit, sector, staff, on_post)]`` per sender_staff row."""
    people = {p["id"]: p for p in rows(wb.people)}
    out = []
    for s in rows(wb.sender_staff):
        on_post = set()
        for a in rows(wb.assignments):
            p = people[a["person"]]
            if (a.get("status") or "planned") in LIVE and a["start"] <= on <= a["end"] \
                    and p["sending_unit"] == s["unit"] and p["sector"] == s["sector"]:
                on_post.add(p["id"])
        out.append((s["unit"], s["sector"], s["staff"], len(on_post)))
    return out
