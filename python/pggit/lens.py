"""The lens: opt-in views that route each session to its branch by pggit.current_branch.

Sessions normally reach a branch through search_path (switch_branch, connection_options):
real tables, every PostgreSQL semantic, full speed. The lens is for sessions that can only
set a GUC: with `pggit_lens` first on search_path, `SET pggit.current_branch = 'x'` routes
every tracked table to branch x. `pggit.enable_lens()` builds it and keeps it current;
`pggit.disable_lens()` removes it. While it is off, `regenerate` does nothing.

For every table of branch main (the tracked schema, `public`), `regenerate(db)` keeps:

- `pggit_routes.<table>()`, a `LANGUAGE sql STABLE` function with a *string* body: one
  `UNION ALL` arm per branch that has the table, gated by
  `WHERE pggit.current_branch() = '<branch>'`, and one last arm that raises when no arm
  matches (an unknown branch, or a branch without the table). It meets PostgreSQL's
  conditions for inlining a set-returning SQL function (one SELECT, not volatile, not
  STRICT, not SECURITY DEFINER, no SET clause, no arguments), so the planner replaces the
  call by its body, pushes `WHERE id = $1` into every arm and uses each branch's indexes.
  A string body records no dependency, so DDL on a branch table is never blocked by the lens.
- `pggit_lens.<table>`, a view `SELECT * FROM pggit_routes.<table>()`: main's columns.
- one INSTEAD OF INSERT OR UPDATE OR DELETE trigger on the view, whose plpgsql function
  holds static SQL per branch (`IF branch = ... ELSIF ...`; plpgsql records no
  dependency either) and returns the row actually written, so RETURNING works. UPDATE and
  DELETE only touch a row that is still as the statement read it: a row another
  transaction changed since raises 40001 (a serialization failure, to retry), never a
  lost update.
- view column defaults that dispatch on the branch (see `_default_function`).

What a view cannot do, the lens cannot: INSERT ... ON CONFLICT, TRUNCATE, and row locks
(FOR UPDATE) need the real table, reached through search_path.

Regeneration compares what it wants with what exists and only executes the difference,
so running it twice executes nothing the second time, and it never drops a view whose
columns did not change. Because routing bodies are not checked by PostgreSQL until they
run, regeneration must follow every DDL on a tracked table (the event trigger calls it):
until then a dropped branch table or column makes the routing function fail to plan.

`regenerate(db, tables)` does the same for some tables only (the event trigger passes
the tables a DDL statement touched): it reads, renders and compares only their routing
objects, so its cost does not grow with the number of tables. Which routing functions
belong to a table is known without parsing names: the route function has the table's
name, the writer's name is computed from it (`_writer_name`), and whatever else the
view `pggit_lens.<table>` uses (its rule, column defaults and trigger) is found through
pg_depend/pg_trigger (catalog/routing_functions.sql). So a table that left main still
has all its routing objects dropped, whichever columns it had. (A rename is reported
under the new name only; the event trigger adds the old one from pggit.versioned_objects.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog, quoting
from .errors import OBJECT_NOT_IN_PREREQUISITE_STATE, PggitError

MAIN_SCHEMA = catalog.TRACKED_SCHEMA  # main's tables
LENS_SCHEMA = "pggit_lens"  # the views
ROUTES_SCHEMA = "pggit_routes"  # the functions behind them
TRIGGER_NAME = "pggit_write"

_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

_env = None


def _templates():
    """The templates' jinja2 environment, made (and jinja2 imported: a tenth of init's
    time at 1,000 tables) the first time a session renders one."""
    import jinja2

    global _env
    if _env is None:
        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
        )
        _env.filters["ident"] = quoting.ident
        _env.filters["literal"] = quoting.literal
    return _env


# Rendered text by (template, repr of its context): a table whose arms did not change
# since the last regeneration in this session is not rendered again. The key is the
# whole input (dataclass reprs show every field), so a hit is always right.
_rendered: dict[tuple[str, str], str] = {}
_RENDERED_MAX = 20_000


def _render(template: str, **context) -> str:
    key = (template, repr(sorted(context.items())))
    text = _rendered.get(key)
    if text is None:
        text = _templates().get_template(template).render(**context).strip()
        if len(_rendered) >= _RENDERED_MAX:
            _rendered.clear()
        _rendered[key] = text
    return text


def _query(name: str) -> str:
    """Routing's catalog queries live with the others, as catalog/routing_<name>.sql.

    They run with search_path = pg_catalog, so format_type and pg_get_expr qualify
    every name outside pg_catalog.
    """
    return catalog.sql(f"routing_{name}")


# --- what the catalog says ------------------------------------------------------------


@dataclass
class Column:
    name: str
    type_oid: int
    type_sql: str
    full_type_sql: str  # with its typmod: numeric(4,2), varchar(20)
    default_sql: str | None
    identity: str  # '' | 'a' (always) | 'd' (by default)
    generated: str  # '' | 's' (stored)
    pk_position: int | None
    cast_to_main: bool
    cast_from_main: bool


@dataclass
class Table:
    branch: str
    schema: str
    name: str
    has_pk: bool = False
    columns: dict[str, Column] = field(default_factory=dict)  # in attnum order

    @property
    def key(self) -> list[str]:
        pk = [c for c in self.columns.values() if c.pk_position is not None]
        return [c.name for c in sorted(pk, key=lambda c: c.pk_position)]


def _read_tables(db, names: str | None) -> tuple[list[tuple[str, str]], dict[str, dict[str, Table]]]:
    """Branches [(name, schema)] with main first, and {table: {branch: Table}} for main's
    tables named in `names` (a text[] literal; None: all of them)."""
    branches = [(r["name"], r["schema_name"]) for r in db.query(_query("branches"), (MAIN_SCHEMA,))]
    tables: dict[str, dict[str, Table]] = {}
    for r in db.query(_query("columns"), (MAIN_SCHEMA, names)):
        per_branch = tables.setdefault(r["table_name"], {})
        table = per_branch.get(r["branch"])
        if table is None:
            table = per_branch[r["branch"]] = Table(r["branch"], r["schema_name"], r["table_name"])
        table.has_pk = bool(r["has_pk"])
        table.columns[r["column_name"]] = Column(
            name=r["column_name"],
            type_oid=int(r["type_oid"]),
            type_sql=r["type_sql"],
            full_type_sql=r["full_type_sql"],
            default_sql=r["default_sql"],
            identity=r["identity"],
            generated=r["generated"],
            pk_position=r["pk_position"],
            cast_to_main=bool(r["cast_to_main"]),
            cast_from_main=bool(r["cast_from_main"]),
        )
    return branches, tables


# --- what routing wants -----------------------------------------------------------------


def _cast(source: Column, target: Column, direct: bool) -> str:
    """How a value of `source`'s type becomes `target`'s: '' (same type), 'direct'
    (a cast exists) or 'text' (through text I/O: enums and other types that exist once
    per branch schema, or any pair without a cast)."""
    if source.type_oid == target.type_oid:
        return ""
    return "direct" if direct else "text"


@dataclass
class ArmColumn:
    """One of main's columns as one branch provides it."""

    name: str  # main's column name (the view's)
    main_type: str
    branch_type: str | None  # None: the branch lacks the column (read as NULL)
    read_cast: str  # branch → main
    write_cast: str  # main → branch
    writable: bool  # the branch column takes values (not generated)
    identity_always: bool


