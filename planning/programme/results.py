"""Results (成效): indicators against their targets, rolled up, beside the staffing of the places they measure (DESIGN §10).

* :func:`definitions` and :func:`values`: the workbook's indicators, with those of an
  old ``indicators`` sheet read as values whose definitions are inferred;
* :func:`results` (``planning.results``): per subject × indicator × period, baseline,
  target, actual, progress toward the target, what was expected by the day ``on``,
  and ahead / on track / behind;
* :func:`rollup`: the same summed to county, prefecture, sector, sender or team:
  sums added, ratios recomputed from their summed parts (a percentage is never
  averaged), means weighted by subjects;
* :func:`staffing`: per host unit × sector × period, filled seat-days ÷ demanded
  seat-days (coverage by day, DESIGN §4), short-staffed below 80 %;
* :func:`behind_and_short`: the places behind on an indicator of a sector whose
  staffing was short in the same period, with the responsible sender.

Meanings
--------
* A **period** is a year (``2026``: 1 January to 31 December) or a month
  (``2026-06``); dates are inclusive.
* **Progress** = (actual − baseline) ÷ (target − baseline); for a lower-is-better
  indicator the same with both signs reversed, (baseline − actual) ÷ (baseline −
  target), which is the same number: a fall toward a lower target is progress. A
  missing baseline counts as 0 (a count from nothing). Undefined when target =
  baseline: the row is then **reached** (actual at or beyond the target in the
  indicator's direction) or **not reached**.
* **Expected by now** on day d: the share of the period's days elapsed by the end of
  day d (0 before the period, 1 from its last day on).
* **Status**: ``behind`` when progress is below expected by more than 10 points,
  ``ahead`` when above by more than 10, else ``on_track`` (compared after rounding
  the difference to 9 decimals); ``reached`` / ``not_reached`` when target =
  baseline; ``no_data`` without a target or an actual.
* A **ratio** indicator's value for one subject is its own where given, else
  numerator ÷ denominator of the subject's parts; a rollup's ratio is always
  Σ numerator ÷ Σ denominator of its subjects.

Examples
--------
>>> import pandas as pd
>>> p = progress(pd.Series([30.0]), pd.Series([10.0]), pd.Series([50.0]), pd.Series(["higher"]))
>>> float(p.iloc[0])
0.5
>>> period_bounds(pd.Series(["2026", "2026-02"]))[1].dt.strftime("%Y-%m-%d").tolist()
['2026-12-31', '2026-02-28']
>>> float(expected_share(pd.Series(pd.to_datetime(["2026-01-01"])), pd.Series(pd.to_datetime(["2026-01-10"])),
...                      "2026-01-05").iloc[0])
0.5
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.hierarchy import source_city
from ..core.pairings import responsible_senders
from ..core.periods import ends
from .coverage import host_groups
from .seats import order_slots

#: Points (as a share) by which progress may trail or lead what was expected and still be on track.
TOLERANCE = 0.10
#: Staffing below this share of demanded seat-days is short.
SHORT = 0.8
STATUSES = ("behind", "on_track", "ahead", "reached", "not_reached", "no_data")
#: Rollup levels :func:`rollup` knows.
BY = ("county", "prefecture", "sector", "sender", "team")
DEF_COLUMNS = ["id", "name", "measure", "direction", "aggregation", "numerator", "denominator", "subject",
               "sector", "inferred"]
RESULT_COLUMNS = ["subject", "subject_kind", "indicator", "name", "measure", "direction", "aggregation",
                  "sector", "period", "start", "end", "baseline", "target", "actual", "progress", "expected",
                  "status", "reached"]


# ---- the indicators ------------------------------------------------------------------------------------------

def definitions(wb) -> pd.DataFrame:
    """Indicator definitions: the workbook's, then one inferred per name of the old ``indicators`` sheet.

    An inferred definition has the name as its id, ``subject`` host unit, direction
    higher, aggregation ``mean`` when every value given lies between 0 and 1 (a rate
    cannot be summed) and ``sum`` otherwise; ``inferred`` says which are which.
    """
    d = wb.indicator_definitions.copy()
    d["inferred"] = False
    old = wb.indicators
    names = sorted(set(old["indicator"].dropna()) - set(d["name"].dropna()) - set(d["id"].dropna()))
    if names:
        v = old[old["indicator"].isin(names)]
        rate = v.groupby("indicator")["value"].agg(lambda s: bool(s.between(0, 1).all()))
        extra = pd.DataFrame({"id": names, "name": names, "measure": None, "direction": "higher",
                              "aggregation": ["mean" if rate.get(n, False) else "sum" for n in names],
                              "numerator": None, "denominator": None, "subject": "host_unit", "sector": None,
                              "inferred": True})
        d = pd.concat([d, extra], ignore_index=True) if len(d) else extra
    return d[DEF_COLUMNS].reset_index(drop=True)


def values(wb) -> pd.DataFrame:
    """``subject, indicator, period, baseline, target, actual``: the workbook's values and the old sheet's.

    Old rows name an indicator by name: they are given the id of the definition of
    that name (or the name itself when inferred); one value per kind, the last one
    written when a kind repeats.
    """
    v = wb.indicator_values[["subject", "indicator", "period", "baseline", "target", "actual"]]
    old = wb.indicators
    if len(old):
        ids = dict(zip(wb.indicator_definitions["name"], wb.indicator_definitions["id"]))
        o = old.assign(indicator=old["indicator"].map(lambda n: ids.get(n, n)))
        w = o.pivot_table(index=["host_unit", "indicator", "period"], columns="kind", values="value",
                          aggfunc="last").reset_index().rename(columns={"host_unit": "subject"})
        for k in ("baseline", "target", "actual"):
            if k not in w.columns:
                w[k] = np.nan
        w.columns.name = None
        v = pd.concat([v, w[v.columns]], ignore_index=True) if len(v) else w[list(v.columns)]
    return v.reset_index(drop=True)


# ---- periods and progress --------------------------------------------------------------------------------------

def period_bounds(periods: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each period (``2026`` or ``2026-06``), NaT where it is neither."""
    p = pd.Series(periods)
    codes, uniq = pd.factorize(p.to_numpy(dtype=object))
    first = np.full(len(uniq) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
    last = first.copy()
    for i, x in enumerate(uniq.tolist()):
        s = str(x).strip()
        try:
            per = pd.Period(s, freq="Y" if len(s) == 4 else "M")
        except (ValueError, TypeError):
            continue
        first[i] = per.start_time.normalize().to_datetime64()
        last[i] = per.end_time.normalize().to_datetime64()
    # code -1 (no period) takes the last slot: NaT
    return (pd.Series(first[codes], index=p.index), pd.Series(last[codes], index=p.index))


def expected_share(start: pd.Series, end: pd.Series, on) -> pd.Series:
    """Share of each period's days elapsed by the end of day ``on`` (0 before, 1 from its last day)."""
    d = pd.Timestamp(on).normalize()
    total = (end - start).dt.days + 1
    done = (d - start).dt.days + 1
    return (done / total).clip(0, 1)


def progress(actual, baseline, target, direction) -> pd.Series:
    """(actual − baseline) ÷ (target − baseline), signs reversed for lower-is-better; NaN when target = baseline."""
    a, b, t = (pd.Series(x, dtype=float).reset_index(drop=True) for x in (actual, baseline, target))
    b = b.fillna(0.0)
    low = pd.Series(direction).reset_index(drop=True).eq("lower").to_numpy()
    num = np.where(low, b - a, a - b)
    den = np.where(low, b - t, t - b)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den != 0, num / np.where(den != 0, den, 1.0), np.nan)
    return pd.Series(out, dtype=float)


