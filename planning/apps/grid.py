"""The management grid page: who leads whom, the warnings a leader asks for, and the printable roster.

Leaders and host units read the grid as a tree (HQ → cells → groups → people) with each
unit's leader, their term, the people on post and the unit's warnings; the warnings tab
lists people in no cell, units with no leader on post, leaders leaving before their
people, people in two cells, and the lead seats the next batch needs. Everyone may
download the 三级网格花名册; a planner chooses the contact columns it carries (only those
the contract names) and may save the proposed lead seats as a scenario version.
"""
from __future__ import annotations

import html
import io
import logging
import traceback

import ipywidgets as W
import numpy as np
import pandas as pd

from ..core.names import names as display_names
from ..outputs.excel import write_excel
from ..programme.grid import (
    LEADER,
    contact_columns,
    grid_summary,
    in_reach,
    lead_seats_needed,
    leaderless_today,
    leadership_cliffs,
    memberships,
    people_in_no_cell,
    proposed_seats,
    two_cells_on_post,
)
from ..outputs.grid_roster import contact_label, kind_label, write_grid_roster
from ..core.i18n import fmt_date, fmt_int, list_sep, sector_label
from ..outputs.labels import order_names
from ..outputs.reports import report_line
from ..scenarios.rotation import next_batch_orders, with_draft_orders
from ..contract.schema import allowed, template_header, template_sheet
from .base import App, download_link, kpi_cards

log = logging.getLogger("planning.apps")

#: Units shown under one parent, and members listed under one unit, before "n more".
MAX_UNITS, MAX_MEMBERS = 40, 30
RED, AMBER = "#b2182b", "#d98c00"
#: Kinds of management unit from the top down (the contract's order).
KINDS = allowed("management_units", "kind")

CSS = """
<style>
.planning-app .grid-tree { font-size: 14px; line-height: 1.5; }
.planning-app .grid-tree ul { list-style: none; margin: 2px 0 4px 0; padding-left: 22px;
  border-left: 1px dashed #c5d2e3; }
.planning-app .grid-tree > ul { padding-left: 0; border-left: none; }
.planning-app .grid-tree summary { cursor: pointer; padding: 3px 4px; }
.planning-app .grid-tree summary:hover { background: #f3f6fa; }
.planning-app .grid-tree .u-name { font-weight: 600; color: #1f3a5f; }
.planning-app .grid-tree .u-kind { color: #555; font-size: 12px; background: #e8eef6; border-radius: 3px;
  padding: 0 5px; margin: 0 4px; }
.planning-app .grid-tree .u-lead { color: #222; }
.planning-app .grid-tree .u-count { color: #555; margin-left: 6px; }
.planning-app .grid-tree .warn { color: #b2182b; font-weight: 600; margin-left: 8px; }
.planning-app .grid-tree .soon { color: #8a5a00; font-weight: 600; margin-left: 8px; }
.planning-app .grid-tree table.members { border-collapse: collapse; font-size: 13px; margin: 2px 0 6px 0; }
.planning-app .grid-tree table.members td { padding: 1px 10px 1px 0; border-bottom: 1px solid #f0f0f0; }
.planning-app .grid-tree table.members td.who { font-weight: 600; }
.planning-app .grid-tree .more { color: #777; font-size: 12px; }
.planning-app .grid-warnings h4 { margin: 10px 0 4px 0; color: #1f3a5f; }
.planning-app .grid-warnings .none { color: #3a7a3a; margin: 4px 0 2px 0; }
.planning-app .seats-link a, .planning-app .roster-link a { color: #2f6db5; font-weight: 600; margin-left: 10px; }
.planning-app .seats-link a:before, .planning-app .roster-link a:before { content: "⬇ "; }
</style>
"""


def openpyxl_sheets(data: bytes) -> list[str]:
    """The sheet names of an .xlsx file held in memory (read from its workbook part, not the whole file)."""
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return re.findall(r'<sheet [^>]*name="([^"]*)"', z.read("xl/workbook.xml").decode("utf-8"))