@dataclass
class Arm:
    branch: str
    schema: str
    columns: list[ArmColumn]
    key: list[ArmColumn] | None  # the branch's primary key, when all of it is in the view
    key_problem: str | None  # why UPDATE/DELETE are refused on this branch

    @property
    def insert_columns(self) -> list[ArmColumn]:
        return [c for c in self.columns if c.branch_type is not None and c.writable]

    @property
    def overriding(self) -> bool:
        return any(c.identity_always for c in self.insert_columns)


@dataclass
class Function:
    name: str
    result: str  # as pg_get_function_result prints it
    body: str
    sql: str  # CREATE OR REPLACE FUNCTION ...


def _short(name: str, limit: int) -> str:
    """`name` cut to at most `limit` UTF-8 bytes, on a character boundary."""
    return name.encode()[:limit].decode(errors="ignore")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:8]


def _writer_name(table: str) -> str:
    return f"{_short(table, 40)}__write_{_digest(table)}"


def _default_name(table: str, column: str) -> str:
    return f"{_short(table, 20)}__{_short(column, 20)}__default_{_digest(table, column)}"


def _arms(branches, per_branch: dict[str, Table]) -> list[Arm]:
    main = per_branch[branches[0][0]]
    arms = []
    for branch, schema in branches:
        table = per_branch.get(branch)
        if table is None:
            continue
        columns = []
        for mc in main.columns.values():
            bc = table.columns.get(mc.name)
            columns.append(ArmColumn(
                name=mc.name,
                main_type=mc.type_sql,
                branch_type=bc.type_sql if bc else None,
                read_cast=_cast(bc, mc, bc.cast_to_main) if bc else "",
                write_cast=_cast(mc, bc, bc.cast_from_main) if bc else "",
                writable=bool(bc) and bc.generated == "",
                identity_always=bool(bc) and bc.identity == "a",
            ))
        by_name = {c.name: c for c in columns if c.branch_type is not None}
        key, problem = None, None
        if not table.has_pk:
            problem = "has no primary key"
        elif not all(k in by_name for k in table.key):
            problem = "has a primary key on columns that branch main lacks"
        else:
            key = [by_name[k] for k in table.key]
        arms.append(Arm(branch, schema, columns, key, problem))
    return arms


