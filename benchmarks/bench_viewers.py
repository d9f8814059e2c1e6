"""Many viewers at once: N dashboard sessions against one `planning serve`, in headless Chromium.

Starts the server on a free port with the sample data and its preheated kernel
pools (``--pool``, default as ``planning serve``), waits until the pools are warm
(every pooled kernel has run its page up to the point where it waits for a
viewer, as the server log says, and no kernel uses CPU), then:

1. opens one page of the landing notebook alone (the first view), three times,
   each in a new browser context (empty cache), waiting for the pool in between;
2. waits for the pool to be warm again, then opens N pages at the same time and
   waits until each says it is ready (``.app-ready``): time-to-ready median,
   95th percentile and max, the part of it until the server had sent the whole
   page (the notebook has run in its kernel), errors, and the memory of the
   kernel processes (resident set, and proportional set size, which splits the
   pages they share fairly), preheated and idle, and with the N pages open;
3. times filter changes in the browser: the sector filter of the coverage page
   and the sending-city filter of the landing page's pairings tab, from the
   ``change`` event in the page until the table shows the new selection.

Each viewer gets a browser context of its own (its own cache and connections):
in one shared context Chromium's limit of six connections per host queues the
pages behind each other, which N separate viewers never see. Chromium runs on
the same machine as the server, so the time-to-ready of N simultaneous pages
includes N browsers' work that real viewers do on their own machines; the CPU
seconds of the kernels, the server and Chromium are printed to tell them apart.

With ``--browser-nice 10`` Chromium yields the CPU to the server and its kernels,
as if the viewers' browsers ran on machines of their own.

    python benchmarks/bench_viewers.py [--viewers 20] [--page overview.ipynb] [--pool 20] [--data PATH]
                                       [--browser-nice N]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planning.cli import LANDING, LANDING_POOL, PAGE_POOL  # noqa: E402

ERROR_TEXT = ("出现了问题", "There was an error", "Traceback")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(pid: int) -> dict:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        k, _, v = line.partition(":")
        out[k] = v.strip()
    return out


def kernels(server_pid: int) -> dict[int, dict]:
    """Every ipykernel process under the server: CPU seconds, resident and proportional memory (MB)."""
    return processes(server_pid, lambda cmd: b"ipykernel" in cmd)


def cpu_seconds(root: int, match) -> float:
    return sum(p["cpu"] for p in processes(root, match).values())


def processes(root: int, match) -> dict[int, dict]:
    """Processes under ``root`` whose command line satisfies ``match``: CPU seconds, memory (MB)."""
    tick = os.sysconf("SC_CLK_TCK")
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        pid = int(pid)
        try:
            if not match(Path(f"/proc/{pid}/cmdline").read_bytes()) or not _descends(pid, root):
                continue
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            rss = int(_status(pid)["VmRSS"].split()[0]) / 1024
            pss = rss
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        pss = int(line.split()[1]) / 1024
            except OSError:
                pass
            procs[pid] = {"cpu": (int(stat[11]) + int(stat[12])) / tick, "rss": rss, "pss": pss}
        except (OSError, KeyError, IndexError, ValueError):
            continue
    return procs


def _descends(pid: int, root: int) -> bool:
    for _ in range(12):
        try:
            pid = int(_status(pid)["PPid"])
        except (OSError, KeyError, ValueError):
            return False
        if pid == root:
            return True
        if pid <= 1:
            return False
    return False


def expected_pool(pool: int) -> int:
    """Kernels the server keeps preheated: ``pool`` for the landing page, PAGE_POOL for every other page."""
    if pool <= 0:
        return 0
    return sum(pool if p.name == LANDING else PAGE_POOL for p in (ROOT / "notebooks").glob("*.ipynb"))


def pooled_waiting(log_path: Path) -> int:
    """Preheated kernels now waiting for a viewer, from the server log: those that said so, less those used."""
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return len(re.findall(r"preheated kernel \S+ waits for its viewer", text)) - text.count("Using pre-heated kernel")


async def wait_warm(server_pid: int, log_path: Path, want: int, timeout: float = 300) -> tuple[float, int]:
    """Wait until ``want`` pooled kernels wait for viewers and no kernel used CPU for 1.5 s."""
    t0 = time.perf_counter()
    last, quiet = None, 0.0
    while time.perf_counter() - t0 < timeout:
        cpu = sum(k["cpu"] for k in kernels(server_pid).values())
        if last is not None and pooled_waiting(log_path) >= want and abs(cpu - last) < 0.02:
            quiet += 0.5
            if quiet >= 1.5:
                return time.perf_counter() - t0, pooled_waiting(log_path)
        else:
            quiet = 0.0
        last = cpu
        await asyncio.sleep(0.5)
    raise RuntimeError(f"pool not warm after {timeout:.0f} s ({pooled_waiting(log_path)} kernels wait, want {want})")


async def open_page(browser, url, results, errors, served=None):
    """One viewer: a browser context of its own (own cache and connections, like a separate browser).

    Appends the time to ready to ``results`` and, to ``served``, the time until the
    server had sent the whole page (the notebook has run; the rest is the browser's work).
    """
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    bad = []
    page.on("pageerror", lambda e: bad.append(f"page error: {e}"))
    t = time.perf_counter()
    try:
        response = await page.goto(url, timeout=180_000, wait_until="commit")
        await response.finished()
        if served is not None:
            served.append(time.perf_counter() - t)
        await page.wait_for_selector(".app-ready", timeout=180_000)
        results.append(time.perf_counter() - t)
        text = await page.inner_text("body")
        if any(e in text for e in ERROR_TEXT):
            bad.append("error text on the page")
    except Exception as e:  # report, do not stop the other viewers
        state = "?"
        try:
            state = await page.evaluate("() => [document.readyState, !!document.querySelector('#loading'), "
                                        "(document.body.innerText || '').slice(0, 80)].join(' | ')")
        except Exception:
            pass
        bad.append(f"{type(e).__name__}: {str(e).splitlines()[0]} (page: {state})")
    errors.extend(bad)
    return page


# Select an option of a dropdown (by its label) the way a viewer does, and time until ``done`` holds.
FILTER_JS = """
async ([select, label, done]) => {
  const s = document.querySelector(select + ' select');
  const opt = [...s.options].find(o => o.textContent.trim() === label);
  const check = new Function('return (' + done + ')');
  return await new Promise((resolve, reject) => {
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (check()) { obs.disconnect(); resolve(performance.now() - t0); }
    });
    obs.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
    setTimeout(() => { obs.disconnect(); reject(new Error('no answer in 10 s')); }, 10000);
    s.value = opt.value;
    s.dispatchEvent(new Event('change', {bubbles: true}));
  });
}
"""

HEAT_HEAD = "(document.querySelector('.gap-heatmap thead') || {innerText: ''}).innerText"
PAIRS = "document.querySelector('.pairing-table table.data').innerText"
FILTERS = {
    "coverage.ipynb": [
        (".sector-filter", "教育", f"!{HEAT_HEAD}.includes('医疗') && {HEAT_HEAD}.includes('教育')"),
        (".sector-filter", "医疗", f"!{HEAT_HEAD}.includes('教育') && {HEAT_HEAD}.includes('医疗')"),
        (".sector-filter", "全部", f"{HEAT_HEAD}.includes('教育') && {HEAT_HEAD}.includes('医疗')"),
    ],
    "overview.ipynb": [
        (".city-filter", "济南市", f"!{PAIRS}.includes('临汾市')"),
        (".city-filter", "临汾市", f"!{PAIRS}.includes('济南市')"),
        (".city-filter", "全部", f"{PAIRS}.includes('济南市') && {PAIRS}.includes('临汾市')"),
    ],
}


async def time_filters(browser, base, name, rounds=3) -> list[float]:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    await page.goto(f"{base}/voila/render/{name}", timeout=180_000)
    await page.wait_for_selector(".app-ready", timeout=180_000)
    if name == "overview.ipynb":
        await page.locator(".lm-TabBar-tab").nth(1).click()
        await page.wait_for_selector(".pairing-table table.data", timeout=30_000)
    await page.wait_for_timeout(1000)
    out = []
    for _ in range(rounds):
        for select, label, done in FILTERS[name]:
            out.append(await page.evaluate(FILTER_JS, [select, label, done]) / 1000)
            await page.wait_for_timeout(200)
    await context.close()
    return out


def self_cpu(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the kernels, the Voila server process and our Chromium."""
    return {"kernels": cpu_seconds(server_pid, lambda c: b"ipykernel" in c),
            "server": cpu_seconds(server_pid, lambda c: b"-m\0voila" in c),
            "browser": cpu_seconds(os.getpid(), lambda c: b"chrom" in c),
            "renderers": cpu_seconds(os.getpid(), lambda c: b"chrom" in c and b"--type=renderer" in c)}


