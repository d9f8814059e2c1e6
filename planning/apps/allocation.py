"""The allocation page: run the exact plan, see teams and unfilled seats, pin, forbid, compare, download."""
from __future__ import annotations

import html
import logging
import tempfile
import traceback
import warnings
from pathlib import Path

import ipywidgets as W
import pandas as pd

from ..programme.access import scope_workbook
from ..allocation import PlanError, allocate, plan_diff
from ..allocation.plan import quality_words
from ..allocation.bottleneck import bottleneck_sentences
from ..core.names import batch_names
from ..core.clock import today
from ..core.hierarchy import source_city
from ..core.live import LIVE
from ..core.periods import ends
from ..core.vocabulary import Role
from ..programme.coverage import BAND_COLOURS, host_groups
from ..programme.eligibility import nearest, seats_ahead
from ..programme.vetting import PIPELINE, nominees, stage_counts
from ..core.i18n import fmt_date, fmt_int, sector_label, t
from ..outputs.labels import order_names, value_text
from ..outputs.reports import labelled, names, report_line
from ..outputs.roster import write_rosters
from ..contract import save_workbook
from .base import App, download_link, html_table, kpi_cards, planning_window

log = logging.getLogger("planning.apps")


def plan_quality(objective, lang: str) -> tuple[str, str, str]:
    """The solver's result for a card: ``(value, colour, note)`` (words: :func:`planning.allocation.plan.quality_words`)."""
    headline, note = quality_words(objective, lang)
    good = headline in (t("aapp.quality.best", lang), t("aapp.quality.stable", lang))
    return headline, BAND_COLOURS["green" if good else "amber"], note


