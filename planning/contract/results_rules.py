"""Results and assessment (DESIGN §10): the rules the loader checks on the indicator and assessment tables.

The contract (``contract.csv``) declares four optional tables:

* ``indicator_definitions``: an indicator's name, unit of measure (``measure``),
  ``direction`` (higher or lower is better), ``aggregation`` (``sum``, ``mean`` or
  ``ratio`` of a ``numerator`` and a ``denominator`` indicator), ``subject`` (host
  unit, team or person) and ``sector``;
* ``indicator_values``: baseline, target and actual per subject × indicator × period;
* ``assessment_items``: the programme's assessment items and their full marks;
* ``assessments``: one row per person × period × item (a score), with the grade, the
  assessor and a note.

Unknown references are refused by the loader's reference check. This module adds:

- a **period** that is neither a year (``2026``) nor a month (``2026-06``) (``bad_period``);
- a **ratio** without both parts (``ratio_missing_part``), with a part that is not a summed
  indicator (``ratio_part_not_sum``), or parts on an indicator that is not a ratio (``part_not_ratio``);
- a **subject** that is not what its indicator is measured on (``wrong_subject``);
- the same subject × indicator × period given twice (``duplicate_value``);
- the same person × period × item scored twice (``duplicate_score``), a score above the
  item's full marks (``above_full_marks``), two different grades for one person and
  period (``two_grades``);
- **grade thresholds** (``grade_thresholds``: the lowest total of each grade, where the
  programme states them): a grade listed twice (``duplicate_threshold``), a better grade
  whose lowest total is not above a worse one's (``thresholds_out_of_order``), and a
  grade given for a person and period scored on every item that is not the grade its
  total earns (``grade_not_thresholds``; :func:`derive_grades`).

The old ``indicators`` table (host unit, indicator name, period, kind, value) still
loads as it did; :mod:`planning.programme.results` reads it as values whose
definitions are inferred, and the loader leaves a note saying so
(``legacy_indicators``: a reminder, never a refusal).

Examples
--------
>>> period_ok(pd.Series(["2026", "2026-06", "2026-13", "26", "2026/06"])).tolist()
[True, True, False, False, False]
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .problems import Problem

#: Grades, best first.
GRADES = ("excellent", "competent", "basically_competent", "incompetent")
PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
#: The table each kind of subject names.
SUBJECT_TABLE = {"host_unit": "units", "team": "teams", "person": "people"}


def period_ok(periods: pd.Series) -> pd.Series:
    """Whether each period is a year ``YYYY`` or a month ``YYYY-MM`` (empty counts as fine: required is checked apart)."""
    s = periods.astype(object)
    return s.map(lambda x: not isinstance(x, str) or bool(PERIOD.match(x))).astype(bool)


def derive_grades(totals: pd.Series, thresholds: pd.DataFrame) -> pd.Series:
    """The grade each total earns under the programme's ``thresholds`` (``grade, min_total``).

    The best grade whose lowest total (inclusive) the total reaches; a total below every
    stated threshold is ``incompetent``. Without thresholds, or for a missing total, None.

    Examples
    --------
    >>> th = pd.DataFrame({"grade": ["excellent", "competent", "basically_competent"], "min_total": [90, 75, 60]})
    >>> derive_grades(pd.Series([95, 90, 89.5, 60, 59, None]), th).tolist()
    ['excellent', 'excellent', 'competent', 'basically_competent', 'incompetent', None]
    """
    tot = pd.Series(totals, dtype=float).reset_index(drop=True)
    th = thresholds.dropna(subset=["grade", "min_total"]).drop_duplicates("grade")
    out = pd.Series([None] * len(tot), dtype=object)
    if th.empty:
        return out
    floor = dict(zip(th["grade"], th["min_total"].astype(float)))
    known = tot.notna().to_numpy()
    out[known] = "incompetent"
    for g in reversed(GRADES):  # better grades last, so they win
        if g in floor:
            out[known & (tot >= floor[g]).to_numpy()] = g
    return out


def check_results(raws, frames, headers, col) -> None:
    """Add the results tables' problems (and the legacy note) to the loader's collector ``col``."""
    for table in ("indicator_values", "assessments"):
        if table in frames and "period" in headers.get(table, {}):
            df = frames[table]
            bad = ~period_ok(df["period"]).to_numpy()
            idx = np.flatnonzero(bad)
            col.add(raws[table], idx, headers[table]["period"], df["period"].to_numpy(dtype=object)[idx],
                    "bad_period")
    _definitions(raws, frames, headers, col)
    _values(raws, frames, headers, col)
    _assessments(raws, frames, headers, col)
    _thresholds(raws, frames, headers, col)
    ind = frames.get("indicators")
    if ind is not None and len(ind) and "indicator" in headers.get("indicators", {}):
        defined = set(frames["indicator_definitions"]["name"].dropna()) if "indicator_definitions" in frames else set()
        names = sorted(set(ind["indicator"].dropna()) - defined)
        if names:
            raw = raws["indicators"]
            col.notes.append(Problem(raw.source, "indicators", None, None, None, "legacy_indicators",
                                     (("n", len(names)), ("names", "|".join(names[:5]))), raw.sheet, raw.held))


def _definitions(raws, frames, headers, col) -> None:
    d = frames.get("indicator_definitions")
    if d is None or not len(d):
        return
    h = headers["indicator_definitions"]
    raw = raws["indicator_definitions"]
    agg = dict(zip(d["id"], d["aggregation"]))
    for c in ("numerator", "denominator"):
        if c not in h:
            continue
        ratio = d["aggregation"].eq("ratio").to_numpy()
        part = d[c].to_numpy(dtype=object)
        given = ~pd.isna(part)
        for i in np.flatnonzero(ratio & ~given).tolist():
            col.add(raw, [i], h[c], [""], "ratio_missing_part")
        for i in np.flatnonzero(~ratio & given).tolist():
            col.add(raw, [i], h[c], [part[i]], "part_not_ratio")
        for i in np.flatnonzero(ratio & given).tolist():
            if part[i] in agg and agg[part[i]] != "sum":
                col.add(raw, [i], h[c], [part[i]], "ratio_part_not_sum")
    if "numerator" not in h or "denominator" not in h:
        for i in np.flatnonzero(d["aggregation"].eq("ratio").to_numpy()).tolist():
            col.add(raw, [i], h.get("aggregation"), [d["aggregation"].iloc[i]], "ratio_missing_part")


def _values(raws, frames, headers, col) -> None:
    v = frames.get("indicator_values")
    if v is None or not len(v):
        return
    h = headers["indicator_values"]
    raw = raws["indicator_values"]
    d = frames.get("indicator_definitions")
    if d is not None and len(d) and "subject" in h and "indicator" in h:
        kind = v["indicator"].map(dict(zip(d["id"], d["subject"])))
        for k, table in SUBJECT_TABLE.items():
            t = frames.get(table)
            known = set(t["id"].dropna()) if t is not None else set()
            if k == "host_unit" and t is not None:
                known = set(t.loc[t["side"].eq("host"), "id"].dropna())
            bad = kind.eq(k).to_numpy() & ~v["subject"].isin(known).to_numpy() & v["subject"].notna().to_numpy()
            idx = np.flatnonzero(bad)
            col.add(raw, idx, h["subject"], v["subject"].to_numpy(dtype=object)[idx], "wrong_subject", subject=k)
    keys = [c for c in ("subject", "indicator", "period") if c in h]
    if len(keys) == 3:
        dup = v.duplicated(keys, keep="first") & v[keys].notna().all(axis=1)
        idx = np.flatnonzero(dup.to_numpy())
        col.add(raw, idx, h["period"], v["period"].to_numpy(dtype=object)[idx], "duplicate_value")


def _assessments(raws, frames, headers, col) -> None:
    a = frames.get("assessments")
    if a is None or not len(a):
        return
    h = headers["assessments"]
    raw = raws["assessments"]
    if "item" in h:
        keyed = a["item"].notna() & a["person"].notna() & a["period"].notna()
        dup = a.duplicated(["person", "period", "item"], keep="first") & keyed
        idx = np.flatnonzero(dup.to_numpy())
        col.add(raw, idx, h["item"], a["item"].to_numpy(dtype=object)[idx], "duplicate_score")
        items = frames.get("assessment_items")
        if "score" in h and items is not None and len(items):
            full = a["item"].map(dict(zip(items["id"], items["max_score"]))).astype(float)
            over = (a["score"].astype(float) > full).to_numpy()
            idx = np.flatnonzero(over)
            for i in idx.tolist():
                col.add(raw, [i], h["score"], [a["score"].iloc[i]], "above_full_marks", max=f"{full.iloc[i]:g}")
    if "grade" in h:
        g = a[a["grade"].notna()]
        first = g.drop_duplicates(["person", "period"])
        seen = dict(zip(zip(first["person"], first["period"]), first["grade"]))
        other = np.array([seen.get((p, q), x) != x for p, q, x in
                          zip(g["person"].tolist(), g["period"].tolist(), g["grade"].tolist())], dtype=bool)
        pos = g.index.to_numpy()[other]
        for i in pos.tolist():
            col.add(raw, [i], h["grade"], [a["grade"].iloc[i]], "two_grades",
                    grade=seen[(a["person"].iloc[i], a["period"].iloc[i])])


def _thresholds(raws, frames, headers, col) -> None:
    th = frames.get("grade_thresholds")
    if th is None or not len(th) or "grade" not in headers.get("grade_thresholds", {}):
        return
    h = headers["grade_thresholds"]
    raw = raws["grade_thresholds"]
    dup = th["grade"].duplicated(keep="first") & th["grade"].notna()
    idx = np.flatnonzero(dup.to_numpy())
    col.add(raw, idx, h["grade"], th["grade"].to_numpy(dtype=object)[idx], "duplicate_threshold")
    if "min_total" not in h:
        return
    first = th[~dup & th["grade"].notna() & th["min_total"].notna()]
    floor = dict(zip(first["grade"], first["min_total"].astype(float)))
    for i in first.index.tolist():
        g, m = th.at[i, "grade"], float(th.at[i, "min_total"])
        worse = [w for w in GRADES[GRADES.index(g) + 1:] if w in floor and floor[w] >= m]
        if worse:
            col.add(raw, [i], h["min_total"], [th.at[i, "min_total"]], "thresholds_out_of_order", grade=worse[0],
                    min=f"{floor[worse[0]]:g}")
    a = frames.get("assessments")
    items = frames.get("assessment_items")
    ha = headers.get("assessments", {})
    if a is None or not len(a) or items is None or not len(items) or not {"grade", "score", "item"} <= set(ha):
        return
    scored = a[a["item"].notna() & a["score"].notna()]
    per = scored.groupby(["person", "period"]).agg(total=("score", "sum"), n=("item", "nunique"))
    per = per[per["n"].eq(items["id"].nunique())]  # scored on every item: the total is whole
    if per.empty:
        return
    per["earned"] = derive_grades(per["total"], th).to_numpy()
    g = a[a["grade"].notna()]
    keys = list(zip(g["person"], g["period"]))
    earned = per["earned"].to_dict()
    total = per["total"].to_dict()
    written = raws["assessments"].column(ha["grade"])  # the cell as the user wrote it
    for i, k, x in zip(g.index.tolist(), keys, g["grade"].tolist()):
        if k in earned and earned[k] is not None and earned[k] != x:
            col.add(raws["assessments"], [i], ha["grade"], [written[i]], "grade_not_thresholds", grade=earned[k],
                    total=f"{total[k]:g}")
