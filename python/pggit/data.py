"""Rows that belong to the schema: migration ledgers, and tables under pggit.track_data().

A migration tool records what it applied in a table of its own (Django's
django_migrations, Alembic's alembic_version, ...): if main's schema takes a branch's
migration but not that row, the tool runs the migration again. Such rows travel with
the schema: a commit stores them (`Schema.rows`), and a merge merges them three-way,
row by row, from the same merge base, keyed by the ledger's natural key (or the key
given to track_data, or the primary key).

`Schema.rows` is {table: {"key": [columns], "ledger": bool, "rows": {key json: row}}},
a row being the table's `to_jsonb` form.
"""

from __future__ import annotations

import json

from . import errors
from .catalog import sql
from .errors import PggitError
from .quoting import ident, text_array

# name: the columns that say which migration a row is. Recognised by name and by having
# those columns; a ledger's rows are the same when their keys are (when a migration ran
# does not matter).
LEDGERS = {
    "django_migrations": ["app", "name"],
    "alembic_version": ["version_num"],
    "schema_migrations": ["version"],  # Rails (and golang-migrate)
    "ar_internal_metadata": ["key"],  # Rails
    "flyway_schema_history": ["script"],
    "_prisma_migrations": ["migration_name"],
    "knex_migrations": ["name"],
    "goose_db_version": ["version_id"],
    "__EFMigrationsHistory": ["MigrationId"],
}


def tables(db, schema: str) -> list[dict]:
    """The tables of `schema` whose rows travel: ledgers, and tracked tables, each with
    its key, owner and columns."""
    tracked = {r["table_name"]: r["key_columns"] for r in db.query(
        "SELECT table_name::text, key_columns::text[] FROM pggit.tracked_data")}
    names = sorted(set(LEDGERS) | set(tracked))
    out = []
    for t in db.query(sql("data_tables"), (schema, text_array(names))):
        name, columns = t["table_name"], list(t["columns"])
        if name in tracked:
            key, ledger = list(tracked[name] or t["primary_key"] or []), False
        else:
            key, ledger = LEDGERS[name], True
        if key and set(key) <= set(columns):
            out.append({**t, "key": key, "ledger": ledger, "columns": columns, "numbered": list(t["numbered"])})
    return out


def read(db, schema: str) -> dict:
    """The rows of `schema`'s ledgers and tracked tables, as `Schema.rows` holds them.
    Read as each table's owner: its row-level security policies never run as the caller."""
    from .branches import as_role

    out = {}
    for t in tables(db, schema):
        with as_role(db, t["owner"]):
            rows = db.query(f"SELECT pg_catalog.to_jsonb(t)::text AS r FROM {ident(schema)}.{ident(t['table_name'])} t")
        by_key = {}
        for r in rows:
            row = json.loads(r["r"])
            by_key[_key(row, t["key"])] = row
        out[t["table_name"]] = {"key": t["key"], "ledger": t["ledger"], "numbered": t["numbered"], "rows": by_key}
    return out


def _key(row: dict, key: list[str]) -> str:
    return json.dumps([row.get(k) for k in key])


def _same(a: dict | None, b: dict | None, spec: dict) -> bool:
    """Whether two versions of a row are the same: for a ledger, that both exist; else
    every column but those the table numbers itself (they differ from branch to branch)."""
    if a is None or b is None or spec["ledger"]:
        return (a is None) == (b is None)
    skip = set(spec.get("numbered", ())) - set(spec["key"])
    return {k: v for k, v in a.items() if k not in skip} == {k: v for k, v in b.items() if k not in skip}


def merge(base: dict, ours: dict, theirs: dict, decide) -> tuple[dict, list]:
    """Three-way, row by row: the merged rows and the conflicts (rows changed differently
    on both sides). `decide(conflict)` gives 'ours', 'theirs' or None (undecided)."""
    from .merge import Conflict

    merged, conflicts = {}, []
    for table in sorted(set(ours) | set(theirs)):
        spec = ours.get(table) or theirs[table]
        b, o, t = (side.get(table, {}).get("rows", {}) for side in (base, ours, theirs))
        rows = {}
        for key in sorted(set(b) | set(o) | set(t)):
            row_b, row_o, row_t = b.get(key), o.get(key), t.get(key)
            if _same(row_o, row_t, spec) or _same(row_t, row_b, spec):
                choice = row_o
            elif _same(row_o, row_b, spec):
                choice = row_t
            else:
                c = Conflict("ROW", f"{table}:{key}", _text(row_b), _text(row_o), _text(row_t),
                             "the row was changed differently on both sides", f"ROW {table}:{key}")
                conflicts.append(c)
                winner = decide(c)
                choice = row_o if winner != "theirs" else row_t
            if choice is not None:
                rows[key] = choice
        merged[table] = {**spec, "rows": rows}
    return merged, conflicts


def _text(row: dict | None) -> str | None:
    return None if row is None else json.dumps(row, sort_keys=True)


