"""The cells of an .xlsx sheet as text, and the raw table made of them: what both .xlsx readers share.

:mod:`.xlsx_reader` (openpyxl) and :mod:`.xlsx_fast` (calamine beside a scan of the XML) each find a
sheet's header, its non-empty cells, its formulas without a value and its errors; :func:`sheet_raw`
turns them into one :class:`.raw.Raw` with the same problems and notes.
"""
from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from .problems import Problem
from .raw import Raw, column_letter, match_table, repeated_headers

def cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (datetime.datetime, datetime.date)):  # any year, without pandas' 1677–2262 bounds
        day = f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
        if isinstance(v, datetime.datetime) and (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0):
            return f"{day}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
        return day
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(v)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    return str(v)


def sheets_to_read(sheets: list[tuple[str, str, object]], label: str, problems: list) -> list[tuple[str, object]]:
    """(table, sheet) of each contract table named by exactly one visible sheet, in workbook order.

    ``sheets`` holds (title, state, sheet) in workbook order; two sheets naming one table and a
    hidden sheet naming a table are added to ``problems``.
    """
    by_table: dict[str, list] = {}
    for title, state, sheet in sheets:
        table = match_table(title)
        if table is not None:
            by_table.setdefault(table, []).append((title, state, sheet))
    chosen = []
    for table, found in by_table.items():
        if len(found) > 1:
            problems.append(Problem(label, table, None, None, None, "two_sheets",
                                    (("names", "|".join(f[0] for f in found)), ("table", table))))
            continue
        title, state, sheet = found[0]
        if state != "visible":
            problems.append(Problem(label, table, None, None, None, "hidden_sheet", (("table", table),), title))
            continue
        chosen.append((table, sheet))
    return chosen


_EXCEL_DAY0 = datetime.datetime(1899, 12, 30)


#: The days Excel shows for the numbers 1950 … 2100: a year typed into a cell formatted as a date.
_YEAR_AS_DAY = (_EXCEL_DAY0 + datetime.timedelta(days=1950), _EXCEL_DAY0 + datetime.timedelta(days=2100))


def too_many_columns(header: dict[int, str], table: str, label: str, title: str, lim, problems: list) -> bool:
    """Whether the first row names more columns than the limits allow (then said in ``problems``)."""
    if len([h for h in header.values() if h.strip()]) > lim.columns:
        problems.append(Problem(label, table, None, None, None, "too_many_columns",
                                (("limit", lim.columns), ("n", len(header))), title))
        return True
    return False


def year_typed_as_day(v: datetime.datetime) -> int | None:
    """The year a planner typed into a cell formatted as a date (2027 shows as 1905-07-19), or None."""
    if _YEAR_AS_DAY[0] <= v <= _YEAR_AS_DAY[1]:
        return (v - _EXCEL_DAY0).days
    return None


def sheet_raw(table: str, label: str, title: str, header: dict[int, str], cells: dict[int, tuple],
              formulas: list[tuple[int, int]], errors: list[tuple[int, int, str]], problems: list,
              notes: list, plain: bool = False) -> Raw | None:
    """The raw table of one sheet from its cells, whichever reader found them.

    ``header`` maps each column (1-based) to the text of its first-row cell; ``cells`` maps each
    column to (file rows, texts) of its non-empty cells below the first row, rows ascending;
    ``formulas`` and ``errors`` are the (row, column[, value]) of formulas without a stored value
    and of Excel errors, in reading order. Problems and notes are appended; None when the sheet
    is refused whole (a title row above the header). ``plain``: proven that no cell starts or ends
    with white space, nor holds a control character (see :class:`.raw.Raw`).
    """
    named = {k: h for k, h in sorted(header.items()) if h.strip()}
    from .columns import HEADER_SEARCH_ROWS, header_found_below

    first_rows: dict[int, list] = {}
    for at, values in cells.values():
        for r, v in zip(at[:HEADER_SEARCH_ROWS].tolist(), values[:HEADER_SEARCH_ROWS]):
            if r <= HEADER_SEARCH_ROWS + 1:
                first_rows.setdefault(r, []).append(v)
    below = header_found_below(table, list(named.values()), first_rows)
    if below is not None:  # a title row above the header: one sentence, not one per cell below
        problems.append(Problem(label, table, None, None, None, "header_below_title", (("row", below),), title))
        return None
    problems += repeated_headers(list(named.values()), label, table, title)
    for k in sorted(set(cells) - set(named)):
        notes.append(Problem(label, table, None, None, None, "no_header",
                             (("letter", column_letter(k - 1)), ("n", len(cells[k][0]))), title))

    def column_name(k):
        return named.get(k) or column_letter(k - 1)

    for r, k in formulas:
        problems.append(Problem(label, table, r, column_name(k), None, "formula_no_value",
                                (("cell", f"{column_letter(k - 1)}{r}"),), title))
    for r, k, v in errors:
        problems.append(Problem(label, table, r, column_name(k), v, "error_value",
                                (("cell", f"{column_letter(k - 1)}{r}"),), title))
    present = [cells[k][0] for k in named if k in cells]
    rows = np.unique(np.concatenate(present)) if present else np.zeros(0, dtype=np.int64)
    seen = set()
    data = {}
    for k, h in named.items():
        if h in seen:
            continue  # a repeated header: reported above
        seen.add(h)
        out = np.full(len(rows), "", dtype=object)
        if k in cells:
            at, values = cells[k]
            out[np.searchsorted(rows, at)] = values
        data[h] = out
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    return Raw(table, label, frame, excel=True, sheet=str(title), rows=rows, plain=plain)
