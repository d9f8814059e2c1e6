"""The pairing rule's uses beyond eligibility: responsibility, the pairing view, unpaired units, blocked hosts.

Hand-made programmes (design §4); the eligibility rule itself is checked against an
independent reference in ``test_pairing_reference.py``.
"""
import subprocess
import sys

import pandas as pd

import planning
from planning.allocation import check_plan
from planning.allocation import summary_text as plan_summary
from planning.programme.coverage import largest_gaps, responsible
from planning.programme.eligibility import blocked_by_pairings, blocked_sentences, eligible_pairs
from planning.outputs.labels import labelled
from planning.programme.network import pairing_view, unpaired_host_units
from planning.core.pairings import deciding_pairings

from conftest import ROOT, csv_workbook

REGIONS = """id,name,level,parent,side,lon,lat
SD,山东省,province,,sending,117,36
SD-A,甲市,city,SD,sending,117,36
SD-B,乙市,city,SD,sending,118,37
SD-C,丙市,city,SD,sending,119,37
KS,喀什地区,prefecture,,host,76,39
KS-1,一县,county,KS,host,76,39
KS-2,二县,county,KS,host,77,38
"""
UNITS = """id,name,kind,region,side
A-EDU,甲市教育局,government,SD-A,sending
B-EDU,乙市教育局,government,SD-B,sending
C-EDU,丙市教育局,government,SD-C,sending
B-HOS,乙市人民医院,hospital,SD-B,sending
S1,一县一中,school,KS-1,host
S2,一县医院,hospital,KS-1,host
S3,二县小学,school,KS-2,host
S4,二县中学,school,KS-2,host
"""
PEOPLE = """id,name,sending_unit,category,sector,skill,level,can_lead,program,available_from,available_to
PA1,甲一,A-EDU,professional,教育,,1,false,planned,2026-01-01,2029-12-31
PA2,甲二,A-EDU,professional,教育,,1,false,planned,2026-01-01,2029-12-31
PB1,乙一,B-EDU,professional,教育,,1,false,planned,2026-01-01,2029-12-31
PB2,乙二,B-HOS,professional,医疗,,1,false,planned,2026-01-01,2029-12-31
PC1,丙一,C-EDU,professional,教育,,1,false,planned,2026-01-01,2029-12-31
PC2,丙二,C-EDU,professional,医疗,,1,false,planned,2026-01-01,2029-12-31
"""
ORDERS = """id,host_unit,sector,skill,role,headcount,start,end,priority,min_level,team,rotation_months
O1,S1,教育,,member,1,2027-01-01,2027-12-31,3,1,,
O2,S2,医疗,,member,1,2027-01-01,2027-12-31,3,1,,
O3,S3,教育,,member,1,2027-01-01,2027-12-31,3,1,,
O4,S4,教育,,member,1,2027-01-01,2027-12-31,3,1,,
"""


def programme(tmp_path, pairings: str):
    return csv_workbook(tmp_path / "wb", {"regions": REGIONS, "units": UNITS, "people": PEOPLE, "orders": ORDERS,
                                          "pairings": "sender,host,sector,scope,start,end\n" + pairings})


def eligible(wb):
    p = eligible_pairs(wb)
    return {(r.person, r.order) for r in p.itertuples()}


def test_shared_prefecture_staffs_and_names_both_senders(tmp_path):
    """Two cities hold the prefecture together: both cities' people qualify; both are responsible."""
    wb = programme(tmp_path, "SD-A,KS,,exclusive,,\nSD-B,KS,,exclusive,,\n")
    assert {p for p, o in eligible(wb) if o == "O3"} == {"PA1", "PA2", "PB1"}
    plan = planning.allocate(wb)
    assert plan.objective.value == 4 * 2 ** (3 - 1) and len(plan.assignments) == 4  # O2 (医疗): 乙市's doctor
    assert check_plan(wb, plan).empty
    r = responsible(wb).set_index(["host_unit", "sector"])["sender"]
    assert r[("S3", "教育")] == "SD-A、SD-B"
    top = largest_gaps(wb, "2027-03", by="unit")
    view = labelled(top[["host_unit", "sender"]], wb)
    assert "甲市、乙市" in set(view.iloc[:, 1])
    pv = pairing_view(wb).set_index(["source_city", "host"])["seats"]
    assert pv[("SD-A", "KS-2")] == 2 and pv[("SD-B", "KS-2")] == 2


