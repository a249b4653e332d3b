"""Commits and three-way merge on a real server.

The heart is a table of merge scenarios: branch `feature` from main's SHOP schema,
change the feature (and, for a real three-way merge, main after the fork), merge
feature into main, then look at main's catalog and rows. A merge that conflicts or
that main's rows refuse must leave main exactly as it was.
"""

import threading
import time
from dataclasses import dataclass, field

import psycopg
import pytest

from conftest import connect, scalar
from pggit.db import PsycopgDb
from pggit.engine import diff_schemas

SHOP = """
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE products (id serial PRIMARY KEY, title text NOT NULL, price numeric(10,2) NOT NULL);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    product_id int NOT NULL REFERENCES products(id),
    quantity int NOT NULL DEFAULT 1 CHECK (quantity > 0)
);
CREATE INDEX orders_user_idx ON orders (user_id);
INSERT INTO users (email, name) VALUES ('ann@example.com', 'Ann'), ('bob@example.com', 'Bob');
INSERT INTO products (title, price) VALUES ('pen', 1.50), ('book', 12.00);
INSERT INTO orders (user_id, product_id, quantity) VALUES (1, 1, 3), (2, 2, 1);
"""

MAIN = "public"
FEATURE = "pggit_branch_feature"


def catalog(conn, schema=MAIN):
    """Relations with their columns (type, default, not null), constraints, indexes, triggers."""
    return conn.execute("""
        SELECT c.relname, c.relkind,
               (SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                 || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
                                 || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END ORDER BY a.attnum)
                  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
               (SELECT array_agg(conname || ' ' || pg_get_constraintdef(k.oid) ORDER BY conname)
                  FROM pg_constraint k WHERE k.conrelid = c.oid),
               (SELECT array_agg(tgname ORDER BY tgname) FROM pg_trigger t
                 WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)
          FROM pg_class c WHERE c.relnamespace = %s::regnamespace ORDER BY c.relname""",
        (schema,)).fetchall()


def all_rows(conn, schema=MAIN):
    """Every row of every table of the schema, as text."""
    tables = [r[0] for r in conn.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r' ORDER BY 1",
        (schema,))]
    return {t: conn.execute(f'SELECT t::text FROM "{schema}"."{t}" t ORDER BY 1').fetchall() for t in tables}


def columns(conn, table, schema=MAIN):
    return dict(conn.execute("""
        SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
         WHERE attrelid = format('%%I.%%I', %s::text, %s::text)::regclass AND attnum > 0 AND NOT attisdropped""",
        (schema, table)).fetchall())


def exists(conn, name, schema=MAIN):
    return scalar(conn, "SELECT to_regclass(format('%%I.%%I', %s::text, %s::text)) IS NOT NULL", (schema, name))


def on(conn, branch, sql):
    """Run DDL/DML on a branch the way a user does: switch to it, run, switch back."""
    if sql:
        conn.execute("SELECT pggit.switch_branch(%s)", (branch,))
        try:
            conn.execute(sql)
        finally:
            conn.execute("SELECT pggit.switch_branch('main')")


def users(conn, schema=MAIN):
    return conn.execute(f"SELECT id, email FROM {schema}.users ORDER BY id").fetchall()


def same_schemas(conn, a=MAIN, b=FEATURE):
    db = PsycopgDb(conn)
    return diff_schemas(db, a, db, b) == []


@pytest.fixture
def shop(pg):
    pg.execute(SHOP)
    pg.execute("SELECT pggit.init()")
    return pg


@dataclass
class Case:
    name: str
    feature: str = ""  # SQL on the feature branch after the fork
    main: str = ""  # SQL on main after the fork (main moved on)
    status: str = "merged"  # or fast_forward / up_to_date / conflicts / error
    strategy: str = "fail"
    resolutions: str | None = None
    check: object = None  # fn(conn): main's catalog and rows afterwards
    conflicts: list = field(default_factory=list)  # object names expected in conflict
    error: str = ""  # regex the error must match
    sqlstate: str = ""


