"""Three-way merge of schema models: base + ours (target) + theirs (source) → merged, conflicts.

Pure Python over `model.Schema`; the database side (locking, committing, applying the
result to the target's tables) is `merging.py`.

The unit is the model object: a table's own attributes, each column, constraint, index,
trigger, policy, comment and privilege are separate keys. For each key:

- the same on both sides (changed or not) → taken once;
- changed on one side only → that side's version;
- otherwise → a conflict: added on both with different definitions, or changed
  differently on both.

A drop is a change like any other, with one difference: dropping Y on one side conflicts
with the other side changing Y *or anything that lives in Y or depends on Y* (a column
added to a table the other side dropped, a view over a column the other side dropped).
Such a conflict is decided for Y's whole subtree at once, so resolving it by `ours`
keeps the table with all of our columns, and by `theirs` drops it with everything in it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from . import data, errors, renames
from .errors import PggitError
from .model import Column, Schema, Table

SIDES = ("ours", "theirs")
STRATEGIES = ("fail", "ours", "theirs")


@dataclass
class Conflict:
    object_type: str
    object_name: str
    base: str | None
    ours: str | None
    theirs: str | None
    description: str
    key: str = dataclasses.field(default="", repr=False)

    def to_dict(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "key"}


def merge_models(base: Schema, ours: Schema, theirs: Schema, strategy: str = "fail",
                 resolutions: dict | None = None) -> tuple[Schema, list[Conflict]]:
    """The merged model and the conflicts left unresolved (none means it can be applied).

    `strategy` decides every conflict ('ours' / 'theirs') or none ('fail');
    `resolutions` decides single conflicts by object name ("users.email") or key
    ("COLUMN users.email") and wins over the strategy.
    """
    check_choices(strategy, resolutions)
    (base, ours, theirs), renamed = _align_names(base, ours, theirs, strategy, resolutions or {})
    state = _State(base, ours, theirs)
    conflicts = _drops(state) + _changes(state)
    unresolved = [c for c in renamed if _winner(c, strategy, resolutions or {}) is None]
    for c in conflicts:
        winner = _winner(c, strategy, resolutions or {})
        if winner is None:
            unresolved.append(c)
        else:
            state.decide_conflict(c.key, winner)
    merged_rows, row_conflicts = data.merge(base.rows, ours.rows, theirs.rows,
                                            lambda c: _winner(c, strategy, resolutions or {}))
    unresolved += [c for c in row_conflicts if _winner(c, strategy, resolutions or {}) is None]
    _check_unused(resolutions or {}, renamed + conflicts + row_conflicts)
    merged = state.build()
    merged.rows = merged_rows
    return merged, unresolved


def check_choices(strategy: str, resolutions: dict | None) -> None:
    if strategy not in STRATEGIES:
        raise PggitError(f"unknown merge strategy {strategy!r}",
                         hint="Use strategy => 'fail' (the default), 'ours' or 'theirs'.",
                         sqlstate=errors.INVALID_PARAMETER)
    for name, side in (resolutions or {}).items():
        if side not in SIDES:
            raise PggitError(f"resolution {side!r} for {name!r} is neither 'ours' nor 'theirs'",
                             hint='Resolve each object with "ours" (the target) or "theirs" (the source), '
                                  'e.g. \'{"users.email": "theirs"}\'.',
                             sqlstate=errors.INVALID_PARAMETER)


def _align_names(base: Schema, ours: Schema, theirs: Schema, strategy: str, resolutions: dict):
    """The three models with one name for each table and column known by identity: the
    name a side renamed it to, so that the merge below compares like with like (and a
    rename on one side meets a change on the other as two changes). Renamed differently
    on both sides is a conflict, decided like any other; undecided, each side keeps its
    name. Returns the models and those conflicts."""
    models = {"base": base, "ours": ours, "theirs": theirs}
    conflicts: list[Conflict] = []
    tables = _rename_plan({s: {t.identity_id: t.name for t in m.tables.values() if t.identity_id is not None}
                           for s, m in models.items()}, "TABLE", "", strategy, resolutions, conflicts)
    models = {s: renames.rename_model(m, tables[s], {}) for s, m in models.items()}
    columns: dict[str, dict] = {s: {} for s in models}
    for key in set().union(*(m.tables for m in models.values())):
        names = {s: {c.identity_id: c.name for c in m.tables[key].columns if c.identity_id is not None}
                 for s, m in models.items() if key in m.tables}
        plan = _rename_plan(names, "COLUMN", key.split(" ", 1)[1] + ".", strategy, resolutions, conflicts)
        for s in names:
            columns[s][key.split(" ", 1)[1]] = plan[s]
    models = {s: renames.rename_model(m, {}, columns[s]) for s, m in models.items()}
    return (models["base"], models["ours"], models["theirs"]), conflicts


def _rename_plan(names: dict, kind: str, prefix: str, strategy: str, resolutions: dict,
                 conflicts: list) -> dict[str, dict[str, str]]:
    """{side: {name: merged name}} for the identities of `names` ({side: {identity: name}})."""
    plan: dict[str, dict[str, str]] = {s: {} for s in names}
    for identity in set().union(*(n.keys() for n in names.values())):
        b, o, t = (names.get(s, {}).get(identity) for s in ("base", "ours", "theirs"))
        if o is not None and t is not None and o != t and b not in (o, t):
            c = Conflict(kind, prefix + (b or o), prefix + b if b else None, prefix + o, prefix + t,
                         f"renamed to {o} on the target and to {t} on the source", f"RENAME {kind} {prefix}{b or o}")
            conflicts.append(c)
            winner = _winner(c, strategy, resolutions)
            if winner is None:
                continue
            merged = o if winner == "ours" else t
        else:
            merged = t if o in (None, b) and t is not None else o
        for s in names:
            name = names[s].get(identity)
            if name is not None and name != merged and merged is not None:
                plan[s][name] = merged
    for s, moves in plan.items():  # a merged name another object holds there: leave it as it is
        taken = set(names[s].values()) - set(moves)
        for name in [n for n, m in moves.items() if m in taken]:
            del moves[name]
    return plan


def _winner(c: Conflict, strategy: str, resolutions: dict) -> str | None:
    for name in (c.key, c.object_name):
        if name in resolutions:
            return resolutions[name]
    return None if strategy == "fail" else strategy


def _check_unused(resolutions: dict, conflicts: list[Conflict]) -> None:
    """A resolution that names no conflict is a typo, not something to ignore."""
    names = {c.key for c in conflicts} | {c.object_name for c in conflicts}
    unused = sorted(set(resolutions) - names)
    if unused:
        known = ", ".join(sorted(c.object_name for c in conflicts)) or "none"
        raise PggitError(f"resolution for {unused[0]!r} matches no conflict of this merge",
                         hint=f"Name an object in conflict (conflicts: {known}); "
                              "pggit.conflicts(source, target) lists them.",
                         sqlstate=errors.INVALID_PARAMETER)


class _State:
    """The three models' objects, and what the merge has decided for each key so far."""

    def __init__(self, base: Schema, ours: Schema, theirs: Schema):
        self.models = {"base": base, "ours": ours, "theirs": theirs}
        self.objs = {side: m.objects() for side, m in self.models.items()}
        self.chosen: dict[str, tuple[str, object]] = {}  # key -> (side, object or None)
        self.pending: dict[str, tuple[str, set]] = {}  # conflict key -> (kind, subtree)
        self.children = _children(self.objs)

    def get(self, side: str, key: str):
        return self.objs[side].get(key)

    def keys(self) -> list[str]:
        return sorted(set().union(*self.objs.values()))

    def decide(self, key: str, side: str) -> None:
        self.chosen[key] = (side, self.get(side, key))

    def subtree(self, key: str) -> set[str]:
        """`key` and everything living in it (columns, indexes, comments ...), in any model."""
        out, queue = set(), [key]
        while queue:
            k = queue.pop()
            if k not in out:
                out.add(k)
                queue.extend(self.children.get(k, ()))
        return out

    def dependents(self, keys: set[str], side: str) -> set[str]:
        """Everything of `side` that depends on one of `keys`, transitively (pg_depend)."""
        reverse: dict[str, list[str]] = {}
        for k, refs in self.models[side].deps.items():
            for ref in refs:
                reverse.setdefault(ref, []).append(k)
        out, queue = set(), list(keys)
        while queue:
            for dep in reverse.get(queue.pop(), ()):
                if dep not in out and dep not in keys:
                    out.add(dep)
                    queue.append(dep)
        return out

    def decide_conflict(self, key: str, winner: str) -> None:
        kind, keys = self.pending[key]
        for k in keys:
            self.decide(k, winner)
        if kind == "drop" and self.get(winner, key) is None:
            self._cascade_drop(keys)

    def _cascade_drop(self, dropped: set[str]) -> None:
        """Whatever the merge kept that needs a dropped object goes too (and its subtree)."""
        for side in SIDES:
            for dep in self.dependents(dropped, side):
                for k in self.subtree(dep):
                    self.chosen[k] = (side, None)

    def build(self) -> Schema:
        return _build(self)


