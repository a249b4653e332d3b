"""Branches on a real server: init, create, switch, change, GUC-only routing, delete."""

import psycopg
import pytest

from conftest import connect, scalar

SHOP = """
CREATE TABLE users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text,
    updated_at timestamptz
);
CREATE TABLE products (
    id serial PRIMARY KEY,
    title text NOT NULL,
    price numeric(10,2) NOT NULL CHECK (price >= 0)
);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    product_id int NOT NULL REFERENCES products(id),
    quantity int NOT NULL DEFAULT 1 CHECK (quantity > 0)
);
CREATE INDEX orders_user_idx ON orders (user_id);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
INSERT INTO users (email, name) VALUES ('ann@example.com', 'Ann'), ('bob@example.com', 'Bob');
INSERT INTO products (title, price) VALUES ('pen', 1.50), ('book', 12.00);
INSERT INTO orders (user_id, product_id, quantity) VALUES (1, 1, 3), (2, 2, 1);
"""


def catalog_of(conn, schema):
    """What a user would compare: relations, columns and constraints, schema name masked."""
    with conn.transaction():
        conn.execute("SET LOCAL search_path = pg_catalog")  # every name comes out qualified
        found = conn.execute("""
            SELECT c.relname, c.relkind,
               (SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
                  FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
               (SELECT array_agg(conname || ' ' || pg_get_constraintdef(k.oid) ORDER BY conname)
                  FROM pg_constraint k WHERE k.conrelid = c.oid)
          FROM pg_class c WHERE c.relnamespace = %s::regnamespace ORDER BY c.relname""",
            (schema,)).fetchall()
    return [tuple(str(v).replace(schema + ".", "<schema>.") for v in row) for row in found]


def rows(conn, sql):
    return conn.execute(sql).fetchall()


@pytest.fixture
def shop(pg):
    pg.execute(SHOP)
    pg.execute("SELECT pggit.init()")
    return pg


