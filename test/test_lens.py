"""The lens: a session with pggit_lens first on its search_path that only sets
pggit.current_branch reads and writes its branch's tables through pggit_lens.<table>,
with the branch's indexes and sequences.

Branches are mostly made by hand here (schemas, copies, pggit.branches rows), so these
tests depend on nothing but the lens.
"""

import psycopg
import pytest

from conftest import scalar

MAIN = """
CREATE TABLE public.teams (id int PRIMARY KEY, title text NOT NULL);
CREATE TABLE public.users (
    id      serial PRIMARY KEY,
    name    text NOT NULL DEFAULT 'anon',
    email   text DEFAULT 'nobody@example.com',
    team_id int REFERENCES public.teams (id)
);
CREATE INDEX users_email ON public.users (email);
INSERT INTO public.teams VALUES (1, 'core');
INSERT INTO public.users (name, email, team_id)
SELECT 'main-' || g, 'main' || g || '@example.com', 1 FROM generate_series(1, 50) g;
"""


def qi(name):
    return '"' + name.replace('"', '""') + '"'


def add_branch(conn, branch, schema, tables=("teams", "users"), seq_start=1000):
    """A branch made the way create_branch will: copies of main's tables, its own sequences."""
    conn.execute(f"CREATE SCHEMA {qi(schema)}")
    for table in tables:
        conn.execute(f"CREATE TABLE {qi(schema)}.{qi(table)} "
                     f"(LIKE public.{qi(table)} INCLUDING ALL)")
        conn.execute(f"INSERT INTO {qi(schema)}.{qi(table)} SELECT * FROM public.{qi(table)}")
    if "users" in tables:
        conn.execute(f"""
            CREATE SEQUENCE {qi(schema)}.users_id_seq START {seq_start} OWNED BY {qi(schema)}.users.id;
            ALTER TABLE {qi(schema)}.users ALTER COLUMN id SET DEFAULT nextval('{qi(schema)}.users_id_seq');
        """)
    conn.execute("INSERT INTO pggit.branches (name, schema_name) VALUES (%s, %s)", (branch, schema))


def regenerate(conn):
    """Turn the lens on (by hand, like the branches here) and bring it up to date."""
    conn.execute("INSERT INTO pggit.repository (tracked_schema, lens) VALUES ('public', true) "
                 "ON CONFLICT (singleton) DO UPDATE SET lens = true")
    conn.execute("SELECT pggit._regenerate_lens()")


def on_lens(conn, branch):
    """A session routed by the setting alone: the lens first on its path."""
    conn.execute("SET search_path = pggit_lens, public")
    conn.execute("SELECT set_config('pggit.current_branch', %s, false)", (branch,))


@pytest.fixture
def routed(pg):
    """main with teams and users, branch 'feature' with copies, routing generated."""
    pg.execute(MAIN)
    add_branch(pg, "feature", "pggit_branch_feature")
    regenerate(pg)
    return pg


@pytest.fixture
def feature(routed, other_session):
    """A session whose only tie to the branch is the setting."""
    on_lens(other_session, "feature")
    return other_session


def plan(conn, sql, params=None):
    return "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql, params))


# --- reading and writing --------------------------------------------------------------


def test_the_view_shows_mains_columns(routed):
    cols = [r[0] for r in routed.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'pggit_lens.users'::regclass "
        "AND attnum > 0 ORDER BY attnum")]
    assert cols == ["id", "name", "email", "team_id"]
    assert scalar(routed, "SELECT relkind FROM pg_class WHERE oid = 'pggit_lens.users'::regclass") == "v"


def test_reads_follow_the_session_branch(routed, feature):
    feature.execute("UPDATE pggit_branch_feature.users SET name = 'branch-' || id")
    assert scalar(feature, "SELECT name FROM users WHERE id = 3") == "branch-3"
    assert scalar(routed, "SELECT name FROM users WHERE id = 3") == "main-3"
    assert scalar(feature, "SELECT count(*) FROM users") == 50
    on_lens(feature, "main")
    assert scalar(feature, "SELECT name FROM users WHERE id = 3") == "main-3"


