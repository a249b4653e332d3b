"""Shared by test_apps_*.py: real applications (Django, Alembic, plain psycopg) on a
database under pggit.

An application is run the way its users run it: as a process of its own, configured by
libpq's environment (PGHOST, PGPORT, PGDATABASE, PGUSER) and put on a branch by
PGOPTIONS set to `pggit.connection_options(branch)`. Nothing here knows pggit's layout
beyond that contract.
"""

import itertools
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, connect, scalar

APPS = REPO / "test" / "apps"
DJANGO_APP = APPS / "django_shop"
ALEMBIC_APP = APPS / "alembic_shop"

# Whether the test runs before pggit.init() (the control: plain PostgreSQL, showing the
# expectation is PostgreSQL's own) or after it (what the contract promises is the same).
STAGES = ["before_init", "after_init"]

_numbers = itertools.count()


def app_env(server, dbname, options=None) -> dict:
    """The environment of an application process: libpq's variables, and nothing of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGHOST=server.host, PGPORT=str(server.port), PGUSER=server.user,
               PGDATABASE=dbname, PYTHONDONTWRITEBYTECODE="1")
    if options is not None:
        env["PGOPTIONS"] = options
    return env


def run(args, cwd, env, expect_ok=True, timeout=120) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    if expect_ok and done.returncode != 0:
        pytest.fail(f"{' '.join(str(a) for a in args)} exited with {done.returncode}\n"
                    f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}", pytrace=False)
    return done


def manage(server, dbname, *args, app=DJANGO_APP, options=None, expect_ok=True):
    """`python manage.py ...` of the Django shop."""
    return run([sys.executable, "manage.py", *args], app, app_env(server, dbname, options),
               expect_ok=expect_ok)


def django_orm(server, dbname, scenario, *args, app=DJANGO_APP, options=None) -> dict:
    """One scenario of the shop's shop_orm.py, in its own process; what it printed."""
    done = run([sys.executable, "shop_orm.py", scenario, *args], app,
               app_env(server, dbname, options))
    return json.loads(done.stdout.strip().splitlines()[-1])


def alembic_url(server, dbname) -> str:
    return f"postgresql+psycopg://{server.user}@/{dbname}?host={server.host}&port={server.port}"


def alembic(server, dbname, *args, app=ALEMBIC_APP, options=None, expect_ok=True):
    """`alembic -c alembic.ini ...` of the Alembic shop."""
    env = app_env(server, dbname, options)
    env["SHOP_DATABASE_URL"] = alembic_url(server, dbname)
    return run([sys.executable, "-m", "alembic", "-c", app / "alembic.ini", *args], app, env,
               expect_ok=expect_ok)


def copy_app(app, tmp_path):
    """A copy of an application to change (new models, new migrations)."""
    target = tmp_path / app.name
    shutil.copytree(app, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def edit(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new))


class Template:
    """A database prepared once per module (an application migrated, rows in), cloned for
    every test: CREATE DATABASE ... TEMPLATE is far cheaper than migrating again."""

    def __init__(self, server, prepare):
        self.server = server
        self.name = f"tpl{os.getpid()}_{next(_numbers)}"
        self.admin = connect(server, "postgres")
        self.admin.execute(f'CREATE DATABASE "{self.name}" TEMPLATE template0')
        self.clones = []
        prepare(self.name)

    def clone(self):
        """An autocommit connection to a new copy, with the extension created (not init)."""
        name = f"{self.name}_{next(_numbers)}"
        self.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        conn = connect(self.server, name)
        self.clones.append((name, conn))
        conn.execute("CREATE EXTENSION pggit CASCADE")
        return conn

    def drop_clones(self):
        for name, conn in self.clones:
            conn.close()
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.clones.clear()

    def close(self):
        self.drop_clones()
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.close()


def clone_at_stage(template, stage):
    """A clone of the template, put under pggit (init) when the stage says so."""
    conn = template.clone()
    if stage == "after_init":
        conn.execute("SELECT pggit.init()")
    return conn


def branch(conn, name):
    """create_branch(name) and the libpq options that put a new connection on it."""
    schema = scalar(conn, "SELECT pggit.create_branch(%s)", (name,))
    options = scalar(conn, "SELECT pggit.connection_options(%s)", (name,))
    return schema, options


def columns(conn, schema, table):
    return [r[0] for r in conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(format('%%I.%%I', %s::text, %s::text)) "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", (schema, table))]


def relations(conn, schema):
    """Every relation of a schema with its kind: tables, indexes, sequences, views."""
    return dict(conn.execute(
        "SELECT relname::text, relkind::text FROM pg_class WHERE relnamespace = %s::regnamespace",
        (schema,)).fetchall())


