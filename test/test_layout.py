"""The zero-impact layout: main stays real in public, a branch is reached through
search_path, and a branch session never reaches main's objects by an unqualified name."""

import threading

import psycopg
import pytest

from conftest import connect, scalar

APP = """
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE users (id serial PRIMARY KEY, email citext UNIQUE, m mood DEFAULT 'ok');
CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL DEFAULT 0);
CREATE TABLE legacy (id int PRIMARY KEY, note text);
CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE VIEW happy_users AS SELECT id, email FROM users WHERE m = 'happy';
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM users';
CREATE AGGREGATE total(int) (sfunc = int4pl, stype = int, initcond = '0');
INSERT INTO users (email, m) VALUES ('Ann@example.com', 'happy'), ('bob@example.com', 'sad');
INSERT INTO counters VALUES (1, 0);
INSERT INTO legacy VALUES (1, 'old');
INSERT INTO events VALUES (1, '2024-05-01');
"""


def public_snapshot(conn):
    """Everything an application on main can see of public: objects, owners, grants,
    default privileges, columns, constraints, sequence positions and rows."""
    with conn.transaction():
        conn.execute("SET LOCAL search_path = pg_catalog")
        rels = conn.execute("""
            SELECT c.relname, c.relkind, c.relowner::regrole::text, c.relacl::text,
                   (SELECT array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '
                                     || coalesce(a.attacl::text, '') ORDER BY a.attnum)
                      FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)::text,
                   (SELECT array_agg(pg_get_constraintdef(k.oid) ORDER BY conname)
                      FROM pg_constraint k WHERE k.conrelid = c.oid)::text
              FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1""").fetchall()
        procs = conn.execute("SELECT p.oid::regprocedure::text, p.proacl::text FROM pg_proc p "
                             "WHERE p.pronamespace = 'public'::regnamespace ORDER BY 1").fetchall()
        types = conn.execute("SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace "
                             "ORDER BY 1").fetchall()
        defaults = conn.execute("SELECT defaclrole::regrole::text, defaclobjtype, defaclacl::text "
                                "FROM pg_default_acl ORDER BY 1, 2").fetchall()
        nsp = conn.execute("SELECT nspowner::regrole::text, nspacl::text FROM pg_namespace "
                           "WHERE nspname = 'public'").fetchall()
        seqs = conn.execute("SELECT sequencename, last_value FROM pg_sequences "
                            "WHERE schemaname = 'public' ORDER BY 1").fetchall()
    rows = [conn.execute(f"SELECT * FROM public.{t} ORDER BY 1").fetchall()
            for t in ("users", "counters", "legacy", "events")]
    return rels, procs, types, defaults, nsp, seqs, rows


@pytest.fixture
def app(pg):
    pg.execute(APP)
    return pg


@pytest.fixture
def repo(app):
    app.execute("SELECT pggit.init()")
    app.execute("SELECT pggit.create_branch('feature')")
    return app


def on_branch(server, conn, branch, **kwargs):
    """A new connection opened on `branch` with its connection options."""
    options = scalar(conn, "SELECT pggit.connection_options(%s)", (branch,))
    return connect(server, conn.info.dbname, options=options, **kwargs)


# --- init moves nothing ------------------------------------------------------------------


def test_init_changes_nothing_an_application_on_main_sees(app):
    app.execute("DROP ROLE IF EXISTS pggit_layout_reader")
    app.execute("CREATE ROLE pggit_layout_reader")
    try:
        app.execute("GRANT SELECT (id) ON users TO pggit_layout_reader")
        app.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO pggit_layout_reader")
        before = public_snapshot(app)
        assert "pggit: initialised" in scalar(app, "SELECT pggit.init()")
        assert public_snapshot(app) == before
        assert scalar(app, "SELECT schema_name FROM pggit.branches WHERE name = 'main'") == "public"
        assert scalar(app, "SELECT tracked_schema FROM pggit.repository") == "public"
        # main's objects are not the extension's
        assert scalar(app, """SELECT count(*) FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
                               WHERE d.deptype = 'e' AND d.classid = 'pg_class'::regclass
                                 AND c.relnamespace = 'public'::regnamespace""") == 0
        # a table made after init still gets the default privileges
        app.execute("CREATE TABLE later (id int)")
        assert scalar(app, "SELECT has_table_privilege('pggit_layout_reader', 'public.later', 'SELECT')")
    finally:
        app.execute("DROP OWNED BY pggit_layout_reader")
        app.execute("DROP ROLE pggit_layout_reader")


