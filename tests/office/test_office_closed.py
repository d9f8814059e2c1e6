"""The office, closed: Voila answers its gate alone, and a host unit's or a sender's kernel never holds anyone else.

Attacked as a process on the office's machine would: straight to Voila's port (HTTP and websockets), and by
looking into the kernel the office started for a host unit (its environment, the files it was given). The first
group needs no office: it runs a page's code with the environment the office gives a host unit's or a sender's
kernel and records every file that code opens.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import requests
import websocket

import planning
from planning.programme.access import OfficeRole, Viewer, scope_key, sign_viewer

SECRET = "the-office-secret-for-the-tests"
ID = re.compile(rb"P\d{4}")  # the sample's person ids (fixed width: one is never part of another)


@pytest.fixture(scope="module")
def sample():
    return planning.load_workbook(planning.SAMPLE)


def posted_at(wb, unit: str) -> set[str]:
    """The people posted on an order of ``unit`` (plain reference, not the library's cut)."""
    orders = set(wb.orders.loc[wb.orders["host_unit"] == unit, "id"])
    return set(wb.assignments.loc[wb.assignments["order"].isin(orders), "person"])


def sent_by(wb, region: str) -> set[str]:
    """The people whose sending unit is in ``region`` or a region under it (plain reference)."""
    parent = dict(zip(wb.regions["id"], wb.regions["parent"]))

    def under(r):
        while isinstance(r, str) and r:
            if r == region:
                return True
            r = parent.get(r)
        return False

    units = set(wb.units.loc[wb.units["region"].map(under), "id"])
    return set(wb.people.loc[wb.people["sending_unit"].isin(units), "id"])


def ids_in(path: Path) -> set[str]:
    """Every sample person id in the bytes of a file, or of every file under a folder."""
    files = [p for p in Path(path).rglob("*") if p.is_file()] if Path(path).is_dir() else [Path(path)]
    return {m.decode() for f in files for m in ID.findall(f.read_bytes())}


# --- the kernel's own loading, with the environment the office gives it --------------------------------------

_opened: list | None = None


def _audit(event, args):
    if event == "open" and _opened is not None and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # records only while a test sets _opened


def files_read(paths) -> list[Path]:
    """The data files among ``paths`` (not Python's own files, not the library's code)."""
    out = []
    for p in dict.fromkeys(paths):
        p = Path(p)
        if not p.is_file() or p.suffix in (".py", ".pyc", ".so") or str(p).startswith((sys.prefix, sys.base_prefix)):
            continue
        out.append(p)
    return out


CASES = [  # (role, units, page, the people it may hold)
    (OfficeRole.HOST_UNIT, ("H-SCH01",), "overview", lambda wb: posted_at(wb, "H-SCH01")),
    (OfficeRole.HOST_UNIT, ("H-SCH01",), "coverage", lambda wb: posted_at(wb, "H-SCH01")),
    (OfficeRole.SENDER, ("SD-QD",), "senders", lambda wb: sent_by(wb, "SD-QD")),
]


@pytest.mark.parametrize("role,units,page,allowed", CASES, ids=["host-overview", "host-coverage", "sender"])
def test_a_scoped_kernel_reads_its_cut_and_nothing_else(sample, tmp_path, monkeypatch, role, units, page, allowed):
    """The office's gate writes the cut; the page's code, run with a host unit's (a sender's) kernel environment,
    loads only that cut: its tables hold only its people, and no file it opened holds anyone else's id."""
    global _opened
    from planning.apps import CoverageApp, OverviewApp, SendersApp
    from planning.office.cuts import Cuts

    data = shutil.copytree(planning.SAMPLE, tmp_path / "data")  # the office's data (nothing published)
    viewer = Viewer("someone", role, units)
    mine = allowed(sample)
    others = set(sample.people["id"]) - mine
    assert mine and others
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    # the environment of the office's Voila (and so of its kernels) ...
    monkeypatch.setenv("PLANNING_DATA", str(data))
    monkeypatch.setenv("PLANNING_STORE", str(tmp_path / "store.sqlite"))
    monkeypatch.setenv("PLANNING_OFFICE_SECRET", SECRET)
    monkeypatch.setenv("PLANNING_CUTS", str(tmp_path / "cuts"))
    # ... the gate's cut, written before the page is let through ...
    folder = Cuts(tmp_path / "cuts").ready(viewer)
    assert folder.name == scope_key(viewer)
    on_disk = ids_in(folder)
    assert on_disk & mine, "the cut holds its own people"
    assert not on_disk & others, sorted(on_disk & others)[:5]
    # ... and the request a kernel started for this viewer has from its start
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", f"lang=zh&planning_viewer={sign_viewer(viewer, SECRET)}")
    app_class = {"overview": OverviewApp, "coverage": CoverageApp, "senders": SendersApp}[page]
    _opened = []
    try:
        app = app_class()
    finally:
        opened, _opened = _opened, None
    assert app.viewer == viewer
    assert "app-ready" in app.root._dom_classes, app.status.value
    for wb in (app.full_wb, app.wb):
        assert set(wb.people["id"]) <= mine, sorted(set(wb.people["id"]) - mine)[:5]
        assert not set(wb.assignments["person"]) & others
        assert not set(wb.local_staff["id"].astype(str)) & others
    read = files_read(opened)
    assert read, "the page read its data from somewhere"
    leaked = {str(f): sorted(ids_in(f) & others)[:3] for f in read if ids_in(f) & others}
    assert not leaked, leaked
    assert all(str(f).startswith(str(tmp_path / "cuts")) for f in read if ids_in(f)), read


def test_without_its_cut_a_scoped_kernel_shows_nothing(tmp_path, monkeypatch):
    """No cut on disk (the gate could not write it): the page says something went wrong and holds no data; it
    never falls back to the whole workbook."""
    from planning.apps import OverviewApp

    viewer = Viewer("someone", OfficeRole.HOST_UNIT, ("H-SCH01",))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    monkeypatch.setenv("PLANNING_DATA", str(planning.SAMPLE))
    monkeypatch.setenv("PLANNING_OFFICE_SECRET", SECRET)
    monkeypatch.setenv("PLANNING_CUTS", str(tmp_path / "cuts"))
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", f"lang=zh&planning_viewer={sign_viewer(viewer, SECRET)}")
    app = OverviewApp()
    assert app.full_wb is None and app.wb is None
    assert "problems" in app.status.value and not app.body.children


def test_a_cut_follows_the_data(sample, tmp_path, monkeypatch):
    """A change in the data gives a new cut (the one before stays for a kernel reading it; older ones go)."""
    from planning.office.cuts import Cuts

    data = shutil.copytree(planning.SAMPLE, tmp_path / "data")
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    monkeypatch.setenv("PLANNING_DATA", str(data))
    monkeypatch.setenv("PLANNING_STORE", str(tmp_path / "store.sqlite"))
    cuts = Cuts(tmp_path / "cuts")
    viewer = Viewer("x", OfficeRole.HOST_UNIT, ("H-SCH01",))
    first = cuts.ready(viewer).resolve()
    assert cuts.ready(viewer).resolve() == first  # unchanged data: the same cut
    assert oct((tmp_path / "cuts").stat().st_mode & 0o777) == "0o700"
    for _ in range(2):
        people = data / "people.csv"
        people.write_bytes(people.read_bytes().replace("赵兰文".encode(), "赵兰武".encode()))
        os.utime(people, ns=(people.stat().st_atime_ns, people.stat().st_mtime_ns + 10**9))
        cuts.ready(viewer)
    kept = sorted(p.name for p in (tmp_path / "cuts").iterdir() if "@" in p.name)
    assert len(kept) == 2 and first.name not in kept, kept


# --- a real office, attacked from its own machine ------------------------------------------------------------

DASH = "/services/dashboards/"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    from office_harness import start_office

    o = start_office(tmp_path_factory.mktemp("office"), landing_pool=1, log_name="office-closed.log")
    yield o
    o.stop()


def voila_port(office) -> int:
    """Voila's port, as the office's log says when the gate starts it."""
    from office_harness import ARTIFACTS

    m = re.search(r"Voila on 127\.0\.0\.1:(\d+)", (ARTIFACTS / "office-closed.log").read_text(errors="replace"))
    assert m, "the gate's log names Voila's port"
    return int(m.group(1))


def open_page(office, who: str, page: str = "overview", s=None) -> tuple[requests.Session, str, str]:
    """Sign in (unless ``s`` is) and open a page through the gate: the session, the page, its kernel's id."""
    from office_harness import kernel_id

    s = s or office.login(who)
    r = s.get(office.base + DASH + f"voila/render/{page}.ipynb", timeout=180)
    assert r.status_code == 200
    html = r.content.decode("utf-8", errors="replace")
    return s, html, kernel_id(html)


def refused_socket(url: str, headers=()) -> bool:
    try:
        ws = websocket.create_connection(url, timeout=10, header=list(headers),
                                         subprotocols=["v1.kernel.websocket.jupyter.org"])
    except websocket.WebSocketBadStatusException as e:
        return e.status_code in (401, 403)
    ws.close()
    return False


@pytest.mark.browser
@pytest.mark.slow
def test_voila_answers_no_one_but_the_gate(office):
    from office_harness import widget_states

    port = voila_port(office)
    voila = f"http://127.0.0.1:{port}{DASH}"
    # the gate still serves the pages (and their kernel's websocket)
    s, html, kid = open_page(office, "leader")
    states = widget_states(office, s, html)
    assert any("app-ready" in (st["state"].get("_dom_classes") or ()) for st in states.values())
    # straight to Voila: the home page (its list of pages), a page, its static files, a kernel: refused
    for path in ("", "voila/render/overview.ipynb", "voila/render/scoped/overview.ipynb", "voila/tree",
                 "voila/static/voila.js", f"api/kernels/{kid}", "api/kernels", "voila/files/overview.ipynb"):
        r = requests.get(voila + path, allow_redirects=False, timeout=60)
        assert r.status_code == 403, (path, r.status_code)
        assert ".ipynb" not in r.text and "kernelId" not in r.text
    for forged in ({}, {"X-Planning-Gate": "guessed"}, {"X-Planning-Gate": ""}):
        r = requests.get(voila, headers=forged, allow_redirects=False, timeout=60)
        assert r.status_code == 403, (forged, r.status_code)
    # websockets straight to Voila with a kernel id the attacker learnt: its channels, the request-info socket
    ws = f"ws://127.0.0.1:{port}{DASH}"
    assert refused_socket(ws + f"api/kernels/{kid}/channels?session_id=x")
    assert refused_socket(ws + f"api/kernels/{kid}/channels?session_id=x", ["X-Planning-Gate: guessed"])
    assert refused_socket(ws + f"voila/query/{kid}")


def kernel_environ(kid: str) -> dict[str, str]:
    """The environment of the kernel process with id ``kid`` (found by its connection file's name)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            if f"kernel-{kid}".encode() in cmd:
                raw = Path(f"/proc/{pid}/environ").read_bytes()
                return dict(x.split("=", 1) for x in raw.decode(errors="replace").split("\0") if "=" in x)
        except OSError:
            continue
    raise AssertionError(f"no process for kernel {kid}")


@pytest.mark.browser
@pytest.mark.slow
def test_a_host_units_kernel_is_started_for_it_and_given_its_cut_alone(office, sample):
    from office_harness import widget_states

    mine = posted_at(sample, "H-SCH01")
    others = set(sample.people["id"]) - mine
    s, _, kid = open_page(office, "principal")
    env = kernel_environ(kid)
    # not a kernel preheated with the whole workbook before anyone arrived: one started for this viewer
    assert env.get("VOILA_PREHEAT") == "False", env.get("VOILA_PREHEAT")
    assert "planning_viewer=" in env.get("QUERY_STRING", "")
    # told where its cut is, not where the whole data is
    assert not {"PLANNING_STORE", "PLANNING_DB_URL", "PLANNING_DATA"} & set(env), sorted(env)
    folder = Path(env["PLANNING_CUTS"]) / scope_key(Viewer("principal", OfficeRole.HOST_UNIT, ("H-SCH01",)))
    assert folder.is_dir() and oct(Path(env["PLANNING_CUTS"]).stat().st_mode & 0o777) == "0o700"
    on_disk = ids_in(folder)
    assert on_disk & mine and not on_disk & others, sorted(on_disk & others)[:5]
    # a leader's page still comes from the ready kernels
    _, _, lkid = open_page(office, "leader")
    assert kernel_environ(lkid).get("VOILA_PREHEAT") == "True"
    # and the host unit's page works, through the gate
    _, html, _ = open_page(office, "principal", "coverage", s)
    states = widget_states(office, s, html)
    assert any("app-ready" in (st["state"].get("_dom_classes") or ()) for st in states.values())
