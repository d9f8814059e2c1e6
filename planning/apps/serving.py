"""Where a page runs: the viewer and language a request carries, a kernel preheated ahead of its viewer,
the data the pages show (the published version or the office's workbook) and when it changed."""
from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd

from .. import SAMPLE, contract
from ..programme.access import OfficeRole, Viewer, read_viewer
from ..core.i18n import LANGS, default_lang
from ..scenarios.store import StoreError, open_store

log = logging.getLogger("planning.apps")


_viewer_arrived = False

#: The header the office's gate adds to every request it passes to Voila, and where Voila and its kernels find
#: the key it carries (:mod:`planning.office.voila`): a request without it is refused.
GATE_HEADER = "X-Planning-Gate"
GATE_KEY_ENV = "PLANNING_VOILA_KEY"


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
    # the office's Voila answers only requests carrying its gate's key (planning.office.voila), its kernels' too
    key = env.get(GATE_KEY_ENV)
    headers = {GATE_HEADER: key} if key else None
    try:
        try:
            ws = connect(url, open_timeout=10, max_size=None, proxy=None,  # never through an HTTP proxy
                         additional_headers=headers)
        except TypeError:  # websockets < 15 has no proxy support at all
            ws = connect(url, open_timeout=10, max_size=None, additional_headers=headers)
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


def dashboard_source():
    """What the dashboards show, loaded: ``(workbook, published scenario or None)``; the published version when
    there is one (:func:`published_scenario`), else the workbook at :func:`data_path` (a
    :class:`~planning.contract.WorkbookError` when it cannot be loaded)."""
    sc = published_scenario()
    if sc is not None:
        return sc.workbook, sc
    return contract.load_workbook(data_path()), None


def beijing_time(ts, lang: str | None = None) -> str:
    """A stored time (UTC) as the offices read it: Beijing time, to the minute, its day written as the pages
    write a day (2026年12月8日 01:11 in Chinese, 2026-12-08 01:11 in English)."""
    from ..core.i18n import fmt_date

    t_ = pd.Timestamp(ts)
    t_ = t_.tz_localize("UTC") if t_.tzinfo is None else t_
    t_ = t_.tz_convert("Asia/Shanghai")
    return f"{fmt_date(t_.tz_localize(None).normalize(), lang)} {t_.strftime('%H:%M')}"


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
