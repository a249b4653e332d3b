"""Every catalog query of pggit, one `.sql` file each, and the schema model's reader.

`sql(name)` gives the text of `<name>.sql` beside this file: the model's queries (one
set-based query per object kind), the branch operations' (`branch_*`) and routing's
(`routing_*`). `load_schema` reads one schema from pg_catalog into the model.

The queries run with `search_path = pg_catalog, <schema>, public, pg_temp`: pg_catalog
first, so that nothing in the schema can stand in for a catalog function, operator or
relation; then the schema itself, so that `pg_get_*def`, `format_type` and `::regclass`
leave its own objects unqualified; then the tracked schema, so that extensions' types
and functions there read the same from every branch. The caller's search_path is
restored after.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..model import (Column, Comment, Constraint, DefaultPrivilege, Function, Index, Policy,
                     Privilege, Rule, Schema, Sequence, Statistic, Table, Trigger, Type, View)
from ..quoting import ident, qualified, self_qualified, text_array

_HERE = Path(__file__).resolve().parent
TRACKED_SCHEMA = "public"  # branch main's schema: the one definition of it


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of the query `<name>.sql`."""
    return (_HERE / f"{name}.sql").read_text()


_ADDRESSED = ("depends", "comments")  # the queries over objects.sql's CTEs, run as one: _addressed
# the kinds read whole at every read, partial ones too (few, and cheap): their queries take $1 only
WHOLE_KINDS = ("functions", "types", "statistics", "default_privileges")
# of those, the kinds whose objects live on no relation (a statistics object lives with its
# table, in commits' trees): a partial read may leave them out (load_schema's `whole`)
UNRELATED_KINDS = ("functions", "types", "default_privileges")


@lru_cache(maxsize=None)
def filtered(name: str, partial: bool) -> str:
    """A query that takes relation names ($2, $3: text[]; NULL: all), with the NULL test
    written out: a plan the server caches then never tests it row by row (a generic plan
    would), a full read runs as if the filter were not there, and a partial one as if it
    were the only test (`x = ANY (SELECT unnest(...))` alone becomes a join the planner
    can drive from the names, by index, not a filter over every relation)."""
    text = sql(name)
    if partial:
        text = text.replace("$2::text[] IS NULL OR ", "").replace("$3::text[] IS NULL OR ", "")
    word = "false" if partial else "true"
    return text.replace("$2::text[] IS NULL", word).replace("$3::text[] IS NULL", word)


@lru_cache(maxsize=None)
def _addressed(partial: bool) -> str:
    """comments.sql and depends.sql in one statement, which builds the address book they
    both read (most of their cost) once: each row says which query it belongs to."""
    return (f"WITH {filtered('objects', partial)}"
            "SELECT 'comments' AS query, q.object_type, q.table_name, q.name, q.description,\n"
            "       NULL::text AS key, NULL::text AS ref\n"
            f"  FROM (\n{filtered('comments', partial)}\n) AS q\n"
            "UNION ALL\n"
            "SELECT 'depends', NULL, NULL, NULL, NULL, q.key, q.ref\n"
            f"  FROM (\n{filtered('depends', partial)}\n) AS q")


def load_schema(db, schema: str, relations: list[str] | None = None, whole: bool = True) -> Schema:
    """The model of `schema` as `db` sees it now.

    `relations`: read only these tables, views and sequences (by name) and what belongs
    to them, with every function, type, statistics object and default privilege (few,
    and cheap to read); the dependencies they have are all there. None: everything.
    `whole` False: not the functions, types and default privileges, nor their comments,
    grants and dependencies.
    """
    path = ", ".join(dict.fromkeys(["pg_catalog", ident(schema), TRACKED_SCHEMA, "pg_temp"]))
    # jit off on every path here (event triggers' too, not only the API's): these queries
    # are costed high enough for JIT, whose compiling took longer than running them (1.2 s)
    plans = "force_generic_plan" if relations is not None else "auto"
    with db.local_settings(search_path=path, jit="off", plan_cache_mode=plans):
        unrelated = "true" if whole or relations is None else "false"  # functions' and types' grants, ...
        names = None if relations is None else text_array(sorted(relations))
        rows = {name: db.query(filtered(name, relations is not None), _params(name, schema, names, unrelated))
                for name in _LOADERS if name not in _ADDRESSED and (whole or name not in UNRELATED_KINDS)}
        rows.update({name: [] for name in UNRELATED_KINDS if not whole})
        rows.update({name: [] for name in _ADDRESSED})
        # Hash joins over the address book: it has no index, and a misestimate (a branch
        # new to the planner's statistics) made nested loops over it quadratic in a full
        # read (27 s), and merge joins sorted it (50 ms of 200 at 1,000 tables; in a
        # partial read too). A partial read looks up each object it reads by index.
        index_joins = "on" if relations is not None else "off"
        with db.local_settings(enable_nestloop=index_joins, enable_mergejoin="off"):
            for r in db.query(_addressed(relations is not None), (schema, names, unrelated)):
                rows[r["query"]].append(r)
    objects = []
    for name, loader in _LOADERS.items():
        objects.extend(loader(rows[name], schema, rows))
    deps: dict[str, list[str]] = {}
    for row in rows["depends"]:
        deps.setdefault(row["key"], []).append(row["ref"])
    # in Python's order, as snapshots keep them (the server's collation may differ)
    return Schema.of(objects, {key: sorted(refs) for key, refs in deps.items()})