def test_insert_update_delete_with_returning_hit_the_branch_only(routed, feature):
    row = feature.execute(
        "INSERT INTO users (name, email) VALUES ('ann', 'ann@x') RETURNING *").fetchone()
    assert row == (1000, "ann", "ann@x", None)
    row = feature.execute(
        "UPDATE users SET name = 'anne' WHERE id = 1000 RETURNING id, name").fetchone()
    assert row == (1000, "anne")
    row = feature.execute("DELETE FROM users WHERE id = 7 RETURNING *").fetchone()
    assert row == (7, "main-7", "main7@example.com", 1)
    cur = feature.execute("UPDATE users SET email = 'e' WHERE id < 5")
    assert cur.rowcount == 4
    assert scalar(feature, "SELECT count(*) FROM pggit_branch_feature.users") == 50
    assert scalar(feature, "SELECT name FROM pggit_branch_feature.users WHERE id = 1000") == "anne"
    # main untouched
    assert scalar(routed, "SELECT count(*) FROM public.users") == 50
    assert scalar(routed, "SELECT count(*) FROM public.users WHERE id = 7") == 1
    assert scalar(routed, "SELECT count(*) FROM public.users WHERE email = 'e'") == 0
    assert scalar(routed, "SELECT count(*) FROM users WHERE id = 1000") == 0


def test_defaults_and_serials_come_from_the_sessions_branch(routed, feature):
    main_seq_before = scalar(routed, "SELECT last_value FROM public.users_id_seq")
    assert feature.execute("INSERT INTO users (email) VALUES (NULL) RETURNING id, name, email"
                           ).fetchone() == (1000, "anon", None)  # explicit NULL stays NULL
    assert feature.execute("INSERT INTO users DEFAULT VALUES RETURNING id, email"
                           ).fetchone() == (1001, "nobody@example.com")
    assert scalar(routed, "SELECT last_value FROM public.users_id_seq") == main_seq_before
    assert scalar(routed, "INSERT INTO users (name) VALUES ('m') RETURNING id") == 51
    assert scalar(routed, "SELECT last_value FROM pggit_branch_feature.users_id_seq") == 1001
    # A branch's own default wins over main's.
    routed.execute("ALTER TABLE pggit_branch_feature.users ALTER COLUMN name SET DEFAULT 'feat'")
    regenerate(routed)
    assert scalar(feature, "INSERT INTO users (email) VALUES ('f') RETURNING name") == "feat"
    assert scalar(routed, "INSERT INTO users (email) VALUES ('f') RETURNING name") == "anon"
    assert scalar(feature, "UPDATE users SET name = DEFAULT WHERE id = 1 RETURNING name") == "feat"


def test_constraints_of_the_branch_table_apply(routed, feature):
    with pytest.raises(psycopg.errors.NotNullViolation):
        feature.execute("INSERT INTO users (name) VALUES (NULL)")
    with pytest.raises(psycopg.errors.UniqueViolation):
        feature.execute("INSERT INTO users (id, name) VALUES (1, 'dup')")


def test_an_unknown_branch_or_a_missing_table_is_an_error_not_an_empty_table(routed, other_session):
    on_lens(other_session, "nowhere")
    for sql in ("SELECT count(*) FROM users", "SELECT * FROM users WHERE id = 1",
                "INSERT INTO users (name) VALUES ('x')"):
        with pytest.raises(psycopg.errors.UndefinedObject,
                           match="^pggit: pggit.current_branch is 'nowhere', which names no branch"):
            other_session.execute(sql)
    routed.execute("DROP TABLE pggit_branch_feature.teams")
    regenerate(routed)
    on_lens(other_session, "feature")
    for sql in ("SELECT count(*) FROM teams", "SELECT title FROM teams WHERE id = 1",
                "INSERT INTO teams VALUES (2, 'x')"):
        with pytest.raises(psycopg.errors.UndefinedTable, match='^pggit: relation "teams" does not exist'):
            other_session.execute(sql)


