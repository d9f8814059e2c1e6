"""What every app shares: language, data source, readiness, errors kept from viewers."""
from __future__ import annotations

import html
import logging
import os
import sys
import traceback

import ipywidgets as W
from pathlib import Path

from .. import contract
from ..programme.access import PAGES, OfficeRole, Viewer, scope_of, scoped
from ..core.clock import today
from ..core.names import names as workbook_names
from ..core.i18n import TEXT, default_lang, fmt_date, t
from ..outputs.labels import data_name, labelled
from ..contract import WorkbookError
from .serving import beijing_time, current_viewer, dashboard_stamp, data_path, in_office, preheated, published_scenario, query_lang
from .sources import DEFAULT_SOURCE
from .cuts import cut_path, read_cut

from .sources import DataSources, saved_versions, saved_versions_empty  # noqa: F401  (the pages import them from here)
from .serving import local_planner, query_param  # noqa: F401
from .widgets import (GREEN, RED, download_link, filled_share, heat_cell, heat_colour,  # noqa: F401
                      html_table, kpi_cards, planning_window)

log = logging.getLogger("planning.apps")
if not log.handlers and sys.__stderr__ is not None:
    # In a kernel, sys.stderr is the cell's output: a message logged without a handler of its own (Python's
    # last-resort handler) would show on the viewer's page. The process's own stderr is the server's log.
    _server_log = logging.StreamHandler(sys.__stderr__)
    _server_log.setFormatter(logging.Formatter("[planning] %(levelname)s | %(message)s"))
    log.addHandler(_server_log)

#: The page notebooks (a link is offered only to a page that is there).
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

CSS = """
<style>
.planning-app { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
/* the upload button: its words only (ipywidgets adds " (0)" after the description and an icon font the
   offline pages do not load); the words are the button's tooltip, shown in its place */
.planning-app .upload.jupyter-button { font-size: 0 !important; }
.planning-app .upload.jupyter-button::before { content: attr(title); font-size: 13px; }
.planning-app .upload.jupyter-button i.fa { display: none; }
.planning-app .app-title { font-size: 26px; font-weight: 600; margin: 4px 0; color: #1f3a5f; }
.planning-app .app-sub { color: #555; font-size: 13px; }
.planning-app .kpi { background: #f3f6fa; border-left: 4px solid #2f6db5; padding: 6px 14px; margin: 4px;
  min-width: 130px; line-height: 1.35; }
.planning-app .kpi .v { font-size: 26px; font-weight: 600; color: #1f3a5f; }
.planning-app .kpi .k { font-size: 13px; color: #555; }
.planning-app .kpi .s { font-size: 12px; color: #777; }
.planning-app .headline { font-size: 18px; font-weight: 600; color: #1f3a5f; border-left: 6px solid #2f6db5;
  background: #f7f9fc; padding: 6px 12px; margin: 2px 4px 2px 4px; }
.planning-app .scale { margin: 0 4px 2px 6px; }
.planning-app .first-screen, .planning-app .first-screen .widget-html-content { line-height: 1.35; }
.planning-app .panels { display: grid; gap: 14px; margin: 6px 4px;
  grid-template-columns: minmax(400px, 2fr) minmax(270px, 1.3fr) minmax(210px, 1fr) minmax(250px, 1.3fr); }
@media (max-width: 1250px) { .planning-app .panels { grid-template-columns: repeat(2, minmax(300px, 1fr)); } }
.planning-app .panel table.data td, .planning-app .panel table.data th { white-space: nowrap; padding: 3px 6px; }
.planning-app .panel table.data td.name { white-space: normal; }
/* a long responsible sender (a hospital's full name) wraps rather than cutting the panel at 1366 */
.planning-app .panel.where table.data td:last-child, .planning-app .panel.who table.data td:first-child {
  white-space: normal; }
.planning-app .panel { min-width: 0; overflow-x: auto; }
.planning-app .panel h4 { margin: 2px 0 4px 0; font-size: 15px; color: #1f3a5f; }
.planning-app .panel table.data { width: 100%; }
.planning-app .panel a, .planning-app .first-screen a { color: #2f6db5; text-decoration: none; }
.planning-app ul.decide { margin: 0; padding-left: 18px; font-size: 13px; }
.planning-app ul.decide li { margin-bottom: 4px; }
.planning-app .data-line b { color: #1f3a5f; }
.planning-app table.data { border-collapse: collapse; font-size: 13px; }
.planning-app table.data th { background: #e8eef6; padding: 4px 8px; text-align: left; position: sticky; top: 0; }
.planning-app table.data td { padding: 3px 8px; border-bottom: 1px solid #eee; }
.planning-app table.data td.num { text-align: right; }
.planning-app .problems { color: #8a1c1c; }
.planning-app .app-warning { background: #fff6e5; border-left: 4px solid #d98c00; padding: 6px 12px; margin: 6px 0;
  font-size: 14px; color: #5a3b00; max-height: 180px; overflow-y: auto; }
.planning-app .app-warning ul { margin: 4px 0 0 0; padding-left: 20px; }
.planning-app .nav { font-size: 15px; margin: 2px 0 6px 0; }
.planning-app .nav a { margin: 0 10px; color: #2f6db5; font-weight: 600; text-decoration: none; }
.planning-app table.heat { border-collapse: collapse; font-size: 14px; }
.planning-app table.heat th { padding: 4px 8px; background: #e8eef6; font-weight: 600; }
.planning-app table.heat th.row { text-align: right; background: #f3f6fa; white-space: nowrap; }
.planning-app table.heat td { min-width: 56px; text-align: center; padding: 6px 8px; border: 2px solid #fff; }
.planning-app table.heat td.na { background: #fafafa; }
.planning-app .heat-head { font-weight: 600; text-align: center; background: #e8eef6; padding: 4px 2px; }
.planning-app .heat-row button, .planning-app button.heat-row { text-align: right; background: #f3f6fa;
  font-weight: 600; }
.planning-app .heat-na { background: #fafafa; height: 100%; }
/* a tab as wide as its title (never cut with an ellipsis); the titles wrap onto a second row if need be */
.planning-app .lm-TabBar-tab { flex: 0 0 auto !important; max-width: none !important; }
.planning-app .lm-TabBar-tabLabel { overflow: visible !important; text-overflow: clip !important; }
.planning-app .lm-TabBar-content { flex-wrap: wrap; }
.planning-app .lm-TabBar { height: auto !important; min-height: var(--jp-widgets-horizontal-tab-height, 25px);
  overflow: visible !important; }
</style>
"""




