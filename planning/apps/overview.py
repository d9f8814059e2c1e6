"""The overview page: who is sent from where, which host units, and the pairing network."""
from __future__ import annotations

import html
from pathlib import Path

import bqplot as bq
import ipywidgets as W
import pandas as pd

from ..core.clock import today
from ..core.hierarchy import host_area, source_city
from ..core.live import live_assignments
from ..coverage import BAND_COLOURS, cliffs, coverage, largest_gaps
from ..i18n import TEXT, fmt_int, sector_label
from ..network import pairing_view, unpaired_host_units
from ..reports import labelled
from ..schema import value_label
from ..summary import figures
from .base import App, filled_share, html_table, kpi_cards

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LINKS = (("coverage.ipynb", "ov.link.coverage"), ("allocation.ipynb", "ov.link.allocation"),
         ("rotation.ipynb", "ov.link.rotation"), ("scenarios.ipynb", "ov.link.scenarios"))

NO_CITY = "\0no-city"  # stands for the "no source city" label until the language is known

PALETTE = ["#2f6db5", "#e07b39", "#3a9e5c", "#c94c4c", "#8a63b8", "#8c6d46", "#d16aa8", "#7f7f7f",
           "#b5b52f", "#2fb5b0"]


def people_by_city_sector(wb, no_city: str = "省直") -> pd.DataFrame:
    """People counted by source city (rows, largest first) × sector (columns).

    People sent by province-level units (no city above them) count under ``no_city``.
    """
    city = source_city(wb)
    names = wb.regions.set_index("id")["name"]
    df = pd.DataFrame({"city": wb.people["id"].map(city).map(names).fillna(no_city).to_numpy(),
                       "sector": wb.people["sector"].to_numpy()})
    tab = df.groupby(["city", "sector"]).size().unstack(fill_value=0)
    return tab.loc[tab.sum(axis=1).sort_values(ascending=False).index]


def host_units_by_area(wb) -> pd.Series:
    """Host units counted by their county-like region (largest first)."""
    hosts = wb.units[wb.units["side"].eq("host")]
    area = host_area(wb, hosts["id"]).map(wb.regions.set_index("id")["name"]).fillna("—")
    return area.value_counts()


