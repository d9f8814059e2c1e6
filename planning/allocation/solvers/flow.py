"""The flow solver: maximum flows per priority weight, then one min-cost flow for the tie-breakers."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..model import Model, Solution
from ..plan import FAIR_MAX, SolveStatus


def _seat_weights(m: Model) -> np.ndarray:
    """``2**(priority-1)`` per seat (0 for seats without candidates)."""
    w = np.zeros(len(m.cap), np.int64)
    w[m.pair_seat] = m.pair_w
    return w


@dataclass
class Groups:
    """People who are interchangeable on the flow path: the same candidate seats with the same rewards.

    They differ at most in source city, which only the fair share sees, and it
    sees only how many of a city are placed; so a group is one flow node with
    supply ``size``, its arcs are one member's arcs, and its unplaced members
    leave through their cities (``city_count`` per (group, city)).
    """

    of_person: np.ndarray   # group per person
    size: np.ndarray        # members per group
    arc_group: np.ndarray   # a group's candidate seats (sorted by group)
    arc_seat: np.ndarray
    arc_tie: np.ndarray
    city_group: np.ndarray  # (group, city) blocks, sorted
    city_city: np.ndarray
    city_count: np.ndarray
    pair_order: np.ndarray  # pairs sorted by (person, seat, reward): a member's list lines up with its group's arcs
    first_pair: np.ndarray  # per person, where their pairs start in ``pair_order``

    @property
    def n_groups(self) -> int:
        return len(self.size)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (a 64-bit hash of each value)."""
    x = x.astype(np.uint64)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _seat_tie(m: Model) -> tuple[np.ndarray, int]:
    """One non-negative integer per pair for (seat, tie-breaker reward), and the number of such codes."""
    low = int(m.pair_tie.min(initial=0))
    n_tie = int(m.pair_tie.max(initial=0)) - low + 1
    return m.pair_seat * n_tie + (m.pair_tie - low), len(m.cap) * n_tie