def _route_function(table: str, main: Table, arms: list[Arm]) -> Function:
    body = _render("routing_function.sql.j2", table=table, arms=arms, columns=list(main.columns.values()))
    columns = ", ".join(f"{quoting.ident(c.name)} {c.type_sql}" for c in main.columns.values())
    result = f"TABLE({columns})"
    sql = _render("routing_create_function.sql.j2", schema=ROUTES_SCHEMA, name=table,
                  returns=result, language="sql", volatility="STABLE", body=body,
                  search_path=None,
                  comment=f"pggit: routes {table} to the session's branch (generated)")
    return Function(table, result, body, sql)


def _writer_function(table: str, arms: list[Arm]) -> Function:
    name = _writer_name(table)
    body = _render("routing_trigger.sql.j2", table=table, arms=arms)
    sql = _render("routing_create_function.sql.j2", schema=ROUTES_SCHEMA, name=name,
                  returns="trigger", language="plpgsql", volatility="VOLATILE", body=body,
                  search_path="pg_catalog, pg_temp",
                  comment=f"pggit: writes through {LENS_SCHEMA}.{table} to the session's branch (generated)")
    return Function(name, "trigger", body, sql)


def _default_function(table: str, column: Column, per_branch: dict[str, Table],
                      arms: list[Arm]) -> Function | None:
    """A view column's default: the default of the session's branch's own column.

    An INSTEAD OF trigger cannot tell an omitted column from an explicit NULL: NEW holds
    NULL for both. The rewriter, though, fills omitted columns of a view with the view's
    column defaults before the trigger runs. So the view column gets a default, and it
    must be the *branch's* default (a branch never shares main's sequences): a function
    that picks the branch's default expression by `pggit.current_branch()`. Explicit
    NULLs stay NULL; `DEFAULT` in INSERT and UPDATE works. Only the chosen arm of the CASE
    is evaluated, so no other branch's sequence advances. Its string body records no
    dependency on the branches' sequences. None when no branch has a default for it.
    """
    choices = []
    for arm in arms:
        bc = per_branch[arm.branch].columns.get(column.name)
        if bc is not None and bc.default_sql is not None:
            cast = _cast(bc, column, bc.cast_to_main)
            choices.append((arm.branch, bc.default_sql, cast))
    if not choices:
        return None
    name = _default_name(table, column.name)
    body = _render("routing_default.sql.j2", choices=choices, type_sql=column.type_sql)
    sql = _render("routing_create_function.sql.j2", schema=ROUTES_SCHEMA, name=name,
                  returns=column.type_sql, language="sql", volatility="VOLATILE", body=body,
                  search_path="pg_catalog, pg_temp",
                  comment=f"pggit: the default of {table}.{column.name} on the session's branch (generated)")
    return Function(name, column.type_sql, body, sql)