def test_a_row_changed_since_the_statement_read_it_is_a_serialization_failure(server, routed):
    from conftest import connect

    a, b = (connect(server, routed.info.dbname, autocommit=False) for _ in range(2))
    try:
        for conn in (a, b):
            on_lens(conn, "feature")
            conn.commit()
        a.execute("UPDATE users SET name = name || '+1' WHERE id = 1")
        # b's UPDATE reads the row as it was, then waits for a's lock; a commits, so the
        # row b read is gone: b must fail, not overwrite a's change
        import threading
        errors = []

        def run_b():
            try:
                b.execute("UPDATE users SET name = name || '+2' WHERE id = 1")
                b.commit()
            except psycopg.Error as e:
                errors.append(e)
                b.rollback()

        t = threading.Thread(target=run_b)
        t.start()
        t.join(0.5)
        a.commit()
        t.join()
        assert len(errors) == 1 and isinstance(errors[0], psycopg.errors.SerializationFailure)
        assert errors[0].diag.message_primary.startswith("pggit: could not update a row of users")
        assert scalar(routed, "SELECT name FROM pggit_branch_feature.users WHERE id = 1") == "main-1+1"
    finally:
        a.close()
        b.close()


def test_what_a_view_cannot_do_fails_loudly(routed, feature):
    with pytest.raises(psycopg.errors.InvalidColumnReference):  # ON CONFLICT needs the real table
        feature.execute("INSERT INTO users (id, name) VALUES (1, 'x') ON CONFLICT (id) DO NOTHING")
    with pytest.raises(psycopg.errors.WrongObjectType):
        feature.execute("TRUNCATE users")
    assert scalar(routed, "SELECT count(*) FROM pggit_branch_feature.users") == 50


