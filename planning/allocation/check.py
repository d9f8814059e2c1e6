"""Re-deriving every hard rule from a workbook and a plan."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.hierarchy import person_ancestors, source_city
from ..core.live import LIVE
from ..core.vocabulary import Role
from ..programme.criteria import criteria_failures
from ..programme.eligibility import exclusive_senders
from .candidates import overlap_hits, slots_from_today
from .diff import assignments_of
from .team_rules import fixed_cities, held_places, lead_covered, ruled_teams


def check_plan(wb, plan) -> pd.DataFrame:
    """Every hard rule a plan breaks (an empty table when it breaks none).

    Re-derives each rule from the workbook and ``plan.assignments`` alone:
    sector, skill, level, lead, availability, the selection criteria (design §11), exclusive pairing, the slot's
    dates (what is left of it from the plan's planning date, else today), the person busy (one assignment at a time, existing ones included),
    seat capacity (existing active/planned included), ``lead_required`` and
    ``same_source``. Columns ``rule, person, order, slot, detail``.
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
    if not out:
        return pd.DataFrame(columns=cols)
    return pd.concat(out, ignore_index=True)[cols]
