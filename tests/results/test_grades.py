"""Grades from thresholds (DESIGN §10): derived from the total where the programme states thresholds, against a
plain reference on generated assessments; the loader refuses thresholds and grades that break the rule."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook as open_xlsx

import planning
from planning.contract import Workbook, empty_table, schema
from planning.contract.template import write_template
from planning.programme.assessments import grades
from tests.conftest import csv_workbook

BEST_FIRST = ["excellent", "competent", "basically_competent", "incompetent"]


def reference_grades(items: list[dict], thresholds: list[dict], assessments: list[dict]) -> dict:
    """``(person, period)`` → (total, grade), written from DESIGN §10 and the module's rule: the total is the sum
    of the scores; where thresholds are stated and every item is scored, the grade is the best one whose lowest
    total the total reaches (不称职 below them all); otherwise the grade given (the first one written)."""
    floors = {}
    for t in thresholds:
        floors.setdefault(t["grade"], t["min_total"])
    all_items = {i["id"] for i in items}
    out = {}
    keys = []
    for a in assessments:
        if (a["person"], a["period"]) not in keys:
            keys.append((a["person"], a["period"]))
    for key in keys:
        mine = [a for a in assessments if (a["person"], a["period"]) == key]
        scores = [a["score"] for a in mine if a["score"] is not None]
        total = sum(scores) if scores else None
        scored = {a["item"] for a in mine if a["item"] is not None and a["score"] is not None}
        given_ = next((a["grade"] for a in mine if a["grade"] is not None), None)
        grade = given_
        if floors and all_items and scored == all_items and total is not None:
            grade = "incompetent"
            for g in BEST_FIRST:
                if g in floors and total >= floors[g]:
                    grade = g
                    break
        out[key] = (total, grade)
    return out


@st.composite
def programmes(draw):
    items = [dict(id=f"A{k}", name=f"项目{k}", max_score=10.0) for k in range(draw(st.integers(1, 4)))]
    chosen = [g for g in BEST_FIRST if draw(st.booleans())]
    mins = sorted(draw(st.lists(st.integers(0, 40), min_size=len(chosen), max_size=len(chosen), unique=True)),
                  reverse=True)
    thresholds = [dict(grade=g, min_total=float(m)) for g, m in zip(chosen, mins)]
    assessments = []
    for p in range(draw(st.integers(1, 4))):
        for period in draw(st.lists(st.sampled_from(["2026", "2026-05", "2026-06"]), min_size=1, max_size=2,
                                    unique=True)):
            rows = []
            for i in items:
                if draw(st.integers(0, 4)):  # most items scored, some not
                    rows.append(dict(person=f"X{p}", period=period, item=i["id"],
                                     score=float(draw(st.integers(0, 10))), grade=None))
            if not rows or draw(st.booleans()):
                rows.append(dict(person=f"X{p}", period=period, item=None, score=None, grade=None))
            if draw(st.booleans()):
                rows[0]["grade"] = draw(st.sampled_from(BEST_FIRST))
            assessments += rows
    return items, thresholds, assessments


def workbook(items, thresholds, assessments) -> Workbook:
    frames = {n: empty_table(n) for n in Workbook.__dataclass_fields__ if n not in ("source", "notes")}
    for name, rows in (("assessment_items", items), ("grade_thresholds", thresholds), ("assessments", assessments)):
        frames[name] = pd.DataFrame(rows, columns=list(empty_table(name).columns)).astype(object) if rows \
            else empty_table(name)
    frames["assessments"]["score"] = frames["assessments"]["score"].astype(float)
    return Workbook(**frames)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes())
def test_grades_match_the_reference(case):
    items, thresholds, assessments = case
    got = grades(workbook(items, thresholds, assessments))
    want = reference_grades(items, thresholds, assessments)
    assert set(zip(got["person"], got["period"])) == set(want)
    for r in got.to_dict("records"):
        total, grade = want[r["person"], r["period"]]
        assert (None if pd.isna(r["total"]) else r["total"]) == total, r
        assert (None if pd.isna(r["grade"]) else r["grade"]) == grade, (r, thresholds)


BASE = {
    "regions": "id,name,level,parent,side\nH,浮山县,county,,host\nS,临汾市,city,,sending\n",
    "units": "id,name,kind,region,side\nV1,一村,village,H,host\nSU,组织部,government,S,sending\n",
    "people": "id,name,sending_unit,category,sector,available_from,available_to\nP1,张三,SU,cadre,党政,2026-01-01,2028-12-31\n",
    "orders": "id,host_unit,sector,headcount,start,end\nO1,V1,党政,1,2026-01-01,2026-12-31\n",
    "assessment_items": "id,name,max_score\nA1,政治素质,50\nA2,工作实绩,50\n",
}
THRESHOLDS = "等次,最低总分\n优秀,90\n称职,75\n基本称职,60\n"


def load(tmp_path, **extra):
    load.n = getattr(load, "n", 0) + 1
    return csv_workbook(tmp_path / f"wb{load.n}", {**BASE, **extra})


def test_a_grade_the_thresholds_contradict_is_refused_in_one_sentence(tmp_path):
    bad = "person,period,item,score,grade\nP1,2026-05,A1,40,优秀\nP1,2026-05,A2,38,\n"  # 78: 称职
    with pytest.raises(planning.WorkbookError) as e:
        load(tmp_path, grade_thresholds=THRESHOLDS, assessments=bad)
    (p,) = e.value.problems
    assert p.code == "grade_not_thresholds" and p.row == 2
    assert "“优秀”" in p.sentence("zh") and "“称职”" in p.sentence("zh") and "78" in p.sentence("zh") and "'competent'" in p.sentence("en")
    # the same grade without thresholds, or on an assessment not scored on every item, is the grade given
    assert load(tmp_path, assessments=bad).assessments["grade"].iloc[0] == "excellent"
    part = "person,period,item,score,grade\nP1,2026-05,A1,40,优秀\n"
    wb = load(tmp_path, grade_thresholds=THRESHOLDS, assessments=part)
    assert grades(wb).set_index("period").at["2026-05", "grade"] == "excellent"
    # a grade left empty is derived; a grade that agrees loads
    empty = "person,period,item,score,grade\nP1,2026-05,A1,40,\nP1,2026-05,A2,38,\nP1,2026-06,A1,50,优秀\n" \
            "P1,2026-06,A2,45,\n"
    g = grades(load(tmp_path, grade_thresholds=THRESHOLDS, assessments=empty)).set_index("period")
    assert g.at["2026-05", "grade"] == "competent" and g.at["2026-05", "total"] == 78
    assert g.at["2026-06", "grade"] == "excellent"


@pytest.mark.parametrize("thresholds, code", [
    ("grade,min_total\nexcellent,90\ncompetent,90\n", "thresholds_out_of_order"),
    ("grade,min_total\ncompetent,70\nexcellent,60\n", "thresholds_out_of_order"),
    ("grade,min_total\nexcellent,90\nexcellent,95\n", "duplicate_threshold"),
    ("grade,min_total\nexcellent,-1\n", "below_min"),
])
def test_thresholds_that_break_the_rules_are_refused(tmp_path, thresholds, code):
    with pytest.raises(planning.WorkbookError) as e:
        load(tmp_path, grade_thresholds=thresholds)
    codes = {p.code for p in e.value.problems}
    assert code in codes, codes
    assert all(p.sentence("zh") and p.sentence("en") for p in e.value.problems)


def test_the_sample_states_fushans_thresholds_and_its_grades_follow_them(sample):
    th = sample.grade_thresholds.set_index("grade")["min_total"].to_dict()
    assert th == {"excellent": 90, "competent": 75, "basically_competent": 60}
    g = grades(sample)
    assert g["complete"].all() and g["derived"].eq(g["given"]).all()
    assert {"excellent", "competent"} <= set(g["grade"])


def test_the_template_offers_the_thresholds_with_a_grade_dropdown(tmp_path):
    xl = open_xlsx(write_template(tmp_path / "t.xlsx"))
    ws = xl[schema.template_sheet("grade_thresholds")]
    assert '"优秀,称职,基本称职,不称职"' in {dv.formula1 for dv in ws.data_validations.dataValidation}
