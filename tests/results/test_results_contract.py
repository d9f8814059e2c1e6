"""The results tables of the contract (DESIGN §10): what loads, what is refused and said, what old workbooks keep."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook as open_xlsx

import planning
from planning.contract import schema
from planning.contract.template import write_template
from tests.conftest import csv_workbook

BASE = {
    "regions": "id,name,level,parent,side\nH,浮山县,county,,host\nS,临汾市,city,,sending\n",
    "units": "id,name,kind,region,side\nV1,一村,village,H,host\nV2,二村,village,H,host\nSU,组织部,government,S,sending\n",
    "people": "id,name,sending_unit,category,sector,available_from,available_to\nP1,张三,SU,cadre,党政,2026-01-01,2028-12-31\n",
    "orders": "id,host_unit,sector,headcount,start,end\nO1,V1,党政,1,2026-01-01,2026-12-31\n",
}
DEFS = ("id,name,measure,direction,aggregation,numerator,denominator,subject,sector\n"
        "JOBS,新增就业,人,higher,sum,,,host_unit,党政\n"
        "PASS,上线人数,人,higher,sum,,,host_unit,教育\n"
        "CAND,参考人数,人,higher,sum,,,host_unit,教育\n"
        "RATE,上线率,%,越高越好,比率,PASS,CAND,受援单位,教育\n"
        "SCORE,群众满意度,分,higher,mean,,,person,\n")


def load(tmp_path, **extra):
    return csv_workbook(tmp_path / "wb", {**BASE, **extra})


def problems(tmp_path, **extra):
    with pytest.raises(planning.WorkbookError) as e:
        load(tmp_path, **extra)
    return e.value.problems


def test_definitions_values_and_assessments_load_with_chinese_values(tmp_path):
    wb = load(tmp_path, indicator_definitions=DEFS,
              indicator_values="对象,指标,期间,基线,目标,实际\nV1,JOBS,2026,10,40,25\nV1,PASS,2026-06,3,8,5\nP1,SCORE,2026,,90,88\n",
              assessment_items="id,name,max_score\nA1,政治素质,10\nA2,工作实绩,20\n",
              assessments="person,period,item,score,grade,assessor,note\nP1,2026,A1,9,优秀,县委组织部,\nP1,2026,A2,18,,,\n")
    d = wb.indicator_definitions.set_index("id")
    assert d.loc["RATE", "aggregation"] == "ratio" and d.loc["RATE", "direction"] == "higher"
    assert d.loc["RATE", "subject"] == "host_unit" and d.loc["SCORE", "subject"] == "person"
    assert wb.indicator_values["actual"].tolist() == [25.0, 5.0, 88.0]
    assert wb.assessments["grade"].tolist()[0] == "excellent" and wb.notes == []


@pytest.mark.parametrize("extra, code", [
    (dict(indicator_values="subject,indicator,period,actual\nV1,JOBS,2026/06,3\n"), "bad_period"),
    (dict(indicator_values="subject,indicator,period,actual\nV1,JOBS,2026-13,3\n"), "bad_period"),
    (dict(indicator_values="subject,indicator,period,actual\nP1,JOBS,2026,3\n"), "wrong_subject"),
    (dict(indicator_values="subject,indicator,period,actual\nSU,JOBS,2026,3\n"), "wrong_subject"),
    (dict(indicator_values="subject,indicator,period,actual\nV1,SCORE,2026,3\n"), "wrong_subject"),
    (dict(indicator_values="subject,indicator,period,actual\nV1,JOBS,2026,3\nV1,JOBS,2026,4\n"), "duplicate_value"),
    (dict(indicator_values="subject,indicator,period,actual\nV1,NOPE,2026,3\n"), "unknown_ref"),
])
def test_values_that_break_the_rules_are_refused_and_said(tmp_path, extra, code):
    got = problems(tmp_path, indicator_definitions=DEFS, **extra)
    assert code in {p.code for p in got}
    assert all(p.sentence("zh") and p.sentence("en") for p in got)


@pytest.mark.parametrize("defs, code", [
    ("id,name,aggregation,numerator,denominator\nA,甲,sum,,\nR,率,ratio,A,\n", "ratio_missing_part"),
    ("id,name,aggregation,numerator,denominator\nA,甲,mean,,\nB,乙,sum,,\nR,率,ratio,A,B\n", "ratio_part_not_sum"),
    ("id,name,aggregation,numerator,denominator\nA,甲,sum,,\nB,乙,sum,A,\n", "part_not_ratio"),
])
def test_a_ratio_needs_two_summed_parts(tmp_path, defs, code):
    assert code in {p.code for p in problems(tmp_path, indicator_definitions=defs)}


def test_assessment_scores_and_grades_are_checked(tmp_path):
    items = "id,name,max_score\nA1,政治素质,10\n"
    got = problems(tmp_path, assessment_items=items,
                   assessments="person,period,item,score,grade\nP1,2026,A1,12,优秀\nP1,2026,A1,8,称职\nP1,2026-13,,,\n")
    codes = [p.code for p in got]
    assert {"above_full_marks", "duplicate_score", "two_grades", "bad_period"} <= set(codes)
    two = next(p for p in got if p.code == "two_grades")
    assert "优秀" in two.sentence("zh") and "excellent" in two.sentence("en")


def test_an_old_indicators_sheet_still_loads_unchanged_with_a_reminder(tmp_path):
    old = "host_unit,indicator,period,kind,value\nV1,本科上线率,2026,baseline,0.3\nV1,本科上线率,2026,target,0.4\n"
    wb = load(tmp_path, indicators=old)
    assert wb.indicators["value"].tolist() == [0.3, 0.4] and wb.indicator_definitions.empty
    (note,) = wb.notes
    assert note.code == "legacy_indicators" and "本科上线率" in note.sentence("zh")
    # defined by name: no reminder
    wb = load(tmp_path, indicators=old, indicator_definitions="id,name\nR,本科上线率\n")
    assert wb.notes == []


def test_a_workbook_without_the_new_tables_loads_as_before(tmp_path):
    wb = load(tmp_path)
    for t in ("indicator_definitions", "indicator_values", "assessment_items", "assessments"):
        assert getattr(wb, t).empty and list(getattr(wb, t).columns) == list(schema.columns(t).index)


def test_the_template_offers_the_results_sheets_with_chinese_dropdowns(tmp_path):
    xl = open_xlsx(write_template(tmp_path / "t.xlsx"))
    for t in ("indicator_definitions", "indicator_values", "assessment_items", "assessments"):
        assert schema.template_sheet(t) in xl.sheetnames
    ws = xl[schema.template_sheet("indicator_definitions")]
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"越高越好,越低越好"' in lists and '"求和,平均,比率"' in lists
    ws = xl[schema.template_sheet("assessments")]
    assert '"优秀,称职,基本称职,不称职"' in {dv.formula1 for dv in ws.data_validations.dataValidation}
