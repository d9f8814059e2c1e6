"""Plain, deliberately simple readings of the grid checks: loops over units, people and days.

They follow the definitions in ``planning/grid.py`` word for word and share no code with it.
The state of the grid can only change on a day someone starts, or the day after someone ends,
so the day loops visit those days only.
"""
from collections import defaultdict

import pandas as pd

OPEN_END = pd.Timestamp("2100-12-31")
ONE = pd.Timedelta(days=1)


def end_of(x):
    return OPEN_END if pd.isna(x) else pd.Timestamp(x)


def text(x):
    return x if isinstance(x, str) and x else None


def grid_of(wb):
    units = {}
    for r in wb.management_units.itertuples(index=False):
        units[r.id] = dict(parent=text(r.parent), leader=text(r.leader), team=text(r.team), host=text(r.host))
    return units


def above(units, u):
    """``u`` and every unit above it."""
    out, seen = [], set()
    while u is not None and u in units and u not in seen:
        out.append(u)
        seen.add(u)
        u = units[u]["parent"]
    return out


def live_stints(wb):
    orders = {o.id: o for o in wb.orders.itertuples(index=False)}
    out = []
    for a in wb.assignments.itertuples(index=False):
        if a.status in ("active", "planned") and a.order in orders:
            out.append((a.person, orders[a.order], pd.Timestamp(a.start), end_of(a.end)))
    return out


def state(wb, day, extra=()):
    """On ``day``: each unit's leaders and the people under it (its own leaders, at any time, excluded).

    ``extra`` adds (unit, name, start, end) stints of people to come (drafted seats) under a unit.
    """
    units = grid_of(wb)
    cell_of = {}
    if "cell" in wb.people.columns:
        for p in wb.people.itertuples(index=False):
            if text(p.cell) in units:
                cell_of[p.id] = p.cell
    team_unit = {}
    for u, r in units.items():
        if r["team"] is not None and r["team"] not in team_unit:
            team_unit[r["team"]] = u
    leaders, members, ever_leads = defaultdict(set), defaultdict(set), defaultdict(set)
    for person, order, start, end in live_stints(wb):
        team = text(order.team)
        for u, r in units.items():
            if r["leader"] == person:
                ever_leads[u].add(person)
        if team in team_unit and order.role == "lead":
            ever_leads[team_unit[team]].add(person)
        if not (start <= day <= end):
            continue
        if person in cell_of:
            members[cell_of[person]].add(person)
        if team in team_unit:
            if order.role == "lead":
                leaders[team_unit[team]].add(person)
            elif person not in cell_of:
                members[team_unit[team]].add(person)
        for u, r in units.items():
            if r["leader"] == person:
                leaders[u].add(person)
    under = defaultdict(set)
    for u in units:
        for person in members[u]:
            for a in above(units, u):
                under[a].add(person)
        for person in leaders[u]:
            for a in above(units, u)[1:]:
                under[a].add(person)
    for u, name, start, end in extra:
        if start <= day <= end:
            for a in above(units, u):
                under[a].add(name)
    for u in units:
        under[u] -= ever_leads[u]
    return units, leaders, under, members


def event_days(wb, on, extra=()):
    days = {pd.Timestamp(on)}
    for _, _, start, end in live_stints(wb):
        days |= {start, end + ONE}
    for _, _, start, end in extra:
        days |= {start, end + ONE}
    return sorted(d for d in days if d >= pd.Timestamp(on) and d <= OPEN_END)


def gaps(wb, on, extra=()):
    """{unit: (leaderless_from, leader_back, people, people_until, last_leader)}"""
    days = event_days(wb, on, extra)
    states = {d: state(wb, d, extra) for d in days}
    units = grid_of(wb)
    out = {}
    for u in units:
        first = None
        for d in days:
            _, leaders, under, _ = states[d]
            if under[u] and not leaders[u]:
                first = d
                break
        if first is None:
            continue
        back = None
        for d in days:
            if d > first and states[d][1][u]:
                back = d
                break
        until = None
        for d in days:
            if states[d][2][u]:
                nxt = [x for x in days if x > d]
                until = (nxt[0] - ONE) if nxt else OPEN_END
        leaders_before = state(wb, first - ONE)[1]
        left = sorted(leaders_before[u])
        people = len({p for p in states[first][2][u] if not str(p).startswith("draft:")})
        out[u] = (first, back, people, until, left[0] if left else None)
    return out


