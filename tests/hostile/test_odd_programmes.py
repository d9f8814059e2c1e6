"""Odd but legal programmes and hostile what-if input: a sentence in the planner's language, never a traceback.

Odd programmes: a programme before its first batch is placed (no assignments), with no orders,
no people, no pairings, nothing but headers, open ends (a missing end, and ``9999-12-31`` as
the loader reads it) and dates at the edges of what the loader accepts (1950-01-01,
2100-12-31). Every library function a page or report relies on answers on each, a missing end
means what the loader's open end means, and every page, loaded from a CSV folder as the
dashboards load one, renders and survives its actions without an error or a missing value
("nan", "None", "NaT") in its text.

Hostile input: what-if changes (far dates, huge or negative numbers, unknown ids, empty text,
control characters) and pins and forbids (unknown ids, repeats, a pin against a forbid, a pin
across sectors) are each refused with one sentence, in Chinese or English, and change nothing.
"""
from __future__ import annotations

import importlib
import logging
import re

import pandas as pd
import pytest
from page_text import page_text

import planning
from planning.contract import schema
from planning.allocation import PlanError
from planning.apps import AllocationApp, CoverageApp, OverviewApp, RotationApp, ScenariosApp
from planning.core.clock import OPEN_END
from planning.core.periods import closed_ends
from planning.scenarios.what_if import MAX_MONTHS, MAX_PEOPLE, ScenarioError, apply
from planning.contract import Workbook, empty_table

