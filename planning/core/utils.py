"""Small array helpers shared by the library's modules.

Examples
--------
>>> import numpy as np
>>> from planning.core.utils import ranges
>>> ranges(np.array([10, 0]), np.array([2, 3])).tolist()
[10, 11, 0, 1, 2]
"""
from __future__ import annotations

import numpy as np


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for each start ``s`` and count ``c`` (no Python loop)."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + (np.arange(total) - offsets)
