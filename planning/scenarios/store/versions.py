"""The store itself: saving, listing, loading, deleting and restoring versions of named scenarios."""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ...contract import schema as contract
from ...contract import Workbook, WorkbookError, validate_workbook
from ...core.i18n import t
from . import database
from .database import MAX_NAME, now_utc, scenarios_t, setup_sqlite, sqlite_url, tables_t, user, utc, versions_t, when
from .errors import ConflictError, InvalidWorkbookError, StoreError, db_detail, first_line, hide_password, show
from .payload import DECISIONS, ENCODING, UNFILLED, Unreadable, decode_version, encode_version
from .publications import Publications

# A test hook: called with the stage of a save ("begin", "version", "table:<name>", "commit")
# while its transaction is open. Tests set it in a child process to pause or fail a save there.
_hook = None


def _at(stage: str) -> None:
    if _hook is not None:
        _hook(stage)


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
    origin: str | None = None

    def __repr__(self) -> str:
        return (f"Scenario({self.name!r}, version={self.version}, author={self.author!r}, "
                f"saved_at={self.saved_at}, {self.workbook!r})")


# --------------------------------------------------------------------------- #
# the store
# --------------------------------------------------------------------------- #
def folder_reason(e: OSError, lang) -> str:
    """Why the store's folder cannot be made, in the reader's words."""
    import errno

    key = {errno.EEXIST: "cli.write.not_dir", errno.ENOTDIR: "cli.write.not_dir", errno.EACCES: "cli.write.denied",
           errno.EPERM: "cli.write.denied", errno.EROFS: "cli.write.read_only", errno.ENOSPC: "cli.write.no_space"}
    return t(key[e.errno], lang) if e.errno in key else (e.strerror or type(e).__name__)


