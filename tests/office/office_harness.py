"""A real planning office for the tests: JupyterHub, the proxy, the dashboards service, on 127.0.0.1.

:func:`start_office` writes an ``office.toml`` in a temporary folder, adds accounts with
``planning office add-user`` (the command an administrator runs), starts ``planning office start``
and waits until the sign-in page and the dashboards answer. The scenario store is the shared
PostgreSQL of the tests (``PLANNING_TEST_DB_URL``) in a schema of its own, or an SQLite file
when PostgreSQL is skipped.
"""
from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"

ACCOUNTS = {  # name: (role, units, password)
    "liming": ("planner", "", "planner-pass-1"),
    "wangfang": ("planner", "", "planner-pass-2"),
    "leader": ("leader", "", "leader-pass-1"),
    "principal": ("host_unit", "H-SCH01", "school-pass-1"),
    "qingdao": ("sender", "SD-QD", "sender-pass-1"),       # a sending city
    "qdfy": ("sender", "SD-QDFY", "sender-pass-2"),        # a sending unit (a hospital) of that city
}


def _free_block(n: int = 5) -> int:
    """A port p with p … p+n-1 all free on 127.0.0.1, below the kernel's ephemeral range (so that no outgoing
    connection, which takes its local port from that range, can take one between this check and the bind)."""
    low = 32768
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    for _ in range(200):
        p = random.randint(10000, max(10001, min(low, 40000) - n - 1))
        try:
            socks = []
            for i in range(n):
                s = socket.socket()
                s.bind(("127.0.0.1", p + i))
                socks.append(s)
            return p
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free block of ports")


def store_url() -> tuple[str, str | None]:
    """The office's store: a fresh schema in the tests' PostgreSQL (search_path), or '' for SQLite."""
    url = os.environ.get("PLANNING_TEST_DB_URL", "")
    if not url or os.environ.get("PLANNING_SKIP_POSTGRES") == "1":
        return "", None
    import sqlalchemy as sa

    schema = f"office_{uuid.uuid4().hex[:10]}"
    eng = sa.create_engine(url)
    with eng.begin() as c:
        c.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    eng.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}", schema


@dataclass
class Office:
    base: str
    folder: Path
    proc: subprocess.Popen
    log: object
    schema: str | None
    db_url: str
    passwords: dict = field(default_factory=dict)

    def login(self, name: str) -> requests.Session:
        """Sign in as ``name`` through the hub's sign-in form (as a browser would); returns the session."""
        s = requests.Session()
        r = s.get(self.base + "/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', r.text).group(1)
        r = s.post(self.base + "/hub/login?next=", data={"username": name, "password": self.passwords[name],
                                                         "_xsrf": xsrf}, timeout=120)
        assert r.status_code == 200, (name, r.status_code, r.url)
        s.landing = r  # the page the sign-in led to
        return s

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        # the hub stops its services; anything left in the office's process group goes too
        subprocess.run(["pkill", "-f", str(self.folder)], check=False)
        self.log.close()
        if self.schema:
            import sqlalchemy as sa

            eng = sa.create_engine(os.environ["PLANNING_TEST_DB_URL"])
            with eng.begin() as c:
                c.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
            eng.dispose()


def planning_cmd(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planning.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, **kw)


def start_office(folder: Path, landing_pool: int = 2, page_pool: int = 0, log_name: str = "office.log") -> Office:
    port = _free_block()
    db_url, schema = store_url()
    lines = ["[office]", 'ip = "127.0.0.1"', f"port = {port}", f"landing_pool = {landing_pool}",
             f"page_pool = {page_pool}", f'state = "{folder / "state"}"']
    if db_url:
        lines.append(f'database_url = "{db_url}"')
    cfg = folder / "office.toml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    passwords = {}
    for name, (role, units, pw) in ACCOUNTS.items():
        args = ["office", "add-user", name, "--role", role, "--password-stdin", "--config", str(cfg)]
        if units:
            args += ["--units", units]
        r = planning_cmd(*args, input=pw + "\n")
        assert r.returncode == 0, r.stderr
        passwords[name] = pw
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / log_name, "w")
    proc = subprocess.Popen([sys.executable, "-m", "planning.cli", "office", "start", "--config", str(cfg)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=folder,
                            env=dict(os.environ))
    base = f"http://127.0.0.1:{port}"
    office = Office(base, folder, proc, log, schema, db_url, passwords)
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"planning office start exited; see artifacts/{log_name}")
        try:
            ok = requests.get(base + "/hub/login", timeout=5).status_code == 200
            gate = requests.get(base + "/services/dashboards/", allow_redirects=False, timeout=5).status_code
            if ok and gate in (302, 303):
                return office
        except requests.RequestException:
            pass
        time.sleep(0.5)
    office.stop()
    raise RuntimeError(f"the office did not answer in 120 s; see artifacts/{log_name}")


def kernel_id(html: str) -> str:
    m = re.search(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"', html)
    assert m, "no kernel id in the page"
    return m.group(1)


def widget_states(office: Office, session: requests.Session, page_html: str) -> dict:
    """Every widget's state in the kernel behind a page, asked for as the page's widget manager does
    (``jupyter.widget.control``, ``request_states``) over the gate's websocket."""
    import uuid

    import websocket
    from ipywidgets.widgets.widget import __control_protocol_version__ as version

    ws = kernel_socket(office, session, kernel_id(page_html))
    comm = uuid.uuid4().hex
    try:
        ws.send_binary(v1_message("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control",
                                                "data": {}}, {"version": version}))
        deadline = time.time() + 90
        ws.settimeout(5)
        while time.time() < deadline:
            # the kernel may take the request before it has registered the comm it just opened: ask again
            ws.send_binary(v1_message("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}))
            try:
                while True:
                    kind, content = v1_read(ws.recv())
                    if kind == "comm_msg" and content.get("comm_id") == comm:
                        return content["data"]["states"]
            except websocket.WebSocketTimeoutException:
                continue
    finally:
        ws.close()
    raise AssertionError("no widget states")


V1 = "v1.kernel.websocket.jupyter.org"


def v1_message(kind: str, content: dict, metadata: dict | None = None, channel: str = "shell") -> bytes:
    """A kernel message in the websocket protocol v1 framing, as pages send them."""
    import json
    import uuid

    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    header = {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "t", "session": "s", "version": "5.3",
              "date": ""}
    parts = [json.dumps(x).encode() for x in (header, {}, metadata or {}, content)]
    return serialize_msg_to_ws_v1(parts, channel)


def v1_read(raw: bytes) -> tuple[str, dict]:
    """(msg_type, content) of a v1 message."""
    import json

    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    _channel, parts = deserialize_msg_from_ws_v1(raw)
    return json.loads(parts[0])["msg_type"], json.loads(parts[3])


def kernel_socket(office: Office, session: requests.Session, kid: str, protocol: str | None = V1):
    import websocket

    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    url = office.base.replace("http", "ws") + f"/services/dashboards/api/kernels/{kid}/channels?session_id=x"
    return websocket.create_connection(url, header=[f"Cookie: {cookie}"], timeout=10, origin=office.base,
                                       subprotocols=[protocol] if protocol else None)
