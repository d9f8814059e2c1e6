"""The CP-SAT solver: the first objective to optimality, then the tie-breakers, from a starting plan."""
from __future__ import annotations

import math
import os
import time

import numpy as np
import pandas as pd

from ...core.utils import ranges, sorted_keys
from ...core.i18n import t
from ..model import Model, Solution
from ..plan import FAIR_MAX, PlanError, SolveStatus, tiebreak_seconds
from .flow import solve_flow, tie_value
from ..sender_rules import burden_levels, enforce_sender_limits
from ..team_rules import enforce_team_rules


def _cliques(m: Model) -> list[np.ndarray]:
    """Per person, the maximal sets of their pairs sharing a day (at most one of each set may hold).

    Stints that share a day all cover the latest of their starts, so the sets
    to consider are those covering one of the person's start days ``q``. The
    set at ``q`` is maximal exactly when one of its stints ends before the
    person's next start, i.e. when ``q`` is the last start on or before some
    stint's end. Members are found by range expansion over the sorted
    (person, day) keys of those maximal days; no pairwise join.

    Examples
    --------
    >>> import numpy as np
    >>> m = Model(pair_person=np.array([0, 0, 0, 1]), pair_seat=np.arange(4), pair_w=np.ones(4, np.int64),
    ...           pair_tie=np.zeros(4, np.int64), pair_start=np.array([0, 5, 20, 0]),
    ...           pair_end=np.array([10, 30, 40, 9]), person_city=np.array([0, 0]), cap=np.ones(4, np.int64),
    ...           fair_levels=np.zeros((1, 16), np.int64))
    >>> [c.tolist() for c in _cliques(m)]
    [[0, 1], [1, 2]]
    """
    many = np.bincount(m.pair_person)[m.pair_person] > 1
    k = np.flatnonzero(many)
    if len(k) == 0:
        return []
    p, s, e = m.pair_person[k], m.pair_start[k], m.pair_end[k]
    s0 = int(min(s.min(), e.min()))
    span = int(max(s.max(), e.max())) - s0 + 1
    starts = sorted_keys(p * span + (s - s0))[:-1]
    days = sorted_keys(starts[np.searchsorted(starts, p * span + (e - s0), side="right") - 1])[:-1]
    lo = np.searchsorted(days, p * span + (s - s0))
    n = np.searchsorted(days, p * span + (e - s0), side="right") - lo
    member, day = np.repeat(np.arange(len(k)), n), ranges(lo, n)
    size = np.bincount(day, minlength=len(days))
    keep = size[day] > 1
    order = np.argsort(day[keep], kind="stable")
    day, member = day[keep][order], k[member[keep][order]]
    return np.split(member, np.flatnonzero(np.diff(day)) + 1) if len(day) else []