class OverviewApp(App):
    """Stakeholder overview: headline figures, people by city, host units, pairing network.

    The figures are computed once per workbook (:meth:`prepare`, before the viewer
    arrives in a preheated kernel); a language switch only relabels them. The
    charts on the second and third tabs are drawn when their tab is first opened,
    so the first view carries no chart.
    """

    title_key = "app.overview.title"

    def prepare(self, wb):
        month = today().to_period("M").to_timestamp()
        cov = coverage(wb, month, month)
        gaps = largest_gaps(wb, cov["month"].min() if len(cov) else None, by="unit", n=8, cov=cov)
        gaps = gaps[["host_unit", "sector", "demand", "supply", "gap", "band", "sender"]] if len(gaps) else gaps
        cl = cliffs(wb, by=())
        self.data = {
            "figures": figures(wb), "unpaired": len(unpaired_host_units(wb)),
            "demand": int(cov["demand"].sum()), "gap": int(cov["gap"].sum()),
            "gaps": gaps, "cliffs": cl[cl["leaving"] > 0].head(6)[
                ["month", "leaving", "supply_before", "supply", "demand", "gap"]],
            "on_post": self._on_post(wb), "pairings": pairing_view(wb),
            "people": people_by_city_sector(wb, NO_CITY), "hosts": host_units_by_area(wb),
        }

    def build_body(self, wb):
        data = self.data
        f, d, g = data["figures"], data["demand"], data["gap"]
        ratio, colour = filled_share(d, g)
        kpis = [("kpi.people", fmt_int(f["people"]), None), ("kpi.sending_cities", fmt_int(f["sending_cities"]), None),
                ("kpi.host_units", fmt_int(f["host_units"]), None), ("kpi.teams", fmt_int(len(wb.teams)), None),
                ("kpi.on_post", fmt_int(f["on_post"]), None),
                ("kpi.filled", f"{fmt_int(d - g)} / {fmt_int(d)}", None),
                ("kpi.coverage", "—" if not d else f"{ratio:.0%}", colour),
                ("kpi.gap", fmt_int(g), BAND_COLOURS["red"] if g else None),
                ("kpi.unpaired", fmt_int(data["unpaired"]), None)]
        cards = W.HTML(kpi_cards([(self.t(k), v, c) for k, v, c in kpis]))
        allowed = self.viewer.pages if self.viewer is not None else None
        links = [(nb, key) for nb, key in LINKS if (NOTEBOOKS / nb).exists()
                 and (allowed is None or nb.removesuffix(".ipynb") in allowed)]
        nav = W.HTML("<div class='nav'>" + html.escape(self.t("ov.links")) + " ".join(
            f"<a class='nav-link' href='{nb}?lang={self.lang}'>{html.escape(self.t(key))}</a>" for nb, key in links)
            + "</div>")
        self.pairings = data["pairings"]
        cities = sorted(self.pairings["source_city_name"].dropna().unique())
        self.city_filter = W.Dropdown(options=[(self.t("filter.all"), "")] + [(c, c) for c in cities],
                                      description=self.t("filter.side_city"), value="")
        self.city_filter.add_class("city-filter")
        self.pairing_table = W.HTML()
        self.pairing_table.add_class("pairing-table")
        self.city_filter.observe(lambda _: self.update_table(), "value")
        self.update_table()
        net, charts = W.VBox(), W.HBox(layout=W.Layout(flex_flow="row wrap"))
        self.tabs = tabs = W.Tab(children=[self.summary_box(wb), W.VBox([net, self.city_filter, self.pairing_table]),
                                           charts])
        tabs.titles = (self.t("ov.tab.summary"), self.t("tab.pairings"), self.t("tab.people"))
        later = {1: (net, lambda: [self.network_chart(wb)]),
                 2: (charts, lambda: [self.people_chart(wb), self.hosts_chart(wb)])}

        def show(_=None):
            box, build = later.pop(tabs.selected_index, (None, None))
            if box is not None:
                box.children = tuple(build())
        tabs.observe(show, "selected_index")
        return [nav, cards, tabs]

    def summary_box(self, wb):
        """Largest gaps, the next term-end cliffs and people on post by city and category."""
        on = self.data["on_post"]
        on = on.assign(city=on["city"].fillna(self.t("chart.no_city")),
                       category=on["category"].map(lambda c: value_label(c, "zh") if self.lang == "zh"
                                                   else self.t(f"ov.cat.{c}") if f"ov.cat.{c}" in TEXT else c))
        tab = on.groupby(["city", "category"]).size().unstack(fill_value=0)
        tab[self.t("col.people")] = tab.sum(axis=1)
        tab = tab.sort_values(self.t("col.people"), ascending=False)
        tab = tab.reset_index().rename(columns={"city": self.t("col.source_city")})
        return W.HBox([
            W.VBox([W.HTML(f"<h4>{html.escape(self.t('ov.gaps'))}</h4>"
                           + html_table(labelled(self.data["gaps"], wb, self.lang))),
                    W.HTML(f"<h4>{html.escape(self.t('ov.cliffs'))}</h4>"
                           + html_table(labelled(self.data["cliffs"], wb, self.lang)))],
                   layout=W.Layout(margin="0 24px 0 0")),
            W.HTML(f"<h4>{html.escape(self.t('ov.by_category'))}</h4>" + html_table(tab)),
        ], layout=W.Layout(flex_flow="row wrap"))

    @staticmethod
    def _on_post(wb) -> pd.DataFrame:
        """People on post today: source city name (NaN for province-level senders) and category code."""
        now = today()
        live = live_assignments(wb, on=now)
        people = wb.people.set_index("id")
        names = wb.regions.set_index("id")["name"]
        return pd.DataFrame({"city": live["person"].map(source_city(wb)).map(names).to_numpy(),
                             "category": live["person"].map(people["category"]).to_numpy()})

    def update_table(self):
        df = self.pairings
        if self.city_filter.value:
            df = df[df["source_city_name"].eq(self.city_filter.value)]
        view = df[["source_city_name", "host_name", "people", "seats"]]
        self.pairing_table.value = html_table(view, {
            "source_city_name": self.t("col.source_city"), "host_name": self.t("col.host_region"),
            "people": self.t("col.people"), "seats": self.t("col.seats")})

    def people_chart(self, wb):
        tab = self.data["people"].rename(index={NO_CITY: self.t("chart.no_city")})
        xs = bq.OrdinalScale()
        ys = bq.LinearScale(min=0)
        labels = [sector_label(s, self.lang) for s in tab.columns]
        bars = bq.Bars(x=list(tab.index), y=tab.to_numpy().T.astype(float), type="stacked", labels=labels,
                       scales={"x": xs, "y": ys}, colors=PALETTE[: len(labels)], display_legend=True)
        ax = bq.Axis(scale=xs, tick_rotate=-40, tick_style={"font-size": "12px"})
        ay = bq.Axis(scale=ys, orientation="vertical", label=self.t("chart.people"), grid_lines="dashed")
        return bq.Figure(marks=[bars], axes=[ax, ay], title=self.t("chart.people_by_city"),
                         legend_location="top-right", layout=W.Layout(width="680px", height="420px"),
                         fig_margin={"top": 50, "bottom": 80, "left": 50, "right": 20})

    def hosts_chart(self, wb):
        s = self.data["hosts"]
        xs = bq.OrdinalScale()
        ys = bq.LinearScale(min=0)
        bars = bq.Bars(x=list(s.index), y=s.to_numpy().astype(float), scales={"x": xs, "y": ys},
                       colors=[PALETTE[1]])
        ax = bq.Axis(scale=xs, tick_rotate=-40, tick_style={"font-size": "12px"})
        ay = bq.Axis(scale=ys, orientation="vertical", label=self.t("chart.units"), grid_lines="dashed")
        return bq.Figure(marks=[bars], axes=[ax, ay], title=self.t("chart.units_by_county"),
                         layout=W.Layout(width="560px", height="420px"),
                         fig_margin={"top": 50, "bottom": 80, "left": 50, "right": 20})

    def network_chart(self, wb):
        """Sending cities and host areas at their longitude/latitude, joined by pairings (no map tiles)."""
        pv = self.pairings[self.pairings["people"] + self.pairings["seats"] > 0]
        reg = wb.regions.set_index("id")
        pts = pd.concat([pd.DataFrame({"id": pv["source_city"], "side": "sending"}),
                         pd.DataFrame({"id": pv["host"], "side": "host"})]).drop_duplicates("id")
        pts = pts.assign(lon=pts["id"].map(reg["lon"]), lat=pts["id"].map(reg["lat"]),
                         name=pts["id"].map(reg["name"])).dropna(subset=["lon", "lat"])
        xs, ys = bq.LinearScale(), bq.LinearScale()
        marks = []
        top = max(1, int(pv["people"].max())) if len(pv) else 1
        for rec in pv.itertuples():
            if rec.source_city not in reg.index or rec.host not in reg.index:
                continue
            a, b = reg.loc[rec.source_city], reg.loc[rec.host]
            if pd.isna(a["lon"]) or pd.isna(b["lon"]):
                continue
            width = 0.5 + 5.5 * rec.people / top
            marks.append(bq.Lines(x=[a["lon"], b["lon"]], y=[a["lat"], b["lat"]], scales={"x": xs, "y": ys},
                                  stroke_width=width, colors=["#7a9cc6"], opacities=[0.55]))
        for side, color in (("sending", PALETTE[0]), ("host", PALETTE[1])):
            p = pts[pts["side"].eq(side)]
            marks.append(bq.Scatter(x=p["lon"].to_numpy(), y=p["lat"].to_numpy(), names=p["name"].tolist(),
                                    display_names=True, scales={"x": xs, "y": ys}, colors=[color],
                                    default_size=60, stroke="white",
                                    labels=[self.t("side.sending_label" if side == "sending" else
                                                   "side.host_label")], display_legend=True))
        ax = bq.Axis(scale=xs, label="°E", grid_lines="none")
        ay = bq.Axis(scale=ys, orientation="vertical", label="°N", grid_lines="none")
        return bq.Figure(marks=marks, axes=[ax, ay], title=self.t("chart.pairing_network"),
                         legend_location="bottom-left", layout=W.Layout(width="1200px", height="520px"),
                         fig_margin={"top": 50, "bottom": 40, "left": 50, "right": 20})
