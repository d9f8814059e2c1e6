"""Where the programme stands on one "as of" day, and what the coming months bring.

One set of definitions for every card, table, chart, report and published
version, so that figures on one screen never disagree:

- **As of**: one day (default: today, ``PLANNING_TODAY`` in tests). Every figure
  "now" is a headcount on that day; the coming months are counted on their
  first days (design §4), so the **checkpoints** are the as-of day followed by
  the first days of the next ``horizon`` months.
- **Demand**: seats of orders open on the day (one per rotation slot).
  **Supply** (people on post): assignments covering the day, planned ones
  included (:func:`planning.programme.coverage.coverage_at`); ``planned`` says how many of
  them have not yet arrived, the pending ones among them (``pending``: people short of the
  programme's last vetting stage, 拟派（待公示）, design §11), whatever their status says.
- Per host unit × sector, **filled** = min(demand, supply), **gap** = demand −
  filled, **surplus** = supply − filled. Totals are sums of the unit rows, so
  on post = filled + surplus and demand = filled + gap, always.
- **Coverage ratio** = filled / demand (a surplus at one school does not hide a
  gap at another); its **band** is green ≥ 80 %, amber ≥ 50 %, red below.
- **Leaving** at a checkpoint: assignments covering the previous checkpoint but
  not this one (their terms ended); **arriving**: the other way round. So on
  post at one checkpoint = on post at the previous one − leaving + arriving.
- A **cliff** is a checkpoint where people leave and the gap grows (their terms end in the month
  before it); the
  **worst month** is the checkpoint with the lowest coverage ratio in the
  horizon (the earliest of equals), the one the headline's band reflects.

Examples
--------
>>> import planning
>>> from planning.programme.standing import standing
>>> s = standing(planning.load_workbook(planning.SAMPLE), on="2026-11-22")
>>> s.on_post == s.filled + s.surplus and s.demand == s.filled + s.gap
True
>>> bool(s.worst["ratio"] <= s.ratio), s.unpaired
(True, ['H-104-XX'])
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.periods import closed_ends
from .criteria import PENDING, shown_status
from .coverage import BANDS, band, coverage_at, filled_ratio, responsible
from .network import covered_host_units

#: Months ahead that the headline, the cliffs and the senders' figures look at.
HORIZON = 12

POINT_COLUMNS = ["day", "demand", "supply", "filled", "gap", "surplus", "ratio", "band", "leaving", "arriving"]


def checkpoints(on=None, horizon: int = HORIZON) -> pd.DatetimeIndex:
    """The as-of day followed by the first days of the next ``horizon`` months.

    >>> checkpoints("2026-11-22", 2).strftime("%Y-%m-%d").tolist()
    ['2026-11-22', '2026-12-01', '2027-01-01']
    >>> checkpoints("2026-12-01", 1).strftime("%Y-%m-%d").tolist()
    ['2026-12-01', '2027-01-01']
    """
    day = (pd.Timestamp(on) if on is not None else today()).normalize()
    first = day.to_period("M").to_timestamp() + pd.DateOffset(months=1)
    return pd.DatetimeIndex([day]).append(pd.date_range(first, periods=horizon, freq="MS"))


def _moves(wb, points: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """People leaving and arriving at each checkpoint (0 at the first)."""
    a = wb.assignments
    s = a["start"].to_numpy(dtype="datetime64[ns]")[:, None]
    e = a["end"].to_numpy(dtype="datetime64[ns]")[:, None]
    p = points.to_numpy()[None, :]
    on = (s <= p) & (e >= p)  # assignments × checkpoints
    leaving = np.zeros(len(points), dtype=np.int64)
    arriving = np.zeros(len(points), dtype=np.int64)
    if len(points) > 1 and len(a):
        leaving[1:] = (on[:, :-1] & ~on[:, 1:]).sum(axis=0)
        arriving[1:] = (~on[:, :-1] & on[:, 1:]).sum(axis=0)
    return leaving, arriving


@dataclass(frozen=True)
class Standing:
    """The programme's figures as of one day and over the coming months (see the module's definitions).

    Attributes
    ----------
    as_of : Timestamp
    horizon : int
        Months ahead covered by ``points``.
    points : DataFrame
        One row per checkpoint: ``day, demand, supply, filled, gap, surplus, ratio,
        band, leaving, arriving``; the first row is the as-of day.
    units : DataFrame
        Host unit × sector on the as-of day with gaps: ``host_unit, sector, demand,
        supply, filled, gap, surplus, ratio, band, sender, peak_gap, peak_day``
        (largest gaps first; ``sender``: the responsible senders' ids joined by 、).
    senders : DataFrame
        Per responsible sender: ``sender, units, demand, filled, gap, peak_gap, peak_day``
        (``units``: host units with a gap now or in the horizon), largest gaps first.
    unpaired : list of str
        Host units with orders that no pairing in force on the as-of day covers.
    planned : int
        People counted on post who have not yet arrived (status planned, or pending).
    pending : int
        Of ``planned``, those pending public notice (拟派（待公示）,
        :func:`planning.programme.criteria.pending_assignments`).
    """

    as_of: pd.Timestamp
    horizon: int
    points: pd.DataFrame
    units: pd.DataFrame
    senders: pd.DataFrame
    unpaired: list = field(default_factory=list)
    planned: int = 0
    pending: int = 0

    def _now(self, col):
        return int(self.points[col].iloc[0])

    @property
    def demand(self) -> int:
        return self._now("demand")

    @property
    def on_post(self) -> int:
        return self._now("supply")

    @property
    def filled(self) -> int:
        return self._now("filled")

    @property
    def gap(self) -> int:
        return self._now("gap")

    @property
    def surplus(self) -> int:
        return self._now("surplus")

    @property
    def ratio(self) -> float:
        return float(self.points["ratio"].iloc[0])

    @property
    def band(self) -> str:
        return str(self.points["band"].iloc[0])

    @property
    def worst(self) -> pd.Series:
        """The checkpoint with the lowest coverage ratio (the earliest of equals; the as-of day without demand)."""
        r = self.points["ratio"].fillna(np.inf).to_numpy()
        return self.points.iloc[int(np.argmin(r))]

    @property
    def cliffs(self) -> pd.DataFrame:
        """Checkpoints where people leave and the gap grows, with the gap before (``gap_before``) and
        ``ends_in``, the month the leavers' terms end (the month before a month's first day)."""
        p = self.points.assign(gap_before=self.points["gap"].shift(1))
        c = p[(p["leaving"] > 0) & (p["gap"] > p["gap_before"])]
        ends = (c["day"] - pd.Timedelta(days=1)).dt.to_period("M").dt.to_timestamp()
        return c.assign(gap_before=c["gap_before"].astype(np.int64), ends_in=ends).reset_index(drop=True)

    @property
    def departures(self) -> pd.DataFrame:
        """Every checkpoint where people leave (whether or not the gap grows), with ``gap_before`` and
        ``ends_in``: a departure belongs to the month of its last day on post, on every page."""
        p = self.points.assign(gap_before=self.points["gap"].shift(1))
        c = p[p["leaving"] > 0]
        ends = (c["day"] - pd.Timedelta(days=1)).dt.to_period("M").dt.to_timestamp()
        return c.assign(gap_before=c["gap_before"].astype(np.int64), ends_in=ends).reset_index(drop=True)

    @property
    def next_cliff(self) -> pd.Series | None:
        c = self.cliffs
        return c.iloc[0] if len(c) else None


def standing(wb, on=None, horizon: int = HORIZON, *, bands=BANDS) -> Standing:
    """The programme's :class:`Standing` as of ``on`` (default today) over ``horizon`` months.

    Parameters
    ----------
    wb : Workbook
    on : date, optional
        The as-of day (default: :func:`planning.core.clock.today`).
    horizon : int
        Months ahead (default 12).
    bands : (float, float)
        Ratio thresholds for green and amber.

    A missing end is an open one (:mod:`planning.core.periods`).
    """
    wb = closed_ends(wb)
    points = checkpoints(on, horizon)
    cov = coverage_at(wb, points, bands=bands)
    cov["filled"] = cov["supply"] - cov["surplus"]
    tot = cov.groupby("day")[["demand", "supply", "filled", "gap", "surplus"]].sum()
    tot = tot.reindex(points, fill_value=0).rename_axis("day").reset_index()
    tot["ratio"] = filled_ratio(tot["filled"], tot["demand"])
    tot["band"] = band(tot["ratio"], bands).to_numpy()
    tot["leaving"], tot["arriving"] = _moves(wb, points)
    tot = tot[POINT_COLUMNS]

    day = points[0]
    now = cov[cov["day"] == day].drop(columns="day")
    peak = cov.sort_values(["gap", "day"], ascending=[False, True]).drop_duplicates(["host_unit", "sector"])
    peak = peak[["host_unit", "sector", "gap", "day"]].rename(columns={"gap": "peak_gap", "day": "peak_day"})
    units = peak.merge(now, on=["host_unit", "sector"], how="left")
    for c in ("demand", "supply", "filled", "gap", "surplus"):
        units[c] = units[c].fillna(0).astype(np.int64)
    units["ratio"] = filled_ratio(units["filled"], units["demand"])
    units["band"] = band(units["ratio"], bands).to_numpy()
    units = units[(units["gap"] > 0) | (units["peak_gap"] > 0)]
    resp = responsible(wb, units["host_unit"], on=day) if len(units) else pd.DataFrame(
        columns=["host_unit", "sector", "sender", "scope"])
    units = units.merge(resp[["host_unit", "sector", "sender"]].drop_duplicates(["host_unit", "sector"]),
                        on=["host_unit", "sector"], how="left")
    units["sender"] = units["sender"].fillna("")
    units["peak_day"] = units["peak_day"].where(units["peak_gap"] > 0)
    units = units.sort_values(["gap", "peak_gap", "demand", "host_unit", "sector"],
                              ascending=[False, False, False, True, True], kind="stable")
    units = units[["host_unit", "sector", "demand", "supply", "filled", "gap", "surplus", "ratio", "band", "sender",
                   "peak_gap", "peak_day"]].reset_index(drop=True)

    # senders: the gap they answer for now, and their worst checkpoint in the horizon
    by_unit = cov.merge(units[["host_unit", "sector", "sender"]], on=["host_unit", "sector"], how="inner")
    per_day = by_unit.groupby(["sender", "day"])[["demand", "filled", "gap"]].sum().reset_index()
    worst = per_day.sort_values(["gap", "day"], ascending=[False, True]).drop_duplicates("sender")
    worst = worst.set_index("sender")
    cur = per_day[per_day["day"] == day].set_index("sender")
    senders = pd.DataFrame({"sender": worst.index})
    senders["units"] = senders["sender"].map(units.groupby("sender")["host_unit"].nunique()).fillna(0).astype(int)
    for c in ("demand", "filled", "gap"):
        senders[c] = senders["sender"].map(cur[c]).fillna(0).astype(np.int64)
    senders["peak_gap"] = worst["gap"].reindex(senders["sender"]).to_numpy(dtype=np.int64)
    senders["peak_day"] = pd.to_datetime(worst["day"].reindex(senders["sender"]).to_numpy())
    senders = senders.sort_values(["gap", "peak_gap", "sender"], ascending=[False, False, True],
                                  kind="stable").reset_index(drop=True)

    a = wb.assignments
    live_now = (a["start"] <= day) & (a["end"] >= day)
    status = shown_status(wb, a)
    planned = int((live_now & status.isin(("planned", PENDING))).sum())
    pending = int((live_now & status.eq(PENDING)).sum())
    hosts = pd.Series(pd.unique(wb.orders["host_unit"]))  # host units with orders: the ones a pairing must cover
    unpaired = sorted(hosts[~hosts.isin(covered_host_units(wb, on=day))].tolist())
    return Standing(as_of=day, horizon=horizon, points=tot, units=units, senders=senders,
                    unpaired=unpaired, planned=planned, pending=pending)


def unit_points(wb, on=None, horizon: int = HORIZON, *, bands=BANDS) -> pd.DataFrame:
    """Each host unit's own checkpoints, at once for every host unit with orders: ``host_unit`` and the
    :attr:`Standing.points` columns, the figures :func:`standing` gives for the workbook cut to that unit
    alone (its orders, the assignments on them); host units in order of first appearance, their
    checkpoints in time order.

    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> p = unit_points(wb, on="2026-11-22")
    >>> p.groupby("day")["demand"].sum().tolist() == standing(wb, on="2026-11-22").points["demand"].tolist()
    True
    """
    wb = closed_ends(wb)
    points = checkpoints(on, horizon)
    hosts = pd.unique(wb.orders["host_unit"])
    cov = coverage_at(wb, points, bands=bands)
    cov["filled"] = cov["supply"] - cov["surplus"]
    grid = pd.MultiIndex.from_product([hosts, points], names=["host_unit", "day"])
    tot = cov.groupby(["host_unit", "day"])[["demand", "supply", "filled", "gap", "surplus"]].sum()
    tot = tot.reindex(grid, fill_value=0).reset_index()
    tot["ratio"] = filled_ratio(tot["filled"], tot["demand"])
    tot["band"] = band(tot["ratio"], bands).to_numpy()
    a = wb.assignments
    host = pd.Categorical(a["order"].map(wb.orders.drop_duplicates("id").set_index("id")["host_unit"]),
                          categories=hosts)
    s = a["start"].to_numpy(dtype="datetime64[ns]")[:, None]
    e = a["end"].to_numpy(dtype="datetime64[ns]")[:, None]
    now = (s <= points.to_numpy()[None, :]) & (e >= points.to_numpy()[None, :])  # assignments × checkpoints
    leave = np.zeros_like(now)
    arrive = np.zeros_like(now)
    if len(points) > 1:
        leave[:, 1:] = now[:, :-1] & ~now[:, 1:]
        arrive[:, 1:] = ~now[:, :-1] & now[:, 1:]
    codes = np.asarray(host.codes)
    known = codes >= 0
    moves = np.zeros((2, len(hosts), len(points)), dtype=np.int64)
    np.add.at(moves[0], codes[known], leave[known].astype(np.int64))
    np.add.at(moves[1], codes[known], arrive[known].astype(np.int64))
    tot["leaving"] = moves[0].reshape(-1)
    tot["arriving"] = moves[1].reshape(-1)
    return tot[["host_unit", *POINT_COLUMNS]]
