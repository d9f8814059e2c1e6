"""The scenarios page: what-if changes on the picked source, re-plan, compare, save; every version listed with its
author, note and origin page, any two compared, any one published (confirmed), the published one withdrawn."""
from __future__ import annotations

import html
import logging
import tempfile
import traceback
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..allocation import PlanError, allocate
from ..core.names import batch_names
from ..core.clock import today
from ..core.hierarchy import source_city
from ..programme.coverage import host_groups
from ..programme.senders import batch_windows
from ..core.i18n import fmt_date, fmt_int, sector_label
from ..outputs.reports import labelled, names, scenario_html, scenario_report
from ..scenarios.rotation import batches
from ..scenarios.what_if import ScenarioError, apply, compare, describe
from ..scenarios.store import StoreError, open_store
from .allocation import plan_quality
from .overview import landing_figures
from .base import (
    GREEN,
    RED,
    App,
    beijing_time,
    download_link,
    heat_cell,
    html_table,
    kpi_cards,
    local_planner,
    planning_window,
    saved_versions,
    saved_versions_empty,
)

log = logging.getLogger("planning.apps")

HTML_MIME = "text/html"
KINDS = ("senders", "terms", "flexible", "orders", "withdraw")


class ScenariosApp(App):
    """Derive a scenario from the picked source, re-plan it, compare it with the source, save it; list, compare,
    publish and withdraw versions.

    The base is the page's data source (:meth:`App.choose_source`: the published version, any
    saved version or an uploaded file). Tests drive it without a browser: set the change
    widgets, ``add_button.click()``, ``replan_button.click()``, ``save_button.click()``; pick
    any version in ``version_pick`` and ``publish_button.click()`` (then ``confirm_button``);
    pick two in ``compare_a``/``compare_b`` and ``compare_button.click()``;
    ``report_button.click()``; read :attr:`comparison`, :attr:`saved` and the HTML outputs.

    Parameters
    ----------
    wb : Workbook, optional
        The workbook offered as "current data" (default: the served workbook).
    store : planning.scenarios.store.Store, optional
        Where scenarios are saved (default: :func:`planning.scenarios.store.open_store`).
    """
    title_key = "sapp.title"
    page = "scenarios"
    pick_source = True

    def __init__(self, wb=None, lang: str | None = None, store=None, viewer=None):
        self.changes: list[dict] = []
        self.loaded = None          # (name, version) of the base, or None for the current data
        self.base_wb = None
        self.result = None          # workbook after the changes (and the plan)
        self.plan = None
        self.comparison = None
        self.saved = None           # (name, version) last saved
        self._base_plan = None      # ((base, window), Plan of the base without changes)
        self.confirm_figures = None  # what the publish confirmation said the landing page will show
        super().__init__(wb=wb, lang=lang, viewer=viewer, store=store)

    # --- store ----------------------------------------------------------------------------------
    @property
    def store(self):
        if self._store is None:
            self._store = open_store(lang=self.lang)
        return self._store

    def _versions(self) -> list[tuple[str, tuple[str, int]]]:
        """Every saved version as ``(label, (name, version))``, newest first."""
        try:
            self.catalogue = saved_versions(self.store)
        except StoreError as e:
            self.store_problem = e.sentence(self.lang)
            self.catalogue = saved_versions_empty()
        return [(self.version_label(r), (r.name, int(r.version))) for r in self.catalogue.itertuples()]

    def source_changed(self):
        """A new source is a new base: the changes, the re-plan and the comparison start again."""
        self.changes, self.result, self.plan, self.comparison, self.saved = [], None, None, None, None
        self.base_wb, self._base_plan = None, None

    # --- building ---------------------------------------------------------------------------------
    def build_body(self, wb):
        self.store_problem = ""
        if self.base_wb is None:
            self.base_wb = wb
        self.names = names(wb)
        self.loaded = self.source_version()  # (name, version) of the base when it is a saved version
        self.base_info = W.HTML()
        # what-if widgets
        self.kind = W.ToggleButtons(options=[(self.t(f"sapp.kind.{k}"), k) for k in KINDS], value="senders",
                                    style={"button_width": "auto"})
        self.kind.add_class("change-kind")
        self.kind.observe(lambda _: self.show_params(), "value")
        self.params = W.VBox()
        self.params.add_class("change-params")
        self._build_params()
        self.add_button = W.Button(description=self.t("sapp.add"), button_style="info", layout=W.Layout(width="160px"))
        self.add_button.add_class("add-change")
        self.add_button.on_click(lambda _: self.safe(self.add_change))
        self.clear_button = W.Button(description=self.t("sapp.clear"), layout=W.Layout(width="120px"))
        self.clear_button.on_click(lambda _: self.safe(self.clear_changes))
        self.change_list = W.HTML()
        self.change_list.add_class("change-list")
        # re-plan
        self.window = planning_window(wb, self.lang, self.t("sapp.window"))
        self.window.style.description_width = "90px"
        self.replan_button = W.Button(description=self.t("sapp.replan"), button_style="primary",
                                      layout=W.Layout(width="180px"))
        self.replan_button.add_class("replan-button")
        self.replan_button.on_click(lambda _: self.safe(self.replan))
        self.progress = W.IntProgress(value=0, min=0, max=4, layout=W.Layout(width="240px", visibility="hidden"))
        self.run_status = W.HTML()
        self.run_status.add_class("run-status")
        self.kpis = W.HTML()
        self.heat = W.HTML()
        self.heat.add_class("diff-heatmap")
        self.moved = W.HTML()
        self.moved.add_class("moved-people")
        # save, publish, report
        self.name = W.Text(value=self.saved[0] if self.saved else self.suggested_name(), description=self.t("sapp.name"),
                           layout=W.Layout(width="320px"))
        # the author is the signed-in planner, never typed (planning.programme.access)
        self.author = W.HTML(f"<span class='app-sub'>{html.escape(self.t('sapp.author_is', name=self.author_name))}"
                             f"</span>")
        self.note = W.Textarea(description=self.t("sapp.note"), layout=W.Layout(width="560px", height="64px"))
        for w in (self.name, self.note):
            w.style.description_width = "70px"
        self.name.add_class("scenario-name")
        self.author.add_class("scenario-author")
        self.save_button = W.Button(description=self.t("sapp.save"), button_style="success",
                                    layout=W.Layout(width="140px"))
        self.save_button.add_class("save-button")
        self.save_button.on_click(lambda _: self.safe(self.save))
        # every version, with author, note and origin page: publish any one, compare any two
        self.version_list = W.HTML()
        self.version_list.add_class("version-list")
        versions = self._versions()
        self.version_pick = W.Dropdown(options=versions, value=self.saved if self.saved in {v for _, v in versions}
                                       else (versions[0][1] if versions else None),
                                       description=self.t("sapp.pick_version"), layout=W.Layout(width="640px"))
        self.version_pick.style.description_width = "90px"
        self.version_pick.add_class("version-pick")
        self.compare_a = W.Dropdown(options=versions, value=versions[1][1] if len(versions) > 1 else None,
                                    description="A", layout=W.Layout(width="560px"))
        self.compare_b = W.Dropdown(options=versions, value=versions[0][1] if versions else None,
                                    description="B", layout=W.Layout(width="560px"))
        for w, cls in ((self.compare_a, "compare-a"), (self.compare_b, "compare-b")):
            w.style.description_width = "30px"
            w.add_class(cls)
        self.compare_button = W.Button(description=self.t("sapp.compare_versions"), layout=W.Layout(width="180px"))
        self.compare_button.add_class("compare-versions")
        self.compare_button.on_click(lambda _: self.safe(self.compare_versions))
        self.versions_compared = W.HTML()
        self.versions_compared.add_class("versions-compared")
        self.publish_button = W.Button(description=self.t("sapp.publish"), button_style="warning",
                                       layout=W.Layout(width="180px"), disabled=not versions)
        self.publish_button.add_class("publish-button")
        self.publish_button.on_click(lambda _: self.safe(self.ask_publish))
        self.unpublish_button = W.Button(description=self.t("sapp.unpublish"), layout=W.Layout(width="160px"))
        self.unpublish_button.add_class("unpublish-button")
        self.unpublish_button.on_click(lambda _: self.safe(self.ask_unpublish))
        # a publish or unpublish changes what every leader sees: it is said first, and done on confirmation
        self.confirm_text = W.HTML()
        self.confirm_button = W.Button(description=self.t("sapp.confirm"), button_style="danger",
                                       layout=W.Layout(width="160px"))
        self.confirm_button.add_class("confirm-button")
        self.confirm_button.on_click(lambda _: self.safe(self.confirm))
        self.cancel_button = W.Button(description=self.t("sapp.cancel"), layout=W.Layout(width="120px"))
        self.cancel_button.add_class("cancel-button")
        self.cancel_button.on_click(lambda _: self.safe(self.cancel))
        self.confirm_box = W.VBox([self.confirm_text, W.HBox([self.confirm_button, self.cancel_button])],
                                  layout=W.Layout(display="none"))
        self.confirm_box.add_class("publish-confirm")
        self.pending = None  # ("publish", name, version) or ("unpublish",) waiting for confirmation
        self.publications = W.HTML()
        self.publications.add_class("publication-log")
        self.save_status = W.HTML()
        self.save_status.add_class("save-status")
        self.report_button = W.Button(description=self.t("sapp.report"), layout=W.Layout(width="180px"))
        self.report_button.add_class("report-button")
        self.report_button.on_click(lambda _: self.safe(self.make_report))
        self.report_links = W.HTML()
        self.report_links.add_class("report-links")
        self.show_base()
        self.show_params()
        self.show_changes()
        self.show_publications()
        self.show_versions()
        if self.comparison is not None:
            self.show_comparison()
        h = lambda k: W.HTML(f"<h3>{html.escape(self.t(k))}</h3>")  # noqa: E731
        return [
            h("sapp.h.base"), self.base_info,
            h("sapp.h.changes"), self.kind, self.params, W.HBox([self.add_button, self.clear_button]),
            self.change_list,
            h("sapp.h.replan"), W.HBox([self.window, self.replan_button, self.progress, self.run_status]),
            self.kpis, W.HBox([self.heat, self.moved], layout=W.Layout(gap="24px", align_items="flex-start")),
            h("sapp.h.save"), W.HBox([self.name, self.author], layout=W.Layout(align_items="center", gap="16px")),
            self.note,
            W.HBox([self.save_button, self.report_button]), self.save_status, self.report_links,
            h("sapp.h.versions"), self.version_list,
            W.HBox([self.version_pick, self.publish_button, self.unpublish_button],
                   layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.confirm_box,
            W.HBox([self.compare_a, self.compare_b, self.compare_button],
                   layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.versions_compared, self.publications,
        ]

    def _build_params(self):
        wb = self.base_wb
        lay = W.Layout(width="300px")
        nm = names(wb)

        cities = pd.unique(source_city(wb).dropna())
        city_opts = [(str(nm.get(c, c)), c) for c in cities]
        sectors = sorted(set(wb.people["sector"].dropna()) | set(wb.orders["sector"].dropna()))
        sector_opts = [(sector_label(s, self.lang), s) for s in sectors]

        b = batches(wb)
        batch_opts = [(f"{r.batch} ({r.people})", r.batch) for r in b.itertuples()] or [("—", "")]
        units = wb.orders["host_unit"].value_counts().index
        unit_opts = [(str(nm.get(u, u)), u) for u in units] or [("—", "")]

        def dd(key, options, **kw):
            w = W.Dropdown(options=options, description=self.t(key), layout=lay, **kw)
            w.style.description_width = "90px"
            return w

        def num(key, value, lo, hi):
            w = W.BoundedIntText(value=value, min=lo, max=hi, description=self.t(key), layout=W.Layout(width="220px"))
            w.style.description_width = "90px"
            return w

        self.p_city = dd("sapp.p.city", city_opts)
        self.p_sector = dd("sapp.p.sector", sector_opts)
        self.p_delta = num("sapp.p.delta", -2, -10_000, 10_000)
        self.p_batch = dd("sapp.p.batch", batch_opts)
        self.p_months = num("sapp.p.months", 6, -120, 120)
        self.p_n = num("sapp.p.n", 5, 1, 10_000)
        self.p_start = W.Text(value=str((today() + pd.offsets.MonthBegin(1)).date()), description=self.t("sapp.p.start"),
                              layout=W.Layout(width="240px"))
        self.p_start.style.description_width = "90px"
        self.p_flex_months = num("sapp.p.flex_months", 3, 1, 24)
        self.p_unit = dd("sapp.p.unit", unit_opts)
        self.p_unit_sector = dd("sapp.p.sector", [(self.t("filter.all"), "")] + sector_opts)
        self.p_headcount = num("sapp.p.headcount", 1, -100, 100)
        self.p_end = W.Text(value="", placeholder="2028-07-31", description=self.t("sapp.p.end"),
                            layout=W.Layout(width="240px"))
        self.p_end.style.description_width = "90px"
        # a sender that cannot send a dispatch batch (济南市无法派出 2027年8月批次)
        bw = batch_windows(wb)
        bnames = batch_names(wb, self.lang)
        wbatch_opts = [(str(bnames.get(b, b) if isinstance(bnames.get(b, b), str) else b), b) for b in bw["batch"]]
        self.p_w_city = dd("sapp.p.city", city_opts)
        self.p_w_batch = dd("sapp.p.dispatch_batch", wbatch_opts or [("—", "")])
        self.param_boxes = {
            "withdraw": W.HBox([self.p_w_city, self.p_w_batch]),
            "senders": W.HBox([self.p_city, self.p_sector, self.p_delta]),
            "terms": W.HBox([self.p_batch, self.p_months]),
            "flexible": W.HBox([self.p_city, self.p_sector, self.p_n, self.p_start, self.p_flex_months]),
            "orders": W.HBox([self.p_unit, self.p_unit_sector, self.p_headcount, self.p_end]),
        }

    def safe(self, fn):
        try:
            fn()
        except Exception:
            log.error("scenarios page failed:\n%s", traceback.format_exc())
            self.status.value = f"<div class='problems'>{html.escape(self.t('app.error'))}</div>"

    # --- base and changes ----------------------------------------------------------------------------
    def show_base(self):
        wb = self.base_wb
        what = self.data_name()
        text = self.t("sapp.base_info", what=what, people=fmt_int(len(wb.people)), orders=fmt_int(len(wb.orders)),
                      assignments=fmt_int(len(wb.assignments)))
        extra = (f"<div class='problems'>{html.escape(self.store_problem)}</div>" if self.store_problem else "")
        self.base_info.value = f"<div class='app-sub'>{html.escape(text)}</div>{extra}"

    def show_params(self):
        self.params.children = (self.param_boxes[self.kind.value],)

    def current_change(self) -> dict:
        k = self.kind.value
        if k == "senders":
            return {"kind": k, "city": self.p_city.value, "sector": self.p_sector.value, "delta": int(self.p_delta.value)}
        if k == "terms":
            return {"kind": k, "batch": self.p_batch.value, "months": int(self.p_months.value)}
        if k == "flexible":
            return {"kind": k, "city": self.p_city.value, "sector": self.p_sector.value, "n": int(self.p_n.value),
                    "start": self.p_start.value.strip(), "months": int(self.p_flex_months.value)}
        if k == "withdraw":
            return {"kind": k, "sender": self.p_w_city.value, "batch": self.p_w_batch.value}
        return {"kind": k, "host_unit": self.p_unit.value, "sector": self.p_unit_sector.value or None,
                "headcount": int(self.p_headcount.value), "end": self.p_end.value.strip() or None}

    def add_change(self):
        """Check the change against the base with the changes so far; keep it when it can be made."""
        c = self.current_change()
        try:
            apply(self.base_wb, self.changes + [c], lang=self.lang)
        except ScenarioError as e:
            self.show_changes(problem=str(e))
            return
        self.changes.append(c)
        self.result = self.plan = None
        self.show_changes()

    def clear_changes(self):
        self.changes, self.result, self.plan = [], None, None
        self.show_changes()

    def show_changes(self, problem: str = ""):
        items = "".join(f"<li>{html.escape(describe(c, self.base_wb, self.lang))}</li>" for c in self.changes)
        body = f"<ol>{items}</ol>" if items else f"<div class='app-sub'>{html.escape(self.t('sapp.no_changes'))}</div>"
        if problem:
            body += f"<div class='problems'>{html.escape(problem)}</div>"
        self.change_list.value = body
        if self.changes and not self.note.value:
            self.note.value = "；".join(describe(c, self.base_wb, self.lang) for c in self.changes)

    # --- re-plan and compare -----------------------------------------------------------------------------
    def replan(self):
        """Apply the changes, plan the window with :func:`planning.allocate`, compare with the base."""
        lo, hi = self.window.value
        window = (lo, hi + pd.offsets.MonthEnd(0))
        self.replan_button.disabled = True
        self.progress.layout.visibility = "visible"
        try:
            self.progress.value = 1
            self.run_status.value = html.escape(self.t("sapp.step.apply"))
            changed = apply(self.base_wb, self.changes, lang=self.lang)
            self.progress.value = 2
            self.run_status.value = html.escape(self.t("sapp.step.plan"))
            # both sides planned over the same window, so the difference is the changes' alone
            key = (id(self.base_wb), window)
            if self._base_plan is None or self._base_plan[0] != key:
                self._base_plan = (key, allocate(self.base_wb, window=window, lang=self.lang))
            plan = allocate(changed, window=window, lang=self.lang)
            self.progress.value = 3
            self.run_status.value = html.escape(self.t("sapp.step.compare"))
            self.comparison = compare(self._base_plan[1].workbook, plan.workbook, lo, hi)
        except (ScenarioError, PlanError) as e:
            self.run_status.value = f"<span class='problems'>{html.escape(str(e))}</span>"
            return
        finally:
            self.progress.layout.visibility = "hidden"
            self.replan_button.disabled = False
        self.plan, self.result = plan, plan.workbook
        self.progress.value = 4
        words = [x for x in plan_quality(plan.objective, self.lang)[::2] if x]
        quality = ("，" if self.lang == "zh" else ", ").join(words)
        self.run_status.value = html.escape(self.t("sapp.step.done", status=quality))
        self.show_comparison()

    def show_comparison(self):
        c = self.comparison
        tot = c.totals
        worse = tot["gap_change"] > 0
        colour = "#c0392b" if worse else ("#2e8b57" if tot["gap_change"] < 0 else None)
        cards = [(self.t("sapp.kpi.gap"), f"{fmt_int(tot['gap_a'])} → {fmt_int(tot['gap_b'])}", colour),
                 (self.t("sapp.kpi.supply"), f"{fmt_int(tot['supply_a'])} → {fmt_int(tot['supply_b'])}", None),
                 (self.t("sapp.kpi.demand"), f"{fmt_int(tot['demand_a'])} → {fmt_int(tot['demand_b'])}", None),
                 (self.t("sapp.kpi.people"), self.t("sapp.kpi.people_v", added=tot["added"], moved=tot["moved"],
                                                    removed=tot["removed"]), None)]
        self.kpis.value = kpi_cards(cards, small=True)
        self.heat.value = self.diff_heatmap(c.coverage)
        p = c.people
        if len(p):
            view = p[["person", "change", "host_unit_a", "host_unit_b"]].copy()
            view["change"] = view["change"].map(lambda k: self.t(f"sapp.change.{k}"))
            nm = names(self.result if self.result is not None else self.base_wb)
            for c in ("host_unit_a", "host_unit_b"):
                view[c] = view[c].map(nm).fillna(view[c]).fillna("")
            tab = labelled(view.rename(columns={"host_unit_a": "from_unit", "host_unit_b": "to_unit"}),
                           self.result if self.result is not None else self.base_wb, self.lang)
            self.moved.value = (f"<h4>{html.escape(self.t('sapp.moved_head', n=len(p)))}</h4>"
                                f"<div style='max-height:420px;overflow:auto'>{html_table(tab, max_rows=300)}</div>")
        else:
            self.moved.value = f"<h4>{html.escape(self.t('sapp.moved_none'))}</h4>"

    def diff_heatmap(self, cov: pd.DataFrame, rows: int = 20) -> str:
        """Counties × sectors coloured by the change in seat-months short (red worse, green better)."""
        area = cov["host_unit"].map(host_groups(self.base_wb, "county")).fillna(cov["host_unit"])
        d = cov.assign(area=area).pivot_table(index="area", columns="sector", values="gap_change", aggfunc="sum",
                                              fill_value=0)
        title = self.t("sapp.heat")
        if d.empty:
            return f"<h4>{html.escape(title)}</h4>{html.escape(self.t('cov.empty'))}"
        size = d.abs().sum(axis=1)
        size = size[size > 0]
        if size.empty:
            return f"<h4>{html.escape(title)}</h4>{html.escape(self.t('sapp.heat_none'))}"
        d = d.loc[size.sort_values(ascending=False).index[:rows]]
        d = d.loc[:, d.abs().sum(axis=0) > 0]
        top = max(1, int(d.abs().to_numpy().max()))
        head = "".join(f"<th>{html.escape(sector_label(s, self.lang))}</th>" for s in d.columns)
        body = []
        for area_id, r in d.iterrows():
            cells = []
            for v in r.to_numpy():
                cells.append(heat_cell(abs(float(v)) / top, f"{int(v):+d}" if v else "0", RED if v > 0 else GREEN))
            label = str(self.names.get(area_id, area_id))
            body.append(f"<tr><th class='row'>{html.escape(label)}</th>{''.join(cells)}</tr>")
        return (f"<h4>{html.escape(title)}</h4><div class='app-sub'>{html.escape(self.t('sapp.heat_sub'))}</div>"
                f"<table class='heat'><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    # --- save, publish, report ------------------------------------------------------------------------------
    def _to_save(self):
        if self.result is not None:
            return self.result, self.plan
        return apply(self.base_wb, self.changes, lang=self.lang), None

    def save(self):
        """Save as the next version of the named scenario (a conflict is said, never overwritten)."""
        name, author = self.name.value.strip(), self.author_name
        if not name:
            self.save_status.value = f"<div class='problems'>{html.escape(self.t('sapp.need_name'))}</div>"
            return
        wb, plan = self._to_save()
        base = None
        if self.saved and self.saved[0] == name:
            base = self.saved[1]
        elif self.loaded and self.loaded[0] == name:
            base = self.loaded[1]
        try:
            v = self.store.save(name, wb, plan=plan, author=author, note=self.note.value.strip(), base=base,
                                origin=self.page)
        except StoreError as e:
            self.save_status.value = f"<div class='problems'>{html.escape(e.sentence(self.lang))}</div>"
            return
        self.saved = (name, int(v))
        self.save_status.value = f"<div class='app-sub'>{html.escape(self.t('sapp.saved', name=name, v=v))}</div>"
        self.refresh_versions(pick=self.saved)
        self.refresh_sources()

    @property
    def author_name(self) -> str:
        """Who saves and publishes: the signed-in planner (the one local planner outside the office)."""
        return (self.viewer or local_planner()).name

    def _current_published(self) -> str:
        cur = self.store.published()
        if cur is None:
            return self.t("sapp.base_data")
        return self.t("sapp.current_pub", version=self.t("sapp.version", name=cur[0], v=cur[1], author="").strip())

    def refresh_versions(self, pick=None):
        """The version list and pickers again (after a save, a publication or a withdrawal)."""
        keep = (pick or self.version_pick.value, self.compare_a.value, self.compare_b.value)
        versions = self._versions()
        values = {v for _, v in versions}
        self.version_pick.options = versions
        self.version_pick.value = keep[0] if keep[0] in values else (versions[0][1] if versions else None)
        self.compare_a.options = versions
        self.compare_a.value = keep[1] if keep[1] in values else (versions[1][1] if len(versions) > 1 else None)
        self.compare_b.options = versions
        self.compare_b.value = keep[2] if keep[2] in values else (versions[0][1] if versions else None)
        self.publish_button.disabled = not versions
        self.show_versions()

    def show_versions(self):
        """Every version: name, version, author, when (Beijing time), the page it came from, note, published."""
        c = self.catalogue
        head = ""
        if self.store_problem:
            head = f"<div class='problems'>{html.escape(self.store_problem)}</div>"
        if c.empty:
            self.version_list.value = head + f"<div class='app-sub'>{html.escape(self.t('sapp.no_versions'))}</div>"
            return
        view = pd.DataFrame({
            self.t("sapp.col.name"): c["name"].to_numpy(),
            self.t("sapp.col.version"): c["version"].astype(int).to_numpy(),
            self.t("sapp.col.author"): c["author"].to_numpy(),
            self.t("sapp.log.at"): c["saved_at"].map(lambda x: beijing_time(x, self.lang)).to_numpy(),
            self.t("sapp.col.origin"): [self.t(f"src.origin.{o}") if o else "" for o in c["origin"]],
            self.t("sapp.note"): c["note"].to_numpy(),
            self.t("sapp.col.published"): ["✔" if p else "" for p in c["published"]],
        })
        self.version_list.value = head + f"<div style='max-height:260px;overflow:auto'>{html_table(view)}</div>"

    def compare_versions(self):
        """Compare the two versions picked (A → B) over the re-plan window: seat-months short and people moved."""
        a, b = self.compare_a.value, self.compare_b.value
        if a is None or b is None:
            return
        try:
            wa, wb = self.store.load(*a).workbook, self.store.load(*b).workbook
        except StoreError as e:
            self.versions_compared.value = f"<div class='problems'>{html.escape(e.sentence(self.lang))}</div>"
            return
        lo, hi = self.window.value
        c = compare(wa, wb, lo, hi)
        tot = c.totals
        def label(v):
            return self.t("sapp.version", name=v[0], v=v[1], author="").strip()

        head = self.t("sapp.versions_diff", a=label(a), b=label(b))
        cards = [(self.t("sapp.kpi.gap"), f"{fmt_int(tot['gap_a'])} → {fmt_int(tot['gap_b'])}", None),
                 (self.t("sapp.kpi.supply"), f"{fmt_int(tot['supply_a'])} → {fmt_int(tot['supply_b'])}", None),
                 (self.t("sapp.kpi.demand"), f"{fmt_int(tot['demand_a'])} → {fmt_int(tot['demand_b'])}", None),
                 (self.t("sapp.kpi.people"), self.t("sapp.kpi.people_v", added=tot["added"], moved=tot["moved"],
                                                    removed=tot["removed"]), None)]
        self.version_comparison = c
        self.versions_compared.value = f"<h4>{html.escape(head)}</h4>" + kpi_cards(cards, small=True)

    def ask_publish(self):
        """Say what leaders and host units will see once the picked version is published; publish on confirmation.

        The figures are the landing page's own (:func:`planning.apps.overview.landing_figures`, on this page's
        as-of day): people on post, arrived and planned apart, seats filled of demand, the gap, the ratio.
        """
        if not self.planner or self.version_pick.value is None:
            return
        name, v = self.version_pick.value
        try:
            sc = self.store.load(name, v)
        except StoreError as e:
            self.save_status.value = f"<div class='problems'>{html.escape(e.sentence(self.lang))}</div>"
            return
        fig = landing_figures(sc.workbook, on=self.as_of)
        self.confirm_figures = {k: x for k, x in fig.items() if k != "standing"}
        text = self.t("sapp.confirm_publish", name=name, v=v, author=sc.author, current=self._current_published(),
                      day=fmt_date(fig["as_of"], self.lang), people=fmt_int(fig["on_post"]),
                      arrived=fmt_int(fig["arrived"]), planned=fmt_int(fig["planned"]),
                      filled=fmt_int(fig["filled"]), demand=fmt_int(fig["demand"]), gap=fmt_int(fig["gap"]),
                      ratio="—" if fig["ratio"] is None else f"{fig['ratio']:.0%}")
        self.pending = ("publish", name, v)
        self.confirm_text.value = f"<div class='app-warning'>{html.escape(text)}</div>"
        self.confirm_box.layout.display = "flex"

    def ask_unpublish(self):
        if not self.planner:
            return
        if self.store.published() is None:
            self.save_status.value = f"<div class='app-sub'>{html.escape(self.t('sapp.nothing_published'))}</div>"
            return
        self.pending = ("unpublish",)
        text = self.t("sapp.confirm_unpublish", current=self._current_published())
        self.confirm_text.value = f"<div class='app-warning'>{html.escape(text)}</div>"
        self.confirm_box.layout.display = "flex"

    def cancel(self):
        self.pending = None
        self.confirm_box.layout.display = "none"

    def confirm(self):
        pending, self.pending = self.pending, None
        self.confirm_box.layout.display = "none"
        if pending is None or not self.planner:
            return
        try:
            if pending[0] == "publish":
                self.store.publish(pending[1], pending[2], author=self.author_name)
                msg = self.t("sapp.published", name=pending[1], v=pending[2])
            else:
                gone = self.store.unpublish(author=self.author_name)
                msg = self.t("sapp.unpublished") if gone else self.t("sapp.nothing_published")
        except StoreError as e:
            self.save_status.value = f"<div class='problems'>{html.escape(e.sentence(self.lang))}</div>"
            return
        self.save_status.value = f"<div class='app-sub'>{html.escape(msg)}</div>"
        self.show_publications()
        self.refresh_versions()
        self.refresh_sources()

    def publish(self):
        """Publish the picked version at once (what :meth:`confirm` does after :meth:`ask_publish`)."""
        self.ask_publish()
        self.confirm()

    def show_publications(self, rows: int = 10):
        """Who published or withdrew which version when (Beijing time), newest first."""
        try:
            log_ = self.store.publications().head(rows)
        except StoreError as e:
            self.publications.value = f"<div class='problems'>{html.escape(e.sentence(self.lang))}</div>"
            return
        head = f"<h4>{html.escape(self.t('sapp.log'))}</h4>"
        if log_.empty:
            self.publications.value = head + f"<div class='app-sub'>{html.escape(self.t('sapp.log_none'))}</div>"
            return
        view = pd.DataFrame({
            self.t("sapp.log.at"): log_["at"].map(lambda x: beijing_time(x, self.lang)),
            self.t("sapp.log.by"): log_["by"],
            self.t("sapp.log.action"): log_["action"].map(lambda a: self.t(f"sapp.log.{a}")),
            self.t("sapp.log.version"): [self.t("sapp.version", name=n, v=int(v), author="").strip()
                                         for n, v in zip(log_["name"], log_["version"])],
        })
        self.publications.value = head + html_table(view)

    def make_report(self):
        """The printable Excel report and the same summary as one HTML page, as downloads."""
        import base64


        wb, plan = self._to_save()
        title = (self.t("sapp.version", name=self.saved[0], v=self.saved[1], author="") if self.saved
                 else self.t("sapp.unsaved"))
        lo, hi = self.window.value
        # the period as the page states it: from the as-of day (or the first chosen month) to the last chosen
        # month's last day; the cover lists the what-if changes the scenario assumes
        start = max(pd.Timestamp(lo), self.as_of)
        end = pd.Timestamp(hi) + pd.offsets.MonthEnd(0)
        assumptions = [describe(c, self.base_wb, self.lang) for c in self.changes]
        kw = dict(title=title, lang=self.lang, start=start, end=end, assumptions=assumptions,
                  unfilled=plan.unfilled if plan is not None else None)
        with tempfile.TemporaryDirectory() as d:
            path = scenario_report(wb, Path(d) / "report.xlsx", **kw)
            data = path.read_bytes()
        page = scenario_html(wb, **kw).encode("utf-8")
        self.report_bytes, self.report_html = data, page
        stem = self.t("sapp.report_file")
        html_link = (f"<a download='{html.escape(stem)}.html' href='data:{HTML_MIME};charset=utf-8;base64,"
                     f"{base64.b64encode(page).decode()}'>{html.escape(self.t('sapp.report_html'))}</a>")
        self.report_links.value = (download_link(data, f"{stem}.xlsx", self.t("sapp.report_xlsx")) + " · " + html_link)
