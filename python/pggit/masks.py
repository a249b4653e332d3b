"""Masks: how a session on a branch never reaches main's objects by an unqualified name.

On a branch, search_path is `<branch schema>, <mask schema>, <the session's path>`, and
the session's path has `public` on it (extensions' functions and types live there). An
object of main that the branch lacks (dropped on the branch, or made on main after the
fork) would resolve to main's. So the branch's mask schema holds a stand-in for each
such object: a view that raises 42P01 when read or written, a function that raises
42883, a shell type. The branch's own objects come first on the path, and are created
in the branch's schema, so a stand-in never shadows or blocks them.

`sync` computes, in one catalog query (catalog/mask_statements.sql), the stand-ins every
mask should hold and runs only the difference; running it twice runs nothing the second
time. Objects outside version control (extension members) are never masked.
"""

from __future__ import annotations

from .catalog import TRACKED_SCHEMA, filtered
from .quoting import ident, text_array



# pg_advisory_xact_lock(MASK_LOCK, hashtext(branch schema)): one sync of a mask at a time,
# so two sessions never make the same stand-in. Taken in name order, so never in a cycle.
MASK_LOCK = 0x6D61736B  # 'mask'


def _lock(db, branch_schemas: list[str] | None) -> None:
    if branch_schemas is None:
        branch_schemas = [r["schema_name"] for r in db.query(
            "SELECT schema_name::text FROM pggit.branches WHERE id <> 1")]
    for schema in sorted(set(branch_schemas)):
        db.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", (MASK_LOCK, schema))


def create_schema(db, schema: str) -> None:
    """An empty mask, pggit's own (owned by the extension's owner, so that any role's DDL
    can bring it up to date). Everyone who can reach the branch must see its stand-ins:
    a role without USAGE on a schema of the path skips it, and would reach main's object."""
    db.as_owner(f"CREATE SCHEMA {ident(schema)}; GRANT USAGE ON SCHEMA {ident(schema)} TO PUBLIC")


def drop_schema(db, schema: str) -> None:
    db.as_owner(f"DROP SCHEMA IF EXISTS {ident(schema)} CASCADE")


def sync(db, branch_schemas: list[str] | None, relations=None) -> int:
    """Bring the masks of these branch schemas (None: all) in line with main.

    `relations`: only the stand-ins of main's relations of these names (None: all).
    Returns the number of statements run.
    """
    schemas = text_array(branch_schemas)
    names = None if relations is None else text_array(sorted(relations))
    _lock(db, branch_schemas)
    # the query as `relations` asks (catalog.filtered): given, main's relations are found by
    # an index probe per name (as a filter, the names were compared with every relation:
    # 100 ms after a 5% merge at 1,000 tables)
    with db.local_settings(search_path="pg_catalog, pg_temp"):
        query = filtered("mask_statements", relations is not None)
        statements = [r["statement"] for r in db.query(query, (TRACKED_SCHEMA, schemas, names))]
        if statements:
            db.as_owner(";\n".join(statements))
    return len(statements)