coverage_mod = importlib.import_module("planning.programme.coverage")  # the module (``planning.coverage`` is the function)
MISSING = re.compile(r"(?<![\w.])(nan|NaN|None|NaT|<NA>)(?![\w.])")
CJK = re.compile(r"[\u4e00-\u9fff]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EDGE_START, EDGE_END = pd.Timestamp("1950-01-01"), pd.Timestamp("2100-12-31")
ENGLISH_WORDS = re.compile(r"[A-Za-z]+(?:\s+[A-Za-z]+){2}")  # three English words in a row


def data_words(wb) -> set[str]:
    """Every Chinese text the workbook's own cells hold (names, sectors, …): data, not interface words."""
    return {v for df in wb.tables().values() for c in df.columns
            for v in df[c].dropna().unique().tolist() if isinstance(v, str) and CJK.search(v)}


def reads_in(msg: str, lang: str, data: set[str], given=()) -> bool:
    """Whether ``msg`` is written in ``lang``: Chinese holds Chinese; English holds three English words in a row
    and no Chinese beyond the data's own words and what the caller typed (``given``), so a Chinese sentence
    that merely quotes an id does not pass for English."""
    if lang == "zh":
        return bool(CJK.search(msg))
    rest = msg
    for w in sorted({*data, *(str(g) for g in given)} - {""}, key=len, reverse=True):
        rest = rest.replace(w, " ")
    return bool(ENGLISH_WORDS.search(rest)) and not CJK.search(rest)


@pytest.fixture(scope="module")
def sample_words(sample):
    return data_words(sample)


def test_the_language_check_tells_chinese_with_an_id_from_english(sample_words):
    """The check itself: a Chinese sentence quoting an id or a value is not English; an English one quoting
    Chinese data is."""
    assert not reads_in("锁定（P0001，O-SCH01-L）无法成立：人员不存在〔unknown_person〕", "en", sample_words)
    assert not reads_in("订单 O-SCH01-L 的人数有误：ten", "en", sample_words, ["ten"])
    assert reads_in("济南市 has only 3 people in 教育 not yet on post; cannot send 500 fewer.", "en", sample_words)
    assert reads_in("The sector 航天 is not in the workbook.", "en", sample_words, ["航天"])
    assert not reads_in("The sector 航天 is not in the workbook.", "en", sample_words)


# --------------------------------------------------------------------------- #
# odd programmes
# --------------------------------------------------------------------------- #
def _before_first_batch(s):
    wb = s.copy()
    wb.assignments = wb.assignments.iloc[:0]
    return wb


def _no_orders(s):
    wb = s.copy()
    wb.orders, wb.assignments = wb.orders.iloc[:0], wb.assignments.iloc[:0]
    return wb


def _no_people(s):
    """No one to send: every reference to a person goes too (the row, or the cell where it may be empty)."""
    wb = s.copy()
    ids = set(wb.people["id"])
    wb.people = wb.people.iloc[:0]
    for table, df in wb.tables().items():
        cols = schema.columns(table)
        for col, spec in cols[cols["ref"].fillna("").str.contains("people")].iterrows():
            hit = df[col].isin(ids)
            df = df[~hit] if spec["required"] else df.assign(**{col: df[col].where(~hit, None)})
        setattr(wb, table, df.reset_index(drop=True))
    return wb


def _no_pairings(s):
    wb = s.copy()
    wb.pairings = wb.pairings.iloc[:0]
    return wb


def _headers_only(s):
    return Workbook(**{name: empty_table(name) for name in schema.table_names()})


OPEN_COLUMNS = [("orders", "end"), ("assignments", "end"), ("people", "available_to"), ("mentorships", "end"),
                ("pairings", "end")]


def _open_ends(s):
    """Every third end missing: what a workbook made in memory may hold."""
    wb = s.copy()
    for table, col in OPEN_COLUMNS:
        df = getattr(wb, table).copy()
        df.loc[df.index[::3], col] = pd.NaT
        setattr(wb, table, df)
    return wb


def _open_ends_loaded(s):
    """The same ends open as a file says it (9999-12-31 read as OPEN_END; empty where the contract allows)."""
    wb = _open_ends(s)
    for table, col in (("orders", "end"), ("people", "available_to")):
        getattr(wb, table)[col] = getattr(wb, table)[col].fillna(OPEN_END)
    return wb


def _edge_dates(s):
    wb = s.copy()
    o = wb.orders.copy()
    o.loc[o.index[::5], "start"] = EDGE_START
    o.loc[o.index[::4], "end"] = EDGE_END
    wb.orders = o
    p = wb.people.copy()
    p["available_from"], p["available_to"] = EDGE_START, EDGE_END
    wb.people = p
    wb.pairings = wb.pairings.assign(start=EDGE_START, end=EDGE_END)
    return wb


ODD = {
    "before-first-batch": _before_first_batch,
    "no-orders": _no_orders,
    "no-people": _no_people,
    "no-pairings": _no_pairings,
    "headers-only": _headers_only,
    "open-ends": _open_ends,
    "open-ends-as-loaded": _open_ends_loaded,
    "edge-dates-1950-2100": _edge_dates,
}
#: Odd programmes a file can hold (a missing required end cannot be saved: it is built in memory only).
LOADABLE = [k for k in ODD if k != "open-ends"]


@pytest.fixture(scope="module")
def odd(sample):
    return {name: build(sample) for name, build in ODD.items()}


@pytest.fixture(scope="module")
def folders(odd, tmp_path_factory):
    """Each loadable odd programme as a CSV folder, written by ``save_workbook``, as the dashboards read one."""
    out = {}
    for name in LOADABLE:
        out[name] = planning.save_workbook(odd[name], tmp_path_factory.mktemp(name) / "wb")
    return out


@pytest.fixture(autouse=True)
def own_store(tmp_path, monkeypatch):
    """A scenario store of this test's own (pages list saved versions)."""
    monkeypatch.setenv("PLANNING_STORE", str(tmp_path / "scenarios.sqlite"))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)


@pytest.mark.parametrize("name", LOADABLE)
def test_odd_programme_is_a_legal_workbook(folders, name):
    """Each odd programme (open ends as a file writes them) saves and loads back: it is legal input."""
    planning.load_workbook(folders[name])


