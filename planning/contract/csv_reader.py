"""Reading a folder of ``.csv`` files (UTF-8 with or without BOM, GB18030/GBK) into raw tables, in C where it can.
"""
from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.limits import limits
from .columns import CODED, column_specs, header_column, header_lookup
from .problems import Problem, first_line
from .raw import Raw, headless_columns, match_table, repeated_headers, too_big




def _read_csv_bytes(source, dtype: dict | None = None) -> pd.DataFrame:
    # Every cell as text ("" when empty); blank lines are kept as rows so that
    # row numbers stay those of the file (blank rows are dropped afterwards).
    # One chunk (low_memory=False): categories need no merging across chunks.
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    return pd.read_csv(source, dtype=dtype or object, na_filter=False, skip_blank_lines=False,
                       encoding="utf-8", low_memory=not dtype)


def _coded_dtypes(head: bytes, table: str) -> dict[str, str] | None:
    """Per-header dtypes from a CSV's first line: "category" where the contract type is in ``CODED``.

    ``None`` when the header is not simple enough to split here.
    """
    end = len(head)
    for sep in (b"\n", b"\r"):
        i = head.find(sep, 0, end)
        if i >= 0:
            end = i
    if end == len(head) or b'"' in head[:end]:
        return None
    names = head[:end].decode("utf-8").removeprefix("\ufeff").split(",")
    if len(set(names)) < len(names):
        return None  # pandas renames repeated headers
    specs = dict(column_specs(table))
    lookup = header_lookup(table)
    dtype = {h: "category" if (c := header_column(lookup, h)) and specs[c]["type"] in CODED else object
             for h in names}
    return dtype if "category" in dtype.values() else None


def _text_categories(frame: pd.DataFrame, dtype: dict, table: str) -> bool:
    """Whether the categories the parser made are still the cells' text.

    The parser turns all-numeric categories into numbers (losing e.g. "01") and
    true/false spellings into booleans; the latter are fine for a bool column.
    """
    specs = dict(column_specs(table))
    lookup = header_lookup(table)
    for h, d in dtype.items():
        if d != "category":
            continue
        cats = frame[h].cat.categories
        if cats.dtype == object or isinstance(cats.dtype, pd.StringDtype):
            continue
        if cats.dtype == bool and specs[header_column(lookup, h)]["type"] == "bool":
            continue  # read back as "true" / "false" (see ``Raw.factorized``)
        return False
    return True


class Scanner(io.RawIOBase):
    """A binary file that checks, as the parser reads it, whether the CSV is plain (see ``plain_utf8``)."""

    def __init__(self, f):
        self._f = f
        self._tail = b""  # the last bytes of a block when a lead byte there lacks its continuation
        self.plain = True
        self.quote = False  # a "'" somewhere: a cell may carry the escape of ``core.text.csv_cell``

    def readable(self):
        return True

    def readinto(self, b) -> int:
        n = self._f.readinto(b)
        if n and not self.quote:
            self.quote = bool((np.frombuffer(b, dtype=np.uint8, count=n) == 0x27).any())
        if n and self.plain:
            new = np.frombuffer(b, dtype=np.uint8, count=n)
            low = new[new <= 0x22]
            if not ((low == 0x0A) | (low == 0x0D) | (low == 0x21)).all() or (new == 0x7F).any():
                self.plain = False  # white space, a quote or a control character: trim and look at the cells
                return n
            a = np.frombuffer(self._tail + bytes(b[:n]), dtype=np.uint8) if self._tail else new
            self._tail = b""
            lead = np.flatnonzero((a - np.uint8(0xC2)) <= 0xE3 - 0xC2)  # lead bytes 0xC2..0xE3
            if lead.size and lead[-1] >= len(a) - 2:  # finish those with the next block
                late = lead >= len(a) - 2
                self._tail = bytes(a[lead[late][0]:])
                lead = lead[~late]
            if lead.size and _unicode_space(a, lead):
                self.plain = False
        return n

    def finish(self) -> bool:
        """Whether the whole file was plain (call once the parser has read it all)."""
        if self.plain and self._tail:
            a = np.frombuffer(self._tail + b"\0\0", dtype=np.uint8)
            self.plain = not _unicode_space(a, np.flatnonzero((a - np.uint8(0xC2)) <= 0xE3 - 0xC2))
        return self.plain


