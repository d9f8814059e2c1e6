"""网络关系: the counterpart network — who sends to whom, where it hangs on one sender or one person.

The page for planners and leaders (host units see their own neighbourhood only: the base
app cuts the workbook to their units, :func:`planning.programme.access.scope_workbook`).
Sending cities and units on the left, host counties and units on the right, a link for
each pairing that carries people on post or seats to staff
(:func:`planning.programme.network.pairing_view`), drawn with bqplot's ``Graph`` mark (an
interactive widget: hover for the figures, click a node to centre on it; it ships with
the project and renders offline inside Voila). The whole programme is shown aggregated to
cities → counties, the largest :data:`MAX_NODES` of each side; searching for a city,
county or unit (or clicking one) centres the drawing on its neighbourhood at unit level.

Host units (and their links) are marked red where a single point of failure lies (a host
unit × sector with one candidate, or candidates from one city only,
:func:`planning.allocation.resilience.single_points`) or a group of seats has fewer
candidates than places (:mod:`planning.allocation.bottleneck`); the sentences and the
senders most host units depend on alone are listed below the drawing. Those come from the
candidate graph of the data shown (:func:`planning.allocation.resilience.candidates_only`),
over the seats of the coming :data:`HORIZON_MONTHS` months, which needs every person: a host
unit's page, made of its own units and people only, leaves them out.
"""
from __future__ import annotations

import html

import bqplot as bq
import ipywidgets as W
import numpy as np
import pandas as pd

from ..allocation.bottleneck import bottleneck_sentences, bottlenecks
from ..allocation.resilience import candidates_only, dependence, single_points
from ..core.hierarchy import host_area
from ..core.i18n import fmt_int, sector_label
from ..core.names import names
from ..programme.access import OfficeRole
from ..programme.network import pairing_view
from .base import App, html_table, kpi_cards

#: The most nodes a side of the drawing shows (the largest by people and seats); search for the rest.
MAX_NODES = 40
#: The seats the single points and the groups with too few candidates are found among: those of the coming year.
HORIZON_MONTHS = 12
SENDER, HOST, WEAK, CENTRE = "#2f6db5", "#3a9e5c", "#c94c4c", "#e0a030"
#: node fills: light tints of the legend's colours, so the names written on them stay legible
FILL = {SENDER: "#d3e2f4", HOST: "#d6efdd", WEAK: "#f6c9c9", CENTRE: "#f8e0a8"}


