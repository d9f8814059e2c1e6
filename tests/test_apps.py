"""The allocation and rotation apps driven without a browser."""

import json

import pytest

from planning.programme.access import OfficeRole, Viewer


def test_allocation_app_run_pin_forbid_compare_roster(sample):
    from planning.apps import AllocationApp

    app = AllocationApp(wb=sample, lang="en")
    assert app.plan is None and "Not run yet" in app.kpis.value
    app.run_button.click()
    plan = app.plan
    assert plan is not None and plan.objective.status == "optimal" and "This is the best plan" in app.kpis.value
    assert len(plan.assignments) > 0
    assert "<table" in app.teams.value and "<table" in app.unfilled.value and "<table" in app.cities.value
    first = app.pick.value
    app.forbid_button.click()
    assert app.forbids == [first]
    app.run_button.click()
    assert app.previous is plan
    assert not ((app.plan.assignments["person"] == first[0]) & (app.plan.assignments["order"] == first[1])).any()
    assert "Against the previous run" in app.compare.value
    # pin the pair back: the pin wins over the earlier forbid and the plan honours it
    app.pick.options = [("x", first)]
    app.pick.value = first
    app.pin_button.click()
    assert app.pins == [first] and app.forbids == []
    app.run_button.click()
    a = app.plan.assignments
    assert ((a["person"] == first[0]) & (a["order"] == first[1])).any()
    data = app.make_roster()
    assert data[:2] == b"PK" and "download=" in app.download_link.value


def test_plan_quality_in_plain_words():
    """Solver results in words: the best plan, or how many more seats a better plan could fill at most."""
    from planning.allocation import Objective
    from planning.apps.allocation import plan_quality

    assert plan_quality(Objective(value=222, bound=222, status="optimal", gap=0.0, method="exact", seconds=1.0), "zh")[0] == "这是最好的方案"
    words = plan_quality(Objective(value=200, bound=205, status="time_limit", gap=0.02, method="exact",
                                  seconds=60.0), "zh")
    assert words[0] == "方案可能还能改进" and words[2] == "最多还能多安排 5 个岗位"


def test_allocation_app_region_limits_the_run(sample):
    from planning.apps import AllocationApp

    app = AllocationApp(wb=sample, lang="zh")
    region = next(v for label, v in app.region.options if "伽师县" in label)
    app.region.value = region
    app.run_button.click()
    hosts = set(app.hosts())
    assert app.plan is not None and set(app.plan.assignments["host_unit"]) <= hosts
    assert set(app.plan.unfilled["host_unit"]) <= hosts


def test_allocation_app_bad_pin_is_a_sentence(sample):
    from planning.apps import AllocationApp

    app = AllocationApp(wb=sample, lang="en")
    app.pins = [("P0001", "O-HOS1-M")]  # a school lead on a hospital order
    app.run_button.click()
    assert app.plan is None and "cannot run" in app.progress_text.value and "P0001" in app.progress_text.value
    assert "Traceback" not in app.progress_text.value


def test_rotation_app(sample):
    from planning.apps import RotationApp

    app = RotationApp(wb=sample, lang="zh")
    assert "problems" not in app.status.value and "<svg" in app.gantt.value
    assert len(app.drafts) > 0 and app.next_bytes[:2] == b"PK"
    before = app.drafts["start"].copy()
    app.overlap.value = 0
    assert (app.drafts["start"] >= before).all()
    app.propose_button.click()
    assert app.flexible_plan.objective.status == "optimal" and "<table" in app.proposals.value
    assert set(app.flexible_plan.assignments["person"]) <= set(sample.people.loc[sample.people.program == "flexible", "id"])
    app.pair_button.click()
    pro, cad = app.new_pairs
    assert len(pro) > 0 and "新增" in app.pairs.value
    assert pro.groupby("mentor").size().max() <= app.capacity.value


def test_rotation_app_township_mentors(sample):
    """浮山: with no pairs yet, village cadres get mentors from their township's pool."""
    from planning.apps import RotationApp

    wb = sample.copy()
    wb.mentorships = wb.mentorships.iloc[:0]
    app = RotationApp(wb=wb, lang="zh")
    app.mentors_from.value = "above"
    app.pair_button.click()
    cad = app.new_pairs[1]
    fs = cad[cad.apprentice_unit.str.startswith("H-FS-V")]
    assert len(fs) > 0 and fs.host_unit.str.startswith("H-FS-T").all()
    assert "徒弟所在单位" in app.pairs.value and "米家垣乡人民政府" in app.pairs.value


