"""Mentoring pairs and reports pinned on small hand-made workbooks, plus a property test."""
import tempfile
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import csv_workbook
from planning.programme.mentoring import (ending_pairs, mentor_units, mentoring_coverage, on_post, pair_cadre_mentors,
                                pair_mentors, pairs_text, staff_given, with_pairs)
from planning.outputs.reports import labelled

ON = "2026-11-22"

BASE = {
    "regions": """id,name,level,parent,side,lon,lat
SD,山东省,province,,sending,117,36
SD-A,甲市,city,SD,sending,117,36
KS,喀什地区,prefecture,,host,76,39
KS-1,一县,county,KS,host,76,39
""",
    "units": """id,name,kind,region,side
A-EDU,甲市教育局,government,SD-A,sending
U1,一县一中,school,KS-1,host
U2,一县医院,hospital,KS-1,host
""",
}
PEOPLE_HEAD = "id,name,sending_unit,category,sector,skill,level,can_lead,program,available_from,available_to\n"
ORDERS_HEAD = "id,host_unit,sector,skill,role,headcount,start,end,priority,min_level,team,rotation_months\n"


def write_wb(folder: Path, people, local_staff, mentorships=(), status=None, ends=None):
    """A workbook where each person ``(id, category, sector, skill, unit)`` is on post at ``unit``.

    Each person gets an order of their own at their unit over 2026 – 2027 and an
    assignment on it (``status`` and ``ends`` may override per person id).
    ``local_staff`` rows are ``(id, unit, sector, skill)``; ``mentorships``
    rows ``(mentor, apprentice, unit, start, end)``.
    """
    status, ends = status or {}, ends or {}
    tables = dict(BASE)
    tables["people"] = PEOPLE_HEAD + "".join(
        f"{i},人{i},A-EDU,{cat},{sec},{sk},1,false,planned,2026-01-01,2028-12-31\n" for i, cat, sec, sk, _ in people)
    tables["orders"] = ORDERS_HEAD + "".join(
        f"O-{i},{u},{sec},,member,1,2026-01-01,2027-12-31,3,1,,\n" for i, _, sec, _, u in people)
    tables["assignments"] = "person,order,start,end,status\n" + "".join(
        f"{i},O-{i},2026-01-01,{ends.get(i, '2027-12-31')},{status.get(i, 'active')}\n" for i, *_ in people)
    tables["local_staff"] = "id,name,host_unit,sector,skill\n" + "".join(
        f"{i},本{i},{u},{sec},{sk}\n" for i, u, sec, sk in local_staff)
    tables["mentorships"] = "mentor,apprentice,host_unit,start,end\n" + "".join(
        ",".join(r) + "\n" for r in mentorships)
    return csv_workbook(folder, tables)


def prof(i, unit="U1", sector="教育", skill="数学"):
    return (i, "professional", sector, skill, unit)


def cadre(i, unit="U1", sector="党政", skill="乡村振兴"):
    return (i, "cadre", sector, skill, unit)


# --------------------------------------------------------------------------- #
# pair_mentors
# --------------------------------------------------------------------------- #
def test_capacity_respected(tmp_path):
    staff = [(f"L{k}", "U1", "教育", "数学") for k in range(4)]
    wb = write_wb(tmp_path, [prof("P1")], staff)
    new = pair_mentors(wb, capacity=3, on=ON)
    assert len(new) == 3 and set(new.mentor) == {"P1"} and new.apprentice.is_unique
    assert list(new.columns) == ["mentor", "apprentice", "host_unit", "start", "end", "sector", "exact_skill"]
    assert (new.start == pd.Timestamp(ON)).all() and (new.end == pd.Timestamp("2027-12-31")).all()
    assert len(pair_mentors(wb, capacity=5, on=ON)) == 4


