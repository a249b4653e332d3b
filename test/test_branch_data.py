"""create_branch(..., data => 'all' | 'none' | 'tables', tables => ...) (issue 14): a
branch of a big database with the schema and only the rows it needs."""

import psycopg
import pytest

from conftest import scalar
from test_cli import dsn, run, run_json
from test_merge import on

SHOP = """
CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers, note text);
CREATE TABLE countries (iso text PRIMARY KEY, name text);
CREATE TABLE django_migrations (id serial PRIMARY KEY, app text NOT NULL, name text NOT NULL,
                                applied timestamptz NOT NULL DEFAULT now());
CREATE TABLE flags (code text PRIMARY KEY, enabled boolean);
INSERT INTO customers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, 50) g;
INSERT INTO orders (customer_id, note) SELECT 1 + g % 50, 'n' || g FROM generate_series(1, 200) g;
INSERT INTO countries VALUES ('FR', 'France'), ('DE', 'Germany');
INSERT INTO django_migrations (app, name) VALUES ('shop', '0001_initial');
INSERT INTO flags VALUES ('dark', true);
"""


@pytest.fixture
def shop(pg):
    pg.execute(SHOP)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.track_data('flags')")
    return pg


def counts(conn, schema):
    return {t: scalar(conn, f'SELECT count(*) FROM "{schema}"."{t}"')
            for t in ("customers", "orders", "countries", "django_migrations", "flags")}


def test_a_schema_only_branch_has_every_object_and_only_the_rows_that_travel(shop):
    schema = scalar(shop, "SELECT pggit.create_branch('empty', data => 'none')")
    assert counts(shop, schema) == {"customers": 0, "orders": 0, "countries": 0, "django_migrations": 1,
                                    "flags": 1}
    assert shop.execute("SELECT * FROM pggit.schema_diff('main', 'empty')").fetchall() == []
    assert scalar(shop, "SELECT data FROM pggit.list_branches() WHERE name = 'empty'") == "none"
    assert scalar(shop, "SELECT data FROM pggit.list_branches() WHERE name = 'main'") == "all"
    # a seed script on the branch: its ids continue from the parent's, never collide
    on(shop, "empty", "INSERT INTO customers (email) VALUES ('seed@example.com'); "
                      "INSERT INTO orders (customer_id, note) SELECT id, 'seeded' FROM customers")
    assert scalar(shop, f"SELECT min(id) FROM {schema}.customers") == 51
    assert scalar(shop, f"SELECT min(id) FROM {schema}.orders") == 201


def test_a_schema_only_branch_merges_into_a_main_full_of_rows(shop):
    shop.execute("SELECT pggit.create_branch('empty', data => 'none')")
    on(shop, "empty", "ALTER TABLE customers ADD COLUMN vip boolean NOT NULL DEFAULT false; "
                      "CREATE INDEX orders_note ON orders (note)")
    before = counts(shop, "public")
    assert scalar(shop, "SELECT status FROM pggit.merge('empty', 'main')") == "fast_forward"
    assert counts(shop, "public") == before  # merges carry schema (and tracked rows) only
    assert scalar(shop, "SELECT count(*) FROM customers WHERE NOT vip") == 50
    assert scalar(shop, "SELECT to_regclass('public.orders_note') IS NOT NULL")


def test_some_tables_rows(shop):
    schema = scalar(shop, "SELECT pggit.create_branch('some', data => 'tables', "
                          "tables => ARRAY['countries', 'customers'])")
    assert counts(shop, schema) == {"customers": 50, "orders": 0, "countries": 2, "django_migrations": 1,
                                    "flags": 1}
    assert scalar(shop, "SELECT data FROM pggit.list_branches() WHERE name = 'some'") == \
        "tables: countries, customers"
    schema = scalar(shop, "SELECT pggit.create_branch('both', data => 'tables', "
                          "tables => ARRAY['orders', 'customers'])")
    assert counts(shop, schema)["orders"] == 200


def test_rows_whose_foreign_keys_need_rows_left_behind_are_refused_up_front(shop):
    with pytest.raises(psycopg.Error) as raised:
        shop.execute("SELECT pggit.create_branch('orders_only', data => 'tables', tables => ARRAY['orders'])")
    diag = raised.value.diag
    assert raised.value.sqlstate == "22023"
    assert diag.message_primary == ("pggit: the rows of orders need rows of customers (orders_customer_id_fkey), "
                                    "which the branch would not have")
    assert "Name customers in tables too" in diag.message_hint
    assert scalar(shop, "SELECT count(*) FROM pggit.branches") == 1
    assert scalar(shop, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pggit_%orders_only'") == 0
    # orders whose key is not set need nothing: then the table may come alone
    shop.execute("UPDATE orders SET customer_id = NULL")
    schema = scalar(shop, "SELECT pggit.create_branch('orders_only', data => 'tables', tables => ARRAY['orders'])")
    assert counts(shop, schema)["orders"] == 200


@pytest.mark.parametrize("call,sqlstate,message", [
    ("SELECT pggit.create_branch('x', data => 'some')", "22023", "pggit: data must be 'all', 'none' or 'tables'"),
    ("SELECT pggit.create_branch('x', data => 'tables')", "22023", "pggit: tables => ... goes with data => 'tables'"),
    ("SELECT pggit.create_branch('x', tables => ARRAY['orders'])", "22023", "pggit: tables => ... goes with"),
    ("SELECT pggit.create_branch('x', data => 'tables', tables => ARRAY['nope'])", "42P01",
     "pggit: no table nope in schema public"),
])
def test_data_mistakes(shop, call, sqlstate, message):
    with pytest.raises(psycopg.Error) as raised:
        shop.execute(call)
    assert raised.value.sqlstate == sqlstate and raised.value.diag.message_primary.startswith(message)
    assert raised.value.diag.message_hint
    assert scalar(shop, "SELECT count(*) FROM pggit.branches") == 1


def test_the_command_line_chooses_the_rows(shop):
    db = dsn(shop)
    out = run("branch", "lean", "--data", "none", "--dsn", db).stdout
    assert "schema only" in out
    assert run_json("branch", "refs", "--table", "countries", "--dsn", db)["data"] == "tables"
    listed = {b["name"]: b["data"] for b in run_json("branch", "--dsn", db)}
    assert listed == {"main": "all", "lean": "none", "refs": "tables: countries"}
    assert "(made with data: none)" in run("status", "--branch", "lean", "--dsn", db).stdout
    assert counts(shop, "pggit_branch_refs")["countries"] == 2
