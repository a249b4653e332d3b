"""pg_dump -Fc / pg_restore: a repository with branches, commits and merges survives.

The restored database must be usable as pggit, not only hold the rows: branches,
log, diffs, new branches, switching, DDL, merges and GUC-only routing all still work.
"""

import subprocess

import pytest

from conftest import PG_BIN, connect, scalar

SHOP = """
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    quantity int NOT NULL DEFAULT 1 CHECK (quantity > 0)
);
CREATE INDEX orders_user_idx ON orders (user_id);
INSERT INTO users (email, name) VALUES ('ann@example.com', 'Ann'), ('bob@example.com', 'Bob');
INSERT INTO orders (user_id, quantity) VALUES (1, 3), (2, 1);
"""


def on(conn, branch, sql):
    conn.execute("SELECT pggit.switch_branch(%s)", (branch,))
    try:
        conn.execute(sql)
    finally:
        conn.execute("SELECT pggit.switch_branch('main')")


def schema_of(conn, schema):
    """Relations, columns, constraints and indexes of a schema, its name masked."""
    with conn.transaction():
        conn.execute("SET LOCAL search_path = pg_catalog")
        found = conn.execute("""
            SELECT c.relname, c.relkind,
                   (SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                     || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                                     ORDER BY a.attnum)
                      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                   (SELECT array_agg(conname || ' ' || pg_get_constraintdef(k.oid) ORDER BY conname)
                      FROM pg_constraint k WHERE k.conrelid = c.oid),
                   (SELECT array_agg(pg_get_indexdef(i.indexrelid) ORDER BY pg_get_indexdef(i.indexrelid)) FROM pg_index i
                     WHERE i.indrelid = c.oid)
              FROM pg_class c WHERE c.relnamespace = %s::regnamespace ORDER BY c.relname""",
            (schema,)).fetchall()
    return [tuple(str(v).replace(schema + ".", "<schema>.") for v in row) for row in found]


def all_rows(conn, schema):
    tables = [r[0] for r in conn.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r' ORDER BY 1",
        (schema,))]
    return {t: conn.execute(f'SELECT t::text FROM "{schema}"."{t}" t ORDER BY 1').fetchall() for t in tables}


