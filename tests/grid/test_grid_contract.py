"""The grid in the contract: loading refuses each kind of broken grid with a located sentence."""
import pandas as pd
import pytest
from grid_builders import edit, load, tables, write

import planning
from planning import WorkbookError
from planning.contract import schema


def problems(folder, data):
    with pytest.raises(WorkbookError) as e:
        planning.load_workbook(write(folder, data))
    return e.value.problems


def only(ps, code):
    hits = [p for p in ps if p.code == code]
    assert hits, [p.sentence("en") for p in ps]
    return hits


def test_the_contract_names_the_grid():
    assert "management_units" in schema.table_names()
    cols = schema.columns("management_units")
    assert list(cols.index) == ["id", "name", "kind", "level", "parent", "leader", "team", "host"]
    assert schema.allowed("management_units", "kind") == ["hq", "front_hq", "work_group", "cell", "group"]
    assert schema.references("people", "cell") == ["management_units"]
    assert schema.table_label("management_units") == "管理网格"
    assert {schema.value_label(k) for k in schema.allowed("management_units", "kind")} == {
        "指挥部", "前方指挥部", "工作组", "网格单元", "小组"}


def test_a_good_grid_loads(tmp_path):
    wb = load(tmp_path)
    assert list(wb.management_units["id"]) == ["W", "G-DOC", "G-EDU"]
    assert wb.people.set_index("id").loc["P3", "cell"] == "G-DOC"
    assert wb.management_units["level"].tolist() == [1, 2, 2]


