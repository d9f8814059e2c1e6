"""Sender packages: one file per sending city or unit with its task, its people and a nominations sheet; and its reply.

The provincial headquarters tells each sender what it must put forward for a batch
(design §9) and takes its nominations back. A sender's package holds, about itself only
(:func:`planning.programme.senders.sender_people`):

* its task by batch and sector (:func:`planning.programme.senders.sender_tasks`): seats,
  quota, nominated, shortfall, and the senders it shares a task with, by name;
* its people on post or planned, with their end dates, those whose term ends within the
  next batch's window marked;
* a nominations sheet in the template's form (``援派人员(people)``: the people table's
  columns a sender fills, ``中文(english)`` headers, each column's prompt and check,
  dropdowns of nomination status, batches and of its own sending units only), with a
  lists sheet the dropdowns read and a short guide.

:func:`merge_sender_reply` takes the file back: the sender's people are changed and new
people added, nothing else. A reply naming a person of another sender, a sending unit
outside the sender, a column the sheet does not carry, a selection decided by the
headquarters, or breaking the contract is refused with one sentence (file, sheet, row,
column, what is wrong) and changes nothing. Text is read as stored: a formula is never
evaluated, one without a stored value is refused.

Examples
--------
>>> import os, tempfile, planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> path = write_sender_package(wb, "ZJ-HZ-CA", os.path.join(tempfile.mkdtemp(), "p.xlsx"))
>>> merge_sender_reply(wb, path, "ZJ-HZ-CA").equals(wb)   # sent back untouched: nothing changes
True
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..contract import Workbook, schema
from ..contract.checks import check_unique
from ..contract.columns import convert_column, map_headers
from ..contract.loader import validate_workbook
from ..contract.problems import Collector, Problem, WorkbookError
from ..contract.template import HEAD_FILL, LISTS_SHEET, MAX_ROWS, REQ_FILL, column_validation
from ..contract.xlsx_reader import read_xlsx
from ..core.clock import OPEN_END, OPEN_END_TEXT, today
from ..core.hierarchy import source_city
from ..core.i18n import SECTORS_ZH_EN, default_lang, sector_label, t
from ..core.live import live_assignments
from ..core.names import names
from ..programme.senders import batch_windows, next_batch, sender_people, sender_tasks
from .excel import XlsxBook, written
from .labels import data_name
from .packages import ReplyError, file_stems
from .reports import report_line

#: The people table's columns a sender fills on its nominations sheet, in the contract's order. The
#: headquarters' own columns (programme type, wishes, grid cell, vetting) are not the sender's.
NOMINATION_COLUMNS = tuple(c for c in schema.columns("people").index if c in {
    "id", "name", "sending_unit", "category", "sector", "skill", "level", "can_lead", "available_from",
    "available_to", "birth_date", "rank", "title", "party_status", "party_joined", "work_started", "medical_date",
    "medical_result", "altitude_clearance", "phone", "email", "nomination", "batch"})
#: Nomination statuses only the headquarters sets: a sender's reply may not change a person to or from them.
DECIDED = ("selected", "not_selected")
NOMINATIONS_SHEET = schema.template_sheet("people")
#: Where the lists sheet keeps the dropdowns' values: sectors (as the template), the sender's units, batches.
LIST_COLUMNS = {"sector": "A", "unit": "C", "unit_name": "D", "batch": "E", "batch_name": "F"}
#: The months ahead in which a term end counts as leaving when no batch is ahead.
LEAVING_MONTHS = 12


def package_senders(wb) -> list[str]:
    """The senders that get a package, by id: each with a task or a quota in some batch, and each
    source city of people (:func:`planning.core.hierarchy.source_city`: a unit with no city above
    is its own)."""
    tasks = sender_tasks(wb)
    found = set(tasks["sender"]) | set(wb.quotas["sender"].astype(str)) | set(source_city(wb).astype(str))
    return sorted(found)


def _batch_names(wb) -> pd.Series:
    b = wb.batches
    return pd.Series(b["name"].where(b["name"].notna(), b["id"]).astype(str).to_numpy(), index=b["id"].to_numpy())


def sender_task_view(wb, sender: str, lang: str | None = None, tasks: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sender's task by batch and sector, headed and named in ``lang`` (the senders it shares with by name)."""
    lang = lang or default_lang()
    tasks = sender_tasks(wb) if tasks is None else tasks
    mine = tasks[tasks["sender"].eq(sender)]
    nm = names(wb)
    dispatch = dict(zip(batch_windows(wb)["batch"], batch_windows(wb)["dispatch"]))
    yes, no = t("spkg.quota.given", lang), t("spkg.quota.derived", lang)
    cols = {
        "batch": mine["batch"].map(_batch_names(wb)).fillna(mine["batch"]),
        "dispatch": pd.Series([pd.Timestamp(dispatch[b]).date() if b in dispatch else None for b in mine["batch"]],
                              dtype=object),
        "sector": mine["sector"].map(lambda s: sector_label(s, lang)),
        "seats": mine["seats"], "shared_seats": mine["shared_seats"],
        "shared_with": mine["shared_with"].map(lambda s: "、".join(str(nm.get(x, x)) for x in s.split(";") if x)),
        "quota": mine["quota"], "quota_given": mine["quota_given"].map({True: yes, False: no}),
        "nominated": mine["nominated"], "shortfall": mine["shortfall"],
    }
    out = pd.DataFrame({t(f"spkg.col.{k}", lang): v.to_numpy() for k, v in cols.items()})
    return out.reset_index(drop=True)


