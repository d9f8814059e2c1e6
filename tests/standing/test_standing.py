"""The standing of a programme (planning.programme.standing) against a plain reference, and its identities."""
import datetime as dt
import sys
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import csv_workbook  # noqa: E402
from standing_programmes import as_of_days, staffed_programmes  # noqa: E402
from standing_reference import plain_checkpoints, reference_standing  # noqa: E402

from planning.programme.standing import checkpoints, standing  # noqa: E402


def load(tables):
    with tempfile.TemporaryDirectory() as d:
        return csv_workbook(Path(d), tables)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables=staffed_programmes(), day=as_of_days(), horizon=st.integers(0, 14))
def test_standing_matches_reference(tables, day, horizon):
    wb = load(tables)
    s = standing(wb, on=day, horizon=horizon)
    ref = reference_standing(wb, day, horizon)
    assert [d.date() for d in s.points["day"]] == plain_checkpoints(day, horizon)
    for got, want in zip(s.points.to_dict("records"), ref["points"]):
        for k in ("demand", "supply", "filled", "gap", "surplus", "leaving", "arriving"):
            assert int(got[k]) == want[k], (k, got["day"], got, want)
        # the band of the day's ratio: green from 80 %, amber from 50 %, red below, none without demand
        r = want["filled"] / want["demand"] if want["demand"] else None
        assert got["band"] == ("none" if r is None else "green" if r >= 0.8 else "amber" if r >= 0.5 else "red")
    # units: every host unit × sector with a gap on the day or at a later checkpoint, its gap now and its peak
    want_now, want_peak = {}, {}
    for (u, sec, p_), (d, sup) in ref["cells"].items():
        g = d - min(d, sup)
        want_peak[(u, sec)] = max(want_peak.get((u, sec), 0), g)
        if p_ == day:
            want_now[(u, sec)] = g
    want_units = {k for k, v in want_peak.items() if v > 0}
    got_units = {(r.host_unit, r.sector): (r.gap, r.peak_gap) for r in s.units.itertuples()}
    assert set(got_units) == want_units
    assert all(got_units[k] == (want_now.get(k, 0), want_peak[k]) for k in want_units)
    # the worst checkpoint: the lowest filled / demand, the earliest of equals (days without demand never)
    rated = [(r["filled"] / r["demand"], i) for i, r in enumerate(ref["points"]) if r["demand"]]
    if rated:
        assert s.worst["day"].date() == ref["points"][min(rated)[1]]["day"]
    # on post moves by the leavers and arrivals between checkpoints (counted separately, so this can fail)
    p = s.points
    assert (p["supply"].iloc[1:].to_numpy() == (p["supply"].shift(1) - p["leaving"] + p["arriving"]).iloc[1:]
            .to_numpy()).all()
    # the unit table adds up to the totals on the day (units without a gap now or later are left out)
    assert int(s.units["gap"].sum()) == s.gap
    # the headline's worst checkpoint is the lowest ratio, never better than today
    if s.demand:
        assert s.worst["ratio"] <= s.ratio
    assert all(s.worst["ratio"] <= r for r in p["ratio"].dropna()) if p["ratio"].notna().any() else True
    # every cliff has people leaving and a gap larger than the checkpoint before
    for c in s.cliffs.itertuples():
        i = int((p["day"] == c.day).to_numpy().nonzero()[0][0])
        assert c.leaving > 0 and p["gap"].iloc[i] > p["gap"].iloc[i - 1]
    # the senders' gaps now add up to the units' gaps that someone answers for
    answered = int(s.units.loc[s.units["sender"].ne(""), "gap"].sum())
    assert int(s.senders.loc[s.senders["sender"].ne(""), "gap"].sum()) == answered
    # every figure of a unit row, its peak on the earliest checkpoint of its largest gap
    gaps = {k: d - min(d, sup) for k, (d, sup) in ref["cells"].items()}
    for r in s.units.itertuples():
        d, sup = ref["cells"].get((r.host_unit, r.sector, day), (0, 0))
        assert (r.demand, r.supply, r.filled, r.surplus) == (d, sup, min(d, sup), sup - min(d, sup))
        assert r.ratio == min(d, sup) / d if d else pd.isna(r.ratio)
        peak_days = [q for (u, sec, q), g in gaps.items() if (u, sec) == (r.host_unit, r.sector) and g == r.peak_gap]
        assert r.peak_day.date() == min(peak_days) if r.peak_gap > 0 else pd.isna(r.peak_day)
    # per sender (of the unit rows): the gap now, and the earliest checkpoint of the largest summed gap
    sender_gaps: dict = {}
    for r in s.units.itertuples():
        for (u, sec, q), g in gaps.items():
            if (u, sec) == (r.host_unit, r.sector):
                sender_gaps.setdefault(r.sender, {}).setdefault(q, 0)
                sender_gaps[r.sender][q] += g
    assert set(s.senders["sender"]) == set(sender_gaps)
    for r in s.senders.itertuples():
        by_day = sender_gaps[r.sender]
        assert r.gap == by_day.get(day, 0) and r.peak_gap == max(by_day.values())
        assert r.peak_day.date() == min(q for q, g in by_day.items() if g == r.peak_gap)
        assert r.units == len({u.host_unit for u in s.units.itertuples() if u.sender == r.sender})


