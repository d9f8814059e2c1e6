"""Formatted reports: the gaps report, the printable scenario report (Excel and HTML).

Readable tables come from :mod:`planning.outputs.labels`, Excel formatting from :mod:`planning.outputs.excel`.

Examples
--------
>>> import planning
>>> page = scenario_html(planning.load_workbook(planning.SAMPLE), title="2027")
>>> page.startswith("<!DOCTYPE html>") and "2027" in page
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..allocation import unfilled_reasons
from ..core.clock import (
    report_window,  # noqa: F401  (public here too)
    today,
)
from ..core.hierarchy import source_city
from ..core.text import clean_text, control_count
from ..core.live import live_assignments
from ..core.names import names
from ..programme.coverage import (
    BAND_COLOURS,
    BANDS,
    as_of_points,
    cliffs,
    county_gaps,  # noqa: F401  (public here too)
    coverage_as_of,
    coverage_at,
    handovers,
    largest_gaps,
    left_uncovered,
    month_range,
    rollup,
    uncovered,
)
from ..programme.coverage import band as band_of
from ..programme.criteria import pending_assignments, shown_status
from ..programme.results import results
from ..programme.assessments import grades
from .excel import display_width, sheet_title, write_excel  # noqa: F401  (public here too)
from ..core.i18n import default_lang, fmt_date, fmt_int, fmt_month, sector_label, t
from .labels import BAND_CODES, DATE_COLUMNS, ID_COLUMNS, MONTH_COLUMNS, band_colour, data_name, labelled, team_names, value_text  # noqa: F401
from .roster import roster_sheets, roster_table



def gaps_report(wb, month=None, by: str = "unit", lang: str | None = None, bands=BANDS,
                months: int = 12) -> list[tuple[str, pd.DataFrame]]:
    """The sheets of the gap report: largest gaps ``by``, units × sectors, months, cliffs, handovers.

    The current month is counted on the as-of day (today), as on the pages
    (:func:`planning.programme.coverage.coverage_as_of`); other months on their first days.
    """
    m = pd.Timestamp(month if month is not None else today()).to_period("M").to_timestamp()
    last = m + pd.DateOffset(months=months - 1)
    cov = coverage_as_of(wb, m, last, bands=bands)
    lg = largest_gaps(wb, m, by=by, n=None, cov=cov, bands=bands)
    if by not in ("unit", "sender", "sector"):
        lg = lg.drop(columns=["month"], errors="ignore")
    units = cov[cov["month"] == m].sort_values(["gap", "demand"], ascending=False)
    totals = rollup(cov, wb, "prefecture", sector=False, bands=bands)
    points = as_of_points(month_range(m, last)).insert(0, m - pd.DateOffset(months=1))
    sheets = [
        (t("cov.sheet.gaps", lang), labelled(lg, wb, lang, numbers=True)),
        (t("cov.sheet.units", lang), labelled(units, wb, lang, numbers=True)),
        (t("cov.sheet.months", lang), labelled(totals, wb, lang, numbers=True)),
        (t("cov.sheet.cliffs", lang), labelled(cliffs(wb, days=points), wb, lang, numbers=True)),
        (t("cov.sheet.left", lang), labelled(left_uncovered(wb, as_of_points(pd.DatetimeIndex([m]))[0]), wb, lang, numbers=True)),
        (t("cov.sheet.handovers", lang), labelled(handovers(wb), wb, lang, numbers=True)),
        (t("cov.sheet.uncovered", lang), labelled(uncovered(wb), wb, lang, numbers=True)),
    ]
    return sheets


def report_line(what: str, lang: str | None = None, *, data: str | None = None, wb=None, on=None,
                filters: str = "") -> str:
    """The title line of an export: what it is, its filters, the as-of day and the data's name."""
    day = fmt_date(pd.Timestamp(on) if on is not None else today(), lang)
    name = data if data is not None else data_name(wb, lang) if wb is not None else ""
    return t("report.line", lang, what=what, filters=filters or t("report.no_filter", lang), day=day, data=name)


