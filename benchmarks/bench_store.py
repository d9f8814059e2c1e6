"""Save and load a 50,000-person scenario in the store, on SQLite and PostgreSQL, beside the workbook files.

For each backend: three saves of the synthetic national workbook as successive
versions of one scenario (the best time reported), three loads of the latest
version (best; each must equal what was saved), and the database's size after
the three versions (SQLite: the file with its WAL; PostgreSQL: the sum of
``pg_total_relation_size`` over the store's tables). The peer, measured in the
same run, is what a planner does without the store: ``save_workbook`` to a
folder of CSVs (and, with ``--peers csv,xlsx``, to an ``.xlsx`` file) and
``load_workbook`` back; the ratio is store / peer. The alternative storage
layout the store did not choose, one database row per record
(``pandas.DataFrame.to_sql`` / ``read_sql_table``, values coming back untyped),
is timed once for comparison (``--no-rows`` skips it).

PostgreSQL is reached at ``--pg-url`` (default ``PLANNING_TEST_DB_URL`` or the
server ``scripts/postgres.sh`` starts); the benchmark works in a schema of its
own and drops it afterwards.

    python benchmarks/bench_store.py [--people 50000] [--host-units 5000] [--repeat 3] [--peers csv]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _harness import timed  # noqa: E402  (benchmarks/ is on the path when a benchmark runs)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "generated" / "bench_store"
PG_DEFAULT = "postgresql+psycopg://planning:planning@127.0.0.1:5432/planning_test"


def folder_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_store(store, wb, repeat: int) -> dict:
    saves, loads, base = [], [], None
    for _ in range(repeat):
        dt, base = timed(lambda: store.save("national", wb, author="bench", note="benchmark", base=base))
        saves.append(dt)
    for _ in range(repeat):
        dt, sc = timed(lambda: store.load("national"))
        loads.append(dt)
        assert sc.workbook.equals(wb), "the loaded workbook differs from the saved one"
    size = store.database_size()
    return {"save": min(saves), "load": min(loads), "size": size, "per_version": size / repeat}


def bench_rows(url: str, schema: str | None, wb) -> dict:
    """The layout not chosen: every record a database row (pandas.to_sql / read_sql_table)."""
    import pandas as pd
    import sqlalchemy as sa

    eng = sa.create_engine(url)
    if schema:
        eng = eng.execution_options(schema_translate_map={None: schema})
    tables = wb.tables()
    try:
        def save():
            with eng.begin() as c:
                for n, df in tables.items():
                    df.to_sql(f"rows_{n}", c, if_exists="replace", index=False, chunksize=10_000, schema=schema)

        def load():
            with eng.connect() as c:
                return {n: pd.read_sql_table(f"rows_{n}", c, schema=schema) for n in tables}

        ts, _ = timed(save)
        tl, back = timed(load)
        assert all(len(back[n]) == len(df) for n, df in tables.items())
    finally:
        with eng.begin() as c:
            for n in tables:
                c.exec_driver_sql(f'DROP TABLE IF EXISTS {schema + "." if schema else ""}rows_{n}')
        eng.dispose()
    return {"save": ts, "load": tl}


def bench_peer(wb, fmt: str, repeat: int) -> dict:
    from planning.contract import load_workbook, save_workbook

    path = OUT / ("peer.xlsx" if fmt == "xlsx" else "peer_csv")
    saves, loads = [], []
    for _ in range(repeat):
        if path.exists():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        dt, _ = timed(lambda: save_workbook(wb, path))
        saves.append(dt)
    for _ in range(repeat):
        dt, back = timed(lambda: load_workbook(path))
        loads.append(dt)
    assert back.equals(wb), f"the {fmt} peer does not load back equal"
    return {"save": min(saves), "load": min(loads), "size": folder_size(path), "per_version": folder_size(path)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--host-units", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peers", default="csv", help="comma-separated: csv, xlsx (xlsx is slow)")
    ap.add_argument("--pg-url", default=os.environ.get("PLANNING_TEST_DB_URL") or PG_DEFAULT)
    ap.add_argument("--no-postgres", action="store_true", default=os.environ.get("PLANNING_SKIP_POSTGRES") == "1",
                    help="SQLite only (the default when PLANNING_SKIP_POSTGRES=1)")
    ap.add_argument("--no-rows", action="store_true", help="skip timing the row-per-record layout")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from planning.scenarios.store import StoreError, open_store
    from planning.samples.synthetic import synthetic_workbook

    OUT.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    wb = synthetic_workbook(people=args.people, host_units=args.host_units)
    rows = sum(len(df) for df in wb.tables().values())
    print(f"workbook: {wb!r}, {rows:,} rows (generated in {time.perf_counter() - t:.1f} s); "
          f"best of {args.repeat}")

    results, alt = {}, {}
    tmp = Path(tempfile.mkdtemp(dir=OUT))
    try:
        store = open_store(tmp / "scenarios.sqlite")
        results["store: SQLite"] = bench_store(store, wb, args.repeat)
        store.close()
        if not args.no_rows:
            alt["rows: SQLite"] = bench_rows(f"sqlite:///{tmp / 'rows.sqlite'}", None, wb)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not args.no_postgres:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        try:
            store = open_store(args.pg_url, schema=schema)
        except StoreError as e:
            sys.exit(f"PostgreSQL: {e} (run `bash scripts/postgres.sh`, or pass --no-postgres)")
        try:
            results["store: PostgreSQL"] = bench_store(store, wb, args.repeat)
            if not args.no_rows:
                alt["rows: PostgreSQL"] = bench_rows(args.pg_url, schema, wb)
        finally:
            with store.engine.begin() as c:
                c.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            store.close()
    peers = {}
    for fmt in [f.strip() for f in args.peers.split(",") if f.strip()]:
        peers[f"peer: {fmt} files"] = bench_peer(wb, fmt, 1 if fmt == "xlsx" else args.repeat)

    mb = 1 / 1e6
    print(f"\n{'':<22}{'save s':>9}{'load s':>9}{'size MB':>10}{'MB per version':>16}")
    for name, r in {**results, **peers}.items():
        print(f"{name:<22}{r['save']:>9.3f}{r['load']:>9.3f}{r['size'] * mb:>10.2f}{r['per_version'] * mb:>16.2f}")
    for name, r in alt.items():
        print(f"{name:<22}{r['save']:>9.3f}{r['load']:>9.3f}{'':>10}{'':>16}  (layout not chosen, once)")
    print()
    for pname, p in peers.items():
        for name, r in results.items():
            print(f"ratio {name} / {pname}: save {r['save'] / p['save']:.3g}, load {r['load'] / p['load']:.3g}, "
                  f"size per version {r['per_version'] / p['per_version']:.2f}")


if __name__ == "__main__":
    main()
