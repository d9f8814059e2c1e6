"""The contract's selection-criteria columns (design §11): optional, Chinese values, old workbooks unchanged."""
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook as load_xlsx

import planning
from planning.contract import schema
from planning.contract.template import write_template

PEOPLE_NEW = ["birth_date", "rank", "title", "party_status", "party_joined", "work_started", "medical_date",
              "medical_result", "altitude_clearance", "vetting_stage", "vetting_date"]
ORDERS_NEW = ["post_rank", "min_title", "age_cap", "party_required", "min_party_years", "min_service_years",
              "programme", "min_months", "max_months", "rotation_allowed"]


NEW = {"people": PEOPLE_NEW, "orders": ORDERS_NEW, "units": ["altitude"], "regions": ["altitude"]}


@pytest.fixture()
def folder(tmp_path):
    """The shipped sample as a workbook written before the criteria: without their columns and table."""
    d = tmp_path / "wb"
    shutil.copytree(planning.SAMPLE, d)
    (d / "term_rules.csv").unlink()
    for table, cols in NEW.items():
        f = d / f"{table}.csv"
        pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig").drop(columns=cols).to_csv(
            f, index=False)
    return d


def test_new_columns_are_optional_and_old_workbooks_load_unchanged(folder, sample):
    wb = planning.load_workbook(folder)
    header = pd.read_csv(folder / "people.csv", nrows=0, encoding="utf-8-sig").columns
    assert not set(PEOPLE_NEW) & set(header)  # an old workbook
    for table, cols in NEW.items():  # every other column as the shipped sample holds it
        old = [c for c in schema.columns(table).index if c not in cols]
        pd.testing.assert_frame_equal(getattr(wb, table)[old], getattr(sample, table)[old])
    assert wb.people[PEOPLE_NEW].isna().all().all()
    assert wb.orders[["post_rank", "min_title", "age_cap", "min_party_years", "min_service_years", "programme",
                      "min_months", "max_months"]].isna().all().all()
    assert not wb.orders["party_required"].any() and wb.orders["rotation_allowed"].all()
    assert wb.term_rules.empty and list(wb.term_rules.columns) == list(schema.columns("term_rules").index)
    assert wb.units["altitude"].isna().all() and wb.regions["altitude"].isna().all()
    for c in PEOPLE_NEW:
        assert not schema.columns("people").loc[c, "required"]
    # the old columns hold what they held before the contract grew
    old = pd.read_csv(folder / "orders.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert wb.orders["id"].tolist() == old["id"].tolist()
    assert wb.orders["min_level"].tolist() == old["min_level"].astype(int).tolist()


def test_chinese_values_are_read_as_codes(folder):
    p = pd.read_csv(folder / "people.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    p["职级"] = ["正科"] + [""] * (len(p) - 1)
    p["职称"] = ["副高级"] + [""] * (len(p) - 1)
    p["政治面貌"] = ["预备党员"] + [""] * (len(p) - 1)
    p["选派环节"] = ["公示"] + [""] * (len(p) - 1)
    p["出生日期"] = ["1981年3月2日"] + [""] * (len(p) - 1)
    p.to_csv(folder / "people.csv", index=False)
    o = pd.read_csv(folder / "orders.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    o["岗位职级"] = ["副处"] + [""] * (len(o) - 1)
    o["最低职称"] = ["中级"] + [""] * (len(o) - 1)
    o["年龄上限"] = ["45"] + [""] * (len(o) - 1)
    o["须为党员"] = ["是"] + [""] * (len(o) - 1)
    o.to_csv(folder / "orders.csv", index=False)
    pd.DataFrame({"选派项目": ["援疆"], "角色": ["成员"], "最短月数": ["12"], "可提拔任用": ["是"]}).to_csv(
        folder / "term_rules.csv", index=False)
    wb = planning.load_workbook(folder)
    r = wb.people.iloc[0]
    assert (r["rank"], r["title"], r["party_status"], r["vetting_stage"]) == (
        "section", "associate_senior", "probationary_member", "publicised")
    assert r["birth_date"] == pd.Timestamp("1981-03-02")
    o = wb.orders.iloc[0]
    assert (o["post_rank"], o["min_title"], int(o["age_cap"]), bool(o["party_required"])) == (
        "deputy_division", "intermediate", 45, True)
    t = wb.term_rules.iloc[0]
    assert (t["programme"], t["role"], int(t["min_months"]), t["last_stage"], int(t["medical_months"]),
            bool(t["promotion_allowed"]), bool(t["rotation_allowed"])) == ("援疆", "member", 12, "publicised", 12,
                                                                          True, True)


def test_a_wrong_rank_is_said_with_the_allowed_values(folder):
    p = pd.read_csv(folder / "people.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    p["职级"] = ["正科长"] + [""] * (len(p) - 1)
    p.to_csv(folder / "people.csv", index=False)
    problems = planning.check_workbook(folder)
    assert [(x.table, x.row, x.code) for x in problems] == [("people", 2, "not_allowed")]


def rotating(folder, allowed: str, rule: str | None):
    o = pd.read_csv(folder / "orders.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    i = int((o["rotation_months"] != "").to_numpy().argmax())
    assert o.loc[i, "rotation_months"]
    o["rotation_allowed"] = ""
    o["programme"] = ""
    o.loc[i, "rotation_allowed"] = allowed
    if rule:
        o.loc[i, "programme"] = "第一书记"
        pd.DataFrame({"programme": ["第一书记"], "rotation_allowed": [rule]}).to_csv(folder / "term_rules.csv",
                                                                                     index=False)
    o.to_csv(folder / "orders.csv", index=False)
    return i + 2


def test_a_rotation_slot_on_a_post_that_may_not_rotate_is_a_contract_error(folder):
    row = rotating(folder, "否", None)
    (p,) = planning.check_workbook(folder)
    assert (p.table, p.row, p.column, p.code) == ("orders", row, "rotation_months", "rotation_not_allowed")
    assert "不可中途轮换" in p.sentence("zh") and f"第 {row} 行" in p.sentence("zh")
    assert "may not rotate" in p.sentence("en")


def test_a_rotation_slot_against_the_programmes_term_rule_is_a_contract_error(folder):
    row = rotating(folder, "", "false")
    (p,) = planning.check_workbook(folder)
    assert (p.row, p.code) == (row, "rotation_not_allowed_rule")
    assert "第一书记" in p.sentence("zh") and "第一书记" in p.sentence("en")


def test_a_rotation_slot_allowed_by_the_rule_loads(folder):
    rotating(folder, "是", "true")
    assert planning.check_workbook(folder) == []


def test_the_template_offers_the_criteria_as_chinese_dropdowns(tmp_path):
    book = load_xlsx(write_template(tmp_path / "t.xlsx"))
    for sheet, column, values in [("援派人员(people)", "rank", "科员,副科,正科,副处,正处,副厅,正厅"),
                                  ("援派人员(people)", "title", "初级,中级,副高级,正高级"),
                                  ("援派人员(people)", "party_status", "中共党员,预备党员,共青团员,民主党派,群众"),
                                  ("援派人员(people)", "vetting_stage", "推荐,资格审查,考察,体检,决定,公示"),
                                  ("需求订单(orders)", "post_rank", "科员,副科,正科,副处,正处,副厅,正厅"),
                                  ("需求订单(orders)", "party_required", "是,否"),
                                  ("任期规则(term_rules)", "last_stage", "推荐,资格审查,考察,体检,决定,公示")]:
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        j = [h.split("(")[1].rstrip(")") for h in header].index(column)
        letter = ws.cell(1, j + 1).column_letter
        dvs = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(letter + "2:")]
        assert dvs and dvs[0].formula1 == f'"{values}"', (sheet, column)


def test_the_benchmarks_market_with_every_criterion_is_a_valid_programme(tmp_path):
    """`bench_allocate --criteria` stopped with KeyError 'plan_stage' once term rules gained 可拟派环节: the generated
    market with every criterion set must hold every column of the contract, load back unchanged from its files,
    pass the contract's checks and allocate to a plan that breaks no rule."""
    from planning.allocation import check_plan
    from planning.contract import check_workbook, load_workbook, save_workbook
    from planning.samples.synthetic import synthetic_workbook, with_criteria

    wb = with_criteria(synthetic_workbook(people=300, host_units=40, teams=False, sectors=3))
    for table in ("people", "orders", "term_rules"):
        assert set(schema.columns(table).index) <= set(getattr(wb, table).columns), table
    folder = save_workbook(wb, tmp_path / "crit")
    assert check_workbook(folder) == []
    back = load_workbook(folder)
    assert len(back.people) == len(wb.people) and len(back.term_rules) == len(wb.term_rules)
    plan = planning.allocate(wb, window=("2027-03-01", "2027-03-01"))
    assert len(plan.assignments) and check_plan(wb, plan).empty