def _params(name: str, schema: str, names: str | None, unrelated: str) -> tuple:
    """A loader query's parameters: the schema; the relations' names; for privileges,
    whether those on functions and types are read too."""
    if name in WHOLE_KINDS:
        return (schema,)
    return (schema, names, unrelated) if name == "privileges" else (schema, names)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _strip_prefix(text: str, marker: str, schema: str, name: str) -> str:
    """Drop the schema from the one `marker + schema.name` that pg_get_*def always qualifies."""
    return text.replace(marker + qualified(schema, name), marker + ident(name), 1)


def _tables(rows, schema, all_rows):
    columns: dict[str, list[Column]] = {}
    for r in all_rows["columns"]:
        collation = None
        if r["collation"]:
            nsp = r["collation_schema"]
            collation = ident(r["collation"]) if nsp in ("pg_catalog", schema) else qualified(nsp, r["collation"])
        columns.setdefault(r["table_name"], []).append(Column(
            table=r["table_name"], name=r["name"], type=r["type"], collation=collation,
            default=r["default"], not_null=r["not_null"], identity=r["identity"],
            generated=r["generated"], local=r["local"], inherited=r["inhcount"] > 0,
            statistics=r["statistics"], storage=r["storage"], compression=r["compression"],
            type_storage=r["type_storage"], identity_sequence=_json(r["identity_sequence"])))
    for r in rows:
        yield Table(name=r["name"], columns=columns.get(r["name"], []), kind=r["kind"],
                    persistence=r["persistence"], partition_key=r["partition_key"],
                    partition_of=r["partition_of"], partition_bound=r["partition_bound"],
                    inherits=_json(r["inherits"]), rls_enabled=r["rls_enabled"],
                    rls_forced=r["rls_forced"], options=_json(r["options"]), owner=r["owner"],
                    replica_identity=r["replica_identity"], cluster_on=r["cluster_on"])


def _constraints(rows, schema, _):
    for r in rows:
        yield Constraint(table=r["table_name"], name=r["name"], type=r["type"], definition=r["definition"])


def _indexes(rows, schema, _):
    for r in rows:
        # An index on a partitioned table reads "ON ONLY"; created without ONLY it spans the partitions.
        definition = _strip_prefix(r["definition"], " ON ONLY ", schema, r["table_name"])
        definition = _strip_prefix(definition, " ON ", schema, r["table_name"])
        definition = definition.replace(f" ON ONLY {ident(r['table_name'])} ", f" ON {ident(r['table_name'])} ", 1)
        yield Index(table=r["table_name"], name=r["name"], definition=definition,
                    table_type=r["table_type"])


def _sequences(rows, schema, _):
    for r in rows:
        yield Sequence(**{k: r[k] for k in (
            "name", "data_type", "start", "increment", "minvalue", "maxvalue", "cache", "cycle",
            "owned_by_table", "owned_by_column", "owner")})


def _views(rows, schema, _):
    for r in rows:
        yield View(name=r["name"], definition=self_qualified(r["definition"], schema),
                   materialized=r["materialized"], options=_json(r["options"]), owner=r["owner"])


def _functions(rows, schema, _):
    for r in rows:
        kind = "PROCEDURE " if r["kind"] == "p" else "FUNCTION "
        yield Function(name=r["name"], signature=r["signature"], is_procedure=r["kind"] == "p",
                       aggregate=r["kind"] == "a", arguments=r["arguments"], result=r["result"],
                       definition=_strip_prefix(r["definition"], kind, schema, r["name"]), owner=r["owner"])


def _triggers(rows, schema, _):
    for r in rows:
        yield Trigger(table=r["table_name"], name=r["name"], definition=r["definition"],
                      enabled=r["enabled"], table_type=r["table_type"])


def _types(rows, schema, _):
    for r in rows:
        yield Type(name=r["name"], kind=r["kind"], labels=_json(r["labels"]),
                   attributes=_json(r["attributes"]), base_type=r["base_type"],
                   not_null=r["not_null"], default=r["default"], constraints=_json(r["constraints"]),
                   owner=r["owner"])


def _policies(rows, schema, _):
    for r in rows:
        yield Policy(table=r["table_name"], name=r["name"], permissive=r["permissive"],
                     command=r["command"], roles=_json(r["roles"]), using_expr=r["using_expr"],
                     check_expr=r["check_expr"])


def _rules(rows, schema, _):
    for r in rows:
        definition = _strip_prefix(r["definition"], " TO ", schema, r["table_name"])
        yield Rule(table=r["table_name"], name=r["name"], definition=definition,
                   enabled=r["enabled"], table_type=r["table_type"])


def _statistics(rows, schema, _):
    for r in rows:
        yield Statistic(name=r["name"], on_table=r["table_name"], target=r["target"], owner=r["owner"],
                        definition=_strip_prefix(r["definition"], "CREATE STATISTICS ", schema, r["name"]))


def _default_privileges(rows, schema, _):
    for r in rows:
        yield DefaultPrivilege(role=r["role"], object_kind=r["object_kind"], privilege=r["privilege"],
                               grantee=r["grantee"], grantable=r["grantable"])


def _comments(rows, schema, _):
    for r in rows:
        yield Comment(target_type=r["object_type"], target_table=r["table_name"],
                      target_name=r["name"], text=r["description"])


def _privileges(rows, schema, _):
    for r in rows:
        yield Privilege(target_type=r["object_type"], target_name=r["name"], column=r["column_name"],
                        privilege=r["privilege"], grantee=r["grantee"], grantable=r["grantable"])


def _none(rows, schema, _):
    return ()


_LOADERS = {
    "tables": _tables, "columns": _none, "constraints": _constraints, "indexes": _indexes,
    "sequences": _sequences, "views": _views, "functions": _functions, "triggers": _triggers,
    "types": _types, "policies": _policies, "rules": _rules, "statistics": _statistics,
    "comments": _comments, "privileges": _privileges, "default_privileges": _default_privileges,
    "depends": _none,
}
