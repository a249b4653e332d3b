"""Rows that travel with the schema (issue 13, item 3): migration ledgers, merged row by
row from the merge base, and tables put under pggit.track_data()."""

import json

import psycopg
import pytest

from conftest import scalar
from test_merge import on

LEDGERS = """
CREATE TABLE django_migrations (id serial PRIMARY KEY, app varchar(255) NOT NULL,
                                name varchar(255) NOT NULL, applied timestamptz NOT NULL DEFAULT now());
INSERT INTO django_migrations (app, name) VALUES ('shop', '0001_initial');
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
INSERT INTO alembic_version VALUES ('a1');
CREATE TABLE schema_migrations (version varchar PRIMARY KEY);
INSERT INTO schema_migrations VALUES ('20240101000000');
CREATE TABLE flags (code text PRIMARY KEY, enabled boolean NOT NULL, note text);
INSERT INTO flags VALUES ('dark', true, NULL), ('old', true, NULL);
"""


@pytest.fixture
def repo(pg):
    pg.execute(LEDGERS)
    pg.execute("SELECT pggit.init()")
    return pg


def rows(conn, sql):
    return conn.execute(sql).fetchall()


def test_two_developers_migrations_both_reach_the_ledgers(repo):
    repo.execute("SELECT pggit.create_branch('ann')")
    repo.execute("SELECT pggit.create_branch('bob')")
    on(repo, "ann", "INSERT INTO django_migrations (app, name) VALUES ('shop', '0002_ann'); "
                    "UPDATE alembic_version SET version_num = 'b1'; "
                    "INSERT INTO schema_migrations VALUES ('20240201000000')")
    on(repo, "bob", "INSERT INTO django_migrations (app, name) VALUES ('blog', '0001_initial'); "
                    "UPDATE alembic_version SET version_num = 'c1'")
    assert scalar(repo, "SELECT status FROM pggit.merge('ann', 'main')") == "fast_forward"
    assert scalar(repo, "SELECT status FROM pggit.merge('bob', 'main')") == "merged"
    # Django: both apps' migrations, numbered by main's own sequence
    assert rows(repo, "SELECT id, app, name FROM django_migrations ORDER BY id") == [
        (1, "shop", "0001_initial"), (2, "shop", "0002_ann"), (3, "blog", "0001_initial")]
    # Alembic: both revisions, its own "two heads" state (alembic merge heads resolves it)
    assert rows(repo, "SELECT version_num FROM alembic_version ORDER BY 1") == [("b1",), ("c1",)]
    assert rows(repo, "SELECT version FROM schema_migrations ORDER BY 1") == [
        ("20240101000000",), ("20240201000000",)]
    # the same migration applied on both sides (at other times) is one row, not a conflict
    repo.execute("SELECT pggit.create_branch('cy')")
    on(repo, "cy", "INSERT INTO django_migrations (app, name) VALUES ('shop', '0003_both')")
    repo.execute("INSERT INTO django_migrations (app, name) VALUES ('shop', '0003_both')")
    assert scalar(repo, "SELECT status FROM pggit.merge('cy', 'main')") == "merged"
    assert scalar(repo, "SELECT count(*) FROM django_migrations WHERE name = '0003_both'") == 1


def test_a_ledger_made_on_the_branch_arrives_with_its_rows(repo):
    repo.execute("SELECT pggit.create_branch('first')")
    on(repo, "first", "CREATE TABLE knex_migrations (id serial PRIMARY KEY, name text, batch int); "
                      "INSERT INTO knex_migrations (name, batch) VALUES ('001_init.js', 1)")
    repo.execute("CREATE TABLE audit (id int)")  # main moves on: a three-way merge
    assert scalar(repo, "SELECT status FROM pggit.merge('first', 'main')") == "merged"
    assert rows(repo, "SELECT name, batch FROM knex_migrations") == [("001_init.js", 1)]


def test_tracked_rows_merge_three_way(repo):
    assert scalar(repo, "SELECT pggit.track_data('flags')") == \
        "pggit: the rows of flags now merge with the schema, keyed by code"
    repo.execute("SELECT pggit.create_branch('feature')")
    on(repo, "feature", "INSERT INTO flags VALUES ('beta', true, NULL); "
                        "UPDATE flags SET enabled = false WHERE code = 'dark'; DELETE FROM flags WHERE code = 'old'")
    repo.execute("INSERT INTO flags VALUES ('main_only', true, NULL)")
    diff = rows(repo, "SELECT table_name, row_key, change_type FROM pggit.data_diff('main', 'feature') "
                      "ORDER BY 1, 2")
    assert diff == [("flags", '["beta"]', "added"), ("flags", '["dark"]', "modified"),
                    ("flags", '["main_only"]', "removed"), ("flags", '["old"]', "removed")]
    assert scalar(repo, "SELECT status FROM pggit.merge('feature', 'main')") == "merged"
    assert rows(repo, "SELECT code, enabled FROM flags ORDER BY 1") == [
        ("beta", True), ("dark", False), ("main_only", True)]


