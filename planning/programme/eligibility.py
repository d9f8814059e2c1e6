"""Which person may sit in which seat: the sparse table of allowed pairs.

A person is eligible for an order seat when: same sector; same skill if the
order names one; ``level >= min_level``; ``can_lead`` if the role is lead;
available over the whole stint (slot); when exclusive pairings are in
force for the seat, under the sender of one of the most specific of them
(:func:`planning.core.pairings.deciding_pairings`); and every selection criterion
the seat sets is met (design §11, :func:`criteria_failures`): rank, title, age
cap, Party membership, Party and service years, a valid medical check, altitude
clearance, vetting stage and term rules. ``preferred`` marks people under a
sender responsible for the seat.

The table is built by joins on sector (and skill), never by a loop over
people × orders; people are processed in chunks to bound memory.

Examples
--------
>>> import planning
>>> from planning.programme.eligibility import eligible_pairs
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> pairs = eligible_pairs(wb)
>>> set(pairs.columns) >= {"person", "order", "slot", "exact_skill"}
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.facts import derived
from ..core.hierarchy import person_ancestors
from ..core.live import LIVE
from ..core.pairings import deciding_pairings
from ..core.periods import ends
from ..core.utils import ranges
from ..core.vocabulary import Role
from ..core.i18n import default_lang, sector_label, t
from .criteria import (CRITERIA, GRADES, RANKS, STAGES, TITLES, criteria_failures, medical_valid_until, meets_criteria,
                       person_facts, seat_criteria, whole_years)
from .seats import add_months, order_slots

CHUNK = 400_000  # candidate rows per join chunk


def exclusive_senders(wb, slots: pd.DataFrame) -> pd.DataFrame:
    """Per seat, the exclusive pairings' senders that decide it (``order``, ``slot``, ``sender``).

    A person qualifies for the seat when under any one of them; a seat with no
    row is not restricted by pairings (design §4, :mod:`planning.core.pairings`).
    """
    slots = slots.reset_index(drop=True)
    d = deciding_pairings(wb, slots)
    d = d[d["decides"]]
    s = d["seat"].to_numpy()
    return pd.DataFrame({"order": slots["order"].to_numpy()[s], "slot": slots["slot"].to_numpy()[s].astype(np.int64),
                         "sender": d["sender"].to_numpy()}).drop_duplicates().reset_index(drop=True)


@derived("regions", "units", "pairings", "people", "orders", "term_rules")
def eligible_rows(wb, slots: pd.DataFrame | None = None, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every allowed pair as row positions: ``person_row`` (into ``people``), ``slot_row`` (into ``slots``).

    Also ``exact_skill`` and ``preferred``. This is :func:`eligible_pairs`
    without the names, for callers that go on with arrays (the allocation
    model). Keys (sector, skill, senders) are integer codes; the join is a
    sorted-array range expansion, chunked over people to bound memory.
    """
    slots = order_slots(wb.orders) if slots is None else slots
    people = wb.people if people is None else people
    prow, srow, exact = _join(people, slots)
    keep = meets_criteria(wb, people, slots, prow, srow)
    prow, srow, exact = prow[keep], srow[keep], exact[keep]
    ok, preferred = _pairing_flags(wb, people, slots, prow, srow)
    return pd.DataFrame({"person_row": prow[ok], "slot_row": srow[ok], "exact_skill": exact[ok],
                         "preferred": preferred[ok]})