def _status(p: pd.Series, expected: pd.Series, actual, baseline, target, direction) -> tuple[np.ndarray, np.ndarray]:
    """Status and reached (True/False, NaN-free only where target and actual are known)."""
    a = pd.Series(actual, dtype=float).to_numpy()
    b = pd.Series(baseline, dtype=float).fillna(0.0).to_numpy()
    t = pd.Series(target, dtype=float).to_numpy()
    low = pd.Series(direction).eq("lower").to_numpy()
    known = ~np.isnan(a) & ~np.isnan(t)
    reached = known & np.where(low, a <= t, a >= t)
    diff = np.round(p.to_numpy() - expected.to_numpy(), 9)
    flat = known & (t == b)
    status = np.select(
        [~known, flat & reached, flat, diff < -TOLERANCE, diff > TOLERANCE, ~np.isnan(diff)],
        ["no_data", "reached", "not_reached", "behind", "ahead", "on_track"], "no_data")
    return status, reached


def _measure(df: pd.DataFrame, on) -> pd.DataFrame:
    """Add progress, expected, status and reached to rows holding baseline, target, actual, start, end, direction."""
    df = df.reset_index(drop=True)
    p = progress(df["actual"], df["baseline"], df["target"], df["direction"])
    e = expected_share(df["start"], df["end"], on).reset_index(drop=True)
    status, reached = _status(p, e, df["actual"], df["baseline"], df["target"], df["direction"])
    return df.assign(progress=p.to_numpy(), expected=e.to_numpy(), status=status, reached=reached)


