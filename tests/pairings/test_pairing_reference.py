"""Eligibility, preferred flags and the first objective against a plain, independent reference.

``pairing_reference`` implements the rule of DESIGN.md §4 ("Which pairings decide") with nested
loops over dict rows; ``pairing_programmes`` draws small realistic programmes. The hand-made cases
below are the situations §4 names, each checked against both the reference (so a mistake in the
reference shows up) and the library.
"""
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import csv_workbook
import datetime as dt

from hypothesis import HealthCheck, given, settings, strategies as st
from pairing_programmes import programmes
from pairing_reference import (
    first_objective_of_pairs,
    reference_blocked,
    reference_covered,
    reference_eligible,
    reference_first_objective,
    reference_preferred,
    reference_responsible,
    reference_slots,
    rows,
    parent_map,
    slots_of_order,
    seat_decision,
    is_under,
)

import planning
from planning.allocation import check_plan
from planning.programme.eligibility import blocked_by_pairings, eligible_pairs
from planning.core.pairings import covered_host_units, order_seats, responsible_senders
from planning.programme.seats import order_slots


def library_sets(wb):
    """The library's eligible (person, order, slot) and the preferred ones among them."""
    e = eligible_pairs(wb)
    eligible = {(p, o, int(k)) for p, o, k in zip(e["person"], e["order"], e["slot"])}
    preferred = {(p, o, int(k)) for p, o, k, f in zip(e["person"], e["order"], e["slot"], e["preferred"]) if f}
    return eligible, preferred


def load(tables):
    with tempfile.TemporaryDirectory() as d:
        return csv_workbook(Path(d), tables)


def describe(wb) -> str:
    """The pairings and orders of a failing example, for the failure message."""
    return ("\npairings:\n" + wb.pairings.to_string() + "\norders:\n"
            + wb.orders[["id", "host_unit", "sector", "skill", "role", "start", "end", "rotation_months"]].to_string())


# --------------------------------------------------------------------------- #
# properties
# --------------------------------------------------------------------------- #


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tables=programmes())
def test_eligible_pairs_match_reference(tables):
    wb = load(tables)
    eligible, preferred = library_sets(wb)
    want_eligible, want_preferred = reference_eligible(wb), reference_preferred(wb)
    assert eligible == want_eligible, (
        f"library only: {sorted(eligible - want_eligible)}\nreference only: {sorted(want_eligible - eligible)}"
        + describe(wb))
    assert preferred == want_preferred, (
        f"preferred by library only: {sorted(preferred - want_preferred)}\n"
        f"preferred by reference only: {sorted(want_preferred - preferred)}" + describe(wb))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tables=programmes())
def test_first_objective_matches_reference(tables):
    wb = load(tables)
    plan = planning.allocate(wb)
    want = reference_first_objective(wb)
    if plan.objective.value != want:
        # the same model over the library's own pairs says whether eligibility or the model differs
        on_library_pairs = first_objective_of_pairs(wb, library_sets(wb)[0])
        pytest.fail(f"library objective {plan.objective.value}, reference {want} "
                    f"(reference model over the library's eligible pairs: {on_library_pairs})" + describe(wb))
    broken = check_plan(wb, plan)
    assert broken.empty, broken.to_string()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tables=programmes())
def test_reference_slots_match_library_slots(tables):
    """Slot numbering is shared by both sides of the comparisons above."""
    wb = load(tables)
    ours = {(s["order"], s["slot"], s["start"], s["end"]) for s in reference_slots(wb)}
    theirs = {(o, int(k), s.date(), e.date())
              for o, k, s, e in zip(*(order_slots(wb.orders)[c] for c in ("order", "slot", "start", "end")))}
    assert ours == theirs


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tables=programmes())
def test_responsible_senders_match_reference_and_can_staff(tables):
    """Per seat, the library's responsible senders equal the reference's, and their people may staff it.

    "May staff": someone under a responsible sender passes the pairing rule of the seat (the
    reference's deciding senders), whatever their sector; so a gap is never blamed on a sender
    whose people the pairings keep out.
    """
    wb = load(tables)
    slots = order_slots(wb.orders)
    r = responsible_senders(wb, slots)
    got = {(o, int(k)): set() for o, k in zip(slots["order"], slots["slot"])}
    for i, sender in zip(r["seat"], r["sender"]):
        got[slots["order"].iat[i], int(slots["slot"].iat[i])].add(sender)
    want = reference_responsible(wb)
    assert got == want, describe(wb)
    t = {name: rows(getattr(wb, name)) for name in ("regions", "units", "pairings", "orders")}
    parent = parent_map(t["regions"], t["units"])
    orders = {o["id"]: o for o in t["orders"]}
    for (order, k), senders in want.items():
        o = orders[order]
        (_, s, e), = [x for x in slots_of_order(o) if x[0] == k]
        deciding, _ = seat_decision(o, s, e, t["pairings"], parent)
        for sender in senders:
            assert not deciding or any(is_under(sender, d["sender"], parent) for d in deciding), (order, k, sender)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tables=programmes(), on=st.sampled_from([None, dt.date(2025, 6, 30), dt.date(2026, 7, 1), dt.date(2031, 1, 1)]))
