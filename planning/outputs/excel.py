"""Formatted Excel files: sheet titles Excel accepts, column widths, frozen headers, bands."""
from __future__ import annotations

import datetime as _dt
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.text import FORMULA_START, append_row, clean_text
from ..programme.coverage import BAND_COLOURS

_CJK = re.compile(r"[\u2e80-\uffff]")


def display_width(values, q: float = 0.95) -> int:
    """Column width for Excel: the ``q``-quantile text length, CJK characters counted double.

    >>> display_width(pd.Series(["疏勒县", "ab"]), q=1.0)
    6
    """
    if len(values) <= 1000:  # short columns (most sheets): plain Python beats pandas' per-call overhead
        lengths = [len(s) + len(_CJK.findall(s)) for s in map(str, values)]
        if not lengths:
            return 0
        return max(lengths) if q >= 1 else int(np.ceil(np.quantile(lengths, q)))
    text = pd.Series(values).astype(str)
    lengths = text.str.len() + text.str.count(r"[\u2e80-\uffff]")
    return int(np.ceil(lengths.quantile(q)))


#: Characters Excel refuses in sheet names.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_title(text, taken=()) -> str:
    """A sheet name Excel accepts, not already in ``taken`` (compared without case).

    Forbidden characters (``[ ] : * ? / \\``) become ``_``, apostrophes at
    either end are dropped, the name is cut to 31 characters, Excel's reserved
    ``History`` gains a ``_``, and a repeat gains `` (2)``, `` (3)`` … within
    the 31 characters.

    >>> sheet_title("Kashgar: schools/hospitals [27]")
    'Kashgar_ schools_hospitals _27_'
    >>> sheet_title("疏勒县第一中学组团", taken=["疏勒县第一中学组团"])
    '疏勒县第一中学组团 (2)'
    >>> name = sheet_title("x" * 40, taken=["x" * 31]); len(name), name[-4:]
    (31, 'x(2)')
    """
    name = _SHEET_FORBIDDEN.sub("_", str(text)).strip().strip("'").strip()[:31].rstrip("'").strip() or "Sheet"
    if name.lower() == "history":
        name += "_"
    used = {str(x).lower() for x in taken}
    base, k = name, 2
    while name.lower() in used:
        suffix = f" ({k})" if len(base) + len(f" ({k})") <= 31 else f"({k})"
        name = base[:31 - len(suffix)] + suffix
        k += 1
    return name


def _header_text(text: str, limit: int = 240) -> str:
    """``text`` as a printed page header: one line, ``&`` escaped, within Excel's 255 characters (with the
    sheet name code added after it).

    >>> _header_text("A & B")
    'A && B'
    >>> len(_header_text("&" * 500)) <= 240, len(_header_text("x" * 500)), _header_text("x" * 500)[-1]
    (True, 240, '…')
    """
    text = " ".join(str(clean_text(text)).split())
    out = text.replace("&", "&&")
    if len(out) <= limit:
        return out
    text = text[:limit - 1]
    while len(text.replace("&", "&&")) > limit - 1:  # each & takes two
        text = text[:-1]
    return text.replace("&", "&&") + "…"


