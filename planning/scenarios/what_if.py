"""What-if scenarios: derive one workbook from another, and compare two.

Every change is a plain function ``change(wb, ...) -> Workbook`` that returns a
new workbook and leaves its input alone:

- :func:`change_senders`: a sending city sends N fewer (or more) people of a sector;
- :func:`change_terms`: a batch's terms are extended or shortened by M months;
- :func:`add_flexible_batch`: a flexible batch (柔性批次) of N people is added;
- :func:`change_orders`: a host unit's orders change (headcount, end);
- :func:`withdraw_batch`: a sender cannot send a batch (济南市无法派出 2027年8月批次).

A change that cannot be made raises :class:`ScenarioError` with a sentence
saying why, and nothing changes. That includes every argument out of bounds:
ids and sectors the workbook does not know, empty text or text holding control
characters, numbers that are not whole, more than :data:`MAX_PEOPLE` people or
seats in one change, more than :data:`MAX_MONTHS` months, and dates outside
``1950-01-01``–``2100-12-31`` (what the loader accepts), so a changed workbook
always saves and loads back. Changes can also be kept as data (a list of
dicts, ``{"kind": "senders", "city": ..., ...}``), applied with :func:`apply`
and read with :func:`describe`, so a saved scenario can say how it was made.
Re-planning is :func:`planning.allocate` on the changed workbook;
:func:`compare` gives the coverage difference by unit × sector × month and the
people moved, added and removed.

Examples
--------
>>> import planning
>>> from planning.scenarios.what_if import apply, compare, describe
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> changes = [{"kind": "orders", "host_unit": "H-SCH01", "headcount": 2}]
>>> b = apply(wb, changes)
>>> int(b.orders.headcount.sum() - wb.orders.headcount.sum()) == 2 * int((wb.orders.host_unit == "H-SCH01").sum())
True
>>> describe(changes[0], wb, "en")
'Orders of 疏勒县第一中学: headcount +2 each'
>>> c = compare(wb, b, start="2026-11", end="2027-10")
>>> int(c.coverage.demand_change.sum()) > 0
True
"""
from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..allocation import plan_diff
from ..core.clock import EARLIEST, LATEST, OPEN_END, today
from ..core.hierarchy import ancestors, source_city
from ..core.live import LIVE
from ..core.names import batch_names, names
from ..core.text import control_chars
from ..core.vocabulary import Program, Status
from ..programme.coverage import coverage, month_range
from ..core.i18n import default_lang, t
from .rotation import timeline
from ..programme.seats import add_months

KINDS = ("senders", "terms", "flexible", "orders", "withdraw")
#: The most people (sent more or fewer, in a flexible batch) or seats (per order) one change may add or remove.
MAX_PEOPLE = 100_000
#: The most months one change may lengthen, shorten or last.
MAX_MONTHS = 120


class ScenarioError(ValueError):
    """A what-if change that cannot be made; the message is a sentence for planners."""


# --------------------------------------------------------------------------- #
# arguments as planners type them: checked before anything is changed
# --------------------------------------------------------------------------- #
_DAY = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*")


def _shown(value) -> str:
    """A value as a sentence may quote it: control characters as ``U+0007`` codes, at most 40 characters."""
    text = str(value)
    if control_chars(text):
        text = "".join(f"<U+{ord(c):04X}>" if control_chars(c) else c for c in text)
    return text if len(text) <= 40 else text[:39] + "…"


def _missing(value) -> bool:
    """Nothing given: ``None``, a blank text, or NaN (an empty cell)."""
    return (value is None or (isinstance(value, str) and not value.strip())
            or (isinstance(value, (float, np.floating)) and np.isnan(value)))


def _text(value, what: str, lang) -> str:
    """A name or id typed by a planner: text, not empty, no control characters."""
    if _missing(value):
        raise ScenarioError(t("scen.err.empty", lang, what=t(f"scen.what.{what}", lang)))
    if not isinstance(value, str):
        raise ScenarioError(t("scen.err.not_text", lang, what=t(f"scen.what.{what}", lang), value=_shown(value)))
    if control_chars(value):
        raise ScenarioError(t("scen.err.control", lang, what=t(f"scen.what.{what}", lang), value=_shown(value),
                              codes=control_chars(value)))
    return value


