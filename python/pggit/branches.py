"""The branch operations behind the SQL API: init, create_branch, delete_branch.

Branch main is the tracked schema (`public`) itself: init() moves nothing. Every other
branch is a schema `pggit_branch_<slug>` with a mask schema `pggit_mask_<slug>` beside
it (masks.py). switch_branch and connection_options live in SQL (pggit--1.0.sql): they
are on the hot path and need no Python. Every operation runs inside the caller's
statement, so a failure at any point rolls all of it back: no half-made branch.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from contextlib import contextmanager

from . import commits, data, engine, errors, guard, identities, lens, masks
from .catalog import TRACKED_SCHEMA, filtered, sql
from .errors import PggitError
from .model import Schema
from .quoting import ident, literal, qualified, text_array

MAIN = "main"
SCHEMA_PREFIX = "pggit_branch_"
MASK_PREFIX = "pggit_mask_"
MAX_NAME = 200
MAX_IDENTIFIER = 63  # bytes, PostgreSQL's NAMEDATALEN - 1

# One advisory lock serialises pggit's own operations (never other sessions' DDL).
LOCK_KEY = 0x70676769  # 'pggi' = 1885824873


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
def internal(db, lock: bool = True):
    """pggit's own DDL: the event triggers leave it alone (guard.internal), and with
    `lock` it runs alone among pggit's operations."""
    if lock:
        db.query("SELECT pg_advisory_xact_lock($1::bigint)", (LOCK_KEY,))
    # quiet: pggit's own DROP ... CASCADE of masks is not news to the caller
    with db.local_settings(client_min_messages="warning"), guard.internal():
        yield


def check_branch_schema(schema: str) -> str:
    """A schema pggit may act on as a branch's: one of its own branch schemas.

    Defence in depth: the metadata is written by pggit alone, and even so a row that
    names another schema never leads pggit to change or drop it.
    """
    if not schema.startswith(SCHEMA_PREFIX):
        raise PggitError(f"schema {schema} is not a pggit branch schema; pggit will not change it",
                         hint="pggit.branches names a schema pggit did not make: restore the metadata "
                              "from a dump, or detach and init again.",
                         sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)
    return schema


def branch_schemas(rows: list[dict]) -> list[dict]:
    """Branch rows, each checked to name one of pggit's branch schemas."""
    for row in rows:
        check_branch_schema(row["schema_name"])
    return rows


def require_init(db) -> None:
    if not db.query("SELECT 1 FROM pggit.repository"):
        raise PggitError("this database is not under version control yet",
                         hint="Run SELECT pggit.init(); first.",
                         sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)


def require_repository_owner(db, what: str) -> None:
    """What changes the whole repository (detach, the lens) is for the role that ran
    init() (its members, superusers), not for every member of pggit_user."""
    row = db.query("SELECT initialized_by::text AS owner, pg_catalog.pg_has_role(initialized_by, 'MEMBER') AS ok "
                   "FROM pggit.repository")[0]
    if not row["ok"]:
        raise PggitError(f"only role {row['owner']!r}, which ran init(), or its members may {what}",
                         hint=f"Ask {row['owner']} (or a superuser) to do it, or to GRANT {row['owner']} TO you.",
                         sqlstate=errors.INSUFFICIENT_PRIVILEGE)


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
        db.as_owner("INSERT INTO pggit.repository (tracked_schema, initialized_by) VALUES ($1, $2::name)",
                    (TRACKED_SCHEMA, db.role()))
        record_objects(db, TRACKED_SCHEMA)
        warn_unmanaged(db, TRACKED_SCHEMA)
        commits.commit_if_changed(db, commits.branch_with_head(db, MAIN),
                                  f"init: the objects of {TRACKED_SCHEMA} under version control")
    count = db.query("SELECT count(*) AS n FROM pggit.versioned_objects WHERE branch_id = 1")[0]["n"]
    return f"pggit: initialised; branch {MAIN} is schema {TRACKED_SCHEMA} as it is ({count} object(s) tracked)"


def warn_unmanaged(db, schema: str) -> None:
    """Say which objects of `schema` pggit leaves alone: branches share them with main."""
    found = db.query(sql("unmanaged"), (schema,))
    if found:
        kinds = "; ".join(f"{r['n']} {r['kind']}(s): {r['examples']}{', ...' if r['n'] > 3 else ''}" for r in found)
        db.warning(f"pggit: schema {schema} has objects pggit does not version ({kinds})",
                   hint="Every branch uses main's (they are found through search_path), and schema_diff, "
                        "merge and patches do not see changes to them; see \"What pggit does not manage\" "
                        "in docs/USER_GUIDE.md.")