def test_covered_host_units_match_reference(tables, on):
    """A host unit is covered by a pairing of any sector at it or above it, ended on ``on`` or later."""
    wb = load(tables)
    got = covered_host_units(wb, None if on is None else pd.Timestamp(on))
    assert set(got) == reference_covered(wb, on), describe(wb)
    assert got.is_unique


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tables=programmes())
def test_blocked_by_pairings_matches_reference(tables):
    """Seats whose deciding pairings keep out everyone suitable, per host unit and sector, largest first."""
    wb = load(tables)
    got = blocked_by_pairings(wb, order_slots(wb.orders))
    assert list(got.columns) == ["host_unit", "sector", "seats", "senders"]
    assert {(u, k): (n, s) for u, k, n, s in got.values.tolist()} == reference_blocked(wb), describe(wb)
    assert got["seats"].is_monotonic_decreasing and got.index.tolist() == list(range(len(got)))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(tables=programmes())
def test_order_seats_are_one_per_unit_and_sector_over_its_orders(tables):
    """One seat per host unit and sector with orders, from its first order's start to its last one's end."""
    wb = load(tables)
    want = {}
    for o in rows(wb.orders):
        s, e = want.get((o["host_unit"], o["sector"]), (o["start"], o["end"]))
        want[o["host_unit"], o["sector"]] = (min(s, o["start"]), max(e, o["end"]))
    seats_ = order_seats(wb)
    got = {(u, k): (s.date(), e.date()) for u, k, s, e in zip(*(seats_[c] for c in ("host_unit", "sector", "start", "end")))}
    assert got == want and len(seats_) == len(want)
    # the seats ask the responsible senders the same question as the slots of their orders
    r = responsible_senders(wb, seats_)
    assert list(r.columns) == ["seat", "sender", "scope"] and list(r.index) == list(range(len(r)))
    assert not r.duplicated(["seat", "sender"]).any()


# --------------------------------------------------------------------------- #
# hand-made programmes (DESIGN §4)
# --------------------------------------------------------------------------- #