def state(conn):
    """Everything a user can see of the repository."""
    branches = conn.execute("SELECT name, parent, schema_name, head_commit_hash FROM pggit.list_branches()"
                            ).fetchall()
    out = {"branches": branches}
    for name, _, schema, _ in branches:
        out[f"log {name}"] = conn.execute("SELECT hash, parents, message FROM pggit.log(%s)", (name,)).fetchall()
        out[f"schema {name}"] = schema_of(conn, schema)
        out[f"rows {name}"] = all_rows(conn, schema)
    for a, *_ in branches:
        for b, *_ in branches:
            if a != b:
                out[f"diff {a} {b}"] = conn.execute(
                    "SELECT change_type, object_type, object_name, sql_to_sync FROM pggit.schema_diff(%s, %s) "
                    "ORDER BY 1, 2, 3, 4", (a, b)).fetchall()
    out["merges"] = conn.execute("SELECT source_branch, target_branch, base_commit, source_commit, "
                                 "target_commit, merge_commit, status FROM pggit.merge_history ORDER BY id"
                                 ).fetchall()
    out["versioned"] = conn.execute("SELECT b.name, object_type, object_name FROM pggit.versioned_objects v "
                                    "JOIN pggit.branches b ON b.id = v.branch_id ORDER BY 1, 2, 3").fetchall()
    out["history"] = conn.execute("SELECT branch_name, object_type, object_name, command_tag FROM "
                                  "pggit.version_history ORDER BY id").fetchall()
    out["public"] = conn.execute("SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                                 "ORDER BY 1").fetchall()
    return out


def dump_and_restore(server, source, target):
    where = ["-h", server.host, "-p", str(server.port), "-U", server.user]
    dump = subprocess.run([str(PG_BIN / "pg_dump"), *where, "-Fc", source.info.dbname],
                          check=True, capture_output=True).stdout
    done = subprocess.run([str(PG_BIN / "pg_restore"), *where, "--exit-on-error", "-d", target.info.dbname],
                          input=dump, capture_output=True, text=False)
    assert done.returncode == 0, done.stderr.decode()


@pytest.fixture
def history(pg):
    """main with a merged feature (a column, an index, a table, rows) and an open branch."""
    pg.execute(SHOP)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature/users-api', 'main')")
    on(pg, "feature/users-api", """
        ALTER TABLE users ADD COLUMN verified boolean NOT NULL DEFAULT false;
        CREATE INDEX users_name_idx ON users (name);
        CREATE TABLE notes (id serial PRIMARY KEY, body text);
        INSERT INTO notes (body) VALUES ('on the branch');
        INSERT INTO users (email, name) VALUES ('cy@example.com', 'Cy');
    """)
    pg.execute("SELECT pggit.commit('users api')")
    assert scalar(pg, "SELECT status FROM pggit.merge('feature/users-api', 'main')") in ("merged", "fast_forward")
    pg.execute("SELECT pggit.create_branch('experiment', 'main')")
    pg.execute("SELECT pggit.enable_lens()")
    on(pg, "experiment", "ALTER TABLE orders ADD COLUMN note text; UPDATE orders SET note = 'x'")
    return pg


def test_dump_restore_keeps_branches_commits_and_merges(server, history, new_db):
    before = state(history)
    restored = new_db()
    dump_and_restore(server, history, restored)
    after = state(restored)
    # the history comes back as it was; the restore's own DDL once the metadata's rows
    # are in is recorded after it, like any DDL (no setting turns recording off)
    restored_history = after.pop("history")
    assert restored_history[:len(before["history"])] == before.pop("history")
    for key in before:
        assert after[key] == before[key], (key, [(a, b) for a, b in zip(after[key], before[key]) if a != b])
    assert after == before
    # the diff between the two branches says what the experiment changed
    assert ("orders",) in [(r[2].split(".")[0],) for r in after["diff main experiment"]]


def test_restored_repository_keeps_working(server, history, new_db):
    restored = new_db()
    dump_and_restore(server, history, restored)
    db = restored
    # the open branch merges
    assert scalar(db, "SELECT status FROM pggit.merge('experiment', 'main')") in ("merged", "fast_forward")
    assert "note" in [r[0] for r in db.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'public.orders'::regclass AND attnum > 0")]
    # a new branch, DDL on it, a merge back
    assert scalar(db, "SELECT pggit.create_branch('after-restore')") == "pggit_branch_after_restore"
    # merges carry schema, not rows: main has its own two users
    assert scalar(db, "SELECT count(*) FROM pggit_branch_after_restore.users") == 2
    assert scalar(db, "SELECT count(*) FROM pggit.schema_diff('main', 'after-restore')") == 0
    db.execute("SELECT pggit.switch_branch('after-restore')")
    assert scalar(db, "SELECT pggit.current_branch()") == "after-restore"
    db.execute("ALTER TABLE users ADD COLUMN nickname text")
    db.execute("INSERT INTO users (email, name, nickname) VALUES ('di@example.com', 'Di', 'd')")
    db.execute("SELECT pggit.switch_branch('main')")
    assert "nickname" not in [r[0] for r in db.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attnum > 0")]
    assert [r[0] for r in db.execute("SELECT change_type FROM pggit.schema_diff('main', 'after-restore')")] != []
    assert scalar(db, "SELECT status FROM pggit.merge('after-restore', 'main')") in ("merged", "fast_forward")
    assert "nickname" in [r[0] for r in db.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attnum > 0")]
    # sequences kept their values: a new row on main does not collide
    db.execute("INSERT INTO public.users (email) VALUES ('eve@example.com')")
    assert scalar(db, "SELECT max(id) FROM public.users") == 3
    assert scalar(db, "SELECT count(*) FROM pggit_branch_feature_users_api.notes") == 1
    # the log grew on top of the restored history
    assert len(db.execute("SELECT * FROM pggit.log('main')").fetchall()) >= 4
    db.execute("SELECT pggit.delete_branch('after-restore')")


@pytest.mark.parametrize("how", ["connection_options", "lens"])
def test_restored_branches_are_reached_as_before(server, history, new_db, how):
    restored = new_db()
    dump_and_restore(server, history, restored)
    options = (scalar(restored, "SELECT pggit.connection_options('experiment')") if how == "connection_options"
               else "-c search_path=pggit_lens,public -c pggit.current_branch=experiment")
    guc = connect(server, restored.info.dbname, options=options)
    try:
        assert guc.execute("SELECT count(*) FROM users").fetchone()[0] == 2
        guc.execute("INSERT INTO users (email, name) VALUES ('guc@example.com', 'Guc')")
        assert scalar(restored, "SELECT count(*) FROM pggit_branch_experiment.users WHERE name = 'Guc'") == 1
        assert scalar(restored, "SELECT count(*) FROM public.users WHERE name = 'Guc'") == 0
        guc.execute("UPDATE orders SET quantity = 7 WHERE id = 1")
        assert scalar(restored, "SELECT quantity FROM pggit_branch_experiment.orders WHERE id = 1") == 7
        assert scalar(restored, "SELECT quantity FROM public.orders WHERE id = 1") == 3
    finally:
        guc.close()
    main = connect(server, restored.info.dbname)
    try:
        assert main.execute("SELECT count(*) FROM notes").fetchone()[0] == 0  # merged: the table, not its rows
        assert main.execute("SELECT name FROM users WHERE id = 2").fetchone()[0] == "Bob"
    finally:
        main.close()
