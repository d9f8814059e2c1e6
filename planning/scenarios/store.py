"""Scenario store: named, versioned workbooks (with their plans) in a database.

A planner saves a workbook, and optionally the plan made from it, as a new
*version* of a named *scenario* (with author, time and note); lists scenarios
and versions; loads any version back equal to what was saved; publishes one
version as the one the dashboards show; and deletes a version only visibly (it
is marked deleted, kept in the database, and can be restored).

Databases
---------
SQLAlchemy 2 Core over an embedded SQLite file by default
(``data/scenarios.sqlite`` under the repository, or the file named by
``PLANNING_STORE``; created on first use), or any database SQLAlchemy reaches
(PostgreSQL through psycopg 3) when ``PLANNING_DB_URL`` or ``open_store(url)``
names one. SQLite runs in WAL mode with a busy timeout, so readers never block
the saver and a second saver waits its turn instead of failing (WAL needs the
file on a local disk: offices sharing one store over the network use
PostgreSQL).

Tables
------
``scenarios`` (one row per name), ``scenario_versions`` (one row per saved
version: number, base version, author, time, note, counts, the plan's
objective as JSON, deletion mark), ``scenario_tables`` (one row per contract
table of a version, plus ``plan.unfilled`` for a plan: the table's data as one
compressed payload), ``scenario_publications`` (every publication, the newest
being the one shown) and ``scenario_store_info`` (the storage format).

Storage layout: one compressed typed payload per table
------------------------------------------------------
Each table of a version is stored as one ``zlib``-compressed *columnar*
payload: a small JSON header (column names, kinds, dtypes, buffer sizes)
followed by each column's raw little-endian numpy buffer (numbers, booleans,
dates as int64 nanoseconds, nullable integers with their mask) or, for text,
the codes of its distinct values (int8/16/32) and the distinct values as one
UTF-8 JSON list. Loading slices the buffers with ``numpy.frombuffer`` and
rebuilds each column with the contract's dtype (the same dtypes
:func:`~planning.contract.load_workbook` gives), so nothing is parsed row by
row and no value changes type on the way.

Measured on the 50,000-person synthetic workbook (~118,000 rows in all;
``benchmarks/bench_store.py`` times the chosen layout and the row layout):
encoding took 0.13 s and decoding 0.06 s for 1.8 MB, where zlib-compressed
CSV took 0.40 s to write and 0.20 s merely to parse back as untyped text
(2.2 MB). A whole save took 0.26 s (SQLite) / 0.17 s (PostgreSQL) and a load
0.05 s, where one database row per record (``DataFrame.to_sql`` /
``read_sql_table``, which would also need an SQL table per contract table and
brings values back untyped) took 1.4 s / 2.8 s to save and 0.8 s / 0.6 s to
load. Versions are read and written whole, never queried row by row, so
nothing is lost by not having rows. ``pickle`` is never used: a database
shared by several offices must not be able to run code on load.

No lost work
------------
* Everything one save writes (scenario row, version row, every table's
  payload) is written in one transaction: a save that fails, or a process
  killed in the middle of one, leaves the database as it was, with every
  earlier version intact and readable.
* Optimistic version check: a save names the version it started from
  (``base``; ``None`` for a new scenario). If that is not the scenario's
  latest version, :class:`ConflictError` says who saved which version when,
  and nothing is written. The check runs inside the write transaction
  (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the scenario row is locked with
  ``SELECT … FOR UPDATE``), and a unique constraint on (scenario, version)
  and on the scenario name turns any race left over into the same conflict.

Examples
--------
>>> import os, tempfile, planning
>>> from planning.scenarios.store import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "scenarios.sqlite"), lang="en")
>>> wb = planning.load_workbook(planning.SAMPLE)
>>> store.save("baseline", wb, author="Li Ming", note="as received")
1
>>> store.save("baseline", wb, author="Wang Fang", note="second batch", base=1)
2
>>> store.load("baseline", 1).workbook.equals(wb)
True
>>> store.save("baseline", wb, author="Zhao Lei", base=1)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
planning.scenarios.store.ConflictError: The scenario 'baseline' has a newer version: Wang Fang saved version 2 at ...
"""
from __future__ import annotations

import getpass
import json
import math
import os
import re
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event

from ..contract import schema as contract
from ..core.limits import inflate, limits
from ..core.i18n import t
from ..contract import Workbook, WorkbookError, empty_table, validate_workbook

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / "data" / "scenarios.sqlite"
FORMAT = "1"
ENCODING = "cols1+zlib"
UNFILLED = "plan.unfilled"
DECISIONS = "plan.decisions"  # the planner's pins and forbids: kind (pin/forbid), person, order
PUBLISH, UNPUBLISH = "publish", "unpublish"
MAX_NAME = 200
ZLIB_LEVEL = 1
SQLITE_BUSY_MS = 30_000

__all__ = ["Store", "open_store", "StoreError", "ConflictError", "Scenario"]

# A test hook: called with the stage of a save ("begin", "version", "table:<name>", "commit")
# while its transaction is open. Tests set it in a child process to pause or fail a save there.
_hook = None


def _at(stage: str) -> None:
    if _hook is not None:
        _hook(stage)


# --------------------------------------------------------------------------- #
# errors
# --------------------------------------------------------------------------- #
class StoreError(Exception):
    """A store request that cannot be done, as one plain sentence.

    ``key`` names the sentence (``store.<key>`` in :mod:`planning.core.i18n`),
    ``params`` its values; :meth:`sentence` gives it in another language.
    """

    def __init__(self, key: str, lang: str | None = None, **params):
        self.key = key
        self.params = params
        self.lang = lang
        super().__init__(self.sentence(lang))

    def sentence(self, lang: str | None = None) -> str:
        return t(f"store.{self.key}", lang or self.lang, **self.params)

    def __str__(self) -> str:
        return self.sentence(self.lang)


class ConflictError(StoreError):
    """Someone else saved a newer version first; nothing was saved."""


