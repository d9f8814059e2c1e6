"""Checking the arguments of :func:`allocate`: the window, pins and forbids."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..core.clock import EARLIEST, LATEST, today
from ..core.text import control_chars
from ..core.i18n import t
from .plan import PlanError


def parse_window(window, lang: str | None = None) -> tuple[pd.Timestamp, pd.Timestamp | None]:
    now = today()
    if window is None:
        return now, None
    def shown(x) -> str:
        if isinstance(x, (pd.Timestamp, np.datetime64)) or hasattr(x, "isoformat"):
            try:
                return pd.Timestamp(x).strftime("%Y-%m-%d")
            except (TypeError, ValueError):
                pass
        return _shown("" if x is None else x)

    try:
        w0, w1 = window
        said = f"{shown(w0)} – {shown(w1)}"
    except (TypeError, ValueError) as e:
        raise PlanError(t("alloc.bad_window", lang, window=_shown(window))) from e
    try:
        w0 = pd.Timestamp(w0).normalize() if w0 is not None and str(w0) != "" else now
        w1 = pd.Timestamp(w1).normalize() if w1 is not None and str(w1) != "" else None
        if not EARLIEST <= w0 <= LATEST or (w1 is not None and not EARLIEST <= w1 <= LATEST):
            raise ValueError(said)  # beyond the days a workbook may name
    except (TypeError, ValueError) as e:
        raise PlanError(t("alloc.bad_window", lang, window=said)) from e
    if w1 is not None and w1 < w0:
        raise PlanError(t("alloc.bad_window", lang, window=said))
    return w0, w1


#: The largest slot number a pin may name (an order's slots are numbered from 0).
MAX_SLOT = 100_000


def _shown(value) -> str:
    """A value as a sentence may quote it: control characters as ``U+0007`` codes, at most 40 characters."""
    text = str(value)
    if control_chars(text):
        text = "".join(f"<U+{ord(c):04X}>" if control_chars(c) else c for c in text)
    return text if len(text) <= 40 else text[:39] + "…"


def _id(value, what: str, item, lang) -> str:
    """A person or order id of a pin or forbid: text (or a whole number), not empty, no control characters."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()) or (
            isinstance(value, float) and np.isnan(value)):
        raise PlanError(t(f"alloc.{what}_empty_id", lang, item=_shown(item)))
    if not isinstance(value, str):
        raise PlanError(t(f"alloc.bad_{what}", lang, item=_shown(item)))
    if control_chars(value):
        raise PlanError(t("alloc.control_id", lang, item=_shown(value), codes=control_chars(value)))
    return value


def _slot(value, item, lang) -> int:
    """A pin's slot: None (the first that breaks no rule) or a whole number from 0 to :data:`MAX_SLOT`."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return -1
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) and 0 <= value <= MAX_SLOT:
        return int(value)
    raise PlanError(t("alloc.bad_slot", lang, item=_shown(item), hi=f"{MAX_SLOT:,}"))


def planning_day(window, planning_date=None, lang: str | None = None) -> pd.Timestamp:
    """The day new assignments start at the earliest (the dispatch date, 派出日期).

    ``planning_date`` when given (not before today), else the start of the
    parsed ``window`` when it lies ahead of today, else today.

    Examples
    --------
    >>> import pandas as pd
    >>> from planning.core.clock import today
    >>> planning_day((today(), None)) == today()
    True
    >>> planning_day((pd.Timestamp("2099-03-01"), None))
    Timestamp('2099-03-01 00:00:00')
    >>> planning_day((today(), None), "2099-04-15")
    Timestamp('2099-04-15 00:00:00')
    """
    now = today()
    if planning_date is None or str(planning_date) == "":
        return max(now, pd.Timestamp(window[0]).normalize())
    said = _shown(planning_date)
    try:
        day = pd.Timestamp(planning_date)
        said = day.strftime("%Y-%m-%d") if not pd.isna(day) else said
    except (TypeError, ValueError) as e:
        raise PlanError(t("alloc.bad_planning_date", lang, value=said, today=now.date())) from e
    if pd.isna(day) or day.normalize() < now or day.normalize() > LATEST:
        raise PlanError(t("alloc.bad_planning_date", lang, value=said, today=now.date()))
    return day.normalize()


def pairs_frame(items, n: int, what: str, lang: str | None = None) -> pd.DataFrame:
    """Pins (``what="pin"``, ``n=3``) or forbids (``"forbid"``, ``n=2``) as a table ``person, order, slot``.

    ``items`` is an iterable of tuples (None: none). Anything else, an empty or unreadable id, a slot
    that is not a whole number from 0 to :data:`MAX_SLOT`, or the same pair twice raises
    :class:`PlanError` with one sentence.
    """
    if items is None:
        items = ()
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise PlanError(t("alloc.bad_" + what, lang, item=_shown(items)))
    rows = []
    for item in items:
        if isinstance(item, (str, bytes, Mapping)) or not isinstance(item, Iterable):
            raise PlanError(t("alloc.bad_" + what, lang, item=_shown(item)))
        it = tuple(item)
        if len(it) not in (2, n):
            raise PlanError(t("alloc.bad_" + what, lang, item=_shown(it)))
        person, order = _id(it[0], what, it, lang), _id(it[1], what, it, lang)
        rows.append((person, order, _slot(it[2], it, lang) if len(it) == 3 else -1))
    out = pd.DataFrame(rows, columns=["person", "order", "slot"]).astype(
        {"person": object, "order": object, "slot": np.int64})
    dup = out.duplicated(["person", "order", "slot"] if what == "pin" else ["person", "order"])
    if dup.any():
        r = out[dup].iloc[0]
        raise PlanError(t(f"alloc.dup_{what}", lang, person=_shown(r["person"]), order=_shown(r["order"])))
    return out


def check_arguments(wb, time_limit=None, lang: str | None = None, **id_lists) -> None:
    """The arguments :func:`allocate` cannot check by using them: a sentence for each wrong one.

    ``time_limit`` a positive number of seconds; ``hosts``, ``orders`` and ``people`` lists
    of ids the workbook holds (a single id given as text, or an id it does not hold, would
    otherwise plan nothing and call every seat unfillable).

    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> check_arguments(wb, time_limit="5", lang="en")
    Traceback (most recent call last):
    ...
    planning.allocation.plan.PlanError: the time limit must be a positive number of seconds: 5
    >>> check_arguments(wb, people=["NOPE"], lang="en")
    Traceback (most recent call last):
    ...
    planning.allocation.plan.PlanError: people: no such id in the workbook: NOPE
    """
    from numbers import Real

    if not hasattr(wb, "tables") or not hasattr(wb, "orders"):
        raise PlanError(t("alloc.bad_workbook", lang, kind=type(wb).__name__))
    if time_limit is not None and (isinstance(time_limit, bool) or not isinstance(time_limit, Real)
                                   or not time_limit > 0):
        raise PlanError(t("alloc.bad_time_limit", lang, value=_shown(time_limit)))
    known = {"hosts": lambda: set(wb.units["id"]), "orders": lambda: set(wb.orders["id"]),
             "people": lambda: set(wb.people["id"])}
    for name, given in id_lists.items():
        if given is None:
            continue
        if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
            raise PlanError(t("alloc.bad_id_list", lang, name=name, value=_shown(given)))
        ids = list(given)
        unknown = [x for x in ids if not isinstance(x, str) or x not in known[name]()]
        if unknown:
            raise PlanError(t("alloc.unknown_ids", lang, name=name,
                              ids="、".join(_shown(x) for x in unknown[:5]) + ("…" if len(unknown) > 5 else "")))
