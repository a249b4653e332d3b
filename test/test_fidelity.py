"""Branches of real schemas: shapes that broke create_branch (issue 12's first three)."""

import subprocess
import tempfile

import psycopg
import pytest
from pytest_postgresql import factories

from conftest import PG_BIN, connect, scalar

SHAPES = {
    "partitions made before init, with rows": """
        CREATE TABLE m (id int, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
        CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        CREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        INSERT INTO m VALUES (1, '2024-03-01'), (2, '2025-03-01');
    """,
    "a foreign key cycle": """
        CREATE TABLE a (id int PRIMARY KEY, b_id int);
        CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));
        ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id);
        INSERT INTO a VALUES (1, NULL); INSERT INTO b VALUES (1, 1); UPDATE a SET b_id = 1;
    """,
    "deferrable, initially deferred foreign keys (Django's)": """
        CREATE TABLE parent (id int PRIMARY KEY);
        CREATE TABLE child (id int PRIMARY KEY,
                            parent_id int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);
        INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1);
    """,
    "foreign keys declared on partitions": """
        CREATE TABLE customers (id int PRIMARY KEY);
        CREATE TABLE orders (id int, at date NOT NULL, customer_id int) PARTITION BY RANGE (at);
        CREATE TABLE orders_2024 PARTITION OF orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        ALTER TABLE orders_2024 ADD FOREIGN KEY (customer_id) REFERENCES customers (id);
        INSERT INTO customers VALUES (1); INSERT INTO orders VALUES (1, '2024-05-01', 1);
    """,
}


def tables_and_rows(conn, schema):
    tables = [r[0] for r in conn.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind IN ('r', 'p') ORDER BY 1",
        (schema,))]
    return {t: conn.execute(f'SELECT md5(string_agg(x::text, \',\' ORDER BY x::text)) FROM "{schema}"."{t}" x')
            .fetchone()[0] for t in tables}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_branch_is_an_exact_copy(pg, shape):
    pg.execute(SHAPES[shape])
    pg.execute("SELECT pggit.init()")
    schema = scalar(pg, "SELECT pggit.create_branch('copy')")
    assert tables_and_rows(pg, schema) == tables_and_rows(pg, "public")
    assert list(pg.execute("SELECT * FROM pggit.schema_diff('main', 'copy')")) == []
    # every constraint of the copy holds and points inside the branch
    foreign = pg.execute("SELECT confrelid::regclass::text, convalidated FROM pg_constraint "
                         "WHERE contype = 'f' AND connamespace = %s::regnamespace", (schema,)).fetchall()
    assert all(target.startswith(schema + ".") and valid for target, valid in foreign)


# A server whose lock table is as small as PostgreSQL allows (10 locks per slot).
small_locks = factories.postgresql_proc(
    executable=str(PG_BIN / "pg_ctl"), port=None, unixsocketdir=tempfile.gettempdir(),
    postgres_options="-c fsync=off -c max_locks_per_transaction=10 -c max_connections=20")


def test_a_copy_the_lock_table_cannot_hold_fails_whole_with_the_setting_to_change(small_locks):
    conn = connect(small_locks, "postgres")
    try:
        conn.execute("CREATE DATABASE locks TEMPLATE template0")
    finally:
        conn.close()
    pg = connect(small_locks, "locks")
    try:
        pg.execute("CREATE EXTENSION pggit CASCADE")
        for i in range(400):  # one transaction each: the lock table holds that
            pg.execute(f"CREATE TABLE t{i} (id int PRIMARY KEY, note text)")
        pg.execute("SELECT pggit.init()")
        schemas = scalar(pg, "SELECT count(*) FROM pg_namespace")
        with pytest.raises(psycopg.Error) as e:
            pg.execute("SELECT pggit.create_branch('big')")
        assert e.value.sqlstate == "53200"
        assert e.value.diag.message_primary.startswith("pggit: create_branch of schema public ran out")
        assert "max_locks_per_transaction to at least" in e.value.diag.message_hint
        assert scalar(pg, "SELECT count(*) FROM pg_namespace") == schemas
        assert scalar(pg, "SELECT count(*) FROM pggit.branches") == 1
    finally:
        pg.close()


def test_a_view_whose_cte_shares_a_tables_name_reads_its_own_branch(pg):
    """Issue 12, item 5: pg_get_viewdef qualifies the table (`public.t`) because a CTE has
    its name; the branch's copy must read the branch's table, never main's."""
    pg.execute("""
        CREATE TABLE t (id int PRIMARY KEY, v text);
        INSERT INTO t VALUES (1, 'main');
        CREATE VIEW v AS WITH t AS (SELECT id, v FROM t WHERE id > 0) SELECT * FROM t;
        CREATE VIEW w AS WITH t AS (SELECT 2 AS id, 'cte' AS v) SELECT * FROM t UNION ALL SELECT * FROM public.t;
    """)
    pg.execute("SELECT pggit.init()")
    schema = scalar(pg, "SELECT pggit.create_branch('b')")
    pg.execute(f"UPDATE {schema}.t SET v = 'branch'")
    assert pg.execute(f"SELECT v FROM {schema}.v").fetchall() == [("branch",)]
    assert sorted(pg.execute(f"SELECT v FROM {schema}.w").fetchall()) == [("branch",), ("cte",)]
    assert pg.execute("SELECT v FROM public.v").fetchall() == [("main",)]
    assert list(pg.execute("SELECT * FROM pggit.schema_diff('main', 'b')")) == []
    # the patch for production names production's own schema
    pg.execute(f"CREATE OR REPLACE VIEW {schema}.v AS WITH t AS (SELECT id, v FROM {schema}.t WHERE id > 1) "
               "SELECT * FROM t")
    patch = scalar(pg, "SELECT pggit.schema_diff_sql('main', 'b')")
    assert "public.t" in patch and schema not in patch


