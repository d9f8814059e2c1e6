"""Live assignments: the ones that count as supply (active and planned).

Examples
--------
>>> import planning
>>> from planning.core.live import live_assignments
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> set(live_assignments(wb)["status"]) <= set(LIVE)
True
"""
from __future__ import annotations

import pandas as pd

#: Assignment statuses that count as supply (design §4): active and planned; done does not.
LIVE = ("active", "planned")


def is_live(assignments: pd.DataFrame) -> pd.Series:
    """Boolean mask of the assignments that count as supply."""
    return assignments["status"].isin(LIVE)


def live_assignments(wb, on=None) -> pd.DataFrame:
    """Active and planned assignments; with ``on``, only those open on that day (dates inclusive)."""
    a = wb.assignments
    keep = is_live(a)
    if on is not None:
        on = pd.Timestamp(on)
        keep &= (a["start"] <= on) & (a["end"] >= on)
    return a[keep]
