#!/usr/bin/env python3
"""Benchmark schema_diff on generated schemas of 100, 1,000 and 5,000 tables.

Each table has five columns, a primary key, an index and a foreign key to the table
before it; every tenth table has a view. Schema `b` is schema `a` with a change in
every tenth table. Figures, each against `pg_dump --schema-only` of schema `a` measured
in the same run (a catalog reader every PostgreSQL user knows):

  engine (client)   read both schemas and diff them through psycopg
  schema_diff_sql   the same, plus rendering the ordered script

Run: /usr/local/lib/pggit-venv/bin/python bench/schema_diff.py [--sizes 100,1000,5000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "python"))
from report import Report, progress  # noqa: E402
from server import throwaway_server  # noqa: E402

from pggit import engine  # noqa: E402
from pggit.db import PsycopgDb  # noqa: E402


def schema_sql(schema: str, tables: int, changed: bool) -> str:
    out = [f"CREATE SCHEMA {schema}; SET search_path = {schema};"]
    for i in range(tables):
        ref = f", parent_id int REFERENCES t{i - 1} (id)" if i else ""
        extra = ", added_col text DEFAULT 'x'" if changed and i % 10 == 5 else ""
        out.append(f"CREATE TABLE t{i} (id serial PRIMARY KEY, name text NOT NULL, "
                   f"amount numeric(12,2), created timestamptz DEFAULT now(){ref}{extra});")
        out.append(f"CREATE INDEX t{i}_name ON t{i} (name);")
        if i % 10 == 0:
            where = "amount > 100" if changed and i % 20 == 0 else "amount > 0"
            out.append(f"CREATE VIEW v{i} AS SELECT id, name FROM t{i} WHERE {where};")
    return "\n".join(out)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(fn, n: int) -> float:
    return min(timed(fn) for _ in range(n))


def bench_size(srv, report, tables: int):
    name = f"diff{tables}"
    conn = srv.new_database(name)
    conn.execute(schema_sql("a", tables, False))
    conn.execute(schema_sql("b", tables, True))
    conn.execute("ANALYZE")
    db = PsycopgDb(conn)
    repeat = 3 if tables <= 1000 else 1
    dump = best_of(lambda: srv.run(["pg_dump", "--schema-only", "-n", "a", name]), repeat)
    changes = engine.diff_schemas(db, "a", db, "b")
    diff_time = best_of(lambda: engine.diff_schemas(db, "a", db, "b"), repeat)
    script_time = best_of(lambda: engine.diff_script(db, "a", db, "b"), repeat)
    report.add(f"diff, {tables:,} tables ({len(changes)} changes)", diff_time, dump, "s", "pg_dump -s")
    report.add(f"diff + script, {tables:,} tables", script_time, dump, "s", "pg_dump -s")
    conn.close()


def run(srv, report, sizes: tuple[int, ...] = (100, 1000, 5000)):
    for size in sizes:
        progress(f"schema_diff: {size:,} tables")
        bench_size(srv, report, size)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--out", type=Path, help="write the markdown and JSON reports here (a path prefix)")
    args = ap.parse_args()
    report = Report("schema_diff")
    with throwaway_server() as srv:
        run(srv, report, tuple(int(s) for s in args.sizes.split(",")))
    report.emit(args.out)


if __name__ == "__main__":
    main()
