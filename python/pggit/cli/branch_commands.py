"""init, branch, switch, env and exec: the branch list, the calls that change it, and the
settings that put a connection on a branch."""

from __future__ import annotations

import os
import shlex
import subprocess

import click

from ..quoting import literal
from . import output
from .options import db_command, json_option
from .session import CliError

BRANCH_COLUMNS = [("current", ""), ("name", "branch"), ("parent", "parent"),
                  ("schema_name", "schema"), ("head", "head"), ("created_at", "created"), ("data", "data")]


@db_command()
@json_option
def init(session, as_json):
    """Put the tables of public under version control as branch main."""
    message = session.value("SELECT pggit.init()")
    output.emit_json({"message": message}) if as_json else output.say(message)


@db_command()
@click.argument("name", required=False)
@click.option("--from", "parent", metavar="PARENT", help="Branch to copy (default: main).")
@click.option("--delete", is_flag=True, help="Delete branch NAME and its schema.")
@click.option("--force", is_flag=True, help="With --delete: even with unmerged changes.")
@click.option("--data", "data", type=click.Choice(["all", "none"]), default=None,
              help="The parent's rows the branch gets: all (default) or none (the schema only).")
@click.option("--table", "tables", multiple=True, metavar="TABLE",
              help="Copy only this table's rows (repeat for more); ledgers' rows always come.")
@json_option
def branch(session, name, parent, delete, force, data, tables, as_json):
    """List branches; with NAME, create it (or delete it with --delete)."""
    if name is None:
        if parent or delete or force or data or tables:
            raise click.UsageError("--from, --delete, --force, --data and --table need a branch NAME")
        return _list(session, as_json)
    if delete:
        if parent:
            raise click.UsageError("--from cannot be used with --delete")
        message = session.value("SELECT pggit.delete_branch(%s, %s)", (name, force))
        return output.emit_json({"message": message}) if as_json else output.say(message)
    if force:
        raise click.UsageError("--force only applies with --delete")
    if tables and data:
        raise click.UsageError("--table copies those tables' rows: leave out --data")
    parent, data = parent or "main", "tables" if tables else data or "all"
    with output.working(f"copying {parent} into branch {name}…"):
        schema = session.value("SELECT pggit.create_branch(%s, %s, %s, %s)",
                               (name, parent, data, list(tables) or None))
    if as_json:
        return output.emit_json({"branch": name, "parent": parent, "schema": schema, "data": data})
    rows = {"all": "", "none": ", schema only", "tables": f", rows of {', '.join(tables)}"}[data]
    output.say(f"pggit: created branch {name} from {parent} (schema {schema}{rows})")


def _list(session, as_json):
    rows = session.rows("SELECT * FROM pggit.list_branches()")
    if as_json:
        return output.emit_json(rows)
    for row in rows:
        row["current"] = "*" if row["is_current"] else ""
        row["head"] = (row["head_commit_hash"] or "")[:10]
    output.table(rows, BRANCH_COLUMNS, styles={"name": lambda r: "green" if r["is_current"] else None})


@db_command()
@click.argument("name")
@json_option
def switch(session, name, as_json):
    """Print how to put a session or an application on branch NAME.

    A command cannot move another process's session, so this prints the settings that
    do: PGOPTIONS for a new connection (pggit env, pggit exec), switch_branch for psql.
    """
    options = session.value("SELECT pggit.connection_options(%s)", (name,))  # the server's check
    schema = session.value("SELECT schema_name FROM pggit.list_branches() WHERE name = %s", (name,))
    routes = routing_lines(name, options)
    if as_json:
        return output.emit_json({"branch": name, "schema": schema, **routes})
    output.say(f"pggit: branch {name} is schema {schema}. Put a session on it with:")
    output.say(f"  shell or application:  {routes['export']}")
    output.say(f"  one command:           pggit exec --branch {shlex.quote(name)} -- COMMAND...")
    output.say(f"  psql:                  {routes['switch_sql']}")


@db_command()
@click.argument("name")
def env(session, name):
    """Print `export PGOPTIONS=...`: eval it to open every new connection on branch NAME."""
    options = session.value("SELECT pggit.connection_options(%s)", (name,))
    output.say(routing_lines(name, options)["export"])


@db_command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--branch", "name", required=True, metavar="BRANCH", help="The branch to run COMMAND on.")
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def exec_(session, name, command):
    """Run COMMAND (manage.py migrate, alembic upgrade head, psql, your app) on branch BRANCH.

    COMMAND inherits the environment with PGOPTIONS set to the branch's connection
    options; the exit code is COMMAND's.
    """
    options = session.value("SELECT pggit.connection_options(%s)", (name,))
    env = dict(os.environ)
    env["PGOPTIONS"] = f"{env['PGOPTIONS']} {options}" if env.get("PGOPTIONS") else options
    try:
        return subprocess.call(list(command), env=env)
    except OSError as e:
        raise CliError(f"cannot run {command[0]}: {e.strerror}") from None


exec_.name = "exec"


def routing_lines(name: str, options: str) -> dict:
    """The PGOPTIONS line and the SQL that put a session on branch `name`."""
    return {"pgoptions": options,
            "export": "export PGOPTIONS=" + shlex.quote(options),
            "switch_sql": f"SELECT pggit.switch_branch({literal(name)});"}
