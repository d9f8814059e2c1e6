"""Hostile names through every writer: each reads back exactly, no file holds a formula.

People and unit names of the sample (cut to one county, so that every writer runs in
about a second) are replaced by names drawn from a hostile alphabet: formula starts
(= + - @ tab CR), quotes, HTML's < > & " ', right-to-left marks, emoji, CJK, and
strings up to 5,000 characters. Every writer then writes them: the workbook as .xlsx
(English and Chinese headers) and as CSV, allocate's plan workbook with its rosters,
the gaps report, the scenario report (Excel and HTML) and a unit's package.

The loader trims surrounding white space from every cell and refuses control
characters, so the names a file can carry exactly are ``clean_text(name).strip()``:
those are generated for the exact round trip. Names with control characters are
checked apart: written without them, never a crash, and the report says how many.
"""
from __future__ import annotations

import html
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook as open_xlsx

import planning
from planning.programme.access import scope_workbook
from planning.core.text import CONTROL, clean_text, formula_like
from planning.outputs.packages import write_unit_package
from planning.outputs.reports import report_figures, scenario_html, scenario_report, write_gaps_report
from planning.outputs.roster import write_rosters
from planning.contract import save_workbook

AREA = "XJ-KS-SL"  # 疏勒县: 16 units, 57 people
HOST_UNITS = ["H-SCH01", "H-TWN01", "H-SLYYH"]  # whose names are replaced
SENDING_UNITS = ["SD-JN-JYJ"]
PACKAGE_UNIT = "H-SCH01"
N_PEOPLE = 4

#: Hostile characters: formula starts, quotes, HTML, white space of several kinds, bidi marks, emoji, CJK.
ALPHABET = ("=+-@\t\r\n'\"<>&;,|!#%/\\ ()." "\u3000\u00a0\u2028\u202e\u200f\u200b"
            "😀👩‍👧中文疏勒县李明aZ9")
NASTY = ['=HYPERLINK("http://evil","x")', "=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1,2)", "'quoted", "''",
         "#N/A", "#DIV/0!", "NA", "None", "null", "nan", "TRUE", "0012", "1e5", "2026-01-01",
         "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&amp;", "\u202eevil.exe",
         "a\tb", "第一行\n第二行"]

short = st.text(alphabet=ALPHABET, min_size=1, max_size=40)
long_ = st.builds(lambda s, n: (s * n)[:5000], st.text(alphabet=ALPHABET, min_size=1, max_size=12),
                  st.integers(min_value=300, max_value=5000))
raw_names = st.one_of(short, short, long_, st.sampled_from(NASTY))
#: Names in the domain every file carries exactly: no control characters, no surrounding white space.
names = raw_names.map(lambda s: clean_text(s).strip()).filter(bool)


@cache
def base():
    """The sample cut to one county, and which of its people the writers show."""
    wb = scope_workbook(planning.load_workbook(planning.SAMPLE), [AREA])
    live = wb.assignments[wb.assignments["status"].isin(["active", "planned"])]
    at = live["order"].map(wb.orders.set_index("id")["host_unit"])
    people = list(dict.fromkeys(live.loc[at.eq(PACKAGE_UNIT), "person"]))[:2]
    people += [p for p in dict.fromkeys(live["person"]) if p not in people][:N_PEOPLE - len(people)]
    return wb, people


def renamed(people_names, unit_names):
    """The base workbook with its chosen people and units renamed; the new names by id."""
    wb, people = base()
    wb = wb.copy()
    units = HOST_UNITS + SENDING_UNITS
    new = {}
    for i, pid in enumerate(people):
        new[pid] = people_names[i % len(people_names)]
    for i, uid in enumerate(units):
        new[uid] = unit_names[i % len(unit_names)]
    wb.people["name"] = wb.people["id"].map(new).fillna(wb.people["name"])
    wb.units["name"] = wb.units["id"].map(new).fillna(wb.units["name"])
    return wb, new


WORKBOOKS = ("xlsx_en", "xlsx_zh", "csv")
REPORTS = ("plan", "gaps", "report", "package")