def _whole(value, what: str, lo: int, hi: int, lang) -> int:
    """A whole number from ``lo`` to ``hi`` (an ``int``, a whole float or digits as text)."""
    if _missing(value):
        raise ScenarioError(t("scen.err.empty", lang, what=t(f"scen.what.{what}", lang)))
    n = None
    if isinstance(value, (bool, np.bool_)):
        n = None
    elif isinstance(value, (int, np.integer)):
        n = int(value)
    elif isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        n = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,18}\s*", value):
        n = int(value)
    if n is None or not lo <= n <= hi:
        raise ScenarioError(t("scen.err.number", lang, what=t(f"scen.what.{what}", lang), value=_shown(value),
                              lo=f"{lo:,}", hi=f"{hi:,}"))
    return n


def _date(value, what: str, lang) -> pd.Timestamp:
    """A day from 1950-01-01 to 2100-12-31: a date, or text ``YYYY-MM-DD`` (``/`` or ``.`` also)."""
    if _missing(value) or (pd.api.types.is_scalar(value) and not isinstance(value, str) and pd.isna(value)):
        raise ScenarioError(t("scen.err.empty", lang, what=t(f"scen.what.{what}", lang)))
    day = None
    if isinstance(value, str):
        m = _DAY.fullmatch(value)
        if m:
            try:
                day = pd.Timestamp(dt.date(*map(int, m.groups())))
            except ValueError:
                day = None
    elif isinstance(value, (dt.date, np.datetime64)) and not pd.isna(value):
        try:
            day = pd.Timestamp(value).normalize()
        except (ValueError, OverflowError):
            day = None
        if day is not None and day.tzinfo is not None:
            day = day.tz_localize(None)
    if day is None:
        raise ScenarioError(t("scen.err.date", lang, value=_shown(value)))
    if not EARLIEST <= day <= LATEST:
        raise ScenarioError(t("scen.err.date_range", lang, value=_shown(value), lo=EARLIEST.date(), hi=LATEST.date()))
    return day


def _sector(wb, sector, lang) -> str:
    """A sector some person or order of ``wb`` has."""
    sector = _text(sector, "sector", lang)
    known = set(wb.people["sector"].dropna().unique()) | set(wb.orders["sector"].dropna().unique())
    if sector not in known:
        raise ScenarioError(t("scen.err.sector", lang, sector=_shown(sector)))
    return sector

def _copy(wb, **tables):
    out = wb.copy()
    for k, v in tables.items():
        setattr(out, k, v.reset_index(drop=True))
    return out


def _name(wb, node) -> str:
    return str(names(wb).get(node, node))


def _check_city(wb, city, lang):
    city = _text(city, "city", lang)
    r = wb.regions
    if not ((r["id"] == city) & (r["side"] == "sending")).any():
        raise ScenarioError(t("scen.err.city", lang, city=_shown(city)))
    return city


def _end_of(start: pd.Series | pd.Timestamp, months: int):
    """The last day of a period of ``months`` from ``start`` (``2027-03-01`` + 3 → ``2027-05-31``)."""
    s = pd.Series(pd.to_datetime(start)) if not isinstance(start, pd.Series) else start
    return add_months(s, months) - pd.Timedelta(days=1)


def _new_ids(existing: pd.Series, prefix: str, n: int) -> list[str]:
    """The first ``n`` of ``prefix001``, ``prefix002``, … that ``existing`` does not hold."""
    taken = pd.Index(existing.astype(str))
    clash = int(taken.str.startswith(prefix, na=False).sum())  # at most this many candidates are taken
    cand = pd.Index([f"{prefix}{k:03d}" for k in range(1, n + clash + 1)], dtype=object)
    return cand[~cand.isin(taken)][:n].tolist()


