"""A deliberately plain reference for seats, eligibility, preferred flags and the first objective.

Written from the specification (DESIGN.md §4, "Which pairings decide"), not from the library's
code, so that property tests can compare the fast vectorised implementation against it. Every
function works on plain dict rows with nested loops: it is meant for small hand-made or
generated programmes only (a few dozen people and orders).

The rule implemented here
-------------------------
* Seats. An order without ``rotation_months`` is one seat-stint (slot 0) over [start, end]. With
  ``rotation_months`` n, slot k starts on start + k*n months (the day clipped to the month's
  length) and ends the day before start + (k+1)*n months; the last slot (the one whose next start
  would fall after the order's end) ends with the order. All dates are inclusive.
* Under. X is under Y when following parents (unit -> its region -> parent region -> ...) from X
  reaches Y; X is under itself. A person is under their sending unit and everything above it.
* In force. A pairing is in force for a seat when its [start, end] (an empty end is open) overlaps
  the seat's [start, end], its host is the order's host unit or a region above it, and its sector
  is empty or equals the order's sector.
* Specificity key = (depth, 0 if the pairing names a sector else 1), where depth is the number of
  parent steps from the order's host unit up to the pairing's host. Smaller is more specific.
* Eligibility by pairing. No exclusive pairing in force: pairings do not restrict. Otherwise the
  deciding pairings are the exclusive ones in force with the smallest key, and a person qualifies
  when under the sender of at least one of them.
* Eligible. Same sector; same skill when the order names one; level >= min_level; can_lead when
  the role is lead; available_from <= seat start and available_to >= seat end; allowed by the
  pairing rule.
* Preferred. A pairing in force "may staff" the seat when it is exclusive, or when it is preferred
  and either no exclusive pairing is in force or its sender is under the sender of one of the
  deciding pairings. Among those, the responsible ones have the smallest key and, among them, are
  the exclusive ones if any, else the preferred ones. An eligible pair is preferred when the
  person is under one of the responsible senders.
"""
from __future__ import annotations

import calendar
import datetime as dt

# --------------------------------------------------------------------------- #
# plain rows
# --------------------------------------------------------------------------- #


def _plain(value):
    """A table cell as a plain Python value: None for any missing value, date for timestamps."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    if isinstance(value, dt.datetime):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy scalar -> Python scalar
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def rows(df) -> list[dict]:
    """A DataFrame as a list of dicts of plain values (None where the cell is empty)."""
    out = []
    for record in df.to_dict("records"):
        out.append({str(k): _plain(v) for k, v in record.items()})
    return out


def _tables(wb) -> dict[str, list[dict]]:
    return {name: rows(getattr(wb, name)) for name in ("regions", "units", "pairings", "people", "orders",
                                                         "assignments")}


# --------------------------------------------------------------------------- #
# seats
# --------------------------------------------------------------------------- #


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, the day of month clipped to the month's length."""
    month_index = day.year * 12 + (day.month - 1) + months
    year = month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last_day))


def slots_of_order(order: dict) -> list[tuple[int, dt.date, dt.date]]:
    """The seats (slot, start, end) of one order row."""
    start, end = order["start"], order["end"]
    n = order.get("rotation_months")
    if n is None:
        return [(0, start, end)]
    n = int(n)
    out = []
    k = 0
    while True:
        slot_start = add_months(start, k * n)
        if slot_start > end:
            break
        next_start = add_months(start, (k + 1) * n)
        slot_end = next_start - dt.timedelta(days=1)
        if next_start > end:  # no further slot: this one ends with the order
            slot_end = end
        out.append((k, slot_start, slot_end))
        k += 1
    return out


def reference_slots(wb) -> list[dict]:
    """Every seat of every order: dicts with order, slot, start, end (plus the order row's fields)."""
    out = []
    for order in _tables(wb)["orders"]:
        for k, s, e in slots_of_order(order):
            seat = dict(order)
            seat.update(order=order["id"], slot=k, start=s, end=e)
            out.append(seat)
    return out


# --------------------------------------------------------------------------- #
# the hierarchy
# --------------------------------------------------------------------------- #


def parent_map(regions: list[dict], units: list[dict]) -> dict:
    """Each region's parent and each unit's region (None at the top)."""
    parent = {}
    for r in regions:
        parent[r["id"]] = r.get("parent")
    for u in units:
        parent[u["id"]] = u.get("region")
    return parent


def chain(node, parent: dict) -> list:
    """``node`` followed by everything above it, nearest first."""
    out = []
    while node is not None and node not in out:
        out.append(node)
        node = parent.get(node)
    return out


