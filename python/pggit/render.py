"""Changes → one script, ordered by a dependency graph and a topological sort.

Nodes are the steps of the changes. Edges come from the real dependencies of both
schemas (pg_depend, read into `Schema.deps`) and from parent links (a column lives
in its table): a dependent is dropped before what it depends on, and created after.
Objects that depend on something dropped or rebuilt are dropped first and recreated
afterwards ("cascade"). Drops that happen by themselves (the indexes of a dropped
table) keep their node for ordering but emit no SQL. Ties are broken by a fixed kind
order and the key, so the same input always gives the same script.
"""

from __future__ import annotations

import heapq

from .diff import Change, Step
from .model import Privilege, Schema

_CREATE_ORDER = ["TYPE", "DOMAIN", "SEQUENCE", "FUNCTION", "PROCEDURE", "AGGREGATE", "TABLE", "COLUMN",
                 "CONSTRAINT", "INDEX", "STATISTICS", "VIEW", "MATERIALIZED VIEW", "TRIGGER", "RULE",
                 "POLICY", "COMMENT", "PRIVILEGE", "DEFAULT PRIVILEGE"]
# Kinds that can be dropped and recreated from their definition without losing data.
_REBUILDABLE = {"VIEW", "MATERIALIZED VIEW", "FUNCTION", "PROCEDURE", "AGGREGATE", "CONSTRAINT", "INDEX",
                "TRIGGER", "POLICY", "RULE", "STATISTICS"}
# What a column type change forces to be rebuilt (PostgreSQL rebuilds indexes and constraints).
_TYPE_CHANGE_BREAKS = {"VIEW", "MATERIALIZED VIEW", "POLICY", "TRIGGER", "RULE", "FUNCTION", "PROCEDURE",
                       "AGGREGATE"}


def render(changes: list[Change], old: Schema, new: Schema) -> str:
    """The script turning `old` into `new`, for a session whose search_path is the target schema."""
    steps = [s for c in changes for s in c.steps]
    renamed = [s for s in steps if s.key.endswith("#rename")]  # first, in the order given
    steps = [s for s in steps if not s.key.endswith("#rename")]
    old_objects, new_objects = old.objects(), new.objects()
    steps += _cascade(changes, steps, old, old_objects, new_objects)
    steps += _default_revokes(steps, new_objects)
    _absorb(steps, old_objects, new_objects)
    ordered = renamed + _sort(steps, old, new, old_objects, new_objects)
    lines = [s.sql for s in ordered if s.sql]
    if any(s.sql and s.action == "create" and s.key.startswith(("FUNCTION ", "PROCEDURE "))
           for s in ordered):
        lines.insert(0, "SET check_function_bodies = false;")
    return "\n".join(lines) + ("\n" if lines else "")


def _kind(key: str) -> str:
    for kind in ("MATERIALIZED VIEW", "DEFAULT PRIVILEGE", *_CREATE_ORDER):
        if key.startswith(kind + " "):
            return kind
    return ""


def _parent(key: str, objects: dict) -> str | None:
    obj = objects.get(key)
    if obj is None:
        return None
    if obj.object_type == "SEQUENCE" and obj.owned_by_table:
        return f"COLUMN {obj.owned_by_table}.{obj.owned_by_column}"
    return obj.parent


def _reverse(deps: dict) -> dict:
    out: dict[str, list[str]] = {}
    for key, refs in deps.items():
        for ref in refs:
            out.setdefault(ref, []).append(key)
    return out


def _cascade(changes, steps, old: Schema, old_objects, new_objects) -> list[Step]:
    """Drop (and recreate if still wanted) whatever depends on something dropped or retyped."""
    created = {s.key for s in steps if s.action == "create"}
    dropped = {s.key for s in steps if s.action == "drop"}
    retyped = {s.key for s in steps if s.breaks == "type"}
    moved = {s.key for s in steps if s.breaks == "all"}
    if not dropped | retyped | moved:
        return []  # nothing breaks (the indexes below cost a pass over the whole model)
    dependents = _reverse(old.deps)
    children: dict[str, list[str]] = {}
    for key in old_objects:
        children.setdefault(_parent(key, old_objects), []).append(key)
    extra, queue = [], sorted(dropped | retyped | moved)
    while queue:
        key = queue.pop(0)
        breaks = _TYPE_CHANGE_BREAKS if key in retyped and key not in dropped else _REBUILDABLE
        candidates = [(d, False) for d in dependents.get(key, []) if _kind(d) in breaks]
        if key in dropped:
            candidates += [(c, True) for c in children.get(key, [])]
        for dep, implicit in sorted(candidates):
            if dep in dropped or dep not in old_objects:
                continue
            dropped.add(dep)
            queue.append(dep)
            extra.append(Step("drop", dep, "" if implicit else old_objects[dep].drop_sql()))
            if dep in new_objects and dep not in created and not _inside_new_table(dep, new_objects, created):
                created.add(dep)
                extra.append(Step("create", dep, new_objects[dep].create_sql()))
    return extra


