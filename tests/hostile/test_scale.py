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


def test_blocked_seats_with_selection_criteria_match_a_plain_reference():
    """Seats asking an age cap or a title: blocked when someone meets every rule and criterion but the
    pairings, and no one under a deciding sender does (the reference: pairs with and without pairings)."""
    import numpy as np

    from planning.core.live import LIVE
    from planning.programme.eligibility import capable_pairs, eligible_pairs, exclusive_senders
    from planning.samples.synthetic import synthetic_workbook

    wb = synthetic_workbook(people=3_000, host_units=300, sectors=4, seed=2)
    rng = np.random.default_rng(5)
    p, o = wb.people.copy(), wb.orders.copy()
    p["birth_date"] = pd.to_datetime("1970-01-01") + pd.to_timedelta(rng.integers(0, 10_000, len(p)), unit="D")
    p.loc[rng.random(len(p)) < 0.2, "birth_date"] = pd.NaT  # a missing fact never qualifies
    p["title"] = rng.choice(["junior", "intermediate", "associate_senior", "senior"], len(p))
    o["age_cap"] = pd.array(np.where(rng.random(len(o)) < 0.5, 45, None), dtype="Int64")
    o["min_title"] = np.where(rng.random(len(o)) < 0.4, "associate_senior", None)
    wb.people, wb.orders = p, o
    slots = order_slots(wb.orders)
    slots = slots[slots["end"] >= today()].assign(start=lambda s: s["start"].clip(lower=today())).reset_index(drop=True)
    got = blocked_by_pairings(wb)
    pd.testing.assert_frame_equal(got, blocked_by_pairings(wb, slots))
    # the reference: a seat some person may take but for the pairings, and no one may take with them
    key = ["order", "slot"]
    capable = capable_pairs(wb, wb.people, slots)[key].drop_duplicates()
    eligible = eligible_pairs(wb, slots)[key].drop_duplicates()
    blocked = capable.merge(eligible, on=key, how="left", indicator=True)
    blocked = slots.merge(blocked[blocked["_merge"] == "left_only"][key], on=key)
    a = wb.assignments[wb.assignments["status"].isin(LIVE)]
    held = blocked.merge(a[["order", "start", "end"]], on="order", suffixes=("", "_a"))
    held = held[(held["start_a"] <= held["end"]) & (held["end_a"].isna() | (held["end_a"] >= held["start"]))]
    blocked["open"] = blocked["headcount"] - blocked.merge(
        held.groupby(key).size().rename("n").reset_index(), on=key, how="left")["n"].fillna(0).astype(int)
    blocked = blocked[blocked["open"] > 0]
    senders = exclusive_senders(wb, blocked).merge(blocked[key + ["host_unit", "sector"]], on=key)
    want = {(u, k): (int(g["open"].sum()), "、".join(sorted(set(
        senders.loc[(senders["host_unit"] == u) & (senders["sector"] == k), "sender"]))))
        for (u, k), g in blocked.groupby(["host_unit", "sector"])}
    assert {(u, k): (n, s) for u, k, n, s in got.values.tolist()} == want
    assert len(want) > 5 and slots["age_cap"].notna().any()
