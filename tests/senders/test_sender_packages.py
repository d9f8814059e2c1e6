"""Sender packages: a sender's own people and units, a package holding nothing of other senders, and its reply.

The package is checked as host-unit packages are (every id and name in every sheet belongs to
the sender); the reply is taken in only for the sender's own people, every other reply is
refused in one sentence that names the file, sheet, row and column, and nothing changes; a
package saved by LibreOffice comes back unchanged.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import csv_workbook
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook

import senders_reference  # noqa: F401  (puts tests/pairings on the path)
from pairing_programmes import programmes

import planning
from planning.core.names import names
from planning.outputs.packages import ReplyError
from planning.outputs.sender_packages import (NOMINATIONS_SHEET, merge_sender_reply, package_senders,
                                              write_sender_package)
from planning.programme.senders import sender_people, sender_tasks

SENDER = "SD-JN"  # 济南市: a quota, people on post and nominated, its own hospital and bureaus
EXAMPLES = int(os.environ.get("SENDER_PEOPLE_EXAMPLES", "100"))


# --------------------------------------------------------------------------- #
# sender_people against a plain loop up the parent chains
# --------------------------------------------------------------------------- #
def plain_sender_people(wb, senders):
    """People and sending units at or under ``senders``, by walking each one's parents."""
    parent = dict(zip(wb.regions["id"], wb.regions["parent"]))
    parent.update(dict(zip(wb.units["id"], wb.units["region"])))

    def chain(node):
        seen = []
        while isinstance(node, str) and node not in seen:
            seen.append(node)
            node = parent.get(node)
        return seen

    wanted = set(senders)
    people = [p for p, u in zip(wb.people["id"], wb.people["sending_unit"]) if wanted & set(chain(u))]
    units = [u for u, side in zip(wb.units["id"], wb.units["side"]) if side == "sending" and wanted & set(chain(u))]
    return people, units


def every_sender(wb):
    return (list(wb.regions.loc[wb.regions["side"].eq("sending"), "id"])
            + list(wb.units.loc[wb.units["side"].eq("sending"), "id"]))


def test_sender_people_equal_a_plain_loop_on_the_sample(sample):
    senders = every_sender(sample)
    for s in senders:
        assert tuple(sender_people(sample, s)) == plain_sender_people(sample, [s]), s
    two = ["SD-JN", "ZJ-HZ-CA"]
    assert tuple(sender_people(sample, two)) == plain_sender_people(sample, two)
    assert sender_people(sample, ["nowhere"]) == ([], [])
    assert sender_people(sample, "XJ-KS") == ([], [])  # a host prefecture sends nobody and has no sending unit
    assert len(sender_people(sample, "SD-JN").people) == 40  # a city's people are many, not its units' alone


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programmes(max_people=15, max_orders=3))
def test_sender_people_equal_a_plain_loop_on_generated_programmes(tables):
    with tempfile.TemporaryDirectory() as d:
        wb = csv_workbook(Path(d) / "wb", tables)
    for s in every_sender(wb):
        assert tuple(sender_people(wb, s)) == plain_sender_people(wb, [s]), s


# --------------------------------------------------------------------------- #
# the package: the sender's own only
# --------------------------------------------------------------------------- #
@pytest.fixture(scope="module")
def packages(sample, tmp_path_factory):
    folder = tmp_path_factory.mktemp("spkg")
    tasks = sender_tasks(sample)
    return {s: write_sender_package(sample, s, folder / f"{s}.xlsx", tasks=tasks) for s in package_senders(sample)}


