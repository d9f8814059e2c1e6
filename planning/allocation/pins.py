"""Pins: a planner's fixed placements, each checked against every hard rule."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.hierarchy import person_ancestors
from ..core.vocabulary import Role
from ..programme.eligibility import exclusive_senders
from ..core.i18n import fmt_date, t
from .plan import PlanError


def _pin_fail(pin, rule: str, lang=None, **kw):
    kw = {k: fmt_date(v, lang) if k in ("start", "end") else v for k, v in kw.items()}
    detail = t("alloc.rule." + rule, lang, **kw)
    return PlanError(t("alloc.pin_error", lang, person=pin[0], order=pin[1], rule=detail, code=rule))


def _pin_rule(wb, person: pd.Series, seat: pd.Series, busy: pd.DataFrame, req: pd.DataFrame,
              anc: set) -> tuple[str, dict] | None:
    """The first hard rule a pin of ``person`` on ``seat`` breaks (None when it breaks none)."""
    if person["sector"] != seat["sector"]:
        return "sector", dict(have=person["sector"], need=seat["sector"])
    if pd.notna(seat["skill"]) and person["skill"] != seat["skill"]:
        return "skill", dict(have=person["skill"], need=seat["skill"])
    if person["level"] < seat["min_level"]:
        return "level", dict(have=person["level"], need=seat["min_level"])
    if seat["role"] == Role.LEAD and not person["can_lead"]:
        return "lead", {}
    if person["available_from"] > seat["start"] or person["available_to"] < seat["end"]:
        return "availability", dict(start=seat["start"], end=seat["end"])
    need = set(req.loc[(req["order"] == seat["order"]) & (req["slot"] == seat["slot"]), "sender"])
    if need and not need & anc:
        return "pairing", dict(senders="、".join(sorted(need)))
    b = busy[busy["person"] == person["id"]]
    if ((b["start"] <= seat["end"]) & (b["end"] >= seat["start"])).any():
        return "busy", dict(start=seat["start"], end=seat["end"])
    return None


def check_forbids(wb, forbids: pd.DataFrame, lang: str | None = None) -> None:
    """Every forbid names a person and an order of ``wb``; else :class:`PlanError` naming the first that does not."""
    if forbids.empty:
        return
    people, orders = set(wb.people["id"]), set(wb.orders["id"])
    for f in forbids.itertuples(index=False):
        rule = "unknown_person" if f.person not in people else "unknown_order" if f.order not in orders else None
        if rule is not None:
            raise PlanError(t("alloc.forbid_error", lang, person=f.person, order=f.order,
                              rule=t("alloc.rule." + rule, lang), code=rule))


def resolve_pins(wb, seats: pd.DataFrame, pins: pd.DataFrame, forbids: pd.DataFrame,
                 busy: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Pins as seats (``person, seat``), each checked against every hard rule.

    A pin without a slot takes the first planned slot of the order that breaks
    no rule. Raises :class:`PlanError` naming the pin and the rule it breaks.
    Loops over pins (a handful), never over people × orders.
    """
    if pins.empty:
        return pd.DataFrame({"person": pd.Series([], dtype=str), "seat": pd.Series([], dtype=np.int64)})
    people = wb.people.set_index("id", drop=False)
    order_ids = set(wb.orders["id"])
    req = exclusive_senders(wb, seats) if len(seats) else pd.DataFrame(columns=["order", "slot", "sender"])
    pa = person_ancestors(wb)
    pa = pa[pa["person"].isin(pins["person"])]
    taken = np.zeros(len(seats), dtype=np.int64)
    extra = []
    out = []
    for pin in pins.itertuples(index=False):
        p = (pin.person, pin.order)
        if pin.person not in people.index:
            raise _pin_fail(p, "unknown_person", lang)
        if pin.order not in order_ids:
            raise _pin_fail(p, "unknown_order", lang)
        if not forbids.empty and ((forbids["person"] == pin.person) & (forbids["order"] == pin.order)).any():
            raise _pin_fail(p, "forbidden", lang)
        cand = np.flatnonzero((seats["order"] == pin.order).to_numpy()
                              & ((seats["slot"] == pin.slot).to_numpy() if pin.slot >= 0 else True))
        if len(cand) == 0:
            raise _pin_fail(p, "not_planned", lang)
        person = people.loc[pin.person]
        anc = set(pa.loc[pa["person"] == pin.person, "ancestor"])
        b = pd.concat([busy] + extra, ignore_index=True) if extra else busy
        first = None
        chosen = None
        for i in cand:
            seat = seats.iloc[i]
            broken = _pin_rule(wb, person, seat, b, req, anc)
            if broken is None and seats["remaining"].iat[i] - taken[i] <= 0:
                broken = ("full", dict(n=int(seats["headcount"].iat[i])))
            if broken is None:
                chosen = i
                break
            first = first or broken
        if chosen is None:
            raise _pin_fail(p, first[0], lang, **first[1])
        taken[chosen] += 1
        extra.append(pd.DataFrame({"person": [pin.person], "start": [seats["start"].iat[chosen]],
                                   "end": [seats["end"].iat[chosen]]}))
        out.append((pin.person, chosen))
    return pd.DataFrame(out, columns=["person", "seat"]).astype({"seat": np.int64})