# --------------------------------------------------------------------------- #
# the library on odd programmes
# --------------------------------------------------------------------------- #
def _library_calls():
    from planning.programme import mentoring, network, standing
    from planning.outputs import reports, summary
    from planning.scenarios import rotation
    from planning.programme.eligibility import blocked_by_pairings

    cov = coverage_mod
    return {
        "coverage": [
            ("coverage", lambda wb: cov.coverage(wb)),
            ("coverage window", lambda wb: cov.coverage(wb, "2026-11", "2027-10")),
            ("coverage as of", lambda wb: cov.coverage_as_of(wb, "2026-11", "2027-10")),
            ("order coverage", lambda wb: cov.order_coverage(wb, "2026-11", "2027-10")),
            ("cliffs", lambda wb: cov.cliffs(wb)),
            ("left uncovered", lambda wb: cov.left_uncovered(wb)),
            ("handovers", lambda wb: cov.handovers(wb)),
            ("largest gaps", lambda wb: cov.largest_gaps(wb)),
            ("largest gaps by sender", lambda wb: cov.largest_gaps(wb, by="sender")),
            ("county gaps", lambda wb: cov.county_gaps(wb)),
            ("supply by sender", lambda wb: cov.supply_by_sender(wb, "2026-11", "2027-10")),
            ("uncovered", lambda wb: cov.uncovered(wb)),
        ],
        "rotation": [
            ("batches", lambda wb: rotation.batches(wb)),
            ("vacancies", lambda wb: rotation.vacancies(wb)),
            ("handover calendar", lambda wb: rotation.handover_calendar(wb)),
            ("recommend starts", lambda wb: rotation.recommend_starts(wb)),
            ("next batch orders", lambda wb: rotation.next_batch_orders(wb)),
            ("flexible slots", lambda wb: rotation.flexible_slots(wb)),
            ("propose flexible", lambda wb: rotation.propose_flexible(wb)),
            ("mentor pairs", lambda wb: (mentoring.pair_mentors(wb), mentoring.pair_cadre_mentors(wb),
                                         mentoring.mentoring_coverage(wb), mentoring.ending_pairs(wb))),
        ],
        "standing-summary": [
            ("standing", lambda wb: standing.standing(wb)),
            ("figures", lambda wb: summary.figures(wb)),
            ("summary text", lambda wb: summary.summary_text(wb, detail=True)),
            ("network", lambda wb: (network.build_network(wb), network.pairing_view(wb), network.idle_people(wb))),
            ("blocked by pairings", lambda wb: blocked_by_pairings(wb)),
        ],
        "allocation": [
            ("allocate", lambda wb: planning.allocate(wb)),
            ("allocate a window", lambda wb: planning.allocate(wb, window=("2027-01-01", "2027-12-31"),
                                                               method="stable")),
        ],
        "reports": [
            ("gaps report", lambda wb: reports.gaps_report(wb)),
            ("report figures", lambda wb: reports.report_figures(wb)),
            ("person records", lambda wb: reports.person_records(wb)),
            ("scenario html", lambda wb: reports.scenario_html(wb)),
        ],
    }


GROUPS = ["coverage", "rotation", "standing-summary", "allocation", "reports"]


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("name", list(ODD))
def test_library_answers_on_odd_programmes(odd, name, group):
    wb = odd[name]
    snap = wb.copy()
    failed = []
    for label, call in _library_calls()[group]:
        try:
            call(wb)
        except Exception as e:  # collected so that one run names every function that fails
            failed.append(f"{label}: {type(e).__name__}: {e}")
    assert not failed, "\n".join(failed)
    assert wb.equals(snap)  # nothing computed changes the workbook given


@pytest.mark.parametrize("name", ["headers-only", "no-orders", "before-first-batch"])
def test_handovers_before_the_first_batch(odd, name):
    """The rotation page's first failure: handovers of a programme with no assignment (or no order at all)."""
    h = coverage_mod.handovers(odd[name])
    assert h.empty and list(h.columns) == ["order", "host_unit", "sector", "outgoing", "out_end", "incoming",
                                           "in_start", "kind", "days"]
    from planning.scenarios.rotation import next_batch_orders

    drafts = next_batch_orders(odd[name])
    assert drafts.empty if name != "before-first-batch" else drafts["end"].notna().all()


