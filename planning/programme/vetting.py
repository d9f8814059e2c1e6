"""The vetting pipeline (选拔进度): each batch's nominees by vetting stage, with the day each reached it.

Design §11: 推荐 → 资格审查 → 考察 → 体检 → 决定 → 公示, then dispatch. A batch's nominees are the
people put forward for it (``people.batch``); each stands at the last stage they passed
(``vetting_stage``, on ``vetting_date``), or has passed none yet. People who withdrew or were not
selected are listed with their nomination status but not counted in the batch's stages.

Examples
--------
>>> import planning
>>> from planning.programme.vetting import stage_counts
>>> c = stage_counts(planning.load_workbook(planning.SAMPLE))
>>> list(c.columns)[:3], int(c["nominees"].sum()) > 0
(['batch', 'nominees', 'none'], True)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .criteria import STAGES

#: Stages in order, with ``none`` (no stage passed yet) first.
PIPELINE = ("none", *STAGES)
#: Nomination statuses whose people are still in the running (counted in the stages).
IN_RUNNING = ("nominated", "selected")


def nominees(wb, batch: str | None = None) -> pd.DataFrame:
    """Each batch's nominees: ``batch, dispatch, person, sending_unit, sector, nomination, stage, stage_date,
    in_running, days_left`` (``stage``: the last stage passed, ``none`` when none; ``days_left``: days from
    the stage's date to the batch's dispatch, NaN without a date).

    Sorted by batch's dispatch, then furthest stage first, then the stage's date and the person.
    ``batch`` keeps one batch only.
    """
    p = wb.people
    cols = ["batch", "dispatch", "person", "sending_unit", "sector", "nomination", "stage", "stage_date",
            "in_running", "days_left"]
    if "batch" not in p.columns:
        return pd.DataFrame(columns=cols)
    p = p[p["batch"].notna()]
    if batch is not None:
        p = p[p["batch"] == batch]
    if p.empty:
        return pd.DataFrame(columns=cols)
    stage = (p["vetting_stage"] if "vetting_stage" in p.columns else pd.Series(None, index=p.index, dtype=object))
    stage = stage.astype(object).where(stage.isin(STAGES), "none")
    when = pd.to_datetime(p["vetting_date"]) if "vetting_date" in p.columns else pd.Series(pd.NaT, index=p.index)
    b = getattr(wb, "batches", None)
    dispatch = dict(zip(b["id"], pd.to_datetime(b["dispatch"]))) if b is not None and len(b) else {}
    out = pd.DataFrame({
        "batch": p["batch"].to_numpy(),
        "dispatch": pd.to_datetime(p["batch"].astype(object).map(dispatch)).to_numpy(dtype="datetime64[ns]"),
        "person": p["id"].to_numpy(), "sending_unit": p["sending_unit"].to_numpy(),
        "sector": p["sector"].to_numpy(),
        "nomination": p["nomination"].to_numpy() if "nomination" in p.columns else None,
        "stage": stage.to_numpy(), "stage_date": when.where(stage.ne("none")).to_numpy(dtype="datetime64[ns]"),
    })
    out["in_running"] = out["nomination"].isin(IN_RUNNING) | out["nomination"].isna()
    out["days_left"] = (out["dispatch"] - out["stage_date"]).dt.days.astype("float64")
    rank = out["stage"].map({s: i for i, s in enumerate(PIPELINE)})
    out = out.assign(_r=-rank, _out=~out["in_running"])
    out = out.sort_values(["dispatch", "batch", "_out", "_r", "stage_date", "person"], kind="stable", na_position="last")
    return out[cols].reset_index(drop=True)


def stage_counts(wb, batch: str | None = None) -> pd.DataFrame:
    """Per batch: ``batch, nominees`` (still in the running) and one column per stage of :data:`PIPELINE`
    (how many stand at that stage now), then ``through`` (how many have passed the last stage, 公示),
    ``first`` and ``last`` (the earliest and latest stage dates). Batches in dispatch order."""
    n = nominees(wb, batch)
    n = n[n["in_running"]]
    cols = ["batch", "nominees", *PIPELINE, "through", "first", "last"]
    if n.empty:
        return pd.DataFrame(columns=cols)
    tab = pd.crosstab(n["batch"], n["stage"]).reindex(columns=list(PIPELINE), fill_value=0).rename_axis(columns=None)
    order = list(dict.fromkeys(n["batch"]))
    tab = tab.reindex(order).fillna(0).astype(np.int64)
    out = tab.reset_index()
    out.insert(1, "nominees", tab.sum(axis=1).to_numpy())
    out["through"] = tab[STAGES[-1]].to_numpy()
    g = n.groupby("batch")["stage_date"]
    out["first"] = out["batch"].map(g.min()).to_numpy(dtype="datetime64[ns]")
    out["last"] = out["batch"].map(g.max()).to_numpy(dtype="datetime64[ns]")
    return out[cols]
