"""The horizon solver: a plan over a long window, with a proven bound on how far from the best it may be.

Over a long window people serve several seats one after another, so the flow path
no longer applies, and at national scale CP-SAT finds no useful bound in time. This
solver follows PyPSA/linopy's steps on the same :class:`~planning.allocation.model.Model`:

1. **The LP relaxation** (:func:`build_lp`), one ``define_*`` function a family of
   rows: seat capacities (:func:`define_seat_capacity`), one assignment at a time
   (:func:`define_one_at_a_time`: a person's candidate seats that share a day form a
   clique of intervals; consecutive clique rows are written as their differences,
   which gives each pair two entries instead of one per clique), and the team rules
   (:func:`define_lead_required`, :func:`define_same_source`). OR-Tools' GLOP
   solves it (:func:`solve_lp`), within the time left.
   The LP is solved by column generation (:func:`solve_relaxation`): from a plan
   and a few candidates per seat, each round prices every pair at the LP's duals
   and adds the pairs of each person's best sequence.
2. **The bound** (:func:`lagrangian_bound`): the LP's duals of the coupling rows
   (capacities and team rules) serve as Lagrange multipliers; each person's best
   sequence of seats at those prices is found exactly by a weighted-interval
   recursion (:func:`best_sequences`), and the y/z team columns by inspection. By
   weak duality the total is an upper bound on the first objective for *any*
   non-negative multipliers, so an LP stopped early, or solved loosely, can only make
   the bound weaker, never wrong. The multipliers are rounded to multiples of 2^-16,
   so every sum is exact in float64.
3. **The plan** (:func:`lp_plan`): the pairs the LP sets to 1 (made feasible), then
   rounds of flows fill what is left (:func:`planning.allocation.solvers.cpsat.starting_plan`
   with that base); the better of this and the plain starting plan is kept. When a
   gap remains and the model is small enough, CP-SAT closes it from that plan with
   the bound as a cut; with the first objective proven optimal it also settles the
   tie-breakers.

Examples
--------
>>> import planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> plan = planning.allocate(wb, method="horizon")
>>> o = plan.objective
>>> o.method, o.status, o.value == o.bound
('horizon', 'optimal', True)
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ...core.utils import ranges, sorted_keys
from ..model import Model, Solution
from ..plan import SolveStatus
from .cpsat import close_with_cpsat, overlapping, starting_plan
from .flow import tie_value

#: multipliers are rounded to multiples of 2**-DYADIC_BITS (exact sums in float64)
DYADIC_BITS = 16
#: CP-SAT closes a remaining gap (and settles the tie-breakers) only on models up to this many pairs
CPSAT_PAIRS = 250_000


@dataclass
class Rows:
    """One family of linear rows ``lower <= sum(val * x[col]) <= upper`` in coordinate form.

    ``relaxed`` rows are priced by Lagrange multipliers in the bound; the others
    (one assignment at a time, one city per team) are kept in its subproblems.
    """

    name: str
    row: np.ndarray
    col: np.ndarray
    val: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    relaxed: bool

    @property
    def n(self) -> int:
        return len(self.upper)


@dataclass
class LP:
    """The LP relaxation as arrays: columns (pairs first, then helper columns) and row families.

    Maximise ``cost @ x`` subject to every family of :attr:`rows` and ``0 <= x <= upper``.
    """

    n_pairs: int
    cost: list = field(default_factory=list)
    upper: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)   # name → (first column, count)
    team_of_z: np.ndarray | None = None          # per same_source z column: its team (for the bound)
    capacity_seats: np.ndarray | None = None     # the seat of each capacity row
    first: np.ndarray | None = None              # the pairs' first objective alone (the LP's has tie-breakers)

    @property
    def n_cols(self) -> int:
        return int(sum(len(c) for c in self.cost))

    def add_columns(self, name: str, cost: np.ndarray, upper: np.ndarray) -> int:
        first = self.n_cols
        self.cost.append(np.asarray(cost, np.float64))
        self.upper.append(np.asarray(upper, np.float64))
        self.columns[name] = (first, len(cost))
        return first

    def add_rows(self, name, row, col, val, lower, upper, relaxed: bool) -> None:
        self.rows.append(Rows(name, np.asarray(row, np.int64), np.asarray(col, np.int64),
                              np.asarray(val, np.float64), np.asarray(lower, np.float64),
                              np.asarray(upper, np.float64), relaxed))

    def column_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return np.concatenate(self.cost), np.concatenate(self.upper)


def _seat_csr(m: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs sorted by seat, and each seat's first position and count in that order."""
    order = np.argsort(m.pair_seat, kind="stable")
    count = np.bincount(m.pair_seat, minlength=len(m.cap))
    return order, np.r_[0, np.cumsum(count)[:-1]], count