def test_optimal_beats_greedy(tmp_path):
    # L1 has no sector, so either mentor may take them; L2 is 教育 only. A greedy pass over
    # mentors in id order gives P1 its first candidate L1, and P2 (医疗) is left with nobody.
    people = [prof("P1", sector="教育"), prof("P2", sector="医疗", skill="内科")]
    staff = [("L1", "U1", "", ""), ("L2", "U1", "教育", "")]
    wb = write_wb(tmp_path, people, staff)
    new = pair_mentors(wb, capacity=1, on=ON)
    assert dict(zip(new.mentor, new.apprentice)) == {"P1": "L2", "P2": "L1"}


def test_exact_skill_tie_break(tmp_path):
    people = [prof("P1", skill="数学"), prof("P2", skill="物理")]
    staff = [("L1", "U1", "教育", "物理"), ("L2", "U1", "教育", "数学")]
    wb = write_wb(tmp_path, people, staff)
    new = pair_mentors(wb, capacity=1, on=ON)
    assert dict(zip(new.mentor, new.apprentice)) == {"P1": "L2", "P2": "L1"}
    assert new.exact_skill.all()
    # covering more beats exact skill: taking the exact match L1 would leave P2 (医疗) with nobody
    people = [prof("P1", skill="数学"), prof("P2", sector="医疗", skill="内科")]
    staff = [("L1", "U1", "", "数学"), ("L2", "U1", "教育", "语文")]
    wb = write_wb(tmp_path / "b", people, staff)
    new = pair_mentors(wb, capacity=1, on=ON)
    assert dict(zip(new.mentor, new.apprentice)) == {"P1": "L2", "P2": "L1"}
    assert not new.exact_skill.any()


def test_sector_rule(tmp_path):
    staff = [("L1", "U1", "医疗", "数学"), ("L2", "U1", "教育", "物理"), ("L3", "U1", "", "")]
    wb = write_wb(tmp_path, [prof("P1", sector="教育", skill="数学")], staff)
    new = pair_mentors(wb, capacity=3, on=ON)
    assert set(new.apprentice) == {"L2", "L3"}  # never the other sector, even with the same skill
    assert not new.exact_skill.any()


def test_unit_boundary(tmp_path):
    staff = [("L1", "U2", "教育", "数学"), ("L2", "U2", "教育", "数学"), ("L3", "U1", "教育", "数学")]
    wb = write_wb(tmp_path, [prof("P1", unit="U1"), prof("P2", unit="U2")], staff)
    new = pair_mentors(wb, capacity=1, on=ON)
    assert dict(zip(new.mentor, new.host_unit)) == {"P1": "U1", "P2": "U2"}
    ls = wb.local_staff.set_index("id")["host_unit"]
    assert (new.apprentice.map(ls) == new.host_unit).all()
    assert new.loc[new.mentor == "P1", "apprentice"].tolist() == ["L3"]


def test_who_mentors(tmp_path):
    people = [prof("P1"), cadre("C1", sector="教育", skill="数学"), prof("P2", unit="U1")]
    staff = [(f"L{k}", "U1", "教育", "数学") for k in range(6)]
    wb = write_wb(tmp_path, people, staff, status={"P2": "done"})
    new = pair_mentors(wb, capacity=3, on=ON)
    assert set(new.mentor) == {"P1"}  # cadres are mentees; P2's assignment is done
    # a planned assignment covering the day counts; one that starts later does not
    wb = write_wb(tmp_path / "b", [prof("P1")], staff, status={"P1": "planned"})
    assert len(pair_mentors(wb, on=ON)) == 3
    assert pair_mentors(wb, on="2025-06-01").empty
    assert len(on_post(wb, ON)) == 1


