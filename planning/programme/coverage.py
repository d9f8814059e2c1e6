"""Coverage: demand, supply, gaps and surplus by host unit × sector × month.

Monthly figures are headcounts as of the first day of each month (DESIGN §4):
an order slot or an assignment counts in a month when it is open on that
month's first day (dates inclusive). Orders with ``rotation_months`` count one
seat per slot. Every assignment counts over its own dates, whatever its status
(``done`` ones are over, so they only count in the months they covered).

Counting is vectorised: each interval becomes a +headcount / −headcount pair in
a group × month difference array, summed once with ``numpy.cumsum``.

Examples
--------
>>> import planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> cov = planning.coverage(wb, "2026-12", "2027-02")
>>> list(cov.columns[:8])
['host_unit', 'sector', 'month', 'demand', 'supply', 'gap', 'surplus', 'ratio']
>>> bool(((cov.gap - cov.surplus) == (cov.demand - cov.supply)).all())
True
>>> band(pd.Series([1.0, 0.6, 0.2])).tolist()
['green', 'amber', 'red']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.clock import OPEN_END, report_window, today
from ..core.hierarchy import host_tree, nearest, source_city
from ..core.pairings import order_seats, responsible_senders
from ..core.periods import closed_ends, ends
from .seats import order_slots

#: Default pressure bands on supply/demand: green ≥ 0.8, amber 0.5–0.8, red < 0.5.
BANDS = (0.8, 0.5)
BAND_COLOURS = {"green": "#3a9e5c", "amber": "#e5a50a", "red": "#c94c4c", "none": "#bbbbbb"}
COLUMNS = ["host_unit", "sector", "month", "demand", "supply", "gap", "surplus", "ratio", "band"]
BY_LEVELS = {"county": ("county", "district", "regiment", "city"), "prefecture": ("prefecture", "division"),
             "division": ("division", "prefecture")}


def month_range(start=None, end=None, wb=None) -> pd.DatetimeIndex:
    """First days of the months from ``start`` to ``end`` (``YYYY-MM`` or dates).

    Without bounds, the months run from the earliest order start to the latest
    order end of ``wb``; this month without orders. Open ends (``core.clock.OPEN_END``)
    do not stretch the range to 2100: it runs to the latest dated end, and at least
    three years ahead of today when some order has no end.

    >>> month_range("2026-11", "2027-01").strftime("%Y-%m").tolist()
    ['2026-11', '2026-12', '2027-01']
    """
    if start is None or end is None:
        o = wb.orders
        lo = o["start"].min() if len(o) and o["start"].notna().any() else today()
        e = ends(o["end"]) if len(o) else pd.Series(dtype="datetime64[ns]")
        dated = e[e < OPEN_END]
        hi = dated.max() if len(dated) else lo
        if len(dated) < len(e):  # open-ended orders: show what is coming, not the years to 2100
            hi = max(hi, today() + pd.DateOffset(years=3))
        start = lo if start is None else start
        end = hi if end is None else end
    s = pd.Timestamp(start).to_period("M").to_timestamp()
    e = pd.Timestamp(end).to_period("M").to_timestamp()
    return pd.date_range(s, e, freq="MS")


def band(ratio: pd.Series, bands=BANDS) -> pd.Series:
    """Red/amber/green band of a coverage ratio, seats filled / demand (``none`` where there is no demand)."""
    hi, lo = bands
    r = ratio.to_numpy(dtype=float)
    out = np.select([np.isnan(r), r >= hi, r >= lo], ["none", "green", "amber"], "red")
    return pd.Series(out, index=ratio.index)


def _counts(group_codes, n_groups, starts, ends, weights, months: pd.DatetimeIndex) -> np.ndarray:
    """groups × months headcount: interval i adds ``weights[i]`` to months whose first day it covers."""
    m = months.to_numpy()
    lo = np.searchsorted(m, np.asarray(starts, dtype="datetime64[ns]"), side="left")
    hi = np.searchsorted(m, np.asarray(ends, dtype="datetime64[ns]"), side="right")
    keep = lo < hi
    diff = np.zeros((n_groups, len(m) + 1), dtype=np.int64)
    w = np.asarray(weights, dtype=np.int64)[keep]
    np.add.at(diff, (group_codes[keep], lo[keep]), w)
    np.add.at(diff, (group_codes[keep], hi[keep]), -w)
    return np.cumsum(diff, axis=1)[:, :-1]


def _supply_rows(wb) -> pd.DataFrame:
    """Assignments with their order's host unit and sector (a missing end is an open one)."""
    a = wb.assignments
    o = wb.orders.set_index("id")
    return pd.DataFrame({"person": a["person"].to_numpy(), "order": a["order"].to_numpy(),
                         "host_unit": a["order"].map(o["host_unit"]).to_numpy(),
                         "sector": a["order"].map(o["sector"]).to_numpy(),
                         "start": a["start"].to_numpy(), "end": ends(a["end"]).to_numpy(),
                         "status": a["status"].to_numpy()})