def results(wb, on=None) -> pd.DataFrame:
    """Progress per subject × indicator × period as of day ``on`` (default today).

    Returns
    -------
    DataFrame
        ``subject, subject_kind, indicator, name, measure, direction, aggregation,
        sector, period, start, end, baseline, target, actual, progress, expected,
        status, reached``: one row per value given (a ratio's row also where only its
        parts are given). ``progress`` and ``expected`` are shares (0.5 = 50 %).

    Examples
    --------
    >>> import planning
    >>> r = planning.results(planning.load_workbook(planning.SAMPLE), on="2026-11-22")
    >>> set(r["status"]) <= set(STATUSES)
    True
    """
    on = today() if on is None else pd.Timestamp(on)
    d = definitions(wb).set_index("id")
    v = values(wb)
    v = _with_ratios(v, d)
    v = v[v["indicator"].isin(d.index)]
    out = v.join(d[["name", "measure", "direction", "aggregation", "subject", "sector"]]
                 .rename(columns={"subject": "subject_kind"}), on="indicator")
    out["start"], out["end"] = period_bounds(out["period"])
    out = out[out["start"].notna()]
    out = _measure(out, on)
    return out[RESULT_COLUMNS]


def _with_ratios(v: pd.DataFrame, d: pd.DataFrame) -> pd.DataFrame:
    """Values with each ratio's row filled from its parts where the ratio itself gives no value."""
    ratios = d[d["aggregation"].eq("ratio") & d["numerator"].notna() & d["denominator"].notna()]
    if ratios.empty:
        return v
    keys = ["subject", "period"]
    rows = [v]
    for rid, r in ratios.iterrows():
        num = v[v["indicator"].eq(r["numerator"])].set_index(keys)[["baseline", "target", "actual"]]
        den = v[v["indicator"].eq(r["denominator"])].set_index(keys)[["baseline", "target", "actual"]]
        both = num.index.intersection(den.index)
        if not len(both):
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            q = num.loc[both] / den.loc[both].where(den.loc[both] != 0)
        q = q.reset_index().assign(indicator=rid)
        own = v[v["indicator"].eq(rid)]
        if len(own):
            given = pd.MultiIndex.from_frame(own[keys])
            q = q[~pd.MultiIndex.from_frame(q[keys]).isin(given)]
        rows.append(q[v.columns])
    return pd.concat(rows, ignore_index=True)


# ---- rollups ---------------------------------------------------------------------------------------------------

