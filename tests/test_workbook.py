"""Loading, validating and saving workbooks: every kind of breakage gets a located sentence."""
import subprocess
import sys

import pandas as pd
import pytest

import planning
from planning import WorkbookError, load_workbook, save_workbook
from planning.contract.template import write_template


def edit(folder, table, fn):
    """Apply ``fn`` to a table's raw text frame and write it back."""
    path = folder / f"{table}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df = fn(df)
    df.to_csv(path, index=False, encoding="utf-8-sig")


def problems(path):
    with pytest.raises(WorkbookError) as e:
        load_workbook(path)
    return e.value.problems


def one(path, **match):
    ps = problems(path)
    hits = [p for p in ps if all(getattr(p, k) == v for k, v in match.items())]
    assert hits, f"no problem matching {match}: {[p.sentence('en') for p in ps]}"
    return hits[0]


def test_sample_loads_typed(sample):
    assert len(sample.people) >= 300
    assert sample.people["level"].dtype == "int64"
    assert sample.people["can_lead"].dtype == bool
    assert sample.orders["start"].dtype.kind == "M"
    assert sample.orders["rotation_months"].notna().sum() == 3
    assert sample.assignments["start"].notna().all()


def test_sample_shapes(sample):
    """The sample shows the seed programmes' scale and shapes."""
    u, o, t = sample.units, sample.orders, sample.teams
    schools = u[u["kind"].eq("school") & u["region"].str.startswith("XJ-KS")]
    assert len(schools) == 21
    school_orders = o[o["host_unit"].isin(schools["id"])]
    assert 240 <= school_orders["headcount"].sum() <= 300  # ~269 teachers in 21 schools
    towns = u[u["id"].str.startswith("H-TWN")]
    assert len(towns) == 21
    assert o[o["host_unit"].isin(towns["id"])].groupby("host_unit")["headcount"].sum().eq(2).all()
    fushan = o[o["host_unit"].str.startswith("H-FS-V")]
    # 20 villages' 30 cadres on post, and a village joining in 2027 asking for a work team of at least 3
    assert fushan["host_unit"].nunique() == 21 and fushan["headcount"].sum() == 33
    assert t.set_index("id")["min_size"].dropna().to_dict() == {"T-FS-V21": 3}
    assert len(sample.mentorships[sample.mentorships["host_unit"].str.startswith("H-FS-T")]) == 30
    batang = sample.assignments[sample.assignments["order"].str.startswith("O-BT")]
    assert batang["person"].nunique() == 16
    assert o["rotation_months"].eq(3).sum() == 3
    assert t["same_source"].sum() >= 15 and t["lead_required"].any()
    # an active batch whose terms end on different dates, and shortages
    active = sample.assignments[sample.assignments["status"].eq("active")]
    assert active["end"].nunique() >= 4
    assert o["headcount"].sum() > len(active)


def test_roundtrip_xlsx(sample, tmp_path):
    out = save_workbook(sample, tmp_path / "wb.xlsx")
    back = load_workbook(out)
    assert back.equals(sample)


def test_roundtrip_csv_and_chinese_headers(sample, tmp_path):
    assert load_workbook(save_workbook(sample, tmp_path / "csv")).equals(sample)
    assert load_workbook(save_workbook(sample, tmp_path / "zh.xlsx", headers="zh")).equals(sample)
    assert load_workbook(save_workbook(sample, tmp_path / "zhcsv", headers="zh")).equals(sample)


def test_gbk_loads_like_utf8(sample_copy, sample):
    for f in sample_copy.glob("*.csv"):
        text = f.read_text(encoding="utf-8-sig")
        f.write_bytes(text.encode("gbk"))
    assert load_workbook(sample_copy).equals(sample)


def test_extra_columns_kept(sample_copy):
    edit(sample_copy, "people", lambda d: d.assign(phone="13800000000"))
    wb = load_workbook(sample_copy)
    assert "phone" in wb.people.columns


def test_missing_table(sample_copy):
    (sample_copy / "orders.csv").unlink()
    p = one(sample_copy, code="missing_table")
    assert "orders" in p.sentence("en")


