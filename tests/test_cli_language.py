"""The command line speaks its reader's language and says what it leaves out; `planning serve` opens
on the overview and leaves nothing behind."""
import argparse
import urllib.request

import pytest

import planning
from planning.core.i18n import TEXT


@pytest.fixture
def zh(monkeypatch):
    monkeypatch.setenv("PLANNING_LANG", "zh")


def run(capsys, *argv):
    from planning.cli import main

    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def has_latin_words(text: str) -> bool:
    """An English phrase (three words in a row) in a help text: option names and values are single words."""
    import re

    return re.search(r"\b[A-Za-z]+ [a-z]+ [a-z]+\b", text) is not None


def test_help_is_chinese_by_default_and_english_on_request(zh, capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert out.startswith("用法：planning") and "显示本帮助并退出" in out and "检查工作簿" in out
    assert "usage:" not in out and "show this help" not in out
    code, out, _ = run(capsys, "--lang", "en", "--help")
    assert out.startswith("usage: planning") and "show this help message and exit" in out
    assert "用法" not in out


@pytest.mark.parametrize("argv, zh_words, en_words", [
    (["gaps"], "缺少必需的参数：path", "the following arguments are required: path"),
    (["gaps", "x", "--by", "town"], "无效的选项值：'town'", "invalid choice: 'town'"),
    (["checkk", "x"], "无效的选项值：'checkk'", "invalid choice: 'checkk'"),
    (["check", "x", "--what"], "无法识别的参数：--what", "unrecognized arguments: --what"),
    (["gaps", "x", "--top", "many"], "无效的int值：'many'", "invalid int value: 'many'"),
])
def test_usage_errors_in_the_readers_language(zh, capsys, argv, zh_words, en_words):
    code, out, err = run(capsys, *argv)
    assert code == 2 and zh_words in err and "错误：" in err and "用法：" in err and "error:" not in err
    code, out, err = run(capsys, "--lang", "en", *argv)
    assert code == 2 and en_words in err and "error:" in err and "用法" not in err


def test_every_command_and_option_has_its_words_in_both_languages():
    """A command or option added without its words would show English help on a Chinese screen."""
    from planning.cli import build_parser
    from planning.cli_words import help_key

    missing = []

    def walk(parser, command=""):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if help_key(command, choice.dest) not in TEXT:
                        missing.append(help_key(command, choice.dest))
                for name, sub in action.choices.items():
                    walk(sub, f"{command} {name}".strip())
            elif action.dest != "help" and action.help != argparse.SUPPRESS:
                if not any(k in TEXT for k in (help_key(command, action.dest), help_key("any", action.dest))):
                    missing.append(help_key(command, action.dest))

    walk(build_parser())
    assert not missing, missing


@pytest.mark.parametrize("command", ["check", "gaps", "allocate", "packages", "office add-user", "serve"])
def test_each_commands_help_has_no_english_sentences(zh, capsys, command):
    code, out, _ = run(capsys, *command.split(), "--help")
    assert code == 0 and out.startswith("用法：")
    assert not has_latin_words(out.split("\n\n", 1)[1]), out


def test_check_says_it_passed_with_its_reminders_counted(zh, capsys):
    """'passed, no problems' above two reminders was a contradiction: the count is the lines below it."""
    from planning.programme.eligibility import blocked_by_pairings
    from planning.programme.network import unpaired_host_units

    wb = planning.load_workbook(planning.SAMPLE)
    expected = len(wb.notes) + len(unpaired_host_units(wb)) + len(blocked_by_pairings(wb))
    assert expected >= 2  # the sample has an uncovered host unit and seats nobody can fill
    code, out, _ = run(capsys, "check", str(planning.SAMPLE))
    first = out.splitlines()[0]
    assert code == 0 and f"有 {expected} 条提醒" in first and "没有发现问题" not in first
    code, out, _ = run(capsys, "--lang", "en", "check", str(planning.SAMPLE))
    assert f"{expected} reminders" in out.splitlines()[0]


def test_check_of_a_workbook_without_reminders_says_no_problems(zh, capsys, tmp_path):
    assert run(capsys, "template", str(tmp_path / "t.xlsx"))[0] == 0
    code, out, _ = run(capsys, "check", str(tmp_path / "t.xlsx"))
    assert code == 0 and out.splitlines()[0] == TEXT["summary.ok"]["zh"]


def test_gaps_says_when_it_prints_only_the_first_rows(zh, capsys):
    from planning.core.clock import today
    from planning.programme.coverage import largest_gaps

    wb = planning.load_workbook(planning.SAMPLE)
    total = len(largest_gaps(wb, today().to_period("M").to_timestamp(), by="unit", n=None))
    assert total > 5
    code, out, _ = run(capsys, "gaps", str(planning.SAMPLE), "--top", "5")
    assert code == 0 and f"前 5 项，共 {total} 项" in out
    code, out, _ = run(capsys, "gaps", str(planning.SAMPLE), "--top", str(total))
    assert "前 " not in out  # nothing left out: nothing said


@pytest.mark.parametrize("top", ["-5", "0"])
def test_gaps_refuses_a_count_of_rows_that_is_not_positive(zh, capsys, top):
    code, out, err = run(capsys, "gaps", str(planning.SAMPLE), "--top", top)
    assert code == 2 and f"--top 应为正整数" in err and top in err and out == ""


def test_serve_opens_on_the_overview_and_removes_its_folder(tmp_path, monkeypatch):
    """`/` was Voila's English file list; each start left a planning-voila-* folder in the temp directory."""
    from conftest import serve, stop

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    proc, url, log = serve(["--pool", "0"], log_name="voila-front-door.log")
    try:
        assert [p.name for p in tmp_path.glob("planning-voila-*")]  # its template, while it serves
        front = urllib.request.urlopen(url + "/", timeout=30).read().decode()
        assert "voila/render/overview.ipynb" in front and "Voil" not in front and "https://" not in front
        missing = urllib.request.Request(url + "/voila/render/nothing-here.ipynb")
        try:
            urllib.request.urlopen(missing, timeout=30)
            raise AssertionError("a page that does not exist was served")
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            assert e.code == 404 and "找不到这个页面" in body and "Jupyter" not in body
    finally:
        stop(proc, log)
    assert not list(tmp_path.glob("planning-voila-*"))


def test_the_catalogue_names_each_text_once():
    """Two rows with one key: the later silently wins (merged branches append to the catalogue)."""
    import collections
    import csv
    from pathlib import Path

    with open(Path(planning.__file__).parent / "core" / "i18n.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    twice = [k for k, n in collections.Counter(r["key"] for r in rows).items() if n > 1]
    assert not twice, twice
    assert all(r["zh"].strip() and r["en"].strip() for r in rows)