def test_main_keeps_every_semantic_of_a_real_table(server, repo):
    repo.execute("INSERT INTO counters VALUES (1, 5) ON CONFLICT (id) DO UPDATE SET n = EXCLUDED.n")
    assert scalar(repo, "SELECT n FROM counters WHERE id = 1") == 5
    assert scalar(repo, "SELECT pg_get_serial_sequence('users', 'id')") == "public.users_id_seq"
    repo.execute("MERGE INTO counters c USING (VALUES (1)) v(id) ON c.id = v.id "
                 "WHEN MATCHED THEN UPDATE SET n = c.n + 1")
    assert scalar(repo, "SELECT n FROM counters WHERE id = 1") == 6
    assert scalar(repo, "SELECT user_count()") == 2
    assert scalar(repo, "SELECT total(id) FROM users") == 3
    assert scalar(repo, "SELECT count(*) FROM happy_users") == 1
    assert scalar(repo, "SELECT 'ok'::mood::text") == "ok"
    # FOR UPDATE takes a row lock another session waits for
    other = connect(server, repo.info.dbname, autocommit=False)
    try:
        with repo.transaction():
            repo.execute("SELECT * FROM counters WHERE id = 1 FOR UPDATE")
            other.execute("SET lock_timeout = '100ms'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT * FROM counters WHERE id = 1 FOR UPDATE")
            other.rollback()
    finally:
        other.close()
    repo.execute("TRUNCATE legacy")
    assert scalar(repo, "SELECT count(*) FROM legacy") == 0


def test_concurrent_increments_on_main_are_all_counted(server, repo):
    def bump():
        conn = connect(server, repo.info.dbname)
        try:
            for _ in range(5):
                conn.execute("UPDATE counters SET n = n + 1 WHERE id = 1")
        finally:
            conn.close()

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert scalar(repo, "SELECT n FROM counters WHERE id = 1") == 20


def test_drop_extension_cascade_keeps_every_object_and_row_of_main(repo):
    repo.execute("SELECT pggit.switch_branch('feature')")
    repo.execute("DROP TABLE legacy")  # a mask stand-in that depends on the extension
    repo.execute("SELECT pggit.switch_branch('main')")
    before = public_snapshot(repo)
    repo.execute("DROP EXTENSION pggit CASCADE")
    assert public_snapshot(repo) == before
    # the branch's own tables stay too, as a plain schema
    assert scalar(repo, "SELECT count(*) FROM pggit_branch_feature.users") == 2


# --- search_path routing -------------------------------------------------------------------


def test_switch_branch_puts_the_branch_and_its_mask_first(repo):
    repo.execute("SELECT pggit.switch_branch('feature')")
    assert scalar(repo, "SHOW search_path") == 'pggit_branch_feature, pggit_mask_feature, "$user", public'
    assert scalar(repo, "SELECT pggit.current_branch()") == "feature"
    repo.execute("SELECT pggit.switch_branch('main')")
    assert scalar(repo, "SHOW search_path") == '"$user", public'


@pytest.mark.parametrize("name", ["feature", "with space", "back\\slash", "it's"])
def test_connection_options_open_a_session_on_the_branch(server, repo, name):
    if name != "feature":
        repo.execute("SELECT pggit.create_branch(%s)", (name,))
    schema = scalar(repo, "SELECT schema_name FROM pggit.branches WHERE name = %s", (name,))
    conn = on_branch(server, repo, name)
    try:
        assert scalar(conn, "SELECT pggit.current_branch()") == name
        assert scalar(conn, "SELECT current_schema()") == schema
        conn.execute("INSERT INTO users (email) VALUES ('branch@example.com')")
        conn.execute("SELECT * FROM pggit.status()")  # a consistent session
    finally:
        conn.close()
    assert scalar(repo, "SELECT count(*) FROM public.users") == 2
    assert scalar(repo, f'SELECT count(*) FROM "{schema}".users') == 3


