"""The schema model: one class per object kind, canonical JSON in and out.

Every object is a dataclass whose compared fields are exactly what defines it, so
`==` says "same definition". Names are unqualified: SQL texts were read with
`search_path` set to the schema itself, and objects render themselves for a script
that runs with `search_path` set to the target schema.

Each object has a `key` ("OBJECT_TYPE name") used by the diff and the dependency
graph, and a `parent` key when it lives and dies with another object (a column with
its table, a comment with its target).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass, field

from .quoting import SELF_SCHEMA, ident, literal


ROUTINES = ("FUNCTION", "PROCEDURE", "AGGREGATE")


def target_sql(object_type: str, table: str | None, name: str) -> str:
    """How COMMENT ON (and ALTER ... OWNER TO) names an object."""
    if object_type in ROUTINES:
        return f"{object_type} {name}"
    if object_type == "COLUMN":
        return f"COLUMN {ident(table)}.{ident(name)}"
    if object_type in ("CONSTRAINT", "TRIGGER", "POLICY", "RULE"):
        return f"{object_type} {ident(name)} ON {ident(table)}"
    return f"{object_type} {ident(name)}"


def grantee_sql(role: str) -> str:
    """A grantee as GRANT and REVOKE name it: PUBLIC, or the role quoted."""
    return "PUBLIC" if role == "PUBLIC" else ident(role)


def _key(object_type: str, table: str | None, name: str) -> str:
    return f"{object_type} {table + '.' if table else ''}{name}"


class Obj:
    """Behaviour shared by every model class."""

    object_type = ""

    @property
    def object_name(self) -> str:
        table = getattr(self, "table", None)
        return f"{table}.{self.name}" if table else self.name

    @property
    def key(self) -> str:
        return f"{self.object_type} {self.object_name}"

    @property
    def parent(self) -> str | None:
        table = getattr(self, "table", None)
        return f"{getattr(self, 'table_type', 'TABLE')} {table}" if table else None

    def to_dict(self) -> dict:
        # shallow: every field is a str, number, bool, or a list or dict of those (a
        # table's columns aside), so json can take it as it is; dataclasses.asdict's
        # deep copy was most of a commit's time on a big schema
        return {name: getattr(self, name) for name in _field_names(type(self))}

    def alter_owner_sql(self) -> str:
        """ALTER ... OWNER TO for objects that have an owner of their own."""
        return f"ALTER {target_sql(self.object_type, None, self.object_name)} OWNER TO {ident(self.owner)};"


@dataclass
class Column(Obj):
    table: str
    name: str
    type: str
    collation: str | None = None
    default: str | None = None
    not_null: bool = False
    identity: str = ""
    generated: str = ""
    local: bool = field(default=True, compare=False)
    inherited: bool = field(default=False, compare=False)
    statistics: int = -1
    identity_id: int | None = field(default=None, compare=False)  # see identities.py
    backfill: str | None = field(default=None, compare=False)  # the default that filled its rows when added
    storage: str | None = None  # only where it is not the type's own
    type_storage: str = field(default="x", compare=False)  # the type's own
    compression: str = ""
    identity_sequence: dict | None = None  # name and options of an identity's sequence
    object_type = "COLUMN"

    def definition(self) -> str:
        sql = f"{ident(self.name)} {self.type}"
        if self.collation:
            sql += f" COLLATE {self.collation}"
        if self.generated:
            sql += f" GENERATED ALWAYS AS ({self.default}) STORED"
        elif self.default is not None:
            sql += f" DEFAULT {self.default}"
        if self.not_null:
            sql += " NOT NULL"
        if self.identity:
            sql += f" GENERATED {_IDENTITY[self.identity]} AS IDENTITY"
            options = _identity_options(self.identity_sequence, self, full=False)
            sql += f" ({options})" if options else ""
        return sql

    def create_sql(self) -> str:
        """ADD COLUMN; with the default that filled the rows where it was added, first, so
        that the target's rows get the same (then the default it has now)."""
        if self.backfill is None or self.backfill == self.default or self.generated or self.identity:
            sql = [f"ALTER TABLE {ident(self.table)} ADD COLUMN {self.definition()};"]
        else:
            filled = dataclasses.replace(self, default=self.backfill, backfill=None)
            sql = [f"ALTER TABLE {ident(self.table)} ADD COLUMN {filled.definition()};",
                   f"ALTER TABLE {ident(self.table)} ALTER COLUMN {ident(self.name)} "
                   + ("DROP DEFAULT;" if self.default is None else f"SET DEFAULT {self.default};")]
        return "\n".join([*sql, *self.option_sql(Column(self.table, self.name, self.type))])

    def option_sql(self, old: Column) -> list[str]:
        """ALTER COLUMN statements for the storage settings that differ from old's."""
        alter, out = f"ALTER TABLE {ident(self.table)} ALTER COLUMN {ident(self.name)}", []
        if self.statistics != old.statistics:
            out.append(f"{alter} SET STATISTICS {self.statistics};")
        retyped = self.type != old.type  # a new type brings its own storage back
        if (self.storage != old.storage and not (retyped and self.storage is None)) or (retyped and self.storage):
            out.append(f"{alter} SET STORAGE {_STORAGE[self.storage or self.type_storage]};")
        if self.compression != old.compression:
            out.append(f"{alter} SET COMPRESSION {_COMPRESSION[self.compression]};")
        return out

    def cast(self, old: Column, expr: str) -> str:
        """`expr` (of old's type) cast to this column's type; through text unless both are built in."""
        if _builtin(self.type) and _builtin(old.type):
            return f"{expr}::{self.type}"
        return f"{expr}::text::{self.type}"

    def alter_sql(self, old: Column) -> list[str] | None:
        """Statements changing old into self in place, or None if it must be dropped and re-added."""
        if self.generated and (not old.generated or old.default != self.default):
            return None
        alter = f"ALTER TABLE {ident(self.table)} ALTER COLUMN {ident(self.name)}"
        out = []
        if old.identity and not self.identity:
            out.append(f"{alter} DROP IDENTITY;")
        old_default = None if old.generated else old.default
        if old.generated and not self.generated:
            out.append(f"{alter} DROP EXPRESSION;")
        elif old_default is not None and old_default != self.default:
            out.append(f"{alter} DROP DEFAULT;")
            old_default = None
        if self.type != old.type or self.collation != old.collation:
            collate = f" COLLATE {self.collation or _DEFAULT_COLLATION}" if self.collation != old.collation else ""
            using = f" USING {self.cast(old, ident(self.name))}" if self.type != old.type else ""
            out.append(f"{alter} TYPE {self.type}{collate}{using};")
        if not self.generated and self.default is not None and self.default != old_default:
            out.append(f"{alter} SET DEFAULT {self.default};")
        if self.not_null != old.not_null:
            out.append(f"{alter} {'SET' if self.not_null else 'DROP'} NOT NULL;")
        if self.identity and not old.identity:
            options = _identity_options(self.identity_sequence, self, full=False)
            out.append(f"{alter} ADD GENERATED {_IDENTITY[self.identity]} AS IDENTITY{f' ({options})' if options else ''};")
        elif self.identity:
            if self.identity != old.identity:
                out.append(f"{alter} SET GENERATED {_IDENTITY[self.identity]};")
            out += _identity_alter(self, old, alter)
        return out + self.option_sql(old)

    def drop_sql(self) -> str:
        return f"ALTER TABLE {ident(self.table)} DROP COLUMN {ident(self.name)};"


