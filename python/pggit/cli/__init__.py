"""The `pggit` command: git's porcelain over the extension's SQL API.

Every command but a diff between two databases calls the extension's functions
(pggit.init, create_branch, status, merge, ...) over psycopg and formats the result;
nothing here re-implements them. The server never imports this package, so click,
rich and psycopg stay out of the modules it does import.

Exit codes: 0 ok; 1 `diff --exit-code` found differences or `merge` stopped at
conflicts; 2 any error (one line on stderr, starting with `pggit:`).
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from .branch_commands import branch, env, exec_, init, switch
from .commit_commands import commit, log, status
from .diff_command import diff
from .merge_commands import conflicts, merge
from .options import DSN_HELP
from .session import EXIT_ERROR, CliError

COMMANDS = (init, branch, switch, env, exec_, status, commit, log, diff, merge, conflicts)


class Commands(click.Group):
    def list_commands(self, ctx):
        # The order a user meets them in, not alphabetical.
        return [c.name for c in COMMANDS]

    def main(self, args=None, prog_name=None, **extra):
        """click's main, but every error is one `pggit:` line on stderr (usage errors too)."""
        extra.pop("standalone_mode", None)
        try:
            code = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.ClickException as e:
            click.echo(_one_line_error(e), err=True)
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo("pggit: interrupted", err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(code if isinstance(code, int) else 0)


def _one_line_error(e: click.ClickException) -> str:
    if isinstance(e, CliError):
        return e.message
    message = f"pggit: {e.format_message()}"
    ctx = getattr(e, "ctx", None)
    return f"{message} (see {ctx.command_path} --help)" if ctx is not None else message


@click.group(cls=Commands, name="pggit", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--dsn", metavar="DSN", help=DSN_HELP)
@click.version_option(__version__, prog_name="pggit")
def main(dsn):
    """git for database schemas: branches, commits, diffs and merges in PostgreSQL."""


for _command in COMMANDS:
    main.add_command(_command)