def test_init_leaves_the_tables_where_they_are(shop):
    kinds = dict(rows(shop, "SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                            "AND relname IN ('users', 'products', 'orders')"))
    assert kinds == {"users": "r", "products": "r", "orders": "r"}
    assert rows(shop, "SELECT name FROM users ORDER BY id") == [("Ann",), ("Bob",)]
    shop.execute("INSERT INTO users (email) VALUES ('cy@example.com')")
    assert scalar(shop, "SELECT max(id) FROM public.users") == 3
    objects = {r[0] for r in rows(shop, "SELECT object_name FROM pggit.versioned_objects")}
    assert {"users", "products", "orders"} <= objects


def test_init_makes_the_root_commit_of_main(shop):
    log = shop.execute("SELECT parents, message FROM pggit.log('main')").fetchall()
    assert log == [([], "init: the objects of public under version control")]
    assert scalar(shop, "SELECT count(*) FROM pggit.status()") == 0


def test_init_is_idempotent(shop):
    before = catalog_of(shop, "public")
    assert "already" in scalar(shop, "SELECT pggit.init()")
    assert catalog_of(shop, "public") == before


def test_functions_refuse_to_run_before_init(pg):
    for sql in ("SELECT pggit.create_branch('x')", "SELECT pggit.switch_branch('main')",
                "SELECT pggit.delete_branch('x')"):
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState) as e:
            pg.execute(sql)
        assert e.value.diag.message_primary == "pggit: this database is not under version control yet"
        assert "pggit.init()" in e.value.diag.message_hint


def test_branch_is_a_full_copy(shop):
    schema = scalar(shop, "SELECT pggit.create_branch('feature/users-api', 'main')")
    assert schema.startswith("pggit_branch_feature_users_api")
    assert catalog_of(shop, schema) == catalog_of(shop, "public")
    assert rows(shop, f'SELECT * FROM "{schema}".orders ORDER BY id') == \
        rows(shop, "SELECT * FROM public.orders ORDER BY id")
    # foreign keys point inside the branch
    targets = {r[0] for r in rows(shop, f"""
        SELECT confrelid::regclass::text FROM pg_constraint
         WHERE contype = 'f' AND connamespace = '{schema}'::regnamespace""")}
    assert targets == {f"{schema}.users", f"{schema}.products"}
    # its own sequences, continuing from main's values
    shop.execute(f'INSERT INTO "{schema}".users (email) VALUES (%s)', ("new@example.com",))
    assert scalar(shop, f'SELECT max(id) FROM "{schema}".users') == 3
    assert scalar(shop, "SELECT max(id) FROM public.users") == 2
    assert scalar(shop, "SELECT parent FROM pggit.list_branches() WHERE name = 'feature/users-api'") == "main"


def test_changes_on_a_branch_leave_main_untouched(shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    main_before = catalog_of(shop, "public")
    main_rows = rows(shop, "SELECT * FROM public.users ORDER BY id")
    main_seq = scalar(shop, "SELECT last_value FROM public.users_id_seq")

    shop.execute("SELECT pggit.switch_branch('feature')")
    assert scalar(shop, "SELECT pggit.current_branch()") == "feature"
    shop.execute("ALTER TABLE users ADD COLUMN email_verified boolean DEFAULT false")
    shop.execute("CREATE INDEX idx_users_email ON users (email)")
    shop.execute("CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users(id), body text)")
    shop.execute("INSERT INTO users (email, name) VALUES ('dee@example.com', 'Dee')")
    shop.execute("INSERT INTO posts (user_id, body) VALUES (3, 'hello')")
    assert scalar(shop, "SELECT count(*) FROM users WHERE NOT email_verified") == 3

    assert catalog_of(shop, "public") == main_before
    assert rows(shop, "SELECT * FROM public.users ORDER BY id") == main_rows
    assert scalar(shop, "SELECT last_value FROM public.users_id_seq") == main_seq
    assert scalar(shop, "SELECT to_regclass('public.posts')") is None

    history = rows(shop, "SELECT branch_name, command_tag FROM pggit.version_history ORDER BY id")
    assert ("feature", "ALTER TABLE") in history and ("feature", "CREATE INDEX") in history
    assert ("feature", "CREATE TABLE") in history

    shop.execute("SELECT pggit.switch_branch('main')")
    assert scalar(shop, "SELECT count(*) FROM users") == 2
    with pytest.raises(psycopg.errors.UndefinedColumn):
        shop.execute("SELECT email_verified FROM users")


def test_a_session_opened_with_connection_options_is_on_the_branch(server, shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    options = scalar(shop, "SELECT pggit.connection_options('feature')")
    branch = connect(server, shop.info.dbname, options=options)
    try:
        branch.execute("INSERT INTO users (email, name) VALUES ('eve@example.com', 'Eve')")
        branch.execute("UPDATE users SET name = 'Annie' WHERE id = 1")
        assert rows(branch, "SELECT id, name FROM users ORDER BY id") == [(1, "Annie"), (2, "Bob"), (3, "Eve")]
    finally:
        branch.close()
    assert rows(shop, "SELECT id, name FROM public.users ORDER BY id") == [(1, "Ann"), (2, "Bob")]
    assert scalar(shop, 'SELECT name FROM pggit_branch_feature.users WHERE id = 1') == "Annie"


def test_a_table_created_on_a_branch_stays_there(shop):
    shop.execute("SELECT pggit.create_branch('feature')")
    shop.execute("SELECT pggit.switch_branch('feature')")
    shop.execute("CREATE TABLE tags (id serial PRIMARY KEY, label text)")
    assert scalar(shop, "SELECT to_regclass('pggit_branch_feature.tags') IS NOT NULL")
    assert scalar(shop, "SELECT to_regclass('public.tags')") is None
    shop.execute("SELECT pggit.switch_branch('main')")
    shop.execute("CREATE TABLE labels (id int)")  # on main: in public, as always
    assert scalar(shop, "SELECT relkind FROM pg_class WHERE oid = 'public.labels'::regclass") == "r"


def test_switch_to_an_unknown_branch_changes_nothing(shop):
    path = scalar(shop, "SHOW search_path")
    with pytest.raises(psycopg.errors.UndefinedObject, match="pggit: branch 'nope' does not exist"):
        shop.execute("SELECT pggit.switch_branch('nope')")
    assert scalar(shop, "SHOW search_path") == path
    assert scalar(shop, "SELECT pggit.current_branch()") == "main"


def test_switching_back_and_forth_keeps_one_branch_schema_on_the_path(shop):
    shop.execute("SELECT pggit.create_branch('a')")
    shop.execute("SELECT pggit.switch_branch('a')")
    shop.execute("SELECT pggit.switch_branch('main')")
    shop.execute("SELECT pggit.switch_branch('a')")
    assert scalar(shop, "SHOW search_path") == 'pggit_branch_a, pggit_mask_a, "$user", public'


def test_delete_branch(shop):
    shop.execute("SELECT pggit.create_branch('gone')")
    shop.execute("SELECT pggit.delete_branch('gone')")
    assert scalar(shop, "SELECT count(*) FROM pggit.branches WHERE name = 'gone'") == 0
    assert scalar(shop, "SELECT to_regnamespace('pggit_branch_gone')") is None
    assert scalar(shop, "SELECT count(*) FROM users") == 2


def test_a_merged_branch_deletes_after_its_parent_moved_on(shop):
    """Issue 13: merged is a fact of the commit graph, not of two schemas being equal."""
    shop.execute("SELECT pggit.create_branch('done')")
    shop.execute("ALTER TABLE pggit_branch_done.users ADD COLUMN extra int")
    shop.execute("SELECT pggit.merge('done', 'main')")
    shop.execute("ALTER TABLE users ADD COLUMN later int")  # main moves on
    shop.execute("ALTER TABLE pggit_branch_done.users ADD COLUMN unmerged int")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="not merged"):
        shop.execute("SELECT pggit.delete_branch('done')")  # work since the merge
    shop.execute("ALTER TABLE pggit_branch_done.users DROP COLUMN unmerged")
    shop.execute("SELECT pggit.delete_branch('done')")
    assert scalar(shop, "SELECT to_regnamespace('pggit_branch_done')") is None


def test_delete_refuses_main_and_unmerged_work(shop):
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="pggit: branch main cannot"):
        shop.execute("SELECT pggit.delete_branch('main')")
    shop.execute("SELECT pggit.create_branch('work')")
    shop.execute("ALTER TABLE pggit_branch_work.users ADD COLUMN extra int")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="not merged"):
        shop.execute("SELECT pggit.delete_branch('work')")
    assert scalar(shop, "SELECT to_regnamespace('pggit_branch_work') IS NOT NULL")
    shop.execute("SELECT pggit.delete_branch('work', force => true)")
    assert scalar(shop, "SELECT to_regnamespace('pggit_branch_work')") is None


