"""Ids compared as people see them: invisible and direction-control characters are refused with the
character named; full-width forms are read in their standard form and said; two ids that differ only
in letter case are one id written twice. A generated id never merges, splits or changes unannounced
through load, save and reload."""
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planning
from planning.contract import WorkbookError

from .cases import FREE_PERSON_ID, read_table, sample_folder, write_table


def with_person_id(tmp, new_id, name="wb"):
    folder = sample_folder(tmp, name)
    header, rows = read_table(folder, "people")
    for r in rows:
        if r[0] == FREE_PERSON_ID:
            r[0] = new_id
    write_table(folder, "people", header, rows)
    return folder


def with_order_host(tmp, host):
    folder = sample_folder(tmp, "orders")
    header, rows = read_table(folder, "orders")
    col = header.index("host_unit")
    target = rows[0][col]
    rows[0][col] = host
    write_table(folder, "orders", header, rows)
    return folder, rows[0][header.index("id")], target


def problems(path):
    with pytest.raises(WorkbookError) as e:
        planning.load_workbook(path)
    return e.value


@pytest.mark.parametrize("bad, char", [("P0244\u200b", "U+200B"), ("\u2066P0244", "U+2066"),
                                       ("P02\u200d44", "U+200D"), ("P0244\ufeff", "U+FEFF")])
def test_an_invisible_character_in_an_id_is_refused_and_named(tmp_path, bad, char):
    err = problems(with_person_id(tmp_path, bad))
    assert len(err.problems) == 1
    p = err.problems[0]
    assert p.code == "invisible_char" and p.column == "id" and p.row is not None
    zh, en = p.sentence("zh"), p.sentence("en")
    assert char in zh and char in en and f"⟨{char}⟩" in zh and "\u200b" not in zh


def test_a_unit_id_that_reads_backwards_is_refused(tmp_path):
    """`H-`+U+202E+`10HCS` displays as H-SCH01: accepted before, and an order moved onto it."""
    folder = sample_folder(tmp_path)
    header, rows = read_table(folder, "units")
    rows.append(["H-\u202e10HCS"] + rows[0][1:])
    rows[-1][header.index("name")] = "影子学校"
    write_table(folder, "units", header, rows)
    err = problems(folder)
    assert any(p.code == "invisible_char" and "U+202E" in p.sentence("zh") for p in err.problems)


def test_a_full_width_reference_is_read_as_its_id_and_said(tmp_path):
    full = "".join(chr(ord(c) + 0xFEE0) for c in "H-SCH01")  # Ｈ－ＳＣＨ０１, as a Chinese keyboard types it
    folder, order, target = with_order_host(tmp_path, full)
    wb = planning.load_workbook(folder)
    assert wb.orders.set_index("id").loc[order, "host_unit"] == "H-SCH01"
    notes = [n.sentence("zh") for n in wb.notes]
    assert any("Ｈ－ＳＣＨ０１" in n and "H-SCH01" in n for n in notes), notes


def test_a_full_width_id_beside_its_half_width_twin_is_a_repeat(tmp_path):
    folder = sample_folder(tmp_path)
    header, rows = read_table(folder, "units")
    twin = list(rows[0])
    twin[0] = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in rows[0][0])
    rows.append(twin)
    write_table(folder, "units", header, rows)
    err = problems(folder)
    assert [p.code for p in err.problems] == ["duplicate_id"]
    assert "第 2 行" in err.problems[0].sentence("zh")


def test_ids_differing_only_in_case_are_one_id_twice(tmp_path):
    err = problems(with_person_id(tmp_path, "p0001"))
    assert [p.code for p in err.problems] == ["duplicate_id_case"]
    zh = err.problems[0].sentence("zh")
    assert "p0001" in zh and "P0001" in zh and "第 2 行" in zh and "大小写" in zh
    assert "letter case" in err.problems[0].sentence("en")


# --- generated ids: never merged, split or changed unannounced ---------------------------------------------
FULL = [chr(ord(c) + 0xFEE0) for c in "PABXYZ0123456789-"]
ALPHABET = list("PpABxyz0123456789-_") + FULL + ["\u200b", "\u202e", "\u2066", "\u3000", "\u00a0", "援", "藏"]


@pytest.fixture(scope="module")
def other_ids():
    return {x for x in planning.load_workbook(planning.SAMPLE).people["id"] if x != FREE_PERSON_ID}


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.text(alphabet=ALPHABET, min_size=1, max_size=8))
def test_a_generated_id_is_kept_or_refused_never_changed_unannounced(tmp_path_factory, other_ids, raw):
    tmp = tmp_path_factory.mktemp("gen")
    others = other_ids
    folder = with_person_id(tmp, raw)
    standard = unicodedata.normalize("NFKC", raw.strip()).strip()
    try:
        wb = planning.load_workbook(folder)
    except WorkbookError as e:
        codes = {p.code for p in e.problems}
        invisible = any(c in raw for c in "\u200b\u202e\u2066")
        if invisible:
            assert "invisible_char" in codes
        elif not standard:
            assert "required" in codes
        else:
            assert codes <= {"duplicate_id", "duplicate_id_case"}, codes
            assert standard.casefold() in {o.casefold() for o in others}
        return
    ids = set(wb.people["id"])
    assert len(wb.people) == len(others) + 1 and others <= ids  # nothing merged, nothing split
    (new,) = ids - others
    assert new == standard
    if new != raw:  # changed: said
        assert any(n.code == "id_normalised" and dict(n.params)["id"] == new for n in wb.notes) or raw.strip() == new
    people_only = wb  # the whole workbook goes through the writers: ids elsewhere refer to these
    for suffix in ("back.xlsx", "back"):
        back = planning.load_workbook(planning.save_workbook(people_only, tmp / suffix))
        assert set(back.people["id"]) == ids
