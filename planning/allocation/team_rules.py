"""The team rules (``lead_required``, ``same_source``), defined once.

- ``lead_required``: no member seat of the team is filled unless a lead of the
  team holds a seat overlapping it (an existing or pinned one), or the plan
  places a new lead in the team;
- ``same_source``: the new members of a team come from one source city, the
  city of its existing active/planned members when it has any.

:func:`ruled_teams`, :func:`held_places`, :func:`lead_covered` and
:func:`fixed_cities` state these facts; the model's rows
(:func:`define_team_rules`), the enforcement on a plan from a method that does
not model them (:func:`enforce_team_rules`), the unfilled reasons and
:func:`planning.allocation.check.check_plan` all use them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.clock import today
from ..core.hierarchy import source_city
from ..core.live import live_assignments
from ..core.vocabulary import Role
from .candidates import overlap_hits

if TYPE_CHECKING:
    from .model import Model


def ruled_teams(wb) -> tuple[pd.Index, pd.Index]:
    """The teams with ``lead_required`` and those with ``same_source``."""
    tm = wb.teams.set_index("id")
    return tm.index[tm["lead_required"].fillna(False).astype(bool)], tm.index[tm["same_source"].fillna(False)
                                                                               .astype(bool)]


def held_places(wb, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Places already held in teams: live assignments still running today, plus ``extra`` ones.

    ``extra``: ``person, order, start, end`` (pins, or a plan's new assignments).
    Returns ``person, order, start, end, team, role`` for places in a team.
    """
    live = live_assignments(wb, today())[["person", "order", "start", "end"]]
    held = pd.concat([live] + ([extra[["person", "order", "start", "end"]]] if extra is not None else []),
                     ignore_index=True)
    od = wb.orders.set_index("id")
    held["team"] = held["order"].map(od["team"])
    held["role"] = held["order"].map(od["role"])
    return held[held["team"].notna()].reset_index(drop=True)


def lead_covered(members: pd.DataFrame, held: pd.DataFrame) -> np.ndarray:
    """Per member place (``row, team, start, end``): is a held lead of its team on post over part of it."""
    leads = held[held["role"].eq(Role.LEAD)]
    return members["row"].isin(overlap_hits(members, leads, "team")["row"]).to_numpy()


def fixed_cities(wb, held: pd.DataFrame, teams) -> pd.MultiIndex:
    """(team, city) pairs fixed by the held members of the ``same_source`` ``teams``."""
    fixed = held[held["team"].isin(teams)]
    return pd.MultiIndex.from_arrays([fixed["team"].to_numpy(), fixed["person"].map(source_city(wb)).to_numpy()])


def define_team_rules(wb, seats, pairs, pinned, m: Model) -> None:
    """Fill the model's team-rule arrays (groups built from sorted arrays, one entry per team)."""
    lr, ss = ruled_teams(wb)
    if (len(lr) == 0 and len(ss) == 0) or pairs.empty:
        return
    seat_team = seats["team"]
    ruled = seat_team.isin(lr.union(ss)).to_numpy()
    if not ruled[m.pair_seat].any():
        return
    pins = pd.DataFrame({"person": pinned["person"].to_numpy(),
                         "order": seats["order"].to_numpy()[pinned["seat"].to_numpy()],
                         "start": seats["start"].to_numpy()[pinned["seat"].to_numpy()],
                         "end": seats["end"].to_numpy()[pinned["seat"].to_numpy()]})
    held = held_places(wb, pins)
    role = seats["role"].to_numpy()
    p_team = seat_team.to_numpy()[m.pair_seat]
    p_role = role[m.pair_seat]
    # lead_required: member seats not covered by an existing/pinned lead overlapping them
    member = seats["team"].isin(lr).to_numpy() & (role != Role.LEAD)
    if member.any():
        ms = pd.DataFrame({"row": np.flatnonzero(member), "team": seat_team.to_numpy()[member],
                           "start": seats["start"].to_numpy()[member], "end": seats["end"].to_numpy()[member]})
        need = ms.loc[~lead_covered(ms, held), "row"].to_numpy().astype(np.int64)
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
    in_ss = pd.Series(p_team).isin(ss).to_numpy()
    if in_ss.any():
        fixed = fixed_cities(wb, held, ss)
        p_city = pairs["source_city"].to_numpy()
        has_fixed = pd.Series(p_team).isin(fixed.get_level_values(0)).to_numpy()
        ok = pd.MultiIndex.from_arrays([p_team, p_city]).isin(fixed)
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
