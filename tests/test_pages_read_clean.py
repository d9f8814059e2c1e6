"""Every page, with every action pressed, reads clean in both languages (no browser: the widgets' own text).

The browser test (``test_first_screen``) reads the first view of every tab; this one also
presses what a planner presses (run, propose, pair, re-plan) and reads what comes back.
"""
import pytest
from page_text import page_text, problems_in, shown_problems

from planning.apps import AllocationApp, CoverageApp, OverviewApp, ResultsApp, RotationApp, ScenariosApp, SendersApp
from planning.programme.access import OfficeRole, Viewer


pytestmark = pytest.mark.usefixtures("own_store")  # an empty scenario store of each test's own



def check(app, lang, data_names):
    assert "app-ready" in app.root._dom_classes and app.body.children  # built, not an error page
    text = page_text(app.root)
    # no problem box anywhere on the page (a plan that could not be made shows in the run's own status line)
    assert shown_problems(app.root) == [] and app.t("app.error") not in text, shown_problems(app.root)
    bad = problems_in(text, lang, data_names)
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
    first = app.plan
    assert first is not None and len(first.assignments) and "<table" in app.teams.value  # the run made a plan
    app.forbid_button.click()
    app.run_button.click()
    assert app.previous is first and app.plan is not None and app.plan is not first  # and the second one too
    assert app.forbids and not any(app.plan.assignments[["person", "order"]].apply(tuple, axis=1).isin(app.forbids))
    check(app, lang, data_names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rotation_reads_clean_after_proposals(sample, lang, data_names):
    app = RotationApp(wb=sample, lang=lang)
    check(app, lang, data_names)
    app.propose_button.click()
    app.pair_button.click()
    # both actions produced their result: proposals from the flexible pool, and new mentoring pairs
    assert getattr(app, "flexible_plan", None) is not None and "<table" in app.proposals.value
    assert getattr(app, "new_pairs", None) is not None and sum(map(len, app.new_pairs)) > 0
    assert "<table" in app.pairs.value
    check(app, lang, data_names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scenarios_read_clean_after_a_replan(sample, lang, data_names):
    app = ScenariosApp(wb=sample, lang=lang)
    check(app, lang, data_names)
    # a change the sample can take (its default, 济南市 sending 2 fewer in 党政, is refused: only 1 is free)
    app.p_city.value, app.p_sector.value, app.p_delta.value = "SD-DY", "教育", 3
    app.add_button.click()
    assert len(app.changes) == 1, app.change_list.value  # the change was kept
    app.replan_button.click()
    assert app.plan is not None and app.comparison is not None  # the re-plan made a plan and compared it
    assert app.result is app.plan.workbook
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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_results_read_clean_for_a_host_unit_with_its_own_indicators_only(sample, lang, data_names):
    """A school's head sees its own indicators, by every rollup and in its drill-down, and no other unit's."""
    from planning.programme.access import OfficeRole, Viewer

    unit = "H-SCH01"
    app = ResultsApp(wb=sample, lang=lang, viewer=Viewer("校长", OfficeRole.HOST_UNIT, (unit,)))
    check(app, lang, data_names)
    assert set(app.data["results"]["subject"]) - {unit} <= set(app.wb.teams["id"]) | set(app.wb.people["id"])
    assert [v for _, v in app.unit.options if v] == [unit]  # the only unit to drill into is its own,
    assert app.unit.value == unit and "<table" in app.unit_box.value  # and the page opens on it
    texts = [page_text(app.root)]
    for by in ("county", "prefecture", "sector", "sender", "team"):
        app.by.value = by
        texts.append(page_text(app.root))
    app.unit.value = unit
    check(app, lang, data_names)
    texts.append(page_text(app.root))
    text = "\n".join(texts)
    assert "疏勒县第一中学" in text and "本科上线人数" in text  # its own unit and indicators are there
    d = sample.indicator_definitions.set_index("id")["name"]
    v = sample.indicator_values
    theirs = set(d[sorted(set(v.loc[v["subject"].ne(unit), "indicator"]) - set(v.loc[v["subject"].eq(unit),
                                                                                    "indicator"]))])
    others = set(sample.units.loc[sample.units["side"].eq("host") & sample.units["id"].ne(unit), "name"])
    assert theirs and not {n for n in theirs if n in text}  # no indicator only other units hold (新增就业人数 …)
    assert not {n for n in others if n in text}  # no other host unit


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("viewer", [None, Viewer("leader", OfficeRole.LEADER), Viewer("qd", OfficeRole.SENDER, ("SD-QD",)),
                                    Viewer("qdfy", OfficeRole.SENDER, ("SD-QDFY",))], ids=lambda v: v and v.name)
def test_senders_page_reads_clean_for_every_sender_picked(sample, lang, data_names, viewer):
    app = SendersApp(wb=sample, lang=lang, viewer=viewer)
    check(app, lang, data_names)
    picked = 0
    for _, s in app.pick.options:
        app.pick.value = s
        check(app, lang, data_names)
        picked += bool(s)
    assert picked >= (10 if viewer is None or viewer.role == OfficeRole.LEADER else 1)
