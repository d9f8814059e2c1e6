"""The dashboards service: the hub's sign-in in front of Voila.

Run by the hub as the service ``dashboards`` (``python -m planning.office.gate``). It starts
Voila on 127.0.0.1 (a port only the gate uses) and lets a request through only when:

- the hub says who is asking (its OAuth cookie; otherwise a page is sent to the hub's sign-in
  and anything else is refused);
- for a page, the asker's role may open it (:data:`planning.programme.access.PAGES`); the page address
  then carries a pass naming them, signed with a secret only the gate and Voila hold, from which
  the page learns the viewer's role and units (:func:`planning.programme.access.read_viewer`);
- for a kernel (its websocket, its shutdown), the kernel was started for the asker's own page:
  a viewer can reach no one else's kernel even knowing its id;
- on a kernel's websocket, the message is one a page's widgets send (comm messages, kernel and
  comm info): an ``execute_request`` never reaches Voila, which refuses it as well;
- the path is one of the pages' own (the page, its static files): no file list, no files, no
  contents, kernels or terminals API.

Everything else is answered 404 in Chinese. Voila answers the gate alone: every request and websocket the gate
passes on carries a key only the gate and Voila hold (:func:`planning.office.voila.gated_voila`); any other
process reaching Voila's port is refused. A host unit's or a sender's page goes to a kernel started for them
(never one preheated with the whole workbook) that reads their cut alone, written here first
(:mod:`planning.office.cuts`).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from tornado import httpclient, ioloop, web, websocket
from tornado.httputil import url_concat

from ..programme.access import PAGES, OfficeRole, Viewer, scoped, sign_viewer
from ..apps.cuts import CUTS_ENV
from ..apps.serving import GATE_HEADER, GATE_KEY_ENV, VIEWER_PARAM
from ..core.i18n import t
from .accounts import account_of
from .config import read_office
from .cuts import Cuts
from .voila import ROOT, SCOPED, offline_template, pages_folder, voila_command

log = logging.getLogger("planning.office.gate")

KERNEL = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
KERNEL_ID_IN_PAGE = re.compile(rb'"kernelId"\s*:\s*"(' + KERNEL.encode() + rb')"')
HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
       "transfer-encoding", "upgrade", "content-length", "host"}
#: what a page's widgets send on a kernel's websocket; anything else is dropped
WIDGET_MESSAGES = {"comm_open", "comm_msg", "comm_close", "comm_info_request", "kernel_info_request"}
KERNEL_PROTOCOL = "v1.kernel.websocket.jupyter.org"
MAX_PAGES = 1000  # requests to Voila in flight at once
VOILA_START = 90  # seconds a request waits for Voila to start listening (it starts with the gate)
STATIC = r"voila/(?:static|templates|labextensions|api/themes)/.*"


class State:
    """What the gate keeps: Voila's address, the pass secret, which kernel is whose, the accounts."""

    def __init__(self, office, prefix: str, voila_port: int, secret: str, key: str = "", cuts: Cuts | None = None):
        self.office = office
        self.prefix = prefix
        self.voila = f"127.0.0.1:{voila_port}"
        self.secret = secret
        self.key = key    # what Voila asks of every request: only the gate's get through
        self.cuts = cuts  # host units' and senders' cuts of the data
        self.kernels: dict[str, str] = {}  # kernel id → the sign-in name whose page started it
        self.db = sessionmaker(bind=create_engine(office.hub_db_url))()
        self.notebooks = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}

    def viewer(self, name: str) -> Viewer | None:
        try:
            acct = account_of(self.db, name)
        except Exception:
            self.db.rollback()
            log.exception("accounts cannot be read")
            return None
        return Viewer(name, *acct) if acct is not None else None


def lang_of(handler) -> str:
    return "en" if handler.get_argument("lang", "") == "en" else "zh"


def message(handler, status: int, key: str, **kw) -> None:
    """A short page in the viewer's language (never a traceback, never the server's words)."""
    lang = lang_of(handler)
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    text = t(key, lang, **kw)
    home = handler.settings["state"].prefix
    handler.finish(f"<!doctype html><html lang='{lang}'><meta charset='utf-8'><title>{status}</title>"
                   f"<body style='font-family:\"Noto Sans CJK SC\",sans-serif;margin:40px'>"
                   f"<p class='gate-message'>{web.escape.xhtml_escape(text)}</p>"
                   f"<p><a href='{home}?lang={lang}'>{web.escape.xhtml_escape(t('office.gate.home', lang))}</a></p>")


class Signed(HubOAuthenticated, web.RequestHandler):
    """A request from someone the hub has signed in; ``self.viewer`` is their account."""

    @property
    def state(self) -> State:
        return self.settings["state"]

    def viewer_or_refuse(self) -> Viewer | None:
        user = self.current_user
        if not user:
            message(self, 403, "office.gate.sign_in")
            return None
        v = self.state.viewer(user["name"])
        if v is None:
            message(self, 403, "office.gate.no_account")
        return v

    def write_error(self, status_code, **kwargs):
        message(self, status_code, "office.gate.error")