class AllocationApp(App):
    """Choose the window and host region, run :func:`planning.allocate`, adjust and re-run.

    Tests drive it without a browser: set ``window``/``region`` values, call
    ``run_button.click()``, then read :attr:`plan` and the HTML outputs.
    """
    title_key = "aapp.title"
    page = "allocation"
    pick_source = True
    #: solver seconds per run (``allocate(time_limit=...)``); a plan stopped early says so in its status card
    time_limit = 120.0

    def build_body(self, wb):
        self.plan = None
        self.previous = None
        self.proven = None  # the plan shown while the tie-breakers of a run still go on
        self.pins: list[tuple[str, str]] = []
        self.forbids: list[tuple[str, str]] = []
        self.restore_decisions(wb)
        self.names = names(wb)
        self.window = planning_window(wb, self.lang, self.t("aapp.window"))
        pref = host_groups(wb, "prefecture")
        county = host_groups(wb, "county")
        self.unit_pref, self.unit_county = pref, county
        real = set(wb.regions["id"])
        regions = sorted((set(pref) | set(county)) & real, key=lambda r: (r not in set(pref), str(self.names.get(r, r))))
        self.region = W.Dropdown(options=[(self.t("filter.all"), "")] + [
            (("" if r in set(pref) else "\u2003") + str(self.names.get(r, r)), r) for r in regions],
            value="", description=self.t("aapp.region"))
        self.method = W.ToggleButtons(options=[(self.t("aapp.method.optimal"), "optimal"),
                                               (self.t("aapp.method.stable"), "stable")], value="optimal",
                                      style={"button_width": "auto"})
        self.run_button = W.Button(description=self.t("aapp.run"), button_style="primary",
                                   layout=W.Layout(width="180px"))
        self.run_button.add_class("run-button")
        self.run_button.on_click(lambda _: self.run())
        self.progress = W.IntProgress(value=0, min=0, max=3, layout=W.Layout(width="300px", visibility="hidden"))
        self.progress_text = W.HTML()
        self.progress_text.add_class("run-status")
        for w, cls in ((self.window, "window-filter"), (self.region, "region-filter"), (self.method, "method")):
            w.add_class(cls)
        self.window.style.description_width = "70px"
        self.region.style.description_width = "70px"

        self.kpis = W.HTML(f"<div class='app-sub'>{html.escape(self.t('aapp.not_run'))}</div>")
        self.teams = W.HTML()
        self.teams.add_class("plan-teams")
        self.unfilled = W.HTML()
        self.unfilled.add_class("plan-unfilled")
        self.cities = W.HTML()
        self.pick = W.Dropdown(options=[], description=self.t("aapp.pick"), layout=W.Layout(width="620px"))
        self.pick.style.description_width = "initial"  # its words whole, in either language
        self.pick.add_class("plan-pick")
        self.pick.observe(lambda _: self.show_why(), "value")
        self.why = W.HTML()
        self.why.add_class("plan-why")
        self.pin_button = W.Button(description=self.t("aapp.pin"), layout=W.Layout(width="auto"))
        self.pin_button.add_class("pin-button")
        self.forbid_button = W.Button(description=self.t("aapp.forbid"), button_style="warning",
                                      layout=W.Layout(width="auto"))
        self.forbid_button.add_class("forbid-button")
        self.clear_button = W.Button(description=self.t("aapp.clear"), layout=W.Layout(width="auto"))
        self.pin_button.on_click(lambda _: self.adjust("pin"))
        self.forbid_button.on_click(lambda _: self.adjust("forbid"))
        self.clear_button.on_click(lambda _: self.adjust("clear"))
        self.adjustments = W.HTML()
        self.adjustments.add_class("plan-adjustments")
        self.compare = W.HTML(html.escape(self.t("aapp.no_previous")))
        self.compare.add_class("plan-compare")
        self.download_button = W.Button(description=self.t("aapp.download"), disabled=True,
                                        layout=W.Layout(width="auto"))
        self.download_button.add_class("roster-button")
        self.download_button.on_click(lambda _: self.make_roster())
        self.download_link = W.HTML()
        self.download_link.add_class("roster-link")
        # a run, with its pins and forbids, kept as a scenario version (a planner's act)
        # saved under the source's scenario name, the run is that scenario's next version; a new name, a new one
        self.save_name = W.Text(value=self.suggested_name(), description=self.t("aapp.save_name"),
                                layout=W.Layout(width="360px"))
        self.save_name.add_class("save-name")
        self.save_name.style.description_width = "110px"
        self.save_button = W.Button(description=self.t("aapp.save"), button_style="success", disabled=True,
                                    layout=W.Layout(width="330px"))
        self.save_button.add_class("save-run")
        self.save_button.on_click(lambda _: self.save_run())
        self.save_status = W.HTML()
        self.save_status.add_class("save-run-status")
        # the selection pipeline: each batch's nominees by vetting stage (from the workbook, before any run)
        self.vetting = W.HTML(self.vetting_html())
        self.vetting.add_class("vetting-pipeline")
        # why not: a person, a seat, or both, and the rules that keep them apart (from the workbook)
        orders = order_names(wb, self.lang)
        people = wb.people.assign(_n=wb.people["name"].astype(str)).sort_values(["_n", "id"])
        unit = people["sending_unit"].map(self.names).fillna(people["sending_unit"])
        any_ = [(self.t("aapp.wn.any"), "")]
        self.wn_everyone = [(f"{n}（{u}）" if self.lang == "zh" else f"{n} ({u})", i)
                            for n, u, i in zip(people["_n"], unit, people["id"])]
        # what a planner may type to find a person: name, id, sending unit, sending city, sector (either language)
        city = people["id"].map(source_city(wb))
        sector = people["sector"].map(lambda x: f"{x} {sector_label(x, 'en')}" if isinstance(x, str) else "")
        self.wn_haystack = [" ".join(str(x) for x in r if isinstance(x, str)).casefold() for r in zip(
            people["_n"], people["id"], unit, city.map(self.names).fillna(city), sector)]
        self.wn_person = W.Dropdown(options=any_ + self.wn_everyone, value="", description=self.t("aapp.wn.person"),
                                    layout=W.Layout(width="420px"))
        self.wn_find = W.Text(value="", placeholder=self.t("aapp.wn.find_hint"), description=self.t("aapp.wn.find"),
                              continuous_update=True, layout=W.Layout(width="300px"))
        self.wn_find.style.description_width = "60px"
        self.wn_find.add_class("why-not-find")
        self.wn_find.observe(lambda _: self.find_people(), "value")
        self.wn_found = W.HTML()
        self.finding = False
        self.wn_found.add_class("why-not-found")
        ahead = seats_ahead(wb)
        self.wn_seat = W.Dropdown(options=any_ + sorted(((str(orders.get(o, o)), o) for o in ahead["order"]),
                                                        key=lambda x: x[0]),
                                  value="", description=self.t("aapp.wn.seat"), layout=W.Layout(width="520px"))
        for w in (self.wn_person, self.wn_seat):
            w.style.description_width = "60px"
            w.observe(lambda _: self.show_why_not(), "value")
        self.wn_person.add_class("why-not-person")
        self.wn_seat.add_class("why-not-seat")
        self.why_not = W.HTML(f"<div class='app-sub'>{html.escape(self.t('aapp.wn.hint'))}</div>")
        self.why_not.add_class("why-not")
        tabs = W.Tab(children=[
            self.teams, self.unfilled, self.cities,
            W.VBox([self.pick, self.why, W.HBox([self.pin_button, self.forbid_button, self.clear_button]),
                    self.adjustments]),
            self.compare, self.vetting,
            W.VBox([W.HBox([self.wn_find, self.wn_found], layout=W.Layout(flex_flow="row wrap", align_items="center")),
                    W.HBox([self.wn_person, self.wn_seat], layout=W.Layout(flex_flow="row wrap")), self.why_not])])
        tabs.titles = tuple(self.t(k) for k in ("aapp.tab.teams", "aapp.tab.unfilled", "aapp.tab.cities",
                                               "aapp.tab.adjust", "aapp.tab.compare", "aapp.tab.vetting",
                                               "aapp.tab.why_not"))
        self.tabs = tabs
        controls = W.VBox([W.HBox([self.window, self.region], layout=W.Layout(flex_flow="row wrap")),
                           W.HBox([self.method, self.run_button, self.progress, self.progress_text],
                                  layout=W.Layout(flex_flow="row wrap", align_items="center")),
                           W.HBox([self.download_button, self.download_link],
                                  layout=W.Layout(align_items="center")),
                           W.HBox([self.save_name, self.save_button, self.save_status],
                                  layout=W.Layout(align_items="center", display="flex" if self.planner else "none"))])
        self._show_adjustments()
        return [controls, self.kpis, tabs]

    # --- running ---------------------------------------------------------------------------------
    def hosts(self):
        r = self.region.value
        if not r:
            return None
        return sorted(set(self.unit_pref.index[self.unit_pref.eq(r)]) | set(self.unit_county.index[
            self.unit_county.eq(r)]))

    def run(self):
        """Plan with the chosen window, region, method, pins and forbids; show progress while solving."""
        lo, hi = self.window.value
        window = (lo, hi + pd.offsets.MonthEnd(0))
        self.run_button.disabled = True
        self.proven = None
        self.progress.layout.visibility = "visible"
        self.progress.value = 1
        self.progress_text.value = html.escape(self.t("aapp.running"))
        try:
            kw = {}
            if self.hosts() is not None:
                kw["hosts"] = self.hosts()
            self.progress.value = 2
            with warnings.catch_warnings(record=True) as caught:  # the status card states a time limit
                warnings.simplefilter("always")
                plan = allocate(self.wb, window=window, pins=self.pins, forbids=self.forbids,
                                method=self.method.value, lang=self.lang, time_limit=self.time_limit,
                                on_proven=self.show_proven, **kw)
            for w in caught:
                log.info("allocation: %s", w.message)
        except PlanError as e:
            self.progress_text.value = (f"<span class='problems'>"
                                        f"{html.escape(self.t('aapp.failed', reason=str(e)))}</span>")
            self.progress.layout.visibility = "hidden"
            self.run_button.disabled = False
            return None
        except Exception:
            log.error("allocation failed:\n%s", traceback.format_exc())
            self.progress_text.value = f"<span class='problems'>{html.escape(self.t('app.error'))}</span>"
            self.progress.layout.visibility = "hidden"
            self.run_button.disabled = False
            return None
        proven = self.proven
        self.previous, self.plan = (self.previous if proven is not None else self.plan), plan
        self.proven = None
        self.progress.value = 3
        done = (self.t("aapp.step.tie_done", seconds=f"{plan.objective.seconds - proven.objective.seconds:.1f}")
                if proven is not None else self.t("aapp.step.done"))
        self.progress_text.value = html.escape(done)
        self.progress.layout.visibility = "hidden"
        self.run_button.disabled = False
        self.download_button.disabled = False
        self.save_button.disabled = not self.planner
        self.download_link.value = ""
        try:
            self.show_plan()
        except Exception:
            log.error("showing the plan failed:\n%s", traceback.format_exc())
            self.progress_text.value = f"<span class='problems'>{html.escape(self.t('app.error'))}</span>"
        return plan

    def show_proven(self, plan):
        """Show a plan as soon as its first objective is proven, while the tie-breakers still run."""
        if self.proven is None:
            self.previous = self.plan
        self.proven = self.plan = plan
        self.progress_text.value = html.escape(self.t("aapp.step.proven"))
        try:
            self.show_plan()
        except Exception:
            log.error("showing the proven plan failed:\n%s", traceback.format_exc())

    # --- showing ---------------------------------------------------------------------------------
    def show_plan(self):
        plan = self.plan
        o = plan.objective
        a, u = plan.with_text(self.lang)
        cards = [(self.t("aapp.kpi.new"), fmt_int(len(a)), None),
                 (self.t("aapp.kpi.unfilled"), fmt_int(u["seats"].sum()), None),
                 (self.t("aapp.kpi.quality"), *plan_quality(o, self.lang)),
                 (self.t("aapp.kpi.seconds"), f"{o.seconds:.1f}", None)]
        self.kpis.value = kpi_cards(cards, small=True)
        self.teams.value = html_table(self.team_table(), max_rows=400)
        uv = u[["order", "host_unit", "sector", "start", "end", "seats", "priority", "reason_text"]].rename(
            columns={"seats": "seats_empty", "reason_text": "reason"})
        self.unfilled.value = self.bottleneck_html() + html_table(
            labelled(uv.sort_values(["priority", "seats_empty"], ascending=False), self.wb, self.lang), max_rows=300)
        self.cities.value = html_table(self.city_table())
        orders = order_names(self.wb, self.lang)
        opts = [(f"{self.names.get(r.person, r.person)} → {orders.get(r.order, r.order)}",
                 (r.person, r.order)) for r in a.itertuples()]
        self.pick.options = opts
        self.pick.value = opts[0][1] if opts else None
        self.show_why()
        self.show_compare()

    def bottleneck_html(self) -> str:
        """The groups of seats with fewer candidates than places, one sentence each (at most 30 shown)."""
        said = bottleneck_sentences(self.plan, lang=self.lang) if len(self.plan.unfilled) else []
        if not said:
            return ""
        items = "".join(f"<li>{html.escape(s)}</li>" for s in said[:30])
        more = (f"<li>{html.escape(self.t('bottleneck.more', n=len(said) - 30))}</li>" if len(said) > 30 else "")
        return (f"<div class='plan-bottlenecks'><b>{html.escape(self.t('bottleneck.title'))}</b>"
                f"<ul>{items}{more}</ul></div>")

    def team_table(self) -> pd.DataFrame:
        """Each host unit's teams: new and existing people in the window, lead first, with source city."""
        plan = self.plan
        a = plan.assignments.assign(new="✔")
        old = plan.workbook.assignments
        lo, hi = self.window.value
        old = old[old["status"].isin(LIVE) & (old["start"] <= hi + pd.offsets.MonthEnd(0))
                  & (ends(old["end"]) >= lo)]
        old = old[~pd.MultiIndex.from_frame(old[["person", "order"]]).isin(
            pd.MultiIndex.from_frame(a[["person", "order"]]))]
        o = self.wb.orders.set_index("id")

        city = source_city(self.wb)
        old = old.assign(host_unit=old["order"].map(o["host_unit"]), team=old["order"].map(o["team"]),
                         role=old["order"].map(o["role"]), source_city=old["person"].map(city), new="")
        both = pd.concat([a, old], ignore_index=True)
        hosts = self.hosts()
        if hosts is not None:
            both = both[both["host_unit"].isin(set(hosts))]
        both = both[both["host_unit"].isin(set(a["host_unit"]))]  # units this run changed
        both = both.assign(lead=both["role"].ne(Role.LEAD)).sort_values(["host_unit", "team", "lead", "person"])
        view = both[["host_unit", "team", "role", "person", "source_city", "order", "start", "end", "new"]]
        return labelled(view, self.wb, self.lang)

    def city_table(self) -> pd.DataFrame:
        a = self.plan.assignments
        tab = a.groupby("source_city").agg(people=("person", "nunique"), host_units=("host_unit", "nunique"))
        tab = tab.sort_values("people", ascending=False).reset_index()
        view = labelled(tab.rename(columns={"host_units": "units"}), self.wb, self.lang)
        return view

    def show_why(self):
        if self.plan is None or self.pick.value is None:
            self.why.value = ""
            return
        person, order = self.pick.value
        text = self.plan.explain(person, self.lang) + "\n\n" + self.plan.explain(order, self.lang)
        self.why.value = f"<pre style='white-space:pre-wrap;font-family:inherit'>{html.escape(text)}</pre>"

    def show_compare(self):
        if self.previous is None:
            self.compare.value = html.escape(self.t("aapp.no_previous"))
            return
        d = plan_diff(self.previous, self.plan)
        counts = d["change"].value_counts()
        head = self.t("aapp.diff_head", moved=int(counts.get("moved", 0)), added=int(counts.get("added", 0)),
                      removed=int(counts.get("removed", 0)))
        view = d[["person", "change", "order_a", "order_b"]].assign(
            change=d["change"].map(lambda c: self.t(f"aapp.change.{c}")))
        self.compare.value = f"<h4>{html.escape(head)}</h4>" + html_table(labelled(view, self.wb, self.lang))

    def vetting_html(self) -> str:
        """选拔进度: per batch, how many nominees stand at each vetting stage, then who they are (names, not ids)."""
        n = nominees(self.wb)
        if n.empty:
            return f"<div class='app-sub'>{html.escape(self.t('aapp.vet.empty'))}</div>"
        counts = stage_counts(self.wb).set_index("batch")
        b = batch_names(self.wb, self.lang)
        stage = {s: self.t("aapp.vet.stage.none") if s == "none" else value_text(s, self.lang) for s in PIPELINE}
        parts = []
        for batch, rows in n.groupby("batch", sort=False):
            name = str(b.get(batch, batch)) if isinstance(b.get(batch, batch), str) else str(batch)
            day = fmt_date(rows["dispatch"].iloc[0], self.lang) if pd.notna(rows["dispatch"].iloc[0]) else "—"
            c = counts.loc[batch] if batch in counts.index else None
            running = int(c["nominees"]) if c is not None else 0
            through = int(c["through"]) if c is not None else 0
            head = self.t("aapp.vet.head", batch=name, day=day, n=fmt_int(running), through=fmt_int(through))
            sub = []
            if c is not None and pd.notna(c["first"]):
                sub.append(self.t("aapp.vet.dates", first=fmt_date(c["first"], self.lang),
                                  last=fmt_date(c["last"], self.lang)))
            out = int((~rows["in_running"]).sum())
            if out:
                sub.append(self.t("aapp.vet.out", n=fmt_int(out)))
            table = pd.DataFrame([[int(c[s]) if c is not None else 0 for s in PIPELINE]],
                                 columns=[stage[s] for s in PIPELINE])
            people = pd.DataFrame({
                "name": rows["person"].map(self.names).fillna(rows["person"]).to_numpy(),
                "sending_unit": rows["sending_unit"].map(self.names).fillna(rows["sending_unit"]).to_numpy(),
                "sector": [sector_label(x, self.lang) if isinstance(x, str) else "" for x in rows["sector"]],
                "nomination": [value_text(x, self.lang) for x in rows["nomination"]],
                "stage": rows["stage"].map(stage).to_numpy(),
                "stage_date": [fmt_date(d, self.lang) if pd.notna(d) else "" for d in rows["stage_date"]],
                "days_left": [int(x) if pd.notna(x) else None for x in rows["days_left"]],
            })
            heads = {c: self.t(f"aapp.vet.col.{c}") for c in people.columns}
            note = "；".join(sub) if self.lang == "zh" else "; ".join(sub)
            parts.append(f"<div class='vetting-batch'><h4>{html.escape(head)}</h4>"
                         f"<div class='app-sub'>{html.escape(note)}</div>"
                         f"<div class='vetting-counts'>{html_table(table)}</div>"
                         f"<div class='vetting-people'>{html_table(people, heads, max_rows=500)}</div></div>")
        return "".join(parts)

    #: at most this many people listed when a search matches more (the count of the rest is said)
    find_limit = 200

    def find_people(self):
        """List in the person picker only the people whose name, id, sending unit, sending city or sector holds
        every word typed (any case, either language); one match is picked at once, and a picked person who still
        matches stays picked."""
        words = self.wn_find.value.casefold().split()
        if not words:
            hits = self.wn_everyone
            self.wn_found.value = ""
        else:
            hits = [o for o, h in zip(self.wn_everyone, self.wn_haystack) if all(w in h for w in words)]
            n = len(hits)
            key = ("aapp.wn.found_none" if not n else "aapp.wn.found" if n <= self.find_limit else "aapp.wn.found_more")
            said = self.t(key, n=fmt_int(n), shown=fmt_int(self.find_limit), text=self.wn_find.value.strip())
            self.wn_found.value = f"<span class='app-sub'>{html.escape(said)}</span>"
            hits = hits[:self.find_limit]
        keep = self.wn_person.value
        ids = {i for _, i in hits}
        value = keep if keep in ids else hits[0][1] if len(hits) == 1 and words else ""
        self.finding = True  # the options swap moves the picker's value on its way: one answer, at the end
        try:
            self.wn_person.options = [(self.t("aapp.wn.any"), "")] + list(hits)
            self.wn_person.value = value
        finally:
            self.finding = False
        if value != keep:
            self.show_why_not()

    def show_why_not(self):
        """The why-not tab: the pair's reasons, or a person's nearest seats, or a seat's nearest people."""
        if self.finding:
            return
        person, order = self.wn_person.value or None, self.wn_seat.value or None
        if person is None and order is None:
            self.why_not.value = f"<div class='app-sub'>{html.escape(self.t('aapp.wn.hint'))}</div>"
            return
        try:
            near = nearest(self.wb, person, order, top=1 if person and order else 8, lang=self.lang)
        except Exception:
            log.error("why not failed:\n%s", traceback.format_exc())
            self.why_not.value = f"<span class='problems'>{html.escape(self.t('app.error'))}</span>"
            return
        if near.empty:
            self.why_not.value = f"<div class='app-sub'>{html.escape(self.t('aapp.wn.nothing'))}</div>"
            return
        orders = order_names(self.wb, self.lang)
        sep = "；" if self.lang == "zh" else "; "

        def stint(r):
            return f"{fmt_date(r.start, self.lang)}–{fmt_date(r.end, self.lang)}"

        def why(r):
            return sep.join(r.why) if r.why else self.t("why_not.none")

        if person and order:
            r = next(near.itertuples())
            head = self.t("aapp.wn.pair", person=self.names.get(r.person, r.person), seat=orders.get(r.order, r.order),
                          start=fmt_date(r.start, self.lang), end=fmt_date(r.end, self.lang))
            items = "".join(f"<li>{html.escape(x)}</li>" for x in (r.why or [self.t("why_not.none")]))
            self.why_not.value = f"<h4>{html.escape(head)}</h4><ul class='why-not-reasons'>{items}</ul>"
            return
        if person:
            head = self.t("aapp.wn.nearest_seats", person=self.names.get(person, person))
            view = pd.DataFrame({"seat": [orders.get(o, o) for o in near["order"]]})
        else:
            head = self.t("aapp.wn.nearest_people", seat=orders.get(order, order))
            view = pd.DataFrame({"person": [self.names.get(p, p) for p in near["person"]]})
        rows = list(near.itertuples())
        view["stint"] = [stint(r) for r in rows]
        view["misses"] = [int(r.misses) for r in rows]
        view["why"] = [why(r) for r in rows]
        heads = {c: self.t(f"aapp.wn.col.{c}") for c in view.columns}
        self.why_not.value = f"<h4>{html.escape(head)}</h4>" + html_table(view, heads)

    # --- keeping decisions -------------------------------------------------------------------------
    def decisions(self) -> pd.DataFrame:
        """The pins and forbids as a table (``kind, person, order``), as the store keeps them."""
        rows = [("pin", p, o) for p, o in self.pins] + [("forbid", p, o) for p, o in self.forbids]
        return pd.DataFrame(rows, columns=["kind", "person", "order"])

    def restore_decisions(self, wb):
        """Pins and forbids saved with the scenario version shown (those naming people and orders it still has)."""
        sc = self.scenario
        d = getattr(sc, "decisions", None) if sc is not None else None
        if d is None or not len(d):
            return
        people, orders = set(wb.people["id"]), set(wb.orders["id"])
        for r in d.itertuples():
            if r.person in people and r.order in orders:
                (self.pins if r.kind == "pin" else self.forbids).append((r.person, r.order))

    def save_run(self) -> int | None:
        """Save the plan (its workbook, objective, unfilled seats) with the pins and forbids as a scenario version:
        the next version of the source's scenario under its name (a new scenario under a new name)."""
        if not self.planner or self.plan is None:
            return None
        v = self.save_version(self.save_name.value, self.plan.workbook, self.save_status, "aapp.saved",
                              plan=self.plan, decisions=self.decisions(),
                              note=self.t("aapp.save_note", pins=len(self.pins), forbids=len(self.forbids)))
        if v is not None:  # the next step of the path: the scenarios page, where the new version is picked first
            self.save_status.value += (f" <a class='to-publish' href='scenarios.ipynb?lang={self.lang}'>"
                                       f"{html.escape(self.t('aapp.to_publish'))}</a>")
        return v

    # --- adjusting -------------------------------------------------------------------------------
    def adjust(self, what: str):
        if what == "clear":
            self.pins, self.forbids = [], []
        elif self.pick.value is not None:
            pair = tuple(self.pick.value)
            target = self.pins if what == "pin" else self.forbids
            other = self.forbids if what == "pin" else self.pins
            if pair in other:
                other.remove(pair)
            if pair not in target:
                target.append(pair)
        self._show_adjustments()

    def _show_adjustments(self):
        def fmt(items):
            orders = order_names(self.wb, self.lang)
            return "、".join(f"{self.names.get(p, p)}→{orders.get(o, o)}" for p, o in items) or self.t("aapp.none")

        self.adjustments.value = (f"<div>{html.escape(self.t('aapp.pins', items=fmt(self.pins)))}</div>"
                                  f"<div>{html.escape(self.t('aapp.forbids', items=fmt(self.forbids)))}</div>"
                                  f"<div class='app-sub'>{html.escape(self.t('aapp.rerun_hint'))}</div>")

    # --- roster --------------------------------------------------------------------------------
    def make_roster(self) -> bytes | None:
        """The plan's workbook with roster sheets, offered as a download link."""
        if self.plan is None:
            return None
        try:
            with tempfile.TemporaryDirectory() as d:
                # only the chosen region; the data tables in the template's form, after the rosters
                data = self.plan.workbook if not self.region.value else scope_workbook(self.plan.workbook,
                                                                                     [self.region.value])
                path = save_workbook(data, Path(d) / "plan.xlsx", headers="zh")
                period = self.t("aapp.roster_period", start=self.window.label[0], end=self.window.label[-1])
                area = self.t("filter.all") if not self.region.value else self.region.label
                line = report_line(self.t("aapp.roster_title"), self.lang, data=self.data_name(),
                                   filters=f"{area}、{period}" if self.lang == "zh" else f"{area}, {period}")
                units = None if not self.region.value else list(pd.unique(data.orders["host_unit"]))
                write_rosters(self.plan, path, lang=self.lang, title_line=line, host_units=units)
                data = path.read_bytes()
        except Exception:
            log.error("roster failed:\n%s", traceback.format_exc())
            self.download_link.value = f"<span class='problems'>{html.escape(self.t('app.error'))}</span>"
            return None
        name = f"{'派遣名单' if self.lang == 'zh' else 'roster'}-{today():%Y%m%d}.xlsx"
        self.download_link.value = download_link(data, name)
        return data
