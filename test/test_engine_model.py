"""Engine properties: empty self-diff, stable output, JSON round trip, unqualified names."""

from engine_support import run_sql

from pggit.catalog import load_schema
from pggit.db import PsycopgDb
from pggit.diff import compare
from pggit.engine import diff_schemas, diff_script
from pggit.model import Schema

# One of every kind the model reads, written for these tests (no fixture outside the repo).
DDL = """
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN score AS int CHECK (VALUE BETWEEN 0 AND 10) DEFAULT 5;
CREATE TYPE pair AS (a int, b text);
CREATE SEQUENCE invoice_no START 1000 INCREMENT 5 CACHE 2;
CREATE TABLE users (
    id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name varchar(80) COLLATE "C",
    m mood DEFAULT 'ok',
    s score,
    p pair,
    tags text[] DEFAULT '{}',
    price numeric(10,2) CHECK (price >= 0),
    twice int GENERATED ALWAYS AS (s * 2) STORED,
    created timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id int NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    during tstzrange,
    EXCLUDE USING gist (during WITH &&)
) WITH (fillfactor = 90);
CREATE INDEX orders_user_idx ON orders (user_id) WHERE user_id > 0;
CREATE UNLOGGED TABLE scratch (k text);
CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created := now(); RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
CREATE FUNCTION user_count(min_id int DEFAULT 0) RETURNS bigint LANGUAGE sql STABLE
    AS 'SELECT count(*) FROM users WHERE id > min_id';
CREATE PROCEDURE bump(n int) LANGUAGE sql AS 'SELECT nextval(''invoice_no'')';
CREATE VIEW happy AS SELECT id, email FROM users WHERE m = 'happy';
CREATE MATERIALIZED VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY user_id WITH NO DATA;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON users USING (email = current_user);
COMMENT ON TABLE users IS 'the users';
COMMENT ON COLUMN users.email IS 'their address';
GRANT SELECT ON happy TO PUBLIC;
"""


def _two_schemas(conn):
    for schema in ("main_s", "pggit_branch_x"):
        conn.execute(f"CREATE SCHEMA {schema}")
        run_sql(conn, DDL, schema)
    return PsycopgDb(conn)


def test_identical_schemas_have_no_diff_even_across_schemas(new_db):
    db = _two_schemas(new_db())
    assert diff_schemas(db, "main_s", db, "pggit_branch_x") == []
    assert load_schema(db, "main_s") == load_schema(db, "pggit_branch_x")


def test_json_round_trip_and_stable_text(new_db):
    db = _two_schemas(new_db())
    schema = load_schema(db, "main_s")
    text = schema.to_json()
    assert Schema.from_json(text) == schema
    assert Schema.from_json(text).to_json() == text
    assert load_schema(db, "pggit_branch_x").to_json() == text


def test_script_from_empty_names_nothing_of_the_schema(new_db):
    conn = new_db()
    db = _two_schemas(conn)
    conn.execute("CREATE SCHEMA empty")
    script = diff_script(db, "empty", db, "main_s")
    assert "main_s" not in script and script == diff_script(db, "empty", db, "main_s")
    run_sql(conn, script, "empty")
    assert diff_schemas(db, "empty", db, "main_s") == []


def test_search_path_is_restored(new_db):
    conn = new_db()
    db = _two_schemas(conn)
    conn.execute("SET search_path = pg_catalog, public")
    load_schema(db, "main_s")
    assert conn.execute("SHOW search_path").fetchone()[0] == "pg_catalog, public"


def test_compare_is_set_arithmetic():
    assert compare({"a": 1, "b": 2, "c": 3}, {"b": 2, "c": 4, "d": 5}) == (["d"], ["a"], ["c"])
