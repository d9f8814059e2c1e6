"""The plan and its parts: objective, reasons, the words for them, and explanations."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from ..core.names import batch_names
from ..core.clock import today
from ..core.live import LIVE
from ..programme.criteria import CRITERIA
from ..programme.eligibility import blocked_sentences, exclusions, near_misses, near_text, why_not
from ..programme.seats import order_slots
from ..core.i18n import default_lang, fmt_date, fmt_int, sector_label, t

# tie-breaker weights: each outweighs all the later ones together (per person); a tier no pair of a problem uses
# (the person's preferences) takes no room there (planning.allocation.model._tie_reward)
FAIR_MAX = 15                       # fair share: marginal cost 0..15
PERSON_STEP = FAIR_MAX + 1          # each preference an order states and the person meets (Party member, rural
PERSON_MAX = 2                      # experience, design §11) earns PERSON_STEP
WISH_STEP = PERSON_STEP * PERSON_MAX + FAIR_MAX + 1    # wish rank r (0 = first) earns WISH_STEP * (WISH_RANKS - r)
WISH_RANKS = 8
EXACT = WISH_STEP * WISH_RANKS + PERSON_STEP * PERSON_MAX + FAIR_MAX + 1          # 432
PREFERRED = EXACT + WISH_STEP * WISH_RANKS + PERSON_STEP * PERSON_MAX + FAIR_MAX + 1  # 864

#: groups of seats with fewer candidates than places named in the plan's summary (the rest are counted)
BOTTLENECK_LINES = 20
#: the CP-SAT tie-breaker phase without a time limit: TIEBREAK_SHARE of the first phase's time, at least
#: TIEBREAK_MIN_SECONDS (a phase stopped there states its bound: ``Objective.tiebreak_bound``)
TIEBREAK_MIN_SECONDS = 2.0
TIEBREAK_SHARE = 0.5


def tiebreak_seconds(proof: float, left: float | None = None) -> float:
    """Seconds for the tie-breakers after a first phase of ``proof`` seconds, within ``left`` (None: no limit).

    >>> tiebreak_seconds(0.3), tiebreak_seconds(8.0), tiebreak_seconds(8.0, 1.5)
    (2.0, 4.0, 1.5)
    """
    seconds = max(TIEBREAK_MIN_SECONDS, TIEBREAK_SHARE * proof)
    return seconds if left is None else min(seconds, max(0.0, left))
class SolveStatus(StrEnum):
    """How far a solver got: ``Objective.status`` and ``Objective.tiebreak_status``."""

    OPTIMAL = "optimal"          # proven optimal
    TIME_LIMIT = "time_limit"    # stopped at the time limit: the best found, with a bound
    FEASIBLE = "feasible"        # the method finished with a gap: a plan and a proven bound, not proven optimal
    STABLE = "stable"            # a stable matching (no optimality claim)
    SKIPPED = "skipped"          # not attempted (the tie-breakers after a first phase that stopped early)
    RUNNING = "running"          # still being solved (a plan handed out as soon as its first objective is proven)


class Reason(StrEnum):
    """Why a seat is unfilled (``Plan.unfilled["reason"]``), in the order the rules are checked."""

    NO_ONE_IN_SECTOR = "no_one_in_sector"
    CRITERIA = "criteria"
    NO_ONE_FREE = "no_one_free"
    PAIRING = "pairing"
    TEAM_RULE = "team_rule"
    TEAM_SIZE = "team_size"
    QUOTA = "quota"
    STAFF_CAP = "staff_cap"
    LOST_TO_HIGHER_PRIORITY = "lost_to_higher_priority"
    TIME_LIMIT = "time_limit"


REASONS = tuple(r.value for r in Reason)
WHY = ("pinned", "preferred", "exact_skill", "wish", "person_pref", "fair_share", "priority")
CONTRACT = ["person", "order", "start", "end", "status"]


class PlanError(ValueError):
    """A request the planner cannot honour (a pin that breaks a rule, bad arguments)."""


@dataclass
class Objective:
    """What the solver reached.

    ``value`` is the sum over new filled seats of ``2**(priority-1)`` (existing
    assignments not included); ``bound`` the solver's proven upper bound on it;
    ``gap`` the relative gap ``(bound - value) / bound``; ``status`` is
    ``optimal``, ``time_limit`` (stopped early: ``gap`` says how far it may be),
    ``feasible`` (the horizon solver finished with a gap it could not close)
    or ``stable`` (method ``stable``: no optimality claim). ``tiebreak_status``
    says whether the tie-breakers were also solved to optimality, and
    ``tiebreak_bound`` (when they stopped short of a proof) how high their total
    (``tiebreak_value``) could still go; ``proof_seconds`` how long the solver took
    to reach (and prove) the first objective's status.
    """

    value: int
    bound: int | None
    status: str
    gap: float | None
    method: str
    seconds: float
    tiebreak_status: str = SolveStatus.OPTIMAL.value
    tiebreak_value: int = 0
    proof_seconds: float | None = None
    note: str = ""
    blocking_pairs: int | None = None
    tiebreak_bound: int | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class PlanInputs:
    """What a plan was made from (``Plan.inputs``)."""

    workbook: object           # the workbook as given (before the new assignments)
    seats: pd.DataFrame        # the seats planned (:func:`planning.allocation.candidates.planned_seats`)
    pairs: pd.DataFrame        # candidate (person, seat) pairs, pinned ones included
    busy: pd.DataFrame         # people's busy periods (existing assignments)
    model: object              # the :class:`planning.allocation.model.Model` solved


@dataclass
class Plan:
    """The result of :func:`allocate`.

    Attributes
    ----------
    assignments : DataFrame
        New planned assignments: ``person, order, start, end, status`` then
        ``slot, role, team, host_unit, sector, priority, source_city, reason``
        (``reason`` is a code of :data:`WHY`; :meth:`with_text` renders it).
    unfilled : DataFrame
        One row per seat left empty: ``order, slot, start, end, seats,
        host_unit, sector, priority, reason`` (a code of :data:`REASONS`).
    objective : Objective
    workbook : Workbook
        A copy of the input with the new assignments appended.
    blocking_pairs : DataFrame or None
        With ``method="stable"``: the (person, order, slot) pairs that block.
    planning_date : Timestamp
        The day new assignments start at the earliest (:func:`allocate`'s ``planning_date``).
    inputs : PlanInputs
        What the plan was made from: the workbook, the seats planned, the
        candidate pairs, the busy periods and the model (for explanations,
        rosters and checks).
    """

    assignments: pd.DataFrame
    unfilled: pd.DataFrame
    objective: Objective
    workbook: object
    blocking_pairs: pd.DataFrame | None = None
    lang: str | None = None
    inputs: PlanInputs | None = field(default=None, repr=False)
    planning_date: pd.Timestamp | None = None

    def with_text(self, lang: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Assignments and unfilled seats with a ``reason_text`` column in ``lang``."""
        lang = lang or self.lang or default_lang()
        a = self.assignments.assign(reason_text=[why_text(c, lang) for c in self.assignments["reason"]])
        u = self.unfilled.assign(reason_text=unfilled_reasons(self.unfilled, self.workbook, lang))
        return a, u

    def explain(self, person_or_order: str, lang: str | None = None) -> str:
        """Why this person went where they went, or why this order's seats are (not) filled."""
        return explain(self, person_or_order, lang or self.lang)

    def __repr__(self) -> str:
        o = self.objective
        return (f"Plan({len(self.assignments)} new assignments, {int(self.unfilled['seats'].sum())} seats unfilled, "
                f"{o.status}, value={o.value}, bound={o.bound})")


def why_text(code: str, lang: str | None = None) -> str:
    """The tie-breaker that chose a person, in words."""
    return t("alloc.why." + code, lang)


def unfilled_reasons(unfilled: pd.DataFrame, wb, lang: str | None = None) -> list[str]:
    """Why each unfilled seat is empty, in words; a pairing's deciding senders by name."""
    nm = pd.concat([wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"]])
    nm = nm[~nm.index.duplicated()]
    senders = unfilled["senders"] if "senders" in unfilled else pd.Series(np.nan, index=unfilled.index)
    limits = unfilled["limit"] if "limit" in unfilled else pd.Series(np.nan, index=unfilled.index)
    batches = batch_names(wb, lang)
    out = [limit_text(c, str(nm.get(s, s)), lim, sector, batches, lang)
           if c in (Reason.QUOTA, Reason.STAFF_CAP) and isinstance(lim, str) else
           team_size_text(wb, lim, lang) if c == Reason.TEAM_SIZE and isinstance(lim, str) else
           reason_text(c, lang, "、".join(str(nm.get(x, x)) for x in s.split("、")) if isinstance(s, str) else "")
           for c, s, lim, sector in zip(unfilled["reason"], senders, limits, unfilled["sector"])]
    near = unfilled["reason"].isin([Reason.CRITERIA, Reason.NO_ONE_FREE]).to_numpy()
    if near.any():  # who misses the seat by one selection criterion alone: "3 人只差职称"
        u = unfilled[near][["order", "slot", "start", "end"]].reset_index(drop=True)
        sl = order_slots(wb.orders[wb.orders["id"].isin(u["order"])]).drop(columns=["start", "end"])
        sl = u.astype({"slot": np.int64}).merge(sl.astype({"slot": np.int64}), on=["order", "slot"], how="left")
        nm_ = near_misses(wb, sl)
        for k, i in enumerate(np.flatnonzero(near).tolist()):
            words = near_text(nm_[nm_["slot_row"] == k], lang)
            if words:
                out[i] += ("：" + words) if (lang or default_lang()) == "zh" else f": {words}"
    return out


def limit_text(code: str, sender: str, figures: str, sector, batches: pd.Series, lang: str | None = None) -> str:
    """A seat a quota or staff cap keeps empty, naming the sender: "济南市人民医院 已达外派上限（12/40，30%）".

    ``figures`` is the unfilled table's ``limit``: ``limit|staff|max_share`` for a staff cap,
    ``limit|batch`` for a quota; ``batches`` maps batch ids to names.
    """
    part = figures.split("|")
    if code == Reason.STAFF_CAP:
        return t("alloc.reason.staff_cap_sender", lang, sender=sender, n=part[0], staff=part[1],
                 share=f"{float(part[2]) * 100:g}%")
    name = batches.get(part[1]) if len(batches) else None
    return t("alloc.reason.quota_sender", lang, sender=sender, n=part[0], sector=sector_label(sector, lang),
             batch=name if isinstance(name, str) and name else part[1])


def team_size_text(wb, figures: str, lang: str | None = None) -> str:
    """A seat the team's least size keeps empty: "组团不足最少人数（某村组团至少 3 人，可派 2 人）".

    ``figures`` is the unfilled table's ``limit``: ``team|min_size|could``; the team is named by its ``name``
    column where the teams table has one, else by its host (``{host}组团``).
    """
    tid, n, k = figures.split("|")
    tm = wb.teams.drop_duplicates("id").set_index("id")
    name = tm["name"].get(tid) if "name" in tm.columns else None
    if not isinstance(name, str) or not name.strip():
        nm = pd.concat([wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"]])
        host = tm["host"].get(tid, tid)
        name = t("report.team_name", lang, host=nm[~nm.index.duplicated()].get(host, host))
    return t("alloc.reason.team_size_team", lang, team=name, n=int(n), k=int(k))


def reason_text(code: str, lang: str | None = None, senders: str = "") -> str:
    """Why a seat is unfilled, in words (``senders``: names of the pairing's deciding senders)."""
    if code == "pairing" and senders:
        return t("alloc.reason.pairing_senders", lang, senders=senders)
    return t("alloc.reason." + code, lang)


def explain(plan: Plan, key: str, lang: str | None = None) -> str:
    """Short text: why a person went where they went / why an order's seats are (not) filled."""
    lang = lang or default_lang()
    ctx = plan.inputs
    wb = ctx.workbook
    people = wb.people.set_index("id")
    units = wb.units.set_index("id")["name"]
    a = plan.assignments

    def unit(u):
        return f"{units.get(u, u)}"

    o_all = wb.orders.set_index("id")
    post = o_all["skill"].where(o_all["skill"].notna() & o_all["skill"].astype(str).str.strip().ne(""),
                                o_all["sector"]).astype(str)

    def order_name(order_id):
        """The order as people name it: host unit and post (ids stay out of the text)."""
        if order_id not in o_all.index:
            return str(order_id)
        return f"{unit(o_all.at[order_id, 'host_unit'])}·{post[order_id]}"

    if key in people.index:
        name = people.at[key, "name"]
        mine = a[a["person"] == key]
        if len(mine):
            lines = [t("alloc.explain.person_head", lang, person=key, name=name, n=len(mine))]
            for r in mine.itertuples(index=False):
                lines.append(t("alloc.explain.person_line", lang, order=order_name(r.order), host=unit(r.host_unit),
                               sector=sector_label(r.sector, lang), start=fmt_date(r.start, lang),
                               end=fmt_date(r.end, lang), priority=r.priority, why=why_text(r.reason, lang)))
            return "\n".join(lines)
        cand = ctx.pairs[ctx.pairs["person"] == key]
        if cand.empty:
            live = wb.assignments[(wb.assignments["person"] == key) & wb.assignments["status"].isin(LIVE)
                                  & (wb.assignments["end"] >= today())]
            why = t("alloc.explain.busy", lang) if len(live) else t("alloc.explain.no_seat", lang)
            if not len(live):  # the seats of their sector they miss by selection criteria alone, and why
                lines = [t("alloc.explain.person_none", lang, person=key, name=name, why=why)]
                open_ = ctx.seats[(ctx.seats["remaining"] > 0) & ctx.seats["sector"].eq(people.at[key, "sector"])]
                shown = 0
                for r in open_.head(50).itertuples(index=False):
                    ex = exclusions(wb, key, r.order, int(r.slot), start=r.start)
                    if ex and all(c in CRITERIA for c, _, _ in ex):
                        lines.append(t("alloc.explain.why_not", lang, order=order_name(r.order),
                                       start=fmt_date(r.start, lang), end=fmt_date(r.end, lang),
                                       why=("；" if lang == "zh" else "; ").join(
                                           why_not(wb, key, r.order, int(r.slot), lang, start=r.start))))
                        shown += 1
                        if shown == 3:
                            break
                return "\n".join(lines)
        else:
            why = t("alloc.explain.taken", lang, n=cand["seat"].nunique())
        return t("alloc.explain.person_none", lang, person=key, name=name, why=why)
    orders = wb.orders.set_index("id")
    if key in orders.index:
        o = orders.loc[key]
        seats = ctx.seats[ctx.seats["order"] == key]
        head = t("alloc.explain.order_head", lang, order=order_name(key), host=unit(o["host_unit"]),
                 sector=sector_label(o["sector"], lang), priority=int(o["priority"]))
        if seats.empty:
            return head + "\n" + t("alloc.explain.order_not_planned", lang)
        mine = a[a["order"] == key]
        un = plan.unfilled[plan.unfilled["order"] == key]
        lines = [head, t("alloc.explain.order_counts", lang, seats=int(seats["headcount"].sum()),
                         existing=int(seats["existing"].sum()), new=len(mine), empty=int(un["seats"].sum()))]
        names = people["name"]
        for r in mine.itertuples(index=False):
            lines.append(t("alloc.explain.order_line", lang, person=r.person, name=names.get(r.person, ""),
                           start=fmt_date(r.start, lang), end=fmt_date(r.end, lang), why=why_text(r.reason, lang)))
        for r, why in zip(un.itertuples(index=False), unfilled_reasons(un, plan.workbook, lang)):
            lines.append(t("alloc.explain.order_empty", lang, n=r.seats, start=fmt_date(r.start, lang),
                           end=fmt_date(r.end, lang), reason=why))
        return "\n".join(lines)
    return t("alloc.explain.unknown", lang, item=key)


def quality_words(objective, lang: str | None = None) -> tuple[str, str]:
    """The solver's result in words a planner reads: ``(headline, note)``.

    Proven optimal: "this is the best plan". Stopped at the time limit: the plan
    may still improve, by at most ``bound − value`` seats (every filled seat adds
    at least 1 to the objective, Σ 2^(priority−1)), so that is an honest ceiling.

    >>> from planning.allocation.plan import Objective
    >>> quality_words(Objective(value=222, bound=222, status="optimal", gap=0.0, method="exact", seconds=1.0), "en")
    ('This is the best plan', '')
    >>> quality_words(Objective(value=200, bound=205, status="time_limit", gap=0.02, method="exact", seconds=9.0), "zh")
    ('方案可能还能改进', '最多还能多安排 5 个岗位')

    The first objective proven, the note says how the choice among equally good plans
    (the tie-breakers) stands: still running, or stopped with its score and ceiling.

    >>> o = Objective(value=222, bound=222, status="optimal", gap=0.0, method="cpsat", seconds=9.0,
    ...               tiebreak_status="time_limit", tiebreak_value=4650, tiebreak_bound=4712)
    >>> quality_words(o, "en")[1]
    'choosing among equally good plans stopped at a score of 4,650 of at most 4,712'
    """
    o = objective
    if o.status == "stable":
        return t("aapp.quality.stable", lang), ""
    if o.status == "optimal":
        return t("aapp.quality.best", lang), tie_words(o, lang)
    if o.bound is None:
        return t("aapp.quality.unknown", lang), ""
    more = max(int(o.bound) - int(o.value), 0)
    if more == 0:
        return t("aapp.quality.best", lang), tie_words(o, lang)
    return t("aapp.quality.may_improve", lang), t("aapp.quality.at_most", lang, n=fmt_int(more))


def tie_words(objective, lang: str | None = None) -> str:
    """How the tie-breakers stand, in words ("" when they are settled or were not run)."""
    o = objective
    if o.tiebreak_status == SolveStatus.RUNNING:
        return t("aapp.quality.tie_running", lang)
    if o.tiebreak_status == SolveStatus.TIME_LIMIT and o.tiebreak_bound is not None:
        return t("aapp.quality.tie_bounded", lang, value=fmt_int(o.tiebreak_value), bound=fmt_int(o.tiebreak_bound))
    return ""


def summary_text(plan: Plan, lang: str | None = None) -> str:
    """A few lines: seats filled by priority, unfilled by reason, the solver's status and bound."""
    lang = lang or plan.lang or default_lang()
    seats = plan.inputs.seats
    o = plan.objective
    lines = [t("alloc.cli.title", lang, source=plan.inputs.workbook.source), t("alloc.cli.by_priority", lang)]
    open_ = seats.groupby("priority")["remaining"].sum()
    filled = plan.assignments.groupby("priority").size()
    empty = plan.unfilled.groupby("priority")["seats"].sum()
    for p in sorted(open_.index, reverse=True):
        if open_[p]:
            lines.append(t("alloc.cli.priority_row", lang, p=int(p), open=int(open_[p]),
                           filled=int(filled.get(p, 0)), empty=int(empty.get(p, 0))))
    lines.append(t("alloc.cli.by_reason", lang))
    by_reason = plan.unfilled.groupby("reason")["seats"].sum()
    if by_reason.empty:
        lines.append(t("alloc.cli.none_unfilled", lang))
    for code in REASONS:
        if code in by_reason.index:
            lines.append(t("alloc.cli.reason_row", lang, reason=reason_text(code, lang), n=int(by_reason[code])))
    pu = plan.unfilled[plan.unfilled["reason"].eq("pairing") & plan.unfilled["senders"].notna()]
    if len(pu):
        blocked = pu.groupby(["host_unit", "sector", "senders"], as_index=False)["seats"].sum()
        lines.append(t("pairing.blocked.title", lang))
        lines.extend("  " + s for s in blocked_sentences(plan.inputs.workbook, blocked, lang, free=True))
    if plan.inputs is not None and plan.inputs.model is not None and len(plan.unfilled):
        from .bottleneck import bottleneck_sentences  # the certificate: groups with fewer candidates than seats

        said = bottleneck_sentences(plan, lang=lang)
        if said:
            lines.append(t("bottleneck.title", lang))
            lines.extend("  " + s for s in said[:BOTTLENECK_LINES])
            if len(said) > BOTTLENECK_LINES:
                lines.append("  " + t("bottleneck.more", lang, n=len(said) - BOTTLENECK_LINES))
    lines.extend(sender_lines(plan, lang))
    headline, note = quality_words(o, lang)
    lines.append(t("alloc.cli.quality", lang, quality=headline, note=("，" if lang == "zh" else ", ") + note if note else "",
                   seconds=o.seconds))
    if o.blocking_pairs is not None:
        lines.append(t("alloc.cli.blocking", lang, n=o.blocking_pairs))
    return "\n".join(lines)


#: sending units shown in the plan's summary, the most burdened first
BURDEN_LINES = 10


def sender_lines(plan: Plan, lang: str | None = None) -> list[str]:
    """The summary's senders: per batch each sender's task, quota, nominated, selected and largest burden, then
    the most burdened sending units (none when the workbook gives no batches or staff)."""
    from .sender_rules import plan_burden, plan_senders

    wb = plan.inputs.workbook if plan.inputs is not None else plan.workbook
    if wb.batches.empty and wb.sender_staff.empty:
        return []
    nm = pd.concat([wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"]])
    nm = nm[~nm.index.duplicated()]
    bn = batch_names(wb, lang)

    def pct(x):
        return "—" if pd.isna(x) else f"{x:.0%}"

    lines = []
    ps = plan_senders(plan)
    for b, g in ps.groupby("batch", sort=True):
        name = bn.get(b)
        lines.append(t("alloc.cli.senders", lang, batch=name if isinstance(name, str) and name else b))
        for r in g.itertuples(index=False):
            lines.append(t("alloc.cli.sender_row", lang, sender=nm.get(r.sender, r.sender),
                           sector=sector_label(r.sector, lang), task=r.task, quota=r.quota, nominated=r.nominated,
                           selected=r.selected, burden=pct(r.burden)))
    if len(wb.sender_staff):
        day = plan.planning_date if plan.planning_date is not None else today()
        pb = plan_burden(wb, plan.assignments, day).sort_values(["burden", "unit"], ascending=[False, True])
        lines.append(t("alloc.cli.burden_title", lang))
        for r in pb.head(BURDEN_LINES).itertuples(index=False):
            cap = "" if pd.isna(r.max_share) else t("alloc.cli.burden_cap", lang, cap=pct(r.max_share))
            lines.append(t("alloc.cli.burden_row", lang, unit=nm.get(r.unit, r.unit), sector=sector_label(r.sector, lang),
                           staff=r.staff, peak=r.peak, burden=pct(r.burden), cap=cap))
    return lines