class _NotText(Exception):
    """A CSV file that is neither UTF-8 nor GB18030 text; ``row`` is the first line that is not UTF-8."""

    def __init__(self, row: int):
        self.row = row
        super().__init__(row)


def _read_csv_file(path: Path, table: str) -> tuple[pd.DataFrame, bool, bool]:
    """A CSV file as text cells, decoded as UTF-8 (with or without BOM) or else GB18030.

    Also returns whether the file is *plain* (no cell can start or end with white
    space, nor hold a control character) and whether it holds a quote ``'`` anywhere
    (a cell may carry the escape of :func:`planning.core.text.csv_cell`). Columns
    converted once per distinct text come as categories.
    """
    with open(path, "rb") as f:
        head = f.read(1 << 16)
        f.seek(0)
        if not head.startswith(codecs.BOM_UTF8 * 2):
            try:
                dtype = _coded_dtypes(head, table)
                scanner = Scanner(f)
                frame = _read_csv_bytes(scanner, dtype)
            except UnicodeDecodeError:
                pass  # not UTF-8: GB18030 below
            else:
                if dtype and not _text_categories(frame, dtype, table):
                    f.seek(0)
                    frame = _read_csv_bytes(f)
                return frame, scanner.finish(), scanner.quote
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8 * 2):
        data = data[3:]  # decoding "utf-8-sig" drops one BOM, the C parser one more
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as utf8:
        if data.startswith(codecs.BOM_UTF8):  # a UTF-8 mark on GBK text (an editor's habit): the text decides
            data = data[3:]
        try:
            data = data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError:  # neither: name the first line that is not UTF-8 text
            raise _NotText(data.count(b"\n", 0, utf8.start) + 1) from None
    dtype = _coded_dtypes(data[:1 << 16], table)
    frame = _read_csv_bytes(data, dtype)
    if dtype and not _text_categories(frame, dtype, table):
        frame = _read_csv_bytes(data)
    return frame, plain_utf8(data), b"'" in data


def plain_utf8(data: bytes) -> bool:
    """True when no cell of this UTF-8 CSV can have surrounding white space.

    That holds when the bytes hold no quote (an unquoted cell cannot contain a
    line break), no ASCII white space or control byte other than the line
    breaks, and none of the other characters ``str.strip`` removes. Then the
    cells need no trimming. A ``False`` only means "trim to find out".
    """
    if b'"' in data:
        return False
    a = np.frombuffer(data, dtype=np.uint8)
    low = a[a <= 0x20]
    if not ((low == 0x0A) | (low == 0x0D)).all() or (a == 0x7F).any():
        return False
    lead = (a - np.uint8(0xC2)) <= 0xE3 - 0xC2  # lead bytes 0xC2..0xE3
    return not (lead.any() and _unicode_space(a, np.flatnonzero(lead)))


def _unicode_space(a: np.ndarray, lead: np.ndarray) -> bool:
    """Whether a UTF-8 sequence starting at one of ``lead`` is a white space ``str.strip`` removes."""
    n = len(a) - 1
    b0, b1, b2 = a[lead], a[np.minimum(lead + 1, n)], a[np.minimum(lead + 2, n)]
    space = (b0 == 0xC2) & ((b1 == 0x85) | (b1 == 0xA0))  # U+0085, U+00A0
    space |= (b0 == 0xE1) & (b1 == 0x9A) & (b2 == 0x80)  # U+1680
    space |= (b0 == 0xE2) & (b1 == 0x80) & ((b2 <= 0x8A) | (b2 == 0xA8) | (b2 == 0xA9) | (b2 == 0xAF))
    space |= (b0 == 0xE2) & (b1 == 0x81) & (b2 == 0x9F)  # U+205F
    space |= (b0 == 0xE3) & (b1 == 0x80) & (b2 == 0x80)  # U+3000
    return bool(space.any())


