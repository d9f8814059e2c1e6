"""Allocation: who goes where, as an exact optimisation over the sparse table of allowed pairs.

The pipeline follows PyPSA/linopy's check → build → solve → write back:

1. :func:`planned_seats` cuts orders into seats (:func:`planning.seats.order_slots`),
   keeps those ending on or after :func:`planning.summary.today` that overlap the
   window, and subtracts existing active/planned assignments (they stay).
2. :func:`candidate_pairs` takes :func:`planning.eligibility.eligible_pairs` and
   drops people busy with an existing assignment (any status, by its dates) and
   forbidden pairs; pins are checked and placed first (:func:`resolve_pins`).
3. :func:`build_model` turns the tables into integer arrays (a :class:`Model`).
4. When no team rule applies and each person's candidate seats all overlap in
   time, :func:`solve_flow` solves maximum flows and a min-cost flow with
   OR-Tools over groups of interchangeable people (:func:`interchangeable`);
   otherwise :func:`solve_cpsat` solves a 0/1 model with CP-SAT, starting from
   a feasible plan (:func:`starting_plan`) that it returns if time runs out first.
5. :func:`write_back` returns tables: new assignments with the tie-breaker that
   decided, unfilled seats with a reason, the objective, and the workbook.

Objective (design §4). The first objective is exact: maximise the sum over
**new** filled seats of ``2**(priority-1)`` (existing assignments are kept and
not counted). Ties are then broken by, in order of weight, a preferred
pairing, an exact skill match, the person's wish rank and a fair share across
sending cities (a convex cost rising with the share of a city's candidates
already sent). Each tie-breaker outweighs all later ones together for one
person. Both paths solve the first objective, fix it, then optimise the
tie-breakers: the flow path with maximum flows (how many seats of each weight
an optimal plan fills) and then one min-cost flow; the CP-SAT path with two
solves.

Team rules (``lead_required``, ``same_source``) are modelled per team:
``lead_required`` lets a member seat be filled only if an existing or pinned lead
of the team overlaps that seat, or the plan places a new lead in the team;
``same_source`` makes the new members of a team come from one source city, the
city of the team's existing active/planned members when it has any.

Examples
--------
>>> import planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> plan = planning.allocate(wb)
>>> plan.objective.status
'optimal'
>>> plan.objective.value == plan.objective.bound
True
>>> list(plan.assignments.columns[:5])
['person', 'order', 'start', 'end', 'status']
>>> check_plan(wb, plan).empty
True
"""
from __future__ import annotations

import math
import os
import time
import warnings
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .eligibility import eligible_pairs, eligible_rows, exclusive_senders
from .core.hierarchy import person_ancestors, source_city
from .i18n import default_lang, fmt_date, sector_label, t
from .seats import order_slots
from .core.utils import ranges
from .core.clock import today
from .core.live import LIVE

# tie-breaker weights: each outweighs all the later ones together (per person)
FAIR_MAX = 15                       # fair share: marginal cost 0..15
WISH_STEP = FAIR_MAX + 1            # wish rank r (0 = first) earns WISH_STEP * (WISH_RANKS - r)
WISH_RANKS = 8
EXACT = WISH_STEP * WISH_RANKS + FAIR_MAX + 1          # 144
PREFERRED = EXACT + WISH_STEP * WISH_RANKS + FAIR_MAX + 1  # 288

TIEBREAK_MIN_SECONDS = 10.0  # CP-SAT tie-breaker phase without a time limit: max(this, phase-1 time)
REASONS = ("no_one_in_sector", "no_one_free", "pairing", "team_rule", "lost_to_higher_priority", "time_limit")
WHY = ("pinned", "preferred", "exact_skill", "wish", "fair_share", "priority")
CONTRACT = ["person", "order", "start", "end", "status"]


class PlanError(ValueError):
    """A request the planner cannot honour (a pin that breaks a rule, bad arguments)."""


