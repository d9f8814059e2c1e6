"""A deliberately plain reference for a programme's standing on a day (DESIGN.md §4).

Loops over dict rows, written from the definitions, not from ``planning.programme.standing``:

* checkpoints: the as-of day, then the first day of each of the next ``horizon`` months;
* demand of a host unit × sector on a day: headcounts of the order seats (one per rotation slot)
  open on that day, dates inclusive;
* supply: assignments (any status) whose dates cover the day, on orders of that unit and sector;
* filled = min(demand, supply); gap = demand − filled; surplus = supply − filled; totals are sums;
* leaving at a checkpoint: assignments covering the previous checkpoint and not this one;
  arriving: covering this one and not the previous.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pairings"))
from pairing_reference import rows, slots_of_order  # noqa: E402, F401


def plain_checkpoints(day: dt.date, horizon: int) -> list[dt.date]:
    out = [day]
    y, m = day.year, day.month
    for _ in range(horizon):
        m += 1
        if m == 13:
            y, m = y + 1, 1
        out.append(dt.date(y, m, 1))
    return out


def reference_standing(wb, day: dt.date, horizon: int) -> dict:
    """``{"points": [dict per checkpoint], "cells": {(unit, sector, day): (demand, supply)}}``."""
    tables = {"orders": rows(wb.orders), "assignments": rows(wb.assignments)}
    orders = {o["id"]: o for o in tables["orders"]}
    points = plain_checkpoints(day, horizon)
    cells: dict = {}
    for o in orders.values():
        for _, s, e in slots_of_order(o):
            for p in points:
                if s <= p <= e:
                    key = (o["host_unit"], o["sector"], p)
                    d, sup = cells.get(key, (0, 0))
                    cells[key] = (d + int(o["headcount"]), sup)
    for a in tables["assignments"]:
        o = orders[a["order"]]
        for p in points:
            if a["start"] <= p <= a["end"]:
                key = (o["host_unit"], o["sector"], p)
                d, sup = cells.get(key, (0, 0))
                cells[key] = (d, sup + 1)
    out = []
    for i, p in enumerate(points):
        row = {"day": p, "demand": 0, "supply": 0, "filled": 0, "gap": 0, "surplus": 0, "leaving": 0, "arriving": 0}
        for (u, s, q), (d, sup) in cells.items():
            if q == p:
                f = min(d, sup)
                row["demand"] += d
                row["supply"] += sup
                row["filled"] += f
                row["gap"] += d - f
                row["surplus"] += sup - f
        if i > 0:
            prev = points[i - 1]
            for a in tables["assignments"]:
                was = a["start"] <= prev <= a["end"]
                now = a["start"] <= p <= a["end"]
                row["leaving"] += was and not now
                row["arriving"] += now and not was
        out.append(row)
    return {"points": out, "cells": cells}
