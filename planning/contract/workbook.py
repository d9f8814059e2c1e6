"""Load, validate and save workbooks (the data contract, v1).

A workbook is one ``.xlsx`` file with a sheet per table, or a folder with one
``.csv`` per table. Headers may be the contract's English names, its Chinese
names, or the template's ``中文(english)`` headers. Loading is all-or-nothing:
every problem is collected and raised together as :class:`WorkbookError`.

The pipeline is: read raw text → map headers → convert and check each column
(vectorised) → check ids and references across tables → return typed tables.

Examples
--------
>>> import planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> sorted(wb.people.columns[:4])
['category', 'id', 'name', 'sending_unit']
>>> wb.orders["start"].dtype.kind
'M'
"""
from __future__ import annotations

import codecs
import datetime
import io
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from ..core.clock import EARLIEST, LATEST, OPEN_END, OPEN_END_TEXT
from ..core.limits import limits, zip_unpacked_bytes
from ..core.text import CONTROL, csv_uncell_array
from .grid_rules import check_grid
from ..core.i18n import default_lang, t

TRUE = {"true", "yes", "y", "t", "1", "是", "对", "√", "1.0"}
FALSE = {"false", "no", "n", "f", "0", "否", "不", "×", "0.0"}
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


# --------------------------------------------------------------------------- #
# problems
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Problem:
    """One thing wrong with a workbook, located as the planner sees it.

    ``row`` is the row number in the file or sheet (the header is row 1), or
    ``None`` for a problem with a whole table or column. ``column`` is the
    header as written in the file.
    """

    source: str
    table: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    params: tuple = ()
    sheet: str | None = None  # the sheet of an .xlsx file, as named in the file
    held: bool = False  # a table held in memory (validate_workbook): named by the table, in the reader's language

    @property
    def message(self) -> str:
        return self.sentence(default_lang())

    def sentence(self, lang: str | None = None) -> str:
        """The problem as one readable sentence."""
        lang = lang or default_lang()
        sheet = schema.table_label(self.table, lang) if self.held and self.table else self.sheet
        parts = [self.source + (" " + t("where.sheet", lang, sheet=sheet) if sheet else "")]
        if self.row is not None:
            parts.append(t("where.row", lang, row=self.row))
        if self.column:
            parts.append(t("where.column", lang, column=column_label(self.table, self.column, lang)))
        where = ("，" if lang == "zh" else ", ").join(p for p in parts if p)
        what = self.what(lang)
        stop = "" if what.endswith(("？", "?")) else "。" if lang == "zh" else "."
        if self.value is not None and self.row is not None:
            v = t("where.value", lang, value=_short(self.value))
            return f"{where}：{v}{what}{stop}" if lang == "zh" else f"{where}: {v} {what}{stop}"
        return f"{where}：{what}{stop}" if lang == "zh" else f"{where}: {what}{stop}"


    def what(self, lang: str | None = None) -> str:
        """What is wrong, without where (the end of :meth:`sentence`)."""
        lang = lang or default_lang()
        if self.code == "more_problems":
            p = dict(self.params)
            kind = Problem(self.source, self.table, None, None, None, p["code"],
                           tuple((k, v) for k, v in p["of"] if k != "suggest"))
            return t("problem.more_problems", lang, n=f"{p['n']:,}", kind=kind.what(lang))
        params = _localise(dict(self.params), lang)
        code = self.code
        if code in ("unknown_ref", "not_allowed") and params.get("suggest"):
            code += "_suggest"
        return t(f"problem.{code}", lang, **params)

    @property
    def count(self) -> int:
        """How many cells this problem stands for (more than one for an "and n more" summary)."""
        return int(dict(self.params)["n"]) if self.code == "more_problems" else 1


def column_label(table: str, column: str, lang: str) -> str:
    """A column as the reader's language names it: ``类别`` / ``category`` for ``类别(category)``,
    ``category`` or ``类别``; a header the contract does not know is shown as written."""
    try:
        spec = schema.columns(table)
    except KeyError:
        return column
    text = str(column).strip()
    m = re.fullmatch(r"(.*?)[(（]\s*([A-Za-z_][A-Za-z0-9_]*)\s*[)）]", text)
    key = m.group(2) if m and m.group(2) in spec.index else text
    if key not in spec.index:
        zh = {schema.header(table, c, "zh"): c for c in spec.index}
        key = zh.get(text, key)
    if key not in spec.index:
        return column
    return schema.header(table, key, lang)


def _localise(params: dict, lang: str) -> dict:
    """Render language-neutral parameters (table names, sides, allowed values) in ``lang``."""
    out = dict(params)
    if out.get("suggest"):
        out["suggest"] = ("、" if lang == "zh" else " or ").join(
            schema.value_label(x, lang) if x in schema.value_codes() else x for x in str(out["suggest"]).split("|"))
    if "allowed" in out:
        values = [v.strip() for v in str(out["allowed"]).split(",") if v.strip()]
        out["allowed"] = ("、" if lang == "zh" else ", ").join(schema.value_label(v, lang) for v in values)
    if "names" in out:
        out["names"] = ("、" if lang == "zh" else ", ").join(f"“{x}”" if lang == "zh" else f"'{x}'"
                                                          for x in str(out["names"]).split("|"))
    if "table" in out and out["table"] in schema.table_names():
        out["table"] = schema.table_label(out["table"], lang)
    if "target" in out:
        out["target"] = t("or", lang).join(schema.table_label(x, lang) for x in out["target"].split("|"))
    for k in ("actual", "expected", "side", "region_side"):
        if k in out:
            out[k] = t(f"side.{out[k]}", lang)
    return out


def _short(v) -> str:
    """A value as a message quotes it: cut to 60 characters, invisible characters shown as ``�``, on one line."""
    s = CONTROL.sub("\ufffd", str(v)).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return s if len(s) <= 60 else s[:57] + "…"


class WorkbookError(Exception):
    """A workbook that cannot be loaded; ``.problems`` lists every problem."""

    def __init__(self, problems: list[Problem], source: str = ""):
        self.problems = list(problems)
        self.source = source
        super().__init__(self.text())

    @property
    def count(self) -> int:
        """How many problems the workbook has (the counted ones included)."""
        return sum(p.count for p in self.problems)

    def sentences(self, lang: str | None = None) -> list[str]:
        return [p.sentence(lang) for p in self.problems]

    def text(self, lang: str | None = None, limit: int | None = None) -> str:
        lines = self.sentences(lang)
        more = ""
        if limit is not None and len(lines) > limit:
            more = f"\n… (+{len(lines) - limit})"
            lines = lines[:limit]
        head = t("error.header", lang, source=self.source, n=f"{self.count:,}")
        return head + "\n" + "\n".join("- " + s for s in lines) + more

    def __str__(self) -> str:
        return self.text()

    def table(self) -> pd.DataFrame:
        """The problems as a DataFrame (one row each)."""
        return pd.DataFrame(
            [
                {
                    "source": p.source,
                    "table": p.table,
                    "row": p.row,
                    "column": p.column,
                    "value": p.value,
                    "message": p.sentence(),
                }
                for p in self.problems
            ]
        )