def write_gaps_report(wb, path, month=None, by: str = "unit", lang: str | None = None, bands=BANDS, *,
                      data: str | None = None, filters: str = "") -> Path:
    """Write the formatted gap report (Chinese headers by default) to ``path``.

    Every sheet starts with a title line: the report, its ``filters`` (as the
    page words them), the as-of day and the data's name (``data``, default the
    workbook's own name).
    """
    sheets = gaps_report(wb, month, by, lang, bands)
    labels = {b: t(f"band.{b}", lang) for b in BAND_CODES}
    line = report_line(t("report.gaps", lang), lang, data=data, wb=wb, filters=filters)
    return write_excel(path, sheets, band_column=t("col.band", lang), band_labels=labels, title_line=line,
                       landscape=True, page_header=line, percent_columns=(t("col.ratio", lang),))


# --------------------------------------------------------------------------- #
# the printable scenario report: Excel workbook and one HTML page
# --------------------------------------------------------------------------- #
@dataclass
class Section:
    """One part of the scenario report: a sheet in Excel, a section of the HTML page.

    ``key`` is ``cover``, ``gaps``, ``by_city``, ``by_host``, ``persons``,
    ``unfilled`` or ``team``; ``title`` the heading in the report's language;
    ``sheet`` the Excel sheet name (safe and unique); ``table`` readable rows
    with headers in that language.
    """
    key: str
    title: str
    sheet: str
    table: pd.DataFrame
    bands: dict = field(default_factory=dict)  # cover only: row label → band code


def person_records(wb, start=None, end=None, lang: str | None = None) -> pd.DataFrame:
    """一人一档: one row per person with an active or planned assignment between ``start`` and ``end``.

    Columns (codes; :func:`scenario_sections` gives them headers):
    ``person, name, category, source_city, sending_unit, host_unit, order, post,
    role, team, start, end, status, stints, mentors, apprentices``. A person
    with several stints in the window gets their host units, orders, posts,
    roles and teams joined with ``；`` (``; `` in English) in date order, the first start and the
    last end. ``mentors`` are the person's mentors (local staff in 导师帮带),
    ``apprentices`` the people they mentor (青蓝工程), from the mentorships
    open in the window, by name.
    """
    lang = lang or default_lang()
    on, last = report_window(start, end)
    a = live_assignments(wb, on, last).sort_values(["person", "start", "order"], kind="stable")
    nm = names(wb)
    people = wb.people.set_index("id")
    orders = wb.orders.set_index("id")
    post = orders["sector"].map(lambda s: sector_label(s, lang)) + orders["skill"].map(
        lambda k: "·" + k if isinstance(k, str) and k else "")
    rows = pd.DataFrame({
        "person": a["person"].to_numpy(),
        "host_unit": a["order"].map(orders["host_unit"]).map(nm).to_numpy(),
        "order": a["order"].to_numpy(), "post": a["order"].map(post).to_numpy(),
        "role": a["order"].map(orders["role"]).map(lambda r: value_text(r, lang) if isinstance(r, str) else "")
        .to_numpy(),
        "team": a["order"].map(orders["team"]).map(team_names(wb, lang)).fillna("").to_numpy(),
        "start": a["start"].to_numpy(), "end": a["end"].to_numpy(),
        "status": shown_status(wb, a).map(lambda s: t(f"alloc.roster.status_{s}", lang)).to_numpy(),
    })
    text = ["host_unit", "order", "post", "role", "team", "status"]

    def joiner(sep):
        return lambda values: sep.join(v for v in dict.fromkeys(values) if isinstance(v, str) and v)

    join, join_names = (joiner("；"), joiner("、")) if lang == "zh" else (joiner("; "), joiner(", "))

    out = rows.groupby("person", sort=False).agg(
        **{c: (c, join) for c in text}, start=("start", "min"), end=("end", "max"),
        stints=("order", "size")).reset_index()
    m = wb.mentorships
    live = m[(m["start"].isna() | (m["start"] <= last)) & (m["end"].isna() | (m["end"] >= on))]
    named = live.assign(m=live["mentor"].map(nm).fillna(live["mentor"]),
                        a=live["apprentice"].map(nm).fillna(live["apprentice"]))
    mentors = named.groupby("apprentice")["m"].agg(join_names)
    apprentices = named.groupby("mentor")["a"].agg(join_names)
    p = out["person"]
    out["name"] = p.map(people["name"])
    out["category"] = p.map(people["category"]).map(lambda c: value_text(c, lang))
    city = p.map(source_city(wb))
    out["source_city"] = city.map(nm).fillna(city)
    out["sending_unit"] = p.map(people["sending_unit"]).map(nm)
    out["mentors"] = p.map(mentors).fillna("")
    out["apprentices"] = p.map(apprentices).fillna("")
    out["assessments"] = p.map(assessment_lines(wb, lang)).fillna("")
    out["results"] = p.map(served_results(wb, a, lang)).fillna("")
    out["start"] = pd.to_datetime(out["start"]).dt.date
    out["end"] = pd.to_datetime(out["end"]).dt.date
    cols = ["person", "name", "category", "source_city", "sending_unit", "host_unit", "order", "post", "role",
            "team", "start", "end", "status", "stints", "mentors", "apprentices", "assessments", "results"]
    return out[cols].sort_values(["source_city", "sending_unit", "person"], kind="stable").reset_index(drop=True)


