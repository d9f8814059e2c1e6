"""Which pairings decide: one rule for eligibility, responsibility, coverage views and the network.

Design §4 ("Which pairings decide"). For a seat (a host unit, a sector and a
period), a pairing is **in force** when its dates overlap the seat (an empty
start or end is open), its host is the seat's unit or a region above it, and
its sector is empty or the seat's. Specificity: the nearer host is more
specific (the unit itself, then its region, then upwards); at the same host a
pairing naming the sector is more specific than one for all sectors. The
``rank`` column orders this: ``2 * depth + (1 if all sectors else 0)``,
smaller is more specific.

*Eligibility*: when exclusive pairings are in force, the most specific of them
**decide**, and a person qualifies when under any one of their senders
(several cities may hold one prefecture together).

*Responsibility*: among the pairings in force whose people may staff the seat
(every exclusive one; a preferred one when no exclusive pairing is in force or
its sender is under a deciding exclusive sender), the most specific are
**responsible**; exclusive before preferred when equally specific; equally
specific ones are listed together. People under a responsible sender are the
ones a preferred pairing ranks first. So the sender named responsible for a
gap is always one whose people may staff it.

Everything is computed by joins and grouped reductions over (seat, pairing)
rows, never by a loop over seats × pairings.

Examples
--------
>>> import pandas as pd
>>> import planning
>>> from planning.core.pairings import deciding_pairings
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> seat = pd.DataFrame({"host_unit": ["H-SCH01"], "sector": ["教育"],
...                      "start": pd.to_datetime(["2027-03-01"]), "end": pd.to_datetime(["2027-08-31"])})
>>> d = deciding_pairings(wb, seat)
>>> d.loc[d["decides"], "sender"].tolist()
['SD-JN']
>>> d.loc[d["responsible"], ["sender", "scope"]].values.tolist()
[['SD-JN', 'exclusive']]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .facts import derived
from .hierarchy import ancestors
from .utils import ranges
from .vocabulary import Scope

COLUMNS = ["seat", "pairing", "sender", "host", "pairing_sector", "scope", "depth", "rank", "decides", "responsible"]


@derived("regions", "units", "pairings")
def pairings_in_force(wb, seats: pd.DataFrame, any_sector: bool = False, anc: pd.DataFrame | None = None
                      ) -> pd.DataFrame:
    """Every pairing in force for each seat, with its specificity.

    Parameters
    ----------
    wb : Workbook
    seats : DataFrame
        ``host_unit``, ``sector``, ``start``, ``end`` (a missing start or end
        is open). Seats are named by their row position (``seat``).
    any_sector : bool
        Count pairings for any sector (a host unit "covered" at all).
    anc : DataFrame, optional
        :func:`planning.core.hierarchy.ancestors` of ``wb`` when the caller has it.

    Returns
    -------
    DataFrame
        ``seat, pairing`` (row position in ``wb.pairings``), ``sender, host,
        pairing_sector, scope, depth, rank``, sorted by seat then rank.
    """
    p = wb.pairings
    cols = ["seat", "pairing", "sender", "host", "pairing_sector", "scope", "depth", "rank"]
    if p.empty or len(seats) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=np.int64 if c in ("seat", "pairing", "depth", "rank")
                                          else object) for c in cols})
    a = ancestors(wb) if anc is None else anc
    # candidates per distinct (host unit, sector), dates aside: a small table
    key_cols = ["host_unit"] if any_sector else ["host_unit", "sector"]
    keys = seats[key_cols].reset_index(drop=True)
    code, uniq = pd.factorize(pd.MultiIndex.from_frame(keys.astype(object)), use_na_sentinel=False)
    uk = uniq.to_frame(index=False)
    uk.columns = key_cols
    uk["key"] = np.arange(len(uk))
    pp = p.reset_index(drop=True).assign(pairing=np.arange(len(p)))
    pp = pp.rename(columns={"sector": "pairing_sector", "start": "p_start", "end": "p_end"})
    cand = uk.merge(a, left_on="host_unit", right_on="node").merge(pp, left_on="ancestor", right_on="host")
    if not any_sector:
        cand = cand[cand["pairing_sector"].isna() | cand["pairing_sector"].eq(cand["sector"])]
    cand = cand.sort_values(["key", "depth", "pairing"], kind="stable")
    ck = cand["key"].to_numpy()
    lo = np.searchsorted(ck, np.arange(len(uk)), "left")
    n = np.searchsorted(ck, np.arange(len(uk)), "right") - lo
    # expand to seats, then keep the pairings whose dates overlap the seat
    counts = n[code]
    seat = np.repeat(np.arange(len(keys)), counts)
    row = ranges(lo[code], counts)
    ps = pd.DatetimeIndex(cand["p_start"]).to_numpy()[row]
    pe = pd.DatetimeIndex(cand["p_end"]).to_numpy()[row]
    ss = pd.DatetimeIndex(seats["start"]).to_numpy()[seat]
    se = pd.DatetimeIndex(seats["end"]).to_numpy()[seat]
    ok = (np.isnat(ps) | np.isnat(se) | (ps <= se)) & (np.isnat(pe) | np.isnat(ss) | (pe >= ss))
    seat, row = seat[ok], row[ok]
    general = cand["pairing_sector"].isna().to_numpy()[row]
    depth = cand["depth"].to_numpy().astype(np.int64)[row]
    scope = cand["scope"].fillna(Scope.EXCLUSIVE.value).to_numpy()[row]
    out = pd.DataFrame({
        "seat": seat.astype(np.int64), "pairing": cand["pairing"].to_numpy()[row].astype(np.int64),
        "sender": cand["sender"].to_numpy()[row], "host": cand["host"].to_numpy()[row],
        "pairing_sector": cand["pairing_sector"].to_numpy()[row], "scope": scope, "depth": depth,
        "rank": 2 * depth + general.astype(np.int64)})
    return out.sort_values(["seat", "rank", "pairing"], kind="stable").reset_index(drop=True)


@derived("regions", "units", "pairings")
def deciding_pairings(wb, seats: pd.DataFrame) -> pd.DataFrame:
    """The pairings in force for each seat, flagged with the ones that decide.

    ``decides``: the most specific exclusive pairings in force (a person
    qualifies under any of their senders; no such row: pairings do not
    restrict the seat). ``responsible``: the senders answerable for the seat,
    whose people a preferred pairing ranks first.

    Parameters
    ----------
    wb : Workbook
    seats : DataFrame
        ``host_unit``, ``sector``, ``start``, ``end``; named by row position.

    Returns
    -------
    DataFrame
        The columns of :func:`pairings_in_force` plus ``decides`` and
        ``responsible`` (booleans), sorted by seat then rank.
    """
    anc = ancestors(wb)
    f = pairings_in_force(wb, seats, anc=anc)
    if f.empty:
        return f.assign(decides=pd.Series([], dtype=bool), responsible=pd.Series([], dtype=bool))
    seat = f["seat"].to_numpy()
    rank = f["rank"].to_numpy()
    excl = (f["scope"] == Scope.EXCLUSIVE).to_numpy()
    big = np.iinfo(np.int64).max
    n_seats = int(seat.max()) + 1
    best_excl = np.full(n_seats, big, np.int64)
    np.minimum.at(best_excl, seat[excl], rank[excl])
    decides = excl & (rank == best_excl[seat])
    # a preferred pairing may staff when no exclusive is in force or its sender is under a deciding sender
    has_excl = best_excl[seat] < big
    pref_rows = np.flatnonzero(~excl & has_excl)
    staff = excl | ~has_excl
    if len(pref_rows):
        d = pd.DataFrame({"seat": seat[decides], "dsender": f["sender"].to_numpy()[decides]})
        pr = pd.DataFrame({"row": pref_rows, "seat": seat[pref_rows], "sender": f["sender"].to_numpy()[pref_rows]})
        m = pr.merge(d, on="seat").merge(anc[["node", "ancestor"]], left_on=["sender", "dsender"],
                                         right_on=["node", "ancestor"])
        staff[m["row"].to_numpy()] = True
    # responsible: the most specific that may staff; exclusive before preferred at the same rank
    key = np.where(staff, 2 * rank + (~excl).astype(np.int64), big)
    best = np.full(n_seats, big, np.int64)
    np.minimum.at(best, seat, key)
    responsible = staff & (key == best[seat])
    return f.assign(decides=decides, responsible=responsible)


@derived("orders")
def order_seats(wb) -> pd.DataFrame:
    """One seat per host unit × sector with orders, over the span of those orders.

    ``host_unit``, ``sector``, ``start`` (earliest order start), ``end``
    (latest order end): the seats :func:`responsible_senders` asks about when
    no date is given.
    """
    o = wb.orders
    g = o.groupby(["host_unit", "sector"], sort=True, observed=True)
    return g.agg(start=("start", "min"), end=("end", "max")).reset_index()


@derived("regions", "units", "pairings")
def responsible_senders(wb, seats: pd.DataFrame) -> pd.DataFrame:
    """Per seat, the responsible senders: ``seat, sender, scope`` (several rows when equally specific)."""
    d = deciding_pairings(wb, seats)
    r = d[d["responsible"]][["seat", "sender", "scope"]]
    return r.drop_duplicates(["seat", "sender"]).sort_values(["seat", "sender"]).reset_index(drop=True)


@derived("regions", "units", "pairings")
def covered_host_units(wb, on: pd.Timestamp | None = None) -> pd.Index:
    """Host units with a pairing in force on ``on`` or later for any sector (``on=None``: ever)."""
    u = wb.units[wb.units["side"].eq("host")]
    seats = pd.DataFrame({"host_unit": u["id"].to_numpy(), "sector": np.nan,
                          "start": pd.NaT if on is None else pd.Timestamp(on), "end": pd.NaT})
    seats["start"] = pd.to_datetime(seats["start"])
    seats["end"] = pd.to_datetime(seats["end"])
    f = pairings_in_force(wb, seats, any_sector=True)
    return pd.Index(u["id"].to_numpy()[np.unique(f["seat"].to_numpy())])
