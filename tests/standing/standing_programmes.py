"""Whole programmes with postings on them: the pairing programmes plus assignments.

Each person holds at most one assignment at a time (DESIGN §4); assignments lie inside their
order's dates and are active, planned or done; several people may share an order, and an order
may be over- or under-staffed (surplus and gaps both occur). Rotation slots, shared pairings and
nested host trees come from ``pairing_programmes``.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pairings"))
from pairing_programmes import programme_rows, to_csv  # noqa: E402

COLUMNS = ["person", "order", "start", "end", "status"]


@st.composite
def staffed_programme_rows(draw, max_people: int = 14, max_orders: int = 8):
    rows = draw(programme_rows(max_people, max_orders))
    orders = rows["orders"]
    assignments = []
    for p in rows["people"]:
        free_from = dt.date(2026, 1, 1)
        for _ in range(draw(st.integers(0, 2))):
            o = draw(st.sampled_from(orders))
            lo = max(o["start"], free_from)
            if lo > o["end"]:
                break
            start = draw(st.dates(lo, o["end"]))
            end = draw(st.dates(start, o["end"]))
            assignments.append({"person": p["id"], "order": o["id"], "start": start, "end": end,
                                "status": draw(st.sampled_from(["active", "planned", "done"]))})
            free_from = end + dt.timedelta(days=1)
    rows["assignments"] = assignments
    return rows


def staffed_programmes(max_people: int = 14, max_orders: int = 8):
    """``{table: csv text}`` with an assignments table."""
    def csv_of(rows):
        out = to_csv({k: v for k, v in rows.items() if k != "assignments"})
        lines = [",".join(COLUMNS)] + [",".join(str(a[c]) for c in COLUMNS) for a in rows["assignments"]]
        out["assignments"] = "\n".join(lines) + "\n"
        return out
    return staffed_programme_rows(max_people, max_orders).map(csv_of)


def as_of_days():
    """As-of days in and around the programmes' years, month starts and ends among them."""
    return st.one_of(st.dates(dt.date(2026, 10, 1), dt.date(2030, 1, 31)),
                     st.sampled_from([dt.date(2027, 1, 1), dt.date(2027, 12, 31), dt.date(2028, 2, 29)]))
