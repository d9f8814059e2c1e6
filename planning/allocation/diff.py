"""Comparing two plans person by person."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .plan import Plan


def assignments_of(x) -> pd.DataFrame:
    return x.assignments if isinstance(x, Plan) else x


def plan_diff(a, b) -> pd.DataFrame:
    """What changes from plan ``a`` to plan ``b`` (Plans or assignment tables).

    One row per change: ``person``, ``change`` (``moved``, ``added``,
    ``removed``), ``order_a``, ``order_b``, ``slot_a``, ``slot_b``,
    ``host_unit_a``, ``host_unit_b``. A person placed differently in both
    plans is ``moved`` (their placements are paired up in date order).

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"person": ["P1", "P2"], "order": ["O1", "O2"], "slot": [0, 0], "start": ["2027-01-01"] * 2})
    >>> b = pd.DataFrame({"person": ["P1", "P3"], "order": ["O2", "O2"], "slot": [0, 0], "start": ["2027-01-01"] * 2})
    >>> plan_diff(a, b)[["person", "change", "order_a", "order_b"]].values.tolist()
    [['P1', 'moved', 'O1', 'O2'], ['P2', 'removed', 'O2', nan], ['P3', 'added', nan, 'O2']]
    """
    cols = ["person", "order", "slot", "start", "host_unit"]
    A = assignments_of(a).reindex(columns=cols).copy()
    B = assignments_of(b).reindex(columns=cols).copy()
    m = A.merge(B, on=["person", "order", "slot"], how="outer", indicator=True, suffixes=("_a", "_b"))
    only_a = m[m["_merge"] == "left_only"].sort_values(["person", "start_a"])
    only_b = m[m["_merge"] == "right_only"].sort_values(["person", "start_b"])
    only_a = only_a.assign(n=only_a.groupby("person").cumcount())
    only_b = only_b.assign(n=only_b.groupby("person").cumcount())
    x = only_a[["person", "n", "order", "slot", "host_unit_a"]].merge(
        only_b[["person", "n", "order", "slot", "host_unit_b"]], on=["person", "n"], how="outer",
        suffixes=("_a", "_b"))
    x["change"] = np.select([x["order_a"].notna() & x["order_b"].notna(), x["order_b"].notna()],
                            ["moved", "added"], "removed")
    out = x[["person", "change", "order_a", "order_b", "slot_a", "slot_b", "host_unit_a", "host_unit_b"]]
    return out.sort_values(["person", "change"]).reset_index(drop=True)