class Landing(Signed):
    @web.authenticated
    def get(self):
        v = self.viewer_or_refuse()
        if v is None:
            return
        # the overview, or a role's first page (a sender's is its task page)
        self.redirect(url_concat(self.state.prefix + f"voila/render/{v.landing}.ipynb", {"lang": lang_of(self)}))


class Proxy(Signed):
    """Passes a request on to Voila and its answer back, streamed."""

    async def forward(self, path: str, query: str = "", watch_kernel: str | None = None):
        st = self.state
        url = f"http://{st.voila}{st.prefix}{path}" + (f"?{query}" if query else "")
        headers = {k: v for k, v in self.request.headers.get_all()
                   if k.lower() not in HOP | {"cookie", GATE_HEADER.lower()}}
        headers[GATE_HEADER] = st.key
        cookies = "; ".join(f"{k}={m.value}" for k, m in self.request.cookies.items()
                            if not k.startswith("jupyterhub"))  # the hub's cookies stay with the hub
        if cookies:
            headers["Cookie"] = cookies
        started, head = False, {"code": 502, "headers": []}
        looking, tail = watch_kernel is not None, b""  # the kernel id is in the page's head: look until found

        def on_header(line: str):
            line = line.strip()
            if line.startswith("HTTP/"):
                head["code"], head["headers"] = int(line.split(" ")[1]), []
            elif line and ":" in line:
                k, _, v = line.partition(":")
                if k.strip().lower() not in HOP:
                    head["headers"].append((k.strip(), v.strip()))

        def start():
            nonlocal started
            if not started:
                started = True
                self.set_status(head["code"])
                for k, v in head["headers"]:
                    self.add_header(k, v) if k.lower() == "set-cookie" else self.set_header(k, v)

        def on_chunk(chunk: bytes):
            nonlocal looking, tail
            start()
            if looking:
                text = tail + chunk
                m = KERNEL_ID_IN_PAGE.search(text)
                if m:
                    st.kernels[m.group(1).decode()] = watch_kernel
                    looking = False
                tail = text[-100:]  # an id cut between two chunks is found in the next
            self.write(chunk)
            self.flush()

        req = httpclient.HTTPRequest(url, method=self.request.method, headers=headers,
                                     body=self.request.body if self.request.method in ("POST", "PUT") else None,
                                     header_callback=on_header, streaming_callback=on_chunk,
                                     follow_redirects=False, decompress_response=False,
                                     connect_timeout=20, request_timeout=3600,
                                     allow_nonstandard_methods=True)
        deadline = time.monotonic() + VOILA_START
        while True:
            try:
                resp = await httpclient.AsyncHTTPClient().fetch(req, raise_error=False)
                break
            except OSError:  # Voila not listening yet (it starts with the gate): wait for it, then give up
                if started or time.monotonic() > deadline:
                    resp = None
                    break
                await asyncio.sleep(0.5)
            except Exception:  # anything else: said in the viewer's language, the details in the log
                log.exception("Voila did not answer %s", path)
                resp = None
                break
        if (resp is None or resp.code == 599) and not started:
            log.warning("Voila did not answer %s", path)
            message(self, 503, "office.gate.starting")
            return
        start()
        self.finish()


class Page(Proxy):
    """A dashboard page: only the ones the viewer's role may open, with the viewer's pass added."""

    @web.authenticated
    async def get(self, name: str):
        v = self.viewer_or_refuse()
        if v is None:
            return
        if name not in self.state.notebooks:
            return message(self, 404, "office.gate.not_found")
        if name not in v.pages:
            planners_only = name not in PAGES[OfficeRole.LEADER]
            return message(self, 403, "office.gate.not_for_role" if planners_only else "office.not_your_page",
                           role=t(f"office.role.{v.role}", lang_of(self)))
        query = [(k, val) for k, val in parse_qsl(self.request.query, keep_blank_values=True) if k != VIEWER_PARAM]
        query.append((VIEWER_PARAM, sign_viewer(v, self.state.secret)))
        page = f"voila/render/{name}.ipynb"
        if scoped(v):
            # a host unit or a sender: their cut first, then a kernel started for them that reads it alone
            try:
                await asyncio.get_running_loop().run_in_executor(None, self.state.cuts.ready, v)
            except Exception:
                log.exception("the cut for %s cannot be written", v.name)
                return message(self, 503, "office.gate.error")
            page = f"voila/render/{SCOPED}/{name}.ipynb"
        await self.forward(page, urlencode(query), watch_kernel=v.name)


