"""Public entry points check their arguments: a wrong type, an unknown id or an out-of-range day is
one sentence in the project's own error, never an AttributeError, a TypeError or a silent wrong
answer (every seat "unfillable" because the one person named does not exist)."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planning
from planning.allocation import PlanError
from planning.contract import WorkbookError
from planning.scenarios.store import open_store
from planning.scenarios.store.errors import StoreError


@pytest.fixture(scope="module")
def wb():
    return planning.load_workbook(planning.SAMPLE)


@pytest.mark.parametrize("kw, words", [
    (dict(time_limit="5"), "时间限制应为正数"),
    (dict(time_limit=True), "时间限制应为正数"),
    (dict(time_limit=-1), "时间限制应为正数"),
    (dict(people=["NOPE"]), "没有这些编号：NOPE"),
    (dict(people="P0001"), "应为编号的列表"),
    (dict(orders=["O-NONE", 3]), "没有这些编号：O-NONE、3"),
    (dict(hosts=["H-SCH01", "zz"]), "没有这些编号：zz"),
    (dict(hosts=5), "应为编号的列表"),
    (dict(method=[]), "未知的方法"),
])
def test_allocate_says_what_is_wrong_with_an_argument(wb, kw, words):
    with pytest.raises(PlanError) as e:
        planning.allocate(wb, lang="zh", **kw)
    assert words in str(e.value)


def test_allocate_refuses_what_is_not_a_workbook():
    with pytest.raises(PlanError) as e:
        planning.allocate({"people": []}, lang="en")
    assert "loaded workbook" in str(e.value) and "dict" in str(e.value)


def test_the_store_says_a_table_set_to_none(tmp_path, wb):
    store = open_store(tmp_path / "s.sqlite", lang="en")
    broken = wb.copy()
    broken.people = None
    with pytest.raises(StoreError) as e:
        store.save("a", broken, author="wang")
    assert "'people'" in str(e.value) and "NoneType" in str(e.value)
    assert store.scenarios().empty


def test_a_store_under_a_file_is_one_sentence(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError) as e:
        open_store(tmp_path / "file" / "scenarios.sqlite", lang="zh")
    assert "路径中有一段是文件" in str(e.value)


def test_a_lone_surrogate_never_breaks_a_writer(tmp_path, wb):
    """It passed the store's check and then broke every writer (UnicodeEncodeError on CSV)."""
    odd = wb.copy()
    odd.people = wb.people.assign(name=wb.people["name"].where(wb.people.index > 0, "张\ud800三"))
    for target in (tmp_path / "w.xlsx", tmp_path / "w"):
        back = planning.load_workbook(planning.save_workbook(odd, target))
        assert back.people["name"].iloc[0] == "张三"
    store = open_store(tmp_path / "s.sqlite")
    with pytest.raises(StoreError) as e:
        store.save("a", odd, author="wang")
    assert "控制字符" in str(e.value) and "第 2 行" in str(e.value)


@pytest.mark.parametrize("argv, words", [
    (["allocate", str(planning.SAMPLE), "--window", "2300-01-01:2300-12-31"], "超出工作簿可用的范围"),
    (["allocate", str(planning.SAMPLE), "--planning-date", "1900-01-01"], "超出工作簿可用的范围"),
    (["allocate", str(planning.SAMPLE), "--window", "2027-13-01:"], "应为 开始:结束"),
])
def test_the_command_line_tells_a_day_out_of_range_from_a_malformed_one(monkeypatch, capsys, argv, words):
    from planning.cli import main

    monkeypatch.setenv("PLANNING_LANG", "zh")
    assert main(argv) == 2
    assert words in capsys.readouterr().err


WRONG = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True), st.text(max_size=6),
                  st.lists(st.one_of(st.text(max_size=4), st.integers()), max_size=3),
                  st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(["time_limit", "people", "orders", "hosts", "window", "planning_date", "pins",
                             "forbids", "method"]), value=WRONG)
def test_allocate_with_a_generated_wrong_argument_says_a_sentence(wb, name, value):
    """Whatever a notebook passes, the planner reads a sentence (or gets a plan), never a traceback."""
    try:
        planning.allocate(wb, lang="en", time_limit=20 if name != "time_limit" else value,
                          **({} if name == "time_limit" else {name: value}))
    except PlanError as e:
        assert str(e) and "Traceback" not in str(e)


@settings(max_examples=25, deadline=None)
@given(value=WRONG)
def test_load_workbook_with_a_generated_wrong_path_says_a_sentence(value):
    try:
        planning.load_workbook(value)
    except (WorkbookError, TypeError) as e:
        assert not isinstance(e, TypeError), f"TypeError for {value!r}: {e}"
