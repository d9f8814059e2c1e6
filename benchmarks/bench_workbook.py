"""Load + validate the national-scale workbook beside a bare pandas read of the same files.

Runs each measurement in a fresh Python process (so peak memory is that step's
own) and prints time, peak RSS and the ratio project / bare read. The peers: a bare
``pandas.read_csv`` of each CSV file, and ``pandas.read_excel(engine="calamine")`` of
every sheet of the .xlsx (the fastest pandas reads). Targets: CSV within 2x, .xlsx within
1.5x. ``--openpyxl`` also times the .xlsx read by openpyxl alone (the reader before
calamine). Also times ``build_network``.

    python benchmarks/bench_workbook.py [--people 50000] [--host-units 5000] [--repeat 3] [--formats csv] [--openpyxl]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _harness import best_run  # noqa: E402  (benchmarks/ is on the path when a benchmark runs)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "generated"
#: Load + validate within this many times the peer's read.
TARGET = {"csv": 2.0, "xlsx": 1.5}

STEP = r"""
import json, sys, time
import pandas as pd
kind, path = sys.argv[1], sys.argv[2]
from pathlib import Path
import planning
t = time.perf_counter()
if kind == "bare_csv":
    tables = {f.stem: pd.read_csv(f) for f in sorted(Path(path).glob("*.csv"))}
elif kind == "bare_xlsx":
    tables = pd.read_excel(path, sheet_name=None, engine="calamine")
elif kind in ("load_csv", "load_xlsx"):
    wb = planning.load_workbook(path)
elif kind == "load_xlsx_openpyxl":
    import planning.contract.xlsx_fast as fast
    fast.read_xlsx_fast = lambda *a: None  # the openpyxl reader alone
    wb = planning.load_workbook(path)
elif kind == "network":
    wb = planning.load_workbook(path)
    t = time.perf_counter()
    G = planning.build_network(wb)
dt = time.perf_counter() - t
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(json.dumps({"seconds": dt, "peak_mb": int(hwm) / 1024}))
"""


def run(kind, path, repeat):
    return best_run(STEP, kind, path, repeat=repeat)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--host-units", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx (xlsx is slow)")
    ap.add_argument("--no-network", action="store_true", help="skip timing build_network")
    ap.add_argument("--openpyxl", action="store_true", help="also time the .xlsx read by openpyxl alone")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from planning.samples.synthetic import synthetic_workbook
    from planning.contract import save_workbook

    OUT.mkdir(parents=True, exist_ok=True)
    csv = OUT / f"national-{args.people}"
    xlsx = OUT / f"national-{args.people}.xlsx"
    t = time.perf_counter()
    wb = synthetic_workbook(people=args.people, host_units=args.host_units)
    if not csv.exists():
        save_workbook(wb, csv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if "xlsx" in formats and not xlsx.exists():
        save_workbook(wb, xlsx)
    print(f"workbook: {wb!r} (generated and written in {time.perf_counter() - t:.1f} s)")
    rows = []
    for fmt, path in (("csv", csv), ("xlsx", xlsx)):
        if fmt not in formats:
            continue
        bare = run(f"bare_{fmt}", path, args.repeat)
        ours = run(f"load_{fmt}", path, args.repeat)
        rows.append((fmt, bare, ours))
        if fmt == "xlsx" and args.openpyxl:
            rows.append(("xlsx (openpyxl alone)", bare, run("load_xlsx_openpyxl", path, 1)))
    print(f"{'format':<6} {'bare read s':>12} {'load+validate s':>16} {'time ratio':>11} "
          f"{'bare peak MB':>13} {'load peak MB':>13} {'mem ratio':>10}   (xlsx peer: pandas + calamine)")
    ok = True
    for fmt, bare, ours in rows:
        tr = ours["seconds"] / bare["seconds"]
        mr = ours["peak_mb"] / bare["peak_mb"]
        if fmt in TARGET:
            ok &= tr <= TARGET[fmt]
        print(f"{fmt:<6} {bare['seconds']:>12.2f} {ours['seconds']:>16.2f} {tr:>11.2f} "
              f"{bare['peak_mb']:>13.0f} {ours['peak_mb']:>13.0f} {mr:>10.2f}")
    if not args.no_network:
        net = run("network", csv, 1)
        print(f"build_network at {args.people:,} people: {net['seconds']:.2f} s, peak {net['peak_mb']:.0f} MB")
    print("target (load+validate <= 2x bare read_csv, <= 1.5x pandas+calamine):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
