"""A throwaway PostgreSQL 15 server for benchmarks, started and removed by the script.

PostgreSQL will not run as root, so as root the server runs as the `postgres` user.
The extension must be installed (`make install`, or scripts/setup.sh).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import psycopg

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workdir: Path, port: int):
        self.workdir, self.port, self.host = workdir, port, str(workdir)

    def connect(self, dbname="postgres", **kwargs) -> psycopg.Connection:
        return psycopg.connect(host=self.host, port=self.port, user="postgres", dbname=dbname,
                               autocommit=True, **kwargs)

    def run(self, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
        """Run a PostgreSQL client program (pgbench, psql) against this server."""
        full = [str(PG_BIN / cmd[0]), "-h", self.host, "-p", str(self.port), "-U", "postgres", *cmd[1:]]
        return subprocess.run(_as_postgres(full), check=True, capture_output=True, text=True, **kwargs)

    def new_database(self, name: str) -> psycopg.Connection:
        with self.connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        conn = self.connect(name)
        conn.execute("CREATE EXTENSION pggit CASCADE")
        return conn


@contextmanager
def throwaway_server(settings: str = "-c fsync=off -c synchronous_commit=off -c shared_buffers=512MB "
                                     "-c max_locks_per_transaction=1024"):
    workdir = Path(tempfile.mkdtemp(prefix="pggit-bench-"))
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
    data, log = workdir / "data", workdir / "log"
    subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                                 "-o", f"-p {port} -k {workdir} -c listen_addresses='' {settings}", "start"]),
                   check=True, capture_output=True)
    try:
        yield Server(workdir, port)
    finally:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