def _grid(keys: list[str], demand: pd.DataFrame, supply: pd.DataFrame, months, drop_empty=True) -> pd.DataFrame:
    """Long table of demand and supply per ``keys`` × month from interval tables."""
    both = pd.concat([demand[keys], supply[keys]], ignore_index=True)
    groups = both.drop_duplicates().reset_index(drop=True)
    idx = pd.MultiIndex.from_frame(groups) if len(keys) > 1 else pd.Index(groups[keys[0]])

    def codes(df):
        ix = pd.MultiIndex.from_frame(df[keys]) if len(keys) > 1 else pd.Index(df[keys[0]])
        return idx.get_indexer(ix)

    g = len(groups)
    dem = _counts(codes(demand), g, demand["start"], demand["end"], demand["headcount"], months)
    sup = _counts(codes(supply), g, supply["start"], supply["end"], np.ones(len(supply)), months)
    n_m = len(months)
    out = groups.loc[np.repeat(np.arange(g), n_m)].reset_index(drop=True)
    out["month"] = np.tile(months.to_numpy(), g)
    out["demand"] = dem.ravel()
    out["supply"] = sup.ravel()
    if drop_empty:
        out = out[(out["demand"] > 0) | (out["supply"] > 0)].reset_index(drop=True)
    return out


def filled_ratio(filled, demand) -> np.ndarray:
    """The coverage ratio: seats filled / demand, NaN where nothing is demanded.

    >>> filled_ratio([3, 0], [4, 0]).tolist()
    [0.75, nan]
    """
    f, d = np.asarray(filled, dtype=float), np.asarray(demand, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d > 0, f / np.where(d > 0, d, 1), np.nan)


def _pressure(df: pd.DataFrame, bands=BANDS) -> pd.DataFrame:
    """Set ``ratio`` (seats filled / demand, NaN without demand) and ``band``.

    Seats filled are ``demand − gap`` where a ``gap`` column exists (a rollup's gap is
    the sum of its units' gaps, so a surplus at one school never hides a gap at
    another; :mod:`planning.programme.standing`), else ``min(supply, demand)``.
    """
    d, s = df["demand"].to_numpy(), df["supply"].to_numpy()
    filled = d - df["gap"].to_numpy() if "gap" in df.columns else np.minimum(s, d)
    df["ratio"] = filled_ratio(filled, d)
    df["band"] = band(df["ratio"], bands).to_numpy()
    return df


def _finish(df: pd.DataFrame, bands=BANDS) -> pd.DataFrame:
    d, s = df["demand"].to_numpy(), df["supply"].to_numpy()
    df["gap"] = np.maximum(d - s, 0)
    df["surplus"] = np.maximum(s - d, 0)
    return _pressure(df, bands)


def coverage(wb, start=None, end=None, *, bands=BANDS) -> pd.DataFrame:
    """Demand, supply, gap, surplus, coverage ratio and band per host unit × sector × month.

    Parameters
    ----------
    wb : Workbook
    start, end : str or Timestamp, optional
        First and last month (``"2026-11"`` or any date in the month). Default:
        the months the orders span.
    bands : (float, float)
        Ratio thresholds for green and amber (default 0.8 and 0.5).

    Returns
    -------
    DataFrame
        ``host_unit, sector, month, demand, supply, gap, surplus, ratio, band``;
        rows where both demand and supply are zero are left out. ``gap`` is
        never negative; excess supply is ``surplus``; ``ratio`` is seats filled /
        demand (at most 1), NaN where
        there is no demand.
    """
    months = month_range(start, end, wb)
    slots = order_slots(wb.orders)
    demand = slots[["host_unit", "sector", "start", "end", "headcount"]]
    supply = _supply_rows(wb)
    out = _grid(["host_unit", "sector"], demand, supply, months)
    return _finish(out, bands)[COLUMNS]


