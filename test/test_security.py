"""Security: non-superusers, SECURITY DEFINER hygiene, injection, RLS and grants on branches.

Roles are cluster-wide: every test role has a name unique to this run and is dropped
in a finally, with what it owns.
"""

import os
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

from conftest import scalar

RUN = f"{os.getpid()}"


@contextmanager
def roles(admin, *names, member_of_pggit_user=True):
    """LOGIN roles with the rights docs/USER_GUIDE.md tells a DBA to grant."""
    made = [f"pggit_t{RUN}_{n}" for n in names]
    db = admin.info.dbname
    try:
        for role in made:
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
            admin.execute(sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(
                sql.Identifier(db), sql.Identifier(role)))
            admin.execute(sql.SQL("GRANT CREATE ON SCHEMA public TO {}").format(sql.Identifier(role)))
            if member_of_pggit_user:
                admin.execute(sql.SQL("GRANT pggit_user TO {}").format(sql.Identifier(role)))
        yield made
    finally:
        for role in made:
            admin.execute(sql.SQL("DROP OWNED BY {} CASCADE").format(sql.Identifier(role)))
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def login(server, admin, role):
    return psycopg.connect(host=server.host, port=server.port, user=role,
                           dbname=admin.info.dbname, autocommit=True)


def snapshot(conn):
    """Metadata and branch schemas, to show a refused operation left nothing behind."""
    return (conn.execute("SELECT name, schema_name, head_commit_hash FROM pggit.branches ORDER BY id").fetchall(),
            scalar(conn, "SELECT count(*) FROM pggit.commits"),
            scalar(conn, "SELECT count(*) FROM pggit.merge_history"),
            conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pggit%' ORDER BY 1").fetchall())


# --- a non-superuser owner, and a role without rights ---------------------------------


def test_owner_role_works_and_another_role_cannot_reach_its_tables(server, pg):
    with roles(pg, "owner", "intruder") as (owner, intruder):
        own = login(server, pg, owner)
        bad = login(server, pg, intruder)
        try:
            own.execute("""
                CREATE TABLE accounts (id serial PRIMARY KEY, holder text NOT NULL, secret text);
                CREATE INDEX accounts_holder_idx ON accounts (holder);
                INSERT INTO accounts (holder, secret) VALUES ('ann', 's3cret'), ('bob', 'hunter2');
            """)
            assert scalar(own, "SELECT pggit.init()").startswith("pggit: initialised")
            assert scalar(own, "SELECT pggit.create_branch('feature/audit')") == "pggit_branch_feature_audit"
            own.execute("SELECT pggit.switch_branch('feature/audit')")
            own.execute("ALTER TABLE accounts ADD COLUMN audited boolean DEFAULT false")
            diff = own.execute("SELECT change_type, object_name FROM pggit.schema_diff('main', 'feature/audit')")
            assert ("added", "accounts.audited") in diff.fetchall()
            own.execute("SELECT pggit.switch_branch('main')")
            assert scalar(own, "SELECT status FROM pggit.merge('feature/audit', 'main')") in (
                "merged", "fast_forward")
            assert scalar(own, "SELECT count(*) FROM accounts WHERE NOT audited") == 2
            assert scalar(own, "SELECT pggit.delete_branch('feature/audit')") == "pggit: deleted branch feature/audit"
            own.execute("SELECT pggit.create_branch('owner-work')")
            own.execute("ALTER TABLE pggit_branch_owner_work.accounts ADD COLUMN note text")

            before = snapshot(pg)
            # reading through pggit: copying a table it cannot read fails, and leaks nothing
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bad.execute("SELECT pggit.create_branch('steal')")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bad.execute("SELECT pggit.create_branch('steal', 'owner-work')")
            # nor on any branch
            bad.execute("SELECT pggit.switch_branch('owner-work')")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bad.execute("SELECT * FROM accounts")
            bad.execute("SELECT pggit.switch_branch('main')")
            # changing through pggit: merge into a branch it cannot alter, delete, detach
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bad.execute("SELECT * FROM pggit.merge('owner-work', 'main')")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bad.execute("SELECT pggit.delete_branch('owner-work', force => true)")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                bad.execute("SELECT pggit.detach()")
            assert snapshot(pg) == before
            assert scalar(own, "SELECT count(*) FROM public.accounts") == 2

            # the owner can leave, and the superuser can then drop the extension
            own.execute("SELECT pggit.detach(drop_branches => true)")
            pg.execute("DROP EXTENSION pggit")
            assert scalar(own, "SELECT string_agg(secret, ',' ORDER BY id) FROM public.accounts") == "s3cret,hunter2"
        finally:
            own.close()
            bad.close()


def test_metadata_writes_need_pggit_user(server, pg):
    with roles(pg, "outsider", member_of_pggit_user=False) as (outsider,):
        out = login(server, pg, outsider)
        try:
            out.execute("CREATE TABLE mine (id int PRIMARY KEY)")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                out.execute("SELECT pggit.init()")
            assert scalar(pg, "SELECT count(*) FROM pggit.repository") == 0
            assert scalar(out, "SELECT count(*) FROM pggit.branches") == 1  # reading is open
            for statement in ("DELETE FROM pggit.branches", "UPDATE pggit.commits SET message = 'x'",
                              "INSERT INTO pggit.repository (tracked_schema) VALUES ('public')"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    out.execute(statement)
        finally:
            out.close()


# --- SECURITY DEFINER --------------------------------------------------------------


def test_security_definer_functions_pin_search_path(pg):
    pg.execute("CREATE TABLE t (id serial PRIMARY KEY, v text)")
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('b')")  # routing functions exist for two branches
    unpinned = pg.execute("""
        SELECT p.oid::regprocedure::text FROM pg_proc p
         WHERE p.prosecdef
           AND p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
           AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')""").fetchall()
    assert unpinned == []
    assert scalar(pg, "SELECT count(*) FROM pg_proc WHERE pronamespace = 'pggit'::regnamespace") > 10


# --- injection through every text argument --------------------------------------------

HOSTILE = [
    "'; DROP TABLE canary; --",
    "x'); DROP TABLE canary; --",
    '"; DROP TABLE canary; --',
    '"',
    "$$; DROP TABLE canary; $$",
    "\\",
    "\\'; DROP TABLE canary; --",
    "%I %s %L $1",
    "ブランチ/ünïcødé ✓",
    "a" * 200,
    "b" * 250,
    None,
]

# valid values for the other arguments, by argument name
VALID = {"name": "main", "parent": "main", "from": "main", "to": "main", "source": "main",
         "target": "main", "a": "main", "b": "main", "branch": "main", "message": "ok",
         "strategy": "fail", "resolutions": None, "force": False, "drop_branches": False,
         "schemas": [], "tables": [], "altered": [], "data": "all", "tbl": "canary", "key": None, "statement": "SELECT 1", "params": [], "relation": "canary",
         "signature": "f()", "first": "public", "tag": "CREATE TABLE", "branch_schema": "pggit_branch_side",
         "restoring": False, "state": "P0001", "message": "m", "detail": None, "hint": None}


def _functions(conn):
    return conn.execute("""
        SELECT p.proname::text, p.proretset,
               ARRAY(SELECT p.proargnames[i] FROM generate_series(1, p.pronargs) i),
               ARRAY(SELECT format_type(p.proargtypes[i - 1], NULL) FROM generate_series(1, p.pronargs) i)
          FROM pg_proc p
         WHERE p.pronamespace = 'pggit'::regnamespace AND p.prorettype <> 'trigger'::regtype
           AND p.prorettype <> 'event_trigger'::regtype
         ORDER BY p.proname""").fetchall()


def test_hostile_strings_through_every_text_argument(pg):
    pg.execute("""
        CREATE TABLE canary (id int PRIMARY KEY, v text);
        INSERT INTO canary VALUES (1, 'one'), (2, 'two'), (3, 'three');
    """)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('side')")
    tried = 0
    for proname, retset, argnames, argtypes in _functions(pg):
        for i, (argname, argtype) in enumerate(zip(argnames, argtypes)):
            if argtype not in ("text", "text[]", "name"):
                continue
            for value in HOSTILE:
                args = []
                for j, (n, t) in enumerate(zip(argnames, argtypes)):
                    v = value if j == i else VALID[n]
                    if j == i and t == "text[]":
                        v = [value]
                    args.append(sql.SQL("{} => {}::{}").format(
                        sql.Identifier(n), sql.Literal(v), sql.SQL(t)))
                call = sql.SQL("SELECT * FROM pggit.{}({})").format(
                    sql.Identifier(proname), sql.SQL(", ").join(args))
                tried += 1
                try:
                    pg.execute(call)
                except psycopg.errors.SyntaxError as e:  # a name reached SQL unquoted
                    pytest.fail(f"{proname}({argname} => {value!r}): {e}")
                except psycopg.Error as e:
                    message = e.diag.message_primary or ""
                    internal = proname.startswith("_")
                    assert message.startswith("pggit:") or internal, \
                        f"{proname}({argname} => {value!r}): {message}"
                else:
                    if proname == "create_branch" and argname == "name" and value is not None:
                        # accepted: then stored exactly, in a schema of its own
                        schema = scalar(pg, "SELECT schema_name FROM pggit.branches WHERE name = %s", (value,))
                        assert schema.startswith("pggit_branch_")
                        assert scalar(pg, "SELECT count(*) FROM pg_namespace WHERE nspname = %s", (schema,)) == 1
                        assert scalar(pg, sql.SQL("SELECT count(*) FROM {}.canary").format(
                            sql.Identifier(schema))) == 3
                finally:
                    pg.execute("RESET search_path; RESET pggit.current_branch")
                assert scalar(pg, "SELECT string_agg(v, ',' ORDER BY id) FROM public.canary") == \
                    "one,two,three", f"after {proname}({argname} => {value!r})"
    assert tried > 100
    assert scalar(pg, "SELECT count(*) FROM canary") == 3


def test_hostile_table_names_travel_quoted(pg):
    name = "x'; DROP TABLE canary; --\""
    pg.execute("CREATE TABLE canary (id int PRIMARY KEY)")
    pg.execute(sql.SQL("CREATE TABLE {} (id int PRIMARY KEY, {} text)").format(
        sql.Identifier(name), sql.Identifier('col"$$')))
    pg.execute(sql.SQL("INSERT INTO {} VALUES (1, 'v')").format(sql.Identifier(name)))
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('hostile')")
    pg.execute("SELECT pggit.switch_branch('hostile')")
    pg.execute(sql.SQL("ALTER TABLE {} ADD COLUMN extra int").format(sql.Identifier(name)))
    pg.execute("SELECT pggit.switch_branch('main')")
    pg.execute("SELECT * FROM pggit.merge('hostile', 'main')")
    pg.execute("SELECT pggit.detach(drop_branches => true)")
    pg.execute("DROP EXTENSION pggit")
    assert pg.execute(sql.SQL("SELECT * FROM public.{}").format(sql.Identifier(name))).fetchall() == [
        (1, "v", None)]
    assert scalar(pg, "SELECT count(*) FROM canary") == 0


# --- RLS and grants travel with branches ----------------------------------------------


def test_rls_policies_and_grants_travel_with_branches(server, pg):
    with roles(pg, "rlsowner", "ann", "bob") as (owner, ann, bob):
        own = login(server, pg, owner)
        readers = []
        try:
            own.execute(sql.SQL("""
                CREATE TABLE docs (id serial PRIMARY KEY, reader name NOT NULL, body text);
                ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
                ALTER TABLE docs FORCE ROW LEVEL SECURITY;
                CREATE POLICY own_rows ON docs FOR SELECT USING (reader = current_user);
                CREATE POLICY owner_all ON docs USING (current_user = {owner}) WITH CHECK (true);
                GRANT SELECT ON docs TO {ann}, {bob};
                GRANT UPDATE (body) ON docs TO {ann};
                INSERT INTO docs (reader, body) VALUES ({ann_l}, 'a1'), ({ann_l}, 'a2'), ({bob_l}, 'b1');
            """).format(owner=sql.Literal(owner), ann=sql.Identifier(ann), bob=sql.Identifier(bob),
                        ann_l=sql.Literal(ann), bob_l=sql.Literal(bob)))
            own.execute("SELECT pggit.init()")
            schema = scalar(own, "SELECT pggit.create_branch('rls')")
            own.execute(sql.SQL("UPDATE {}.docs SET body = body || ' on rls'").format(sql.Identifier(schema)))

            def security(s):
                with pg.transaction():
                    pg.execute("SET LOCAL search_path = pg_catalog")
                    return pg.execute("""
                        SELECT c.relrowsecurity, c.relforcerowsecurity, c.relacl::text,
                          (SELECT array_agg(a.attname || '=' || a.attacl::text ORDER BY a.attnum)
                             FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL)::text,
                          (SELECT array_agg(concat_ws(' ', p.polname, p.polcmd, p.polpermissive,
                                    p.polroles::regrole[], pg_get_expr(p.polqual, p.polrelid),
                                    pg_get_expr(p.polwithcheck, p.polrelid)) ORDER BY p.polname)
                             FROM pg_policy p WHERE p.polrelid = c.oid)::text
                          FROM pg_class c WHERE c.oid = format('%%I.docs', %s::text)::regclass""",
                                      (s,)).fetchone()

            main_sec, branch_sec = security("public"), security(schema)
            assert main_sec == branch_sec
            assert main_sec[0] and main_sec[1] and "own_rows" in main_sec[4] and ann in main_sec[2]

            for role in (ann, bob):
                conn = login(server, pg, role)
                readers.append(conn)
                # main's table, then the branch's, each with its own policies
                assert [r[0] for r in conn.execute("SELECT body FROM docs ORDER BY id")] == (
                    ["a1", "a2"] if role == ann else ["b1"])
                conn.execute("SELECT pggit.switch_branch('rls')")
                assert [r[0] for r in conn.execute("SELECT body FROM docs ORDER BY id")] == (
                    ["a1 on rls", "a2 on rls"] if role == ann else ["b1 on rls"])
            # the column grant travelled: ann may update body on the branch, bob may not
            readers[0].execute("UPDATE docs SET body = 'edited'")  # no row passes ann's UPDATE policy
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                readers[1].execute("UPDATE docs SET body = 'edited'")
            assert scalar(own, sql.SQL("SELECT count(*) FROM {}.docs WHERE body = 'edited'").format(
                sql.Identifier(schema))) == 0
        finally:
            for conn in readers:
                conn.close()
            own.close()


def test_a_non_superuser_branches_a_schema_with_another_roles_default_privileges(server, pg):
    """A DBA's ALTER DEFAULT PRIVILEGES FOR ROLE <someone else> IN SCHEMA public is copied
    to the branch as it is, though the role creating the branch could not set it."""
    with roles(pg, "dev", "reader") as (dev, reader):
        pg.execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {}").format(
            sql.Identifier(reader)))
        pg.execute("CREATE TABLE t (id int)")
        pg.execute(sql.SQL("ALTER TABLE t OWNER TO {}").format(sql.Identifier(dev)))
        pg.execute("SELECT pggit.init()")
        conn = login(server, pg, dev)
        try:
            schema = scalar(conn, "SELECT pggit.create_branch('mine')")
            assert conn.execute("SELECT * FROM pggit.schema_diff('main', 'mine')").fetchall() == []
        finally:
            conn.close()
        acl = scalar(pg, "SELECT array_agg(a::text) FROM pg_default_acl d, unnest(d.defaclacl) a "
                         "WHERE d.defaclnamespace = %s::regnamespace", (schema,))
        assert acl and any(reader in a for a in acl)
        pg.execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM {}").format(
            sql.Identifier(reader)))
        pg.execute(sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} REVOKE SELECT ON TABLES FROM {}").format(
            sql.Identifier(schema), sql.Identifier(reader)))