def cells(ws):
    return [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def test_every_sender_with_a_task_a_quota_or_people_gets_one(sample, packages):
    tasks = sender_tasks(sample)
    want = set(tasks["sender"]) | set(sample.quotas["sender"]) | set(planning.core.hierarchy.source_city(sample))
    assert set(packages) == want
    assert {"SD-JN", "ZJ-HZ-CA", "SX-LF", "SD-JYT"} <= want  # cities, a county with a task, a unit with no city


def test_each_package_holds_only_its_sender(sample, packages):
    """Every id and name in every sheet belongs to the sender; other senders only as named task partners."""
    nm = names(sample)
    tasks = sender_tasks(sample)
    sending_regions = set(sample.regions.loc[sample.regions["side"].eq("sending"), "id"])
    sending_units = set(sample.units.loc[sample.units["side"].eq("sending"), "id"])
    for s, path in packages.items():
        people, units = sender_people(sample, s)
        mine_p, mine_u = set(people), set(units)
        own_names = set(sample.people.set_index("id").loc[people, "name"]) | {nm[u] for u in units} | {nm[s]}
        others = (set(sample.people["id"]) - mine_p) | (sending_units - mine_u) | (sending_regions - {s})
        forbidden = (others | {nm[x] for x in others}) - own_names - {s}
        partners = {x for w in tasks.loc[tasks["sender"].eq(s), "shared_with"] for x in w.split(";") if x}
        book = load_workbook(path)
        assert book.sheetnames == ["本方选派任务", "本方在岗与期满人员", "填写说明", NOMINATIONS_SHEET, "下拉列表(lists)"]
        task = book["本方选派任务"]
        header = [c.value for c in task[2]]
        shared_col = header.index("共同负责的派出方")
        for row in task.iter_rows(min_row=3, values_only=True):  # partners named, never by id, only if they share
            named = set(str(row[shared_col] or "").split("、")) - {""}
            assert named == {nm[x] for x in partners} & named and not named & partners
        for ws in book.worksheets:
            text = set()
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for j, v in enumerate(row):
                    if v is None or (ws is task and r > 2 and j == shared_col):
                        continue
                    text.add(str(v))
            assert not text & forbidden, (s, ws.title, sorted(text & forbidden)[:5])
        nom = book[NOMINATIONS_SHEET]
        head = [c.value for c in nom[1]]
        rows = list(nom.iter_rows(min_row=2, values_only=True))
        assert [r[head.index("编号(id)")] for r in rows] == people
        assert {r[head.index("派出单位(sending_unit)")] for r in rows} <= mine_u
        lists = book["下拉列表(lists)"]
        assert [v for (v,) in lists.iter_rows(min_row=2, min_col=3, max_col=3, values_only=True) if v] == units
        dv = {str(d.sqref).split(":")[0]: d for d in nom.data_validations.dataValidation}
        unit_col = chr(ord("A") + head.index("派出单位(sending_unit)"))
        assert dv[f"{unit_col}2"].formula1 == f"'下拉列表(lists)'!$C$2:$C${len(units) + 1}"  # its own units only


def test_the_task_sheet_states_the_senders_task(sample, packages):
    book = load_workbook(packages[SENDER])
    ws = book["本方选派任务"]
    assert ws["A1"].value.startswith("济南市 选派任务与推荐人选｜济南市｜截至 2026年11月22日")
    rows = [dict(zip([c.value for c in ws[2]], r)) for r in ws.iter_rows(min_row=3, values_only=True)]
    tasks = sender_tasks(sample)
    mine = tasks[tasks["sender"].eq(SENDER)]
    assert [(r["行业"], r["任务岗位数"], r["名额"], r["已推荐"], r["尚缺"]) for r in rows] == [
        (x.sector, x.seats, x.quota, x.nominated, x.shortfall) for x in mine.itertuples()]
    assert {r["批次"] for r in rows} == {"2027年8月批"}
    people = book["本方在岗与期满人员"]
    head = [c.value for c in people[2]]
    assert head[:2] == ["姓名", "派出单位"] and "期满日期" in head and "下一批选派窗口内期满" in head
    assert people.max_row - 2 == planning.core.live.live_assignments(sample, "2026-11-22", None)["person"].isin(
        set(sender_people(sample, SENDER).people)).sum()


def test_the_package_in_english(sample, tmp_path):
    path = write_sender_package(sample, SENDER, tmp_path / "en.xlsx", lang="en")
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["Our task", "Our people on post", "How to reply"]
    nom = book[NOMINATIONS_SHEET]
    head = [c.value for c in nom[1]]
    assert head[0] == "编号(id)"  # the template's headers in either language
    status = head.index("推荐状态(nomination)")
    assert {r[status] for r in nom.iter_rows(min_row=2, values_only=True)} - {None} <= {
        "nominated", "selected", "not_selected", "withdrawn"}
    assert merge_sender_reply(sample, path, SENDER, "en").equals(sample)


def test_a_programme_without_batches_still_gets_packages(sample, tmp_path):
    """An old workbook (no batches, quotas or nominations): every sender gets its people and an empty task."""
    wb = sample.copy()
    wb.batches, wb.quotas = wb.batches.iloc[0:0], wb.quotas.iloc[0:0]
    wb.people = wb.people.assign(nomination=pd.Series(pd.NA, index=wb.people.index, dtype="str"),
                                 batch=pd.Series(pd.NA, index=wb.people.index, dtype="str"))
    wb = planning.contract.loader.validate_workbook(wb)
    path = write_sender_package(wb, SENDER, tmp_path / "old.xlsx")
    book = load_workbook(path)
    assert book["本方选派任务"].max_row == 2  # the title line and the header: no task
    assert book[NOMINATIONS_SHEET].max_row == len(sender_people(wb, SENDER).people) + 1
    assert merge_sender_reply(wb, path, SENDER).equals(wb)


# --------------------------------------------------------------------------- #
# the reply
# --------------------------------------------------------------------------- #
def edit(path, out, change):
    """Open the package as the sender would, apply ``change(sheet, header → column number)``, save as ``out``."""
    book = load_workbook(path)
    ws = book[NOMINATIONS_SHEET]
    col = {c.value.split("(")[1].rstrip(")"): c.column for c in ws[1]}
    change(ws, col)
    book.save(out)
    return out


def row_of(ws, col, pid):
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["id"]).value == pid)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "planning.cli", *args], capture_output=True, text=True, check=False)


