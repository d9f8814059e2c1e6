"""Rotation meanings pinned on a small hand-made workbook: batches, handovers, next-batch drafts."""
import pandas as pd
import pytest

import planning
from conftest import csv_workbook
from planning.scenarios import rotation as R

TABLES = {
    "regions": """id,name,level,parent,side
SD,山东省,province,,sending
SD-A,甲市,city,SD,sending
KS,喀什地区,prefecture,,host
KS-1,一县,county,KS,host
""",
    "units": """id,name,kind,region,side
A-EDU,甲市教育局,government,SD-A,sending
S1,一县一中,school,KS-1,host
S2,一县农场,farm,KS-1,host
""",
    "people": """id,name,sending_unit,category,sector,skill,level,can_lead,program,available_from,available_to
P1,一,A-EDU,professional,教育,数学,2,false,planned,2026-01-01,2029-12-31
P2,二,A-EDU,professional,教育,物理,2,false,planned,2026-01-01,2029-12-31
P3,三,A-EDU,professional,教育,数学,2,false,planned,2026-01-01,2029-12-31
P4,四,A-EDU,professional,教育,数学,2,false,planned,2026-01-01,2029-12-31
F1,柔一,A-EDU,cadre,招商,,1,false,flexible,2026-01-01,2029-12-31
F2,柔二,A-EDU,cadre,招商,,1,false,flexible,2026-01-01,2029-12-31
P5,五,A-EDU,cadre,招商,,1,false,planned,2026-01-01,2029-12-31
""",
    "orders": """id,host_unit,sector,skill,role,headcount,start,end,priority,min_level,team,rotation_months
OM,S1,教育,数学,member,2,2026-02-01,2029-01-31,4,2,,
OP,S1,教育,物理,member,1,2026-02-01,2027-01-31,3,1,,
OF,S2,招商,,member,1,2026-01-01,2026-12-31,3,1,,3
""",
    "assignments": """person,order,start,end,status
P1,OM,2026-02-01,2027-07-31,active
P3,OM,2026-02-10,2027-07-31,active
P4,OM,2027-07-20,2029-01-31,planned
P2,OP,2026-02-01,2027-01-31,active
F1,OF,2026-01-01,2026-03-31,done
F2,OF,2026-04-01,2026-06-30,done
""",
}


@pytest.fixture(scope="module")
def wb(tmp_path_factory):
    return csv_workbook(tmp_path_factory.mktemp("rot"), TABLES)


def test_batches_from_periods_and_programmes(wb):
    b = R.batches(wb).set_index("batch")
    # P1 (1 Feb) and P3 (10 Feb) started within 45 days: one batch; P4 joins a year and a half later
    assert b.loc["planned:2026-02", "people"] == 3
    assert b.loc["planned:2026-02", "term_months"] == 18 and b.loc["planned:2026-02", "term_ok"]
    assert b.loc["planned:2027-07", "people"] == 1
    # flexible 3-month stints are their own batches by programme
    assert {k for k in b.index if k.startswith("flexible")} == {"flexible:2026-01", "flexible:2026-04"}
    assert (b.loc[b.program == "flexible", "term_months"] == 3).all()
    t = R.timeline(wb).set_index("person")
    assert t.loc["P3", "batch"] == "planned:2026-02" and t.loc["F2", "batch"] == "flexible:2026-04"


def test_handover_calendar_pairs_leavers_with_successors(wb):
    cal = R.handover_calendar(wb, "2026-11-01", 12)
    om = cal[cal.order == "OM"].sort_values("outgoing")
    # two leave on 31 July 2027; P4 starts 20 July: 12 days together for the first, no successor for the other
    assert om["kind"].tolist() == ["overlap", "none"] and om["days"].iloc[0] == 12
    assert om["in_batch"].iloc[0] == "planned:2027-07" and om["out_batch"].iloc[0] == "planned:2026-02"
    assert cal.loc[cal.order == "OP", "kind"].tolist() == ["none"]  # P2 leaves with the order: no one follows
    assert cal["out_end"].min() >= pd.Timestamp("2026-11-01")


def test_recommended_start_keeps_the_overlap(wb):
    r = R.recommend_starts(wb, overlap_days=14, start="2026-11-01", months=12).set_index("outgoing")
    assert r.loc["P3", "recommended_start"] == pd.Timestamp("2027-07-18")  # 18–31 July: 14 days together
    assert r.loc["P2", "recommended_start"] == pd.Timestamp("2027-01-18")  # P2 leaves with OP
    assert r.loc["P3", "batch_start"] == pd.Timestamp("2027-01-18")  # one date for the whole leaving batch
    r0 = R.recommend_starts(wb, overlap_days=0, start="2026-11-01").set_index("outgoing")
    assert r0.loc["P2", "recommended_start"] == pd.Timestamp("2027-02-01")  # seamless: the day after


def test_next_batch_orders_draft_and_load_back(wb, tmp_path):
    d = R.next_batch_orders(wb, overlap_days=14, start="2026-11-01", months=12)
    # OP ends with its batch; OM goes on to 2029 (its open seat is allocation's job); OF rotates
    assert d["source_order"].tolist() == ["OP"]
    op = d.iloc[0]
    assert (op["host_unit"], op["sector"], op["skill"], op["role"], op["headcount"], op["priority"]) == (
        "S1", "教育", "物理", "member", 1, 3)
    # starts 14 days before P2 leaves, for one more term as long as OP's (12 months)
    assert op["start"] == pd.Timestamp("2027-01-18") and op["end"] == pd.Timestamp("2028-01-17")
    assert op["id"] == "OP-N202701"
    longer = R.next_batch_orders(wb, start="2026-11-01", term_months=24).iloc[0]
    assert longer["end"] == pd.Timestamp("2029-01-17")
    out = R.with_draft_orders(wb, d)
    planning.save_workbook(out, tmp_path / "next.xlsx", headers="zh")
    back = planning.load_workbook(tmp_path / "next.xlsx")
    assert len(back.orders) == len(wb.orders) + 1 and "OP-N202701" in set(back.orders["id"])
    # the draft takes over OP's seat: demand at S1 in February 2027 is OM's 2 plus the draft's 1
    cov = planning.coverage(back, "2027-02", "2027-02")
    assert int(cov.loc[cov.host_unit == "S1", "demand"].sum()) == 3


def test_flexible_slots_staffed_and_open(wb):
    s = R.flexible_slots(wb, start="2026-01-01").set_index("slot")
    assert s["state"].tolist() == ["staffed", "staffed", "open", "open"]
    assert s.loc[1, "people"] == "F2" and s.loc[2, "open_seats"] == 1
    assert R.flexible_slots(wb, start="2026-08-01")["slot"].tolist() == [2, 3]


def test_flexible_pool_proposed_for_open_slots(wb, monkeypatch):
    monkeypatch.setenv("PLANNING_TODAY", "2026-07-01")
    plan = R.propose_flexible(wb, start="2026-07-01")
    a = plan.assignments
    assert set(a["order"]) == {"OF"} and sorted(a["slot"]) == [2, 3]  # both open slots filled
    assert set(a["person"]) <= {"F1", "F2"}  # the flexible pool only; P5 (planned programme) is not drawn on
    assert plan.objective.status == "optimal" and plan.unfilled.empty
