#!/usr/bin/env python3
"""Benchmark branch operations, each against a baseline measured in the same run.

  switch_branch           vs  the two set_config() calls it makes, in a server-side loop
  event-trigger cost      vs  the same DDL with pggit's event triggers disabled
                              (1 table and 1 branch; 100 tables and 3 branches)
  init(), 1,000 empty tables                 vs  the CREATE TABLE script that made them
  init(), 1,000 tables x 1,000 rows each     vs  the same script; and vs init() on the empty ones
                              (init() moves nothing and copies nothing: its time must not
                              grow with the rows)
  create_branch, 1M rows  vs  CREATE TABLE scratch.copy (LIKE ... INCLUDING ALL) + INSERT ... SELECT,
                              alternating, best of 2 each
  create_branch(data => 'none'), 1M rows  vs  the same call on the table empty (best of 3)
  create_branch, 1,000 empty tables  vs  the CREATE TABLE script that made them

Run: /usr/local/lib/pggit-venv/bin/python bench/branches.py [--rows N] [--tables N]
     [--table-rows N] [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import Report, median_seconds, progress  # noqa: E402
from server import throwaway_server  # noqa: E402

LOOP = """
DO $$
DECLARE t0 timestamptz; times float8[] := '{}';
BEGIN
  FOR i IN 1..%(n)s LOOP
    t0 := clock_timestamp();
    PERFORM %(call)s;
    times := times || extract(epoch FROM clock_timestamp() - t0)::float8;
  END LOOP;
  PERFORM set_config('bench.median', (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x)
                                       FROM unnest(times) x)::text, false);
