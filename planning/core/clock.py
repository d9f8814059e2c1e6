"""The day figures are taken on.

Examples
--------
>>> import os
>>> from planning.core.clock import today
>>> os.environ["PLANNING_TODAY"] = "2026-11-22"
>>> str(today().date())
'2026-11-22'
"""
from __future__ import annotations

import os
import re

import pandas as pd


#: The earliest and latest day a workbook's dates may name; anything outside is a typing slip
#: (1600-01-01, a bare year read as a serial day number) and is refused with a sentence.
EARLIEST = pd.Timestamp("1950-01-01")
LATEST = pd.Timestamp("2100-12-31")
#: An open end ("no end date", written ``9999-12-31`` as offices do) is read as this day, the last day the
#: tool plans for, so that every interval stays finite; files the tool writes for loading back say ``9999-12-31``.
OPEN_END = LATEST
#: How an open end is written in a file.
OPEN_END_TEXT = "9999-12-31"


def today() -> pd.Timestamp:
    """The day figures are taken on (``PLANNING_TODAY`` overrides the clock)."""
    d = os.environ.get("PLANNING_TODAY")
    return pd.Timestamp(d) if d else pd.Timestamp.today().normalize()


def report_window(start=None, end=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a report: ``start`` (default today) to ``end``.

    ``end`` defaults to the last day of the twelfth month from ``start``; a
    ``YYYY-MM`` end means that month's last day.

    >>> [d.date().isoformat() for d in report_window("2026-11-22", "2027-06")]
    ['2026-11-22', '2027-06-30']
    >>> [d.date().isoformat() for d in report_window("2026-11-22")]
    ['2026-11-22', '2027-10-31']
    """
    on = today() if start is None else pd.Timestamp(start).normalize()
    if end is None:
        last = on.to_period("M").to_timestamp() + pd.DateOffset(months=12) - pd.Timedelta(days=1)
    elif isinstance(end, str) and re.fullmatch(r"\s*\d{4}-\d{1,2}\s*", end):
        last = pd.Period(end.strip(), freq="M").end_time.normalize()
    else:
        last = pd.Timestamp(end).normalize()
    if last < on:
        raise ValueError(f"the report ends ({last.date()}) before it starts ({on.date()})")
    return on, last
