"""Two schema models → the changes that turn the first into the second.

The diff is set arithmetic: every kind is a dict keyed by object key, and `compare`
gives added / removed / modified for any two such dicts. Each change carries its
steps (SQL with the key it acts on, `drop` or `create`), which `render` orders.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from . import renames
from .model import Column, Privilege, Schema, Sequence, Table
from .quoting import ident, literal


@dataclass
class Step:
    """One statement of a change: `drop` acts on the old object, `create` builds or alters the new."""

    action: str
    key: str
    sql: str
    alter: bool = False
    breaks: str = ""  # "type": a column changes type; "all": a column is rebuilt at the end
    after: list = field(default_factory=list)  # (action, key) pairs that must run first


@dataclass
class Change:
    change_type: str
    object_type: str
    object_name: str
    sql_to_sync: str
    hazards: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list, repr=False, compare=False)
    description: str = ""


def compare(old: dict, new: dict) -> tuple[list, list, list]:
    """Keys added, removed and modified between two dicts of objects, each sorted."""
    added = sorted(k for k in new if k not in old)
    removed = sorted(k for k in old if k not in new)
    modified = sorted(k for k in old if k in new and old[k] != new[k])
    return added, removed, modified


def _change(change_type, obj, steps, hazards=()) -> Change:
    sql = "\n".join(s.sql for s in steps if s.sql)
    return Change(change_type, obj.object_type, obj.object_name, sql, list(hazards), steps)


def _drop(obj, hazards=()) -> Change:
    return _change("removed", obj, [Step("drop", obj.key, obj.drop_sql())], hazards)


def _create(obj, hazards=()) -> Change:
    return _change("added", obj, [Step("create", obj.key, obj.create_sql())], hazards)


def _recreate(old, new, hazards=()) -> Change:
    steps = [Step("drop", old.key, old.drop_sql()), Step("create", new.key, new.create_sql())]
    return _change("modified", new, steps, hazards)


_HAZARDS = {
    "TABLE": ["drops data"], "COLUMN": ["drops data"], "INDEX": ["builds index"],
    "MATERIALIZED VIEW": ["drops data"],
}


def _simple(old: dict, new: dict) -> list[Change]:
    """Kinds that are created, dropped, or dropped and recreated."""
    added, removed, modified = compare(old, new)
    out = [_drop(old[k], _HAZARDS.get(old[k].object_type, []) if old[k].object_type != "INDEX" else [])
           for k in removed]
    out += [_recreate(old[k], new[k], _creation_hazards(new[k])) for k in modified]
    out += [_create(new[k], _creation_hazards(new[k])) for k in added]
    return out


def _creation_hazards(obj) -> list[str]:
    if obj.object_type == "INDEX" or getattr(obj, "type", None) in ("p", "u", "x"):
        return ["builds index"]
    if obj.object_type == "CONSTRAINT":
        return ["access exclusive lock"]
    return []


def _tables(old: Schema, new: Schema) -> list[Change]:
    added, removed, modified = compare(old.tables, new.tables)
    out = [_drop(old.tables[k], ["drops data"]) for k in removed]
    out += [_create(new.tables[k]) for k in added]
    for k in modified:
        a, b = old.tables[k], new.tables[k]
        if dataclasses.replace(a, replica_identity=b.replica_identity, cluster_on=b.cluster_on) != b:
            out.append(_table_change(a, b))  # (those two are _table_indexes')
    return out


def _recreated(old: Table, new: Table) -> bool:
    """A table changing kind or partition key (or moving between parents) is rebuilt."""
    if old.shape() == new.shape():
        return False
    return (old.kind, old.partition_key) != (new.kind, new.partition_key) or bool(
        old.partition_of and new.partition_of)


def _table_change(old: Table, new: Table) -> Change:
    if not _recreated(old, new):
        steps = []
        if old.partition_of and not new.partition_of:
            steps.append(Step("drop", old.key + "#partition",
                              f"ALTER TABLE {old.partition_of} DETACH PARTITION {_name(old)};"))
        if new.partition_of and not old.partition_of:
            steps.append(Step("create", new.key + "#partition",
                              f"ALTER TABLE {new.partition_of} ATTACH PARTITION {_name(new)} {new.partition_bound};"))
        steps += [Step("create", new.key, sql, alter=True) for sql in _inherit_sql(old, new)]
        steps += [Step("create", new.key, sql, alter=True) for sql in new.flag_sql(old)]
        hazards = ["rewrites table"] if old.persistence != new.persistence else []
        return _change("modified", new, steps, hazards + ["access exclusive lock"])
    return _recreate(old, new, ["drops data"])


def _name(table: Table) -> str:
    return ident(table.name)


def _inherit_sql(old: Table, new: Table) -> list[str]:
    out = [f"ALTER TABLE {_name(new)} NO INHERIT {p};" for p in old.inherits if p not in new.inherits]
    return out + [f"ALTER TABLE {_name(new)} INHERIT {p};" for p in new.inherits if p not in old.inherits]


def _columns(old: Schema, new: Schema) -> list[Change]:
    out = []
    for name in sorted(set(old.tables) & set(new.tables)):
        t_old, t_new = old.tables[name], new.tables[name]
        if _recreated(t_old, t_new):
            continue  # the table is recreated with its columns
        if _same_columns(t_old, t_new):
            continue  # (most tables: the pass below costs a hundred times this test)
        detached = bool(t_old.partition_of and not t_new.partition_of)
        out += _table_columns(t_old, t_new, detached, old.sequences)
    return out


def _same_columns(t_old: Table, t_new: Table) -> bool:
    """Nothing to change in the columns: equal, in the same order, inherited alike."""
    return t_old.columns == t_new.columns and \
        [(c.local, c.inherited) for c in t_old.columns] == [(c.local, c.inherited) for c in t_new.columns]


def _inherited_only(column: Column) -> bool:
    return column.inherited and not column.local


def _table_columns(t_old: Table, t_new: Table, detached: bool, sequences: dict) -> list[Change]:
    old, new = {c.key: c for c in t_old.columns}, {c.key: c for c in t_new.columns}
    added, removed, modified = compare(old, new)
    for k in sorted(set(old) & set(new)):
        if _inherited_only(old[k]) and not _inherited_only(new[k]) and not detached:
            removed.append(k)  # the parent's column goes; this table gets its own
            added.append(k)
    out, moved = [], _moved_columns(t_old, t_new, added, removed)
    for k in removed:
        if _inherited_only(old[k]):
            out.append(_change("removed", old[k], [Step("drop", k, "")]))
        else:
            out.append(_drop(old[k], ["drops data"]))
    for k in modified:
        if _inherited_only(new[k]) or k in added or k in moved:
            continue
        statements = new[k].alter_sql(old[k])
        if statements is None:
            out.append(_recreate(old[k], new[k], ["drops data"]))
        else:
            retype = old[k].type != new[k].type
            hazards = ["rewrites table", "access exclusive lock"] if retype else []
            if retype and not keeps_values(old[k].type, new[k].type):
                hazards.append("may lose data")
            steps = [Step("create", k, s, alter=True, breaks="type" if retype else "") for s in statements]
            out.append(_change("modified", new[k], steps, hazards))
    tail = []
    for k in [c.key for c in t_new.columns]:
        if k in moved:
            out.append(_move(old[k], new[k], sequences))
        elif k in added and not _inherited_only(new[k]):
            out.append(_create(new[k]))
        else:
            continue
        for s in out[-1].steps:
            s.after += [("create", t) for t in tail]
        tail.append(k)
    return out


_TYPE_ARGS = re.compile(r"\((\d+)(?:,(\d+))?\)")
_INTEGERS = {"smallint": 5, "integer": 10, "bigint": 19}  # decimal digits each holds
_TEXTS = ("text", "character varying")


def keeps_values(old: str, new: str) -> bool:
    """Whether every value of type `old` survives conversion to `new` (a widening). Any
    pair not known to be one may lose values: 9.99 becomes 10 as an integer."""
    if old.endswith("[]") != new.endswith("[]"):
        return False
    old, new = old.removesuffix("[]"), new.removesuffix("[]")
    a, b = _TYPE_ARGS.sub("", old), _TYPE_ARGS.sub("", new)
    ma, mb = _TYPE_ARGS.search(old), _TYPE_ARGS.search(new)
    if b in _TEXTS and mb is None and a != "character":
        return True  # every value has a text form (char(n) would lose its padding)
    if a == b:  # the same type: its typmod may only grow
        if mb is None:
            return True
        if ma is None:
            return False
        (pa, sa), (pb, sb) = ((int(m.group(1)), int(m.group(2) or 0)) for m in (ma, mb))
        return sb >= sa and pb - sb >= pa - sa if a == "numeric" else pb >= pa
    if a in _INTEGERS and b in _INTEGERS:
        return _INTEGERS[b] >= _INTEGERS[a]
    if a in _INTEGERS and b == "numeric":
        return mb is None or int(mb.group(1)) - int(mb.group(2) or 0) >= _INTEGERS[a]
    return (a, b) in _WIDENINGS


_WIDENINGS = {("real", "double precision"), ("smallint", "double precision"), ("integer", "double precision"),
              ("smallint", "real"), ("date", "timestamp without time zone"), ("date", "timestamp with time zone"),
              ("timestamp without time zone", "timestamp with time zone")}


def _moved_columns(t_old: Table, t_new: Table, added: list, removed: list) -> set:
    """Columns to rebuild at the end so that the column order ends up as in t_new.

    Columns keep their place while new order and old order agree; from the first
    difference (or the first column that must be dropped and re-added) on, every
    remaining column is re-added at the end, in order. Only for plain tables.
    """
    if t_old.kind != "r" or t_old.inherits or t_new.inherits or t_old.partition_of or t_new.partition_of:
        return set()
    old = [c for c in t_old.columns if c.key not in removed]
    moved, i = set(), 0
    for col in t_new.columns:
        if col.key in added:
            i = len(old)  # everything after an added column goes to the end
        elif i < len(old) and old[i].key == col.key and col.alter_sql(old[i]) is not None:
            i += 1
        else:
            i = len(old)
            moved.add(col.key)
    return moved


def _move(old: Column, new: Column, sequences: dict) -> Change:
    """Re-add a column at the end of its table, keeping its values."""
    if new.generated:
        change = _recreate(old, new, ["rewrites table"])
        change.steps[1].breaks = "all"
        return change
    table, name = ident(new.table), ident(new.name)
    tmp = Column(new.table, f"pggit_move_{new.name}"[:63], new.type, new.collation)
    owned = [s for s in sequences.values()
             if (s.owned_by_table, s.owned_by_column) == (old.table, old.name)]
    sql = [f"ALTER TABLE {table} ADD COLUMN {tmp.definition()};",
           f"UPDATE {table} SET {ident(tmp.name)} = {new.cast(old, name)};"]
    sql += [f"ALTER SEQUENCE {ident(s.name)} OWNED BY NONE;" for s in owned]
    sql += [f"ALTER TABLE {table} DROP COLUMN {name};",
            f"ALTER TABLE {table} RENAME COLUMN {ident(tmp.name)} TO {name};"]
    sql += new.alter_sql(Column(new.table, new.name, new.type, new.collation))
    sql += [s.owner_sql() for s in owned]
    if new.identity:
        sql.append(f"SELECT setval(pg_get_serial_sequence({literal(table)}, {literal(new.name)}),"
                   f" coalesce(max({name}), 0) + 1, false) FROM {table};")
    steps = [Step("create", new.key, "\n".join(sql), alter=True, breaks="all")]
    return _change("modified", new, steps, ["rewrites table", "access exclusive lock"])


def _sequences(old: Schema, new: Schema) -> list[Change]:
    added, removed, modified = compare(old.sequences, new.sequences)
    out = [_drop(old.sequences[k]) for k in removed]
    for k in added:
        seq = new.sequences[k]
        steps = [Step("create", k, seq.create_sql())]
        if seq.owned_by_table:
            steps.append(_owner_step(seq))
        out.append(_change("added", seq, steps))
    for k in modified:
        a, b = old.sequences[k], new.sequences[k]
        steps = []
        if a.options_sql() != b.options_sql():
            steps.append(Step("create", k, b.alter_sql(), alter=True))
        if (a.owned_by_table, a.owned_by_column) != (b.owned_by_table, b.owned_by_column):
            steps.append(_owner_step(b))
        out.append(_change("modified", b, steps))
    return out


def _owner_step(seq: Sequence) -> Step:
    after = [("create", f"COLUMN {seq.owned_by_table}.{seq.owned_by_column}"),
             ("create", f"TABLE {seq.owned_by_table}")] if seq.owned_by_table else []
    return Step("create", seq.key + "#owner", seq.owner_sql(), alter=True, after=after)


def _functions(old: Schema, new: Schema) -> list[Change]:
    added, removed, modified = compare(old.functions, new.functions)
    out = [_drop(old.functions[k]) for k in removed]
    for k in modified:
        a, b = old.functions[k], new.functions[k]
        if a.replaceable_by(b):
            out.append(_change("modified", b, [Step("create", k, b.create_sql(), alter=True)]))
        else:
            out.append(_recreate(a, b))
    return out + [_create(new.functions[k]) for k in added]


def _types(old: Schema, new: Schema, one_transaction: bool = False) -> list[Change]:
    added, removed, modified = compare(old.types, new.types)
    out = [_drop(old.types[k]) for k in removed]
    for k in modified:
        a, b = old.types[k], new.types[k]
        statements = b.alter_sql(a)
        if statements and one_transaction and _uses_new_labels(new, a, b):
            statements = None  # made again: a new type's values are usable at once
        users = _columns_of_type(old, new, k)
        if statements is None and a.kind == b.kind == "e" and users:
            out.append(_retype_enum(a, b, users))
        elif statements is None:
            out.append(_recreate(a, b))
        else:
            out.append(_change("modified", b, [Step("create", k, s, alter=True) for s in statements]))
    return out + [_create(new.types[k]) for k in added]


def _uses_new_labels(new: Schema, old_type, new_type) -> bool:
    """Whether a definition of the new schema uses a value the enum gains: PostgreSQL
    renders an enum constant as 'label'::type wherever it appears."""
    labels = [label for label in (new_type.labels or []) if label not in (old_type.labels or [])]
    if not labels:
        return False
    needles = [f"{literal(label)}::{ident(new_type.name)}" for label in labels]
    texts = [c.default or "" for c in new.columns().values()]
    for kind in ("constraints", "indexes", "views", "functions", "triggers", "policies"):
        for obj in getattr(new, kind).values():
            texts += [str(v) for v in vars(obj).values() if isinstance(v, str)]
    return any(needle in text for needle in needles for text in texts)


def _columns_of_type(old: Schema, new: Schema, type_key: str) -> list[tuple[Column, Column]]:
    """Columns using a type in old that still exist in new with the same type."""
    olds, news = old.columns(), new.columns()
    return [(olds[k], news[k]) for k in sorted(olds)
            if type_key in old.deps.get(k, []) and k in news and news[k].type == olds[k].type]


def _retype_enum(old, new, users: list) -> Change:
    """Recreate an enum whose values were removed or reordered, moving its columns over."""
    tmp = ident(f"{old.name}__pggit_old"[:63])
    steps = [Step("drop", old.key, f"ALTER TYPE {ident(old.name)} RENAME TO {tmp};"),
             Step("create", new.key, new.create_sql())]
    for a, b in users:
        alter = f"ALTER TABLE {ident(b.table)} ALTER COLUMN {ident(b.name)}"
        sql = [f"{alter} DROP DEFAULT;"] if a.default is not None else []
        sql.append(f"{alter} TYPE {b.type} USING {ident(b.name)}::text::{b.type};")
        sql += [f"{alter} SET DEFAULT {b.default};"] if b.default is not None else []
        steps.append(Step("create", b.key, "\n".join(sql), alter=True, breaks="type",
                          after=[("create", new.key)]))
    steps.append(Step("create", new.key + "#old", f"DROP TYPE {tmp};", alter=True,
                      after=[("create", b.key) for _, b in users]))
    return _change("modified", new, steps, ["rewrites table", "access exclusive lock"])


def _comments_or_grants(old: dict, new: dict) -> list[Change]:
    added, removed, modified = compare(old, new)
    out = [_drop(old[k]) for k in removed]
    for k in modified:
        steps = [Step("create", k, new[k].create_sql(), alter=True)]
        if new[k].object_type in ("PRIVILEGE", "DEFAULT PRIVILEGE"):
            steps.insert(0, Step("drop", k, old[k].drop_sql()))
        out.append(_change("modified", new[k], steps))
    return out + [_create(new[k]) for k in added]


def diff(old: Schema, new: Schema, one_transaction: bool = False, runner: str | None = None) -> list[Change]:
    """The changes turning `old` into `new`, in a stable order (kind, then name).

    `one_transaction`: the changes run in one transaction (a merge), where an enum value
    added by ALTER TYPE ... ADD VALUE cannot be used before it commits; an enum whose new
    values the new schema uses is then made again instead.
    `runner`: the role that will run the script; what it creates for another owner is
    given to that owner (None: leave new objects to whoever runs it).
    """
    rename_changes, old = _renames(old, new)
    owner_changes, old = _owners(old, new)
    changes = rename_changes + (_types(old, new, one_transaction) + _sequences(old, new) + _functions(old, new) + _tables(old, new)
               + _columns(old, new))
    for kind in ("constraints", "indexes", "statistics", "views", "triggers", "rules", "policies"):
        changes += _simple(getattr(old, kind), getattr(new, kind))
    changes += _table_indexes(old, new)
    changes += _comments_or_grants(old.comments, new.comments)
    changes += _comments_or_grants(old.privileges, new.privileges)
    changes += _comments_or_grants(old.default_privileges, new.default_privileges)
    return changes + owner_changes + _new_owners(changes, new, runner) + _default_grants(changes, old, new, runner)


def _renames(old: Schema, new: Schema) -> tuple[list[Change], Schema]:
    """Relations (tables, sequences, views, indexes) and columns renamed (the same identity
    under another name): ALTER ... RENAME changes, run before anything else, and old under
    the new names for the rest."""
    out = []
    kinds = {name: o.object_type for name, o in renames.relations(old).items()}
    steps = renames.ordered(renames.table_renames(old, new), set(kinds))
    for src, dst in steps:
        kind = kinds[dst] = kinds.pop(src)  # (a placeholder keeps the kind)
        out.append(_renamed(kind, dst, src, f"ALTER {kind} {ident(src)} RENAME TO {ident(dst)};"))
    moved = renames.rename_model(old, renames.composed(steps), {})
    columns = {}
    for key, table in new.tables.items():
        name, before = table.name, moved.tables.get(key)
        if before is None:
            continue
        steps = renames.ordered(renames.column_renames(before, table), {c.name for c in before.columns})
        for src, dst in steps:
            sql = f"ALTER TABLE {ident(name)} RENAME COLUMN {ident(src)} TO {ident(dst)};"
            out.append(_renamed("COLUMN", f"{name}.{dst}", f"{name}.{src}", sql))
        columns[name] = renames.composed(steps)
    return out, renames.rename_model(moved, {}, columns)


def as_renamed(old: Schema, new: Schema) -> Schema:
    """`old` under `new`'s names for what was renamed: the model diff(old, new)'s other
    changes apply to, as render needs it."""
    return _renames(old, new)[1]


def _renamed(kind: str, name: str, was: str, sql: str) -> Change:
    step = Step("create", f"{kind} {name}#rename", sql, alter=True)
    return Change("renamed", kind, name, sql, ["access exclusive lock"], [step], f"renamed from {was}")


_OWNED = ("tables", "views", "sequences", "functions", "types", "statistics")


def _owners(old: Schema, new: Schema) -> tuple[list[Change], Schema]:
    """ALTER ... OWNER TO for objects whose owner alone changed, and old with those owners
    taken from new, so that the rest of the diff sees no change in them."""
    changes, same = [], dataclasses.replace(old)
    for kind in _OWNED:
        objects = dict(getattr(old, kind))
        for k, a in objects.items():
            b = getattr(new, kind).get(k)
            if b is None or a.owner == b.owner or b.owner is None or _follows_table(b):
                continue
            objects[k] = dataclasses.replace(a, owner=b.owner)
            if a.owner is not None:  # None: a snapshot from before owners were kept
                changes.append(_change("modified", b, [Step("create", k + "#role", b.alter_owner_sql(), alter=True)]))
        setattr(same, kind, objects)
    return changes, same


def _follows_table(obj) -> bool:
    """A sequence owned by a column has its table's owner; it cannot have its own."""
    return getattr(obj, "owned_by_table", None) is not None


