"""The branch operations behind the SQL API: init, create_branch, delete_branch.

Branch main is the tracked schema (`public`) itself: init() moves nothing. Every other
branch is a schema `pggit_branch_<slug>` with a mask schema `pggit_mask_<slug>` beside
it (masks.py). switch_branch and connection_options live in SQL (pggit--1.0.sql): they
are on the hot path and need no Python. Every operation runs inside the caller's
statement, so a failure at any point rolls all of it back: no half-made branch.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager

from . import commits, errors, lens, masks
from .errors import PggitError
from .quoting import ident, literal
from .catalog import sql

MAIN = "main"
TRACKED_SCHEMA = "public"  # branch main's schema
SCHEMA_PREFIX = "pggit_branch_"
MASK_PREFIX = "pggit_mask_"
MAX_NAME = 200
MAX_IDENTIFIER = 63  # bytes, PostgreSQL's NAMEDATALEN - 1

# One advisory lock serialises everything that creates, drops or moves schemas.
LOCK_KEY = 0x70676769  # 'pggi' = 1885824873; the ddl_command_start event trigger takes it too


def schema_for(db, name: str) -> str:
    """The schema for a new branch: readable, lower-case, within 63 bytes, unused.

    A name that is too long, or whose plain slug is taken, gets a short hash of the
    full name appended, so two different names never share a schema.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "branch"
    schema = SCHEMA_PREFIX + slug
    if len(schema.encode()) > MAX_IDENTIFIER or schema_taken(db, schema) or schema_taken(db, mask_schema(schema)):
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        schema = f"{SCHEMA_PREFIX}{slug[: MAX_IDENTIFIER - len(SCHEMA_PREFIX) - 9]}_{digest}"
        if schema_taken(db, schema) or schema_taken(db, mask_schema(schema)):
            raise PggitError(f"schema {schema} for branch {name!r} already exists",
                             hint="Drop or rename that schema, or choose another branch name.",
                             sqlstate=errors.DUPLICATE_OBJECT)
    return schema


def mask_schema(schema: str) -> str:
    """The mask of a branch schema (pggit._mask_schema in SQL)."""
    return MASK_PREFIX + schema[len(SCHEMA_PREFIX):]


def schema_taken(db, schema: str) -> bool:
    return bool(db.query("SELECT 1 FROM pg_namespace WHERE nspname = $1 "
                         "UNION ALL SELECT 1 FROM pggit.branches WHERE schema_name = $1", (schema,)))


def check_name(name: str | None) -> str:
    if name is None or name == "":
        raise PggitError("branch name must not be empty",
                         hint="Give the branch a name, e.g. 'feature/users-api'.",
                         sqlstate=errors.INVALID_PARAMETER)
    if name != name.strip() or len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise PggitError(f"invalid branch name {name[:MAX_NAME]!r}",
                         hint=f"Use at most {MAX_NAME} characters, without control characters "
                              "or leading/trailing spaces.",
                         sqlstate=errors.INVALID_PARAMETER)
    return name


@contextmanager
def internal(db):
    """pggit's own DDL: the event triggers leave it alone, and it runs alone."""
    db.query("SELECT pg_advisory_xact_lock($1::bigint)", (LOCK_KEY,))
    # quiet: pggit's own DROP ... CASCADE of masks is not news to the caller
    saved = db.query("SELECT current_setting('client_min_messages') AS level, "
                     "coalesce(current_setting('pggit.internal', true), '') AS internal, "
                     "set_config('pggit.internal', 'on', true), "
                     "set_config('client_min_messages', 'warning', true)")[0]
    try:
        yield
    finally:  # as it was: an enclosing internal() stays internal
        db.query("SELECT set_config('pggit.internal', $1, true), "
                 "set_config('client_min_messages', $2, true)", (saved["internal"], saved["level"]))


def require_init(db) -> None:
    if not db.query("SELECT 1 FROM pggit.repository"):
        raise PggitError("this database is not under version control yet",
                         hint="Run SELECT pggit.init(); first.",
                         sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)


