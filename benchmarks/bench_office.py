"""Many signed-in viewers at once on the planning office, with a client that speaks Voila's protocol.

One Chromium per viewer would measure 50 browsers sharing the server's two cores; this client
does what a browser does for a dashboard page and nothing more, so the figures are the server's:

1. signs in through the hub's form and follows the hub's OAuth hand-over to the dashboards
   service (not timed: a viewer signs in once a day);
2. then, for all viewers at the same moment: asks for the page and reads it to its end (Voila
   sends it once the notebook has run in the viewer's kernel), opens the kernel's websocket,
   opens the widget control channel (``jupyter.widget.control``) and asks for every widget's
   state, as the page's widget manager does, until the app's root says ``app-ready`` (kernel
   websocket protocol v1, as pages speak it).

Time to ready (median, 95th percentile, max), errors, and memory: the proportional set size of
every process of the office (hub, proxy, gate, Voila, kernels) warm and with all viewers ready,
the difference divided by the number of viewers.

The peer, in the same run and on the same machine: Voila alone (``planning serve``'s command
line, the same notebooks and the same kernel pool), no sign-in, no gate, the same client. The
ratio office / peer is the cost of sign-in, roles and the host units' cut.

    python benchmarks/bench_office.py [--viewers 50] [--pool 50] [--page overview]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_viewers import free_port, pooled_waiting, processes  # noqa: E402

from planning.office.accounts import add_account  # noqa: E402
from planning.office.config import read_office  # noqa: E402
from planning.office.voila import offline_template, voila_command  # noqa: E402

from jupyter_server.services.kernels.connection.base import (  # noqa: E402
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from ipywidgets.widgets.widget import __control_protocol_version__ as CONTROL_VERSION  # noqa: E402

ERROR_TEXT = ("出现了问题", "There was an error", "Traceback")
KERNEL = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"')


def free_block(n: int = 5) -> int:
    import socket

    for p in range(21000, 60000, 7):
        try:
            socks = [socket.socket() for _ in range(n)]
            for i, s in enumerate(socks):
                s.bind(("127.0.0.1", p + i))
            return p
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free ports")


def memory(root: int) -> dict:
    """Every process under ``root`` (and root): count, resident and proportional MB."""
    procs = processes(root, lambda cmd: True)
    own = _own(root)
    if own:
        procs[root] = own
    kern = {pid for pid in procs if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes()}
    return {"processes": len(procs), "rss": sum(p["rss"] for p in procs.values()),
            "pss": sum(p["pss"] for p in procs.values()), "kernels": len(kern),
            "kernel_pss": sum(procs[k]["pss"] for k in kern),
            "server_pss": sum(p["pss"] for k, p in procs.items() if k not in kern)}


def _own(pid: int) -> dict | None:
    """The root process's own memory (``processes`` lists its descendants only)."""
    try:
        rss = pss = 0.0
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
        return {"cpu": 0.0, "rss": rss, "pss": pss}
    except OSError:
        return None


async def wait_warm(root: int, log: Path, want: int, timeout: float = 900) -> float:
    t0 = time.perf_counter()
    last, quiet = None, 0.0
    while time.perf_counter() - t0 < timeout:
        cpu = sum(p["cpu"] for p in processes(root, lambda c: b"ipykernel" in c).values())
        if pooled_waiting(log) >= want and last is not None and abs(cpu - last) < 0.05:
            quiet += 0.5
            if quiet >= 2:
                return time.perf_counter() - t0
        else:
            quiet = 0.0
        last = cpu
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the pool did not warm up in {timeout} s ({pooled_waiting(log)} of {want})")


# --- the client -----------------------------------------------------------------------------------------


async def sign_in(base: str, name: str, password: str) -> httpx.AsyncClient:
    """Sign in and take the dashboards' OAuth hand-over, stopping before the page itself."""
    c = httpx.AsyncClient(base_url=base, timeout=120, follow_redirects=False)
    r = await c.get("/hub/login")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', r.text).group(1)
    r = await c.post("/hub/login?next=%2Fservices%2Fdashboards%2F",
                     data={"username": name, "password": password, "_xsrf": xsrf})
    for _ in range(10):
        loc = r.headers.get("location")
        if r.status_code not in (301, 302, 303) or not loc or "voila/render" in loc:
            break
        r = await c.get(loc)
    if "voila/render" not in (r.headers.get("location") or ""):
        raise RuntimeError(f"sign-in of {name} ended at {r.status_code} {r.url}")
    return c