def assessment_lines(wb, lang: str | None = None) -> pd.Series:
    """Each assessed person's assessments, period by period: ``2026-05 优秀 93分；2026-06 称职 88分`` (person → text).

    The total is the sum of the item scores; the grade is the one given for the period or, where the
    programme states thresholds, the one the total earns (:func:`planning.programme.assessments.grades`).
    """
    lang = lang or default_lang()
    if wb.assessments.empty:
        return pd.Series(dtype=object)
    per = grades(wb)
    pts = t("results.points", lang)

    def line(r) -> str:
        grade = value_text(r.grade, lang)
        total = f"{r.total:g}{pts}" if pd.notna(r.total) else ""
        return " ".join(x for x in (r.period, grade, total) if x)

    per["line"] = [line(r) for r in per.itertuples(index=False)]
    sep = "；" if lang == "zh" else "; "
    return per.groupby("person", sort=False)["line"].agg(sep.join)


def served_results(wb, stints: pd.DataFrame, lang: str | None = None) -> pd.Series:
    """For each person, the results of the host units and teams they served, for the periods their stints overlap.

    ``stints``: assignments (``person, order, start, end``). Each indicator shows its latest such
    period's status: ``本科上线率 落后；新增就业人数 正常`` (person → text).
    """
    lang = lang or default_lang()
    if stints.empty or (wb.indicator_values.empty and wb.indicators.empty):
        return pd.Series(dtype=object)
    res = results(wb)
    if res.empty:
        return pd.Series(dtype=object)
    o = wb.orders.set_index("id")
    s = pd.DataFrame({"person": stints["person"].to_numpy(), "start_s": stints["start"].to_numpy(),
                      "end_s": stints["end"].to_numpy(), "unit": stints["order"].map(o["host_unit"]).to_numpy(),
                      "team": stints["order"].map(o["team"]).to_numpy()})
    both = pd.concat([s.rename(columns={"unit": "subject"}).drop(columns="team"),
                      s.rename(columns={"team": "subject"}).drop(columns="unit")]).dropna(subset=["subject"])
    m = both.merge(res[["subject", "indicator", "name", "period", "start", "end", "status"]], on="subject")
    m = m[(m["start"] <= m["end_s"]) & (m["end"] >= m["start_s"])]
    if m.empty:
        return pd.Series(dtype=object)
    m = m.sort_values(["person", "indicator", "end", "period"]).drop_duplicates(["person", "indicator"], keep="last")
    m["line"] = m["name"].astype(str) + " " + m["status"].map(lambda x: t(f"results.status.{x}", lang))
    sep = "；" if lang == "zh" else "; "
    return m.groupby("person", sort=False)["line"].agg(sep.join)


