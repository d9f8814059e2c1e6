"""The checks a leader asks for, on hand-made workbooks and against plain references on generated ones."""
import pandas as pd
import pytest
import grid_reference as ref
from grid_builders import edit, load, tables
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.programme import grid
from planning.scenarios.rotation import next_batch_orders
from planning.contract import Workbook, empty_table, with_contract_types

TODAY = "2026-11-22"


def day(s):
    return pd.Timestamp(s)


def gaps(wb, on=TODAY):
    g = grid.leadership_gaps(wb, on)
    return {r.unit: (r.leaderless_from, r.leader_back if pd.notna(r.leader_back) else None, r.people,
                     r.people_until, r.last_leader if isinstance(r.last_leader, str) else None)
            for r in g.itertuples(index=False)}


# --------------------------------------------------------------------------- hand-made workbooks
def test_a_well_led_grid_raises_nothing(tmp_path):
    wb = load(tmp_path)
    assert grid.people_in_no_cell(wb, TODAY).empty
    assert grid.leaderless_today(wb, TODAY).empty
    assert grid.leadership_cliffs(wb, TODAY).empty
    assert grid.two_cells_on_post(wb, TODAY).empty
    s = grid.grid_summary(wb, TODAY)
    assert list(s.columns) == ["id", "name", "kind", "level_shown", "depth", "parent", "leaders", "named_leader",
                               "members", "people", "leader_until", "leaderless_from", "leader_back"]
    s = s.set_index("id")
    assert s.loc["W", "people"] == 5 and s.loc["G-DOC", "members"] == 2 and s.loc["G-DOC", "leaders"] == "P2"


def test_the_team_lead_seat_leads_the_unit(tmp_path):
    """No leader is named for the groups: whoever holds the team's lead seat leads them."""
    m = grid.memberships(load(tmp_path))
    led = m[m["role"].eq("leader")].set_index("unit")
    assert led.loc["G-DOC", "person"] == "P2" and led.loc["G-DOC", "via"] == "team"
    assert led.loc["W", "via"] == "named"


def test_a_person_in_no_cell(tmp_path):
    data = tables()
    data["people"].append(dict(id="P7", name="庚干部", sending_unit="U1", category="cadre", sector="党政",
                               can_lead="false", available_from="2025-01-01", available_to="2029-12-31"))
    data["assignments"].append(dict(person="P7", order="O-DZ", start="2026-09-01", end="2027-06-30",
                                    status="active"))
    out = grid.people_in_no_cell(load(tmp_path, data), TODAY)
    assert out["person"].tolist() == ["P7"] and out["host_unit"].tolist() == ["HA"]
    # outside the grid's reach nobody is missed: the work group covers the county, not the region above
    edit(data, "management_units", "W", host="HA")
    edit(data, "units", "HA", region="HC")
    assert grid.people_in_no_cell(load(tmp_path / "b", data), TODAY)["person"].tolist() == ["P7"]
    for r in data["management_units"]:
        r["host"] = "HB" if r["id"] == "G-DOC" else ""
    edit(data, "management_units", "W", host="")
    assert grid.people_in_no_cell(load(tmp_path / "c", data), TODAY).empty  # HA is no longer in reach


def test_a_person_in_two_cells_on_post(tmp_path):
    """Loading refuses two cells by name; a lead seat taken while belonging elsewhere shows on the day."""
    data = tables()
    data["assignments"] = [a for a in data["assignments"] if a["order"] != "O-EDU-L"]
    data["assignments"].append(dict(person="P3", order="O-EDU-L", start="2026-10-01", end="2027-12-31",
                                    status="active"))
    wb = load(tmp_path, data)
    two = grid.two_cells_on_post(wb, TODAY)
    assert two["person"].tolist() == ["P3"] and set(two.iloc[0]["units"].split(";")) == {"G-DOC", "G-EDU"}
    assert grid.two_cells_on_post(wb, "2026-09-15").empty  # before the seat was taken


def test_a_leaderless_cell(tmp_path):
    data = edit(tables(), "assignments", "O-DOC-L", key="order", status="done")
    wb = load(tmp_path, data)
    out = grid.leaderless_today(wb, TODAY)
    assert out["unit"].tolist() == ["G-DOC"] and out["people"].tolist() == [2]
    # a group whose team is not written down and whose leader is not named is leaderless too
    data = edit(tables(), "management_units", "G-EDU", team="")
    out = grid.leaderless_today(load(tmp_path / "b", data), TODAY)
    assert out["unit"].tolist() == ["G-EDU"] and out["people"].tolist() == [1]  # 己老师 (her cell)


def test_a_leader_leaving_before_the_members(tmp_path):
    data = edit(tables(), "assignments", "O-DOC-L", key="order", end="2027-06-30")
    wb = load(tmp_path, data)
    c = grid.leadership_cliffs(wb, TODAY)
    assert c["unit"].tolist() == ["G-DOC"]
    r = c.iloc[0]
    assert (r.leaderless_from, r.people, r.people_until, r.last_leader, r.leaves_on) == (
        day("2027-07-01"), 2, day("2027-12-31"), "P2", day("2027-06-30"))
    assert pd.isna(r.leader_back)
    # the lead seat runs on: it is the seat to staff, no new one is needed
    need = grid.lead_seats_needed(wb, on=TODAY)
    assert need[["unit", "lead_seat", "needs_seat"]].values.tolist() == [["G-DOC", "O-DOC-L", False]]