def test_scenarios_app_what_if_save_publish_report(sample, tmp_path):
    """Base → changes → re-plan → compare → save → publish → report, and a second planner's conflict."""
    from planning.apps import ScenariosApp
    from planning.scenarios.store import open_store

    from planning.programme.access import OfficeRole, Viewer

    store = open_store(tmp_path / "s.sqlite")
    app = ScenariosApp(wb=sample, store=store, lang="zh", viewer=Viewer("李明", OfficeRole.PLANNER))
    assert "problems" not in app.status.value
    assert "李明" in app.author.value  # the signed-in planner; there is no box to type another name into
    app.kind.value = "senders"
    app.p_city.value, app.p_sector.value, app.p_delta.value = "SD-DY", "教育", 3  # 东营's schools are short
    app.add_button.click()
    app.kind.value = "orders"
    app.p_headcount.value = -5  # would leave an order needing nobody: refused with a sentence, not kept
    app.add_button.click()
    assert len(app.changes) == 1 and "需求人数将少于 1" in app.change_list.value
    assert "东营市多派 3 名教育人员" in app.change_list.value
    app.replan_button.click()
    c = app.comparison
    assert c is not None and app.plan.objective.status == "optimal"
    # both sides planned over the same window: the difference is the three new people's alone
    assert c.totals["gap_b"] - c.totals["gap_a"] == c.totals["gap_change"] < 0
    added = c.people.loc[c.people.change == "added", "person"]
    assert c.totals["added"] == 3 and set(added) == set(app.plan.workbook.people.id[-3:])
    assert "→" in app.kpis.value and "<table class='heat'>" in app.heat.value and "新增" in app.moved.value
    app.name.value = "推演A"
    app.save_button.click()
    assert app.saved == ("推演A", 1) and store.load("推演A").workbook.equals(app.plan.workbook)
    assert store.versions("推演A").author.tolist() == ["李明"]
    # publishing says what leaders will see and waits for confirmation; cancelling changes nothing
    app.publish_button.click()
    assert store.published() is None and app.confirm_box.layout.display == "flex"
    assert "推演A" in app.confirm_text.value and "第 1 版" in app.confirm_text.value and "基础数据" in app.confirm_text.value
    app.cancel_button.click()
    assert store.published() is None and app.confirm_box.layout.display == "none"
    app.publish_button.click()
    app.confirm_button.click()
    assert store.published() == ("推演A", 1) and "已发布" in app.save_status.value
    assert "李明" in app.publications.value and "发布" in app.publications.value
    # withdrawing is confirmed and recorded too
    app.unpublish_button.click()
    assert "当前发布的推演A · 第 1 版" in app.confirm_text.value and store.published() == ("推演A", 1)
    app.confirm_button.click()
    assert store.published() is None and "撤回" in app.publications.value
    assert store.publications().action.tolist() == ["unpublish", "publish"]
    app.publish_button.click()
    app.confirm_button.click()
    app.report_button.click()
    assert app.report_bytes[:2] == b"PK" and b"<script" not in app.report_html
    # a second planner starts from version 1, the first saves version 2, the second's save is refused
    other = ScenariosApp(wb=sample, store=store, lang="en", viewer=Viewer("Wang Fang", OfficeRole.PLANNER))
    other.source_pick.value = ("version", "推演A", 1)  # the shared data source picker: a saved version
    assert "saved scenario 推演A, version 1" in other.status.value and other.loaded == ("推演A", 1)
    app.save_button.click()
    assert app.saved == ("推演A", 2)
    other.save_button.click()
    assert "newer version" in other.save_status.value and len(store.versions("推演A")) == 2
    # the page keeps its results across a language switch
    app.switch_lang()
    assert "Seat-months" in app.kpis.value and "problems" not in app.status.value