def run_all(db, query: str, *params) -> None:
    """Run every statement a catalog query writes (GRANTs, setval() calls)."""
    for row in db.query(sql(query), params):
        db.execute(row["statement"])


def record_objects(db, schema: str, relations=None) -> None:
    """pggit.versioned_objects for `schema`; `relations`: only for these names (None: all)."""
    names = None if relations is None else text_array(sorted(relations))
    db.as_owner(filtered("branch_record_objects", relations is not None), (schema, names))


def refresh(db, schema: str, tables=None, relations=None) -> None:
    """After the objects of a branch's schema changed: versioned_objects, masks, lens.

    `tables`: main's tables whose lens views may have changed (None: any).
    `relations`: the only relations (by name) that came, went or changed (None: any).
    """
    record_objects(db, schema, relations)
    masks.sync(db, None if schema == TRACKED_SCHEMA else [schema], relations)
    lens.regenerate(db, tables)


DATA_MODES = ("all", "none", "tables")


def create_branch(db, name: str, parent: str | None, data_mode: str = "all", tables: list | None = None) -> str:
    require_init(db)
    name = check_name(name)
    source = get_branch(db, parent if parent is not None else MAIN)
    if db.query("SELECT 1 FROM pggit.branches WHERE name = $1", (name,)):
        raise PggitError(f"branch {name!r} already exists",
                         hint="Choose another name, or delete the branch first.",
                         sqlstate=errors.DUPLICATE_OBJECT)
    copied = rows_to_copy(db, source["schema_name"], data_mode, tables)
    budget = lock_budget(db, source["schema_name"])
    with internal(db), out_of_locks_said(budget, source["schema_name"]):
        schema = schema_for(db, name)
        lock_tables(db, source["schema_name"])
        db.execute(f"CREATE SCHEMA {ident(schema)}")
        masks.create_schema(db, mask_schema(schema))
        run_all(db, "branch_schema_grants", source["schema_name"], schema)
        model = commits.live_model(db, commits.branch_with_head(db, source["name"]))
        warn_unmanaged(db, source["schema_name"])
        # as pg_restore does: foreign keys, triggers and rules come after the rows, so no
        # row waits for another table's (cycles and deferred checks included) and no
        # copied row is rewritten or checked again
        post_data = ({k for k, c in model.constraints.items() if c.type == "f"}
                     | set(model.triggers) | set(model.rules))
        pre_data = model.without(post_data | set(model.default_privileges))
        run_script(db, schema, engine.script(Schema(), pre_data, schema))
        run_all(db, "branch_owner_statements", source["schema_name"], schema)
        copy_rows(db, source["schema_name"], schema, copied)
        with_keys = model.without(set(model.default_privileges))
        run_script(db, schema, engine.script(pre_data, with_keys, schema))
        # the parent's default privileges, as they are, for whichever roles a DBA set them:
        # a copy of what exists, which the branch's maker may not be able to set itself
        own = engine.script(with_keys, model, schema)
        if own.strip():
            db.as_owner(own)
        identities.copy(db, source["schema_name"], schema)
        db.as_owner("INSERT INTO pggit.branches (name, schema_name, parent_branch_id, created_by, data, data_tables) "
                    "VALUES ($1, $2, $3::bigint, $4::name, $5, $6::text[])",
                    (name, schema, source["id"], db.role(), data_mode or "all",
                     text_array(sorted(tables)) if data_mode == "tables" else None))
        commits.fork(db, source["name"], name)  # the fork point: merge finds its base here
        refresh(db, schema)
    return schema