# --------------------------------------------------------------------------- #
# changes
# --------------------------------------------------------------------------- #
def change_senders(wb, city: str, sector: str, delta: int, *, lang: str | None = None):
    """A sending city sends ``delta`` more (positive) or fewer (negative) people of ``sector``.

    Fewer: people of the city and sector who are not yet on post (no active or
    completed assignment) are withdrawn, the latest to start first; their
    planned assignments and pairs go with them, so their seats open again.
    More: new people like the city's professionals of that sector (same
    sending unit, skill and level as the most common among them) join the pool, available
    from today until the sector's last order ends, with no assignment;
    re-planning places them.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> b = change_senders(wb, "SD-JN", "教育", 3)
    >>> len(b.people) - len(wb.people), b.people.id.iloc[-1]
    (3, 'SD-JN-教育-003')
    >>> change_senders(wb, "SD-JN", "教育", -500, lang="en")
    Traceback (most recent call last):
    ...
    planning.scenarios.what_if.ScenarioError: 济南市 has only 3 people in 教育 not yet on post; cannot send 500 fewer.
    """
    city = _check_city(wb, city, lang)
    sector = _sector(wb, sector, lang)
    delta = _whole(delta, "delta", -MAX_PEOPLE, MAX_PEOPLE, lang)
    p = wb.people
    mine = p[(p["id"].map(source_city(wb)) == city).to_numpy() & (p["sector"] == sector).to_numpy()]
    if delta > 0:
        if mine.empty:
            raise ScenarioError(t("scen.err.no_template", lang, city=_name(wb, city), sector=sector))
        pool = mine[mine["category"] == "professional"] if (mine["category"] == "professional").any() else mine
        proto = pool.groupby(["sending_unit", "skill", "level"], dropna=False).size().idxmax()
        like_row = pool[(pool["sending_unit"] == proto[0]) & (pool["level"] == proto[2])].iloc[[0]]
        like = like_row.iloc[0]
        ids = _new_ids(p["id"], f"{city}-{sector}-", delta)
        new = like_row.iloc[np.zeros(delta, dtype=np.intp)].reset_index(drop=True)  # the row repeated, not dicts
        new["id"] = ids
        shown, lg = _name(wb, city), lang or default_lang()  # looked up once, not once per person
        new["name"] = [t("scen.new_person", lg, city=shown, k=k + 1) for k in range(delta)]
        new["wishes"] = None
        new["program"] = Program.PLANNED
        # sent from now on, for as long as the city's orders of that sector run
        o = wb.orders
        last = o.loc[o["sector"] == sector, "end"].max() if (o["sector"] == sector).any() else like["available_to"]
        new["available_from"] = max(like["available_from"], today())
        new["available_to"] = max(like["available_to"], last)
        new = new.astype(p.dtypes.to_dict())
        return _copy(wb, people=pd.concat([p, new], ignore_index=True))
    if delta == 0:
        return wb.copy()
    a = wb.assignments
    posted = set(a.loc[a["status"].isin((Status.ACTIVE, Status.DONE)), "person"])
    free = mine[~mine["id"].isin(posted)]
    if len(free) < -delta:
        raise ScenarioError(t("scen.err.too_few", lang, city=_name(wb, city), sector=sector, n=len(free),
                              k=-delta))
    first = a[a["status"].eq(Status.PLANNED)].groupby("person")["start"].min()
    order = free.assign(first=pd.to_datetime(first.reindex(free["id"]).to_numpy())).sort_values(["first", "id"], ascending=[False, False],
                                                                 na_position="first")
    gone = set(order["id"].iloc[:-delta])
    m = wb.mentorships
    return _copy(wb, people=p[~p["id"].isin(gone)], assignments=a[~a["person"].isin(gone)],
                 mentorships=m[~(m["mentor"].isin(gone) | m["apprentice"].isin(gone))])


