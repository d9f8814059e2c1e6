"""Seats to plan and candidate pairs: who may sit where, minus the busy and the forbidden."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.hierarchy import source_city
from ..core.live import LIVE
from ..core.utils import days_of, ranges
from ..programme.eligibility import eligible_rows
from ..programme.seats import order_slots
from .inputs import parse_window


def overlap_hits(left: pd.DataFrame, right: pd.DataFrame, on: str) -> pd.DataFrame:
    """Rows of ``left`` (by column ``row``) overlapping an interval of ``right`` with the same ``on``."""
    m = left[["row", on, "start", "end"]].merge(right[[on, "start", "end"]], on=on, suffixes=("", "_r"))
    return m[(m["start"] <= m["end_r"]) & (m["end"] >= m["start_r"])]


def slots_from_today(orders: pd.DataFrame, day=None) -> pd.DataFrame:
    """:func:`planning.programme.seats.order_slots` with what is left of each slot from ``day`` (default today).

    New people start on ``day`` at the earliest; slots beginning later keep their own dates.
    """
    s = order_slots(orders)
    s["start"] = s["start"].clip(lower=today() if day is None else pd.Timestamp(day))
    return s


def planned_seats(wb, window=None, day=None) -> pd.DataFrame:
    """The seats to plan: slots ending on or after the planning ``day`` (default today) that overlap ``window``.

    A slot that has already begun is planned from ``day`` on (its ``start`` is
    that day): a new person cannot start in the past or before the batch is
    dispatched, and someone who left before then no longer holds the seat.
    Slots (rotation slots too) beginning later keep their own dates. Columns are those of
    :func:`planning.programme.seats.order_slots` plus ``existing``
    (active/planned assignments of the order overlapping the slot) and
    ``remaining`` (headcount − existing, at least 0).
    """
    w0, w1 = parse_window(window)
    day = today() if day is None else pd.Timestamp(day)
    s = slots_from_today(wb.orders, day)
    keep = (s["end"] >= day) & (s["end"] >= w0)
    if w1 is not None:
        keep &= s["start"] <= w1
    s = s[keep].reset_index(drop=True)
    s["row"] = np.arange(len(s))
    live = wb.assignments[wb.assignments["status"].isin(LIVE)]
    hits = overlap_hits(s, live, "order")
    s["existing"] = np.bincount(hits["row"].to_numpy(), minlength=len(s)).astype(np.int64)
    s["remaining"] = np.maximum(s["headcount"].to_numpy() - s["existing"].to_numpy(), 0)
    return s.drop(columns="row")


def busy_table(wb, extra: pd.DataFrame | None = None) -> pd.DataFrame:
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


def busy_mask(pairs: pd.DataFrame, busy: pd.DataFrame) -> np.ndarray:
    """True for pairs whose person is busy at some point of the seat."""
    if pairs.empty or busy.empty:
        return np.zeros(len(pairs), dtype=bool)
    codes, names = pd.factorize(pairs["person"])
    return _busy_over(codes, days_of(pairs["start"]), days_of(pairs["end"]), pd.Index(names), busy)


def _busy_over(person: np.ndarray, start: np.ndarray, end: np.ndarray, ids: pd.Index, busy: pd.DataFrame) -> np.ndarray:
    """True where person ``ids[person]`` is busy at some day of ``start..end`` (day numbers).

    Busy records without both dates never overlap (as in :func:`check_plan`).
    """
    b = ids.get_indexer(busy["person"])
    keep = (b >= 0) & busy["start"].notna().to_numpy() & busy["end"].notna().to_numpy()
    return _overlaps(person, start, end, b[keep], days_of(busy["start"])[keep], days_of(busy["end"])[keep])


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


def person_preferences(people: pd.DataFrame, seats: pd.DataFrame, prow: np.ndarray, seat: np.ndarray) -> np.ndarray:
    """Per pair, how many preferences its seat states that the person meets (0–2): a full Party member
    (``party_status`` 中共党员) where the order sets ``party_preferred``, grass-roots experience
    (``rural_experience``) where it sets ``rural_preferred``. They rank among the eligible (design §11)."""
    out = np.zeros(len(prow), np.int64)
    for want, has in (("party_preferred", lambda p: p["party_status"].eq("party_member")),
                      ("rural_preferred", lambda p: p["rural_experience"].fillna(False).astype(bool))):
        need = (seats[want].fillna(False).astype(bool).to_numpy() if want in seats.columns
                else np.zeros(len(seats), bool))
        if not need.any():
            continue
        col = "party_status" if want == "party_preferred" else "rural_experience"
        met = has(people).to_numpy(dtype=bool) if col in people.columns else np.zeros(len(people), bool)
        out += need[seat] & met[prow]
    return out


def candidate_pairs(wb, seats: pd.DataFrame, busy: pd.DataFrame, forbids: pd.DataFrame,
                    people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Allowed (person, seat) pairs with tie-breaker features.

    Columns: ``person, order, slot, exact_skill, preferred, seat, start, end,
    host_unit, wish_rank, person_pref`` (how many of the preferences the order states the person
    meets: a full Party member where it prefers Party members, grass-roots experience where it
    prefers that; design §11), ``source_city``; people busy over the seat and
    forbidden pairs are removed. ``people`` limits the candidates (default:
    everyone). Built from row positions (:func:`planning.programme.eligibility.eligible_rows`);
    names are attached once at the end.
    """
    people = wb.people if people is None else people
    open_rows = np.flatnonzero(seats["remaining"].to_numpy() > 0)
    r = eligible_rows(wb, slots=seats.iloc[open_rows], people=people)
    prow = r["person_row"].to_numpy()
    seat = open_rows[r["slot_row"].to_numpy()]
    ids = pd.Index(people["id"])
    drop = _busy_over(prow, days_of(seats["start"])[seat], days_of(seats["end"])[seat], ids, busy)
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
    pairs["person_pref"] = person_preferences(people, seats, prow, seat)
    city_codes, city_names = pd.factorize(source_city(wb).reindex(ids).to_numpy())
    pairs["source_city"] = np.asarray(city_names, dtype=object)[city_codes[prow]]
    # integer twins of person and source_city (positions in ``people``; city codes) for the arrays
    pairs["person_code"] = prow.astype(np.int64)
    pairs["city_code"] = city_codes[prow].astype(np.int64)
    return pairs


def integer_codes(pairs: pd.DataFrame, column: str, code_column: str) -> np.ndarray:
    """Non-negative integer codes of a column, the integer twin itself when it is complete."""
    if code_column in pairs and len(pairs) and pairs[code_column].notna().all():
        return pairs[code_column].to_numpy().astype(np.int64)
    return pd.factorize(pairs[column])[0].astype(np.int64)


def factorize_codes(pairs: pd.DataFrame, column: str, code_column: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 in order of appearance and the names, from the integer twin column when it is complete."""
    if code_column in pairs and len(pairs) and pairs[code_column].notna().all():
        codes, _ = pd.factorize(pairs[code_column].to_numpy())
        first = np.unique(codes, return_index=True)[1]
        return codes.astype(np.int64), pairs[column].to_numpy()[first]
    codes, names = pd.factorize(pairs[column])
    return codes.astype(np.int64), np.asarray(names, dtype=object)
