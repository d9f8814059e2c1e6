"""No raw contract code in a cell a reader reads: every page's tables, the command line's printed tables and the
reports' Excel cells show a coded value (a status, a category, a programme, a vetting stage, a nomination, a team
model, a role, a yes-or-no) by the contract's label in the reader's language, and never ``nan``, ``None``, ``NaT``,
``True`` or ``False`` (the English pages read ``planned``, ``flexible``, ``vetted`` and ``withdrawn``).

The codes are read from the contract's own files here, not from the code under test. The workbook data sheets of
``plan.xlsx`` (template form, loaded back as they are) are not reports and are left out."""
import csv
import html
import re
from pathlib import Path

import ipywidgets as W
import pytest
from page_text import html_values, walk
from test_page_words import APPS, HOST, LEADER

from planning.apps import AllocationApp, CoverageApp

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "planning" / "contract"
MISSING_OR_BOOL = {"nan", "NaN", "None", "NaT", "<NA>", "True", "False"}

pytestmark = pytest.mark.usefixtures("own_store")


def contract_codes() -> set[str]:
    """Every value an enumerated column of the contract allows (``contract.csv``'s ``allowed``)."""
    with open(CONTRACT / "contract.csv", encoding="utf-8") as f:
        return {v for r in csv.DictReader(f) if r["type"] == "enum" for v in r["allowed"].split("|") if v}


RAW = contract_codes() | MISSING_OR_BOOL


def raw_cells(cells) -> list[str]:
    return sorted({str(c).strip() for c in cells if str(c).strip() in RAW or isinstance(c, bool)})


TD = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")


def table_cells(root) -> list[str]:
    """The text of every table cell in a widget tree."""
    return [html.unescape(TAG.sub("", m)).strip() for v in html_values(root) for m in TD.findall(v)]


def every_table(cls, wb, lang, viewer) -> list[str]:
    """A page with every part drawn: each tab opened, a gap picked; on the allocation page a plan made and a
    person and a seat asked about."""
    app = cls(wb=wb, lang=lang, viewer=viewer)
    cells = table_cells(app.root)
    if isinstance(app, AllocationApp) and viewer is None:
        app.time_limit = 20.0
        app.run()
        cells += table_cells(app.root)
        for w in (app.wn_person, app.wn_seat):
            w.value = next(v for _, v in w.options if v)
            cells += table_cells(app.root)
        app.wn_seat.value = ""
        cells += table_cells(app.root)
    if isinstance(app, CoverageApp) and app.pick.options:
        app.pick.value = app.pick.options[0][1] if isinstance(app.pick.options[0], tuple) else 0
    for tabs in [w for w in walk(app.root) if isinstance(w, W.Tab)]:
        for i in range(len(tabs.children)):
            tabs.selected_index = i
            cells += table_cells(app.root)
    return cells + table_cells(app.root)


@pytest.fixture(scope="module")
def generated():
    """A generated programme with the selection criteria and senders' quotas set."""
    from planning.samples.synthetic import synthetic_workbook, with_criteria, with_senders

    return with_senders(with_criteria(synthetic_workbook(people=400, host_units=40, sectors=5, seed=3)))


VIEWERS = {"planner": None, "leader": LEADER, "host": HOST}
#: pages that draw no table for the host unit the test signs in as
NO_TABLE = {("grid", "host"), ("network", "host")}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("who", list(VIEWERS))
@pytest.mark.parametrize("page", list(APPS))
def test_no_page_table_shows_a_raw_code(sample, page, who, lang):
    """Each page's tables, as each viewer opens them, in each language (the shipped sample)."""
    from planning.programme.access import PAGES

    viewer = VIEWERS[who]
    if viewer is not None and page not in PAGES[viewer.role]:
        pytest.skip("not a page this viewer opens")
    if page == "scenarios":  # a saved version to list
        from planning.scenarios.store import open_store

        store = open_store()
        store.save("v", sample, author="tester", note="")
        store.close()
    cells = every_table(APPS[page], sample, lang, viewer)
    assert cells or (page, who) in NO_TABLE, "no table drawn"
    assert not raw_cells(cells), raw_cells(cells)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(APPS))
def test_no_page_table_shows_a_raw_code_on_a_generated_programme(generated, page, lang):
    cells = every_table(APPS[page], generated, lang, None)
    assert not raw_cells(cells), raw_cells(cells)