#: Headers of the report's own tables: column code → i18n key.
REPORT_HEADERS = {
    "person": "alloc.roster.col.person", "name": "alloc.roster.col.name", "category": "report.col.category",
    "source_city": "alloc.roster.col.source_city", "sending_unit": "alloc.roster.col.sending_unit",
    "host_unit": "alloc.roster.col.host_unit", "order": "alloc.roster.col.order", "post": "report.col.post",
    "role": "alloc.roster.col.role", "team": "alloc.roster.col.team", "start": "alloc.roster.col.start",
    "end": "alloc.roster.col.end", "status": "alloc.roster.col.status", "stints": "report.col.stints",
    "mentors": "report.col.mentors", "apprentices": "report.col.apprentices",
    "assessments": "report.col.assessments", "results": "report.col.results", "sector": "alloc.roster.col.sector",
    "skill": "alloc.roster.col.skill", "priority": "alloc.roster.col.priority", "seats": "report.col.seats",
    "reason": "col.reason", "peak_gap": "report.col.peak_gap", "peak_month": "report.col.peak_month",
}


def _headed(df: pd.DataFrame, lang) -> pd.DataFrame:
    return df.rename(columns={c: t(REPORT_HEADERS[c], lang) for c in df.columns if c in REPORT_HEADERS})


def report_figures(wb, start=None, end=None, *, title=None, lang: str | None = None, unfilled=None,
                   persons: pd.DataFrame | None = None, gaps: pd.DataFrame | None = None,
                   assumptions=()) -> list[tuple[str, str | int, str | None]]:
    """The cover's headline figures: ``(label, value, band code or None)`` rows in ``lang``.

    Values are whole numbers where the figure is one count, text otherwise.

    Scenario title, report date, period, data source, people dispatched in the
    period, people on post on its first day, seats filled, coverage ratio and
    its band, gap, county × sector rows with a gap, the largest gap in the
    period, teams and (with ``unfilled``) the seats a plan leaves unfilled.
    The month figures are those of the month ``start`` falls in; seats filled
    are demand minus gap (as on the overview page); the largest gap is the
    month with the most seats short in all, up to ``end``.
    """
    lang = lang or default_lang()
    on, last = report_window(start, end)
    gaps = county_gaps(wb, on, last) if gaps is None else gaps
    persons = person_records(wb, on, last, lang) if persons is None else persons
    month = fmt_date(on, lang)  # "now" is the as-of day, as on the pages
    d, g = int(gaps["demand"].sum()), int(gaps["gap"].sum())
    share = (d - g) / d if d else float("nan")
    code = band_of(pd.Series([share])).iloc[0]
    if code == "green" and g > 0:
        code = "green_short"  # seats still empty are never called sufficient
    monthly = coverage_as_of(wb, on.to_period("M").to_timestamp(), last, on=on).groupby("month")["gap"].sum()
    peak = monthly[monthly > 0]
    now = live_assignments(wb, on=on)
    pending = int(pending_assignments(wb, now).sum())  # counted on post as planned (拟派（待公示）), said apart
    rows = [
        (t("report.scenario", lang), title or t("report.title", lang), None),
        (t("report.date", lang), fmt_date(today(), lang), None),
        (t("report.period", lang), t("report.period_value", lang, start=fmt_date(on, lang), end=fmt_date(last, lang)),
         None),
        (t("report.source", lang), data_name(wb, lang), None),
        (t("report.dispatched", lang), len(persons), None),
        (t("report.on_post", lang, day=fmt_date(on, lang)), int(coverage_at(wb, [on])["supply"].sum()), None),
        *([(t("report.pending", lang, day=fmt_date(on, lang)), pending, None)] if pending else []),
        (t("report.filled", lang, month=month), f"{fmt_int(d - g)} / {fmt_int(d)}", None),
        (t("report.ratio", lang, month=month), "—" if not d else f"{share:.0%}", code),
        (t("report.band", lang), t(f"band.{code}", lang), code),
        (t("report.gap", lang, month=month), g, None),
        (t("report.gap_rows", lang, month=month), int(gaps["gap"].gt(0).sum()), None),
        (t("report.peak", lang), 0 if peak.empty else t(
            "report.peak_value", lang, gap=fmt_int(peak.max()), month=fmt_month(peak.idxmax(), lang)),
         None),
        (t("report.teams", lang), len(wb.teams), None),
    ]
    if unfilled is not None:
        rows.append((t("report.unfilled", lang), int(unfilled["seats"].sum()) if len(unfilled) else 0, None))
    # what the scenario assumes: one row per what-if change, or a row saying there is none
    changes = list(assumptions)
    for i, text in enumerate(changes, start=1):
        rows.append((t("report.assumption", lang, n=i), text, None))
    if not changes:
        rows.append((t("report.assumptions", lang), t("report.no_assumption", lang), None))
    cleaned = control_count(wb.tables())  # invisible characters no file can hold: dropped, and said
    if cleaned:
        rows.append((t("report.cleaned", lang), cleaned, None))
    return rows