class GridApp(App):
    """The management grid: tree, warnings and roster (planner and leader views)."""
    title_key = "gapp.title"
    page = "grid"
    pick_source = True

    def prepare(self, wb):
        on = self.as_of
        self.data = {
            "summary": grid_summary(wb, on),
            "members": memberships(wb),
            "no_cell": people_in_no_cell(wb, on),
            "leaderless": leaderless_today(wb, on),
            "cliffs": leadership_cliffs(wb, on),
            "two": two_cells_on_post(wb, on),
        }
        drafts = next_batch_orders(wb, start=on) if len(wb.management_units) else None
        seats = lead_seats_needed(wb, drafts, on=on)
        self.data["drafts"] = drafts
        self.data["seats"] = seats[seats["needs_seat"] | seats["lead_seat"].notna()]
        self.data["proposed"] = proposed_seats(seats)

    # ------------------------------------------------------------------ the page
    def build_body(self, wb):
        d = self.data
        self.names = display_names(wb)
        self.unit_names = dict(zip(d["summary"]["id"], d["summary"]["name"]))
        self.posts = order_names(wb, self.lang)
        drafts = d["drafts"]
        self.draft_source = (dict(zip(drafts["id"], drafts["source_order"])) if drafts is not None and len(drafts)
                             else {})
        if d["summary"].empty:
            return [W.HTML(f"{CSS}<div class='app-warning grid-none'>{html.escape(self.t('gapp.none'))}</div>")]
        cards = W.HTML(self.cards())
        cards.add_class("grid-cards")
        tops = d["summary"][d["summary"]["depth"].eq(0)]
        self.pick = W.Dropdown(options=[(self.t("gapp.tree.all"), "")] + list(zip(tops["name"], tops["id"])),
                               value="", description=self.t("gapp.tree.pick"), layout=W.Layout(width="420px"))
        self.pick.add_class("grid-pick")
        self.tree = W.HTML()
        self.tree.add_class("grid-tree-box")
        self.pick.observe(lambda _: self.safe(self.show_tree), "value")
        self.show_tree()
        self.warnings = W.HTML(self.warnings_html())
        self.warnings.add_class("grid-warnings")
        warnings = W.VBox([self.warnings, self.seats_box()] if self.planner and len(self.data["proposed"])
                          else [self.warnings])
        tabs = W.Tab(children=[W.VBox([self.pick, self.tree]), warnings, self.roster_box()])
        tabs.titles = (self.t("gapp.tab.tree"), self.t("gapp.tab.warnings", n=fmt_int(self.n_warnings())),
                       self.t("gapp.tab.roster"))
        self.tabs = tabs
        return [W.HTML(CSS), cards, tabs]

    def safe(self, fn):
        try:
            fn()
        except Exception:
            log.error("grid page failed:\n%s", traceback.format_exc())
            self.status.value = f"<div class='problems'>{html.escape(self.t('app.error'))}</div>"

    def n_warnings(self) -> int:
        d = self.data
        return len(d["no_cell"]) + len(d["leaderless"]) + len(d["cliffs"]) + len(d["two"]) + self.n_seats()

    def cards(self) -> str:
        d, s = self.data, self.data["summary"]
        kinds = s["kind"].value_counts()
        note = " · ".join(f"{kind_label(k, self.lang)} {fmt_int(kinds[k])}" for k in KINDS if k in kinds.index)
        people = int(s.loc[s["depth"].eq(0), "people"].sum() + self._top_leaders_on_post())

        def warn(n):
            return RED if n else None

        need = self.n_seats()
        # the grid reaches some host units only: say which share of everyone on post its figures are about
        from .overview import landing_figures  # the overview's own count of people on post

        reach = self.t("gapp.card.reach", units=fmt_int(len(in_reach(self.wb))),
                       on_post=fmt_int(landing_figures(self.wb, self.as_of)["on_post"]))
        cards = [(self.t("gapp.card.units"), fmt_int(len(s)), None, note),
                 (self.t("gapp.card.people"), fmt_int(people), None, reach),
                 (self.t("gapp.card.no_cell"), fmt_int(len(d["no_cell"])), warn(len(d["no_cell"]))),
                 (self.t("gapp.card.no_leader"), fmt_int(len(d["leaderless"])), warn(len(d["leaderless"]))),
                 (self.t("gapp.card.cliffs"), fmt_int(len(d["cliffs"])), AMBER if len(d["cliffs"]) else None),
                 (self.t("gapp.card.seats"), fmt_int(need), AMBER if need else None)]
        if len(d["two"]):
            cards.append((self.t("gapp.card.two"), fmt_int(len(d["two"])), RED))
        return kpi_cards(cards, small=True)

    def _top_leaders_on_post(self) -> int:
        s = self.data["summary"]
        top = s[s["depth"].eq(0) & s["leaders"].notna()]
        return len({p for v in top["leaders"] for p in v.split(";")})

    # ------------------------------------------------------------------ the tree
    def person(self, pid) -> str:
        return str(self.names.get(pid, ""))

    def shown(self) -> pd.DataFrame:
        """The summary rows of the grid chosen to show: the whole grid, or one top unit and the units below."""
        s = self.data["summary"]
        root = self.pick.value
        if root:
            keep = {root}
            for uid, parent in zip(s["id"], s["parent"]):  # the summary lists parents before children
                if parent in keep:
                    keep.add(uid)
            s = s[s["id"].isin(keep)]
        return s

    def show_tree(self):
        s = self.shown()
        self.tree.value = (f"<div class='app-sub'>{html.escape(self.t('gapp.tree.legend'))}</div>"
                           f"<div class='grid-tree'>{self.tree_html(s)}</div>")
        if hasattr(self, "preview"):  # the roster follows the grid shown
            self.preview.value = self.preview_html()
            self.roster_link.value = ""

    def tree_html(self, s: pd.DataFrame) -> str:
        m = self.data["members"]
        day = self.as_of
        now = m[(m["start"] <= day) & (m["end"] >= day) & m["role"].ne(LEADER)]
        lead_now = m[(m["start"] <= day) & (m["end"] >= day) & m["role"].eq(LEADER)]
        own = set(zip(lead_now["unit"], lead_now["person"]))
        now = now[np.array([(u, p) not in own for u, p in zip(now["unit"], now["person"])], dtype=bool)]
        members = {u: g.drop_duplicates("person") for u, g in now.sort_values(["unit", "end"]).groupby("unit")}
        posts = self.posts
        children: dict = {}
        shown = set(s["id"])
        for rec in s.itertuples(index=False):
            children.setdefault(rec.parent if isinstance(rec.parent, str) and rec.parent in shown else None,
                                []).append(rec)

        def unit_li(rec, depth: int) -> str:
            lead = self.leader_text(rec)
            on_post = rec.people + (len(rec.leaders.split(";")) if isinstance(rec.leaders, str) and rec.leaders else 0)
            count = f"<span class='u-count'>{html.escape(self.t('gapp.tree.people', n=fmt_int(on_post)))}</span>"
            flag = ""
            if pd.notna(rec.leaderless_from) and rec.leaderless_from <= day:
                flag = f"<span class='warn'>⚠ {html.escape(self.t('gapp.tree.no_leader'))}</span>"
            elif pd.notna(rec.leaderless_from):
                flag = (f"<span class='soon'>⚠ "
                        f"{html.escape(self.t('gapp.tree.cliff', day=fmt_date(rec.leaderless_from, self.lang)))}"
                        "</span>")
            kind = f"{kind_label(rec.kind, self.lang)} · {self.t('gapp.tree.level', n=rec.level_shown)}"
            head = (f"<span class='u-name'>{html.escape(str(rec.name))}</span>"
                    f"<span class='u-kind'>{html.escape(kind)}</span>{lead}{count}{flag}")
            inner = []
            kids = children.get(rec.id, [])
            if kids:
                inner.append("<ul>" + "".join(unit_li(k, depth + 1) for k in kids[:MAX_UNITS]) + "</ul>")
                if len(kids) > MAX_UNITS:
                    inner.append(f"<div class='more'>{html.escape(self.t('gapp.tree.more_units', n=fmt_int(len(kids) - MAX_UNITS)))}</div>")
            mem = members.get(rec.id)
            if mem is not None and len(mem):
                rows = "".join(
                    f"<tr><td class='who'>{html.escape(self.person(r.person))}</td>"
                    f"<td>{html.escape(str(posts.get(r.order, '')))}</td>"
                    f"<td>{html.escape(self.t('gapp.tree.term', day=fmt_date(r.end, self.lang)))}</td></tr>"
                    for r in mem.head(MAX_MEMBERS).itertuples(index=False))
                inner.append(f"<table class='members'>{rows}</table>")
                if len(mem) > MAX_MEMBERS:
                    inner.append(f"<div class='more'>{html.escape(self.t('gapp.tree.more', n=fmt_int(len(mem) - MAX_MEMBERS)))}</div>")
            # the units and their leaders at a glance; a unit's own members open with a click
            opened = " open" if kids else ""
            return f"<li><details{opened}><summary>{head}</summary>{''.join(inner)}</details></li>"

        tops = children.get(None, [])
        more = ""
        if len(tops) > MAX_UNITS:
            more = f"<div class='more'>{html.escape(self.t('gapp.tree.more_units', n=fmt_int(len(tops) - MAX_UNITS)))}</div>"
        return "<ul>" + "".join(unit_li(r, 0) for r in tops[:MAX_UNITS]) + "</ul>" + more

    def leader_text(self, rec) -> str:
        if isinstance(rec.leaders, str) and rec.leaders:
            who = list_sep(self.lang).join(self.person(p) for p in rec.leaders.split(";"))
            until = self.t("gapp.tree.until", day=fmt_date(rec.leader_until, self.lang)) if pd.notna(
                rec.leader_until) else ""
            return f"<span class='u-lead'>{html.escape(self.t('gapp.tree.leader', who=who) + until)}</span>"
        return ""

    # ------------------------------------------------------------------ warnings
    def table(self, rows: list[list], heads: list[str]) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows[:200])
        return f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def seat_groups(self) -> list[dict]:
        """The lead seats to create: one per proposed seat (units on one line losing the same leader share it),
        then the units needing one with no host unit or sector in sight."""
        seats = self.data["seats"]
        need = seats[seats["needs_seat"].astype(bool)]
        out = []
        for _, g in need.groupby([need["source_order"].fillna(""), need["leaderless_from"]], sort=False):
            r = g.iloc[0]
            out.append(dict(units=list(g["unit"]), day=r["leaderless_from"], people=int(g["people"].max()),
                            drafted=int(g["drafted"].max()), row=r))
        return sorted(out, key=lambda x: (x["day"], x["units"][0]))

    def warnings_html(self) -> str:
        d, lang, c = self.data, self.lang, lambda k: self.t(f"gapp.col.{k}")
        un = self.unit_names
        posts = self.posts
        date = lambda x: fmt_date(x, lang) if pd.notna(x) else self.t("gapp.w.not_placed")  # noqa: E731
        parent = d["summary"].set_index("id")["parent"]
        seat_of = d["seats"].set_index("unit")
        sections = [
            ("gapp.w.no_leader", [
                [str(un.get(r.unit, "")), str(un.get(parent.get(r.unit), "")), fmt_int(r.people),
                 date(r.leader_back)] for r in d["leaderless"].itertuples(index=False)],
             [c("unit"), c("parent"), c("people"), c("leader_back")]),
            ("gapp.w.no_cell", [
                [self.person(r.person), str(self.names.get(r.host_unit, "")), str(posts.get(r.order, "")),
                 fmt_date(r.end, lang)] for r in d["no_cell"].itertuples(index=False)],
             [c("name"), c("host_unit"), c("post"), c("end")]),
            ("gapp.w.two", [
                [self.person(r.person), list_sep(self.lang).join(str(un.get(u, "")) for u in r.units.split(";"))]
                for r in d["two"].itertuples(index=False)], [c("name"), c("units")]),
            ("gapp.w.cliffs", [
                [str(un.get(r.unit, "")), self.person(r.last_leader) if isinstance(r.last_leader, str) else "",
                 fmt_date(r.leaves_on, lang) if pd.notna(r.leaves_on) else "", fmt_date(r.leaderless_from, lang),
                 fmt_int(r.people), fmt_date(r.people_until, lang), date(r.leader_back),
                 self.seat_text(seat_of.loc[r.unit]) if r.unit in seat_of.index else ""]
                for r in d["cliffs"].itertuples(index=False)],
             [c("unit"), c("leaves"), c("leaves_on"), c("leaderless_from"), c("people_then"), c("people_until"),
              c("leader_back"), c("lead_seat")]),
            ("gapp.w.seats", [
                [list_sep(self.lang).join(str(un.get(u, "")) for u in g["units"]), fmt_date(g["day"], lang), fmt_int(g["people"]),
                 fmt_int(g["drafted"]), self.seat_text(g["row"])] for g in self.seat_groups()],
             [c("unit"), c("leaderless_from"), c("people_then"), c("drafted"), c("lead_seat")]),
        ]
        out, clear = [], []
        for key, rows, heads in sections:
            if rows:
                out.append(f"<h4>{html.escape(self.t(key, n=fmt_int(len(rows))))}</h4>" + self.table(rows, heads))
            else:
                clear.append(self.t(key, n=0))
        if clear:  # first, in one line: what needs nothing done
            out.insert(0, f"<div class='none'><b>{html.escape(self.t('gapp.w.clear'))}</b>"
                          + html.escape(("：" + "；".join(clear)) if lang == "zh" else (": " + "; ".join(clear)))
                          + "</div>")
        return "".join(out)

    def seat_text(self, r) -> str:
        if isinstance(r["lead_seat"], str):
            name = self.posts.get(r["lead_seat"])
            if name is None:  # a draft of the next batch: named after the order it follows
                name = self.posts.get(self.draft_source.get(r["lead_seat"]), "")
            return self.t("gapp.seat.staff", seat=str(name or ""))
        if isinstance(r["host_unit"], str) and isinstance(r["sector"], str):
            return self.t("gapp.seat.new", unit=str(self.names.get(r["host_unit"], "")),
                          sector=sector_label(r["sector"], self.lang), start=fmt_date(r["start"], self.lang))
        return self.t("gapp.seat.unknown")

    def n_seats(self) -> int:
        return len(self.seat_groups())

    # ------------------------------------------------------------------ roster
    def roster_box(self) -> W.VBox:
        intro = W.HTML(f"<div class='app-sub'>{html.escape(self.t('gapp.roster.intro', day=self.as_of_text()))}"
                       f" {html.escape(self.t('gapp.roster.scope'))}</div>")
        self.contacts = {c: W.Checkbox(value=False, description=contact_label(c, self.lang), indent=False,
                                       layout=W.Layout(width="auto", margin="0 16px 0 0"))
                         for c in contact_columns()}
        for c, box in self.contacts.items():
            box.add_class(f"contact-{c}")
        self.roster_button = W.Button(description=self.t("gapp.roster.make"), button_style="primary",
                                      layout=W.Layout(width="200px"))
        self.roster_button.add_class("roster-button")
        self.roster_button.on_click(lambda _: self.safe(self.make_roster))
        self.roster_link = W.HTML()
        self.roster_link.add_class("roster-link")
        parts = [intro]
        if self.planner:
            label = W.HTML(f"<b style='margin-right:14px'>{html.escape(self.t('gapp.roster.contacts'))}</b>")
            parts.append(W.HBox([label, *self.contacts.values()], layout=W.Layout(align_items="center")))
        else:
            parts.append(W.HTML(f"<div class='app-sub'>{html.escape(self.t('gapp.roster.viewer'))}</div>"))
        parts.append(W.HBox([self.roster_button, self.roster_link], layout=W.Layout(align_items="center")))
        self.preview = W.HTML(self.preview_html())
        self.preview.add_class("roster-preview")
        parts.append(self.preview)
        return W.VBox(parts)

    def preview_html(self) -> str:
        """The roster's first sheet for the grid shown, as the page shows it."""
        from ..outputs.grid_roster import summary_sheet

        table = summary_sheet(self.wb, self.as_of, self.lang, self.shown())
        rows = [[str(v) for v in r] for r in table.itertuples(index=False)]
        return (f"<h4>{html.escape(self.t('gapp.sheet.summary'))}</h4>"
                + self.table(rows, [str(c) for c in table.columns]))

    def make_roster(self) -> bytes:
        """The roster as an .xlsx download link (contact columns only for a planner's choice)."""
        contacts = [c for c, box in self.contacts.items() if box.value] if self.planner else []
        root = self.pick.value or None
        self.roster_link.value = f"<span class='app-sub'>{html.escape(self.t('gapp.roster.making'))}</span>"
        buf = io.BytesIO()
        write_grid_roster(self.wb, buf, on=self.as_of, contacts=contacts, lang=self.lang, data=self.data_name(),
                          root=root)
        data = buf.getvalue()
        self.roster_bytes = data
        n = len(openpyxl_sheets(data))
        name = f"{'三级网格花名册' if self.lang == 'zh' else 'grid-roster'}-{self.as_of:%Y%m%d}.xlsx"
        self.roster_link.value = download_link(data, name, self.t("gapp.roster.link", n=fmt_int(n)))
        return data

    def seats_box(self) -> W.VBox:
        """A planner's actions on the proposed lead seats: download them, or save them as a scenario version."""
        prop = self.data["proposed"]
        self.seats_link = W.HTML(self.download_seats() if len(prop) else "")
        self.seats_link.add_class("seats-link")
        self.accept_name = W.Text(value=self.suggested_name() or self.t("gapp.accept_default"), description=self.t("gapp.accept_name"),
                                  layout=W.Layout(width="400px"))
        self.accept_name.style.description_width = "120px"
        self.accept_button = W.Button(description=self.t("gapp.accept"), button_style="success",
                                      disabled=not len(prop), layout=W.Layout(width="400px"))
        self.accept_button.add_class("accept-seats")
        self.accept_button.on_click(lambda _: self.safe(self.accept))
        self.accept_status = W.HTML()
        self.accept_status.add_class("accept-status")
        return W.VBox([self.seats_link, W.HBox([self.accept_name, self.accept_button, self.accept_status],
                                                      layout=W.Layout(align_items="center",
                                                                      flex_flow="row wrap"))])

    def download_seats(self) -> str:
        """The proposed lead seats as the template's orders sheet (to confirm with the host units)."""
        d = self.data["proposed"]
        cols = [c for c in self.wb.orders.columns if c in d.columns]
        sheet = d[cols].rename(columns={c: template_header("orders", c) for c in cols})
        for c in sheet.columns:
            if pd.api.types.is_datetime64_any_dtype(sheet[c]):
                sheet[c] = sheet[c].dt.date
        buf = io.BytesIO()
        line = report_line(self.t("gapp.seats_title"), self.lang, data=self.data_name())
        write_excel(buf, [(template_sheet("orders"), sheet)], landscape=True, page_header=line)
        self.seats_bytes = buf.getvalue()
        name = f"{'组长岗位' if self.lang == 'zh' else 'lead-seats'}-{self.as_of:%Y%m%d}.xlsx"
        return download_link(self.seats_bytes, name, self.t("gapp.download_seats"))

    def accept(self) -> int | None:
        """Save the workbook with the proposed lead seats added to its orders, as a scenario version."""
        if not self.planner or not len(self.data["proposed"]):
            return None
        return self.save_version(self.accept_name.value, with_draft_orders(self.wb, self.data["proposed"]),
                                 self.accept_status, "gapp.accepted", note=self.t("gapp.accept_note"),
                                 onto_latest=True)