def subject_places(wb, res: pd.DataFrame, senders: bool = True) -> pd.DataFrame:
    """For each result row, the host unit, team and sender it belongs to (``unit``, ``team``, ``sender``).

    A host unit is its own place; a team's is its host (when a unit); a person's is
    the host unit and team of the first assignment overlapping the period. A host
    unit's team is the one team it hosts (none when several); its sender is the
    responsible sender for the unit and the indicator's sector over the period
    (:func:`planning.core.pairings.responsible_senders`; equally specific ones joined
    by ``、``). A team's sender is that of its host unit; a person's, their source city.
    ``senders=False`` leaves ``sender`` empty (the pairing rule is the costly part).
    """
    r = res.reset_index(drop=True)
    kind = r["subject_kind"].to_numpy()
    unit = pd.Series(np.where(kind == "host_unit", r["subject"], None), dtype=object)
    team = pd.Series(np.where(kind == "team", r["subject"], None), dtype=object)
    t = wb.teams.set_index("id")
    host_units = set(wb.units.loc[wb.units["side"].eq("host"), "id"])
    is_team = kind == "team"
    if is_team.any():
        h = r.loc[is_team, "subject"].map(t["host"])
        unit[is_team] = h.where(h.isin(host_units)).to_numpy()
    hosted = wb.teams.drop_duplicates("host", keep=False)  # units hosting exactly one team
    sole = pd.Series(hosted["id"].to_numpy(), index=hosted["host"].to_numpy())
    is_unit = kind == "host_unit"
    if is_unit.any():
        team[is_unit] = r.loc[is_unit, "subject"].map(sole).to_numpy()
    is_person = kind == "person"
    if is_person.any():
        a = wb.assignments.merge(wb.orders[["id", "host_unit", "team"]], left_on="order", right_on="id")
        a = a.assign(end=ends(a["end"])).sort_values(["start", "order"])
        pr = r.loc[is_person, ["subject", "start", "end"]].reset_index()
        m = pr.merge(a[["person", "start", "end", "host_unit", "team"]], left_on="subject", right_on="person",
                     suffixes=("", "_a"))
        m = m[(m["start_a"] <= m["end"]) & (m["end_a"] >= m["start"])].drop_duplicates("index")
        unit[m["index"].to_numpy()] = m["host_unit"].to_numpy()
        team[m["index"].to_numpy()] = m["team"].to_numpy()
    sender = pd.Series(None, index=r.index, dtype=object)
    placed = unit.notna().to_numpy() & ~is_person & senders
    if placed.any():
        seats = pd.DataFrame({"host_unit": unit[placed].to_numpy(), "sector": r.loc[placed, "sector"].to_numpy(),
                              "start": r.loc[placed, "start"].to_numpy(), "end": r.loc[placed, "end"].to_numpy()})
        key = seats.drop_duplicates().reset_index(drop=True)
        rs = responsible_senders(wb, key)
        names = rs.groupby("seat")["sender"].agg(lambda s: "、".join(map(str, s)))
        key["sender"] = names.reindex(np.arange(len(key))).to_numpy()
        got = seats.merge(key, on=["host_unit", "sector", "start", "end"], how="left")["sender"]
        sender[np.flatnonzero(placed)] = got.to_numpy()
    if is_person.any() and senders:
        sender[is_person] = r.loc[is_person, "subject"].map(source_city(wb)).to_numpy()
    return pd.DataFrame({"unit": unit.to_numpy(), "team": team.to_numpy(), "sender": sender.to_numpy()})