def get_branch(db, name: str | None) -> dict:
    rows = db.query("SELECT id, name, schema_name, parent_branch_id FROM pggit.branches WHERE name = $1",
                    (check_name(name),))
    if not rows:
        raise PggitError(f"branch {name!r} does not exist",
                         hint="SELECT name FROM pggit.list_branches(); shows the branches.",
                         sqlstate=errors.UNDEFINED_OBJECT)
    return rows[0]


def init(db) -> str:
    """Put the objects of `public` under version control as branch main, where they are."""
    with internal(db):
        if db.query("SELECT 1 FROM pggit.repository"):
            return "pggit: already initialised"
        db.query("INSERT INTO pggit.repository (tracked_schema) VALUES ($1)", (TRACKED_SCHEMA,))
        record_objects(db, TRACKED_SCHEMA)
        commits.commit_if_changed(db, commits.branch_with_head(db, MAIN),
                                  f"init: the objects of {TRACKED_SCHEMA} under version control")
    count = db.query("SELECT count(*) AS n FROM pggit.versioned_objects WHERE branch_id = 1")[0]["n"]
    return f"pggit: initialised; branch {MAIN} is schema {TRACKED_SCHEMA} as it is ({count} object(s) tracked)"


def run_all(db, query: str, *params) -> None:
    """Run every statement a catalog query writes (GRANTs, setval() calls)."""
    for row in db.query(sql(query), params):
        db.execute(row["statement"])


def record_objects(db, schema: str) -> None:
    db.query(sql("branch_record_objects"), (schema,))


def refresh(db, schema: str, tables=None) -> None:
    """After the objects of a branch's schema changed: versioned_objects, masks, lens.

    `tables`: main's tables whose lens views may have changed (None: any).
    """
    record_objects(db, schema)
    masks.sync(db, None if schema == TRACKED_SCHEMA else [schema])
    lens.regenerate(db, tables)


def create_branch(db, name: str, parent: str | None) -> str:
    require_init(db)
    name = check_name(name)
    source = get_branch(db, parent if parent is not None else MAIN)
    if db.query("SELECT 1 FROM pggit.branches WHERE name = $1", (name,)):
        raise PggitError(f"branch {name!r} already exists",
                         hint="Choose another name, or delete the branch first.",
                         sqlstate=errors.DUPLICATE_OBJECT)
    with internal(db):
        schema = schema_for(db, name)
        lock_tables(db, source["schema_name"])
        db.execute(f"CREATE SCHEMA {ident(schema)}")
        masks.create_schema(db, mask_schema(schema))
        run_all(db, "branch_schema_grants", source["schema_name"], schema)
        replay_schema(db, source["schema_name"], schema)
        copy_rows(db, source["schema_name"], schema)
        db.query("INSERT INTO pggit.branches (name, schema_name, parent_branch_id) VALUES ($1, $2, $3::bigint)",
                 (name, schema, source["id"]))
        commits.fork(db, source["name"], name)  # the fork point: merge finds its base here
        refresh(db, schema)
    return schema


def lock_tables(db, schema: str) -> None:
    """Writers wait while the rows are copied, so every table is read at one moment."""
    tables = db.query(sql("branch_copy_order"), (schema, schema))
    if tables:
        names = ", ".join(f"{ident(schema)}.{ident(t['name'])}" for t in tables)
        db.execute(f"LOCK TABLE {names} IN SHARE MODE")


def replay_schema(db, source: str, target: str) -> None:
    """Create in `target` every object of `source`, bound to `target`'s own objects."""
    from . import engine

    # the engine writes a session-wide SET for scripts run by hand; here it is local
    script = engine.create_script(db, source).replace(
        "SET check_function_bodies = false;", "SET LOCAL check_function_bodies = false;", 1)
    with search_path(db, target):  # the tracked schema follows: extensions' types live there
        if script.strip():
            db.execute(script)


