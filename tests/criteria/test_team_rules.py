"""Team rules of design §11: a team's lead of a stated rank or above; a team's least size on post."""
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "allocation"))

from builders import make_wb  # noqa: E402

import planning  # noqa: E402
from planning.allocation import check_plan  # noqa: E402
from planning.programme.criteria import teams_short  # noqa: E402
from planning.programme.eligibility import eligible_pairs, exclusions, why_not  # noqa: E402

LEAD = dict(id="OL", role="lead", team="T1")
MEMBER = dict(id="OM", role="member", team="T1")


def lead_wb(rank, team_rank="full_division"):
    people = [dict(id="P1", rank=rank, can_lead=True), dict(id="P2", rank="clerk", can_lead=True)]
    return make_wb(people, [LEAD, MEMBER], teams=[dict(id="T1", lead_rank=team_rank)])


@pytest.mark.parametrize("rank, ok", [("deputy_division", False), ("full_division", True), ("bureau", True),
                                      (None, False)])
def test_the_team_lead_needs_the_stated_rank_or_above(rank, ok):
    wb = lead_wb(rank)
    pairs = {(p, o) for p, o in zip(*eligible_pairs(wb)[["person", "order"]].T.to_numpy())}
    assert (("P1", "OL") in pairs) == ok
    assert ("P2", "OL") not in pairs           # 科员 below 正处
    assert {("P1", "OM"), ("P2", "OM")} <= pairs  # a member seat asks no rank
    assert [c for c, _, _ in exclusions(wb, "P1", "OM")] == []
    assert [c for c, _, _ in exclusions(wb, "P1", "OL")] == ([] if ok else ["lead_rank"])


def test_the_lead_rank_sentence_names_both_values():
    assert why_not(lead_wb("deputy_division"), "P1", "OL", lang="zh") == ["组长职级低于正处（副处）"]
    assert why_not(lead_wb("deputy_division"), "P1", "OL", lang="en") == [
        "rank below full division, the lowest for the team's lead (deputy division)"]
    assert why_not(lead_wb(None), "P1", "OL", lang="zh") == ["缺少职级（组长须正处或以上）"]
    assert why_not(lead_wb(None), "P1", "OL", lang="en") == ["rank missing (the team's lead needs full division or above)"]


def test_a_team_without_a_lead_rank_asks_none():
    wb = lead_wb("clerk", team_rank=None)
    assert len(eligible_pairs(wb)) == 4


def test_the_plan_never_places_a_lead_below_the_teams_rank():
    wb = lead_wb("deputy_division")
    plan = planning.allocate(wb)
    assert "OL" not in set(plan.assignments["order"])
    assert check_plan(wb, plan).empty
    plan = planning.allocate(lead_wb("full_division"))
    assert ("P1", "OL") in set(zip(plan.assignments["person"], plan.assignments["order"]))


def plain_teams_short(wb, day):
    """Plain reference: per team with a least size and a seat open on ``day``, the people on post there."""
    day = pd.Timestamp(day)
    out = {}
    for t in wb.teams.to_dict("records"):
        if pd.isna(t["min_size"]):
            continue
        orders = [o for o in wb.orders.to_dict("records") if o["team"] == t["id"] and o["start"] <= day <= o["end"]]
        if not orders:
            continue
        ids = {o["id"] for o in orders}
        people = {a["person"] for a in wb.assignments.to_dict("records")
                  if a["order"] in ids and a["status"] in ("active", "planned") and a["start"] <= day <= a["end"]}
        if len(people) < t["min_size"]:
            out[t["id"]] = (int(t["min_size"]), sum(o["headcount"] for o in orders), len(people))
    return out


def test_teams_short_of_their_least_size():
    people = [dict(id=f"P{i}") for i in range(1, 6)]
    orders = [dict(id="V1", team="TV", headcount=3, start="2027-01-01", end="2027-12-31"),
              dict(id="V2", team="TV", headcount=1, start="2027-06-01", end="2027-12-31"),
              dict(id="W1", team="TW", headcount=2, start="2027-01-01", end="2027-12-31"),
              dict(id="X1", team="TX", headcount=3, start="2028-01-01", end="2028-12-31")]
    assignments = [dict(person="P1", order="V1", start="2027-01-01", end="2027-12-31"),
                   dict(person="P2", order="V1", start="2027-01-01", end="2027-05-31"),
                   dict(person="P3", order="V2", start="2027-06-01", end="2027-12-31", status="planned"),
                   dict(person="P4", order="W1", start="2027-01-01", end="2027-12-31", status="done"),
                   dict(person="P5", order="W1", start="2027-01-01", end="2027-12-31")]
    wb = make_wb(people, orders, teams=[dict(id="TV", min_size=3), dict(id="TW", min_size=2),
                                        dict(id="TX", min_size=3), dict(id="TY")], assignments=assignments)
    for day in ("2027-03-01", "2027-06-01", "2027-12-31", "2028-02-01"):
        got = teams_short(wb, day)
        want = plain_teams_short(wb, day)
        assert {r.team: (r.min_size, r.seats, r.on_post) for r in got.itertuples()} == want, day
        assert (got["short"] == got["min_size"] - got["on_post"]).all()
    assert set(teams_short(wb, "2027-03-01")["team"]) == {"TV", "TW"}   # 2 of 3; the done one does not count
    assert set(teams_short(wb, "2027-06-01")["team"]) == {"TV", "TW"}   # P1 and P3 (planned): 2 of 3
    assert teams_short(wb, "2028-02-01").iloc[0].to_dict() == dict(team="TX", min_size=3, seats=3, on_post=0, short=3)
    assert teams_short(make_wb(people, orders)).empty  # no team states a size