def coverage_at(wb, days, *, bands=BANDS) -> pd.DataFrame:
    """Demand, supply, gap and surplus per host unit × sector on given days (headcounts on each day).

    The same counting as :func:`coverage` (dates inclusive, one seat per rotation
    slot, every assignment over its own dates) on any days, not only months'
    first days: the standing of a programme is taken on one "as of" day
    (:mod:`planning.programme.standing`). Returns ``host_unit, sector, day, demand,
    supply, gap, surplus, ratio, band``; rows with neither demand nor supply
    are left out.

    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> c = coverage_at(wb, ["2026-11-22"])
    >>> int(c.supply.sum()) == int(((wb.assignments.start <= "2026-11-22") & (wb.assignments.end >= "2026-11-22")).sum())
    True
    """
    points = pd.DatetimeIndex(sorted({pd.Timestamp(d).normalize() for d in days}))
    slots = order_slots(wb.orders)
    demand = slots[["host_unit", "sector", "start", "end", "headcount"]]
    out = _grid(["host_unit", "sector"], demand, _supply_rows(wb), points)
    return _finish(out, bands)[COLUMNS].rename(columns={"month": "day"})


def as_of_points(months: pd.DatetimeIndex, on=None) -> pd.DatetimeIndex:
    """Months' first days, with the month holding the as-of day ``on`` (default today) counted on that day.

    >>> as_of_points(pd.date_range("2026-11-01", periods=2, freq="MS"), "2026-11-22").strftime("%m-%d").tolist()
    ['11-22', '12-01']
    """
    day = (pd.Timestamp(on) if on is not None else today()).normalize()
    cur = day.to_period("M").to_timestamp()
    return pd.DatetimeIndex([day if m == cur else m for m in months])


def coverage_as_of(wb, start=None, end=None, *, on=None, bands=BANDS) -> pd.DataFrame:
    """:func:`coverage` with the current month counted on the as-of day ``on`` (default today).

    The pages and reports show "now" as of one day (:mod:`planning.programme.standing`);
    other months are counted on their first days. Same columns as :func:`coverage`
    (``month`` is the month's first day either way).
    """
    months = month_range(start, end, wb)
    points = as_of_points(months, on)
    cov = coverage_at(wb, points, bands=bands)
    return cov.assign(day=months[points.get_indexer(cov["day"])]).rename(columns={"day": "month"})


def order_coverage(wb, start=None, end=None) -> pd.DataFrame:
    """Demand and supply per order × month (seats of the order vs people on it)."""
    months = month_range(start, end, wb)
    slots = order_slots(wb.orders)
    demand = slots[["order", "start", "end", "headcount"]]
    supply = _supply_rows(wb)
    out = _grid(["order"], demand, supply, months)
    o = wb.orders.set_index("id")
    out.insert(1, "host_unit", out["order"].map(o["host_unit"]).to_numpy())
    out.insert(2, "sector", out["order"].map(o["sector"]).to_numpy())
    return _finish(out)


def host_groups(wb, by: str) -> pd.Series:
    """For each host unit id, the group it rolls up into for ``by``.

    ``by`` is ``unit``, a region level (``county``, ``prefecture``, ``division``
    or any level name in the workbook) or ``province``. Units with no region of
    that level above them keep their own id.
    """
    hosts = wb.units.loc[wb.units["side"].eq("host"), "id"]
    if by == "unit":
        return pd.Series(hosts.to_numpy(), index=hosts.to_numpy())
    if by in ("county", "prefecture", "division"):  # the region tree the pages navigate
        tree = host_tree(wb)
        g = tree["area"] if by != "county" else tree["county"].fillna(tree["unit"])
        return pd.Series(g.to_numpy(), index=tree["unit"].to_numpy())
    levels = BY_LEVELS.get(by, (by,))
    g = nearest(wb, hosts, levels)
    return pd.Series(g.fillna(hosts).to_numpy(), index=hosts.to_numpy())


def rollup(cov: pd.DataFrame, wb, by: str = "county", *, sector: bool = True, bands=BANDS) -> pd.DataFrame:
    """Coverage summed to a region level (or ``unit``/``sector``).

    Demand, supply, gap and surplus are sums of the unit rows, so a rollup
    always adds up to its parts; the ratio (seats filled / demand, filled = demand −
    the summed gaps) and band are recomputed on the sums.
    ``by="sector"`` sums every unit per sector; ``sector=False`` sums sectors.
    """
    df = cov[["host_unit", "sector", "month", "demand", "supply", "gap", "surplus"]]
    keys = ["month"]
    if by == "sector":
        keys = ["sector", "month"]
    else:
        df = df.assign(area=df["host_unit"].map(host_groups(wb, by)).fillna(df["host_unit"]))
        keys = ["area", "sector", "month"] if sector else ["area", "month"]
    out = df.groupby(keys, sort=False, observed=True)[["demand", "supply", "gap", "surplus"]].sum().reset_index()
    return _pressure(out, bands)