def test_existing_mentorships_kept(tmp_path):
    staff = [(f"L{k}", "U1", "教育", "数学") for k in range(5)]
    ment = [("P1", "L0", "U1", "2026-03-01", "2027-12-31"), ("P1", "L1", "U1", "2026-03-01", "2027-12-31"),
            ("P1", "L2", "U1", "2025-01-01", "2025-12-31")]  # over: uses no capacity, L2 is free
    wb = write_wb(tmp_path, [prof("P1")], staff, ment)
    new = pair_mentors(wb, capacity=3, on=ON)
    assert len(new) == 1 and not new.apprentice.isin(["L0", "L1"]).any()
    after = mentoring_coverage(with_pairs(wb, new), by=(), on=ON)
    assert after.loc[0, "mentored"] == 3 and after.loc[0, "local_staff"] == 5
    # once everyone is paired, pairing again adds nothing
    assert pair_mentors(with_pairs(wb, new), capacity=3, on=ON).empty


# --------------------------------------------------------------------------- #
# pair_cadre_mentors
# --------------------------------------------------------------------------- #
def test_cadre_mentors_one_each(tmp_path):
    people = [cadre("C1", skill="乡村振兴"), cadre("C2", skill="基层治理"), cadre("C3", unit="U2"), prof("P1")]
    staff = [("L1", "U1", "党政", "基层治理"), ("L2", "U1", "党政", "乡村振兴"), ("L3", "U1", "教育", "数学"),
             ("L4", "U2", "农业", "")]
    wb = write_wb(tmp_path, people, staff)
    new = pair_cadre_mentors(wb, on=ON)
    assert dict(zip(new.apprentice, new.mentor)) == {"C1": "L2", "C2": "L1", "C3": "L4"}
    assert new.mentor.is_unique and new.apprentice.is_unique
    assert new.loc[new.apprentice != "C3", "exact_skill"].all()
    assert not new.loc[new.apprentice == "C3", "same_sector"].any()  # another sector beats no mentor
    assert "P1" not in set(new.apprentice)
    assert list(new.columns[:5]) == ["mentor", "apprentice", "host_unit", "start", "end"]


def test_cadre_sector_before_skill(tmp_path):
    # C1 can have L1 (same sector, other skill) or L2 (other sector, same skill): sector wins
    wb = write_wb(tmp_path, [cadre("C1", skill="乡村振兴")],
                  [("L1", "U1", "党政", "基层治理"), ("L2", "U1", "农业", "乡村振兴")])
    new = pair_cadre_mentors(wb, on=ON)
    assert new.mentor.tolist() == ["L1"] and new.same_sector.all() and not new.exact_skill.any()


def test_cadre_capacity_and_existing(tmp_path):
    people = [cadre("C1"), cadre("C2"), cadre("C3")]
    staff = [("L1", "U1", "党政", "")]
    ment = [("L1", "C3", "U1", "2026-05-01", "2027-04-30")]
    wb = write_wb(tmp_path, people, staff, ment)
    assert pair_cadre_mentors(wb, on=ON).empty  # L1 already mentors C3
    new = pair_cadre_mentors(wb, capacity=2, on=ON)
    assert len(new) == 1 and new.apprentice.isin(["C1", "C2"]).all()
    new = pair_cadre_mentors(wb, capacity=3, on=ON)
    assert sorted(new.apprentice) == ["C1", "C2"]
    assert "名援派干部" in pairs_text(new, "zh")


FUSHAN = {
    "regions": BASE["regions"] + """T1,一乡,township,KS-1,host,76,39
V1,一村,village,T1,host,76,39
V2,二村,village,T1,host,76,39
""",
    "units": BASE["units"] + """T1-GOV,一乡人民政府,township,T1,host
T1-CL,一乡卫生院,hospital,T1,host
V1-C,一村村委会,village,V1,host
V2-C,二村村委会,village,V2,host
""",
}


