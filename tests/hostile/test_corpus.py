"""Hostile and odd inputs at the workbook boundary, one case per test id, grouped by kind.

Every input is built into ``tmp_path`` at test time (see ``cases.py``). A case either
loads and its values are checked, or is refused with :class:`planning.WorkbookError`
whose problems name the file, and for a cell the sheet, the row and the column. No case
may end in any other exception: a traceback is a failure.

Groups: ``formula`` (spreadsheet formula injection), ``dates``, ``chars`` (characters and
encodings), ``structure`` (ambiguous or broken files and folders), ``size`` (zip bombs and
oversized inputs), ``store`` (the scenario store refusing what breaks the contract) and
``cli`` (the command line on odd workbooks: exit codes, no tracebacks, nothing written
when refused).
"""
from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import planning
from planning.contract import schema

from . import cases as C

FEB1 = pd.Timestamp("2026-02-01")
PROJECT = Path(planning.__file__).resolve().parent.parent


# --------------------------------------------------------------------------- #
# expectations
# --------------------------------------------------------------------------- #
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _sentences_ok(err: planning.WorkbookError) -> None:
    """Every problem reads as a sentence in both languages, with no template left unfilled."""
    assert err.problems, "a WorkbookError with no problems"
    for p in err.problems[:2000]:
        for lang in ("zh", "en"):
            s = p.sentence(lang)
            assert isinstance(s, str) and s.strip(), (lang, p)
            assert not _PLACEHOLDER.search(s.replace(str(p.value or ""), "")), s


def _show(err, n: int = 12) -> str:
    lines = [p.sentence("zh") for p in err.problems[:n]]
    more = f"\n… (+{len(err.problems) - n})" if len(err.problems) > n else ""
    return "\n".join(lines) + more


def label(table: str | None, column: str) -> str:
    """A column as a Chinese sentence names it: the contract's Chinese label, or the header as written."""
    if table and column in schema.columns(table).index:
        return schema.header(table, column, "zh")
    return column


def assert_names(err, file: str, sheet: str | None = None, row: int | None = None, column: str | None = None,
                 table: str | None = None, also=(), others=()):
    """One problem names all that is given: the file (its ``source`` and sentence), the sheet, the row
    (``第 5 行``) and the column (``“姓名”列``); ``also``: further texts its sentence holds; ``others``:
    file names its ``source`` may be instead of ``file``."""
    want = [file, *also]
    if sheet:
        want.append(f"工作表“{sheet}”")
    if row is not None:
        want.append(f"第 {row} 行")
    if column:
        want.append(f"“{label(table, column)}”列")
    for p in err.problems:
        zh = p.sentence("zh")
        if Path(str(p.source)).name not in (file, *others) and str(p.source) not in (file, *others):
            continue
        if all(w in zh for w in want):
            en = p.sentence("en")
            assert isinstance(en, str) and file in en, en
            if row is not None:
                assert f"row {row}" in en, en
            return p
    pytest.fail(f"no problem names {want}; the problems are:\n{_show(err)}")


def loads(path) -> planning.Workbook:
    try:
        return planning.load_workbook(path)
    except planning.WorkbookError as e:
        pytest.fail(f"refused, expected to load:\n{_show(e)}")


def refused(path) -> planning.WorkbookError:
    try:
        planning.load_workbook(path)
    except planning.WorkbookError as e:
        _sentences_ok(e)
        return e
    pytest.fail("loaded, expected a WorkbookError")


def loads_or_refused(path):
    """Either outcome may be right; the caller checks which. Anything else raised is a failure."""
    try:
        return planning.load_workbook(path), None
    except planning.WorkbookError as e:
        _sentences_ok(e)
        return None, e


def person(wb, ident):
    return wb.people.set_index("id").loc[ident]


def is_open(value) -> bool:
    """An open end as the loaded tables hold it: the last day the tool plans for (``core.clock.OPEN_END``)."""
    from planning.core.clock import OPEN_END

    return value == OPEN_END


def assert_open(value, also=None):
    """``value`` is an open end (or ``also``, when given: an assignment's open end may be its order's)."""
    if also is not None and value == also:
        return
    assert is_open(value), f"9999-12-31 loaded as {value}, not as an open end"


class Ctx:
    """What a case gets: a scratch folder, the captured output, the environment patcher."""

    def __init__(self, tmp_path, capsys, monkeypatch):
        self.tmp = tmp_path
        self.capsys = capsys
        self.monkeypatch = monkeypatch


GROUPS: dict[str, list] = {g: [] for g in ("formula", "dates", "chars", "structure", "size", "store", "cli")}


def case(group: str, name: str, *, slow: bool = False):
    def register(fn):
        marks = [pytest.mark.slow] if slow else []
        GROUPS[group].append(pytest.param(fn, id=name, marks=marks))
        return fn

    return register