class NetworkApp(App):
    """The counterpart network, searchable and centred on a chosen sender or host."""

    title_key = "app.network.title"
    page = "network"

    def prepare(self, wb):
        self.nm = names(wb)
        self.by_county = pairing_view(wb, "county")
        self.by_unit = pairing_view(wb, "unit")
        self.area = host_area(wb, self.by_unit["host"]).to_numpy()
        self.by_unit["county"] = np.where(pd.isna(self.area), self.by_unit["host"], self.area)
        hosts_only = self.viewer is not None and self.viewer.role == OfficeRole.HOST_UNIT
        self.weak = None
        if not hosts_only:
            cp = candidates_only(wb, (self.as_of, self.as_of + pd.DateOffset(months=HORIZON_MONTHS)))
            self.cp = cp
            self.spof = single_points(cp)
            self.groups = bottlenecks(cp)
            self.dep = dependence(cp)
            weak = set(self.spof["host_unit"])
            for us in self.groups.attrs.get("units", []):
                weak.update(us)
            self.weak = weak

    # --- the drawing -------------------------------------------------------------------------
    def name(self, x) -> str:
        return str(self.nm.get(x, x))

    def links(self, centre: str | None) -> pd.DataFrame:
        """``source, target, people, seats`` of the view: the whole (cities → counties) or a neighbourhood."""
        if centre is None:
            v = self.by_county.rename(columns={"source_city": "source", "host": "target"})
            weight = v["people"] + v["seats"]
            left = v.assign(w=weight).groupby("source")["w"].sum().nlargest(MAX_NODES).index
            right = v.assign(w=weight).groupby("target")["w"].sum().nlargest(MAX_NODES).index
            v = v[v["source"].isin(left) & v["target"].isin(right)]
        else:
            u = self.by_unit.rename(columns={"source_city": "source", "host": "target"})
            v = u[u["source"].eq(centre) | u["target"].eq(centre) | u["county"].eq(centre)]
            if v.empty:
                return v[["source", "target", "people", "seats"]]
            if v["source"].eq(centre).any():  # a sender: its host units, grouped by county when many
                if v["target"].nunique() > MAX_NODES:
                    v = v.assign(target=v["county"]).groupby(["source", "target"], as_index=False)[
                        ["people", "seats"]].sum()
        return v[["source", "target", "people", "seats"]].reset_index(drop=True)

    def draw(self, centre: str | None = None):
        v = self.links(centre)
        self.centre = centre
        left = list(pd.unique(v["source"]))
        right = list(pd.unique(v["target"]))
        n = max(len(left), len(right), 1)
        weak = self.weak or set()
        county_weak = {c for c, u in zip(self.by_unit["county"], self.by_unit["host"]) if u in weak}
        nodes, xs, ys, colours = [], [], [], []
        for side, ids in ((0, left), (1, right)):
            for i, x in enumerate(ids):
                bad = side == 1 and (x in weak or x in county_weak)
                people = int(v.loc[v["source" if side == 0 else "target"].eq(x), "people"].sum())
                seats = int(v.loc[v["source" if side == 0 else "target"].eq(x), "seats"].sum())
                label = self.name(x)[:14]
                nodes.append({"label": label, "id": str(x), "name": self.name(x), "people": people, "seats": seats,
                              "shape": "rect", "shape_attrs": {"width": 13 * len(label) + 14, "height": 20,
                                                               "rx": 4, "ry": 4}})
                xs.append(0.0 if side == 0 else 1.0)
                ys.append(1 - (i + 0.5) / max(len(ids), 1) if len(ids) else 0.5)
                colours.append(FILL[CENTRE if x == centre else (WEAK if bad else (SENDER if side == 0 else HOST))])
        idx = {(0, x): i for i, x in enumerate(left)}
        idx.update({(1, x): len(left) + i for i, x in enumerate(right)})
        top = max(float((v["people"] + v["seats"]).max()) if len(v) else 1.0, 1.0)
        link_data = [{"source": idx[(0, r.source)], "target": idx[(1, r.target)],
                      "value": float(r.people + r.seats) / top} for r in v.itertuples(index=False)]
        shade = np.zeros((len(nodes), len(nodes)))
        for ln in link_data:
            shade[ln["source"], ln["target"]] = ln["value"]
        self.graph.node_data = nodes
        self.graph.link_data = link_data
        self.graph.link_color = shade
        self.graph.x = np.asarray(xs, dtype=float)
        self.graph.y = np.asarray(ys, dtype=float)
        self.graph.colors = colours
        self.figure.layout.height = f"{max(360, 24 * n + 80)}px"
        what = self.t("net.whole", n=fmt_int(len(v))) if centre is None else self.t(
            "net.centred", name=self.name(centre), n=fmt_int(len(v)))
        self.caption.value = f"<div class='app-sub net-caption'>{html.escape(what)}</div>"

    def on_click(self, _, target):
        i = target.get("data", {}).get("id") if isinstance(target, dict) else None
        if i:
            self.draw(None if i == self.centre else i)

    def on_search(self, change):
        text = (change.get("new") or "").strip()
        if text in self.search_ids:
            self.draw(self.search_ids[text])
        elif text == "":
            self.draw(None)

    # --- the page ----------------------------------------------------------------------------
    def build_body(self, wb):
        bc, bu = self.by_county, self.by_unit
        cards = [(self.t("net.kpi.senders"), fmt_int(bc["source_city"].nunique()), None),
                 (self.t("net.kpi.hosts"), fmt_int(bu["host"].nunique()), None),
                 (self.t("net.kpi.people"), fmt_int(bc["people"].sum()), None),
                 (self.t("net.kpi.seats"), fmt_int(bc["seats"].sum()), None)]
        if self.weak is not None:
            cards += [(self.t("net.kpi.single"), fmt_int(len(self.spof)), WEAK if len(self.spof) else None),
                      (self.t("net.kpi.groups"), fmt_int(len(self.groups)), WEAK if len(self.groups) else None)]
        head = W.HTML(kpi_cards(cards, small=True))
        head.add_class("net-cards")
        ids = pd.unique(pd.concat([bu["source_city"], bu["host"], bu["county"]]).dropna())
        self.search_ids = {}
        for x in ids:  # names may repeat across levels: keep them apart by id
            label = self.name(x)
            self.search_ids[label if label not in self.search_ids else f"{label} ({x})"] = x
        self.search = W.Combobox(options=sorted(self.search_ids), placeholder=self.t("net.search"),
                                 ensure_option=False, layout=W.Layout(width="360px"))
        self.search.add_class("net-search")
        self.search.observe(self.on_search, "value")
        self.whole = W.Button(description=self.t("net.whole_button"), layout=W.Layout(width="140px"))
        self.whole.add_class("net-whole")
        self.whole.on_click(lambda _: (setattr(self.search, "value", ""), self.draw(None)))
        xs, ys = bq.LinearScale(min=-0.3, max=1.3), bq.LinearScale(min=-0.02, max=1.02)
        tip = bq.Tooltip(fields=["name", "people", "seats"],
                         labels=[self.t("net.tip.name"), self.t("net.tip.people"), self.t("net.tip.seats")])
        # links shaded by the people and seats they carry (a share of the view's largest)
        shade = bq.ColorScale(colors=["#c9d6e6", "#1f3a5f"], min=0, max=1)
        self.graph = bq.Graph(node_data=[], link_data=[], link_type="line", directed=False, charge=0,
                              scales={"x": xs, "y": ys, "link_color": shade}, colors=[], tooltip=tip,
                              highlight_links=True, link_distance=1)
        self.graph.on_element_click(self.on_click)
        self.figure = bq.Figure(marks=[self.graph], fig_margin=dict(top=10, bottom=10, left=10, right=10),
                                layout=W.Layout(width="100%", height="420px"))
        self.figure.add_class("net-figure")
        self.caption = W.HTML()
        legend = W.HTML("<div class='app-sub net-legend'>" + " · ".join(
            f"<span style='color:{c};font-weight:600'>●</span> {html.escape(self.t(k))}"
            for c, k in ((SENDER, "net.legend.sender"), (HOST, "net.legend.host"), (WEAK, "net.legend.weak"),
                         (CENTRE, "net.legend.centre"))) + "</div>")
        self.draw(None)
        parts = [head, W.HBox([self.search, self.whole]), self.caption, legend, self.figure]
        parts.extend(self.weak_parts())
        return parts

    def weak_parts(self) -> list:
        if self.weak is None:
            return [W.HTML(f"<div class='app-sub'>{html.escape(self.t('net.hosts_only'))}</div>")]
        sp = self.spof.head(200)
        rows = pd.DataFrame({
            self.t("net.col.host_unit"): [self.name(u) for u in sp["host_unit"]],
            self.t("net.col.sector"): [sector_label(s, self.lang) for s in sp["sector"]],
            self.t("net.col.seats"): sp["seats"].to_numpy(),
            self.t("net.col.people"): sp["people"].to_numpy(),
            self.t("net.col.only"): [self.t("net.only.person", name=self.name(p)) if k == "person" else
                                     self.t("net.only.sender", name=self.name(s))
                                     for k, p, s in zip(sp["kind"], sp["person"], sp["sender"])]})
        said = bottleneck_sentences(self.cp, self.groups, self.lang)
        items = "".join(f"<li>{html.escape(s)}</li>" for s in said[:100])
        dep = self.dep.head(10)
        dep_rows = pd.DataFrame({self.t("net.col.sender"): [self.name(s) for s in dep["sender"]],
                                 self.t("net.col.alone"): dep["host_units"].to_numpy()})
        h = lambda k: W.HTML(f"<h3>{html.escape(self.t(k))}</h3>")  # noqa: E731
        single = W.HTML(html_table(rows) if len(rows) else f"<div class='app-sub'>{self.t('net.none')}</div>")
        single.add_class("net-single")
        groups = W.HTML(f"<ul class='net-groups'>{items}</ul>" if items else
                        f"<div class='app-sub'>{html.escape(self.t('bottleneck.none'))}</div>")
        alone = W.HTML(html_table(dep_rows) if len(dep_rows) else f"<div class='app-sub'>{self.t('net.none')}</div>")
        alone.add_class("net-alone")
        return [h("net.h.single"), single, h("net.h.groups"), groups, h("net.h.alone"), alone]
