"""Re-deriving every hard rule from a workbook and a plan."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.hierarchy import person_ancestors, source_city
from ..core.live import LIVE
from ..core.vocabulary import Role
from ..programme.criteria import criteria_failures
from ..programme.eligibility import exclusive_senders
from ..programme.senders import batch_windows
from .candidates import overlap_hits, slots_from_today
from .diff import assignments_of
from .sender_rules import staff_cap
from .team_rules import empty_days, fixed_cities, held_places, lead_covered, ruled_teams, sized_teams


def check_plan(wb, plan) -> pd.DataFrame:
    """Every hard rule a plan breaks (an empty table when it breaks none).

    Re-derives each rule from the workbook and ``plan.assignments`` alone:
    sector, skill, level, lead, availability, the selection criteria (design §11), exclusive pairing, the slot's
    dates (what is left of it from the plan's planning date, else today), the person busy (one assignment at a time, existing ones included),
    seat capacity (existing active/planned included), ``lead_required``,
    ``same_source`` and ``min_size`` (on a day a team had nobody on post, live or pinned, its new people are
    none or at least its least size: each new one of a stretch with fewer is reported), and the senders'
    ``quota`` and ``staff_cap`` (design §9, as
    :mod:`~planning.allocation.sender_rules` states them: a new assignment is reported when the
    count it joins, live assignments included, is above the limit). Columns ``rule, person, order, slot, detail``.
    """
    a = assignments_of(plan).reset_index(drop=True)
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
    bad("lead", (O["role"].to_numpy() == Role.LEAD) & ~P["can_lead"].fillna(False).to_numpy().astype(bool))
    bad("availability", (P["available_from"].to_numpy() > a["start"].to_numpy())
        | (P["available_to"].to_numpy() < a["end"].to_numpy()))
    # the selection criteria (design §11) on each stint as placed, its first day the dispatch date
    known = P["name"].notna().to_numpy() & O["host_unit"].notna().to_numpy()
    if known.any():
        k = np.flatnonzero(known)
        st = O.iloc[k].reset_index(names="order").assign(start=a["start"].to_numpy()[k], end=a["end"].to_numpy()[k])
        rows = np.arange(len(k), dtype=np.int64)
        for criterion, fail in criteria_failures(wb, P.iloc[k].reset_index(), st, rows, rows).items():
            mask = np.zeros(len(a), dtype=bool)
            mask[k] = fail
            bad(criterion, mask)
    slots = slots_from_today(wb.orders, getattr(plan, "planning_date", None))  # new stints start on the plan's day
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
    hit = overlap_hits(a[["row", "person", "start", "end"]], ex, "person")
    bad("busy", a["row"].isin(hit["row"]).to_numpy())
    self_ = a[["row", "person", "start", "end"]].merge(a[["row", "person", "start", "end"]], on="person",
                                                       suffixes=("", "_r"))
    self_ = self_[(self_["row"] != self_["row_r"]) & (self_["start"] <= self_["end_r"])
                  & (self_["end"] >= self_["start_r"])]
    bad("overlap", a["row"].isin(self_["row"]).to_numpy())
    # capacity per seat
    live = wb.assignments[wb.assignments["status"].isin(LIVE)]
    s = slots.assign(row=np.arange(len(slots)))
    used = np.bincount(overlap_hits(s, live, "order")["row"], minlength=len(s))
    seat = key.get_indexer(pd.MultiIndex.from_frame(a[["order", "slot", "start", "end"]]))
    seat_ok = seat >= 0
    new = np.bincount(seat[seat_ok], minlength=len(s))
    over = used + new > s["headcount"].to_numpy()
    full = np.zeros(len(a), dtype=bool)
    full[seat_ok] = over[seat[seat_ok]]
    bad("full", full)
    # team rules (defined once in team_rules)
    lr, ss = ruled_teams(wb)
    a_team = O["team"].to_numpy()
    held = held_places(wb, a)
    is_member = pd.Series(a_team).isin(lr).to_numpy() & (O["role"].to_numpy() != Role.LEAD)
    if is_member.any():
        new_lead_teams = set(a_team[(O["role"].to_numpy() == Role.LEAD)])
        mem = a[is_member].assign(team=a_team[is_member])
        covered = lead_covered(mem[["row", "team", "start", "end"]], held)
        no_lead = mem[~covered & ~mem["team"].isin(new_lead_teams).to_numpy()]
        bad("lead_required", a["row"].isin(no_lead["row"]).to_numpy())
    in_ss = pd.Series(a_team).isin(ss).to_numpy()
    if in_ss.any():
        old = fixed_cities(wb, held_places(wb), ss)
        mem = a[in_ss].assign(team=a_team[in_ss], city=a.loc[in_ss, "person"].map(source_city(wb)).to_numpy())
        n_cities = mem.groupby("team")["city"].nunique()
        many = mem["team"].map(n_cities).to_numpy() > 1
        outside = mem["team"].isin(old.get_level_values(0)).to_numpy() & ~pd.MultiIndex.from_frame(
            mem[["team", "city"]]).isin(old)
        bad("same_source", a["row"].isin(mem["row"][many | outside]).to_numpy())
    sized = sized_teams(wb)
    in_sized = pd.Series(a_team).isin(sized.index).to_numpy()
    if in_sized.any():  # min_size: on a day nobody was on post (live or pinned), none or at least min_size new
        pinned = (a["reason"].eq("pinned") if "reason" in a.columns else pd.Series(False, index=a.index)).to_numpy()
        new = a[in_sized & ~pinned].assign(team=a_team[in_sized & ~pinned])
        for tid, rows, n_on in _short_stretches(new, held_places(wb, a[pinned]), sized):
            out.append(pd.DataFrame({"rule": "min_size", "person": a["person"].to_numpy()[rows],
                                     "order": a["order"].to_numpy()[rows], "slot": a["slot"].to_numpy()[rows],
                                     "detail": f"{tid}: {n_on} < {int(sized[tid])}"}))
    out.extend(_sender_violations(wb, a, O["sector"].to_numpy()))
    if not out:
        return pd.DataFrame(columns=cols)
    return pd.concat(out, ignore_index=True)[cols]


def _short_stretches(new: pd.DataFrame, held: pd.DataFrame, sized: pd.Series) -> list:
    """``(team, rows, people)`` per stretch of days a sized team had nobody on post and fewer new people than
    its least size, but some (``new``: ``row, person, team, start, end``)."""
    out, seen = [], set()
    stretches = empty_days(new[["row", "team", "start", "end"]], held[["person", "team", "start", "end"]])
    person = dict(zip(new["row"], new["person"]))
    for tid, rows in zip(stretches["team"], stretches["rows"]):
        n_on = len({person[r] for r in rows})
        if n_on < int(sized[tid]) and (tid, rows) not in seen:
            seen.add((tid, rows))
            out.append((tid, np.asarray(rows, np.int64), n_on))
    return out


def _sender_violations(wb, a: pd.DataFrame, sector: np.ndarray) -> list:
    """New assignments above a quota (sender × sector × batch) or a staff cap (sending unit × sector, any day)."""
    out = []
    live = wb.assignments[wb.assignments["status"].isin(LIVE) & wb.assignments["start"].notna()]
    od = wb.orders.set_index("id")["sector"]
    old = pd.DataFrame({"person": live["person"].to_numpy(), "start": live["start"].to_numpy(),
                        "end": live["end"].fillna(pd.Timestamp("2262-01-01")).to_numpy(),
                        "sector": live["order"].map(od).to_numpy(), "row": -1})
    new = pd.DataFrame({"person": a["person"].to_numpy(), "start": a["start"].to_numpy(), "end": a["end"].to_numpy(),
                        "sector": sector, "row": a["row"].to_numpy()})
    both = pd.concat([old, new], ignore_index=True)

    def report(rule, rows, detail):
        r = a[a["row"].isin(rows)]
        if len(r):
            out.append(pd.DataFrame({"rule": rule, "person": r["person"].to_numpy(), "order": r["order"].to_numpy(),
                                     "slot": r["slot"].to_numpy(), "detail": detail}))

    if len(wb.quotas):
        win = batch_windows(wb).set_index("batch")
        pa = person_ancestors(wb)
        for q in wb.quotas.itertuples(index=False):
            if q.batch not in win.index:
                continue
            w0, w1 = win.at[q.batch, "dispatch"], win.at[q.batch, "window_end"]
            under = set(pa.loc[pa["ancestor"].eq(q.sender), "person"])
            hit = both[both["person"].isin(under) & both["sector"].eq(q.sector) & (both["start"] >= w0)
                       & (both["start"] <= w1)]
            if len(hit) > int(q.count) and (hit["row"] >= 0).any():
                report("quota", hit["row"], f"{q.sender} {q.sector} {q.batch}: {len(hit)} > {int(q.count)}")
    if len(wb.sender_staff):
        p = wb.people.set_index("id")
        both = both.assign(unit=both["person"].map(p["sending_unit"]).to_numpy(),
                           p_sector=both["person"].map(p["sector"]).to_numpy())
        for s in wb.sender_staff[wb.sender_staff["max_share"].notna()].itertuples(index=False):
            cap = staff_cap(s.staff, s.max_share)
            mine = both[both["unit"].eq(s.unit) & both["p_sector"].eq(s.sector)]
            rows = set()
            for d in sorted(set(mine.loc[mine["row"] >= 0, "start"])):
                on = mine[(mine["start"] <= d) & (mine["end"] >= d)]
                # days from the new stints' first days on: the most on post while a new one is
                if on["person"].nunique() > cap:
                    rows |= set(on.loc[on["row"] >= 0, "row"])
            # a live stint beginning while a new one is on post can also raise the count
            for d in sorted(set(mine.loc[mine["row"] < 0, "start"])):
                on = mine[(mine["start"] <= d) & (mine["end"] >= d)]
                if on["person"].nunique() > cap and (on["row"] >= 0).any():
                    rows |= set(on.loc[on["row"] >= 0, "row"])
            report("staff_cap", sorted(rows), f"{s.unit} {s.sector}: more than {cap} of {int(s.staff)} away")
    return out