def test_enable_and_disable_lens(pg):
    pg.execute(MAIN)
    pg.execute("SELECT pggit.init()")
    assert scalar(pg, "SELECT count(*) FROM pg_class WHERE relnamespace = 'pggit_lens'::regnamespace") == 0
    pg.execute("CREATE TABLE later (id int)")  # the lens is off: nothing is made for it
    assert scalar(pg, "SELECT count(*) FROM pg_class WHERE relnamespace = 'pggit_lens'::regnamespace") == 0
    assert "3 view(s)" in scalar(pg, "SELECT pggit.enable_lens()")
    pg.execute("CREATE TABLE later2 (id int)")
    assert scalar(pg, "SELECT to_regclass('pggit_lens.later2') IS NOT NULL")
    pg.execute("SELECT pggit.disable_lens()")
    assert scalar(pg, "SELECT count(*) FROM pg_class WHERE relnamespace = 'pggit_lens'::regnamespace") == 0
    assert scalar(pg, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'pggit_routes'::regnamespace") == 0
    assert scalar(pg, "SELECT count(*) FROM users") == 50


# --- the planner sees through the routing -----------------------------------------------


def test_point_lookup_uses_the_branch_index(feature):
    text = plan(feature, "SELECT * FROM users WHERE id = 5")
    assert "Function Scan on users" not in text  # inlined
    assert "Index Scan using users_pkey on users" in text
    assert "pggit_branch_feature" in plan(feature, "VERBOSE SELECT * FROM users WHERE id = 5")
    text = plan(feature, "SELECT * FROM users WHERE email = 'x'")
    assert "Seq Scan" not in text and "users_email_idx" in text


@pytest.mark.parametrize("mode", ["auto", "force_generic_plan"])
def test_prepared_lookup_uses_the_branch_index(feature, mode):
    feature.execute(f"SET plan_cache_mode = {mode}")
    feature.execute("PREPARE q(int) AS SELECT * FROM users WHERE id = $1")
    for i in range(8):
        assert feature.execute(f"EXECUTE q({i + 1})").fetchone()[0] == i + 1
    text = plan(feature, "EXECUTE q(5)")
    assert "Function Scan on users" not in text  # inlined
    assert "Index Scan using users_pkey on users" in text
    assert "$1" in text if mode == "force_generic_plan" else True
    assert "Seq Scan" not in text


# --- DDL is never blocked -----------------------------------------------------------------


def test_no_routing_object_depends_on_a_branch_table(routed):
    deps = scalar(routed, """
        SELECT count(*) FROM pg_depend d
          JOIN pg_class c ON d.refclassid = 'pg_class'::regclass AND c.oid = d.refobjid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname IN ('public', 'pggit_branch_feature')
           AND ((d.classid = 'pg_proc'::regclass AND d.objid IN (
                   SELECT p.oid FROM pg_proc p WHERE p.pronamespace = 'pggit_routes'::regnamespace))
             OR (d.classid = 'pg_rewrite'::regclass AND d.objid IN (
                   SELECT r.oid FROM pg_rewrite r WHERE r.ev_class = 'pggit_lens.users'::regclass)))""")
    assert deps == 0


def test_ddl_on_a_branch_table_is_not_blocked(routed, feature):
    routed.execute("ALTER TABLE pggit_branch_feature.users ADD COLUMN x int DEFAULT 7")
    regenerate(routed)
    assert scalar(feature, "INSERT INTO users (name) VALUES ('a') RETURNING id") == 1000
    assert scalar(feature, "SELECT x FROM pggit_branch_feature.users WHERE id = 1000") == 7
    routed.execute("ALTER TABLE pggit_branch_feature.users DROP COLUMN x")
    routed.execute("ALTER TABLE pggit_branch_feature.users DROP COLUMN email")
    regenerate(routed)
    # main's column the branch lacks reads as NULL; writes ignore it
    assert feature.execute("SELECT id, email FROM users WHERE id = 1000").fetchone() == (1000, None)
    assert scalar(feature, "UPDATE users SET name = 'b', email = 'z' WHERE id = 1000 RETURNING name") == "b"
    assert scalar(routed, "SELECT email FROM users WHERE id = 3") == "main3@example.com"


def test_dropping_a_branch_schema(routed, feature):
    routed.execute("DELETE FROM pggit.branches WHERE name = 'feature'")
    regenerate(routed)
    routed.execute("DROP SCHEMA pggit_branch_feature CASCADE")
    assert scalar(routed, "SELECT count(*) FROM users") == 50
    with pytest.raises(psycopg.errors.UndefinedObject, match="names no branch"):
        feature.execute("SELECT count(*) FROM users")
    assert "pggit_branch_feature" not in scalar(
        routed, "SELECT string_agg(prosrc, ' ') FROM pg_proc WHERE pronamespace = 'pggit_routes'::regnamespace")


def test_a_table_dropped_from_main_leaves_public(routed):
    routed.execute("ALTER TABLE public.users DROP CONSTRAINT users_team_id_fkey")
    routed.execute("DROP TABLE public.teams")
    regenerate(routed)
    assert scalar(routed, "SELECT to_regclass('pggit_lens.teams')") is None
    assert scalar(routed, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'pggit_routes'::regnamespace "
                          "AND proname LIKE 'teams%'") == 0
    assert scalar(routed, "SELECT count(*) FROM users") == 50


def test_a_column_added_on_main_appears_in_the_view(routed, feature):
    routed.execute("GRANT SELECT, UPDATE ON pggit_lens.users TO PUBLIC")
    oid = scalar(routed, "SELECT 'pggit_lens.users'::regclass::oid")
    routed.execute("ALTER TABLE public.users ADD COLUMN age int DEFAULT 3")
    regenerate(routed)
    assert scalar(routed, "SELECT 'pggit_lens.users'::regclass::oid") != oid  # made again
    assert scalar(routed, "SELECT has_table_privilege('public', 'pggit_lens.users', 'UPDATE')")
    assert not scalar(routed, "SELECT has_table_privilege('public', 'pggit_lens.users', 'INSERT')")
    assert scalar(routed, "INSERT INTO users (name) VALUES ('x') RETURNING age") == 3
    assert feature.execute("INSERT INTO users (name, age) VALUES ('x', 5) RETURNING id, age"
                           ).fetchone() == (1000, None)  # the branch has no such column


def test_regenerate_is_idempotent(routed):
    def state():
        return routed.execute("""
            SELECT (SELECT array_agg((oid, xmin::text)::text ORDER BY oid) FROM pg_proc
                     WHERE pronamespace = 'pggit_routes'::regnamespace),
                   (SELECT array_agg((oid, xmin::text)::text ORDER BY oid) FROM pg_class
                     WHERE relnamespace = 'pggit_lens'::regnamespace),
                   (SELECT array_agg((oid, xmin::text)::text ORDER BY oid) FROM pg_attrdef
                     WHERE adrelid = 'pggit_lens.users'::regclass),
                   (SELECT array_agg((oid, xmin::text)::text ORDER BY oid) FROM pg_trigger
                     WHERE tgrelid = 'pggit_lens.users'::regclass)""").fetchone()

    before = state()
    regenerate(routed)
    regenerate(routed)
    assert state() == before


def test_regenerate_works_outside_the_server(routed):
    from pggit import lens
    from pggit.db import PsycopgDb

    routed.execute("DROP VIEW pggit_lens.teams")
    lens.regenerate(PsycopgDb(routed))
    assert scalar(routed, "SELECT count(*) FROM teams") == 1
    assert scalar(routed, "SHOW search_path") == '"$user", public'


def test_regenerate_refuses_to_replace_a_users_own_relation(routed):
    routed.execute("DROP VIEW pggit_lens.teams; CREATE TABLE pggit_lens.teams (x int)")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="^pggit: pggit_lens.teams exists"):
        regenerate(routed)
    assert scalar(routed, "SELECT relkind FROM pg_class WHERE oid = 'pggit_lens.teams'::regclass") == "r"


