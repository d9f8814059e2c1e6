"""Hypothesis strategies for small, realistic counterpart-support programmes.

``programmes()`` draws a whole programme as the ``{table: csv text}`` dict that
``conftest.csv_workbook`` loads; ``programme_rows()`` draws the same as lists of dict rows.

Shapes drawn, as real programmes take them:

* a sending tree: a province (sometimes with a provincial department of its own) over 1–4 cities,
  each with 1–3 sending units (schools, hospitals, government bureaux);
* a host tree: a prefecture (counties or districts) or an XPCC division (regiments), sometimes
  under a host province, each county/regiment with 0–2 townships, host units at county level
  (schools, hospitals) and township level (township governments, schools, clinics);
* pairings from templates (several cities sharing one host; a province-wide pairing with a
  一市包一校 city → school pairing inside; a 院包科 hospital → county pairing for 医疗 beside a
  city → county all-sector one; contradictory city A → county and city B → school-in-that-county
  pairings; preferred pairings; expired pairings) plus random ones, with open, fixed, expired and
  mid-period dates (often on or next to a rotation slot's boundary, so that a pairing is in force
  for some slots of an order and not others);
* people (sectors from 2–3 of 教育, 医疗, 党政; skills from a small set or none; levels 1–3;
  can_lead; availability windows) and orders (headcount 1–3, priority 1–5 or default, lead or
  member, some with min_level or a skill, some with rotation_months 3 or 6, all starting in
  2027–2029 and ending by 2029-12-31).

No teams and no assignments are drawn, so the library's first allocation objective can be
compared with the reference's.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import io

from hypothesis import strategies as st
from pairing_reference import add_months, slots_of_order

SECTOR_SKILLS = {
    "教育": ["数学", "语文", "物理"],
    "医疗": ["内科", "儿科"],
    "党政": ["党建", "规划"],
}
CITY_NAMES = ["济南市", "青岛市", "淄博市", "潍坊市"]
SENDING_KIND_NAMES = {"school": "中学", "hospital": "人民医院", "government": "教育局"}

COLUMNS = {
    "regions": ["id", "name", "level", "parent", "side"],
    "units": ["id", "name", "kind", "region", "side"],
    "pairings": ["sender", "host", "sector", "scope", "start", "end"],
    "people": ["id", "name", "sending_unit", "category", "sector", "skill", "level", "can_lead", "program",
               "available_from", "available_to", "wishes"],
    "orders": ["id", "host_unit", "sector", "skill", "role", "headcount", "start", "end", "priority",
               "min_level", "team", "rotation_months"],
}

LAST_DAY = dt.date(2029, 12, 31)


# --------------------------------------------------------------------------- #
# CSV text
# --------------------------------------------------------------------------- #


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def to_csv(tables: dict[str, list[dict]]) -> dict[str, str]:
    """``{table: rows}`` as ``{table: csv text}`` with the contract's English headers."""
    out = {}
    for name, cols in COLUMNS.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in tables.get(name, []):
            w.writerow([_cell(r.get(c)) for c in cols])
        out[name] = buf.getvalue()
    return out


# --------------------------------------------------------------------------- #
# trees
# --------------------------------------------------------------------------- #


@st.composite
def sending_tree(draw):
    """Regions and units of the sending side: province → cities → sending units."""
    regions = [{"id": "SD", "name": "山东省", "level": "province", "parent": None, "side": "sending"}]
    units = []
    if draw(st.booleans()):
        units.append({"id": "SD-JYT", "name": "山东省教育厅", "kind": "government", "region": "SD",
                      "side": "sending"})
    n_cities = draw(st.integers(1, 4))
    for i in range(1, n_cities + 1):
        city = f"SD-C{i}"
        regions.append({"id": city, "name": CITY_NAMES[i - 1], "level": "city", "parent": "SD",
                        "side": "sending"})
        kinds = draw(st.lists(st.sampled_from(["school", "hospital", "government"]), min_size=1, max_size=3))
        for j, kind in enumerate(kinds, 1):
            units.append({"id": f"{city}-U{j}", "name": CITY_NAMES[i - 1] + SENDING_KIND_NAMES[kind] + str(j),
                          "kind": kind, "region": city, "side": "sending"})
    return regions, units