def test_pages_show_the_published_scenario(sample, tmp_path, monkeypatch):
    """Without --data, the pages show the version published in the store and say which one it is."""
    from planning.apps import CoverageApp, OverviewApp
    from planning.scenarios.store import open_store

    path = tmp_path / "pub.sqlite"
    monkeypatch.setenv("PLANNING_STORE", str(path))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    monkeypatch.delenv("PLANNING_DATA", raising=False)
    assert "随程序提供的示例方案" in OverviewApp(lang="zh").status.value and not path.exists()  # no store: not created
    wb = sample.copy()
    wb.orders = wb.orders[wb.orders.host_unit != "H-SCH01"].reset_index(drop=True)
    wb.assignments = wb.assignments[wb.assignments.order.isin(wb.orders.id)].reset_index(drop=True)
    store = open_store(path)
    store.save("2027 方案", wb, author="李明")
    assert "随程序提供的示例方案" in OverviewApp(lang="zh").status.value  # saved but not published
    store.publish("2027 方案", 1)
    app = OverviewApp(lang="zh")
    assert "已发布方案“2027 方案”第 1 版（李明" in app.status.value and app.wb.equals(wb)
    assert "published scenario 2027 方案, version 1" in CoverageApp(lang="en").status.value
    monkeypatch.setenv("PLANNING_DATA", sample.source)  # --data names a workbook: that one is shown
    assert "随程序提供的示例方案" in OverviewApp(lang="zh").status.value


def test_published_version_is_part_of_the_stamp_on_a_database_server(tmp_path, monkeypatch):
    """With PLANNING_DB_URL (no file to watch), what is published is asked for, so a preheated page reloads."""
    from planning import load_workbook, SAMPLE
    from planning.apps.base import dashboard_stamp
    from planning.scenarios.store import open_store

    url = f"sqlite:///{tmp_path / 'server.sqlite'}"  # stands in for a database server: no PLANNING_STORE file
    monkeypatch.setenv("PLANNING_DB_URL", url)
    monkeypatch.delenv("PLANNING_DATA", raising=False)
    store = open_store(url)
    store.save("甲", load_workbook(SAMPLE), author="李明")
    before = dashboard_stamp()
    store.publish("甲", 1)
    assert dashboard_stamp() != before and dashboard_stamp()[1] == ("甲", 1)


def test_tables_show_missing_values_as_empty_cells():
    """No ``nan``, ``None``, ``NaT`` or ``<NA>`` reaches a page from a table with gaps in it."""
    import numpy as np
    import pandas as pd

    from planning.apps.base import html_table

    df = pd.DataFrame({"a": [1, None], "b": [np.nan, 2.5], "c": pd.array([pd.NA, 3], dtype="Int64"),
                       "d": pd.to_datetime([None, "2027-01-01"]), "e": ["x", None]})
    out = html_table(df)
    for word in ("nan", "None", "NaT", "&lt;NA&gt;", "<NA>"):
        assert word not in out
    assert "2027-01-01" in out and "2.5" in out and ">3<" in out


def _all_widget_text() -> str:
    """Every widget's state as text: what the kernel would send to a browser."""
    from ipywidgets.widgets import widget

    out = []
    for w in list(widget._instances.values()):
        try:
            out.append(json.dumps(w.get_state(), ensure_ascii=False, default=str))
        except Exception:
            out.append(str(w.get_state()))
    return "\n".join(out)


@pytest.mark.parametrize("name", ["OverviewApp", "CoverageApp", "RotationApp", "ResultsApp"])
def test_a_host_unit_viewer_gets_nothing_of_other_units(sample, name):
    """Every widget a host unit's page holds (tables, figures, options, downloads) names only its own people."""
    import base64
    import io

    import planning.apps as apps
    from ipywidgets.widgets import widget

    from planning.programme.access import OfficeRole, Viewer

    unit = "H-SCH01"
    order_unit = sample.orders.set_index("id")["host_unit"]
    posted = set(sample.assignments.loc[sample.assignments["order"].map(order_unit) == unit, "person"])
    others = set(sample.people.loc[~sample.people["id"].isin(posted), "name"])
    mine = set(sample.people.loc[sample.people["id"].isin(posted), "name"])
    widget._instances.clear()
    app = getattr(apps, name)(wb=sample, lang="zh", viewer=Viewer("校长", OfficeRole.HOST_UNIT, (unit,)))
    if name == "CoverageApp":
        assert app.upload is None  # no upload widget for viewers at all
        app.download_button.click()
    text = _all_widget_text()
    # downloads travel as data: addresses inside widget state; read them back as the file a viewer saves
    import re
    import openpyxl

    for b64 in re.findall(r"base64,([A-Za-z0-9+/=]+)", text):
        data = base64.b64decode(b64)
        if data[:2] == b"PK":
            book = openpyxl.load_workbook(io.BytesIO(data))
            text += "\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value)
    assert "app-ready" in app.root._dom_classes and "problems" not in app.status.value
    leaked = {n for n in others if n in text}
    assert not leaked, sorted(leaked)[:5]
    assert mine and any(n in text for n in mine) or name == "OverviewApp"