def column_layout(df: pd.DataFrame, percent_columns=()) -> tuple[list[str | None], list[float]]:
    """Each column's number format (``yyyy-mm-dd`` for dates, ``0%`` for ``percent_columns``, else None) and
    width: the 95th-percentile value (every value in tables under 50 rows), at least the header, between 8
    and 48 characters, CJK counted double (:func:`write_excel`'s layout, whichever library writes the file).

    >>> column_layout(pd.DataFrame({"日期": pd.to_datetime(["2026-11-22"]), "share": [0.5]}), ["share"])
    (['yyyy-mm-dd', '0%'], [12, 8])
    """
    percent, formats, widths = set(percent_columns), [], []
    q = 1.0 if len(df) < 50 else 0.95  # short tables: fit every value
    present = df.notna().to_numpy()
    for j, (col, values) in enumerate(df.items()):  # by position: two columns may share a header
        is_date = values.dtype.kind == "M" or pd.api.types.is_datetime64_any_dtype(values) or (
            values.dtype == object and any(hasattr(v, "year") and hasattr(v, "month") and not isinstance(v, str)
                                           for v in values.tolist()))
        formats.append("yyyy-mm-dd" if is_date else "0%" if col in percent else None)
        shown = values.to_numpy()[present[:, j]]
        if col in percent:  # shown as 45%, not as the fraction's digits
            shown = ["100%"]
        elif is_date:  # shown as yyyy-mm-dd, not with the time of day
            shown = ["2026-11-22"]
        wide = max(display_width([str(col)], 1.0), display_width(shown, q))
        widths.append(min(max(8, wide + 2), 48))
    return formats, widths


def write_excel(path, sheets: list[tuple[str, pd.DataFrame]], *, band_column=None,
                band_labels: dict[str, str] | None = None, append: bool = False, landscape: bool = False,
                page_header: str | None = None, title_line: str | None = None,
                percent_columns=(), first: bool = False) -> Path:
    """Write ``(title, table)`` sheets to ``path`` with frozen bold headers, set widths and band colours.

    Columns are as wide as the 95th-percentile value (every value in tables
    under 50 rows), at most 48 characters, CJK counted double. Every sheet
    repeats its header row on each printed page. ``band_labels``
    maps a band code to the label written in ``band_column`` (one column name
    or several); cells of those columns are filled with the band's colour.
    ``append=True`` adds the sheets to the existing ``.xlsx`` at ``path``
    (replacing sheets of the same title) instead of writing a new file.
    ``landscape=True`` prints each sheet landscape on A4, fitted to one page
    wide; ``page_header`` is printed at the top of every page, with the sheet
    name, and page numbers at the foot. ``title_line`` (what the file is, its
    filters, as-of day and data) is written in bold above every sheet's header
    row. Numbers stay numbers: dates are written as dates shown ``yyyy-mm-dd``, and
    the columns named in ``percent_columns`` (fractions, 0.45) are shown as ``45%``.
    ``first=True`` puts the sheets written before the others, in order, and the file
    opens on the first of them (as :func:`sheets_first`, without reading the file again).
    Titles are made safe with :func:`sheet_title` (unique within one call). Every text is
    written as a text cell, never as a formula (a formula-like text keeps Excel's quote
    prefix), without the control characters no file can hold
    (:mod:`planning.core.text`); it reads back unchanged.
    """
    from openpyxl import Workbook as XL
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path) if isinstance(path, (str, Path)) else path  # a path or a binary file object
    titles: list[str] = []
    for title, _ in sheets:
        titles.append(sheet_title(title, titles))
    if append:
        book = load_workbook(path)
        for title in titles:
            for old in [n for n in book.sheetnames if n.lower() == title.lower()]:
                del book[old]
    else:
        book = XL()
        book.remove(book.active)
    fills = {}
    if band_labels:
        fills = {label: PatternFill("solid", fgColor=BAND_COLOURS[code.split("_")[0]].lstrip("#").upper())
                 for code, label in band_labels.items()}
    band_columns = {band_column} if isinstance(band_column, str) else set(band_column or ())
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    head_font, head_align = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)
    for title, (_, df) in zip(titles, sheets):
        ws = book.create_sheet(title)
        top = 1
        if title_line:
            append_row(ws, [title_line], 1)
            ws.cell(row=1, column=1).font = Font(bold=True, size=12)
            top = 2
        append_row(ws, list(df.columns), top)
        for cell in ws[top]:
            cell.font = head_font
            cell.fill = head_fill
            cell.alignment = head_align
        for i, rec in enumerate(df.itertuples(index=False), start=top + 1):  # text as text: never a formula
            append_row(ws, [None if (not isinstance(v, str) and pd.isna(v)) else
                            (v.item() if isinstance(v, np.generic) else v) for v in rec], i)
        formats, widths = column_layout(df, percent_columns)
        for j, fmt in enumerate(formats, start=1):
            if fmt:
                for i in range(top + 1, top + 1 + len(df)):
                    ws.cell(row=i, column=j).number_format = fmt
        ws.freeze_panes = f"A{top + 1}"
        ws.print_title_rows = f"{top}:{top}"
        for j, wide in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = wide
        if title_line and len(df.columns) > 1:  # the title reads across the table, on screen and in print
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(df.columns))
        for j, col in enumerate(df.columns, start=1):
            if fills and col in band_columns and len(df):
                for i, label in enumerate(df[col].to_numpy(), start=top + 1):
                    fill = fills.get(label) if isinstance(label, str) else None
                    if fill is not None:
                        ws.cell(row=i, column=j).fill = fill
        if len(df):
            ws.auto_filter.ref = f"A{top}:{get_column_letter(max(1, len(df.columns)))}{top + len(df)}"
        if landscape:
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.print_options.horizontalCentered = True
        if page_header is not None:
            ws.oddHeader.center.text = _header_text(page_header) + " · &A"
            ws.oddFooter.center.text = "&P / &N"
    if first:
        _put_first(book, titles)
    book.save(path)
    return path


