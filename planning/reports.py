"""Tables made readable (names, labels, Chinese headers) and formatted Excel reports.

Examples
--------
>>> import planning
>>> from planning.coverage import largest_gaps
>>> from planning.reports import labelled
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> view = labelled(largest_gaps(wb, "2026-12", n=3), wb, "zh")
>>> list(view.columns[:4])
['受援单位', '行业', '月份', '需求']
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .coverage import (BAND_COLOURS, BANDS, cliffs, coverage, handovers, largest_gaps, left_uncovered, rollup,
                       uncovered)
from .i18n import TEXT, default_lang, sector_label, t

#: Columns whose values are ids, and the table that names them.
ID_COLUMNS = {"host_unit": "units", "area": "any", "sender": "any", "source_city": "regions", "person": "people",
              "outgoing": "people", "incoming": "people", "mentor": "any", "apprentice": "any", "apprentice_unit": "units",
              "sending_unit": "units", "team": "teams"}
DATE_COLUMNS = {"start", "end", "out_end", "in_start", "leaves_on", "recommended_start", "batch_start",
                "term_end", "pair_end", "ends"}
MONTH_COLUMNS = {"month", "from_month"}


def names(wb) -> pd.Series:
    """Display names of every region, unit and person, by id."""
    parts = [wb.regions.set_index("id")["name"], wb.units.set_index("id")["name"],
             wb.people.set_index("id")["name"], wb.local_staff.set_index("id")["name"]]
    s = pd.concat(parts)
    return s[~s.index.duplicated()]


def team_names(wb, lang: str | None = None) -> pd.Series:
    """Readable, unique team names by team id.

    A ``name`` column in the teams table (an extra column) is used where
    filled; otherwise the host's name makes it (``疏勒县第一中学组团``). Two teams
    that would share a name are told apart by their ids.

    >>> import planning
    >>> team_names(planning.load_workbook(planning.SAMPLE))["T-SCH01"]
    '疏勒县第一中学组团'
    """
    tm = wb.teams
    host = tm["host"].map(names(wb)).fillna(tm["host"]).astype(str)
    made = host.map(lambda h: t("report.team_name", lang, host=h))
    if "name" in tm.columns:
        given = tm["name"].where(tm["name"].notna(), None).map(lambda v: str(v).strip() if v is not None else "")
        made = given.where(given.ne(""), made)
    dup = made.duplicated(keep=False)
    made = made.where(~dup, made + " (" + tm["id"].astype(str) + ")")
    return pd.Series(made.to_numpy(), index=tm["id"].to_numpy(), dtype=object)


def labelled(df: pd.DataFrame, wb, lang: str | None = None, *, ids: bool = False) -> pd.DataFrame:
    """A copy of ``df`` for people to read: names for ids, labels for codes, translated headers.

    ``ids=True`` keeps the id next to the name (``名称 (id)``).
    """
    out = pd.DataFrame(index=df.index)
    nm = names(wb)
    for c in df.columns:
        v = df[c]
        if c in ID_COLUMNS and not pd.api.types.is_numeric_dtype(v):
            named = v.map(nm)
            if ids:
                named = named.where(named.isna(), named + " (" + v.astype(str) + ")")
            v = named.fillna(v).fillna("")
        elif c == "sector":
            v = v.map(lambda s: sector_label(s, lang) if isinstance(s, str) else "")
        elif c == "band":
            v = v.map(lambda b: t(f"band.{b}", lang))
        elif c == "because":
            v = v.map(lambda b: t(f"mentor.because.{b}", lang))
        elif c == "kind" and set(v.dropna().unique()) <= {"overlap", "gap", "seamless", "none"}:
            v = v.map(lambda k: t(f"handover.{k}", lang))
            c = "handover"
        elif c in MONTH_COLUMNS:
            v = pd.to_datetime(v).dt.strftime("%Y-%m")
        elif c in DATE_COLUMNS:
            v = pd.to_datetime(v).dt.strftime("%Y-%m-%d").fillna("")
        elif c == "ratio":
            v = v.map(lambda r: "" if pd.isna(r) else f"{r:.0%}")
        elif c in ("role", "status", "category", "program"):
            from .schema import value_label

            v = v.map(lambda x: value_label(x, lang or default_lang()) if isinstance(x, str) else "")
        elif c == "scope":
            v = v.map(lambda s: "" if not isinstance(s, str) else
                      {"exclusive": "独占" if lang != "en" else "exclusive",
                       "preferred": "优先" if lang != "en" else "preferred"}.get(s, s))
        key = f"col.{c}"
        out[t(key, lang) if key in TEXT else c] = v.to_numpy() if hasattr(v, "to_numpy") else v
    return out.reset_index(drop=True)


def display_width(values: pd.Series) -> int:
    """Column width for Excel: the 95th-percentile text length, CJK characters counted double."""
    text = values.astype(str)
    lengths = text.str.len() + text.str.count(r"[\u2e80-\uffff]")
    return int(lengths.quantile(0.95)) if len(lengths) else 0


#: Characters Excel refuses in sheet names.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def sheet_title(text, taken=()) -> str:
    """A sheet name Excel accepts, not already in ``taken`` (compared without case).

    Forbidden characters (``[ ] : * ? / \\``) become ``_``, apostrophes at
    either end are dropped, the name is cut to 31 characters, Excel's reserved
    ``History`` gains a ``_``, and a repeat gains `` (2)``, `` (3)`` … within
    the 31 characters.

    >>> sheet_title("Kashgar: schools/hospitals [27]")
    'Kashgar_ schools_hospitals _27_'
    >>> sheet_title("疏勒县第一中学组团", taken=["疏勒县第一中学组团"])
    '疏勒县第一中学组团 (2)'
    >>> name = sheet_title("x" * 40, taken=["x" * 31]); len(name), name[-4:]
    (31, 'x(2)')
    """
    name = _SHEET_FORBIDDEN.sub("_", str(text)).strip().strip("'").strip()[:31].rstrip("'").strip() or "Sheet"
    if name.lower() == "history":
        name += "_"
    used = {str(x).lower() for x in taken}
    base, k = name, 2
    while name.lower() in used:
        suffix = f" ({k})" if len(base) + len(f" ({k})") <= 31 else f"({k})"
        name = base[:31 - len(suffix)] + suffix
        k += 1
    return name


def write_excel(path, sheets: list[tuple[str, pd.DataFrame]], *, band_column=None,
                band_labels: dict[str, str] | None = None, append: bool = False, landscape: bool = False,
                page_header: str | None = None) -> Path:
    """Write ``(title, table)`` sheets to ``path`` with frozen bold headers, set widths and band colours.

    Every sheet repeats its header row on each printed page. ``band_labels``
    maps a band code to the label written in ``band_column`` (one column name
    or several); cells of those columns are filled with the band's colour.
    ``append=True`` adds the sheets to the existing ``.xlsx`` at ``path``
    (replacing sheets of the same title) instead of writing a new file.
    ``landscape=True`` prints each sheet landscape on A4, fitted to one page
    wide; ``page_header`` is printed at the top of every page, with the sheet
    name, and page numbers at the foot. Titles are made safe with
    :func:`sheet_title` (unique within one call).
    """
    from openpyxl import Workbook as XL
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path) if isinstance(path, (str, Path)) else path  # a path or a binary file object
    titles: list[str] = []
    for title, _ in sheets:
        titles.append(sheet_title(title, titles))
    if append:
        book = load_workbook(path)
        for title in titles:
            for old in [n for n in book.sheetnames if n.lower() == title.lower()]:
                del book[old]
    else:
        book = XL()
        book.remove(book.active)
    fills = {}
    if band_labels:
        fills = {label: PatternFill("solid", fgColor=BAND_COLOURS[code].lstrip("#").upper())
                 for code, label in band_labels.items()}
    band_columns = {band_column} if isinstance(band_column, str) else set(band_column or ())
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    for title, (_, df) in zip(titles, sheets):
        ws = book.create_sheet(title)
        ws.append(list(df.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for rec in df.itertuples(index=False):
            ws.append([None if (not isinstance(v, str) and pd.isna(v)) else
                       (v.item() if isinstance(v, np.generic) else v) for v in rec])
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        for j, col in enumerate(df.columns, start=1):
            wide = max(display_width(pd.Series([str(col)])), display_width(df[col].dropna()))
            ws.column_dimensions[get_column_letter(j)].width = min(max(8, wide + 2), 48)
        for j, col in enumerate(df.columns, start=1):
            if fills and col in band_columns and len(df):
                for i, label in enumerate(df[col].to_numpy(), start=2):
                    fill = fills.get(label) if isinstance(label, str) else None
                    if fill is not None:
                        ws.cell(row=i, column=j).fill = fill
        if len(df):
            ws.auto_filter.ref = ws.dimensions
        if landscape:
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.print_options.horizontalCentered = True
        if page_header is not None:
            ws.oddHeader.center.text = page_header.replace("&", "&&") + " · &A"
            ws.oddFooter.center.text = "&P / &N"
    book.save(path)
    return path


def gaps_report(wb, month=None, by: str = "unit", lang: str | None = None, bands=BANDS,
                months: int = 12) -> list[tuple[str, pd.DataFrame]]:
    """The sheets of the gap report: largest gaps ``by``, units × sectors, months, cliffs, handovers."""
    from .summary import today

    m = pd.Timestamp(month if month is not None else today()).to_period("M").to_timestamp()
    cov = coverage(wb, m, m + pd.DateOffset(months=months - 1), bands=bands)
    lg = largest_gaps(wb, m, by=by, n=None, cov=cov, bands=bands)
    if by not in ("unit", "sender", "sector"):
        lg = lg.drop(columns=["month"], errors="ignore")
    units = cov[cov["month"] == m].sort_values(["gap", "demand"], ascending=False)
    totals = rollup(cov, wb, "prefecture", sector=False, bands=bands)
    sheets = [
        (t("cov.sheet.gaps", lang), labelled(lg, wb, lang)),
        (t("cov.sheet.units", lang), labelled(units, wb, lang)),
        (t("cov.sheet.months", lang), labelled(totals, wb, lang)),
        (t("cov.sheet.cliffs", lang), labelled(cliffs(wb, m, months), wb, lang)),
        (t("cov.sheet.left", lang), labelled(left_uncovered(wb, m), wb, lang)),
        (t("cov.sheet.handovers", lang), labelled(handovers(wb), wb, lang)),
        (t("cov.sheet.uncovered", lang), labelled(uncovered(wb), wb, lang)),
    ]
    return sheets


def write_gaps_report(wb, path, month=None, by: str = "unit", lang: str | None = None, bands=BANDS) -> Path:
    """Write the formatted gap report (Chinese headers by default) to ``path``."""
    sheets = gaps_report(wb, month, by, lang, bands)
    labels = {b: t(f"band.{b}", lang) for b in ("green", "amber", "red")}
    return write_excel(path, sheets, band_column=t("col.band", lang), band_labels=labels)