def leaving_by(wb, on=None) -> pd.Timestamp:
    """The day up to which a term end counts as leaving: the next batch's window end, or 12 months ahead."""
    on = today() if on is None else pd.Timestamp(on)
    b = next_batch(wb, on)
    if b is not None:
        return pd.Timestamp(batch_windows(wb).set_index("batch").at[b, "window_end"])
    return on + pd.DateOffset(months=LEAVING_MONTHS)


def sender_people_view(wb, people, lang: str | None = None) -> pd.DataFrame:
    """The sender's people on post or planned from today on: where, from when, until when, and who is leaving.

    ``people``: the sender's person ids (:func:`planning.programme.senders.sender_people`). A person
    leaves when their posting ends by :func:`leaving_by`; sorted by end, then name.
    """
    lang = lang or default_lang()
    on = today()
    live = live_assignments(wb, on, None)
    live = live[live["person"].isin(set(people))]
    p = wb.people.set_index("id")
    o = wb.orders.set_index("id")
    nm = names(wb)
    until = leaving_by(wb, on)
    end = live["end"]
    rows = pd.DataFrame({
        "name": live["person"].map(p["name"]).to_numpy(),
        "sending_unit": live["person"].map(p["sending_unit"]).map(nm).to_numpy(),
        "sector": live["person"].map(p["sector"]).map(lambda s: sector_label(s, lang)).to_numpy(),
        "skill": live["person"].map(p["skill"]).to_numpy(),
        "host_unit": live["order"].map(o["host_unit"]).map(nm).to_numpy(),
        "start": live["start"].dt.date.to_numpy(),
        "end": end.where(end.lt(OPEN_END)).dt.date.to_numpy(),
        "status": np.where(live["start"].le(on), t("spkg.status.on_post", lang), t("spkg.status.planned", lang)),
        "leaving": np.where(end.le(until), t("spkg.leaving.yes", lang), ""),
        "_end": end.to_numpy(),
    }).sort_values(["_end", "name"], kind="stable").drop(columns="_end")
    return rows.rename(columns={c: t(f"spkg.col.{c}", lang) for c in rows.columns}).reset_index(drop=True)


