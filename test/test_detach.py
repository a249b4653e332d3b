"""pggit.detach(): masks, lens and metadata go; main never moved, so DROP EXTENSION costs nothing."""

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
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    quantity int NOT NULL DEFAULT 1 CHECK (quantity > 0)
);
CREATE INDEX orders_user_idx ON orders (user_id);
CREATE SEQUENCE invoice_no START 1000;
CREATE TYPE mood AS ENUM ('ok', 'meh');
CREATE VIEW big_orders AS SELECT * FROM orders WHERE quantity > 1;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
INSERT INTO users (email, name) VALUES ('ann@example.com', 'Ann'), ('bob@example.com', 'Bob');
INSERT INTO orders (user_id, quantity) VALUES (1, 3), (2, 1);
SELECT nextval('invoice_no'), nextval('invoice_no');
"""


def public_objects(conn):
    """Every object of public with what a user would check: kind, columns, constraints,
    indexes, triggers, grants, and sequence positions."""
    with conn.transaction():
        conn.execute("SET LOCAL search_path = pg_catalog")
        rels = conn.execute("""
            SELECT c.relname, c.relkind, c.relacl::text,
               (SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
                  FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)::text,
               (SELECT array_agg(pg_get_constraintdef(k.oid) ORDER BY conname)
                  FROM pg_constraint k WHERE k.conrelid = c.oid)::text,
               (SELECT array_agg(pg_get_triggerdef(t.oid) ORDER BY tgname)
                  FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal)::text
              FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace ORDER BY c.relname""").fetchall()
        seqs = conn.execute("SELECT sequencename, last_value FROM pg_sequences "
                            "WHERE schemaname = 'public' ORDER BY 1").fetchall()
        funcs = conn.execute("SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
                             "ORDER BY 1").fetchall()
        types = conn.execute("SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace "
                             "AND typtype = 'e'").fetchall()
    return rels, seqs, funcs, types


def data(conn):
    return (conn.execute("SELECT * FROM public.users ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM public.orders ORDER BY id").fetchall())


@pytest.fixture
def shop(pg):
    pg.execute(SHOP)
    return pg


def test_init_branch_merge_detach_drop_extension_keeps_everything(shop):
    role = "pggit_detach_reader"
    shop.execute(f"DROP ROLE IF EXISTS {role}")
    shop.execute(f"CREATE ROLE {role}")
    try:
        shop.execute(f"GRANT SELECT ON users TO {role}")
        before = public_objects(shop)
        shop.execute("SELECT pggit.init()")
        shop.execute("SELECT pggit.enable_lens()")
        shop.execute("SELECT pggit.create_branch('feature/x')")
        shop.execute("SELECT pggit.switch_branch('feature/x')")
        shop.execute("DROP VIEW big_orders")  # a mask stand-in on the branch
        shop.execute("CREATE VIEW big_orders AS SELECT * FROM orders WHERE quantity > 1")
        shop.execute("ALTER TABLE users ADD COLUMN nick text")
        shop.execute("CREATE INDEX users_name_idx ON users (name)")
        shop.execute("SELECT pggit.switch_branch('main')")
        assert scalar(shop, "SELECT status FROM pggit.merge('feature/x', 'main')") in ("merged", "fast_forward")
        shop.execute("INSERT INTO users (email, name, nick) VALUES ('cy@example.com', 'Cy', 'c')")
        rows = data(shop)

        message = scalar(shop, "SELECT pggit.detach()")
        assert message.startswith("pggit: detached")
        assert "kept" in message
        # public holds its plain tables, as it always did
        kinds = dict(shop.execute("SELECT relname, relkind FROM pg_class "
                                  "WHERE relnamespace = 'public'::regnamespace").fetchall())
        assert kinds["users"] == "r" and kinds["orders"] == "r" and kinds["big_orders"] == "v"
        assert kinds["users_name_idx"] == "i" and kinds["orders_user_idx"] == "i"
        # masks and lens are gone: nothing outside pggit's schemas depends on the extension
        assert scalar(shop, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pggit\\_mask\\_%'") == 0
        assert scalar(shop, "SELECT count(*) FROM pg_class WHERE relnamespace = 'pggit_lens'::regnamespace") == 0
        # the session is back on plain public
        assert scalar(shop, "SELECT current_setting('search_path')") == '"$user", public'
        # the branch's schema stays, a plain schema
        assert scalar(shop, "SELECT count(*) FROM pggit_branch_feature_x.users") == 2
        assert scalar(shop, "SELECT count(*) FROM pggit.branches") == 1
        assert scalar(shop, "SELECT count(*) FROM pggit.repository") == 0

        shop.execute("DROP EXTENSION pggit")  # no CASCADE
        assert data(shop) == rows
        after = public_objects(shop)
        rels_before = {r[0]: r for r in before[0]}
        rels_after = {r[0]: r for r in after[0]}
        assert set(rels_before) <= set(rels_after)
        for name in ("orders", "orders_pkey", "big_orders", "invoice_no"):
            assert rels_after[name] == rels_before[name]
        assert rels_after["users"][2] == rels_before["users"][2]  # grants
        assert "nick text" in rels_after["users"][3]
        assert rels_after["users"][5] == rels_before["users"][5]  # the trigger
        assert after[1] == [("invoice_no", 1001), ("orders_id_seq", 2), ("users_id_seq", 3)]
        assert after[2] == before[2] and after[3] == before[3]
        # everything still works as plain objects: sequences, FK, trigger, grants
        shop.execute("INSERT INTO users (email) VALUES ('dee@example.com')")
        assert scalar(shop, "SELECT max(id) FROM users") == 4
        assert scalar(shop, "SELECT nextval('invoice_no')") == 1002
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            shop.execute("INSERT INTO orders (user_id) VALUES (99)")
        shop.execute("UPDATE users SET name = 'Ann B' WHERE id = 1")
        assert scalar(shop, "SELECT updated_at IS NOT NULL FROM users WHERE id = 1")
        assert scalar(shop, f"SELECT has_table_privilege('{role}', 'public.users', 'SELECT')")
        assert scalar(shop, "SELECT count(*) FROM big_orders") == 1
    finally:
        shop.execute(f"DROP OWNED BY {role}")
        shop.execute(f"DROP ROLE {role}")


def test_detach_drop_branches_and_init_again(shop):
    shop.execute("SELECT pggit.init()")
    shop.execute("SELECT pggit.create_branch('a')")
    shop.execute("SELECT pggit.create_branch('b', 'a')")
    shop.execute("SELECT pggit.switch_branch('b')")
    assert "dropped" in scalar(shop, "SELECT pggit.detach(drop_branches => true)")
    assert scalar(shop, "SELECT pggit.current_branch()") == "main"
    assert scalar(shop, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pggit_branch_%'") == 0
    assert scalar(shop, "SELECT count(*) FROM pggit.versioned_objects") == 0
    assert scalar(shop, "SELECT statement FROM pggit.version_history WHERE command_tag = 'DETACH'")
    # init again: a fresh start on the same tables and rows
    assert "initialised" in scalar(shop, "SELECT pggit.init()")
    assert scalar(shop, "SELECT relkind FROM pg_class WHERE oid = 'public.users'::regclass") == "r"
    schema = scalar(shop, "SELECT pggit.create_branch('a')")
    assert schema == "pggit_branch_a"
    assert scalar(shop, f"SELECT count(*) FROM {schema}.users") == 2
    assert list(shop.execute("SELECT * FROM pggit.schema_diff('main', 'a')")) == []
    shop.execute("SELECT pggit.detach(true)")
    shop.execute("DROP EXTENSION pggit")
    assert scalar(shop, "SELECT count(*) FROM users") == 2


def test_detach_before_init_is_a_clean_error(pg):
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="^pggit: .*not under version control"):
        pg.execute("SELECT pggit.detach()")


def test_detach_leaves_a_users_own_objects_on_pggit_alone(shop):
    shop.execute("SELECT pggit.init()")
    shop.execute("SELECT pggit.enable_lens()")
    shop.execute("CREATE VIEW public.branch_now AS SELECT pggit.current_branch() AS b")
    before = public_objects(shop)
    shop.execute("SELECT pggit.detach()")
    assert public_objects(shop) == before
    assert scalar(shop, "SELECT b FROM branch_now") == "main"


def test_other_sessions_keep_working_after_detach(shop, server):
    shop.execute("SELECT pggit.init()")
    other = connect(server, shop.info.dbname)
    try:
        other.execute("SELECT pggit.switch_branch('main')")
        shop.execute("SELECT pggit.detach()")
        assert scalar(other, "SELECT count(*) FROM users") == 2
    finally:
        other.close()
