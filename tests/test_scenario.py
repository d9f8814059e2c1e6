"""What-if changes and comparisons, pinned on small hand-made workbooks and on the sample."""
import pandas as pd
import pytest

import planning
from planning.scenarios.what_if import (ScenarioError, add_flexible_batch, apply, change_orders, change_senders,
                               change_terms, compare, describe)
from allocation.builders import make_wb

ON_POST = dict(available_from="2026-01-01", available_to="2029-12-31")


def unchanged(before, after_call):
    """Run ``after_call`` and check it left ``before`` as it was."""
    snap = before.copy()
    out = after_call()
    assert before.equals(snap)
    return out


def reloads(wb, tmp_path):
    """The changed workbook is still a valid one: it saves and loads back equal."""
    path = planning.save_workbook(wb, tmp_path / "changed")
    assert planning.load_workbook(path).equals(wb)


# --------------------------------------------------------------------------- #
# senders
# --------------------------------------------------------------------------- #
def test_fewer_senders_withdraws_people_not_yet_on_post(tmp_path):
    people = [dict(id="A1", **ON_POST), dict(id="A2", **ON_POST), dict(id="A3", **ON_POST),
              dict(id="B1", sending_unit="U2", **ON_POST)]
    asg = [dict(person="A1", order="O1", start="2026-09-01", end="2027-12-31", status="active"),
           dict(person="A2", order="O2", start="2027-03-01", end="2027-12-31", status="planned")]
    orders = [dict(id="O1", start="2026-09-01"), dict(id="O2")]
    wb = make_wb(people, orders, assignments=asg)
    b = unchanged(wb, lambda: change_senders(wb, "C1", "教育", -1))
    assert set(b.people.id) == {"A1", "A2", "B1"}  # A3 was idle: the latest to start goes first
    b = change_senders(wb, "C1", "教育", -2)
    assert set(b.people.id) == {"A1", "B1"} and list(b.assignments.person) == ["A1"]  # A2's seat opens
    with pytest.raises(ScenarioError, match="only 2"):
        change_senders(wb, "C1", "教育", -3, lang="en")  # A1 is on post
    with pytest.raises(ScenarioError, match="C9"):
        change_senders(wb, "C9", "教育", 1, lang="en")
    c = compare(wb, b, "2027-03", "2027-03")
    assert c.totals["supply_change"] == -1 and c.totals["gap_change"] == 1
    assert c.people.set_index("person").loc["A2", "change"] == "removed"
    reloads(b, tmp_path)


def test_more_senders_join_the_pool_and_fill_seats(tmp_path):
    wb = make_wb([dict(id="A1", level=3, **ON_POST)], [dict(id="O1", headcount=3)])
    b = unchanged(wb, lambda: change_senders(wb, "C1", "教育", 2))
    new = b.people.iloc[1:]
    assert len(new) == 2 and set(new.sending_unit) == {"U1"} and set(new.level) == {3}
    assert new.id.is_unique and not new.id.isin(wb.people.id).any()
    plan = planning.allocate(b)
    assert len(plan.assignments) == 3
    reloads(b, tmp_path)
    assert change_senders(wb, "C1", "教育", 0).equals(wb)
    with pytest.raises(ScenarioError):
        change_senders(wb, "C2", "教育", 1)  # nobody of that city to model on


# --------------------------------------------------------------------------- #
# terms
# --------------------------------------------------------------------------- #
def batch_wb():
    people = [dict(id=f"P{i}", available_from="2026-01-01", available_to="2027-12-31") for i in (1, 2, 3)]
    orders = [dict(id="O1", start="2026-03-01", end="2027-02-28"), dict(id="O2", start="2026-03-01", end="2027-12-31"),
              dict(id="O3", start="2027-03-01", end="2027-12-31")]
    asg = [dict(person="P1", order="O1", start="2026-03-01", end="2027-02-28"),
           dict(person="P2", order="O2", start="2026-03-01", end="2027-02-28"),
           dict(person="P3", order="O3", start="2027-03-01", end="2027-12-31", status="planned")]
    return make_wb(people, orders, assignments=asg)


def test_longer_terms_keep_the_posts_open(tmp_path):
    wb = batch_wb()
    b = unchanged(wb, lambda: change_terms(wb, "planned:2026-03", 6))
    ends = dict(zip(b.assignments.person, b.assignments.end.dt.strftime("%Y-%m-%d")))
    assert ends == {"P1": "2027-08-31", "P2": "2027-08-31", "P3": "2027-12-31"}
    o = b.orders.set_index("id").end.dt.strftime("%Y-%m-%d")
    assert o["O1"] == "2027-08-31" and o["O2"] == "2027-12-31"  # O1 ended with the batch; O2 already ran longer
    assert b.people.set_index("id").loc["P1", "available_to"] >= pd.Timestamp("2027-08-31")
    c = compare(wb, b, "2027-05", "2027-05")
    assert c.totals["supply_change"] == 2 and c.totals["gap_change"] == -1  # O2 covered again; O1 new demand met
    reloads(b, tmp_path)