def test_a_workbook_without_a_grid_loads_with_an_empty_table(sample, sample_copy):
    assert not sample.management_units.empty  # the sample has a grid: leaving it out below means something
    wb = planning.Workbook(**{n: getattr(sample, n) for n in schema.table_names() if n != "management_units"})
    contract = list(schema.columns("management_units").index)
    assert wb.management_units.empty and list(wb.management_units.columns) == contract
    # a workbook folder without the grid's file (and no person placed in a cell) loads, the grid empty
    (sample_copy / "management_units.csv").unlink()
    people = pd.read_csv(sample_copy / "people.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    people["cell"] = ""
    people.to_csv(sample_copy / "people.csv", index=False, encoding="utf-8")
    loaded = planning.load_workbook(sample_copy)
    assert loaded.management_units.empty and list(loaded.management_units.columns) == contract
    assert len(loaded.people) == len(sample.people) and loaded.people["cell"].isna().all()


def test_unknown_references_are_refused(tmp_path):
    data = tables()
    edit(data, "management_units", "G-DOC", parent="NOPE", team="T-NONE", host="NOWHERE")
    edit(data, "people", "P3", cell="G-NONE")
    ps = only(problems(tmp_path, data), "unknown_ref")
    where = {(p.table, p.column, p.value) for p in ps}
    assert {("management_units", "parent", "NOPE"), ("management_units", "team", "T-NONE"),
            ("management_units", "host", "NOWHERE"), ("people", "cell", "G-NONE")} <= where


def test_a_leader_who_is_not_dispatched_is_refused(tmp_path):
    data = edit(tables(), "management_units", "W", leader="P99")
    p = only(problems(tmp_path, data), "unknown_ref")[0]
    assert (p.table, p.row, p.column, p.value) == ("management_units", 2, "leader", "P99")
    assert "援派人员" in p.sentence("zh") and "P99" in p.sentence("en")


def test_parents_in_a_cycle_are_refused(tmp_path):
    data = edit(tables(), "management_units", "W", parent="G-EDU", level="")
    edit(data, "management_units", "G-EDU", level="")
    p = only(problems(tmp_path, data), "grid_cycle")[0]
    assert p.table == "management_units" and p.column == "parent"
    assert "援派工作队 (W) → 教师组 (G-EDU) → 援派工作队 (W)" in p.sentence("zh")
    assert "parent units form a cycle" in p.sentence("en")


def test_a_unit_that_is_its_own_parent_is_a_cycle(tmp_path):
    data = edit(tables(), "management_units", "G-DOC", parent="G-DOC", level="")
    only(problems(tmp_path, data), "grid_cycle")


def test_a_level_not_below_the_parent_is_refused(tmp_path):
    data = edit(tables(), "management_units", "G-DOC", level=1)
    p = only(problems(tmp_path, data), "grid_level")[0]
    assert (p.row, p.column, p.value) == (3, "level", "1")
    assert "援派工作队" in p.sentence("zh")


def test_a_person_in_two_cells_at_once_is_refused(tmp_path):
    """P3 belongs to the doctors' group and is named leader of the teachers' group."""
    data = edit(tables(), "management_units", "G-EDU", leader="P3")
    p = only(problems(tmp_path, data), "two_cells")[0]
    assert (p.table, p.row, p.column, p.value) == ("management_units", 4, "leader", "P3")
    assert "医生组 (G-DOC)" in p.sentence("zh") and "one cell at a time" in p.sentence("en")


def test_leading_two_groups_is_two_cells(tmp_path):
    data = edit(tables(), "management_units", "G-DOC", leader="P1")
    edit(data, "management_units", "G-EDU", leader="P1")
    ps = only(problems(tmp_path, data), "two_cells")
    assert len(ps) == 1 and ps[0].value == "P1"


def test_one_line_of_the_grid_is_one_cell(tmp_path):
    """The team leader leads the work group and sits in the doctors' group: one line, allowed."""
    data = edit(tables(), "people", "P1", cell="G-DOC")
    edit(data, "management_units", "G-DOC", leader="P2")
    edit(data, "people", "P2", cell="G-DOC")
    wb = load(tmp_path, data)
    assert wb.people.set_index("id").loc["P1", "cell"] == "G-DOC"


def test_a_team_run_by_two_units_is_refused(tmp_path):
    data = edit(tables(), "management_units", "G-EDU", team="T-DOC")
    p = only(problems(tmp_path, data), "grid_team_twice")[0]
    assert p.row == 4 and "医生组" in p.sentence("zh")


def test_cells_without_a_grid_table_are_refused(tmp_path):
    data = tables()
    del data["management_units"]
    ps = only(problems(tmp_path, data), "unknown_ref")
    assert {p.value for p in ps} == {"G-DOC", "G-EDU"} and all(p.column == "cell" for p in ps)


def test_validate_workbook_checks_the_grid_in_memory(tmp_path):
    from planning.contract import validate_workbook

    wb = load(tmp_path)
    wb.management_units.loc[2, "leader"] = "P3"
    with pytest.raises(WorkbookError) as e:
        validate_workbook(wb, "方案")
    assert [p.code for p in e.value.problems] == ["two_cells"]
    assert "管理网格" in e.value.problems[0].sentence("zh")


def test_the_grid_saves_and_loads_back(tmp_path):
    wb = load(tmp_path / "in")
    for out in (tmp_path / "csv", tmp_path / "wb.xlsx", tmp_path / "zh.xlsx"):
        back = planning.load_workbook(planning.save_workbook(wb, out, headers="zh" if "zh" in out.name else "en"))
        assert back.equals(wb)
    assert pd.read_excel(tmp_path / "zh.xlsx", sheet_name="管理网格(management_units)").shape == (3, 8)


def test_the_template_offers_the_grid_with_dropdowns(tmp_path):
    import openpyxl

    from planning.contract.template import write_template

    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    ws = book["管理网格(management_units)"]
    assert [c.value for c in ws[1]] == ["编号(id)", "名称(name)", "类型(kind)", "层级(level)", "上级(parent)",
                                        "负责人(leader)", "对应组团(team)", "负责范围(host)"]
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["C"] == '"指挥部,前方指挥部,工作组,网格单元,小组"'
    assert lists["E"].startswith("'管理网格(management_units)'!") and lists["F"].startswith("'援派人员(people)'!")
    assert lists["G"].startswith("'组团(teams)'!")
    people = book["援派人员(people)"]
    heads = [c.value for c in people[1]]
    col = heads.index("所在网格(cell)")
    letter = openpyxl.utils.get_column_letter(col + 1)
    assert any(str(dv.sqref).startswith(letter) and "管理网格" in dv.formula1
               for dv in people.data_validations.dataValidation)
    guide = [r[3].value for r in book["说明"].iter_rows(min_row=5) if r[0].value == "management_units"]
    assert guide == ["编号", "名称", "类型", "层级", "上级", "负责人", "对应组团", "负责范围"]
