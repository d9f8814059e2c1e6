"""Senders' quotas and staff caps as hard rules, and the least burden among optimal plans (design §9).

Both rules apply only when the workbook gives them (a ``quotas`` row; a ``sender_staff``
row with ``max_share``); without them the model is unchanged (the flow path, the same
objective). What they bound, precisely:

* **Staff cap** of a sending unit × sector (``sender_staff`` with ``max_share``): on
  every day, the unit's people of that sector on post — its people's live (active or
  planned) assignments in force that day, pinned placements and the plan's new ones — number at
  most ``floor(max_share × staff)``. "Its people" are the people whose ``sending_unit`` is
  the unit and whose ``sector`` is the sector (as :func:`planning.programme.senders.sender_burden`
  counts them). The count only changes on the first day of a stint, so the rule is stated on
  the first days of the candidate stints and of the live ones. A day already over the cap
  through live assignments alone takes no new person of the unit (existing assignments stay).
* **Quota** of a sender × sector × batch (``quotas``): design §9 makes it what the sender
  must put forward; the plan reads it as the most it may **take** from the sender for that
  batch: the seats of the sector whose stint begins in the batch's window (dispatch date to
  window end, :func:`planning.programme.senders.batch_windows`; a seat already begun is
  planned from the planning date, so it counts for the batch whose window holds that day)
  held by people under the sender (design §4: the sending unit and every region above it;
  :func:`planning.core.hierarchy.person_ancestors`) number at most the quota. Live
  assignments of the sender's people beginning in the window and pinned placements count
  too; each placement counts once (a person on two of the batch's seats counts twice, as a
  task counts seats). A quota is an upper bound only: a sender short of its quota is
  reported by :func:`planning.programme.senders.sender_tasks`, never forced.

**Burden** (the second objective, right after the first): a sending unit's burden in a sector
on a day is its people on post ÷ its staff; among plans with the first objective's optimum,
allocation prefers one whose largest burden (over the units with staff given, on the days its
new placements cover) is smallest, before the other tie-breakers (preferred pairing, exact
skill, wishes, fair share across cities). It comes first among them because design §9 states it
as the rule after the first objective, and because it is about the senders' own capacity (a
hospital left without its cardiologists) where the others are preferences about who goes where.

The rows are built here once (:func:`define_sender_rules`) into the model's arrays; the CP-SAT
model, the horizon solver's LP and the rounding all read them from there, and
:func:`enforce_sender_limits` cuts a plan from a method that does not model them.

Where they apply: with any row (a binding quota or cap, or a burden row: a unit with staff given
and people among the candidates) the plain min-cost flow gives way. When every person's candidate
seats share a day and each row holds all the pairs of its people (or is implied by one that does),
with those sets of people nested and each within one city, the rows stay on the flow path as
capacities (:mod:`planning.allocation.solvers.sender_flow`: exact for the first objective, the
burden and the other tie-breakers). Otherwise the horizon solver plans, whose CP-SAT step (models up
to its pair limit) also settles the burden; above that limit the plan obeys the hard rows but the
burden is not weighed. Pins are placed as asked and count against the rows
(a pin beyond a quota or cap leaves the rest no room, and :func:`~planning.allocation.check.check_plan`
reports it); ``method="stable"`` does not model them (``check_plan`` reports what it breaks).
"""
from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.hierarchy import person_ancestors
from ..core.live import LIVE
from ..core.utils import days_of, ranges
from ..programme.senders import batch_windows

if TYPE_CHECKING:
    from .model import Model

#: columns of ``Model.limit_rules``: one row per quota or staff cap stated in the model
RULE_COLUMNS = ["kind", "sender", "sector", "batch", "limit", "staff", "max_share"]


def staff_cap(staff, max_share) -> int:
    """``floor(max_share × staff)`` as people (shares like 0.29 × 100 read as 29, not 28)."""
    return int(np.floor(float(max_share) * int(staff) + 1e-9))