class Static(Proxy):
    """The pages' own scripts, styles and fonts (no data in them), for signed-in viewers."""

    async def get(self, path: str):
        if self.viewer_or_refuse() is None:
            return
        await self.forward(path, self.request.query)


class KernelCall(Proxy):
    """A page's calls about its own kernel (shutdown when the tab closes, its model)."""

    async def _own(self, kernel_id: str, path: str):
        v = self.viewer_or_refuse()
        if v is None:
            return
        if self.state.kernels.get(kernel_id) != v.name:
            return message(self, 403, "office.gate.not_yours")
        await self.forward(path, self.request.query)

    async def get(self, kernel_id: str):
        await self._own(kernel_id, f"api/kernels/{kernel_id}")

    async def post(self, kernel_id: str):
        await self._own(kernel_id, f"voila/api/shutdown/{kernel_id}")
        self.state.kernels.pop(kernel_id, None)

    def check_xsrf_cookie(self):
        return  # Voila checks its own _xsrf on the shutdown call; the gate checks who owns the kernel


class Channels(HubOAuthenticated, websocket.WebSocketHandler):
    """A page's kernel websocket, relayed to Voila: the asker's own kernel, widget messages only."""

    upstream = None

    @property
    def state(self) -> State:
        return self.settings["state"]

    async def get(self, kernel_id: str):
        user = self.current_user
        v = self.state.viewer(user["name"]) if user else None
        if v is None or self.state.kernels.get(kernel_id) != v.name:
            self.set_status(403)
            self.finish("forbidden")
            return
        st = self.state
        url = f"ws://{st.voila}{st.prefix}api/kernels/{kernel_id}/channels"
        if self.request.query:
            url += "?" + self.request.query
        protocols = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")
                     if p.strip()]
        if KERNEL_PROTOCOL not in protocols:
            # Pages speak the kernel websocket protocol v1. The older framing is refused: Voila reads the
            # binary messages it sends back (widget states with buffers) as v1, and one such message makes it
            # spin, for every viewer at once.
            self.set_status(400)
            self.finish("kernel websocket protocol v1 only")
            return
        protocols = [KERNEL_PROTOCOL]
        try:
            self.upstream = await websocket.websocket_connect(
                httpclient.HTTPRequest(url, connect_timeout=20, headers={GATE_HEADER: st.key}),
                subprotocols=protocols or None,
                max_message_size=256 * 1024 * 1024)
        except Exception:
            log.exception("kernel websocket %s cannot be reached", kernel_id)
            self.set_status(502)
            self.finish("unavailable")
            return
        await super().get(kernel_id)

    def select_subprotocol(self, subprotocols):
        return self.upstream.selected_subprotocol if self.upstream is not None else None

    def open(self, kernel_id: str):
        asyncio.ensure_future(self._pump())

    async def _pump(self):
        while True:
            msg = await self.upstream.read_message()
            if msg is None:
                self.close()
                return
            if kept_from_viewers(msg):  # a traceback (server paths, code) goes to the server's log only
                log.warning("kept a kernel error from %s: %s", (self.current_user or {}).get("name"),
                            error_summary(msg))
                continue
            try:
                await self.write_message(msg, binary=isinstance(msg, bytes))
            except websocket.WebSocketClosedError:
                return

    def on_message(self, msg):
        kind = message_type(msg)
        if kind not in WIDGET_MESSAGES:
            log.warning("dropped a %r message from %s", kind, (self.current_user or {}).get("name"))
            return
        self.upstream.write_message(msg, binary=isinstance(msg, bytes))

    def on_close(self):
        if self.upstream is not None:
            self.upstream.close()