def define_seat_capacity(lp: LP, m: Model) -> None:
    """Each seat takes at most its places left: ``sum(x[seat]) <= cap`` (only where more could apply)."""
    order, first, count = _seat_csr(m)
    seats = np.flatnonzero(count > m.cap)
    lp.capacity_seats = seats
    pairs = order[ranges(first[seats], count[seats])]
    lp.add_rows("seat_capacity", np.repeat(np.arange(len(seats)), count[seats]), pairs, np.ones(len(pairs)),
                np.full(len(seats), -np.inf), m.cap[seats].astype(np.float64), relaxed=True)


def clique_days(m: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The one-at-a-time cliques: per person, the days where two or more of their candidate seats meet.

    Only the days where a maximal set of a person's seats meet matter (the last
    start on or before some seat's end, as in
    :func:`planning.allocation.solvers.cpsat._cliques`); of those, the ones
    shared by two seats or more. Returns ``(day_person, first, count)``: each
    clique day's person, and per pair its first clique day and how many it
    covers (consecutive: intervals have the consecutive-ones property).

    Examples
    --------
    >>> import numpy as np
    >>> m = Model(pair_person=np.array([0, 0, 0, 1]), pair_seat=np.arange(4), pair_w=np.ones(4, np.int64),
    ...           pair_tie=np.zeros(4, np.int64), pair_start=np.array([0, 5, 20, 0]),
    ...           pair_end=np.array([10, 30, 40, 9]), person_city=np.array([0, 0]), cap=np.ones(4, np.int64),
    ...           fair_levels=np.zeros((1, 16), np.int64))
    >>> person, first, count = clique_days(m)
    >>> person.tolist(), first.tolist(), count.tolist()
    ([0, 0], [0, 0, 1, 2], [1, 2, 1, 0])
    """
    n = m.n_pairs
    if n == 0:
        z = np.zeros(0, np.int64)
        return z, z, z
    p, s, e = m.pair_person, m.pair_start, m.pair_end
    s0 = int(min(s.min(), e.min()))
    span = int(max(s.max(), e.max())) - s0 + 1
    starts = sorted_keys(p * span + (s - s0))[:-1]
    days = sorted_keys(starts[np.searchsorted(starts, p * span + (e - s0), side="right") - 1])[:-1]
    lo = np.searchsorted(days, p * span + (s - s0))
    hi = np.searchsorted(days, p * span + (e - s0), side="right")
    size = np.cumsum(np.bincount(lo, minlength=len(days) + 1) - np.bincount(hi, minlength=len(days) + 1))[:-1]
    keep = np.r_[0, np.cumsum(size > 1)]
    first, count = keep[lo], keep[hi] - keep[lo]
    return (days[size > 1] // span).astype(np.int64), first.astype(np.int64), count.astype(np.int64)


def define_one_at_a_time(lp: LP, m: Model) -> None:
    """One assignment at a time, as a chain of rows per person.

    The clique row of day ``d`` says ``sum(x[seats covering d]) + s_d = 1`` with a
    slack ``0 <= s_d <= 1``. Each row after a person's first is replaced by its
    difference from the row before (an invertible change), so a pair enters its
    first day's row with ``+1`` and the row after its last day with ``-1``, and a
    slack its own row with ``+1`` and the next with ``-1``: the same polytope with
    two entries per pair instead of one per clique.
    """
    person, first, count = clique_days(m)
    n_rows = len(person)
    if n_rows == 0:
        return
    same_next = np.r_[person[1:] == person[:-1], False]  # row r + 1 continues row r's person
    slack = lp.add_columns("one_at_a_time_slack", np.zeros(n_rows), np.ones(n_rows))
    k = np.flatnonzero(count > 0)
    after = first[k] + count[k]
    leave = k[(after < n_rows)]
    leave = leave[same_next[first[leave] + count[leave] - 1]]
    r_slack = np.flatnonzero(same_next)
    row = np.concatenate([first[k], first[leave] + count[leave], np.arange(n_rows), r_slack + 1])
    col = np.concatenate([k, leave, slack + np.arange(n_rows), slack + r_slack])
    val = np.concatenate([np.ones(len(k)), -np.ones(len(leave)), np.ones(n_rows), -np.ones(len(r_slack))])
    rhs = np.r_[1.0, (~same_next[:-1]).astype(np.float64)]  # a person's first row: 1, the differences: 0
    lp.add_rows("one_at_a_time", row, col, val, rhs, rhs, relaxed=False)


def define_lead_required(lp: LP, m: Model) -> None:
    """``lead_required``: per team a column ``y`` (a new lead is placed); member seats only with it.

    ``sum(x[member seat]) <= cap * y`` for every member seat that no held lead
    covers, and ``y <= sum(x[new lead pairs])``.
    """
    n_team = len(m.member_seats)
    if n_team == 0:
        return
    y = lp.add_columns("lead_required_y", np.zeros(n_team), np.ones(n_team))
    order, first, count = _seat_csr(m)
    seats = np.concatenate(m.member_seats).astype(np.int64)
    team = np.repeat(np.arange(n_team), [len(s) for s in m.member_seats])
    pairs = order[ranges(first[seats], count[seats])]
    rows = np.arange(len(seats))
    lp.add_rows("lead_required_member", np.r_[np.repeat(rows, count[seats]), rows],
                np.r_[pairs, y + team], np.r_[np.ones(len(pairs)), -m.cap[seats].astype(np.float64)],
                np.full(len(seats), -np.inf), np.zeros(len(seats)), relaxed=True)
    leads = np.concatenate([np.asarray(x, np.int64) for x in m.lead_pairs])
    lead_team = np.repeat(np.arange(n_team), [len(x) for x in m.lead_pairs])
    lp.add_rows("lead_required_lead", np.r_[np.arange(n_team), lead_team], np.r_[y + np.arange(n_team), leads],
                np.r_[np.ones(n_team), -np.ones(len(leads))], np.full(n_team, -np.inf), np.zeros(n_team),
                relaxed=True)


def define_same_source(lp: LP, m: Model) -> None:
    """``same_source``: per team and city a column ``z``; a (seat, city) group only with its ``z``, one ``z`` a team.

    ``sum(x[seat, city]) <= cap * z[team, city]`` and ``sum(z[team, :]) <= 1``;
    pairs of a city the team's held members exclude are fixed at 0 (``Model.fixed_off``).
    """
    if not m.same_groups:
        return
    team = np.repeat(np.arange(len(m.same_groups)), [len(g) for g in m.same_groups])
    flat = [grp for groups in m.same_groups for grp in groups]
    seat = np.fromiter((s for s, _, _ in flat), np.int64, len(flat))
    city_codes = {}
    city = np.fromiter((city_codes.setdefault(c, len(city_codes)) for _, c, _ in flat), np.int64, len(flat))
    ks = [np.asarray(k, np.int64) for _, _, k in flat]
    size = np.fromiter((len(k) for k in ks), np.int64, len(ks))
    tz, zcol = np.unique(team * max(1, len(city_codes)) + city, return_inverse=True)
    z = lp.add_columns("same_source_z", np.zeros(len(tz)), np.ones(len(tz)))
    lp.team_of_z = (tz // max(1, len(city_codes))).astype(np.int64)
    rows = np.arange(len(flat))
    lp.add_rows("same_source_group", np.r_[np.repeat(rows, size), rows],
                np.r_[np.concatenate(ks) if ks else np.zeros(0, np.int64), z + zcol],
                np.r_[np.ones(int(size.sum())), -m.cap[seat].astype(np.float64)],
                np.full(len(flat), -np.inf), np.zeros(len(flat)), relaxed=True)
    n_team = len(m.same_groups)
    lp.add_rows("same_source_one_city", lp.team_of_z, z + np.arange(len(tz)), np.ones(len(tz)),
                np.full(n_team, -np.inf), np.ones(n_team), relaxed=False)


#: weight of the tie-breaker rewards in the LP's objective (scaled below 1 a pair): among plans of the same
#: first objective the LP leans to the better tie-breakers; the bound is taken on the first objective alone
TIE_WEIGHT = 1e-4


def build_lp(m: Model, tie_weight: float = TIE_WEIGHT) -> LP:
    """The LP relaxation of the interval model, family by family.

    The pairs' objective is ``2**(priority-1)`` plus ``tie_weight`` times the
    tie-breaker reward scaled to ``[0, 1)`` (:attr:`LP.first` keeps the first
    objective alone, for the bound).

    Examples
    --------
    >>> import numpy as np
    >>> m = Model(pair_person=np.array([0, 0, 1]), pair_seat=np.array([0, 1, 1]), pair_w=np.array([1, 2, 2]),
    ...           pair_tie=np.zeros(3, np.int64), pair_start=np.array([0, 5, 5]), pair_end=np.array([9, 9, 9]),
    ...           person_city=np.array([0, 0]), cap=np.array([1, 1]), fair_levels=np.zeros((1, 16), np.int64))
    >>> lp = build_lp(m)
    >>> [(r.name, r.n) for r in lp.rows], lp.n_cols
    ([('seat_capacity', 1), ('one_at_a_time', 1)], 4)
    """
    lp = LP(n_pairs=m.n_pairs)
    upper = np.ones(m.n_pairs)
    if m.fixed_off is not None:
        upper[m.fixed_off] = 0.0
    tie = m.pair_tie - m.pair_tie.min(initial=0)
    lp.add_columns("x", m.pair_w + tie_weight * tie / (tie.max(initial=0) + 1.0), upper)
    lp.first = m.pair_w.astype(np.float64)
    define_seat_capacity(lp, m)
    define_one_at_a_time(lp, m)
    define_lead_required(lp, m)
    define_same_source(lp, m)
    return lp


@dataclass
class LPResult:
    """What the LP solver returned: the primal (if any), the duals of the relaxed rows (if any), status and value."""

    x: np.ndarray | None         # the pairs' values
    duals: np.ndarray | None     # one per relaxed row, in the order of ``LP.rows``
    status: str
    value: float | None
    seconds: float


def solve_lp(lp: LP, time_limit: float | None = None, solver: str = "glop", params: str = "") -> LPResult:
    """Solve an LP with OR-Tools' GLOP (simplex) through its array model builder (``scipy.sparse`` in).

    Duals of ``<=`` rows are returned with the sign of prices (``>= 0`` at an
    optimum). GLOP rather than HiGHS: OR-Tools' model builder returns HiGHS's row
    activities in place of its duals, and the ``highspy`` package cannot be loaded
    beside OR-Tools (their HiGHS symbols clash in one process).
    """
    from ortools.linear_solver.python import model_builder_helper as mbh
    from scipy import sparse

    t0 = time.perf_counter()
    cost, upper = lp.column_arrays()
    offsets = np.cumsum([0] + [r.n for r in lp.rows])
    a = sparse.csr_matrix((np.concatenate([r.val for r in lp.rows]),
                           (np.concatenate([r.row + o for r, o in zip(lp.rows, offsets)]),
                            np.concatenate([r.col for r in lp.rows]))), shape=(int(offsets[-1]), len(cost)))
    a.sum_duplicates()
    model = mbh.ModelBuilderHelper()
    model.fill_model_from_sparse_data(np.zeros(len(cost)), upper, -cost, np.concatenate([r.lower for r in lp.rows]),
                                      np.concatenate([r.upper for r in lp.rows]), a)
    del a
    run = mbh.ModelSolverHelper(solver)
    run.enable_output(False)
    if params:
        run.set_solver_specific_parameters(params)
    if time_limit is not None:
        run.set_time_limit_in_seconds(max(0.01, float(time_limit)))
    run.solve(model)
    status = mbh.SolveStatus(run.status()) if hasattr(mbh, "SolveStatus") else run.status()
    optimal = status == mbh.SolveStatus.OPTIMAL
    x = duals = value = None
    if run.has_solution():
        x = np.asarray(run.variable_values())[: lp.n_pairs]
        d = -np.asarray(run.dual_values())  # of min -w: <= 0 on binding rows
        duals = np.concatenate([d[o:o + r.n] for r, o in zip(lp.rows, offsets) if r.relaxed])
        value = -run.objective_value()
    return LPResult(x=x, duals=duals, status="optimal" if optimal else str(getattr(status, "name", status)).lower(),
                    value=value, seconds=time.perf_counter() - t0)


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
                   fixed_off=None if m.fixed_off is None else m.fixed_off[keep])


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
    order, first, count = _seat_csr(m)
    take = np.minimum(count, m.cap + per_seat)
    leads = np.concatenate([np.asarray(x, np.int64) for x in m.lead_pairs]) if m.lead_pairs else np.zeros(0, np.int64)
    return np.unique(np.r_[plan, leads, order[ranges(first, take)]]).astype(np.int64)


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
    ``lead_required`` column ``y``, its positive part; per ``same_source`` team,
    the best of its ``z`` columns or none. The multipliers are made dyadic
    (:func:`dyadic`) so the sums are exact; the result is rounded down (values
    are integers). ``duals=None`` gives the trivial bound (every seat filled).
    With ``taken``, also returns the pairs of each person's best sequence and every
    pair's value at these prices (for pricing columns).

    Examples
    --------
    >>> import numpy as np
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
    if "same_source_z" in lp.columns:
        f, n = lp.columns["same_source_z"]
        best_z = np.zeros(len(m.same_groups))
        np.maximum.at(best_z, lp.team_of_z, reduced[f:f + n])
        total += float(best_z.sum())
    out = int(math.floor(total + 1e-9))
    return (out, best, x) if taken else out


def feasible_part(m: Model, chosen: np.ndarray, first: np.ndarray | None = None) -> np.ndarray:
    """A feasible part of ``chosen``: pairs are kept in order (``first`` ones, then by weight) unless they break a rule.

    Drops pairs fixed off, pairs beyond a seat's places, pairs overlapping an
    earlier kept one of the same person, then applies the team rules
    (:func:`planning.allocation.team_rules.enforce_team_rules`).

    Examples
    --------
    >>> import numpy as np
    >>> m = Model(pair_person=np.array([0, 0, 1]), pair_seat=np.array([0, 1, 1]), pair_w=np.array([1, 2, 2]),
    ...           pair_tie=np.zeros(3, np.int64), pair_start=np.array([0, 5, 5]), pair_end=np.array([9, 9, 9]),
    ...           person_city=np.array([0, 0]), cap=np.array([1, 1]), fair_levels=np.zeros((1, 16), np.int64))
    >>> feasible_part(m, np.array([0, 1, 2])).tolist(), feasible_part(m, np.array([0, 1, 2]), first=np.array([0])).tolist()
    ([1], [0, 2])
    """
    from ..team_rules import enforce_team_rules

    c = np.unique(chosen)
    if m.fixed_off is not None:
        c = c[~m.fixed_off[c]]
    early = np.zeros(m.n_pairs, bool)
    if first is not None:
        early[first] = True
    c = c[np.lexsort((-m.pair_tie[c], -m.pair_w[c], ~early[c]))]  # the order pairs are kept in
    n = len(c)
    # a person's overlapping stints, as edges (u, v) between positions in ``c`` (a person holds few of them)
    o = np.argsort(m.pair_person[c], kind="stable")
    p = m.pair_person[c][o]
    after = np.searchsorted(p, p, side="right") - np.arange(n) - 1   # later members of the same person
    u = np.repeat(o, after)
    v = o[ranges(np.arange(n) + 1, after)]
    hit = (m.pair_start[c][u] <= m.pair_end[c][v]) & (m.pair_end[c][u] >= m.pair_start[c][v])
    u, v = np.r_[u[hit], v[hit]], np.r_[v[hit], u[hit]]
    seat = m.pair_seat[c]
    by_seat = np.lexsort((np.arange(n), seat))
    state = np.zeros(n, np.int8)  # 0 undecided, 1 kept, 2 dropped
    while (state == 0).any():
        # the sequential greedy in parallel: keep a pair once nothing earlier can still take its place or day
        und = state == 0
        blocked = np.zeros(n, bool)
        blocked[u[und[u] & und[v] & (v < u)]] = True
        kept_at = np.bincount(seat[state == 1], minlength=len(m.cap))
        srt = by_seat[und[by_seat]]
        ss = seat[srt]
        ahead = np.zeros(n, np.int64)
        ahead[srt] = np.arange(len(srt)) - np.searchsorted(ss, ss)
        state[und & ~blocked & (kept_at[seat] + ahead < m.cap[seat])] = 1
        kept = state == 1
        full = np.bincount(seat[kept], minlength=len(m.cap)) >= m.cap
        lose = np.zeros(n, bool)
        lose[u[kept[v]]] = True
        state[(state == 0) & (lose | full[seat])] = 2
    c = c[state == 1]
    return enforce_team_rules(m, np.sort(c))


def _team_arrays(m: Model) -> tuple[np.ndarray, np.ndarray]:
    """Per pair, its ``same_source`` team (index in ``Model.same_groups``, -1: none) and its city's code there."""
    team = np.full(m.n_pairs, -1, np.int64)
    city = np.full(m.n_pairs, -1, np.int64)
    codes = {}
    for i, groups in enumerate(m.same_groups):
        for _, c, ks in groups:
            team[ks], city[ks] = i, codes.setdefault(c, len(codes))
    return team, city


