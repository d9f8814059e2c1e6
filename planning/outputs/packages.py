"""Per-unit packages: one file per host unit with its own people, gaps, coming term ends and next-batch drafts.

A host unit receives a workbook about itself only, in its own words: names of units,
posts and people, never the programme's ids, and no data table of the contract. Its
sheets: its people on post, its gaps now and over the coming months, the next batch's
posts it is asked to confirm (下一批需求岗位（请确认）: each draft named under 需求岗位,
with dropdowns of sectors, skills, roles and priorities, dates as dates), and its own
indicators for the current period (targets shown, actuals to fill).

:func:`merge_reply` takes the unit's reply back from those two sheets: on the posts sheet a
row kept confirms its draft (its headcount, dates, skill or priority changed as written), a
row deleted drops the draft, a row added (an empty or new name) is a new post of the unit;
the unit's orders already in the programme stay as they are, nothing else changes. Each
name is mapped back to its draft by the same naming the package wrote, computed again from
the programme. On the indicators sheet the unit reports the actuals of its own rows
(:func:`reported_actuals`, :func:`with_reported_actuals`). Anything else is refused in one
sentence naming file, sheet, row and column. For assessors, :func:`write_assessment_sheet`
writes one assessment sheet (考评表) per host unit or team and :func:`merge_assessment_reply`
takes the filled sheet back.

Examples
--------
>>> import os, tempfile, planning
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> path = write_unit_package(wb, "H-ALE-YY", os.path.join(tempfile.mkdtemp(), "p.xlsx"))
>>> from openpyxl import load_workbook as open_xlsx
>>> open_xlsx(path).sheetnames[:4]
['本单位在岗人员', '本单位缺口', '逐月在岗与期满', '下一批需求岗位（请确认）']
>>> merged = merge_reply(wb, path, "H-ALE-YY")   # sent back untouched: its drafts confirmed
>>> len(merged.orders) - len(wb.orders) == len(unit_drafts(wb, "H-ALE-YY"))
True
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..programme.access import scope_workbook, scope_workbooks
from ..core.clock import today
from ..core.names import names
from .excel import sheet_title, written
from ..core.i18n import default_lang, sector_label, t
from .labels import data_name, labelled, numbered
from .reports import report_line
from .roster import roster_sheets, roster_table
from ..scenarios.rotation import next_batch_orders, with_draft_orders
from ..programme.standing import standing
from ..contract import Workbook, check_workbook, save_workbook


class ReplyError(ValueError):
    """A unit's reply that cannot be taken in; the message says why, in the reader's language."""


def package_drafts(wb: Workbook) -> pd.DataFrame:
    """The next batch's draft orders still to confirm (:func:`planning.scenarios.rotation.next_batch_orders`):
    a draft already taken in as an order of the programme (a reply merged before) is an order now, not a draft."""
    d = next_batch_orders(wb)
    return d[~d["id"].isin(set(wb.orders["id"]))].reset_index(drop=True)


def unit_drafts(wb: Workbook, unit: str, drafts: pd.DataFrame | None = None) -> pd.DataFrame:
    """The next batch's draft orders for one host unit (:func:`package_drafts`)."""
    d = package_drafts(wb) if drafts is None else drafts
    return d[d["host_unit"].eq(unit)].reset_index(drop=True)


def unit_package(wb: Workbook, unit: str, drafts: pd.DataFrame | None = None, *,
                 cut: Workbook | None = None) -> Workbook:
    """The unit's own workbook with its next-batch drafts appended (held in memory: what the package's sheets are
    derived from, and what its reply's names are read against); ``cut``: the programme cut to the unit when
    already made (:func:`planning.programme.access.scope_workbooks`), else cut here."""
    mine = scope_workbook(wb, [unit]) if cut is None else cut
    d = unit_drafts(wb, unit, drafts)
    return with_draft_orders(mine, d) if len(d) else mine


