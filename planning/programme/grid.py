"""Who leads whom: the management grid over time, and the checks a leader asks for.

The grid is the table ``management_units`` (HQ → cells → groups) with the column
``people.cell`` (:mod:`planning.contract.grid_rules` says what loading refuses). Over time:

- A person is **on post** on a day when an active or planned assignment covers it
  (:mod:`planning.core.live`; a missing end is an open one).
- A person **belongs to** a unit while on post: to their ``cell`` when one is given;
  otherwise, while on a seat of a team that a unit runs (``management_units.team``), to
  that unit. So a 1+X team written as a unit needs no ``cell`` filled for its members.
- A unit's **leaders** are its named ``leader`` while on post, and — the allocation's
  1+X rule and the grid being the same idea — whoever is on a lead seat (``role`` lead)
  of the team the unit runs, while on it. A rotation that puts someone new on the lead
  seat therefore restores the unit's leader with no edit to the grid.
- The **people under** a unit are its members and everyone in the units below it,
  their leaders included: a work group answers for its groups, an HQ for its cells.

The checks (each one vectorised; plain day-by-day references live in the tests):

- :func:`people_in_no_cell`: on post today where the grid reaches (the host units under
  any unit's ``host``; everywhere when no unit names a host), yet in no unit;
- :func:`leaderless_today`: units with people under them on post today and no leader on post;
- :func:`leadership_cliffs`: units whose leaders' terms end before their people's: the first
  day ahead with people under the unit on post and no leader, who leaves, and when (if ever)
  a leader is back;
- :func:`lead_seats_needed`: for each unit left without a leader while people stay or the
  next batch's drafted seats arrive, the lead seat that covers the day (an order or a draft),
  or a proposed lead seat where there is none.

Examples
--------
>>> import planning
>>> from planning.programme.grid import leaderless_today, leadership_cliffs, people_in_no_cell
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> len(people_in_no_cell(wb, on="2026-11-22")), len(leaderless_today(wb, on="2026-11-22"))
(0, 0)
>>> c = leadership_cliffs(wb, on="2026-11-22")
>>> c[["unit", "leaderless_from", "people"]].astype(str).values.tolist()
[['YJS-TWN09', '2027-01-01', '1'], ['YJS-TWN12', '2027-01-01', '1']]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.hierarchy import ancestors
from ..core.live import is_live
from ..core.periods import ends
from ..contract.grid_rules import TABLE, unit_ancestors

DAY = np.timedelta64(1, "D")
#: Roles a person has in a unit.
LEADER, MEMBER = "leader", "member"

__all__ = ["grid_units", "stints", "memberships", "people_under", "in_reach", "people_in_no_cell", "two_cells_on_post",
           "leaderless_today", "leadership_cliffs", "leadership_gaps", "lead_seats_needed", "proposed_seats",
           "draft_units", "grid_summary",
           "scope_grid", "CONTACT_COLUMNS", "contact_columns"]

#: People columns a roster may show as contact details, when the contract names them.
CONTACT_COLUMNS = ("phone", "email")


def contact_columns() -> list[str]:
    """The contact columns a grid roster may include: those of :data:`CONTACT_COLUMNS` the contract names.

    >>> contact_columns()
    ['phone', 'email']
    """
    from ..contract import schema

    named = set(schema.columns("people").index)
    return [c for c in CONTACT_COLUMNS if c in named]


def _day(on) -> pd.Timestamp:
    return (pd.Timestamp(on) if on is not None else today()).normalize()


def _units(wb) -> pd.DataFrame:
    mu = getattr(wb, TABLE, None)
    if mu is None:
        from ..contract import empty_table

        return empty_table(TABLE)
    return mu


def grid_units(wb) -> pd.DataFrame:
    """The management units with their place in the grid.

    Adds ``depth`` (0 at the top), ``level_shown`` (the given level, else the parent's plus
    one, 1 at the top), ``root`` (the top unit above) and ``order`` (a depth-first position:
    parents before children, siblings by level then as written).

    >>> import planning
    >>> g = grid_units(planning.load_workbook(planning.SAMPLE)).set_index("id")
    >>> [str(v) for v in g.loc["BT-GRP-DOC", ["depth", "level_shown", "root"]]]
    ['1', '2', 'BT-WG']
    """
    mu = _units(wb).reset_index(drop=True)
    anc = unit_ancestors(mu["id"], mu["parent"])
    depth = anc.groupby("unit")["depth"].max()
    root = anc.sort_values("depth").drop_duplicates("unit", keep="last").set_index("unit")["ancestor"]
    out = mu.assign(depth=mu["id"].map(depth).fillna(0).astype(int).to_numpy(),
                    root=mu["id"].map(root).to_numpy())
    given = pd.Series(out["level"].to_numpy(dtype=float, na_value=np.nan), index=out["id"].to_numpy())
    shown = given.copy()
    for d in range(1, int(out["depth"].max()) + 1 if len(out) else 0):  # one step per level of the grid
        at = out["depth"].to_numpy() == d
        parent_level = out.loc[at, "parent"].map(shown).to_numpy(dtype=float)
        fill = at & np.isnan(shown.to_numpy())
        shown.iloc[np.flatnonzero(fill)] = parent_level[fill[at]] + 1
    shown = shown.fillna(1)
    out["level_shown"] = shown.to_numpy().astype(int)
    # depth-first order: the path of positions from the top
    pos = pd.Series(np.arange(len(out)), index=out["id"].to_numpy())
    pos = pos[~pos.index.duplicated()]
    path = anc.assign(p=anc["ancestor"].map(pos), lv=anc["ancestor"].map(shown))
    width = len(str(max(len(out), 1)))
    path["key"] = path["lv"].astype(int).astype(str).str.zfill(2) + path["p"].astype(int).astype(str).str.zfill(width)
    keys = path.sort_values("depth", ascending=False).groupby("unit", sort=False)["key"].agg("/".join)
    out["order"] = out["id"].map(keys.rank(method="first")).fillna(0).astype(int).to_numpy()
    return out


def stints(wb, persons=None) -> pd.DataFrame:
    """Live assignments (active and planned) as ``person, order, host_unit, team, role, start, end`` (open ends
    closed), optionally of some persons only."""
    a = wb.assignments
    a = a[is_live(a)]
    if persons is not None:
        a = a[a["person"].isin(persons)]
    o = wb.orders.drop_duplicates("id").set_index("id")
    return pd.DataFrame({
        "person": a["person"].to_numpy(), "order": a["order"].to_numpy(),
        "host_unit": a["order"].map(o["host_unit"]).to_numpy(), "team": a["order"].map(o["team"]).to_numpy(),
        "role": a["order"].map(o["role"]).to_numpy(),
        "start": a["start"].to_numpy(dtype="datetime64[ns]"), "end": ends(a["end"]).to_numpy(),
    })


def memberships(wb) -> pd.DataFrame:
    """Who is in which unit when: ``person, unit, role`` (leader or member), ``via`` (cell, team or named),
    ``start, end`` and the ``order`` the stint is on; one row per live stint."""
    mu = _units(wb)
    cols = ["person", "unit", "role", "via", "start", "end", "order"]
    if mu.empty:
        return pd.DataFrame(columns=cols)
    st = stints(wb)
    parts = []
    cell = wb.people["cell"] if "cell" in wb.people.columns else pd.Series(pd.NA, index=wb.people.index)
    cell_of = pd.Series(cell.to_numpy(dtype=object), index=wb.people["id"].to_numpy()).dropna()
    known = set(mu["id"])
    cell_of = cell_of[cell_of.isin(known)]
    # members by their cell, while on post anywhere
    c = st[st["person"].isin(cell_of.index)]
    parts.append(c.assign(unit=c["person"].map(cell_of).to_numpy(), role=MEMBER, via="cell"))
    # the team a unit runs: its lead seats lead the unit, its other seats belong to it (when no cell is given)
    run = mu[mu["team"].notna()]
    unit_of_team = pd.Series(run["id"].to_numpy(), index=run["team"].to_numpy())
    unit_of_team = unit_of_team[~unit_of_team.index.duplicated()]
    tt = st[st["team"].isin(unit_of_team.index)]
    tt = tt.assign(unit=tt["team"].map(unit_of_team).to_numpy())
    lead_seat = tt["role"].eq("lead").to_numpy()
    parts.append(tt[lead_seat].assign(role=LEADER, via="team"))
    rest = tt[~lead_seat & ~tt["person"].isin(cell_of.index).to_numpy()]
    parts.append(rest.assign(role=MEMBER, via="team"))
    # named leaders, while on post
    named = mu[mu["leader"].notna()]
    leader_of = named[["id", "leader"]].rename(columns={"id": "unit", "leader": "person"})
    ln = st.merge(leader_of, on="person")
    parts.append(ln.assign(role=LEADER, via="named"))
    out = pd.concat([p[cols] for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame(columns=cols)
    return out.astype({"start": "datetime64[ns]", "end": "datetime64[ns]"})


def people_under(wb, m: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each unit, every stint of someone under it: its members and everyone in the units below
    (their leaders included). Columns as :func:`memberships`, ``unit`` being the unit answered for and
    ``in_unit`` the unit the person is in; ``role`` stays the person's role there."""
    m = memberships(wb) if m is None else m
    mu = _units(wb)
    anc = unit_ancestors(mu["id"], mu["parent"])
    up = m.rename(columns={"unit": "in_unit"}).merge(anc.rename(columns={"unit": "in_unit", "ancestor": "unit"}),
                                                     on="in_unit")
    # a unit's own leaders lead it: they are not people under it (nor when they also sit in a unit below)
    own = m.loc[m["role"].eq(LEADER), ["unit", "person"]].drop_duplicates().assign(own=True)
    up = up.merge(own, on=["unit", "person"], how="left")
    return up[up["own"].isna()].drop(columns=["depth", "own"]).reset_index(drop=True)


