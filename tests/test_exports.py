"""Every file a page hands out, opened with openpyxl as the person receiving it would read it."""
import io
import re

import pytest
from openpyxl import load_workbook
from page_text import CODE, MISSING, RAW_ID


def cells(ws, first_row=1):
    for row in ws.iter_rows(min_row=first_row, values_only=True):
        for v in row:
            if v is not None:
                yield v


def readable(ws, first_row=1) -> list[str]:
    """What a Chinese reader must never find in a sheet: ids, codes, missing values, English values."""
    bad = []
    for v in cells(ws, first_row):
        if isinstance(v, str):
            bad += [m.group(0) for p in (MISSING, RAW_ID, CODE) for m in p.finditer(v)]
            if re.fullmatch(r"[A-Za-z][A-Za-z ]+", v) and v not in ("Excel",):
                bad.append(v)
    return bad


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNING_STORE", str(tmp_path / "scenarios.sqlite"))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)


def test_gaps_report_is_what_the_page_shows(sample):
    from planning.apps import CoverageApp

    app = CoverageApp(wb=sample, lang="zh")
    app.area.value = "XJ-KS"
    app.county.value = "XJ-KS-JS"
    app.sector.value = "教育"
    book = load_workbook(io.BytesIO(app.make_report()))
    for ws in book.worksheets:
        # a title line: what, the page's filters, the as-of day, the data's name
        assert ws["A1"].value == "缺口报告｜伽师县、教育｜截至 2026年11月22日｜数据：随程序提供的示例方案", ws.title
        assert ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert "&P" in ws.oddFooter.center.text  # page numbers
        assert readable(ws, 2) == [], (ws.title, readable(ws, 2)[:10])
    ws = book["缺口排行"]
    header = [c.value for c in ws[2]]
    units = [r[0] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert units and all(u.startswith("伽师县") for u in units)  # only what the filters select
    assert all(r[header.index("行业")] == "教育" for r in ws.iter_rows(min_row=3, values_only=True))
    ratio = ws.cell(row=3, column=header.index("满足率") + 1)
    assert isinstance(ratio.value, float) and ratio.number_format == "0%"  # a number, shown as a percentage
    ws = book["交接"]
    header = [c.value for c in ws[2]]
    if ws.max_row >= 3:
        d = ws.cell(row=3, column=header.index("离任日期") + 1)
        assert hasattr(d.value, "year") and d.number_format == "yyyy-mm-dd"


def test_roster_opens_on_the_rosters_of_the_chosen_region(sample, tmp_path):
    import planning
    from planning.apps import AllocationApp

    app = AllocationApp(wb=sample, lang="zh")
    app.region.value = "XJ-KS"
    app.run_button.click()
    data = app.make_roster()
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[:3] == ["派遣名单-按派出城市", "派遣名单-按受援单位", "派遣名单-按组团"]
    assert book.active.title == "派遣名单-按派出城市"
    kashgar = set(planning.programme.access.scope_workbook(sample, ["XJ-KS"]).units["name"])
    for ws in book.worksheets[:3]:
        assert ws["A1"].value.startswith("派遣名单｜喀什地区、2026年11月至2027年10月｜截至 2026年11月22日")
        assert ws.page_setup.orientation == "landscape"
        assert readable(ws, 2) == [], (ws.title, readable(ws, 2)[:10])
        header = [c.value for c in ws[2]]
        hosts = {r[header.index("受援单位")] for r in ws.iter_rows(min_row=3, values_only=True)}
        assert hosts and hosts <= kashgar  # no other region's units
        start = ws.cell(row=3, column=header.index("开始日期") + 1)
        assert hasattr(start.value, "year") and start.number_format == "yyyy-mm-dd"
    # the data tables come last, in the template's form, and load back
    assert book.sheetnames[3] == "地区(regions)"
    path = tmp_path / "roster.xlsx"
    path.write_bytes(data)
    back = planning.load_workbook(path)
    assert set(back.orders["host_unit"]) <= set(planning.programme.access.scope_workbook(sample, ["XJ-KS"]).units["id"])


def test_next_batch_download_holds_only_the_drafts(sample):
    from planning.apps import RotationApp
    from planning.contract.schema import template_header

    app = RotationApp(wb=sample, lang="zh")
    book = load_workbook(io.BytesIO(app.next_bytes))
    assert book.sheetnames == ["需求订单(orders)"]  # the drafts, nothing else
    ws = book.active
    header = [c.value for c in ws[1]]
    assert header[:3] == [template_header("orders", c) for c in ("id", "host_unit", "sector")]
    ids = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert ids and set(ids) == set(app.drafts["id"])
    assert ws.page_setup.orientation == "landscape" and "下一批订单草稿" in ws.oddHeader.center.text


def test_a_readers_next_batch_download_names_posts_never_ids(sample):
    """A host unit (or a leader) downloads the drafts in its words: posts by name, no id, no contract table."""
    from planning.apps import RotationApp
    from planning.programme.access import OfficeRole, Viewer

    app = RotationApp(wb=sample, lang="zh", viewer=Viewer("院长", OfficeRole.HOST_UNIT, ("H-ALE-YY",)))
    assert len(app.drafts) > 0
    book = load_workbook(io.BytesIO(app.next_bytes))
    assert book.sheetnames == ["下一批需求岗位"]
    ws = book.active
    assert [c.value for c in ws[1]] == ["需求岗位", "行业", "专业", "岗位角色", "人数", "开始", "结束", "优先级"]
    text = {str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    ids = set(sample.orders["id"]) | set(app.drafts["id"]) | set(sample.units["id"]) | set(sample.teams["id"])
    assert not {v for v in text if any(i in v for i in ids)}
    assert any(v.startswith("第一师阿拉尔医院·") for v in text)
    assert "下一批需求岗位（待确认）" in ws.oddHeader.center.text and "订单" not in ws.oddHeader.center.text


def test_scenario_report_states_its_assumptions_and_period(sample):
    from planning.apps import ScenariosApp

    app = ScenariosApp(wb=sample, lang="zh")
    city, sector, delta = app.params.children[0].children
    city.value, sector.value, delta.value = "SD-DY", "教育", 3
    app.add_change()
    app.replan_button.click()
    app.make_report()
    book = load_workbook(io.BytesIO(app.report_bytes))
    cover = {r[0]: r[1] for r in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert cover["假设调整 1"] == "东营市多派 3 名教育人员"
    assert cover["统计期"] == "2026年11月22日 至 2027年10月31日"  # the last chosen month's last day
    assert cover["数据来源"] == "随程序提供的示例方案"
    assert cover["满足率等级"] != "充足" or cover["缺口（2026年11月22日）"] == 0


def test_package_and_scenario_report_read_clean(sample, tmp_path):
    """The sheets people read in a unit's package and in the scenario report: no ids, codes or English values."""
    from planning.outputs.packages import write_unit_package
    from planning.outputs.reports import scenario_report

    book = load_workbook(write_unit_package(sample, "H-ALE-YY", tmp_path / "p.xlsx"))
    for ws in book.worksheets[:5]:  # every sheet to read, the indicators sheet too
        assert ws["A1"].value.startswith("第一师阿拉尔医院 材料包｜第一师阿拉尔医院｜截至 2026年11月22日")
        assert ws.page_setup.orientation == "landscape"
        assert readable(ws, 2) == [], (ws.title, readable(ws, 2)[:10])
    report = load_workbook(scenario_report(sample, tmp_path / "r.xlsx", title="2027 计划"))
    assert len(report.sheetnames) <= 8
    for ws in report.worksheets:
        if ws.title != "一人一档":  # person records keep the person's id for filing
            assert readable(ws, 1) == [], (ws.title, readable(ws, 1)[:10])
