"""Mutation testing of the programme's rules with mutmut: ``make mutation`` (slow; not part of ``make test``).

    python scripts/mutation.py                 # every module of [tool.planning.mutation] in pyproject.toml
    python scripts/mutation.py pairings seats  # some of them
    python scripts/mutation.py --report        # the figures of the last runs, without running anything
    python scripts/mutation.py --survivors     # rerun only the last run's survivors and mutants without a test
                                               # (after adding tests; equivalents aside)
    python scripts/mutation.py --resume        # run only the mutants an interrupted run left unchecked

Each module runs on its own, one mutmut process at a time, in ``build/mutation/<module>/`` (mutmut keeps
its mutated copy of the library in ``mutants/`` there and reuses the results of an unchanged function on
the next run). Its tests are the module's small selection, Hypothesis capped at
``PLANNING_HYPOTHESIS_EXAMPLES`` examples (default 10); ``MUTATION_CHILDREN`` mutants run at once
(default 1: the machine is shared).

``MUTATION_SAMPLE=k`` overrides every module's sample step (1: every mutant); ``MUTATION_SHIFT=s`` takes
another sample of the same size (numbers k - s, 2k - s, …), for instance to check on mutants no test was
written for.

Survivors that cannot be killed because they change nothing the rule promises are listed, with the
reason, in ``tests/mutation_equivalent.toml``; the report counts them as equivalent, not as survived.
"""
from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "mutation"
EQUIVALENT = ROOT / "tests" / "mutation_equivalent.toml"
LINKS = ["planning", "tests", "data", "pyproject.toml"]
MAX_MUTANTS = 1000  # mutmut numbers the mutants of each function from 1; no rule function has more

# run inside build/mutation/<module>/: mutmut's configuration from pyproject.toml, narrowed to the module
DRIVER = """
import json, os, sys
from mutmut.configuration import config
spec = json.loads(os.environ["PLANNING_MUTATION_SPEC"])
c = config()
c.only_mutate = spec["files"]
c.pytest_add_cli_args_test_selection = spec["tests"]
from mutmut.__main__ import cli
cli(["run", "--max-children", spec["children"], *spec["functions"]])
"""


def modules() -> dict:
    """The modules' tables, with ``functions`` narrowed to the sample (every ``sample``-th mutant)."""
    out = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["planning"]["mutation"]
    for spec in out.values():
        k = int(os.environ.get("MUTATION_SAMPLE") or spec.get("sample", 1))
        shift = int(os.environ.get("MUTATION_SHIFT", 0)) % k  # another sample of the same size: k - shift, 2k - shift…
        if k > 1:
            spec["functions"] = [f[:-1] + str(n - shift) for f in spec["functions"] for n in range(k, MAX_MUTANTS, k)]
    return out


def equivalent() -> dict[str, str]:
    """``{mutant name: why it is equivalent}``."""
    if not EQUIVALENT.exists():
        return {}
    return {k: v for section in tomllib.loads(EQUIVALENT.read_text("utf-8")).values() for k, v in section.items()}


def run(name: str, spec: dict, only: tuple | None = None) -> int:
    """Run mutmut on one module; ``only`` (statuses): just the last run's mutants in them, equivalents aside.

    mutmut keeps the verdicts of the others unless its configuration in pyproject.toml changed since.
    """
    last = results(name, spec)
    if only and last:  # (a module never run before runs whole)
        eq = equivalent()
        names = sorted(k for k, v in last.items() if v in only and k not in eq)
        if not names:
            print(f"== {name}: no mutant {' or '.join(only)}")
            return 0
        spec = dict(spec, functions=names)
    work = BUILD / name
    work.mkdir(parents=True, exist_ok=True)
    for link in LINKS:  # the library, its tests and data, seen from the module's folder
        if (work / link).is_symlink() and (work / link).readlink() != ROOT / link:
            (work / link).unlink()
        if not (work / link).is_symlink():
            (work / link).symlink_to(ROOT / link)
    env = dict(os.environ, PYTHONPATH="", PLANNING_HYPOTHESIS_EXAMPLES=os.environ.get("PLANNING_HYPOTHESIS_EXAMPLES", "10"),
               PLANNING_MUTATION_SPEC=json.dumps(dict(spec, children=os.environ.get("MUTATION_CHILDREN", "1"))))
    env.setdefault("PLANNING_SKIP_POSTGRES", "1")
    print(f"== {name}: {', '.join(spec['files'])} against {', '.join(spec['tests'])}", flush=True)
    return subprocess.run([sys.executable, "-c", DRIVER], cwd=work, env=env).returncode


def results(name: str, spec: dict) -> dict[str, str]:
    """``{mutant name: status}`` of the module's last run (mutmut's exit codes read as its statuses)."""
    status = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
              36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}
    out = {}
    for meta in (BUILD / name / "mutants").rglob("*.py.meta"):
        for key, code in json.loads(meta.read_text("utf-8"))["exit_code_by_key"].items():
            if any(fnmatch.fnmatch(key, f) for f in spec["functions"]):
                out[key] = status.get(code, "suspicious")
    return out


def report(names) -> None:
    eq = equivalent()
    head = f"{'module':<14}{'mutants':>8}{'killed':>8}{'equiv.':>8}{'survived':>9}{'no test':>8}{'unrun':>7}{'score':>8}"
    print(head)
    for name in names:
        r = results(name, modules()[name])
        n = {s: sum(v == s for v in r.values()) for s in ("killed", "survived", "no tests", "not checked", "timeout")}
        killed = n["killed"] + n["timeout"]
        equiv = sum(1 for k, v in r.items() if v == "survived" and k in eq)
        survived = n["survived"] - equiv
        live = killed + survived + n["no tests"]
        score = f"{100 * killed / live:.1f}%" if live else "-"
        print(f"{name:<14}{len(r):>8}{killed:>8}{equiv:>8}{survived:>9}{n['no tests']:>8}{n['not checked']:>7}{score:>8}")
        for k, v in sorted(r.items()):
            if v in ("survived", "no tests") and k not in eq:
                print(f"    {v}: {k}")


def main(argv: list[str]) -> int:
    only_report = "--report" in argv
    only = ("survived", "no tests") if "--survivors" in argv else ("not checked",) if "--resume" in argv else None
    names = [a for a in argv if not a.startswith("--")] or list(modules())
    unknown = set(names) - set(modules())
    if unknown:
        print(f"unknown module(s): {', '.join(sorted(unknown))}; known: {', '.join(modules())}", file=sys.stderr)
        return 2
    code = 0
    if not only_report:
        for name in names:
            code = run(name, modules()[name], only) or code
    report(names)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