def in_reach(wb) -> set:
    """Host units the grid answers for: those under any unit's ``host``; every host unit when no unit names
    a host; none without a grid."""
    mu = _units(wb)
    if mu.empty:
        return set()
    hosts = wb.units.loc[wb.units["side"].eq("host"), "id"]
    named = set(mu["host"].dropna())
    if not named:
        return set(hosts)
    a = ancestors(wb)
    return set(a.loc[a["ancestor"].isin(named), "node"]) & set(hosts)


def people_in_no_cell(wb, on=None) -> pd.DataFrame:
    """People on post on ``on`` (default today) where the grid reaches, who are in no unit that day.

    Columns ``person, order, host_unit, start, end`` (the stint that puts them on post), one row per person.
    """
    day = _day(on)
    cols = ["person", "order", "host_unit", "start", "end"]
    reach = in_reach(wb)
    if not reach:
        return pd.DataFrame(columns=cols)
    st = stints(wb)
    now = st[(st["start"] <= day) & (st["end"] >= day) & st["host_unit"].isin(reach)]
    m = memberships(wb)
    placed = set(m.loc[(m["start"] <= day) & (m["end"] >= day), "person"])
    out = now[~now["person"].isin(placed)].sort_values(["host_unit", "person", "start"])
    return out.drop_duplicates("person")[cols].reset_index(drop=True)