def eligible_pairs(wb, slots: pd.DataFrame | None = None, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every allowed (person, order, slot) with ``exact_skill`` and ``preferred`` flags.

    Parameters
    ----------
    wb : Workbook
    slots : DataFrame, optional
        Seats to consider (default: every slot of every order, see
        :func:`planning.programme.seats.order_slots`).
    people : DataFrame, optional
        People to consider (default: everyone).
    """
    slots = order_slots(wb.orders) if slots is None else slots
    people = wb.people if people is None else people
    r = eligible_rows(wb, slots, people)
    pr, sr = r["person_row"].to_numpy(), r["slot_row"].to_numpy()
    return pd.DataFrame({"person": people["id"].to_numpy()[pr], "order": slots["order"].to_numpy()[sr],
                         "slot": slots["slot"].to_numpy()[sr].astype(np.int64),
                         "exact_skill": r["exact_skill"].to_numpy(), "preferred": r["preferred"].to_numpy()})


def capable_pairs(wb, people: pd.DataFrame, slots: pd.DataFrame, *, blocked: bool = False):
    """Every (person, order, slot) passing every rule but the pairings: who could take a seat if pairings allowed.

    The question an unfilled seat's reason asks ("no one free in the period" or "pairing"):
    :func:`eligible_pairs` without :func:`exclusive_senders` (the selection criteria apply).
    Columns ``person, order, slot, exact_skill``. ``blocked=True`` also returns
    :func:`criteria_blocked` of ``slots`` from the same join: ``(pairs, blocked)``.
    """
    prow, srow, exact = _join(people, slots)
    keep = meets_criteria(wb, people, slots, prow, srow)
    if blocked:
        basic, met = np.zeros(len(slots), bool), np.zeros(len(slots), bool)
        basic[srow] = True
        met[srow[keep]] = True
    prow, srow, exact = prow[keep], srow[keep], exact[keep]
    out = pd.DataFrame({"person": people["id"].to_numpy()[prow], "order": slots["order"].to_numpy()[srow],
                         "slot": slots["slot"].to_numpy()[srow].astype(np.int64), "exact_skill": exact})
    return (out, basic & ~met) if blocked else out


def _codes(*columns: pd.Series) -> list[np.ndarray]:
    """One integer code per distinct value across the columns (-1 for missing)."""
    codes, _ = pd.factorize(pd.concat([c.reset_index(drop=True) for c in columns], ignore_index=True))
    return np.split(codes.astype(np.int64), np.cumsum([len(c) for c in columns])[:-1])


def _join(people: pd.DataFrame, slots: pd.DataFrame, groups=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person row, slot row, exact skill) of every pair passing sector, skill, level, lead and availability.

    ``groups``: ``(person rows, their group codes, slot rows, their group codes)``: only pairs
    sharing a group are joined (a person under a seat's deciding sender), a person or a seat
    taking part once per group it is in.
    """
    n_p = len(people)
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, bool))
    if n_p == 0 or len(slots) == 0:
        return empty
    p_sec, s_sec = _codes(people["sector"], slots["sector"])
    p_sk, s_sk = _codes(people["skill"], slots["skill"])
    n_sk = int(max(p_sk.max(initial=0), s_sk.max(initial=0))) + 2
    p_map = s_map = None
    if groups is not None:
        # each (row, group) is a row of its own: keys gain the group, rows map back to people and slots
        p_map, p_grp, s_map, s_grp = (np.asarray(x, np.int64) for x in groups)
        n_g = int(max(p_grp.max(initial=0), s_grp.max(initial=0))) + 1
        p_sec = np.where(p_sec[p_map] >= 0, p_sec[p_map] * n_g + p_grp, -1)
        s_sec = np.where(s_sec[s_map] >= 0, s_sec[s_map] * n_g + s_grp, -1)
        p_sk, s_sk = p_sk[p_map], s_sk[s_map]
        n_p = len(p_map)
        if n_p == 0 or len(s_map) == 0:
            return empty
    level = people["level"].to_numpy()
    lead_ok = people["can_lead"].fillna(False).to_numpy().astype(bool)
    a_from = pd.DatetimeIndex(people["available_from"]).to_numpy()
    a_to = pd.DatetimeIndex(ends(people["available_to"])).to_numpy()  # a missing end is an open one
    min_level = slots["min_level"].to_numpy()
    is_lead = slots["role"].eq(Role.LEAD).to_numpy()
    s_start = pd.DatetimeIndex(slots["start"]).to_numpy()
    s_end = pd.DatetimeIndex(slots["end"]).to_numpy()
    named = s_sk >= 0
    out = []
    # orders naming a skill join on (sector, skill); the rest on sector alone
    for exact, p_key, s_key in ((True, np.where((p_sec >= 0) & (p_sk >= 0), p_sec * n_sk + p_sk, -1),
                                 np.where(named & (s_sec >= 0), s_sec * n_sk + s_sk, -2)),
                                (False, p_sec, np.where(~named & (s_sec >= 0), s_sec, -2))):
        order = np.argsort(s_key, kind="stable")
        keys = s_key[order]
        lo = np.searchsorted(keys, p_key, "left")
        counts = np.where(p_key >= 0, np.searchsorted(keys, p_key, "right") - lo, 0)
        bounds = np.searchsorted(np.cumsum(counts), np.arange(CHUNK, counts.sum() + CHUNK, CHUNK))
        a = 0
        for b in sorted(set(bounds.tolist()) | {n_p}):
            if b <= a:
                continue
            c = counts[a:b]
            pr = np.repeat(np.arange(a, b), c)
            sr = order[ranges(lo[a:b], c)]
            a = b
            if p_map is not None:
                pr, sr = p_map[pr], s_map[sr]
            ok = ((level[pr] >= min_level[sr]) & (lead_ok[pr] | ~is_lead[sr])
                  & (a_from[pr] <= s_start[sr]) & (a_to[pr] >= s_end[sr]))
            out.append((pr[ok], sr[ok], np.full(int(ok.sum()), exact)))
    if not out:
        return empty
    return tuple(np.concatenate(x) for x in zip(*out))


