"""Hospital–resident stable matching, checked by hand and against the ``matching`` package.

``matching`` (a test-only dependency) is the reference: our result must equal its
resident-optimal solution as ``{hospital: [residents]}`` **including list order**
(each hospital's residents in its order of preference). Its result leaves out the
hospitals it drops (empty list, capacity 0, with ``clean=True``); those compare as
empty lists. Instances stay small: ``matching`` deep-copies its players recursively.
"""
import itertools
import warnings

import pytest
from hypothesis import given, settings, strategies as st

from planning import hospital_resident
from planning.programme.stable import blocking_pairs, is_stable

HospitalResident = pytest.importorskip("matching.games").HospitalResident


def reference(resident_prefs, hospital_prefs, capacities, clean=False):
    """``matching``'s resident-optimal solution, every hospital a key.

    ``matching`` fails on hospitals of capacity 0 (even with ``clean=True`` it drops
    them only after dropping residents with empty lists, then a resident left with
    none fails); they take no one, so they are taken out of the instance first.
    """
    hospitals = list(hospital_prefs)
    closed = {h for h, c in capacities.items() if c == 0}
    if closed:
        resident_prefs = {r: [h for h in hs if h not in closed] for r, hs in resident_prefs.items()}
        hospital_prefs = {h: rs for h, rs in hospital_prefs.items() if h not in closed}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities, clean=clean)
        got = {h.name: [r.name for r in rs] for h, rs in game.solve(optimal="resident").items()}
    return {h: got.get(h, []) for h in hospitals}


def brute_force_blocking(matching, resident_prefs, hospital_prefs, capacities):
    """The definition, pair by pair."""
    own = {r: h for h, rs in matching.items() for r in rs}
    out = []
    for r, hs in resident_prefs.items():
        for h in hs:
            if r not in hospital_prefs[h] or own.get(r) == h or capacities[h] == 0:
                continue
            if r in own and hs.index(own[r]) < hs.index(h):
                continue
            held = matching.get(h, [])
            if len(held) < capacities[h] or any(hospital_prefs[h].index(r) < hospital_prefs[h].index(x)
                                                for x in held):
                out.append((r, h))
    return out


# --- hand-made instances -------------------------------------------------------------

def test_resident_optimal_not_hospital_optimal():
    # the cyclic marriage instance: residents' and hospitals' first choices disagree
    rp = {"r1": ["h1", "h2", "h3"], "r2": ["h2", "h3", "h1"], "r3": ["h3", "h1", "h2"]}
    hp = {"h1": ["r2", "r3", "r1"], "h2": ["r3", "r1", "r2"], "h3": ["r1", "r2", "r3"]}
    cap = {"h1": 1, "h2": 1, "h3": 1}
    assert hospital_resident(rp, hp, cap) == {"h1": ["r1"], "h2": ["r2"], "h3": ["r3"]}
    # the hospital-optimal matching is stable too
    assert is_stable({"h1": ["r2"], "h2": ["r3"], "h3": ["r1"]}, rp, hp, cap)


