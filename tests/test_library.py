"""Seats, hierarchy, eligibility, network and the synthetic generator."""
from pathlib import Path

import pandas as pd
from hypothesis import given, settings, strategies as st

import planning
from planning.programme.eligibility import eligible_pairs
from planning.core.hierarchy import source_city
from planning.programme.seats import order_slots

ROOT_DIR = Path(__file__).resolve().parent.parent
from planning.samples.synthetic import synthetic_workbook


@given(start=st.dates(min_value=pd.Timestamp("2020-01-01").date(), max_value=pd.Timestamp("2030-01-01").date()),
       days=st.integers(0, 2000), n=st.integers(1, 12), headcount=st.integers(1, 4))
@settings(max_examples=200, deadline=None)
def test_slots_tile_the_order_period(start, days, n, headcount):
    s0 = pd.Timestamp(start)
    e0 = s0 + pd.Timedelta(days=days)
    o = pd.DataFrame({"id": ["A"], "headcount": [headcount], "start": [s0], "end": [e0],
                      "rotation_months": pd.array([n], dtype="Int64")})
    s = order_slots(o)
    assert s["start"].iloc[0] == s0 and s["end"].iloc[-1] == e0
    # consecutive, no overlap, no hole (dates are inclusive)
    assert (s["start"].iloc[1:].to_numpy() == (s["end"].iloc[:-1] + pd.Timedelta(days=1)).to_numpy()).all()
    assert (s["end"] >= s["start"]).all()
    # slot k ends the day before the order's start day (k+1)·n months later, or with the order
    for k, end in enumerate(s["end"]):
        anchor = s0 + pd.DateOffset(months=(k + 1) * n)
        assert end == min(e0, anchor - pd.Timedelta(days=1))
    assert (s["headcount"] == headcount).all()


def test_slot_rule_by_hand():
    o = pd.DataFrame({"id": ["X"], "headcount": [1], "start": [pd.Timestamp("2026-01-31")],
                      "end": [pd.Timestamp("2026-06-15")], "rotation_months": pd.array([1], dtype="Int64")})
    got = order_slots(o)[["start", "end"]].astype(str).values.tolist()
    assert got[0] == ["2026-01-31", "2026-02-27"]  # ends the day before Feb 28 (31 clipped)
    assert got[1] == ["2026-02-28", "2026-03-30"]  # anchored on day 31 of the order's start
    assert got[-1][1] == "2026-06-15"


def test_source_city(sample):
    city = source_city(sample)
    assert city.notna().mean() > 0.75
    # the rest are sent by province-level units (no city above them)
    no_city = sample.people.set_index("id").loc[city[city.isna()].index, "sending_unit"]
    assert set(no_city) <= {"SD-JYT"}
    p = sample.people.set_index("id")
    fushan = p[p["sending_unit"].str.startswith("SX-FS")].index
    assert set(city[fushan]) == {"SX-LF"}


def test_eligibility_rules(sample):
    pairs = eligible_pairs(sample)
    people = sample.people.set_index("id")
    orders = sample.orders.set_index("id")
    m = pairs.join(people, on="person").join(orders, on="order", rsuffix="_o")
    assert (m["sector"] == m["sector_o"]).all()
    named = m["skill_o"].notna()
    assert (m.loc[named, "skill"] == m.loc[named, "skill_o"]).all()
    assert (m["level"] >= m["min_level"]).all()
    assert m.loc[m["role"].eq("lead"), "can_lead"].all()
    # exclusive pairing: Jinan's school (一市包一校) takes only Jinan's people
    jn = m[m["order"].str.startswith("O-SCH01")]
    assert set(source_city(sample)[jn["person"]]) == {"SD-JN"}


def test_network_kinds_and_no_collisions(sample):
    G = planning.build_network(sample)
    kinds = {d["kind"] for _, d in G.nodes(data=True)}
    assert {"region", "unit", "person", "team", "order", "local_staff"} <= kinds
    n = len(sample.regions) + len(sample.units) + len(sample.people) + len(sample.teams) + len(sample.orders) \
        + len(sample.local_staff) + len(sample.management_units)
    assert G.number_of_nodes() == n
    ekinds = {k for _, _, k in G.edges(data="kind")}
    assert {"part_of", "located_in", "sends", "pairs_with", "requests", "belongs_to", "assigned_to",
            "mentors", "works_at", "serves"} <= ekinds
    assert all(k is not None for _, _, k in G.edges(data="kind"))
    assert G.number_of_edges("person:" + sample.assignments["person"].iloc[0],
                             "order:" + sample.assignments["order"].iloc[0]) >= 1


