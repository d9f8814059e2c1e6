"""The printable three-level grid roster (三级网格花名册): one sheet per management unit.

Each unit's sheet lists its leaders, then its members, on post on the as-of day or
arriving later: their role in the unit, name, category, sending unit, host unit, post
and term, and the contact columns the planner chooses among those the contract names
(:func:`planning.programme.grid.contact_columns`; any other column is refused). A first sheet
sums the grid up: each unit's level, kind, parent, leaders, people on post (its leaders included) and warnings. Written
through :func:`planning.outputs.excel.write_excel`: a title line on every sheet, headers repeated
on every printed page, landscape, one page wide.

Examples
--------
>>> import io, planning
>>> from openpyxl import load_workbook
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> buf = io.BytesIO()
>>> _ = write_grid_roster(wb, buf, on="2026-11-22", contacts=["phone"], lang="zh")
>>> book = load_workbook(buf)
>>> book.sheetnames[:3]
['网格总表', '淳安县援派巴塘工作队', '机关党政干部组']
>>> [c.value for c in book["医生组"][2]][:3], book["医生组"]["I2"].value
(['网格职务', '姓名', '类别'], '联系电话')
"""
from __future__ import annotations

import pandas as pd

from ..contract import schema
from ..core.clock import today
from ..core.names import names as display_names
from .excel import write_excel
from ..programme.criteria import pending_assignments
from ..programme.grid import LEADER, contact_columns, grid_summary, memberships
from ..core.i18n import default_lang, fmt_date, list_sep, t
from .labels import order_names, value_text
from .reports import report_line


def kind_label(kind, lang: str | None = None) -> str:
    """A management unit's kind in words (指挥部 / HQ …)."""
    return t(f"grid.kind.{kind}", lang) if isinstance(kind, str) and kind else ""


def contact_label(column: str, lang: str | None = None) -> str:
    """A contact column's header: the contract's Chinese header, or its English name as a word (Phone)."""
    text = schema.header("people", column, lang or default_lang())
    return text if (lang or default_lang()) == "zh" else text.replace("_", " ").capitalize()


def roster_rows(wb, on=None, contacts=(), lang: str | None = None) -> pd.DataFrame:
    """One row per person and unit they lead or belong to, on post on ``on`` (default today) or arriving
    later: ``unit, role, person, name, pending`` (short of the last vetting stage: 拟派（待公示）), ``category, sending_unit, host_unit, order, post, start, end`` and the
    ``contacts`` columns. A person holding two stints in a unit is listed once, with the current stint."""
    lang = lang or default_lang()
    allowed = contact_columns()
    bad = [c for c in contacts if c not in allowed]
    if bad:
        raise ValueError(t("gapp.bad_contact", lang, columns="、".join(map(str, bad))))
    day = _day(on)
    m = memberships(wb)
    m = m[m["end"] >= day].sort_values(["unit", "person", "start"])
    m = m.assign(_lead=m["role"].eq(LEADER)).sort_values(["unit", "person", "_lead", "start"],
                                                         ascending=[True, True, False, True])
    m = m.drop_duplicates(["unit", "person"]).drop(columns="_lead")
    p = wb.people.drop_duplicates("id").set_index("id")
    nm = display_names(wb)
    a = wb.assignments.assign(_pending=pending_assignments(wb).to_numpy())
    a = a.drop_duplicates(["person", "order", "start"])[["person", "order", "start", "_pending"]]
    pending = m[["person", "order", "start"]].merge(a, on=["person", "order", "start"], how="left")["_pending"]
    pending = pending.fillna(False).astype(bool)
    o = wb.orders.drop_duplicates("id").set_index("id")
    out = pd.DataFrame({
        "unit": m["unit"].to_numpy(), "role": m["role"].to_numpy(), "person": m["person"].to_numpy(),
        "name": m["person"].map(p["name"]).to_numpy(),
        "pending": pending.to_numpy(),
        "category": m["person"].map(p["category"]).to_numpy(),
        "sending_unit": m["person"].map(p["sending_unit"]).map(nm).to_numpy(),
        "host_unit": m["order"].map(o["host_unit"]).map(nm).to_numpy(),
        "order": m["order"].to_numpy(),
        "post": m["order"].map(order_names(wb, lang)).to_numpy(),
        "start": m["start"].to_numpy(), "end": m["end"].to_numpy(),
    })
    for c in contacts:
        out[c] = m["person"].map(p[c]).to_numpy() if c in p.columns else None
    out["_rank"] = out["role"].ne(LEADER).astype(int)
    return out.sort_values(["unit", "_rank", "start", "name"]).drop(columns="_rank").reset_index(drop=True)


