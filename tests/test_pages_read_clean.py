"""Every page, with every action pressed, reads clean in both languages (no browser: the widgets' own text).

The browser test (``test_first_screen``) reads the first view of every tab; this one also
presses what a planner presses (run, propose, pair, re-plan) and reads what comes back.
"""
import pytest
from page_text import page_text, problems_in

from planning.apps import AllocationApp, CoverageApp, OverviewApp, ResultsApp, RotationApp, ScenariosApp


pytestmark = pytest.mark.usefixtures("own_store")  # an empty scenario store of each test's own



def check(app, lang, data_names):
    assert "app-ready" in app.root._dom_classes and app.body.children  # built, not an error page
    text = page_text(app.root)
    assert "class='problems'" not in app.status.value and app.t("app.error") not in text
    bad = problems_in(page_text(app.root), lang, data_names)
    assert not bad, sorted(set(bad))[:20]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_and_coverage_read_clean(sample, lang, data_names):
    check(OverviewApp(wb=sample, lang=lang), lang, data_names)
    app = CoverageApp(wb=sample, lang=lang)
    check(app, lang, data_names)
    app.area.value = "XJ-KS"
    app.pick.value = 0
    check(app, lang, data_names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_allocation_reads_clean_after_two_runs(sample, lang, data_names):
    app = AllocationApp(wb=sample, lang=lang)
    check(app, lang, data_names)
    app.run_button.click()
    app.forbid_button.click()
    app.run_button.click()
    check(app, lang, data_names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rotation_reads_clean_after_proposals(sample, lang, data_names):
    app = RotationApp(wb=sample, lang=lang)
    check(app, lang, data_names)
    app.propose_button.click()
    app.pair_button.click()
    check(app, lang, data_names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scenarios_read_clean_after_a_replan(sample, lang, data_names):
    app = ScenariosApp(wb=sample, lang=lang)
    check(app, lang, data_names)
    app.add_button.click()
    app.replan_button.click()
    check(app, lang, data_names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_results_read_clean_by_every_rollup_and_for_one_unit(sample, lang, data_names):
    app = ResultsApp(wb=sample, lang=lang)
    check(app, lang, data_names)
    for by in ("prefecture", "sector", "sender", "team"):
        app.by.value = by
    app.sector.value = "教育"
    app.unit.value = "H-SCH11"
    check(app, lang, data_names)
    assert "伽师县第一中学" in app.unit_box.value
