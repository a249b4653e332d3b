"""Renames of tables and columns, known by identity (identities.py), never guessed.

`between(old, new)` finds what was renamed from `old` to `new` and gives the ALTER ...
RENAME statements, in an order that never collides with a name in use, and `old` under
the new names, so that the rest of the diff compares like with like. `rename_model`
rewrites a model's names: keys, the fields that name a table or column, and the
identifiers in definitions that name them. A definition it cannot rewrite only reads as
changed (it is then made again from the new text): never a wrong script.
"""

from __future__ import annotations

import dataclasses

from .model import Column, Comment, Index, Privilege, Schema, Sequence, Table, View
from .quoting import _TOKENS, ident, literal

_MAX = 63  # NAMEDATALEN - 1


# The kinds whose objects are relations: one namespace, OIDs kept across renames.
RELATIONS = ("tables", "sequences", "views", "indexes")


def relations(schema: Schema) -> dict:
    """{name: object} of every relation of the schema."""
    return {o.name: o for kind in RELATIONS for o in getattr(schema, kind).values()}


def table_renames(old: Schema, new: Schema) -> dict[str, str]:
    """{old name: new name} for relations (tables, sequences, views, indexes) whose
    identity has another name in new."""
    by_id = {o.identity_id: o.name for o in relations(old).values() if o.identity_id is not None}
    return {by_id[o.identity_id]: o.name for o in relations(new).values()
            if o.identity_id in by_id and by_id[o.identity_id] != o.name}


def column_renames(old: Table, new: Table) -> dict[str, str]:
    by_id = {c.identity_id: c.name for c in old.columns if c.identity_id is not None}
    return {by_id[c.identity_id]: c.name for c in new.columns
            if c.identity_id in by_id and by_id[c.identity_id] != c.name}


def ordered(renames: dict[str, str], taken: set[str]) -> list[tuple[str, str]]:
    """The renames as steps that never name a name in use: what stands in a target's way
    and is not renamed itself moves aside first (it is on its way out), and a cycle
    (a swap) goes through a placeholder name."""
    pending, taken, steps = dict(renames), set(taken), []
    for target in sorted(set(pending.values())):
        if target in taken and target not in pending:
            steps.append((target, placeholder(target)))
            taken.discard(target)
            taken.add(placeholder(target))
    while pending:
        free = sorted(src for src, dst in pending.items() if dst not in taken)
        if not free:  # a cycle: move one aside
            src = sorted(pending)[0]
            steps.append((src, placeholder(src)))
            pending[placeholder(src)] = pending.pop(src)
            taken.discard(src)
            taken.add(placeholder(src))
            continue
        for src in free:
            steps.append((src, pending.pop(src)))
            taken.discard(src)
            taken.add(steps[-1][1])
    return steps


def placeholder(name: str) -> str:
    return f"pggit_renamed_{name}"[:_MAX]


def composed(steps: list[tuple[str, str]]) -> dict[str, str]:
    """{first name: last name} over rename steps (through placeholders)."""
    out: dict[str, str] = {}
    for src, dst in steps:
        out.update({first: dst for first, now in out.items() if now == src} or {src: dst})
    return out


def rename_model(schema: Schema, tables: dict[str, str], columns: dict[str, dict[str, str]]) -> Schema:
    """`schema` with tables renamed by `tables` (old → new) and then columns by `columns`
    ({table (new name): {old → new}})."""
    if not tables and not any(columns.values()):
        return schema
    rename = _Renamer(schema, tables, columns)
    keys, objects = {}, []
    for key, obj in schema.objects().items():
        if isinstance(obj, Column):
            continue  # with its table
        renamed = rename.obj(obj)
        objects.append(renamed)
        keys[key] = renamed.key
        if isinstance(obj, Table):
            keys.update({a.key: b.key for a, b in zip(obj.columns, renamed.columns)})
    deps = {keys.get(k, k): [keys.get(r, r) for r in refs] for k, refs in schema.deps.items()}
    out = Schema.of(objects, deps)
    out.rows = schema.rows
    return out


class _Renamer:
    def __init__(self, schema: Schema, tables: dict, columns: dict):
        self.schema, self.tables, self.columns = schema, tables, columns

    def table(self, name: str | None) -> str | None:
        return None if name is None else self.tables.get(name, name)

    def column(self, table: str | None, name: str | None) -> str | None:
        return None if name is None else self.columns.get(self.table(table), {}).get(name, name)

    def text(self, sql: str | None, key: str, *own: str) -> str | None:
        """Identifiers in a definition: renamed tables, and columns of the object's own
        tables and of the tables it depends on."""
        if not sql:
            return sql
        tables = {*own, *(_table_of(ref) for ref in self.schema.deps.get(key, []))}
        words = {ident(a): ident(b) for a, b in self.tables.items()}
        words.update({literal(a): literal(b) for a, b in self.tables.items()})  # 'seq'::regclass
        for table in tables:
            if table is not None:
                words.update({ident(a): ident(b) for a, b in self.columns.get(self.table(table), {}).items()})
        return "".join(words.get(t, t) for t in (m.group(0) for m in _TOKENS.finditer(sql)))

    def obj(self, obj):
        key, changes = obj.key, {}
        if isinstance(obj, Table):
            new_name = self.table(obj.name)
            changes = {"name": new_name, "columns": [
                dataclasses.replace(c, table=new_name, name=self.column(obj.name, c.name),
                                    default=self.text(c.default, c.key, obj.name)) for c in obj.columns],
                "partition_of": self.text(obj.partition_of, key),
                "inherits": [self.text(p, key) for p in obj.inherits]}
        elif isinstance(obj, Comment):
            name = obj.target_name
            if obj.target_type == "TABLE":
                name = self.table(name)
            elif obj.target_type == "COLUMN":
                name = self.column(obj.target_table, name)
            changes = {"target_table": self.table(obj.target_table), "target_name": name}
        elif isinstance(obj, Privilege):
            if obj.target_type in ("TABLE", "COLUMN"):
                changes = {"target_name": self.table(obj.target_name),
                           "column": self.column(obj.target_name, obj.column)}
        else:
            if isinstance(obj, (Sequence, View, Index)):
                changes["name"] = self.table(obj.name)  # a relation itself
            for field in ("table", "on_table", "owned_by_table"):
                if hasattr(obj, field):
                    changes[field] = self.table(getattr(obj, field))
            if hasattr(obj, "owned_by_column"):
                changes["owned_by_column"] = self.column(obj.owned_by_table, obj.owned_by_column)
            own = getattr(obj, "table", None) or getattr(obj, "on_table", None)
            for field in ("definition", "using_expr", "check_expr"):
                if isinstance(getattr(obj, field, None), str):
                    changes[field] = self.text(getattr(obj, field), key, own)
        return dataclasses.replace(obj, **changes) if changes else obj


def _table_of(key: str) -> str | None:
    """The table a dependency key names: "TABLE t" or "COLUMN t.c"."""
    kind, _, name = key.partition(" ")
    if kind == "TABLE":
        return name
    if kind == "COLUMN":
        return name.rsplit(".", 1)[0]
    return None
