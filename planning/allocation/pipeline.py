"""The public function: check → build model → solve → write back."""
from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from ..core.periods import closed_ends
from ..core.i18n import t
from .candidates import busy_table, candidate_pairs, planned_seats
from .inputs import check_arguments, pairs_frame, parse_window, planning_day
from .model import Solution, build_model, flow_applies
from .pins import check_forbids, resolve_pins
from .plan import Plan, PlanError, PlanInputs, SolveStatus
from .solvers.cpsat import solve_cpsat
from .solvers.flow import solve_flow, tie_value
from .solvers.horizon import solve_horizon
from .solvers.sender_flow import solve_sender_flow
from .solvers.stable import solve_stable
from .write_back import write_back


def _by_flow(m):
    """The flow path's plan, or None when it does not apply: the plain flow, or with senders' quotas, staff caps
    and burden as capacities when their rows make a tree (:mod:`.solvers.sender_flow`)."""
    if flow_applies(m):
        return solve_flow(m)
    if m.has_sender_rules and flow_applies(m, senders=False):
        return solve_sender_flow(m)  # None: the rows make no tree, or the stricter one falls short
    return None


def _optimal(wb, seats, pairs, m, time_limit, lang, on_proven=None):
    """The exact plan: the flow when it applies (every person's candidate seats overlap, no team rule, senders'
    rows that nest), else the horizon solver (LP bound, LP-guided plan, CP-SAT to close the gap on models of a
    size it can prove)."""
    sol = _by_flow(m)
    return (sol if sol is not None else solve_horizon(m, time_limit, lang=lang, on_proven=on_proven)), None


def _flow(wb, seats, pairs, m, time_limit, lang, on_proven=None):
    sol = _by_flow(m)
    if sol is None:
        raise PlanError(t("alloc.flow_not_applicable", lang))
    return sol, None


def _cpsat(wb, seats, pairs, m, time_limit, lang, on_proven=None):
    return solve_cpsat(m, time_limit, lang=lang, on_proven=on_proven), None


def _horizon(wb, seats, pairs, m, time_limit, lang, on_proven=None):
    return solve_horizon(m, time_limit, lang=lang, on_proven=on_proven), None


def _stable(wb, seats, pairs, m, time_limit, lang, on_proven=None):
    return solve_stable(wb, seats, pairs, m)


#: Solvers by name (``allocate(method=...)``): each takes (workbook, seats, pairs, model, time limit,
#: language, ``on_proven``) and returns the solution and, for the stable matching, its blocking pairs.
SOLVERS = {"optimal": _optimal, "flow": _flow, "cpsat": _cpsat, "horizon": _horizon, "stable": _stable}

#: seconds per candidate pair kept back from the solver for writing the plan back (reasons, assignments,
#: the workbook copy: about 2 s at 1.9 million pairs on the test machine), so the whole call keeps its limit
WRITE_BACK_SECONDS_PER_PAIR = 1.5e-6


