"""The fast .xlsx reader (calamine beside a scan of the XML) gives what the openpyxl reader gives.

Each workbook is read twice, by ``read_xlsx`` (fast where it can) and by ``read_xlsx(fast=False)``
(openpyxl alone, the reader the boundary had before): same raw tables cell by cell, same rows,
same problems and notes in the same order. The cases that matter for speed also assert that the
fast reader read them itself rather than handing them back.
"""
from __future__ import annotations

import datetime
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planning
from planning.contract import load_workbook, save_workbook
from planning.contract.xlsx_fast import plain_texts, read_xlsx_fast
from planning.contract.xlsx_reader import read_xlsx
from planning.core.limits import limits

from hostile.cases import (cell, edit_xlsx, put_formula, put_text, rewrite_zip, sample_xlsx, sheet_member,
                          stray_cell_xlsx)


def same_reading(path: Path, *, fast: bool | None = None) -> None:
    """Both readers agree on ``path``; ``fast``: whether the fast reader must (True) or must not (False) read it."""
    if fast is not None:
        taken = read_xlsx_fast(path, path.name, limits()) is not None
        assert taken == fast, "fast reader took it" if taken else "fast reader handed it back"
    got = read_xlsx(path, path.name)
    want = read_xlsx(path, path.name, fast=False)
    assert got[1] == want[1]  # problems, in order
    assert got[2] == want[2]  # notes
    assert [r.table for r in got[0]] == [r.table for r in want[0]]
    for a, b in zip(got[0], want[0]):
        assert (a.sheet, a.source, a.excel) == (b.sheet, b.source, b.excel)
        assert a.rows.tolist() == b.rows.tolist(), a.table
        assert list(a.frame.columns) == list(b.frame.columns), a.table
        for c in a.frame.columns:
            assert a.frame[c].tolist() == b.frame[c].tolist(), (a.table, c)
        if a.plain:  # proven plain: no cell the openpyxl reader gives may need trimming
            for c in a.frame.columns:
                assert all(x == x.strip() for x in b.frame[c].tolist()), (a.table, c)


def test_sample_reads_the_same(tmp_path):
    path = tmp_path / "sample.xlsx"
    save_workbook(planning.load_workbook(planning.SAMPLE), path)
    same_reading(path, fast=True)
    assert load_workbook(path).equals(planning.load_workbook(planning.SAMPLE))


def test_chinese_headers_read_the_same(tmp_path):
    same_reading(sample_xlsx(tmp_path, headers="zh"), fast=True)


def test_generated_workbook_reads_the_same(tmp_path):
    from planning.samples.synthetic import synthetic_workbook

    wb = synthetic_workbook(people=1500, host_units=150)
    path = tmp_path / "generated.xlsx"
    save_workbook(wb, path)
    same_reading(path, fast=True)
    assert load_workbook(path).people.shape[0] == wb.people.shape[0]


def _edited(tmp_path, edit) -> Path:
    return edit_xlsx(sample_xlsx(tmp_path), edit)


def test_formula_without_value_and_errors(tmp_path):
    def edit(b):
        ws = b["people"]
        put_formula(ws, 3, "name", "=A1&A2")
        ws.cell(row=4, column=3).value = "#REF!"
        ws.cell(row=4, column=3).data_type = "e"
        put_formula(ws, 1, "level", "=1+1")  # in the header row
    path = _edited(tmp_path, edit)
    same_reading(path, fast=True)
    problems = read_xlsx(path, path.name)[1]
    assert {p.code for p in problems} >= {"formula_no_value", "error_value"}


def test_formula_with_its_value(tmp_path):
    """A formula whose value Excel stored reads as that value (openpyxl writes none: one is put in)."""
    path = _edited(tmp_path, lambda b: put_formula(b["people"], 3, "name", "=A1"))
    sheet = sheet_member(path, "people")
    xml = zipfile.ZipFile(path).read(sheet)
    new = re.sub(rb'(<c r="B3"[^>]*?)>(<f>A1</f>)<v\s*/>', rb'\1 t="str">\2<v>P0001</v>', xml)
    assert new != xml
    rewrite_zip(path, path, replace={sheet: new})
    same_reading(path, fast=True)
    assert not any(p.code == "formula_no_value" for p in read_xlsx(path, path.name)[1])


def test_sheets_hidden_twice_and_stray(tmp_path):
    hidden = _edited(tmp_path, lambda b: setattr(b["orders"], "sheet_state", "hidden"))
    same_reading(hidden, fast=True)
    assert any(p.code == "hidden_sheet" for p in read_xlsx(hidden, hidden.name)[1])
    twice = tmp_path / "twice.xlsx"
    twice.write_bytes(sample_xlsx(tmp_path).read_bytes())
    edit_xlsx(twice, lambda b: setattr(b.copy_worksheet(b["people"]), "title", "人员"))
    same_reading(twice, fast=True)
    near = stray_cell_xlsx(tmp_path, 3, 40)  # a value beyond the table: a note, read fast
    same_reading(near, fast=True)
    far = stray_cell_xlsx(tmp_path, 1, 16_384)  # XFD1: calamine would fill the grid: handed back
    same_reading(far, fast=False)


