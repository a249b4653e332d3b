"""pggit.merge and pggit.conflicts: the database side of the three-way merge.

`merge.merge_models` decides what the merged schema is; this module finds the models
(committing both sides first, so the merge joins two recorded states), serialises merges
into one target, and applies the result to the target's own tables, in place, rows kept.
It all runs inside the caller's statement: a conflict applies nothing, and a statement
the target's rows refuse raises an error that rolls every step back.
"""

from __future__ import annotations

import json
import re

from . import branches, commits, data, errors, identities, live, trees
from .diff import as_renamed, diff
from .errors import PggitError
from .merge import check_choices, merge_models
from .model import KINDS
from .quoting import bind_self, literal
from .render import render

# pg_advisory_xact_lock(MERGE_LOCK, target branch id): one merge per target at a time.
MERGE_LOCK = 0x6D657267  # 'merg'


def merge(db, source: str, target: str | None, strategy: str | None, resolutions) -> dict:
    src, tgt, strategy, resolutions = _arguments(db, source, target, strategy, resolutions)
    db.query("SELECT pg_advisory_xact_lock($1::int, $2::int)", (MERGE_LOCK, tgt["id"]))
    # the heads as the lock leaves them: a merge that waited sees the one before it
    src, tgt = commits.branch_with_head(db, src["name"]), commits.branch_with_head(db, tgt["name"])
    why = f"before merging {src['name']} into {tgt['name']}"
    src_head, theirs = commits.commit_if_changed(db, src, f"changes on {src['name']} {why}")
    tgt_head, ours = commits.commit_if_changed(db, tgt, f"changes on {tgt['name']} {why}")
    base = _base(db, src, tgt)
    heads = {"base_commit": base, "source_commit": src_head, "target_commit": tgt_head}
    if base == src_head:
        return _record(db, src, tgt, heads, "up_to_date", tgt_head,
                       f"pggit: {tgt['name']} already contains {src['name']}; nothing to merge")
    if base == tgt_head:
        n = apply(db, tgt, ours, theirs, trees.between(*(commits.parsed(db, h)[1] for h in (tgt_head, src_head))))
        commits.set_head(db, tgt, src_head)
        return _record(db, src, tgt, heads, "fast_forward", src_head,
                       f"pggit: fast-forwarded {tgt['name']} to {src['name']} ({n} change(s) applied)")
    merged, conflicts, scope = merge_commits(db, base, tgt_head, src_head, strategy, resolutions)
    if conflicts:
        return _record(db, src, tgt, heads, "conflicts", None, _conflict_message(src, tgt, conflicts),
                       conflicts)
    n = apply(db, tgt, ours, merged, scope)
    digest = commits.commit_live(db, tgt, [tgt_head, src_head], f"merge {src['name']} into {tgt['name']}")
    return _record(db, src, tgt, {**heads, "merge_commit": digest}, "merged", digest,
                   f"pggit: merged {src['name']} into {tgt['name']} ({n} change(s) applied)")


def merge_commits(db, base: str, ours: str, theirs: str, strategy: str = "fail", resolutions=None):
    """merge_models over three commits, given only what is not the same in all three
    (their trees name it); everything else is taken as it is on our side. Returns the
    merged model, the conflicts, and the scope of the change from ours (trees.narrowed)."""
    (b, b_tree), (o, o_tree), (t, t_tree) = (commits.parsed(db, h) for h in (base, ours, theirs))
    homes = trees.differing(b_tree, o_tree, t_tree)
    keys, tables = trees.keys_in(homes, b_tree, o_tree, t_tree)
    part, found = merge_models(*(trees.only(m, keys, tables) for m in (b, o, t)), strategy, resolutions)
    # (the merged part may hold keys no commit has: one side's object under the other's new name)
    made = {k for kind in KINDS for k in getattr(part, kind)} | part.deps.keys()
    homes |= {trees.dep_home(k) for k in made}
    return trees.overlay(o, keys, tables, part), found, (homes, [o_tree, b_tree, t_tree], made)