def _cell_value(v, ty: str, lang: str):
    """A people-table value as the nominations sheet writes it (as the template's dropdowns offer it)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if ty == "enum":
        return schema.value_label(str(v), lang)
    if ty == "bool":
        return (("是" if v else "否") if lang == "zh" else ("yes" if v else "no"))
    if ty == "date":
        ts = pd.Timestamp(v)
        return OPEN_END_TEXT if ts >= OPEN_END else ts.date()
    if ty in ("int", "float"):
        return v.item() if hasattr(v, "item") else v
    return str(v)


def _nominations_sheet(book, wb, sender: str, people: list[str], units: list[str], lang: str) -> None:
    """Add the nominations sheet (the template's people sheet, cut to the sender's columns and people) and its
    lists to ``book`` (:class:`planning.outputs.excel.XlsxBook`)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    nm = names(wb)
    head_fill, req_fill = "#" + HEAD_FILL.fgColor.rgb[-6:], "#" + REQ_FILL.fgColor.rgb[-6:]
    b = wb.batches
    ws = book.sheet(NOMINATIONS_SHEET)
    spec = schema.columns("people").loc[list(NOMINATION_COLUMNS)]
    rows = wb.people.set_index("id").loc[people].reset_index()
    types = list(spec["type"])
    ref_list = {"sending_unit": f"'{LISTS_SHEET}'!${LIST_COLUMNS['unit']}$2:${LIST_COLUMNS['unit']}${len(units) + 1}",
                "batch": f"'{LISTS_SHEET}'!${LIST_COLUMNS['batch']}$2:${LIST_COLUMNS['batch']}${len(b) + 1}"}
    for j, (col, s) in enumerate(spec.iterrows()):
        book.cell(ws, 0, j, schema.template_header("people", col), bold=True, pattern=1,
                  bg_color=req_fill if s["required"] else head_fill, align="center")
        values = rows[col].tolist()
        date = "yyyy-mm-dd" if s["type"] == "date" else None
        for r, v in enumerate(values, start=1):
            book.cell(ws, r, j, _cell_value(v, types[j], lang), date)
        letter = get_column_letter(j + 1)
        ws.set_column(j, j, max(12, 2 * len(s["zh"]) + len(col) + 4))
        dv = column_validation("people", col)
        if col in ref_list:
            dv = DataValidation(type="list", formula1=ref_list[col], allow_blank=True, showInputMessage=True,
                                promptTitle=dv.promptTitle, prompt=dv.prompt, showErrorMessage=True,
                                errorTitle=dv.errorTitle, error=t(f"spkg.pick.{col}", "zh"))
        elif s["type"] in ("enum", "bool") and lang != "zh":
            values = schema.allowed("people", col) if s["type"] == "enum" else ["yes", "no"]
            dv.formula1 = '"' + ",".join(values) + '"'
        if lang != "zh":
            dv.promptTitle, dv.prompt = col[:32], str(s["description_en"])[:250]
            dv.errorTitle, dv.error = "Invalid value", t(f"spkg.pick.{col}" if col in ref_list else "spkg.pick.any",
                                                         "en")
        book.validate(ws, f"{letter}2:{letter}{MAX_ROWS}", dv)
    ws.freeze_panes(1, 0)

    lists = book.sheet(LISTS_SHEET)
    head = [t("spkg.list.sector", lang), None, t("spkg.list.unit", lang), t("spkg.list.name", lang),
            t("spkg.list.batch", lang), t("spkg.list.name", lang)]
    for j, h in enumerate(head):
        if h is None:
            lists.write_blank(0, j, None, book.fmt(bold=True, pattern=1, bg_color=head_fill))
        else:
            book.cell(lists, 0, j, h, bold=True, pattern=1, bg_color=head_fill)
    bnames = _batch_names(wb)
    sectors = list(SECTORS_ZH_EN)
    for r in range(max(len(sectors), len(units), len(b))):
        for j, v in enumerate([sectors[r] if r < len(sectors) else None, None,
                               units[r] if r < len(units) else None,
                               str(nm.get(units[r], units[r])) if r < len(units) else None,
                               b["id"].iloc[r] if r < len(b) else None, bnames.iloc[r] if r < len(b) else None]):
            book.cell(lists, r + 1, j, v)
    for j in (0, 2, 3, 4, 5):  # A, C, D, E, F
        lists.set_column(j, j, 18)


