"""Eligibility with every selection criterion against the plain reference (DESIGN.md §4 and §11).

Programmes come from ``pairing_programmes`` (regions, units, pairings, people, orders) and gain the
criteria's facts; dates are drawn around the seats' first days so that the boundary days occur
(a birthday on the stint's first day, a medical check expiring on the dispatch date).
"""
import csv
import datetime as dt
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "pairings"))

from conftest import csv_workbook  # noqa: E402
from criteria_reference import GRADES, RANKS, STAGES, TITLES, reference_criteria_failures  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from pairing_programmes import _cell, programme_rows  # noqa: E402
from pairing_reference import add_months, reference_eligible, slots_of_order  # noqa: E402

from planning.contract import schema  # noqa: E402
from planning.core.vocabulary import Rank, Stage, Title  # noqa: E402
from planning.programme.criteria import CRITERIA, criteria_failures  # noqa: E402
from planning.programme.eligibility import eligible_pairs  # noqa: E402
from planning.programme.seats import order_slots  # noqa: E402

PROGRAMMES = ["援疆", "第一书记"]


def to_csv(tables: dict[str, list[dict]]) -> dict[str, str]:
    """Every contract table as CSV text with the contract's English headers."""
    out = {}
    for name in schema.table_names():
        cols = list(schema.columns(name).index)
        if name not in tables:
            continue
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in tables[name]:
            w.writerow([_cell(r.get(c)) for c in cols])
        out[name] = buf.getvalue()
    return out


@st.composite
def near(draw, anchors: list[dt.date], years: tuple[int, int] = (0, 0), months: list[int] | None = None):
    """A day some whole years (or months) before one of the anchors, give or take a day; or any day."""
    anchor = draw(st.sampled_from(anchors))
    back = 12 * draw(st.integers(*years)) if months is None else draw(st.sampled_from(months))
    day = add_months(anchor, -back) + dt.timedelta(days=draw(st.sampled_from([-1, 0, 0, 1])))
    return draw(st.one_of(st.just(day), st.just(day), st.dates(dt.date(1970, 1, 1), dt.date(2029, 12, 31))))


def maybe(strategy, none_weight: int = 1):
    return st.one_of(*[st.none()] * none_weight, strategy)


@st.composite
def criteria_programmes(draw):
    t = draw(programme_rows(max_people=12, max_orders=6))
    starts = sorted({s for o in t["orders"] for _, s, _ in slots_of_order(o)})
    for p in t["people"]:
        p["rank"] = draw(maybe(st.sampled_from(RANKS)))
        p["title"] = draw(maybe(st.sampled_from(TITLES)))
        p["party_status"] = draw(maybe(st.sampled_from(["party_member", "party_member", "probationary_member",
                                                        "masses"])))
        p["birth_date"] = draw(maybe(near(starts, (34, 46))))
        p["party_joined"] = draw(maybe(near(starts, (0, 3))))
        p["work_started"] = draw(maybe(near(starts, (1, 4))))
        p["medical_date"] = draw(maybe(near(starts, months=[0, 3, 6, 12, 12, 24])))
        p["medical_result"] = draw(maybe(st.sampled_from(["fit", "fit", "unfit"])))
        p["altitude_clearance"] = draw(maybe(st.sampled_from(["cleared", "not_cleared"])))
        p["vetting_stage"] = draw(maybe(st.sampled_from(STAGES + ["publicised"])))
        p["rural_experience"] = draw(st.booleans())
    for o in t["orders"]:
        o["post_rank"] = draw(maybe(st.sampled_from(RANKS), 2))
        o["min_title"] = draw(maybe(st.sampled_from(TITLES), 2))
        o["min_sender_grade"] = draw(maybe(st.sampled_from(GRADES), 3))
        o["age_cap"] = draw(maybe(st.sampled_from([35, 40, 45]), 2))
        o["party_required"] = draw(maybe(st.booleans()))
        o["min_party_years"] = draw(maybe(st.sampled_from([1, 2]), 2))
        o["min_service_years"] = draw(maybe(st.sampled_from([2, 3]), 2))
        o["programme"] = draw(maybe(st.sampled_from(PROGRAMMES), 2))
        o["party_preferred"], o["rural_preferred"] = draw(st.booleans()), draw(st.booleans())  # rank, never exclude
        o["min_months"] = draw(maybe(st.sampled_from([3, 6, 12]), 3))
        o["max_months"] = draw(maybe(st.sampled_from([6, 12, 36]), 3))
    # teams stating their lead's lowest rank (no team rule of the allocation: the objective stays comparable)
    t["teams"] = []
    for o in t["orders"]:
        if draw(st.booleans()):
            t["teams"].append({"id": f"T-{o['id']}", "host": o["host_unit"], "model": "custom",
                               "lead_rank": draw(maybe(st.sampled_from(RANKS)))})
            o["team"] = f"T-{o['id']}"
    for u in t["units"]:
        if u["side"] == "sending":
            u["grade"] = draw(maybe(st.sampled_from(GRADES)))
        if u["side"] == "host":
            u["altitude"] = draw(maybe(st.sampled_from([1200.0, 2999.0, 3000.0, 4500.0])))
    for r in t["regions"]:
        if r["side"] == "host":
            r["altitude"] = draw(maybe(st.sampled_from([1200.0, 3000.0, 3700.0]), 2))
    rules = []
    for programme in PROGRAMMES:
        for role in draw(st.lists(st.sampled_from([None, "lead", "member"]), unique=True, max_size=2)):
            rules.append({"programme": programme, "role": role,
                          "min_months": draw(maybe(st.sampled_from([3, 6, 12]))),
                          "max_months": draw(maybe(st.sampled_from([12, 24, 36]))),
                          "last_stage": draw(maybe(st.sampled_from(STAGES))),
                          "plan_stage": draw(maybe(st.sampled_from(STAGES))),
                          "medical_months": draw(maybe(st.sampled_from([6, 12, 24]))),
                          "promotion_allowed": draw(st.booleans())})
    t["term_rules"] = rules
    return t