def test_cadre_mentors_from_the_township(tmp_path, monkeypatch):
    """浮山: village cadres are mentored by township staff (帮带导师库), not by the clinic beside it."""
    monkeypatch.setitem(BASE, "regions", FUSHAN["regions"])
    monkeypatch.setitem(BASE, "units", FUSHAN["units"])
    people = [cadre("C1", unit="V1-C", skill="基层治理"), cadre("C2", unit="V2-C"), cadre("C3", unit="V2-C")]
    staff = [("L1", "T1-GOV", "党政", "基层治理"), ("L2", "T1-GOV", "党政", "乡村振兴"), ("L9", "T1-CL", "医疗", "")]
    wb = write_wb(tmp_path, people, staff)
    assert mentor_units(wb, ["V1-C"], "above").mentor_unit.tolist() == ["T1-GOV"]
    assert mentor_units(wb, ["U1"], "above").empty  # no governing unit with staff above the county school
    assert pair_cadre_mentors(wb, on=ON, mentors_from="unit").empty  # villages have no local staff
    new = pair_cadre_mentors(wb, on=ON)  # default: own unit or the unit above
    assert len(new) == 2 and set(new.mentor) == {"L1", "L2"} and (new.host_unit == "T1-GOV").all()
    assert dict(zip(new.apprentice, new.apprentice_unit)).get("C1") == "V1-C"
    assert new.set_index("apprentice").loc["C1", "mentor"] == "L1"  # exact skill
    assert len(pair_cadre_mentors(wb, on=ON, capacity=2, mentors_from="above")) == 3
    with pytest.raises(ValueError, match="mentors_from"):
        pair_cadre_mentors(wb, on=ON, mentors_from="county")


# --------------------------------------------------------------------------- #
# reports
# --------------------------------------------------------------------------- #
def test_coverage_shares(tmp_path):
    staff = [("L1", "U1", "教育", ""), ("L2", "U1", "教育", ""), ("L3", "U1", "医疗", ""), ("L4", "U2", "医疗", "")]
    ment = [("P1", "L1", "U1", "2026-03-01", ""), ("P1", "L3", "U1", "2026-12-01", "2027-06-30")]  # L3: not yet
    wb = write_wb(tmp_path, [prof("P1")], staff, ment)
    cov = mentoring_coverage(wb, on=ON)
    assert cov.to_dict("list") == {"host_unit": ["U1", "U1", "U2"], "sector": ["医疗", "教育", "医疗"],
                                   "local_staff": [1, 2, 1], "mentored": [0, 1, 0], "share": [0.0, 0.5, 0.0]}
    tot = mentoring_coverage(wb, by=(), on="2027-01-01")
    assert tot.loc[0, ["local_staff", "mentored"]].tolist() == [4, 2] and tot.loc[0, "share"] == 0.5
    g = staff_given(wb, on=ON).set_index("host_unit")
    assert g.loc["U1", ["local_staff", "mentored_ever", "mentored_now"]].tolist() == [3, 1, 1]
    assert staff_given(wb, on="2027-08-01").set_index("host_unit").loc["U1", "mentored_ever"] == 2
    assert labelled(cov, wb, "zh").columns.tolist() == ["受援单位", "行业", "本地人员", "已结对", "覆盖率"]
    assert g.loc["U1", "share_now"] == pytest.approx(1 / 3)


