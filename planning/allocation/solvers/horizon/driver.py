"""The horizon solver's driver: starting plan, LP relaxation and bound, LP-guided plan, CP-SAT on small gaps."""
from __future__ import annotations

import time

import numpy as np

from ...model import Model, Solution
from ...plan import SolveStatus
from ..cpsat import close_with_cpsat, starting_plan
from ..flow import tie_value
from .columns import first_columns, solve_relaxation
from .lp import build_lp
from .pricing import Sequences
from .rounding import lp_plan

#: CP-SAT closes a remaining gap (and settles the tie-breakers) only on models up to this many pairs
CPSAT_PAIRS = 250_000
#: seconds per pair kept back from the LP for rounding its solution (team choices, the feasible part)
ROUNDING_SECONDS_PER_PAIR = 1.5e-6


def solve_horizon(m: Model, time_limit: float | None = None, lang: str | None = None,
                  cpsat_pairs: int | None = None, on_proven=None) -> Solution:
    """A plan with a proven bound: LP relaxation → Lagrangian bound → LP-guided plan → CP-SAT on small gaps.

    ``time_limit`` covers everything here: the LP gets what is left after a
    reserve for the rounds of flows that fill the plan. Status ``optimal`` when
    the plan's value meets the bound; ``time_limit`` when time ran out before it
    could; ``feasible`` when the method finished with a gap (a model too large
    for CP-SAT to close it). ``note`` says how the LP ended. ``on_proven(chosen, value, proof_seconds)``
    is called with the plan once its first objective is proven, before CP-SAT settles the tie-breakers.
    """
    t0 = time.perf_counter()
    cpsat_pairs = CPSAT_PAIRS if cpsat_pairs is None else cpsat_pairs
    if m.n_pairs == 0:
        return Solution(np.zeros(0, np.int64), 0, 0, SolveStatus.OPTIMAL, SolveStatus.OPTIMAL, 0, "horizon")
    deadline = None if time_limit is None else t0 + float(time_limit)

    def left() -> float | None:
        return None if deadline is None else deadline - time.perf_counter()

    lp = build_lp(m)
    seq = Sequences(m.pair_person, m.pair_start, m.pair_end, len(m.person_city))
    best = starting_plan(m, deadline=deadline)
    value = int(m.pair_w[best].sum())
    reserve = 0.5 + ROUNDING_SECONDS_PER_PAIR * m.n_pairs  # the LP gets the rest: the bound matters most
    relax = solve_relaxation(m, lp, seq, first_columns(m, best), None if deadline is None else deadline - reserve)
    bound = relax.bound
    if relax.x is not None and value < bound:
        cand = lp_plan(m, relax.x, deadline)
        if int(m.pair_w[cand].sum()) > value:
            best, value = cand, int(m.pair_w[cand].sum())
    bound = max(bound, value)
    note = (f"LP relaxation {relax.status} after {relax.rounds} rounds of column generation "
            f"({relax.columns:,} of {m.n_pairs:,} pairs, {relax.seconds:.1f} s)")
    proof = time.perf_counter() - t0
    out_of_time = relax.status != "optimal" or (left() is not None and left() <= 0)
    status = SolveStatus.OPTIMAL if value == bound else (
        SolveStatus.TIME_LIMIT if deadline is not None and out_of_time else SolveStatus.FEASIBLE)
    tie_status, tie_bound = SolveStatus.SKIPPED, None
    if m.n_pairs <= cpsat_pairs and (left() is None or left() > 0.5):
        settled = status == SolveStatus.OPTIMAL

        def proven(chosen, value, seconds):
            if on_proven is not None:
                on_proven(chosen, value, proof if settled else proof + seconds)

        best, value, bound, status, tie_status, tie_bound = close_with_cpsat(m, best, bound, left(), lang=lang,
                                                                             on_proven=proven)
        if not settled:
            proof += close_with_cpsat.proof_seconds
    return Solution(np.sort(best), value, int(bound), status, tie_status, tie_value(m, best), "horizon", note,
                    proof_seconds=proof, tiebreak_bound=tie_bound)
