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

from .facts import derived
from .periods import ends
from .vocabulary import Status

#: Assignment statuses that count as supply (design §4): active and planned; done does not.
LIVE = (Status.ACTIVE, Status.PLANNED)


def is_live(assignments: pd.DataFrame) -> pd.Series:
    """Boolean mask of the assignments that count as supply."""
    return assignments["status"].isin(LIVE)


@derived("assignments")
def live_assignments(wb, start=None, end=None, *, on=None) -> pd.DataFrame:
    """Active and planned assignments in force on some day from ``start`` to ``end`` (dates inclusive).

    ``start`` and ``end`` may be None (open); ``on`` is ``start = end = on``:
    the ones open on that day. With none of them: every live assignment. A missing end is an
    open one (:func:`planning.core.periods.ends`).
    """
    a = wb.assignments
    keep = is_live(a)
    if on is not None:
        start = end = on
    if start is not None:
        keep &= ends(a["end"]) >= pd.Timestamp(start)
    if end is not None:
        keep &= a["start"] <= pd.Timestamp(end)
    return a[keep]