def run(fn, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLANNING_LANG", "zh")
    fn(Ctx(tmp_path, capsys, monkeypatch))


# --------------------------------------------------------------------------- #
# 1. formula injection: valid text, loaded as written (trimmed)
# --------------------------------------------------------------------------- #
INJECTIONS = {
    "hyperlink": '=HYPERLINK("http://evil","x")',
    "dde": "=cmd|' /C calc'!A0",
    "plus": "+1+1",
    "minus": "-2+3",
    "at": "@SUM(1)",
    "leading-tab": "\t=1+2",
    "leading-cr": "\r=1+2",
}


def _csv_person_name(text):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        C.set_cells(folder, "people", C.FREE_PERSON_ROW, name=text)
        wb = loads(folder)
        assert person(wb, C.FREE_PERSON_ID)["name"] == text.strip()
    return fn


for _k, _v in INJECTIONS.items():
    case("formula", f"csv-people-name-{_k}")(_csv_person_name(_v))


def _csv_unit_name(text):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        C.set_cells(folder, "units", 2, name=text)
        wb = loads(folder)
        assert wb.units.set_index("id").loc["SD-JYT", "name"] == text.strip()
    return fn


for _k in ("hyperlink", "dde", "at"):
    case("formula", f"csv-units-name-{_k}")(_csv_unit_name(INJECTIONS[_k]))


def _csv_person_id(text):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        C.add_like(folder, "people", C.FREE_PERSON_ROW, id=text)
        wb = loads(folder)
        assert text.strip() in set(wb.people["id"])
        assert person(wb, text.strip())["name"] == C.cell_of(folder, "people", C.FREE_PERSON_ROW, "name")
    return fn


for _k in ("hyperlink", "plus", "minus", "at"):
    case("formula", f"csv-people-id-{_k}")(_csv_person_id(INJECTIONS[_k]))


@case("formula", "csv-units-id-dde-referenced-by-an-order")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    text = INJECTIONS["dde"]
    header, rows = C.read_table(folder, "orders")
    host = rows[0][header.index("host_unit")]
    _, units = C.read_table(folder, "units")
    like = next(i for i, r in enumerate(units) if r[0] == host) + 2
    C.add_like(folder, "units", like, id=text, name="恶意单位")
    C.set_cells(folder, "orders", 2, host_unit=text)
    C.set_cells(folder, "assignments", 2, status="planned")
    wb = loads(folder)
    assert wb.orders.set_index("id").loc["O-SCH01-L", "host_unit"] == text


@case("formula", "csv-tool-escape-quote-removed")
def _(ctx):
    # the tool writes formula-like text behind one quote; the loader takes it off again
    folder = C.sample_folder(ctx.tmp)
    C.set_cells(folder, "people", C.FREE_PERSON_ROW, name="'=1+2")
    assert person(loads(folder), C.FREE_PERSON_ID)["name"] == "=1+2"


@case("formula", "csv-tool-escape-doubled-quote")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.set_cells(folder, "people", C.FREE_PERSON_ROW, name="''张三")
    assert person(loads(folder), C.FREE_PERSON_ID)["name"] == "'张三"


@case("formula", "csv-lone-quote-before-text-kept")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.set_cells(folder, "people", C.FREE_PERSON_ROW, name="'张三")
    assert person(loads(folder), C.FREE_PERSON_ID)["name"] == "'张三"


def _xlsx_person_name(text, headers="en"):
    def fn(ctx):
        path = C.sample_xlsx(ctx.tmp, headers=headers)
        sheet = "people" if headers == "en" else schema.template_sheet("people")
        col = "name" if headers == "en" else schema.template_header("people", "name")
        C.edit_xlsx(path, lambda b: C.put_text(b[sheet], C.XLSX_FREE_ROW, col, text))
        wb = loads(path)
        assert person(wb, C.FREE_PERSON_ID)["name"] == text.strip()
    return fn


for _k in ("hyperlink", "dde", "plus", "minus", "at", "leading-tab"):
    case("formula", f"xlsx-people-name-{_k}")(_xlsx_person_name(INJECTIONS[_k]))
case("formula", "xlsx-zh-headers-people-name-hyperlink")(_xlsx_person_name(INJECTIONS["hyperlink"], "zh"))


@case("formula", "xlsx-units-name-plus")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)
    C.edit_xlsx(path, lambda b: C.put_text(b["units"], 2, "name", "+1+1"))
    assert loads(path).units.set_index("id").loc["SD-JYT", "name"] == "+1+1"


@case("formula", "xlsx-people-id-minus")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)
    C.edit_xlsx(path, lambda b: C.append_like(b["people"], C.XLSX_FREE_ROW, id="-2+3"))
    assert "-2+3" in set(loads(path).people["id"])