def test_connection_options_of_main_and_of_unknown_branches(repo):
    assert scalar(repo, "SELECT pggit.connection_options('main')") == \
        '-c search_path="$user",public -c pggit.current_branch=main'
    with pytest.raises(psycopg.errors.UndefinedObject, match="pggit: branch 'nope' does not exist"):
        repo.execute("SELECT pggit.connection_options('nope')")


def test_a_branch_session_has_real_tables(server, repo):
    conn = on_branch(server, repo, "feature")
    try:
        conn.execute("INSERT INTO counters VALUES (1, 7) ON CONFLICT (id) DO UPDATE SET n = EXCLUDED.n")
        assert scalar(conn, "SELECT pg_get_serial_sequence('users', 'id')") == "pggit_branch_feature.users_id_seq"
        conn.execute("TRUNCATE legacy")
        assert scalar(conn, "SELECT relkind FROM pg_class WHERE oid = 'counters'::regclass") == "r"
        # what pggit does not version (aggregates, here) is shared: the branch reaches main's
        assert scalar(conn, "SELECT total(n) FROM counters") == 7
        # extensions' types and functions in public keep resolving
        assert scalar(conn, "SELECT 'A'::citext = 'a'::citext")
        assert scalar(conn, "SELECT count(*) FROM users WHERE email = 'ann@example.com'") == 1
    finally:
        conn.close()
    assert scalar(repo, "SELECT n FROM counters") == 0
    assert scalar(repo, "SELECT count(*) FROM legacy") == 1


# --- isolation: names the branch lacks never reach main --------------------------------------


MISSING_RELATION = [
    "SELECT * FROM legacy",
    "SELECT note FROM legacy WHERE id = 1",
    "INSERT INTO legacy VALUES (2, 'x')",
    "UPDATE legacy SET note = 'y' WHERE id = 1",
    "DELETE FROM legacy WHERE id = 1",
    "SELECT count(*) FROM legacy l JOIN users u ON u.id = l.id",
]


@pytest.mark.parametrize("sql", MISSING_RELATION)
def test_a_table_dropped_on_the_branch_is_missing_there(server, repo, sql):
    conn = on_branch(server, repo, "feature")
    try:
        conn.execute("DROP TABLE legacy")
        with pytest.raises(psycopg.errors.UndefinedTable, match='pggit: relation "legacy" does not exist'):
            conn.execute(sql)
    finally:
        conn.close()
    assert repo.execute("SELECT * FROM legacy").fetchall() == [(1, "old")]


@pytest.mark.parametrize("sql", [s.replace("legacy", "later") for s in MISSING_RELATION])
def test_a_table_made_on_main_after_the_fork_is_missing_on_the_branch(server, repo, sql):
    repo.execute("CREATE TABLE later (id int PRIMARY KEY, note text)")
    repo.execute("INSERT INTO later VALUES (1, 'main')")
    conn = on_branch(server, repo, "feature")
    try:
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute(sql)
    finally:
        conn.close()
    assert repo.execute("SELECT * FROM later").fetchall() == [(1, "main")]


def test_functions_types_and_views_made_on_main_later_are_missing_on_the_branch(server, repo):
    repo.execute("CREATE FUNCTION later_fn(a int) RETURNS int LANGUAGE sql AS 'SELECT a'")
    repo.execute("CREATE TYPE later_type AS ENUM ('x')")
    repo.execute("CREATE VIEW later_view AS SELECT 1 AS one")
    repo.execute("CREATE SEQUENCE later_seq")
    conn = on_branch(server, repo, "feature")
    try:
        with pytest.raises(psycopg.errors.UndefinedFunction, match="pggit: function later_fn"):
            conn.execute("SELECT later_fn(1)")
        with pytest.raises(psycopg.errors.UndefinedObject, match="later_type"):
            conn.execute("SELECT 'x'::later_type")
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM later_view")
        with pytest.raises(psycopg.Error):
            conn.execute("SELECT nextval('later_seq')")
    finally:
        conn.close()
    assert scalar(repo, "SELECT nextval('later_seq')") == 1  # main's sequence never moved


