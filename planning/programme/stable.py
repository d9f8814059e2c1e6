"""Stable matching of residents to hospitals with capacities (hospital–resident problem).

Residents (people) rank hospitals (host units, posts); hospitals rank residents;
each hospital takes at most its capacity. A matching is **stable** when no
resident and hospital would both rather be matched to each other than keep what
they have. :func:`hospital_resident` returns the resident-optimal stable
matching: every resident gets the best hospital they can have in any stable
matching (Gale–Shapley deferred acceptance with residents proposing).

Inputs are the dictionaries the PyPI ``matching`` package takes in
``HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs,
capacities)``, and the result is what that package returns, converted to names:

- ``resident_prefs``: resident → hospitals, best first;
- ``hospital_prefs``: hospital → residents, best first;
- ``capacities``: hospital → maximum number of residents (≥ 0).

A pair is **acceptable** only when each lists the other. One-sided entries are
dropped, which is what ``matching`` does with ``clean=True`` (with its default
``clean=False`` it warns, ignores a hospital's one-sided entries, and fails with
``ValueError`` once a resident proposes to a hospital that did not rank them).
A repeated name in a list counts at its first place; a hospital with capacity 0
takes no one. Names that are not keys of the other dictionary raise ``KeyError``.

The result has every hospital of ``hospital_prefs`` as a key, in that order,
and each hospital's residents in the hospital's order of preference (as
``matching`` keeps them).

The algorithm maps names to integers once, finds the acceptable pairs and the
hospitals' ranks with sorted integer keys (a sparse rank matrix), and runs the
proposals over plain integer lists; each hospital keeps its current residents in
a heap keyed on its rank of them, so a proposal costs O(log capacity).

Examples
--------
>>> from planning.programme.stable import hospital_resident, blocking_pairs, is_stable
>>> residents = {"A": ["C"], "S": ["C", "M"], "D": ["C", "M", "G"],
...              "J": ["C", "G", "M"], "L": ["M", "C", "G"]}
>>> hospitals = {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"], "G": ["D", "J", "L"]}
>>> capacities = {"M": 2, "C": 2, "G": 2}
>>> m = hospital_resident(residents, hospitals, capacities)
>>> m
{'M': ['L', 'S'], 'C': ['D', 'A'], 'G': ['J']}
>>> is_stable(m, residents, hospitals, capacities)
True
>>> blocking_pairs({"M": ["L", "S"], "C": ["D", "J"], "G": ["A"]}, residents, hospitals, capacities)
Traceback (most recent call last):
...
ValueError: not a matching of this instance: A is matched to G but they do not rank each other
>>> blocking_pairs({"M": ["L", "S"], "C": ["D", "J"], "G": []}, residents, hospitals, capacities)
[('A', 'C'), ('S', 'C')]
"""
from __future__ import annotations

from dataclasses import dataclass
from heapq import heappush, heapreplace
from itertools import chain
from typing import Hashable, Mapping, Sequence

import numpy as np

__all__ = ["hospital_resident", "blocking_pairs", "is_stable"]


@dataclass
class _Instance:
    """An instance in integers: the acceptable pairs in residents' order of preference.

    ``res_start[r]:res_start[r + 1]`` are resident ``r``'s acceptable pairs in
    ``pair_h`` (hospital index), ``pair_rrank`` (the resident's rank of it) and
    ``pair_g`` (the hospital's rank of the resident, as a global position in the
    flattened hospital lists: it orders residents within a hospital, and
    ``hosp_r[g]`` is the resident ranked there).
    """

    residents: list
    hospitals: list
    capacity: np.ndarray
    res_start: np.ndarray
    pair_r: np.ndarray
    pair_h: np.ndarray
    pair_rrank: np.ndarray
    pair_g: np.ndarray
    hosp_r: np.ndarray


def _index(names: Sequence[Hashable], lists, what: str, owner: str) -> tuple[np.ndarray, np.ndarray]:
    """Flatten ``lists`` of names into indices (via ``names``) and each list's length."""
    lookup = {n: i for i, n in enumerate(names)}
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    try:
        flat = np.fromiter(map(lookup.__getitem__, chain.from_iterable(lists)), dtype=np.int64,
                           count=int(lengths.sum()))
    except KeyError as e:
        raise KeyError(f"{owner} preferences name {e.args[0]!r}, which is not a {what}") from None
    return flat, lengths


