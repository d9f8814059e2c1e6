"""The scenario store on SQLite and PostgreSQL: round trips, versions, conflicts, killed and failed saves.

PostgreSQL is reached at ``PLANNING_TEST_DB_URL`` (default: the server that
``scripts/postgres.sh`` starts, which ``make test`` runs). When it cannot be
reached the PostgreSQL cases fail, unless ``PLANNING_SKIP_POSTGRES=1`` is set.
Each test gets its own PostgreSQL schema (dropped afterwards) or SQLite file.
"""
from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planning
from planning.scenarios import store as store_mod
from planning.scenarios.store import versions as store_versions
from planning.scenarios.store import ConflictError, InvalidWorkbookError, Scenario, StoreError, open_store
from planning.samples.synthetic import synthetic_workbook

from conftest import ROOT

PG_DEFAULT = "postgresql+psycopg://planning:planning@127.0.0.1:5432/planning_test"


def pg_url() -> str:
    return os.environ.get("PLANNING_TEST_DB_URL") or PG_DEFAULT


@dataclass
class Backend:
    """Where one test's store lives; ``open()`` gives a new connection to it."""

    kind: str
    url: str
    schema: str | None = None
    stores: list = field(default_factory=list)
    problem: str | None = None

    def open(self, lang: str = "en") -> store_mod.Store:
        if self.problem:
            pytest.fail(self.problem)
        s = open_store(self.url, schema=self.schema, lang=lang)
        self.stores.append(s)
        return s

    def rows(self, store) -> dict[str, int]:
        """Row counts of every store table: nothing may change after a failed save."""
        with store.engine.connect() as c:
            return {t.name: c.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                    for t in store_mod.metadata.sorted_tables}


def _pg_problem(url: str) -> str | None:
    try:
        shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return (f"PLANNING_TEST_DB_URL is not a database URL: {url!r}. It should read like "
                f"postgresql+psycopg://user:password@127.0.0.1:5432/dbname.")
    try:
        eng = sa.create_engine(url, connect_args={"connect_timeout": 5})
        with eng.connect() as c:
            c.exec_driver_sql("SELECT 1")
        eng.dispose()
    except Exception as e:
        return (f"PostgreSQL is not reachable at {shown} "
                f"({str(e).strip().splitlines()[0]}). Run `bash scripts/postgres.sh` (make test does), set "
                f"PLANNING_TEST_DB_URL to a reachable server, or set PLANNING_SKIP_POSTGRES=1 to skip these tests.")
    return None


@pytest.fixture(scope="session")
def pg_problem():
    return _pg_problem(pg_url())


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path, pg_problem):
    if request.param == "sqlite":
        b = Backend("sqlite", str(tmp_path / "store" / "scenarios.sqlite"))
        yield b
        for s in b.stores:
            s.close()
        return
    if os.environ.get("PLANNING_SKIP_POSTGRES") == "1":
        pytest.skip("PLANNING_SKIP_POSTGRES=1")
    b = Backend("postgresql", pg_url(), schema=f"t_{uuid.uuid4().hex[:12]}", problem=pg_problem)
    yield b
    for s in b.stores:
        s.close()
    if not pg_problem:
        eng = sa.create_engine(pg_url())
        with eng.begin() as c:
            c.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{b.schema}" CASCADE')
        eng.dispose()


@pytest.fixture(scope="module")
def plan(sample):
    return planning.allocate(sample)


def _other(wb):
    """A different workbook: fewer people, a changed order."""
    w = wb.copy()
    w.people = w.people.iloc[:-5].reset_index(drop=True)
    gone = set(wb.people.id) - set(w.people.id)
    w.assignments = w.assignments[~w.assignments.person.isin(gone)].reset_index(drop=True)
    w.mentorships = w.mentorships[~w.mentorships.mentor.isin(gone) & ~w.mentorships.apprentice.isin(gone)]
    w.mentorships = w.mentorships.reset_index(drop=True)
    w.assessments = w.assessments[~w.assessments.person.isin(gone)].reset_index(drop=True)
    w.orders.loc[0, "headcount"] += 1
    return w


