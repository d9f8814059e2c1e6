"""A pending assignment (its person short of the programme's last vetting stage, design §11) is counted as
planned, never as arrived, and listed as 拟派（待公示） wherever people are counted or listed."""
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from planning.apps.overview import landing_figures
from planning.outputs.grid_roster import roster_rows, write_grid_roster
from planning.outputs.packages import write_unit_package
from planning.outputs.reports import person_records, scenario_report
from planning.outputs.roster import roster_table
from planning.outputs.summary import figures, summary_text
from planning.programme.coverage import coverage_at
from planning.programme.criteria import pending_assignments, shown_status
from planning.programme.standing import standing

ON = "2026-11-22"
WHO = "P0402"  # a Batang doctor on post (援藏: the term rule asks for 公示)


@pytest.fixture(scope="module")
def both(sample):
    """The sample, and a copy where the doctor's vetting has only reached 决定: their stint is pending."""
    wb = sample.copy()
    people = wb.people.copy()
    people.loc[people["id"] == WHO, "vetting_stage"] = "decided"
    wb.people = people
    return sample, wb


def plain_pending(wb):
    """Plain reference: live assignments on an order whose programme's term rule names a last stage the person
    has not reached (a missing stage reaches none)."""
    stages = ["recommended", "checked", "vetted", "medical", "decided", "publicised"]
    rules = {}
    for r in wb.term_rules.to_dict("records"):
        role = r["role"] if isinstance(r["role"], str) else None
        rules.setdefault((r["programme"], role), r)
    orders = {o["id"]: o for o in wb.orders.to_dict("records")}
    person = {p["id"]: p for p in wb.people.to_dict("records")}
    out = []
    for a in wb.assignments.to_dict("records"):
        o = orders[a["order"]]
        rule = rules.get((o["programme"], o["role"])) or rules.get((o["programme"], None))
        if a["status"] not in ("active", "planned") or rule is None:
            continue
        last = rule["last_stage"] if isinstance(rule["last_stage"], str) else "publicised"
        have = person[a["person"]]["vetting_stage"]
        if not isinstance(have, str) or stages.index(have) < stages.index(last):
            out.append((a["person"], a["order"]))
    return out


def test_exactly_the_one_assignment_is_pending(both):
    sample, wb = both
    assert plain_pending(sample) == [] and not pending_assignments(sample).any()
    assert plain_pending(wb) == [(WHO, "O-BT-DOC-2")]
    a = wb.assignments
    assert a.loc[pending_assignments(wb), "person"].tolist() == [WHO]
    assert shown_status(wb)[a["person"] == WHO].tolist() == ["pending"]


def test_standing_and_the_landing_cards_count_it_as_planned_not_arrived(both):
    sample, wb = both
    before, after = standing(sample, on=ON), standing(wb, on=ON)
    assert after.on_post == before.on_post and after.filled == before.filled  # still supply
    assert (after.planned, after.pending) == (before.planned + 1, 1)
    f0, f1 = landing_figures(sample, on=ON), landing_figures(wb, on=ON)
    assert f1["arrived"] == f0["arrived"] - 1 and f1["planned"] == f0["planned"] + 1 and f1["pending"] == 1
    assert f1["on_post"] == f1["arrived"] + f1["planned"]
    # coverage counts it as supply, as it counts planned people
    assert coverage_at(wb, [pd.Timestamp(ON)])["supply"].sum() == coverage_at(sample, [pd.Timestamp(ON)])["supply"].sum()


def test_the_overview_card_says_it_is_pending(both):
    from planning.apps.overview import OverviewApp

    _, wb = both
    assert "（其中 1 人待公示）" in OverviewApp(wb=wb, lang="zh").headline()  # the page's as-of day is ON
    assert "1 pending public notice" in OverviewApp(wb=wb, lang="en").headline()


def test_summary_counts_it(both):
    sample, wb = both
    assert figures(sample, pd.Timestamp(ON))["pending"] == 0
    assert figures(wb, pd.Timestamp(ON))["pending"] == 1
    assert "其中拟派（待公示）：1 项" in summary_text(wb, lang="zh")
    assert "pending public notice: 1" in summary_text(wb, lang="en")
    assert "待公示" not in summary_text(sample, lang="zh")


