"""Resilience of the programme: what each sender's (or person's) withdrawal would cost.

All figures are read from a plan's own inputs (its seats, candidate pairs and model,
:class:`planning.allocation.plan.PlanInputs`): a *candidate* of a seat is a person the
allocation could have placed there (eligible, free over the seat, allowed by the pairings).

- **Seats lost** (:func:`withdrawal_seats`): places whose candidates all belong to the
  withdrawn sender, so that none would be left; by host unit and sector. A vectorised
  count: per seat, the number of distinct senders among its candidates.
- **Objective lost** (:func:`withdrawal_costs`): the change in the plan's first objective
  (Σ 2^(priority−1) over filled places) when re-planned without the sender's people. When
  the plan was solved by the flow path (each person's candidate seats overlap in time, no
  team rule), the first objective's optimum is a chain of maximum flows (the seats of each
  weight and above, :func:`first_objective`); only the connected parts of the candidate
  graph that the sender's people reach change, so only those are solved again. Otherwise
  each sender is re-planned with :func:`planning.allocation.pipeline.allocate` (its
  ``people`` argument), the same solver as the plan.
- **Single points of failure** (:func:`single_points`): a host unit × sector whose open
  places have exactly one candidate person, or candidates from only one sender.
- **Dependence** (:func:`dependence`): per sender, the host units that rely on it alone for
  some sector.

A sender is a source city (``by="city"``, :func:`planning.core.hierarchy.source_city`), a
sending unit (``by="unit"``) or a person (``by="person"``).

Examples
--------
>>> import planning
>>> from planning.allocation.resilience import withdrawal_costs
>>> plan = planning.allocate(planning.load_workbook(planning.SAMPLE))
>>> w = withdrawal_costs(plan)
>>> bool((w["objective_change"] <= 0).all()), bool((w["seats_lost"] >= 0).all())
(True, True)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.hierarchy import source_city

BY = ("city", "unit", "person")


def _sender_of(plan, by: str) -> pd.Series:
    """Each candidate pair's sender (source city, sending unit or person), aligned with ``plan.inputs.pairs``."""
    if by not in BY:
        raise ValueError(f"by must be one of {BY}, not {by!r}")
    pairs, wb = plan.inputs.pairs, plan.inputs.workbook
    if by == "person":
        return pairs["person"].astype(str).reset_index(drop=True)
    if by == "city":
        key = source_city(wb)
    else:
        key = wb.people.set_index("id")["sending_unit"]
    return pairs["person"].map(key).astype(str).reset_index(drop=True)


def _open_pairs(plan, by: str) -> pd.DataFrame:
    """Candidate pairs of seats with places to fill: seat, person code, sender, places, host unit, sector."""
    ctx = plan.inputs
    m, seats = ctx.model, ctx.seats
    cap = np.asarray(m.cap, dtype=np.int64)
    seat = m.pair_seat.astype(np.int64)
    p = pd.DataFrame({"seat": seat, "person": m.pair_person.astype(np.int64),
                      "sender": _sender_of(plan, by).to_numpy(), "places": cap[seat]})
    p = p[p["places"].to_numpy() > 0]
    p["host_unit"] = seats["host_unit"].to_numpy()[p["seat"].to_numpy()]
    p["sector"] = seats["sector"].to_numpy()[p["seat"].to_numpy()]
    return p


def withdrawal_seats(plan, by: str = "city") -> pd.DataFrame:
    """Places that would have no candidate left if a sender withdrew, by sender, host unit and sector.

    Returns
    -------
    DataFrame
        ``sender, host_unit, sector, seats`` (places of seats whose every
        candidate is the sender's), largest first.
    """
    p = _open_pairs(plan, by)
    per = p.drop_duplicates(["seat", "sender"])
    n = per.groupby("seat")["sender"].transform("size")
    sole = per[n.to_numpy() == 1]
    out = sole.groupby(["sender", "host_unit", "sector"], as_index=False)["places"].sum().rename(
        columns={"places": "seats"})
    return out.sort_values(["seats", "sender", "host_unit", "sector"], ascending=[False, True, True, True],
                           ignore_index=True)