def _sender_sets(keys: np.ndarray, senders: np.ndarray, n: int) -> tuple[np.ndarray, pd.DataFrame]:
    """Codes of sets: entry ``keys[i]`` (0..n-1) holds sender code ``senders[i]``.

    Returns each entry's set code (0: the empty set) and the members of each
    code as rows (``code``, ``sender``). Exact: sets are compared as sorted rows.
    """
    d = np.unique(np.stack([keys, senders]), axis=1) if len(keys) else np.zeros((2, 0), np.int64)
    k, v = d[0], d[1]
    size = np.bincount(k, minlength=n)
    width = max(1, int(size.max(initial=0)))
    rows = np.full((n + 1, width), -1, dtype=np.int64)  # one extra empty row: the empty set is always code 0
    rank = np.arange(len(k)) - np.repeat(np.cumsum(size) - size, size)
    rows[k, rank] = v
    uniq, inv = np.unique(rows, axis=0, return_inverse=True)
    code_of, pos = np.nonzero(uniq >= 0)
    return inv.reshape(-1)[:n].astype(np.int64), pd.DataFrame({"code": code_of, "sender": uniq[code_of, pos]})


def _pairing_flags(wb, people, slots, prow, srow) -> tuple[np.ndarray, np.ndarray]:
    """(allowed by the deciding exclusive pairings, under a responsible sender) per pair.

    Checked once per distinct (seat's sender sets, person's sender set)
    combination, not per pair: people under the same pairing senders and
    seats decided by the same senders share the answer.
    """
    n = len(prow)
    ok, pref = np.ones(n, bool), np.zeros(n, bool)
    if wb.pairings.empty or n == 0:
        return ok, pref
    used = np.unique(srow)
    d = deciding_pairings(wb, slots.iloc[used])
    d = d[d["decides"] | d["responsible"]]
    if d.empty:
        return ok, pref
    d_slot = used[d["seat"].to_numpy()]
    req, fav = d["decides"].to_numpy(), d["responsible"].to_numpy()
    senders = pd.Index(pd.unique(d["sender"].astype(str)))
    d_sender = senders.get_indexer(d["sender"].astype(str))
    pa = person_ancestors(wb)
    pa = pa[pa["ancestor"].isin(senders)]
    ids = pd.Index(people["id"])
    pa = pa[ids.get_indexer(pa["person"]) >= 0]
    n_slots = len(slots)
    req_set, req_m = _sender_sets(d_slot[req], d_sender[req], n_slots)
    fav_set, fav_m = _sender_sets(d_slot[fav], d_sender[fav], n_slots)
    per_set, per_m = _sender_sets(ids.get_indexer(pa["person"]), senders.get_indexer(pa["ancestor"].astype(str)),
                                  len(ids))
    n_ps, n_fs = int(per_set.max(initial=0)) + 1, int(fav_set.max(initial=0)) + 1
    combo = (req_set[srow] * n_fs + fav_set[srow]) * n_ps + per_set[prow]
    inv, uniq = pd.factorize(combo)
    c = pd.DataFrame({"u": np.arange(len(uniq)), "req": uniq // (n_fs * n_ps), "fav": uniq // n_ps % n_fs,
                      "per": uniq % n_ps})

    def hits(sets: pd.DataFrame, col: str) -> np.ndarray:
        m = c[["u", col, "per"]].merge(sets, left_on=col, right_on="code").merge(
            per_m, left_on=["per", "sender"], right_on=["code", "sender"])
        return np.bincount(m["u"].to_numpy(), minlength=len(c))

    # the empty set is code 0: no deciding exclusive pairing, so pairings do not restrict the seat
    u_ok = (c["req"].to_numpy() == 0) | (hits(req_m, "req") > 0)
    u_pref = hits(fav_m, "fav") > 0
    return u_ok[inv], u_pref[inv]


