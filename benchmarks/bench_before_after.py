"""The same work on two commits in the same run: is a change slower, and does it give the same answers?

For a refactor (the layout of issue 26, the facts derived once) the peer is the code before it:
both trees are timed alternately on the same generated files, each step in a fresh interpreter
per round, so a busy machine slows both alike. Steps, at ``--people`` (default 50,000):

* ``load``: ``planning.load_workbook`` of the generated folder of CSVs (bench_workbook's file);
* ``allocate``: ``planning.allocate`` on bench_allocate (a)'s shared-pairing market, one-day window,
  end to end, with its first objective (which must be the same on both trees);
* ``overview``: the overview page's app built on that workbook (what a viewer waits for).

    .venv/bin/python benchmarks/bench_before_after.py --base 51ef47d [--people 50000] [--rounds 3]

Prints per step the best seconds on each tree, the ratio head / base and the objectives.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"

CHILD = r"""
import json, os, sys, time, gc
step, data = sys.argv[1], sys.argv[2]
import planning
t0 = time.perf_counter()
if step == "load":
    wb = planning.load_workbook(data); out = {"rows": int(len(wb.people))}
elif step == "allocate":
    wb = planning.load_workbook(data)
    gc.collect(); t0 = time.perf_counter()
    plan = planning.allocate(wb, window=("2027-03-01", "2027-03-01"))
    out = {"objective": int(plan.objective.value), "assignments": int(len(plan.assignments))}
else:
    from planning.apps import OverviewApp
    wb = planning.load_workbook(data)
    gc.collect(); t0 = time.perf_counter()
    app = OverviewApp(wb=wb, lang="zh")
    out = {"ready": "app-ready" in app.root._dom_classes}
out["seconds"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def generate(people: int, folder: Path) -> Path:
    """bench_allocate (a)'s market as a folder of CSVs, written once by the head tree."""
    if (folder / "people.csv").exists():
        return folder
    sys.path.insert(0, str(ROOT))
    from planning import save_workbook
    from planning.samples.synthetic import synthetic_workbook
    wb = synthetic_workbook(people=people, host_units=people // 10, teams=False, sectors=8,
                            cities_per_prefecture=25)
    folder.mkdir(parents=True, exist_ok=True)
    save_workbook(wb, folder)
    return folder


def run(tree: Path, step: str, data: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), PLANNING_TODAY="2027-02-15",
               PLANNING_STORE=str(Path(tempfile.gettempdir()) / "bench-before-after-empty.sqlite"))
    env.pop("PLANNING_DB_URL", None)
    env.pop("PLANNING_DATA", None)
    r = subprocess.run([sys.executable, "-c", CHILD, step, str(data)], cwd=tree, env=env,
                       capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"{tree.name} {step} failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the commit to compare with (the code before the change)")
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", default="load,allocate,overview")
    args = ap.parse_args()
    data = generate(args.people, OUT / f"before-after-{args.people}")
    base = Path(tempfile.mkdtemp(prefix="planning-base-"))
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.base], cwd=ROOT, check=True)
    try:
        head_rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                  text=True).stdout.strip()
        print(f"{data.name}: base {args.base} against head {head_rev} (work tree), {args.rounds} rounds, alternating")
        print(f"{'step':<10} {'base s':>8} {'head s':>8} {'head/base':>10}  answers")
        for step in args.steps.split(","):
            best = {"base": None, "head": None}
            seen = {"base": None, "head": None}
            for _ in range(args.rounds):
                for name, tree in (("base", base), ("head", ROOT)):
                    r = run(tree, step, data)
                    s = r.pop("seconds")
                    best[name] = s if best[name] is None else min(best[name], s)
                    seen[name] = r
            same = "same" if seen["base"] == seen["head"] else f"DIFFER: {seen['base']} vs {seen['head']}"
            print(f"{step:<10} {best['base']:>8.2f} {best['head']:>8.2f} {best['head'] / best['base']:>10.2f}  "
                  f"{same} {seen['head']}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT)


if __name__ == "__main__":
    main()