FIRST_FORMULA_ROW = 12  # people sheet rows 12… get formula-like names
FORMULA_NAMES = ['=HYPERLINK("http://evil","x")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "'=1+2"]


def _formula_workbook():
    wb = C.small_workbook()
    for i, text in enumerate(FORMULA_NAMES):
        wb.people.loc[wb.people.index[FIRST_FORMULA_ROW - 2 + i], "name"] = text
    wb.units.loc[wb.units.index[0], "name"] = FORMULA_NAMES[0]
    return wb


def _same_names(back, wb):
    assert back.people["name"].tolist() == wb.people["name"].tolist()
    assert back.units["name"].tolist() == wb.units["name"].tolist()


@case("formula", "save-xlsx-roundtrip-formula-like-names")
def _(ctx):
    wb = _formula_workbook()
    path = planning.save_workbook(wb, ctx.tmp / "out.xlsx")
    _same_names(loads(path), wb)


@case("formula", "save-xlsx-writes-text-cells-not-formulas")
def _(ctx):
    import openpyxl

    path = planning.save_workbook(_formula_workbook(), ctx.tmp / "out.xlsx")
    ws = openpyxl.load_workbook(path)["people"]
    col = C.column_index(ws, "name")
    kinds = {ws.cell(row=r, column=col).data_type
             for r in range(FIRST_FORMULA_ROW, FIRST_FORMULA_ROW + len(FORMULA_NAMES))}
    assert kinds == {"s"}, kinds


@case("formula", "save-csv-roundtrip-formula-like-names")
def _(ctx):
    wb = _formula_workbook()
    folder = planning.save_workbook(wb, ctx.tmp / "out")
    _same_names(loads(folder), wb)


@case("formula", "save-csv-no-cell-starts-like-a-formula")
def _(ctx):
    folder = planning.save_workbook(_formula_workbook(), ctx.tmp / "out")
    header, rows = C.read_table(folder, "people")
    names = [r[header.index("name")] for r in rows]
    assert not [n for n in names if n[:1] in ("=", "+", "-", "@", "\t", "\r")]


# --------------------------------------------------------------------------- #
# 2. dates
# --------------------------------------------------------------------------- #
def _csv_open_end(table, row, column, key):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        C.set_cells(folder, table, row, **{column: "9999-12-31"})
        wb = loads(folder)
        df = getattr(wb, table)
        value = df.iloc[row - 2][column]
        if table == "assignments":  # an open assignment end is its order's end, as an empty one is
            assert_open(value, also=wb.orders.set_index("id").loc[df.iloc[row - 2]["order"], "end"])
        else:
            assert_open(value)
        assert df.iloc[row - 2][key[0]] == key[1]
    return fn


case("dates", "csv-people-available_to-9999-12-31-is-open")(
    _csv_open_end("people", C.FREE_PERSON_ROW, "available_to", ("id", C.FREE_PERSON_ID)))
case("dates", "csv-orders-end-9999-12-31-is-open")(_csv_open_end("orders", 2, "end", ("id", "O-SCH01-L")))
case("dates", "csv-assignments-end-9999-12-31-is-open")(
    _csv_open_end("assignments", 2, "end", ("person", "P0001")))
case("dates", "csv-pairings-end-9999-12-31-is-open")(_csv_open_end("pairings", 2, "end", ("sender", "SD")))
case("dates", "csv-mentorships-end-9999-12-31-is-open")(
    _csv_open_end("mentorships", 2, "end", ("mentor", "L0130")))


def _csv_bad_start(table, row, column, text):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        C.set_cells(folder, table, row, **{column: text})
        err = refused(folder)
        assert_names(err, f"{table}.csv", row=row, column=column, table=table)
    return fn


case("dates", "csv-people-available_from-9999-12-31")(
    _csv_bad_start("people", C.FREE_PERSON_ROW, "available_from", "9999-12-31"))
case("dates", "csv-orders-start-1600-01-01")(_csv_bad_start("orders", 2, "start", "1600-01-01"))
case("dates", "csv-orders-start-1900-01-01")(_csv_bad_start("orders", 2, "start", "1900-01-01"))
case("dates", "csv-assignments-start-1900-01-01")(_csv_bad_start("assignments", 2, "start", "1900-01-01"))
case("dates", "csv-pairings-start-1600-01-01")(_csv_bad_start("pairings", 2, "start", "1600-01-01"))
case("dates", "csv-people-available_from-text-next-year")(
    _csv_bad_start("people", C.FREE_PERSON_ROW, "available_from", "明年"))
case("dates", "csv-orders-end-text-next-year")(_csv_bad_start("orders", 2, "end", "明年"))
case("dates", "csv-orders-start-2026-02-30")(_csv_bad_start("orders", 2, "start", "2026-02-30"))


def _csv_date_form(text):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        C.set_cells(folder, "people", 2, available_from=text)
        C.set_cells(folder, "orders", 2, start=text)
        wb = loads(folder)
        assert person(wb, "P0001")["available_from"] == FEB1
        assert wb.orders.set_index("id").loc["O-SCH01-L", "start"] == FEB1
    return fn


for _k, _v in {"chinese-year-month-day": "2026年2月1日", "slashes": "2026/2/1", "dots": "2026.2.1",
               "unpadded": "2026-2-1", "compact-yyyymmdd": "20260201"}.items():
    case("dates", f"csv-date-form-{_k}")(_csv_date_form(_v))


def _xlsx_date(sheet, row, column, value, *, number_format="General"):
    def edit(book):
        c = C.cell(book[sheet], row, column)
        c.value = value
        if number_format:
            c.number_format = number_format
    return edit


def _xlsx_bad_date(sheet, row, column, value, number_format="General", headers="en", table=None):
    """``column``: the contract's name; with ``headers="zh"`` the sheet and header are the template's."""
    def fn(ctx):
        path = C.sample_xlsx(ctx.tmp, headers=headers)
        tb = table or sheet
        name = sheet if headers == "en" else schema.template_sheet(tb)
        header = column if headers == "en" else schema.template_header(tb, column)
        C.edit_xlsx(path, _xlsx_date(name, row, header, value, number_format=number_format))
        err = refused(path)
        assert_names(err, "wb.xlsx", sheet=name, row=row, column=column, table=tb)
    return fn


case("dates", "xlsx-bare-year-2027-number-in-start")(
    _xlsx_bad_date("people", C.XLSX_FREE_ROW, "available_from", 2027))
case("dates", "xlsx-bare-year-2027-in-date-formatted-start")(
    _xlsx_bad_date("people", C.XLSX_FREE_ROW, "available_from", 2027, number_format="yyyy-mm-dd"))
case("dates", "xlsx-zh-headers-bare-year-2027-in-orders-start")(
    _xlsx_bad_date("orders", 2, "start", 2027, headers="zh"))
case("dates", "xlsx-datetime-1600-01-01-in-orders-start")(
    _xlsx_bad_date("orders", 2, "start", datetime(1600, 1, 1), number_format=None))
case("dates", "xlsx-datetime-1900-01-01-in-people-available_from")(
    _xlsx_bad_date("people", C.XLSX_FREE_ROW, "available_from", datetime(1900, 1, 1), number_format=None))
case("dates", "xlsx-text-next-year-in-orders-end")(_xlsx_bad_date("orders", 2, "end", "明年"))


def _xlsx_open_end(sheet, row, column, key):
    def fn(ctx):
        path = C.sample_xlsx(ctx.tmp)
        C.edit_xlsx(path, _xlsx_date(sheet, row, column, datetime(9999, 12, 31), number_format=None))
        wb = loads(path)
        df = getattr(wb, sheet)
        assert_open(df.iloc[row - 2][column])
        assert df.iloc[row - 2][key[0]] == key[1]
    return fn


case("dates", "xlsx-datetime-9999-12-31-in-people-available_to")(
    _xlsx_open_end("people", C.XLSX_FREE_ROW, "available_to", ("id", C.FREE_PERSON_ID)))
case("dates", "xlsx-datetime-9999-12-31-in-orders-end")(_xlsx_open_end("orders", 2, "end", ("id", "O-SCH01-L")))


@case("dates", "xlsx-serial-46054-number-cell")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)
    C.edit_xlsx(path, _xlsx_date("people", 2, "available_from", 46054))
    assert person(loads(path), "P0001")["available_from"] == FEB1


@case("dates", "xlsx-date-as-text-with-slashes")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)
    C.edit_xlsx(path, lambda b: C.put_text(b["people"], 2, "available_from", "2026/2/1"))
    assert person(loads(path), "P0001")["available_from"] == FEB1


@case("dates", "xlsx-date-as-text-chinese-year-month-day")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)
    C.edit_xlsx(path, lambda b: C.put_text(b["orders"], 2, "start", "2026年2月1日"))
    assert loads(path).orders.set_index("id").loc["O-SCH01-L", "start"] == FEB1


# --------------------------------------------------------------------------- #
# 3. characters and encodings
# --------------------------------------------------------------------------- #
CONTROLS = {"U+0000": "\x00", "U+0007": "\x07", "U+001B": "\x1b", "U+007F": "\x7f"}


def _csv_control(table, column, char, *, new_row=False):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        if new_row:
            row = C.add_like(folder, table, C.FREE_PERSON_ROW if table == "people" else 2,
                             **{column: f"X{char}1"})
        else:
            row = C.FREE_PERSON_ROW if table == "people" else 3
            C.set_cells(folder, table, row, **{column: f"李{char}明"})
        err = refused(folder)
        assert_names(err, f"{table}.csv", row=row, column=column, table=table)
    return fn


for _k, _v in CONTROLS.items():
    case("chars", f"csv-people-name-control-{_k}")(_csv_control("people", "name", _v))
case("chars", "csv-people-id-control-U+0007")(_csv_control("people", "id", "\x07", new_row=True))
case("chars", "csv-people-id-control-U+0000")(_csv_control("people", "id", "\x00", new_row=True))
case("chars", "csv-units-name-control-U+001B")(_csv_control("units", "name", "\x1b"))
case("chars", "csv-local_staff-name-control-U+007F")(_csv_control("local_staff", "name", "\x7f"))


@case("chars", "xlsx-raw-control-character-in-cell-xml")
def _(ctx):
    # openpyxl will not write one; a damaged or hand-made file can hold the raw byte
    path = C.sample_xlsx(ctx.tmp)
    C.edit_xlsx(path, lambda b: C.put_text(b["people"], C.XLSX_FREE_ROW, "name", "CTRLMARK"))
    C.patch_member(path, C.sheet_member(path, "people"), b"CTRLMARK", b"A\x07B")
    err = refused(path)
    assert_names(err, "wb.xlsx")