def load(tables):
    with tempfile.TemporaryDirectory() as d:
        return csv_workbook(Path(d), to_csv(tables))


def test_the_reference_vocabulary_is_the_contracts():
    assert RANKS == [m.value for m in Rank] == schema.allowed("people", "rank") == schema.allowed("orders",
                                                                                                  "post_rank")
    assert TITLES == [m.value for m in Title] == schema.allowed("orders", "min_title")
    assert STAGES == [m.value for m in Stage] == schema.allowed("term_rules", "last_stage") == \
        schema.allowed("term_rules", "plan_stage")
    assert GRADES == schema.allowed("units", "grade") == schema.allowed("orders", "min_sender_grade")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(criteria_programmes())
def test_eligibility_with_every_criterion_equals_the_reference(tables):
    wb = load(tables)
    fails = reference_criteria_failures(wb)
    expected = {k for k in reference_eligible(wb) if not fails[k]}
    e = eligible_pairs(wb)
    got = {(p, o, int(k)) for p, o, k in zip(e["person"], e["order"], e["slot"])}
    assert got == expected
    # and criterion by criterion, for every person and seat (not only those passing the other rules)
    slots = order_slots(wb.orders)
    n_p, n_s = len(wb.people), len(slots)
    prow = [i for i in range(n_p) for _ in range(n_s)]
    srow = [j for _ in range(n_p) for j in range(n_s)]
    import numpy as np

    by = criteria_failures(wb, wb.people, slots, np.array(prow, dtype=np.int64), np.array(srow, dtype=np.int64))
    assert set(by) <= set(CRITERIA)
    for i, j in zip(prow, srow):
        key = (wb.people["id"].iloc[i], slots["order"].iloc[j], int(slots["slot"].iloc[j]))
        lib = {c for c, f in by.items() if f[i * n_s + j]}
        assert lib == fails[key], (key, lib, fails[key])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(criteria_programmes())
def test_the_exact_allocation_with_criteria_equals_an_independent_cp_sat_model(tables):
    """The first objective of the plan equals the reference CP-SAT model over the reference's eligible pairs."""
    import planning
    from pairing_reference import first_objective_of_pairs

    from planning.allocation import check_plan

    wb = load(tables)
    fails = reference_criteria_failures(wb)
    pairs = {k for k in reference_eligible(wb) if not fails[k]}
    plan = planning.allocate(wb)
    assert plan.objective.value == first_objective_of_pairs(wb, pairs)
    assert check_plan(wb, plan).empty
    placed = {(p, o) for p, o in zip(plan.assignments["person"], plan.assignments["order"])}
    assert placed <= {(p, o) for p, o, _ in pairs}  # no one placed where a criterion excludes them
