"""The extension installs, answers, and leaves cleanly."""

import psycopg
import pytest

from conftest import scalar


def test_create_extension_cascade_pulls_in_plpython(new_db):
    conn = new_db()
    conn.execute("CREATE EXTENSION pggit CASCADE")
    installed = {r[0] for r in conn.execute("SELECT extname FROM pg_extension")}
    assert {"pggit", "plpython3u"} <= installed


def test_current_branch_defaults_to_main(pg):
    assert scalar(pg, "SELECT pggit.current_branch()") == "main"


def test_current_branch_follows_the_setting_in_this_session_only(pg, other_session):
    pg.execute("SET pggit.current_branch = 'x'")
    assert scalar(pg, "SELECT pggit.current_branch()") == "x"
    assert scalar(other_session, "SELECT pggit.current_branch()") == "main"
    pg.execute("RESET pggit.current_branch")
    assert scalar(pg, "SELECT pggit.current_branch()") == "main"


def test_empty_setting_means_main(pg):
    pg.execute("SET pggit.current_branch = ''")
    assert scalar(pg, "SELECT pggit.current_branch()") == "main"


def test_context_carries_the_branch(pg):
    assert scalar(pg, "SELECT pggit.context()") == {"branch": "main"}
    pg.execute("SET pggit.current_branch = 'feature/a'")
    assert scalar(pg, "SELECT pggit.context() ->> 'branch'") == "feature/a"


def test_version_comes_from_the_python_package(pg):
    from pggit import __version__

    assert scalar(pg, "SELECT pggit.version()") == __version__
    extversion = scalar(pg, "SELECT extversion FROM pg_extension WHERE extname = 'pggit'")
    assert __version__.startswith(extversion)


def test_the_server_imports_pggit_compiled(pg):
    """make install byte-compiles the package for plpython3u's interpreter: a session,
    which cannot write __pycache__ there, would compile every module again."""
    pg.execute("SELECT pggit.version()")
    notices = []
    pg.add_notice_handler(lambda d: notices.append(d.message_primary))
    pg.execute("""DO LANGUAGE plpython3u $$
import os, sys
plpy.notice(repr(sorted(m for m, mod in sys.modules.items() if m.startswith("pggit") and m != "pggit.catalog"
                        and not os.path.exists(getattr(mod, "__cached__", None) or ""))))
$$""")
    assert notices == ["[]"]


def test_commit_content_is_compressed_with_lz4_where_the_server_has_it(pg):
    has_lz4 = scalar(pg, "SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    method = scalar(pg, "SELECT attcompression::text FROM pg_attribute "
                        "WHERE attrelid = 'pggit.objects'::regclass AND attname = 'body'")
    assert method == ("l" if has_lz4 else "")


def test_metadata_starts_with_main_on_public(pg):
    rows = pg.execute("SELECT name, schema_name, parent_branch_id FROM pggit.branches").fetchall()
    assert rows == [("main", "public", None)]
    assert scalar(pg, "SELECT count(*) FROM pg_namespace WHERE nspname = 'public'") == 1


@pytest.mark.parametrize("table", [
    "branches", "commit_log", "objects", "versioned_objects", "ddl_log", "merge_history",
])
def test_metadata_tables_are_kept_by_pg_dump(pg, table):
    dumped = scalar(pg, """
        SELECT count(*) FROM pg_extension e, unnest(e.extconfig) AS c(oid)
        WHERE e.extname = 'pggit' AND c.oid = ('pggit.' || %s)::regclass""", (table,))
    assert dumped == 1


def test_branch_names_are_checked(pg):
    with pytest.raises(psycopg.errors.CheckViolation):
        pg.execute("INSERT INTO pggit.branches (name, schema_name) VALUES ('', 's')")
    with pytest.raises(psycopg.errors.UniqueViolation):
        pg.execute("INSERT INTO pggit.branches (name, schema_name) VALUES ('main', 's')")


def test_every_function_is_explained(pg):
    unexplained = pg.execute("""
        SELECT p.oid::regprocedure::text FROM pg_proc p
        JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
        JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pggit'
        WHERE obj_description(p.oid, 'pg_proc') IS NULL""").fetchall()
    assert unexplained == []


def test_drop_extension_leaves_the_users_objects(pg):
    pg.execute("CREATE TABLE mine (id int PRIMARY KEY, note text)")
    pg.execute("INSERT INTO mine VALUES (1, 'kept')")
    pg.execute("DROP EXTENSION pggit")
    assert scalar(pg, "SELECT count(*) FROM pg_namespace WHERE nspname IN ('pggit', 'pggit_lens', 'pggit_routes')") == 0
    assert scalar(pg, "SELECT note FROM mine") == "kept"
    assert scalar(pg, "SELECT count(*) FROM pg_extension WHERE extname = 'plpython3u'") == 1
    pg.execute("CREATE EXTENSION pggit")
    assert scalar(pg, "SELECT pggit.version()") is not None


def test_api_functions_run_without_jit(pg):
    """pggit's catalog queries are costed high enough to be JIT-compiled, which took longer
    than running them: every API function around a Python body turns JIT off."""
    rows = pg.execute("""
        SELECT p.proname, p.proconfig FROM pg_proc p
        WHERE p.pronamespace = 'pggit'::regnamespace AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
          AND EXISTS (SELECT 1 FROM pg_proc i WHERE i.pronamespace = p.pronamespace AND i.proname = '_' || p.proname || '_impl')
    """).fetchall()
    assert {"init", "commit", "merge", "create_branch"} <= {name for name, _ in rows}
    # and what the event triggers call: DDL on a branch took 1.2 s more with JIT
    rows += pg.execute("SELECT proname, proconfig FROM pg_proc WHERE pronamespace = 'pggit'::regnamespace "
                       "AND proname IN ('_after_ddl', '_regenerate_lens')").fetchall()
    assert all("jit=off" in (config or []) for _, config in rows), [name for name, config in rows if "jit=off" not in (config or [])]