def supply_by_sender(wb, start=None, end=None) -> pd.DataFrame:
    """Who supplies what: people on post per host unit × sector × month × source city."""
    months = month_range(start, end, wb)
    sup = _supply_rows(wb)
    sup["source_city"] = sup["person"].map(source_city(wb)).fillna("").to_numpy()
    keys = ["host_unit", "sector", "source_city"]
    empty = sup.iloc[:0].assign(headcount=np.int64(0))
    out = _grid(keys, empty, sup, months)
    return out[out["supply"] > 0].drop(columns="demand").reset_index(drop=True)


def responsible(wb, units: pd.Series | None = None, on=None) -> pd.DataFrame:
    """The senders the pairings make responsible for each host unit × sector with orders.

    Design §4 (:func:`planning.core.pairings.deciding_pairings`): among the pairings
    in force whose people may staff the unit's orders, the most specific; an
    exclusive before a preferred one when equally specific. Pairings shared by
    several equally specific senders name them together, ids joined by ``、``
    (``SD-JN、SD-QD``). Units no pairing covers get an empty ``sender``.

    Parameters
    ----------
    units : Series, optional
        Host units to answer for (default: every unit with orders).
    on : date, optional
        The day pairings must be in force (a month's first day for its gaps);
        default: any day between the unit's first order start and last order end.

    Returns ``host_unit, sector, sender, scope`` (one row per unit × sector).
    """
    o = order_seats(wb)
    if units is not None:
        o = o[o["host_unit"].isin(set(units))].reset_index(drop=True)
    if on is not None:
        o = o.assign(start=pd.Timestamp(on), end=pd.Timestamp(on))
    r = responsible_senders(wb, o)
    g = r.groupby("seat", sort=True).agg(sender=("sender", lambda s: "、".join(map(str, s))),
                                        scope=("scope", "first"))
    out = o[["host_unit", "sector"]].assign(sender=g["sender"].reindex(np.arange(len(o))).to_numpy(),
                                            scope=g["scope"].reindex(np.arange(len(o))).to_numpy())
    return out.reset_index(drop=True)


def uncovered(wb) -> pd.DataFrame:
    """Host unit × sector pairs with orders that no pairing covers (no one is responsible)."""
    r = responsible(wb)
    return r[r["sender"].isna()][["host_unit", "sector"]].reset_index(drop=True)