def test_a_row_changed_differently_on_both_sides_is_a_conflict(repo):
    repo.execute("SELECT pggit.track_data('flags')")
    repo.execute("SELECT pggit.create_branch('feature')")
    on(repo, "feature", "UPDATE flags SET note = 'theirs' WHERE code = 'dark'")
    repo.execute("UPDATE flags SET note = 'ours' WHERE code = 'dark'")
    status, _, n, message = repo.execute("SELECT * FROM pggit.merge('feature', 'main')").fetchone()
    assert (status, n) == ("conflicts", 1) and 'flags:["dark"]' in message
    conflict = repo.execute("SELECT object_type, object_name, ours, theirs FROM pggit.conflicts('feature', 'main')"
                            ).fetchone()
    assert conflict[:2] == ("ROW", 'flags:["dark"]')
    assert json.loads(conflict[2])["note"] == "ours" and json.loads(conflict[3])["note"] == "theirs"
    assert scalar(repo, "SELECT note FROM flags WHERE code = 'dark'") == "ours"  # nothing applied
    resolution = json.dumps({'flags:["dark"]': "theirs"})
    assert scalar(repo, "SELECT status FROM pggit.merge('feature', 'main', resolutions => %s)",
                  (resolution,)) == "merged"
    assert scalar(repo, "SELECT note FROM flags WHERE code = 'dark'") == "theirs"


def test_untracked_rows_stay_where_they_are(repo):
    repo.execute("SELECT pggit.create_branch('feature')")
    on(repo, "feature", "INSERT INTO flags VALUES ('beta', true, NULL)")
    # an untracked table's rows are not part of a branch's commits: nothing to merge
    assert scalar(repo, "SELECT status FROM pggit.merge('feature', 'main')") == "up_to_date"
    assert scalar(repo, "SELECT count(*) FROM flags WHERE code = 'beta'") == 0
    repo.execute("SELECT pggit.track_data('flags')")
    assert scalar(repo, "SELECT pggit.untrack_data('flags')") == \
        "pggit: the rows of flags no longer merge with the schema"
    assert scalar(repo, "SELECT count(*) FROM pggit.tracked_data") == 0


@pytest.mark.parametrize("call,sqlstate,message", [
    ("SELECT pggit.track_data('nokey')", "22023", "pggit: table nokey has no primary key"),
    ("SELECT pggit.track_data('nokey', ARRAY['missing'])", "22023", "pggit: table nokey has no column missing"),
    ("SELECT pggit.track_data('pg_catalog.pg_class')", "22023", "pggit: pg_catalog.pg_class is not a table of a branch"),
    ("SELECT pggit.untrack_data('flags')", "42704", "pggit: table flags is not tracked"),
])
def test_track_data_mistakes(repo, call, sqlstate, message):
    repo.execute("CREATE TABLE nokey (code text, v int)")
    with pytest.raises(psycopg.Error) as raised:
        repo.execute(call)
    assert raised.value.sqlstate == sqlstate and raised.value.diag.message_primary.startswith(message)
    assert raised.value.diag.message_hint
    assert scalar(repo, "SELECT count(*) FROM pggit.tracked_data") == 0


def test_track_data_with_a_natural_key(repo):
    repo.execute("CREATE TABLE countries (id serial PRIMARY KEY, iso text UNIQUE NOT NULL, name text)")
    repo.execute("INSERT INTO countries (iso, name) VALUES ('FR', 'France')")
    repo.execute("SELECT pggit.track_data('countries', ARRAY['iso'])")
    repo.execute("SELECT pggit.create_branch('feature')")
    on(repo, "feature", "INSERT INTO countries (iso, name) VALUES ('DE', 'Germany')")
    repo.execute("INSERT INTO countries (iso, name) VALUES ('IT', 'Italy')")  # takes id 2 on main
    assert scalar(repo, "SELECT status FROM pggit.merge('feature', 'main')") == "merged"
    # the branch's row takes main's next id: no collision with main's own id 2
    assert rows(repo, "SELECT id, iso FROM countries ORDER BY id") == [(1, "FR"), (2, "IT"), (3, "DE")]


def test_a_ledgers_policies_never_run_as_the_role_that_merges(server, repo):
    """Principle 4: the ledger's rows are read as its owner, so code its owner attached (a
    row-level security policy) never runs with the merging role's rights; a role that
    cannot act as the owner is refused, as create_branch refuses it."""
    from test_security import login, roles

    with roles(repo, "merger", "owner") as (merger, owner):
        repo.execute("CREATE FUNCTION seen() RETURNS boolean LANGUAGE plpgsql VOLATILE "
                     "AS $$BEGIN RAISE NOTICE 'policy run by %', current_user; RETURN true; END$$")
        for table in ("django_migrations", "alembic_version", "schema_migrations", "flags"):
            repo.execute(f'ALTER TABLE {table} OWNER TO "{owner}"')
        repo.execute("ALTER TABLE django_migrations ENABLE ROW LEVEL SECURITY")
        repo.execute("CREATE POLICY everyone ON django_migrations USING (seen())")
        repo.execute("SELECT pggit.create_branch('feature')")
        for schema in ("public", "pggit_branch_feature"):
            repo.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO "{merger}"')
        on(repo, "feature", "INSERT INTO django_migrations (app, name) VALUES ('shop', '0002')")
        conn = login(server, repo, merger)
        notices = []
        conn.add_notice_handler(lambda d: notices.append(d.message_primary))
        try:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match=f'set role "{owner}"'):
                conn.execute("SELECT pggit.merge('feature', 'main')")
        finally:
            conn.close()
        assert not [n for n in notices if merger in n], notices
        repo.execute("DROP TABLE django_migrations CASCADE")
        repo.execute("DROP FUNCTION seen()")
