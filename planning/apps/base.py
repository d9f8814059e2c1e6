"""What every app shares: language, data source, readiness, errors kept from viewers."""
from __future__ import annotations

import html
import io
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import traceback
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs

import ipywidgets as W
import pandas as pd

from .. import SAMPLE
from .. import contract
from ..programme.access import OfficeRole, Viewer, read_viewer, scope_workbook
from ..core.clock import today
from ..core.names import names as workbook_names
from ..core.periods import ends
from ..programme.coverage import BAND_COLOURS, band, filled_ratio
from ..core.i18n import LANGS, default_lang, fmt_date, t
from ..core.limits import limits
from ..outputs.labels import data_name
from ..scenarios.store import StoreError, open_store
from ..contract import WorkbookError

log = logging.getLogger("planning.apps")
if not log.handlers and sys.__stderr__ is not None:
    # In a kernel, sys.stderr is the cell's output: a message logged without a handler of its own (Python's
    # last-resort handler) would show on the viewer's page. The process's own stderr is the server's log.
    _server_log = logging.StreamHandler(sys.__stderr__)
    _server_log.setFormatter(logging.Formatter("[planning] %(levelname)s | %(message)s"))
    log.addHandler(_server_log)

CSS = """
<style>
.planning-app { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; }
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
</style>
"""

_viewer_arrived = False


def preheated() -> bool:
    """True in a kernel Voila started ahead of its viewer (``--preheat_kernel``) that no viewer has taken yet.

    Such a kernel runs the notebook before any request exists, so it has no
    ``QUERY_STRING``; see :func:`wait_for_viewer`. False under Voila without a pool,
    in JupyterLab and under nbclient.
    """
    return os.environ.get("VOILA_PREHEAT") == "True" and not _viewer_arrived


def wait_for_viewer() -> None:
    """In a preheated Voila kernel, block until a viewer's request takes it, then put the request's
    ``QUERY_STRING`` (and the rest of its request info) into ``os.environ``; elsewhere return at once.

    Do the heavy work (imports, loading the workbook) before calling this: it is
    what the pool does ahead of the viewer. This follows ``voila.utils.wait_for_request``
    (Voila 0.5): the server sends the request info as one message on the websocket
    ``/voila/query/<kernel id>``. It does not import ``voila.utils`` because that pulls
    the whole server into every kernel (about 3 s of CPU and 30 MB each).
    """
    global _viewer_arrived
    if not preheated():
        return
    _viewer_arrived = True  # only the first call waits: the server sends the request info once
    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}")
    try:
        from websockets.sync.client import connect
    except ImportError:  # websockets < 11: Voila's own helper (slow import, same protocol)
        from voila.utils import wait_for_request

        wait_for_request()
        return
    try:
        try:
            ws = connect(url, open_timeout=10, max_size=None, proxy=None)  # never through an HTTP proxy
        except TypeError:  # websockets < 15 has no proxy support at all
            ws = connect(url, open_timeout=10, max_size=None)
        with ws:
            # one line in the server's log (the kernel's own stderr) per kernel ready in the pool
            if sys.__stderr__ is not None:
                print(f"[planning] preheated kernel {env.get('VOILA_KERNEL_ID', '')} waits for its viewer",
                      file=sys.__stderr__, flush=True)
            info = json.loads(ws.recv())
    except Exception:  # no request info: the page shows the defaults rather than nothing
        log.warning("no request info from %s:\n%s", url, traceback.format_exc())
        return
    for k, v in info.items():
        env[k] = str(v)


def query_lang() -> str:
    """Language asked for by the page address (``?lang=en``), else the default.

    In a preheated Voila kernel this waits for the viewer (:func:`wait_for_viewer`).
    """
    wait_for_viewer()
    qs = parse_qs(os.environ.get("QUERY_STRING", ""))
    lang = (qs.get("lang") or [""])[0].lower()
    return lang if lang in LANGS else default_lang()


def query_param(name: str) -> str:
    """A parameter of the page address (``?unit=H-SCH01``), or an empty string; never trusted beyond a lookup."""
    return (parse_qs(os.environ.get("QUERY_STRING", "")).get(name) or [""])[0]


VIEWER_PARAM = "planning_viewer"  # the query parameter the office's front door adds to every page it lets through


def in_office() -> bool:
    """True when the pages are served by the planning office (sign-in and roles), not by ``planning serve``."""
    return bool(os.environ.get("PLANNING_OFFICE_SECRET"))