# Sending: Shandong with Jinan, Qingdao, Zibo (and a provincial department).
# Host: Kashgar prefecture with Shufu county (a township inside) and Shule county.
REGIONS = """id,name,level,parent,side
SD,山东省,province,,sending
SD-JN,济南市,city,SD,sending
SD-QD,青岛市,city,SD,sending
SD-ZB,淄博市,city,SD,sending
KS,喀什地区,prefecture,,host
KS-SF,疏附县,county,KS,host
KS-SF-T1,托克扎克镇,township,KS-SF,host
KS-SL,疏勒县,county,KS,host
"""
UNITS = """id,name,kind,region,side
SD-JYT,山东省教育厅,government,SD,sending
JN-JYJ,济南市教育局,government,SD-JN,sending
JN-H1,济南市人民医院,hospital,SD-JN,sending
QD-JYJ,青岛市教育局,government,SD-QD,sending
QD-H1,青岛市市立医院,hospital,SD-QD,sending
ZB-JYJ,淄博市教育局,government,SD-ZB,sending
H-SF-SCH1,疏附县第一中学,school,KS-SF,host
H-SF-HOS,疏附县人民医院,hospital,KS-SF,host
H-SF-SCH2,托克扎克镇小学,school,KS-SF-T1,host
H-SF-GOV,托克扎克镇政府,township,KS-SF-T1,host
H-SL-SCH1,疏勒县第一中学,school,KS-SL,host
H-SL-HOS,疏勒县人民医院,hospital,KS-SL,host
"""
# One teacher per education sender, one doctor per hospital; all free over 2026–2030.
PEOPLE = """id,name,sending_unit,category,sector,skill,level,can_lead,program,available_from,available_to,wishes
T-JN,济南教师,JN-JYJ,professional,教育,,2,true,planned,2026-01-01,2030-12-31,
T-QD,青岛教师,QD-JYJ,professional,教育,,2,true,planned,2026-01-01,2030-12-31,
T-ZB,淄博教师,ZB-JYJ,professional,教育,,2,true,planned,2026-01-01,2030-12-31,
T-SD,省厅教师,SD-JYT,professional,教育,,2,true,planned,2026-01-01,2030-12-31,
D-JN,济南医生,JN-H1,professional,医疗,,2,true,planned,2026-01-01,2030-12-31,
D-QD,青岛医生,QD-H1,professional,医疗,,2,true,planned,2026-01-01,2030-12-31,
"""
ORDER_HEADER = "id,host_unit,sector,skill,role,headcount,start,end,priority,min_level,team,rotation_months\n"
PAIRING_HEADER = "sender,host,sector,scope,start,end\n"
TEACHERS = {"T-JN", "T-QD", "T-ZB", "T-SD"}


def hand_workbook(tmp_path, pairings: str, orders: str):
    return csv_workbook(tmp_path / "wb", {"regions": REGIONS, "units": UNITS, "people": PEOPLE,
                                          "pairings": PAIRING_HEADER + pairings, "orders": ORDER_HEADER + orders})


def seats(people, order, slot=0):
    return {(p, order, slot) for p in people}


def assert_both(wb, eligible, preferred):
    """The reference and the library both give exactly these eligible and preferred sets."""
    assert reference_eligible(wb) == eligible
    assert reference_preferred(wb) == preferred
    lib_eligible, lib_preferred = library_sets(wb)
    assert lib_eligible == eligible
    assert lib_preferred == preferred


def test_shared_prefecture(tmp_path):
    """Two cities hold Kashgar together: people of either qualify anywhere in it, a third city's do not."""
    wb = hand_workbook(tmp_path, """SD-JN,KS,,exclusive,,
SD-QD,KS,,exclusive,,
""", """O-SF,H-SF-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-SL,H-SL-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-HOS,H-SF-HOS,医疗,,member,1,2027-03-01,2028-02-29,3,,,
""")
    eligible = seats({"T-JN", "T-QD"}, "O-SF") | seats({"T-JN", "T-QD"}, "O-SL") | seats({"D-JN", "D-QD"}, "O-HOS")
    # both cities are responsible together
    assert_both(wb, eligible, eligible)
    assert reference_responsible(wb)["O-SF", 0] == {"SD-JN", "SD-QD"}


def test_one_city_one_school_inside_province_pairing(tmp_path):
    """一市包一校: Zibo's school pairing narrows Shandong's prefecture-wide one, for that school only."""
    wb = hand_workbook(tmp_path, """SD,KS,,exclusive,,
SD-ZB,H-SF-SCH1,,exclusive,,
""", """O-SF,H-SF-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-SL,H-SL-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-SF2,H-SF-SCH2,教育,,member,1,2027-03-01,2028-02-29,3,,,
""")
    eligible = seats({"T-ZB"}, "O-SF") | seats(TEACHERS, "O-SL") | seats(TEACHERS, "O-SF2")
    assert_both(wb, eligible, eligible)
    assert reference_responsible(wb)["O-SF", 0] == {"SD-ZB"}
    assert reference_responsible(wb)["O-SL", 0] == {"SD"}