# --- table shapes ----------------------------------------------------------------------------


def test_a_table_without_primary_key_reads_and_inserts_but_refuses_update(pg, other_session):
    pg.execute("CREATE TABLE public.log (at int, msg text)")
    add_branch(pg, "feature", "pggit_branch_feature", tables=("log",))
    regenerate(pg)
    on_lens(other_session, "feature")
    assert scalar(other_session, "INSERT INTO log VALUES (1, 'a') RETURNING msg") == "a"
    assert scalar(pg, "SELECT count(*) FROM log") == 0
    with pytest.raises(psycopg.errors.FeatureNotSupported,
                       match="^pggit: cannot update rows of log .* has no primary key"):
        other_session.execute("UPDATE log SET msg = 'b'")
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="^pggit: cannot delete"):
        other_session.execute("DELETE FROM log")


def test_types_that_differ_on_a_branch_are_cast_to_mains(pg, other_session):
    pg.execute("""
        CREATE TYPE public.mood AS ENUM ('sad', 'happy');
        CREATE TABLE public.t (id int PRIMARY KEY, n int, m public.mood, only_main text);
        INSERT INTO public.t VALUES (1, 1, 'sad', 'x');
        CREATE SCHEMA pggit_branch_b;
        CREATE TYPE pggit_branch_b.mood AS ENUM ('sad', 'happy', 'meh');
        CREATE TABLE pggit_branch_b.t (id bigint PRIMARY KEY, n numeric, m pggit_branch_b.mood, extra int);
        INSERT INTO pggit_branch_b.t VALUES (1, 2.4, 'happy', 9);
        INSERT INTO pggit.branches (name, schema_name) VALUES ('b', 'pggit_branch_b');
    """)
    regenerate(pg)
    on_lens(other_session, "b")
    assert other_session.execute("SELECT id, n, m::text, only_main FROM t").fetchone() == (1, 2, "happy", None)
    assert other_session.execute(
        "INSERT INTO t (id, n, m) VALUES (2, 3, 'sad') RETURNING id, n, m::text").fetchone() == (2, 3, "sad")
    assert other_session.execute(
        "UPDATE t SET m = 'happy' WHERE id = 2 RETURNING m::text").fetchone() == ("happy",)
    assert "Index Scan" in plan(other_session, "SELECT * FROM t WHERE id = 1")


def test_identity_and_generated_columns(pg, other_session):
    pg.execute("""
        CREATE TABLE public.g (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                   a int, twice int GENERATED ALWAYS AS (a * 2) STORED);
        CREATE SCHEMA pggit_branch_g;
        CREATE TABLE pggit_branch_g.g (id int GENERATED ALWAYS AS IDENTITY (START 500) PRIMARY KEY,
                                       a int, twice int GENERATED ALWAYS AS (a * 2) STORED);
        INSERT INTO pggit.branches (name, schema_name) VALUES ('g', 'pggit_branch_g');
    """)
    regenerate(pg)
    on_lens(other_session, "g")
    assert other_session.execute("INSERT INTO g (a) VALUES (4) RETURNING *").fetchone() == (500, 4, 8)
    assert pg.execute("INSERT INTO g (a) VALUES (1) RETURNING *").fetchone() == (1, 1, 2)
    assert other_session.execute("UPDATE g SET a = 5 RETURNING *").fetchone() == (500, 5, 10)
    with pytest.raises(psycopg.errors.GeneratedAlways, match="^pggit: column id"):
        other_session.execute("UPDATE g SET id = 3")


