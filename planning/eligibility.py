"""Which person may sit in which seat: the sparse table of allowed pairs.

A person is eligible for an order seat when: same sector; same skill if the
order names one; ``level >= min_level``; ``can_lead`` if the role is lead;
available over the whole stint (slot); and every exclusive pairing covering the
host unit (and sector) has the person under its sender.

The table is built by joins on sector (and skill), never by a loop over
people × orders; people are processed in chunks to bound memory.

Examples
--------
>>> import planning
>>> from planning.eligibility import eligible_pairs
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> pairs = eligible_pairs(wb)
>>> set(pairs.columns) >= {"person", "order", "slot", "exact_skill"}
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .hierarchy import ancestors
from .seats import order_slots

CHUNK = 400_000  # candidate rows per join chunk


def exclusive_senders(wb, slots: pd.DataFrame) -> pd.DataFrame:
    """Per order, the senders its exclusive pairings require (``order``, ``sender``)."""
    p = wb.pairings
    p = p[p["scope"].eq("exclusive")]
    if p.empty:
        return pd.DataFrame({"order": pd.Series([], dtype=str), "sender": pd.Series([], dtype=str)})
    a = ancestors(wb)
    o = slots.drop_duplicates("order")[["order", "host_unit", "sector", "start", "end"]]
    cov = o.merge(a, left_on="host_unit", right_on="node").merge(
        p, left_on="ancestor", right_on="host", suffixes=("", "_p"))
    sector_ok = cov["sector_p"].isna() | cov["sector_p"].eq(cov["sector"])
    time_ok = (cov["start_p"].isna() | (cov["start_p"] <= cov["end"])) & (
        cov["end_p"].isna() | (cov["end_p"] >= cov["start"]))
    return cov.loc[sector_ok & time_ok, ["order", "sender"]].drop_duplicates().reset_index(drop=True)


def eligible_pairs(wb, slots: pd.DataFrame | None = None, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every allowed (person, order, slot) with ``exact_skill`` and ``preferred`` flags.

    Parameters
    ----------
    wb : Workbook
    slots : DataFrame, optional
        Seats to consider (default: every slot of every order, see
        :func:`planning.seats.order_slots`).
    people : DataFrame, optional
        People to consider (default: everyone).
    """
    slots = order_slots(wb.orders) if slots is None else slots
    people = wb.people if people is None else people
    s = slots[["order", "slot", "start", "end", "sector", "skill", "role", "min_level", "host_unit"]]
    p = people[["id", "sector", "skill", "level", "can_lead", "available_from", "available_to"]].rename(
        columns={"id": "person", "skill": "p_skill"})
    with_skill = s[s["skill"].notna()]
    any_skill = s[s["skill"].isna()]
    parts = []
    # orders naming a skill join on (sector, skill); the rest on sector alone
    for seats, keys_left, keys_right in ((with_skill, ["sector", "p_skill"], ["sector", "skill"]),
                                         (any_skill, ["sector"], ["sector"])):
        if seats.empty or p.empty:
            continue
        sizes = seats.groupby(keys_right).size()
        per_person = p.set_index(keys_left).index.map(sizes).fillna(0).to_numpy()
        bounds = np.searchsorted(np.cumsum(per_person), np.arange(CHUNK, per_person.sum() + CHUNK, CHUNK))
        lo = 0
        for hi in list(bounds) + [len(p)]:
            if hi <= lo:
                continue
            chunk = p.iloc[lo:hi]
            lo = hi
            m = chunk.merge(seats, left_on=keys_left, right_on=keys_right, suffixes=("", "_o"))
            ok = (
                (m["level"].to_numpy() >= m["min_level"].to_numpy())
                & (m["can_lead"].to_numpy() | m["role"].ne("lead").to_numpy())
                & (m["available_from"].to_numpy() <= m["start"].to_numpy())
                & (m["available_to"].to_numpy() >= m["end"].to_numpy())
            )
            m = m[ok]
            exact = m["skill"].notna().to_numpy() if "skill" in m else np.zeros(len(m), bool)
            parts.append(pd.DataFrame({"person": m["person"].to_numpy(), "order": m["order"].to_numpy(),
                                       "slot": m["slot"].to_numpy(), "exact_skill": exact}))
    if not parts:
        return pd.DataFrame({"person": pd.Series([], dtype=str), "order": pd.Series([], dtype=str),
                             "slot": pd.Series([], dtype=np.int64), "exact_skill": pd.Series([], dtype=bool),
                             "preferred": pd.Series([], dtype=bool)})
    pairs = pd.concat(parts, ignore_index=True)
    return _apply_pairings(wb, slots, pairs)


def _apply_pairings(wb, slots, pairs: pd.DataFrame) -> pd.DataFrame:
    """Drop pairs an exclusive pairing forbids; flag pairs a preferred pairing favours."""
    req = exclusive_senders(wb, slots)
    pa = None
    if not req.empty:
        from .hierarchy import person_ancestors

        pa = person_ancestors(wb)[["person", "ancestor"]]
        need = req.groupby("order").size()
        cand = pairs[pairs["order"].isin(need.index)][["person", "order"]].drop_duplicates()
        chk = cand.merge(req, on="order").merge(pa, left_on=["person", "sender"], right_on=["person", "ancestor"])
        got = chk.groupby(["person", "order"]).size()
        full = got[got.to_numpy() == need.reindex(got.index.get_level_values("order")).to_numpy()]
        bad = pairs["order"].isin(need.index).to_numpy() & ~pd.MultiIndex.from_frame(
            pairs[["person", "order"]]).isin(full.index)
        pairs = pairs[~bad].reset_index(drop=True)
    pairs["preferred"] = _preferred(wb, slots, pairs, pa)
    return pairs


def _preferred(wb, slots, pairs, pa) -> np.ndarray:
    p = wb.pairings
    if p.empty or pairs.empty:
        return np.zeros(len(pairs), dtype=bool)
    a = ancestors(wb)
    o = slots.drop_duplicates("order")[["order", "host_unit", "sector"]]
    cov = o.merge(a, left_on="host_unit", right_on="node").merge(p, left_on="ancestor", right_on="host",
                                                               suffixes=("", "_p"))
    cov = cov[cov["sector_p"].isna() | cov["sector_p"].eq(cov["sector"])][["order", "sender"]]
    if cov.empty:
        return np.zeros(len(pairs), dtype=bool)
    if pa is None:
        from .hierarchy import person_ancestors

        pa = person_ancestors(wb)[["person", "ancestor"]]
    hit = pairs[["person", "order"]].drop_duplicates().merge(cov, on="order").merge(
        pa, left_on=["person", "sender"], right_on=["person", "ancestor"])[["person", "order"]].drop_duplicates()
    return pd.MultiIndex.from_frame(pairs[["person", "order"]]).isin(pd.MultiIndex.from_frame(hit))