ODD_TEXT = {
    "rtl-marks": "\u200fعلي محمد\u200e",
    "rtl-override": "evil\u202etxt.exe",
    "emoji": "张三👨‍👩‍👧🚀",
    "long-10000": "长" * 10_000,
    "html-script": "<script>alert(1)</script>",
    "html-entity": "&amp;&lt;b&gt;",
    "embedded-newline": "张\n三",
    "supplementary-cjk": "𠮷𡈽",
}


def _csv_odd_name(text):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        C.set_cells(folder, "people", C.FREE_PERSON_ROW, name=text)
        assert person(loads(folder), C.FREE_PERSON_ID)["name"] == text
    return fn


for _k, _v in ODD_TEXT.items():
    case("chars", f"csv-people-name-{_k}")(_csv_odd_name(_v))


def _xlsx_odd_name(text):
    def fn(ctx):
        path = C.sample_xlsx(ctx.tmp)
        C.edit_xlsx(path, lambda b: C.put_text(b["people"], C.XLSX_FREE_ROW, "name", text))
        assert person(loads(path), C.FREE_PERSON_ID)["name"] == text
    return fn


for _k in ("rtl-marks", "emoji", "long-10000", "html-script", "html-entity"):
    case("chars", f"xlsx-people-name-{_k}")(_xlsx_odd_name(ODD_TEXT[_k]))


@case("chars", "csv-surrounding-unicode-spaces-trimmed")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.set_cells(folder, "people", C.FREE_PERSON_ROW, name="\u3000\u00a0张三 \u3000")
    assert person(loads(folder), C.FREE_PERSON_ID)["name"] == "张三"


@case("chars", "csv-gb18030-people")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.set_cells(folder, "people", C.FREE_PERSON_ROW, name="𠮷野家")
    C.reencode(folder, "people", "gb18030")
    wb = loads(folder)
    assert person(wb, C.FREE_PERSON_ID)["name"] == "𠮷野家"
    assert person(wb, "P0001")["name"] == "赵兰文"


@case("chars", "csv-gbk-every-table")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    for f in folder.glob("*.csv"):
        C.reencode(folder, f.stem, "gbk")
    assert loads(folder).equals(C.sample_workbook())


@case("chars", "csv-utf16-with-bom")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.reencode(folder, "people", "utf-16")
    assert_names(refused(folder), "people.csv")


@case("chars", "csv-utf16le-without-bom")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.reencode(folder, "people", "utf-16-le")
    assert_names(refused(folder), "people.csv")


@case("chars", "csv-bom-twice")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.reencode(folder, "people", "utf-8", bom=b"\xef\xbb\xbf" * 2)
    wb = loads(folder)
    assert person(wb, "P0001")["name"] == "赵兰文" and len(wb.people) == 440


@case("chars", "csv-utf8-with-one-gb18030-row")
def _(ctx):
    # a file mostly UTF-8 with one row pasted in another encoding: never silently garbled
    folder = C.sample_folder(ctx.tmp)
    C.set_cells(folder, "people", C.FREE_PERSON_ROW, name="GBMARK")
    C.raw_replace(folder / "people.csv", b"GBMARK", "王芳".encode("gb18030"))
    wb, err = loads_or_refused(folder)
    if err is not None:
        assert_row_if_any(err, "people.csv", C.FREE_PERSON_ROW)
    else:  # read at all, the row holding the GB18030 bytes reads as the planner typed it, and the others too
        assert person(wb, C.FREE_PERSON_ID)["name"] == "王芳", person(wb, C.FREE_PERSON_ID)["name"]
        assert person(wb, "P0001")["name"] == "赵兰文" and len(wb.people) == 440


# --------------------------------------------------------------------------- #
# 4. structure and ambiguity
# --------------------------------------------------------------------------- #
def _two_files(other):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        (folder / other).write_bytes((folder / "people.csv").read_bytes())
        err = refused(folder)
        assert_names(err, "people.csv", also=[other], others=[other, folder.name, str(folder)])
    return fn


case("structure", "csv-people-beside-chinese-table-name")(_two_files("援派人员.csv"))
case("structure", "csv-people-beside-template-table-name")(_two_files("援派人员(people).csv"))
case("structure", "csv-people-beside-People-capitalised")(_two_files("People.csv"))


def _two_sheets(title, *, hide=False):
    def fn(ctx):
        path = C.sample_xlsx(ctx.tmp)

        def edit(book):
            ws = book.copy_worksheet(book["people"])
            ws.title = title
            if hide:
                ws.sheet_state = "hidden"
        C.edit_xlsx(path, edit)
        err = refused(path)
        assert_names(err, "wb.xlsx", also=["“people”", f"“{title}”"])
    return fn


case("structure", "xlsx-sheets-people-and-template-name")(_two_sheets("援派人员(people)"))
case("structure", "xlsx-backup-sheet-old-list(people)")(_two_sheets("旧名单(people)"))
case("structure", "xlsx-sheets-people-and-chinese-name")(_two_sheets("援派人员"))


def _hidden(sheet, state):
    def fn(ctx):
        path = C.sample_xlsx(ctx.tmp)

        def edit(book):
            book[sheet].sheet_state = state
            book.active = book.sheetnames.index("regions")
        C.edit_xlsx(path, edit)
        err = refused(path)
        assert_names(err, "wb.xlsx", sheet=sheet, also=["隐藏"])
    return fn


case("structure", "xlsx-hidden-people-sheet")(_hidden("people", "hidden"))
case("structure", "xlsx-veryhidden-orders-sheet")(_hidden("orders", "veryHidden"))
case("structure", "xlsx-hidden-optional-assignments-sheet")(_hidden("assignments", "hidden"))


@case("structure", "xlsx-hidden-sheet-that-is-no-table-loads")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)

    def edit(book):
        ws = book.create_sheet("备注")
        ws["A1"] = "内部备注"
        ws.sheet_state = "hidden"
    C.edit_xlsx(path, edit)
    assert len(loads(path).people) == len(C.small_workbook().people)


def _csv_repeated_header(second):
    def fn(ctx):
        folder = C.sample_folder(ctx.tmp)
        C.duplicate_column(folder, "people", "name", second)
        err = refused(folder)
        assert_names(err, "people.csv", column="name", table="people")
    return fn


case("structure", "csv-two-name-columns")(_csv_repeated_header("name"))
case("structure", "csv-name-and-chinese-name-columns")(_csv_repeated_header("姓名"))
case("structure", "csv-name-and-template-name-columns")(_csv_repeated_header("姓名(name)"))


