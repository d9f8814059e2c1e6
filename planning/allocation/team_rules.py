"""The team rules (``lead_required``, ``same_source``, ``min_size``), defined once.

- ``lead_required``: no member seat of the team is filled unless a lead of the
  team holds a seat overlapping it (an existing or pinned one), or the plan
  places a new lead in the team;
- ``same_source``: the new members of a team come from one source city, the
  city of its existing active/planned members when it has any;
- ``min_size`` (最少人数, design §11: a village team of at least 3): on every
  day, a team the plan sends people to has nobody of them or at least
  ``min_size`` people on post. People already on post (live assignments:
  active or planned, as :func:`planning.programme.criteria.teams_short` counts
  them) and a planner's pins count as on post. The rule binds the days on
  which nobody is on post: there the plan sends no one or at least
  ``min_size`` (a team is never started below its size). On a day someone is
  already on post, the team exists: the plan may add anyone, even if the team
  stays short (say 1 on post, 1 more to send, least size 3). Such a team is not
  the plan's doing; ``teams_short`` lists it. So the rule can always be kept
  (sending nobody keeps it), and a plan is never infeasible because of it. A
  least size of 1 or less asks nothing.

:func:`ruled_teams`, :func:`sized_teams`, :func:`held_places`, :func:`lead_covered`,
:func:`fixed_cities` and :func:`empty_days` state these facts; the model's rows
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
from ..core.periods import ends
from ..core.vocabulary import Role
from .candidates import overlap_hits

if TYPE_CHECKING:
    from .model import Model


def ruled_teams(wb) -> tuple[pd.Index, pd.Index]:
    """The teams with ``lead_required`` and those with ``same_source``."""
    tm = wb.teams.set_index("id")
    return tm.index[tm["lead_required"].fillna(False).astype(bool)], tm.index[tm["same_source"].fillna(False)
                                                                               .astype(bool)]


def sized_teams(wb) -> pd.Series:
    """Team id → its least size (``teams.min_size``), for the teams whose least size asks something (2 or more)."""
    tm = wb.teams
    if "min_size" not in tm.columns:
        return pd.Series([], dtype=np.int64)
    n = pd.to_numeric(tm["min_size"], errors="coerce")
    keep = n.notna() & (n >= 2)
    return pd.Series(n[keep].astype(np.int64).to_numpy(), index=tm.loc[keep, "id"].to_numpy()).groupby(
        level=0).max()


def empty_days(seats: pd.DataFrame, held: pd.DataFrame) -> pd.DataFrame:
    """The stretches of days on which a team has nobody on post and some of ``seats`` open.

    ``seats``: ``row, team, start, end`` (places a plan may fill); ``held``: ``person, team, start, end`` (people
    on post). Per team, the days are cut where a seat or a held stint begins or ends; each stretch with no held
    person and some seat open gives a row ``team, start, end, rows`` (the seats' ``row`` values covering it, as a
    sorted tuple). On such a stretch the plan's new people of the team are none or at least ``min_size``.
    """
    out = []
    held = held[held["team"].isin(set(seats["team"]))]
    hs = {t: g for t, g in held.groupby("team", sort=False)}
    for tid, g in seats.groupby("team", sort=False):
        s0, s1 = g["start"].to_numpy("datetime64[D]"), g["end"].to_numpy("datetime64[D]")
        h = hs.get(tid)
        h0 = h["start"].to_numpy("datetime64[D]") if h is not None else np.zeros(0, "datetime64[D]")
        h1 = ends(h["end"]).to_numpy("datetime64[D]") if h is not None else np.zeros(0, "datetime64[D]")
        one = np.timedelta64(1, "D")
        cuts = np.unique(np.r_[s0, s1 + one, h0, h1 + one])
        lo, hi = cuts[:-1], cuts[1:] - one
        cover = (s0[None, :] <= lo[:, None]) & (s1[None, :] >= lo[:, None])
        on = (h0[None, :] <= lo[:, None]) & (h1[None, :] >= lo[:, None])
        free = cover.any(axis=1) & ~on.any(axis=1)
        rows = g["row"].to_numpy()
        for i in np.flatnonzero(free):
            out.append((tid, lo[i], hi[i], tuple(sorted(rows[cover[i]].tolist()))))
    return pd.DataFrame(out, columns=["team", "start", "end", "rows"])


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
    sized = sized_teams(wb)
    if (len(lr) == 0 and len(ss) == 0 and len(sized) == 0) or pairs.empty:
        return
    seat_team = seats["team"]
    ruled = seat_team.isin(lr.union(ss).union(sized.index)).to_numpy()
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
    if len(sized):
        define_min_size(seats, pairs, held, sized, m)


def define_min_size(seats, pairs, held, sized: pd.Series, m: Model) -> None:
    """``min_size``: one row per distinct set of seats open on a stretch of days a sized team has nobody on post.

    A row's seats take none or at least ``min_size`` new people together (:attr:`Model.size_seats`,
    :attr:`Model.size_min`, :attr:`Model.size_team`). Only seats with candidates and places left count. A row
    whose seats have fewer places, or fewer candidates (of pairs not fixed off), than the least size can never be
    staffed: its seats stay empty (their pairs are fixed off), and are left out of the other rows, which may then
    fall short in turn, until none does. :attr:`Model.size_live` keeps each row's seats still open when it was
    judged (for the unfilled reasons: how many could have gone).
    """
    has_pairs = np.zeros(len(seats), dtype=bool)
    has_pairs[m.pair_seat] = True
    open_ = seats["team"].isin(sized.index).to_numpy() & has_pairs & (m.cap > 0)
    if not open_.any():
        return
    sl = pd.DataFrame({"row": np.flatnonzero(open_), "team": seats["team"].to_numpy()[open_],
                       "start": seats["start"].to_numpy()[open_], "end": seats["end"].to_numpy()[open_]})
    stretches = empty_days(sl, held[["person", "team", "start", "end"]])
    if stretches.empty:
        return
    rows = stretches.drop_duplicates(["team", "rows"])
    off = np.zeros(m.n_pairs, dtype=bool) if m.fixed_off is None else m.fixed_off.copy()
    for tid, rs in zip(rows["team"].to_numpy(), rows["rows"].to_numpy()):
        m.size_seats.append(np.asarray(rs, np.int64))
        m.size_min.append(int(sized[tid]))
        m.size_team.append(tid)
    m.size_live = list(m.size_seats)
    blocked = np.zeros(len(m.cap), dtype=bool)
    done = np.zeros(len(m.size_seats), dtype=bool)
    changed = True
    while changed:
        changed = False
        for r, (seats_r, n) in enumerate(zip(m.size_seats, m.size_min)):
            if done[r]:
                continue
            live = seats_r[~blocked[seats_r]]
            m.size_live[r] = live
            if len(live) == 0:
                done[r] = True
                continue
            ks = np.concatenate([m.seat_pairs(s) for s in live])
            if int(m.cap[live].sum()) < n or len(np.unique(m.pair_person[ks[~off[ks]]])) < n:
                blocked[live] = True
                done[r] = changed = True
    for s in np.flatnonzero(blocked):
        off[m.seat_pairs(s)] = True
    m.fixed_off = off


def size_pairs(m: Model) -> list[np.ndarray]:
    """Per ``min_size`` row of the model, its pairs."""
    return [np.concatenate([m.seat_pairs(s) for s in seats]) if len(seats) else np.zeros(0, np.int64)
            for seats in m.size_seats]


def enforce_team_rules(m: Model, chosen: np.ndarray) -> np.ndarray:
    """Drop placements a team rule forbids (for methods that do not model team rules).

    ``min_size``: a row with some but fewer than its least size placed loses them all; dropping may leave a
    ``lead_required`` team without its new lead, or another row short, so both are applied until nothing changes.
    """
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
    rows = size_pairs(m) if m.size_seats else []
    changed = True
    while changed:
        changed = False
        for mseats, leads in zip(m.member_seats, m.lead_pairs):
            if not on[leads].any():
                for s in mseats:
                    ks = m.seat_pairs(s)
                    if rows:
                        changed |= bool(on[ks].any())
                    on[ks] = False
        if not rows:  # no least size: one pass, as the lead rule alone needs
            break
        for ks, n in zip(rows, m.size_min):
            c = int(on[ks].sum())
            if 0 < c < n:
                on[ks] = False
                changed = True
    return np.flatnonzero(on)
