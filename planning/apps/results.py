"""成效: where are we behind, and were we short of people there? (DESIGN §10)

The page for leaders and host units (a host unit sees only its own units: the base
app scopes the workbook, :func:`planning.programme.access.scope_workbook`). Every
figure comes from :func:`planning.programme.results.results` taken on the page's one
"as of" day: the cards, the table by region, sector, sender or team (sums added,
ratios recomputed from their parts), the places behind and short-staffed with the
responsible sender, and the drill-down to one unit's indicators beside its staffing
and the people on post there.
"""
from __future__ import annotations

import html

import ipywidgets as W
import pandas as pd

from ..core.i18n import fmt_int, list_sep, sector_label
from ..core.live import live_assignments
from ..core.names import names
from ..programme.results import beside_staffing, behind_and_short, results, rollup
from ..outputs.labels import team_names
from .base import App, kpi_cards

STATUS_COLOURS = {"behind": "#c94c4c", "on_track": "#3a9e5c", "ahead": "#2f6db5", "reached": "#3a9e5c",
                  "not_reached": "#c94c4c", "no_data": "#999999"}
BY = ("county", "prefecture", "sector", "sender", "team")
ROWS = 200


class ResultsApp(App):
    """Results against targets, rolled up, beside the staffing of the places they measure."""

    title_key = "app.results.title"
    page = "results"

    def prepare(self, wb):
        res = results(wb, on=self.as_of)
        self.data = {"results": res, "behind_short": behind_and_short(wb, res, on=self.as_of)}
        self.rollups: dict[str, pd.DataFrame] = {}

    # --- formatting -------------------------------------------------------------------------
    def figure(self, x, measure, aggregation) -> str:
        if x is None or pd.isna(x):
            return "—"
        if aggregation == "ratio" or measure == "%":
            return f"{x:.1%}"
        return fmt_int(round(x)) if float(x).is_integer() else f"{x:,.1f}"

    def share(self, x) -> str:
        return "—" if x is None or pd.isna(x) else f"{x:.0%}"

    def status_html(self, s) -> str:
        return (f"<span class='status status-{s}' style='color:{STATUS_COLOURS.get(s, '#222')};font-weight:600'>"
                f"{html.escape(self.t(f'results.status.{s}'))}</span>")

    def table(self, head: list[str], rows: list[list[str]], empty: str) -> str:
        if not rows:
            return f"<div class='app-sub'>{html.escape(empty)}</div>"
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table class='data'><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    # --- the page ---------------------------------------------------------------------------
    def build_body(self, wb):
        self.nm = names(wb)
        res = self.data["results"]
        counts = res["status"].value_counts()
        bs = self.data["behind_short"]
        places = bs[["host_unit", "sector", "period"]].drop_duplicates()
        cards = [(self.t("res.kpi.values"), fmt_int(len(res)), None,
                  self.t("res.kpi.indicators", n=fmt_int(res["indicator"].nunique())))]
        for s in ("behind", "on_track", "ahead", "reached", "not_reached"):
            cards.append((self.t(f"results.status.{s}"), fmt_int(counts.get(s, 0)),
                          STATUS_COLOURS[s] if s in ("behind", "not_reached") and counts.get(s, 0) else None, ""))
        cards.append((self.t("res.kpi.behind_short"), fmt_int(len(places)),
                      STATUS_COLOURS["behind"] if len(places) else None, self.t("res.kpi.behind_short_sub")))
        head = W.HTML(kpi_cards(cards) if len(res) else f"<div class='app-sub'>{html.escape(self.t('res.none'))}</div>")
        head.add_class("results-cards")
        self.by = W.Dropdown(options=[(self.t(f"res.by.{b}"), b) for b in BY], value="county",
                             description=self.t("res.by"))
        self.by.add_class("results-by")
        sectors = sorted(s for s in res["sector"].dropna().unique())
        self.sector = W.Dropdown(options=[(self.t("filter.all"), "")] + [(sector_label(s, self.lang), s) for s in sectors],
                                 value="", description=self.t("res.sector"))
        self.sector.add_class("results-sector")
        periods = sorted(res["period"].unique(), reverse=True)
        self.period = W.Dropdown(options=[(str(p), p) for p in periods] or [("—", "")],
                                 value=periods[0] if periods else "", description=self.t("res.period"))
        self.period.add_class("results-period")
        self.rollup_table = W.HTML()
        self.rollup_table.add_class("results-rollup")
        for w in (self.by, self.sector, self.period):
            w.observe(lambda _: self.update(), "value")
        units = sorted(pd.unique(res.loc[res["subject_kind"].eq("host_unit"), "subject"].to_numpy(dtype=object)),
                       key=lambda u: str(self.nm.get(u, u)))  # distinct first: a set over a million rows is slow
        self.unit = W.Dropdown(options=[(self.t("res.pick_unit"), "")] + [(str(self.nm.get(u, u)), u) for u in units],
                               value=units[0] if len(units) == 1 else "",  # a unit's own page opens on it
                               description=self.t("res.unit"))
        self.unit.add_class("results-unit")
        self.unit_box = W.HTML()
        self.unit_box.add_class("results-unit-detail")
        self.unit.observe(lambda _: self.show_unit(), "value")
        short = W.HTML(f"<h4>{html.escape(self.t('res.behind_short'))}</h4>" + self.behind_short_html())
        short.add_class("results-behind-short")
        self.update()
        self.show_unit()
        return [head, short, W.HBox([self.by, self.sector, self.period], layout=W.Layout(flex_flow="row wrap")),
                self.rollup_table, self.unit, self.unit_box]

    def behind_short_html(self) -> str:
        bs = self.data["behind_short"]
        if bs.empty:
            return f"<div class='app-sub'>{html.escape(self.t('res.behind_short.none'))}</div>"
        sep = "、" if self.lang == "zh" else ", "
        g = (bs.groupby(["host_unit", "sector", "period"], sort=False)
             .agg(names=("name", lambda x: sep.join(dict.fromkeys(map(str, x)))), staffing=("staffing", "first"),
                  gap=("gap_days", "first"), sender=("sender", "first"))
             .reset_index().sort_values(["staffing", "host_unit"], kind="stable").head(ROWS))
        rows = [[html.escape(str(self.nm.get(r.host_unit, r.host_unit))), html.escape(sector_label(r.sector, self.lang)),
                 html.escape(str(r.period)), html.escape(r.names), html.escape(self.share(r.staffing)),
                 html.escape(fmt_int(r.gap)),
                 html.escape(list_sep(self.lang).join(str(self.nm.get(s, s)) for s in str(r.sender).split("、"))
                             if isinstance(r.sender, str) else self.t("ov.nobody"))] for r in g.itertuples()]
        return self.table([self.t("col.host_unit"), self.t("col.sector"), self.t("res.period"),
                           self.t("res.col.behind"), self.t("res.col.staffing"), self.t("res.col.gap_days"),
                           self.t("ov.col.sender")], rows, "")

    def update(self):
        by = self.by.value
        if by not in self.rollups:
            self.rollups[by] = rollup(self.wb, self.data["results"], by, on=self.as_of)
        r = self.rollups[by]
        if self.period.value:
            r = r[r["period"].eq(self.period.value)]
        if self.sector.value:
            r = r[r["sector"].eq(self.sector.value)]
        r = r.head(ROWS)
        teams = team_names(self.wb, self.lang) if by == "team" else {}
        label = (lambda g: sector_label(g, self.lang)) if by == "sector" else \
            (lambda g: list_sep(self.lang).join(str(teams.get(x) or self.nm.get(x, x)) for x in str(g).split("、")))
        rows = [[html.escape(label(x.group)), html.escape(str(x.name)), html.escape(str(x.measure or "")),
                 html.escape(fmt_int(x.subjects)),
                 html.escape(self.figure(x.baseline, x.measure, x.aggregation)),
                 html.escape(self.figure(x.target, x.measure, x.aggregation)),
                 html.escape(self.figure(x.actual, x.measure, x.aggregation)),
                 html.escape(self.share(x.progress)), html.escape(self.share(x.expected)), self.status_html(x.status)]
                for x in r.itertuples()]
        self.rollup_table.value = self.table(
            [self.t(f"res.by.{by}"), self.t("res.col.indicator"), self.t("res.col.measure"),
             self.t("res.col.subjects"), self.t("res.col.baseline"), self.t("res.col.target"),
             self.t("res.col.actual"), self.t("res.col.progress"), self.t("res.col.expected"),
             self.t("res.col.status")], rows, self.t("res.none"))

    def show_unit(self):
        u = self.unit.value
        if not u:
            self.unit_box.value = ""
            return
        res = self.data["results"]  # staffing beside one unit's results, when the unit is picked
        b = beside_staffing(self.wb, res[res["subject"].eq(u)]).sort_values(["period", "indicator"])
        rows = [[html.escape(str(x.name)), html.escape(str(x.period)),
                 html.escape(self.figure(x.baseline, x.measure, x.aggregation)),
                 html.escape(self.figure(x.target, x.measure, x.aggregation)),
                 html.escape(self.figure(x.actual, x.measure, x.aggregation)),
                 html.escape(self.share(x.progress)), html.escape(self.share(x.expected)), self.status_html(x.status),
                 html.escape(self.share(x.staffing))] for x in b.itertuples()]
        figures = self.table([self.t("res.col.indicator"), self.t("res.period"), self.t("res.col.baseline"),
                              self.t("res.col.target"), self.t("res.col.actual"), self.t("res.col.progress"),
                              self.t("res.col.expected"), self.t("res.col.status"), self.t("res.col.staffing")],
                             rows, self.t("res.none"))
        wb = self.wb
        live = live_assignments(wb, self.as_of, self.as_of)
        o = wb.orders.set_index("id")
        live = live[live["order"].map(o["host_unit"]).eq(u)]
        p = wb.people.set_index("id")
        people = [[html.escape(str(p.loc[x.person, "name"]) if x.person in p.index else str(x.person)),
                   html.escape(sector_label(str(o.loc[x.order, "sector"]), self.lang)),
                   html.escape(str(o.loc[x.order, "skill"]) if isinstance(o.loc[x.order, "skill"], str) else "")]
                  for x in live.itertuples()]
        crew = self.table([self.t("col.name"), self.t("col.sector"), self.t("res.col.skill")], people,
                          self.t("res.nobody_on_post"))
        self.unit_box.value = (f"<h4>{html.escape(str(self.nm.get(u, u)))}</h4>{figures}"
                               f"<h4>{html.escape(self.t('res.on_post'))}</h4>{crew}")