@case("structure", "csv-two-available_to-columns-different-values")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.duplicate_column(folder, "people", "available_to", "available_to")
    header, rows = C.read_table(folder, "people")
    rows[0][-1] = "2027-01-31"
    C.write_table(folder, "people", header, rows)
    assert_names(refused(folder), "people.csv", column="available_to", table="people")


def _xlsx_repeated_header(second, headers="en"):
    def fn(ctx):
        path = C.sample_xlsx(ctx.tmp, headers=headers)
        sheet = "people" if headers == "en" else schema.template_sheet("people")
        first = "name" if headers == "en" else schema.template_header("people", "name")

        def edit(book):
            ws = book[sheet]
            src = C.column_index(ws, first)
            dst = ws.max_column + 1
            for r in range(1, ws.max_row + 1):
                ws.cell(row=r, column=dst, value=ws.cell(row=r, column=src).value)
            ws.cell(row=1, column=dst, value=second)
        C.edit_xlsx(path, edit)
        err = refused(path)
        assert_names(err, "wb.xlsx", sheet=sheet, column="name", table="people")
    return fn


case("structure", "xlsx-two-name-columns")(_xlsx_repeated_header("name"))
case("structure", "xlsx-zh-headers-template-and-chinese-name-columns")(_xlsx_repeated_header("姓名", headers="zh"))


def _xlsx_formula(sheet, row, column, formula, *, table=None, add_header=None):
    def fn(ctx):
        path = C.sample_xlsx(ctx.tmp)

        def edit(book):
            ws = book[sheet]
            if add_header:
                ws.cell(row=1, column=ws.max_column + 1, value=add_header)
            C.put_formula(ws, row, column, formula)
        C.edit_xlsx(path, edit)
        err = refused(path)
        assert_names(err, "wb.xlsx", sheet=sheet, row=row, column=column, table=table or sheet)
    return fn


case("structure", "xlsx-formula-no-cached-value-people-name")(
    _xlsx_formula("people", C.XLSX_FREE_ROW, "name", '="王"&"五"'))
case("structure", "xlsx-formula-no-cached-value-optional-people-skill")(
    _xlsx_formula("people", C.XLSX_FREE_ROW, "skill", '=UPPER("x")'))
case("structure", "xlsx-formula-no-cached-value-orders-headcount")(
    _xlsx_formula("orders", 2, "headcount", "=1+1"))
case("structure", "xlsx-formula-no-cached-value-optional-assignments-end")(
    _xlsx_formula("assignments", 2, "end", "=DATE(2027,1,31)"))
case("structure", "xlsx-formula-no-cached-value-extra-column")(
    _xlsx_formula("people", C.XLSX_FREE_ROW, "备注", '=A2&"x"', add_header="备注"))


@case("structure", "xlsx-formula-with-cached-value-loads-the-value")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)
    C.edit_xlsx(path, lambda b: C.put_formula(b["people"], C.XLSX_FREE_ROW, "name", "=1+2"))
    member = C.sheet_member(path, "people")

    def cache(data: bytes) -> bytes:
        pattern = rb'<c r="B%d"([^>]*)><f>1\+2</f><v\s*/>' % C.XLSX_FREE_ROW
        new, n = re.subn(pattern, lambda m: b'<c r="B%d"%s t="str"><f>1+2</f><v>%s</v>'
                         % (C.XLSX_FREE_ROW, m.group(1), "王五".encode()), data, count=1)
        assert n == 1
        return new
    C.rewrite_zip(path, path, replace={member: cache})
    assert person(loads(path), C.FREE_PERSON_ID)["name"] == "王五"


@case("structure", "csv-empty-programme-headers-only")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    for f in folder.glob("*.csv"):
        C.header_only(folder, f.stem)
    wb = loads(folder)
    assert all(len(df) == 0 for df in wb.tables().values())


@case("structure", "xlsx-empty-programme-headers-only")
def _(ctx):
    empty = planning.Workbook(**{n: df.iloc[:0] for n, df in C.sample_workbook().tables().items()})
    path = planning.save_workbook(empty, ctx.tmp / "wb.xlsx")
    wb = loads(path)
    assert all(len(df) == 0 for df in wb.tables().values())


@case("structure", "csv-orders-without-rows-and-no-assignments")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.header_only(folder, "orders")
    (folder / "assignments.csv").unlink()
    wb = loads(folder)
    assert len(wb.orders) == 0 and len(wb.people) == 440


@case("structure", "csv-orders-without-rows-but-assignments-naming-them")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.header_only(folder, "orders")
    assert_names(refused(folder), "assignments.csv", row=2, column="order", table="assignments")


@case("structure", "csv-optional-table-header-only")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.header_only(folder, "indicators")
    C.header_only(folder, "pairings")
    wb = loads(folder)
    assert len(wb.indicators) == 0 and len(wb.pairings) == 0


@case("structure", "csv-people-only-a-bom")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    (folder / "people.csv").write_bytes(b"\xef\xbb\xbf")
    assert_names(refused(folder), "people.csv")


@case("structure", "csv-orders-empty-file")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    (folder / "orders.csv").write_bytes(b"")
    assert_names(refused(folder), "orders.csv")


@case("structure", "csv-people-only-blank-lines")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    (folder / "people.csv").write_bytes(b"\n\n\n")
    assert_names(refused(folder), "people.csv")


@case("structure", "folder-without-any-csv")
def _(ctx):
    folder = ctx.tmp / "空文件夹"
    folder.mkdir()
    (folder / "说明.txt").write_text("nothing here", encoding="utf-8")
    assert_names(refused(folder), "空文件夹")


@case("structure", "path-that-does-not-exist")
def _(ctx):
    assert_names(refused(ctx.tmp / "nowhere.xlsx"), "nowhere.xlsx")


@case("structure", "a-txt-file")
def _(ctx):
    path = ctx.tmp / "workbook.txt"
    path.write_text("id,name\n", encoding="utf-8")
    assert_names(refused(path), "workbook.txt")


@case("structure", "a-single-csv-file-as-the-workbook")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    assert_names(refused(folder / "people.csv"), "people.csv")


@case("structure", "xlsx-that-is-a-csv-renamed")
def _(ctx):
    path = ctx.tmp / "wb.xlsx"
    path.write_bytes((C.SAMPLE / "people.csv").read_bytes())
    assert_names(refused(path), "wb.xlsx")


@case("structure", "xlsx-truncated-to-half")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_names(refused(path), "wb.xlsx")


@case("structure", "xlsx-last-byte-cut")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)
    data = path.read_bytes()
    path.write_bytes(data[:-1])
    _, err = loads_or_refused(path)
    if err is not None:
        assert_names(err, "wb.xlsx")


