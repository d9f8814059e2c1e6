"""Charts of counts, drawn one way on every page.

Three faults a count chart must not show: one bar dwarfing the rest (or a single bar) drawn as a
chart, where a table of the numbers says more (:func:`count_bars` gives the table then); a count
axis ticking 0.1 … 0.9 (:func:`count_axis` ticks whole numbers only); a legend for a single
series, an empty box beside the chart (:func:`count_bars` shows a legend only for two series or more).

Examples
--------
>>> integer_ticks(1)
[0, 1]
>>> integer_ticks(23)
[0, 5, 10, 15, 20, 25]
>>> one_dominates([25, 9, 9]), one_dominates([60, 9]), one_dominates([7])
(False, True, True)
"""
from __future__ import annotations

import html

import bqplot as bq
import ipywidgets as W
import numpy as np
import pandas as pd

from .widgets import html_table

#: A bar this many times the next largest dwarfs the rest: the numbers are shown as a table instead.
DWARF = 5
#: At most this many ticks on a count axis.
MOST_TICKS = 6


def integer_ticks(top, most: int = MOST_TICKS) -> list[int]:
    """Whole-number ticks from 0 to at least ``top``, at most ``most`` + 1 of them, a step of 1, 2 or 5 × 10ⁿ."""
    top = max(int(np.ceil(float(top))) if pd.notna(top) else 0, 1)
    step = next(m * 10 ** e for e in range(16) for m in (1, 2, 5) if -(-top // (m * 10 ** e)) <= most)
    last = -(-top // step) * step
    return list(range(0, last + 1, step))


def count_axis(scale: bq.LinearScale, values, label: str) -> bq.Axis:
    """A vertical axis for counts: whole-number ticks up to the largest value (never 0.1 … 0.9)."""
    ticks = integer_ticks(np.nanmax(np.asarray(values, dtype=float)) if np.size(values) else 1)
    scale.min, scale.max = 0.0, float(ticks[-1])
    return bq.Axis(scale=scale, orientation="vertical", label=label, grid_lines="dashed", tick_values=ticks,
                   tick_format="d")


def set_count_ticks(axis: bq.Axis, values) -> None:
    """Tick ``axis`` (made by :func:`count_axis`) again in whole numbers for new ``values``."""
    ticks = integer_ticks(np.nanmax(np.asarray(values, dtype=float)) if np.size(values) else 1)
    axis.scale.min, axis.scale.max = 0.0, float(ticks[-1])
    axis.tick_values = ticks


def one_dominates(totals) -> bool:
    """Is a bar chart of ``totals`` one bar, or one bar dwarfing the rest (more than :data:`DWARF` times the next)?"""
    s = sorted((float(x) for x in totals), reverse=True)
    return len(s) < 2 or s[1] <= 0 or s[0] > DWARF * s[1]


def count_bars(table: pd.DataFrame, *, title: str, value_label: str, category_label: str, total_label: str,
               colors: list[str], series_labels: list[str] | None = None,
               layout: W.Layout | None = None, fig_margin: dict | None = None) -> W.Widget:
    """Counts by category (``table``: rows categories, columns series) as bars, stacked when there are several
    series, with whole-number ticks and a legend only for two series or more; or, when one bar would dwarf the
    rest or stand alone, a table of the numbers under ``title`` (the chart's ``.count-table`` stand-in)."""
    table = table.astype(float)
    totals = table.sum(axis=1)
    several = table.shape[1] > 1
    if one_dominates(totals):
        view = table.astype(int)
        view.columns = series_labels or list(view.columns)
        if several:
            view[total_label] = totals.astype(int)
        elif not series_labels:
            view.columns = [value_label]
        view = view.reset_index()
        view.columns = [category_label, *view.columns[1:]]
        view = view.astype({c: object for c in view.columns[1:]})
        for c in view.columns[1:]:
            view[c] = [int(v) for v in view[c]]
        out = W.HTML(f"<div style='margin:0 32px 12px 0'><h4>{html.escape(title)}</h4>{html_table(view)}</div>")
        out.add_class("count-table")
        return out
    xs, ys = bq.OrdinalScale(), bq.LinearScale(min=0)
    y = table.to_numpy().T if several else table.iloc[:, 0].to_numpy()
    bars = bq.Bars(x=[str(i) for i in table.index], y=y, type="stacked", scales={"x": xs, "y": ys},
                   colors=colors[: max(1, table.shape[1])], labels=series_labels or [], display_legend=several)
    ax = bq.Axis(scale=xs, tick_rotate=-40, tick_style={"font-size": "12px"})
    ay = count_axis(ys, totals.to_numpy(), value_label)
    return bq.Figure(marks=[bars], axes=[ax, ay], title=title, legend_location="top-right",
                     layout=layout or W.Layout(width="560px", height="420px"),
                     fig_margin=fig_margin or {"top": 50, "bottom": 80, "left": 50, "right": 20})
