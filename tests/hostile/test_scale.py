"""Scale on a laptop: ``planning check`` and the largest what-if changes at a size offices reach.

How long they take is measured in ``benchmarks/bench_scale.py`` (300,000 people); here, what the work
is: the pairing-blocked seats derived once per check, a crowded sector checked in a small fresh
process, a city's name looked up once per change, and the largest changes the limit allows made whole.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import planning
from planning.cli import main
from planning.core import facts
from planning.core.clock import today
from planning.programme.eligibility import blocked_by_pairings
from planning.programme.seats import order_slots
from planning.scenarios import what_if
from planning.scenarios.what_if import MAX_PEOPLE, apply

PROJECT = Path(__file__).resolve().parents[2]

CHECK = r"""
import contextlib, io, json, sys
from planning.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(["check", sys.argv[1]])
with open("/proc/self/status") as f:
    peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
print(json.dumps({"code": code, "text": out.getvalue(), "peak_mb": peak}, ensure_ascii=False))
"""


def _cap_memory():  # a check that would take the machine fails here instead
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))


def test_check_derives_the_blocked_seats_once(capsys):
    """The reminders' count and the summary ask the same question: the seats pairings block are found once."""
    facts.RUNS.clear()
    assert main(["check", str(planning.SAMPLE)]) == 0
    assert "伽师县第一中学的教育岗位 2 个无人可派" in capsys.readouterr().out
    assert facts.RUNS["planning.programme.eligibility._blocked_ahead"] == 1


def test_the_kept_blocked_seats_are_the_days_answer_and_follow_the_pairings():
    """The answer kept for a workbook is the one asked with today's seats; a pairing changed in place renews it."""
    wb = planning.load_workbook(planning.SAMPLE)
    slots = order_slots(wb.orders)
    slots = slots[slots["end"] >= today()].assign(start=lambda s: s["start"].clip(lower=today()))
    kept = blocked_by_pairings(wb)
    pd.testing.assert_frame_equal(kept, blocked_by_pairings(wb, slots))
    assert kept.values.tolist() == [["H-SCH11", "教育", 2, "SD-RZ"]]
    rz = (wb.pairings["sender"] == "SD-RZ") & (wb.pairings["host"] == "H-SCH11")
    wb.pairings.loc[rz, "scope"] = "preferred"  # no longer exclusive: nothing is blocked
    assert blocked_by_pairings(wb).empty
    wb.pairings.loc[rz, "scope"] = "exclusive"
    assert blocked_by_pairings(wb).values.tolist() == kept.values.tolist()


def test_check_of_a_crowded_sector_stays_small(tmp_path):
    """40,000 people of one sector beside 3,000 seats each held by a few cities' pairings.

    Joining everyone of the sector with every seat before asking about pairings made about 40 million
    candidate pairs (peak 672 MB, where the check now takes 177 MB): people are joined with the seats
    their own senders hold first, and only seats none of them can take are joined with everyone.
    """
    from planning.samples.synthetic import synthetic_workbook

    path = planning.save_workbook(synthetic_workbook(people=40_000, host_units=1_000, sectors=1, seed=1),
                                  tmp_path / "crowded")
    env = dict(os.environ, PYTHONPATH=str(PROJECT), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", CHECK, str(path)], capture_output=True, text=True, env=env,
                          cwd=str(PROJECT), preexec_fn=_cap_memory, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["code"] == 0 and "40000" in out["text"]
    assert out["peak_mb"] < 350, f"peak memory {out['peak_mb']:.0f} MB"


def test_a_change_of_many_people_looks_the_city_up_once(sample, monkeypatch):
    """Each new person's name says the city: the name is looked up once, not once per person (a lookup
    hashes the workbook's tables to find its kept names; 100,000 of them took 45 s)."""
    calls = []
    real = what_if.names

    def counted(wb):
        calls.append(1)
        return real(wb)

    monkeypatch.setattr(what_if, "names", counted)
    b = apply(sample, [{"kind": "senders", "city": "SD-JN", "sector": "教育", "delta": 2_000}])
    assert len(b.people) == len(sample.people) + 2_000 and len(calls) == 1
    calls.clear()
    b = apply(sample, [{"kind": "flexible", "city": "SD-JN", "sector": "教育", "n": 2_000, "start": "2027-03-01"}])
    assert len(b.people) == len(sample.people) + 2_000 and len(calls) == 1
    assert b.people["name"].iloc[-1] == "济南市柔性2000"


def test_new_ids_take_the_first_free_numbers(sample):
    """New people's ids count up from 001 and skip the ones the workbook holds, gaps first."""
    add = {"kind": "senders", "city": "SD-JN", "sector": "教育", "delta": 3}
    b = apply(sample, [add])
    assert b.people["id"].iloc[-3:].tolist() == ["SD-JN-教育-001", "SD-JN-教育-002", "SD-JN-教育-003"]
    b.people = b.people[b.people["id"] != "SD-JN-教育-002"].reset_index(drop=True)
    c = apply(b, [dict(add, delta=2)])
    assert c.people["id"].iloc[-2:].tolist() == ["SD-JN-教育-002", "SD-JN-教育-004"]


@pytest.mark.parametrize("kind", ["senders", "flexible"])
def test_the_largest_change_allowed_is_made_whole(sample, kind):
    """MAX_PEOPLE people more from one city, or in one flexible batch: every one added, each with an id of its own."""
    change = ({"kind": "senders", "city": "SD-JN", "sector": "教育", "delta": MAX_PEOPLE} if kind == "senders" else
              {"kind": "flexible", "city": "SD-JN", "sector": "教育", "n": MAX_PEOPLE, "start": "2027-03-01"})
    b = apply(sample, [change])
    new = b.people.iloc[len(sample.people):]
    assert len(new) == MAX_PEOPLE and b.people["id"].is_unique and new["name"].is_unique
    assert b.people.iloc[:len(sample.people)].equals(sample.people)
    with pytest.raises(what_if.ScenarioError):
        apply(sample, [dict(change, **({"delta": MAX_PEOPLE + 1} if kind == "senders" else {"n": MAX_PEOPLE + 1}))])
