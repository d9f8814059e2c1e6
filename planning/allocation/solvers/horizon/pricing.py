"""Pricing: each person's best sequence of non-overlapping seats at given pair values.

The step the Lagrangian bound and the column generation share: at the LP's
prices, a person's best sequence is a weighted-interval scheduling problem,
solved exactly for all people at once (:class:`Sequences`).
"""
from __future__ import annotations

import numpy as np

from ...model import Model


class Sequences:
    """Each person's best sequence of non-overlapping seats for given pair values (weighted interval scheduling).

    The recursion runs over all people at once, one rank (a person's k-th seat
    by end day) per step: ``F[k+1] = max(F[k], v[k] + F[before k])``. Built once
    per model; called once per set of values.

    Examples
    --------
    >>> import numpy as np
    >>> seq = Sequences(np.array([0, 0, 0, 1]), np.array([0, 5, 11, 0]), np.array([10, 12, 20, 3]), 2)
    >>> value, taken = seq(np.array([3.0, 5.0, 4.0, -1.0]))
    >>> value.tolist(), taken.tolist()
    ([7.0, 0.0], [True, False, True, False])
    """

    def __init__(self, person: np.ndarray, start: np.ndarray, end: np.ndarray, n_person: int):
        self.n = n_person
        order = np.lexsort((start, end, person))
        p, s, e = person[order], start[order], end[order]
        deg = np.bincount(p, minlength=n_person)
        ptr = np.r_[0, np.cumsum(deg)[:-1]]
        rank = np.arange(len(p)) - ptr[p]
        if len(p):
            s0 = int(min(s.min(), e.min()))
            span = int(max(s.max(), e.max())) - s0 + 2
            self.before = np.searchsorted(p * span + (e - s0), p * span + (s - s0)) - ptr[p]
        else:
            self.before = np.zeros(0, np.int64)
        self.order, self.person, self.deg, self.ptr = order, p, deg, ptr
        self.f0 = ptr + np.arange(n_person)  # where each person's F[0..deg] starts
        by_rank = np.argsort(rank, kind="stable")
        cut = np.searchsorted(rank[by_rank], np.arange(int(deg.max(initial=0)) + 1))
        self.steps = [by_rank[cut[r]:cut[r + 1]] for r in range(len(cut) - 1)]

    def __call__(self, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(best value per person, the pairs of one best sequence) for pair values ``value``."""
        v = value[self.order]
        F = np.zeros(len(v) + self.n)
        for r, k in enumerate(self.steps):
            f0 = self.f0[self.person[k]]
            F[f0 + r + 1] = np.maximum(F[f0 + r], v[k] + F[f0 + self.before[k]])
        best = F[self.f0 + self.deg]
        taken = np.zeros(len(v), bool)
        at = self.deg.copy()
        live = np.flatnonzero(at > 0)
        while len(live):  # walk back from each person's end, all people at once
            r = at[live]
            f0 = self.f0[live]
            k = self.ptr[live] + r - 1
            skip = F[f0 + r] == F[f0 + r - 1]
            taken[k[~skip]] = True
            at[live] = np.where(skip, r - 1, self.before[k])
            live = live[at[live] > 0]
        out = np.zeros(len(v), bool)
        out[self.order] = taken
        return best, out


def best_sequences(m: Model, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each person's best total of pair ``value`` over non-overlapping seats, and one best choice of pairs."""
    return Sequences(m.pair_person, m.pair_start, m.pair_end, len(m.person_city))(value)

