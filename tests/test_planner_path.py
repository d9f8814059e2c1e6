"""The planner's path on the pages (issue 35), driven without a browser: one data source picker on every planner
page, versions saved from any page as versions of their source, any version published from the scenarios page, and
what leaders then see."""
import io
import shutil
import zipfile

import pytest

PLANNER_PAGES = ["CoverageApp", "AllocationApp", "RotationApp", "GridApp", "ScenariosApp"]
NEW_PEOPLE = ("P9001,物理甲,SD-JN-JYJ,professional,教育,物理,2,false,planned,2026-12-01,2029-12-31,,,,\n"
              "P9002,物理乙,SD-JN-JYJ,professional,教育,物理,2,false,planned,2026-12-01,2029-12-31,,,,\n")
NEW_ORDER = "O-SCH01-S5,H-SCH01,教育,物理,member,2,2027-01-01,2028-07-31,5,1,T-SCH01,\n"


def path_workbook_zip(tmp_path) -> bytes:
    """The sample with two new physics teachers and an order for two, as the zipped CSV folder a planner uploads."""
    import planning

    folder = tmp_path / "upload"
    shutil.copytree(planning.SAMPLE, folder)
    for name, rows in (("people.csv", NEW_PEOPLE), ("orders.csv", NEW_ORDER)):
        with open(folder / name, "a", encoding="utf-8") as f:
            f.write(rows)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(folder.glob("*.csv")):
            z.write(f, f"物理补充/{f.name}")
    return buf.getvalue()


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A store of this test's own, which the pages without a given store (the leader's) open too."""
    from planning.scenarios.store import open_store

    path = tmp_path / "path.sqlite"
    monkeypatch.setenv("PLANNING_STORE", str(path))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    monkeypatch.delenv("PLANNING_DATA", raising=False)
    s = open_store(path)
    yield s
    s.close()


def fewer_orders(sample, unit="H-SCH01"):
    wb = sample.copy()
    wb.orders = wb.orders[wb.orders.host_unit != unit].reset_index(drop=True)
    wb.assignments = wb.assignments[wb.assignments.order.isin(wb.orders.id)].reset_index(drop=True)
    return wb


def planner(name="李明"):
    from planning.programme.access import OfficeRole, Viewer

    return Viewer(name, OfficeRole.PLANNER)


@pytest.mark.parametrize("name", PLANNER_PAGES)
def test_every_planner_page_computes_on_the_source_picked(sample, store, tmp_path, name):
    """Published version, a saved version, an uploaded file: the page's workbook is the one picked, and its data
    line says which."""
    import planning.apps as apps

    store.save("甲", fewer_orders(sample), author="王芳", note="去掉一中")
    store.save("乙", sample, author="李明", note="原样")
    store.publish("乙", 1)
    app = getattr(apps, name)(lang="zh", viewer=planner(), store=store)
    assert "已发布方案“乙”第 1 版" in app.status.value and app.wb.equals(sample)
    values = [v for _, v in app.source_pick.options]
    assert values[0] == ("published",) and {("version", "甲", 1), ("version", "乙", 1)} <= set(values)
    label = {v: k for k, v in app.source_pick.options}[("version", "甲", 1)]
    assert "王芳" in label and "去掉一中" in label and "第 1 版" in label
    app.source_pick.value = ("version", "甲", 1)
    assert app.wb.equals(fewer_orders(sample)) and "H-SCH01" not in set(app.wb.orders.host_unit)
    assert "保存的方案“甲”第 1 版（王芳" in app.status.value and "app-ready" in app.root._dom_classes
    assert app.load_upload("物理补充.zip", path_workbook_zip(tmp_path))
    assert "上传的文件“物理补充.zip”" in app.status.value and "O-SCH01-S5" in set(app.wb.orders.id)
    assert ("upload", "物理补充.zip") in [v for _, v in app.source_pick.options]
    app.source_pick.value = ("published",)
    assert app.wb.equals(sample) and "已发布方案“乙”第 1 版" in app.status.value


def test_a_bad_upload_is_said_and_nothing_changes(sample, store, tmp_path):
    from planning.apps import AllocationApp

    app = AllocationApp(wb=sample, lang="en", viewer=planner(), store=store)
    assert not app.load_upload("notes.txt", b"hello")
    assert "upload-problems" in app.source_status.value and "only .xlsx or .zip" in app.source_status.value
    assert app.wb is sample and app.source == ("published",)


@pytest.mark.parametrize("role", ["leader", "host_unit"])
@pytest.mark.parametrize("name", ["CoverageApp", "RotationApp", "GridApp"])
def test_a_viewers_kernel_has_no_picker_and_no_planners_choice(sample, store, role, name):
    """A viewer's page builds no picker, refuses a source handed to it, and shows the published version whatever
    a planner picked in their own kernel."""
    from ipywidgets.widgets import widget
    from test_apps import _all_widget_text

    import planning.apps as apps
    from planning.programme.access import OfficeRole, Viewer

    store.save("已发布", sample, author="李明")
    store.save("草稿丙", fewer_orders(sample), author="李明", note="只给规划人员看")
    store.publish("已发布", 1)
    mine = getattr(apps, name)(lang="zh", viewer=planner(), store=store)
    mine.source_pick.value = ("version", "草稿丙", 1)
    widget._instances.clear()
    app = getattr(apps, name)(lang="zh", viewer=Viewer("看的人", OfficeRole(role), ("H-SCH01",)))
    assert app.source_box is None and app.upload is None and not hasattr(app, "source_pick")
    assert not app.choose_source(("version", "草稿丙", 1)) and app.source == ("published",)
    assert not app.load_upload("x.zip", b"PK")
    text = _all_widget_text()
    assert "source-pick" not in text and "草稿丙" not in text and "只给规划人员看" not in text
    assert "已发布方案“已发布”第 1 版" in app.status.value and "app-ready" in app.root._dom_classes


def test_allocation_saves_its_plan_as_a_version_of_its_source(sample, store):
    """Planned on a saved version, the run (with pins and forbids) is that scenario's next version, from the
    allocation page; a second save goes over the first."""
    from planning.apps import AllocationApp

    store.save("甲", sample, author="王芳")
    app = AllocationApp(wb=sample, lang="zh", viewer=planner(), store=store)
    app.source_pick.value = ("version", "甲", 1)
    assert app.save_name.value == "甲"
    app.run_button.click()
    app.pick.value = app.pick.options[0][1]
    app.pin_button.click()
    app.run_button.click()
    assert app.save_run() == 2 and "第 2 版" in app.save_status.value
    v = store.versions("甲")
    assert v.origin.tolist() == ["", "allocation"] and v.base.tolist()[1] == 1 and v.author.tolist() == ["王芳", "李明"]
    assert store.load("甲", 2).decisions["kind"].tolist() == ["pin"]
    assert store.load("甲", 2).workbook.equals(app.plan.workbook)
    assert app.save_run() == 3 and store.versions("甲").base.tolist()[2] == 2
    # the picker offers the new versions at once
    assert ("version", "甲", 3) in [v for _, v in app.source_pick.options]


def test_rotation_drafts_and_proposals_are_versions_of_their_source(sample, store):
    from planning.apps import RotationApp

    store.save("甲", sample, author="王芳")
    app = RotationApp(wb=sample, lang="zh", viewer=planner(), store=store)
    app.source_pick.value = ("version", "甲", 1)
    assert app.accept_name.value == "甲"
    app.accept_buttons["drafts"].click()
    app.propose_button.click()
    app.accept_buttons["flexible"].click()
    v = store.versions("甲")
    assert v.version.tolist() == [1, 2, 3] and v.origin.tolist() == ["", "rotation", "rotation"]
    assert v.base.tolist()[1:] == [1, 2]


def test_scenarios_page_lists_compares_publishes_any_version_and_withdraws(sample, store):
    """Every version with author, note and origin; any two compared; a version saved on another page by another
    planner published without loading it; the confirmation's figures are the landing page's own."""
    from planning.apps import AllocationApp, OverviewApp, ScenariosApp
    from planning.apps.overview import landing_figures
    from planning.core.clock import today
    from planning.core.i18n import fmt_int
    from planning.programme.access import OfficeRole, Viewer

    store.save("基线", sample, author="王芳", note="收到的数据")
    alloc = AllocationApp(lang="zh", viewer=planner("赵磊"), store=store)
    alloc.source_pick.value = ("version", "基线", 1)
    alloc.run_button.click()
    assert alloc.save_run() == 2
    page = ScenariosApp(lang="zh", viewer=planner("李明"), store=store)
    listed = page.version_list.value
    for word in ("基线", "王芳", "收到的数据", "赵磊", "来自人员分配", "锁定 0 项"):
        assert word in listed, word
    assert page.version_pick.value == ("基线", 2)  # the newest first
    page.compare_a.value, page.compare_b.value = ("基线", 1), ("基线", 2)
    page.compare_button.click()
    c = page.version_comparison
    assert c.totals["added"] == len(alloc.plan.assignments) and "基线 · 第 1 版 → 基线 · 第 2 版" in \
        page.versions_compared.value
    page.publish_button.click()
    want = landing_figures(store.load("基线", 2).workbook, on=today().normalize())
    fig = page.confirm_figures
    assert fig == {k: v for k, v in want.items() if k != "standing"}
    assert fig["on_post"] == fig["arrived"] + fig["planned"]
    text = page.confirm_text.value
    for k in ("on_post", "arrived", "planned", "filled", "demand", "gap"):
        assert f"{fmt_int(fig[k])}" in text
    assert store.published() is None
    page.confirm_button.click()
    assert store.published() == ("基线", 2)
    leader = OverviewApp(lang="zh", viewer=Viewer("领导", OfficeRole.LEADER))
    assert "已发布方案“基线”第 2 版（赵磊" in leader.status.value
    assert {k: v for k, v in leader.data["landing"].items() if k != "standing"} == fig
    page.unpublish_button.click()
    page.confirm_button.click()
    assert store.published() is None and "撤回" in page.publications.value


def test_two_planners_either_publishes_and_leaders_see_it_with_the_confirmed_figures(sample, store, tmp_path):
    """Planner A uploads, plans and saves on the allocation page; planner B publishes A's version from their own
    scenarios page; then B saves rotation drafts and A publishes B's version. Each time the leaders' landing page
    shows the version just published, with the figures its confirmation stated."""
    from planning.apps import AllocationApp, OverviewApp, RotationApp, ScenariosApp
    from planning.core.i18n import fmt_int
    from planning.programme.access import OfficeRole, Viewer

    def leader_sees():
        app = OverviewApp(lang="zh", viewer=Viewer("领导", OfficeRole.LEADER))
        assert "app-ready" in app.root._dom_classes
        return app, {k: v for k, v in app.data["landing"].items() if k != "standing"}

    a_alloc = AllocationApp(lang="zh", viewer=planner("李明"), store=store)
    assert a_alloc.load_upload("物理补充.zip", path_workbook_zip(tmp_path))
    a_alloc.run_button.click()
    got = a_alloc.plan.assignments
    assert set(got.loc[got.order.eq("O-SCH01-S5"), "person"]) == {"P9001", "P9002"}
    assert a_alloc.save_name.value == "物理补充" and a_alloc.save_run() == 1
    b_page = ScenariosApp(lang="zh", viewer=planner("王芳"), store=store)
    assert b_page.version_pick.value == ("物理补充", 1)
    b_page.publish_button.click()
    confirmed = b_page.confirm_figures
    b_page.confirm_button.click()
    assert store.published() == ("物理补充", 1)
    leader, seen = leader_sees()
    assert "已发布方案“物理补充”第 1 版（李明" in leader.status.value and seen == confirmed
    assert {"P9001", "P9002"} <= set(leader.wb.assignments.person)
    # the other way round: B saves from the rotation page, A publishes it from theirs
    b_rot = RotationApp(lang="zh", viewer=planner("王芳"), store=store)
    assert b_rot.source_version() == ("物理补充", 1)  # the published version is the default source
    b_rot.accept_buttons["drafts"].click()
    assert store.versions("物理补充").origin.tolist() == ["allocation", "rotation"]
    a_page = ScenariosApp(lang="zh", viewer=planner("李明"), store=store)
    a_page.version_pick.value = ("物理补充", 2)
    a_page.publish_button.click()
    confirmed = a_page.confirm_figures
    a_page.confirm_button.click()
    leader, seen = leader_sees()
    assert "已发布方案“物理补充”第 2 版（王芳" in leader.status.value and seen == confirmed
    cards = leader.body.children[1].value  # the first screen's cards state the confirmed figures
    assert f">{fmt_int(confirmed['on_post'])}</div>" in cards
    assert f"{fmt_int(confirmed['filled'])} / {fmt_int(confirmed['demand'])}" in cards
    assert leader.wb.equals(store.load("物理补充", 2).workbook)


def test_a_store_written_before_origins_is_upgraded(sample, tmp_path):
    """A store whose versions have no origin column gains it on opening; its old versions list an empty origin."""
    import sqlite3

    from planning.scenarios.store import open_store

    path = tmp_path / "old.sqlite"
    s = open_store(path)
    s.save("旧", sample, author="王芳")
    s.close()
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE scenario_versions DROP COLUMN origin")
    con.commit()
    assert "origin" not in {r[1] for r in con.execute("PRAGMA table_info(scenario_versions)")}
    con.close()
    s = open_store(path)
    assert s.versions("旧").origin.tolist() == [""]
    assert s.save("旧", sample, author="李明", base=1, origin="allocation") == 2
    assert s.versions("旧").origin.tolist() == ["", "allocation"] and s.load("旧", 2).origin == "allocation"
    s.close()
