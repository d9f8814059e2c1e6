"""Rounding and repair: a feasible plan from an LP solution, filled up by rounds of flows.

:func:`lp_plan` keeps the pairs the LP leans to; with team rules it first fixes
the team decisions the LP leans to (:func:`team_choices`) and solves the plain
interval problem left (:func:`plain_rest`). :func:`feasible_part` repairs a set of
pairs into a feasible one; :func:`unlock_teams` places free leads a plan left out.
"""
from __future__ import annotations

import time

import numpy as np

from ....core.utils import ranges
from ...model import Model
from ...sender_rules import subset_limits
from ..cpsat import overlapping, starting_plan
from .lp import build_lp, seat_csr, solve_lp

#: seconds per pair a starting plan may take (rounds of flows; 6.4 s at 1.9 million pairs on the test machine)
START_SECONDS_PER_PAIR = 4e-6


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
    from ...sender_rules import enforce_sender_limits
    from ...team_rules import enforce_team_rules

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
    return enforce_team_rules(m, enforce_sender_limits(m, np.sort(c), first=c[early[c]]))


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
    order, first, count = seat_csr(m)
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
                   lead_pairs=[], member_seats=[], same_groups=[], size_seats=[], size_min=[], size_team=[], size_live=[],
                   fixed_off=None,
                   **subset_limits(m, keep, base)), keep


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
