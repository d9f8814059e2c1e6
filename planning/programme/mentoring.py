"""Mentoring: 青蓝工程 / 师徒结对 and 导师帮带 pairs, solved exactly, and their reports.

Two pairings inside each host unit, both on a day ``on`` (default: today):

- :func:`pair_mentors` (青蓝工程, 师徒结对): dispatched professionals on post at
  a host unit mentor that unit's local staff. A dispatched person is *on post*
  at a unit on ``on`` when one of their active or planned assignments covers
  that day; the unit is the assignment's order's host unit.
- :func:`pair_cadre_mentors` (导师帮带, the Fushan model): each dispatched cadre
  on post gets one local mentor from the unit's local staff. In these pairs
  the mentor is the local staff id and the apprentice the person id.

Both keep the mentorships already active on ``on`` (they use up capacity and
their apprentices are taken) and return only the NEW pairs. Both are one
min-cost flow, solved exactly with OR-Tools::

    source ─cap: capacity left─▶ mentor ─cap 1, cost −(BIG + tie)─▶ apprentice ─cap 1─▶ sink
    source ──────────────────── bypass, cost 0 ──────────────────────────────────────▶ sink

Every pair is worth BIG, which is more than all tie-breakers of one host unit
together, so the flow first covers as many apprentices as possible and only
then maximises the tie-breakers. Host units are separate parts of the graph,
so BIG only has to dominate within the largest unit (it stays small and never
overflows). Candidate arcs are built with pandas joins on host unit (and
sector), never a loop over people × staff.

The reports (:func:`mentoring_coverage`, :func:`ending_pairs`,
:func:`staff_given`) read ``wb.mentorships``; :func:`with_pairs` appends new
pairs to a copy of the workbook so the same reports show the after-state.

Examples
--------
>>> import planning
>>> from planning.programme.mentoring import pair_mentors, with_pairs, mentoring_coverage
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> new = pair_mentors(wb, on="2026-11-22")
>>> list(new.columns)
['mentor', 'apprentice', 'host_unit', 'start', 'end', 'sector', 'exact_skill']
>>> before = mentoring_coverage(wb, by=(), on="2026-11-22")
>>> after = mentoring_coverage(with_pairs(wb, new), by=(), on="2026-11-22")
>>> int(after.mentored[0] - before.mentored[0]) == len(new)
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.hierarchy import ancestors
from ..core.live import LIVE
from ..core.i18n import t

#: The columns of the ``mentorships`` table (the contract); new pairs carry more after these.
CONTRACT = ["mentor", "apprentice", "host_unit", "start", "end"]
#: Assignment statuses that count as being on post.


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #
def _day(on) -> pd.Timestamp:
    if on is None:

        return today()
    return pd.Timestamp(on).normalize()


def _active(df: pd.DataFrame, on: pd.Timestamp) -> np.ndarray:
    """Rows whose ``start``–``end`` (inclusive, empty = open) cover ``on``."""
    s, e = df["start"], df["end"]
    return ((s.isna() | (s <= on)) & (e.isna() | (e >= on))).to_numpy()


def on_post(wb, on=None, categories=None) -> pd.DataFrame:
    """Dispatched people on post on ``on``, one row each.

    A person is on post at a host unit when an active or planned assignment
    of theirs covers ``on`` (dates inclusive); the unit is the order's host
    unit. Should two assignments cover the day, the one ending last is kept.

    Returns ``person, host_unit, order, end, category, sector, skill``.

    >>> import planning
    >>> p = on_post(planning.load_workbook(planning.SAMPLE), "2026-11-22", categories=["cadre"])
    >>> bool((p.category == "cadre").all()), bool(p.person.is_unique)
    (True, True)
    """
    on = _day(on)
    a = wb.assignments
    live = a[a["status"].isin(LIVE).to_numpy() & _active(a, on)]
    o = wb.orders.set_index("id")["host_unit"]
    out = pd.DataFrame({"person": live["person"].to_numpy(), "host_unit": live["order"].map(o).to_numpy(),
                        "order": live["order"].to_numpy(), "end": live["end"].to_numpy()})
    out = out.sort_values(["person", "end"], ascending=[True, False]).drop_duplicates("person")
    p = wb.people[["id", "category", "sector", "skill"]].rename(columns={"id": "person"})
    out = out.merge(p, on="person", how="inner")
    if categories is not None:
        out = out[out["category"].isin(list(categories))]
    return out.reset_index(drop=True)


def _live_mentorships(wb, on: pd.Timestamp) -> pd.DataFrame:
    m = wb.mentorships
    return m[_active(m, on)]


def _solve(cand: pd.DataFrame, cap: np.ndarray, tie_max: int) -> np.ndarray:
    """Exact lexicographic matching by min-cost flow; boolean mask of chosen rows of ``cand``.

    ``cand`` has integer columns ``m`` (mentor code, indexing ``cap``), ``a``
    (apprentice code), ``unit`` (host unit code) and ``tie`` (0 … ``tie_max``).
    Each mentor takes at most ``cap[m]`` apprentices, each apprentice one mentor.
    The flow maximises the number of pairs, then the sum of ``tie``.
    """
    from ortools.graph.python import min_cost_flow

    n_pairs = len(cand)
    if n_pairs == 0:
        return np.zeros(0, dtype=bool)
    m_codes, mi = np.unique(cand["m"].to_numpy(), return_inverse=True)
    a_codes, ai = np.unique(cand["a"].to_numpy(), return_inverse=True)
    n_m, n_a = len(m_codes), len(a_codes)
    caps_m = np.asarray(cap, dtype=np.int64)[m_codes]
    # BIG beats every tie-breaker total of one host unit: at most (apprentices there) pairs, each ≤ tie_max
    units_of_a = pd.Series(cand["unit"].to_numpy()).groupby(ai).first().to_numpy()
    per_unit = np.bincount(units_of_a).max()
    big = int(per_unit) * int(tie_max) + 1
    n_nodes = 2 + n_m + n_a
    if (big + tie_max) * (n_nodes + 1) >= 2 ** 62:  # OR-Tools scales costs by the node count
        raise OverflowError("mentoring costs would overflow int64")  # pragma: no cover
    src, snk, m0, a0 = 0, 1, 2, 2 + n_m
    supply = int(min(caps_m.sum(), n_a))
    tails = np.concatenate([np.zeros(n_m, np.int64), m0 + mi, a0 + np.arange(n_a), [src]])
    heads = np.concatenate([m0 + np.arange(n_m), a0 + ai, np.full(n_a, snk), [snk]])
    caps = np.concatenate([caps_m, np.ones(n_pairs + n_a, np.int64), [supply]])
    costs = np.concatenate([np.zeros(n_m, np.int64), -(big + cand["tie"].to_numpy(dtype=np.int64)),
                            np.zeros(n_a + 1, np.int64)])
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    smcf.set_nodes_supplies(np.array([src, snk], np.int32), np.array([supply, -supply], np.int64))
    status = smcf.solve()
    if status != smcf.OPTIMAL:  # pragma: no cover - the graph always has a feasible flow (the bypass)
        raise RuntimeError(f"min-cost flow ended with status {status}")
    return smcf.flows(np.arange(n_m, n_m + n_pairs)) > 0


def _codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniq = pd.factorize(values, use_na_sentinel=False)
    return codes, pd.Index(uniq)


# --------------------------------------------------------------------------- #
# pairing
# --------------------------------------------------------------------------- #
def pair_mentors(wb, *, capacity: int = 3, on=None, categories=("professional", "expert")) -> pd.DataFrame:
    """New 青蓝工程 pairs: dispatched professionals mentor the local staff of their host unit.

    Parameters
    ----------
    wb : Workbook
    capacity : int
        Apprentices one mentor may have at a time, counting the mentorships
        already active on ``on``.
    on : date, optional
        The day the pairs start (default: today). Mentors are the people on
        post on that day (see :func:`on_post`).
    categories : sequence of str
        People categories that mentor (default professionals and experts;
        cadres are mentees in :func:`pair_cadre_mentors`).

    Rules: mentor and apprentice are at the same host unit; the sector must
    match, except that a local staff member with no sector may be paired with
    a mentor of any sector; each mentor takes at most ``capacity`` apprentices
    and each local staff member has at most one mentor. Local staff who are
    already apprentices in a mentorship active on ``on`` are taken, and every
    such mentorship uses up one place of its mentor.

    The result is exact: it covers as many local staff as possible and, among
    all pairings that do, has the most exact-skill pairs (the local staff
    member's ``skill`` equals the mentor's).

    Returns
    -------
    DataFrame
        The new pairs only: ``mentor, apprentice, host_unit, start, end`` (the
        ``mentorships`` columns; ``start`` is ``on``, ``end`` the mentor's
        assignment end) plus ``sector`` (the mentor's) and ``exact_skill``.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> new = pair_mentors(wb, capacity=2, on="2026-11-22")
    >>> bool(new.groupby("mentor").size().le(2).all()), bool(new.apprentice.is_unique)
    (True, True)
    >>> bool(new.apprentice.isin(wb.mentorships.apprentice).any())
    False
    """
    on = _day(on)
    cand = mentor_candidates(wb, capacity=capacity, on=on, categories=categories)
    codes_m, idx_m = _codes(cand["mentor"])
    cap = cand.drop_duplicates("mentor").set_index("mentor")["capacity"].reindex(idx_m).to_numpy(np.int64)
    arcs = pd.DataFrame({"m": codes_m, "a": _codes(cand["apprentice"])[0], "unit": _codes(cand["host_unit"])[0],
                         "tie": cand["exact_skill"].to_numpy(dtype=np.int64)})
    chosen = _solve(arcs, cap, 1)
    out = cand.loc[chosen, ["mentor", "apprentice", "host_unit", "end", "sector", "exact_skill"]]
    out.insert(3, "start", on)
    return _finish_pairs(out.reset_index(drop=True))


def mentor_candidates(wb, *, capacity: int = 3, on=None, categories=("professional", "expert")) -> pd.DataFrame:
    """Every allowed (mentor, apprentice) pair of :func:`pair_mentors`, before any choice is made.

    Mentors are the people of ``categories`` on post on ``on`` with places left
    (``capacity`` minus their mentorships active on ``on``); apprentices the
    local staff of the same host unit with no mentor on ``on``, in the
    mentor's sector or with no sector. Built with two joins (on host unit and
    sector, and on host unit for staff with no sector).

    Returns ``mentor, apprentice, host_unit, sector, end, exact_skill, capacity``
    (``capacity``: the mentor's places left; ``end``: the mentor's assignment end).

    >>> import planning
    >>> c = mentor_candidates(planning.load_workbook(planning.SAMPLE), on="2026-11-22")
    >>> bool((c.capacity > 0).all()), bool(c.duplicated(["mentor", "apprentice"]).any())
    (True, False)
    """
    on = _day(on)
    mentors = on_post(wb, on, categories)
    live = _live_mentorships(wb, on)
    used = live["mentor"].value_counts()
    mentors["capacity"] = (capacity - mentors["person"].map(used).fillna(0).astype(np.int64)).clip(lower=0)
    mentors = mentors[mentors["capacity"] > 0]
    ls = wb.local_staff
    staff = ls.loc[~ls["id"].isin(live["apprentice"]), ["id", "host_unit", "sector", "skill"]]
    mcols = ["person", "host_unit", "sector", "skill", "end", "capacity"]
    named = staff[staff["sector"].notna()].merge(mentors[mcols], on=["host_unit", "sector"],
                                                 suffixes=("_ls", ""))
    blank = staff[staff["sector"].isna()].drop(columns="sector").merge(mentors[mcols], on="host_unit",
                                                                      suffixes=("_ls", ""))
    cand = pd.concat([named, blank], ignore_index=True)
    cand = cand.sort_values(["host_unit", "person", "id"], kind="stable").reset_index(drop=True)
    exact = (cand["skill_ls"].notna() & cand["skill_ls"].eq(cand["skill"])).to_numpy(dtype=bool)
    return pd.DataFrame({"mentor": cand["person"].to_numpy(), "apprentice": cand["id"].to_numpy(),
                         "host_unit": cand["host_unit"].to_numpy(), "sector": cand["sector"].to_numpy(),
                         "end": cand["end"].to_numpy(), "exact_skill": exact,
                         "capacity": cand["capacity"].to_numpy(dtype=np.int64)})


MENTOR_POOLS = ("unit", "above", "both")
#: Host units that can be "the unit above": they govern the places under them.
GOVERNING_KINDS = ("township", "government")


def mentor_units(wb, units, mentors_from: str = "both") -> pd.DataFrame:
    """Where the local mentors of cadres posted at ``units`` may come from.

    ``"unit"``: the cadre's own host unit. ``"above"``: the governing host
    units (townships, governments) of the nearest region above the unit's own
    region that has such a unit with local staff (a village cadre's township:
    浮山 keeps a mentor pool, 帮带导师库, in every township).
    ``"both"``: either.

    Returns
    -------
    DataFrame
        ``host_unit`` (from ``units``), ``mentor_unit``.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> mentor_units(wb, ["H-FS-V01"], "above").mentor_unit.tolist()
    ['H-FS-T1']
    """
    if mentors_from not in MENTOR_POOLS:
        raise ValueError(f"mentors_from must be one of {MENTOR_POOLS}, not {mentors_from!r}")
    units = pd.Index(pd.unique(np.asarray(units, dtype=object)))
    frames = []
    if mentors_from in ("unit", "both"):
        frames.append(pd.DataFrame({"host_unit": units, "mentor_unit": units}))
    if mentors_from in ("above", "both"):
        u = wb.units
        govern = u.loc[u["kind"].isin(GOVERNING_KINDS), "id"]
        staffed = pd.unique(wb.local_staff.loc[wb.local_staff["host_unit"].isin(govern), "host_unit"])
        region = u.set_index("id")["region"]
        pool = pd.DataFrame({"ancestor": region.reindex(staffed).to_numpy(), "mentor_unit": staffed})
        a = ancestors(wb)
        a = a[a["node"].isin(units) & (a["depth"] >= 2)]  # depth 1 is the unit's own region
        m = a.merge(pool, on="ancestor")
        m = m[m["depth"].eq(m.groupby("node")["depth"].transform("min"))]
        frames.append(pd.DataFrame({"host_unit": m["node"].to_numpy(), "mentor_unit": m["mentor_unit"].to_numpy()}))
    out = pd.concat(frames, ignore_index=True).drop_duplicates()
    return out.astype({"host_unit": object, "mentor_unit": object}).reset_index(drop=True)


def pair_cadre_mentors(wb, *, capacity: int = 1, on=None, categories=("cadre",),
                       mentors_from: str = "both") -> pd.DataFrame:
    """New 导师帮带 pairs: each dispatched cadre on post gets one local mentor.

    Parameters
    ----------
    wb : Workbook
    capacity : int
        Cadres one local staff member may mentor at a time (default 1),
        counting the mentorships active on ``on`` in which they mentor.
    on : date, optional
        The day the pairs start (default: today).
    categories : sequence of str
        Categories that get a local mentor (default cadres).
    mentors_from : {"both", "unit", "above"}
        Where mentors come from (see :func:`mentor_units`): the cadre's own
        host unit, the unit above it (a village cadre's township), or either.

    Cadres who already have a mentor (an apprentice in a mentorship active on
    ``on``) are left as they are. The result is exact: the most cadres covered,
    then the most pairs in the same sector, then the most with the same skill.

    Returns
    -------
    DataFrame
        The new pairs: ``mentor`` (local staff id), ``apprentice`` (person id),
        ``host_unit`` (the mentor's unit, where the pair is recorded),
        ``start`` (``on``), ``end`` (the cadre's assignment end), ``sector``
        (the cadre's), ``same_sector``, ``exact_skill``, ``apprentice_unit``
        (the cadre's host unit).

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> new = pair_cadre_mentors(wb, on="2026-11-22")
    >>> bool(new.mentor.isin(wb.local_staff.id).all()), bool(new.apprentice.isin(wb.people.id).all())
    (True, True)
    >>> bool(new.mentor.is_unique and new.apprentice.is_unique)
    True
    """
    on = _day(on)
    mentors_from = str(mentors_from)
    cadres = on_post(wb, on, categories)
    live = _live_mentorships(wb, on)
    cadres = cadres[~cadres["person"].isin(live["apprentice"])]
    used = live["mentor"].value_counts()
    ls = wb.local_staff[["id", "host_unit", "sector", "skill"]]
    ls = ls.assign(cap=(capacity - ls["id"].map(used).fillna(0).astype(np.int64)).clip(lower=0))
    ls = ls[ls["cap"] > 0]
    pools = mentor_units(wb, cadres["host_unit"], mentors_from)
    cand = (cadres[["person", "host_unit", "sector", "skill", "end"]].merge(pools, on="host_unit")
            .merge(ls.rename(columns={"host_unit": "mentor_unit"}), on="mentor_unit", suffixes=("", "_ls")))
    cand = cand.sort_values(["host_unit", "id", "person"], kind="stable").reset_index(drop=True)
    same = (cand["sector_ls"].notna() & cand["sector_ls"].eq(cand["sector"])).to_numpy(dtype=bool)
    exact = (cand["skill_ls"].notna() & cand["skill_ls"].eq(cand["skill"])).to_numpy(dtype=bool)
    # same sector outranks exact skill: worth more than all exact-skill pairs of one unit together
    a_codes = _codes(cand["person"])[0]
    # a pool shared across units (a township's mentors) joins those units into one group
    unit_codes = _codes(cand["host_unit"])[0] if mentors_from == "unit" else np.zeros(len(cand), np.int64)
    per_unit = int(pd.Series(a_codes).groupby(unit_codes).nunique().max()) if len(cand) else 0
    w_same = per_unit + 1
    codes_m, idx_m = _codes(cand["id"])
    cap = ls.set_index("id")["cap"].reindex(idx_m).to_numpy(dtype=np.int64)
    arcs = pd.DataFrame({"m": codes_m, "a": a_codes, "unit": unit_codes,
                         "tie": same.astype(np.int64) * w_same + exact.astype(np.int64)})
    chosen = _solve(arcs, cap, w_same + 1)
    c = cand[chosen]
    out = pd.DataFrame({"mentor": c["id"].to_numpy(), "apprentice": c["person"].to_numpy(),
                        "host_unit": c["mentor_unit"].to_numpy(), "start": on, "end": c["end"].to_numpy(),
                        "sector": c["sector"].to_numpy(), "same_sector": same[chosen],
                        "exact_skill": exact[chosen], "apprentice_unit": c["host_unit"].to_numpy()})
    out = _finish_pairs(out)
    out["apprentice_unit"] = out["apprentice_unit"].astype("str")
    return out


def _finish_pairs(out: pd.DataFrame) -> pd.DataFrame:
    out["start"] = pd.to_datetime(out["start"]).astype("datetime64[ns]")
    out["end"] = pd.to_datetime(out["end"]).astype("datetime64[ns]")
    for c in ("mentor", "apprentice", "host_unit", "sector"):
        out[c] = out[c].astype("str")
    return out.sort_values(["host_unit", "mentor", "apprentice"]).reset_index(drop=True)


def with_pairs(wb, pairs: pd.DataFrame):
    """A copy of ``wb`` with ``pairs`` appended to its ``mentorships`` (contract columns only).

    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> new = pair_mentors(wb, on="2026-11-22")
    >>> len(with_pairs(wb, new).mentorships) == len(wb.mentorships) + len(new)
    True
    """
    out = wb.copy()
    m = out.mentorships
    add = pairs[CONTRACT].astype({c: m[c].dtype for c in CONTRACT})
    out.mentorships = pd.concat([m, add], ignore_index=True) if len(m) else add.reset_index(drop=True)
    return out


# --------------------------------------------------------------------------- #
# reports
# --------------------------------------------------------------------------- #
def mentoring_coverage(wb, by=("host_unit", "sector"), on=None) -> pd.DataFrame:
    """Share of local staff with a mentor on ``on``, by any ``local_staff`` columns.

    A local staff member is *mentored* when they are the apprentice of a
    mentorship active on ``on``. ``by=()`` gives one total row.

    Returns ``[by…], local_staff, mentored, share`` (``share`` = mentored / local staff).

    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> cov = mentoring_coverage(wb, by=("host_unit",), on="2026-11-22")
    >>> list(cov.columns)
    ['host_unit', 'local_staff', 'mentored', 'share']
    >>> bool(cov.share.between(0, 1).all())
    True
    """
    on = _day(on)
    ls = wb.local_staff
    mentored = ls["id"].isin(_live_mentorships(wb, on)["apprentice"]).to_numpy()
    df = ls.assign(mentored=mentored.astype(np.int64), local_staff=1)
    by = list(by)
    if by:
        out = df.groupby(by, dropna=False, sort=True)[["local_staff", "mentored"]].sum().reset_index()
    else:
        out = pd.DataFrame({"local_staff": [len(df)], "mentored": [int(mentored.sum())]})
    out["share"] = out["mentored"] / out["local_staff"].replace(0, np.nan)
    return out[by + ["local_staff", "mentored", "share"]]


def ending_pairs(wb, months: int = 12, on=None) -> pd.DataFrame:
    """Mentorships active on ``on`` that end within ``months`` months, and why.

    The dispatched side of a pair is its mentor when the mentor is a person
    (青蓝工程), else its apprentice (导师帮带: a cadre with a local mentor). The
    person's term end is the end of their active or planned assignment at the
    pair's host unit that covers ``on``. A pair ends on its term end when its
    own ``end`` is empty or not earlier (``because`` = ``term``), else on its
    own end (``because`` = ``pair``). Rows whose end falls from ``on`` to
    ``on`` + ``months`` (inclusive) are returned, soonest first.

    Returns ``mentor, apprentice, host_unit, person, term_end, pair_end, ends, because``.

    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> e = ending_pairs(wb, months=12, on="2026-11-22")
    >>> bool(e.ends.between(pd.Timestamp("2026-11-22"), pd.Timestamp("2027-11-22")).all())
    True
    >>> sorted(set(e.because)) <= ["pair", "term"]
    True
    """
    on = _day(on)
    horizon = on + pd.DateOffset(months=months)
    m = _live_mentorships(wb, on)
    people = pd.Index(wb.people["id"])
    person = m["mentor"].where(m["mentor"].isin(people), m["apprentice"].where(m["apprentice"].isin(people)))
    df = pd.DataFrame({"mentor": m["mentor"].to_numpy(), "apprentice": m["apprentice"].to_numpy(),
                       "host_unit": m["host_unit"].to_numpy(), "person": person.to_numpy(),
                       "pair_end": m["end"].to_numpy()})
    post = on_post(wb, on)[["person", "host_unit", "end"]].rename(columns={"end": "term_end"})
    df = df.merge(post, on=["person", "host_unit"], how="left")
    term = df["term_end"].notna() & (df["pair_end"].isna() | (df["pair_end"] >= df["term_end"]))
    df["ends"] = df["term_end"].where(term, df["pair_end"]).astype("datetime64[ns]")
    df["because"] = np.where(term, "term", "pair")
    df = df[df["ends"].notna() & (df["ends"] >= on) & (df["ends"] <= horizon)]
    cols = ["mentor", "apprentice", "host_unit", "person", "term_end", "pair_end", "ends", "because"]
    return df[cols].sort_values(["ends", "host_unit", "mentor", "apprentice"]).reset_index(drop=True)


def staff_given(wb, on=None) -> pd.DataFrame:
    """Per host unit with local staff: how many have been mentored, ever (up to ``on``) and now.

    ``mentored_ever`` counts distinct local staff who were the apprentice of a
    mentorship that started on or before ``on`` (or has no start);
    ``mentored_now`` those with one active on ``on``.

    Returns ``host_unit, local_staff, mentored_ever, mentored_now, share_now``.

    >>> import planning
    >>> g = staff_given(planning.load_workbook(planning.SAMPLE), on="2026-11-22")
    >>> bool((g.mentored_now <= g.mentored_ever).all() and (g.mentored_ever <= g.local_staff).all())
    True
    """
    on = _day(on)
    m = wb.mentorships
    begun = m[(m["start"].isna() | (m["start"] <= on)).to_numpy()]
    ever = wb.local_staff.assign(ever=wb.local_staff["id"].isin(begun["apprentice"]).astype(np.int64))
    now = mentoring_coverage(wb, by=("host_unit",), on=on).rename(columns={"mentored": "mentored_now",
                                                                          "share": "share_now"})
    now.insert(2, "mentored_ever", ever.groupby("host_unit", sort=True)["ever"].sum().reindex(
        now["host_unit"]).to_numpy())
    return now


# --------------------------------------------------------------------------- #
# words
# --------------------------------------------------------------------------- #
def pairs_text(pairs: pd.DataFrame, lang: str | None = None) -> str:
    """One sentence about new pairs from :func:`pair_mentors` or :func:`pair_cadre_mentors`.

    >>> p = pd.DataFrame({"mentor": ["P1", "P1"], "apprentice": ["L1", "L2"], "host_unit": ["U", "U"],
    ...                   "exact_skill": [True, False]})
    >>> pairs_text(p, "en")
    '2 new mentoring pairs at 1 host unit, 1 of them with the same skill.'
    >>> pairs_text(p.iloc[:0], "zh")
    '没有可新增的结对。'
    """
    if pairs.empty:
        return t("mentor.none", lang)
    kw = dict(n=len(pairs), units=pairs["host_unit"].nunique(), exact=int(pairs["exact_skill"].sum()))
    if "same_sector" in pairs:
        return t("mentor.new_cadre_pairs", lang, same=int(pairs["same_sector"].sum()), **kw)
    return t("mentor.new_pairs", lang, **kw)
