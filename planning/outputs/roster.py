"""Dispatch rosters (派遣名单) of a plan as formatted Excel sheets.

:func:`roster_table` lists everyone on post or planned from today on — the
plan's new assignments and the existing active/planned ones, or a workbook's
active/planned ones in a window — with names of cities, units and teams.
:func:`roster_sheets` sorts it into sheets; :func:`write_rosters` adds three sheets to an
``.xlsx`` file (by sending city, by host unit, by team) with Chinese headers
(English with ``lang="en"``), a frozen header row and fitted column widths.

Examples
--------
>>> import os, tempfile, planning
>>> from openpyxl import load_workbook
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> plan = planning.allocate(wb)
>>> path = planning.save_workbook(plan.workbook, os.path.join(tempfile.mkdtemp(), "plan.xlsx"))
>>> write_rosters(plan, path, lang="zh")[0]
'派遣名单-按派出城市'
>>> ws = load_workbook(path)["派遣名单-按受援单位"]
>>> ws.freeze_panes, ws["A1"].value
('A2', '受援单位')
"""
from __future__ import annotations

import pandas as pd

from ..allocation import why_text
from ..core.clock import today
from ..core.hierarchy import source_city
from ..core.live import live_assignments
from ..core.names import names as display_names
from ..programme.criteria import PENDING, shown_status
from .excel import write_excel
from ..core.i18n import default_lang, sector_label, t
from .labels import order_names, team_names

COLUMNS = ["source_city", "sending_unit", "person", "name", "sector", "skill", "host_unit", "order", "role",
           "team", "start", "end", "priority", "status", "reason"]
SHEETS = {  # sheet key → (sort columns, first columns)
    "by_city": (["source_city", "sending_unit", "name", "start"], ["source_city", "sending_unit"]),
    "by_host": (["host_unit", "order", "start", "name"], ["host_unit", "order"]),
    "by_team": (["team", "_member", "start", "name"], ["team", "role"]),
}


def roster_table(plan, lang: str | None = None, *, start=None, end=None) -> pd.DataFrame:
    """Everyone on post or planned from ``start`` (default today) on, with names, in ``lang``.

    ``plan`` is a :class:`~planning.allocation.Plan` (its new assignments are
    listed with the status "new in this plan") or a workbook (its active and
    planned assignments between ``start`` and ``end``). An assignment of someone short of the
    programme's last vetting stage is listed as 拟派（待公示）, whatever its status. Teams are shown by
    their readable names (:func:`planning.outputs.reports.team_names`).
    """
    is_plan = hasattr(plan, "unfilled") and hasattr(plan, "objective")
    lang = lang or (plan.lang if is_plan else None) or default_lang()
    wb = (plan.inputs.workbook if plan.inputs is not None else plan.workbook) if is_plan else plan
    rows = live_assignments(wb, today() if start is None else start, end).assign(reason="")
    if is_plan:
        new = plan.assignments
        rows = pd.concat([rows, new[["person", "order", "start", "end", "status", "reason"]].assign(status="new")],
                         ignore_index=True)
    status = shown_status(wb, rows)  # people short of the last vetting stage: 拟派（待公示）
    people = wb.people.set_index("id")
    orders = wb.orders.set_index("id")
    names = display_names(wb)
    city = source_city(wb)
    out = pd.DataFrame({
        "source_city": rows["person"].map(city).map(names).fillna(rows["person"].map(city)),
        "sending_unit": rows["person"].map(people["sending_unit"]).map(names),
        "person": rows["person"], "name": rows["person"].map(people["name"]),
        "sector": rows["person"].map(people["sector"]).map(
            lambda s: sector_label(s, lang) if isinstance(s, str) else s),
        "skill": rows["person"].map(people["skill"]),
        "host_unit": rows["order"].map(orders["host_unit"]).map(names),
        "order": rows["order"].map(order_names(wb, lang)).fillna(rows["order"]),
        "role": rows["order"].map(orders["role"]).map({"lead": t("alloc.roster.lead", lang),
                                                       "member": t("alloc.roster.member", lang)}),
        "team": rows["order"].map(orders["team"]).map(team_names(wb, lang)).fillna(
            t("alloc.roster.no_team", lang)),
        "start": rows["start"].dt.date, "end": rows["end"].dt.date,
        "priority": rows["order"].map(orders["priority"]),
        "status": status.map({s: t(f"alloc.roster.status_{s}", lang) for s in ("new", "active", "planned", PENDING)}),
        "reason": [why_text(r, lang) if r else "" for r in rows["reason"]],
    })
    return out[COLUMNS].reset_index(drop=True)


