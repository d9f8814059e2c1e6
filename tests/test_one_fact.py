"""One fact, one number, one name: a sender is named the same way in every table of the overview, and
the count of sending places beside a list equals the list's length (sample and generated programmes)."""
import pandas as pd
import pytest

import planning
from planning.apps.flows import flow_table
from planning.apps.overview import OverviewApp, people_by_city_sector
from planning.core.hierarchy import source_city
from planning.core.names import names
from planning.outputs.summary import figures, summary_text
from planning.samples.synthetic import synthetic_workbook


def programmes():
    yield "sample", planning.load_workbook(planning.SAMPLE)
    for seed in (1, 2):
        yield f"generated-{seed}", synthetic_workbook(people=400, host_units=40, sectors=4, seed=seed)


@pytest.mark.parametrize("label, wb", list(programmes()), ids=lambda x: x if isinstance(x, str) else "")
def test_the_count_of_sending_places_is_the_length_of_their_list(label, wb):
    listed = people_by_city_sector(wb)
    assert figures(wb)["sending_cities"] == len(listed)
    assert f"来自 {len(listed)} 个派出地" in summary_text(wb, "zh")


def test_a_provincial_unit_is_named_as_itself_in_every_table():
    """山东省教育厅 was 山东省教育厅 in the flows, 省直单位 in the on-post table and gone from the count."""
    wb = planning.load_workbook(planning.SAMPLE)
    nm = names(wb)
    city = source_city(wb)
    units_alone = {c for c in set(city) if c in set(wb.units["id"])}
    assert units_alone  # the sample has people sent by a provincial unit
    expected = {nm[u] for u in units_alone}
    listed = set(people_by_city_sector(wb).index)
    app = OverviewApp(lang="zh")
    on_post = set(app.data["on_post"]["city"].dropna())
    flows, _ = flow_table(wb, app.data["standing"].as_of)
    in_flows = {nm.get(x, x) for x in flows["source_city"]}
    for shown in (listed, on_post, in_flows):
        assert expected <= shown
        assert "省直单位" not in shown and not {x for x in shown if x in set(wb.units["id"])}


def test_a_departure_belongs_to_one_month_on_every_page():
    """The overview put 15 in 2026年12月 while the coverage timeline marked them in 2027-01; 21 leavers whose
    departure grew no gap appeared nowhere on the overview."""
    from planning.apps.coverage import CoverageApp

    wb = planning.load_workbook(planning.SAMPLE)
    ov = OverviewApp(wb=wb, lang="zh")
    st = ov.data["standing"]
    table = {pd.Timestamp(r.ends_in): int(r.leaving) for r in st.departures.itertuples()}
    assert sum(table.values()) == int(st.points["leaving"].sum())  # nobody who leaves is left out
    cov = CoverageApp(wb=wb, lang="zh")
    marks = {pd.Timestamp(x).to_period("M").to_timestamp(): int(n.lstrip("−"))
             for x, n in zip(cov.cliff_mark.x, cov.cliff_mark.names)}
    shared = set(table) & set(marks)
    assert len(shared) >= 2
    assert {m: table[m] for m in shared} == {m: marks[m] for m in shared}


def test_the_grid_cards_say_what_part_of_everyone_on_post_they_count():
    """'29 网格内在岗人员' and '0 未入网格' beside 358 on post: members + outside the grid = on post where
    the grid reaches, and the card names how many that is of everyone on post, as the overview counts them."""
    import re

    from planning.apps.grid import GridApp
    from planning.apps.overview import landing_figures
    from planning.programme.grid import in_reach, people_in_no_cell, stints

    wb = planning.load_workbook(planning.SAMPLE)
    app = GridApp(wb=wb, lang="zh")
    cards = app.cards()
    text = re.sub(r"<[^>]+>", "|", cards)
    inv = {label: int(value.replace(",", "")) for value, label in
           re.findall(r"<div class='v'[^>]*>([^<]*)</div><div class='k'>([^<]*)</div>", cards)}
    day = app.as_of
    st = stints(wb)
    reach = in_reach(wb)
    on_post_in_reach = st[(st["start"] <= day) & (st["end"] >= day) & st["host_unit"].isin(reach)]["person"].nunique()
    assert inv["网格内在岗人员"] + inv["网格覆盖单位中未入网格的在岗人员"] == on_post_in_reach
    assert inv["网格覆盖单位中未入网格的在岗人员"] == len(people_in_no_cell(wb, day))
    assert f"网格覆盖 {len(reach)} 个受援单位（全体在岗 {landing_figures(wb, day)['on_post']} 人）" in text


def test_the_batches_table_says_each_batchs_term():
    """Its 任期 column was empty (a tick mark the labels did not know) and '15' beside an 18-month span
    did not say it was the batch's typical term."""
    from planning.apps.rotation import RotationApp
    from planning.scenarios.rotation import batches

    wb = planning.load_workbook(planning.SAMPLE)
    b = batches(wb)
    table = RotationApp(wb=wb, lang="zh").batch_table.value
    assert table.count("符合常规") == int(b["term_ok"].sum()) and table.count("与常规期限不符") == int((~b["term_ok"]).sum())
    assert "典型任期" in table
