"""The bottleneck certificate equals a brute force over subsets of seats on generated programmes."""
from hypothesis import HealthCheck, given, settings

import planning
from planning.allocation.bottleneck import bottleneck_sentences, bottlenecks

from builders import make_wb
from network_programmes import programmes
from network_reference import brute_force_groups, candidates_by_seat


def groups_of(plan):
    b = bottlenecks(plan)
    return {(frozenset(r.seat_rows), frozenset(r.people)) for r in b.itertuples()}, b


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes())
def test_groups_equal_brute_force(wb):
    plan = planning.allocate(wb)
    got, b = groups_of(plan)
    assert got == brute_force_groups(plan)
    cand = candidates_by_seat(plan)
    cap = plan.inputs.model.cap
    empty = plan.unfilled.set_index(["order", "slot"])["seats"]
    for r in b.itertuples():
        assert r.candidates == len(set().union(*(cand.get(s, set()) for s in r.seat_rows)))
        assert r.seats == sum(int(cap[s]) for s in r.seat_rows) > r.candidates
        # no plan fills more than the candidates: this one leaves at least the deficiency empty
        left = sum(int(empty.get((plan.inputs.seats["order"].iloc[s], int(plan.inputs.seats["slot"].iloc[s])), 0))
                   for s in r.seat_rows)
        assert left == r.unfilled >= r.deficiency


def test_sentence_names_place_seats_and_candidates():
    # 3 maths seats at HA, two candidates, one of them taken by a higher-priority seat at HB
    people = [dict(id="P1"), dict(id="P2")]
    orders = [dict(id="O1", host_unit="HA", headcount=3, priority=2, skill="数学"),
              dict(id="O2", host_unit="HB", headcount=1, priority=5, skill="数学")]
    plan = planning.allocate(make_wb(people, orders))
    b = bottlenecks(plan)
    assert len(b) == 1 and b.iloc[0]["seats"] == 4 and b.iloc[0]["candidates"] == 2
    assert bottleneck_sentences(plan, b, "zh") == ["受援县的 4 个数学岗位（2027年3月起）只有 2 名合格人选"]
    assert bottleneck_sentences(plan, b, "en") == ["受援县: 4 数学 posts (from Mar 2027) have only 2 qualified candidates"]
    # a candidate serving a later, overlapping seat elsewhere is said to be placed already
    people = [dict(id="P1")]
    orders = [dict(id="O1", host_unit="HA", headcount=2, priority=1),
              dict(id="O2", host_unit="HB", headcount=1, priority=5, start="2027-06-01", end="2028-02-29")]
    plan = planning.allocate(make_wb(people, orders))
    assert bottleneck_sentences(plan, lang="zh") == [
        "受援单位HA的 2 个教育岗位（2027年3月起）只有 1 名合格人选，且其中 1 人已有安排"]
    assert bottleneck_sentences(plan, lang="en") == [
        "受援单位HA: 2 Education posts (from Mar 2027) have only 1 qualified candidate, 1 of whom is placed elsewhere"]


def test_english_sentence_counts_agree_with_their_nouns():
    """"1 qualified candidates, 1 of whom are placed elsewhere": one post, one candidate, one placed are singular."""
    plan = planning.allocate(make_wb([dict(id="P1", skill="语文")], [dict(id="O1", skill="数学")]))
    assert bottleneck_sentences(plan, lang="en") == ["受援单位HA: 1 数学 post (from Mar 2027) has no qualified candidate"]
    assert bottleneck_sentences(plan, lang="zh") == ["受援单位HA的 1 个数学岗位（2027年3月起）没有合格人选"]


def test_no_group_when_every_seat_can_be_filled():
    plan = planning.allocate(make_wb([dict(id="P1"), dict(id="P2")], [dict(id="O1", headcount=2)]))
    assert bottlenecks(plan).empty and bottleneck_sentences(plan) == []
