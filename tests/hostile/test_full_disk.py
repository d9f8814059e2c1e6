"""A full disk is one sentence and leaves nothing behind: no "Exception ignored in ZipFile.__del__" with a
traceback after it (a real small disk: a 64 KB tmpfs, mounted for the test)."""
import os
import subprocess
import sys

import pytest

import planning


@pytest.fixture
def full_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root (CI runs as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"this machine cannot mount a tmpfs: {done.stderr.decode(errors='replace').strip()}")
    (disk / "filler").write_bytes(b"x" * 56 * 1024)  # a few KB left: no workbook fits
    yield disk
    subprocess.run(["umount", str(disk)], check=False)


@pytest.mark.parametrize("argv", [["report", str(planning.SAMPLE), "--out", "{disk}/r.xlsx"],
                                  ["gaps", str(planning.SAMPLE), "--out", "{disk}/g.xlsx"],
                                  ["template", "{disk}/t.xlsx"]])
def test_a_full_disk_is_one_sentence(full_disk, argv):
    argv = [a.format(disk=full_disk) for a in argv]
    done = subprocess.run([sys.executable, "-m", "planning.cli", *argv], capture_output=True, text=True,
                          env={**os.environ, "PLANNING_LANG": "zh"}, timeout=300)
    assert done.returncode == 2
    assert "磁盘已满" in done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert [p.name for p in full_disk.iterdir()] == ["filler"]  # nothing half-written left