def test_missing_column(sample_copy):
    edit(sample_copy, "people", lambda d: d.drop(columns=["sector"]))
    p = one(sample_copy, table="people", code="missing_column")
    assert "sector" in p.sentence("en") and p.source == "people.csv"


def test_duplicate_and_empty_id(sample_copy):
    def f(d):
        d.loc[1, "id"] = d.loc[0, "id"]
        d.loc[2, "id"] = ""
        return d
    edit(sample_copy, "people", f)
    p = one(sample_copy, table="people", code="duplicate_id")
    assert p.row == 3 and p.column == "id" and "row 2" in p.sentence("en")
    p = one(sample_copy, table="people", code="required", row=4)
    assert p.column == "id"


def test_impossible_date_and_end_before_start(sample_copy):
    def f(d):
        d.loc[0, "start"] = "2026-02-30"
        d.loc[1, "end"] = "2020-01-01"
        return d
    edit(sample_copy, "orders", f)
    p = one(sample_copy, table="orders", code="not_date")
    assert (p.row, p.column, p.value) == (2, "start", "2026-02-30")
    p = one(sample_copy, table="orders", code="end_before_start")
    assert (p.row, p.column) == (3, "end")


def test_text_in_number_and_ranges(sample_copy):
    def f(d):
        d.loc[0, "headcount"] = "两个"
        d.loc[1, "priority"] = "9"
        d.loc[2, "headcount"] = "0"
        d.loc[3, "headcount"] = "1.5"
        return d
    edit(sample_copy, "orders", f)
    ps = problems(sample_copy)
    got = {(p.row, p.column, p.code) for p in ps}
    assert {(2, "headcount", "not_int"), (3, "priority", "above_max"), (4, "headcount", "below_min"),
            (5, "headcount", "not_int")} <= got


def test_reference_to_nothing(sample_copy):
    edit(sample_copy, "orders", lambda d: d.assign(host_unit=["NOWHERE"] + list(d["host_unit"][1:])))
    p = one(sample_copy, table="orders", code="unknown_ref")
    assert p.row == 2 and p.value == "NOWHERE"
    assert "units" in p.sentence("en") and "单位" in p.sentence("zh")


def test_wrong_side(sample_copy):
    edit(sample_copy, "people", lambda d: d.assign(sending_unit=["H-SCH01"] + list(d["sending_unit"][1:])))
    p = one(sample_copy, table="people", code="wrong_side")
    assert p.row == 2


def test_region_cycle(sample_copy):
    def f(d):
        d.loc[d["id"].eq("SD"), "parent"] = "SD-JN"
        return d
    edit(sample_copy, "regions", f)
    p = one(sample_copy, table="regions", code="region_cycle")
    assert "SD" in p.sentence("en") and "→" in p.sentence("en")


def test_wrong_enumerated_value(sample_copy):
    edit(sample_copy, "people", lambda d: d.assign(category=["astronaut"] + list(d["category"][1:])))
    p = one(sample_copy, table="people", code="not_allowed")
    assert p.row == 2 and "cadre" in p.sentence("en")


def test_chinese_enum_and_bool_values(sample_copy):
    edit(sample_copy, "people", lambda d: d.assign(category="专业技术人才", can_lead="是"))
    wb = load_workbook(sample_copy)
    assert wb.people["category"].eq("professional").all() and wb.people["can_lead"].all()


def test_bad_bool(sample_copy):
    edit(sample_copy, "teams", lambda d: d.assign(same_source=["maybe"] + list(d["same_source"][1:])))
    assert one(sample_copy, table="teams", code="not_bool").row == 2


def test_not_a_spreadsheet(tmp_path):
    f = tmp_path / "notes.xlsx"
    f.write_text("hello")
    assert problems(f)[0].code == "bad_xlsx"
    g = tmp_path / "notes.txt"
    g.write_text("hello")
    assert problems(g)[0].code == "not_workbook"


def test_empty_folder_and_missing_path(tmp_path):
    assert problems(tmp_path)[0].code == "no_tables"
    assert problems(tmp_path / "nope")[0].code == "not_found"


