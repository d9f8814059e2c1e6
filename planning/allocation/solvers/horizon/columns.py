"""The LP relaxation by column generation: a restricted LP over some pairs, priced against all of them.

From a plan and a few candidates per seat (:func:`first_columns`), each round
solves the LP of the pairs taken so far (:func:`restricted`), prices every pair
at its duals (:mod:`.pricing`), takes the Lagrangian bound (:mod:`.bound`) and
adds the pairs of each person's best sequence (:func:`solve_relaxation`).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ....core.utils import ranges
from ...model import Model
from ...sender_rules import subset_limits
from .bound import lagrangian_bound
from .lp import LP, TIE_WEIGHT, build_lp, seat_csr, solve_lp
from .pricing import Sequences


def restricted(m: Model, keep: np.ndarray) -> Model:
    """The model over the pairs ``keep`` (sorted) only: the same seats and teams, their pairs renumbered.

    Team lists keep every entry (empty ones too), so the LP of the restricted
    model has the same team rows, in the same order, as the full one.
    """
    from dataclasses import replace

    new = np.full(m.n_pairs, -1, np.int64)
    new[keep] = np.arange(len(keep))

    def sub(ks):
        k = new[np.asarray(ks, np.int64)]
        return k[k >= 0]

    return replace(m, pair_person=m.pair_person[keep], pair_seat=m.pair_seat[keep], pair_w=m.pair_w[keep],
                   pair_tie=m.pair_tie[keep], pair_start=m.pair_start[keep], pair_end=m.pair_end[keep],
                   lead_pairs=[sub(x) for x in m.lead_pairs], member_seats=list(m.member_seats),
                   same_groups=[[(s, c, sub(ks)) for s, c, ks in groups] for groups in m.same_groups],
                   fixed_off=None if m.fixed_off is None else m.fixed_off[keep], **subset_limits(m, keep))


@dataclass
class Relaxation:
    """The LP relaxation solved by column generation: values, the bound proven, and how it went."""

    x: np.ndarray | None     # LP values of the full model's pairs (0 outside the columns used)
    bound: int               # the best Lagrangian bound found (valid whatever the LP did)
    value: float | None      # the restricted LP's optimum (a lower bound on the full LP's)
    status: str              # "optimal" (no column left to add), "time_limit" or the LP's status
    rounds: int
    columns: int
    seconds: float


def solve_relaxation(m: Model, lp: LP, seq: Sequences, first: np.ndarray, deadline: float | None = None,
                     max_rounds: int = 50, tie_weight: float = TIE_WEIGHT) -> Relaxation:
    """The LP relaxation by column generation over the pairs, with a proven bound at every round.

    Starts from the pairs ``first`` (a plan, the lead pairs, a few candidates per
    seat); each round solves the LP of :func:`restricted` (GLOP), prices every pair
    of the full model at its duals (each person's best sequence,
    :class:`Sequences`), takes the Lagrangian bound (:func:`lagrangian_bound`,
    valid for any multipliers), and adds the pairs of those best sequences not
    yet in. It stops when none is left to add (the restricted LP is then the full
    LP's optimum), when the bound meets the LP's value, or at ``deadline``. The
    rounds price the first objective alone (exact duals, the tightest bound); the
    last columns are then solved once more with the tie-breakers weighed in
    (``tie_weight``, :func:`build_lp`), for the plan's values.
    """
    t0 = time.perf_counter()
    keep = np.unique(first)
    bound = lagrangian_bound(m, lp, None, seq)
    x, value, status, rounds = None, None, "time_limit", 0
    while rounds < max_rounds:
        left = None if deadline is None else deadline - time.perf_counter()
        if left is not None and left < 0.2:
            break
        sub = restricted(m, keep)
        sub_lp = build_lp(sub, tie_weight=0.0)
        res = solve_lp(sub_lp, left)
        rounds += 1
        if res.duals is None or res.x is None:
            status = res.status
            break
        x = np.zeros(m.n_pairs)
        x[keep] = res.x
        value = res.value
        lam = np.zeros(len(m.cap))
        n_sub = len(sub_lp.capacity_seats)
        lam[sub_lp.capacity_seats] = res.duals[:n_sub]
        duals = np.r_[lam[lp.capacity_seats], res.duals[n_sub:]]
        b, taken, _ = lagrangian_bound(m, lp, duals, seq, taken=True)
        bound = min(bound, b)
        if res.status != "optimal":
            status = res.status
            break
        out = np.ones(m.n_pairs, bool)
        out[keep] = False
        add = np.flatnonzero(taken & out)
        if len(add) == 0 or value is not None and bound <= math.floor(value + 1e-6):
            status = "optimal"
            break
        keep = np.union1d(keep, add)
    left = None if deadline is None else deadline - time.perf_counter()
    if x is not None and tie_weight > 0 and (left is None or left > 0.5):
        res = solve_lp(build_lp(restricted(m, keep), tie_weight=tie_weight), left)
        if res.x is not None and res.status == "optimal":
            x = np.zeros(m.n_pairs)
            x[keep] = res.x
    return Relaxation(x=x, bound=int(bound), value=value, status=status, rounds=rounds, columns=len(keep),
                      seconds=time.perf_counter() - t0)


def first_columns(m: Model, plan: np.ndarray, per_seat: int = 2) -> np.ndarray:
    """Pairs to start the column generation from: a plan, every new-lead pair, and per seat its places plus a few."""
    order, first, count = seat_csr(m)
    take = np.minimum(count, m.cap + per_seat)
    leads = np.concatenate([np.asarray(x, np.int64) for x in m.lead_pairs]) if m.lead_pairs else np.zeros(0, np.int64)
    return np.unique(np.r_[plan, leads, order[ranges(first, take)]]).astype(np.int64)