def build_cpsat(m: Model):
    """A CP-SAT model with every hard rule; returns (model, x, helpers). Objective set by the caller."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    n = m.n_pairs
    x = [model.new_bool_var(f"x{k}") for k in range(n)]
    S = cp_model.LinearExpr.sum
    # seat capacity
    for s, grp in m.by_seat.items():
        if len(grp) > m.cap[s]:
            model.add(S([x[k] for k in grp]) <= int(m.cap[s]))
    # one assignment at a time per person
    for g in _cliques(m):
        model.add_at_most_one([x[k] for k in g])
    # lead_required (tight form)
    for mseats, leads in zip(m.member_seats, m.lead_pairs):
        y = model.new_bool_var("")
        for s in mseats:
            ks = m.seat_pairs(s)
            if len(ks):
                model.add(S([x[k] for k in ks]) <= int(m.cap[s]) * y)
        model.add(y <= S([x[k] for k in leads]))
    # same_source (tight form): one city per team
    for groups in m.same_groups:
        z = {}
        for s, c, ks in groups:
            if c not in z:
                z[c] = model.new_bool_var("")
            model.add(S([x[k] for k in ks]) <= int(m.cap[s]) * z[c])
        model.add_at_most_one(list(z.values()))
    if m.fixed_off is not None:
        for k in np.flatnonzero(m.fixed_off):
            model.add(x[k] == 0)
    # min_size (tight form): a row's seats take none, or at least its least size together
    for seats, n in zip(m.size_seats, m.size_min):
        z = model.new_bool_var("")
        ks = []
        for s in seats:
            kk = m.seat_pairs(s)
            if len(kk):
                model.add(S([x[k] for k in kk]) <= int(m.cap[s]) * z)
                ks.extend(kk.tolist())
        model.add(S([x[k] for k in ks]) >= int(n) * z)
    # senders' quotas and staff caps
    for ks, rhs in zip(m.limit_pairs, [] if m.limit_rhs is None else m.limit_rhs.tolist()):
        model.add(S([x[k] for k in ks]) <= int(rhs))
    return model, x


def define_least_burden(model, m: Model, x):
    """The largest burden as a level index ``J`` (:func:`planning.allocation.sender_rules.burden_levels`).

    Per unit × sector ``u`` its people allowed on post are ``tables[u][J]`` (an element
    constraint), and each burden row's placed pairs plus held people stay within them; minimising
    ``J`` minimises the largest burden exactly. Returns ``(J, levels)`` or ``(None, [])`` without rows.
    """
    from ortools.sat.python import cp_model

    if not m.burden_pairs:
        return None, []
    levels, tables = burden_levels(m)
    J = model.new_int_var(0, len(levels) - 1, "burden_level")
    allowed = []
    for table in tables:
        a = model.new_int_var(min(table), max(table), "")
        model.add_element(J, table, a)
        allowed.append(a)
    for ks, held, u in zip(m.burden_pairs, m.burden_held.tolist(), m.burden_unit.tolist()):
        model.add(cp_model.LinearExpr.sum([x[k] for k in ks]) + int(held) <= allowed[u])
    return J, levels


def _fair_vars(model, m: Model, x) -> list:
    """Integer counts per (city, cost level) summing to the city's placements; returns cost terms."""
    from ortools.sat.python import cp_model

    terms = []
    by_city = pd.Series(np.arange(m.n_pairs)).groupby(m.person_city[m.pair_person])
    for c, ks in by_city:
        counts = m.fair_levels[c].copy()
        counts[FAIR_MAX] += len(ks)  # rotation: more placements than people cost the top level
        nv = []
        for v in np.flatnonzero(counts):
            var = model.new_int_var(0, int(counts[v]), "")
            nv.append(var)
            if v:
                terms.append((var, int(v)))
        model.add(cp_model.LinearExpr.sum(nv) == cp_model.LinearExpr.sum([x[k] for k in ks.to_numpy()]))
    return terms


def overlapping(m: Model, chosen: np.ndarray) -> np.ndarray:
    """Per pair: does it share a day with one of ``chosen`` (non-overlapping per person) of the same person.

    Examples
    --------
    >>> import numpy as np
    >>> m = Model(pair_person=np.array([0, 0, 0, 1]), pair_seat=np.arange(4), pair_w=np.ones(4, np.int64),
    ...           pair_tie=np.zeros(4, np.int64), pair_start=np.array([0, 5, 20, 0]),
    ...           pair_end=np.array([10, 19, 40, 9]), person_city=np.array([0, 0]), cap=np.ones(4, np.int64),
    ...           fair_levels=np.zeros((1, 16), np.int64))
    >>> overlapping(m, np.array([2])).tolist()
    [False, False, True, False]
    """
    out = np.zeros(m.n_pairs, bool)
    if len(chosen) == 0:
        return out
    s0 = int(min(m.pair_start.min(), m.pair_end.min()))
    span = int(max(m.pair_start.max(), m.pair_end.max())) - s0 + 1
    key = m.pair_person[chosen] * span + (m.pair_start[chosen] - s0)
    o = np.argsort(key)
    key, end = key[o], m.pair_end[chosen][o]
    # the person's chosen stint starting last on or before the pair's end overlaps it iff it ends on or after its start
    at = np.searchsorted(key, m.pair_person * span + (m.pair_end - s0), side="right") - 1
    same = np.zeros(m.n_pairs, bool)
    same[at >= 0] = key[at[at >= 0]] // span == m.pair_person[at >= 0]
    out[same] = end[at[same]] >= m.pair_start[same]
    return out


