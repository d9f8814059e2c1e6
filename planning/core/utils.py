"""Small array helpers shared by the library's modules.

Examples
--------
>>> import numpy as np
>>> from planning.core.utils import ranges
>>> ranges(np.array([10, 0]), np.array([2, 3])).tolist()
[10, 11, 0, 1, 2]
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: The sample programme shipped with the tool (a folder of CSV files).
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for each start ``s`` and count ``c`` (no Python loop)."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + (np.arange(total) - offsets)


def sorted_keys(a: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted, followed by a sentinel above them all."""
    a = np.sort(a)
    return np.append(a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a, np.iinfo(np.int64).max)


def days_of(s) -> np.ndarray:
    """Dates as whole days since the epoch (int64), for interval arithmetic in arrays."""
    return pd.DatetimeIndex(s).to_numpy().astype("datetime64[D]").astype(np.int64)