def team_choices(m: Model, x: np.ndarray) -> tuple[Model, np.ndarray]:
    """The team decisions an LP solution leans to, fixed: a model without team coupling, and the leads it places.

    Per ``same_source`` team the city holding most of the team's LP mass is kept
    (pairs of other cities are fixed off); per ``lead_required`` team the new lead
    pair with the largest LP value (of the kept city) is placed, and when none
    can be, the team's member seats that need it are fixed off. What remains is a
    plain interval problem whose plans all obey the team rules.
    """
    from dataclasses import replace

    off = np.zeros(m.n_pairs, bool) if m.fixed_off is None else m.fixed_off.copy()
    ss_team, ss_city = _team_arrays(m)
    k = np.flatnonzero(ss_team >= 0)
    if len(k):
        n_city = int(ss_city.max()) + 1
        mass = np.bincount(ss_team[k] * n_city + ss_city[k], weights=m.pair_w[k] * x[k] + 1e-9,
                           minlength=len(m.same_groups) * n_city).reshape(-1, n_city)
        best_city = mass.argmax(axis=1)
        off[k] |= ss_city[k] != best_city[ss_team[k]]
    leads = []
    for pairs in m.lead_pairs:
        pairs = np.asarray(pairs, np.int64)
        pairs = pairs[~off[pairs]]
        if len(pairs):
            leads.append(pairs[np.argmax(x[pairs])])
    fixed = replace(m, fixed_off=off)
    placed = feasible_part(fixed, np.asarray(leads, np.int64))
    has = np.zeros(m.n_pairs, bool)
    has[placed] = True
    order, first, count = _seat_csr(m)
    for mseats, pairs in zip(m.member_seats, m.lead_pairs):
        if not has[np.asarray(pairs, np.int64)].any():
            off[order[ranges(first[mseats], count[mseats])]] = True
    return replace(m, fixed_off=off), placed


