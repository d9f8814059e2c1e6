"""The rotation and mentoring page: timeline, handovers, next-batch drafts, flexible slots, mentoring pairs."""
from __future__ import annotations

import html
import logging
import tempfile
import traceback
from pathlib import Path

import ipywidgets as W
import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.i18n import fmt_date, list_sep
from ..programme.mentoring import (
    ending_pairs,
    mentoring_coverage,
    pair_cadre_mentors,
    pair_mentors,
    pairs_text,
    with_pairs,
)
from ..outputs.excel import write_excel
from ..outputs.labels import order_names
from ..outputs.reports import names, report_line
from ..scenarios.rotation import (
    batches,
    flexible_slots,
    handover_calendar,
    next_batch_orders,
    propose_flexible,
    recommend_starts,
    timeline,
    vacancies,
    with_draft_orders,
)
from .base import App, download_link, html_table

log = logging.getLogger("planning.apps")
VACANCY = "vacancy"  # the status of a timeline row that draws empty seats
STATUS_COLOURS = {"active": "#2f6db5", "planned": "#3a9e5c", "done": "#9aa5b1", VACANCY: "#c94c4c"}




def gantt_svg(rows: pd.DataFrame, label: pd.Series, now: pd.Timestamp, width: int = 1100,
              lang: str | None = None) -> str:
    """An inline SVG Gantt chart: bars coloured by status, with a line at ``now``.

    ``rows`` has ``start, end, status`` and optionally ``line`` (the chart row a bar
    is drawn on; default one row per bar) and ``seats``; ``label`` names each chart
    row. Bars whose status is ``vacancy`` draw empty seats: hatched red, with their
    number of seats written on them."""
    if rows.empty:
        return ""
    rows = rows.reset_index(drop=True)
    line = rows["line"].to_numpy() if "line" in rows else np.arange(len(rows))
    n_lines = int(line.max()) + 1
    lo = min(rows["start"].min(), now) - pd.Timedelta(days=15)
    hi = max(rows["end"].max(), now) + pd.Timedelta(days=15)
    left, top, h = 220, 30, 22
    span = (hi - lo).days or 1

    def x(d):
        return left + (width - left - 10) * (pd.Timestamp(d) - lo).days / span

    parts = []
    years = pd.date_range(lo.to_period("Y").to_timestamp(), hi, freq="YS")
    for y in years:
        if y >= lo:
            parts.append(f"<line x1='{x(y):.1f}' y1='{top - 8}' x2='{x(y):.1f}' y2='{top + h * n_lines}' "
                         f"stroke='#ccd' stroke-dasharray='3,3'/><text x='{x(y) + 3:.1f}' y='{top - 12}' "
                         f"font-size='12' fill='#555'>{y.year}</text>")
    labelled_lines = set()
    for i, r in enumerate(rows.itertuples()):
        k = int(line[i])
        yy = top + k * h
        x0, x1 = x(r.start), x(r.end + pd.Timedelta(days=1))
        vacant = r.status == VACANCY
        colour = "url(#vacant)" if vacant else STATUS_COLOURS.get(r.status, "#888")
        name = str(label.iloc[k])
        if k not in labelled_lines:
            labelled_lines.add(k)
            fill = " fill='#c94c4c'" if vacant else ""
            parts.append(f"<text x='{left - 6}' y='{yy + 15}' font-size='12' text-anchor='end'{fill}>"
                         f"{html.escape(name)}</text>")
        parts.append(f"<rect x='{x0:.1f}' y='{yy + 3}' width='{max(2.0, x1 - x0):.1f}' height='{h - 6}' rx='3' "
                     f"fill='{colour}'><title>{html.escape(name)}: {html.escape(fmt_date(r.start, lang))} – "
                     f"{html.escape(fmt_date(r.end, lang))}</title></rect>")
        seats = getattr(r, "seats", None)
        if vacant and seats is not None and not pd.isna(seats) and x1 - x0 > 18:
            parts.append(f"<text x='{(x0 + x1) / 2:.1f}' y='{yy + 15}' font-size='11' text-anchor='middle' "
                         f"font-weight='600' fill='#7a1010'>{int(seats)}</text>")
    parts.append(f"<line x1='{x(now):.1f}' y1='{top - 8}' x2='{x(now):.1f}' y2='{top + h * n_lines}' "
                 f"stroke='#c94c4c' stroke-width='2'/>")
    height = top + h * n_lines + 10
    hatch = ("<defs><pattern id='vacant' patternUnits='userSpaceOnUse' width='8' height='8' "
             "patternTransform='rotate(45)'><rect width='8' height='8' fill='#f6d5d5'/>"
             "<rect width='3' height='8' fill='#e8a0a0'/></pattern></defs>")
    return (f"<svg width='100%' viewBox='0 0 {width} {height}' style='max-width:{width}px;font-family:inherit'>"
            f"{hatch}{''.join(parts)}</svg>")


