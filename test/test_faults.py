"""Faults: create_branch and merge interrupted part-way leave everything as it was.

Each operation is interrupted at several points — statement_timeout, pg_cancel_backend
from another session, pg_terminate_backend — chosen as fractions of its measured
duration, so the interruption lands while it runs. Before and after each, a snapshot of
the catalog (public and every branch schema, names masked), pggit's metadata rows,
the routing objects and the list of branch schemas must be equal.

Each attempt runs in an explicit transaction that is rolled back if the operation wins
the race: an attempt that finished first proves nothing, and it must not change the
state the next attempt starts from. A statement cancelled inside a transaction block
and one cancelled in autocommit abort the same way in the server.

Last, a server stopped with `-m immediate` while create_branch runs and started again
has no half branch (a throwaway server of our own: the session's server stays up).
"""

import sys
import threading
import time

import psycopg
import pytest

from conftest import REPO, connect

sys.path.insert(0, str(REPO))

SMALL_TABLES = 100
BIG_ROWS = 300_000

SCHEMA = f"""
CREATE TABLE big (id bigserial PRIMARY KEY, grp int NOT NULL, payload text, amount numeric);
INSERT INTO big (grp, payload, amount) SELECT g % 100, md5(g::text), g FROM generate_series(1, {BIG_ROWS}) g;
CREATE INDEX big_grp_idx ON big (grp);
DO $$
BEGIN
    FOR i IN 1..{SMALL_TABLES} LOOP
        EXECUTE format('CREATE TABLE t%s (id serial PRIMARY KEY, name text NOT NULL, big_id bigint '
                       'REFERENCES big (id), CHECK (name <> ''''))', i);
        EXECUTE format('INSERT INTO t%s (name, big_id) SELECT ''n'' || g, g FROM generate_series(1, 20) g', i);
    END LOOP;
END
$$;
"""

# On the feature branch: a rewrite of the big table and a column on every small table,
# so the merge into main works for a while.
FEATURE = f"""
ALTER TABLE big ALTER COLUMN amount TYPE numeric(20, 2);
DO $$
BEGIN
    FOR i IN 1..{SMALL_TABLES} LOOP
        EXECUTE format('ALTER TABLE t%s ADD COLUMN flag boolean NOT NULL DEFAULT false', i);
    END LOOP;
END
$$;
"""


def snapshot(conn):
    """The catalog, metadata and routing a user could observe, names masked by schema."""
    with conn.transaction():
        conn.execute("SET LOCAL search_path = pg_catalog")
        schemas = [r[0] for r in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = 'public' OR nspname LIKE 'pggit\\_branch\\_%' "
            "ORDER BY 1")]
        out = {"schemas": schemas}
        for schema in schemas + ["public", "pggit_routes"]:
            rels = conn.execute("""
                SELECT c.relname, c.relkind,
                       (SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                         || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                                         || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                                         ORDER BY a.attnum)
                          FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                       (SELECT array_agg(k.conname || ' ' || pg_get_constraintdef(k.oid) ORDER BY k.conname)
                          FROM pg_constraint k WHERE k.conrelid = c.oid),
                       (SELECT array_agg(t.tgname ORDER BY t.tgname) FROM pg_trigger t
                         WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
                       CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid) END
                  FROM pg_class c WHERE c.relnamespace = %s::regnamespace ORDER BY c.relname""",
                (schema,)).fetchall()
            funcs = conn.execute("""
                SELECT p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc)
                  FROM pg_proc p WHERE p.pronamespace = %s::regnamespace ORDER BY 1, 2""", (schema,)).fetchall()
            masked = "<branch>" if schema.startswith("pggit_branch_") else schema
            out[masked + " " + schema] = [tuple(str(v).replace(schema + ".", "<schema>.") for v in row)
                                          for row in rels + funcs]
        for table in ("repository", "branches", "commits", "versioned_objects", "version_history",
                      "merge_history"):
            out[table] = conn.execute(f"SELECT t::text FROM pggit.{table} t ORDER BY 1").fetchall()
    return out


def assert_same(before, after, what):
    assert after.keys() == before.keys(), what
    for key in before:
        assert after[key] == before[key], (what, key)


