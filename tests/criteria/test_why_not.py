"""Why not this person: one sentence per excluding criterion, naming it and both values, in zh and en."""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "allocation"))

from builders import make_wb, table  # noqa: E402

from planning.programme.eligibility import eligible_pairs, exclusions, why_not  # noqa: E402

# everything met on the stint's first day, 2027-03-01, some of it to the day
FIT = dict(id="P1", rank="full_division", title="associate_senior", birth_date="1982-03-01", party_status="party_member",
           party_joined="2025-03-01", work_started="2025-03-01", medical_date="2026-03-02", medical_result="fit",
           altitude_clearance="cleared", vetting_stage="publicised")
POST = dict(id="O1", post_rank="full_division", min_title="associate_senior", age_cap=45, party_required=True,
            min_party_years=2, min_service_years=2, programme="援藏")


def workbook(person=None, order=None, promotion=False):
    wb = make_wb([{**FIT, **(person or {})}], [{**POST, **(order or {})}])
    wb.units.loc[wb.units["id"] == "HA", "altitude"] = 4500.0
    wb.term_rules = table("term_rules", [dict(programme="援藏", min_months=6, max_months=36, last_stage="publicised",
                                              medical_months=12, promotion_allowed=promotion)])
    return wb


def test_someone_meeting_every_criterion_to_the_day_is_eligible():
    wb = workbook()
    assert list(eligible_pairs(wb)["person"]) == ["P1"]
    assert why_not(wb, "P1", "O1", lang="zh") == [] and exclusions(wb, "P1", "O1") == []


CASES = [
    ("rank", dict(rank="section"), None, "职级与岗位不符（正科，岗位为正处）", "rank does not match the post (section; the post is full division)"),
    ("rank", dict(rank=None), None, "缺少职级（岗位为正处）", "rank missing (the post is full division)"),
    ("title", dict(title="intermediate"), None, "职称低于副高级（中级）", "title below associate senior (intermediate)"),
    ("title", dict(title=None), None, "缺少职称（岗位最低副高级）", "title missing (the post needs at least associate senior)"),
    ("age", dict(birth_date="1981-03-01"), None, "年龄超过岗位上限（46 岁 > 45 岁）", "older than the post's age cap (46 > 45)"),
    ("age", dict(birth_date=None), None, "缺少出生日期（岗位年龄上限 45 岁）", "date of birth missing (the post's age cap is 45)"),
    ("party", dict(party_status="probationary_member"), None, "不是中共正式党员（预备党员）", "not a full Party member (probationary member)"),
    ("party", dict(party_status=None), None, "缺少政治面貌（岗位须为中共正式党员）", "Party status missing (the post requires a full Party member)"),
    ("party_years", dict(party_joined="2025-03-02"), None, "党龄不足（1 年 < 2 年）", "too few Party years (1 < 2)"),
    ("party_years", dict(party_joined=None), None, "缺少入党日期（岗位最低党龄 2 年）", "date joined the Party missing (the post needs 2 Party years)"),
    ("service_years", dict(work_started="2025-03-02"), None, "工龄不足（1 年 < 2 年）", "too few service years (1 < 2)"),
    ("service_years", dict(work_started=None), None, "缺少参加工作日期（岗位最低工龄 2 年）", "date started work missing (the post needs 2 service years)"),
    ("medical", dict(medical_date="2026-03-01"), None, "体检已过期（2026-03-01，有效至 2027-02-28，派出日 2027-03-01）",
     "medical check expired (2026-03-01, valid until 2027-02-28; dispatch 2027-03-01)"),
    ("medical", dict(medical_date="2027-03-02"), None, "体检晚于派出日（2027-03-02 > 2027-03-01）",
     "medical check after the dispatch date (2027-03-02 > 2027-03-01)"),
    ("medical", dict(medical_result="unfit"), None, "体检不合格（2026-03-02）", "medical check failed (2026-03-02)"),
    ("medical", dict(medical_date=None), None, "缺少体检记录（派出日 2027-03-01 须有 12 个月内的合格体检）",
     "medical check missing (a pass within 12 months is needed on 2027-03-01)"),
    ("altitude", dict(altitude_clearance="not_cleared"), None, "不宜高原（岗位海拔 4,500 米 ≥ 3000 米）",
     "not cleared for altitude (the post is at 4,500 m ≥ 3000 m)"),
    ("altitude", dict(altitude_clearance=None), None, "缺少高原适应结论（岗位海拔 4,500 米 ≥ 3000 米）",
     "altitude clearance missing (the post is at 4,500 m ≥ 3000 m)"),
    ("vetting", dict(vetting_stage="medical"), None, "选派环节未到决定（体检）", "vetting not through decided (medical)"),
    ("vetting", dict(vetting_stage=None), None, "缺少选派环节（列入方案须通过决定）", "vetting stage missing (planning needs decided passed)"),
    ("term", {}, dict(end="2027-05-31"), "派驻期短于任期规则（2027-03-01–2027-05-31，至少 6 个月）",
     "stint shorter than the term rule (2027-03-01–2027-05-31; at least 6 months)"),
    ("term", {}, dict(max_months=6), "派驻期长于任期规则（2027-03-01–2027-12-31，至多 6 个月）",
     "stint longer than the term rule (2027-03-01–2027-12-31; at most 6 months)"),
]


