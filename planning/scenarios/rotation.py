"""Rotation: batches over time, the handover calendar, and drafts of the next batch's orders.

A **batch** (批次) is a group of assignments of one programme (``planned`` or
``flexible``, from the person) that start together: starts of the same
programme less than ``gap_days`` apart fall into one batch. Planned terms run
1.5–3 years; flexible stints about 3 months. A missing end is an open one: it runs
to ``OPEN_END``, as the loader reads ``9999-12-31`` (:mod:`planning.core.periods`).

Examples
--------
>>> import planning
>>> from planning.scenarios.rotation import batches, timeline
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> b = batches(wb)
>>> set(b["program"]) == {"planned", "flexible"}
True
>>> bool((b.loc[b.program == "flexible", "term_months"] <= 4).all())
True
>>> len(timeline(wb)) == len(wb.assignments)
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..allocation import allocate
from ..core.clock import LATEST, today
from ..core.hierarchy import source_city
from ..core.live import LIVE
from ..core.periods import closed_ends
from ..programme.coverage import handovers
from ..programme.seats import add_months, order_slots

#: Expected term lengths in months by programme (DESIGN §2).
TERMS = {"planned": (18, 36), "flexible": (2, 4)}


def _months(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Length of inclusive periods in whole months (rounded)."""
    days = (pd.to_datetime(end) - pd.to_datetime(start)).dt.days.to_numpy() + 1
    return np.round(days / 30.4375).astype(np.int64)


def timeline(wb, gap_days: int = 45) -> pd.DataFrame:
    """Every assignment with what a Gantt chart needs, and its batch.

    Columns ``person, order, host_unit, team, sector, role, start, end, status,
    program, source_city, term_months, batch``.
    """
    wb = closed_ends(wb)
    a = wb.assignments
    o = wb.orders.set_index("id")
    p = wb.people.set_index("id")
    out = pd.DataFrame({
        "person": a["person"].to_numpy(), "order": a["order"].to_numpy(),
        "host_unit": a["order"].map(o["host_unit"]).to_numpy(), "team": a["order"].map(o["team"]).to_numpy(),
        "sector": a["order"].map(o["sector"]).to_numpy(), "role": a["order"].map(o["role"]).to_numpy(),
        "start": a["start"].to_numpy(), "end": a["end"].to_numpy(), "status": a["status"].to_numpy(),
        "program": a["person"].map(p["program"]).fillna("planned").to_numpy(),
        "source_city": a["person"].map(source_city(wb)).to_numpy(),
    })
    out["term_months"] = _months(out["start"], out["end"])
    out["batch"] = _batch_ids(out, gap_days)
    return out.sort_values(["host_unit", "team", "order", "start", "person"], na_position="first").reset_index(
        drop=True)


def vacancies(wb, units=None) -> pd.DataFrame:
    """Periods when an order has fewer people on it than seats: the empty seats a timeline must show.

    Seats are the order's slots (one headcount per rotation slot, dates
    inclusive); people are the assignments on the order, whatever their status.
    One row per maximal period with the same number of empty seats:
    ``order, host_unit, start, end, seats`` (``seats`` > 0). ``units`` limits the
    answer to some host units. Counted with one sorted sweep of +/− events per
    order (no loop over days).

    >>> import planning
    >>> v = vacancies(planning.load_workbook(planning.SAMPLE), ["H-SCH01"])
    >>> bool((v.seats > 0).all() and (v.end >= v.start).all())
    True
    """
    wb = closed_ends(wb)
    slots = order_slots(wb.orders)
    a = wb.assignments
    if units is not None:
        keep = set(units)
        slots = slots[slots["host_unit"].isin(keep)]
        host = a["order"].map(wb.orders.set_index("id")["host_unit"])
        a = a[host.isin(keep).to_numpy()]
    one = pd.Timedelta(days=1)
    ev = pd.concat([
        pd.DataFrame({"order": slots["order"], "day": slots["start"], "d": slots["headcount"].astype(np.int64)}),
        pd.DataFrame({"order": slots["order"], "day": slots["end"] + one, "d": -slots["headcount"].astype(np.int64)}),
        pd.DataFrame({"order": a["order"], "day": a["start"], "d": -1}),
        pd.DataFrame({"order": a["order"], "day": a["end"] + one, "d": 1}),
    ], ignore_index=True)
    ev = ev.groupby(["order", "day"], sort=True)["d"].sum().reset_index()
    ev["level"] = ev.groupby("order")["d"].cumsum()
    ev["next"] = ev.groupby("order")["day"].shift(-1)
    v = ev[(ev["level"] > 0) & ev["next"].notna()]
    out = pd.DataFrame({"order": v["order"].to_numpy(), "start": v["day"].to_numpy(),
                        "end": (v["next"] - one).to_numpy(), "seats": v["level"].to_numpy(dtype=np.int64)})
    # join neighbouring periods with the same count
    new = ((out["order"] != out["order"].shift()) | (out["seats"] != out["seats"].shift())
           | (out["start"] != out["end"].shift() + one))
    out = out.groupby(new.cumsum()).agg(order=("order", "first"), start=("start", "first"), end=("end", "last"),
                                        seats=("seats", "first"))
    out.insert(1, "host_unit", out["order"].map(wb.orders.set_index("id")["host_unit"]).to_numpy())
    return out.reset_index(drop=True)


