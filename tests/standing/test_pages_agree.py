"""Every card on the overview agrees with its tables and with the library (planning.programme.standing)."""
import re
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import csv_workbook  # noqa: E402
from standing_programmes import staffed_programmes  # noqa: E402

from planning.apps.overview import ROWS, OverviewApp, month_label  # noqa: E402
from planning.core.i18n import fmt_date, fmt_int  # noqa: E402
from planning.programme.standing import standing  # noqa: E402

CARD = re.compile(r"<div class='kpi'[^>]*><div class='v'>(.*?)</div><div class='k'>(.*?)</div>")
PANEL = re.compile(r"<div class='panel (\w+)'><h4>.*?</h4>(.*?)</div>(?=<div class='panel|</div>$)", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")


def first_screen(app):
    html_ = next(w.value for w in app.body.children if "first-screen" in w._dom_classes)
    cards = {TAG.sub("", k): TAG.sub("", v) for v, k in CARD.findall(html_)}
    panels = {name: [[TAG.sub("", c) for c in CELL.findall(r)] for r in ROW.findall(body)]
              for name, body in PANEL.findall(html_)}
    return html_, cards, panels


def check_agreement(wb):
    app = OverviewApp(wb, lang="zh")
    st = app.data["standing"]
    lib = standing(wb, on=app.as_of)  # the library, called afresh, on the page's as-of day
    assert st.points.equals(lib.points) and st.units.equals(lib.units)
    _, cards, panels = first_screen(app)
    assert "截至 " + fmt_date(app.as_of, "zh") in app.status.value
    assert cards["今天在岗"] == fmt_int(st.on_post)
    assert cards["岗位到位 / 需求"] == f"{fmt_int(st.filled)} / {fmt_int(st.demand)}"
    assert cards["今天缺口"] == fmt_int(st.gap)
    # on post = filled + surplus, between the two cards
    assert int(cards["今天在岗"].replace(",", "")) == int(cards["岗位到位 / 需求"].split(" / ")[0].replace(",", "")) \
        + st.surplus
    # the where-table's gaps today add up to the card when every row is shown
    where = [r for r in panels.get("where", []) if r]
    if len(st.units) <= ROWS:
        assert sum(int(r[2].replace(",", "")) for r in where) == st.gap
    # the next-terms-ending card is the first row of the 何时 table (every month people leave in)
    when = [r for r in panels.get("when", []) if r]
    c = st.departures.iloc[0] if len(st.departures) else None
    if c is None:
        assert not when and not any(k.startswith("下一次期满") for k in cards)
    else:
        assert when[0][0] == month_label(c["ends_in"], "zh")
        assert cards[f"下一次期满（{month_label(c['ends_in'], 'zh')}）"] == f"{fmt_int(c['leaving'])} 人期满"
        assert when[0][1] == fmt_int(c["leaving"])
    return app


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables=staffed_programmes())
def test_overview_cards_agree_with_tables_and_library(tables):
    with tempfile.TemporaryDirectory() as d:
        wb = csv_workbook(Path(d), tables)
    check_agreement(wb)


def test_sample_overview_agrees(sample):
    check_agreement(sample)


def test_published_version_shows_the_saved_figures(sample, tmp_path, monkeypatch):
    """The published version's cards equal those of the workbook that was saved."""
    from planning.scenarios.store import open_store

    wb = sample.copy()
    wb.assignments = wb.assignments.iloc[::2].reset_index(drop=True)  # a scenario with fewer people on post
    before = first_screen(OverviewApp(wb, lang="zh"))[1]
    path = tmp_path / "pub.sqlite"
    monkeypatch.setenv("PLANNING_STORE", str(path))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    monkeypatch.delenv("PLANNING_DATA", raising=False)
    store = open_store(path)
    store.save("少派", wb, author="李明")
    store.publish("少派", 1)
    store.close()
    app = OverviewApp(lang="zh")
    assert "已发布方案“少派”第 1 版" in app.status.value
    assert first_screen(app)[1] == before
    assert standing(app.wb).points.equals(standing(wb).points)


def check_coverage_page(wb):
    """The gaps page's cards are the library's figures for its first month (the as-of day when it is now)."""
    from planning.apps import CoverageApp
    from planning.programme.coverage import coverage_as_of

    app = CoverageApp(wb, lang="zh")
    cards = {TAG.sub("", k): TAG.sub("", v) for v, k in CARD.findall(app.kpis.value)}
    lo = app.range.index[0]
    m = app.months[lo]
    cov = coverage_as_of(wb, m, m)
    when = app.when(lo)
    assert cards[f"需求岗位（{when}）"] == fmt_int(int(cov["demand"].sum()))
    assert cards[f"在岗人数（{when}）"] == fmt_int(int(cov["supply"].sum()))
    assert cards[f"缺口（{when}）"] == fmt_int(int(cov["gap"].sum()))
    if m == standing(wb).as_of.to_period("M").to_timestamp():
        st = standing(wb)
        assert (int(cov["supply"].sum()), int(cov["gap"].sum())) == (st.on_post, st.gap)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables=staffed_programmes())
def test_coverage_cards_agree_with_library(tables):
    with tempfile.TemporaryDirectory() as d:
        wb = csv_workbook(Path(d), tables)
    check_coverage_page(wb)


def test_sample_coverage_cards_agree(sample):
    check_coverage_page(sample)
