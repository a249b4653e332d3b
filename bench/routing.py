#!/usr/bin/env python3
"""Benchmark the routing views: point lookups by primary key through public.users,
against the same lookups on the branch's table directly, measured side by side.

A throwaway PostgreSQL 15 server (started here, removed at the end) gets a 100k-row
table in pggit_base and 1, 5, then 20 branches with copies of it; after each step
routing is regenerated and pgbench (1 client, `-M simple` and `-M prepared`) runs

  direct:  SELECT * FROM pggit_branch_b1.users WHERE id = :id
  routed:  SELECT * FROM users WHERE id = :id   with PGOPTIONS='-c pggit.current_branch=b1'

and a markdown table of tps ratios is printed. The view has one UNION ALL arm per
branch plus main's, so N branches means N + 1 arms. About 2.5 minutes with the defaults.

Run: /usr/local/lib/pggit-venv/bin/python bench/routing.py [--seconds 10] [--rows 100000]
     [--branches 1,5,20]
Needs the extension installed (`make install`) and pgbench (postgresql-15).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

import psycopg

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DBNAME = "routing_bench"


def as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run its programs as `postgres`."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def throwaway_server():
    workdir = Path(tempfile.mkdtemp(prefix="pggit-bench-routing-"))
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = workdir / "data"
    subprocess.run(as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)
    subprocess.run(as_postgres([
        str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(workdir / "log"), "-w", "-o",
        f"-p {port} -k {workdir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
        f"-c shared_buffers=256MB", "start"]), check=True, capture_output=True)
    try:
        yield workdir, port
    finally:
        subprocess.run(as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def pgbench_tps(workdir: Path, port: int, script: str, protocol: str, seconds: int,
                branch: str | None = None) -> float:
    path = workdir / f"script-{abs(hash(script))}.sql"
    path.write_text(script)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")
    env = ["env", f"PGOPTIONS=-c pggit.current_branch={branch}"] if branch else []
    cmd = [*env, str(PG_BIN / "pgbench"), "-h", str(workdir), "-p", str(port), "-U", "postgres",
           "-n", "-c", "1", "-T", str(seconds), "-M", protocol, "-f", str(path), DBNAME]
    out = subprocess.run(as_postgres(cmd), check=True, capture_output=True, text=True).stdout
    return float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out).group(1))


def lookup(table: str, rows: int) -> str:
    return f"\\set id random(1, {rows})\nSELECT * FROM {table} WHERE id = :id;\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=10, help="pgbench duration per measurement")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--branches", default="1,5,20", help="branch counts to measure, ascending")
    args = ap.parse_args()
    steps = [int(n) for n in args.branches.split(",")]

    results = []
    with throwaway_server() as (workdir, port):
        with psycopg.connect(host=str(workdir), port=port, user="postgres", dbname="postgres",
                             autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {DBNAME}")
        conn = psycopg.connect(host=str(workdir), port=port, user="postgres", dbname=DBNAME,
                               autocommit=True)
        conn.execute("CREATE EXTENSION pggit CASCADE")
        conn.execute(f"""
            CREATE TABLE pggit_base.users (id serial PRIMARY KEY, name text NOT NULL,
                                           email text, created_at timestamptz DEFAULT now());
            INSERT INTO pggit_base.users (name, email)
            SELECT 'user ' || g, 'u' || g || '@example.com' FROM generate_series(1, {args.rows}) g;
            CREATE INDEX ON pggit_base.users (email);
        """)
        made = 0
        for n in steps:
            print(f"building {n} branch(es) ...", file=sys.stderr, flush=True)
            while made < n:
                made += 1
                schema = f"pggit_branch_b{made}"
                conn.execute(f"""
                    CREATE SCHEMA {schema};
                    CREATE TABLE {schema}.users (LIKE pggit_base.users INCLUDING ALL);
                    INSERT INTO {schema}.users SELECT * FROM pggit_base.users;
                    CREATE SEQUENCE {schema}.users_id_seq OWNED BY {schema}.users.id;
                    SELECT setval('{schema}.users_id_seq', {args.rows});
                    ALTER TABLE {schema}.users ALTER COLUMN id SET DEFAULT nextval('{schema}.users_id_seq');
                    INSERT INTO pggit.branches (name, schema_name) VALUES ('b{made}', '{schema}');
                """)
            conn.execute("SELECT pggit._regenerate_routing()")
            conn.execute("VACUUM ANALYZE")
            for protocol in ("simple", "prepared"):
                print(f"  {n} branch(es), -M {protocol} ...", file=sys.stderr, flush=True)
                direct = pgbench_tps(workdir, port, lookup("pggit_branch_b1.users", args.rows),
                                     protocol, args.seconds)
                routed = pgbench_tps(workdir, port, lookup("users", args.rows),
                                     protocol, args.seconds, branch="b1")
                results.append((n, protocol, direct, routed))
        conn.close()

    print(f"\nPoint lookups by primary key, {args.rows:,} rows, 1 client, {args.seconds} s each; "
          "session on branch b1 through PGOPTIONS.\n")
    print("| branches (arms) | protocol | direct tps | through public.users tps | ratio |")
    print("|---|---|---|---|---|")
    for n, protocol, direct, routed in results:
        print(f"| {n} ({n + 1}) | {protocol} | {direct:,.0f} | {routed:,.0f} | {routed / direct:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
