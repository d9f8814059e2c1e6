"""Packages of the shipped sample: one file per host unit, per sender and per assessed unit, beside two peers.

Each measurement runs in a fresh Python process on ``data/sample`` as of 2026-11-22 (76 host units,
21 senders, 75 assessment sheets); times are CPU seconds (``time.process_time``) and wall seconds,
the best of ``--repeat`` runs. Steps:

* ``ours``: ``write_unit_packages`` (what ``planning packages data/sample`` writes), then
  ``write_sender_packages`` (``--senders``) and ``write_assessment_sheets`` (``--assessments 2026``):
  each file written once, by xlsxwriter, the tables every unit's package shows derived once, the
  programme cut to the units in one grouped pass (``scope_workbooks``);
* ``two-pass``: the unit packages as they were written before: per unit, the programme cut to the unit,
  its roster, standing and indicators derived from it, the data tables written by pandas (openpyxl
  engine, ``save_workbook``), the file read again by openpyxl to add the report sheets
  (``write_excel(append=True)``) and once more for the indicators' number check;
* ``pandas``: plain pandas ``to_excel`` (openpyxl engine) of the very tables of every unit's package,
  given ready (their derivation is not timed): the library's own writer of the same cells, without
  the title lines, widths, checks and print settings.

    python benchmarks/bench_packages.py [--repeat 1]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _harness import PEAK_MB, best_run  # noqa: E402  (benchmarks/ is on the path when a benchmark runs)

ROOT = Path(__file__).resolve().parent.parent

STEP = r"""
import json, os, sys, tempfile, time
os.environ["PLANNING_TODAY"] = "2026-11-22"
kind = sys.argv[1]
import pandas as pd
import planning
from planning.outputs import packages as P
from planning.outputs.sender_packages import write_sender_packages
wb = planning.load_workbook(planning.SAMPLE)
out = {}
folder = tempfile.mkdtemp()


def clock():
    return time.process_time(), time.perf_counter()


def since(t):
    return time.process_time() - t[0], time.perf_counter() - t[1]


if kind == "ours":
    t = clock()
    n = len(P.write_unit_packages(wb, folder + "/units"))
    out["units_cpu"], out["units_wall"] = since(t)
    t1 = clock()
    s = len(write_sender_packages(wb, folder + "/senders"))
    out["senders_cpu"], out["senders_wall"] = since(t1)
    t1 = clock()
    a = len(P.write_assessment_sheets(wb, folder + "/assess", "2026"))
    out["assess_cpu"], out["assess_wall"] = since(t1)
    out["cpu"], out["seconds"] = since(t)
    out["files"] = [n, s, a]
elif kind == "two-pass":
    from openpyxl import load_workbook as open_xlsx
    from openpyxl.worksheet.datavalidation import DataValidation
    from planning.contract import save_workbook
    from planning.core.i18n import t as tr
    from planning.core.names import names
    from planning.outputs.excel import write_excel
    from planning.outputs.labels import data_name
    from planning.outputs.reports import report_line
    from planning.scenarios.rotation import next_batch_orders
    t = clock()
    units = list(pd.unique(wb.orders["host_unit"]))
    drafts_all = next_batch_orders(wb)
    nm = names(wb)
    data = data_name(wb, "zh")
    for k, u in enumerate(units):
        drafts = P.unit_drafts(wb, u, drafts_all)
        pkg = P.unit_package(wb, u, drafts)
        path = f"{folder}/{k}.xlsx"
        save_workbook(pkg, path, headers="zh")
        roster, gaps, months, ind, dv_ = P.unit_tables(pkg, u, drafts, "zh")  # from the unit's own workbook
        sheets = [(tr("pkg.sheet.people", "zh"), roster), (tr("pkg.sheet.gaps", "zh"), gaps),
                  (tr("pkg.sheet.months", "zh"), months), (tr("pkg.sheet.drafts", "zh"), dv_),
                  (tr("pkg.sheet.indicators", "zh"), ind)]
        line = report_line(tr("pkg.title", "zh", unit=str(nm.get(u, u))), "zh", data=data, filters=str(nm.get(u, u)))
        write_excel(path, sheets, append=True, title_line=line, landscape=True, page_header=line, first=True)
        book = open_xlsx(path)  # and once more, for the number check on the actuals
        ws = book[tr("pkg.sheet.indicators", "zh")]
        dv = DataValidation(type="decimal", operator="between", formula1="-1000000000000",
                            formula2="1000000000000", allow_blank=True, showErrorMessage=True,
                            error=tr("pkg.ind.number", "zh"))
        ws.add_data_validation(dv)
        dv.add(f"H3:H{max(3, len(ind) + 2)}")
        book.save(path)
    out["cpu"], out["seconds"] = since(t)
    out["files"] = [len(units), 0, 0]
elif kind == "pandas":
    from planning.core.i18n import t as tr
    from planning.scenarios.rotation import next_batch_orders
    units = list(pd.unique(wb.orders["host_unit"]))
    drafts_all = next_batch_orders(wb)
    views = P.unit_views(wb, "zh", drafts_all)
    ready = []
    for u in units:  # the same tables, made ready beforehand
        drafts = P.unit_drafts(wb, u, drafts_all)
        pkg = P.unit_package(wb, u, drafts)
        roster, gaps, months, ind, dv_ = P.unit_tables(pkg, u, drafts, "zh", views)
        keys = ("people", "gaps", "months", "drafts", "indicators")
        sheets = [(tr(f"pkg.sheet.{k}", "zh"), df) for k, df in zip(keys, (roster, gaps, months, dv_, ind))]
        ready.append(sheets)
    t = clock()
    for k, sheets in enumerate(ready):
        with pd.ExcelWriter(f"{folder}/{k}.xlsx", engine="openpyxl") as xw:
            for name, df in sheets:
                df.to_excel(xw, sheet_name=name, index=False)
    out["cpu"], out["seconds"] = since(t)
    out["files"] = [len(ready), 0, 0]
out["peak_mb"] = PEAK_MB_EXPR
print(json.dumps(out))
""".replace("PEAK_MB_EXPR", PEAK_MB)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    ours = best_run(STEP, "ours", repeat=a.repeat)
    two = best_run(STEP, "two-pass", repeat=a.repeat)
    plain = best_run(STEP, "pandas", repeat=a.repeat)
    n, s, k = ours["files"]
    print(f"packages of data/sample ({n} host units, {s} senders, {k} assessment sheets), CPU s (wall s):")
    print(f"  ours, unit packages: {ours['units_cpu']:.2f} ({ours['units_wall']:.2f}); sender packages "
          f"{ours['senders_cpu']:.2f} ({ours['senders_wall']:.2f}); assessment sheets {ours['assess_cpu']:.2f} "
          f"({ours['assess_wall']:.2f}); in all {ours['cpu']:.2f} ({ours['seconds']:.2f}), peak {ours['peak_mb']:.0f} MB")
    print(f"  peer, the two-pass unit packages: {two['cpu']:.2f} ({two['seconds']:.2f}), peak {two['peak_mb']:.0f} MB"
          f" — {two['cpu'] / ours['units_cpu']:.1f}× ours")
    print(f"  peer, plain pandas to_excel (openpyxl) of the same unit tables, given ready: {plain['cpu']:.2f} "
          f"({plain['seconds']:.2f}), peak {plain['peak_mb']:.0f} MB — {plain['cpu'] / ours['units_cpu']:.1f}× ours")
    return 0 if two["files"][0] == plain["files"][0] == n else 1


if __name__ == "__main__":
    sys.exit(main())