def test_rosters_and_records_list_it_as_pending(both):
    sample, wb = both
    for lang, word in (("zh", "拟派（待公示）"), ("en", "proposed (pending public notice)")):
        r = roster_table(wb, lang, start=ON)
        assert r.loc[r["person"] == WHO, "status"].tolist() == [word]
        assert (r["status"] == word).sum() == 1
        p = person_records(wb, ON, "2027-10", lang).set_index("person")
        assert p.loc[WHO, "status"] == word and (p["status"] == word).sum() == 1
    r = roster_table(sample, "zh", start=ON)
    assert not (r["status"] == "拟派（待公示）").any()


def test_the_report_cover_states_it(both, tmp_path):
    _, wb = both
    book = load_workbook(scenario_report(wb, tmp_path / "r.xlsx", lang="zh"))  # as of today: ON
    cover = book["概况"]
    cells = [(r[0].value, r[1].value) for r in cover.iter_rows(min_col=1, max_col=2)]
    assert any(isinstance(k, str) and k.startswith("其中拟派（待公示）") and v == 1 for k, v in cells), cells


def test_the_grid_roster_marks_it(both):
    sample, wb = both
    rows = roster_rows(wb, on=ON)
    assert rows.loc[rows["pending"], "person"].unique().tolist() == [WHO]
    assert not roster_rows(sample, on=ON)["pending"].any()
    buf = io.BytesIO()
    write_grid_roster(wb, buf, on=ON, lang="zh")
    names = [c.value for row in load_workbook(buf)["医生组"].iter_rows() for c in row if isinstance(c.value, str)]
    assert sum("（拟派（待公示））" in v for v in names) == 1


def test_the_unit_package_lists_it(both, tmp_path):
    _, wb = both
    path = write_unit_package(wb, "H-BT-YY", tmp_path / "pkg.xlsx", lang="zh")
    book = load_workbook(path)
    cells = [c.value for row in book[book.sheetnames[0]].iter_rows() for c in row]
    assert cells.count("拟派（待公示）") == 1


def test_a_decided_person_may_be_planned_and_is_pending_until_publicised(sample):
    """决定 is enough to be planned (the default 可拟派环节); the plan's assignment is pending until 公示.
    A person at 体检 is not planned; a programme stating 可拟派环节 = 公示 plans only people through it."""
    from planning.programme.eligibility import why_not

    wb = sample.copy()
    a = wb.assignments[wb.assignments["person"].eq(WHO)].iloc[0]
    order = a["order"]
    people = wb.people.copy()
    people.loc[people["id"] == WHO, "vetting_stage"] = "decided"
    wb.people = people
    assert why_not(wb, WHO, order, start=a["start"]) == []  # eligible for the seat it holds
    people.loc[people["id"] == WHO, "vetting_stage"] = "medical"
    wb.people = people
    assert any("决定" in s for s in why_not(wb, WHO, order, start=a["start"], lang="zh"))
    people.loc[people["id"] == WHO, "vetting_stage"] = "decided"
    wb.people = people
    rules = wb.term_rules.copy()
    rules["plan_stage"] = "publicised"
    wb.term_rules = rules
    assert any("公示" in s for s in why_not(wb, WHO, order, start=a["start"], lang="zh"))


def test_the_plan_proposes_a_decided_person_as_pending(sample):
    """Freed from their post and at 决定, the doctor is planned again by allocate, and the plan's
    assignment is counted pending (拟派（待公示）)."""
    import planning

    wb = sample.copy()
    people = wb.people.copy()
    people.loc[people["id"] == WHO, "vetting_stage"] = "decided"
    wb.people = people
    mine = wb.assignments["person"].eq(WHO)
    order = wb.assignments.loc[mine, "order"].iloc[0]
    wb.assignments = wb.assignments[~mine].reset_index(drop=True)
    plan = planning.allocate(wb, people=[WHO], time_limit=60)
    new = plan.workbook.assignments
    got = new[new["person"].eq(WHO)]
    assert len(got) == 1 and got["order"].iloc[0] == order
    assert bool(pending_assignments(plan.workbook)[got.index].all())