def change_terms(wb, batch: str, months: int, *, lang: str | None = None):
    """The terms of ``batch`` (a label of :func:`planning.scenarios.rotation.batches`) run ``months`` longer (or shorter).

    Active and planned assignments of the batch that have not ended before
    today end ``months`` later (earlier when negative, but not before today).
    An order that ended with the batch keeps its posts open as long; people are
    kept available for the longer term. A term that would end before it starts,
    run into the same person's next assignment or past 2100-12-31 is refused.
    Open terms (no end, or ``OPEN_END``) have no end to move and stay as they are.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> b = change_terms(wb, "planned:2026-02", 6)
    >>> d = (b.assignments.end - wb.assignments.end).dt.days
    >>> bool((d >= 0).all()) and int((d > 0).sum()) > 0
    True
    """
    batch = _text(batch, "batch", lang)
    months = _whole(months, "term_months", -MAX_MONTHS, MAX_MONTHS, lang)
    tl = timeline(wb)
    if batch not in set(tl["batch"]):
        raise ScenarioError(t("scen.err.batch", lang, batch=_shown(batch)))
    a = wb.assignments.reset_index(drop=True)
    key = pd.MultiIndex.from_frame(tl[["person", "order", "start"]])
    rows = key.get_indexer(pd.MultiIndex.from_frame(a[["person", "order", "start"]]))
    now = today()
    # terms already over are history: only those running or to come change
    hit = ((tl["batch"].to_numpy()[rows] == batch) & a["status"].isin(LIVE).to_numpy()
           & (a["end"] >= now).to_numpy() & (a["end"] < OPEN_END).to_numpy())
    if months == 0 or not hit.any():
        return wb.copy()
    old_end = a.loc[hit, "end"]
    new_end = _end_of(old_end + pd.Timedelta(days=1), months).to_numpy()
    new_end = np.maximum(new_end, np.datetime64(now, "ns"))  # a cut term ends today at the earliest
    late = new_end > np.datetime64(LATEST, "ns")
    if late.any():
        raise ScenarioError(t("scen.err.too_late", lang, batch=batch, months=months,
                              person=a.loc[hit, "person"].to_numpy()[late][0], last=LATEST.date()))
    bad = new_end < a.loc[hit, "start"].to_numpy()
    if bad.any():
        raise ScenarioError(t("scen.err.too_short", lang, batch=batch, months=-months,
                              person=a.loc[hit, "person"].to_numpy()[bad][0]))
    a2 = a.copy()
    a2.loc[hit, "end"] = new_end
    # the same person's other assignments must not overlap the longer term
    mine = a2[hit][["person", "start", "end"]].assign(row=np.flatnonzero(hit))
    other = a2[~hit][["person", "start", "end"]]
    x = mine.merge(other, on="person", suffixes=("", "_o"))
    x = x[(x["start"] <= x["end_o"]) & (x["end"] >= x["start_o"])]
    if len(x):
        raise ScenarioError(t("scen.err.overlap", lang, batch=batch, person=x["person"].iloc[0],
                              start=x["start_o"].iloc[0].date()))
    o = wb.orders.copy()
    if months > 0:
        last = pd.Series(new_end, index=a.loc[hit, "order"].to_numpy()).groupby(level=0).max()
        ended = pd.Series(old_end.to_numpy(), index=a.loc[hit, "order"].to_numpy()).groupby(level=0).max()
        with_batch = o["id"].isin(ended.index) & (o["end"].to_numpy() <= o["id"].map(ended).to_numpy())
        o.loc[with_batch, "end"] = np.maximum(o.loc[with_batch, "end"].to_numpy(),
                                              o.loc[with_batch, "id"].map(last).to_numpy())
    p = wb.people.copy()
    need = pd.Series(new_end, index=a.loc[hit, "person"].to_numpy()).groupby(level=0).max()
    until = p["id"].map(need)
    longer = until.notna().to_numpy() & (until.to_numpy() > p["available_to"].to_numpy())
    p.loc[longer, "available_to"] = until[longer].to_numpy()
    return _copy(wb, assignments=a2, orders=o, people=p)