def test_a_reply_changes_the_senders_people_only(sample, packages, tmp_path):
    people = sender_people(sample, SENDER).people
    p = sample.people.set_index("id")
    free = [x for x in people if pd.isna(p.at[x, "nomination"])]
    nominee, phoned = free[0], free[1]

    def change(ws, col):
        r = row_of(ws, col, nominee)
        ws.cell(r, col["nomination"]).value = "已推荐"
        ws.cell(r, col["batch"]).value = "B2027-08"
        ws.cell(row_of(ws, col, phoned), col["phone"]).value = "13800000000"
        new = ws.max_row + 1
        for c, v in {"id": "JN-NEW-1", "name": "新推荐", "sending_unit": "SD-JN-JYJ", "category": "专业技术人才",
                     "sector": "教育", "skill": "数学", "available_from": "2027-01-01",
                     "available_to": "2029-12-31", "nomination": "已推荐", "batch": "B2027-08"}.items():
            ws.cell(new, col[c]).value = v

    reply = edit(packages[SENDER], tmp_path / "reply.xlsx", change)
    out = tmp_path / "merged"
    run = cli("packages", str(planning.SAMPLE), "--reply", str(reply), "--sender", SENDER, "--out", str(out))
    assert run.returncode == 0, run.stderr
    merged = planning.load_workbook(out)
    m = merged.people.set_index("id")
    assert m.at[nominee, "nomination"] == "nominated" and m.at[nominee, "batch"] == "B2027-08"
    assert m.at[phoned, "phone"] == "13800000000"
    assert m.at["JN-NEW-1", "sending_unit"] == "SD-JN-JYJ" and m.at["JN-NEW-1", "program"] == "planned"
    assert len(merged.people) == len(sample.people) + 1
    rest = m.drop(index=[nominee, phoned, "JN-NEW-1"]).sort_index()
    assert rest.equals(p.drop(index=[nominee, phoned]).sort_index())  # nobody else changed
    for table in ("orders", "assignments", "quotas", "units", "regions"):
        assert getattr(merged, table).equals(getattr(sample, table)), table
    t = sender_tasks(merged, batch="B2027-08")
    before = sender_tasks(sample, batch="B2027-08")
    assert t.loc[t["sender"].eq(SENDER), "nominated"].sum() >= before.loc[before["sender"].eq(SENDER),
                                                                          "nominated"].sum()


OTHER = "P0100"  # a person of another sender (checked below)