def _instance(resident_prefs: Mapping, hospital_prefs: Mapping, capacities: Mapping) -> _Instance:
    residents, hospitals = list(resident_prefs), list(hospital_prefs)
    nr, nh = len(residents), len(hospitals)
    try:
        capacity = np.array([int(capacities[h]) for h in hospitals], dtype=np.int64)
    except KeyError as e:
        raise KeyError(f"no capacity for hospital {e.args[0]!r}") from None
    if (capacity < 0).any():
        raise ValueError(f"negative capacity for hospital {hospitals[int(np.argmax(capacity < 0))]!r}")

    # residents' lists: (r, h) in preference order, with each list's positions
    rh, rlen = _index(hospitals, list(resident_prefs.values()), "hospital", "resident")
    rr = np.repeat(np.arange(nr, dtype=np.int64), rlen)
    rpos = np.arange(len(rh), dtype=np.int64) - np.repeat(np.cumsum(rlen) - rlen, rlen)
    # hospitals' lists: global position g of each entry; hosp_r[g] is the resident there
    hosp_r, hlen = _index(residents, list(hospital_prefs.values()), "resident", "hospital")
    hh = np.repeat(np.arange(nh, dtype=np.int64), hlen)

    # the sparse rank matrix: sorted keys r * nh + h -> g, a repeated entry at its first place
    hkey = hosp_r * nh + hh
    order = np.argsort(hkey, kind="stable")
    sorted_keys = hkey[order]
    first = np.ones(len(order), dtype=bool)
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=first[1:])
    order, sorted_keys = order[first], sorted_keys[first]

    # residents' entries the hospital ranks too, with a place to offer, at their first place
    rkey = rr * nh + rh
    at = np.searchsorted(sorted_keys, rkey)
    ok = at < len(sorted_keys)
    ok[ok] = sorted_keys[at[ok]] == rkey[ok]
    ok &= capacity[rh] > 0
    pos = np.flatnonzero(ok)
    at = at[pos]
    seen = np.full(len(sorted_keys), len(rkey), dtype=np.int64)
    np.minimum.at(seen, at, pos)
    once = seen[at] == pos
    keep = pos[once]
    pair_r, pair_h, pair_rrank, pair_g = rr[keep], rh[keep], rpos[keep], order[at[once]]
    res_start = np.zeros(nr + 1, dtype=np.int64)
    np.cumsum(np.bincount(pair_r, minlength=nr), out=res_start[1:])
    return _Instance(residents, hospitals, capacity, res_start, pair_r, pair_h, pair_rrank, pair_g, hosp_r)


def _deferred_acceptance(inst: _Instance) -> list[list[int]]:
    """Resident-proposing deferred acceptance; per hospital, the ranks ``g`` it holds."""
    nr, nh = len(inst.residents), len(inst.hospitals)
    start = inst.res_start.tolist()
    nxt = start[:-1]  # next pair each resident proposes on
    ph = inst.pair_h.tolist()
    pg = inst.pair_g.tolist()
    hosp_r = inst.hosp_r.tolist()
    cap = inst.capacity.tolist()
    held: list[list[int]] = [[] for _ in range(nh)]  # max-heaps of g, stored negated
    free = list(range(nr - 1, -1, -1))  # pop() takes residents in their given order
    while free:
        r = free.pop()
        p, end = nxt[r], start[r + 1]
        while p < end:
            h, g = ph[p], pg[p]
            p += 1
            heap = held[h]
            if len(heap) < cap[h]:
                heappush(heap, -g)
                break
            if -heap[0] > g:  # the hospital's worst current resident ranks below r
                free.append(hosp_r[-heapreplace(heap, -g)])
                break
        nxt[r] = p
    return [sorted(-x for x in heap) for heap in held]


def hospital_resident(resident_prefs: Mapping[Hashable, Sequence[Hashable]],
                      hospital_prefs: Mapping[Hashable, Sequence[Hashable]],
                      capacities: Mapping[Hashable, int]) -> dict[Hashable, list]:
    """The resident-optimal stable matching of residents to hospitals.

    Parameters
    ----------
    resident_prefs : mapping
        Resident → hospitals they accept, best first.
    hospital_prefs : mapping
        Hospital → residents it accepts, best first. A pair counts only if each
        side lists the other.
    capacities : mapping
        Hospital → the most residents it takes (0 or more).

    Returns
    -------
    dict
        Every hospital of ``hospital_prefs`` (in that order) → its residents in
        the hospital's order of preference; the same result as the ``matching``
        package's ``HospitalResident.create_from_dictionaries(...).solve(optimal="resident")``
        (with ``clean=True`` when lists have one-sided entries).

    Raises
    ------
    KeyError
        A list names someone who is not a key of the other dictionary, or a
        hospital has no capacity.
    ValueError
        A capacity is negative.

    Examples
    --------
    Each resident gets their first choice here, though every hospital would
    rather have another resident:

    >>> hospital_resident({"r1": ["h1", "h2"], "r2": ["h2", "h1"], "r3": ["h1"]},
    ...                   {"h1": ["r2", "r3", "r1"], "h2": ["r1", "r2"]}, {"h1": 2, "h2": 1})
    {'h1': ['r3', 'r1'], 'h2': ['r2']}
    """
    inst = _instance(resident_prefs, hospital_prefs, capacities)
    held = _deferred_acceptance(inst)
    names = inst.residents
    hosp_r = inst.hosp_r
    return {h: [names[hosp_r[g]] for g in gs] for h, gs in zip(inst.hospitals, held)}