def rows_to_copy(db, schema: str, data_mode: str | None, tables: list | None) -> set | None:
    """The tables whose rows a new branch gets (None: all), checked before anything is done:
    a named table whose foreign keys need rows of a table the branch would not have is
    refused. Ledgers and tracked tables always carry their rows (data.py)."""
    if data_mode not in DATA_MODES:
        raise PggitError(f"data must be 'all', 'none' or 'tables', not {data_mode!r}",
                         hint="data => 'none' copies the schema only; data => 'tables', tables => ARRAY['t'] "
                              "copies those tables' rows.", sqlstate=errors.INVALID_PARAMETER)
    if (data_mode == "tables") != bool(tables):
        raise PggitError("tables => ... goes with data => 'tables', and data => 'tables' needs tables",
                         hint="SELECT pggit.create_branch('x', data => 'tables', tables => ARRAY['countries']);",
                         sqlstate=errors.INVALID_PARAMETER)
    if data_mode == "all":
        return None
    present = {t["name"] for t in db.query(sql("branch_tables"), (schema, schema))}
    unknown = sorted(set(tables or ()) - present)
    if unknown:
        raise PggitError(f"no table {', '.join(unknown)} in schema {schema}",
                         hint="Name tables of the parent branch (partitioned tables by their root).",
                         sqlstate="42P01")
    copied = set(tables or ()) | {t["table_name"] for t in data.tables(db, schema)}
    missing = [k for k in db.query(sql("branch_foreign_keys"), (schema,))
               if k["table_name"] in copied and k["referenced"] not in copied and _has_rows(db, k)]
    if missing:
        needed = sorted({k["referenced"] for k in missing})
        raise PggitError("the rows of " + "; ".join(f"{k['table_name']} need rows of {k['referenced']} ({k['name']})"
                                                    for k in missing) + ", which the branch would not have",
                         hint=f"Name {', '.join(needed)} in tables too, or use data => 'all' or 'none'; "
                              "nothing was created.", sqlstate=errors.INVALID_PARAMETER)
    return copied


def _has_rows(db, key: dict) -> bool:
    """Whether a foreign key's table has a row with the key set (read as its owner)."""
    with as_role(db, key["owner"]):
        return db.query(f"SELECT EXISTS (SELECT 1 FROM {key['relation']} WHERE {key['needs_row']}) AS e")[0]["e"]


def lock_budget(db, schema: str) -> dict:
    """How many locks a copy of `schema` holds until it commits (a lock on every relation
    it reads and makes), and the server's lock table, read before the copy starts: once
    the lock table has run out, no query can run in the transaction."""
    return db.query(sql("branch_lock_budget"), (schema,))[0]