def is_under(x, y, parent: dict) -> bool:
    """Whether ``x`` is under ``y`` (a node is under itself)."""
    return y in chain(x, parent)


# --------------------------------------------------------------------------- #
# which pairings decide
# --------------------------------------------------------------------------- #


def scope_of(pairing: dict) -> str:
    return pairing.get("scope") or "exclusive"


def in_force(pairing: dict, order: dict, seat_start: dt.date, seat_end: dt.date, parent: dict) -> bool:
    if pairing.get("start") is not None and pairing["start"] > seat_end:
        return False
    if pairing.get("end") is not None and pairing["end"] < seat_start:
        return False
    if pairing["host"] not in chain(order["host_unit"], parent):
        return False
    if pairing.get("sector") is not None and pairing["sector"] != order["sector"]:
        return False
    return True


def specificity(pairing: dict, order: dict, parent: dict) -> tuple[int, int]:
    depth = chain(order["host_unit"], parent).index(pairing["host"])
    return (depth, 0 if pairing.get("sector") is not None else 1)


def seat_decision(order: dict, seat_start, seat_end, pairings: list[dict], parent: dict):
    """(deciding exclusive pairings, responsible pairings) of one seat; either list may be empty."""
    live = [p for p in pairings if in_force(p, order, seat_start, seat_end, parent)]
    exclusive = [p for p in live if scope_of(p) == "exclusive"]
    deciding = []
    if exclusive:
        best = min(specificity(p, order, parent) for p in exclusive)
        deciding = [p for p in exclusive if specificity(p, order, parent) == best]

    may_staff = []
    for p in live:
        if scope_of(p) == "exclusive":
            may_staff.append(p)
        elif not exclusive:
            may_staff.append(p)
        elif any(is_under(p["sender"], d["sender"], parent) for d in deciding):
            may_staff.append(p)
    responsible = []
    if may_staff:
        best = min(specificity(p, order, parent) for p in may_staff)
        top = [p for p in may_staff if specificity(p, order, parent) == best]
        top_exclusive = [p for p in top if scope_of(p) == "exclusive"]
        responsible = top_exclusive if top_exclusive else top
    return deciding, responsible


# --------------------------------------------------------------------------- #
# eligibility
# --------------------------------------------------------------------------- #


def _skill_matches(person: dict, order: dict) -> bool:
    return order.get("skill") is None or person.get("skill") == order["skill"]


def _basic_fit(person: dict, order: dict, seat_start, seat_end) -> bool:
    """Every rule of eligibility except pairings."""
    if person["sector"] != order["sector"]:
        return False
    if not _skill_matches(person, order):
        return False
    level = person.get("level") if person.get("level") is not None else 1
    min_level = order.get("min_level") if order.get("min_level") is not None else 1
    if level < min_level:
        return False
    if (order.get("role") or "member") == "lead" and not person.get("can_lead"):
        return False
    if person["available_from"] > seat_start or person["available_to"] < seat_end:
        return False
    return True


def reference_pairs(wb) -> list[dict]:
    """Every eligible (person, order, slot) as dicts with ``exact_skill`` and ``preferred``."""
    t = _tables(wb)
    parent = parent_map(t["regions"], t["units"])
    out = []
    for order in t["orders"]:
        for k, seat_start, seat_end in slots_of_order(order):
            deciding, responsible = seat_decision(order, seat_start, seat_end, t["pairings"], parent)
            for person in t["people"]:
                if not _basic_fit(person, order, seat_start, seat_end):
                    continue
                if deciding and not any(is_under(person["sending_unit"], p["sender"], parent) for p in deciding):
                    continue
                preferred = any(is_under(person["sending_unit"], p["sender"], parent) for p in responsible)
                out.append({"person": person["id"], "order": order["id"], "slot": k,
                            "start": seat_start, "end": seat_end,
                            "exact_skill": order.get("skill") is not None, "preferred": preferred})
    return out


def reference_eligible(wb) -> set[tuple[str, str, int]]:
    """Every eligible (person, order, slot)."""
    return {(r["person"], r["order"], r["slot"]) for r in reference_pairs(wb)}


def reference_preferred(wb) -> set[tuple[str, str, int]]:
    """The eligible (person, order, slot) whose person is under a responsible sender of the seat."""
    return {(r["person"], r["order"], r["slot"]) for r in reference_pairs(wb) if r["preferred"]}


def reference_responsible(wb) -> dict[tuple[str, int], set[str]]:
    """The responsible senders of every seat ``(order, slot)`` (an empty set when none)."""
    t = _tables(wb)
    parent = parent_map(t["regions"], t["units"])
    out = {}
    for order in t["orders"]:
        for k, s, e in slots_of_order(order):
            _, responsible = seat_decision(order, s, e, t["pairings"], parent)
            out[order["id"], k] = {p["sender"] for p in responsible}
    return out


