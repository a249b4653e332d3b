"""A branch's live schema, read from the catalog only where it changed.

`pggit.live` names, per branch, a commit whose snapshot the branch's schema equalled
when pggit last read it; `pggit.touched` lists what DDL changed in the schema since (the
event triggers add a row per statement: the relation it changed, by name, and the old
name of one it renamed or moved away, or NULL for a function, type, statistics object or
default privilege; a merge notes what it changed itself). Reading the branch then takes
that snapshot, and reads from the catalog again only:

- the touched relations and what depends on them (the snapshot's tree indexes that),
  and loses those of their names that are gone (a rename, a move or a drop);
- every function, type, statistics object and default privilege, if DDL touched one
  (a row without a relation).

No `pggit.live` row (a branch from before, a restore: the table is not dumped), or an
'*' row (GRANT and REVOKE name no schema), means one full read. `read` returns the
model and the rows it consumed; `settle` records the commit the schema now equals.
"""

from __future__ import annotations

from . import data, identities, trees
from .catalog import UNRELATED_KINDS, WHOLE_KINDS, filtered, load_schema
from .model import KINDS, Schema, Table, View
from .quoting import text_array


def read(db, branch: dict, parsed) -> tuple[Schema, dict]:
    """The branch's live model, and what `settle` needs to record it.

    `parsed(hash)` gives a commit's model and tree, not to be changed (commits' cache)."""
    schema = branch["schema_name"]
    base = db.query("SELECT commit_hash FROM pggit.live WHERE branch_id = $1::bigint", (branch["id"],))
    touched = db.query("SELECT id, relation::text AS relation, object_type FROM pggit.touched "
                       "WHERE schema_name = $1", (schema,))
    state = {"ids": [t["id"] for t in touched]}
    if not base or any(t["object_type"] == "*" for t in touched):
        model = identities.attach(db, schema, load_schema(db, schema))
    elif not touched:
        model = parsed(base[0]["commit_hash"])[0].copy()
        state["unchanged"] = base[0]["commit_hash"]
    else:
        model, state["candidates"] = _patched(db, schema, *parsed(base[0]["commit_hash"]), touched)
        state["base"] = base[0]["commit_hash"]
    model.rows = data.read(db, schema)
    return model, state


def candidates(state: dict, parent_hash: str | None):
    """What alone may differ between a read's model and the commit `parent_hash`
    (trees.build's candidates); None: anything."""
    if state.get("unchanged") is not None and state["unchanged"] == parent_hash:
        return ()
    return state.get("candidates") if state.get("base") == parent_hash else None


def settle(db, branch: dict, commit_hash: str, state: dict) -> None:
    """The branch's schema equals `commit_hash`'s snapshot but for touched rows not in `state`."""
    db.as_owner("DELETE FROM pggit.touched WHERE id = ANY (SELECT pg_catalog.unnest($1::bigint[]))", (text_array(state["ids"]),))
    db.as_owner("INSERT INTO pggit.live (branch_id, commit_hash) VALUES ($1::bigint, $2) "
                "ON CONFLICT (branch_id) DO UPDATE SET commit_hash = excluded.commit_hash",
                (branch["id"], commit_hash))


def changed(old: Schema, new: Schema) -> tuple[set[str], bool]:
    """What pggit's own change from `old` to `new` (a merge) touched: the names in pg_class
    it changed, made or dropped (relations, old and new names, and the indexes and
    identity sequences that came or went with them), and whether a function, type,
    statistics object or default privilege changed too (or an identity sequence's name
    is unknown: a snapshot from before pggit kept it)."""
    names, small = set(), False
    for kind in KINDS:
        a, b = getattr(old, kind), getattr(new, kind)
        for key in a.keys() | b.keys():
            before, after = a.get(key), b.get(key)
            if before == after and not (kind == "tables" and before.columns != after.columns):
                continue
            owner = _owner(before or after)
            small |= owner is None
            names.add(owner)
            if kind in ("indexes", "constraints"):  # a constraint's index has its name
                names.add((before or after).name)
            with_identity = [c for t in (before, after) if kind == "tables" and t for c in t.columns if c.identity]
            for column in with_identity:
                names.add((column.identity_sequence or {}).get("name"))
                small |= not column.identity_sequence
    names.discard(None)
    return names, small