@contextmanager
def out_of_locks_said(budget: dict, schema: str):
    """PostgreSQL's "out of shared memory" as a pggit error that names the setting and a
    value that holds the copy. The statement fails as a whole: nothing is left."""
    try:
        yield
    except Exception as e:
        if getattr(e, "sqlstate", None) != "53200":
            raise
        wanted = -(-budget["needed"] * 3 // (2 * budget["slots"]))  # half as much again, per slot
        raise PggitError(f"create_branch of schema {schema} ran out of shared lock memory: it holds about "
                         f"{budget['needed']} locks until it commits, and max_locks_per_transaction is "
                         f"{budget['per_transaction']}",
                         hint=f"Set max_locks_per_transaction to at least {max(wanted, budget['per_transaction'] * 2)} "
                              "(postgresql.conf or ALTER SYSTEM), restart PostgreSQL, and create the branch "
                              "again; nothing was done.",
                         sqlstate="53200") from None


def lock_tables(db, schema: str) -> None:
    """Writers wait while the rows are copied, so every table is read at one moment."""
    tables = db.query(sql("branch_tables"), (schema, schema))
    if tables:
        names = ", ".join(f"{ident(schema)}.{ident(t['name'])}" for t in tables)
        db.execute(f"LOCK TABLE {names} IN SHARE MODE")


def run_script(db, target: str, script: str) -> None:
    """Run an engine script in `target`: what it creates is bound to `target`'s own objects."""
    # the engine writes a session-wide SET for scripts run by hand; here it is local
    script = script.replace("SET check_function_bodies = false;", "SET LOCAL check_function_bodies = false;", 1)
    with search_path(db, target):  # the tracked schema follows: extensions' types live there
        if script.strip():
            db.execute(script)


@contextmanager
def search_path(db, schema: str):
    """Unqualified names reach `schema`, then the tracked schema (extensions' objects).

    pg_catalog, left out, is searched first, and pg_temp, listed, last; objects a script
    creates go to `schema`, the first schema listed.
    """
    with db.local_settings(search_path=", ".join(dict.fromkeys([ident(schema), ident(TRACKED_SCHEMA), "pg_temp"]))):
        yield


def copy_rows(db, source: str, target: str, only: set | None = None) -> None:
    """Copy every table's rows (or those of the tables in `only`), each as the table's
    owner (see as_role). Sequences start where the parent's are, copied or not: ids never
    collide with the parent's."""
    tables = [t for t in db.query(sql("branch_tables"), (source, target))
              if t["columns"] and (only is None or t["name"] in only)]
    # one role switch per owner, not per table (each cost half a millisecond, and more
    # as the session's plans grew: a fifth of create_branch at 1,000 tables)
    for owner, owned in itertools.groupby(sorted(tables, key=lambda t: t["owner"]), key=lambda t: t["owner"]):
        owned = list(owned)
        with as_role(db, owner):  # (no trigger or rule exists yet: see create_branch)
            for t in owned:
                db.execute(f"INSERT INTO {qualified(target, t['name'])} ({t['columns']}) OVERRIDING SYSTEM VALUE "
                           f"SELECT {t['select_list']} FROM {_only(t)}{qualified(source, t['name'])}")
        for t in owned:  # (as the caller: the owner's policies may hide rows from it)
            if t["forced_rls"]:
                check_all_copied(db, qualified(source, t["name"]), qualified(target, t["name"]), _only(t), owner)
    run_all(db, "branch_sequence_values", source, target)
    for view in db.query(sql("branch_populated_matviews"), (target,)):
        db.execute(f"REFRESH MATERIALIZED VIEW {ident(target)}.{ident(view['name'])}")


def _only(table: dict) -> str:
    """How a copy reads its source table: a partitioned one through its root, whole;
    an inheritance parent without its children (they are copied on their own)."""
    return "" if table["partitioned"] else "ONLY "


@contextmanager
def as_role(db, role: str):
    """Run as `role`: code of its tables (CHECKs, generated columns, foreign keys) that
    pggit causes to run runs with its rights, never the caller's, as PostgreSQL's own
    maintenance commands do."""
    with db.local_settings(role=role):
        yield


def check_all_copied(db, src: str, dst: str, only: str, owner: str) -> None:
    """A table whose owner is subject to its own row-level security (FORCE) was copied
    as the owner: if its policies hid rows from it, stop rather than branch part of it."""
    counts = db.query(f"SELECT (SELECT count(*) FROM {only}{src}) AS have, "
                      f"(SELECT count(*) FROM {dst}) AS copied")[0]
    if counts["copied"] < counts["have"]:
        raise PggitError(f"{counts['have'] - counts['copied']} row(s) of {src} are hidden from its owner "
                         f"{owner} by its row-level security policies (FORCE), so a branch would lack them",
                         hint="Give the owner a policy that shows it every row (or NO FORCE ROW LEVEL "
                              "SECURITY), then create the branch again; nothing was created.",
                         sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)


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
        drop_schemas(db, check_branch_schema(branch["schema_name"]))
        db.as_owner("DELETE FROM pggit.branches WHERE id = $1::bigint", (branch["id"],))
        lens.regenerate(db)
    return f"pggit: deleted branch {name}"


def drop_schemas(db, schema: str) -> None:
    """A branch's schema (as the caller) and its mask (pggit's own)."""
    db.execute(f"DROP SCHEMA IF EXISTS {ident(schema)} CASCADE")
    masks.drop_schema(db, mask_schema(schema))


def has_unmerged_changes(db, branch: dict) -> bool:
    """Would deleting the branch lose work? Not when its schema is its parent's, nor when
    its head commit is in its parent's history and nothing changed since (it was merged,
    whatever the parent did after)."""
    from .diff import diff

    parent = db.query("SELECT name, schema_name FROM pggit.branches WHERE id = $1::bigint",
                      (branch["parent_branch_id"],))
    if not parent or not engine.diff_schemas(db, parent[0]["schema_name"], db, branch["schema_name"]):
        return False
    head = commits.branch_with_head(db, branch["name"])["head"]
    parent_head = commits.branch_with_head(db, parent[0]["name"])["head"]
    if head is None or commits.merge_base_of(db, head, parent_head) != head:
        return True
    return bool(diff(commits.snapshot(db, head), commits.live_model(db, branch)))


def after_ddl(db, schemas: list[str], tables: list[str] | None) -> None:
    """What the event triggers ask for after DDL on main's or a branch's schema.

    `schemas`: where objects came, went or were renamed. `tables`: the names of main's
    tables whose lens views and masks the DDL may have changed; empty: none; None: any
    (e.g. a type was altered).
    """
    with internal(db, lock=False):  # never wait for a pggit operation: it may wait for this DDL's locks
        for schema in schemas:
            if db.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", (schema,)):
                record_objects(db, schema)
                masks.sync(db, None if schema == TRACKED_SCHEMA else [schema])
            elif schema.startswith(SCHEMA_PREFIX):
                # the branch's schema was dropped by hand: the branch is gone with it
                masks.drop_schema(db, mask_schema(schema))
                db.as_owner("DELETE FROM pggit.branches WHERE schema_name = $1 AND id <> 1", (schema,))
                tables = None
        if tables is None or tables:
            if TRACKED_SCHEMA not in schemas:
                masks.sync(db, None, tables)  # main's tables changed: their stand-ins follow
            lens.regenerate(db, tables)
