"""The `pggit` command line, driven as a user drives it, against a real server.

Most tests call the click command in-process (CliRunner); a few run the installed
console script as a subprocess. The cross-database diff round-trips migra's fixtures
with the engine tests' helpers.
"""

import json
import os
import subprocess
import sys
import traceback
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from conftest import PG_BIN, REPO, connect, scalar
from engine_support import MIGRA_SKIP, dump, load_migra_case, run_sql
from pggit.cli import main
from pggit.cli.graph import graph_lines

CONSOLE_SCRIPT = Path(sys.executable).parent / "pggit"
FEATURE = "feature/users-api"
SHOP = """
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id),
                     total numeric(10,2) NOT NULL CHECK (total >= 0));
INSERT INTO users (email, name) VALUES ('ann@example.com', 'Ann'), ('bob@example.com', 'Bob');
"""
# A representative handful of migra's pairs (tables, constraints, dependencies, enums,
# identity, partitions, privileges, RLS, sequences, triggers), and one the engine skips.
CLI_MIGRA_CASES = ["constraints", "dependencies", "enumdeps", "generated", "identitycols",
               "partitioning", "privileges", "rls", "seq", "triggers", "everything"]


def dsn(conn) -> str:
    info = conn.info
    return psycopg.conninfo.make_conninfo(host=info.host, port=info.port, user=info.user,
                                          dbname=info.dbname)


def run(*args, code=0, env=None):
    """Invoke `pggit ARGS`; assert the exit code; return the result."""
    result = CliRunner(env=env).invoke(main, [str(a) for a in args])
    if result.exit_code != code:
        tb = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""
        pytest.fail(f"pggit {args} exited {result.exit_code}, not {code}\n"
                    f"stdout: {result.stdout}\nstderr: {result.stderr}\n{tb}")
    return result


def run_json(*args, code=0):
    return json.loads(run(*args, "--json", code=code).stdout)


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("pggit: ") and result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def on_branch(conn, branch, sql):
    """Run `sql` on `branch` the way a psql user would, then go back to main."""
    conn.execute("SELECT pggit.switch_branch(%s)", (branch,))
    conn.execute(sql)
    conn.execute("SELECT pggit.switch_branch('main')")


@pytest.fixture
def shop(pg):
    pg.execute(SHOP)
    return pg


def test_walkthrough_from_the_shell(shop):
    db = dsn(shop)
    assert "initialised" in run("--dsn", db, "init").stdout
    assert FEATURE in run("branch", FEATURE, "--dsn", db).stdout
    branches = run_json("branch", "--dsn", db)
    assert [b["name"] for b in branches] == ["main", FEATURE]
    assert [b["is_current"] for b in branches] == [True, False]

    switch = run("switch", FEATURE, "--dsn", db).stdout
    assert ("export PGOPTIONS='-c search_path=pggit_branch_feature_users_api,pggit_mask_feature_users_api,"
            "\"$user\",public -c pggit.current_branch=feature/users-api'") in switch
    assert "pggit exec --branch feature/users-api -- COMMAND" in switch
    assert "SELECT pggit.switch_branch('feature/users-api');" in switch
    routed = run_json("switch", FEATURE, "--dsn", db)
    assert routed["schema"] == "pggit_branch_feature_users_api"

    on_branch(shop, FEATURE, "ALTER TABLE users ADD COLUMN email_verified boolean DEFAULT false;"
                             "CREATE INDEX idx_users_email ON users (email)")
    status = run_json("status", "--branch", FEATURE, "--dsn", db)
    assert status["branch"] == FEATURE
    assert {c["object_name"] for c in status["changes"]} == {"users.email_verified",
                                                              "users.idx_users_email"}
    assert "nothing to commit" in run("status", "--dsn", db).stdout  # main is untouched

    made = run_json("commit", "-m", "users: email_verified", "--branch", FEATURE, "--dsn", db)
    assert made["created"] and len(made["commit"]) == 64
    again = run_json("commit", "-m", "again", "--branch", FEATURE, "--dsn", db)
    assert again == {**made, "created": False}
    assert run_json("status", "--branch", FEATURE, "--dsn", db)["changes"] == []

    changes = run_json("diff", "main", FEATURE, "--dsn", db)
    assert [(c["change_type"], c["object_name"]) for c in changes] == [
        ("added", "users.email_verified"), ("added", "users.idx_users_email")]
    assert "builds index" in changes[1]["hazards"]
    assert "ALTER TABLE users ADD COLUMN email_verified" in run(
        "diff", "main", FEATURE, "--sql", "--dsn", db).stdout
    run("diff", "main", FEATURE, "--exit-code", "--dsn", db, code=1)

    merged = run_json("merge", FEATURE, "main", "--dsn", db)
    assert merged["status"] == "fast_forward" and merged["conflict_list"] == []
    assert "no differences" in run("diff", "main", FEATURE, "--exit-code", "--dsn", db).stdout
    assert scalar(shop, "SELECT count(*) FROM users WHERE NOT email_verified") == 2

    log = run_json("log", "main", "--dsn", db)
    assert log[0]["message"] == "users: email_verified" and log[0]["hash"] == made["commit"]
    assert run("log", "main", "--graph", "--dsn", db).stdout.startswith("*  ")


