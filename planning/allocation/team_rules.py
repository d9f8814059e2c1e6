"""The team rules (``lead_required``, ``same_source``): model rows, and enforcement on a plan."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.hierarchy import source_city
from ..core.live import LIVE
from ..core.vocabulary import Role
from .candidates import overlap_hits

if TYPE_CHECKING:
    from .model import Model


def define_team_rules(wb, seats, pairs, pinned, m: Model) -> None:
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
    member = seats["team"].isin(lr).to_numpy() & (role != Role.LEAD)
    if member.any():
        leads = held[held["role"].eq(Role.LEAD) & held["team"].isin(lr)]
        ms = pd.DataFrame({"row": np.flatnonzero(member), "team": seat_team.to_numpy()[member],
                           "start": seats["start"].to_numpy()[member], "end": seats["end"].to_numpy()[member]})
        covered = overlap_hits(ms, leads, "team")["row"]
        need = ms.loc[~ms["row"].isin(covered), "row"].to_numpy().astype(np.int64)
        has_pairs = np.zeros(len(seats), dtype=bool)
        has_pairs[m.pair_seat] = True
        need = need[has_pairs[need]]
        if len(need):
            nteam = seat_team.to_numpy()[need]
            lead_mask = (p_role == Role.LEAD) & pd.Series(p_team).isin(set(nteam)).to_numpy()
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




def enforce_team_rules(m: Model, chosen: np.ndarray) -> np.ndarray:
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
                on[m.seat_pairs(s)] = False
    return np.flatnonzero(on)