@st.composite
def host_tree(draw):
    """Regions and units of the host side: prefecture/division → counties/regiments → townships → units."""
    regions, units = [], []
    top_province = None
    if draw(st.booleans()):
        top_province = "XJ"
        regions.append({"id": "XJ", "name": "新疆维吾尔自治区", "level": "province", "parent": None,
                        "side": "host"})
    if draw(st.booleans()):
        top, top_name, top_level, sub_levels, sub_name = "KS", "喀什地区", "prefecture", ["county", "district"], "县"
    else:
        top, top_name, top_level, sub_levels, sub_name = "D3", "第三师", "division", ["regiment"], "团"
    regions.append({"id": top, "name": top_name, "level": top_level, "parent": top_province, "side": "host"})
    n_counties = draw(st.integers(1, 3))
    for i in range(1, n_counties + 1):
        county = f"{top}-X{i}"
        regions.append({"id": county, "name": f"{top_name}第{i}{sub_name}", "level": draw(st.sampled_from(sub_levels)),
                        "parent": top, "side": "host"})
        county_kinds = draw(st.lists(st.sampled_from(["school", "hospital"]), min_size=1, max_size=2))
        for j, kind in enumerate(county_kinds, 1):
            units.append({"id": f"H-{county}-{j}", "name": f"{county}{'中学' if kind == 'school' else '人民医院'}{j}",
                          "kind": kind, "region": county, "side": "host"})
        for t in range(1, draw(st.integers(0, 2)) + 1):
            town = f"{county}-T{t}"
            regions.append({"id": town, "name": f"{county}第{t}乡", "level": "township", "parent": county,
                            "side": "host"})
            town_kinds = draw(st.lists(st.sampled_from(["township", "school", "hospital"]), min_size=1, max_size=2))
            for j, kind in enumerate(town_kinds, 1):
                name = {"township": "乡政府", "school": "小学", "hospital": "卫生院"}[kind]
                units.append({"id": f"H-{town}-{j}", "name": f"{town}{name}{j}", "kind": kind, "region": town,
                              "side": "host"})
    return regions, units


# --------------------------------------------------------------------------- #
# dates
# --------------------------------------------------------------------------- #

ANY_DAY = st.dates(dt.date(2026, 6, 1), dt.date(2030, 6, 30))


@st.composite
def order_period(draw):
    """Start in 2027-01..2029-06 (some on awkward days: 29th–31st), end by 2029-12-31."""
    month_index = draw(st.integers(2027 * 12, 2029 * 12 + 5))
    year, month = divmod(month_index, 12)
    day = draw(st.sampled_from([1, 1, 1, 1, 15, 28, 29, 30, 31]))
    start = dt.date(year, month + 1, min(day, calendar.monthrange(year, month + 1)[1]))
    months = draw(st.integers(1, 36))
    shift = draw(st.sampled_from([1, 1, 1, 0, 10]))
    end = add_months(start, months) - dt.timedelta(days=shift)
    end = max(start, min(end, LAST_DAY))
    return start, end


def pairing_dates(boundaries: list[dt.date]):
    """(start, end) of a pairing: open, fixed, expired, or starting/ending mid-period."""
    near = st.sampled_from(boundaries) if boundaries else ANY_DAY
    mid = st.one_of(near, near, ANY_DAY)
    maybe_early = st.sampled_from([None, dt.date(2023, 1, 1), dt.date(2024, 1, 1)])
    open_ = st.just((None, None))
    fixed = st.tuples(st.sampled_from([None, dt.date(2024, 1, 1), dt.date(2026, 1, 1)]),
                      st.sampled_from([None, dt.date(2030, 12, 31)]))
    expired = st.tuples(maybe_early, st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)))
    from_ = st.tuples(mid, st.just(None))
    until = st.tuples(maybe_early, mid)
    window = st.tuples(mid, mid).map(lambda ab: tuple(sorted(ab)))
    return st.one_of(open_, open_, fixed, expired, from_, until, window)