def test_ending_pairs(tmp_path):
    people = [prof("P1"), prof("P2"), cadre("C1")]
    ends = {"P1": "2027-03-31", "P2": "2028-06-30", "C1": "2027-09-30"}
    staff = [("L1", "U1", "教育", ""), ("L2", "U1", "教育", ""), ("L3", "U1", "教育", ""), ("L9", "U1", "党政", "")]
    ment = [("P1", "L1", "U1", "2026-03-01", ""),              # ends with P1's term, 2027-03-31
            ("P2", "L2", "U1", "2026-03-01", "2027-01-31"),    # ends on its own date first
            ("P2", "L3", "U1", "2026-03-01", ""),              # P2's term ends after the horizon
            ("L9", "C1", "U1", "2026-05-01", "2028-04-30")]    # cadre pair: ends with C1's term
    wb = write_wb(tmp_path, people, staff, ment, ends=ends)
    e = ending_pairs(wb, months=12, on=ON)
    assert e[["mentor", "apprentice", "person", "because"]].values.tolist() == [
        ["P2", "L2", "P2", "pair"], ["P1", "L1", "P1", "term"], ["L9", "C1", "C1", "term"]]
    assert e.ends.dt.strftime("%Y-%m-%d").tolist() == ["2027-01-31", "2027-03-31", "2027-09-30"]
    assert len(ending_pairs(wb, months=6, on=ON)) == 2
    assert labelled(e, wb, "en")["Because"].tolist() == ["pair ends", "term ends", "term ends"]
    # new pairs end with their mentor's term, so they show up among the pairs ending with it
    wb2 = write_wb(tmp_path / "free", [prof("P1")], [("L5", "U1", "教育", "数学")], ends=ends)
    new = pair_mentors(wb2, capacity=1, on=ON)
    assert new[["mentor", "apprentice"]].values.tolist() == [["P1", "L5"]]
    assert new["end"].tolist() == [pd.Timestamp("2027-03-31")]
    after = ending_pairs(with_pairs(wb2, new), months=12, on=ON)
    assert after[["apprentice", "because"]].values.tolist() == [["L5", "term"]]


# --------------------------------------------------------------------------- #
# property: the cover count is the max-flow value; every pair obeys the rules
# --------------------------------------------------------------------------- #
SECTORS, SKILLS = ["教育", "医疗"], ["甲", "乙", ""]


@st.composite
def instances(draw):
    people = [(f"P{k}", "professional", draw(st.sampled_from(SECTORS)), draw(st.sampled_from(SKILLS[:2])),
               draw(st.sampled_from(["U1", "U2"]))) for k in range(draw(st.integers(1, 5)))]
    staff = [(f"L{k}", draw(st.sampled_from(["U1", "U2"])), draw(st.sampled_from(SECTORS + [""])),
              draw(st.sampled_from(SKILLS))) for k in range(draw(st.integers(1, 9)))]
    ment = []
    for lid, *_ in staff:
        if draw(st.integers(0, 4)) == 0:
            p = draw(st.sampled_from(people))
            ment.append((p[0], lid, p[4], "2026-01-01", draw(st.sampled_from(["2026-06-30", ""]))))
    return people, staff, ment, draw(st.integers(1, 3))