def write_all(wb, folder: Path, title: str, which=WORKBOOKS + REPORTS) -> dict[str, Path]:
    """The writers in ``which``, once each: {what: path}."""
    out = {}
    if "xlsx_en" in which:
        out["xlsx_en"] = save_workbook(wb, folder / "en.xlsx")
    if "xlsx_zh" in which:
        out["xlsx_zh"] = save_workbook(wb, folder / "zh.xlsx", headers="zh")
    if "csv" in which:
        out["csv"] = save_workbook(wb, folder / "csv")
    if "plan" in which:  # what `planning allocate --out` writes
        plan = planning.allocate(wb)
        out["plan"] = save_workbook(plan.workbook, folder / "plan.xlsx")
        write_rosters(plan, out["plan"], "zh")
    if "gaps" in which:
        out["gaps"] = write_gaps_report(wb, folder / "gaps.xlsx")
    if "report" in which:
        out["report"] = scenario_report(wb, folder / "report.xlsx", title=title)
    if "package" in which:
        out["package"] = write_unit_package(wb, PACKAGE_UNIT, folder / "package.xlsx")
    return out


LOADABLE = ("xlsx_en", "xlsx_zh", "csv", "plan")  # a unit's package holds no data table: names only


def cells(path: Path) -> tuple[set[str], list[str]]:
    """Every text cell value of an .xlsx, and the cells written as formulas or formula-like text left bare."""
    book = open_xlsx(path, read_only=True)
    texts, bad = set(), []
    try:
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "f":
                        bad.append(f"{ws.title}!{c.coordinate} formula {c.value!r}"[:200])
                    elif isinstance(c.value, str):
                        texts.add(c.value)
                        if formula_like(c.value) and not c.style_array.quotePrefix:
                            bad.append(f"{ws.title}!{c.coordinate} without quote prefix {c.value!r}"[:200])
    finally:
        book.close()
    return texts, bad


@cache
def shown():
    """Which renamed ids each writer shows as a whole cell (or a loaded name), with the sample's own names."""
    wb, _ = base()
    ids = base()[1] + HOST_UNITS + SENDING_UNITS
    name_of = {**wb.people.set_index("id")["name"].to_dict(), **wb.units.set_index("id")["name"].to_dict()}
    with tempfile.TemporaryDirectory() as d:
        out = write_all(wb, Path(d), "2027")
        seen = {}
        for what, path in out.items():
            if what == "csv":
                continue
            texts, _ = cells(path)
            seen[what] = [i for i in ids if name_of[i] in texts]
        page = scenario_html(wb, title="2027")
    seen["html"] = [i for i in ids if html.escape(name_of[i]) in page]
    return seen


def test_the_writers_show_the_renamed_people_and_units():
    """The check below means something: each writer shows some renamed person or unit."""
    seen = shown()
    wb, people = base()
    assert set(seen["xlsx_en"]) == set(people + HOST_UNITS + SENDING_UNITS)
    for what in ("plan", "gaps", "report", "package", "html"):
        assert seen[what], what
    assert set(seen["report"]) & set(people) and set(seen["report"]) & set(HOST_UNITS)


def check(out: dict[str, Path], new: dict[str, str], seen) -> None:
    """Names load back exactly where the file is a workbook; every .xlsx shows them whole, no formula in it."""
    for what in out:
        if what not in LOADABLE:
            continue
        got = planning.load_workbook(out[what])
        loaded = {**got.people.set_index("id")["name"].to_dict(), **got.units.set_index("id")["name"].to_dict()}
        for i, name in new.items():
            if i in loaded:
                # the CSV folder relies on the loader's csv_uncell for names with a formula-like start or a quote
                assert loaded[i] == name, (what, i, name[:80], loaded[i][:80])
            else:
                assert what == "package", (what, i)  # a package holds its own unit's data only
    for what, path in out.items():
        if what == "csv":
            continue
        texts, bad = cells(path)
        assert not bad, (what, bad[:5])
        assert not any(CONTROL.search(x) for x in texts), what
        for i in seen[what]:
            assert new[i] in texts, (what, i, new[i][:80])


