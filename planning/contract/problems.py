"""Problems found in a workbook and their sentences: :class:`Problem` (a code and its parameters), :class:`WorkbookError` (every problem at once) and the collector that keeps them readable at any scale.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import re
from dataclasses import dataclass

import pandas as pd

from . import schema
from ..core.limits import limits
from ..core.text import CONTROL, visible
from ..core.i18n import default_lang, t

if TYPE_CHECKING:
    from .raw import Raw


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
    for k in ("grade", "subject"):  # enumerated values of the results tables
        if k in out:
            out[k] = schema.value_label(str(out[k]), lang)
    for k in ("actual", "expected", "side", "region_side"):
        if k in out:
            out[k] = t(f"side.{out[k]}", lang)
    return out


def _short(v) -> str:
    """A value as a message quotes it: cut to 60 characters, control characters shown as ``�`` and other
    invisible characters and odd spaces by their code (``⟨U+3000⟩``), on one line."""
    s = visible(CONTROL.sub("\ufffd", str(v)).replace("\r", " ").replace("\n", " ").replace("\t", " "))
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


def first_line(e: Exception) -> str:
    s = str(e).strip().splitlines()
    return s[0] if s else type(e).__name__


class Collector:
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

    def add(self, raw: Raw, rows, column, values, code, **params):
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

    def note(self, raw: Raw, column, value, ident, rows: int):
        """Something the loader did for the planner (a name read as an id): said, never refused."""
        self.notes.append(Problem(raw.source, raw.table, None, column, str(value), "by_name",
                                  (("id", ident), ("n", rows), ("value", str(value))), raw.sheet))

    def normalised(self, raw: Raw, column, value, ident, rows: int):
        """An id written with full-width or compatibility characters, read in its standard form: said."""
        self.notes.append(Problem(raw.source, raw.table, None, column, str(value), "id_normalised",
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
