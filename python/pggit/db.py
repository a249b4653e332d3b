"""The one query interface: the engine talks to PostgreSQL only through a `Db`.

Inside the server it is PL/Python's `plpy`; outside it is a psycopg 3 connection.
Queries use PostgreSQL's native `$1, $2, ...` placeholders in both cases, so a
catalog query reads the same wherever it runs.
"""

from __future__ import annotations

import contextlib


class Db:
    """What the engine needs of a database session."""

    path: str | None = None  # the search_path local_settings set, if any (PlpyDb keys plans by it)

    def query(self, sql: str, params: tuple = ()) -> list[dict]:
        """Run `sql` with `$n` parameters (passed as text) and return its rows as dicts."""
        raise NotImplementedError

    def execute(self, sql: str) -> None:
        """Run one or more statements that return nothing of interest."""
        raise NotImplementedError

    @contextlib.contextmanager
    def local_settings(self, **settings):
        """Settings (search_path, role, ...) for the block, transaction-locally, then as
        they were. pggit changes search_path no other way, so no error or nesting can
        leave a session on another schema than the one it chose."""
        from .quoting import text_array

        names = list(settings)
        outer_path = self.path
        with self.transaction():
            saved = [r["v"] for r in self.query(
                "SELECT pg_catalog.current_setting(s.n) AS v "
                "FROM pg_catalog.unnest($1::text[]) WITH ORDINALITY AS s (n, i) ORDER BY s.i",
                (text_array(names),))]
            restore = ("SELECT pg_catalog.set_config(s.n, s.v, true) "
                       "FROM ROWS FROM (pg_catalog.unnest($1::text[]), pg_catalog.unnest($2::text[])) AS s (n, v)")
            self.query(restore, (text_array(names), text_array(settings.values())))
            failed = True
            self.path = settings.get("search_path", outer_path)
            try:
                yield
                failed = False
            finally:
                self.path = outer_path
                try:
                    self.query(restore, (text_array(names), text_array(saved)))
                except Exception:
                    if not failed:  # after a failure the transaction is aborted: its error stands
                        raise

    def role(self) -> str:
        """The role the session's statements run as (current_user); for the metadata's
        who-did-it columns too (pggit._as_owner runs as the extension's owner, so their
        defaults would name that owner)."""
        return self.query("SELECT CURRENT_USER::text AS r")[0]["r"]

    def warning(self, message: str, hint: str) -> None:
        """Tell the client something it should know but that does not stop the work."""
        import warnings

        warnings.warn(f"{message} ({hint})", stacklevel=2)

    def as_owner(self, sql: str, params: tuple = ()) -> list[dict]:
        """Run pggit's own statement: a write to its metadata, or a script that keeps its
        masks and lens (without parameters, several statements)."""
        if params:
            return self.query(sql, params)
        self.execute(sql)
        return []

    def transaction(self):
        """A context in which settings made with pg_catalog.set_config(..., true) hold.

        pggit changes search_path only transaction-locally, so that no error or
        nesting can leave a session on another schema than the one it chose.
        """
        raise NotImplementedError


class PlpyDb(Db):
    """The server side: SPI through `plpy`, with a prepared plan kept per query text and path."""

    def __init__(self, plpy):
        self.plpy = plpy
        self._plans: dict[tuple[str, int], object] = {}
        self._as_owner_plan = None

    def query(self, sql, params=()):
        # a plan is kept per search_path too: the server plans a statement again when the
        # path it was planned under changes (one plan for every branch's schema would be
        # planned again at every read of another branch)
        key = (sql, len(params), self.path)
        plan = self._plans.get(key)
        if plan is None:
            plan = self.plpy.prepare(sql, ["text"] * len(params))
            self._plans[key] = plan
        return list(plan.execute(list(params)))  # (each row is a dict of its own already)

    def execute(self, sql):
        self.plpy.execute(sql)

    def warning(self, message, hint):
        self.plpy.warning(message, hint=hint)

    def as_owner(self, sql, params=()):
        # Run by pggit._as_owner (SECURITY DEFINER), and only for a call opened here: the
        # caller needs no rights on pggit's tables, masks or lens.
        import json

        from . import guard

        if self._as_owner_plan is None:  # params as a text[] value, not a literal to escape and parse
            self._as_owner_plan = self.plpy.prepare("SELECT pggit._as_owner($1, $2) AS row", ["text", "text[]"])
        with guard.owner_call():
            rows = self._as_owner_plan.execute([sql, [None if p is None else str(p) for p in params]])
        return [json.loads(r["row"]) for r in rows]

    def transaction(self):
        # a function always runs inside its caller's transaction
        return contextlib.nullcontext()


class PsycopgDb(Db):
    """The client side: a psycopg 3 connection, using its raw (`$n`) cursor."""

    def __init__(self, conn):
        self.conn = conn

    def query(self, sql, params=()):
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.RawCursor(self.conn, row_factory=dict_row) as cur:
            cur.execute(sql, [None if p is None else str(p) for p in params])
            return cur.fetchall() if cur.description else []

    def execute(self, sql):
        with self.conn.cursor() as cur:
            cur.execute(sql)

    def transaction(self):
        return self.conn.transaction()