@dataclass
class Objective:
    """What the solver reached.

    ``value`` is the sum over new filled seats of ``2**(priority-1)`` (existing
    assignments not included); ``bound`` the solver's proven upper bound on it;
    ``gap`` the relative gap ``(bound - value) / bound``; ``status`` is
    ``optimal``, ``time_limit`` (stopped early: ``gap`` says how far it may be)
    or ``stable`` (method ``stable``: no optimality claim). ``tiebreak_status``
    says whether the tie-breakers were also solved to optimality;
    ``proof_seconds`` how long the solver took to reach (and prove) the first
    objective's status.
    """

    value: int
    bound: int | None
    status: str
    gap: float | None
    method: str
    seconds: float
    tiebreak_status: str = "optimal"
    tiebreak_value: int = 0
    proof_seconds: float | None = None
    note: str = ""
    blocking_pairs: int | None = None

    def __getitem__(self, key):
        return getattr(self, key)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Plan:
    """The result of :func:`allocate`.

    Attributes
    ----------
    assignments : DataFrame
        New planned assignments: ``person, order, start, end, status`` then
        ``slot, role, team, host_unit, sector, priority, source_city, reason``
        (``reason`` is a code of :data:`WHY`; :meth:`with_text` renders it).
    unfilled : DataFrame
        One row per seat left empty: ``order, slot, start, end, seats,
        host_unit, sector, priority, reason`` (a code of :data:`REASONS`).
    objective : Objective
    workbook : Workbook
        A copy of the input with the new assignments appended.
    blocking_pairs : DataFrame or None
        With ``method="stable"``: the (person, order, slot) pairs that block.
    """

    assignments: pd.DataFrame
    unfilled: pd.DataFrame
    objective: Objective
    workbook: object
    blocking_pairs: pd.DataFrame | None = None
    lang: str | None = None
    _ctx: dict = field(default_factory=dict, repr=False)

    def with_text(self, lang: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Assignments and unfilled seats with a ``reason_text`` column in ``lang``."""
        lang = lang or self.lang or default_lang()
        a = self.assignments.assign(reason_text=[why_text(c, lang) for c in self.assignments["reason"]])
        u = self.unfilled.assign(reason_text=unfilled_reasons(self.unfilled, self.workbook, lang))
        return a, u

    def explain(self, person_or_order: str, lang: str | None = None) -> str:
        """Why this person went where they went, or why this order's seats are (not) filled."""
        return explain(self, person_or_order, lang or self.lang)

    def __repr__(self) -> str:
        o = self.objective
        return (f"Plan({len(self.assignments)} new assignments, {int(self.unfilled['seats'].sum())} seats unfilled, "
                f"{o.status}, value={o.value}, bound={o.bound})")


def why_text(code: str, lang: str | None = None) -> str:
    """The tie-breaker that chose a person, in words."""
    return t("alloc.why." + code, lang)


def unfilled_reasons(unfilled: pd.DataFrame, wb, lang: str | None = None) -> list[str]:
    """Why each unfilled seat is empty, in words; a pairing's deciding senders by name."""
    nm = pd.concat([wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"]])
    nm = nm[~nm.index.duplicated()]
    senders = unfilled["senders"] if "senders" in unfilled else pd.Series(np.nan, index=unfilled.index)
    return [reason_text(c, lang, "、".join(str(nm.get(x, x)) for x in s.split("、")) if isinstance(s, str) else "")
            for c, s in zip(unfilled["reason"], senders)]


def reason_text(code: str, lang: str | None = None, senders: str = "") -> str:
    """Why a seat is unfilled, in words (``senders``: names of the pairing's deciding senders)."""
    if code == "pairing" and senders:
        return t("alloc.reason.pairing_senders", lang, senders=senders)
    return t("alloc.reason." + code, lang)


# --------------------------------------------------------------------------- #
# check
# --------------------------------------------------------------------------- #
def _window(window, lang: str | None = None) -> tuple[pd.Timestamp, pd.Timestamp | None]:
    now = today()
    if window is None:
        return now, None
    try:
        w0, w1 = window
        w0 = pd.Timestamp(w0) if w0 is not None and str(w0) != "" else now
        w1 = pd.Timestamp(w1) if w1 is not None and str(w1) != "" else None
    except (TypeError, ValueError) as e:
        raise PlanError(t("alloc.bad_window", lang, window=window)) from e
    if w1 is not None and w1 < w0:
        raise PlanError(t("alloc.bad_window", lang, window=window))
    return w0, w1


def _pairs_frame(items, n: int, what: str, lang: str | None = None) -> pd.DataFrame:
    rows = []
    for it in items:
        it = tuple(it)
        if len(it) not in (2, n):
            raise PlanError(t("alloc.bad_" + what, lang, item=it))
        rows.append((str(it[0]), str(it[1]), int(it[2]) if len(it) == 3 and it[2] is not None else -1))
    return pd.DataFrame(rows, columns=["person", "order", "slot"]).astype({"slot": np.int64})


# --------------------------------------------------------------------------- #
# seats and candidates
# --------------------------------------------------------------------------- #
def _overlap_hits(left: pd.DataFrame, right: pd.DataFrame, on: str) -> pd.DataFrame:
    """Rows of ``left`` (by column ``row``) overlapping an interval of ``right`` with the same ``on``."""
    m = left[["row", on, "start", "end"]].merge(right[[on, "start", "end"]], on=on, suffixes=("", "_r"))
    return m[(m["start"] <= m["end_r"]) & (m["end"] >= m["start_r"])]


def slots_from_today(orders: pd.DataFrame) -> pd.DataFrame:
    """:func:`planning.seats.order_slots` with what is left of each slot: new people start today at the earliest."""
    s = order_slots(orders)
    s["start"] = s["start"].clip(lower=today())
    return s


def planned_seats(wb, window=None) -> pd.DataFrame:
    """The seats to plan: slots ending on or after today that overlap ``window``.

    A slot that has already begun is planned from today on (its ``start`` is
    today): a new person cannot start in the past, and someone who left
    before today no longer holds the seat. Columns are those of
    :func:`planning.seats.order_slots` plus ``existing``
    (active/planned assignments of the order overlapping the slot) and
    ``remaining`` (headcount − existing, at least 0).
    """
    w0, w1 = _window(window)
    s = slots_from_today(wb.orders)
    keep = (s["end"] >= today()) & (s["end"] >= w0)
    if w1 is not None:
        keep &= s["start"] <= w1
    s = s[keep].reset_index(drop=True)
    s["row"] = np.arange(len(s))
    live = wb.assignments[wb.assignments["status"].isin(LIVE)]
    hits = _overlap_hits(s, live, "order")
    s["existing"] = np.bincount(hits["row"].to_numpy(), minlength=len(s)).astype(np.int64)
    s["remaining"] = np.maximum(s["headcount"].to_numpy() - s["existing"].to_numpy(), 0)
    return s.drop(columns="row")


def _busy(wb, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Intervals each person is busy (every existing assignment, any status; plus ``extra``)."""
    b = wb.assignments[["person", "start", "end"]]
    if extra is not None and not extra.empty:
        b = pd.concat([b, extra[["person", "start", "end"]]], ignore_index=True)
    return b


def _overlaps(key: np.ndarray, start: np.ndarray, end: np.ndarray,
              other_key: np.ndarray, other_start: np.ndarray, other_end: np.ndarray) -> np.ndarray:
    """True for each interval that overlaps some ``other`` interval with the same integer key."""
    mask = np.zeros(len(key), dtype=bool)
    if len(key) == 0 or len(other_key) == 0:
        return mask
    order = np.argsort(other_key, kind="stable")
    ks = other_key[order]
    lo = np.searchsorted(ks, key, "left")
    cnt = np.searchsorted(ks, key, "right") - lo
    rows = np.flatnonzero(cnt)
    a = np.repeat(rows, cnt[rows])
    b = order[ranges(lo[rows], cnt[rows])]
    hit = (start[a] <= other_end[b]) & (end[a] >= other_start[b])
    mask[a[hit]] = True
    return mask


def _busy_mask(pairs: pd.DataFrame, busy: pd.DataFrame) -> np.ndarray:
    """True for pairs whose person is busy at some point of the seat."""
    if pairs.empty or busy.empty:
        return np.zeros(len(pairs), dtype=bool)
    codes, names = pd.factorize(pairs["person"])
    return _busy_over(codes, _days(pairs["start"]), _days(pairs["end"]), pd.Index(names), busy)


def _busy_over(person: np.ndarray, start: np.ndarray, end: np.ndarray, ids: pd.Index, busy: pd.DataFrame) -> np.ndarray:
    """True where person ``ids[person]`` is busy at some day of ``start..end`` (day numbers).

    Busy records without both dates never overlap (as in :func:`check_plan`).
    """
    b = ids.get_indexer(busy["person"])
    keep = (b >= 0) & busy["start"].notna().to_numpy() & busy["end"].notna().to_numpy()
    return _overlaps(person, start, end, b[keep], _days(busy["start"])[keep], _days(busy["end"])[keep])


def _wish_rank(wb, person: np.ndarray, ids: pd.Index, host: np.ndarray, hosts: pd.Index) -> np.ndarray:
    """0-based rank of each pair's host unit in the person's wishes (-1: not wished).

    Pairs are given as codes: ``person`` positions in ``ids`` (people's ids),
    ``host`` positions in ``hosts`` (host unit ids).
    """
    w = wb.people[["id", "wishes"]].dropna()
    out = np.full(len(person), -1, dtype=np.int64)
    if w.empty or len(person) == 0:
        return out
    lists = w["wishes"].astype(str).str.split(";")
    ex = pd.DataFrame({"person": w["id"].to_numpy().repeat(lists.str.len().to_numpy()),
                       "host_unit": np.concatenate(lists.to_numpy()) if len(lists) else []})
    ex["host_unit"] = ex["host_unit"].str.strip()
    ex["rank"] = ex.groupby("person").cumcount()
    ex = ex.drop_duplicates(["person", "host_unit"])
    e_person, e_host = ids.get_indexer(ex["person"]), hosts.get_indexer(ex["host_unit"])
    keep = (e_person >= 0) & (e_host >= 0)
    wished = e_person[keep] * len(hosts) + e_host[keep]
    order = np.argsort(wished, kind="stable")
    wished, rank = wished[order], ex["rank"].to_numpy()[keep][order]
    if len(wished) == 0:
        return out
    key = np.where(host >= 0, person.astype(np.int64) * len(hosts) + host, -1)  # a seat without a host: no wish
    at = np.minimum(np.searchsorted(wished, key), len(wished) - 1)
    return np.where((wished[at] == key) & (host >= 0), rank[at], -1).astype(np.int64)


def candidate_pairs(wb, seats: pd.DataFrame, busy: pd.DataFrame, forbids: pd.DataFrame,
                    people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Allowed (person, seat) pairs with tie-breaker features.

    Columns: ``person, order, slot, exact_skill, preferred, seat, start, end,
    host_unit, wish_rank, source_city``; people busy over the seat and
    forbidden pairs are removed. ``people`` limits the candidates (default:
    everyone). Built from row positions (:func:`planning.eligibility.eligible_rows`);
    names are attached once at the end.
    """
    people = wb.people if people is None else people
    open_rows = np.flatnonzero(seats["remaining"].to_numpy() > 0)
    r = eligible_rows(wb, slots=seats.iloc[open_rows], people=people)
    prow = r["person_row"].to_numpy()
    seat = open_rows[r["slot_row"].to_numpy()]
    ids = pd.Index(people["id"])
    drop = _busy_over(prow, _days(seats["start"])[seat], _days(seats["end"])[seat], ids, busy)
    if not forbids.empty:
        f_p = ids.get_indexer(forbids["person"])
        orders = pd.Index(pd.unique(seats["order"]))
        o_code = orders.get_indexer(seats["order"])
        fo = orders.get_indexer(forbids["order"])
        ok = (f_p >= 0) & (fo >= 0)
        drop |= np.isin(prow * len(orders) + o_code[seat], f_p[ok] * len(orders) + fo[ok])
    prow, seat = prow[~drop], seat[~drop]
    pairs = pd.DataFrame({"person": ids.to_numpy()[prow], "order": seats["order"].to_numpy()[seat],
                          "slot": seats["slot"].to_numpy()[seat].astype(np.int64),
                          "exact_skill": r["exact_skill"].to_numpy()[~drop],
                          "preferred": r["preferred"].to_numpy()[~drop], "seat": seat,
                          "start": seats["start"].to_numpy()[seat], "end": seats["end"].to_numpy()[seat],
                          "host_unit": seats["host_unit"].to_numpy()[seat]})
    host, hosts = pd.factorize(seats["host_unit"].to_numpy())
    pairs["wish_rank"] = _wish_rank(wb, prow, ids, host[seat], pd.Index(hosts))
    city_codes, city_names = pd.factorize(source_city(wb).reindex(ids).to_numpy())
    pairs["source_city"] = np.asarray(city_names, dtype=object)[city_codes[prow]]
    # integer twins of person and source_city (positions in ``people``; city codes) for the arrays
    pairs["person_code"] = prow.astype(np.int64)
    pairs["city_code"] = city_codes[prow].astype(np.int64)
    return pairs


def _codes(pairs: pd.DataFrame, column: str, code_column: str) -> np.ndarray:
    """Non-negative integer codes of a column, the integer twin itself when it is complete."""
    if code_column in pairs and len(pairs) and pairs[code_column].notna().all():
        return pairs[code_column].to_numpy().astype(np.int64)
    return pd.factorize(pairs[column])[0].astype(np.int64)


def _factorize(pairs: pd.DataFrame, column: str, code_column: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 in order of appearance and the names, from the integer twin column when it is complete."""
    if code_column in pairs and len(pairs) and pairs[code_column].notna().all():
        codes, _ = pd.factorize(pairs[code_column].to_numpy())
        first = np.unique(codes, return_index=True)[1]
        return codes.astype(np.int64), pairs[column].to_numpy()[first]
    codes, names = pd.factorize(pairs[column])
    return codes.astype(np.int64), np.asarray(names, dtype=object)


# --------------------------------------------------------------------------- #
# pins
# --------------------------------------------------------------------------- #
def _pin_fail(pin, rule: str, lang=None, **kw):
    kw = {k: fmt_date(v, lang) if k in ("start", "end") else v for k, v in kw.items()}
    detail = t("alloc.rule." + rule, lang, **kw)
    return PlanError(t("alloc.pin_error", lang, person=pin[0], order=pin[1], rule=detail, code=rule))


def _pin_rule(wb, person: pd.Series, seat: pd.Series, busy: pd.DataFrame, req: pd.DataFrame,
              anc: set) -> tuple[str, dict] | None:
    """The first hard rule a pin of ``person`` on ``seat`` breaks (None when it breaks none)."""
    if person["sector"] != seat["sector"]:
        return "sector", dict(have=person["sector"], need=seat["sector"])
    if pd.notna(seat["skill"]) and person["skill"] != seat["skill"]:
        return "skill", dict(have=person["skill"], need=seat["skill"])
    if person["level"] < seat["min_level"]:
        return "level", dict(have=person["level"], need=seat["min_level"])
    if seat["role"] == "lead" and not person["can_lead"]:
        return "lead", {}
    if person["available_from"] > seat["start"] or person["available_to"] < seat["end"]:
        return "availability", dict(start=seat["start"], end=seat["end"])
    need = set(req.loc[(req["order"] == seat["order"]) & (req["slot"] == seat["slot"]), "sender"])
    if need and not need & anc:
        return "pairing", dict(senders="、".join(sorted(need)))
    b = busy[busy["person"] == person["id"]]
    if ((b["start"] <= seat["end"]) & (b["end"] >= seat["start"])).any():
        return "busy", dict(start=seat["start"], end=seat["end"])
    return None


def resolve_pins(wb, seats: pd.DataFrame, pins: pd.DataFrame, forbids: pd.DataFrame,
                 busy: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Pins as seats (``person, seat``), each checked against every hard rule.

    A pin without a slot takes the first planned slot of the order that breaks
    no rule. Raises :class:`PlanError` naming the pin and the rule it breaks.
    Loops over pins (a handful), never over people × orders.
    """
    if pins.empty:
        return pd.DataFrame({"person": pd.Series([], dtype=str), "seat": pd.Series([], dtype=np.int64)})
    people = wb.people.set_index("id", drop=False)
    order_ids = set(wb.orders["id"])
    req = exclusive_senders(wb, seats) if len(seats) else pd.DataFrame(columns=["order", "slot", "sender"])
    pa = person_ancestors(wb)
    pa = pa[pa["person"].isin(pins["person"])]
    taken = np.zeros(len(seats), dtype=np.int64)
    extra = []
    out = []
    for pin in pins.itertuples(index=False):
        p = (pin.person, pin.order)
        if pin.person not in people.index:
            raise _pin_fail(p, "unknown_person", lang)
        if pin.order not in order_ids:
            raise _pin_fail(p, "unknown_order", lang)
        if not forbids.empty and ((forbids["person"] == pin.person) & (forbids["order"] == pin.order)).any():
            raise _pin_fail(p, "forbidden", lang)
        cand = np.flatnonzero((seats["order"] == pin.order).to_numpy()
                              & ((seats["slot"] == pin.slot).to_numpy() if pin.slot >= 0 else True))
        if len(cand) == 0:
            raise _pin_fail(p, "not_planned", lang)
        person = people.loc[pin.person]
        anc = set(pa.loc[pa["person"] == pin.person, "ancestor"])
        b = pd.concat([busy] + extra, ignore_index=True) if extra else busy
        first = None
        chosen = None
        for i in cand:
            seat = seats.iloc[i]
            broken = _pin_rule(wb, person, seat, b, req, anc)
            if broken is None and seats["remaining"].iat[i] - taken[i] <= 0:
                broken = ("full", dict(n=int(seats["headcount"].iat[i])))
            if broken is None:
                chosen = i
                break
            first = first or broken
        if chosen is None:
            raise _pin_fail(p, first[0], lang, **first[1])
        taken[chosen] += 1
        extra.append(pd.DataFrame({"person": [pin.person], "start": [seats["start"].iat[chosen]],
                                   "end": [seats["end"].iat[chosen]]}))
        out.append((pin.person, chosen))
    return pd.DataFrame(out, columns=["person", "seat"]).astype({"seat": np.int64})


# --------------------------------------------------------------------------- #
# model: arrays from tables
# --------------------------------------------------------------------------- #
@dataclass
class Model:
    """Integer arrays of one allocation problem (no solver objects).

    Pairs ``k`` join person ``pair_person[k]`` to seat ``pair_seat[k]``; seats
    have ``cap`` places left after existing assignments and pins.
    """

    pair_person: np.ndarray
    pair_seat: np.ndarray
    pair_w: np.ndarray          # 2**(priority-1)
    pair_tie: np.ndarray        # preferred / exact skill / wish reward
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
    def has_team_rules(self) -> bool:
        return bool(self.member_seats or self.same_groups or (self.fixed_off is not None and self.fixed_off.any()))


def _tie_reward(pairs: pd.DataFrame) -> np.ndarray:
    r = pairs["wish_rank"].to_numpy()
    wish = np.where((r >= 0) & (r < WISH_RANKS), WISH_STEP * (WISH_RANKS - r), 0)
    return (PREFERRED * pairs["preferred"].to_numpy().astype(np.int64)
            + EXACT * pairs["exact_skill"].to_numpy().astype(np.int64) + wish).astype(np.int64)


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


def _days(s) -> np.ndarray:
    return pd.DatetimeIndex(s).to_numpy().astype("datetime64[D]").astype(np.int64)


def build_model(wb, seats: pd.DataFrame, pairs: pd.DataFrame, pinned: pd.DataFrame) -> tuple[Model, dict]:
    """The arrays of the model; also returns codes (person/city names) for writing back."""
    person_codes, person_names = _factorize(pairs, "person", "person_code")
    first = np.unique(person_codes, return_index=True)[1]
    city_codes, city_names = pd.factorize(pairs["source_city"].to_numpy()[first]) if len(first) else (
        np.zeros(0, np.int64), pd.Index([]))
    seat_idx = pairs["seat"].to_numpy().astype(np.int64)
    cap = seats["remaining"].to_numpy().astype(np.int64).copy()
    np.subtract.at(cap, pinned["seat"].to_numpy(), 1)
    cap = np.maximum(cap, 0)
    m = Model(pair_person=person_codes.astype(np.int64), pair_seat=seat_idx,
              pair_w=(2 ** (seats["priority"].to_numpy().astype(np.int64) - 1))[seat_idx],
              pair_tie=_tie_reward(pairs), pair_start=_days(pairs["start"]), pair_end=_days(pairs["end"]),
              person_city=np.asarray(city_codes, dtype=np.int64), cap=cap,
              fair_levels=_fair_levels(np.asarray(city_codes, dtype=np.int64), len(city_names)))
    _team_rules(wb, seats, pairs, pinned, m)
    return m, {"person": np.asarray(person_names, dtype=object), "city": np.asarray(city_names, dtype=object)}


def _team_rules(wb, seats, pairs, pinned, m: Model) -> None:
    """Fill the model's team-rule arrays (groups built from sorted arrays, one entry per team)."""
    teams = wb.teams.set_index("id")
    if teams.empty or pairs.empty:
        return
    seat_team = seats["team"]
    ruled = seat_team.isin(teams.index[teams["lead_required"] | teams["same_source"]]).to_numpy()
    if not ruled[m.pair_seat].any():
        return
    a = wb.assignments
    live = a[a["status"].isin(LIVE) & (a["end"] >= today())][["person", "order", "start", "end"]]
    od = wb.orders.set_index("id")
    pins = pd.DataFrame({"person": pinned["person"].to_numpy(),
                         "order": seats["order"].to_numpy()[pinned["seat"].to_numpy()],
                         "start": seats["start"].to_numpy()[pinned["seat"].to_numpy()],
                         "end": seats["end"].to_numpy()[pinned["seat"].to_numpy()]})
    held = pd.concat([live, pins], ignore_index=True)
    held["team"] = held["order"].map(od["team"])
    held["role"] = held["order"].map(od["role"])
    held = held[held["team"].notna()]
    role = seats["role"].to_numpy()
    p_team = seat_team.to_numpy()[m.pair_seat]
    p_role = role[m.pair_seat]
    # lead_required: member seats not covered by an existing/pinned lead overlapping them
    lr = teams.index[teams["lead_required"]]
    member = seats["team"].isin(lr).to_numpy() & (role != "lead")
    if member.any():
        leads = held[held["role"].eq("lead") & held["team"].isin(lr)]
        ms = pd.DataFrame({"row": np.flatnonzero(member), "team": seat_team.to_numpy()[member],
                           "start": seats["start"].to_numpy()[member], "end": seats["end"].to_numpy()[member]})
        covered = _overlap_hits(ms, leads, "team")["row"]
        need = ms.loc[~ms["row"].isin(covered), "row"].to_numpy().astype(np.int64)
        has_pairs = np.zeros(len(seats), dtype=bool)
        has_pairs[m.pair_seat] = True
        need = need[has_pairs[need]]
        if len(need):
            nteam = seat_team.to_numpy()[need]
            lead_mask = (p_role == "lead") & pd.Series(p_team).isin(set(nteam)).to_numpy()
            lead_idx = pd.Series(np.flatnonzero(lead_mask)).groupby(p_team[lead_mask]).agg(list)
            for tid, grp in pd.Series(need).groupby(nteam):
                m.member_seats.append(grp.to_numpy())
                m.lead_pairs.append(np.asarray(lead_idx.get(tid, []), dtype=np.int64))
    # same_source: members from one city, the existing members' city if any
    ss = teams.index[teams["same_source"]]
    in_ss = pd.Series(p_team).isin(ss).to_numpy()
    if in_ss.any():
        cities = source_city(wb)
        fixed = held[held["team"].isin(ss)].assign(city=lambda d: d["person"].map(cities))
        p_city = pairs["source_city"].to_numpy()
        has_fixed = pd.Series(p_team).isin(fixed["team"]).to_numpy()
        ok = pd.MultiIndex.from_arrays([p_team, p_city]).isin(pd.MultiIndex.from_frame(fixed[["team", "city"]]))
        off = in_ss & has_fixed & ~ok
        m.fixed_off = off
        idx = np.flatnonzero(in_ss & ~off)
        g = pd.DataFrame({"k": idx, "team": p_team[idx], "seat": m.pair_seat[idx], "city": p_city[idx]})
        for tid, tg in g.groupby("team", sort=False):
            groups = [(int(s), c, sg["k"].to_numpy()) for (s, c), sg in tg.groupby(["seat", "city"], sort=False)]
            m.same_groups.append(groups)


def flow_applies(m: Model) -> bool:
    """True when a person capacity of 1 is exact and no team rule binds (the min-cost flow path)."""
    if m.has_team_rules:
        return False
    if m.n_pairs == 0:
        return True
    n = int(m.pair_person.max()) + 1
    max_start = np.full(n, np.iinfo(np.int64).min)
    min_end = np.full(n, np.iinfo(np.int64).max)
    np.maximum.at(max_start, m.pair_person, m.pair_start)
    np.minimum.at(min_end, m.pair_person, m.pair_end)
    return bool((max_start <= min_end).all())


# --------------------------------------------------------------------------- #
# solve: min-cost flow
# --------------------------------------------------------------------------- #
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


def interchangeable(m: Model) -> Groups:
    """Group the people whose (seat, tie-breaker reward) lists are identical.

    Each person's list is hashed; people with equal hashes are then compared
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
    by = np.lexsort((h, deg))
    new = np.r_[True, (deg[by][1:] != deg[by][:-1]) | (h[by][1:] != h[by][:-1])]
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
        return Solution(np.zeros(0, np.int64), 0, 0, "optimal", "optimal", 0, "flow")
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
    return Solution(chosen, value, bound, "optimal", "optimal", _tie_value(m, chosen), "flow",
                    proof_seconds=time.perf_counter() - t0)


def _tie_value(m: Model, chosen: np.ndarray) -> int:
    """Tie-breaker total of a set of placed pairs (rewards minus fair-share costs)."""
    if len(chosen) == 0:
        return 0
    used = np.bincount(m.person_city[m.pair_person[chosen]], minlength=m.fair_levels.shape[0])
    cost = 0
    for c in np.flatnonzero(used):  # one pass per city with people placed
        lv = np.repeat(np.arange(FAIR_MAX + 1), m.fair_levels[c])
        cost += int(lv[: used[c]].sum()) + FAIR_MAX * max(0, int(used[c]) - len(lv))
    return int(m.pair_tie[chosen].sum()) - cost


# --------------------------------------------------------------------------- #
# solve: CP-SAT
# --------------------------------------------------------------------------- #
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
    starts = _sorted_keys(p * span + (s - s0))[:-1]
    days = _sorted_keys(starts[np.searchsorted(starts, p * span + (e - s0), side="right") - 1])[:-1]
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
            ks = _seat_pairs(m, s)
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
    return model, x


def _seat_pairs(m: Model, s: int) -> np.ndarray:
    """Pair indices of seat ``s``."""
    return m.by_seat.get(int(s), np.zeros(0, np.int64))


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


def starting_plan(m: Model, rounds: int = 8) -> np.ndarray:
    """A feasible plan found fast: CP-SAT's starting point, and its answer when time runs out first.

    Rounds of the flow path (:func:`solve_flow`, exact for what it is given):
    each round places at most one more seat per person, among the seats with
    places left that do not overlap the person's seats from earlier rounds;
    placements a team rule forbids are then dropped. Feasible, not optimal in
    general (a person's seats are chosen one round at a time).

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> plan = planning.allocate(wb)
    >>> m = plan._ctx["model"]
    >>> int(m.pair_w[starting_plan(m)].sum()) <= plan.objective.value
    True
    """
    chosen = np.zeros(0, np.int64)
    cap = m.cap.copy()
    ok = np.ones(m.n_pairs, bool) if m.fixed_off is None else ~m.fixed_off
    n_person = len(m.person_city)
    for _ in range(rounds):
        sel = np.flatnonzero(ok & (cap[m.pair_seat] > 0))
        if len(sel) == 0:
            break
        sub = Model(pair_person=m.pair_person[sel], pair_seat=m.pair_seat[sel], pair_w=m.pair_w[sel],
                    pair_tie=m.pair_tie[sel], pair_start=m.pair_start[sel], pair_end=m.pair_end[sel],
                    person_city=m.person_city, cap=cap, fair_levels=m.fair_levels)
        got = sel[solve_flow(sub).chosen]
        if len(got) == 0:
            break
        chosen = np.r_[chosen, got]
        cap = cap - np.bincount(m.pair_seat[got], minlength=len(cap))
        start = np.full(n_person, np.iinfo(np.int64).max)
        end = np.full(n_person, np.iinfo(np.int64).min)
        start[m.pair_person[got]], end[m.pair_person[got]] = m.pair_start[got], m.pair_end[got]
        ok &= ~((m.pair_start <= end[m.pair_person]) & (m.pair_end >= start[m.pair_person]))
    return _enforce_team_rules(m, np.sort(chosen))


def solve_cpsat(m: Model, time_limit: float | None = None, workers: int = 1, lang: str | None = None) -> Solution:
    """Solve with CP-SAT: first objective to optimality, then the tie-breakers with it fixed.

    One worker by default: the single-worker search keeps the full LP
    relaxation (``linearization_level=2``) on every node. On the 5,000-person
    team-rule benchmark it proves the first objective optimal in about 0.6 s
    (five random seeds: 0.53–0.74 s), where two workers took 14–64 s.
    """
    from ortools.sat.python import cp_model

    if m.n_pairs == 0:
        return Solution(np.zeros(0, np.int64), 0, 0, "optimal", "optimal", 0, "cpsat")
    t0 = time.perf_counter()
    start = starting_plan(m)
    start_value = int(m.pair_w[start].sum())

    def from_start(bound=None) -> Solution:
        return Solution(start, start_value, bound, "time_limit", "skipped", _tie_value(m, start), "cpsat",
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
        return Solution(chosen, value, bound, "time_limit", "skipped", _tie_value(m, chosen), "cpsat",
                        proof_seconds=proof)
    # phase 2: tie-breakers with the first objective fixed at its optimum: as long as phase 1
    # took, at least TIEBREAK_MIN_SECONDS, and within the time limit
    left = max(TIEBREAK_MIN_SECONDS, proof)
    if time_limit is not None:
        left = min(left, max(0.0, time_limit - (time.perf_counter() - t0)))
    if left < 0.05:
        chosen = np.flatnonzero(vals)
        return Solution(chosen, value, bound, "optimal", "time_limit", _tie_value(m, chosen), "cpsat",
                        proof_seconds=proof)
    model.add(first >= value)
    terms = _fair_vars(model, m, x)
    tie = W(x, m.pair_tie.tolist()) - W([v for v, _ in terms], [c for _, c in terms])
    model.clear_objective()
    model.maximize(tie)
    model.clear_hints()
    model.proto.solution_hint.vars.extend(index)
    model.proto.solution_hint.values.extend(vals.astype(np.int64).tolist())
    solver2 = cp_model.CpSolver()
    solver2.parameters.num_workers = solver.parameters.num_workers
    solver2.parameters.linearization_level = 2
    solver2.parameters.max_time_in_seconds = float(left)
    st2 = solver2.solve(model)
    if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        vals = np.fromiter((solver2.boolean_value(v) for v in x), dtype=bool, count=len(x))
    chosen = np.flatnonzero(vals)
    return Solution(chosen, int(m.pair_w[chosen].sum()), bound, "optimal",
                    "optimal" if st2 == cp_model.OPTIMAL else "time_limit", _tie_value(m, chosen), "cpsat",
                    proof_seconds=proof)


# --------------------------------------------------------------------------- #
# solve: stable matching (hook for planning.stable)
# --------------------------------------------------------------------------- #
def solve_stable(wb, seats: pd.DataFrame, pairs: pd.DataFrame, m: Model):
    """Resident-optimal stable matching via :func:`planning.stable.hospital_resident`.

    People (residents) rank the seats they are eligible for: wished host units
    first (in wish order), then by priority, preferred pairing, exact skill,
    start. Seats (hospitals) rank people by preferred pairing, exact skill,
    level. Each person takes at most one seat. Team rules are then enforced by
    dropping the new members a rule forbids (a lead_required team with no
    lead; same_source members outside the largest city group). Returns the
    solution and a table of blocking pairs of the matching.
    """
    from . import stable

    key = pairs["order"].astype(str) + "#" + pairs["slot"].astype(str)
    level = pairs["person"].map(wb.people.set_index("id")["level"]).to_numpy()
    prio = seats["priority"].to_numpy()[pairs["seat"].to_numpy()]
    wr = pairs["wish_rank"].to_numpy()
    df = pd.DataFrame({"k": np.arange(len(pairs)), "person": pairs["person"].to_numpy(), "seat": key.to_numpy(),
                       "wish": np.where(wr >= 0, wr, 10 ** 6), "prio": -prio,
                       "pref": ~pairs["preferred"].to_numpy(), "exact": ~pairs["exact_skill"].to_numpy(),
                       "level": -level, "start": pairs["start"].to_numpy()})
    r = df.sort_values(["person", "wish", "prio", "pref", "exact", "start", "seat"])
    resident_prefs = r.groupby("person", sort=False)["seat"].agg(list).to_dict()
    h = df.sort_values(["seat", "pref", "exact", "level", "person"])
    hospital_prefs = h.groupby("seat", sort=False)["person"].agg(list).to_dict()
    cap_by_key = pd.Series(m.cap[pairs["seat"].to_numpy()], index=key.to_numpy())
    capacities = {s: int(cap_by_key[s].iloc[0] if isinstance(cap_by_key[s], pd.Series) else cap_by_key[s])
                  for s in hospital_prefs}
    matching = stable.hospital_resident(resident_prefs, hospital_prefs, capacities)
    got = pd.DataFrame([(s, p) for s, ps in matching.items() for p in ps], columns=["seat", "person"])
    idx = pd.MultiIndex.from_frame(df[["seat", "person"]]).get_indexer(pd.MultiIndex.from_frame(got))
    chosen = np.sort(df["k"].to_numpy()[idx]) if len(idx) else np.zeros(0, np.int64)
    chosen = _enforce_team_rules(m, chosen)
    kept = set(chosen.tolist())
    final = {s: [] for s in matching}
    for s, p, k in zip(df["seat"].to_numpy()[chosen], df["person"].to_numpy()[chosen], chosen):
        final[s].append(p)
    blocking = stable.blocking_pairs(final, resident_prefs, hospital_prefs, capacities)
    bp = pd.DataFrame(blocking, columns=["person", "seat"])
    sp = bp["seat"].str.rsplit("#", n=1, expand=True) if len(bp) else pd.DataFrame({0: [], 1: []})
    bp = pd.DataFrame({"person": bp["person"], "order": sp[0], "slot": sp[1].astype(np.int64)})
    value = int(m.pair_w[chosen].sum())
    sol = Solution(np.asarray(sorted(kept), dtype=np.int64), value, None, "stable", "stable",
                   _tie_value(m, chosen), "stable")
    return sol, bp


def _enforce_team_rules(m: Model, chosen: np.ndarray) -> np.ndarray:
    """Drop placements a team rule forbids (for methods that do not model team rules)."""
    on = np.zeros(m.n_pairs, dtype=bool)
    on[chosen] = True
    if m.fixed_off is not None:
        on &= ~m.fixed_off
    for groups in m.same_groups:
        sizes = {}
        for _, c, ks in groups:
            sizes[c] = sizes.get(c, 0) + int(on[ks].sum())
        if sizes:
            best = max(sizes, key=lambda c: (sizes[c], str(c)))
            for _, c, ks in groups:
                if c != best:
                    on[ks] = False
    for mseats, leads in zip(m.member_seats, m.lead_pairs):
        if not on[leads].any():
            for s in mseats:
                on[_seat_pairs(m, s)] = False
    return np.flatnonzero(on)


# --------------------------------------------------------------------------- #
# write back
# --------------------------------------------------------------------------- #
def _sorted_keys(a: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted, followed by a sentinel above them all."""
    a = np.sort(a)
    return np.append(a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a, np.iinfo(np.int64).max)


def _any_in(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per probe: is any of the sorted ``keys`` (ending with a sentinel above all) in ``[lo, hi)``; where the first is."""
    at = np.searchsorted(keys, lo)
    return keys[at] < hi, at


def _why(pairs: pd.DataFrame, w: np.ndarray, chosen: np.ndarray, n_pinned: int) -> np.ndarray:
    """Which tie-breaker decided each placed pair.

    A placed pair is compared with the alternatives it beat: the seat's other
    candidates, and the person's other seats of the same weight. Criteria are
    checked in order (preferred pairing, exact skill, wish, fair share); the
    first one on which the placed pair beats an alternative still tied on the
    earlier ones is the reason; with none, the seat's priority alone decided.
    The first ``n_pinned`` placements are pins.

    The alternatives are sorted once as integer keys (group, features, city
    ranked by share) so that "an alternative tied so far and worse on this
    criterion" is a key range, found by binary search for every placed pair.
    """
    n = len(chosen)
    out = np.full(n, "priority", dtype=object)
    if n == 0:
        return out
    person, city = _codes(pairs, "person", "person_code"), _codes(pairs, "source_city", "city_code")
    city_of = np.full(person.max() + 1, -1)
    city_of[person] = city
    pool = np.bincount(city_of[city_of >= 0], minlength=city.max() + 1)
    used = np.bincount(city[chosen], minlength=len(pool))
    n_city = len(pool)
    seat = pairs["seat"].to_numpy().astype(np.int64)
    pref = pairs["preferred"].to_numpy().astype(np.int64)
    exact = pairs["exact_skill"].to_numpy().astype(np.int64)
    r = pairs["wish_rank"].to_numpy().astype(np.int64)
    n_ws = WISH_RANKS + 1
    feat = (pref * 2 + exact) * n_ws + np.where(r >= 0, WISH_RANKS - np.minimum(r, WISH_RANKS), 0)
    n_feat = 4 * n_ws
    rest = np.ones(len(pairs), bool)
    rest[chosen] = False
    # the seat's other candidates: (seat, features, city by falling share)
    share = used / np.maximum(pool, 1)
    by_share = np.argsort(-share, kind="stable")
    rank = np.empty(n_city, np.int64)
    rank[by_share] = np.arange(n_city)
    seat_keys = _sorted_keys((seat[rest] * n_feat + feat[rest]) * n_city + rank[city[rest]])
    # the person's other seats of the same weight: (person, weight, features)
    level, weights = pd.factorize(w)
    n_level = len(weights)
    placed = np.zeros(person.max() + 1, dtype=bool)
    placed[person[chosen]] = True
    alt = rest & placed[person]
    person_keys = _sorted_keys((person[alt] * n_level + level[alt]) * n_feat + feat[alt])
    cp, ce, cf, cc = pref[chosen], exact[chosen], feat[chosen], city[chosen]
    lows = [np.zeros(n, np.int64), cp * 2 * n_ws, (cp * 2 + ce) * n_ws]      # tied on the earlier criteria
    highs = [cp * 2 * n_ws, (cp * 2 + ce) * n_ws, cf]                         # and lower on this one
    s0 = seat[chosen] * n_feat
    p0 = (person[chosen] * n_level + level[chosen]) * n_feat
    hits = [_any_in(seat_keys, (s0 + lo) * n_city, (s0 + hi) * n_city)[0] | _any_in(person_keys, p0 + lo, p0 + hi)[0]
            for lo, hi in zip(lows, highs)]
    # fair share: an alternative of another city, tied on all else, whose city has sent a larger share
    lo = (s0 + cf) * n_city
    found, at = _any_in(seat_keys, lo, lo + n_city)
    mine = found & (by_share[seat_keys[at] % n_city] == cc)  # the first is of the placed pair's city: the next one
    nxt = np.minimum(at + 1, len(seat_keys) - 1)
    found = (found & ~mine) | (mine & (seat_keys[nxt] < lo + n_city))
    at = np.where(mine, nxt, at)
    share_mine = (used[cc] - 1) / pool[cc]
    hits.append(found & (share[by_share[seat_keys[at] % n_city]] > share_mine))
    out = np.select(hits, ["preferred", "exact_skill", "wish", "fair_share"], "priority").astype(object)
    out[:n_pinned] = "pinned"
    return out


def _unfilled(wb, seats, pairs_all, chosen_pairs: pd.DataFrame, filled: np.ndarray,
              busy: pd.DataFrame, pool: pd.DataFrame | None = None, stopped: bool = False) -> pd.DataFrame:
    """Empty seats with a reason, decided by checking the rules in stages.

    The rules are checked against ``pool`` (default: everyone). When the solver
    ``stopped`` at its time limit, a seat that had allowed free candidates gets
    ``time_limit``: nothing proves a team rule or a better seat kept it empty.
    """
    empty = seats["remaining"].to_numpy() - filled
    u = seats[empty > 0].copy()
    u["seats"] = empty[empty > 0]
    u["seat"] = np.flatnonzero(empty > 0)
    cols = ["order", "slot", "start", "end", "seats", "host_unit", "sector", "priority", "reason", "senders"]
    if u.empty:
        return u.assign(reason=pd.Series([], dtype=str), senders=pd.Series([], dtype=object))[cols].reset_index(
            drop=True)
    # stage 1: anyone capable (sector, skill, level, lead)?
    pe = wb.people if pool is None else pool
    g = pe[pe["sector"].notna()].groupby(["sector", "skill", "can_lead", "level"], dropna=False).size().rename("n").reset_index()
    us = u[["seat", "sector", "skill", "role", "min_level"]]
    named = us[us["skill"].notna()].merge(g, on=["sector", "skill"], suffixes=("", "_p"))
    anyskill = us[us["skill"].isna()].drop(columns="skill").merge(g.drop(columns="skill"), on="sector")
    cap = pd.concat([named, anyskill])
    cap = cap[(cap["level"] >= cap["min_level"]) & (cap["can_lead"] | cap["role"].ne("lead"))]
    capable = u["seat"].isin(cap["seat"]).to_numpy()
    # stage 2: free over the whole stint and not busy (pairings ignored)
    # a seat with an allowed candidate (pairs_all is already busy-filtered) is free: check only the others
    allowed = u["seat"].isin(pairs_all["seat"]).to_numpy()
    wb_np = _without_pairings(wb)
    sl = u[capable & ~allowed].drop(columns=["seats", "seat"])
    free = eligible_pairs(wb_np, slots=sl, people=pe) if len(sl) else pd.DataFrame(columns=["person", "order", "slot"])
    if len(free):
        key = pd.MultiIndex.from_frame(seats[["order", "slot"]])
        free["seat"] = key.get_indexer(pd.MultiIndex.from_frame(free[["order", "slot"]]))
        free["start"] = seats["start"].to_numpy()[free["seat"].to_numpy()]
        free["end"] = seats["end"].to_numpy()[free["seat"].to_numpy()]
        free = free[~_busy_mask(free, busy)]
    is_free = allowed | u["seat"].isin(free["seat"] if len(free) else []).to_numpy()
    # stage 3: allowed by exclusive pairings (and forbids): ``allowed`` above
    # stage 4: an allowed candidate left idle over this seat → a team rule held the seat empty
    idle = np.zeros(len(u), dtype=bool)
    if len(pairs_all):
        cand = pairs_all[pairs_all["seat"].isin(u["seat"])][["person", "seat", "start", "end"]]
        cand = cand.assign(row=np.arange(len(cand)))
        busy_now = _overlap_hits(cand, chosen_pairs[["person", "start", "end"]], "person")
        idle_rows = np.setdiff1d(cand["row"].to_numpy(), busy_now["row"].to_numpy())
        idle = u["seat"].isin(cand["seat"].to_numpy()[idle_rows]).to_numpy()
    tm = wb.teams.set_index("id")
    ruled = u["team"].isin(tm.index[tm["same_source"] | tm["lead_required"]]).to_numpy()
    reason = np.select(
        [~capable, ~is_free, ~allowed, np.full(len(u), stopped), idle & ruled],
        ["no_one_in_sector", "no_one_free", "pairing", "time_limit", "team_rule"], "lost_to_higher_priority")
    u["reason"] = reason
    # a seat the pairings keep empty names the senders that decide it
    pu = u[u["reason"].eq("pairing")]
    req = exclusive_senders(wb, pu) if len(pu) else pd.DataFrame(columns=["order", "slot", "sender"])
    snd = req.groupby(["order", "slot"])["sender"].agg(lambda x: "、".join(sorted(set(map(str, x)))))
    key = pd.MultiIndex.from_frame(u[["order", "slot"]].astype({"slot": np.int64}))
    u["senders"] = snd.reindex(key).to_numpy() if len(snd) else np.full(len(u), np.nan, dtype=object)
    return u[cols].reset_index(drop=True)


def _without_pairings(wb):
    """The same workbook (tables shared, not copied) with no pairings."""
    return type(wb)(**{**wb.tables(), "pairings": wb.pairings.iloc[0:0]}, source=wb.source)


def write_back(wb, seats, pairs, sol: Solution, pinned: pd.DataFrame, busy, lang, pool=None) -> Plan:
    """Tables from a solution: new assignments, unfilled seats, objective, workbook.

    ``pool`` (people) is who could be drawn on; unfilled reasons are judged against it.
    """
    cities = source_city(wb)
    placed = pd.DataFrame({"person": pairs["person"].to_numpy()[sol.chosen],
                           "seat": pairs["seat"].to_numpy()[sol.chosen]})
    pin_part = pinned[["person", "seat"]]
    both = pd.concat([pin_part, placed], ignore_index=True)
    s = seats.iloc[both["seat"].to_numpy()].reset_index(drop=True)
    a = pd.DataFrame({"person": both["person"].to_numpy(), "order": s["order"].to_numpy(),
                      "start": s["start"].to_numpy(), "end": s["end"].to_numpy(), "status": "planned",
                      "slot": s["slot"].to_numpy().astype(np.int64), "role": s["role"].to_numpy(),
                      "team": s["team"].to_numpy(), "host_unit": s["host_unit"].to_numpy(),
                      "sector": s["sector"].to_numpy(), "priority": s["priority"].to_numpy().astype(np.int64),
                      "source_city": both["person"].map(cities).to_numpy()})
    # the tie-breaker that decided: pins first, then the cascade over each seat's candidates
    all_pairs = pairs if pinned.empty else pd.concat([pairs, _pin_pairs(wb, seats, pinned, pairs)], ignore_index=True)
    rows = np.r_[len(pairs) + np.arange(len(pin_part)), sol.chosen].astype(np.int64)  # rows of ``both``
    w_all = 2 ** (seats["priority"].to_numpy().astype(np.int64)[all_pairs["seat"].to_numpy()] - 1)
    a["reason"] = _why(all_pairs, w_all, rows, len(pin_part))
    for c in ("person", "order", "status", "role", "team", "host_unit", "sector", "source_city", "reason"):
        a[c] = a[c].astype("str")
    a = a.sort_values(["order", "slot", "person"]).reset_index(drop=True)
    filled = np.bincount(both["seat"].to_numpy(), minlength=len(seats))
    unfilled = _unfilled(wb, seats, pairs, a, filled, busy, pool, stopped=sol.status == "time_limit")
    w = seats["priority"].to_numpy().astype(np.int64)
    pin_value = int((2 ** (w[pin_part["seat"].to_numpy()] - 1)).sum())
    value = sol.value + pin_value
    bound = None if sol.bound is None else sol.bound + pin_value
    gap = None if bound is None else (0.0 if bound <= 0 else max(0.0, (bound - value) / bound))
    obj = Objective(value=value, bound=bound, status=sol.status, gap=gap, method=sol.method, seconds=0.0,
                    tiebreak_status=sol.tiebreak_status, tiebreak_value=sol.tiebreak_value,
                    proof_seconds=sol.proof_seconds, note=sol.note)
    out = wb.copy()
    new = a[CONTRACT].astype({c: out.assignments[c].dtype for c in CONTRACT})
    out.assignments = pd.concat([out.assignments, new], ignore_index=True).astype(
        {c: wb.assignments[c].dtype for c in CONTRACT})
    return Plan(assignments=a, unfilled=unfilled, objective=obj, workbook=out, lang=lang)


def _pin_pairs(wb, seats, pinned, pairs_all) -> pd.DataFrame:
    """Pinned (person, seat) rows in the pair table's shape (for reasons and explanations)."""
    if pinned.empty:
        return pairs_all.iloc[0:0]
    s = seats.iloc[pinned["seat"].to_numpy()]
    return pd.DataFrame({"person": pinned["person"].to_numpy(), "order": s["order"].to_numpy(),
                         "slot": s["slot"].to_numpy(), "exact_skill": s["skill"].notna().to_numpy(),
                         "preferred": False, "seat": pinned["seat"].to_numpy(), "start": s["start"].to_numpy(),
                         "end": s["end"].to_numpy(), "host_unit": s["host_unit"].to_numpy(), "wish_rank": -1,
                         "source_city": pinned["person"].map(source_city(wb)).to_numpy()})


# --------------------------------------------------------------------------- #
# the public function
# --------------------------------------------------------------------------- #
def allocate(wb, *, window=None, pins=(), forbids=(), method: str = "optimal", time_limit: float | None = None,
             lang: str | None = None, hosts=None, orders=None, people=None) -> Plan:
    """Plan new assignments that fill the most important seats, keeping existing ones.

    Parameters
    ----------
    wb : Workbook
    window : (start, end), optional
        Plan the seats (slots) overlapping this period; either end may be None.
        Default: from today on. Slots that ended before today are never planned.
    pins : iterable of (person, order) or (person, order, slot)
        Placements to force. A pin that breaks a hard rule raises
        :class:`PlanError` naming the pin and the rule.
    forbids : iterable of (person, order)
        Pairs that must not be placed.
    method : {"optimal", "stable"}
        ``optimal``: exact optimisation (min-cost flow or CP-SAT, see the module
        docstring). ``stable``: resident-optimal stable matching of people's
        wishes with host rankings (:mod:`planning.stable`); blocking pairs are
        reported in ``plan.blocking_pairs`` and ``plan.objective.blocking_pairs``.
    time_limit : float, optional
        Seconds for the CP-SAT path, its starting plan and the model's
        construction included (finding the pairs and writing the plan back
        come on top). When it stops early the plan is the best found,
        ``objective.status`` is ``time_limit`` and ``objective.gap`` says how
        far from the bound it may be (a warning is also issued).
    lang : {"zh", "en"}, optional
        Language of texts (explanations, messages); default
        :func:`planning.i18n.default_lang`.
    hosts : iterable of host unit ids, optional
        Plan only the seats of these host units (e.g. one county's); people may
        still come from anywhere.
    orders : iterable of order ids, optional
        Plan only the seats of these orders.
    people : iterable of person ids, optional
        Draw new assignments only from these people (e.g. a district's flexible
        pool); pinned people are always allowed.

    Returns
    -------
    Plan

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> plan = planning.allocate(wb, window=("2027-01-01", "2027-12-31"))
    >>> sorted(set(plan.unfilled["reason"]) - set(REASONS))
    []
    >>> len(plan.workbook.assignments) == len(wb.assignments) + len(plan.assignments)
    True
    """
    t0 = time.perf_counter()
    if method not in ("optimal", "stable"):
        raise PlanError(t("alloc.bad_method", lang, method=method))
    if time_limit is not None and not time_limit > 0:
        raise PlanError(t("alloc.bad_time_limit", lang, value=time_limit))
    w = _window(window, lang)
    pins_df = _pairs_frame(pins, 3, "pin", lang)
    forbids_df = _pairs_frame(forbids, 2, "forbid", lang)
    seats = planned_seats(wb, w)
    if hosts is not None:
        seats = seats[seats["host_unit"].isin(set(hosts))].reset_index(drop=True)
    if orders is not None:
        seats = seats[seats["order"].isin(set(orders))].reset_index(drop=True)
    busy = _busy(wb)
    pinned = resolve_pins(wb, seats, pins_df, forbids_df, busy, lang)
    pin_busy = pd.DataFrame({"person": pinned["person"].to_numpy(),
                             "start": seats["start"].to_numpy()[pinned["seat"].to_numpy()],
                             "end": seats["end"].to_numpy()[pinned["seat"].to_numpy()]})
    busy_all = _busy(wb, pin_busy)
    seats_open = seats.assign(remaining=seats["remaining"].to_numpy()
                              - np.bincount(pinned["seat"].to_numpy(), minlength=len(seats)))
    pool = None if people is None else wb.people[wb.people["id"].isin(set(people) | set(pinned["person"]))]
    pairs_all = candidate_pairs(wb, seats_open, busy_all, forbids_df, pool)
    m, _ = build_model(wb, seats, pairs_all, pinned)
    blocking = None
    if method == "stable":
        sol, blocking = solve_stable(wb, seats, pairs_all, m)
    elif flow_applies(m):
        sol = solve_flow(m)
    else:
        sol = solve_cpsat(m, time_limit, lang=lang)
    plan = write_back(wb, seats, pairs_all, sol, pinned, busy_all, lang, pool)
    plan.objective.seconds = time.perf_counter() - t0
    if blocking is not None:
        plan.blocking_pairs = blocking
        plan.objective.blocking_pairs = len(blocking)
    plan._ctx = {"seats": seats, "pairs": pairs_all, "wb": wb, "busy": busy, "model": m}
    if plan.objective.status == "time_limit":
        warnings.warn(t("alloc.time_limit_warning", lang, value=plan.objective.value, bound=plan.objective.bound,
                        gap=f"{(plan.objective.gap or 0):.1%}"), stacklevel=2)
    return plan


# --------------------------------------------------------------------------- #
# explanations, comparisons, checks
# --------------------------------------------------------------------------- #
def explain(plan: Plan, key: str, lang: str | None = None) -> str:
    """Short text: why a person went where they went / why an order's seats are (not) filled."""
    lang = lang or default_lang()
    ctx = plan._ctx
    wb = ctx["wb"]
    people = wb.people.set_index("id")
    units = wb.units.set_index("id")["name"]
    a = plan.assignments

    def unit(u):
        return f"{units.get(u, u)}"

    if key in people.index:
        name = people.at[key, "name"]
        mine = a[a["person"] == key]
        if len(mine):
            lines = [t("alloc.explain.person_head", lang, person=key, name=name, n=len(mine))]
            for r in mine.itertuples(index=False):
                lines.append(t("alloc.explain.person_line", lang, order=r.order, host=unit(r.host_unit),
                               sector=sector_label(r.sector, lang), start=fmt_date(r.start, lang),
                               end=fmt_date(r.end, lang), priority=r.priority, why=why_text(r.reason, lang)))
            return "\n".join(lines)
        cand = ctx["pairs"][ctx["pairs"]["person"] == key]
        if cand.empty:
            live = wb.assignments[(wb.assignments["person"] == key) & wb.assignments["status"].isin(LIVE)
                                  & (wb.assignments["end"] >= today())]
            why = t("alloc.explain.busy", lang) if len(live) else t("alloc.explain.no_seat", lang)
        else:
            why = t("alloc.explain.taken", lang, n=cand["seat"].nunique())
        return t("alloc.explain.person_none", lang, person=key, name=name, why=why)
    orders = wb.orders.set_index("id")
    if key in orders.index:
        o = orders.loc[key]
        seats = ctx["seats"][ctx["seats"]["order"] == key]
        head = t("alloc.explain.order_head", lang, order=key, host=unit(o["host_unit"]),
                 sector=sector_label(o["sector"], lang), priority=int(o["priority"]))
        if seats.empty:
            return head + "\n" + t("alloc.explain.order_not_planned", lang)
        mine = a[a["order"] == key]
        un = plan.unfilled[plan.unfilled["order"] == key]
        lines = [head, t("alloc.explain.order_counts", lang, seats=int(seats["headcount"].sum()),
                         existing=int(seats["existing"].sum()), new=len(mine), empty=int(un["seats"].sum()))]
        names = people["name"]
        for r in mine.itertuples(index=False):
            lines.append(t("alloc.explain.order_line", lang, person=r.person, name=names.get(r.person, ""),
                           start=fmt_date(r.start, lang), end=fmt_date(r.end, lang), why=why_text(r.reason, lang)))
        for r, why in zip(un.itertuples(index=False), unfilled_reasons(un, plan.workbook, lang)):
            lines.append(t("alloc.explain.order_empty", lang, n=r.seats, start=fmt_date(r.start, lang),
                           end=fmt_date(r.end, lang), reason=why))
        return "\n".join(lines)
    return t("alloc.explain.unknown", lang, item=key)


def summary_text(plan: Plan, lang: str | None = None) -> str:
    """A few lines: seats filled by priority, unfilled by reason, the solver's status and bound."""
    lang = lang or plan.lang or default_lang()
    seats = plan._ctx["seats"]
    o = plan.objective
    lines = [t("alloc.cli.title", lang, source=plan._ctx["wb"].source), t("alloc.cli.by_priority", lang)]
    open_ = seats.groupby("priority")["remaining"].sum()
    filled = plan.assignments.groupby("priority").size()
    empty = plan.unfilled.groupby("priority")["seats"].sum()
    for p in sorted(open_.index, reverse=True):
        if open_[p]:
            lines.append(t("alloc.cli.priority_row", lang, p=int(p), open=int(open_[p]),
                           filled=int(filled.get(p, 0)), empty=int(empty.get(p, 0))))
    lines.append(t("alloc.cli.by_reason", lang))
    by_reason = plan.unfilled.groupby("reason")["seats"].sum()
    if by_reason.empty:
        lines.append(t("alloc.cli.none_unfilled", lang))
    for code in REASONS:
        if code in by_reason.index:
            lines.append(t("alloc.cli.reason_row", lang, reason=reason_text(code, lang), n=int(by_reason[code])))
    from .reports import blocked_sentences

    pu = plan.unfilled[plan.unfilled["reason"].eq("pairing") & plan.unfilled["senders"].notna()]
    if len(pu):
        blocked = pu.groupby(["host_unit", "sector", "senders"], as_index=False)["seats"].sum()
        lines.append(t("pairing.blocked.title", lang))
        lines.extend("  " + s for s in blocked_sentences(plan._ctx["wb"], blocked, lang, free=True))
    lines.append(t("alloc.cli.solver", lang, method=o.method, status=t("alloc.status." + o.status, lang),
                   value=o.value, bound="—" if o.bound is None else o.bound,
                   gap="—" if o.gap is None else f"{o.gap:.2%}", seconds=o.seconds))
    if o.blocking_pairs is not None:
        lines.append(t("alloc.cli.blocking", lang, n=o.blocking_pairs))
    return "\n".join(lines)


def _assignments_of(x) -> pd.DataFrame:
    return x.assignments if isinstance(x, Plan) else x


def plan_diff(a, b) -> pd.DataFrame:
    """What changes from plan ``a`` to plan ``b`` (Plans or assignment tables).

    One row per change: ``person``, ``change`` (``moved``, ``added``,
    ``removed``), ``order_a``, ``order_b``, ``slot_a``, ``slot_b``,
    ``host_unit_a``, ``host_unit_b``. A person placed differently in both
    plans is ``moved`` (their placements are paired up in date order).

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"person": ["P1", "P2"], "order": ["O1", "O2"], "slot": [0, 0], "start": ["2027-01-01"] * 2})
    >>> b = pd.DataFrame({"person": ["P1", "P3"], "order": ["O2", "O2"], "slot": [0, 0], "start": ["2027-01-01"] * 2})
    >>> plan_diff(a, b)[["person", "change", "order_a", "order_b"]].values.tolist()
    [['P1', 'moved', 'O1', 'O2'], ['P2', 'removed', 'O2', nan], ['P3', 'added', nan, 'O2']]
    """
    cols = ["person", "order", "slot", "start", "host_unit"]
    A = _assignments_of(a).reindex(columns=cols).copy()
    B = _assignments_of(b).reindex(columns=cols).copy()
    m = A.merge(B, on=["person", "order", "slot"], how="outer", indicator=True, suffixes=("_a", "_b"))
    only_a = m[m["_merge"] == "left_only"].sort_values(["person", "start_a"])
    only_b = m[m["_merge"] == "right_only"].sort_values(["person", "start_b"])
    only_a = only_a.assign(n=only_a.groupby("person").cumcount())
    only_b = only_b.assign(n=only_b.groupby("person").cumcount())
    x = only_a[["person", "n", "order", "slot", "host_unit_a"]].merge(
        only_b[["person", "n", "order", "slot", "host_unit_b"]], on=["person", "n"], how="outer",
        suffixes=("_a", "_b"))
    x["change"] = np.select([x["order_a"].notna() & x["order_b"].notna(), x["order_b"].notna()],
                            ["moved", "added"], "removed")
    out = x[["person", "change", "order_a", "order_b", "slot_a", "slot_b", "host_unit_a", "host_unit_b"]]
    return out.sort_values(["person", "change"]).reset_index(drop=True)


def check_plan(wb, plan) -> pd.DataFrame:
    """Every hard rule a plan breaks (an empty table when it breaks none).

    Re-derives each rule from the workbook and ``plan.assignments`` alone:
    sector, skill, level, lead, availability, exclusive pairing, the slot's
    dates (what is left of it from today), the person busy (one assignment at a time, existing ones included),
    seat capacity (existing active/planned included), ``lead_required`` and
    ``same_source``. Columns ``rule, person, order, slot, detail``.
    """
    a = _assignments_of(plan).reset_index(drop=True)
    cols = ["rule", "person", "order", "slot", "detail"]
    if a.empty:
        return pd.DataFrame(columns=cols)
    a = a.assign(row=np.arange(len(a)))
    people = wb.people.set_index("id")
    orders = wb.orders.set_index("id")
    out = []

    def bad(rule, mask, detail=""):
        if np.any(mask):
            r = a[np.asarray(mask)]
            out.append(pd.DataFrame({"rule": rule, "person": r["person"].to_numpy(), "order": r["order"].to_numpy(),
                                     "slot": r["slot"].to_numpy(), "detail": detail}))

    P = people.reindex(a["person"])
    O = orders.reindex(a["order"])
    bad("unknown", P["name"].isna().to_numpy() | O["host_unit"].isna().to_numpy())
    bad("sector", P["sector"].to_numpy() != O["sector"].to_numpy())
    bad("skill", O["skill"].notna().to_numpy() & (P["skill"].to_numpy() != O["skill"].to_numpy()))
    bad("level", P["level"].to_numpy() < O["min_level"].to_numpy())
    bad("lead", (O["role"].to_numpy() == "lead") & ~P["can_lead"].fillna(False).to_numpy().astype(bool))
    bad("availability", (P["available_from"].to_numpy() > a["start"].to_numpy())
        | (P["available_to"].to_numpy() < a["end"].to_numpy()))
    slots = slots_from_today(wb.orders)
    key = pd.MultiIndex.from_frame(slots[["order", "slot", "start", "end"]])
    bad("slot", key.get_indexer(pd.MultiIndex.from_frame(a[["order", "slot", "start", "end"]])) < 0)
    # exclusive pairings
    req = exclusive_senders(wb, slots[slots["order"].isin(a["order"])])
    if not req.empty:
        pa = person_ancestors(wb)
        need = a[["row", "person", "order", "slot"]].merge(req, on=["order", "slot"])
        ok = need.merge(pa, left_on=["person", "sender"], right_on=["person", "ancestor"])
        bad("pairing", (a["row"].isin(need["row"]) & ~a["row"].isin(ok["row"])).to_numpy())
    # busy: overlapping an existing assignment or another new one
    ex = wb.assignments[["person", "start", "end"]]
    hit = _overlap_hits(a[["row", "person", "start", "end"]], ex, "person")
    bad("busy", a["row"].isin(hit["row"]).to_numpy())
    self_ = a[["row", "person", "start", "end"]].merge(a[["row", "person", "start", "end"]], on="person",
                                                       suffixes=("", "_r"))
    self_ = self_[(self_["row"] != self_["row_r"]) & (self_["start"] <= self_["end_r"])
                  & (self_["end"] >= self_["start_r"])]
    bad("overlap", a["row"].isin(self_["row"]).to_numpy())
    # capacity per seat
    live = wb.assignments[wb.assignments["status"].isin(LIVE)]
    s = slots.assign(row=np.arange(len(slots)))
    used = np.bincount(_overlap_hits(s, live, "order")["row"], minlength=len(s))
    seat = key.get_indexer(pd.MultiIndex.from_frame(a[["order", "slot", "start", "end"]]))
    seat_ok = seat >= 0
    new = np.bincount(seat[seat_ok], minlength=len(s))
    over = used + new > s["headcount"].to_numpy()
    full = np.zeros(len(a), dtype=bool)
    full[seat_ok] = over[seat[seat_ok]]
    bad("full", full)
    # team rules
    tm = wb.teams.set_index("id")
    a_team = O["team"].to_numpy()
    held = pd.concat([live[live["end"] >= today()][["person", "order", "start", "end"]],
                      a[["person", "order", "start", "end"]]], ignore_index=True)
    held["team"] = held["order"].map(orders["team"])
    held["role"] = held["order"].map(orders["role"])
    lr = set(tm.index[tm["lead_required"]])
    is_member = pd.Series(a_team).isin(lr).to_numpy() & (O["role"].to_numpy() != "lead")
    if is_member.any():
        new_lead_teams = set(a_team[(O["role"].to_numpy() == "lead")])
        mem = a[is_member].assign(team=a_team[is_member])
        leads = held[held["role"].eq("lead")]
        covered = _overlap_hits(mem[["row", "team", "start", "end"]], leads, "team")["row"]
        no_lead = mem[~mem["row"].isin(covered) & ~mem["team"].isin(new_lead_teams)]
        bad("lead_required", a["row"].isin(no_lead["row"]).to_numpy())
    ss = set(tm.index[tm["same_source"]])
    in_ss = pd.Series(a_team).isin(ss).to_numpy()
    if in_ss.any():
        cities = source_city(wb)
        old = held.iloc[: len(held) - len(a)]
        old = old[old["team"].isin(ss)].assign(city=lambda d: d["person"].map(cities))
        mem = a[in_ss].assign(team=a_team[in_ss], city=a.loc[in_ss, "person"].map(cities).to_numpy())
        n_cities = mem.groupby("team")["city"].nunique()
        many = mem["team"].map(n_cities).to_numpy() > 1
        outside = mem["team"].isin(old["team"]).to_numpy() & ~pd.MultiIndex.from_frame(
            mem[["team", "city"]]).isin(pd.MultiIndex.from_frame(old[["team", "city"]]))
        bad("same_source", a["row"].isin(mem["row"][many | outside]).to_numpy())
    if not out:
        return pd.DataFrame(columns=cols)
    return pd.concat(out, ignore_index=True)[cols]