EXAMPLES = [
    dict(people_names=['=HYPERLINK("http://evil","x")', "=cmd|' /C calc'!A0", "@SUM(1,2)", "'quoted"],
         unit_names=["+1", "-2", "#N/A", "<script>alert(1)</script>"], title="=1+2"),
    dict(people_names=["李明\u202e😀", "NA", "a\tb"], unit_names=["x" * 5000, "第一行\n第二行"], title="&amp;"),
]
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=25, **SETTINGS)
@given(people_names=st.lists(names, min_size=1, max_size=N_PEOPLE),
       unit_names=st.lists(names, min_size=1, max_size=4), title=names)
@example(**EXAMPLES[0])
@example(**EXAMPLES[1])
def test_workbook_files_carry_names_exactly(people_names, unit_names, title):
    """save_workbook: .xlsx with English and with Chinese headers, a CSV folder."""
    wb, new = renamed(people_names, unit_names)
    with tempfile.TemporaryDirectory() as d:
        check(write_all(wb, Path(d), title, WORKBOOKS), new, shown())


@settings(max_examples=15, **SETTINGS)
@given(people_names=st.lists(names, min_size=1, max_size=N_PEOPLE),
       unit_names=st.lists(names, min_size=1, max_size=4), title=names)
@example(**EXAMPLES[0])
@example(**EXAMPLES[1])
def test_reports_carry_names_exactly(people_names, unit_names, title):
    """allocate's plan workbook with rosters, the gaps report, the scenario report (Excel, HTML), a package."""
    wb, new = renamed(people_names, unit_names)
    seen = shown()
    with tempfile.TemporaryDirectory() as d:
        out = write_all(wb, Path(d), title, REPORTS)
        check(out, new, seen)
        cover = open_xlsx(out["report"]).worksheets[0]
        assert cover["B2"].value == title
    page = scenario_html(wb, title=title)
    text = page_text(page)
    for i in seen["html"]:
        assert html.escape(new[i]) in page, (i, new[i][:80])
        assert new[i] in text, (i, new[i][:80])  # read as text by a browser, never as markup
    assert "<script" not in page.replace(html.escape("<script"), "")


def page_text(page: str) -> str:
    """What a browser shows of an HTML page: its text nodes, entities decoded, tags gone."""
    from html.parser import HTMLParser

    parts = []

    class Text(HTMLParser):
        def handle_data(self, data):
            parts.append(data)

    Text(convert_charrefs=True).feed(page)
    return "".join(parts)


control = st.text(alphabet="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127])), min_size=1, max_size=3)


@st.composite
def dirty_names(draw):
    """A name of the exact domain with control characters put into it: (dirty name, the name written)."""
    name = draw(names)
    dirty = name
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        at = draw(st.integers(min_value=0, max_value=len(dirty)))
        dirty = dirty[:at] + draw(control) + dirty[at:]
    assume(clean_text(dirty) == name)
    return dirty, name


@settings(max_examples=5, **SETTINGS)
@given(people=st.lists(dirty_names(), min_size=1, max_size=N_PEOPLE), units=st.lists(dirty_names(), min_size=1,
                                                                                   max_size=4))
def test_control_characters_are_dropped_never_a_crash(people, units):
    """Names holding control characters: every writer drops them (no IllegalCharacterError) and the report says so."""
    wb, dirty = renamed([d for d, _ in people], [d for d, _ in units])
    _, new = renamed([c for _, c in people], [c for _, c in units])
    with tempfile.TemporaryDirectory() as d:
        check(write_all(wb, Path(d), "2027"), new, shown())
    n = sum(1 for x in dirty.values() if CONTROL.search(x))
    figures = {label: value for label, value, _ in report_figures(wb, lang="en")}
    assert figures["Text values written without their control characters"] >= n
    page = scenario_html(wb)
    assert not CONTROL.search(page)


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil","x")', "=cmd|' /C calc'!A0"])
def test_formula_names_are_text_cells_with_a_quote_prefix(name, tmp_path):
    wb, new = renamed([name], [name])
    path = save_workbook(wb, tmp_path / "w.xlsx")
    ws = open_xlsx(path)["people"]
    cell = next(c for c in ws["B"] if c.value == name)
    assert cell.data_type == "s" and cell.quotePrefix
    folder = save_workbook(wb, tmp_path / "csv")  # CSV: behind a quote no spreadsheet runs
    assert ("'" + name).replace('"', '""') in (folder / "people.csv").read_text(encoding="utf-8-sig")