END $$"""


def server_loop_median(conn, call: str, n: int = 2000) -> float:
    conn.execute(LOOP % {"n": n, "call": call})
    return float(conn.execute("SELECT current_setting('bench.median')").fetchone()[0])


def timed(conn, sql: str) -> float:
    start = time.perf_counter()
    conn.execute(sql)
    return time.perf_counter() - start


def bench_switch(srv, report):
    db = srv.new_database("switch")
    db.execute("CREATE TABLE t (id int PRIMARY KEY)")
    db.execute("SELECT pggit.init()")
    db.execute("SELECT pggit.create_branch('feature')")
    db.execute("SELECT pggit.switch_branch('feature')")  # loads the module, warms caches
    switch = server_loop_median(db, "pggit.switch_branch(CASE WHEN i % 2 = 0 THEN 'main' ELSE 'feature' END)")
    # the same two calls with the values switch_branch('feature') computes (branch, mask, the path)
    raw = server_loop_median(db, "set_config('search_path', 'pggit_branch_feature, pggit_mask_feature, "
                                 "\"$user\", public', false), "
                                 "set_config('pggit.current_branch', 'feature', false)")
    db.close()
    report.add("switch_branch (median per call)", switch, raw, "s", "set_config x2")


def bench_event_triggers(srv, report, tables: int = 1, branches: int = 1):
    """One DDL statement on one branch table; the other tables and branches are there to
    show the cost does not grow with them."""
    db = srv.new_database(f"ddl_{tables}_{branches}")
    db.execute("CREATE TABLE t (id int PRIMARY KEY)")
    if tables > 1:
        db.execute("; ".join(f"CREATE TABLE o{i} (id serial PRIMARY KEY, a text, b int)"
                             for i in range(tables - 1)))
    db.execute("SELECT pggit.init()")
    for i in range(branches - 1):
        db.execute(f"SELECT pggit.create_branch('other{i}')")
    db.execute("SELECT pggit.create_branch('feature')")
    db.execute("SELECT pggit.switch_branch('feature')")

    def ddl():
        db.execute("ALTER TABLE t ADD COLUMN c int")
        db.execute("ALTER TABLE t DROP COLUMN c")

    ddl()
    with_triggers = median_seconds(ddl, 50) / 2
    db.execute("ALTER EVENT TRIGGER pggit_ddl_command_end DISABLE")
    db.execute("ALTER EVENT TRIGGER pggit_sql_drop DISABLE")
    without = median_seconds(ddl, 50) / 2
    db.close()
    shape = "" if tables == 1 and branches == 1 else f" ({tables} tables, {branches} branches)"
    report.add(f"DDL statement on a branch table, with event triggers{shape}", with_triggers, without,
               "s", "triggers disabled")


def bench_copy(srv, report, rows: int, rounds: int = 2):
    """create_branch of a 1M-row table against copying it by hand into a scratch schema.

    The baseline's table lives outside `public`: after init() a table created in public
    is one of main's, and pggit's event triggers record it (and mask it on branches).
    The two alternate, best of `rounds` each, so neither gets all the warm caches.
    """
    db = srv.new_database("copy")
    db.execute("CREATE TABLE big (id bigint PRIMARY KEY, k int NOT NULL, payload text)")
    db.execute("CREATE INDEX big_k ON big (k)")
    db.execute(f"INSERT INTO big SELECT g, g % 1000, md5(g::text) FROM generate_series(1, {rows}) g")
    db.execute("SELECT pggit.init()")
    db.execute("CREATE SCHEMA scratch")
    db.execute("VACUUM ANALYZE")
    base, branch = [], []
    for i in range(rounds):
        db.execute("DROP TABLE IF EXISTS scratch.copy")
        base.append(timed(db, "BEGIN; CREATE TABLE scratch.copy (LIKE public.big INCLUDING ALL); "
                              "INSERT INTO scratch.copy SELECT * FROM public.big; COMMIT"))
        if i:
            db.execute("SELECT pggit.delete_branch('copy', true)")
        branch.append(timed(db, "SELECT pggit.create_branch('copy')"))
    db.close()
    report.add(f"create_branch, {rows:,} rows", min(branch), min(base), "s",
               "LIKE + INSERT ... SELECT into a scratch schema")


def bench_schema_only(srv, report, rows: int, rounds: int = 3):
    """create_branch(..., data => 'none') of the 1M-row table against create_branch of the
    same table empty: a schema-only branch should cost what the schema costs (issue 14: <= 1.1x)."""
    times = {}
    for filled in (False, True):
        db = srv.new_database(f"schema_only_{int(filled)}")
        db.execute("CREATE TABLE big (id bigint PRIMARY KEY, k int NOT NULL, payload text)")
        db.execute("CREATE INDEX big_k ON big (k)")
        if filled:
            db.execute(f"INSERT INTO big SELECT g, g % 1000, md5(g::text) FROM generate_series(1, {rows}) g")
        db.execute("SELECT pggit.init()")
        db.execute("VACUUM ANALYZE")
        runs = []
        for i in range(rounds):
            if i:
                db.execute("SELECT pggit.delete_branch('lean', true)")
            runs.append(timed(db, "SELECT pggit.create_branch('lean', data => 'none')"))
        times[filled] = min(runs)
        db.close()
    report.add(f"create_branch(data => 'none'), {rows:,} rows", times[True], times[False], "s",
               "the same create_branch, table empty")


def create_script(tables: int) -> str:
    return "; ".join(f"CREATE TABLE t{i} (id serial PRIMARY KEY, a text, b int, c timestamptz)"
                     for i in range(tables))


def bench_init(srv, report, tables: int, table_rows: int, rounds: int = 2) -> None:
    """init() on `tables` empty tables, then on as many holding `table_rows` rows each.

    Each database gets the tables in public from the script (and the rows), untimed; then,
    `rounds` times: the same script timed in a scratch schema (dropped again), and init()
    timed (pggit.detach() between rounds puts the database back as it was before init()).
    Best of each. The Python package is loaded first (pggit.version()): a once-per-session
    cost, not init()'s. On the empty tables, create_branch is timed last, against the
    same baseline.
    """
    script = create_script(tables)
    init_times = {}
    for rows in (0, table_rows):
        shape = f"{tables:,} empty tables" if rows == 0 else f"{tables:,} tables x {rows:,} rows"
        progress(f"branches: init() on {shape}")
        db = srv.new_database(f"init_{rows}")
        db.execute(f"BEGIN; {script}; COMMIT")
        if rows:
            for i in range(tables):
                db.execute(f"INSERT INTO t{i} (a, b, c) SELECT md5(g::text), g, now() "
                           f"FROM generate_series(1, {rows}) g")
        db.execute("VACUUM ANALYZE")
        db.execute("SELECT pggit.version()")
        base, init = [], []
        for i in range(rounds):
            if i:
                db.execute("SELECT pggit.detach()")
            db.execute("CREATE SCHEMA scratch")
            base.append(timed(db, f"BEGIN; SET LOCAL search_path = scratch; {script}; COMMIT"))
            db.execute("DROP SCHEMA scratch CASCADE")
            init.append(timed(db, "SELECT pggit.init()"))
        init_times[rows] = min(init)
        report.add(f"init(), {shape}" + (f" ({tables * rows:,} rows)" if rows else ""),
                   min(init), min(base), "s", "the CREATE TABLE script")
        if rows == 0:
            progress(f"branches: create_branch on {tables:,} empty tables")
            branch = timed(db, "SELECT pggit.create_branch('many')")
            report.add(f"create_branch, {tables:,} empty tables", branch, min(base), "s",
                       "the CREATE TABLE script")
        db.close()
    report.add(f"init(), {tables:,} tables x {table_rows:,} rows, against the same tables empty",
               init_times[table_rows], init_times[0], "s", "init(), empty tables")


def run(srv, report, rows: int = 1_000_000, tables: int = 1000, table_rows: int = 1000):
    progress("branches: switch_branch")
    bench_switch(srv, report)
    progress("branches: event-trigger cost per DDL statement")
    bench_event_triggers(srv, report)
    bench_event_triggers(srv, report, tables=100, branches=3)
    bench_init(srv, report, tables, table_rows)
    progress(f"branches: create_branch on {rows:,} rows (2 rounds, alternating with the baseline)")
    bench_copy(srv, report, rows)
    progress(f"branches: create_branch(data => 'none') on {rows:,} rows against the empty table")
    bench_schema_only(srv, report, rows)
    report.note(f"init() figures: best of 2, `pggit.detach()` between the two; the baseline is the script "
                f"that made the tables, run again in a scratch schema. The last init() figure compares "
                f"init() on {tables:,} tables holding {table_rows:,} rows each with init() on the same "
                "tables empty: 1.00x means the rows cost nothing.")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--tables", type=int, default=1000, help="tables for init() and create_branch")
    ap.add_argument("--table-rows", type=int, default=1000, help="rows per table in init()'s second case")
    ap.add_argument("--out", type=Path, help="write the markdown and JSON reports here (a path prefix)")
    args = ap.parse_args()
    report = Report("Branch operations")
    with throwaway_server() as srv:
        run(srv, report, rows=args.rows, tables=args.tables, table_rows=args.table_rows)
    report.emit(args.out)


if __name__ == "__main__":
    main()