def _children(objs: dict) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for side_objs in objs.values():
        for key, obj in side_objs.items():
            parent = _parent(obj)
            if parent is not None:
                out.setdefault(parent, set()).add(key)
    return out


def _parent(obj) -> str | None:
    """What an object lives in: its table, its target, or (a serial's sequence) its column."""
    if obj.object_type == "SEQUENCE" and obj.owned_by_table:
        return f"COLUMN {obj.owned_by_table}.{obj.owned_by_column}"
    return obj.parent


def _depth(state: _State, key: str) -> int:
    depth, obj = 0, next(state.get(s, key) for s in ("base", "ours", "theirs") if state.get(s, key))
    while obj is not None and _parent(obj) is not None:
        depth += 1
        obj = next((state.get(s, _parent(obj)) for s in ("base", "ours", "theirs")
                    if state.get(s, _parent(obj))), None)
    return depth


def _drops(state: _State) -> list[Conflict]:
    """Objects of the base dropped on exactly one side, parents before what lives in them."""
    candidates = [k for k in state.keys() if state.get("base", k) is not None
                  and (state.get("ours", k) is None) != (state.get("theirs", k) is None)]
    conflicts = []
    for key in sorted(candidates, key=lambda k: (_depth(state, k), k)):
        if key in state.chosen:
            continue  # inside a subtree already decided
        dropper = "ours" if state.get("ours", key) is None else "theirs"
        keeper = "theirs" if dropper == "ours" else "ours"
        subtree = state.subtree(key)
        touched = subtree | state.dependents(subtree, keeper)
        changed = sorted(k for k in touched if state.get(keeper, k) != state.get("base", k))
        if not changed:
            continue  # a plain one-sided drop: the per-key pass takes it
        for k in subtree:
            state.chosen[k] = ("conflict", None)
        state.pending[key] = ("drop", subtree)
        conflicts.append(_conflict(state, key, _drop_description(dropper, keeper, key, changed)))
    return conflicts