def plain_rest(m: Model, base: np.ndarray) -> tuple[Model, np.ndarray]:
    """The problem left beside ``base`` with no team rule: the pairs still open, the places still free.

    Returns the sub-model (its pairs renumbered) and, per sub-model pair, the
    pair it is in ``m``. Pairs fixed off, pairs whose person holds a day of
    them in ``base`` and pairs of seats ``base`` fills are left out.
    """
    from dataclasses import replace

    cap = m.cap - np.bincount(m.pair_seat[base], minlength=len(m.cap))
    off = overlapping(m, base) | (cap[m.pair_seat] <= 0)
    if m.fixed_off is not None:
        off |= m.fixed_off
    keep = np.flatnonzero(~off)
    return replace(m, pair_person=m.pair_person[keep], pair_seat=m.pair_seat[keep], pair_w=m.pair_w[keep],
                   pair_tie=m.pair_tie[keep], pair_start=m.pair_start[keep], pair_end=m.pair_end[keep], cap=cap,
                   lead_pairs=[], member_seats=[], same_groups=[], fixed_off=None), keep


def lp_plan(m: Model, x: np.ndarray | None, deadline: float | None = None) -> np.ndarray:
    """A plan from an LP solution, filled up by rounds of flows.

    Without team rules: the pairs the LP leans to (value above 1/2), kept where
    they fit. With them: the team decisions the LP leans to are fixed
    (:func:`team_choices`), and the rest, now a plain interval problem, is
    solved as an LP again (:func:`plain_rest`; its vertices are most often
    whole) within the time left.

    Examples
    --------
    >>> import numpy as np
    >>> m = Model(pair_person=np.array([0, 0, 1]), pair_seat=np.array([0, 1, 1]), pair_w=np.array([1, 2, 2]),
    ...           pair_tie=np.zeros(3, np.int64), pair_start=np.array([0, 5, 5]), pair_end=np.array([9, 9, 9]),
    ...           person_city=np.array([0, 0]), cap=np.array([1, 1]), fair_levels=np.zeros((1, 16), np.int64))
    >>> lp_plan(m, np.array([1.0, 0.0, 1.0])).tolist()
    [0, 2]
    """
    if x is None:
        return starting_plan(m, deadline=deadline)
    if not m.has_team_rules:
        return starting_plan(m, base=feasible_part(m, np.flatnonzero(x > 0.5)), deadline=deadline)
    fixed, leads = team_choices(m, x)
    lean = np.flatnonzero(x > 0.5)
    left = None if deadline is None else deadline - time.perf_counter() - START_SECONDS_PER_PAIR * m.n_pairs
    if left is None or left > 0.5:
        rest, at = plain_rest(fixed, leads)
        res = solve_lp(build_lp(rest), left)
        if res.x is not None:
            lean = at[res.x > 0.5]
    base = feasible_part(fixed, np.r_[leads, lean], first=leads)
    return unlock_teams(m, starting_plan(fixed, base=base, deadline=deadline), deadline)