def conflicts(db, source: str, target: str | None) -> list[dict]:
    """What merge(source, target) would report as conflicts now; changes nothing."""
    src, tgt, _, _ = _arguments(db, source, target, "fail", None)
    base = commits.snapshot(db, _base(db, src, tgt))
    _, found = merge_models(base, commits.live_model(db, tgt), commits.live_model(db, src))
    return [c.to_dict() for c in found]


def _arguments(db, source, target, strategy, resolutions):
    branches.require_init(db)
    src = commits.branch_with_head(db, source)
    tgt = commits.branch_with_head(db, target)  # None: the session's branch
    if src["id"] == tgt["id"]:
        raise PggitError(f"cannot merge branch {src['name']!r} into itself",
                         hint="Name another source, or switch to the branch to merge into.",
                         sqlstate=errors.INVALID_PARAMETER)
    strategy = "fail" if strategy is None else strategy
    resolutions = _resolutions(resolutions)
    check_choices(strategy, resolutions)
    return src, tgt, strategy, resolutions


def _resolutions(value) -> dict:
    """jsonb {"users.email": "theirs", ...}; PL/Python hands jsonb over as text."""
    if value is None:
        return {}
    data = json.loads(value) if isinstance(value, str) else value
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise PggitError("resolutions must be a JSON object of object names and 'ours' or 'theirs'",
                         hint='For example: resolutions => \'{"users.email": "theirs"}\'',
                         sqlstate=errors.INVALID_PARAMETER)
    return data


def _base(db, src: dict, tgt: dict) -> str:
    base = commits.merge_base_of(db, src["head"], tgt["head"])
    if base is None:
        raise PggitError(f"branches {src['name']!r} and {tgt['name']!r} have no common commit",
                         hint="Merge needs a recorded fork point: branches made with pggit.create_branch "
                              "have one. Commit both (pggit.commit) after recreating the branch.",
                         sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)
    return base


def _conflict_message(src, tgt, conflicts) -> str:
    names = ", ".join(c.object_name for c in conflicts[:5]) + (", ..." if len(conflicts) > 5 else "")
    return (f"pggit: {len(conflicts)} conflict(s) merging {src['name']} into {tgt['name']} ({names}); "
            f"nothing applied. See pggit.conflicts({literal(src['name'])}, {literal(tgt['name'])}), then merge "
            "again with strategy => 'ours' or 'theirs', or resolutions => '{\"<object>\": \"theirs\"}'")


def _record(db, src, tgt, heads, status, digest, message, conflicts=()) -> dict:
    db.as_owner("INSERT INTO pggit.merge_history (source_branch, target_branch, base_commit, source_commit, "
                "target_commit, merge_commit, status, conflicts, merged_by) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::name)",
                (src["name"], tgt["name"], heads["base_commit"], heads["source_commit"], heads["target_commit"],
                 heads.get("merge_commit"), status, json.dumps([c.to_dict() for c in conflicts]),
                 db.role()))
    return {"status": status, "commit_hash": digest, "conflicts": len(conflicts), "message": message}


# --- applying a model to a branch's tables -----------------------------------------------

_MARK = "-- pggit:change "
_SPLIT = re.compile(r"^-- pggit:change (\d+)\n", re.M)