def _boundaries(orders: list[dict]) -> list[dt.date]:
    """Slot starts and ends of the orders and the days next to them."""
    days = set()
    for o in orders:
        for _, s, e in slots_of_order(o):
            for d in (s, e):
                days.update({d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)})
    return sorted(days)


# --------------------------------------------------------------------------- #
# pairings
# --------------------------------------------------------------------------- #


@st.composite
def pairings_for(draw, s_regions, s_units, h_regions, h_units, sectors, boundaries):
    cities = [r["id"] for r in s_regions if r["level"] == "city"]
    province = "SD"
    senders = [r["id"] for r in s_regions] + [u["id"] for u in s_units]
    top = next(r["id"] for r in h_regions if r["level"] in ("prefecture", "division"))
    counties = [r["id"] for r in h_regions if r["level"] in ("county", "district", "regiment")]
    hosts = [r["id"] for r in h_regions] + [u["id"] for u in h_units]
    parent = {r["id"]: r["parent"] for r in h_regions}
    parent.update({u["id"]: u["region"] for u in h_units})

    def units_in(region):
        out = []
        for u in h_units:
            node = u["id"]
            while node is not None and node != region:
                node = parent.get(node)
            if node == region:
                out.append(u["id"])
        return out

    dates = pairing_dates(boundaries)
    mostly_open = st.one_of(st.just((None, None)), st.just((None, None)), dates)
    out = []

    def add(sender, host, sector=None, scope="exclusive", period=None):
        start, end = period if period is not None else draw(mostly_open)
        out.append({"sender": sender, "host": host, "sector": sector, "scope": scope, "start": start, "end": end})

    templates = draw(st.lists(st.sampled_from(
        ["shared", "nested", "per_sector", "contradictory", "preferred", "preferred_inside", "expired", "dated"]),
        max_size=4))
    for name in templates:
        if name == "shared" and len(cities) >= 2:
            a, b = draw(st.lists(st.sampled_from(cities), min_size=2, max_size=2, unique=True))
            host = draw(st.sampled_from([top] + counties))
            add(a, host)
            add(b, host)
        elif name == "nested":
            add(province, top)
            school = draw(st.sampled_from(h_units))["id"]
            add(draw(st.sampled_from(cities)), school)
        elif name == "per_sector":
            county = draw(st.sampled_from(counties))
            hospitals = [u["id"] for u in s_units if u["kind"] == "hospital"]
            sector = "医疗" if "医疗" in sectors else draw(st.sampled_from(sectors))
            add(draw(st.sampled_from(hospitals or cities)), county, sector=sector)
            add(draw(st.sampled_from(cities)), county)
        elif name == "contradictory" and len(cities) >= 2:
            county = draw(st.sampled_from(counties))
            inside = units_in(county)
            a, b = draw(st.lists(st.sampled_from(cities), min_size=2, max_size=2, unique=True))
            add(a, county)
            add(b, draw(st.sampled_from(inside)))
        elif name == "preferred_inside":
            # an exclusive pairing with a preferred one nearer the host, from a sender inside it
            city = draw(st.sampled_from(cities))
            county = draw(st.sampled_from(counties))
            add(draw(st.sampled_from([province, city])), draw(st.sampled_from([top, county])))
            inner = [city] + [u["id"] for u in s_units if u["region"] == city]
            add(draw(st.sampled_from(inner)), draw(st.sampled_from([county] + units_in(county))),
                sector=draw(st.one_of(st.none(), st.sampled_from(sectors))), scope="preferred")
        elif name == "preferred":
            add(draw(st.sampled_from(senders)), draw(st.sampled_from(hosts)),
                sector=draw(st.one_of(st.none(), st.sampled_from(sectors))), scope="preferred")
        elif name == "expired":
            add(draw(st.sampled_from(senders)), draw(st.sampled_from(hosts)),
                period=draw(st.tuples(st.sampled_from([None, dt.date(2024, 1, 1)]),
                                      st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)))))
        elif name == "dated":
            add(draw(st.sampled_from(senders)), draw(st.sampled_from(hosts)),
                sector=draw(st.one_of(st.none(), st.sampled_from(sectors))),
                period=draw(pairing_dates(boundaries)))
    for _ in range(draw(st.integers(0, 4))):
        add(draw(st.sampled_from(senders)), draw(st.sampled_from(hosts)),
            sector=draw(st.one_of(st.none(), st.none(), st.sampled_from(sectors))),
            scope=draw(st.sampled_from(["exclusive", "exclusive", "preferred", None])),
            period=draw(dates))
    return out