def write_unit_package(wb: Workbook, unit: str, path, *, lang: str | None = None, data: str | None = None,
                       drafts: pd.DataFrame | None = None, views: UnitViews | None = None,
                       cut: Workbook | None = None) -> Path:
    """Write the unit's package to ``path`` (.xlsx); returns the path.

    Sheets: 本单位在岗人员, 本单位缺口, 逐月在岗与期满, 下一批需求岗位（请确认） (with
    dropdowns of sectors, skills, roles and priorities, read by a hidden lists sheet) and
    本单位成效指标（请填写实际值）, each with a title line: what, the unit, the as-of day,
    the data. Names, never ids; no data table of the contract; nothing about other host units.
    The file is written in one pass by xlsxwriter (:class:`planning.outputs.excel.XlsxBook`);
    ``views`` (:func:`unit_views`) carries what is derived once for many units, ``cut`` the programme cut to
    the unit (:func:`unit_package`).
    """
    lang = lang or default_lang()
    path = Path(path)
    drafts = unit_drafts(wb, unit, drafts)
    # the unit's own workbook, where its sheets are not cut from ``views`` (names told apart within the package)
    pkg = None if views is not None and unit not in views.told_apart else unit_package(wb, unit, drafts, cut=cut)
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
    (default :func:`package_drafts`), as each unit's package holds
    them, for :func:`unit_tables` to cut per unit: one pass over the programme instead of one per unit."""
    import re

    from ..core.live import live_assignments
    from ..programme.standing import unit_points
    from .labels import team_names

    lang = lang or default_lang()
    drafts = package_drafts(wb) if drafts is None else drafts
    wb = with_draft_orders(wb, drafts) if len(drafts) else wb
    rows = live_assignments(wb, today(), None)
    people = roster_table(wb, lang)
    host = rows["order"].map(wb.orders.drop_duplicates("id").set_index("id")["host_unit"])
    gaps = standing(wb).units
    points = unit_points(wb)
    ind = _indicator_rows(wb)
    # order and team names are told apart within each package: where the programme tells a unit's apart from
    # another's, its package names them itself (unit_tables). An order's name starts with its unit's name, so the
    # programme names a unit's orders as its own workbook does unless another host unit shares that name (then a
    # start month or a number may come from the other's orders); a team's told apart carries a suffix in brackets.
    suffixed = re.compile(r" \(.*\)$")
    tn = team_names(wb, lang)
    o = wb.orders
    nm = names(wb)
    unit_name = o["host_unit"].map(nm).fillna(o["host_unit"]).astype(str)
    shared = unit_name.groupby(unit_name.to_numpy()).transform(lambda s: o.loc[s.index, "host_unit"].nunique()) > 1
    told = shared | o["team"].map(tn).fillna("").astype(str).str.contains(suffixed)
    hosted = wb.teams["id"].map(tn).astype(str).str.contains(suffixed)
    told_apart = set(o.loc[told.to_numpy(), "host_unit"]) | set(wb.teams.loc[hosted.to_numpy(), "host"])
    hosts = host.to_numpy(dtype=object)
    sheet = roster_sheets(people, lang, keys=("by_host",))[0][1]  # sorted once; sort_values keeps the row labels
    return UnitViews(people, hosts, rows["order"].to_numpy(dtype=object),
                     _gap_view(gaps, wb, lang), gaps["host_unit"].to_numpy(dtype=object),
                     _month_view(points, wb, lang), points["host_unit"].to_numpy(dtype=object),
                     _indicator_view(ind, wb, lang), ind["subject"].to_numpy(dtype=object),
                     draft_view(drafts, wb, lang), drafts["host_unit"].to_numpy(dtype=object), told_apart,
                     sheet.reset_index(drop=True), hosts[sheet.index.to_numpy()])


def draft_view(drafts: pd.DataFrame, wb, lang) -> pd.DataFrame:
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
        drafts = draft_view(drafts, pkg, lang)
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
    from .excel import XlsxBook

    data = data if data is not None else data_name(wb, lang)
    roster, gaps, months, indicators, drafts_view = unit_tables(pkg, unit, drafts, lang, views)
    sheets = [(t("pkg.sheet.people", lang), roster), (t("pkg.sheet.gaps", lang), gaps),
              (t("pkg.sheet.months", lang), months), (t("pkg.sheet.drafts", lang), drafts_view)]
    sheets.append((t("pkg.sheet.indicators", lang), indicators))  # this period's targets, actuals to report
    line = report_line(t("pkg.title", lang, unit=who), lang, data=data, filters=who)
    book = XlsxBook(path)
    titles = book.report_sheets(sheets, title_line=line, landscape=True, page_header=line)
    _validate_drafts(book, titles[3], wb, lang, len(drafts_view))
    _validate_actuals(book, titles[-1], lang, len(indicators))
    book.close()


#: The posts sheet's columns, in order (:func:`draft_view`), and the rows below its drafts that take new posts.
DRAFT_COLUMNS = ("order", "sector", "skill", "role", "headcount", "start", "end", "priority")
DRAFT_SPARE_ROWS = 200


def _draft_headers(lang: str) -> dict[str, str]:
    """``{column: header}`` of the posts sheet in ``lang`` (the headers :func:`draft_view` writes)."""
    return {c: t("pkg.col.draft" if c == "order" else f"col.{c}", lang) for c in DRAFT_COLUMNS}


def _sectors(wb) -> list[str]:
    """The sectors a post may name: the catalogue's and the programme's own, as the data writes them."""
    from ..core.i18n import SECTORS_ZH_EN

    own = [s for s in pd.unique(wb.orders["sector"].dropna().astype(str)) if s.strip()]
    return list(dict.fromkeys([*SECTORS_ZH_EN, *sorted(own)]))


def _roles() -> list[str]:
    from ..contract.schema import allowed

    return list(allowed("orders", "role"))


def _validate_drafts(book, sheet: str, wb, lang, n: int) -> None:
    """Dropdowns on the posts sheet ``sheet`` of ``book`` (:class:`planning.outputs.excel.XlsxBook`): sectors, skills
    (others may be typed, with a warning) and roles from a hidden lists sheet, priorities 1–5, headcounts whole
    numbers from 1, dates as dates; over the drafts' rows and :data:`DRAFT_SPARE_ROWS` rows below for new posts."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .labels import value_text

    ws = book.xl.get_worksheet_by_name(sheet)
    lists = book.sheet(t("pkg.sheet.lists", lang))
    skills = sorted(set(wb.orders["skill"].dropna().astype(str).str.strip()) - {""})
    columns = {"sector": [sector_label(s, lang) for s in _sectors(wb)], "skill": skills,
               "role": [value_text(r, lang) for r in _roles()]}
    refs = {}
    for j, (code, values) in enumerate(columns.items()):
        book.cell(lists, 0, j, _draft_headers(lang)[code], bold=True)
        for i, v in enumerate(values, start=1):
            book.cell(lists, i, j, v)
        letter = get_column_letter(j + 1)
        refs[code] = f"'{lists.name}'!${letter}$2:${letter}${max(2, len(values) + 1)}"
        lists.set_column(j, j, 18)
    lists.hide()
    last = n + 2 + DRAFT_SPARE_ROWS
    for code in DRAFT_COLUMNS[1:]:
        letter = get_column_letter(DRAFT_COLUMNS.index(code) + 1)
        if code in refs:
            dv = DataValidation(type="list", formula1=refs[code], allow_blank=True, showErrorMessage=True,
                                error=t(f"pkg.draft.pick.{code}", lang))
            if code == "skill":  # a skill the list lacks may be typed, after a warning
                dv.errorStyle = "warning"
        elif code == "priority":
            dv = DataValidation(type="list", formula1='"1,2,3,4,5"', allow_blank=True, showErrorMessage=True,
                                error=t("pkg.draft.pick.priority", lang))
        elif code == "headcount":
            dv = DataValidation(type="whole", operator="between", formula1="1", formula2="100000", allow_blank=True,
                                showErrorMessage=True, error=t("pkg.draft.pick.headcount", lang))
        else:  # start, end: a day
            dv = DataValidation(type="date", operator="between", formula1="36526", formula2="73050", allow_blank=True,
                                showErrorMessage=True, error=t("pkg.draft.pick.date", lang))
        book.validate(ws, f"{letter}3:{letter}{last}", dv)


