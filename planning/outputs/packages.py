"""Per-unit packages: one file per host unit with its own people, gaps, coming term ends and next-batch drafts.

A host unit receives a workbook about itself only: the data tables cut to its own
units (:func:`planning.programme.access.scope_workbook`) with the next batch's draft orders for
it appended, in the template's form so that its reply loads back; and, first, three
sheets to read: its people on post, its gaps now and over the coming months, and the
drafts it is asked to confirm. :func:`merge_reply` takes the unit's reply (the same
file with drafts confirmed, changed or deleted) back into the programme: the unit's
orders are replaced by the reply's, nothing else changes.

Examples
--------
>>> import os, tempfile, planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> path = write_unit_package(wb, "H-ALE-YY", os.path.join(tempfile.mkdtemp(), "p.xlsx"))
>>> reply = planning.load_workbook(path)
>>> set(reply.orders["host_unit"])
{'H-ALE-YY'}
>>> merged = merge_reply(wb, reply, "H-ALE-YY")
>>> len(merged.orders) > len(wb.orders)
True
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..programme.access import scope_workbook
from ..core.clock import today
from ..core.names import names
from .excel import write_excel, written
from ..core.i18n import default_lang, t
from .labels import data_name, labelled
from .reports import report_line
from .roster import roster_sheets, roster_table
from ..scenarios.rotation import next_batch_orders, with_draft_orders
from ..programme.standing import standing
from ..contract import Workbook, check_workbook, save_workbook


class ReplyError(ValueError):
    """A unit's reply that cannot be taken in; the message says why, in the reader's language."""


def unit_drafts(wb: Workbook, unit: str, drafts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The next batch's draft orders for one host unit (:func:`planning.scenarios.rotation.next_batch_orders`)."""
    d = next_batch_orders(wb) if drafts is None else drafts
    return d[d["host_unit"].eq(unit)].reset_index(drop=True)


def unit_package(wb: Workbook, unit: str, drafts: pd.DataFrame | None = None) -> Workbook:
    """The unit's own workbook with its next-batch drafts appended (ids and all, loadable)."""
    mine = scope_workbook(wb, [unit])
    d = unit_drafts(wb, unit, drafts)
    return with_draft_orders(mine, d) if len(d) else mine


def write_unit_package(wb: Workbook, unit: str, path, *, lang: str | None = None, data: str | None = None,
                       drafts: pd.DataFrame | None = None) -> Path:
    """Write the unit's package to ``path`` (.xlsx); returns the path.

    Sheets: 本单位在岗人员, 本单位缺口与期满, 下一批订单（请确认） (each with a title
    line: what, the unit, the as-of day, the data), then the data tables in the
    template's form (Chinese headers). Nothing about other host units is inside.
    """
    lang = lang or default_lang()
    path = Path(path)
    drafts = unit_drafts(wb, unit, drafts)
    pkg = unit_package(wb, unit, drafts)
    nm = names(wb)
    who = str(nm.get(unit, unit))
    with written(path) as tmp:  # the package appears whole or not at all
        _write_package(wb, pkg, drafts, tmp, who, lang, data)
    return path


def _write_package(wb, pkg, drafts, path, who, lang, data) -> None:
    save_workbook(pkg, path, headers="zh")
    data = data if data is not None else data_name(wb, lang)
    people = roster_table(pkg, lang)
    roster = roster_sheets(people, lang, keys=("by_host",))[0][1]
    st = standing(pkg)
    gaps = st.units.drop(columns=["ratio", "band", "sender"], errors="ignore")
    gaps = labelled(gaps.rename(columns={"peak_day": "month"}), pkg, lang, numbers=True)
    months = st.points[["day", "demand", "supply", "gap", "leaving"]]
    months = labelled(months, pkg, lang, numbers=True)
    drafts_view = labelled(drafts[["id", "sector", "skill", "role", "headcount", "start", "end", "priority"]].rename(
        columns={"id": "order"}), pkg, lang, numbers=True)
    sheets = [(t("pkg.sheet.people", lang), roster), (t("pkg.sheet.gaps", lang), gaps),
              (t("pkg.sheet.months", lang), months), (t("pkg.sheet.drafts", lang), drafts_view)]
    line = report_line(t("pkg.title", lang, unit=who), lang, data=data, filters=who)
    write_excel(path, sheets, append=True, title_line=line, landscape=True, page_header=line, first=True)