def reference_blocked(wb) -> dict[tuple[str, str], tuple[int, str]]:
    """``{(host unit, sector): (open seats, deciding senders joined by 、)}`` that pairings block.

    A seat is blocked when its deciding exclusive pairings keep out everyone who passes the other
    rules, and someone does pass them; its open seats are the headcount less the active or planned
    assignments of the order overlapping the seat.
    """
    t = _tables(wb)
    parent = parent_map(t["regions"], t["units"])
    out: dict = {}
    for order in t["orders"]:
        for _, s, e in slots_of_order(order):
            deciding, _ = seat_decision(order, s, e, t["pairings"], parent)
            fits = [p for p in t["people"] if _basic_fit(p, order, s, e)]
            if not deciding or not fits or any(is_under(p["sending_unit"], d["sender"], parent)
                                               for p in fits for d in deciding):
                continue
            held = sum(1 for a in t.get("assignments", []) if a["order"] == order["id"]
                       and a["status"] in ("active", "planned") and a["start"] <= e
                       and (a.get("end") is None or a["end"] >= s))
            if order["headcount"] - held > 0:
                seats, senders = out.get((order["host_unit"], order["sector"]), (0, set()))
                out[order["host_unit"], order["sector"]] = (seats + order["headcount"] - held,
                                                            senders | {d["sender"] for d in deciding})
    return {k: (n, "、".join(sorted(v))) for k, (n, v) in out.items()}


def reference_covered(wb, on: dt.date | None = None) -> set[str]:
    """Host units under the host of some pairing, for any sector, not ended before ``on`` (None: ever)."""
    t = _tables(wb)
    parent = parent_map(t["regions"], t["units"])
    return {u["id"] for u in t["units"] if u["side"] == "host"
            for p in t["pairings"]
            if is_under(u["id"], p["host"], parent) and (on is None or p.get("end") is None or p["end"] >= on)}


# --------------------------------------------------------------------------- #
# the first objective
# --------------------------------------------------------------------------- #


def first_objective_of_pairs(wb, pairs) -> int:
    """Optimal Σ 2^(priority−1) over filled seats, placing only the given (person, order, slot).

    Hard rules: each seat (order, slot) filled at most ``headcount`` times; a person holds at most
    one of any set of stints that overlap in time. For intervals, a set of stints that overlap
    pairwise all share a day, and the maximal such sets each contain some stint's first day, so
    the constraint "at most one stint covering day d" for every stint start d of that person is
    exactly the pairwise rule.
    """
    from ortools.sat.python import cp_model

    t = _tables(wb)
    orders = {o["id"]: o for o in t["orders"]}
    seat_dates = {}
    for o in t["orders"]:
        for k, s, e in slots_of_order(o):
            seat_dates[o["id"], k] = (s, e)

    model = cp_model.CpModel()
    x = {}
    for person, order, slot in sorted(set(pairs)):
        x[person, order, int(slot)] = model.NewBoolVar(f"x[{person},{order},{slot}]")

    for (order, slot) in seat_dates:
        on_seat = [v for (p, o, k), v in x.items() if o == order and k == slot]
        if on_seat:
            model.Add(sum(on_seat) <= int(orders[order]["headcount"]))

    people = sorted({p for (p, _, _) in x})
    for person in people:
        stints = [(seat_dates[o, k], v) for (p, o, k), v in x.items() if p == person]
        for (day, _), _ in stints:
            covering = [v for (s, e), v in stints if s <= day <= e]
            if len(covering) > 1:
                model.Add(sum(covering) <= 1)

    weight = {}
    for o in t["orders"]:
        priority = o.get("priority") if o.get("priority") is not None else 3
        weight[o["id"]] = 2 ** (int(priority) - 1)
    model.Maximize(sum(weight[o] * v for (p, o, k), v in x.items()))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 120.0
    solver.parameters.num_search_workers = 8
    status = solver.Solve(model)
    if status != cp_model.OPTIMAL:
        raise RuntimeError(f"reference model not solved to optimality: {solver.StatusName(status)}")
    return int(round(solver.ObjectiveValue()))


def reference_first_objective(wb) -> int:
    """The first allocation objective from the reference's eligible pairs.

    Only meaningful for programmes with no existing assignments, no teams and every seat starting
    after today (then the library's first objective should equal it).
    """
    return first_objective_of_pairs(wb, reference_eligible(wb))
