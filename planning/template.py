"""The empty workbook template planners fill in Excel or WPS.

One sheet per table with ``中文(english)`` headers, a dropdown on every
enumerated and yes/no column, and a first sheet (说明) describing each column in
Chinese. Everything is read from the contract tables in :mod:`planning.schema`.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook as XLWorkbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import schema

TYPE_ZH = {"id": "编号", "str": "文本", "ref": "引用编号", "int": "整数", "float": "数字", "bool": "是/否",
           "date": "日期(YYYY-MM-DD)", "enum": "下拉选择", "list": "编号列表(分号分隔)"}
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
REQ_FILL = PatternFill("solid", fgColor="FCE4D6")
MAX_ROWS = 5000


def write_template(path) -> Path:
    """Write the empty template workbook to ``path`` (.xlsx)."""
    path = Path(path)
    xl = XLWorkbook()
    guide = xl.active
    guide.title = "说明"
    guide.append(["表", "表名", "列", "列名", "类型", "必填", "可选值", "默认值", "说明"])
    for c in guide[1]:
        c.font = Font(bold=True)
        c.fill = HEAD_FILL
    for table, trow in schema.tables().iterrows():
        for col, spec in schema.columns(table).iterrows():
            allowed = "、".join(f"{schema.value_label(v)}({v})" for v in schema.allowed(table, col))
            rng = ""
            if spec["min"] or spec["max"]:
                rng = f"范围 {spec['min'] or '…'}–{spec['max'] or '…'}"
            guide.append([
                table, trow["zh"], col, spec["zh"], TYPE_ZH[spec["type"]], "是" if spec["required"] else "否",
                allowed or rng, spec["default"], spec["description_zh"],
            ])
    for i, w in enumerate([12, 10, 16, 12, 18, 6, 40, 10, 48], start=1):
        guide.column_dimensions[get_column_letter(i)].width = w
    guide.freeze_panes = "A2"

    for table, trow in schema.tables().iterrows():
        ws = xl.create_sheet(schema.template_sheet(table))
        cols = schema.columns(table)
        ws.append([schema.template_header(table, c) for c in cols.index])
        for j, (col, spec) in enumerate(cols.iterrows(), start=1):
            cell = ws.cell(row=1, column=j)
            cell.font = Font(bold=True)
            cell.fill = REQ_FILL if spec["required"] else HEAD_FILL
            cell.alignment = Alignment(horizontal="center")
            letter = get_column_letter(j)
            ws.column_dimensions[letter].width = max(12, 2 * len(spec["zh"]) + len(col) + 4)
            values = None
            if spec["type"] == "enum":
                values = [schema.value_label(v) for v in schema.allowed(table, col)]
            elif spec["type"] == "bool":
                values = ["是", "否"]
            if values:
                dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                                    showErrorMessage=True, errorTitle="无效的值",
                                    error="请从下拉列表中选择：" + "、".join(values))
                dv.add(f"{letter}2:{letter}{MAX_ROWS}")
                ws.add_data_validation(dv)
            elif spec["type"] == "date":
                for r in range(2, 3):
                    ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    xl.save(path)
    return path
