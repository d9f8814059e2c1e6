"""The store's database: its tables (SQLAlchemy Core), opening SQLite or PostgreSQL, and upgrades of older stores.

SQLite runs in WAL mode with a busy timeout, foreign keys on, and ``BEGIN
IMMEDIATE`` for writes (:func:`setup_sqlite`). :func:`create` makes the tables on
first use and brings a store written by an older version of the library up to
date: every such upgrade is one function in :data:`UPGRADES`, run in order at
every opening (each one checks whether it is needed). Times are stored as UTC
without a time zone (:func:`now_utc`), shown in the planner's local time (:func:`when`).
"""
from __future__ import annotations

import getpass
import os
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event

from .errors import StoreError, db_detail

#: the storage format written in ``scenario_store_info``; a store of another format is refused
FORMAT = "1"
MAX_NAME = 200
SQLITE_BUSY_MS = 30_000

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
    # the page a version was saved from (allocation, rotation, scenarios, coverage…); NULL in older stores
    sa.Column("origin", sa.String(32), nullable=True),
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
# upgrades of stores written by older versions
# --------------------------------------------------------------------------- #
def add_publication_action(conn, schema: str | None) -> None:
    """Stores written before unpublishing existed lack the publications' ``action`` column: add it."""
    table = publications_t.name
    cols = {c["name"] for c in sa.inspect(conn).get_columns(table, schema=schema)}
    if "action" not in cols:
        where = f'"{schema}".{table}' if schema else table
        conn.exec_driver_sql(f"ALTER TABLE {where} ADD COLUMN action VARCHAR(16)")


def add_version_origin(conn, schema: str | None) -> None:
    """Stores written before versions recorded the page they were saved from lack ``origin``: add it."""
    table = versions_t.name
    cols = {c["name"] for c in sa.inspect(conn).get_columns(table, schema=schema)}
    if "origin" not in cols:
        where = f'"{schema}".{table}' if schema else table
        conn.exec_driver_sql(f"ALTER TABLE {where} ADD COLUMN origin VARCHAR(32)")


#: every upgrade of an older store, in order: ``f(conn, schema)``, each a no-op when not needed
UPGRADES = (add_publication_action, add_version_origin)


def create(engine: sa.Engine, schema: str | None, lang: str | None, shown_url: str) -> None:
    """Create the tables (and ``schema``) when missing, run :data:`UPGRADES`, and check the storage format."""
    try:
        for attempt in (0, 1):
            try:
                with engine.connect() as conn:
                    conn.execution_options(planning_write=True)
                    with conn.begin():
                        if schema:
                            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                        metadata.create_all(conn)
                        for upgrade in UPGRADES:
                            upgrade(conn, schema)
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
        raise StoreError("db_error", lang, url=shown_url, detail=db_detail(e)) from None
    if have is not None and have != FORMAT:
        raise StoreError("bad_format", lang, url=shown_url, have=have, want=FORMAT)


def sqlite_url(url) -> tuple[str, Path | None]:
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


def setup_sqlite(engine: sa.Engine) -> None:
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


def size(engine: sa.Engine, dialect: str, path: Path | None, schema: str | None) -> int:
    """Bytes a store takes: the SQLite file (with its WAL), or PostgreSQL's tables with indexes and TOAST."""
    if dialect == "sqlite" and path is not None:
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    if dialect == "postgresql":
        names = [tb.name for tb in metadata.sorted_tables]
        prefix = f'"{schema}".' if schema else ""
        expr = " + ".join(f"pg_total_relation_size('{prefix}{n}')" for n in names)
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(f"SELECT {expr}").scalar())
    raise NotImplementedError(dialect)


# --------------------------------------------------------------------------- #
# who acts, and when: authors and times as the database records them
# --------------------------------------------------------------------------- #
def user() -> str:
    """Who acts when no author is given: ``PLANNING_USER``, else the login name."""
    try:
        return os.environ.get("PLANNING_USER") or getpass.getuser()
    except Exception:
        return "?"


def now_utc() -> datetime:
    """Now in UTC, without tzinfo (both databases store it as is)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def when(ts) -> str:
    """A stored UTC time as the planner's local time."""
    if ts is None or pd.isna(ts):
        return "?"
    return pd.Timestamp(ts).to_pydatetime().replace(tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def utc(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).astype("datetime64[us]").dt.tz_localize("UTC")