def _cols(table, *expected):
    def check(conn):
        got = columns(conn, table)
        for item in expected:
            name, _, typ = item.partition(" ")
            if typ == "-":
                assert name not in got, (name, got)
            else:
                assert got.get(name) == (typ or got.get(name)) and name in got, (name, got)
    return check


def _values(table, column, expected):
    def check(conn):
        got = [r[0] for r in conn.execute(f'SELECT "{column}" FROM "{table}" ORDER BY 1')]
        assert got == sorted(expected), (table, column, got)
    return check


def _all(*checks):
    def check(conn):
        for c in checks:
            c(conn)
    return check


def _sql_true(sql):
    def check(conn):
        assert scalar(conn, sql), sql
    return check


ADD_COLUMN_BOTH = "ALTER TABLE users ADD COLUMN nickname text"
MOVE_MAIN = "CREATE TABLE audit (id serial PRIMARY KEY, note text)"

CASES = [
    # one side changes, the other does not: fast-forward
    Case("feature adds a table", "CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL)",
         status="fast_forward", check=_all(_cols("tags", "id integer", "label text"),
                                           _sql_true("SELECT count(*) = 0 FROM public.tags"))),
    Case("feature adds a column with a default", "ALTER TABLE users ADD COLUMN verified boolean DEFAULT false",
         status="fast_forward", check=_all(_cols("users", "verified boolean"), _sql_true(
             "SELECT bool_and(NOT verified) AND count(*) = 2 FROM public.users"))),
    Case("feature adds an index", "CREATE INDEX users_name_idx ON users (name)", status="fast_forward",
         check=_sql_true("SELECT to_regclass('public.users_name_idx') IS NOT NULL")),
    Case("feature adds a foreign key",
         "ALTER TABLE products ADD COLUMN maker_id int REFERENCES users(id)", status="fast_forward",
         check=_sql_true("SELECT confrelid = 'public.users'::regclass FROM pg_constraint "
                         "WHERE conname = 'products_maker_id_fkey' AND conrelid = 'public.products'::regclass")),
    Case("feature adds a function and a trigger",
         "CREATE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS "
         "$$ BEGIN NEW.email := lower(NEW.email); RETURN NEW; END $$;"
         "CREATE TRIGGER users_lower BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION lower_email()",
         status="fast_forward",
         check=_sql_true("SELECT count(*) = 1 FROM pg_trigger WHERE tgname = 'users_lower' "
                         "AND tgrelid = 'public.users'::regclass")),
    Case("feature adds a view", "CREATE VIEW big_orders AS SELECT * FROM orders WHERE quantity > 1",
         status="fast_forward", check=_sql_true("SELECT count(*) = 1 FROM public.big_orders")),
    Case("feature drops a column", "ALTER TABLE users DROP COLUMN name", status="fast_forward",
         check=_cols("users", "name -", "email text")),
    Case("fast-forward keeps rows main wrote after the fork", "ALTER TABLE products ADD COLUMN sku text",
         main="INSERT INTO products (title, price) VALUES ('ink', 3)", status="fast_forward",
         check=_all(_cols("products", "sku text"),
                    _sql_true("SELECT count(*) = 3 FROM public.products WHERE sku IS NULL"))),
    Case("nothing to merge", status="up_to_date", check=_cols("users", "name text")),
    # both sides moved: three-way
    Case("main moved on after the fork", "CREATE TABLE tags (id serial PRIMARY KEY)", main=MOVE_MAIN,
         check=_all(_cols("tags", "id integer"), _cols("audit", "note text"))),
    Case("both add the same column identically", ADD_COLUMN_BOTH, main=ADD_COLUMN_BOTH + ";" + MOVE_MAIN,
         check=_cols("users", "nickname text")),
    Case("both add the same column differently", "ALTER TABLE users ADD COLUMN nickname varchar(20)",
         main=ADD_COLUMN_BOTH, status="conflicts", conflicts=["users.nickname"]),
    Case("conflict resolved by theirs", "ALTER TABLE users ADD COLUMN nickname varchar(20)",
         main=ADD_COLUMN_BOTH, strategy="theirs", check=_cols("users", "nickname character varying(20)")),
    Case("conflict resolved by ours", "ALTER TABLE users ADD COLUMN nickname varchar(20)",
         main=ADD_COLUMN_BOTH, strategy="ours", check=_cols("users", "nickname text")),
    Case("conflicts resolved per object",
         "ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int",
         main="ALTER TABLE users ADD COLUMN a bigint, ADD COLUMN b bigint",
         resolutions='{"users.a": "theirs", "COLUMN users.b": "ours"}',
         check=_cols("users", "a integer", "b bigint")),
    Case("one resolution of two conflicts is not enough",
         "ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int",
         main="ALTER TABLE users ADD COLUMN a bigint, ADD COLUMN b bigint",
         resolutions='{"users.a": "theirs"}', status="conflicts", conflicts=["users.b"]),
    Case("type change on one side", "ALTER TABLE orders ALTER COLUMN quantity TYPE bigint", main=MOVE_MAIN,
         check=_all(_cols("orders", "quantity bigint"),
                    _sql_true("SELECT array_agg(quantity ORDER BY id) = '{3,1}' FROM public.orders"))),
    Case("same type change on both sides", "ALTER TABLE orders ALTER COLUMN quantity TYPE bigint",
         main="ALTER TABLE orders ALTER COLUMN quantity TYPE bigint;" + MOVE_MAIN,
         check=_cols("orders", "quantity bigint")),
    Case("different type changes on both sides", "ALTER TABLE orders ALTER COLUMN quantity TYPE bigint",
         main="ALTER TABLE orders ALTER COLUMN quantity TYPE numeric", status="conflicts",
         conflicts=["orders.quantity"]),
    Case("drop on one side, modify on the other", "ALTER TABLE users DROP COLUMN name",
         main="ALTER TABLE users ALTER COLUMN name TYPE varchar(50)", status="conflicts",
         conflicts=["users.name"]),
    Case("drop versus modify resolved by theirs", "ALTER TABLE users DROP COLUMN name",
         main="ALTER TABLE users ALTER COLUMN name TYPE varchar(50)", resolutions='{"users.name": "theirs"}',
         check=_cols("users", "name -")),
    Case("table dropped on one side, extended on the other", "DROP TABLE orders",
         main="ALTER TABLE orders ADD COLUMN note text", status="conflicts", conflicts=["orders"]),
    Case("dropped table kept by ours", "DROP TABLE orders", main="ALTER TABLE orders ADD COLUMN note text",
         strategy="ours", check=_cols("orders", "note text", "quantity integer")),
    Case("drop on one side, untouched on the other", "ALTER TABLE users DROP COLUMN name", main=MOVE_MAIN,
         check=_all(_cols("users", "name -"), _cols("audit", "id integer"))),
    Case("rename a column on one side", "ALTER TABLE users RENAME COLUMN name TO full_name", main=MOVE_MAIN,
         check=_cols("users", "full_name text", "name -")),
    # renames are known by identity: the data follows, and a rename meets other changes
    Case("rename on one side, modify on the other", "ALTER TABLE users RENAME COLUMN name TO full_name",
         main="ALTER TABLE users ALTER COLUMN name SET NOT NULL",
         check=_all(_cols("users", "full_name text", "name -"), _values("users", "full_name", ["Ann", "Bob"]),
                    _sql_true("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass "
                              "AND attname = 'full_name'"))),
    Case("rename keeps the values the target wrote after the fork",
         "ALTER TABLE users RENAME COLUMN name TO display_name",
         main="UPDATE users SET name = 'Ann Two' WHERE id = 1; " + MOVE_MAIN,
         check=_values("users", "display_name", ["Ann Two", "Bob"])),
    Case("renamed the same way on both sides", "ALTER TABLE users RENAME COLUMN name TO full_name",
         main="ALTER TABLE users RENAME COLUMN name TO full_name; " + MOVE_MAIN,
         check=_values("users", "full_name", ["Ann", "Bob"])),
    Case("renamed differently on both sides", "ALTER TABLE users RENAME COLUMN name TO full_name",
         main="ALTER TABLE users RENAME COLUMN name TO display_name", status="conflicts",
         conflicts=["users.name"]),
    Case("renamed differently on both sides, resolved by theirs",
         "ALTER TABLE users RENAME COLUMN name TO full_name",
         main="ALTER TABLE users RENAME COLUMN name TO display_name", resolutions='{"users.name": "theirs"}',
         check=_all(_cols("users", "full_name text", "display_name -"), _values("users", "full_name", ["Ann", "Bob"]))),
    Case("a table renamed on one side, extended on the other", "ALTER TABLE products RENAME TO items",
         main="ALTER TABLE products ADD COLUMN stock int NOT NULL DEFAULT 0",
         check=_all(_cols("items", "title text", "stock integer"), _values("items", "title", ["book", "pen"]),
                    _sql_true("SELECT to_regclass('public.products') IS NULL"),
                    _sql_true("SELECT count(*) = 1 FROM pg_constraint WHERE confrelid = 'items'::regclass"))),
    # a column added with a default that filled the branch's rows fills the target's alike
    Case("Django's NOT NULL column: added with a default, the default then dropped",
         "ALTER TABLE users ADD COLUMN bio text DEFAULT 'none' NOT NULL; "
         "ALTER TABLE users ALTER COLUMN bio DROP DEFAULT", status="fast_forward",
         check=_all(_values("users", "bio", ["none", "none"]),
                    _sql_true("SELECT attnotnull AND NOT atthasdef FROM pg_attribute "
                              "WHERE attrelid = 'users'::regclass AND attname = 'bio'"))),
    Case("Django's NOT NULL column, main moved on",
         "ALTER TABLE users ADD COLUMN bio text DEFAULT 'none' NOT NULL; "
         "ALTER TABLE users ALTER COLUMN bio DROP DEFAULT",
         main="INSERT INTO users (email, name) VALUES ('cy@example.com', 'Cy'); DELETE FROM users WHERE id = 3; "
              + MOVE_MAIN, check=_values("users", "bio", ["none", "none"])),
    Case("a column whose default changed after it filled the rows",
         "ALTER TABLE products ADD COLUMN stock int NOT NULL DEFAULT 1; "
         "ALTER TABLE products ALTER COLUMN stock SET DEFAULT 5", main=MOVE_MAIN,
         check=_all(_values("products", "stock", [1, 1]),
                    _sql_true("SELECT pg_get_expr(d.adbin, d.adrelid) = '5' FROM pg_attrdef d "
                              "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                              "WHERE d.adrelid = 'products'::regclass AND a.attname = 'stock'"))),
    Case("a sequence renamed keeps its value", "ALTER SEQUENCE users_id_seq RENAME TO people_id_seq",
         main=MOVE_MAIN, check=_all(_sql_true("SELECT to_regclass('users_id_seq') IS NULL"),
                                    _sql_true("SELECT nextval('people_id_seq') = 3"))),
    Case("a view renamed", "CREATE VIEW v AS SELECT id FROM users",
         main="CREATE VIEW v AS SELECT id FROM users; " + MOVE_MAIN,
         check=_sql_true("SELECT to_regclass('v') IS NOT NULL")),
    Case("a table and a column renamed, rows kept",
         "ALTER TABLE products RENAME TO items; ALTER TABLE items RENAME COLUMN title TO label",
         main=MOVE_MAIN, check=_all(_cols("items", "label text", "title -"),
                                    _values("items", "label", ["book", "pen"]))),
    Case("rename an index on one side", "ALTER INDEX orders_user_idx RENAME TO orders_by_user", main=MOVE_MAIN,
         check=_sql_true("SELECT to_regclass('public.orders_by_user') IS NOT NULL "
                         "AND to_regclass('public.orders_user_idx') IS NULL")),
    Case("check constraints added on both sides", "ALTER TABLE products ADD CONSTRAINT cheap CHECK (price < 100)",
         main="ALTER TABLE products ADD CONSTRAINT named CHECK (title <> '')",
         check=_sql_true("SELECT count(*) = 2 FROM pg_constraint WHERE conname IN ('cheap', 'named') "
                         "AND conrelid = 'public.products'::regclass")),
    Case("a column added to a table the other side created", "CREATE TABLE tags (id int PRIMARY KEY)",
         main=MOVE_MAIN + ";ALTER TABLE users ADD COLUMN tag_id int",
         check=_all(_cols("tags", "id integer"), _cols("users", "tag_id integer"))),
    # changes main's rows cannot take: an error naming the object, nothing applied
    Case("NOT NULL column without default on a non-empty table",
         "DELETE FROM orders; DELETE FROM products; ALTER TABLE products ADD COLUMN sku text NOT NULL",
         main=MOVE_MAIN, status="error", error=r"pggit: merge into 'main' failed at COLUMN products\.sku",
         sqlstate="23502"),
    Case("type change whose cast fails", "UPDATE users SET name = id::text;"
         "ALTER TABLE users ALTER COLUMN name TYPE int USING name::int", main=MOVE_MAIN, status="error",
         error=r"failed at COLUMN users\.name", sqlstate="22P02"),
    Case("UNIQUE the target's rows violate", "ALTER TABLE products ADD CONSTRAINT title_once UNIQUE (title)",
         main="INSERT INTO products (title, price) VALUES ('pen', 2)", status="error",
         error=r"failed at CONSTRAINT products\.title_once", sqlstate="23505"),
    Case("CHECK the target's rows violate", "ALTER TABLE orders ADD CONSTRAINT few CHECK (quantity < 5)",
         main="INSERT INTO orders (user_id, product_id, quantity) VALUES (1, 1, 9)", status="error",
         error=r"failed at CONSTRAINT orders\.few", sqlstate="23514"),
    Case("FOREIGN KEY the target's rows violate",
         "DELETE FROM orders WHERE quantity > 2;"
         "ALTER TABLE orders ADD CONSTRAINT qty_product FOREIGN KEY (quantity) REFERENCES products(id)",
         main=MOVE_MAIN, status="error", error=r"failed at CONSTRAINT orders\.qty_product", sqlstate="23503"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_merge_scenario(shop, case):
    shop.execute("SELECT pggit.create_branch('feature')")
    on(shop, "feature", case.feature)
    on(shop, "main", case.main)
    before = catalog(shop), all_rows(shop)
    feature_before = catalog(shop, FEATURE), all_rows(shop, FEATURE)
    heads_before = shop.execute("SELECT name, head_commit_hash FROM pggit.branches ORDER BY id").fetchall()
    call = "SELECT * FROM pggit.merge('feature', 'main', %s, %s)"

    if case.status == "error":
        with pytest.raises(psycopg.Error, match=case.error) as raised:
            shop.execute(call, (case.strategy, case.resolutions))
        assert raised.value.sqlstate == case.sqlstate
        assert raised.value.diag.message_hint and "Nothing was applied" in raised.value.diag.message_hint \
            or "nothing was applied" in raised.value.diag.message_hint
        assert (catalog(shop), all_rows(shop)) == before
        assert shop.execute("SELECT name, head_commit_hash FROM pggit.branches ORDER BY id").fetchall() \
            == heads_before
        assert scalar(shop, "SELECT count(*) FROM pggit.merge_history") == 0
        return

    status, digest, n_conflicts, message = shop.execute(call, (case.strategy, case.resolutions)).fetchone()
    assert status == case.status, message
    assert message.startswith("pggit: ")
    assert (catalog(shop, FEATURE), all_rows(shop, FEATURE)) == feature_before  # the source never changes
    history = shop.execute("SELECT status, conflicts FROM pggit.merge_history ORDER BY id DESC").fetchone()
    assert history[0] == case.status

    if case.status == "conflicts":
        assert digest is None and n_conflicts == len(case.conflicts)
        assert sorted(c["object_name"] for c in history[1]) == sorted(case.conflicts)
        assert (catalog(shop), all_rows(shop)) == before
        preview = [r[0] for r in shop.execute("SELECT object_name FROM pggit.conflicts('feature', 'main')")]
        if case.resolutions is None:
            assert sorted(preview) == sorted(case.conflicts)
        return

    assert n_conflicts == 0
    head = scalar(shop, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'main'")
    assert digest == head
    if case.status == "fast_forward":
        assert head == scalar(shop, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'feature'")
        assert same_schemas(shop)
    if case.status == "merged":
        parents = scalar(shop, "SELECT parents FROM pggit.commits WHERE hash = %s", (head,))
        assert parents[1] == scalar(shop, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'feature'")
        assert parents[0] != parents[1]
    if case.status == "up_to_date":
        assert (catalog(shop), all_rows(shop)) == before
    # main's rows survive every merge, and main is clean against its new head
    assert users(shop) == [(1, "ann@example.com"), (2, "bob@example.com")]
    assert shop.execute("SELECT * FROM pggit.status()").fetchall() == []
    case.check(shop)
    # a second merge of the same branch has nothing to do
    assert scalar(shop, "SELECT status FROM pggit.merge('feature', 'main')") == "up_to_date"


def test_there_are_at_least_25_scenarios():
    assert len(CASES) >= 25


def test_merging_main_into_a_branch(shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    on(shop, "feature", "ALTER TABLE users ADD COLUMN nick text; INSERT INTO users (email) VALUES ('f@x')")
    on(shop, "main", MOVE_MAIN)
    shop.execute("SELECT pggit.switch_branch('feature')")
    status = scalar(shop, "SELECT status FROM pggit.merge('main')")  # target: the session's branch
    assert status == "merged"
    assert exists(shop, "audit", FEATURE) and "nick" in columns(shop, "users", FEATURE)
    assert scalar(shop, f"SELECT count(*) FROM {FEATURE}.users") == 3
    shop.execute("SELECT pggit.switch_branch('main')")
    assert scalar(shop, "SELECT status FROM pggit.merge('feature')") == "fast_forward"
    assert same_schemas(shop)


def test_routing_follows_a_merge(shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    on(shop, "feature", "ALTER TABLE users ADD COLUMN nick text DEFAULT 'x'")
    shop.execute("SELECT pggit.merge('feature', 'main')")
    # main is public: the merged column is there
    assert shop.execute("SELECT nick FROM public.users ORDER BY id").fetchall() == [("x",), ("x",)]


def test_resolving_after_conflicts_records_both_attempts(shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    on(shop, "feature", "ALTER TABLE users ADD COLUMN nick varchar(9)")
    on(shop, "main", "ALTER TABLE users ADD COLUMN nick text")
    row = shop.execute("SELECT * FROM pggit.conflicts('feature', 'main')").fetchone()
    assert row == ("COLUMN", "users.nick", None, "nick text", "nick character varying(9)",
                   "added on both sides with different definitions")
    assert scalar(shop, "SELECT status FROM pggit.merge('feature', 'main')") == "conflicts"
    assert scalar(shop, "SELECT status FROM pggit.merge('feature', 'main', resolutions => "
                        "'{\"users.nick\": \"theirs\"}')") == "merged"
    history = shop.execute("SELECT status, jsonb_array_length(conflicts) FROM pggit.merge_history "
                           "ORDER BY id").fetchall()
    assert history == [("conflicts", 1), ("merged", 0)]


def test_conflicts_preview_changes_nothing(shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    on(shop, "feature", "ALTER TABLE users ADD COLUMN x int")
    before = shop.execute("SELECT * FROM pggit.commits").fetchall(), catalog(shop)
    assert shop.execute("SELECT * FROM pggit.conflicts('feature', 'main')").fetchall() == []
    assert (shop.execute("SELECT * FROM pggit.commits").fetchall(), catalog(shop)) == before


@pytest.mark.parametrize("sql, error, state", [
    ("SELECT pggit.merge('main', 'main')", "into itself", "22023"),
    ("SELECT pggit.merge('nope', 'main')", "branch 'nope' does not exist", "42704"),
    ("SELECT pggit.merge('feature', 'main', 'mine')", "unknown merge strategy", "22023"),
    ("SELECT pggit.merge('feature', 'main', resolutions => '[1]')", "must be a JSON object", "22023"),
    ("SELECT pggit.merge('feature', 'main', resolutions => '{\"users.x\": \"both\"}')",
     "neither 'ours' nor 'theirs'", "22023"),
    ("SELECT pggit.commit('')", "needs a message", "22023"),
    ("SELECT pggit.merge_base('main', 'zzz')", "no branch or commit named 'zzz'", "42704"),
])
def test_mistakes_fail_cleanly(shop, sql, error, state):
    shop.execute("SELECT pggit.create_branch('feature')")
    before = catalog(shop), shop.execute("SELECT count(*) FROM pggit.commits").fetchone()
    with pytest.raises(psycopg.Error, match=f"pggit: .*{error}") as raised:
        shop.execute(sql)
    assert raised.value.sqlstate == state and raised.value.diag.message_hint
    assert (catalog(shop), shop.execute("SELECT count(*) FROM pggit.commits").fetchone()) == before


def test_merge_before_init_fails_cleanly(pg):
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="pggit: "):
        pg.execute("SELECT pggit.merge('a', 'main')")


def test_commit_log_status_and_merge_base(shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    fork = scalar(shop, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'main'")
    assert fork and scalar(shop, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'feature'") == fork
    shop.execute("SELECT pggit.switch_branch('feature')")
    assert shop.execute("SELECT * FROM pggit.status()").fetchall() == []
    shop.execute("ALTER TABLE users ADD COLUMN nick text")
    change = shop.execute("SELECT change_type, object_type, object_name FROM pggit.status()").fetchall()
    assert change == [("added", "COLUMN", "users.nick")]
    first = scalar(shop, "SELECT pggit.commit('add nick')")
    assert len(first) == 64 and shop.execute("SELECT * FROM pggit.status()").fetchall() == []
    assert scalar(shop, "SELECT pggit.commit('nothing new')") == first  # nothing to commit
    shop.execute("CREATE INDEX users_nick ON users (nick)")
    second = scalar(shop, "SELECT pggit.commit('index nick')")
    log = shop.execute("SELECT hash, parents, message, author FROM pggit.log()").fetchall()
    assert [r[0] for r in log] == [second, first, fork]
    assert log[0][1] == [first] and log[0][2] == "index nick" and log[0][3] == "postgres"
    assert [r[0] for r in shop.execute("SELECT hash FROM pggit.log('main')")] == [fork]
    assert [r[0] for r in shop.execute("SELECT hash FROM pggit.log(%s)", (first[:10],))] == [first, fork]
    assert scalar(shop, "SELECT pggit.merge_base('feature', 'main')") == fork
    assert scalar(shop, "SELECT pggit.merge_base(%s, 'main')", (second,)) == fork
    assert scalar(shop, "SELECT pggit.merge_base(%s, %s)", (second, first)) == first
    # the snapshot is the model: a commit can be read back
    snap = scalar(shop, "SELECT snapshot FROM pggit.commits WHERE hash = %s", (first,))
    assert any(c["name"] == "nick" for t in snap["tables"] if t["name"] == "users" for c in t["columns"])


def test_merge_base_after_merges_is_the_last_merge(shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    on(shop, "feature", "ALTER TABLE users ADD COLUMN a int")
    on(shop, "main", "ALTER TABLE users ADD COLUMN b int")
    merged = scalar(shop, "SELECT commit_hash FROM pggit.merge('feature', 'main')")
    feature_head = scalar(shop, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'feature'")
    assert scalar(shop, "SELECT pggit.merge_base('feature', 'main')") == feature_head
    on(shop, "feature", "ALTER TABLE users ADD COLUMN c int")
    assert scalar(shop, "SELECT status FROM pggit.merge('feature', 'main')") == "merged"
    assert set(columns(shop, "users")) >= {"a", "b", "c"}
    assert merged in [r[0] for r in shop.execute("SELECT hash FROM pggit.log('main')")]


def test_commit_hash_covers_content_parents_author_message_and_time():
    from pggit.commits import commit_hash

    base = commit_hash("{}", ["a" * 64], "ann", "2024-01-01T00:00:00.000000Z", "msg")
    assert len(base) == 64
    for args in (("{ }", ["a" * 64], "ann", "2024-01-01T00:00:00.000000Z", "msg"),
                 ("{}", [], "ann", "2024-01-01T00:00:00.000000Z", "msg"),
                 ("{}", ["a" * 64], "bob", "2024-01-01T00:00:00.000000Z", "msg"),
                 ("{}", ["a" * 64], "ann", "2024-01-01T00:00:00.000001Z", "msg"),
                 ("{}", ["a" * 64], "ann", "2024-01-01T00:00:00.000000Z", "msg2")):
        assert commit_hash(*args) != base


def test_a_failed_merge_inside_a_transaction_rolls_back_with_it(shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    on(shop, "feature", "ALTER TABLE users ADD COLUMN nick text")
    before = catalog(shop), scalar(shop, "SELECT count(*) FROM pggit.commits")
    with pytest.raises(psycopg.errors.QueryCanceled):
        with shop.transaction():
            shop.execute("SELECT pggit.merge('feature', 'main')")
            shop.execute("SET LOCAL statement_timeout = '1ms'")
            shop.execute("SELECT pg_sleep(1)")
    assert (catalog(shop), scalar(shop, "SELECT count(*) FROM pggit.commits")) == before


def test_two_merges_into_one_target_are_serialised(server, shop, other_session):
    shop.execute("SELECT pggit.create_branch('f1')")
    shop.execute("SELECT pggit.create_branch('f2')")
    on(shop, "f1", "ALTER TABLE users ADD COLUMN one int")
    on(shop, "f2", "ALTER TABLE users ADD COLUMN two int")
    watcher = connect(server, shop.info.dbname)
    outcome = {}

    def second():
        outcome["status"] = scalar(other_session, "SELECT status FROM pggit.merge('f2', 'main')")

    try:
        with shop.transaction():
            assert scalar(shop, "SELECT status FROM pggit.merge('f1', 'main')") == "fast_forward"
            thread = threading.Thread(target=second)
            thread.start()
            waiting = False
            for _ in range(100):
                waiting = scalar(watcher, """
                    SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                       AND classid = x'6d657267'::int AND objid = 1 AND objsubid = 2""")
                if waiting:
                    break
                time.sleep(0.05)
            assert waiting, "the second merge should wait for the first one's lock"
            assert "status" not in outcome
        thread.join(timeout=30)
    finally:
        watcher.close()
    assert outcome["status"] == "merged"  # three-way: main moved while it waited
    assert {"one", "two"} <= set(columns(shop, "users"))
    assert scalar(shop, "SELECT count(*) FROM pggit.merge_history") == 2
    # main's history holds both merges: the second one built on the first
    history = {r[0] for r in shop.execute("SELECT hash FROM pggit.log('main')")}
    assert {scalar(shop, f"SELECT head_commit_hash FROM pggit.branches WHERE name = '{b}'")
            for b in ("f1", "f2")} <= history


def test_refs_resolve_to_live_schemas_and_snapshots(shop):
    from pggit import commits

    db = PsycopgDb(shop)
    shop.execute("SELECT pggit.create_branch('feature')")
    fork = scalar(shop, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'feature'")
    on(shop, "feature", "ALTER TABLE users ADD COLUMN nick text")
    assert commits.resolve(db, fork[:12]).to_json() == commits.resolve(db, "main").to_json()
    rows = commits.diff_refs(db, fork, "feature")
    assert [(r["change_type"], r["object_name"]) for r in rows] == [("added", "users.nick")]
    assert commits.diff_refs(db, "main", fork) == []


@pytest.mark.parametrize("name", ["it's {0} \"quoted\"", "a;DROP TABLE users;--", "ünï/分支"])
def test_hostile_branch_names_merge(shop, name):
    schema = scalar(shop, "SELECT pggit.create_branch(%s)", (name,))
    on(shop, name, "ALTER TABLE users ADD COLUMN nick text")
    on(shop, "main", MOVE_MAIN)
    status, _, _, message = shop.execute("SELECT * FROM pggit.merge(%s, 'main')", (name,)).fetchone()
    assert status == "merged" and name in message
    assert "nick" in columns(shop, "users") and exists(shop, "users", schema)
    assert scalar(shop, "SELECT message FROM pggit.log('main') LIMIT 1") == f"merge {name} into main"
