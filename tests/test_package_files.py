"""The package files as a reader opens them: written in one pass, with the cells and looks of the library's
other writers (the report sheets as ``write_excel`` lays them out, a sender's nominations sheet in the
template's form), no data table of the contract in a unit's package, dropdowns and checks, text never a formula;
and the tables every unit's package shows, derived once for the programme, equal to those derived from the
unit's own workbook."""
import pandas as pd
import pytest
from openpyxl import load_workbook

from planning.contract import schema
from planning.outputs.excel import write_excel
from planning.outputs.packages import (
    unit_drafts,
    unit_package,
    unit_tables,
    unit_views,
    write_assessment_sheet,
    write_unit_package,
)
from planning.outputs.sender_packages import (
    NOMINATION_COLUMNS,
    NOMINATIONS_SHEET,
    write_sender_package,
)
from planning.programme.access import scope_workbook
from planning.programme.standing import POINT_COLUMNS, standing, unit_points
from planning.scenarios.rotation import next_batch_orders, with_draft_orders

UNIT = "H-ALE-YY"  # with drafts to confirm and people on post
EVIL = '=HYPERLINK("http://example.invalid","点我")'
REPORT_SHEETS = ["本单位在岗人员", "本单位缺口", "逐月在岗与期满", "下一批需求岗位（请确认）", "本单位成效指标（请填写实际值）"]


def cells(ws):
    """Every filled cell: value, type, quote prefix, and number format of numbers and dates."""
    return {c.coordinate: (c.value, c.data_type, bool(c.quotePrefix),
                           c.number_format.lower() if c.data_type in ("n", "d") else None)
            for row in ws.iter_rows() for c in row if c.value is not None}


def widths(ws, pad):
    out = {}
    for d in ws.column_dimensions.values():
        if d.width and d.customWidth:
            for i in range(d.min or 1, (d.max or d.min or 1) + 1):
                out[i] = round(d.width - pad, 1)
    return out


