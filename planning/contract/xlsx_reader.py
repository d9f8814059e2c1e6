"""Reading an ``.xlsx`` workbook into raw tables: only the cells that hold something, formulas without a stored value and Excel errors marked.

Two readers give the same raw tables: :mod:`.xlsx_fast` (calamine for the values, beside a scan of the
sheets' XML for what calamine does not report) reads every workbook it can prove it reads as this
module's openpyxl reader would, and hands any other workbook back to the openpyxl reader below.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np

from ..core.limits import limits, zip_unpacked_bytes
from .problems import Problem, first_line
from .raw import Raw, too_big
from .xlsx_cells import cell_text, sheet_raw, sheets_to_read, too_many_columns, year_typed_as_day

__all__ = ["cell_text", "read_xlsx", "read_xlsx_openpyxl", "office_container"]


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