def first_objective(person: np.ndarray, seat: np.ndarray, w: np.ndarray, cap: np.ndarray,
                    supply: np.ndarray | None = None) -> int:
    """The first objective's optimum when each person takes at most one seat: Σ weight over filled places.

    Seats' weights are powers of two, so the seats fillable together form a transversal matroid and the
    greedy rule is exact: one maximum flow (OR-Tools ``SimpleMaxFlow``) per weight level counts how many
    places of that weight and above can be filled at once (``w`` and ``cap`` are per seat, ``person`` and
    ``seat`` per pair). ``supply`` (per person code) merges interchangeable people: a node of that many.

    Examples
    --------
    >>> import numpy as np
    >>> first_objective(np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([4, 1]), np.array([1, 1]))
    5
    >>> first_objective(np.array([0, 0]), np.array([0, 1]), np.array([4, 1]), np.array([1, 1]), np.array([2]))
    5
    """
    from ortools.graph.python import max_flow

    if len(person) == 0:
        return 0
    people, pc = np.unique(person, return_inverse=True)
    seats, sc = np.unique(seat, return_inverse=True)
    size = np.ones(len(people), np.int64) if supply is None else np.asarray(supply, np.int64)[people]
    n_p, n_s = len(people), len(seats)
    src, snk = n_p + n_s, n_p + n_s + 1
    sw = w[seats]
    arc_cap = np.minimum(size[pc], cap[seats][sc])
    total, prev = 0, 0
    for lv in np.unique(sw)[::-1]:
        sel = sw[sc] >= lv
        mf = max_flow.SimpleMaxFlow()
        tails = np.concatenate([np.full(n_p, src), pc[sel], n_p + np.arange(n_s)])
        heads = np.concatenate([np.arange(n_p), n_p + sc[sel], np.full(n_s, snk)])
        caps = np.concatenate([size, arc_cap[sel], np.where(sw >= lv, cap[seats], 0)])
        mf.add_arcs_with_capacity(tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64))
        if mf.solve(src, snk) != mf.OPTIMAL:
            raise RuntimeError("maximum flow did not finish")
        r = int(mf.optimal_flow())
        total += int(lv) * (r - prev)
        prev = r
    return total


