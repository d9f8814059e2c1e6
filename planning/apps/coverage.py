"""The coverage page: where host units are short, now and when terms end.

Coverage is computed once when the data loads; a filter change only masks and
sums precomputed integer arrays (numpy ``bincount``), so it answers quickly at
national scale.
"""
from __future__ import annotations

import html
import io
import logging
import traceback

import bqplot as bq
import ipywidgets as W
import numpy as np
import pandas as pd

from ..programme.access import OfficeRole, scope_workbook
from ..core.hierarchy import host_tree
from ..core.periods import ends
from ..programme.coverage import as_of_points, cliffs, coverage_as_of, month_range, responsible
from ..programme.eligibility import blocked_by_pairings, blocked_sentences
from ..programme.coverage import BAND_COLOURS
from ..core.i18n import fmt_date, fmt_int, fmt_month, list_sep, month_tick_format, sector_label
from ..outputs.reports import names, write_gaps_report
from .charts import count_axis, set_count_ticks
from .base import App, download_link, filled_share, heat_colour, html_table, kpi_cards, query_param

log = logging.getLogger("planning.apps")
MAX_MONTHS = 60
HEAT_ROWS = 25


def _codes(values: pd.Series):
    cat = pd.Categorical(values)
    return cat.codes.astype(np.int64), list(cat.categories)