def write_sender_package(wb: Workbook, sender: str, path, *, lang: str | None = None, data: str | None = None,
                         tasks: pd.DataFrame | None = None) -> Path:
    """Write the sender's package to ``path`` (.xlsx); returns the path.

    Sheets: 本方选派任务 (its task by batch and sector), 本方在岗与期满人员 (its people on post or
    planned, end dates, those leaving marked), 填写说明 (how to reply), each with a title line;
    then 援派人员(people), the nominations sheet in the template's form, and the lists its
    dropdowns read. Nothing about other senders' people or units is inside; the senders it shares
    a task with are named on the task sheet.
    """
    lang = lang or default_lang()
    path = Path(path)
    people, units = sender_people(wb, sender)
    who = str(names(wb).get(sender, sender))
    data = data if data is not None else data_name(wb, lang)
    task = sender_task_view(wb, sender, lang, tasks)
    posted = sender_people_view(wb, people, lang)
    guide = pd.DataFrame({t("spkg.col.guide", lang): [t(f"spkg.guide.{i}", lang, sheet=NOMINATIONS_SHEET)
                                                      for i in range(1, 6)]})
    sheets = [(t("spkg.sheet.task", lang), task), (t("spkg.sheet.people", lang), posted),
              (t("spkg.sheet.guide", lang), guide)]
    line = report_line(t("spkg.title", lang, sender=who), lang, data=data, filters=who)
    with written(path) as tmp:  # the package appears whole or not at all, written in one pass
        book = XlsxBook(tmp)
        book.report_sheets(sheets, title_line=line, landscape=True, page_header=line)
        _nominations_sheet(book, wb, sender, people, units, lang)
        book.close()
    return path