def scenario_sections(wb, *, title=None, lang: str | None = None, start=None, end=None,
                      unfilled=None, assumptions=()) -> list[Section]:
    """The parts of the scenario report, in order, readable and headed in ``lang``.

    Cover (headline figures), gaps by county × sector, rosters by sending city
    and by host unit, 一人一档 (one row per dispatched person), unfilled seats
    with reasons (when ``unfilled``, a plan's ``.unfilled``, is given), then one
    section per team. People count when an active or planned assignment of
    theirs falls between ``start`` (default today) and ``end`` (default twelve
    months on); see :func:`report_window`.

    >>> import planning
    >>> secs = scenario_sections(planning.load_workbook(planning.SAMPLE), title="2027 计划 v1")
    >>> [s.sheet for s in secs[:5]]
    ['概况', '缺口-县市×行业', '派遣名单-按派出城市', '派遣名单-按受援单位', '一人一档']
    >>> sum(s.key == "team" for s in secs)
    72
    """
    lang = lang or default_lang()
    on, last = report_window(start, end)
    gaps = county_gaps(wb, on, last)
    persons = person_records(wb, on, last, lang)
    figs = report_figures(wb, on, last, title=title, lang=lang, unfilled=unfilled, persons=persons, gaps=gaps,
                          assumptions=assumptions)
    cover = pd.DataFrame([(k, v) for k, v, _ in figs], columns=[t("report.col.item", lang),
                                                                t("report.col.value", lang)])
    g = gaps.assign(peak_month=pd.to_datetime(gaps["peak_month"]).map(lambda d: fmt_month(d, lang)))
    g = _headed(labelled(g, wb, lang, numbers=True), lang).rename(
        columns={t("col.area", lang): t("by.county", lang)})  # ratios stay numbers: Excel shows them as 45%
    sections = [Section("cover", t("report.sheet.cover", lang), "", cover, {k: c for k, _, c in figs if c}),
                Section("gaps", t("report.sheet.gaps", lang), "", g)]
    table = roster_table(wb, lang, start=on, end=last).drop(columns="reason")
    for (name, df), key in zip(roster_sheets(table, lang, keys=("by_city", "by_host")), ("by_city", "by_host")):
        sections.append(Section(key, name, "", df))
    sections.append(Section("persons", t("report.sheet.persons", lang), "", _headed(persons, lang)))
    if unfilled is not None:
        u = unfilled.copy()
        o = wb.orders.set_index("id")
        u["team"] = u["order"].map(o["team"]).map(team_names(wb, lang)).fillna("")
        u["reason"] = unfilled_reasons(u, wb, lang)
        u = u[["host_unit", "order", "team", "sector", "priority", "start", "end", "seats", "reason"]]
        u = u.sort_values(["priority", "host_unit", "order", "start"], ascending=[False, True, True, True])
        u = labelled(u, wb, lang)
        sections.append(Section("unfilled", t("report.sheet.unfilled", lang), "",
                                u.rename(columns={t("col.seats", lang): t("report.col.seats", lang)})))
    member_cols = ["role", "name", "source_city", "sending_unit", "sector", "skill", "host_unit",
                   "order", "start", "end", "priority", "status"]  # people and posts by name, no ids
    lead = t("alloc.roster.lead", lang)
    by_team = {k: df for k, df in table.groupby("team", sort=False)}
    for tid, name in team_names(wb, lang).items():
        df = by_team.get(name, table.iloc[:0])
        df = df.assign(_m=df["role"].ne(lead)).sort_values(["_m", "start", "name"], kind="stable")[member_cols]
        sections.append(Section("team", name, "", df.rename(
            columns={c: t(f"alloc.roster.col.{c}", lang) for c in member_cols})))
    taken: list[str] = []
    for s in sections:
        s.sheet = sheet_title(s.title, taken)
        taken.append(s.sheet)
    return sections


