"""The model as integer arrays built from the tables (PyPSA/linopy's create-model step)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from ..core.utils import days_of
from .candidates import factorize_codes
from .plan import FAIR_MAX, PERSON_MAX, PERSON_STEP, WISH_RANKS
from .sender_rules import define_sender_rules
from .team_rules import define_team_rules


@dataclass
class Model:
    """Integer arrays of one allocation problem (no solver objects).

    Pairs ``k`` join person ``pair_person[k]`` to seat ``pair_seat[k]``; seats
    have ``cap`` places left after existing assignments and pins.
    """

    pair_person: np.ndarray
    pair_seat: np.ndarray
    pair_w: np.ndarray          # 2**(priority-1)
    pair_tie: np.ndarray        # preferred / exact skill / wish / person's preferences reward
    pair_start: np.ndarray      # day numbers
    pair_end: np.ndarray
    person_city: np.ndarray     # city code per person
    cap: np.ndarray             # places left per seat
    fair_levels: np.ndarray     # (city, level) → count of marginal units at that cost
    # team rules
    lead_pairs: list = field(default_factory=list)      # per lead_required team: pair indices of new leads
    member_seats: list = field(default_factory=list)    # per lead_required team: member seats needing a lead
    same_groups: list = field(default_factory=list)     # per same_source team: (seat, city, pair indices) groups
    fixed_off: np.ndarray | None = None                 # pairs forced to 0 (city excluded by same_source)
    # min_size: per row the seats open on days a sized team has nobody on post; none or >= size_min[r] placed
    size_seats: list = field(default_factory=list)
    size_min: list = field(default_factory=list)
    size_team: list = field(default_factory=list)       # per row: its team id
    size_live: list = field(default_factory=list)       # per row: its seats not kept empty by another row
    # senders' rules (sender_rules): quotas and staff caps as rows sum(x[limit_pairs[r]]) <= limit_rhs[r]
    limit_pairs: list = field(default_factory=list)
    limit_rhs: np.ndarray | None = None
    limit_rule: np.ndarray | None = None                # per row: its rule, a row of limit_rules
    limit_rules: pd.DataFrame | None = None             # kind, sender, sector, batch, limit, staff, max_share
    # burden (the second objective): per unit x sector x day, placed pairs + held people on post
    burden_pairs: list = field(default_factory=list)
    burden_held: np.ndarray | None = None
    burden_unit: np.ndarray | None = None               # per row: its unit x sector (index into burden_staff)
    burden_staff: np.ndarray | None = None
    burden_cap: np.ndarray | None = None                # per unit x sector: floor(max_share x staff), -1: none

    @property
    def n_pairs(self) -> int:
        return len(self.pair_person)

    @cached_property
    def by_seat(self) -> dict:
        """Seat → its pair indices (grouped once from the sorted seat array)."""
        order = np.argsort(self.pair_seat, kind="stable")
        seats, starts = np.unique(self.pair_seat[order], return_index=True)
        return dict(zip(seats.tolist(), np.split(order, starts[1:])))

    @property
    def has_sender_rules(self) -> bool:
        """A quota or staff cap binds, or the burden among optimal plans is to be weighed."""
        return bool(self.limit_pairs or self.burden_pairs)

    @property
    def has_team_rules(self) -> bool:
        return bool(self.member_seats or self.same_groups or self.size_seats
                    or (self.fixed_off is not None and self.fixed_off.any()))

    def seat_pairs(self, s: int) -> np.ndarray:
        """Pair indices of seat ``s``."""
        return self.by_seat.get(int(s), np.zeros(0, np.int64))


def _tie_reward(pairs: pd.DataFrame) -> np.ndarray:
    """Each pair's tie-breaker reward: the tiers of :mod:`planning.allocation.plan` (preferred pairing, exact
    skill, wish, the person's preferences), each outweighing the later ones and the fair share together.

    The person's tier takes room only up to the most preferences any pair meets: with none, the weights
    are those without the tier (the order of every plan is the same; the min-cost flow's costs stay small).
    """
    r = pairs["wish_rank"].to_numpy()
    prefs = (np.minimum(pairs["person_pref"].to_numpy().astype(np.int64), PERSON_MAX) if "person_pref" in pairs
             else np.zeros(len(pairs), np.int64))
    room = PERSON_STEP * int(prefs.max(initial=0))  # the person's tier at its widest in these pairs
    wish_step = room + FAIR_MAX + 1                 # WISH_STEP when some pair meets both preferences
    exact = wish_step * WISH_RANKS + room + FAIR_MAX + 1
    preferred = exact + wish_step * WISH_RANKS + room + FAIR_MAX + 1
    wish = np.where((r >= 0) & (r < WISH_RANKS), wish_step * (WISH_RANKS - r), 0)
    return (preferred * pairs["preferred"].to_numpy().astype(np.int64)
            + exact * pairs["exact_skill"].to_numpy().astype(np.int64) + wish + PERSON_STEP * prefs).astype(np.int64)


def _fair_levels(person_city: np.ndarray, n_city: int) -> np.ndarray:
    """Counts of the k-th person of a city at marginal cost ``FAIR_MAX * k // n_city`` (convex in k)."""
    n_c = np.bincount(person_city, minlength=n_city)
    if len(person_city) == 0:
        return np.zeros((n_city, FAIR_MAX + 1), dtype=np.int64)
    order = np.argsort(person_city, kind="stable")
    starts = np.r_[0, np.cumsum(n_c)[:-1]]
    k = np.empty(len(person_city), dtype=np.int64)
    k[order] = np.arange(len(person_city)) - np.repeat(starts, n_c) + 1
    level = FAIR_MAX * k // n_c[person_city]
    return np.bincount(person_city * (FAIR_MAX + 1) + level,
                       minlength=n_city * (FAIR_MAX + 1)).reshape(n_city, FAIR_MAX + 1)


def build_model(wb, seats: pd.DataFrame, pairs: pd.DataFrame, pinned: pd.DataFrame) -> tuple[Model, dict]:
    """The arrays of the model; also returns codes (person/city names) for writing back."""
    person_codes, person_names = factorize_codes(pairs, "person", "person_code")
    first = np.unique(person_codes, return_index=True)[1]
    city_codes, city_names = pd.factorize(pairs["source_city"].to_numpy()[first]) if len(first) else (
        np.zeros(0, np.int64), pd.Index([]))
    seat_idx = pairs["seat"].to_numpy().astype(np.int64)
    cap = seats["remaining"].to_numpy().astype(np.int64).copy()
    np.subtract.at(cap, pinned["seat"].to_numpy(), 1)
    cap = np.maximum(cap, 0)
    m = Model(pair_person=person_codes.astype(np.int64), pair_seat=seat_idx,
              pair_w=(2 ** (seats["priority"].to_numpy().astype(np.int64) - 1))[seat_idx],
              pair_tie=_tie_reward(pairs), pair_start=days_of(pairs["start"]), pair_end=days_of(pairs["end"]),
              person_city=np.asarray(city_codes, dtype=np.int64), cap=cap,
              fair_levels=_fair_levels(np.asarray(city_codes, dtype=np.int64), len(city_names)))
    define_team_rules(wb, seats, pairs, pinned, m)
    define_sender_rules(wb, seats, pairs, pinned, m)
    return m, {"person": np.asarray(person_names, dtype=object), "city": np.asarray(city_names, dtype=object)}


def flow_applies(m: Model, senders: bool = True) -> bool:
    """True when a person capacity of 1 is exact and no team rule, quota or staff cap binds (the min-cost flow path).

    ``senders=False``: whatever the senders' rows (quotas, staff caps, burden); they may still make a flow
    (:mod:`planning.allocation.solvers.sender_flow`).
    """
    if m.has_team_rules or (senders and m.has_sender_rules):
        return False
    if m.n_pairs == 0:
        return True
    n = int(m.pair_person.max()) + 1
    max_start = np.full(n, np.iinfo(np.int64).min)
    min_end = np.full(n, np.iinfo(np.int64).max)
    np.maximum.at(max_start, m.pair_person, m.pair_start)
    np.minimum.at(min_end, m.pair_person, m.pair_end)
    return bool((max_start <= min_end).all())


@dataclass
class Solution:
    chosen: np.ndarray      # pair indices placed
    value: int
    bound: int | None
    status: str
    tiebreak_status: str
    tiebreak_value: int
    method: str
    note: str = ""
    proof_seconds: float | None = None
    tiebreak_bound: int | None = None  # the tie-breakers' proven ceiling when they stopped short of optimal
