"""The template as a planner meets it: guided columns, examples that are skipped, and a LibreOffice round trip."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import planning
from planning.contract.template import LISTS_SHEET, write_template

pytestmark = pytest.mark.slow


def validations(ws) -> dict[str, object]:
    """Column letter → its data validation."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[rng.split(":")[0].rstrip("0123456789")] = dv
    return out


def test_template_guides_every_column(tmp_path):
    book = load_workbook(write_template(tmp_path / "t.xlsx"))
    assert book.sheetnames[0] == "说明" and book.sheetnames[-1] == LISTS_SHEET
    assert book["说明"]["A1"].value == "填写顺序" and "地区" in book["说明"]["B1"].value
    orders = book["需求订单(orders)"]
    v = validations(orders)
    header = [c.value for c in orders[1]]
    col = {h.split("(")[1].rstrip(")"): chr(ord("A") + i) for i, h in enumerate(header)}
    assert v[col["host_unit"]].formula1 == "'单位(units)'!$A$2:$A$5000"  # the units entered
    assert v[col["team"]].formula1 == "'组团(teams)'!$A$2:$A$5000"
    assert v[col["sector"]].formula1 == f"'{LISTS_SHEET}'!$A$2:$A$200"  # the one sectors list
    assert v[col["role"]].formula1 == '"组长,成员"'
    assert v[col["start"]].type == "date" and v[col["headcount"]].type == "whole"
    assert all(dv.showInputMessage and dv.prompt for dv in v.values())  # a prompt in Chinese on every column
    people = book["援派人员(people)"]
    letter = chr(ord("A") + [c.value for c in people[1]].index("行业(sector)"))
    assert validations(people)[letter].formula1 == f"'{LISTS_SHEET}'!$A$2:$A$200"  # the same sectors list
    assert str(orders["A2"].value).startswith("【示例】")  # examples, marked
    assert planning.check_workbook(tmp_path / "t.xlsx") == []  # and skipped by the loader


def fill(path: Path):
    """Fill the template as a planner would: a sending city and a host county, a unit each, a pairing,
    two people, one order and a posting; Chinese values in the dropdown columns."""
    from planning.contract.schema import value_label as zh

    book = load_workbook(path)
    send, host = zh("sending"), zh("host")
    rows = {
        "地区(regions)": [["SD", "山东省", zh("province"), None, send], ["SD-JN", "济南市", zh("city"), "SD", send],
                        ["XJ-KS", "喀什地区", zh("prefecture"), None, host],
                        ["XJ-KS-SL", "疏勒县", zh("county"), "XJ-KS", host]],
        "单位(units)": [["SD-JN-YZ", "济南第一中学", zh("school"), "SD-JN", send],
                      ["H-SL-1", "疏勒县第一中学", zh("school"), "XJ-KS-SL", host]],
        "结对关系(pairings)": [["SD-JN", "XJ-KS-SL", None, zh("exclusive")]],
        "援派人员(people)": [["P1", "张老师", "SD-JN-YZ", "专业技术人才", "教育", "数学", 3, "是"],
                         ["P2", "李老师", "SD-JN-YZ", "专业技术人才", "教育", "语文", 2, "否"]],
        "需求订单(orders)": [["O1", "H-SL-1", "教育", "数学", "成员", 2]],
    }
    for sheet, new in rows.items():
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        for r in new:
            ws.append(r + [None] * (len(header) - len(r)))
    # dates typed as a planner types them
    for sheet, cols, values in (("援派人员(people)", ("可派起始日(available_from)", "可派截止日(available_to)"),
                                 ("2026-01-01", "2029-12-31")),
                                ("需求订单(orders)", ("开始日期(start)", "结束日期(end)"), ("2027-02-01", "2028-07-31"))):
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        for r in range(2, ws.max_row + 1):
            first = str(ws.cell(r, 1).value or "")
            if not first or first.startswith("【示例】"):
                continue
            for c, v in zip(cols, values):
                if c in header:
                    ws.cell(r, header.index(c) + 1).value = v
    book.save(path)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by make system")
def test_a_template_filled_and_saved_by_libreoffice_passes_check(tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    fill(path)
    out = tmp_path / "out"
    run = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                          "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    saved = out / "模板.xlsx"
    assert saved.exists(), run.stdout + run.stderr
    check = subprocess.run([sys.executable, "-m", "planning.cli", "check", str(saved)], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    wb = planning.load_workbook(saved)
    assert set(wb.people["id"]) == {"P1", "P2"} and wb.people.set_index("id").at["P1", "category"] == "professional"
    assert wb.orders.at[0, "headcount"] == 2 and str(wb.orders.at[0, "start"].date()) == "2027-02-01"