NAMES = [
    ("feature/users-api", "pggit_branch_feature_users_api", "user", "select"),
    ("it's \"quoted\"", "pggit_branch_it's \"q\"", "My Table", "Order By"),
    ("ünïcødé ✓", "pggit_branch_ünï", "tablé ✓", "naïve col"),
    ("a%b; drop", "pggit_branch_a b", "we'ird\\name", "x%s$1"),
]


def lit(value):
    return "'" + value.replace("'", "''") + "'"


@pytest.mark.parametrize("branch,schema,table,column", NAMES)
def test_hostile_names(pg, other_session, branch, schema, table, column):
    # No query parameters below: psycopg would read a % inside a quoted name as one.
    pg.execute(f"""
        CREATE TABLE public.{qi(table)} ({qi(column)} serial PRIMARY KEY, "end" text DEFAULT 'd');
        CREATE INDEX ON public.{qi(table)} ("end");
        INSERT INTO public.{qi(table)} ("end") VALUES ('main');
        CREATE SCHEMA {qi(schema)};
        CREATE TABLE {qi(schema)}.{qi(table)} (LIKE public.{qi(table)} INCLUDING ALL);
        CREATE SEQUENCE {qi(schema)}.s START 70 OWNED BY {qi(schema)}.{qi(table)}.{qi(column)};
        ALTER TABLE {qi(schema)}.{qi(table)} ALTER COLUMN {qi(column)}
            SET DEFAULT nextval({lit(qi(schema) + '.s')}::regclass);
        INSERT INTO pggit.branches (name, schema_name) VALUES ({lit(branch)}, {lit(schema)});
    """)
    regenerate(pg)
    regenerate(pg)
    other_session.execute("SET search_path = pggit_lens, public")
    other_session.execute(f"SELECT set_config('pggit.current_branch', {lit(branch)}, false)")
    view = f"pggit_lens.{qi(table)}"
    one = other_session.execute
    assert one(f"INSERT INTO {view} (\"end\") VALUES ('b') RETURNING *").fetchone() == (70, "b")
    assert one(f"UPDATE {view} SET \"end\" = 'c' WHERE {qi(column)} = 70 RETURNING \"end\""
               ).fetchone() == ("c",)
    assert one(f"SELECT * FROM {view}").fetchall() == [(70, "c")]
    assert pg.execute(f"SELECT * FROM {view}").fetchall() == [(1, "main")]
    assert "Index Scan" in plan(other_session, f"SELECT * FROM {view} WHERE {qi(column)} = 70")
    assert one(f"DELETE FROM {view} RETURNING {qi(column)}").fetchall() == [(70,)]
    with pytest.raises(psycopg.errors.UndefinedObject, match="^pggit: pggit.current_branch is 'nowhere', which names no branch"):
        on_lens(other_session, "nowhere")
        one(f"DELETE FROM {view}")  # no rows: the trigger never runs
        one(f"INSERT INTO {view} DEFAULT VALUES")


# --- regeneration after DDL: only the tables the statement touched --------------------------

TRACKED = """
CREATE TABLE teams (id int PRIMARY KEY, title text NOT NULL DEFAULT 'new team');
CREATE TABLE users (id serial PRIMARY KEY, name text DEFAULT 'anon', team_id int REFERENCES teams (id));
INSERT INTO teams VALUES (1, 'core');
INSERT INTO users (name, team_id) VALUES ('ann', 1);
"""


@pytest.fixture
def tracked(pg):
    """An initialised database with branch feature: the event triggers are live."""
    pg.execute(TRACKED)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature')")
    pg.execute("SELECT pggit.enable_lens()")
    return pg