def no_formulas(book):
    return [f"{ws.title}!{c.coordinate}" for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


@pytest.fixture(scope="module")
def hostile(sample):
    """The sample with a formula-like name on one of the unit's people and on a draft's skill."""
    from planning.core.clock import today
    from planning.core.live import live_assignments

    wb = sample.copy()
    live = live_assignments(sample, today(), None)
    on_post = live.loc[live["order"].isin(set(sample.orders.loc[sample.orders["host_unit"].eq(UNIT), "id"])), "person"]
    people = wb.people.copy()
    people.loc[people["id"].eq(on_post.iloc[0]), "name"] = EVIL
    wb.people = people
    return wb


@pytest.fixture(scope="module")
def unit_file(hostile, tmp_path_factory):
    return write_unit_package(hostile, UNIT, tmp_path_factory.mktemp("files") / "unit.xlsx")


def test_the_package_holds_the_sheets_to_read_and_no_data_table(hostile, unit_file):
    """No sheet of the contract: the sheets to read, then the hidden lists the posts sheet's dropdowns read; text
    never a formula."""
    book = load_workbook(unit_file)
    assert book.sheetnames == REPORT_SHEETS + ["下拉列表"] and book.active.title == REPORT_SHEETS[0]
    contract = {schema.template_sheet(t) for t in schema.tables().index} | set(schema.tables().index)
    assert not contract & set(book.sheetnames)
    assert [ws.sheet_state for ws in book.worksheets] == ["visible"] * len(REPORT_SHEETS) + ["hidden"]
    assert EVIL in [c.value for c in book[REPORT_SHEETS[0]]["E"]]
    assert not no_formulas(book)


def test_the_report_sheets_are_laid_out_as_write_excel_lays_them_out(hostile, unit_file, tmp_path):
    book = load_workbook(unit_file)
    line = book[REPORT_SHEETS[0]]["A1"].value
    ref_path = tmp_path / "ref.xlsx"
    drafts = unit_drafts(hostile, UNIT)
    pkg = unit_package(hostile, UNIT, drafts)
    roster, gaps, months, ind, drafts = unit_tables(pkg, UNIT, drafts, "zh")
    sheets = list(zip(REPORT_SHEETS, (roster, gaps, months, drafts, ind)))
    write_excel(ref_path, sheets, title_line=line, landscape=True, page_header=line)  # openpyxl
    ref = load_workbook(ref_path)
    for name in REPORT_SHEETS:
        a, b = book[name], ref[name]
        assert cells(a) == cells(b), name
        assert a["A1"].font.b and a["A2"].font.b and a["A2"].fill.fgColor.rgb[-6:] == "DCE6F1"
        assert [str(m) for m in a.merged_cells.ranges] == [str(m) for m in b.merged_cells.ranges]
        assert a.freeze_panes == b.freeze_panes == "A3" and a.print_title_rows == b.print_title_rows
        assert a.auto_filter.ref == b.auto_filter.ref
        assert widths(a, 0.71) == widths(b, 0), name  # xlsxwriter states the width with Excel's padding
        assert (a.page_setup.orientation, str(a.page_setup.paperSize), a.page_setup.fitToHeight) == \
            ("landscape", "9", 0) and a.sheet_properties.pageSetUpPr.fitToPage
        assert a.oddHeader.center.text == b.oddHeader.center.text and a.oddFooter.center.text == "&P / &N"
    hit = next(c for row in book[REPORT_SHEETS[0]].iter_rows() for c in row if c.value == EVIL)
    assert hit.data_type == "s" and hit.quotePrefix
    (dv,) = book[REPORT_SHEETS[4]].data_validations.dataValidation
    last = max(3, len(ind) + 2)
    assert str(dv.sqref) in {f"G3:G{last}", "G3" if last == 3 else ""}  # G3 alone is G3:G3
    assert (dv.type, dv.formula1, dv.formula2, dv.allow_blank, dv.showErrorMessage, dv.error) == \
        ("decimal", "-1000000000000", "1000000000000", True, True, "请填写数字")
    assert dv.operator in (None, "between")  # absent means between


def test_tables_derived_once_equal_those_of_each_units_own_workbook(sample):
    """The roster, gaps, checkpoints and indicators cut from the programme's (unit_views) equal those derived
    from the unit's own workbook, for the units with drafts, people or indicators and a few others."""
    drafts = next_batch_orders(sample)
    views = unit_views(sample, "zh", drafts)
    units = list(pd.unique(sample.orders["host_unit"]))
    with_people = set(sample.orders.loc[sample.orders["id"].isin(sample.assignments["order"]), "host_unit"])
    pick = [u for u in units if u in set(drafts["host_unit"]) and u in with_people][:6] + units[:3] + units[-3:]
    pick += [u for u in sorted(set(sample.indicator_values["subject"])) if u in units][:3] + [UNIT]
    for u in dict.fromkeys(pick):
        mine = unit_drafts(sample, u, drafts)
        pkg = unit_package(sample, u, mine)
        once, own = unit_tables(pkg, u, mine, "zh", views), unit_tables(pkg, u, mine, "zh")
        for a, b in zip(once, own):
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)


def test_unit_points_are_each_units_own_standing(sample):
    wb = with_draft_orders(sample, next_batch_orders(sample))
    p = unit_points(wb)
    assert list(p.columns) == ["host_unit", *POINT_COLUMNS]
    for u in list(pd.unique(wb.orders["host_unit"]))[::7] + [UNIT]:
        own = standing(scope_workbook(wb, [u])).points
        mine = p[p["host_unit"].eq(u)].drop(columns="host_unit").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, own, check_dtype=False)


