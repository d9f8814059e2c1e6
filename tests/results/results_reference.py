"""A deliberately plain reference for results, rollups and staffing (DESIGN §10), over dict rows.

Written from the design, not from :mod:`planning.programme.results`: loops over rows and
days, calendar arithmetic from the standard library. The rules as the design and the
module's documentation state them:

* A period ``YYYY`` runs from 1 January to 31 December, ``YYYY-MM`` over that month;
  dates inclusive.
* Progress = (actual − baseline) / (target − baseline), for lower-is-better
  (baseline − actual) / (baseline − target); a missing baseline is 0; none when
  target = baseline.
* Expected by day d = days of the period up to and including d / days of the period,
  between 0 and 1.
* Status: no target or no actual → no_data; target = baseline → reached (actual ≥
  target, or ≤ for lower) or not_reached; else behind when progress − expected <
  −0.10, ahead when > 0.10, else on_track (the difference rounded to 9 decimals).
* A ratio's value for one subject: its own when given, else numerator ÷ denominator
  of that subject's parts for the same period.
* Rollups: a group's sum is the sum over its subjects, its mean the plain mean over its
  subjects, its ratio Σ numerator ÷ Σ denominator over the group's subjects.
* Places: a host unit is its own; county = the nearest county above it (the unit
  when none); prefecture = the nearest prefecture above it.
* Teams and senders (the module's documented rule): a host unit's team is the one
  team it hosts (none when it hosts several or none); a team is its own team and its
  place is its host; a person's team and place are those of their earliest stint
  (by start, then order id) overlapping the period. A host unit's or team's sender is
  the responsible sender (DESIGN §4) for the place and the indicator's sector over the
  period, equally specific ones joined by ``、`` in id order; a person's sender is
  their source city (the nearest city or prefecture above their sending unit, else the
  unit itself).
* Staffing: per host unit × sector, on every day of the period, demand = Σ headcount
  of the order seats open that day, supply = the assignments open that day on its
  orders, filled = min(demand, supply); staffing = Σ filled / Σ demand; short below 0.8.
  Behind and short-staffed: a host-unit indicator of that sector behind in the period
  while the unit's staffing in that sector over the period is short.
"""
from __future__ import annotations

import calendar
import datetime as dt

from tests.pairings.pairing_reference import chain, parent_map, rows, seat_decision, slots_of_order


def bounds(period: str) -> tuple[dt.date, dt.date]:
    if len(period) == 4:
        y = int(period)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    y, m = int(period[:4]), int(period[5:7])
    return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


def expected(period: str, on: dt.date) -> float:
    s, e = bounds(period)
    total = (e - s).days + 1
    done = (on - s).days + 1
    return min(1.0, max(0.0, done / total))


def measure(row: dict, direction: str, on: dt.date) -> dict:
    """Progress, expected, status and reached of one row of figures."""
    b = row.get("baseline")
    b = 0.0 if b is None else b
    t, a = row.get("target"), row.get("actual")
    exp = expected(row["period"], on)
    out = dict(progress=None, expected=exp, status="no_data", reached=False)
    if t is None or a is None:
        return out
    out["reached"] = a <= t if direction == "lower" else a >= t
    if t == b:
        out["status"] = "reached" if out["reached"] else "not_reached"
        return out
    p = (b - a) / (b - t) if direction == "lower" else (a - b) / (t - b)
    out["progress"] = p
    diff = round(p - exp, 9)
    out["status"] = "behind" if diff < -0.10 else "ahead" if diff > 0.10 else "on_track"
    return out


def _num(x):
    return None if x is None else float(x)


def subject_values(wb) -> dict[tuple, dict]:
    """``(subject, indicator, period)`` → ``{baseline, target, actual}``, ratios filled from their parts."""
    defs = {d["id"]: d for d in rows(wb.indicator_definitions)}
    vals = {}
    for v in rows(wb.indicator_values):
        vals[v["subject"], v["indicator"], v["period"]] = {k: _num(v[k]) for k in ("baseline", "target", "actual")}
    for rid, d in defs.items():
        if d["aggregation"] != "ratio" or d["numerator"] is None or d["denominator"] is None:
            continue
        for (s, i, p), num in list(vals.items()):
            if i != d["numerator"] or (s, rid, p) in vals or (s, d["denominator"], p) not in vals:
                continue
            den = vals[s, d["denominator"], p]
            q = {}
            for k in ("baseline", "target", "actual"):
                q[k] = None if num[k] is None or den[k] in (None, 0) else num[k] / den[k]
            vals[s, rid, p] = q
    return vals


def reference_results(wb, on: dt.date) -> dict[tuple, dict]:
    defs = {d["id"]: d for d in rows(wb.indicator_definitions)}
    out = {}
    for key, fig in subject_values(wb).items():
        d = defs[key[1]]
        row = dict(fig, period=key[2])
        out[key] = dict(fig, **measure(row, d["direction"], on))
    return out


def place(wb, unit: str, by: str):
    parent = parent_map(rows(wb.regions), rows(wb.units))
    level = {r["id"]: r["level"] for r in rows(wb.regions)}
    want = {"county": ("county", "district", "regiment", "city"), "prefecture": ("prefecture", "division")}[by]
    for x in chain(unit, parent)[1:]:
        if level.get(x) in want:
            return x
    return unit if by == "county" else None