def _dtypes(wb):
    return {n: dict(df.dtypes.astype(str)) for n, df in wb.tables().items()}


# --------------------------------------------------------------------------- #
# round trips
# --------------------------------------------------------------------------- #
def test_round_trip_sample(backend, sample):
    store = backend.open()
    assert store.save("基线", sample, author="李明", note="原始数据") == 1
    sc = store.load("基线")
    assert isinstance(sc, Scenario)
    assert (sc.name, sc.version, sc.author, sc.note, sc.base) == ("基线", 1, "李明", "原始数据", None)
    assert sc.saved_at.tzinfo is not None
    assert sc.workbook.equals(sample)
    assert _dtypes(sc.workbook) == _dtypes(planning.load_workbook(planning.SAMPLE))
    assert sc.unfilled is None and sc.objective is None
    # the loaded tables are ordinary writable frames
    sc.workbook.people.loc[0, "name"] = "x"
    sc.workbook.orders.loc[0, "headcount"] = 9


def test_round_trip_plan(backend, plan, tmp_path):
    store = backend.open()
    v = store.save("方案A", plan.workbook, plan=plan, author="王芳", note="第一次运行")
    sc = store.load("方案A", v)
    assert sc.workbook.equals(plan.workbook)
    assert len(sc.workbook.assignments) > len(planning.load_workbook(planning.SAMPLE).assignments)
    assert _dtypes(sc.workbook) == _dtypes(planning.load_workbook(planning.SAMPLE))
    pd.testing.assert_frame_equal(sc.unfilled, plan.unfilled.reset_index(drop=True))
    assert sc.objective == plan.objective.as_dict()
    # and it goes on like any workbook
    back = planning.load_workbook(planning.save_workbook(sc.workbook, tmp_path / "wb"))
    assert back.equals(plan.workbook)


