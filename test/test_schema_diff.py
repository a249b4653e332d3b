"""schema_diff and schema_diff_sql in the server, between branches and commits."""

import psycopg
import pytest

from conftest import scalar
from test_branches import SHOP, catalog_of


@pytest.fixture
def shop(pg):
    pg.execute(SHOP)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature')")
    return pg


def diff_rows(conn, a, b):
    return conn.execute("SELECT change_type, object_type, object_name, sql_to_sync, hazards "
                        "FROM pggit.schema_diff(%s, %s)", (a, b)).fetchall()


def test_a_new_branch_does_not_differ_from_its_parent(shop):
    assert diff_rows(shop, "main", "feature") == []
    assert scalar(shop, "SELECT pggit.schema_diff_sql('main', 'feature')").strip() == ""


def test_the_seed_example(shop):
    shop.execute("SELECT pggit.switch_branch('feature')")
    shop.execute("ALTER TABLE users ADD COLUMN bio text")
    shop.execute("CREATE TABLE posts (id serial PRIMARY KEY, body text)")
    shop.execute("ALTER TABLE users DROP COLUMN name")
    found = {(r[0], r[1], r[2]) for r in diff_rows(shop, "main", "feature")}
    assert ("added", "COLUMN", "users.bio") in found
    assert ("added", "TABLE", "posts") in found
    assert ("removed", "COLUMN", "users.name") in found
    sql = {r[2]: r[3] for r in diff_rows(shop, "main", "feature")}
    assert "ALTER TABLE users ADD COLUMN bio text" in sql["users.bio"]
    hazards = {r[2]: r[4] for r in diff_rows(shop, "main", "feature")}
    assert "drops data" in hazards["users.name"]


def test_applying_the_script_makes_the_branches_equal(shop):
    schema = scalar(shop, "SELECT schema_name FROM pggit.branches WHERE name = 'feature'")
    shop.execute("SELECT pggit.switch_branch('feature')")
    shop.execute("ALTER TABLE users ADD COLUMN bio text DEFAULT ''")
    shop.execute("ALTER TABLE products ALTER COLUMN title TYPE varchar(200)")
    shop.execute("CREATE INDEX products_title ON products (lower(title))")
    shop.execute("CREATE VIEW big_orders AS SELECT * FROM orders WHERE quantity > 10")
    shop.execute("ALTER TABLE orders DROP CONSTRAINT orders_quantity_check")
    shop.execute("COMMENT ON TABLE users IS 'people'")
    script = scalar(shop, "SELECT pggit.schema_diff_sql('main', 'feature')")
    assert "pggit_branch" not in script and "public" not in script
    shop.execute("SELECT pggit.switch_branch('main')")
    with shop.transaction():
        shop.execute("SET LOCAL search_path = public")
        shop.execute(script)
    assert diff_rows(shop, "main", "feature") == []
    assert catalog_of(shop, "public") == catalog_of(shop, schema)
    # main kept its rows through the in-place changes
    assert scalar(shop, "SELECT count(*) FROM public.users") == 2


def test_diff_is_stable(shop):
    shop.execute("SELECT pggit.switch_branch('feature')")
    shop.execute("ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int")
    shop.execute("CREATE TABLE t1 (id int PRIMARY KEY)")
    shop.execute("CREATE TABLE t2 (id int REFERENCES t1 (id) DEFERRABLE)")
    first = diff_rows(shop, "main", "feature")
    assert first and all(diff_rows(shop, "main", "feature") == first for _ in range(3))


def test_reverse_diff_undoes(shop):
    shop.execute("SELECT pggit.switch_branch('feature')")
    shop.execute("ALTER TABLE users ADD COLUMN bio text")
    forward = {(r[0], r[2]) for r in diff_rows(shop, "main", "feature")}
    backward = {(r[0], r[2]) for r in diff_rows(shop, "feature", "main")}
    assert forward == {("added", "users.bio")} and backward == {("removed", "users.bio")}


def test_unknown_names_fail_cleanly(shop):
    with pytest.raises(psycopg.errors.UndefinedObject) as e:
        shop.execute("SELECT * FROM pggit.schema_diff('main', 'nope')")
    assert e.value.diag.message_primary.startswith("pggit: no branch or commit named 'nope'")