def test_every_problem_collected_and_nothing_loaded(sample_copy):
    edit(sample_copy, "people", lambda d: d.assign(level="x"))
    edit(sample_copy, "orders", lambda d: d.assign(priority="0"))
    ps = problems(sample_copy)
    assert len({p.table for p in ps}) == 2
    # every bad cell is counted; the first of each column are listed in full, the rest summed per column
    assert sum(p.count for p in ps) == len(pd.read_csv(sample_copy / "people.csv")) + len(
        pd.read_csv(sample_copy / "orders.csv"))
    listed = [p for p in ps if p.code != "more_problems"]
    assert {p.column for p in listed} == {"level", "priority"} and all(p.row for p in listed)
    more = [p.sentence("zh") for p in ps if p.code == "more_problems"]
    assert len(more) == 2 and all("未逐一列出" in m for m in more)


def test_template_then_filled_is_accepted(tmp_path, sample):
    """A planner fills the template (Chinese headers, dropdown values) and check accepts it."""
    path = write_template(tmp_path / "template.xlsx")
    import openpyxl

    xl = openpyxl.load_workbook(path)
    assert xl.sheetnames[0] == "说明"
    ws = xl["援派人员(people)"]
    headers = [c.value for c in ws[1]]
    assert headers[0] == "编号(id)"
    assert any(dv.formula1 and "党政干部" in dv.formula1 for dv in ws.data_validations.dataValidation)
    assert load_workbook(path).people.empty
    # fill it from the sample using the template's own headers and Chinese labels
    from planning.contract import schema

    for table, df in sample.tables().items():
        ws = xl[schema.template_sheet(table)]
        cols = list(schema.columns(table).index)
        for rec in df[cols].itertuples(index=False):
            row = []
            for c, v in zip(cols, rec):
                ty = schema.columns(table).loc[c, "type"]
                if v is None or (not isinstance(v, str) and pd.isna(v)):
                    row.append(None)
                elif ty == "enum":
                    row.append(schema.value_label(v))
                elif ty == "bool":
                    row.append("是" if v else "否")
                elif ty == "date":
                    row.append(pd.Timestamp(v).to_pydatetime())
                elif ty == "int":
                    row.append(int(v))
                else:
                    row.append(v)
            ws.append(row)
    xl.save(path)
    assert load_workbook(path).equals(sample)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "planning.cli", *args], capture_output=True, text=True)


def test_cli_check_ok():
    r = run_cli("check", str(planning.SAMPLE))
    assert r.returncode == 0 and "检查通过" in r.stdout


def test_cli_check_bad_input_has_no_traceback(sample_copy, tmp_path):
    edit(sample_copy, "orders", lambda d: d.assign(end=["2000-01-01"] + list(d["end"][1:])))
    r = run_cli("--lang", "en", "check", str(sample_copy))
    assert r.returncode == 2
    assert "orders.csv, row 2, column 'end'" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    for bad in (tmp_path / "missing", tmp_path):
        r = run_cli("check", str(bad))
        assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.strip()


def test_cli_template_and_summary(tmp_path):
    r = run_cli("template", str(tmp_path / "t.xlsx"))
    assert r.returncode == 0 and (tmp_path / "t.xlsx").exists()
    assert run_cli("check", str(tmp_path / "t.xlsx")).returncode == 0
    r = run_cli("--lang", "en", "summary", str(planning.SAMPLE))
    assert r.returncode == 0 and "host units no pairing covers: 1" in r.stdout


def test_blank_lines_and_rows_keep_row_numbers(sample_copy):
    """Empty lines and all-empty rows are skipped; later problems keep the file's row numbers."""
    path = sample_copy / "orders.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    n = lines[1].count(",")
    lines[5] = lines[5].replace(",lead,", ",astronaut,").replace(",member,", ",astronaut,")
    lines[2:2] = ["\n", "," * n + "\n"]  # file rows 3 and 4; the broken row moves to row 8
    path.write_text("".join(lines), encoding="utf-8-sig")
    p = one(sample_copy, table="orders", code="not_allowed")
    assert (p.row, p.value) == (8, "astronaut")