def _served(wb, people: pd.DataFrame, slots: pd.DataFrame, seat: np.ndarray, sender: pd.Series) -> np.ndarray:
    """Per slot: someone under one of its senders (``seat[i]`` is decided by ``sender[i]``) may take it.

    Exactly the slots where :func:`_join`, :func:`meets_criteria` and :func:`_pairing_flags` leave a
    pair, joined on (sender, sector, skill): only people under a seat's own senders are compared with it.
    """
    out = np.zeros(len(slots), bool)
    senders = pd.Index(pd.unique(sender.astype(str)))
    pa = person_ancestors(wb)
    pa = pa[pa["ancestor"].isin(senders)]
    rows = pd.Index(people["id"]).get_indexer(pa["person"])
    pa, rows = pa[rows >= 0], rows[rows >= 0]
    groups = (rows, senders.get_indexer(pa["ancestor"].astype(str)), seat, senders.get_indexer(sender.astype(str)))
    prow, srow, _ = _join(people, slots, groups)
    keep = meets_criteria(wb, people, slots, prow, srow)
    out[srow[keep]] = True
    return out


def blocked_by_pairings(wb, slots: pd.DataFrame | None = None, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Host unit × sector whose open seats no person may fill because of pairings.

    A seat is blocked when someone passes every other rule (sector, skill,
    level, lead, availability over the stint) but no one is under a sender of
    its deciding exclusive pairings: a data problem (a pairing names the wrong
    sender, or that sender has no one suitable), not a shortage.

    Parameters
    ----------
    slots : DataFrame, optional
        Seats to check (default: every slot ending today or later, from today on).
    people : DataFrame, optional
        People to draw on (default: everyone).

    Returns
    -------
    DataFrame
        ``host_unit, sector, seats`` (headcount of blocked seats), ``senders``
        (the deciding senders' ids joined by ``、``), largest first.

    Examples
    --------
    >>> import planning
    >>> blocked_by_pairings(planning.load_workbook(planning.SAMPLE)).values.tolist()  # no chemistry teacher in Rizhao
    [['H-SCH11', '教育', 2, 'SD-RZ']]
    """
    if slots is None and people is None:
        return _blocked_ahead(wb, today())  # the question every page and ``planning check`` ask: once per day
    if slots is None:
        slots = order_slots(wb.orders)
        slots = slots[slots["end"] >= today()].assign(start=lambda s: s["start"].clip(lower=today()))
    return _blocked(wb, slots, people)


@derived("regions", "units", "pairings", "people", "orders", "assignments", "teams", "term_rules")
def _blocked_ahead(wb, day: pd.Timestamp) -> pd.DataFrame:
    """:func:`blocked_by_pairings` of every slot ending on ``day`` or later, from that day on."""
    slots = order_slots(wb.orders)
    slots = slots[slots["end"] >= day].assign(start=lambda s: s["start"].clip(lower=day))
    return _blocked(wb, slots, None)


def _blocked(wb, slots: pd.DataFrame, people: pd.DataFrame | None) -> pd.DataFrame:
    slots = slots.reset_index(drop=True)
    # only a seat with a deciding exclusive pairing can be blocked by one: join people to those alone
    d = deciding_pairings(wb, slots)
    d = d[d["decides"]]
    seats = np.unique(d["seat"].to_numpy())
    slots = slots.iloc[seats].reset_index(drop=True)
    people = wb.people if people is None else people
    # first the seats someone under a deciding sender may take (joined on the sender too: far fewer pairs
    # than everyone of the sector), then, among the others, those someone else could take
    served = _served(wb, people, slots, np.searchsorted(seats, d["seat"].to_numpy()), d["sender"])
    rest = np.flatnonzero(~served)
    prow, srow, _ = _join(people, slots.iloc[rest])
    keep = meets_criteria(wb, people, slots.iloc[rest], prow, srow)
    blocked = rest[np.unique(srow[keep])]
    # open seats only: headcount less the active/planned assignments overlapping the slot
    a = wb.assignments[wb.assignments["status"].isin(LIVE)]
    b = slots.iloc[blocked].reset_index(drop=True)
    held = b[["order", "start", "end"]].assign(row=np.arange(len(b))).merge(
        a[["order", "start"]].assign(end=ends(a["end"])), on="order", suffixes=("", "_a"))
    held = held[(held["start_a"] <= held["end"]) & (held["end_a"] >= held["start"])]
    b["headcount"] = b["headcount"].to_numpy() - np.bincount(held["row"].to_numpy(), minlength=len(b))
    b = b[b["headcount"] > 0].reset_index(drop=True)
    cols = ["host_unit", "sector", "seats", "senders"]
    if b.empty:
        return pd.DataFrame({c: pd.Series([], dtype=np.int64 if c == "seats" else object) for c in cols})
    req = exclusive_senders(wb, b)
    snd = req.merge(b[["order", "slot", "host_unit", "sector"]], on=["order", "slot"])
    snd = snd.groupby(["host_unit", "sector"])["sender"].agg(lambda s: "、".join(sorted(set(map(str, s)))))
    out = b.groupby(["host_unit", "sector"])["headcount"].sum().rename("seats").to_frame().join(snd)
    out = out.rename(columns={"sender": "senders"}).reset_index()
    return out.sort_values(["seats", "host_unit"], ascending=[False, True]).reset_index(drop=True)[cols]


def blocked_sentences(wb, blocked: pd.DataFrame, lang: str | None = None, free: bool = False,
                      viewer_words: bool = False) -> list[str]:
    """One sentence per host unit × sector that pairings leave with no one to send.

    ``blocked`` is :func:`planning.programme.eligibility.blocked_by_pairings` (or rows
    with the same columns). Names, not ids; sector labels in ``lang``.
    ``free=True`` words it for a plan: the senders' suitable people are all busy. ``viewer_words=True`` says it
    in the words of those who read the plan (leaders, host units: posts, not the planners' seats).

    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> blocked_sentences(wb, blocked_by_pairings(wb))[0][:20]
    '伽师县第一中学的教育岗位 2 个无人可派'
    """
    nm = pd.concat([wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"]])
    nm = nm[~nm.index.duplicated()]

    def name(i):
        return "、".join(str(nm.get(x, x)) for x in str(i).split("、"))

    key = ("pairing.blocked.row_free" if free else "pairing.blocked.row") + (".viewer" if viewer_words else "")
    return [t(key, lang, unit=name(r.host_unit), sector=sector_label(r.sector, lang),
              n=int(r.seats), senders=name(r.senders) if isinstance(r.senders, str) and r.senders else "—")
            for r in blocked.itertuples()]


# --- Why not this person ----------------------------------------------------------------------------------------

def _label(code, lang: str | None) -> str:
    """An enumerated value (rank, title, stage, Party status) as the reader says it."""
    from ..contract.schema import value_label

    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return "—"
    return value_label(str(code), "zh") if (lang or default_lang()) == "zh" else str(code).replace("_", " ")


def _day(d) -> str:
    return "—" if d is None or pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m-%d")


def exclusions(wb, person: str, order: str, slot: int = 0, start=None) -> list[tuple[str, str, dict]]:
    """What excludes ``person`` from a seat of ``order``: ``(criterion, sentence key, values)`` in rule order.

    The rules of design §4 (sector, skill, level, lead, availability, pairing) and then the
    selection criteria of §11 (:data:`CRITERIA`), each with the person's value and the
    seat's. ``start`` moves the stint's first day (a seat planned from today). An empty
    list: the person may sit there.
    """
    people = wb.people[wb.people["id"] == person].reset_index(drop=True)
    slots = order_slots(wb.orders[wb.orders["id"] == order])
    slots = slots[slots["slot"] == slot].reset_index(drop=True)
    if people.empty or slots.empty:
        raise KeyError(person if people.empty else (order, slot))
    if start is not None:
        slots["start"] = pd.Timestamp(start)
    p, s = people.iloc[0], slots.iloc[0]
    out: list[tuple[str, str, dict]] = []
    if p["sector"] != s["sector"]:
        out.append(("sector", "why_not.sector", dict(have=p["sector"], need=s["sector"])))
    if isinstance(s["skill"], str) and p["skill"] != s["skill"]:
        out.append(("skill", "why_not.skill", dict(have=p["skill"] if isinstance(p["skill"], str) else "—",
                                                     need=s["skill"])))
    if p["level"] < s["min_level"]:
        out.append(("level", "why_not.level", dict(have=int(p["level"]), need=int(s["min_level"]))))
    if s["role"] == Role.LEAD and not bool(p["can_lead"]):
        out.append(("lead", "why_not.lead", {}))
    a_to = ends(people["available_to"]).iloc[0]
    if not (p["available_from"] <= s["start"] and a_to >= s["end"]):
        out.append(("available", "why_not.available", dict(
            have=f"{_day(p['available_from'])}–{_day(a_to)}", need=f"{_day(s['start'])}–{_day(s['end'])}")))
    req = exclusive_senders(wb, slots)
    if len(req):
        ok, _ = _pairing_flags(wb, people, slots, np.zeros(1, np.int64), np.zeros(1, np.int64))
        if not ok[0]:
            nm = pd.concat([wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"]])
            nm = nm[~nm.index.duplicated()]
            out.append(("pairing", "why_not.pairing", dict(
                have=nm.get(p["sending_unit"], p["sending_unit"]),
                need="、".join(str(nm.get(x, x)) for x in sorted(map(str, set(req["sender"])))))))
    seats = seat_criteria(wb, slots)
    f = person_facts(people, wb)
    fails = criteria_failures(wb, people, slots, np.zeros(1, np.int64), np.zeros(1, np.int64), seats=seats, facts=f)
    sc, on = seats.iloc[0], pd.Timestamp(s["start"])
    for c in CRITERIA:
        if c not in fails or not fails[c][0]:
            continue
        if c == "rank":
            need = RANKS[int(sc["rank"])]
            key = ("rank_missing" if not isinstance(p["rank"], str) else
                   "rank_promotion" if sc["promotion"] else "rank")
            out.append((c, "why_not." + key, dict(have=p["rank"], need=need, codes=("have", "need"))))
        elif c == "lead_rank":
            need = RANKS[int(sc["lead_rank"])]
            key = "lead_rank_missing" if not isinstance(p["rank"], str) else "lead_rank"
            out.append((c, "why_not." + key, dict(have=p["rank"], need=need, codes=("have", "need"))))
        elif c == "sender_grade":
            need = GRADES[int(sc["sender_grade"])]
            g = f["sender_grade"].iloc[0]
            have = GRADES[int(g)] if g >= 0 else None
            nm = wb.units.set_index("id")["name"] if "name" in wb.units.columns else pd.Series(dtype=object)
            unit = str(nm.get(p["sending_unit"], p["sending_unit"]))
            out.append((c, "why_not.sender_grade" if have else "why_not.sender_grade_missing",
                        dict(have=have, need=need, unit=unit, codes=("have", "need") if have else ("need",))))
        elif c == "title":
            need = TITLES[int(sc["title"])]
            key = "title_missing" if not isinstance(p["title"], str) else "title"
            out.append((c, "why_not." + key, dict(have=p["title"], need=need, codes=("have", "need"))))
        elif c == "age":
            cap = int(sc["age_cap"])
            if pd.isna(p["birth_date"]):
                out.append((c, "why_not.age_missing", dict(need=cap)))
            else:
                age = int(whole_years(np.array([p["birth_date"]], "datetime64[ns]"), np.array([on], "datetime64[ns]"))[0])
                out.append((c, "why_not.age", dict(have=age, need=cap)))
        elif c == "party":
            key = "party_missing" if not isinstance(p["party_status"], str) else "party"
            out.append((c, "why_not." + key, dict(have=p["party_status"], codes=("have",))))
        elif c in ("party_years", "service_years"):
            since = p["party_joined" if c == "party_years" else "work_started"]
            need = int(sc[c])
            if pd.isna(since):
                out.append((c, f"why_not.{c}_missing", dict(need=need)))
            else:
                got = int(whole_years(np.array([since], "datetime64[ns]"), np.array([on], "datetime64[ns]"))[0])
                out.append((c, "why_not." + c, dict(have=max(got, 0), need=need)))
        elif c == "medical":
            months = int(sc["medical_months"])
            checked = p["medical_date"]
            if pd.isna(checked):
                out.append((c, "why_not.medical_missing", dict(need=_day(on), months=months)))
            elif pd.Timestamp(checked) > on:
                out.append((c, "why_not.medical_later", dict(have=_day(checked), need=_day(on))))
            elif not isinstance(p["medical_result"], str):
                out.append((c, "why_not.medical_result_missing", dict(have=_day(checked))))
            elif p["medical_result"] != "fit":
                out.append((c, "why_not.medical_unfit", dict(have=_day(checked))))
            else:
                until = medical_valid_until(np.array([checked], "datetime64[ns]"), np.array([months]))[0]
                out.append((c, "why_not.medical", dict(have=_day(checked), until=_day(until), need=_day(on))))
        elif c == "altitude":
            key = "altitude_missing" if not isinstance(p["altitude_clearance"], str) else "altitude"
            out.append((c, "why_not." + key, dict(need=f"{sc['altitude']:,.0f}")))
        elif c == "vetting":
            need = STAGES[int(sc["stage"])]
            key = "vetting_missing" if not isinstance(p["vetting_stage"], str) else "vetting"
            out.append((c, "why_not." + key, dict(have=p["vetting_stage"], need=need, codes=("have", "need"))))
        elif c == "term":
            stint = f"{_day(s['start'])}–{_day(s['end'])}"
            lo, hi = sc["min_months"], sc["max_months"]
            end = pd.Timestamp(s["end"])
            short = not np.isnan(lo) and end < add_months(pd.Series([on]), int(lo)).iloc[0] - pd.Timedelta(days=1)
            out.append((c, "why_not.term_short" if short else "why_not.term_long",
                        dict(have=stint, need=int(lo) if short else int(hi))))
    return out


def why_not(wb, person: str, order: str, slot: int = 0, lang: str | None = None, start=None) -> list[str]:
    """Why ``person`` may not sit in a seat of ``order``: one sentence per rule that excludes them.

    Each sentence names the rule and both values, in ``lang`` (年龄超过岗位上限（46 岁 > 45 岁）,
    职称低于副高级（中级）, 体检已过期（2025-03-02，有效至 2026-03-01，派出日 2026-03-02）).
    An empty list when nothing excludes them (:func:`exclusions` gives the codes).

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> why_not(wb, "P0001", "O-FS-V20-L")[:1]
    ['行业不符（教育，岗位为党政）']
    """
    out = []
    for _, key, values in exclusions(wb, person, order, slot, start):
        v = dict(values)
        for k in v.pop("codes", ()):
            v[k] = _label(v[k], lang)
        for k in ("have", "need"):
            if k in v and key == "why_not.sector":
                v[k] = sector_label(v[k], lang)
        out.append(t(key, lang, **v))
    return out


def near_misses(wb, slots: pd.DataFrame, people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per seat, how many people miss it by one selection criterion alone (``slot_row``, ``criterion``, ``people``).

    Counted among the people who pass sector, skill, level, lead and availability over the
    stint (pairings aside) and fail exactly one criterion of :data:`CRITERIA`; largest first
    per seat. ``slots.iloc[slot_row]`` is the seat. Says "3 人只差职称" for an unfilled seat.
    """
    people = wb.people if people is None else people
    slots = slots.reset_index(drop=True)
    cols = {"slot_row": pd.Series([], dtype=np.int64), "criterion": pd.Series([], dtype=object),
            "people": pd.Series([], dtype=np.int64)}
    prow, srow, _ = _join(people, slots)
    fails = criteria_failures(wb, people, slots, prow, srow)
    if not fails:
        return pd.DataFrame(cols)
    names = list(fails)
    m = np.stack([fails[c] for c in names], axis=1)
    one = m.sum(axis=1) == 1
    if not one.any():
        return pd.DataFrame(cols)
    which = np.asarray(names, dtype=object)[m[one].argmax(axis=1)]
    d = pd.DataFrame({"slot_row": srow[one], "criterion": which})
    d = d.groupby(["slot_row", "criterion"]).size().rename("people").reset_index()
    rank = {c: i for i, c in enumerate(CRITERIA)}
    d["k"] = d["criterion"].map(rank)
    return d.sort_values(["slot_row", "people", "k"], ascending=[True, False, True]).drop(columns="k").reset_index(
        drop=True)


def criteria_blocked(wb, slots: pd.DataFrame, people: pd.DataFrame | None = None) -> np.ndarray:
    """Per seat: someone passes sector, skill, level, lead and availability, but no one the selection criteria."""
    people = wb.people if people is None else people
    slots = slots.reset_index(drop=True)
    prow, srow, _ = _join(people, slots)
    basic = np.zeros(len(slots), bool)
    basic[srow] = True
    met = np.zeros(len(slots), bool)
    met[srow[meets_criteria(wb, people, slots, prow, srow)]] = True
    return basic & ~met


def near_text(near: pd.DataFrame, lang: str | None = None, top: int = 2) -> str:
    """Near misses of one seat in words: "3 人只差职称、1 人只差年龄" (the ``top`` largest)."""
    parts = [t("why_not.near", lang, n=int(r.people), criterion=t("criterion." + r.criterion, lang))
             for r in near.head(top).itertuples(index=False)]
    return ("、" if (lang or default_lang()) == "zh" else "; ").join(parts)


def seats_ahead(wb, on=None) -> pd.DataFrame:
    """One seat per order, the one a planner asks about: its first slot ending on ``on`` (default today) or later,
    starting no earlier than that day (a seat that has begun is planned from today, design §4).

    Columns of :func:`planning.programme.seats.order_slots`; orders wholly past are left out.
    """
    day = (pd.Timestamp(on) if on is not None else today()).normalize()
    s = order_slots(wb.orders)
    s = s[s["end"] >= day].drop_duplicates("order", keep="first")
    return s.assign(start=s["start"].clip(lower=day)).reset_index(drop=True)


def rule_misses(wb, people: pd.DataFrame, slots: pd.DataFrame, prow: np.ndarray, srow: np.ndarray) -> np.ndarray:
    """How many rules exclude each pair (``prow`` into ``people``, ``srow`` into ``slots``): the rules of §4
    (sector, skill, level, lead, availability, pairing) and the selection criteria of §11, one each, as
    :func:`exclusions` lists them. 0: the person may sit there. Whole arrays, no loop over pairs."""
    prow, srow = np.asarray(prow, np.int64), np.asarray(srow, np.int64)
    n = np.zeros(len(prow), np.int64)
    if not len(prow):
        return n
    p, s = people.reset_index(drop=True), slots.reset_index(drop=True)
    n += p["sector"].to_numpy()[prow] != s["sector"].to_numpy()[srow]
    sk = s["skill"].to_numpy(dtype=object)[srow]
    named = np.array([isinstance(x, str) for x in sk], bool)
    n += named & (p["skill"].to_numpy(dtype=object)[prow] != sk)
    n += p["level"].to_numpy()[prow] < s["min_level"].to_numpy()[srow]
    n += s["role"].eq(Role.LEAD).to_numpy()[srow] & ~p["can_lead"].fillna(False).astype(bool).to_numpy()[prow]
    a_from = pd.DatetimeIndex(p["available_from"]).to_numpy()
    a_to = pd.DatetimeIndex(ends(p["available_to"])).to_numpy()
    st, en = pd.DatetimeIndex(s["start"]).to_numpy(), pd.DatetimeIndex(s["end"]).to_numpy()
    n += ~((a_from[prow] <= st[srow]) & (a_to[prow] >= en[srow]))
    ok, _ = _pairing_flags(wb, p, s, prow, srow)
    n += ~ok
    for fail in criteria_failures(wb, p, s, prow, srow).values():
        n += fail
    return n


def nearest(wb, person: str | None = None, order: str | None = None, top: int = 5, lang: str | None = None,
            on=None) -> pd.DataFrame:
    """Why not, for a planner's pick: a person and a seat, or a person's nearest seats, or a seat's nearest people.

    Seats are :func:`seats_ahead` (one per order, from ``on``, default today). With both ``person``
    and ``order``: that pair. With ``person`` alone: the seats of their sector fewest rules away
    from them; with ``order`` alone: the people of its sector fewest rules away (``top`` of each,
    the eligible first, then by :func:`rule_misses`, then by id). Returns ``person, order, slot,
    start, end, misses, why`` (``why``: the :func:`why_not` sentences in ``lang``, empty when
    nothing excludes them).
    """
    cols = ["person", "order", "slot", "start", "end", "misses", "why"]
    if person is None and order is None:
        return pd.DataFrame(columns=cols)
    seats = seats_ahead(wb, on)
    people = wb.people.reset_index(drop=True)
    if order is not None:
        seats = seats[seats["order"] == order].reset_index(drop=True)
    if person is not None:
        people = people[people["id"] == person].reset_index(drop=True)
    if seats.empty or people.empty:
        return pd.DataFrame(columns=cols)
    if person is not None and order is None:
        seats = seats[seats["sector"] == people["sector"].iloc[0]].reset_index(drop=True)
    if order is not None and person is None:
        people = people[people["sector"] == seats["sector"].iloc[0]].reset_index(drop=True)
    prow = np.repeat(np.arange(len(people)), len(seats))
    srow = np.tile(np.arange(len(seats)), len(people))
    m = rule_misses(wb, people, seats, prow, srow)
    pid, oid = people["id"].to_numpy()[prow], seats["order"].to_numpy()[srow]
    pick = np.lexsort((oid, pid, m))[:top]
    rows = []
    for k in pick:
        s = seats.iloc[srow[k]]
        why = why_not(wb, pid[k], oid[k], int(s["slot"]), lang, start=s["start"])
        rows.append((pid[k], oid[k], int(s["slot"]), s["start"], s["end"], int(m[k]), why))
    return pd.DataFrame(rows, columns=cols)