def test_a_missing_end_means_the_open_end(odd):
    """A missing end and OPEN_END (the loader's 9999-12-31) give the same figures, timeline and plan."""
    from planning.programme import standing
    from planning.outputs import summary
    from planning.scenarios import rotation

    nat = odd["open-ends"]
    closed = closed_ends(nat)
    assert closed is not nat and not closed.orders["end"].isna().any()
    assert nat.orders["end"].isna().any()  # the one given is left as it was
    same = [
        lambda wb: [coverage_mod.coverage(wb, "2026-11", "2028-12")],
        lambda wb: [coverage_mod.cliffs(wb), coverage_mod.handovers(wb), coverage_mod.left_uncovered(wb)],
        lambda wb: [standing.standing(wb).points, standing.standing(wb).units],
        lambda wb: [rotation.timeline(wb), rotation.vacancies(wb), rotation.next_batch_orders(wb)],
        lambda wb: [pd.DataFrame([summary.figures(wb)])],
        lambda wb: (lambda plan: [plan.assignments, plan.unfilled])(planning.allocate(wb)),
    ]
    for f in same:
        for a, b in zip(f(nat), f(closed)):
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def test_an_open_end_keeps_its_person_on_post_and_busy(sample):
    """A stint with no end counts as on post from today on and is never planned over."""
    wb = sample.copy()
    a = wb.assignments.copy()
    live = a["status"].eq("active") & (a["end"] < pd.Timestamp("2027-06-30"))
    row = a.index[live][0]
    person = a.loc[row, "person"]
    a.loc[row, "end"] = pd.NaT
    wb.assignments = a
    later = coverage_mod.coverage(wb, "2027-07", "2027-07")
    before = coverage_mod.coverage(sample, "2027-07", "2027-07")
    assert later["supply"].sum() == before["supply"].sum() + 1
    plan = planning.allocate(wb)
    assert person not in set(plan.assignments["person"])
    assert plan.workbook.assignments.loc[row, "end"] is pd.NaT  # the plan keeps the open end as given


# --------------------------------------------------------------------------- #
# pages on odd programmes
# --------------------------------------------------------------------------- #
PAGES = {"overview": OverviewApp, "coverage": CoverageApp, "rotation": RotationApp, "allocation": AllocationApp,
         "scenarios": ScenariosApp}


class _Errors(logging.Handler):
    """Errors the pages log instead of showing (tracebacks kept from viewers)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


@pytest.fixture
def page_errors():
    h = _Errors()
    log = logging.getLogger("planning.apps")
    log.addHandler(h)
    yield h.records
    log.removeHandler(h)


def _press(app):
    """What a planner presses on each page."""
    if isinstance(app, AllocationApp):
        if len(app.region.options) > 1:  # one area: a whole programme's plan twice over is slow for a test
            app.region.value = app.region.options[-1][1]
        app.run_button.click()
        if app.pick.options:
            app.forbid_button.click()
            app.run_button.click()
    elif isinstance(app, RotationApp):
        app.overlap.value = 0
        app.propose_button.click()
        app.pair_button.click()
    elif isinstance(app, ScenariosApp):
        app.add_button.click()
        app.replan_button.click()
    elif isinstance(app, CoverageApp) and len(app.area.options) > 1:
        app.area.value = app.area.options[1][1]


def _reads_clean(app, errors):
    assert "app-ready" in app.root._dom_classes and app.body.children, app.status.value
    text = page_text(app.root)
    assert "class='problems'" not in app.status.value and app.t("app.error") not in text
    assert not errors, errors[0]
    assert not MISSING.findall(text), sorted({m for m in MISSING.findall(text)})


#: Every page in Chinese on every odd programme; in English on those whose words differ most from the sample's.
PAGE_CASES = [(name, page, "zh") for name in LOADABLE for page in PAGES] + [
    (name, page, "en") for name in ("headers-only", "no-people", "open-ends-as-loaded", "edge-dates-1950-2100")
    for page in PAGES]


@pytest.mark.parametrize("name, page, lang", PAGE_CASES, ids=["-".join(c) for c in PAGE_CASES])
def test_page_on_odd_programme(folders, name, page, lang, monkeypatch, page_errors):
    """Each page, loaded from the odd programme's CSV folder (``PLANNING_DATA``), renders and survives its actions."""
    monkeypatch.setenv("PLANNING_DATA", str(folders[name]))
    app = PAGES[page](lang=lang)
    assert app.wb is not None and not app.problems
    _reads_clean(app, page_errors)
    _press(app)
    _reads_clean(app, page_errors)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_on_missing_ends(odd, page, page_errors):
    """A workbook made in memory with missing ends (no file can hold them) is shown as well."""
    app = PAGES[page](wb=odd["open-ends"], lang="zh")
    _reads_clean(app, page_errors)
    _press(app)
    _reads_clean(app, page_errors)