def test_hospital_department_pairing_beside_all_sector_pairing(tmp_path):
    """院包科: Jinan's hospital holds Shufu for 医疗, Qingdao holds Shufu for everything else."""
    wb = hand_workbook(tmp_path, """JN-H1,KS-SF,医疗,exclusive,,
SD-QD,KS-SF,,exclusive,,
""", """O-HOS,H-SF-HOS,医疗,,member,1,2027-03-01,2028-02-29,3,,,
O-SCH,H-SF-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-SL,H-SL-HOS,医疗,,member,1,2027-03-01,2028-02-29,3,,,
""")
    eligible = seats({"D-JN"}, "O-HOS") | seats({"T-QD"}, "O-SCH") | seats({"D-JN", "D-QD"}, "O-SL")
    # Shule has no pairing: everyone in sector qualifies, no one is preferred
    preferred = seats({"D-JN"}, "O-HOS") | seats({"T-QD"}, "O-SCH")
    assert_both(wb, eligible, preferred)
    assert reference_responsible(wb)["O-SL", 0] == set()


def test_contradictory_pairings(tmp_path):
    """Jinan holds Shufu county, Qingdao one school in it: the school is Qingdao's, the rest Jinan's."""
    wb = hand_workbook(tmp_path, """SD-JN,KS-SF,,exclusive,,
SD-QD,H-SF-SCH1,,exclusive,,
""", """O-SCH1,H-SF-SCH1,教育,,member,2,2027-03-01,2028-02-29,3,,,
O-SCH2,H-SF-SCH2,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-HOS,H-SF-HOS,医疗,,member,1,2027-03-01,2028-02-29,3,,,
""")
    eligible = seats({"T-QD"}, "O-SCH1") | seats({"T-JN"}, "O-SCH2") | seats({"D-JN"}, "O-HOS")
    assert_both(wb, eligible, eligible)


def test_expired_pairings_decide_nothing(tmp_path):
    """An exclusive pairing that ended before the order decides nothing; one ending on its first day does."""
    wb = hand_workbook(tmp_path, """SD-JN,H-SF-SCH1,,exclusive,2024-01-01,2026-06-30
SD-QD,KS-SF,,exclusive,,
SD-ZB,H-SL-SCH1,,exclusive,2024-01-01,2026-12-31
""", """O-SF,H-SF-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-SL,H-SL-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-SL-EARLY,H-SL-SCH1,教育,,member,1,2026-12-31,2027-06-30,3,,,
""")
    # Shufu school: Jinan's pairing has expired, Qingdao's county pairing decides
    # Shule school: Zibo's pairing has expired and nothing else is in force, so anyone in 教育
    # the early Shule order starts on the day Zibo's pairing ends (dates inclusive): Zibo decides
    eligible = seats({"T-QD"}, "O-SF") | seats(TEACHERS, "O-SL") | seats({"T-ZB"}, "O-SL-EARLY")
    preferred = seats({"T-QD"}, "O-SF") | seats({"T-ZB"}, "O-SL-EARLY")
    assert_both(wb, eligible, preferred)


def test_a_pairing_starting_on_the_last_day_decides(tmp_path):
    """Dates are inclusive at both ends: a pairing that starts on the order's last day is in force for it."""
    wb = hand_workbook(tmp_path, """SD-ZB,H-SL-SCH1,,exclusive,2028-02-29,
SD-QD,H-SF-SCH1,,exclusive,2028-03-01,
""", """O-SL,H-SL-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-SF,H-SF-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
""")
    eligible = seats({"T-ZB"}, "O-SL") | seats(TEACHERS, "O-SF")  # Qingdao's starts the day after: not in force
    assert_both(wb, eligible, seats({"T-ZB"}, "O-SL"))


def test_dated_pairings_decide_slot_by_slot(tmp_path):
    """A school pairing handed from Jinan to Qingdao mid-order; Zibo's county pairing covers the gap."""
    wb = hand_workbook(tmp_path, """SD-JN,H-SF-SCH1,,exclusive,2026-01-01,2027-06-30
SD-QD,H-SF-SCH1,,exclusive,2027-11-01,
SD-ZB,KS-SF,,exclusive,,
""", """O-ROT,H-SF-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,4
O-ONE,H-SF-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
""")
    # slots of O-ROT: 0 = 2027-03-01..06-30, 1 = 07-01..10-31, 2 = 2027-11-01..2028-02-29
    assert [(s["slot"], str(s["start"]), str(s["end"])) for s in reference_slots(wb) if s["order"] == "O-ROT"] == [
        (0, "2027-03-01", "2027-06-30"), (1, "2027-07-01", "2027-10-31"), (2, "2027-11-01", "2028-02-29")]
    # the single stint overlaps both school pairings: they decide together
    eligible = (seats({"T-JN"}, "O-ROT", 0) | seats({"T-ZB"}, "O-ROT", 1) | seats({"T-QD"}, "O-ROT", 2)
                | seats({"T-JN", "T-QD"}, "O-ONE"))
    assert_both(wb, eligible, eligible)


