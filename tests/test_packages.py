"""Per-unit packages: nothing about other units inside, and the unit's reply loads back into the programme."""
import subprocess
import sys

import pytest
from openpyxl import load_workbook

import planning
from planning.outputs.packages import ReplyError, merge_reply, write_unit_package

UNIT = "H-ALE-YY"  # 第一师阿拉尔医院: its orders end with the current batch, so it has drafts to confirm


@pytest.fixture(scope="module")
def package(sample, tmp_path_factory):
    return write_unit_package(sample, UNIT, tmp_path_factory.mktemp("pkg") / "package.xlsx")


def test_package_holds_only_the_unit(sample, package):
    book = load_workbook(package)
    assert book.sheetnames[:4] == ["本单位在岗人员", "本单位缺口", "逐月在岗与期满", "下一批需求岗位（请确认）"]
    assert book.active.title == "本单位在岗人员"
    assert book["本单位在岗人员"]["A1"].value.startswith("第一师阿拉尔医院 材料包｜第一师阿拉尔医院｜截至 2026年11月22日")
    others = set(sample.units.loc[sample.units["side"].eq("host") & sample.units["id"].ne(UNIT), "name"])
    other_ids = set(sample.units.loc[sample.units["side"].eq("host") & sample.units["id"].ne(UNIT), "id"])
    mine = planning.programme.access.scope_workbook(sample, [UNIT])
    strangers = set(sample.people["name"]) - set(mine.people["name"])
    text = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not [v for v in text if v in others or v in other_ids]  # no other host unit, by name or id
    assert not [v for v in text if v in strangers]  # nobody posted elsewhere
    drafts = book["下一批需求岗位（请确认）"]
    assert drafts.max_row >= 3 and drafts.page_setup.orientation == "landscape"


def test_a_units_reply_loads_back_and_updates_its_orders(sample, package, tmp_path):
    """The unit confirms its drafts and changes one headcount in Excel; the reply updates only its orders."""
    book = load_workbook(package)
    ws = book["需求订单(orders)"]
    header = [c.value for c in ws[1]]
    i_id, i_head = header.index("编号(id)") + 1, header.index("人数(headcount)") + 1
    changed = None
    for r in range(2, ws.max_row + 1):
        if "-N" in str(ws.cell(r, i_id).value):
            changed = ws.cell(r, i_id).value
            ws.cell(r, i_head).value = 5
            break
    assert changed
    reply_path = tmp_path / "reply.xlsx"
    book.save(reply_path)
    out = tmp_path / "merged"
    run = subprocess.run([sys.executable, "-m", "planning.cli", "packages", str(planning.SAMPLE), "--reply",
                          str(reply_path), "--unit", UNIT, "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    merged = planning.load_workbook(out)
    o = merged.orders.set_index("id")
    assert o.loc[changed, "headcount"] == 5 and o.loc[changed, "host_unit"] == UNIT
    before = sample.orders[sample.orders["host_unit"].ne(UNIT)].set_index("id").sort_index()
    after = merged.orders[merged.orders["host_unit"].ne(UNIT)].set_index("id").sort_index()
    assert before.equals(after)  # no other unit's orders changed
    assert len(merged.assignments) == len(sample.assignments)


def test_a_reply_with_another_units_orders_changes_nothing(sample, package):
    reply = planning.load_workbook(package)
    reply.orders.loc[0, "host_unit"] = "H-SCH01"
    with pytest.raises(ReplyError, match="其他单位"):
        merge_reply(sample, reply, UNIT, "zh")
    reply = planning.load_workbook(package)
    staffed = sorted(set(reply.assignments["order"]))[0]
    reply.orders = reply.orders[reply.orders["id"].ne(staffed)]
    with pytest.raises(ReplyError, match="already|已有人员"):
        merge_reply(sample, reply, UNIT, "zh")


def test_packages_button_zips_one_file_per_unit(sample):
    import io
    import zipfile

    from planning.apps import RotationApp

    app = RotationApp(wb=sample, lang="zh")
    app.packages_button.click()
    z = zipfile.ZipFile(io.BytesIO(app.packages_bytes))
    assert len(z.namelist()) == sample.orders["host_unit"].nunique()
    assert "download=" in app.packages_link.value and "application/zip" in app.packages_link.value
