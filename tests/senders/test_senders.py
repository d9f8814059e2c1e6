"""Senders' tasks, quotas, nominations and burden (DESIGN.md §9) against the plain reference.

``senders_reference`` follows §9 with loops over dict rows (and §4 through the pairings'
reference); the programmes are ``pairing_programmes``' (shared prefectures held by several cities,
nested and dated pairings, rotation slots) with live and finished assignments, one or two
batches, nominations and some quotas added.
"""
import datetime as dt
import os
import tempfile
from pathlib import Path

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import csv_workbook  # noqa: E402
from hypothesis import HealthCheck, Phase, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from senders_reference import reference_burden, reference_tasks, split  # noqa: E402  (puts tests/pairings on the path)
from pairing_programmes import COLUMNS, programme_rows, to_csv  # noqa: E402

import planning  # noqa: E402
from planning.programme.senders import batch_windows, sender_burden, sender_tasks, split_quota  # noqa: E402

EXAMPLES = int(os.environ.get("SENDERS_EXAMPLES", 300))
# SENDERS_NO_SHRINK=1: report a failure without shrinking it (quick runs against broken copies)
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + ([] if os.environ.get("SENDERS_NO_SHRINK") else [Phase.shrink])
MORE = {
    "assignments": ["person", "order", "start", "end", "status"],
    "batches": ["id", "name", "dispatch", "window_end"],
    "quotas": ["sender", "sector", "batch", "count"],
    "sender_staff": ["unit", "sector", "staff", "max_share"],
}
PEOPLE = COLUMNS["people"] + ["nomination", "batch"]


def _csv(tables):
    import csv
    import io

    out = to_csv(tables)

    def cell(v):
        if v is None:
            return ""
        return v.isoformat() if isinstance(v, dt.date) else str(v)

    for name, cols in list(MORE.items()) + [("people", PEOPLE)]:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in tables.get(name, []):
            w.writerow([cell(r.get(c)) if not isinstance(r.get(c), bool) else ("true" if r[c] else "false")
                        for c in cols])
        out[name] = buf.getvalue()
    return out


@st.composite
def sender_programmes(draw):
    t = draw(programme_rows(max_people=20, max_orders=10))
    day = st.dates(dt.date(2026, 6, 1), dt.date(2029, 6, 30))
    n_batches = draw(st.integers(1, 2))
    batches = []
    for i in range(1, n_batches + 1):
        d = draw(st.one_of(st.sampled_from([dt.date(2027, 1, 1), dt.date(2027, 8, 1), dt.date(2028, 2, 1)]), day))
        end = draw(st.one_of(st.none(), st.none(), st.dates(d, dt.date(2030, 6, 30))))
        batches.append({"id": f"B{i}", "name": None, "dispatch": d, "window_end": end})
    ids = [b["id"] for b in batches]
    busy = set()
    assignments = []
    for o in t["orders"]:
        for _ in range(draw(st.integers(0, 2))):
            cands = [p for p in t["people"] if p["id"] not in busy]
            if not cands:
                break
            p = draw(st.sampled_from(cands))
            busy.add(p["id"])
            start = draw(st.dates(o["start"], o["end"]))
            end = draw(st.dates(start, o["end"]))
            assignments.append({"person": p["id"], "order": o["id"], "start": start, "end": end,
                                "status": draw(st.sampled_from(["active", "planned", "done"]))})
    for p in t["people"]:
        p["nomination"] = draw(st.sampled_from([None, "nominated", "selected", "not_selected", "withdrawn"]))
        p["batch"] = draw(st.sampled_from(ids)) if p["nomination"] else None
    # some nominees made to fit an order, so that nominations often count
    for p in draw(st.lists(st.sampled_from(t["people"]), max_size=4, unique_by=lambda p: p["id"])):
        o = draw(st.sampled_from(t["orders"]))
        p.update(sector=o["sector"], skill=o["skill"], level=3, can_lead=True, available_from=dt.date(2026, 1, 1),
                 available_to=dt.date(2030, 12, 31), nomination=draw(st.sampled_from(["nominated", "selected"])),
                 batch=draw(st.sampled_from(ids)))
    # a pairing held by a second city as well: several equally specific senders share the task
    cities = [r["id"] for r in t["regions"] if r["level"] == "city" and r["side"] == "sending"]
    held = [x for x in t["pairings"] if x["sender"] in cities and (x.get("scope") or "exclusive") == "exclusive"]
    if held and len(cities) > 1:
        for x in draw(st.lists(st.sampled_from(held), max_size=2)):
            other = draw(st.sampled_from([c for c in cities if c != x["sender"]]))
            t["pairings"].append(dict(x, sender=other))
    senders = sorted({x["sender"] for x in t["pairings"]}) or [t["units"][0]["id"]]
    sectors = sorted({o["sector"] for o in t["orders"]})
    quotas = []
    for _ in range(draw(st.integers(0, 3))):
        quotas.append({"sender": draw(st.sampled_from(senders)), "sector": draw(st.sampled_from(sectors)),
                       "batch": draw(st.sampled_from(ids)), "count": draw(st.integers(0, 5))})
    seen = set()
    quotas = [q for q in quotas if (k := (q["sender"], q["sector"], q["batch"])) not in seen and not seen.add(k)]
    s_units = [u for u in t["units"] if u["side"] == "sending"]
    staff = []
    for u in draw(st.lists(st.sampled_from(s_units), max_size=3, unique_by=lambda u: u["id"])):
        staff.append({"unit": u["id"], "sector": draw(st.sampled_from(sectors)), "staff": draw(st.integers(1, 9)),
                      "max_share": draw(st.sampled_from([None, 0.2, 0.5]))})
    t.update(batches=batches, assignments=assignments, quotas=quotas, sender_staff=staff)
    return _csv(t)