def printed_cells(text: str) -> list[str]:
    """The cells of what a command printed: a table's columns are set apart by two spaces or more."""
    return [c for line in text.splitlines() for c in re.split(r"\s{2,}", line.strip()) if c]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_command_line_prints_no_raw_code(capsys, monkeypatch, lang):
    """The summary, the gaps table and a plan's summary as printed."""
    import planning
    from planning.cli import main

    monkeypatch.setenv("PLANNING_LANG", lang)
    for args in (["summary", str(planning.SAMPLE)], ["gaps", str(planning.SAMPLE), "--top", "40"],
                 ["allocate", str(planning.SAMPLE), "--time-limit", "20"]):
        assert main(["--lang", lang, *args]) == 0, args
        out = capsys.readouterr().out
        assert len(out.splitlines()) > 3, out
        assert not raw_cells(printed_cells(out)), (args, raw_cells(printed_cells(out)))


def excel_cells(path, skip=()) -> list:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return [c for ws in book.worksheets if ws.title not in skip
            for row in ws.iter_rows(min_row=2, values_only=True) for c in row if c is not None]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_reports_excel_cells_hold_no_raw_code(sample, tmp_path, monkeypatch, lang):
    """The scenario report, the gaps report and the rosters of a plan (not the plan's workbook data sheets,
    which keep the template's form so that ``plan.xlsx`` loads back)."""
    import planning
    from planning.cli import main
    from planning.contract.schema import table_names, template_sheet
    from planning.outputs.reports import scenario_report, write_gaps_report

    cells = excel_cells(scenario_report(sample, tmp_path / "r.xlsx", lang=lang))
    cells += excel_cells(write_gaps_report(sample, tmp_path / "g.xlsx", lang=lang))
    plan = tmp_path / "plan.xlsx"
    monkeypatch.setenv("PLANNING_LANG", lang)  # the command line sets it for the process: restored after the test
    assert main(["--lang", lang, "allocate", str(planning.SAMPLE), "--time-limit", "20", "--out", str(plan)]) == 0
    cells += excel_cells(plan, skip={template_sheet(t) for t in table_names()})
    assert cells
    assert not raw_cells(cells), raw_cells(cells)


def test_every_contract_code_has_an_english_label():
    """The English label of each code is the catalogue's ``value.<code>``, with the contract's Chinese beside it."""
    with open(ROOT / "planning" / "core" / "i18n.csv", encoding="utf-8") as f:
        text = {r["key"]: r for r in csv.DictReader(f)}
    with open(CONTRACT / "contract_values.csv", encoding="utf-8") as f:
        zh = {r["value"]: r["zh"] for r in csv.DictReader(f)}
    missing = sorted(c for c in contract_codes() if f"value.{c}" not in text)
    assert not missing, missing
    assert all(text[f"value.{c}"]["zh"] == zh[c] for c in contract_codes()), \
        [c for c in contract_codes() if text[f"value.{c}"]["zh"] != zh[c]]
    assert not [c for c in contract_codes() if text[f"value.{c}"]["en"] == c]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labelled_shows_each_coded_column_by_its_label(sample, lang):
    """Every enumerated column of the contract, read through ``labelled``: each code by the label the contract
    (Chinese) or the catalogue (English) gives it, a yes-or-no as 是/否 (Yes/No), a missing value blank."""
    import pandas as pd

    from planning.outputs.labels import labelled

    with open(CONTRACT / "contract.csv", encoding="utf-8") as f:
        enums = {r["column"]: r["allowed"].split("|") for r in csv.DictReader(f) if r["type"] == "enum"}
    with open(CONTRACT / "contract_values.csv", encoding="utf-8") as f:
        zh = {r["value"]: r["zh"] for r in csv.DictReader(f)}
    with open(ROOT / "planning" / "core" / "i18n.csv", encoding="utf-8") as f:
        en = {r["key"][len("value."):]: r["en"] for r in csv.DictReader(f) if r["key"].startswith("value.")}
    word = zh if lang == "zh" else en
    for column, allowed in enums.items():
        df = pd.DataFrame({column: [*allowed, None]})
        got = labelled(df, sample, lang).iloc[:, 0].tolist()
        assert got == [word[a] for a in allowed] + [""], column
    df = pd.DataFrame({"same_source": [True, False], "can_lead": pd.array([False, True], dtype=bool)})
    got = labelled(df, sample, lang)
    yes, no = ("是", "否") if lang == "zh" else ("Yes", "No")
    assert [got.iloc[:, 0].tolist(), got.iloc[:, 1].tolist()] == [[yes, no], [no, yes]]