def message_parts(msg) -> tuple[str | None, dict]:
    """The ``msg_type`` and ``content`` of a kernel websocket message (JSON text or the v1 binary framing)."""
    try:
        if isinstance(msg, bytes):
            n = int.from_bytes(msg[:8], "little")
            if not 6 <= n <= 1024 or 8 * (n + 1) > len(msg):
                return message_type(msg), {}
            offsets = [int.from_bytes(msg[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
            header = json.loads(msg[offsets[1]:offsets[2]].decode("utf-8"))
            content = json.loads(msg[offsets[4]:offsets[5]].decode("utf-8"))
            return header.get("msg_type"), content if isinstance(content, dict) else {}
        m = json.loads(msg)
        return m["header"]["msg_type"], m.get("content") or {}
    except Exception:
        return None, {}


def kept_from_viewers(msg) -> bool:
    """A kernel's error report (``error``, or text on its stderr): tracebacks with server paths and code."""
    kind, content = message_parts(msg)
    return kind == "error" or (kind == "stream" and content.get("name") == "stderr")


def error_summary(msg) -> str:
    kind, content = message_parts(msg)
    if kind == "error":
        return f"{content.get('ename')}: {content.get('evalue')}"
    return str(content.get("text", ""))[-300:]


def message_type(msg) -> str | None:
    """The ``msg_type`` of a kernel websocket message (JSON text, or the v1 binary framing)."""
    try:
        if isinstance(msg, bytes):
            n = int.from_bytes(msg[:8], "little")
            if not 3 <= n <= 1024 or 8 * (n + 1) > len(msg):  # a frame no page sends (and no endless list)
                return None
            offsets = [int.from_bytes(msg[8 * (i + 1):8 * (i + 2)], "little") for i in range(n)]
            return json.loads(msg[offsets[1]:offsets[2]].decode("utf-8")).get("msg_type")
        return json.loads(msg)["header"]["msg_type"]
    except Exception:
        return None


class NotFound(web.RequestHandler):
    def prepare(self):
        message(self, 404, "office.gate.not_found")


def start_voila(office, prefix: str, port: int, secret: str, key: str, cuts: Path) -> subprocess.Popen:
    tmp = offline_template(Path(tempfile.mkdtemp(prefix="planning-office-voila-")))  # a folder of this user's alone
    pages = pages_folder(tmp / "pages")
    env = dict(os.environ)
    env.update(office.store_env)
    env.update({
        "PLANNING_OFFICE_SECRET": secret,
        GATE_KEY_ENV: key,
        CUTS_ENV: str(cuts),
        "PLANNING_HUB_PREFIX": os.environ.get("JUPYTERHUB_BASE_URL", "/") + "hub/",
        "JUPYTER_PATH": os.pathsep.join([str(tmp)] + [p for p in [env.get("JUPYTER_PATH")] if p]),
    })
    for key in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_CLIENT_ID", "JUPYTERHUB_OAUTH_CALLBACK_URL"):
        env.pop(key, None)  # the pages need none of the gate's own credentials
    if office.data:
        env["PLANNING_DATA"] = str(office.data)
    cmd = voila_command(port, pages, office.landing_pool, tmp, page_pool=office.page_pool, base_url=prefix,
                        gated=True)
    voila = subprocess.Popen(cmd, env=env, cwd=str(ROOT), start_new_session=True)
    voila.folder = tmp  # its template and settings: removed when the gate stops it
    voila.cuts = cuts
    return voila


def make_app(state: State) -> web.Application:
    p = re.escape(state.prefix)
    return web.Application([
        (p, Landing),
        (p + r"oauth_callback", HubOAuthCallbackHandler),
        (p + r"voila/render/([a-z_]+)\.ipynb", Page),
        (p + r"(" + STATIC + ")", Static),
        (p + r"api/kernels/(" + KERNEL + r")/channels", Channels),
        (p + r"api/kernels/(" + KERNEL + r")", KernelCall),
        (p + r"voila/api/shutdown/(" + KERNEL + r")", KernelCall),
        (r".*", NotFound),
    ], state=state, cookie_secret=secrets.token_bytes(32), login_url=state.prefix + "oauth_callback",
        websocket_max_message_size=256 * 1024 * 1024, xsrf_cookies=False)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="[gate] %(levelname)s %(message)s")
    office = read_office(os.environ["PLANNING_OFFICE_CONFIG"])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/dashboards/")
    secret = secrets.token_urlsafe(32)
    key = secrets.token_urlsafe(32)  # Voila's: the gate adds it to every request it passes on
    voila_port = office.internal_port("voila_port")
    if office.data:  # what the pages show while nothing is published: the cuts are made of the same
        os.environ["PLANNING_DATA"] = str(office.data)
    voila = start_voila(office, prefix, voila_port, secret, key, Path(tempfile.mkdtemp(prefix="planning-office-cuts-")))

    def stop(*_):
        try:
            os.killpg(voila.pid, signal.SIGTERM)
            deadline = time.time() + 10
            while voila.poll() is None and time.time() < deadline:
                time.sleep(0.2)
            if voila.poll() is None:
                os.killpg(voila.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        shutil.rmtree(voila.folder, ignore_errors=True)
        shutil.rmtree(voila.cuts, ignore_errors=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    state = State(office, prefix, voila_port, secret, key, Cuts(voila.cuts))
    # a page is one request held open while its notebook runs: allow as many at once as there are viewers
    # (the default of 10 would queue the eleventh viewer behind the first ten)
    httpclient.AsyncHTTPClient.configure(None, max_clients=MAX_PAGES)
    app = make_app(state)
    url = os.environ.get("JUPYTERHUB_SERVICE_URL", f"http://127.0.0.1:{office.internal_port('gate_port')}")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    app.listen(port, address="127.0.0.1", xheaders=True)
    log.info("dashboards at %s, Voila on 127.0.0.1:%s", prefix, voila_port)
    try:
        ioloop.IOLoop.current().start()
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
