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


def test_a_cut_keeps_the_definitions_its_values_name_and_the_ratios_built_of_them(sample):
    """H-SCH01's values name 3 indicators; the ratio of two of them (本科上线率) comes too, and nothing else:
    a definition without parts is no ratio (a missing part once matched a missing part and kept all 17)."""
    from planning.programme.access import scope_workbook, scope_workbooks

    cut = scope_workbook(sample, ["H-SCH01"])
    named = set(cut.indicator_values["indicator"])
    d = sample.indicator_definitions
    ratios = {r.id for r in d.itertuples() if isinstance(r.numerator, str) and isinstance(r.denominator, str)
              and r.numerator in named and r.denominator in named}
    assert set(cut.indicator_definitions["id"]) == named | ratios == {"EDU-CAND", "EDU-PASS", "EDU-RATE", "EDU-TRAIN"}
    (grouped,) = scope_workbooks(sample, [["H-SCH01"]])
    assert set(grouped.indicator_definitions["id"]) == set(cut.indicator_definitions["id"])


def test_a_cut_whose_values_name_a_ratio_keeps_the_ratios_parts(sample):
    """A unit with a value of the ratio alone (本科上线率) keeps the ratio's two parts' definitions too: a ratio is
    recomputed from its summed parts (design §10), so its cut must say what they are."""
    from planning.programme.access import scope_workbook, scope_workbooks

    wb = sample.copy()
    v = wb.indicator_values
    mine = v["subject"].eq("H-SCH01")
    rate = v[mine].iloc[[0]].assign(indicator="EDU-RATE", actual=0.3, baseline=0.25, target=0.35)
    wb.indicator_values = pd.concat([v[~mine], rate], ignore_index=True)
    want = {"EDU-RATE", "EDU-PASS", "EDU-CAND"}
    assert set(scope_workbook(wb, ["H-SCH01"]).indicator_definitions["id"]) == want
    (grouped,) = scope_workbooks(wb, [["H-SCH01"]])
    assert set(grouped.indicator_definitions["id"]) == want
