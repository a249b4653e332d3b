"""Commits: content-addressed trees of a branch's schema model, and the graph they form.

A commit names the tree of the branch's model (trees.py: blobs and trees in
`pggit.objects`, shared with every commit whose content is the same) and its hash is
sha256 over that tree's id, the parent hashes, the author, the time and the message, as
in git: the same schema committed twice still gets two commits, and a commit's hash
pins everything it says. `pggit.branches.head_commit_hash` is the branch's latest commit.
"""

from __future__ import annotations

import hashlib
import re

from . import branches, errors, live, trees
from .errors import PggitError
from .quoting import bind_self, text_array

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
    return live.read(db, branch, lambda digest: parsed(db, digest))[0]


# Commits parsed in this session, newest last: {hash: (model, tree)}. A commit never
# changes, so its hash is all a cached copy needs.
_PARSED: dict = {}
_PARSED_KEEP = 8


def parsed(db, commit_hash: str):
    """A commit's (model, tree), not to be changed: copy the model to change it."""
    if commit_hash not in _PARSED:
        tree = db.query("SELECT tree FROM pggit.commit_log WHERE hash = $1", (commit_hash,))[0]["tree"]
        _remember(commit_hash, *read_tree(db, tree))
    return _PARSED[commit_hash]


def read_tree(db, tree: str):
    """The model and tree stored under a tree id. What it shares with commits parsed in
    the session (most of it, usually) is taken from them; only other blobs are read."""
    rows = db.query(trees.READ_TREES, (tree,))
    if not any(r["hash"] == tree for r in rows):
        raise PggitError(f"no tree {tree!r} in pggit.objects",
                         hint="A commit's tree is pggit.commit_log.tree; SELECT hash FROM pggit.log(); lists the commits.",
                         sqlstate=errors.UNDEFINED_OBJECT)
    nodes = trees.nodes_of(rows)
    blobs = trees.blobs_of(nodes)
    known = list(_PARSED.values())
    have = {digest for _, t in known for digest in t.blobs.values()}
    missing = sorted(set(blobs.values()) - have)
    bodies = {r["hash"]: r["body"] for r in db.query(trees.READ_BLOBS, (text_array(missing),))} if missing else {}
    if len(bodies) < len(missing):
        raise PggitError(f"tree {tree!r} names blobs that are not in pggit.objects",
                         hint="pggit.objects lost rows it needs (restored in part?): restore it whole.",
                         sqlstate=errors.DATA_CORRUPTED)
    return trees.load(tree, nodes, blobs, bodies, known)


def snapshot(db, commit_hash: str | None):
    """The model stored in a commit (the empty schema for no commit)."""
    from .model import Schema

    if commit_hash is None:
        return Schema()
    return parsed(db, commit_hash)[0].copy()


def commit_hash(tree: str, parents: list[str], author: str, when: str, message: str) -> str:
    """git's idea: the hash covers the content, where it came from, who, when and why."""
    text = f"tree {tree}\nparents {' '.join(parents)}\nauthor {author}\ntime {when}\n\n{message}"
    return hashlib.sha256(text.encode()).hexdigest()


def store(db, model, parent_hash: str | None, state: dict | None = None):
    """The tree of `model`, its new objects written (cut against a parent commit's tree;
    `state`: live.read's, which knows what alone may differ from it)."""
    candidates = live.candidates(state, parent_hash) if state and parent_hash else None
    tree, new = trees.build(model, parsed(db, parent_hash) if parent_hash else None, candidates)
    if new:
        db.as_owner("INSERT INTO pggit.objects (hash, kind, body) "
                    "SELECT e.key, e.value OPERATOR(pg_catalog.->>) 0, e.value OPERATOR(pg_catalog.->>) 1 "
                    "FROM pg_catalog.jsonb_each($1::jsonb) AS e ON CONFLICT (hash) DO NOTHING",
                    (trees.payload(new),))
    return tree