def _load(tables):
    with tempfile.TemporaryDirectory() as d:
        return csv_workbook(Path(d) / "wb", tables)


def _library(wb, batch=None) -> dict:
    t = sender_tasks(wb, batch=batch)
    return {(r["batch"], r["sender"], r["sector"]): {c: r[c] for c in
            ("seats", "shared_seats", "shared_with", "quota", "quota_given", "nominated", "shortfall")}
            for r in t.to_dict("records")}


def _plain(d):
    return {k: {c: (bool(v) if isinstance(v, bool) or c == "quota_given" else v if isinstance(v, str) else int(v))
                for c, v in r.items()} for k, r in d.items()}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=PHASES)
@given(sender_programmes(), st.booleans())
def test_tasks_equal_the_reference(tables, one_batch):
    wb = _load(tables)
    batch = wb.batches["id"].iloc[0] if one_batch else None
    ref = reference_tasks(wb, batch)
    assert _plain(_library(wb, batch)) == _plain(ref)
    event(f"rows: {min(len(ref), 5)}+")
    event("a shared task" if any(r["shared_seats"] for r in ref.values()) else "no shared task")
    event("someone nominated counts" if any(r["nominated"] for r in ref.values()) else "no nomination counts")
    event("a quota given" if any(r["quota_given"] for r in ref.values()) else "no quota given")
    lib = sender_burden(wb, on="2027-09-01")
    ref = reference_burden(wb, dt.date(2027, 9, 1))
    assert list(zip(lib["unit"], lib["sector"], lib["staff"], lib["on_post"])) == ref


@settings(max_examples=EXAMPLES, deadline=None, phases=PHASES)
@given(st.integers(0, 40), st.dictionaries(st.sampled_from(list("abcdef")), st.integers(0, 9), min_size=1))
def test_split_equals_the_reference_and_adds_up(task, weights):
    got = split_quota(task, weights)
    assert got == split(task, weights)
    assert sum(got.values()) == task


