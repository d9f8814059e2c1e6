"""Preheated kernels: the page's work runs before its viewer arrives, the language comes from the viewer's address.

Without a browser: an app in a kernel Voila preheats loads the workbook first and
only then waits for the request info (a stand-in for Voila's ``/voila/query``
websocket). In Chromium: the landing page served from a warm pool in Chinese and
English, the ``--data`` workbook reaching pooled kernels, a workbook changed
while the kernel waited, and every page without a pool.
"""
import json
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

import planning
from conftest import ARTIFACTS, ROOT, serve, stop

NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture
def query_socket(monkeypatch):
    """A stand-in for Voila's request-info websocket: sends ``{"QUERY_STRING": ...}`` to the first kernel that asks."""
    from websockets.sync.server import serve as ws_serve

    import planning.apps.serving as base  # where the page learns its viewer and language

    state = {"events": [], "query": "lang=en"}

    def handler(ws):
        state["events"].append(("connected", ws.request.path))
        ws.send(json.dumps({"QUERY_STRING": state["query"]}))

    server = ws_serve(handler, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(base, "_viewer_arrived", False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", str(server.socket.getsockname()[1]))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-123")
    monkeypatch.setenv("QUERY_STRING", "")  # restored (removed) afterwards: the wait sets it
    yield state
    server.shutdown()


def test_preheated_app_loads_first_then_takes_the_viewers_language(query_socket, monkeypatch):
    import planning.contract
    from planning.apps import OverviewApp

    real = planning.contract.load_workbook

    def load(path):
        query_socket["events"].append(("load", Path(path).name))
        return real(path)

    monkeypatch.setattr(planning.contract, "load_workbook", load)
    monkeypatch.setenv("PLANNING_DATA", str(planning.SAMPLE))  # not a scenario other tests published
    app = OverviewApp()
    assert query_socket["events"] == [("load", "sample"), ("connected", "/voila/query/k-123")]
    assert app.lang == "en" and "Counterpart support overview" in app.header.value
    assert "Sending city" in app.pairing_table.value and "app-ready" in app.root._dom_classes
    # the request info is in the environment now; a second app in the same kernel does not wait again
    import os

    assert os.environ["QUERY_STRING"] == "lang=en"
    query_socket["query"] = "lang=zh"
    again = OverviewApp()
    assert again.lang == "en" and len([e for e in query_socket["events"] if e[0] == "connected"]) == 1


def test_preheated_app_reloads_a_workbook_changed_while_waiting(query_socket, monkeypatch, sample_copy):
    from planning.apps import OverviewApp

    monkeypatch.setenv("PLANNING_DATA", str(sample_copy))
    people = sample_copy / "people.csv"
    lines = people.read_text(encoding="utf-8-sig").splitlines()

    def handler_then_edit(ws):  # the planner saves the workbook while the pooled kernel waits
        people.write_text("\n".join(lines + [lines[1].replace(lines[1].split(",")[0], "P-NEW-1", 1)]) + "\n",
                          encoding="utf-8")
        ws.send(json.dumps({"QUERY_STRING": "lang=zh"}))

    from websockets.sync.server import serve as ws_serve

    server = ws_serve(handler_then_edit, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("VOILA_APP_PORT", str(server.socket.getsockname()[1]))
    try:
        app = OverviewApp()
    finally:
        server.shutdown()
    assert len(app.wb.people) == len(lines)  # header + old rows + the new one
    assert app.data["figures"]["people"] == len(lines)


def test_no_waiting_outside_a_preheated_kernel(monkeypatch):
    from planning.apps import OverviewApp
    from planning.apps.base import preheated, query_lang

    monkeypatch.setenv("VOILA_PREHEAT", "False")  # Voila without a pool: the request info is already there
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    assert not preheated() and query_lang() == "en"
    monkeypatch.delenv("VOILA_PREHEAT")  # JupyterLab, nbclient
    monkeypatch.delenv("QUERY_STRING")
    assert not preheated() and OverviewApp().lang == "zh"


def test_unreachable_query_socket_gives_the_default_language(monkeypatch):
    import planning.apps.serving as base  # where the page learns its viewer and language

    monkeypatch.setattr(base, "_viewer_arrived", False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", "1")  # nothing listens there
    monkeypatch.setenv("QUERY_STRING", "")
    assert base.query_lang() == "zh"


def test_serve_configures_the_pools(tmp_path):
    from planning.cli import LANDING, PAGE_POOL, voila_command

    cmd = voila_command(8866, ROOT / "notebooks", pool=5, config_dir=tmp_path)
    config = json.loads((tmp_path / "voila.json").read_text())
    assert config["VoilaConfiguration"]["preheat_kernel"] is True
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools[LANDING]["pool_size"] == 5 and pools["default"]["pool_size"] == PAGE_POOL
    assert f"--Voila.config_file_paths={tmp_path}" in cmd
    assert "--MappingKernelManager.cull_idle_timeout=300" in cmd
    voila_command(8866, ROOT / "notebooks", pool=0, config_dir=tmp_path)
    assert "VoilaKernelManager" not in json.loads((tmp_path / "voila.json").read_text())


# --- in Chromium ---------------------------------------------------------------------------------


def _log_count(log_path: Path, pattern: str) -> int:
    return len(re.findall(pattern, log_path.read_text(encoding="utf-8", errors="replace")))


def _wait_for_log(log_path: Path, pattern: str, n: int, timeout: float = 180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if _log_count(log_path, pattern) >= n:
            return
        time.sleep(0.3)
    raise AssertionError(f"{pattern!r} seen {_log_count(log_path, pattern)} times in {log_path.name}, want {n}")


WAITING = r"\[planning\] preheated kernel \S+ waits for its viewer"
USED = r"Using pre-heated kernel: \S+ for overview\.ipynb"


@pytest.fixture(scope="module")
def pooled_server(tmp_path_factory):
    """``planning serve --pool 2`` on a copy of the sample named ``pooled-wb``."""
    d = tmp_path_factory.mktemp("pooled") / "pooled-wb"
    shutil.copytree(planning.SAMPLE, d)
    proc, url, log = serve(["--pool", "2", "--data", str(d)], "voila-preheat.log")
    yield url, ARTIFACTS / "voila-preheat.log", d
    stop(proc, log)


@pytest.mark.browser
@pytest.mark.slow
def test_landing_page_from_a_warm_pool_in_both_languages(pooled_server, browser):
    from test_dashboards import Page

    url, log, _ = pooled_server
    from planning.cli import PAGE_POOL

    pooled = 2 + PAGE_POOL * (len(NOTEBOOKS) - 1)  # two for the landing page, PAGE_POOL for every other page
    _wait_for_log(log, WAITING, pooled)  # every pooled kernel has run its page up to the viewer's arrival
    for lang, title, source in (("zh", "对口支援概览", "数据：pooled-wb"), ("en", "Counterpart support overview",
                                                                        "Data: pooled-wb")):
        used = _log_count(log, USED)
        p = Page(browser, url, "overview.ipynb", lang)
        assert _log_count(log, USED) == used + 1  # this view took a kernel from the pool
        body = p.page.inner_text("body")
        assert title in body and source in body  # the viewer's language, the served workbook
        assert "对口支援概览" not in body if lang == "en" else "Counterpart support overview" not in body
        p.check()
        p.shot(f"overview-pooled-{lang}.png")
        # the links keep the language; the pairing flows are drawn at once, the people charts when opened
        assert p.page.locator(f"a.nav-link[href$='?lang={lang}']").count() >= 1
        p.page.wait_for_selector("svg.pairing-flows", timeout=30_000)
        p.page.locator(".lm-TabBar-tab").nth(1).click()
        p.page.wait_for_selector(".pairing-table table.data", timeout=30_000)
        p.page.locator(".lm-TabBar-tab").nth(3).click()
        p.page.wait_for_selector(".bqplot", timeout=30_000)
        p.check()
        p.shot(f"overview-pooled-network-{lang}.png")
        p.page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_pooled_page_shows_a_workbook_changed_after_the_kernel_warmed(pooled_server, browser):
    from test_dashboards import Page

    url, log, d = pooled_server
    from planning.cli import PAGE_POOL

    _wait_for_log(log, WAITING, _log_count(log, USED) + 2 + PAGE_POOL * (len(NOTEBOOKS) - 1))  # the pool is full again
    people = d / "people.csv"
    lines = people.read_text(encoding="utf-8-sig").splitlines()
    people.write_text("\n".join(lines + [lines[1].replace(lines[1].split(",")[0], "P-NEW-1", 1)]) + "\n",
                      encoding="utf-8")
    p = Page(browser, url, "overview.ipynb", "en")
    from planning.core.i18n import fmt_int

    scale = p.page.inner_text(".scale")
    assert f"{fmt_int(len(lines))} people" in scale  # one person more than the len(lines) - 1 the kernel loaded
    p.check()
    p.page.close()


@pytest.fixture(scope="module")
def unpooled_server():
    proc, url, log = serve(["--pool", "0"], "voila-nopool.log")
    yield url
    stop(proc, log)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_page_without_a_pool(unpooled_server, browser, name):
    from test_dashboards import Page

    p = Page(browser, unpooled_server, name, "en")  # fails when the page was not built (app-failed)
    p.check()
    assert p.page.inner_text(".lang-switch").strip() == "中文"  # an English page offers Chinese
    title = p.page.inner_text(".app-title").strip()  # the page's own English title, not only a kernel's answer
    assert title and re.fullmatch(r"[A-Za-z][A-Za-z ,:&'-]+", title), title
    drawn = ".planning-app .lm-TabBar-tab, .planning-app table, .planning-app button:not(.lang-switch)"
    assert p.page.locator(drawn).count() > 0  # a body was drawn, not only a header
    p.page.close()
    assert _log_count(ARTIFACTS / "voila-nopool.log", r"Using pre-heated kernel|waits for its viewer") == 0
