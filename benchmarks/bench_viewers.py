"""Many viewers at once: N dashboard sessions against one `planning serve`, in headless Chromium.

Starts the server on a free port, opens N pages of a notebook at the same time
(Playwright, Debian's chromium), waits until each says it is ready
(``.app-ready``), and reports time-to-ready (median, 95th percentile, max),
errors, and memory per kernel (resident set of each kernel process). A single
page opened alone first gives the first-view time.

    python benchmarks/bench_viewers.py [--viewers 20] [--page overview.ipynb]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kernel_rss_mb(server_pid: int) -> list[float]:
    """Resident memory of every ipykernel process started by the server."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"ipykernel" not in cmd:
                continue
            status = Path(f"/proc/{pid}/status").read_text()
            ppid = int(next(line for line in status.splitlines() if line.startswith("PPid")).split()[1])
            if ppid != server_pid and not _descends(ppid, server_pid):
                continue
            rss = next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]
            out.append(int(rss) / 1024)
        except (OSError, StopIteration):
            continue
    return out


def _descends(pid: int, root: int) -> bool:
    for _ in range(6):
        if pid == root:
            return True
        if pid <= 1:
            return False
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False
        pid = int(next(line for line in status.splitlines() if line.startswith("PPid")).split()[1])
    return False


async def open_page(browser, url, results, errors):
    page = await browser.new_page(viewport={"width": 1400, "height": 900})
    bad = []
    page.on("pageerror", lambda e: bad.append(str(e)))
    t = time.perf_counter()
    try:
        await page.goto(url, timeout=180_000)
        await page.wait_for_selector(".app-ready", timeout=180_000)
        results.append(time.perf_counter() - t)
        text = await page.inner_text("body")
        if "出现了问题" in text or "Traceback" in text:
            bad.append("error text on the page")
    except Exception as e:  # report, do not stop the other viewers
        bad.append(f"{type(e).__name__}: {e}")
    errors.extend(bad)
    return page


async def main_async(args):
    from playwright.async_api import async_playwright

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "planning.cli", "serve", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        url = f"{base}/voila/render/{args.page}"
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=["--no-sandbox", "--disable-gpu"])
            first, first_err = [], []
            page = await open_page(browser, url, first, first_err)
            await page.close()
            await asyncio.sleep(1)
            times, errors = [], []
            t0 = time.perf_counter()
            pages = await asyncio.gather(*[open_page(browser, url, times, errors) for _ in range(args.viewers)])
            wall = time.perf_counter() - t0
            rss = kernel_rss_mb(proc.pid)
            for pg in pages:
                await pg.close()
            await browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    print(f"{args.viewers} viewers of {args.page} against one server on {os.cpu_count()} cores")
    print(f"first view alone: {first[0]:.2f} s" if first else f"first view failed: {first_err}")
    if times:
        a = np.array(times)
        print(f"time to ready: median {np.median(a):.2f} s, p95 {np.percentile(a, 95):.2f} s, max {a.max():.2f} s; "
              f"all {len(times)} ready after {wall:.1f} s")
    print(f"errors: {len(errors)}" + ("" if not errors else "\n  " + "\n  ".join(errors[:10])))
    if rss:
        print(f"kernels alive: {len(rss)}, memory per kernel: median {np.median(rss):.0f} MB, "
              f"max {max(rss):.0f} MB, total {sum(rss):.0f} MB")
    return 1 if errors or len(times) < args.viewers else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--viewers", type=int, default=20)
    ap.add_argument("--page", default="overview.ipynb")
    sys.exit(asyncio.run(main_async(ap.parse_args())))


if __name__ == "__main__":
    main()
