#!/usr/bin/env python3
"""Benchmark the routing views: point lookups by primary key through public.users and
through search_path, against the same lookups on the branch's table directly, measured
side by side.

A throwaway PostgreSQL 15 server (bench/server.py) gets a 100k-row table in pggit_base
and 1, 5, then 20 branches with copies of it; after each step routing is regenerated
and pgbench (1 client, `-M simple` and `-M prepared`) runs

  direct:       SELECT * FROM pggit_branch_b1.users WHERE id = :id
  view:         SELECT * FROM users WHERE id = :id   with PGOPTIONS='-c pggit.current_branch=b1'
  search_path:  SELECT * FROM users WHERE id = :id   with search_path = pggit_branch_b1, public
                (what pggit.switch_branch() sets)

Each figure is tps through the view (or search_path) over direct tps: 1.00x is no
overhead, 0.50x is half the throughput. The view has one UNION ALL arm per branch plus
main's, so N branches means N + 1 arms. About 3.5 minutes with the defaults.

Run: /usr/local/lib/pggit-venv/bin/python bench/routing.py [--seconds 10] [--rows 100000]
     [--branches 1,5,20] [--rounds 1] [--out PATH]
Needs the extension installed (`make install`) and pgbench (postgresql-15).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import Report, progress  # noqa: E402
from server import throwaway_server  # noqa: E402

DBNAME = "routing_bench"


def pgbench_tps(srv, script: str, protocol: str, seconds: int, options: str | None = None) -> float:
    path = srv.workdir / f"script-{abs(hash(script))}.sql"
    path.write_text(script)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")
    env = dict(os.environ, PGOPTIONS=options) if options else None
    out = srv.run(["pgbench", "-n", "-c", "1", "-T", str(seconds), "-M", protocol, "-f", str(path),
                   DBNAME], env=env).stdout
    return float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out).group(1))


def lookup(table: str, rows: int) -> str:
    return f"\\set id random(1, {rows})\nSELECT * FROM {table} WHERE id = :id;\n"


VIEW = "-c pggit.current_branch=b1"
SEARCH_PATH = "-c pggit.current_branch=b1 -c search_path=pggit_branch_b1,public"


def run(srv, report: Report, seconds: int = 10, rows: int = 100_000,
        branches: tuple[int, ...] = (1, 5, 20), rounds: int = 1) -> list[dict]:
    """Add the figures to `report`; return one dict per (branches, protocol) for plotting."""
    results = []
    conn = srv.new_database(DBNAME)
    conn.execute(f"""
        CREATE TABLE pggit_base.users (id serial PRIMARY KEY, name text NOT NULL,
                                       email text, created_at timestamptz DEFAULT now());
        INSERT INTO pggit_base.users (name, email)
        SELECT 'user ' || g, 'u' || g || '@example.com' FROM generate_series(1, {rows}) g;
        CREATE INDEX ON pggit_base.users (email);
    """)
    made = 0
    for n in branches:
        progress(f"routing: building {n} branch(es)")
        while made < n:
            made += 1
            schema = f"pggit_branch_b{made}"
            conn.execute(f"""
                CREATE SCHEMA {schema};
                CREATE TABLE {schema}.users (LIKE pggit_base.users INCLUDING ALL);
                INSERT INTO {schema}.users SELECT * FROM pggit_base.users;
                CREATE SEQUENCE {schema}.users_id_seq OWNED BY {schema}.users.id;
                SELECT setval('{schema}.users_id_seq', {rows});
                ALTER TABLE {schema}.users ALTER COLUMN id SET DEFAULT nextval('{schema}.users_id_seq');
                INSERT INTO pggit.branches (name, schema_name) VALUES ('b{made}', '{schema}');
            """)
        conn.execute("SELECT pggit._regenerate_routing()")
        conn.execute("VACUUM ANALYZE")
        for protocol in ("simple", "prepared"):
            progress(f"routing: {n} branch(es), -M {protocol}, {rounds} x 3 x {seconds} s of pgbench")
            runs = {"direct": [], "view": [], "path": []}
            for _ in range(rounds):  # interleaved, best of each: the machine's noise hits all three
                runs["direct"].append(pgbench_tps(srv, lookup("pggit_branch_b1.users", rows), protocol, seconds))
                runs["view"].append(pgbench_tps(srv, lookup("users", rows), protocol, seconds, VIEW))
                runs["path"].append(pgbench_tps(srv, lookup("users", rows), protocol, seconds, SEARCH_PATH))
            direct, view, path = max(runs["direct"]), max(runs["view"]), max(runs["path"])
            report.add(f"{n} branch(es) ({n + 1} arms), {protocol}: through public.users",
                       view, direct, "tps", "the table directly")
            report.add(f"{n} branch(es) ({n + 1} arms), {protocol}: through search_path",
                       path, direct, "tps", "the table directly")
            results.append({"branches": n, "protocol": protocol, "direct_tps": direct,
                            "view_tps": view, "search_path_tps": path})
    conn.close()
    report.note(f"Point lookups by primary key, {rows:,} rows, pgbench with 1 client, {seconds} s per "
                f"run, best of {rounds} interleaved run(s) of each. Ratios are throughput over the direct "
                "baseline: 1.00x means no overhead, 0.25x means a quarter of the direct rate.")
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=10, help="pgbench duration per measurement")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--branches", default="1,5,20", help="branch counts to measure, ascending")
    ap.add_argument("--rounds", type=int, default=1, help="interleaved runs of each, best taken")
    ap.add_argument("--out", type=Path, help="write the markdown and JSON reports here (a path prefix)")
    args = ap.parse_args()
    report = Report("Routing")
    with throwaway_server() as srv:
        run(srv, report, seconds=args.seconds, rows=args.rows,
            branches=tuple(int(n) for n in args.branches.split(",")), rounds=args.rounds)
    report.emit(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
