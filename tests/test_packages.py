"""Per-unit packages: nothing about other units inside, and the unit's reply, read from its next-batch posts sheet
in its own words, goes back into the programme; anything else is refused in one sentence that changes nothing."""
import datetime as dt
import subprocess
import sys
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

import planning
from planning.contract import schema
from planning.outputs.packages import ReplyError, draft_names, merge_reply, unit_drafts, write_unit_package
from planning.scenarios.rotation import next_batch_orders

UNIT = "H-ALE-YY"  # 第一师阿拉尔医院: its orders end with the current batch, so it has drafts to confirm
OTHER = "H-KSDY"  # another hospital with drafts of its own
POSTS = "下一批需求岗位（请确认）"
EVIL = '=HYPERLINK("http://example.invalid","点我")'


@pytest.fixture(scope="module")
def package(sample, tmp_path_factory):
    return write_unit_package(sample, UNIT, tmp_path_factory.mktemp("pkg") / "package.xlsx")


def test_package_holds_only_the_unit(sample, package):
    book = load_workbook(package)
    assert book.sheetnames == ["本单位在岗人员", "本单位缺口", "逐月在岗与期满", POSTS, "本单位成效指标（请填写实际值）",
                               "下拉列表"]
    assert book["下拉列表"].sheet_state == "hidden"  # what the dropdowns read
    assert book.active.title == "本单位在岗人员"
    assert book["本单位在岗人员"]["A1"].value.startswith("第一师阿拉尔医院 材料包｜第一师阿拉尔医院｜截至 2026年11月22日")
    others = set(sample.units.loc[sample.units["side"].eq("host") & sample.units["id"].ne(UNIT), "name"])
    other_ids = set(sample.units.loc[sample.units["side"].eq("host") & sample.units["id"].ne(UNIT), "id"])
    mine = planning.programme.access.scope_workbook(sample, [UNIT])
    strangers = set(sample.people["name"]) - set(mine.people["name"])
    text = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not [v for v in text if v in others or v in other_ids]  # no other host unit, by name or id
    assert not [v for v in text if v in strangers]  # nobody posted elsewhere
    drafts = book[POSTS]
    assert drafts.max_row >= 3 and drafts.page_setup.orientation == "landscape"


def test_the_posts_sheet_offers_dropdowns_and_dates(sample, package):
    ws = load_workbook(package)[POSTS]
    assert [c.value for c in ws[2]] == ["需求岗位", "行业", "专业", "岗位角色", "人数", "开始", "结束", "优先级"]
    dvs = {str(d.sqref).split(":")[0][0]: d for d in ws.data_validations.dataValidation}
    assert {k: dvs[k].type for k in "BCDEFGH"} == {"B": "list", "C": "list", "D": "list", "E": "whole", "F": "date",
                                                   "G": "date", "H": "list"}
    assert dvs["B"].formula1.startswith("'下拉列表'!$A$2") and dvs["C"].errorStyle == "warning"  # a new skill may be typed
    assert dvs["H"].formula1 == '"1,2,3,4,5"'
    n = len(unit_drafts(sample, UNIT))
    assert str(dvs["B"].sqref) == f"B3:B{n + 2 + 200}"  # room below the drafts for new posts
    lists = load_workbook(package)["下拉列表"]
    assert [c.value for c in lists[1]] == ["行业", "专业", "岗位角色"]
    assert {lists.cell(r, 3).value for r in (2, 3)} == {"组长", "成员"}
    for r in range(3, 3 + n):
        assert isinstance(ws.cell(r, 6).value, dt.datetime) and ws.cell(r, 6).number_format == "yyyy-mm-dd"


def plain(df: pd.DataFrame) -> list[tuple]:
    """Rows as plain values: any missing value None, numbers as numbers, days as Timestamps."""
    def one(v):
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        if hasattr(v, "item"):
            v = v.item()
        if isinstance(v, (dt.date, dt.datetime)):
            return pd.Timestamp(v)
        return v
    return [tuple(one(v) for v in row) for row in df.itertuples(index=False)]