@functools.cache
def _field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


_IDENTITY = {"a": "ALWAYS", "d": "BY DEFAULT"}
_STORAGE = {"p": "PLAIN", "e": "EXTERNAL", "m": "MAIN", "x": "EXTENDED"}
_COMPRESSION = {"": "default", "p": "pglz", "l": "lz4"}
_INT_RANGE = {"smallint": 32767, "integer": 2147483647, "bigint": 9223372036854775807}


def _identity_defaults(column: Column, increment: int) -> dict:
    """What PostgreSQL gives an identity's sequence when no option is set."""
    top = _INT_RANGE.get(column.type, _INT_RANGE["bigint"])
    low, high = (1, top) if increment > 0 else (-top - 1, -1)
    return {"increment": "1", "min": str(low), "max": str(high), "cache": "1", "cycle": False,
            "start": str(low if increment > 0 else high),
            "name": f"{column.table}_{column.name}_seq"}


def _identity_options(seq: dict | None, column: Column, full: bool) -> str:
    """The sequence options of an identity: those that differ from the defaults, or all."""
    if not seq:
        return ""
    defaults = _identity_defaults(column, int(seq["increment"]))
    parts = []
    if seq["name"] != defaults["name"] and not full:
        parts.append(f"SEQUENCE NAME {ident(seq['name'])}")
    for key, word in (("start", "START WITH"), ("increment", "INCREMENT BY"), ("min", "MINVALUE"),
                      ("max", "MAXVALUE"), ("cache", "CACHE")):
        if full or seq[key] != defaults[key]:
            parts.append(f"{'SET ' if full else ''}{word} {seq[key]}")
    if full or seq["cycle"]:
        parts.append(f"{'SET ' if full else ''}{'CYCLE' if seq['cycle'] else 'NO CYCLE'}")
    return " ".join(parts)