def add_flexible_batch(wb, city: str, sector: str, n: int, start, months: int = 3, *, skill=None,
                       lang: str | None = None):
    """A flexible batch: ``n`` people of ``sector`` from ``city`` available for ``months`` from ``start``.

    They join the pool with programme ``flexible`` (柔性援派) and no assignment;
    re-planning puts them on open flexible slots (orders with
    ``rotation_months``) or other open seats of their sector.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> b = add_flexible_batch(wb, "SD-JN", "教育", 4, "2027-03-01")
    >>> new = b.people.iloc[len(wb.people):]
    >>> new.program.unique().tolist(), str(new.available_to.iloc[0].date())
    (['flexible'], '2027-05-31')
    """
    city = _check_city(wb, city, lang)
    sector = _sector(wb, sector, lang)
    n = _whole(n, "n", 1, MAX_PEOPLE, lang)
    months = _whole(months, "flex_months", 1, MAX_MONTHS, lang)
    if skill is not None:
        skill = _text(skill, "skill", lang)
    s = _date(start, "start", lang)
    last = _end_of(s, months).iloc[0]
    if last > LATEST:
        raise ScenarioError(t("scen.err.ends_late", lang, end=last.date(), last=LATEST.date()))
    p = wb.people
    mine = p[(p["id"].map(source_city(wb)) == city).to_numpy()]
    units = wb.units
    if len(mine[mine["sector"] == sector]):
        like = mine[mine["sector"] == sector].iloc[0]
        unit, level, sk = like["sending_unit"], like["level"], like["skill"]
    else:

        anc = ancestors(wb)
        under = anc.loc[(anc["ancestor"] == city) & anc["node"].isin(units.loc[units["side"] == "sending", "id"]),
                        "node"]
        if under.empty:
            raise ScenarioError(t("scen.err.no_unit", lang, city=_name(wb, city)))
        unit, level, sk = under.iloc[0], 2, None
    ids = _new_ids(p["id"], f"{city}-FLEX-", n)
    new = pd.DataFrame({c: [None] * n for c in p.columns})
    shown, lg = _name(wb, city), lang or default_lang()  # looked up once, not once per person
    new = new.assign(id=ids, name=[t("scen.flex_person", lg, city=shown, k=k + 1) for k in range(n)],
                     sending_unit=unit, category="professional", sector=sector,
                     skill=skill if skill is not None else sk, level=level, can_lead=False, program="flexible",
                     available_from=s, available_to=last, wishes=None)
    new = new.astype(p.dtypes.to_dict())
    return _copy(wb, people=pd.concat([p, new], ignore_index=True))


def change_orders(wb, host_unit: str, *, sector: str | None = None, headcount: int = 0, end=None,
                  lang: str | None = None):
    """A host unit's orders change: each order (of ``sector``) needs ``headcount`` more (or fewer) people,
    and/or runs until ``end``.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> b = change_orders(wb, "H-SCH01", end="2029-07-31")
    >>> str(b.orders.loc[b.orders.host_unit == "H-SCH01", "end"].max().date())
    '2029-07-31'
    """
    host_unit = _text(host_unit, "host_unit", lang)
    if not wb.units["id"].eq(host_unit).any():
        raise ScenarioError(t("scen.err.unit", lang, unit=_shown(host_unit)))
    if sector is not None:
        sector = _text(sector, "sector", lang)
    headcount = _whole(headcount, "headcount", -MAX_PEOPLE, MAX_PEOPLE, lang)
    e = _date(end, "end", lang) if end is not None else None
    o = wb.orders
    sel = (o["host_unit"] == host_unit).to_numpy()
    if sector is not None:
        sel = sel & (o["sector"] == sector).to_numpy()
    if not sel.any():
        raise ScenarioError(t("scen.err.no_orders", lang, unit=_name(wb, host_unit), sector=_shown(sector))
                            if sector is not None else t("scen.err.no_orders_any", lang, unit=_name(wb, host_unit)))
    o = o.copy()
    hc = o.loc[sel, "headcount"].to_numpy() + headcount
    if (hc < 1).any():
        raise ScenarioError(t("scen.err.headcount", lang, order=o.loc[sel, "id"].to_numpy()[hc < 1][0]))
    o.loc[sel, "headcount"] = hc
    if e is not None:
        if (o.loc[sel, "start"] > e).any():
            raise ScenarioError(t("scen.err.end_before_start", lang, order=o.loc[sel & (o["start"] > e).to_numpy(),
                                                                                   "id"].iloc[0], end=e.date()))
        o.loc[sel, "end"] = e
    return _copy(wb, orders=o)


