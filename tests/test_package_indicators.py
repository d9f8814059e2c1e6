"""A host unit's package shows its own indicators for the current period (targets, actuals to fill) and its reply
reports actuals for its own units only, each row found by the names the sheet shows (no id in it); anything else is
refused in one sentence. Includes a LibreOffice round trip."""
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

import planning
from planning.outputs.packages import ReplyError, merge_reply, reported_actuals, write_unit_package

UNIT = "H-SCH01"  # 疏勒县第一中学: candidates, passes and teacher training in 2026
SHEET = "本单位成效指标（请填写实际值）"


@pytest.fixture(scope="module")
def package(sample, tmp_path_factory):
    return write_unit_package(sample, UNIT, tmp_path_factory.mktemp("pkg") / "package.xlsx")


def sheet_rows(path):
    ws = load_workbook(path)[SHEET]
    header = [c.value for c in ws[2]]
    return ws, header, [dict(zip(header, r)) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_the_package_shows_the_units_own_indicators_this_period_with_targets(sample, package):
    ws, header, rows = sheet_rows(package)
    assert ws["A1"].value.startswith("疏勒县第一中学 材料包｜")
    assert header == ["受援单位", "指标", "计量单位", "期间", "基线", "目标", "实际（请填写）"]
    v = sample.indicator_values
    d = sample.indicator_definitions.set_index("id")
    # a plain loop: the unit's own host-unit values (not ratios, which are computed) whose period holds 2026-11-22
    want = {(d.at[r["indicator"], "name"], r["period"], r["target"]) for r in v.to_dict("records")
            if r["subject"] == UNIT and d.at[r["indicator"], "aggregation"] != "ratio"
            and r["period"] in ("2026", "2026-11")}
    assert {(r["指标"], r["期间"], r["目标"]) for r in rows} == want and len(want) == 3
    assert {r["受援单位"] for r in rows} == {"疏勒县第一中学"}  # by name, never by id
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "decimal" and str(dv.sqref) == f"G3:G{len(rows) + 2}"


def fill(path, out, edits):
    """``edits``: [(indicator name, header, value)] written into the indicators sheet; saved to ``out``."""
    book = load_workbook(path)
    ws = book[SHEET]
    header = [c.value for c in ws[2]]
    for ind, h, value in edits:
        r = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 2).value == ind)
        ws.cell(r, header.index(h) + 1).value = value
    book.save(out)
    return out


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by make system")
def test_actuals_filled_and_saved_by_libreoffice_are_taken_in_for_the_unit_only(sample, package, tmp_path):
    filled = fill(package, tmp_path / "reply.xlsx", [("本科上线人数", "实际（请填写）", 106), ("教师培训人次", "实际（请填写）", 275)])
    out = tmp_path / "lo"
    run = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                          "--convert-to", "xlsx", "--outdir", str(out), str(filled)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    saved = out / "reply.xlsx"
    assert saved.exists(), run.stdout + run.stderr
    merged_path = tmp_path / "merged"
    run = subprocess.run([sys.executable, "-m", "planning.cli", "packages", str(planning.SAMPLE), "--reply",
                          str(saved), "--unit", UNIT, "--out", str(merged_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    merged = planning.load_workbook(merged_path)
    key = ["subject", "indicator", "period"]
    after = merged.indicator_values.set_index(key).sort_index()
    before = sample.indicator_values.set_index(key).sort_index()
    assert after.loc[(UNIT, "EDU-PASS", "2026"), "actual"] == 106
    assert after.loc[(UNIT, "EDU-TRAIN", "2026"), "actual"] == 275
    changed = (after["actual"] != before["actual"]) & ~(after["actual"].isna() & before["actual"].isna())
    assert set(changed[changed].index) == {(UNIT, "EDU-PASS", "2026"), (UNIT, "EDU-TRAIN", "2026")}
    assert after[["baseline", "target"]].equals(before[["baseline", "target"]])
    res = planning.results(merged, on="2026-11-22").set_index(["subject", "indicator"])
    assert res.loc[(UNIT, "EDU-RATE"), "actual"] == pytest.approx(106 / after.loc[(UNIT, "EDU-CAND", "2026"), "actual"])


@pytest.mark.parametrize("edits, column, what", [
    ([("本科上线人数", "受援单位", "疏勒县实验中学")], "受援单位", "其他单位（疏勒县实验中学）"),
    ([("本科上线人数", "目标", 200)], "目标", "只能填写实际值"),
    ([("本科上线人数", "基线", None)], "基线", "只能填写实际值"),
    ([("本科上线人数", "实际（请填写）", "很多")], "实际（请填写）", "不是数字"),
    ([("本科上线人数", "指标", "新增就业人数")], "指标", "没有 2026 的指标“新增就业人数”"),
    ([("本科上线人数", "期间", "2025")], "指标", "没有 2025 的指标"),
    ([("本科上线人数", "实际（请填写）", "=1+1")], "实际（请填写）", "这一格是公式"),
])
def test_a_reply_reporting_for_others_or_changing_targets_is_refused_in_one_sentence(sample, package, tmp_path,
                                                                                      edits, column, what):
    before = sample.indicator_values.copy()
    path = fill(package, tmp_path / "reply.xlsx", edits)
    with pytest.raises(ReplyError) as e:
        merge_reply(sample, path, UNIT, "zh")
    said = str(e.value)
    assert said.startswith(f"reply.xlsx，工作表“{SHEET}”，第 4 行，")  # 本科上线人数 is the sheet's second row
    assert f"“{column}”列" in said and what in said and said.endswith("未作任何改动。"), said
    pd.testing.assert_frame_equal(sample.indicator_values, before)


def test_an_empty_actual_changes_nothing_and_a_reply_without_the_sheet_still_loads(sample, package, tmp_path):
    path = fill(package, tmp_path / "reply.xlsx", [("本科上线人数", "实际（请填写）", None)])
    merged = merge_reply(sample, path, UNIT, "zh")
    pd.testing.assert_frame_equal(merged.indicator_values, sample.indicator_values)
    book = load_workbook(package)
    del book[SHEET]
    book.save(tmp_path / "old.xlsx")
    assert reported_actuals(tmp_path / "old.xlsx") is None