def _components(person: np.ndarray, seat: np.ndarray) -> np.ndarray:
    """Connected part of the candidate graph each pair belongs to (SciPy ``connected_components``)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if len(person) == 0:
        return np.zeros(0, np.int64)
    n_p = int(person.max()) + 1
    n = n_p + int(seat.max()) + 1
    g = coo_matrix((np.ones(len(person)), (person, n_p + seat)), shape=(n, n))
    return connected_components(g, directed=False)[1][person]


def objective_changes(plan, by: str = "city", senders=None) -> pd.Series:
    """Change in the plan's first objective when re-planned without each sender's people (≤ 0).

    ``senders`` limits the senders re-planned (default: every sender with a candidate).
    On the flow path, people with the same candidate seats are one node of their number
    (:func:`planning.allocation.solvers.flow.interchangeable`), a sender's withdrawal lowers the
    numbers of the nodes its people are in, and only the connected parts of the candidate graph
    it reaches are solved again (:func:`first_objective`); otherwise each sender is re-planned
    by :func:`allocate`.
    """
    from .model import Model, flow_applies
    from .solvers.flow import interchangeable

    m = plan.inputs.model
    sender = _sender_of(plan, by).to_numpy()
    names = pd.unique(sender) if senders is None else pd.unique(pd.Series(list(senders), dtype=object))
    if not flow_applies(m):
        return _replanned(plan, by, names)
    if m.n_pairs == 0:
        return pd.Series(0, index=pd.Index(names, name="sender"), name="objective_change", dtype=np.int64)
    cap = np.asarray(m.cap, dtype=np.int64)
    w = np.zeros(len(cap), np.int64)
    w[m.pair_seat] = m.pair_w
    person = m.pair_person.astype(np.int64)
    codes, pair_sender = np.unique(sender.astype(str), return_inverse=True)
    person_sender = np.zeros(int(person.max()) + 1, np.int64)
    person_sender[person] = pair_sender
    # interchangeable people: the same candidate seats (rewards do not matter to the first objective)
    g = interchangeable(Model(pair_person=person, pair_seat=m.pair_seat.astype(np.int64), pair_w=m.pair_w,
                              pair_tie=np.zeros(len(person), np.int64), pair_start=m.pair_start,
                              pair_end=m.pair_end, person_city=person_sender, cap=cap,
                              fair_levels=np.zeros((len(codes), 1), np.int64)))
    node, seat = g.arc_group, g.arc_seat
    comp = _components(node, seat)
    order = np.argsort(comp, kind="stable")
    bounds = np.searchsorted(comp[order], np.arange(comp.max(initial=-1) + 2))
    comp_of_group = np.full(g.n_groups, -1, np.int64)
    comp_of_group[node] = comp
    # (group, sender) blocks: how many of a group's people each sender has
    block = pd.DataFrame({"group": g.city_group, "sender": g.city_city, "n": g.city_count})
    block = block[comp_of_group[block["group"].to_numpy()] >= 0]
    by_sender = {k: v for k, v in block.groupby("sender")}
    base: dict[int, int] = {}
    out = {}
    for name in names:
        k = np.searchsorted(codes, str(name))
        if k >= len(codes) or codes[k] != str(name) or k not in by_sender:
            out[name] = 0
            continue
        mine = by_sender[k]
        size = g.size.astype(np.int64).copy()
        size[mine["group"].to_numpy()] -= mine["n"].to_numpy()
        delta = 0
        for c in np.unique(comp_of_group[mine["group"].to_numpy()]):
            idx = order[bounds[c]:bounds[c + 1]]
            if c not in base:
                base[c] = first_objective(node[idx], seat[idx], w, cap, g.size)
            keep = idx[size[node[idx]] > 0]
            delta += first_objective(node[keep], seat[keep], w, cap, size) - base[c]
        out[name] = delta
    return pd.Series(out, name="objective_change", dtype=np.int64)


def _replanned(plan, by: str, names) -> pd.Series:
    """Objective changes by re-planning each sender away with :func:`allocate` (models the flow cannot solve)."""
    from .pipeline import allocate

    wb = plan.inputs.workbook
    pairs = plan.inputs.pairs
    sender = _sender_of(plan, by)
    everyone = pd.Index(wb.people["id"])
    base = plan.objective.value
    out = {}
    for name in names:
        gone = set(pairs["person"].to_numpy()[sender.to_numpy() == name])
        if not gone:
            out[name] = 0
            continue
        again = allocate(wb, people=everyone[~everyone.isin(gone)], planning_date=plan.planning_date, lang=plan.lang)
        out[name] = int(again.objective.value) - int(base)
    return pd.Series(out, name="objective_change", dtype=np.int64)


def withdrawal_costs(plan, by: str = "city", objective: bool = True, senders=None) -> pd.DataFrame:
    """What each sender's withdrawal would cost, one row per sender with a candidate.

    Returns
    -------
    DataFrame
        ``sender``, ``people`` (its candidates), ``seats_lost`` (places left
        with no candidate), ``host_units_lost`` (host units with such a place),
        ``sole_host_units`` (host units relying on it alone for some sector,
        :func:`dependence`) and, with ``objective``, ``objective_change`` (the
        first objective re-planned without it minus the plan's, :func:`objective_changes`);
        sorted by the largest cost first.
    """
    p = _open_pairs(plan, by)
    people = p.groupby("sender")["person"].nunique().rename("people")
    lost = withdrawal_seats(plan, by)
    seats_lost = lost.groupby("sender")["seats"].sum().rename("seats_lost")
    units_lost = lost.groupby("sender")["host_unit"].nunique().rename("host_units_lost")
    dep = dependence(plan, by).set_index("sender")["host_units"].rename("sole_host_units")
    out = pd.concat([people, seats_lost, units_lost, dep], axis=1).fillna(0).astype(np.int64)
    if senders is not None:
        out = out[out.index.isin(set(senders))]
    sort = ["seats_lost", "sole_host_units"]
    if objective:
        out["objective_change"] = objective_changes(plan, by, out.index).reindex(out.index).fillna(0).astype(np.int64)
        sort = ["objective_change"] + sort
    out.index.name = "sender"
    out = out.reset_index()
    asc = [True, False, False] if objective else [False, False]
    return out.sort_values(sort + ["sender"], ascending=asc + [True], ignore_index=True)


def single_points(plan) -> pd.DataFrame:
    """Host unit × sector whose open places have one candidate person, or candidates of one source city only.

    Returns
    -------
    DataFrame
        ``host_unit, sector, seats, people, senders, kind`` (``person``: one
        candidate; ``sender``: one source city), ``person`` and ``sender`` (the
        only one, where there is one).
    """
    p = _open_pairs(plan, "city")
    if p.empty:
        return pd.DataFrame(columns=["host_unit", "sector", "seats", "people", "senders", "kind", "person", "sender"])
    names = plan.inputs.pairs["person"].to_numpy()
    person_id = np.empty(int(plan.inputs.model.pair_person.max(initial=-1)) + 1, dtype=object)
    person_id[plan.inputs.model.pair_person] = names
    p["person_id"] = person_id[p["person"].to_numpy()]
    seats = p.drop_duplicates("seat").groupby(["host_unit", "sector"])["places"].sum().rename("seats")
    g = p.groupby(["host_unit", "sector"])
    out = pd.concat([seats, g["person_id"].nunique().rename("people"), g["sender"].nunique().rename("senders"),
                     g["person_id"].first().rename("person"), g["sender"].first().rename("sender")], axis=1)
    out = out[(out["people"] == 1) | (out["senders"] == 1)].reset_index()
    out["kind"] = np.where(out["people"] == 1, "person", "sender")
    out["person"] = out["person"].where(out["people"] == 1, None)
    return out[["host_unit", "sector", "seats", "people", "senders", "kind", "person", "sender"]].sort_values(
        ["seats", "host_unit", "sector"], ascending=[False, True, True], ignore_index=True)


def dependence(plan, by: str = "city") -> pd.DataFrame:
    """Senders on whom host units depend alone: ``sender, host_units`` (host units with a sector whose
    open places have candidates of that sender only), most first."""
    p = _open_pairs(plan, by)
    per = p.drop_duplicates(["host_unit", "sector", "sender"])
    n = per.groupby(["host_unit", "sector"])["sender"].transform("size")
    sole = per[n.to_numpy() == 1]
    out = sole.groupby("sender")["host_unit"].nunique().rename("host_units").reset_index()
    return out.sort_values(["host_units", "sender"], ascending=[False, True], ignore_index=True)


def candidates_only(wb, window=None):
    """A plan with no new placement, made of the candidate graph alone (seats and candidate pairs, not solved).

    For the pages that show the single points of failure and the groups of seats with too few candidates
    of a published version without planning it again: :func:`single_points`, :func:`dependence`,
    :func:`withdrawal_seats` and :func:`planning.allocation.bottleneck.bottlenecks` read only its inputs
    (every seat counts as empty, so every day a seat starts on is looked at).
    """
    from .candidates import busy_table, candidate_pairs, planned_seats
    from .inputs import pairs_frame, parse_window, planning_day
    from .model import build_model
    from .plan import CONTRACT, Objective, Plan, PlanInputs

    w = parse_window(window)
    seats = planned_seats(wb, w, planning_day(w))
    busy = busy_table(wb)
    none = pairs_frame((), 3, "pin")
    pairs = candidate_pairs(wb, seats, busy, pairs_frame((), 2, "forbid"))
    m, _ = build_model(wb, seats, pairs, none.assign(seat=pd.Series([], dtype=np.int64)))
    empty = pd.DataFrame(columns=CONTRACT + ["slot", "reason"])
    unfilled = pd.DataFrame(columns=["order", "slot", "seats"])
    plan = Plan(assignments=empty, unfilled=unfilled, objective=Objective(0, None, "skipped", None, "none", 0.0),
                workbook=wb)
    plan.inputs = PlanInputs(workbook=wb, seats=seats, pairs=pairs, busy=busy, model=m)
    return plan
