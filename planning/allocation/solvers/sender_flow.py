"""The flow path with senders' quotas and staff caps, and the least largest burden (design §9), exactly.

On the flow path (every person's candidate seats share a day, no team rule) a person takes at
most one seat, so a quota or staff-cap row whose pairs are *all* the pairs of some people (its row
is "closed": every pair of each person in it) bounds how many of those people are placed. When
the closed rows' sets of people nest (each two are disjoint or one holds the other) and each lies
within one source city, they form a tree above the people, and the rules become capacities:
placements flow from the source through the tree (a node's arc carries at most its room) to the
people's groups and on to the seats. A row that is not closed is dropped when a closed row of the
same rule (or unit × sector, for the burden) holds all its pairs with no more room (a unit's later
day with fewer candidate stints and no more people held); any other row sends the plan to the
horizon solver (:func:`sender_tree` returns None).

Then, all exact and all on OR-Tools' graph solvers:

1. **The first objective** by the greedy rule of :func:`~.flow.filled_by_level` (one maximum
   flow per weight level), with the tree's capacities: the seat sets a flow can fill still form
   a matroid (a gammoid), so the greedy rule stays exact.
2. **The least largest burden**: at burden ``b`` each unit × sector with staff may have at most
   ``floor(b × staff)`` people on post, so its node's room is that less the most it holds on a
   day of its rows. A plan of the first objective's optimum fills exactly the counts of step 1
   per weight, so ``b`` is feasible when one maximum flow into per-weight sinks of those counts
   saturates them. The smallest feasible ``b`` among the burdens a plan can reach
   (``c / staff``) is found by binary search; each feasible flow's own largest burden narrows
   the search at once.
3. **The tie-breakers** by :func:`~.flow.build_flow`'s min-cost flow at that burden: the
   unplaced people leave through the tree towards their city (where the fair share is priced),
   each node's arc with a lower bound of its people less its room, so its placed people are
   within its room.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..model import Model, Solution
from ..plan import SolveStatus
from .flow import Groups, interchangeable, placed_pairs, tie_value

_BIG = np.int64(2**40)  # room of a node no hard row bounds


def seat_weights(m: Model) -> np.ndarray:
    """``2**(priority-1)`` per seat (0 for seats without candidates)."""
    w = np.zeros(len(m.cap), np.int64)
    w[m.pair_seat] = m.pair_w
    return w


@dataclass
class SenderTree:
    """The closed quota, cap and burden rows as a tree of nested sets of people.

    Per node: ``parent`` (-1: a root), ``city`` (its people's), ``size`` (its people),
    ``hard`` (the most of them placed under the quotas and caps). Per person: ``leaf``, the
    deepest node holding them (-1: none). Burden entries (one per node × unit × sector with staff):
    ``b_node``, ``b_unit`` (index into ``Model.burden_staff``), ``b_held`` (the most held on a day).
    """

    parent: np.ndarray
    city: np.ndarray
    size: np.ndarray
    hard: np.ndarray
    leaf: np.ndarray
    b_node: np.ndarray
    b_unit: np.ndarray
    b_held: np.ndarray

    @property
    def n_nodes(self) -> int:
        return len(self.parent)


def sender_tree(m: Model) -> SenderTree | None:
    """The rows as a tree (see the module), or None when they do not make one.

    Assumes the flow path otherwise applies (no team rule; every person's candidate seats overlap).

    Examples
    --------
    >>> import numpy as np
    >>> m = Model(pair_person=np.array([0, 0, 1, 2]), pair_seat=np.array([0, 1, 1, 0]),
    ...           pair_w=np.ones(4, np.int64), pair_tie=np.zeros(4, np.int64), pair_start=np.zeros(4, np.int64),
    ...           pair_end=np.zeros(4, np.int64), person_city=np.array([0, 0, 1]), cap=np.array([1, 1]),
    ...           fair_levels=np.zeros((2, 16), np.int64))
    >>> m.limit_pairs, m.limit_rhs, m.limit_rule = [np.array([0, 1, 2])], np.array([1]), np.array([0])
    >>> t = sender_tree(m)
    >>> t.size.tolist(), t.hard.tolist(), t.leaf.tolist()
    ([2], [1], [0, 0, -1])
    >>> m.limit_pairs = [np.array([0, 2])]  # person 0's other pair left out: not closed, nothing implies it
    >>> sender_tree(m) is None
    True
    """
    n_person = len(m.person_city)
    deg = np.bincount(m.pair_person, minlength=n_person)
    all_rows = [np.asarray(ks, np.int64) for ks in m.limit_pairs] + [np.asarray(ks, np.int64) for ks in m.burden_pairs]
    n_limit = len(m.limit_pairs)
    is_limit = np.arange(len(all_rows)) < n_limit
    family = np.r_[m.limit_rule[:n_limit] if n_limit else np.zeros(0, np.int64),
                   -1 - (m.burden_unit if m.burden_pairs else np.zeros(0, np.int64))].astype(np.int64)
    value = np.r_[m.limit_rhs[:n_limit] if n_limit else np.zeros(0, np.int64),
                  m.burden_held if m.burden_pairs else np.zeros(0, np.int64)].astype(np.int64)
    if not all_rows:
        return None
    # each row's people and how many of their pairs it holds, at once: closed when it holds them all
    size = np.array([len(ks) for ks in all_rows], np.int64)
    row = np.repeat(np.arange(len(all_rows)), size)
    key, n_in = np.unique(row * n_person + m.pair_person[np.concatenate(all_rows)], return_counts=True)
    key_row, key_person = key // n_person, key % n_person
    short = np.bincount(key_row, weights=n_in < deg[key_person], minlength=len(all_rows)) > 0
    cut = np.searchsorted(key_row, np.arange(len(all_rows) + 1))
    closed = ~short
    by_family = {}
    for r in np.flatnonzero(closed).tolist():
        by_family.setdefault(int(family[r]), []).append(r)
    for r in np.flatnonzero(short).tolist():  # kept out only when a closed row of its rule holds it with less room
        v = int(value[r])
        if not any(np.isin(all_rows[r], all_rows[q]).all() and (value[q] <= v if is_limit[r] else value[q] >= v)
                   for q in by_family.get(int(family[r]), [])):
            return None
    # one node per distinct set of people: the least room, and per unit the most held
    node_of, sets, hard, entries = {}, [], [], {}
    for r in np.flatnonzero(closed).tolist():
        people = key_person[cut[r]:cut[r + 1]]
        k = people.tobytes()
        if k not in node_of:
            node_of[k] = len(sets)
            sets.append(people)
            hard.append(int(_BIG))
        n = node_of[k]
        if is_limit[r]:
            hard[n] = min(hard[n], int(value[r]))
        else:
            u = -1 - int(family[r])
            entries[(n, u)] = max(entries.get((n, u), 0), int(value[r]))
    # nested sets: from the largest down, each set's people must all sit in the same node so far
    order = sorted(range(len(sets)), key=lambda n: -len(sets[n]))
    cur = np.full(n_person, -1, np.int64)
    parent = np.full(len(sets), -1, np.int64)
    city = np.zeros(len(sets), np.int64)
    for n in order:
        ps = sets[n]
        above = np.unique(cur[ps])
        cities = np.unique(m.person_city[ps])
        if len(above) != 1 or len(cities) != 1:
            return None
        parent[n], city[n] = above[0], cities[0]
        cur[ps] = n
    b = sorted(entries.items())
    return SenderTree(parent=parent, city=city, size=np.array([len(s) for s in sets], np.int64),
                      hard=np.asarray(hard, np.int64), leaf=cur,
                      b_node=np.array([n for (n, _), _ in b], np.int64), b_unit=np.array([u for (_, u), _ in b], np.int64),
                      b_held=np.array([h for _, h in b], np.int64))


def _graph(m: Model, g: Groups, tree: SenderTree, node_cap: np.ndarray, seat_sink: np.ndarray | None,
           counts: np.ndarray | None, levels: np.ndarray | None):
    """A maximum flow: source → tree (rooms) → groups → seats → sink (per seat, or per weight with ``counts``).

    Returns the solved ``SimpleMaxFlow`` and the index of the first tree arc (one arc per node, in node order).
    """
    from ortools.graph.python import max_flow

    n_group, n_seat, n_node = g.n_groups, len(m.cap), tree.n_nodes
    gl = np.full(n_group, -1, np.int64)
    gl[g.of_person] = tree.leaf
    t0 = n_group + n_seat
    lv0 = t0 + n_node
    n_lv = 0 if levels is None else len(levels)
    src, snk = lv0 + n_lv, lv0 + n_lv + 1
    tails = [np.where(gl >= 0, t0 + gl, src), np.where(tree.parent >= 0, t0 + tree.parent, src), g.arc_group]
    heads = [np.arange(n_group), t0 + np.arange(n_node), n_group + g.arc_seat]
    caps = [g.size, node_cap, np.minimum(g.size[g.arc_group], m.cap[g.arc_seat])]
    if counts is None:
        tails.append(n_group + np.arange(n_seat))
        heads.append(np.full(n_seat, snk))
        caps.append(seat_sink)
    else:
        seat_level = np.searchsorted(-levels, -seat_weights(m))
        used = np.zeros(n_seat, bool)
        used[g.arc_seat] = True
        seats = np.flatnonzero(used)
        tails += [n_group + seats, lv0 + np.arange(n_lv)]
        heads += [lv0 + seat_level[seats], np.full(n_lv, snk)]
        caps += [m.cap[seats], counts]
    mf = max_flow.SimpleMaxFlow()
    mf.add_arcs_with_capacity(np.concatenate(tails).astype(np.int32), np.concatenate(heads).astype(np.int32),
                              np.concatenate(caps).astype(np.int64))
    if mf.solve(src, snk) != mf.OPTIMAL:
        raise RuntimeError("maximum flow did not finish")
    return mf, n_group


def filled_by_level_tree(m: Model, g: Groups, tree: SenderTree) -> tuple[np.ndarray, np.ndarray]:
    """:func:`~.flow.filled_by_level` with the tree's rooms (quotas and caps): (weights, counts)."""
    seat_w = seat_weights(m)
    levels = np.unique(m.pair_w)[::-1]
    ranks = [_graph(m, g, tree, tree.hard, np.where(seat_w >= lv, m.cap, 0), None, None)[0].optimal_flow()
             for lv in levels]
    return levels, np.diff(np.r_[0, ranks]).astype(np.int64)


def burden_values(m: Model, tree: SenderTree) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The burdens a plan can reach, increasing: ``(value, c, staff)`` with ``value = c / staff`` exactly once each.

    ``c`` runs from 0 to the most people a unit × sector could have on post (held and placed); distinct
    fractions with staff below 10^7 are distinct floats, and equal ones equal floats.
    """
    top = np.zeros(len(m.burden_staff), np.int64)
    np.maximum.at(top, tree.b_unit, tree.b_held + tree.size[tree.b_node])
    staff = np.repeat(m.burden_staff.astype(np.int64), top + 1)
    c = np.arange(len(staff)) - np.repeat(np.r_[0, np.cumsum(top + 1)[:-1]], top + 1)
    v = c / staff
    v, first = np.unique(v, return_index=True)
    return v, c[first], staff[first]


def solve_sender_flow(m: Model) -> Solution | None:
    """The first objective, the least largest burden and the tie-breakers, exactly, by flows (see the module);
    None when the rows do not make a tree (the horizon solver then plans)."""
    t0 = time.perf_counter()
    tree = sender_tree(m)
    if tree is None:
        return None
    g = interchangeable(m, label=tree.leaf)
    levels, counts = filled_by_level_tree(m, g, tree)
    bound = int((levels * counts).sum())
    chosen = _lexicographic(m, g, tree, levels, counts)
    value = int(m.pair_w[chosen].sum())
    if value != bound:
        raise RuntimeError(f"min-cost flow reached {value}, the maximum flows proved {bound}")
    return Solution(chosen, value, bound, SolveStatus.OPTIMAL, SolveStatus.OPTIMAL, tie_value(m, chosen), "flow",
                    "quotas, staff caps and the least largest burden as capacities of the flow",
                    proof_seconds=time.perf_counter() - t0)


def _lexicographic(m: Model, g: Groups, tree: SenderTree, levels: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The pairs placed: the first objective's counts per weight, then the least largest burden, then the
    tie-breakers (min-cost flow)."""
    from ortools.graph.python import min_cost_flow

    node_cap = tree.hard
    if len(tree.b_node):
        v, c, s = burden_values(m, tree)
        staff = m.burden_staff.astype(np.int64)[tree.b_unit]

        def rooms(j: int) -> np.ndarray:
            room = tree.hard.copy()
            np.minimum.at(room, tree.b_node, (int(c[j]) * staff) // int(s[j]) - tree.b_held)
            return room

        def check(j: int) -> int | None:
            """The largest burden's index of a plan of the optimum within level ``j`` (None: there is none)."""
            room = rooms(j)
            if (room < 0).any():
                return None
            mf, a0 = _graph(m, g, tree, room, None, counts, levels)
            if mf.optimal_flow() < counts.sum():
                return None
            placed = mf.flows(np.arange(a0, a0 + tree.n_nodes))
            return int(np.searchsorted(v, ((tree.b_held + placed[tree.b_node]) / staff).max()))

        lo = int(np.searchsorted(v, (tree.b_held / staff).max()))
        hi = check(len(v) - 1)
        while lo < hi:
            mid = (lo + hi) // 2
            got = check(mid)
            if got is None:
                lo = mid + 1
            else:
                hi = got
        node_cap = rooms(hi)
    f = _tie_flow(m, g, tree, node_cap, levels, counts)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(f["tails"], f["heads"], f["caps"], f["costs"])
    smcf.set_nodes_supplies(f["nodes"], f["supplies"])
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    flows = smcf.flows(np.arange(len(f["tails"])))
    a0, a1 = f["seat_arcs"]
    unplaced = np.zeros(len(g.city_group), np.int64)
    b0, b1 = f["free_arcs"]
    unplaced[f["free_blocks"]] = flows[b0:b1]
    c0, c1 = f["tree_arcs"]
    unplaced[f["tree_blocks"]] = flows[c0:c1]
    return np.sort(placed_pairs(m, g, flows[a0:a1], unplaced))


def _tie_flow(m: Model, g: Groups, tree: SenderTree, node_cap: np.ndarray, levels: np.ndarray,
              counts: np.ndarray) -> dict:
    """:func:`~.flow.build_flow` with the unplaced people of the tree's groups leaving through the tree.

    A node's arc towards its parent (a root's towards its city) carries its unplaced people, at least
    ``size - room`` of them (a lower bound, moved into the supplies), so at most ``room`` are placed.
    """
    n_city, n_group, n_seat, n_node = m.fair_levels.shape[0], g.n_groups, len(m.cap), tree.n_nodes
    seat0 = n_group
    city0 = seat0 + n_seat
    level0 = city0 + n_city
    node0 = level0 + len(levels)
    sink = node0 + n_node
    gl = np.full(n_group, -1, np.int64)
    gl[g.of_person] = tree.leaf
    seat_level = np.searchsorted(-levels, -seat_weights(m))
    used = np.zeros(n_seat, bool)
    used[g.arc_seat] = True
    seats = np.flatnonzero(used)
    free_blocks = np.flatnonzero(gl[g.city_group] < 0)
    tree_groups = np.flatnonzero(gl >= 0)
    tree_blocks = np.searchsorted(g.city_group, tree_groups)  # a tree group lies in one city: one block
    low = np.maximum(0, tree.size - node_cap)
    up = np.where(tree.parent >= 0, node0 + tree.parent, city0 + tree.city)
    lc, lv = np.nonzero(m.fair_levels)
    parts = [  # (tails, heads, caps, costs)
        (g.arc_group, seat0 + g.arc_seat, np.minimum(g.size[g.arc_group], m.cap[g.arc_seat]), -g.arc_tie),
        (seat0 + seats, level0 + seat_level[seats], m.cap[seats], np.zeros(len(seats), np.int64)),
        (g.city_group[free_blocks], city0 + g.city_city[free_blocks], g.city_count[free_blocks],
         np.zeros(len(free_blocks), np.int64)),
        (tree_groups, node0 + gl[tree_groups], g.size[tree_groups], np.zeros(len(tree_groups), np.int64)),
        (node0 + np.arange(n_node), up, tree.size - low, np.zeros(n_node, np.int64)),
        (city0 + lc, np.full(len(lc), sink), m.fair_levels[lc, lv], -lv),
    ]
    offsets = np.cumsum([0] + [len(p[0]) for p in parts])
    supply = np.zeros(sink + 1, np.int64)
    supply[:n_group] = g.size
    supply[level0:node0] = -counts
    supply[sink] = counts.sum() - g.size.sum()
    np.subtract.at(supply, node0 + np.arange(n_node), low)
    np.add.at(supply, up, low)
    nodes = np.flatnonzero(supply)
    return dict(tails=np.concatenate([p[0] for p in parts]).astype(np.int32),
                heads=np.concatenate([p[1] for p in parts]).astype(np.int32),
                caps=np.concatenate([p[2] for p in parts]).astype(np.int64),
                costs=np.concatenate([p[3] for p in parts]).astype(np.int64),
                nodes=nodes.astype(np.int32), supplies=supply[nodes],
                seat_arcs=(offsets[0], offsets[1]), free_arcs=(offsets[2], offsets[3]),
                tree_arcs=(offsets[3], offsets[4]), free_blocks=free_blocks, tree_blocks=tree_blocks)