class InvalidWorkbookError(StoreError):
    """The workbook breaks the data contract (as :func:`~planning.contract.load_workbook` would refuse it).

    ``problems`` lists every problem; the sentence names the first.
    """

    def __init__(self, key: str, lang: str | None = None, *, problems=(), **params):
        self.problems = list(problems)
        super().__init__(key, lang, **params)

    def sentence(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        first = self.problems[0].sentence(lang) if self.problems else ""
        return t(f"store.{self.key}", lang, first=first, **self.params)


# --------------------------------------------------------------------------- #
# what load gives
# --------------------------------------------------------------------------- #
@dataclass
class Scenario:
    """One loaded scenario version.

    Attributes
    ----------
    name : str
    version : int
    author : str
    saved_at : pandas.Timestamp
        When it was saved (UTC).
    note : str
    workbook : Workbook
        Equal to the saved workbook (:meth:`Workbook.equals`), with the
        dtypes :func:`~planning.contract.load_workbook` gives.
    unfilled : DataFrame or None
        The plan's unfilled seats, when a plan was saved.
    objective : dict or None
        The plan's objective (``Objective.as_dict()``), when a plan was saved.
    decisions : DataFrame or None
        The planner's pins and forbids saved with it (``kind, person, order``).
    base : int or None
        The version this one was saved over.
    """

    name: str
    version: int
    author: str
    saved_at: pd.Timestamp
    note: str
    workbook: Workbook
    unfilled: pd.DataFrame | None = None
    objective: dict | None = None
    base: int | None = None
    decisions: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return (f"Scenario({self.name!r}, version={self.version}, author={self.author!r}, "
                f"saved_at={self.saved_at}, {self.workbook!r})")


# --------------------------------------------------------------------------- #
# the database schema
# --------------------------------------------------------------------------- #
metadata = sa.MetaData()

scenarios_t = sa.Table(
    "scenarios", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(MAX_NAME), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(MAX_NAME), nullable=False),
)