def test_surrounding_white_space_is_trimmed(sample_copy, sample):
    """Cells padded with spaces, tabs, no-break or ideographic spaces load like clean ones."""
    from planning.contract import schema

    def pad(table):
        def f(d):
            for k, c in enumerate(d.columns):
                # numbers are read by the C parser, which allows ASCII spaces only
                numeric = schema.columns(table).loc[c, "type"] in ("int", "float")
                pads = [" ", "\t"] if numeric else [" ", "\t", "\u3000", "\xa0", "\u2003"]
                d[c] = [f"{pads[(i + k) % len(pads)]}{v}{pads[i % len(pads)]}" if v and i % 3 == 0 else v
                        for i, v in enumerate(d[c])]
            return d
        return f

    for table in ("people", "orders", "units", "assignments", "regions"):
        edit(sample_copy, table, pad(table))
    assert load_workbook(sample_copy).equals(sample)
    edit(sample_copy, "people", lambda d: d.assign(id=["\u3000 "] + list(d["id"][1:])))
    p = one(sample_copy, table="people", code="required")
    assert (p.row, p.column) == (2, "id")


def test_plain_csv_detection_knows_every_space():
    """The byte scans that skip trimming flag every character ``str.strip`` removes."""
    import io

    from planning.contract.csv_reader import Scanner as _Scanner, plain_utf8 as _plain_utf8

    def scanned(data: bytes, block: int) -> bool:
        s = _Scanner(io.BytesIO(data))
        while s.read(block):
            pass
        return s.finish()

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) not in "\r\n"]
    for text in [f"id,x\n1,{s}a\n" for s in spaces] + [f"id,x\n1,a{s}" for s in spaces] + ['id,x\n1,"a\n"\n']:
        assert not _plain_utf8(text.encode())
        assert not any(scanned(text.encode(), block) for block in (1, 2, 3, 4, 5, 6, 7, 1024))
    text = "编号,名称\r\n1,人员（甲）、乙。“丙”—丁!é\r\n"
    assert _plain_utf8(text.encode())
    assert all(scanned(text.encode(), block) for block in (1, 2, 3, 4, 5, 6, 7, 1024))


def test_infinite_whole_number_is_reported(sample_copy):
    edit(sample_copy, "orders", lambda d: d.assign(priority=["inf"] + list(d["priority"][1:])))
    p = one(sample_copy, table="orders", code="not_int", column="priority")
    assert (p.row, p.value) == (2, "inf")


def test_numbers_report_trimmed_text(sample_copy):
    def f(d):
        d.loc[0, "headcount"] = " 3 "  # fine
        d.loc[1, "headcount"] = "  "  # empty
        d.loc[2, "priority"] = " x "
        d.loc[3, "priority"] = " 9"
        return d
    edit(sample_copy, "orders", f)
    got = {(p.row, p.column, p.value, p.code) for p in problems(sample_copy)}
    assert got == {(3, "headcount", "", "required"), (4, "priority", "x", "not_int"),
                   (5, "priority", " 9", "above_max")}


def test_optional_reference_column_all_empty(sample_copy):
    edit(sample_copy, "orders", lambda d: d.assign(team=""))
    assert load_workbook(sample_copy).orders["team"].isna().all()


def test_messages_speak_the_readers_language_and_suggest(sample, tmp_path):
    """Chinese column names and allowed values on Chinese pages, the file's own name, the closest ids and names."""
    bad = sample.copy()
    bad.orders.loc[0, "host_unit"] = "疏勒县一中"
    bad.people.loc[0, "category"] = "干部"
    path = planning.save_workbook(bad, tmp_path / "我的名单.xlsx", headers="zh")
    with pytest.raises(planning.WorkbookError) as e:
        planning.load_workbook(path)
    zh = " ".join(e.value.sentences("zh"))
    assert "我的名单.xlsx 工作表“援派人员(people)”，第 2 行，“类别”列：值“干部”不是允许的值（可选：党政干部、专业技术人才、土专家）；是否指“党政干部”？" in zh
    assert "“受援单位”列：值“疏勒县一中”在单位中找不到；是否指 H-SCH01 疏勒县第一中学" in zh
    en = " ".join(e.value.sentences("en"))
    assert "sheet '援派人员(people)', row 2, column 'category': value '干部' is not an allowed value (allowed: cadre, " \
           "professional, expert); did you mean 'cadre'?" in en
    assert "column 'host_unit': value '疏勒县一中' names nothing in units; did you mean H-SCH01 疏勒县第一中学" in en