def rollup(wb, res: pd.DataFrame, by: str = "county", on=None) -> pd.DataFrame:
    """Results summed to ``by`` (``county``, ``prefecture``, ``sector``, ``sender`` or ``team``) × indicator × period.

    Sums add their subjects' baselines, targets and actuals; means take the mean over
    subjects (each subject weighs one); ratios are Σ numerator ÷ Σ denominator of the
    group's subjects (the parts' own rows), never a mean of percentages. Progress,
    expected and status are computed again on the group's figures. ``subjects`` counts
    the subjects with a value; rows whose place is unknown for ``by`` are left out.

    Returns ``group, indicator, name, measure, direction, aggregation, sector,
    period, start, end, subjects, baseline, target, actual, progress, expected,
    status, reached``.
    """
    if by not in BY:
        raise ValueError(f"rollup by one of {BY}, not {by!r}")
    on = today() if on is None else pd.Timestamp(on)
    r = res.reset_index(drop=True)
    group = _groups(wb, r, by)
    r = r.assign(group=group.to_numpy())
    r = r[r["group"].notna()]
    keys = ["group", "indicator", "period"]
    fig = ["baseline", "target", "actual"]
    plain = r[r["aggregation"].isin(["sum", "mean"])]
    sums, means, is_mean, rows = _sums_and_means(plain, keys, fig)
    mean_rows = np.repeat(is_mean[:, None], len(fig), axis=1)
    figs = sums.where(~mean_rows, means)
    figs["subjects"] = rows  # one row per subject, indicator and period (the contract refuses repeats)
    out = [figs.reset_index()]
    d = definitions(wb).set_index("id")
    ratios = d[d["aggregation"].eq("ratio")]
    for rid, row in ratios.iterrows():
        num = sums.xs(row["numerator"], level="indicator", drop_level=False) if row["numerator"] in \
            sums.index.get_level_values("indicator") else None
        den = sums.xs(row["denominator"], level="indicator", drop_level=False) if row["denominator"] in \
            sums.index.get_level_values("indicator") else None
        if num is None or den is None:
            continue
        num = num.droplevel("indicator")
        den = den.droplevel("indicator")
        both = num.index.intersection(den.index)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = num.loc[both, fig] / den.loc[both, fig].where(den.loc[both, fig] != 0)
        q["subjects"] = r[r["indicator"].eq(rid)].groupby(["group", "period"])["subject"].nunique() \
            .reindex(both).fillna(0).astype(int).to_numpy()
        out.append(q.reset_index().assign(indicator=rid))
    o = pd.concat(out, ignore_index=True)
    o = o.join(d[["name", "measure", "direction", "aggregation", "sector"]], on="indicator")
    o["start"], o["end"] = period_bounds(o["period"])
    o = _measure(o, on)
    cols = ["group", "indicator", "name", "measure", "direction", "aggregation", "sector", "period", "start", "end",
            "subjects", "baseline", "target", "actual", "progress", "expected", "status", "reached"]
    return o[cols].sort_values(["group", "indicator", "period"]).reset_index(drop=True)


def _sums_and_means(df: pd.DataFrame, keys: list[str], fig: list[str]):
    """Per distinct ``keys`` (sorted): sums (NaN where no value), means over the values given, whether the
    indicator is a mean, and the number of rows; integer codes and ``numpy.bincount`` instead of a groupby
    over text keys."""
    codes = [pd.factorize(df[k].to_numpy(dtype=object), sort=True) for k in keys]
    flat = np.zeros(len(df), dtype=np.int64)
    for c, u in codes:
        flat = flat * max(len(u), 1) + c
    uniq, inv = np.unique(flat, return_inverse=True)
    k = len(uniq)
    parts, rest = [], uniq
    for c, u in reversed(codes):
        n = max(len(u), 1)
        parts.append(np.asarray(u, dtype=object)[rest % n] if len(u) else np.array([], dtype=object))
        rest = rest // n
    index = pd.MultiIndex.from_arrays(list(reversed(parts)), names=keys)
    sums, means = {}, {}
    for c in fig:
        x = df[c].to_numpy(dtype=float)
        ok = ~np.isnan(x)
        total = np.bincount(inv[ok], weights=x[ok], minlength=k)
        count = np.bincount(inv[ok], minlength=k)
        with np.errstate(divide="ignore", invalid="ignore"):
            sums[c] = np.where(count > 0, total, np.nan)
            means[c] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    is_mean = np.bincount(inv, weights=df["aggregation"].eq("mean").to_numpy(dtype=float), minlength=k) > 0
    rows = np.bincount(inv, minlength=k)
    return (pd.DataFrame(sums, index=index), pd.DataFrame(means, index=index), is_mean, rows)


def _groups(wb, r: pd.DataFrame, by: str) -> pd.Series:
    if by == "sector":
        return r["sector"].astype(object).where(r["sector"].notna(), None)
    places = subject_places(wb, r, senders=by == "sender")
    if by in ("team", "sender"):
        return places[by]
    g = host_groups(wb, by)
    return places["unit"].map(g)


