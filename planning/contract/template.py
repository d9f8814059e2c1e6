"""The empty workbook template planners fill in Excel or WPS.

A first sheet (说明) with the order to fill the sheets in and every column in
Chinese; one sheet per table with ``中文(english)`` headers, example rows the
loader skips, an input prompt and a check on every column (dropdowns of allowed
values, of sectors and of the ids already entered in the referenced table; date
and number ranges); a lists sheet holding the sectors. Everything is read from
the contract tables in :mod:`planning.contract.schema`.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook as XLWorkbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

import pandas as pd

from . import schema
from ..core.text import append_row
from ..core.i18n import SECTORS_ZH_EN
from .raw import EXAMPLE_MARK

TYPE_ZH = {"id": "编号", "str": "文本", "ref": "引用编号", "int": "整数", "float": "数字", "bool": "是/否",
           "date": "日期(YYYY-MM-DD)", "enum": "下拉选择", "list": "编号列表(分号分隔)"}
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
REQ_FILL = PatternFill("solid", fgColor="FCE4D6")
MAX_ROWS = 5000
EXAMPLE_FONT = Font(italic=True, color="808080")


LISTS_SHEET = "下拉列表(lists)"
#: Columns that name a sector: they all offer the one sectors list of the lists sheet.
SECTOR_COLUMNS = {("people", "sector"), ("orders", "sector"), ("pairings", "sector"), ("local_staff", "sector"),
                  ("indicator_definitions", "sector"),
                  ("quotas", "sector"), ("sender_staff", "sector")}
EXAMPLE_ROWS = 2


def _examples(table: str) -> list[list]:
    """A few rows of the shipped sample for ``table``, marked as examples (the loader skips them)."""
    from ..core.utils import SAMPLE
    from .loader import load_workbook

    try:
        df = getattr(load_workbook(SAMPLE), table).head(EXAMPLE_ROWS)
    except Exception:  # no sample at hand: a template without examples is still a template
        return []
    cols = schema.columns(table)
    rows = []
    for rec in df.to_dict("records"):
        row = []
        for c, spec in cols.iterrows():
            v = rec.get(c)
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                v = None
            elif spec["type"] == "enum":
                v = schema.value_label(str(v))
            elif spec["type"] == "bool":
                v = "是" if bool(v) else "否"
            elif spec["type"] == "date":
                v = pd.Timestamp(v).date()
            elif hasattr(v, "item"):
                v = v.item()
            row.append(v)
        if row:
            row[0] = EXAMPLE_MARK + str(row[0] if row[0] is not None else "")
        rows.append(row)
    return rows


def _validation(table: str, col: str, spec, sheet_of: dict) -> DataValidation:
    """The column's check and input prompt: a list (values, sectors or the ids of the table it names),
    a date or number range, or a prompt alone."""
    title = str(spec["zh"])[:32]
    prompt = str(spec["description_zh"] or spec["zh"])[:250]
    kw = dict(allow_blank=True, showInputMessage=True, promptTitle=title, prompt=prompt, showErrorMessage=True,
              errorTitle="无效的值")
    ty = spec["type"]
    if ty == "enum" or ty == "bool":
        values = [schema.value_label(v) for v in schema.allowed(table, col)] if ty == "enum" else ["是", "否"]
        return DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                              error="请从下拉列表中选择：" + "、".join(values), **kw)
    if (table, col) in SECTOR_COLUMNS:
        return DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!$A$2:$A$200",
                              error="请从下拉列表中选择行业（可在“下拉列表”表中增加）", **kw)
    if ty == "ref":
        targets = schema.references(table, col)
        if len(targets) == 1 and targets[0] in sheet_of:
            return DataValidation(type="list", formula1=f"'{sheet_of[targets[0]]}'!$A$2:$A${MAX_ROWS}",
                                  error=f"请选择“{schema.table_label(targets[0])}”表中已有的编号", **kw)
        return DataValidation(**kw)
    if ty == "date":
        return DataValidation(type="date", operator="between", formula1="DATE(1990,1,1)",
                              formula2="DATE(2100,12,31)", error="请填写 1990 年至 2100 年之间的日期（YYYY-MM-DD）",
                              **kw)
    if ty in ("int", "float"):
        lo = spec["min"] if spec["min"] not in (None, "") and not pd.isna(spec["min"]) else None
        hi = spec["max"] if spec["max"] not in (None, "") and not pd.isna(spec["max"]) else None
        kind = "whole" if ty == "int" else "decimal"
        if lo is not None and hi is not None:
            return DataValidation(type=kind, operator="between", formula1=str(lo), formula2=str(hi),
                                  error=f"请填写 {lo} 到 {hi} 之间的{'整数' if ty == 'int' else '数字'}", **kw)
        if lo is not None:
            return DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(lo),
                                  error=f"请填写不小于 {lo} 的{'整数' if ty == 'int' else '数字'}", **kw)
        return DataValidation(type=kind, operator="between", formula1="-1000000000", formula2="1000000000",
                              error="请填写数字", **kw)
    return DataValidation(**kw)


def write_template(path) -> Path:
    """Write the template workbook to ``path`` (.xlsx).

    说明 first (the order to fill the sheets in, then every column), one sheet per
    table with ``中文(english)`` headers, a few example rows marked 【示例】 (the
    loader skips them), and on every column its input prompt and check: a dropdown
    of allowed values, of sectors (the lists sheet, which every sector column uses),
    or of the ids already entered in the table a reference names; a date or number
    range otherwise.
    """
    path = Path(path)
    xl = XLWorkbook()
    guide = xl.active
    guide.title = "说明"
    tables = schema.tables()
    order = "  →  ".join(f"{i}. {trow['zh']}" for i, (_, trow) in enumerate(tables.iterrows(), start=1))
    append_row(guide, ["填写顺序", order])
    append_row(guide, ["", "先填被引用的表（地区、单位），再填引用它们的表；下拉列表里的编号来自已填写的表。"
                      "以“【示例】”开头的行是示例，载入时忽略，可以删除。行业请从“下拉列表”表选择，也可在那里增加。"])
    append_row(guide, [])
    append_row(guide, ["表", "表名", "列", "列名", "类型", "必填", "可选值", "默认值", "说明"])
    for c in guide[4]:
        c.font = Font(bold=True)
        c.fill = HEAD_FILL
    guide["A1"].font = Font(bold=True)
    for r in (1, 2):  # the order and the notes read across the sheet's width
        guide.merge_cells(start_row=r, start_column=2, end_row=r, end_column=9)
        guide.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
    guide.row_dimensions[2].height = 32
    for table, trow in tables.iterrows():
        for col, spec in schema.columns(table).iterrows():
            allowed = "、".join(f"{schema.value_label(v)}({v})" for v in schema.allowed(table, col))
            rng = ""
            if spec["min"] or spec["max"]:
                rng = f"范围 {spec['min'] or '…'}–{spec['max'] or '…'}"
            if (table, col) in SECTOR_COLUMNS:
                rng = "从“下拉列表”表的行业中选择"
            append_row(guide, [
                table, trow["zh"], col, spec["zh"], TYPE_ZH[spec["type"]], "是" if spec["required"] else "否",
                allowed or rng, spec["default"], spec["description_zh"],
            ])
    for i, w in enumerate([12, 10, 16, 12, 18, 6, 40, 10, 48], start=1):
        guide.column_dimensions[get_column_letter(i)].width = w
    guide.freeze_panes = "A5"

    sheet_of = {table: schema.template_sheet(table) for table in tables.index}
    for table, trow in tables.iterrows():
        ws = xl.create_sheet(sheet_of[table])
        cols = schema.columns(table)
        append_row(ws, [schema.template_header(table, c) for c in cols.index], 1)
        for r, row in enumerate(_examples(table), start=2):  # text as text cells, never a formula
            append_row(ws, row, r)
            for cell in ws[r]:
                cell.font = EXAMPLE_FONT
        for j, (col, spec) in enumerate(cols.iterrows(), start=1):
            cell = ws.cell(row=1, column=j)
            cell.font = Font(bold=True)
            cell.fill = REQ_FILL if spec["required"] else HEAD_FILL
            cell.alignment = Alignment(horizontal="center")
            letter = get_column_letter(j)
            ws.column_dimensions[letter].width = max(12, 2 * len(spec["zh"]) + len(col) + 4)
            dv = _validation(table, col, spec, sheet_of)
            dv.add(f"{letter}2:{letter}{MAX_ROWS}")
            ws.add_data_validation(dv)
            if spec["type"] == "date":  # the examples show dates as planners write them
                for r in range(2, ws.max_row + 1):
                    ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
    lists = xl.create_sheet(LISTS_SHEET)
    append_row(lists, ["行业"], 1)
    lists["A1"].font = Font(bold=True)
    lists["A1"].fill = HEAD_FILL
    for r, sector in enumerate(SECTORS_ZH_EN, start=2):
        append_row(lists, [sector], r)
    lists.column_dimensions["A"].width = 16
    path.parent.mkdir(parents=True, exist_ok=True)
    xl.save(path)
    return path


def column_validation(table: str, col: str, sheet_of: dict | None = None) -> DataValidation:
    """The template's input prompt and check for one column (a new object, not yet added to a sheet).

    ``sheet_of`` maps tables to the sheets holding their ids (for a reference's dropdown);
    without it a reference column gets its prompt alone.
    """
    return _validation(table, col, schema.columns(table).loc[col], sheet_of or {})
