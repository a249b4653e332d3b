"""The schema-diff engine in a few calls, for the SQL API and the command line alike."""

from __future__ import annotations

from .catalog import load_schema
from .diff import Change, diff
from .model import Schema
from .render import render


def script(old: Schema, new: Schema) -> str:
    """The dependency-ordered script turning `old` into `new`.

    Names are unqualified: run it with search_path set to the schema being changed.
    """
    return render(diff(old, new), old, new)


def diff_schemas(db_from, schema_from: str, db_to, schema_to: str) -> list[Change]:
    """Changes turning `schema_from` (read through `db_from`) into `schema_to` (through `db_to`)."""
    return diff(load_schema(db_from, schema_from), load_schema(db_to, schema_to))


def diff_script(db_from, schema_from: str, db_to, schema_to: str) -> str:
    """One script turning `schema_from` into `schema_to`."""
    return script(load_schema(db_from, schema_from), load_schema(db_to, schema_to))