def two_cells_on_post(wb, on=None) -> pd.DataFrame:
    """People who, on ``on`` (default today), are in units not on one line of the grid: a member of one group
    holding the lead seat of another group's team. Loading refuses this when the workbook names both; a
    plan can still bring it about. Columns ``person, units`` (``;``-joined, sorted)."""
    day = _day(on)
    m = memberships(wb)
    now = m[(m["start"] <= day) & (m["end"] >= day)].drop_duplicates(["person", "unit"])
    now = now[now["person"].duplicated(keep=False)]
    if now.empty:
        return pd.DataFrame(columns=["person", "units"])
    mu = _units(wb)
    anc = unit_ancestors(mu["id"], mu["parent"])
    depth = anc.groupby("unit")["depth"].max()
    now = now.assign(depth=now["unit"].map(depth).to_numpy())
    foot = now.sort_values(["person", "depth", "unit"], ascending=[True, False, True]).drop_duplicates("person") \
        .set_index("person")["unit"]
    pairs = pd.DataFrame({"unit": now["person"].map(foot).to_numpy(), "ancestor": now["unit"].to_numpy()})
    on_line = pairs.merge(anc[["unit", "ancestor"]].assign(hit=True), on=["unit", "ancestor"], how="left")["hit"]
    bad = set(now["person"].to_numpy()[on_line.isna().to_numpy()])
    out = now[now["person"].isin(bad)].groupby("person")["unit"].agg(lambda s: ";".join(sorted(s)))
    return out.rename("units").reset_index()