def test_preferred_pairings(tmp_path):
    """Preferred pairings rank a sender first only where they may staff the seat."""
    wb = hand_workbook(tmp_path, """SD,KS,,exclusive,,
SD-JN,H-SF-SCH1,,preferred,,
SD-QD,H-SL-SCH1,,exclusive,,
SD-ZB,H-SL-SCH1,,preferred,,
""", """O-SF,H-SF-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-SL,H-SL-SCH1,教育,,member,1,2027-03-01,2028-02-29,3,,,
O-HOS,H-SF-HOS,医疗,,member,1,2027-03-01,2028-02-29,3,,,
""")
    # Shufu school: Shandong decides (anyone from the province); Jinan's preferred pairing is
    # nearer and Jinan is inside Shandong, so Jinan is responsible
    # Shule school: Qingdao's exclusive decides; Zibo is not under Qingdao, so its preference counts for nothing
    eligible = seats(TEACHERS, "O-SF") | seats({"T-QD"}, "O-SL") | seats({"D-JN", "D-QD"}, "O-HOS")
    preferred = seats({"T-JN"}, "O-SF") | seats({"T-QD"}, "O-SL") | seats({"D-JN", "D-QD"}, "O-HOS")
    assert_both(wb, eligible, preferred)
    assert reference_responsible(wb)["O-SL", 0] == {"SD-QD"}


def test_preferred_sector_pairing_beside_exclusive_all_sector_pairing(tmp_path):
    """At one host, a 医疗 preferred pairing is more specific than an all-sector exclusive one.

    Qingdao holds Shufu exclusively; Qingdao's own hospital prefers Shufu for 医疗. Anyone from
    Qingdao qualifies for a health post, but only the hospital's doctor is preferred (the spec's key
    ranks sector before scope; "exclusive before preferred" applies only at equal keys).
    """
    people = PEOPLE + "D-QDX,青岛卫健医生,QD-JYJ,professional,医疗,,2,true,planned,2026-01-01,2030-12-31,\n"
    wb = csv_workbook(tmp_path / "wb", {
        "regions": REGIONS, "units": UNITS, "people": people,
        "pairings": PAIRING_HEADER + "SD-QD,KS-SF,,exclusive,,\nQD-H1,KS-SF,医疗,preferred,,\n",
        "orders": ORDER_HEADER + "O-HOS,H-SF-HOS,医疗,,member,1,2027-03-01,2028-02-29,3,,,\n"})
    assert_both(wb, seats({"D-QD", "D-QDX"}, "O-HOS"), seats({"D-QD"}, "O-HOS"))
    assert reference_responsible(wb)["O-HOS", 0] == {"QD-H1"}


def test_eligibility_basics(tmp_path):
    """Sector, skill, level, lead and availability, with no pairing at all."""
    people = PEOPLE + """T-L1,一级教师,JN-JYJ,professional,教育,数学,1,false,planned,2026-01-01,2030-12-31,
T-M3,数学骨干,QD-JYJ,professional,教育,数学,3,false,planned,2026-01-01,2030-12-31,
T-LATE,晚到教师,ZB-JYJ,professional,教育,数学,3,true,planned,2027-09-02,2030-12-31,
"""
    wb = csv_workbook(tmp_path / "wb", {
        "regions": REGIONS, "units": UNITS, "people": people, "pairings": PAIRING_HEADER,
        "orders": ORDER_HEADER + """O-MATH,H-SF-SCH1,教育,数学,member,1,2027-03-01,2028-02-29,3,2,,6
O-LEAD,H-SF-SCH1,教育,,lead,1,2027-03-01,2028-02-29,3,,,
"""})
    # O-MATH needs 数学 at level 2: T-M3 both slots, T-LATE only from 2027-09-02 (the second slot starts 09-01)
    eligible = (seats({"T-M3"}, "O-MATH", 0) | seats({"T-M3"}, "O-MATH", 1)
                | seats(TEACHERS, "O-LEAD"))
    assert_both(wb, eligible, set())
    e = eligible_pairs(wb)
    assert set(e.loc[e["order"] == "O-MATH", "exact_skill"]) == {True}
    assert set(e.loc[e["order"] == "O-LEAD", "exact_skill"]) == {False}