class App(DataSources):
    """Base class: a root ``VBox`` with a header, a language switch and a body.

    Subclasses implement :meth:`build_body` (returning widgets) using ``self.t``,
    and may implement :meth:`prepare` for the work that does not depend on the
    language. The root gains the CSS class ``app-ready`` once the body is built, or
    ``app-failed`` (never ``app-ready``) when building it raised: the page then says
    only that something went wrong, the details are in the server log.

    Construction loads the workbook and runs :meth:`prepare` first, and only
    then reads the language from the page address. In a kernel Voila preheats
    for its pool (``planning serve``), everything up to that point runs before the
    viewer arrives; the viewer only waits for :meth:`build_body`. If the workbook
    changed on disk meanwhile, it is loaded again.

    Planner pages (``pick_source``) carry one data source picker, for planners only: the
    published version (or the office's data), any saved version, or an uploaded file
    (:meth:`choose_source`). A viewer's kernel never builds it, and the choice lives in the
    planner's own kernel alone: nothing of it is written anywhere a viewer's page reads.
    """
    title_key = "app.overview.title"
    page = "overview"  # the notebook's name: which roles may open it (planning.programme.access.PAGES)
    pick_source = False  # planner pages: a data source picker for planners

    def __init__(self, wb=None, lang: str | None = None, viewer: Viewer | None = None, store=None):
        self._store = store  # the scenario store (given in tests); else opened when needed
        self._given_wb = wb
        self.source = DEFAULT_SOURCE  # ("published",), ("version", name, v) or ("upload", file name)
        self.source_box = None   # the picker (planners only)
        self.upload = None       # its file upload widget (planners only)
        self._uploads: dict[str, object] = {}
        self._last_saved = None  # (name, version) this page saved last
        self._default_name = ""
        self.lang = lang or default_lang()
        self.full_wb = wb  # the workbook loaded (the published version, the office's data, or given)
        self.wb = None     # the part of it this viewer sees: what every table, figure and download is made of
        # who is looking: given (tests), vouched for by the office's front door, or the one local planner
        self.viewer = viewer
        self._scoped = None  # (full workbook, the viewer's part of it)
        self._cut = None  # the viewer's cut as read from the office's cuts (a host unit's, a sender's kernel)
        self.problems: list[str] = []
        self._load_error = None
        self._prepared_for = None
        self._stamp = None
        self.scenario = None  # the published scenario version shown, when the data comes from the store
        self.status = W.HTML()
        self.lang_button = W.Button(description=t("app.lang", self.lang), layout=W.Layout(width="110px"))
        self.lang_button.add_class("lang-switch")
        self.lang_button.on_click(lambda _: self.switch_lang())
        self.body = W.VBox()
        self.header = W.HTML()
        self.root = W.VBox([W.HTML(CSS), W.HBox([self.header, self.lang_button],
                                                layout=W.Layout(justify_content="space-between")),
                            self.status, self.body])
        self.root.add_class("planning-app")
        if lang is None and self.viewer is None and in_office() and not preheated():
            # a kernel the office started for its viewer (a host unit's, a sender's: never one preheated with the
            # whole workbook) knows who it is for before it reads anything, and then reads their cut alone
            self.viewer = current_viewer()
        self.warm()
        if lang is None:
            waited = preheated()
            self.lang = query_lang()  # a preheated kernel waits here for its viewer
            if self.viewer is None and in_office():
                self.viewer = current_viewer()
            if cut_path(self.viewer) is not None and self.full_wb is not None and self._cut is None:
                # a host unit or a sender in a kernel preheated with the whole workbook (the office's gate sends
                # them to kernels of their own): their page is made of their cut alone
                self.full_wb, self._load_error, self._scoped = None, None, None
                self.warm()
            elif waited and self._stamp is not None and dashboard_stamp() != self._stamp:
                self.full_wb, self._load_error = None, None
                self.warm()
        self.render()

    def t(self, key, **kw) -> str:
        """The words for ``key``: a reader's (leader's, host unit's) variant ``<key>.viewer`` where there is one
        and this viewer does not plan, so that only planners read planners' words (订单, 席位)."""
        if f"{key}.viewer" in TEXT and not self.planner:
            key = f"{key}.viewer"
        return t(key, self.lang, **kw)

    def labelled(self, df, wb=None, **kw):
        """:func:`planning.outputs.labels.labelled` in this page's language, headed in this viewer's words."""
        return labelled(df, self.wb if wb is None else wb, self.lang, viewer_words=not self.planner, **kw)

    def warm(self):
        """Load the workbook and prepare what does not depend on the language (errors wait for :meth:`render`)."""
        try:
            wb = self.load()
            if wb is not None:
                self._prepare_once(self.visible(wb))
        except Exception:
            pass  # render() runs it again inside its error handling

    def load(self):
        if self.full_wb is not None:
            return self.full_wb
        if self._load_error is None and cut_path(self.viewer) is not None:  # the office gives its viewer's cut
            return self._load_cut()
        if self._load_error is None:
            self._stamp = dashboard_stamp()
            self.scenario = published_scenario()
            if self.scenario is not None:
                self.full_wb = self.scenario.workbook
                return self.full_wb
            try:
                self.full_wb = contract.load_workbook(data_path())
            except WorkbookError as e:
                self._load_error = e
        if self._load_error is not None:
            self.problems = self._load_error.sentences(self.lang)
        return self.full_wb

    def _load_cut(self):
        """A host unit's or a sender's data in the office: their cut, written by the office's gate
        (:mod:`planning.apps.cuts`); never the published version or the office's data."""
        try:
            wb, self.scenario = read_cut(cut_path(self.viewer))
        except Exception:
            log.error("the viewer's cut cannot be read:\n%s", traceback.format_exc())
            self.problems = [self.t("app.error")]
            return None
        self.problems = []
        self.full_wb = self._cut = wb
        return wb

    @property
    def planner(self) -> bool:
        """May this viewer change things (save, publish, upload, allocate)? Outside the office: yes."""
        return self.viewer.plans if self.viewer is not None else not in_office()

    def refusal(self) -> str | None:
        """Why this viewer may not see this page (a sentence), or None."""
        if self.viewer is None:
            return self.t("office.sign_in") if in_office() else None
        if self.page not in self.viewer.pages:
            planners_only = self.page not in PAGES[OfficeRole.LEADER]
            return self.t("office.not_for_role" if planners_only else "office.not_your_page",
                          role=self.t(f"office.role.{self.viewer.role}"))
        return None

    def visible(self, wb):
        """The part of ``wb`` this viewer may see: a host unit's own units, a sender's own task and people,
        everything for the others."""
        if not scoped(self.viewer):
            return wb
        if wb is self._cut and wb is not None:  # read already cut (an office kernel of a host unit or a sender)
            self._scoped = (wb, wb)
        elif self._scoped is None or self._scoped[0] is not wb:
            self._scoped = (wb, scope_of(wb, self.viewer))
        return self._scoped[1]

    def prepare(self, wb):
        """Work on ``wb`` that does not depend on the language; runs once per workbook, before the viewer
        arrives when the kernel is preheated. Default: nothing."""
    def _prepare_once(self, wb):
        if self._prepared_for is not wb:
            self.as_of = today().normalize()  # the one day every figure of this page is taken on
            self.prepare(wb)
            self._prepared_for = wb

    def render(self):
        self.root.remove_class("app-ready")
        self.root.remove_class("app-failed")
        self.lang_button.description = t("app.lang", self.lang)
        self.header.value = f"<div class='app-title'>{html.escape(self.t(self.title_key))}</div>" + self.nav_html()
        refused = self.refusal()
        if refused is not None:  # the office's front door refuses such pages already; this is the second wall
            self.status.value = f"<div class='problems refused'>{html.escape(refused)}</div>"
            self.body.children = ()
            self.root.add_class("app-ready")
            return
        try:
            full = self.load()
            if self.source == DEFAULT_SOURCE and full is not None:
                self._default_name = self.data_name()
            self._build_source_picker()
            wb = self.wb = self.visible(full) if full is not None else None
            if wb is None:
                items = "".join(f"<li>{html.escape(s)}</li>" for s in self.problems)
                self.status.value = f"<div class='problems'><b>{self.t('app.load_failed')}</b><ul>{items}</ul></div>"
                self.body.children = ()
            else:
                self._prepare_once(wb)
                self.status.value = (f"<div class='app-sub published-source data-line'>"
                                     f"{html.escape(self.t('app.data_source', source=self.data_name()))} · "
                                     f"<b class='as-of'>{html.escape(self.t('app.as_of', day=self.as_of_text()))}"
                                     f"</b>{self.viewer_line()}</div>")
                self.body.children = tuple(self.build_body(wb))
        except Exception:  # keep tracebacks out of the page, in the server log
            log.error("app failed:\n%s", traceback.format_exc())
            self.status.value = f"<div class='problems'>{html.escape(self.t('app.error'))}</div>"
            self.root.add_class("app-failed")  # never "ready": what waits for the page sees it failed
            return
        self.root.add_class("app-ready")

    def nav_html(self) -> str:
        """Links back to the overview and on to every other page this viewer may open (none on the overview,
        which lists them in its own words)."""
        if self.page == "overview":
            return ""
        pages = list(self.viewer.pages) if self.viewer is not None else list(PAGES[OfficeRole.PLANNER])
        if self.viewer is None and not self.planner:
            pages = list(PAGES[OfficeRole.LEADER])
        order = (["overview"] if "overview" in pages else []) + [p for p in pages if p != "overview"]
        links = [f"<a class='nav-link' href='{p}.ipynb?lang={self.lang}'>{html.escape(self.t(f'ov.link.{p}'))}</a>"
                 for p in order if p != self.page and f"ov.link.{p}" in TEXT and (NOTEBOOKS / f"{p}.ipynb").exists()]
        return f"<div class='nav page-nav'>{' · '.join(links)}</div>" if links else ""

    def data_name(self) -> str:
        """What the figures are made of, in words: the published scenario and version, the sample, or the file."""
        sc = self.scenario
        if self.source[0] == "upload":
            return self.t("app.uploaded_source", name=self.source[1])
        if self.source[0] == "version" and sc is not None and sc.workbook is self.full_wb:
            return self.t("app.saved_source", name=sc.name, v=sc.version, author=sc.author,
                          when=beijing_time(sc.saved_at, self.lang))
        if sc is not None and sc.workbook is self.full_wb:
            return self.t("app.published", name=sc.name, v=sc.version, author=sc.author,
                          when=beijing_time(sc.saved_at, self.lang))
        return data_name(self.full_wb if self.full_wb is not None else self.wb, self.lang)

    def as_of_text(self) -> str:
        """The day every figure on the page is taken on (fixed when the figures were computed)."""
        return fmt_date(getattr(self, "as_of", None) or today(), self.lang)


    def viewer_line(self) -> str:
        """In the office: who is signed in, as what (and for which units), and the sign-out link."""
        v = self.viewer
        if v is None or not in_office():
            return ""
        who = self.t("office.signed_in", name=v.name, role=self.t(f"office.role.{v.role}"))
        if v.role in (OfficeRole.HOST_UNIT, OfficeRole.SENDER):
            nm = workbook_names(self._scoped[0]) if self._scoped is not None else {}
            who += self.t("office.units", units="、".join(str(nm.get(u, u)) for u in v.units))
        hub = os.environ.get("PLANNING_HUB_PREFIX", "/hub/")
        return (f" · <span class='viewer'>{html.escape(who)}</span> · "
                f"<a class='sign-out' href='{html.escape(hub)}logout'>{html.escape(self.t('office.sign_out'))}</a>")

    def switch_lang(self):
        self.lang = "en" if self.lang == "zh" else "zh"
        if self.problems:
            self.full_wb, self._load_error = None, None
            self.problems = []
        self.render()

    def build_body(self, wb):  # pragma: no cover - abstract
        raise NotImplementedError

    def _ipython_display_(self):
        from IPython.display import display

        display(self.root)
