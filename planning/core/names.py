"""Display names of the workbook's regions, units, people and local staff, by id.

Examples
--------
>>> import planning
>>> from planning.core.names import names
>>> names(planning.load_workbook(planning.SAMPLE))["H-SCH01"]
'疏勒县第一中学'
"""
from __future__ import annotations

import pandas as pd

from .facts import derived


@derived("regions", "units", "people", "local_staff")
def names(wb) -> pd.Series:
    """Display names of every region, unit and person, by id."""
    parts = [wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"],
             wb.people.set_index("id")["name"], wb.local_staff.set_index("id")["name"]]
    s = pd.concat(parts)
    return s[~s.index.duplicated()]