def _drop_description(dropper: str, keeper: str, key: str, changed: list[str]) -> str:
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return f"{_SIDE_NAMES[dropper]} dropped {key}; {_SIDE_NAMES[keeper]} changed {shown}"


_SIDE_NAMES = {"ours": "ours (the target)", "theirs": "theirs (the source)"}


def _changes(state: _State) -> list[Conflict]:
    conflicts = []
    for key in state.keys():
        if key in state.chosen:
            continue
        b, o, t = (state.get(s, key) for s in ("base", "ours", "theirs"))
        if o == t or t == b:
            state.decide(key, "ours")
        elif o == b:
            state.decide(key, "theirs")
        else:
            state.chosen[key] = ("conflict", None)
            state.pending[key] = ("change", {key})
            what = "added on both sides with different definitions" if b is None \
                else "changed differently on both sides"
            conflicts.append(_conflict(state, key, what))
    return conflicts


def _conflict(state: _State, key: str, description: str) -> Conflict:
    obj = next(state.get(s, key) for s in ("ours", "theirs", "base") if state.get(s, key) is not None)
    return Conflict(obj.object_type, obj.object_name, *(definition(state.get(s, key))
                    for s in ("base", "ours", "theirs")), description, key)


def definition(obj) -> str | None:
    """How a conflict shows one side's version: the SQL that creates it."""
    if obj is None:
        return None
    if isinstance(obj, Column):
        return obj.definition()
    return obj.create_sql()


def _build(state: _State) -> Schema:
    kept = {k: (side, obj) for k, (side, obj) in state.chosen.items() if obj is not None}
    columns: dict[str, list[Column]] = {}
    for key, (_, obj) in kept.items():
        if isinstance(obj, Column):
            columns.setdefault(obj.parent, []).append(obj)
    objects = []
    for key, (_, obj) in kept.items():
        if isinstance(obj, Table):
            objects.append(dataclasses.replace(obj, columns=_ordered(state, key, columns.get(key, []))))
        elif not isinstance(obj, Column):
            objects.append(obj)
    deps = {k: list(state.models[side].deps[k]) for k, (side, _) in kept.items()
            if k in state.models[side].deps}
    return Schema.of(objects, deps)


def _ordered(state: _State, table_key: str, cols: list[Column]) -> list[Column]:
    """Ours' column order first (the target's physical order), then theirs', then base's."""
    position: dict[str, int] = {}
    for side in ("ours", "theirs", "base"):
        table = state.get(side, table_key)
        for c in table.columns if table is not None else ():
            position.setdefault(c.key, len(position))
    return sorted(cols, key=lambda c: position.get(c.key, len(position)))