def test_the_work_group_leader_leaving(tmp_path):
    data = edit(tables(), "assignments", "O-DZ", key="order", end="2027-03-31")
    c = grid.leadership_cliffs(load(tmp_path, data), TODAY)
    assert c[["unit", "people"]].values.tolist() == [["W", 5]]  # both group leaders and three members


def test_a_rotation_that_restores_the_leader(tmp_path):
    data = edit(tables(), "assignments", "O-DOC-L", key="order", end="2027-06-30")
    data["people"].append(dict(id="P7", name="庚医生", sending_unit="U1", category="professional", sector="医疗",
                               can_lead="true", available_from="2027-01-01", available_to="2029-12-31"))
    data["assignments"].append(dict(person="P7", order="O-DOC-L", start="2027-07-01", end="2027-12-31",
                                    status="planned"))
    assert grid.leadership_cliffs(load(tmp_path, data), TODAY).empty
    data["assignments"][-1]["start"] = "2027-08-01"  # a month without a group leader
    c = grid.leadership_cliffs(load(tmp_path / "b", data), TODAY)
    assert c[["unit", "leaderless_from", "leader_back"]].values.tolist() == [
        ["G-DOC", day("2027-07-01"), day("2027-08-01")]]


def test_the_next_batch_needs_a_lead_seat(tmp_path):
    """Everyone leaves on 2027-06-30; the next batch drafts the doctors' seats. Without a lead draft the
    group would be without a leader when they arrive: a lead seat is proposed."""
    data = tables()
    for r in data["orders"] + data["assignments"]:
        r["end"] = "2027-06-30"
    wb = load(tmp_path, data)
    drafts = next_batch_orders(wb, overlap_days=0, start=TODAY)
    assert set(drafts["source_order"]) == {"O-DZ", "O-DOC-L", "O-DOC-M", "O-EDU-L", "O-EDU-M"}
    need = grid.lead_seats_needed(wb, drafts, on=TODAY).set_index("unit")
    assert not need["needs_seat"].any()  # every unit's lead seat is drafted
    assert need.loc["G-DOC", "lead_seat"] == drafts.set_index("source_order").loc["O-DOC-L", "id"]
    without = drafts[~drafts["source_order"].isin(["O-DOC-L", "O-DZ"])]
    need = grid.lead_seats_needed(wb, without, on=TODAY).set_index("unit")
    assert need.loc["G-DOC", "needs_seat"] and need.loc["G-DOC", "drafted"] == 2
    assert need.loc["G-DOC", "leaderless_from"] == day("2027-07-01")
    seats = grid.proposed_seats(need.reset_index())
    doc = seats.set_index("id").loc["G-DOC-LEAD-202707"]
    assert (doc.host_unit, doc.sector, doc.role, doc.team, doc.source_order) == ("HB", "医疗", "lead", "T-DOC",
                                                                                 "O-DOC-L")
    assert doc.end == drafts.set_index("source_order").loc["O-DOC-M", "end"]
    # the work group (its leader named, no team) is proposed a seat where its leader served
    assert seats.set_index("id").loc["W-LEAD-202707", "host_unit"] == "HA"


def test_a_grid_of_nothing():
    wb = Workbook(**{n: empty_table(n) for n in ("regions", "units", "pairings", "people", "teams", "orders",
                                                 "assignments", "mentorships", "local_staff", "indicators")})
    for f in (grid.people_in_no_cell, grid.leaderless_today, grid.leadership_cliffs, grid.two_cells_on_post):
        assert f(wb, TODAY).empty
    assert grid.lead_seats_needed(wb, on=TODAY).empty and grid.grid_summary(wb, TODAY).empty


# --------------------------------------------------------------------------- generated programmes
def frame(name, rows):
    base = empty_table(name)
    df = pd.DataFrame(list(rows), columns=list(base.columns)) if rows else base.copy()
    return with_contract_types(name, df)


D0 = pd.Timestamp(TODAY)


