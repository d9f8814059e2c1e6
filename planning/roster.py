"""Dispatch rosters (派遣名单) of a plan as formatted Excel sheets.

:func:`roster_table` lists everyone on post or planned from today on — the
plan's new assignments and the existing active/planned ones — with names of
cities, units and teams. :func:`write_rosters` adds three sheets to an
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

from .i18n import default_lang, t
from .summary import today

COLUMNS = ["source_city", "sending_unit", "person", "name", "sector", "skill", "host_unit", "order", "role",
           "team", "start", "end", "priority", "status", "reason"]
SHEETS = {  # sheet key → (sort columns, first columns)
    "by_city": (["source_city", "sending_unit", "person", "start"], ["source_city", "sending_unit"]),
    "by_host": (["host_unit", "order", "start", "person"], ["host_unit", "order"]),
    "by_team": (["team", "_member", "start", "person"], ["team", "role"]),
}


def roster_table(plan, lang: str | None = None) -> pd.DataFrame:
    """Everyone on post or planned from today on, with names, in ``lang`` (codes in English columns)."""
    from .allocate import _cities, why_text
    from .reports import names as display_names

    lang = lang or plan.lang or default_lang()
    wb = plan._ctx.get("wb", plan.workbook)
    a = wb.assignments
    live = a[a["status"].isin(["active", "planned"]) & (a["end"] >= today())]
    new = plan.assignments
    rows = pd.concat([live.assign(reason=""), new[["person", "order", "start", "end", "status", "reason"]]
                      .assign(status="new")], ignore_index=True)
    people = wb.people.set_index("id")
    orders = wb.orders.set_index("id")
    names = display_names(wb)
    city = _cities(wb)
    out = pd.DataFrame({
        "source_city": rows["person"].map(city).map(names).fillna(rows["person"].map(city)),
        "sending_unit": rows["person"].map(people["sending_unit"]).map(names),
        "person": rows["person"], "name": rows["person"].map(people["name"]),
        "sector": rows["person"].map(people["sector"]), "skill": rows["person"].map(people["skill"]),
        "host_unit": rows["order"].map(orders["host_unit"]).map(names),
        "order": rows["order"],
        "role": rows["order"].map(orders["role"]).map({"lead": t("alloc.roster.lead", lang),
                                                       "member": t("alloc.roster.member", lang)}),
        "team": rows["order"].map(orders["team"]).fillna(t("alloc.roster.no_team", lang)),
        "start": rows["start"].dt.date, "end": rows["end"].dt.date,
        "priority": rows["order"].map(orders["priority"]),
        "status": rows["status"].map({s: t(f"alloc.roster.status_{s}", lang) for s in ("new", "active", "planned")}),
        "reason": [why_text(r, lang) if r else "" for r in rows["reason"]],
    })
    return out[COLUMNS]


def write_rosters(plan, path, lang: str | None = None) -> list[str]:
    """Add the three roster sheets to the ``.xlsx`` at ``path``; returns the sheet names."""
    from .reports import write_excel

    lang = lang or plan.lang or default_lang()
    table = roster_table(plan, lang)
    sheets = []
    for key, (sort, first) in SHEETS.items():
        cols = first + [c for c in COLUMNS if c not in first]
        df = table.assign(_member=table["role"].ne(t("alloc.roster.lead", lang))).sort_values(
            sort, kind="stable")[cols]
        sheets.append((t(f"alloc.roster.{key}", lang)[:31],
                       df.rename(columns={c: t(f"alloc.roster.col.{c}", lang) for c in cols})))
    write_excel(path, sheets, append=True)
    return [name for name, _ in sheets]