def _batch_ids(t: pd.DataFrame, gap_days: int) -> np.ndarray:
    """Batch label per row: programme + first start month of its cluster of starts."""
    if t.empty:
        return np.array([], dtype=object)
    s = t[["program", "start"]].assign(i=np.arange(len(t))).sort_values(["program", "start"])
    new = (s["program"].ne(s["program"].shift()) |
           (s["start"] - s["start"].shift()).dt.days.gt(gap_days)).to_numpy()
    cluster = np.cumsum(new)
    first = s["start"].groupby(cluster).transform("min")
    label = s["program"].to_numpy().astype(object) + ":" + first.dt.strftime("%Y-%m").to_numpy().astype(object)
    out = np.empty(len(t), dtype=object)
    out[s["i"].to_numpy()] = label
    return out


def batches(wb, gap_days: int = 45) -> pd.DataFrame:
    """Batches recognised from assignment periods and programmes.

    One row per batch: ``batch, program, start, end`` (earliest start, latest
    end), ``people, host_units, term_months`` (the typical term) and
    ``term_ok`` (whether the typical term fits the programme's usual range:
    planned 18–36 months, flexible 2–4).
    """
    t = timeline(wb, gap_days)
    g = t.groupby("batch", sort=False)
    out = pd.DataFrame({
        "program": g["program"].first(), "start": g["start"].min(), "end": g["end"].max(),
        "people": g["person"].nunique(), "host_units": g["host_unit"].nunique(),
        "term_months": g["term_months"].median().round().astype(np.int64),
    }).reset_index()
    lo = out["program"].map(lambda p: TERMS.get(p, (0, 999))[0])
    hi = out["program"].map(lambda p: TERMS.get(p, (0, 999))[1])
    out["term_ok"] = (out["term_months"] >= lo) & (out["term_months"] <= hi)
    return out.sort_values(["start", "program"]).reset_index(drop=True)


def handover_calendar(wb, start=None, months: int = 12) -> pd.DataFrame:
    """Who leaves when in the next ``months`` and who replaces them (overlap or gap in days).

    The rows of :func:`planning.programme.coverage.handovers` whose outgoing person leaves
    between ``start`` (default today) and the horizon, plus the people who leave
    with their order's end (``kind`` ``none``: nobody follows on that order),
    with each side's batch.
    """
    s = pd.Timestamp(start) if start is not None else today()
    e = s + pd.DateOffset(months=months)
    wb = closed_ends(wb)
    h = handovers(wb)
    t = timeline(wb)
    o_end = wb.orders.set_index("id")["end"].reindex(t["order"].to_numpy()).to_numpy()  # (map fails on no orders)
    last = t[(t["end"] >= o_end) & t["status"].isin(LIVE)]
    ends = pd.DataFrame({"order": last["order"].to_numpy(), "host_unit": last["host_unit"].to_numpy(),
                         "sector": last["sector"].to_numpy(), "outgoing": last["person"].to_numpy(),
                         "out_end": last["end"].to_numpy(), "incoming": None, "in_start": pd.NaT, "kind": "none",
                         "days": pd.array([pd.NA] * len(last), dtype="Int64")})
    h = pd.concat([h, ends], ignore_index=True) if len(ends) else h
    h = h[(h["out_end"] >= s) & (h["out_end"] <= e)]
    b = t.drop_duplicates(["person", "order"]).set_index(["person", "order"])["batch"]
    h = h.assign(out_batch=b.reindex(pd.MultiIndex.from_arrays([h["outgoing"], h["order"]])).to_numpy(),
                 in_batch=b.reindex(pd.MultiIndex.from_arrays([h["incoming"], h["order"]])).to_numpy())
    return h.sort_values(["out_end", "order", "outgoing"]).reset_index(drop=True)