def test_textbook_with_capacities():
    # the example in the matching package's documentation, worked by hand:
    # A→C, S→C, D→C bumps S, S→M, J→C refused, J→G, L→M
    rp = {"A": ["C"], "S": ["C", "M"], "D": ["C", "M", "G"], "J": ["C", "G", "M"], "L": ["M", "C", "G"]}
    hp = {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"], "G": ["D", "J", "L"]}
    cap = {"M": 2, "C": 2, "G": 2}
    want = {"M": ["L", "S"], "C": ["D", "A"], "G": ["J"]}
    assert hospital_resident(rp, hp, cap) == want == reference(rp, hp, cap)


def test_chain_of_rejections_and_unmatched():
    # x (capacity 1) prefers c > b > a; each newcomer bumps the last; a ends at y, b is left out
    rp = {"a": ["x", "y"], "b": ["x", "y"], "c": ["x"]}
    hp = {"x": ["c", "b", "a"], "y": ["a", "b"]}
    cap = {"x": 1, "y": 1}
    assert hospital_resident(rp, hp, cap) == {"x": ["c"], "y": ["a"]}
    assert blocking_pairs({"x": ["c"], "y": ["a"]}, rp, hp, cap) == []


def test_one_sided_entries_empty_lists_and_zero_capacity():
    rp = {"a": ["x", "y", "z"], "b": ["y"], "c": [], "d": ["x", "z"]}
    hp = {"x": ["d"], "y": ["b", "a", "c"], "z": ["a", "d"], "w": []}
    cap = {"x": 0, "y": 1, "z": 2, "w": 3}
    # a: x does not rank a; y takes b; z. d: x has no place; z. c ranks nothing.
    want = {"x": [], "y": ["b"], "z": ["a", "d"], "w": []}
    assert hospital_resident(rp, hp, cap) == want == reference(rp, hp, cap, clean=True)


def test_repeated_names_count_at_first_place():
    rp = {"a": ["x", "y", "x"], "b": ["x"]}
    hp = {"x": ["b", "a", "b"], "y": ["a"]}
    cap = {"x": 1, "y": 1}
    assert hospital_resident(rp, hp, cap) == {"x": ["b"], "y": ["a"]} == reference(rp, hp, cap, clean=True)


def test_bad_input():
    with pytest.raises(KeyError, match="'z'"):
        hospital_resident({"a": ["z"]}, {"x": ["a"]}, {"x": 1})
    with pytest.raises(KeyError, match="'q'"):
        hospital_resident({"a": ["x"]}, {"x": ["q"]}, {"x": 1})
    with pytest.raises(KeyError, match="capacity"):
        hospital_resident({"a": ["x"]}, {"x": ["a"]}, {})
    with pytest.raises(ValueError, match="negative"):
        hospital_resident({"a": ["x"]}, {"x": ["a"]}, {"x": -1})
    assert hospital_resident({}, {}, {}) == {}


def test_blocking_pairs_in_a_broken_matching():
    rp = {"A": ["C"], "S": ["C", "M"], "D": ["C", "M", "G"], "J": ["C", "G", "M"], "L": ["M", "C", "G"]}
    hp = {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"], "G": ["D", "J", "L"]}
    cap = {"M": 2, "C": 2, "G": 2}
    good = hospital_resident(rp, hp, cap)
    assert blocking_pairs(good, rp, hp, cap) == [] and is_stable(good, rp, hp, cap)
    # swap D (C's favourite) out to G and let J in at C
    broken = {"M": ["L", "S"], "C": ["A", "J"], "G": ["D"]}
    got = blocking_pairs(broken, rp, hp, cap)
    assert ("D", "C") in got
    assert got == brute_force_blocking(broken, rp, hp, cap) == [("S", "C"), ("D", "C"), ("D", "M")]
    assert not is_stable(broken, rp, hp, cap)
    # an empty place blocks too: L moved out leaves M a free place that L wants
    assert ("L", "M") in blocking_pairs({"M": ["S"], "C": ["D", "A"], "G": ["J", "L"]}, rp, hp, cap)


def test_not_a_matching():
    rp, hp, cap = {"a": ["x"], "b": ["x"]}, {"x": ["a", "b"], "y": ["b"]}, {"x": 1, "y": 1}
    for bad, msg in [({"x": ["a", "b"]}, "capacity"), ({"x": ["a"], "y": ["a"]}, "matched to x and y"),
                     ({"y": ["a"]}, "do not rank each other"), ({"q": []}, "not a hospital"),
                     ({"x": ["z"]}, "not a resident")]:
        with pytest.raises(ValueError, match=msg):
            blocking_pairs(bad, rp, hp, cap)
        assert not is_stable(bad, rp, hp, cap)


# --- random instances against matching ------------------------------------------------

@st.composite
def instances(draw, one_sided=False):
    nr = draw(st.integers(0, 12))
    nh = draw(st.integers(1, 5))
    residents = [f"r{i}" for i in range(nr)]
    hospitals = [f"h{j}" for j in range(nh)]
    # incomplete lists; without one-sided entries every resident ranks at least one hospital
    lo = 0 if one_sided else 1
    rp = {}
    for r in residents:
        k = draw(st.integers(lo, nh))
        rp[r] = list(draw(st.permutations(hospitals))[:k])
    ranked = {h: [r for r in residents if h in rp[r]] for h in hospitals}
    hp = {h: draw(st.permutations(ranked[h])) for h in hospitals}
    if one_sided:
        # drop some of the hospitals' entries and add some residents who did not rank them
        for h in hospitals:
            keep = draw(st.lists(st.booleans(), min_size=len(hp[h]), max_size=len(hp[h])))
            extra = draw(st.lists(st.sampled_from(residents), unique=True, max_size=3)) if residents else []
            mixed = [r for r, k in zip(hp[h], keep) if k] + [r for r in extra if r not in hp[h]]
            hp[h] = draw(st.permutations(mixed))
    cap = {h: draw(st.integers(0 if one_sided else 1, 3)) for h in hospitals}
    return rp, {h: list(v) for h, v in hp.items()}, cap


@given(instances())
@settings(max_examples=400, deadline=None)
def test_same_as_matching(inst):
    rp, hp, cap = inst
    got = hospital_resident(rp, hp, cap)
    assert list(got) == list(hp)
    assert got == reference(rp, hp, cap)  # dict equality: same residents in the same order
    assert blocking_pairs(got, rp, hp, cap) == [] and is_stable(got, rp, hp, cap)


@given(instances(one_sided=True))
@settings(max_examples=400, deadline=None)
def test_same_as_matching_one_sided(inst):
    rp, hp, cap = inst
    got = hospital_resident(rp, hp, cap)
    assert got == reference(rp, hp, cap, clean=True)
    assert blocking_pairs(got, rp, hp, cap) == []


@given(instances(one_sided=True), st.randoms(use_true_random=False))
@settings(max_examples=300, deadline=None)
def test_blocking_pairs_match_the_definition(inst, rnd):
    rp, hp, cap = inst
    # a random matching of acceptable pairs within capacities
    pairs = [(r, h) for r, hs in rp.items() for h in hs if r in hp[h] and cap[h] > 0]
    rnd.shuffle(pairs)
    matching, placed = {h: [] for h in hp}, set()
    for r, h in pairs:
        if r not in placed and len(matching[h]) < cap[h] and rnd.random() < 0.6:
            matching[h].append(r)
            placed.add(r)
    assert blocking_pairs(matching, rp, hp, cap) == brute_force_blocking(matching, rp, hp, cap)
    assert is_stable(matching, rp, hp, cap) == (not brute_force_blocking(matching, rp, hp, cap))


def test_resident_optimal_among_all_stable_matchings():
    # exhaustive on a small instance: no stable matching gives any resident a better hospital
    rp = {"a": ["x", "y", "z"], "b": ["y", "x", "z"], "c": ["x", "z", "y"], "d": ["z", "x", "y"]}
    hp = {"x": ["d", "b", "c", "a"], "y": ["a", "c", "b", "d"], "z": ["b", "a", "d", "c"]}
    cap = {"x": 1, "y": 2, "z": 1}
    ours = hospital_resident(rp, hp, cap)
    own = {r: h for h, rs in ours.items() for r in rs}
    stable = []
    for choice in itertools.product([None, "x", "y", "z"], repeat=len(rp)):
        m = {h: [r for r, c in zip(rp, choice) if c == h] for h in hp}
        m = {h: sorted(rs, key=hp[h].index) for h, rs in m.items()}
        if all(len(m[h]) <= cap[h] for h in hp) and is_stable(m, rp, hp, cap):
            stable.append(dict(zip(rp, choice)))
    assert len(stable) >= 2  # there is a choice to make
    for other in stable:
        for r, h in other.items():
            if own.get(r) is not None:
                assert h is not None and rp[r].index(own[r]) <= rp[r].index(h)