def withdraw_batch(wb, sender: str, batch: str, *, lang: str | None = None):
    """A sender (a sending region or unit) cannot send ``batch``: none of its people starts in the batch's window.

    Its people lose their planned assignments starting in the window (dispatch date to window end,
    :func:`planning.programme.senders.batch_windows`). Those not yet on post (no active or completed
    assignment) become available only from the day after the window; those on post (or back) finish
    their stints and are not sent again: their availability ends with their last stint, or the day
    before the dispatch. Re-planning fills what it can from other senders.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> b = withdraw_batch(wb, "SD-JN", "B2027-08")
    >>> bool((b.people.available_from >= wb.people.available_from).all() and len(b.people) == len(wb.people))
    True
    >>> describe({"kind": "withdraw", "sender": "SD-JN", "batch": "B2027-08"}, wb)
    '济南市无法派出2027年8月批'
    """
    from ..core.hierarchy import under
    from ..programme.senders import batch_windows

    sender = _text(sender, "sender", lang)
    known = set(wb.regions.loc[wb.regions["side"].eq("sending"), "id"]) | set(
        wb.units.loc[wb.units["side"].eq("sending"), "id"])
    if sender not in known:
        raise ScenarioError(t("scen.err.sender", lang, sender=_shown(sender)))
    batch = _text(batch, "batch", lang)
    w = batch_windows(wb).set_index("batch")
    if batch not in w.index:
        raise ScenarioError(t("scen.err.batch", lang, batch=_shown(batch)))
    d0, d1 = pd.Timestamp(w.at[batch, "dispatch"]), pd.Timestamp(w.at[batch, "window_end"])
    p, a = wb.people, wb.assignments
    mine = (p["sending_unit"].eq(sender) | pd.Series(under(wb, p["sending_unit"], [sender]), index=p.index))
    posted = set(a.loc[a["status"].isin((Status.ACTIVE, Status.DONE)), "person"])
    hit = mine & ~p["id"].isin(posted)
    ids = set(p.loc[hit, "id"])
    drop = a["person"].isin(ids) & a["status"].eq(Status.PLANNED) & (a["start"] >= d0) & (a["start"] <= d1)
    after = d1 + pd.Timedelta(days=1)
    people = p.copy()
    late = hit & (people["available_from"] <= d1)
    people.loc[late, "available_from"] = after
    gone = late & (people["available_to"] < after)  # available only within the window: not available at all
    people.loc[gone, "available_to"] = after
    kept = a[~drop]
    served = kept[kept["person"].isin(set(p.loc[mine & ~hit, "id"])) & kept["status"].isin(
        (Status.ACTIVE, Status.DONE, Status.PLANNED))].groupby("person")["end"].max()
    back = mine & ~hit
    last = pd.to_datetime(p.loc[back, "id"].map(served)).fillna(d0 - pd.Timedelta(days=1))
    last = last.where(last >= d0 - pd.Timedelta(days=1), d0 - pd.Timedelta(days=1))
    cut = back & (people["available_to"] > last.reindex(people.index)) & (last.reindex(people.index) < d1)
    people.loc[cut, "available_to"] = last.reindex(people.index)[cut]
    people = people.astype(p.dtypes.to_dict())
    return _copy(wb, people=people, assignments=kept)


# --------------------------------------------------------------------------- #
# changes as data
# --------------------------------------------------------------------------- #
_FUNCS = {"senders": change_senders, "terms": change_terms, "flexible": add_flexible_batch,
          "orders": change_orders, "withdraw": withdraw_batch}


def apply(wb, changes, *, lang: str | None = None):
    """Apply a list of changes kept as dicts (``kind`` plus the function's arguments), in order.

    Every change is checked before the next one is applied; the first that cannot be made
    raises :class:`ScenarioError` and the workbook given is left as it was.
    """
    if isinstance(changes, (str, bytes, Mapping)) or not hasattr(changes, "__iter__"):
        raise ScenarioError(t("scen.err.changes", lang, value=_shown(changes)))
    for c in changes:
        if not isinstance(c, Mapping):
            raise ScenarioError(t("scen.err.changes", lang, value=_shown(c)))
        c = dict(c)
        kind = c.pop("kind", None)
        if _missing(kind):
            raise ScenarioError(t("scen.err.empty", lang, what=t("scen.what.kind", lang)))
        if not isinstance(kind, str) or kind not in _FUNCS:
            raise ScenarioError(t("scen.err.kind", lang, kind=_shown(kind), kinds="、".join(KINDS)))
        params = inspect.signature(_FUNCS[kind]).parameters
        named = [k for k in params if k not in ("wb", "lang")]
        unknown = [_shown(k) for k in c if k not in named]
        missing = [k for k in named if params[k].default is inspect.Parameter.empty and k not in c]
        if unknown or missing:
            detail = ("; " if lang == "en" else "；").join(([t("scen.err.args.unknown", lang, names="、".join(unknown))] if unknown else [])
                              + ([t("scen.err.args.missing", lang, names="、".join(missing))] if missing else []))
            raise ScenarioError(t("scen.err.args", lang, kind=kind, detail=detail))
        wb = _FUNCS[kind](wb, **c, lang=lang)
    return wb