def rules_given(wb) -> bool:
    """Does the workbook give a quota or a staff row (the rules and the burden need them)?"""
    return bool(len(wb.quotas)) or bool(len(wb.sender_staff))


def _unit_people(wb) -> pd.DataFrame:
    return pd.DataFrame({"person": wb.people["id"].to_numpy(), "unit": wb.people["sending_unit"].to_numpy(),
                         "p_sector": wb.people["sector"].to_numpy()})


def held_stints(wb, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Live assignments (active, planned) and ``extra`` stints: ``person, order, start, end, sector``.

    ``extra``: ``person, order, start, end`` (pins, or a plan's new assignments); ``sector`` is the order's.
    """
    a = wb.assignments
    live = a[a["status"].isin(LIVE) & a["start"].notna()][["person", "order", "start", "end"]]
    parts = [live] + ([extra[["person", "order", "start", "end"]]] if extra is not None and len(extra) else [])
    h = pd.concat(parts, ignore_index=True)
    h["end"] = h["end"].fillna(pd.Timestamp.max.normalize())
    h["sector"] = h["order"].map(wb.orders.set_index("id")["sector"])
    return h


def _distinct_per_row(on: np.ndarray, who: np.ndarray) -> np.ndarray:
    """Per row of the boolean matrix ``on`` (rows × items): how many distinct ``who`` (integers) its true items hold."""
    if on.shape[1] == 0:
        return np.zeros(on.shape[0], np.int64)
    by = np.argsort(who, kind="stable")
    w = who[by]
    first = np.flatnonzero(np.r_[True, w[1:] != w[:-1]])
    return np.logical_or.reduceat(on[:, by], first, axis=1).sum(axis=1).astype(np.int64)


def _day_rows(k: np.ndarray, start: np.ndarray, end: np.ndarray, person: np.ndarray,
              h_start: np.ndarray, h_end: np.ndarray, h_person: np.ndarray):
    """One unit × sector's day rows: per day worth stating, the candidate pairs covering it and the people held.

    ``k`` (pair indices), ``start``/``end`` (their days), ``person`` (their people); the held stints'
    days and people. Days: the first days of the pairs and of held stints within the pairs' span.
    Rows with the same pairs keep the largest count held (the first day with it). Returns ``(pairs per row,
    held per row, people per row)``. All days at once, as boolean day × pair and day × stint matrices.
    """
    lo, hi = int(start.min()), int(end.max())
    days = np.unique(np.r_[start, h_start[(h_start >= lo) & (h_start <= hi)]])
    o = np.argsort(start, kind="stable")
    k, start, end, person = k[o], start[o], end[o], person[o]
    n = np.searchsorted(start, days, side="right")  # the pairs begun by each day
    cover = (np.arange(len(k))[None, :] < n[:, None]) & (end[None, :] >= days[:, None])
    stated = cover.any(axis=1)
    cover, days = cover[stated], days[stated]
    if len(days) == 0:
        return [], np.zeros(0, np.int64), np.zeros(0, np.int64)
    on = (h_start[None, :] <= days[:, None]) & (h_end[None, :] >= days[:, None])
    held, people = _distinct_per_row(on, h_person), _distinct_per_row(cover, person)
    if len(days) > 1:  # rows with the same pairs: the first with the largest count held
        if len(days) == 2:
            same = np.array([0, 0 if np.array_equal(cover[0], cover[1]) else 1])
        else:
            same = np.unique(np.packbits(cover, axis=1), axis=0, return_inverse=True)[1].reshape(-1)
        by = np.lexsort((np.arange(len(same)), -held, same))
        keep = np.sort(by[np.r_[True, same[by][1:] != same[by][:-1]]])
    else:
        keep = np.zeros(1, np.int64)
    return [k[cover[i]] for i in keep.tolist()], held[keep], people[keep]


def define_sender_rules(wb, seats: pd.DataFrame, pairs: pd.DataFrame, pinned: pd.DataFrame, m: Model) -> None:
    """Fill the model's quota and staff-cap rows and the burden rows (nothing when the workbook gives none).

    ``m.limit_pairs[r]``: the pairs of hard row ``r`` (at most ``m.limit_rhs[r]`` of them placed),
    stated by rule ``m.limit_rule[r]`` (a row of ``m.limit_rules``). Burden rows, one per sending
    unit × sector with staff and day: ``m.burden_pairs[r]`` placed plus ``m.burden_held[r]`` held
    people on post, of unit × sector ``m.burden_unit[r]`` (staff ``m.burden_staff``).
    """
    if not rules_given(wb) or pairs.empty:
        return
    pin_stints = pd.DataFrame({"person": pinned["person"].to_numpy(),
                               "order": seats["order"].to_numpy()[pinned["seat"].to_numpy()],
                               "start": seats["start"].to_numpy()[pinned["seat"].to_numpy()],
                               "end": seats["end"].to_numpy()[pinned["seat"].to_numpy()]})
    held = held_stints(wb, pin_stints)
    p_code, p_names = pd.factorize(pairs["person"])
    p_names = pd.Index(p_names)
    rules, limit_pairs, limit_rhs, limit_rule = [], [], [], []
    # quotas: sender × sector × batch (pairs and held stints grouped by quota once, not filtered per quota)
    q = wb.quotas
    if len(q):
        win = batch_windows(wb).set_index("batch")
        qs = q.reset_index(drop=True).assign(qid=np.arange(len(q)))
        qs = qs[qs["batch"].isin(win.index)]
        qs = qs.assign(w0=qs["batch"].map(win["dispatch"]), w1=qs["batch"].map(win["window_end"]))
        pa = person_ancestors(wb)[["person", "ancestor"]]
        pq = pa.merge(qs[["qid", "sender", "sector", "w0", "w1"]], left_on="ancestor", right_on="sender")
        # held stints: of anyone under the sender (people on post have no candidate pairs over their stint)
        hq = held.merge(pq, on="person", suffixes=("", "_q"))
        hq = hq[hq["sector"].eq(hq["sector_q"]) & (hq["start"] >= hq["w0"]) & (hq["start"] <= hq["w1"])]
        n_held = hq.groupby("qid").size()
        # each pair with every quota over its person in its seat's sector, by integer (person, sector) keys
        # (no join of the pair table, no pair repeated for the quotas of other sectors)
        seat_sec, sec_names = pd.factorize(seats["sector"])
        n_sec = max(1, len(sec_names))
        p_sec = seat_sec[pairs["seat"].to_numpy()]
        q_person, q_sec = p_names.get_indexer(pq["person"]), sec_names.get_indexer(pq["sector"])
        pq = pq[(q_person >= 0) & (q_sec >= 0)]
        q_key = (q_person * n_sec + q_sec)[(q_person >= 0) & (q_sec >= 0)]
        by_key = np.argsort(q_key, kind="stable")
        q_key = q_key[by_key]
        p_key = np.where(p_sec >= 0, p_code * n_sec + p_sec, -1)
        lo = np.searchsorted(q_key, p_key, "left")
        n_q = np.where(p_key >= 0, np.searchsorted(q_key, p_key, "right") - lo, 0)
        k_all = np.repeat(np.arange(len(pairs)), n_q)
        at = by_key[ranges(lo, n_q)]
        p_start = pd.to_datetime(pairs["start"]).to_numpy()[k_all]
        ok = (p_start >= pq["w0"].to_numpy()[at]) & (p_start <= pq["w1"].to_numpy()[at])
        k_ok, q_ok = k_all[ok], pq["qid"].to_numpy()[at][ok].astype(np.int64)
        o = np.lexsort((k_ok, q_ok))
        k_ok, q_ok = k_ok[o], q_ok[o]
        cut_q = np.searchsorted(q_ok, np.arange(len(q) + 1))
        for r in qs.itertuples(index=False):
            k = k_ok[cut_q[r.qid]:cut_q[r.qid + 1]]
            if len(k) == 0:
                continue
            rhs = max(0, int(r.count) - int(n_held.get(r.qid, 0)))
            rules.append(("quota", r.sender, r.sector, r.batch, int(r.count), np.nan, np.nan))
            if len(k) > rhs:
                limit_pairs.append(np.sort(k))
                limit_rhs.append(rhs)
                limit_rule.append(len(rules) - 1)
    # sending units' staff: caps (hard) and burden rows (the second objective)
    s = wb.sender_staff
    if len(s):
        up = _unit_people(wb)
        pos = pd.Series(np.arange(len(s)), index=pd.MultiIndex.from_frame(s[["unit", "sector"]]))
        pos = pos[~pos.index.duplicated()]  # a unit × sector given twice: its first row
        row_of = pd.Series(pos.reindex(pd.MultiIndex.from_frame(up[["unit", "p_sector"]])).fillna(-1).to_numpy(),
                           index=up["person"])
        row_of = row_of[~row_of.index.duplicated()]
        row_k = row_of.reindex(p_names).fillna(-1).to_numpy().astype(np.int64)[p_code]
        by_row = np.argsort(row_k, kind="stable")  # pairs by staff row, in their order within each
        cut_k = np.searchsorted(row_k[by_row], np.arange(len(s) + 1))
        # held stints counted by the person's unit and sector, as sender_burden counts them
        h = held.assign(row=held["person"].map(row_of).fillna(-1).to_numpy().astype(np.int64))
        h = h[h["row"] >= 0].sort_values("row", kind="stable")
        h_row = h["row"].to_numpy()
        h_start, h_end, h_person = days_of(h["start"]), days_of(h["end"]), pd.factorize(h["person"])[0]
        cut = np.searchsorted(h_row, np.arange(len(s) + 1))
        b_pairs, b_held, b_unit, b_staff, b_cap = [], [], [], [], []
        for i, r in enumerate(s.itertuples(index=False)):
            k = by_row[cut_k[i]:cut_k[i + 1]].astype(np.int64)
            if len(k) == 0:
                continue
            a, b = cut[i], cut[i + 1]
            rows, e, n_people = _day_rows(k, m.pair_start[k], m.pair_end[k], p_code[k],
                                          h_start[a:b], h_end[a:b], h_person[a:b])
            u = len(b_staff)
            b_staff.append(int(r.staff))
            has_cap = pd.notna(r.max_share)
            cap = staff_cap(r.staff, r.max_share) if has_cap else -1
            b_cap.append(cap)
            b_pairs.extend(rows)
            b_held.extend(e.tolist())
            b_unit.extend([u] * len(rows))
            if has_cap:
                rules.append(("staff_cap", r.unit, r.sector, None, cap, int(r.staff), float(r.max_share)))
                for row, held_n, n in zip(rows, e, n_people):
                    rhs = max(0, cap - int(held_n))
                    if n > rhs:
                        limit_pairs.append(row)
                        limit_rhs.append(rhs)
                        limit_rule.append(len(rules) - 1)
        if b_pairs:
            m.burden_pairs = b_pairs
            m.burden_held = np.asarray(b_held, np.int64)
            m.burden_unit = np.asarray(b_unit, np.int64)
            m.burden_staff = np.asarray(b_staff, np.int64)
            m.burden_cap = np.asarray(b_cap, np.int64)
    m.limit_rules = pd.DataFrame(rules, columns=RULE_COLUMNS)
    m.limit_pairs = limit_pairs
    m.limit_rhs = np.asarray(limit_rhs, np.int64)
    m.limit_rule = np.asarray(limit_rule, np.int64)


def limit_csr(m: Model) -> tuple[np.ndarray, np.ndarray]:
    """The hard rows as (row, pair) coordinates."""
    if not m.limit_pairs:
        z = np.zeros(0, np.int64)
        return z, z
    row = np.repeat(np.arange(len(m.limit_pairs)), [len(r) for r in m.limit_pairs])
    return row.astype(np.int64), np.concatenate(m.limit_pairs).astype(np.int64)


def enforce_sender_limits(m: Model, chosen: np.ndarray, first: np.ndarray | None = None) -> np.ndarray:
    """Drop placements beyond a quota or staff cap: pairs are kept (``first`` ones first, then by weight, then
    reward) while every row they are in has room."""
    chosen = np.asarray(chosen, np.int64)
    if not m.limit_pairs or len(chosen) == 0:
        return chosen
    row, col = limit_csr(m)
    on = np.zeros(m.n_pairs, bool)
    on[chosen] = True
    sel = on[col]
    row, col = row[sel], col[sel]
    over = np.bincount(row, minlength=len(m.limit_rhs)) > m.limit_rhs
    if not over.any():
        return chosen
    involved = np.unique(col[over[row]])
    early = np.zeros(m.n_pairs, bool)
    if first is not None:
        early[np.asarray(first, np.int64)] = True
    o = np.lexsort((-m.pair_tie[involved], -m.pair_w[involved], ~early[involved]))
    # each involved pair's rows, as slices of one array sorted by pair (no per-pair grouping in pandas)
    by = np.argsort(col, kind="stable")
    c_sorted, r_sorted = col[by], row[by]
    lo = np.searchsorted(c_sorted, involved)
    hi = np.searchsorted(c_sorted, involved, side="right")
    room = m.limit_rhs.copy()
    for i in o.tolist():
        rs = r_sorted[lo[i]:hi[i]]
        if (room[rs] > 0).all():
            room[rs] -= 1
        else:
            on[involved[i]] = False
    return np.flatnonzero(on)


def burden_levels(m: Model) -> tuple[list, list]:
    """The burdens a plan can reach, in increasing order, and per unit × sector the people each allows.

    Returns ``(levels, tables)``: ``levels`` are fractions ``c / staff``; ``tables[u][j]`` is
    ``floor(levels[j] × staff[u])``, the most people of unit × sector ``u`` on post at burden ``levels[j]``.
    """
    counts = np.zeros(len(m.burden_staff), np.int64)
    for r, u in enumerate(m.burden_unit.tolist()):
        counts[u] = max(counts[u], int(m.burden_held[r]) + len(np.unique(m.pair_person[m.burden_pairs[r]])))
    levels = sorted({Fraction(c, int(st)) for u, st in enumerate(m.burden_staff.tolist())
                     for c in range(int(counts[u]) + 1)})
    tables = [[int(v.numerator * int(st) // v.denominator) for v in levels] for st in m.burden_staff.tolist()]
    return levels, tables


def largest_burden(m: Model, chosen: np.ndarray) -> Fraction | None:
    """The largest burden a set of placed pairs gives over the model's burden rows (None: no row)."""
    if not m.burden_pairs:
        return None
    on = np.zeros(m.n_pairs, bool)
    on[np.asarray(chosen, np.int64)] = True
    return max(Fraction(int(e) + int(on[k].sum()), int(m.burden_staff[u]))
               for k, e, u in zip(m.burden_pairs, m.burden_held, m.burden_unit))


def plan_burden(wb, new: pd.DataFrame, start) -> pd.DataFrame:
    """Each sending unit × sector with staff: its largest burden from ``start`` on, with ``new`` stints added.

    Columns ``unit, sector, staff, max_share, peak, burden, day`` (``peak``: people on post on its
    worst day, ``day`` that day; the burden is ``peak / staff``).
    """
    s = wb.sender_staff
    cols = ["unit", "sector", "staff", "max_share", "peak", "burden", "day"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    start = pd.Timestamp(start)
    h = held_stints(wb, new).merge(_unit_people(wb), on="person")
    h = h[h["end"] >= start]
    out = []
    for r in s.itertuples(index=False):
        hh = h[h["unit"].eq(r.unit) & h["p_sector"].eq(r.sector)]
        best, day = 0, pd.NaT
        for d in sorted(set(hh["start"].clip(lower=start))):
            n = hh.loc[(hh["start"] <= d) & (hh["end"] >= d), "person"].nunique()
            if n > best:
                best, day = n, d
        out.append((r.unit, r.sector, int(r.staff), r.max_share, best, best / int(r.staff), day))
    return pd.DataFrame(out, columns=cols)


def subset_limits(m: Model, keep: np.ndarray, base: np.ndarray | None = None) -> dict:
    """The hard rows over the pairs ``keep`` only (renumbered; every row kept, empty ones too), for
    :func:`dataclasses.replace`; ``base`` (placed pairs) takes its places from each row. No burden rows."""
    new = np.full(m.n_pairs, -1, np.int64)
    new[np.asarray(keep, np.int64)] = np.arange(len(keep))
    rhs = m.limit_rhs
    if base is not None and m.limit_pairs:
        on = np.zeros(m.n_pairs, bool)
        on[np.asarray(base, np.int64)] = True
        rhs = np.maximum(0, rhs - np.array([int(on[k].sum()) for k in m.limit_pairs], np.int64))
    rows = [new[k][new[k] >= 0] for k in m.limit_pairs]
    return dict(limit_pairs=rows, limit_rhs=rhs, burden_pairs=[])


SENDER_COLUMNS = ["batch", "sender", "sector", "task", "quota", "nominated", "selected", "burden"]


def plan_senders(plan, batch: str | None = None) -> pd.DataFrame:
    """Each sender's task, quota, nominated and selected people and burden in a plan (design §9).

    One row per batch × sender × sector of :func:`planning.programme.senders.sender_tasks` (on the
    workbook the plan was made from; ``batch=None``: every batch): ``task`` (its seats), ``quota``,
    ``nominated``; ``selected``, the plan's new placements of its people on the batch's seats of the
    sector (stints beginning in the batch's window); ``burden``, the largest burden of its sending
    units with staff in the sector over the plan from its planning date (NaN: no staff given).
    """
    from ..core.hierarchy import ancestors
    from ..programme.senders import sender_tasks

    wb = plan.inputs.workbook if getattr(plan, "inputs", None) is not None else plan.workbook
    if wb.batches.empty:
        return pd.DataFrame(columns=SENDER_COLUMNS)
    t = sender_tasks(wb, batch=batch)
    if t.empty:
        return pd.DataFrame(columns=SENDER_COLUMNS)
    a = plan.assignments
    win = batch_windows(wb).set_index("batch")
    pa = person_ancestors(wb)[["person", "ancestor"]]
    new = a[["person", "start", "sector"]].merge(pa, on="person")
    selected = []
    for r in t.itertuples(index=False):
        w0, w1 = win.at[r.batch, "dispatch"], win.at[r.batch, "window_end"]
        hit = new[new["ancestor"].eq(r.sender) & new["sector"].eq(r.sector) & (new["start"] >= w0)
                  & (new["start"] <= w1)]
        selected.append(len(hit))
    day = plan.planning_date if getattr(plan, "planning_date", None) is not None else a["start"].min()
    pb = plan_burden(wb, a, day if pd.notna(day) else pd.Timestamp.today().normalize())
    burden = np.full(len(t), np.nan)
    if len(pb):
        anc = ancestors(wb)
        pb = pb.merge(anc, left_on="unit", right_on="node")
        worst = pb.groupby(["ancestor", "sector"])["burden"].max()
        burden = pd.MultiIndex.from_frame(t[["sender", "sector"]]).map(worst).to_numpy(dtype=float)
    return pd.DataFrame({"batch": t["batch"].to_numpy(), "sender": t["sender"].to_numpy(),
                         "sector": t["sector"].to_numpy(), "task": t["seats"].to_numpy(),
                         "quota": t["quota"].to_numpy(), "nominated": t["nominated"].to_numpy(),
                         "selected": np.asarray(selected, np.int64), "burden": burden})
