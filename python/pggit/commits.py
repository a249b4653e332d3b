"""Commits: content-addressed snapshots of a branch's schema model, and the graph they form.

A commit stores the branch's model as canonical JSON (`Schema.to_json`) and its hash is
sha256 over that snapshot, the parent hashes, the author, the time and the message, as
in git: the same schema committed twice still gets two commits, and a commit's hash
pins everything it says. `pggit.branches.head_commit_hash` is the branch's latest commit.
"""

from __future__ import annotations

import hashlib
import json
import re

from . import branches, errors, live
from .errors import PggitError
from .quoting import bind_self

_HEX = re.compile(r"^[0-9a-f]{7,64}$")


def current_branch(db) -> str:
    return db.query("SELECT pggit.current_branch() AS name")[0]["name"]


def branch_with_head(db, name: str | None) -> dict:
    """The branch row (name defaults to the session's branch) with its head commit."""
    branch = branches.get_branch(db, name if name is not None else current_branch(db))
    head = db.query("SELECT head_commit_hash FROM pggit.branches WHERE id = $1::bigint", (branch["id"],))
    return {**branch, "head": head[0]["head_commit_hash"]}


def live_model(db, branch: dict):
    """The branch's schema now (live.py reads only what changed since pggit last did)."""
    return live.read(db, branch, lambda digest: _parsed(db, digest)[0])[0]


# Commits parsed in this session, newest last: {hash: (model, canonical JSON)}. A commit
# never changes, so its hash is all a cached copy needs.
_PARSED: dict = {}
_PARSED_KEEP = 8


def _parsed(db, commit_hash: str):
    if commit_hash not in _PARSED:
        from .model import Schema

        rows = db.query("SELECT snapshot::text AS snapshot FROM pggit.commits WHERE hash = $1", (commit_hash,))
        model = Schema.from_json(rows[0]["snapshot"])
        _remember(commit_hash, model, model.to_json())
    return _PARSED[commit_hash]


def snapshot(db, commit_hash: str | None):
    """The model stored in a commit (the empty schema for no commit)."""
    from .model import Schema

    if commit_hash is None:
        return Schema()
    return _parsed(db, commit_hash)[0].copy()


def commit_hash(snapshot_json: str, parents: list[str], author: str, when: str, message: str) -> str:
    """git's idea: the hash covers the content, where it came from, who, when and why."""
    snap = hashlib.sha256(snapshot_json.encode()).hexdigest()
    text = f"snapshot {snap}\nparents {' '.join(parents)}\nauthor {author}\ntime {when}\n\n{message}"
    return hashlib.sha256(text.encode()).hexdigest()