def recommend_starts(wb, overlap_days: int = 14, start=None, months: int = 12) -> pd.DataFrame:
    """Start dates for the next batch that keep ``overlap_days`` of handover with the leavers.

    For every person whose assignment ends between ``start`` (default today)
    and the horizon with no one following on the order (including assignments
    that end with their order), the incoming person should start
    ``overlap_days`` before the outgoing one's last day: dates are inclusive,
    so starting on ``end − overlap + 1`` gives exactly ``overlap_days``
    together (``0`` means the day after). ``batch_start`` is the earliest such
    date over the leaving batch, so one batch can travel together.
    """
    s = pd.Timestamp(start) if start is not None else today()
    e = s + pd.DateOffset(months=months)
    wb = closed_ends(wb)
    t = timeline(wb)
    t = t[(t["end"] >= s) & (t["end"] <= e) & t["status"].isin(LIVE)]
    followed = handovers(wb)
    followed = followed[followed["kind"].ne("none")]
    done = pd.MultiIndex.from_frame(followed[["outgoing", "order"]])
    t = t[~pd.MultiIndex.from_frame(t[["person", "order"]]).isin(done)]
    days = max(0, int(overlap_days))
    rec = t["end"] - pd.Timedelta(days=days - 1) if days else t["end"] + pd.Timedelta(days=1)
    out = pd.DataFrame({"order": t["order"].to_numpy(), "host_unit": t["host_unit"].to_numpy(),
                        "sector": t["sector"].to_numpy(), "outgoing": t["person"].to_numpy(),
                        "out_end": t["end"].to_numpy(), "out_batch": t["batch"].to_numpy(),
                        "recommended_start": rec.to_numpy(), "overlap_days": days})
    out["batch_start"] = out.groupby("out_batch")["recommended_start"].transform("min")
    return out.sort_values(["recommended_start", "order", "outgoing"]).reset_index(drop=True)


def next_batch_orders(wb, overlap_days: int = 14, start=None, months: int = 12,
                      term_months: int | None = None) -> pd.DataFrame:
    """Draft the next batch's orders for the orders that end with the current batch.

    Every order without ``rotation_months`` that ends between ``start``
    (default today) and the horizon leaves its host unit uncovered once its
    people go. Its draft keeps the host unit, sector, skill, role, headcount,
    team, priority and level, and gets a new period: it starts on the
    recommended start of its leavers (keeping ``overlap_days`` of handover,
    see :func:`recommend_starts`; the day after the order ends when nobody is
    on it) and lasts ``term_months`` (default: as long as the order it
    follows). Ids are ``<order>-N<yyyymm>``; the extra ``source_order``
    column, kept by the loader, names the order it follows. Orders with
    ``rotation_months`` are left out: their next stints are slots of the same
    order (see :func:`flexible_slots`).
    """
    s = pd.Timestamp(start) if start is not None else today()
    e = s + pd.DateOffset(months=months)
    wb = closed_ends(wb)
    o = wb.orders
    o = o[o["rotation_months"].isna() & (o["end"] >= s) & (o["end"] <= e)].set_index("id")
    rec = recommend_starts(wb, overlap_days, s, months)
    first = rec.groupby("order")["recommended_start"].min()
    begin = pd.Series(first.reindex(o.index).to_numpy(), index=o.index).fillna(o["end"] + pd.Timedelta(days=1))
    own = _months(o["start"], o["end"]) if term_months is None else np.full(len(o), int(term_months))
    end = add_months(begin.reset_index(drop=True), own).to_numpy() - np.timedelta64(1, "D")
    end = np.minimum(end, np.datetime64(LATEST, "ns"))  # a draft loads back: no day after the last one planned
    draft = pd.DataFrame({
        "id": [f"{i}-N{b:%Y%m}" for i, b in zip(o.index, begin)],
        "host_unit": o["host_unit"].to_numpy(), "sector": o["sector"].to_numpy(), "skill": o["skill"].to_numpy(),
        "role": o["role"].to_numpy(), "headcount": o["headcount"].to_numpy(),
        "start": begin.to_numpy(), "end": end, "priority": o["priority"].to_numpy(),
        "min_level": o["min_level"].to_numpy(), "team": o["team"].to_numpy(),
        "rotation_months": o["rotation_months"].to_numpy(), "source_order": o.index.to_numpy(),
    })
    return draft.sort_values(["start", "host_unit", "id"]).reset_index(drop=True)