def refusals(sample):
    """(name, change, words the sentence holds): each a reply the programme must refuse."""
    p = sample.people.set_index("id")
    other_unit = next(u for u in sample.units.loc[sample.units["side"].eq("sending"), "id"]
                      if u not in sender_people(sample, SENDER).units)
    assert OTHER not in sender_people(sample, SENDER).people and OTHER in p.index
    mine = sender_people(sample, SENDER).people
    decided = next(x for x in mine if p.at[x, "nomination"] in ("selected", "not_selected"))
    free = next(x for x in mine if pd.isna(p.at[x, "nomination"]))

    def first(ws, col):
        return 2

    def put(pid, **values):
        def change(ws, col):
            r = row_of(ws, col, pid) if pid else first(ws, col)
            for c, v in values.items():
                ws.cell(r, col[c]).value = v
        return change

    def new_row(**values):
        def change(ws, col):
            r = ws.max_row + 1
            base = {"id": "NEW-1", "name": "新人", "sending_unit": "SD-JN-JYJ", "category": "专业技术人才",
                    "sector": "教育", "available_from": "2027-01-01", "available_to": "2029-12-31"}
            for c, v in dict(base, **values).items():
                ws.cell(r, col[c]).value = v
        return change

    def add_column(ws, col):
        ws.cell(1, ws.max_column + 1).value = "志愿(wishes)"

    def formula(ws, col):
        ws.cell(row_of(ws, col, free), col["name"]).value = "=1+2"  # a formula Excel would compute

    return [
        ("another sender's person", new_row(id=OTHER), ["第 ", "“编号”列", OTHER, "不是济南市的人员"]),
        ("a unit outside the sender", put(free, sending_unit=other_unit), ["“派出单位”列", other_unit,
                                                                           "不是济南市的派出单位"]),
        ("a new person of another unit", new_row(sending_unit=other_unit), ["不是济南市的派出单位"]),
        ("a selection", put(free, nomination="已选中", batch="B2027-08"), ["“推荐状态”列", "指挥部决定"]),
        ("an undone decision", put(decided, nomination="已推荐"), ["“推荐状态”列", "指挥部决定"]),
        ("an unknown status", put(free, nomination="也许"), ["“推荐状态”列", "也许"]),
        ("an unknown batch", put(free, nomination="已推荐", batch="B2099"), ["“推荐批次”列", "B2099"]),
        ("availability ending before it starts", put(free, available_from="2030-01-01", available_to="2029-01-01"),
         ["可派"]),
        ("a repeated id", new_row(id=free), ["“编号”列", free]),
        ("a column the sheet does not carry", add_column, ["“志愿”列", "派出方不能填写"]),
        ("a formula", formula, ["“姓名”列"]),
    ]


@pytest.mark.parametrize("case", range(11))
def test_a_reply_breaking_a_rule_is_refused_in_one_sentence(sample, packages, tmp_path, case):
    name, change, words = refusals(sample)[case]
    reply = edit(packages[SENDER], tmp_path / "reply.xlsx", change)
    with pytest.raises(ReplyError) as e:
        merge_sender_reply(sample, reply, SENDER, "zh")
    text = str(e.value)
    assert text.startswith("reply.xlsx 工作表“援派人员(people)”"), (name, text)
    assert "\n" not in text and text.count("。") <= 1, (name, text)
    for w in words:
        assert w in text, (name, text)
    if name not in ("a column the sheet does not carry",):
        assert "第 " in text and " 行" in text, (name, text)


def test_a_refused_reply_changes_nothing_and_says_why_in_english(sample, packages, tmp_path):
    reply = edit(packages[SENDER], tmp_path / "reply.xlsx", refusals(sample)[0][1])
    out = tmp_path / "merged.xlsx"
    run = cli("--lang", "en", "packages", str(planning.SAMPLE), "--reply", str(reply), "--sender", SENDER,
              "--out", str(out))
    assert run.returncode == 2 and not out.exists()
    line = run.stderr.strip()
    assert "\n" not in line and line.startswith("reply.xlsx sheet") and "row" in line and OTHER in line
    assert "is not one of 济南市's people" in line
    with pytest.raises(ReplyError, match="另一|不是青岛市的人员"):  # another sender cannot take in 济南市's file
        merge_sender_reply(sample, packages[SENDER], "SD-QD", "zh")


def test_a_reply_holding_other_tables_or_no_nominations_is_refused(sample, packages, tmp_path):
    book = load_workbook(packages[SENDER])
    book.create_sheet("需求订单(orders)").append(["编号(id)"])
    book.save(tmp_path / "more.xlsx")
    with pytest.raises(ReplyError, match="需求订单.*只能包含推荐人选表"):
        merge_sender_reply(sample, tmp_path / "more.xlsx", SENDER, "zh")
    book = load_workbook(packages[SENDER])
    del book[NOMINATIONS_SHEET]
    book.save(tmp_path / "none.xlsx")
    with pytest.raises(ReplyError, match="没有“援派人员"):
        merge_sender_reply(sample, tmp_path / "none.xlsx", SENDER, "zh")
    with pytest.raises(ReplyError, match="不是派出方交回的 .xlsx"):
        merge_sender_reply(sample, planning.SAMPLE, SENDER, "zh")


