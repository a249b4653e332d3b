"""The schema-diff engine in a few calls, for the SQL API and the command line alike."""

from __future__ import annotations

from .catalog import TRACKED_SCHEMA, load_schema
from .diff import Change, as_renamed, diff
from .model import Schema
from .quoting import bind_self
from .render import render


def script(old: Schema, new: Schema, schema: str = TRACKED_SCHEMA, runner: str | None = None) -> str:
    """The dependency-ordered script turning `old` into `new`, for `schema`.

    Names are unqualified (run it with search_path set to the schema being changed),
    but where a view must name its own schema: that is `schema`. `runner`: the role
    that will run it (see `diff`).
    """
    text = bind_self(render(diff(old, new, runner=runner), as_renamed(old, new), new), schema)
    if " ADD VALUE " in text:
        text = ADD_VALUE_HEADER + text
    return text


# A value added by ALTER TYPE ... ADD VALUE cannot be used before it commits.
ADD_VALUE_HEADER = ("-- Run this script statement by statement (psql -f, not psql -1 or one transaction):\n"
                    "-- the values ALTER TYPE ... ADD VALUE adds must commit before they are used.\n")


def diff_schemas(db_from, schema_from: str, db_to, schema_to: str) -> list[Change]:
    """Changes turning `schema_from` (read through `db_from`) into `schema_to` (through `db_to`)."""
    return diff(load_schema(db_from, schema_from), load_schema(db_to, schema_to), runner=db_from.role())


def diff_script(db_from, schema_from: str, db_to, schema_to: str) -> str:
    """One script turning `schema_from` into `schema_to`, to be run by `db_from`'s role."""
    return script(load_schema(db_from, schema_from), load_schema(db_to, schema_to), schema_from, db_from.role())

