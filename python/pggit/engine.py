"""The schema-diff engine in two calls, for the SQL API and the command line alike."""

from __future__ import annotations

from .catalog import load_schema
from .diff import Change, diff
from .render import render


def diff_schemas(db_from, schema_from: str, db_to, schema_to: str) -> list[Change]:
    """Changes turning `schema_from` (read through `db_from`) into `schema_to` (through `db_to`)."""
    return diff(load_schema(db_from, schema_from), load_schema(db_to, schema_to))


def diff_script(db_from, schema_from: str, db_to, schema_to: str) -> str:
    """One script, to run with search_path set to the schema being changed."""
    old, new = load_schema(db_from, schema_from), load_schema(db_to, schema_to)
    return render(diff(old, new), old, new)


def create_script(db, schema: str) -> str:
    """The script that recreates every object of `schema` in an empty schema.

    create_branch runs it with search_path set to the new branch's schema.
    """
    from .model import Schema

    old, new = Schema(), load_schema(db, schema)
    return render(diff(old, new), old, new)
