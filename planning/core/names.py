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


def batch_names(wb, lang: str | None = None) -> pd.Series:
    """Every dispatch batch in words, by batch id: in Chinese its given name (``2027年8月批``, or its dispatch
    month and 批 when it has none); in English its dispatch month (``Aug 2027 batch``), never a Chinese name.

    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> batch_names(wb, "zh")["B2027-08"], batch_names(wb, "en")["B2027-08"]
    ('2027年8月批', 'Aug 2027 batch')
    """
    from .i18n import default_lang, fmt_month, t

    lang = lang or default_lang()
    b = wb.batches
    made = [t("batch.dispatch_name", lang, month=fmt_month(d, lang)) for d in b["dispatch"]]
    if lang == "zh" and "name" in b.columns:
        given = b["name"].map(lambda v: v.strip() if isinstance(v, str) else "")
        made = [g or m for g, m in zip(given, made)]
    return pd.Series(made, index=b["id"].to_numpy(), dtype=object)
