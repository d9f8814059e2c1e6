"""Results, rollups and the staffing overlay against the plain reference, on generated programmes."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planning.contract import Workbook, empty_table, validate_workbook
from planning.programme import results as R
from tests.results.results_reference import (reference_behind_and_short, reference_results, reference_rollup,
                                             reference_staffing)

REGIONS = [
    dict(id="P1", name="甲地区", level="prefecture", parent=None, side="host"),
    dict(id="C1", name="甲县", level="county", parent="P1", side="host"),
    dict(id="C2", name="乙县", level="county", parent="P1", side="host"),
    dict(id="P2", name="乙地区", level="prefecture", parent=None, side="host"),
    dict(id="C3", name="丙县", level="county", parent="P2", side="host"),
    dict(id="S", name="派出省", level="province", parent=None, side="sending"),
    dict(id="S1", name="一市", level="city", parent="S", side="sending"),
    dict(id="S2", name="二市", level="city", parent="S", side="sending"),
]
SECTORS = ("教育", "医疗")
DEFS = [
    dict(id="JOBS", name="新增就业", measure="人", direction="higher", aggregation="sum", subject="host_unit",
         sector="教育"),
    dict(id="WAIT", name="候诊天数", measure="天", direction="lower", aggregation="sum", subject="host_unit",
         sector="医疗"),
    dict(id="PASS", name="上线人数", measure="人", direction="higher", aggregation="sum", subject="host_unit",
         sector="教育"),
    dict(id="CAND", name="参考人数", measure="人", direction="higher", aggregation="sum", subject="host_unit",
         sector="教育"),
    dict(id="RATE", name="上线率", measure="%", direction="higher", aggregation="ratio", numerator="PASS",
         denominator="CAND", subject="host_unit", sector="教育"),
    dict(id="SAT", name="满意度", measure="分", direction="higher", aggregation="mean", subject="host_unit",
         sector="医疗"),
    dict(id="TSC", name="组团得分", measure="分", direction="higher", aggregation="mean", subject="team",
         sector="医疗"),
    dict(id="PSC", name="个人得分", measure="分", direction="higher", aggregation="mean", subject="person",
         sector="医疗"),
]
PERIODS = ("2026", "2026-03", "2026-06", "2026-11")
DAY0 = dt.date(2026, 1, 1)


def day(n: int) -> str:
    return (DAY0 + dt.timedelta(days=n)).isoformat()


@st.composite
def programmes(draw):
    n_units = draw(st.integers(2, 4))
    units = [dict(id="SU1", name="一市单位", kind="government", region="S1", side="sending"),
             dict(id="SU2", name="二市单位", kind="government", region="S2", side="sending")]
    for k in range(n_units):
        units.append(dict(id=f"U{k}", name=f"受援单位{k}", kind="school", region=draw(st.sampled_from(["C1", "C2", "C3"])),
                          side="host"))
    hosts = [u["id"] for u in units if u["side"] == "host"]
    pairings = []
    for sender in ("S1", "S2"):
        for _ in range(draw(st.integers(0, 2))):
            pairings.append(dict(sender=sender, host=draw(st.sampled_from(hosts + ["C1", "C2", "C3", "P1"])),
                                 sector=draw(st.sampled_from([None, *SECTORS])),
                                 scope=draw(st.sampled_from(["exclusive", "preferred"])),
                                 start=day(draw(st.integers(0, 200))), end=None))
    people = [dict(id=f"X{k}", name=f"人{k}", sending_unit=draw(st.sampled_from(["SU1", "SU2"])), category="professional",
                   sector=draw(st.sampled_from(SECTORS)), available_from="2025-01-01", available_to="2029-12-31")
              for k in range(draw(st.integers(1, 6)))]
    teams, orders, assignments = [], [], []
    for k, u in enumerate(hosts):
        mine = [f"T{k}{j}" for j in range(draw(st.sampled_from([0, 1, 1, 2])))]  # two: the unit has no one team
        teams += [dict(id=t, host=u) for t in mine]
        for j in range(draw(st.integers(0, 2))):
            s = draw(st.integers(0, 330))
            e = s + draw(st.integers(0, 200))
            orders.append(dict(id=f"O{k}{j}", host_unit=u, sector=draw(st.sampled_from(SECTORS)),
                               headcount=draw(st.integers(1, 3)), start=day(s), end=day(e),
                               rotation_months=draw(st.sampled_from([None, None, 2, 3])),
                               team=draw(st.sampled_from([None, *mine]))))
    for o in orders:
        for _ in range(draw(st.integers(0, 3))):
            s = draw(st.integers(0, 364))
            e = s + draw(st.integers(0, 200))
            assignments.append(dict(person=draw(st.sampled_from(people))["id"], order=o["id"], start=day(s), end=day(e),
                                    status="active"))
    figure = st.one_of(st.none(), st.integers(0, 40).map(float))
    vals = []
    for d in DEFS:
        subjects = {"team": [t["id"] for t in teams], "person": [x["id"] for x in people]}.get(d["subject"], hosts)
        for s in subjects:
            for p in PERIODS:
                if d["id"] == "RATE" or not draw(st.booleans()):
                    continue
                vals.append(dict(subject=s, indicator=d["id"], period=p, baseline=draw(figure),
                                 target=draw(figure), actual=draw(figure)))
    # a ratio's parts come together, its own value sometimes given
    vals = [v for v in vals if v["indicator"] not in ("PASS", "CAND")]
    for s in hosts:
        for p in PERIODS:
            if draw(st.booleans()):
                cand = [draw(st.integers(1, 50)) for _ in range(3)]
                vals.append(dict(subject=s, indicator="CAND", period=p, baseline=cand[0], target=cand[1], actual=cand[2]))
                vals.append(dict(subject=s, indicator="PASS", period=p, baseline=draw(st.integers(0, cand[0])),
                                 target=draw(st.integers(0, cand[1])), actual=draw(st.integers(0, cand[2]))))
                if draw(st.integers(0, 3)) == 0:
                    vals.append(dict(subject=s, indicator="RATE", period=p, baseline=0.2, target=0.5, actual=0.3))
    tables = dict(regions=REGIONS, units=units, pairings=pairings, people=people, teams=teams, orders=orders,
                  assignments=assignments, indicator_definitions=DEFS, indicator_values=vals)
    frames = {}
    for name in Workbook.__dataclass_fields__:
        if name in ("source", "notes"):
            continue
        base = empty_table(name)
        rows_ = tables.get(name, [])
        frames[name] = pd.DataFrame(rows_, columns=list(base.columns)).astype(object) if rows_ else base
    wb = validate_workbook(Workbook(**frames), "generated")
    on = DAY0 + dt.timedelta(days=draw(st.integers(-10, 380)))
    return wb, on


def close(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and not (isinstance(b, float) and math.isnan(b)) and math.isclose(a, b, rel_tol=1e-9,
                                                                                             abs_tol=1e-12)


def plain(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(programmes())
def test_progress_matches_the_reference(case):
    wb, on = case
    got = R.results(wb, on=on)
    want = reference_results(wb, on)
    assert len(got) == len(want)
    for r in got.to_dict("records"):
        w = want[r["subject"], r["indicator"], r["period"]]
        for k in ("baseline", "target", "actual", "progress", "expected"):
            assert close(plain(w[k]), plain(r[k])), (k, r, w)
        assert r["status"] == w["status"] and bool(r["reached"]) == w["reached"], (r, w)


@SETTINGS
@given(programmes(), st.sampled_from(["county", "prefecture", "sector", "sender", "team"]))
def test_rollups_match_the_reference(case, by):
    wb, on = case
    res = R.results(wb, on=on)
    got = R.rollup(wb, res, by, on=on)
    if by in ("county", "prefecture"):  # the reference places host-unit indicators only
        got = got[got["indicator"].isin([d["id"] for d in DEFS if d["subject"] == "host_unit"])]
    want = reference_rollup(wb, by, on)
    assert {(r["group"], r["indicator"], r["period"]) for r in got.to_dict("records")} == set(want)
    for r in got.to_dict("records"):
        w = want[r["group"], r["indicator"], r["period"]]
        for k in ("baseline", "target", "actual", "progress", "expected"):
            assert close(plain(w[k]), plain(r[k])), (by, k, r, w)
        assert r["status"] == w["status"], (r, w)


@SETTINGS
@given(programmes())
def test_staffing_and_the_places_behind_and_short_match_the_reference(case):
    wb, on = case
    got = R.staffing(wb, list(R.results(wb, on=on)["period"].unique()) or ["2026"])
    periods = sorted(set(got["period"])) if len(got) else []
    want = reference_staffing(wb, sorted(set(R.results(wb, on=on)["period"])) or ["2026"])
    assert {(r["host_unit"], r["sector"], r["period"]) for r in got.to_dict("records")} == set(want), periods
    for r in got.to_dict("records"):
        w = want[r["host_unit"], r["sector"], r["period"]]
        assert (r["demand_days"], r["filled_days"], bool(r["short"])) == (w["demand_days"], w["filled_days"], w["short"])
        assert close(plain(w["staffing"]), plain(r["staffing"]))
    got = R.behind_and_short(wb, on=on)
    want = reference_behind_and_short(wb, on)
    assert {(r["host_unit"], r["sector"], r["period"], r["indicator"]): set(r["sender"].split("、"))
            if isinstance(r["sender"], str) else set() for r in got.to_dict("records")} == want


def test_a_ratio_is_never_averaged(tmp_path):
    """Two schools: 1 of 10 and 90 of 100 passed. Their county's, prefecture's, sector's and responsible sender's
    rate is 91/110, not the mean of 10 % and 90 %; the same two figures held by two people of one team give the
    team 91/110 as well."""
    defs = [d for d in DEFS if d["id"] in ("PASS", "CAND", "RATE")]
    defs += [dict(d, id="P" + d["id"], subject="person", numerator=d.get("numerator") and "P" + d["numerator"],
                  denominator=d.get("denominator") and "P" + d["denominator"]) for d in defs]
    figures = {"U0": ((1, 2, 1), (10, 10, 10)), "U1": ((80, 95, 90), (100, 100, 100))}
    vals = []
    for subject, person in (("U0", "X0"), ("U1", "X1")):
        for (ind, fig) in zip(("PASS", "CAND"), figures[subject]):
            b, t, a = fig
            vals.append(dict(subject=subject, indicator=ind, period="2026", baseline=b, target=t, actual=a))
            vals.append(dict(subject=person, indicator="P" + ind, period="2026", baseline=b, target=t, actual=a))
    units = [dict(id=f"U{k}", name=f"学校{k}", kind="school", region="C1", side="host") for k in range(2)]
    units.append(dict(id="SU1", name="一市单位", kind="government", region="S1", side="sending"))
    people = [dict(id=f"X{k}", name=f"人{k}", sending_unit="SU1", category="professional", sector="教育",
                   available_from="2025-01-01", available_to="2029-12-31") for k in range(2)]
    orders = [dict(id="O0", host_unit="U0", sector="教育", headcount=2, start="2026-01-01", end="2026-12-31",
                   team="T0")]
    posts = [dict(person=f"X{k}", order="O0", start="2026-01-01", end="2026-12-31", status="active")
             for k in range(2)]
    pairing = [dict(sender="S1", host="C1", sector="教育", scope="exclusive")]
    frames = {n: empty_table(n) for n in Workbook.__dataclass_fields__ if n not in ("source", "notes")}
    table = lambda rows_, name: pd.DataFrame(rows_, columns=list(empty_table(name).columns)).astype(object)  # noqa
    frames.update(regions=pd.DataFrame(REGIONS).astype(object), units=table(units, "units"),
                  people=table(people, "people"), orders=table(orders, "orders"),
                  teams=table([dict(id="T0", host="U0")], "teams"), assignments=table(posts, "assignments"),
                  pairings=table(pairing, "pairings"), indicator_definitions=table(defs, "indicator_definitions"),
                  indicator_values=table(vals, "indicator_values"))
    wb = validate_workbook(Workbook(**frames), "ratio")
    res = R.results(wb, on="2026-12-31")
    rate = res[res["indicator"].eq("RATE")].set_index("subject")["actual"]
    assert rate.to_dict() == {"U0": 0.1, "U1": 0.9}
    for by, ind, group in [("county", "RATE", "C1"), ("prefecture", "RATE", "P1"), ("sector", "RATE", "教育"),
                           ("sender", "RATE", "S1"), ("team", "PRATE", "T0"), ("sender", "PRATE", "S1")]:
        got = R.rollup(wb, res, by, on="2026-12-31").set_index(["group", "indicator"])
        r = got.loc[(group, ind)]
        assert r["subjects"] == 2, (by, ind)
        assert math.isclose(r["actual"], 91 / 110) and not math.isclose(r["actual"], 0.5), (by, ind)
        assert math.isclose(r["baseline"], 81 / 110) and math.isclose(r["target"], 97 / 110), (by, ind)
        # the rate's progress is computed on the recomputed rate, not averaged either
        assert math.isclose(r["progress"], (91 - 81) / (97 - 81)), (by, ind)


def test_a_persons_value_goes_to_the_team_of_their_earliest_stint_in_the_period():
    """Two stints in 2026: the year-long one began first (team T1), a short one began later and ended sooner (T0).
    The person's score rolls up to T1, and to their source city by sender."""
    units = [dict(id=f"U{k}", name=f"学校{k}", kind="school", region="C1", side="host") for k in range(2)]
    units.append(dict(id="SU1", name="一市单位", kind="government", region="S1", side="sending"))
    people = [dict(id="X0", name="人0", sending_unit="SU1", category="professional", sector="医疗",
                   available_from="2025-01-01", available_to="2029-12-31")]
    orders = [dict(id="O0", host_unit="U0", sector="医疗", headcount=1, start="2026-01-01", end="2026-12-31", team="T0"),
              dict(id="O1", host_unit="U1", sector="医疗", headcount=1, start="2026-01-01", end="2026-12-31", team="T1")]
    posts = [dict(person="X0", order="O1", start="2026-01-01", end="2026-12-31", status="active"),
             dict(person="X0", order="O0", start="2026-03-01", end="2026-04-30", status="active")]
    teams = [dict(id="T0", host="U0"), dict(id="T1", host="U1")]
    vals = [dict(subject="X0", indicator="PSC", period="2026", baseline=60, target=90, actual=80)]
    frames = {n: empty_table(n) for n in Workbook.__dataclass_fields__ if n not in ("source", "notes")}
    table = lambda rows_, name: pd.DataFrame(rows_, columns=list(empty_table(name).columns)).astype(object)  # noqa
    frames.update(regions=pd.DataFrame(REGIONS).astype(object), units=table(units, "units"),
                  people=table(people, "people"), orders=table(orders, "orders"), teams=table(teams, "teams"),
                  assignments=table(posts, "assignments"),
                  indicator_definitions=table([d for d in DEFS if d["id"] == "PSC"], "indicator_definitions"),
                  indicator_values=table(vals, "indicator_values"))
    wb = validate_workbook(Workbook(**frames), "stints")
    res = R.results(wb, on="2026-12-31")
    assert R.rollup(wb, res, "team", on="2026-12-31")["group"].tolist() == ["T1"]
    assert R.rollup(wb, res, "sender", on="2026-12-31")["group"].tolist() == ["S1"]
    assert set(reference_rollup(wb, "team", dt.date(2026, 12, 31))) == {("T1", "PSC", "2026")}