def test_constraint_triggers_and_range_types_branch(pg):
    """Issue 12, item 4: a constraint trigger is copied as a trigger, and a range type's
    constructor functions are not copied without their type (range types are shared)."""
    pg.execute("""
        CREATE TYPE span AS RANGE (subtype = int);
        CREATE TABLE bookings (id int PRIMARY KEY, during span);
        INSERT INTO bookings VALUES (1, span(1, 5));
        CREATE FUNCTION check_booking() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER bookings_check AFTER INSERT ON bookings
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_booking();
    """)
    pg.execute("SELECT pggit.init()")
    schema = scalar(pg, "SELECT pggit.create_branch('b')")
    assert scalar(pg, f"SELECT tgconstraint <> 0 FROM pg_trigger WHERE tgname = 'bookings_check' "
                      f"AND tgrelid = '{schema}.bookings'::regclass")
    assert scalar(pg, f"SELECT during::text FROM {schema}.bookings") == "[1,5)"
    assert list(pg.execute("SELECT * FROM pggit.schema_diff('main', 'b')")) == []
    pg.execute("SELECT pggit.switch_branch('b')")
    assert scalar(pg, "SELECT span(2, 3)::text") == "[2,3)"  # shared, not masked
    pg.execute("INSERT INTO bookings VALUES (2, span(6, 9))")


def test_a_merge_that_adds_an_enum_value_and_uses_it(pg):
    """Issue 12, item 9: a value added by ALTER TYPE ... ADD VALUE cannot be used in the
    transaction that added it; a merge is one transaction, so the enum is made again."""
    pg.execute("""
        CREATE TYPE mood AS ENUM ('sad', 'ok');
        CREATE TABLE people (id int PRIMARY KEY, m mood NOT NULL DEFAULT 'ok');
        INSERT INTO people VALUES (1, 'sad'), (2, 'ok');
    """)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('b')")
    pg.execute("SELECT pggit.switch_branch('b')")
    pg.execute("ALTER TYPE mood ADD VALUE 'happy'")
    pg.execute("ALTER TABLE people ALTER COLUMN m SET DEFAULT 'happy'")
    pg.execute("ALTER TABLE people ADD CONSTRAINT not_sad_twice CHECK (m <> 'happy' OR id > 0)")
    pg.execute("CREATE VIEW happy_people AS SELECT id FROM people WHERE m = 'happy'")
    pg.execute("SELECT pggit.switch_branch('main')")
    assert scalar(pg, "SELECT status FROM pggit.merge('b', 'main')") in ("merged", "fast_forward")
    assert pg.execute("SELECT id, m::text FROM people ORDER BY id").fetchall() == [(1, "sad"), (2, "ok")]
    pg.execute("INSERT INTO people (id) VALUES (3)")
    assert pg.execute("SELECT id FROM happy_people").fetchall() == [(3,)]
    assert scalar(pg, "SELECT array_agg(e ORDER BY e)::text FROM unnest(enum_range(NULL::mood)) e") == "{sad,ok,happy}"
    assert list(pg.execute("SELECT * FROM pggit.schema_diff('main', 'b')")) == []


def test_a_patch_that_adds_an_enum_value_and_uses_it_runs_with_psql_f(pg, new_db):
    pg.execute("CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE people (id int, m mood DEFAULT 'ok')")
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('b')")
    pg.execute("SELECT pggit.switch_branch('b')")
    pg.execute("ALTER TYPE mood ADD VALUE 'happy'")
    pg.execute("ALTER TABLE people ALTER COLUMN m SET DEFAULT 'happy'")
    patch = scalar(pg, "SELECT pggit.schema_diff_sql('main', 'b')")
    assert patch.startswith("-- Run this script statement by statement (psql -f")
    production = new_db()
    production.execute("CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE people (id int, m mood DEFAULT 'ok')")
    info = production.info
    subprocess.run([str(PG_BIN / "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-h", info.host, "-p", str(info.port),
                    "-U", info.user, "-d", info.dbname, "-f", "-"], input=patch, text=True, check=True,
                   capture_output=True)
    production.execute("INSERT INTO people (id) VALUES (1)")
    assert scalar(production, "SELECT m::text FROM people") == "happy"
