"""Assessment sheets (考评表): one per host unit or team with only its people in the period, and the filled sheet
taken back: only that unit's or team's people's assessments change; a reply touching others or breaking the contract
is refused in one sentence and changes nothing. Includes a LibreOffice round trip."""
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

import planning
from planning.outputs.packages import ReplyError, merge_assessment_reply, write_assessment_sheet

UNIT, OTHER, PERIOD = "H-FS-V01", "H-FS-V02", "2026-06"  # 米家垣第1村: its secretary P0409 and a member P0410
ITEMS = [f"FS-A{k}" for k in range(1, 9)]


def on_post(wb, host, period):
    """People with a stint on one of ``host``'s orders (unit or team) overlapping the period: a plain loop."""
    first, last = pd.Period(period, freq="M" if len(period) == 7 else "Y").start_time, \
        pd.Period(period, freq="M" if len(period) == 7 else "Y").end_time.normalize()
    mine = {o["id"] for o in wb.orders.to_dict("records") if host in (o["host_unit"], o["team"])}
    out = set()
    for a in wb.assignments.to_dict("records"):
        if a["order"] in mine and a["start"] <= last and (pd.isna(a["end"]) or a["end"] >= first):
            out.add(a["person"])
    return out


@pytest.fixture(scope="module")
def sheet(sample, tmp_path_factory):
    return write_assessment_sheet(sample, UNIT, PERIOD, tmp_path_factory.mktemp("as") / "考评表.xlsx")