def current_viewer() -> Viewer | None:
    """The signed-in viewer the office's front door vouches for in the page address, or None.

    Only a pass signed with the office's secret (``PLANNING_OFFICE_SECRET``, known to the
    server alone) counts; in a preheated kernel this waits for the viewer first.
    """
    wait_for_viewer()
    token = (parse_qs(os.environ.get("QUERY_STRING", "")).get(VIEWER_PARAM) or [""])[0]
    return read_viewer(token, os.environ.get("PLANNING_OFFICE_SECRET"))


def local_planner() -> Viewer:
    """The one planner of ``planning serve`` or JupyterLab: named by the hub, ``PLANNING_USER`` or the login."""
    import getpass

    name = os.environ.get("JUPYTERHUB_USER") or os.environ.get("PLANNING_USER")
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no login name (some containers)
            name = "planner"
    return Viewer(name, OfficeRole.PLANNER)


def data_path() -> Path:
    """The workbook the dashboards show: ``PLANNING_DATA`` or the shipped sample."""
    p = os.environ.get("PLANNING_DATA")
    return Path(p) if p else SAMPLE


def store_path() -> Path | None:
    """The scenario store's SQLite file when the dashboards use one (``None`` for a database server)."""
    if os.environ.get("PLANNING_DB_URL"):
        return None
    p = os.environ.get("PLANNING_STORE")
    return Path(p) if p else Path(__file__).resolve().parents[2] / "data" / "scenarios.sqlite"


def published_scenario():
    """The scenario version published for the dashboards, or ``None``.

    Used when the server was not pointed at a workbook (no ``PLANNING_DATA``)
    and a store exists (``PLANNING_DB_URL``, or the SQLite file); the store is
    never created here. A store that cannot be read is logged and skipped.
    """
    if os.environ.get("PLANNING_DATA"):
        return None
    sp = store_path()
    if sp is not None and not sp.exists():
        return None

    try:
        store = open_store()
        try:
            return store.load_published()
        finally:
            store.close()
    except StoreError as e:
        log.error("the scenario store cannot be read: %s", e)
        return None


def beijing_time(ts) -> str:
    """A stored time (UTC) as the offices read it: Beijing time, to the minute."""

    t_ = pd.Timestamp(ts)
    t_ = t_.tz_localize("UTC") if t_.tzinfo is None else t_
    return t_.tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")


def dashboard_stamp() -> tuple:
    """What the pages' data comes from, as file stamps: a change means the data must be loaded again."""
    sp = store_path()
    if sp is None and not os.environ.get("PLANNING_DATA"):  # a database server: ask which version is published

        try:
            store = open_store()
            try:
                return source_stamp(data_path()), store.published()
            finally:
                store.close()
        except StoreError:
            return source_stamp(data_path()), ()
    if sp is None or not sp.exists():
        return source_stamp(data_path()), ()
    # SQLite in WAL mode writes to the -wal file first
    return source_stamp(data_path()), source_stamp(sp), source_stamp(Path(f"{sp}-wal"))


