"""The grouped cut (scope_workbooks, read the programme once) against scope_workbook, unit by unit."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import planning
from planning.programme.access import scope_workbook, scope_workbooks
from planning.samples.synthetic import synthetic_workbook


def assert_same_cut(got, want, bound):
    for f in dataclasses.fields(want):
        a, b = getattr(got, f.name), getattr(want, f.name)
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, obj=f"{f.name} of {bound}")
        else:
            assert a == b, (f.name, bound)


def bounds_of(wb):
    """Every host unit on its own (with orders or not), and a few regions, as a viewer may be bound."""
    hosts = [[u] for u in wb.units.loc[wb.units["side"].eq("host"), "id"]]
    regions = [[r] for r in wb.regions["id"].iloc[::7]]
    return hosts + regions + [list(wb.units["id"].iloc[:3]), ["no such unit"]]


@pytest.mark.parametrize("kind", ["sample", "synthetic"])
def test_grouped_cut_is_scope_workbooks_cut(kind):
    wb = (planning.load_workbook(planning.SAMPLE) if kind == "sample"
          else synthetic_workbook(people=600, host_units=60, sectors=4, seed=3))
    bounds = bounds_of(wb)
    cuts = list(scope_workbooks(wb, bounds))
    assert len(cuts) == len(bounds)
    for bound, got in zip(bounds, cuts):
        assert_same_cut(got, scope_workbook(wb, bound), bound)