def public_catalog(conn):
    """What an application can see of schema public, OIDs aside: every relation with its
    columns, defaults, constraints, indexes, triggers, grants and owned sequences; every
    function, type and default privilege; and the rows' count of every table."""
    with conn.transaction():
        conn.execute("SET LOCAL search_path = pg_catalog")  # every name comes out qualified
        rels = conn.execute("""
            SELECT c.relname, c.relkind, c.relowner::regrole::text, c.relacl::text, c.relispartition,
                   pg_get_expr(c.relpartbound, c.oid), c.relrowsecurity, obj_description(c.oid, 'pg_class'),
                   (SELECT array_agg(format('%s %s %s default=%s identity=%s generated=%s acl=%s seq=%s',
                                            a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                                            pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
                                            a.attacl, pg_get_serial_sequence(c.oid::regclass::text, a.attname))
                                     ORDER BY a.attnum)
                      FROM pg_attribute a LEFT JOIN pg_attrdef d ON (d.adrelid, d.adnum) = (a.attrelid, a.attnum)
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                   (SELECT array_agg(conname || ' ' || pg_get_constraintdef(k.oid) ORDER BY conname)
                      FROM pg_constraint k WHERE k.conrelid = c.oid),
                   (SELECT array_agg(pg_get_indexdef(i.indexrelid) ORDER BY i.indexrelid::regclass::text)
                      FROM pg_index i WHERE i.indrelid = c.oid),
                   (SELECT array_agg(pg_get_triggerdef(t.oid) ORDER BY t.tgname)
                      FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
                   CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,
                   CASE WHEN c.relkind = 'S' THEN (SELECT row(s.*)::text FROM pg_sequence s WHERE s.seqrelid = c.oid) END
              FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace
             ORDER BY c.relname""").fetchall()
        funcs = conn.execute("""
            SELECT p.oid::regprocedure::text, p.prokind, p.proowner::regrole::text, p.proacl::text,
                   CASE WHEN p.prokind = 'a' THEN (SELECT row(g.aggtransfn, g.aggfinalfn, g.aggtranstype::regtype,
                                                              g.agginitval)::text
                                                     FROM pg_aggregate g WHERE g.aggfnoid = p.oid)
                        ELSE pg_get_functiondef(p.oid) END
              FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
             ORDER BY 1""").fetchall()
        types = conn.execute("""
            SELECT t.typname, t.typtype, format_type(t.oid, NULL), t.typacl::text,
                   (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),
                   pg_get_expr(t.typdefaultbin, 0), format_type(t.typbasetype, t.typtypmod)
              FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace
             ORDER BY t.typname""").fetchall()
        default_acls = conn.execute("""
            SELECT d.defaclrole::regrole::text, d.defaclnamespace::regnamespace::text, d.defaclobjtype, d.defaclacl::text
              FROM pg_default_acl d WHERE d.defaclnamespace IN (0, 'public'::regnamespace)
             ORDER BY 1, 2, 3""").fetchall()
        namespace = conn.execute(
            "SELECT nspowner::regrole::text, nspacl::text FROM pg_namespace WHERE nspname = 'public'").fetchall()
        counts = {}
        for (name,) in conn.execute("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                                    "AND relkind IN ('r', 'p', 'v', 'm') ORDER BY relname").fetchall():
            counts[name] = scalar(conn, f'SELECT count(*) FROM public."{name}"')
    return {"relations": rels, "functions": funcs, "types": types,
            "default_acls": default_acls, "schema": namespace, "counts": counts}


def catalog_changes(before, after):
    """What differs between two public_catalog()s, entry by entry: a readable failure."""
    found = []
    for key in before:
        was, now = before[key], after[key]
        if isinstance(was, dict):
            was, now = sorted(was.items()), sorted(now.items())
        found += [f"{key} lost: {entry}" for entry in was if entry not in now]
        found += [f"{key} gained: {entry}" for entry in now if entry not in was]
    return found


def public_oids(conn):
    """The OID of every relation, function and type in public: what drivers cache."""
    return sorted(conn.execute("""
        SELECT 'r', relname::text, oid::int8 FROM pg_class WHERE relnamespace = 'public'::regnamespace
        UNION ALL SELECT 'f', oid::regprocedure::text, oid::int8 FROM pg_proc WHERE pronamespace = 'public'::regnamespace
        UNION ALL SELECT 't', typname::text, oid::int8 FROM pg_type WHERE typnamespace = 'public'::regnamespace
    """).fetchall())


@pytest.fixture
def make_role(server, pg):
    """Factory of roles with names unique to this run; every one dropped after the test
    (roles are cluster-wide), its privileges in the test's database first."""
    made = []

    def make(kind, options=""):
        name = f"apps_{kind}_{os.getpid()}_{next(_numbers)}"
        pg.execute(f'CREATE ROLE "{name}" {options}')
        made.append(name)
        return name

    yield make
    for name in reversed(made):
        pg.execute(f'DROP OWNED BY "{name}" CASCADE')
    admin = connect(server, "postgres")
    try:
        for name in reversed(made):
            admin.execute(f'DROP ROLE IF EXISTS "{name}"')
    finally:
        admin.close()