# --------------------------------------------------------------------------- #
# hostile what-if changes
# --------------------------------------------------------------------------- #
def senders(**kw):
    return {"kind": "senders", "city": "SD-JN", "sector": "教育", "delta": 1, **kw}


def terms(**kw):
    return {"kind": "terms", "batch": "planned:2026-02", "months": 6, **kw}


def flexible(**kw):
    return {"kind": "flexible", "city": "SD-JN", "sector": "教育", "n": 2, "start": "2027-03-01", **kw}


def orders(**kw):
    return {"kind": "orders", "host_unit": "H-SCH01", "headcount": 1, **kw}


HOSTILE_CHANGES = {
    "senders-10^12-more": senders(delta=10**12),
    "senders-10^12-fewer": senders(delta=-10**12),
    "senders-100001-more": senders(delta=MAX_PEOPLE + 1),
    "senders-unknown-city": senders(city="XX-NOWHERE"),
    "senders-empty-city": senders(city=""),
    "senders-city-with-control-chars": senders(city="SD-JN\x00\x1b[31m"),
    "senders-empty-sector": senders(sector=""),
    "senders-unknown-sector": senders(sector="航天", delta=-1),
    "senders-delta-not-a-number": senders(delta="ten"),
    "senders-delta-fraction": senders(delta=1.5),
    "senders-delta-missing": senders(delta=None),
    "senders-delta-nan": senders(delta=float("nan")),
    "senders-delta-infinite": senders(delta=float("inf")),
    "terms-10^9-months": terms(months=10**9),
    "terms-minus-10^9-months": terms(months=-10**9),
    "terms-121-months": terms(months=MAX_MONTHS + 1),
    "terms-unknown-batch": terms(batch="planned:1999-01"),
    "terms-empty-batch": terms(batch=""),
    "terms-batch-with-control-chars": terms(batch="planned:2026-02\x07"),
    "flexible-10^12-people": flexible(n=10**12),
    "flexible-no-people": flexible(n=0),
    "flexible-10^9-months": flexible(months=10**9),
    "flexible-negative-months": flexible(months=-3),
    "flexible-start-2262": flexible(start="2262-06-01"),
    "flexible-start-3000": flexible(start="3000-01-01"),
    "flexible-start-1600": flexible(start="1600-01-01"),
    "flexible-start-empty": flexible(start=""),
    "flexible-start-missing": flexible(start=None),
    "flexible-start-now": flexible(start="now"),
    "flexible-start-not-a-day": flexible(start="2027-02-30"),
    "flexible-start-with-control-chars": flexible(start="2027-03-01\x00"),
    "flexible-ends-after-2100": flexible(start="2100-11-01", months=3),
    "flexible-unknown-sector": flexible(sector="航天"),
    "flexible-unknown-city": flexible(city="XX"),
    "orders-headcount-10^12": orders(headcount=10**12),
    "orders-headcount-minus-10^12": orders(headcount=-10**12),
    "orders-headcount-to-zero": orders(headcount=-5),
    "orders-end-2262": orders(end="2262-05-01"),
    "orders-end-1600": orders(end="1600-01-01"),
    "orders-end-2101": orders(end="2101-01-01"),
    "orders-end-empty": orders(end=""),
    "orders-end-words": orders(end="next year"),
    "orders-unknown-unit": orders(host_unit="H-NOWHERE"),
    "orders-empty-unit": orders(host_unit=""),
    "orders-unit-with-control-chars": orders(host_unit="H-SCH01\x00"),
    "orders-unknown-sector": orders(sector="航天"),
    "unknown-kind": {"kind": "weather"},
    "no-kind": {"city": "SD-JN"},
    "unknown-argument": orders(unit="H-SCH01"),
    "missing-argument": {"kind": "terms", "batch": "planned:2026-02"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", list(HOSTILE_CHANGES))
def test_hostile_change_is_one_sentence_and_changes_nothing(sample, sample_words, case, lang):
    snap = sample.copy()
    with pytest.raises(ScenarioError) as e:
        apply(sample, [HOSTILE_CHANGES[case]], lang=lang)
    msg = str(e.value)
    assert msg and "\n" not in msg and "Traceback" not in msg and not CONTROL.search(msg), msg
    assert not MISSING.search(msg), msg
    typed = [v for k, v in HOSTILE_CHANGES[case].items() if k != "kind"]  # the values, which a message may quote
    assert reads_in(msg, lang, sample_words, typed), msg
    assert sample.equals(snap)


@pytest.mark.parametrize("changes", ["senders", None, 5, [5], {"kind": "orders"}], ids=repr)
def test_changes_not_a_list_of_changes(sample, changes):
    with pytest.raises(ScenarioError, match="list of entries"):
        apply(sample, changes, lang="en")


def test_bounds_themselves_are_allowed(sample):
    """The limits are inclusive: 120 months, 100,000 people or seats, the last day planned for."""
    ok = [terms(months=MAX_MONTHS), terms(months=-MAX_MONTHS), senders(delta=-3),
          flexible(n=3, start="2100-10-01", months=3), flexible(start=pd.Timestamp("2027-03-01"), months="6"),
          orders(headcount=MAX_PEOPLE), orders(headcount=0, end="2100-12-31")]
    for change in ok:
        b = apply(sample, [change], lang="en")
        assert not b.equals(sample), change
    b = apply(sample, [flexible(n=3, start="2100-10-01", months=3)])
    assert b.people["available_to"].max() == EDGE_END


def test_terms_of_an_open_batch_stay_open(odd):
    """An open term has no end to move: a longer batch leaves it open, and nothing runs past 2100-12-31."""
    wb = odd["open-ends-as-loaded"]
    from planning.scenarios.rotation import timeline

    batch = timeline(wb)["batch"].mode().iloc[0]
    b = apply(wb, [{"kind": "terms", "batch": batch, "months": 12}])
    assert b.assignments["end"].max() <= EDGE_END
    was_open = wb.assignments["end"].isna() | wb.assignments["end"].ge(OPEN_END)
    pd.testing.assert_series_equal(b.assignments.loc[was_open, "end"], wb.assignments.loc[was_open, "end"])


SCENARIO_PAGE_INPUT = {
    "flexible-start-2262": ("flexible", {"p_start": "2262-06-01"}),
    "flexible-start-1600": ("flexible", {"p_start": "1600-01-01"}),
    "flexible-start-empty": ("flexible", {"p_start": ""}),
    "flexible-start-words": ("flexible", {"p_start": "明天"}),
    "flexible-start-control-chars": ("flexible", {"p_start": "2027-03-01\x1b"}),
    "orders-end-3000": ("orders", {"p_end": "3000-01-01"}),
    "orders-end-before-start": ("orders", {"p_end": "1950-01-01"}),
    "orders-end-control-chars": ("orders", {"p_end": "\x00"}),
    "orders-headcount-to-zero": ("orders", {"p_headcount": -100}),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", list(SCENARIO_PAGE_INPUT))
def test_scenarios_page_refuses_hostile_input_in_a_sentence(sample, case, lang, page_errors):
    app = ScenariosApp(wb=sample, lang=lang)
    kind, values = SCENARIO_PAGE_INPUT[case]
    app.kind.value = kind
    for widget, value in values.items():
        getattr(app, widget).value = value
    app.add_button.click()
    assert app.changes == [] and "class='problems'" in app.change_list.value
    shown = page_text(app.change_list)
    assert not CONTROL.search(shown) and not MISSING.search(shown) and "Traceback" not in shown
    assert "class='problems'" not in app.status.value and not page_errors


def test_scenarios_page_numbers_stay_within_bounds(sample):
    """The page's number boxes cannot ask for more than the library allows."""
    app = ScenariosApp(wb=sample, lang="zh")
    app.p_delta.value, app.p_months.value, app.p_n.value = 10**12, 10**9, 10**12
    app.p_headcount.value, app.p_flex_months.value = -(10**12), -5
    assert abs(app.p_delta.value) <= MAX_PEOPLE and abs(app.p_months.value) <= MAX_MONTHS
    assert 1 <= app.p_n.value <= MAX_PEOPLE and abs(app.p_headcount.value) <= MAX_PEOPLE
    assert 1 <= app.p_flex_months.value <= MAX_MONTHS


# --------------------------------------------------------------------------- #
# pins and forbids
# --------------------------------------------------------------------------- #
def _pins(sample):
    """Pins and forbids a planner (or a saved scenario, or a script) may hand over."""
    school_lead, hospital_member = "O-SCH01-L", "O-HOS1-M"
    teacher = sample.assignments.loc[sample.assignments["order"].eq(school_lead), "person"].iloc[0]
    idle = sample.people.loc[~sample.people["id"].isin(sample.assignments["person"])
                             & sample.people["sector"].eq("教育"), "id"].iloc[0]
    return {
        "unknown-person": dict(pins=[("P9999", school_lead)]),
        "unknown-order": dict(pins=[(teacher, "O-NOWHERE")]),
        "empty-person": dict(pins=[("", school_lead)]),
        "missing-order": dict(pins=[(teacher, None)]),
        "person-with-control-chars": dict(pins=[(teacher + "\x00", school_lead)]),
        "not-a-pair": dict(pins=[teacher]),
        "a-number": dict(pins=[7]),
        "four-parts": dict(pins=[(teacher, school_lead, 0, 1)]),
        "slot-words": dict(pins=[(teacher, school_lead, "first")]),
        "slot-negative": dict(pins=[(teacher, school_lead, -1)]),
        "slot-10^30": dict(pins=[(teacher, school_lead, 10**30)]),
        "same-pin-twice": dict(pins=[(idle, school_lead), (idle, school_lead)]),
        "pin-against-forbid": dict(pins=[(idle, school_lead)], forbids=[(idle, school_lead)]),
        "pin-across-sectors": dict(pins=[(teacher, hospital_member)]),
        "forbid-unknown-person": dict(forbids=[("P9999", school_lead)]),
        "forbid-unknown-order": dict(forbids=[(teacher, "O-NOWHERE")]),
        "same-forbid-twice": dict(forbids=[(teacher, school_lead), (teacher, school_lead)]),
        "forbid-with-a-slot": dict(forbids=[(teacher, school_lead, 0)]),
        "forbids-as-text": dict(forbids="P0001,O-SCH01-L"),
    }


PIN_CASES = ["unknown-person", "unknown-order", "empty-person", "missing-order", "person-with-control-chars",
             "not-a-pair", "a-number", "four-parts", "slot-words", "slot-negative", "slot-10^30", "same-pin-twice",
             "pin-against-forbid", "pin-across-sectors", "forbid-unknown-person", "forbid-unknown-order",
             "same-forbid-twice", "forbid-with-a-slot", "forbids-as-text"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", PIN_CASES)
def test_hostile_pin_or_forbid_is_one_sentence(sample, sample_words, case, lang):
    kw = _pins(sample)[case]
    with pytest.raises(PlanError) as e:
        planning.allocate(sample, lang=lang, **kw)
    msg = str(e.value)
    assert msg and "\n" not in msg and "Traceback" not in msg and not CONTROL.search(msg), msg
    assert reads_in(msg, lang, sample_words), msg


@pytest.mark.parametrize("case", ["unknown-person", "pin-against-forbid", "pin-across-sectors",
                                  "forbid-unknown-order", "same-pin-twice"])
def test_allocation_page_says_why_it_cannot_run(sample, case, page_errors):
    app = AllocationApp(wb=sample, lang="zh")
    kw = _pins(sample)[case]
    app.pins, app.forbids = list(kw.get("pins", [])), list(kw.get("forbids", []))
    app.run_button.click()
    assert app.plan is None and "class='problems'" in app.progress_text.value
    assert app.t("app.error") not in app.progress_text.value and not page_errors
    assert not MISSING.search(page_text(app.root))
