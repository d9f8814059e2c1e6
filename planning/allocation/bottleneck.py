"""Why a group of seats cannot be filled: Hall's condition made visible (a bottleneck certificate).

A group of seats that are all open on one day can be filled only by different people (a
person holds one post at a time). When the people who could take any of them (its
*candidates*: eligible, free over the seat, allowed by the pairings) are fewer than its
seats, some seats of the group stay empty in every plan: the group violates Hall's
condition, and ``seats - candidates`` is its *deficiency*.

For each day ``d`` on which a seat the plan left empty is open, the seats open on ``d``
and their candidates form a bipartite graph. One maximum flow (OR-Tools
``SimpleMaxFlow``: source → seat, capacity its places; seat → candidate; candidate →
sink, capacity 1) gives, as the source side of its minimum cut, the *smallest* set of
seats of largest deficiency (König–Ore: the flow fills all but that deficiency; the set
reached from the source in the residual graph is contained in every other set of
largest deficiency). Its connected components (SciPy) are the groups: each has fewer
candidates than seats, and all of its candidates are candidates of no seat outside it.
Groups found on several days are kept once, and a group containing another is dropped
(the smallest groups are the sharpest statement).

Everything is computed from the plan's own inputs (:class:`planning.allocation.plan.PlanInputs`):
its seats, candidate pairs and model, so a group's candidates are exactly the people the
allocation could have placed there.

Examples
--------
>>> import planning
>>> from planning.allocation.bottleneck import bottlenecks
>>> plan = planning.allocate(planning.load_workbook(planning.SAMPLE))
>>> b = bottlenecks(plan)
>>> bool((b["candidates"] < b["seats"]).all())
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.hierarchy import host_area
from ..core.i18n import default_lang, fmt_month, sector_label, t
from ..core.utils import days_of

#: Columns of :func:`bottlenecks`.
COLUMNS = ["group", "day", "seats", "candidates", "deficiency", "unfilled", "placed_elsewhere", "host_unit",
           "host", "host_name", "sector", "skill", "start", "seat_rows", "people"]


def deficient_groups(person: np.ndarray, seat: np.ndarray, cap: np.ndarray, start: np.ndarray, end: np.ndarray,
                     days: np.ndarray) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """The smallest groups of seats with fewer candidates than places, day by day.

    Parameters
    ----------
    person, seat : int arrays
        Candidate pairs (person code, seat code).
    cap : int array
        Places per seat.
    start, end : int arrays
        Each seat's first and last day (day numbers, inclusive).
    days : int array
        The days to look at (a group is a set of seats all open on one of them).

    Returns
    -------
    list of (day, seats, people)
        One entry per group: the day it was found on, its seat codes and its
        candidates' person codes (both sorted); no group contains another.

    Examples
    --------
    >>> import numpy as np
    >>> g = deficient_groups(np.array([0, 0, 1]), np.array([0, 1, 2]), np.array([2, 1, 1]),
    ...                      np.zeros(3, np.int64), np.zeros(3, np.int64), np.array([0]))
    >>> [(s.tolist(), p.tolist()) for _, s, p in g]
    [([0, 1], [0])]
    """
    from ortools.graph.python import max_flow
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    found: dict[tuple, tuple[int, np.ndarray, np.ndarray]] = {}
    n_seat = len(cap)
    for d in np.unique(days):
        open_ = (start <= d) & (end >= d) & (cap > 0)
        keep = open_[seat]
        ps, pp = seat[keep], person[keep]
        if not open_.any():
            continue
        seats_d = np.flatnonzero(open_)
        people_d, p_code = np.unique(pp, return_inverse=True)
        s_code = np.searchsorted(seats_d, ps)
        ns, npp = len(seats_d), len(people_d)
        src, snk = ns + npp, ns + npp + 1
        # (a source → sink arc of no capacity keeps both ends in the graph when no one is a candidate)
        tails = np.concatenate([np.full(ns, src), s_code, ns + np.arange(npp), [src]])
        heads = np.concatenate([np.arange(ns), ns + p_code, np.full(npp, snk), [snk]])
        # seat → candidate arcs never saturate (capacity 2 > the 1 a candidate can carry), so the residual
        # graph keeps them and a seat on the source side brings all its candidates with it
        caps = np.concatenate([cap[seats_d], np.full(len(ps), 2), np.ones(npp, np.int64), [0]])
        mf = max_flow.SimpleMaxFlow()
        mf.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64))
        if mf.solve(src, snk) != mf.OPTIMAL:
            raise RuntimeError("maximum flow did not finish")
        if mf.optimal_flow() == int(cap[seats_d].sum()):
            continue
        side = np.asarray(mf.get_source_side_min_cut(), dtype=np.int64)
        in_s = np.zeros(ns + npp + 2, bool)
        in_s[side] = True
        # components of the deficient part: seats and candidates joined by candidate pairs
        e = in_s[s_code]
        nodes = ns + npp
        g = coo_matrix((np.ones(int(e.sum())), (s_code[e], ns + p_code[e])), shape=(nodes, nodes))
        _, label = connected_components(g, directed=False)
        seat_label = label[:ns][in_s[:ns]]
        seat_idx = seats_d[in_s[:ns]]
        person_label = label[ns:nodes][in_s[ns:nodes]]
        person_idx = people_d[in_s[ns:nodes]]
        # one part per label: seats and people sorted by (label, code) and cut where the label changes
        so = np.lexsort((seat_idx, seat_label))
        po = np.lexsort((person_idx, person_label))
        labs, s_at = np.unique(seat_label[so], return_index=True)
        p_lo = np.searchsorted(person_label[po], labs, "left")
        p_hi = np.searchsorted(person_label[po], labs, "right")
        s_parts = np.split(seat_idx[so], s_at[1:])
        for s, lo, hi in zip(s_parts, p_lo, p_hi):
            p = person_idx[po][lo:hi]
            key = tuple(s.tolist())
            if key not in found and cap[s].sum() > len(p):
                found[key] = (int(d), s, p)
    groups = sorted(found.values(), key=lambda x: (x[0], x[1].tolist()))
    if not n_seat:
        return []
    # the smallest groups: drop one that contains another (parts of one day are disjoint: only groups of
    # other days sharing a seat can be inside one, found through the seat → groups index)
    sets = [set(s.tolist()) for _, s, _ in groups]
    holding: dict[int, list[int]] = {}
    for i, (_, s, _) in enumerate(groups):
        for x in s.tolist():
            holding.setdefault(x, []).append(i)
    keep = []
    for i, (_, s, _) in enumerate(groups):
        others = {j for x in s.tolist() for j in holding[x] if j != i}
        keep.append(not any(sets[j] < sets[i] for j in others))
    return [g for g, k in zip(groups, keep) if k]


def _placed_seats(plan) -> pd.DataFrame:
    """The plan's new placements as (person, seat row) in the plan's seats."""
    seats = plan.inputs.seats
    key = pd.MultiIndex.from_frame(seats[["order", "slot"]].astype({"slot": np.int64}))
    a = plan.assignments
    at = key.get_indexer(pd.MultiIndex.from_frame(a[["order", "slot"]].astype({"slot": np.int64})))
    return pd.DataFrame({"person": a["person"].to_numpy(), "seat": at})


def bottlenecks(plan) -> pd.DataFrame:
    """The groups of seats the plan's candidates are too few for, one row per group.

    Returns
    -------
    DataFrame
        ``group`` (1, 2, …), ``day`` (a day all its seats are open), ``seats``
        (places to fill), ``candidates`` (people who could take any of them),
        ``deficiency`` (``seats - candidates``: places no plan can fill),
        ``unfilled`` (places this plan left empty, at least the deficiency),
        ``placed_elsewhere`` (candidates this plan put on a seat outside the
        group), ``host_unit`` (its one host unit, else empty), ``host`` and
        ``host_name`` (that unit, else the county-like region all its units lie
        in, else empty), ``sector``, ``skill`` (when all its seats name the
        same), ``start`` (its earliest seat start), ``seat_rows`` (rows of
        ``plan.inputs.seats``) and ``people`` (the candidates' ids).
    """
    ctx = plan.inputs
    seats, pairs, wb = ctx.seats, ctx.pairs, ctx.workbook
    if len(seats) == 0:
        return pd.DataFrame(columns=COLUMNS)
    m = ctx.model
    cap = np.asarray(m.cap, dtype=np.int64)
    start, end = days_of(seats["start"]), days_of(seats["end"])
    placed = _placed_seats(plan)
    placed = placed[placed["seat"] >= 0]
    # pinned placements are already out of ``cap``: count only the plan's new ones on each seat
    new = plan.assignments["reason"].ne("pinned").to_numpy() if "reason" in plan.assignments else np.ones(
        len(plan.assignments), bool)
    fresh = placed[new[placed.index.to_numpy()]]
    empty = cap - np.minimum(np.bincount(fresh["seat"].to_numpy(), minlength=len(seats)), cap)
    days = np.unique(start[(empty > 0)])
    # the latest start among pairwise-overlapping seats is a common day: look at every start day that an
    # empty seat is open on
    all_starts = np.unique(start[cap > 0])
    lo, hi = start[empty > 0], end[empty > 0]
    if len(lo):
        hit = np.zeros(len(all_starts), bool)
        for a, b in zip(*np.unique(np.c_[lo, hi], axis=0).T):
            hit |= (all_starts >= a) & (all_starts <= b)
        days = np.union1d(days, all_starts[hit])
    person = m.pair_person.astype(np.int64)
    groups = deficient_groups(person, m.pair_seat.astype(np.int64), cap, start, end, days)
    if not groups:
        return pd.DataFrame(columns=COLUMNS)
    names = pd.Index(pairs["person"].to_numpy())
    person_id = np.empty(int(person.max(initial=-1)) + 1, dtype=object)
    person_id[person] = names.to_numpy()
    seat_of = placed.groupby("person")["seat"].agg(lambda s: set(s.tolist()))
    unit_name = wb.units.set_index("id")["name"]
    region_name = wb.regions.set_index("id")["name"]
    area_of = host_area(wb, pd.Series(pd.unique(seats["host_unit"])))
    area_of = pd.Series(area_of.to_numpy(), index=pd.unique(seats["host_unit"]))
    s_unit, s_sector = seats["host_unit"].to_numpy(), seats["sector"].to_numpy()
    s_skill = seats["skill"].astype(object).where(seats["skill"].notna(), None).to_numpy()
    s_start = seats["start"].to_numpy()
    rows = []
    for k, (d, s, p) in enumerate(groups, start=1):
        ids = person_id[p]
        ss = set(s.tolist())
        elsewhere = sum(1 for i in ids if len(seat_of.get(i, set()) - ss) > 0) if len(seat_of) else 0
        units = pd.unique(s_unit[s])
        host_unit = units[0] if len(units) == 1 else None
        if host_unit is not None:
            host, host_name = host_unit, unit_name.get(host_unit, host_unit)
        else:
            a = area_of.reindex(units)
            areas = pd.unique(a.dropna())
            one = len(areas) == 1 and a.notna().all()
            host = areas[0] if one else None
            host_name = region_name.get(host, host) if one else None
        skills = pd.unique(s_skill[s])
        rows.append(dict(group=k, day=pd.Timestamp(d, unit="D"), seats=int(cap[s].sum()), candidates=len(p),
                         deficiency=int(cap[s].sum()) - len(p), unfilled=int(empty[s].sum()),
                         placed_elsewhere=int(elsewhere), host_unit=host_unit, host=host, host_name=host_name,
                         sector=s_sector[s[0]], skill=skills[0] if len(skills) == 1 else None,
                         start=pd.Timestamp(s_start[s].min()), seat_rows=s.tolist(), people=sorted(map(str, ids)),
                         units=list(units)))
    out = pd.DataFrame(rows)
    out.attrs["units"] = out.pop("units").tolist()
    return out[COLUMNS]


def _month(d, lang) -> str:
    return fmt_month(d, lang)


def bottleneck_sentences(plan, groups: pd.DataFrame | None = None, lang: str | None = None) -> list[str]:
    """One sentence per group of :func:`bottlenecks`: the place, its seats, its candidates.

    ``伽师县的 8 个数学岗位（2027年8月起）只有 5 名合格人选，且其中 2 人已有安排``.
    A group spread over several host units with no common county names its first two units.
    """
    lang = lang or plan.lang or default_lang()
    b = bottlenecks(plan) if groups is None else groups
    if b.empty:
        return []
    units = b.attrs.get("units") or [[u] for u in b["host_unit"]]
    unit_name = plan.inputs.workbook.units.set_index("id")["name"]
    out = []
    for r, us in zip(b.itertuples(index=False), units):
        if isinstance(r.host_name, str):
            place = r.host_name
        else:
            shown = [str(unit_name.get(u, u)) for u in us[:2]]
            place = t("bottleneck.units", lang, units="、".join(shown) if lang == "zh" else ", ".join(shown),
                      n=len(us))
        post = r.skill if isinstance(r.skill, str) and r.skill else sector_label(r.sector, lang)
        text = t("bottleneck.row" if r.candidates else "bottleneck.row_none", lang, place=place, seats=r.seats, post=post, month=_month(r.start, lang),
                 n=r.candidates)
        if r.placed_elsewhere:
            text += t("bottleneck.placed", lang, k=r.placed_elsewhere)
        out.append(text)
    return out
