"""Checking the arguments of :func:`allocate`: the window, pins and forbids."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.clock import today
from ..i18n import t
from .plan import PlanError


def parse_window(window, lang: str | None = None) -> tuple[pd.Timestamp, pd.Timestamp | None]:
    now = today()
    if window is None:
        return now, None
    try:
        w0, w1 = window
        w0 = pd.Timestamp(w0) if w0 is not None and str(w0) != "" else now
        w1 = pd.Timestamp(w1) if w1 is not None and str(w1) != "" else None
    except (TypeError, ValueError) as e:
        raise PlanError(t("alloc.bad_window", lang, window=window)) from e
    if w1 is not None and w1 < w0:
        raise PlanError(t("alloc.bad_window", lang, window=window))
    return w0, w1


def pairs_frame(items, n: int, what: str, lang: str | None = None) -> pd.DataFrame:
    rows = []
    for it in items:
        it = tuple(it)
        if len(it) not in (2, n):
            raise PlanError(t("alloc.bad_" + what, lang, item=it))
        rows.append((str(it[0]), str(it[1]), int(it[2]) if len(it) == 3 and it[2] is not None else -1))
    return pd.DataFrame(rows, columns=["person", "order", "slot"]).astype({"slot": np.int64})
