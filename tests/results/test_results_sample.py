"""The shipped sample's results and assessments: believable, in step with its generator."""
from __future__ import annotations

import pandas as pd

from planning.programme import results as R
from planning.samples.sample import build_sample

ON = "2026-11-22"


def test_the_shipped_results_tables_are_what_the_generator_writes(sample):
    built = build_sample()
    for t in ("indicator_definitions", "indicator_values", "assessment_items", "assessments", "indicators"):
        pd.testing.assert_frame_equal(getattr(sample, t).reset_index(drop=True), getattr(built, t).reset_index(drop=True),
                                      check_dtype=False, obj=t)


def test_counts_are_whole_and_rates_lie_between_0_and_1(sample):
    d = sample.indicator_definitions.set_index("id")
    v = sample.indicator_values.join(d[["aggregation"]], on="indicator")
    counts = v[v["aggregation"].eq("sum")]
    for c in ("baseline", "target", "actual"):
        x = counts[c].dropna()
        assert (x == x.round()).all(), c
    res = R.results(sample, on=ON)
    rates = res[res["aggregation"].eq("ratio")]
    assert len(rates) and rates[["baseline", "target", "actual"]].stack().between(0, 1).all()
    assert sample.notes == []


def test_some_reach_their_targets_some_do_not_and_a_few_places_are_behind_where_seats_were_empty(sample):
    res = R.results(sample, on=ON)
    s = res["status"].value_counts()
    assert s.get("behind", 0) and s.get("on_track", 0) and s.get("ahead", 0)
    assert s.get("reached", 0) and s.get("not_reached", 0)
    bs = R.behind_and_short(sample, res, on=ON)
    assert 3 <= bs["host_unit"].nunique() <= 20
    assert (bs["staffing"] < 0.8).all() and bs["sender"].notna().all()


def test_a_year_of_assessments_of_fushans_village_secretaries_on_8_items(sample):
    a = sample.assessments
    items = sample.assessment_items
    assert len(items) == 8 and items["max_score"].sum() == 100
    secretaries = set(sample.assignments.loc[sample.assignments["order"].str.match(r"O-FS-V\d+-L"), "person"])
    assert set(a["person"]) == secretaries and len(secretaries) == 20
    per = a.groupby(["person", "period"])
    assert (per["item"].nunique() == 8).all()
    full = a["item"].map(items.set_index("id")["max_score"])
    assert (a["score"] <= full).all()
    total = per["score"].sum()
    grade = per["grade"].first()
    floor = grade.map({"excellent": 90, "competent": 75, "basically_competent": 60, "incompetent": 0})
    assert (total >= floor).all() and grade.nunique() >= 2


def test_a_host_unit_sees_only_its_own_results_and_people_assessed(sample):
    from planning.contract import validate_workbook
    from planning.programme.access import host_units_of, scope_workbook

    mine = scope_workbook(sample, ["SXH-T1"])
    validate_workbook(mine)
    units = host_units_of(sample, ["SXH-T1"])
    assert set(mine.indicator_values["subject"]) <= units | set(mine.teams["id"]) | set(mine.people["id"])
    assert set(mine.assessments["person"]) <= set(mine.people["id"]) and len(mine.assessments)
    assert not set(mine.assessments["person"]) & (set(sample.assessments["person"]) - set(mine.people["id"]))
    school = scope_workbook(sample, ["H-SCH01"])
    res = R.results(school, on=ON)
    assert set(res["subject"]) == {"H-SCH01"} and "EDU-RATE" in set(res["indicator"])
    assert school.assessments.empty


def test_the_persons_record_shows_their_assessments_and_the_results_where_they_served(sample):
    from planning.outputs.reports import person_records

    p = person_records(sample, ON, "2027-10").set_index("person")
    secretary = sorted(set(sample.assessments["person"]))[0]
    a = sample.assessments[sample.assessments["person"].eq(secretary)]
    total = int(a[a["period"].eq("2026-05")]["score"].sum())
    assert p.loc[secretary, "assessments"].startswith(f"2026-05 ") and f"{total}分" in p.loc[secretary, "assessments"]
    assert p.loc[secretary, "assessments"].count("；") == a["period"].nunique() - 1
    assert "村集体经济收入" in p.loc[secretary, "results"]
    # a teacher at a school behind and short-staffed sees its pass rate behind
    sch = sample.assignments[sample.assignments["order"].str.startswith("O-SCH11-")
                             & sample.assignments["end"].ge(ON)]["person"].iloc[0]
    assert "本科上线率 落后" in p.loc[sch, "results"] and p.loc[sch, "assessments"] == ""


def test_the_overview_names_the_places_behind_and_short_staffed_to_decide(sample):
    from planning.apps.overview import OverviewApp

    bs = R.behind_and_short(sample, on=ON)
    worst = bs.sort_values(["staffing", "host_unit"], kind="stable").iloc[0]
    name = sample.units.set_index("id").loc[worst["host_unit"], "name"]
    for lang, words in (("zh", "在岗仅"), ("en", "seats filled")):
        html = OverviewApp(wb=sample, lang=lang).panels(sample)
        decide = html[html.index("class='panel decide'"):]
        assert name in decide and words in decide and f"{worst['staffing']:.0%}" in decide


def test_the_results_page_shows_a_host_unit_only_its_own_units(sample):
    from planning.apps import ResultsApp
    from planning.programme.access import OfficeRole, Viewer, host_units_of

    mine = host_units_of(sample, ["XJ-KS-JS"])
    for role in (OfficeRole.LEADER, OfficeRole.HOST_UNIT):
        viewer = Viewer("某人", role, ("XJ-KS-JS",) if role == OfficeRole.HOST_UNIT else ())
        app = ResultsApp(wb=sample, lang="zh", viewer=viewer)
        assert "app-ready" in app.root._dom_classes and app.body.children and "problems" not in app.status.value
        subjects = set(app.data["results"]["subject"])
        if role == OfficeRole.HOST_UNIT:
            assert subjects and subjects <= mine
            assert {v for _, v in app.unit.options if v} <= mine
            other = sample.units.set_index("id").loc["H-SCH01", "name"]  # a school in another county
            assert other not in "".join(c.value for c in app.body.children if hasattr(c, "value")
                                        and isinstance(c.value, str))
        else:
            assert not subjects <= mine
