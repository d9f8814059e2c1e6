"""Reading an ``.xlsx`` workbook into raw tables: only the cells that hold something, formulas without a stored value and Excel errors marked.

Two readers give the same raw tables: :mod:`.xlsx_fast` (calamine for the values, beside a scan of the
sheets' XML for what calamine does not report) reads every workbook it can prove it reads as this
module's openpyxl reader would, and hands any other workbook back to the openpyxl reader below.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.limits import limits, zip_unpacked_bytes
from .problems import Problem, first_line
from .raw import Raw, column_letter, match_table, repeated_headers, too_big


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


#: The first bytes of an OLE compound file: Excel's password-protected workbooks and old .xls files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def office_container(path: Path) -> str | None:
    """``"xlsx_encrypted"`` for a password-protected workbook (an OLE file holding an
    ``EncryptionInfo`` stream), ``"old_xls"`` for another OLE file (Excel 97–2003), else None.
    """
    with open(path, "rb") as f:
        if f.read(8) != OLE_MAGIC:
            return None
        data = f.read()
    return "xlsx_encrypted" if "EncryptionInfo".encode("utf-16-le") in data else "old_xls"


def read_xlsx(path: Path, label: str, *, fast: bool = True) -> tuple[list[Raw], list[Problem], list[Problem]]:
    """The sheets of an .xlsx that name contract tables, read cell by cell as stored.

    The zip's declared sizes are checked before anything is inflated. Only cells that hold
    something are visited (a stray value at XFD1 costs one cell, not 16,384 columns); a
    formula whose value Excel never stored, and an Excel error value (``#N/A``), are refused
    by cell. ``fast=False`` reads with openpyxl alone (the reference the fast reader is tested
    against).
    """
    import zipfile

    lim = limits()

    def bad(e):
        return [], [Problem(label, "", None, None, None, "bad_xlsx", (("detail", first_line(e)),))], []

    try:
        size = path.stat().st_size
        if size > lim.file_bytes:
            return [], [too_big(label, size, lim.file_bytes)], []
        kind = office_container(path)
        if kind is not None:  # not a zip: a password-protected workbook, or an old .xls, said as such
            return [], [Problem(label, "", None, None, None, kind)], []
        unpacked = zip_unpacked_bytes(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        return bad(e)
    if unpacked > lim.unpacked_bytes:
        return [], [too_big(label, unpacked, lim.unpacked_bytes, "too_big_unpacked")], []
    if fast:
        from .xlsx_fast import read_xlsx_fast

        done = read_xlsx_fast(path, label, lim)
        if done is not None:
            return done
    return read_xlsx_openpyxl(path, label, lim)


def read_xlsx_openpyxl(path: Path, label: str, lim) -> tuple[list[Raw], list[Problem], list[Problem]]:
    """The sheets of an .xlsx read by openpyxl, cell by cell as stored (sizes already checked by :func:`read_xlsx`)."""
    import warnings

    import openpyxl

    def bad(e):
        return [], [Problem(label, "", None, None, None, "bad_xlsx", (("detail", first_line(e)),))], []

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        return bad(e)
    raws, problems, notes = [], [], []
    try:
        chosen = sheets_to_read([(ws.title, getattr(ws, "sheet_state", "visible"), ws) for ws in book.worksheets],
                                label, problems)
        for table, ws in chosen:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    raw = _read_sheet(ws, table, label, lim, problems, notes)
            except Exception as e:  # a damaged sheet inside a readable zip
                problems.append(Problem(label, table, None, None, None, "bad_xlsx", (("detail", first_line(e)),),
                                        ws.title))
                continue
            if raw is not None:
                raws.append(raw)
    finally:
        book.close()
    if not raws and not problems:
        problems.append(Problem(label, "", None, None, None, "no_tables"))
    return raws, problems, notes


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


def _cell_parser():
    """openpyxl's sheet parser, marking a formula cell that has no stored value (``data_only`` hides them)."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["data_type"] = "formula"
            return cell

    return CellParser


_EXCEL_DAY0 = datetime.datetime(1899, 12, 30)


#: The days Excel shows for the numbers 1950 … 2100: a year typed into a cell formatted as a date.
_YEAR_AS_DAY = (_EXCEL_DAY0 + datetime.timedelta(days=1950), _EXCEL_DAY0 + datetime.timedelta(days=2100))


def _read_sheet(ws, table: str, label: str, lim, problems: list, notes: list) -> Raw | None:
    book = ws.parent
    title = ws.title
    header: dict[int, str] = {}
    cells: dict[int, tuple[list, list]] = {}  # column → (rows, values)
    formulas: list[tuple[int, int]] = []
    errors: list[tuple[int, int, str]] = []
    parser_class = _cell_parser()
    with ws._get_source() as src:
        parser = parser_class(src, ws._shared_strings, data_only=True, epoch=book.epoch,
                              date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for idx, row in parser.parse():
            if idx - 1 > lim.rows:
                problems.append(Problem(label, table, None, None, None, "too_many_rows",
                                        (("limit", f"{lim.rows:,}"), ("n", f"> {lim.rows:,}")), title))
                return None
            for c in row:
                v, kind = c["value"], c["data_type"]
                if kind == "formula":
                    formulas.append((idx, c["column"]))
                    continue
                if v is None or (isinstance(v, str) and not v):
                    continue
                if kind == "e":
                    errors.append((idx, c["column"], str(v)))
                    continue
                if kind == "d" and type(v) is datetime.datetime:
                    year = year_typed_as_day(v)  # a year typed in a date cell (2027 shows as 1905-07-19): the year
                    v = v if year is None else year
                if idx == 1:
                    header[c["column"]] = cell_text(v)
                    continue
                at = cells.get(c["column"])
                if at is None:
                    at = cells[c["column"]] = ([], [])
                at[0].append(idx)
                at[1].append(v)
            if idx == 1 and too_many_columns(header, table, label, title, lim, problems):
                return None
    texts = {k: (np.asarray(at, dtype=np.int64), np.array([cell_text(v) for v in values], dtype=object))
             for k, (at, values) in cells.items()}
    return sheet_raw(table, label, title, header, texts, formulas, errors, problems, notes)


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