# ---- staffing beside results ------------------------------------------------------------------------------------

def staffing(wb, periods) -> pd.DataFrame:
    """Filled ÷ demanded seat-days per host unit × sector × period (DESIGN §4 coverage, counted by day).

    On each day, demand is the headcount of the order slots open that day and
    supply the assignments covering it (every status, as coverage counts them);
    filled = min(demand, supply). Over a period: ``demand_days`` = Σ demand,
    ``filled_days`` = Σ filled, ``gap_days`` their difference, ``staffing`` =
    filled ÷ demand (NaN without demand), ``short`` below :data:`SHORT`. Rows only
    where something was demanded or supplied in the period.

    Parameters
    ----------
    periods : iterable of str
        Years (``2026``) and months (``2026-06``).

    Examples
    --------
    >>> import planning
    >>> s = staffing(planning.load_workbook(planning.SAMPLE), ["2026"])
    >>> bool((s["filled_days"] <= s["demand_days"]).all())
    True
    """
    per = pd.Series(sorted({str(p) for p in periods}), dtype=object)
    ps, pe = period_bounds(per)
    ok = ps.notna().to_numpy()
    per, ps, pe = per[ok].reset_index(drop=True), ps[ok].reset_index(drop=True), pe[ok].reset_index(drop=True)
    cols = ["host_unit", "sector", "period", "demand_days", "filled_days", "gap_days", "staffing", "short"]
    if per.empty or wb.orders.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    lo, hi = ps.min(), pe.max() + pd.Timedelta(days=1)  # the window, end exclusive
    slots = order_slots(wb.orders)
    o = wb.orders.set_index("id")
    a = wb.assignments
    dem = pd.DataFrame({"host_unit": slots["host_unit"].to_numpy(), "sector": slots["sector"].to_numpy(),
                        "s": slots["start"].to_numpy(), "e": ends(slots["end"]).to_numpy(),
                        "w": slots["headcount"].to_numpy(dtype=np.int64), "kind": 0})
    sup = pd.DataFrame({"host_unit": a["order"].map(o["host_unit"]).to_numpy(),
                        "sector": a["order"].map(o["sector"]).to_numpy(), "s": a["start"].to_numpy(),
                        "e": ends(a["end"]).to_numpy(), "w": np.ones(len(a), dtype=np.int64), "kind": 1})
    iv = pd.concat([dem, sup], ignore_index=True)
    iv = iv[iv["host_unit"].notna()]
    s = iv["s"].clip(lower=lo)
    e = (iv["e"] + pd.Timedelta(days=1)).clip(upper=hi)
    keep = (s < e).to_numpy()
    iv, s, e = iv[keep], s[keep], e[keep]
    if iv.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    gcodes, guniq = pd.factorize(pd.MultiIndex.from_frame(iv[["host_unit", "sector"]]))
    n_g = len(guniq)
    day = lambda x: (pd.DatetimeIndex(x).to_numpy().astype("datetime64[D]").astype(np.int64))  # noqa: E731
    w = iv["w"].to_numpy()
    isd = iv["kind"].to_numpy() == 0
    bounds = np.unique(np.concatenate([day(ps), day(pe + pd.Timedelta(days=1))]))
    g_ev = np.concatenate([gcodes, gcodes, np.repeat(np.arange(n_g), len(bounds))])
    t_ev = np.concatenate([day(s), day(e), np.tile(bounds, n_g)])
    dd = np.concatenate([np.where(isd, w, 0), np.where(isd, -w, 0), np.zeros(n_g * len(bounds), np.int64)])
    ds = np.concatenate([np.where(isd, 0, w), np.where(isd, 0, -w), np.zeros(n_g * len(bounds), np.int64)])
    order = np.lexsort((t_ev, g_ev))
    g_ev, t_ev, dd, ds = g_ev[order], t_ev[order], dd[order], ds[order]
    d_lvl, s_lvl = np.cumsum(dd), np.cumsum(ds)  # every interval closes inside the window: levels reset per group
    nxt_t = np.append(t_ev[1:], t_ev[-1])
    same = np.append(g_ev[1:] == g_ev[:-1], False)
    length = np.where(same, nxt_t - t_ev, 0)
    demand_days = d_lvl * length
    filled_days = np.minimum(d_lvl, s_lvl) * length
    seg = length > 0
    rows = []
    t0 = t_ev[seg]
    for p, a0, b0 in zip(per.tolist(), day(ps).tolist(), day(pe + pd.Timedelta(days=1)).tolist()):
        inside = (t0 >= a0) & (t0 < b0)  # period bounds are breakpoints: a segment starting inside lies inside
        if not inside.any():
            continue
        gg = g_ev[seg][inside]
        dsum = np.bincount(gg, demand_days[seg][inside], minlength=n_g)
        fsum = np.bincount(gg, filled_days[seg][inside], minlength=n_g)
        ssum = np.bincount(gg, (s_lvl * length)[seg][inside], minlength=n_g)
        hit = np.flatnonzero((dsum > 0) | (ssum > 0))
        rows.append(pd.DataFrame({"g": hit, "period": p, "demand_days": dsum[hit].astype(np.int64),
                                  "filled_days": fsum[hit].astype(np.int64)}))
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = pd.concat(rows, ignore_index=True)
    keys = guniq[out["g"].to_numpy()]
    out.insert(0, "host_unit", keys.get_level_values(0))
    out.insert(1, "sector", keys.get_level_values(1))
    out["gap_days"] = out["demand_days"] - out["filled_days"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["staffing"] = np.where(out["demand_days"] > 0, out["filled_days"] / out["demand_days"].where(
            out["demand_days"] > 0, 1), np.nan)
    out["short"] = out["staffing"] < SHORT
    return out[cols].sort_values(["host_unit", "sector", "period"]).reset_index(drop=True)


def beside_staffing(wb, res: pd.DataFrame) -> pd.DataFrame:
    """Host-unit results with the staffing of their unit in the indicator's sector over the same period.

    Adds ``demand_days, filled_days, gap_days, staffing, short`` to the host-unit rows of
    ``res`` (NaN and ``short`` False where the unit had no demand in that sector and period).
    """
    r = res[res["subject_kind"].eq("host_unit")].reset_index(drop=True)
    st = staffing(wb, r["period"].unique())
    m = r.merge(st, left_on=["subject", "sector", "period"], right_on=["host_unit", "sector", "period"], how="left")
    m["short"] = m["short"].fillna(False).astype(bool)
    return m.drop(columns="host_unit")


def behind_and_short(wb, res: pd.DataFrame | None = None, on=None) -> pd.DataFrame:
    """The places behind and short-staffed: a host unit's indicator in a sector is behind and its staffing
    in that sector over the same period is below :data:`SHORT`, with the responsible sender.

    Returns ``host_unit, sector, period, indicator, name, progress, expected, staffing,
    gap_days, sender`` (``sender``: the responsible senders for the unit and sector over
    the period, joined by ``、``; empty when no pairing covers it).
    """
    res = results(wb, on) if res is None else res
    behind = res[res["status"].eq("behind") & res["subject_kind"].eq("host_unit")]
    b = beside_staffing(wb, behind)
    b = b[b["short"]].reset_index(drop=True)
    cols = ["host_unit", "sector", "period", "indicator", "name", "progress", "expected", "staffing", "gap_days",
            "sender"]
    if b.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    b = b.rename(columns={"subject": "host_unit"})
    seats = b[["host_unit", "sector", "start", "end"]].drop_duplicates().reset_index(drop=True)
    rs = responsible_senders(wb, seats)
    names = rs.groupby("seat")["sender"].agg(lambda s: "、".join(map(str, s)))
    seats["sender"] = names.reindex(np.arange(len(seats))).to_numpy()
    b = b.merge(seats, on=["host_unit", "sector", "start", "end"], how="left")
    return b[cols].sort_values(["host_unit", "sector", "period", "indicator"]).reset_index(drop=True)