def _identity_alter(new: Column, old: Column, alter: str) -> list[str]:
    """Statements giving an identity's sequence new's options (and name)."""
    a, b = old.identity_sequence or {}, new.identity_sequence or {}
    out = []
    if a and b and a.get("name") != b.get("name"):
        out.append(f"ALTER SEQUENCE {ident(a['name'])} RENAME TO {ident(b['name'])};")
    strip = ("name",)
    if b and {k: v for k, v in a.items() if k not in strip} != {k: v for k, v in b.items() if k not in strip}:
        out.append(f"{alter} {_identity_options(b, new, full=True)};")
    return out
_BUILTIN_TYPES = frozenset("""
smallint integer bigint numeric real double text character varchar boolean date time timestamp
interval uuid json jsonb bytea inet cidr macaddr money bit xml point circle box line
""".split())


def _builtin(type_name: str) -> bool:
    base = type_name.split("(")[0].split("[")[0].strip()
    return base.split(" ")[0] in _BUILTIN_TYPES
_DEFAULT_COLLATION = 'pg_catalog."default"'


@dataclass
class Table(Obj):
    name: str
    columns: list[Column] = field(default_factory=list, compare=False)
    kind: str = "r"
    persistence: str = "p"
    partition_key: str | None = None
    partition_of: str | None = None
    partition_bound: str | None = None
    inherits: list[str] = field(default_factory=list)
    rls_enabled: bool = False
    rls_forced: bool = False
    options: list[str] = field(default_factory=list)
    owner: str | None = None  # compared; a change of owner alone is an ALTER ... OWNER TO
    replica_identity: str = "d"  # 'd', 'n', 'f', or the name of the index used
    cluster_on: str | None = None
    identity_id: int | None = field(default=None, compare=False)  # see identities.py
    object_type = "TABLE"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "columns": [c.to_dict() for c in self.columns]}

    def shape(self) -> tuple:
        """What cannot change without recreating the table."""
        return (self.kind, self.partition_key, self.partition_of, self.partition_bound)

    def create_sql(self) -> str:
        unlogged = "UNLOGGED " if self.persistence == "u" else ""
        head = f"CREATE {unlogged}TABLE {ident(self.name)}"
        if self.partition_of:
            sql = f"{head} PARTITION OF {self.partition_of} {self.partition_bound}"
        else:
            cols = [c.definition() for c in self.columns if c.local or not c.inherited]
            body = ",\n    ".join(cols)
            sql = f"{head} (\n    {body}\n)" if cols else f"{head} ()"
            if self.inherits:
                sql += f" INHERITS ({', '.join(self.inherits)})"
        if self.partition_key:
            sql += f" PARTITION BY {self.partition_key}"
        if self.options:
            sql += f" WITH ({', '.join(self.options)})"
        columns = [s for c in self.columns if c.local for s in c.option_sql(Column(c.table, c.name, c.type))]
        return sql + ";" + "".join(f"\n{s}" for s in self.flag_sql(Table(self.name)) + columns)

    def drop_sql(self) -> str:
        return f"DROP TABLE {ident(self.name)};"

    def flag_sql(self, old: Table) -> list[str]:
        """ALTER TABLE statements for what changes in place (logging, RLS, options)."""
        name, out = ident(self.name), []
        if self.persistence != old.persistence:
            out.append(f"ALTER TABLE {name} SET {'UNLOGGED' if self.persistence == 'u' else 'LOGGED'};")
        if self.rls_enabled != old.rls_enabled:
            out.append(f"ALTER TABLE {name} {'ENABLE' if self.rls_enabled else 'DISABLE'} ROW LEVEL SECURITY;")
        if self.rls_forced != old.rls_forced:
            out.append(f"ALTER TABLE {name} {'' if self.rls_forced else 'NO '}FORCE ROW LEVEL SECURITY;")
        if self.options != old.options and old.options:
            keys = [o.split("=", 1)[0] for o in old.options]
            out.append(f"ALTER TABLE {name} RESET ({', '.join(keys)});")
        if self.options != old.options and self.options:
            out.append(f"ALTER TABLE {name} SET ({', '.join(self.options)});")
        return out

    def index_sql(self, old: Table) -> list[str]:
        """ALTER TABLE statements naming one of the table's indexes (run once it exists)."""
        name, out = ident(self.name), []
        if self.replica_identity != old.replica_identity:
            how = {"d": "DEFAULT", "n": "NOTHING", "f": "FULL"}.get(self.replica_identity)
            out.append(f"ALTER TABLE {name} REPLICA IDENTITY {how or 'USING INDEX ' + ident(self.replica_identity)};")
        if self.cluster_on != old.cluster_on:
            out.append(f"ALTER TABLE {name} CLUSTER ON {ident(self.cluster_on)};" if self.cluster_on
                       else f"ALTER TABLE {name} SET WITHOUT CLUSTER;")
        return out

    def index_names(self) -> list[str]:
        return [n for n in (self.cluster_on, self.replica_identity) if n and n not in ("d", "n", "f")]