@st.composite
def programmes(draw):
    n_units = draw(st.integers(1, 5))
    n_people = draw(st.integers(1, 7))
    people = [f"P{k}" for k in range(n_people)]
    teams = ["T0", "T1", "T2"]
    hosts = ["HA", "HB", "HC1"]
    units = []
    for i in range(n_units):
        units.append(dict(
            id=f"M{i}", name=f"单元{i}", kind=draw(st.sampled_from(["hq", "cell", "group"])),
            parent=draw(st.sampled_from([None] + [f"M{j}" for j in range(i)])),
            leader=draw(st.sampled_from([None, None] + people)),
            team=draw(st.sampled_from([None, f"T{i}"] if i < 3 else [None])),
            host=draw(st.sampled_from([None, "HC", *hosts]))))
    ppl = [dict(id=p, name=f"人{p}", sending_unit="U1", category="professional", sector="教育", level=1,
                can_lead=True, program="planned", available_from="2025-01-01", available_to="2029-12-31",
                cell=draw(st.sampled_from([None, None] + [u["id"] for u in units]))) for p in people]
    n_orders = draw(st.integers(1, 6))
    offsets = st.integers(-40, 200)
    orders = []
    for k in range(n_orders):
        a, b = sorted([draw(offsets), draw(offsets)])
        orders.append(dict(id=f"O{k}", host_unit=draw(st.sampled_from(hosts)), sector="教育",
                           role=draw(st.sampled_from(["lead", "member"])), headcount=draw(st.integers(1, 3)),
                           start=D0 + pd.Timedelta(days=a), end=D0 + pd.Timedelta(days=b),
                           team=draw(st.sampled_from([None, *teams])), priority=3, min_level=1))
    asg = []
    for _ in range(draw(st.integers(0, 10))):
        a, b = sorted([draw(offsets), draw(offsets)])
        asg.append(dict(person=draw(st.sampled_from(people)), order=draw(st.sampled_from([o["id"] for o in orders])),
                        start=D0 + pd.Timedelta(days=a),
                        end=draw(st.sampled_from([D0 + pd.Timedelta(days=b), None])),
                        status=draw(st.sampled_from(["active", "planned", "done"]))))
    regions = [dict(id="S", name="省", level="province", side="sending"),
               dict(id="H", name="受援省", level="province", side="host"),
               dict(id="HC", name="受援县", level="county", parent="H", side="host")]
    unit_rows = [dict(id="U1", name="派出", kind="government", region="S", side="sending")] + [
        dict(id=h, name=h, kind="school", region="HC" if h != "HC1" else "H", side="host") for h in hosts]
    drafts = []
    for k in range(draw(st.integers(0, 3))):
        a, b = sorted([draw(offsets), draw(offsets)])
        drafts.append(dict(id=f"D{k}", host_unit=draw(st.sampled_from(hosts)), sector="教育",
                           role=draw(st.sampled_from(["lead", "member"])), headcount=draw(st.integers(1, 2)),
                           start=D0 + pd.Timedelta(days=a), end=D0 + pd.Timedelta(days=b),
                           team=draw(st.sampled_from([None, *teams]))))
    wb = Workbook(regions=frame("regions", regions), units=frame("units", unit_rows),
                  pairings=empty_table("pairings"), people=frame("people", ppl),
                  teams=frame("teams", [dict(id=t, host="HA", model="custom", same_source=False, lead_required=False)
                                         for t in teams]), orders=frame("orders", orders),
                  assignments=frame("assignments", asg), mentorships=empty_table("mentorships"),
                  local_staff=empty_table("local_staff"), indicators=empty_table("indicators"),
                  management_units=frame("management_units", units))
    on = D0 + pd.Timedelta(days=draw(st.integers(-10, 60)))
    return wb, drafts, on


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(programmes())
def test_people_in_no_cell_as_the_reference_reads_them(p):
    wb, _, on = p
    assert set(grid.people_in_no_cell(wb, on)["person"]) == ref.people_in_no_cell(wb, on)


@SETTINGS
@given(programmes())
def test_leadership_gaps_as_the_reference_reads_them(p):
    wb, _, on = p
    assert gaps(wb, on) == ref.gaps(wb, on)
    today = set(grid.leaderless_today(wb, on)["unit"])
    cliffs = set(grid.leadership_cliffs(wb, on)["unit"])
    assert today == {u for u, g in ref.gaps(wb, on).items() if g[0] == on}
    assert cliffs == {u for u, g in ref.gaps(wb, on).items() if g[0] > on}


@SETTINGS
@given(programmes())
def test_lead_seats_as_the_reference_reads_them(p):
    wb, drafts, on = p
    d = pd.DataFrame(drafts, columns=["id", "host_unit", "sector", "role", "headcount", "start", "end", "team"])
    out = grid.lead_seats_needed(wb, d, on=on)
    got = {r.unit: (r.leaderless_from, r.people, r.drafted, r.lead_seat if isinstance(r.lead_seat, str) else None)
           for r in out.itertuples(index=False)}
    assert got == ref.lead_seats(wb, drafts, on)
    assert (out["needs_seat"] == out["lead_seat"].isna()).all()


@SETTINGS
@given(programmes())
def test_two_cells_on_post_as_the_reference_reads_them(p):
    wb, _, on = p
    assert set(grid.two_cells_on_post(wb, on)["person"]) == ref.two_cells(wb, on)


@pytest.mark.parametrize("on", ["2026-11-22", "2027-01-01", "2027-02-15"])
def test_the_sample_agrees_with_the_reference(sample, on):
    on = pd.Timestamp(on)
    assert gaps(sample, on) == ref.gaps(sample, on)
    assert set(grid.people_in_no_cell(sample, on)["person"]) == ref.people_in_no_cell(sample, on)