def _same_source_clash(m: Model, chosen: np.ndarray) -> np.ndarray:
    """Per pair: a ``same_source`` team of its seat already has new members of another city in ``chosen``."""
    out = np.zeros(m.n_pairs, bool)
    if not m.same_groups or len(chosen) == 0:
        return out
    flat = [(t, c, ks) for t, groups in enumerate(m.same_groups) for _, c, ks in groups]
    ks = [np.asarray(k, np.int64) for _, _, k in flat]
    team = np.repeat([t for t, _, _ in flat], [len(k) for k in ks])
    city = np.repeat(pd.factorize(np.array([c for _, c, _ in flat], dtype=object))[0], [len(k) for k in ks])
    pair = np.concatenate(ks)
    on = np.zeros(m.n_pairs, bool)
    on[chosen] = True
    held = np.full(len(m.same_groups), -1)
    held[team[on[pair]]] = city[on[pair]]
    out[pair] = (held[team] >= 0) & (held[team] != city)
    return out


def starting_plan(m: Model, rounds: int = 8, base: np.ndarray | None = None,
                  deadline: float | None = None) -> np.ndarray:
    """A feasible plan found fast: CP-SAT's starting point, and its answer when time runs out first.

    Rounds of the flow path (:func:`solve_flow`, exact for what it is given):
    each round places at most one more seat per person, among the seats with
    places left that do not overlap the person's seats from earlier rounds;
    placements a team rule forbids are then dropped. Feasible, not optimal in
    general (a person's seats are chosen one round at a time). ``base``, a
    feasible plan, is kept and filled up: the rounds then leave out the seats its
    people hold days of and the cities its ``same_source`` teams exclude. No
    round starts after ``deadline`` (a ``time.perf_counter()`` value).

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> plan = planning.allocate(wb)
    >>> m = plan.inputs.model
    >>> int(m.pair_w[starting_plan(m)].sum()) <= plan.objective.value
    True
    """
    chosen = np.zeros(0, np.int64) if base is None else np.asarray(base, np.int64)
    cap = m.cap - np.bincount(m.pair_seat[chosen], minlength=len(m.cap))
    ok = np.ones(m.n_pairs, bool) if m.fixed_off is None else ~m.fixed_off
    ok &= ~overlapping(m, chosen) & ~_same_source_clash(m, chosen)
    n_person = len(m.person_city)
    for _ in range(rounds):
        if deadline is not None and time.perf_counter() >= deadline:
            break
        sel = np.flatnonzero(ok & (cap[m.pair_seat] > 0))
        if len(sel) == 0:
            break
        sub = Model(pair_person=m.pair_person[sel], pair_seat=m.pair_seat[sel], pair_w=m.pair_w[sel],
                    pair_tie=m.pair_tie[sel], pair_start=m.pair_start[sel], pair_end=m.pair_end[sel],
                    person_city=m.person_city, cap=cap, fair_levels=m.fair_levels)
        got = sel[solve_flow(sub).chosen]
        if m.limit_pairs:  # quotas and staff caps: keep what fits beside the placements so far
            got = np.setdiff1d(enforce_sender_limits(m, np.r_[chosen, got], first=chosen), chosen)
        if len(got) == 0:
            break
        chosen = np.r_[chosen, got]
        cap = cap - np.bincount(m.pair_seat[got], minlength=len(cap))
        start = np.full(n_person, np.iinfo(np.int64).max)
        end = np.full(n_person, np.iinfo(np.int64).min)
        start[m.pair_person[got]], end[m.pair_person[got]] = m.pair_start[got], m.pair_end[got]
        ok &= ~((m.pair_start <= end[m.pair_person]) & (m.pair_end >= start[m.pair_person]))
    return enforce_team_rules(m, enforce_sender_limits(m, np.sort(chosen)))