class CoverageApp(App):
    """Coverage gaps by region, sector and month, with drill-down, timeline and Excel report.

    Filters (``area``, ``county``, ``unit``, ``sector``, ``months``) are widgets;
    :meth:`refresh` recomputes what the view shows.
    """
    title_key = "cov.title"
    page = "coverage"
    pick_source = True

    # --- data ------------------------------------------------------------------------------
    def prepare(self, wb):
        now = self.as_of.to_period("M").to_timestamp()
        months = month_range(wb=wb)
        if len(months) == 0:
            months = pd.DatetimeIndex([now])
        if len(months) > MAX_MONTHS:
            lo = max(months[0], now - pd.DateOffset(months=12))
            months = pd.date_range(lo, periods=MAX_MONTHS, freq="MS")
        self.months = months
        self.now = now
        # one "as of" day (planning.programme.standing): the current month is counted on that day, the others on their
        # first days, so this page's figures for "now" are the overview's
        points = as_of_points(months, self.as_of)
        cov = coverage_as_of(wb, months[0], months[-1], on=self.as_of)
        self.cov = cov
        self.names = names(wb)
        tree = host_tree(wb).set_index("unit")
        # units directly under their area (no county) are their own row at the county level
        county = tree["county"].fillna(pd.Series(tree.index, index=tree.index))
        pref = tree["area"]
        self.unit_county = county
        self.unit_pref = pref
        self.c_unit, self.units = _codes(cov["host_unit"])
        self.c_sector, self.sectors = _codes(cov["sector"])
        self.c_county, self.counties = _codes(cov["host_unit"].map(county).fillna(cov["host_unit"]))
        self.c_pref, self.prefs = _codes(cov["host_unit"].map(pref).fillna(cov["host_unit"]))
        self.c_month = self.months.get_indexer(cov["month"])
        self.demand = cov["demand"].to_numpy(np.int64)
        self.supply = cov["supply"].to_numpy(np.int64)
        self.gap = cov["gap"].to_numpy(np.int64)
        prev = months[0] - pd.DateOffset(months=1)
        cl = cliffs(wb, days=points.insert(0, prev))
        self.cliff_rows = cl
        self.cl_month = self.months.get_indexer(cl["month"])
        self.cl_unit = pd.Index(self.units).get_indexer(cl["host_unit"])
        self.cl_sector = pd.Index(self.sectors).get_indexer(cl["sector"])
        self.resp = responsible(wb, on=self.as_of).set_index(["host_unit", "sector"])  # pairings in force now
        self.blocked = blocked_by_pairings(wb)

    def label(self, ident) -> str:
        return str(self.names.get(ident, ident))

    # --- widgets ---------------------------------------------------------------------------
    def build_body(self, wb):  # prepare(wb) has run (App.render): once per workbook, before the viewer arrives
        all_ = (self.t("filter.all"), "")
        prefs = sorted(set(self.prefs), key=self.label)
        self.area = W.Dropdown(options=[all_] + [(self.label(p), p) for p in prefs], value="",
                               description=self.t("cov.filter.area"))
        self.county = W.Dropdown(options=[all_], value="", description=self.t("cov.filter.county"))
        self.unit = W.Dropdown(options=[all_], value="", description=self.t("cov.filter.unit"))
        self.sector = W.Dropdown(options=[all_] + [(sector_label(s, self.lang), s) for s in self.sectors],
                                 value="", description=self.t("cov.filter.sector"))
        labels = [fmt_month(m, self.lang) for m in self.months]
        lo = int(np.clip(self.months.searchsorted(self.now), 0, len(labels) - 1))
        hi = min(lo + 11, len(labels) - 1)
        self.range = W.SelectionRangeSlider(options=labels, index=(lo, hi), description=self.t("cov.filter.months"),
                                            layout=W.Layout(width="560px"), continuous_update=False)
        for w, cls in ((self.area, "area-filter"), (self.county, "county-filter"), (self.unit, "unit-filter"),
                       (self.sector, "sector-filter"), (self.range, "month-filter")):
            w.add_class(cls)
            w.style.description_width = "70px"
        self._quiet = False
        self.area.observe(self._on_area, "value")
        self.county.observe(self._on_county, "value")
        self.unit.observe(lambda _: self._changed(), "value")
        self.sector.observe(lambda _: self._changed(), "value")
        self.range.observe(lambda _: self._changed(), "value")

        self.kpis = W.HTML()
        self.heat = self._heatmap_figure()
        self.timeline = self._timeline_figure()
        self.gap_table = W.HTML()
        self.pick = W.Select(options=[], rows=6, layout=W.Layout(width="560px"))
        self.pick.add_class("gap-pick")
        self.pick.observe(lambda _: self.show_orders(), "value")
        self.detail = W.HTML()
        self.detail.add_class("gap-detail")
        self.cliff_table = W.HTML()
        self.download_button = W.Button(description=self.t("cov.download"), icon="", button_style="primary",
                                        layout=W.Layout(width="200px"))
        self.download_button.add_class("report-button")
        self.download_button.on_click(lambda _: self.make_report())
        self.download_link = W.HTML()
        self.download_link.add_class("report-link")
        # an uploaded workbook can become a scenario version (a planner's act, like the upload itself)
        self.upload_name = W.Text(description=self.t("cov.upload_scenario_name"), layout=W.Layout(width="360px"))
        self.upload_name.style.description_width = "90px"
        self.save_upload_button = W.Button(description=self.t("cov.upload_save"), button_style="success",
                                           layout=W.Layout(width="200px"))
        self.save_upload_button.add_class("save-upload")
        self.save_upload_button.on_click(lambda _: self.save_upload())
        self.upload_saved = W.HTML()
        uploaded = self.planner and getattr(self, "uploaded_name", None) is not None
        self.upload_save_box = W.HBox([self.upload_name, self.save_upload_button, self.upload_saved],
                                      layout=W.Layout(display="flex" if uploaded else "none", align_items="center"))
        if uploaded:
            self.upload_name.value = self.suggested_name()

        filters = W.VBox([W.HBox([self.area, self.county, self.unit], layout=W.Layout(flex_flow="row wrap")),
                          W.HBox([self.sector, self.range], layout=W.Layout(flex_flow="row wrap"))])
        self.pick_hint = W.HTML(f"<div class='app-sub'>{html.escape(self.t('cov.drill'))}</div>")
        tabs = W.Tab(children=[
            self.heat,
            self.timeline,
            W.VBox([self.gap_table, self.pick_hint, self.pick, self.detail]),
            self.cliff_table,
        ])
        tabs.titles = (self.t("cov.tab.map"), self.t("cov.tab.timeline"), self.t("cov.tab.gaps"),
                       self.t("cov.tab.cliffs"))
        self.tabs = tabs
        tools = W.HBox([self.download_button, self.download_link],
                       layout=W.Layout(align_items="center", flex_flow="row wrap"))
        self.blocked_box = W.HTML(self._blocked_html())
        self.blocked_box.add_class("pairing-blocked")
        self.preselect()
        self.refresh()
        self.start_at_own_level()
        return [filters, tools, self.upload_save_box, self.kpis, self.blocked_box, tabs]

    def start_at_own_level(self):
        """A host unit's page opens at its own level: its one unit chosen (its orders, people and vacancies on
        the first tab shown), and the region filters that offer a single choice hidden, never a prefecture
        heatmap with one cell."""
        if self.viewer is None or self.viewer.role != OfficeRole.HOST_UNIT:
            return
        for widget in (self.area, self.county):
            if len(widget.options) <= 2:  # 全部 and its one region
                widget.layout.display = "none"
        if len(self.units) == 1 and not self.unit.value:
            self.choose(unit=self.units[0])
            self.refresh()
        if len(self.units) == 1:  # its one unit's posts are all shown: nothing to pick
            self.pick_hint.layout.display = self.pick.layout.display = "none"
        self.tabs.selected_index = 2  # 缺口与订单: its orders and who is on them

    def preselect(self):
        """Filters named in the page address (links from the overview: ``?unit=…``, ``?county=…``, ``?area=…``).

        Only ids the page knows are used: anything else is ignored, never shown.
        """
        unit, county, area = query_param("unit"), query_param("county"), query_param("area")
        self.choose(unit, county, area)

    def choose(self, unit=None, county=None, area=None):
        """Set the region filters to a unit (with its county and area), a county or an area, without refreshing."""
        if unit in self.units:
            county = self.unit_county.get(unit, "")
        if county in self.counties and not area:
            area = next((self.unit_pref[u] for u in self.unit_county.index[self.unit_county.eq(county)]), "")
        self._quiet = True
        if area in self.prefs:
            self.area.value = area
            self._on_area(None, refresh=False)
            self._quiet = True
            if county in dict((v, k) for k, v in self.county.options):
                self.county.value = county
                self._set_units()
                if unit in dict((v, k) for k, v in self.unit.options):
                    self.unit.value = unit
        self._quiet = False

    def _blocked_html(self) -> str:
        """The host units whose open seats pairings leave with no one to send, one sentence each."""
        if self.blocked.empty:
            return ""
        rows = "".join(f"<li>{html.escape(s)}</li>" for s in blocked_sentences(self.wb, self.blocked, self.lang, viewer_words=not self.planner))
        return (f"<div class='app-warning'><b>{html.escape(self.t('pairing.blocked.title'))}</b>"
                f"<ul>{rows}</ul></div>")

    def _on_area(self, _, refresh: bool = True):
        quiet = self._quiet
        self._quiet = True
        units = self.unit_pref.index[self.unit_pref.eq(self.area.value)] if self.area.value else self.unit_pref.index
        counties = sorted(set(self.unit_county.reindex(units).dropna()) & set(self.counties), key=self.label)
        self.county.options = [(self.t("filter.all"), "")] + [(self.label(c), c) for c in counties]
        self.county.value = ""
        self._set_units()
        self._quiet = quiet
        if refresh:
            self.refresh()

    def _on_county(self, _):
        self._quiet = True
        self._set_units()
        self._quiet = False
        self.refresh()

    def _set_units(self):
        if self.county.value:
            units = [u for u in self.units if self.unit_county.get(u) == self.county.value]
            self.unit.options = [(self.t("filter.all"), "")] + [(self.label(u), u) for u in
                                                                sorted(units, key=self.label)]
        else:
            self.unit.options = [(self.t("filter.all"), "")]
        self.unit.value = ""

    def _changed(self):
        if not self._quiet:
            self.refresh()

    # --- the view ----------------------------------------------------------------------------
    def selection(self) -> np.ndarray:
        """Row mask of the precomputed coverage for the current filters (month range included)."""
        lo, hi = self.range.index
        m = (self.c_month >= lo) & (self.c_month <= hi)
        for widget, codes, cats in ((self.area, self.c_pref, self.prefs), (self.county, self.c_county, self.counties),
                                    (self.unit, self.c_unit, self.units), (self.sector, self.c_sector, self.sectors)):
            if widget.value:
                m &= codes == cats.index(widget.value)
        return m

    def rows_level(self):
        """Heatmap rows, one level of the region tree at a time: areas, then an area's counties, then units."""
        if self.county.value or self.unit.value:
            return self.c_unit, self.units, self.t("cov.filter.unit"), "unit"
        if self.area.value:
            return self.c_county, self.counties, self.t("cov.filter.county"), "county"
        return self.c_pref, self.prefs, self.t("cov.filter.area"), "area"

    def drill(self, level: str, ident: str, sector: str | None = None):
        """Open one heatmap row (and a cell's sector): an area's counties, a county's units, a unit's orders."""
        self._quiet = True
        if level == "area":
            self.area.value = ident
            self._on_area(None, refresh=False)
        elif level == "county":
            self.county.value = ident
            self._set_units()
        else:
            if not self.county.value:
                self.county.value = self.unit_county.get(ident, "")
                self._set_units()
            self.unit.value = ident
        if sector is not None:
            self.sector.value = sector
        self._quiet = False
        self.refresh()
        if level == "unit":
            self.tabs.selected_index = 2  # the unit's gaps and the orders behind them

    def refresh(self):
        try:
            self._refresh()
        except Exception:  # keep tracebacks away from viewers
            log.error("coverage view failed:\n%s", traceback.format_exc())
            self.status.value = f"<div class='problems'>{html.escape(self.t('app.error'))}</div>"

    def _refresh(self):
        mask = self.selection()
        lo, hi = self.range.index
        n_m = hi - lo + 1
        first = mask & (self.c_month == lo)
        d0, s0, g0 = (int(self.demand[first].sum()), int(self.supply[first].sum()), int(self.gap[first].sum()))
        # timeline: sums per month
        mi = self.c_month[mask] - lo
        dem_m = np.bincount(mi, self.demand[mask], n_m)
        sup_m = np.bincount(mi, self.supply[mask], n_m)
        # a departure belongs to the month of its last day on post (the month before the first day empty),
        # as the overview says it
        left_in = self.cl_month - 1
        cmask = (left_in >= lo) & (left_in <= hi)
        for widget, codes, cats in ((self.unit, self.cl_unit, self.units), (self.sector, self.cl_sector, self.sectors)):
            if widget.value:
                cmask &= codes == cats.index(widget.value)
        if self.area.value or self.county.value:
            keep = self.cov["host_unit"].to_numpy()[mask]
            cmask &= self.cliff_rows["host_unit"].isin(set(keep)).to_numpy()
        leave_m = np.bincount(left_in[cmask] - lo, self.cliff_rows["leaving"].to_numpy()[cmask], n_m)
        ratio, colour = filled_share(d0, g0)
        when = self.when(lo)
        cards = [(self.t("cov.kpi.demand", when=when), fmt_int(d0), None),
                 (self.t("cov.kpi.supply", when=when), fmt_int(s0), None),
                 (self.t("cov.kpi.gap", when=when), fmt_int(g0), BAND_COLOURS["red"] if g0 else None),
                 (self.t("cov.kpi.ratio", when=when), "—" if not d0 else f"{ratio:.0%}", colour),
                 (self.t("cov.kpi.cliff"), fmt_int(int(leave_m.sum())), None)]
        self.kpis.value = kpi_cards(cards)
        self._update_timeline(dem_m, sup_m, leave_m, lo, hi)
        self._update_heatmap(mask, lo, n_m)
        self._update_gaps(first)
        self._update_cliffs(cmask)

    def when(self, i: int) -> str:
        """The day month ``i`` of the page is counted on, in words: the as-of day for the current month."""
        m = self.months[i]
        if m == self.now:
            return self.t("cov.when_today", day=fmt_date(self.as_of, self.lang))
        return self.t("cov.when_month", month=fmt_month(m, self.lang))

    def _update_heatmap(self, mask, lo, n_m):
        codes, cats, row_title, level = self.rows_level()
        n_r, n_s = len(cats), len(self.sectors)
        key = (codes[mask] * n_s + self.c_sector[mask]) * n_m + (self.c_month[mask] - lo)
        per_month = np.bincount(key, self.gap[mask], n_r * n_s * n_m).reshape(n_r, n_s, n_m)
        peak = per_month.max(axis=2)
        has = np.bincount(codes[mask] * n_s + self.c_sector[mask], None, n_r * n_s).reshape(n_r, n_s) > 0
        rows = np.flatnonzero(has.any(axis=1))
        rows = rows[np.argsort(-peak[rows].sum(axis=1), kind="stable")][:HEAT_ROWS]
        cols = np.flatnonzero(has[rows].any(axis=0)) if len(rows) else np.array([], dtype=int)
        mat = peak[np.ix_(rows, cols)].astype(float)
        mat[~has[np.ix_(rows, cols)]] = np.nan
        title = self.t("cov.heatmap", rows=row_title)
        head = W.HTML(f"<h4>{html.escape(title)}</h4><div class='app-sub'>{html.escape(self.t('cov.heat_click'))}"
                      "</div>")
        if len(rows) == 0 or len(cols) == 0:
            self.heat.children = (W.HTML(f"<h4>{html.escape(title)}</h4>{html.escape(self.t('cov.empty'))}"),)
            return
        top = max(1.0, float(np.nanmax(mat)))
        cells = [W.HTML("")] + [W.HTML(f"<div class='heat-head'>{html.escape(sector_label(self.sectors[j], self.lang))}"
                                       "</div>") for j in cols]
        for i, r in enumerate(rows):
            ident = cats[r]
            row = W.Button(description=self.label(ident), tooltip=self.t("cov.heat_open", name=self.label(ident)),
                           layout=W.Layout(width="auto"))
            row.add_class("heat-row")
            row.on_click(lambda _, x=ident: self.drill(level, x))
            cells.append(row)
            for jj, j in enumerate(cols):
                v = mat[i, jj]
                if np.isnan(v):
                    cells.append(W.HTML("<div class='heat-na'></div>"))
                    continue
                b = W.Button(description=str(int(v)), layout=W.Layout(width="auto"),
                             tooltip=self.t("cov.heat_cell", name=self.label(ident),
                                            sector=sector_label(self.sectors[j], self.lang), n=int(v)))
                b.style.button_color = heat_colour(v / top)
                if v / top > 0.55:
                    b.style.text_color = "white"
                b.add_class("heat-cell")
                b.on_click(lambda _, x=ident, sec=self.sectors[j]: self.drill(level, x, sec))
                cells.append(b)
        columns = f"minmax(120px, max-content) repeat({len(cols)}, minmax(72px, max-content))"
        grid = W.GridBox(cells, layout=W.Layout(grid_template_columns=columns, grid_gap="2px"))
        self.heat.children = (head, grid)

    def _heatmap_figure(self):
        w = W.VBox()
        w.add_class("gap-heatmap")
        return w

    def _timeline_figure(self):
        xs, ys = bq.DateScale(), bq.LinearScale(min=0)
        self.line_mark = bq.Lines(x=[self.months[0]], y=[[0], [0]], scales={"x": xs, "y": ys},
                                  colors=["#1f3a5f", "#3a9e5c"], stroke_width=3, display_legend=True,
                                  labels=[self.t("col.demand"), self.t("col.supply")], marker="circle",
                                  marker_size=24)
        self.cliff_mark = bq.Scatter(x=[], y=[], scales={"x": xs, "y": ys}, marker="triangle-down",
                                     colors=["#c94c4c"], default_size=140, display_legend=True,
                                     labels=[self.t("col.leaving")], names=[], display_names=True)
        ax = bq.Axis(scale=xs, tick_format=month_tick_format(self.lang), label=self.t("col.month"))
        self.count_axis = ay = count_axis(ys, [1], self.t("chart.people"))
        return bq.Figure(marks=[self.line_mark, self.cliff_mark], axes=[ax, ay], title=self.t("cov.timeline"),
                         legend_location="top-right", layout=W.Layout(width="1100px", height="420px"),
                         fig_margin={"top": 50, "bottom": 50, "left": 60, "right": 30})

    def _update_timeline(self, dem_m, sup_m, leave_m, lo, hi):
        x = self.months[lo: hi + 1].to_numpy()
        with self.line_mark.hold_sync():
            self.line_mark.x = x
            self.line_mark.y = np.vstack([dem_m, sup_m])
        set_count_ticks(self.count_axis, np.concatenate([dem_m, sup_m]))  # whole people, never 0.1 … 0.9
        k = np.flatnonzero(leave_m > 0)
        with self.cliff_mark.hold_sync():
            self.cliff_mark.x = x[k]
            self.cliff_mark.y = sup_m[k]
            self.cliff_mark.names = [f"−{int(v)}" for v in leave_m[k]]
            self.cliff_mark.display_legend = bool(len(k))  # no legend entry for marks that are not there

    def _update_gaps(self, first):
        idx = np.flatnonzero(first & (self.gap > 0))
        idx = idx[np.argsort(-self.gap[idx], kind="stable")][:15]
        top = self.cov.iloc[idx][["host_unit", "sector", "month", "demand", "supply", "gap", "ratio", "band"]]
        resp = self.resp.reindex(pd.MultiIndex.from_frame(top[["host_unit", "sector"]]))
        top = top.assign(sender=resp["sender"].to_numpy())
        self.top_gaps = top.reset_index(drop=True)
        view = self.labelled(top.drop(columns="month"), self.wb)
        self.gap_table.value = (f"<h4>{html.escape(self.t('cov.table', month=self.when(self.range.index[0])))}</h4>"
                                + (html_table(view) if len(view) else html.escape(self.t("cov.empty"))))
        opts = [(f"{self.label(r.host_unit)} · {sector_label(r.sector, self.lang)} · {self.t('col.gap')} {r.gap}",
                 i) for i, r in enumerate(self.top_gaps.itertuples())]
        self._quiet = True
        self.pick.options = opts
        self.pick.value = None
        self._quiet = False
        self.detail.value = ""
        if self.viewer is not None and self.viewer.role == OfficeRole.HOST_UNIT:
            self.show_own_posts()

    def show_own_posts(self):
        """A host unit's own posts and the people on them, shown without a pick: every post of its chosen unit, all
        sectors, gap or none; a viewer of several units with none chosen sees its largest gap row."""
        if self.unit.value:
            self.show_orders(unit=self.unit.value)
        elif len(self.top_gaps):
            self.pick.value = 0

    def show_orders(self, i=None, unit=None):
        """The orders behind one gap row and the people on them in the first month; ``unit``: every order of one
        host unit (all its sectors) on the first month instead."""
        if unit is not None:
            r = pd.Series({"host_unit": unit, "sector": None, "month": self.months[self.range.index[0]]})
        else:
            i = self.pick.value if i is None else i
            if i is None or i >= len(self.top_gaps):
                self.detail.value = ""
                return
            r = self.top_gaps.iloc[i]
        m = self.as_of if r["month"] == self.now else r["month"]  # the current month is counted on the as-of day
        o = self.wb.orders
        o = o[o["host_unit"].eq(r["host_unit"]) & (o["sector"].eq(r["sector"]) if r["sector"] is not None else True)
              & (o["start"] <= m) & (ends(o["end"]) >= m)]
        a = self.wb.assignments
        on = a[a["order"].isin(set(o["id"])) & (a["start"] <= m) & (ends(a["end"]) >= m)]
        people = on.assign(pname=on["person"].map(self.names)).groupby("order")["pname"].agg(
            lambda s: list_sep(self.lang).join(s.astype(str)))
        view = pd.DataFrame({
            "order": o["id"].to_numpy(), "skill": o["skill"].fillna("").to_numpy(),
            "role": o["role"].to_numpy(), "headcount": o["headcount"].to_numpy(),
            "start": o["start"].to_numpy(), "end": o["end"].to_numpy(), "priority": o["priority"].to_numpy(),
            "person": o["id"].map(people).fillna(self.t("cov.nobody")).to_numpy()})
        if r["sector"] is None:
            view.insert(1, "sector", o["sector"].to_numpy())
            title = self.t("cov.orders_of_unit", unit=self.label(r["host_unit"]))
        else:
            title = self.t("cov.orders_of", unit=self.label(r["host_unit"]), sector=sector_label(r["sector"], self.lang))
        self.detail.value = f"<h4>{html.escape(title)}</h4>" + html_table(self.labelled(view, self.wb))

    def _update_cliffs(self, cmask):
        cl = self.cliff_rows[cmask].sort_values(["month", "leaving"], ascending=[True, False]).head(40)
        cl = cl.assign(month=cl["month"] - pd.DateOffset(months=1))  # the month of the last day on post
        self.cliff_table.value = (html_table(self.labelled(cl, self.wb)) if len(cl)
                                  else html.escape(self.t("cov.empty")))

    # --- report and upload ---------------------------------------------------------------------
    def filtered_workbook(self):
        """The part of the workbook the filters select (area, county, unit, sector), and the filters in words.

        The report holds what the page shows: the selected host units' orders in the
        selected sector and the people on them (:func:`planning.programme.access.scope_workbook`).
        """
        wb, words = self.wb, []
        chosen = [w for w in (self.unit, self.county, self.area) if w.value]
        if chosen:
            wb = scope_workbook(wb, [chosen[0].value])
            words.append(self.label(chosen[0].value))
        if self.sector.value:
            wb = wb.copy()
            wb.orders = wb.orders[wb.orders["sector"].eq(self.sector.value)].reset_index(drop=True)
            wb.assignments = wb.assignments[wb.assignments["order"].isin(set(wb.orders["id"]))].reset_index(drop=True)
            words.append(sector_label(self.sector.value, self.lang))
        return wb, "、".join(words) if self.lang == "zh" else ", ".join(words)

    def make_report(self) -> bytes:
        """Build the Excel report for the first selected month and offer it as a download link."""
        month = self.months[self.range.index[0]]
        buf = io.BytesIO()
        wb, filters = self.filtered_workbook()
        write_gaps_report(wb, buf, month, "unit", self.lang, data=self.data_name(), filters=filters)
        data = buf.getvalue()
        name = f"{'缺口报告' if self.lang == 'zh' else 'gaps'}-{month.strftime('%Y-%m')}.xlsx"
        self.download_link.value = download_link(data, name, self.t("cov.download_link", name=name))
        return data

    @property
    def upload_status(self):
        """What the last upload came to: the data source picker's line (planners only; None for a viewer)."""
        return getattr(self, "source_status", None)

    def source_changed(self):
        """An uploaded workbook picked as the source can be saved as a scenario from here (a planner's act)."""
        self.uploaded_name = self.source[1] if self.source[0] == "upload" else None

    def save_upload(self) -> int | None:
        """Save the uploaded workbook as the first version of a new scenario (the name typed); None if refused."""
        if not self.planner or getattr(self, "uploaded_name", None) is None:
            return None
        return self.save_version(self.upload_name.value, self.full_wb, self.upload_saved, "cov.upload_saved",
                                 note=self.t("cov.upload_note", name=self.uploaded_name), fresh=True)