def write_unit_packages(wb: Workbook, folder, units=None, *, lang: str | None = None,
                        data: str | None = None) -> list[Path]:
    """One package per host unit with orders (or per unit in ``units``) in ``folder``; the files written.

    File names are the units' names (made safe), so a planner can send each to its unit;
    units whose names give the same file name are told apart by their ids. What every package
    shows is derived once for the programme (:func:`unit_views`), then cut per unit; only the units whose
    package names its posts apart from another unit's way (``told_apart``) have the programme cut to them, in
    one grouped pass (:func:`planning.programme.access.scope_workbooks`).
    """
    lang = lang or default_lang()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    units = list(pd.unique(wb.orders["host_unit"])) if units is None else list(units)
    drafts = package_drafts(wb)
    nm = names(wb)
    data = data if data is not None else data_name(wb, lang)
    views = unit_views(wb, lang, drafts) if units else None
    own = [u for u in units if u in views.told_apart] if views is not None else []
    cuts = dict(zip(own, scope_workbooks(wb, ([u] for u in own))))  # only where the package needs the unit's own
    return [write_unit_package(wb, u, folder / f"{safe}-{today():%Y%m%d}.xlsx", lang=lang, data=data, drafts=drafts,
                               views=views, cut=cuts.get(u))
            for u, safe in zip(units, file_stems(units, nm))]


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