def cliffs(wb, start=None, months: int = 12, by=("host_unit", "sector"), *, days=None) -> pd.DataFrame:
    """Months ahead where supply drops because terms end.

    For each month from ``start`` (default: this month) on, the people whose
    assignment covered the previous month's first day but not this one's
    (``leaving``), with demand and supply in that month and the gap it opens.
    ``by=()`` gives the totals per month.

    ``days`` gives the checkpoints instead (for instance the as-of day followed
    by months' first days, :func:`planning.programme.standing.checkpoints`): leaving at a
    checkpoint is counted against the one before it, and ``month`` is the
    checkpoint's month.

    Returns ``[by…], month, leaving, supply_before, supply, demand, gap``,
    only rows with someone leaving.
    """
    if days is not None:
        pts = pd.DatetimeIndex(sorted({pd.Timestamp(d).normalize() for d in days}))
    else:
        s = pd.Timestamp(start) if start is not None else today()
        rng = month_range(s, s + pd.DateOffset(months=months), wb)
        pts = rng.insert(0, rng[0] - pd.DateOffset(months=1))
    by = list(by)
    if len(pts) < 2:  # no checkpoint before another: nobody leaves
        return pd.DataFrame({c: pd.Series(dtype=object) for c in by}).assign(
            month=pd.Series(dtype="datetime64[ns]"), leaving=0, supply_before=0, supply=0, demand=0, gap=0).iloc[:0]
    cur_pts, prev_pts = pts[1:], pts[:-1]
    sup = _supply_rows(wb)
    e = sup["end"].to_numpy(dtype="datetime64[ns]")
    st = sup["start"].to_numpy(dtype="datetime64[ns]")
    # an assignment leaves at checkpoint k when it covers checkpoint k-1 but ends before checkpoint k
    k = np.searchsorted(cur_pts.to_numpy(), e, side="right")  # first checkpoint after the end
    valid = k < len(cur_pts)
    kk = np.where(valid, k, 0)
    p_prev = prev_pts.to_numpy()
    covered_prev = valid & (st <= p_prev[kk]) & (e >= p_prev[kk])
    leave = sup[covered_prev].assign(point=cur_pts.to_numpy()[kk[covered_prev]])
    cov = coverage_at(wb, pts).rename(columns={"day": "point"})
    cur = cov.groupby(by + ["point"])[["demand", "supply", "gap"]].sum()  # by any of host_unit, sector, or none
    left = leave.groupby(by + ["point"]).size().rename("leaving").reset_index()
    idx = pd.MultiIndex.from_frame(left[by + ["point"]]) if by else pd.Index(left["point"])
    left["supply"] = cur["supply"].reindex(idx).fillna(0).astype(np.int64).to_numpy()
    left["demand"] = cur["demand"].reindex(idx).fillna(0).astype(np.int64).to_numpy()
    left["gap"] = np.maximum(left["demand"] - left["supply"], 0)
    before = pd.Series(prev_pts, index=cur_pts)
    pb = left["point"].map(before)
    pidx = pd.MultiIndex.from_arrays([left[c] for c in by] + [pb]) if by else pd.Index(pb)
    left["supply_before"] = cur["supply"].reindex(pidx).fillna(0).astype(np.int64).to_numpy()
    left["month"] = pd.to_datetime(left["point"]).dt.to_period("M").dt.to_timestamp()
    cols = by + ["month", "leaving", "supply_before", "supply", "demand", "gap"]
    return left[cols].sort_values(["month"] + by).reset_index(drop=True)


def left_uncovered(wb, start=None, months: int = 36) -> pd.DataFrame:
    """Orders the current batch leaves uncovered: seats that go empty when people leave.

    For every order with someone on post at ``start`` (default today), the
    first later month where its supply falls below its demand because terms
    end, the seats short then, and who leaves.
    """
    s = pd.Timestamp(start) if start is not None else today()
    oc = order_coverage(wb, s, s + pd.DateOffset(months=months))
    first = oc["month"].min()
    on_post = set(oc.loc[(oc["month"] == first) & (oc["supply"] > 0), "order"])
    later = oc[(oc["month"] > first) & oc["order"].isin(on_post) & (oc["gap"] > 0)]
    short = later.sort_values("month").drop_duplicates("order")
    a = closed_ends(wb).assignments
    live = a[(a["start"] <= s) & (a["end"] >= s)]
    leavers = live.groupby("order").agg(leaving=("person", lambda x: ";".join(sorted(x))),
                                        leaves_on=("end", "min"))
    out = short[["order", "host_unit", "sector", "month", "demand", "supply", "gap"]].rename(
        columns={"month": "from_month", "gap": "seats_short"})
    out = out.join(leavers, on="order")
    return out.sort_values(["from_month", "seats_short"], ascending=[True, False]).reset_index(drop=True)


def handovers(wb) -> pd.DataFrame:
    """Outgoing and incoming assignments on the same order, with overlap or gap in days.

    On each order the i-th assignment to end (before the order ends) hands over
    to the i-th assignment to start after the first seats were taken. ``kind`` is
    ``overlap`` (``days`` both are on post), ``gap`` (``days`` with nobody),
    ``seamless`` (the next starts the day after) or ``none`` (no one follows).

    Returns ``order, host_unit, sector, outgoing, out_end, incoming, in_start, kind, days``
    (no rows before the first assignment is placed). A missing end is an open one.
    """
    wb = closed_ends(wb)
    a = wb.assignments[["person", "order", "start", "end"]]
    o = wb.orders.set_index("id")
    keys = a["order"].to_numpy()
    # looked up by reindex: ``Series.map`` cannot map onto an empty date column (no orders at all)
    a = a.assign(order_start=o["start"].reindex(keys).to_numpy(), order_end=o["end"].reindex(keys).to_numpy(),
                 headcount=o["headcount"].reindex(keys).to_numpy())
    by_start = a.sort_values(["order", "start", "end", "person"])
    by_start = by_start.assign(rank=by_start.groupby("order").cumcount())
    incoming = by_start[by_start["rank"] >= by_start["headcount"]].copy()
    incoming["i"] = incoming.groupby("order").cumcount()
    outgoing = a[a["end"] < a["order_end"]].sort_values(["order", "end", "start", "person"]).copy()
    outgoing["i"] = outgoing.groupby("order").cumcount()
    m = outgoing.merge(incoming[["order", "i", "person", "start"]], on=["order", "i"], how="left",
                       suffixes=("", "_in"))
    days = (m["end"] - m["start_in"]).dt.days + 1  # > 0: overlap days; < 0: -(gap days)
    kind = np.select([m["person_in"].isna(), days > 0, days == 0], ["none", "overlap", "seamless"], "gap")
    out = pd.DataFrame({
        "order": m["order"].to_numpy(), "host_unit": m["order"].map(o["host_unit"]).to_numpy(),
        "sector": m["order"].map(o["sector"]).to_numpy(), "outgoing": m["person"].to_numpy(),
        "out_end": m["end"].to_numpy(), "incoming": m["person_in"].to_numpy(), "in_start": m["start_in"].to_numpy(),
        "kind": kind, "days": np.where(m["person_in"].isna(), np.nan, np.abs(days.to_numpy(dtype=float))),
    })
    out["days"] = out["days"].astype("Int64")
    return out.sort_values(["out_end", "order"]).reset_index(drop=True)