@case("structure", "xlsx-zero-bytes")
def _(ctx):
    path = ctx.tmp / "wb.xlsx"
    path.write_bytes(b"")
    assert_names(refused(path), "wb.xlsx")


@case("structure", "xlsx-empty-zip")
def _(ctx):
    import zipfile

    path = ctx.tmp / "wb.xlsx"
    zipfile.ZipFile(path, "w").close()
    assert_names(refused(path), "wb.xlsx")


@case("structure", "xlsx-sheet-xml-not-well-formed")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)
    C.patch_member(path, C.sheet_member(path, "people"), b"</sheetData>", b"</sheetDat>")
    assert_names(refused(path), "wb.xlsx")


@case("structure", "xlsx-people-is-a-chartsheet")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)

    def edit(book):
        del book["people"]
        book.create_chartsheet("people")
    C.edit_xlsx(path, edit)
    assert_names(refused(path), "wb.xlsx")


@case("structure", "csv-folder-entry-people.csv-is-a-directory")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    (folder / "people.csv").unlink()
    (folder / "people.csv").mkdir()
    assert_names(refused(folder), "people.csv", others=[folder.name, str(folder)])


@case("structure", "csv-people.csv-is-a-broken-symlink")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    (folder / "people.csv").unlink()
    (folder / "people.csv").symlink_to(ctx.tmp / "gone.csv")
    assert_names(refused(folder), "people.csv", others=[folder.name, str(folder)])


def assert_row_if_any(err, file: str, row: int):
    """A problem names ``file``; any row number its sentence gives is the row the planner sees."""
    p = assert_names(err, file)
    found = re.findall(r"第\s*(\d+)\s*行|row\s+(\d+)|line\s+(\d+)", p.sentence("zh"))
    said = [int(next(g for g in groups if g)) for groups in found]
    assert all(n == row for n in said), f"the sentence points at row {said}, the row is {row}: {p.sentence('zh')}"


@case("structure", "csv-ragged-row-with-an-extra-field")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    header, rows = C.read_table(folder, "people")
    rows[3].append("多出来的")
    C.write_table(folder, "people", header, rows)
    assert_row_if_any(refused(folder), "people.csv", 5)


@case("structure", "csv-unbalanced-quote")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.set_cells(folder, "people", 5, name="QUOTEMARK")
    C.raw_replace(folder / "people.csv", b"QUOTEMARK", b'"unfinished')
    _, err = loads_or_refused(folder)
    assert err is not None, "an unbalanced quote swallowed the rest of the file silently"
    assert_row_if_any(err, "people.csv", 5)


# --------------------------------------------------------------------------- #
# 5. size limits
# --------------------------------------------------------------------------- #
PROBE = r"""
import json, resource, sys, time
import planning
t = time.time()
try:
    wb = planning.load_workbook(sys.argv[1])
    out = {"loaded": True, "columns": {n: int(df.shape[1]) for n, df in wb.tables().items()},
           "people": int(len(wb.people))}
except planning.WorkbookError as e:
    text = str(e)
    out = {"loaded": False, "count": len(e.problems), "text_kb": len(text.encode("utf-8")) / 1024,
           "text_has": {w: w in text for w in sys.argv[2:]},
           "problems": [[str(p.source), p.sentence("zh")] for p in e.problems[:20]]}
out["seconds"] = round(time.time() - t, 2)
# the peak of this program's own memory (VmHWM: ru_maxrss would carry the forking test process's size over exec)
with open("/proc/self/status") as f:
    out["maxrss_mb"] = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
print(json.dumps(out, ensure_ascii=False))
"""
PEAK_MB = 300


def _cap_memory():  # a loader that would unpack a bomb fails here instead of taking the machine
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))


