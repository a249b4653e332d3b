"""Engine properties: empty self-diff, stable output, JSON round trip, unqualified names."""

from engine_support import MIGRA, run_sql

from pggit.catalog import load_schema
from pggit.db import PsycopgDb
from pggit.diff import compare
from pggit.engine import diff_schemas, diff_script
from pggit.model import Schema

DDL = (MIGRA / "everything" / "b.sql").read_text().replace("h hstore", "h text") \
    .split("create schema evenbetterschema;")[1]


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