async def view(client: httpx.AsyncClient, ws_base: str, path: str, headers: dict) -> dict:
    """Open one page as a browser would, until its app is ready. Returns timings or an error."""
    t0 = time.perf_counter()
    try:
        r = await client.get(path, timeout=600)
        page = r.content.decode("utf-8", errors="replace")
        t_page = time.perf_counter() - t0
        if r.status_code != 200:
            return {"error": f"HTTP {r.status_code}"}
        if any(e in page for e in ERROR_TEXT):
            return {"error": "error text in the page"}
        m = KERNEL.search(page)
        if not m:
            return {"error": "no kernel id"}
        kid = m.group(1)
        cookie = cookie_header(client, path)
        url = f"{ws_base}api/kernels/{kid}/channels?session_id={uuid.uuid4().hex}"
        async with websockets.connect(url, additional_headers={**headers, "Cookie": cookie}, max_size=None,
                                      open_timeout=60, proxy=None, subprotocols=[V1]) as ws:
            comm = uuid.uuid4().hex
            await ws.send(v1("comm_open", {"comm_id": comm, "target_name": "jupyter.widget.control", "data": {}},
                             {"version": CONTROL_VERSION}))
            deadline = time.perf_counter() + 300
            while time.perf_counter() < deadline:
                # asked again until answered: the kernel may take the request before the comm is registered
                await ws.send(v1("comm_msg", {"comm_id": comm, "data": {"method": "request_states"}}))
                try:
                    while True:
                        kind, content = v1_read(await asyncio.wait_for(ws.recv(), timeout=5))
                        if kind == "comm_msg" and content.get("comm_id") == comm:
                            states = content["data"].get("states", {})
                            ready = any("app-ready" in (st.get("state", {}).get("_dom_classes") or ())
                                        for st in states.values())
                            if not ready:
                                return {"error": "app not ready"}
                            return {"page": t_page, "ready": time.perf_counter() - t0, "widgets": len(states)}
                except asyncio.TimeoutError:
                    continue
            return {"error": "no widget states"}
    except Exception as e:  # noqa: BLE001 - every failure is counted, not raised
        return {"error": f"{type(e).__name__}: {e}"[:120]}


V1 = "v1.kernel.websocket.jupyter.org"  # the kernel websocket protocol pages speak (the gate accepts no other)


def v1(kind: str, content: dict, metadata: dict | None = None) -> bytes:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": kind, "username": "bench", "session": "bench",
              "version": "5.3", "date": ""}
    return serialize_msg_to_ws_v1([json.dumps(x).encode() for x in (header, {}, metadata or {}, content)], "shell")


def v1_read(raw) -> tuple[str | None, dict]:
    if not isinstance(raw, bytes):
        return None, {}
    _channel, parts = deserialize_msg_from_ws_v1(raw)
    return json.loads(parts[0]).get("msg_type"), json.loads(parts[3])


def cookie_header(client: httpx.AsyncClient, path: str) -> str:
    """The cookies a browser sends for ``path``: one per name, the most specific path winning."""
    best = {}
    for c in client.cookies.jar:
        if path.startswith(c.path or "/") and len(c.path or "/") >= len(best.get(c.name, ("", ""))[0]):
            best[c.name] = (c.path or "/", c.value)
    return "; ".join(f"{k}={v}" for k, (_, v) in best.items())


def summary(results: list[dict]) -> dict:
    ok = [r for r in results if "error" not in r]
    errors = [r["error"] for r in results if "error" in r]
    t = np.array([r["ready"] for r in ok]) if ok else np.array([np.nan])
    return {"viewers": len(results), "ready": len(ok), "errors": len(errors), "first_errors": errors[:3],
            "median": float(np.median(t)), "p95": float(np.percentile(t, 95)), "max": float(np.max(t)),
            "page_median": float(np.median([r["page"] for r in ok])) if ok else float("nan")}


# --- the two servers ------------------------------------------------------------------------------------


async def all_at_once(proc, clients, ws_base: str, path: str, headers: dict, warm: float, before: dict) -> dict:
    """Every client opens the page at the same moment; timings, and the memory with them all ready."""
    t0 = time.perf_counter()
    results = await asyncio.gather(*[view(c, ws_base, path, headers) for c in clients])
    wall = time.perf_counter() - t0
    after = memory(proc.pid)
    for c in clients:
        await c.aclose()
    return {"summary": summary(results), "warm_s": warm, "wall": wall, "before": before, "after": after}


