"""The printable scenario report: Excel sheets, the HTML page and ``planning report``.

A small hand-made workbook pins the meanings (who is in the 一人一档, mentors,
stints joined, sheet names made safe, escaping); the sample workbook checks the
whole report against the coverage rollups.
"""
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

import planning
from conftest import csv_workbook
from planning.programme.coverage import BAND_COLOURS, coverage_as_of, rollup
from planning.outputs.reports import (county_gaps, person_records, scenario_html, scenario_report, scenario_sections,
                              sheet_title, team_names)

FIXED_ZH = ["概况", "缺口-县市×行业", "派遣名单-按派出城市", "派遣名单-按受援单位", "一人一档"]
FIXED_EN = ["Summary", "Gaps by county x sector", "Roster by sending city", "Roster by host unit", "Person records"]
LONG_NAME = "二县小学" + "长" * 40

TABLES = {
    "regions": """id,name,level,parent,side
SD,山东省,province,,sending
SD-A,甲市,city,SD,sending
SD-B,乙市,city,SD,sending
KS,喀什地区,prefecture,,host
KS-1,一县,county,KS,host
KS-2,二县,county,KS,host
""",
    "units": """id,name,kind,region,side
A-EDU,甲市教育局,government,SD-A,sending
B-HOS,乙市医院,hospital,SD-B,sending
S1,一县一中,school,KS-1,host
H1,一县医院,hospital,KS-1,host
S2,二县小学,school,KS-2,host
""",
    "people": """id,name,sending_unit,category,sector,skill,level,can_lead,program,available_from,available_to
PA1,<b>王</b>,A-EDU,professional,教育,,1,false,planned,2026-01-01,2028-12-31
PA2,甲二,A-EDU,cadre,教育,,3,true,planned,2026-01-01,2028-12-31
PB1,乙一,B-HOS,professional,医疗,,1,false,flexible,2026-01-01,2028-12-31
PB2,乙二,B-HOS,professional,医疗,,1,false,flexible,2026-01-01,2028-12-31
PB3,乙三,B-HOS,professional,医疗,,1,false,flexible,2026-01-01,2028-12-31
""",
    "teams": f"""id,host,model,same_source,lead_required,name
T1,S1,school,true,true,一中: 教学/管理 [试点]*?
T2,H1,department,false,false,
T3,H1,department,false,false,
T4,S2,school,false,false,{LONG_NAME}
""",
    "orders": """id,host_unit,sector,skill,role,headcount,start,end,priority,min_level,team,rotation_months
O1,S1,教育,,lead,1,2026-09-01,2027-08-31,5,1,T1,
O2,S1,教育,,member,2,2026-09-01,2027-08-31,4,1,T1,
O3,H1,医疗,,member,2,2026-01-01,2027-01-31,3,1,T2,
O4,H1,医疗,,member,1,2027-02-01,2027-06-30,3,1,T3,
O5,S2,教育,,member,2,2026-01-01,2027-12-31,3,1,T4,
""",
    "assignments": """person,order,start,end,status
PA2,O1,2026-09-01,2027-08-31,active
PA1,O2,2026-09-01,2027-08-31,active
PB1,O3,2026-10-01,2027-01-31,active
PB2,O3,2026-10-01,2027-01-31,active
PB2,O4,2027-02-01,2027-06-30,planned
PB3,O3,2026-01-01,2026-06-30,done
""",
    "local_staff": """id,name,host_unit,sector,skill
L1,本地一,S1,教育,
L2,本地二,S1,教育,
""",
    "mentorships": """mentor,apprentice,host_unit,start,end
L1,PA2,S1,2026-09-01,2027-08-31
PA1,L1,S1,2026-09-01,2027-08-31
PA1,L2,S1,2026-09-01,2027-08-31
""",
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return csv_workbook(tmp_path_factory.mktemp("tiny"), TABLES)


@pytest.fixture(scope="module")
def tiny_book(tiny, tmp_path_factory):
    path = scenario_report(tiny, tmp_path_factory.mktemp("out") / "r.xlsx", title="试点方案 v2")
    return load_workbook(path)


@pytest.fixture(scope="module")
def sample_book(sample, tmp_path_factory):
    path = scenario_report(sample, tmp_path_factory.mktemp("out") / "r.xlsx", title="2027 计划 v1")
    return load_workbook(path)


def rows(ws) -> pd.DataFrame:
    values = list(ws.values)
    return pd.DataFrame(values[1:], columns=values[0])


# ---------------------------------------------------------------------------
# the hand-made workbook
# ---------------------------------------------------------------------------
def test_person_records_one_row_per_dispatched_person(tiny):
    p = person_records(tiny, "2026-11-22", "2027-10").set_index("person")
    assert sorted(p.index) == ["PA1", "PA2", "PB1", "PB2"]  # PB3's stint is done and over
    assert p.loc["PA2", "mentors"] == "本地一" and p.loc["PA2", "apprentices"] == ""
    assert p.loc["PA1", "apprentices"] == "本地一、本地二" and p.loc["PA1", "mentors"] == ""
    pb2 = p.loc["PB2"]
    assert (pb2["stints"], pb2["order"], str(pb2["start"]), str(pb2["end"])) == (
        2, "O3；O4", "2026-10-01", "2027-06-30")
    assert pb2["team"] == "一县医院组团 (1)；一县医院组团 (2)"  # two teams of one name, numbered (never by id)
    assert p.loc["PA2", "role"] == "组长" and p.loc["PA2", "category"] == "党政干部"
    assert p.loc["PA1", "source_city"] == "甲市" and p.loc["PA1", "host_unit"] == "一县一中"
    # a window after PB1's stint leaves PB1 out
    assert "PB1" not in set(person_records(tiny, "2027-03-01", "2027-10").person)


def test_person_sheet_matches_the_records(tiny_book):
    df = rows(tiny_book["一人一档"])
    assert len(df) == 4 and df["人员编号"].is_unique
    pa2 = df[df["人员编号"] == "PA2"].iloc[0]
    assert pa2["本地导师"] == "本地一" and pa2["姓名"] == "甲二"


def test_team_names_and_safe_unique_sheet_names(tiny, tiny_book):
    names = team_names(tiny)
    assert names["T2"] != names["T3"] and names["T1"].startswith("一中")
    secs = scenario_sections(tiny, lang="zh")
    team_sheets = [s.sheet for s in secs if s.key == "team"]
    assert len(team_sheets) == len(tiny.teams) == 4
    assert len({s.lower() for s in tiny_book.sheetnames}) == len(tiny_book.sheetnames)
    for s in tiny_book.sheetnames:
        assert len(s) <= 31 and not re.search(r"[\[\]:*?/\\]", s), s
    assert team_sheets[0] == "一中_ 教学_管理 _试点___"
    assert team_sheets[3] == LONG_NAME[:31]
    # the Excel file holds every team on one sheet, a column naming the team
    teams = rows(tiny_book["各组团名单"])
    t1 = teams[teams["组团"].eq(names["T1"])]
    assert t1["角色"].tolist() == ["组长", "成员"] and t1["姓名"].tolist() == ["甲二", "<b>王</b>"]
    assert not teams["组团"].eq(names["T4"] if "T4" in names else LONG_NAME).any()  # nobody on post: no rows


def test_sheet_title_rules():
    assert sheet_title("history") == "history_"
    assert sheet_title("'引号'") == "引号"
    assert sheet_title("A", taken=["a"]) == "A (2)"
    assert sheet_title("A", taken=["a", "A (2)"]) == "A (3)"
    assert sheet_title("") == "Sheet"


def test_every_sheet_is_set_up_for_print(tiny_book, sample_book):
    for book in (tiny_book, sample_book):
        for ws in book.worksheets:
            assert ws.freeze_panes == "A2", ws.title
            assert ws.print_title_rows == "$1:$1", ws.title
            assert ws.page_setup.orientation == "landscape"
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws["A1"].font.b
            assert all(ws.column_dimensions[c].width >= 8 for c in "AB"), ws.title
    cover = tiny_book["概况"]
    # the longest value of a short table fits, CJK counted double: 25 characters, 7 of them CJK
    assert cover.column_dimensions["B"].width >= 25 + 7


def test_cover_figures(tiny_book):
    cover = dict(rows(tiny_book["概况"]).values.tolist())
    assert cover["方案"] == "试点方案 v2"
    assert cover["统计期内派驻人员"] == 4
    assert cover["岗位到位（2026年11月22日）"] == "4 / 7"
    assert cover["满足率（2026年11月22日）"] == "57%" and cover["满足率等级"] == "偏紧"
    assert cover["缺口（2026年11月22日）"] == 3
    assert cover["假设调整"] == "无（当前数据原样）" and cover["数据来源"]
    ws = tiny_book["概况"]
    band_cell = next(r[1] for r in ws.iter_rows(min_row=2) if r[0].value == "满足率等级")
    assert band_cell.fill.fgColor.rgb.endswith(BAND_COLOURS["amber"].lstrip("#").upper())


def test_gaps_sheet_by_county_and_sector(tiny, tiny_book):
    df = rows(tiny_book["缺口-县市×行业"])
    got = {(r["县市"], r["行业"]): (r["需求"], r["在岗"], r["缺口"]) for _, r in df.iterrows()}
    assert got == {("一县", "教育"): (3, 2, 1), ("一县", "医疗"): (2, 2, 0), ("二县", "教育"): (2, 0, 2)}
    assert df.iloc[0]["县市"] == "二县" and df.iloc[0]["缺口等级"] == "紧缺"
    ws = tiny_book["缺口-县市×行业"]
    col = list(df.columns).index("缺口等级") + 1
    assert ws.cell(2, col).fill.fgColor.rgb.endswith(BAND_COLOURS["red"].lstrip("#").upper())
    # the peak: PB1 and PB2's stints on O3 end in January; February on, O4 wants one and has PB2
    g = county_gaps(tiny, "2026-11-22", "2027-10").set_index(["area", "sector"])
    assert g.loc[("KS-1", "教育"), "peak_gap"] == 1


def test_unfilled_seats_with_reasons(tiny, tmp_path):
    plan = planning.allocate(tiny)
    assert len(plan.unfilled)
    book = load_workbook(scenario_report(plan.workbook, tmp_path / "p.xlsx", unfilled=plan.unfilled))
    df = rows(book["空缺席位及原因"])
    assert len(df) == len(plan.unfilled) and df["原因"].str.len().gt(4).all()
    assert df["空缺席位"].sum() == plan.unfilled["seats"].sum()
    cover = dict(rows(book["概况"]).values.tolist())
    assert cover["方案空缺席位"] == int(plan.unfilled["seats"].sum())
    assert "空缺席位及原因" not in load_workbook(scenario_report(tiny, tmp_path / "n.xlsx")).sheetnames


def test_english_headers(tiny, tmp_path):
    book = load_workbook(scenario_report(tiny, tmp_path / "en.xlsx", lang="en"))
    assert book.sheetnames[:5] == FIXED_EN
    cjk = re.compile(r"[\u2e80-\uffff]")
    for ws in book.worksheets:
        heads = [c.value for c in ws[1]]
        assert not any(cjk.search(str(h)) for h in heads), (ws.title, heads)
    assert [c.value for c in book["Person records"][1]][:3] == ["Person", "Name", "Category"]
    cover = dict(rows(book["Summary"]).values.tolist())
    assert cover["Scenario"] == "Counterpart-support scenario report" and cover["Coverage band"] == "Amber"
    page = scenario_html(tiny, lang="en")
    assert '<html lang="en">' in page and "Person records" in page and "一人一档" not in page


def test_html_is_self_contained_and_escaped(tiny):
    page = scenario_html(tiny, title="方案 <i>v2</i> & 试点")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<script" not in page.lower() and "@import" not in page and "url(" not in page
    assert "&lt;b&gt;王&lt;/b&gt;" in page and "<b>王" not in page
    assert "<title>方案 &lt;i&gt;v2&lt;/i&gt; &amp; 试点</title>" in page and "<i>v2" not in page
    assert page.count('<section class="part') == 6  # cover, gaps, two rosters, 一人一档, teams
    assert page.count('<div class="team">') == 4
    assert "break-before: page" in page and "@page" in page and "table-header-group" in page
    for head in ["概况", "缺口-县市×行业", "派遣名单-按派出城市", "派遣名单-按受援单位", "一人一档", "一县医院组团 (2)"]:
        assert head in page
    assert f'background:{BAND_COLOURS["red"]}' in page  # 二县 教育 is red


# ---------------------------------------------------------------------------
# the sample workbook
# ---------------------------------------------------------------------------
def test_sample_sheets(sample, sample_book):
    assert sample_book.sheetnames[:5] == FIXED_ZH
    assert sample_book.sheetnames[5:] == ["各组团名单"]  # a handful of sheets, not one per team
    teams = rows(sample_book["各组团名单"])
    assert set(teams["组团"]) <= set(team_names(sample)) and teams["组团"].nunique() > 60
    assert sample_book["概况"]["B2"].value == "2027 计划 v1"


def test_sample_person_sheet_one_row_per_dispatched_person(sample, sample_book):
    df = rows(sample_book["一人一档"])
    a = sample.assignments
    live = a[a.status.isin(["active", "planned"]) & (a.end >= pd.Timestamp("2026-11-22"))
             & (a.start <= pd.Timestamp("2027-10-31"))]
    assert len(df) == live.person.nunique() and set(df["人员编号"]) == set(live.person)
    names = pd.concat([sample.people.set_index("id")["name"], sample.local_staff.set_index("id")["name"]])
    m = sample.mentorships
    mentored = m[m.apprentice.isin(set(live.person))]
    assert len(mentored)
    by_person = df.set_index("人员编号")
    for _, r in mentored.head(10).iterrows():
        assert names[r.mentor] in by_person.loc[r.apprentice, "本地导师"].split("、")
    mentors = m[m.mentor.isin(set(live.person))]
    for _, r in mentors.head(10).iterrows():
        assert names[r.apprentice] in by_person.loc[r.mentor, "带教徒弟"].split("、")


def test_sample_gaps_sheet_totals_equal_the_coverage_rollup(sample, sample_book):
    df = rows(sample_book["缺口-县市×行业"])
    # "now" is the as-of day (2026-11-22), as on the pages
    r = rollup(coverage_as_of(sample, "2026-11", "2026-11", on="2026-11-22"), sample, "county")
    for col, head in [("demand", "需求"), ("supply", "在岗"), ("gap", "缺口"), ("surplus", "富余")]:
        assert df[head].sum() == r[col].sum(), col
    assert (df["需求"] > 0).sum() == (r["demand"] > 0).sum()
    cover = dict(rows(sample_book["概况"]).values.tolist())
    assert cover["缺口（2026年11月22日）"] == r["gap"].sum()
    assert cover["岗位到位（2026年11月22日）"] == f"{r.demand.sum() - r.gap.sum():,} / {r.demand.sum():,}"


def test_sample_rosters_reuse_roster_table(sample, sample_book):
    from planning.outputs.roster import roster_table

    table = roster_table(sample, "zh", start="2026-11-22", end="2027-10-31")
    for name in ("派遣名单-按派出城市", "派遣名单-按受援单位"):
        df = rows(sample_book[name])
        assert len(df) == len(table) and "选派理由" not in df.columns
    assert sample_book["派遣名单-按派出城市"]["A1"].value == "派出城市"
    assert sample_book["派遣名单-按受援单位"]["A1"].value == "受援单位"


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------
@pytest.fixture
def cli_env(monkeypatch):
    """``planning.cli.main`` sets PLANNING_LANG; restore it after each test."""
    monkeypatch.setenv("PLANNING_LANG", "zh")


def test_cli_report_writes_excel_and_html(tmp_path, capsys, cli_env):
    from planning.cli import main

    out, page = tmp_path / "r.xlsx", tmp_path / "r.html"
    assert main(["report", str(planning.SAMPLE), "--out", str(out), "--html", str(page), "--title", "方案 v3"]) == 0
    text = capsys.readouterr().out
    assert "方案：方案 v3" in text and "满足率等级" in text and str(out) in text
    assert load_workbook(out).sheetnames[:5] == FIXED_ZH
    assert "方案 v3" in page.read_text(encoding="utf-8")


def test_cli_report_default_out(tmp_path, monkeypatch, capsys, cli_env):
    from planning.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["--lang", "en", "report", str(planning.SAMPLE)]) == 0
    assert (tmp_path / "report.xlsx").exists() and "Report written" in capsys.readouterr().out


@pytest.mark.parametrize("argv, needle", [
    (["--out", "r.csv"], ".xlsx"),
    (["--html", "r.txt"], ".html"),
    (["--out", "/no/such/folder/r.xlsx"], "Cannot write"),
])
def test_cli_report_bad_input(argv, needle, capsys, cli_env):
    from planning.cli import main

    assert main(["--lang", "en", "report", str(planning.SAMPLE)] + argv) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_cli_report_bad_workbook(tmp_path, capsys, cli_env):
    from planning.cli import main

    assert main(["--lang", "en", "report", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