def write(db, branch: dict, model, parents: list[str], message: str, tree=None, state=None) -> str:
    """Store a commit of `model` on `branch` and make it the branch's head."""
    tree = tree or store(db, model, parents[0] if parents else None, state)
    who = db.query("SELECT current_user::text AS author, to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                   "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at")[0]
    digest = commit_hash(tree.root, parents, who["author"], who["at"], message)
    db.as_owner("INSERT INTO pggit.commit_log (hash, branch_id, parents, message, author, \"timestamp\", tree) "
                "VALUES ($1, $2::bigint, string_to_array($3, ' '), $4, $5::name, $6::timestamptz, $7) "
                "ON CONFLICT (hash) DO NOTHING",
                (digest, branch["id"], " ".join(parents), message, who["author"], who["at"], tree.root))
    set_head(db, branch, digest)
    _remember(digest, model, tree)
    return digest


def _remember(commit_hash: str, model, tree) -> None:
    """Keep a commit as parsed: the next operation starts from it."""
    _PARSED[commit_hash] = (model.copy(), tree)
    while len(_PARSED) > _PARSED_KEEP:
        del _PARSED[next(iter(_PARSED))]


def set_head(db, branch: dict, digest: str) -> None:
    db.as_owner("UPDATE pggit.branches SET head_commit_hash = $1 WHERE id = $2::bigint", (digest, branch["id"]))
    branch["head"] = digest


def commit_if_changed(db, branch: dict, message: str):
    """The branch's head after committing what changed since it: (hash, live model)."""
    model, state = live.read(db, branch, lambda digest: parsed(db, digest))
    head = branch["head"]
    if head is not None and state.get("unchanged") == head and model.rows == parsed(db, head)[0].rows:
        digest = head  # no DDL since the head, nor a row of what travels with the schema
    else:
        tree = store(db, model, head, state)
        if head is not None and parsed(db, head)[1].root == tree.root:
            digest = head
        else:
            digest = write(db, branch, model, [head] if head else [], message, tree)
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


def commit_live(db, branch: dict, parents: list[str], message: str) -> str:
    """Commit the branch's schema as it is now, changed or not (a merge commit)."""
    model, state = live.read(db, branch, lambda digest: parsed(db, digest))
    digest = write(db, branch, model, parents, message, state=state)
    live.settle(db, branch, digest, state)
    return digest


def _is_branch(db, ref: str | None) -> bool:
    return ref is not None and bool(db.query("SELECT 1 FROM pggit.branches WHERE name = $1", (ref,)))


def resolve_commit(db, ref: str | None) -> str | None:
    """A branch name → its head commit; a (possibly abbreviated) hash → the full hash."""
    if _is_branch(db, ref):
        return branch_with_head(db, ref)["head"]
    if ref is not None and _HEX.match(ref):
        rows = db.query("SELECT hash FROM pggit.commit_log WHERE hash LIKE $1 || '%' LIMIT 2", (ref,))
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
    if _is_branch(db, ref):
        return live_model(db, branch_with_head(db, ref))
    return snapshot(db, resolve_commit(db, ref))


_LOG = """
WITH RECURSIVE walk(hash) AS (
    SELECT $1::text
    UNION
    SELECT p FROM walk JOIN pggit.commit_log c USING (hash), unnest(c.parents) AS p
)
SELECT c.hash, c.parents, c.author::text AS author, c.message, c."timestamp"
  FROM walk JOIN pggit.commit_log c USING (hash)
 ORDER BY c."timestamp" DESC, c.hash
"""


def log(db, ref: str | None) -> list[dict]:
    """Every commit reachable from the branch's head (or a commit), newest first."""
    branches.require_init(db)
    head = branch_with_head(db, None)["head"] if ref is None else resolve_commit(db, ref)
    return db.query(_LOG, (head,)) if head else []


_BASE = """
WITH RECURSIVE
a(hash) AS (SELECT $1::text UNION SELECT p FROM a JOIN pggit.commit_log c USING (hash), unnest(c.parents) AS p),
b(hash) AS (SELECT $2::text UNION SELECT p FROM b JOIN pggit.commit_log c USING (hash), unnest(c.parents) AS p)
SELECT c.hash FROM pggit.commit_log c JOIN a USING (hash) JOIN b USING (hash)
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
    head = _with_tree(db, None if branch["head"] is None else parsed(db, branch["head"]))
    changes = diff(*_narrowed(head, _live_with_tree(db, branch)), runner=db.role())
    return [change_row(c) for c in changes]


def diff_refs(db, a: str, b: str) -> list[dict]:
    """schema_diff over refs: the changes turning `a` into `b` (branch names or commit hashes)."""
    from .diff import diff

    return [change_row(c) for c in diff(*compared(db, a, b), runner=db.role())]


def compared(db, a: str, b: str):
    """The models of refs `a` and `b` (see `resolve`), cut down to what differs between
    them and what depends on it (trees.narrowed): what a diff of the two needs."""
    return _narrowed(_resolve_with_tree(db, a), _resolve_with_tree(db, b))


def _narrowed(a, b):
    return trees.narrowed(a[0], b[0], trees.between(a[1], b[1]))


def _resolve_with_tree(db, ref: str):
    """`resolve`, with the model's tree."""
    branches.require_init(db)
    if _is_branch(db, ref):
        return _live_with_tree(db, branch_with_head(db, ref))
    return _with_tree(db, parsed(db, resolve_commit(db, ref)))


def _live_with_tree(db, branch: dict):
    """A branch's live model and its tree, cut from the commit the read started from."""
    model, state = live.read(db, branch, lambda digest: parsed(db, digest))
    base = state.get("base") or state.get("unchanged")
    parent = parsed(db, base) if base else None
    return model, trees.build(model, parent, live.candidates(state, base) if base else None)[0]


def _with_tree(db, commit):
    """A commit's (model, tree) to diff: the model copied (the empty schema for none)."""
    from .model import Schema

    if commit is None:
        return Schema(), trees.build(Schema())[0]
    return commit[0].copy(), commit[1]


def change_row(change) -> dict:
    return {"change_type": change.change_type, "object_type": change.object_type,
            "object_name": change.object_name, "sql_to_sync": bind_self(change.sql_to_sync, branches.TRACKED_SCHEMA),
            "hazards": list(change.hazards), "description": change.description or None}