def touch(db, schema: str, names: set[str], small: bool) -> None:
    """Note what pggit changed in `schema` itself (`changed`), as the event triggers would
    (they leave out what names no schema, like GRANT)."""
    rows = sorted(names) + ([None] if small else [])
    if rows:
        db.as_owner("INSERT INTO pggit.touched (schema_name, relation, object_type) "
                    "SELECT $1, r, 'merge' FROM pg_catalog.unnest($2::text[]) AS r", (schema, text_array(rows)))


def _patched(db, schema: str, base: Schema, tree, touched: list[dict]):
    """`base` with what `touched` names read again, and the entries (trees.py) of what
    may have changed."""
    probe = {t["relation"] for t in touched if t["relation"]}
    found = _names_now(db, schema, probe)

    def exists(name: str) -> bool:  # a relation of the schema now
        return name in found or (name not in probe and _relation_of(base, name) is not None)

    dropped = {t["relation"] for t in touched if t["object_type"] == "index" and t["relation"]}  # (by name only)
    index_tables = {i.name: i.table for i in base.indexes.values() if i.name in dropped} if dropped else {}
    names = {index_tables.get(t["relation"], t["relation"]) if t["object_type"] == "index" else t["relation"]
             for t in touched if t["relation"]}
    gone = {name for name in probe - found if _relation_of(base, name) is not None}
    made = {name for name in found if _relation_of(base, name) is None}
    changed = names | gone
    # DDL on a function, type, statistics object or default privilege leaves a row
    # without a relation: only then are they read again (else base's are current)
    small = any(t["relation"] is None for t in touched)
    if small:
        # a function or type renamed or changed: the definitions that name it read again
        whole = load_schema(db, schema, [])
        changed |= {key for kind in WHOLE_KINDS for key in getattr(base, kind).keys() ^ getattr(whole, kind).keys()}
        changed |= {key for kind in WHOLE_KINDS for key, obj in getattr(whole, kind).items()
                    if getattr(base, kind).get(key, obj) != obj}
    # first what DDL touched; then what depends on those of them whose names, columns or
    # keys others can name changed (most DDL adds a column or an index: then nothing, or
    # the partitions and children that take the new column)
    first = {name for name in names | made if exists(name)}
    fresh = load_schema(db, schema, sorted(first), whole=small)
    reshaped, grown = _reshaped(base, tree, fresh, first)
    more = {name for name in _dependents(base, tree, changed - first | reshaped) | _children(base, tree, grown)
            if exists(name)} - first
    if more:
        _add(fresh, load_schema(db, schema, sorted(more), whole=False))
    read = sorted(first | more)
    return _replace(base, tree, first | more | gone, identities.attach(db, schema, fresh, read), small)


def _reshaped(base: Schema, tree, fresh: Schema, names: set[str]) -> tuple[set[str], set[str]]:
    """Of relations `names` (read again into `fresh`), those that changed in a way the
    definitions or dependencies of other objects can see: kind, name, columns' names,
    types and order, partitioning and parents, or a key others may depend on (an index,
    a constraint) gone; and those that only gained columns at the end (their partitions
    and children gain them too). A relation new since `base`: neither (nothing there
    names it)."""
    reshaped, grown = set(), set()
    for name in names:
        was, now = _relation_of(base, name), _relation_of(fresh, name)
        if was is None:
            continue
        if now is None or type(was) is not type(now):
            reshaped.add(name)
            continue
        if isinstance(was, Table):
            a, b = _table_shape(was), _table_shape(now)
            kept = {e[2] for e in tree.members.get(f"REL {name}", ()) if e[0] == "o" and e[1] in ("indexes", "constraints")}
            keys = {o.key for kind in (fresh.indexes, fresh.constraints) for o in kind.values() if o.table == name}
            if a[0] != b[0] or a[1] != b[1][:len(a[1])] or not kept <= keys:
                reshaped.add(name)
            elif a[1] != b[1]:
                grown.add(name)
        elif isinstance(was, View) and (was.definition, was.materialized) != (now.definition, now.materialized):
            reshaped.add(name)
    return reshaped, grown


