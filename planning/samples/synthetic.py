"""Synthetic workbooks of any size with the sample's shapes, deterministic by seed.

Sending provinces → cities → sending units → people; host provinces →
prefectures → counties → host units with orders (some in teams, some rotating
every 3 months), pairings as real programmes have them (see :func:`_pairings`), an active batch
of assignments, local staff and mentorships. Everything is drawn with numpy in
whole arrays; nothing loops over people.

Examples
--------
>>> from planning.samples.synthetic import synthetic_workbook
>>> wb = synthetic_workbook(people=2_000, host_units=200, sectors=10, seed=1)
>>> len(wb.people), len(wb.units[wb.units.side == "host"])
(2000, 200)
>>> from planning.contract import save_workbook, load_workbook
>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> load_workbook(save_workbook(wb, os.path.join(d, "wb"))).equals(wb)
True
"""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from ..contract import Workbook, empty_table, with_contract_types

KINDS = np.array(["school", "hospital", "township", "village", "cdc", "farm", "government", "park"])
DAY0 = np.datetime64("2026-01-01")


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(4, len(str(n)))
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width))


def _frame(name: str, data: dict) -> pd.DataFrame:
    base = empty_table(name)
    n = len(next(iter(data.values())))
    return with_contract_types(name, pd.DataFrame({c: data.get(c, pd.Series([None] * n)) for c in base.columns}))