# --- the sending unit's grade (三甲) -------------------------------------------------------------------------

def graded_wb(grade, need="grade_3a"):
    wb = make_wb([dict(id="P1")], [dict(id="O1", min_sender_grade=need)])
    wb.units["grade"] = wb.units["grade"].astype(object)
    wb.units.loc[wb.units["id"] == "U1", "grade"] = grade
    return wb


@pytest.mark.parametrize("grade, ok", [("grade_3a", True), ("grade_3b", False), ("grade_2a", False), (None, False)])
def test_an_order_may_ask_for_senders_of_a_grade(grade, ok):
    wb = graded_wb(grade)
    assert (len(eligible_pairs(wb)) == 1) == ok
    assert [c for c, _, _ in exclusions(wb, "P1", "O1")] == ([] if ok else ["sender_grade"])
    assert len(eligible_pairs(graded_wb(grade, need=None))) == 1  # an order asking none


def test_the_sender_grade_sentence_names_the_unit_and_both_grades():
    assert why_not(graded_wb("grade_3b"), "P1", "O1", lang="zh") == ["派出单位等级低于三甲（派出单位1：三乙）"]
    assert why_not(graded_wb("grade_3b"), "P1", "O1", lang="en") == [
        "sending unit's grade below grade 3a (派出单位1: grade 3b)"]
    assert why_not(graded_wb(None), "P1", "O1", lang="zh") == ["缺少派出单位等级（派出单位1；岗位须三甲或以上）"]
    assert why_not(graded_wb(None), "P1", "O1", lang="en") == [
        "sending unit's grade missing (派出单位1; the post needs grade 3a or above)"]


def test_the_lowest_lead_rank_still_asks_for_a_rank():
    """A team whose lead need only be 科员 (the lowest rank, code 0) still excludes a lead with no rank: a
    missing fact never makes someone eligible (a check that skipped rank 0 as 'no rule' let them through)."""
    wb = lead_wb(None, team_rank="clerk")
    pairs = {(p, o) for p, o in zip(*eligible_pairs(wb)[["person", "order"]].T.to_numpy())}
    assert ("P1", "OL") not in pairs and ("P2", "OL") in pairs
    assert [c for c, _, _ in exclusions(wb, "P1", "OL")] == ["lead_rank"]


@pytest.mark.parametrize("post_rank", ["clerk", "deputy_section"])
def test_a_person_without_a_rank_never_meets_a_posts_rank(post_rank):
    """A missing rank is no rank at all, not the lowest one (nor the next): a post's rank is met by that rank."""
    wb = make_wb([dict(id="P1", rank=None), dict(id="P2", rank=post_rank)], [dict(id="O1", post_rank=post_rank)])
    pairs = {(p, o) for p, o in zip(*eligible_pairs(wb)[["person", "order"]].T.to_numpy())}
    assert pairs == {("P2", "O1")}


def test_seats_asking_one_year_and_nothing_are_not_taken_for_the_same():
    """Seats asking the same of a person share one answer; a seat asking 1 Party year and one asking none
    must not: a missing demand is never read as the value 1."""
    wb = make_wb([dict(id="P1")], [dict(id="O1", min_party_years=1), dict(id="O2")])
    pairs = {(p, o) for p, o in zip(*eligible_pairs(wb)[["person", "order"]].T.to_numpy())}
    assert pairs == {("P1", "O2")}


def test_teams_short_lists_the_largest_shortfall_first_and_keeps_its_columns_when_empty():
    """The most short team first (ties by team id); with no least size stated the answer is empty but has the
    same columns and kinds (team ids as text), so it merges with the teams table like a full one."""
    people = [dict(id=f"P{i}") for i in range(1, 4)]
    orders = [dict(id="A1", team="TA", headcount=2, start="2027-01-01", end="2027-12-31"),
              dict(id="B1", team="TB", headcount=4, start="2027-01-01", end="2027-12-31"),
              dict(id="C1", team="TC", headcount=2, start="2027-01-01", end="2027-12-31")]
    assignments = [dict(person="P1", order="A1", start="2027-01-01", end="2027-12-31"),
                   dict(person="P2", order="C1", start="2027-01-01", end="2027-12-31")]
    teams = [dict(id="TA", min_size=2), dict(id="TB", min_size=4), dict(id="TC", min_size=2)]
    wb = make_wb(people, orders, teams=teams, assignments=assignments)
    got = teams_short(wb, "2027-03-01")
    assert list(zip(got["team"], got["short"])) == [("TB", 4), ("TA", 1), ("TC", 1)]
    none = teams_short(make_wb(people, orders), "2027-03-01")
    assert none.empty and list(none.columns) == list(got.columns)
    assert none.dtypes.to_dict() == got.dtypes.to_dict()
    assert none.merge(wb.teams, left_on="team", right_on="id").empty