def test_split_largest_remainder_then_sender_id():
    # 7 × 1/3 = 2.33 each: one seat left, the first sender by id takes it
    assert split_quota(7, {"c": 1, "b": 1, "a": 1}) == {"a": 3, "b": 2, "c": 2}
    # 10 over 5:3:2 → 5, 3, 2 exactly
    assert split_quota(10, {"x": 5, "y": 3, "z": 2}) == {"x": 5, "y": 3, "z": 2}
    # 5 over 3:1 → 3.75 and 1.25: the larger remainder (.75) takes the seat left
    assert split_quota(5, {"b": 3, "a": 1}) == {"a": 1, "b": 4}
    # 4 over 1:1:1 → 1.33 each: a then b take the two left
    assert split_quota(4, {"b": 1, "c": 1, "a": 1}) == {"a": 2, "b": 1, "c": 1}
    # nobody free anywhere: equal shares
    assert split_quota(3, {"y": 0, "x": 0}) == {"x": 2, "y": 1}
    assert split_quota(0, {"a": 2, "b": 1}) == {"a": 0, "b": 0}


SMALL = {
    "regions": "id,name,level,parent,side\nSD,山东省,province,,sending\nJN,济南市,city,SD,sending\n"
               "QD,青岛市,city,SD,sending\nKS,喀什地区,prefecture,,host\nSC,莎车县,county,KS,host\n",
    "units": "id,name,kind,region,side\nJN-1,济南一中,school,JN,sending\nQD-1,青岛一中,school,QD,sending\n"
             "H1,莎车一中,school,SC,host\n",
    "pairings": "sender,host,sector,scope\nJN,SC,,exclusive\nQD,SC,,exclusive\n",
    "people": "id,name,sending_unit,category,sector,available_from,available_to,nomination,batch\n"
              + "".join(f"J{i},甲{i},JN-1,professional,教育,2027-01-01,2029-12-31,{'nominated' if i < 2 else ''},"
                        f"{'B1' if i < 2 else ''}\n" for i in range(3))
              + "Q0,乙0,QD-1,professional,教育,2027-01-01,2029-12-31,selected,B1\n",
    "orders": "id,host_unit,sector,headcount,start,end\nO1,H1,教育,5,2027-08-20,2028-07-31\n",
    "batches": "id,dispatch\nB1,2027-08-01\nB2,2028-08-01\n",
    "sender_staff": "unit,sector,staff,max_share\nJN-1,教育,4,0.25\n",
}


def test_shared_task_split_by_free_people(tmp_path):
    wb = csv_workbook(tmp_path / "wb", SMALL)
    t = sender_tasks(wb, batch="B1").set_index("sender")
    # 5 seats shared by 济南 (3 free) and 青岛 (1 free): 3.75 / 1.25 → 4 and 1
    assert t.loc["JN", "quota"] == 4 and t.loc["QD", "quota"] == 1
    assert t.loc["JN", "shared_with"] == "QD" and t.loc["JN", "shared_seats"] == 5
    assert t.loc["JN", "nominated"] == 2 and t.loc["JN", "shortfall"] == 2
    assert t.loc["QD", "nominated"] == 1 and t.loc["QD", "shortfall"] == 0
    assert sender_tasks(wb, batch="B2").empty  # the slot begins before B2's dispatch and ends before it


def test_given_quota_and_burden(tmp_path):
    tables = dict(SMALL, quotas="sender,sector,batch,count\nQD,教育,B1,3\nJN,医疗,B1,1\n",
                  assignments="person,order,start,end,status\nJ2,O1,2027-08-20,2028-07-31,active\n")
    wb = csv_workbook(tmp_path / "wb", tables)
    t = sender_tasks(wb, batch="B1").set_index(["sender", "sector"])
    assert t.loc[("QD", "教育"), "quota"] == 3 and bool(t.loc[("QD", "教育"), "quota_given"])
    assert t.loc[("QD", "教育"), "shortfall"] == 2
    assert t.loc[("JN", "医疗"), "seats"] == 0 and t.loc[("JN", "医疗"), "shortfall"] == 1
    # 4 seats left; 济南 has 2 free (J2 is on post), 青岛 1: 2.67 / 1.33 → 3 and 1
    assert t.loc[("JN", "教育"), "seats"] == 4 and t.loc[("JN", "教育"), "quota"] == 3
    b = sender_burden(wb, on="2027-09-01").iloc[0]
    assert b["on_post"] == 1 and b["burden"] == pytest.approx(0.25) and not b["over_cap"]