def read_folder(path: Path) -> tuple[list[Raw], list[Problem], list[Problem]]:
    lim = limits()
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and not p.name.startswith("~$"))
    by_table: dict[str, list[Path]] = {}
    for f in files:
        table = match_table(f.stem)
        if table is not None:
            by_table.setdefault(table, []).append(f)
    raws, problems, notes = [], [], []
    for table, found in by_table.items():
        if len(found) > 1:
            problems.append(Problem(str(path.name or path), table, None, None, None, "two_sources",
                                    (("names", "|".join(f.name for f in found)), ("table", table))))
            continue
        f = found[0]
        try:
            size = f.stat().st_size
            if size > lim.file_bytes:
                problems.append(too_big(f.name, size, lim.file_bytes))
                continue
            head = _csv_header(f)
            if head is not None:
                named = [h for h in head if h.strip()]
                if len(named) > lim.columns:
                    problems.append(Problem(f.name, table, None, None, None, "too_many_columns",
                                            (("limit", lim.columns), ("n", len(named)))))
                    continue
                problems += repeated_headers(head, f.name, table, None)
                below = _header_below_title(f, table, head)
                if below is not None:  # a title row above the header: one sentence, not one per cell
                    problems.append(Problem(f.name, table, None, None, None, "header_below_title",
                                            (("row", below),)))
                    continue
            frame, plain, quote = _read_csv_file(f, table)
        except _NotText as e:
            problems.append(Problem(f.name, table, e.row, None, None, "not_text"))
            continue
        except pd.errors.ParserError as e:
            m = re.search(r"(?:string starting at|row|line) (\d+)", str(e))
            if m and "starting at row" in str(e):  # the parser counts the header as row 0
                problems.append(Problem(f.name, table, int(m.group(1)) + 1, None, None, "open_quote"))
            elif m:  # "Expected 3 fields in line 7, saw 4": lines counted from 1
                problems.append(Problem(f.name, table, int(m.group(1)), None, None, "extra_cells"))
            else:
                problems.append(Problem(f.name, table, None, None, None, "unreadable", (("detail", first_line(e)),)))
            continue
        except (pd.errors.EmptyDataError, UnicodeError, ValueError, OSError) as e:
            problems.append(Problem(f.name, table, None, None, None, "unreadable", (("detail", first_line(e)),)))
            continue
        if len(frame) > lim.rows:
            problems.append(Problem(f.name, table, None, None, None, "too_many_rows",
                                    (("limit", f"{lim.rows:,}"), ("n", f"{len(frame):,}"))))
            continue
        frame, dropped = headless_columns(frame, head)
        for letter, n in dropped:
            notes.append(Problem(f.name, table, None, None, None, "no_header", (("letter", letter), ("n", n))))
        raws.append(Raw(table, f.name, frame, plain=plain, escaped=quote))
    if not raws and not problems:
        problems.append(Problem(str(path), "", None, None, None, "no_tables"))
    return raws, problems, notes


def _header_below_title(f: Path, table: str, head: list[str]) -> int | None:
    """The file row of the header when title rows sit above it (see ``columns.header_found_below``)."""
    import csv

    from .columns import HEADER_SEARCH_ROWS, header_found_below

    if not _lacks_required(table, head):
        return None
    with open(f, "rb") as fh:
        data = fh.read(1 << 16)
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:  # cut inside a character at the end, or GBK text
        text = data[:e.start].decode("utf-8") if e.start >= len(data) - 3 else data.decode("gb18030", "replace")
    lines = text.splitlines()[1:HEADER_SEARCH_ROWS + 1]
    return header_found_below(table, head, {i + 2: cells for i, cells in enumerate(csv.reader(lines))})


def _lacks_required(table: str, head: list[str]) -> bool:
    from .columns import header_column, header_lookup
    from . import schema

    lookup = header_lookup(table)
    named = {header_column(lookup, h) for h in head if h.strip()}
    return any(row["required"] and c not in named for c, row in schema.column_specs(table))


def _csv_header(f: Path) -> list[str] | None:
    """The header cells of a CSV as written (pandas renames repeats, so they are read here), or None."""
    import csv

    with open(f, "rb") as fh:
        head = fh.read(1 << 20)
    end = min((i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0), default=len(head))
    head = head[:end]
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = (head[3:] if enc == "gb18030" and head.startswith(codecs.BOM_UTF8) else head).decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    text = text.lstrip("\ufeff")
    line = text.splitlines()[0] if text else ""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return None