def _put_first(book, titles: list[str]) -> None:
    for i, title in enumerate(titles):
        ws = book[title]
        book.move_sheet(ws, offset=i - book.index(ws))
    book.active = 0
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = ws is book.worksheets[0]


def sheets_first(path, titles: list[str]) -> None:
    """Put the sheets ``titles`` first, in that order, in the ``.xlsx`` at ``path``; the file opens on the first."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    _put_first(book, titles)
    book.save(path)


@contextmanager
def written(path):
    """Write ``path`` whole or not at all: yields a temporary path beside it to write to.

    When the block ends without an error, the temporary file replaces ``path`` (for a
    folder of CSVs, each file it holds replaces the folder's file of that name); on any
    error it is removed and the error raised, so no half-written file is left behind.
    The temporary name keeps ``path``'s suffix (writers choose the format by it). A link is
    followed (its target is written); a file replaced keeps its permissions; a device or pipe
    (``/dev/stdout``) is written directly.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "a.txt"
    >>> with written(out) as tmp:
    ...     _ = tmp.write_text("ok")
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('ok', ['a.txt'])
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not (path.is_file() or path.is_dir()):  # never replace a device or a pipe
        yield path
        return
    tmp = path.with_name(f".{path.stem[:80]}.{uuid.uuid4().hex[:8]}.part{path.suffix}")
    try:
        yield tmp
        if tmp.is_dir():
            path.mkdir(exist_ok=True)
            for f in sorted(tmp.iterdir()):
                os.replace(f, path / f.name)
            tmp.rmdir()
        else:
            if path.is_file():  # the file keeps its permissions (a private 0600 stays private)
                shutil.copymode(path, tmp)
            os.replace(tmp, path)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            try:
                tmp.unlink()
            except OSError:
                pass
        raise


# ---- one pass: a file written whole by xlsxwriter (the packages), with the same cells and looks ---------------------

#: How :func:`planning.contract.save_workbook` (pandas) shows a date-and-time on the data-table sheets.
FRAME_DATETIME = "YYYY-MM-DD HH:MM:SS"


class XlsxBook:
    """An ``.xlsx`` file written in one pass with xlsxwriter: report sheets as :func:`write_excel` lays them out,
    data tables as :func:`planning.contract.save_workbook` writes them, data validations, then :meth:`close`.

    Every text is written as a text cell, never as a formula nor as a link (a formula-like text keeps Excel's
    quote prefix), without the control characters no file can hold; numbers stay numbers and dates dates.
    Sheets appear in the order they are added; the file opens on the first.
    """

    def __init__(self, path):
        import io

        import xlsxwriter

        self.path, self.buffer = path, io.BytesIO()  # assembled in memory: no half-built zip left on disk
        self.xl = xlsxwriter.Workbook(self.buffer, {
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "remove_timezone": True, "in_memory": True})
        self._formats: dict = {}
        self.titles: list[str] = []

    def fmt(self, **props):
        """The book's cell format with ``props`` (xlsxwriter's names), made once; None for no props."""
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.xl.add_format(props)
        return self._formats[key]

    def sheet(self, title: str):
        """A new sheet named ``title`` made safe (:func:`sheet_title`, unique in the book)."""
        name = sheet_title(title, self.titles)
        self.titles.append(name)
        return self.xl.add_worksheet(name)

    def cell(self, ws, r: int, c: int, v, num_format: str | None = None, **style) -> None:
        """Write ``v`` at row ``r``, column ``c`` (from 0): text as text, missing values as nothing."""
        if v is None:
            return
        if type(v) is str and not style:  # most cells: plain text
            v = clean_text(v)
            if v and not v.startswith(FORMULA_START):
                ws.write_string(r, c, v)
                return
        if isinstance(v, str):
            v = clean_text(v)
            if not v:  # an empty text: an empty cell, as openpyxl leaves it
                if style or num_format:
                    ws.write_blank(r, c, None, self.fmt(**style))
                return
            if v.startswith(FORMULA_START):  # text, and stays text when someone edits the cell
                ws.write_string(r, c, v, self.fmt(quote_prefix=True, **style))
            else:
                ws.write_string(r, c, v, self.fmt(**style))
            return
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, (bool, np.bool_)):
            ws.write_boolean(r, c, bool(v), self.fmt(**style))
        elif isinstance(v, (int, float)):
            if isinstance(v, float) and np.isnan(v):
                return  # NaN: an empty cell
            if v in (float("inf"), float("-inf")):
                ws.write_string(r, c, "inf" if v > 0 else "-inf", self.fmt(**style))
            else:
                fmt = self.fmt(num_format=num_format, **style) if num_format else self.fmt(**style)
                ws.write_number(r, c, v, fmt)
        elif isinstance(v, (_dt.datetime, _dt.date)):
            if v is pd.NaT or (isinstance(v, pd.Timestamp) and pd.isna(v)):
                return
            if isinstance(v, pd.Timestamp):
                v = v.to_pydatetime()
            default = "yyyy-mm-dd hh:mm:ss" if isinstance(v, _dt.datetime) else "yyyy-mm-dd"
            ws.write_datetime(r, c, v, self.fmt(num_format=num_format or default, **style))
        elif v is pd.NaT or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
            return
        else:
            self.cell(ws, r, c, str(v), num_format, **style)

    def report_sheets(self, sheets: list[tuple[str, pd.DataFrame]], *, title_line: str | None = None,
                      landscape: bool = False, page_header: str | None = None, percent_columns=()) -> list[str]:
        """Add ``(title, table)`` sheets laid out as :func:`write_excel` lays them out (bold title line across the
        table, frozen bold header row repeated on printed pages, widths, dates and percentages, a filter,
        landscape A4 one page wide, the page header and page numbers); returns the sheet names."""
        names = []
        for title, df in sheets:
            ws = self.sheet(title)
            names.append(ws.name)
            top = 0
            ncol = len(df.columns)
            if title_line:
                style = {"bold": True, "font_size": 12}
                if ncol > 1:  # the title reads across the table, on screen and in print
                    ws.merge_range(0, 0, 0, ncol - 1, "", self.fmt(**style))
                self.cell(ws, 0, 0, title_line, **style)
                top = 1
            head = {"bold": True, "bg_color": "#DCE6F1", "align": "center", "valign": "vcenter", "text_wrap": True}
            for j, h in enumerate(df.columns):
                self.cell(ws, top, j, h, **head)
            formats, widths = column_layout(df, percent_columns)
            cols = [values.tolist() for _, values in df.items()]  # by position, as column_layout reads them
            for j, (values, f) in enumerate(zip(cols, formats)):
                for i, v in enumerate(values, start=top + 1):
                    self.cell(ws, i, j, v, f)
            ws.freeze_panes(top + 1, 0)
            ws.repeat_rows(top)
            for j, wide in enumerate(widths):
                ws.set_column(j, j, wide)
            if len(df):
                ws.autofilter(top, 0, top + len(df), max(1, ncol) - 1)
            if landscape:
                ws.set_landscape()
                ws.set_paper(9)  # A4
                ws.fit_to_pages(1, 0)
                ws.center_horizontally()
            if page_header is not None:
                ws.set_header("&C" + _header_text(page_header) + " · &A")
                ws.set_footer("&C&P / &N")
        return names

    def table_sheet(self, name: str, header: list, columns: list[list]) -> None:
        """Add a data table as :func:`planning.contract.save_workbook` writes it (a plain header row, dates as
        dates shown with the time of day, texts as text) under the sheet name ``name``, from
        :func:`planning.contract.writers.template_columns`."""
        ws = self.sheet(name)
        for j, h in enumerate(header):
            self.cell(ws, 0, j, str(h))
        for j, values in enumerate(columns):
            for i, v in enumerate(values, start=1):
                self.cell(ws, i, j, v, FRAME_DATETIME if isinstance(v, _dt.datetime) else None)

    def validate(self, ws, ref: str, dv) -> None:
        """Add the openpyxl ``DataValidation`` ``dv`` (what the template makes) to ``ws`` over ``ref``
        (``A2:A5000``), with its type, bounds or list, prompt and error message."""
        kinds = {None: "any", "list": "list", "whole": "integer", "decimal": "decimal", "date": "date",
                 "textLength": "length", "time": "time", "custom": "custom"}
        ops = {"between": "between", "notBetween": "not between", "equal": "==", "notEqual": "!=",
               "greaterThan": ">", "lessThan": "<", "greaterThanOrEqual": ">=", "lessThanOrEqual": "<=", None: "between"}
        kind = kinds[dv.type]
        opt = {"validate": kind, "ignore_blank": bool(dv.allow_blank), "show_input": bool(dv.showInputMessage),
               "show_error": bool(dv.showErrorMessage)}
        if kind == "list":
            opt["source"] = dv.formula1
        elif kind == "custom":
            opt["value"] = dv.formula1
        elif kind != "any":
            opt["criteria"] = ops[dv.operator]
            if opt["criteria"] in ("between", "not between"):
                opt["minimum"], opt["maximum"] = dv.formula1, dv.formula2
            else:
                opt["value"] = dv.formula1
        for mine, theirs in (("input_title", "promptTitle"), ("input_message", "prompt"),
                             ("error_title", "errorTitle"), ("error_message", "error")):
            v = getattr(dv, theirs)
            if v:
                opt[mine] = v
        if dv.errorStyle and dv.errorStyle != "stop":
            opt["error_type"] = {"warning": "warning", "information": "information"}[dv.errorStyle]
        if ws.data_validation(ref, opt) != 0:
            raise ValueError(f"data validation refused: {ref} {opt}")

    def close(self) -> None:
        """Write the file: the workbook is assembled in memory, then written at once (:meth:`write_file`)."""
        self.xl.close()
        self.write_file(self.buffer.getvalue())

    def write_file(self, data: bytes) -> None:
        """Write ``data`` to the book's path. A file that cannot be written raises the ``OSError`` saying why
        (a full disk, a folder without write permission), as every other writer does."""
        if hasattr(self.path, "write"):
            self.path.write(data)
            return
        with open(self.path, "wb") as f:
            f.write(data)
