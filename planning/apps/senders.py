"""派出任务: what each sender owes the batch, what it has put forward, and whom to chase first (DESIGN §9).

The page for planners and leaders, and for a sender (a sending city or region, or its
units) cut to itself: its pages are built on
:func:`planning.programme.access.scope_sender_workbook`, which holds its own people and of
everyone else's postings only the seats they take. Per sender, for the batch picked (the
next batch by default): its task (seats), quota, nominated, selected, shortfall and the
largest burden of its sending units, sorted with the ones to chase first on top (largest
shortfall, then highest burden). The cards add up the table. For one sender: its task by
sector, its people with their nomination status for the batch, its sending units' burden
against their cap.
"""
from __future__ import annotations

import html
from dataclasses import replace

import ipywidgets as W
import numpy as np
import pandas as pd

from ..core.hierarchy import ancestors
from ..core.i18n import fmt_date, fmt_int, sector_label
from ..core.names import batch_names, names
from ..programme.access import OfficeRole, senders_of
from ..programme.senders import batch_windows, next_batch, sender_burden, sender_tasks
from ..outputs.packages import file_stems
from ..outputs.sender_packages import write_sender_package
from .base import App, download_link, kpi_cards
from .serving import query_param

ROWS = 200  # rows of a people table at most (the count says how many there are)
BEHIND = "#c94c4c"
#: nomination statuses in the order the people table lists them
STATUSES = ("selected", "nominated", "not_selected", "withdrawn")
SUMMARY_COLUMNS = ["sender", "seats", "shared_seats", "quota", "nominated", "selected", "shortfall", "burden",
                   "burden_unit", "over_cap"]