def routing_of(conn, table):
    """The routing objects of one table, by oid and xmin: unchanged means untouched."""
    return conn.execute("""
        WITH v AS (SELECT to_regclass('pggit_lens.' || quote_ident(%(t)s)) AS oid)
        SELECT (SELECT array_agg((p.oid, p.xmin::text)::text ORDER BY p.oid) FROM pg_proc p
                 WHERE p.pronamespace = 'pggit_routes'::regnamespace
                   AND (p.proname = %(t)s OR left(p.proname, length(%(t)s) + 2) = %(t)s || '__')),
               (SELECT (c.oid, c.xmin::text)::text FROM pg_class c, v WHERE c.oid = v.oid),
               (SELECT array_agg((a.oid, a.xmin::text)::text ORDER BY a.oid) FROM pg_attrdef a, v
                 WHERE a.adrelid = v.oid),
               (SELECT array_agg((t.oid, t.xmin::text)::text ORDER BY t.oid) FROM pg_trigger t, v
                 WHERE t.tgrelid = v.oid)""", {"t": table}).fetchone()


def view_columns(conn, table):
    return [r[0] for r in conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass('pggit_lens.' || quote_ident(%s)) "
        "AND attnum > 0 ORDER BY attnum", (table,))]


def test_ddl_on_main_regenerates_that_tables_routing_only(tracked, other_session):
    teams = routing_of(tracked, "teams")
    assert teams[0] and teams[1] and teams[2] and teams[3]
    tracked.execute("ALTER TABLE public.users ADD COLUMN x int DEFAULT 5")
    assert view_columns(tracked, "users") == ["id", "name", "team_id", "x"]
    assert tracked.execute("INSERT INTO users (name) VALUES ('bo') RETURNING x").fetchone() == (5,)
    on_lens(other_session, "feature")
    assert scalar(other_session, "SELECT count(*) FROM users WHERE x IS NULL") == 1
    assert routing_of(tracked, "teams") == teams


def test_ddl_on_a_branch_table_regenerates_its_routing(tracked, other_session):
    teams = routing_of(tracked, "teams")
    tracked.execute("ALTER TABLE pggit_branch_feature.users DROP COLUMN name")
    on_lens(other_session, "feature")
    assert other_session.execute("SELECT id, name FROM users").fetchall() == [(1, None)]
    assert scalar(other_session, "INSERT INTO users (name, team_id) VALUES ('x', 1) RETURNING name") is None
    assert routing_of(tracked, "teams") == teams
    users = routing_of(tracked, "users")
    tracked.execute("ALTER TABLE pggit_branch_feature.users ADD COLUMN only_here int")  # not main's
    assert routing_of(tracked, "users") == users


def test_dropping_a_table_from_main_drops_its_routing(tracked):
    users = routing_of(tracked, "users")
    tracked.execute("ALTER TABLE public.users DROP CONSTRAINT users_team_id_fkey")
    tracked.execute("DROP TABLE public.teams")
    assert scalar(tracked, "SELECT to_regclass('pggit_lens.teams')") is None
    assert routing_of(tracked, "teams") == (None, None, None, None)
    assert routing_of(tracked, "users") == users
    assert scalar(tracked, "SELECT count(*) FROM users") == 1


def test_renames_leave_no_stale_routing(tracked, other_session):
    tracked.execute("ALTER TABLE public.teams RENAME TO squads")
    assert scalar(tracked, "SELECT to_regclass('pggit_lens.teams')") is None
    assert routing_of(tracked, "teams")[0] is None
    assert scalar(tracked, "SELECT title FROM squads") == "core"
    # a branch's copy renamed away: its arm goes, every other session keeps working
    tracked.execute("ALTER TABLE pggit_branch_feature.users RENAME TO people")
    assert scalar(tracked, "SELECT count(*) FROM users") == 1
    on_lens(other_session, "feature")
    with pytest.raises(psycopg.errors.UndefinedTable):
        other_session.execute("SELECT count(*) FROM users")