def stats(a) -> str:
    a = np.asarray(a)
    return f"median {np.median(a):.2f} s, p95 {np.percentile(a, 95):.2f} s, max {a.max():.2f} s"


async def main_async(args):
    from playwright.async_api import async_playwright

    port = free_port()
    (ROOT / "benchmarks" / "out").mkdir(exist_ok=True)
    log_path = ROOT / "benchmarks" / "out" / "bench_viewers-voila.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "planning.cli", "serve", "--port", str(port),
                             "--pool", str(args.pool), "--data", str(args.data)], cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/voila/render/{args.page}"
    want = expected_pool(args.pool)
    load = os.getloadavg()
    print(f"{args.viewers} viewers of {args.page} against one server on {os.cpu_count()} cores "
          f"(load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}); "
          + (f"pool: {args.pool} preheated kernels for {LANDING}, {PAGE_POOL} for each other page" if args.pool > 0
             else "no preheated kernels") + (f"; Chromium at nice {args.browser_nice}" if args.browser_nice else ""))
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        if want:
            dt, n = await wait_warm(proc.pid, log_path, want)
            print(f"pools warm after {dt:.1f} s: {n} preheated kernels waiting for viewers")
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=["--no-sandbox", "--disable-gpu"])
            if args.browser_nice:  # pages' processes start from these and inherit their priority
                for pid in processes(os.getpid(), lambda c: b"chrom" in c):
                    os.setpriority(os.PRIO_PROCESS, pid, args.browser_nice)
            idle = kernels(proc.pid)
            blank = await browser.new_page()  # the viewer's browser is running already; its cache is empty
            await blank.goto("about:blank")
            await blank.close()
            first, first_err, first_served = [], [], []
            for i in range(args.first):
                page = await open_page(browser, url, first, first_err, first_served)
                await page.context.close()
                if want:
                    dt, n = await wait_warm(proc.pid, log_path, want)
                else:
                    await asyncio.sleep(2)
            if first:
                print(f"first view alone (each in a new browser context, {len(first)} times): "
                      + ", ".join(f"{a:.2f} s" for a in first)
                      + " (page sent by the server after " + ", ".join(f"{a:.2f}" for a in first_served) + " s)")
            if first_err:
                print(f"first view failed: {first_err}")
            if want:
                print(f"pools warm again after {dt:.1f} s ({n} preheated kernels waiting); "
                      f"opening {args.viewers} pages at once")
            cpu0 = self_cpu(proc.pid)
            times, errors, served = [], [], []
            t0 = time.perf_counter()
            pages = await asyncio.gather(*[open_page(browser, url, times, errors, served)
                                           for _ in range(args.viewers)])
            wall = time.perf_counter() - t0
            ks = kernels(proc.pid)
            cpu1 = self_cpu(proc.pid)
            for pg in pages:
                await pg.context.close()
            filt = {}
            for name in FILTERS:
                if (ROOT / "notebooks" / name).exists():
                    await asyncio.sleep(1)
                    filt[name] = await time_filters(browser, base, name)
            await browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
        log.close()
    if times:
        print(f"time to ready, {len(times)} of {args.viewers} at once: {stats(times)}; "
              f"all ready after {wall:.1f} s")
        print(f"  of which the server sending the whole page (notebook run): {stats(served)}")
    print(f"errors: {len(errors)}" + ("" if not errors else "\n  " + "\n  ".join(errors[:10])))
    for what, procs in (("preheated, idle", idle), (f"with {args.viewers} pages open (viewers' and refilled pool)",
                                                     ks)):
        if procs:
            rss = [k["rss"] for k in procs.values()]
            pss = [k["pss"] for k in procs.values()]
            print(f"kernels {what}: {len(procs)}; memory per kernel: resident median {np.median(rss):.0f} MB "
                  f"(max {max(rss):.0f}), proportional median {np.median(pss):.0f} MB; "
                  f"total proportional {sum(pss):.0f} MB")
    if ks:
        used = {k: cpu1[k] - cpu0[k] for k in cpu0}
        print(f"CPU seconds during the {args.viewers} page views: kernels {used['kernels']:.1f} (pool refills "
              f"included), server {used['server']:.1f}, Chromium {used['browser']:.1f} (pages' renderers "
              f"{used['renderers']:.1f})")
    for name, ts in filt.items():
        print(f"filter change on {name} ({len(ts)} changes, in the browser): {stats(ts)}")
    return 1 if errors or first_err or len(times) < args.viewers else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--viewers", type=int, default=20)
    ap.add_argument("--page", default="overview.ipynb")
    ap.add_argument("--first", type=int, default=3, help="first views alone, one after the other")
    ap.add_argument("--browser-nice", type=int, default=0,
                    help="run Chromium at this nice value, as if the viewers' browsers had machines of their own")
    ap.add_argument("--pool", type=int, default=LANDING_POOL, help="preheated kernels for the page (0: none)")
    ap.add_argument("--data", default=str(ROOT / "data" / "sample"), help="workbook served (default: the sample)")
    sys.exit(asyncio.run(main_async(ap.parse_args())))


if __name__ == "__main__":
    main()