def describe(change: dict, wb, lang: str | None = None) -> str:
    """One sentence saying what a change (as a dict) does."""
    c = change
    kind = c.get("kind")
    if kind == "senders":
        d = int(c["delta"])
        return t("scen.d.senders." + ("more" if d > 0 else "fewer"), lang, city=_name(wb, c["city"]),
                 sector=c["sector"], n=abs(d))
    if kind == "terms":
        m = int(c["months"])
        return t("scen.d.terms." + ("longer" if m > 0 else "shorter"), lang, batch=c["batch"], n=abs(m))
    if kind == "flexible":
        return t("scen.d.flexible", lang, city=_name(wb, c["city"]), sector=c["sector"], n=int(c["n"]),
                 start=pd.Timestamp(c["start"]).date(), months=int(c.get("months", 3)))
    if kind == "withdraw":
        from ..programme.senders import batch_windows

        w = batch_windows(wb).set_index("batch")
        b = c["batch"]
        label = batch_names(wb, lang).get(b, b) if hasattr(wb, "batches") and len(wb.batches) else b
        return t("scen.d.withdraw", lang, sender=_name(wb, c["sender"]),
                 batch=label if isinstance(label, str) and label and b in w.index else b)
    if kind == "orders":
        parts = []
        if int(c.get("headcount", 0)):
            parts.append(t("scen.d.orders.headcount", lang, n=f"{int(c['headcount']):+d}"))
        if c.get("end") is not None:
            parts.append(t("scen.d.orders.end", lang, end=pd.Timestamp(c["end"]).date()))
        what = (_name(wb, c["host_unit"]) + (f" · {c['sector']}" if c.get("sector") else ""))
        return t("scen.d.orders", lang, unit=what, what=("; " if lang == "en" else "，").join(parts) or "—")
    return str(c)


# --------------------------------------------------------------------------- #
# compare
# --------------------------------------------------------------------------- #
@dataclass
class Comparison:
    """What differs from scenario ``a`` to ``b``.

    ``coverage``: one row per host unit × sector × month with ``demand_a,
    supply_a, gap_a, demand_b, supply_b, gap_b`` and the ``*_change`` (b − a);
    ``people``: :func:`planning.plan_diff` of their live assignments from
    ``since`` on (moved, added, removed); ``totals``: the sums.
    """
    coverage: pd.DataFrame
    people: pd.DataFrame
    totals: dict = field(default_factory=dict)


def compare(a, b, start=None, end=None, *, since=None) -> Comparison:
    """Coverage difference by unit × sector × month and the people moved, added and removed.

    ``start``/``end``: the months compared (default: the months of either's
    orders). ``since``: assignments ending before it are history and left out of
    the people's difference (default: today).
    """
    if start is None or end is None:
        ma, mb = month_range(wb=a), month_range(wb=b)
        start = start or min(ma[0], mb[0])
        end = end or max(ma[-1], mb[-1])
    keys = ["host_unit", "sector", "month"]
    vals = ["demand", "supply", "gap", "surplus"]
    ca = coverage(a, start, end)[keys + vals]
    cb = coverage(b, start, end)[keys + vals]
    m = ca.merge(cb, on=keys, how="outer", suffixes=("_a", "_b"))
    for v in vals:
        m[[f"{v}_a", f"{v}_b"]] = m[[f"{v}_a", f"{v}_b"]].fillna(0).astype(np.int64)
        m[f"{v}_change"] = m[f"{v}_b"] - m[f"{v}_a"]
    m = m.sort_values(keys).reset_index(drop=True)
    since = pd.Timestamp(since) if since is not None else today()

    def live(wb):
        x = wb.assignments
        x = x[x["status"].isin(LIVE) & (x["end"] >= since)]
        o = wb.orders.set_index("id")["host_unit"]
        return x.assign(slot=0, host_unit=x["order"].map(o).to_numpy())

    people = plan_diff(live(a), live(b))
    totals = {f"{v}_{s}": int(m[f"{v}_{s}"].sum()) for v in vals for s in ("a", "b", "change")}
    totals.update({k: int((people["change"] == k).sum()) for k in ("moved", "added", "removed")})
    return Comparison(m, people, totals)
