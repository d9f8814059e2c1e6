"""Office roles: the viewer pass, and a host unit's workbook checked against a plain reading of the rule."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planning
from planning.programme.access import OfficeRole, Viewer, read_viewer, scope_workbook, sign_viewer
from planning.programme.coverage import coverage, responsible
from planning.samples.synthetic import synthetic_workbook


def plain_host_units(wb, bound):
    """Host units named in ``bound`` or under a region named there: walk each unit's parents one by one."""
    parent = dict(zip(wb.regions["id"], wb.regions["parent"]))
    out = set()
    for uid, region, side in zip(wb.units["id"], wb.units["region"], wb.units["side"]):
        if side != "host":
            continue
        chain, node = [uid], region
        while isinstance(node, str) and node:
            chain.append(node)
            node = parent.get(node)
        if any(c in bound for c in chain):
            out.add(uid)
    return out


def plain_posted_people(wb, units):
    """People with any assignment on an order of ``units``."""
    order_unit = dict(zip(wb.orders["id"], wb.orders["host_unit"]))
    return {p for p, o in zip(wb.assignments["person"], wb.assignments["order"]) if order_unit.get(o) in units}


WORKBOOKS = {}


def workbook(kind: str):
    if kind not in WORKBOOKS:
        WORKBOOKS[kind] = (planning.load_workbook(planning.SAMPLE) if kind == "sample"
                           else synthetic_workbook(people=600, host_units=60, sectors=4, seed=3,
                                                   cities_per_prefecture=3))
    return WORKBOOKS[kind]


@st.composite
def bindings(draw):
    kind = draw(st.sampled_from(["sample", "synthetic"]))
    wb = workbook(kind)
    hosts = sorted(wb.units.loc[wb.units.side == "host", "id"])
    host_regions = sorted(set(wb.regions.loc[wb.regions.side == "host", "id"]))
    bound = draw(st.lists(st.sampled_from(hosts + host_regions), min_size=1, max_size=3, unique=True))
    return kind, bound


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bindings())
def test_a_host_unit_sees_exactly_its_own(binding):
    kind, bound = binding
    wb = workbook(kind)
    mine = scope_workbook(wb, bound)
    units = plain_host_units(wb, set(bound))
    posted = plain_posted_people(wb, units)
    # exactly the people posted at their units; no one else's name anywhere in any table
    assert set(mine.people["id"]) == posted
    others = set(wb.people.loc[~wb.people["id"].isin(posted), "name"])
    text = pd.concat([df.astype(str).stack() for df in mine.tables().values() if len(df)]) if len(mine.people) else \
        pd.Series([], dtype=str)
    assert not (set(text) & others)
    assert set(mine.orders["host_unit"]) <= units
    assert set(mine.units.loc[mine.units.side == "host", "id"]) <= units
    # and the numbers of their units are the whole programme's numbers for those units
    full = coverage(wb, "2026-11", "2027-10")
    full = full[full.host_unit.isin(units)].reset_index(drop=True)
    part = coverage(mine, "2026-11", "2027-10").reset_index(drop=True)
    pd.testing.assert_frame_equal(full, part, check_dtype=False)


def test_responsible_senders_are_the_same_seen_from_a_host_unit():
    wb = workbook("sample")
    unit = wb.orders["host_unit"].iloc[0]
    full = responsible(wb)
    full = full[full.host_unit == unit].reset_index(drop=True)
    part = responsible(scope_workbook(wb, [unit])).reset_index(drop=True)
    pd.testing.assert_frame_equal(full, part, check_dtype=False)


@pytest.mark.parametrize("attack", ["flip", "swap_role", "truncate", "empty", "garbage", "other_secret"])
def test_a_viewer_pass_cannot_be_forged(attack):
    v = Viewer("校长王", OfficeRole.HOST_UNIT, ("H-SCH01",))
    token = sign_viewer(v, "office-secret")
    assert read_viewer(token, "office-secret") == v
    body, sig = token.split(".")
    import base64
    import json

    if attack == "flip":
        bad = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + sig
    elif attack == "swap_role":
        d = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        d["r"], d["u"] = "leader", []
        bad = base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=") + "." + sig
    elif attack == "truncate":
        bad = token[:-5]
    elif attack == "empty":
        bad = ""
    elif attack == "garbage":
        bad = "<script>alert(1)</script>.%%%"
    else:
        bad = sign_viewer(Viewer("x", OfficeRole.LEADER), "guessed-secret")
    assert read_viewer(bad, "office-secret") is None


@pytest.mark.parametrize("bound", [["H-SCH01"], ["XJ-KS"], ["H-FS-T1", "H-SCH02"]])
def test_a_host_units_workbook_is_a_valid_workbook(bound, tmp_path):
    wb = workbook("sample")
    mine = scope_workbook(wb, bound)
    planning.save_workbook(mine, tmp_path / "mine.xlsx")
    back = planning.load_workbook(tmp_path / "mine.xlsx")  # raises WorkbookError if the contract is broken
    assert len(back.orders) == len(mine.orders) > 0
