"""Outputs the command line cannot write: one sentence in the reader's language, exit 2, nothing half-written."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import planning

SAMPLE = str(planning.SAMPLE)

#: command → argv with OUT where the output path goes
COMMANDS = {
    "gaps": ["gaps", SAMPLE, "--out", "OUT"],
    "allocate": ["allocate", SAMPLE, "--out", "OUT"],
    "report": ["report", SAMPLE, "--out", "OUT"],
    "html": ["report", SAMPLE, "--html", "OUT"],
    "template": ["template", "OUT"],
}
SUFFIX = {"html": ".html"}


@pytest.fixture
def cli_env(monkeypatch):
    """``planning.cli.main`` sets PLANNING_LANG; restore it after each test."""
    monkeypatch.setenv("PLANNING_LANG", "zh")


def run(argv, out, lang="en"):
    from planning.cli import main

    return main(["--lang", lang] + [str(out) if a == "OUT" else a for a in argv])


def files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_file_in_the_way_of_a_folder(command, tmp_path, capsys, cli_env):
    (tmp_path / "notes.txt").write_text("keep")
    out = tmp_path / "notes.txt" / ("out" + SUFFIX.get(command, ".xlsx"))
    assert run(COMMANDS[command], out) == 2
    err = capsys.readouterr().err
    assert f"Cannot write {out}: part of the path is a file, not a folder." in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert files(tmp_path) == ["notes.txt"] and (tmp_path / "notes.txt").read_text() == "keep"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_folder_where_the_file_goes(command, tmp_path, capsys, cli_env):
    out = tmp_path / ("out" + SUFFIX.get(command, ".xlsx"))
    out.mkdir()
    assert run(COMMANDS[command], out) == 2
    err = capsys.readouterr().err
    assert f"Cannot write {out}: a folder of that name is there." in err and "Traceback" not in err
    assert files(tmp_path) == [out.name]  # the folder, empty: no temporary file left beside it


@pytest.mark.parametrize("command", ["gaps", "report", "html"])
def test_a_missing_folder(command, tmp_path, capsys, cli_env):
    out = tmp_path / "no" / "such" / ("out" + SUFFIX.get(command, ".xlsx"))
    assert run(COMMANDS[command], out) == 2
    err = capsys.readouterr().err
    assert f"Cannot write {out}: the folder does not exist." in err and "Traceback" not in err
    assert files(tmp_path) == []


def _full_disk(monkeypatch):
    """Every .xlsx save writes a few bytes, then finds the disk full."""
    from openpyxl import Workbook

    def save(self, filename):
        if hasattr(filename, "write"):
            filename.write(b"PK\x03\x04 half")
        else:
            with open(filename, "wb") as f:
                f.write(b"PK\x03\x04 half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Workbook, "save", save)
    from planning.outputs.excel import XlsxBook  # the packages' writer

    def write_file(self, data):
        with open(self.path, "wb") as f:
            f.write(data[:8])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(XlsxBook, "write_file", write_file)


@pytest.mark.parametrize("command", ["gaps", "allocate", "report", "template"])
def test_a_full_disk_leaves_the_old_file_as_it_was(command, tmp_path, capsys, monkeypatch, cli_env):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"the previous file")
    _full_disk(monkeypatch)
    assert run(COMMANDS[command], out) == 2
    err = capsys.readouterr().err
    assert f"Cannot write {out}: the disk is full." in err and "Traceback" not in err
    assert files(tmp_path) == ["out.xlsx"] and out.read_bytes() == b"the previous file"


def test_packages_a_full_disk_and_a_file_in_the_way(tmp_path, capsys, monkeypatch, cli_env):
    (tmp_path / "notes.txt").write_text("keep")
    argv = ["packages", SAMPLE, "--units", "H-SCH01", "--out", "OUT"]
    assert run(argv, tmp_path / "notes.txt") == 2
    err = capsys.readouterr().err
    assert "part of the path is a file, not a folder" in err and "Traceback" not in err
    _full_disk(monkeypatch)
    assert run(argv, tmp_path / "pk") == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and "Traceback" not in err
    assert files(tmp_path) == ["notes.txt", "pk"]  # the folder, and no half-written package in it


def test_chinese_sentence(tmp_path, capsys, cli_env):
    (tmp_path / "notes.txt").write_text("keep")
    out = tmp_path / "notes.txt" / "gaps.xlsx"
    assert run(COMMANDS["gaps"], out, lang="zh") == 2
    err = capsys.readouterr().err
    assert f"无法写入 {out}：路径中有一段是文件而不是文件夹。" in err and "Traceback" not in err


def unprivileged(fn):
    """``fn()`` in a child process that runs as the user ``nobody`` when this one is root (as CI runs the tests);
    returns its exit code and what it wrote to stderr.

    Root writes into any folder, so a folder without permission refuses only an
    ordinary user. The child is forked after the modules were imported (it need not
    read the Python installation, which may sit in root's home), then gives up root.
    """
    import io
    import sys

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            os.close(r)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            sys.stderr = io.StringIO()
            code = fn()
            os.write(w, sys.stderr.getvalue().encode())
        except BaseException as e:  # noqa: BLE001 - reported to the parent as text
            os.write(w, f"child failed: {e!r}".encode())
        finally:
            os._exit(code if isinstance(code, int) else 70)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        err = f.read().decode()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), err


def test_a_folder_without_permission(capsys, cli_env):
    """A folder the user may read but not write: one sentence, nothing written; as root too (as ``nobody``)."""
    import shutil
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="planning-unwritable-"))  # pytest's tmp_path is root's alone (0700)
    try:
        top.chmod(0o755)
        open_ = top / "open"
        open_.mkdir(mode=0o777)
        open_.chmod(0o777)
        locked = top / "locked"
        locked.mkdir()
        locked.chmod(0o555)  # read and enter, not write; nobody owns it
        argv = COMMANDS["template"]  # reads nothing: only the folder written into matters
        # first here, as this user: imports what the command needs, which the child may not be able to read
        assert run(argv, top / "warm.xlsx") == 0
        (top / "warm.xlsx").unlink()
        capsys.readouterr()
        # the same user writes the same file into an open folder: only the folder's permission differs
        assert unprivileged(lambda: run(argv, open_ / "r.xlsx")) == (0, "")
        assert (open_ / "r.xlsx").stat().st_size > 0
        code, err = unprivileged(lambda: run(argv, locked / "r.xlsx"))
        assert code == 2, err
        assert err.strip() == f"Cannot write {locked / 'r.xlsx'}: you may not write there.", err
        assert files(locked) == []
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_permission_refused_while_writing(tmp_path, capsys, monkeypatch, cli_env):
    from openpyxl import Workbook

    def save(self, filename):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(Workbook, "save", save)
    out = tmp_path / "plan.xlsx"
    assert run(COMMANDS["allocate"], out) == 2
    err = capsys.readouterr().err
    assert f"Cannot write {out}: you may not write there." in err and "Traceback" not in err
    assert files(tmp_path) == []


@pytest.mark.parametrize("code, words", [
    (errno.EROFS, "the disk is read-only"), (errno.ENAMETOOLONG, "the file name or path is too long"),
    (errno.EDQUOT, "the disk is full"), (errno.EIO, os.strerror(errno.EIO)),
])
def test_reasons_in_words(code, words):
    from planning.cli import write_failed

    assert write_failed("x.xlsx", OSError(code, os.strerror(code)), "en") == f"Cannot write x.xlsx: {words}."


def test_written_output_is_whole_and_alone(tmp_path, capsys, cli_env):
    """The success path: the file is where it was asked for, and no temporary file is left beside it."""
    out = tmp_path / "gaps.xlsx"
    assert run(COMMANDS["gaps"], out) == 0
    assert files(tmp_path) == ["gaps.xlsx"]
    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames
