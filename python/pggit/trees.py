"""A commit's content as git keeps it: blobs and trees in `pggit.objects`, shared by
every commit whose content did not change.

A schema model is cut into bundles, one per *home*: a relation with everything that
lives on it (columns, constraints, indexes, triggers, policies, rules, statistics, its
comments and grants, its dependency entries), or one function, type or default
privilege on its own, or one table's tracked rows. A bundle is a blob, written as
canonical JSON without the fields that hold their default. Trees index the blobs: a
tree with at most SPLIT homes names each home's blob; a bigger one splits into up to
16 subtrees by the next hex digit of sha256(home), so where a home sits depends on its
name alone. An object's id is sha256 over its kind and canonical text.

A commit of one change therefore stores one blob and the trees on the path to it. The
bundles are cut from the home a changed object had and the home it has, so a commit
costs what changed since its parent (the parent's tree is parsed in the session).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import MISSING, dataclass, fields

from .model import KINDS, Column, Schema, Sequence, Table, View

SPLIT = 16

# Objects hanging on a relation, by their key's object type (dependency keys name
# objects only by key: their home is read off the key).
_ON_RELATION = ("COLUMN ", "CONSTRAINT ", "INDEX ", "TRIGGER ", "RULE ", "POLICY ")
_RELATIONS = ("TABLE ", "VIEW ", "MATERIALIZED VIEW ", "SEQUENCE ", "FOREIGN TABLE ")
_RELATION_TARGETS = frozenset(r.strip() for r in _RELATIONS) | {"COLUMN"}


def _defaults(cls) -> dict:
    out = {}
    for f in fields(cls):
        if f.default is not MISSING:
            out[f.name] = f.default
        elif f.default_factory is not MISSING:
            out[f.name] = f.default_factory()
    return out


_DEFAULTS = {cls: _defaults(cls) for cls in (*KINDS.values(), Column)}
_NONE = object()
# per class, each field with its default (_NONE: it has none), in the order of to_dict
_FIELDS = {cls: [(f.name, _DEFAULTS[cls].get(f.name, _NONE)) for f in fields(cls)] for cls in _DEFAULTS}


def _sparse(obj) -> dict:
    """obj.to_dict() without the fields at their default, in one pass (a commit of a
    big schema encodes every object: this was most of the first commit's time)."""
    out = {}
    for name, default in _FIELDS[type(obj)]:
        value = getattr(obj, name)
        if default is _NONE or type(value) is not type(default) or value != default:
            out[name] = value
    return out


def encode(obj) -> dict:
    data = _sparse(obj)
    if isinstance(obj, Table) and obj.columns:
        data["columns"] = [_sparse(c) for c in obj.columns]
    return data


def decode(kind: str, data: dict):
    klass = KINDS[kind]
    if klass is Table:
        data["columns"] = [Column(**c) for c in data.get("columns", [])]
    return klass(**data)


def home(obj) -> str:
    for attr in ("table", "on_table", "target_table"):
        relation = getattr(obj, attr, None)
        if relation:
            return "REL " + relation
    if isinstance(obj, (Table, View, Sequence)):
        return "REL " + obj.name
    if getattr(obj, "target_type", None) in _RELATION_TARGETS:
        return "REL " + obj.target_name
    return obj.key


@functools.lru_cache(maxsize=1 << 18)  # (every read asks it of every dependency: ~150,000 keys at 3,000 tables)
def dep_home(key: str) -> str:
    for prefix in _ON_RELATION:
        if key.startswith(prefix):
            return "REL " + key[len(prefix):].split(".", 1)[0]
    for prefix in _RELATIONS:
        if key.startswith(prefix):
            return "REL " + key[len(prefix):]
    return key


def canonical(value) -> str:
    # compact and sorted: json's C encoder, and one text for one value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def object_id(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind} {text}".encode()).hexdigest()


@functools.lru_cache(maxsize=1 << 17)
def _place(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


@dataclass
class Tree:
    """A commit's content: its root id, each home's blob id and entries, every id stored,
    and which homes depend on each home (kept here, so that finding what depends on a
    change costs the change: live.py)."""

    root: str
    blobs: dict    # home -> blob id
    members: dict  # home -> frozenset of entries: ("o", kind, key), ("d", key), ("r", table)
    stored: frozenset  # ids known to be in pggit.objects: this content's, and its parents' written here
    uses: dict = None     # home -> frozenset of the homes its dependency entries name
    used_by: dict = None  # home -> frozenset of the homes whose dependency entries name it
    nodes: dict = None    # prefix of sha256(home) -> id of the tree node over the homes under it

    def dependents(self, homes) -> set[str]:
        """The homes with a dependency on one of `homes`."""
        return set().union(*(self.used_by.get(h, ()) for h in homes))


def _entries(model: Schema):
    for kind in KINDS:
        for key, obj in getattr(model, kind).items():
            yield ("o", kind, key), home(obj)
    for key in model.deps:
        yield ("d", key), dep_home(key)
    for table in model.rows:
        yield ("r", table), "ROWS " + table


def _bundle(model: Schema, entries) -> dict:
    out: dict = {}
    for entry in entries:
        if entry[0] == "o":
            out.setdefault("o", {}).setdefault(entry[1], {})[entry[2]] = encode(getattr(model, entry[1])[entry[2]])
        elif entry[0] == "d":
            out.setdefault("d", {})[entry[1]] = sorted(model.deps[entry[1]])
        else:
            out.setdefault("r", {})[entry[1]] = model.rows[entry[1]]
    return out


def _changed(old: Schema, new: Schema, candidates=None):
    """Entries that differ between two models, with their home in each. `candidates`:
    only these entries may differ (None: any; rows are compared whole either way)."""
    yield from _changed_among(old, new, _every_entry(old, new) if candidates is None else candidates)
    yield from _changed_rows(old, new)


def _every_entry(old: Schema, new: Schema):
    for kind in KINDS:
        for key in getattr(old, kind).keys() | getattr(new, kind).keys():
            yield ("o", kind, key)
    for key in old.deps.keys() | new.deps.keys():
        yield ("d", key)


def _changed_among(old: Schema, new: Schema, candidates):
    for entry in candidates:
        if entry[0] == "o":
            was, obj = getattr(old, entry[1]).get(entry[2]), getattr(new, entry[1]).get(entry[2])
            if was is not obj and (was is None or obj is None or encode(was) != encode(obj)):
                yield entry, home(was) if was is not None else None, home(obj) if obj is not None else None
        elif entry[0] == "d":
            a, b = old.deps.get(entry[1]), new.deps.get(entry[1])
            if a is not b and (a is None or b is None or sorted(a) != sorted(b)):
                place = dep_home(entry[1])
                yield entry, place if a is not None else None, place if b is not None else None


def _changed_rows(old: Schema, new: Schema):
    for table in old.rows.keys() | new.rows.keys():
        if canonical(old.rows.get(table)) != canonical(new.rows.get(table)):
            place = "ROWS " + table
            yield ("r", table), place if table in old.rows else None, place if table in new.rows else None


def build(model: Schema, parent: tuple[Schema, Tree] | None = None, candidates=None) -> tuple[Tree, dict]:
    """The tree of `model`, and the objects to store for it: {id: (kind, canonical text)}.

    With `parent` (a model and its tree), only the homes of what changed are cut again;
    `candidates` (entries), if given, are all that may have changed since the parent
    (live.py knows what a read replaced): the rest is not compared."""
    if parent is None:
        members: dict = {}
        for entry, place in _entries(model):
            members.setdefault(place, set()).add(entry)
        blobs: dict = {}
        dirty = set(members)
    else:
        members, blobs, dirty = dict(parent[1].members), dict(parent[1].blobs), set()
        for entry, was, now in _changed(parent[0], model, candidates):
            for place, keep in ((was, False), (now, True)):
                if place is None:
                    continue
                group = set(members.get(place, ()))
                (group.add if keep else group.discard)(entry)
                members[place] = group
                dirty.add(place)
    new: dict = {}
    for place in dirty:
        if not members.get(place):
            members.pop(place, None)
            blobs.pop(place, None)
            continue
        members[place] = frozenset(members[place])
        text = canonical(_bundle(model, members[place]))
        blobs[place] = object_id("blob", text)
        new[blobs[place]] = ("blob", text)
    nodes = _kept_nodes(parent[1], dirty) if parent else {}
    root = _tree(sorted(blobs, key=_place), blobs, "", nodes, new)
    stored = (parent[1].stored if parent else frozenset()) | new.keys()
    known = parent[1].stored if parent else frozenset()
    uses, used_by = _uses(model, members, dirty, parent[1] if parent else None)
    tree = Tree(root, blobs, members, frozenset(stored), uses, used_by, nodes)
    return tree, {k: v for k, v in new.items() if k not in known}


def _uses(model: Schema, members: dict, dirty, parent: Tree | None) -> tuple[dict, dict]:
    """Tree.uses and Tree.used_by for `model`, from `parent`'s where a home is not dirty."""
    uses = dict(parent.uses) if parent else {}
    used_by = dict(parent.used_by) if parent else {}
    gained, lost = {}, {}
    for place in dirty:
        before = uses.get(place, frozenset())
        now = frozenset(dep_home(ref) for entry in members.get(place, ()) if entry[0] == "d"
                        for ref in model.deps[entry[1]]) - {place}
        if now:
            uses[place] = now
        else:
            uses.pop(place, None)
        for ref in now - before:
            gained.setdefault(ref, set()).add(place)
        for ref in before - now:
            lost.setdefault(ref, set()).add(place)
    for ref in gained.keys() | lost.keys():
        users = (used_by.get(ref, frozenset()) | gained.get(ref, set())) - lost.get(ref, set())
        if users:
            used_by[ref] = frozenset(users)
        else:
            used_by.pop(ref, None)
    return uses, used_by


def _kept_nodes(parent: Tree, dirty) -> dict:
    """`parent`'s tree nodes over which no home of `dirty` sits: the same homes with the
    same blobs, so the same ids (a change makes the nodes on its path again, not all)."""
    if parent.nodes is None:
        return {}
    gone = {_place(home)[:depth] for home in dirty for depth in range(_MAX_DEPTH + 1)}
    return {prefix: digest for prefix, digest in parent.nodes.items() if prefix not in gone}


_MAX_DEPTH = 8  # 16^8 nodes: deeper than any schema's tree


def _tree(places: list, blobs: dict, prefix: str, nodes: dict, out: dict) -> str:
    """The id of the tree over `places` (sorted by their sha256, which all start with
    `prefix`), adding its new nodes to `out`; `nodes` has the ids of those already made
    by prefix, and gets the others'."""
    if prefix in nodes:
        return nodes[prefix]
    depth = len(prefix)
    if len(places) <= SPLIT:
        body = {place: blobs[place] for place in places}
    else:
        body, start = {}, 0
        for i in range(1, len(places) + 1):
            if i == len(places) or _place(places[i])[depth] != _place(places[start])[depth]:
                digit = _place(places[start])[depth]
                body[digit] = _tree(places[start:i], blobs, prefix + digit, nodes, out)
                start = i
    text = canonical(body)
    digest = nodes[prefix] = object_id("tree", text)
    out[digest] = ("tree", text)
    return digest


def payload(objects: dict) -> str:
    """`objects` as one JSON text for INSERT: {id: [kind, body text]}."""
    return canonical({k: list(v) for k, v in objects.items()})


# The trees a tree is made of (its blobs' ids are in their bodies).
READ_TREES = """
WITH RECURSIVE walk(hash) AS (
    SELECT $1::text
    UNION ALL
    SELECT e.value FROM walk JOIN pggit.objects o USING (hash), pg_catalog.jsonb_each_text(o.body::pg_catalog.jsonb) AS e
     WHERE o.kind OPERATOR(pg_catalog.=) 'tree'
)
SELECT o.hash, o.body FROM walk JOIN pggit.objects o USING (hash) WHERE o.kind OPERATOR(pg_catalog.=) 'tree'
"""
# The bodies of blobs $1 (text[]).
READ_BLOBS = """
SELECT o.hash, o.body FROM pggit.objects o
 WHERE o.hash OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($1::text[])) AND o.kind OPERATOR(pg_catalog.=) 'blob'
"""


def nodes_of(tree_rows: list[dict]) -> dict:
    """{id: body} of READ_TREES' rows."""
    return {r["hash"]: json.loads(r["body"]) for r in tree_rows}


def blobs_of(nodes: dict) -> dict:
    """{home: blob id} of a tree's nodes (`nodes_of`)."""
    return {place: digest for body in nodes.values() for place, digest in body.items() if digest not in nodes}


def load(root: str, nodes: dict, blobs: dict, bodies: dict, known=()) -> tuple[Schema, Tree]:
    """The model and tree of `root`: its trees (`nodes_of`), its blobs ({home: id},
    `blobs_of`), and the bodies of those not in a tree of `known` ((model, tree) pairs
    parsed before). It starts from the known tree that shares most of its blobs, as
    `build` starts from a parent: only the homes whose blob differs are taken (from
    another known model, if one has the blob) or decoded."""
    shared = {}
    for model_, tree_ in known:
        for place, digest in tree_.blobs.items():
            shared.setdefault(digest, (model_, tree_.members[place]))
    base = max(known, key=lambda mt: sum(mt[1].blobs.get(p) == d for p, d in blobs.items()), default=None)
    if base is None:
        model, members, dirty = Schema(), {}, set(blobs)
    else:
        model, members = base[0].copy(), dict(base[1].members)
        dirty = {p for p in blobs.keys() | base[1].blobs.keys() if blobs.get(p) != base[1].blobs.get(p)}
        for place in dirty:
            drop(model, members.pop(place, ()))
    for place in dirty & blobs.keys():
        digest = blobs[place]
        if digest in shared:
            members[place] = _take(model, *shared[digest])
        else:
            members[place] = _decode_bundle(model, json.loads(bodies[digest]))
    if base is None:
        for kind in KINDS:  # in key order, as a read from the catalog has them
            setattr(model, kind, dict(sorted(getattr(model, kind).items())))
        model.deps = dict(sorted(model.deps.items()))
    uses, used_by = _uses(model, members, dirty, base[1] if base else None)
    ids = set(nodes) | set(blobs.values())
    return model, Tree(root, dict(blobs), members, frozenset(ids), uses, used_by, _nodes(root, nodes))


def _nodes(root: str, nodes: dict) -> dict:
    """Tree.nodes of a tree read back (`nodes_of`): a split node's keys are the next hex
    digit of its subtrees' prefix."""
    out, todo = {}, [("", root)]
    while todo:
        prefix, digest = todo.pop()
        out[prefix] = digest
        todo.extend((prefix + key, child) for key, child in nodes[digest].items() if child in nodes)
    return out


def drop(model: Schema, entries) -> None:
    """Take out of `model` what `entries` (a home's members) name."""
    for entry in entries:
        if entry[0] == "o":
            getattr(model, entry[1]).pop(entry[2], None)
        elif entry[0] == "d":
            model.deps.pop(entry[1], None)
        else:
            model.rows.pop(entry[1], None)


def _take(model: Schema, source: Schema, entries: frozenset) -> frozenset:
    """Put into `model` what `entries` name in `source` (objects are shared, never changed)."""
    for entry in entries:
        if entry[0] == "o":
            getattr(model, entry[1])[entry[2]] = getattr(source, entry[1])[entry[2]]
        elif entry[0] == "d":
            model.deps[entry[1]] = source.deps[entry[1]]
        else:
            model.rows[entry[1]] = source.rows[entry[1]]
    return entries


def _decode_bundle(model: Schema, bundle: dict) -> frozenset:
    entries = set()
    for kind, items in bundle.get("o", {}).items():
        for key, data in items.items():
            getattr(model, kind)[key] = decode(kind, data)
            entries.add(("o", kind, key))
    for key, deps in bundle.get("d", {}).items():
        model.deps[key] = deps
        entries.add(("d", key))
    for table, rows in bundle.get("r", {}).items():
        model.rows[table] = rows
        entries.add(("r", table))
    return frozenset(entries)


# --- what differs between commits ---------------------------------------------------------

def differing(*content: Tree) -> set[str]:
    """The homes whose blob is not the same in every one of `content`."""
    homes = set().union(*(t.blobs.keys() for t in content))
    return {h for h in homes if len({t.blobs.get(h) for t in content}) > 1}


def keys_in(homes: set[str], *content: Tree) -> tuple[set[str], set[str]]:
    """The model keys and the tables of rows that live in `homes`, in any of `content`."""
    keys, tables = set(), set()
    for t in content:
        for home_ in homes:
            for entry in t.members.get(home_, ()):
                (tables if entry[0] == "r" else keys).add(entry[-1])
    return keys, tables


def around(homes: set[str], model: Schema, tree: Tree) -> set[str]:
    """`homes`, and the homes of `model` (whose tree is `tree`) with an object that depends
    on something in them, or on such an object, and so on (a view on a view on a changed
    table; not every table whose foreign key names a table that names a changed one), and
    every home that is not a relation's or rows' (functions, types, default privileges:
    few, and named from anywhere). Whatever is in `homes` counts as reached; after
    that, an object (by its key), or a relation's whole home when the relation itself is."""
    out, whole, keys = set(homes), set(homes), set()
    todo = set(homes)
    while todo:
        users, todo = tree.dependents(todo), set()
        for user in users:
            for entry in tree.members.get(user, ()):
                if entry[0] != "d" or entry[1] in keys:
                    continue
                if any(ref in keys or dep_home(ref) in whole for ref in model.deps.get(entry[1], ())):
                    keys.add(entry[1])
                    out.add(user)
                    todo.add(user)
                    if entry[1].startswith(_RELATIONS) and dep_home(entry[1]) == user:
                        whole.add(user)
    return out | {h for h in tree.blobs if not h.startswith(("REL ", "ROWS "))}


def only(model: Schema, keys: set[str], tables: set[str]) -> Schema:
    """The part of `model` made of these keys (objects and their dependencies) and tables'
    rows, in key order (as the model has them)."""
    keys = sorted(keys)
    out = Schema(deps={k: model.deps[k] for k in keys if k in model.deps},
                 rows={t: model.rows[t] for t in sorted(tables) if t in model.rows})
    for kind in KINDS:
        objects = getattr(model, kind)
        setattr(out, kind, {k: objects[k] for k in keys if k in objects})
    return out


def overlay(model: Schema, keys: set[str], tables: set[str], part: Schema) -> Schema:
    """`model` with what these keys and tables hold replaced by `part` (a copy: what was
    not replaced keeps its place, as live.py's reads keep it; what is new comes last)."""
    out = model.copy()
    for table in tables:
        out.rows.pop(table, None)
    for key in keys:
        out.deps.pop(key, None)
        for kind in KINDS:
            getattr(out, kind).pop(key, None)
    out.deps.update(part.deps)
    out.rows.update(part.rows)
    for kind in KINDS:
        getattr(out, kind).update(getattr(part, kind))
    return out


def between(old: Tree, new: Tree) -> tuple:
    """`narrowed`'s scope for two models whose trees these are."""
    return differing(old, new), [old, new], set()


def narrowed(old, new, scope):
    """`old` and `new` cut down to what a change between them can reach, for diff and
    render: `scope` is (homes, trees, keys): the homes where alone the two differ, the
    trees they come from (`old`'s first; a merge's: the three commits'), and the keys
    `new` has that no tree names (a merge's). What depends on those homes comes along (render
    rebuilds it when what it names changes), and every function, type and default
    privilege; the rest would only be compared equal. None: the whole models."""
    if scope is None:
        return old, new
    homes, content, made = scope
    reach = around(homes, old, content[0])
    # a sequence owned by a column goes with it (its dependency on the column is not kept)
    reach |= {f"REL {s.name}" for s in old.sequences.values() if f"REL {s.owned_by_table}" in reach}
    keys = keys_in(reach, *content)[0] | made
    return only(old, keys, set()), only(new, keys, set())
