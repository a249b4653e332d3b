"""One database connection for a command, and the one-line errors users see.

Every failure a user can cause (a bad DSN, a server that does not answer, a database
without the extension, an unknown branch) becomes a `CliError`: one line on stderr
starting with `pggit:`, exit code 2, no traceback.
"""

from __future__ import annotations

import os

import click
import psycopg
from psycopg.rows import dict_row

EXIT_ERROR = 2


class CliError(click.ClickException):
    """A user-facing failure: printed as is (no click "Error:" prefix), exit code 2."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str):
        message = one_line(message)
        if not message.startswith("pggit:"):
            message = "pggit: " + message
        super().__init__(message)

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


def one_line(text: str) -> str:
    """The first non-empty line of `text`: libpq adds hints and retries on later lines."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def server_error(e: psycopg.Error) -> CliError:
    """The server's primary message (pggit's own start with `pggit:`), without detail or hint."""
    diag = getattr(e, "diag", None)
    primary = diag.message_primary if diag is not None else None
    return CliError(primary or str(e))


def resolve_dsn(dsn: str | None) -> str:
    """--dsn, else DATABASE_URL, else "" so that libpq reads the PG* variables."""
    return dsn or os.environ.get("DATABASE_URL") or ""


def connect(dsn: str) -> psycopg.Connection:
    """An autocommit connection: each pggit function call is its own transaction."""
    try:
        return psycopg.connect(dsn, autocommit=True, row_factory=dict_row)
    except psycopg.ProgrammingError as e:
        raise CliError(f"invalid connection string: {one_line(str(e))}") from None
    except psycopg.Error as e:
        raise CliError(f"cannot connect: {one_line(str(e))}") from None


def looks_like_dsn(text: str) -> bool:
    """Branch names rarely hold `=` or `://`; connection strings and URIs always do."""
    return "=" in text or "://" in text


class Session:
    """A lazily opened connection to a database that has the pggit extension."""

    def __init__(self, dsn: str | None):
        self.dsn = resolve_dsn(dsn)
        self._conn: psycopg.Connection | None = None

    @property
    def conn(self) -> psycopg.Connection:
        if self._conn is None:
            self._conn = connect(self.dsn)
            self._require_extension()
        return self._conn

    def _require_extension(self) -> None:
        # Checked up front: otherwise the first call fails with "function pggit.x does
        # not exist", which does not say what to do.
        found = self.rows("SELECT 1 FROM pg_extension WHERE extname = 'pggit'")
        if not found:
            name = self._conn.info.dbname
            raise CliError(f'database "{name}" does not have the pggit extension; '
                           f"run CREATE EXTENSION pggit CASCADE; in it first")

    def rows(self, sql: str, params: tuple = ()) -> list[dict]:
        try:
            cur = self.conn.execute(sql, params)
            return cur.fetchall() if cur.description else []
        except psycopg.Error as e:
            raise server_error(e) from None

    def value(self, sql: str, params: tuple = ()):
        """The first column of the first row (None when there is no row)."""
        found = self.rows(sql, params)
        return next(iter(found[0].values())) if found else None

    def use_branch(self, branch: str | None) -> None:
        """Put this connection on `branch`: switch_branch checks it and sets the GUC."""
        if branch is not None:
            self.value("SELECT pggit.switch_branch(%s)", (branch,))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
