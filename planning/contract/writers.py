"""Writing a workbook back as ``.xlsx`` or a folder of ``.csv`` that loads back equal.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from ..core.clock import OPEN_END, OPEN_END_TEXT
from .dates import END_COLUMNS
from .workbook import Workbook


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


def template_columns(wb: Workbook, *, headers: str = "en"):
    """The workbook's tables cell by cell as :func:`save_workbook` writes them to ``.xlsx``, for a writer of its
    own: ``(sheet, header, columns)`` per table, ``columns`` a list of values per column.

    With ``headers="zh"`` the template's sheet names, ``中文(english)`` headers and Chinese values (党政干部,
    是/否); an open end as 长期 (:data:`planning.core.clock.OPEN_END_TEXT`); dates as ``datetime``; a missing
    value as None. Texts are as the table holds them: the writer cleans them and keeps them text.
    """
    for table, df in wb.tables().items():
        types = _column_types(table)
        zh = headers == "zh"
        head, cols = [], []
        for c, s in df.items():
            ty = types.get(c)
            if not len(s):  # an empty table: its header only (many a cut holds several)
                head.append(schema.template_header(table, c) if zh and ty is not None else c)
                cols.append([])
                continue
            vals = s.tolist()
            if s.dtype.kind == "M":
                end = c in END_COLUMNS
                vals = [None if x is pd.NaT or x is None else OPEN_END_TEXT if end and x >= OPEN_END
                        else x.to_pydatetime() for x in vals]
            else:
                vals = [None if x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and x != x)
                        else x for x in vals]
                if zh and ty == "enum":
                    vals = [schema.value_label(x) if isinstance(x, str) else x for x in vals]
                elif zh and ty == "bool":
                    vals = [("是" if x else "否") if isinstance(x, (bool, np.bool_)) else x for x in vals]
            head.append(schema.template_header(table, c) if zh and ty is not None else c)
            cols.append(vals)
        yield (schema.template_sheet(table) if zh else table), head, cols


_TYPES: dict[str, dict] = {}


def _column_types(table: str) -> dict:
    """The contract's type of each column of ``table`` (made once)."""
    if table not in _TYPES:
        _TYPES[table] = schema.columns(table)["type"].to_dict()
    return _TYPES[table]