@pytest.mark.parametrize("unit", [UNIT, OTHER, "H-SCH01"])
def test_an_untouched_reply_confirms_every_draft_as_before(sample, tmp_path, unit):
    """The package sent back untouched: the programme plus the unit's drafts as orders, the very orders table the
    reply of the contract-table package gave (the other units' orders, the unit's own, then its drafts), built here
    by a plain loop."""
    path = write_unit_package(sample, unit, tmp_path / "p.xlsx")
    merged = merge_reply(sample, path, unit, "zh")
    cols = list(sample.orders.columns)
    drafts = next_batch_orders(sample)
    want = [r for r in sample.orders.to_dict("records") if r["host_unit"] != unit]
    want += [r for r in sample.orders.to_dict("records") if r["host_unit"] == unit]
    spec = schema.columns("orders")  # a column the draft leaves out takes the contract's default
    default = {c: {"true": True, "false": False}.get(str(d), d) if isinstance(d, str) and d else None
               for c, d in zip(spec.index, spec["default"].where(spec["default"].notna(), None))}
    for r in drafts.to_dict("records"):
        if r["host_unit"] == unit:
            want.append({c: r[c] if c in r and not pd.isna(r[c]) else default[c] for c in cols})
    assert plain(merged.orders[cols]) == plain(pd.DataFrame(want, columns=cols))
    assert list(merged.orders.dtypes) == list(sample.orders.dtypes)
    for t in ("people", "assignments", "units", "teams", "indicator_values"):
        pd.testing.assert_frame_equal(getattr(merged, t), getattr(sample, t))


def posts_sheet(path):
    book = load_workbook(path)
    ws = book[POSTS]
    return book, ws, [c.value for c in ws[2]]