def draft_names(wb: Workbook, unit: str, drafts: pd.DataFrame | None = None) -> dict[str, str]:
    """``{name: draft id}``: the unit's next-batch drafts by the names its package writes under 需求岗位, in Chinese
    and in English, computed again from the programme (the unit's own workbook with its drafts,
    :func:`unit_package`, named as :func:`draft_view` names them)."""
    from ..core.text import clean_text
    from .labels import order_names

    d = unit_drafts(wb, unit, drafts)
    if not len(d):
        return {}
    pkg = unit_package(wb, unit, d)
    out: dict[str, str] = {}
    for lg in ("zh", "en"):
        on = order_names(pkg, lg)
        for i in d["id"]:
            out.setdefault(_name_key(clean_text(str(on[i]))), i)
    return out


def _name_key(text) -> str:
    """A name as a reply is matched on: spaces collapsed, letter case aside."""
    return " ".join(str(text).split()).casefold()


def _open_reply(path: Path, lang: str, sheet: str):
    """The reply's file opened by openpyxl as stored (formulas as formulas), its size checked before anything is
    unpacked; a :class:`ReplyError` naming the file and ``sheet`` when it is no .xlsx, too big or unreadable."""
    import warnings

    from openpyxl import load_workbook as open_xlsx

    from ..core.limits import limits, zip_unpacked_bytes

    lim = limits()
    try:
        if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
            raise ValueError(t("pkg.draft.not_xlsx", lang))
        if path.stat().st_size > lim.file_bytes or zip_unpacked_bytes(path) > lim.unpacked_bytes:
            raise ValueError(t("pkg.draft.too_big", lang, mb=lim.unpacked_bytes >> 20))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return open_xlsx(path, read_only=True, data_only=False)
    except ReplyError:
        raise
    except Exception as e:  # openpyxl raises many kinds for a damaged file  # noqa: BLE001
        reason = str(e) if isinstance(e, ValueError) and str(e) else type(e).__name__
        raise _reply_refusal(lang, path, sheet, None, None, t("pkg.assess.unreadable", lang, reason=reason)) from e


def _reply_sheet(path: Path, lang: str, titles, shown: str, missing: str | None):
    """``(title, rows)`` of the first sheet of the reply ``path`` titled one of ``titles`` (:func:`_open_reply`,
    :func:`_sheet_rows`); without one, a refusal saying ``missing`` (an i18n key), or None when ``missing`` is None.
    ``shown``: the sheet a refusal names before the file is read."""
    book = _open_reply(path, lang, shown)
    try:
        found = [n for n in book.sheetnames if n in titles]
        if not found:
            if missing is None:
                return None
            raise _reply_refusal(lang, path, shown, None, None, t(missing, lang))
        return found[0], _sheet_rows(book, found[0], path, lang)
    finally:
        book.close()


def _sheet_rows(book, name: str, path: Path, lang: str) -> list[list[tuple]]:
    """Each row of sheet ``name`` of the reply ``book`` as ``(value, data type)`` pairs, as stored (a formula as a
    formula); a sheet too long or damaged is refused (:class:`ReplyError`)."""
    from ..core.limits import limits

    rows, most = [], limits().rows
    try:
        for k, row in enumerate(book[name].iter_rows(), start=1):
            if k > most:
                raise _reply_refusal(lang, path, name, k, None, t("pkg.draft.too_many", lang, n=most))
            rows.append([(getattr(c, "value", None), getattr(c, "data_type", None)) for c in row])
    except ReplyError:
        raise
    except Exception as e:  # a damaged sheet inside a readable zip  # noqa: BLE001
        raise _reply_refusal(lang, path, name, None, None,
                             t("pkg.assess.unreadable", lang, reason=type(e).__name__)) from e
    return rows


