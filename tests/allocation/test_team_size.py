"""A team's least size (``teams.min_size``, design §11: a village team of at least 3) as a hard rule of the plan.

On a day nobody is on post in the team, the plan sends none or at least the least size; people on post (live
assignments) and pins count as on post, and beside them the plan may add anyone. Hand-made cases; the optimum on
random programmes is compared with a plain CP-SAT model in ``test_horizon.py``.
"""
import numpy as np
import pytest

import planning
from planning.allocation import check_plan, enforce_team_rules, flow_applies
from planning.programme.criteria import teams_short

from builders import make_wb, model_of, ok, placed

METHODS = ["optimal", "cpsat", "horizon"]


def village(n_people, seats=3, min_size=3, assignments=(), **order):
    """A village team TV of ``seats`` member seats (one order), ``n_people`` eligible people."""
    people = [dict(id=f"P{i}") for i in range(n_people)]
    orders = [dict(id="OV", headcount=seats, team="TV", **order)]
    return make_wb(people, orders, teams=[dict(id="TV", min_size=min_size)], assignments=assignments)


@pytest.mark.parametrize("method", METHODS)
def test_two_eligible_for_a_team_of_three_send_nobody(method):
    wb = village(2)
    plan = ok(wb, planning.allocate(wb, method=method))
    assert plan.assignments.empty
    assert plan.unfilled[["order", "seats", "reason"]].values.tolist() == [["OV", 3, "team_size"]]
    _, u = plan.with_text("zh")
    assert u["reason_text"].tolist() == ["组团不足最少人数（受援单位HA组团至少 3 人，可派 2 人）"]
    _, u = plan.with_text("en")
    assert u["reason_text"].tolist() == [
        "the team cannot reach its least size (受援单位HA team needs at least 3, 2 could be sent)"]


@pytest.mark.parametrize("method", METHODS)
def test_three_eligible_fill_the_team(method):
    wb = village(3)
    plan = ok(wb, planning.allocate(wb, method=method))
    assert placed(plan) == [("P0", "OV"), ("P1", "OV"), ("P2", "OV")] and plan.unfilled.empty
    assert plan.objective.status == "optimal"


def test_the_team_is_named_by_its_name_where_the_table_gives_one():
    wb = village(1)
    wb.teams["name"] = ["第一村驻村工作队"]
    _, u = planning.allocate(wb).with_text("zh")
    assert u["reason_text"].tolist() == ["组团不足最少人数（第一村驻村工作队至少 3 人，可派 1 人）"]


def test_a_least_size_of_one_asks_nothing():
    wb = village(1, min_size=1)
    assert len(ok(wb, planning.allocate(wb)).assignments) == 1
    assert flow_applies(model_of(wb))  # no row: the flow path as before


def test_people_on_post_count_and_the_plan_may_add_beside_them():
    """One already on post all year, two seats open, one eligible: the team exists, the plan adds the one (the
    team stays short of 3, and teams_short lists it); the rule binds only days with nobody on post."""
    on_post = [dict(person="P9", order="OV", start="2027-03-01", end="2027-12-31")]
    people = [dict(id="P0"), dict(id="P9")]
    wb = make_wb(people, [dict(id="OV", headcount=3, team="TV")], teams=[dict(id="TV", min_size=3)],
                 assignments=on_post)
    for method in METHODS:
        plan = ok(wb, planning.allocate(wb, method=method))
        assert placed(plan) == [("P0", "OV")], method
    short = teams_short(plan.workbook, "2027-06-01")
    assert short[["team", "on_post", "short"]].values.tolist() == [["TV", 2, 1]]


def test_a_team_whose_people_leave_mid_way_is_not_left_below_its_size():
    """Someone on post until June; two eligible for the year's seats: from July the two would be the team alone,
    2 of 3, so neither goes. With three eligible, all three go."""
    on_post = [dict(person="P9", order="OW", start="2027-03-01", end="2027-06-30")]
    orders = [dict(id="OV", headcount=3, team="TV"), dict(id="OW", headcount=1, team="TV", end="2027-06-30")]
    for n, want in ((2, 0), (3, 3)):
        people = [dict(id=f"P{i}") for i in range(n)] + [dict(id="P9")]
        wb = make_wb(people, orders, teams=[dict(id="TV", min_size=3)], assignments=on_post)
        for method in METHODS:
            plan = ok(wb, planning.allocate(wb, method=method))
            assert len(plan.assignments) == want, (n, method)
        if want == 0:
            assert set(plan.unfilled["reason"]) == {"team_size"}


def test_only_the_days_with_nobody_on_post_bind():
    """On post until June; a seat open until June and two from July: the June seat may take one person beside
    the one on post; the July seats, with two eligible, none."""
    on_post = [dict(person="P9", order="OA", start="2027-03-01", end="2027-06-30")]
    orders = [dict(id="OA", headcount=2, team="TV", end="2027-06-30"),
              dict(id="OB", headcount=2, team="TV", start="2027-07-01")]
    people = [dict(id="P0", available_to="2027-06-30"), dict(id="P1", available_from="2027-07-01"),
              dict(id="P2", available_from="2027-07-01")]
    wb = make_wb(people + [dict(id="P9")], orders, teams=[dict(id="TV", min_size=3)], assignments=on_post)
    for method in METHODS:
        plan = ok(wb, planning.allocate(wb, method=method))
        assert placed(plan) == [("P0", "OA")], method
        assert plan.unfilled.set_index("order").loc["OB", "reason"] == "team_size"