def _relation_of(model: Schema, name: str):
    return (model.tables.get(f"TABLE {name}") or model.views.get(f"VIEW {name}")
            or model.views.get(f"MATERIALIZED VIEW {name}") or model.sequences.get(f"SEQUENCE {name}"))


def _table_shape(table: Table) -> tuple:
    return ((table.kind, table.partition_key, table.partition_of, table.partition_bound, list(table.inherits or [])),
            [(c.name, c.type, c.collation) for c in table.columns])


def _children(base: Schema, tree, names: set[str]) -> set[str]:
    """Tables that are partitions or children of one of `names` (each depends on its
    parent in the catalog: `tree`'s index of dependencies has them)."""
    out = set()
    for home in tree.dependents({f"REL {name}" for name in names}):
        table = base.tables.get(f"TABLE {_relation(home)}")
        if table and any(p.strip('"') in names for p in [table.partition_of or ""] + list(table.inherits or [])):
            out.add(table.name)
    return out


def _add(model: Schema, more: Schema) -> None:
    """`more` (a read of other relations) into `model`."""
    for kind in KINDS:
        getattr(model, kind).update(getattr(more, kind))
    model.deps.update(more.deps)


def _names_now(db, schema: str, probe: set[str]) -> set[str]:
    """Of the names touched rows give (`probe`), those of a relation of the schema now.
    The rows name every relation that came, went or was renamed, by its old name and its
    new (a merge notes both; after a rename by hand, the event trigger notes the old name
    pggit.identities has): a name no row gives is as the base has it."""
    return {r["name"] for r in db.query(filtered("relation_names", True), (schema, text_array(sorted(probe))))}


def _relation(home: str) -> str | None:
    """The relation a home (trees.py) is; None for a function's, a type's, ... (read whole)."""
    return home[4:] if home.startswith("REL ") else None


def _owner(obj) -> str | None:
    """The relation a model object lives and dies with (comments and privileges: their target's)."""
    return _relation(trees.home(obj))


def _dependents(base: Schema, tree, changed: set[str]) -> set[str]:
    """Relations with an object whose definition names an object of `changed` (relation
    names, or keys of functions and types): through the dependencies the catalog records
    (`tree`'s index of them), and the names it keeps elsewhere (a sequence's owning table,
    a partition's parent)."""
    out = {s.name for s in base.sequences.values() if s.owned_by_table in changed} | _children(base, tree, changed)
    homes = tree.dependents({f"REL {name}" for name in changed} | changed)
    out |= {_relation(h) for h in homes}
    out.discard(None)
    return out


def _replace(base: Schema, tree, names: set[str], fresh: Schema, whole: bool):
    """`base` less the objects of relations `names` (and, `whole`, of the kinds read
    whole), plus `fresh`; and the entries of what was taken out or put in (all that may
    differ from `base`).

    `tree` (base's, trees.py) lists what lives in each relation's home: what to take out
    is found there, not by a pass over the whole model."""
    out, touched = base.copy(), set()
    homes = [h for h in tree.members if not h.startswith(("REL ", "ROWS "))] if whole else []  # functions, types, ...
    for home in homes + [f"REL {name}" for name in names]:
        entries = tree.members.get(home, ())
        trees.drop(out, entries)
        touched.update(entries)
    for kind in WHOLE_KINDS:
        if whole or kind not in UNRELATED_KINDS:  # (statistics objects are read every time)
            touched.update(("o", kind, key) for key in getattr(out, kind))
            setattr(out, kind, {})
    for kind in KINDS:
        getattr(out, kind).update(getattr(fresh, kind))
        touched.update(("o", kind, key) for key in getattr(fresh, kind))
    out.deps.update(fresh.deps)
    touched.update(("d", key) for key in fresh.deps)
    return out, touched
