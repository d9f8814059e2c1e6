"""The stable-matching solver (resident-optimal deferred acceptance, :mod:`planning.programme.stable`)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...programme import stable
from ..model import Model, Solution
from ..plan import SolveStatus
from .flow import tie_value
from ..team_rules import enforce_team_rules


def solve_stable(wb, seats: pd.DataFrame, pairs: pd.DataFrame, m: Model):
    """Resident-optimal stable matching via :func:`planning.programme.stable.hospital_resident`.

    People (residents) rank the seats they are eligible for: wished host units
    first (in wish order), then by priority, preferred pairing, exact skill,
    start. Seats (hospitals) rank people by preferred pairing, exact skill,
    level. Each person takes at most one seat. Team rules are then enforced by
    dropping the new members a rule forbids (a lead_required team with no
    lead; same_source members outside the largest city group). Returns the
    solution and a table of blocking pairs of the matching.
    """
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
    chosen = enforce_team_rules(m, chosen)
    kept = set(chosen.tolist())
    final = {s: [] for s in matching}
    for s, p, k in zip(df["seat"].to_numpy()[chosen], df["person"].to_numpy()[chosen], chosen):
        final[s].append(p)
    blocking = stable.blocking_pairs(final, resident_prefs, hospital_prefs, capacities)
    bp = pd.DataFrame(blocking, columns=["person", "seat"])
    sp = bp["seat"].str.rsplit("#", n=1, expand=True) if len(bp) else pd.DataFrame({0: [], 1: []})
    bp = pd.DataFrame({"person": bp["person"], "order": sp[0], "slot": sp[1].astype(np.int64)})
    value = int(m.pair_w[chosen].sum())
    sol = Solution(np.asarray(sorted(kept), dtype=np.int64), value, None, SolveStatus.STABLE, SolveStatus.STABLE,
                   tie_value(m, chosen), "stable")
    return sol, bp