def probe(path: Path, timeout: float = 300, words=()) -> dict:
    """Load ``path`` in a fresh Python and report the outcome, the time and that process's peak memory.

    ``timeout`` only stops a loader that hangs; it asserts no speed (timings: ``benchmarks/``)."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    try:
        proc = subprocess.run([sys.executable, "-c", PROBE, str(path), *words], capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=str(PROJECT), preexec_fn=_cap_memory,
                              check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"no answer within {timeout:.0f} s")
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no output)"]
        pytest.fail(f"the loader died (exit {proc.returncode}): {tail[0]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _assert_refused_probe(out: dict, file: str):
    assert not out["loaded"], f"loaded, expected a refusal ({out})"
    named = [s for src, s in out["problems"] if Path(src).name == file and file in s]
    assert named, out["problems"]


def _bomb(builder):
    def fn(ctx):
        path = builder(ctx.tmp)
        assert path.stat().st_size < 20 * C.MB  # the test file itself stays small
        out = probe(path)
        _assert_refused_probe(out, path.name)
        assert out["maxrss_mb"] < PEAK_MB, f"peak memory {out['maxrss_mb']:.0f} MB"
    return fn


case("size", "zip-bomb-people-sheet-1.1GB-of-zeros")(_bomb(C.bomb_sheet_zeros))
case("size", "zip-bomb-people-sheet-1.1GB-of-xml-whitespace")(_bomb(C.bomb_sheet_whitespace))
case("size", "zip-bomb-shared-strings-one-1.1GB-string")(_bomb(C.bomb_shared_string))
case("size", "zip-bomb-1100-members-of-1MB")(_bomb(C.bomb_many_members))
case("size", "zip-member-declares-4GB")(_bomb(C.bomb_declared_size))


def _far_probe(builder):
    def fn(ctx):
        path = builder(ctx.tmp)
        out = probe(path)
        if out["loaded"]:
            assert max(out["columns"].values()) < 100, f"tables built with many columns: {out['columns']}"
        else:
            _assert_refused_probe(out, path.name)
        assert out["maxrss_mb"] < PEAK_MB, f"peak memory {out['maxrss_mb']:.0f} MB"
    return fn


case("size", "xlsx-stray-value-at-XFD1")(_far_probe(lambda tmp: C.stray_cell_xlsx(tmp, 1, 16384)))
case("size", "xlsx-stray-value-at-XFD1048576")(_far_probe(lambda tmp: C.stray_cell_xlsx(tmp, 1048576, 16384)))
case("size", "xlsx-dimension-claims-A1-to-XFD1048576")(_far_probe(C.lying_dimension_xlsx))


@case("size", "csv-million-bad-category-cells")
def _(ctx):
    folder = C.million_bad_categories(ctx.tmp)
    label_zh = f"“{label('people', 'category')}”列"
    out = probe(folder, words=[label_zh, "'category'"])
    _assert_refused_probe(out, "people.csv")
    assert out["text_kb"] < 200, f"the error text is {out['text_kb']:.0f} kB"
    assert any(out["text_has"].values()), "the error text does not name the column"
    assert any(Path(src).name == "people.csv" and label_zh in s for src, s in out["problems"]), out["problems"]


@case("size", "csv-5000-columns")
def _(ctx):
    folder = C.wide_people(ctx.tmp)
    wb, err = loads_or_refused(folder)  # how long it takes: benchmarks/bench_workbook.py, not a test
    if err is not None:
        assert_names(err, "people.csv")
    else:
        assert len(wb.people) == 440


@case("size", "csv-million-blank-lines")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    with open(folder / "people.csv", "ab") as f:
        f.write(b"\n" * 1_000_000)
    wb, err = loads_or_refused(folder)  # how long it takes: benchmarks/bench_workbook.py, not a test
    if err is not None:
        assert_names(err, "people.csv")
    else:
        assert len(wb.people) == 440


@case("size", "csv-over-PLANNING_MAX_FILE_MB")
def _(ctx):
    folder = C.padded_people(ctx.tmp)
    ctx.monkeypatch.setenv("PLANNING_MAX_FILE_MB", "1")
    assert_names(refused(folder), "people.csv")


@case("size", "xlsx-over-PLANNING_MAX_FILE_MB")
def _(ctx):
    path = C.padded_xlsx(ctx.tmp)
    ctx.monkeypatch.setenv("PLANNING_MAX_FILE_MB", "1")
    assert_names(refused(path), "wb.xlsx")


@case("size", "csv-under-PLANNING_MAX_FILE_MB-loads")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    ctx.monkeypatch.setenv("PLANNING_MAX_FILE_MB", "1")
    assert len(loads(folder).people) == 440


# --------------------------------------------------------------------------- #
# 6. the scenario store refuses what breaks the contract
# --------------------------------------------------------------------------- #
def _store(ctx):
    from planning.scenarios.store import open_store

    return open_store(ctx.tmp / "scenarios.sqlite", lang="zh")


def _store_refuses(mutate, table, column):
    def fn(ctx):
        store = _store(ctx)
        wb = C.sample_workbook()
        mutate(wb)
        try:
            store.save("坏方案", wb, author="测试员", note="hostile")
        except Exception as e:  # noqa: BLE001  (which kind is checked last, once the rest is known)
            err = e
        else:
            pytest.fail("saved a workbook that breaks the contract")
        assert len(store.scenarios()) == 0, "something was saved"
        assert getattr(err, "problems", None), f"{type(err).__name__} lists no problems: {err}"
        _sentences_ok(err)
        text = "\n".join(p.sentence("zh") for p in err.problems)
        assert label(table, column) in text, text[:2000]
        assert store.save("好方案", C.sample_workbook(), author="测试员") == 1
        from planning.scenarios.store import InvalidWorkbookError

        assert isinstance(err, InvalidWorkbookError), \
            f"refused with {type(err).__module__}.{type(err).__name__}, not the store's InvalidWorkbookError"
    return fn


def _negative_headcount(wb):
    wb.orders.loc[wb.orders.index[0], "headcount"] = -3


def _unknown_person(wb):
    wb.assignments.loc[wb.assignments.index[0], "person"] = "NOBODY"


def _duplicate_person_id(wb):
    wb.people.loc[wb.people.index[C.FREE_PERSON_ROW - 2], "id"] = "P0001"


def _end_before_start(wb):
    i = wb.orders.index[0]
    wb.orders.loc[i, "end"] = wb.orders.loc[i, "start"] - pd.Timedelta(days=1)


def _bad_category(wb):
    wb.people.loc[wb.people.index[0], "category"] = "x"


def _unknown_host_unit(wb):
    wb.orders.loc[wb.orders.index[0], "host_unit"] = "NOWHERE"


def _missing_name(wb):
    wb.people.loc[wb.people.index[0], "name"] = None


case("store", "negative-headcount")(_store_refuses(_negative_headcount, "orders", "headcount"))
case("store", "assignment-names-unknown-person")(_store_refuses(_unknown_person, "assignments", "person"))
case("store", "duplicate-person-id")(_store_refuses(_duplicate_person_id, "people", "id"))
case("store", "order-ends-before-it-starts")(_store_refuses(_end_before_start, "orders", "end"))
case("store", "category-not-allowed")(_store_refuses(_bad_category, "people", "category"))
case("store", "order-names-unknown-host-unit")(_store_refuses(_unknown_host_unit, "orders", "host_unit"))
case("store", "required-name-missing")(_store_refuses(_missing_name, "people", "name"))


@case("store", "formula-like-names-saved-and-loaded-equal")
def _(ctx):
    store = _store(ctx)
    wb = _formula_workbook()
    assert store.save("公式名", wb, author="测试员") == 1
    back = store.load("公式名", 1).workbook
    _same_names(back, wb)


# --------------------------------------------------------------------------- #
# 7. the command line
# --------------------------------------------------------------------------- #
def cli(ctx, *argv) -> tuple[int, str, str]:
    from planning.cli import main

    ctx.capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as e:  # argparse's own refusals exit like this, as the installed command does
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    out, err = ctx.capsys.readouterr()
    assert "Traceback" not in out and "Traceback" not in err, (out + err)[-2000:]
    return code, out, err


def odd_dates(tmp) -> Path:
    folder = C.small_folder(tmp, "odd")
    C.set_cells(folder, "people", C.row_of(folder, "people", "id", C.FREE_PERSON_ID), available_to="9999-12-31")
    C.set_cells(folder, "orders", 2, end="9999-12-31")
    C.set_cells(folder, "pairings", 2, end="9999-12-31")
    C.set_cells(folder, "assignments", 2, end="9999-12-31")
    return folder


CONTROL_ROW = {}


def control_chars(tmp) -> Path:
    folder = C.small_folder(tmp, "ctrl")
    CONTROL_ROW["people"] = C.row_of(folder, "people", "id", C.FREE_PERSON_ID)
    C.set_cells(folder, "people", CONTROL_ROW["people"], name="李\x07明")
    return folder


def no_orders(tmp) -> Path:
    folder = C.small_folder(tmp, "noorders")
    C.header_only(folder, "orders")
    C.header_only(folder, "assignments")
    return folder


def no_assignments(tmp) -> Path:
    folder = C.small_folder(tmp, "noassign")
    C.header_only(folder, "assignments")
    return folder


WORKBOOKS = {"9999-end-dates": odd_dates, "no-orders": no_orders, "no-assignments": no_assignments}
COMMANDS = {
    "check": lambda wb, out: ["check", wb],
    "summary": lambda wb, out: ["summary", wb],
    "gaps-out": lambda wb, out: ["gaps", wb, "--month", "2027-03", "--out", out / "gaps.xlsx"],
    "allocate-out": lambda wb, out: ["allocate", wb, "--out", out / "plan.xlsx", "--time-limit", "30"],
    "report-out": lambda wb, out: ["report", wb, "--out", out / "report.xlsx", "--html", out / "report.html"],
}


def _cli_ok(make, command):
    def fn(ctx):
        wb = make(ctx.tmp)
        out = ctx.tmp / "out"
        out.mkdir()
        argv = COMMANDS[command](wb, out)
        code, stdout, stderr = cli(ctx, *argv)
        assert code == 0, stderr[-2000:]
        assert stdout.strip()
        written = [a for a in argv if isinstance(a, Path) and a.parent == out]
        for path in written:
            assert path.exists() and path.stat().st_size > 0, path
    return fn


for _w, _make in WORKBOOKS.items():
    for _c in COMMANDS:
        if _w == "no-assignments" and _c in ("check", "summary"):
            continue
        case("cli", f"{_c}-{_w}")(_cli_ok(_make, _c))


def _cli_refused(command):
    def fn(ctx):
        wb = control_chars(ctx.tmp)
        out = ctx.tmp / "out"
        out.mkdir()
        code, _, stderr = cli(ctx, *COMMANDS[command](wb, out))
        assert code == 2, (code, stderr[-500:])
        assert "people.csv" in stderr and f"第 {CONTROL_ROW['people']} 行" in stderr, stderr[-2000:]
        assert list(out.iterdir()) == [], "written although refused"
    return fn


for _c in COMMANDS:
    case("cli", f"{_c}-control-characters-refused")(_cli_refused(_c))


def _cli_unwritable(command, where):
    def fn(ctx):
        wb = C.small_folder(ctx.tmp)
        blocker = ctx.tmp / "afile"
        blocker.write_text("not a folder", encoding="utf-8")
        parent = blocker if where == "under-a-file" else Path("/proc")
        target = parent / ("x.html" if command == "report-html" else "x.xlsx")
        argv = {
            "gaps": ["gaps", wb, "--out", target],
            "allocate": ["allocate", wb, "--out", target, "--time-limit", "30"],
            "report": ["report", wb, "--out", target],
            "report-html": ["report", wb, "--out", ctx.tmp / "r.xlsx", "--html", target],
        }[command]
        code, _, stderr = cli(ctx, *argv)
        assert code == 2, (code, stderr[-500:])
        assert str(target) in stderr or target.name in stderr, stderr[-1000:]
        assert not target.exists()
    return fn


for _c in ("gaps", "allocate", "report", "report-html"):
    case("cli", f"{_c}-out-under-a-file")(_cli_unwritable(_c, "under-a-file"))
for _c in ("gaps", "allocate", "report"):
    case("cli", f"{_c}-out-in-proc")(_cli_unwritable(_c, "proc"))


def _cli_bad_port(port):
    def fn(ctx):
        code, _, stderr = cli(ctx, "serve", "--port", port)
        assert code == 2, (code, stderr[-500:])
        assert port in stderr
    return fn


for _p in ("99999", "0", "-1", "http"):
    case("cli", f"serve-port-{_p}")(_cli_bad_port(_p))


@case("cli", "serve-data-that-does-not-exist")
def _(ctx):
    code, _, stderr = cli(ctx, "serve", "--port", "18999", "--data", ctx.tmp / "nowhere")
    assert code == 2 and "nowhere" in stderr


@case("cli", "check-path-that-does-not-exist")
def _(ctx):
    code, _, stderr = cli(ctx, "check", ctx.tmp / "nowhere.xlsx")
    assert code == 2 and "nowhere.xlsx" in stderr


@case("cli", "check-utf16-people")
def _(ctx):
    folder = C.sample_folder(ctx.tmp)
    C.reencode(folder, "people", "utf-16")
    code, _, stderr = cli(ctx, "check", folder)
    assert code == 2 and "people.csv" in stderr


@case("cli", "check-xlsx-hidden-people-sheet")
def _(ctx):
    path = C.sample_xlsx(ctx.tmp)

    def edit(book):
        book["people"].sheet_state = "hidden"
        book.active = 0
    C.edit_xlsx(path, edit)
    code, _, stderr = cli(ctx, "check", path)
    assert code == 2 and "people" in stderr and "隐藏" in stderr


@case("cli", "gaps-month-9999-12")
def _(ctx):
    code, stdout, stderr = cli(ctx, "gaps", C.SAMPLE, "--month", "9999-12")
    assert code in (0, 2)
    assert stdout.strip() if code == 0 else stderr.strip()


@case("cli", "allocate-window-to-9999-12-31")
def _(ctx):
    code, stdout, stderr = cli(ctx, "allocate", C.SAMPLE, "--window", "2027-01-01:9999-12-31", "--time-limit", "30")
    assert code in (0, 2)
    assert stdout.strip() if code == 0 else stderr.strip()


# --------------------------------------------------------------------------- #
# the tests, one per group
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("fn", GROUPS["formula"])
def test_formula(fn, tmp_path, capsys, monkeypatch):
    run(fn, tmp_path, capsys, monkeypatch)


@pytest.mark.parametrize("fn", GROUPS["dates"])
def test_dates(fn, tmp_path, capsys, monkeypatch):
    run(fn, tmp_path, capsys, monkeypatch)


@pytest.mark.parametrize("fn", GROUPS["chars"])
def test_chars(fn, tmp_path, capsys, monkeypatch):
    run(fn, tmp_path, capsys, monkeypatch)


@pytest.mark.parametrize("fn", GROUPS["structure"])
def test_structure(fn, tmp_path, capsys, monkeypatch):
    run(fn, tmp_path, capsys, monkeypatch)


@pytest.mark.parametrize("fn", GROUPS["size"])
def test_size(fn, tmp_path, capsys, monkeypatch):
    run(fn, tmp_path, capsys, monkeypatch)


@pytest.mark.parametrize("fn", GROUPS["store"])
def test_store(fn, tmp_path, capsys, monkeypatch):
    run(fn, tmp_path, capsys, monkeypatch)


@pytest.mark.parametrize("fn", GROUPS["cli"])
def test_cli(fn, tmp_path, capsys, monkeypatch):
    run(fn, tmp_path, capsys, monkeypatch)


def test_corpus_size():
    """The corpus keeps at least 90 cases, several in each group."""
    assert sum(len(v) for v in GROUPS.values()) >= 90
    assert all(len(v) >= 5 for v in GROUPS.values()), {k: len(v) for k, v in GROUPS.items()}