@contextmanager
def search_path(db, schema: str):
    """Unqualified names reach `schema`, then the tracked schema (extensions' objects)."""
    old = db.query("SELECT current_setting('search_path') AS path")[0]["path"]
    path = ", ".join(dict.fromkeys([ident(schema), ident(TRACKED_SCHEMA)]))
    db.query("SELECT set_config('search_path', $1, true)", (path,))
    try:
        yield
    finally:
        db.query("SELECT set_config('search_path', $1, true)", (old,))


def copy_rows(db, source: str, target: str) -> None:
    for table in db.query(sql("branch_copy_order"), (source, target)):
        only = "" if table["partitioned"] else "ONLY "
        src, dst = f"{ident(source)}.{ident(table['name'])}", f"{ident(target)}.{ident(table['name'])}"
        cols = table["columns"]
        if not cols:
            continue
        db.execute(f"ALTER TABLE {dst} DISABLE TRIGGER USER")
        db.execute(f"INSERT INTO {dst} ({cols}) OVERRIDING SYSTEM VALUE "
                   f"SELECT {table['select_list']} FROM {only}{src}")
        db.execute(f"ALTER TABLE {dst} ENABLE TRIGGER USER")
    run_all(db, "branch_sequence_values", source, target)
    for view in db.query(sql("branch_populated_matviews"), (target,)):
        db.execute(f"REFRESH MATERIALIZED VIEW {ident(target)}.{ident(view['name'])}")


def delete_branch(db, name: str, force: bool) -> str:
    require_init(db)
    branch = get_branch(db, name)
    if branch["name"] == MAIN:
        raise PggitError("branch main cannot be deleted",
                         hint="main holds the tables everything else branches from.",
                         sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)
    if db.query("SELECT 1 FROM pggit.branches WHERE parent_branch_id = $1::bigint", (branch["id"],)) and not force:
        raise PggitError(f"branch {name!r} has branches made from it",
                         hint="Delete those first, or pass force => true.",
                         sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)
    if not force and has_unmerged_changes(db, branch):
        raise PggitError(f"branch {name!r} has changes that are not merged",
                         hint=f"Merge it, or delete it anyway with "
                              f"SELECT pggit.delete_branch({literal(name)}, force => true);",
                         sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)
    with internal(db):
        drop_schemas(db, branch["schema_name"])
        db.query("DELETE FROM pggit.branches WHERE id = $1::bigint", (branch["id"],))
        lens.regenerate(db)
    return f"pggit: deleted branch {name}"


def drop_schemas(db, schema: str) -> None:
    """A branch's schema and its mask."""
    for name in (schema, mask_schema(schema)):
        db.execute(f"DROP SCHEMA IF EXISTS {ident(name)} CASCADE")


def has_unmerged_changes(db, branch: dict) -> bool:
    """Does the branch's schema differ from its parent's (its work would be lost)?"""
    from . import engine

    parent = db.query("SELECT schema_name FROM pggit.branches WHERE id = $1::bigint", (branch["parent_branch_id"],))
    if not parent:
        return False
    return bool(engine.diff_schemas(db, parent[0]["schema_name"], db, branch["schema_name"]))


def after_ddl(db, schemas: list[str], tables: list[str] | None) -> None:
    """What the event triggers ask for after DDL on main's or a branch's schema.

    `schemas`: where objects came, went or were renamed. `tables`: the names of main's
    tables whose lens views and masks the DDL may have changed; empty: none; None: any
    (e.g. a type was altered).
    """
    with internal(db):
        for schema in schemas:
            if db.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", (schema,)):
                record_objects(db, schema)
                masks.sync(db, None if schema == TRACKED_SCHEMA else [schema])
            else:
                # the branch's schema was dropped by hand: the branch is gone with it
                db.execute(f"DROP SCHEMA IF EXISTS {ident(mask_schema(schema))} CASCADE")
                db.query("DELETE FROM pggit.branches WHERE schema_name = $1 AND id <> 1", (schema,))
                tables = None
        if tables is None or tables:
            if TRACKED_SCHEMA not in schemas:
                masks.sync(db, None, tables)  # main's tables changed: their stand-ins follow
            lens.regenerate(db, tables)