def test_a_rename_is_renamed_not_dropped_and_added(shop):
    """Issue 13: objects are known by identity, from init() and across create_branch."""
    shop.execute("SELECT pggit.switch_branch('feature')")
    shop.execute("ALTER TABLE users RENAME COLUMN name TO display_name")
    shop.execute("ALTER TABLE orders RENAME TO purchases")
    rows = shop.execute("SELECT change_type, object_type, object_name, sql_to_sync, description "
                        "FROM pggit.schema_diff('main', 'feature')").fetchall()
    assert ("renamed", "COLUMN", "users.display_name", "ALTER TABLE users RENAME COLUMN name TO display_name;",
            "renamed from users.name") in rows
    assert ("renamed", "TABLE", "purchases", "ALTER TABLE orders RENAME TO purchases;",
            "renamed from orders") in rows
    assert not [r for r in rows if r[0] in ("added", "removed")], rows
    # status sees it the same way, against the last commit
    shop.execute("SELECT pggit.commit('before renaming back')")
    shop.execute("ALTER TABLE purchases RENAME TO orders")
    status = shop.execute("SELECT change_type, object_name, description FROM pggit.status()").fetchall()
    assert status == [("renamed", "orders", "renamed from purchases")]
    shop.execute("SELECT pggit.switch_branch('main')")


def test_a_patch_with_renames_keeps_the_rows(shop, new_db):
    shop.execute("SELECT pggit.switch_branch('feature')")
    shop.execute("ALTER TABLE users RENAME COLUMN name TO email_tmp")
    shop.execute("ALTER TABLE users RENAME COLUMN email TO name")  # names change places
    shop.execute("ALTER TABLE users RENAME COLUMN email_tmp TO email")
    shop.execute("SELECT pggit.switch_branch('main')")
    before = shop.execute("SELECT id, email, name FROM users ORDER BY id").fetchall()
    patch = scalar(shop, "SELECT pggit.schema_diff_sql('main', 'feature')")
    assert "DROP" not in patch and "ADD COLUMN" not in patch, patch
    shop.execute(patch)
    assert shop.execute("SELECT id, name, email FROM users ORDER BY id").fetchall() == before
    assert diff_rows(shop, "main", "feature") == []


def test_type_changes_that_can_lose_values_say_so(shop):
    """Issue 13: 9.99 becomes 10 as an integer; a widening loses nothing."""
    shop.execute("""CREATE TABLE m (a numeric(6,2), b timestamptz, c int, d varchar(10), e int,
                                    f numeric(6,2), g varchar(10), h int)""")
    shop.execute("SELECT pggit.create_branch('types')")
    shop.execute("SELECT pggit.switch_branch('types')")
    shop.execute("""ALTER TABLE m ALTER a TYPE int, ALTER b TYPE date, ALTER c TYPE smallint,
                                  ALTER d TYPE varchar(5), ALTER e TYPE bigint, ALTER f TYPE numeric(9,3),
                                  ALTER g TYPE text, ALTER h TYPE numeric(12,0)""")
    shop.execute("SELECT pggit.switch_branch('main')")
    hazards = {r[2]: r[4] for r in diff_rows(shop, "main", "types")}
    for lossy in ("m.a", "m.b", "m.c", "m.d"):
        assert "may lose data" in hazards[lossy], (lossy, hazards[lossy])
    for wider in ("m.e", "m.f", "m.g", "m.h"):
        assert "may lose data" not in hazards[wider], (wider, hazards[wider])


def test_renamed_sequences_views_and_indexes(shop):
    shop.execute("CREATE VIEW big_orders AS SELECT * FROM orders")
    shop.execute("CREATE INDEX orders_qty ON orders (quantity)")
    shop.execute("SELECT pggit.create_branch('relations')")
    shop.execute("SELECT pggit.switch_branch('relations')")
    shop.execute("ALTER SEQUENCE users_id_seq RENAME TO people_id_seq")
    shop.execute("ALTER VIEW big_orders RENAME TO large_orders")
    shop.execute("ALTER INDEX orders_qty RENAME TO orders_by_quantity")
    shop.execute("SELECT pggit.switch_branch('main')")
    rows = diff_rows(shop, "main", "relations")
    assert sorted((r[0], r[1], r[2]) for r in rows) == [
        ("renamed", "INDEX", "orders_by_quantity"), ("renamed", "SEQUENCE", "people_id_seq"),
        ("renamed", "VIEW", "large_orders")], rows
    shop.execute(scalar(shop, "SELECT pggit.schema_diff_sql('main', 'relations')"))
    assert diff_rows(shop, "main", "relations") == []
    assert scalar(shop, "SELECT nextval('people_id_seq')") == 3  # the sequence kept its value
