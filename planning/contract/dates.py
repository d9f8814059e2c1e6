"""Dates as offices write them: ISO days, Excel serial numbers, ``2026/4/1``, ``2026年4月1日``, the open end ``9999-12-31``.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..core.clock import EARLIEST, LATEST, OPEN_END



EXCEL_EPOCH = pd.Timestamp("1899-12-30")


#: What a date text turned out to be (see :func:`parse_dates`).
DATE_OK, DATE_BAD, DATE_OUT_OF_RANGE, DATE_YEAR_ONLY, DATE_OPEN = range(5)


#: Columns where ``9999-12-31`` means "no end" (an open end, read as ``core.clock.OPEN_END``).
END_COLUMNS = ("end", "available_to")


_DATE_FORMS = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    r"|^(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2})$")


def parse_dates(s: pd.Series, excel: bool) -> tuple[np.ndarray, np.ndarray]:
    """Day (ns since the epoch, NaT where none) and kind (``DATE_*``) of each text.

    Read: ``2026-02-01``, ``2026/2/1``, ``2026.2.1``, ``2026年2月1日``, ``20260201``, any of
    them followed by a time of day, and in an .xlsx an Excel day number. Days before
    ``core.clock.EARLIEST`` or after ``LATEST`` are out of range; ``9999-12-31`` is an open
    end; a bare year (``2027``) is said to be one.
    """
    nat = np.iinfo(np.int64).min
    # whole days first: pandas gives years beyond 2262 at a coarser resolution, which nanoseconds cannot hold
    days = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").to_numpy().astype("datetime64[D]")
    missing = np.isnat(days)
    kind = np.where(missing & s.ne("").to_numpy(), DATE_BAD, DATE_OK)
    ns = np.full(len(s), nat, dtype=np.int64)
    d = days.astype(np.int64)
    inside = ~missing & (d >= EARLIEST.value // 86_400_000_000_000) & (d <= LATEST.value // 86_400_000_000_000)
    ns[inside] = d[inside] * 86_400_000_000_000
    outside = ~missing & ~inside
    kind[outside] = DATE_OUT_OF_RANGE
    kind[outside & (days == np.datetime64("9999-12-31"))] = DATE_OPEN
    ns[kind == DATE_OPEN] = OPEN_END.value
    retry = kind == DATE_BAD
    if retry.any():
        ns[retry], kind[retry] = _parse_dates_slow(s[retry], excel)
    return ns, kind


def _parse_dates_slow(s: pd.Series, excel: bool) -> tuple[np.ndarray, np.ndarray]:
    nat = np.iinfo(np.int64).min
    text = s.str.strip()
    m = text.str.extract(_DATE_FORMS)
    y = pd.to_numeric(m["y"].fillna(m["cy"]), errors="coerce")
    mo = pd.to_numeric(m["m"].fillna(m["cm"]), errors="coerce")
    d = pd.to_numeric(m["d"].fillna(m["cd"]), errors="coerce")
    kind = np.full(len(s), DATE_BAD)
    ns = np.full(len(s), nat, dtype=np.int64)
    found = y.notna().to_numpy()
    open_end = found & (y == 9999).to_numpy() & (mo == 12).to_numpy() & (d == 31).to_numpy()
    kind[open_end] = DATE_OPEN
    ns[open_end] = OPEN_END.value
    in_years = found & ~open_end & y.between(EARLIEST.year, LATEST.year).to_numpy()
    kind[found & ~open_end & ~in_years] = DATE_OUT_OF_RANGE
    if in_years.any():
        parts = pd.DataFrame({"year": y[in_years], "month": mo[in_years], "day": d[in_years]})
        days = pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]")
        got = days.notna().to_numpy()
        idx = np.flatnonzero(in_years)
        ns[idx[got]] = days.to_numpy().view("i8")[got]
        kind[idx[got]] = DATE_OK
    rest = ~found
    if rest.any():
        number = pd.to_numeric(text.where(rest), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        whole = ~np.isnan(number) & (number == np.floor(number))
        year = whole & (number >= 1000) & (number <= 9999)
        if excel:  # an Excel day number; a bare year (2027) is a day of 1905, said to be a year
            serial = ~np.isnan(number)
            year = whole & (number >= EARLIEST.year) & (number <= LATEST.year)
            lo = (EARLIEST - EXCEL_EPOCH).days
            hi = (LATEST - EXCEL_EPOCH).days
            inside = serial & ~year & (number >= lo) & (number < hi + 1)
            if inside.any():
                days = EXCEL_EPOCH + pd.to_timedelta(np.floor(number[inside]), unit="D")
                ns[inside] = days.to_numpy().astype("datetime64[ns]").view("i8")
                kind[inside] = DATE_OK
            kind[serial & ~year & ~inside] = DATE_OUT_OF_RANGE
        kind[year] = DATE_YEAR_ONLY
    return ns, kind