@dataclass
class Constraint(Obj):
    table: str
    name: str
    type: str
    definition: str
    object_type = "CONSTRAINT"

    def create_sql(self) -> str:
        return f"ALTER TABLE {ident(self.table)} ADD CONSTRAINT {ident(self.name)} {self.definition};"

    def drop_sql(self) -> str:
        return f"ALTER TABLE {ident(self.table)} DROP CONSTRAINT {ident(self.name)};"


@dataclass
class Index(Obj):
    table: str
    name: str
    definition: str
    table_type: str = "TABLE"
    identity_id: int | None = field(default=None, compare=False)  # see identities.py
    object_type = "INDEX"

    def create_sql(self) -> str:
        return self.definition + ";"

    def drop_sql(self) -> str:
        return f"DROP INDEX {ident(self.name)};"


@dataclass
class Sequence(Obj):
    name: str
    data_type: str = "bigint"
    start: str = "1"
    increment: str = "1"
    minvalue: str = "1"
    maxvalue: str = "9223372036854775807"
    cache: str = "1"
    cycle: bool = False
    owned_by_table: str | None = None
    owned_by_column: str | None = None
    owner: str | None = None  # compared; a change of owner alone is an ALTER ... OWNER TO
    identity_id: int | None = field(default=None, compare=False)  # see identities.py
    object_type = "SEQUENCE"

    def options_sql(self) -> str:
        cycle = "CYCLE" if self.cycle else "NO CYCLE"
        return (f"AS {self.data_type} INCREMENT BY {self.increment} MINVALUE {self.minvalue}"
                f" MAXVALUE {self.maxvalue} START WITH {self.start} CACHE {self.cache} {cycle}")

    def create_sql(self) -> str:
        return f"CREATE SEQUENCE {ident(self.name)} {self.options_sql()};"

    def alter_sql(self) -> str:
        return f"ALTER SEQUENCE {ident(self.name)} {self.options_sql()};"

    def owner_sql(self) -> str:
        owner = "NONE"
        if self.owned_by_table:
            owner = f"{ident(self.owned_by_table)}.{ident(self.owned_by_column)}"
        return f"ALTER SEQUENCE {ident(self.name)} OWNED BY {owner};"

    def drop_sql(self) -> str:
        return f"DROP SEQUENCE {ident(self.name)};"


@dataclass
class View(Obj):
    name: str
    definition: str
    materialized: bool = False
    options: list[str] = field(default_factory=list)
    owner: str | None = None  # compared; a change of owner alone is an ALTER ... OWNER TO
    identity_id: int | None = field(default=None, compare=False)  # see identities.py

    @property
    def object_type(self) -> str:
        return "MATERIALIZED VIEW" if self.materialized else "VIEW"

    def create_sql(self) -> str:
        options = f" WITH ({', '.join(self.options)})" if self.options else ""
        body = self.definition.strip().rstrip(";")
        return f"CREATE {self.object_type} {ident(self.name)}{options} AS\n{body};"

    def drop_sql(self) -> str:
        return f"DROP {self.object_type} {ident(self.name)};"