def scenario_report(wb, path, *, title=None, lang: str | None = None, start=None, end=None,
                    unfilled=None, assumptions=()) -> Path:
    """Write the printable scenario report to the ``.xlsx`` at ``path``; returns the path.

    Sheets (see :func:`scenario_sections`): 概况 (title, date, headline
    figures), 缺口-县市×行业 (with band colours), 派遣名单-按派出城市 and
    -按受援单位, 一人一档, 空缺席位及原因 (with ``unfilled``), then 各组团名单: every
    team's members on one sheet, a column naming the team. Every sheet has headers in ``lang`` (Chinese by
    default), a frozen header row repeated on each printed page, set widths,
    and prints landscape, one page wide, with ``title`` atop each page.

    >>> import os, tempfile, planning
    >>> from openpyxl import load_workbook
    >>> wb = planning.load_workbook(planning.SAMPLE)
    >>> path = scenario_report(wb, os.path.join(tempfile.mkdtemp(), "r.xlsx"), title="2027 计划 v1")
    >>> book = load_workbook(path)
    >>> ws = book["一人一档"]
    >>> ws.freeze_panes, ws.print_title_rows, ws.page_setup.orientation
    ('A2', '$1:$1', 'landscape')
    >>> book["概况"]["B2"].value
    '2027 计划 v1'
    """
    lang = lang or default_lang()
    sections = scenario_sections(wb, title=title, lang=lang, start=start, end=end, unfilled=unfilled,
                                 assumptions=assumptions)
    labels = {b: t(f"band.{b}", lang) for b in BAND_CODES}
    # every team on one sheet (a column names the team), so the file is a handful of sheets, not one per team
    teams = [s for s in sections if s.key == "team"]
    sheets = [(s.sheet, s.table) for s in sections if s.key != "team"]
    if teams:
        col = t("alloc.roster.col.team", lang)
        sheets.append((t("report.sheet.teams", lang), pd.concat(
            [s.table.assign(**{col: s.title})[[col] + list(s.table.columns)] for s in teams], ignore_index=True)))
    return write_excel(path, sheets, band_column=(
        t("col.band", lang), t("report.col.value", lang)), band_labels=labels, landscape=True,
        page_header=(title or t("report.title", lang)) + " · " + t("app.as_of", lang, day=fmt_date(today(), lang)),
        percent_columns=(t("col.ratio", lang),))