def write_unit_packages(wb: Workbook, folder, units=None, *, lang: str | None = None,
                        data: str | None = None) -> list[Path]:
    """One package per host unit with orders (or per unit in ``units``) in ``folder``; the files written.

    File names are the units' names (made safe), so a planner can send each to its unit;
    units whose names give the same file name are told apart by their ids.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    units = list(pd.unique(wb.orders["host_unit"])) if units is None else list(units)
    drafts = next_batch_orders(wb)
    nm = names(wb)
    out, taken = [], set()
    for u in units:
        safe = _file_stem(nm.get(u, u))
        if safe.lower() in taken:
            safe = f"{safe}-{_file_stem(u)}"
        base, k = safe, 2
        while safe.lower() in taken:
            safe, k = f"{base}-{k}", k + 1
        taken.add(safe.lower())
        out.append(write_unit_package(wb, u, folder / f"{safe}-{today():%Y%m%d}.xlsx", lang=lang, data=data,
                                      drafts=drafts))
    return out


def _file_stem(text) -> str:
    """A file name part for ``text``: letters and digits kept, anything else ``_``, at most 60 characters.

    >>> _file_stem("疏勒县第一中学"), _file_stem("../=cmd|' /C calc'!A0")
    ('疏勒县第一中学', '____cmd____C_calc__A0')
    """
    return "".join(ch if ch.isalnum() or ch in "-_（）()" else "_" for ch in str(text))[:60] or "unit"


#: A file name part for a text (what :func:`write_unit_packages` names its files by), for other packages.
file_stem = _file_stem


def merge_reply(wb: Workbook, reply: Workbook, unit: str, lang: str | None = None) -> Workbook:
    """The programme with the unit's orders replaced by those of its reply (confirmed, changed or deleted drafts).

    The reply may only hold orders of this unit; its orders must name teams the
    programme knows (or none). Assignments on orders the reply deletes keep their
    order only when it is still there: an order with people on it cannot be deleted.
    Raises :class:`ReplyError` with a sentence otherwise.
    """
    lang = lang or default_lang()
    o = reply.orders
    others = sorted(set(o["host_unit"].astype(str)) - {unit})
    if others:
        nm = names(wb)
        raise ReplyError(t("pkg.reply.other_units", lang, units="、".join(str(nm.get(x, x)) for x in others)))
    kept = wb.orders[~wb.orders["host_unit"].eq(unit)]
    staffed = set(wb.assignments["order"]) & set(wb.orders.loc[wb.orders["host_unit"].eq(unit), "id"])
    missing = sorted(staffed - set(o["id"]))
    if missing:
        raise ReplyError(t("pkg.reply.staffed_deleted", lang, n=len(missing)))
    clash = sorted(set(o["id"]) & set(kept["id"]))
    if clash:
        raise ReplyError(t("pkg.reply.id_taken", lang, ids="、".join(map(str, clash[:5]))))
    unknown_teams = sorted(set(o["team"].dropna().astype(str)) - set(wb.teams["id"].astype(str)))
    if unknown_teams:
        raise ReplyError(t("pkg.reply.unknown_team", lang, teams="、".join(unknown_teams[:5])))
    out = wb.copy()
    cols = list(wb.orders.columns)
    add = o[[c for c in cols if c in o.columns]].astype({c: wb.orders[c].dtype for c in cols if c in o.columns})
    out.orders = pd.concat([kept, add], ignore_index=True)[cols]
    import tempfile

    with tempfile.TemporaryDirectory() as d:  # the merged programme must pass every rule of the contract
        problems = check_workbook(save_workbook(out, Path(d) / "merged"))
    if problems:
        raise ReplyError("；".join(p.sentence(lang) for p in problems[:3]))
    return out