def roster_sheets(table: pd.DataFrame, lang: str | None = None, keys=tuple(SHEETS)) -> list[tuple[str, pd.DataFrame]]:
    """``(title, table)`` roster sheets of a :func:`roster_table`, sorted and headed in ``lang``.

    ``keys`` picks the sheets (``by_city``, ``by_host``, ``by_team``); columns
    missing from ``table`` are left out.
    """
    lang = lang or default_lang()
    sheets = []
    for key in keys:
        sort, first = SHEETS[key]
        # people by name, posts by name: the sheets carry no ids (roster_table keeps ``person`` for joins)
        cols = [c for c in first + [c for c in COLUMNS if c not in first] if c in table.columns and c != "person"]
        df = table.assign(_member=table["role"].ne(t("alloc.roster.lead", lang))).sort_values(
            [c for c in sort if c in table.columns or c == "_member"], kind="stable")[cols]
        sheets.append((t(f"alloc.roster.{key}", lang),
                       df.rename(columns={c: t(f"alloc.roster.col.{c}", lang) for c in cols})))
    return sheets


def write_rosters(plan, path, lang: str | None = None, *, title_line: str | None = None,
                  host_units=None) -> list[str]:
    """Add the three roster sheets to the ``.xlsx`` at ``path``, first and open; returns the sheet names.

    ``title_line`` (what, filters, as-of day, data) is written above each roster's header row;
    ``host_units`` (ids) keeps only the people posted to those units. The roster sheets are
    moved before the data tables already in the file, and the first of them is the one
    the file opens on. Every sheet prints landscape, one page wide, with page numbers.
    """
    lang = lang or plan.lang or default_lang()
    table = roster_table(plan, lang)
    if host_units is not None:
        wb = plan.inputs.workbook if getattr(plan, "inputs", None) is not None else plan.workbook
        keep = set(display_names(wb).reindex(list(host_units)).dropna())
        table = table[table["host_unit"].isin(keep)].reset_index(drop=True)
    sheets = roster_sheets(table, lang)
    write_excel(path, sheets, append=True, title_line=title_line, landscape=True, page_header=title_line,
                first=True)
    if getattr(plan, "inputs", None) is not None and getattr(plan.inputs, "model", None) is not None:
        # why seats cannot be filled: after the data tables (the file still opens on the rosters)
        write_excel(path, [bottleneck_sheet(plan, lang, host_units)], append=True)
    return [name for name, _ in sheets]



def bottleneck_sheet(plan, lang: str | None = None, host_units=None) -> tuple[str, pd.DataFrame]:
    """The plan's groups of seats with fewer candidates than places (:mod:`planning.allocation.bottleneck`),
    one sentence and its figures a row (``host_units``: only groups with a seat at those units)."""
    from ..allocation.bottleneck import bottleneck_sentences, bottlenecks

    lang = lang or plan.lang or default_lang()
    b = bottlenecks(plan)
    said = bottleneck_sentences(plan, b, lang)
    df = pd.DataFrame({"sentence": said, "seats": b["seats"].to_numpy(), "candidates": b["candidates"].to_numpy(),
                       "deficiency": b["deficiency"].to_numpy(), "unfilled": b["unfilled"].to_numpy(),
                       "placed_elsewhere": b["placed_elsewhere"].to_numpy()}) if len(b) else pd.DataFrame(
        {"sentence": [t("bottleneck.none", lang)]})
    if host_units is not None and len(b):
        units = b.attrs.get("units", [])
        keep = [bool(set(u) & set(host_units)) for u in units]
        df = df[keep].reset_index(drop=True)
    return t("bottleneck.sheet", lang), df.rename(columns={c: t(f"bottleneck.col.{c}", lang) for c in df.columns})