def test_pins_count_as_on_post():
    """A planner's pin is their decision: beside it the plan may add anyone, as beside people on post."""
    wb = village(2)
    plan = ok(wb, planning.allocate(wb, pins=[("P0", "OV")]))
    assert placed(plan) == [("P0", "OV"), ("P1", "OV")]


def test_check_plan_reports_a_plan_below_the_least_size():
    """A plan made as if the team had no least size (two of three) breaks it: both new people are reported."""
    plan = planning.allocate(village(2, min_size=None))
    assert len(plan.assignments) == 2
    v = check_plan(village(2), plan)
    assert sorted(v.loc[v["rule"] == "min_size", "person"]) == ["P0", "P1"]
    assert set(v["detail"]) == {"TV: 2 < 3"}
    # a plan written by hand, without the allocation's reasons: none of its rows is a pin, the same two reported
    plan.assignments = plan.assignments.drop(columns="reason")
    v = check_plan(village(2), plan)
    assert sorted(v.loc[v["rule"] == "min_size", "person"]) == ["P0", "P1"]
    assert check_plan(village(2, min_size=2), plan).empty
    # beside someone on post the same two break nothing
    on_post = [dict(person="P9", order="OX", start="2027-03-01", end="2027-12-31")]
    wb = make_wb([dict(id="P0"), dict(id="P1"), dict(id="P9")],
                 [dict(id="OV", headcount=3, team="TV"), dict(id="OX", team="TV")],
                 teams=[dict(id="TV", min_size=3)], assignments=on_post)
    assert check_plan(wb, plan).empty


def test_the_flow_path_gives_way_to_the_exact_model():
    wb = village(3)
    assert not flow_applies(model_of(wb))
    with pytest.raises(planning.PlanError):
        planning.allocate(wb, method="flow")
    assert flow_applies(model_of(village(3, min_size=None)))


def test_enforcing_the_rule_drops_a_short_team_and_the_members_its_lead_left():
    """A lead_required team of least size 3 with a new lead and one member placed: both go; the lead going
    leaves no member without one."""
    people = [dict(id="PL", can_lead=True), dict(id="PM")]
    orders = [dict(id="OL", role="lead", team="TV"), dict(id="OM", headcount=2, team="TV")]
    wb = make_wb(people, orders, teams=[dict(id="TV", min_size=3, lead_required=True)])
    m = model_of(wb)
    assert len(enforce_team_rules(m, np.arange(m.n_pairs))) == 0
    plan = ok(wb, planning.allocate(wb, method="stable"))
    assert plan.assignments.empty


def test_teams_short_after_a_plan_lists_no_team_the_plan_started_short():
    """After a plan, teams_short (the report) and the rule agree: on any day a team the plan sent people to,
    with nobody on post before, is at its least size or above."""
    rng = np.random.default_rng(1)
    people = [dict(id=f"P{i}", available_from="2027-01-01") for i in range(8)]
    orders = [dict(id=f"O{k}", headcount=int(rng.integers(1, 3)), team=f"T{k % 3}", priority=int(rng.integers(1, 5)),
                   start=str(rng.choice(["2027-03-01", "2027-03-01", "2027-06-01"])),
                   end=str(rng.choice(["2027-12-31", "2027-12-31", "2027-09-30"]))) for k in range(9)]
    teams = [dict(id=f"T{k}", min_size=3) for k in range(3)]
    wb = make_wb(people, orders, teams=teams)
    plan = ok(wb, planning.allocate(wb))
    assert len(plan.assignments) and "team_size" in set(plan.unfilled["reason"])
    new_teams = set(plan.assignments["team"])
    for day in sorted(set(plan.assignments["start"]) | set(plan.assignments["end"])):
        short = teams_short(plan.workbook, day)
        assert not (short["team"].isin(new_teams) & short["on_post"].between(1, 2)).any(), day


def test_the_bound_pays_back_what_the_team_columns_earn():
    """Weak duality on a full team of three: multipliers on the least-size rows make the pairs worth nothing
    and the team's column worth them; any multipliers still bound the optimum."""
    from planning.allocation.solvers.horizon import build_lp, lagrangian_bound

    wb = village(3)
    opt = ok(wb, planning.allocate(wb)).objective.value
    m = model_of(wb)
    lp = build_lp(m)
    relaxed = [r for r in lp.rows if r.relaxed]
    assert [r.name for r in relaxed] == ["seat_capacity", "min_size_seat", "min_size_least"]
    rng = np.random.default_rng(0)
    for name in ("min_size_seat", "min_size_least"):
        for scale in (0.5, 10.0, 100.0):
            u = np.concatenate([rng.random(r.n) * scale if r.name == name else np.zeros(r.n) for r in relaxed])
            assert lagrangian_bound(m, lp, u) >= opt, (name, scale)


def test_at_zero_multipliers_the_team_columns_add_nothing_to_the_bound():
    """A team column costs nothing and earns only what multipliers give it: at zero multipliers the bound of a full
    team of three equals the bound of the same programme without a least size (the pairs are the same)."""
    from planning.allocation.solvers.horizon import build_lp, lagrangian_bound

    def bound(wb):
        m = model_of(wb)
        lp = build_lp(m)
        return lagrangian_bound(m, lp, np.zeros(sum(r.n for r in lp.rows if r.relaxed)))

    assert bound(village(3)) == bound(village(3, min_size=None))
