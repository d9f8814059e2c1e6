"""One fact, one number, everywhere it is read: the overview's cards, the coverage page's cards for today,
the printed report's cover sheet and the command line's summary say the same people on post, seats
filled, demand, gap and ratio, for every role that sees them, on the sample, on generated programmes
and on a published version with a plan in it (people planned minutes before are counted the same way on
every page and file)."""
from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

import planning
from planning.apps.coverage import CoverageApp
from planning.apps.overview import OverviewApp
from planning.core.names import names
from planning.outputs.reports import scenario_report
from planning.outputs.summary import figures, summary_text
from planning.programme.access import OfficeRole, Viewer
from planning.samples.synthetic import synthetic_workbook


def cards(html_text: str) -> dict[str, str]:
    """A page's cards as {label: value}."""
    return {k: v for v, k in re.findall(r"<div class='v'[^>]*>([^<]*)</div><div class='k'>([^<]*)</div>",
                                        html.unescape(html_text))}


def number(text: str) -> int:
    return int(text.replace(",", ""))


def published_sample(tmp_path_factory) -> planning.Workbook:
    """The sample with a plan, saved and published in a store, read back as the office reads it."""
    from planning.scenarios.store import open_store

    wb = planning.load_workbook(planning.SAMPLE)
    plan = planning.allocate(wb, time_limit=60)
    store = open_store(str(tmp_path_factory.mktemp("store") / "scenarios.sqlite"))
    store.save("方案", plan.workbook, plan=plan, author="李明")
    store.publish("方案")
    back = store.load_published().workbook
    assert len(back.assignments) > len(wb.assignments)  # people planned minutes before are in it
    return back


@pytest.fixture(scope="module", params=["sample", "generated-1", "generated-2", "published"])
def programme(request, tmp_path_factory):
    if request.param == "sample":
        return planning.load_workbook(planning.SAMPLE)
    if request.param == "published":
        return published_sample(tmp_path_factory)
    seed = int(request.param.split("-")[1])
    return synthetic_workbook(people=400, host_units=40, sectors=4, seed=seed)


def overview_facts(app: OverviewApp) -> dict:
    c = cards(app.headline())
    filled, demand = (number(x) for x in c[app.t("ov.kpi.filled")].split("/"))
    return {"on_post": number(c[app.t("ov.kpi.on_post")]), "filled": filled, "demand": demand,
            "gap": number(c[app.t("ov.kpi.gap")]), "ratio": c[app.t("ov.kpi.ratio")]}


def coverage_facts(app: CoverageApp) -> dict:
    c = cards(app.kpis.value)
    when = app.when(app.range.index[0])
    return {"supply": number(c[app.t("cov.kpi.supply", when=when)]), "demand": number(c[app.t("cov.kpi.demand", when=when)]),
            "gap": number(c[app.t("cov.kpi.gap", when=when)]), "ratio": c[app.t("cov.kpi.ratio", when=when)]}


def report_facts(wb, tmp_path) -> dict:
    from planning.core.clock import today
    from planning.core.i18n import fmt_date, t

    path = scenario_report(wb, tmp_path / "report.xlsx", lang="zh")
    rows = {r[0]: r[1] for r in load_workbook(path)["概况"].iter_rows(values_only=True)}
    day = fmt_date(today(), "zh")
    filled, demand = (number(x) for x in rows[t("report.filled", "zh", month=day)].split("/"))
    return {"on_post": rows[t("report.on_post", "zh", day=day)], "filled": filled, "demand": demand,
            "gap": rows[t("report.gap", "zh", month=day)], "ratio": rows[t("report.ratio", "zh", month=day)]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_the_coverage_page_and_the_report_say_the_same_today(programme, lang, tmp_path):
    ov = overview_facts(OverviewApp(wb=programme, lang=lang))
    cov = coverage_facts(CoverageApp(wb=programme, lang=lang))
    rep = report_facts(programme, tmp_path)
    assert cov["demand"] == ov["demand"] == rep["demand"]
    assert cov["gap"] == ov["gap"] == rep["gap"]
    assert ov["filled"] == ov["demand"] - ov["gap"] == rep["filled"]
    assert cov["ratio"] == ov["ratio"] == rep["ratio"]
    # the people the coverage page counts on post today are the people the overview counts
    assert cov["supply"] == ov["on_post"] == rep["on_post"]


def test_the_command_line_and_the_overview_say_the_same_scale(programme):
    app = OverviewApp(wb=programme, lang="zh")
    f = figures(programme)
    scale = app.t("ov.scale", people=f"{f['people']:,}", cities=f"{f['sending_cities']:,}",
                  hosts=f"{f['host_units']:,}", teams=f"{len(programme.teams):,}")
    assert html.escape(scale) in app.headline()
    text = summary_text(programme, "zh")
    assert f"援派人员 {f['people']} 人，来自 {f['sending_cities']} 个派出地" in text
    assert f"需求岗位 {f['seats']} 个" in text


def test_a_leader_reads_the_planners_figures(programme):
    planner = overview_facts(OverviewApp(wb=programme, lang="zh"))
    leader = overview_facts(OverviewApp(wb=programme, lang="zh", viewer=Viewer("l", OfficeRole.LEADER)))
    assert leader == planner


def test_a_host_unit_reads_its_own_part_of_the_planners_figures(programme):
    """A host unit's overview (its own cut) says what the planner's coverage page says for that unit."""
    hosts = programme.units[programme.units["side"].eq("host")]["id"]
    from planning.core.live import live_assignments

    live = live_assignments(programme)
    at = live["order"].map(programme.orders.set_index("id")["host_unit"])
    busy = [h for h in at.value_counts().index if h in set(hosts)][:2]
    assert busy
    for unit in busy:
        own = overview_facts(OverviewApp(wb=programme, lang="zh", viewer=Viewer("p", OfficeRole.HOST_UNIT, (unit,))))
        cov = CoverageApp(wb=programme, lang="zh")
        cov.choose(unit)
        cov.refresh()
        assert cov.unit.value == unit
        whole = coverage_facts(cov)
        assert (own["demand"], own["gap"], own["ratio"]) == (whole["demand"], whole["gap"], whole["ratio"]), unit
        assert own["on_post"] == whole["supply"], names(programme).get(unit, unit)