@dataclass
class Function(Obj):
    name: str
    signature: str
    definition: str
    arguments: str = ""
    result: str | None = None
    is_procedure: bool = False
    aggregate: bool = False
    owner: str | None = None  # compared; a change of owner alone is an ALTER ... OWNER TO

    @property
    def object_type(self) -> str:
        return "PROCEDURE" if self.is_procedure else "AGGREGATE" if self.aggregate else "FUNCTION"

    @property
    def object_name(self) -> str:
        return self.signature

    def replaceable_by(self, new: Function) -> bool:
        """CREATE OR REPLACE can turn self into new (same arguments and result)."""
        return not self.aggregate and (self.arguments, self.result, self.is_procedure, new.aggregate) == (
            new.arguments, new.result, new.is_procedure, False)

    def create_sql(self) -> str:
        return self.definition.strip() + ";"

    def drop_sql(self) -> str:
        return f"DROP {self.object_type} {self.signature};"


@dataclass
class Trigger(Obj):
    table: str
    name: str
    definition: str
    enabled: str = "O"
    table_type: str = "TABLE"
    object_type = "TRIGGER"

    def create_sql(self) -> str:
        sql = self.definition.strip().rstrip(";") + ";"
        state = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}.get(self.enabled)
        if state:
            sql += f"\nALTER TABLE {ident(self.table)} {state} {self.object_type} {ident(self.name)};"
        return sql

    def drop_sql(self) -> str:
        return f"DROP {self.object_type} {ident(self.name)} ON {ident(self.table)};"


@dataclass
class Type(Obj):
    """An enum ('e'), composite ('c') or domain ('d') type."""

    name: str
    kind: str
    labels: list[str] = field(default_factory=list)
    attributes: list[list[str]] = field(default_factory=list)
    base_type: str | None = None
    not_null: bool = False
    default: str | None = None
    constraints: list[list[str]] = field(default_factory=list)
    owner: str | None = None  # compared; a change of owner alone is an ALTER ... OWNER TO

    @property
    def object_type(self) -> str:
        return "DOMAIN" if self.kind == "d" else "TYPE"

    def create_sql(self) -> str:
        name = ident(self.name)
        if self.kind == "e":
            return f"CREATE TYPE {name} AS ENUM ({', '.join(literal(v) for v in self.labels)});"
        if self.kind == "c":
            attrs = ", ".join(f"{ident(a)} {t}" for a, t in self.attributes)
            return f"CREATE TYPE {name} AS ({attrs});"
        sql = f"CREATE DOMAIN {name} AS {self.base_type}"
        if self.default is not None:
            sql += f" DEFAULT {self.default}"
        if self.not_null:
            sql += " NOT NULL"
        for cname, definition in self.constraints:
            sql += f" CONSTRAINT {ident(cname)} {definition}"
        return sql + ";"

    def drop_sql(self) -> str:
        return f"DROP {self.object_type} {ident(self.name)};"

    def alter_sql(self, old: Type) -> list[str] | None:
        """Statements changing old into self in place, or None if it must be recreated."""
        if self.kind == "e" and old.kind == "e":
            return self._enum_alter(old)
        if self.kind == "d" and old.kind == "d" and self.base_type == old.base_type:
            return self._domain_alter(old)
        return None

    def _enum_alter(self, old: Type) -> list[str] | None:
        it = iter(self.labels)
        if not all(label in it for label in old.labels):
            return None  # a value was removed or reordered
        out, name = [], ident(self.name)
        for i, label in enumerate(self.labels):
            if label not in old.labels:
                where = f" AFTER {literal(self.labels[i - 1])}" if i else (
                    f" BEFORE {literal(old.labels[0])}" if old.labels else "")
                out.append(f"ALTER TYPE {name} ADD VALUE {literal(label)}{where};")
        return out

    def _domain_alter(self, old: Type) -> list[str]:
        out, name = [], f"ALTER DOMAIN {ident(self.name)}"
        if self.default != old.default:
            out.append(f"{name} DROP DEFAULT;" if self.default is None
                       else f"{name} SET DEFAULT {self.default};")
        if self.not_null != old.not_null:
            out.append(f"{name} {'SET' if self.not_null else 'DROP'} NOT NULL;")
        for c in old.constraints:
            if c not in self.constraints:
                out.append(f"{name} DROP CONSTRAINT {ident(c[0])};")
        for c in self.constraints:
            if c not in old.constraints:
                out.append(f"{name} ADD CONSTRAINT {ident(c[0])} {c[1]};")
        return out