# --- regeneration -------------------------------------------------------------------


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def enabled(db) -> bool:
    rows = db.query("SELECT lens FROM pggit.repository")
    return bool(rows and rows[0]["lens"])


def enable(db) -> str:
    """pggit.enable_lens(): build the lens and keep it current from now on."""
    db.as_owner("UPDATE pggit.repository SET lens = true")
    regenerate(db)
    n = db.query("SELECT count(*) AS n FROM pg_class WHERE relnamespace = $1::regnamespace",
                 (LENS_SCHEMA,))[0]["n"]
    return (f"pggit: lens on; {n} view(s) in {LENS_SCHEMA}. A session with {LENS_SCHEMA} first on "
            f"search_path reaches the branch named by pggit.current_branch")


def disable(db) -> str:
    """pggit.disable_lens(): drop every lens view and routing function."""
    db.as_owner("UPDATE pggit.repository SET lens = false")
    drops = db.query(
        "SELECT format('DROP VIEW IF EXISTS %I.%I CASCADE', $1::text, c.relname) AS statement "
        "  FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'v' "
        "UNION ALL "
        "SELECT format('DROP FUNCTION IF EXISTS %I.%I(%s) CASCADE', $2::text, p.proname, "
        "              pg_catalog.pg_get_function_identity_arguments(p.oid)) "
        "  FROM pg_proc p WHERE p.pronamespace = $2::regnamespace", (LENS_SCHEMA, ROUTES_SCHEMA))
    if drops:
        db.as_owner(";\n".join(row["statement"] for row in drops))
    return "pggit: lens off; its views and functions are dropped"


def regenerate(db, tables=None) -> None:
    """Make the lens match the branches and main's tables (see module doc); nothing while it is off.

    `tables`: None for every table (and every routing object); else a collection of
    table names, and only their routing objects are read, compared and made again,
    including dropping those of a name that is no longer one of main's tables.
    """
    if tables is not None:
        tables = sorted(set(tables))
        if not tables:
            return
    if not enabled(db):
        return
    # Generic plans for the catalog queries: they are written so that any plan finds the
    # tables by name, and a custom plan would cost more to make than to run.
    with db.local_settings(search_path="pg_catalog, pg_temp", plan_cache_mode="force_generic_plan"):
        _regenerate(db, tables)