_DEFAULT_GRANTS = {"FUNCTION": "EXECUTE", "PROCEDURE": "EXECUTE", "AGGREGATE": "EXECUTE",
                   "TYPE": "USAGE", "DOMAIN": "USAGE"}


def _default_revokes(steps, new_objects) -> list[Step]:
    """A new function or type grants PUBLIC EXECUTE/USAGE by itself: revoke it if not wanted."""
    out = []
    for s in steps:
        obj = new_objects.get(s.key)
        if s.action != "create" or s.alter or obj is None or obj.object_type not in _DEFAULT_GRANTS:
            continue
        grant = Privilege(obj.object_type, obj.object_name, None, _DEFAULT_GRANTS[obj.object_type], "PUBLIC")
        if grant.key not in new_objects:
            out.append(Step("create", grant.key, grant.drop_sql(), alter=True, after=[("create", s.key)]))
    return out


def _inside_new_table(key: str, new_objects, created) -> bool:
    """A column of a table being created comes with the CREATE TABLE."""
    return _kind(key) == "COLUMN" and _parent(key, new_objects) in created


def _absorb(steps: list[Step], old_objects, new_objects) -> None:
    """Blank the SQL of drops done by a parent's drop and of columns inside a CREATE TABLE."""
    dropped = {s.key for s in steps if s.action == "drop" and s.sql}
    created = {s.key for s in steps if s.action == "create" and not s.alter}
    for s in steps:
        if s.action == "drop" and _dropped_with_parent(s.key, dropped, old_objects):
            s.sql = ""
        if s.action == "create" and _inside_new_table(s.key, new_objects, created):
            s.sql = ""


def _dropped_with_parent(key, dropped, objects) -> bool:
    parent = _parent(key, objects)
    while parent is not None:
        if parent in dropped and _kind(parent) in ("TABLE", "COLUMN", "VIEW", "MATERIALIZED VIEW",
                                                     "TYPE", "DOMAIN", "FUNCTION", "PROCEDURE",
                                                     "AGGREGATE", "SEQUENCE", "INDEX", "CONSTRAINT",
                                                     "TRIGGER", "POLICY", "RULE", "STATISTICS"):
            return True
        parent = _parent(parent, objects)
    return False


def _priority(step: Step, index: int) -> tuple:
    kind = _kind(step.key)
    rank = _CREATE_ORDER.index(kind) if kind in _CREATE_ORDER else len(_CREATE_ORDER)
    if step.action == "drop":
        return (0, -rank, step.key, index)
    return (1, rank, "#" in step.key, step.key, index)


def _sort(steps: list[Step], old: Schema, new: Schema, old_objects, new_objects) -> list[Step]:
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, s in enumerate(steps):
        by_key.setdefault((s.action, s.key), []).append(i)
    edges: dict[int, set[int]] = {i: set() for i in range(len(steps))}

    def link(before, after):
        for b in before:
            for a in (after if isinstance(after, list) else [after]):
                if b != a:
                    edges[b].add(a)

    altered = {s.key for s in steps if s.alter}
    for i, s in enumerate(steps):
        old_refs = old.deps.get(s.key, [])
        if s.action == "drop":
            for ref in old_refs:  # dependents go first
                for j in by_key.get(("drop", ref), []) + by_key.get(("create", ref), []):
                    link([i], j)
            link([i], by_key.get(("drop", _parent(s.key, old_objects)), []))
            same = by_key[("drop", s.key)]
            link(same[:same.index(i)], i)
            continue
        link(by_key.get(("drop", s.key), []), i)
        if s.alter and s.key in altered:
            for ref in old_refs:
                link([i], by_key.get(("drop", ref), []))
        parent = _parent(s.key, new_objects)
        inside = not s.sql and _kind(s.key) == "COLUMN"  # built by its CREATE TABLE
        for ref in new.deps.get(s.key, []) + ([] if inside else [parent]):
            link(by_key.get(("create", ref), []), i)
        if inside:
            link([i], by_key.get(("create", parent), []))
        for action, key in s.after:
            link(by_key.get((action, key), []), i)
        same = by_key[("create", s.key)]
        link(same[:same.index(i)], i)
    return _toposort(steps, edges)


def _toposort(steps: list[Step], edges: dict[int, set[int]]) -> list[Step]:
    indegree = {i: 0 for i in edges}
    for targets in edges.values():
        for t in targets:
            indegree[t] += 1
    heap = [(_priority(steps[i], i), i) for i, d in indegree.items() if d == 0]
    heapq.heapify(heap)
    done, out = set(), []
    while len(out) < len(steps):
        if not heap:  # a cycle: break it at the first remaining step
            i = min((i for i in edges if i not in done), key=lambda i: _priority(steps[i], i))
        else:
            i = heapq.heappop(heap)[1]
            if i in done:
                continue
        done.add(i)
        out.append(steps[i])
        for t in edges[i]:
            indegree[t] -= 1
            if indegree[t] == 0 and t not in done:
                heapq.heappush(heap, (_priority(steps[t], t), t))
    return out