versions_t = sa.Table(
    "scenario_versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("base", sa.Integer, nullable=True),
    sa.Column("author", sa.String(MAX_NAME), nullable=False),
    sa.Column("saved_at", sa.DateTime, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("people", sa.Integer, nullable=False),
    sa.Column("assignments", sa.Integer, nullable=False),
    sa.Column("has_plan", sa.Boolean, nullable=False),
    sa.Column("objective", sa.Text, nullable=True),
    sa.Column("payload_bytes", sa.BigInteger, nullable=False),
    sa.Column("deleted_at", sa.DateTime, nullable=True),
    sa.Column("deleted_by", sa.String(MAX_NAME), nullable=True),
    sa.UniqueConstraint("scenario_id", "version", name="uq_scenario_version"),
)

tables_t = sa.Table(
    "scenario_tables", metadata,
    sa.Column("version_id", sa.Integer, sa.ForeignKey("scenario_versions.id"), primary_key=True),
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("encoding", sa.String(32), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

publications_t = sa.Table(
    "scenario_publications", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("published_at", sa.DateTime, nullable=False),
    sa.Column("published_by", sa.String(MAX_NAME), nullable=True),
    # "publish" (NULL in stores written before unpublishing existed) or "unpublish": the newest row decides
    sa.Column("action", sa.String(16), nullable=True),
)

info_t = sa.Table(
    "scenario_store_info", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


# --------------------------------------------------------------------------- #
# opening
# --------------------------------------------------------------------------- #
def open_store(url: str | os.PathLike | None = None, *, schema: str | None = None,
               lang: str | None = None) -> Store:
    """Open (and on first use create) the scenario store.

    Parameters
    ----------
    url : str or path, optional
        A SQLAlchemy URL (``postgresql+psycopg://user:pw@host/db``,
        ``sqlite:///path``) or the path of an SQLite file. Without it:
        ``PLANNING_DB_URL`` if set, else the SQLite file ``PLANNING_STORE``,
        else ``data/scenarios.sqlite`` in the repository.
    schema : str, optional
        A database schema to keep the tables in (PostgreSQL; created when
        missing).
    lang : {"zh", "en"}, optional
        Language of error sentences (default ``PLANNING_LANG``, else Chinese).

    Returns
    -------
    Store

    Examples
    --------
    >>> import os, tempfile
    >>> from planning.scenarios.store import open_store
    >>> path = os.path.join(tempfile.mkdtemp(), "new", "scenarios.sqlite")
    >>> store = open_store(path)
    >>> os.path.exists(path), len(store.scenarios())
    (True, 0)
    >>> open_store("nosuchdb://x", lang="en")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    planning.scenarios.store.StoreError: 'nosuchdb://x' is not a database address this store can use: ...
    """
    if url is None:
        url = os.environ.get("PLANNING_DB_URL") or os.environ.get("PLANNING_STORE") or DEFAULT_PATH
    return Store(url, schema=schema, lang=lang)


def _add_action_column(conn, schema: str | None) -> None:
    """Stores written before unpublishing existed lack the publications' ``action`` column: add it."""
    table = publications_t.name
    cols = {c["name"] for c in sa.inspect(conn).get_columns(table, schema=schema)}
    if "action" not in cols:
        where = f'"{schema}".{table}' if schema else table
        conn.exec_driver_sql(f"ALTER TABLE {where} ADD COLUMN action VARCHAR(16)")


def _hide_password(text: str) -> str:
    """An address (or a sentence quoting one) with the password of ``scheme://user:password@host`` masked.

    >>> _hide_password("postgresql://planner:s3cret@db:notaport/planning")
    'postgresql://planner:***@db:notaport/planning'
    """
    return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", str(text))


def _sqlite_url(url) -> tuple[str, Path | None]:
    """The SQLAlchemy URL and, for an SQLite file, its path."""
    if isinstance(url, os.PathLike) or "://" not in str(url):
        path = Path(url).expanduser().resolve()
        return f"sqlite:///{path}", path
    s = str(url)
    if s.startswith("sqlite") and not s.endswith(":memory:"):
        db = sa.engine.make_url(s).database
        if db:
            return s, Path(db).expanduser().resolve()
    return s, None


def _setup_sqlite(engine: sa.Engine) -> None:
    """WAL journal, a busy timeout, foreign keys, and BEGIN IMMEDIATE for writes."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        write = conn.get_execution_options().get("planning_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


class Store:
    """Named, versioned scenarios in a database; see :func:`open_store`."""

    def __init__(self, url, *, schema: str | None = None, lang: str | None = None):
        self.lang = lang
        raw = str(url)
        try:
            self.url, self.path = _sqlite_url(url)
            parsed = sa.engine.make_url(self.url)
            self.dialect = parsed.get_backend_name()
            shown = parsed.render_as_string(hide_password=True)
        except Exception as e:  # a malformed address: shown without its password
            raise StoreError("bad_url", lang, url=_hide_password(raw), detail=_hide_password(_first_line(e))) from None
        self.shown_url = shown
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        kw = {}
        if self.dialect == "postgresql":
            kw["connect_args"] = {"connect_timeout": 10}
        try:
            engine = sa.create_engine(self.url, pool_pre_ping=self.dialect != "sqlite", **kw)
        except Exception as e:  # unknown dialect or driver
            raise StoreError("bad_url", lang, url=shown, detail=_first_line(e)) from None
        if self.dialect == "sqlite":
            _setup_sqlite(engine)
        self._engine = engine
        self.schema = schema
        if schema and self.dialect == "sqlite":
            raise StoreError("schema_sqlite", lang, schema=schema)
        if schema:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", schema):
                raise StoreError("bad_schema", lang, schema=schema)
            engine = engine.execution_options(schema_translate_map={None: schema})
        self.engine = engine
        self._create(schema)

    # ---- setup -------------------------------------------------------------
    def _create(self, schema: str | None) -> None:
        try:
            for attempt in (0, 1):
                try:
                    with self.engine.connect() as conn:
                        conn.execution_options(planning_write=True)
                        with conn.begin():
                            if schema:
                                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                            metadata.create_all(conn)
                            _add_action_column(conn, schema)
                            have = conn.execute(sa.select(info_t.c.value).where(info_t.c.key == "format")).scalar()
                            if have is None:
                                conn.execute(info_t.insert().values(key="format", value=FORMAT))
                    break
                except sa.exc.IntegrityError:
                    if attempt:  # two processes creating the tables at once: the other one won
                        raise
                except sa.exc.ProgrammingError:
                    if attempt:
                        raise
        except sa.exc.SQLAlchemyError as e:
            raise StoreError("db_error", self.lang, url=self.shown_url, detail=_db_detail(e)) from None
        if have is not None and have != FORMAT:
            raise StoreError("bad_format", self.lang, url=self.shown_url, have=have, want=FORMAT)

    def close(self) -> None:
        """Close the store's database connections."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        where = f", schema={self.schema!r}" if self.schema else ""
        return f"Store({self.shown_url!r}{where})"

    @contextmanager
    def _tx(self, write: bool = False, wrap: bool = True):
        """A transaction; writes take SQLite's write lock at BEGIN (BEGIN IMMEDIATE).

        Database errors become a :class:`StoreError` sentence unless ``wrap`` is False.
        """
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(planning_write=True)
                with conn.begin():
                    yield conn
        except (StoreError, sa.exc.IntegrityError):
            raise
        except sa.exc.SQLAlchemyError as e:
            if not wrap:
                raise
            raise StoreError("db_error", self.lang, url=self.shown_url, detail=_db_detail(e)) from None

    def _error(self, key: str, cls=StoreError, **params) -> StoreError:
        return cls(key, self.lang, **params)

    # ---- checks of arguments -------------------------------------------------
    def _name(self, name) -> str:
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME \
                or any(ord(ch) < 32 for ch in name.strip()):
            raise self._error("bad_name", name=_show(name), max=MAX_NAME)
        return name.strip()

    def _valid(self, workbook: Workbook, name: str, version: int | None = None) -> None:
        """Refuse a workbook that breaks the data contract: what is stored always loads."""
        try:
            validate_workbook(workbook, name)
        except WorkbookError as e:
            key = "invalid_version" if version is not None else "invalid_workbook"
            raise self._error(key, InvalidWorkbookError, problems=e.problems, name=name, n=e.count,
                              **({"version": version} if version is not None else {})) from None

    def _version(self, version, *, none: bool = False) -> int | None:
        if version is None and none:
            return None
        if isinstance(version, str) and version.strip().isdigit():
            version = int(version.strip())
        if isinstance(version, (bool, np.bool_)) or not isinstance(version, (int, np.integer)) or version < 1:
            raise self._error("bad_version", version=_show(version))
        return int(version)

    def _who(self, author) -> str:
        if not isinstance(author, str) or not author.strip() or len(author.strip()) > MAX_NAME \
                or any(ord(ch) < 32 for ch in author.strip()):
            raise self._error("bad_author", author=_show(author), max=MAX_NAME)
        return author.strip()

    # ---- lookups inside a transaction ----------------------------------------
    def _scenario(self, conn, name: str, *, lock: bool = False, required: bool = True):
        q = sa.select(scenarios_t).where(scenarios_t.c.name == name)
        if lock:
            q = q.with_for_update()
        row = conn.execute(q).first()
        if row is None and required:
            raise self._error("no_scenario", name=name)
        return row

    def _version_row(self, conn, sid: int, version: int):
        return conn.execute(sa.select(versions_t).where(versions_t.c.scenario_id == sid,
                                                        versions_t.c.version == version)).first()

    def _latest(self, conn, sid: int):
        """The newest version not deleted (a row), or None."""
        return conn.execute(
            sa.select(versions_t).where(versions_t.c.scenario_id == sid, versions_t.c.deleted_at.is_(None))
            .order_by(versions_t.c.version.desc()).limit(1)).first()

    def _current(self, conn):
        """The current publication: (scenario id, name, version) or None (nothing published, or unpublished)."""
        p = publications_t
        row = conn.execute(
            sa.select(p.c.scenario_id, scenarios_t.c.name, p.c.version, p.c.action)
            .join(scenarios_t, scenarios_t.c.id == p.c.scenario_id)
            .order_by(p.c.id.desc()).limit(1)).first()
        return None if row is None or row.action == UNPUBLISH else row

    def _visible(self, conn, name: str, sid: int, version: int | None):
        """A version that exists and is not deleted (latest when ``version`` is None)."""
        if version is None:
            row = self._latest(conn, sid)
            if row is None:
                raise self._error("all_deleted", name=name)
            return row
        row = self._version_row(conn, sid, version)
        if row is None:
            raise self._error("no_version", name=name, version=version, have=self._have(conn, sid))
        if row.deleted_at is not None:
            raise self._error("deleted", name=name, version=version, who=row.deleted_by or "?",
                              when=_when(row.deleted_at))
        return row

    def _have(self, conn, sid: int) -> str:
        vs = conn.execute(sa.select(versions_t.c.version).where(
            versions_t.c.scenario_id == sid, versions_t.c.deleted_at.is_(None))
            .order_by(versions_t.c.version)).scalars().all()
        return ", ".join(map(str, vs)) if vs else "—"

    # ---- save ----------------------------------------------------------------
    def save(self, name: str, workbook: Workbook, *, plan=None, author: str, note: str = "",
             base: int | None = None, decisions: pd.DataFrame | None = None) -> int:
        """Save a workbook (and optionally its plan) as the next version of a scenario.

        Parameters
        ----------
        name : str
            The scenario's name.
        workbook : Workbook
            What to save; with a plan, pass ``plan.workbook`` (the plan's new
            assignments are inside it).
        plan : planning.Plan, optional
            Its ``unfilled`` seats and ``objective`` are saved too.
        author : str
            Who saves.
        note : str
            What changed, in the planner's words.
        base : int or None
            The version the planner started from; ``None`` for a new scenario.
        decisions : DataFrame, optional
            The planner's pins and forbids (``kind`` pin or forbid, ``person``,
            ``order``), restored with the version (:attr:`Scenario.decisions`).

        Returns
        -------
        int
            The new version number (1 for a new scenario).

        Raises
        ------
        ConflictError
            ``base`` is not the scenario's latest version (someone saved in
            between), or ``base`` is None and the scenario exists. Nothing is saved.
        StoreError
            Bad arguments, a table that cannot be stored, or a database failure.
            Nothing is saved.

        Examples
        --------
        >>> import os, tempfile, planning
        >>> from planning.scenarios.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"), lang="en")
        >>> wb = planning.load_workbook(planning.SAMPLE)
        >>> plan = planning.allocate(wb)
        >>> store.save("plan A", plan.workbook, plan=plan, author="Li Ming", note="first run")
        1
        >>> store.save("plan A", plan.workbook, author="Li Ming")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        planning.scenarios.store.ConflictError: A scenario named 'plan A' already exists (Li Ming saved version 1 at ...
        """
        name = self._name(name)
        author = self._who(author)
        if not isinstance(note, str):
            note = "" if note is None else str(note)
        if "\x00" in note:  # PostgreSQL text cannot hold it; refused on every backend alike
            raise self._error("bad_note")
        base = self._version(base, none=True)
        if not isinstance(workbook, Workbook):
            raise self._error("not_workbook", kind=type(workbook).__name__)
        self._valid(workbook, name)
        # everything is encoded before the transaction: a table that cannot be stored fails here
        payloads = [(n, len(df), _encode_frame(df, n, self.lang)) for n, df in _contract_frames(workbook, self.lang)]
        unfilled = getattr(plan, "unfilled", None) if plan is not None else None
        if isinstance(unfilled, pd.DataFrame):
            payloads.append((UNFILLED, len(unfilled), _encode_frame(unfilled, UNFILLED, self.lang)))
        if isinstance(decisions, pd.DataFrame) and len(decisions):
            d = decisions[["kind", "person", "order"]].astype(str).reset_index(drop=True)
            payloads.append((DECISIONS, len(d), _encode_frame(d, DECISIONS, self.lang)))
        objective = None
        if plan is not None and getattr(plan, "objective", None) is not None:
            o = plan.objective
            objective = json.dumps(o.as_dict() if hasattr(o, "as_dict") else dict(o), default=_json_default)
        try:
            with self._tx(write=True, wrap=False) as conn:
                _at("begin")
                sc = self._scenario(conn, name, lock=True, required=False)
                now = _now()  # taken under the write lock: saving times follow version numbers
                latest = self._latest(conn, sc.id) if sc is not None else None
                self._check_base(conn, name, sc, latest, base)
                if sc is None:
                    sid = conn.execute(scenarios_t.insert().values(
                        name=name, created_at=now, created_by=author).returning(scenarios_t.c.id)).scalar_one()
                else:
                    sid = sc.id
                top = conn.execute(sa.select(sa.func.max(versions_t.c.version))
                                   .where(versions_t.c.scenario_id == sid)).scalar()
                number = (top or 0) + 1
                vid = conn.execute(versions_t.insert().values(
                    scenario_id=sid, version=number, base=base, author=author, saved_at=now, note=note,
                    people=len(workbook.people), assignments=len(workbook.assignments),
                    has_plan=plan is not None, objective=objective,
                    payload_bytes=sum(len(p) for _, _, p in payloads)).returning(versions_t.c.id)).scalar_one()
                _at("version")
                for pos, (table, rows, data) in enumerate(payloads):
                    conn.execute(tables_t.insert().values(version_id=vid, name=table, position=pos, rows=rows,
                                                          encoding=ENCODING, data=data))
                    _at(f"table:{table}")
                _at("commit")
        except StoreError:
            raise
        except sa.exc.IntegrityError:
            # another saver took this version number (or the new name) between our check and insert
            raise self._race(name, base) from None
        except Exception as e:
            raise self._error("save_failed", name=name, detail=_db_detail(e)) from e
        return number

    def _check_base(self, conn, name, sc, latest, base) -> None:
        """The optimistic check: ``base`` must be the latest visible version."""
        have = latest.version if latest is not None else None
        if base == have:
            return
        if base is None:
            raise self._error("conflict_exists", ConflictError, name=name, who=latest.author,
                              version=latest.version, when=_when(latest.saved_at))
        if sc is None:
            raise self._error("base_for_new", name=name, base=base)
        row = self._version_row(conn, sc.id, base)
        if row is None:
            raise self._error("no_version", name=name, version=base, have=self._have(conn, sc.id))
        if latest is None:
            raise self._error("conflict_gone", ConflictError, name=name, base=base, who=row.deleted_by or "?",
                              when=_when(row.deleted_at))
        if row.deleted_at is not None:
            raise self._error("conflict_base_deleted", ConflictError, name=name, base=base,
                              who=row.deleted_by or "?", when=_when(row.deleted_at), latest=latest.version,
                              author=latest.author, saved=_when(latest.saved_at))
        raise self._error("conflict_stale", ConflictError, name=name, who=latest.author, latest=latest.version,
                          when=_when(latest.saved_at), base=base)

    def _race(self, name, base) -> StoreError:
        """The conflict to report after a unique-constraint violation."""
        try:
            with self._tx() as conn:
                sc = self._scenario(conn, name, required=False)
                latest = self._latest(conn, sc.id) if sc is not None else None
                self._check_base(conn, name, sc, latest, base)
        except StoreError as e:
            return e
        return self._error("save_failed", name=name, detail="unique constraint")

    # ---- listing ---------------------------------------------------------------
    def scenarios(self) -> pd.DataFrame:
        """Every scenario with its latest version.

        Returns
        -------
        DataFrame
            ``name, versions, latest, author, saved_at, note, published``: the
            number of versions (deleted ones not counted), the latest version and
            who saved it when with what note, and the published version (or NA).

        Examples
        --------
        >>> import os, tempfile, planning
        >>> from planning.scenarios.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> wb = planning.load_workbook(planning.SAMPLE)
        >>> store.save("A", wb, author="Li Ming"), store.save("A", wb, author="Li Ming", base=1)
        (1, 2)
        >>> store.publish("A", 1)
        ('A', 1)
        >>> store.scenarios()[["name", "versions", "latest", "published"]]
          name  versions  latest  published
        0    A         2       2          1
        """
        with self._tx() as conn:
            sc = pd.DataFrame(conn.execute(sa.select(scenarios_t.c.id, scenarios_t.c.name)).all(),
                              columns=["id", "name"])
            v = versions_t
            vs = pd.DataFrame(conn.execute(
                sa.select(v.c.scenario_id, v.c.version, v.c.author, v.c.saved_at, v.c.note)
                .where(v.c.deleted_at.is_(None))).all(),
                columns=["id", "latest", "author", "saved_at", "note"])
            cur = self._current(conn)
        counts = vs.groupby("id").size().rename("versions")
        last = vs.sort_values("latest").drop_duplicates("id", keep="last").set_index("id")
        out = sc.set_index("id").join(counts).join(last)
        out["versions"] = out["versions"].fillna(0).astype("int64")
        out["latest"] = out["latest"].astype("Int64")
        out["author"] = out["author"].astype("str")
        out["note"] = out["note"].astype("str")
        out["saved_at"] = _utc(out["saved_at"])
        out["published"] = pd.array([cur.version if cur is not None and i == cur.scenario_id else pd.NA
                                     for i in out.index], dtype="Int64")
        cols = ["name", "versions", "latest", "author", "saved_at", "note", "published"]
        return out.sort_values("name")[cols].reset_index(drop=True)

    def versions(self, name: str, *, include_deleted: bool = False) -> pd.DataFrame:
        """The versions of one scenario, oldest first.

        Parameters
        ----------
        name : str
        include_deleted : bool
            Also list deleted versions, with ``deleted``, ``deleted_at``,
            ``deleted_by``.

        Returns
        -------
        DataFrame
            ``version, author, saved_at, note, people, assignments, published,
            base, plan``: ``people`` and ``assignments`` count the workbook's
            rows, ``published`` marks the version the dashboards show, ``base``
            is the version it was saved over and ``plan`` whether a plan was saved.

        Examples
        --------
        >>> import os, tempfile, planning
        >>> from planning.scenarios.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> wb = planning.load_workbook(planning.SAMPLE)
        >>> store.save("A", wb, author="Li Ming", note="start")
        1
        >>> store.versions("A")[["version", "author", "note", "people", "published"]]
           version   author   note  people  published
        0        1  Li Ming  start     438      False
        """
        name = self._name(name)
        with self._tx() as conn:
            sc = self._scenario(conn, name)
            v = versions_t
            q = sa.select(v.c.version, v.c.author, v.c.saved_at, v.c.note, v.c.people, v.c.assignments,
                          v.c.base, v.c.has_plan, v.c.deleted_at, v.c.deleted_by).where(v.c.scenario_id == sc.id)
            if not include_deleted:
                q = q.where(v.c.deleted_at.is_(None))
            rows = conn.execute(q.order_by(v.c.version)).all()
            cur = self._current(conn)
        df = pd.DataFrame(rows, columns=["version", "author", "saved_at", "note", "people", "assignments",
                                         "base", "plan", "deleted_at", "deleted_by"])
        df["version"] = df["version"].astype("int64")
        for c in ("people", "assignments"):
            df[c] = df[c].astype("int64")
        df["author"] = df["author"].astype("str")
        df["note"] = df["note"].astype("str")
        df["saved_at"] = _utc(df["saved_at"])
        df["base"] = df["base"].astype("Int64")
        df["plan"] = df["plan"].astype(bool)
        pub = cur.version if cur is not None and cur.scenario_id == sc.id else None
        df["published"] = df["version"].eq(pub) if pub is not None else False
        cols = ["version", "author", "saved_at", "note", "people", "assignments", "published", "base", "plan"]
        if include_deleted:
            df["deleted"] = df["deleted_at"].notna()
            df["deleted_at"] = _utc(df["deleted_at"])
            df["deleted_by"] = df["deleted_by"].astype("str")
            cols += ["deleted", "deleted_at", "deleted_by"]
        return df[cols].reset_index(drop=True)

    # ---- load ------------------------------------------------------------------
    def load(self, name: str, version: int | None = None) -> Scenario:
        """Load a version of a scenario (the latest when ``version`` is None).

        Raises
        ------
        StoreError
            No such scenario or version, or the version was deleted.

        Examples
        --------
        >>> import os, tempfile, planning
        >>> from planning.scenarios.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"), lang="en")
        >>> wb = planning.load_workbook(planning.SAMPLE)
        >>> plan = planning.allocate(wb)
        >>> store.save("A", plan.workbook, plan=plan, author="Li Ming")
        1
        >>> sc = store.load("A")
        >>> sc.version, sc.workbook.equals(plan.workbook), sc.objective["status"]
        (1, True, 'optimal')
        >>> store.load("A", 7)
        Traceback (most recent call last):
        ...
        planning.scenarios.store.StoreError: The scenario 'A' has no version 7 (versions: 1).
        """
        name = self._name(name)
        version = self._version(version, none=True)
        with self._tx() as conn:
            sc = self._scenario(conn, name)
            row = self._visible(conn, name, sc.id, version)
            parts = conn.execute(sa.select(tables_t.c.name, tables_t.c.rows, tables_t.c.encoding, tables_t.c.data)
                                 .where(tables_t.c.version_id == row.id).order_by(tables_t.c.position)).all()
        frames = {}
        for table, rows, encoding, data in parts:
            if encoding != ENCODING:
                raise self._error("unreadable", name=name, version=row.version, table=table, detail=encoding)
            try:
                frames[table] = _decode_frame(bytes(data), table)
            except _TooBig as e:
                raise self._error("unreadable", name=name, version=row.version, table=table,
                                  detail=t("store.too_big", self.lang, mb=e.mb)) from None
            except Exception as e:
                raise self._error("unreadable", name=name, version=row.version, table=table,
                                  detail=_first_line(e)) from None
            if len(frames[table]) != rows:
                raise self._error("unreadable", name=name, version=row.version, table=table,
                                  detail=f"{len(frames[table])} != {rows} rows")
        required = set(contract.tables().index[contract.tables()["required"]])
        for n in contract.table_names():  # a version saved before an optional table joined the contract
            if n not in frames and n not in required:
                frames[n] = empty_table(n)
        missing = [n for n in contract.table_names() if n not in frames]
        if missing:
            raise self._error("unreadable", name=name, version=row.version, table=", ".join(missing),
                              detail="missing")
        wb = Workbook(**{n: frames[n] for n in contract.table_names()},
                      source=t("store.source", self.lang, name=name, version=row.version))
        return Scenario(name=name, version=int(row.version), author=row.author,
                        saved_at=pd.Timestamp(row.saved_at, tz="UTC"), note=row.note, workbook=wb,
                        unfilled=frames.get(UNFILLED), decisions=frames.get(DECISIONS),
                        objective=json.loads(row.objective) if row.objective is not None else None,
                        base=row.base)

    # ---- publish -----------------------------------------------------------------
    def publish(self, name: str, version: int | None = None, *, author: str | None = None) -> tuple[str, int]:
        """Make a version the one the dashboards show (the latest when ``version`` is None).

        Every publication is kept (with ``author``, default ``PLANNING_USER`` or
        the login name); the newest is the one shown.

        Examples
        --------
        >>> import os, tempfile, planning
        >>> from planning.scenarios.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> store.published() is None
        True
        >>> store.save("A", planning.load_workbook(planning.SAMPLE), author="Li Ming")
        1
        >>> store.publish("A", 1)
        ('A', 1)
        >>> store.published(), store.load_published().version
        (('A', 1), 1)
        """
        name = self._name(name)
        version = self._version(version, none=True)
        author = self._who(author) if author is not None else _user()
        shown = self.load(name, version)  # what leaders would see must pass the contract (versions stored before
        self._valid(shown.workbook, name, shown.version)  # the store checked it are refused here)
        with self._tx(write=True) as conn:
            sc = self._scenario(conn, name, lock=True)
            row = self._visible(conn, name, sc.id, version)
            conn.execute(publications_t.insert().values(scenario_id=sc.id, version=row.version, action=PUBLISH,
                                                        published_at=_now(), published_by=author))
        return name, int(row.version)

    def unpublish(self, *, author: str | None = None) -> tuple[str, int] | None:
        """Stop showing the published version: the dashboards go back to their own workbook.

        Recorded like a publication (who, when, which version was withdrawn).
        Returns the ``(name, version)`` withdrawn, or None when nothing was published.

        Examples
        --------
        >>> import os, tempfile, planning
        >>> from planning.scenarios.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"))
        >>> store.save("A", planning.load_workbook(planning.SAMPLE), author="Li Ming")
        1
        >>> store.publish("A", 1, author="Li Ming"), store.unpublish(author="Wang Fang")
        (('A', 1), ('A', 1))
        >>> store.published() is None, store.unpublish(author="Wang Fang")
        (True, None)
        >>> store.publications()[["action", "name", "version", "by"]]
              action name  version         by
        0  unpublish    A        1  Wang Fang
        1    publish    A        1    Li Ming
        """
        author = self._who(author) if author is not None else _user()
        with self._tx(write=True) as conn:
            # the lock on the scenario row orders this against a publish of the same scenario
            cur = self._current(conn)
            if cur is None:
                return None
            self._scenario(conn, cur.name, lock=True)
            cur = self._current(conn)
            if cur is None:
                return None
            conn.execute(publications_t.insert().values(scenario_id=cur.scenario_id, version=cur.version,
                                                        action=UNPUBLISH, published_at=_now(), published_by=author))
        return cur.name, int(cur.version)

    def publications(self) -> pd.DataFrame:
        """Every publish and unpublish, newest first: ``at, by, action, name, version``.

        ``action`` is ``"publish"`` or ``"unpublish"``; ``at`` is UTC.
        """
        p = publications_t
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(p.c.published_at, p.c.published_by, p.c.action, scenarios_t.c.name, p.c.version)
                .join(scenarios_t, scenarios_t.c.id == p.c.scenario_id).order_by(p.c.id.desc())).all()
        out = pd.DataFrame(rows, columns=["at", "by", "action", "name", "version"])
        out["at"] = _utc(out["at"])
        out["by"] = out["by"].fillna("").astype("str")
        out["action"] = out["action"].fillna(PUBLISH).astype("str")
        out["version"] = out["version"].astype("int64")
        return out

    def published(self) -> tuple[str, int] | None:
        """The published ``(name, version)``, or None when nothing was published."""
        with self._tx() as conn:
            cur = self._current(conn)
        return (cur.name, int(cur.version)) if cur is not None else None

    def load_published(self) -> Scenario | None:
        """The published version, loaded (None when nothing was published)."""
        cur = self.published()
        return self.load(*cur) if cur is not None else None

    # ---- delete / restore ----------------------------------------------------------
    def delete(self, name: str, version: int, *, author: str | None = None) -> dict:
        """Mark a version deleted: hidden from listings, kept in the database.

        ``author`` (who deletes) defaults to ``PLANNING_USER`` or the login name.

        The published version cannot be deleted (publish another first).
        :meth:`restore` brings a deleted version back.

        Returns
        -------
        dict
            What was deleted: ``name, version, author, saved_at, note, people,
            assignments, deleted_at, deleted_by``.

        Examples
        --------
        >>> import os, tempfile, planning
        >>> from planning.scenarios.store import open_store
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s.sqlite"), lang="en")
        >>> wb = planning.load_workbook(planning.SAMPLE)
        >>> store.save("A", wb, author="Li Ming"), store.save("A", wb, author="Li Ming", base=1)
        (1, 2)
        >>> store.publish("A", 2)
        ('A', 2)
        >>> store.delete("A", 2)
        Traceback (most recent call last):
        ...
        planning.scenarios.store.StoreError: Version 2 of the scenario 'A' is the published one (the dashboards show it), so it cannot be deleted; publish another version first.
        >>> store.delete("A", 1, author="Wang Fang")["version"]
        1
        >>> list(store.versions("A").version)
        [2]
        """
        name = self._name(name)
        version = self._version(version)
        author = self._who(author) if author is not None else _user()
        now = _now()
        with self._tx(write=True) as conn:
            sc = self._scenario(conn, name, lock=True)
            row = self._visible(conn, name, sc.id, version)
            cur = self._current(conn)
            if cur is not None and cur.scenario_id == sc.id and cur.version == version:
                raise self._error("delete_published", name=name, version=version)
            conn.execute(versions_t.update().where(versions_t.c.id == row.id)
                         .values(deleted_at=now, deleted_by=author))
        return {"name": name, "version": version, "author": row.author,
                "saved_at": pd.Timestamp(row.saved_at, tz="UTC"), "note": row.note, "people": row.people,
                "assignments": row.assignments, "deleted_at": pd.Timestamp(now, tz="UTC"),
                "deleted_by": author}

    def restore(self, name: str, version: int) -> int:
        """Bring a deleted version back; returns its number."""
        name = self._name(name)
        version = self._version(version)
        with self._tx(write=True) as conn:
            sc = self._scenario(conn, name, lock=True)
            row = self._version_row(conn, sc.id, version)
            if row is None:
                raise self._error("no_version", name=name, version=version, have=self._have(conn, sc.id))
            if row.deleted_at is None:
                raise self._error("not_deleted", name=name, version=version)
            conn.execute(versions_t.update().where(versions_t.c.id == row.id).values(deleted_at=None, deleted_by=None))
        return version

    # ---- size ----------------------------------------------------------------------
    def database_size(self) -> int:
        """Bytes the store takes: the SQLite file (with its WAL), or PostgreSQL's tables with indexes and TOAST."""
        if self.dialect == "sqlite" and self.path is not None:
            raw = self._engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
            return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        if self.dialect == "postgresql":
            names = [tb.name for tb in metadata.sorted_tables]
            prefix = f'"{self.schema}".' if self.schema else ""
            expr = " + ".join(f"pg_total_relation_size('{prefix}{n}')" for n in names)
            with self._tx() as conn:
                return int(conn.exec_driver_sql(f"SELECT {expr}").scalar())
        raise NotImplementedError(self.dialect)


# --------------------------------------------------------------------------- #
# encoding tables: one typed columnar payload each
# --------------------------------------------------------------------------- #
def _contract_frames(wb: Workbook, lang) -> list[tuple[str, pd.DataFrame]]:
    """Each contract table with its contract columns in the contract's dtypes."""
    out = []
    for name, df in wb.tables().items():
        if not isinstance(df, pd.DataFrame):
            raise StoreError("bad_table", lang, table=name, detail=type(df).__name__)
        cols = {}
        for c, spec in contract.column_specs(name):
            if c in df.columns and isinstance(df[c], pd.Series):
                cols[c] = _as_contract(df[c], _contract_dtype(spec), name, c, lang)
        out.append((name, df.assign(**cols) if cols else df))
    return out


def _contract_dtype(spec) -> str:
    ty = spec["type"]
    if ty == "int":
        return "int64" if (spec["default"] or spec["required"]) else "Int64"
    return {"float": "float64", "bool": "bool", "date": "datetime64[ns]"}.get(ty, "str")


def _as_contract(s: pd.Series, dtype: str, table: str, column: str, lang) -> pd.Series:
    if str(s.dtype) == dtype:
        return s
    try:
        if dtype in ("int64", "Int64") and s.dtype.kind == "f":
            x = s.to_numpy(dtype="float64", na_value=np.nan)
            ok = np.isnan(x) | (x == np.round(x))
            if not ok.all():
                raise ValueError(f"{x[~ok][0]} is not a whole number")
        if dtype == "str":
            return s.astype(object).where(s.notna(), None).astype("str")
        return s.astype(dtype)
    except Exception as e:
        raise StoreError("bad_column", lang, table=table, column=column, detail=_first_line(e)) from None


def _encode_frame(df: pd.DataFrame, table: str, lang) -> bytes:
    """One table as a compressed columnar payload (see the module docstring)."""
    cols, bufs = [], []
    seen = set()
    for c in df.columns:
        if not isinstance(c, str) or c in seen:
            raise StoreError("bad_column", lang, table=table, column=str(c), detail="column names must be unique text")
        seen.add(c)
        try:
            meta, parts = _encode_column(df[c])
        except StoreError:
            raise
        except Exception as e:
            raise StoreError("bad_column", lang, table=table, column=c, detail=_first_line(e)) from None
        if meta is None:
            raise StoreError("bad_column", lang, table=table, column=c, detail=f"dtype {df[c].dtype}")
        meta["name"] = c
        meta["sizes"] = [len(p) for p in parts]
        cols.append(meta)
        bufs.extend(parts)
    head = json.dumps({"rows": len(df), "columns": cols}, ensure_ascii=False).encode("utf-8")
    return zlib.compress(b"".join([len(head).to_bytes(4, "little"), head, *bufs]), ZLIB_LEVEL)


def _le(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()


def _encode_column(s: pd.Series) -> tuple[dict | None, list[bytes]]:
    dt = s.dtype
    if isinstance(dt, pd.StringDtype) or dt == object:
        return _encode_text(s)
    if isinstance(dt, pd.DatetimeTZDtype):
        utc = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
        return {"kind": "datetimetz", "tz": str(dt.tz), "unit": dt.unit}, [_le(utc.view("i8"))]
    if isinstance(dt, np.dtype) and dt.kind in "biufmM":
        return {"kind": "num", "dtype": dt.newbyteorder("<").str}, [_le(s.to_numpy())]
    if isinstance(dt, pd.api.extensions.ExtensionDtype) and getattr(dt, "numpy_dtype", None) is not None \
            and dt.name in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
                            "Float32", "Float64", "boolean"):
        mask = s.isna().to_numpy()
        data = s.to_numpy(dtype=dt.numpy_dtype, na_value=dt.numpy_dtype.type(0))
        return {"kind": "masked", "dtype": dt.name, "np": dt.numpy_dtype.newbyteorder("<").str}, \
            [_le(data), _le(mask.astype(np.bool_))]
    return None, []


def _encode_text(s: pd.Series) -> tuple[dict | None, list[bytes]]:
    codes, uniques = pd.factorize(s.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    uniq = uniques.tolist() if isinstance(uniques, np.ndarray) else list(uniques)
    if any(not isinstance(u, str) for u in uniq):
        bad = next(u for u in uniq if not isinstance(u, str))
        raise ValueError(f"holds {type(bad).__name__} values ({_show(bad)}), only text can be stored here")
    width = np.int8 if len(uniq) < 127 else np.int16 if len(uniq) < 32_767 else np.int32
    dt = s.dtype
    if isinstance(dt, pd.StringDtype):
        meta = {"kind": "text", "dtype": "str" if _is_nan(dt.na_value) else "string"}
    else:
        meta = {"kind": "text", "dtype": "object"}
    meta["codes"] = np.dtype(width).str
    words = json.dumps(uniq, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return meta, [_le(codes.astype(width)), words]


class _TooBig(Exception):
    """A stored payload that would unpack beyond ``limits().unpacked_bytes`` (``mb``)."""

    def __init__(self, mb: int):
        self.mb = mb
        super().__init__(mb)


def _decode_frame(data: bytes, table: str) -> pd.DataFrame:
    most = limits().unpacked_bytes
    raw = inflate(data, most)  # a payload that would unpack beyond the limit is refused as it unpacks
    if raw is None:
        raise _TooBig(most >> 20)
    n = int.from_bytes(raw[:4], "little")
    head = json.loads(raw[4:4 + n].decode("utf-8"))
    rows = head["rows"]
    pos = 4 + n
    out = {}
    specs = dict(contract.column_specs(table)) if table in contract.table_names() else {}
    for meta in head["columns"]:
        parts = []
        for size in meta["sizes"]:
            parts.append(raw[pos:pos + size])
            pos += size
        s = _decode_column(meta, parts, rows)
        if meta["name"] in specs:  # the dtype load_workbook gives
            want = _contract_dtype(specs[meta["name"]])
            if str(s.dtype) != want:
                s = s.astype(want)
        out[meta["name"]] = s
    return pd.DataFrame(out, index=pd.RangeIndex(rows), copy=False) if out else pd.DataFrame(index=pd.RangeIndex(rows))


def _decode_column(meta: dict, parts: list[bytes], rows: int) -> pd.Series:
    kind = meta["kind"]
    if kind == "num":
        a = np.frombuffer(parts[0], dtype=np.dtype(meta["dtype"])).copy()
        return pd.Series(a.astype(a.dtype.newbyteorder("=")), copy=False)
    if kind == "masked":
        data = np.frombuffer(parts[0], dtype=np.dtype(meta["np"])).astype(np.dtype(meta["np"]).newbyteorder("="))
        mask = np.frombuffer(parts[1], dtype=np.bool_).copy()
        a = pd.array(data, dtype=meta["dtype"])
        a[mask] = pd.NA
        return pd.Series(a, copy=False)
    if kind == "datetimetz":
        i8 = np.frombuffer(parts[0], dtype="<i8").astype("i8")
        return pd.Series(i8.view(f"datetime64[{meta['unit']}]")).dt.tz_localize("UTC").dt.tz_convert(meta["tz"])
    if kind == "text":
        codes = np.frombuffer(parts[0], dtype=np.dtype(meta["codes"])).astype(np.intp)
        uniq = json.loads(parts[1].decode("utf-8", "surrogatepass"))
        if meta["dtype"] == "object":
            u = np.array(uniq + [None], dtype=object)
            return pd.Series(u[codes], dtype=object, copy=False)  # code -1 takes the None at the end
        dtype = pd.StringDtype(na_value=np.nan) if meta["dtype"] == "str" else pd.StringDtype()
        return pd.Series(pd.array(np.array(uniq, dtype=object), dtype=dtype).take(codes, allow_fill=True),
                         copy=False)
    raise ValueError(f"unknown column kind {kind!r}")


# --------------------------------------------------------------------------- #
# small helpers
# --------------------------------------------------------------------------- #
def _user() -> str:
    """Who acts when no author is given: ``PLANNING_USER``, else the login name."""
    try:
        return os.environ.get("PLANNING_USER") or getpass.getuser()
    except Exception:
        return "?"


def _now() -> datetime:
    """Now in UTC, without tzinfo (both databases store it as is)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _when(ts) -> str:
    """A stored UTC time as the planner's local time."""
    if ts is None or pd.isna(ts):
        return "?"
    return pd.Timestamp(ts).to_pydatetime().replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _utc(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).astype("datetime64[us]").dt.tz_localize("UTC")


def _is_nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, (pd.Timestamp, datetime)):
        return o.isoformat()
    return str(o)


def _show(x) -> str:
    s = repr(x)
    return s if len(s) <= 60 else s[:57] + "…"


def _first_line(e: BaseException) -> str:
    s = str(e).strip().splitlines()
    return s[0] if s and s[0] else type(e).__name__


def _db_detail(e: BaseException) -> str:
    """The first line of the driver's own message (without SQLAlchemy's SQL and links)."""
    orig = getattr(e, "orig", None)
    return _first_line(orig if orig is not None else e)