def test_slots_clip_the_day_of_month(tmp_path):
    wb = hand_workbook(tmp_path, "", "O-R,H-SF-SCH1,教育,,member,1,2027-01-31,2027-05-15,3,,,1\n")
    want = [(0, "2027-01-31", "2027-02-27"), (1, "2027-02-28", "2027-03-30"), (2, "2027-03-31", "2027-04-29"),
            (3, "2027-04-30", "2027-05-15")]
    assert [(s["slot"], str(s["start"]), str(s["end"])) for s in reference_slots(wb)] == want
    lib = order_slots(wb.orders)
    assert [(int(k), str(s.date()), str(e.date())) for k, s, e in zip(lib["slot"], lib["start"], lib["end"])] == want


def test_first_objective_hand_case(tmp_path):
    """Contradictory pairings: Qingdao's one teacher fills one of the school's two seats, Jinan's the other school."""
    wb = hand_workbook(tmp_path, """SD-JN,KS-SF,,exclusive,,
SD-QD,H-SF-SCH1,,exclusive,,
""", """O-SCH1,H-SF-SCH1,教育,,member,2,2027-03-01,2028-02-29,5,,,
O-SCH2,H-SF-SCH2,教育,,member,1,2027-03-01,2028-02-29,2,,,
O-ROT,H-SL-SCH1,教育,,member,1,2027-03-01,2028-02-29,,,,6
""")
    # O-SCH1 (priority 5, 16 a seat): only T-QD, once; O-SCH2 (priority 2): T-JN;
    # O-ROT (default priority 3, two slots of 4): T-ZB and T-SD are still free
    assert reference_first_objective(wb) == 16 + 2 + 4 + 4
    plan = planning.allocate(wb)
    assert plan.objective.value == 26
    assert check_plan(wb, plan).empty


def test_orders_without_a_rotation_column_are_one_slot_each(tmp_path):
    """A table without ``rotation_months`` (a caller's own orders): one slot over each order's whole period."""
    wb = hand_workbook(tmp_path, "", "O-A,H-SF-SCH1,教育,,member,2,2027-01-31,2028-05-15,3,,,\n"
                                     "O-B,H-SL-SCH1,教育,,member,1,2027-03-01,2027-08-31,3,,,\n")
    lib = order_slots(wb.orders.drop(columns="rotation_months"))
    assert lib[["order", "slot", "headcount"]].values.tolist() == [["O-A", 0, 2], ["O-B", 0, 1]]
    assert lib.loc[0, ["start", "end"]].tolist() == [pd.Timestamp("2027-01-31"), pd.Timestamp("2028-05-15")]
    assert lib.loc[1, ["start", "end"]].tolist() == [pd.Timestamp("2027-03-01"), pd.Timestamp("2027-08-31")]
    kept = [c for c in wb.orders.columns if c not in ("id", "start", "end", "headcount", "rotation_months")]
    assert list(lib.columns) == ["order", "slot", "start", "end", "headcount"] + kept


def test_an_open_order_ends_its_last_slot_on_the_open_end(tmp_path):
    """An order without an end (a caller's table): its slots run on, the last one to the open end."""
    from planning.core.periods import OPEN_END

    wb = hand_workbook(tmp_path, "", "O-R,H-SF-SCH1,教育,,member,1,2027-01-01,2027-12-31,3,,,6\n")
    orders = wb.orders.assign(end=pd.NaT)
    lib = order_slots(orders.set_index("id", drop=False))  # any index: the slots are numbered from 0
    assert lib.loc[0, ["slot", "start", "end"]].tolist() == [0, pd.Timestamp("2027-01-01"), pd.Timestamp("2027-06-30")]
    assert lib["end"].iloc[-1] == pd.Timestamp(OPEN_END) and lib["start"].is_monotonic_increasing
    assert "index" not in lib.columns and lib.index.tolist() == list(range(len(lib)))