def write_sender_packages(wb: Workbook, folder, senders=None, *, lang: str | None = None,
                          data: str | None = None) -> list[Path]:
    """One package per sender (:func:`package_senders`, or those in ``senders``) in ``folder``; the files written.

    File names are the senders' names (made safe), told apart by their ids when two names give the same one.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    senders = package_senders(wb) if senders is None else list(senders)
    tasks = sender_tasks(wb)
    nm = names(wb)
    return [write_sender_package(wb, s, folder / f"{safe}-{today():%Y%m%d}.xlsx", lang=lang, data=data, tasks=tasks)
            for s, safe in zip(senders, file_stems(senders, nm))]


def _refuse(problem: Problem, lang: str):
    raise ReplyError(problem.sentence(lang))


def merge_sender_reply(wb: Workbook, path, sender: str, lang: str | None = None) -> Workbook:
    """The programme with the sender's reply taken in: its people changed, new people added.

    ``path`` is the sender's package as it came back (.xlsx); only its nominations sheet
    (援派人员(people)) is read, and only the columns it carries are taken: for a person of
    the sender, those columns are replaced by the reply's (an empty cell empties the
    value); a new id adds a person (the other columns take the contract's defaults). A
    person the reply leaves out is kept as is (to withdraw one, set the status to 已退出).

    Raises :class:`~planning.outputs.packages.ReplyError` with one sentence (the file,
    sheet, row and column, what is wrong) when the file is no reply, holds other sheets of
    the contract, a column the sheet does not carry or a value the contract refuses, names
    a person of another sender or a sending unit outside the sender, sets or undoes a
    selection (已选中, 未选中: the headquarters decides), or when the programme with the
    reply taken in would break the contract. Nothing is changed then.
    """
    lang = lang or default_lang()
    path = Path(path)
    label = path.name or str(path)
    who = str(names(wb).get(sender, sender))
    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        raise ReplyError(t("spkg.reply.not_xlsx", lang, file=label))
    raws, problems, _ = read_xlsx(path, label)
    problems = [p for p in problems if p.code != "no_tables"]  # no sheet of the contract: said below
    if problems:
        _refuse(problems[0], lang)
    other = [r for r in raws if r.table != "people"]
    if other:
        raise ReplyError(t("spkg.reply.other_sheet", lang, file=label, sheet=other[0].sheet))
    raw = next((r for r in raws if r.table == "people"), None)
    if raw is None:
        raise ReplyError(t("spkg.reply.no_sheet", lang, file=label, sheet=NOMINATIONS_SHEET))
    col = Collector()
    found = map_headers(raw, col)
    for h in raw.frame.columns:  # a column the sheet does not carry: the headquarters' or nobody's
        c = next((k for k, v in found.items() if v == h), None)
        if c is None or c not in NOMINATION_COLUMNS:
            _refuse(Problem(label, "people", None, str(h), None, "reply_column", (), raw.sheet), lang)
    if col.problems:
        _refuse(col.problems[0], lang)
    spec = schema.columns("people")
    reply = pd.DataFrame({c: convert_column(raw, c, spec.loc[c], h, col) for c, h in found.items()})
    check_unique(raw, reply, found["id"], col)
    if col.problems:
        _refuse(min(col.problems, key=lambda p: p.row or 0), lang)

    own_people, own_units = sender_people(wb, sender)
    mine, units = set(own_people), set(own_units)
    known = pd.Index(wb.people["id"])
    ids = reply["id"].astype(object).to_numpy()
    rows = np.asarray(raw.rows)
    wrong: list[Problem] = []
    elsewhere = np.array([x in known and x not in mine for x in ids], dtype=bool)
    for i in np.flatnonzero(elsewhere):
        wrong.append(Problem(label, "people", int(rows[i]), found["id"], str(ids[i]), "reply_other_person",
                             (("sender", who),), raw.sheet))
    if "sending_unit" in found:
        su = reply["sending_unit"].astype(object).to_numpy()
        for i in np.flatnonzero([isinstance(x, str) and x not in units for x in su]):
            wrong.append(Problem(label, "people", int(rows[i]), found["sending_unit"], str(su[i]),
                                 "reply_unit_outside", (("sender", who),), raw.sheet))
    if "nomination" in found:
        before = wb.people.set_index("id")["nomination"]
        for i, (x, new) in enumerate(zip(ids, reply["nomination"].astype(object))):
            old = before.get(x) if x in mine else None
            old = None if old is None or (not isinstance(old, str) and pd.isna(old)) else old
            new = None if new is None or (not isinstance(new, str) and pd.isna(new)) else new
            if new != old and (new in DECIDED or old in DECIDED):
                was, now = (schema.value_label(v, lang) if v else t("spkg.blank", lang) for v in (old, new))
                wrong.append(Problem(label, "people", int(rows[i]), found["nomination"], None, "reply_decided",
                                     (("now", now), ("was", was)), raw.sheet))
    if wrong:
        _refuse(min(wrong, key=lambda p: p.row), lang)

    # the programme with the reply taken in: changed people in place, new ones at the end
    people = wb.people.astype(object)
    at = known.get_indexer(ids)
    old_rows = np.flatnonzero(at >= 0)
    for c in found:
        j = people.columns.get_loc(c)
        vals = reply[c].astype(object).to_numpy()
        people.iloc[at[old_rows], j] = vals[old_rows]
    new_rows = np.flatnonzero(at < 0)
    added = pd.DataFrame({c: reply[c].astype(object).to_numpy()[new_rows] for c in found}, dtype=object)
    people = pd.concat([people, added], ignore_index=True)[list(wb.people.columns)]
    people = people.where(people.notna(), None)  # missing as empty cells (NaT is no day)
    back = {int(at[i]): int(rows[i]) for i in old_rows}  # programme row → the reply's row
    back.update({len(wb.people) + k: int(rows[i]) for k, i in enumerate(new_rows)})
    out = wb.copy()
    out.people = people
    try:
        return validate_workbook(out, label)
    except WorkbookError as e:
        p = e.problems[0]
        if p.table == "people" and p.row is not None and p.row - 2 in back:
            c = p.column if p.column in found else None
            p = Problem(label, "people", back[p.row - 2], found.get(c, p.column), p.value, p.code, p.params,
                        raw.sheet)
        _refuse(p, lang)