def _resident_match(matching: Mapping, inst: _Instance) -> tuple[np.ndarray, list[str]]:
    """Each resident's hospital index (-1: unmatched) and the problems that make it no matching."""
    problems = []
    hidx = {h: i for i, h in enumerate(inst.hospitals)}
    ridx = {r: i for i, r in enumerate(inst.residents)}
    match = np.full(len(inst.residents), -1, dtype=np.int64)
    for h, rs in matching.items():
        if h not in hidx:
            problems.append(f"{h} is not a hospital")
            continue
        i = hidx[h]
        if len(rs) > inst.capacity[i]:
            problems.append(f"{h} has {len(rs)} residents, over its capacity of {inst.capacity[i]}")
        for r in rs:
            if r not in ridx:
                problems.append(f"{r} is not a resident")
            elif match[ridx[r]] >= 0:
                problems.append(f"{r} is matched to {inst.hospitals[match[ridx[r]]]} and {h}")
            else:
                match[ridx[r]] = i
    return match, problems


def blocking_pairs(matching: Mapping[Hashable, Sequence[Hashable]],
                   resident_prefs: Mapping[Hashable, Sequence[Hashable]],
                   hospital_prefs: Mapping[Hashable, Sequence[Hashable]],
                   capacities: Mapping[Hashable, int]) -> list[tuple]:
    """The (resident, hospital) pairs that block ``matching``.

    A pair blocks when both list each other, the resident is unmatched or
    prefers the hospital to their own, and the hospital has a free place or
    prefers the resident to one of its residents.

    Parameters
    ----------
    matching : mapping
        Hospital → its residents (hospitals left out have none).
    resident_prefs, hospital_prefs, capacities : mapping
        The instance, as for :func:`hospital_resident`.

    Returns
    -------
    list of (resident, hospital)
        By resident (in ``resident_prefs`` order), then the resident's preference.

    Raises
    ------
    ValueError
        ``matching`` is not a matching of the instance: an unknown name, a
        resident placed twice, a hospital over capacity, or a pair that does
        not rank each other.

    Examples
    --------
    >>> rp = {"a": ["x", "y"], "b": ["x"]}
    >>> hp = {"x": ["a", "b"], "y": ["a"]}
    >>> blocking_pairs({"x": ["b"], "y": ["a"]}, rp, hp, {"x": 1, "y": 1})
    [('a', 'x')]
    """
    inst = _instance(resident_prefs, hospital_prefs, capacities)
    problems, pairs = _blocking(matching, inst)
    if problems:
        raise ValueError("not a matching of this instance: " + "; ".join(problems))
    return pairs


def _blocking(matching: Mapping, inst: _Instance) -> tuple[list[str], list[tuple]]:
    """The problems that make ``matching`` no matching of ``inst`` (if any), else its blocking pairs."""
    match, problems = _resident_match(matching, inst)
    r, h, rrank, g = inst.pair_r, inst.pair_h, inst.pair_rrank, inst.pair_g
    own = match[r] == h  # the pair each matched resident is in
    matched = np.flatnonzero(match >= 0)
    accepted = np.zeros(len(inst.residents), dtype=bool)
    accepted[r[own]] = True
    for i in matched[~accepted[matched]]:
        problems.append(f"{inst.residents[i]} is matched to {inst.hospitals[match[i]]} "
                        f"but they do not rank each other")
    if problems:
        return problems, []
    nh = len(inst.hospitals)
    own_rank = np.full(len(inst.residents), np.iinfo(np.int64).max)
    own_rank[r[own]] = rrank[own]
    worst = np.full(nh, -1, dtype=np.int64)  # hospital's worst resident (largest g)
    np.maximum.at(worst, h[own], g[own])
    count = np.bincount(match[matched], minlength=nh)
    resident_wants = rrank < own_rank[r]
    hospital_wants = (count[h] < inst.capacity[h]) | (g < worst[h])
    block = np.flatnonzero(resident_wants & hospital_wants)
    names_r, names_h = inst.residents, inst.hospitals
    return [], [(names_r[i], names_h[j]) for i, j in zip(r[block].tolist(), h[block].tolist())]


def is_stable(matching: Mapping[Hashable, Sequence[Hashable]],
              resident_prefs: Mapping[Hashable, Sequence[Hashable]],
              hospital_prefs: Mapping[Hashable, Sequence[Hashable]],
              capacities: Mapping[Hashable, int]) -> bool:
    """Whether ``matching`` is a matching of the instance with no blocking pair.

    Returns ``False`` (rather than raising) when ``matching`` is not a matching
    of the instance (see :func:`blocking_pairs`).

    Examples
    --------
    >>> rp, hp, cap = {"a": ["x"], "b": ["x"]}, {"x": ["b", "a"]}, {"x": 1}
    >>> is_stable({"x": ["b"]}, rp, hp, cap), is_stable({"x": ["a"]}, rp, hp, cap)
    (True, False)
    >>> is_stable({"x": ["a", "b"]}, rp, hp, cap)
    False
    """
    problems, pairs = _blocking(matching, _instance(resident_prefs, hospital_prefs, capacities))
    return not problems and not pairs
