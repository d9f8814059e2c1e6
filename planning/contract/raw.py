"""Raw tables as the readers hand them over (every cell text, rows numbered as the planner sees them), and the header helpers both readers share.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .problems import Problem


#: A row of an .xlsx whose first cell starts with this is one of the template's examples, not data: the
#: loader skips it.
EXAMPLE_MARK = "【示例】"


@dataclass
class Raw:
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


def norm_name(s: str) -> str:
    return re.sub(r"\s+", "", str(s)).lower()


def match_table(name: str) -> str | None:
    """Contract table named by a file stem or sheet name (English, Chinese, template)."""
    n = norm_name(name)
    m = re.search(r"[(（]([a-z_]+)[)）]$", n)
    if m:
        n = m.group(1)
    tb = schema.tables()
    for table, zh in zip(tb.index, tb["zh"]):
        if n in (table, zh.lower()):
            return table
    return None


def too_big(source: str, size: int, limit: int, code: str = "too_big") -> Problem:
    mb = lambda n: f"{n / (1 << 20):,.0f}" if n >= 1 << 20 else f"{n / (1 << 20):.2f}"  # noqa: E731
    return Problem(source, "", None, None, None, code, (("limit", mb(limit)), ("size", mb(size))))


def repeated_headers(headers: list[str], source: str, table: str, sheet: str | None) -> list[Problem]:
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


def column_letter(i: int) -> str:
    """Excel's name of the column at 0-based position ``i`` (A, B, …, XFD)."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def headless_columns(frame: pd.DataFrame, head: list[str] | None) -> tuple[pd.DataFrame, list[tuple[str, int]]]:
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
            dropped.append((column_letter(i), n))
    keep = [i for i in range(frame.shape[1]) if i not in set(blank)]
    return frame.iloc[:, keep], dropped
