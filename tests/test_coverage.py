"""Coverage meanings pinned on a small hand-made workbook, plus properties on random ones."""
import importlib
import io
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import planning
from conftest import csv_workbook
C = importlib.import_module("planning.programme.coverage")  # the module; planning.coverage is the function
from planning.programme.seats import order_slots
from planning.samples.synthetic import synthetic_workbook

TABLES = {
    "regions": """id,name,level,parent,side,lon,lat
SD,山东省,province,,sending,117,36
SD-A,甲市,city,SD,sending,117,36
SD-B,乙市,city,SD,sending,118,37
KS,喀什地区,prefecture,,host,76,39
KS-1,一县,county,KS,host,76,39
KS-2,二县,county,KS,host,77,38
""",
    "units": """id,name,kind,region,side
A-EDU,甲市教育局,government,SD-A,sending
B-EDU,乙市教育局,government,SD-B,sending
S1,一县一中,school,KS-1,host
S2,一县医院,hospital,KS-1,host
S3,二县小学,school,KS-2,host
""",
    "pairings": """sender,host,sector,scope,start,end
SD-A,S1,教育,exclusive,,
SD-B,KS-1,,preferred,,
""",
    "people": """id,name,sending_unit,category,sector,skill,level,can_lead,program,available_from,available_to
PA1,甲一,A-EDU,professional,教育,,1,false,planned,2026-01-01,2028-12-31
PA2,甲二,A-EDU,professional,教育,,1,false,planned,2026-01-01,2028-12-31
PA3,甲三,A-EDU,professional,教育,,1,false,planned,2026-01-01,2028-12-31
PB1,乙一,B-EDU,professional,医疗,,1,false,flexible,2026-01-01,2028-12-31
PB2,乙二,B-EDU,professional,医疗,,1,false,flexible,2026-01-01,2028-12-31
PB3,乙三,B-EDU,professional,医疗,,1,false,flexible,2026-01-01,2028-12-31
PB4,乙四,B-EDU,professional,医疗,,1,false,flexible,2026-01-01,2028-12-31
PB5,乙五,B-EDU,professional,医疗,,1,false,flexible,2026-01-01,2028-12-31
""",
    "orders": """id,host_unit,sector,skill,role,headcount,start,end,priority,min_level,team,rotation_months
O1,S1,教育,,member,2,2026-01-01,2026-12-31,3,1,,
OSUR,S1,教育,,member,1,2027-01-01,2027-06-30,3,1,,
OROT,S2,医疗,,member,1,2026-01-01,2026-12-31,3,1,,3
OHO,S2,医疗,,member,1,2027-01-01,2027-12-31,3,1,,
OGAP,S2,医疗,,member,1,2028-01-01,2028-12-31,3,1,,
OEMPTY,S3,教育,,member,3,2026-01-01,2026-12-31,5,1,,
""",
    "assignments": """person,order,start,end,status
PA1,O1,2026-01-01,2026-03-15,done
PA2,O1,2026-01-01,2026-12-31,active
PA1,OSUR,2027-01-01,2027-06-30,planned
PA3,OSUR,2027-01-01,2027-06-30,planned
PB1,OROT,2026-04-01,2026-06-30,done
PB2,OHO,2027-01-01,2027-06-30,planned
PB3,OHO,2027-06-21,2027-12-31,planned
PB4,OGAP,2028-01-01,2028-06-30,planned
PB5,OGAP,2028-07-11,2028-12-31,planned
""",
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return csv_workbook(tmp_path_factory.mktemp("tiny"), TABLES)


def cell(cov, unit, sector, month):
    r = cov[(cov.host_unit == unit) & (cov.sector == sector) & (cov.month == pd.Timestamp(month))]
    assert len(r) <= 1
    return r.iloc[0] if len(r) else None


def test_rotation_order_counts_one_seat_per_slot(tiny):
    cov = C.coverage(tiny, "2026-01", "2026-12")
    s2 = cov[(cov.host_unit == "S2") & (cov.month.dt.year == 2026)].set_index("month")
    assert (s2["demand"] == 1).all() and len(s2) == 12
    staffed = s2.index[s2["supply"] == 1].strftime("%m").tolist()
    assert staffed == ["04", "05", "06"]  # the one staffed slot, done: counts only in its dates
    assert s2.loc["2026-07-01", "gap"] == 1


def test_assignment_ending_mid_month_counts_to_that_month_only(tiny):
    cov = C.coverage(tiny, "2026-01", "2026-12")
    assert cell(cov, "S1", "教育", "2026-03-01")["supply"] == 2  # PA1 is on post on 1 March
    apr = cell(cov, "S1", "教育", "2026-04-01")
    assert (apr["supply"], apr["gap"], apr["band"]) == (1, 1, "amber")


def test_surplus_is_reported_and_gap_never_negative(tiny):
    cov = C.coverage(tiny, "2027-01", "2027-06")
    r = cell(cov, "S1", "教育", "2027-02-01")
    # the ratio is seats filled / demand: a surplus shows as surplus, never as a ratio above 100 %
    assert (r["demand"], r["supply"], r["gap"], r["surplus"], r["ratio"]) == (1, 2, 0, 1, 1.0)
    assert r["band"] == "green"


def test_order_with_no_one_on_it(tiny):
    cov = C.coverage(tiny, "2026-06", "2026-06")
    r = cell(cov, "S3", "教育", "2026-06-01")
    assert (r["demand"], r["supply"], r["gap"], r["ratio"], r["band"]) == (3, 0, 3, 0.0, "red")


def test_configurable_bands(tiny):
    cov = C.coverage(tiny, "2026-04", "2026-04", bands=(0.4, 0.2))
    assert cell(cov, "S1", "教育", "2026-04-01")["band"] == "green"  # ratio 0.5 ≥ 0.4


def test_responsibility_exclusive_preferred_and_unpaired(tiny):
    r = C.responsible(tiny).set_index(["host_unit", "sector"])
    assert (r.loc[("S1", "教育"), "sender"], r.loc[("S1", "教育"), "scope"]) == ("SD-A", "exclusive")
    assert (r.loc[("S2", "医疗"), "sender"], r.loc[("S2", "医疗"), "scope"]) == ("SD-B", "preferred")
    assert pd.isna(r.loc[("S3", "教育"), "sender"])
    assert C.uncovered(tiny).values.tolist() == [["S3", "教育"]]
    top = C.largest_gaps(tiny, "2026-06", by="unit")
    assert top.iloc[0][["host_unit", "gap"]].tolist() == ["S3", 3] and pd.isna(top.iloc[0]["sender"])
    by_sender = C.largest_gaps(tiny, "2026-07", by="sender").set_index("sender")["gap"]
    assert by_sender.to_dict() == {"": 3, "SD-B": 1, "SD-A": 1}


def test_rollup_to_county_and_prefecture(tiny):
    cov = C.coverage(tiny, "2026-07", "2026-07")
    county = C.rollup(cov, tiny, "county", sector=False).set_index("area")
    assert county.loc["KS-1", "demand"] == 3 and county.loc["KS-1", "gap"] == 2
    assert county.loc["KS-2", "gap"] == 3
    pref = C.rollup(cov, tiny, "prefecture", sector=False)
    assert pref["area"].tolist() == ["KS"] and pref["gap"].sum() == 5


def test_supply_by_sending_city(tiny):
    s = C.supply_by_sender(tiny, "2027-02", "2027-02")
    assert s.groupby("source_city")["supply"].sum().to_dict() == {"SD-A": 2, "SD-B": 1}
    assert list(s.columns) == ["host_unit", "sector", "source_city", "month", "supply"]
    assert s.index.tolist() == list(range(len(s)))


def test_no_cliff_is_an_empty_table_with_text_keys(tiny):
    """No one leaves after 2029: no row, the documented columns, the keys as text (callers join on them)."""
    c = C.cliffs(tiny, "2030-01", 3)
    assert c.empty and list(c.columns) == ["host_unit", "sector", "month", "leaving", "supply_before", "supply",
                                           "demand", "gap"]
    assert not any(pd.api.types.is_numeric_dtype(c[k]) for k in ("host_unit", "sector"))


def test_largest_gaps_are_gaps_only(tiny):
    for by in ("unit", "sender", "county", "sector"):
        top = C.largest_gaps(tiny, "2027-02", by=by)
        assert (top["gap"] > 0).all() and top["gap"].is_monotonic_decreasing, by
    cov = C.coverage(tiny, "2027-02", "2027-02")
    assert (cov["gap"] == 0).any()  # there are rows without a gap to leave out


def test_host_groups_by_any_level_walk_up_the_tree(sample):
    """A host unit rolls up into the nearest region of that level above it, or keeps its own id."""
    parent = dict(zip(sample.regions["id"], sample.regions["parent"]))
    level = dict(zip(sample.regions["id"], sample.regions["level"]))
    hosts = sample.units[sample.units["side"] == "host"]
    for by in ("province", "township", "regiment"):
        want = {}
        for u, r in zip(hosts["id"], hosts["region"]):
            while isinstance(r, str) and level[r] != by:
                r = parent[r]
            want[u] = r if isinstance(r, str) else u
        assert C.host_groups(sample, by).to_dict() == want, by
        assert len(set(want.values()) - set(hosts["id"])) > 0  # some units do roll up


def test_county_gaps_against_a_plain_count(tmp_path):
    """Per county × sector: the month's figures summed from the units, and the largest gap up to the end
    (二县's health post opens only in September: zeros for July, its peak later)."""
    late = "OLATE,S3,医疗,,member,1,2026-09-01,2026-12-31,3,1,,\n"
    tiny = csv_workbook(tmp_path, dict(TABLES, orders=TABLES["orders"] + late))
    g = C.county_gaps(tiny, "2026-07-01", "2026-12")
    assert g.set_index(["area", "sector"]).loc[("KS-2", "医疗"), ["demand", "gap", "peak_gap"]].tolist() == [0, 0, 1]
    assert list(g.columns) == ["area", "sector", "demand", "supply", "gap", "surplus", "ratio", "band", "peak_gap",
                               "peak_month"]
    county = dict(zip(tiny.units["id"], tiny.units["region"]))
    months = pd.date_range("2026-07-01", "2026-12-01", freq="MS")
    cells = {}
    for (u, sector, m), (d, sup) in brute_force(tiny, months).items():
        c = cells.setdefault((county[u], sector, m), [0, 0, 0])
        c[0], c[1], c[2] = c[0] + d, c[1] + sup, c[2] + max(d - sup, 0)
    got = {(r.area, r.sector): r for r in g.itertuples()}
    assert set(got) == {(a, k) for a, k, _ in cells}
    for (a, k), r in got.items():
        d, sup, gap = cells.get((a, k, months[0]), (0, 0, 0))
        assert (r.demand, r.supply, r.gap) == (d, sup, gap)
        by_month = {m: cells[a, k, m][2] for m in months if (a, k, m) in cells}
        assert r.peak_gap == max(by_month.values())
        assert r.peak_month == min(m for m, v in by_month.items() if v == r.peak_gap) if r.peak_gap else pd.isna(
            r.peak_month)
    assert g["gap"].is_monotonic_decreasing


def test_cliffs_when_terms_end(tiny):
    c = C.cliffs(tiny, "2026-01", 12)
    apr = c[(c.host_unit == "S1") & (c.month == "2026-04-01")].iloc[0]
    assert (apr["leaving"], apr["supply_before"], apr["supply"], apr["gap"]) == (1, 2, 1, 1)
    jul = c[(c.host_unit == "S2") & (c.month == "2026-07-01")].iloc[0]
    assert (jul["leaving"], jul["supply"], jul["gap"]) == (1, 0, 1)
    total = C.cliffs(tiny, "2026-01", 12, by=())
    assert total.set_index("month")["leaving"].to_dict() == {
        pd.Timestamp("2026-04-01"): 1, pd.Timestamp("2026-07-01"): 1, pd.Timestamp("2027-01-01"): 1}



def test_cliffs_by_host_unit_alone_add_its_sectors_up():
    """By host unit alone (a unit with several sectors has several coverage rows a month): leaving is the sum
    over its sectors, supply before and after the unit's whole headcount on the two checkpoints."""
    wb = planning.load_workbook(planning.SAMPLE)
    start = pd.Timestamp("2026-12-01")
    got = C.cliffs(wb, start, 24, by=("host_unit",))
    pairs = C.cliffs(wb, start, 24)
    assert len(got) and got.duplicated(["host_unit", "month"]).sum() == 0
    assert got.set_index(["host_unit", "month"])["leaving"].sort_index().to_dict() == \
        pairs.groupby(["host_unit", "month"])["leaving"].sum().sort_index().to_dict()
    days = sorted(set(got["month"]) | {m - pd.DateOffset(months=1) for m in got["month"]})
    on = C.coverage_at(wb, days).groupby(["host_unit", "day"])["supply"].sum()
    many = wb.orders.groupby("host_unit")["sector"].nunique()
    assert got["host_unit"].map(many).gt(1).any()  # some rows add several sectors up
    for r in got.itertuples():
        assert r.supply == on.get((r.host_unit, r.month), 0)
        assert r.supply_before == on.get((r.host_unit, r.month - pd.DateOffset(months=1)), 0)

def test_orders_left_uncovered_when_the_batch_leaves(tiny):
    left = C.left_uncovered(tiny, "2026-02-01", 12)
    r = left.set_index("order").loc["O1"]
    assert (r["from_month"], r["seats_short"], r["leaving"]) == (pd.Timestamp("2026-04-01"), 1, "PA1;PA2")


def test_handover_overlap_gap_and_none(tiny):
    h = C.handovers(tiny).set_index("order")
    assert (h.loc["OHO", "outgoing"], h.loc["OHO", "incoming"], h.loc["OHO", "kind"], h.loc["OHO", "days"]) == (
        "PB2", "PB3", "overlap", 10)  # 21–30 June, both dates inclusive
    assert (h.loc["OGAP", "kind"], h.loc["OGAP", "days"]) == ("gap", 10)  # 1–10 July with nobody
    o1 = h.loc[["O1"]]
    assert o1["kind"].tolist() == ["none"] and o1["outgoing"].tolist() == ["PA1"]
    assert list(h.reset_index().columns) == ["order", "host_unit", "sector", "outgoing", "out_end", "incoming",
                                             "in_start", "kind", "days"]
    assert (h.loc["OHO", "host_unit"], h.loc["OHO", "sector"]) == ("S2", "医疗")


def test_seamless_handover_on_the_sample(sample):
    h = C.handovers(sample)
    assert set(h["kind"]) <= {"overlap", "gap", "seamless", "none"}
    assert (h["kind"] == "seamless").any() and (h.loc[h.kind == "seamless", "days"] == 0).all()


# --- properties on random workbooks ---------------------------------------------------------

@st.composite
def small_workbooks(draw):
    seed = draw(st.integers(0, 10_000))
    people = draw(st.integers(20, 200))
    units = draw(st.integers(3, 30))
    return synthetic_workbook(people=people, host_units=units, sectors=draw(st.integers(1, 6)), seed=seed,
                              teams=draw(st.booleans()), fill=draw(st.floats(0.2, 1.5)))


def brute_force(wb, months):
    """Demand and supply per unit × sector × month by direct counting on each month's first day."""
    slots = order_slots(wb.orders)
    a = wb.assignments.merge(wb.orders[["id", "host_unit", "sector"]], left_on="order", right_on="id")
    rows = {}
    for m in months:
        d = slots[(slots.start <= m) & (slots.end >= m)].groupby(["host_unit", "sector"])["headcount"].sum()
        s = a[(a.start <= m) & (a.end >= m)].groupby(["host_unit", "sector"]).size()
        for k, v in d.items():
            rows.setdefault((k[0], k[1], m), [0, 0])[0] = int(v)
        for k, v in s.items():
            rows.setdefault((k[0], k[1], m), [0, 0])[1] = int(v)
    return rows


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wb=small_workbooks(), lo=st.integers(0, 20), span=st.integers(0, 15))
def test_coverage_properties(wb, lo, span):
    months = C.month_range(wb=wb)
    months = months[min(lo, len(months) - 1): min(lo, len(months) - 1) + span + 1]
    cov = C.coverage(wb, months[0], months[-1])
    # gap and surplus are never negative; each row and each month balance
    assert (cov["gap"] >= 0).all() and (cov["surplus"] >= 0).all()
    assert ((cov["gap"] - cov["surplus"]) == (cov["demand"] - cov["supply"])).all()
    tot = cov.groupby("month")[["demand", "supply", "gap", "surplus"]].sum()
    assert ((tot["gap"] - tot["surplus"]) == (tot["demand"] - tot["supply"])).all()
    # the vectorised counts equal counting by hand
    got = {(r.host_unit, r.sector, r.month): [r.demand, r.supply] for r in cov.itertuples()}
    assert got == brute_force(wb, months)
    # rollups sum to their parts, at every level
    for by in ("county", "prefecture", "sector", "unit"):
        r = C.rollup(cov, wb, by)
        assert (r.groupby("month")[["demand", "supply", "gap", "surplus"]].sum() == tot).all().all()
        assert (r["gap"] >= 0).all()