HOSTILE = [
    "it's", 'say "hi"', "a;DROP TABLE users;--", "with space", "ünïcödé-分支", "select", "table",
    "x" * 200, "Feature/Users-API",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_work_and_are_quoted(shop, name):
    schema = scalar(shop, "SELECT pggit.create_branch(%s)", (name,))
    assert len(schema.encode()) <= 63
    shop.execute("SELECT pggit.switch_branch(%s)", (name,))
    assert scalar(shop, "SELECT count(*) FROM users") == 2
    assert scalar(shop, "SELECT pggit.current_branch()") == name
    shop.execute("SELECT pggit.switch_branch('main')")
    shop.execute("SELECT pggit.delete_branch(%s)", (name,))
    assert scalar(shop, "SELECT count(*) FROM pggit.branches") == 1


@pytest.mark.parametrize("name, error", [
    (None, "must not be empty"), ("", "must not be empty"), (" padded", "invalid branch name"),
    ("x" * 201, "invalid branch name"), ("tab\there", "invalid branch name"), ("main", "already exists"),
])
def test_bad_names_fail_cleanly(shop, name, error):
    before = catalog_of(shop, "public"), rows(shop, "SELECT * FROM pggit.branches")
    schemas = scalar(shop, "SELECT count(*) FROM pg_namespace")
    with pytest.raises(psycopg.Error, match=f"pggit: .*{error}"):
        shop.execute("SELECT pggit.create_branch(%s)", (name,))
    assert (catalog_of(shop, "public"), rows(shop, "SELECT * FROM pggit.branches")) == before
    assert scalar(shop, "SELECT count(*) FROM pg_namespace") == schemas


def test_two_names_with_the_same_slug_get_different_schemas(shop):
    a = scalar(shop, "SELECT pggit.create_branch('feature/x')")
    b = scalar(shop, "SELECT pggit.create_branch('feature-x')")
    assert a != b


def test_unknown_parent_fails_cleanly(shop):
    with pytest.raises(psycopg.errors.UndefinedObject, match="pggit: branch 'nope' does not exist"):
        shop.execute("SELECT pggit.create_branch('x', 'nope')")
    assert scalar(shop, "SELECT count(*) FROM pggit.branches") == 1


def test_branch_of_a_branch(shop):
    shop.execute("SELECT pggit.create_branch('a')")
    shop.execute("ALTER TABLE pggit_branch_a.users ADD COLUMN nick text")
    schema = scalar(shop, "SELECT pggit.create_branch('b', 'a')")
    assert catalog_of(shop, schema) == catalog_of(shop, "pggit_branch_a")


def test_a_branch_carries_table_grants(server, pg):
    pg.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)")
    pg.execute("DROP ROLE IF EXISTS pggit_reader")
    pg.execute("CREATE ROLE pggit_reader LOGIN")
    try:
        pg.execute("GRANT SELECT ON notes TO pggit_reader")
        pg.execute("INSERT INTO notes (body) VALUES ('hi')")
        pg.execute("SELECT pggit.init()")
        pg.execute("SELECT pggit.create_branch('feature')")
        pg.execute("UPDATE pggit_branch_feature.notes SET body = 'on the branch'")
        options = scalar(pg, "SELECT pggit.connection_options('feature')")
        reader = psycopg.connect(host=server.host, port=server.port, user="pggit_reader",
                                 dbname=pg.info.dbname, autocommit=True, options=options)
        try:
            assert scalar(reader, "SELECT body FROM notes") == "on the branch"
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute("INSERT INTO notes (body) VALUES ('no')")
        finally:
            reader.close()
    finally:
        pg.execute("DROP OWNED BY pggit_reader")
        pg.execute("DROP ROLE pggit_reader")


