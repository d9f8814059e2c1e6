"""The pairing figure: sending cities → host counties as flows weighted by people, coloured by shortage.

Drawn as one inline SVG (no map tiles, nothing fetched): sending cities on the
left, host counties on the right, each a bar whose height is its people on post
(counties: their seats demanded); a band joins a city to a county with a width
proportional to the people that city has on post there. A county's bar is
coloured by its coverage band on the as-of day, its label says the gap. Every
bar is at least one label high and labels are placed on a fixed pitch, so they
never overlap however many nodes there are. All text is escaped.
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ..core.hierarchy import host_tree, source_city
from ..core.periods import ends
from ..programme.coverage import BAND_COLOURS, band, coverage_at, filled_ratio

LABEL_PITCH = 18   # px per label row: the least height a node takes
NODE_GAP = 4       # px between nodes


def flow_table(wb, on) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(flows, counties)`` on the day ``on``.

    ``flows``: ``source_city, county, people`` (assignments covering the day;
    people sent by province-level units count under their unit's region). ``county``
    is the unit's county in the region tree (:func:`planning.core.hierarchy.host_tree`),
    or its area for a unit directly under a prefecture or division.
    ``counties``: ``county, demand, filled, gap, ratio, band`` (sums of the unit
    × sector rows, as in :mod:`planning.programme.standing`).
    """
    day = pd.Timestamp(on)
    a = wb.assignments
    a = a[(a["start"] <= day) & (ends(a["end"]) >= day)]  # a missing end is an open one
    o = wb.orders.set_index("id")
    city = source_city(wb)
    unit_of_person = wb.people.set_index("id")["sending_unit"]
    units_region = wb.units.set_index("id")["region"]
    # province-level senders: their own region's top (the province) stands in for a city
    top = a["person"].map(unit_of_person).map(units_region)
    src = a["person"].map(city).fillna(top)
    tree = host_tree(wb).set_index("unit")
    place = tree["county"].fillna(tree["area"])  # the county, else the area of a unit directly under it
    county = a["order"].map(o["host_unit"]).map(place)
    flows = (pd.DataFrame({"source_city": src.to_numpy(), "county": county.to_numpy()}).dropna()
             .groupby(["source_city", "county"]).size().rename("people").reset_index())
    cov = coverage_at(wb, [day])
    cov = cov.assign(county=cov["host_unit"].map(place).fillna(cov["host_unit"]).to_numpy(),
                     filled=(cov["supply"] - cov["surplus"]).to_numpy())
    c = cov.groupby("county")[["demand", "filled", "gap"]].sum().reset_index()
    c["ratio"] = filled_ratio(c["filled"], c["demand"])
    c["band"] = band(c["ratio"]).to_numpy()
    return flows, c