def solve_cpsat(m: Model, time_limit: float | None = None, workers: int = 1, lang: str | None = None,
                on_proven=None) -> Solution:
    """Solve with CP-SAT: first objective to optimality, then the tie-breakers with it fixed.

    ``on_proven(chosen, value, proof_seconds)``, when given, is called with the plan as soon as its
    first objective is proven optimal, before the tie-breakers run.

    One worker by default: the single-worker search keeps the full LP
    relaxation (``linearization_level=2``) on every node. On the 5,000-person
    team-rule benchmark it proves the first objective optimal in about 0.6 s
    (five random seeds: 0.53–0.74 s), where two workers took 14–64 s.
    """
    from ortools.sat.python import cp_model

    if m.n_pairs == 0:
        return Solution(np.zeros(0, np.int64), 0, 0, SolveStatus.OPTIMAL, SolveStatus.OPTIMAL, 0, "cpsat")
    t0 = time.perf_counter()
    start = starting_plan(m)
    start_value = int(m.pair_w[start].sum())

    def from_start(bound=None) -> Solution:
        return Solution(start, start_value, bound, SolveStatus.TIME_LIMIT, SolveStatus.SKIPPED, tie_value(m, start), "cpsat",
                        "starting plan: the solver found nothing better within the time limit",
                        proof_seconds=time.perf_counter() - t0)

    model, x = build_cpsat(m)
    W = cp_model.LinearExpr.weighted_sum
    first = W(x, m.pair_w.tolist())
    model.maximize(first)
    hint = np.zeros(m.n_pairs, np.int64)
    hint[start] = 1
    index = [v.index for v in x]
    model.proto.solution_hint.vars.extend(index)
    model.proto.solution_hint.values.extend(hint.tolist())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, min(workers, os.cpu_count() or 1))
    # full LP relaxation of the linear constraints: the capacity, clique and team rows are
    # an assignment polytope's; at 5,000 people this proves optimality ~8x sooner than the default
    solver.parameters.linearization_level = 2
    if time_limit is not None:  # the limit covers the starting plan and the model's construction too
        left = float(time_limit) - (time.perf_counter() - t0)
        if left <= 0:
            return from_start()
        solver.parameters.max_time_in_seconds = left
    st = solver.solve(model)
    proof = time.perf_counter() - t0
    if st == cp_model.INFEASIBLE:
        raise PlanError(t("alloc.infeasible", lang))
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return from_start()
    vals = np.fromiter((solver.boolean_value(v) for v in x), dtype=bool, count=len(x))
    value = int(round(solver.objective_value))
    bound = int(math.floor(solver.best_objective_bound + 1e-6))
    if st != cp_model.OPTIMAL:
        if value < start_value:
            return from_start(bound)
        chosen = np.flatnonzero(vals)
        return Solution(chosen, value, bound, SolveStatus.TIME_LIMIT, SolveStatus.SKIPPED, tie_value(m, chosen), "cpsat",
                        proof_seconds=proof)
    # phase 2: tie-breakers with the first objective fixed at its optimum (plan.tiebreak_seconds)
    if on_proven is not None:
        on_proven(np.flatnonzero(vals), value, proof)
    left = tiebreak_seconds(proof, None if time_limit is None else time_limit - (time.perf_counter() - t0))
    chosen, tie_status, tie_bound = _tiebreak(m, model, x, first, vals, value, left, solver.parameters.num_workers)
    return Solution(chosen, int(m.pair_w[chosen].sum()), bound, SolveStatus.OPTIMAL, tie_status,
                    tie_value(m, chosen), "cpsat", proof_seconds=proof, tiebreak_bound=tie_bound)


def _solver(seconds: float | None, workers: int = 1):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, min(workers, os.cpu_count() or 1))
    # full LP relaxation of the linear constraints: the capacity, clique and team rows are
    # an assignment polytope's; at 5,000 people this proves optimality ~8x sooner than the default
    solver.parameters.linearization_level = 2
    if seconds is not None:
        solver.parameters.max_time_in_seconds = float(seconds)
    return solver


def _hint(model, x, vals: np.ndarray) -> None:
    model.clear_hints()
    model.proto.solution_hint.vars.extend([v.index for v in x])
    model.proto.solution_hint.values.extend(vals.astype(np.int64).tolist())


def _tiebreak(m: Model, model, x, first, vals: np.ndarray, value: int, seconds: float,
              workers: int = 1) -> tuple[np.ndarray, str, int | None]:
    """Phase 2: the tie-breakers with the first objective held at ``value``, from ``vals``, for ``seconds``.

    Returns the pairs placed, the tie-breakers' status and, when stopped short of optimal, CP-SAT's proven
    ceiling on their total (:func:`~.flow.tie_value`; None when it proved nothing or they are optimal).
    """
    from ortools.sat.python import cp_model

    if seconds < 0.05:
        return np.flatnonzero(vals), SolveStatus.TIME_LIMIT, None
    W = cp_model.LinearExpr.weighted_sum
    model.add(first >= value)
    status = SolveStatus.OPTIMAL
    J, _ = define_least_burden(model, m, x)
    if J is not None:  # the second objective: the largest burden, before the other tie-breakers
        t0 = time.perf_counter()
        model.minimize(J)
        _hint(model, x, vals)
        solver = _solver(seconds, workers)
        st = solver.solve(model)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            vals = np.fromiter((solver.boolean_value(v) for v in x), dtype=bool, count=len(x))
            model.add(J <= int(solver.value(J)))
        if st != cp_model.OPTIMAL:
            status = SolveStatus.TIME_LIMIT
        seconds = max(0.05, seconds - (time.perf_counter() - t0))
        model.clear_objective()
    terms = _fair_vars(model, m, x)
    tie = W(x, m.pair_tie.tolist()) - W([v for v, _ in terms], [c for _, c in terms])
    model.clear_objective()
    model.maximize(tie)
    _hint(model, x, vals)
    solver = _solver(seconds, workers)
    st = solver.solve(model)
    ceiling = None
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        vals = np.fromiter((solver.boolean_value(v) for v in x), dtype=bool, count=len(x))
    if st != cp_model.OPTIMAL and math.isfinite(solver.best_objective_bound):
        # stopped short (with a better plan or none beyond the one it started from): the ceiling it proved,
        # kept only when it is one (at or above the score of the plan kept)
        b = int(math.floor(solver.best_objective_bound + 1e-6))
        ceiling = b if b >= tie_value(m, np.flatnonzero(vals)) else None
    return np.flatnonzero(vals), status if st == cp_model.OPTIMAL else SolveStatus.TIME_LIMIT, ceiling


