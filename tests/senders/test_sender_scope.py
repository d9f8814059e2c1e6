"""A sender's cut of the workbook (``scope_sender_workbook``): its own people only, and its task as on the whole.

The people a sender may see are read plainly (each person's sending unit walked up its parents); the
task, quota, nominations and shortfall of its own senders computed on the cut must equal those computed
on the whole workbook, on the sample (every sending region and unit) and on generated programmes (shared
prefectures, nested and dated pairings, rotation slots, live and finished assignments, quotas).
"""
import os
import tempfile
from pathlib import Path

import pytest
from conftest import csv_workbook
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_senders import sender_programmes

from planning.programme.access import OTHER_PERSON, scope_sender_workbook, senders_of
from planning.programme.senders import sender_people
from planning.programme.senders import sender_tasks

EXAMPLES = int(os.environ.get("SENDERS_EXAMPLES", "300")) // 3
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + ([] if os.environ.get("SENDERS_NO_SHRINK") else [Phase.shrink])
COLS = ["batch", "sender", "sector", "seats", "shared_seats", "shared_with", "quota", "nominated", "shortfall"]


def plain_senders(wb, bound) -> set:
    """Sending regions and units named in ``bound`` or under one named there: walk each one's parents."""
    parent = dict(zip(wb.regions["id"], wb.regions["parent"]))
    parent.update(zip(wb.units["id"], wb.units["region"]))
    sending = set(wb.regions.loc[wb.regions["side"] == "sending", "id"]) | set(
        wb.units.loc[wb.units["side"] == "sending", "id"])
    out = set()
    for node in sending:
        n = node
        while isinstance(n, str) and n:
            if n in bound:
                out.add(node)
                break
            n = parent.get(n)
    return out


def plain_people(wb, bound) -> set:
    mine = plain_senders(wb, bound)
    return {p for p, u in zip(wb.people["id"], wb.people["sending_unit"]) if u in mine}


def sending_nodes(wb) -> list:
    return sorted(set(wb.regions.loc[wb.regions["side"] == "sending", "id"]) | set(
        wb.units.loc[wb.units["side"] == "sending", "id"]))


def check_cut(wb, bound):
    mine = senders_of(wb, bound)
    assert mine == plain_senders(wb, set(bound))
    cut = scope_sender_workbook(wb, bound)
    own = plain_people(wb, set(bound))
    # people: its own, and nobody else anywhere in the cut
    assert set(cut.people["id"]) == own == set(sender_people(wb, bound).people)
    others = set(wb.people["id"]) - own
    other_names = set(wb.people.loc[wb.people["id"].isin(others), "name"]) - set(
        wb.people.loc[wb.people["id"].isin(own), "name"])
    for name, df in cut.tables().items():
        cells = {str(v) for c in df.columns for v in df[c].dropna()}
        assert not cells & others, (name, sorted(cells & others)[:3])
        assert not cells & other_names, (name, sorted(cells & other_names)[:3])
    placeholders = set(cut.assignments["person"]) - own
    assert all(p.startswith(OTHER_PERSON) for p in placeholders)
    assert set(cut.sender_staff["unit"]) <= mine and set(cut.quotas["sender"]) <= mine
    # its task, quota, nominations and shortfall: the same as on the whole workbook
    full = sender_tasks(wb)
    full = full[full["sender"].isin(mine)][COLS].reset_index(drop=True)
    seen = sender_tasks(cut)
    seen = seen[seen["sender"].isin(mine)][COLS].reset_index(drop=True)
    assert seen.equals(full), (bound, full, seen)
    return full


def test_every_sender_of_the_sample_sees_its_task_as_on_the_whole(sample):
    shortfalls = 0
    for node in sending_nodes(sample):
        t = check_cut(sample, [node])
        shortfalls += int(t["shortfall"].sum())
    assert shortfalls > 0  # some of them are behind: the comparison is not between empty tables
    check_cut(sample, ["SD-QD", "SD-JN"])  # an account bound to two cities


def test_a_shared_task_keeps_its_split_in_a_senders_cut(sample):
    """济南市 and 青岛市 share a 党政 seat, split by their free people: each one's cut holds the same part."""
    full = sender_tasks(sample)
    shared = full[full["shared_seats"] > 0]
    assert len(shared) >= 2
    for x in shared["sender"]:
        t = check_cut(sample, [x])
        assert (t["shared_seats"] > 0).any()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=PHASES)
@given(sender_programmes(), st.data())
def test_a_senders_cut_of_generated_programmes(tables, data):
    with tempfile.TemporaryDirectory() as d:
        wb = csv_workbook(Path(d) / "wb", tables)
    nodes = sending_nodes(wb)
    bound = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=2, unique=True))
    check_cut(wb, bound)


def test_a_host_unit_or_unknown_id_is_no_sender(sample):
    assert senders_of(sample, ["H-SCH01", "NOPE"]) == set()
    cut = scope_sender_workbook(sample, ["NOPE"])
    assert cut.people.empty and cut.quotas.empty and cut.sender_staff.empty
    assert not set(cut.assignments["person"]) - {p for p in cut.assignments["person"]
                                                 if p.startswith(OTHER_PERSON)}


@pytest.mark.parametrize("bound", [["SD-QD"], ["SD-QDFY"], ["SD"]])
def test_nothing_of_the_host_units_private_tables_reaches_a_sender(sample, bound):
    cut = scope_sender_workbook(sample, bound)
    for name in ("local_staff", "mentorships", "indicators", "indicator_values", "assessments",
                 "management_units"):
        assert getattr(cut, name).empty, name