def stop(proc, log, folder: Path | None = None) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    if folder is not None:  # anything of the office left behind (its processes name its folder)
        subprocess.run(["pkill", "-f", str(folder)], check=False)
    log.close()


async def run_office(n: int, pool: int, page: str, folder: Path) -> dict:
    port = free_block()
    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "office.toml"
    cfg.write_text(f'[office]\nip = "127.0.0.1"\nport = {port}\nlanding_pool = {pool}\npage_pool = 0\n'
                   f'state = "{folder / "state"}"\n', encoding="utf-8")
    office = read_office(cfg)
    names = [f"viewer{i:03d}" for i in range(n)]
    for name in names:
        add_account(office, name, "leader", "viewer-password")
    log_path = folder / "office.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "planning.cli", "office", "start", "--config", str(cfg)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(base + "/hub/login", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
        clients = [await sign_in(base, name, "viewer-password") for name in names]
        warm = await wait_warm(proc.pid, log_path, pool)
        before = memory(proc.pid)
        return await all_at_once(proc, clients, f"ws://127.0.0.1:{port}/services/dashboards/",
                                 f"/services/dashboards/voila/render/{page}.ipynb?lang=zh", {"Origin": base}, warm, before)
    finally:
        stop(proc, log, folder)


async def run_peer(n: int, pool: int, page: str, folder: Path) -> dict:
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = offline_template(folder / "voila-template")
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join([str(tmp)] + [p for p in [env.get("JUPYTER_PATH")] if p])
    env["PLANNING_STORE"] = str(folder / "scenarios.sqlite")
    cmd = voila_command(port, ROOT / "notebooks", pool, folder / "voila-config", page_pool=0)
    log_path = folder / "voila.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        warm = await wait_warm(proc.pid, log_path, pool)
        before = memory(proc.pid)
        clients = [httpx.AsyncClient(base_url=base, timeout=600) for _ in range(n)]
        return await all_at_once(proc, clients, f"ws://127.0.0.1:{port}/", f"/voila/render/{page}.ipynb?lang=zh",
                                 {}, warm, before)
    finally:
        stop(proc, log)


def show(label: str, res: dict, n: int):
    s, b, a = res["summary"], res["before"], res["after"]
    # each viewer holds one kernel (taken from the pool, or started for them); the servers' growth is shared
    kernel = a["kernel_pss"] / max(1, a["kernels"])
    per = kernel + max(0.0, a["server_pss"] - b["server_pss"]) / max(1, s["ready"])
    print(f"{label}: {s['ready']}/{s['viewers']} ready, {s['errors']} errors {s['first_errors'] or ''}")
    print(f"  time to ready: median {s['median']:.1f} s, p95 {s['p95']:.1f} s, max {s['max']:.1f} s "
          f"(page sent: median {s['page_median']:.1f} s); all {n} in {res['wall']:.1f} s; pool warm in "
          f"{res['warm_s']:.0f} s")
    print(f"  memory (PSS): servers {b['server_pss']:.0f} MB warm, {a['server_pss']:.0f} MB with the viewers; "
          f"{a['kernels']} kernels {a['kernel_pss']:.0f} MB, {kernel:.0f} MB each; {per:.0f} MB per viewer; "
          f"total {a['pss']:.0f} MB in {a['processes']} processes")
    return per


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--viewers", type=int, default=50)
    ap.add_argument("--pool", type=int, default=50, help="kernels kept ready for the page (both servers)")
    ap.add_argument("--page", default="overview")
    a = ap.parse_args()
    os.environ.setdefault("PLANNING_TODAY", "2026-11-22")
    print(f"{a.viewers} viewers at once on {a.page}, {a.pool} kernels kept ready, "
          f"{os.cpu_count()} CPUs, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB")
    folder = Path(tempfile.mkdtemp(prefix="bench-office-"))
    try:
        office = asyncio.run(run_office(a.viewers, a.pool, a.page, folder / "office"))
        peer = asyncio.run(run_peer(a.viewers, a.pool, a.page, folder / "peer"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    po = show("office (sign-in, gate, roles)", office, a.viewers)
    pp = show("peer (Voila alone, same pool)", peer, a.viewers)
    so, sp = office["summary"], peer["summary"]
    print(f"ratio office / peer: median {so['median'] / sp['median']:.2f}, p95 {so['p95'] / sp['p95']:.2f}, "
          f"memory per viewer {po / max(pp, 1e-9):.2f}")
    return 0 if so["errors"] == 0 and so["ready"] == a.viewers else 1


if __name__ == "__main__":
    sys.exit(main())