# --------------------------------------------------------------------------- #
# the workbook
# --------------------------------------------------------------------------- #
@dataclass
class Workbook:
    """The contract's tables as typed DataFrames with English column names."""

    regions: pd.DataFrame
    units: pd.DataFrame
    pairings: pd.DataFrame
    people: pd.DataFrame
    teams: pd.DataFrame
    orders: pd.DataFrame
    assignments: pd.DataFrame
    mentorships: pd.DataFrame
    local_staff: pd.DataFrame
    indicators: pd.DataFrame
    #: The management grid (optional table; :mod:`planning.contract.grid_rules`): empty when a workbook has none.
    management_units: pd.DataFrame = field(default_factory=lambda: empty_table("management_units"))
    source: str = field(default="", compare=False)
    #: What the loader did for the planner that the planner should know (names read as ids): Problem objects
    #: whose ``sentence(lang)`` says it; never a reason to refuse the workbook.
    notes: list = field(default_factory=list, compare=False, repr=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The contract tables by name, in contract order."""
        return {n: getattr(self, n) for n in schema.table_names()}

    def copy(self) -> Workbook:
        return Workbook(**{n: df.copy() for n, df in self.tables().items()}, source=self.source)

    def equals(self, other: Workbook) -> bool:
        """True when every table holds the same values (dtypes may differ in storage)."""
        for name, df in self.tables().items():
            o = getattr(other, name)
            if list(df.columns) != list(o.columns) or len(df) != len(o):
                return False
            try:
                pd.testing.assert_frame_equal(
                    df.reset_index(drop=True), o.reset_index(drop=True), check_dtype=False
                )
            except AssertionError:
                return False
        return True

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}={len(df)}" for n, df in self.tables().items())
        return f"Workbook({self.source!r}: {sizes})"


def empty_table(table: str) -> pd.DataFrame:
    """A zero-row table with the contract's columns and dtypes."""
    cols = schema.columns(table)
    return pd.DataFrame({c: pd.Series([], dtype=_dtype(r)) for c, r in cols.iterrows()})


def with_contract_types(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` (columns of table ``name``) with the contract's dtypes: dates, text as ``str`` (None kept), numbers."""
    base = empty_table(name)
    for c in base.columns:
        ty = schema.columns(name).loc[c, "type"]
        if ty == "date":
            df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
        elif ty in ("id", "str", "ref", "enum", "list"):
            df[c] = df[c].astype(object).where(pd.notna(df[c]), None).astype("str")
        else:
            df[c] = df[c].astype(base[c].dtype)
    return df


def _dtype(spec) -> str:
    ty = spec["type"]
    if ty == "int":
        return "int64" if (spec["default"] or spec["required"]) else "Int64"
    return {"float": "float64", "bool": "bool", "date": "datetime64[ns]"}.get(ty, "str")


# --------------------------------------------------------------------------- #
# reading raw tables
# --------------------------------------------------------------------------- #
#: A row of an .xlsx whose first cell starts with this is one of the template's examples, not data: the
#: loader skips it.
EXAMPLE_MARK = "【示例】"


@dataclass
class _Raw:
    table: str
    source: str  # how the planner names where it came from
    frame: pd.DataFrame  # all cells text, "" for empty; headers as in the file
    excel: bool = False
    plain: bool = False  # proven that no cell starts or ends with white space, nor holds a control character
    rows: np.ndarray | None = None  # row number in the file of each frame row (default: frame row + 2)
    sheet: str | None = None  # the .xlsx sheet it was read from
    escaped: bool = False  # a CSV in which a cell may carry the quote of ``core.text.csv_cell``
    held: bool = False  # a table held in memory, not read from a file (see ``validate_workbook``)

    def __post_init__(self):
        # A blank row has every cell empty: narrow the candidates column by column.
        f = self.frame
        at = np.arange(len(f)) + 2 if self.rows is None else np.asarray(self.rows)
        blank = None
        for i in range(f.shape[1]):
            blank = _empty_rows(f.iloc[:, i], blank)
            if not blank.size:
                break
        if blank is None:
            blank = np.arange(len(f))
        keep = np.ones(len(f), dtype=bool)
        keep[blank] = False
        # the template's example rows (an .xlsx of ours): first cell starts with the marker. CSV folders are
        # not templates, and the check would cost a text pass over every table's first column on load
        if self.excel and f.shape[1] and len(f):
            example = f.iloc[:, 0].astype(str).str.startswith(EXAMPLE_MARK).to_numpy()
            if example.any():
                keep &= ~example
                blank = np.flatnonzero(~keep)
        self.rows = at[keep]
        if blank.size:
            self.frame = f[keep].reset_index(drop=True)

    def column(self, header: str) -> np.ndarray:
        """A column's cells as an object array of text."""
        if isinstance(self.frame[header].dtype, pd.CategoricalDtype):
            codes, uniq = self.factorized(header)
            return uniq[codes]
        return self.frame[header].to_numpy(dtype=object)

    def factorized(self, header: str) -> tuple[np.ndarray, np.ndarray]:
        """A column as codes into its distinct texts (as the C parser found them, when it did)."""
        s = self.frame[header]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = s.cat.categories
            if cats.dtype == bool:  # the parser's reading of true/false spellings
                return s.cat.codes.to_numpy(), np.array(["true" if x else "false" for x in cats], dtype=object)
            return s.cat.codes.to_numpy(), cats.to_numpy(dtype=object)
        return pd.factorize(s.to_numpy(dtype=object))


def _empty_rows(s: pd.Series, among: np.ndarray | None) -> np.ndarray:
    """Positions (of ``among``, or of all rows) whose cell is empty."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy()
        empty = np.flatnonzero(s.cat.categories.to_numpy(dtype=object) == "")
        if not empty.size:
            return np.arange(0)
        hit = codes == empty[0] if among is None else codes[among] == empty[0]
    else:
        o = s.to_numpy(dtype=object)
        hit = o == "" if among is None else o[among] == ""
    return np.flatnonzero(hit) if among is None else among[hit]


def _norm_name(s: str) -> str:
    return re.sub(r"\s+", "", str(s)).lower()


def _match_table(name: str) -> str | None:
    """Contract table named by a file stem or sheet name (English, Chinese, template)."""
    n = _norm_name(name)
    m = re.search(r"[(（]([a-z_]+)[)）]$", n)
    if m:
        n = m.group(1)
    tb = schema.tables()
    for table, zh in zip(tb.index, tb["zh"]):
        if n in (table, zh.lower()):
            return table
    return None


# Contract types the C parser hands over factorised (as categories): one pass in C
# over the bytes instead of a Python string per cell and a second hashing pass.
_CODED = ("enum", "bool", "date")


def _read_csv_bytes(source, dtype: dict | None = None) -> pd.DataFrame:
    # Every cell as text ("" when empty); blank lines are kept as rows so that
    # row numbers stay those of the file (blank rows are dropped afterwards).
    # One chunk (low_memory=False): categories need no merging across chunks.
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    return pd.read_csv(source, dtype=dtype or object, na_filter=False, skip_blank_lines=False,
                       encoding="utf-8", low_memory=not dtype)


def _coded_dtypes(head: bytes, table: str) -> dict[str, str] | None:
    """Per-header dtypes from a CSV's first line: "category" where the contract type is in ``_CODED``.

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
    specs = dict(_specs(table))
    lookup = _header_lookup(table)
    dtype = {h: "category" if (c := _header_column(lookup, h)) and specs[c]["type"] in _CODED else object
             for h in names}
    return dtype if "category" in dtype.values() else None


def _text_categories(frame: pd.DataFrame, dtype: dict, table: str) -> bool:
    """Whether the categories the parser made are still the cells' text.

    The parser turns all-numeric categories into numbers (losing e.g. "01") and
    true/false spellings into booleans; the latter are fine for a bool column.
    """
    specs = dict(_specs(table))
    lookup = _header_lookup(table)
    for h, d in dtype.items():
        if d != "category":
            continue
        cats = frame[h].cat.categories
        if cats.dtype == object or isinstance(cats.dtype, pd.StringDtype):
            continue
        if cats.dtype == bool and specs[_header_column(lookup, h)]["type"] == "bool":
            continue  # read back as "true" / "false" (see ``_Raw.factorized``)
        return False
    return True


class _Scanner(io.RawIOBase):
    """A binary file that checks, as the parser reads it, whether the CSV is plain (see ``_plain_utf8``)."""

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
                scanner = _Scanner(f)
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
        try:
            data = data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError:  # neither: name the first line that is not UTF-8 text
            raise _NotText(data.count(b"\n", 0, utf8.start) + 1) from None
    dtype = _coded_dtypes(data[:1 << 16], table)
    frame = _read_csv_bytes(data, dtype)
    if dtype and not _text_categories(frame, dtype, table):
        frame = _read_csv_bytes(data)
    return frame, _plain_utf8(data), b"'" in data


def _plain_utf8(data: bytes) -> bool:
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


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, (datetime.datetime, datetime.date)):  # any year, without pandas' 1677–2262 bounds
        day = f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
        if isinstance(v, datetime.datetime) and (v.hour, v.minute, v.second, v.microsecond) != (0, 0, 0, 0):
            return f"{day}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"
        return day
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(v)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    return str(v)


def _read_raw(path: Path) -> tuple[list[_Raw], list[Problem], str, list[Problem]]:
    """Raw tables of a workbook path, or problems if it cannot be read at all; and notes for the planner.

    This is the input boundary for files: sizes within :func:`planning.core.limits.limits`,
    one file or sheet per table (two are refused by name, as is a hidden sheet), headers
    said once, no formula without its value.
    """
    label = path.name or str(path)
    try:
        exists = path.exists()
    except OSError:
        exists = False
    if not exists:
        return [], [Problem(str(path), "", None, None, None, "not_found")], str(path), []
    if path.is_dir():
        raws, problems, notes = _read_folder(path)
        return raws, problems, str(path), notes
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raws, problems, notes = _read_xlsx(path, label)
        return raws, problems, label, notes
    return [], [Problem(label, "", None, None, None, "not_workbook")], label, []


def _too_big(source: str, size: int, limit: int, code: str = "too_big") -> Problem:
    mb = lambda n: f"{n / (1 << 20):,.0f}" if n >= 1 << 20 else f"{n / (1 << 20):.2f}"  # noqa: E731
    return Problem(source, "", None, None, None, code, (("limit", mb(limit)), ("size", mb(size))))


def _read_folder(path: Path) -> tuple[list[_Raw], list[Problem], list[Problem]]:
    lim = limits()
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and not p.name.startswith("~$"))
    by_table: dict[str, list[Path]] = {}
    for f in files:
        table = _match_table(f.stem)
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
                problems.append(_too_big(f.name, size, lim.file_bytes))
                continue
            head = _csv_header(f)
            if head is not None:
                named = [h for h in head if h.strip()]
                if len(named) > lim.columns:
                    problems.append(Problem(f.name, table, None, None, None, "too_many_columns",
                                            (("limit", lim.columns), ("n", len(named)))))
                    continue
                problems += _repeated_headers(head, f.name, table, None)
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
                problems.append(Problem(f.name, table, None, None, None, "unreadable", (("detail", _first_line(e)),)))
            continue
        except (pd.errors.EmptyDataError, UnicodeError, ValueError, OSError) as e:
            problems.append(Problem(f.name, table, None, None, None, "unreadable", (("detail", _first_line(e)),)))
            continue
        if len(frame) > lim.rows:
            problems.append(Problem(f.name, table, None, None, None, "too_many_rows",
                                    (("limit", f"{lim.rows:,}"), ("n", f"{len(frame):,}"))))
            continue
        frame, dropped = _headless_columns(frame, head)
        for letter, n in dropped:
            notes.append(Problem(f.name, table, None, None, None, "no_header", (("letter", letter), ("n", n))))
        raws.append(_Raw(table, f.name, frame, plain=plain, escaped=quote))
    if not raws and not problems:
        problems.append(Problem(str(path), "", None, None, None, "no_tables"))
    return raws, problems, notes


def _csv_header(f: Path) -> list[str] | None:
    """The header cells of a CSV as written (pandas renames repeats, so they are read here), or None."""
    import csv

    with open(f, "rb") as fh:
        head = fh.read(1 << 20)
    end = min((i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0), default=len(head))
    head = head[:end]
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(enc)
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


def _repeated_headers(headers: list[str], source: str, table: str, sheet: str | None) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        key = str(h).strip()
        if not key:
            continue
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 2:
            out.append(Problem(source, table, None, key, None, "repeated_header", (("column", key),), sheet))
    return out


def _letter(i: int) -> str:
    """Excel's name of the column at 0-based position ``i`` (A, B, …, XFD)."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _headless_columns(frame: pd.DataFrame, head: list[str] | None) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
    """``frame`` without the columns that have no header; those holding values are named (letter, cells)."""
    if head is None or len(head) != frame.shape[1]:
        return frame, []
    blank = [i for i, h in enumerate(head) if not str(h).strip()]
    if not blank:
        return frame, []
    dropped = []
    for i in blank:
        col = frame.iloc[:, i]
        n = int((col.astype(str).str.strip() != "").sum())
        if n:
            dropped.append((_letter(i), n))
    keep = [i for i in range(frame.shape[1]) if i not in set(blank)]
    return frame.iloc[:, keep], dropped


def _read_xlsx(path: Path, label: str) -> tuple[list[_Raw], list[Problem], list[Problem]]:
    """The sheets of an .xlsx that name contract tables, read cell by cell as stored.

    The zip's declared sizes are checked before anything is inflated. Only cells that hold
    something are visited (a stray value at XFD1 costs one cell, not 16,384 columns); a
    formula whose value Excel never stored, and an Excel error value (``#N/A``), are refused
    by cell.
    """
    import warnings
    import zipfile

    import openpyxl

    lim = limits()

    def bad(e):
        return [], [Problem(label, "", None, None, None, "bad_xlsx", (("detail", _first_line(e)),))], []

    try:
        size = path.stat().st_size
        if size > lim.file_bytes:
            return [], [_too_big(label, size, lim.file_bytes)], []
        unpacked = zip_unpacked_bytes(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        return bad(e)
    if unpacked > lim.unpacked_bytes:
        return [], [_too_big(label, unpacked, lim.unpacked_bytes, "too_big_unpacked")], []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        return bad(e)
    raws, problems, notes = [], [], []
    try:
        by_table: dict[str, list] = {}
        for ws in book.worksheets:
            table = _match_table(ws.title)
            if table is not None:
                by_table.setdefault(table, []).append(ws)
        for table, found in by_table.items():
            if len(found) > 1:
                problems.append(Problem(label, table, None, None, None, "two_sheets",
                                        (("names", "|".join(ws.title for ws in found)), ("table", table))))
                continue
            ws = found[0]
            if getattr(ws, "sheet_state", "visible") != "visible":
                problems.append(Problem(label, table, None, None, None, "hidden_sheet", (("table", table),),
                                        ws.title))
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    raw = _read_sheet(ws, table, label, lim, problems, notes)
            except Exception as e:  # a damaged sheet inside a readable zip
                problems.append(Problem(label, table, None, None, None, "bad_xlsx", (("detail", _first_line(e)),),
                                        ws.title))
                continue
            if raw is not None:
                raws.append(raw)
    finally:
        book.close()
    if not raws and not problems:
        problems.append(Problem(label, "", None, None, None, "no_tables"))
    return raws, problems, notes


def _cell_parser():
    """openpyxl's sheet parser, marking a formula cell that has no stored value (``data_only`` hides them)."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["data_type"] = "formula"
            return cell

    return CellParser


_EXCEL_DAY0 = datetime.datetime(1899, 12, 30)
#: The days Excel shows for the numbers 1950 … 2100: a year typed into a cell formatted as a date.
_YEAR_AS_DAY = (_EXCEL_DAY0 + datetime.timedelta(days=1950), _EXCEL_DAY0 + datetime.timedelta(days=2100))


def _read_sheet(ws, table: str, label: str, lim, problems: list, notes: list) -> _Raw | None:
    book = ws.parent
    title = ws.title
    header: dict[int, str] = {}
    cells: dict[int, tuple[list, list]] = {}  # column → (rows, values)
    formulas: list[tuple[int, int]] = []
    errors: list[tuple[int, int, str]] = []
    parser_class = _cell_parser()
    with ws._get_source() as src:
        parser = parser_class(src, ws._shared_strings, data_only=True, epoch=book.epoch,
                              date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for idx, row in parser.parse():
            if idx - 1 > lim.rows:
                problems.append(Problem(label, table, None, None, None, "too_many_rows",
                                        (("limit", f"{lim.rows:,}"), ("n", f"> {lim.rows:,}")), title))
                return None
            for c in row:
                v, kind = c["value"], c["data_type"]
                if kind == "formula":
                    formulas.append((idx, c["column"]))
                    continue
                if v is None or (isinstance(v, str) and not v):
                    continue
                if kind == "e":
                    errors.append((idx, c["column"], str(v)))
                    continue
                if kind == "d" and type(v) is datetime.datetime and _YEAR_AS_DAY[0] <= v <= _YEAR_AS_DAY[1]:
                    v = (v - _EXCEL_DAY0).days  # a year typed in a date cell (2027 shows as 1905-07-19): the year
                if idx == 1:
                    header[c["column"]] = _cell_text(v)
                    continue
                at = cells.get(c["column"])
                if at is None:
                    at = cells[c["column"]] = ([], [])
                at[0].append(idx)
                at[1].append(v)
            if idx == 1 and len([h for h in header.values() if h.strip()]) > lim.columns:
                problems.append(Problem(label, table, None, None, None, "too_many_columns",
                                        (("limit", lim.columns), ("n", len(header))), title))
                return None
    named = {k: h for k, h in sorted(header.items()) if h.strip()}
    problems += _repeated_headers(list(named.values()), label, table, title)
    for k in sorted(set(cells) - set(named)):
        notes.append(Problem(label, table, None, None, None, "no_header",
                             (("letter", _letter(k - 1)), ("n", len(cells[k][0]))), title))

    def column_name(k):
        return named.get(k) or _letter(k - 1)

    for r, k in formulas:
        problems.append(Problem(label, table, r, column_name(k), None, "formula_no_value",
                                (("cell", f"{_letter(k - 1)}{r}"),), title))
    for r, k, v in errors:
        problems.append(Problem(label, table, r, column_name(k), v, "error_value",
                                (("cell", f"{_letter(k - 1)}{r}"),), title))
    used = sorted({r for k in named for r in cells.get(k, ((), ()))[0]})
    rows = np.asarray(used, dtype=np.int64)
    seen = set()
    data = {}
    for k, h in named.items():
        if h in seen:
            continue  # a repeated header: reported above
        seen.add(h)
        out = np.full(len(rows), "", dtype=object)
        if k in cells:
            at, values = cells[k]
            out[np.searchsorted(rows, np.asarray(at, dtype=np.int64))] = [_cell_text(v) for v in values]
        data[h] = out
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    return _Raw(table, label, frame, excel=True, sheet=str(title), rows=rows)


def _first_line(e: Exception) -> str:
    s = str(e).strip().splitlines()
    return s[0] if s else type(e).__name__


# --------------------------------------------------------------------------- #
# column conversion (vectorised)
# --------------------------------------------------------------------------- #
class _Collector:
    """Problems and notes found while loading, kept readable at any scale.

    The first problems of each column and kind are kept in full (at most
    ``limits().problems_per_column``, and ``limits().problems`` in all); the rest are
    counted, and :meth:`finish` adds one sentence per column and kind saying how many more.
    """

    def __init__(self):
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self.dates: dict[bool, dict[str, tuple[int, int]]] = {False: {}, True: {}}  # text → (ns, kind), by excel
        lim = limits()
        self.total, self.per_column = lim.problems, lim.problems_per_column
        self.listed: dict[tuple, int] = {}
        self.more: dict[tuple, list] = {}  # key → [count, an example Problem]

    def _room(self, key, n: int) -> int:
        listed = self.listed.get(key, 0)
        return max(0, min(n, self.per_column - listed, self.total - len(self.problems)))

    def add(self, raw: _Raw, rows, column, values, code, **params):
        """Record one problem per row in ``rows`` (positions in the frame; ``values`` alike)."""
        n = len(rows)
        if not n:
            return
        p = tuple(sorted(params.items()))
        key = (raw.source, raw.sheet, raw.table, column, code)
        take = self._room(key, n)
        for r, v in zip(rows[:take], values[:take]):
            self.problems.append(Problem(raw.source, raw.table, int(raw.rows[int(r)]), column, str(v), code, p,
                                         raw.sheet, raw.held))
        self.listed[key] = self.listed.get(key, 0) + take
        if take < n:
            more = self.more.setdefault(key, [0, Problem(raw.source, raw.table, None, column, None, code, p,
                                                         raw.sheet, raw.held)])
            more[0] += n - take

    def note(self, raw: _Raw, column, value, ident, rows: int):
        """Something the loader did for the planner (a name read as an id): said, never refused."""
        self.notes.append(Problem(raw.source, raw.table, None, column, str(value), "by_name",
                                  (("id", ident), ("n", rows), ("value", str(value))), raw.sheet))

    def whole(self, source, table_name, header, code, *, in_sheet=None, **params):
        self.problems.append(Problem(source, table_name, None, header, None, code, tuple(sorted(params.items())),
                                     in_sheet))

    def finish(self) -> list[Problem]:
        """The problems kept in full, then one "and n more" per column and kind that was cut short."""
        out = list(self.problems)
        for n, example in self.more.values():
            out.append(Problem(example.source, example.table, None, example.column, None, "more_problems",
                               (("code", example.code), ("n", n), ("of", example.params)), example.sheet,
                               example.held))
        return out


_specs = schema.column_specs


@cache
def _header_lookup(table: str) -> dict[str, str]:
    lookup = {}
    for c, row in _specs(table):
        lookup[_norm_name(c)] = c
        lookup[_norm_name(row["zh"])] = c
        lookup[_norm_name(schema.template_header(table, c))] = c
    return lookup


def _header_column(lookup: dict[str, str], header) -> str | None:
    """Contract column a header names (English, Chinese or the template's ``中文(english)``)."""
    n = _norm_name(header)
    m = re.search(r"[(（]([a-z_]+)[)）]$", n)
    return lookup.get(n) or (lookup.get(m.group(1)) if m else None)


def _map_headers(raw: _Raw, col: _Collector) -> dict[str, str]:
    """Contract column → header as written in the file."""
    lookup = _header_lookup(raw.table)
    found: dict[str, str] = {}
    for h in raw.frame.columns:
        c = _header_column(lookup, h)
        if c is None:
            continue
        if c in found:
            col.whole(raw.source, raw.table, str(h), "duplicate_column", in_sheet=raw.sheet, column=str(h))
            continue
        found[c] = h
    for c, row in _specs(raw.table):
        if row["required"] and c not in found:
            col.whole(raw.source, raw.table, None, "missing_column", in_sheet=raw.sheet, column=f"{row['zh']}({c})")
    return found


def _stripped(o: np.ndarray) -> np.ndarray:
    """Text with surrounding white space removed (a C-speed list comprehension)."""
    out = np.empty(len(o), dtype=object)
    out[:] = [x.strip() if isinstance(x, str) else "" for x in o]
    return out


def _bad(raw, col, values: np.ndarray, mask: np.ndarray, header, code, **params):
    if mask.any():
        idx = np.flatnonzero(mask)
        col.add(raw, idx, header, values[idx], code, **params)


def _text_series(s: np.ndarray, empty: np.ndarray) -> pd.Series:
    if empty.any():
        s = s.copy()
        s[empty] = np.nan
    return pd.Series(s, dtype="str")


_LIST_SEP = re.compile(r"\s*;\s*")


def _control_chars(raw, col, s: np.ndarray, header) -> None:
    """Report the cells of a text column that hold a control character (invisible, and no .xlsx can hold it)."""
    if not len(s) or not CONTROL.search("\n".join(x for x in s.tolist() if isinstance(x, str))):
        return
    hit = np.fromiter((isinstance(x, str) and CONTROL.search(x) is not None for x in s.tolist()), dtype=bool,
                      count=len(s))
    idx = np.flatnonzero(hit)
    col.add(raw, idx, header, s[idx], "control_char")


def _bad_coded(raw, col, uniq: np.ndarray, codes: np.ndarray, mask: np.ndarray, header, code, **params):
    """Like ``_bad`` for a factorised column, with ``mask`` over the distinct values."""
    if mask.any():
        idx = np.flatnonzero(mask[codes])
        col.add(raw, idx, header, uniq[codes[idx]], code, **params)


def _convert(raw: _Raw, c: str, spec, header: str, col: _Collector) -> pd.Series:
    """Convert one raw text column to its contract type, recording problems.

    Enumerations, booleans, numbers and dates are worked out once per distinct
    text and spread back to the rows.
    """
    ty = spec["type"]
    if ty in ("int", "float"):
        return _numbers(raw, spec, header, col)
    default = spec["default"]
    if ty not in _CODED:
        o = raw.column(header)
        s = o if raw.plain else _stripped(o)
        if raw.escaped:
            s = csv_uncell_array(s)
        if not raw.plain:
            _control_chars(raw, col, s, header)
        empty = s == ""
        if spec["required"]:
            _bad(raw, col, s, empty, header, "required")
        if ty == "list":
            s = s.copy()
            for i in np.flatnonzero(~empty).tolist():
                x = s[i]
                if ";" in x or "；" in x:
                    s[i] = _LIST_SEP.sub(";", x.replace("；", ";")).strip(";")
            empty = s == ""
        return _text_series(s, empty)  # id, str, ref, list
    codes, uniq = raw.factorized(header)
    if not raw.plain:  # trim each distinct text, then merge those now equal
        trimmed, uniq = pd.factorize(_stripped(uniq))
        codes = trimmed[codes]
        if raw.escaped:
            uniq = csv_uncell_array(uniq)
    empty = uniq == ""
    if spec["required"]:
        _bad_coded(raw, col, uniq, codes, empty, header, "required")
    if ty == "enum":
        aliases = schema.value_aliases(raw.table, c)
        v = np.array([aliases.get(u, aliases.get(u.lower())) for u in uniq.tolist()], dtype=object)
        missing = pd.isna(v)
        allowed = schema.allowed(raw.table, c)
        bad = missing & ~empty
        if bad.any():
            import difflib

            labels = {schema.value_label(a, "zh"): a for a in allowed} | {a: a for a in allowed}
            for k in np.flatnonzero(bad)[:SUGGEST_LIMIT].tolist():
                one = np.zeros(len(bad), dtype=bool)
                one[k] = True
                near = difflib.get_close_matches(str(uniq[k]), list(labels), n=1, cutoff=0.5)
                _bad_coded(raw, col, uniq, codes, one, header, "not_allowed",
                           allowed=", ".join(allowed), suggest=labels[near[0]] if near else "")
            rest = bad.copy()
            rest[np.flatnonzero(bad)[:SUGGEST_LIMIT]] = False
            _bad_coded(raw, col, uniq, codes, rest, header, "not_allowed", allowed=", ".join(allowed))
        v[missing] = default if default else np.nan
        return pd.Series(pd.array(v, dtype="str").take(codes))
    if ty == "bool":
        low = [u.lower() for u in uniq.tolist()]
        v = np.array([x in TRUE for x in low], dtype=bool)
        ok = np.array([x in TRUE or x in FALSE or x == "" for x in low], dtype=bool)
        _bad_coded(raw, col, uniq, codes, ~ok, header, "not_bool")
        if default == "true":
            v |= empty
        return pd.Series(v[codes], dtype=bool)
    if ty == "date":  # date columns share most of their texts: parse each text once per workbook
        parsed = col.dates[raw.excel]
        texts = uniq.tolist()
        new = [u for u in texts if u not in parsed]
        if new:
            ns, kind = _parse_dates(pd.Series(new, dtype="str"), raw.excel)
            parsed.update(zip(new, zip(ns.tolist(), kind.tolist())))
        got = [parsed[u] for u in texts]
        v = np.array([g[0] for g in got], dtype="i8")
        kind = np.array([g[1] for g in got], dtype=np.int64)
        if c not in END_COLUMNS and (kind == DATE_OPEN).any():  # "no end" only ends things
            v[kind == DATE_OPEN] = np.iinfo(np.int64).min
            kind[kind == DATE_OPEN] = DATE_OUT_OF_RANGE
        v = v.view("datetime64[ns]")
        _bad_coded(raw, col, uniq, codes, (kind == DATE_BAD) & ~empty, header, "not_date")
        _bad_coded(raw, col, uniq, codes, kind == DATE_YEAR_ONLY, header, "date_year_only")
        _bad_coded(raw, col, uniq, codes, kind == DATE_OUT_OF_RANGE, header,
                   "date_out_of_range_end" if c in END_COLUMNS else "date_out_of_range",
                   earliest=str(EARLIEST.date()), latest=str(LATEST.date()))
        return pd.Series(v[codes], dtype="datetime64[ns]")
    raise AssertionError(ty)  # pragma: no cover


def _numbers(raw: _Raw, spec, header: str, col: _Collector) -> pd.Series:
    """An int or float column (``to_numeric`` allows surrounding spaces), once per distinct text."""
    ty = spec["type"]
    codes, uniq = raw.factorized(header)
    num = pd.to_numeric(pd.Series(uniq, dtype="str"), errors="coerce")
    x = num.to_numpy(dtype="float64", na_value=np.nan)
    text = uniq
    failed = np.isnan(x) & (uniq != "")
    if failed.any():  # white-space-only cells are empty cells; others are reported trimmed
        text = uniq.copy()
        text[failed] = [u.strip() for u in uniq[failed]]
    empty = text == ""
    v = np.where(empty, np.nan, x)
    known = ~np.isnan(v)

    def bad(mask, code, **params):
        _bad_coded(raw, col, text, codes, mask, header, code, **params)

    if spec["required"]:
        bad(empty, "required")
    bad(~known & ~empty, "not_int" if ty == "int" else "not_number")
    compared = v
    if ty == "int":
        with np.errstate(invalid="ignore"):
            whole = known & np.isfinite(v) & (v == np.floor(v))
        bad(known & ~whole, "not_int")
        compared = np.where(np.isinf(v), np.nan, v)  # reported as not an integer only
    if spec["min"]:
        bad(compared < float(spec["min"]), "below_min", min=spec["min"])
    if spec["max"]:
        bad(compared > float(spec["max"]), "above_max", max=spec["max"])
    if ty == "float":
        return pd.Series(v[codes])
    default = spec["default"]
    # every cell an integer: keep them exact (beyond 2**53)
    ints = num.to_numpy() if num.dtype == "int64" else None
    if default or spec["required"]:
        out = ints if ints is not None else np.where(whole, v, float(default or 0)).astype("int64")
    else:
        out = pd.array(ints if ints is not None else np.where(whole, v, np.nan), dtype="Int64")
    return pd.Series(out.take(codes))


#: What a date text turned out to be (see :func:`_parse_dates`).
DATE_OK, DATE_BAD, DATE_OUT_OF_RANGE, DATE_YEAR_ONLY, DATE_OPEN = range(5)
#: Columns where ``9999-12-31`` means "no end" (an open end, read as ``core.clock.OPEN_END``).
END_COLUMNS = ("end", "available_to")
_DATE_FORMS = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    r"|^(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2})$")


def _parse_dates(s: pd.Series, excel: bool) -> tuple[np.ndarray, np.ndarray]:
    """Day (ns since the epoch, NaT where none) and kind (``DATE_*``) of each text.

    Read: ``2026-02-01``, ``2026/2/1``, ``2026.2.1``, ``2026年2月1日``, ``20260201``, any of
    them followed by a time of day, and in an .xlsx an Excel day number. Days before
    ``core.clock.EARLIEST`` or after ``LATEST`` are out of range; ``9999-12-31`` is an open
    end; a bare year (``2027``) is said to be one.
    """
    nat = np.iinfo(np.int64).min
    # whole days first: pandas gives years beyond 2262 at a coarser resolution, which nanoseconds cannot hold
    days = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").to_numpy().astype("datetime64[D]")
    missing = np.isnat(days)
    kind = np.where(missing & s.ne("").to_numpy(), DATE_BAD, DATE_OK)
    ns = np.full(len(s), nat, dtype=np.int64)
    d = days.astype(np.int64)
    inside = ~missing & (d >= EARLIEST.value // 86_400_000_000_000) & (d <= LATEST.value // 86_400_000_000_000)
    ns[inside] = d[inside] * 86_400_000_000_000
    outside = ~missing & ~inside
    kind[outside] = DATE_OUT_OF_RANGE
    kind[outside & (days == np.datetime64("9999-12-31"))] = DATE_OPEN
    ns[kind == DATE_OPEN] = OPEN_END.value
    retry = kind == DATE_BAD
    if retry.any():
        ns[retry], kind[retry] = _parse_dates_slow(s[retry], excel)
    return ns, kind


def _parse_dates_slow(s: pd.Series, excel: bool) -> tuple[np.ndarray, np.ndarray]:
    nat = np.iinfo(np.int64).min
    text = s.str.strip()
    m = text.str.extract(_DATE_FORMS)
    y = pd.to_numeric(m["y"].fillna(m["cy"]), errors="coerce")
    mo = pd.to_numeric(m["m"].fillna(m["cm"]), errors="coerce")
    d = pd.to_numeric(m["d"].fillna(m["cd"]), errors="coerce")
    kind = np.full(len(s), DATE_BAD)
    ns = np.full(len(s), nat, dtype=np.int64)
    found = y.notna().to_numpy()
    open_end = found & (y == 9999).to_numpy() & (mo == 12).to_numpy() & (d == 31).to_numpy()
    kind[open_end] = DATE_OPEN
    ns[open_end] = OPEN_END.value
    in_years = found & ~open_end & y.between(EARLIEST.year, LATEST.year).to_numpy()
    kind[found & ~open_end & ~in_years] = DATE_OUT_OF_RANGE
    if in_years.any():
        parts = pd.DataFrame({"year": y[in_years], "month": mo[in_years], "day": d[in_years]})
        days = pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]")
        got = days.notna().to_numpy()
        idx = np.flatnonzero(in_years)
        ns[idx[got]] = days.to_numpy().view("i8")[got]
        kind[idx[got]] = DATE_OK
    rest = ~found
    if rest.any():
        number = pd.to_numeric(text.where(rest), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        whole = ~np.isnan(number) & (number == np.floor(number))
        year = whole & (number >= 1000) & (number <= 9999)
        if excel:  # an Excel day number; a bare year (2027) is a day of 1905, said to be a year
            serial = ~np.isnan(number)
            year = whole & (number >= EARLIEST.year) & (number <= LATEST.year)
            lo = (EARLIEST - EXCEL_EPOCH).days
            hi = (LATEST - EXCEL_EPOCH).days
            inside = serial & ~year & (number >= lo) & (number < hi + 1)
            if inside.any():
                days = EXCEL_EPOCH + pd.to_timedelta(np.floor(number[inside]), unit="D")
                ns[inside] = days.to_numpy().astype("datetime64[ns]").view("i8")
                kind[inside] = DATE_OK
            kind[serial & ~year & ~inside] = DATE_OUT_OF_RANGE
        kind[year] = DATE_YEAR_ONLY
    return ns, kind


# --------------------------------------------------------------------------- #
# cross-table checks
# --------------------------------------------------------------------------- #
def _check_unique(raw, df, header, col) -> set:
    """Record repeated ids; return the table's ids as a set to look references up in."""
    known = set(df["id"].to_numpy(dtype=object).tolist())
    if len(known) == len(df):  # no repeats, at most one missing id (NaN, which no reference looks up)
        return known
    ids = df["id"]
    dup = ids.duplicated(keep="first") & ids.notna()
    if dup.any():
        first = pd.Series(np.arange(len(ids)), index=ids.index).groupby(ids.to_numpy()).transform("min")
        idx = np.flatnonzero(dup.to_numpy())
        for i in idx:
            col.add(raw, [i], header, [ids.iloc[i]], "duplicate_id", first=int(raw.rows[int(first.iloc[i])]))
    return {x for x in known if isinstance(x, str)}


def _check_refs(raws, frames, headers, col, ids: dict[str, set], fact: dict, refused=frozenset()):
    """Every reference names an id of its target table(s); ``ids`` holds each table's ids."""
    for n, df in frames.items():
        if n not in ids and "id" in df.columns:
            v = df["id"].to_numpy(dtype=object)
            ids[n] = set(v[~pd.isna(v)].tolist())
    for table, df in frames.items():
        for c, row in _specs(table):
            if row["type"] not in ("ref", "list") or c not in headers[table]:
                continue
            targets = schema.references(table, c)
            present = [ids[x] for x in targets if x in ids]
            if not present or any(x in refused for x in targets):
                continue  # the target table is missing or was refused whole: reported once already
            if row["type"] == "ref":
                codes, uniq = _factorized(fact, frames, table, c)
                bad = ~_known(present, uniq)
                bad[-1] = False  # the slot of code -1: no reference given
                if bad.any():
                    _names_as_ids(raws[table], frames, table, c, headers[table][c], targets, codes, uniq, bad, col)
                if bad.any():
                    near = _Suggestions(frames, targets)
                    first = np.flatnonzero(bad)[:SUGGEST_LIMIT]  # suggestions for the first distinct values only
                    for k in first.tolist():
                        one = np.zeros(len(bad), dtype=bool)
                        one[k] = True
                        _bad_coded(raws[table], col, uniq, codes, one, headers[table][c], "unknown_ref",
                                   target="|".join(targets), suggest=near(uniq[k]))
                    bad[first] = False
                    _bad_coded(raws[table], col, uniq, codes, bad, headers[table][c], "unknown_ref",
                               target="|".join(targets))
                continue
            values = df[c].to_numpy(dtype=object)
            given = ~pd.isna(values)
            if row["type"] == "list":
                pos, parts = [], []
                for i in np.flatnonzero(given).tolist():
                    for part in values[i].split(";"):
                        pos.append(i)
                        parts.append(part)
                if parts:
                    parts = np.array(parts, dtype=object)
                    bad = ~_known(present, parts)
                    col.add(raws[table], np.asarray(pos)[bad], headers[table][c], parts[bad].tolist(),
                            "unknown_ref", target="|".join(targets))
                continue


def _names_as_ids(raw, frames, table, c, header, targets, codes, uniq, bad, col):
    """Read a name where an id is expected when exactly one row of the referenced tables has that name.

    The column (and the shared factorisation) then holds the id; ``bad`` loses those
    values; a note per value says what was read (the workbook still loads).
    """
    owners: dict[str, set] = {}
    ids: set = set()
    for x in targets:
        df = frames.get(x)
        if df is None or "id" not in df.columns or "name" not in df.columns:
            continue
        ids |= set(df["id"].dropna().astype(str))
        for i, n in zip(df["id"].tolist(), df["name"].tolist()):
            if isinstance(i, str) and isinstance(n, str) and n.strip():
                owners.setdefault(n.strip(), set()).add(i)
    changed = False
    for k in np.flatnonzero(bad).tolist():
        v = uniq[k]
        hit = owners.get(str(v).strip()) if isinstance(v, str) else None
        if hit and len(hit) == 1 and v not in ids:
            (ident,) = hit
            col.note(raw, header, v, ident, int((codes == k).sum()))
            uniq[k] = ident
            bad[k] = False
            changed = True
    if changed:
        values = uniq[np.where(codes < 0, len(uniq) - 1, codes)]
        frames[table][c] = pd.Series(values, index=frames[table].index).astype(frames[table][c].dtype)


#: Distinct unknown or not-allowed values per column that get a "did you mean" suggestion.
SUGGEST_LIMIT = 200
#: Up to this many ids and names, an unknown reference is compared with every one of them.
SUGGEST_ALL = 5_000
#: Beyond that, with this many alphabetical neighbours on either side.
SUGGEST_NEAR = 40


class _Suggestions:
    """The closest existing ids and names for an unknown reference ("H-SCH01 疏勒县第一中学").

    Only the first ``limit`` distinct unknown values get suggestions, so that a file
    of garbage stays fast to report. Beyond :data:`SUGGEST_ALL` ids and names, a value is
    compared with its :data:`SUGGEST_NEAR` alphabetical neighbours on either side (where a
    slip in an id or a name lands) instead of with every one: at 50,000 people a whole
    comparison costs about a second per value.
    """

    def __init__(self, frames, targets, limit: int = SUGGEST_LIMIT):
        import difflib

        self._match = difflib.get_close_matches
        self.label: dict[str, str] = {}
        for x in targets:
            df = frames.get(x)
            if df is None or "id" not in df.columns:
                continue
            ids = df["id"].tolist()
            nm = df["name"].tolist() if "name" in df.columns else [""] * len(ids)
            for i, n in zip(ids, nm):
                if not isinstance(i, str) or not i:
                    continue
                n = n if isinstance(n, str) else ""
                both = f"{i} {n}".strip()
                self.label.setdefault(i, both)
                if n:
                    self.label.setdefault(n, both)
        self.keys = list(self.label)
        self.sorted = sorted(self.keys) if len(self.keys) > SUGGEST_ALL else None
        self.left = limit

    def __call__(self, value) -> str:
        if self.left <= 0 or not self.keys:
            return ""
        self.left -= 1
        text = str(value)
        keys = self.keys
        if self.sorted is not None:
            import bisect

            at = bisect.bisect_left(self.sorted, text)
            keys = self.sorted[max(0, at - SUGGEST_NEAR):at + SUGGEST_NEAR]
        found = self._match(text, keys, n=4, cutoff=0.5)
        out = list(dict.fromkeys(self.label[k] for k in found))[:2]
        return "|".join(out)


def _factorized(cache: dict, frames, table: str, c: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of a column, kept for later checks.

    A missing value has code -1, and the distinct values end with NaN for it.
    """
    if (table, c) not in cache:
        codes, uniq = pd.factorize(frames[table][c].to_numpy(dtype=object))
        cache[table, c] = codes, np.append(uniq, np.array([np.nan], dtype=object))
    return cache[table, c]


def _known(sets: list[set], values: np.ndarray) -> np.ndarray:
    """Whether each value is in one of the sets."""
    hit = np.fromiter(map(sets[0].__contains__, values), dtype=bool, count=len(values))
    for known in sets[1:]:
        miss = np.flatnonzero(~hit)
        if not miss.size:
            break
        hit[miss] = np.fromiter(map(known.__contains__, values[miss]), dtype=bool, count=len(miss))
    return hit


def _side_of(frames) -> pd.Series:
    parts = [frames[n].set_index("id")["side"] for n in ("regions", "units") if n in frames]
    s = pd.concat(parts) if parts else pd.Series(dtype=str)
    return s[~s.index.duplicated()]


def _check_sides(raws, frames, headers, col, fact: dict):
    side = _side_of(frames)
    lookup = dict(zip(side.index.tolist(), side.to_numpy(dtype=object).tolist()))
    missing = side[side.index.isna()].iloc[0] if side.index.hasnans else np.nan  # as Series.map does
    rules = [("units", None), ("people", ("sending_unit", "sending")), ("orders", ("host_unit", "host")),
             ("pairings", ("sender", "sending")), ("pairings", ("host", "host")),
             ("teams", ("host", "host"))]
    for table, rule in rules:
        if table not in frames or table not in headers:
            continue
        df = frames[table]
        if rule is None:
            if "regions" not in frames or "region" not in headers[table]:
                continue
            rs = df["region"].map(frames["regions"].set_index("id")["side"].pipe(lambda x: x[~x.index.duplicated()]))
            mask = rs.notna() & df["side"].notna() & (rs != df["side"])
            for i in np.flatnonzero(mask.to_numpy()):
                col.add(raws[table], [i], headers[table]["side"], [df["side"].iloc[i]], "unit_side",
                        side=df["side"].iloc[i], region_side=rs.iloc[i])
            continue
        c, expected = rule
        if c not in headers[table]:
            continue
        codes, uniq = _factorized(fact, frames, table, c)
        # a missing value (code -1, last) has the side of a missing id, as Series.map gives
        actual = np.array([lookup.get(u, np.nan) for u in uniq[:-1].tolist()] + [missing], dtype=object)
        mask = (~pd.isna(actual) & (actual != expected))[codes]
        for i in np.flatnonzero(mask):
            col.add(raws[table], [i], headers[table][c], [uniq[codes[i]]], "wrong_side",
                    actual=actual[codes[i]], expected=expected)


def _check_periods(raws, frames, headers, col):
    pairs = {"people": ("available_from", "available_to"), "orders": ("start", "end"),
             "assignments": ("start", "end"), "pairings": ("start", "end"), "mentorships": ("start", "end")}
    for table, (a, b) in pairs.items():
        if table not in frames or a not in headers[table] or b not in headers[table]:
            continue
        df = frames[table]
        mask = df[a].notna() & df[b].notna() & (df[b] < df[a])
        for i in np.flatnonzero(mask.to_numpy()):
            col.add(raws[table], [i], headers[table][b], [df[b].iloc[i].date()], "end_before_start",
                    start=str(df[a].iloc[i].date()))


def _check_cycles(raws, frames, headers, col):
    if "regions" not in frames or "parent" not in headers["regions"]:
        return
    r = frames["regions"]
    e = r[r["parent"].notna() & r["id"].notna()]
    if _acyclic(e["id"], e["parent"]):
        return
    import networkx as nx  # only for a workbook whose regions form a cycle

    g = nx.DiGraph(zip(e["id"], e["parent"]))
    pos = pd.Series(np.arange(len(r)), index=r["id"].to_numpy())
    pos = pos[~pos.index.duplicated()]
    for cyc in nx.simple_cycles(g):
        first = min(cyc, key=lambda x: pos.get(x, 0))
        i = int(pos[first])
        k = cyc.index(first)
        ordered = cyc[k:] + cyc[:k] + [first]
        col.add(raws["regions"], [i], headers["regions"]["parent"], [r["parent"].iloc[i]], "region_cycle",
                cycle=" → ".join(ordered))


def _acyclic(ids: pd.Series, parents: pd.Series) -> bool:
    """True when following parents from any region never comes back (pointer doubling).

    Only for unique ids (one parent each); ``False`` means "look for cycles".
    """
    index = pd.Index(ids)
    if not index.is_unique:
        return False
    nxt = index.get_indexer(parents)  # the parent's own row, or -1 where the chain stops
    steps = 1
    while steps <= len(nxt) and (nxt >= 0).any():
        nxt = np.where(nxt >= 0, nxt[nxt], -1)
        steps *= 2
    return not (nxt >= 0).any()


# --------------------------------------------------------------------------- #
# public functions
# --------------------------------------------------------------------------- #
def load_workbook(path: str | os.PathLike) -> Workbook:
    """Load and validate a workbook (``.xlsx`` file or folder of ``.csv`` files).

    Raises
    ------
    WorkbookError
        If anything is wrong; ``.problems`` lists every problem and nothing is loaded.
    """
    path = Path(path)
    raws_list, problems, label, notes = _read_raw(path)
    return _build(raws_list, problems, label, notes, source=str(path))


def validate_workbook(wb: Workbook, label: str | None = None) -> Workbook:
    """Check a workbook held in memory (edited, computed, or about to be stored) as if it were loaded.

    Each table is checked as the sheet it would be saved as (rows numbered from 2 below
    the header), with the same rules as :func:`load_workbook`. Returns the workbook as
    it would load back.

    Raises
    ------
    WorkbookError
        If it breaks the contract; nothing is changed.

    Examples
    --------
    >>> import planning
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> validate_workbook(wb).equals(wb)
    True
    >>> wb.orders.loc[0, "headcount"] = -3
    >>> try:
    ...     validate_workbook(wb, "方案甲")
    ... except WorkbookError as e:
    ...     print(e.problems[0].sentence("zh"))
    方案甲 工作表“需求订单”，第 2 行，“人数”列：值“-3”小于最小值 1。
    """
    label = label or (Path(wb.source).name if wb.source else "") or t("workbook.unsaved")
    raws = []
    for table, df in wb.tables().items():
        frame = pd.DataFrame({str(c): _as_text(df[c]) for c in df.columns}, index=pd.RangeIndex(len(df)))
        raws.append(_Raw(table, label, frame, held=True))
    return _build(raws, [], label, [], source=wb.source)


def _as_text(s: pd.Series) -> np.ndarray:
    """Any column as the text cells a file would hold ("" when empty), whatever its dtype holds."""
    if pd.api.types.is_datetime64_any_dtype(s):
        days = s.dt.strftime("%Y-%m-%d")
        return days.astype(object).where(days.notna(), "").to_numpy(dtype=object)
    if pd.api.types.is_bool_dtype(s):
        return np.where(s.to_numpy(dtype=bool), "true", "false").astype(object)
    o = s.to_numpy(dtype=object)
    missing = pd.isna(o)
    out = np.empty(len(o), dtype=object)
    out[:] = [_cell_text(v) if not isinstance(v, (int, np.integer)) else str(v) for v in o.tolist()]
    out[missing] = ""
    return out


def _build(raws_list: list[_Raw], problems: list[Problem], label: str, notes: list[Problem], *,
           source: str) -> Workbook:
    """Convert and check raw text tables; the typed workbook, or :class:`WorkbookError` with every problem."""
    col = _Collector()
    col.problems.extend(problems)
    col.notes.extend(notes)
    raws = {r.table: r for r in raws_list}
    for table, row in schema.tables().iterrows():
        if row["required"] and table not in raws and not problems:
            col.whole(label, table, None, "missing_table", table=f"{row['zh']}({table})")
    frames: dict[str, pd.DataFrame] = {}
    headers: dict[str, dict[str, str]] = {}
    ids: dict[str, pd.Index] = {}
    for table, raw in raws.items():
        found = _map_headers(raw, col)
        headers[table] = found
        specs = _specs(table)
        data = {}
        for c, row in specs:
            if c in found:
                data[c] = _convert(raw, c, row, found[c], col)
            else:
                data[c] = _default_column(row, len(raw.frame))
        extra = [h for h in raw.frame.columns if h not in found.values()]
        df = pd.DataFrame(data, index=pd.RangeIndex(len(raw.frame)), copy=False)  # fresh columns: no copy
        for h in extra:  # kept as written (the CSV escape of formula-like text undone, as for contract columns)
            df[str(h)] = csv_uncell_array(raw.column(h)) if raw.escaped else raw.column(h)
        if "id" in found:
            ids[table] = _check_unique(raw, df, found["id"], col)
        frames[table] = df
    if frames:
        fact: dict = {}  # factorised reference columns, shared by the checks
        refused = {p.table for p in problems if p.table}  # tables refused while reading: not looked up
        _check_refs(raws, frames, headers, col, ids, fact, refused)
        _check_sides(raws, frames, headers, col, fact)
        _check_periods(raws, frames, headers, col)
        _check_cycles(raws, frames, headers, col)
        check_grid(raws, frames, headers, col)
    if col.problems:
        raise WorkbookError(col.finish(), label)
    tables = {n: frames[n] if n in frames else empty_table(n) for n in schema.table_names()}
    _fill_assignment_dates(tables)
    return Workbook(**tables, source=source, notes=col.notes)


def _default_column(spec, n: int) -> pd.Series:
    ty, d = spec["type"], spec["default"]
    if ty == "int":
        return pd.Series(np.full(n, int(d)), dtype="int64") if d else pd.Series([pd.NA] * n, dtype="Int64")
    if ty == "bool":
        return pd.Series(np.full(n, d == "true"), dtype=bool)
    if ty == "float":
        return pd.Series(np.full(n, np.nan))
    if ty == "date":
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if d:
        return pd.Series([d] * n, dtype="str")
    return pd.Series([pd.NA] * n, dtype="str")


def _fill_assignment_dates(tables):
    a, o = tables["assignments"], tables["orders"]
    if a.empty:
        return
    od = None
    for c in ("start", "end"):
        if a[c].isna().any():
            if od is None:
                od = o.set_index("id")
            a[c] = a[c].fillna(a["order"].map(od[c])).astype("datetime64[ns]")


def check_workbook(path) -> list[Problem]:
    """Every problem of a workbook (an empty list when it loads)."""
    try:
        load_workbook(path)
    except WorkbookError as e:
        return e.problems
    return []


def _text_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """A table as text cells the loader reads back to the same values.

    Text columns (ids, names, references, values, lists and extra columns) lose control
    characters and carry a formula-like start behind a quote (:func:`planning.core.text.csv_cell`),
    which the loader removes again: no spreadsheet opening the CSV runs them.
    """
    from ..core.text import UNCLEAN
    from ..core.text import clean_text, csv_cell

    escape = ("=", "+", "-", "@", "\t", "\r", "'")

    def text(s: pd.Series) -> pd.Series:
        vals = s.tolist()
        ctrl = bool(vals) and UNCLEAN.search("".join(vals)) is not None
        hit = [i for i, x in enumerate(vals) if x[:1] in escape or (ctrl and UNCLEAN.search(x))]
        if not hit:
            return s
        vals = list(vals)
        for i in hit:
            vals[i] = csv_cell(clean_text(vals[i]))
        return pd.Series(vals, index=s.index, dtype=object)

    out = {}
    spec = schema.columns(table)
    for c in df.columns:
        s = df[c]
        ty = spec.loc[c, "type"] if c in spec.index else "str"
        if ty == "date":
            out[c] = s.dt.strftime("%Y-%m-%d").fillna("")
            if c in END_COLUMNS:  # an open end is written as offices write it
                out[c] = out[c].where(s.lt(OPEN_END) | s.isna(), OPEN_END_TEXT)
        elif ty == "bool":
            out[c] = s.map({True: "true", False: "false"}).fillna("")
        elif ty == "int":
            out[c] = s.astype("Int64").astype(str).replace("<NA>", "")
        elif ty == "float":
            out[c] = s.map(lambda x: "" if pd.isna(x) else repr(float(x)))
        else:
            out[c] = text(s.astype(object).where(s.notna(), "").astype(str).astype(object))
    return pd.DataFrame(out)


def save_workbook(wb: Workbook, path: str | os.PathLike, *, headers: str = "en") -> Path:
    """Write a workbook as ``.xlsx`` (path ends in .xlsx) or as a folder of CSVs.

    ``headers="zh"`` writes the template's ``中文(english)`` headers instead of the
    English names, and Chinese values as the template's dropdowns offer them
    (党政干部 for cadre, 是/否 for yes/no). Either loads back equal.

    Text is written as text, never as a formula: Excel cells of formula-like text are
    text cells with Excel's quote prefix, CSV cells carry it behind a quote the loader
    removes (:mod:`planning.core.text`). Control characters, which no file can hold, are
    dropped.
    """
    from ..core.text import UNCLEAN
    from ..core.text import clean_text, mark_text, needs_text_mark

    path = Path(path)
    tables = wb.tables()

    def as_text(df):
        """``df`` with its text cleaned, and the (row, column) positions of cells to keep as text."""
        marks = []
        for j, c in enumerate(df.columns):
            col = df.iloc[:, j]
            if col.dtype.kind in "biufcmM":
                continue
            vals = col.tolist()
            strs = [x for x in vals if isinstance(x, str)]
            if not strs:
                continue
            if UNCLEAN.search("".join(strs)):
                df.isetitem(j, pd.Series([clean_text(x) for x in vals], index=df.index, dtype=object))
                vals = df.iloc[:, j].tolist()
            marks += [(i, j) for i, x in enumerate(vals) if needs_text_mark(x)]
        return df, marks

    def head(table, df):
        if headers != "zh":
            return df
        spec = schema.columns(table)
        df = df.copy()
        for c in df.columns:
            if c not in spec.index:
                continue
            ty = spec.loc[c, "type"]
            if ty == "enum":
                df[c] = df[c].astype(object).map(lambda v: schema.value_label(v) if isinstance(v, str) else v)
            elif ty == "bool":
                df[c] = df[c].astype(object).map(lambda v: ("是" if v else "否") if isinstance(v, (bool, np.bool_))
                                                 else v)
        return df.rename(columns={c: schema.template_header(table, c) for c in df.columns if c in spec.index})

    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for table, df in tables.items():
                out = df.copy()
                for c in out.columns:
                    if c in schema.columns(table).index and schema.columns(table).loc[c, "type"] in ("id", "str", "ref", "list", "enum"):
                        out[c] = out[c].astype(object).where(out[c].notna(), None)
                    elif c in END_COLUMNS and pd.api.types.is_datetime64_any_dtype(out[c]) and out[c].ge(OPEN_END).any():
                        out[c] = out[c].astype(object).where(out[c].lt(OPEN_END) | out[c].isna(), OPEN_END_TEXT)
                name = schema.template_sheet(table) if headers == "zh" else table
                frame, marks = as_text(head(table, out))
                frame.to_excel(xw, sheet_name=name, index=False)
                ws = xw.sheets[name]
                for i, j in marks:  # openpyxl took these for formulas (or errors): text again
                    mark_text(ws.cell(row=i + 2, column=j + 1))
        return path
    path.mkdir(parents=True, exist_ok=True)
    for table, df in tables.items():
        head(table, _text_frame(table, df)).to_csv(path / f"{table}.csv", index=False, encoding="utf-8-sig")
    return path
