#!/usr/bin/env python3
"""Concurrency: N sessions create, switch, change, merge and delete branches at once.

Each session (a thread with its own psycopg connection) works on branches of its own,
named w<i>-<n>: it switches to one, adds uniquely named columns (on the shared table
`items`) and tables, writes rows, merges the branch into main and deletes it, in a
random order, for a bounded time. Afterwards:

  * the metadata agrees with the catalog: every pggit.branches row has its schema, no
    pggit_branch_* schema lacks a row, versioned_objects lists exactly each schema's
    tables, every table of main a branch lacks is masked on that branch;
  * every error seen was a clean `pggit:` error, or a retryable one (SQLSTATE 40001,
    40P01, 55P03); anything else is a violation;
  * no DDL landed on the wrong branch: each unique name is found on the branch that made
    it (while it exists) and on no other branch, unless a merge took it to main, where
    it must then be.

Exits non-zero on a violation and prints a summary.

Run: /usr/local/lib/pggit-venv/bin/python bench/concurrency.py [--sessions 8] [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import psycopg

RETRYABLE = {"40001", "40P01", "55P03"}

SCHEMA = """
CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, qty int NOT NULL DEFAULT 0);
CREATE TABLE tags (id serial PRIMARY KEY, item_id int REFERENCES items (id), tag text);
INSERT INTO items (name, qty) SELECT 'item ' || g, g FROM generate_series(1, 200) g;
INSERT INTO tags (item_id, tag) SELECT g, 't' || g FROM generate_series(1, 200) g;
"""


def setup(conn) -> None:
    """A fresh database with the extension: the shared tables, under version control."""
    conn.execute(SCHEMA)
    conn.execute("SELECT pggit.init()")


@dataclass
class Made:
    """A uniquely named column or table a worker created on its branch."""
    kind: str  # "column" (of items) or "table"
    name: str
    branch: str
    merged: bool = False  # a successful merge into main took it there


@dataclass
class Worker:
    index: int
    connect: object
    deadline: float
    rng: random.Random
    made: list = field(default_factory=list)
    ops: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # "op sqlstate: first words" -> count
    violations: list = field(default_factory=list)
    branch: str | None = None
    serial: int = 0

    def run(self) -> None:
        conn = self.connect()
        conn.execute("SET lock_timeout = '10s'")
        try:
            while time.monotonic() < self.deadline:
                self.step(conn)
                if conn.closed or conn.broken:
                    self.violations.append("connection lost")
                    return
        finally:
            conn.close()

    def step(self, conn) -> None:
        if self.branch is None:
            self.serial += 1
            name = f"w{self.index}-{self.serial}"
            if self.call(conn, "create", "SELECT pggit.create_branch(%s, 'main')", (name,)):
                self.branch = name
                self.call(conn, "switch", "SELECT pggit.switch_branch(%s)", (name,))
            return
        roll = self.rng.random()
        tag = f"w{self.index}_{self.serial}_{self.ops.total()}"
        if roll < 0.20:
            column = f"c_{tag}"
            if self.ddl(conn, f"ALTER TABLE items ADD COLUMN {column} int"):
                self.made.append(Made("column", column, self.branch))
        elif roll < 0.30:
            # a writer: rows first, then DDL, in one transaction (a migration that backfills)
            column = f"c_{tag}"
            if self.ddl(conn, "UPDATE items SET qty = qty + 1 WHERE id = 2",
                        f"ALTER TABLE items ADD COLUMN {column} int"):
                self.made.append(Made("column", column, self.branch))
        elif roll < 0.42:
            table = f"t_{tag}"
            if self.ddl(conn, f"CREATE TABLE {table} (id int PRIMARY KEY, note text)"):
                self.made.append(Made("table", table, self.branch))
        elif roll < 0.62:
            if self.call(conn, "dml", "INSERT INTO items (name, qty) VALUES (%s, 1)", (tag,)) is not None:
                self.call(conn, "dml", "UPDATE items SET qty = qty + 1 WHERE id = 1")
        elif roll < 0.80:
            row = self.call(conn, "merge", "SELECT status FROM pggit.merge(%s, 'main')", (self.branch,))
            if row and row[0] in ("merged", "fast_forward", "up_to_date"):
                for m in self.made:
                    if m.branch == self.branch:
                        m.merged = True
            elif row:
                self.ops[f"merge {row[0]}"] += 1
        elif roll < 0.90:
            self.call(conn, "switch", "SELECT pggit.switch_branch('main')")
            self.call(conn, "read main", "SELECT count(*) FROM items")
            self.call(conn, "switch", "SELECT pggit.switch_branch(%s)", (self.branch,))
        else:
            self.call(conn, "switch", "SELECT pggit.switch_branch('main')")
            if self.call(conn, "delete", "SELECT pggit.delete_branch(%s, force => true)", (self.branch,)):
                self.branch = None
            else:
                self.call(conn, "switch", "SELECT pggit.switch_branch(%s)", (self.branch,))

    def ddl(self, conn, *statements) -> bool:
        """DDL through search_path, only when the session is on its own branch.

        A switch that failed (a lock timeout, a deadlock) leaves the session where it
        was, as it should; DDL then would land there, so the worker switches again
        instead, and only a session that pggit put somewhere else is a violation.
        """
        where = self.call(conn, "check", "SELECT pggit.current_branch()")
        if where is None:
            return False
        if where[0] != self.branch:
            if self.call(conn, "switch", "SELECT pggit.switch_branch(%s)", (self.branch,)) is None:
                return False
            where = self.call(conn, "check", "SELECT pggit.current_branch()")
            if where and where[0] != self.branch:
                self.violations.append(f"session on {where[0]!r} after switching to {self.branch!r}")
                return False
        if len(statements) == 1:
            return self.call(conn, "ddl", statements[0]) is not None
        return self.call(conn, "dml+ddl", statements) is not None

    def call(self, conn, op, sql, params=None):
        """Run one statement; its first row (or ()) on success, None on a tolerated error."""
        self.ops[op] += 1
        try:
            if isinstance(sql, tuple):  # statements of one transaction
                with conn.transaction(), conn.cursor() as cur:
                    for statement in sql:
                        cur.execute(statement)
                return ()
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return (cur.fetchone() if cur.description else None) or ()
        except psycopg.Error as e:
            state = getattr(e.diag, "sqlstate", None) or "-----"
            message = (e.diag.message_primary or str(e)).splitlines()[0] if e.diag else str(e)
            key = f"{op} {state}: {message[:70]}"
            self.errors[key] += 1
            if not (message.startswith("pggit:") or state in RETRYABLE):
                self.violations.append(f"unclean error: {key}")
            return None


def check(conn, workers) -> list[str]:
    """What must hold once every session has stopped."""
    bad = []
    branches = dict(conn.execute("SELECT name, schema_name FROM pggit.branches").fetchall())
    schemas = {r[0] for r in conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname = 'public' OR nspname LIKE 'pggit\\_branch\\_%'")}
    for name, schema in branches.items():
        if schema not in schemas:
            bad.append(f"branch {name!r} has no schema {schema}")
    for schema in schemas - set(branches.values()):
        bad.append(f"schema {schema} has no branch")
    for name, schema in branches.items():
        if schema not in schemas:
            continue
        listed = {r[0] for r in conn.execute(
            "SELECT object_name FROM pggit.versioned_objects v JOIN pggit.branches b ON b.id = v.branch_id "
            "WHERE b.name = %s AND object_type = 'TABLE'", (name,))}
        present = {r[0] for r in conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind IN ('r', 'p')",
            (schema,))}
        if listed != present:
            bad.append(f"versioned_objects of {name!r}: missing {sorted(present - listed)}, "
                       f"extra {sorted(listed - present)}")
    # every table of main that a branch lacks is masked on that branch, and nothing else
    main_tables = {r[0] for r in conn.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')")}
    for name, schema in branches.items():
        if name == "main" or schema not in schemas:
            continue
        own = {r[0] for r in conn.execute("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace",
                                          (schema,))}
        masked = {r[0] for r in conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(pggit._mask_schema(%s))",
            (schema,))}
        if main_tables - own - masked:
            bad.append(f"branch {name!r} reaches main's {sorted(main_tables - own - masked)}")
    # where every uniquely named column and table is
    columns = {}
    for schema, column in conn.execute(
            "SELECT c.relnamespace::regnamespace::text, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE c.relname = 'items' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
            "AND a.attname LIKE 'c\\_w%'"):
        columns.setdefault(column, set()).add(schema)
    tables = {}
    for schema, table in conn.execute(
            "SELECT relnamespace::regnamespace::text, relname FROM pg_class WHERE relkind = 'r' "
            "AND relname LIKE 't\\_w%' AND (relnamespace::regnamespace::text LIKE 'pggit\\_branch%' "
            "OR relnamespace = 'public'::regnamespace)"):
        tables.setdefault(table, set()).add(schema)
    made = {}
    for w in workers:
        for m in w.made:
            made[m.name] = m
    for name in set(columns) | set(tables):
        if name not in made:
            bad.append(f"{name} exists in {sorted(columns.get(name, tables.get(name, ())))} but no session made it")
    for m in made.values():
        found = (columns if m.kind == "column" else tables).get(m.name, set())
        own = branches.get(m.branch)
        if own and own not in found:
            bad.append(f"{m.kind} {m.name} missing from its branch {m.branch!r}")
        if m.merged:
            if "public" not in found:
                bad.append(f"{m.kind} {m.name} was merged but is not on main")
        else:
            wrong = found - {own}
            if wrong:
                bad.append(f"{m.kind} {m.name} of unmerged branch {m.branch!r} found in {sorted(wrong)}")
    return bad


def run(connect, sessions: int = 8, seconds: float = 60, seed: int = 0) -> dict:
    """Run the sessions against an initialised database; `connect()` gives a new autocommit connection."""
    deadline = time.monotonic() + seconds
    workers = [Worker(i, connect, deadline, random.Random(seed * 1000 + i)) for i in range(sessions)]
    threads = [threading.Thread(target=w.run) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 300)
    violations = [f"session {w.index}: {v}" for w in workers for v in w.violations]
    if any(t.is_alive() for t in threads):
        violations.append("a session did not finish in time (hung?)")
    with connect() as conn:
        violations += check(conn, workers)
    ops, errors = Counter(), Counter()
    for w in workers:
        ops.update(w.ops)
        errors.update(w.errors)
    return {"sessions": sessions, "seconds": seconds, "operations": dict(sorted(ops.items())),
            "errors": dict(errors.most_common()), "made": sum(len(w.made) for w in workers),
            "merged": sum(m.merged for w in workers for m in w.made), "violations": violations}


def summary(result: dict) -> str:
    lines = [f"# Concurrency: {result['sessions']} sessions for {result['seconds']} s", "",
             "| operation | attempts |", "|---|---|"]
    lines += [f"| {op} | {n} |" for op, n in result["operations"].items()]
    lines += ["", f"unique columns/tables made: {result['made']}, of which merged into main: {result['merged']}",
              "", "errors seen (all must be `pggit:` or retryable):"]
    lines += [f"  {n:5d}  {what}" for what, n in result["errors"].items()] or ["  none"]
    deadlocks = sum(n for what, n in result["errors"].items() if " 40P01:" in what)
    lines += ["", f"deadlocks: {deadlocks}", f"violations: {len(result['violations'])}"]
    lines += [f"  - {v}" for v in result["violations"][:50]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the result as JSON to this path")
    args = parser.parse_args()
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from server import throwaway_server

    with throwaway_server() as server:
        server.new_database("concurrency").close()
        with server.connect("concurrency") as conn:
            setup(conn)
        result = run(lambda: server.connect("concurrency"), args.sessions, args.seconds, args.seed)
    print(summary(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 1 if result["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