#: The HTML page's style: system CJK fonts only (nothing fetched), A4 landscape print, a page per section.
REPORT_CSS = """
* { box-sizing: border-box; }
body { margin: 24px; color: #222; background: #fff;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
  "Helvetica Neue", Arial, sans-serif; font-size: 13px; line-height: 1.45; }
header.report { border-bottom: 3px solid #2f6db5; margin-bottom: 16px; padding-bottom: 8px; }
header.report h1 { font-size: 24px; margin: 0 0 4px; }
header.report .sub { color: #555; margin: 0; }
h2 { font-size: 18px; border-left: 5px solid #2f6db5; padding-left: 8px; margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
nav.toc ol { columns: 2; margin: 4px 0 0; padding-left: 20px; }
nav.toc a { color: #2f6db5; text-decoration: none; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 16px; }
.kpi { border: 1px solid #d0d7e2; border-left: 6px solid #2f6db5; border-radius: 4px; padding: 8px 12px;
  min-width: 150px; }
.kpi .v { font-size: 22px; font-weight: 700; }
.kpi .k { color: #555; font-size: 12px; }
table.data { border-collapse: collapse; width: 100%; margin: 4px 0 12px; font-size: 12px; }
table.data th { background: #dce6f1; font-weight: 700; text-align: center; padding: 4px 6px;
  border: 1px solid #b7c4d6; }
table.data td { padding: 3px 6px; border: 1px solid #d5dbe3; vertical-align: top; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data tbody tr:nth-child(even) td { background: #f6f8fb; }
table.data td.band { color: #fff; font-weight: 700; text-align: center; }
p.none { color: #777; }
.team { break-inside: avoid; page-break-inside: avoid; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; font-size: 11px; }
  nav.toc { display: none; }
  section.part { break-before: page; page-break-before: always; }
  section.part.first { break-before: auto; page-break-before: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  table.data tbody tr:nth-child(even) td { background: none; }
  table.data td.band, table.data th, .kpi { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

def _html_cell(v) -> tuple[str, bool]:
    """Text of one cell and whether it is a number (right-aligned)."""
    if isinstance(v, str):
        return clean_text(v), False
    if v is None or pd.isna(v):
        return "", False
    if isinstance(v, (bool, np.bool_)):
        return str(v), False
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}", True
    if isinstance(v, (float, np.floating)):
        return (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"), True
    if hasattr(v, "isoformat") and not isinstance(v, str):
        return pd.Timestamp(v).strftime("%Y-%m-%d"), False
    return str(v), False


def html_table(df: pd.DataFrame, *, band_columns=(), band_labels: dict[str, str] | None = None,
               empty: str = "", percent_columns=()) -> str:
    """``df`` as an HTML table, every text escaped; cells of ``band_columns`` coloured by band; fractions in
    ``percent_columns`` shown as percentages.

    >>> page = html_table(pd.DataFrame({"姓名": ["<b>王</b>"], "人数": [1200]}))
    >>> page[page.index("<tbody>"):]
    '<tbody><tr><td>&lt;b&gt;王&lt;/b&gt;</td><td class="num">1,200</td></tr></tbody></table>'
    """
    import html

    if df.empty and empty:
        return f'<p class="none">{html.escape(empty)}</p>'
    colour = {label: BAND_COLOURS[band_colour(code)] for code, label in (band_labels or {}).items()}
    banded = [c in set(band_columns) for c in df.columns]
    percent = [c in set(percent_columns) for c in df.columns]
    head = "".join(f"<th>{html.escape(clean_text(str(c)))}</th>" for c in df.columns)
    body = []
    for rec in df.itertuples(index=False):
        cells = []
        for v, b, pc in zip(rec, banded, percent):
            text, num = _html_cell(v)
            if pc and num:
                text = f"{float(v):.0%}"
            if b and text in colour:
                cells.append(f'<td class="band" style="background:{colour[text]}">{html.escape(text)}</td>')
            else:
                cells.append(f'<td class="num">{html.escape(text)}</td>' if num else f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def scenario_html(wb, *, title=None, lang: str | None = None, start=None, end=None, unfilled=None,
                  assumptions=()) -> str:
    """The scenario report as one self-contained HTML page (the same parts as :func:`scenario_report`).

    Inline CSS only: no scripts, no fonts, images or styles fetched from
    anywhere; every piece of data text is escaped. In print, each part starts
    on a new A4 landscape page, table headers repeat on every page and a team
    is not split across pages when it fits on one.

    >>> import planning
    >>> page = scenario_html(planning.load_workbook(planning.SAMPLE), title="2027 计划 v1")
    >>> page.startswith("<!DOCTYPE html>"), "<script" in page, "一人一档" in page
    (True, False, True)
    """
    import html

    lang = lang or default_lang()
    sections = scenario_sections(wb, title=title, lang=lang, start=start, end=end, unfilled=unfilled,
                                 assumptions=assumptions)
    labels = {b: t(f"band.{b}", lang) for b in BAND_CODES + ("none",)}
    heading = title or t("report.title", lang)

    def esc(text) -> str:  # escaped, without the control characters no page shows
        return html.escape(clean_text(str(text)))
    cover = sections[0]
    rows = list(cover.table.itertuples(index=False, name=None))
    meta, figures = rows[:4], rows[4:]
    sub = " · ".join(f"{esc(k)}：{esc(str(v))}" if lang == "zh" else f"{esc(k)}: {esc(str(v))}"
                     for k, v in meta[1:] if v)
    cards = []
    for k, v in figures:
        code = cover.bands.get(k)
        edge = BAND_COLOURS[band_colour(code)] if code else "#2f6db5"
        cards.append(f'<div class="kpi" style="border-left-color:{edge}"><div class="v">{esc(_html_cell(v)[0])}</div>'
                     f'<div class="k">{esc(k)}</div></div>')
    parts = [f'<section class="part first" id="s-cover"><h2>{esc(cover.title)}</h2>'
             f'<div class="kpis">{"".join(cards)}</div></section>']
    toc = [(f"s-{cover.key}", cover.title)]
    none = t("report.none", lang)
    band_cols = [t("col.band", lang)]
    teams = [s for s in sections if s.key == "team"]
    for s in sections[1:]:
        if s.key == "team":
            continue
        toc.append((f"s-{s.key}", s.title))
        parts.append(f'<section class="part" id="s-{s.key}"><h2>{esc(s.title)}</h2>'
                     + html_table(s.table, band_columns=band_cols, band_labels=labels, empty=none,
                                  percent_columns=(t("col.ratio", lang),)) + "</section>")
    if teams:
        head = t("report.sheet.teams", lang)
        toc.append(("s-teams", head))
        count = "（{}）" if lang == "zh" else " ({})"
        blocks = [f'<div class="team"><h3>{esc(s.title)}<small>'
                  f'{esc(count.format(t("report.people_count", lang, n=len(s.table))))}</small></h3>'
                  + html_table(s.table, empty=none) + "</div>" for s in teams]
        parts.append(f'<section class="part" id="s-teams"><h2>{esc(head)}</h2>{"".join(blocks)}</section>')
    nav = (f'<nav class="toc"><strong>{esc(t("report.contents", lang))}</strong><ol>'
           + "".join(f'<li><a href="#{a}">{esc(x)}</a></li>' for a, x in toc) + "</ol></nav>")
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(heading)}</title><style>{REPORT_CSS}</style></head><body>"
            f'<header class="report"><h1>{esc(heading)}</h1><p class="sub">{sub}</p></header>'
            f"{nav}{''.join(parts)}</body></html>\n")