def test_the_branch_can_make_its_own_object_of_a_masked_name(server, repo):
    repo.execute("CREATE TABLE later (id int)")
    repo.execute("CREATE TYPE later_type AS ENUM ('x')")
    conn = on_branch(server, repo, "feature")
    try:
        conn.execute("CREATE TABLE later (id int, branch_only text)")
        conn.execute("CREATE TYPE later_type AS ENUM ('y')")
        conn.execute("INSERT INTO later VALUES (1, 'b')")
        assert scalar(conn, "SELECT branch_only FROM later") == "b"
        assert scalar(conn, "SELECT 'y'::later_type::text") == "y"
        # and dropping it makes the name missing again, never main's
        conn.execute("DROP TABLE later")
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM later")
    finally:
        conn.close()
    assert scalar(repo, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.later'::regclass "
                        "AND attname = 'branch_only'") == 0


def test_an_aggregate_dropped_on_a_branch_is_masked(server, repo):
    """An aggregate is versioned and copied; dropped on a branch, main's never answers."""
    repo.execute("CREATE AGGREGATE summed(int) (SFUNC = int4pl, STYPE = int)")
    repo.execute("CREATE TABLE nums (n int)")
    repo.execute("INSERT INTO nums VALUES (1), (2)")
    repo.execute("SELECT pggit.create_branch('agg')")
    conn = on_branch(server, repo, "agg")
    try:
        assert scalar(conn, "SELECT summed(n) FROM nums") == 3  # the branch's own copy
        conn.execute("DROP AGGREGATE summed(int)")
        with pytest.raises(psycopg.errors.UndefinedFunction):
            conn.execute("SELECT summed(n) FROM nums")
    finally:
        conn.close()
    assert scalar(repo, "SELECT summed(n) FROM nums") == 3


def test_a_masked_name_is_missing_for_other_roles_too(server, repo):
    role = "pggit_layout_app"
    repo.execute(f"DROP ROLE IF EXISTS {role}")
    repo.execute(f"CREATE ROLE {role} LOGIN")
    try:
        repo.execute(f"GRANT SELECT ON legacy TO {role}")
        repo.execute("DROP TABLE pggit_branch_feature.legacy")
        options = scalar(repo, "SELECT pggit.connection_options('feature')")
        conn = psycopg.connect(host=server.host, port=server.port, user=role, dbname=repo.info.dbname,
                               options=options, autocommit=True)
        try:
            with pytest.raises(psycopg.Error) as e:
                conn.execute("SELECT * FROM legacy")
            assert e.value.sqlstate in ("42P01", "42501")
        finally:
            conn.close()
    finally:
        repo.execute(f"DROP OWNED BY {role}")
        repo.execute(f"DROP ROLE {role}")


def mask_contents(conn, branch):
    return conn.execute("""
        SELECT c.relname::text, pg_get_viewdef(c.oid) FROM pg_class c
         WHERE c.relnamespace = (SELECT pggit._mask_schema(schema_name) FROM pggit.branches WHERE name = %s)::regnamespace
        ORDER BY 1""", (branch,)).fetchall()