def sender_summary(wb, batch: str, senders=None, on=None, tasks: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per sender with a task or a quota in ``batch``: the page's table, whom to chase first on top.

    Parameters
    ----------
    wb : Workbook
    batch : str
        A batch id.
    senders : collection, optional
        Only these senders (a sender's own view); None: every sender.
    on : date, optional
        The day the burden is taken on (default today).
    tasks : DataFrame, optional
        The batch's task rows with ``selected`` already counted (as :meth:`SendersApp.task` keeps them).

    Returns
    -------
    DataFrame
        ``sender``; ``seats``, ``shared_seats``, ``quota``, ``nominated``, ``shortfall`` (summed over its
        sectors, :func:`planning.programme.senders.sender_tasks`); ``selected`` (its people of those sectors
        selected for the batch); ``burden`` (the largest burden of its sending units in any sector, NaN when
        none of them has staff given), ``burden_unit`` (that unit) and ``over_cap`` (one of its units is above
        its cap). Sorted by shortfall (largest first), then burden (highest first), then sender id.
    """
    if tasks is None:
        t = sender_tasks(wb, batch=batch)
        if senders is not None:
            t = t[t["sender"].isin(set(senders))]
        t = t.assign(selected=selected_counts(wb, batch, t))
    else:
        t = tasks
    g = t.groupby("sender", as_index=False)[["seats", "shared_seats", "quota", "nominated", "selected",
                                             "shortfall"]].sum()
    b = units_burden(wb, g["sender"], on=on)
    top = b.sort_values(["burden", "unit"], ascending=[False, True], kind="stable").drop_duplicates("sender")
    g = g.merge(top[["sender", "burden", "unit"]].rename(columns={"unit": "burden_unit"}), on="sender", how="left")
    over = b.groupby("sender")["over_cap"].any()
    g["over_cap"] = g["sender"].map(over).fillna(False).astype(bool)
    g = g.sort_values(["shortfall", "burden", "sender"], ascending=[False, False, True], na_position="last",
                      kind="stable")
    return g[SUMMARY_COLUMNS].reset_index(drop=True)


def selected_counts(wb, batch: str, tasks: pd.DataFrame) -> np.ndarray:
    """Per row of ``tasks`` (sender × sector of ``batch``): how many of its nominated people are selected.

    Counted as :func:`planning.programme.senders.sender_tasks` counts the nominated (its people put forward
    for the batch who are eligible for a seat of its task), with only the selected put forward: never more
    than the nominated.
    """
    p = wb.people
    if tasks.empty or not (p["nomination"].eq("selected") & p["batch"].eq(batch)).any():
        return np.zeros(len(tasks), dtype=np.int64)
    only = replace(wb, people=p.assign(nomination=p["nomination"].where(p["nomination"].eq("selected"))))
    t = sender_tasks(only, batch=batch).set_index(["batch", "sender", "sector"])["nominated"]
    idx = pd.MultiIndex.from_frame(tasks[["batch", "sender", "sector"]])
    return idx.map(t).fillna(0).to_numpy(dtype=np.int64)


def units_burden(wb, senders, on=None) -> pd.DataFrame:
    """The burden of each sender's sending units (:func:`planning.programme.senders.sender_burden`): one row per
    sender × staff row of a unit under it (``sender`` and the burden's columns)."""
    b = sender_burden(wb, on=on)
    a = ancestors(wb)
    a = a[a["ancestor"].isin(set(senders))][["node", "ancestor"]].rename(columns={"node": "unit",
                                                                                 "ancestor": "sender"})
    return b.merge(a, on="unit")


class SendersApp(App):
    """Each sender's task for a batch, its nominations and burden; a sender sees itself only."""

    title_key = "app.senders.title"
    page = "senders"

    def prepare(self, wb):
        self.windows = batch_windows(wb).sort_values(["dispatch", "batch"], kind="stable").reset_index(drop=True)
        self.summaries: dict[str, pd.DataFrame] = {}
        self.tasks: dict[str, pd.DataFrame] = {}
        self.mine = self.own_senders(wb)

    def own_senders(self, wb):
        """The senders this viewer answers for (a sender's), or None (everyone's)."""
        v = self.viewer
        if v is None or v.role != OfficeRole.SENDER:
            return None
        return senders_of(wb, v.units)

    def summary(self, batch: str) -> pd.DataFrame:
        if batch not in self.summaries:
            self.summaries[batch] = sender_summary(self.wb, batch, self.mine, on=self.as_of, tasks=self.task(batch))
        return self.summaries[batch]

    def task(self, batch: str) -> pd.DataFrame:
        if batch not in self.tasks:
            t = sender_tasks(self.wb, batch=batch)
            if self.mine is not None:
                t = t[t["sender"].isin(self.mine)]
            self.tasks[batch] = t.assign(selected=selected_counts(self.wb, batch, t)).reset_index(drop=True)
        return self.tasks[batch]

    # --- words ------------------------------------------------------------------------------
    def name(self, x) -> str:
        return str(self.nm.get(x, x))

    def batch_label(self, b: str) -> str:
        row = self.windows.set_index("batch").loc[b]
        day = fmt_date(row["dispatch"], self.lang)
        given = batch_names(self.wb, self.lang).get(b)
        if isinstance(given, str) and given:
            return self.t("send.batch_named", name=given, day=day)
        return self.t("send.batch", day=day)

    def share(self, x) -> str:
        return "—" if x is None or pd.isna(x) else f"{x:.0%}"

    def table(self, head: list[str], rows: list[list[str]], empty: str, cls: str = "") -> str:
        if not rows:
            return f"<div class='app-sub {cls}'>{html.escape(empty)}</div>"
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table class='data {cls}'><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    # --- the page ---------------------------------------------------------------------------
    def build_body(self, wb):
        self.nm = names(wb)
        if self.windows.empty:
            none = W.HTML(f"<div class='app-sub senders-none'>{html.escape(self.t('send.no_batches'))}</div>")
            return [none]
        nxt = next_batch(wb, self.as_of)
        ids = list(self.windows["batch"])
        self.batch = W.Dropdown(options=[(self.batch_label(b), b) for b in ids],
                                value=nxt if nxt is not None else ids[-1], description=self.t("send.batch_pick"),
                                layout=W.Layout(width="460px"))
        self.batch.add_class("senders-batch")
        self.cards = W.HTML()
        self.cards.add_class("senders-cards")
        self.order_note = W.HTML()
        self.order_note.add_class("senders-order")
        self.main_table = W.HTML()
        self.main_table.add_class("senders-table")
        self.pick = W.Dropdown(description=self.t("send.pick"), layout=W.Layout(width="420px"))
        self.pick.add_class("senders-pick")
        self.detail = W.HTML()
        self.detail.add_class("senders-detail")
        self.package_button = W.Button(description=self.t("send.package"), button_style="primary",
                                       layout=W.Layout(width="auto", display="" if self.packages_offered else "none"))
        self.package_button.add_class("senders-package")
        self.package_button.on_click(lambda _: self.make_package())
        self.package_link = W.HTML()
        self.package_link.add_class("senders-package-link")
        self.batch.observe(lambda _: self.update(), "value")
        self.pick.observe(lambda _: self.show_sender(), "value")
        self.update(wanted=query_param("sender"))
        # the table and one sender's detail side by side (one under the other on a narrow screen)
        left = W.VBox([self.main_table], layout=W.Layout(flex="0 0 auto", margin="0 24px 0 0"))
        package = W.HBox([self.package_button, self.package_link], layout=W.Layout(align_items="center"))
        right = W.VBox([self.pick, package, self.detail], layout=W.Layout(flex="1 1 520px", min_width="480px"))
        return [self.batch, self.cards, self.order_note,
                W.HBox([left, right], layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))]

    def update(self, wanted: str = ""):
        b = self.batch.value
        s = self.summary(b)
        behind = int((s["shortfall"] > 0).sum())
        own = self.mine is not None  # a sender's own view: its own figures, nobody to count or sort
        cards = ([] if own else [(self.t("send.kpi.senders"), fmt_int(len(s)), None, self.t("send.kpi.senders_sub"))])
        cards += [(self.t("send.col.quota"), fmt_int(s["quota"].sum()), None, self.t("send.kpi.quota_sub")),
                  (self.t("send.col.nominated"), fmt_int(s["nominated"].sum()), None, ""),
                  (self.t("send.col.selected"), fmt_int(s["selected"].sum()), None, ""),
                  (self.t("send.col.shortfall"), fmt_int(s["shortfall"].sum()), BEHIND if behind else None,
                   "" if own else self.t("send.kpi.behind", k=fmt_int(behind)))]
        self.cards.value = kpi_cards(cards)
        note = self.t("send.burden_note", day=fmt_date(self.as_of, self.lang))
        if s.empty:
            note = self.t("send.none_mine" if own else "send.none")
        elif not own:
            note = self.t("send.sorted") + " " + note
        self.order_note.value = f"<div class='app-sub'>{html.escape(note)}</div>"
        rows = []
        for r in s.itertuples():
            chase = r.shortfall > 0
            short = (f"<b style='color:{BEHIND}'>{html.escape(fmt_int(r.shortfall))}</b>" if chase
                     else html.escape(fmt_int(r.shortfall)))
            seats = fmt_int(r.seats) + (self.t("send.shared_part", n=fmt_int(r.shared_seats)) if r.shared_seats else "")
            burden = "—" if pd.isna(r.burden) else self.t("send.burden_of", share=self.share(r.burden),
                                                           unit=self.name(r.burden_unit))
            if r.over_cap:
                burden += self.t("send.over_cap_mark")
            rows.append([html.escape(self.name(r.sender)), html.escape(seats), html.escape(fmt_int(r.quota)),
                         html.escape(fmt_int(r.nominated)), html.escape(fmt_int(r.selected)), short,
                         html.escape(burden)])
        self.main_table.value = self.table(
            [self.t("send.col.sender"), self.t("send.col.seats"), self.t("send.col.quota"),
             self.t("send.col.nominated"), self.t("send.col.selected"), self.t("send.col.shortfall"),
             self.t("send.col.burden")], rows, "")  # (no rows: the note above says so)
        options = list(s["sender"])
        if self.mine is not None:  # a sender may look at its own units too, task or none
            bound = [u for u in self.viewer.units if u in self.mine and u not in options]
            options += sorted(bound, key=self.name)
        keep = wanted if wanted in options else (self.pick.value if self.pick.value in options else "")
        self.pick.options = [(self.t("send.pick_one"), "")] + [(self.name(x), x) for x in options]
        self.pick.value = keep or (options[0] if options else "")
        self.show_sender()

    @property
    def packages_offered(self) -> bool:
        """A sender downloads its own package; a planner any sender's (to send it); a leader none."""
        return self.mine is not None or self.planner

    def make_package(self):
        """The picked sender's package (its task, its people, the nominations sheet) as a download link.

        A sender's page is built on its own cut of the workbook, and only its own senders can be picked,
        so its package holds nothing of another sender's people.
        """
        import tempfile
        from pathlib import Path

        x = self.pick.value
        if not x or not self.packages_offered or (self.mine is not None and x not in self.mine):
            self.package_link.value = ""
            return
        with tempfile.TemporaryDirectory() as tmp:
            name = f"{self.t('send.package_file', sender=file_stems([x], self.nm)[0])}.xlsx"
            path = write_sender_package(self.wb, x, Path(tmp) / "package.xlsx", lang=self.lang)
            data = path.read_bytes()
        self.package_link.value = download_link(data, name, self.t("send.package_link", name=name))

    def show_sender(self):
        x = self.pick.value
        if hasattr(self, "package_link"):
            self.package_link.value = ""
            self.package_button.disabled = not x
        if not x:
            self.detail.value = ""
            return
        b = self.batch.value
        t = self.task(b)
        t = t[t["sender"].eq(x)]
        sep = "、" if self.lang == "zh" else ", "
        rows = []
        for r in t.itertuples():
            shared = sep.join(self.name(o) for o in r.shared_with.split(";") if o) if r.shared_with else ""
            rows.append([html.escape(sector_label(r.sector, self.lang)), html.escape(fmt_int(r.seats)),
                         html.escape(self.t("send.shared_with", n=fmt_int(r.shared_seats), senders=shared)
                                     if shared else "—"),
                         html.escape(fmt_int(r.quota) + self.quota_source(r)),
                         html.escape(fmt_int(r.nominated)), html.escape(fmt_int(r.selected)),
                         html.escape(fmt_int(r.shortfall))])
        by_sector = self.table([self.t("col.sector"), self.t("send.col.seats"), self.t("send.col.shared"),
                                self.t("send.col.quota"), self.t("send.col.nominated"), self.t("send.col.selected"),
                                self.t("send.col.shortfall")], rows, self.t("send.no_task"), "senders-by-sector")
        self.detail.value = (f"<h4>{html.escape(self.t('send.task_by_sector', sender=self.name(x)))}</h4>{by_sector}"
                             f"<h4>{html.escape(self.t('send.people_head'))}</h4>{self.people_html(x, b)}"
                             f"<h4>{html.escape(self.t('send.burden_head'))}</h4>{self.burden_html(x)}")

    def quota_source(self, r) -> str:
        """Where a quota comes from, for planners and leaders (a sender's cut holds its quotas as given)."""
        if self.mine is not None:
            return ""
        return self.t("send.given" if r.quota_given else "send.split" if r.shared_seats else "send.task")

    def people_html(self, sender: str, batch: str) -> str:
        """Its people put forward for the batch (any status), the selected first; how many others it has."""
        wb = self.wb
        a = ancestors(wb)
        under = set(a.loc[a["ancestor"].eq(sender), "node"])
        p = wb.people[wb.people["sending_unit"].isin(under)]
        put = p[p["batch"].eq(batch) & p["nomination"].isin(STATUSES)]
        rank = {s: i for i, s in enumerate(STATUSES)}
        put = put.assign(_r=put["nomination"].map(rank)).sort_values(["_r", "sending_unit", "name"], kind="stable")
        rows = [[html.escape(str(r.name)), html.escape(self.name(r.sending_unit)),
                 html.escape(sector_label(str(r.sector), self.lang)),
                 html.escape(self.t(f"send.status.{r.nomination}"))] for r in put.head(ROWS).itertuples()]
        out = self.table([self.t("col.name"), self.t("send.col.unit"), self.t("col.sector"),
                          self.t("send.col.status")], rows, self.t("send.nobody_put"), "senders-people")
        more = len(put) - ROWS
        if more > 0:
            out += f"<div class='app-sub'>{html.escape(self.t('send.more_people', n=fmt_int(more)))}</div>"
        rest = len(p) - len(put)
        return out + f"<div class='app-sub'>{html.escape(self.t('send.others_not_put', n=fmt_int(rest)))}</div>"

    def burden_html(self, sender: str) -> str:
        b = units_burden(self.wb, [sender], on=self.as_of).sort_values(["burden", "unit"], ascending=[False, True])
        rows = []
        for r in b.itertuples():
            mark = self.t("send.over_cap") if r.over_cap else ""
            rows.append([html.escape(self.name(r.unit)), html.escape(sector_label(r.sector, self.lang)),
                         html.escape(fmt_int(r.staff)), html.escape(fmt_int(r.on_post)),
                         html.escape(self.share(r.burden)), html.escape(self.share(r.max_share)),
                         f"<b style='color:{BEHIND}'>{html.escape(mark)}</b>" if mark
                         else html.escape(self.t("send.within_cap") if pd.notna(r.max_share) else "—")])
        return self.table([self.t("send.col.unit"), self.t("col.sector"), self.t("send.col.staff"),
                           self.t("send.col.on_post"), self.t("send.col.burden_share"), self.t("send.col.cap"),
                           self.t("send.col.over")], rows, self.t("send.no_staff"), "senders-burden")