def test_shorter_terms_open_gaps_and_bad_terms_are_refused():
    wb = batch_wb()
    b = change_terms(wb, "planned:2026-03", -3)
    assert b.assignments.set_index("person").end.dt.strftime("%Y-%m-%d")["P1"] == "2026-11-30"
    c = compare(wb, b, "2026-12", "2027-02")
    assert c.totals["gap_change"] == 6 and c.totals["demand_change"] == 0
    cut = change_terms(wb, "planned:2026-03", -13)  # cut terms end today at the earliest
    assert set(cut.assignments.end[:2].dt.strftime("%Y-%m-%d")) == {"2026-11-22"}
    with pytest.raises(ScenarioError, match="no term"):
        change_terms(wb, "planned:2027-03", -10, lang="en")  # P3 starts in March 2027
    with pytest.raises(ScenarioError, match="batch"):
        change_terms(wb, "planned:1999-01", 1, lang="en")
    wb2 = batch_wb()
    wb2.assignments.loc[2, "person"] = "P1"  # P1 goes on to O3 in March 2027
    with pytest.raises(ScenarioError, match="P1"):
        change_terms(wb2, "planned:2026-03", 2)


# --------------------------------------------------------------------------- #
# flexible batch and orders
# --------------------------------------------------------------------------- #
def test_flexible_batch_fills_rotation_slots(tmp_path):
    orders = [dict(id="R", start="2027-03-01", end="2027-08-31", rotation_months=3)]
    wb = make_wb([], orders)
    b = unchanged(wb, lambda: add_flexible_batch(wb, "C2", "教育", 2, "2027-03-01", months=3))
    new = b.people
    assert list(new.program) == ["flexible"] * 2 and set(new.sending_unit) == {"U2"}
    assert set(new.available_to.dt.strftime("%Y-%m-%d")) == {"2027-05-31"}
    plan = planning.allocate(b)
    assert len(plan.assignments) == 1 and plan.assignments.end.iloc[0] == pd.Timestamp("2027-05-31")
    reloads(b, tmp_path)
    for bad in (dict(n=0), dict(start="not a date")):
        with pytest.raises(ScenarioError):
            add_flexible_batch(wb, "C2", "教育", **{"n": 1, "start": "2027-03-01", **bad})


def test_orders_change(tmp_path):
    wb = make_wb([dict(id="A1", **ON_POST)], [dict(id="O1"), dict(id="O2", host_unit="HB"),
                                              dict(id="O3", sector="医疗")])
    b = unchanged(wb, lambda: change_orders(wb, "HA", sector="教育", headcount=2, end="2028-06-30"))
    o = b.orders.set_index("id")
    assert o.loc["O1", "headcount"] == 3 and o.loc["O3", "headcount"] == 1 and o.loc["O2", "headcount"] == 1
    assert o.loc["O1", "end"] == pd.Timestamp("2028-06-30")
    assert compare(wb, b, "2027-06", "2027-06").totals["demand_change"] == 2
    reloads(b, tmp_path)
    with pytest.raises(ScenarioError, match="O1"):
        change_orders(wb, "HA", headcount=-1)
    with pytest.raises(ScenarioError):
        change_orders(wb, "HC1")  # no orders there
    with pytest.raises(ScenarioError):
        change_orders(wb, "HA", end="2020-01-01")


# --------------------------------------------------------------------------- #
# changes as data, compare on the sample
# --------------------------------------------------------------------------- #
def plain_cells(wb, months) -> pd.DataFrame:
    """Demand (headcount of the orders running) and supply (people on them) per host unit × sector × month,
    counted one order and one assignment at a time: the reference :func:`compare` is checked against."""
    host = wb.orders.set_index("id")
    rows = []
    for m in months:
        lo, hi = m.start_time, m.end_time.normalize()
        for o in wb.orders.itertuples():
            if o.start <= hi and o.end >= lo:
                rows.append((o.host_unit, o.sector, str(m), o.headcount, 0))
        for a in wb.assignments.itertuples():
            if a.status in ("active", "planned") and a.start <= hi and a.end >= lo:
                rows.append((host.at[a.order, "host_unit"], host.at[a.order, "sector"], str(m), 0, 1))
    cells = pd.DataFrame(rows, columns=["host_unit", "sector", "month", "demand", "supply"])
    return cells.groupby(["host_unit", "sector", "month"]).sum()