def test_a_merge_into_main_masks_what_it_made_on_every_other_branch(server, repo):
    """A merge brings only the stand-ins (and pggit.versioned_objects rows) of what it
    changed in line: the same as bringing every one in line would give."""
    repo.execute("SELECT pggit.create_branch('other')")
    feature = on_branch(server, repo, "feature")
    try:
        feature.execute("CREATE TABLE later (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)")
        feature.execute("CREATE INDEX later_note ON later (note)")
        feature.execute("ALTER TABLE counters ADD COLUMN step int")
        feature.execute("DROP TABLE legacy")
    finally:
        feature.close()
    repo.execute("SELECT pggit.merge('feature', 'main')")
    merged = mask_contents(repo, "other")
    names = [name for name, _ in merged]
    assert {"later", "later_pkey", "later_note", "later_id_seq"} <= set(names)
    assert "legacy" not in names
    versioned = "SELECT object_type, object_name FROM pggit.versioned_objects WHERE branch_id = 1 ORDER BY 1, 2"
    recorded = repo.execute(versioned).fetchall()
    assert ("TABLE", "later") in recorded and ("TABLE", "legacy") not in recorded
    repo.execute("CREATE TABLE probe (); DROP TABLE probe")  # main's DDL: every stand-in in line
    assert mask_contents(repo, "other") == merged
    assert repo.execute(versioned).fetchall() == recorded
    conn = on_branch(server, repo, "other")
    try:
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM later")
        assert conn.execute("SELECT * FROM legacy").fetchall() == [(1, "old")]  # its own copy
    finally:
        conn.close()


def test_the_diff_never_sees_masks(repo):
    repo.execute("CREATE TABLE later (id int)")
    repo.execute("DROP TABLE pggit_branch_feature.legacy")
    assert scalar(repo, "SELECT count(*) FROM pg_class WHERE relnamespace = 'pggit_mask_feature'::regnamespace "
                        "AND relname IN ('later', 'legacy')") == 2
    changes = {(r[0], r[2]) for r in repo.execute(
        "SELECT change_type, object_type, object_name FROM pggit.schema_diff('main', 'feature')")}
    assert ("removed", "legacy") in changes and ("removed", "later") in changes
    assert not any(name.startswith("pggit") for _, name in changes)


def test_delete_branch_takes_its_mask(repo):
    repo.execute("SELECT pggit.delete_branch('feature', force => true)")
    assert scalar(repo, "SELECT to_regnamespace('pggit_mask_feature')") is None


# --- one session, one branch -------------------------------------------------------------


def test_a_session_that_only_set_the_guc_is_refused(repo):
    repo.execute("SET pggit.current_branch = 'feature'")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState) as e:
        repo.execute("SELECT * FROM pggit.status()")
    assert e.value.diag.message_primary.startswith("pggit: this session is on branch 'feature'")
    assert "switch_branch('feature')" in e.value.diag.message_hint
    assert "spiexceptions" not in str(e.value)
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="pggit: this session"):
        repo.execute("ALTER TABLE users ADD COLUMN x int")
    assert scalar(repo, "SELECT count(*) FROM pg_attribute WHERE attname = 'x' "
                        "AND attrelid = 'public.users'::regclass") == 0
    repo.execute("SELECT pggit.switch_branch('feature')")  # the fix the hint names
    repo.execute("ALTER TABLE users ADD COLUMN x int")
    assert scalar(repo, "SELECT count(*) FROM pggit.status()") > 0


def test_a_search_path_on_a_branch_with_the_guc_on_main_is_refused(repo):
    repo.execute("SET search_path = pggit_branch_feature, public")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="reaches branch 'feature'"):
        repo.execute("SELECT * FROM pggit.schema_diff('main', 'feature')")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
        repo.execute("CREATE TABLE t (id int)")
    assert scalar(repo, "SELECT to_regclass('pggit_branch_feature.t')") is None


def test_a_guc_naming_no_branch_is_an_error(repo):
    repo.execute("SET pggit.current_branch = 'nope'")
    with pytest.raises(psycopg.errors.UndefinedObject, match="pggit: pggit.current_branch is 'nope', which names no branch"):
        repo.execute("SELECT * FROM pggit.log()")


def test_ddl_outside_tracked_schemas_is_not_checked(repo):
    repo.execute("SET pggit.current_branch = 'feature'")
    repo.execute("CREATE TEMP TABLE scratch (id int)")
    repo.execute("CREATE SCHEMA elsewhere")
    repo.execute("CREATE TABLE elsewhere.t (id int)")