def test_title_row_above_header(tmp_path):
    path = _edited(tmp_path, lambda b: b["people"].insert_rows(1))
    edit_xlsx(path, lambda b: b["people"].cell(row=1, column=1, value="2027年援派人员名单"))
    same_reading(path, fast=True)
    assert any(p.code == "header_below_title" for p in read_xlsx(path, path.name)[1])


def test_dates_years_and_numbers_as_excel_keeps_them(tmp_path):
    def edit(b):
        ws = b["people"]
        for r, v in ((3, 2027), (4, 45000.75), (5, -3), (6, 3_000_000), (7, 0.25)):
            c = cell(ws, r, "birth_date")
            c.value = v
            c.number_format = "yyyy-mm-dd"
        for r, v in ((8, 13812345678), (9, "１２"), (10, "12\u3000"), (11, "\u00a012")):
            c = cell(ws, r, "level")
            c.value = v
        put_text(ws, 12, "name", "  张三 ")
        cell(ws, 13, "can_lead").value = True
    path = _edited(tmp_path, edit)
    same_reading(path, fast=True)


def test_escapes_are_handed_back(tmp_path):
    path = _edited(tmp_path, lambda b: put_text(b["people"], 3, "name", "a_x0007_b"))
    same_reading(path, fast=False)


def test_raw_control_character_is_handed_back(tmp_path):
    """Not XML: openpyxl's parser refuses the file, calamine's would read on."""
    path = _edited(tmp_path, lambda b: put_text(b["people"], 3, "name", "CTRLMARK"))
    sheet = sheet_member(path, "people")
    xml = zipfile.ZipFile(path).read(sheet)
    rewrite_zip(path, path, replace={sheet: xml.replace(b"CTRLMARK", b"A\x07B")})
    same_reading(path, fast=False)
    assert [p.code for p in read_xlsx(path, path.name)[1]] == ["bad_xlsx"]


def test_plain_texts():
    assert plain_texts([np.array(["ab", "张三", "2027-01-01"], dtype=object)])
    for x in (" ab", "ab ", "ab\u3000", "\u00a0ab", "a\x7fb", "a\x07b", "a b", "a\tb"):
        assert not plain_texts([np.array(["x", x], dtype=object)]), x


#: Values a planner's cell may hold: text with Excel habits, numbers, dates, days with a time, booleans.
_texts = st.text(alphabet=st.sampled_from(list("ab 张三\u3000\u00a0\t0123456789-./")), max_size=8)
_values = st.one_of(
    st.none(), _texts,
    st.integers(-10**6, 10**12), st.floats(-1e9, 1e9, allow_nan=False),
    st.dates(datetime.date(1900, 3, 1), datetime.date(2100, 1, 1)),
    st.datetimes(datetime.datetime(1900, 3, 1), datetime.datetime(2100, 1, 1)).map(lambda d: d.replace(microsecond=0)),
    st.booleans(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_values, min_size=4, max_size=4), min_size=1, max_size=12),
       date_style=st.sampled_from(["yyyy-mm-dd", "yyyy/m/d h:mm", "General", "0.00", "[h]:mm", "m月d日"]))
def test_any_cells_read_the_same(tmp_path, rows, date_style):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "people"
    ws.append(["id", "name", "birth_date", "level"])
    for row in rows:
        ws.append(row)
        for c in ws[ws.max_row]:
            if isinstance(c.value, (int, float, datetime.date)) and not isinstance(c.value, bool):
                c.number_format = date_style
    path = tmp_path / "cells.xlsx"
    book.save(path)
    same_reading(path)


def test_the_boundary_still_refuses_what_it_did(tmp_path, monkeypatch):
    """A workbook the fast reader reads fails with the same sentences as with openpyxl alone."""
    import planning.contract.xlsx_fast as xlsx_fast

    def edit(b):
        put_text(b["people"], 3, "level", "九")
        put_text(b["people"], 4, "birth_date", "\u00a02027-13-01")
        put_text(b["people"], 5, "sending_unit", " 不存在的单位 ")
    path = _edited(tmp_path, edit)
    assert read_xlsx_fast(path, path.name, limits()) is not None
    with pytest.raises(planning.WorkbookError) as fast:
        load_workbook(path)
    monkeypatch.setattr(xlsx_fast, "read_xlsx_fast", lambda *a: None)
    with pytest.raises(planning.WorkbookError) as slow:
        load_workbook(path)
    assert [p.sentence("zh") for p in fast.value.problems] == [p.sentence("zh") for p in slow.value.problems]
    assert len(fast.value.problems) >= 3
