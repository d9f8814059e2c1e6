"""Open ends: a period with no end date runs until :data:`planning.core.clock.OPEN_END`.

The loader reads an open end (``9999-12-31``) as ``OPEN_END``, the last day the tool
plans for, so that every interval stays finite. A workbook made in memory (edited,
computed, a what-if) may still hold a missing end (``NaT``) in ``orders.end``,
``assignments.end``, ``people.available_to`` or ``mentorships.end``: it means the
same open end. Computations over periods read such ends through :func:`ends` (a
column) or :func:`closed_ends` (a whole workbook), never comparing with ``NaT``,
which is never on or after any day. Pairings keep their missing ends: the rule for
pairings in force (:mod:`planning.core.pairings`) reads them as open already.

Examples
--------
>>> import pandas as pd
>>> from planning.core.periods import ends
>>> ends(pd.Series(pd.to_datetime(["2027-01-31", None]))).dt.strftime("%Y-%m-%d").tolist()
['2027-01-31', '2100-12-31']
"""
from __future__ import annotations

import pandas as pd

from .clock import OPEN_END

#: The end column of each table whose missing end is an open one (pairings excepted, see above).
END_COLUMNS = {"orders": "end", "assignments": "end", "people": "available_to", "mentorships": "end"}


def ends(values) -> pd.Series:
    """End dates with a missing end read as :data:`OPEN_END` (``datetime64[ns]``, the index kept)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    s = pd.to_datetime(s).astype("datetime64[ns]")
    return s.fillna(OPEN_END) if s.hasnans else s


def closed_ends(wb):
    """``wb`` itself when no end is missing, else a copy whose missing ends are :data:`OPEN_END`.

    Only the tables with a missing end are copied; the others are shared.
    """
    changed = {}
    for table, col in END_COLUMNS.items():
        df = getattr(wb, table)
        if col in df.columns and len(df) and df[col].isna().any():
            changed[table] = df.assign(**{col: ends(df[col])})
    if not changed:
        return wb
    out = type(wb)(**{**wb.tables(), **changed}, source=wb.source)
    out.notes = list(getattr(wb, "notes", []))
    return out