def test_responsible_sender_can_staff_the_seat(tmp_path):
    """A preferred pairing that contradicts the deciding exclusive one is never named responsible."""
    wb = programme(tmp_path, "SD-A,KS-1,,exclusive,,\nSD-C,S1,,preferred,,\nSD-A,KS-2,,exclusive,,\n"
                             "SD,S3,,preferred,,\nA-EDU,S4,,preferred,,\n")
    r = responsible(wb).set_index(["host_unit", "sector"])
    assert r.loc[("S1", "教育"), "sender"] == "SD-A"  # 丙市 is outside 甲市: its preference decides nothing
    assert r.loc[("S3", "教育"), "sender"] == "SD-A"  # the province is not under 甲市
    assert (r.loc[("S4", "教育"), "sender"], r.loc[("S4", "教育"), "scope"]) == ("A-EDU", "preferred")
    pairs = eligible_pairs(wb)
    pref = set(pairs.loc[pairs["preferred"], "person"] + "@" + pairs.loc[pairs["preferred"], "order"])
    assert {"PA1@O4", "PA2@O4", "PA1@O1"} <= pref


def test_expired_pairing_decides_nothing(tmp_path):
    wb = programme(tmp_path, "SD-A,S1,,exclusive,2024-01-01,2025-12-31\nSD-B,KS,,exclusive,,\n"
                             "SD-C,S4,,exclusive,2020-01-01,2021-12-31\n")
    assert {p for p, o in eligible(wb) if o == "O1"} == {"PB1"}  # 乙市 decides once 甲市's school pairing ended
    un = unpaired_host_units(wb)
    assert un.empty  # the prefecture pairing covers every unit
    wb2 = programme(tmp_path / "b", "SD-C,S4,,exclusive,2020-01-01,2021-12-31\n")
    assert set(unpaired_host_units(wb2)["id"]) == {"S1", "S2", "S3", "S4"}


def test_pairing_in_force_per_rotation_slot(tmp_path):
    """A pairing that ends mid-order decides the slots it overlaps; the next one decides the rest."""
    orders = ORDERS + "OR,S3,教育,,member,1,2027-01-01,2027-12-31,3,1,,6\n"
    wb = csv_workbook(tmp_path / "wb", {
        "regions": REGIONS, "units": UNITS, "people": PEOPLE, "orders": orders,
        "pairings": "sender,host,sector,scope,start,end\nSD-A,S3,,exclusive,,2027-06-30\n"
                    "SD-C,S3,,exclusive,2027-07-01,\n"})
    p = eligible_pairs(wb)
    by_slot = p[p["order"] == "OR"].groupby("slot")["person"].agg(set).to_dict()
    assert by_slot == {0: {"PA1", "PA2"}, 1: {"PC1"}}


def test_blocked_host_and_its_sentences(tmp_path):
    """A school paired with a city that has no teacher: the check, the plan and its reasons say so."""
    wb = programme(tmp_path, "B-HOS,S4,,exclusive,,\nSD-A,KS-1,,exclusive,,\n")
    b = blocked_by_pairings(wb)
    # 一县医院 too: 甲市 holds 一县 and sends no doctor
    assert b[["host_unit", "sector", "seats", "senders"]].values.tolist() == [["S2", "医疗", 1, "SD-A"],
                                                                             ["S4", "教育", 1, "B-HOS"]]
    b = b[b["host_unit"] == "S4"]
    (zh,) = blocked_sentences(wb, b)
    assert zh.startswith("二县中学的教育岗位 1 个无人可派") and "乙市人民医院" in zh
    (en,) = blocked_sentences(wb, b, "en")
    assert "乙市人民医院" in en and "Education" in en and ": 1 seat no one can fill" in en
    # leaders and host units read posts (岗位), not the planners' seats; Chinese says 岗位 to both
    (en,), (zh_read,) = blocked_sentences(wb, b, "en", viewer_words=True), blocked_sentences(wb, b, viewer_words=True)
    assert ": 1 post no one can fill" in en and zh_read == zh
    plan = planning.allocate(wb)
    u = plan.unfilled.set_index("order")
    assert u.loc["O4", "reason"] == "pairing" and u.loc["O4", "senders"] == "B-HOS"
    _, ut = plan.with_text()
    assert "乙市人民医院" in ut.set_index("order").loc["O4", "reason_text"]
    assert "二县中学的教育岗位 1 个未能安排" in plan_summary(plan)