# --------------------------------------------------------------------------- #
# people and orders
# --------------------------------------------------------------------------- #


@st.composite
def person_row(draw, s_units, sectors):
    """One person (without id and name)."""
    sector = draw(st.sampled_from(sectors))
    start = draw(st.one_of(st.sampled_from([dt.date(2026, 1, 1), dt.date(2026, 12, 1), dt.date(2027, 3, 1),
                                            dt.date(2027, 9, 1)]),
                           st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31))))
    end = draw(st.one_of(st.sampled_from([dt.date(2029, 12, 31), dt.date(2030, 12, 31)]),
                         st.dates(start, dt.date(2030, 12, 31))))
    return {
        "sending_unit": draw(st.sampled_from(s_units))["id"],
        "category": draw(st.sampled_from(["cadre", "professional", "expert"])),
        "sector": sector,
        "skill": draw(st.one_of(st.none(), st.sampled_from(SECTOR_SKILLS[sector]))),
        "level": draw(st.one_of(st.none(), st.integers(1, 3))),
        "can_lead": draw(st.booleans()),
        "program": draw(st.sampled_from(["planned", "flexible", None])),
        "available_from": start,
        "available_to": end,
        "wishes": None,
    }


@st.composite
def order_row(draw, h_units, sectors):
    """One order (without id)."""
    sector = draw(st.sampled_from(sectors))
    start, end = draw(order_period())
    return {
        "host_unit": draw(st.sampled_from(h_units))["id"],
        "sector": sector,
        "skill": draw(st.one_of(st.none(), st.none(), st.sampled_from(SECTOR_SKILLS[sector]))),
        "role": draw(st.sampled_from(["member", "member", "lead", None])),
        "headcount": draw(st.integers(1, 3)),
        "start": start,
        "end": end,
        "priority": draw(st.one_of(st.none(), st.integers(1, 5))),
        "min_level": draw(st.one_of(st.none(), st.none(), st.integers(1, 3))),
        "team": None,
        "rotation_months": draw(st.sampled_from([None, None, 3, 6])),
    }


@st.composite
def programme_rows(draw, max_people: int = 25, max_orders: int = 12):
    """A whole programme as ``{table: [row dicts]}`` (regions, units, pairings, people, orders)."""
    s_regions, s_units = draw(sending_tree())
    h_regions, h_units = draw(host_tree())
    sectors = draw(st.lists(st.sampled_from(list(SECTOR_SKILLS)), min_size=2, max_size=3, unique=True))
    # lists of rows (ids given afterwards) so that the shrinker can drop single people and orders
    orders = draw(st.lists(order_row(h_units, sectors), min_size=1, max_size=max_orders))
    for i, o in enumerate(orders, 1):
        o["id"] = f"O{i:02d}"
    people = draw(st.lists(person_row(s_units, sectors), min_size=min(6, max_people), max_size=max_people))
    for i, p in enumerate(people, 1):
        p["id"], p["name"] = f"P{i:02d}", f"援派{i}"
    pairings = draw(pairings_for(s_regions, s_units, h_regions, h_units, sectors, _boundaries(orders)))
    return {"regions": s_regions + h_regions, "units": s_units + h_units, "pairings": pairings,
            "people": people, "orders": orders}


def programmes(max_people: int = 25, max_orders: int = 12):
    """A whole programme as the ``{table: csv text}`` dict ``conftest.csv_workbook`` takes."""
    return programme_rows(max_people, max_orders).map(to_csv)
