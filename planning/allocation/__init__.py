"""Allocation: who goes where, as an exact optimisation over the sparse table of allowed pairs.

The pipeline follows PyPSA/linopy's check → build → solve → write back:

1. :func:`planned_seats` cuts orders into seats (:func:`planning.programme.seats.order_slots`),
   keeps those ending on or after :func:`planning.outputs.summary.today` that overlap the
   window, and subtracts existing active/planned assignments (they stay).
2. :func:`candidate_pairs` takes :func:`planning.programme.eligibility.eligible_pairs` and
   drops people busy with an existing assignment (any status, by its dates) and
   forbidden pairs; pins are checked and placed first (:func:`resolve_pins`).
3. :func:`build_model` turns the tables into integer arrays (a :class:`Model`).
4. When no team rule applies and each person's candidate seats all overlap in
   time, :func:`solve_flow` solves maximum flows and a min-cost flow with
   OR-Tools over groups of interchangeable people (:func:`interchangeable`);
   otherwise :func:`solve_horizon` solves the LP relaxation by column generation
   for a proven bound (a Lagrangian bound, valid for any multipliers), builds a
   plan from it and rounds of flows (:func:`starting_plan`), and lets CP-SAT
   close a remaining gap on models it can prove (:func:`solve_cpsat` is the
   CP-SAT path alone, ``method="cpsat"``).
5. :func:`write_back` returns tables: new assignments with the tie-breaker that
   decided, unfilled seats with a reason, the objective, and the workbook.

Objective (design §4). The first objective is exact: maximise the sum over
**new** filled seats of ``2**(priority-1)`` (existing assignments are kept and
not counted). Ties are then broken by, in order of weight, a preferred
pairing, an exact skill match, the person's wish rank and a fair share across
sending cities (a convex cost rising with the share of a city's candidates
already sent). Each tie-breaker outweighs all later ones together for one
person. Both paths solve the first objective, fix it, then optimise the
tie-breakers: the flow path with maximum flows (how many seats of each weight
an optimal plan fills) and then one min-cost flow; the CP-SAT path with two
solves.

Team rules (``lead_required``, ``same_source``, ``min_size``) are modelled per team:
``lead_required`` lets a member seat be filled only if an existing or pinned lead
of the team overlaps that seat, or the plan places a new lead in the team;
``same_source`` makes the new members of a team come from one source city, the
city of the team's existing active/planned members when it has any; ``min_size``
(a village team of at least 3) makes the plan send, on a day the team has nobody
on post (live or pinned), none or at least that many; beside people on post it may
add anyone (:mod:`~planning.allocation.team_rules` says why). Any of them binding
sends the plan to the horizon solver and CP-SAT, never the flow.

Senders' rules (design §9, :mod:`~planning.allocation.sender_rules`): a staff cap
(``sender_staff.max_share``) bounds a sending unit's people of a sector on post on
any day by ``floor(max_share × staff)``; a quota bounds the seats of a sector whose
stint begins in a batch's window held by people under its sender. Both are hard rows
of the model when given (the flow path then gives way to the horizon solver and
CP-SAT); among plans of the first objective's optimum the least largest burden
(people on post ÷ staff) comes next, before the tie-breakers above.

The package follows its pipeline, one module a step:

- :mod:`~planning.allocation.plan`: the plan, the objective, reasons and explanations in words;
- :mod:`~planning.allocation.inputs`: checking the window, pins and forbids;
- :mod:`~planning.allocation.candidates`: seats to plan and candidate pairs;
- :mod:`~planning.allocation.pins`: pins checked against every hard rule;
- :mod:`~planning.allocation.model`: the model as integer arrays;
- :mod:`~planning.allocation.team_rules`: the team rules, as model rows and enforced on a plan;
- :mod:`~planning.allocation.sender_rules`: senders' quotas and staff caps as model rows, the burden, the plan's senders;
- :mod:`~planning.allocation.solvers`: ``flow``, ``cpsat``, ``horizon`` and ``stable``;
- :mod:`~planning.allocation.write_back`: assignments, reasons, unfilled seats;
- :mod:`~planning.allocation.pipeline`: :func:`allocate`;
- :mod:`~planning.allocation.diff` and :mod:`~planning.allocation.check`: comparing plans, re-checking rules.

Examples
--------
>>> import planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> plan = planning.allocate(wb)
>>> plan.objective.status
'optimal'
>>> plan.objective.value == plan.objective.bound
True
>>> list(plan.assignments.columns[:5])
['person', 'order', 'start', 'end', 'status']
>>> from planning.allocation import check_plan
>>> check_plan(wb, plan).empty
True
"""
from .candidates import (  # noqa: F401
    busy_mask,
    busy_table,
    candidate_pairs,
    factorize_codes,
    integer_codes,
    overlap_hits,
    planned_seats,
    slots_from_today,
)
from .check import check_plan  # noqa: F401
from .diff import assignments_of, plan_diff  # noqa: F401
from .inputs import pairs_frame, parse_window  # noqa: F401
from .model import Model, Solution, build_model, flow_applies  # noqa: F401
from .pins import resolve_pins  # noqa: F401
from .pipeline import allocate  # noqa: F401
from .plan import (  # noqa: F401
    CONTRACT,
    EXACT,
    FAIR_MAX,
    PERSON_MAX,
    PERSON_STEP,
    PREFERRED,
    REASONS,
    TIEBREAK_MIN_SECONDS,
    WHY,
    WISH_RANKS,
    WISH_STEP,
    Objective,
    Plan,
    PlanError,
    explain,
    reason_text,
    summary_text,
    unfilled_reasons,
    why_text,
)
from .sender_rules import define_sender_rules, enforce_sender_limits, plan_senders  # noqa: F401
from .solvers.cpsat import build_cpsat, solve_cpsat, starting_plan  # noqa: F401
from .solvers.flow import (  # noqa: F401
    Groups,
    build_flow,
    filled_by_level,
    interchangeable,
    placed_pairs,
    solve_flow,
    tie_value,
)
from .solvers.horizon import lagrangian_bound, solve_horizon  # noqa: F401
from .solvers.stable import solve_stable  # noqa: F401
from .team_rules import define_team_rules, enforce_team_rules  # noqa: F401
from .write_back import write_back  # noqa: F401

__all__ = [
    "CONTRACT",
    "EXACT",
    "FAIR_MAX",
    "Groups",
    "Model",
    "Objective",
    "PERSON_MAX",
    "PERSON_STEP",
    "PREFERRED",
    "Plan",
    "PlanError",
    "REASONS",
    "Solution",
    "TIEBREAK_MIN_SECONDS",
    "WHY",
    "WISH_RANKS",
    "WISH_STEP",
    "allocate",
    "assignments_of",
    "build_cpsat",
    "build_flow",
    "build_model",
    "busy_mask",
    "busy_table",
    "candidate_pairs",
    "check_plan",
    "define_sender_rules",
    "define_team_rules",
    "enforce_sender_limits",
    "enforce_team_rules",
    "explain",
    "factorize_codes",
    "filled_by_level",
    "flow_applies",
    "integer_codes",
    "interchangeable",
    "lagrangian_bound",
    "overlap_hits",
    "pairs_frame",
    "parse_window",
    "placed_pairs",
    "plan_diff",
    "plan_senders",
    "planned_seats",
    "reason_text",
    "resolve_pins",
    "slots_from_today",
    "solve_cpsat",
    "solve_flow",
    "solve_horizon",
    "solve_stable",
    "starting_plan",
    "summary_text",
    "tie_value",
    "unfilled_reasons",
    "why_text",
    "write_back",
]