def unlock_teams(m: Model, chosen: np.ndarray, deadline: float | None = None) -> np.ndarray:
    """Fill up a plan by placing free leads: a ``lead_required`` team without a new lead gets one whose
    person is free over the seat (and of the team's city under ``same_source``), then rounds of flows
    fill the member seats this opens.
    """
    on = np.zeros(m.n_pairs, bool)
    on[chosen] = True
    lead_teams = [np.asarray(x, np.int64) for x in m.lead_pairs]
    todo = [pairs for pairs in lead_teams if len(pairs) and not on[pairs].any()]
    if not todo:
        return chosen
    cand = np.concatenate(todo)
    ss_team, ss_city = _team_arrays(m)
    city = np.full(len(m.same_groups), -1, np.int64)
    held = chosen[ss_team[chosen] >= 0]
    city[ss_team[held]] = ss_city[held]
    ok = ~overlapping(m, chosen)[cand] & ((ss_team[cand] < 0) | (city[np.maximum(ss_team[cand], 0)] < 0)
                                          | (city[np.maximum(ss_team[cand], 0)] == ss_city[cand]))
    if m.fixed_off is not None:
        ok &= ~m.fixed_off[cand]
    cand = cand[ok]
    if len(cand) == 0:
        return chosen
    # one lead per team, the most valuable first; feasible_part keeps places and days
    team = np.repeat(np.arange(len(todo)), [len(x) for x in todo])[ok]
    o = np.lexsort((-m.pair_tie[cand], -m.pair_w[cand], team))
    cand, team = cand[o], team[o]
    cand = cand[np.r_[True, team[1:] != team[:-1]]]
    base = feasible_part(m, np.r_[chosen, cand], first=chosen)
    out = starting_plan(m, base=base, deadline=deadline)
    return out if int(m.pair_w[out].sum()) >= int(m.pair_w[chosen].sum()) else chosen