def test_text_that_looks_like_a_formula_is_kept_as_text(sample, packages, tmp_path):
    """A name typed as ``=HYPERLINK(…)`` (text, Excel's quote prefix) is taken as text and written as text."""
    p = sample.people.set_index("id")
    pid = next(x for x in sender_people(sample, SENDER).people if pd.isna(p.at[x, "nomination"]))
    evil = '=HYPERLINK("http://example.invalid","点我")'

    def change(ws, col):
        c = ws.cell(row_of(ws, col, pid), col["name"])
        c.value = evil
        c.data_type = "s"
        c.quotePrefix = True

    reply = edit(packages[SENDER], tmp_path / "reply.xlsx", change)
    merged = merge_sender_reply(sample, reply, SENDER, "zh")
    assert merged.people.set_index("id").at[pid, "name"] == evil
    out = planning.save_workbook(merged, tmp_path / "merged.xlsx")
    ws = load_workbook(out)["people"]
    cell = next(c for c in ws["B"] if c.value == evil)
    assert cell.data_type == "s"  # a text cell: no spreadsheet runs it


# --------------------------------------------------------------------------- #
# LibreOffice
# --------------------------------------------------------------------------- #
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by make system")
def test_a_package_saved_by_libreoffice_comes_back_unchanged(sample, packages, tmp_path):
    out = tmp_path / "lo"
    src = packages[SENDER]
    run = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                          "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                         capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stderr
    saved = out / src.name
    assert saved.exists(), run.stdout + run.stderr
    merged = merge_sender_reply(sample, saved, SENDER, "zh")
    assert merged.equals(sample)
    nom = load_workbook(saved)[NOMINATIONS_SHEET]
    formulas = {str(d.formula1) for d in nom.data_validations.dataValidation}
    units = sender_people(sample, SENDER).units
    assert any(f.endswith(f"$C$2:$C${len(units) + 1}") for f in formulas), formulas  # its units' dropdown kept
    # and a nomination made in the file LibreOffice saved is taken in
    p = sample.people.set_index("id")
    pid = next(x for x in sender_people(sample, SENDER).people if pd.isna(p.at[x, "nomination"]))
    edited = edit(saved, tmp_path / "edited.xlsx", lambda ws, col: [
        setattr(ws.cell(row_of(ws, col, pid), col["nomination"]), "value", "已推荐"),
        setattr(ws.cell(row_of(ws, col, pid), col["batch"]), "value", "B2027-08")])
    again = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                            "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo2"), str(edited)],
                           capture_output=True, text=True, timeout=180, check=False)
    assert again.returncode == 0, again.stderr
    merged = merge_sender_reply(sample, tmp_path / "lo2" / "edited.xlsx", SENDER, "zh")
    m = merged.people.set_index("id")
    assert (m.at[pid, "nomination"], m.at[pid, "batch"]) == ("nominated", "B2027-08")
    assert m.drop(index=pid).equals(p.drop(index=pid))


def test_the_command_writes_the_senders_named_and_refuses_unknown_ones(tmp_path):
    out = tmp_path / "pk"
    run = cli("packages", str(planning.SAMPLE), "--senders", "--units", "SD-JN,ZJ-HZ-CA", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert sorted(p.name.split("-")[0] for p in out.iterdir()) == ["济南市", "淳安县"]
    assert "2 个派出方" in run.stdout
    run = cli("packages", str(planning.SAMPLE), "--senders", "--units", "H-SCH01", "--out", str(tmp_path / "x"))
    assert run.returncode == 2 and run.stderr.strip() == "找不到这些派出方：H-SCH01"  # a host unit is no sender
    run = cli("packages", str(planning.SAMPLE), "--reply", str(tmp_path / "r.xlsx"), "--sender", SENDER)
    assert run.returncode == 2 and "--out" in run.stderr and not (tmp_path / "x").exists()
