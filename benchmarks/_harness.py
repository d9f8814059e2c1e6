"""Shared helpers of the benchmarks: best-of-N timing, and steps run in a fresh process with their peak memory.

A step runs as ``python -c STEP arg…`` in a new interpreter (so its peak resident memory is its own)
and prints one JSON line last; :func:`best_run` keeps the fastest of ``repeat`` runs.
"""
from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Code for a step's last lines: its peak resident memory (MB) from /proc, for the JSON it prints.
PEAK_MB = 'int([l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]) / 1024'


def timed(f, *a, repeat: int = 1, **k):
    """(best seconds over ``repeat`` calls, last result) of ``f(*a, **k)``; garbage collected before each call."""
    best, out = None, None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = f(*a, **k)
        dt = time.perf_counter() - t
        best = dt if best is None or dt < best else best
    return best, out


def best_run(step: str, *args, repeat: int = 1) -> dict:
    """Run ``step`` in a fresh interpreter ``repeat`` times; the parsed JSON of the fastest (by ``seconds``)."""
    best = None
    for _ in range(repeat):
        r = subprocess.run([sys.executable, "-c", step, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
        if r.returncode:
            sys.exit(r.stderr)
        res = json.loads(r.stdout.strip().splitlines()[-1])
        if best is None or res["seconds"] < best["seconds"]:
            best = res
    return best