class RotationApp(App):
    """Batches over time, handovers, next-batch drafts, flexible slots and mentoring pairs."""
    title_key = "rapp.title"
    page = "rotation"
    pick_source = True

    def build_body(self, wb):
        self.names = names(wb)
        self.now = today()
        self.tl = timeline(wb)
        self.vacant = vacancies(wb)
        units = (self.tl.groupby("host_unit").size().add(self.vacant.groupby("host_unit").size(), fill_value=0)
                 .sort_values(ascending=False).index)
        self.unit = W.Dropdown(options=[(str(self.names.get(u, u)), u) for u in units],
                               description=self.t("rapp.unit"), layout=W.Layout(width="420px"))
        self.unit.add_class("unit-pick")
        self.unit.style.description_width = "70px"
        self.unit.observe(lambda _: self.safe(self.show_timeline), "value")
        self.overlap = W.IntSlider(value=14, min=0, max=60, step=1, description=self.t("rapp.overlap"),
                                   continuous_update=False, layout=W.Layout(width="420px"))
        self.overlap.style.description_width = "150px"
        self.overlap.add_class("overlap")
        self.overlap.observe(lambda _: self.safe(self.show_handovers), "value")
        self.gantt = W.HTML()
        self.gantt.add_class("gantt")
        self.handovers = W.HTML()
        self.handovers.add_class("handover-table")
        self.next_table = W.HTML()
        self.next_table.add_class("next-batch")
        self.next_link = W.HTML()
        self.next_link.add_class("next-link")
        self.packages_button = W.Button(description=self.t("rapp.packages"), layout=W.Layout(width="260px"))
        self.packages_button.add_class("packages-button")
        self.packages_button.on_click(lambda _: self.safe(self.make_packages))
        self.packages_link = W.HTML()
        self.packages_link.add_class("packages-link")
        self.flexible = W.HTML()
        self.propose_button = W.Button(description=self.t("rapp.propose"), button_style="primary",
                                       layout=W.Layout(width="220px"))
        self.propose_button.add_class("propose-button")
        self.propose_button.on_click(lambda _: self.safe(self.propose))
        self.proposals = W.HTML()
        self.proposals.add_class("flexible-proposals")
        self.batch_table = W.HTML()
        self.capacity = W.BoundedIntText(value=3, min=1, max=10, description=self.t("rapp.capacity"),
                                         layout=W.Layout(width="300px"))
        self.capacity.style.description_width = "initial"  # its words whole, in either language
        self.mentors_from = W.Dropdown(options=[(self.t(f"rapp.from.{k}"), k) for k in ("both", "unit", "above")],
                                       value="both", description=self.t("rapp.from"),
                                       layout=W.Layout(width="400px"))
        self.mentors_from.style.description_width = "initial"
        self.mentors_from.add_class("mentors-from")
        self.pair_button = W.Button(description=self.t("rapp.pair"), button_style="primary",
                                    layout=W.Layout(width="180px"))
        self.pair_button.add_class("pair-button")
        self.pair_button.on_click(lambda _: self.safe(self.propose_pairs))
        self.pairs = W.HTML()
        self.pairs.add_class("mentor-pairs")
        self.mentor_coverage = W.HTML()
        # proposals accepted with one action each, into a new scenario version (a planner's act)
        # into the source's scenario (its next versions) when the page computes on one, else a scenario of their own
        self.accept_name = W.Text(value=self.suggested_name() or self.t("rapp.accept_default"), description=self.t("rapp.accept_name"),
                                  layout=W.Layout(width="400px"))
        self.accept_name.style.description_width = "110px"
        self.accept_buttons = {}
        for kind in ("flexible", "mentoring", "drafts"):
            b = W.Button(description=self.t(f"rapp.accept.{kind}"), button_style="success", disabled=kind != "drafts",
                         layout=W.Layout(width="260px"))
            b.add_class(f"accept-{kind}")
            b.on_click(lambda _, k=kind: self.safe(lambda: self.accept(k)))
            self.accept_buttons[kind] = b
        self.accept_status = W.HTML()
        self.accept_status.add_class("accept-status")
        accept_row = (W.HBox([self.accept_name, *self.accept_buttons.values(), self.accept_status],
                             layout=W.Layout(flex_flow="row wrap", align_items="center"))
                      if self.planner else W.HBox())
        # planners' controls (the overlap to plan with, packages, proposals, pairing) for planners only: a leader or a
        # host unit reads the handovers at the default overlap, the drafts, the open slots and the mentoring as they are
        planner = self.planner
        tabs = W.Tab(children=[
            W.VBox([self.unit, self.gantt]),
            W.VBox(([self.overlap] if planner else []) + [self.handovers]),
            W.VBox([self.next_table, self.next_link]
                   + ([W.HBox([self.packages_button, self.packages_link]), accept_row] if planner else [])),
            W.VBox([self.flexible] + ([self.propose_button, self.proposals, accept_row] if planner else [])),
            W.VBox(([W.HBox([self.capacity, self.mentors_from, self.pair_button])] if planner else [])
                   + [self.pairs, self.mentor_coverage] + ([accept_row] if planner else [])),
            self.batch_table,
        ])
        tabs.titles = tuple(self.t(k) for k in ("rapp.tab.timeline", "rapp.tab.handovers", "rapp.tab.next",
                                               "rapp.tab.flexible", "rapp.tab.mentoring", "rapp.tab.batches"))
        self.show_timeline()
        self.show_handovers()
        fl = flexible_slots(wb)
        fl = fl.assign(slot=fl["slot"] + 1, person=fl["people"].map(
            lambda ids: list_sep(self.lang).join(str(self.names.get(i, i)) for i in ids.split(";") if i))).drop(columns="people")
        self.flexible.value = html_table(self.labelled(fl.assign(state=fl["state"].map(
            lambda s: {"staffed": "已满" if self.lang == "zh" else "staffed",
                       "partial": "部分" if self.lang == "zh" else "partial",
                       "open": "空缺" if self.lang == "zh" else "open"}[s])), wb))
        b = batches(wb)
        # term_ok stays a yes/no for labelled() to say (it said nothing for ✔/✘ text); the term is the batch's
        # typical one (its people's median), which its first start and last end need not span
        self.batch_table.value = html_table(self.labelled(b.rename(columns={"term_months": "typical_term_months"}),
                                                          wb))
        self.show_mentoring(wb, None)
        return [tabs]

    def safe(self, fn):
        try:
            fn()
        except Exception:
            log.error("rotation page failed:\n%s", traceback.format_exc())
            self.status.value = f"<div class='problems'>{html.escape(self.t('app.error'))}</div>"

    def show_timeline(self):
        """The unit's people on each order and, under them, the order's empty seats (hatched)."""
        if self.unit.value is None:  # no assignment and no empty seat yet: nothing to draw
            self.gantt.value = f"<div class='app-sub'>{html.escape(self.t('rapp.no_timeline'))}</div>"
            return
        o = self.wb.orders.set_index("id")
        post = o["skill"].where(o["skill"].notna() & o["skill"].astype(str).str.strip().ne(""), o["sector"])
        people = self.tl[self.tl["host_unit"].eq(self.unit.value)]
        empty = self.vacant[self.vacant["host_unit"].eq(self.unit.value)]
        rows = pd.concat([people[["order", "person", "start", "end", "status"]],
                          empty.assign(person="", status=VACANCY)[["order", "person", "start", "end", "status",
                                                                   "seats"]]], ignore_index=True)
        rows = rows.assign(vac=rows["status"].eq(VACANCY)).sort_values(["order", "vac", "start"]).reset_index(drop=True)
        # one chart row per assignment, and one per order for all its empty-seat periods
        key = rows["person"].where(~rows["vac"], "\0vacant") + "\0" + rows["order"]
        rows["line"] = pd.factorize(key)[0]
        first = rows.drop_duplicates("line").set_index("line")
        who = first["person"].map(self.names).fillna(first["person"]).astype(str)
        who = who.where(~first["vac"], self.t("rapp.vacant"))
        label = (who + " · " + first["order"].map(post).astype(str)).sort_index()
        head = self.t("rapp.gantt", unit=self.names.get(self.unit.value, self.unit.value), n=len(people))
        legend = " ".join(f"<span style='color:{c}'>■</span> {html.escape(self._status(s))}"
                          for s, c in STATUS_COLOURS.items())
        legend += f" <span style='color:#c94c4c'>│</span> {html.escape(self.t('rapp.today'))}"
        legend += f" · {html.escape(self.t('rapp.vacant_count'))}"  # the number on a hatched bar, said
        self.gantt.value = (f"<h4>{html.escape(head)}</h4><div class='app-sub'>{legend}</div>"
                            + gantt_svg(rows.reset_index(drop=True), label, self.now, lang=self.lang))

    def _status(self, s):
        return self.t(f"rapp.status.{s}")

    def show_handovers(self):
        wb = self.wb
        cal = handover_calendar(wb)
        rec = recommend_starts(wb, self.overlap.value)
        cal_view = cal[["order", "host_unit", "outgoing", "out_end", "incoming", "in_start", "kind", "days"]]
        rec_view = rec[["order", "host_unit", "outgoing", "out_end", "recommended_start", "batch_start"]]
        self.handovers.value = (html_table(self.labelled(cal_view, wb), max_rows=60)
                                + f"<h4>{html.escape(self.t('col.recommended_start'))}</h4>"
                                + html_table(self.labelled(rec_view, wb), max_rows=60))
        drafts = next_batch_orders(wb, self.overlap.value)
        self.drafts = drafts
        view = drafts[["source_order", "host_unit", "sector", "skill", "role", "headcount", "start", "end",
                       "priority"]]
        self.next_table.value = (f"<h4>{html.escape(self.t('rapp.next_head', n=len(drafts)))}</h4>"
                                 + html_table(self.labelled(view, wb), max_rows=200))
        self.next_link.value = self.download_next()

    def download_next(self) -> str:
        """The draft orders only, as a download link (a data: address), printed landscape with a title atop each page.

        For a planner, one sheet ``需求订单(orders)`` in the template's form (ids, ``中文(english)`` headers), holding
        the drafts and nothing else, to edit and load back. For a reader (a leader, a host unit), one sheet
        下一批需求岗位 in their words, as a unit's package shows them
        (:func:`planning.outputs.packages.draft_view`): each post by name, never an id, no contract table.
        """
        import io

        from ..contract.schema import template_header, template_sheet

        d = self.drafts
        if self.planner:
            cols = [c for c in self.wb.orders.columns if c in d.columns]
            sheet = d[cols].rename(columns={c: template_header("orders", c) for c in cols})
            sheet[self.t("col.source_order")] = d["source_order"].map(order_names(self.wb, self.lang)).fillna(
                d["source_order"]).to_numpy()
            for c in sheet.columns:
                if pd.api.types.is_datetime64_any_dtype(sheet[c]):
                    sheet[c] = sheet[c].dt.date
            title = template_sheet("orders")
        else:
            from ..outputs.packages import draft_view

            sheet = draft_view(d, with_draft_orders(self.wb, d) if len(d) else self.wb, self.lang)
            title = self.t("rapp.tab.next")
        buf = io.BytesIO()
        line = report_line(self.t("rapp.next_title"), self.lang, data=self.data_name())
        write_excel(buf, [(title, sheet)], landscape=True, page_header=line)
        data = buf.getvalue()
        self.next_bytes = data
        name = f"{'下一批订单' if self.lang == 'zh' else 'next-batch'}-{self.now:%Y%m%d}.xlsx" if self.planner else \
            f"{'下一批需求岗位' if self.lang == 'zh' else 'next-batch-posts'}-{self.now:%Y%m%d}.xlsx"
        return download_link(data, name, self.t("rapp.download_next"))

    def accepted(self, kind: str):
        """The workbook with one kind of proposal taken in: the flexible pool's plan, mentoring pairs or drafts."""
        if kind == "flexible":
            return self.flexible_plan.workbook
        if kind == "mentoring":
            pro, cad = self.new_pairs
            return with_pairs(with_pairs(self.wb, pro), cad)
        return with_draft_orders(self.wb, self.drafts)

    def accept(self, kind: str) -> int | None:
        """Accept the proposals of ``kind`` into a new scenario version named in the name field."""
        if not self.planner:
            return None
        if (kind == "flexible" and getattr(self, "flexible_plan", None) is None) or (
                kind == "mentoring" and getattr(self, "new_pairs", None) is None):
            return None
        return self.save_version(self.accept_name.value, self.accepted(kind), self.accept_status, "rapp.accepted",
                                 plan=self.flexible_plan if kind == "flexible" else None,
                                 note=self.t(f"rapp.accept_note.{kind}"), onto_latest=True)

    def make_packages(self) -> bytes:
        """One package per host unit (its people, gaps, term ends and drafts to confirm), zipped, as a download."""
        import io
        import zipfile

        from ..outputs.packages import write_unit_packages

        with tempfile.TemporaryDirectory() as d:
            paths = write_unit_packages(self.wb, Path(d), lang=self.lang, data=self.data_name())
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                for p in paths:
                    z.write(p, p.name)
        data = buf.getvalue()
        self.packages_bytes = data
        name = f"{'各单位材料包' if self.lang == 'zh' else 'unit-packages'}-{self.now:%Y%m%d}.zip"
        self.packages_link.value = download_link(data, name, self.t("rapp.packages_link", n=len(paths)),
                                                 mime="application/zip")
        return data

    def propose(self):
        """Proposals from the flexible pool for the open slots (an exact allocation run)."""
        plan = propose_flexible(self.wb, lang=self.lang)
        self.flexible_plan = plan
        self.accept_buttons["flexible"].disabled = not len(plan.assignments)
        a, u = plan.with_text(self.lang)
        view = a[["person", "order", "host_unit", "start", "end", "source_city", "reason_text"]].rename(
            columns={"reason_text": "reason"})
        uv = u[["order", "host_unit", "start", "end", "seats", "reason_text"]].rename(
            columns={"seats": "seats_empty", "reason_text": "reason"})
        self.proposals.value = (f"<h4>{html.escape(self.t('rapp.proposals', n=len(a)))}</h4>"
                                + html_table(self.labelled(view, self.wb))
                                + (html_table(self.labelled(uv, self.wb)) if len(uv) else ""))

    def propose_pairs(self):
        wb = self.wb
        pro = pair_mentors(wb, capacity=int(self.capacity.value))
        cad = pair_cadre_mentors(wb, mentors_from=self.mentors_from.value)
        self.new_pairs = (pro, cad)
        self.accept_buttons["mentoring"].disabled = not (len(pro) + len(cad))
        after = with_pairs(with_pairs(wb, pro), cad)
        self.show_mentoring(after, (pro, cad))

    def show_mentoring(self, wb, new):
        """New pairs (when proposed), then coverage by unit and pairs ending with a term."""
        if new is not None:
            pro, cad = new
            both = pd.concat([cad, pro], ignore_index=True)  # the few cadre pairs first
            both["apprentice_unit"] = both["apprentice_unit"].fillna(both["host_unit"])
            cols = ["mentor", "apprentice", "apprentice_unit", "host_unit", "start", "end"]
            table = (html_table(self.labelled(both[cols], wb),
                                max_rows=100) if len(both) else "")
            self.pairs.value = (f"<h4>{html.escape(self.t('rapp.pairs_head'))}</h4><p>"
                                f"{html.escape(pairs_text(pro, self.lang))}<br>"
                                f"{html.escape(pairs_text(cad, self.lang))}</p>{table}")
        cov = mentoring_coverage(wb, by=("host_unit",))
        cov = cov.sort_values("share").assign(share=cov["share"].map(lambda v: "" if pd.isna(v) else f"{v:.0%}"))
        text = f"<h4>{html.escape(self.t('rapp.coverage_head'))}</h4>" + html_table(self.labelled(cov, wb),
                                                                                   max_rows=60)
        end = ending_pairs(wb)
        if len(end):
            text += (f"<h4>{html.escape(self.t('rapp.ending_head'))}</h4>"
                     + html_table(self.labelled(end[["mentor", "apprentice", "host_unit", "ends"]], wb),
                                  max_rows=60))
        self.mentor_coverage.value = text