@pytest.fixture
def comparisons(monkeypatch):
    """Every "did you mean" search the loader makes, as the number of candidates it compared the value with.

    The suggestions' cost is these comparisons (``difflib``), so counting them shows the work stays bounded
    without timing anything (timings: ``benchmarks/bench_workbook.py``)."""
    import difflib

    made = []
    real = difflib.get_close_matches

    def counted(word, possibilities, *args, **kw):
        possibilities = list(possibilities)
        made.append(len(possibilities))
        return real(word, possibilities, *args, **kw)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    return made


def test_many_unknown_references_stay_fast_and_bounded(sample, tmp_path, comparisons):
    """Suggestions for the first distinct values only: a file full of unknown ids is reported at once."""
    from planning.contract.suggestions import SUGGEST_LIMIT

    bad = sample.copy()
    n = len(bad.assignments)
    assert n > SUGGEST_LIMIT  # more unknown ids than get a suggestion: the bound is what is tested
    bad.assignments["person"] = [f"X{i:05d}" for i in range(n)]
    path = planning.save_workbook(bad, tmp_path / "bad")
    with pytest.raises(planning.WorkbookError) as e:
        planning.load_workbook(path)
    assert e.value.count >= n and len(e.value.problems) <= 60  # every one counted, the first listed
    suggested = [p for p in e.value.problems if dict(p.params).get("suggest")]
    assert 0 < len(suggested) <= SUGGEST_LIMIT
    # bounded work: one search for each of the first SUGGEST_LIMIT distinct unknown ids, none for the rest
    assert len(comparisons) == SUGGEST_LIMIT, len(comparisons)


def test_a_name_where_an_id_is_expected_is_read_when_unambiguous(sample, tmp_path):
    """疏勒县第一中学 typed for H-SCH01 loads, with a note; a name two units share is still refused."""
    wb = sample.copy()
    wb.orders.loc[0, "host_unit"] = "疏勒县第一中学"
    path = planning.save_workbook(wb, tmp_path / "by-name.xlsx", headers="zh")
    back = planning.load_workbook(path)
    assert back.orders.loc[0, "host_unit"] == "H-SCH01" and back.equals(sample)
    assert [n.sentence("zh").split("：", 1)[1] for n in back.notes] == ["值“疏勒县第一中学”按名称识别为编号 H-SCH01（1 行）。"]
    twice = sample.copy()
    twice.units.loc[twice.units["id"].eq("H-SCH02"), "name"] = "疏勒县第一中学"
    twice.orders.loc[0, "host_unit"] = "疏勒县第一中学"
    with pytest.raises(planning.WorkbookError):
        planning.load_workbook(planning.save_workbook(twice, tmp_path / "ambiguous"))


def test_suggestions_stay_fast_and_useful_at_scale(tmp_path, comparisons):
    """Beyond 5,000 ids a slip is compared with its alphabetical neighbours only: the right id is still offered.

    Compared with every id, 300 unknown ids among 100,000 people took over four minutes to report.
    """
    from planning.contract.suggestions import SUGGEST_ALL, SUGGEST_NEAR
    from planning.samples.synthetic import synthetic_workbook

    wb = synthetic_workbook(people=8_000, host_units=600, seed=3)
    assert len(wb.people) > SUGGEST_ALL
    real = wb.assignments["person"].iloc[len(wb.assignments) // 2]
    slip = real + "x"  # one key too many
    wb.assignments.loc[wb.assignments.index[len(wb.assignments) // 2], "person"] = slip
    path = planning.save_workbook(wb, tmp_path / "wb")
    comparisons.clear()
    with pytest.raises(planning.WorkbookError) as e:
        planning.load_workbook(path)
    (p,) = [p for p in e.value.problems if p.column == "person"]
    assert p.value == slip and real in dict(p.params)["suggest"]
    # fast: the slip was compared with its neighbours, not with the 8,000 people and their names
    assert comparisons == [2 * SUGGEST_NEAR], comparisons