@pytest.mark.parametrize("role", ["leader", "host_unit"])
@pytest.mark.parametrize("name", ["ScenariosApp", "AllocationApp"])
def test_planner_pages_refuse_viewers(sample, tmp_path, name, role):
    import planning.apps as apps
    from planning.programme.access import OfficeRole, Viewer
    from planning.scenarios.store import open_store

    kw = {"store": open_store(tmp_path / "s.sqlite")} if name == "ScenariosApp" else {}
    app = getattr(apps, name)(wb=sample, lang="zh", viewer=Viewer("x", OfficeRole(role), ("H-SCH01",)), **kw)
    assert app.body.children == () and "只供规划人员" in app.status.value
    assert "refused" in app.status.value


def test_pins_and_forbids_are_kept_with_a_saved_run(sample, tmp_path, monkeypatch):
    """A run saved with its pins and forbids; once published, the allocation page opens with them restored."""
    from planning.apps import AllocationApp
    from planning.scenarios.store import open_store

    monkeypatch.setenv("PLANNING_STORE", str(tmp_path / "s.sqlite"))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    monkeypatch.delenv("PLANNING_DATA", raising=False)
    app = AllocationApp(wb=sample, lang="zh")
    app.run_button.click()
    pinned, forbidden = app.pick.options[0][1], app.pick.options[1][1]
    app.pick.value = pinned
    app.pin_button.click()
    app.pick.value = forbidden
    app.forbid_button.click()
    app.run_button.click()
    app.save_name.value = "锁定测试"
    assert app.save_run() == 1 and "已保存为方案“锁定测试”第 1 版" in app.save_status.value
    store = open_store()
    assert store.load("锁定测试").decisions["kind"].tolist() == ["pin", "forbid"]
    store.publish("锁定测试", 1)
    store.close()
    again = AllocationApp(lang="zh")  # the published version, as the page opens it
    assert again.pins == [tuple(pinned)] and again.forbids == [tuple(forbidden)]
    assert "锁定" in again.adjustments.value


def test_proposals_are_accepted_into_a_scenario_with_one_action(sample, tmp_path, monkeypatch):
    """Drafts, flexible proposals and mentoring pairs, each accepted with one click into a scenario version."""
    from planning.apps import RotationApp
    from planning.scenarios.store import open_store

    monkeypatch.setenv("PLANNING_STORE", str(tmp_path / "s.sqlite"))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    app = RotationApp(wb=sample, lang="zh")
    assert app.accept_buttons["flexible"].disabled and app.accept_buttons["mentoring"].disabled
    app.accept_buttons["drafts"].click()
    assert "第 1 版" in app.accept_status.value
    app.propose_button.click()
    app.accept_buttons["flexible"].click()
    app.pair_button.click()
    app.accept_buttons["mentoring"].click()
    assert "第 3 版" in app.accept_status.value
    store = open_store()
    v1, v2, v3 = (store.load("轮换与结对调整", v).workbook for v in (1, 2, 3))
    assert set(app.drafts["id"]) <= set(v1.orders["id"])
    assert len(v2.assignments) == len(sample.assignments) + len(app.flexible_plan.assignments)
    assert len(v3.mentorships) > len(sample.mentorships)
    store.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["OverviewApp", "CoverageApp", "AllocationApp", "RotationApp", "ScenariosApp",
                                  "GridApp"])