def _new_owners(changes: list[Change], new: Schema, runner: str | None) -> list[Change]:
    """What the script creates for an owner other than the role running it goes to that owner."""
    if runner is None:
        return []
    owned = {k: o for kind in _OWNED for k, o in getattr(new, kind).items()}
    out = []
    for c in changes:
        for s in c.steps:
            obj = owned.get(s.key)
            if s.action == "create" and not s.alter and obj is not None and obj.owner not in (None, runner) \
                    and not _follows_table(obj):
                out.append(_change("modified", obj, [Step("create", s.key + "#role", obj.alter_owner_sql(),
                                                         alter=True, after=[("create", s.key)])]))
    return out


# ALTER DEFAULT PRIVILEGES object kinds, by the object types they apply to
_DEFAULT_KIND = {"TABLE": "r", "VIEW": "r", "MATERIALIZED VIEW": "r", "SEQUENCE": "S", "FUNCTION": "f",
                 "PROCEDURE": "f", "AGGREGATE": "f", "TYPE": "T", "DOMAIN": "T"}


def _default_grants(changes: list[Change], old: Schema, new: Schema, runner: str | None) -> list[Change]:
    """Revoke what the schema's default privileges grant on an object the script creates
    (they are old's while it runs: default privileges change last) and new does not have."""
    if runner is None or not old.default_privileges:
        return []
    objects, out = new.objects(), []
    for c in changes:
        for s in c.steps:
            obj = objects.get(s.key)
            if s.action != "create" or s.alter or obj is None or obj.object_type not in _DEFAULT_KIND:
                continue
            for d in old.default_privileges.values():
                grant = Privilege(obj.object_type, obj.object_name, None, d.privilege, d.grantee)
                if d.role == runner and d.object_kind == _DEFAULT_KIND[obj.object_type] \
                        and grant.key not in new.privileges:
                    out.append(_change("removed", grant, [Step("create", grant.key, grant.drop_sql(), alter=True,
                                                               after=[("create", s.key)])]))
    return out


def _table_indexes(old: Schema, new: Schema) -> list[Change]:
    """REPLICA IDENTITY USING INDEX and CLUSTER ON, once the index they name exists."""
    out = []
    for k, b in new.tables.items():
        a = old.tables.get(k)
        if a is None or _recreated(a, b):
            a = Table(b.name)
        statements = b.index_sql(a)
        if not statements:
            continue
        after = [("create", f"{kind} {b.name}.{name}") for name in b.index_names()
                 for kind in ("INDEX", "CONSTRAINT")] + [("create", k)]
        out.append(_change("modified", b, [Step("create", k + "#index", sql, alter=True, after=after)
                                           for sql in statements]))
    return out