def _as_day(v):
    """A cell's day as a Timestamp (a date, or a text as offices write one: :func:`planning.contract.dates.parse_dates`),
    else None."""
    import datetime as dt

    from ..contract.dates import DATE_OK, parse_dates

    if isinstance(v, (dt.datetime, dt.date)):
        return pd.Timestamp(v).normalize()
    if isinstance(v, str):
        ns, kind = parse_dates(pd.Series([v.strip()]), excel=False)
        return pd.Timestamp(int(ns[0])) if kind[0] == DATE_OK else None
    return None


def _as_whole(v, low: int, high: int):
    """A cell's whole number between ``low`` and ``high``, else None (3.0 and "3" are 3)."""
    if isinstance(v, bool):
        return None
    try:
        x = float(str(v).strip()) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        return None
    return int(x) if x == x and x.is_integer() and low <= x <= high else None


def read_reply_posts(wb: Workbook, path, unit: str, lang: str | None = None) -> pd.DataFrame:
    """The posts sheet (下一批需求岗位（请确认）) of a unit's reply as the unit's next-batch orders: one per row, in
    the sheet's order, each a draft confirmed (named as the package named it; headcount, dates, skill, sector, role
    and priority as written) or a new post (a row with an empty or new name: a new id). Drafts not named are dropped.

    Raises :class:`ReplyError`, one sentence naming the file, sheet, row and column, for a file that is no reply, a
    column the sheet does not carry, a formula, a row naming another unit's post or one of the unit's orders
    already in the programme, a draft named twice, a sector or role that is none of the lists, a headcount that is
    not a whole number from 1, a day that is no day, an end before the start, a priority outside 1–5.
    """
    from ..core.text import clean_text
    from .labels import order_names, value_text

    lang = lang or default_lang()
    path = Path(path)
    sheet, rows = _reply_sheet(path, lang, {sheet_title(t("pkg.sheet.drafts", lg), []) for lg in ("zh", "en")},
                               t("pkg.sheet.drafts", lang), "pkg.draft.no_sheet")
    heads = {h: c for lg in ("zh", "en") for c, h in _draft_headers(lg).items()}
    header = [None if v is None else str(v).strip() for v, _ in (rows[1] if len(rows) > 1 else [])]
    codes = []
    for h in header:
        if h and h not in heads:
            raise _reply_refusal(lang, path, sheet, 2, h, t("pkg.draft.unknown_column", lang))
        codes.append(heads.get(h) if h else None)
    if "order" not in codes:
        raise _reply_refusal(lang, path, sheet, 2, None, t("pkg.draft.no_sheet", lang))
    column = {c: h for c, h in zip(codes, header) if c}

    drafts = unit_drafts(wb, unit).set_index("id", drop=False)
    mine = draft_names(wb, unit)
    nm = names(wb)
    all_drafts = package_drafts(wb)
    whole = with_draft_orders(wb, all_drafts) if len(all_drafts) else wb
    host_of = whole.orders.drop_duplicates("id").set_index("id")["host_unit"]
    own_pkg = unit_package(wb, unit, drafts.reset_index(drop=True))
    ordered, others = set(), {}
    for lg in ("zh", "en"):
        own = order_names(own_pkg, lg)
        ordered |= {_name_key(clean_text(str(own[i]))) for i in wb.orders.loc[wb.orders["host_unit"].eq(unit), "id"]}
        on = order_names(whole, lg)
        for i, name in on.items():
            if host_of.get(i) != unit:
                others.setdefault(_name_key(clean_text(str(name))), host_of.get(i))
    sectors = {}
    for s_ in _sectors(wb):
        sectors[_name_key(s_)] = s_
        sectors.setdefault(_name_key(sector_label(s_, "en")), s_)
    roles = {}
    for r_ in _roles():
        for lg in ("zh", "en"):
            roles.setdefault(_name_key(value_text(r_, lg)), r_)
        roles.setdefault(_name_key(r_), r_)
    teams = set(wb.orders.loc[wb.orders["host_unit"].eq(unit), "team"].dropna().astype(str))
    team = teams.pop() if len(teams) == 1 else None
    taken = set(wb.orders["id"].astype(str)) | set(all_drafts["id"].astype(str))
    out, seen = [], {}
    for r, row in enumerate(rows[2:], start=3):
        cell = {}
        for c, (v, kind) in zip(codes, row):
            if c is None:
                continue
            if kind == "f":
                raise _reply_refusal(lang, path, sheet, r, column[c], t("pkg.draft.formula", lang, value=v))
            if isinstance(v, str):
                v = clean_text(v).strip()
            if v is not None and v != "":
                cell[c] = v
        if not cell:
            continue  # an empty row, or a row emptied: nothing
        refuse = lambda c, what, r=r: _reply_refusal(lang, path, sheet, r, column.get(c), what)  # noqa: E731
        name = str(cell.get("order", ""))
        key = _name_key(name)
        draft = mine.get(key) if key else None
        if draft is None and key in ordered:
            raise refuse("order", t("pkg.draft.ordered", lang, name=name))
        if draft is None and key in others:
            other = others[key]
            raise refuse("order", t("pkg.draft.other_unit", lang, name=name, unit=str(nm.get(other, other))))
        if draft is not None and draft in seen:
            raise refuse("order", t("pkg.draft.twice", lang, name=name, row=seen[draft]))
        for c in ("sector", "headcount", "start", "end"):
            if c not in cell:
                raise refuse(c, t("pkg.draft.empty", lang))
        sector = sectors.get(_name_key(cell["sector"]))
        if sector is None:
            raise refuse("sector", t("pkg.draft.unknown_sector", lang, value=cell["sector"],
                                     choices=_list_words([sector_label(x, lang) for x in _sectors(wb)], lang)))
        role = roles.get(_name_key(cell["role"])) if "role" in cell else "member"
        if role is None:
            raise refuse("role", t("pkg.draft.unknown_role", lang, value=cell["role"],
                                   choices=_list_words([value_text(x, lang) for x in _roles()], lang)))
        headcount = _as_whole(cell["headcount"], 1, 100000)
        if headcount is None:
            raise refuse("headcount", t("pkg.draft.headcount", lang, value=cell["headcount"]))
        start, end = _as_day(cell["start"]), _as_day(cell["end"])
        for c, day in (("start", start), ("end", end)):
            if day is None:
                raise refuse(c, t("pkg.draft.not_day", lang, value=cell[c]))
        if end < start:
            raise refuse("end", t("pkg.draft.end_before", lang, end=f"{end:%Y-%m-%d}", start=f"{start:%Y-%m-%d}"))
        priority = _as_whole(cell["priority"], 1, 5) if "priority" in cell else 3
        if priority is None:
            raise refuse("priority", t("pkg.draft.priority", lang, value=cell["priority"]))
        skill = str(cell["skill"]) if "skill" in cell else None
        if draft is not None:
            seen[draft] = r
            rec = drafts.loc[draft].to_dict()
        else:
            k = 1
            while f"{unit}-R{start:%Y%m}-{k}" in taken:
                k += 1
            rec = dict(id=f"{unit}-R{start:%Y%m}-{k}", host_unit=unit, team=team)
            taken.add(rec["id"])
        rec.update(sector=sector, skill=skill, role=role, headcount=headcount, start=start, end=end,
                   priority=priority, row=r)
        out.append(rec)
    cols = list(wb.orders.columns)
    posts = pd.DataFrame(out, columns=[*cols, "row"])
    posts.attrs.update(file=path.name, sheet=sheet, header=column)
    return posts