def test_env_and_exec_put_a_command_on_the_branch(shop, server):
    db = dsn(shop)
    run("init", "--dsn", db)
    run("branch", "odd name\\x", "--dsn", db)
    line = run("env", "odd name\\x", "--dsn", db).stdout.strip()
    assert line.startswith("export PGOPTIONS=")
    options = subprocess.run(["sh", "-c", f"{line}; printf %s \"$PGOPTIONS\""],
                             check=True, capture_output=True, text=True).stdout
    with connect(server, shop.info.dbname, options=options) as routed:
        assert scalar(routed, "SELECT pggit.current_branch()") == "odd name\\x"
        assert scalar(routed, "SELECT current_schema()") == "pggit_branch_odd_name_x"
    # exec: any command, here psql, runs on the branch; its exit code is the command's
    psql = str(PG_BIN / "psql")
    run("exec", "--branch", "odd name\\x", "--dsn", db, "--", psql, db, "-Xqc", "CREATE TABLE made_by_exec (id int)")
    assert scalar(shop, "SELECT to_regclass('pggit_branch_odd_name_x.made_by_exec') IS NOT NULL")
    assert scalar(shop, "SELECT to_regclass('public.made_by_exec')") is None
    run("exec", "--branch", "odd name\\x", "--dsn", db, "--", "sh", "-c", "exit 3", code=3)
    assert_one_line_error(run("exec", "--branch", "nope", "--dsn", db, "--", "true", code=2),
                          "branch 'nope' does not exist")


def test_conflicts_exit_1_until_resolved(shop):
    db = dsn(shop)
    run("init", "--dsn", db)
    run("branch", "feature/names", "--dsn", db)
    on_branch(shop, "feature/names", "ALTER TABLE users ALTER COLUMN name TYPE varchar(80)")
    shop.execute("SELECT pggit.switch_branch('main');"
                 "ALTER TABLE users ALTER COLUMN name TYPE varchar(120)")

    preview = run_json("merge", "feature/names", "--preview", "--dsn", db, code=1)
    assert [c["object_name"] for c in preview] == ["users.name"]
    assert run_json("conflicts", "feature/names", "main", "--dsn", db) == preview
    stopped = run("merge", "feature/names", "--dsn", db, code=1).stdout
    assert "conflict" in stopped and "users.name" in stopped
    done = run_json("merge", "feature/names", "main", "--resolve", "users.name=theirs",
                    "--dsn", db)
    assert done["status"] == "merged"
    assert scalar(shop, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                        "WHERE attrelid = 'public.users'::regclass AND attname = 'name'") \
        == "character varying(80)"
    graph = run("log", "--graph", "--dsn", db).stdout.splitlines()
    assert graph[0].startswith("*") and graph[1] == "|\\" and "|/" in graph


def test_branch_delete_needs_force_for_unmerged_work(shop):
    db = dsn(shop)
    run("init", "--dsn", db)
    run("branch", "scratch", "--dsn", db)
    on_branch(shop, "scratch", "CREATE TABLE notes (id int)")
    refused = run("branch", "scratch", "--delete", "--dsn", db, code=2)
    assert_one_line_error(refused, "not merged")
    assert "deleted" in run("branch", "scratch", "--delete", "--force", "--dsn", db).stdout
    assert [b["name"] for b in run_json("branch", "--dsn", db)] == ["main"]


def test_connection_from_database_url_and_pg_variables(shop):
    run("init", "--dsn", dsn(shop))
    via_url = run("branch", "--json", env={"DATABASE_URL": dsn(shop)})
    info = shop.info
    via_pg = run("branch", "--json", env={"DATABASE_URL": None, "PGHOST": info.host,
                                          "PGPORT": str(info.port), "PGUSER": info.user,
                                          "PGDATABASE": info.dbname})
    assert json.loads(via_url.stdout) == json.loads(via_pg.stdout)