def source_stamp(path: Path) -> tuple:
    """Names, sizes and modification times of a workbook file or of the files in a workbook folder."""
    try:
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        return tuple((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files if f.is_file())
    except OSError:
        return ()


def html_table(df, headers: dict[str, str] | None = None, max_rows: int = 200) -> str:
    """A DataFrame as a small escaped HTML table (numbers right-aligned)."""
    headers = headers or {}
    cols = list(df.columns)
    head = "".join(f"<th>{html.escape(str(headers.get(c, c)))}</th>" for c in cols)
    rows = []
    for rec in df.head(max_rows).itertuples(index=False):
        cells = []
        for v in rec:
            # a missing value (None, NaN, NaT, pd.NA) is an empty cell, never "nan" or "None" on a page
            missing = v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and bool(pd.isna(v)))
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            txt = "" if missing else f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)
            cells.append(f"<td class='{'num' if num else ''}'>{html.escape(txt)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def filled_share(demand: int, gap: int) -> tuple[float, str]:
    """Share of demanded seats that are filled, and its band colour (grey without demand)."""

    share = float(filled_ratio([demand - gap], [demand])[0])
    return share, BAND_COLOURS[band(pd.Series([share])).iloc[0]]


def kpi_cards(cards, small: bool = False) -> str:
    """Headline figure cards: ``(label, value, colour or None[, note])`` each; the colour marks the left edge,
    the note is a small line under the label."""
    size = " style='font-size:20px'" if small else ""
    out = []
    for card in cards:
        k, v, c = card[:3]
        note = card[3] if len(card) > 3 else ""
        out.append(f"<div class='kpi' style='border-left-color:{c or '#2f6db5'}'><div class='v'{size}>"
                   f"{html.escape(v)}</div><div class='k'>{html.escape(k)}</div>"
                   + (f"<div class='s'>{html.escape(note)}</div>" if note else "") + "</div>")
    return "<div style='display:flex;flex-wrap:wrap'>" + "".join(out) + "</div>"


def planning_window(wb, lang: str, description: str, months: int = 12) -> W.SelectionRangeSlider:
    """A month-range slider from this month to the last order's month, the first ``months`` chosen."""

    now = today().to_period("M").to_timestamp()
    last = ends(wb.orders["end"]).max() if len(wb.orders) else now
    span = pd.date_range(now, max(now, last.to_period("M").to_timestamp()), freq="MS")
    labels = [(f"{m.year}年{m.month}月" if lang == "zh" else m.strftime("%b %Y"), m) for m in span]
    return W.SelectionRangeSlider(options=labels, index=(0, min(len(labels) - 1, months - 1)),
                                  description=description, layout=W.Layout(width="560px"), continuous_update=False)


RED, GREEN = (178, 24, 43), (26, 150, 65)


def heat_colour(share: float, colour=RED) -> str:
    """White blended toward ``colour`` by ``share`` (0–1), as ``rgb(…)``."""
    x = min(max(float(share), 0.0), 1.0)
    r, g, b = (round(247 * (1 - x) + c * x) for c in colour)
    return f"rgb({r},{g},{b})"


def heat_cell(share: float, text: str, colour=RED) -> str:
    """A heatmap cell: white blended toward ``colour`` by ``share`` (0–1); white text on dark cells."""
    fg = "#fff" if min(max(float(share), 0.0), 1.0) > 0.55 else "#222"
    return f"<td style='background:{heat_colour(share, colour)};color:{fg}'>{html.escape(text)}</td>"


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_link(data: bytes, name: str, label: str | None = None, mime: str = XLSX_MIME) -> str:
    """An ``<a download>`` link carrying ``data`` in a ``data:`` address (nothing leaves the server)."""
    import base64

    href = f"data:{mime};base64," + base64.b64encode(data).decode()
    return f"<a download='{html.escape(name)}' href='{href}'>{html.escape(label or name)}</a>"


class UploadRefused(ValueError):
    """An uploaded file that cannot be used: ``reason`` (one sentence) and, for a workbook with problems,
    ``items`` (its problems as sentences)."""

    def __init__(self, reason: str, items: list[str] | None = None):
        super().__init__(reason)
        self.reason, self.items = reason, list(items or [])


def read_upload(name: str, content: bytes, lang: str):
    """A workbook uploaded through a page (``.xlsx`` or a zipped folder of CSVs), loaded in memory.

    The file is written to a private temporary folder only for the loader and removed at once;
    its ``source`` is the planner's own file name. Raises :class:`UploadRefused` (with the
    workbook's problems as sentences, in the planner's file name) when it cannot be used.
    """
    tmp = Path(tempfile.mkdtemp(prefix="planning-upload-"))
    suffix = Path(name).suffix.lower()
    path = tmp
    try:
        if len(content) > limits().file_bytes:
            raise UploadRefused(t("cov.upload_big", lang, mb=len(content) >> 20, limit=limits().file_bytes >> 20))
        if suffix == ".xlsx":
            # the planner's own file name in every message (only its last part, made safe for a path)
            safe = re.sub(r"[\x00-\x1f/\\:*?\"<>|]", "_", Path(name).name)[:120] or "upload.xlsx"
            path = tmp / (safe if safe.lower().endswith(".xlsx") else safe + ".xlsx")
            path.write_bytes(content)
        elif suffix == ".zip":
            try:
                with zipfile.ZipFile(io.BytesIO(content)) as z:
                    members = [i for i in z.infolist() if i.filename.lower().endswith(".csv")
                               and not i.filename.startswith("__MACOSX") and ".." not in i.filename
                               and not i.filename.startswith("/")]
                    lim = limits()
                    unpacked = sum(i.file_size for i in members)
                    if unpacked > lim.unpacked_bytes:  # refused before anything is inflated
                        raise UploadRefused(t("cov.upload_unpacked", lang, mb=unpacked >> 20,
                                              limit=lim.unpacked_bytes >> 20))
                    seen: dict[str, str] = {}
                    for i in members:
                        base = Path(i.filename).name
                        if base.lower() in seen:  # two folders' people.csv: never the later silently
                            raise UploadRefused(t("cov.upload_twice", lang, a=seen[base.lower()], b=i.filename))
                        seen[base.lower()] = i.filename
                        with z.open(i) as src, open(tmp / base, "wb") as dst:
                            shutil.copyfileobj(src, dst, 1 << 20)
            except zipfile.BadZipFile as e:
                raise UploadRefused(str(e))
            if not members:
                raise UploadRefused(t("cov.upload_nocsv", lang))
        else:
            raise UploadRefused(t("cov.upload_kind", lang))
        try:
            wb = contract.load_workbook(path)
        except WorkbookError as e:
            raise UploadRefused(name, [s.replace(str(path), name).replace(str(tmp), name)
                                       for s in e.sentences(lang)]) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the workbook is in memory; the copy on disk goes
    wb.source = name
    wb.upload_notes = [n.sentence(lang).replace(str(path), name) for n in wb.notes]
    return wb


def saved_versions_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["name", "version", "author", "saved_at", "note", "origin", "published", "plan"])


