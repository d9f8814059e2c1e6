"""Seats: orders cut into the stints that are staffed separately.

An order without ``rotation_months`` is one stint over its whole period. With
``rotation_months`` n, the period is cut into consecutive n-month slots: a slot
starting on day d ends the day before the same day n months later (clipped to
the month's length), and the last slot ends with the order. Dates are inclusive.

Examples
--------
>>> import pandas as pd
>>> from planning.programme.seats import add_months, order_slots
>>> add_months(pd.Series(pd.to_datetime(["2026-01-31", "2026-04-01"])), 1).dt.strftime("%Y-%m-%d").tolist()
['2026-02-28', '2026-05-01']
>>> o = pd.DataFrame({"id": ["A"], "headcount": [2], "start": pd.to_datetime(["2026-04-01"]),
...                   "end": pd.to_datetime(["2026-12-15"]), "rotation_months": pd.array([3], dtype="Int64")})
>>> s = order_slots(o)
>>> s[["slot", "start", "end"]].astype(str).values.tolist()
[['0', '2026-04-01', '2026-06-30'], ['1', '2026-07-01', '2026-09-30'], ['2', '2026-10-01', '2026-12-15']]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.facts import frame_fact
from ..core.periods import ends


def add_months(dates: pd.Series, months) -> pd.Series:
    """``dates`` moved by ``months`` (scalar or array), day clipped to the month's end."""
    d = pd.DatetimeIndex(dates)
    m = np.asarray(months, dtype=np.int64)
    total = d.year.to_numpy() * 12 + (d.month.to_numpy() - 1) + m
    y, mo = total // 12, total % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": y, "month": mo, "day": 1}))
    last_day = first.dt.days_in_month.to_numpy()
    day = np.minimum(d.day.to_numpy(), last_day)
    out = first + pd.to_timedelta(day - 1, unit="D")
    return pd.Series(out.to_numpy(), index=getattr(dates, "index", None)).astype("datetime64[ns]")


@frame_fact
def order_slots(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per order × slot: ``order``, ``slot``, ``start``, ``end``, ``headcount`` and order columns.

    Orders without rotation give one slot (``slot`` 0) over the whole period. A missing end is an
    open one (:func:`planning.core.periods.ends`): the last slot ends on ``OPEN_END``.
    """
    o = orders.reset_index(drop=True)
    if len(o) and o["end"].isna().any():
        o = o.assign(end=ends(o["end"]))
    rot = o["rotation_months"].astype("Int64") if "rotation_months" in o else pd.Series(pd.NA, index=o.index,
                                                                                        dtype="Int64")
    has = rot.notna().to_numpy()
    n = np.ones(len(o), dtype=np.int64)
    if has.any():
        s, e = o.loc[has, "start"], o.loc[has, "end"]
        months = (e.dt.year - s.dt.year) * 12 + (e.dt.month - s.dt.month) + 1
        r = rot[has].astype(np.int64).to_numpy()
        n[has] = np.maximum(1, -(-months.to_numpy() // r))
    idx = np.repeat(np.arange(len(o)), n)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(n) - n, n)
    base = o.iloc[idx].reset_index(drop=True)
    step = rot.fillna(0).astype(np.int64).to_numpy()[idx]
    start = add_months(base["start"], k * step)
    nxt = add_months(base["start"], (k + 1) * step) - pd.Timedelta(days=1)
    end = np.where(step > 0, np.minimum(nxt.to_numpy(), base["end"].to_numpy()), base["end"].to_numpy())
    keep = start.to_numpy() <= base["end"].to_numpy()
    out = base.rename(columns={"id": "order"}).assign(slot=k, start=start.to_numpy(), end=end)
    out = out[keep].reset_index(drop=True)
    cols = ["order", "slot", "start", "end", "headcount"]
    return out[cols + [c for c in out.columns if c not in cols]]