def test_changes_as_data_on_the_sample(sample, tmp_path):
    changes = [{"kind": "senders", "city": "SD-JN", "sector": "教育", "delta": -2},
               {"kind": "terms", "batch": "planned:2026-02", "months": 6},
               {"kind": "flexible", "city": "SD-JN", "sector": "教育", "n": 3, "start": "2027-03-01"},
               {"kind": "orders", "host_unit": "H-SCH01", "headcount": 1}]
    b = unchanged(sample, lambda: apply(sample, changes))
    reloads(b, tmp_path)
    # each of the four changes took effect
    region = sample.units.set_index("id")["region"]
    a_people, b_people = sample.people.set_index("id"), b.people.set_index("id")
    gone, new = a_people.index.difference(b_people.index), b_people.index.difference(a_people.index)
    posted = set(sample.assignments.loc[sample.assignments.status.isin(["active", "done"]), "person"])
    assert len(gone) == 2 and not set(gone) & posted and not b.assignments.person.isin(gone).any()
    assert set(a_people.loc[gone, "sending_unit"].map(region)) == {"SD-JN"}
    assert set(a_people.loc[gone, "sector"]) == {"教育"}
    assert len(new) == 3 and set(b_people.loc[new, "program"]) == {"flexible"}
    assert set(b_people.loc[new, "sending_unit"].map(region)) == {"SD-JN"}
    assert set(b_people.loc[new, "sector"]) == {"教育"}
    assert set(b_people.loc[new, "available_from"]) == {pd.Timestamp("2027-03-01")}
    ao, bo = sample.orders.set_index("id"), b.orders.set_index("id")
    at_school = ao.host_unit.eq("H-SCH01")
    assert at_school.any() and (bo.headcount[at_school] == ao.headcount[at_school] + 1).all()
    assert (bo.headcount[~at_school] == ao.headcount[~at_school]).all()
    program = sample.people.set_index("id")["program"]
    kept = sample.assignments[~sample.assignments.person.isin(gone)]
    moved = kept.merge(b.assignments, on=["person", "order", "start"], suffixes=("", "_b"), how="left")
    batch = (moved.person.map(program).eq("planned") & moved.start.dt.to_period("M").eq(pd.Period("2026-02", "M")))
    assert batch.sum() > 0 and moved.end_b.notna().all()
    later = moved.end.map(lambda d: d + pd.Timedelta(days=1) + pd.DateOffset(months=6) - pd.Timedelta(days=1))
    # a term moves by exactly six months or not at all; every term of the batch's month still running moves
    assert (moved.end_b.eq(later) | moved.end_b.eq(moved.end)).all()
    from planning.core.clock import today

    running = batch & moved.end.ge(today())  # terms already over are history and stay
    assert running.sum() > 0 and (moved.end_b[running] == later[running]).all()
    for c in changes:
        assert describe(c, sample, "zh") and describe(c, sample, "en") != describe(c, sample, "zh")
    assert describe(changes[0], sample, "zh") == "济南市少派 2 名教育人员"
    with pytest.raises(ScenarioError, match="kind"):
        apply(sample, [{"kind": "weather"}], lang="en")
    with pytest.raises(ScenarioError, match="arguments"):
        apply(sample, [{"kind": "orders", "unit": "H-SCH01"}], lang="en")
    plan = planning.allocate(b, window=("2027-03-01", "2027-12-31"))
    c = compare(sample, plan.workbook, "2027-01", "2027-12")
    cov = c.coverage
    # the comparison against cells counted one order and one assignment at a time, on either side
    months = pd.period_range("2027-01", "2027-12", freq="M")
    ref = plain_cells(sample, months).join(plain_cells(plan.workbook, months), how="outer", lsuffix="_a",
                                           rsuffix="_b").fillna(0).astype(int)
    got = cov.assign(month=pd.to_datetime(cov.month).dt.to_period("M").astype(str)).set_index(
        ["host_unit", "sector", "month"])
    assert set(got.index) == set(ref.index)
    ref = ref.reindex(got.index)
    for v in ("demand", "supply"):
        assert (got[f"{v}_a"] == ref[f"{v}_a"]).all() and (got[f"{v}_b"] == ref[f"{v}_b"]).all()
        assert (got[f"{v}_change"] == ref[f"{v}_b"] - ref[f"{v}_a"]).all()
        assert c.totals[f"{v}_change"] == int(ref[f"{v}_b"].sum() - ref[f"{v}_a"].sum())
    school = got.xs("H-SCH01", level="host_unit")
    assert (school.demand_change >= at_school.sum()).any()  # the school's extra seats are in the difference
    assert c.totals["added"] > 0 and set(c.people.change) <= {"moved", "added", "removed"}
    # a unit × sector × month present on one side only still appears, with zeros on the other
    assert cov.duplicated(["host_unit", "sector", "month"]).sum() == 0