def saved_versions(store) -> pd.DataFrame:
    """Every version in the store that is not deleted, newest first.

    Columns ``name, version, author, saved_at, note, origin, published, plan``.
    """
    cols = ["name", "version", "author", "saved_at", "note", "origin", "published", "plan"]
    sc = store.scenarios()
    frames = [store.versions(n).assign(name=n) for n in sc["name"]]
    frames = [f for f in frames if len(f)]
    if not frames:
        return saved_versions_empty()
    out = pd.concat(frames, ignore_index=True)[cols]
    return out.sort_values(["saved_at", "name", "version"], ascending=[False, True, False]).reset_index(drop=True)


#: the data source picker's value for what the page shows by default: the published version (or the office's data)
DEFAULT_SOURCE = ("published",)


class App:
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
        self.warm()
        if lang is None:
            waited = preheated()
            self.lang = query_lang()  # a preheated kernel waits here for its viewer
            if self.viewer is None and in_office():
                self.viewer = current_viewer()
            if waited and self._stamp is not None and dashboard_stamp() != self._stamp:
                self.full_wb, self._load_error = None, None
                self.warm()
        self.render()

    def t(self, key, **kw) -> str:
        return t(key, self.lang, **kw)

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

    @property
    def planner(self) -> bool:
        """May this viewer change things (save, publish, upload, allocate)? Outside the office: yes."""
        return self.viewer.plans if self.viewer is not None else not in_office()

    def refusal(self) -> str | None:
        """Why this viewer may not see this page (a sentence), or None."""
        if self.viewer is None:
            return self.t("office.sign_in") if in_office() else None
        if self.page not in self.viewer.pages:
            return self.t("office.not_for_role", role=self.t(f"office.role.{self.viewer.role}"))
        return None

    def visible(self, wb):
        """The part of ``wb`` this viewer may see: a host unit's own units, everything for the others."""
        if self.viewer is None or self.viewer.role != OfficeRole.HOST_UNIT:
            return wb
        if self._scoped is None or self._scoped[0] is not wb:
            self._scoped = (wb, scope_workbook(wb, self.viewer.units))
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
        self.header.value = f"<div class='app-title'>{html.escape(self.t(self.title_key))}</div>"
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

    def data_name(self) -> str:
        """What the figures are made of, in words: the published scenario and version, the sample, or the file."""
        sc = self.scenario
        if self.source[0] == "upload":
            return self.t("app.uploaded_source", name=self.source[1])
        if self.source[0] == "version" and sc is not None and sc.workbook is self.full_wb:
            return self.t("app.saved_source", name=sc.name, v=sc.version, author=sc.author,
                          when=beijing_time(sc.saved_at))
        if sc is not None and sc.workbook is self.full_wb:
            return self.t("app.published", name=sc.name, v=sc.version, author=sc.author,
                          when=beijing_time(sc.saved_at))
        return data_name(self.full_wb if self.full_wb is not None else self.wb, self.lang)

    def as_of_text(self) -> str:
        """The day every figure on the page is taken on (fixed when the figures were computed)."""
        return fmt_date(getattr(self, "as_of", None) or today(), self.lang)

    @contextmanager
    def using_store(self):
        """The scenario store: the one given, else opened for this use and closed after it."""
        if self._store is not None:
            yield self._store
            return
        store = open_store(lang=self.lang)
        try:
            yield store
        finally:
            store.close()

    def source_version(self) -> tuple[str, int] | None:
        """The scenario version the page computes on (picked, or the published one shown), or None."""
        sc = self.scenario
        if sc is not None and sc.workbook is self.full_wb:
            return sc.name, int(sc.version)
        return None

    def suggested_name(self) -> str:
        """A name to save under: the source's scenario, or the uploaded file's name without its suffix."""
        v = self.source_version()
        if v is not None:
            return v[0]
        if self.source[0] == "upload":
            return Path(self.source[1]).stem[:80]
        return ""

    def save_version(self, name: str, wb, status: W.HTML, saved_key: str, *, plan=None, note: str = "",
                     decisions=None, onto_latest: bool = False, fresh: bool = False) -> int | None:
        """Save ``wb`` as a scenario version authored by the sign-in name; say the outcome in ``status``.

        A planner's act: None for anyone else. Saved under the source's scenario name, it is
        the next version over the source version (over this page's own last save once there
        is one); under a new name, a new scenario. ``onto_latest`` saves over the scenario's
        latest version when another name exists (a further version) instead of refusing it;
        ``fresh`` saves a new scenario only (a name that exists is refused).
        The page it was saved from is recorded with it. A store error (a taken or bad name,
        a newer version saved meanwhile, the store unreachable) is one sentence in
        ``status``; nothing is saved then.
        """
        if not self.planner:
            return None
        name = (name or "").strip()
        try:
            with self.using_store() as store:
                base = None
                src = self.source_version()
                if fresh:
                    pass
                elif self._last_saved is not None and self._last_saved[0] == name:
                    base = self._last_saved[1]
                elif src is not None and src[0] == name:
                    base = src[1]
                elif onto_latest:
                    sc = store.scenarios()
                    if name in set(sc["name"]):
                        base = int(sc.loc[sc["name"].eq(name), "latest"].iloc[0])
                v = store.save(name, wb, plan=plan, author=(self.viewer or local_planner()).name, note=note,
                               base=base, decisions=decisions, origin=self.page)
        except StoreError as e:
            status.value = f"<span class='problems'>{html.escape(str(e))}</span>"
            return None
        self._last_saved = (name, int(v))
        status.value = f"<span class='app-sub saved-version'>{html.escape(self.t(saved_key, name=name, v=v))}</span>"
        self.refresh_sources()
        return v

    # --- the data source picker (planners only) -----------------------------------------------------
    def _store_versions(self) -> pd.DataFrame:
        """The saved versions the picker offers (none when there is no store yet: it is never created here)."""
        sp = store_path()
        if self._store is None and sp is not None and not sp.exists():
            return saved_versions_empty()
        try:
            with self.using_store() as store:
                return saved_versions(store)
        except StoreError as e:
            log.error("the scenario store cannot be read: %s", e)
            return saved_versions_empty()

    def version_label(self, r) -> str:
        """One saved version in words: name, version, author, date, note (and the page it came from)."""
        origin = self.t(f"src.origin.{r.origin}") if r.origin else ""
        note = str(r.note or "").strip()
        note = note if len(note) <= 40 else note[:39] + "…"
        text = self.t("src.version", name=r.name, v=int(r.version), author=r.author, when=beijing_time(r.saved_at))
        extra = "；".join(x for x in (origin, note) if x) if self.lang == "zh" else "; ".join(
            x for x in (origin, note) if x)
        return (text + (f" · {extra}" if extra else "") + (self.t("src.is_published") if r.published else ""))

    def source_options(self) -> list:
        opts = [(self.t("src.default", what=self._default_name or self.t("app.unnamed")), DEFAULT_SOURCE)]
        opts += [(self.version_label(r), ("version", r.name, int(r.version)))
                 for r in self._store_versions().itertuples()]
        opts += [(self.t("src.upload_item", name=n), ("upload", n)) for n in self._uploads]
        if self.source not in {v for _, v in opts}:  # a version deleted meanwhile stays while it is shown
            opts.append((self.data_name(), self.source))
        return opts

    def _build_source_picker(self):
        if not (self.pick_source and self.planner) or self.refusal() is not None:
            return
        if self.source_box is None:
            self.source_pick = W.Dropdown(description=self.t("src.pick"), layout=W.Layout(width="720px"))
            self.source_pick.style.description_width = "90px"
            self.source_pick.add_class("source-pick")
            self.upload = W.FileUpload(accept=".xlsx,.zip", multiple=False, description=self.t("cov.upload"),
                                       layout=W.Layout(width="320px"))
            self.upload.add_class("upload")
            self.upload.observe(self._on_upload, "value")
            self.source_status = W.HTML()
            self.source_status.add_class("source-status")
            self.source_box = W.VBox([W.HBox([self.source_pick, self.upload],
                                             layout=W.Layout(flex_flow="row wrap", align_items="center")),
                                      self.source_status])
            self.source_box.add_class("source-picker")
            self._picking = False
            self.source_pick.observe(self._on_pick, "value")
            kids = list(self.root.children)
            kids.insert(kids.index(self.status) + 1, self.source_box)
            self.root.children = tuple(kids)
        self.source_pick.description = self.t("src.pick")
        self.upload.description = self.t("cov.upload")
        self.refresh_sources()

    def refresh_sources(self):
        """The picker's options again (after a save, an upload or a language switch), keeping the choice."""
        if self.source_box is None:
            return
        self._picking = True
        try:
            self.source_pick.options = self.source_options()
            self.source_pick.value = self.source
        finally:
            self._picking = False

    def _on_pick(self, change):
        if self._picking or change["new"] is None or change["new"] == self.source:
            return
        self.choose_source(change["new"])

    def _on_upload(self, change):
        files = change["new"]
        if files:
            self.load_upload(files[0]["name"], bytes(files[0]["content"]))

    def load_upload(self, name: str, content: bytes) -> bool:
        """Take an uploaded workbook as the page's source; its problems are listed and nothing changes."""
        if not self.planner or self.source_box is None:
            return False
        try:
            wb = read_upload(name, content, self.lang)
        except UploadRefused as e:
            items = "".join(f"<li>{html.escape(x)}</li>" for x in e.items)
            self.source_status.value = (f"<div class='problems upload-problems'><b>"
                                        f"{html.escape(self.t('cov.upload_bad', reason=e.reason))}</b>"
                                        + (f"<ul>{items}</ul>" if items else "") + "</div>")
            return False
        self._uploads[name] = wb
        self.choose_source(("upload", name))
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in getattr(wb, "upload_notes", []))
        self.source_status.value = (f"<div class='app-sub uploaded'>{html.escape(self.t('cov.uploaded', name=name))}"
                                    + (f"<ul class='upload-notes'>{notes}</ul>" if notes else "") + "</div>")
        return True

    def choose_source(self, source) -> bool:
        """Compute the page on ``source``: :data:`DEFAULT_SOURCE`, ``("version", name, v)`` or
        ``("upload", file name)`` (a file uploaded on this page). A planner's act; a version that cannot be
        loaded is said in the picker's line and nothing changes."""
        if not self.planner or self.source_box is None:
            return False
        source = tuple(source)
        if source == DEFAULT_SOURCE:
            self.full_wb, self.scenario, self._load_error, self.problems = self._given_wb, None, None, []
        elif source[0] == "version":
            try:
                with self.using_store() as store:
                    sc = store.load(source[1], int(source[2]))
            except StoreError as e:
                self.source_status.value = f"<div class='problems'>{html.escape(e.sentence(self.lang))}</div>"
                self.refresh_sources()
                return False
            self.full_wb, self.scenario, self._load_error, self.problems = sc.workbook, sc, None, []
        elif source[0] == "upload" and source[1] in self._uploads:
            self.full_wb, self.scenario, self._load_error, self.problems = self._uploads[source[1]], None, None, []
        else:
            return False
        self.source = source
        self._last_saved = None
        self.source_status.value = ""
        self.source_changed()
        self.render()
        return True

    def source_changed(self):
        """What a page forgets when its source changes (runs, changes, proposals). Default: nothing."""

    def viewer_line(self) -> str:
        """In the office: who is signed in, as what (and for which units), and the sign-out link."""
        v = self.viewer
        if v is None or not in_office():
            return ""
        who = self.t("office.signed_in", name=v.name, role=self.t(f"office.role.{v.role}"))
        if v.role == OfficeRole.HOST_UNIT:
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