def test_round_trip_extra_columns_and_missing_values(backend, sample):
    store = backend.open()
    wb = sample.copy()
    n = len(wb.people)
    wb.people["备注"] = pd.Series(["", "多行\n文本", None, "emoji 🙂", "引号 \" ' ,;"] * (n // 5) + [""] * (n % 5),
                                 dtype="str")
    wb.people["obj"] = pd.Series([None, "a"] * (n // 2) + ["b"] * (n % 2), dtype=object)
    wb.people.loc[3, "skill"] = np.nan
    wb.orders["rotation_months"] = pd.array([pd.NA, 3] * (len(wb.orders) // 2) + [6] * (len(wb.orders) % 2),
                                            dtype="Int64")
    wb.orders.loc[wb.orders["programme"].eq("第一书记"), "rotation_months"] = pd.NA  # no mid-term rotation there
    wb.regions.loc[0, "lon"] = np.nan
    stamps = pd.date_range("2026-01-01 08:30", periods=len(wb.units), freq="h", tz="Asia/Shanghai")
    wb.units["checked"] = pd.Series(stamps).where(np.arange(len(wb.units)) % 3 > 0)
    wb.units["share"] = pd.array([0.5, None] * (len(wb.units) // 2) + [1.0] * (len(wb.units) % 2), dtype="Float64")
    store.save("extra", wb, author="a")
    got = store.load("extra").workbook
    assert got.equals(wb)
    assert got.people["备注"].dtype == wb.people["备注"].dtype
    assert got.people["obj"].dtype == object
    assert got.orders["rotation_months"].dtype == "Int64"
    assert got.units["checked"].dtype == wb.units["checked"].dtype
    assert got.units["share"].dtype == "Float64"
    cat = sample.copy()
    cat.people["group"] = pd.Series(["a", "b"] * (n // 2) + ["a"] * (n % 2), dtype="category")
    with pytest.raises(StoreError, match="'group' of the table 'people' cannot be stored"):
        store.save("cat", cat, author="a")


def test_big_round_trip(backend):
    wb = synthetic_workbook(people=5_000, host_units=500, seed=2)
    store = backend.open()
    store.save("big", wb, author="a")
    assert store.load("big").workbook.equals(wb)


# --------------------------------------------------------------------------- #
# versions and listing
# --------------------------------------------------------------------------- #
def test_versions_and_listing(backend, sample, plan):
    store = backend.open()
    assert store.scenarios().empty
    assert list(store.scenarios().columns) == ["name", "versions", "latest", "author", "saved_at", "note",
                                               "published"]
    other = _other(sample)
    assert store.save("A", sample, author="李明", note="v1") == 1
    assert store.save("A", other, author="王芳", note="v2", base=1) == 2
    assert store.save("A", plan.workbook, plan=plan, author="李明", note="v3", base=2) == 3
    assert store.save("B", sample, author="赵磊") == 1

    sc = store.scenarios()
    assert list(sc.name) == ["A", "B"]
    a = sc.set_index("name").loc["A"]
    assert (a.versions, a.latest, a.author, a.note) == (3, 3, "李明", "v3")
    assert sc.published.isna().all()
    assert str(sc.saved_at.dtype).startswith("datetime64") and sc.saved_at.dt.tz is not None

    vs = store.versions("A")
    assert list(vs.columns[:7]) == ["version", "author", "saved_at", "note", "people", "assignments", "published"]
    assert list(vs.version) == [1, 2, 3]
    assert list(vs.author) == ["李明", "王芳", "李明"]
    assert list(vs.people) == [len(sample.people), len(other.people), len(plan.workbook.people)]
    assert list(vs.assignments) == [len(sample.assignments), len(other.assignments),
                                    len(plan.workbook.assignments)]
    assert vs.base.isna().tolist() == [True, False, False] and list(vs.base[1:]) == [1, 2]
    assert list(vs.plan) == [False, False, True]
    assert not vs.published.any()
    assert vs.saved_at.is_monotonic_increasing

    assert store.load("A", 1).workbook.equals(sample)
    assert store.load("A", 2).workbook.equals(other)
    assert store.load("A").version == 3
    assert store.load("A", "2").version == 2  # a version typed as text is fine


# --------------------------------------------------------------------------- #
# no lost work: conflicts
# --------------------------------------------------------------------------- #
def test_conflict_second_planner(backend, sample):
    first, second = backend.open(), backend.open()
    first.save("A", sample, author="李明")
    mine, theirs = first.load("A"), second.load("A")
    assert first.save("A", _other(mine.workbook), author="李明", note="mine", base=mine.version) == 2
    before = backend.rows(second)
    with pytest.raises(ConflictError) as e:
        second.save("A", theirs.workbook, author="王芳", note="theirs", base=theirs.version)
    msg = str(e.value)
    assert "李明" in msg and "version 2" in msg and "version 1" in msg and "Nothing was saved" in msg
    assert backend.rows(second) == before
    assert list(second.versions("A").note) == ["", "mine"]
    assert second.load("A").workbook.equals(_other(sample))
    # a new scenario under a taken name is a conflict too
    with pytest.raises(ConflictError, match="already exists"):
        second.save("A", sample, author="王芳")
    # in Chinese by default
    with pytest.raises(ConflictError) as e:
        backend.open(lang="zh").save("A", sample, author="王芳", base=1)
    assert "李明" in str(e.value) and "第 2 版" in str(e.value) and "未保存" in str(e.value)
    # after loading the latest, the save goes through
    assert second.save("A", theirs.workbook, author="王芳", base=2) == 3


@pytest.mark.parametrize("base", [None, 1], ids=["new", "existing"])
def test_conflict_concurrent_savers(backend, sample, monkeypatch, base):
    """Two savers inside their transactions at once: one wins, the other gets a conflict."""
    setup = backend.open()
    if base:
        setup.save("A", sample, author="setup")
    inside, release = threading.Event(), threading.Event()

    def hook(stage):
        if stage == "version" and threading.current_thread().name == "first":
            inside.set()
            release.wait(20)

    monkeypatch.setattr(store_versions, "_hook", hook)
    results = {}

    def run(who):
        s = backend.open()
        try:
            results[who] = s.save("A", sample, author=who, base=base)
        except Exception as e:
            results[who] = e

    t1 = threading.Thread(target=run, args=("first",), name="first")
    t1.start()
    assert inside.wait(30), results
    t2 = threading.Thread(target=run, args=("second",), name="second")
    t2.start()
    t2.join(1.0)  # the second saver waits for the first one's lock (or has already failed)
    release.set()
    t1.join(30)
    t2.join(60)
    assert results["first"] == (base or 0) + 1
    assert isinstance(results["second"], ConflictError), results
    assert "first" in str(results["second"])
    assert list(setup.versions("A").version) == list(range(1, (base or 0) + 2))


# --------------------------------------------------------------------------- #
# no lost work: a save killed half-way
# --------------------------------------------------------------------------- #
CHILD = r"""
import sys, time
from planning.scenarios import store as st
from planning.scenarios.store import versions as sv
from planning.samples.synthetic import synthetic_workbook
url, schema, name, base, stage = sys.argv[1:6]
store = st.open_store(url, schema=schema or None)
wb = synthetic_workbook(people=20_000, host_units=2_000, seed=3)

def hook(s):
    if s == stage:
        print("inside " + s, flush=True)
        time.sleep(300)

sv._hook = hook  # the hook of the module that saves
store.save(name, wb, author="child", base=int(base) if base else None)
print("saved", flush=True)
"""


def _readline(stream, timeout: float) -> str:
    q: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: q.put(stream.readline()), daemon=True).start()
    try:
        return q.get(timeout=timeout)
    except queue.Empty:
        return ""


@pytest.mark.parametrize("name,stage", [("A", "version"), ("A", "table:people"), ("A", "commit"),
                                        ("new", "table:orders")])
def test_killed_save_leaves_earlier_versions(backend, sample, tmp_path, name, stage):
    store = backend.open()
    other = _other(sample)
    store.save("A", sample, author="李明", note="v1")
    store.save("A", other, author="王芳", note="v2", base=1)
    store.publish("A", 1)
    before = backend.rows(store)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, backend.url, backend.schema or "", name, "2" if name == "A" else "", stage],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=dict(os.environ))
    try:
        line = _readline(child.stdout, 120)
        if not line.startswith("inside"):
            child.kill()
            pytest.fail(f"the child did not reach {stage}: {line!r} {child.communicate()[1][-2000:]}")
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    fresh = backend.open()
    assert backend.rows(fresh) == before  # nothing half-written
    assert list(fresh.scenarios().name) == ["A"]
    assert list(fresh.versions("A").version) == [1, 2]
    assert fresh.load("A", 1).workbook.equals(sample)
    assert fresh.load("A", 2).workbook.equals(other)
    assert fresh.published() == ("A", 1)
    if backend.kind == "sqlite":
        with fresh.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # the dead saver holds no lock and took no number
    assert fresh.save("A", sample, author="李明", note="after", base=2) == 3
    assert fresh.load("A", 3).workbook.equals(sample)


# --------------------------------------------------------------------------- #
# no lost work: a failed save changes nothing
# --------------------------------------------------------------------------- #
def test_failed_save_changes_nothing(backend, sample, monkeypatch):
    store = backend.open()
    store.save("A", sample, author="李明")
    before = backend.rows(store)
    listing = store.scenarios()

    bad = sample.copy()
    bad.people["extra"] = pd.Series([object()] * len(bad.people), dtype=object)
    with pytest.raises(StoreError, match="'extra' of the table 'people' cannot be stored"):
        store.save("A", bad, author="王芳", base=1)
    with pytest.raises(StoreError, match="cannot be stored"):
        store.save("new", bad, author="王芳")
    half = sample.copy()
    half.orders["priority"] = half.orders["priority"] + 0.5
    with pytest.raises(InvalidWorkbookError, match=r"breaks the data contract \(\d+ problems\) and was not saved. "
                       r"The first: A sheet 'orders', row 2, column 'priority': value '\d+\.5' is not a whole number"):
        store.save("A", half, author="王芳", base=1)
    negative = sample.copy()  # what the landing page once showed as "−143 seats filled"
    negative.orders.loc[3, "headcount"] = -143
    negative.assignments.loc[0, "person"] = "P-NOBODY"
    with pytest.raises(InvalidWorkbookError) as e:
        store.save("A", negative, author="王芳", base=1)
    assert {(p.table, p.row, p.column) for p in e.value.problems} == {("orders", 5, "headcount"),
                                                                     ("assignments", 2, "person")}
    with pytest.raises(StoreError, match="Only a workbook"):
        store.save("A", sample.people, author="王芳", base=1)

    def boom(stage):
        if stage == "table:orders":
            raise RuntimeError("disk full")

    monkeypatch.setattr(store_versions, "_hook", boom)
    with pytest.raises(StoreError, match="failed and nothing was saved: disk full"):
        store.save("A", sample, author="王芳", base=1)
    with pytest.raises(StoreError, match="nothing was saved"):
        store.save("new", sample, author="王芳")
    monkeypatch.setattr(store_versions, "_hook", None)

    assert backend.rows(store) == before
    pd.testing.assert_frame_equal(store.scenarios(), listing)
    assert store.save("A", sample, author="王芳", base=1) == 2  # no number was used up


# --------------------------------------------------------------------------- #
# publish and delete
# --------------------------------------------------------------------------- #
def test_publish_and_delete(backend, sample, monkeypatch):
    store = backend.open()
    assert store.published() is None and store.load_published() is None
    other = _other(sample)
    for v, wb in enumerate([sample, other, sample], start=1):
        store.save("A", wb, author="李明", note=f"v{v}", base=v - 1 or None)
    store.save("B", other, author="王芳")
    assert store.publish("A", 2) == ("A", 2)
    assert store.published() == ("A", 2)
    assert store.load_published().workbook.equals(other)
    listing = store.scenarios()
    assert listing.published.isna().tolist() == [False, True] and listing.published.iloc[0] == 2
    assert list(store.versions("A").published) == [False, True, False]

    with pytest.raises(StoreError, match="published one"):
        store.delete("A", 2)
    monkeypatch.setenv("PLANNING_USER", "赵磊")
    gone = store.delete("A", 3)
    assert (gone["name"], gone["version"], gone["note"], gone["deleted_by"]) == ("A", 3, "v3", "赵磊")
    assert list(store.versions("A").version) == [1, 2]
    full = store.versions("A", include_deleted=True)
    assert list(full.version) == [1, 2, 3] and list(full.deleted) == [False, False, True]
    assert full.deleted_by.iloc[2] == "赵磊"
    with pytest.raises(StoreError, match="deleted by 赵磊"):
        store.load("A", 3)
    with pytest.raises(StoreError, match="deleted"):
        store.publish("A", 3)
    with pytest.raises(StoreError, match="deleted"):
        store.delete("A", 3)
    assert store.load("A").version == 2  # the latest not deleted
    assert store.scenarios().set_index("name").loc["A", "latest"] == 2
    # a save started from the deleted version is a conflict; from the latest it goes on (numbers never reused)
    with pytest.raises(ConflictError, match="deleted"):
        store.save("A", sample, author="王芳", base=3)
    assert store.save("A", sample, author="王芳", base=2) == 4
    # the data of a deleted version is still there
    assert store.restore("A", 3) == 3
    assert store.load("A", 3).workbook.equals(sample)
    # publishing another version frees the old one for deletion
    store.publish("B", 1)
    assert store.published() == ("B", 1)
    assert store.delete("A", 2)["version"] == 2
    with pytest.raises(StoreError, match="published one"):
        store.delete("B", 1)


def test_everything_deleted_then_saved_again(backend, sample):
    store = backend.open()
    store.save("A", sample, author="李明")
    store.delete("A", 1)
    assert store.scenarios().set_index("name").loc["A", "versions"] == 0
    with pytest.raises(StoreError, match="Every version"):
        store.load("A")
    with pytest.raises(ConflictError, match="no other version"):
        store.save("A", sample, author="王芳", base=1)
    assert store.save("A", sample, author="王芳") == 2


# --------------------------------------------------------------------------- #
# bad arguments are sentences
# --------------------------------------------------------------------------- #
def test_bad_arguments_are_sentences(backend, sample):
    store = backend.open()
    store.save("A", sample, author="李明")
    for name in [None, "", "   ", "x" * 201, "a\nb", 3]:
        with pytest.raises(StoreError, match="scenario name must be"):
            store.save(name, sample, author="a")
        with pytest.raises(StoreError, match="scenario name must be"):
            store.load(name)
    for version in [0, -1, "x", 1.5, True]:
        with pytest.raises(StoreError, match="whole number"):
            store.load("A", version)
        with pytest.raises(StoreError, match="whole number"):
            store.save("A", sample, author="a", base=version)
    for author in [None, "", " ", 5, "a\x00b", "a\nb"]:
        with pytest.raises(StoreError, match="author must be"):
            store.save("A", sample, author=author, base=1)
    with pytest.raises(StoreError, match="note cannot contain NUL"):
        store.save("A", sample, author="a", note="a\x00b", base=1)
    assert store.save("A", sample, author="a", note="多行\n\t说明", base=1) == 2
    assert store.load("A").note == "多行\n\t说明"
    with pytest.raises(StoreError, match="no scenario named 'nope'"):
        store.load("nope")
    with pytest.raises(StoreError, match="no scenario named 'nope'"):
        store.versions("nope")
    with pytest.raises(StoreError, match="no scenario named 'nope'"):
        store.publish("nope", 1)
    with pytest.raises(StoreError, match=r"has no version 9 \(versions: 1, 2\)"):
        store.load("A", 9)
    with pytest.raises(StoreError, match="has no version 9"):
        store.save("A", sample, author="a", base=9)
    with pytest.raises(StoreError, match="to save over its version 1"):
        store.save("nope", sample, author="a", base=1)
    zh = backend.open(lang="zh")
    with pytest.raises(StoreError) as e:
        zh.load("A", 9)
    assert str(e.value) == "场景“A”没有第 9 版（现有版本：1, 2）。"
    assert e.value.sentence("en") == "The scenario 'A' has no version 9 (versions: 1, 2)."
    assert "Traceback" not in str(e.value)


def test_open_store_resolution(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "DEFAULT_PATH", tmp_path / "default" / "scenarios.sqlite")
    monkeypatch.delenv("PLANNING_DB_URL", raising=False)
    monkeypatch.delenv("PLANNING_STORE", raising=False)
    s = open_store()
    assert s.path == tmp_path / "default" / "scenarios.sqlite" and s.path.exists()
    monkeypatch.setenv("PLANNING_STORE", str(tmp_path / "env.sqlite"))
    assert open_store().path == tmp_path / "env.sqlite"
    monkeypatch.setenv("PLANNING_DB_URL", f"sqlite:///{tmp_path / 'url.sqlite'}")
    assert open_store().path == tmp_path / "url.sqlite"
    assert open_store(tmp_path / "arg.sqlite").path == tmp_path / "arg.sqlite"
    with pytest.raises(StoreError, match="cannot be used"):
        open_store("postgresql+psycopg://nobody:x@127.0.0.1:1/none", lang="en")
    with pytest.raises(StoreError, match="not a database address"):
        open_store("nosuchdb://x", lang="en")
    with pytest.raises(StoreError, match="no database schemas"):
        open_store(tmp_path / "s.sqlite", schema="s1", lang="en")
    with sa.create_engine(f"sqlite:///{tmp_path / 'env.sqlite'}").connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert store_mod.DEFAULT_PATH.name == "scenarios.sqlite"
    assert "data/scenarios.sqlite" in (ROOT / ".gitignore").read_text()


# --------------------------------------------------------------------------- #
# property: small random workbooks round-trip
# --------------------------------------------------------------------------- #
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
#: Names a workbook may hold (the store refuses what the loader refuses: empty, control characters, surrounding space)
valid_names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
                      max_size=12).map(str.strip).filter(bool)
notes = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"),
                max_size=40)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(people=st.integers(1, 60), units=st.integers(1, 8), sectors=st.integers(1, 4), seed=st.integers(0, 10_000),
       teams=st.booleans(), names=st.lists(valid_names, min_size=1, max_size=8),
       free=st.lists(st.one_of(st.none(), texts), min_size=1, max_size=8), note=notes)
def test_random_workbooks_round_trip(backend, people, units, sectors, seed, teams, names, free, note):
    store = backend.stores[0] if backend.stores else backend.open()
    wb = synthetic_workbook(people=people, host_units=units, sectors=sectors, seed=seed, teams=teams)
    n = len(wb.people)
    wb.people["name"] = pd.Series([names[i % len(names)] for i in range(n)], dtype="str")
    wb.people["free"] = pd.Series([free[-1 - i % len(free)] for i in range(n)], dtype=object)  # any text at all
    name = f"p{uuid.uuid4().hex[:8]}"
    store.save(name, wb, author="hypothesis", note=note)
    sc = store.load(name)
    assert sc.workbook.equals(wb)
    assert sc.note == note
    assert _dtypes(sc.workbook) == _dtypes(wb)


def test_publish_unpublish_are_recorded(backend, sample):
    """Every publish and unpublish is kept (who, when, which version); the newest decides what is shown."""
    store = backend.open()
    other = _other(sample)
    store.save("A", sample, author="李明")
    store.save("B", other, author="王芳")
    assert store.unpublish(author="李明") is None  # nothing published: nothing recorded
    assert store.publications().empty
    store.publish("A", 1, author="李明")
    store.publish("B", 1, author="王芳")
    assert store.unpublish(author="王芳") == ("B", 1)
    assert store.published() is None and store.load_published() is None
    assert store.scenarios().published.isna().all()
    log = store.publications()
    assert list(zip(log.action, log.name, log.version, log.by)) == [
        ("unpublish", "B", 1, "王芳"), ("publish", "B", 1, "王芳"), ("publish", "A", 1, "李明")]
    assert log["at"].is_monotonic_decreasing and str(log["at"].dt.tz) == "UTC"
    store.delete("B", 1)  # withdrawn: no longer protected
    store.publish("A", 1, author="李明")
    assert store.published() == ("A", 1)


def test_publish_is_atomic_for_readers(backend, sample):
    """A reader loading the published version while planners publish others always gets one whole version.

    The reader reads without pause; after each publication the writer waits for two more reads, so the
    second of them began after the publication: every version published is seen whole, and the reader's
    own crash fails the test (a thread's exception would only be a warning).
    """
    import threading

    store = backend.open()
    other = _other(sample)
    store.save("A", sample, author="李明")
    store.save("B", other, author="王芳")
    expected = {("A", 1): sample, ("B", 1): other}
    stop, seen, errors, crashed = threading.Event(), [], [], []
    reads = threading.Condition()
    count = [0]

    def read():
        try:
            reader = backend.open()
            while not stop.is_set():
                sc = reader.load_published()
                seen.append(None if sc is None else (sc.name, sc.version))
                if sc is not None and not sc.workbook.equals(expected[(sc.name, sc.version)]):
                    errors.append((sc.name, sc.version))
                with reads:
                    count[0] += 1
                    reads.notify_all()
        except BaseException as e:  # noqa: BLE001 - the test fails on it below
            crashed.append(repr(e))
            with reads:
                reads.notify_all()

    def two_more_reads():
        with reads:
            goal = count[0] + 2
            assert reads.wait_for(lambda: count[0] >= goal or crashed, timeout=60), "the reader stopped reading"

    th = threading.Thread(target=read)
    th.start()
    try:
        for i in range(12):
            store.publish("AB"[i % 2], 1, author="李明")
            two_more_reads()
            if i % 5 == 4:
                store.unpublish(author="李明")
                two_more_reads()
    finally:
        stop.set()
        th.join()
    assert crashed == [] and errors == []
    assert set(seen) == {("A", 1), ("B", 1), None}  # both versions and the unpublished state were read


def test_store_from_before_unpublish_is_upgraded(tmp_path, sample):
    """A store whose publications table has no action column opens, keeps its publication and can unpublish."""
    path = tmp_path / "old.sqlite"
    store = open_store(path)
    store.save("A", sample, author="李明")
    store.publish("A", 1, author="李明")
    store.close()
    with sqlite3.connect(path) as c:  # the table as stores before unpublishing wrote it
        c.executescript("""
            CREATE TABLE p2 (id INTEGER PRIMARY KEY AUTOINCREMENT, scenario_id INTEGER NOT NULL,
                             version INTEGER NOT NULL, published_at DATETIME NOT NULL, published_by VARCHAR(200));
            INSERT INTO p2 SELECT id, scenario_id, version, published_at, published_by FROM scenario_publications;
            DROP TABLE scenario_publications; ALTER TABLE p2 RENAME TO scenario_publications;""")
    store = open_store(path)
    assert store.published() == ("A", 1)
    assert store.publications().action.tolist() == ["publish"]
    assert store.unpublish(author="王芳") == ("A", 1) and store.published() is None
    store.close()


# --------------------------------------------------------------------------- #
# the store is an input like any other: it keeps only what loads, and unpacks within bounds
# --------------------------------------------------------------------------- #
def test_a_version_stored_before_the_check_cannot_be_published(backend, sample, monkeypatch):
    store = backend.open()
    bad = sample.copy()
    bad.orders.loc[3, "headcount"] = -143
    monkeypatch.setattr(store, "_valid", lambda *a, **k: None)  # as a store written before saves were checked
    store.save("旧版", bad, author="李明")
    monkeypatch.undo()
    with pytest.raises(InvalidWorkbookError, match="Version 1 of the scenario '旧版' breaks the data contract"):
        store.publish("旧版", 1)
    assert store.published() is None


def test_a_payload_that_unpacks_too_far_is_refused_as_it_unpacks(backend, sample, monkeypatch):
    import zlib

    store = backend.open()
    store.save("炸弹", sample, author="李明")
    bomb = zlib.compress(b"\0" * (3 << 20), 9)  # 3 MB of zeros in a few kB
    with store.engine.begin() as c:
        c.execute(store_mod.tables_t.update().where(store_mod.tables_t.c.name == "orders").values(data=bomb))
    monkeypatch.setenv("PLANNING_MAX_UNPACKED_MB", "1")
    with pytest.raises(StoreError, match="cannot be read: it unpacks to more than the limit of 1 MB"):
        store.load("炸弹")


def test_a_version_saved_before_an_optional_table_joined_the_contract_still_loads(backend, sample):
    """A version stored without the management grid (saved before the table existed) loads with an empty grid."""
    store = backend.open()
    store.save("升级前", sample, author="李明")
    with store.engine.begin() as c:
        c.execute(store_mod.tables_t.delete().where(store_mod.tables_t.c.name == "management_units"))
    got = store.load("升级前").workbook
    assert got.management_units.empty and list(got.management_units.columns) == list(
        planning.contract.empty_table("management_units").columns)
    assert len(got.people) == len(sample.people)
