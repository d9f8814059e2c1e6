"""How much input the tool takes before it refuses, and reading compressed data within those bounds.

The limits are generous for a national programme (a million rows per table) and far below what
would exhaust a laptop or a viewer's kernel. Each can be lowered or raised by an environment
variable, read when the limits are asked for.

Examples
--------
>>> from planning.core.limits import limits, inflate
>>> limits().rows >= 1_000_000
True
>>> import zlib
>>> inflate(zlib.compress(b"x" * 10), 100)
b'xxxxxxxxxx'
>>> inflate(zlib.compress(b"x" * 1000), 100) is None
True
"""
from __future__ import annotations

import os
import zlib
from dataclasses import dataclass

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The bounds of one input: bytes on disk, bytes unpacked, rows per table, columns per table."""

    #: Size of one file (a CSV, an .xlsx, an upload), ``PLANNING_MAX_FILE_MB``.
    file_bytes: int = 300 * MB
    #: What an .xlsx (a zip) or a stored payload unpacks to, ``PLANNING_MAX_UNPACKED_MB``.
    unpacked_bytes: int = 1024 * MB
    #: Data rows of one table, ``PLANNING_MAX_ROWS``.
    rows: int = 2_000_000
    #: Columns with a header in one table, ``PLANNING_MAX_COLUMNS``.
    columns: int = 200
    #: Problems listed one by one; beyond this they are counted per column, ``PLANNING_MAX_PROBLEMS``.
    problems: int = 500
    #: Problems listed one by one for one column and one kind of problem.
    problems_per_column: int = 50


def _env(name: str, default: int, scale: int = 1) -> int:
    text = os.environ.get(name, "").strip()
    try:
        value = float(text) if text else None
    except ValueError:
        value = None
    return int(value * scale) if value and value > 0 else default


def limits() -> Limits:
    """The limits in force (the environment read now)."""
    d = Limits()
    return Limits(
        file_bytes=_env("PLANNING_MAX_FILE_MB", d.file_bytes, MB),
        unpacked_bytes=_env("PLANNING_MAX_UNPACKED_MB", d.unpacked_bytes, MB),
        rows=_env("PLANNING_MAX_ROWS", d.rows),
        columns=_env("PLANNING_MAX_COLUMNS", d.columns),
        problems=_env("PLANNING_MAX_PROBLEMS", d.problems),
        problems_per_column=d.problems_per_column,
    )


def inflate(data: bytes, max_bytes: int) -> bytes | None:
    """``zlib``-decompress ``data`` unless it unpacks to more than ``max_bytes`` (then ``None``).

    Never holds more than ``max_bytes`` plus one step of output: a bomb is refused as it unpacks.
    """
    d = zlib.decompressobj()
    out = d.decompress(data, max_bytes + 1)
    if len(out) > max_bytes or d.unconsumed_tail:
        return None
    return out + d.flush()


def zip_unpacked_bytes(path) -> int:
    """What the members of a zip file (an .xlsx) declare they unpack to.

    Python's ``zipfile``, which every .xlsx reader here uses, never inflates a member beyond
    its declared size (it stops and fails the checksum), so this bounds the real memory.
    Raises ``zipfile.BadZipFile`` for a file that is not a zip.
    """
    import zipfile

    with zipfile.ZipFile(path) as z:
        return sum(max(i.file_size, 0) for i in z.infolist())
