"""The day figures are taken on.

Examples
--------
>>> import os
>>> from planning.core.clock import today
>>> os.environ["PLANNING_TODAY"] = "2026-11-22"
>>> str(today().date())
'2026-11-22'
"""
from __future__ import annotations

import os

import pandas as pd


def today() -> pd.Timestamp:
    """The day figures are taken on (``PLANNING_TODAY`` overrides the clock)."""
    d = os.environ.get("PLANNING_TODAY")
    return pd.Timestamp(d) if d else pd.Timestamp.today().normalize()