def test_a_page_whose_build_fails_is_never_ready(sample, monkeypatch, name, lang):
    """A page whose body raises is marked app-failed, not app-ready, in both languages and after the switch;
    what it says is caught by the browser tests' error pattern (``test_dashboards.ERROR_TEXT``)."""
    import planning.apps as apps
    from page_text import page_text
    from test_dashboards import ERROR_TEXT

    cls = getattr(apps, name)
    ok = cls(wb=sample, lang=lang)
    assert "app-ready" in ok.root._dom_classes and "app-failed" not in ok.root._dom_classes
    assert not ERROR_TEXT.search(page_text(ok.root))

    def broken(self, wb):
        raise RuntimeError("a page that cannot be built")

    monkeypatch.setattr(cls, "build_body", broken)
    app = cls(wb=sample, lang=lang)
    for _ in range(2):  # as opened, then after the language switch
        assert "app-ready" not in app.root._dom_classes and "app-failed" in app.root._dom_classes
        assert ERROR_TEXT.search(page_text(app.root)), page_text(app.root)
        app.switch_lang()
    monkeypatch.undo()  # built again: ready, and no longer failed
    app.render()
    assert "app-ready" in app.root._dom_classes and "app-failed" not in app.root._dom_classes


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_error_pattern_reads_the_projects_own_error_texts(lang):
    """The browser tests' error pattern catches every way a page says it failed, in both languages."""
    from planning.core.i18n import t
    from test_dashboards import ERROR_KEYS, ERROR_TEXT

    params = dict(reason="没有人选", source="wb.xlsx", n=3, url="postgresql://db/planning", detail="timeout",
                  name="方案甲")
    for key in ERROR_KEYS:
        text = t(key, lang, **params)
        assert ERROR_TEXT.search(text), text
    assert not ERROR_TEXT.search(t("aapp.not_run", lang)) and not ERROR_TEXT.search(t("app.overview.title", lang))


@pytest.mark.parametrize("role, units", [(OfficeRole.LEADER, ()), (OfficeRole.HOST_UNIT, ("H-SCH01",)),
                                         (OfficeRole.PLANNER, ())])
@pytest.mark.parametrize("name", ["CoverageApp", "RotationApp", "GridApp", "ResultsApp"])
def test_every_page_links_back_to_the_overview_and_on_to_the_pages_its_viewer_may_open(sample, role, units, name):
    """Coverage, rotation and grid pages had no link back to the overview or to each other."""
    import re

    from planning import apps
    from planning.programme.access import PAGES

    app = getattr(apps, name)(wb=sample, lang="zh", viewer=Viewer("某人", role, units))
    linked = re.findall(r"href='(\w+)\.ipynb\?lang=zh'", app.header.value)
    assert linked[0] == "overview" and app.page not in linked
    assert set(linked) == {p for p in PAGES[role] if p != app.page} & {p.stem for p in apps.base.NOTEBOOKS.glob("*.ipynb")}


def test_a_host_units_coverage_page_opens_at_its_own_level(sample):
    """A principal's coverage page opened on a prefecture heatmap with one cell and three 全部 filters."""
    from planning.apps import CoverageApp

    app = CoverageApp(wb=sample, lang="zh", viewer=Viewer("校长", OfficeRole.HOST_UNIT, ("H-SCH01",)))
    assert app.unit.value == "H-SCH01" and app.tabs.selected_index == 2
    assert app.area.layout.display == "none" and app.county.layout.display == "none"
    assert "疏勒县第一中学" in app.gap_table.value
    leader = CoverageApp(wb=sample, lang="zh", viewer=Viewer("领导", OfficeRole.LEADER))
    assert leader.unit.value == "" and leader.tabs.selected_index == 0 and leader.area.layout.display != "none"


def test_a_sender_is_offered_no_link_to_a_page_it_may_not_open(sample):
    """A sender may open its task page only: no link back to an overview it would be refused."""
    from planning.apps import SendersApp

    app = SendersApp(wb=sample, lang="zh", viewer=Viewer("qd", OfficeRole.SENDER, ("SD-QD",)))
    assert "nav" not in app.header.value and "overview.ipynb" not in app.header.value


def test_the_allocation_page_shows_the_proven_plan_before_the_tie_breakers_finish(sample):
    """The page draws the plan as soon as its first objective is proven (saying it still chooses among equally good
    plans), then the final plan, saying when that choice finished."""
    from planning.apps import AllocationApp

    app = AllocationApp(wb=sample, lang="zh")
    shown = []
    draw = app.show_plan

    def show_plan():
        draw()
        shown.append((app.plan.objective.tiebreak_status, app.progress_text.value, app.kpis.value))

    app.show_plan = show_plan
    app.run_button.click()
    assert [s[0] for s in shown] == ["running", app.plan.objective.tiebreak_status]
    assert app.plan.objective.tiebreak_status != "running"
    assert shown[0][1] == "岗位安排已证明最优，正在挑选人选…" and "正在同样好的方案中" in shown[0][2]
    assert app.progress_text.value.startswith("完成：人选挑选用时 ")
    assert "正在同样好的方案中" not in app.kpis.value
