"""Write-back: new assignments with the tie-breaker that decided, unfilled seats with a reason."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.hierarchy import source_city
from ..core.utils import sorted_keys
from ..core.vocabulary import Role, Status
from ..programme.eligibility import capable_pairs, exclusive_senders
from .candidates import busy_mask, integer_codes, overlap_hits
from .model import Solution
from .plan import CONTRACT, PERSON_MAX, WISH_RANKS, Objective, Plan, SolveStatus
from .team_rules import ruled_teams, size_pairs


def _any_in(keys: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per probe: is any of the sorted ``keys`` (ending with a sentinel above all) in ``[lo, hi)``; where the first is."""
    at = np.searchsorted(keys, lo)
    return keys[at] < hi, at


def _why(pairs: pd.DataFrame, w: np.ndarray, chosen: np.ndarray, n_pinned: int) -> np.ndarray:
    """Which tie-breaker decided each placed pair.

    A placed pair is compared with the alternatives it beat: the seat's other
    candidates, and the person's other seats of the same weight. Criteria are
    checked in order (preferred pairing, exact skill, wish, the person's preferences, fair share); the
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
    person, city = integer_codes(pairs, "person", "person_code"), integer_codes(pairs, "source_city", "city_code")
    city_of = np.full(person.max() + 1, -1)
    city_of[person] = city
    pool = np.bincount(city_of[city_of >= 0], minlength=city.max() + 1)
    used = np.bincount(city[chosen], minlength=len(pool))
    n_city = len(pool)
    seat = pairs["seat"].to_numpy().astype(np.int64)
    pref = pairs["preferred"].to_numpy().astype(np.int64)
    exact = pairs["exact_skill"].to_numpy().astype(np.int64)
    r = pairs["wish_rank"].to_numpy().astype(np.int64)
    n_ws, n_pp = WISH_RANKS + 1, PERSON_MAX + 1
    wish = np.where(r >= 0, WISH_RANKS - np.minimum(r, WISH_RANKS), 0)
    pp = (np.minimum(pairs["person_pref"].to_numpy().astype(np.int64), PERSON_MAX) if "person_pref" in pairs
          else np.zeros(len(pairs), np.int64))
    feat = ((pref * 2 + exact) * n_ws + wish) * n_pp + pp
    n_feat = 4 * n_ws * n_pp
    rest = np.ones(len(pairs), bool)
    rest[chosen] = False
    # the seat's other candidates: (seat, features, city by falling share)
    share = used / np.maximum(pool, 1)
    by_share = np.argsort(-share, kind="stable")
    rank = np.empty(n_city, np.int64)
    rank[by_share] = np.arange(n_city)
    seat_keys = sorted_keys((seat[rest] * n_feat + feat[rest]) * n_city + rank[city[rest]])
    # the person's other seats of the same weight: (person, weight, features)
    level, weights = pd.factorize(w)
    n_level = len(weights)
    placed = np.zeros(person.max() + 1, dtype=bool)
    placed[person[chosen]] = True
    alt = rest & placed[person]
    person_keys = sorted_keys((person[alt] * n_level + level[alt]) * n_feat + feat[alt])
    cp, ce, cw, cf, cc = pref[chosen], exact[chosen], wish[chosen], feat[chosen], city[chosen]
    lows = [np.zeros(n, np.int64), cp * 2 * n_ws * n_pp, (cp * 2 + ce) * n_ws * n_pp,
            ((cp * 2 + ce) * n_ws + cw) * n_pp]                                 # tied on the earlier criteria
    highs = [cp * 2 * n_ws * n_pp, (cp * 2 + ce) * n_ws * n_pp, ((cp * 2 + ce) * n_ws + cw) * n_pp, cf]  # lower here
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
    out = np.select(hits, ["preferred", "exact_skill", "wish", "person_pref", "fair_share"], "priority").astype(object)
    out[:n_pinned] = "pinned"
    return out


def _limit_blocked(m, chosen: np.ndarray) -> np.ndarray:
    """Per pair not placed: the rule (a row of ``m.limit_rules``) of a quota or staff cap whose row the plan has
    filled and that holds the pair (-1: none)."""
    rule = np.full(m.n_pairs, -1, np.int64)
    on = np.zeros(m.n_pairs, bool)
    on[np.asarray(chosen, np.int64)] = True
    for ks, rhs, r in zip(m.limit_pairs, m.limit_rhs.tolist(), m.limit_rule.tolist()):
        if int(on[ks].sum()) >= rhs:
            free = ks[(rule[ks] < 0) & ~on[ks]]
            rule[free] = r
    return rule


def _limit_text(rules: pd.DataFrame, r: int) -> tuple[str, str]:
    """(sender, figures) of rule ``r`` for the unfilled table: ``limit|staff|share`` (cap), ``limit|batch`` (quota)."""
    x = rules.iloc[int(r)]
    if x["kind"] == "staff_cap":
        return str(x["sender"]), f"{int(x['limit'])}|{int(x['staff'])}|{float(x['max_share'])}"
    return str(x["sender"]), f"{int(x['limit'])}|{x['batch']}"


def _unfilled(wb, seats, pairs_all, chosen_pairs: pd.DataFrame, filled: np.ndarray,
              busy: pd.DataFrame, pool: pd.DataFrame | None = None, stopped: bool = False, m=None,
              chosen: np.ndarray | None = None) -> pd.DataFrame:
    """Empty seats with a reason, decided by checking the rules in stages.

    The rules are checked against ``pool`` (default: everyone). When the solver
    ``stopped`` short of a proof (at its time limit, or with a gap), a seat that had allowed free candidates gets
    ``time_limit``: nothing proves a team rule or a better seat kept it empty.
    """
    empty = seats["remaining"].to_numpy() - filled
    u = seats[empty > 0].copy()
    u["seats"] = empty[empty > 0]
    u["seat"] = np.flatnonzero(empty > 0)
    cols = ["order", "slot", "start", "end", "seats", "host_unit", "sector", "priority", "reason", "senders", "limit"]
    if u.empty:
        return u.assign(reason=pd.Series([], dtype=str), senders=pd.Series([], dtype=object),
                        limit=pd.Series([], dtype=object))[cols].reset_index(drop=True)
    # stage 1: anyone capable (sector, skill, level, lead)?
    pe = wb.people if pool is None else pool
    g = pe[pe["sector"].notna()].groupby(["sector", "skill", "can_lead", "level"], dropna=False).size().rename("n").reset_index()
    us = u[["seat", "sector", "skill", "role", "min_level"]]
    named = us[us["skill"].notna()].merge(g, on=["sector", "skill"], suffixes=("", "_p"))
    anyskill = us[us["skill"].isna()].drop(columns="skill").merge(g.drop(columns="skill"), on="sector")
    cap = pd.concat([named, anyskill])
    cap = cap[(cap["level"] >= cap["min_level"]) & (cap["can_lead"] | cap["role"].ne(Role.LEAD))]
    capable = u["seat"].isin(cap["seat"]).to_numpy()
    # stage 2: free over the whole stint and not busy (pairings ignored)
    # a seat with an allowed candidate (pairs_all is already busy-filtered) is free: check only the others
    allowed = u["seat"].isin(pairs_all["seat"]).to_numpy()
    sl_rows = np.flatnonzero(capable & ~allowed)
    sl = u.iloc[sl_rows].drop(columns=["seats", "seat"]).reset_index(drop=True)
    # one join for both questions: who is capable (pairings aside), and which seats only the criteria keep empty
    free, sl_blocked = (capable_pairs(wb, pe, sl, blocked=True) if len(sl)
                        else (pd.DataFrame(columns=["person", "order", "slot"]), np.zeros(0, bool)))
    if len(free):
        key = pd.MultiIndex.from_frame(seats[["order", "slot"]])
        free["seat"] = key.get_indexer(pd.MultiIndex.from_frame(free[["order", "slot"]]))
        free["start"] = seats["start"].to_numpy()[free["seat"].to_numpy()]
        free["end"] = seats["end"].to_numpy()[free["seat"].to_numpy()]
        free = free[~busy_mask(free, busy)]
    is_free = allowed | u["seat"].isin(free["seat"] if len(free) else []).to_numpy()
    # stage 3: allowed by exclusive pairings (and forbids): ``allowed`` above
    # stage 4: an allowed candidate left idle over this seat → a team rule held the seat empty
    idle = np.zeros(len(u), dtype=bool)
    # stage 4a: every idle candidate held back by a quota or staff cap the plan has filled → that rule
    limit_rule = np.full(len(u), -1, np.int64)
    if len(pairs_all):
        sel = np.flatnonzero(pairs_all["seat"].isin(u["seat"]).to_numpy())
        cand = pairs_all.iloc[sel][["person", "seat", "start", "end"]]
        cand = cand.assign(row=np.arange(len(cand)))
        busy_now = overlap_hits(cand, chosen_pairs[["person", "start", "end"]], "person")
        idle_rows = np.setdiff1d(cand["row"].to_numpy(), busy_now["row"].to_numpy())
        idle = u["seat"].isin(cand["seat"].to_numpy()[idle_rows]).to_numpy()
        if m is not None and m.limit_pairs and chosen is not None and len(idle_rows):
            held_by = _limit_blocked(m, chosen)
            by = held_by[sel[idle_rows]]
            g = pd.DataFrame({"seat": cand["seat"].to_numpy()[idle_rows], "rule": by})
            agg = g.groupby("seat")["rule"].agg(["min", "first"])
            agg = agg[agg["min"] >= 0]  # every idle candidate of the seat is held back
            limit_rule = u["seat"].map(agg["first"]).fillna(-1).to_numpy().astype(np.int64)
    # stage 4b: the seat is in a team's stretch with nobody on post that the plan left empty, and fewer could go
    # there than the team's least size → min_size (the row with the fewest who could go names the figures)
    size_fig = np.full(len(u), np.nan, dtype=object)
    if m is not None and m.size_seats and chosen is not None and len(pairs_all):
        idle_pair = np.zeros(m.n_pairs, bool)
        idle_pair[sel[idle_rows]] = True
        on = np.zeros(m.n_pairs, bool)
        on[np.asarray(chosen, np.int64)] = True
        best = {}
        for ks, seats_r, live, n, tid in zip(size_pairs(m), m.size_seats, m.size_live, m.size_min, m.size_team):
            if on[ks].any():
                continue
            kl = np.concatenate([m.seat_pairs(s) for s in live]) if len(live) else np.zeros(0, np.int64)
            k = min(len(np.unique(m.pair_person[kl[idle_pair[kl]]])), int(m.cap[live].sum()))
            if k >= n:
                continue
            for s_ in seats_r.tolist():
                if s_ not in best or k < best[s_][2]:
                    best[s_] = (tid, n, k)
        pos = pd.Series(np.arange(len(u)), index=u["seat"].to_numpy())
        for s_, (tid, n, k) in best.items():
            if s_ in pos.index:
                size_fig[pos[s_]] = f"{tid}|{n}|{k}"
    sized = pd.notna(size_fig) & idle
    lr, ss = ruled_teams(wb)
    ruled = u["team"].isin(lr.union(ss)).to_numpy()
    # stage 2b: people available over the stint, but none meets the selection criteria (design §11)
    # (the seats not free are among those without an allowed candidate: ``sl``)
    crit = np.zeros(len(u), dtype=bool)
    crit[sl_rows] = sl_blocked
    crit &= capable & ~is_free
    kind = np.full(len(u), "", dtype=object)
    if (limit_rule >= 0).any():
        kind[limit_rule >= 0] = m.limit_rules["kind"].to_numpy()[limit_rule[limit_rule >= 0]]
    reason = np.select(
        [~capable, crit, ~is_free, ~allowed, np.full(len(u), stopped), kind == "quota", kind == "staff_cap",
         sized, idle & ruled],
        ["no_one_in_sector", "criteria", "no_one_free", "pairing", "time_limit", "quota", "staff_cap", "team_size",
         "team_rule"],
        "lost_to_higher_priority")
    u["reason"] = reason
    # a seat the pairings keep empty names the senders that decide it
    pu = u[u["reason"].eq("pairing")]
    req = exclusive_senders(wb, pu) if len(pu) else pd.DataFrame(columns=["order", "slot", "sender"])
    snd = req.groupby(["order", "slot"])["sender"].agg(lambda x: "、".join(sorted(set(map(str, x)))))
    key = pd.MultiIndex.from_frame(u[["order", "slot"]].astype({"slot": np.int64}))
    u["senders"] = snd.reindex(key).to_numpy() if len(snd) else np.full(len(u), np.nan, dtype=object)
    # a seat a quota or staff cap keeps empty names the sender and the rule's figures
    limit = np.full(len(u), np.nan, dtype=object)
    held = np.flatnonzero(np.isin(reason, ["quota", "staff_cap"]))
    if len(held):
        senders = np.asarray(u["senders"].to_numpy(), dtype=object).copy()
        for i in held.tolist():
            senders[i], limit[i] = _limit_text(m.limit_rules, limit_rule[i])
        u["senders"] = senders
    ts = reason == "team_size"
    limit[ts] = size_fig[ts]
    u["limit"] = limit
    return u[cols].reset_index(drop=True)


def write_back(wb, seats, pairs, sol: Solution, pinned: pd.DataFrame, busy, lang, pool=None, model=None) -> Plan:
    """Tables from a solution: new assignments, unfilled seats, objective, workbook.

    ``pool`` (people) is who could be drawn on; unfilled reasons are judged against it. ``model``
    (the :class:`~planning.allocation.model.Model` solved) names the quotas and staff caps that keep seats empty.
    """
    cities = source_city(wb)
    placed = pd.DataFrame({"person": pairs["person"].to_numpy()[sol.chosen],
                           "seat": pairs["seat"].to_numpy()[sol.chosen]})
    pin_part = pinned[["person", "seat"]]
    both = pd.concat([pin_part, placed], ignore_index=True)
    s = seats.iloc[both["seat"].to_numpy()].reset_index(drop=True)
    a = pd.DataFrame({"person": both["person"].to_numpy(), "order": s["order"].to_numpy(),
                      "start": s["start"].to_numpy(), "end": s["end"].to_numpy(), "status": Status.PLANNED.value,
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
    unfilled = _unfilled(wb, seats, pairs, a, filled, busy, pool,
                         stopped=sol.status in (SolveStatus.TIME_LIMIT, SolveStatus.FEASIBLE), m=model,
                         chosen=sol.chosen)
    w = seats["priority"].to_numpy().astype(np.int64)
    pin_value = int((2 ** (w[pin_part["seat"].to_numpy()] - 1)).sum())
    value = sol.value + pin_value
    bound = None if sol.bound is None else sol.bound + pin_value
    gap = None if bound is None else (0.0 if bound <= 0 else max(0.0, (bound - value) / bound))
    # statuses as plain strings in the plan (they are saved, compared and shown as text)
    obj = Objective(value=value, bound=bound, status=str(sol.status), gap=gap, method=sol.method, seconds=0.0,
                    tiebreak_status=str(sol.tiebreak_status), tiebreak_value=sol.tiebreak_value,
                    proof_seconds=sol.proof_seconds, note=sol.note, tiebreak_bound=sol.tiebreak_bound)
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
                         "end": s["end"].to_numpy(), "host_unit": s["host_unit"].to_numpy(), "wish_rank": -1, "person_pref": 0,
                         "source_city": pinned["person"].map(source_city(wb)).to_numpy()})