def _days(x) -> np.ndarray:
    return np.asarray(x, dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def _as_day(x) -> np.ndarray:
    return np.asarray(x, dtype=np.int64).astype("datetime64[D]").astype("datetime64[ns]")


NEVER = np.iinfo(np.int64).max
_SPAN = np.int64(1) << 32  # unit code × span + day: one sortable key (days since 1970 fit in 32 bits)


def _first_gaps(n_units: int, lu, ls, le, uu, us, ue, d0: int):
    """The first day from ``d0`` on which someone is under a unit and no leader of it is.

    Leaders' stints (unit codes ``lu``, days ``ls``–``le``) and people's (``uu``, ``us``–``ue``), days as
    integers, inclusive. Returns unit codes, their first leaderless day and the day a leader is next on post
    (-1 when none is). The leaders' stints of each unit are merged into blocks (touching ones join); a
    person's first uncovered day is their start, or the day after the block holding it.
    """
    ls, us = np.maximum(ls, d0), np.maximum(us, d0)
    keep = le >= ls
    lu, ls, le = lu[keep], ls[keep], le[keep]
    keep = ue >= us
    uu, us, ue = uu[keep], us[keep], ue[keep]
    o = np.lexsort((ls, lu))
    lu, ls, le = lu[o], ls[o], le[o]
    reach = pd.Series(le).groupby(lu).cummax().to_numpy() if len(le) else le
    prev = np.r_[np.iinfo(np.int64).min, reach[:-1]]
    new = np.r_[True, lu[1:] != lu[:-1]] | (ls > prev + 1) if len(lu) else np.zeros(0, dtype=bool)
    block = np.cumsum(new) - 1
    bu, bs = lu[new], ls[new]
    be = pd.Series(reach).groupby(block).max().to_numpy() if len(block) else np.zeros(0, dtype=np.int64)
    key = bu.astype(np.int64) * _SPAN + bs
    k = np.searchsorted(key, uu.astype(np.int64) * _SPAN + us, side="right") - 1
    kk = np.maximum(k, 0)
    inside = (k >= 0) & (bu[kk] == uu) & (be[kk] >= us) if len(key) else np.zeros(len(uu), dtype=bool)
    first = np.where(inside, be[kk] + 1 if len(key) else 0, us)
    first = np.where(first <= ue, first, NEVER)
    gap = pd.Series(first).groupby(uu).min() if len(uu) else pd.Series(dtype=np.int64)
    gap = gap[gap < NEVER]
    gu, gd = gap.index.to_numpy(dtype=np.int64), gap.to_numpy(dtype=np.int64)
    if len(key) and len(gu):
        j = np.searchsorted(key, gu * _SPAN + gd, side="right")
        jj = np.minimum(j, len(key) - 1)
        back = np.where((j < len(key)) & (bu[jj] == gu), bs[jj], -1)
    else:
        back = np.full(len(gu), -1, dtype=np.int64)
    return gu, gd, back


def _on_day(uu, us, ue, gu, gd) -> np.ndarray:
    """Whether each stint (unit code ``uu``, days ``us``–``ue``) covers its unit's day in (``gu``, ``gd``)."""
    at = pd.Series(gd, index=gu).reindex(uu).to_numpy(dtype=float)
    return (us <= at) & (ue >= at)


def leadership_gaps(wb, on=None) -> pd.DataFrame:
    """For each unit, the first day from ``on`` (default today) on which people under it are on post and
    no leader of it is.

    Columns ``unit``, ``leaderless_from``, ``leader_back`` (the next day a leader is on post, NaT when none
    is in sight), ``people`` (under the unit on post that day), ``people_until`` (the last day anyone under
    it is on post), ``last_leader`` and ``leaves_on`` (the leader whose stint ends the day before, when one
    does). Units that never lack a leader while people are under them are left out.
    """
    day = _day(on)
    cols = ["unit", "leaderless_from", "leader_back", "people", "people_until", "last_leader", "leaves_on"]
    mu = _units(wb)
    m = memberships(wb)
    if mu.empty or m.empty:
        return pd.DataFrame(columns=cols)
    codes = pd.Index(mu["id"].drop_duplicates())
    lead = m[m["role"].eq(LEADER)]
    under = people_under(wb, m)
    lu, uu = codes.get_indexer(lead["unit"]), codes.get_indexer(under["unit"])
    ls, le, us, ue = _days(lead["start"]), _days(lead["end"]), _days(under["start"]), _days(under["end"])
    gu, gd, back = _first_gaps(len(codes), lu, ls, le, uu, us, ue, _days([day])[0])
    if not len(gu):
        return pd.DataFrame(columns=cols)
    on_day = _on_day(uu, us, ue, gu, gd)
    count = pd.Series(under["person"].to_numpy()[on_day]).groupby(uu[on_day]).nunique()
    until = pd.Series(ue).groupby(uu).max()
    # who leaves the day before (a leader whose stint ends then)
    left = pd.DataFrame({"u": lu, "e": le, "person": lead["person"].to_numpy()}) \
        .merge(pd.DataFrame({"u": gu, "e": gd - 1}), on=["u", "e"]).sort_values("person")
    left = left.drop_duplicates("u").set_index("u")["person"]
    out = pd.DataFrame({
        "unit": codes[gu].to_numpy(), "leaderless_from": _as_day(gd),
        "leader_back": pd.Series(_as_day(np.maximum(back, 0))).where(back >= 0).to_numpy(),
        "people": count.reindex(gu).fillna(0).astype(int).to_numpy(),
        "people_until": _as_day(until.reindex(gu).to_numpy()),
        "last_leader": left.reindex(gu).to_numpy(),
    })
    out["leaves_on"] = pd.Series(_as_day(gd - 1)).where(out["last_leader"].notna()).to_numpy()
    return out.astype({"leader_back": "datetime64[ns]", "leaves_on": "datetime64[ns]"})[cols]


def leaderless_today(wb, on=None) -> pd.DataFrame:
    """Units with people under them on post on ``on`` (default today) and no leader on post.

    Columns ``unit, people, leader_back`` (the day a planned leader arrives, NaT when none is placed),
    sorted by the number of people, most first.
    """
    day = _day(on)
    g = leadership_gaps(wb, day)
    g = g[g["leaderless_from"].eq(day)]
    return g[["unit", "people", "leader_back"]].sort_values(["people", "unit"], ascending=[False, True]) \
        .reset_index(drop=True)


def leadership_cliffs(wb, on=None) -> pd.DataFrame:
    """Units whose leaders' terms end before their people's: the first day after ``on`` (default today) with
    people under the unit on post and no leader of it on post.

    Columns as :func:`leadership_gaps`, earliest first.
    """
    day = _day(on)
    g = leadership_gaps(wb, day)
    return g[g["leaderless_from"].gt(day)].sort_values(["leaderless_from", "unit"]).reset_index(drop=True)


def draft_units(wb, drafts: pd.DataFrame, m: pd.DataFrame | None = None) -> pd.Series:
    """The unit each draft order falls to: the unit running its team, else the unit the people on the order
    it follows (``source_order``) belong to, else a unit covering its host unit directly."""
    mu = _units(wb)
    m = memberships(wb) if m is None else m
    run = mu[mu["team"].notna()]
    unit_of_team = pd.Series(run["id"].to_numpy(), index=run["team"].to_numpy())
    unit_of_team = unit_of_team[~unit_of_team.index.duplicated()]
    out = drafts["team"].map(unit_of_team) if "team" in drafts else pd.Series(None, index=drafts.index)
    out = out.astype(object)
    if "source_order" in drafts:
        by_order = m[m["role"].eq(MEMBER)].sort_values("end").drop_duplicates("order", keep="last")
        out = out.where(out.notna(), drafts["source_order"].map(by_order.set_index("order")["unit"]))
    by_host = mu[mu["host"].notna()].drop_duplicates("host").set_index("host")["id"]
    return out.where(out.notna(), drafts["host_unit"].map(by_host))


SEAT_COLUMNS = ["id", "host_unit", "sector", "skill", "role", "headcount", "start", "end", "priority",
                "min_level", "team", "rotation_months", "source_order"]


def lead_seats_needed(wb, drafts: pd.DataFrame | None = None, on=None, months: int = 12) -> pd.DataFrame:
    """Units that will be without a leader within ``months`` while people are under them, counting the next
    batch's drafted seats (``drafts``, as :func:`planning.scenarios.rotation.next_batch_orders` makes them) as people
    to come, and the lead seat that covers that day.

    A unit's lead seat is a lead-role order (of the workbook, or a draft) open that day: of the team it runs;
    for a unit running no team, one outside any team at the host unit it covers; or a lead draft following
    the order its last leader held (``source_order``). Columns ``unit``,
    ``leaderless_from``, ``people`` (on post under it that day), ``drafted`` (drafted seats under it open
    that day), ``lead_seat`` (an order or draft open that day, empty when none is) and ``needs_seat``; where a
    seat is needed, the proposed lead seat in the orders' columns: ``id`` (``<unit>-LEAD-<yyyymm>``),
    ``host_unit`` (the unit's host unit, else where its last leader served), ``sector`` (the last leader's),
    ``role`` lead, ``headcount`` 1, ``start`` (the leaderless day), ``end`` (the last day people or drafted
    seats are under it), ``priority`` 5, ``min_level`` (the last leader's order's), ``team``,
    ``rotation_months``, and ``source_order`` (the order the last leader held).
    """
    day = _day(on)
    horizon = day + pd.DateOffset(months=months)
    cols = ["unit", "leaderless_from", "people", "drafted", "lead_seat", "needs_seat"] + SEAT_COLUMNS
    mu = _units(wb)
    if mu.empty:
        return pd.DataFrame(columns=cols)
    drafts = drafts if drafts is not None and len(drafts) else pd.DataFrame(
        {c: pd.Series(dtype="datetime64[ns]" if c in ("start", "end") else object) for c in SEAT_COLUMNS})
    m = memberships(wb)
    under = people_under(wb, m)[["unit", "person", "start", "end"]].assign(seats=0)
    # drafted seats count as people to come under their unit and every unit above it
    d = drafts.assign(in_unit=draft_units(wb, drafts, m).to_numpy())
    d = d[d["in_unit"].notna()]
    anc = unit_ancestors(mu["id"], mu["parent"])
    d = d.merge(anc.rename(columns={"unit": "in_unit", "ancestor": "unit"}), on="in_unit")
    d = pd.DataFrame({"unit": d["unit"].to_numpy(), "person": d["id"].to_numpy(),
                      "start": d["start"].to_numpy(dtype="datetime64[ns]"), "end": ends(d["end"]).to_numpy(),
                      "seats": d["headcount"].to_numpy(dtype=np.int64)})
    everyone = pd.concat([under, d], ignore_index=True)
    codes = pd.Index(mu["id"].drop_duplicates())
    lead = m[m["role"].eq(LEADER)]
    lu, uu = codes.get_indexer(lead["unit"]), codes.get_indexer(everyone["unit"])
    us, ue = _days(everyone["start"]), _days(everyone["end"])
    gu, gd, _ = _first_gaps(len(codes), lu, _days(lead["start"]), _days(lead["end"]), uu, us, ue,
                            _days([day])[0])
    soon = gd <= _days([horizon])[0]
    gu, gd = gu[soon], gd[soon]
    if not len(gu):
        return pd.DataFrame(columns=cols)
    on_day = _on_day(uu, us, ue, gu, gd)
    drafted_row = everyone["seats"].to_numpy() > 0
    people = pd.Series(everyone["person"].to_numpy()[on_day & ~drafted_row]).groupby(
        uu[on_day & ~drafted_row]).nunique()
    drafted = pd.Series(everyone["seats"].to_numpy()[on_day & drafted_row]).groupby(uu[on_day & drafted_row]).sum()
    until = pd.Series(ue).groupby(uu).max()
    rows = pd.DataFrame({"unit": codes[gu].to_numpy(), "leaderless_from": _as_day(gd),
                         "people": people.reindex(gu).fillna(0).astype(int).to_numpy(),
                         "drafted": drafted.reindex(gu).fillna(0).astype(int).to_numpy(),
                         "until": _as_day(until.reindex(gu).to_numpy())})
    # lead seats open that day: the unit's team's lead orders and drafts, or lead orders at its host unit
    seats = pd.concat([wb.orders[["id", "host_unit", "team", "role", "start", "end"]],
                       drafts[["id", "host_unit", "team", "role", "start", "end"]]], ignore_index=True)
    seats = seats[seats["role"].eq("lead")].assign(end=lambda x: ends(x["end"]))
    mu_i = mu.drop_duplicates("id").set_index("id")
    info = rows[["unit", "leaderless_from"]].assign(team=rows["unit"].map(mu_i["team"]).to_numpy(),
                                                    host=rows["unit"].map(mu_i["host"]).to_numpy())
    by_team = info[info["team"].notna()].merge(
        seats[seats["team"].notna()].rename(columns={"id": "seat"})[["seat", "team", "start", "end"]], on="team")
    by_host = info[info["team"].isna()].merge(
        seats[seats["team"].isna()].rename(columns={"id": "seat", "host_unit": "host"})[
            ["seat", "host", "start", "end"]], on="host")
    # … or a lead draft following the order the unit's last leader held
    last = lead.sort_values(["end", "person", "order"]).drop_duplicates("unit", keep="last").set_index("unit")
    follows = drafts[drafts["role"].eq("lead")] if "source_order" in drafts else \
        drafts.iloc[:0].assign(source_order=pd.Series(dtype=object))
    follows = pd.DataFrame({"seat": follows["id"].to_numpy(), "source": follows["source_order"].to_numpy(),
                            "start": follows["start"].to_numpy(dtype="datetime64[ns]"),
                            "end": ends(follows["end"]).to_numpy()})
    by_source = info.assign(source=info["unit"].map(last["order"]).to_numpy()).merge(follows, on="source")
    cand = pd.concat([by_team, by_host, by_source], ignore_index=True)
    cand = cand[(cand["start"] <= cand["leaderless_from"]) & (cand["end"] >= cand["leaderless_from"])]
    seat = cand.sort_values(["unit", "start", "seat"]).drop_duplicates("unit").set_index("unit")["seat"]
    rows["lead_seat"] = rows["unit"].map(seat).to_numpy()
    rows["needs_seat"] = rows["lead_seat"].isna().to_numpy()
    # the proposal, where a seat is needed
    o_i = wb.orders.drop_duplicates("id").set_index("id")
    src = rows["unit"].map(last["order"])
    host = rows["unit"].map(mu_i["host"])
    host = host.where(host.isin(set(wb.units["id"])), src.map(o_i["host_unit"]))
    start = pd.to_datetime(rows["leaderless_from"])
    prop = pd.DataFrame({
        "id": rows["unit"].astype(str) + "-LEAD-" + start.dt.strftime("%Y%m"), "host_unit": host,
        "sector": src.map(o_i["sector"]), "skill": None, "role": "lead", "headcount": 1, "start": start,
        "end": rows["until"], "priority": 5, "min_level": src.map(o_i["min_level"]).fillna(1),
        "team": rows["unit"].map(mu_i["team"]), "rotation_months": pd.NA, "source_order": src,
    })
    need = np.broadcast_to(rows["needs_seat"].to_numpy()[:, None], prop.shape)
    prop = prop.astype(object).where(need, None)
    out = pd.concat([rows.drop(columns="until"), prop], axis=1)
    for c in ("start", "end"):
        out[c] = pd.to_datetime(out[c])
    depth = anc.groupby("unit")["depth"].max()
    out = out.assign(depth=out["unit"].map(depth).to_numpy())
    return out.sort_values(["leaderless_from", "depth", "unit"])[cols].reset_index(drop=True)


def proposed_seats(needed: pd.DataFrame) -> pd.DataFrame:
    """The lead seats :func:`lead_seats_needed` proposes, as draft orders (to add with
    :func:`planning.scenarios.rotation.with_draft_orders`).

    Units on one line that lose the same leader on the same day (an HQ and the cell its leader also leads)
    get one seat, the topmost unit's; a unit with no host unit nor sector in sight proposes none.
    """
    p = needed[needed["needs_seat"].astype(bool) & needed["host_unit"].notna() & needed["sector"].notna()]
    p = p.drop_duplicates(["source_order", "start"])
    out = p[SEAT_COLUMNS].reset_index(drop=True)
    out["rotation_months"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out.astype({"headcount": "int64", "priority": "int64", "min_level": "int64",
                       "start": "datetime64[ns]", "end": "datetime64[ns]"})


def grid_summary(wb, on=None) -> pd.DataFrame:
    """One row per unit, in tree order: ``id, name, kind, level_shown, depth, parent, leaders`` (ids of the
    leaders on post, ``;``-joined), ``named_leader``, ``members`` (in the unit itself, on post), ``people``
    (under it, on post), ``leader_until`` (the last day of the current leaders' stints), ``leaderless_from``
    and ``leader_back`` (the first leaderless day from ``on`` on, if any)."""
    day = _day(on)
    g = grid_units(wb)
    m = memberships(wb)
    now = m[(m["start"] <= day) & (m["end"] >= day)]
    leaders = now[now["role"].eq(LEADER)].sort_values("person").groupby("unit")["person"] \
        .agg(lambda s: ";".join(dict.fromkeys(s)))
    until = now[now["role"].eq(LEADER)].groupby("unit")["end"].max()
    own = set(zip(now.loc[now["role"].eq(LEADER), "unit"], now.loc[now["role"].eq(LEADER), "person"]))
    mem = now[now["role"].eq(MEMBER)]
    mem = mem[np.array([(u, p) not in own for u, p in zip(mem["unit"], mem["person"])], dtype=bool)]
    members = mem.groupby("unit")["person"].nunique()
    under = people_under(wb, m)
    under = under[(under["start"] <= day) & (under["end"] >= day)].groupby("unit")["person"].nunique()
    gaps = leadership_gaps(wb, day).set_index("unit")
    out = pd.DataFrame({
        "id": g["id"], "name": g["name"], "kind": g["kind"], "level_shown": g["level_shown"], "depth": g["depth"],
        "parent": g["parent"], "order": g["order"], "leaders": g["id"].map(leaders),
        "named_leader": g["leader"], "members": g["id"].map(members).fillna(0).astype(int),
        "people": g["id"].map(under).fillna(0).astype(int), "leader_until": g["id"].map(until),
        "leaderless_from": g["id"].map(gaps["leaderless_from"]), "leader_back": g["id"].map(gaps["leader_back"]),
    })
    return out.sort_values("order").drop(columns="order").reset_index(drop=True)


def scope_grid(mu: pd.DataFrame, full, units: set, people: set) -> pd.DataFrame:
    """The management units a host-unit viewer sees: those covering one of their host ``units``, or a host
    region every host unit of which is theirs (a region they are bound to); parents outside are cut off and
    leaders outside ``people`` (the people the viewer's workbook keeps) removed.

    ``full`` is the whole workbook (for the region tree); ``units`` the viewer's host units; ``people`` the
    ids of the people kept.
    """
    if mu.empty:
        return mu
    a = ancestors(full)
    mine = set(units)
    # a host region is the viewer's when every host unit under it is
    regions = a[a["ancestor"].isin(set(full.regions["id"]))]
    host_units = set(full.units.loc[full.units["side"].eq("host"), "id"])
    regions = regions[regions["node"].isin(host_units)]
    held = regions.assign(mine=regions["node"].isin(mine)).groupby("ancestor")["mine"].all()
    mine |= set(held[held].index)
    keep = mu["host"].isin(mine)
    out = mu[keep].copy()
    out["parent"] = out["parent"].where(out["parent"].isin(set(out["id"])), None)
    hidden = out["leader"].notna() & ~out["leader"].isin(people)
    out["leader"] = out["leader"].where(~hidden, None)
    return out.reset_index(drop=True)