def test_blocked_host_is_said_in_one_sentence_by_the_command_line(tmp_path):
    """`planning check` says it too, in Chinese by default."""
    wb = programme(tmp_path, "B-HOS,S4,,exclusive,,\nSD-A,KS-1,,exclusive,,\n")
    planning.save_workbook(wb, tmp_path / "blocked.xlsx")
    out = subprocess.run([sys.executable, "-m", "planning.cli", "check", str(tmp_path / "blocked.xlsx")],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "二县中学的教育岗位 1 个无人可派" in out.stdout, out.stderr


def test_deciding_pairings_is_vectorised_over_many_seats():
    """Many seats at once give the same rows as one seat at a time (no state leaks between seats)."""
    wb = planning.load_workbook(planning.SAMPLE)
    o = wb.orders.head(40).reset_index(drop=True)
    together = deciding_pairings(wb, o)
    for i in (0, 7, 23, 39):
        alone = deciding_pairings(wb, o.iloc[[i]]).drop(columns="seat").reset_index(drop=True)
        mine = together[together["seat"] == i].drop(columns="seat").reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, mine)


def kinds(df) -> dict:
    """Each column's kind: integer, boolean or other (text columns may be object or string)."""
    return {c: {"i": "integer", "b": "boolean"}.get(df[c].dtype.kind, "other") for c in df.columns}


def test_an_empty_answer_has_the_columns_and_types_of_a_full_one(tmp_path):
    """No seat, or no pairing: the same columns and types as an answer with rows (callers concatenate them)."""
    from planning.core.pairings import COLUMNS, pairings_in_force

    wb = planning.load_workbook(planning.SAMPLE)
    o = wb.orders.head(5).reset_index(drop=True)
    no_pairings = programme(tmp_path, "")
    for fn, cols in ((pairings_in_force, COLUMNS[:-2]), (deciding_pairings, COLUMNS)):
        full = fn(wb, o)
        assert len(full) and list(full.columns) == cols
        for empty in (fn(wb, o.iloc[:0]), fn(no_pairings, no_pairings.orders)):
            assert empty.empty
            assert kinds(empty) == kinds(full), fn.__name__


def test_a_host_held_by_two_exclusive_senders_names_both(tmp_path):
    """一县医院 held by 甲市 and 乙市教育局 alike (equally specific exclusive pairings), neither with a doctor: the
    blocked row lists both senders and its sentence names both, by name."""
    wb = programme(tmp_path, "SD-A,S2,,exclusive,,\nB-EDU,S2,,exclusive,,\n")
    b = blocked_by_pairings(wb, planning.programme.seats.order_slots(wb.orders))
    assert b.values.tolist() == [["S2", "医疗", 1, "B-EDU、SD-A"]]
    (zh,) = blocked_sentences(wb, b)
    assert zh.startswith("一县医院的医疗岗位 1 个无人可派") and "乙市教育局、甲市" in zh
    # the same table, empty (no pairing blocks a seat), keeps its columns and their kinds
    none = blocked_by_pairings(programme(tmp_path / "none", ""), planning.programme.seats.order_slots(wb.orders))
    assert none.empty and list(none.columns) == list(b.columns)
    assert [pd.api.types.is_integer_dtype(none[c]) for c in none] == [pd.api.types.is_integer_dtype(b[c]) for c in b]


def test_blocked_seats_among_everyone_named_are_the_days_blocked_seats(sample):
    """Asked with the people given (everyone) and no seats, the seats are every seat from today on, as asked bare."""
    assert blocked_by_pairings(sample, people=sample.people).equals(blocked_by_pairings(sample))