def test_pairing_view_and_unpaired(sample):
    pv = planning.pairing_view(sample)
    assert {"source_city", "host", "people", "seats"} <= set(pv.columns)
    assert pv.loc[(pv["source_city"] == "SX-LF") & (pv["host"] == "SXH"), "people"].item() == 30
    assert list(planning.unpaired_host_units(sample)["id"]) == ["H-104-XX"]


@given(seed=st.integers(0, 10_000), people=st.integers(200, 1500), units=st.integers(20, 200),
       teams=st.booleans())
@settings(max_examples=15, deadline=None)
def test_synthetic_is_valid_and_deterministic(tmp_path_factory, seed, people, units, teams):
    wb = synthetic_workbook(people=people, host_units=units, sectors=8, seed=seed, teams=teams)
    out = planning.save_workbook(wb, tmp_path_factory.mktemp("syn") / "wb")
    back = planning.load_workbook(out)  # raises if anything is invalid
    assert back.equals(wb)
    assert synthetic_workbook(people=people, host_units=units, sectors=8, seed=seed, teams=teams).equals(wb)
    assert len(back.people) == people
    assert back.teams.empty != teams


def test_overview_app_without_browser(sample):
    from planning.apps import OverviewApp

    app = OverviewApp(wb=sample, lang="zh")
    assert "app-ready" in app.root._dom_classes
    app.city_filter.value = "济南市"
    assert "临汾市" not in app.pairing_table.value and "济南市" in app.pairing_table.value
    app.lang_button.click()
    assert app.lang == "en" and "Sending city" in app.pairing_table.value


def test_overview_app_shows_problems_not_tracebacks(tmp_path, monkeypatch):
    from planning.apps import OverviewApp

    (tmp_path / "regions.csv").write_text("id,name\nA,甲\n", encoding="utf-8")
    monkeypatch.setenv("PLANNING_DATA", str(tmp_path))
    app = OverviewApp(lang="en")
    assert "could not be loaded" in app.status.value and "level" in app.status.value
    assert "Traceback" not in app.status.value
    assert "app-ready" in app.root._dom_classes


def test_words_catalogue_is_complete():
    """Every key of planning/i18n.csv has Chinese and English, with the same placeholders."""
    import csv
    import string

    from planning.core.i18n import TEXT

    rows = list(csv.DictReader(open(ROOT_DIR / "planning" / "core" / "i18n.csv", encoding="utf-8")))
    assert len({r["key"] for r in rows}) == len(rows) == len(TEXT)

    def fields(s):
        return {f for _, f, _, _ in string.Formatter().parse(s) if f}

    # the parser's own words (English) are shown on English pages only
    english_only = {"problem.bad_xlsx": {"detail"}}
    for r in rows:
        assert r["zh"].strip() and r["en"].strip(), r["key"]
        assert fields(r["zh"]) | english_only.get(r["key"], set()) == fields(r["en"]), r["key"]


def test_every_enumerated_value_has_one_meaning():
    """Values are one namespace (``contract_values.csv`` labels them by value alone): a code two columns
    use with different meanings (a region's level 师 and a rank 正处 both "division") would label one wrongly."""
    import csv

    rows = list(csv.DictReader(open(ROOT_DIR / "planning" / "contract" / "contract_values.csv", encoding="utf-8")))
    seen: dict[str, str] = {}
    for r in rows:
        assert r["value"] not in seen, f"{r['value']} is both {seen[r['value']]} and {r['zh']}"
        seen[r["value"]] = r["zh"]
    from planning.contract import schema
    assert schema.value_label("division") == "师" and schema.value_label("full_division") == "正处"
    assert schema.value_label("nominated") == "已推荐" and schema.value_label("recommended") == "推荐"
