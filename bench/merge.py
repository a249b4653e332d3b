#!/usr/bin/env python3
"""Benchmark pggit.merge on 1,000-table branches, each against a baseline measured in the same run.

  fast-forward, a column added to every table   vs  the same ALTER TABLE script run on main
  three-way, both sides changed every table     vs  both sides' DDL scripts run on main
  three-way, one column on one table            vs  that one ALTER TABLE run on main
  pggit.conflicts() preview of the three-way    vs  the same baseline (it reads, plans, applies nothing)

Every measured statement runs in a transaction that is rolled back, so each repeat merges
the same branches again. The baseline runs with pggit's event triggers off (raw DDL).

Run: /usr/local/lib/pggit-venv/bin/python bench/merge.py [--tables N[,N...]] [--repeat N] [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import Report, median_seconds, progress  # noqa: E402
from server import throwaway_server  # noqa: E402


def rolled_back(conn, sql: str, raw: bool = False):
    """A callable running `sql` in a transaction that is then rolled back."""
    def run():
        with conn.transaction(force_rollback=True):
            if raw:  # pggit's own switch: its event triggers leave this DDL alone
                conn.execute("SET LOCAL session_replication_role = replica; SET LOCAL search_path = public")
            conn.execute(sql)
    return run


def script(tables: int, template: str, only: int | None = None) -> str:
    return "\n".join(template.format(i=i) for i in range(tables if only is None else only))


def setup(srv, tables: int, rows: int):
    db = srv.new_database(f"merge{tables}")
    db.execute(script(tables, "CREATE TABLE t{i} (id serial PRIMARY KEY, a text, b int);"))
    db.execute(script(tables, f"INSERT INTO t{{i}} (a, b) SELECT md5(g::text), g FROM generate_series(1, {rows}) g;"))
    db.execute("SELECT pggit.init()")
    for name in ("wide", "small"):
        db.execute("SELECT pggit.create_branch(%s)", (name,))
    return db


def on(db, schema: str, sql: str):
    """Set-up DDL on a branch's schema (public: main's), with pggit's bookkeeping once at the end.

    Through the event triggers every statement would refresh versioned_objects and the
    masks of that schema (quadratic on 1,000 tables); the merge does not depend on that
    history. pggit._after_ddl is what the event trigger calls after a statement: here it
    runs once for the whole script (the lens is off, so it has no lens to regenerate).
    """
    with db.transaction():
        db.execute(f"SET LOCAL session_replication_role = replica; SET LOCAL search_path = {schema}")
        db.execute(sql)
    db.execute("SELECT pggit._after_ddl(ARRAY[%s]::name[], NULL)", (schema,))


def bench(srv, report, tables: int, rows: int, repeat: int):
    progress(f"merge: setting up {tables:,} tables on main and two branches")
    db = setup(srv, tables, rows)
    theirs = script(tables, "ALTER TABLE t{i} ADD COLUMN c int DEFAULT 0;")
    ours = script(tables, "CREATE INDEX t{i}_b ON t{i} (b);")
    one = "ALTER TABLE t0 ADD COLUMN d text;"
    on(db, "pggit_branch_wide", theirs)
    on(db, "pggit_branch_small", one)

    progress(f"merge: {tables:,} tables, median of {repeat}")
    ff = median_seconds(rolled_back(db, "SELECT pggit.merge('wide', 'main')"), repeat)
    report.add(f"merge, fast-forward, {tables:,} tables changed", ff,
               median_seconds(rolled_back(db, theirs, raw=True), repeat), "s", "the same DDL on main")

    # main moves on: every merge below is three-way
    on(db, "public", ours)
    both = median_seconds(rolled_back(db, "SELECT pggit.merge('wide', 'main')"), repeat)
    baseline = median_seconds(rolled_back(db, theirs, raw=True), repeat)
    report.add(f"merge, three-way, {tables:,} tables changed on each side", both, baseline, "s",
               "the source's DDL on main")
    preview = median_seconds(rolled_back(db, "SELECT count(*) FROM pggit.conflicts('wide', 'main')"), repeat)
    report.add(f"conflicts() preview, {tables:,} tables changed on each side", preview, baseline, "s",
               "the source's DDL on main")
    small = median_seconds(rolled_back(db, "SELECT pggit.merge('small', 'main')"), repeat)
    report.add(f"merge, three-way, 1 column on 1 of {tables:,} tables", small,
               median_seconds(rolled_back(db, one, raw=True), repeat), "s", "that ALTER TABLE on main")
    db.close()


def run(srv, report, sizes: tuple[int, ...] = (1000,), rows: int = 100, repeat=3):
    """`repeat` is a count, or a dict of counts by size (the biggest merges are slow)."""
    for tables in sizes:
        bench(srv, report, tables, rows, repeat[tables] if isinstance(repeat, dict) else repeat)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tables", default="1000", help="table counts, comma-separated")
    ap.add_argument("--rows", type=int, default=100, help="rows per table")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, help="write the markdown and JSON reports here (a path prefix)")
    args = ap.parse_args()
    report = Report("Merge")
    # a merge locks every table it changes, on both sides
    with throwaway_server("-c fsync=off -c synchronous_commit=off -c shared_buffers=512MB "
                          "-c max_locks_per_transaction=1024") as srv:
        run(srv, report, tuple(int(n) for n in args.tables.split(",")), args.rows, args.repeat)
    report.emit(args.out)


if __name__ == "__main__":
    main()