def _pairings(rng, sprov, city, city_parent, hprov, pref, pref_parent, county, county_parent, hunit, hregion,
               sector_names, orders, per_prefecture: int | None = None) -> pd.DataFrame:
    """Pairings as the seed programmes have them, all drawn in whole arrays.

    - every host prefecture is held **exclusively by several cities together**
      (``per_prefecture`` consecutive cities, default: the cities dealt evenly
      over the prefectures; as Shandong's cities share Kashgar's counties); one
      in ten of these city pairings ends on 2027-06-30;
    - each sending province has a **preferred** pairing with every host
      province where its cities hold a prefecture (province-wide, over the
      city-level exclusive ones);
    - one county in five is narrowed to one of its prefecture's cities
      (nested exclusive), and one in ten has a per-sector exclusive pairing
      from another of those cities beside it;
    - one host unit in twenty is staffed by one city alone (一市包一校), and one
      in forty by one city for its most ordered sector (院包科).
    """
    n_city, n_pref, n_county = len(city), len(pref), len(county)
    k_hold = min(n_city, per_prefecture or max(1, -(-n_city // n_pref)))
    # prefecture k is held by k_hold consecutive cities (column j: its j-th city)
    first = (np.arange(n_pref) * n_city) // n_pref
    hold = city[(first[:, None] + np.arange(k_hold)[None, :]) % n_city]
    n_hold = np.full(n_pref, k_hold)
    rows = []
    # prefectures held by several cities together
    pk = np.repeat(np.arange(n_pref), n_hold)
    pj = np.arange(len(pk)) - np.repeat(np.cumsum(n_hold) - n_hold, n_hold)
    ends = np.where(rng.random(len(pk)) < 0.1, np.datetime64("2027-06-30"), np.datetime64("2029-12-31"))
    rows.append(dict(sender=hold[pk, pj], host=pref[pk], sector=np.full(len(pk), None), scope="exclusive",
                     start=np.datetime64("2025-01-01"), end=ends))
    # province-wide preferred pairings
    pair = pd.DataFrame({"sp": city_parent[np.isin(city, hold)], "c": city[np.isin(city, hold)]})
    pp = pd.DataFrame({"p": pref, "hp": pref_parent})
    held = pd.DataFrame({"c": hold[pk, pj], "p": pref[pk]}).merge(pp, on="p").merge(pair, on="c")
    sp = held[["sp", "hp"]].drop_duplicates()
    rows.append(dict(sender=sp["sp"].to_numpy(), host=sp["hp"].to_numpy(), sector=np.full(len(sp), None),
                     scope="preferred", start=np.datetime64("2024-01-01"), end=np.full(len(sp), None)))
    # counties: nested exclusive (one city of the prefecture), and a per-sector one beside some
    ck = np.searchsorted(pref, county_parent)
    narrow = np.flatnonzero(rng.random(n_county) < 0.2)
    pick = rng.integers(0, 1 << 30, n_county)
    rows.append(dict(sender=hold[ck[narrow], pick[narrow] % n_hold[ck[narrow]]], host=county[narrow],
                     sector=np.full(len(narrow), None), scope="exclusive", start=np.datetime64("2025-01-01"),
                     end=np.full(len(narrow), None)))
    per = np.flatnonzero(rng.random(n_county) < 0.1)
    rows.append(dict(sender=hold[ck[per], (pick[per] + 1) % n_hold[ck[per]]], host=county[per],
                     sector=sector_names[rng.integers(0, len(sector_names), len(per))], scope="exclusive",
                     start=np.datetime64("2025-01-01"), end=np.full(len(per), None)))
    # unit level: 一市包一校 (all sectors) and 院包科 (the unit's most ordered sector)
    uk = ck[np.searchsorted(county, hregion)]
    r = rng.random(len(hunit))
    upick = rng.integers(0, 1 << 30, len(hunit))
    school = np.flatnonzero(r < 0.05)
    rows.append(dict(sender=hold[uk[school], upick[school] % n_hold[uk[school]]], host=hunit[school],
                     sector=np.full(len(school), None), scope="exclusive", start=np.datetime64("2026-01-01"),
                     end=np.datetime64("2029-12-31")))
    dept = np.flatnonzero((r >= 0.05) & (r < 0.075))
    top = orders.groupby(["host_unit", "sector"]).size().rename("n").reset_index()
    top = top.sort_values(["host_unit", "n"], ascending=[True, False]).drop_duplicates("host_unit")
    top = top.set_index("host_unit")["sector"].reindex(hunit[dept])
    dept, sec = dept[top.notna().to_numpy()], top.dropna().to_numpy()
    rows.append(dict(sender=hold[uk[dept], (upick[dept] + 1) % n_hold[uk[dept]]], host=hunit[dept],
                     sector=sec, scope="exclusive", start=np.datetime64("2026-01-01"),
                     end=np.full(len(dept), None)))
    data = {c: np.concatenate([np.broadcast_to(np.asarray(x[c], dtype=object), len(x["host"])) for x in rows])
            for c in ("sender", "host", "sector", "scope", "start", "end")}
    return _frame("pairings", data)


def _grid(seed: int, hprov, pref, pref_parent, hunit, hregion, county, county_parent, teams: bool,
          p_ids, assignments: pd.DataFrame, o_unit: pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
    """A three-level management grid over the host side, drawn in whole arrays from its own random stream
    (the rest of the workbook stays as it was without one).

    One HQ per host province (its host), one front HQ per prefecture under it, one group per host unit
    (running the unit's team when there are teams, so its lead seat leads it). The HQs and front HQs are
    led by a person on post in a unit under them, whose ``cell`` is that unit's group (one line of the
    grid); one person in five on post is given their group as ``cell`` explicitly, the others belong to it
    through their team. Returns the units table and each person's ``cell``.
    """
    rng = np.random.default_rng([seed, 20])
    hq = np.char.add("GH", hprov)
    front = np.char.add("GF", pref)
    group = np.char.add("GG", hunit)
    unit_pref = county_parent[np.searchsorted(county, hregion)]
    # each person on post, with the group of the unit they serve
    a = assignments.drop_duplicates("person")
    person = a["person"].to_numpy()
    where = np.searchsorted(hunit, o_unit.reindex(a["order"]).to_numpy())
    pref_of = unit_pref[where]
    # a leader for each front HQ and HQ: someone on post under it (their group is their cell)
    pick = pd.Series(rng.random(len(person))).groupby(pref_of).idxmin()
    front_leader = pd.Series(person[pick.to_numpy()], index=pick.index).reindex(pref)
    prov_of = pref_parent[np.searchsorted(pref, pref_of)]
    taken = np.isin(person, front_leader.dropna().to_numpy())
    pick = pd.Series(np.where(taken, 2.0, rng.random(len(person)))).groupby(prov_of).idxmin()
    hq_leader = pd.Series(person[pick.to_numpy()], index=pick.index).reindex(hprov)
    cell = np.full(len(p_ids), None, dtype=object)
    explicit = (rng.random(len(person)) < 0.2) | np.isin(person, front_leader.dropna().to_numpy()) \
        | np.isin(person, hq_leader.dropna().to_numpy())
    cell[np.searchsorted(p_ids, person[explicit])] = group[where[explicit]]
    n_p, n_h, n_u = len(pref), len(hprov), len(hunit)
    leaders = np.concatenate([hq_leader.to_numpy(dtype=object), front_leader.to_numpy(dtype=object),
                              np.full(n_u, None, dtype=object)])
    if not teams:  # no lead seats to lead the groups: the first person on post in each unit is named
        first = pd.Series(person).groupby(where).first()
        leaders[n_h + n_p + first.index.to_numpy()] = first.to_numpy()
        cell[np.searchsorted(p_ids, first.to_numpy())] = group[first.index.to_numpy()]
    units = _frame("management_units", dict(
        id=np.concatenate([hq, front, group]),
        name=np.concatenate([np.char.add("指挥部", hprov), np.char.add("前方指挥部", pref), np.char.add("小组", hunit)]),
        kind=np.concatenate([np.full(n_h, "hq"), np.full(n_p, "front_hq"), np.full(n_u, "group")]),
        level=np.concatenate([np.full(n_h, 1), np.full(n_p, 2), np.full(n_u, 3)]),
        parent=np.concatenate([np.full(n_h, None), np.char.add("GH", pref_parent), np.char.add("GF", unit_pref)]),
        leader=leaders,
        team=np.concatenate([np.full(n_h + n_p, None, dtype=object),
                             _team_ids(hunit).astype(object) if teams else np.full(n_u, None, dtype=object)]),
        host=np.concatenate([hprov, pref, hunit])))
    units["level"] = units["level"].astype("Int64")
    return units, cell


def _team_ids(hunit) -> np.ndarray:
    """The team of each host unit, as :func:`synthetic_workbook` names them (``T`` + the unit's number)."""
    return _ids("T", len(hunit))


def synthetic_workbook(people: int = 50_000, host_units: int = 5_000, sectors: int = 30, seed: int = 0,
                       teams: bool = True, orders_per_unit: float = 3.0, fill: float = 0.6,
                       cities_per_prefecture: int | None = None, grid: bool = True) -> Workbook:
    """A valid synthetic workbook.

    Parameters
    ----------
    people, host_units, sectors : int
        Sizes (defaults: the national scale, 50,000 people, 5,000 host units, 30 sectors).
    seed : int
        Same seed, same workbook.
    teams : bool
        Group each host unit's orders into a team with ``same_source`` and
        ``lead_required`` rules (False gives a plain market with no team rules).
    orders_per_unit : float
        Mean number of orders per host unit.
    fill : float
        Share of seats staffed by the current (active) batch.
    cities_per_prefecture : int, optional
        How many sending cities hold each host prefecture together (default:
        the cities dealt evenly over the prefectures).
    grid : bool
        Add a three-level management grid (HQ per host province, front HQ per
        prefecture, a group per host unit; see :func:`_grid`). Drawn last, from
        its own random stream: the other tables are the same either way.
    """
    rng = np.random.default_rng(seed)
    # ---- regions -------------------------------------------------------------
    n_sprov = max(1, min(10, people // 5_000))
    n_city = n_sprov * 10
    n_hprov = max(1, min(5, host_units // 1_000))
    n_pref = n_hprov * 5
    n_county = max(n_pref, host_units // 10)
    sprov, city = _ids("SP", n_sprov), _ids("SC", n_city)
    hprov, pref, county = _ids("HP", n_hprov), _ids("HF", n_pref), _ids("HC", n_county)
    city_parent = sprov[np.arange(n_city) % n_sprov]
    pref_parent = hprov[np.arange(n_pref) % n_hprov]
    county_parent = pref[np.arange(n_county) % n_pref]
    ids = np.concatenate([sprov, city, hprov, pref, county])
    level = np.concatenate([np.full(n_sprov, "province"), np.full(n_city, "city"), np.full(n_hprov, "province"),
                            np.full(n_pref, "prefecture"), np.full(n_county, "county")])
    parent = np.concatenate([np.full(n_sprov, None), city_parent, np.full(n_hprov, None), pref_parent,
                             county_parent]).astype(object)
    side = np.concatenate([np.full(n_sprov + n_city, "sending"), np.full(n_hprov + n_pref + n_county, "host")])
    lon = np.concatenate([rng.uniform(110, 122, n_sprov + n_city), rng.uniform(75, 100, n_hprov + n_pref + n_county)])
    lat = np.concatenate([rng.uniform(25, 40, n_sprov + n_city), rng.uniform(28, 45, n_hprov + n_pref + n_county)])
    regions = _frame("regions", dict(id=ids, name=np.char.add("地区", ids), level=level, parent=parent, side=side,
                                     lon=lon.round(4), lat=lat.round(4)))
    # ---- units -----------------------------------------------------------------
    n_sunit = n_city * 5
    sunit = _ids("SU", n_sunit)
    hunit = _ids("HU", host_units)
    hregion = county[rng.integers(0, n_county, host_units)]
    units = _frame("units", dict(
        id=np.concatenate([sunit, hunit]),
        name=np.concatenate([np.char.add("派出单位", sunit), np.char.add("受援单位", hunit)]),
        kind=np.concatenate([np.full(n_sunit, "government"), KINDS[rng.integers(0, len(KINDS), host_units)]]),
        region=np.concatenate([city[np.arange(n_sunit) % n_city], hregion]),
        side=np.concatenate([np.full(n_sunit, "sending"), np.full(host_units, "host")])))
    # ---- people ----------------------------------------------------------------
    sector_names = np.array([f"行业{k + 1:02d}" for k in range(sectors)])
    skills_per = 5
    p_sector = rng.integers(0, sectors, people)
    p_skill = rng.integers(0, skills_per, people)
    p_ids = _ids("P", people)
    start_off = rng.integers(-365, 365, people)
    span = rng.choice([91, 365, 548, 1095], people, p=[0.15, 0.25, 0.3, 0.3])
    p_from = DAY0 + start_off.astype("timedelta64[D]")
    p_to = p_from + (span + rng.integers(0, 400, people)).astype("timedelta64[D]")
    can_lead = rng.random(people) < 0.15
    p_unit = sunit[rng.integers(0, n_sunit, people)]
    wishes = np.where(rng.random(people) < 0.1, hunit[rng.integers(0, host_units, people)], None)
    ppl = _frame("people", dict(
        id=p_ids, name=np.char.add("人员", p_ids), sending_unit=p_unit,
        category=np.where(can_lead, "cadre", np.where(rng.random(people) < 0.9, "professional", "expert")),
        sector=sector_names[p_sector], skill=np.char.add(np.char.add(sector_names[p_sector], "-专业"),
                                                        (p_skill + 1).astype(str)),
        level=rng.choice([1, 2, 3, 4], people, p=[0.3, 0.35, 0.25, 0.1]), can_lead=can_lead,
        program=np.where(span == 91, "flexible", "planned"), available_from=p_from, available_to=p_to,
        wishes=wishes))
    # ---- orders ----------------------------------------------------------------
    per_unit = rng.poisson(orders_per_unit - 1, host_units) + 1
    n_orders = int(per_unit.sum())
    o_unit_idx = np.repeat(np.arange(host_units), per_unit)
    first = np.r_[0, np.cumsum(per_unit)[:-1]]
    rank_in_unit = np.arange(n_orders) - np.repeat(first, per_unit)
    o_sector = rng.integers(0, sectors, n_orders)
    o_skill = rng.integers(0, skills_per, n_orders)
    named = rng.random(n_orders) < 0.8
    role = np.where(teams & (rank_in_unit == 0), "lead", np.where(rng.random(n_orders) < 0.05, "lead", "member"))
    headcount = np.where(role == "lead", 1, rng.choice([1, 1, 2, 2, 3], n_orders))
    o_start = DAY0 + rng.integers(0, 540, n_orders).astype("timedelta64[D]")
    rotating = rng.random(n_orders) < 0.05
    o_len = np.where(rotating, 365, rng.choice([182, 365, 548], n_orders))
    o_end = o_start + (o_len - 1).astype("timedelta64[D]")
    o_ids = _ids("O", n_orders)
    t_ids = _ids("T", host_units)
    orders = _frame("orders", dict(
        id=o_ids, host_unit=hunit[o_unit_idx], sector=sector_names[o_sector],
        skill=np.where(named, np.char.add(np.char.add(sector_names[o_sector], "-专业"), (o_skill + 1).astype(str)),
                       None).astype(object),
        role=role, headcount=headcount, start=o_start, end=o_end,
        priority=rng.choice([1, 2, 3, 4, 5], n_orders, p=[0.1, 0.2, 0.4, 0.2, 0.1]),
        min_level=rng.choice([1, 1, 2, 3], n_orders), team=(t_ids[o_unit_idx] if teams else
                                                             np.full(n_orders, None)).astype(object),
        rotation_months=np.where(rotating, 3, np.nan)))
    orders["rotation_months"] = orders["rotation_months"].astype("Int64")
    tm = _frame("teams", dict(id=t_ids, host=hunit, model=np.full(host_units, "1+x"),
                              same_source=rng.random(host_units) < 0.5, lead_required=np.full(host_units, True))) \
        if teams else empty_table("teams")
    # ---- pairings, shaped as real programmes are -------------------------------
    pairings = _pairings(rng, sprov, city, city_parent, hprov, pref, pref_parent, county, county_parent,
                         hunit, hregion, sector_names, orders, cities_per_prefecture)
    # ---- assignments: an active batch on a share of the seats -----------------
    order_of_person = np.argsort(p_sector, kind="stable")
    counts = np.bincount(p_sector, minlength=sectors)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    staffed = (rng.random(n_orders) < fill) & (counts[o_sector] > 0) & ~rotating
    oi = np.flatnonzero(staffed)
    pick = order_of_person[starts[o_sector[oi]] + (rng.random(len(oi)) * counts[o_sector[oi]]).astype(int)]
    _, keep = np.unique(pick, return_index=True)  # one assignment per person
    oi, pick = oi[keep], pick[keep]
    assignments = _frame("assignments", dict(
        person=p_ids[pick], order=o_ids[oi], start=o_start[oi], end=o_end[oi],
        status=np.where(o_start[oi] <= np.datetime64("2026-11-22"), "active", "planned")))
    # ---- local staff and mentorships ------------------------------------------
    n_local = host_units * 5
    l_ids = _ids("L", n_local)
    l_unit = np.repeat(hunit, 5)
    l_sector = rng.integers(0, sectors, n_local)
    local = _frame("local_staff", dict(id=l_ids, name=np.char.add("本地", l_ids), host_unit=l_unit,
                                       sector=sector_names[l_sector],
                                       skill=np.char.add(np.char.add(sector_names[l_sector], "-专业"),
                                                         (rng.integers(0, skills_per, n_local) + 1).astype(str))))
    m = min(len(pick), n_local)
    ment = _frame("mentorships", dict(mentor=p_ids[pick[:m]], apprentice=l_ids[rng.permutation(n_local)[:m]],
                                      host_unit=hunit[o_unit_idx[oi[:m]]], start=o_start[oi[:m]],
                                      end=o_end[oi[:m]]))
    # the apprentice must be at the mentor's host unit: re-draw within the unit
    ment["apprentice"] = l_ids[(np.searchsorted(hunit, ment["host_unit"].to_numpy()) * 5
                                + rng.integers(0, 5, m))]
    ment = ment.drop_duplicates("apprentice").reset_index(drop=True)
    ind = _frame("indicators", dict(host_unit=np.repeat(hunit[: min(500, host_units)], 3),
                                    indicator=np.full(3 * min(500, host_units), "培训人次"),
                                    period=np.full(3 * min(500, host_units), "2026"),
                                    kind=np.tile(["baseline", "target", "actual"], min(500, host_units)),
                                    value=rng.integers(50, 500, 3 * min(500, host_units)).astype(float)))
    mu = empty_table("management_units")
    if grid:
        o_unit = pd.Series(hunit[o_unit_idx], index=o_ids)
        mu, cell = _grid(seed, hprov, pref, pref_parent, hunit, hregion, county, county_parent, teams, p_ids,
                         assignments[assignments["status"].isin(["active", "planned"])], o_unit)
        ppl["cell"] = with_contract_types("people", ppl.assign(cell=cell))["cell"]
    return Workbook(regions=regions, units=units, pairings=pairings, people=ppl, teams=tm, orders=orders,
                    assignments=assignments, mentorships=ment, local_staff=local, indicators=ind,
                    management_units=mu,
                    source=f"synthetic(people={people}, host_units={host_units}, sectors={sectors}, seed={seed})")


def with_criteria(wb: Workbook, seed: int = 0, miss: float = 0.1) -> Workbook:
    """``wb`` with every selection criterion of design §11 set (a copy): people's facts, orders' demands,
    host altitudes, sending units' grades and one term rule per role (teams' lead ranks where ``wb`` has teams).

    Most people meet what the orders ask; about ``miss`` of them miss one fact (an old birth
    date, a lower title, probationary membership, an expired check, no clearance or an early
    vetting stage, Party years), so most criteria exclude someone. For benchmarks and tests.
    """
    rng = np.random.default_rng(seed + 34)
    out = wb.copy()
    p, o = out.people.copy(), out.orders.copy()
    n, m = len(p), len(o)
    bad = rng.random(n) < miss
    which = rng.integers(0, 7, n)
    p["rank"] = np.where(rng.random(n) < 0.5, "section", "deputy_section")
    p["title"] = np.where(bad & (which == 0), "junior", "associate_senior")
    birth = pd.Timestamp("1986-06-01") - pd.to_timedelta(rng.integers(0, 3650, n), unit="D")
    p["birth_date"] = np.where(bad & (which == 1), pd.Timestamp("1970-01-01"), birth).astype("datetime64[ns]")
    p["party_status"] = np.where(bad & (which == 2), "probationary_member", "party_member")
    p["party_joined"] = np.where(bad & (which == 6), pd.Timestamp("2026-06-01"), pd.Timestamp("2010-07-01")
                                 ).astype("datetime64[ns]")
    p["work_started"] = pd.Timestamp("2008-07-01")
    p["medical_date"] = np.where(bad & (which == 3), pd.Timestamp("2025-01-10"), pd.Timestamp("2026-09-01")
                                 ).astype("datetime64[ns]")
    p["medical_result"] = "fit"
    p["altitude_clearance"] = np.where(bad & (which == 4), "not_cleared", "cleared")
    p["vetting_stage"] = np.where(bad & (which == 5), "vetted", "publicised")
    p["vetting_date"] = pd.Timestamp("2026-10-15")
    o["post_rank"] = np.where(rng.random(m) < 0.2, "section", None)
    o["min_title"] = "intermediate"
    o["age_cap"] = pd.array(np.where(rng.random(m) < 0.5, 45, 50), dtype="Int64")
    o["party_required"] = True
    o["min_party_years"] = pd.array(np.full(m, 1), dtype="Int64")
    o["min_service_years"] = pd.array(np.full(m, 2), dtype="Int64")
    o["programme"] = "援疆"
    units = out.units.copy()
    units["altitude"] = np.where(rng.random(len(units)) < 0.2, 3600.0, 1300.0)
    # sending units' grades (三甲 for most) and orders asking for a grade 3A sender (drawn last: the rest unchanged)
    units["grade"] = np.where(units["side"].eq("sending").to_numpy() & (rng.random(len(units)) < 0.9), "grade_3a",
                              "grade_2a")
    o["min_sender_grade"] = np.where(rng.random(m) < 0.3, "grade_3a", None)
    out.people = with_contract_types("people", p)
    out.orders = with_contract_types("orders", o)
    out.units = units
    out.term_rules = with_contract_types("term_rules", pd.DataFrame({
        "programme": ["援疆", "援疆"], "role": ["lead", "member"], "min_months": [None, None],
        "max_months": [None, None], "rotation_allowed": [True, True], "last_stage": ["publicised", "decided"],
        "medical_months": [12, 12], "promotion_allowed": [True, False],
        "plan_stage": ["decided", "decided"]}))
    if len(out.teams):
        out.teams = with_contract_types("teams", out.teams.assign(lead_rank="deputy_section"))
    return out


def with_senders(wb: Workbook, seed: int = 0, dispatch: str = "2027-03-01", quota_share: float = 0.3,
                 staff_factor: tuple[float, float] = (2.0, 5.0), shares=(0.1, 0.15, 0.2, 0.25, None)) -> Workbook:
    """``wb`` with a batch, senders' quotas and sending units' staff with caps (design §9; a copy).

    One batch dispatched on ``dispatch``; per sending city × sector a quota of about
    ``quota_share`` of its people in the sector (drawn from 0.5× to 1.5× of it, at least 1); per sending unit ×
    sector with people its staff (``staff_factor``: its people times a draw between the two) and a
    largest share away drawn from ``shares`` (None: no cap), so some quotas and caps bind. For
    benchmarks and tests; :func:`synthetic_workbook` gives none of these by itself.
    """
    from ..core.hierarchy import source_city

    rng = np.random.default_rng(seed + 29)
    out = wb.copy()
    p = out.people
    out.batches = with_contract_types("batches", pd.DataFrame({
        "id": ["B1"], "name": ["第一批"], "dispatch": [pd.Timestamp(dispatch)], "window_end": [pd.NaT]}))
    city = p["id"].map(source_city(out))
    n = pd.DataFrame({"sender": city.to_numpy(), "sector": p["sector"].to_numpy()}).value_counts().sort_index()
    q = np.maximum(1, np.round(n.to_numpy() * quota_share * rng.uniform(0.5, 1.5, len(n)))).astype(np.int64)
    out.quotas = with_contract_types("quotas", pd.DataFrame({
        "sender": n.index.get_level_values(0), "sector": n.index.get_level_values(1), "batch": "B1", "count": q}))
    u = pd.DataFrame({"unit": p["sending_unit"].to_numpy(), "sector": p["sector"].to_numpy()}).value_counts().sort_index()
    staff = np.maximum(1, np.round(u.to_numpy() * rng.uniform(*staff_factor, len(u)))).astype(np.int64)
    share = np.array(shares, dtype=object)[rng.integers(0, len(shares), len(u))]
    out.sender_staff = with_contract_types("sender_staff", pd.DataFrame({
        "unit": u.index.get_level_values(0), "sector": u.index.get_level_values(1), "staff": staff,
        "max_share": pd.array(share, dtype="Float64")}))
    return out


if __name__ == "__main__":  # pragma: no cover
    from ..contract import save_workbook

    out = sys.argv[1] if len(sys.argv) > 1 else "data/generated/national"
    print(save_workbook(synthetic_workbook(), out))