def test_a_sender_package_keeps_its_dropdowns_and_text(sample, tmp_path):
    wb = sample.copy()
    people = wb.people.copy()
    sender = "ZJ-HZ-CA"
    from planning.programme.senders import sender_people
    mine, units = sender_people(wb, sender)
    people.loc[people["id"].eq(mine[0]), "name"] = EVIL
    wb.people = people
    book = load_workbook(write_sender_package(wb, sender, tmp_path / "s.xlsx"))
    assert book.sheetnames[-2:] == [NOMINATIONS_SHEET, "下拉列表(lists)"] and book.active.title == book.sheetnames[0]
    nom = book[NOMINATIONS_SHEET]
    spec = schema.columns("people").loc[list(NOMINATION_COLUMNS)]
    assert [c.value for c in nom[1]] == [schema.template_header("people", c) for c in spec.index]
    fills = [c.fill.fgColor.rgb[-6:] for c in nom[1]]
    assert fills == ["FCE4D6" if r else "DDEBF7" for r in spec["required"]]  # required columns stand out
    dvs = {str(d.sqref).split(":")[0]: d for d in nom.data_validations.dataValidation}
    assert len(dvs) == len(spec) and all(str(d.sqref).endswith(":" + str(d.sqref).split(":")[0][:-1] + "5000")
                                         for d in dvs.values())
    col = {c: i for i, c in enumerate(spec.index)}
    letter = lambda c: nom.cell(1, col[c] + 1).column_letter
    assert dvs[f"{letter('sending_unit')}2"].formula1 == f"'下拉列表(lists)'!$C$2:$C${len(units) + 1}"
    assert dvs[f"{letter('nomination')}2"].type == "list" and dvs[f"{letter('nomination')}2"].formula1.startswith('"')
    assert dvs[f"{letter('birth_date')}2"].type == "date" and dvs[f"{letter('name')}2"].showInputMessage
    assert nom.freeze_panes == "A2"
    hit = next(c for c in nom["B"] if c.value == EVIL)
    assert hit.data_type == "s" and hit.quotePrefix
    assert not no_formulas(book)
    assert not any(ws.protection.sheet for ws in book.worksheets)  # none was ever protected: the sender fills it


def test_an_assessment_sheet_writes_a_formula_like_name_as_text(sample, tmp_path):
    from planning.outputs.packages import assessment_people

    hosts = [u for u in pd.unique(sample.orders["host_unit"]) if len(assessment_people(sample, u, "2026"))]
    host = hosts[0]
    wb = sample.copy()
    people = wb.people.copy()
    who = assessment_people(sample, host, "2026")["person"].iloc[0]
    people.loc[people["id"].eq(who), "name"] = EVIL
    wb.people = people
    book = load_workbook(write_assessment_sheet(wb, host, "2026", tmp_path / "a.xlsx"))
    ws = book.worksheets[0]
    hit = next(c for c in ws["B"] if c.value == EVIL)
    assert hit.data_type == "s" and hit.quotePrefix
    assert not no_formulas(book)
    assert ws.freeze_panes == "D3" and ws.page_setup.orientation == "landscape"


def test_units_of_the_same_name_get_the_names_their_own_workbooks_give(sample):
    """Two host units of one name: the programme tells their orders apart (by start month or a number), each unit's
    package names them as its own workbook does (without the other unit's)."""
    units = list(pd.unique(sample.orders["host_unit"]))
    with_people = set(sample.orders.loc[sample.orders["id"].isin(sample.assignments["order"]), "host_unit"])
    a, b = [u for u in units if u in with_people][:2]
    wb = sample.copy()
    u = wb.units.copy()
    u.loc[u["id"].eq(b), "name"] = u.loc[u["id"].eq(a), "name"].iloc[0]
    wb.units = u
    drafts = next_batch_orders(wb)
    views = unit_views(wb, "zh", drafts)
    assert {a, b} <= views.told_apart
    for x in (a, b):
        mine = unit_drafts(wb, x, drafts)
        pkg = unit_package(wb, x, mine)
        once, own = unit_tables(pkg, x, mine, "zh", views), unit_tables(pkg, x, mine, "zh")
        for s, t in zip(once, own):
            pd.testing.assert_frame_equal(s.reset_index(drop=True), t.reset_index(drop=True), check_dtype=False)


def file_parts(path):
    """Every part of an .xlsx file but its creation time (docProps/core.xml)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_packages_written_together_are_those_written_one_by_one(sample, tmp_path):
    """write_unit_packages (the programme cut to every unit in one grouped pass) writes for each unit the very
    file write_unit_package writes from the programme cut to that unit alone (scope_workbook), part for part.
    (The tables shown are checked against the unit's own workbook above.)"""
    from planning.outputs.packages import write_unit_packages

    units = list(pd.unique(sample.orders["host_unit"]))
    together = write_unit_packages(sample, tmp_path / "together")
    assert len(together) == len(units)
    drafts = next_batch_orders(sample)
    views = unit_views(sample, "zh", drafts)
    for u, path in zip(units, together):
        alone = write_unit_package(sample, u, tmp_path / f"{u}.xlsx", drafts=drafts, views=views)
        a, b = file_parts(path), file_parts(alone)
        assert a.keys() == b.keys(), u
        assert [n for n in a if a[n] != b[n]] == [], u