def rows_of(path):
    ws = load_workbook(path).active
    header = [c.value for c in ws[2]]
    return ws, header, [dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_the_sheet_holds_the_units_people_in_the_period_with_the_items_as_validated_columns(sample, sheet):
    ws, header, rows = rows_of(sheet)
    assert ws.title == "考评表" and ws["A1"].value.startswith("米家垣第1村村民委员会 2026-06 考评表｜")
    assert header[:3] == ["人员", "姓名", "期间"] and header[-3:] == ["等次", "考评人", "备注"]
    assert header[3:-3] == [f"{n}({i})" for i, n in zip(sample.assessment_items["id"], sample.assessment_items["name"])]
    assert {r["人员"] for r in rows} == on_post(sample, UNIT, PERIOD) == {"P0409", "P0410"}
    mine = next(r for r in rows if r["人员"] == "P0409")  # what the programme holds is filled in
    held = sample.assessments[sample.assessments["person"].eq("P0409") & sample.assessments["period"].eq(PERIOD)]
    assert [mine[h] for h in header[3:-3]] == held["score"].tolist() and mine["等次"] == "优秀"
    checks = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    scores = [dv for dv in checks.values() if dv.type == "decimal"]
    assert len(scores) == 8 and {(dv.formula1, dv.formula2) for dv in scores} == {("0", "15"), ("0", "10")}
    (grade,) = [dv for dv in checks.values() if dv.type == "list"]
    assert grade.formula1 == '"优秀,称职,基本称职,不称职"'
    strangers = set(sample.people["id"]) - {"P0409", "P0410"}
    text = {str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    assert not text & strangers and not text & set(sample.people.set_index("id").loc[list(strangers), "name"])


def test_a_teams_sheet_holds_the_people_of_its_orders(sample, tmp_path):
    team = "T-SCH01"
    _, _, rows = rows_of(write_assessment_sheet(sample, team, "2026", tmp_path / "t.xlsx"))
    assert {r["人员"] for r in rows} == on_post(sample, team, "2026") and len(rows) > 5


def fill(path, out, changes: dict[str, dict]):
    """Write ``changes`` ({person: {header: value}}) into the sheet at ``path`` as an assessor would; save to out."""
    book = load_workbook(path)
    ws = book.active
    header = [c.value for c in ws[2]]
    for r in range(3, ws.max_row + 1):
        who = ws.cell(r, 1).value
        for h, v in changes.get(who, {}).items():
            if h not in header:
                ws.cell(2, len(header) + 1, h)
                header.append(h)
            ws.cell(r, header.index(h) + 1).value = v
    for who, ch in changes.items():  # a row for someone not on the sheet
        if who not in [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]:
            r = ws.max_row + 1
            ws.cell(r, 1, who)
            ws.cell(r, 3, PERIOD)
            for h, v in ch.items():
                ws.cell(r, header.index(h) + 1).value = v
    book.save(out)
    return out


def scores_for(header, values):
    return dict(zip(header[3:-3], values))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by make system")
def test_a_sheet_filled_and_saved_by_libreoffice_is_taken_in_changing_only_the_units_people(sample, sheet, tmp_path):
    _, header, _ = rows_of(sheet)
    filled = fill(sheet, tmp_path / "filled.xlsx", {"P0410": {**scores_for(header, [12, 13, 12, 11, 8, 8, 7, 7]),
                                                              "等次": "称职", "考评人": "米家垣村党支部", "备注": "首次考评"}})
    out = tmp_path / "lo"
    run = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                          "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    saved = out / "filled.xlsx"
    assert saved.exists(), run.stdout + run.stderr
    merged_path = tmp_path / "merged"
    run = subprocess.run([sys.executable, "-m", "planning.cli", "packages", str(planning.SAMPLE), "--assessments",
                          PERIOD, "--reply", str(saved), "--unit", UNIT, "--out", str(merged_path)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    merged = planning.load_workbook(merged_path)
    a = merged.assessments
    new = a[a["person"].eq("P0410") & a["period"].eq(PERIOD)].set_index("item")
    assert new["score"].to_dict() == dict(zip(ITEMS, [12.0, 13.0, 12.0, 11.0, 8.0, 8.0, 7.0, 7.0]))
    assert new.loc["FS-A1", "grade"] == "competent" and new.loc["FS-A1", "assessor"] == "米家垣村党支部"
    key = ["person", "period", "item"]
    before = sample.assessments.set_index(key).sort_index()
    after = a[~(a["person"].eq("P0410") & a["period"].eq(PERIOD))].set_index(key).sort_index()
    pd.testing.assert_frame_equal(before, after, check_dtype=False)  # nobody else's assessment changed


@pytest.mark.parametrize("changes, column, what", [
    ({"P0409": {"产业发展(FS-A4)": 16}}, "产业发展(FS-A4)", "0 到 15"),
    ({"P0409": {"产业发展(FS-A4)": "很好"}}, "产业发展(FS-A4)", "0 到 15"),
    ({"P0409": {"等次": "良好"}}, "等次", "优秀、称职"),
    ({"P0409": {"等次": "基本称职"}}, "等次", "总分 100"),  # 100 points earn 优秀 under the thresholds
    ({"P0409": {"附加分": 3}}, "附加分", "考评项目"),
    ({"P0001": {"政治素质(FS-A1)": 10}}, "人员", "P0001 不是本单位"),  # someone of another unit
])
def test_a_reply_breaking_the_rules_or_touching_others_is_refused_in_one_sentence(sample, sheet, tmp_path, changes,
                                                                                  column, what):
    before = sample.assessments.copy()
    path = fill(sheet, tmp_path / "reply.xlsx", changes)
    with pytest.raises(ReplyError) as e:
        merge_assessment_reply(sample, path, UNIT, "zh")
    said = str(e.value)
    assert said.startswith("reply.xlsx，工作表“考评表”，第 ") and f"“{column}”列" in said and what in said, said
    assert said.endswith("未作任何改动。") and said.count("。") == 1
    pd.testing.assert_frame_equal(sample.assessments, before)


def test_another_units_sheet_cannot_be_taken_in_as_this_ones(sample, sheet):
    with pytest.raises(ReplyError, match="P0409 不是本单位"):
        merge_assessment_reply(sample, sheet, OTHER, "zh")


def test_the_cli_writes_one_sheet_per_unit_with_people_in_the_period(tmp_path):
    run = subprocess.run([sys.executable, "-m", "planning.cli", "packages", str(planning.SAMPLE), "--assessments",
                          PERIOD, "--units", f"{UNIT},{OTHER},T-SCH01", "--out", str(tmp_path)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert len(list(tmp_path.glob("*.xlsx"))) == 3
    run = subprocess.run([sys.executable, "-m", "planning.cli", "packages", str(planning.SAMPLE), "--assessments",
                          "2026-13"], capture_output=True, text=True)
    assert run.returncode != 0 and "2026-13" in run.stderr and "Traceback" not in run.stderr


def _refused(sample, path) -> str:
    with pytest.raises(ReplyError) as e:
        merge_assessment_reply(sample, path, UNIT, "zh")
    return str(e.value)


def test_a_bomb_a_formula_a_file_that_is_no_workbook_and_a_damaged_one_are_refused(sample, sheet, tmp_path,
                                                                                   monkeypatch):
    """The assessment reply is opened as every reply is: its size checked before anything is unpacked, formulas
    refused (never run or read as their last value), each refusal one sentence naming the file and sheet."""
    import zipfile

    _, header, _ = rows_of(sheet)
    book = load_workbook(sheet)
    ws = book.active
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "P0410")
    ws.cell(row, 4).value = "=10+2"  # a formula in a score, as typing = in Excel makes it
    book.save(tmp_path / "f.xlsx")
    said = _refused(sample, tmp_path / "f.xlsx")
    assert said.startswith(f"f.xlsx，工作表“考评表”，第 {row} 行，“{header[3]}”列：这一格是公式（=10+2）"), said
    (tmp_path / "notes.txt").write_text("hello")
    assert _refused(sample, tmp_path / "notes.txt").startswith("notes.txt，工作表“考评表”：无法读取（不是 .xlsx 文件）")
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(sheet) as zin, zipfile.ZipFile(cut, "w") as z:
        for i in zin.infolist():
            data = zin.read(i)
            z.writestr(i, data[:len(data) // 2] if i.filename.startswith("xl/worksheets/sheet") else data)
    assert _refused(sample, cut).startswith("cut.xlsx，工作表“考评表”：无法读取（")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 << 20))  # 3 MB of zeros in a few kB
    monkeypatch.setenv("PLANNING_MAX_UNPACKED_MB", "1")
    said = _refused(sample, bomb)
    assert "解压后超过 1 MB" in said and said.endswith("未作任何改动。"), said
    assert sample.assessments.equals(planning.load_workbook(planning.SAMPLE).assessments)  # nothing changed