class Store(Publications):
    """Named, versioned scenarios in a database; see :func:`open_store`."""

    def __init__(self, url, *, schema: str | None = None, lang: str | None = None):
        self.lang = lang
        raw = str(url)
        try:
            self.url, self.path = sqlite_url(url)
            parsed = sa.engine.make_url(self.url)
            self.dialect = parsed.get_backend_name()
            shown = parsed.render_as_string(hide_password=True)
        except Exception as e:  # a malformed address: shown without its password
            raise StoreError("bad_url", lang, url=hide_password(raw), detail=hide_password(first_line(e))) from None
        self.shown_url = shown
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:  # a file where a folder should be, no permission, a read-only disk
                raise StoreError("db_error", lang, url=shown, detail=folder_reason(e, lang)) from None
        kw = {}
        if self.dialect == "postgresql":
            kw["connect_args"] = {"connect_timeout": 10}
        try:
            engine = sa.create_engine(self.url, pool_pre_ping=self.dialect != "sqlite", **kw)
        except Exception as e:  # unknown dialect or driver
            raise StoreError("bad_url", lang, url=shown, detail=first_line(e)) from None
        if self.dialect == "sqlite":
            setup_sqlite(engine)
        self._engine = engine
        self.schema = schema
        if schema and self.dialect == "sqlite":
            raise StoreError("schema_sqlite", lang, schema=schema)
        if schema:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", schema):
                raise StoreError("bad_schema", lang, schema=schema)
            engine = engine.execution_options(schema_translate_map={None: schema})
        self.engine = engine
        database.create(self.engine, schema, lang, self.shown_url)

    # ---- setup -------------------------------------------------------------
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
            raise StoreError("db_error", self.lang, url=self.shown_url, detail=db_detail(e)) from None

    def _error(self, key: str, cls=StoreError, **params) -> StoreError:
        return cls(key, self.lang, **params)

    # ---- checks of arguments -------------------------------------------------
    def _name(self, name) -> str:
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME \
                or any(ord(ch) < 32 for ch in name.strip()):
            raise self._error("bad_name", name=show(name), max=MAX_NAME)
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
            raise self._error("bad_version", version=show(version))
        return int(version)

    def _who(self, author) -> str:
        if not isinstance(author, str) or not author.strip() or len(author.strip()) > MAX_NAME \
                or any(ord(ch) < 32 for ch in author.strip()):
            raise self._error("bad_author", author=show(author), max=MAX_NAME)
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
                              when=when(row.deleted_at))
        return row

    def _have(self, conn, sid: int) -> str:
        vs = conn.execute(sa.select(versions_t.c.version).where(
            versions_t.c.scenario_id == sid, versions_t.c.deleted_at.is_(None))
            .order_by(versions_t.c.version)).scalars().all()
        return ", ".join(map(str, vs)) if vs else "—"

    # ---- save ----------------------------------------------------------------
    def save(self, name: str, workbook: Workbook, *, plan=None, author: str, note: str = "",
             base: int | None = None, decisions: pd.DataFrame | None = None, origin: str | None = None) -> int:
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
        origin : str, optional
            The page it was saved from (``allocation``, ``rotation``, ``scenarios``…), listed with it.

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
        planning.scenarios.store.errors.ConflictError: A scenario named 'plan A' already exists (Li Ming saved version 1 at ...
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
        for table, df in workbook.tables().items():  # a table set to None (or a list) is said, not an AttributeError
            if not isinstance(df, pd.DataFrame):
                raise self._error("bad_table", table=table, detail=type(df).__name__)
        self._valid(workbook, name)
        # everything is encoded before the transaction: a table that cannot be stored fails here
        payloads = encode_version(workbook, plan, decisions, self.lang)
        objective = None
        if plan is not None and getattr(plan, "objective", None) is not None:
            o = plan.objective
            objective = json.dumps(o.as_dict() if hasattr(o, "as_dict") else dict(o), default=_json_default)
        try:
            with self._tx(write=True, wrap=False) as conn:
                _at("begin")
                sc = self._scenario(conn, name, lock=True, required=False)
                now = now_utc()  # taken under the write lock: saving times follow version numbers
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
                    origin=(str(origin)[:32] if origin else None),
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
            raise self._error("save_failed", name=name, detail=db_detail(e)) from e
        return number

    def _check_base(self, conn, name, sc, latest, base) -> None:
        """The optimistic check: ``base`` must be the latest visible version."""
        have = latest.version if latest is not None else None
        if base == have:
            return
        if base is None:
            raise self._error("conflict_exists", ConflictError, name=name, who=latest.author,
                              version=latest.version, when=when(latest.saved_at))
        if sc is None:
            raise self._error("base_for_new", name=name, base=base)
        row = self._version_row(conn, sc.id, base)
        if row is None:
            raise self._error("no_version", name=name, version=base, have=self._have(conn, sc.id))
        if latest is None:
            raise self._error("conflict_gone", ConflictError, name=name, base=base, who=row.deleted_by or "?",
                              when=when(row.deleted_at))
        if row.deleted_at is not None:
            raise self._error("conflict_base_deleted", ConflictError, name=name, base=base,
                              who=row.deleted_by or "?", when=when(row.deleted_at), latest=latest.version,
                              author=latest.author, saved=when(latest.saved_at))
        raise self._error("conflict_stale", ConflictError, name=name, who=latest.author, latest=latest.version,
                          when=when(latest.saved_at), base=base)

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
        out["saved_at"] = utc(out["saved_at"])
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
            base, plan, origin``: ``people`` and ``assignments`` count the workbook's
            rows, ``published`` marks the version the dashboards show, ``base``
            is the version it was saved over, ``plan`` whether a plan was saved and
            ``origin`` the page it was saved from (empty when not recorded).

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
        0        1  Li Ming  start     440      False
        """
        name = self._name(name)
        with self._tx() as conn:
            sc = self._scenario(conn, name)
            v = versions_t
            q = sa.select(v.c.version, v.c.author, v.c.saved_at, v.c.note, v.c.people, v.c.assignments,
                          v.c.base, v.c.has_plan, v.c.deleted_at, v.c.deleted_by, v.c.origin
                          ).where(v.c.scenario_id == sc.id)
            if not include_deleted:
                q = q.where(v.c.deleted_at.is_(None))
            rows = conn.execute(q.order_by(v.c.version)).all()
            cur = self._current(conn)
        df = pd.DataFrame(rows, columns=["version", "author", "saved_at", "note", "people", "assignments",
                                         "base", "plan", "deleted_at", "deleted_by", "origin"])
        df["version"] = df["version"].astype("int64")
        for c in ("people", "assignments"):
            df[c] = df[c].astype("int64")
        df["author"] = df["author"].astype("str")
        df["note"] = df["note"].astype("str")
        df["saved_at"] = utc(df["saved_at"])
        df["base"] = df["base"].astype("Int64")
        df["plan"] = df["plan"].astype(bool)
        df["origin"] = df["origin"].fillna("").astype("str")
        pub = cur.version if cur is not None and cur.scenario_id == sc.id else None
        df["published"] = df["version"].eq(pub) if pub is not None else False
        cols = ["version", "author", "saved_at", "note", "people", "assignments", "published", "base", "plan",
                "origin"]
        if include_deleted:
            df["deleted"] = df["deleted_at"].notna()
            df["deleted_at"] = utc(df["deleted_at"])
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
        planning.scenarios.store.errors.StoreError: The scenario 'A' has no version 7 (versions: 1).
        """
        name = self._name(name)
        version = self._version(version, none=True)
        with self._tx() as conn:
            sc = self._scenario(conn, name)
            row = self._visible(conn, name, sc.id, version)
            parts = conn.execute(sa.select(tables_t.c.name, tables_t.c.rows, tables_t.c.encoding, tables_t.c.data)
                                 .where(tables_t.c.version_id == row.id).order_by(tables_t.c.position)).all()
        try:
            frames = decode_version(parts, self.lang)
        except Unreadable as e:
            raise self._error("unreadable", name=name, version=row.version, table=e.table, detail=e.detail) from None
        wb = Workbook(**{n: frames[n] for n in contract.table_names()},
                      source=t("store.source", self.lang, name=name, version=row.version))
        return Scenario(name=name, version=int(row.version), author=row.author,
                        saved_at=pd.Timestamp(row.saved_at, tz="UTC"), note=row.note, workbook=wb,
                        unfilled=frames.get(UNFILLED), decisions=frames.get(DECISIONS),
                        objective=json.loads(row.objective) if row.objective is not None else None,
                        base=row.base, origin=row.origin)

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
        planning.scenarios.store.errors.StoreError: Version 2 of the scenario 'A' is the published one (the dashboards show it), so it cannot be deleted; publish another version first.
        >>> store.delete("A", 1, author="Wang Fang")["version"]
        1
        >>> list(store.versions("A").version)
        [2]
        """
        name = self._name(name)
        version = self._version(version)
        author = self._who(author) if author is not None else user()
        now = now_utc()
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
        try:
            return database.size(self.engine, self.dialect, self.path, self.schema)
        except sa.exc.SQLAlchemyError as e:
            raise StoreError("db_error", self.lang, url=self.shown_url, detail=db_detail(e)) from None


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, (pd.Timestamp, datetime)):
        return o.isoformat()
    return str(o)