def peer(people, staff, live, capacity):
    """networkx max_flow_min_cost on the same rules: (pairs covered, exact-skill pairs)."""
    used = pd.Series([m for m, *_ in live]).value_counts()
    taken = {a for _, a, *_ in live}
    G = nx.DiGraph()
    for pid, _, sec, sk, u in people:
        G.add_edge("s", pid, capacity=max(0, capacity - int(used.get(pid, 0))), weight=0)
        for lid, lu, lsec, lsk in staff:
            if lid not in taken and lu == u and (lsec == "" or lsec == sec):
                G.add_edge(pid, lid, capacity=1, weight=-int(lsk != "" and lsk == sk))
                G.add_edge(lid, "t", capacity=1, weight=0)
    if "t" not in G:
        return 0, 0
    flow = nx.max_flow_min_cost(G, "s", "t")
    return sum(flow[lid]["t"] for lid in G.predecessors("t")), -nx.cost_of_flow(G, flow)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_property_matches_max_flow(inst):
    people, staff, ment, capacity = inst
    with tempfile.TemporaryDirectory() as d:
        wb = write_wb(Path(d), people, staff, ment)
    new = pair_mentors(wb, capacity=capacity, on=ON)
    live = [m for m in ment if m[4] == ""]  # the others ended before ON
    assert (len(new), int(new.exact_skill.sum())) == peer(people, staff, live, capacity)
    p = wb.people.set_index("id")
    unit_of = {pid: u for pid, *_, u in people}
    ls = wb.local_staff.set_index("id")
    used = pd.Series([m for m, *_ in live], dtype=object).value_counts()
    load = new.mentor.value_counts().add(used, fill_value=0)
    assert (load[new.mentor.unique()] <= capacity).all()  # existing pairs beyond capacity are kept
    assert new.apprentice.is_unique and not new.apprentice.isin([a for _, a, *_ in live]).any()
    assert (new.host_unit == new.mentor.map(unit_of)).all()
    assert (new.apprentice.map(ls["host_unit"]) == new.host_unit).all()
    lsec = new.apprentice.map(ls["sector"])
    assert (lsec.isna() | (lsec == new.mentor.map(p["sector"]))).all()
    assert (new.exact_skill == (new.apprentice.map(ls["skill"]) == new.mentor.map(p["skill"]))).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_synthetic_rules(seed):
    from planning.samples.synthetic import synthetic_workbook

    wb = synthetic_workbook(people=2_000, host_units=200, sectors=4, seed=seed)
    new = pair_mentors(wb, on=ON)
    assert len(new) > 0 and new.apprentice.is_unique
    live = wb.mentorships[(wb.mentorships.start <= ON) & (wb.mentorships.end >= ON)]
    load = new.mentor.value_counts().add(live.mentor.value_counts(), fill_value=0)
    assert load[new.mentor.unique()].le(3).all()
    ls = wb.local_staff.set_index("id")
    assert (new.apprentice.map(ls["host_unit"]) == new.host_unit).all()
    assert (new.apprentice.map(ls["sector"]) == new.sector).all()
    c = pair_cadre_mentors(wb, on=ON)
    assert c.mentor.is_unique and c.apprentice.is_unique
    assert (c.mentor.map(ls["host_unit"]) == c.host_unit).all()


@st.composite
def cadre_instances(draw):
    people = [(f"C{k}", "cadre", draw(st.sampled_from(SECTORS)), draw(st.sampled_from(SKILLS[:2])),
               draw(st.sampled_from(["U1", "U2"]))) for k in range(draw(st.integers(1, 5)))]
    staff = [(f"L{k}", draw(st.sampled_from(["U1", "U2"])), draw(st.sampled_from(SECTORS + [""])),
              draw(st.sampled_from(SKILLS))) for k in range(draw(st.integers(1, 5)))]
    return people, staff, draw(st.integers(1, 2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cadre_instances())
def test_property_cadres_match_max_flow(inst):
    people, staff, capacity = inst
    with tempfile.TemporaryDirectory() as d:
        wb = write_wb(Path(d), people, staff)
    new = pair_cadre_mentors(wb, capacity=capacity, on=ON)
    G = nx.DiGraph()
    w = len(people) + 1  # one same-sector pair outweighs every exact-skill pair together
    for lid, lu, lsec, lsk in staff:
        G.add_edge("s", lid, capacity=capacity, weight=0)
        for pid, _, sec, sk, u in people:
            if u == lu:
                G.add_edge(lid, pid, capacity=1, weight=-(w * (lsec == sec) + (lsk != "" and lsk == sk)))
                G.add_edge(pid, "t", capacity=1, weight=0)
    covered, value = 0, 0
    if "t" in G:
        flow = nx.max_flow_min_cost(G, "s", "t")
        covered, value = sum(flow[p]["t"] for p in G.predecessors("t")), -nx.cost_of_flow(G, flow)
    assert len(new) == covered
    assert int(new.same_sector.sum()) * w + int(new.exact_skill.sum()) == value
    assert new.apprentice.is_unique and (new.mentor.value_counts() <= capacity).all()
    unit_of = {pid: u for pid, *_, u in people}
    assert (new.apprentice.map(unit_of) == new.host_unit).all()
    assert (new.mentor.map(wb.local_staff.set_index("id")["host_unit"]) == new.host_unit).all()
