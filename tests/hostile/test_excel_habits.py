"""Excel habits accepted or named: numbers typed with an ideographic or non-breaking space or in
full-width digits are numbers; a UTF-8 mark on GBK text is decoded; a title row above the header
is found and said in one sentence; a password-protected or old .xls file is named as such; values
quoted with invisible characters show them; a wish naming a sending unit is refused."""
import codecs
import csv
import io

import openpyxl
import pytest

import planning
from planning.contract import WorkbookError

from .cases import read_table, sample_folder, write_table


def problems(path):
    with pytest.raises(WorkbookError) as e:
        planning.load_workbook(path)
    return e.value


@pytest.fixture(scope="module")
def sample():
    return planning.load_workbook(planning.SAMPLE)


@pytest.mark.parametrize("typed", ["3\u3000", "\u30003", "3\u00a0", "\u00a03", "３", " ３\u3000"])
def test_a_number_typed_with_an_odd_space_or_full_width_digits_is_a_number(tmp_path, typed):
    folder = sample_folder(tmp_path)
    header, rows = read_table(folder, "orders")
    rows[0][header.index("headcount")] = typed
    write_table(folder, "orders", header, rows)
    wb = planning.load_workbook(folder)
    assert wb.orders["headcount"].iloc[0] == 3


def test_the_same_in_an_xlsx_text_cell(tmp_path, sample):
    path = tmp_path / "wb.xlsx"
    planning.save_workbook(sample, path, headers="zh")
    book = openpyxl.load_workbook(path)
    ws = book[[n for n in book.sheetnames if "(orders)" in n][0]]
    col = [c.value for c in ws[1]].index("人数(headcount)") + 1
    ws.cell(2, col).value = "4\u3000"
    ws.cell(3, col).value = "４"
    book.save(path)
    wb = planning.load_workbook(path)
    assert wb.orders["headcount"].iloc[:2].tolist() == [4, 4]


def test_a_value_the_message_quotes_shows_its_invisible_characters(tmp_path):
    folder = sample_folder(tmp_path)
    header, rows = read_table(folder, "orders")
    rows[0][header.index("headcount")] = "3\u200bx"
    write_table(folder, "orders", header, rows)
    (p,) = problems(folder).problems
    assert "3⟨U+200B⟩x" in p.sentence("zh") and "3⟨U+200B⟩x" in p.sentence("en")


def test_gbk_text_behind_a_utf8_mark_is_read(tmp_path, sample):
    """It gave "required column 编号(id) is missing" and 498 follow-on lines."""
    folder = sample_folder(tmp_path)
    text = (folder / "people.csv").read_bytes().decode("utf-8-sig")
    (folder / "people.csv").write_bytes(codecs.BOM_UTF8 + text.encode("gbk"))
    wb = planning.load_workbook(folder)
    assert wb.people["name"].tolist() == sample.people["name"].tolist()


@pytest.mark.parametrize("above", [["2027年援派人员名单"], ["2027年援派人员名单", ""], ["填表单位：省指挥部"]])
def test_a_title_row_above_a_csv_header_is_found_and_said_once(tmp_path, above):
    folder = sample_folder(tmp_path)
    text = (folder / "people.csv").read_bytes().decode("utf-8-sig")
    buf = io.StringIO()
    csv.writer(buf).writerows([[a] for a in above])
    (folder / "people.csv").write_text(buf.getvalue() + text, encoding="utf-8")
    err = problems(folder)
    assert len(err.problems) == 1, err.sentences("zh")[:5]
    zh = err.problems[0].sentence("zh")
    assert f"第 {len(above) + 1} 行才找到" in zh and "people.csv" in zh
    assert f"found on row {len(above) + 1}" in err.problems[0].sentence("en")


def test_a_title_row_above_an_xlsx_header_is_found_and_said_once(tmp_path, sample):
    path = tmp_path / "wb.xlsx"
    planning.save_workbook(sample, path, headers="zh")
    book = openpyxl.load_workbook(path)
    ws = book[[n for n in book.sheetnames if "(orders)" in n][0]]
    ws.insert_rows(1)
    ws["A1"] = "喀什地区 2027 年需求汇总"
    book.save(path)
    err = problems(path)
    assert len(err.problems) == 1
    zh = err.problems[0].sentence("zh")
    assert "第 2 行才找到" in zh and "需求订单(orders)" in zh


def test_a_missing_column_is_still_a_missing_column(tmp_path):
    """Without a header row below, a missing column is said as before (no title row is invented)."""
    folder = sample_folder(tmp_path)
    header, rows = read_table(folder, "people")
    header[header.index("name")] = "xingming"
    write_table(folder, "people", header, rows)
    assert {p.code for p in problems(folder).problems} == {"missing_column"}


def test_a_password_protected_workbook_is_named_as_such(tmp_path, sample):
    msoffcrypto = pytest.importorskip("msoffcrypto")  # a test dependency: pyproject [test]
    plain = planning.save_workbook(sample, tmp_path / "plain.xlsx")
    secret = tmp_path / "secret.xlsx"
    with open(plain, "rb") as f, open(secret, "wb") as out:
        msoffcrypto.OfficeFile(f).encrypt("口令", out)
    (p,) = problems(secret).problems
    assert p.code == "xlsx_encrypted" and "密码" in p.sentence("zh") and "password" in p.sentence("en")
    assert "损坏" not in p.sentence("zh")


def test_an_old_xls_file_is_named_as_such(tmp_path):
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    (p,) = problems(old).problems
    assert p.code == "old_xls" and ".xls" in p.sentence("zh")


def test_a_wish_naming_a_sending_unit_is_refused(tmp_path, sample):
    sending = sample.units.loc[sample.units["side"].eq("sending"), "id"].iloc[0]
    host = sample.units.loc[sample.units["side"].eq("host"), "id"].iloc[0]
    folder = sample_folder(tmp_path)
    header, rows = read_table(folder, "people")
    rows[3][header.index("wishes")] = f"{host};{sending}"
    write_table(folder, "people", header, rows)
    (p,) = problems(folder).problems
    assert p.code == "wrong_side" and p.row == 5 and p.value == sending