def apply(db, schema: str, old: dict, new: dict) -> int:
    """Make the rows of `schema`'s tables go from `old` to `new`; returns how many changed.
    Runs as each table's owner; columns the table numbers itself (identity, serial) take
    the target's next values unless they are the key."""
    from .branches import as_role

    live = {t["table_name"]: t for t in tables(db, schema)}
    changed = 0
    for table, spec in sorted(new.items()):
        t = live.get(table)
        if t is None:
            continue
        before, after = old.get(table, {}).get("rows", {}), spec["rows"]
        gone = [before[k] for k in before if k not in after]
        added = [after[k] for k in after if k not in before]
        updated = [after[k] for k in after if k in before and not _same(before[k], after[k], spec)]
        with as_role(db, t["owner"]):
            changed += _run(db, schema, t, gone, added, updated)
    return changed


def _run(db, schema: str, t: dict, gone: list, added: list, updated: list) -> int:
    name = f"{ident(schema)}.{ident(t['table_name'])}"
    rows = f"pg_catalog.jsonb_populate_recordset(NULL::{name}, $1::jsonb) r"
    match = f"({', '.join('t.' + ident(k) for k in t['key'])}) = ({', '.join('r.' + ident(k) for k in t['key'])})"
    own = [c for c in t["columns"] if c not in t["numbered"] or c in t["key"]]
    cols = ", ".join(ident(c) for c in own)
    if gone:
        db.query(f"DELETE FROM {name} t USING {rows} WHERE {match}", (json.dumps(gone),))
    if updated:
        sets = ", ".join(f"{ident(c)} = r.{ident(c)}" for c in own if c not in t["key"])
        if sets:
            db.query(f"UPDATE {name} t SET {sets} FROM {rows} WHERE {match}", (json.dumps(updated),))
    if added:
        db.query(f"INSERT INTO {name} ({cols}) SELECT {', '.join('r.' + ident(c) for c in own)} FROM {rows}",
                 (json.dumps(added),))
    return len(gone) + len(added) + len(updated)


def diff(old: dict, new: dict) -> list[dict]:
    """data_diff rows: the rows added, removed and changed from `old` to `new`."""
    out = []
    for table in sorted(set(old) | set(new)):
        a = old.get(table, {}).get("rows", {})
        b = new.get(table, {}).get("rows", {})
        for key in sorted(set(a) | set(b)):
            if a.get(key) == b.get(key):
                continue
            change = "added" if key not in a else "removed" if key not in b else "modified"
            out.append({"table_name": table, "row_key": key, "change_type": change,
                        "old_row": _text(a.get(key)), "new_row": _text(b.get(key))})
    return out


def track(db, relation: int, key: list[str] | None) -> str:
    """pggit.track_data(): the table's rows merge with the schema from now on."""
    schema, table = _branch_table(db, relation)
    info = db.query(sql("data_tables"), (schema, text_array([table])))[0]
    columns = list(info["columns"])
    if key is not None:
        missing = [k for k in key if k not in columns]
        if not key or missing:
            raise PggitError(f"table {table} has no column {missing[0] if missing else '(none given)'} for the key",
                             hint=f"Name columns of {table} that identify a row: {', '.join(columns)}.",
                             sqlstate=errors.INVALID_PARAMETER)
    elif not info["primary_key"]:
        raise PggitError(f"table {table} has no primary key to tell its rows apart",
                         hint=f"Name the columns that do: SELECT pggit.track_data('{table}', ARRAY['...']);",
                         sqlstate=errors.INVALID_PARAMETER)
    db.as_owner("INSERT INTO pggit.tracked_data (table_name, key_columns, tracked_by) VALUES ($1, $2::name[], $3::name) "
                "ON CONFLICT (table_name) DO UPDATE SET key_columns = excluded.key_columns",
                (table, text_array(key) if key is not None else None, db.role()))
    return (f"pggit: the rows of {table} now merge with the schema, keyed by "
            f"{', '.join(key or list(info['primary_key']))}")


def untrack(db, relation: int) -> str:
    _, table = _branch_table(db, relation)
    if not db.as_owner("DELETE FROM pggit.tracked_data WHERE table_name = $1 RETURNING 1", (table,)):
        raise PggitError(f"table {table} is not tracked", hint="SELECT * FROM pggit.tracked_data; lists those that are.",
                         sqlstate=errors.UNDEFINED_OBJECT)
    return f"pggit: the rows of {table} no longer merge with the schema"


def _branch_table(db, relation: int) -> tuple[str, str]:
    """The schema and name of a table of main (public) or of a branch, from its OID."""
    row = db.query("SELECT c.relname::text AS name, n.nspname::text AS schema, c.relkind::text AS kind "
                   "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE c.oid = $1::oid", (relation,))[0]
    known = db.query("SELECT 1 FROM pggit.branches WHERE schema_name = $1", (row["schema"],))
    if row["kind"] not in ("r", "p") or not known:
        raise PggitError(f"{row['schema']}.{row['name']} is not a table of a branch",
                         hint="Track a table of main (public) or of a branch; the same name is tracked on every branch.",
                         sqlstate=errors.INVALID_PARAMETER)
    return row["schema"], row["name"]
