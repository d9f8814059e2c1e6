"""Small pieces every page draws: HTML tables, KPI cards, heat cells, the planning window slider, download links."""
from __future__ import annotations

import html

import ipywidgets as W
import pandas as pd

from ..core.clock import today
from ..core.i18n import fmt_month
from ..core.periods import ends
from ..programme.coverage import BAND_COLOURS, band, filled_ratio

#: The colours of a shortage and a surplus in heat cells.
RED, GREEN = (178, 24, 43), (26, 150, 65)


def html_table(df, headers: dict[str, str] | None = None, max_rows: int = 200) -> str:
    """A DataFrame as a small escaped HTML table (numbers right-aligned)."""
    headers = headers or {}
    cols = list(df.columns)
    head = "".join(f"<th>{html.escape(str(headers.get(c, c)))}</th>" for c in cols)
    rows = []
    for rec in df.head(max_rows).itertuples(index=False):
        cells = []
        for v in rec:
            # a missing value (None, NaN, NaT, pd.NA) is an empty cell, never "nan" or "None" on a page
            missing = v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and bool(pd.isna(v)))
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            txt = "" if missing else f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)
            cells.append(f"<td class='{'num' if num else ''}'>{html.escape(txt)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def filled_share(demand: int, gap: int) -> tuple[float, str]:
    """Share of demanded seats that are filled, and its band colour (grey without demand)."""

    share = float(filled_ratio([demand - gap], [demand])[0])
    return share, BAND_COLOURS[band(pd.Series([share])).iloc[0]]


def kpi_cards(cards, small: bool = False) -> str:
    """Headline figure cards: ``(label, value, colour or None[, note])`` each; the colour marks the left edge,
    the note is a small line under the label."""
    size = " style='font-size:20px'" if small else ""
    out = []
    for card in cards:
        k, v, c = card[:3]
        note = card[3] if len(card) > 3 else ""
        out.append(f"<div class='kpi' style='border-left-color:{c or '#2f6db5'}'><div class='v'{size}>"
                   f"{html.escape(v)}</div><div class='k'>{html.escape(k)}</div>"
                   + (f"<div class='s'>{html.escape(note)}</div>" if note else "") + "</div>")
    return "<div style='display:flex;flex-wrap:wrap'>" + "".join(out) + "</div>"


def planning_window(wb, lang: str, description: str, months: int = 12) -> W.SelectionRangeSlider:
    """A month-range slider from this month to the last order's month, the first ``months`` chosen."""

    now = today().to_period("M").to_timestamp()
    last = ends(wb.orders["end"]).max() if len(wb.orders) else now
    span = pd.date_range(now, max(now, last.to_period("M").to_timestamp()), freq="MS")
    labels = [(fmt_month(m, lang), m) for m in span]
    return W.SelectionRangeSlider(options=labels, index=(0, min(len(labels) - 1, months - 1)),
                                  description=description, layout=W.Layout(width="560px"), continuous_update=False)


def heat_colour(share: float, colour=RED) -> str:
    """White blended toward ``colour`` by ``share`` (0–1), as ``rgb(…)``."""
    x = min(max(float(share), 0.0), 1.0)
    r, g, b = (round(247 * (1 - x) + c * x) for c in colour)
    return f"rgb({r},{g},{b})"


def heat_cell(share: float, text: str, colour=RED) -> str:
    """A heatmap cell: white blended toward ``colour`` by ``share`` (0–1); white text on dark cells."""
    fg = "#fff" if min(max(float(share), 0.0), 1.0) > 0.55 else "#222"
    return f"<td style='background:{heat_colour(share, colour)};color:{fg}'>{html.escape(text)}</td>"


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_link(data: bytes, name: str, label: str | None = None, mime: str = XLSX_MIME) -> str:
    """An ``<a download>`` link carrying ``data`` in a ``data:`` address (nothing leaves the server)."""
    import base64

    href = f"data:{mime};base64," + base64.b64encode(data).decode()
    return f"<a download='{html.escape(name)}' href='{href}'>{html.escape(label or name)}</a>"
