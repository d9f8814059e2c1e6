"""Scenario store: named, versioned workbooks (with their plans) in a database.

A planner saves a workbook, and optionally the plan made from it, as a new
*version* of a named *scenario* (with author, time and note); lists scenarios
and versions; loads any version back equal to what was saved; publishes one
version as the one the dashboards show; and deletes a version only visibly (it
is marked deleted, kept in the database, and can be restored).

Modules
-------
:mod:`.errors` the store's errors, each one sentence; :mod:`.database` the tables
(SQLAlchemy Core), opening SQLite or PostgreSQL, and every upgrade of a store
written by an older version in one place (``UPGRADES``); :mod:`.payload` the format
of a version's tables; :mod:`.publications` which version the dashboards show;
:mod:`.versions` the :class:`~.versions.Store` (save, list, load, delete,
restore); this module :func:`open_store`.

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

Parquet through pyarrow was measured beside this format on the same workbook
(``benchmarks/bench_payload.py``): with zstd it is a third smaller and faster to
save and load, with more memory on a first load. The format here stays for now:
pyarrow's presence turns every text column pandas makes into Arrow storage, a
change to the whole library to be measured on its own, and Parquet decompresses
inside Arrow from sizes the file declares, where this format is inflated by
:func:`planning.core.limits.inflate` and refused as it passes the limit (README,
"Tests and benchmarks").

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
planning.scenarios.store.errors.ConflictError: The scenario 'baseline' has a newer version: Wang Fang saved version 2 at ...
"""
from __future__ import annotations

import os
from pathlib import Path

# the tables, for tools and tests that read the database itself
from .database import metadata, publications_t, scenarios_t, tables_t, versions_t  # noqa: F401
from .errors import ConflictError, InvalidWorkbookError, StoreError
from .versions import Scenario, Store

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_PATH = ROOT / "data" / "scenarios.sqlite"

__all__ = ["Store", "open_store", "StoreError", "ConflictError", "InvalidWorkbookError", "Scenario"]


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
    planning.scenarios.store.errors.StoreError: 'nosuchdb://x' is not a database address this store can use: ...
    """
    if url is None:
        url = os.environ.get("PLANNING_DB_URL") or os.environ.get("PLANNING_STORE") or DEFAULT_PATH
    return Store(url, schema=schema, lang=lang)