def largest_gaps(wb, month=None, by: str = "unit", n: int | None = 20, cov: pd.DataFrame | None = None,
                 bands=BANDS) -> pd.DataFrame:
    """The largest gaps in one month, rolled up ``by`` unit, county, prefecture, sector or sender.

    ``by="unit"`` keeps unit × sector rows and adds the responsible sender;
    ``by="sender"`` sums the unit gaps per responsible sender.
    """
    m = pd.Timestamp(month if month is not None else today()).to_period("M").to_timestamp()
    cov = coverage(wb, m, m, bands=bands) if cov is None else cov[cov["month"] == m]
    if by in ("unit", "sender"):
        r = responsible(wb, cov["host_unit"], on=m)
        df = cov.merge(r, on=["host_unit", "sector"], how="left")
        if by == "sender":
            df = df.assign(sender=df["sender"].fillna(""))
            out = _pressure(df.groupby("sender")[["demand", "supply", "gap", "surplus"]].sum().reset_index(),
                            bands)
        else:
            out = df
    else:
        out = rollup(cov, wb, by, bands=bands)
    out = out[out["gap"] > 0].sort_values(["gap", "demand"], ascending=[False, False])
    return (out.head(n) if n else out).reset_index(drop=True)


def county_gaps(wb, start=None, end=None, *, bands=BANDS) -> pd.DataFrame:
    """Coverage by county × sector in the month of ``start``, with the largest gap up to ``end``.

    Demand, supply, gap and surplus are :func:`~planning.programme.coverage.rollup` sums
    of the unit rows; county × sector pairs with demand only later in the
    window come with zeros for the month. Returns ``area, sector, demand,
    supply, gap, surplus, ratio, band, peak_gap, peak_month``, largest gaps first.

    >>> import planning
    >>> g = county_gaps(planning.load_workbook(planning.SAMPLE), "2026-11-22", "2027-10")
    >>> bool((g.gap >= 0).all() and (g.peak_gap >= g.gap).all())
    True
    """
    on, last = report_window(start, end)
    month = on.to_period("M").to_timestamp()
    cov = coverage_as_of(wb, month, last, on=on, bands=bands)  # the first month counted on the day ``on``
    r = rollup(cov, wb, "county", bands=bands)
    now = r[r["month"] == month].drop(columns="month")
    peak = r.sort_values(["gap", "month"], ascending=[False, True]).drop_duplicates(["area", "sector"])
    peak = peak[["area", "sector", "gap", "month"]].rename(columns={"gap": "peak_gap", "month": "peak_month"})
    out = peak.merge(now, on=["area", "sector"], how="left")
    for c in ("demand", "supply", "gap", "surplus"):
        out[c] = out[c].fillna(0).astype(np.int64)
    out["band"] = out["band"].fillna("none")
    out["peak_month"] = out["peak_month"].where(out["peak_gap"] > 0)
    out = out.sort_values(["gap", "peak_gap", "demand", "area", "sector"],
                          ascending=[False, False, False, True, True], kind="stable")
    return out[["area", "sector", "demand", "supply", "gap", "surplus", "ratio", "band", "peak_gap",
                "peak_month"]].reset_index(drop=True)
