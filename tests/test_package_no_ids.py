"""A host unit's package is for people at the unit: it names units, posts and people, never the programme's ids,
and a Chinese package holds no English column code (no contract table, no ``中文(english)`` header)."""
import re

import pytest
from openpyxl import load_workbook

from planning.core.i18n import t
from planning.outputs.packages import write_unit_package
from planning.scenarios.rotation import next_batch_orders

#: A few units: many drafts (a hospital), a school with a team and indicators, a county hospital, one with no drafts.
UNITS = ["H-ALE-YY", "H-SCH01", "H-KSDY", "H-JSYY"]


def programme_ids(wb) -> set[str]:
    """Every id of the programme: people, orders (drafts included), units (host and sending), regions, teams,
    local staff, indicators."""
    ids = set()
    for table in (wb.people, wb.orders, wb.units, wb.regions, wb.teams, wb.local_staff, wb.indicator_definitions):
        ids |= set(table["id"].dropna().astype(str))
    ids |= set(next_batch_orders(wb)["id"].astype(str))
    return {i for i in ids if i.strip()}


def ids_in(text: str, pattern) -> list[str]:
    return pattern.findall(text)


@pytest.fixture(scope="module")
def id_pattern(sample):
    ids = sorted(programme_ids(sample), key=len, reverse=True)
    # an id as a whole token: not a part of a longer word of letters, digits or hyphens
    return re.compile(r"(?<![A-Za-z0-9_-])(" + "|".join(map(re.escape, ids)) + r")(?![A-Za-z0-9_-])")




@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("unit", UNITS)
def test_no_id_in_any_cell_header_or_sheet_name(sample, tmp_path, id_pattern, unit, lang):
    book = load_workbook(write_unit_package(sample, unit, tmp_path / f"{unit}-{lang}.xlsx", lang=lang))
    found = []
    for ws in book.worksheets:
        found += [(ws.title, "sheet name", i) for i in ids_in(ws.title, id_pattern)]
        if lang == "zh" and re.search(r"[A-Za-z]", ws.title):
            found.append((ws.title, "sheet name", "English words"))
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str):
                    continue
                found += [(ws.title, c.coordinate, i) for i in ids_in(c.value, id_pattern)]
                if lang == "zh" and c.row <= 2 and re.fullmatch(r"[A-Za-z_ ()]+|.*\([a-z_]+\)", c.value):
                    found.append((ws.title, c.coordinate, c.value))  # an English column code in a header
    assert found == [], found[:10]


def test_the_check_finds_an_id_where_there_is_one(sample, id_pattern):
    """The pattern above means something: it finds each kind of id as a cell would hold it."""
    person, order, team = sample.people["id"].iloc[0], sample.orders["id"].iloc[0], sample.teams["id"].iloc[0]
    for text in (person, f"{order}", f"疏勒县第一中学组团 ({team})", "H-SCH01", "SD-JN"):
        assert ids_in(text, id_pattern), text
    assert not ids_in("疏勒县第一中学·学校管理（负责人） 2027年8月", id_pattern)


def test_every_sheet_name_of_a_package_fits_excel_whole():
    """Excel keeps 31 characters of a sheet's name: the English indicators sheet read "Indicators (fill in the
    actuals", its bracket cut. Every sheet title a package writes fits whole, in both languages."""
    from planning.core.i18n import TEXT

    for key in [k for k in TEXT if k.startswith("pkg.sheet.")]:
        for lang in ("zh", "en"):
            assert len(t(key, lang)) <= 31, (key, lang, t(key, lang))