def _day(on) -> pd.Timestamp:
    return (pd.Timestamp(on) if on is not None else today()).normalize()


def summary_sheet(wb, on=None, lang: str | None = None, summary: pd.DataFrame | None = None) -> pd.DataFrame:
    """The roster's first sheet: each unit's level, name, kind, parent, leaders, people on post (its leaders
    included) and warning, in tree order (``summary``: :func:`planning.programme.grid.grid_summary`, when at hand)."""
    lang = lang or default_lang()
    day = _day(on)
    s = grid_summary(wb, day) if summary is None else summary
    nm = display_names(wb)
    unit_names = dict(zip(s["id"], s["name"]))
    h = {c: t(f"gapp.col.{c}", lang) for c in ("level", "unit", "kind", "parent", "leaders", "people", "warning")}
    n_leaders = s["leaders"].map(lambda v: len(v.split(";")) if isinstance(v, str) and v else 0)
    gap = pd.to_datetime(s["leaderless_from"])
    warning = [("" if pd.isna(g) else t("gapp.warn.no_leader", lang) if g <= day else
                t("gapp.warn.cliff", lang, day=fmt_date(g, lang))) for g in gap]
    return pd.DataFrame({
        h["level"]: s["level_shown"].to_numpy(), h["unit"]: s["name"].to_numpy(),
        h["kind"]: [kind_label(k, lang) for k in s["kind"]],
        h["parent"]: s["parent"].map(unit_names).fillna("").to_numpy(),
        h["leaders"]: [(list_sep(lang).join(str(nm.get(x, x)) for x in v.split(";")) if isinstance(v, str) else "")
                       for v in s["leaders"]],
        h["people"]: (s["people"] + n_leaders).to_numpy(),
        h["warning"]: warning,
    })


def roster_sheets(wb, on=None, contacts=(), lang: str | None = None, root: str | None = None
                  ) -> list[tuple[str, pd.DataFrame]]:
    """The roster as ``(sheet title, table)`` pairs: the summary, then one sheet per unit in tree order
    (``root``: that unit and the units below it only)."""
    lang = lang or default_lang()
    day = _day(on)
    s = grid_summary(wb, day)
    if root:
        keep = {root}
        for uid, parent in zip(s["id"], s["parent"]):  # parents come before their children
            if parent in keep:
                keep.add(uid)
        s = s[s["id"].isin(keep)].reset_index(drop=True)
    rows = roster_rows(wb, day, contacts, lang)
    h = {c: t(f"gapp.col.{c}", lang) for c in ("role", "name", "category", "sending_unit", "host_unit", "post",
                                                "start", "end")}
    roles = {r: t(f"gapp.role.{r}", lang) for r in ("leader", "member")}
    table = pd.DataFrame({
        "unit": rows["unit"].to_numpy(),
        h["role"]: rows["role"].map(roles).to_numpy(),
        h["name"]: [f"{n}（{t('status.pending', lang)}）" if pend else n
                    for n, pend in zip(rows["name"], rows["pending"])],
        h["category"]: [value_text(x, lang) for x in rows["category"]],
        h["sending_unit"]: rows["sending_unit"].to_numpy(), h["host_unit"]: rows["host_unit"].to_numpy(),
        h["post"]: rows["post"].to_numpy(),
        h["start"]: pd.to_datetime(rows["start"]).dt.date.to_numpy(),
        h["end"]: pd.to_datetime(rows["end"]).dt.date.to_numpy(),
    })
    for c in contacts:
        table[contact_label(c, lang)] = rows[c].to_numpy()
    by_unit = dict(tuple(table.groupby("unit", sort=False)))
    empty = table.iloc[:0].drop(columns="unit")
    sheets = [(t("gapp.sheet.summary", lang), summary_sheet(wb, day, lang, s))]
    for uid, name in zip(s["id"], s["name"]):
        part = by_unit.get(uid)
        sheets.append((str(name), part.drop(columns="unit").reset_index(drop=True) if part is not None else empty))
    return sheets


def write_grid_roster(wb, path, on=None, contacts=(), lang: str | None = None, *, data: str | None = None,
                      root: str | None = None):
    """Write the 三级网格花名册 to ``path`` (a path or a binary file object); returns ``path``.

    ``root`` limits it to one unit and the units below it (one grid of several)."""
    lang = lang or default_lang()
    sheets = roster_sheets(wb, on, contacts, lang, root)
    names = dict(zip(wb.management_units["id"], wb.management_units["name"]))
    scope = str(names.get(root, "")) if root else t("gapp.tree.all", lang)
    line = report_line(t("gapp.roster_title", lang), lang, data=data, wb=wb, on=on, filters=scope)
    return write_excel(path, sheets, landscape=True, page_header=line, title_line=line)
