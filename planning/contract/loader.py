"""Loading and validating a workbook: read raw tables → map headers → convert columns → check across tables → typed tables, or one :class:`WorkbookError` listing every problem.

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

import os
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from ..core.text import csv_uncell_array
from .grid_rules import check_grid
from .results_rules import check_results
from ..core.i18n import t
from .checks import check_cycles, check_periods, check_refs, check_rotation, check_sides, check_unique
from .columns import column_specs, convert_column, map_headers
from .csv_reader import read_folder
from .problems import Collector, Problem, WorkbookError
from .raw import Raw
from .workbook import Workbook, empty_table
from .xlsx_reader import cell_text, read_xlsx


def _read_raw(path: Path) -> tuple[list[Raw], list[Problem], str, list[Problem]]:
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
        raws, problems, notes = read_folder(path)
        return raws, problems, str(path), notes
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raws, problems, notes = read_xlsx(path, label)
        return raws, problems, label, notes
    return [], [Problem(label, "", None, None, None, "not_workbook")], label, []


def load_workbook(path: str | os.PathLike) -> Workbook:
    """Load and validate a workbook (``.xlsx`` file or folder of ``.csv`` files).

    Raises
    ------
    WorkbookError
        If anything is wrong; ``.problems`` lists every problem and nothing is loaded.
    """
    if not isinstance(path, (str, os.PathLike)) or (isinstance(path, str) and not path.strip()):
        shown = repr(path) if not isinstance(path, str) else "“”"
        raise WorkbookError([Problem(shown[:60], "", None, None, None, "not_a_path",
                                     (("kind", type(path).__name__),))], shown[:60])
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
        raws.append(Raw(table, label, frame, held=True))
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
    out[:] = [cell_text(v) if not isinstance(v, (int, np.integer)) else str(v) for v in o.tolist()]
    out[missing] = ""
    return out


def _build(raws_list: list[Raw], problems: list[Problem], label: str, notes: list[Problem], *,
           source: str) -> Workbook:
    """Convert and check raw text tables; the typed workbook, or :class:`WorkbookError` with every problem."""
    col = Collector()
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
        found = map_headers(raw, col)
        headers[table] = found
        specs = column_specs(table)
        data = {}
        for c, row in specs:
            if c in found:
                data[c] = convert_column(raw, c, row, found[c], col)
            else:
                data[c] = _default_column(row, len(raw.frame))
        extra = [h for h in raw.frame.columns if h not in found.values()]
        df = pd.DataFrame(data, index=pd.RangeIndex(len(raw.frame)), copy=False)  # fresh columns: no copy
        for h in extra:  # kept as written (the CSV escape of formula-like text undone, as for contract columns)
            df[str(h)] = csv_uncell_array(raw.column(h)) if raw.escaped else raw.column(h)
        if "id" in found:
            ids[table] = check_unique(raw, df, found["id"], col)
        frames[table] = df
    if frames:
        fact: dict = {}  # factorised reference columns, shared by the checks
        refused = {p.table for p in problems if p.table}  # tables refused while reading: not looked up
        check_refs(raws, frames, headers, col, ids, fact, refused)
        check_sides(raws, frames, headers, col, fact)
        check_periods(raws, frames, headers, col)
        check_cycles(raws, frames, headers, col)
        check_rotation(raws, frames, headers, col)
        check_grid(raws, frames, headers, col)
        check_results(raws, frames, headers, col)
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
