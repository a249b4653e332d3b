"""init, branch and switch: the branch list and the calls that change it."""

from __future__ import annotations

import re
import shlex

import click

from ..quoting import literal
from . import output
from .options import db_command, json_option

BRANCH_COLUMNS = [("current", ""), ("name", "branch"), ("parent", "parent"),
                  ("schema_name", "schema"), ("head", "head"), ("created_at", "created")]


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
@json_option
def branch(session, name, parent, delete, force, as_json):
    """List branches; with NAME, create it (or delete it with --delete)."""
    if name is None:
        if parent or delete or force:
            raise click.UsageError("--from, --delete and --force need a branch NAME")
        return _list(session, as_json)
    if delete:
        if parent:
            raise click.UsageError("--from cannot be used with --delete")
        message = session.value("SELECT pggit.delete_branch(%s, %s)", (name, force))
        return output.emit_json({"message": message}) if as_json else output.say(message)
    if force:
        raise click.UsageError("--force only applies with --delete")
    parent = parent or "main"
    with output.working(f"copying {parent} into branch {name}…"):
        schema = session.value("SELECT pggit.create_branch(%s, %s)", (name, parent))
    if as_json:
        return output.emit_json({"branch": name, "parent": parent, "schema": schema})
    output.say(f"pggit: created branch {name} from {parent} (schema {schema})")


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
    """Print how to route a session or an application to branch NAME.

    A command cannot move another process's session, so this checks that the
    branch exists and prints the settings that do.
    """
    session.value("SELECT pggit.switch_branch(%s)", (name,))  # the server's check and error
    schema = session.value("SELECT schema_name FROM pggit.list_branches() WHERE name = %s", (name,))
    routes = routing_lines(name)
    if as_json:
        return output.emit_json({"branch": name, "schema": schema, **routes})
    output.say(f"pggit: branch {name} exists (schema {schema}). Route a session to it with:")
    output.say(f"  shell or application:  {routes['pgoptions']}")
    output.say(f"  psql, routing views:   {routes['set_sql']}")
    output.say(f"  psql, tables and DDL:  {routes['switch_sql']}")


def routing_lines(name: str) -> dict:
    """The PGOPTIONS line and the SQL that put a session on branch `name`."""
    # libpq splits PGOPTIONS at white space; a backslash keeps a character literal.
    option = "-c pggit.current_branch=" + re.sub(r"([\s\\])", r"\\\1", name)
    return {"pgoptions": "PGOPTIONS=" + shlex.quote(option),
            "set_sql": f"SET pggit.current_branch = {literal(name)};",
            "switch_sql": f"SELECT pggit.switch_branch({literal(name)});"}
