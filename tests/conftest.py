import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
os.environ.setdefault("PLANNING_TODAY", "2026-11-22")
# test servers preheat 2 kernels for the landing page (and 1 per other page), not the 20 of `planning serve`
os.environ.setdefault("PLANNING_POOL", "2")
# the one planner of `planning serve` in the tests (scenario versions are saved under this name)
os.environ.setdefault("PLANNING_USER", "测试员")
# scenario saves made by the tests (and the pages they serve) go to a throwaway store, never the repo's
if not os.environ.get("PLANNING_DB_URL"):
    import tempfile

    os.environ["PLANNING_STORE"] = os.path.join(tempfile.mkdtemp(prefix="planning-test-store-"), "scenarios.sqlite")


# `make mutation` caps every Hypothesis test at a few fixed examples (PLANNING_HYPOTHESIS_EXAMPLES), without
# shrinking: each mutant reruns the tests that reach it, so the full counts would take hours; the normal run
# keeps them.
_CAP = os.environ.get("PLANNING_HYPOTHESIS_EXAMPLES")


def pytest_collection_modifyitems(items):
    if not _CAP:
        return
    from hypothesis import Phase, settings

    for item in items:
        test = getattr(item, "obj", None)
        current = getattr(test, "_hypothesis_internal_use_settings", None)  # where @given keeps its settings
        if current is not None:
            test._hypothesis_internal_use_settings = settings(
                current, max_examples=min(current.max_examples, int(_CAP)), derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate])  # a failure is enough: no time spent shrinking it


def csv_workbook(folder: Path, tables: dict[str, str]):
    """Write ``{table: csv text}`` into ``folder`` and load it: small hand-made workbooks for tests."""
    import planning

    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return planning.load_workbook(folder)


@pytest.fixture(scope="session")
def sample():
    import planning

    return planning.load_workbook(planning.SAMPLE)


@pytest.fixture
def own_store(tmp_path, monkeypatch):
    """An empty scenario store of this test's own: versions other tests saved are not this page's words."""
    monkeypatch.setenv("PLANNING_STORE", str(tmp_path / "scenarios.sqlite"))
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)


@pytest.fixture(scope="session")
def data_names(sample):
    """Every name the sample's data holds: words a page may show in either language."""
    cols = [sample.units["name"], sample.regions["name"], sample.people["name"], sample.management_units["name"],
            sample.indicator_definitions["name"], sample.indicator_definitions["measure"],
            sample.assessment_items["name"], sample.assessments["assessor"], sample.assessments["note"]]
    return {str(v) for c in cols for v in c.dropna()}


@pytest.fixture
def sample_copy(tmp_path):
    """A writable copy of the sample CSV folder."""
    import planning

    dst = tmp_path / "wb"
    shutil.copytree(planning.SAMPLE, dst)
    return dst


def _free_port() -> int:
    """A free port below the kernel's ephemeral range: no outgoing connection (which takes its local port from
    that range) can take it while the server starts."""
    import random

    low = 32768
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        pass
    for _ in range(200):
        p = random.randint(10000, max(10001, min(low, 40000) - 1))
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
            return p
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(extra=(), log_name="voila.log"):
    """Start ``planning serve`` on a free port; returns (process, base URL, log file)."""
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / log_name, "w")
    proc = subprocess.Popen([sys.executable, "-m", "planning.cli", "serve", "--port", str(port), *extra],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT,
                            env=dict(os.environ))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"planning serve exited; see artifacts/{log_name}")
            time.sleep(0.3)
    else:
        raise RuntimeError("planning serve did not answer in 60 s")
    return proc, url, log


def stop(proc, log):
    os.killpg(proc.pid, 15)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
    log.close()


def office_served(secret: str, log_name: str):
    """``planning serve`` behind an office secret (a page's viewer is the one its signed pass names): a generator
    for a module fixture, yielding (base URL, secret) and stopping the server after."""
    before = os.environ.get("PLANNING_OFFICE_SECRET")
    os.environ["PLANNING_OFFICE_SECRET"] = secret
    try:
        proc, url, log = serve(log_name=log_name)
    finally:
        if before is None:
            del os.environ["PLANNING_OFFICE_SECRET"]
        else:
            os.environ["PLANNING_OFFICE_SECRET"] = before
    yield url, secret
    stop(proc, log)


@pytest.fixture(scope="session")
def voila_server():
    """``planning serve`` on a free port; yields the base URL."""
    proc, url, log = serve()
    yield url
    stop(proc, log)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian's chromium is missing: run `make system` (apt-get install chromium fonts-noto-cjk)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _language_kept(monkeypatch):
    """The command line sets ``PLANNING_LANG`` for its process (``--lang``); a test calling it in-process must not
    leave the next test reading English."""
    import os

    monkeypatch.setenv("PLANNING_LANG", os.environ.get("PLANNING_LANG", "zh"))