def _list_words(words, lang: str) -> str:
    from ..core.i18n import list_sep

    return list_sep(lang).join(map(str, words))


def merge_reply(wb: Workbook, path, unit: str, lang: str | None = None) -> Workbook:
    """The programme with host unit ``unit``'s reply (its package as it came back, ``path``, .xlsx) taken in.

    The posts sheet (:func:`read_reply_posts`) gives the unit's next-batch orders: its drafts confirmed, changed or
    dropped, and new posts; they follow the unit's orders already in the programme, which stay as they are. The
    indicators sheet, where there is one, gives the actuals the unit reports on its own indicators
    (:func:`reported_actuals`, :func:`with_reported_actuals`). Nothing else changes. A reply sent back untouched
    confirms every draft.

    Raises :class:`ReplyError` with one sentence naming the file, sheet, row and column, nothing changed, when a
    sheet cannot be taken in or the programme with the reply would break a rule of the contract.
    """
    from ..contract.loader import validate_workbook
    from ..contract.problems import WorkbookError

    lang = lang or default_lang()
    path = Path(path)
    posts = read_reply_posts(wb, path, unit, lang)
    reported = reported_actuals(path, lang)
    out = wb.copy()
    own = wb.orders["host_unit"].eq(unit)
    kept = [wb.orders[~own], wb.orders[own]]
    cols = list(wb.orders.columns)
    out.orders = pd.concat([*kept, posts[cols].astype(object)], ignore_index=True)[cols] if len(posts) \
        else pd.concat(kept, ignore_index=True)
    if reported is not None:  # the actuals the unit reports on its indicators sheet
        out.indicator_values = with_reported_actuals(wb, reported, unit, lang)
    try:
        merged = validate_workbook(out, path.name)
    except WorkbookError as e:  # the merged programme must pass every rule of the contract
        p = e.problems[0]
        first = len(wb.orders)
        head = posts.attrs["header"]
        if p.table == "orders" and p.row is not None and p.row - 2 >= first:
            at = posts["row"].iloc[p.row - 2 - first]
            raise _reply_refusal(lang, path, posts.attrs["sheet"], int(at), head.get(p.column),
                                 p.what(lang) + ("；" if lang == "zh" else ";"))
        raise ReplyError(p.sentence(lang))
    return merged


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

    from ..contract.schema import value_label
    from ..contract.results_rules import GRADES, derive_grades, period_ok

    lang = lang or default_lang()
    path = Path(path)
    # opened as every reply is: its size checked before anything is unpacked, formulas read as formulas
    sheet, cells = _reply_sheet(path, lang, {t("pkg.assess.sheet", lg) for lg in ("zh", "en")},
                                t("pkg.assess.sheet", lang), "pkg.assess.no_sheet")
    header = [v for v, _ in (cells[ASSESS_HEADER_ROW - 1] if len(cells) >= ASSESS_HEADER_ROW else [])]
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
    for r, stored in enumerate(cells[ASSESS_HEADER_ROW:], start=ASSESS_HEADER_ROW + 1):
        for c, h, (v, kind) in zip(codes, header, stored):
            if c is not None and kind == "f":  # text from a reply is never run: a formula is refused
                raise _reply_refusal(lang, path, sheet, r, str(h), t("pkg.draft.formula", lang, value=v))
        row = [v for v, _ in stored]
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
# periods holding the as-of day), by name: the unit, the indicator, its unit of measure, the period, baseline, target,
# and the actual to fill. :func:`reported_actuals` reads it back from the reply's file; :func:`with_reported_actuals`
# takes the actuals in for the unit's own rows only, each row found by the names the package shows.

