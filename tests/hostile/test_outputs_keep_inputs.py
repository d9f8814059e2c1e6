"""Outputs never destroy inputs: a report written over its own workbook (directly, through a link or
a hard link, or into its CSV folder) is refused in one sentence and the workbook is left as it was;
a file replaced keeps its permissions; a link that points nowhere is not followed out of the folder."""
import os
import shutil
import stat

import pytest

import planning


@pytest.fixture
def zh(monkeypatch):
    monkeypatch.setenv("PLANNING_LANG", "zh")


@pytest.fixture(scope="module")
def sample_xlsx(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "wb.xlsx"
    planning.save_workbook(planning.load_workbook(planning.SAMPLE), path, headers="zh")
    return path


def run(capsys, *argv):
    from planning.cli import main

    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def snapshot(path):
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return path.read_bytes()


@pytest.fixture
def workbook(tmp_path, sample_xlsx):
    wb = tmp_path / "wb.xlsx"
    shutil.copy(sample_xlsx, wb)
    return wb


def out_args(command, target):
    return {"report": ["--out", target], "gaps": ["--out", target],
            "allocate": ["--out", target, "--time-limit", "20"]}[command]


@pytest.mark.parametrize("command", ["report", "gaps", "allocate"])
def test_an_output_named_as_its_input_is_refused(zh, capsys, workbook, command):
    before = snapshot(workbook)
    code, out, err = run(capsys, command, workbook, *out_args(command, workbook))
    assert code == 2 and "就是输入的工作簿" in err and str(workbook) in err and "Traceback" not in err
    assert snapshot(workbook) == before
    planning.load_workbook(workbook)


@pytest.mark.parametrize("how", ["symlink", "hardlink", "dotted"])
def test_an_output_that_resolves_to_its_input_is_refused(zh, capsys, workbook, tmp_path, how):
    other = tmp_path / "out" / "report.xlsx"
    other.parent.mkdir()
    if how == "symlink":
        os.symlink(workbook, other)
    elif how == "hardlink":
        os.link(workbook, other)
    else:
        other = tmp_path / "out" / ".." / "wb.xlsx"
    before = snapshot(workbook)
    code, _, err = run(capsys, "report", workbook, "--out", other)
    assert code == 2 and "就是输入的工作簿" in err
    assert snapshot(workbook) == before


def test_an_output_inside_the_input_csv_folder_is_refused(zh, capsys, tmp_path):
    """A folder workbook is its files: a report written among them changes the input."""
    folder = tmp_path / "wb"
    shutil.copytree(planning.SAMPLE, folder)
    before = snapshot(folder)
    for command in ("report", "gaps"):
        code, _, err = run(capsys, command, folder, "--out", folder / "report.xlsx")
        assert code == 2 and "就是输入的工作簿" in err
    code, _, err = run(capsys, "report", folder, "--html", folder / "people.csv.html")
    assert code == 2 and "就是输入的工作簿" in err
    assert snapshot(folder) == before


def test_a_reply_merged_over_its_workbook_is_refused(zh, capsys, workbook):
    before = snapshot(workbook)
    code, _, err = run(capsys, "packages", workbook, "--reply", workbook, "--unit", "H-SCH01", "--out", workbook)
    assert code == 2 and "就是输入的工作簿" in err
    assert snapshot(workbook) == before


def test_a_file_replaced_keeps_its_permissions(zh, capsys, workbook, tmp_path):
    """A private report (0600) written again through a link stayed readable by everyone (0644)."""
    private = tmp_path / "private" / "report.xlsx"
    private.parent.mkdir()
    private.write_bytes(b"old")
    os.chmod(private, 0o600)
    link = tmp_path / "link.xlsx"
    os.symlink(private, link)
    code, out, err = run(capsys, "report", workbook, "--out", link)
    assert code == 0, err
    assert link.is_symlink() and private.read_bytes()[:2] == b"PK"  # the target was written, the link kept
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_a_link_that_points_nowhere_is_not_followed(zh, capsys, workbook, tmp_path):
    outside = tmp_path / "elsewhere" / "made.xlsx"
    outside.parent.mkdir()
    link = tmp_path / "out.xlsx"
    os.symlink(outside, link)
    code, _, err = run(capsys, "report", workbook, "--out", link)
    assert code == 2 and "链接" in err and str(outside) in err
    assert not outside.exists()
    code, _, err = run(capsys, "--lang", "en", "report", workbook, "--out", link)
    assert code == 2 and "is a link to" in err
