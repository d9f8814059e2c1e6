"""Per-unit packages: one file per host unit with its own people, gaps, coming term ends and next-batch drafts.

A host unit receives a workbook about itself only: the data tables cut to its own
units (:func:`planning.programme.access.scope_workbook`) with the next batch's draft orders for
it appended, in the template's form so that its reply loads back; and, first, three
sheets to read: its people on post, its gaps now and over the coming months, and the
drafts it is asked to confirm. :func:`merge_reply` takes the unit's reply (the same
file with drafts confirmed, changed or deleted) back into the programme: the unit's
orders are replaced by the reply's, nothing else changes.

The package also lists the unit's own indicators for the current period, targets shown
and actuals to fill (:func:`unit_indicator_sheet`); the reply's actuals are taken in for
the unit's own rows only (:func:`reported_actuals`, :func:`with_reported_actuals`). For
assessors, :func:`write_assessment_sheet` writes one assessment sheet (考评表) per host
unit or team and :func:`merge_assessment_reply` takes the filled sheet back.

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

from ..programme.access import scope_workbook, scope_workbooks
from ..core.clock import today
from ..core.names import names
from .excel import sheet_title, written
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


def unit_package(wb: Workbook, unit: str, drafts: pd.DataFrame | None = None, *,
                 cut: Workbook | None = None) -> Workbook:
    """The unit's own workbook with its next-batch drafts appended (ids and all, loadable); ``cut``: the programme
    cut to the unit when already made (:func:`planning.programme.access.scope_workbooks`), else cut here."""
    mine = scope_workbook(wb, [unit]) if cut is None else cut
    d = unit_drafts(wb, unit, drafts)
    return with_draft_orders(mine, d) if len(d) else mine


def write_unit_package(wb: Workbook, unit: str, path, *, lang: str | None = None, data: str | None = None,
                       drafts: pd.DataFrame | None = None, views: UnitViews | None = None,
                       cut: Workbook | None = None) -> Path:
    """Write the unit's package to ``path`` (.xlsx); returns the path.

    Sheets: 本单位在岗人员, 本单位缺口与期满, 下一批需求岗位（请确认） (each with a title
    line: what, the unit, the as-of day, the data), then the data tables in the
    template's form (Chinese headers). Nothing about other host units is inside.
    The file is written in one pass by xlsxwriter (:class:`planning.outputs.excel.XlsxBook`);
    ``views`` (:func:`unit_views`) carries what is derived once for many units, ``cut`` the programme cut to
    the unit (:func:`unit_package`).
    """
    lang = lang or default_lang()
    path = Path(path)
    drafts = unit_drafts(wb, unit, drafts)
    pkg = unit_package(wb, unit, drafts, cut=cut)
    nm = names(wb)
    who = str(nm.get(unit, unit))
    with written(path) as tmp:  # the package appears whole or not at all
        _write_package(wb, pkg, unit, drafts, tmp, who, lang, data, views)
    return path


class UnitViews:
    """What every unit's package shows, derived once for the whole programme (:func:`unit_views`):
    everyone on post or planned with their host units and orders, the host units' gaps and own
    checkpoints (labelled), and their indicators this period; the roster also as each package's roster sheet
    sorts it (``sheet``, with its rows' host units ``sheet_hosts``): a stable sort, so each unit's rows of it are
    its own roster sorted."""

    def __init__(self, roster, hosts, orders, gaps, gap_units, months, month_units, indicators, indicator_units,
                 drafts, draft_units, told_apart, sheet=None, sheet_hosts=None):
        self.roster, self.hosts, self.orders = roster, hosts, orders
        self.sheet, self.sheet_hosts = sheet, sheet_hosts
        self.gaps, self.gap_units, self.months, self.month_units = gaps, gap_units, months, month_units
        self.indicators, self.indicator_units = indicators, indicator_units
        self.drafts, self.draft_units, self.told_apart = drafts, draft_units, told_apart


def unit_views(wb: Workbook, lang: str | None = None, drafts: pd.DataFrame | None = None) -> UnitViews:
    """The roster (:func:`planning.outputs.roster.roster_table`), the standing's host-unit rows and
    checkpoints (:func:`planning.programme.standing.unit_points`) and the indicators
    (:func:`unit_indicator_sheet`) of the whole programme with the next batch's ``drafts`` appended
    (default :func:`planning.scenarios.rotation.next_batch_orders`), as each unit's package holds
    them, for :func:`unit_tables` to cut per unit: one pass over the programme instead of one per unit."""
    import re

    from ..core.live import live_assignments
    from ..programme.standing import unit_points
    from .labels import order_names, team_names

    lang = lang or default_lang()
    drafts = next_batch_orders(wb) if drafts is None else drafts
    wb = with_draft_orders(wb, drafts) if len(drafts) else wb
    rows = live_assignments(wb, today(), None)
    people = roster_table(wb, lang)
    host = rows["order"].map(wb.orders.drop_duplicates("id").set_index("id")["host_unit"])
    gaps = standing(wb).units
    points = unit_points(wb)
    ind = unit_indicator_sheet(wb, lang, headers=False)
    # order and team names are told apart within each package: where the programme tells a unit's apart
    # from another's (a suffix: a start month or an id), its package names them itself (unit_tables)
    suffixed = re.compile(r" (?:\d{4}-\d{2}|\(.*\))$")
    on, tn = order_names(wb, lang), team_names(wb, lang)
    o = wb.orders
    told = o["id"].map(on).astype(str).str.contains(suffixed) | o["team"].map(tn).fillna("").astype(str).str.contains(
        suffixed)
    hosted = wb.teams["id"].map(tn).astype(str).str.contains(suffixed)
    told_apart = set(o.loc[told.to_numpy(), "host_unit"]) | set(wb.teams.loc[hosted.to_numpy(), "host"])
    hosts = host.to_numpy(dtype=object)
    sheet = roster_sheets(people, lang, keys=("by_host",))[0][1]  # sorted once; sort_values keeps the row labels
    return UnitViews(people, hosts, rows["order"].to_numpy(dtype=object),
                     _gap_view(gaps, wb, lang), gaps["host_unit"].to_numpy(dtype=object),
                     _month_view(points, wb, lang), points["host_unit"].to_numpy(dtype=object),
                     ind.rename(columns=_ind_headers(lang)), ind["subject"].to_numpy(dtype=object),
                     _draft_view(drafts, wb, lang), drafts["host_unit"].to_numpy(dtype=object), told_apart,
                     sheet.reset_index(drop=True), hosts[sheet.index.to_numpy()])


def _draft_view(drafts: pd.DataFrame, wb, lang) -> pd.DataFrame:
    """The next batch's drafts in a host unit's words: each named (not by id) under 需求岗位, not 订单."""
    view = labelled(drafts[["id", "sector", "skill", "role", "headcount", "start", "end", "priority"]].rename(
        columns={"id": "order"}), wb, lang, numbers=True)
    return view.rename(columns={t("col.order", lang): t("pkg.col.draft", lang)})


def _gap_view(units: pd.DataFrame, wb, lang) -> pd.DataFrame:
    gaps = units.drop(columns=["ratio", "band", "sender"], errors="ignore")
    return labelled(gaps.rename(columns={"peak_day": "month"}), wb, lang, numbers=True)


def _month_view(points: pd.DataFrame, wb, lang) -> pd.DataFrame:
    return labelled(points[["day", "demand", "supply", "gap", "leaving"]], wb, lang, numbers=True)


def unit_tables(pkg: Workbook, unit: str, drafts: pd.DataFrame, lang: str, views: UnitViews | None = None):
    """``(roster, gaps, months, indicators, drafts)`` of the unit's package: its people on post or planned, its
    gaps now and at their peak, its checkpoints, its indicators this period and its next-batch ``drafts``
    (:func:`unit_drafts` of the programme), labelled; from ``views`` (:func:`unit_views`) when given, else derived from
    ``pkg`` (the programme cut to the unit) itself. Either way the same tables."""
    from .labels import order_names, team_names

    if views is None or unit in views.told_apart:
        drafts = _draft_view(drafts, pkg, lang)
    else:
        drafts = views.drafts[views.draft_units == unit].reset_index(drop=True)
        if not len(drafts):  # no drafts: empty columns, no dates in them (as the unit's own workbook gives)
            drafts = drafts.astype(object)
    roster = None
    if views is None:
        people = roster_table(pkg, lang)
        st = standing(pkg)
        gaps, months = _gap_view(st.units, pkg, lang), _month_view(st.points, pkg, lang)
        indicators = unit_indicator_sheet(pkg, lang)
    else:
        if unit not in views.told_apart and views.sheet is not None:  # the roster sheet sorted once, cut
            roster = views.sheet[views.sheet_hosts == unit].reset_index(drop=True)
        else:
            mine = views.hosts == unit
            people = views.roster[mine].reset_index(drop=True)
            if unit in views.told_apart:  # names told apart within the package, as the unit's own workbook does
                orders = pd.Series(views.orders[mine])
                o = pkg.orders.set_index("id")
                people["order"] = orders.map(order_names(pkg, lang)).fillna(orders).to_numpy()
                people["team"] = orders.map(o["team"]).map(team_names(pkg, lang)).fillna(
                    t("alloc.roster.no_team", lang)).to_numpy()
        gaps = views.gaps[views.gap_units == unit].reset_index(drop=True)
        months = views.months[views.month_units == unit].reset_index(drop=True)
        indicators = views.indicators[views.indicator_units == unit].reset_index(drop=True)
    if roster is None:
        roster = roster_sheets(people, lang, keys=("by_host",))[0][1]
    return roster, gaps, months, indicators, drafts


def _write_package(wb, pkg, unit, drafts, path, who, lang, data, views=None) -> None:
    from ..contract.writers import template_columns
    from .excel import XlsxBook

    data = data if data is not None else data_name(wb, lang)
    roster, gaps, months, indicators, drafts_view = unit_tables(pkg, unit, drafts, lang, views)
    sheets = [(t("pkg.sheet.people", lang), roster), (t("pkg.sheet.gaps", lang), gaps),
              (t("pkg.sheet.months", lang), months), (t("pkg.sheet.drafts", lang), drafts_view)]
    sheets.append((t("pkg.sheet.indicators", lang), indicators))  # this period's targets, actuals to report
    line = report_line(t("pkg.title", lang, unit=who), lang, data=data, filters=who)
    book = XlsxBook(path)
    titles = book.report_sheets(sheets, title_line=line, landscape=True, page_header=line)
    _validate_actuals(book, titles[-1], lang, len(indicators))
    for name, header, columns in template_columns(pkg, headers="zh"):  # the data tables in the template's form
        book.table_sheet(name, header, columns)
    book.close()


def write_unit_packages(wb: Workbook, folder, units=None, *, lang: str | None = None,
                        data: str | None = None) -> list[Path]:
    """One package per host unit with orders (or per unit in ``units``) in ``folder``; the files written.

    File names are the units' names (made safe), so a planner can send each to its unit;
    units whose names give the same file name are told apart by their ids. What every package
    shows is derived once for the programme (:func:`unit_views`), then cut per unit; the programme is cut to
    the units in one grouped pass (:func:`planning.programme.access.scope_workbooks`).
    """
    lang = lang or default_lang()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    units = list(pd.unique(wb.orders["host_unit"])) if units is None else list(units)
    drafts = next_batch_orders(wb)
    nm = names(wb)
    data = data if data is not None else data_name(wb, lang)
    views = unit_views(wb, lang, drafts) if units else None
    cuts = scope_workbooks(wb, ([u] for u in units))
    return [write_unit_package(wb, u, folder / f"{safe}-{today():%Y%m%d}.xlsx", lang=lang, data=data, drafts=drafts,
                               views=views, cut=cut)
            for u, safe, cut in zip(units, file_stems(units, nm), cuts)]


def _file_stem(text) -> str:
    """A file name part for ``text``: letters and digits kept, anything else ``_``, at most 60 characters.

    >>> _file_stem("疏勒县第一中学"), _file_stem("../=cmd|' /C calc'!A0")
    ('疏勒县第一中学', '____cmd____C_calc__A0')
    """
    return "".join(ch if ch.isalnum() or ch in "-_（）()" else "_" for ch in str(text))[:60] or "unit"


def file_stems(ids, nm) -> list[str]:
    """One file name part per id: its name made safe (:func:`_file_stem`), told apart by the id when two
    names give the same part (letter case aside), then by a number.

    >>> file_stems(["a", "b", "c"], {"a": "一中", "b": "一中", "c": "二中"})
    ['一中', '一中-b', '二中']
    """
    out, taken = [], set()
    for i in ids:
        safe = _file_stem(nm.get(i, i))
        if safe.lower() in taken:
            safe = f"{safe}-{_file_stem(i)}"
        base, k = safe, 2
        while safe.lower() in taken:
            safe, k = f"{base}-{k}", k + 1
        taken.add(safe.lower())
        out.append(safe)
    return out


def merge_reply(wb: Workbook, reply: Workbook, unit: str, lang: str | None = None,
                reported: pd.DataFrame | None = None) -> Workbook:
    """The programme with the unit's orders replaced by those of its reply (confirmed, changed or deleted drafts),
    and, given ``reported`` (:func:`reported_actuals` of the reply's file), the actuals the unit reports on its
    own indicators.

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
    if reported is not None:  # the actuals the unit reports on its indicators sheet
        out.indicator_values = with_reported_actuals(wb, reported, unit, lang)
    import tempfile

    with tempfile.TemporaryDirectory() as d:  # the merged programme must pass every rule of the contract
        problems = check_workbook(save_workbook(out, Path(d) / "merged"))
    if problems:
        raise ReplyError("；".join(p.sentence(lang) for p in problems[:3]))
    return out


# ---- assessment sheets (考评表): one per host unit or team, for its assessors to fill (DESIGN §10) ----------------
#
# One sheet, 考评表: a title line (what, the unit or team, the period, the as-of day, the data), a header row, then
# one row per person on post there in the period: id, name, period, a score per assessment item (validated between
# 0 and the item's full marks), the grade (a dropdown), the assessor and a note, filled with what the programme
# already holds. :func:`merge_assessment_reply` takes the filled sheet back.

ASSESS_HEADER_ROW = 2  # the title line is row 1


def assessment_people(wb: Workbook, host: str, period: str) -> pd.DataFrame:
    """``person, name``: the people on post at host unit or team ``host`` in ``period`` (a year or a month),
    in id order: those with an assignment overlapping the period on one of its orders."""
    from ..programme.results import period_bounds

    first, last = (s.iloc[0] for s in period_bounds(pd.Series([str(period)])))
    o = wb.orders
    mine = set(o.loc[o["host_unit"].eq(host) | o["team"].eq(host), "id"])
    a = wb.assignments
    end = a["end"].fillna(pd.Timestamp.max)
    on = a[a["order"].isin(mine) & (a["start"].fillna(pd.Timestamp.min) <= last) & (end >= first)]
    ids = sorted(set(on["person"].astype(str)))
    nm = wb.people.set_index("id")["name"]
    return pd.DataFrame({"person": ids, "name": [nm.get(p, "") for p in ids]})


def _assess_columns(wb: Workbook, lang: str) -> list[tuple[str, str]]:
    """(code, header) of the sheet's columns: fixed ones, ``item:<id>`` per assessment item, then the rest."""
    from ..contract.schema import header

    column_label = header
    head = [("person", column_label("assessments", "person", lang)), ("name", t("pkg.assess.col.name", lang)),
            ("period", column_label("assessments", "period", lang))]
    items = [(f"item:{r.id}", f"{r.name}({r.id})") for r in wb.assessment_items.itertuples(index=False)]
    tail = [(c, column_label("assessments", c, lang)) for c in ("grade", "assessor", "note")]
    return head + items + tail


def write_assessment_sheet(wb: Workbook, host: str, period: str, path, *, lang: str | None = None,
                           data: str | None = None) -> Path:
    """Write the assessment sheet of host unit or team ``host`` for ``period`` to ``path`` (.xlsx), whole or not
    at all; returns the path. Nothing about other units' or teams' people is inside."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..contract.schema import value_label
    from ..contract.results_rules import GRADES
    from .excel import XlsxBook

    lang = lang or default_lang()
    path = Path(path)
    period = str(period)
    people = assessment_people(wb, host, period)
    cols = _assess_columns(wb, lang)
    nm = names(wb)
    who = str(nm.get(host, host))
    have = wb.assessments[wb.assessments["period"].astype(str).eq(period)
                          & wb.assessments["person"].isin(set(people["person"]))]
    data = data if data is not None else data_name(wb, lang)
    full = dict(zip(wb.assessment_items["id"], wb.assessment_items["max_score"]))
    with written(path) as tmp:  # whole or not at all, in one pass; every text a text cell, never a formula
        book = XlsxBook(tmp)
        ws = book.sheet(t("pkg.assess.sheet", lang))
        book.cell(ws, 0, 0, report_line(t("pkg.assess.title", lang, unit=who, period=period), lang, data=data,
                                        filters=who))
        for j, (_, h) in enumerate(cols):
            book.cell(ws, ASSESS_HEADER_ROW - 1, j, h)
        for i, p in enumerate(people.itertuples(index=False), start=ASSESS_HEADER_ROW):
            mine = have[have["person"].eq(p.person)]
            given = {"person": p.person, "name": p.name, "period": period}
            for r in mine.itertuples(index=False):
                if isinstance(r.item, str) and pd.notna(r.score):
                    given[f"item:{r.item}"] = float(r.score)
                for c in ("grade", "assessor", "note"):
                    v = getattr(r, c)
                    if isinstance(v, str) and v and c not in given:
                        given[c] = value_label(v, lang) if c == "grade" else v
            for j, (code, _) in enumerate(cols):
                if code in given:
                    book.cell(ws, i, j, given[code])
        last = ASSESS_HEADER_ROW + max(len(people), 1)
        for j, (code, _) in enumerate(cols):
            letter = get_column_letter(j + 1)
            ws.set_column(j, j, 30 if code == "note" else 14)
            rng = f"{letter}{ASSESS_HEADER_ROW + 1}:{letter}{last}"
            if code.startswith("item:"):
                top = full.get(code[5:])
                dv = DataValidation(type="decimal", operator="between", formula1="0",
                                    formula2=f"{float(top):g}" if pd.notna(top) else "1000000", allow_blank=True,
                                    showErrorMessage=True, error=t("pkg.assess.score_range", lang,
                                                                   max=f"{float(top):g}" if pd.notna(top) else "∞"))
            elif code == "grade":
                labels = ",".join(value_label(g, lang) for g in GRADES)
                dv = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True, showErrorMessage=True)
            else:
                continue
            book.validate(ws, rng, dv)
        ws.freeze_panes(ASSESS_HEADER_ROW, 3)
        ws.set_landscape()
        book.close()
    return path


def write_assessment_sheets(wb: Workbook, folder, period: str, hosts=None, *, lang: str | None = None,
                            data: str | None = None) -> list[Path]:
    """One assessment sheet per host unit or team in ``hosts`` (default: every host unit with people on post in
    ``period``) in ``folder``, named by the unit's or team's name and the period; the files written."""
    from ..programme.results import period_bounds

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if hosts is None:
        first, last = (s.iloc[0] for s in period_bounds(pd.Series([str(period)])))
        a = wb.assignments
        on = a[(a["start"].fillna(pd.Timestamp.min) <= last) & (a["end"].fillna(pd.Timestamp.max) >= first)]
        hosts = sorted(set(on["order"].map(wb.orders.set_index("id")["host_unit"]).dropna()))
    nm = names(wb)
    return [write_assessment_sheet(wb, h, period, folder / f"{safe}-{t('pkg.assess.file', lang)}-{period}.xlsx",
                                   lang=lang, data=data)
            for h, safe in zip(hosts, file_stems(hosts, nm))]


def _reply_refusal(lang, path, sheet, row, column, what) -> ReplyError:
    """One sentence: the file, sheet, row and column, what is wrong, and that nothing was changed."""
    parts = [Path(path).name, t("where.sheet", lang, sheet=sheet)]
    if row is not None:
        parts.append(t("where.row", lang, row=row))
    if column:
        parts.append(t("where.column", lang, column=column))
    where = ("，" if lang == "zh" else ", ").join(parts)
    sep = "：" if lang == "zh" else ": "
    return ReplyError(f"{where}{sep}{what}{t('pkg.assess.nothing_changed', lang)}")


def merge_assessment_reply(wb: Workbook, path, host: str, lang: str | None = None) -> Workbook:
    """The programme with the assessments of ``host``'s filled sheet (``path``, .xlsx) taken in.

    Each row that holds a score or a grade replaces that person's assessment for that period (its scores,
    grade, assessor and note); rows left empty change nothing. A reply is refused whole, with one sentence
    naming the file, sheet, row and column, when a row names someone not on post at ``host`` in its period,
    a period that is neither a year nor a month, a column that is no assessment item, a score that is not a
    number between 0 and the item's full marks, a grade that is none of the four, a grade the programme's
    thresholds contradict, or when the result breaks any rule of the contract.
    """
    import datetime as dt
    import tempfile

    from openpyxl import load_workbook as open_xlsx

    from ..contract.schema import value_label
    from ..contract.results_rules import GRADES, derive_grades, period_ok

    lang = lang or default_lang()
    sheet = t("pkg.assess.sheet", lang)
    try:
        book = open_xlsx(path, data_only=True)
    except Exception as e:  # not a workbook at all
        raise _reply_refusal(lang, path, sheet, None, None, t("pkg.assess.unreadable", lang, reason=str(e)))
    names_ = [n for n in book.sheetnames if n in (t("pkg.assess.sheet", "zh"), t("pkg.assess.sheet", "en"))]
    if not names_:
        raise _reply_refusal(lang, path, sheet, None, None, t("pkg.assess.no_sheet", lang))
    ws = book[names_[0]]
    sheet = ws.title
    header = [c.value for c in ws[ASSESS_HEADER_ROW]]
    cols = {h: code for lg in ("zh", "en") for code, h in _assess_columns(wb, lg)}
    codes = []
    for j, h in enumerate(header):
        if h is None:
            codes.append(None)
            continue
        code = cols.get(str(h).strip())
        if code is None:
            raise _reply_refusal(lang, path, sheet, ASSESS_HEADER_ROW, str(h), t("pkg.assess.unknown_column", lang))
        codes.append(code)
    if "person" not in codes or "period" not in codes:
        raise _reply_refusal(lang, path, sheet, ASSESS_HEADER_ROW, None, t("pkg.assess.no_sheet", lang))
    full = dict(zip(wb.assessment_items["id"], wb.assessment_items["max_score"].astype(float)))
    grade_of = {value_label(g, lg): g for g in GRADES for lg in ("zh", "en")} | {g: g for g in GRADES}
    n_items = wb.assessment_items["id"].nunique()
    new, replaced = [], set()
    allowed: dict[str, set] = {}
    for r, row in enumerate(ws.iter_rows(min_row=ASSESS_HEADER_ROW + 1, values_only=True),
                            start=ASSESS_HEADER_ROW + 1):
        cell = {c: v for c, v in zip(codes, row) if c is not None and v is not None and str(v).strip() != ""}
        scores = {c[5:]: v for c, v in cell.items() if c.startswith("item:")}
        if not scores and "grade" not in cell:
            continue  # nothing filled in: nothing changes
        at = lambda c: header[codes.index(c)]  # noqa: E731
        person = str(cell.get("person", "")).strip()
        period = cell.get("period")
        if isinstance(period, (dt.date, dt.datetime)):
            period = f"{period:%Y-%m}"
        period = str(period).strip() if period is not None else ""
        if isinstance(cell.get("period"), (int, float)) and float(cell["period"]).is_integer():
            period = str(int(cell["period"]))
        if not period or not bool(period_ok(pd.Series([period])).iloc[0]):
            raise _reply_refusal(lang, path, sheet, r, at("period"),
                                 t("pkg.assess.bad_period", lang, value=period or "—"))
        if period not in allowed:
            allowed[period] = set(assessment_people(wb, host, period)["person"])
        if person not in allowed[period]:
            raise _reply_refusal(lang, path, sheet, r, at("person"),
                                 t("pkg.assess.not_ours", lang, person=person or "—", period=period))
        if (person, period) in replaced:
            raise _reply_refusal(lang, path, sheet, r, at("person"),
                                 t("pkg.assess.twice", lang, person=person, period=period))
        total = 0.0
        rows_ = []
        for item, v in scores.items():
            try:
                x = float(v)
            except (TypeError, ValueError):
                x = float("nan")
            if not (x >= 0) or x > full[item]:
                raise _reply_refusal(lang, path, sheet, r, at(f"item:{item}"),
                                     t("pkg.assess.bad_score", lang, value=v, max=f"{full[item]:g}"))
            total += x
            rows_.append(dict(person=person, period=period, item=item, score=x))
        grade = None
        if "grade" in cell:
            grade = grade_of.get(str(cell["grade"]).strip())
            if grade is None:
                raise _reply_refusal(lang, path, sheet, r, at("grade"),
                                     t("pkg.assess.bad_grade", lang, value=cell["grade"]))
            earned = derive_grades(pd.Series([total]), wb.grade_thresholds).iloc[0] \
                if len(rows_) == n_items and n_items else None
            if earned is not None and earned != grade:
                raise _reply_refusal(lang, path, sheet, r, at("grade"),
                                     t("pkg.assess.grade_not_thresholds", lang, value=cell["grade"],
                                       grade=value_label(earned, lang), total=f"{total:g}"))
        extra = dict(grade=grade, assessor=cell.get("assessor"), note=cell.get("note"))
        if rows_:
            rows_[0].update(extra)
        else:
            rows_.append(dict(person=person, period=period, item=None, score=None, **extra))
        new += rows_
        replaced.add((person, period))
    out = wb.copy()
    a = wb.assessments
    keep = ~pd.Series([(p, str(q)) in replaced for p, q in zip(a["person"], a["period"])], index=a.index, dtype=bool)
    add = pd.DataFrame(new, columns=list(a.columns))
    out.assessments = pd.concat([a[keep], add.astype({c: a[c].dtype for c in ("score",)})], ignore_index=True) \
        if len(add) else a.copy()
    with tempfile.TemporaryDirectory() as d:  # the merged programme must pass every rule of the contract
        problems = check_workbook(save_workbook(out, Path(d) / "merged"))
    if problems:
        raise _reply_refusal(lang, path, sheet, None, None, problems[0].what(lang) + ("；" if lang == "zh" else ";"))
    return out


# ---- a host unit's indicators (成效指标): shown in its package with their targets, actuals reported back -------------
#
# The package's sheet 本单位成效指标（请填写实际值） lists the unit's own indicator values for the current period (the
# periods holding the as-of day): indicator, name, unit of measure, period, baseline, target, and the actual to fill.
# :func:`reported_actuals` reads it back from the reply's file; :func:`with_reported_actuals` takes the actuals in
# for the unit's own rows only.

IND_COLUMNS = ("subject", "indicator", "name", "measure", "period", "baseline", "target", "actual")


def _ind_headers(lang: str) -> dict[str, str]:
    return {c: t(f"pkg.ind.col.{c}", lang) for c in IND_COLUMNS}


def unit_indicator_sheet(pkg: Workbook, lang: str | None = None, *, headers: bool = True) -> pd.DataFrame:
    """The package's indicators: the host units' own indicator values whose period holds today, with Chinese (or
    English) headers (``headers=False``: the codes of :data:`IND_COLUMNS`); the actual as the programme holds
    it, to be filled or corrected."""
    from ..programme.results import definitions, period_bounds

    lang = lang or default_lang()
    d = definitions(pkg).set_index("id")
    v = pkg.indicator_values
    v = v[v["indicator"].map(d["subject"]).eq("host_unit") & v["indicator"].map(d["aggregation"]).ne("ratio")]
    first, last = period_bounds(v["period"])
    now = today()
    v = v[((first <= now) & (last >= now)).to_numpy()]
    out = pd.DataFrame({"subject": v["subject"].to_numpy(), "indicator": v["indicator"].to_numpy(),
                        "name": v["indicator"].map(d["name"]).to_numpy(),
                        "measure": v["indicator"].map(d["measure"]).to_numpy(), "period": v["period"].astype(str),
                        "baseline": v["baseline"].to_numpy(), "target": v["target"].to_numpy(),
                        "actual": v["actual"].to_numpy()}, columns=list(IND_COLUMNS))
    out = out.sort_values(["subject", "indicator", "period"]).reset_index(drop=True)
    return out.rename(columns=_ind_headers(lang)) if headers else out


def _validate_actuals(book, sheet: str, lang, n: int) -> None:
    """A number check on the actual column of the indicators sheet ``sheet`` of ``book``
    (:class:`planning.outputs.excel.XlsxBook`; the title line is row 1, headers row 2)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(list(IND_COLUMNS).index("actual") + 1)
    dv = DataValidation(type="decimal", operator="between", formula1="-1000000000000", formula2="1000000000000",
                        allow_blank=True, showErrorMessage=True, error=t("pkg.ind.number", lang))
    book.validate(book.xl.get_worksheet_by_name(sheet), f"{letter}3:{letter}{max(3, n + 2)}", dv)


def reported_actuals(path, lang: str | None = None) -> pd.DataFrame | None:
    """The indicators sheet of a unit's reply (``path``, .xlsx) as ``row, subject, indicator, period, baseline,
    target, actual`` (``row``: the Excel row); None when the file has no such sheet (an older package)."""
    from openpyxl import load_workbook as open_xlsx

    book = open_xlsx(path, read_only=True, data_only=True)
    titles = {sheet_title(t("pkg.sheet.indicators", lg), []) for lg in ("zh", "en")}
    found = [n for n in book.sheetnames if n in titles]
    if not found:
        return None
    ws = book[found[0]]
    rows = list(ws.iter_rows(values_only=True))
    header = [None if h is None else str(h).strip() for h in (rows[1] if len(rows) > 1 else [])]
    code = {h: c for lg in ("zh", "en") for c, h in _ind_headers(lg).items()}
    cols = [code.get(h) for h in header]
    out = []
    for r, row in enumerate(rows[2:], start=3):
        rec = {c: v for c, v in zip(cols, row) if c is not None}
        if all(v is None or str(v).strip() == "" for v in rec.values()):
            continue
        out.append(dict(row=r, **rec))
    df = pd.DataFrame(out, columns=["row", *IND_COLUMNS])
    df.attrs.update(file=Path(path).name, sheet=found[0], header=dict(zip(cols, header)))
    return df


def with_reported_actuals(wb: Workbook, reported: pd.DataFrame, unit: str, lang: str | None = None) -> pd.DataFrame:
    """The programme's indicator values with the actuals ``reported`` by host unit ``unit`` taken in.

    Only the unit's own rows may be reported, and only their actuals: a row of another subject, of an indicator or
    period the programme does not hold for the unit, with a baseline or target other than the programme's, or an
    actual that is not a number, is refused with :class:`ReplyError` (one sentence: file, sheet, row, column, what
    is wrong; nothing is changed). An empty actual leaves the programme's as it is.
    """
    lang = lang or default_lang()
    v = wb.indicator_values.copy()
    f, sh, head = reported.attrs.get("file", ""), reported.attrs.get("sheet", ""), reported.attrs.get("header", {})
    nm = names(wb)
    held = {(s, i, str(p)): k for k, (s, i, p) in enumerate(zip(v["subject"], v["indicator"], v["period"]))}

    def same(a, b) -> bool:
        a = None if a is None or (isinstance(a, float) and pd.isna(a)) or str(a).strip() == "" else a
        b = None if b is None or pd.isna(b) else b
        if a is None or b is None:
            return a is None and b is None
        try:
            return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
        except (TypeError, ValueError):
            return False

    for r in reported.to_dict("records"):
        subject = str(r.get("subject") or "").strip()
        if subject != unit:
            raise _reply_refusal(lang, f, sh, r["row"], head.get("subject"),
                                 t("pkg.ind.other_unit", lang, unit=str(nm.get(subject, subject)) or "—"))
        key = (subject, str(r.get("indicator") or "").strip(), str(r.get("period") or "").strip())
        if key not in held:
            raise _reply_refusal(lang, f, sh, r["row"], head.get("indicator"),
                                 t("pkg.ind.unknown", lang, indicator=key[1] or "—", period=key[2] or "—"))
        k = held[key]
        for c in ("baseline", "target"):
            if not same(r.get(c), v.at[v.index[k], c]):
                raise _reply_refusal(lang, f, sh, r["row"], head.get(c), t("pkg.ind.fixed", lang))
        a = r.get("actual")
        if a is None or (isinstance(a, float) and a != a) or str(a).strip() == "":
            continue  # left empty: the programme's actual stays
        try:
            x = float(a)
        except (TypeError, ValueError):
            raise _reply_refusal(lang, f, sh, r["row"], head.get("actual"), t("pkg.ind.not_number", lang, value=a))
        if x != x or x in (float("inf"), float("-inf")):
            raise _reply_refusal(lang, f, sh, r["row"], head.get("actual"), t("pkg.ind.not_number", lang, value=a))
        v.at[v.index[k], "actual"] = x
    return v
