"""The selection criteria of design §11, per (person, seat) pair and vectorised: rank, a team lead's rank, title, age on the
stint's first day, Party membership and years, service years, a medical check valid on the dispatch
date, altitude clearance for high posts, the vetting stage and the term rules.

What a seat asks (:func:`seat_criteria`) and what a person brings (:func:`person_facts`) are coded
once; :func:`criteria_failures` compares them for every pair, once per person and kind of seat (seats
asking the same on the same day share the answer). A fact a rule needs but the workbook lacks never
makes someone eligible. :mod:`planning.programme.eligibility` applies them with the rules of §4 and
says why a person is not eligible.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.facts import derived
from ..core.live import LIVE
from ..core.vocabulary import PartyStatus, Rank, Stage, Title, UnitGrade
from .seats import add_months


#: The selection criteria, in the order an explanation lists them.
CRITERIA = ("rank", "lead_rank", "title", "sender_grade", "age", "party", "party_years", "service_years", "medical", "altitude",
            "vetting", "term")
#: Posts at or above this altitude (metres) need altitude clearance.
HIGH_ALTITUDE = 3000.0
#: Months a medical check stays valid when the programme says nothing else.
MEDICAL_MONTHS = 12
RANKS, TITLES, STAGES = [m.value for m in Rank], [m.value for m in Title], [m.value for m in Stage]
GRADES = [m.value for m in UnitGrade]


def _code(s: pd.Series, values: list[str]) -> np.ndarray:
    """Position of each value in ``values`` (low to high), -1 where missing or unknown."""
    return pd.Index(values).get_indexer(s.astype(object).where(s.notna(), None)).astype(np.int64)


def _col(df: pd.DataFrame, c: str, dtype=None) -> pd.Series:
    """A column, or an empty one when a hand-made table lacks it."""
    if c in df.columns:
        return df[c].reset_index(drop=True)
    return pd.Series(pd.NA if dtype is None else np.nan, index=range(len(df)), dtype=dtype or object)


@derived("regions", "units")
def host_altitude(wb) -> pd.Series:
    """Each unit's altitude in metres: its own, else its region's or the nearest region above with one.

    Derived once per workbook (:func:`planning.core.facts.derived`)."""
    r = wb.regions
    alt = dict(zip(r["id"], pd.to_numeric(_col(r, "altitude", "float64"), errors="coerce")))
    parent = dict(zip(r["id"], r["parent"]))

    def of_region(x, seen=()):
        while isinstance(x, str) and x not in seen:
            a = alt.get(x)
            if a is not None and not np.isnan(a):
                return a
            seen = (*seen, x)
            x = parent.get(x)
        return np.nan

    u = wb.units
    own = pd.to_numeric(_col(u, "altitude", "float64"), errors="coerce").to_numpy()
    region = np.array([of_region(x) for x in u["region"].tolist()], dtype="float64")
    return pd.Series(np.where(np.isnan(own), region, own), index=u["id"].to_numpy(), dtype="float64")


def seat_criteria(wb, slots: pd.DataFrame) -> pd.DataFrame:
    """What each seat asks of a person (one row per row of ``slots``).

    Columns: ``rank`` (code of the post's rank, -1: none), ``lead_rank`` (on a lead seat of a
    team stating one: the lowest rank of its lead, -1: none), ``promotion`` (one rank below
    allowed), ``title`` (lowest title code, -1: none), ``sender_grade`` (the sending unit's
    lowest grade, -1: none), ``age_cap``, ``party`` (full membership
    required), ``party_years``, ``service_years`` (NaN: none), ``medical`` (a valid check
    needed), ``medical_months``, ``altitude`` (host's metres), ``high`` (clearance needed),
    ``stage`` (the vetting stage a person must have passed to be planned on it, code, -1: none: the
    rule's 可拟派环节, default 决定, never past its last stage), ``last_stage`` (the last stage before
    posting, default 公示: a planned person short of it is pending), ``term_ok`` (the stint within the term
    rule), ``min_months``, ``max_months``, ``dispatch`` (the stint's first day). A seat
    whose order names a programme with a term rule (its role's, else the all-roles one)
    takes that rule's vetting stage, medical check validity, promotion, and stint months
    (the order's own months first).
    """
    s = slots.reset_index(drop=True)
    n = len(s)
    teams = getattr(wb, "teams", None)
    lead_rank = np.full(n, -1, dtype=np.int64)
    if teams is not None and "lead_rank" in teams.columns and teams["lead_rank"].notna().any() and n:
        of_team = teams.drop_duplicates("id").set_index("id")["lead_rank"]
        want = _col(s, "team").map(of_team).where(_col(s, "role").eq("lead").to_numpy())
        lead_rank = _code(want, RANKS)
    out = pd.DataFrame({"rank": _code(_col(s, "post_rank"), RANKS), "lead_rank": lead_rank,
                        "title": _code(_col(s, "min_title"), TITLES),
                        "sender_grade": _code(_col(s, "min_sender_grade"), GRADES),
                        "age_cap": _col(s, "age_cap", "float64").astype("float64").to_numpy(),
                        "party": _col(s, "party_required").fillna(False).astype(bool).to_numpy(),
                        "party_years": _col(s, "min_party_years", "float64").astype("float64").to_numpy(),
                        "service_years": _col(s, "min_service_years", "float64").astype("float64").to_numpy(),
                        "dispatch": pd.DatetimeIndex(s["start"]).to_numpy()}, index=range(n))
    rule = pd.DataFrame(index=range(n), columns=["min_months", "max_months", "last_stage", "plan_stage",
                                                 "medical_months", "promotion_allowed"], dtype=object)
    has_rule = np.zeros(n, bool)
    tr = getattr(wb, "term_rules", None)
    if tr is not None and len(tr) and n:
        prog = _col(s, "programme").astype(object).to_numpy()
        role = _col(s, "role").astype(object).to_numpy()
        t = tr.reset_index(drop=True)
        t_role = t["role"].astype(object).where(t["role"].notna(), None).to_numpy()
        for general in (True, False):  # the all-roles rule first, then the role's own over it
            pick = t[pd.isna(t_role) if general else ~pd.isna(t_role)]
            pick = pick.drop_duplicates(["programme"] if general else ["programme", "role"], keep="first")
            key = pick["programme"].astype(str) + ("" if general else "\x1f" + pick["role"].astype(str))
            idx = pd.Index(key.to_numpy())
            k = np.array([str(p) + ("" if general else "\x1f" + str(r)) if isinstance(p, str) else "\x00"
                          for p, r in zip(prog, role)], dtype=object)
            at = idx.get_indexer(k)
            hit = at >= 0
            for c in rule.columns:
                if c in pick.columns:  # (a hand-made table may lack an optional column)
                    rule.loc[hit, c] = pick[c].to_numpy(dtype=object)[at[hit]]
            has_rule |= hit
    stage = rule["last_stage"].where(rule["last_stage"].notna() | ~has_rule, Stage.PUBLICISED.value)
    last = np.where(has_rule, _code(stage, STAGES), -1)
    plan = rule["plan_stage"].where(rule["plan_stage"].notna() | ~has_rule, Stage.DECIDED.value)
    plan = _code(plan, STAGES)
    out["stage"] = np.where(has_rule, np.minimum(np.where(plan < 0, last, plan), last), -1)
    out["last_stage"] = last
    months = pd.to_numeric(rule["medical_months"], errors="coerce").fillna(MEDICAL_MONTHS).to_numpy()
    out["medical_months"] = months.astype(np.int64)
    out["promotion"] = rule["promotion_allowed"].fillna(False).astype(bool).to_numpy()
    alt = host_altitude(wb).reindex(s["host_unit"].to_numpy()).to_numpy() if n else np.zeros(0)
    out["altitude"] = alt
    out["high"] = ~np.isnan(alt) & (alt >= HIGH_ALTITUDE)
    out["medical"] = has_rule | out["high"].to_numpy()
    for c in ("min_months", "max_months"):
        own = _col(s, c, "float64").astype("float64").to_numpy()
        out[c] = np.where(np.isnan(own), pd.to_numeric(rule[c], errors="coerce").to_numpy(dtype="float64"), own)
    start, end = pd.Series(pd.DatetimeIndex(s["start"])), pd.DatetimeIndex(s["end"]).to_numpy()
    ok = np.ones(n, bool)
    for c, longest in (("min_months", False), ("max_months", True)):
        m = out[c].to_numpy()
        has = ~np.isnan(m)
        if has.any():  # a stint of m months ends the day before the same day m months later
            bound = (add_months(start[has], m[has].astype(np.int64)) - pd.Timedelta(days=1)).to_numpy()
            ok[has] &= (end[has] <= bound) if longest else (end[has] >= bound)
    out["term_ok"] = ok
    return out


def person_facts(people: pd.DataFrame, wb=None) -> pd.DataFrame:
    """The facts the criteria read, one row per person: codes (-1: missing) and days (NaT: missing).

    ``sender_grade`` is the grade of the person's sending unit in ``wb`` (-1 without ``wb`` or a grade).
    The workbook's own people are coded once per workbook (:func:`workbook_person_facts`).
    """
    if wb is not None and people is getattr(wb, "people", None):
        return workbook_person_facts(wb)
    return _person_facts(people, wb)


@derived("people", "units")
def workbook_person_facts(wb) -> pd.DataFrame:
    """:func:`person_facts` of the workbook's people, derived once per workbook."""
    return _person_facts(wb.people, wb)


def _person_facts(people: pd.DataFrame, wb=None) -> pd.DataFrame:
    p = people.reset_index(drop=True)
    grade = pd.Series(np.full(len(p), -1, dtype=np.int64))
    u = getattr(wb, "units", None)
    if u is not None and "grade" in u.columns and u["grade"].notna().any():
        of_unit = u.drop_duplicates("id").set_index("id")["grade"]
        grade = pd.Series(_code(_col(p, "sending_unit").map(of_unit), GRADES))
    result = _col(p, "medical_result").astype(object)
    clear = _col(p, "altitude_clearance").astype(object)
    days = {c: pd.DatetimeIndex(_col(p, c, "datetime64[ns]").astype("datetime64[ns]")).to_numpy()
            for c in ("birth_date", "party_joined", "work_started", "medical_date")}
    return pd.DataFrame({"rank": _code(_col(p, "rank"), RANKS), "title": _code(_col(p, "title"), TITLES),
                         "party_status": _code(_col(p, "party_status"), [m.value for m in PartyStatus]),
                         **days,
                         "medical_result": np.where(result.isna(), -1, (result == "fit").astype(np.int64)),
                         "altitude_clearance": np.where(clear.isna(), -1, (clear == "cleared").astype(np.int64)),
                         "stage": _code(_col(p, "vetting_stage"), STAGES),
                         "sender_grade": grade.to_numpy()}, index=range(len(p)))


def whole_years(since: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Whole years from ``since`` to ``on`` (an anniversary on ``on`` counts); NaN where ``since`` is missing."""
    a, b = pd.DatetimeIndex(since), pd.DatetimeIndex(on)
    y = (b.year - a.year).to_numpy(dtype="float64") - ((b.month * 100 + b.day) < (a.month * 100 + a.day))
    return np.where(np.isnat(np.asarray(since, dtype="datetime64[ns]")), np.nan, y)


def _years_of_pairs(since: np.ndarray, prow: np.ndarray, on: np.ndarray, srow: np.ndarray) -> np.ndarray:
    """:func:`whole_years` from ``since[prow]`` to ``on[srow]``, the calendar fields taken once per person and seat."""
    a, b = pd.DatetimeIndex(since), pd.DatetimeIndex(on)
    ay, amd = a.year.to_numpy(dtype="float64"), (a.month * 100 + a.day).to_numpy(dtype="float64")
    by, bmd = b.year.to_numpy(dtype="float64"), (b.month * 100 + b.day).to_numpy(dtype="float64")
    return by[srow] - ay[prow] - (bmd[srow] < amd[prow])  # NaN where ``since`` is missing


def medical_valid_until(checked: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Last day a medical check on ``checked`` is valid: the day before the same day ``months`` later."""
    checked = np.asarray(checked, dtype="datetime64[ns]")
    out = np.full(len(checked), np.datetime64("NaT"), dtype="datetime64[ns]")
    known = ~np.isnat(checked)
    if known.any():
        out[known] = (add_months(pd.Series(checked[known]), np.asarray(months)[known]) - pd.Timedelta(days=1)).to_numpy()
    return out


def criteria_failures(wb, people: pd.DataFrame, slots: pd.DataFrame, prow: np.ndarray, srow: np.ndarray,
                      seats: pd.DataFrame | None = None, facts: pd.DataFrame | None = None,
                      first_only: bool = False) -> dict[str, np.ndarray]:
    """For each pair (``prow`` into ``people``, ``srow`` into ``slots``), which criteria exclude the person.

    One boolean array per criterion of :data:`CRITERIA` that some seat of ``slots`` sets
    (criteria no seat sets are left out). A fact a criterion needs but the person lacks
    excludes them (design §11). Whole arrays, no loop over pairs. ``first_only``: a pair
    already excluded is not checked further (the cheap criteria first), enough to know who
    passes them all.
    """
    seats = seat_criteria(wb, slots) if seats is None else seats
    f = person_facts(people, wb) if facts is None else facts
    out: dict[str, np.ndarray] = {}
    if not len(prow):
        return out
    sc = {c: seats[c].to_numpy() for c in seats.columns}
    pf = {c: f[c].to_numpy() for c in f.columns}

    def rank(pr, sr):
        r, have = sc["rank"][sr], pf["rank"][pr]
        return (r >= 0) & ~((have == r) | (sc["promotion"][sr] & (have >= 0) & (have == r - 1)))

    def sender_grade(pr, sr):
        g = sc["sender_grade"][sr]
        return (g >= 0) & (pf["sender_grade"][pr] < g)  # a unit without a grade is -1: below every grade

    def lead_rank(pr, sr):
        r = sc["lead_rank"][sr]
        return (r >= 0) & (pf["rank"][pr] < r)  # a missing rank is -1: below every rank

    def title(pr, sr):
        t_ = sc["title"][sr]
        return (t_ >= 0) & (pf["title"][pr] < t_)  # a missing title is -1: below every title

    def age(pr, sr):
        cap = sc["age_cap"][sr]
        return ~np.isnan(cap) & ~(_years_of_pairs(pf["birth_date"], pr, sc["dispatch"], sr) <= cap)

    def party(pr, sr):
        return sc["party"][sr] & (pf["party_status"][pr] != 0)  # 0: party_member, the first status

    def years(c, since):
        def check(pr, sr):
            m = sc[c][sr]
            return ~np.isnan(m) & ~(_years_of_pairs(pf[since], pr, sc["dispatch"], sr) >= m)
        return check

    def medical(pr, sr):
        med, on, months = sc["medical"][sr], sc["dispatch"][sr], sc["medical_months"][sr]
        checked = pf["medical_date"][pr]
        until = np.full(len(pr), np.datetime64("NaT"), dtype="datetime64[ns]")
        for m in np.unique(months[med]).tolist():  # per person and validity, not per pair
            sel = med & (months == m)
            until[sel] = medical_valid_until(pf["medical_date"], np.full(len(f), m))[pr[sel]]
        valid = (pf["medical_result"][pr] == 1) & ~np.isnat(checked) & (checked <= on) & (until >= on)
        return med & ~valid

    def altitude(pr, sr):
        return sc["high"][sr] & (pf["altitude_clearance"][pr] != 1)

    def vetting(pr, sr):
        st = sc["stage"][sr]
        return (st >= 0) & (pf["stage"][pr] < st)

    def term(pr, sr):
        return ~sc["term_ok"][sr]

    checks = [("term", (~sc["term_ok"]).any(), term), ("rank", (sc["rank"] >= 0).any(), rank),
              ("lead_rank", (sc["lead_rank"] >= 0).any(), lead_rank),
              ("sender_grade", (sc["sender_grade"] >= 0).any(), sender_grade),
              ("title", (sc["title"] >= 0).any(), title), ("party", sc["party"].any(), party),
              ("vetting", (sc["stage"] >= 0).any(), vetting), ("altitude", sc["high"].any(), altitude),
              ("medical", sc["medical"].any(), medical), ("age", (~np.isnan(sc["age_cap"])).any(), age),
              ("party_years", (~np.isnan(sc["party_years"])).any(), years("party_years", "party_joined")),
              ("service_years", (~np.isnan(sc["service_years"])).any(), years("service_years", "work_started"))]
    alive = None  # the pairs still checked (all of them unless ``first_only``)
    for name, applies, check in checks:
        if not applies:
            continue
        fail = np.zeros(len(prow), bool)
        if alive is None:
            fail[:] = check(prow, srow)
        elif len(alive):
            fail[alive] = check(prow[alive], srow[alive])
        out[name] = fail
        if first_only:
            alive = np.flatnonzero(~fail) if alive is None else alive[~fail[alive]]
    return {c: out[c] for c in CRITERIA if c in out}


def meets_criteria(wb, people: pd.DataFrame, slots: pd.DataFrame, prow: np.ndarray, srow: np.ndarray) -> np.ndarray:
    """Whether each pair meets every selection criterion its seat sets (:func:`criteria_failures`)."""
    ok = np.ones(len(prow), bool)
    if not len(prow):
        return ok
    used = np.unique(srow)  # the criteria of the seats the pairs name, not of every seat
    seats = seat_criteria(wb, slots.iloc[used])
    if not ((seats["rank"] >= 0).any() or (seats["lead_rank"] >= 0).any() or (seats["sender_grade"] >= 0).any() or (seats["title"] >= 0).any() or seats["party"].any()
            or seats["medical"].any() or seats["high"].any() or (seats["stage"] >= 0).any()
            or (~seats["term_ok"]).any() or seats[["age_cap", "party_years", "service_years"]].notna().any().any()):
        return ok  # no seat sets a criterion: as before the criteria
    local = np.searchsorted(used, srow)
    # seats asking the same of a person share the answer: check each (person, kind of seat) once
    cols = [seats["dispatch"].to_numpy().astype("datetime64[D]").astype(np.int64).astype("float64")]
    cols += [seats[c].to_numpy(dtype="float64") for c in _SEAT_KEY]
    mat = np.nan_to_num(np.stack(cols, axis=1), nan=-1.0)
    _, first, kind = np.unique(mat, axis=0, return_index=True, return_inverse=True)
    kind = kind.reshape(-1)
    n_kind = len(first)
    inv, combos = pd.factorize(prow.astype(np.int64) * n_kind + kind[local])
    c_person, c_seat = combos // n_kind, first[combos % n_kind]
    c_ok = np.ones(len(combos), bool)
    for fail in criteria_failures(wb, people, slots.iloc[used], c_person, c_seat, seats=seats,
                                  first_only=True).values():
        c_ok &= ~fail
    return c_ok[inv]


#: What a seat asks of a person besides its first day (:func:`seat_criteria`): seats alike in these are alike.
_SEAT_KEY = ("rank", "lead_rank", "promotion", "title", "sender_grade", "age_cap", "party", "party_years", "service_years", "medical",
             "medical_months", "high", "stage", "term_ok")


def pending_assignments(wb, assignments: pd.DataFrame | None = None) -> pd.Series:
    """Whether each live assignment is pending (拟派（待公示）): its person is short of the last vetting stage.

    The last stage is the one the term rule of the order's programme and role states
    (default 公示, design §11); an order without a term rule asks for none. A person with no
    vetting stage is short of any. Such an assignment counts as planned, never as on post.
    A boolean Series on ``assignments``' index (default: the workbook's).
    """
    a = wb.assignments if assignments is None else assignments
    out = pd.Series(False, index=a.index)
    live = a["status"].isin(LIVE).to_numpy()
    if not live.any() or getattr(wb, "term_rules", None) is None or wb.term_rules.empty:
        return out
    o = wb.orders.set_index("id").reindex(a["order"]).reset_index(names="order")
    o = o.assign(start=a["start"].to_numpy(), end=a["end"].to_numpy())
    o["host_unit"] = o["host_unit"].astype(object)
    stage = seat_criteria(wb, o)["last_stage"].to_numpy()
    have = person_facts(wb.people.set_index("id").reindex(a["person"]).reset_index())["stage"].to_numpy()
    out[:] = live & (stage >= 0) & (have < stage)
    return out


#: The status a list shows for a pending assignment (:func:`pending_assignments`): 拟派（待公示）.
PENDING = "pending"


def shown_status(wb, assignments: pd.DataFrame | None = None) -> pd.Series:
    """Each assignment's status as lists and counts take it: ``pending`` where :func:`pending_assignments`
    says so (whatever the workbook's status), else the workbook's own (``active``, ``planned``, ``done``).

    A pending assignment is counted as planned, never as on post (arrived), and listed as 拟派（待公示）.
    """
    a = wb.assignments if assignments is None else assignments
    return a["status"].astype(object).where(~pending_assignments(wb, a), PENDING)


def teams_short(wb, on=None) -> pd.DataFrame:
    """Teams with fewer people on post than their least size (``teams.min_size``, design §11: a village team of
    at least 3) on ``on`` (default today), among teams with a seat open that day.

    People on post are the live assignments (pending ones included: counted as planned) on the team's
    orders covering the day. Returns ``team, min_size, seats`` (headcount of the team's orders open
    that day), ``on_post``, ``short`` (min_size − on_post), largest shortfall first.

    The allocation counts people on post the same way and keeps the least size as a hard rule
    (:mod:`planning.allocation.team_rules`): it never starts a team below it, so after a plan a team listed
    here has nobody on post (its seats left empty), or was already short before the plan, or a pin started it.
    """
    from ..core.clock import today
    from ..core.periods import ends

    day = (pd.Timestamp(on) if on is not None else today()).normalize()
    cols = ["team", "min_size", "seats", "on_post", "short"]
    t = wb.teams
    if "min_size" not in t.columns or not t["min_size"].notna().any():
        return pd.DataFrame({c: pd.Series([], dtype=object if c == "team" else np.int64) for c in cols})
    least = t.dropna(subset=["min_size"]).drop_duplicates("id").set_index("id")["min_size"].astype(np.int64)
    o = wb.orders
    open_ = o[o["team"].isin(least.index) & (o["start"] <= day) & (ends(o["end"]) >= day)]
    seats = open_.groupby("team")["headcount"].sum()
    a = wb.assignments
    a = a[a["status"].isin(LIVE) & (a["start"] <= day) & (ends(a["end"]) >= day)]
    team_of = o.drop_duplicates("id").set_index("id")["team"]
    held = a["order"].map(team_of)
    people = a[held.isin(seats.index).to_numpy()].assign(team=held).groupby("team")["person"].nunique()
    out = pd.DataFrame({"team": seats.index.astype(object)})
    out["min_size"] = out["team"].map(least).to_numpy(dtype=np.int64)
    out["seats"] = seats.to_numpy(dtype=np.int64)
    out["on_post"] = out["team"].map(people).fillna(0).to_numpy(dtype=np.int64)
    out["short"] = out["min_size"] - out["on_post"]
    out = out[out["short"] > 0]
    return out.sort_values(["short", "team"], ascending=[False, True]).reset_index(drop=True)[cols]