def team_and_sender(wb, subject: str, kind: str, sector, period: str) -> tuple:
    """(team, sender) of one subject's value in a period, by the rules above (None where there is none)."""
    parent = parent_map(rows(wb.regions), rows(wb.units))
    level = {r["id"]: r["level"] for r in rows(wb.regions)}
    host_side = {u["id"] for u in rows(wb.units) if u["side"] == "host"}
    teams = rows(wb.teams)
    if kind == "person":
        first, last = bounds(period)
        orders = {o["id"]: o for o in rows(wb.orders)}
        stints = [a for a in rows(wb.assignments) if a["person"] == subject
                  and a["start"] <= last and (a["end"] is None or a["end"] >= first)]
        stints.sort(key=lambda a: (a["start"], a["order"]))
        team = orders[stints[0]["order"]].get("team") if stints else None
        person = next(x for x in rows(wb.people) if x["id"] == subject)
        sender = person["sending_unit"]
        for x in chain(person["sending_unit"], parent)[1:]:
            if level.get(x) in ("city", "prefecture"):
                sender = x
                break
        return team, sender
    if kind == "team":
        team = subject
        host = next(t["host"] for t in teams if t["id"] == subject)
        unit = host if host in host_side else None
    else:
        unit = subject
        hosted = [t["id"] for t in teams if t["host"] == subject]
        team = hosted[0] if len(hosted) == 1 else None
    sender = None
    if unit is not None:
        first, last = bounds(period)
        _, responsible = seat_decision({"host_unit": unit, "sector": sector}, first, last, rows(wb.pairings), parent)
        if responsible:
            sender = "、".join(sorted({x["sender"] for x in responsible}))
    return team, sender


def reference_rollup(wb, by: str, on: dt.date) -> dict[tuple, dict]:
    """``(group, indicator, period)`` → figures and measures, for host-unit indicators (by county or prefecture)
    and for every subject (by sector, sender or team)."""
    defs = {d["id"]: d for d in rows(wb.indicator_definitions)}
    vals = subject_values(wb)
    groups: dict[tuple, list] = {}
    for (s, i, p), fig in vals.items():
        d = defs[i]
        if by == "sector":
            g = d["sector"]
        elif by in ("team", "sender"):
            team, sender = team_and_sender(wb, s, d["subject"], d["sector"], p)
            g = team if by == "team" else sender
        elif d["subject"] == "host_unit":
            g = place(wb, s, by)
        else:
            continue
        if g is None:
            continue
        groups.setdefault((g, i, p), []).append((s, fig))
    out = {}
    for (g, i, p), members in groups.items():
        d = defs[i]
        fig = {}
        if d["aggregation"] == "ratio":
            nums = groups.get((g, d["numerator"], p))
            dens = groups.get((g, d["denominator"], p))
            if not nums or not dens:
                continue
            for k in ("baseline", "target", "actual"):
                n = [f[k] for _, f in nums if f[k] is not None]
                m = [f[k] for _, f in dens if f[k] is not None]
                fig[k] = sum(n) / sum(m) if n and m and sum(m) != 0 else None
        else:
            for k in ("baseline", "target", "actual"):
                xs = [f[k] for _, f in members if f[k] is not None]
                if not xs:
                    fig[k] = None
                elif d["aggregation"] == "sum":
                    fig[k] = sum(xs)
                else:
                    fig[k] = sum(xs) / len(xs)
        out[g, i, p] = dict(fig, **measure(dict(fig, period=p), d["direction"], on))
    return out


def reference_staffing(wb, periods) -> dict[tuple, dict]:
    """``(host_unit, sector, period)`` → demand_days, filled_days, staffing, short."""
    orders = rows(wb.orders)
    by_id = {o["id"]: o for o in orders}
    seats = [(o["host_unit"], o["sector"], s, e, o["headcount"]) for o in orders for _, s, e in slots_of_order(o)]
    posts = [(by_id[a["order"]]["host_unit"], by_id[a["order"]]["sector"], a["start"], a["end"])
             for a in rows(wb.assignments)]
    places = {(u, s) for u, s, *_ in seats} | {(u, s) for u, s, *_ in posts}
    out = {}
    for period in periods:
        first, last = bounds(period)
        for unit, sector in places:
            dem = fil = sup_any = 0
            day = first
            while day <= last:
                d = sum(h for u, s, a, b, h in seats if u == unit and s == sector and a <= day <= b)
                s_ = sum(1 for u, s, a, b in posts if u == unit and s == sector and a <= day <= b)
                dem += d
                fil += min(d, s_)
                sup_any += s_
                day += dt.timedelta(days=1)
            if dem or sup_any:
                st = fil / dem if dem else None
                out[unit, sector, period] = dict(demand_days=dem, filled_days=fil, staffing=st,
                                                 short=st is not None and st < 0.8)
    return out


def reference_behind_and_short(wb, on: dt.date) -> dict[tuple, set]:
    """``(host_unit, sector, period, indicator)`` → the responsible senders, for each place behind and short."""
    defs = {d["id"]: d for d in rows(wb.indicator_definitions)}
    res = reference_results(wb, on)
    periods = sorted({p for _, _, p in res})
    staff = reference_staffing(wb, periods)
    parent = parent_map(rows(wb.regions), rows(wb.units))
    pairings = rows(wb.pairings)
    out = {}
    for (s, i, p), r in res.items():
        d = defs[i]
        if d["subject"] != "host_unit" or r["status"] != "behind" or d["sector"] is None:
            continue
        st = staff.get((s, d["sector"], p))
        if st is None or not st["short"]:
            continue
        first, last = bounds(p)
        _, responsible = seat_decision({"host_unit": s, "sector": d["sector"]}, first, last, pairings, parent)
        out[s, d["sector"], p, i] = {x["sender"] for x in responsible}
    return out