def apply(db, branch: dict, old, new, scope=None) -> int:
    """Turn the branch's schema from `old` (its live model) into `new`, rows kept.

    Runs the engine's script one change at a time, so a statement the rows refuse is
    reported with the object it was changing; the error rolls back everything.
    Then the rows that travel with the schema (data.py). Returns the number of changes
    applied, rows included. `scope` (trees.narrowed): where alone `new` differs from `old`.
    """
    schema = branch["schema_name"]
    rows = old.rows, new.rows
    old, new = trees.narrowed(old, new, scope)
    changes = diff(old, new, one_transaction=True, runner=db.role())
    with branches.internal(db):
        if changes:
            renamed = as_renamed(old, new)  # what the changes apply to: old under new's names
            chunks = _chunks(changes, renamed, new, schema)
            with branches.search_path(db, schema):
                # function bodies may name objects created later in the script (render's own SET is session-wide)
                with db.local_settings(check_function_bodies="off"):
                    for change, sql in chunks:
                        _run(db, branch, change, sql)
            identities.adopt(db, schema, renamed, new)
            names, small = live.changed(renamed, new)
            live.touch(db, schema, names, small)
        rows = data.apply(db, schema, *rows)
        if changes:
            # masks follow the relations changed; a function or type: every stand-in
            branches.refresh(db, schema, routed_tables(old, new), None if small else names)
    return len(changes) + rows


def routed_tables(old, new) -> set[str] | None:
    """The tables whose lens views a change from `old` to `new` can alter; None: any.

    The lens reads a table's columns and primary key; a changed type can reach any
    column, so then everything is regenerated.
    """
    if old.types != new.types:
        return None
    names = set()
    for key in old.tables.keys() | new.tables.keys():
        a, b = old.tables.get(key), new.tables.get(key)
        if a is None or b is None or a != b or a.columns != b.columns:
            names.add((a or b).name)
    for key in old.constraints.keys() ^ new.constraints.keys():
        names.add((old.constraints.get(key) or new.constraints.get(key)).table)
    for key in old.constraints.keys() & new.constraints.keys():
        if old.constraints[key] != new.constraints[key]:
            names.add(new.constraints[key].table)
    return names


def _chunks(changes, old, new, schema: str) -> list[tuple[object, str]]:
    """The rendered script cut at each change's first statement (a comment marks it).

    Statements render() adds on its own (rebuilding what depends on a changed object)
    stay with the change just before them, which is the one that needed them.
    """
    for i, change in enumerate(changes):
        for step in change.steps:
            if step.sql:
                step.sql = f"{_MARK}{i}\n{step.sql}"
                break
    script = bind_self(render(changes, old, new), schema).replace("SET check_function_bodies = false;\n", "", 1)
    parts = _SPLIT.split(script)
    out = [(None, parts[0])] if parts[0].strip() else []
    out += [(changes[int(i)], sql) for i, sql in zip(parts[1::2], parts[2::2]) if sql.strip()]
    return out


def _run(db, branch: dict, change, sql: str) -> None:
    try:
        db.execute(sql)
    except PggitError:
        raise
    except Exception as e:  # plpy.SPIError inside the server, psycopg.Error outside
        what = f"{change.object_type} {change.object_name}" if change else "a dependent object"
        reason = str(e.args[0] if e.args else e).splitlines()[0]
        state = getattr(e, "sqlstate", None)
        raise PggitError(f"merge into {branch['name']!r} failed at {what}: {reason}",
                         hint=_hint(state), sqlstate=state or errors.OBJECT_NOT_IN_PREREQUISITE_STATE) from e


def _hint(state: str | None) -> str:
    state = state or ""
    return _HINTS.get(state) or _HINTS.get(state[:2]) or _HINT


_HINT = ("Nothing was applied. Change the source branch or the target's rows so the change fits, "
         "then merge again.")
_HINTS = {
    "23502": "The target has rows with no value there. Give the column a DEFAULT on the source branch, "
             "or fill it on the target, then merge again; nothing was applied.",
    "23505": "The target has duplicate values. Remove them on the target, or drop the UNIQUE on the source "
             "branch, then merge again; nothing was applied.",
    "23514": "The target has rows the CHECK refuses. Fix them, or relax the CHECK on the source branch, "
             "then merge again; nothing was applied.",
    "23503": "The target has rows the FOREIGN KEY refuses. Fix them on the target, then merge again; "
             "nothing was applied.",
    "22": "A value of the target cannot be cast to the new type. Fix the rows, or choose another type "
             "on the source branch, then merge again; nothing was applied.",
}