def test_windows_default_to_the_next_dispatch_or_twelve_months(tmp_path):
    wb = csv_workbook(tmp_path / "wb", SMALL)
    w = batch_windows(wb).set_index("batch")["window_end"]
    assert w["B1"] == pd.Timestamp("2028-07-31") and w["B2"] == pd.Timestamp("2029-07-31")


def test_a_workbook_without_the_senders_tables_loads_as_before(tmp_path):
    import shutil

    src = Path(planning.SAMPLE)
    old = tmp_path / "old"
    shutil.copytree(src, old)
    for name in ("batches", "quotas", "sender_staff"):
        (old / f"{name}.csv").unlink()
    people = pd.read_csv(old / "people.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    people.drop(columns=["nomination", "batch"]).to_csv(old / "people.csv", index=False)
    wb = planning.load_workbook(old)
    assert wb.batches.empty and wb.quotas.empty and wb.sender_staff.empty
    assert wb.people["nomination"].isna().all() and wb.people["batch"].isna().all()
    assert sender_tasks(wb).empty and sender_burden(wb).empty
    new = planning.load_workbook(src)
    pd.testing.assert_frame_equal(wb.orders, new.orders)
    pd.testing.assert_frame_equal(wb.people.drop(columns=["nomination", "batch"]),
                                  new.people.drop(columns=["nomination", "batch"]))


def test_the_sample_has_senders_behind_on_the_next_batch(sample):
    t = sender_tasks(sample, batch="B2027-08")
    given = t[t["quota_given"]].set_index("sender")
    assert set(given.index[given["shortfall"] > 0]) == {"SD-JN", "SD-QD", "SD-RZ", "SD-DZ"}
    assert (given.loc[["SD-DY", "SD-WF", "SD-LC"], "shortfall"] == 0).all()
    b = sender_burden(sample, on="2026-11-22").set_index("unit")
    assert b.loc["SD-QLYY", "burden"] == pytest.approx(3 / 13) and not b["over_cap"].any()


def test_senders_behind_on_the_next_batch_largest_first(sample):
    from planning.programme.senders import next_batch, senders_behind

    assert next_batch(sample, "2026-11-22") == "B2027-08" and next_batch(sample, "2027-08-02") is None
    b = senders_behind(sample, "2026-11-22")
    assert (b["shortfall"] > 0).all() and b["shortfall"].is_monotonic_decreasing
    assert set(b["sender"]) >= {"SD-JN", "SD-QD", "SD-RZ", "SD-DZ"} and "SD-DY" not in set(b["sender"])
    assert senders_behind(sample, "2027-08-02").empty


def test_the_overview_names_the_senders_to_chase(sample):
    from planning.apps import OverviewApp

    for lang, words in (("zh", "推荐人选少于名额"), ("en", "fewer people than their quota")):
        app = OverviewApp(lang=lang)
        decide = app.panels(app.wb).split("class='panel decide'")[1]
        assert words in decide and "日照市" in decide


def test_people_on_post_are_not_free_for_the_split(tmp_path):
    people = ("id,name,sending_unit,category,sector,available_from,available_to\n"
              "J0,甲0,JN-1,professional,教育,2027-01-01,2029-12-31\nJ1,甲1,JN-1,professional,教育,2027-01-01,2029-12-31\n"
              "Q0,乙0,QD-1,professional,教育,2027-01-01,2029-12-31\n")
    orders = ("id,host_unit,sector,headcount,start,end\nO1,H1,教育,2,2027-08-20,2028-07-31\n"
              "O2,H1,教育,2,2027-01-01,2028-12-31\n")
    busy = "person,order,start,end,status\nJ0,O2,2027-01-01,2028-12-31,active\nJ1,O2,2027-01-01,2028-12-31,planned\n"
    wb = csv_workbook(tmp_path / "wb", dict(SMALL, people=people, orders=orders, assignments=busy))
    t = sender_tasks(wb, batch="B1").set_index("sender")
    # both of 济南's teachers are on post over the seat: 青岛's one free teacher carries the whole shared task
    assert t.loc["JN", "quota"] == 0 and t.loc["QD", "quota"] == 2 and t.loc["JN", "shared_seats"] == 2