def test_checkpoints_from_a_month_end():
    assert checkpoints("2027-01-31", 2).strftime("%Y-%m-%d").tolist() == ["2027-01-31", "2027-02-01", "2027-03-01"]


def test_sample_standing_counts_today_only(sample):
    """On the sample, on post today is the number of assignments whose dates cover today."""
    day = pd.Timestamp("2026-11-22")
    s = standing(sample, on=day)
    a = sample.assignments
    assert s.on_post == int(((a["start"] <= day) & (a["end"] >= day)).sum())
    assert s.unpaired == ["H-104-XX"]
    # the next cliff is a checkpoint of the points table, and the first row of the cliffs table
    assert s.next_cliff is not None and s.next_cliff["day"] == s.cliffs["day"].iloc[0]


def test_hand_made_cliff(tmp_path):
    """Two teachers leave at the end of January: February's first day shows the cliff."""
    tables = {
        "regions": "id,name,level,parent,side\nS,山东省,province,,sending\nSC,济南市,city,S,sending\n"
                   "H,喀什地区,prefecture,,host\nHC,疏勒县,county,H,host\n",
        "units": "id,name,kind,region,side\nSU,济南一中,school,SC,sending\nHU,疏勒县第一中学,school,HC,host\n",
        "pairings": "sender,host,sector,scope,start,end\nSC,H,,exclusive,,\n",
        "people": "id,name,sending_unit,category,sector,level,can_lead,available_from,available_to\n"
                  "P1,甲,SU,professional,教育,2,true,2026-01-01,2029-12-31\n"
                  "P2,乙,SU,professional,教育,2,false,2026-01-01,2029-12-31\n"
                  "P3,丙,SU,professional,教育,2,false,2026-01-01,2029-12-31\n",
        "orders": "id,host_unit,sector,role,headcount,start,end\nO1,HU,教育,member,3,2026-09-01,2027-08-31\n",
        "assignments": "person,order,start,end,status\nP1,O1,2026-09-01,2027-01-31,active\n"
                       "P2,O1,2026-09-01,2027-01-31,active\nP3,O1,2026-12-10,2027-08-31,planned\n",
    }
    wb = csv_workbook(tmp_path, tables)
    s = standing(wb, on="2026-11-22", horizon=3)
    assert (s.on_post, s.filled, s.gap, s.planned) == (2, 2, 1, 0)
    assert s.points["supply"].tolist() == [2, 2, 3, 1]
    assert s.points["leaving"].tolist() == [0, 0, 0, 2] and s.points["arriving"].tolist() == [0, 0, 1, 0]
    assert s.next_cliff["day"] == pd.Timestamp("2027-02-01") and s.next_cliff["gap"] == 2
    assert s.worst["day"] == pd.Timestamp("2027-02-01")
    assert s.senders["sender"].tolist() == ["SC"] and s.senders["peak_gap"].tolist() == [2]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tables=staffed_programmes())
def test_vacancies_match_a_day_by_day_count(tables):
    """Empty seats per order and day, counted day by day over dict rows, equal the vacancy periods."""
    from planning.scenarios.rotation import vacancies
    from standing_reference import rows, slots_of_order

    wb = load(tables)
    orders = rows(wb.orders)
    assignments = rows(wb.assignments)
    want = {}
    for o in orders:
        for _, s, e in slots_of_order(o):
            d = s
            while d <= e:
                want[(o["id"], d)] = want.get((o["id"], d), 0) + int(o["headcount"])
                d += dt.timedelta(days=1)
    for a in assignments:
        d = a["start"]
        while d <= a["end"]:
            want[(a["order"], d)] = want.get((a["order"], d), 0) - 1
            d += dt.timedelta(days=1)
    want = {k: v for k, v in want.items() if v > 0}
    got = {}
    for v in vacancies(wb).itertuples():
        d = v.start.date()
        while d <= v.end.date():
            assert (v.order, d) not in got
            got[(v.order, d)] = v.seats
            d += dt.timedelta(days=1)
    assert got == want