def allocate(wb, *, window=None, pins=(), forbids=(), method: str = "optimal", time_limit: float | None = None,
             lang: str | None = None, hosts=None, orders=None, people=None, planning_date=None,
             on_proven=None) -> Plan:
    """Plan new assignments that fill the most important seats, keeping existing ones.

    Parameters
    ----------
    wb : Workbook
    window : (start, end), optional
        Plan the seats (slots) overlapping this period; either end may be None.
        Default: from today on. Slots that ended before today are never planned.
    planning_date : date, optional
        The day new assignments start at the earliest (the batch's dispatch date,
        派出日期): a seat that has begun before it is planned from it, a seat
        ending before it is not planned; seats and rotation slots beginning later
        keep their own dates. Default: the window's start when it lies ahead of
        today, else today. A day before today is refused.
    pins : iterable of (person, order) or (person, order, slot)
        Placements to force. A pin that breaks a hard rule raises
        :class:`PlanError` naming the pin and the rule.
    forbids : iterable of (person, order)
        Pairs that must not be placed.
    method : {"optimal", "flow", "cpsat", "horizon", "stable"}
        A name in :data:`SOLVERS`. ``optimal``: exact optimisation (min-cost
        flow when it applies, else the horizon solver: an LP bound, an LP-guided
        plan, and CP-SAT closing the gap on models it can prove, see
        :mod:`planning.allocation.solvers.horizon`); ``flow``, ``cpsat`` or
        ``horizon`` force one of them (``flow`` raises :class:`PlanError` when
        a team rule binds or a person's candidate seats do not all overlap). ``stable``: resident-optimal stable matching of people's
        wishes with host rankings (:mod:`planning.programme.stable`); blocking pairs are
        reported in ``plan.blocking_pairs`` and ``plan.objective.blocking_pairs``.
    time_limit : float, optional
        Seconds for the whole call: finding the pairs, building the model,
        solving and writing the plan back (the solver gets what is left after a
        reserve for the write-back). When it stops early the plan is the best
        found, ``objective.status`` is ``time_limit`` and ``objective.bound`` and
        ``objective.gap`` say how far from the best it may be (a warning is also
        issued).
    lang : {"zh", "en"}, optional
        Language of texts (explanations, messages); default
        :func:`planning.core.i18n.default_lang`.
    hosts : iterable of host unit ids, optional
        Plan only the seats of these host units (e.g. one county's); people may
        still come from anywhere.
    orders : iterable of order ids, optional
        Plan only the seats of these orders.
    people : iterable of person ids, optional
        Draw new assignments only from these people (e.g. a district's flexible
        pool); pinned people are always allowed.
    on_proven : callable, optional
        Called with a :class:`Plan` as soon as its first objective is proven
        optimal, when tie-breakers are still to be solved after it (CP-SAT: team
        rules, the horizon): that plan's ``objective.tiebreak_status`` is
        ``running``. A page shows it at once and the final plan when this call
        returns. Not called when one step proves both (the flow path).

    Returns
    -------
    Plan

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> plan = planning.allocate(wb, window=("2027-01-01", "2027-12-31"))
    >>> from planning.allocation import REASONS
    >>> sorted(set(plan.unfilled["reason"]) - set(REASONS))
    []
    >>> len(plan.workbook.assignments) == len(wb.assignments) + len(plan.assignments)
    True
    """
    t0 = time.perf_counter()
    check_arguments(wb, time_limit, lang, hosts=hosts, orders=orders, people=people)
    given, wb = wb, closed_ends(wb)  # a missing end is an open one: every rule reads it as OPEN_END
    if not isinstance(method, str) or method not in SOLVERS:
        raise PlanError(t("alloc.bad_method", lang, method=method))
    w = parse_window(window, lang)
    day = planning_day(w, planning_date, lang)
    pins_df = pairs_frame(pins, 3, "pin", lang)
    forbids_df = pairs_frame(forbids, 2, "forbid", lang)
    check_forbids(wb, forbids_df, lang)
    seats = planned_seats(wb, w, day)
    if hosts is not None:
        seats = seats[seats["host_unit"].isin(set(hosts))].reset_index(drop=True)
    if orders is not None:
        seats = seats[seats["order"].isin(set(orders))].reset_index(drop=True)
    busy = busy_table(wb)
    pinned = resolve_pins(wb, seats, pins_df, forbids_df, busy, lang)
    pin_busy = pd.DataFrame({"person": pinned["person"].to_numpy(),
                             "start": seats["start"].to_numpy()[pinned["seat"].to_numpy()],
                             "end": seats["end"].to_numpy()[pinned["seat"].to_numpy()]})
    busy_all = busy_table(wb, pin_busy)
    seats_open = seats.assign(remaining=seats["remaining"].to_numpy()
                              - np.bincount(pinned["seat"].to_numpy(), minlength=len(seats)))
    pool = None if people is None else wb.people[wb.people["id"].isin(set(people) | set(pinned["person"]))]
    pairs_all = candidate_pairs(wb, seats_open, busy_all, forbids_df, pool)
    m, _ = build_model(wb, seats, pairs_all, pinned)
    left = None if time_limit is None else max(
        0.05, time_limit - (time.perf_counter() - t0) - 0.1 - WRITE_BACK_SECONDS_PER_PAIR * len(pairs_all))

    def finish(sol, blocking=None) -> Plan:
        plan = write_back(wb, seats, pairs_all, sol, pinned, busy_all, lang, pool, m)
        if wb is not given:  # the plan's workbook keeps the given tables as they were, new assignments added
            out = given.copy()
            new = plan.workbook.assignments.iloc[len(given.assignments):]
            out.assignments = pd.concat([out.assignments, new], ignore_index=True)
            plan.workbook = out
        plan.objective.seconds = time.perf_counter() - t0
        if blocking is not None:
            plan.blocking_pairs = blocking
            plan.objective.blocking_pairs = len(blocking)
        plan.inputs = PlanInputs(workbook=wb, seats=seats, pairs=pairs_all, busy=busy, model=m)
        plan.planning_date = day
        return plan

    def proven(chosen, value, seconds):
        if on_proven is not None:
            on_proven(finish(Solution(np.sort(chosen), int(value), int(value), SolveStatus.OPTIMAL, SolveStatus.RUNNING,
                                      tie_value(m, chosen), method if method != "optimal" else "horizon",
                                      proof_seconds=seconds)))

    sol, blocking = SOLVERS[method](wb, seats, pairs_all, m, left, lang, on_proven=proven)
    plan = finish(sol, blocking)
    if plan.objective.status == "time_limit":
        warnings.warn(t("alloc.time_limit_warning", lang, value=plan.objective.value, bound=plan.objective.bound,
                        gap=f"{(plan.objective.gap or 0):.1%}"), stacklevel=2)
    return plan