# --- command line and report ----------------------------------------------------------------

def test_gaps_cli_prints_and_writes_a_formatted_report(tmp_path):
    out = tmp_path / "gaps.xlsx"
    run = subprocess.run([sys.executable, "-m", "planning.cli", "gaps", str(planning.SAMPLE), "--month", "2027-03",
                          "--by", "county", "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "2027年3月" in run.stdout and "2027-03" not in run.stdout and "缺口" in run.stdout and "Traceback" not in run.stderr
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert book.sheetnames[:2] == ["缺口排行", "单位×行业"]
    ws = book["缺口排行"]
    # a title line first: what, filters, the as-of day and the data's name
    assert ws["A1"].value == "缺口报告｜全部地区和行业｜截至 2026年11月22日｜数据：随程序提供的示例方案"
    header = [c.value for c in ws[2]]
    assert header[:3] == ["地区", "行业", "需求"] and "缺口等级" in header
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2" and ws.column_dimensions["A"].width >= 8
    assert ws.page_setup.orientation == "landscape"
    band_col = header.index("缺口等级") + 1
    fills = {ws.cell(row=i, column=band_col).fill.fgColor.rgb for i in range(3, ws.max_row + 1)}
    assert any(f.endswith("C94C4C") or f.endswith("E5A50A") for f in fills)


@pytest.mark.parametrize("args, message", [
    (["--month", "2027-13"], "2027-13"),
    (["--out", "gaps.csv"], ".xlsx"),
])
def test_gaps_cli_refuses_bad_arguments(args, message, tmp_path):
    run = subprocess.run([sys.executable, "-m", "planning.cli", "gaps", str(planning.SAMPLE)] + args,
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "gaps.csv").exists()


def test_gaps_cli_bad_workbook(sample_copy):
    (sample_copy / "orders.csv").write_text("id,host_unit\nX,NOPE\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "planning.cli", "--lang", "en", "gaps", str(sample_copy)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "orders" in run.stderr and "Traceback" not in run.stderr


# --- the app, driven without a browser ------------------------------------------------------

def heat_rows(app) -> list[str]:
    grid = app.heat.children[-1]
    return [c.description for c in grid.children if "heat-row" in c._dom_classes]


def click_row(app, name):
    grid = app.heat.children[-1]
    next(c for c in grid.children if "heat-row" in c._dom_classes and c.description == name).click()


def test_coverage_heatmap_cell_opens_the_unit_and_sector(sample):
    from planning.apps import CoverageApp

    app = CoverageApp(wb=sample, lang="zh")
    click_row(app, "喀什地区")
    click_row(app, "伽师县")
    grid = app.heat.children[-1]
    cells = [c for c in grid.children if "heat-cell" in c._dom_classes]
    cells[0].click()
    assert app.unit.value and app.sector.value and app.tabs.selected_index == 2
    assert app.unit_county[app.unit.value] == app.county.value


def test_coverage_page_counts_now_on_the_as_of_day(sample):
    """The current month's figures are those of the overview: taken on the as-of day, not the 1st."""
    from planning.apps import CoverageApp
    from planning.programme.standing import standing

    app = CoverageApp(wb=sample, lang="zh")
    st = standing(sample)
    first = app.c_month == app.range.index[0]
    assert app.months[app.range.index[0]] == st.as_of.to_period("M").to_timestamp()
    assert int(app.supply[first].sum()) == st.on_post and int(app.gap[first].sum()) == st.gap
    assert "今天 2026年11月22日" in app.kpis.value


def test_coverage_app_filters_drill_and_report(sample):
    from planning.apps import CoverageApp

    app = CoverageApp(wb=sample, lang="zh")
    assert "problems" not in app.status.value
    # the heatmap follows the region tree: prefectures and divisions first, never a unit or a village
    assert set(heat_rows(app)) <= {"喀什地区", "浮山县", "甘孜藏族自治州", "第一师（阿拉尔市）", "第十二师"}
    assert {label for label, _ in app.area.options} == {"全部", "喀什地区", "浮山县", "甘孜藏族自治州",
                                                         "第一师（阿拉尔市）", "第十二师"}
    click_row(app, "喀什地区")  # a click on a row drills down: the prefecture's counties
    assert app.area.value == "XJ-KS" and "疏勒县" in heat_rows(app) and "喀什地区" not in heat_rows(app)
    click_row(app, "伽师县")
    county = app.county.value
    assert "伽师县第一中学" in heat_rows(app) and "疏勒县" not in heat_rows(app)
    units = [v for _, v in app.unit.options if v]
    assert units and all(app.unit_county[u] == county for u in units)
    app.sector.value = "教育"
    first = app.selection() & (app.c_month == app.range.index[0])
    assert int(app.gap[first].sum()) == int(app.top_gaps["gap"].sum())
    app.pick.value = 0
    assert "伽师县第一中学·" in app.detail.value and "O-SCH11" not in app.detail.value  # orders by name
    data = app.make_report()
    assert data[:2] == b"PK" and "download=" in app.download_link.value
    # widening the months changes the timeline length
    app.range.index = (0, len(app.range.options) - 1)
    assert len(app.line_mark.x) == len(app.range.options)


def test_coverage_app_uploads(sample, tmp_path):
    from planning.apps import CoverageApp

    app = CoverageApp(wb=sample, lang="en")
    before = app.wb
    assert app.load_upload("notes.txt", b"hello") is False
    assert "only .xlsx or .zip" in app.upload_status.value and app.wb is before
    assert app.load_upload("broken.zip", b"not a zip") is False and app.wb is before
    planning.save_workbook(sample, tmp_path / "good.xlsx")
    bad = sample.copy()
    bad.orders.loc[0, "host_unit"] = "NOWHERE"
    planning.save_workbook(bad, tmp_path / "bad.xlsx")
    assert app.load_upload("bad.xlsx", (tmp_path / "bad.xlsx").read_bytes()) is False
    assert "NOWHERE" in app.upload_status.value and app.wb is before
    assert app.load_upload("good.xlsx", (tmp_path / "good.xlsx").read_bytes()) is True
    assert app.wb is not before and "good.xlsx" in app.upload_status.value and "app-ready" in app.root._dom_classes


def test_an_uploaded_workbook_becomes_a_scenario(sample, tmp_path, monkeypatch):
    from planning.apps import CoverageApp
    from planning.scenarios.store import open_store

    monkeypatch.setenv("PLANNING_STORE", str(tmp_path / "s.sqlite"))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    planning.save_workbook(sample, tmp_path / "春季名单.xlsx")
    app = CoverageApp(wb=sample, lang="zh")
    assert app.load_upload("春季名单.xlsx", (tmp_path / "春季名单.xlsx").read_bytes()) is True
    assert app.upload_name.value == "春季名单" and app.upload_save_box.layout.display == "flex"
    app.save_upload_button.click()
    assert "已保存为方案“春季名单”第 1 版" in app.upload_saved.value
    store = open_store()
    sc = store.load("春季名单")
    assert sc.workbook.equals(app.full_wb) and sc.author == "测试员" and "春季名单.xlsx" in sc.note
    store.close()
    app.save_upload_button.click()  # the same name again: refused in a sentence, nothing saved
    assert "problems" in app.upload_saved.value


def _bomb_zip(member: str, unpacked_mb: int) -> bytes:
    """A zip whose one member unpacks to ``unpacked_mb`` MB of zeros (written in chunks: the zip is a few MB)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z, z.open(member, "w",
                                                                                      force_zip64=True) as f:
        chunk = b"0" * (1 << 20)
        for _ in range(unpacked_mb):
            f.write(chunk)
    return buf.getvalue()


def test_an_upload_that_unpacks_too_far_is_refused_before_it_unpacks(sample, monkeypatch):
    """A zip of CSVs, or an .xlsx, declaring more than the limit: one sentence, nothing inflated, nothing changed."""
    from planning.apps import CoverageApp

    monkeypatch.setenv("PLANNING_MAX_UNPACKED_MB", "8")
    app = CoverageApp(wb=sample, lang="zh")
    before = app.wb
    assert app.load_upload("名单.zip", _bomb_zip("people.csv", 20)) is False
    assert "压缩包解压后有 20 MB，超过上限 8 MB，未解压" in app.upload_status.value and app.wb is before
    assert app.load_upload("名单.xlsx", _bomb_zip("xl/worksheets/sheet1.xml", 20)) is False
    assert "名单.xlsx：文件解压后有 20 MB，超过上限 8 MB" in app.upload_status.value and app.wb is before
    monkeypatch.setenv("PLANNING_MAX_FILE_MB", "0.01")
    assert app.load_upload("大文件.xlsx", b"PK" + b"\0" * 20_000) is False
    assert "超过上限" in app.upload_status.value and app.wb is before


def test_two_tables_of_one_name_in_an_uploaded_zip_are_refused(sample, tmp_path):
    import zipfile

    from planning.apps import CoverageApp

    folder = planning.save_workbook(sample, tmp_path / "wb")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f"新/{f.name}")
        z.write(folder / "people.csv", "旧/people.csv")
    app = CoverageApp(wb=sample, lang="zh")
    assert app.load_upload("两份.zip", buf.getvalue()) is False
    assert "两个同名的表" in app.upload_status.value and "旧/people.csv" in app.upload_status.value
