"""The grid page driven without a browser: it reads clean, each viewer sees their part, the roster downloads."""
import base64
import io
import re

import openpyxl
import pandas as pd
import pytest
from page_text import page_text, problems_in

from planning.programme.access import OfficeRole, Viewer


pytestmark = pytest.mark.usefixtures("own_store")  # an empty scenario store of each test's own



def book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_reads_clean(sample, lang, data_names):
    from planning.apps import GridApp

    app = GridApp(wb=sample, lang=lang)
    assert "app-ready" in app.root._dom_classes and "problems" not in app.status.value
    app.pick.value = app.pick.options[1][1]
    app.contacts["phone"].value = True
    app.roster_button.click()
    text = page_text(app.root)
    assert not problems_in(text, lang, data_names), sorted(set(problems_in(text, lang, data_names)))[:20]
    # the tree names every unit, its leader and the warnings
    app.pick.value = ""
    tree = app.tree.value
    assert "淳安县援派巴塘工作队" in tree and "医生组" in tree and "⚠" in tree
    assert ("自2027年1月1日起无负责人" if lang == "zh" else "no leader from 2027-01-01") in tree


def test_the_cards_and_the_warnings(sample):
    from planning.apps import GridApp

    app = GridApp(wb=sample, lang="zh")
    cards = app.body.children[1].value
    assert "12" in cards and "29" in cards  # units, people on post in the grid (Batang's 16 among them)
    w = app.warnings.value
    assert "芒辛镇驻乡工作组" in w and "城关乡驻乡工作组" in w and "已有组长岗位，待选派" in w
    assert "浙江省援疆指挥部（阿拉尔）、第一师疾控中心援疆网格" in w  # one seat for the HQ and the cell its head leads
    assert app.tabs.titles[1] == "提醒（4）"


def test_the_roster_has_a_sheet_per_unit_and_only_chosen_contacts(sample):
    from planning.apps import GridApp

    app = GridApp(wb=sample, lang="zh")
    b = book(app.make_roster())
    names = list(sample.management_units["name"])
    assert b.sheetnames == ["网格总表", *names]
    doc = b["医生组"]
    heads = [c.value for c in doc[2]]
    assert heads == ["网格职务", "姓名", "类别", "派出单位", "受援单位", "岗位", "任期开始", "任期结束"]
    rows = [[c.value for c in r] for r in doc.iter_rows(min_row=3)]
    assert rows[0][0] == "负责人" and {r[0] for r in rows[1:]} == {"成员"} and len(rows) == 4
    assert "三级网格花名册" in doc["A1"].value and doc.print_title_rows == "$2:$2"
    app.contacts["phone"].value = True
    b = book(app.make_roster())
    assert [c.value for c in b["医生组"][2]][-1] == "联系电话"
    assert all(str(r[-1].value).startswith("1380000") for r in b["医生组"].iter_rows(min_row=3))


def test_a_contact_column_the_contract_does_not_name_is_refused(sample):
    from planning.outputs.grid_roster import roster_rows

    with pytest.raises(ValueError, match="wechat"):
        roster_rows(sample, contacts=["wechat"], lang="en")
    with pytest.raises(ValueError):
        roster_rows(sample, contacts=["name"])  # a people column, but not a contact column


def test_a_leader_reads_and_downloads_without_contacts(sample):
    from planning.apps import GridApp

    app = GridApp(wb=sample, lang="zh", viewer=Viewer("张伟", OfficeRole.LEADER))
    assert "app-ready" in app.root._dom_classes and app.body.children
    text = page_text(app.root)
    assert "联系电话" not in text and "花名册不含联系方式" in text
    assert not hasattr(app, "accept_button")  # no planner's actions
    heads = [c.value for c in book(app.make_roster())["医生组"][2]]
    assert "联系电话" not in heads


def test_a_host_unit_sees_only_its_own_cells(sample):
    """The Aral hospital's viewer: its own cell, its doctors; nothing of Batang, the CDC or the HQ."""
    from ipywidgets.widgets import widget

    from planning.apps import GridApp

    widget._instances.clear()
    app = GridApp(wb=sample, lang="zh", viewer=Viewer("院长", OfficeRole.HOST_UNIT, ("H-ALE-YY",)))
    data = app.make_roster()
    text = "\n".join(str(getattr(w, "value", "")) for w in widget._instances.values() if
                     isinstance(getattr(w, "value", None), str))
    for b64 in re.findall(r"base64,([A-Za-z0-9+/=]+)", text):
        raw = base64.b64decode(b64)
        if raw[:2] == b"PK":
            text += "\n".join(str(c.value) for ws in book(raw) for row in ws.iter_rows() for c in row if c.value)
    assert book(data).sheetnames == ["网格总表", "第一师阿拉尔医院援疆网格"]
    order_unit = sample.orders.set_index("id")["host_unit"]
    posted = set(sample.assignments.loc[sample.assignments["order"].map(order_unit).eq("H-ALE-YY"), "person"])
    others = set(sample.people.loc[~sample.people["id"].isin(posted), "name"])
    assert not {n for n in others if n in text}
    hidden = set(sample.management_units["name"]) - {"第一师阿拉尔医院援疆网格"}
    assert not {n for n in hidden if n in text}
    assert "第一师阿拉尔医院援疆网格" in app.tree.value


def test_a_planner_saves_the_proposed_lead_seats_as_a_version(sample):
    from planning.apps import GridApp
    from planning.scenarios.store import open_store

    app = GridApp(wb=sample, lang="zh")
    assert not app.accept_button.disabled and "组长岗位" in app.seats_link.value
    app.accept_button.click()
    assert "第 1 版" in app.accept_status.value
    store = open_store()
    wb = store.load("组长岗位调整", 1).workbook
    store.close()
    new = wb.orders[~wb.orders["id"].isin(set(sample.orders["id"]))]
    assert sorted(new["id"]) == ["ZJ-ALE-HQ-LEAD-202702", "ZJ-ALE-YY-LEAD-202702"]
    assert set(new["role"]) == {"lead"} and (new["start"] == pd.Timestamp("2027-02-01")).all()


def test_a_workbook_without_a_grid_says_how_to_make_one(sample):
    from planning.apps import GridApp
    from planning.contract import empty_table

    wb = sample.copy()
    wb.management_units = empty_table("management_units")
    app = GridApp(wb=wb, lang="zh")
    assert "还没有管理网格" in page_text(app.root) and "problems" not in app.status.value


def test_the_roster_of_one_grid(sample):
    """The grid chosen on the first tab is the grid printed."""
    from planning.apps import GridApp

    app = GridApp(wb=sample, lang="zh")
    app.pick.value = "ZJ-ALE-HQ"
    assert "第一师疾控中心援疆网格" in app.preview.value and "医生组" not in app.preview.value
    b = book(app.make_roster())
    assert b.sheetnames == ["网格总表", "浙江省援疆指挥部（阿拉尔）", "第一师阿拉尔医院援疆网格", "第一师疾控中心援疆网格"]
    assert "浙江省援疆指挥部（阿拉尔）" in b["网格总表"]["A1"].value
    assert "（4 页）" in app.roster_link.value
