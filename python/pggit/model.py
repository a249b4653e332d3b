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
import json
from dataclasses import dataclass, field

from .quoting import ident, literal


def target_sql(object_type: str, table: str | None, name: str) -> str:
    """How COMMENT ON names an object."""
    if object_type in ("FUNCTION", "PROCEDURE"):
        return f"{object_type} {name}"
    if object_type == "COLUMN":
        return f"COLUMN {ident(table)}.{ident(name)}"
    if object_type in ("CONSTRAINT", "TRIGGER", "POLICY"):
        return f"{object_type} {ident(name)} ON {ident(table)}"
    return f"{object_type} {ident(name)}"


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
        return dataclasses.asdict(self)


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
        return sql

    def create_sql(self) -> str:
        return f"ALTER TABLE {ident(self.table)} ADD COLUMN {self.definition()};"

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
            out.append(f"{alter} ADD GENERATED {_IDENTITY[self.identity]} AS IDENTITY;")
        elif self.identity != old.identity and self.identity:
            out.append(f"{alter} SET GENERATED {_IDENTITY[self.identity]};")
        return out

    def drop_sql(self) -> str:
        return f"ALTER TABLE {ident(self.table)} DROP COLUMN {ident(self.name)};"


_IDENTITY = {"a": "ALWAYS", "d": "BY DEFAULT"}
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
    object_type = "TABLE"

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
        return sql + ";" + "".join(f"\n{s}" for s in self.flag_sql(Table(self.name)))

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

    @property
    def object_type(self) -> str:
        return "PROCEDURE" if self.is_procedure else "FUNCTION"

    @property
    def object_name(self) -> str:
        return self.signature

    def replaceable_by(self, new: Function) -> bool:
        """CREATE OR REPLACE can turn self into new (same arguments and result)."""
        return (self.arguments, self.result, self.is_procedure) == (
            new.arguments, new.result, new.is_procedure)

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
        sql = self.definition + ";"
        state = {"D": "DISABLE", "R": "ENABLE REPLICA", "A": "ENABLE ALWAYS"}.get(self.enabled)
        if state:
            sql += f"\nALTER TABLE {ident(self.table)} {state} TRIGGER {ident(self.name)};"
        return sql

    def drop_sql(self) -> str:
        return f"DROP TRIGGER {ident(self.name)} ON {ident(self.table)};"


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
        if kind in ("FUNCTION", "PROCEDURE"):
            on = f"{kind} {self.target_name}"
        else:
            kind = "TABLE" if kind in ("VIEW", "MATERIALIZED VIEW", "COLUMN") else kind
            on = f"{kind} {ident(self.target_name)}"
        grantee = "PUBLIC" if self.grantee == "PUBLIC" else ident(self.grantee)
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
    "policies": Policy, "comments": Comment, "privileges": Privilege,
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
    comments: dict = field(default_factory=dict)
    privileges: dict = field(default_factory=dict)
    deps: dict = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, objects: list[Obj], deps: dict | None = None) -> Schema:
        schema = cls(deps=deps or {})
        kind_of = {v: k for k, v in KINDS.items()}
        for obj in objects:
            getattr(schema, kind_of[type(obj)])[obj.key] = obj
        return schema

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
        return json.dumps(data, sort_keys=True, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Schema:
        data = json.loads(text)
        objects = []
        for kind, klass in KINDS.items():
            for item in data.get(kind, []):
                if klass is Table:
                    item["columns"] = [Column(**c) for c in item["columns"]]
                objects.append(klass(**item))
        return cls.of(objects, {k: list(v) for k, v in data.get("deps", {}).items()})
