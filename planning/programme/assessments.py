"""Assessments (考评, DESIGN §10): each person's total and grade per period.

An assessment belongs to a person and a period; its scores are on the programme's
assessment items (``assessment_items``). Its **total** is the sum of the item scores.
Its **grade** is the one given or, where the programme states thresholds
(``grade_thresholds``: the lowest total of each grade) and the person is scored on every
item, the one the total earns (:func:`planning.contract.results_rules.derive_grades`: the
best grade whose lowest total the total reaches, ``incompetent`` below them all). The
loader refuses a given grade that the thresholds contradict, so a given grade and a
derived one never disagree in a loaded workbook.

Examples
--------
>>> import planning
>>> g = grades(planning.load_workbook(planning.SAMPLE))
>>> bool(g["grade"].notna().all()) and set(g["grade"]) <= set(GRADES)
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract.results_rules import GRADES, derive_grades

COLUMNS = ["person", "period", "total", "items", "complete", "given", "derived", "grade"]


def grades(wb) -> pd.DataFrame:
    """Per person × period assessed: ``total`` (sum of the scores; NaN without any), ``items`` scored,
    ``complete`` (scored on every item of the programme), the ``given`` grade, the ``derived`` one (where
    thresholds are stated and the assessment is complete) and the ``grade`` that holds: derived where there
    is one, else given."""
    a = wb.assessments
    if a.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    g = a.groupby(["person", "period"], sort=True)
    scored = a[a["item"].notna() & a["score"].notna()]
    per = pd.DataFrame({"total": g["score"].sum(min_count=1).astype(float),
                        "given": g["grade"].first()})
    per["items"] = scored.groupby(["person", "period"])["item"].nunique().reindex(per.index).fillna(0) \
        .astype(np.int64)
    n_items = wb.assessment_items["id"].nunique()
    per["complete"] = (n_items > 0) & per["items"].eq(n_items)
    per = per.reset_index()
    derived = derive_grades(per["total"], wb.grade_thresholds)
    per["derived"] = derived.where(per["complete"].to_numpy(), None).to_numpy()
    per["grade"] = per["derived"].where(per["derived"].notna(), per["given"])
    return per[COLUMNS]