def interchangeable(m: Model, label: np.ndarray | None = None) -> Groups:
    """Group the people whose (seat, tie-breaker reward) lists are identical.

    ``label`` (one integer per person, optional): people with different labels are never grouped
    (the senders' flow keeps each group within one node of its tree). Each person's list is hashed; people with equal hashes are then compared
    arc by arc, so a hash collision can never merge two different people (if
    one occurs, nobody is merged).

    Examples
    --------
    >>> import numpy as np
    >>> m = Model(pair_person=np.array([0, 0, 1, 1, 2]), pair_seat=np.array([0, 1, 1, 0, 1]),
    ...           pair_w=np.ones(5, np.int64), pair_tie=np.zeros(5, np.int64),
    ...           pair_start=np.zeros(5, np.int64), pair_end=np.zeros(5, np.int64),
    ...           person_city=np.array([0, 1, 0]), cap=np.array([1, 1]), fair_levels=np.zeros((2, 16), np.int64))
    >>> g = interchangeable(m)
    >>> g.size.tolist(), bool(g.of_person[0] == g.of_person[1]), g.city_count.tolist()
    ([1, 2], True, [1, 1, 1])
    """
    n_person, n_city = len(m.person_city), m.fair_levels.shape[0]
    seat_tie, n_key = _seat_tie(m)
    if n_person * n_key < 2**62:  # one int64 sort key (person, seat, tie)
        order = np.argsort(m.pair_person * n_key + seat_tie, kind="stable")
    else:
        order = np.lexsort((seat_tie, m.pair_person))
    person = m.pair_person[order]
    key = seat_tie[order]
    deg = np.bincount(person, minlength=n_person)
    ptr = np.r_[0, np.cumsum(deg)[:-1]]
    h = np.zeros(n_person, np.uint64)
    has = deg > 0  # people without pairs (in a restricted model) all look alike
    if has.any():
        with np.errstate(over="ignore"):
            h[has] = np.add.reduceat(_mix(key) * _mix(np.arange(len(key)) - ptr[person] + 1), ptr[has])
    lab = np.zeros(n_person, np.int64) if label is None else np.asarray(label, np.int64)
    by = np.lexsort((h, deg, lab))
    new = np.r_[True, (deg[by][1:] != deg[by][:-1]) | (h[by][1:] != h[by][:-1]) | (lab[by][1:] != lab[by][:-1])]
    group = np.empty(n_person, np.int64)
    group[by] = np.cumsum(new) - 1
    rep = by[new]
    same = key == key[ptr[rep[group[person]]] + np.arange(len(key)) - ptr[person]]
    if not same.all():  # a hash collision: merge no one
        group, rep = np.arange(n_person), np.arange(n_person)
    is_rep = np.zeros(n_person, bool)
    is_rep[rep] = True
    arcs = order[is_rep[person]]
    arc_group = group[m.pair_person[arcs]]
    arcs = arcs[np.argsort(arc_group, kind="stable")]
    gc, count = np.unique(group * n_city + m.person_city, return_counts=True)
    return Groups(of_person=group, size=np.bincount(group, minlength=len(rep)),
                  arc_group=group[m.pair_person[arcs]], arc_seat=m.pair_seat[arcs], arc_tie=m.pair_tie[arcs],
                  city_group=gc // n_city, city_city=gc % n_city, city_count=count, pair_order=order, first_pair=ptr)


def filled_by_level(m: Model, g: Groups | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first objective's optimum as counts: how many seats of each weight an optimal plan fills.

    People each take at most one seat here (the flow path), so the sets of
    seats that can be filled together form a transversal matroid, and with
    weights depending on the seat alone the greedy rule is exact: fill as many
    seats of the top weight as possible, then as many of the top two weights,
    and so on. ``r_L``, the most seats of weight ``>= L`` fillable at once, is
    one maximum flow (OR-Tools ``SimpleMaxFlow``) per weight level over the
    groups of interchangeable people, and every optimal plan fills exactly
    ``r_L - r_(L+1)`` seats of weight ``L``.
    Returns (weights, counts), weights in decreasing order.
    """
    from ortools.graph.python import max_flow

    g = interchangeable(m) if g is None else g
    seat_w = _seat_weights(m)
    levels = np.unique(m.pair_w)[::-1]
    n_group, n_seat = g.n_groups, len(m.cap)
    src, snk = n_group + n_seat, n_group + n_seat + 1
    arc_w, arc_cap = seat_w[g.arc_seat], np.minimum(g.size[g.arc_group], m.cap[g.arc_seat])
    ranks = []
    for lv in levels:
        sel = arc_w >= lv
        mf = max_flow.SimpleMaxFlow()
        tails = np.concatenate([np.full(n_group, src), g.arc_group[sel], n_group + np.arange(n_seat)])
        heads = np.concatenate([np.arange(n_group), n_group + g.arc_seat[sel], np.full(n_seat, snk)])
        caps = np.concatenate([g.size, arc_cap[sel], np.where(seat_w >= lv, m.cap, 0)])
        mf.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64))
        if mf.solve(src, snk) != mf.OPTIMAL:
            raise RuntimeError("maximum flow did not finish")
        ranks.append(mf.optimal_flow())
    return levels, np.diff(np.r_[0, ranks]).astype(np.int64)


def build_flow(m: Model, g: Groups, levels: np.ndarray, counts: np.ndarray) -> dict:
    """Arc arrays of the tie-breaker min-cost flow over the optimal first objective.

    Each group of interchangeable people (:func:`interchangeable`) is a node
    with supply its size, whose units reach a sink either through a seat (arc
    cost ``-tie-breaker reward``) or, unplaced, through their source cities.
    Seats of weight ``L`` drain into a level node that must absorb exactly
    ``counts[L]`` (from :func:`filled_by_level`), so every feasible flow
    reaches the first objective's optimum and the solver only ranks the
    tie-breakers. The city's parallel arcs to the sink carry the fair share:
    with convex marginal costs ``c_k`` for the k-th placed person of a city,
    the j-th *unplaced* person saves ``c_(n-j+1)``, so those arcs cost ``-c``
    and the flow pays exactly ``sum(c_k for k <= placed)`` up to a constant.
    The group → seat arcs come first in the arrays, then seat → level, then
    group → city (``arcs`` gives the three offsets).
    """
    n_city, n_group, n_seat = m.fair_levels.shape[0], g.n_groups, len(m.cap)
    seat0 = n_group
    city0 = seat0 + n_seat
    level0 = city0 + n_city
    sink = level0 + len(levels)
    seat_level = np.searchsorted(-levels, -_seat_weights(m))
    used = np.zeros(n_seat, bool)
    used[g.arc_seat] = True
    seats = np.flatnonzero(used)
    lc, lv = np.nonzero(m.fair_levels)
    n_arc = len(g.arc_group)
    tails = np.concatenate([g.arc_group, seat0 + seats, g.city_group, city0 + lc])
    heads = np.concatenate([seat0 + g.arc_seat, level0 + seat_level[seats], city0 + g.city_city,
                            np.full(len(lc), sink)])
    caps = np.concatenate([np.minimum(g.size[g.arc_group], m.cap[g.arc_seat]), m.cap[seats], g.city_count,
                           m.fair_levels[lc, lv]])
    costs = np.concatenate([-g.arc_tie, np.zeros(len(seats) + len(g.city_group), np.int64), -lv])
    nodes = np.concatenate([np.arange(n_group), level0 + np.arange(len(levels)), [sink]])
    supplies = np.concatenate([g.size, -counts, [counts.sum() - g.size.sum()]])
    return dict(tails=tails.astype(np.int32), heads=heads.astype(np.int32), caps=caps.astype(np.int64),
                costs=costs.astype(np.int64), nodes=nodes.astype(np.int32), supplies=supplies.astype(np.int64),
                arcs=(0, n_arc, n_arc + len(seats)))


def placed_pairs(m: Model, g: Groups, seat_flow: np.ndarray, unplaced: np.ndarray) -> np.ndarray:
    """Pair indices of a group flow: each group's placed members matched to the seat units it sends.

    ``seat_flow`` is the flow on each group → seat arc, ``unplaced`` on each
    (group, city) arc. In each (group, city) block the members placed are the
    first ``city_count - unplaced`` by person code; any matching of a group's
    placed members to its seat units is an equally good plan.
    """
    arc = np.repeat(np.arange(len(g.arc_group)), seat_flow)  # one per seat unit, sorted by group
    members = np.lexsort((np.arange(len(g.of_person)), m.person_city, g.of_person))
    block_start = np.r_[0, np.cumsum(g.city_count)[:-1]]
    rank = np.arange(len(members)) - np.repeat(block_start, g.city_count)
    placed = members[rank < np.repeat(g.city_count - unplaced, g.city_count)]  # sorted by group
    # the member's own pair at the arc's position in the group's list (duplicates keep their reward)
    group_arc0 = np.searchsorted(g.arc_group, np.arange(g.n_groups))
    return g.pair_order[g.first_pair[placed] + arc - group_arc0[g.arc_group[arc]]]


def solve_flow(m: Model) -> Solution:
    """Solve exactly in two steps: the first objective by maximum flows, the tie-breakers by a min-cost flow.

    Interchangeable people are merged first (:func:`interchangeable`);
    :func:`filled_by_level` fixes how many seats of each weight are filled;
    :func:`build_flow` then minimises the tie-breaker cost among the plans
    that fill them (OR-Tools ``SimpleMinCostFlow``). Splitting the two keeps
    the costs small (a single flow would scale the first objective above
    every tie-breaker total: about 40 % slower at 50,000 people).
    """
    from ortools.graph.python import min_cost_flow

    if m.n_pairs == 0:
        return Solution(np.zeros(0, np.int64), 0, 0, SolveStatus.OPTIMAL, SolveStatus.OPTIMAL, 0, "flow")
    t0 = time.perf_counter()
    g = interchangeable(m)
    levels, counts = filled_by_level(m, g)
    bound = int((levels * counts).sum())
    f = build_flow(m, g, levels, counts)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(f["tails"], f["heads"], f["caps"], f["costs"])
    smcf.set_nodes_supplies(f["nodes"], f["supplies"])
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    a0, a1, a2 = f["arcs"]
    flows = smcf.flows(np.arange(len(f["tails"])))
    chosen = np.sort(placed_pairs(m, g, flows[a0:a1], flows[a2:a2 + len(g.city_count)]))
    value = int(m.pair_w[chosen].sum())
    if value != bound:
        raise RuntimeError(f"min-cost flow reached {value}, the maximum flows proved {bound}")
    return Solution(chosen, value, bound, SolveStatus.OPTIMAL, SolveStatus.OPTIMAL, tie_value(m, chosen), "flow",
                    proof_seconds=time.perf_counter() - t0)


def tie_value(m: Model, chosen: np.ndarray) -> int:
    """Tie-breaker total of a set of placed pairs (rewards minus fair-share costs)."""
    if len(chosen) == 0:
        return 0
    used = np.bincount(m.person_city[m.pair_person[chosen]], minlength=m.fair_levels.shape[0])
    cost = 0
    for c in np.flatnonzero(used):  # one pass per city with people placed
        lv = np.repeat(np.arange(FAIR_MAX + 1), m.fair_levels[c])
        cost += int(lv[: used[c]].sum()) + FAIR_MAX * max(0, int(used[c]) - len(lv))
    return int(m.pair_tie[chosen].sum()) - cost
