"""The horizon solver: a plan over a long window, with a proven bound on how far from the best it may be.

Over a long window people serve several seats one after another, so the flow path
no longer applies, and at national scale CP-SAT finds no useful bound in time. This
solver follows PyPSA/linopy's steps on the same :class:`~planning.allocation.model.Model`,
one module a step:

1. **The LP relaxation** (:mod:`.lp`: :func:`~.lp.build_lp`), one ``define_*``
   function a family of rows: seat capacities, one assignment at a time (a
   person's candidate seats that share a day form a clique of intervals, written
   as differences of consecutive rows: two entries a pair), and the team rules;
   OR-Tools' GLOP solves it (:func:`~.lp.solve_lp`) within the time left.
2. **Column generation** (:mod:`.columns`: :func:`~.columns.solve_relaxation`):
   from a plan and a few candidates per seat, each round solves the LP of the
   pairs taken so far, prices every pair at its duals and adds the pairs of each
   person's best sequence.
3. **Pricing** (:mod:`.pricing`: :class:`~.pricing.Sequences`): each person's best
   sequence of non-overlapping seats at given values, by a weighted-interval
   recursion over all people at once.
4. **The bound** (:mod:`.bound`: :func:`~.bound.lagrangian_bound`): the LP's duals
   of the coupling rows (capacities and team rules) serve as Lagrange
   multipliers; by weak duality the total is an upper bound on the first
   objective for *any* non-negative multipliers, so an LP stopped early, or
   solved loosely, can only make the bound weaker, never wrong. The multipliers
   are rounded to multiples of 2^-16, so every sum is exact in float64.
5. **Rounding and repair** (:mod:`.rounding`: :func:`~.rounding.lp_plan`): the
   pairs the LP sets to 1 (made feasible by :func:`~.rounding.feasible_part`),
   then rounds of flows fill what is left
   (:func:`planning.allocation.solvers.cpsat.starting_plan` with that base).
6. **The driver** (:mod:`.driver`: :func:`~.driver.solve_horizon`): the better of
   the LP-guided plan and the plain starting plan is kept. When a gap remains
   and the model is small enough (:data:`~.driver.CPSAT_PAIRS`), CP-SAT closes
   it from that plan, stopping at a plan that reaches the bound (not adding the
   bound as a cut: a row parallel to the objective slows CP-SAT's proof); with
   the first objective proven optimal it also settles the tie-breakers.

The modules import one another in that order only: the driver uses all of
them, column generation the LP, pricing and the bound, the bound the LP and
pricing, rounding the LP.

Examples
--------
>>> import planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> plan = planning.allocate(wb, method="horizon")
>>> o = plan.objective
>>> o.method, o.status, o.value == o.bound
('horizon', 'optimal', True)
"""
from .bound import DYADIC_BITS, dyadic, lagrangian_bound
from .columns import Relaxation, first_columns, restricted, solve_relaxation
from .driver import solve_horizon
from .lp import LP, TIE_WEIGHT, LPResult, Rows, build_lp, clique_days, solve_lp
from .pricing import Sequences, best_sequences
from .rounding import feasible_part, lp_plan, plain_rest, team_choices, unlock_teams

__all__ = [
    "DYADIC_BITS",
    "LP",
    "TIE_WEIGHT",
    "LPResult",
    "Relaxation",
    "Rows",
    "Sequences",
    "best_sequences",
    "build_lp",
    "clique_days",
    "dyadic",
    "feasible_part",
    "first_columns",
    "lagrangian_bound",
    "lp_plan",
    "plain_rest",
    "restricted",
    "solve_horizon",
    "solve_lp",
    "solve_relaxation",
    "team_choices",
    "unlock_teams",
]
