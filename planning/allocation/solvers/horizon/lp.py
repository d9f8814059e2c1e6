"""The horizon solver's LP relaxation as arrays, one ``define_*`` function a family of rows, and its solve (GLOP).

The pairs are the columns (``x``, between 0 and 1), with helper columns for the
team rules. The families: seat capacities (:func:`define_seat_capacity`), one
assignment at a time (:func:`define_one_at_a_time`: a person's candidate seats
that share a day form a clique of intervals; consecutive clique rows are written
as their differences, which gives each pair two entries instead of one per
clique), the team rules (:func:`define_lead_required`,
:func:`define_same_source`, :func:`define_min_size`) and the senders' quotas and staff caps (:func:`define_sender_limits`). :func:`solve_lp` solves it with OR-Tools' GLOP.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ....core.utils import ranges, sorted_keys
from ...model import Model


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


def seat_csr(m: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs sorted by seat, and each seat's first position and count in that order."""
    order = np.argsort(m.pair_seat, kind="stable")
    count = np.bincount(m.pair_seat, minlength=len(m.cap))
    return order, np.r_[0, np.cumsum(count)[:-1]], count


def define_seat_capacity(lp: LP, m: Model) -> None:
    """Each seat takes at most its places left: ``sum(x[seat]) <= cap`` (only where more could apply)."""
    order, first, count = seat_csr(m)
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


def seats_only_with(lp: LP, m: Model, name: str, seat_groups, first_column: int):
    """Rows ``sum(x[seat]) <= cap[seat] * y[g]`` for every seat of every group ``g`` of ``seat_groups`` (a
    seat is staffed only with its group's 0/1 column ``y[g]``, numbered from ``first_column``: a team's lead, a sized team's row); returns each seat's
    group, the seats' pairs (seat by seat) and each seat's number of pairs."""
    order, first, count = seat_csr(m)
    seats = np.concatenate(seat_groups).astype(np.int64)
    group = np.repeat(np.arange(len(seat_groups)), [len(s) for s in seat_groups])
    pairs = order[ranges(first[seats], count[seats])]
    rows = np.arange(len(seats))
    lp.add_rows(name, np.r_[np.repeat(rows, count[seats]), rows], np.r_[pairs, first_column + group],
                np.r_[np.ones(len(pairs)), -m.cap[seats].astype(np.float64)],
                np.full(len(seats), -np.inf), np.zeros(len(seats)), relaxed=True)
    return group, pairs, count[seats]


def define_lead_required(lp: LP, m: Model) -> None:
    """``lead_required``: per team a column ``y`` (a new lead is placed); member seats only with it.

    ``sum(x[member seat]) <= cap * y`` for every member seat that no held lead
    covers, and ``y <= sum(x[new lead pairs])``.
    """
    n_team = len(m.member_seats)
    if n_team == 0:
        return
    y = lp.add_columns("lead_required_y", np.zeros(n_team), np.ones(n_team))
    seats_only_with(lp, m, "lead_required_member", m.member_seats, y)
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


def define_min_size(lp: LP, m: Model) -> None:
    """``min_size``: per row a column ``z`` (the row's seats are staffed); its seats only with it, and then fully.

    ``sum(x[seat]) <= cap * z`` for every seat of the row, and ``size * z <= sum(x[row's seats])``. Rows are
    per seat (every seat of every row, with candidates in this model or not), so a restricted model has the same.
    """
    n_row = len(m.size_seats)
    if n_row == 0:
        return
    z = lp.add_columns("min_size_z", np.zeros(n_row), np.ones(n_row))
    row_of, pairs, per_seat = seats_only_with(lp, m, "min_size_seat", m.size_seats, z)
    lp.add_rows("min_size_least", np.r_[np.arange(n_row), np.repeat(row_of, per_seat)],
                np.r_[z + np.arange(n_row), pairs],
                np.r_[np.asarray(m.size_min, np.float64), -np.ones(len(pairs))],
                np.full(n_row, -np.inf), np.zeros(n_row), relaxed=True)


def define_sender_limits(lp: LP, m: Model) -> None:
    """Senders' quotas and staff caps: ``sum(x[row's pairs]) <= places left`` per row (every row, empty ones too)."""
    if m.limit_rhs is None or not len(m.limit_rhs):
        return
    row = np.repeat(np.arange(len(m.limit_pairs)), [len(k) for k in m.limit_pairs])
    col = np.concatenate(m.limit_pairs).astype(np.int64) if m.limit_pairs else np.zeros(0, np.int64)
    lp.add_rows("sender_limits", row, col, np.ones(len(col)), np.full(len(m.limit_rhs), -np.inf),
                m.limit_rhs.astype(np.float64), relaxed=True)


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
    define_min_size(lp, m)
    define_sender_limits(lp, m)
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