@pytest.mark.parametrize("criterion, person, order, zh, en", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_criterion_excludes_with_a_sentence_naming_both_values(criterion, person, order, zh, en):
    wb = workbook(person, order)
    assert eligible_pairs(wb).empty  # the one criterion excludes
    assert [c for c, _, _ in exclusions(wb, "P1", "O1")] == [criterion]
    assert why_not(wb, "P1", "O1", lang="zh") == [zh]
    assert why_not(wb, "P1", "O1", lang="en") == [en]


def test_one_rank_below_is_met_only_with_promotion_on_posting():
    assert eligible_pairs(workbook(dict(rank="deputy_division"))).empty
    assert list(eligible_pairs(workbook(dict(rank="deputy_division"), promotion=True))["person"]) == ["P1"]
    assert why_not(workbook(dict(rank="deputy_section"), promotion=True), "P1", "O1", lang="zh") == [
        "职级与岗位不符（副科，岗位为正处，可低一级提拔任用）"]
    assert eligible_pairs(workbook(dict(rank="bureau"), promotion=True)).empty  # the same rank, not a higher one


def test_the_rules_of_design_4_are_said_too():
    wb = make_wb([dict(id="P1", sector="医疗", skill="外科", level=1, available_to="2027-06-30")],
                 [dict(id="O1", skill="数学", min_level=3, role="lead")])
    assert [c for c, _, _ in exclusions(wb, "P1", "O1")] == ["sector", "skill", "level", "lead", "available"]
    zh = why_not(wb, "P1", "O1", lang="zh")
    assert zh[0] == "行业不符（医疗，岗位为教育）" and zh[2] == "能力级别低于岗位要求（1 级 < 3 级）"
    assert why_not(wb, "P1", "O1", lang="en")[4] == (
        "not available over the whole stint (available 2027-01-01–2027-06-30; stint 2027-03-01–2027-12-31)")


def test_several_criteria_are_listed_in_rule_order():
    wb = workbook(dict(title="junior", birth_date="1970-01-01", vetting_stage="vetted"))
    assert [c for c, _, _ in exclusions(wb, "P1", "O1")] == ["title", "age", "vetting"]


def test_the_plan_says_who_misses_an_unfilled_seat_by_one_criterion_alone():
    import planning

    wb = make_wb([{**FIT, "id": f"P{i}", "title": "intermediate"} for i in (1, 2, 3)]
                 + [{**FIT, "id": "P4", "birth_date": "1970-01-01", "title": "junior"}], [POST])
    wb.units.loc[wb.units["id"] == "HA", "altitude"] = 4500.0
    wb.term_rules = table("term_rules", [dict(programme="援藏", medical_months=12)])
    plan = planning.allocate(wb)
    assert plan.assignments.empty and list(plan.unfilled["reason"]) == ["criteria"]
    zh, en = plan.with_text("zh")[1]["reason_text"].iloc[0], plan.with_text("en")[1]["reason_text"].iloc[0]
    assert zh == "有可派期相符的人员，但都不符合选派条件：3 人只差职称"
    assert en.endswith(": 3 people short only of the title")
    assert "3 人只差职称" in plan.explain("O1", "zh")
    assert "职称低于副高级（中级）" in plan.explain("P1", "zh")
    assert "title below associate senior (intermediate)" in plan.explain("P1", "en")


def test_an_unfilled_seat_without_criteria_keeps_its_reason():
    import planning

    wb = make_wb([dict(id="P1", available_to="2027-06-30")], [dict(id="O1")])
    plan = planning.allocate(wb)
    assert list(plan.unfilled["reason"]) == ["no_one_free"]
    assert plan.with_text("zh")[1]["reason_text"].iloc[0] == "有相符人员，但都不能覆盖整个派驻期或已有派驻"


def test_check_plan_finds_a_placement_a_criterion_excludes():
    import planning
    from planning.allocation import check_plan

    wb = workbook()
    plan = planning.allocate(wb)
    assert list(plan.assignments["person"]) == ["P1"] and check_plan(wb, plan).empty
    older = workbook(dict(birth_date="1981-03-01"))
    assert list(check_plan(older, plan)["rule"]) == ["age"]


def test_an_assignment_of_someone_short_of_the_last_vetting_stage_is_pending():
    from planning.core.i18n import t
    from planning.programme.criteria import pending_assignments

    wb = workbook()
    wb.people = table("people", [{**__import__("builders").PERSON, **FIT, "name": "甲"},
                                 {**__import__("builders").PERSON, **FIT, "id": "P2", "name": "乙",
                                  "vetting_stage": "decided"},
                                 {**__import__("builders").PERSON, **FIT, "id": "P3", "name": "丙",
                                  "vetting_stage": None}])
    wb.assignments = table("assignments", [dict(person=p, order="O1", start="2027-03-01", end="2027-12-31",
                                                status=s) for p, s in (("P1", "planned"), ("P2", "planned"),
                                                                       ("P3", "active"))])
    assert pending_assignments(wb).tolist() == [False, True, True]
    wb.term_rules = table("term_rules", [dict(programme="援藏", last_stage="decided", medical_months=12)])
    assert pending_assignments(wb).tolist() == [False, False, True]
    wb.term_rules = wb.term_rules.iloc[0:0]
    assert pending_assignments(wb).tolist() == [False, False, False]  # no rule, no stage asked
    assert t("status.pending", "zh") == "拟派（待公示）"


def test_a_pending_assignment_is_listed_as_pending_and_the_others_keep_their_status():
    from planning.programme.criteria import shown_status

    wb = workbook()
    wb.people = table("people", [{**__import__("builders").PERSON, **FIT, "id": p, "vetting_stage": s}
                                 for p, s in (("P1", "publicised"), ("P2", "decided"), ("P3", None))])
    wb.assignments = table("assignments", [dict(person=p, order="O1", start="2027-03-01", end="2027-12-31",
                                                status=s) for p, s in (("P1", "planned"), ("P2", "planned"),
                                                                       ("P3", "active"))])
    assert shown_status(wb).tolist() == ["planned", "pending", "pending"]  # listed as 拟派（待公示）


def test_seats_alike_but_for_one_criterion_are_told_apart():
    """Seats on the same days asking different things: each answered for itself (checks are shared by kind)."""
    from planning.programme.criteria import criteria_failures
    from planning.programme.seats import order_slots

    import numpy as np

    variants = [dict(age_cap=40), dict(age_cap=45), dict(min_title="senior"), dict(post_rank="section"),
                dict(party_required=False), dict(min_party_years=3), dict(min_service_years=3),
                dict(programme=None)]
    orders = [{**POST, "id": f"O{i}", **v} for i, v in enumerate(variants)]
    wb = make_wb([{**FIT, "birth_date": "1985-01-01"}], orders)
    wb.units.loc[wb.units["id"] == "HA", "altitude"] = 1000.0
    wb.term_rules = table("term_rules", [dict(programme="援藏", medical_months=12)])
    got = set(eligible_pairs(wb)["order"])
    slots = order_slots(wb.orders)
    one = np.zeros(len(slots), dtype=np.int64)
    each = criteria_failures(wb, wb.people, slots, one, np.arange(len(slots)))
    want = {o for i, o in enumerate(slots["order"]) if not any(f[i] for f in each.values())}
    assert got == want == {"O1", "O4", "O7"}  # 42 years old: a cap of 40 excludes, 45 does not


def test_a_hand_made_people_table_without_the_criteria_columns_has_every_fact_missing():
    """Tables built by hand (tests, generators) may lack the optional columns: each fact is then missing."""
    import pandas as pd

    from planning.programme.criteria import person_facts

    f = person_facts(pd.DataFrame({"id": ["P1", "P2"]}))
    assert len(f) == 2
    for c in ("birth_date", "party_joined", "work_started", "medical_date"):
        assert f[c].isna().all() and str(f[c].dtype) == "datetime64[ns]", c
    for c in ("rank", "title", "party_status", "medical_result", "altitude_clearance", "stage"):
        assert (f[c] == -1).all(), c


def test_the_pairing_rule_names_the_senders_it_admits():
    wb = make_wb([dict(id="P1", sending_unit="U1")], [dict(id="O1")],
                 pairings=[dict(sender="C3", host="HA"), dict(sender="C2", host="HA")])
    ((criterion, key, values),) = exclusions(wb, "P1", "O1")
    assert (criterion, key, values["need"]) == ("pairing", "why_not.pairing", "派出市2、派出市3")
    (zh,) = why_not(wb, "P1", "O1", lang="zh")
    assert zh.startswith("不在独家结对的援方之下") and zh.endswith("限 派出市2、派出市3）")
    assert exclusions(make_wb([dict(id="P2", sending_unit="U2")], [dict(id="O1")],
                              pairings=[dict(sender="C2", host="HA")]), "P2", "O1") == []


def test_available_from_the_stints_first_day_to_its_last_is_available():
    """Dates are inclusive at both ends: available exactly over the stint is available."""
    wb = make_wb([dict(id="P1", available_from="2027-03-01", available_to="2027-12-31")], [dict(id="O1")])
    assert exclusions(wb, "P1", "O1") == []
    late = make_wb([dict(id="P1", available_from="2027-03-02", available_to="2027-12-31")], [dict(id="O1")])
    assert [c for c, _, _ in exclusions(late, "P1", "O1")] == ["available"]


def test_a_check_without_its_result_names_the_checks_day():
    wb = workbook(person=dict(medical_result=None))
    assert "缺少体检结论（2026-03-02）" in why_not(wb, "P1", "O1", lang="zh")
    assert "medical check result missing (2026-03-02)" in why_not(wb, "P1", "O1", lang="en")


STAGE_ORDER = ["recommended", "checked", "vetted", "medical", "decided", "publicised"]


@pytest.mark.parametrize("plan_stage", [None, *STAGE_ORDER])
@pytest.mark.parametrize("last_stage", [None, "recommended", "medical", "publicised"])
def test_people_through_the_stage_the_programme_plans_from_are_eligible(plan_stage, last_stage):
    """Design §11: a programme names the stage from which people may be planned (可拟派环节, default 决定),
    never past its last stage (default 公示). People at each stage and one without a stage, against the
    rule read plainly: through the earlier of the two, and a missing stage is through none."""
    people = [{**FIT, "id": f"P{i}", "vetting_stage": s} for i, s in enumerate([*STAGE_ORDER, None])]
    wb = make_wb(people, [POST])
    wb.units.loc[wb.units["id"] == "HA", "altitude"] = 4500.0
    wb.term_rules = table("term_rules", [dict(programme="援藏", medical_months=12, plan_stage=plan_stage,
                                              last_stage=last_stage)])
    need = min(STAGE_ORDER.index(plan_stage or "decided"), STAGE_ORDER.index(last_stage or "publicised"))
    want = {p["id"] for p in people if p["vetting_stage"] is not None
            and STAGE_ORDER.index(p["vetting_stage"]) >= need}
    assert set(eligible_pairs(wb)["person"]) == want
    assert "P6" not in want  # no stage: never through one


def test_criteria_blocked_seats_are_those_someone_could_take_but_for_the_criteria():
    """A seat is criteria-blocked when someone passes sector, skill, level, lead and availability but no one
    the selection criteria: O1 (only P1, a title short), not O2 (P2 meets it), not O3 (no one of its sector)."""
    from planning.programme.eligibility import capable_pairs, criteria_blocked
    from planning.programme.seats import order_slots

    wb = make_wb([{**FIT, "id": "P1", "title": "intermediate"}, {**FIT, "id": "P2", "skill": "物理"}],
                 [{**POST, "id": "O1", "skill": "数学"}, {**POST, "id": "O2", "skill": "物理"}, {**POST, "id": "O3", "sector": "医疗"}])
    wb.units.loc[wb.units["id"] == "HA", "altitude"] = 4500.0
    wb.term_rules = table("term_rules", [dict(programme="援藏", medical_months=12)])
    slots = order_slots(wb.orders)
    got = criteria_blocked(wb, slots)
    assert got.dtype == bool and dict(zip(slots["order"], got.tolist())) == {"O1": True, "O2": False, "O3": False}
    pairs, blocked = capable_pairs(wb, wb.people, slots, blocked=True)
    assert blocked.tolist() == got.tolist()
    assert list(pairs.columns) == ["person", "order", "slot", "exact_skill"]
    assert pairs[["person", "order", "exact_skill"]].values.tolist() == [["P2", "O2", True]]


def test_seats_alike_but_for_their_first_day_are_told_apart():
    """Age is counted on each stint's first day (design §11): a person turning 45 on 2027-04-01 meets a cap of 44 on
    a seat from 2027-03-01 and not on the same post from 2027-05-01 (checks shared by kind of seat keep the day)."""
    orders = [{**POST, "id": "O1", "age_cap": 44}, {**POST, "id": "O2", "age_cap": 44, "start": "2027-05-01"}]
    wb = make_wb([{**FIT, "birth_date": "1982-04-01", "medical_date": "2026-12-01"}], orders)
    wb.units.loc[wb.units["id"] == "HA", "altitude"] = 1000.0
    wb.term_rules = table("term_rules", [dict(programme="援藏", medical_months=12)])
    assert set(eligible_pairs(wb)["order"]) == {"O1"}
    assert [c for c, _, _ in exclusions(wb, "P1", "O2")] == ["age"]


def test_no_people_or_no_seats_make_no_pairs():
    from planning.programme.eligibility import capable_pairs
    from planning.programme.seats import order_slots

    wb = workbook()
    slots = order_slots(wb.orders)
    assert eligible_pairs(wb, people=wb.people.iloc[0:0]).empty
    assert eligible_pairs(wb, slots=slots.iloc[0:0]).empty
    assert capable_pairs(wb, wb.people.iloc[0:0], slots).empty
    from planning.programme.eligibility import criteria_blocked

    assert not criteria_blocked(wb, slots, wb.people.iloc[0:0]).any()  # no one to pass the basic rules


def test_eligible_pairs_are_those_of_the_seats_asked_about():
    wb = make_wb([FIT], [POST, {**POST, "id": "O2"}])
    wb.units.loc[wb.units["id"] == "HA", "altitude"] = 1000.0
    from planning.programme.seats import order_slots

    slots = order_slots(wb.orders)
    assert set(eligible_pairs(wb)["order"]) == {"O1", "O2"}
    assert set(eligible_pairs(wb, slots=slots[slots["order"] == "O2"])["order"]) == {"O2"}


def test_a_chinese_sentence_asked_for_says_chinese_values_whatever_the_default_language(monkeypatch):
    monkeypatch.setenv("PLANNING_LANG", "en")
    wb = workbook(dict(rank="section"))
    assert why_not(wb, "P1", "O1", lang="zh") == ["职级与岗位不符（正科，岗位为正处）"]


def test_someone_available_to_the_stints_last_day_is_free_over_it():
    """Dates are inclusive (design §4): available until the stint's last day is available over the whole stint,
    for the picker's count as for the sentences; the picker's rows name their columns as documented."""
    from planning.programme.eligibility import nearest, rule_misses
    from planning.programme.seats import order_slots

    wb = workbook(dict(available_to="2027-12-31"))
    slots = order_slots(wb.orders)
    got = rule_misses(wb, wb.people, slots, np.zeros(1, np.int64), np.zeros(1, np.int64))
    assert got.dtype == np.int64 and got.tolist() == [0] and exclusions(wb, "P1", "O1") == []
    near = nearest(wb, "P1", "O1")
    assert list(near.columns) == ["person", "order", "slot", "start", "end", "misses", "why"]
    assert near[["person", "order", "misses"]].values.tolist() == [["P1", "O1", 0]]
    assert str(near["end"].iloc[0].date()) == "2027-12-31"