#: seconds per pair a starting plan may take (rounds of flows; 6.4 s at 1.9 million pairs on the test machine)
START_SECONDS_PER_PAIR = 4e-6
#: seconds per pair kept back from the LP for rounding its solution (team choices, the feasible part)
ROUNDING_SECONDS_PER_PAIR = 1.5e-6


def solve_horizon(m: Model, time_limit: float | None = None, lang: str | None = None,
                  cpsat_pairs: int | None = None) -> Solution:
    """A plan with a proven bound: LP relaxation → Lagrangian bound → LP-guided plan → CP-SAT on small gaps.

    ``time_limit`` covers everything here: the LP gets what is left after a
    reserve for the rounds of flows that fill the plan. Status ``optimal`` when
    the plan's value meets the bound; ``time_limit`` when time ran out before it
    could; ``feasible`` when the method finished with a gap (a model too large
    for CP-SAT to close it). ``note`` says how the LP ended.
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
    tie_status = SolveStatus.SKIPPED
    if m.n_pairs <= cpsat_pairs and (left() is None or left() > 0.5):
        settled = status == SolveStatus.OPTIMAL
        best, value, bound, status, tie_status = close_with_cpsat(m, best, bound, left(), lang=lang)
        if not settled:
            proof += close_with_cpsat.proof_seconds
    return Solution(np.sort(best), value, int(bound), status, tie_status, tie_value(m, best), "horizon", note,
                    proof_seconds=proof)