def _stop_at_bound(bound: int):
    """A CP-SAT solution callback that stops the search at a plan whose first objective reaches ``bound``
    (a proven bound: that plan is optimal); ``stopped`` says whether it did."""
    from ortools.sat.python import cp_model

    class StopAtBound(cp_model.CpSolverSolutionCallback):
        def __init__(self):
            super().__init__()
            self.stopped = False

        def on_solution_callback(self):
            if self.objective_value >= bound - 1e-6:
                self.stopped = True
                self.stop_search()

    return StopAtBound()


def close_with_cpsat(m: Model, chosen: np.ndarray, bound: int, time_limit: float | None = None, workers: int = 1,
                     lang: str | None = None, on_proven=None):
    """From a feasible plan and a proven bound: CP-SAT closes the gap, then settles the tie-breakers.

    The search stops as soon as a plan reaches the bound (it is then proven optimal).
    The bound is not added to the model as a cut: a row parallel to the objective
    slows CP-SAT's own proof (at 5,000 people with team rules, 17 s against 7 s
    without it). Returns ``(chosen, value, bound,
    status, tiebreak_status, tiebreak_bound)``: the bound is the lower of the given one and
    CP-SAT's; the tie-breakers are solved (phase 2 of :func:`solve_cpsat`) only
    once the first objective is proven optimal, after ``on_proven(chosen, value,
    seconds)`` when given. ``close_with_cpsat.proof_seconds``
    holds how long the first phase took.
    """
    from ortools.sat.python import cp_model

    t0 = time.perf_counter()
    close_with_cpsat.proof_seconds = 0.0

    def left():
        return None if time_limit is None else max(0.0, time_limit - (time.perf_counter() - t0))

    model, x = build_cpsat(m)
    first = cp_model.LinearExpr.weighted_sum(x, m.pair_w.tolist())
    vals = np.zeros(m.n_pairs, bool)
    vals[chosen] = True
    value = int(m.pair_w[chosen].sum())
    if value < bound:
        model.maximize(first)
        _hint(model, x, vals)
        solver = _solver(left(), workers)
        st = solver.solve(model, _stop_at_bound(int(bound)))
        if st == cp_model.INFEASIBLE:
            raise PlanError(t("alloc.infeasible", lang))
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE) and int(round(solver.objective_value)) > value:
            vals = np.fromiter((solver.boolean_value(v) for v in x), dtype=bool, count=len(x))
            value = int(m.pair_w[vals].sum())
        if st == cp_model.OPTIMAL or value >= bound:
            bound = value
        elif st == cp_model.FEASIBLE:
            bound = min(int(bound), int(math.floor(solver.best_objective_bound + 1e-6)))
        if value < bound:
            return np.flatnonzero(vals), value, int(bound), SolveStatus.TIME_LIMIT, SolveStatus.SKIPPED, None
    spent = close_with_cpsat.proof_seconds = time.perf_counter() - t0
    if on_proven is not None:
        on_proven(np.flatnonzero(vals), value, spent)
    out, tie_status, tie_bound = _tiebreak(m, model, x, first, vals, value, tiebreak_seconds(spent, left()), workers)
    return out, value, value, SolveStatus.OPTIMAL, tie_status, tie_bound
