"""Plain references for the bottleneck certificate and the withdrawal costs: subsets and loops."""
from itertools import combinations

import pandas as pd

import planning


def candidates_by_seat(plan):
    """{seat row: set of person ids} from the plan's candidate pairs."""
    out = {}
    for person, seat in zip(plan.inputs.pairs["person"], plan.inputs.pairs["seat"]):
        out.setdefault(int(seat), set()).add(person)
    return out


def brute_force_groups(plan):
    """Every day a seat starts on: among the seats open that day, the subsets of largest deficiency
    (places − candidates > 0); the smallest of them (their intersection), split into connected parts;
    parts found on several days once; a part containing another dropped. A set of (seats, people)."""
    seats = plan.inputs.seats
    cap = [int(c) for c in plan.inputs.model.cap]
    cand = candidates_by_seat(plan)
    found = set()
    for day in sorted(set(seats["start"])):
        open_ = [s for s in range(len(seats)) if seats["start"].iloc[s] <= day <= seats["end"].iloc[s] and cap[s] > 0]
        best, best_sets = 0, []
        for k in range(1, len(open_) + 1):
            for sub in combinations(open_, k):
                people = set().union(*(cand.get(s, set()) for s in sub))
                d = sum(cap[s] for s in sub) - len(people)
                if d > best:
                    best, best_sets = d, [set(sub)]
                elif d == best and d > 0:
                    best_sets.append(set(sub))
        if best <= 0:
            continue
        smallest = set.intersection(*best_sets)
        # connected parts: seats joined when they share a candidate
        left = set(smallest)
        while left:
            part, todo = set(), [left.pop()]
            while todo:
                s = todo.pop()
                part.add(s)
                for o in list(left):
                    if cand.get(o, set()) & cand.get(s, set()):
                        left.discard(o)
                        todo.append(o)
            people = set().union(*(cand.get(s, set()) for s in part))
            found.add((frozenset(part), frozenset(people)))
    return {g for g in found if not any(o[0] < g[0] for o in found)}


def sender_of(wb, person, by):
    if by == "person":
        return person
    if by == "unit":
        return wb.people.set_index("id").at[person, "sending_unit"]
    unit = wb.people.set_index("id").at[person, "sending_unit"]
    region = wb.units.set_index("id").at[unit, "region"]
    regions = wb.regions.set_index("id")
    while region is not None and not pd.isna(region):
        if regions.at[region, "level"] in ("city", "prefecture"):
            return region
        region = regions.at[region, "parent"]
    return unit


def seats_lost_by_loops(plan, by):
    """{(sender, host unit, sector): places} left with no candidate when the sender withdraws."""
    wb = plan.inputs.workbook
    seats, cap = plan.inputs.seats, plan.inputs.model.cap
    cand = candidates_by_seat(plan)
    senders = {sender_of(wb, p, by) for ps in cand.values() for p in ps}
    out = {}
    for x in senders:
        for s, people in cand.items():
            if cap[s] > 0 and people and all(sender_of(wb, p, by) == x for p in people):
                key = (x, seats["host_unit"].iloc[s], seats["sector"].iloc[s])
                out[key] = out.get(key, 0) + int(cap[s])
    return out


def objective_change_by_replanning(plan, by):
    """{sender: change in the first objective}, each re-planned from a workbook without the sender's people."""
    wb = plan.inputs.workbook
    cand = candidates_by_seat(plan)
    senders = {sender_of(wb, p, by) for ps in cand.values() for p in ps}
    out = {}
    for x in senders:
        gone = [p for p in wb.people["id"] if sender_of(wb, p, by) == x]
        w2 = wb.copy()
        # withdrawn: still on the books (their existing assignments stay) but in no sector any seat asks for
        w2.people = wb.people.assign(sector=wb.people["sector"].where(~wb.people["id"].isin(gone), "撤出"))
        out[x] = planning.allocate(w2).objective.value - plan.objective.value
    return out
