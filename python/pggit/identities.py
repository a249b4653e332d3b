"""Identities of tables and columns: what stays the same when they are renamed.

pggit.identities maps each relation (attnum 0: tables, sequences, views, indexes) and
table column of every branch, by OID and attnum, to an identity number that its copies on other branches share. The schema
model carries it (`Table.identity_id`, `Column.identity_id`) into commits, so that diff
and merge know a renamed object as renamed. A column added to a table pggit knew also
keeps the default that filled the table's rows then (`Column.backfill`).
"""

from __future__ import annotations

from .catalog import filtered, sql
from .quoting import text_array
from .renames import RELATIONS


def attach(db, schema: str, model, relations: list[str] | None = None):
    """`model` (of `schema`) with the identities of its tables and columns. Objects made
    since the last sync get theirs now: a renamed one kept its OID and attnum, so only
    new ones are new. `relations`: the model holds only these (live.py's partial reads)."""
    # (a schema pggit has not seen yet, at init: nothing to read before the sync; a partial
    # read's schema has been read before)
    seen = relations is not None or db.query("SELECT 1 FROM pggit.identities WHERE schema_name = $1 LIMIT 1", (schema,))
    known = _read(db, schema, relations) if seen else {}
    objects = [o for kind in RELATIONS for o in getattr(model, kind).values()]
    columns = [c for t in model.tables.values() for c in t.columns]
    if any((r.name, None) not in known for r in objects) or any((c.table, c.name) not in known for c in columns):
        sync(db, schema, relations)
        known = _read(db, schema, relations)
    for relation in objects:
        relation.identity_id = known.get((relation.name, None), (None, None))[0]
    for column in columns:
        column.identity_id, column.backfill = known.get((column.table, column.name), (None, None))
    return model



def _read(db, schema: str, relations: list[str] | None = None) -> dict:
    """{(table, column or None): (identity, added_default)}"""
    names = None if relations is None else text_array(relations)
    rows = db.query(filtered("identities", relations is not None), (schema, names))
    return {(r["table_name"], r["column_name"]): (r["identity"], r["added_default"]) for r in rows}


def sync(db, schema: str, relations: list[str] | None = None) -> None:
    """After DDL on `schema`: identities for new tables and columns, names kept current.
    `relations`: only for these, their indexes and columns (a partial read's)."""
    names = None if relations is None else text_array(relations)
    # hash joins: a branch's schema is new to the planner's statistics, which then
    # expects one row of each side and nests loops over both (70 s at 1,000 tables; a
    # partial sync too: 2 s for 150 relations in a database never analyzed)
    with db.local_settings(enable_nestloop="off", jit="off"):  # (jit: see catalog.load_schema)
        db.as_owner(filtered("identities_sync", relations is not None), (schema, names))


def copy(db, source: str, target: str) -> None:
    """A new branch's tables and columns get the identities of the originals they copy."""
    sync(db, source)
    db.as_owner(sql("identities_copy"), (source, target))



def adopt(db, schema: str, old, model) -> None:
    """After a merge into `schema` (from `old` to `model`): what it made takes the identity
    it has in the merged `model`, so that a later rename on the source is known on the
    target. What was there keeps its own (a rename kept its OID)."""
    made = [r for kind in RELATIONS for k, r in getattr(model, kind).items() if k not in getattr(old, kind)]
    rows = [(r.name, None, r.identity_id, None) for r in made if r.identity_id is not None]
    known = old.columns()
    rows += [(c.table, c.name, c.identity_id, c.backfill) for k, c in model.columns().items()
             if k not in known and c.identity_id is not None]
    if rows:
        db.as_owner(sql("identities_adopt"), (schema, *(text_array(column) for column in zip(*rows))))
