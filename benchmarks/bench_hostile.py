"""How long the loader takes on the hostile corpus's large files (the timings the tests no longer assert).

``tests/hostile/test_corpus.py`` checks what the loader does with these files (refused with a located
sentence, or loaded whole, within a memory bound); how long it takes is measured here, each file loaded
in a fresh Python (its own peak memory), best of ``--repeat``. Budget: 10 s each on the 2-core test machine.

    python benchmarks/bench_hostile.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _harness import PEAK_MB, ROOT, best_run  # noqa: E402  (benchmarks/ is on the path when a benchmark runs)

BUDGET_SECONDS = 10.0

STEP = r"""
import json, sys, time
import planning
t = time.perf_counter()
try:
    planning.load_workbook(sys.argv[1])
    outcome = "loaded"
except planning.WorkbookError:
    outcome = "refused"
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "outcome": outcome, "peak_mb": %s}))
""" % PEAK_MB


def files(tmp: Path) -> dict[str, Path]:
    """The corpus's large cases, built by the corpus's own builders."""
    sys.path.insert(0, str(ROOT / "tests" / "hostile"))
    import cases as C

    blank = C.sample_folder(tmp / "blank")
    with open(blank / "people.csv", "ab") as f:
        f.write(b"\n" * 1_000_000)
    return {
        "csv-5000-columns": C.wide_people(tmp / "wide"),
        "csv-million-blank-lines": blank,
        "xlsx-stray-value-at-XFD1": C.stray_cell_xlsx(tmp / "xfd1", 1, 16384),
        "xlsx-stray-value-at-XFD1048576": C.stray_cell_xlsx(tmp / "xfdlast", 1048576, 16384),
        "xlsx-dimension-claims-A1-to-XFD1048576": C.lying_dimension_xlsx(tmp / "dimension"),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as d:
        tmp = Path(d)
        for sub in ("blank", "wide", "xfd1", "xfdlast", "dimension"):
            (tmp / sub).mkdir()
        print(f"{'case':42} {'outcome':8} {'seconds':>8} {'peak MB':>8}  budget {BUDGET_SECONDS:.0f} s")
        for name, path in files(tmp).items():
            r = best_run(STEP, path, repeat=args.repeat)
            flag = "" if r["seconds"] <= BUDGET_SECONDS else "  OVER BUDGET"
            print(f"{name:42} {r['outcome']:8} {r['seconds']:8.2f} {r['peak_mb']:8.0f}{flag}")


if __name__ == "__main__":
    main()