@dataclass
class Policy(Obj):
    table: str
    name: str
    permissive: bool = True
    command: str = "*"
    roles: list[str] = field(default_factory=list)
    using_expr: str | None = None
    check_expr: str | None = None
    object_type = "POLICY"

    def create_sql(self) -> str:
        command = {"r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}.get(self.command, "ALL")
        roles = ", ".join(r if r == "public" else ident(r) for r in self.roles) or "public"
        sql = (f"CREATE POLICY {ident(self.name)} ON {ident(self.table)}"
               f" AS {'PERMISSIVE' if self.permissive else 'RESTRICTIVE'} FOR {command} TO {roles}")
        if self.using_expr is not None:
            sql += f" USING ({self.using_expr})"
        if self.check_expr is not None:
            sql += f" WITH CHECK ({self.check_expr})"
        return sql + ";"

    def drop_sql(self) -> str:
        return f"DROP POLICY {ident(self.name)} ON {ident(self.table)};"


@dataclass
class Rule(Trigger):
    """A rewrite rule: made, switched and dropped the way a trigger is."""

    object_type = "RULE"


@dataclass
class Statistic(Obj):
    """An extended statistics object (CREATE STATISTICS), living with its table."""

    name: str
    on_table: str
    definition: str
    target: int = -1
    owner: str | None = None  # compared; a change of owner alone is an ALTER ... OWNER TO
    object_type = "STATISTICS"

    @property
    def parent(self) -> str:
        return f"TABLE {self.on_table}"

    def create_sql(self) -> str:
        sql = self.definition + ";"
        if self.target != -1:
            sql += f"\nALTER STATISTICS {ident(self.name)} SET STATISTICS {self.target};"
        return sql

    def drop_sql(self) -> str:
        return f"DROP STATISTICS {ident(self.name)};"


@dataclass
class DefaultPrivilege(Obj):
    """ALTER DEFAULT PRIVILEGES FOR ROLE ... IN SCHEMA (the schema itself, bound when run)."""

    role: str
    object_kind: str  # r (tables), S (sequences), f (functions), T (types)
    privilege: str
    grantee: str
    grantable: bool = False
    object_type = "DEFAULT PRIVILEGE"

    @property
    def object_name(self) -> str:
        return f"{self.role}:{_DEFAULT_KINDS[self.object_kind]}:{self.privilege}:{self.grantee}"

    def _head(self) -> str:
        return f"ALTER DEFAULT PRIVILEGES FOR ROLE {ident(self.role)} IN SCHEMA {SELF_SCHEMA}"

    def create_sql(self) -> str:
        option = " WITH GRANT OPTION" if self.grantable else ""
        return (f"{self._head()} GRANT {self.privilege} ON {_DEFAULT_KINDS[self.object_kind]}"
                f" TO {grantee_sql(self.grantee)}{option};")

    def drop_sql(self) -> str:
        return f"{self._head()} REVOKE {self.privilege} ON {_DEFAULT_KINDS[self.object_kind]} FROM {grantee_sql(self.grantee)};"


_DEFAULT_KINDS = {"r": "TABLES", "S": "SEQUENCES", "f": "FUNCTIONS", "T": "TYPES", "n": "SCHEMAS"}


@dataclass
class Comment(Obj):
    target_type: str
    target_table: str | None
    target_name: str
    text: str
    object_type = "COMMENT"

    @property
    def object_name(self) -> str:
        return _key(self.target_type, self.target_table, self.target_name)

    @property
    def parent(self) -> str:
        return self.object_name

    def _on(self) -> str:
        return "COMMENT ON " + target_sql(self.target_type, self.target_table, self.target_name)

    def create_sql(self) -> str:
        return f"{self._on()} IS {literal(self.text)};"

    def drop_sql(self) -> str:
        return f"{self._on()} IS NULL;"


@dataclass
class Privilege(Obj):
    target_type: str
    target_name: str
    column: str | None
    privilege: str
    grantee: str
    grantable: bool = False
    object_type = "PRIVILEGE"

    @property
    def object_name(self) -> str:
        col = f".{self.column}" if self.column else ""
        return f"{self.target_name}{col}:{self.privilege}:{self.grantee}"

    @property
    def parent(self) -> str:
        if self.column:
            return _key("COLUMN", self.target_name, self.column)
        return _key(self.target_type, None, self.target_name)

    def _parts(self) -> tuple[str, str]:
        kind = self.target_type
        if kind in ROUTINES:
            on = f"{'FUNCTION' if kind == 'AGGREGATE' else kind} {self.target_name}"
        else:
            kind = "TABLE" if kind in ("VIEW", "MATERIALIZED VIEW", "COLUMN") else kind
            on = f"{kind} {ident(self.target_name)}"
        grantee = grantee_sql(self.grantee)
        col = f" ({ident(self.column)})" if self.column else ""
        return f"{self.privilege}{col} ON {on}", grantee

    def create_sql(self) -> str:
        what, grantee = self._parts()
        option = " WITH GRANT OPTION" if self.grantable else ""
        return f"GRANT {what} TO {grantee}{option};"

    def drop_sql(self) -> str:
        what, grantee = self._parts()
        return f"REVOKE {what} FROM {grantee};"


KINDS = {
    "tables": Table, "constraints": Constraint, "indexes": Index, "sequences": Sequence,
    "views": View, "functions": Function, "triggers": Trigger, "types": Type,
    "policies": Policy, "rules": Rule, "statistics": Statistic, "comments": Comment,
    "privileges": Privilege, "default_privileges": DefaultPrivilege,
}


@dataclass
class Schema:
    """Everything of one schema, each kind a dict keyed by object key."""

    tables: dict = field(default_factory=dict)
    constraints: dict = field(default_factory=dict)
    indexes: dict = field(default_factory=dict)
    sequences: dict = field(default_factory=dict)
    views: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)
    triggers: dict = field(default_factory=dict)
    types: dict = field(default_factory=dict)
    policies: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)
    statistics: dict = field(default_factory=dict)
    comments: dict = field(default_factory=dict)
    privileges: dict = field(default_factory=dict)
    default_privileges: dict = field(default_factory=dict)
    deps: dict = field(default_factory=dict, compare=False)
    rows: dict = field(default_factory=dict, compare=False)  # rows that travel with it: data.py

    @classmethod
    def of(cls, objects: list[Obj], deps: dict | None = None) -> Schema:
        schema = cls(deps=deps or {})
        kind_of = {v: k for k, v in KINDS.items()}
        for obj in objects:
            getattr(schema, kind_of[type(obj)])[obj.key] = obj
        return schema

    def copy(self) -> Schema:
        """A copy whose dicts are its own (the objects are shared: none is changed in place)."""
        out = Schema(deps=dict(self.deps), rows=dict(self.rows))
        for kind in KINDS:
            setattr(out, kind, dict(getattr(self, kind)))
        return out

    def columns(self) -> dict:
        return {c.key: c for t in self.tables.values() for c in t.columns}

    def objects(self) -> dict:
        """Every object (columns included) by key."""
        out = self.columns()
        for kind in KINDS:
            out.update(getattr(self, kind))
        return out

    def without(self, keys: set[str]) -> Schema:
        """A copy without these objects and what lives in them (their comments)."""
        out = Schema(deps=self.deps)
        for kind in KINDS:
            setattr(out, kind, {k: o for k, o in getattr(self, kind).items()
                                if k not in keys and o.parent not in keys})
        return out

    def to_json(self) -> str:
        data = {kind: [o.to_dict() for _, o in sorted(getattr(self, kind).items())] for kind in KINDS}
        data["deps"] = {k: sorted(v) for k, v in sorted(self.deps.items())}
        if self.rows:
            data["rows"] = self.rows
        # compact: json's C encoder (an indent falls back to the Python one, 10x slower)
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Schema:
        data = json.loads(text)
        objects = []
        for kind, klass in KINDS.items():
            for item in data.get(kind, []):
                if klass is Table:
                    item["columns"] = [Column(**c) for c in item["columns"]]
                objects.append(klass(**item))
        schema = cls.of(objects, {k: list(v) for k, v in data.get("deps", {}).items()})
        schema.rows = data.get("rows", {})
        return schema