@pytest.fixture(scope="module")
def repo(server):
    """One database for the module: every attempt leaves it as it was, which is the point."""
    name = "faults"
    with connect(server, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    conn = connect(server, name)
    conn.execute("CREATE EXTENSION pggit CASCADE")
    conn.execute(SCHEMA)
    conn.execute("SELECT pggit.init()")
    conn.execute("SELECT pggit.create_branch('feature')")
    conn.execute("SELECT pggit.switch_branch('feature')")
    conn.execute(FEATURE)
    conn.execute("SELECT pggit.switch_branch('main')")
    conn.execute("SELECT pggit.commit('feature work')")
    conn.execute("VACUUM ANALYZE")
    yield conn
    conn.close()
    with connect(server, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


OPERATIONS = {
    "create_branch": "SELECT pggit.create_branch('victim', 'feature')",
    "merge": "SELECT status FROM pggit.merge('feature', 'main')",
}


def attempt(server, dbname, sql, timeout_ms=None, interrupt=None, delay=0.0):
    """Run `sql` in a transaction on a new session, interrupted as asked; roll back if it wins.

    Returns ("finished" | "cancelled" | "terminated", seconds).
    """
    conn = connect(server, dbname)
    pid = conn.info.backend_pid
    timer = None
    if interrupt:
        def fire():
            time.sleep(delay)
            with connect(server, dbname) as other:
                other.execute(f"SELECT pg_{interrupt}_backend(%s)", (pid,))
        timer = threading.Thread(target=fire)
    start = time.monotonic()
    try:
        conn.execute("BEGIN")
        if timeout_ms is not None:
            conn.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
        if timer:
            timer.start()
        try:
            conn.execute(sql)
            outcome = "finished"
        except psycopg.errors.QueryCanceled:
            outcome = "cancelled"
        except psycopg.OperationalError:  # AdminShutdown, or the connection is gone
            outcome = "terminated"
        elapsed = time.monotonic() - start
        if not conn.closed and not conn.broken:
            conn.execute("ROLLBACK")
    finally:
        if timer:
            timer.join()
        conn.close()
    return outcome, elapsed


def measure(server, dbname, sql) -> float:
    outcome, elapsed = attempt(server, dbname, sql)
    assert outcome == "finished"
    return elapsed


FRACTIONS = (0.1, 0.35, 0.6, 0.85)


@pytest.mark.parametrize("op", sorted(OPERATIONS))
def test_interrupted_operation_changes_nothing(server, repo, op):
    dbname, sql = repo.info.dbname, OPERATIONS[op]
    before = snapshot(repo)
    duration = measure(server, dbname, sql)
    assert_same(before, snapshot(repo), f"{op} rolled back")
    outcomes = []
    for how in ("statement_timeout", "cancel", "terminate"):
        for fraction in (FRACTIONS if how != "terminate" else FRACTIONS[1::2]):
            delay = duration * fraction
            if how == "statement_timeout":
                outcome, _ = attempt(server, dbname, sql, timeout_ms=max(1, delay * 1000))
            else:
                outcome, _ = attempt(server, dbname, sql, interrupt=how, delay=delay)
            outcomes.append((how, fraction, outcome))
            assert_same(before, snapshot(repo), f"{op} after {how} at {fraction:.0%} of {duration:.2f}s")
    # the interruptions really landed mid-way, for most points
    expected = {"statement_timeout": "cancelled", "cancel": "cancelled", "terminate": "terminated"}
    landed = [o for o in outcomes if o[2] == expected[o[0]]]
    assert len(landed) >= len(outcomes) - 2, outcomes
    for how in expected:
        assert any(o[0] == how for o in landed), outcomes
    # and the operation still works afterwards
    assert measure(server, dbname, sql) > 0


def test_server_restart_during_create_branch_leaves_no_half_branch():
    from bench.server import PG_BIN, _as_postgres, throwaway_server
    import subprocess

    with throwaway_server("-c fsync=on -c max_locks_per_transaction=256") as srv:
        conn = srv.new_database("restart")
        conn.execute(SCHEMA)
        conn.execute("SELECT pggit.init()")
        conn.execute("SELECT pggit.create_branch('feature')")
        conn.execute("CHECKPOINT")
        before = snapshot(conn)
        start = time.monotonic()
        with conn.transaction(force_rollback=True):
            conn.execute("SELECT pggit.create_branch('victim')")
        duration = time.monotonic() - start
        conn.close()

        worker = srv.connect("restart")
        result = {}

        def run():
            try:
                worker.execute("SELECT pggit.create_branch('victim')")
                result["outcome"] = "finished"
            except psycopg.Error as e:
                result["outcome"] = type(e).__name__

        thread = threading.Thread(target=run)
        thread.start()
        time.sleep(duration * 0.5)
        data = srv.workdir / "data"
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       check=True, capture_output=True)
        thread.join()
        worker.close()
        assert result["outcome"] != "finished", "create_branch finished before the server stopped"
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(srv.workdir / "log"),
                                     "-w", "-o", f"-p {srv.port} -k {srv.workdir} -c listen_addresses=''",
                                     "start"]), check=True, capture_output=True)
        conn = srv.connect("restart")
        try:
            assert_same(before, snapshot(conn), "after a crash during create_branch")
            assert conn.execute("SELECT pggit.create_branch('victim')").fetchone()[0] == "pggit_branch_victim"
        finally:
            conn.close()