IND_COLUMNS = ("subject", "name", "measure", "period", "baseline", "target", "actual")


def _ind_headers(lang: str) -> dict[str, str]:
    return {c: t(f"pkg.ind.col.{c}", lang) for c in IND_COLUMNS}


def indicator_names(wb: Workbook) -> pd.Series:
    """Each indicator's name by id, as a package shows it: its name, told apart by its unit of measure where two
    share a name, then by a number (never by the id)."""
    d = wb.indicator_definitions
    made = d["name"].where(d["name"].notna(), "").astype(str).str.strip()
    dup = made.duplicated(keep=False)
    made = made.where(~dup, made + "（" + d["measure"].fillna("").astype(str) + "）")
    return pd.Series(numbered(made).to_numpy(), index=d["id"].to_numpy(), dtype=object)


def _indicator_rows(pkg: Workbook) -> pd.DataFrame:
    """The host units' own indicator values whose period holds today, by id: ``subject, indicator`` then
    :data:`IND_COLUMNS` but the subject (``name`` told apart by :func:`indicator_names`)."""
    from ..programme.results import definitions, period_bounds

    d = definitions(pkg).set_index("id")
    v = pkg.indicator_values
    v = v[v["indicator"].map(d["subject"]).eq("host_unit") & v["indicator"].map(d["aggregation"]).ne("ratio")]
    first, last = period_bounds(v["period"])
    now = today()
    v = v[((first <= now) & (last >= now)).to_numpy()]
    out = pd.DataFrame({"subject": v["subject"].to_numpy(), "indicator": v["indicator"].to_numpy(),
                        "name": v["indicator"].map(indicator_names(pkg)).to_numpy(),
                        "measure": v["indicator"].map(d["measure"]).to_numpy(), "period": v["period"].astype(str),
                        "baseline": v["baseline"].to_numpy(), "target": v["target"].to_numpy(),
                        "actual": v["actual"].to_numpy()})
    return out.sort_values(["subject", "indicator", "period"]).reset_index(drop=True)


