"""diff: between two branches or commits of one database, or between two databases.

Given two connection strings, the engine runs here, outside the server, on two
psycopg connections: neither database needs the extension (migra's use case).
"""

from __future__ import annotations

import click
import psycopg

from ..db import PsycopgDb
from ..engine import diff_schemas, diff_script
from ..errors import PggitError
from . import output
from .options import db_command, json_option
from .session import CliError, connect, looks_like_dsn, server_error

EXIT_DIFFERENT = 1


@db_command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--sql", "as_sql", is_flag=True, help="Print the migration script instead.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the schemas differ.")
@click.option("--schema", help="With two connection strings: the schema to compare "
                               "(default: public).")
@json_option
def diff(session, source, target, as_sql, exit_code, schema, as_json):
    """The changes that turn FROM into TO.

    FROM and TO are branch names or commit hashes in the database of --dsn, or two
    connection strings (anything holding `=` or `://`): then schema --schema of the
    first database is compared with the same schema of the second.
    """
    remote = looks_like_dsn(source), looks_like_dsn(target)
    if any(remote) and not all(remote):
        raise click.UsageError("FROM and TO must both be refs or both be connection strings")
    if all(remote):
        changes, script = _between_databases(source, target, schema or "public", as_sql)
    elif schema is not None:
        raise click.UsageError("--schema applies to a diff between two connection strings")
    elif as_sql:
        changes, script = None, session.value("SELECT pggit.schema_diff_sql(%s, %s)",
                                              (source, target))
    else:
        changes, script = session.rows("SELECT * FROM pggit.schema_diff(%s, %s)",
                                       (source, target)), None
    _print(changes, script, as_json)
    if exit_code and (changes or script):
        click.get_current_context().exit(EXIT_DIFFERENT)


def _between_databases(dsn_from: str, dsn_to: str, schema: str, as_sql: bool):
    with connect(dsn_from) as conn_from, connect(dsn_to) as conn_to:
        db_from, db_to = PsycopgDb(conn_from), PsycopgDb(conn_to)
        try:
            with output.working(f"reading schema {schema} of both databases…"):
                if as_sql:
                    return None, diff_script(db_from, schema, db_to, schema)
                changes = diff_schemas(db_from, schema, db_to, schema)
                return [change_row(c) for c in changes], None
        except psycopg.Error as e:
            raise server_error(e) from None
        except PggitError as e:
            raise CliError(e.message) from None


def change_row(change) -> dict:
    """An engine Change as the row pggit.schema_diff() returns for it."""
    return {"change_type": change.change_type, "object_type": change.object_type,
            "object_name": change.object_name, "sql_to_sync": change.sql_to_sync,
            "hazards": list(change.hazards)}


def _print(changes, script, as_json):
    if script is not None:
        # The script goes out byte for byte, without rich: it is meant for psql -f.
        if as_json:
            return output.emit_json({"sql": script})
        return click.echo(script, nl=not script.endswith("\n") and bool(script))
    if as_json:
        return output.emit_json(changes)
    if not changes:
        return output.say("no differences")
    output.change_table(changes)
    output.say(f"{len(changes)} change(s); --sql prints the script")
