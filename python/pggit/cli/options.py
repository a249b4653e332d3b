"""Options every command shares, and the decorator that hands a command its session."""

from __future__ import annotations

import functools

import click

from .session import Session

DSN_HELP = "Connection string or URI (default: $DATABASE_URL, else libpq's PG* variables)."

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Machine output: one JSON document on stdout.")
branch_option = click.option("--branch", metavar="NAME",
                             help="Act on branch NAME (default: main, or pggit.current_branch "
                                  "from PGOPTIONS).")


def db_command(**settings):
    """A click command whose function gets a `Session` as its first argument.

    `--dsn` is accepted after the command too (`pggit status --dsn ...`); the group's
    `--dsn` (`pggit --dsn ... status`) is the fallback. The connection opens on first
    use and closes when the command ends.
    """

    def wrap(fn):
        @functools.wraps(fn)
        @click.pass_context
        def run(ctx, *args, dsn=None, **kwargs):
            session = Session(dsn or ctx.find_root().params.get("dsn"))
            ctx.call_on_close(session.close)
            return fn(session, *args, **kwargs)

        run = click.option("--dsn", metavar="DSN", help=DSN_HELP)(run)
        return click.command(**settings)(run)

    return wrap