def _regenerate(db, scope: list[str] | None) -> None:
    # One regeneration at a time (in the server: until the end of the transaction).
    db.query("SELECT pg_advisory_xact_lock(hashtext('pggit routing'))")
    names = quoting.text_array(scope)
    branches, tables = _read_tables(db, names)
    main_branch = branches[0][0] if branches and branches[0][1] == MAIN_SCHEMA else None
    relations = {r["name"]: r for r in db.query(_query("relations"), (LENS_SCHEMA, ROUTES_SCHEMA, names))}

    # What we want, table by table.
    want_functions: dict[str, Function] = {}
    want_views: dict[str, dict] = {}
    for table in sorted(tables):
        per_branch = tables[table]
        main = per_branch.get(main_branch)
        if main is None or not main.columns:
            continue  # a table without columns cannot be a function's result
        rel = relations.get(table)
        if rel is not None and not rel["routed"]:
            raise PggitError(
                f"{LENS_SCHEMA}.{table} exists and is not a routing view, so branch main's "
                f"table {table} cannot be routed",
                hint=f"rename or drop {LENS_SCHEMA}.{table}, then run pggit._regenerate_lens()",
                sqlstate=OBJECT_NOT_IN_PREREQUISITE_STATE)
        arms = _arms(branches, per_branch)
        route = _route_function(table, main, arms)
        writer = _writer_function(table, arms)
        defaults = {}
        for column in main.columns.values():
            fn = _default_function(table, column, per_branch, arms)
            if fn is not None:
                want_functions[fn.name] = fn
                defaults[column.name] = f"{quoting.ident(ROUTES_SCHEMA)}.{quoting.ident(fn.name)}()"
        want_functions[route.name] = route
        want_functions[writer.name] = writer
        want_views[table] = {"route": route, "writer": writer, "defaults": defaults,
                             "columns": [(c.name, c.full_type_sql, c.full_type_sql != c.type_sql)
                                         for c in main.columns.values()]}

    # The functions as they are: all, or those of the tables in scope (see the query).
    function_names = None if scope is None else quoting.text_array(
        sorted(set(want_functions) | set(scope) | {_writer_name(t) for t in scope}))
    functions = {r["name"]: r for r in db.query(
        _query("functions"), (ROUTES_SCHEMA, function_names, LENS_SCHEMA, names))}

    def changed(fn: Function) -> bool:  # exists with another result type: drop, create
        have = functions.get(fn.name)
        return have is not None and (have["args"] != "" or not _same(have["result"], fn.result))

    statements: list[str] = []
    # 1. Views that go: their table left main, or their columns change.
    for name, rel in sorted(relations.items()):
        if rel["routed"] and (name not in want_views or changed(want_views[name]["route"])
                              or rel["column_types"] != [t for _, t, _ in want_views[name]["columns"]]):
            statements.append(f"DROP VIEW {quoting.qualified(LENS_SCHEMA, name)}")
            dropped = relations.pop(name)
            if name in want_views:  # made again: keep who owns it and who may use it
                want_views[name]["owner"] = dropped["owner"]
                want_views[name]["grants"] = [
                    (p.rstrip("+"), g, p.endswith("+"))
                    for g, p in zip(dropped["grantees"], dropped["privileges"])]
    # 2. Defaults that go or change on views that stay (before their functions go).
    for name, want in want_views.items():
        rel = relations.get(name)
        if rel is None:
            continue
        have = dict(zip(rel["default_columns"], rel["default_exprs"]))
        view = quoting.qualified(LENS_SCHEMA, name)
        for column, expr in have.items():
            if column not in want["defaults"]:
                statements.append(f"ALTER VIEW {view} ALTER COLUMN {quoting.ident(column)} DROP DEFAULT")
        want["set_defaults"] = {c: e for c, e in want["defaults"].items() if have.get(c) != e}
    # 3. Functions that go: not wanted, or their result type changes.
    for name, have in sorted(functions.items()):
        fn = want_functions.get(name)
        if fn is None or changed(fn):
            statements.append(
                f"DROP FUNCTION {quoting.qualified(ROUTES_SCHEMA, name)}({have['args']})")
            functions.pop(name)
    # 4. Functions that come or change.
    for name, fn in sorted(want_functions.items()):
        have = functions.get(name)
        if have is None or have["body"] != fn.body:
            statements.append(fn.sql)
    # 5. Views, their defaults and their trigger.
    for name, want in sorted(want_views.items()):
        rel = relations.get(name)
        if rel is None:
            want["set_defaults"] = want["defaults"]
        have_triggers = dict(zip(rel["trigger_names"], rel["trigger_functions"])) if rel else {}
        trigger_ok = have_triggers.get(TRIGGER_NAME) == want["writer"].name
        if rel is not None and trigger_ok and not want["set_defaults"]:
            continue  # nothing to do for this view (owner and grants only come with a drop)
        statements.append(_render(
            "routing_view.sql.j2",
            schema=LENS_SCHEMA, table=name, routes=ROUTES_SCHEMA,
            create=rel is None, columns=want["columns"],
            defaults=want["set_defaults"],
            trigger=TRIGGER_NAME,
            writer=want["writer"].name,
            trigger_ok=trigger_ok,
            trigger_exists=TRIGGER_NAME in have_triggers,
            owner=want.get("owner"),
            grants=want.get("grants", []),
        ))
    script = "\n".join(s.rstrip().rstrip(";") + ";" for s in statements if s.strip())
    if script:
        db.as_owner(script)
    if any(name not in relations for name in want_views):
        # a new view gets the owner of main's table and the privileges others hold on it
        for query in ("branch_owner_statements", "branch_view_grants"):
            rows = db.query(catalog.sql(query), (MAIN_SCHEMA, LENS_SCHEMA))
            if rows:
                db.as_owner(";\n".join(r["statement"] for r in rows))
