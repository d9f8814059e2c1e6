"""The what-if 'a sender cannot send a batch' (济南市无法派出 2027年8月批次) and its re-plan."""
import pandas as pd
import pytest

import planning
from planning.core.hierarchy import source_city
from planning.programme.senders import batch_windows
from planning.scenarios.what_if import ScenarioError, apply, describe


def test_withdrawn_city_starts_no_one_in_the_window(sample):
    w = batch_windows(sample).set_index("batch").loc["B2027-08"]
    changes = [{"kind": "withdraw", "sender": "SD-JN", "batch": "B2027-08"}]
    b = apply(sample, changes)
    assert describe(changes[0], sample) == "济南市无法派出2027年8月批"
    plan = planning.allocate(b, window=("2027-08-01", "2028-07-31"))
    city = source_city(b)
    a = plan.assignments
    mine = a[a["person"].map(city).eq("SD-JN")]
    assert not ((mine["start"] >= w["dispatch"]) & (mine["start"] <= w["window_end"])).any()
    # the same re-plan on the base places some of 济南市's people in that window: the change bites
    base = planning.allocate(sample, window=("2027-08-01", "2028-07-31")).assignments
    before = base[base["person"].map(source_city(sample)).eq("SD-JN")]
    assert ((before["start"] >= w["dispatch"]) & (before["start"] <= w["window_end"])).any()
    # people of other cities are untouched
    others = ~sample.people["id"].map(source_city(sample)).eq("SD-JN")
    pd.testing.assert_frame_equal(b.people[others.to_numpy()].reset_index(drop=True),
                                  sample.people[others.to_numpy()].reset_index(drop=True))


def test_unknown_sender_or_batch_is_one_sentence(sample):
    with pytest.raises(ScenarioError, match="找不到派出方"):
        apply(sample, [{"kind": "withdraw", "sender": "XX", "batch": "B2027-08"}])
    with pytest.raises(ScenarioError, match="找不到批次"):
        apply(sample, [{"kind": "withdraw", "sender": "SD-JN", "batch": "B1999"}])


def test_scenarios_page_makes_a_version_to_compare(sample, tmp_path):
    """On the scenarios page: 济南市 cannot send the August batch → re-plan → compare → saved as a version."""
    from planning.apps import ScenariosApp
    from planning.programme.access import OfficeRole, Viewer
    from planning.scenarios.store import open_store

    store = open_store(tmp_path / "s.sqlite")
    app = ScenariosApp(wb=sample, store=store, lang="zh", viewer=Viewer("李明", OfficeRole.PLANNER))
    app.kind.value = "withdraw"
    app.p_w_city.value, app.p_w_batch.value = "SD-JN", "B2027-08"
    app.add_button.click()
    assert len(app.changes) == 1 and "济南市无法派出2027年8月批" in app.change_list.value
    app.replan_button.click()
    c = app.comparison
    assert c is not None and c.totals["gap_change"] > 0  # fewer people, more gaps
    app.name.value = "济南缺批"
    app.save_button.click()
    assert app.saved == ("济南缺批", 1)
    assert store.load("济南缺批").workbook.equals(app.plan.workbook)
