"""Count charts drawn right: no lone or dwarfing bar as a chart, whole-number ticks, no legend for one series."""
import bqplot as bq
import ipywidgets as W
import pandas as pd
from hypothesis import given, strategies as st

import planning
from planning.apps import CoverageApp, OverviewApp
from planning.apps.charts import DWARF, count_axis, count_bars, integer_ticks
from planning.programme.access import OfficeRole, Viewer

WORDS = dict(title="Units by county", value_label="Units", category_label="County", total_label="Total",
             colors=["#2f6db5", "#e07b39"])


def bars_of(w):
    return [m for m in w.marks if isinstance(m, bq.Bars)]


def test_a_lone_bar_or_one_dwarfing_the_rest_is_a_table_of_the_numbers():
    """A host unit's overview drew one huge bar (its one county, 1 unit); one category far above the rest flattens
    every other bar to nothing."""
    alone = count_bars(pd.DataFrame({"units": [1]}, index=["疏勒县"]), **WORDS)
    assert isinstance(alone, W.HTML) and "count-table" in alone._dom_classes
    assert "疏勒县" in alone.value and ">1<" in alone.value
    dwarfed = count_bars(pd.DataFrame({"units": [DWARF * 3 + 1, 3, 2]}, index=["a", "b", "c"]), **WORDS)
    assert isinstance(dwarfed, W.HTML) and all(x in dwarfed.value for x in (">16<", ">3<", ">2<"))
    even = count_bars(pd.DataFrame({"units": [DWARF * 3, 3, 2]}, index=["a", "b", "c"]), **WORDS)
    assert isinstance(even, bq.Figure) and list(bars_of(even)[0].x) == ["a", "b", "c"]


def test_a_count_axis_ticks_whole_numbers():
    """A host unit's 1 unit drew an axis ticking 0.1, 0.2 … 0.9."""
    ax = count_axis(bq.LinearScale(), [1], "Units")
    assert list(ax.tick_values) == [0, 1] and ax.tick_format == "d" and ax.scale.max == 1
    fig = count_bars(pd.DataFrame({"units": [3, 2, 2]}, index=["a", "b", "c"]), **WORDS)
    ticks = list(fig.axes[1].tick_values)
    assert ticks == [0, 1, 2, 3] and all(float(t).is_integer() for t in ticks)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_integer_ticks_are_whole_cover_the_top_and_are_few(top):
    ticks = integer_ticks(top)
    assert all(isinstance(t, int) for t in ticks) and ticks[0] == 0 and ticks[-1] >= top
    assert 2 <= len(ticks) <= 7 and len({b - a for a, b in zip(ticks, ticks[1:])}) == 1


def test_no_legend_for_one_series():
    """A chart of one series showed an empty legend box."""
    one = count_bars(pd.DataFrame({"units": [3, 2, 2]}, index=["a", "b", "c"]), **WORDS)
    assert not bars_of(one)[0].display_legend
    two = count_bars(pd.DataFrame({"教育": [3, 2, 2], "医疗": [1, 2, 1]}, index=["a", "b", "c"]),
                     series_labels=["Education", "Health"], **WORDS)
    assert bars_of(two)[0].display_legend and list(bars_of(two)[0].labels) == ["Education", "Health"]


def test_the_pages_charts_follow_the_rules(own_store):
    """The overview's charts for a host unit (one county, one sending city) are tables; the leader's are charts with
    whole-number ticks; the coverage timeline ticks whole people and has no legend entry for leavers it does not mark."""
    wb = planning.load_workbook(planning.SAMPLE)
    host = OverviewApp(wb=wb, lang="en", viewer=Viewer("p", OfficeRole.HOST_UNIT, ("H-SCH01",)))
    host.tabs.selected_index = 3
    assert all(isinstance(c, W.HTML) for c in host.tabs.children[3].children)
    leader = OverviewApp(wb=wb, lang="en", viewer=Viewer("l", OfficeRole.LEADER))
    leader.tabs.selected_index = 3
    figs = leader.tabs.children[3].children
    assert figs and all(isinstance(f, bq.Figure) for f in figs)
    assert all(float(t).is_integer() for f in figs for t in f.axes[1].tick_values)
    cov = CoverageApp(wb=wb, lang="en")
    assert all(float(t).is_integer() for t in cov.count_axis.tick_values)
    assert cov.cliff_mark.display_legend == bool(len(cov.cliff_mark.x))