def people_in_no_cell(wb, on):
    units = grid_of(wb)
    day = pd.Timestamp(on)
    if not units:
        return set()
    hosts = {r["host"] for r in units.values() if r["host"] is not None}
    parent = {r.id: text(r.parent) for r in wb.regions.itertuples(index=False)}
    region_of = {u.id: u.region for u in wb.units.itertuples(index=False)}
    reach = set()
    for u in wb.units.itertuples(index=False):
        if u.side != "host":
            continue
        chain, x = {u.id}, region_of[u.id]
        while x is not None and x not in chain:
            chain.add(x)
            x = parent.get(x)
        if not hosts or chain & hosts:
            reach.add(u.id)
    _, leaders, _, members = state(wb, day)
    placed = set()
    for u in units:
        placed |= leaders[u] | members[u]
    out = set()
    for person, order, start, end in live_stints(wb):
        if start <= day <= end and order.host_unit in reach and person not in placed:
            out.add(person)
    return out


def draft_unit(wb, draft):
    units = grid_of(wb)
    for u, r in units.items():
        if r["team"] is not None and r["team"] == text(draft.get("team")):
            return u
    for u, r in units.items():
        if r["host"] is not None and r["host"] == draft["host_unit"]:
            return u
    return None


def lead_seats(wb, drafts, on, months=12):
    """{unit: (leaderless_from, people, drafted, lead_seat)} for units leaderless within ``months``."""
    units = grid_of(wb)
    extra = []
    for d in drafts:
        u = draft_unit(wb, d)
        if u is not None:
            extra.append((u, "draft:" + d["id"], pd.Timestamp(d["start"]), end_of(d["end"])))
    horizon = pd.Timestamp(on) + pd.DateOffset(months=months)
    seats = [dict(id=o.id, team=text(o.team), host_unit=o.host_unit, role=o.role, start=pd.Timestamp(o.start),
                  end=end_of(o.end)) for o in wb.orders.itertuples(index=False)]
    seats += [dict(id=d["id"], team=text(d.get("team")), host_unit=d["host_unit"], role=d["role"],
                   start=pd.Timestamp(d["start"]), end=end_of(d["end"])) for d in drafts]
    out = {}
    for u, (first, _, people, _, _) in gaps(wb, on, extra).items():
        if first > horizon:
            continue
        drafted = 0
        for d in drafts:
            du = draft_unit(wb, d)
            if du is not None and u in above(units, du) and pd.Timestamp(d["start"]) <= first <= end_of(d["end"]):
                drafted += d["headcount"]
        last = None  # the order of the unit's last leader stint (latest end, then person, then order)
        for person, order, start, end in live_stints(wb):
            team = text(order.team)
            leads = units[u]["leader"] == person or (
                team is not None and team == units[u]["team"] and order.role == "lead")
            if leads and end >= pd.Timestamp(on) and (last is None or (end, person, order.id) > last):
                last = (end, person, order.id)
        found = []
        for d in drafts:
            if last is not None and d.get("source_order") == last[2] and d["role"] == "lead" and (
                    pd.Timestamp(d["start"]) <= first <= end_of(d["end"])):
                found.append((pd.Timestamp(d["start"]), d["id"]))
        for s in seats:
            if s["role"] != "lead" or not (s["start"] <= first <= s["end"]):
                continue
            team = units[u]["team"]
            if (team is not None and s["team"] == team) or (
                    team is None and s["team"] is None and s["host_unit"] == units[u]["host"]):
                found.append((s["start"], s["id"]))
        out[u] = (first, people, drafted, min(found)[1] if found else None)
    return out


def two_cells(wb, on):
    """People whose units on ``on`` do not all lie on one line (each pair: one above the other)."""
    units, leaders, _, members = state(wb, pd.Timestamp(on))
    mine = defaultdict(set)
    for u in units:
        for person in leaders[u] | members[u]:
            mine[person].add(u)
    out = set()
    for person, us in mine.items():
        for a in us:
            for b in us:
                if a not in above(units, b) and b not in above(units, a):
                    out.add(person)
    return out