def test_a_principal_changes_deletes_and_adds_posts(sample, package, tmp_path):
    """Headcount changed on one draft, another deleted, a new post added below; taken in by the command line."""
    book, ws, header = posts_sheet(package)
    col = {h: i + 1 for i, h in enumerate(header)}
    names = draft_names(sample, UNIT)
    changed, dropped = names[ws.cell(3, 1).value.casefold()], names[ws.cell(4, 1).value.casefold()]
    ws.cell(3, col["人数"]).value = 5
    ws.delete_rows(4)
    new = ws.max_row + 1
    for h, v in {"需求岗位": "急诊科医生", "行业": "医疗", "专业": "急诊科", "岗位角色": "成员", "人数": 1,
                 "开始": dt.datetime(2027, 8, 1), "结束": dt.datetime(2029, 7, 31), "优先级": 4}.items():
        ws.cell(new, col[h]).value = v
    reply = tmp_path / "reply.xlsx"
    book.save(reply)
    out = tmp_path / "merged"
    run = subprocess.run([sys.executable, "-m", "planning.cli", "packages", str(planning.SAMPLE), "--reply",
                          str(reply), "--unit", UNIT, "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    merged = planning.load_workbook(out)
    o = merged.orders.set_index("id")
    assert o.loc[changed, "headcount"] == 5 and o.loc[changed, "host_unit"] == UNIT
    assert dropped not in o.index
    added = merged.orders[~merged.orders["id"].isin(set(sample.orders["id"]) | set(unit_drafts(sample, UNIT)["id"]))]
    assert len(added) == 1
    a = added.iloc[0]
    assert (a["host_unit"], a["sector"], a["skill"], a["role"], a["headcount"], a["priority"]) == \
        (UNIT, "医疗", "急诊科", "member", 1, 4)
    assert (a["start"], a["end"]) == (pd.Timestamp("2027-08-01"), pd.Timestamp("2029-07-31"))
    assert len(merged.orders) == len(sample.orders) + len(unit_drafts(sample, UNIT)) - 1 + 1
    # no other unit's order changed, nor the unit's orders already in the programme
    before = sample.orders.set_index("id").sort_index()
    after = merged.orders[merged.orders["id"].isin(set(sample.orders["id"]))].set_index("id").sort_index()
    pd.testing.assert_frame_equal(before, after)
    assert len(merged.assignments) == len(sample.assignments)


def edit(path, out, cells: dict, *, new_row: dict | None = None, formula: tuple | None = None):
    """Write ``cells`` ({(row, header): value}) and a ``new_row`` ({header: value}) into the posts sheet."""
    book, ws, header = posts_sheet(path)
    col = {h: i + 1 for i, h in enumerate(header)}
    for (r, h), v in cells.items():
        if h not in col:
            col[h] = len(col) + 1
            ws.cell(2, col[h]).value = h
        ws.cell(r, col[h]).value = v
        if isinstance(v, str) and v.startswith("="):  # text that looks like a formula: a text cell
            ws.cell(r, col[h]).data_type = "s"
    if new_row:
        r = ws.max_row + 1
        for h, v in new_row.items():
            ws.cell(r, col[h]).value = v
            if isinstance(v, str) and v.startswith("="):
                ws.cell(r, col[h]).data_type = "s"
    if formula:
        r, h, f = formula
        ws.cell(r, col[h]).value = f  # a formula, as someone typing = in Excel makes it
    book.save(out)
    return out


def refused(wb, path, lang="zh") -> str:
    before = wb.orders.copy()
    with pytest.raises(ReplyError) as e:
        merge_reply(wb, path, UNIT, lang)
    pd.testing.assert_frame_equal(wb.orders, before)
    return str(e.value)


NEW = {"需求岗位": "", "行业": "医疗", "专业": "急诊科", "岗位角色": "成员", "人数": 1,
       "开始": dt.datetime(2027, 8, 1), "结束": dt.datetime(2029, 7, 31), "优先级": 4}


@pytest.mark.parametrize("cells, new_row, row, column, what", [
    ({(3, "行业"): "航天"}, None, 3, "行业", "“航天”不是本方案的行业，请从下拉列表中选择（教育、医疗"),
    ({(3, "人数"): 0}, None, 3, "人数", "人数“0”须是 1 以上的整数"),
    ({(4, "人数"): "两个"}, None, 4, "人数", "人数“两个”须是 1 以上的整数"),
    ({(3, "人数"): 2.5}, None, 3, "人数", "须是 1 以上的整数"),
    ({(3, "结束"): dt.datetime(2026, 1, 1)}, None, 3, "结束", "结束日期 2026-01-01 早于开始日期 2027-01-18"),
    ({(3, "开始"): "下个月"}, None, 3, "开始", "“下个月”不是日期"),
    ({(3, "优先级"): 9}, None, 3, "优先级", "优先级“9”须是 1 到 5 的整数"),
    ({(3, "岗位角色"): "主任"}, None, 3, "岗位角色", "“主任”不是岗位角色，请选择组长、成员"),
    ({(3, "人数"): None}, None, 3, "人数", "这一格不能为空"),
    ({(3, "备注"): "请尽快"}, None, 2, "备注", "不是本表的列"),
    ({}, {**NEW, "行业": "Space"}, None, "行业", "“Space”不是本方案的行业"),
    ({}, {**NEW, "结束": dt.datetime(2027, 1, 1)}, None, "结束", "早于开始日期 2027-08-01"),
])
def test_a_wrong_cell_is_refused_in_one_sentence(sample, package, tmp_path, cells, new_row, row, column, what):
    path = edit(package, tmp_path / "reply.xlsx", cells, new_row=new_row)
    said = refused(sample, path)
    row = row or (2 + len(unit_drafts(sample, UNIT)) + 1)
    assert said.startswith(f"reply.xlsx，工作表“{POSTS}”，第 {row} 行，“{column}”列：") and what in said, said
    assert said.endswith("未作任何改动。"), said


def test_another_units_post_its_own_orders_and_a_draft_twice_are_refused(sample, package, tmp_path):
    theirs = load_workbook(write_unit_package(sample, OTHER, tmp_path / "other.xlsx"))[POSTS].cell(3, 1).value
    assert theirs.casefold() in draft_names(sample, OTHER)
    said = refused(sample, edit(package, tmp_path / "a.xlsx", {(3, "需求岗位"): theirs}))
    assert f"第 3 行，“需求岗位”列：“{theirs}”是其他单位（喀什地区第一人民医院）的岗位" in said, said
    ordered = load_workbook(package)["本单位在岗人员"]["B3"].value  # a post the unit already has
    said = refused(sample, edit(package, tmp_path / "b.xlsx", {(4, "需求岗位"): ordered}))
    assert f"第 4 行，“需求岗位”列：“{ordered}”是本单位已有的岗位" in said, said
    first = load_workbook(package)[POSTS].cell(3, 1).value
    said = refused(sample, edit(package, tmp_path / "c.xlsx", {(4, "需求岗位"): first}))
    assert f"第 4 行，“需求岗位”列：需求岗位“{first}”已在第 3 行填写" in said, said


def test_a_formula_is_refused(sample, package, tmp_path):
    said = refused(sample, edit(package, tmp_path / "f.xlsx", {}, formula=(3, "人数", "=1+1")))
    assert "第 3 行，“人数”列：这一格是公式（=1+1）" in said and said.endswith("未作任何改动。"), said


def test_formula_like_text_is_taken_as_text(sample, package, tmp_path):
    """A skill and a new post's name that look like formulas are texts: the skill is kept as written, never run."""
    path = edit(package, tmp_path / "t.xlsx", {(3, "专业"): EVIL}, new_row={**NEW, "需求岗位": EVIL})
    merged = merge_reply(sample, path, UNIT, "zh")
    draft = draft_names(sample, UNIT)[load_workbook(path)[POSTS].cell(3, 1).value.casefold()]
    assert merged.orders.set_index("id").loc[draft, "skill"] == EVIL
    out = planning.save_workbook(merged, tmp_path / "merged.xlsx")
    cell = next(c for row in load_workbook(out)["orders"].iter_rows() for c in row if c.value == EVIL)
    assert cell.data_type == "s" and cell.quotePrefix


def test_a_reply_in_english_is_taken_in_and_refused_in_english(sample, tmp_path):
    path = write_unit_package(sample, UNIT, tmp_path / "en.xlsx", lang="en")
    book = load_workbook(path)
    ws = book["Next-batch posts to confirm"]
    assert [c.value for c in ws[2]] == ["Post", "Sector", "Skill", "Role", "Headcount", "Start", "End", "Priority"]
    ws.cell(3, 5).value = 3
    book.save(tmp_path / "reply.xlsx")
    merged = merge_reply(sample, tmp_path / "reply.xlsx", UNIT, "en")
    draft = draft_names(sample, UNIT)[ws.cell(3, 1).value.casefold()]
    assert merged.orders.set_index("id").loc[draft, "headcount"] == 3
    ws.cell(3, 2).value = "Space"
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(ReplyError) as e:
        merge_reply(sample, tmp_path / "bad.xlsx", UNIT, "en")
    said = str(e.value)
    assert said.startswith("bad.xlsx, sheet 'Next-batch posts to confirm', row 3, column 'Sector': 'Space' is not a "
                           "sector of the programme; choose one from the list (Education, Health"), said
    assert said.endswith("Nothing was changed."), said


def test_a_draft_taken_in_is_an_order_and_no_longer_offered(sample, tmp_path):
    """Drafts hold no people (a draft is no order yet); once taken in, a draft is an order of the programme that
    the next package no longer offers, so a reply deleting every row of its posts sheet leaves it, and the
    people put on it since, alone."""
    first = merge_reply(sample, write_unit_package(sample, UNIT, tmp_path / "1.xlsx"), UNIT, "zh")
    taken = sorted(unit_drafts(sample, UNIT)["id"])
    assert set(taken) <= set(first.orders["id"]) and unit_drafts(first, UNIT).empty
    o = first.orders.set_index("id").loc[taken[0]]
    staffed = first.copy()  # someone planned on a draft taken in: it is an order with people now
    staffed.assignments = pd.concat([first.assignments, pd.DataFrame(
        {"person": ["P0383"], "order": [taken[0]], "start": [o["start"]], "end": [o["end"]], "status": ["planned"]}
    ).astype(first.assignments.dtypes.to_dict())], ignore_index=True)
    staffed = planning.contract.loader.validate_workbook(staffed)
    path = write_unit_package(staffed, UNIT, tmp_path / "2.xlsx")
    book = load_workbook(path)
    assert book[POSTS].max_row == 2  # the header alone: nothing left to confirm
    again = merge_reply(staffed, path, UNIT, "zh")
    pd.testing.assert_frame_equal(again.orders, staffed.orders)
    book[POSTS].append(["第一师阿拉尔医院·心身科 2027年1月", "医疗", "心身科", "成员", 1,
                        dt.datetime(2027, 1, 18), dt.datetime(2028, 7, 17), 4])  # the taken draft's name, typed again
    book.save(tmp_path / "3.xlsx")
    said = refused(staffed, tmp_path / "3.xlsx")
    assert "第 3 行，“需求岗位”列：“第一师阿拉尔医院·心身科 2027年1月”是本单位已有的岗位" in said, said


def test_no_reply_a_reply_without_the_sheet_and_a_bomb_are_refused(sample, package, tmp_path, monkeypatch):
    book = load_workbook(package)
    del book[POSTS]
    book.save(tmp_path / "old.xlsx")
    said = refused(sample, tmp_path / "old.xlsx")
    assert said.startswith(f"old.xlsx，工作表“{POSTS}”：找不到") and said.endswith("未作任何改动。"), said
    (tmp_path / "notes.txt").write_text("hello")
    assert refused(sample, tmp_path / "notes.txt").startswith(f"notes.txt，工作表“{POSTS}”：无法读取（不是 .xlsx 文件）")
    cut = tmp_path / "cut.xlsx"  # the posts sheet's XML cut in half: a damaged file
    with zipfile.ZipFile(package) as zin, zipfile.ZipFile(cut, "w") as z:
        for i in zin.infolist():
            data = zin.read(i)
            z.writestr(i, data[:len(data) // 2] if i.filename == "xl/worksheets/sheet4.xml" else data)
    said = refused(sample, cut)
    assert said.startswith(f"cut.xlsx，工作表“{POSTS}”：无法读取（") and said.endswith("未作任何改动。"), said
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 << 20))  # 3 MB of zeros in a few kB
    monkeypatch.setenv("PLANNING_MAX_UNPACKED_MB", "1")
    said = refused(sample, bomb)
    assert "解压后超过 1 MB" in said and said.endswith("未作任何改动。"), said


def test_packages_button_zips_one_file_per_unit(sample):
    import io

    from planning.apps import RotationApp

    app = RotationApp(wb=sample, lang="zh")
    app.packages_button.click()
    z = zipfile.ZipFile(io.BytesIO(app.packages_bytes))
    assert len(z.namelist()) == sample.orders["host_unit"].nunique()
    assert "download=" in app.packages_link.value and "application/zip" in app.packages_link.value


def test_the_command_line_refuses_a_reply_for_no_host_unit_and_names_the_unit_it_took_in(package, tmp_path, capsys):
    from planning.cli import main

    assert main(["packages", str(planning.SAMPLE), "--reply", str(package), "--unit", "P0001",
                 "--out", str(tmp_path / "m.xlsx")]) == 2
    assert "找不到这些受援单位：P0001" in capsys.readouterr().err and not (tmp_path / "m.xlsx").exists()
    assert main(["packages", str(planning.SAMPLE), "--reply", str(package), "--unit", UNIT,
                 "--out", str(tmp_path / "m.xlsx")]) == 0
    assert "已载入 第一师阿拉尔医院 的回复" in capsys.readouterr().out


def test_posts_of_one_name_are_numbered_never_named_by_id_and_map_back(sample, tmp_path):
    """Two of the unit's orders alike (same skill, same start): their names, and their drafts', are told apart by a
    number, not by an id; each row of the reply still finds its own draft."""
    wb = sample.copy()
    o = wb.orders.copy()
    o.loc[o["id"].eq("O-ALE-2"), "skill"] = "心身科"  # as O-ALE-1, from the same month
    wb.orders = o
    path = write_unit_package(wb, UNIT, tmp_path / "p.xlsx")
    book = load_workbook(path)
    text = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert not [v for v in text if "O-ALE" in v or "H-ALE" in v]
    ws = book[POSTS]
    rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
    assert {"第一师阿拉尔医院·心身科 2027年1月 (1)", "第一师阿拉尔医院·心身科 2027年1月 (2)"} <= set(rows)
    ws.cell(rows["第一师阿拉尔医院·心身科 2027年1月 (2)"], 5).value = 7
    book.save(tmp_path / "reply.xlsx")
    merged = merge_reply(wb, tmp_path / "reply.xlsx", UNIT, "zh").orders.set_index("id")
    assert merged.loc["O-ALE-2-N202701", "headcount"] == 7 and merged.loc["O-ALE-1-N202701", "headcount"] == 2


def test_a_unit_sharing_its_name_with_another_gets_its_own_drafts_back(sample, tmp_path):
    """Two host units of one name: each package names its posts as its own workbook does, and its reply, sent back
    untouched, confirms its own drafts only."""
    wb = sample.copy()
    u = wb.units.copy()
    u.loc[u["id"].eq(OTHER), "name"] = u.loc[u["id"].eq(UNIT), "name"].iloc[0]
    wb.units = u
    from planning.outputs.packages import write_unit_packages

    paths = write_unit_packages(wb, tmp_path / "both", [UNIT, OTHER])
    for unit, path in zip([UNIT, OTHER], paths):
        merged = merge_reply(wb, path, unit, "zh")
        added = set(merged.orders["id"]) - set(wb.orders["id"])
        assert added == set(unit_drafts(wb, unit)["id"]) and added
