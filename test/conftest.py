"""Fixtures: one throwaway PostgreSQL 15 server per run, a fresh database per test.

The server is started by pytest-postgresql from Debian's binaries; the extension
must already be installed there by `make install` (test/run does that).
"""

import itertools
import os
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
from pytest_postgresql import factories

REPO = Path(__file__).resolve().parents[1]
PEER_FIXTURES = REPO.parent / "shared" / "peer-fixtures"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))

# The engine is importable outside the server too, straight from the source tree.
sys.path.insert(0, str(REPO / "python"))

server = factories.postgresql_proc(
    executable=str(PG_BIN / "pg_ctl"),
    port=None,
    unixsocketdir=tempfile.gettempdir(),
    postgres_options="-c fsync=off -c full_page_writes=off -c synchronous_commit=off",
)

_db_numbers = itertools.count()


def connect(server, dbname, **kwargs) -> psycopg.Connection:
    kwargs.setdefault("autocommit", True)
    return psycopg.connect(host=server.host, port=server.port, user=server.user, dbname=dbname, **kwargs)


@pytest.fixture
def new_db(server):
    """Factory: each call gives an autocommit connection to a new, empty database."""
    made = []
    admin = connect(server, "postgres")

    def make() -> psycopg.Connection:
        name = f"t{os.getpid()}_{next(_db_numbers)}"
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        conn = connect(server, name)
        made.append((name, conn))
        return conn

    yield make
    for name, conn in made:
        conn.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def pg(new_db) -> psycopg.Connection:
    """A fresh database with the extension created."""
    conn = new_db()
    conn.execute("CREATE EXTENSION pggit CASCADE")
    return conn


@pytest.fixture
def other_session(server, pg):
    """A second connection to the same database as `pg`."""
    conn = connect(server, pg.info.dbname)
    yield conn
    conn.close()


def scalar(conn, sql, params=None):
    """The single value a query returns."""
    return conn.execute(sql, params).fetchone()[0]