def _stack(weights: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Tops and heights of bars stacked down a column: proportional, at least one label pitch each."""
    n = len(weights)
    if n == 0:
        return np.zeros(0), np.zeros(0), 1.0
    w = np.maximum(weights.astype(float), 0)
    free = max(height - n * (LABEL_PITCH + NODE_GAP), 0.0)
    scale = free / w.sum() if w.sum() > 0 else 0.0
    h = LABEL_PITCH + w * scale
    tops = np.concatenate([[0.0], np.cumsum(h + NODE_GAP)[:-1]])
    return tops, h, scale


def flow_svg(flows: pd.DataFrame, counties: pd.DataFrame, names: dict, *, width: int = 1100,
             labels: dict | None = None, max_nodes: int = 30) -> str:
    """The figure as an ``<svg>`` string (see the module docstring).

    ``names`` names ids; ``labels`` holds ``left``, ``right``, ``gap`` (with
    ``{n}``), ``others`` and ``people`` texts in the page's language. Beyond
    ``max_nodes`` a column's smallest nodes are summed into one "others" node.
    """
    labels = labels or {"left": "Sending cities", "right": "Host counties", "gap": "short {n}",
                        "others": "others", "people": "{n} people"}
    f = flows.copy()
    others = "\0others"

    def cap(col, weight):
        order = weight.sort_values(ascending=False)
        keep = set(order.index[: max_nodes - 1]) if len(order) > max_nodes else set(order.index)
        f[col] = f[col].where(f[col].isin(keep), others)
        return keep

    left_w = f.groupby("source_city")["people"].sum()
    cap("source_city", left_w)
    cty = counties.set_index("county")
    right_w = cty["demand"].add(f.groupby("county")["people"].sum(), fill_value=0)
    keep_r = cap("county", right_w)
    f = f.groupby(["source_city", "county"], sort=False)["people"].sum().reset_index()

    left = f.groupby("source_city")["people"].sum().sort_values(ascending=False)
    if others in left.index:
        left = pd.concat([left.drop(others), left[[others]]])
    r_ids = [c for c in right_w.sort_values(ascending=False).index if c in keep_r]
    if len(right_w) > len(r_ids):
        r_ids.append(others)
    rest = cty.drop(index=[c for c in r_ids if c in cty.index], errors="ignore")
    right_demand = pd.Series({c: (cty["demand"].get(c, 0) if c != others else rest["demand"].sum()) for c in r_ids},
                             dtype=float)
    right_people = f.groupby("county")["people"].sum().reindex(r_ids).fillna(0)
    right_weight = np.maximum(right_demand.to_numpy(), right_people.to_numpy())

    n_rows = max(len(left), len(r_ids), 1)
    height = max(320, n_rows * (LABEL_PITCH + NODE_GAP) + 160)
    top_pad, bar_w = 34, 14
    lx, rx = int(width * 0.26), int(width * 0.60)
    l_top, l_h, l_scale = _stack(left.to_numpy(), height - top_pad - 10)
    r_top, r_h, r_scale = _stack(right_weight, height - top_pad - 10)
    scale = min(l_scale, r_scale) if l_scale and r_scale else max(l_scale, r_scale)

    def name(x):
        return labels["others"] if x == others else str(names.get(x, x))

    out = [f"<svg class='pairing-flows' xmlns='http://www.w3.org/2000/svg' width='100%' "
           f"viewBox='0 0 {width} {height}' style='max-width:{width}px;font-size:13px'>",
           f"<text x='{lx + bar_w}' y='18' text-anchor='end' font-weight='600' fill='#1f3a5f'>"
           f"{html.escape(labels['left'])}</text>",
           f"<text x='{rx}' y='18' font-weight='600' fill='#1f3a5f'>{html.escape(labels['right'])}</text>"]
    l_pos = {c: i for i, c in enumerate(left.index)}
    r_pos = {c: i for i, c in enumerate(r_ids)}
    l_used = np.zeros(len(left))
    r_used = np.zeros(len(r_ids))
    for rec in f.sort_values(["people"], ascending=False).itertuples(index=False):
        i, j = l_pos.get(rec.source_city), r_pos.get(rec.county)
        if i is None or j is None:
            continue
        w = max(rec.people * scale, 1.5)
        y1 = top_pad + l_top[i] + l_used[i] + w / 2
        y2 = top_pad + r_top[j] + r_used[j] + w / 2
        l_used[i] += w
        r_used[j] += w
        x1, x2 = lx + bar_w, rx
        mid = (x1 + x2) / 2
        out.append(f"<path d='M{x1},{y1:.1f} C{mid},{y1:.1f} {mid},{y2:.1f} {x2},{y2:.1f}' fill='none' "
                   f"stroke='#7a9cc6' stroke-opacity='0.45' stroke-width='{w:.1f}'>"
                   f"<title>{html.escape(name(rec.source_city))} → {html.escape(name(rec.county))}: "
                   f"{html.escape(labels['people'].format(n=int(rec.people)))}</title></path>")
    for c, i in l_pos.items():
        y = top_pad + l_top[i]
        out.append(f"<rect x='{lx}' y='{y:.1f}' width='{bar_w}' height='{l_h[i]:.1f}' fill='#2f6db5'/>"
                   f"<text x='{lx - 6}' y='{y + 13:.1f}' text-anchor='end'>{html.escape(name(c))} "
                   f"<tspan fill='#555'>{int(left[c])}</tspan></text>")
    for c, j in r_pos.items():
        y = top_pad + r_top[j]
        b = cty["band"].get(c, "none") if c != others else "none"
        gap = int(cty["gap"].get(c, 0)) if c != others else int(rest["gap"].sum())
        note = f" <tspan fill='{BAND_COLOURS['red']}'>{html.escape(labels['gap'].format(n=gap))}</tspan>" if gap else ""
        out.append(f"<rect x='{rx}' y='{y:.1f}' width='{bar_w}' height='{r_h[j]:.1f}' fill='{BAND_COLOURS[b]}'/>"
                   f"<text x='{rx + bar_w + 6}' y='{y + 13:.1f}'>{html.escape(name(c))}{note}</text>")
    out.append("</svg>")
    return "".join(out)