def write(db, branch: dict, model, parents: list[str], message: str, snapshot_json: str | None = None) -> str:
    """Store a commit of `model` on `branch` and make it the branch's head."""
    snapshot_json = snapshot_json or model.to_json()
    who = db.query("SELECT current_user::text AS author, to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                   "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at")[0]
    digest = commit_hash(snapshot_json, parents, who["author"], who["at"], message)
    db.as_owner("INSERT INTO pggit.commits (hash, branch_id, parents, message, author, \"timestamp\", snapshot) "
                "VALUES ($1, $2::bigint, string_to_array($3, ' '), $4, $5::name, $6::timestamptz, $7::jsonb) "
                "ON CONFLICT (hash) DO NOTHING",
                (digest, branch["id"], " ".join(parents), message, who["author"], who["at"], snapshot_json))
    set_head(db, branch, digest)
    _remember(digest, model, snapshot_json)
    return digest


def _remember(commit_hash: str, model, snapshot_json: str) -> None:
    """Keep a commit just written as parsed: the next operation starts from it."""
    _PARSED[commit_hash] = (model.copy(), snapshot_json)
    while len(_PARSED) > _PARSED_KEEP:
        del _PARSED[next(iter(_PARSED))]


def set_head(db, branch: dict, digest: str) -> None:
    db.as_owner("UPDATE pggit.branches SET head_commit_hash = $1 WHERE id = $2::bigint", (digest, branch["id"]))
    branch["head"] = digest


def commit_if_changed(db, branch: dict, message: str):
    """The branch's head after committing what changed since it: (hash, live model)."""
    model, state = live.read(db, branch, lambda digest: _parsed(db, digest)[0])
    head = branch["head"]
    if head is not None and state.get("unchanged") == head and _rows(model) == _rows(_parsed(db, head)[0]):
        digest = head  # no DDL since the head, nor a row of what travels with the schema
    else:
        snapshot_json = model.to_json()
        if head is not None and _parsed(db, head)[1] == snapshot_json:
            digest = head
        else:
            digest = write(db, branch, model, [head] if head else [], message, snapshot_json)
    if state["ids"] or state.get("unchanged") != digest:
        live.settle(db, branch, digest, state)
    return digest, model


def commit(db, branch_name: str | None, message: str | None) -> str:
    """pggit.commit(): snapshot the branch; with nothing changed, its head is returned as is."""
    branches.require_init(db)
    if message is None or not message.strip():
        raise PggitError("a commit needs a message",
                         hint="Say what changed, e.g. SELECT pggit.commit('add users.email_verified');",
                         sqlstate=errors.INVALID_PARAMETER)
    branch = branch_with_head(db, branch_name)
    head, _ = commit_if_changed(db, branch, message)
    return head


def fork(db, parent_name: str, child_name: str) -> str:
    """Record a new branch's fork point: commit the parent, and start the child at that commit."""
    parent = branch_with_head(db, parent_name)
    head, _ = commit_if_changed(db, parent, f"state of {parent_name} when {child_name} was created")
    child = branch_with_head(db, child_name)
    set_head(db, child, head)
    live.settle(db, child, head, {"ids": []})  # the child is a copy of the parent: its schema is `head`
    return head


def _rows(model) -> str:
    return json.dumps(model.rows, sort_keys=True)


def commit_live(db, branch: dict, parents: list[str], message: str) -> str:
    """Commit the branch's schema as it is now, changed or not (a merge commit)."""
    model, state = live.read(db, branch, lambda digest: _parsed(db, digest)[0])
    digest = write(db, branch, model, parents, message)
    live.settle(db, branch, digest, state)
    return digest


def resolve_commit(db, ref: str | None) -> str | None:
    """A branch name → its head commit; a (possibly abbreviated) hash → the full hash."""
    if ref is not None and db.query("SELECT 1 FROM pggit.branches WHERE name = $1", (ref,)):
        return branch_with_head(db, ref)["head"]
    if ref is not None and _HEX.match(ref):
        rows = db.query("SELECT hash FROM pggit.commits WHERE hash LIKE $1 || '%' LIMIT 2", (ref,))
        if len(rows) == 1:
            return rows[0]["hash"]
        if rows:
            raise PggitError(f"commit {ref!r} is ambiguous", hint="Give more digits of the hash.",
                             sqlstate=errors.INVALID_PARAMETER)
    raise PggitError(f"no branch or commit named {ref!r}",
                     hint="SELECT name FROM pggit.list_branches(); shows the branches, "
                          "SELECT hash FROM pggit.log(); the commits.",
                     sqlstate=errors.UNDEFINED_OBJECT)


def resolve(db, ref: str):
    """The model `ref` names: a branch's live schema, or a commit's snapshot."""
    branches.require_init(db)
    if db.query("SELECT 1 FROM pggit.branches WHERE name = $1", (ref,)):
        return live_model(db, branch_with_head(db, ref))
    return snapshot(db, resolve_commit(db, ref))


_LOG = """
WITH RECURSIVE walk(hash) AS (
    SELECT $1::text
    UNION
    SELECT p FROM walk JOIN pggit.commits c USING (hash), unnest(c.parents) AS p
)
SELECT c.hash, c.parents, c.author::text AS author, c.message, c."timestamp"
  FROM walk JOIN pggit.commits c USING (hash)
 ORDER BY c."timestamp" DESC, c.hash
"""


def log(db, ref: str | None) -> list[dict]:
    """Every commit reachable from the branch's head (or a commit), newest first."""
    branches.require_init(db)
    head = branch_with_head(db, None)["head"] if ref is None else resolve_commit(db, ref)
    return db.query(_LOG, (head,)) if head else []


_BASE = """
WITH RECURSIVE
a(hash) AS (SELECT $1::text UNION SELECT p FROM a JOIN pggit.commits c USING (hash), unnest(c.parents) AS p),
b(hash) AS (SELECT $2::text UNION SELECT p FROM b JOIN pggit.commits c USING (hash), unnest(c.parents) AS p)
SELECT c.hash FROM pggit.commits c JOIN a USING (hash) JOIN b USING (hash)
 ORDER BY c."timestamp" DESC, c.hash LIMIT 1
"""


def merge_base_of(db, a: str | None, b: str | None) -> str | None:
    """The nearest common ancestor of two commits.

    A commit is always younger than its parents, so the newest common ancestor is never
    an ancestor of another common ancestor: it is a best merge base (git's definition).
    """
    if a is None or b is None:
        return None
    rows = db.query(_BASE, (a, b))
    return rows[0]["hash"] if rows else None


def merge_base(db, a: str, b: str) -> str | None:
    branches.require_init(db)
    return merge_base_of(db, resolve_commit(db, a), resolve_commit(db, b))


def status(db) -> list[dict]:
    """What changed on the session's branch since its head commit, as schema_diff rows."""
    from .diff import diff

    branches.require_init(db)
    branch = branch_with_head(db, None)
    changes = diff(snapshot(db, branch["head"]), live_model(db, branch), runner=db.role())
    return [change_row(c) for c in changes]


def diff_refs(db, a: str, b: str) -> list[dict]:
    """schema_diff over refs: the changes turning `a` into `b` (branch names or commit hashes)."""
    from .diff import diff

    return [change_row(c) for c in diff(resolve(db, a), resolve(db, b), runner=db.role())]


def change_row(change) -> dict:
    return {"change_type": change.change_type, "object_type": change.object_type,
            "object_name": change.object_name, "sql_to_sync": bind_self(change.sql_to_sync, branches.TRACKED_SCHEMA),
            "hazards": list(change.hazards), "description": change.description or None}