def test_a_branch_copies_rows_of_its_own_types(pg):
    pg.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')")
    pg.execute("CREATE DOMAIN score AS int CHECK (VALUE BETWEEN 0 AND 10)")
    pg.execute("CREATE TABLE people (id int PRIMARY KEY, m mood, past mood[], s score)")
    pg.execute("INSERT INTO people VALUES (1, 'happy', '{sad,ok}', 7)")
    pg.execute("SELECT pggit.init()")
    schema = scalar(pg, "SELECT pggit.create_branch('typed')")
    row = pg.execute(f'SELECT m::text, past::text, s, pg_typeof(m)::text FROM "{schema}".people').fetchone()
    assert row == ("happy", "{sad,ok}", 7, f"{schema}.mood")


def test_pggit_operations_leave_the_session_where_it_was(shop):
    """No operation may leave the session's search_path on another branch's schema."""
    shop.execute("SELECT pggit.create_branch('mine')")
    shop.execute("SELECT pggit.create_branch('other')")
    shop.execute("ALTER TABLE pggit_branch_other.users ADD COLUMN extra int")
    shop.execute("SELECT pggit.switch_branch('mine')")
    path = scalar(shop, "SHOW search_path")
    for sql in ("SELECT * FROM pggit.merge('other', 'main')",
                "SELECT * FROM pggit.schema_diff('main', 'other')",
                "SELECT pggit.create_branch('third')",
                "SELECT pggit.delete_branch('third')",
                "SELECT pggit.enable_lens()"):
        shop.execute(sql)
        assert scalar(shop, "SHOW search_path") == path, sql
        assert scalar(shop, "SHOW check_function_bodies") == "on", sql
    shop.execute("ALTER TABLE users ADD COLUMN only_mine int")
    assert scalar(shop, "SELECT count(*) FROM pg_attribute WHERE attname = 'only_mine' "
                        "AND attrelid = 'public.users'::regclass") == 0


def test_a_branch_schema_dropped_by_hand_takes_the_branch_with_it(shop):
    shop.execute("SELECT pggit.create_branch('by-hand')")
    shop.execute("DROP SCHEMA pggit_branch_by_hand CASCADE")
    assert scalar(shop, "SELECT count(*) FROM pggit.branches WHERE name = 'by-hand'") == 0
    assert scalar(shop, "SELECT count(*) FROM users") == 2
    assert scalar(shop, "SELECT to_regnamespace('pggit_mask_by_hand')") is None
    shop.execute("INSERT INTO users (email) VALUES ('z@example.com')")


@pytest.mark.parametrize("path", [
    '"$user", public', "public", 'pggit_branch_a, pggit_mask_a, "$user", public',
    'x, "pggit_branch_b c", y', "pggit_lens, public", 'a, "pggit_lens", b', "pggit_lensx, public", "",
])
def test_switch_branch_and_detach_agree_on_what_a_branch_schema_is(shop, path):
    shop.execute("SELECT pggit.create_branch('a')")
    shop.execute("SELECT set_config('search_path', %s, false)", (path,))
    expected = scalar(shop, "SELECT concat_ws(', ', 'pggit_branch_a, pggit_mask_a', pggit._path_without_branches(%s))",
                      (path,))
    shop.execute("SELECT pggit.switch_branch('a')")
    assert scalar(shop, "SHOW search_path") == expected


@pytest.mark.parametrize("path, left", [
    ('pggit_branch_a, pggit_mask_a, "$user", public', '"$user", public'),
    ("pggit_lens, public", "public"),
    ('a, "pggit_lens", b', "a, b"),
    ("pggit_lensx, public", "pggit_lensx, public"),
    ("pggit_branch_a", None),
])
def test_path_without_branches(pg, path, left):
    assert scalar(pg, "SELECT pggit._path_without_branches(%s)", (path,)) == left
