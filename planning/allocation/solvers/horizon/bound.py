"""The bound: an upper bound on the first objective from any multipliers of the coupling rows (weak duality).

The LP's duals of the coupling rows (capacities and team rules) serve as
Lagrange multipliers; each person's best sequence at those prices is found
exactly (:class:`~.pricing.Sequences`), the team columns by inspection. An LP
stopped early, or solved loosely, can only make the bound weaker, never wrong.
The multipliers are rounded to multiples of ``2**-DYADIC_BITS``, so every sum is
exact in float64.
"""
from __future__ import annotations

import math

import numpy as np

from ...model import Model
from .lp import LP
from .pricing import Sequences

#: multipliers are rounded to multiples of 2**-DYADIC_BITS (exact sums in float64)
DYADIC_BITS = 16


def dyadic(a: np.ndarray) -> np.ndarray:
    """Non-negative multiples of ``2**-DYADIC_BITS`` nearest to ``a`` (negatives and NaN to 0)."""
    scale = float(2 ** DYADIC_BITS)
    return np.round(np.nan_to_num(np.maximum(a, 0.0), nan=0.0, posinf=0.0) * scale) / scale


def lagrangian_bound(m: Model, lp: LP, duals: np.ndarray | None, seq: Sequences | None = None,
                     taken: bool = False):
    """An upper bound on the first objective from any multipliers of the relaxed rows (weak duality).

    With multipliers ``u >= 0`` on the relaxed rows ``A x <= b``, every plan's value
    is at most ``u @ b + max(c - A' u) @ x`` over the rows kept: per person, the
    best sequence of non-overlapping seats (:class:`Sequences`, exact); per
    ``lead_required`` column ``y`` and ``min_size`` column ``z``, its positive part; per ``same_source`` team,
    the best of its ``z`` columns or none. The multipliers are made dyadic
    (:func:`dyadic`) so the sums are exact; the result is rounded down (values
    are integers). ``duals=None`` gives the trivial bound (every seat filled).
    With ``taken``, also returns the pairs of each person's best sequence and every
    pair's value at these prices (for pricing columns).

    Examples
    --------
    >>> import numpy as np
    >>> from planning.allocation.solvers.horizon.lp import build_lp, solve_lp
    >>> m = Model(pair_person=np.array([0, 0, 1]), pair_seat=np.array([0, 1, 1]), pair_w=np.array([1, 2, 2]),
    ...           pair_tie=np.zeros(3, np.int64), pair_start=np.array([0, 5, 5]), pair_end=np.array([9, 9, 9]),
    ...           person_city=np.array([0, 0]), cap=np.array([1, 1]), fair_levels=np.zeros((1, 16), np.int64))
    >>> lp = build_lp(m)
    >>> lagrangian_bound(m, lp, None), lagrangian_bound(m, lp, np.array([0.0]))
    (3, 4)
    >>> lagrangian_bound(m, lp, solve_lp(lp).duals)
    3
    """
    cost, _ = lp.column_arrays()
    if lp.first is not None:
        cost = cost.copy()
        cost[: lp.n_pairs] = lp.first
    relaxed = [r for r in lp.rows if r.relaxed]
    n_relaxed = sum(r.n for r in relaxed)
    if duals is None:  # the trivial multipliers: each capacity row priced at its seat's weight
        duals = np.zeros(n_relaxed)
        seat_w = np.zeros(len(m.cap))
        seat_w[m.pair_seat] = m.pair_w
        duals[: len(lp.capacity_seats)] = seat_w[lp.capacity_seats]  # capacity rows come first
    u = dyadic(np.asarray(duals, np.float64))
    offsets = np.cumsum([0] + [r.n for r in relaxed])
    reduced = cost.copy()
    total = 0.0
    for r, o in zip(relaxed, offsets):
        ur = u[o:o + r.n]
        reduced -= np.bincount(r.col, weights=r.val * ur[r.row], minlength=len(cost))
        total += float(ur @ r.upper)
    x = reduced[: lp.n_pairs].copy()
    if m.fixed_off is not None:
        x[m.fixed_off] = 0.0
    free = np.flatnonzero(x > 0)  # pairs worth nothing at these prices are never in a best sequence
    best = np.zeros(m.n_pairs, bool)
    if len(free):
        seq = Sequences(m.pair_person[free], m.pair_start[free], m.pair_end[free], len(m.person_city)) \
            if seq is None or len(free) < m.n_pairs else seq
        value, took = seq(x[free] if len(free) < m.n_pairs else x)
        total += float(value.sum())
        best[free[took] if len(free) < m.n_pairs else took] = True
    if "lead_required_y" in lp.columns:
        f, n = lp.columns["lead_required_y"]
        total += float(np.maximum(reduced[f:f + n], 0).sum())
    if "min_size_z" in lp.columns:
        f, n = lp.columns["min_size_z"]
        total += float(np.maximum(reduced[f:f + n], 0).sum())
    if "same_source_z" in lp.columns:
        f, n = lp.columns["same_source_z"]
        best_z = np.zeros(len(m.same_groups))
        np.maximum.at(best_z, lp.team_of_z, reduced[f:f + n])
        total += float(best_z.sum())
    out = int(math.floor(total + 1e-9))
    return (out, best, x) if taken else out

