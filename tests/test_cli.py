"""The command line: planning allocate writes the plan and rosters, and says what is wrong in a sentence."""
import pytest

import planning



@pytest.fixture
def cli_env(monkeypatch):
    """``planning.cli.main`` sets PLANNING_LANG; restore it after each test."""
    monkeypatch.setenv("PLANNING_LANG", "zh")


def test_cli_allocate_writes_plan_and_rosters(tmp_path, capsys, cli_env):
    from openpyxl import load_workbook

    from planning.cli import main

    out = tmp_path / "plan.xlsx"
    assert main(["allocate", str(planning.SAMPLE), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "方案：这是最好的方案" in text and "数字越大越优先" in text and "优先级 4" in text and "空缺原因" in text
    book = load_workbook(out)
    for name in ("派遣名单-按派出城市", "派遣名单-按受援单位", "派遣名单-按组团"):
        ws = book[name]
        assert ws.freeze_panes == "A2" and ws.max_row > 300
        assert ws.column_dimensions["A"].width >= 8
    assert book["派遣名单-按派出城市"]["A1"].value == "派出城市"
    by_host = book["派遣名单-按受援单位"]
    col = [c.value for c in by_host[1]].index("状态") + 1
    statuses = {by_host.cell(r, col).value for r in range(2, by_host.max_row + 1)}
    assert "人员编号" not in [c.value for c in by_host[1]]  # people by name: no ids in a roster
    assert book.sheetnames[0] == "派遣名单-按派出城市"  # the file opens on the rosters
    assert {"本次安排", "在岗"} <= statuses
    team = book["派遣名单-按组团"]
    first = [(team.cell(r, 1).value, team.cell(r, 2).value) for r in range(2, team.max_row + 1)]
    by_team = {}
    for tm, role in first:
        by_team.setdefault(tm, []).append(role)
    assert all(roles.index("组长") == 0 for roles in by_team.values() if "组长" in roles)
    back = planning.load_workbook(out)
    assert len(back.assignments) > len(planning.load_workbook(planning.SAMPLE).assignments)
    # the data sheets in the template's form: 中文(english) headers and Chinese values, as packages write them
    from planning.contract import schema

    ws = book[schema.template_sheet("assignments")]
    header = [c.value for c in ws[1]]
    assert header[0] == schema.template_header("assignments", "person")
    values = {c.value for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    assert not values & {"planned", "active", "True", "False", "cadre"}, values & {"planned", "active"}
    assert "assignments" not in book.sheetnames and "people" not in book.sheetnames


def test_cli_allocate_english_and_window(capsys, cli_env):
    from planning.cli import main

    assert main(["allocate", str(planning.SAMPLE), "--window", "2027-01-01:2027-06-30", "--lang", "en",
                 "--time-limit", "60"]) == 0
    text = capsys.readouterr().out
    assert "By priority (the higher the number the more urgent)" in text and "Plan: This is the best plan" in text


@pytest.mark.parametrize("argv, needle", [
    (["--window", "2027-13-01:"], "--window"),
    (["--window", "2027-01-01"], "--window"),
    (["--out", "plan.csv"], ".xlsx"),
    (["--time-limit", "-1"], "time limit"),
    (["--window", "9999-01-01:"], "--window"),
    (["--planning-date", "1600-01-01"], "dispatch date"),
    (["--planning-date", "明年"], "dispatch date"),
    (["--planning-date", "2025-01-01"], "planning date 2025-01-01 is not valid"),  # before today: said by the library
])
def test_cli_allocate_bad_input(argv, needle, capsys, cli_env):
    from planning.cli import main

    assert main(["--lang", "en", "allocate", str(planning.SAMPLE)] + argv) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_cli_allocate_broken_workbook(tmp_path, capsys, cli_env):
    from planning.cli import main

    assert main(["allocate", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "不存在" in err and "Traceback" not in err


def test_cli_output_cut_short_by_a_pipe_is_no_traceback():
    """``planning summary PATH | head -3``: the reader stops early, the command stops quietly."""
    import subprocess
    import sys

    cmd = f"{sys.executable} -m planning.cli summary {planning.SAMPLE} | head -1"
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    assert out.returncode == 0 and "Traceback" not in out.stderr and "BrokenPipe" not in out.stderr, out.stderr
    assert out.stdout.strip()


@pytest.mark.parametrize("port", ["99999", "0", "-1", "abc", "8866.5"])
def test_serve_refuses_a_port_that_cannot_be(port):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "planning.cli", "serve", "--port", port], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "端口应为 1 到 65535" in r.stderr and "Traceback" not in r.stderr
    assert "仪表盘地址" not in r.stdout  # it never says it listens anywhere


def test_a_malformed_store_address_never_shows_its_password():
    from planning.scenarios.store import StoreError, open_store

    for url in ["postgresql+psycopg://planner:s3cret-pw@db:notaport/planning",
                "postgresql://planner:s3cret-pw@[bad/planning", "nosuch://planner:s3cret-pw@db/planning"]:
        with pytest.raises(StoreError) as e:
            open_store(url, lang="en")
        assert "s3cret-pw" not in str(e.value) and "***" in str(e.value)


def test_cli_allocate_dates_new_postings_on_the_dispatch_date(tmp_path, capsys, cli_env):
    """``--planning-date``: the batch leaves on its dispatch day, and every new posting starts then (or later)."""
    from planning.cli import main

    out = tmp_path / "plan.xlsx"
    assert main(["allocate", str(planning.SAMPLE), "--planning-date", "2027-03-01", "--out", str(out)]) == 0
    before = planning.load_workbook(planning.SAMPLE).assignments
    back = planning.load_workbook(out).assignments
    new = back.iloc[len(before):]
    assert len(new) and (new["start"] >= "2027-03-01").all()
