"""Resident-optimal stable matching: ``planning.programme.stable.hospital_resident`` beside the ``matching`` package.

One random instance (fixed seed): residents each rank 10–30 hospitals, drawn with
uneven popularity; each hospital ranks every resident who ranked it (by a score
plus noise); capacities sum to about the number of residents. Both solvers start
from the same dictionaries and end with ``{hospital: [residents]}``; the results
must be identical (including order). ``matching`` recurses deeply (it deep-copies
its players), so it runs in a thread with a large stack and a raised recursion
limit. Target: ours at least 10x faster.

    python benchmarks/bench_stable.py [--residents 5000] [--hospitals 200] [--repeat 3] [--seed 0]
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def instance(residents: int, hospitals: int, seed: int):
    rng = np.random.default_rng(seed)
    rnames = [f"R{i:05d}" for i in range(residents)]
    hnames = [f"H{j:04d}" for j in range(hospitals)]
    popularity = rng.gamma(2.0, 1.0, hospitals)
    popularity /= popularity.sum()
    resident_prefs = {}
    for r in rnames:
        k = int(rng.integers(10, 31))
        resident_prefs[r] = [hnames[j] for j in rng.choice(hospitals, size=min(k, hospitals), replace=False,
                                                              p=popularity)]
    score = rng.normal(size=residents)
    ranked = {h: [] for h in hnames}
    for i, r in enumerate(rnames):
        for h in resident_prefs[r]:
            ranked[h].append(i)
    hospital_prefs = {}
    for h, idx in ranked.items():
        idx = np.asarray(idx, dtype=np.int64)
        key = score[idx] + rng.normal(scale=0.5, size=len(idx))
        hospital_prefs[h] = [rnames[i] for i in idx[np.argsort(-key, kind="stable")]]
    # capacities: about one place per resident, more where demand is higher, at least 1
    cap = np.maximum(1, rng.multinomial(residents - hospitals, popularity) + 1)
    capacities = dict(zip(hnames, cap.tolist()))
    return resident_prefs, hospital_prefs, capacities


def run_matching(resident_prefs, hospital_prefs, capacities):
    """Time ``matching`` (build from dictionaries, solve) in a thread with a big stack."""
    out = {}

    def work():
        from matching.games import HospitalResident
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0 = time.perf_counter()
            game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
            t1 = time.perf_counter()
            solved = game.solve(optimal="resident")
            res = {h.name: [r.name for r in rs] for h, rs in solved.items()}
            t2 = time.perf_counter()
        out.update(build=t1 - t0, solve=t2 - t1, total=t2 - t0, result=res)

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    old_stack = threading.stack_size(512 * 1024 * 1024)
    try:
        th = threading.Thread(target=work)
        th.start()
        th.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if "result" not in out:
        raise RuntimeError("matching failed (see the thread's traceback above)")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=5_000)
    ap.add_argument("--hospitals", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from planning.programme.stable import hospital_resident, is_stable

    rp, hp, cap = instance(args.residents, args.hospitals, args.seed)
    pairs = sum(map(len, rp.values()))
    print(f"instance: {len(rp):,} residents x {len(hp):,} hospitals, {pairs:,} ranked pairs, "
          f"{sum(cap.values()):,} places (seed {args.seed})")

    ours_t = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ours = hospital_resident(rp, hp, cap)
        ours_t.append(time.perf_counter() - t)
    ours_s = min(ours_t)

    ref = run_matching(rp, hp, cap)
    same = ours == ref["result"]
    stable = is_stable(ours, rp, hp, cap)
    matched = sum(map(len, ours.values()))

    print(f"{'solver':<34} {'seconds':>9} {'ratio':>8}")
    print(f"{'planning.programme.stable (best of %d)' % args.repeat:<34} {ours_s:>9.3f} {1.0:>8.1f}")
    print(f"{'matching: build + solve':<34} {ref['total']:>9.3f} {ref['total'] / ours_s:>8.1f}")
    print(f"{'matching: solve only':<34} {ref['solve']:>9.3f} {ref['solve'] / ours_s:>8.1f}")
    print(f"matched residents: {matched:,}; identical results: {same}; stable: {stable}")
    assert same, "results differ from matching's"
    assert stable
    print("target (ours >= 10x faster than matching build + solve):",
          "met" if ref["total"] / ours_s >= 10 else "NOT met")


if __name__ == "__main__":
    main()