def _indicator_view(rows: pd.DataFrame, wb: Workbook, lang: str, headers: bool = True) -> pd.DataFrame:
    """``rows`` (:func:`_indicator_rows`) as the sheet shows them: the unit by name, no id."""
    nm = names(wb)
    out = rows.assign(subject=rows["subject"].map(lambda s: str(nm.get(s, s))))[list(IND_COLUMNS)]
    return out.rename(columns=_ind_headers(lang)) if headers else out


def unit_indicator_sheet(pkg: Workbook, lang: str | None = None, *, headers: bool = True) -> pd.DataFrame:
    """The package's indicators: the host units' own indicator values whose period holds today, named (the unit by
    its name, the indicator by :func:`indicator_names`), with Chinese (or English) headers (``headers=False``: the
    codes of :data:`IND_COLUMNS`); the actual as the programme holds it, to be filled or corrected."""
    lang = lang or default_lang()
    return _indicator_view(_indicator_rows(pkg), pkg, lang, headers)


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
    """The indicators sheet of a unit's reply (``path``, .xlsx) as ``row`` and :data:`IND_COLUMNS` (``row``: the
    Excel row; the unit and the indicator by the names the package shows); None when the file has no such sheet."""
    lang = lang or default_lang()
    path = Path(path)
    got = _reply_sheet(path, lang, {sheet_title(t("pkg.sheet.indicators", lg), []) for lg in ("zh", "en")},
                       t("pkg.sheet.indicators", lang), None)
    if got is None:
        return None
    title, rows = got
    header = [None if h is None else str(h).strip() for h, _ in (rows[1] if len(rows) > 1 else [])]
    code = {h: c for lg in ("zh", "en") for c, h in _ind_headers(lg).items()}
    cols = [code.get(h) for h in header]
    out = []
    for r, row in enumerate(rows[2:], start=3):
        rec = {}
        for c, h, (v, kind) in zip(cols, header, row):
            if c is None:
                continue
            if kind == "f":
                raise _reply_refusal(lang, path, title, r, h, t("pkg.draft.formula", lang, value=v))
            rec[c] = v
        if all(v is None or str(v).strip() == "" for v in rec.values()):
            continue
        out.append(dict(row=r, **rec))
    df = pd.DataFrame(out, columns=["row", *IND_COLUMNS])
    df.attrs.update(file=path.name, sheet=title, header={c: h for c, h in zip(cols, header) if c})
    return df


def with_reported_actuals(wb: Workbook, reported: pd.DataFrame, unit: str, lang: str | None = None) -> pd.DataFrame:
    """The programme's indicator values with the actuals ``reported`` by host unit ``unit`` taken in.

    Each row is found by the names the package shows: the unit's name, the indicator's
    (:func:`indicator_names`) and the period. Only the unit's own rows may be reported, and only their actuals: a
    row of another unit, of an indicator or period the programme does not hold for the unit, with a baseline or
    target other than the programme's, or an actual that is not a number, is refused with :class:`ReplyError` (one
    sentence: file, sheet, row, column, what is wrong; nothing is changed). An empty actual leaves the programme's
    as it is.
    """
    from ..core.text import clean_text

    lang = lang or default_lang()
    v = wb.indicator_values.copy()
    f, sh, head = reported.attrs.get("file", ""), reported.attrs.get("sheet", ""), reported.attrs.get("header", {})
    nm = names(wb)
    own_name = _name_key(clean_text(str(nm.get(unit, unit))))
    by_name = {}
    for ind, name in indicator_names(wb).items():
        by_name.setdefault(_name_key(clean_text(name)), ind)
    held = {(i, str(p)): k for k, (s, i, p) in enumerate(zip(v["subject"], v["indicator"], v["period"])) if s == unit}

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
        subject = clean_text(str(r.get("subject") or "")).strip()
        if _name_key(subject) != own_name:
            raise _reply_refusal(lang, f, sh, r["row"], head.get("subject"),
                                 t("pkg.ind.other_unit", lang, unit=subject or "—"))
        name = clean_text(str(r.get("name") or "")).strip()
        period = r.get("period")
        period = str(int(period)) if isinstance(period, (int, float)) and float(period).is_integer() \
            else str(period or "").strip()
        key = (by_name.get(_name_key(name)), period)
        if key not in held:
            raise _reply_refusal(lang, f, sh, r["row"], head.get("name"),
                                 t("pkg.ind.unknown", lang, indicator=name or "—", period=period or "—"))
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
