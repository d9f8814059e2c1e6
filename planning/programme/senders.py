"""Senders' tasks for a batch, their quotas and nominations, and sending units' burden (design §9).

* A **batch** has a dispatch date and a window (``window_end``; by default the day
  before the next batch's dispatch, or 12 months). Its **seats** are the order slots
  with headcount left (headcount less live assignments overlapping the slot) whose
  first day to staff (the slot's start, or the dispatch date for a slot already begun)
  falls in the window. A seat's stint runs from that first day to the slot's end; a slot
  that ended before the dispatch date has nothing left to staff.
* A sender's **task**: the batch's seats it is responsible for under design §4
  (:func:`planning.core.pairings.responsible_senders`, asked about the stint), by
  sector. Seats with several equally specific responsible senders form a **shared
  task** of those senders together.
* A **quota** given in the ``quotas`` table is what the sender must put forward; where
  none is given, a sole sender's quota is its task and a shared task is split among its
  senders in proportion to their people in the sector free (available, on no live
  assignment) for the whole of at least one of the task's seats, by the largest
  remainder then sender id (:func:`split_quota`).
* **Nominated**: people under the sender with status nominated or selected for the
  batch who are eligible for at least one seat of its task; **shortfall** = quota −
  nominated, never below zero.
* A sending unit's **burden** per sector on a day: its people on post (live
  assignments) ÷ its staff (:func:`sender_burden`).

Examples
--------
>>> import pandas as pd
>>> from planning.programme.senders import split_quota
>>> split_quota(5, {"b": 1, "a": 1})
{'a': 3, 'b': 2}
>>> split_quota(4, {"x": 3, "y": 0})
{'x': 4, 'y': 0}
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.hierarchy import ancestors, person_ancestors
from ..core.live import live_assignments
from ..core.pairings import responsible_senders
from ..core.periods import ends
from .eligibility import eligible_rows
from .seats import add_months, order_slots

#: Nomination statuses that count as put forward for a batch.
PUT_FORWARD = ("nominated", "selected")
#: The window of the last batch when none is given: this many months from its dispatch.
DEFAULT_WINDOW_MONTHS = 12

TASK_COLUMNS = ["batch", "sender", "sector", "seats", "shared_seats", "shared_with", "quota", "quota_given",
                "nominated", "shortfall"]


def split_quota(task: int, weights: dict[str, int]) -> dict[str, int]:
    """Split ``task`` seats among senders in proportion to ``weights``, parts adding up to ``task``.

    Each sender gets the whole part of its share; the seats left go one each by the
    largest remainder, ties by sender id. When every weight is zero the shares are equal.

    Parameters
    ----------
    task : int
        Seats of the shared task (≥ 0).
    weights : dict
        Sender id → its people in the sector free for one of the task's seats (≥ 0).

    Returns
    -------
    dict
        Sender id → its part, in sender id order.
    """
    senders = sorted(weights)
    if not senders:
        return {}
    w = [int(weights[s]) for s in senders]
    if sum(w) == 0:
        w = [1] * len(senders)
    total = sum(w)
    base = [task * x // total for x in w]
    rem = [task * x % total for x in w]  # remainders compared exactly, as numerators over ``total``
    left = task - sum(base)
    order = sorted(range(len(senders)), key=lambda i: (-rem[i], senders[i]))
    for i in order[:left]:
        base[i] += 1
    return dict(zip(senders, base))


class SenderScope(NamedTuple):
    """A sender's own: ``people`` (person ids, in the people table's order) and ``units`` (sending unit ids,
    in the units table's order)."""

    people: list[str]
    units: list[str]


def sender_people(wb, senders) -> SenderScope:
    """A sender's own people and sending units.

    Its people are those whose sending unit is one of ``senders`` or under one of them
    (:func:`planning.core.hierarchy.person_ancestors`, design §4); its units are the
    sending units that are one of ``senders`` or under one of them.

    Parameters
    ----------
    wb : Workbook
    senders : str or iterable of str
        Sending region or unit ids (a city, a county, a hospital …). Ids the workbook
        does not know name nobody.

    Returns
    -------
    SenderScope
        ``(people, units)``: lists of ids, in table order.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> people, units = sender_people(wb, "SD-JN")
    >>> units[:2], people[:2]
    (['SD-JN-JYJ', 'SD-JN-SZJG'], ['P0001', 'P0002'])
    >>> set(wb.people.set_index("id").loc[people, "sending_unit"]) <= set(units)
    True
    """
    wanted = {senders} if isinstance(senders, str) else set(senders)
    pa = person_ancestors(wb)
    mine = set(pa.loc[pa["ancestor"].isin(wanted), "person"])
    people = [str(x) for x in wb.people["id"] if x in mine]
    a = ancestors(wb)
    under = set(a.loc[a["ancestor"].isin(wanted), "node"])
    u = wb.units
    units = [str(x) for x, side in zip(u["id"], u["side"]) if x in under and side == "sending"]
    return SenderScope(people, units)


def batch_windows(wb) -> pd.DataFrame:
    """Each batch with its window: ``batch``, ``dispatch``, ``window_end`` (filled by design §9's default)."""
    b = wb.batches
    if b.empty:
        return pd.DataFrame({"batch": pd.Series([], dtype=str), "dispatch": pd.Series([], dtype="datetime64[ns]"),
                             "window_end": pd.Series([], dtype="datetime64[ns]")})
    out = pd.DataFrame({"batch": b["id"].to_numpy(), "dispatch": b["dispatch"].to_numpy(),
                        "window_end": b["window_end"].to_numpy()})
    days = np.sort(out["dispatch"].dropna().unique())
    pos = np.searchsorted(days, out["dispatch"].to_numpy(), side="right")
    nxt = pd.Series([days[k] if k < len(days) else pd.NaT for k in pos], dtype="datetime64[ns]")
    by_months = add_months(out["dispatch"], DEFAULT_WINDOW_MONTHS) - pd.Timedelta(days=1)
    default = (nxt - pd.Timedelta(days=1)).where(nxt.notna(), by_months)
    out["window_end"] = out["window_end"].where(out["window_end"].notna(), default).astype("datetime64[ns]")
    return out


def next_batch(wb, on=None) -> str | None:
    """The first batch dispatched on ``on`` (default today) or later, or None (ties: the smallest id)."""
    on = today() if on is None else pd.Timestamp(on)
    w = batch_windows(wb)
    w = w[w["dispatch"] >= on].sort_values(["dispatch", "batch"], kind="stable")
    return None if w.empty else str(w["batch"].iloc[0])


def senders_behind(wb, on=None) -> pd.DataFrame:
    """The next batch's task rows with a shortfall, largest first (then sender, sector): whom to chase first."""
    b = next_batch(wb, on)
    if b is None:
        return pd.DataFrame(columns=TASK_COLUMNS)
    t = sender_tasks(wb, batch=b)
    t = t[t["shortfall"] > 0]
    return t.sort_values(["shortfall", "sender", "sector"], ascending=[False, True, True], kind="stable").reset_index(
        drop=True)


def batch_seats(wb, batch: str | None = None) -> pd.DataFrame:
    """The batch's seats: one row per batch × order slot with headcount left (``seats``, the count).

    ``start`` is the seat's first day to staff (the slot's start, or the dispatch date for a
    slot already begun), ``end`` the slot's end; ``slot_start`` keeps the slot's own start.
    The other columns are the order's. ``batch=None``: every batch.
    """
    win = batch_windows(wb)
    if batch is not None:
        win = win[win["batch"].eq(batch)]
    slots = order_slots(wb.orders)
    slots = slots.assign(_row=np.arange(len(slots)))
    live = live_assignments(wb)
    if len(live) and len(slots):
        a = pd.DataFrame({"order": live["order"].to_numpy(), "a_start": live["start"].to_numpy(),
                          "a_end": ends(live["end"]).to_numpy()})
        m = slots[["_row", "order", "start", "end"]].merge(a, on="order")
        m = m[(m["a_start"] <= m["end"]) & (m["a_end"] >= m["start"])]
        taken = m.groupby("_row").size().reindex(slots["_row"], fill_value=0).to_numpy()
    else:
        taken = np.zeros(len(slots), dtype=np.int64)
    slots = slots.assign(seats=np.maximum(0, slots["headcount"].to_numpy(dtype=np.int64) - taken))
    slots = slots[slots["seats"] > 0]
    out = slots.merge(win, how="cross")
    out = out[(out["end"] >= out["dispatch"]) & (out["start"] <= out["window_end"])]
    out = out.assign(slot_start=out["start"], start=out[["start", "dispatch"]].max(axis=1))
    front = ["batch", "order", "slot", "host_unit", "sector", "start", "end", "seats", "slot_start", "dispatch",
             "window_end"]
    out = out.drop(columns=["_row"])
    return out[front + [c for c in out.columns if c not in front]].reset_index(drop=True)


def _free_counts(wb, seats: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Per (batch, sector, group key, sender): its people in the sector free for one of the group's seats.

    ``rows``: ``batch``, ``sector``, ``key``, ``sender``, ``seat`` (row of ``seats``).
    """
    p = wb.people
    pa = person_ancestors(wb)[["person", "ancestor"]].astype(str)  # (typed even with no people)
    pr = pd.DataFrame({"person": p["id"].to_numpy(), "p_sector": p["sector"].to_numpy(),
                       "a_from": p["available_from"].to_numpy(), "a_to": ends(p["available_to"]).to_numpy()})
    st = pd.DataFrame({"seat": np.arange(len(seats)), "s_sector": seats["sector"].to_numpy(),
                       "s_start": seats["start"].to_numpy(), "s_end": seats["end"].to_numpy()})
    # people joined to their senders and seats by sector at once (not every seat × every person under the sender)
    pp = pa.merge(pr[pr["p_sector"].notna()], on="person")
    m = rows.merge(st, on="seat").merge(pp, left_on=["sender", "s_sector"], right_on=["ancestor", "p_sector"])
    m = m[(m["a_from"] <= m["s_start"]) & (m["a_to"] >= m["s_end"])]
    live = live_assignments(wb)
    if len(live) and len(m):
        a = pd.DataFrame({"person": live["person"].to_numpy(), "b_start": live["start"].to_numpy(),
                          "b_end": ends(live["end"]).to_numpy()})
        busy = m[["person", "seat", "s_start", "s_end"]].drop_duplicates().merge(a, on="person")
        busy = busy[(busy["b_start"] <= busy["s_end"]) & (busy["b_end"] >= busy["s_start"])]
        hit = pd.MultiIndex.from_frame(busy[["person", "seat"]].drop_duplicates())
        m = m[~pd.MultiIndex.from_frame(m[["person", "seat"]]).isin(hit)]
    k = ["batch", "sector", "key", "sender"]
    return m.drop_duplicates(k + ["person"]).groupby(k).size().rename("free").reset_index()


def sender_tasks(wb, batch: str | None = None) -> pd.DataFrame:
    """Each sender's task for a batch: one row per batch × sender × sector (design §9).

    Parameters
    ----------
    wb : Workbook
    batch : str, optional
        A batch id (``batches`` table); None: every batch.

    Returns
    -------
    DataFrame
        ``batch``, ``sender``, ``sector``; ``seats`` (the seats it is responsible for,
        alone or together), ``shared_seats`` (the part shared), ``shared_with`` (the other
        responsible senders it shares with, ``;``-separated, empty when none); ``quota``
        (given, or derived), ``quota_given``; ``nominated`` (its people nominated or selected
        for the batch eligible for a seat of its task); ``shortfall`` (quota − nominated,
        never below zero). Rows are those with a task or a given quota, sorted by batch,
        sender, sector.
    """
    seats = batch_seats(wb, batch)
    resp = responsible_senders(wb, seats) if len(seats) else pd.DataFrame(
        {"seat": pd.Series([], dtype=np.int64), "sender": pd.Series([], dtype=str)})  # (typed even with no seats)
    resp = resp[["seat", "sender"]].astype({"seat": np.int64})
    groups = resp.groupby("seat")["sender"].agg(lambda s: ";".join(sorted(set(s))))
    rows = resp.assign(key=resp["seat"].map(groups).astype(object))
    rows = rows.assign(batch=seats["batch"].to_numpy()[rows["seat"].to_numpy()],
                       sector=seats["sector"].to_numpy()[rows["seat"].to_numpy()],
                       n=seats["seats"].to_numpy()[rows["seat"].to_numpy()],
                       shared=rows["key"].str.contains(";", regex=False))
    # each group's task (batch × sector × the responsible senders together) and its split
    grp = rows.groupby(["batch", "sector", "key", "sender"], as_index=False).agg(n=("n", "sum"),
                                                                                 shared=("shared", "first"))
    free = _free_counts(wb, seats, rows[rows["shared"]][["batch", "sector", "key", "sender", "seat"]])
    grp = grp.merge(free, on=["batch", "sector", "key", "sender"], how="left")
    grp["free"] = grp["free"].fillna(0).astype(np.int64)
    part = []
    for _, g in grp.groupby(["batch", "sector", "key"], sort=False):
        task = int(g["n"].iloc[0])
        split = split_quota(task, dict(zip(g["sender"], g["free"])))
        part.extend(split[s] for s in g["sender"])
    grp["part"] = np.asarray(part, dtype=np.int64) if part else np.zeros(0, dtype=np.int64)
    others = grp[grp["shared"]].assign(other=grp["key"].str.split(";")).explode("other")
    others = others[others["other"] != others["sender"]]
    named = others.groupby(["batch", "sender", "sector"])["other"].agg(lambda s: ";".join(sorted(set(s))))
    t = grp.assign(shared_n=np.where(grp["shared"], grp["n"], 0)).groupby(["batch", "sender", "sector"]).agg(
        seats=("n", "sum"), shared_seats=("shared_n", "sum"), derived=("part", "sum"))
    q = wb.quotas
    given = pd.DataFrame({"batch": q["batch"].to_numpy(), "sender": q["sender"].to_numpy(),
                          "sector": q["sector"].to_numpy(), "given": q["count"].to_numpy(dtype=np.int64)})
    if batch is not None:
        given = given[given["batch"].eq(batch)]
    given = given.groupby(["batch", "sender", "sector"])["given"].sum()
    out = t.join(given, how="outer")
    out = out.join(named.rename("shared_with"), how="left")
    for c in ("seats", "shared_seats", "derived"):
        out[c] = out[c].fillna(0).astype(np.int64)
    out["shared_with"] = out["shared_with"].fillna("").astype(str)
    out["quota_given"] = out["given"].notna()
    out["quota"] = out["given"].where(out["quota_given"], out["derived"]).astype(np.int64)
    out = out.reset_index()
    out["nominated"] = _nominated(wb, seats, rows, out)
    out["shortfall"] = np.maximum(0, out["quota"] - out["nominated"]).astype(np.int64)
    out = out[TASK_COLUMNS].sort_values(["batch", "sender", "sector"]).reset_index(drop=True)
    return out.astype({"batch": str, "sender": str, "sector": str})


def _nominated(wb, seats: pd.DataFrame, rows: pd.DataFrame, out: pd.DataFrame) -> np.ndarray:
    """Per row of ``out``: its people put forward for the batch and eligible for a seat of its task."""
    p = wb.people
    if out.empty or rows.empty:
        return np.zeros(len(out), dtype=np.int64)
    put = p["nomination"].isin(PUT_FORWARD).to_numpy() & p["batch"].notna().to_numpy()
    if not put.any():
        return np.zeros(len(out), dtype=np.int64)
    people = p[put].reset_index(drop=True)
    el = eligible_rows(wb, seats, people)
    e = pd.DataFrame({"person": people["id"].to_numpy()[el["person_row"].to_numpy()],
                      "p_batch": people["batch"].to_numpy()[el["person_row"].to_numpy()],
                      "seat": el["slot_row"].to_numpy()})
    e = e[e["p_batch"].to_numpy() == seats["batch"].to_numpy()[e["seat"].to_numpy()]]
    e = e.merge(rows[["seat", "sender", "batch", "sector"]], on="seat")
    pa = person_ancestors(wb)[["person", "ancestor"]].astype(str)  # (typed even with no people)
    e = e.merge(pa, left_on=["person", "sender"], right_on=["person", "ancestor"])
    n = e.drop_duplicates(["batch", "sender", "sector", "person"]).groupby(["batch", "sender", "sector"]).size()
    return out.set_index(["batch", "sender", "sector"]).index.map(n).fillna(0).to_numpy(dtype=np.int64)


def sender_burden(wb, on=None) -> pd.DataFrame:
    """Each sending unit's burden per sector on a day: people on post ÷ staff (design §9).

    Parameters
    ----------
    wb : Workbook
    on : date, optional
        The day (default: today, :func:`planning.core.clock.today`).

    Returns
    -------
    DataFrame
        One row per ``sender_staff`` row: ``unit``, ``sector``, ``staff``, ``max_share``,
        ``on_post`` (its people of the sector on live assignments that day), ``burden``
        (on_post ÷ staff) and ``over_cap`` (burden above ``max_share`` when one is given).
    """
    on = today() if on is None else pd.Timestamp(on)
    s = wb.sender_staff
    live = live_assignments(wb, on=on)
    p = wb.people.set_index("id")
    on_post = pd.DataFrame({"unit": live["person"].map(p["sending_unit"]).to_numpy(),
                            "sector": live["person"].map(p["sector"]).to_numpy(),
                            "person": live["person"].to_numpy()}).drop_duplicates()
    n = on_post.groupby(["unit", "sector"]).size()
    out = pd.DataFrame({"unit": s["unit"].to_numpy(), "sector": s["sector"].to_numpy(),
                        "staff": s["staff"].to_numpy(dtype=np.int64), "max_share": s["max_share"].to_numpy()})
    idx = pd.MultiIndex.from_frame(out[["unit", "sector"]])
    out["on_post"] = idx.map(n).fillna(0).to_numpy(dtype=np.int64) if len(out) else np.zeros(0, dtype=np.int64)
    out["burden"] = out["on_post"] / out["staff"]
    out["over_cap"] = (out["max_share"].notna() & (out["burden"] > out["max_share"])).to_numpy(dtype=bool)
    return out.astype({"unit": str, "sector": str})