def test_versioned_objects_follow_the_statements_that_change_them(tracked):
    def objects():
        return {tuple(r) for r in tracked.execute(
            "SELECT object_type, object_name FROM pggit.versioned_objects v "
            "JOIN pggit.branches b ON b.id = v.branch_id WHERE b.name = 'main'")}

    before = objects()
    tracked.execute("ALTER TABLE public.users ADD COLUMN n int")  # no object comes or goes
    assert objects() == before
    tracked.execute("ALTER TABLE public.users ADD COLUMN s serial")
    assert objects() == before | {("SEQUENCE", "users_s_seq")}
    tracked.execute("ALTER TABLE public.users DROP COLUMN s")
    assert objects() == before
    tracked.execute("ALTER TABLE public.teams RENAME TO squads")
    assert objects() == before - {("TABLE", "teams")} | {("TABLE", "squads")}


def test_an_altered_type_regenerates_every_table(tracked):
    tracked.execute("CREATE TYPE public.mood AS ENUM ('sad', 'happy')")
    tracked.execute("ALTER TABLE public.users ADD COLUMN m public.mood DEFAULT 'happy'")
    tracked.execute("ALTER TYPE public.mood RENAME TO feeling")
    assert scalar(tracked, "SELECT m::text FROM users") == "happy"
    assert scalar(tracked, "INSERT INTO users (m) VALUES ('sad') RETURNING m::text") == "sad"


def test_statements_that_cannot_change_routing_do_no_routing_work(tracked):
    # pggit_lens.teams becomes a user's own table: regenerating teams' routing now fails.
    tracked.execute("SET session_replication_role = replica")  # event triggers stand aside
    tracked.execute("DROP VIEW pggit_lens.teams; CREATE TABLE pggit_lens.teams (x int)")
    tracked.execute("RESET session_replication_role")
    users = routing_of(tracked, "users")
    tracked.execute("CREATE INDEX ON public.teams (title)")
    tracked.execute("COMMENT ON TABLE public.teams IS 'the teams'")
    tracked.execute("ALTER TABLE public.users ADD COLUMN y int")  # another table: fine
    assert routing_of(tracked, "users") != users
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="^pggit: pggit_lens.teams exists"):
        tracked.execute("ALTER TABLE public.teams ADD COLUMN z int")


def test_scoped_regeneration_of_hostile_names(pg):
    from pggit import lens
    from pggit.db import PsycopgDb

    names = ['a,b"{c}\\d', "NULL", "tablé ✓"]
    for name in names:
        pg.execute(f"CREATE TABLE {qi(name)} (id int PRIMARY KEY)")
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature')")
    pg.execute("SELECT pggit.enable_lens()")
    for name in names:
        pg.execute(f"ALTER TABLE public.{qi(name)} ADD COLUMN {qi(name + ' col')} int")
        assert view_columns(pg, name) == ["id", name + " col"]
    before = [routing_of(pg, name) for name in names]
    lens.regenerate(PsycopgDb(pg), names)  # nothing left to do
    lens.regenerate(PsycopgDb(pg), ["no such table"])
    assert [routing_of(pg, name) for name in names] == before
    pg.execute("SET session_replication_role = replica")  # event triggers stand aside
    pg.execute(f"DROP TABLE public.{qi(names[0])}")
    lens.regenerate(PsycopgDb(pg), {names[0]})
    assert routing_of(pg, names[0]) == (None, None, None, None)
    assert [routing_of(pg, name) for name in names[1:]] == before[1:]


def test_lens_views_keep_the_typmods_of_mains_columns(pg):
    """Issue 12, item 7: a function's result has no typmods; the view casts them back."""
    pg.execute("CREATE TABLE prices (id int PRIMARY KEY, amount numeric(4,2), code varchar(3))")
    pg.execute("INSERT INTO prices VALUES (1, 9.99, 'EUR')")
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.enable_lens()")
    types = """SELECT string_agg(format_type(atttypid, atttypmod), ', ' ORDER BY attnum) FROM pg_attribute
                WHERE attrelid = %s::regclass AND attnum > 0"""
    assert scalar(pg, types, ("pggit_lens.prices",)) == "integer, numeric(4,2), character varying(3)"
    pg.execute("ALTER TABLE prices ALTER COLUMN amount TYPE numeric(6,2)")
    assert scalar(pg, types, ("pggit_lens.prices",)) == "integer, numeric(6,2), character varying(3)"
    on_lens(pg, "main")
    assert scalar(pg, "SELECT amount::text FROM prices") == "9.99"