def with_draft_orders(wb, drafts: pd.DataFrame):
    """A copy of ``wb`` with the draft orders appended, to save, edit in Excel and load back."""
    out = wb.copy()
    out.orders = pd.concat([out.orders, drafts.astype({c: out.orders[c].dtype for c in out.orders.columns
                                                       if c in drafts.columns})], ignore_index=True)
    return out


def flexible_slots(wb, start=None) -> pd.DataFrame:
    """For orders with ``rotation_months``: each slot, its seats, who is on it and whether it is open.

    ``state`` is ``staffed`` (every seat taken), ``partial`` or ``open``; slots
    that ended before ``start`` (default today) are left out.
    """
    s = pd.Timestamp(start) if start is not None else today()
    wb = closed_ends(wb)
    o = wb.orders[wb.orders["rotation_months"].notna()]
    slots = order_slots(o)
    slots = slots[slots["end"] >= s].reset_index(drop=True)
    a = wb.assignments[wb.assignments["order"].isin(set(o["id"]))]
    m = slots[["order", "slot", "start", "end"]].merge(a, on="order", suffixes=("", "_a"))
    m = m[(m["start_a"] <= m["end"]) & (m["end_a"] >= m["start"])]
    who = m.groupby(["order", "slot"])["person"].agg(lambda x: ";".join(sorted(x)))
    idx = pd.MultiIndex.from_frame(slots[["order", "slot"]])
    slots["people"] = who.reindex(idx).fillna("").to_numpy()
    slots["staffed"] = m.groupby(["order", "slot"]).size().reindex(idx).fillna(0).astype(np.int64).to_numpy()
    slots["open_seats"] = np.maximum(slots["headcount"] - slots["staffed"], 0)
    slots["state"] = np.select([slots["open_seats"].eq(0), slots["staffed"].gt(0)], ["staffed", "partial"], "open")
    cols = ["order", "slot", "start", "end", "host_unit", "sector", "headcount", "staffed", "open_seats", "state",
            "people"]
    return slots[cols]


def propose_flexible(wb, start=None, **kw):
    """Proposals from the flexible pool for the open seats of rotating orders (the allocation engine).

    Runs :func:`planning.allocate` on the orders with ``rotation_months`` that
    have open or partial slots from ``start`` (default today), drawing only on
    people whose programme is ``flexible`` (the sending districts' flexible
    pools; exclusive pairings still decide who may go where). Returns the plan:
    ``plan.assignments`` are the proposals, ``plan.unfilled`` the slots left
    open with their reasons.
    """
    slots = flexible_slots(wb, start)
    open_orders = sorted(set(slots.loc[slots["open_seats"] > 0, "order"]))
    pool = wb.people.loc[wb.people["program"].eq("flexible"), "id"]
    s = pd.Timestamp(start) if start is not None else today()
    return allocate(wb, window=(s, None), orders=open_orders, people=pool, **kw)