@pytest.mark.parametrize("args, fragments", [
    (["--dsn", "not a connection string", "status"], ["invalid connection string"]),
    (["--dsn", "host=127.0.0.1 port=1 connect_timeout=5", "status"], ["cannot connect"]),
    (["diff", "host=127.0.0.1 port=1", "host=127.0.0.1 port=1"], ["cannot connect"]),
    (["diff", "main", "dbname=x"], ["both be refs or both be connection strings"]),
    (["merge", "x", "--resolve", "users.name=mine"], ["OBJECT=ours or OBJECT=theirs"]),
])
def test_errors_are_one_line(args, fragments):
    assert_one_line_error(CliRunner().invoke(main, args), *fragments)


def test_database_without_the_extension(new_db):
    result = CliRunner().invoke(main, ["status", "--dsn", dsn(new_db())])
    assert_one_line_error(result, "CREATE EXTENSION pggit CASCADE")


@pytest.mark.parametrize("args", [["switch", "nope"], ["branch", "x", "--from", "nope"],
                                  ["log", "nope"], ["status", "--branch", "nope"],
                                  ["merge", "nope"], ["diff", "main", "nope"]])
def test_unknown_branch_is_the_servers_message(shop, args):
    run("init", "--dsn", dsn(shop))
    result = CliRunner().invoke(main, [*args, "--dsn", dsn(shop)])
    assert_one_line_error(result, "nope")
    assert "Traceback" not in result.stderr and "HINT" not in result.stderr


def test_before_init(pg):
    assert_one_line_error(CliRunner().invoke(main, ["status", "--dsn", dsn(pg)]),
                          "not under version control")


def test_console_script_in_a_subprocess(shop):
    assert CONSOLE_SCRIPT.exists(), f"{CONSOLE_SCRIPT} missing: run scripts/setup.sh"
    # The installed entry point, importing the package from this checkout.
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "DATABASE_URL": dsn(shop)}

    def pggit(*args):
        return subprocess.run([str(CONSOLE_SCRIPT), *args], check=False, env=env,
                              capture_output=True, text=True, timeout=120)

    assert pggit("init").returncode == 0
    assert pggit("branch", FEATURE).returncode == 0
    listed = pggit("branch", "--json")
    assert [b["name"] for b in json.loads(listed.stdout)] == ["main", FEATURE]
    assert pggit("diff", "main", FEATURE, "--exit-code").returncode == 0
    failed = pggit("switch", "nope")
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr == "pggit: branch 'nope' does not exist\n"


def test_cross_database_diff_needs_no_extension(new_db):
    a, b = new_db(), new_db()
    a.execute("CREATE TABLE t (id int PRIMARY KEY, gone text)")
    b.execute("CREATE TABLE t (id int PRIMARY KEY)")
    shown = run("diff", dsn(a), dsn(b), "--exit-code", code=1).stdout
    assert "t.gone" in shown and "drops data" in shown
    assert run("diff", dsn(a), dsn(b), "--sql").stdout == "ALTER TABLE t DROP COLUMN gone;\n"


@pytest.mark.parametrize("case", CLI_MIGRA_CASES)
def test_cross_database_diff_round_trips_migra(case, new_db):
    if case in MIGRA_SKIP:
        pytest.skip(MIGRA_SKIP[case])
    a, b, shared = load_migra_case(case, new_db)
    for schema in sorted(shared):
        assert isinstance(run_json("diff", dsn(a), dsn(b), "--schema", schema), list)
        script = run("diff", dsn(a), dsn(b), "--schema", schema, "--sql").stdout
        run_sql(a, script, schema)
        assert run_json("diff", dsn(a), dsn(b), "--schema", schema) == [], script
        run("diff", dsn(a), dsn(b), "--schema", schema, "--exit-code")
        assert dump(a, schema) == dump(b, schema), script


def test_graph_of_a_merge():
    commits = [{"hash": "m", "parents": ["t", "s"]}, {"hash": "t", "parents": ["b"]},
               {"hash": "s", "parents": ["b"]}, {"hash": "b", "parents": []}]
    drawn = [(line, row and row["hash"]) for line, row in graph_lines(commits)]
    assert drawn == [("*", "m"), ("|\\", None), ("* |", "t"), ("| *", "s"), ("|/", None),
                     ("*", "b")]


def test_server_modules_do_not_import_the_cli_libraries():
    code = ("import sys, pggit.api, pggit.engine, pggit.branches, pggit.commits, pggit.merging;"
            "print([m for m in ('click', 'rich', 'psycopg') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO / "python")})
    assert out.stdout.strip() == "[]"
